#!/usr/bin/env bash
# The downstream test: installs a pla build tree into a temporary prefix, then
# builds tests/downstream/app against the installed files twice -- with CMake
# (find_package(pla), pla::pla) and with `cc $(pkg-config --cflags --libs pla)`
# -- and runs both, on 2 ranks through the launcher in the MPI build.  Then
# builds the example of docs/library.md (examples/gemm_h5.c) the same way and
# checks its output on examples/data/example.h5 against numpy.
#
# usage: run.sh CMAKE BUILD_DIR SOURCE_DIR CC SANITIZE [LAUNCHER...]
#   CMAKE     the cmake that configured BUILD_DIR from SOURCE_DIR
#   SANITIZE  ON when libpla was built with ASan/UBSan (the app needs it too)
#   LAUNCHER  mpiexec prefix ending in its "-n" flag; absent: single process
set -euo pipefail

cmake_cmd=$1 build_dir=$2 source_dir=$3 cc=$4 sanitize=$5
shift 5
launcher=("$@")
app_dir=$source_dir/tests/downstream/app

fail() { echo "downstream: FAIL: $*" >&2; exit 1; }
step() { echo "downstream: $*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pla-downstream.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
# Open MPI's session directory under this test's own temporary directory:
# concurrent mpiruns sharing /tmp/ompi.HOST.UID race on it (open-mpi/ompi#8510).
export OMPI_MCA_orte_tmpdir_base=$work

# launch NP PROGRAM ARGS...: through the launcher in the MPI build.
if [[ ${#launcher[@]} -gt 0 ]]; then
    nranks=2 kind=MPI
    launch() { local np=$1; shift; "${launcher[@]}" "$np" "$@"; }
else
    nranks=1 kind=single-process
    launch() { shift; "$@"; }
fi
app_flags="-std=c11 -Wall -Wextra -Wstrict-prototypes -Werror"
san_flags=""
case "$sanitize" in
    ON | On | on | 1 | TRUE | True | true | YES | yes) san_flags="-fsanitize=address,undefined" ;;
esac

# ---- install ---------------------------------------------------------------------
step "installing $build_dir into $prefix"
"$cmake_cmd" --install "$build_dir" --prefix "$prefix" > "$work/install.log" ||
    { cat "$work/install.log"; fail "cmake --install failed"; }
for f in bin/pla include/pla.h include/pla/config.h include/pla/ctx.h include/pla/mat.h; do
    [[ -e $prefix/$f ]] || fail "$f was not installed"
done
config=$(find "$prefix" -name plaConfig.cmake -print -quit)
pcfile=$(find "$prefix" -name pla.pc -print -quit)
[[ -n $config ]] || fail "plaConfig.cmake was not installed"
[[ -n $pcfile ]] || fail "pla.pc was not installed"
cfgdir=$(dirname "$config")
for f in plaConfigVersion.cmake plaTargets.cmake; do
    [[ -e $cfgdir/$f ]] || fail "$f was not installed next to plaConfig.cmake"
done
libdir=$(dirname "$(find "$prefix" -name 'libpla.so*' -print -quit)")
[[ $libdir != . ]] || fail "libpla.so was not installed"
find "$prefix/include" -name '*.h' | grep -q internal && fail "internal headers were installed"

# The installed program must find its libpla (through its RPATH).
step "running the installed pla --version"
launch 1 "$prefix/bin/pla" --version > "$work/version.log" 2>&1 ||
    { cat "$work/version.log"; fail "installed pla --version failed"; }

check_output() { # LOG NAME: the app's line must show the build, the rank count and "ok"
    grep -q "^pla downstream: $kind build, ranks=$nranks, .*: ok$" "$1" ||
        { cat "$1"; fail "$2 did not report success of the $kind build on $nranks rank(s)"; }
    grep '^pla downstream:' "$1"
}

# ---- CMake: find_package(pla) ----------------------------------------------------
step "building the app with find_package(pla)"
"$cmake_cmd" -S "$app_dir" -B "$work/app-cmake" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$san_flags" -DCMAKE_BUILD_TYPE=Debug \
    > "$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "configuring the app failed"; }
found_dir=$(sed -n 's/^pla_DIR:PATH=//p' "$work/app-cmake/CMakeCache.txt")
[[ $(realpath "$found_dir") == $(realpath "$cfgdir") ]] ||
    fail "find_package(pla) found $found_dir, not the test install in $cfgdir"
"$cmake_cmd" --build "$work/app-cmake" > "$work/build.log" 2>&1 ||
    { cat "$work/build.log"; fail "building the app with CMake failed"; }
step "running the CMake-built app on $nranks rank(s)"
launch "$nranks" "$work/app-cmake/downstream" > "$work/run-cmake.log" 2>&1 ||
    { cat "$work/run-cmake.log"; fail "the CMake-built app failed"; }
check_output "$work/run-cmake.log" "the CMake-built app"

# ---- pkg-config ------------------------------------------------------------------
step "building the app with pkg-config"
PKG_CONFIG_PATH=$(dirname "$pcfile")
export PKG_CONFIG_PATH
pc_libdir=$(pkg-config --variable=libdir pla)
[[ $(realpath "$pc_libdir") == $(realpath "$libdir") ]] ||
    fail "pla.pc names libdir $pc_libdir, not the test install's $libdir"
# shellcheck disable=SC2046,SC2086 # flags are meant to split into words
"$cc" $app_flags $san_flags -o "$work/app-pc" "$app_dir/main.c" \
    $(pkg-config --cflags --libs pla) -Wl,-rpath,"$pc_libdir" > "$work/cc.log" 2>&1 ||
    { cat "$work/cc.log"; pkg-config --cflags --libs pla; fail "building the app with pkg-config failed"; }
step "running the pkg-config-built app on $nranks rank(s)"
launch "$nranks" "$work/app-pc" > "$work/run-pc.log" 2>&1 ||
    { cat "$work/run-pc.log"; fail "the pkg-config-built app failed"; }
check_output "$work/run-pc.log" "the pkg-config-built app"

# ---- the documented example ------------------------------------------------------
step "building examples/gemm_h5.c with pkg-config"
# shellcheck disable=SC2046,SC2086
"$cc" $app_flags $san_flags -o "$work/gemm_h5" "$source_dir/examples/gemm_h5.c" \
    $(pkg-config --cflags --libs pla) -Wl,-rpath,"$pc_libdir" > "$work/cc-ex.log" 2>&1 ||
    { cat "$work/cc-ex.log"; fail "building examples/gemm_h5.c failed"; }
step "running gemm_h5 on examples/data/example.h5 on $nranks rank(s)"
example=$source_dir/examples/data/example.h5
launch "$nranks" "$work/gemm_h5" "$example" "$work/c.h5" > "$work/run-ex.log" 2>&1 ||
    { cat "$work/run-ex.log"; fail "gemm_h5 failed"; }
cat "$work/run-ex.log"
/usr/bin/python3 - "$example" "$work/c.h5" <<'PY' || fail "gemm_h5's C does not match numpy"
import sys
import h5py
import numpy as np

with h5py.File(sys.argv[1], "r") as f:
    A, B = f["A"][...], f["B"][...]
with h5py.File(sys.argv[2], "r") as f:
    C = f["C"][...]
ref = A @ B
assert C.shape == ref.shape, f"C has shape {C.shape}, expected {ref.shape}"
err = np.linalg.norm(C - ref) / (np.linalg.norm(A) * np.linalg.norm(B))
bound = 10 * A.shape[1] * np.finfo(np.float64).eps
print(f"downstream: gemm_h5: ||C - A@B||_F / (||A||_F ||B||_F) = {err:.1e} (bound {bound:.1e})")
sys.exit(0 if err <= bound else 1)
PY

step "PASS (install, find_package, pkg-config and the library example, $nranks rank(s))"
