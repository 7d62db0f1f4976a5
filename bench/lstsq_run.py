#!/usr/bin/python3
"""Runs the QR, TSQR and least-squares benchmarks interleaved; prints one markdown report.

    bench/lstsq_run.py [--build DIR] [-m 200000] [-n 500] [--nrhs 1] [--rounds 3] [--quick] ...

Each round runs every configuration once, in a fresh process that makes its
own data (untimed), makes --warmup untimed calls and --reps timed ones and
reports their median; the tables give the median over the rounds, the
spread (min..max over the rounds) and ratios taken round by round (a slow
stretch of a busy machine hits both sides of a ratio) before their median.

Sections (A is m x n float64, B is m x nrhs; the same matrix bit for bit in
every tool, see lstsq_peers.py):
  lstsq   pla_lstsq --solver auto|qr|tsqr|normal at 2 ranks x 1 thread (grid 2x1)
          and 1 rank x 2 threads; raw ScaLAPACK pdgels at 2 ranks; numpy.linalg.lstsq,
          scipy.linalg.lstsq(gelsy), scipy QR + solve_triangular, dask.array.linalg.lstsq
  r       R only: pla_qr TSQR and Householder (2 ranks), pla_qr auto (1 rank x 2 threads),
          pdgeqrf by hand (2 ranks), scipy's raw dgeqrf with a queried lwork
  qr      Q and R: the same with the explicit economic Q (pdgeqrf + pdorgqr, scipy
          qr(mode='economic'))
  binding the 2-rank runs again with --bind-to none (the tables use --bind-to core)
  accuracy coefficients of every lstsq configuration against a float64 QR reference, on
          this problem and on an ill-conditioned one (--acc-m rows, last column nearly
          dependent: cond(A) ~ 1 / --cond-delta)
  sweep   TSQR vs Householder at 2 ranks over m / n (lstsq solvers tsqr vs qr, and
          pla_qr R only), to check the `auto` rule (TSQR when m >= 4 (n + r), m >= 4 n)

2-rank runs use `mpirun -n 2 --bind-to core` (Open MPI's default for 2 ranks,
said explicitly); 1-rank x 2-thread runs use --bind-to none (a rank bound to
one core would run both threads there).  Single-process peers run with
OMP_NUM_THREADS=2 (OpenBLAS, OpenMP build).
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

from runlib import (log, loadavg, med, per_round_ratio, spread, build_has_mpi, bench_env, mpi_launch,
                    run_lines)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
PEERS = os.path.join(HERE, "lstsq_peers.py")

# medians quoted in the issue for A 200000 x 500, one rhs (seconds)
ISSUE_REF = {"peer/numpy_lstsq": 6.0, "peer/scipy_gelsy": 7.2, "peer/scipy_qr_solve": 7.0,
             "peer/dask_lstsq": 11.9, "raw/gels/2r": 2.9, "peer/scipy_dgeqrf": 3.8, "raw/geqrf/2r": 3.3,
             "peer/scipy_qr_econ": 4.4, "raw/geqrf+orgqr/2r": 7.4}


def qr_flops(m, n, with_q=False):
    f = 2.0 * m * n * n - 2.0 * n ** 3 / 3.0
    return 2.0 * f if with_q else f


class Runner:
    def __init__(self, args):
        self.a = args
        self.build = os.path.abspath(args.build)
        self.mpi = build_has_mpi(self.build)
        self.bench = os.path.join(self.build, "bench")
        self.mpirun = shutil.which("mpirun") if self.mpi else None
        self.work = args.workdir or tempfile.mkdtemp(prefix="pla_lstsq_bench_")
        os.makedirs(self.work, exist_ok=True)
        self.failures = []

    # ---- environments and command lines -----------------------------------
    def env(self, threads):
        e = bench_env(threads)
        if self.a.coretype == "unset":
            e.pop("OPENBLAS_CORETYPE", None)
        if self.a.thp:  # transparent huge pages for malloc'd memory (glibc >= 2.35)
            e["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
        return e

    def launch(self, ranks, threads, bind=None):
        return mpi_launch(self.mpi, self.mpirun, ranks, threads, bind)

    def shape(self, m, n, nrhs=None):
        return ["-m", str(m), "-n", str(n), "--nrhs", str(self.a.nrhs if nrhs is None else nrhs)]

    def lib(self, ranks, threads, bind=None):
        grid = "%dx1" % ranks
        return self.launch(ranks, threads, bind) + [os.path.join(self.bench, "qr_lstsq_lib"), "--grid", grid,
                                                    "--threads", str(threads), "--mb", str(self.a.mb),
                                                    "--nb", str(self.a.nb)]

    def raw(self, ranks, bind=None):
        return self.launch(ranks, 1, bind) + [os.path.join(self.bench, "raw_pdgels"), "--grid", "%dx1" % ranks,
                                              "--threads", "1", "--mb", str(self.a.mb), "--nb", str(self.a.nb)]

    def configs(self):
        """Every configuration of a round: dict(key, section, label, argv, threads, coef)."""
        a, out = self.a, []
        timing = ["--reps", str(a.reps), "--warmup", str(a.warmup)]
        shape = self.shape(a.m, a.n)

        def add(key, section, label, argv, threads, coef=False):
            out.append(dict(key=key, section=section, label=label, base=argv, argv=argv + shape + timing,
                            threads=threads, coef=coef))

        two = [("2r", 2, 1, "2 x 1")] if self.mpi else []
        layouts = two + [("1r2t", 1, 2, "1 x 2")]
        for tag, ranks, threads, _ in layouts:
            for s in ("auto", "qr", "tsqr", "normal"):
                add("pla/lstsq/%s/%s" % (s, tag), "lstsq", "pla lstsq --solver %s" % s,
                    self.lib(ranks, threads) + ["--mode", "lstsq", "--solver", s], threads, coef=True)
        if self.mpi:
            add("raw/gels/2r", "lstsq", "ScaLAPACK pdgels by hand", self.raw(2) + ["--mode", "gels"], 1, coef=True)
        for p, label in (("numpy_lstsq", "numpy.linalg.lstsq (gelsd)"), ("scipy_gelsy", "scipy.linalg.lstsq gelsy"),
                         ("scipy_qr_solve", "scipy qr(economic) + solve_triangular"),
                         ("dask_lstsq", "dask.array.linalg.lstsq (%d-row chunks)" % a.chunk_rows)):
            extra = ["--chunk-rows", str(a.chunk_rows)] if p == "dask_lstsq" else []
            add("peer/" + p, "lstsq", label, [PYTHON, PEERS, p] + extra, 2, coef=True)
        for with_q, section in ((False, "r"), (True, "qr")):
            q = ["--with-q"] if with_q else []
            for tag, ranks, threads, _ in two:
                for meth, mode in (("tsqr", "tsqr"), ("householder", "qr")):
                    add("pla/%s/%s/%s" % (section, meth, tag), section, "pla_qr %s" % meth,
                        self.lib(ranks, threads) + ["--mode", mode] + q, threads)
            add("pla/%s/auto/1r2t" % section, section, "pla_qr auto", self.lib(1, 2) + ["--mode", "qrauto"] + q, 2)
            if self.mpi:
                mode = "geqrf+orgqr" if with_q else "geqrf"
                add("raw/%s/2r" % mode, section, "ScaLAPACK pd%s by hand" % mode.replace("+", " + pd"),
                    self.raw(2) + ["--mode", mode], 1)
            peer = "scipy_qr_econ" if with_q else "scipy_dgeqrf"
            add("peer/" + peer, section, "scipy qr(mode='economic')" if with_q else "scipy dgeqrf (queried lwork)",
                [PYTHON, PEERS, peer], 2)
        if a.investigate:
            add("peer/scipy_dgeqrf_nolwork", "r", "scipy dgeqrf without lwork", [PYTHON, PEERS, "scipy_dgeqrf_nolwork"], 2)
        if self.mpi and a.binding:
            add("pla/lstsq/auto/2r-none", "binding", "pla lstsq auto", self.lib(2, 1, "none") +
                ["--mode", "lstsq", "--solver", "auto"], 1)
            add("raw/gels/2r-none", "binding", "pdgels by hand", self.raw(2, "none") + ["--mode", "gels"], 1)
            add("pla/r/tsqr/2r-none", "binding", "pla_qr tsqr, R only", self.lib(2, 1, "none") + ["--mode", "tsqr"], 1)
        return out

    # ---- running ------------------------------------------------------------
    def run_argv(self, key, argv, threads, timeout=None):
        t = time.perf_counter()
        try:
            proc = subprocess.run(argv, env=self.env(threads), capture_output=True, text=True,
                                  timeout=timeout or self.a.timeout)
        except subprocess.TimeoutExpired:
            self.failures.append("%s: timed out" % key)
            log("FAILED %s: timed out" % key)
            return None
        wall = time.perf_counter() - t
        lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
        if proc.returncode != 0 or not lines:
            msg = "%s failed (exit %d): %s" % (key, proc.returncode, (proc.stderr.strip() or proc.stdout)[-600:])
            self.failures.append(msg)
            log("FAILED " + msg)
            return None
        d = json.loads(lines[-1])
        d["wall_s"] = wall
        if d.get("check") == "FAILED":
            self.failures.append("%s: factorization check failed (%s)" % (key, d.get("check_err")))
        return d

    def coef_path(self, tag, key):
        return os.path.join(self.work, "%s_%s.f64" % (tag, key.replace("/", "_")))

    def reference(self, tag, m, n, cond_delta):
        path = self.coef_path(tag, "reference")
        if not os.path.exists(path):
            log("reference coefficients (%s: %d x %d, cond-delta %g)" % (tag, m, n, cond_delta))
            d = self.run_argv("reference", [PYTHON, PEERS, "reference", "--reps", "1", "--warmup", "0",
                                            "--cond-delta", repr(cond_delta), "--write-coef", path] +
                              self.shape(m, n), 2)
            if d is None:
                return None
        return read_f64(path)

    def run_main(self, cfgs):
        results = {c["key"]: [] for c in cfgs}
        loads = [("start", loadavg())]
        for r in range(self.a.rounds):
            for c in cfgs:
                argv = list(c["argv"])
                if c["coef"] and r == 0:
                    argv += ["--write-coef", self.coef_path("main", c["key"])]
                d = self.run_argv(c["key"], argv, c["threads"])
                if d is None:
                    continue
                d["round"] = r
                results[c["key"]].append(d)
                log("round %d/%d %-26s %8.3f s  wall %6.1f s  load %s" % (
                    r + 1, self.a.rounds, c["key"], d["median_s"], d["wall_s"], loadavg()))
            loads.append(("after round %d" % (r + 1), loadavg()))
        return results, loads

    def run_accuracy(self, cfgs):
        """Ill-conditioned problem: every lstsq configuration once (1 call, no warm-up)."""
        a, out = self.a, {}
        shape = self.shape(a.acc_m, a.n)
        for c in cfgs:
            if not c["coef"]:
                continue
            argv = c["base"] + shape + ["--reps", "1", "--warmup", "0", "--cond-delta",
                                                            repr(a.cond_delta), "--write-coef",
                                                            self.coef_path("ill", c["key"])]
            d = self.run_argv("ill/" + c["key"], argv, c["threads"])
            if d is not None:
                out[c["key"]] = d
                log("accuracy %-26s done" % c["key"])
        return out

    def sweep_points(self):
        a = self.a
        pts = []
        for n in a.sweep_n:
            ms = a.sweep_m if n == a.n else sorted({min(a.m, int(round(f * n))) for f in a.sweep_ratios})
            for m in ms:
                if m >= n + a.nrhs:
                    pts.append((n, m))
        return pts

    def run_sweep(self):
        a, res = self.a, {}
        if not self.mpi or a.sweep_rounds == 0:
            return res
        kinds = [("lstsq", "qr", "tsqr", ["--mode", "lstsq", "--solver"]), ("r", "householder", "tsqr", None)]
        kinds = [k for k in kinds if k[0] in a.sweep_kinds]
        for r in range(a.sweep_rounds):
            for n, m in self.sweep_points():
                est = qr_flops(m, n) / 8e9  # seconds at a modest 8 GFLOP/s for the pair of ranks
                reps = max(1, min(5, int(math.ceil(0.6 / max(est, 1e-3)))))
                for kind, hh, ts, mode in kinds:
                    for meth in (hh, ts):
                        if mode is not None:
                            extra = mode + [meth]
                        else:
                            extra = ["--mode", "qr" if meth == "householder" else "tsqr"]
                        argv = self.lib(2, 1) + extra + self.shape(m, n) + ["--reps", str(reps), "--warmup", "1"]
                        d = self.run_argv("sweep/%s/%s/%d/%d" % (kind, meth, n, m), argv, 1)
                        if d is not None:
                            d["round"] = r
                            res.setdefault((kind, n, m, meth), []).append(d)
                log("sweep round %d/%d n %5d m %7d done  load %s" % (r + 1, a.sweep_rounds, n, m, loadavg()))
        return res


def read_f64(path):
    import array
    v = array.array("d")
    with open(path, "rb") as f:
        v.frombytes(f.read())
    if sys.byteorder != "little":
        v.byteswap()
    return list(v)


def rel_diff(x, ref):
    if x is None or ref is None or len(x) != len(ref):
        return float("nan")
    scale = max(abs(v) for v in ref) or 1.0
    return max(abs(p - q) for p, q in zip(x, ref)) / scale


# ---- the report --------------------------------------------------------------
def report(args, runner, cfgs, results, loads, acc, sweep):
    out = []
    w = out.append
    m, n, r = args.m, args.n, args.nrhs
    issue = ISSUE_REF if (m, n, r) == (200000, 500, 1) else {}  # the issue's medians are for this shape only
    core = next((d.get("corename") for v in results.values() for d in v if d.get("corename")), "?")
    w("# QR, TSQR and least squares: A %d x %d float64, %d right-hand side%s" % (m, n, r, "s" if r > 1 else ""))
    w("")
    out += run_lines(runner)
    w("- rounds: %d (each configuration once per round, fresh process, %d warm-up + %d timed calls, median of the "
      "calls); figures are medians over the rounds, spread = min..max over the rounds, ratios per round" % (
          args.rounds, args.warmup, args.reps))
    w("- load average (1, 5, 15 min): " + "; ".join("%s %s" % (k, v) for k, v in loads))
    w("- OPENBLAS_CORETYPE=%s (OpenBLAS kernels: %s); GLIBC_TUNABLES=%s; pla blocks %d x %d on a P x 1 grid" % (
        os.environ.get("OPENBLAS_CORETYPE", "(unset)") if args.coretype == "env" else "(unset)", core,
        "glibc.malloc.hugetlb=1 (--thp)" if args.thp else os.environ.get("GLIBC_TUNABLES", "(unset)"),
        args.mb, args.nb))
    w("- 2 ranks: `mpirun -n 2 --bind-to core`, 1 thread each; 1 rank x 2 threads and the python peers: "
      "`--bind-to none`, OMP_NUM_THREADS=2")
    w("- timed: pla = the whole library call (its copy of A, redistribution, small solve, residual and R^2); raw "
      "ScaLAPACK and scipy's raw dgeqrf = the kernel on a fresh copy of A made before the clock starts; "
      "numpy/scipy/Dask = the call as a user writes it on a C-ordered A (their internal copies included)")
    w("")
    ref_main = runner.reference("main", m, n, 0.0) if results else None

    # lstsq table
    numpy_runs = results.get("peer/numpy_lstsq", [])
    w("## Least squares (coef = argmin ||A x - b||)")
    w("")
    w("| configuration | ranks x threads | solver run | median s | spread s | speedup vs numpy | "
      "max rel diff vs QR reference | issue ref s |")
    w("|---|---|---|---:|---|---:|---:|---:|")
    for c in cfgs:
        if c["section"] != "lstsq":
            continue
        v = results.get(c["key"], [])
        if not v:
            w("| %s | - | - | FAILED | - | - | - | - |" % c["label"])
            continue
        rt = rt_of(c["key"])
        x = read_f64(runner.coef_path("main", c["key"])) if os.path.exists(runner.coef_path("main", c["key"])) else None
        sp = per_round_ratio(numpy_runs, v) if numpy_runs else float("nan")
        w("| %s | %s | %s | %.2f | %s | %.2f | %.1e | %s |" % (
            c["label"], rt, v[0].get("method", "-"), med([d["median_s"] for d in v]), spread(v), sp,
            rel_diff(x, ref_main), issue.get(c["key"], "-")))
    w("")

    # QR tables
    for section, title, with_q, base in (("r", "R only", False, "raw/geqrf/2r"),
                                         ("qr", "Q and R (explicit economic Q)", True, "raw/geqrf+orgqr/2r")):
        rows = [c for c in cfgs if c["section"] == section]
        if not rows:
            continue
        peer = results.get("peer/scipy_qr_econ" if with_q else "peer/scipy_dgeqrf", [])
        braw = results.get(base, [])
        w("## QR, %s" % title)
        w("")
        w("| configuration | ranks x threads | method run | median s | spread s | GFLOP/s | speedup vs %s | "
          "speedup vs scipy | check | issue ref s |" % base.split("/")[1])
        w("|---|---|---|---:|---|---:|---:|---:|---|---:|")
        for c in rows:
            v = results.get(c["key"], [])
            if not v:
                w("| %s | - | - | FAILED | - | - | - | - | - | - |" % c["label"])
                continue
            t = med([d["median_s"] for d in v])
            w("| %s | %s | %s | %.2f | %s | %.1f | %s | %s | %s | %s |" % (
                c["label"], rt_of(c["key"]), v[0].get("method", v[0].get("mode", "-")), t, spread(v),
                qr_flops(m, n, with_q) / t * 1e-9, fmt(per_round_ratio(braw, v)) if braw else "-",
                fmt(per_round_ratio(peer, v)) if peer else "-",
                "%s %.0e" % (v[0].get("check"), v[0].get("check_err", 0)), issue.get(c["key"], "-")))
        w("")

    # binding
    bind = [c for c in cfgs if c["section"] == "binding"]
    if bind:
        w("## Binding of the 2-rank runs: --bind-to core (used above) vs --bind-to none")
        w("")
        w("| configuration | core: median s | none: median s | none / core |")
        w("|---|---:|---:|---:|")
        for c in bind:
            core_key = c["key"].replace("-none", "")
            vc, vn = results.get(core_key, []), results.get(c["key"], [])
            if vc and vn:
                w("| %s | %.2f | %.2f | %.3f |" % (c["label"], med([d["median_s"] for d in vc]),
                                                  med([d["median_s"] for d in vn]), per_round_ratio(vn, vc)))
        w("")

    targets(w, results)

    # accuracy on the ill-conditioned problem
    if acc:
        ref = runner.reference("ill", args.acc_m, n, args.cond_delta)
        w("## Accuracy on an ill-conditioned problem (A %d x %d, last column = first + %g x noise)" % (
            args.acc_m, n, args.cond_delta))
        w("")
        w("max |x - x_ref| / max |x_ref| against the float64 Householder QR reference (its own error is about "
          "cond(A) eps); pla's estimate of 1/cond (of A for qr/tsqr, of A^T A for normal) and numerical rank.")
        w("")
        w("| configuration | ranks x threads | max rel diff | pla rcond | pla rank |")
        w("|---|---|---:|---:|---:|")
        for c in cfgs:
            if c["key"] not in acc:
                continue
            d = acc[c["key"]]
            x = read_f64(runner.coef_path("ill", c["key"]))
            w("| %s | %s | %.1e | %s | %s |" % (c["label"], rt_of(c["key"]), rel_diff(x, ref),
                                             "%.1e" % d["rcond"] if "rcond" in d else "-", d.get("rank", "-")))
        w("")

    if sweep:
        sweep_report(w, args, sweep)
    if runner.failures:
        w("## Failures")
        w("")
        for f in runner.failures:
            w("- " + f.replace("\n", " "))
        w("")
    return "\n".join(out)


def fmt(x):
    return "%.2f" % x if x == x else "-"


def rt_of(key):
    for tag, rt in (("/2r", "2 x 1"), ("/1r2t", "1 x 2")):
        if tag in key:
            return rt
    return "1 x 2"  # python peers: one process, 2 OpenBLAS threads


def targets(w, res):
    rows = []
    pla = res.get("pla/lstsq/auto/2r") or res.get("pla/lstsq/auto/1r2t")
    which = "2 ranks" if res.get("pla/lstsq/auto/2r") else "1 rank x 2 threads"
    peers = [k for k in ("peer/numpy_lstsq", "peer/scipy_gelsy", "peer/scipy_qr_solve", "peer/dask_lstsq",
                         "raw/gels/2r") if res.get(k)]
    if pla and peers:
        worst = min(peers, key=lambda k: per_round_ratio(res[k], pla))
        sp = per_round_ratio(res[worst], pla)
        rows.append(("pla lstsq auto (%s) faster than every peer (closest: %s)" % (which, worst), "%.2fx" % sp,
                     sp > 1.0))
    if pla and res.get("peer/numpy_lstsq"):
        sp = per_round_ratio(res["peer/numpy_lstsq"], pla)
        rows.append(("pla lstsq auto (%s) >= 3x faster than numpy.linalg.lstsq" % which, "%.2fx" % sp, sp >= 3.0))
    ts, raw = res.get("pla/r/tsqr/2r"), res.get("raw/geqrf/2r")
    if ts and raw:
        sp = per_round_ratio(raw, ts)
        rows.append(("TSQR (pla_qr, R only, 2 ranks) >= 1.5x faster than pdgeqrf", "%.2fx" % sp, sp >= 1.5))
    for key in ("pla/qr/tsqr/2r", "pla/qr/auto/1r2t"):
        q, sc = res.get(key), res.get("peer/scipy_qr_econ")
        if q and sc:
            sp = per_round_ratio(sc, q)
            rows.append(("QR with explicit Q (%s) no slower than scipy qr(mode='economic')" % key, "%.2fx" % sp,
                         sp >= 1.0))
    if not rows:
        return
    w("## Targets")
    w("")
    w("| target | measured (speedup, per-round median) | met |")
    w("|---|---:|---|")
    for name, val, ok in rows:
        w("| %s | %s | %s |" % (name, val, "yes" if ok else "**no**"))
    w("")


def sweep_report(w, args, sweep):
    w("## Crossover sweep: TSQR vs Householder at 2 ranks (grid 2x1, blocks %d)" % args.mb)
    w("")
    w("time ratio = Householder / TSQR (> 1: TSQR faster); per-round medians over %d round(s).  Current rules: "
      "lstsq TSQR when m >= 4 (n + r); pla_qr TSQR when m >= 4 n." % args.sweep_rounds)
    w("")
    w("| kind | n | m | m / n | Householder s | TSQR s | ratio | current rule picks | faster |")
    w("|---|---:|---:|---:|---:|---:|---:|---|---|")
    kinds = sorted({k[0] for k in sweep})
    verdicts = {}
    for kind in kinds:
        hh_name = "qr" if kind == "lstsq" else "householder"
        for n in sorted({k[1] for k in sweep if k[0] == kind}):
            for m in sorted({k[2] for k in sweep if k[0] == kind and k[1] == n}):
                hh, ts = sweep.get((kind, n, m, hh_name), []), sweep.get((kind, n, m, "tsqr"), [])
                if not hh or not ts:
                    continue
                ratio = per_round_ratio(hh, ts)
                r = args.nrhs if kind == "lstsq" else 0
                picks = "tsqr" if m >= 4 * (n + r) else "householder"
                faster = "tsqr" if ratio > 1.0 else "householder"
                verdicts.setdefault(kind, []).append((n, m, r, ratio))
                w("| %s | %d | %d | %.1f | %.3f | %.3f | %.2f | %s | %s%s |" % (
                    kind, n, m, m / n, med([d["median_s"] for d in hh]), med([d["median_s"] for d in ts]), ratio,
                    picks, faster, "" if picks == faster or abs(ratio - 1) < 0.05 else " (rule wrong)"))
    w("")
    for kind, pts in verdicts.items():
        w("- %s: %s" % (kind, crossover_text(pts)))
    w("")


def crossover_text(pts):
    """The measured crossover per n and the smallest factor k for which `m >= k (n + r)` picks the
    faster method at every point (ties within 5% count either way)."""
    parts = []
    for n in sorted({p[0] for p in pts}):
        row = sorted((m, ratio) for nn, m, r, ratio in pts if nn == n)
        r = next(p[2] for p in pts if p[0] == n)
        cross = None
        for i, (m, ratio) in enumerate(row):
            if all(q > 1.0 for _, q in row[i:]):
                cross = m
                break
        parts.append("n = %d: TSQR faster from m / (n + r) = %s" % (
            n, "%.1f" % (cross / (n + r)) if cross else "never (in the measured range)"))
    ok = []
    for k in (1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 32.0):
        if all((m >= k * (n + r)) == (ratio > 1.0) or abs(ratio - 1.0) < 0.05 for n, m, r, ratio in pts):
            ok.append(k)
    rule = ("rules consistent with every point: m >= k (n + r) for k in {%s}" % ", ".join("%g" % k for k in ok)
            if ok else "no rule of the form m >= k (n + r) matches every point")
    return "; ".join(parts) + "; " + rule


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.environ.get("PLA_BUILD", os.path.join(REPO, "build")),
                   help="build directory holding bench/ (default: %(default)s)")
    p.add_argument("-m", type=int, default=200000)
    p.add_argument("-n", type=int, default=500)
    p.add_argument("--nrhs", type=int, default=1)
    p.add_argument("--mb", type=int, default=64, help="row block of pla and ScaLAPACK (default %(default)s)")
    p.add_argument("--nb", type=int, default=64, help="column block (default %(default)s)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--reps", type=int, default=2, help="timed calls per process (default %(default)s)")
    p.add_argument("--warmup", type=int, default=1, help="untimed calls first (default %(default)s)")
    p.add_argument("--chunk-rows", type=int, default=25000, help="Dask row chunk (default %(default)s)")
    p.add_argument("--acc-m", type=int, default=20000, help="rows of the ill-conditioned problem")
    p.add_argument("--cond-delta", type=float, default=1e-6, help="its near-dependence (cond ~ 1 / delta)")
    p.add_argument("--no-accuracy", dest="accuracy", action="store_false")
    p.add_argument("--no-binding", dest="binding", action="store_false")
    p.add_argument("--sweep-rounds", type=int, default=2, help="0 skips the crossover sweep")
    p.add_argument("--sweep-kinds", default="lstsq,r", help="lstsq (solver tsqr vs qr), r (pla_qr R only)")
    p.add_argument("--sweep-n", default="50,200,500,1000")
    p.add_argument("--sweep-m", default="1000,2000,5000,10000,20000,50000,100000,200000",
                   help="the m values for n = -n; other n use --sweep-ratios")
    p.add_argument("--sweep-ratios", default="1.5,2,4,8,16,64")
    p.add_argument("--only-sweep", action="store_true", help="skip the main tables")
    p.add_argument("--sections", default="lstsq,r,qr,binding",
                   help="main-table sections to run (default: %(default)s)")
    p.add_argument("--coretype", choices=("env", "unset"), default="env",
                   help="OPENBLAS_CORETYPE as set in the environment, or unset (OpenBLAS detects the CPU)")
    p.add_argument("--thp", action="store_true", help="GLIBC_TUNABLES=glibc.malloc.hugetlb=1 for every process")
    p.add_argument("--investigate", action="store_true", help="add scipy's dgeqrf without lwork")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: m = 20000, n = 200, 1 round, 1 rep, small accuracy problem and sweep")
    p.add_argument("--workdir", help="where coefficient files go (default: a new temporary directory, removed)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per process")
    p.add_argument("--save", help="also write every raw JSON result to this file")
    args = p.parse_args(argv)
    if args.quick:
        args.m, args.n, args.rounds, args.reps, args.chunk_rows, args.acc_m = 20000, 200, 1, 1, 5000, 4000
        args.sweep_rounds, args.sweep_n, args.sweep_m, args.sweep_ratios = 1, "50,200", "1000,4000,20000", "2,8"
    args.sweep_n = [int(x) for x in args.sweep_n.split(",") if x]
    args.sweep_m = [int(x) for x in args.sweep_m.split(",") if x]
    args.sweep_ratios = [float(x) for x in args.sweep_ratios.split(",") if x]
    args.sweep_kinds = [x for x in args.sweep_kinds.split(",") if x]
    runner = Runner(args)
    sections = set(args.sections.split(","))
    cfgs = [c for c in runner.configs() if c["section"] in sections]
    missing = sorted({x for c in cfgs for x in c["argv"] if x.startswith(runner.build) and not os.path.exists(x)})
    if missing:
        sys.exit("lstsq_run.py: not built: %s (build %s first)" % (", ".join(missing), runner.build))
    try:
        results, loads, acc = {}, [("start", loadavg())], {}
        if not args.only_sweep:
            results, loads = runner.run_main(cfgs)
            if args.accuracy:
                acc = runner.run_accuracy(cfgs)
        sweep = runner.run_sweep()
        loads.append(("end", loadavg()))
        text = report(args, runner, cfgs if not args.only_sweep else [], results, loads, acc, sweep)
    finally:
        if not args.workdir:
            shutil.rmtree(runner.work, ignore_errors=True)
    if args.save:
        with open(args.save, "w") as f:
            json.dump({"main": results, "accuracy": acc,
                       "sweep": {"%s|%d|%d|%s" % k: v for k, v in sweep.items()}}, f, indent=1)
    print(text)
    return 1 if runner.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
