#!/usr/bin/python3
"""End-to-end tests of `pla eig` against numpy.linalg.eigh and scipy.linalg.eigh,
at every rank count in PLA_NPROCS (see cli_test.py for the environment).
Usage: eig_test.py eig | generalized | errors
"""
import os
import sys

import h5py
import numpy as np
import scipy.linalg

from cli_test import (EXIT_DATA, EXIT_NUMERIC, EXIT_USAGE, MAXNP, NPROCS, Failure, grids_for, pla, pla_parallel,
                      run_failures, run_group)

EPS64 = np.finfo(np.float64).eps / 2
EPS32 = np.finfo(np.float32).eps / 2


def normalized(z):
    """Each column's largest-magnitude entry (the first on ties) positive: pla's rule."""
    z = np.array(z, dtype=float, copy=True)
    if z.size:
        rows = np.argmax(np.abs(z), axis=0)
        z *= np.where(z[rows, np.arange(z.shape[1])] < 0, -1.0, 1.0)
    return z


def make_inputs(path):
    rng = np.random.default_rng(11)
    g = rng.standard_normal((157, 157))
    d = {"sym": g + g.T}
    q, _ = np.linalg.qr(rng.standard_normal((90, 90)))
    w = np.concatenate([np.full(6, 2.0), np.linspace(3, 5, 80), np.full(4, 7.5)])  # clusters, repeats
    d["clustered"] = (q * w) @ q.T
    d["clustered"] = (d["clustered"] + d["clustered"].T) / 2
    h = rng.standard_normal((157, 157))
    d["spd"] = h @ h.T + 157 * np.eye(157)
    d["one"] = np.array([[3.5]])
    with h5py.File(path, "w") as f:
        for k, v in d.items():
            f[k] = v
        f["sym32"] = d["sym"].astype(np.float32)
        f["rect"] = rng.standard_normal((20, 30))
        bad = d["sym"].copy()
        bad[17, 4] += 0.5
        f["nonsym"] = bad
        lower = np.tril(d["sym"]) + np.triu(np.full((157, 157), 99.0), 1)  # garbage above the diagonal
        f["lower_only"] = lower
        nan = d["sym"].copy()
        nan[3, 5] = nan[5, 3] = np.nan
        f["nan"] = nan
        f["negdef"] = -d["spd"]
        f["spd_small"] = d["spd"][:50, :50]
    return d


def check_pairs(s, label, a, b, w, z, ref_w, eps, orth_bound):
    """Values against the reference, and the scaled residual and orthogonality
    of the vectors (B-orthogonality for a pencil)."""
    n = a.shape[0]
    na = np.abs(a).sum(axis=0).max()
    s.check(w.shape == ref_w.shape, f"{label}: {ref_w.shape[0]} eigenvalues", f"got {w.shape}")
    if w.shape != ref_w.shape:
        return
    err = np.abs(w - ref_w).max() / (na * n * eps) if w.size else 0.0
    s.check(err < 10 and np.all(np.diff(w) >= 0), f"{label}: eigenvalues ascending, equal to scipy's",
            f"scaled error {err:.3g}")
    if z is None:
        return
    bz = z if b is None else b @ z
    res = np.abs(a @ z - bz * w).sum(axis=0).max() / (na * n * eps) if w.size else 0.0
    orth = np.abs(z.T @ bz - np.eye(z.shape[1])).sum(axis=0).max() / (n * eps) if w.size else 0.0
    s.check(z.shape == (n, w.size) and res < 10 and orth < orth_bound,
            f"{label}: ||A Z - B Z W|| / (||A|| n eps) < 10, orthogonality < {orth_bound}",
            f"shape {z.shape}, residual {res:.3g}, orthogonality {orth:.3g}")
    s.check(np.array_equal(normalized(z), z), f"{label}: largest-magnitude entry of each column positive")


def group_eig(s, work):
    d = make_inputs(os.path.join(work, "in.h5"))
    inp = os.path.join(work, "in.h5")
    a = d["sym"]
    n = a.shape[0]
    ref_all = np.linalg.eigh(a)[0]
    sets = {  # name: (extra args, reference eigenvalues, input)
        "all": ([], ref_all, "sym"),
        "all-dc": (["--solver", "dc"], ref_all, "sym"),
        "all-mrrr": (["--solver", "mrrr"], ref_all, "sym"),
        "top7": (["-k", "7"], scipy.linalg.eigh(a, eigvals_only=True, subset_by_index=[n - 7, n - 1]), "sym"),
        "bottom3": (["-k", "3", "--smallest"], ref_all[:3], "sym"),
        "index": (["--index", "40:59"], scipy.linalg.eigh(a, eigvals_only=True, subset_by_index=[40, 59]), "sym"),
        "values": (["--values", "-3:2.5"], ref_all[(ref_all > -3) & (ref_all <= 2.5)], "sym"),
        "novec": (["--no-vectors"], ref_all, "sym"),
        "lower": (["--uplo", "lower"], ref_all, "lower_only"),
        "clustered": ([], np.linalg.eigh(d["clustered"])[0], "clustered"),
        "clustered-mrrr": (["--solver", "mrrr"], np.linalg.eigh(d["clustered"])[0], "clustered"),
        "one": ([], np.array([3.5]), "one"),
    }
    if os.environ.get("PLA_HAVE_ELPA") == "1":
        sets["all-elpa"] = (["--solver", "elpa"], ref_all, "sym")
        sets["top7-elpa"] = (["-k", "7", "--solver", "elpa"], sets["top7"][1], "sym")
    jobs, labels = [], []
    for np_ in NPROCS:
        for gi, (p, q) in enumerate(grids_for(np_)):
            for name, (extra, ref, src) in sets.items():
                if gi > 0 and name not in ("all", "top7", "index"):
                    continue  # other grids: a few cases
                for block in ((64, 5) if name in ("all", "index", "top7") and gi == 0 else (64,)):
                    out = os.path.join(work, f"eig_{name}_{np_}_{p}x{q}_{block}.h5")
                    jobs.append((["eig", "-i", f"{inp}:/{src}", "-o", out, "--grid", f"{p}x{q}", "--block", block,
                                  "--json"] + extra, np_))
                    labels.append((name, np_, f"{p}x{q}", block, out))
    for (name, np_, grid, block, out), r in zip(labels, pla_parallel(jobs)):
        extra, ref, src = sets[name]
        label = f"eig {name} np={np_} grid={grid} block={block}"
        if not s.check(r.rc == 0, f"{label}: runs", r.describe()):
            continue
        with h5py.File(out) as f:
            w = f["eigenvalues"][:]
            z = f["eigenvectors"][:] if "eigenvectors" in f else None
            s.check((z is None) == (name == "novec"), f"{label}: eigenvectors written unless --no-vectors")
            attrs = dict(f.attrs)
        mat = d["sym"] if src in ("sym", "lower_only") else d[src]
        bound = 40 if attrs.get("solver") == "mrrr" else 10  # MRRR: LAPACK's bound (see t_eig.c)
        check_pairs(s, label, mat, None, w, z, ref, EPS64, bound)
        obj = r.json()
        s.check(obj is not None and obj["results"]["k"] == ref.size and obj["parameters"]["solver"] == attrs["solver"]
                and obj["parameters"]["solver_reason"], f"{label}: --json names k, the solver and why", r.out[:300])
        if "--solver" in extra:
            s.check(attrs["solver"] == extra[extra.index("--solver") + 1], f"{label}: the solver asked for ran")
    # the same eigenvectors at every rank count and grid (the sign rule)
    full = [lab for lab in labels if lab[0] == "all" and lab[3] == 64]
    zs = []
    for _, _, _, _, out in full:
        if os.path.exists(out):
            with h5py.File(out) as f:
                zs.append(f["eigenvectors"][:])
    s.check(len(zs) == len(full) and all(np.abs(z - zs[0]).max() < 1e-9 for z in zs),
            "eig all: the same eigenvectors at every rank count and grid",
            f"max difference {max(np.abs(z - zs[0]).max() for z in zs) if zs else 'n/a'}")
    # float32, and an empty interval
    for np_ in sorted({1, MAXNP}):
        out = os.path.join(work, f"eig32_{np_}.h5")
        r = pla(["eig", "-i", f"{inp}:/sym32", "--dtype", "float32", "-k", "5", "-o", out], np_)
        if s.check(r.rc == 0, f"eig float32 np={np_}: runs", r.describe()):
            with h5py.File(out) as f:
                s.check(f["eigenvalues"].dtype == np.float32 and f["eigenvectors"].dtype == np.float32,
                        f"eig float32 np={np_}: float32 outputs")
                a32 = d["sym"].astype(np.float32).astype(float)
                check_pairs(s, f"eig float32 np={np_}", a32, None, f["eigenvalues"][:].astype(float),
                            f["eigenvectors"][:].astype(float), np.linalg.eigh(a32)[0][-5:], EPS32, 40)
        out = os.path.join(work, f"eig_empty_{np_}.h5")
        gap = (ref_all[10] + ref_all[11]) / 2
        r = pla(["eig", "-i", f"{inp}:/sym", "--values", f"{gap}:{gap + 1e-9}", "-o", out], np_)
        if s.check(r.rc == 0 and "empty" in r.err, f"eig empty interval np={np_}: exit 0 with a note", r.describe()):
            with h5py.File(out) as f:
                s.check(f["eigenvalues"].shape == (0,) and f["eigenvectors"].shape == (n, 0),
                        f"eig empty interval np={np_}: empty outputs", f"{f['eigenvalues'].shape}")


def group_generalized(s, work):
    d = make_inputs(os.path.join(work, "in.h5"))
    inp = os.path.join(work, "in.h5")
    a, b = d["sym"], d["spd"]
    n = a.shape[0]
    ref = scipy.linalg.eigh(a, b, eigvals_only=True)
    cases = {"all": ([], ref), "top4": (["-k", "4"], ref[-4:]),
             "index-mrrr": (["--index", "10:30", "--solver", "mrrr"], ref[10:31])}
    jobs, labels = [], []
    for np_ in NPROCS:
        for name, (extra, want) in cases.items():
            out = os.path.join(work, f"gen_{name}_{np_}.h5")
            jobs.append((["eig", "-i", f"{inp}:/sym", "-b", f"{inp}:/spd", "--check", "-o", out] + extra, np_))
            labels.append((name, np_, out))
    for (name, np_, out), r in zip(labels, pla_parallel(jobs)):
        label = f"eig -b {name} np={np_}"
        if not s.check(r.rc == 0, f"{label}: runs", r.describe()):
            continue
        with h5py.File(out) as f:
            bound = 40 if f.attrs["solver"] == "mrrr" else 10
            check_pairs(s, label, a, b, f["eigenvalues"][:], f["eigenvectors"][:], cases[name][1], EPS64, bound)
            s.check(f.attrs["b"].endswith(":/spd"), f"{label}: attribute b names B")
    _ = n


def group_errors(s, work):
    make_inputs(os.path.join(work, "in.h5"))
    f = "in.h5"
    o = ["-o", "bad.h5"]
    e = ["eig", "-i", f"{f}:/sym"]
    cases = [
        Failure("eig non-square", ["eig", "-i", f"{f}:/rect"] + o, EXIT_DATA, ["20x30", "square"], json_too=True),
        Failure("eig non-symmetric", ["eig", "-i", f"{f}:/nonsym"] + o, EXIT_DATA,
                ["not symmetric", "A[4,17] - A[17,4]", "--uplo"], json_too=True),
        Failure("eig NaN", ["eig", "-i", f"{f}:/nan"] + o, EXIT_DATA, ["NaN", "row 3", "column 5"]),
        Failure("eig -k beyond n", e + ["-k", "158"] + o, EXIT_DATA, ["-k 158", "157"]),
        Failure("eig --index beyond n", e + ["--index", "150:157"] + o, EXIT_DATA, ["--index 150:157", "out of range"]),
        Failure("eig --index il > iu", e + ["--index", "9:3"] + o, EXIT_USAGE, ["--index", "IL <= IU"], np_=1),
        Failure("eig --index malformed", e + ["--index", "3"] + o, EXIT_USAGE, ["--index", "LO:HI"], np_=1),
        Failure("eig --values vl >= vu", e + ["--values", "2:1"] + o, EXIT_USAGE, ["--values", "VL < VU"], np_=1),
        Failure("eig -k 0", e + ["-k", "0"] + o, EXIT_USAGE, ["-k"], np_=1),
        Failure("eig two ranges", e + ["-k", "3", "--index", "1:2"] + o, EXIT_USAGE, ["give one of them"], np_=1),
        Failure("eig --smallest without -k", e + ["--smallest"] + o, EXIT_USAGE, ["--smallest", "-k"], np_=1),
        Failure("eig unknown solver", e + ["--solver", "qr"] + o, EXIT_USAGE, ["--solver"], np_=1),
        Failure("eig krylov without -k", e + ["--solver", "krylov", "--index", "1:4"] + o, EXIT_USAGE,
                ["krylov", "-k K"], np_=1),
        Failure("eig --check with --no-vectors", e + ["--check", "--no-vectors"] + o, EXIT_USAGE, ["--check"], np_=1),
        Failure("eig B of another shape", e + ["-b", f"{f}:/spd_small"] + o, EXIT_DATA, ["50x50", "157x157"]),
        Failure("eig B not positive definite", e + ["-b", f"{f}:/negdef"] + o, EXIT_NUMERIC,
                ["not positive definite"], json_too=True),
        Failure("eig bad --uplo", e + ["--uplo", "both"] + o, EXIT_USAGE, ["--uplo"], np_=1),
    ]
    if os.environ.get("PLA_HAVE_ELPA") != "1":
        cases.append(Failure("eig elpa not built", e + ["--solver", "elpa"] + o, EXIT_USAGE, ["no elpa solver"],
                             np_=1))
    run_failures(s, work, cases)


GROUPS = {"eig": group_eig, "generalized": group_generalized, "errors": group_errors}

if __name__ == "__main__":
    sys.exit(run_group("eig", GROUPS, sys.argv))
