#!/usr/bin/python3
"""End-to-end tests of `pla gen --kind spectrum` against numpy.linalg.svd, at
every rank count in PLA_NPROCS (see cli_test.py for the environment).
Usage: gen_spectrum_test.py spectrum | errors
"""
import math
import os
import sys

import h5py
import numpy as np

from cli_test import (EXIT_RESOURCE, EXIT_OUTPUT, EXIT_USAGE, MAXNP, NPROCS, Failure, default_grid, existing_output,
                      pla, pla_parallel, run_failures, run_group)

EPS32 = float(np.finfo(np.float32).eps)
TOL_SV = 1e-13   # numpy's singular values of A against s, relative to s_1 (float64)
TOL_SAME = 1e-13  # the same seed at another rank count, grid or block, relative to s_1
SEED = 7


def expected(spec, k):
    """The singular values a SPEC asks for, descending (docs/cli.md)."""
    i = np.arange(k, dtype=float)
    if spec.startswith(("linear:", "geometric:", "poly:", "lowrank:")):
        form, a, b = spec.split(":")
        a, b = float(a), float(b)
        v = {"linear": lambda: np.linspace(a, b, k) if k > 1 else np.array([a]),
             "geometric": lambda: a * b ** i,
             "poly": lambda: a * (1 + i) ** -b,
             "lowrank": lambda: np.where(i < a, 1.0, b)}[form]()
    else:
        v = []
        for item in spec.split(","):
            x, _, rep = item.partition("*")
            v += [float(x)] * int(rep or 1)
        v = np.array(v)
    return np.sort(v)[::-1]


def spectrum_cases(np_):
    """(name, m, n, spec, extra args): tall (TSQR for U), wide (TSQR for V),
    square and near-square (Householder on the default grid), sizes that are
    not multiples of the block, 1 x n and m x 1, each SPEC form."""
    grid2d = default_grid(np_)
    cases = [
        ("tall", 700, 40, "poly:1:0.5", []),
        ("tall", 700, 40, "poly:1:0.5", ["--block", "16"]),
        ("tall", 700, 40, "poly:1:0.5", ["--grid", grid2d, "--block", "5"]),
        ("wide", 30, 500, "geometric:2:0.9", []),
        ("wide", 30, 500, "geometric:2:0.9", ["--grid", f"1x{np_}", "--block", "7"]),
        ("square", 67, 67, "linear:10:1", ["--block", "5"]),
        ("near-square", 90, 61, "lowrank:5:1e-3", ["--block", "8"]),
        ("near-square", 90, 61, "lowrank:5:1e-3", ["--grid", f"{np_}x1", "--block", "3"]),
        ("list", 9, 5, "3,1,2*2,0.5", []),
        ("row", 1, 17, "2.5", []),
        ("column", 23, 1, "4", ["--block", "4"]),
    ]
    if np_ == MAXNP:
        cases.append(("square", 67, 67, "linear:10:1", ["--block", "1"]))
        cases.append(("wide", 30, 500, "geometric:2:0.9", ["--grid", f"{np_}x1", "--block", "64"]))
    return cases


def check_run(s, label, path, m, n, spec, np_, extra, dtype=np.float64):
    """Shapes, types, attributes, the singular_values dataset and numpy's SVD of
    A; returns A (float64) or None."""
    k = min(m, n)
    want = expected(spec, k)
    s1 = want[0]
    with h5py.File(path, "r") as f:
        g = f["g"]
        a, sv, attrs = g["A"][()], g["singular_values"][()], dict(g.attrs)
    if not s.check(a.shape == (m, n) and sv.shape == (k,) and a.dtype == dtype and sv.dtype == dtype,
                   f"{label}: A {m}x{n} and singular_values ({k},) of type {np.dtype(dtype).name}",
                   f"A {a.shape} {a.dtype}, singular_values {sv.shape} {sv.dtype}"):
        return None
    tol_file = 4 * np.finfo(dtype).eps * s1
    s.check(np.all(np.diff(sv) <= 0) and np.abs(sv - want).max() <= tol_file,
            f"{label}: singular_values holds the SPEC's values, descending", f"got {sv[:6]}, want {want[:6]}")
    got = np.linalg.svd(a.astype(float), compute_uv=False)
    err = np.abs(got - want).max() / s1
    # float32: rounding A moves each singular value by at most ||dA||_2 <= eps32/2 ||A||_F <= eps32/2 sqrt(k) s_1
    bound = TOL_SV if dtype == np.float64 else EPS32 * math.sqrt(k)
    s.check(err <= bound, f"{label}: numpy.linalg.svd(A) gives the singular values to {bound:.1e} s_1",
            f"max error {err:.3g} s_1")
    grid = extra[extra.index("--grid") + 1] if "--grid" in extra else None
    if grid is None and max(m, n) >= 4 * k:
        grid = f"{np_}x1"  # tall or wide: row panels unless --grid
    block = int(extra[extra.index("--block") + 1]) if "--block" in extra else 256
    s.check(attrs.get("kind") == "spectrum" and attrs.get("singular_values_spec") == spec and attrs.get("rows") == m
            and attrs.get("cols") == n and attrs.get("seed") == SEED and attrs.get("nprocs") == np_
            and attrs.get("block") == block and attrs.get("dtype") == np.dtype(dtype).name
            and (grid is None or attrs.get("grid") == grid) and "gen" in attrs.get("command", ""),
            f"{label}: group attributes (kind, SPEC, shape, seed, grid {grid or 'default'})", repr(attrs))
    return a.astype(float)


def group_spectrum(s, work):
    jobs, labels = [], []
    for np_ in NPROCS:
        for i, (name, m, n, spec, extra) in enumerate(spectrum_cases(np_)):
            out = os.path.join(work, f"s_{name}_{np_}_{i}.h5")
            jobs.append((["gen", "--kind", "spectrum", "--singular-values", spec, "--rows", m, "--cols", n, "--seed",
                          SEED, "-o", out + ":/g"] + extra, np_))
            labels.append((name, m, n, spec, extra, np_, out))
    # float32 next to the same run in float64; --json; another seed
    f32 = []
    for np_ in sorted({1, MAXNP}):
        for dt in ("float64", "float32"):
            out = os.path.join(work, f"s32_{np_}_{dt}.h5")
            jobs.append((["gen", "--kind", "spectrum", "--singular-values", "poly:3:1", "--rows", 150, "--cols", 40,
                          "--seed", SEED, "--dtype", dt, "-o", out + ":/g"], np_))
            f32.append((np_, dt, out))
    json_out = os.path.join(work, "json.h5")
    jobs.append((["gen", "--kind", "spectrum", "--singular-values", "poly:1:0.5", "--rows", 700, "--cols", 40,
                  "--seed", SEED, "-o", json_out + ":/g", "--json"], MAXNP))
    other_out = os.path.join(work, "other.h5")
    jobs.append((["gen", "--kind", "spectrum", "--singular-values", "poly:1:0.5", "--rows", 700, "--cols", 40,
                  "--seed", SEED + 1, "-o", other_out + ":/g"], MAXNP))
    results = pla_parallel(jobs)

    first = {}
    for (name, m, n, spec, extra, np_, out), r in zip(labels, results):
        label = f"gen spectrum {name} {m}x{n} {spec} np={np_} {' '.join(extra)}".rstrip()
        if not s.check(r.rc == 0 and os.path.exists(out), f"{label}: runs", r.describe()):
            continue
        a = check_run(s, label, out, m, n, spec, np_, extra)
        if a is None:
            continue
        key = (m, n, spec)
        if key in first:
            diff = np.abs(a - first[key][0]).max() / expected(spec, min(m, n))[0]
            s.check(diff <= TOL_SAME, f"{label}: the same A as {first[key][1]} up to rounding",
                    f"max difference {diff:.3g} s_1")
        else:
            first[key] = (a, label)
    s.check(len(first) == len({(m, n, spec) for _, m, n, spec, _, _, _ in labels}), "every shape ran at least once")

    rest = results[len(labels):]
    arrays = {}
    for (np_, dt, out), r in zip(f32, rest):
        label = f"gen spectrum {dt} np={np_}"
        if s.check(r.rc == 0, f"{label}: runs", r.describe()):
            with h5py.File(out, "r") as f:
                arrays[(np_, dt)] = f["g/A"][()]
            check_run(s, label, out, 150, 40, "poly:3:1", np_, [], np.float32 if dt == "float32" else np.float64)
    for np_ in sorted({1, MAXNP}):
        if (np_, "float64") in arrays and (np_, "float32") in arrays:
            s.check(np.array_equal(arrays[(np_, "float32")], arrays[(np_, "float64")].astype(np.float32)),
                    f"gen spectrum float32 np={np_}: the float64 matrix rounded to float32")
    r = rest[len(f32)]
    obj = r.json()
    if s.check(r.rc == 0 and obj is not None and obj.get("status") == "ok", "gen spectrum --json", r.describe()):
        par = obj.get("parameters", {})
        s.check(par.get("kind") == "spectrum" and par.get("singular_values") == "poly:1:0.5" and par.get("seed") == SEED,
                "gen spectrum --json: parameters", repr(par))
        outs = {o.get("name"): o for o in obj.get("outputs", [])}
        s.check(outs.get("A", {}).get("path") == json_out + ":/g/A" and outs.get("A", {}).get("shape") == [700, 40]
                and outs.get("singular_values", {}).get("shape") == [40],
                "gen spectrum --json: outputs A and singular_values", repr(obj.get("outputs")))
        s.check(obj.get("grid") == f"{MAXNP}x1", "gen spectrum --json: a P x 1 grid", repr(obj.get("grid")))
    r = rest[len(f32) + 1]
    if s.check(r.rc == 0, "gen spectrum, another seed: runs", r.describe()) and (700, 40, "poly:1:0.5") in first:
        with h5py.File(other_out, "r") as f:
            b = f["g/A"][()]
        a = first[(700, 40, "poly:1:0.5")][0]
        s.check(np.abs(a - b).max() > 1e-3, "gen spectrum: another seed gives another matrix")
        s.check(np.abs(np.linalg.svd(b, compute_uv=False) - expected("poly:1:0.5", 40)).max() <= TOL_SV,
                "gen spectrum: another seed, the same singular values")


def group_errors(s, work):
    with h5py.File(os.path.join(work, "in.h5"), "w") as f:  # run_failures links it into each case
        f["X"] = np.zeros((2, 2))
    sp = ["gen", "--kind", "spectrum", "--rows", "5", "--cols", "4"]
    o = ["-o", "bad.h5:/g"]

    def spec(label, value, needles, np_=1, **kw):
        return Failure(f"gen spectrum {label}", sp + ["--singular-values", value] + o, EXIT_USAGE, needles, np_=np_,
                       **kw)

    cases = [
        spec("malformed SPEC", "foo", ["--singular-values must be", "poly:FIRST:POWER", "'foo'"], json_too=True),
        spec("list with a bad item", "3,2,x,1", ["--singular-values must be", "'3,2,x,1'"]),
        spec("linear with one number", "linear:1", ["linear:HI:LO", "two numbers", "'linear:1'"]),
        spec("poly with one number", "poly:1", ["poly:FIRST:POWER", "two numbers"]),
        spec("geometric with junk", "geometric:1:0.5x", ["geometric:FIRST:RATIO", "two numbers"]),
        spec("unknown form", "cubic:1:2", ["--singular-values must be", "'cubic:1:2'"]),
        spec("list too short", "3,2,1", ["lists 3 values", "min(--rows, --cols) is 4"]),
        spec("list too long", "3,2,1*4", ["lists 6 values", "min(--rows, --cols) is 4"]),
        spec("negative list value", "3,-1,2,1", ["negative value (-1)", ">= 0"], json_too=True),
        spec("negative geometric ratio", "geometric:1:-0.5", ["negative value", "'geometric:1:-0.5'"]),
        spec("negative linear end", "linear:1:-1", ["negative value"]),
        spec("negative poly first", "poly:-1:0.5", ["negative value"]),
        spec("infinite list value", "1,inf,2,1", ["not finite", "'1,inf,2,1'"]),
        spec("NaN list value", "nan,1,1,1", ["not finite"]),
        spec("overflowing geometric", "geometric:1e300:1e10", ["not finite"]),
        spec("infinite poly first", "poly:inf:1", ["not finite"]),
        spec("lowrank R beyond min(m, n)", "lowrank:5:0.1", ["lowrank:R:NOISE", "from 0 to", "= 4"]),
        spec("lowrank R not whole", "lowrank:1.5:0.1", ["lowrank:R:NOISE", "whole number"]),
        spec("lowrank NOISE above 1", "lowrank:2:3", ["lowrank:R:NOISE", "NOISE"]),
        spec("lowrank NOISE negative", "lowrank:2:-0.1", ["lowrank:R:NOISE", "NOISE"]),
        spec("found on every rank", "3,2,1", ["lists 3 values"], np_=MAXNP),
        Failure("gen --singular-values without --kind", ["gen", "--rows", "5", "--cols", "4", "--singular-values",
                "4,3,2,1"] + o, EXIT_USAGE, ["--singular-values goes with --kind spectrum"], np_=1, json_too=True),
        Failure("gen --singular-values with --kind symmetric", ["gen", "--kind", "symmetric", "--rows", "4",
                "--eigenvalues", "1,2,3,4", "--singular-values", "4,3,2,1"] + o, EXIT_USAGE,
                ["--singular-values goes with --kind spectrum"], np_=1),
        Failure("gen --kind spectrum without --singular-values", sp + o, EXIT_USAGE,
                ["--kind spectrum needs --singular-values"], np_=1),
        Failure("gen spectrum without --cols", ["gen", "--kind", "spectrum", "--rows", "5", "--singular-values",
                "1"] + o, EXIT_USAGE, ["--rows M --cols N"], np_=1),
        Failure("gen spectrum with --eigenvalues", sp + ["--singular-values", "4,3,2,1", "--eigenvalues",
                "1,2,3,4"] + o, EXIT_USAGE, ["--eigenvalues goes with --kind symmetric"], np_=1),
        Failure("gen spectrum with --noise", sp + ["--singular-values", "4,3,2,1", "--noise", "1"] + o, EXIT_USAGE,
                ["--noise", "--kind regression"], np_=1),
        Failure("gen symmetric with poly", ["gen", "--kind", "symmetric", "--rows", "4", "--eigenvalues",
                "poly:1:2"] + o, EXIT_USAGE, ["--eigenvalues must be", "'poly:1:2'"], np_=1),
        Failure("gen spectrum, existing output without --force", sp + ["--singular-values", "4,3,2,1", "-o",
                "exists.h5:/g"], EXIT_OUTPUT, ["/g/A", "exists.h5", "--force"], out="exists.h5",
                setup=existing_output("exists.h5", "g/A")),
        # 4 KiB per rank cannot hold a 500 x 300 matrix: refused before anything is written
        Failure("gen spectrum, not enough memory per rank", ["gen", "--kind", "spectrum", "--rows", "500", "--cols",
                "300", "--singular-values", "poly:1:1"] + o, EXIT_RESOURCE,
                ["pla gen --kind spectrum needs about", "per rank", "available"], json_too=True,
                env={"PLA_MEMORY_LIMIT": "4K"}),
    ]
    run_failures(s, work, cases)

    # --force replaces an existing output with the new matrix
    cwd = os.path.join(work, "force")
    os.mkdir(cwd)
    existing_output("exists.h5", "g/A")(cwd)
    r = pla(sp + ["--singular-values", "4,3,2,1", "-o", "exists.h5:/g", "--force"], MAXNP, cwd=cwd)
    if s.check(r.rc == 0, "gen spectrum --force: runs", r.describe()):
        with h5py.File(os.path.join(cwd, "exists.h5"), "r") as f:
            got = np.linalg.svd(f["g/A"][()], compute_uv=False)
        s.check(np.abs(got - [4, 3, 2, 1]).max() <= TOL_SV * 4 and os.listdir(cwd) == ["exists.h5"],
                "gen spectrum --force: the existing A replaced", f"{got}")


GROUPS = {"spectrum": group_spectrum, "errors": group_errors}

if __name__ == "__main__":
    sys.exit(run_group("gen_spectrum", GROUPS, sys.argv))
