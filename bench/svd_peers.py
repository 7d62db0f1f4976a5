#!/usr/bin/python3
"""numpy, scikit-learn and Dask peers for the SVD benchmark (run by svd_run.py).

    svd_peers.py METHOD --file FILE:/GROUP [-k K] [--iters Q] [--oversample P] [--chunk-rows R]
                 [--seed S] [--reps R] [--warmup W] [--samples S] [--write FILE]
    svd_peers.py gen --rows M --cols N --spec SPEC --seed S --file FILE:/GROUP

METHOD (A = the dataset GROUP/A of FILE, float64, read with h5py before any timing):
  sk_rsvd        U, s, Vt = sklearn.utils.extmath.randomized_svd(A, K, n_iter=Q, n_oversamples=P,
                 random_state=S); Q an integer or 'auto' (scikit-learn's rule: 7 when
                 K < 0.1 min(m, n), else 4)
  sk_tsvd        Us = TruncatedSVD(K, algorithm='randomized', n_iter=Q (default 5),
                 n_oversamples=P, random_state=S).fit_transform(A); s = .singular_values_,
                 Vt = .components_, U = Us / s (fit_transform is what fit runs, plus the
                 explained variance)
  dask_rsvd      x = dask.array.from_array(A, chunks=(R, n)) (row chunks; R = 0: Dask's
                 automatic size, chunks=('auto', -1)); U, s, Vt = dask.compute(
                 *dask.array.linalg.svd_compressed(x, K, n_power_iter=Q, n_oversamples=P,
                 seed=S, compute=True))
  numpy_svd      U, s, Vt = numpy.linalg.svd(A, full_matrices=False)   (LAPACK dgesdd)
  numpy_svdvals  s = numpy.linalg.svd(A, compute_uv=False)             (dgesdd, values only)
  dask_svd       U, s, Vt = dask.compute(*dask.array.linalg.svd(x)), x in row chunks as
                 above (TSQR, then the SVD of the small R)
  gen            not a measurement: writes GROUP/A = U diag(s) V^T (M x N, U and V the Q
                 factors of the QR of seeded standard normal M x r and N x r matrices,
                 r = min(M, N)) and GROUP/singular_values = s (descending, exact), for
                 when `pla gen --kind spectrum` is not available.  SPEC: poly:A:B
                 (s_i = A (1 + i)^-B, i = 0..r-1), geometric:FIRST:RATIO, or a list

Each call is timed as a user writes it (the library's own copies and checks
included) on the C-ordered array h5py returns; only the read is left out.
Threads: whatever OMP_NUM_THREADS gives OpenBLAS (the runner sets 2); Dask
runs its default threaded scheduler.  Prints one JSON line: the times of
--reps calls after --warmup untimed ones, their median, the read time and the
top singular values.  --write FILE writes the last call's result for the
runner's accuracy check, as bench/svd_raw.c does (raw little-endian float64):
k, s, m, n, the k singular values, s triplet indices (0-based, spread evenly
from the first to the last) and those s columns of U (m values each) and s
rows of Vt (n values each); s = 0 without vectors.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

from runlib import blas_pools, peer_versions, sample_indices


def split_spec(spec):
    if ":" not in spec:
        raise SystemExit("svd_peers.py: --file wants FILE:/GROUP, got %s" % spec)
    f, g = spec.rsplit(":", 1)
    return f, "/" + g.strip("/")


def spectrum(spec, r):
    """The r singular values SPEC names, descending."""
    kind, _, rest = spec.partition(":")
    if kind == "poly":
        a, b = (float(x) for x in rest.split(":"))
        s = a * (1.0 + np.arange(r)) ** (-b)
    elif kind == "geometric":
        first, ratio = (float(x) for x in rest.split(":"))
        s = first * ratio ** np.arange(r)
    else:
        s = np.array([float(x) for x in spec.split(",")])
        if len(s) != r:
            raise SystemExit("svd_peers.py: %d values for min(M, N) = %d" % (len(s), r))
    if np.any(s < 0):
        raise SystemExit("svd_peers.py: negative singular values in %s" % spec)
    return np.sort(s)[::-1].copy()


def gen(args):
    import h5py
    fname, group = split_spec(args.file)
    m, n = args.rows, args.cols
    r = min(m, n)
    s = spectrum(args.spec, r)
    rng = np.random.default_rng(args.seed)
    u, _ = np.linalg.qr(rng.standard_normal((m, r)))
    v, _ = np.linalg.qr(rng.standard_normal((n, r)))
    u *= s
    a = u @ v.T
    del u, v
    with h5py.File(fname, "a") as f:
        if group in f:
            del f[group]
        grp = f.require_group(group)
        grp.create_dataset("A", data=a)
        grp.create_dataset("singular_values", data=s)
        grp.attrs["kind"] = "spectrum"
        grp.attrs["singular_values_spec"] = args.spec
        grp.attrs["recipe"] = ("A = U diag(s) V^T, U, V = Q factors of numpy.linalg.qr of "
                               "numpy.random.default_rng(seed).standard_normal((m, r)) then ((n, r))")
        grp.attrs["rows"] = m
        grp.attrs["cols"] = n
        grp.attrs["seed"] = args.seed
    print(json.dumps({"bench": "gen", "m": m, "n": n, "spec": args.spec, "seed": args.seed,
                      "s_first": float(s[0]), "s_last": float(s[-1])}), flush=True)
    return 0


def write_result(path, s, u, vt, m, n, samples):
    k = len(s)
    idx = sample_indices(k, samples) if u is not None and vt is not None else []
    head = np.array([k, len(idx), m, n], dtype="<f8")
    with open(path, "wb") as f:
        for part in (head, np.asarray(s, dtype="<f8"), np.array(idx, dtype="<f8")):
            part.tofile(f)
        if idx:
            np.ascontiguousarray(np.asarray(u)[:, idx].T, dtype="<f8").tofile(f)
            np.ascontiguousarray(np.asarray(vt)[idx, :], dtype="<f8").tofile(f)


def sk_auto_iters(k, shape):
    return 7 if k < 0.1 * min(shape) else 4


def method_fn(args, a, info):
    """A function of no argument returning (U or None, s, Vt or None), and info filled with the settings."""
    m, n = a.shape
    k, meth = args.k, args.method
    if meth == "sk_rsvd":
        from sklearn.utils.extmath import randomized_svd
        it = args.iters if args.iters == "auto" else int(args.iters)
        info.update(n_iter=sk_auto_iters(k, a.shape) if it == "auto" else it, n_iter_arg=str(it),
                    n_oversamples=args.oversample, sketch=k + args.oversample)
        return lambda: randomized_svd(a, k, n_iter=it, n_oversamples=args.oversample, random_state=args.seed)
    if meth == "sk_tsvd":
        from sklearn.decomposition import TruncatedSVD
        it = 5 if args.iters in (None, "auto") else int(args.iters)
        info.update(n_iter=it, n_oversamples=args.oversample, sketch=k + args.oversample)

        def tsvd():
            t = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=it, n_oversamples=args.oversample,
                             random_state=args.seed)
            us = t.fit_transform(a)
            return us, t.singular_values_, t.components_
        return tsvd
    if meth in ("dask_rsvd", "dask_svd"):
        import dask
        import dask.array as da
        chunks = (args.chunk_rows if args.chunk_rows > 0 else "auto", -1)
        probe = da.from_array(a, chunks=chunks)
        info.update(chunks_rows=int(probe.chunks[0][0]), nchunks=len(probe.chunks[0]),
                    scheduler=str(dask.config.get("scheduler", "threads")),
                    num_workers=dask.config.get("num_workers", None) or os.cpu_count())
        if meth == "dask_rsvd":
            it = 0 if args.iters in (None, "auto") else int(args.iters)
            info.update(n_power_iter=it, n_oversamples=args.oversample, sketch=min(k + args.oversample, n))

            def drsvd():
                x = da.from_array(a, chunks=chunks)
                u, s, v = da.linalg.svd_compressed(x, k, n_power_iter=it, n_oversamples=args.oversample,
                                                   seed=args.seed, compute=True)
                return dask.compute(u, s, v)
            return drsvd

        def dsvd():
            x = da.from_array(a, chunks=chunks)
            return dask.compute(*da.linalg.svd(x))
        return dsvd
    if meth == "numpy_svd":
        return lambda: np.linalg.svd(a, full_matrices=False)
    if meth == "numpy_svdvals":
        return lambda: (None, np.linalg.svd(a, compute_uv=False), None)
    raise SystemExit("svd_peers.py: unknown method %s" % meth)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("method")
    p.add_argument("--file", required=True, help="FILE:/GROUP holding A (and singular_values)")
    p.add_argument("-k", type=int, default=50, help="triplets of the truncated methods")
    p.add_argument("--iters", default=None, help="power iterations (sk_rsvd: an integer or auto)")
    p.add_argument("--oversample", type=int, default=10, help="extra sketch columns (default %(default)s)")
    p.add_argument("--chunk-rows", type=int, default=0, help="Dask row chunk (0: Dask's automatic size)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reps", type=int, default=1)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--samples", type=int, default=8, help="triplets written for the check")
    p.add_argument("--write", help="write the singular values and sampled vectors here")
    p.add_argument("--top", type=int, default=50, help="singular values in the JSON (0: all)")
    p.add_argument("--rows", type=int, help="gen: M")
    p.add_argument("--cols", type=int, help="gen: N")
    p.add_argument("--spec", default="poly:1:0.5", help="gen: the singular values")
    args = p.parse_args(argv)
    if args.method == "gen":
        if not args.rows or not args.cols or args.rows < 1 or args.cols < 1:
            raise SystemExit("svd_peers.py: gen needs --rows M --cols N")
        return gen(args)
    import h5py
    fname, group = split_spec(args.file)
    t = time.perf_counter()
    with h5py.File(fname, "r") as f:
        a = f[group + "/A"][...]
    read_s = time.perf_counter() - t
    if a.ndim != 2 or a.dtype != np.float64:
        raise SystemExit("svd_peers.py: %s/A is %s %s: need a float64 matrix" % (args.file, a.shape, a.dtype))
    m, n = a.shape
    if args.method in ("sk_rsvd", "sk_tsvd", "dask_rsvd") and not 1 <= args.k <= min(m, n):
        raise SystemExit("svd_peers.py: need 1 <= K <= min(m, n)")
    info = {}
    call = method_fn(args, a, info)
    times, out = [], None
    for rep in range(-args.warmup, args.reps):
        out = None  # free the previous result before the next call
        t = time.perf_counter()
        out = call()
        dt = time.perf_counter() - t
        if rep >= 0:
            times.append(dt)
    u, s, vt = out
    s = np.asarray(s)
    if args.method == "sk_tsvd":
        u = np.asarray(u) / s  # fit_transform returned U diag(s)
    top = len(s) if args.top == 0 else min(args.top, len(s))
    versions = peer_versions(np)
    res = {"bench": args.method, "m": m, "n": n, "k": int(len(s)), "vectors": u is not None,
           "threads": os.environ.get("OMP_NUM_THREADS", "unset"), "reps": args.reps, "warmup": args.warmup,
           "times": times, "median_s": statistics.median(times), "read_s": read_s, "seed": args.seed,
           "s_first": float(s[0]), "s_last": float(s[-1]), "s_top": [float(x) for x in s[:top]]}
    res.update(info)
    res.update(versions)
    blas = blas_pools()
    if blas is not None:
        res["blas"] = blas
    if args.write:
        write_result(args.write, s, u, vt, m, n, args.samples)
    print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
