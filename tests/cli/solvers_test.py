#!/usr/bin/python3
"""End-to-end tests of `pla qr` and `pla lstsq` against numpy, scipy and
scikit-learn, at every rank count in PLA_NPROCS (see cli_test.py for the
environment).  Usage: solvers_test.py qr | lstsq | errors
"""
import os
import sys

import h5py
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression, Ridge

import scipy.linalg

from cli_test import (EXIT_DATA, EXIT_NUMERIC, EXIT_RESOURCE, EXIT_USAGE, NPROCS, Failure, pla, pla_parallel,
                      run_failures, run_group)


def rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def make_inputs(path):
    rng = np.random.default_rng(7)
    d = {
        "tall": rng.standard_normal((403, 37)),
        "wide": rng.standard_normal((23, 61)),
        "square": rng.standard_normal((50, 50)),
        "b1": rng.standard_normal(403),
        "B3": rng.standard_normal((403, 3)),
        "bw": rng.standard_normal(23),
    }
    d["deficient"] = np.hstack([d["tall"][:, :9], d["tall"][:, :2]])  # rank 9 of 11 columns
    X, y = load_diabetes(return_X_y=True)
    d["diabetes_X"], d["diabetes_y"] = X, y
    with h5py.File(path, "w") as f:
        for k, v in d.items():
            f[k] = v
        f["tall32"] = d["tall"].astype(np.float32)
        f["zeros"] = np.zeros((30, 4))
        f["b30"] = rng.standard_normal(30)
        nan_b = d["b1"].copy()
        nan_b[211] = np.nan
        f["nan_b"] = nan_b
        f["short_b"] = d["b1"][:400]
    return d


def normalized_r(a):
    r = np.linalg.qr(a, mode="r")
    return np.sign(np.diag(r))[:, None] * r


def group_qr(s, work):
    d = make_inputs(os.path.join(work, "in.h5"))
    jobs, labels = [], []
    for np_ in NPROCS:
        for name, solver in (("tall", "auto"), ("tall", "householder"), ("tall", "tsqr"), ("wide", "auto"),
                             ("square", "tsqr")):
            out = os.path.join(work, f"qr_{name}_{solver}_{np_}.h5")
            jobs.append((["qr", "-i", os.path.join(work, f"in.h5:/{name}"), "--mode", "economic", "--solver", solver,
                          "--check", "-o", out, "--json"], np_))
            labels.append((name, solver, np_, out))
        out = os.path.join(work, f"qr_tall32_{np_}.h5")
        jobs.append((["qr", "-i", os.path.join(work, "in.h5:/tall32"), "--dtype", "float32", "-o", out], np_))
        labels.append(("tall32", "auto", np_, out))
    for (name, solver, np_, out), r in zip(labels, pla_parallel(jobs)):
        label = f"qr {name} --solver {solver} np={np_}"
        if not s.check(r.rc == 0 and os.path.exists(out), f"{label}: runs", r.describe()):
            continue
        a = d["tall" if name == "tall32" else name]
        with h5py.File(out) as f:
            R = f["R"][:]
            s.check(rel(R, normalized_r(a)) < (1e-5 if name == "tall32" else 1e-10), f"{label}: R equals numpy's "
                    "(diag >= 0)", f"rel {rel(R, normalized_r(a)):.2e}")
            if name == "tall32":
                s.check(f["R"].dtype == np.float32 and "Q" not in f, f"{label}: float32 R only")
                continue
            Q = f["Q"][:]
            k = min(a.shape)
            s.check(Q.shape == (a.shape[0], k) and R.shape == (k, a.shape[1]), f"{label}: shapes")
            s.check(rel(Q @ R, a) < 1e-12, f"{label}: Q R = A", f"rel {rel(Q @ R, a):.2e}")
            s.check(np.abs(Q.T @ Q - np.eye(k)).max() < 1e-12, f"{label}: Q^T Q = I")
            m_, n_ = a.shape  # auto: TSQR when m >= 16 n (pla_qr_choose_shape)
            want = solver if solver != "auto" else ("tsqr" if m_ >= 16 * n_ else "householder")
            s.check(f.attrs["solver"] == want, f"{label}: solver attribute {want}", f.attrs["solver"])
        obj = r.json()
        s.check(obj is not None and obj["checks"]["factor_residual"] < 10 and obj["checks"]["orthogonality"] < 10,
                f"{label}: --json residual checks below 10", r.out[:300])


def group_qr_pivoted(s, work):
    """pla qr --pivot against scipy.linalg.qr(pivoting=True): the same
    permutation and |R| for full-rank input, A[:, perm] = Q R, the rank."""
    d = make_inputs(os.path.join(work, "in.h5"))
    jobs, labels = [], []
    for np_ in NPROCS:
        for name in ("tall", "wide", "square", "deficient"):
            out = os.path.join(work, f"qrp_{name}_{np_}.h5")
            jobs.append((["qr", "-i", os.path.join(work, f"in.h5:/{name}"), "--pivot", "--mode", "economic", "--check",
                          "-o", out, "--json"], np_))
            labels.append((name, np_, out))
    for (name, np_, out), r in zip(labels, pla_parallel(jobs)):
        label = f"qr --pivot {name} np={np_}"
        if not s.check(r.rc == 0 and os.path.exists(out), f"{label}: runs", r.describe()):
            continue
        a = d[name]
        _, r_ref, p_ref = scipy.linalg.qr(a, mode="economic", pivoting=True)
        rank_ref = int(np.linalg.matrix_rank(a))
        with h5py.File(out) as f:
            R, Q, perm, rank = f["R"][:], f["Q"][:], f["perm"][:], f["rank"][()]
            s.check(f["perm"].dtype == np.int64 and f["rank"].dtype == np.int64 and f["rank"].shape == (),
                    f"{label}: perm and rank are int64", f"{f['perm'].dtype} {f['rank'].dtype}")
            s.check(sorted(perm) == list(range(a.shape[1])), f"{label}: perm is a permutation")
            s.check(rel(Q @ R, a[:, perm]) < 1e-12, f"{label}: Q R = A[:, perm]", f"rel {rel(Q @ R, a[:, perm]):.2e}")
            s.check(np.all(np.diag(R) >= 0) and np.all(np.diff(np.diag(R)) <= 1e-12 * R[0, 0]),
                    f"{label}: diag(R) >= 0, non-increasing")
            s.check(rank == rank_ref, f"{label}: rank {rank} as numpy's matrix_rank {rank_ref}")
            s.check(f.attrs["solver"] == "pivoted", f"{label}: solver attribute")
            if rank == min(a.shape):  # full rank: pivots and |R| as LAPACK's dgeqp3
                s.check(list(perm) == list(p_ref), f"{label}: the same pivots as scipy", f"{perm[:8]} {p_ref[:8]}")
                s.check(rel(np.abs(R), np.abs(r_ref)) < 1e-10, f"{label}: |R| equals scipy's",
                        f"rel {rel(np.abs(R), np.abs(r_ref)):.2e}")
            else:  # the leading pivots, before the noise-level columns
                s.check(list(perm[:rank]) == list(p_ref[:rank]), f"{label}: the leading {rank} pivots as scipy")
        obj = r.json()
        s.check(obj is not None and obj["results"]["rank"] == rank and obj["checks"]["factor_residual"] < 10 and
                obj["checks"]["orthogonality"] < 10, f"{label}: --json rank and checks", r.out[:300])

    # pla info --for qr / lstsq: the plan the commands check before reading (one rank: whole matrices)
    f = os.path.join(work, "in.h5")
    for args, parts in ((["--for", "qr", "--mode", "economic"], {"A": 403 * 37 * 8}),
                        (["--for", "qr", "--pivot"], {"A": 403 * 37 * 8, "factored copy": 403 * 37 * 8}),
                        (["--for", "lstsq", "-b", f"{f}:/b1"], {"A": 403 * 37 * 8, "B": 403 * 8}),
                        (["--for", "lstsq", "-b", f"{f}:/B3", "--solver", "qr"], {"[A B]": 403 * 40 * 8})):
        r = pla(["info", f"{f}:/tall"] + args + ["--json"], 1)
        mem = ((r.json() or {}).get("memory") or {})
        per = mem.get("per_rank_bytes", {})
        s.check(r.rc == 0 and all(per.get(k) == v for k, v in parts.items()) and
                abs(per.get("total", 0) - sum(v for k, v in per.items() if k != "total")) < 1 and
                mem.get("fits") is True, f"info {' '.join(args[:2])} {' '.join(args[2:3])}: memory plan", r.out[:400])


def lstsq_reference(a, b, intercept=False, ridge=0.0):
    if intercept or ridge:
        model = Ridge(alpha=ridge, fit_intercept=intercept) if ridge else LinearRegression(fit_intercept=True)
        model.fit(a, b)
        coef = model.coef_.T if np.ndim(b) > 1 else model.coef_
        return coef, model.intercept_, model.score(a, b) if np.ndim(b) == 1 else None
    coef, *_ = np.linalg.lstsq(a, b, rcond=None)
    return coef, 0.0, None


def group_lstsq(s, work):
    d = make_inputs(os.path.join(work, "in.h5"))
    f = os.path.join(work, "in.h5")
    cases = [  # (label, A, B, extra args, intercept, ridge)
        ("tall 1-D b", "tall", "b1", [], False, 0.0),
        ("tall B (3 rhs) qr", "tall", "B3", ["--solver", "qr"], False, 0.0),
        ("tall B tsqr", "tall", "B3", ["--solver", "tsqr"], False, 0.0),
        ("tall normal", "tall", "b1", ["--solver", "normal"], False, 0.0),
        ("wide min-norm", "wide", "bw", [], False, 0.0),
        ("rank-deficient min-norm", "deficient", "b1", [], False, 0.0),
        ("diabetes LinearRegression", "diabetes_X", "diabetes_y", ["--intercept"], True, 0.0),
        ("diabetes Ridge", "diabetes_X", "diabetes_y", ["--intercept", "--ridge", "0.5"], True, 0.5),
        ("diabetes Ridge normal", "diabetes_X", "diabetes_y", ["--intercept", "--ridge", "0.5", "--solver", "normal"],
         True, 0.5),
    ]
    jobs, meta = [], []
    for np_ in NPROCS:
        for i, (label, an, bn, extra, icpt, ridge) in enumerate(cases):
            out = os.path.join(work, f"ls{i}_{np_}.h5")
            jobs.append((["lstsq", "-a", f"{f}:/{an}", "-b", f"{f}:/{bn}", "-o", out, "--json"] + extra, np_))
            meta.append((f"lstsq {label} np={np_}", an, bn, icpt, ridge, out))
    for (label, an, bn, icpt, ridge, out), r in zip(meta, pla_parallel(jobs)):
        if not s.check(r.rc == 0 and os.path.exists(out), f"{label}: runs", r.describe()):
            continue
        a, b = d[an], d[bn]
        coef_ref, icpt_ref, score_ref = lstsq_reference(a, b, icpt, ridge)
        with h5py.File(out) as h:
            coef = h["coef"][:]
            r_ = b.shape[1] if b.ndim == 2 else 1
            s.check(coef.shape == (a.shape[1], r_), f"{label}: coef is n x r", str(coef.shape))
            coef = coef[:, 0] if b.ndim == 1 else coef
            s.check(rel(coef, coef_ref) < 1e-10, f"{label}: coef matches the reference",
                    f"rel {rel(coef, coef_ref):.2e}")
            s.check(rel(h["intercept"][:], np.atleast_1d(icpt_ref)) < 1e-10 or not icpt,
                    f"{label}: intercept matches", f"{h['intercept'][:]} vs {icpt_ref}")
            resid = (b - a @ coef - icpt_ref) if icpt else (b - a @ coef)
            want = np.atleast_1d(np.linalg.norm(resid, axis=0))  # ~0 for a consistent (wide) system: scale by ||b||
            s.check(np.allclose(h["residual_norm"][:], want, rtol=1e-9, atol=1e-12 * np.linalg.norm(b)),
                    f"{label}: residual_norm matches a recomputation", f"{h['residual_norm'][:]} vs {want}")
            if score_ref is not None:
                s.check(abs(h["r2"][0] - score_ref) < 1e-10, f"{label}: r2 equals sklearn's score",
                        f"{h['r2'][0]} vs {score_ref}")
            s.check(h["rank"].dtype == np.int64 and h["rank"].shape == (), f"{label}: rank is an int64 scalar",
                    f"{h['rank'].dtype} {h['rank'].shape}")
            rank = int(h["rank"][()])
            s.check(rank == np.linalg.matrix_rank(a - a.mean(0) if icpt else a),
                    f"{label}: rank {rank} as numpy's matrix_rank")
            for att in ("pla_version", "command", "nprocs", "grid", "block", "threads", "dtype", "elapsed_s", "solver"):
                s.check(att in h.attrs, f"{label}: attribute {att}")
        obj = r.json()
        s.check(obj is not None and obj["results"]["rank"] == rank and obj["parameters"]["solver"] in
                ("qr", "tsqr", "normal"), f"{label}: --json results", r.out[:300])


def group_errors(s, work):
    make_inputs(os.path.join(work, "in.h5"))
    f = "in.h5"
    o = ["-o", "bad.h5"]
    ls = ["lstsq", "-a", f"{f}:/tall"]
    cases = [
        Failure("lstsq b with the wrong number of rows", ls + ["-b", f"{f}:/short_b"] + o, EXIT_DATA,
                ["400 rows", "403"], json_too=True),
        Failure("lstsq NaN in b", ls + ["-b", f"{f}:/nan_b"] + o, EXIT_DATA, ["/nan_b", "NaN", "row 211"]),
        Failure("lstsq ridge < 0", ls + ["-b", f"{f}:/b1", "--ridge", "-1"] + o, EXIT_USAGE, ["--ridge"]),
        Failure("lstsq normal on a wide A", ["lstsq", "-a", f"{f}:/wide", "-b", f"{f}:/bw", "--solver", "normal"] + o,
                EXIT_USAGE, ["normal", "23x61"]),
        Failure("lstsq tsqr on a wide A", ["lstsq", "-a", f"{f}:/wide", "-b", f"{f}:/bw", "--solver", "tsqr"] + o,
                EXIT_USAGE, ["tsqr"]),
        Failure("lstsq all-zero A", ["lstsq", "-a", f"{f}:/zeros", "-b", f"{f}:/b30"] + o, EXIT_DATA, ["rank 0"]),
        Failure("lstsq normal on a rank-deficient A", ["lstsq", "-a", f"{f}:/deficient", "-b", f"{f}:/b1",
                "--solver", "normal"] + o, EXIT_NUMERIC, ["A^T A", "--solver qr"]),
        Failure("lstsq unknown solver", ls + ["-b", f"{f}:/b1", "--solver", "svd"] + o, EXIT_USAGE, ["--solver"]),
        Failure("qr tsqr on a wide A", ["qr", "-i", f"{f}:/wide", "--solver", "tsqr"] + o, EXIT_USAGE, ["TSQR"]),
        Failure("qr bad --mode", ["qr", "-i", f"{f}:/tall", "--mode", "full"] + o, EXIT_USAGE, ["--mode"]),
        Failure("qr --pivot with --solver", ["qr", "-i", f"{f}:/tall", "--pivot", "--solver", "tsqr"] + o, EXIT_USAGE,
                ["--pivot", "--solver"], np_=1),
        Failure("qr --tol without --pivot", ["qr", "-i", f"{f}:/tall", "--tol", "1e-8"] + o, EXIT_USAGE, ["--tol"],
                np_=1),
        Failure("qr --tol out of range", ["qr", "-i", f"{f}:/tall", "--pivot", "--tol", "2"] + o, EXIT_USAGE,
                ["--tol"], np_=1),
        Failure("qr not enough memory per rank", ["qr", "-i", f"{f}:/tall", "--mode", "economic"] + o, EXIT_RESOURCE,
                ["pla qr needs about", "per rank"], env={"PLA_MEMORY_LIMIT": "4K"}),
        Failure("lstsq not enough memory per rank", ls + ["-b", f"{f}:/b1"] + o, EXIT_RESOURCE,
                ["pla lstsq needs about", "per rank"], env={"PLA_MEMORY_LIMIT": "4K"}, json_too=True),
    ]
    run_failures(s, work, cases)


def group_regression(s, work):
    """pla gen --kind regression: the same problem at every rank count, and
    pla lstsq recovers what numpy and scikit-learn recover from it."""
    jobs, outs = [], []
    for np_ in NPROCS:
        out = os.path.join(work, f"reg{np_}.h5")
        jobs.append((["gen", "--kind", "regression", "--rows", "700", "--cols", "9", "--targets", "1",
                      "--noise", "0.05", "--bias", "2.5", "--seed", "11", "-o", out + ":/data"], np_))
        outs.append(out)
    for np_, out, r in zip(NPROCS, outs, pla_parallel(jobs)):
        s.check(r.rc == 0 and os.path.exists(out), f"gen regression np={np_}: runs", r.describe())
    with h5py.File(outs[0]) as f:
        g = f["data"]
        X, y, coef, icpt = g["X"][:], g["y"][:], g["coef"][:], g["intercept"][:]
        s.check(X.shape == (700, 9) and y.shape == (700,) and coef.shape == (9, 1) and list(icpt) == [2.5],
                "gen regression: shapes of X, y, coef and intercept")
        s.check(np.abs(y - (X @ coef[:, 0] + 2.5)).std() < 0.07, "gen regression: y = X coef + bias + noise")
    for out in outs[1:]:
        with h5py.File(out) as f, h5py.File(outs[0]) as f0:
            s.check(all(np.array_equal(f["data"][k][:], f0["data"][k][:]) for k in ("X", "y", "coef")),
                    f"gen regression: {os.path.basename(out)} equals the 1-rank file")
    fits = [(["lstsq", "-a", outs[0] + ":/data/X", "-b", outs[0] + ":/data/y", "--intercept", "-o",
              os.path.join(work, f"fit{np_}.h5")], np_) for np_ in NPROCS]
    model = LinearRegression().fit(X, y)
    for (args, np_), r in zip(fits, pla_parallel(fits)):
        if not s.check(r.rc == 0, f"lstsq on the generated problem np={np_}: runs", r.describe()):
            continue
        with h5py.File(args[-1]) as f:
            s.check(rel(f["coef"][:, 0], model.coef_) < 1e-10 and abs(f["intercept"][0] - model.intercept_) < 1e-10,
                    f"lstsq on the generated problem np={np_}: equals LinearRegression")
            s.check(np.abs(f["coef"][:, 0] - coef[:, 0]).max() < 0.02,
                    f"lstsq on the generated problem np={np_}: recovers the true coefficients within the noise")


GROUPS = {"qr": group_qr, "qr_pivoted": group_qr_pivoted, "lstsq": group_lstsq, "errors": group_errors,
          "regression": group_regression}


if __name__ == "__main__":
    sys.exit(run_group("solvers", GROUPS, sys.argv))
