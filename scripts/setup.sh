#!/usr/bin/env bash
# Installs every Debian 12 package that pla's build, tests and benchmarks need,
# then configures and builds pla.  Safe to rerun: apt is skipped when every
# package is already installed, and the build is incremental.
#
# usage: scripts/setup.sh [--serial] [--no-build] [--build-dir DIR] [-- CMAKE_ARGS...]
#   (default)        the MPI build in build/   (program: build/pla)
#   --serial         the single-process build in build-serial/ (-DPLA_WITH_MPI=OFF)
#   --no-build       install the packages only
#   --build-dir DIR  build in DIR instead
#   -- CMAKE_ARGS    passed on to cmake, e.g. -- -DPLA_WERROR=ON
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=mpi
build=1
build_dir=""
cmake_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --serial) mode=serial ;;
        --no-build) build=0 ;;
        --build-dir) build_dir=${2:?--build-dir needs a directory}; shift ;;
        --) shift; cmake_args=("$@"); break ;;
        -h | --help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# Debian 12 package names, each checked with `apt-cache policy`.
packages=(
    build-essential cmake pkg-config              # compiler, build system
    libopenmpi-dev openmpi-bin openssh-client     # MPI (mpirun needs an ssh client even on one node)
    libscalapack-openmpi-dev                      # ScaLAPACK/PBLAS/BLACS for Open MPI
    libhdf5-openmpi-dev libhdf5-dev hdf5-tools    # parallel and serial HDF5, h5dump
    libopenblas-openmp-dev liblapacke-dev         # OpenBLAS (OpenMP threading), LAPACK(E)
    libcjson-dev librandom123-dev                 # --json output, counter-based RNG
    libelpa-dev                                   # ELPA eigensolvers (optional backend of pla eig)
    python3 python3-numpy python3-scipy           # cross-checks in tests and benchmarks
    python3-h5py python3-h5py-serial python3-sklearn python3-dask
    librsvg2-bin                                  # renders pla plot's SVGs in the tests
    slurmctld slurmd slurm-client munge           # the single-node Slurm of the slurm tests
)

log() { echo "setup.sh: $*"; }

# One dpkg-query for all: unknown packages are reported on stderr and count as missing.
installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${packages[@]}" 2>/dev/null |
    awk '$1 == "ii" { print $2 }' | sed 's/:.*//' || true)
missing=()
for p in "${packages[@]}"; do
    grep -qx "$p" <<< "$installed" || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    log "all ${#packages[@]} packages are installed"
else
    log "installing ${#missing[@]} package(s): ${missing[*]}"
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo > /dev/null || { log "not root and no sudo: install these as root" >&2; exit 1; }
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q < /dev/null
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}" < /dev/null
fi

# pla expects the OpenMP variant of OpenBLAS (its threads follow
# OMP_NUM_THREADS); a pthread variant installed alongside would win the
# alternatives.  Say so instead of changing the system's choice.
arch=$(gcc -print-multiarch 2>/dev/null || true)
blas=$(update-alternatives --query "libopenblas.so.0-$arch" 2>/dev/null | sed -n 's/^Value: //p' || true)
if [[ -n $blas && $blas != *openblas-openmp* ]]; then
    log "warning: libopenblas.so.0 is $blas, not the OpenMP variant;" \
        "select it with: update-alternatives --config libopenblas.so.0-$arch" >&2
fi

[[ $build -eq 1 ]] || exit 0

if [[ $mode == serial ]]; then
    build_dir=${build_dir:-$repo/build-serial}
    cmake_args=(-DPLA_WITH_MPI=OFF "${cmake_args[@]}")
else
    build_dir=${build_dir:-$repo/build}
    cmake_args=(-DPLA_WITH_MPI=ON "${cmake_args[@]}")
fi
log "configuring the $mode build in $build_dir"
cmake -S "$repo" -B "$build_dir" "${cmake_args[@]}"
log "building ($(nproc) jobs)"
cmake --build "$build_dir" -j "$(nproc)"
log "done: $build_dir/pla"
