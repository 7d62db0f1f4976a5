#!/usr/bin/env bash
# Runs all of pla's tests, as CI does: installs the packages (setup.sh), then
# builds and runs ctest in three configurations:
#   mpi       the MPI build with ELPA required, warnings as errors (tests at 1-4 ranks)
#   noelpa    the MPI build without ELPA (-DPLA_WITH_ELPA=OFF): the eigensolver tests
#   serial    the single-process build (-DPLA_WITH_MPI=OFF), warnings as errors
#   sanitize  the single-process build with ASan + UBSan (-DPLA_SANITIZE=ON),
#             LeakSanitizer on
# Exits non-zero if any configuration fails to build or any test fails, and
# ends with one summary line per configuration.
#
# usage: scripts/test.sh [--build-root DIR] [--only mpi|noelpa|serial|sanitize]...
#   --build-root DIR  where the three build trees go (default: build-test/)
#   CTEST_ARGS (environment) extra ctest arguments, e.g. CTEST_ARGS="-L unit"
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_root=$repo/build-test
only=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --build-root) build_root=${2:?--build-root needs a directory}; shift ;;
        --only) only+=("${2:?--only needs a configuration}"); shift ;;
        -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "test.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
configs=(serial mpi noelpa sanitize)  # serial first: the slurm test compares the MPI build with it
[[ ${#only[@]} -eq 0 ]] || configs=("${only[@]}")

bash "$repo/scripts/setup.sh" --no-build || { echo "test.sh: setup failed" >&2; exit 1; }

# mpirun as root (CI) refuses to run anything unless told it may.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export HDF5_USE_FILE_LOCKING=FALSE
jobs=$(nproc)
read -r -a ctest_extra <<< "${CTEST_ARGS:-}"

# LeakSanitizer stops the process with ptrace-like machinery that some
# containers forbid.  Find out with a program that leaks on purpose, so that a
# sanitize run without leak checks says so instead of passing quietly.
lsan_note=""
probe_lsan() {
    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/pla-lsan.XXXXXX")
    printf '#include <stdlib.h>\nvoid *volatile keep;\nint main(void) { keep = malloc(64); keep = 0; return 0; }\n' \
        > "$dir/leak.c"
    if ! cc -fsanitize=address -g -o "$dir/leak" "$dir/leak.c" 2> "$dir/cc.log"; then
        lsan_note="ASan cannot build here: $(head -1 "$dir/cc.log")"
    else
        ASAN_OPTIONS=detect_leaks=1 "$dir/leak" > "$dir/run.log" 2>&1 # exits non-zero: the leak
        grep -q 'detected memory leaks' "$dir/run.log" ||
            lsan_note="LeakSanitizer does not work here: $(grep -m1 -i 'sanitizer' "$dir/run.log" || echo 'no report')"
    fi
    rm -rf "$dir"
}

declare -A result
run_config() { # NAME CTEST_JOBS CMAKE_ARGS...
    local name=$1 cjobs=$2
    shift 2
    local dir=$build_root/$name log=$build_root/$name.ctest.log start=$SECONDS
    echo
    echo "==== test.sh: $name: configure and build in $dir"
    if ! cmake -S "$repo" -B "$dir" "$@"; then
        result[$name]="FAIL (configure)"
        return
    fi
    if ! cmake --build "$dir" -j "$jobs"; then
        result[$name]="FAIL (build)"
        return
    fi
    echo "==== test.sh: $name: ctest"
    (cd "$dir" && ctest --output-on-failure -j "$cjobs" "${ctest_extra[@]}") 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]} counts
    counts=$(grep -E '[0-9]+% tests passed' "$log" | tail -1)
    if [[ $rc -eq 0 && -n $counts ]]; then
        result[$name]="PASS ($counts, $((SECONDS - start)) s)"
    else
        result[$name]="FAIL (${counts:-ctest exit $rc}, $((SECONDS - start)) s)"
    fi
}

mkdir -p "$build_root"
for c in "${configs[@]}"; do
    case "$c" in
        # MPI tests run 1-4 ranks each on this machine's cores: one at a time.
        mpi) run_config mpi 1 -DPLA_WITH_MPI=ON -DPLA_WERROR=ON -DPLA_WITH_ELPA=ON ;;
        noelpa)
            saved=("${ctest_extra[@]}")
            ctest_extra+=(-R eig)
            run_config noelpa 1 -DPLA_WITH_MPI=ON -DPLA_WERROR=ON -DPLA_WITH_ELPA=OFF -DPLA_BUILD_BENCH=OFF
            ctest_extra=("${saved[@]}")
            ;;
        serial) run_config serial "$jobs" -DPLA_WITH_MPI=OFF -DPLA_WERROR=ON ;;
        sanitize)
            probe_lsan
            if [[ -z $lsan_note ]]; then
                export ASAN_OPTIONS=detect_leaks=1
            else
                echo "test.sh: warning: $lsan_note: leak checks are OFF for this run" >&2
                export ASAN_OPTIONS=detect_leaks=0
            fi
            export UBSAN_OPTIONS=print_stacktrace=1
            run_config sanitize "$jobs" -DPLA_WITH_MPI=OFF -DPLA_WERROR=ON -DPLA_SANITIZE=ON
            unset ASAN_OPTIONS UBSAN_OPTIONS
            if [[ -n $lsan_note ]]; then result[sanitize]+=" [leak checks OFF: $lsan_note]"; fi
            ;;
        *) result[$c]="FAIL (unknown configuration)" ;;
    esac
done

echo
status=0
for c in "${configs[@]}"; do
    printf 'test.sh: %-9s %s\n' "$c" "${result[$c]}"
    [[ ${result[$c]} == PASS* ]] || status=1
done
exit $status
