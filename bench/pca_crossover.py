#!/usr/bin/python3
"""Where each `pla pca` solver is fastest: the measurements behind pla_pca_choose.

    bench/pca_crossover.py [--build DIR] [--ranks 2] [--rounds 2] [--shapes M:N:K,...]

For each shape, X (m x n, s_i = (1 + i)^-0.5 as in bench/pca_run.py) is written once by
`pla gen --kind spectrum`, then `pla pca -k K --solver covariance|full|randomized` and
`--solver auto` run in turn (interleaved rounds, fresh processes, `mpirun -n RANKS
--bind-to core`), each timed by its JSON `timings.compute`.  Prints one markdown table:
the median compute seconds per solver, the fastest, what auto chose, and auto's time
over the fastest exact solver's (covariance or full) and over the fastest overall.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

SOLVERS = ("covariance", "full", "randomized", "auto")
DEFAULT_SHAPES = ("20000:100:10,20000:500:50,20000:2000:50,4000:2000:50,2000:4000:50,1000:8000:20,"
                  "2000:8000:100")


def run(cmd, env=None):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"pca_crossover: {' '.join(cmd)}: exit {proc.returncode}\n{proc.stderr.strip()[:800]}")
    return proc.stdout


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--shapes", default=DEFAULT_SHAPES, help="M:N:K,... (default %(default)s)")
    a = ap.parse_args(argv)
    pla = os.path.abspath(os.path.join(a.build, "pla"))
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               HDF5_USE_FILE_LOCKING="FALSE", OMP_NUM_THREADS="1")
    launch = ["mpirun", "-n", str(a.ranks), "--bind-to", "core"]
    shapes = [tuple(int(x) for x in s.split(":")) for s in a.shapes.split(",")]
    work = tempfile.mkdtemp(prefix="pla-pca-crossover-")
    times = {(s, v): [] for s in shapes for v in SOLVERS}
    chosen = {}
    try:
        for m, n, k in shapes:
            run(launch + [pla, "gen", "--kind", "spectrum", "--singular-values", "poly:1:0.5", "--rows", str(m),
                          "--cols", str(n), "--seed", "1", "-q", "-o", os.path.join(work, f"x{m}_{n}.h5:/g")], env)
        for _ in range(a.rounds):
            for m, n, k in shapes:
                for solver in SOLVERS:
                    out = os.path.join(work, "out.h5")
                    d = json.loads(run(launch + [pla, "pca", "-i", os.path.join(work, f"x{m}_{n}.h5:/g/A"), "-k",
                                                 str(k), "--solver", solver, "--json", "--force", "-o", out],
                                       env).splitlines()[-1])
                    times[((m, n, k), solver)].append(d["timings"]["compute"])
                    if solver == "auto":
                        chosen[(m, n, k)] = d["parameters"]["solver"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"`bench/pca_crossover.py {' '.join(argv)}` at {a.ranks} ranks x 1 thread, median of {a.rounds} "
          "rounds (compute seconds):\n")
    print("| m x n, k | covariance | full | randomized (krylov, q = 3) | fastest | auto ran | auto / fastest exact "
          "| auto / fastest |")
    print("|---|---:|---:|---:|---|---|---:|---:|")
    for s in shapes:
        med = {v: statistics.median(times[(s, v)]) for v in SOLVERS}
        fastest = min(SOLVERS[:3], key=lambda v: med[v])
        exact = min(med["covariance"], med["full"])
        print(f"| {s[0]} x {s[1]}, {s[2]} | {med['covariance']:.2f} | {med['full']:.2f} | {med['randomized']:.2f} | "
              f"{fastest} | {chosen[s]} | {med['auto'] / exact:.2f} | {med['auto'] / med[fastest]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
