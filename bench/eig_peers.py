#!/usr/bin/python3
"""numpy and scipy peers for the symmetric eigensolver benchmark (run by eig_run.py).

    eig_peers.py METHOD --file FILE:/GROUP [-k K] [--reps R] [--warmup W] [--samples S] [--write FILE]
    eig_peers.py gen_semicircle -n N --seed S --file FILE:/GROUP

METHOD (A = the dataset GROUP/A of FILE, float64, read with h5py before any timing):
  numpy_eigh        w, Z = numpy.linalg.eigh(A)                          (LAPACK dsyevd)
  scipy_evd         w, Z = scipy.linalg.eigh(A, driver='evd')            (dsyevd)
  scipy_evr         w, Z = scipy.linalg.eigh(A, driver='evr')            (dsyevr, all pairs)
  scipy_evr_top     w, Z = scipy.linalg.eigh(A, subset_by_index=[n-K, n-1], driver='evr')
                    (the K largest, ascending; dsyevr with RANGE='I')
  gen_semicircle    not a measurement: writes GROUP/A = (G + G^T) / sqrt(2 n), G an n x n
                    standard normal matrix from numpy.random.default_rng(seed) (eigenvalues
                    fill [-2, 2] by Wigner's semicircle: tightly spaced at both ends, the
                    hard case for iterative methods), and GROUP/eigenvalues = its
                    numpy.linalg.eigvalsh (ascending), the accuracy reference

Each call is timed as a user writes it (the library's own copy of A and its
finiteness check included), on the C-ordered array h5py returns; only the read
is left out.  Threads: whatever OMP_NUM_THREADS gives OpenBLAS (the runner sets
2).  Prints one JSON line: the times of --reps calls after --warmup untimed
ones, their median and the read time.  --write FILE writes the last call's
result for the runner's accuracy check, as bench/eig_raw.c does (raw
little-endian float64): k, s, the k eigenvalues, s column indices (0-based,
spread evenly from the first to the last) and those s columns of Z.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np


def split_spec(spec):
    if ":" not in spec:
        raise SystemExit("eig_peers.py: --file wants FILE:/GROUP, got %s" % spec)
    f, g = spec.rsplit(":", 1)
    return f, "/" + g.strip("/")


def sample_columns(k, s):
    s = min(s, k)
    return [i * (k - 1) // (s - 1) if s > 1 else 0 for i in range(s)]


def write_result(path, w, z, samples):
    k = len(w)
    cols = sample_columns(k, samples)
    head = np.array([k, len(cols)], dtype="<f8")
    zs = np.ascontiguousarray(z[:, cols].T, dtype="<f8")  # s rows of n values
    with open(path, "wb") as f:
        for part in (head, np.asarray(w, dtype="<f8"), np.array(cols, dtype="<f8"), zs):
            part.tofile(f)


def gen_semicircle(args):
    import h5py
    fname, group = split_spec(args.file)
    n = args.n
    rng = np.random.default_rng(args.seed)
    g = rng.standard_normal((n, n))
    a = g + g.T  # exactly symmetric: x + y == y + x in floating point
    a /= np.sqrt(2.0 * n)
    w = np.linalg.eigvalsh(a)
    with h5py.File(fname, "a") as f:
        if group in f:
            del f[group]
        grp = f.require_group(group)
        grp.create_dataset("A", data=a)
        grp.create_dataset("eigenvalues", data=w)
        grp.attrs["kind"] = "semicircle"
        grp.attrs["recipe"] = "(G + G^T) / sqrt(2 n), G = numpy.random.default_rng(seed).standard_normal((n, n))"
        grp.attrs["seed"] = args.seed
        grp.attrs["eigenvalues_source"] = "numpy.linalg.eigvalsh (LAPACK dsyevd without vectors)"
    print(json.dumps({"bench": "gen_semicircle", "n": n, "seed": args.seed, "w_first": float(w[0]),
                      "w_last": float(w[-1])}), flush=True)
    return 0


def method_fn(method, a, k):
    import scipy.linalg as sl
    n = a.shape[0]
    if method == "numpy_eigh":
        return lambda: np.linalg.eigh(a)
    if method == "scipy_evd":
        return lambda: sl.eigh(a, driver="evd")
    if method == "scipy_evr":
        return lambda: sl.eigh(a, driver="evr")
    if method == "scipy_evr_top":
        if not 1 <= k <= n:
            raise SystemExit("eig_peers.py: scipy_evr_top needs 1 <= K <= n")
        return lambda: sl.eigh(a, subset_by_index=[n - k, n - 1], driver="evr")
    raise SystemExit("eig_peers.py: unknown method %s" % method)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("method")
    p.add_argument("--file", required=True, help="FILE:/GROUP holding A (and eigenvalues)")
    p.add_argument("-n", type=int, default=4000, help="gen_semicircle: the order")
    p.add_argument("--seed", type=int, default=1, help="gen_semicircle: the seed")
    p.add_argument("-k", type=int, default=50, help="scipy_evr_top: how many of the largest")
    p.add_argument("--reps", type=int, default=1)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--samples", type=int, default=8, help="eigenvector columns written for the check")
    p.add_argument("--write", help="write eigenvalues and sampled eigenvectors here")
    args = p.parse_args(argv)
    if args.method == "gen_semicircle":
        return gen_semicircle(args)
    import h5py
    import scipy
    fname, group = split_spec(args.file)
    t = time.perf_counter()
    with h5py.File(fname, "r") as f:
        a = f[group + "/A"][...]
    read_s = time.perf_counter() - t
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.dtype != np.float64:
        raise SystemExit("eig_peers.py: %s/A is %s %s: need a square float64 matrix" % (args.file, a.shape, a.dtype))
    call = method_fn(args.method, a, args.k)
    times, out = [], None
    for rep in range(-args.warmup, args.reps):
        t = time.perf_counter()
        out = call()
        dt = time.perf_counter() - t
        if rep >= 0:
            times.append(dt)
    w, z = out
    res = {"bench": args.method, "n": a.shape[0], "k": len(w), "threads": os.environ.get("OMP_NUM_THREADS", "unset"),
           "numpy": np.__version__, "scipy": scipy.__version__, "reps": args.reps, "warmup": args.warmup,
           "times": times, "median_s": statistics.median(times), "read_s": read_s, "w_first": float(w[0]),
           "w_last": float(w[-1]), "w_sum": float(np.sum(w))}
    if args.write:
        write_result(args.write, w, z, args.samples)
    print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
