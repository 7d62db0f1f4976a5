#!/usr/bin/python3
"""scikit-learn, numpy and Dask peers for the PCA benchmark (run by pca_run.py).

    pca_peers.py METHOD --file FILE:/DSET [-k K] [--iters Q] [--oversample P] [--chunk-rows R]
                 [--seed S] [--reps R] [--warmup W] [--write OUT.npz]
    pca_peers.py offset --file FILE:/DSET [--mean-scale F] [--seed S]
    pca_peers.py exact --file FILE:/DSET -k K --out REF.h5

METHOD (X = the float64 dataset DSET of FILE, m samples x n features, read with h5py
before every call, untimed; the fit is timed as a user writes it):
  sk_full    sklearn.decomposition.PCA(K, svd_solver='full').fit(X)  (copy of X, centering,
             scipy.linalg.svd of the centered copy with U)
  sk_rand    PCA(K, svd_solver='randomized', iterated_power=Q, n_oversamples=P,
             random_state=S).fit(X); Q an integer or 'auto' (scikit-learn's rule: 7 when
             K < 0.1 min(m, n), else 4)
  np_cov     the covariance route in numpy/scipy: mean = X.mean(0); X -= mean (in place);
             C = scipy.linalg.blas.dsyrk(1 / (m - 1), X.T) (the upper triangle of
             X^T X / (m - 1); X.T is Fortran-ordered, so no copy); w, V =
             scipy.linalg.eigh(C, lower=False, subset_by_index=[n - K, n - 1]); the
             total variance = trace(C)
  dask_rsvd  x = dask.array.from_array(X, chunks=(R, n)) (row chunks; R = 0: Dask's
             automatic size); mean = x.mean(0).compute(); xc = x - mean; u, s, v =
             dask.array.linalg.svd_compressed(xc, K, n_power_iter=Q, n_oversamples=P,
             seed=S, compute=True); s, v, total = dask.compute(s, v, (xc ** 2).sum() / (m - 1))
             (dask-ml, which would wrap this, is not packaged here)

Not measurements:
  offset     adds a column mean to DSET in place, in row chunks (never the whole matrix in
             memory): X += 1 mu^T with mu_j = F rms(X) z_j, z standard normal from the seed,
             rms(X) the root mean square of the entries (from PATH/singular_values when
             `pla gen --kind spectrum` wrote it, else a pass over X); mu goes to
             PARENT/column_offset and the attributes of DSET record F and the seed.  Without
             it the centering of a spectrum matrix would hardly matter.
  exact      the reference: the exact PCA of X from its centered Gram matrix, accumulated
             over row chunks in float64 (pass 1: the column means, summed in long double;
             pass 2: C += (X_r - mean)^T (X_r - mean) by dsyrk), then all eigenvalues and
             the top K eigenvectors of C / (m - 1) (scipy.linalg.eigh, LAPACK dsyevr).
             Eigenvalue errors are about n eps lambda_1, i.e. a relative error of about
             n eps lambda_1 / lambda_K in the K-th: ~1e-14 for the benchmark's spectra.
             Writes explained_variance (all n, descending), explained_variance_ratio,
             singular_values, components (K x n), mean, total_variance and
             noise_variance (of K components, as scikit-learn) to REF.h5.

Threads: whatever OMP_NUM_THREADS gives OpenBLAS (the runner sets 2); Dask runs its
default threaded scheduler.  Prints one JSON line: the times of --reps calls after
--warmup untimed ones, their median, the read time, the memory (peak RSS of the process
from getrusage, the RSS before and after the read of X), the top explained variance
ratios.  --write OUT.npz saves the last call's explained_variance_ratio,
explained_variance, singular_values, components, mean and noise_variance for the
runner's accuracy check.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

import numpy as np

from runlib import blas_pools, peer_versions


def split_spec(spec):
    if ":" not in spec:
        raise SystemExit("pca_peers.py: --file wants FILE:/DSET, got %s" % spec)
    f, d = spec.rsplit(":", 1)
    return f, "/" + d.strip("/")


def rss_mb():
    """The resident set of this process now (VmRSS), MiB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def chunk_rows(n, target_bytes=64 << 20):
    return max(1, target_bytes // (8 * max(1, n)))


def read_x(fname, dset):
    import h5py
    with h5py.File(fname, "r") as f:
        x = f[dset][...]
    if x.ndim != 2 or x.dtype != np.float64:
        raise SystemExit("pca_peers.py: %s:%s is %s %s: need a float64 matrix" % (fname, dset, x.shape, x.dtype))
    return np.ascontiguousarray(x)


# ---- the peers ---------------------------------------------------------------------
def sk_auto_iters(k, shape):
    return 7 if k < 0.1 * min(shape) else 4


def fit_fn(args, m, n, info):
    """A function of X returning dict(explained_variance_ratio, explained_variance, singular_values, components,
    mean, noise_variance); info filled with the settings."""
    k, meth = args.k, args.method
    if meth in ("sk_full", "sk_rand"):
        from sklearn.decomposition import PCA
        if meth == "sk_full":
            make = lambda: PCA(n_components=k, svd_solver="full")
        else:
            it = "auto" if args.iters in (None, "auto") else int(args.iters)
            info.update(n_iter=sk_auto_iters(k, (m, n)) if it == "auto" else it, n_iter_arg=str(it),
                        n_oversamples=args.oversample, sketch=k + args.oversample)
            make = lambda: PCA(n_components=k, svd_solver="randomized", iterated_power=it,
                               n_oversamples=args.oversample, random_state=args.seed)

        def sk(x):
            p = make().fit(x)
            return dict(explained_variance_ratio=p.explained_variance_ratio_,
                        explained_variance=p.explained_variance_, singular_values=p.singular_values_,
                        components=p.components_, mean=p.mean_, noise_variance=p.noise_variance_)
        return sk
    if meth == "np_cov":
        from scipy.linalg import eigh
        from scipy.linalg.blas import dsyrk

        def cov(x):
            mm = x.shape[0]
            mean = x.mean(axis=0)
            x -= mean
            c = dsyrk(1.0 / (mm - 1), x.T, trans=0, lower=0)  # x.T: Fortran-ordered n x m, no copy
            total = float(np.trace(c))
            w, v = eigh(c, lower=False, subset_by_index=[n - k, n - 1], overwrite_a=True, check_finite=False)
            ev, comp = w[::-1].copy(), np.ascontiguousarray(v[:, ::-1].T)
            rest = min(mm, n) - k
            return dict(explained_variance_ratio=ev / total, explained_variance=ev,
                        singular_values=np.sqrt(np.maximum(ev, 0) * (mm - 1)), components=comp, mean=mean,
                        noise_variance=(total - ev.sum()) / rest if rest > 0 else 0.0)
        return cov
    if meth == "dask_rsvd":
        import dask
        import dask.array as da
        chunks = (args.chunk_rows if args.chunk_rows > 0 else "auto", -1)
        it = 0 if args.iters in (None, "auto") else int(args.iters)
        probe = da.from_array(np.empty((m, n)), chunks=chunks)
        info.update(chunks_rows=int(probe.chunks[0][0]), nchunks=len(probe.chunks[0]),
                    scheduler=str(dask.config.get("scheduler", "threads")),
                    num_workers=dask.config.get("num_workers", None) or os.cpu_count(),
                    n_power_iter=it, n_oversamples=args.oversample, sketch=min(k + args.oversample, n))

        def drsvd(x):
            mm = x.shape[0]
            dx = da.from_array(x, chunks=chunks)
            mean = dx.mean(axis=0).compute()
            xc = dx - mean
            _, s, v = da.linalg.svd_compressed(xc, k, n_power_iter=it, n_oversamples=args.oversample,
                                               seed=args.seed, compute=True)
            s, v, total = dask.compute(s, v, (xc ** 2).sum() / (mm - 1))
            ev = s ** 2 / (mm - 1)
            rest = min(mm, n) - k
            return dict(explained_variance_ratio=ev / total, explained_variance=ev, singular_values=s,
                        components=v, mean=mean, noise_variance=(total - ev.sum()) / rest if rest > 0 else 0.0)
        return drsvd
    raise SystemExit("pca_peers.py: unknown method %s" % meth)


# ---- offset and exact --------------------------------------------------------------
def offset(args):
    import h5py
    fname, dset = split_spec(args.file)
    parent = dset.rsplit("/", 1)[0] or "/"
    with h5py.File(fname, "r+") as f:
        d = f[dset]
        m, n = d.shape
        if "column_offset_scale" in d.attrs:
            raise SystemExit("pca_peers.py: %s already has a column offset" % args.file)
        sv = parent.rstrip("/") + "/singular_values"
        if sv in f:
            ss = float(np.sum(np.asarray(f[sv][...], dtype=float) ** 2))  # ||X||_F^2 = sum s_i^2
        else:
            ss = 0.0
            for r0 in range(0, m, chunk_rows(n)):
                ss += float(np.sum(d[r0:r0 + chunk_rows(n)] ** 2))
        rms = math.sqrt(ss / (m * n))
        mu = args.mean_scale * rms * np.random.default_rng(args.seed).standard_normal(n)
        step = chunk_rows(n)
        for r0 in range(0, m, step):
            block = d[r0:r0 + step]
            block += mu
            d[r0:r0 + step] = block
        name = parent.rstrip("/") + "/column_offset"
        if name in f:
            del f[name]
        f.create_dataset(name, data=mu)
        d.attrs["column_offset_scale"] = args.mean_scale
        d.attrs["column_offset_seed"] = args.seed
        d.attrs["column_offset_recipe"] = ("X += 1 mu^T, mu = F rms(X) numpy.random.default_rng(seed)"
                                           ".standard_normal(n), rms(X) = sqrt(||X||_F^2 / (m n)) before")
    print(json.dumps({"bench": "offset", "m": m, "n": n, "mean_scale": args.mean_scale, "rms": rms,
                      "mu_absmax": float(np.max(np.abs(mu)))}), flush=True)
    return 0


def exact(args):
    import h5py
    from scipy.linalg import eigh
    from scipy.linalg.blas import dsyrk
    fname, dset = split_spec(args.file)
    t = time.perf_counter()
    with h5py.File(fname, "r") as f:
        d = f[dset]
        m, n = d.shape
        k = args.k
        if not 1 <= k <= min(m, n):
            raise SystemExit("pca_peers.py: need 1 <= K <= min(m, n)")
        step = chunk_rows(n)
        total = np.zeros(n, dtype=np.longdouble)  # x86: 64-bit mantissa, 2048 times finer than float64
        for r0 in range(0, m, step):
            total += d[r0:r0 + step].astype(np.longdouble).sum(axis=0)
        mean = np.asarray(total / m, dtype=np.float64)
        c = np.zeros((n, n), order="F")
        for r0 in range(0, m, step):
            xc = d[r0:r0 + step] - mean
            c = dsyrk(1.0, xc.T, beta=1.0, c=c, trans=0, lower=0, overwrite_c=1)
    c /= (m - 1)
    total_var = float(np.trace(c))
    w, v = eigh(c, lower=False, check_finite=False)
    ev = w[::-1].copy()
    r = min(m, n)
    ev = ev[:r]
    comps = np.ascontiguousarray(v[:, ::-1][:, :k].T)
    noise = float(ev[k:].mean()) if r > k else 0.0
    with h5py.File(args.out, "w") as f:
        f.create_dataset("explained_variance", data=ev)
        f.create_dataset("explained_variance_ratio", data=ev / total_var)
        f.create_dataset("singular_values", data=np.sqrt(np.maximum(ev, 0.0) * (m - 1)))
        f.create_dataset("components", data=comps)
        f.create_dataset("mean", data=mean)
        f.create_dataset("total_variance", data=total_var)
        f.create_dataset("noise_variance", data=noise)
        f.attrs["source"] = "%s:%s" % (os.path.abspath(fname), dset)
        f.attrs["m"] = m
        f.attrs["n"] = n
        f.attrs["k"] = k
        f.attrs["recipe"] = ("centered Gram matrix over row chunks (dsyrk, float64), / (m - 1), "
                             "scipy.linalg.eigh (all eigenvalues)")
    print(json.dumps({"bench": "exact", "m": m, "n": n, "k": k, "seconds": time.perf_counter() - t,
                      "total_variance": total_var, "evr_top": [float(x) for x in (ev / total_var)[:k]],
                      "lambda_ratio_1_k": float(ev[0] / ev[k - 1]) if ev[k - 1] > 0 else None}), flush=True)
    return 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("method", help="sk_full, sk_rand, np_cov, dask_rsvd; offset, exact")
    p.add_argument("--file", required=True, help="FILE:/DSET holding X (m x n, float64)")
    p.add_argument("-k", type=int, default=50, help="components (default %(default)s)")
    p.add_argument("--iters", default=None, help="power iterations (sk_rand: an integer or auto; dask_rsvd: "
                                                 "an integer, default 0)")
    p.add_argument("--oversample", type=int, default=10, help="extra sketch columns (default %(default)s)")
    p.add_argument("--chunk-rows", type=int, default=0, help="Dask row chunk (0: Dask's automatic size)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reps", type=int, default=1)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--write", help="write the last fit's attributes here (.npz)")
    p.add_argument("--top", type=int, default=50, help="explained variance ratios in the JSON (0: all)")
    p.add_argument("--mean-scale", type=float, default=10.0, help="offset: F (default %(default)s)")
    p.add_argument("--out", help="exact: the reference file")
    args = p.parse_args(argv)
    if args.method == "offset":
        return offset(args)
    if args.method == "exact":
        if not args.out:
            raise SystemExit("pca_peers.py: exact needs --out REF.h5")
        return exact(args)
    import h5py
    fname, dset = split_spec(args.file)
    with h5py.File(fname, "r") as f:
        m, n = f[dset].shape
    if not 1 <= args.k <= min(m, n) or (args.method == "np_cov" and args.k > n):
        raise SystemExit("pca_peers.py: need 1 <= K <= min(m, n)")
    info = {}
    fit = fit_fn(args, m, n, info)  # imports the libraries before the memory baseline
    base_mb = rss_mb()
    times, read_s, out, x_rss = [], [], None, None
    for rep in range(-args.warmup, args.reps):
        out = x = None  # free the previous result and X before the next read
        t = time.perf_counter()
        x = read_x(fname, dset)
        read_s.append(time.perf_counter() - t)
        if x_rss is None:
            x_rss = rss_mb()
        t = time.perf_counter()
        out = fit(x)
        dt = time.perf_counter() - t
        if rep >= 0:
            times.append(dt)
    evr = np.asarray(out["explained_variance_ratio"], dtype=float)
    top = len(evr) if args.top == 0 else min(args.top, len(evr))
    versions = peer_versions(np)
    res = {"bench": args.method, "m": m, "n": n, "k": int(len(evr)),
           "threads": os.environ.get("OMP_NUM_THREADS", "unset"), "reps": args.reps, "warmup": args.warmup,
           "times": times, "median_s": statistics.median(times), "read_s": statistics.median(read_s),
           "seed": args.seed, "x_mb": x.nbytes / 2.0 ** 20, "rss_base_mb": base_mb, "rss_with_x_mb": x_rss,
           "peak_rss_mb": peak_rss_mb(), "evr_top": [float(v) for v in evr[:top]],
           "evr_sum": float(evr.sum())}
    res.update(info)
    res.update(versions)
    blas = blas_pools()
    if blas is not None:
        res["blas"] = blas
    if args.write:
        np.savez(args.write, **{key: np.asarray(val, dtype=float) for key, val in out.items()})
    print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
