#!/usr/bin/env bash
# The main example: installs and builds pla (setup.sh), runs `pla pca` on 2 MPI
# ranks on the bundled handwritten digits (examples/data/digits.h5: 1797
# samples x 64 pixels, with labels), prints the explained variance table,
# draws a scree plot and the first two components' scores colored by digit
# (out/digits_scree.svg, out/digits_scatter.svg), and checks the model
# against scikit-learn's PCA.
#
# usage: scripts/example.sh [--no-setup] [--build-dir DIR] [--out-dir DIR]
#   --no-setup       use the existing build, install and build nothing
#   --build-dir DIR  the MPI build tree to use (default: build/)
#   --out-dir DIR    where the results go (default: out/)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
setup=1
build_dir=$repo/build
outdir=out
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-setup) setup=0 ;;
        --build-dir) build_dir=${2:?--build-dir needs a directory}; shift ;;
        --out-dir) outdir=${2:?--out-dir needs a directory}; shift ;;
        *) echo "example.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
build_dir=$(realpath -m "$build_dir")
[[ $setup -eq 0 ]] || bash "$repo/scripts/setup.sh" --build-dir "$build_dir"

cd "$repo"
pla=$(realpath --relative-to=. "$build_dir")/pla
input=examples/data/digits.h5
output=$outdir/digits_pca.h5
[[ -x $pla ]] || { echo "example.sh: $pla is missing: run scripts/setup.sh" >&2; exit 1; }

# mpirun as root refuses to run anything unless allowed; on a one-core
# machine 2 ranks need --oversubscribe.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export HDF5_USE_FILE_LOCKING=FALSE
mpirun_opts=()
[[ $(nproc) -ge 2 ]] || mpirun_opts+=(--oversubscribe)

mkdir -p "$outdir"
# a fresh result each run (pla never overwrites without --force)
rm -f "$output" "$outdir/digits_scree.svg" "$outdir/digits_scatter.svg"
cmd=(mpirun "${mpirun_opts[@]}" -n 2 "$pla" pca -i "$input:/X" -k 10 --scores -o "$output")
echo "example.sh: ${cmd[*]}"
"${cmd[@]}" < /dev/null
"$pla" plot "$output" -o "$outdir/digits_scree.svg"
"$pla" plot "$output" --scatter --labels "$input:/y" -o "$outdir/digits_scatter.svg"

/usr/bin/python3 - "$input" "$output" <<'PY'
import sys
import h5py
import numpy as np
from sklearn.decomposition import PCA

inp, out = sys.argv[1], sys.argv[2]
with h5py.File(inp, "r") as f:
    X = f["X"][...]
with h5py.File(out, "r") as f:
    got = {k: f[k][...] for k in ("components", "explained_variance_ratio", "scores")}
    nprocs = int(f.attrs["nprocs"])
ref = PCA(n_components=10, svd_solver="full").fit(X)
scores = ref.transform(X)
err = max(np.abs(got["components"] - ref.components_).max(),
          np.abs(got["explained_variance_ratio"] - ref.explained_variance_ratio_).max()
          / ref.explained_variance_ratio_.max(),
          np.abs(got["scores"] - scores).max() / np.abs(scores).max())
ok = err <= 1e-10 and nprocs == 2
print(f"example.sh: largest relative difference from scikit-learn's PCA(10, svd_solver='full'): {err:.1e}: "
      f"{'ok' if ok else 'FAIL'}")
if nprocs != 2:
    print(f"example.sh: FAIL: the output's nprocs attribute is {nprocs}, expected 2")
sys.exit(0 if ok else 1)
PY
echo "example.sh: pictures in $outdir/digits_scree.svg and $outdir/digits_scatter.svg (open them in a browser)"
