#!/usr/bin/env bash
# The main example: installs and builds pla (setup.sh), multiplies the two
# matrices of examples/data/example.h5 on 2 MPI ranks with `pla gemm`, writing
# out/example_gemm.h5, and checks the result against numpy.
#
# usage: scripts/example.sh [--no-setup] [--build-dir DIR]
#   --no-setup       use the existing build, install and build nothing
#   --build-dir DIR  the MPI build tree to use (default: build/)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
setup=1
build_dir=$repo/build
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-setup) setup=0 ;;
        --build-dir) build_dir=${2:?--build-dir needs a directory}; shift ;;
        *) echo "example.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
build_dir=$(realpath -m "$build_dir")
[[ $setup -eq 0 ]] || bash "$repo/scripts/setup.sh" --build-dir "$build_dir"

cd "$repo"
pla=$(realpath --relative-to=. "$build_dir")/pla
input=examples/data/example.h5
outdir=out
output=$outdir/example_gemm.h5
[[ -x $pla ]] || { echo "example.sh: $pla is missing: run scripts/setup.sh" >&2; exit 1; }

# mpirun as root refuses to run anything unless allowed; on a one-core
# machine 2 ranks need --oversubscribe.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export HDF5_USE_FILE_LOCKING=FALSE
mpirun_opts=()
[[ $(nproc) -ge 2 ]] || mpirun_opts+=(--oversubscribe)

mkdir -p "$outdir"
rm -f "$output" # a fresh result each run (pla never overwrites without --force)
cmd=(mpirun "${mpirun_opts[@]}" -n 2 "$pla" gemm -a "$input:/A" -b "$input:/B" -o "$output")
echo "example.sh: ${cmd[*]}"
start=$(date +%s.%N)
"${cmd[@]}" < /dev/null
end=$(date +%s.%N)

/usr/bin/python3 - "$input" "$output" "$start" "$end" <<'EOF'
import sys
import h5py
import numpy as np

inp, out, t0, t1 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
with h5py.File(inp, "r") as f:
    A, B = f["A"][...], f["B"][...]
with h5py.File(out, "r") as f:
    C = f["C"][...]
    attrs = dict(f.attrs)
ref = A @ B
if C.shape != ref.shape:
    sys.exit(f"example.sh: FAIL: C has shape {C.shape}, expected {ref.shape}")
err = np.linalg.norm(C - ref) / (np.linalg.norm(A) * np.linalg.norm(B))
eps = np.finfo(np.float64).eps
nprocs = int(attrs.get("nprocs", -1))
ok = err <= 10 * A.shape[1] * eps and nprocs == 2
grid = attrs.get("grid", b"?")
grid = grid.decode() if isinstance(grid, bytes) else grid
print(f"example.sh: C = A @ B with A {A.shape}, B {B.shape} -> {out}:/C {C.shape}"
      f" (ranks {nprocs}, grid {grid}, {t1 - t0:.2f} s with start-up)")
print(f"example.sh: ||C - A@B||_F / (||A||_F ||B||_F) = {err:.2e} against numpy: {'ok' if ok else 'FAIL'}")
if nprocs != 2:
    print(f"example.sh: FAIL: the output's nprocs attribute is {nprocs}, expected 2")
sys.exit(0 if ok else 1)
EOF
