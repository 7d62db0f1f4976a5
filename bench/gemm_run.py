#!/usr/bin/python3
"""Runs every GEMM benchmark interleaved and prints one markdown report.

    bench/gemm_run.py [--build DIR] [--n 6000] [--rounds 5] [--quick] ...

Each round runs each configuration once (a fresh process: one warm-up and
--reps timed calls, the median of which is that run's time); the report gives
the median over the rounds, the spread (min..max GFLOP/s over the rounds) and
ratios taken round by round (so that a slow stretch of a busy machine hits
both sides of a ratio) before taking their median.

Configurations (n x n float64, C = A B):
  dgemm      single-process OpenBLAS dgemm_, 2 threads (the reference)
  numpy      numpy A @ B, 2 threads (and np.matmul(A, B, out=C))
  raw        ScaLAPACK pdgemm_ by hand, 2 ranks x 1 thread, grids 2x1 and 1x2,
             blocks --blocks; and 1 rank x 2 threads (--bind-to none)
  pla        pla_gemm through the public API, the same configurations
  whole      `pla gemm -a f.h5:/A -b f.h5:/B -o out.h5 --force --json` (2 ranks;
             and 1 rank x 2 threads) vs numpy's h5py read + A @ B + h5py write
  --investigate adds: dgemm on 1 thread, two concurrent 1-thread dgemm
             processes (the ceiling for 2 ranks), raw_pdgemm_kb (PBLAS's
             blocking factor pilaenv raised from 32 to --pilaenv) for every
             grid and block, and the gemm_allgather prototype (2x1 and 1x2).

mpirun binds each rank to a core when ranks <= 2: the 2-rank runs say
--bind-to core explicitly, the 1-rank x 2-thread runs use --bind-to none (a
rank bound to one core would run both its threads on that core).
--coretype both measures with OPENBLAS_CORETYPE as set in the environment and
with it unset (OpenBLAS then detects the CPU).
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from runlib import log, loadavg, med, build_has_mpi, bench_env, mpi_launch, run_lines

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
DEFAULT_2R = "pla/2r/1x2/256"  # what `pla gemm` picks for 2 ranks: grid 1x2 (pla_grid_default), block 256


class Runner:
    def __init__(self, args):
        self.a = args
        self.build = os.path.abspath(args.build)
        self.mpi = build_has_mpi(self.build)
        self.bench = os.path.join(self.build, "bench")
        self.pla = os.path.join(self.build, "pla")
        self.mpirun = shutil.which("mpirun") if self.mpi else None
        self.failures = []
        self.work = args.workdir or tempfile.mkdtemp(prefix="pla_gemm_bench_")
        os.makedirs(self.work, exist_ok=True)

    # ---- environments and command lines -----------------------------------
    def env(self, coretype, threads):
        e = bench_env(threads)
        if coretype == "unset":
            e.pop("OPENBLAS_CORETYPE", None)
        if self.a.thp:  # transparent huge pages for malloc'd memory (glibc >= 2.35)
            e["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
        return e

    def launch(self, ranks, threads):
        """The launcher prefix for ranks x threads (empty in the single-process build)."""
        return mpi_launch(self.mpi, self.mpirun, ranks, threads)

    def configs(self):
        """(key, kind, label, argv, threads) for every configuration of a round."""
        n, reps = str(self.a.n), str(self.a.reps)
        common = ["-n", n, "--reps", reps, "--warmup", "1"]
        out = []

        def add(key, kind, label, argv, threads, combine=False):
            out.append(dict(key=key, kind=kind, label=label, argv=argv, threads=threads, combine=combine))

        add("dgemm/2t", "kernel", "dgemm_single, 1 process x 2 threads",
            [os.path.join(self.bench, "dgemm_single"), "--threads", "2"] + common, 2)
        if self.a.investigate:
            add("dgemm/1t", "kernel", "dgemm_single, 1 process x 1 thread",
                [os.path.join(self.bench, "dgemm_single"), "--threads", "1"] + common, 1)
            if self.mpi:  # the ceiling for 2 ranks: two independent 1-thread dgemms, one per core
                add("dgemm/2p", "kernel", "2 concurrent dgemm_single x 1 thread (sum)",
                    self.launch(2, 1) + [os.path.join(self.bench, "dgemm_single"), "--threads", "1"] + common, 1,
                    combine=True)
        add("numpy/2t", "numpy", "numpy A @ B, 2 threads",
            [PYTHON, os.path.join(HERE, "gemm_numpy.py"), "matmul", "-n", n, "--reps", reps], 2)
        drivers = [("raw", "raw_pdgemm"), ("pla", "pla_gemm_bench")] if self.mpi else [("pla", "pla_gemm_bench")]
        if self.mpi:
            for grid in ("2x1", "1x2"):
                for nb in self.a.blocks:
                    for name, exe in drivers:
                        add("%s/2r/%s/%d" % (name, grid, nb), "kernel", "%s, 2 ranks x 1 thread" % name,
                            self.launch(2, 1) + [os.path.join(self.bench, exe), "--grid", grid, "--nb", str(nb),
                                                 "--threads", "1"] + common, 1)
                    if self.a.investigate:
                        add("rawkb/2r/%s/%d" % (grid, nb), "kernel",
                            "raw_pdgemm_kb (pilaenv %d), 2 ranks x 1 thread" % self.a.pilaenv,
                            self.launch(2, 1) + [os.path.join(self.bench, "raw_pdgemm_kb"), "--grid", grid,
                                                 "--nb", str(nb), "--kb", str(self.a.pilaenv), "--threads", "1"]
                            + common, 1)
                if self.a.investigate:
                    add("allgather/2r/%s/256" % grid, "kernel", "gemm_allgather prototype (panel 512)",
                        self.launch(2, 1) + [os.path.join(self.bench, "gemm_allgather"), "--grid", grid,
                                             "--nb", "256", "--kb", "512", "--threads", "1"] + common, 1)
        for name, exe in drivers:
            add("%s/1r2t/1x1/256" % name, "kernel", "%s, 1 rank x 2 threads" % name,
                self.launch(1, 2) + [os.path.join(self.bench, exe), "--grid", "1x1", "--nb", "256",
                                     "--threads", "2"] + common, 2)
        if self.a.whole:
            f = os.path.join(self.work, "ab.h5")
            job = ["gemm", "-a", f + ":/A", "-b", f + ":/B", "-o", os.path.join(self.work, "out.h5"),
                   "--force", "--json"]
            if self.mpi:
                add("whole/pla/2r", "whole", "pla gemm, 2 ranks x 1 thread (default grid, block)",
                    self.launch(2, 1) + [self.pla] + job, 1)
                add("whole/pla/1r2t", "whole", "pla gemm, 1 rank x 2 threads",
                    self.launch(1, 2) + [self.pla] + job + ["--threads", "2"], 2)
            else:
                add("whole/pla/1r2t", "whole", "pla gemm, 1 process x 2 threads",
                    [self.pla] + job + ["--threads", "2"], 2)
            add("whole/numpy", "whole", "numpy: h5py read + A @ B + h5py write, 2 threads",
                [PYTHON, os.path.join(HERE, "gemm_numpy.py"), "whole", "-a", f + ":/A", "-b", f + ":/B",
                 "-o", os.path.join(self.work, "np_out.h5")], 2)
        return out

    # ---- running ------------------------------------------------------------
    def run_one(self, cfg, coretype):
        for stale in ("out.h5", "np_out.h5"):  # every whole job writes a new file
            p = os.path.join(self.work, stale)
            if os.path.exists(p):
                os.remove(p)
        t = time.perf_counter()
        proc = run_group(cfg["argv"], self.env(coretype, cfg["threads"]), self.a.timeout)
        wall = time.perf_counter() - t
        lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
        if proc.returncode != 0 or not lines:
            raise RuntimeError("%s failed (exit %d):\n%s\n%s" % (" ".join(cfg["argv"]), proc.returncode,
                                                                  proc.stdout[-2000:], proc.stderr[-2000:]))
        d = json.loads(lines[-1])
        if cfg["combine"]:  # independent processes: their rates add up
            parts = [json.loads(l) for l in lines]
            d["gflops"] = sum(p["gflops"] for p in parts)
            d["gflops_per_cpu_s"] = statistics.mean(p["gflops_per_cpu_s"] for p in parts)
            d["check"] = "FAILED" if any(p.get("check") == "FAILED" for p in parts) else d.get("check")
        d["wall_s"] = wall
        if d.get("check") == "FAILED":
            raise RuntimeError("%s: wrong result (check_err %s)" % (cfg["key"], d.get("check_err")))
        return d

    def gen_input(self):
        f = os.path.join(self.work, "ab.h5")
        if not os.path.exists(f):
            log("generating %s (2 x %d^2 float64)" % (f, self.a.n))
            subprocess.run([PYTHON, os.path.join(HERE, "gemm_numpy.py"), "gen", "-n", str(self.a.n), f],
                           check=True, capture_output=True, env=self.env("env", 2))

    def run(self):
        coretypes = ["env", "unset"] if self.a.coretype == "both" else [self.a.coretype]
        if "OPENBLAS_CORETYPE" not in os.environ and "env" in coretypes and "unset" in coretypes:
            coretypes = ["env"]  # the same setting twice
        cfgs = self.configs()
        if self.a.only:  # keep the reference: every ratio needs it
            keep = tuple(self.a.only.split(",")) + ("dgemm/2t",)
            cfgs = [c for c in cfgs if c["key"].startswith(keep) or (c["key"] == "whole/numpy" and any(k.startswith("whole") for k in keep))]
        missing = sorted({x for c in cfgs for x in c["argv"] if x.startswith(self.build) and not os.path.exists(x)})
        if missing:
            sys.exit("gemm_run.py: not built: %s (build %s first)" % (", ".join(missing), self.build))
        if any(c["kind"] == "whole" for c in cfgs):
            self.gen_input()
        results = {(ct, c["key"]): [] for ct in coretypes for c in cfgs}
        loads = [("start", loadavg())]
        for r in range(self.a.rounds):
            for ct in coretypes:
                for c in cfgs:
                    try:
                        d = self.run_one(c, ct)
                    except (RuntimeError, subprocess.TimeoutExpired) as e:  # keep going: report it as missing
                        self.failures.append("round %d, %s, %s: %s" % (r + 1, ct, c["key"], str(e).splitlines()[0]))
                        log("FAILED " + self.failures[-1] + "\n" + str(e))
                        continue
                    d["round"] = r
                    results[(ct, c["key"])].append(d)
                    log("round %d/%d %-5s %-24s %8.2f GFLOP/s  wall %6.2f s  load %s" % (
                        r + 1, self.a.rounds, ct, c["key"], gflops_of(d, self.a.n), d["wall_s"], loadavg()))
            loads.append(("after round %d" % (r + 1), loadavg()))
            if self.a.save:  # partial results survive an interrupted run
                save(self.a.save, results)
        return coretypes, cfgs, results, loads


def run_group(argv, env, timeout):
    """subprocess.run in a process group of its own, which is killed whole on a
    timeout or when the runner is interrupted (mpirun leaves ranks behind otherwise)."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def save(path, results):
    with open(path, "w") as f:
        json.dump({"%s|%s" % k: v for k, v in results.items()}, f, indent=1)


def gflops_of(d, n):
    if "gflops" in d and d.get("bench") != "numpy_whole" and "timings" not in d:
        return d["gflops"]
    t = d.get("timings", {}).get("compute")
    return 2.0 * n ** 3 / t * 1e-9 if t else 0.0


# ---- the report --------------------------------------------------------------
def lo(v):
    return min(v) if v else float("nan")


def hi(v):
    return max(v) if v else float("nan")


def per_round_ratio(num, den, f, fden=None):
    """Median over rounds of f(num[r]) / fden(den[r]), pairing runs of the same round."""
    fden = fden or f
    by_round = {d["round"]: d for d in den}
    return med([f(d) / fden(by_round[d["round"]]) for d in num
                if d["round"] in by_round and fden(by_round[d["round"]])])


def report(args, runner, coretypes, cfgs, results, loads):
    n = args.n
    g = lambda d: gflops_of(d, n)  # noqa: E731
    out = []
    w = out.append
    w("# GEMM benchmark: n = %d, float64, C = A B" % n)
    w("")
    out += run_lines(runner)
    w("- rounds: %d (each configuration once per round, fresh process, 1 warm-up + %d timed calls, "
      "median of the calls); figures are medians over the rounds, spread = min..max over the rounds" % (
          args.rounds, args.reps))
    w("- GFLOP/CPU-s: the flops over the CPU seconds of every rank and thread during the calls (MPI and "
      "OpenMP busy-waiting count); time spent descheduled does not, so it is steadier than GFLOP/s on a "
      "loaded machine (contention for caches and memory still shows). A perfectly scaled 2-thread dgemm "
      "has GFLOP/CPU-s = its GFLOP/s / 2.")
    w("- load average (1, 5, 15 min): " + "; ".join("%s %s" % (k, v) for k, v in loads))
    w("- environment as given: OPENBLAS_CORETYPE=%s, OPENBLAS_L2_SIZE=%s, GLIBC_TUNABLES=%s" % (
        os.environ.get("OPENBLAS_CORETYPE", "(unset)"), os.environ.get("OPENBLAS_L2_SIZE", "(unset)"),
        "glibc.malloc.hugetlb=1 (--thp)" if args.thp else os.environ.get("GLIBC_TUNABLES", "(unset)")))
    w("")
    for ct in coretypes:
        res = {c["key"]: results[(ct, c["key"])] for c in cfgs}
        core = next((d.get("corename") for v in res.values() for d in v if d.get("corename")), "?")
        setting = "OPENBLAS_CORETYPE=%s" % os.environ.get("OPENBLAS_CORETYPE") if ct == "env" and \
            "OPENBLAS_CORETYPE" in os.environ else "OPENBLAS_CORETYPE unset"
        w("## %s (OpenBLAS kernels: %s)" % (setting, core))
        w("")
        ref = res["dgemm/2t"]
        w("| configuration | ranks x threads | grid | nb | GFLOP/s | spread | vs dgemm 2t | vs raw pdgemm "
          "| GFLOP/CPU-s | CPU-s vs dgemm 2t |")
        w("|---|---|---|---|---:|---|---:|---:|---:|---:|")
        for c in cfgs:
            if c["kind"] == "whole":
                continue
            v = res[c["key"]]
            gs = [g(d) for d in v]
            parts = c["key"].split("/")
            rt = {"2r": "2 x 1", "1r2t": "1 x 2", "2t": "1 x 2", "1t": "1 x 1", "2p": "2 x 1"}.get(parts[1], "")
            grid = parts[2] if len(parts) > 2 else "-"
            nb = parts[3] if len(parts) > 3 else "-"
            vs_raw = "-"
            if parts[0] in ("pla", "rawkb", "allgather"):
                raw_key = "raw/" + "/".join(parts[1:])
                if parts[0] == "allgather":  # compare with the best raw block for this grid
                    cands = [k for k in res if k.startswith("raw/2r/%s/" % grid)]
                    raw_key = max(cands, key=lambda k: med([g(d) for d in res[k]])) if cands else raw_key
                if raw_key in res:
                    vs_raw = "%.3f" % per_round_ratio(v, res[raw_key], g)
                    if parts[0] == "allgather":
                        vs_raw += " (nb %s)" % raw_key.split("/")[-1]
            pc = lambda d: d.get("gflops_per_cpu_s", float("nan"))  # noqa: E731
            w("| %s | %s | %s | %s | %.1f | %.1f..%.1f | %.3f | %s | %.1f | %.3f |" % (
                c["label"], rt, grid, nb, med(gs), lo(gs), hi(gs), per_round_ratio(v, ref, g), vs_raw,
                med([pc(d) for d in v]), per_round_ratio(v, ref, pc)))
            if parts[0] == "numpy":
                go = [d["gflops_out"] for d in v]
                w("| numpy np.matmul(A, B, out=C), 2 threads | 1 x 2 | - | - | %.1f | %.1f..%.1f | %.3f | - | - | - |" % (
                    med(go), lo(go), hi(go), per_round_ratio(v, ref, lambda d: d["gflops_out"], g)))
        w("")
        targets(w, res, g)
        if any(c["kind"] == "whole" for c in cfgs):
            whole_table(w, res, cfgs, n)
    return "\n".join(out)


def targets(w, res, g):
    ref = res["dgemm/2t"]
    pla2 = {k: v for k, v in res.items() if k.startswith("pla/2r/")}
    raw2 = {k: v for k, v in res.items() if k.startswith("raw/2r/")}
    rows = []
    if pla2 and raw2:
        best_pla = max(pla2, key=lambda k: med([g(d) for d in pla2[k]]))
        best_raw = max(raw2, key=lambda k: med([g(d) for d in raw2[k]]))
        r = per_round_ratio(pla2[best_pla], raw2[best_raw], g)
        rows.append(("pla_gemm (best, %s) within 3%% of the best raw pdgemm (%s)" % (
            best_pla[7:], best_raw[7:]), "%.3f" % r, r >= 0.97))
        r = per_round_ratio(pla2[best_pla], ref, g)
        rows.append(("pla_gemm at 2 ranks (best, %s) >= 88%% of dgemm 2 threads" % best_pla[7:], "%.3f" % r,
                     r >= 0.88))
        if DEFAULT_2R in pla2 and DEFAULT_2R != best_pla:
            r = per_round_ratio(pla2[DEFAULT_2R], ref, g)
            rows.append(("pla_gemm at 2 ranks, `pla gemm` default (%s) >= 88%% of dgemm 2 threads" % DEFAULT_2R[7:],
                         "%.3f" % r, r >= 0.88))
        r = per_round_ratio(raw2[best_raw], ref, g)
        rows.append(("(raw pdgemm at 2 ranks, best, %s, vs dgemm 2 threads)" % best_raw[7:], "%.3f" % r, None))
    if "pla/1r2t/1x1/256" in res:
        r = per_round_ratio(res["pla/1r2t/1x1/256"], ref, g)
        rows.append(("pla_gemm at 1 rank x 2 threads >= 97% of dgemm 2 threads", "%.3f" % r, r >= 0.97))
    if "whole/pla/2r" in res or "whole/pla/1r2t" in res:
        key = "whole/pla/2r" if "whole/pla/2r" in res else "whole/pla/1r2t"
        r = per_round_ratio(res[key], res["whole/numpy"], lambda d: d["wall_s"])
        rows.append(("whole job (%s), wall clock, within 1.3x of numpy h5py + matmul" % key, "%.3f" % r, r <= 1.3))
    w("| target | measured | met |")
    w("|---|---:|---|")
    for name, val, ok in rows:
        w("| %s | %s | %s |" % (name, val, "-" if ok is None else ("yes" if ok else "**no**")))
    w("")


def whole_table(w, res, cfgs, n):
    w("Whole job (HDF5 in, multiply, HDF5 out; input file in the page cache; each run writes a new file).")
    w("Wall = the whole command as launched (mpirun or python start-up included); the phases are the")
    w("program's own timings (pla: --json `timings`, max over ranks; numpy: perf_counter in the script).")
    w("")
    w("| job | wall s | total s | read s | compute s | write s | compute GFLOP/s | wall vs numpy | total vs numpy |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    ref = res.get("whole/numpy")
    for c in cfgs:
        if c["kind"] != "whole":
            continue
        v = res[c["key"]]
        t = lambda k: med([d["timings"].get(k, float("nan")) for d in v])  # noqa: E731
        ratio = per_round_ratio(v, ref, lambda d: d["wall_s"]) if ref else float("nan")
        ratio_total = per_round_ratio(v, ref, lambda d: d["timings"]["total"]) if ref else float("nan")
        grid = " (grid %s, block %s)" % (v[0].get("grid"), v[0].get("block")) if v and "grid" in v[0] else ""
        w("| %s%s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.3f | %.3f |" % (
            c["label"], grid, med([d["wall_s"] for d in v]), t("total"), t("read"), t("compute"), t("write"),
            2.0 * n ** 3 / t("compute") * 1e-9, ratio, ratio_total))
    w("")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.environ.get("PLA_BUILD", os.path.join(REPO, "build")),
                   help="build directory holding pla and bench/ (default: %(default)s)")
    p.add_argument("--n", type=int, help="matrix order (default 6000; 1500 with --quick)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--reps", type=int, default=2, help="timed calls per process (after 1 warm-up)")
    p.add_argument("--blocks", default="64,128,256,512")
    p.add_argument("--coretype", choices=("env", "unset", "both"), default="both")
    p.add_argument("--no-whole", dest="whole", action="store_false", help="skip the HDF5 whole-job comparison")
    p.add_argument("--investigate", action="store_true", help="add the diagnostic configurations")
    p.add_argument("--pilaenv", type=int, default=256,
                   help="PBLAS blocking factor for the raw_pdgemm_kb rows of --investigate (default %(default)s)")
    p.add_argument("--only", help="run only configurations whose key starts with one of these comma-separated "
                   "prefixes (e.g. whole,pla/2r/1x2); dgemm/2t always runs")
    p.add_argument("--thp", action="store_true",
                   help="run every process with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (huge pages for malloc)")
    p.add_argument("--quick", action="store_true", help="smoke test: n = 1500, 2 rounds, 2 reps")
    p.add_argument("--workdir", help="where the HDF5 files go (default: a new temporary directory, removed)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per process")
    p.add_argument("--save", help="also write every raw JSON result to this file")
    args = p.parse_args(argv)
    if args.quick:
        args.rounds, args.reps = 2, 2
    args.n = args.n or (1500 if args.quick else 6000)
    args.blocks = [int(b) for b in args.blocks.split(",")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("gemm_run.py: terminated"))  # clean up children
    runner = Runner(args)
    try:
        coretypes, cfgs, results, loads = runner.run()
    finally:
        if not args.workdir:
            shutil.rmtree(runner.work, ignore_errors=True)
    if args.save:
        save(args.save, results)
    print(report(args, runner, coretypes, cfgs, results, loads))
    if runner.failures:
        print("\nFailed runs (left out of the medians):\n\n" + "\n".join("- " + f for f in runner.failures))
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
