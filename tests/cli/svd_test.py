#!/usr/bin/python3
"""End-to-end tests of `pla svd` against numpy.linalg.svd and scikit-learn's
randomized_svd, at every rank count in PLA_NPROCS (see cli_test.py for the
environment).
Usage: svd_test.py full | truncated | errors
"""
import os
import sys

import h5py
import numpy as np

from cli_test import (EXIT_DATA, EXIT_NUMERIC, EXIT_OUTPUT, EXIT_RESOURCE, EXIT_USAGE, MAXNP, NPROCS, Failure, existing_output,
                      grids_for, pla, pla_parallel, run_failures, run_group)

EPS64 = np.finfo(np.float64).eps / 2
EPS32 = np.finfo(np.float32).eps / 2


def flipped(u, vt=None):
    """svd_flip on U (scikit-learn's rule, and pla's): each column's
    largest-magnitude entry (the first on ties) positive, the matching row of
    Vt flipped alike."""
    u = np.array(u, dtype=float, copy=True)
    sign = np.ones(u.shape[1])
    if u.size:
        rows = np.argmax(np.abs(u), axis=0)
        sign = np.where(u[rows, np.arange(u.shape[1])] < 0, -1.0, 1.0)
        u *= sign
    if vt is None:
        return u
    return u, np.array(vt, dtype=float) * sign[:, None]


def with_spectrum(rng, m, n, s):
    """An m x n matrix with singular values s (descending), from numpy QR factors."""
    r = min(m, n)
    u, _ = np.linalg.qr(rng.standard_normal((m, r)))
    v, _ = np.linalg.qr(rng.standard_normal((n, r)))
    return (u * s) @ v.T


def make_inputs(path):
    rng = np.random.default_rng(5)
    d = {
        "known": with_spectrum(rng, 157, 83, np.logspace(1, -2, 83)),  # known singular values, distinct
        "wide": rng.standard_normal((70, 131)),
        "square": rng.standard_normal((97, 97)),
        "skinny": rng.standard_normal((400, 9)),      # TSQR, P x 1 grid
        "row": rng.standard_normal((1, 37)),
        "col": rng.standard_normal((53, 1)),
        "decay": with_spectrum(rng, 300, 200, np.exp(-np.arange(200) / 2.0)),      # rapidly decaying
        "decay_wide": with_spectrum(rng, 120, 260, np.exp(-np.arange(120) / 2.0)),
        "slow": with_spectrum(rng, 300, 200, 1.0 / (1.0 + np.arange(200))),       # slowly decaying
    }
    with h5py.File(path, "w") as f:
        for k, v in d.items():
            f[k] = v
        f["known32"] = d["known"].astype(np.float32)
        f["ints"] = rng.integers(-9, 10, (40, 30)).astype(np.int32)
        nan = d["wide"].copy()
        nan[3, 5] = np.nan
        f["nan"] = nan
        f["empty"] = np.zeros((0, 4))
    d["known32"] = d["known"].astype(np.float32).astype(float)
    with h5py.File(path, "r") as f:
        d["ints"] = f["ints"][()].astype(float)
    return d


def read_out(path):
    with h5py.File(path) as f:
        out = {k: f[k][()] for k in f}
        out["attrs"] = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
    return out


def recomputed_residuals(a, u, s, vt):
    """max(||A v_i - s_i u_i||, ||A^T u_i - s_i v_i||) / s_1, as pla_svd
    defines them (each method computes the one its construction does not
    make zero; the other is at rounding level)."""
    if s[0] == 0:
        return np.zeros_like(s)
    left = np.linalg.norm(a @ vt.T - u * s, axis=0)
    right = np.linalg.norm(a.T @ u - vt.T * s, axis=0)
    return np.maximum(left, right) / s[0]


def check_full(s, label, a, out, eps, vectors=(True, True), bound=10):
    """All triplets: values against numpy, factorization and orthogonality
    scaled residuals, the sign rule, vectors against numpy's, residuals."""
    m, n = a.shape
    mx, r = max(m, n), min(m, n)
    u0, s0, vt0 = np.linalg.svd(a, full_matrices=False)
    S = out.get("S")
    if not s.check(S is not None and S.shape == (r,), f"{label}: S has min(m, n) = {r} values",
                   f"got {None if S is None else S.shape}"):
        return
    S = S.astype(float)
    err = np.abs(S - s0).max() / (s0[0] * mx * eps)
    s.check(err < bound and np.all(np.diff(S) <= 0), f"{label}: S descending, equal to numpy's",
            f"scaled error {err:.3g}")
    s.check(("U" in out) == vectors[0] and ("Vt" in out) == vectors[1], f"{label}: U / Vt written as asked",
            f"{sorted(out)}")
    if "U" in out and "Vt" in out:
        U, Vt = out["U"].astype(float), out["Vt"].astype(float)
        if not s.check(U.shape == (m, r) and Vt.shape == (r, n), f"{label}: U {m}x{r}, Vt {r}x{n}",
                       f"{U.shape} {Vt.shape}"):
            return
        fac = np.linalg.norm(a - (U * S) @ Vt) / (np.linalg.norm(a) * mx * eps)
        ou = np.linalg.norm(U.T @ U - np.eye(r)) / (mx * eps)
        ov = np.linalg.norm(Vt @ Vt.T - np.eye(r)) / (mx * eps)
        s.check(fac < bound and ou < bound and ov < bound,
                f"{label}: ||A - U S Vt|| / (||A|| max(m,n) eps), orthogonality of U and Vt < {bound}",
                f"factor {fac:.3g}, U {ou:.3g}, Vt {ov:.3g}")
        s.check(np.array_equal(flipped(U), U), f"{label}: largest-magnitude entry of each U column positive")
        fu, fvt = flipped(u0, vt0)
        gap = np.min(np.abs(np.diff(s0))) / s0[0] if r > 1 else 1.0
        tol = max(1e-9, 100 * mx * eps / max(gap, 1e-300))
        du, dv = np.abs(U - fu).max(), np.abs(Vt - fvt).max()
        s.check(du < tol and dv < tol, f"{label}: U and Vt equal numpy's after svd_flip",
                f"max difference U {du:.3g}, Vt {dv:.3g} (tolerance {tol:.3g})")
    if "U" in out or "Vt" in out:
        if s.check("residuals" in out and out["residuals"].shape == (r,), f"{label}: residuals written"):
            res = out["residuals"].astype(float)
            s.check(res.max() < bound * mx * eps, f"{label}: residuals at rounding level", f"max {res.max():.3g}")
    else:
        s.check("residuals" not in out and out["attrs"].get("residuals_known") == 0,
                f"{label}: no residuals without vectors (full method)")


def group_full(s, work):
    d = make_inputs(os.path.join(work, "in.h5"))
    inp = os.path.join(work, "in.h5")
    jobs, labels = [], []

    def add(name, src, np_, extra, grid=None, block=None, dtype=None):
        out = os.path.join(work, f"full_{len(jobs)}.h5")
        args = ["svd", "-i", f"{inp}:/{src}", "-o", out, "--json"] + extra
        if grid:
            args += ["--grid", grid]
        if block:
            args += ["--block", block]
        jobs.append((args, np_))
        labels.append((name, src, np_, grid, block, out, extra, dtype))

    shapes = ["known", "wide", "square", "skinny", "row", "col", "ints"]
    for np_ in NPROCS:
        for gi, (p, q) in enumerate(grids_for(np_)):
            grid = f"{p}x{q}"
            for src in shapes if gi == 0 else ["known", "wide"]:
                add(src, src, np_, [], grid, 64)
            if gi == 0:
                for block in (1, 5, 200):  # 200: one block larger than the matrix
                    add(f"known block {block}", "known", np_, [], grid, block)
                add(f"wide block 3", "wide", np_, [], grid, 3)
                add("skinny default grid", "skinny", np_, [])
                add("col default grid", "col", np_, [])
                add("wide default grid", "wide", np_, [])
        add("known --check", "known", np_, ["--check"])
        add("known --no-u", "known", np_, ["--no-u"])
        add("known --no-v", "known", np_, ["--no-v"])
        add("known --no-u --no-v", "known", np_, ["--no-u", "--no-v"])
        add("wide --method full -k 7", "wide", np_, ["--method", "full", "-k", "7"])
        add("float32 input, float64 compute", "known32", np_, [])
        add("float32 compute", "known32", np_, ["--dtype", "float32"], dtype="float32")
        add("explicit method full", "square", np_, ["--method", "full"])
    first_u = {}
    for (name, src, np_, grid, block, out, extra, dtype), r in zip(labels, pla_parallel(jobs)):
        label = f"svd {name} np={np_}" + (f" grid={grid}" if grid else "") + (f" block={block}" if block else "")
        if not s.check(r.rc == 0 and os.path.exists(out), f"{label}: runs", r.describe()):
            continue
        o = read_out(out)
        a = d[src]
        eps = EPS32 if dtype else EPS64
        at = o["attrs"]
        want = (("--no-u" not in extra), ("--no-v" not in extra))
        if "-k" in extra:
            k = int(extra[extra.index("-k") + 1])
            s0 = np.linalg.svd(a, compute_uv=False)
            ok = o["S"].shape == (k,) and np.abs(o["S"] - s0[:k]).max() < 10 * max(a.shape) * EPS64 * s0[0]
            s.check(ok and o["U"].shape == (a.shape[0], k) and o["Vt"].shape == (k, a.shape[1]),
                    f"{label}: the {k} largest triplets", f"{o['S']} vs {s0[:k]}")
            res = recomputed_residuals(a, o["U"], o["S"], o["Vt"])
            s.check(np.abs(res - o["residuals"]).max() < 1e-10, f"{label}: residuals dataset as recomputed")
        else:
            check_full(s, label, a, o, eps, want, bound=10)
        s.check(at.get("method") == "full" and at.get("qr") in ("tsqr", "householder")
                and at.get("small_svd") in ("gesdd", "pgesvd"), f"{label}: attributes method, qr, small_svd",
                repr(at))
        s.check(at.get("nprocs") == np_ and isinstance(at.get("command"), str) and "svd" in at["command"]
                and at.get("pla_version", "").startswith("0.") and float(at.get("elapsed_s", -1)) >= 0
                and at.get("dtype") == (dtype or "float64"), f"{label}: common attributes", repr(at))
        if grid:
            s.check(at.get("grid") == grid, f"{label}: the grid asked for", repr(at.get("grid")))
        elif src in ("skinny", "col"):
            s.check(at.get("grid") == f"{np_}x1", f"{label}: a tall-skinny A runs on a P x 1 grid",
                    repr(at.get("grid")))
        elif src == "wide":
            s.check(at.get("grid") == "%dx%d" % grids_for(np_)[0],
                    f"{label}: a wide A runs on the default grid", repr(at.get("grid")))
        if dtype:
            s.check(all(o[k].dtype == np.float32 for k in ("S", "U", "Vt", "residuals")),
                    f"{label}: float32 outputs")
        if src == "skinny":
            s.check(at.get("qr") == "tsqr", f"{label}: TSQR for a tall-skinny A", repr(at.get("qr")))
        obj = r.json()
        par = (obj or {}).get("parameters", {})
        res_json = (obj or {}).get("results", {})
        s.check(obj is not None and obj.get("status") == "ok" and par.get("method") == "full"
                and par.get("method_reason") and par.get("qr") == at.get("qr") and par.get("qr_reason")
                and par.get("small_svd") == at.get("small_svd") and par.get("small_svd_reason"),
                f"{label}: --json names the method, the QR and the small SVD, and why", r.out[:400])
        t = (obj or {}).get("timings", {})
        s.check(all(isinstance(t.get(x), (int, float)) for x in ("read", "compute", "write", "total")),
                f"{label}: --json timings read, compute, write", repr(t))
        if want == (False, False):
            s.check(res_json.get("residuals") is None and res_json.get("residuals_known") is False
                    and "no residuals" in res_json.get("residuals_note", ""),
                    f"{label}: --json says there are no residuals", repr(res_json))
        else:
            s.check(res_json.get("residuals_known") is True and len(res_json.get("residuals", [])) == o["S"].size
                    and np.allclose(res_json["singular_values"], o["S"], rtol=1e-6 if dtype else 1e-15, atol=0),
                    f"{label}: --json singular values and residuals", repr(res_json)[:300])
        if "--check" in extra:
            c = (obj or {}).get("checks", {})
            s.check(all(0 <= c.get(x, 99) < 10 for x in ("factor_residual", "orthogonality_u", "orthogonality_v")),
                    f"{label}: --check residuals reported and small", repr(c))
        if name in ("known", "wide") and "U" in o:  # the same vectors at every rank count and grid
            if name in first_u:
                du = np.abs(o["U"] - first_u[name][0]).max()
                dv = np.abs(o["Vt"] - first_u[name][1]).max()
                s.check(du < 1e-10 and dv < 1e-10, f"{label}: the same U and Vt as at np={NPROCS[0]}",
                        f"difference {du:.3g} {dv:.3g}")
            else:
                first_u[name] = (o["U"], o["Vt"])

    # pla info --for svd: the plan of each method, A's share as the layout gives it
    info_jobs = [(["info", f"{inp}:/decay", "--for", "svd", "-k", "5", "--json"], np_) for np_ in sorted({1, MAXNP})]
    info_jobs.append((["info", f"{inp}:/skinny", "--for", "svd", "--json"], MAXNP))
    info_jobs.append((["info", f"{inp}:/decay", "--for", "svd", "-k", "5", "--method", "full", "--no-u"], MAXNP))
    res = pla_parallel(info_jobs)
    for (args, np_), r in zip(info_jobs[:-2], res[:-2]):
        obj = r.json() or {}
        mem = obj.get("memory", {})
        by = mem.get("by_method", {})
        p, q = grids_for(np_)[0]
        s.check(r.rc == 0 and mem.get("for") == "svd" and mem.get("method") in ("randomized", "krylov")
                and set(by) == {"full", "randomized", "krylov"} and by["randomized"]["sketches"] < by["full"]["Q and R"]
                and mem["per_rank_bytes"] == by.get(mem.get("method"))
                and mem["per_rank_bytes"]["A"] == largest_part(300, 200, 64, p, q),
                f"info --for svd -k 5 np={np_}: every plan, a sketching method chosen", r.describe())
    r = res[-2]
    obj = r.json() or {}
    s.check(r.rc == 0 and obj.get("grid") == f"{MAXNP}x1" and obj.get("memory", {}).get("method") == "full"
            and "TSQR buffers" in obj["memory"]["per_rank_bytes"],
            "info --for svd on a tall-skinny A: the P x 1 grid, the full method with TSQR", r.describe())
    r = res[-1]
    s.check(r.rc == 0 and "method full (--method)" in r.out and "memory per rank" in r.out
            and "--method randomized would need" in r.out, "info --for svd text", r.describe())


def largest_part(m, n, nb, p, q, itemsize=8):
    def extent(x, procs):
        blocks = x // nb
        return (blocks // procs) * nb + (nb if blocks % procs > 0 else x % nb)
    return extent(m, p) * extent(n, q) * itemsize


def group_truncated(s, work):
    d = make_inputs(os.path.join(work, "in.h5"))
    inp = os.path.join(work, "in.h5")
    jobs, labels = [], []

    def add(name, src, np_, extra, grid=None):
        out = os.path.join(work, f"tr_{len(jobs)}.h5")
        jobs.append((["svd", "-i", f"{inp}:/{src}", "-o", out, "--json"] + extra
                     + (["--grid", grid] if grid else []), np_))
        labels.append((name, src, np_, grid, out, extra))

    rnd = ["--method", "randomized"]
    kry = ["--method", "krylov"]
    for np_ in NPROCS:
        for gi, (p, q) in enumerate(grids_for(np_)):
            add("decay k=10 seed 3", "decay", np_, rnd + ["-k", "10", "--seed", "3"], f"{p}x{q}")
            add("decay k=10 seed 3 block 7", "decay", np_, rnd + ["-k", "10", "--seed", "3", "--block", "7"],
                f"{p}x{q}")
            add("krylov decay k=10 seed 3", "decay", np_, kry + ["-k", "10", "--seed", "3"], f"{p}x{q}")
            if gi == 0:
                add("decay_wide k=8", "decay_wide", np_, rnd + ["-k", "8", "--seed", "3"], f"{p}x{q}")
                add("krylov decay_wide k=8", "decay_wide", np_, kry + ["-k", "8", "--seed", "3"], f"{p}x{q}")
        add("auto k=5 (a sketching method)", "decay", np_, ["-k", "5"])
        add("auto k=10 of 83 (full)", "known", np_, ["-k", "10"])
        add("k=1", "decay", np_, rnd + ["-k", "1"])
        add("k=min(m,n)", "known", np_, rnd + ["-k", "83"])
        add("slow --tol 1e-8", "slow", np_, rnd + ["-k", "10", "--power-iters", "0", "--tol", "1e-8"])
        add("slow no tol q=0", "slow", np_, rnd + ["-k", "10", "--power-iters", "0"])
        add("krylov slow --tol 1e-10", "slow", np_, kry + ["-k", "10", "--power-iters", "1", "--tol", "1e-10"])
        add("krylov slow", "slow", np_, kry + ["-k", "10"])
        add("slow auto --tol 1e-9", "slow", np_, ["-k", "5", "--tol", "1e-9"])
        add("--no-u --no-v", "decay", np_, rnd + ["-k", "6", "--no-u", "--no-v"])
        add("--no-u", "decay", np_, rnd + ["-k", "6", "--no-u"])
        add("float32", "known32", np_, rnd + ["-k", "5", "--dtype", "float32", "--check"])
        add("--oversample 4 --power-iters 2", "decay", np_, rnd + ["-k", "10", "--oversample", "4",
                                                                   "--power-iters", "2", "--seed", "3"])
    results = pla_parallel(jobs)
    same_seed = {}
    for (name, src, np_, grid, out, extra), r in zip(labels, results):
        label = f"svd {name} np={np_}" + (f" grid={grid}" if grid else "")
        if not s.check(r.rc == 0 and os.path.exists(out), f"{label}: runs", r.describe()):
            continue
        o = read_out(out)
        at = o["attrs"]
        obj = r.json() or {}
        par, res_json = obj.get("parameters", {}), obj.get("results", {})
        a = d[src]
        k = int(extra[extra.index("-k") + 1])
        u0, s0, vt0 = np.linalg.svd(a, full_matrices=False)
        S = o["S"].astype(float)
        s.check(S.shape == (k,) and np.all(np.diff(S) <= 0), f"{label}: {k} values, descending", f"{S.shape}")
        if S.shape != (k,):
            continue
        want_method = "full" if name.startswith("auto k=10") else "krylov" if "krylov" in extra else "randomized"
        if name.startswith("slow auto") or name.startswith("auto k=5"):
            # auto's sketching method is pla_svd_choose's business (krylov at the time of writing)
            want_method = par.get("method") if par.get("method") in ("randomized", "krylov") else "a sketch"
        s.check(at.get("method") == want_method and par.get("method") == want_method and par.get("method_reason"),
                f"{label}: method {want_method}, with the reason", f"{at.get('method')} {par.get('method_reason')}")
        if name.startswith("auto"):
            s.check("auto" in par.get("method_reason", ""), f"{label}: the reason names auto's rule",
                    par.get("method_reason"))
        # accuracy of the values, against a tolerance that reflects the spectrum
        if name == "krylov slow":
            tol_s = 1e-3  # four blocks of a slow spectrum: close, not exact
        elif src == "slow" and "--tol" not in extra:
            tol_s = 0.2  # no power iteration on a slow spectrum: only roughly right
        elif src == "known32":
            tol_s = 1e-4
        elif "--oversample" in extra:
            tol_s = 1e-6  # a narrow sketch and two power iterations
        else:
            tol_s = 1e-10
        err = np.abs(S - s0[:k]).max() / s0[0]
        s.check(err < tol_s, f"{label}: the top {k} values agree with the exact ones to {tol_s:g} s_1",
                f"error {err:.3g}")
        if "--no-u" not in extra and "--no-v" not in extra:
            U, Vt = o["U"].astype(float), o["Vt"].astype(float)
            s.check(U.shape == (a.shape[0], k) and Vt.shape == (k, a.shape[1]), f"{label}: U and Vt shapes")
            s.check(np.array_equal(flipped(U), U), f"{label}: largest-magnitude entry of each U column positive")
            rec = recomputed_residuals(a, U, S, Vt)
            if s.check("residuals" in o, f"{label}: residuals written"):
                dres = np.abs(rec - o["residuals"]).max()
                s.check(dres < (1e-6 if src == "known32" else 1e-10),
                        f"{label}: residuals dataset equals ||A v_i - s_i u_i|| / s_1 recomputed", f"{dres:.3g}")
            if tol_s <= 1e-10 and src != "slow":  # slow: vectors only to residual / gap
                fu, fvt = flipped(u0[:, :k], vt0[:k])
                du, dv = np.abs(U - fu).max(), np.abs(Vt - fvt).max()
                s.check(du < 1e-7 and dv < 1e-7, f"{label}: U and Vt equal numpy's after svd_flip",
                        f"{du:.3g} {dv:.3g}")
        else:
            s.check(("U" in o) == ("--no-u" not in extra) and ("Vt" in o) == ("--no-v" not in extra)
                    and "residuals" in o and res_json.get("residuals_known") is True,
                    f"{label}: U/Vt as asked; the randomized method still has residuals", f"{sorted(o)}")
        if want_method in ("randomized", "krylov"):
            s.check(par.get("sketch") == min(k + int(extra[extra.index("--oversample") + 1])
                                             if "--oversample" in extra else k + 10, min(a.shape))
                    and at.get("sketch") == par.get("sketch") and isinstance(par.get("power_iters"), int)
                    and at.get("power_iters") == par.get("power_iters") and "seed" in par,
                    f"{label}: --json and attributes: sketch width, power iterations, seed", repr(par))
        if "--power-iters" in extra and "--tol" not in extra:
            want_q = int(extra[extra.index("--power-iters") + 1])
            s.check(par.get("power_iters") == want_q, f"{label}: {want_q} power iterations done", repr(par))
        elif want_method == "krylov" and "--tol" not in extra:
            s.check(par.get("power_iters") == 3 and par.get("power_iters_requested") == "auto",
                    f"{label}: the Krylov method's default of 3 blocks after the first", repr(par))
        elif want_method == "randomized" and "--tol" not in extra:
            rule = 7 if 10 * k < min(a.shape) else 4
            s.check(par.get("power_iters") == rule and par.get("power_iters_requested") == "auto",
                    f"{label}: scikit-learn's rule gives {rule} power iterations", repr(par))
        if "--tol" in extra:
            tol = float(extra[extra.index("--tol") + 1])
            rec = recomputed_residuals(a, o["U"], S, o["Vt"])
            s.check(res_json.get("converged") is True and at.get("converged") == 1 and rec.max() < tol
                    and o["residuals"].max() < tol, f"{label}: --tol drives every residual below {tol:g}",
                    f"converged {res_json.get('converged')}, max recomputed {rec.max():.3g}")
            if "--power-iters" in extra:
                asked = int(extra[extra.index("--power-iters") + 1])
                s.check(par.get("power_iters", 0) > asked, f"{label}: --tol added power iterations", repr(par))
        if name == "slow no tol q=0":
            s.check(o["residuals"].max() > 1e-8, f"{label}: without --tol the residuals stay large (the --tol "
                    "case is a real test)", f"{o['residuals'].max():.3g}")
        if "decay k=10 seed 3" in name:
            key = name
            if key in same_seed:
                ref = same_seed[key]
                dif = np.abs(S - ref[0]).max() / ref[0][0]
                du = np.abs(o["U"] - ref[1]).max()
                s.check(dif < 1e-12 and du < 1e-8, f"{label}: the same seed gives the same result at every rank "
                        "count and grid", f"values {dif:.3g}, U {du:.3g}")
            else:
                same_seed[key] = (S, o["U"])
        if src == "known32":
            c = obj.get("checks", {})
            s.check(o["S"].dtype == np.float32 and o["U"].dtype == np.float32
                    and 0 <= c.get("orthogonality_u", 99) < 10 and 0 <= c.get("orthogonality_v", 99) < 10
                    and "factor_residual" not in c, f"{label}: float32 outputs; --check orthogonality only",
                    repr(c))

    # scikit-learn's randomized_svd on a rapidly decaying spectrum: the values agree
    from sklearn.utils.extmath import randomized_svd
    for src, k in (("decay", 10), ("decay_wide", 8)):
        u1, s1, vt1 = randomized_svd(d[src], k, n_oversamples=10, n_iter="auto", random_state=0)
        outs = [out for (name, s_, np_, grid, out, extra) in labels if s_ == src and os.path.exists(out)
                and "-k" in extra and extra[extra.index("-k") + 1] == str(k)]
        for out in outs[:2]:
            o = read_out(out)
            dif = np.abs(o["S"] - s1).max() / s1[0]
            du = np.abs(o["U"] - flipped(u1)).max()
            s.check(dif < 1e-10 and du < 1e-6, f"svd {src} -k {k}: agrees with sklearn randomized_svd",
                    f"values {dif:.3g}, U {du:.3g}")


def group_errors(s, work):
    make_inputs(os.path.join(work, "in.h5"))
    f = "in.h5"
    o = ["-o", "bad.h5"]
    base = ["svd", "-i", f"{f}:/known"]
    cases = [
        Failure("svd -k 0", base + ["-k", "0"] + o, EXIT_USAGE, ["-k", "at least 1"], np_=1, json_too=True),
        Failure("svd -k negative", base + ["-k", "-3"] + o, EXIT_USAGE, ["-k", "at least 1"], np_=1),
        Failure("svd -k junk", base + ["-k", "5x"] + o, EXIT_USAGE, ["-k", "integer"], np_=1),
        Failure("svd -k beyond min(m, n)", base + ["-k", "84"] + o, EXIT_DATA,
                ["-k 84", "out of range", "157x83", "min(m, n) = 83"], json_too=True),
        Failure("svd -k beyond min(m, n), wide", ["svd", "-i", f"{f}:/wide", "-k", "71"] + o, EXIT_DATA,
                ["-k 71", "min(m, n) = 70"]),
        Failure("svd NaN", ["svd", "-i", f"{f}:/nan"] + o, EXIT_DATA, ["NaN", "row 3", "column 5"], json_too=True),
        Failure("svd empty matrix", ["svd", "-i", f"{f}:/empty"] + o, EXIT_DATA, ["0x4", "at least one row"]),
        Failure("svd --tol with --method full", base + ["--method", "full", "--tol", "1e-6"] + o, EXIT_USAGE,
                ["--tol", "--method full"], np_=1, json_too=True),
        Failure("svd --oversample with --method full", base + ["--method", "full", "--oversample", "5"] + o,
                EXIT_USAGE, ["--oversample", "--method full"], np_=1),
        Failure("svd bad --method", base + ["--method", "qr"] + o, EXIT_USAGE,
                ["--method", "auto, full, randomized or krylov", "'qr'"], np_=1),
        Failure("svd --tol not met", base + ["-k", "3", "--method", "krylov", "--oversample", "0", "--tol", "1e-300"]
                + o, EXIT_NUMERIC, ["--tol 1e-300 was not met", "largest residual"], json_too=True),
        Failure("svd --tol 0", base + ["-k", "3", "--tol", "0"] + o, EXIT_USAGE, ["--tol", "(0, 1)"], np_=1),
        Failure("svd --tol 2", base + ["-k", "3", "--tol", "2"] + o, EXIT_USAGE, ["--tol", "(0, 1)"], np_=1),
        Failure("svd --power-iters 51", base + ["-k", "3", "--power-iters", "51"] + o, EXIT_USAGE,
                ["--power-iters", "50"], np_=1),
        Failure("svd --oversample -1", base + ["-k", "3", "--oversample", "-1"] + o, EXIT_USAGE, ["--oversample"],
                np_=1),
        Failure("svd --check --no-u", base + ["--check", "--no-u"] + o, EXIT_USAGE, ["--check", "--no-u"], np_=1),
        Failure("svd without -i", ["svd"] + o, EXIT_USAGE, ["-i"], np_=1),
        Failure("svd without -o", base, EXIT_USAGE, ["-o"], np_=1),
        Failure("svd missing dataset", ["svd", "-i", f"{f}:/nope"] + o, EXIT_DATA, ["/nope"]),
        Failure("svd not enough memory", base + o, EXIT_RESOURCE, ["pla svd needs about", "per rank",
                                                                   "pla info --for svd"],
                json_too=True, env={"PLA_MEMORY_LIMIT": "4K"}),
        Failure("svd existing output without --force", base + ["-o", "exists.h5"], EXIT_OUTPUT,
                ["exists.h5", "--force"], out="exists.h5", setup=existing_output("exists.h5", "S")),
        Failure("info --for svd, -k beyond min(m, n)", ["info", f"{f}:/known", "--for", "svd", "-k", "90"], EXIT_DATA,
                ["-k 90", "out of range"]),
        Failure("info --method without --for svd", ["info", f"{f}:/known", "--for", "qr", "--method", "full"],
                EXIT_USAGE, ["--for svd"], np_=1),
        Failure("info -k with --for qr", ["info", f"{f}:/known", "--for", "qr", "-k", "3"], EXIT_USAGE,
                ["-k", "--for eig, svd or pca"], np_=1),
    ]
    run_failures(s, work, cases)
    # `pla svd --help` and the command list
    r = pla(["svd", "--help"])
    s.check(r.rc == 0 and "pla svd -i A" in r.out and "--power-iters" in r.out and "--grid PxQ" in r.out,
            "pla svd --help", r.describe())
    r = pla(["--help"])
    s.check(r.rc == 0 and "  svd " in r.out, "pla --help lists svd", r.describe())


GROUPS = {"full": group_full, "truncated": group_truncated, "errors": group_errors}

if __name__ == "__main__":
    sys.exit(run_group("svd", GROUPS, sys.argv))
