#!/usr/bin/env python3
"""Measures pla's job kinds at several ranks x threads layouts on one node,
from pla's own --json timings, so that the layout of a batch job is chosen
from numbers taken on the node it will run on.

  # on a workstation (Open MPI's mpirun):
  python3 slurm/measure_layouts.py --pla build/pla --layouts 1x1,2x1,1x2
  # inside a Slurm allocation of one whole node:
  salloc -N 1 --exclusive
  python3 slurm/measure_layouts.py --launcher srun --layouts 1x1,8x1,4x2,2x4,1x8

RxT is R ranks x T OpenMP/BLAS threads per rank (R * T <= the node's cores).
Inputs are generated once (pla gen) into --dir.  The layouts take turns, --reps
rounds; the table shows the fastest compute phase (maximum over ranks, as pla
reports it), the whole run and the load average before the run: a busy node
makes every number slower, so compare runs taken under the same load.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

# kind: (inputs to generate, pla arguments); sizes scaled by --scale
CASES = {
    "gemm": ([["gen", "--rows", "{n}", "--cols", "{n}", "--seed", "1", "-o", "in.h5:/A"],
              ["gen", "--rows", "{n}", "--cols", "{n}", "--seed", "2", "-o", "in.h5:/B"]],
             ["gemm", "-a", "in.h5:/A", "-b", "in.h5:/B"]),
    "qr": ([["gen", "--rows", "{tall}", "--cols", "{narrow}", "--seed", "3", "-o", "tall.h5:/X"]],
           ["qr", "-i", "tall.h5:/X", "--mode", "economic"]),
    "lstsq": ([["gen", "--kind", "regression", "--rows", "{tall}", "--cols", "{narrow}", "--noise", "0.1",
                "--seed", "4", "-o", "reg.h5"]],
              ["lstsq", "-a", "reg.h5:/X", "-b", "reg.h5:/y", "--intercept"]),
    "eig": ([["gen", "--kind", "symmetric", "--eigenvalues", "linear:1:1000", "--rows", "{half}", "--seed", "5",
              "-o", "sym.h5"]],
            ["eig", "-i", "sym.h5:/A"]),
    "svd": ([["gen", "--rows", "{tall}", "--cols", "{narrow}", "--seed", "3", "-o", "tall.h5:/X"]],
            ["svd", "-i", "tall.h5:/X", "-k", "20"]),
    "pca": ([["gen", "--rows", "{tall}", "--cols", "{narrow}", "--seed", "3", "-o", "tall.h5:/X"]],
            ["pca", "-i", "tall.h5:/X", "-k", "20"]),
}


def sizes(scale):
    return {"n": int(4000 * scale), "tall": int(40000 * scale), "narrow": int(1000 * scale),
            "half": int(2000 * scale)}


def launch(args, launcher, ranks, threads, pla):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               OMP_PLACES="cores", OMP_PROC_BIND="close", HDF5_USE_FILE_LOCKING="FALSE")
    if launcher == "srun":
        cmd = ["srun", "-n", str(ranks), "-c", str(threads), "--mpi=pmix", "--cpu-bind=cores"]
    elif launcher == "mpirun":
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        cmd = ["mpirun", "-n", str(ranks), "--map-by", f"slot:PE={threads}", "--bind-to", "core",
               "-x", "OMP_NUM_THREADS", "-x", "OPENBLAS_NUM_THREADS", "-x", "OMP_PLACES", "-x", "OMP_PROC_BIND"]
    else:  # none: the single-process build, or one rank without a launcher
        cmd = []
    return cmd + [pla] + args + ["--threads", str(threads)], env


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pla", default=shutil.which("pla") or "pla")
    ap.add_argument("--launcher", choices=["mpirun", "srun", "none"], default="mpirun")
    ap.add_argument("--layouts", default="1x1,2x1,1x2", help="RxT list (ranks x threads)")
    ap.add_argument("--kinds", default="gemm,svd", help="of " + ",".join(CASES))
    ap.add_argument("--scale", type=float, default=1.0, help="problem size factor (1: gemm n=4000, "
                    "svd/pca/qr/lstsq 40000x1000, eig n=2000)")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--dir", default=None, help="for the inputs (default: a temporary directory)")
    ap.add_argument("--extra", default="", help="more pla options for every run, e.g. '--block 128'")
    a = ap.parse_args()
    if os.sep in a.pla:
        a.pla = os.path.abspath(a.pla)

    work = a.dir or tempfile.mkdtemp(prefix="pla-layouts-")
    os.makedirs(work, exist_ok=True)
    sz = sizes(a.scale)
    layouts = [tuple(int(x) for x in l.split("x")) for l in a.layouts.split(",")]
    print(f"# pla {a.pla}, launcher {a.launcher}, {os.cpu_count()} CPUs, inputs in {work}")
    print(f"# {'kind':6} {'layout':>7} {'compute_s':>10} {'total_s':>8} {'load':>5}  shape")
    made = set()
    for kind in a.kinds.split(","):
        gens, args = CASES[kind]
        for g in gens:
            g = [x.format(**sz) for x in g]
            if tuple(g) in made:
                continue
            cmd, env = launch(g + ["-q", "--force"], "none", 1, os.cpu_count() or 1, a.pla)
            subprocess.run(cmd, cwd=work, env=env, check=True)
            made.add(tuple(g))
        best = {}  # layout: (compute, total, load, shape); the layouts take turns, round after round
        for rep in range(a.reps):
            for ranks, threads in layouts:
                out = os.path.join(work, f"out-{kind}.h5")
                if os.path.exists(out):
                    os.remove(out)
                cmd, env = launch(args + ["-o", out, "--json"] + a.extra.split(), a.launcher, ranks, threads, a.pla)
                load_now = os.getloadavg()[0]
                r = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
                try:
                    s = json.loads(r.stdout.strip().splitlines()[-1])
                    c, t = s["timings"]["compute"], s["timings"]["total"]
                except (ValueError, IndexError, KeyError):
                    print(f"  {kind} {ranks}x{threads}: no JSON (exit {r.returncode}): {r.stderr.strip()[:300]}")
                    continue
                if (ranks, threads) not in best or c < best[(ranks, threads)][0]:
                    shape = "x".join(str(v) for v in s["inputs"][0]["shape"])
                    best[(ranks, threads)] = (c, t, load_now, shape)
        for (ranks, threads), (c, t, load, shape) in best.items():
            print(f"  {kind:6} {ranks:>3}x{threads:<3} {c:10.3f} {t:8.3f} {load:5.2f}  {shape}", flush=True)
    if a.dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
