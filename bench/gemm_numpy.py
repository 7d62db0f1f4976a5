#!/usr/bin/python3
"""numpy references for the GEMM benchmark (run by gemm_run.py).

  gemm_numpy.py matmul -n N [--reps R] [--warmup W]
      GFLOP/s of `A @ B` (median of R timed runs after W warm-ups) and of
      np.matmul(A, B, out=C), which reuses C instead of allocating a new
      result each time.  Threads: whatever OMP_NUM_THREADS gives numpy's BLAS.
  gemm_numpy.py gen -n N FILE
      writes random float64 datasets /A and /B (n x n, contiguous) to FILE.
  gemm_numpy.py whole -a FILE:/A -b FILE:/B -o OUT
      the "whole job" a numpy user runs: h5py read of A and B, A @ B, h5py
      write of C to OUT:/C (a new file), timed end to end in the process.

Each mode prints one JSON line on stdout.
"""
import argparse
import json
import os
import statistics
import sys
import time

import h5py
import numpy as np


def blas_info():
    """The BLAS numpy calls, as far as numpy tells."""
    try:
        cfg = np.show_config(mode="dicts")  # numpy >= 1.25
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        return blas.get("name", "unknown")
    except TypeError:
        return "system libblas (Debian alternatives)"


def cmd_matmul(args):
    rng = np.random.default_rng(args.seed)
    a = rng.uniform(-1.0, 1.0, (args.n, args.n))
    b = rng.uniform(-1.0, 1.0, (args.n, args.n))
    flops = 2.0 * args.n ** 3

    def timed(fn):
        for _ in range(args.warmup):
            fn()
        times, cpu = [], []
        for _ in range(args.reps):
            t, c = time.perf_counter(), time.process_time()
            fn()
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        return times, cpu

    t_new, cpu_new = timed(lambda: a @ b)
    c = np.empty((args.n, args.n))
    t_out, _ = timed(lambda: np.matmul(a, b, out=c))
    med_new, med_out, cpu_med = statistics.median(t_new), statistics.median(t_out), statistics.median(cpu_new)
    print(json.dumps({
        "bench": "numpy_matmul", "n": args.n, "threads": os.environ.get("OMP_NUM_THREADS", "unset"),
        "blas": blas_info(), "reps": args.reps, "times": t_new, "median_s": med_new,
        "gflops": flops / med_new * 1e-9, "cpu_median_s": cpu_med, "gflops_per_cpu_s": flops / cpu_med * 1e-9,
        "times_out": t_out, "median_out_s": med_out,
        "gflops_out": flops / med_out * 1e-9}), flush=True)


def cmd_gen(args):
    rng = np.random.default_rng(args.seed)
    t = time.perf_counter()
    with h5py.File(args.file, "w") as f:
        for name in ("A", "B"):
            f.create_dataset(name, data=rng.uniform(-1.0, 1.0, (args.n, args.n)))
    print(json.dumps({"bench": "numpy_gen", "n": args.n, "file": args.file,
                      "seconds": time.perf_counter() - t}), flush=True)


def split(spec):
    file, _, path = spec.partition(":")
    return file, path or "/"


def cmd_whole(args):
    t0 = time.perf_counter()
    fa, pa = split(args.a)
    fb, pb = split(args.b)
    with h5py.File(fa, "r") as f:
        a = f[pa][...]
    with h5py.File(fb, "r") as f:
        b = f[pb][...]
    t1 = time.perf_counter()
    c = a @ b
    t2 = time.perf_counter()
    with h5py.File(args.o, "w") as f:
        f.create_dataset("C", data=c)
    t3 = time.perf_counter()
    print(json.dumps({
        "bench": "numpy_whole", "n": a.shape[0], "threads": os.environ.get("OMP_NUM_THREADS", "unset"),
        "timings": {"read": t1 - t0, "compute": t2 - t1, "write": t3 - t2, "total": t3 - t0},
        "gflops": 2.0 * a.shape[0] * a.shape[1] * b.shape[1] / (t2 - t1) * 1e-9}), flush=True)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("matmul")
    m.add_argument("-n", type=int, default=2000)
    m.add_argument("--reps", type=int, default=3)
    m.add_argument("--warmup", type=int, default=1)
    m.add_argument("--seed", type=int, default=42)
    g = sub.add_parser("gen")
    g.add_argument("-n", type=int, default=2000)
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("file")
    w = sub.add_parser("whole")
    w.add_argument("-a", required=True)
    w.add_argument("-b", required=True)
    w.add_argument("-o", required=True)
    args = p.parse_args(argv)
    {"matmul": cmd_matmul, "gen": cmd_gen, "whole": cmd_whole}[args.cmd](args)


if __name__ == "__main__":
    main(sys.argv[1:])
