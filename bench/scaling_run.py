#!/usr/bin/python3
"""Parallel efficiency of each job kind on one node: 1 rank x 1 thread, 2 ranks x 1 thread,
1 rank x 2 threads (issue 7's "Scaling and the performance model").

    bench/scaling_run.py [--build DIR] [--rounds 2] [--only gemm,lstsq,eig,svd,pca]

Inputs are written once by `pla gen` into a temporary directory (random, regression,
symmetric with known eigenvalues, spectrum); each job is a whole `pla` run in a fresh
process, timed by its JSON `timings.compute` (max over ranks), the layouts interleaved
round by round.  Efficiency on c cores = T(1 x 1) / (c T(layout)), from the medians.
Prints one markdown table with the command line.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

LAYOUTS = (("1 x 1", 1, 1), ("2 ranks x 1", 2, 1), ("1 rank x 2 threads", 1, 2))

# job kind -> (pla gen arguments writing FILE, pla arguments on FILE, a description)
JOBS = {
    "gemm": (["--rows", "4000", "--cols", "4000", "-o", "{d}/a.h5:/A"],
             ["gemm", "-a", "{d}/a.h5:/A", "-b", "{d}/a.h5:/A"], "C = A B, n = 4000"),
    "lstsq": (["--kind", "regression", "--rows", "200000", "--cols", "500", "-o", "{d}/r.h5:/p"],
              ["lstsq", "-a", "{d}/r.h5:/p/X", "-b", "{d}/r.h5:/p/y"], "least squares 200000 x 500 (auto)"),
    "eig": (["--kind", "symmetric", "--eigenvalues", "linear:1:3000", "--rows", "3000", "-o", "{d}/s.h5:/p"],
            ["eig", "-i", "{d}/s.h5:/p/A"], "all eigenpairs, n = 3000 (auto)"),
    "svd": (["--kind", "spectrum", "--singular-values", "poly:1:0.5", "--rows", "100000", "--cols", "1000",
             "-o", "{d}/v.h5:/p"], ["svd", "-i", "{d}/v.h5:/p/A", "-k", "50"], "top 50 of 100000 x 1000 (auto)"),
    "pca": (None, ["pca", "-i", "{d}/v.h5:/p/A", "-k", "50"], "top 50 of 100000 x 1000 (auto)"),
}


def run(cmd, env):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"scaling_run: {' '.join(cmd)}: exit {proc.returncode}\n{proc.stderr.strip()[:800]}")
    return proc.stdout


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", default=",".join(JOBS))
    a = ap.parse_args(argv)
    kinds = [k for k in a.only.split(",") if k]
    pla = os.path.abspath(os.path.join(a.build, "pla"))
    base_env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                    HDF5_USE_FILE_LOCKING="FALSE")
    work = tempfile.mkdtemp(prefix="pla-scaling-")
    times = {(k, l[0]): [] for k in kinds for l in LAYOUTS}
    try:
        for kind in kinds:
            gen = JOBS[kind][0] or (JOBS["svd"][0] if "svd" not in kinds else None)
            if gen:
                run(["mpirun", "-n", "2", pla, "gen", "-q", "--seed", "1"] + [x.format(d=work) for x in gen],
                    dict(base_env, OMP_NUM_THREADS="1"))
        for _ in range(a.rounds):
            for kind in kinds:
                for name, ranks, threads in LAYOUTS:
                    cmd = ["mpirun", "-n", str(ranks), "--bind-to", "core" if threads == 1 else "none", pla] + \
                          [x.format(d=work) for x in JOBS[kind][1]] + \
                          ["--threads", str(threads), "--json", "--force", "-o", os.path.join(work, "out.h5")]
                    d = json.loads(run(cmd, dict(base_env, OMP_NUM_THREADS=str(threads))).splitlines()[-1])
                    times[(kind, name)].append(d["timings"]["compute"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"`bench/scaling_run.py {' '.join(argv)}`: compute seconds (JSON timings.compute), median of "
          f"{a.rounds} rounds; efficiency = T(1 x 1) / (2 T):\n")
    print("| job | 1 x 1 s | 2 ranks x 1 s | efficiency | 1 rank x 2 threads s | efficiency |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in kinds:
        t = {name: statistics.median(times[(kind, name)]) for name, _, _ in LAYOUTS}
        t1 = t["1 x 1"]
        print(f"| {kind}: {JOBS[kind][2]} | {t1:.2f} | {t['2 ranks x 1']:.2f} | {t1 / (2 * t['2 ranks x 1']):.2f} | "
              f"{t['1 rank x 2 threads']:.2f} | {t1 / (2 * t['1 rank x 2 threads']):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
