#!/usr/bin/python3
"""numpy, scipy and Dask peers for the QR / least-squares benchmark (run by lstsq_run.py).

    lstsq_peers.py METHOD [-m M] [-n N] [--nrhs R] [--reps R] [--warmup W]
                   [--seed S] [--cond-delta D] [--chunk-rows C] [--write-coef FILE]

METHOD (A is m x n float64, B is m x nrhs):
  numpy_lstsq       numpy.linalg.lstsq(A, B, rcond=None)            (LAPACK gelsd)
  scipy_gelsy       scipy.linalg.lstsq(A, B, lapack_driver='gelsy')
  scipy_qr_solve    Q, R = scipy.linalg.qr(A, mode='economic'); solve_triangular(R, Q.T @ B)
  dask_lstsq        dask.array.linalg.lstsq on row chunks of --chunk-rows rows (TSQR inside)
  scipy_dgeqrf      R only: scipy.linalg.lapack.dgeqrf with the lwork of a query (lwork=-1),
                    on a fresh Fortran-order copy of A (made before the clock starts)
  scipy_dgeqrf_nolwork  the same call without lwork: scipy then passes its minimal lwork
                    and LAPACK falls back to the unblocked algorithm (the trap to avoid)
  scipy_qr_econ     Q and R: scipy.linalg.qr(A, mode='economic')     (geqrf + orgqr)
  reference         the accuracy reference, not timed for the tables: R of the float64
                    Householder QR of [A B] (scipy.linalg.qr(mode='r'), Q never formed)
                    and X from its top n x n triangle, as lstsq's QR route does

A and B come from the formula shared with bench/raw_pdgels.c and
bench/qr_lstsq_lib.c, evaluated here in uint64 arithmetic, so every tool
factors the same matrix bit for bit: u(w, i, j) = splitmix64-style hash of
(seed, w, i, j) mapped to [-1, 1); A(i, j) = u(0, i, j), except the last
column with --cond-delta D > 0: A(i, n-1) = u(0, i, 0) + D * u(0, i, n-1);
B(i, k) = u(1, i, k).  A is C-ordered (rows = samples), as h5py or a numpy
user holds it; the library calls copy it as they need (timed, as for a
user); the raw dgeqrf gets its own untimed Fortran-order copy, as
raw_pdgels does.  Threads: whatever OMP_NUM_THREADS gives OpenBLAS (the
runner sets 2); Dask uses its threaded scheduler with --dask-workers workers.

Prints one JSON line: times of --reps calls after --warmup untimed ones,
their median, GFLOP/s for the QR methods (2mn^2 - 2n^3/3, twice that with
Q) and a cheap factorization check; --write-coef writes X (n x nrhs,
column-major) as raw little-endian float64.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

M64 = np.uint64


def hash_u(seed, which, i, j):
    """u(which, i, j) for uint64 arrays i (column) and j (row) broadcast together."""
    z = (M64(seed) * M64(0x9E3779B97F4A7C15) + M64(which) * M64(0xD1B54A32D192ED03)) + \
        i * M64(0xBF58476D1CE4E5B9) + j * M64(0x94D049BB133111EB)
    z = (z ^ (z >> M64(30))) * M64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> M64(27))) * M64(0x94D049BB133111EB)
    z ^= z >> M64(31)
    return (z >> M64(11)).astype(np.float64) * 2.0 ** -52 - 1.0


def make_problem(m, n, nrhs, seed, cond_delta, rows_per_chunk=8192):
    """A (m x n, C order) and B (m x nrhs), exactly as the C drivers fill them."""
    a = np.empty((m, n))
    b = np.empty((m, nrhs))
    jn = np.arange(n, dtype=np.uint64)[None, :]
    jr = np.arange(nrhs, dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        for r0 in range(0, m, rows_per_chunk):
            i = np.arange(r0, min(m, r0 + rows_per_chunk), dtype=np.uint64)[:, None]
            a[r0:r0 + i.shape[0]] = hash_u(seed, 0, i, jn)
            b[r0:r0 + i.shape[0]] = hash_u(seed, 1, i, jr)
    if cond_delta > 0 and n > 1:
        a[:, n - 1] = a[:, 0] + cond_delta * a[:, n - 1]  # two roundings, as the C drivers
    return a, b


def qr_flops(m, n):
    return 2.0 * m * n * n - 2.0 * n ** 3 / 3.0


def check_r(a, r):
    """| ||R||_F - ||A||_F | / ||A||_F."""
    an = np.linalg.norm(a)
    return abs(np.linalg.norm(np.triu(r[: a.shape[1]])) - an) / an


def check_qr(a, q, r):
    """check_r, max | ||Q e_j||^2 - 1 |, and || A x - Q (R x) || / (||A|| ||x||) for a fixed x."""
    x = np.linspace(-1.0, 1.0, a.shape[1])
    probe = np.linalg.norm(a @ x - q @ (r @ x)) / (np.linalg.norm(a) * np.linalg.norm(x))
    cols = np.max(np.abs(np.einsum("ij,ij->j", q, q) - 1.0))
    return max(check_r(a, r), cols, probe)


def solve_reference(a, b):
    n = a.shape[1]
    import scipy.linalg as sl
    r = sl.qr(np.hstack([a, b]), mode="r")[0]
    return sl.solve_triangular(r[:n, :n], r[:n, n:])


def method_fn(args, a, b):
    """(call, prepare, kind): call(prepared) runs the timed work; prepare() makes its untimed input."""
    import scipy.linalg as sl
    m, n = a.shape
    if args.method == "numpy_lstsq":
        return (lambda _: np.linalg.lstsq(a, b, rcond=None)[0]), None, "lstsq"
    if args.method == "scipy_gelsy":
        return (lambda _: sl.lstsq(a, b, lapack_driver="gelsy")[0]), None, "lstsq"
    if args.method == "scipy_qr_solve":
        def qr_solve(_):
            q, r = sl.qr(a, mode="economic")
            return sl.solve_triangular(r, q.T @ b)
        return qr_solve, None, "lstsq"
    if args.method == "dask_lstsq":
        import dask
        import dask.array as da
        dask.config.set(scheduler="threads", num_workers=args.dask_workers)
        rows = max(args.chunk_rows, n)
        da_a, da_b = da.from_array(a, chunks=(rows, n)), da.from_array(b, chunks=(rows, b.shape[1]))
        return (lambda _: da.linalg.lstsq(da_a, da_b)[0].compute()), None, "lstsq"
    if args.method in ("scipy_dgeqrf", "scipy_dgeqrf_nolwork"):
        dgeqrf = sl.lapack.dgeqrf
        lwork = None
        if args.method == "scipy_dgeqrf":
            work, info = dgeqrf(np.empty((m, n), order="F"), lwork=-1)[2:]
            lwork = int(work[0])

        def geqrf(af):
            out = dgeqrf(af, overwrite_a=1) if lwork is None else dgeqrf(af, lwork=lwork, overwrite_a=1)
            if out[3] != 0:
                raise RuntimeError("dgeqrf info %d" % out[3])
            return out[0]
        return geqrf, (lambda: np.asfortranarray(a.copy(order="F"))), "r"
    if args.method == "scipy_qr_econ":
        return (lambda _: sl.qr(a, mode="economic")), None, "qr"
    if args.method == "reference":
        return (lambda _: solve_reference(a, b)), None, "lstsq"
    raise SystemExit("lstsq_peers.py: unknown method %s" % args.method)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("method")
    p.add_argument("-m", type=int, default=20000)
    p.add_argument("-n", type=int, default=500)
    p.add_argument("--nrhs", type=int, default=1)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--cond-delta", type=float, default=0.0)
    p.add_argument("--chunk-rows", type=int, default=25000, help="Dask row chunk (default %(default)s)")
    p.add_argument("--dask-workers", type=int, default=2, help="Dask threads (default %(default)s)")
    p.add_argument("--write-coef")
    args = p.parse_args(argv)
    t = time.perf_counter()
    a, b = make_problem(args.m, args.n, args.nrhs, args.seed, args.cond_delta)
    gen_s = time.perf_counter() - t
    call, prepare, kind = method_fn(args, a, b)
    times, out = [], None
    for rep in range(-args.warmup, args.reps):
        arg = prepare() if prepare else None
        t = time.perf_counter()
        out = call(arg)
        dt = time.perf_counter() - t
        if rep >= 0:
            times.append(dt)
    med = statistics.median(times)
    m, n = args.m, args.n
    res = {"bench": args.method, "m": m, "n": n, "nrhs": args.nrhs,
           "threads": os.environ.get("OMP_NUM_THREADS", "unset"), "cond_delta": args.cond_delta,
           "reps": args.reps, "times": times, "median_s": med, "gen_s": gen_s}
    if kind == "lstsq":
        x = np.asarray(out).reshape(n, args.nrhs)
        res["residual_norm"] = float(np.linalg.norm(b[:, 0] - a @ x[:, 0]))
        res["check"] = "skipped"
        if args.write_coef:
            np.ascontiguousarray(x.T, dtype="<f8").tofile(args.write_coef)  # column-major n x nrhs
    else:
        flops = qr_flops(m, n) * (2.0 if kind == "qr" else 1.0)
        err = check_qr(a, out[0], out[1]) if kind == "qr" else check_r(a, out)
        res.update(gflops=flops / med * 1e-9, check="ok" if err < 1e-10 else "FAILED", check_err=err)
    if args.method == "dask_lstsq":
        res.update(chunk_rows=max(args.chunk_rows, n), dask_workers=args.dask_workers)
    if args.method == "scipy_dgeqrf":
        res["lwork"] = "query"
    print(json.dumps(res), flush=True)
    return 0 if res["check"] != "FAILED" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
