#!/usr/bin/python3
"""End-to-end tests of the `pla` program against numpy and h5py.

Usage: cli_test.py GROUP   (basics | gemm | errors | gen_info)

Environment (set by CTest through pla_add_script_test):
  PLA_BIN      the pla executable
  PLA_MPIEXEC  launcher prefix ending in its rank-count flag ("" in the
               single-process build)
  PLA_NPROCS   rank counts to try, e.g. "1,2,3,4"

mpirun run as root without OMPI_ALLOW_RUN_AS_ROOT* exits 0 doing nothing,
so every case checks its outputs, never the exit code alone.
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

BIN = os.environ["PLA_BIN"]
LAUNCH = os.environ.get("PLA_MPIEXEC", "").split()
NPROCS = [int(x) for x in os.environ.get("PLA_NPROCS", "1").split(",") if x.strip()]
MAXNP = max(NPROCS)
for var, value in (("OMPI_ALLOW_RUN_AS_ROOT", "1"), ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
                   ("OMPI_MCA_rmaps_base_oversubscribe", "1"), ("HDF5_USE_FILE_LOCKING", "FALSE"),
                   ("OMP_NUM_THREADS", "1"), ("OPENBLAS_NUM_THREADS", "1")):
    os.environ.setdefault(var, value)

EXIT_OK, EXIT_NUMERIC, EXIT_USAGE, EXIT_DATA, EXIT_RESOURCE, EXIT_OUTPUT = 0, 1, 2, 3, 4, 5
TOL64 = 1e-12
EPS32 = float(np.finfo(np.float32).eps)


class Suite:
    """Counts checks; a failed check prints what and why, and the run goes on."""

    def __init__(self, name):
        self.name, self.passed, self.failed, self.skipped = name, 0, [], []

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
            print(f"FAIL {what}" + (f"\n     {detail}" if detail else ""), flush=True)
        return ok

    def skip(self, what, why):
        self.skipped.append(what)
        print(f"SKIP {what}: {why}", flush=True)

    def finish(self):
        print(f"{self.name}: {self.passed} checks passed, {len(self.failed)} failed, "
              f"{len(self.skipped)} skipped; {RUNS['count']} pla runs took {RUNS['seconds']:.1f} s", flush=True)
        return 1 if self.failed or self.passed == 0 else 0


class Result:
    def __init__(self, args, np_, proc):
        self.args, self.np, self.rc = args, np_, proc.returncode
        self.out, self.err = proc.stdout, proc.stderr

    def describe(self):
        return (f"np={self.np} pla {' '.join(self.args)} -> exit {self.rc}\n"
                f"     stdout: {self.out.strip()[:600]!r}\n     stderr: {self.err.strip()[:600]!r}")

    def json(self):
        """The one JSON object on stdout, or None."""
        try:
            obj = json.loads(self.out)
        except ValueError:
            return None
        return obj if isinstance(obj, dict) else None

    def error_lines(self):
        return [l for l in self.err.splitlines() if l.startswith("pla: error: ")]


RUNS = {"count": 0, "seconds": 0.0}


def pla(args, np_=1, cwd=None, env=None, timeout=120):
    cmd = (LAUNCH + [str(np_)] if LAUNCH else []) + [BIN] + [str(a) for a in args]
    start = time.monotonic()
    # a session directory of its own: concurrent mpiruns race on a shared one
    # ("mkdir /tmp/ompi.*: File exists", open-mpi/ompi#8510)
    with tempfile.TemporaryDirectory(prefix="pla-ompi-") as session:
        run_env = dict(os.environ, OMPI_MCA_orte_tmpdir_base=session, **(env or {}))
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=run_env)
    RUNS["count"] += 1
    RUNS["seconds"] += time.monotonic() - start
    return Result([str(a) for a in args], np_, proc)


def pla_parallel(jobs):
    """Runs pla for each (args, np, cwd[, env]) two at a time (mpirun start-up is
    mostly waiting); results in job order."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda job: pla(*job), jobs))


def grids_for(np_):
    """Every P x Q grid of np_ ranks, the default (most square, P <= Q) first."""
    grids = [(p, np_ // p) for p in range(1, np_ + 1) if np_ % p == 0]
    default = max((g for g in grids if g[0] <= g[1]), key=lambda g: g[0])
    return [default] + [g for g in grids if g != default]


def default_grid(np_):
    p, q = grids_for(np_)[0]
    return f"{p}x{q}"


def listing(directory):
    return sorted(os.listdir(directory))


def snapshot(path):
    """What an existing output holds: every object path of an HDF5 file (with
    the root's attributes), or the bytes of any other file."""
    if not h5py.is_hdf5(path):
        with open(path, "rb") as fh:
            return fh.read()
    names = []
    with h5py.File(path, "r") as f:
        f.visit(names.append)
        return sorted(names), sorted(f.attrs.keys())


# ---- inputs -------------------------------------------------------------------

def make_inputs(path):
    rng = np.random.default_rng(20240611)
    m, k, n = 37, 53, 29
    data = {
        "A": rng.standard_normal((m, k)),
        "At": rng.standard_normal((k, m)),
        "B": rng.standard_normal((k, n)),
        "Bt": rng.standard_normal((n, k)),
        "C": rng.standard_normal((m, n)),
        "row": rng.standard_normal((1, k)),
        "col": rng.standard_normal((k, 1)),
        "colm": rng.standard_normal((m, 1)),
        "rown": rng.standard_normal((1, n)),
    }
    with h5py.File(path, "w") as f:
        for name, value in data.items():
            f[name] = value
        f["A32"] = rng.standard_normal((m, k)).astype(np.float32)
        f["B32"] = rng.standard_normal((k, n)).astype(np.float32)
        f["Ai32"] = rng.integers(-50, 50, (m, k)).astype(np.int32)
        f["Btu8"] = rng.integers(0, 255, (n, k)).astype(np.uint8)
        f["rowi64"] = rng.integers(-1000, 1000, (1, k)).astype(np.int64)
        f.create_dataset("Azip", data=rng.standard_normal((m, k)), chunks=(8, 16), compression="gzip",
                         shuffle=True)
        g = f.create_group("bad")
        g["vec"] = rng.standard_normal(k)
        g["cube"] = rng.standard_normal((3, 4, 5))
        g["text"] = np.array([b"abc", b"def"], dtype="S3").reshape(1, 2)
        nan = rng.standard_normal((m, k))
        nan[5, 7] = np.nan
        g["nan"] = nan
        inf = rng.standard_normal((k, n))
        inf[11, 3] = np.inf
        g["inf"] = inf
        # NaN at (20, 30): with --grid 2x2 --block 4 only rank 3 (process row 1, column 1) holds it
        part = rng.standard_normal((m, k))
        part[20, 30] = np.nan
        g["nan_rank3"] = part
    with h5py.File(path, "r") as f:
        return {name: f[name][()] for name in f if isinstance(f[name], h5py.Dataset)}


def reference(d, a, b, c=None, transa=False, transb=False, alpha=1.0, beta=1.0):
    A = d[a].astype(np.float64)
    B = d[b].astype(np.float64)
    A = A.T if transa else A
    B = B.T if transb else B
    ref = alpha * (A @ B)
    scale = abs(alpha) * (np.abs(A) @ np.abs(B))
    if c is not None:
        ref = ref + beta * d[c]
        scale = scale + abs(beta) * np.abs(d[c])
    return ref, A.shape[1], max(float(scale.max()), 1e-300)


# ---- group: basics --------------------------------------------------------------

def check_oversubscription(s, work):
    """More ranks x threads than CPUs on the node: one warning from rank 0,
    the run goes on; none when everything fits."""
    cpus = len(os.sched_getaffinity(0))
    out = os.path.join(work, "layout.h5")
    many = pla(["gen", "--rows", "5", "--cols", "5", "-o", out, "--threads", str(cpus + 1), "--json"], 1)
    few = pla(["gen", "--rows", "5", "--cols", "5", "-o", out, "--force", "--threads", "1", "--json"], 1)
    lay = (many.json() or {}).get("layout", {})
    warned = [ln for ln in many.err.splitlines() if ln.startswith("pla: warning:") and "oversubscribed" in ln]
    s.check(many.rc == 0 and len(warned) == 1 and lay.get("oversubscribed") is True
            and lay.get("threads_per_rank") == cpus + 1 and "oversubscribed" in " ".join((many.json() or {})
                                                                                        .get("warnings", [])),
            f"--threads {cpus + 1} on {cpus} CPUs: one oversubscription warning", many.describe())
    s.check(few.rc == 0 and "oversubscribed" not in few.err and (few.json() or {}).get("layout", {})
            .get("oversubscribed") is False, "--threads 1, one rank: no oversubscription warning", few.describe())


def group_basics(s, work):
    np_ = 2 if 2 in NPROCS else NPROCS[0]
    commands = ("gemm", "gen", "info", "version")
    usage_cases = [
        ([], "no command given", "pla --help"),
        (["frobnicate"], "unknown command 'frobnicate'", "pla --help"),
        (["--frob"], "unknown option '--frob'", "pla --help"),
        (["gemm", "--frob"], "unknown option '--frob'", "pla gemm --help"),
        (["gen", "-x"], "unknown option '-x'", "pla gen --help"),
        (["info", "--block"], "--block needs a value", "pla info --help"),
        (["version", "--frob"], "unknown option '--frob'", "pla version --help"),
    ]
    jobs = ([(["--help"], np_), (["help", "gemm"], 1), (["--version"], np_), (["version", "--json"], np_),
             (["--version"], 1, None, {"OPENBLAS_CORETYPE": "Haswell"}), (["gemm", "--frob", "--json"], np_)]
            + [([cmd, "--help"], np_) for cmd in commands] + [(args, np_) for args, _, _ in usage_cases])
    results = pla_parallel(jobs)
    top_help, help_gemm, version, version_json, version_forced, usage_json = results[:6]
    cmd_help = results[6:6 + len(commands)]
    usage = results[6 + len(commands):]

    r = top_help
    s.check(r.rc == 0 and r.out.count("usage:") == 1 and "gemm" in r.out and "gen" in r.out,
            "pla --help prints the usage once", r.describe())
    for cmd, r in zip(commands, cmd_help):
        s.check(r.rc == 0 and r.out.count("usage:") == 1 and f"pla {cmd}" in r.out and r.err == "",
                f"pla {cmd} --help: exit 0, printed once by rank 0", r.describe())
        if cmd != "version":
            s.check("--grid PxQ" in r.out and "--json" in r.out, f"pla {cmd} --help lists the common options",
                    r.describe())
    s.check(help_gemm.rc == 0 and help_gemm.out == cmd_help[0].out, "pla help gemm is pla gemm --help",
            help_gemm.describe())

    r = version
    kind = "(MPI build)" if LAUNCH else "(single-process build)"
    s.check(r.rc == 0 and r.out.count("pla 0.") == 1 and kind in r.out, "--version names version and build",
            r.describe())
    for needle in ("MPI", "ScaLAPACK", "HDF5", "BLAS", "BLAS core"):
        s.check(needle in r.out, f"--version names {needle}", r.describe())
    s.check(("(parallel)" in r.out) == bool(LAUNCH), "--version names the parallel or serial HDF5", r.describe())
    r = version_json
    obj = r.json()
    s.check(r.rc == 0 and obj is not None and obj.get("status") == "ok" and obj.get("command") == "version"
            and obj["blas"].get("corename") and obj.get("hdf5") and obj.get("build"),
            "pla version --json", r.describe())
    s.check(version_forced.rc == 0 and "OPENBLAS_CORETYPE=Haswell" in version_forced.out,
            "--version shows a forced OPENBLAS_CORETYPE", version_forced.describe())
    lay = (obj or {}).get("layout", {})
    s.check(lay.get("ranks") == np_ and lay.get("threads_per_rank") == 1 and lay.get("nodes") == 1
            and lay.get("ranks_per_node") == np_ and lay.get("cpus_per_node", 0) >= 1
            and lay.get("binding") in ("bound", "unbound") and lay.get("rank0_cpus"),
            "pla version --json: the layout (ranks, threads, node, CPUs, binding)", repr(lay))
    s.check(f"{np_} rank" in version.out and "thread" in version.out and "CPU" in version.out,
            "--version prints the layout", version.describe())
    check_oversubscription(s, work)

    for (args, message, hint), r in zip(usage_cases, usage):
        errs = r.error_lines()
        s.check(r.rc == EXIT_USAGE and len(errs) == 1 and message in errs[0] and f"run '{hint}'" in r.err
                and r.out == "", f"usage error {args}: exit 2, one error line, hint '{hint}'", r.describe())
    r = usage_json
    obj = r.json()
    s.check(r.rc == EXIT_USAGE and obj is not None and obj.get("status") == "error" and obj.get("exit_code") == 2
            and "--frob" in obj.get("message", ""), "usage error with --json prints one JSON object", r.describe())


# ---- group: gemm -------------------------------------------------------------------

def gemm_cases(np_):
    """(name, args, reference kwargs, dtype) for one rank count; grids and blocks vary."""
    grids = grids_for(np_)

    def grid(i):
        p, q = grids[i % len(grids)]
        return ["--grid", f"{p}x{q}"]

    f = "in.h5"
    return [
        ("NN default grid and block, json, check", ["-a", f"{f}:/A", "-b", f"{f}:/B", "--json", "--check"],
         dict(a="A", b="B"), "float64", None),
        ("TN block 3, output group", ["-a", f"{f}:/At", "-b", f"{f}:/B", "--transa", "--block", "3"] + grid(1),
         dict(a="At", b="B", transa=True), "float64", "/res/sub"),
        ("NT int32 x uint8, block 1", ["-a", f"{f}:/Ai32", "-b", f"{f}:/Btu8", "--transb", "--block", "1"] + grid(2),
         dict(a="Ai32", b="Btu8", transb=True), "float64", None),
        ("TT alpha beta C0, block 100, check",
         ["-a", f"{f}:/At", "-b", f"{f}:/Bt", "-c", f"{f}:/C", "--transa", "--transb", "--alpha", "-0.5",
          "--beta", "2", "--block", "100", "--check", "--json"] + grid(0),
         dict(a="At", b="Bt", c="C", transa=True, transb=True, alpha=-0.5, beta=2.0), "float64", None),
        ("float32 compute of float32 and float64 inputs, C0", ["-a", f"{f}:/A32", "-b", f"{f}:/B", "-c", f"{f}:/C",
                                                               "--dtype=float32", "--block=5", "--alpha=2"] + grid(1),
         dict(a="A32", b="B", c="C", alpha=2.0), "float32", None),
        ("1 x n int64 row, block 2", ["-a", f"{f}:/rowi64", "-b", f"{f}:/B", "--block", "2"] + grid(2),
         dict(a="rowi64", b="B"), "float64", None),
        ("chunked gzip A times m x 1 column, alpha 3, block 7",
         ["-a", f"{f}:/Azip", "-b", f"{f}:/col", "--alpha", "3", "--block", "7"] + grid(0),
         dict(a="Azip", b="col", alpha=3.0), "float64", None),
        ("outer product (k = 1), block 3, 2 threads", ["-a", f"{f}:/colm", "-b", f"{f}:/rown", "--block", "3",
                                                       "--threads", "2"] + grid(1),
         dict(a="colm", b="rown"), "float64", None),
    ]


def check_attrs(s, label, attrs, r, np_, grid, block, dtype, kw):
    threads = int(r.args[r.args.index("--threads") + 1]) if "--threads" in r.args else 1
    expect = {
        "nprocs": np_, "grid": grid, "block": block, "threads": threads, "dtype": dtype,
        "transa": int(kw.get("transa", False)), "transb": int(kw.get("transb", False)),
        "alpha": kw.get("alpha", 1.0), "beta": kw.get("beta", 1.0) if "c" in kw else 0.0,
    }
    for key, value in expect.items():
        got = attrs.get(key)
        if isinstance(got, bytes):
            got = got.decode()
        if isinstance(got, np.generic):
            got = got.item()
        s.check(got == value, f"{label}: attribute {key} = {value!r}", f"got {got!r}\n     {r.describe()}")
    version = attrs.get("pla_version")
    command = attrs.get("command")
    s.check(isinstance(version, str) and version.startswith("0."), f"{label}: attribute pla_version",
            repr(version))
    s.check(isinstance(command, str) and "gemm" in command and "-a" in command, f"{label}: attribute command",
            repr(command))
    elapsed = attrs.get("elapsed_s")
    s.check(elapsed is not None and 0.0 <= float(elapsed) < 600.0, f"{label}: attribute elapsed_s", repr(elapsed))


def check_json(s, label, obj, np_, grid, block, dtype, out_path, check):
    if not s.check(obj is not None, f"{label}: --json prints one object"):
        return
    for key in ("command", "pla_version", "build", "nprocs", "grid", "block", "threads", "dtype", "blas",
                "inputs", "outputs", "timings", "gflops", "status"):
        s.check(key in obj, f"{label}: JSON has {key}", json.dumps(obj)[:400])
    s.check(obj.get("status") == "ok" and obj.get("exit_code") == 0 and obj.get("command") == "gemm",
            f"{label}: JSON status ok")
    s.check(obj.get("nprocs") == np_ and obj.get("grid") == grid and obj.get("block") == block
            and obj.get("dtype") == dtype, f"{label}: JSON run description", json.dumps(obj)[:400])
    blas = obj.get("blas", {})
    s.check(bool(blas.get("config")) and bool(blas.get("corename")), f"{label}: JSON blas config and corename")
    shapes = {i.get("name"): i.get("shape") for i in obj.get("inputs", [])}
    s.check("A" in shapes and "B" in shapes and all(len(v) == 2 for v in shapes.values()),
            f"{label}: JSON inputs with shapes", repr(shapes))
    outs = [o.get("path") for o in obj.get("outputs", [])]
    s.check(outs == [out_path], f"{label}: JSON output path", repr(outs))
    t = obj.get("timings", {})
    s.check(all(isinstance(t.get(k), (int, float)) and t[k] >= 0 for k in ("read", "compute", "write", "total"))
            and t["total"] >= t["compute"], f"{label}: JSON timings per phase", repr(t))
    s.check(isinstance(obj.get("gflops"), (int, float)) and obj["gflops"] >= 0, f"{label}: JSON gflops")
    if check:
        res = obj.get("checks", {}).get("probe_residual")
        s.check(isinstance(res, (int, float)) and 0 <= res < 10, f"{label}: probe residual reported and small",
                repr(obj.get("checks")))


def group_gemm(s, work):
    d = make_inputs(os.path.join(work, "in.h5"))
    documented = re.search(r"Default block size: (\d+)", pla(["gemm", "--help"]).out)
    default_block = int(documented.group(1)) if documented else -1
    jobs = [(np_, i, case) for np_ in NPROCS for i, case in enumerate(gemm_cases(np_))]

    shutil.copy(os.path.join(work, "in.h5"), os.path.join(work, "same.h5"))
    results = pla_parallel([(["gemm"] + args + ["-o", f"out_{np_}_{i}.h5" + (f":{group}" if group else "")],
                             np_, work) for np_, i, (name, args, kw, dtype, group) in jobs]
                           + [(["gemm", "-a", "same.h5:/A", "-b", "same.h5:B", "-o", "same.h5:/res"], MAXNP, work)])
    same = results.pop()
    with h5py.File(os.path.join(work, "same.h5"), "r") as f:
        ok = same.rc == 0 and "res" in f and np.array_equal(f["A"][()], d["A"]) and np.array_equal(f["B"][()], d["B"])
        ref, _, scale = reference(d, a="A", b="B")
        s.check(ok and np.max(np.abs(f["res/C"][()] - ref)) / scale <= TOL64,
                "output into a group of the input file; inputs unchanged", same.describe())
    for (np_, i, (name, args, kw, dtype, group)), r in zip(jobs, results):
        out = f"out_{np_}_{i}.h5"
        label = f"np={np_} {name}"
        path = os.path.join(work, out)
        if not s.check(r.rc == 0 and os.path.exists(path), f"{label}: runs and writes {out}", r.describe()):
            continue
        gpath = group or "/"
        with h5py.File(path, "r") as f:
            got = f[gpath.rstrip("/") + "/C"][()]
            attrs = dict(f[gpath].attrs)
        ref, k, scale = reference(d, **kw)
        s.check(got.shape == ref.shape, f"{label}: shape {ref.shape}", f"got {got.shape}")
        s.check(got.dtype == np.dtype(dtype), f"{label}: stored as {dtype}", f"got {got.dtype}")
        if got.shape == ref.shape:
            err = float(np.max(np.abs(got.astype(np.float64) - ref))) / scale
            tol = TOL64 if dtype == "float64" else (k + 3) * EPS32
            s.check(err <= tol, f"{label}: matches numpy (error {err:.2e} <= {tol:.1e})", r.describe())
        grid = next((a.split("=", 1)[-1] if "=" in a else args[j + 1]
                     for j, a in enumerate(args) if a.startswith("--grid")), default_grid(np_))
        block = next((int(a.split("=", 1)[1]) if "=" in a else int(args[j + 1])
                      for j, a in enumerate(args) if a.startswith("--block")), default_block)
        check_attrs(s, label, attrs, r, np_, grid, block, dtype, kw)
        if "--json" in args:
            out_path = f"{out}:{(group or '') + '/C'}"
            check_json(s, label, r.json(), np_, grid, block, dtype, out_path, "--check" in args)
        else:
            s.check(r.json() is None and "wrote" in r.out, f"{label}: a summary line, no JSON", r.describe())


# ---- group: errors ---------------------------------------------------------------------

class Failure:
    """A run that must fail: exit code, one error line holding every needle,
    and nothing left behind: the case's directory lists the same files after
    the run, and an existing output file (`out`) holds the same objects."""

    def __init__(self, label, args, code, needles, np_=None, out="bad.h5", json_too=False, setup=None, env=None):
        self.label, self.args, self.code, self.needles = label, args, code, needles
        self.np, self.out, self.json_too, self.setup, self.env = np_ or MAXNP, out, json_too, setup, env


def run_failures(s, work, cases):
    """Each case runs in its own directory (in.h5 linked in), two at a time."""
    prepared = []
    for i, case in enumerate(cases):
        cwd = os.path.join(work, f"case{i}")
        os.mkdir(cwd)
        os.symlink(os.path.join(work, "in.h5"), os.path.join(cwd, "in.h5"))
        if case.setup:
            case.setup(cwd)
        out_path = os.path.join(cwd, case.out)
        tree = snapshot(out_path) if os.path.exists(out_path) else None
        prepared.append((case, cwd, listing(cwd), tree))
    jobs = [(case.args, case.np, cwd, case.env) for case, cwd, _, _ in prepared]
    jobs += [(case.args + ["--json"], case.np, cwd, case.env) for case, cwd, _, _ in prepared if case.json_too]
    results = pla_parallel(jobs)
    json_results = iter(results[len(prepared):])
    for (case, cwd, before, tree), r in zip(prepared, results):
        errs = r.error_lines()
        s.check(r.rc == case.code, f"{case.label}: exit {case.code}", r.describe())
        s.check(len(errs) == 1 and all(n in errs[0] for n in case.needles),
                f"{case.label}: one error line naming {case.needles}", r.describe())
        s.check(listing(cwd) == before, f"{case.label}: no file left behind",
                f"before {before}\n     after {listing(cwd)}")
        if tree is not None:
            s.check(snapshot(os.path.join(cwd, case.out)) == tree, f"{case.label}: existing output file unchanged")
        if case.json_too:
            rj = next(json_results)
            obj = rj.json()
            s.check(rj.rc == case.code and obj is not None and obj.get("status") == "error"
                    and obj.get("exit_code") == case.code and all(n in obj.get("message", "") for n in case.needles),
                    f"{case.label}: --json prints one error object", rj.describe())


def existing_output(name, dataset="C"):
    """A setup step: an HDF5 file `name` that already holds `dataset`."""
    def setup(cwd):
        with h5py.File(os.path.join(cwd, name), "w") as f:
            f[dataset] = np.arange(6.0).reshape(2, 3)
    return setup


def plain_file(name):
    def setup(cwd):
        with open(os.path.join(cwd, name), "w") as fh:
            fh.write("not hdf5\n")
    return setup


def group_errors(s, work):
    d = make_inputs(os.path.join(work, "in.h5"))
    f = "in.h5"
    gemm = ["gemm", "-a", f"{f}:/A", "-b", f"{f}:/B"]
    o = ["-o", "bad.h5"]
    cases = [
        Failure("missing input file", ["gemm", "-a", "nofile.h5:/A", "-b", f"{f}:/B"] + o, EXIT_DATA,
                ["nofile.h5"], json_too=True),
        Failure("missing dataset", ["gemm", "-a", f"{f}:/nope", "-b", f"{f}:/B"] + o, EXIT_DATA, ["/nope", "in.h5"]),
        Failure("bare FILE with several 2-D datasets", ["gemm", "-a", f, "-b", f"{f}:/B"] + o, EXIT_DATA,
                ["in.h5", "2-D"]),
        Failure("1-D dataset", ["gemm", "-a", f"{f}:/bad/vec", "-b", f"{f}:/B"] + o, EXIT_DATA, ["/bad/vec", "2-D"]),
        Failure("3-D dataset", ["gemm", "-a", f"{f}:/A", "-b", f"{f}:/bad/cube"] + o, EXIT_DATA,
                ["/bad/cube", "2-D"]),
        Failure("string dataset", ["gemm", "-a", f"{f}:/bad/text", "-b", f"{f}:/B"] + o, EXIT_DATA,
                ["/bad/text", "string"]),
        Failure("NaN in A", ["gemm", "-a", f"{f}:/bad/nan", "-b", f"{f}:/B"] + o, EXIT_DATA,
                ["/bad/nan", "NaN", "row 5", "column 7"]),
        Failure("Inf in B", ["gemm", "-a", f"{f}:/A", "-b", f"{f}:/bad/inf"] + o, EXIT_DATA,
                ["/bad/inf", "Inf", "row 11", "column 3"]),
        Failure("NaN input, output into an existing file", ["gemm", "-a", f"{f}:/bad/nan", "-b", f"{f}:/B", "-o",
                "exists.h5:/other"], EXIT_DATA, ["NaN"], out="exists.h5", setup=existing_output("exists.h5")),
        Failure("A B do not conform", ["gemm", "-a", f"{f}:/A", "-b", f"{f}:/A"] + o, EXIT_DATA, ["conform", "37x53"]),
        Failure("transposed A does not conform", gemm + ["--transa"] + o, EXIT_DATA, ["conform", "53x37", "53x29"]),
        Failure("C0 of the wrong shape", gemm + ["-c", f"{f}:/A"] + o, EXIT_DATA, ["C0", "(37, 53)", "37x29"]),
        Failure("grid not matching the rank count", gemm + ["--grid", f"{MAXNP + 1}x1"] + o, EXIT_USAGE,
                [f"{MAXNP + 1}x1", f"{MAXNP} are running"], json_too=True),
        Failure("existing output without --force", gemm + ["-o", "exists.h5"], EXIT_OUTPUT,
                ["/C", "exists.h5", "--force"], out="exists.h5", json_too=True, setup=existing_output("exists.h5")),
        Failure("existing output group member without --force", gemm + ["-o", "exists.h5:/g"], EXIT_OUTPUT,
                ["/g/C", "exists.h5", "--force"], out="exists.h5", setup=existing_output("exists.h5", "g/C")),
        Failure("output directory missing", gemm + ["-o", "no/such/dir/out.h5"], EXIT_OUTPUT, ["no/such/dir"]),
        Failure("output under a regular file", gemm + ["-o", "plain.txt/out.h5"], EXIT_OUTPUT, ["plain.txt"],
                setup=plain_file("plain.txt")),
        Failure("output is not an HDF5 file", gemm + ["-o", "plain.txt"], EXIT_OUTPUT, ["plain.txt"],
                out="plain.txt", setup=plain_file("plain.txt")),
        # 37x53 times 53x29 needs tens of KiB per rank: more than 4 KiB, refused before reading
        Failure("not enough memory per rank", gemm + o, EXIT_RESOURCE, ["needs about", "per rank", "available"],
                json_too=True, env={"PLA_MEMORY_LIMIT": "4K"}),
        Failure("malformed PLA_MEMORY_LIMIT", gemm + o, EXIT_USAGE, ["PLA_MEMORY_LIMIT", "lots"],
                env={"PLA_MEMORY_LIMIT": "lots"}),
        # found while parsing, before any communication: one rank suffices
        Failure("no output named", gemm, EXIT_USAGE, ["-o"], np_=1),
        Failure("gen --kind spectrum without --singular-values", ["gen", "--kind", "spectrum", "--rows", "4", "--cols",
                "4"] + o, EXIT_USAGE, ["--kind spectrum", "--singular-values"], np_=1),
    ]
    if 4 in NPROCS:
        cases.append(Failure("NaN only in rank 3's part (grid 2x2, block 4)",
                             ["gemm", "-a", f"{f}:/bad/nan_rank3", "-b", f"{f}:/B", "--grid", "2x2", "--block", "4"]
                             + o, EXIT_DATA, ["NaN", "row 20", "column 30"], np_=4))
    else:
        s.skip("NaN only in one rank's part", "needs 4 ranks")
    for label, extra, needle in (("--block 0", ["--block", "0"], "--block"),
                                 ("--block junk", ["--block", "12x"], "--block"),
                                 ("--threads 0", ["--threads", "0"], "--threads"),
                                 ("--grid junk", ["--grid", "2by2"], "--grid"),
                                 ("--alpha junk", ["--alpha", "1.5e"], "--alpha"),
                                 ("--alpha nan", ["--alpha", "nan"], "--alpha"),
                                 ("--seed negative", ["--seed", "-1"], "--seed"),
                                 ("--dtype int8", ["--dtype", "int8"], "--dtype"),
                                 ("--beta without -c", ["--beta", "2"], "--beta"),
                                 ("unknown option", ["--frobnicate"], "--frobnicate"),
                                 ("-q with -v", ["-q", "-v"], "--quiet")):
        cases.append(Failure(label, gemm + extra + o, EXIT_USAGE, [needle], np_=1))
    run_failures(s, work, cases)

    # --force replaces an existing output
    cwd = os.path.join(work, "force")
    os.mkdir(cwd)
    os.symlink(os.path.join(work, "in.h5"), os.path.join(cwd, "in.h5"))
    existing_output("exists.h5")(cwd)
    r = pla(["gemm", "-a", f"{f}:/A32", "-b", f"{f}:/B", "-o", "exists.h5", "--force"], MAXNP, cwd=cwd)
    with h5py.File(os.path.join(cwd, "exists.h5"), "r") as h:
        got = h["C"][()]
    ref, _, scale = reference(d, a="A32", b="B")
    s.check(r.rc == 0 and got.shape == ref.shape and np.max(np.abs(got - ref)) / scale <= TOL64
            and listing(cwd) == ["exists.h5", "in.h5"], "existing output with --force: exit 0, replaced",
            r.describe())


# ---- group: gen and info ------------------------------------------------------------------

def largest_part_bytes(m, n, nb, p, q, itemsize=8):
    """Bytes of process (0, 0)'s block-cyclic part of an m x n matrix (the largest)."""
    def extent(x, procs):
        blocks = x // nb
        return (blocks // procs) * nb + (nb if blocks % procs > 0 else x % nb)
    return extent(m, p) * extent(n, q) * itemsize


def check_gen_symmetric(s, work):
    """gen --kind symmetric: exactly symmetric, numpy finds the eigenvalues
    asked for (lists with clusters, linear, geometric), the same matrix up to
    rounding at every rank count."""
    specs = [("5,1,3*3,-2", [], [-2, 1, 3, 3, 3, 5]),
             ("linear:1:10", ["--rows", "40"], list(np.linspace(1, 10, 40))),
             ("geometric:1:0.5", ["--rows", "30", "--block", "4"], sorted(0.5 ** np.arange(30)))]
    jobs, labels = [], []
    for i, (spec, extra, want) in enumerate(specs):
        for np_ in NPROCS:
            out = f"sym{i}_{np_}.h5"
            jobs.append((["gen", "--kind", "symmetric", "--eigenvalues", spec, "--seed", "5", "-o", out + ":/g"] + extra,
                         np_, work))
            labels.append((spec, np_, out, want))
    first = {}
    for (spec, np_, out, want), r in zip(labels, pla_parallel(jobs)):
        label = f"gen symmetric {spec} np={np_}"
        if not s.check(r.rc == 0, f"{label}: runs", r.describe()):
            continue
        with h5py.File(os.path.join(work, out)) as f:
            a, w = f["g/A"][()], f["g/eigenvalues"][()]
        scale = max(abs(x) for x in want)
        s.check(np.array_equal(a, a.T), f"{label}: exactly symmetric")
        s.check(np.allclose(w, want, rtol=0, atol=1e-15 * scale), f"{label}: eigenvalues dataset, ascending")
        got = np.linalg.eigvalsh(a)
        s.check(np.abs(got - np.asarray(want)).max() <= 100 * len(want) * 2.2e-16 * scale,
                f"{label}: numpy finds the eigenvalues asked for", f"max error {np.abs(got - want).max():.2e}")
        if spec in first:
            s.check(np.abs(a - first[spec]).max() <= 100 * len(want) * 2.2e-16 * scale,
                    f"{label}: the same matrix as at np={NPROCS[0]} up to rounding")
        else:
            first[spec] = a


def group_gen_info(s, work):
    make_inputs(os.path.join(work, "in.h5"))
    same = [(1, []), (MAXNP, ["--grid", f"1x{MAXNP}", "--block", "3"]),
            (MAXNP, ["--grid", f"{MAXNP}x1", "--block", "5"]), (NPROCS[len(NPROCS) // 2], ["--block", "1"])]
    jobs = [(["gen", "--rows", "37", "--cols", "23", "--seed", "42", "-o", f"g{i}.h5:/data/X"] + extra, np_, work)
            for i, (np_, extra) in enumerate(same)]
    jobs.append((["gen", "--rows", "37", "--cols", "23", "--seed", "43", "-o", "g_other.h5"], MAXNP, work))
    jobs.append((["gen", "--rows", "100", "--cols", "100", "--dist", "normal", "--dtype", "float32", "-o",
                  "g_normal.h5:/N", "--json"], MAXNP, work))
    jobs.append((["gen", "--rows", "37", "--cols", "23", "--seed", "42", "--dtype", "float32", "-o", "g_f32.h5"],
                 MAXNP, work))
    info_grids = [(np_, p, q) for np_ in sorted({1, MAXNP}) for p, q in grids_for(np_)[:2]]
    jobs += [(["info", "in.h5:/A", "--for", "gemm", "-b", "in.h5:/B", "--block", "8", "--grid", f"{p}x{q}", "--json"],
              np_, work) for np_, p, q in info_grids]
    jobs += [(["info", "in.h5"], MAXNP, work), (["info", "in.h5:/Azip"], MAXNP, work),
             (["info", "in.h5", "--json"], MAXNP, work)]
    results = pla_parallel(jobs)
    gens, (other, normal, f32) = results[:len(same)], results[len(same):len(same) + 3]
    mems = results[len(same) + 3:len(same) + 3 + len(info_grids)]
    listing_txt, one, listing_json = results[len(same) + 3 + len(info_grids):]

    arrays = []
    for i, ((np_, extra), r) in enumerate(zip(same, gens)):
        path = os.path.join(work, f"g{i}.h5")
        if s.check(r.rc == 0 and os.path.exists(path), f"gen np={np_} {extra}", r.describe()):
            with h5py.File(path, "r") as f:
                arrays.append(f["data/X"][()])
                attrs = dict(f["data"].attrs)
            s.check(attrs.get("seed") == 42 and attrs.get("rows") == 37 and attrs.get("cols") == 23
                    and attrs.get("kind") == "random" and attrs.get("dist") == "uniform"
                    and attrs.get("nprocs") == np_ and attrs.get("command", "").find("gen") >= 0,
                    f"gen np={np_}: attributes", repr(attrs))
    if s.check(len(arrays) == len(same), "gen: every run wrote its file"):
        x = arrays[0]
        s.check(x.shape == (37, 23) and x.dtype == np.float64 and x.min() >= 0 and x.max() < 1
                and len(np.unique(x)) == x.size, "gen: uniform values on [0, 1), all distinct")
        s.check(all(np.array_equal(x, y) for y in arrays[1:]),
                "gen: the same seed gives the same matrix for every rank count, grid and block")
        if s.check(other.rc == 0, "gen another seed", other.describe()):
            with h5py.File(os.path.join(work, "g_other.h5"), "r") as f:
                s.check(not np.array_equal(f["X"][()], x), "gen: another seed gives another matrix; default /X")
        if s.check(f32.rc == 0, "gen float32", f32.describe()):
            with h5py.File(os.path.join(work, "g_f32.h5"), "r") as f:
                y = f["X"][()]
            s.check(y.dtype == np.float32 and np.array_equal(y, x.astype(np.float32)),
                    "gen float32: the float64 matrix rounded to float32")
    obj = normal.json()
    if s.check(normal.rc == 0 and obj is not None and obj.get("status") == "ok", "gen normal float32 --json",
               normal.describe()):
        with h5py.File(os.path.join(work, "g_normal.h5"), "r") as f:
            z = f["N"][()]
        s.check(z.dtype == np.float32 and abs(float(z.mean())) < 0.05 and abs(float(z.std()) - 1) < 0.05,
                "gen normal: float32, mean 0, standard deviation 1", f"{z.dtype} {z.mean()} {z.std()}")
        s.check([o.get("path") for o in obj.get("outputs", [])] == ["g_normal.h5:/N"], "gen --json output path",
                repr(obj.get("outputs")))

    for (np_, p, q), r in zip(info_grids, mems):
        obj = r.json()
        mem = (obj or {}).get("memory", {}).get("per_rank_bytes", {})
        want = {"A": largest_part_bytes(37, 53, 8, p, q), "B": largest_part_bytes(53, 29, 8, p, q),
                "C": largest_part_bytes(37, 29, 8, p, q), "vectors": 4 * largest_part_bytes(53, 1, 8, p, 1),
                }
        want["I/O"] = min(64 * 2**20, 2 * max(want.values()))  # two bands, each at most the largest share
        want["total"] = sum(want.values())
        s.check(r.rc == 0 and mem == want, f"info --for gemm np={np_} grid {p}x{q}: memory per rank",
                f"got {mem}, want {want}\n     {r.describe()}")
    r = listing_txt
    s.check(r.rc == 0 and "/A " in r.out and "(37, 53)" in r.out and "/bad/cube" in r.out
            and "(3, 4, 5)" in r.out and "uint8" in r.out and "int64" in r.out and r.out.count("in.h5") == 1,
            "info FILE lists every dataset once, with shapes and types", r.describe())
    s.check(one.rc == 0 and "chunked" in one.out and "(8, 16)" in one.out and "gzip" in one.out,
            "info FILE:/PATH shows layout, chunks and filters", one.describe())
    obj = listing_json.json()
    names = {d.get("path"): d for d in (obj or {}).get("datasets", [])}
    s.check(obj is not None and "/A" in names and names["/A"].get("shape") == [37, 53]
            and names["/bad/vec"].get("matrix") is False and names["/A"].get("matrix") is True,
            "info --json lists datasets", listing_json.describe())

    check_gen_symmetric(s, work)
    run_failures(s, work, [
        Failure("gen symmetric without --eigenvalues", ["gen", "--kind", "symmetric", "--rows", "4", "-o", "bad.h5"],
                EXIT_USAGE, ["--eigenvalues"], np_=1),
        Failure("gen --eigenvalues without --kind symmetric", ["gen", "--rows", "4", "--cols", "4", "--eigenvalues",
                "1,2,3,4", "-o", "bad.h5"], EXIT_USAGE, ["--kind symmetric"], np_=1),
        Failure("gen symmetric, malformed spec", ["gen", "--kind", "symmetric", "--rows", "4", "--eigenvalues",
                "linear:1", "-o", "bad.h5"], EXIT_USAGE, ["linear:1"], np_=1),
        Failure("gen symmetric, list length differs from --rows", ["gen", "--kind", "symmetric", "--rows", "4",
                "--eigenvalues", "1,2", "-o", "bad.h5"], EXIT_USAGE, ["2 values", "--rows is 4"], np_=1),
        Failure("gen symmetric, not square", ["gen", "--kind", "symmetric", "--rows", "4", "--cols", "5",
                "--eigenvalues", "linear:1:2", "-o", "bad.h5"], EXIT_USAGE, ["square"], np_=1),
        Failure("gen refuses to overwrite without --force", ["gen", "--rows", "4", "--cols", "4", "-o",
                "exists.h5:/C"], EXIT_OUTPUT, ["/C", "exists.h5", "--force"], out="exists.h5",
                setup=existing_output("exists.h5")),
        Failure("info --for gemm, shapes do not conform", ["info", "in.h5:/A", "--for", "gemm", "-b", "in.h5:/A"],
                EXIT_DATA, ["conform"]),
        Failure("info -o", ["info", "in.h5", "-o", "x.h5"], EXIT_USAGE, ["writes nothing"], np_=1),
        Failure("info missing file", ["info", "nofile.h5"], EXIT_DATA, ["nofile.h5"]),
        Failure("info missing dataset", ["info", "in.h5:/nope"], EXIT_DATA, ["/nope"]),
    ])


GROUPS = {"basics": group_basics, "gemm": group_gemm, "errors": group_errors, "gen_info": group_gen_info}


def run_group(kind, groups, argv):
    """The test program's main: argv[1] names one of groups; files of a failed
    run are kept for a look."""
    if len(argv) != 2 or argv[1] not in groups:
        print(f"usage: {argv[0]} {'|'.join(groups)}", file=sys.stderr)
        return 2
    suite = Suite(f"{kind} {argv[1]}")
    work = tempfile.mkdtemp(prefix=f"pla-{kind}-{argv[1]}-")
    try:
        groups[argv[1]](suite, work)
    finally:
        code = suite.finish()
        if code == 0:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"files kept in {work}")
    return code


if __name__ == "__main__":
    sys.exit(run_group("cli", GROUPS, sys.argv))
