#!/usr/bin/python3
"""Runs the symmetric eigensolver benchmark interleaved; prints one markdown report.

    bench/eig_run.py [--build DIR] [-n 4000] [-k 50] [--rounds 3] [--quick] ...

Two matrices, written once per run into a temporary directory, read by every
tool from the same file:
  decay       `pla gen --kind symmetric --eigenvalues geometric:100:0.998` (A = Q diag(w) Q^T,
              geometric decay as a covariance matrix has; its exact eigenvalues are in the file)
  semicircle  (G + G^T) / sqrt(2 n), G standard normal (eig_peers.py gen_semicircle, h5py):
              eigenvalues fill [-2, 2], tightly spaced at the ends (the hard case for
              iterative methods); reference eigenvalues from numpy.linalg.eigvalsh

Sections, each on both matrices:
  all   all eigenpairs: numpy.linalg.eigh, scipy.linalg.eigh(driver='evd'); ScaLAPACK
        pdsyevd and pdsyevr (RANGE='A') by hand (bench/eig_raw.c); `pla eig --solver
        auto|dc|mrrr|elpa`
  top   the K largest pairs: scipy.linalg.eigh(subset_by_index=[n-K, n-1], driver='evr');
        pdsyevr by hand with RANGE='I' (block 64 asking for max(K, 64) pairs and keeping
        the top K, and block 32 asking for exactly K); `pla eig -k K --solver
        auto|mrrr|krylov|elpa`
pla and the raw drivers run at 2 ranks x 1 thread (`mpirun -n 2 --bind-to core`, grid
1x2) and 1 rank x 2 threads (`--bind-to none`, OMP_NUM_THREADS=2); the python peers in
one process with OMP_NUM_THREADS=2.  Solvers the build lacks (`pla eig --solver elpa`
failing with "no elpa solver", the same for krylov) are left out and said so.

Each round runs every configuration once, in a fresh process; the peers and the raw
drivers make --warmup untimed calls and --reps timed ones and report their median
(the read of A is not timed; each raw call starts from a fresh copy of A made before
the clock starts); a `pla eig` run is one whole job: its compute time is the JSON
"timings.compute" (max over ranks), its wall time the process from start to exit
(mpirun, read, symmetry check, compute, write).  The tables give the median over the
rounds, the spread (min..max) and ratios taken round by round before their median.

Accuracy, for every run (the worst over the rounds is shown): eigenvalue error =
max_i |w_i - w_ref_i| / ||A||_2 against the reference (the top K of it for the top
section); eigenvectors: on s = 8 columns spread evenly over the k found, max_j
||A z_j - w_j z_j|| / (||A||_2 ||z_j||) and max |Z_s^T Z_s - I|.  Anything above
1e-10 is marked WRONG (a fast wrong answer shows).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import runlib
from runlib import (log, loadavg, med, per_round_ratio, spread, busiest, build_has_mpi, bench_env, mpi_launch,
                    layouts, timed_run, pla_version, sample_indices, run_lines, activity_lines, list_section)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
PEERS = os.path.join(HERE, "eig_peers.py")
TOL = 1e-10  # accuracy threshold for "WRONG"
SAMPLES = 8
OTHER_CORES_WARN = 0.25  # runs that shared the machine with more than this much other work are listed

# medians quoted in the issue for n = 4000, top 50 (seconds; the issue does not say which matrix)
ISSUE_REF = {"all/peer/scipy_evd": 5.3, "all/raw/syevd/2r": 6.4, "all/raw/syevr/2r": 7.7,
             "top/peer/scipy_evr_top": 1.9, "top/raw/syevr-nb32/2r": 3.0}

MATRIX_TEXT = {
    "decay": "A = Q diag(w) Q^T, w geometric (`pla gen --kind symmetric --eigenvalues %s`); reference: the exact w",
    "semicircle": "(G + G^T) / sqrt(2n), G standard normal (numpy default_rng, `eig_peers.py gen_semicircle`); "
                  "reference: numpy.linalg.eigvalsh",
}


def error_text(proc, limit=600):
    """runlib.error_text without Python's Traceback and SystemExit lines (what this runner has always quoted)."""
    return runlib.error_text(proc, limit, tracebacks=False)


class Runner:
    def __init__(self, args):
        self.a = args
        self.build = os.path.abspath(args.build)
        self.mpi = build_has_mpi(self.build)
        self.pla = os.path.join(self.build, "pla")
        self.raw = os.path.join(self.build, "bench", "eig_raw")
        self.mpirun = shutil.which("mpirun") if self.mpi else None
        self.work = args.workdir or tempfile.mkdtemp(prefix="pla_eig_bench_")
        os.makedirs(self.work, exist_ok=True)
        self.failures = []
        self.wrong = []
        self.expected_wrong = []  # --show-pitfall rows
        self.skipped = []      # (solver, reason)
        self.matrices = {}     # name -> dict(file, group, spec)
        self._cache = {}       # name -> (A, w_ref, anorm) for the checks

    # ---- environments and command lines -----------------------------------
    def env(self, threads):
        return bench_env(threads)

    def launch(self, ranks, threads):
        return mpi_launch(self.mpi, self.mpirun, ranks, threads)

    def layouts(self):
        return layouts(self.mpi)

    # ---- matrices and probes --------------------------------------------------
    def run_plain(self, what, argv, threads=2):
        proc = subprocess.run(argv, env=self.env(threads), capture_output=True, text=True, timeout=self.a.timeout)
        if proc.returncode != 0:
            raise SystemExit("eig_run.py: %s failed (exit %d): %s" % (what, proc.returncode, error_text(proc)))
        return proc

    def make_matrices(self):
        a = self.a
        for name in a.matrices:
            path = os.path.join(self.work, "%s.h5" % name)
            group = "/" + name
            if os.path.exists(path):
                os.remove(path)
            t = time.perf_counter()
            if name == "decay":
                argv = self.launch(2 if self.mpi else 1, 1) + [
                    self.pla, "gen", "--kind", "symmetric", "--eigenvalues", a.decay_spec, "--rows", str(a.n),
                    "--seed", str(a.seed), "-q", "-o", "%s:%s" % (path, group)]
                self.run_plain("pla gen (decay)", argv, 1)
                cmd = "pla gen --kind symmetric --eigenvalues %s --rows %d --seed %d -o FILE:%s" % (
                    a.decay_spec, a.n, a.seed, group)
            elif name == "semicircle":
                argv = [PYTHON, PEERS, "gen_semicircle", "-n", str(a.n), "--seed", str(a.seed),
                        "--file", "%s:%s" % (path, group)]
                self.run_plain("eig_peers.py gen_semicircle", argv, 2)
                cmd = "eig_peers.py gen_semicircle -n %d --seed %d --file FILE:%s" % (a.n, a.seed, group)
            else:
                raise SystemExit("eig_run.py: unknown matrix %s (decay, semicircle)" % name)
            self.matrices[name] = dict(file=path, group=group, cmd=cmd, gen_s=time.perf_counter() - t)
            log("matrix %s: %s (%.1f s)" % (name, cmd, time.perf_counter() - t))

    def probe_solvers(self):
        """Which of elpa and krylov this build of pla has: a 200 x 200 problem at one rank."""
        have = {"auto": True, "dc": True, "mrrr": True}
        if self.a.no_probe:
            have.update(elpa=True, krylov=True)
            return have
        path = os.path.join(self.work, "probe.h5")
        self.run_plain("pla gen (probe)", self.launch(1, 1) + [
            self.pla, "gen", "--kind", "symmetric", "--eigenvalues", "linear:1:200", "--rows", "200", "--seed", "1",
            "-q", "-o", path + ":/p"], 1)
        for solver in ("elpa", "krylov"):
            out = os.path.join(self.work, "probe_%s.h5" % solver)
            argv = self.launch(1, 1) + [self.pla, "eig", "-i", path + ":/p/A", "--solver", solver, "-q",
                                        "--force", "-o", out] + (["-k", "5"] if solver == "krylov" else [])
            proc = subprocess.run(argv, env=self.env(1), capture_output=True, text=True, timeout=600)
            text = proc.stderr + proc.stdout
            if "unknown command" in text:
                raise SystemExit("eig_run.py: %s has no `eig` command (a stale build?): %s" % (
                    self.pla, error_text(proc)))
            if proc.returncode == 0:
                have[solver] = True
            elif "no %s solver" % solver in text:
                have[solver] = False
                self.skipped.append((solver, "this build has no %s solver (`pla eig --solver %s` exits %d: "
                                     "\"no %s solver\")" % (solver, solver, proc.returncode, solver)))
            else:  # present but failing on the probe: keep it, its failures will show
                have[solver] = True
                self.failures.append("probe of --solver %s on a 200 x 200 matrix failed (exit %d): %s" % (
                    solver, proc.returncode, error_text(proc)))
            if os.path.exists(out):
                os.remove(out)
        return have

    # ---- configurations ---------------------------------------------------------
    def configs(self, have):
        """Every configuration of a round: dict(key, section, matrix, label, argv, threads, kind, rt, ...)."""
        a, out = self.a, []
        timing = ["--reps", str(a.reps), "--warmup", str(a.warmup)]
        n, k, nb = a.n, a.k, a.block

        def add(section, matrix, name, label, argv, threads, kind, rt, **extra):
            key = "%s/%s/%s" % (section, matrix, name)
            if a.only and not any(s in key for s in a.only):
                return
            out.append(dict(key=key, name=name, section=section, matrix=matrix, label=label, argv=argv,
                            threads=threads, kind=kind, rt=rt, **extra))

        for matrix in a.matrices:
            spec = "%s:%s" % (self.matrices[matrix]["file"], self.matrices[matrix]["group"])
            for section in a.sections:
                top = section == "top"
                if not a.skip_peers:
                    peers = [("scipy_evr_top", "scipy.linalg.eigh(subset_by_index=[n-%d, n-1]) (evr)" % k)] if top \
                        else [("numpy_eigh", "numpy.linalg.eigh (evd)"), ("scipy_evd", "scipy.linalg.eigh driver='evd'")]
                    for p, label in peers:
                        add(section, matrix, "peer/" + p, label, [PYTHON, PEERS, p, "--file", spec, "-k", str(k)] +
                            timing, 2, "peer", "1 x 2")
                if self.mpi and not a.skip_raw:
                    raw = []
                    if top:
                        wide = max(k, nb)
                        raw.append(("syevr-nb%d" % nb, "pdsyevr IL..IU by hand, block %d, asks %d keeps %d" % (
                            nb, wide, k) if wide > k else "pdsyevr IL..IU by hand, block %d" % nb, nb, n - wide + 1,
                                    ["2r", "1r2t"]))
                        if a.raw_small_block and a.raw_small_block != nb:
                            sb = a.raw_small_block
                            wide2 = max(k, sb)
                            raw.append(("syevr-nb%d" % sb, "pdsyevr IL..IU by hand, block %d%s" % (
                                sb, ", asks %d keeps %d" % (wide2, k) if wide2 > k else ""), sb, n - wide2 + 1,
                                ["2r"]))
                        if a.show_pitfall and k < nb:
                            raw.append(("syevr-nb%d-exact" % nb, "pdsyevr IL..IU by hand, block %d, asks %d "
                                        "(fewer than the block: the pitfall)" % (nb, k), nb, n - k + 1, ["2r"]))
                    else:
                        raw = [("syevd", "pdsyevd by hand", nb, 0, ["2r", "1r2t"]),
                               ("syevr", "pdsyevr RANGE='A' by hand", nb, 0, ["2r", "1r2t"])]
                    for name, label, block, il, tags in raw:
                        routine = "syevd" if name == "syevd" else "syevr"
                        for tag, ranks, threads in self.layouts():
                            if tag not in tags:
                                continue
                            rng = ["--il", str(il), "--iu", str(n)] if il else []
                            add(section, matrix, "raw/%s/%s" % (name, tag), label,
                                self.launch(ranks, threads) + [self.raw, "--file", spec + "/A", "--routine", routine,
                                                               "--block", str(block), "--threads", str(threads),
                                                               "--samples", str(SAMPLES)] + rng + timing,
                                threads, "raw", "%d x %d" % (ranks, threads), keep=k if top else n,
                                expect_wrong=name.endswith("-exact"))
                if not a.skip_pla:
                    solvers = ["auto", "mrrr", "krylov", "elpa"] if top else ["auto", "dc", "mrrr", "elpa"]
                    for s in solvers:
                        if not have.get(s, False):
                            continue
                        for tag, ranks, threads in self.layouts():
                            argv = self.launch(ranks, threads) + [
                                self.pla, "eig", "-i", spec + "/A", "--solver", s, "--json", "--grid",
                                "1x%d" % ranks, "--threads", str(threads), "--block", str(nb)] + \
                                (["-k", str(k)] if top else [])
                            add(section, matrix, "pla/%s/%s" % (s, tag), "pla eig %s--solver %s" % (
                                "-k %d " % k if top else "", s), argv, threads, "pla", "%d x %d" % (ranks, threads))
        return out

    # ---- running ------------------------------------------------------------
    def run_one(self, c):
        key = c["key"]
        res_path = os.path.join(self.work, "res_%s" % key.replace("/", "_"))
        argv = list(c["argv"])
        if c["kind"] == "pla":
            res_path += ".h5"
            argv += ["-o", res_path]
        else:
            res_path += ".f64"
            argv += ["--write", res_path]
        if os.path.exists(res_path):
            os.remove(res_path)  # every run writes a new file
        try:
            proc, wall, other = timed_run(argv, self.env(c["threads"]), self.a.timeout)
        except subprocess.TimeoutExpired:
            self.failures.append("%s: timed out after %g s" % (key, self.a.timeout))
            log("FAILED %s: timed out" % key)
            return None
        lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
        if proc.returncode != 0 or not lines:
            msg = "%s failed (exit %d): %s" % (key, proc.returncode, error_text(proc))
            self.failures.append(msg.replace("\n", " "))
            log("FAILED " + msg)
            return None
        d = json.loads(lines[-1])
        d["wall_s"] = wall
        d["other_cores"] = other  # CPU the rest of the machine used meanwhile, in cores
        noise = [l.strip() for l in (proc.stderr + proc.stdout).splitlines() if "illegal value" in l]
        if noise:  # ScaLAPACK's PXERBLA: an argument error it did not return as info
            d["scalapack_errors"] = "%d line(s): %s" % (len(noise), noise[0])
        try:
            if c["kind"] == "pla":
                d["median_s"] = d["timings"]["compute"]
                d.update(self.check_pla(c, d, res_path))
            else:
                d.update(self.check_file(c, res_path))
        except Exception as e:  # a missing or malformed result is a wrong answer
            d.update(err_w=float("inf"), resid=float("inf"), orth=float("inf"), check_error=str(e))
        finally:
            if os.path.exists(res_path) and not self.a.keep_results:
                os.remove(res_path)
        return d

    # ---- accuracy ---------------------------------------------------------------
    def reference(self, matrix):
        if matrix not in self._cache:
            import h5py
            import numpy as np
            m = self.matrices[matrix]
            with h5py.File(m["file"], "r") as f:
                A = f[m["group"] + "/A"][...]
                w = f[m["group"] + "/eigenvalues"][...]
            self._cache[matrix] = (A, np.asarray(w, dtype=float), float(np.max(np.abs(w))))
        return self._cache[matrix]

    def check(self, c, w, cols, zs):
        """w: the k eigenvalues found (ascending); zs: n x s sampled columns cols of Z."""
        import numpy as np
        A, ref, anorm = self.reference(c["matrix"])
        n = A.shape[0]
        w = np.asarray(w, dtype=float)
        k = len(w)
        out = dict(k_found=k)
        want = c.get("keep", self.a.k if c["section"] == "top" else n)
        if c["section"] == "all" and k != n:
            raise ValueError("%d eigenvalues, expected %d" % (k, n))
        if c["section"] == "top" and k < want:
            raise ValueError("%d eigenvalues, expected %d" % (k, want))
        out["err_w"] = float(np.max(np.abs(w - ref[n - k:])) / anorm) if k else float("inf")
        if zs is not None and len(cols):
            r = A @ zs - zs * w[cols]
            out["resid"] = float(np.max(np.linalg.norm(r, axis=0) / np.linalg.norm(zs, axis=0)) / anorm)
            out["orth"] = float(np.max(np.abs(zs.T @ zs - np.eye(len(cols)))))
        else:
            out["resid"] = out["orth"] = float("inf")
        return out

    def check_file(self, c, path):
        import numpy as np
        v = np.fromfile(path, dtype="<f8")
        n = self.reference(c["matrix"])[0].shape[0]
        k, s = int(v[0]), int(v[1])
        w = v[2:2 + k]
        cols = v[2 + k:2 + k + s].astype(int)
        zs = v[2 + k + s:2 + k + s + s * n].reshape(s, n).T
        if zs.shape != (n, s):
            raise ValueError("truncated result file")
        return self.check(c, w, cols, zs)

    def check_pla(self, c, d, path):
        import h5py
        w = d["results"]["eigenvalues"]
        with h5py.File(path, "r") as f:
            z = f["eigenvectors"][...]
        cols = sample_indices(len(w), SAMPLES)
        return self.check(c, w, cols, z[:, cols])

    # ---- the rounds ----------------------------------------------------------------
    def run_main(self, cfgs):
        results = {c["key"]: [] for c in cfgs}
        loads = []
        for r in range(self.a.rounds):
            for c in cfgs:
                d = self.run_one(c)
                if d is None:
                    continue
                d["round"] = r
                results[c["key"]].append(d)
                bad = not (max(d["err_w"], d["resid"], d["orth"]) <= TOL)
                if bad:
                    (self.expected_wrong if c.get("expect_wrong") else self.wrong).append("%s (round %d): eigenvalue err %.1e, vector resid %.1e, orth %.1e%s%s" % (
                        c["key"], r + 1, d["err_w"], d["resid"], d["orth"],
                        "; " + d["check_error"] if d.get("check_error") else "",
                        "; ScaLAPACK printed " + d["scalapack_errors"] if d.get("scalapack_errors") else ""))
                log("round %d/%d %-34s %8.3f s  wall %6.1f s  err %.0e/%.0e/%.0e%s  other %.2f cores  load %s" % (
                    r + 1, self.a.rounds, c["key"], d["median_s"], d["wall_s"], d["err_w"], d["resid"], d["orth"],
                    "  WRONG" if bad else "", d["other_cores"], loadavg()))
            loads.append(("after round %d" % (r + 1), loadavg()))
        return results, loads


# ---- the report --------------------------------------------------------------
def fmt(x, f="%.2f"):
    return f % x if x == x else "-"


def worst(v, field):
    return max(d.get(field, float("inf")) for d in v)


def acc_cells(v):
    ew, rs, orth = worst(v, "err_w"), worst(v, "resid"), worst(v, "orth")
    mark = "" if max(ew, rs, orth) <= TOL else " **WRONG**"
    return "%.0e" % ew, "%.0e / %.0e%s" % (rs, orth, mark)


def accurate(v):
    return bool(v) and max(worst(v, "err_w"), worst(v, "resid"), worst(v, "orth")) <= TOL


def report(args, runner, cfgs, results, loads, versions, have):
    out = []
    w = out.append
    n, k = args.n, args.k
    issue = ISSUE_REF if (n, k) == (4000, 50) else {}
    core = next((d.get("corename") or (d.get("blas") or {}).get("corename") for v in results.values() for d in v
                 if d.get("corename") or (d.get("blas") or {}).get("corename")), "?")
    peer_ver = next((d for v in results.values() for d in v if d.get("numpy")), {})
    what = {"all": "all pairs", "top": "the top %d" % k}
    w("# Symmetric eigensolvers: n = %d float64, %s" % (n, " and ".join(what[x] for x in args.sections)))
    w("")
    out += run_lines(runner)
    w("- rounds: %d (each configuration once per round, fresh process; peers and raw drivers %d warm-up + %d timed "
      "call(s), median of the calls; `pla eig` one whole job per round); figures are medians over the rounds, "
      "spread = min..max over the rounds, ratios per round" % (args.rounds, args.warmup, args.reps))
    out += activity_lines(runner, loads, cfgs, results, OTHER_CORES_WARN)
    w("- pla: %s" % versions)
    w("- OPENBLAS_CORETYPE=%s (OpenBLAS kernels: %s); numpy %s, scipy %s" % (
        os.environ.get("OPENBLAS_CORETYPE", "(unset)"), core, peer_ver.get("numpy", "(peers not run)"), peer_ver.get("scipy", "(peers not run)")))
    if runner.mpi:
        w("- 2 ranks: `mpirun -n 2 --bind-to core`, 1 thread each, grid 1x2; 1 rank x 2 threads: `--bind-to none`, "
          "OMP_NUM_THREADS=2 (there pla's dc and mrrr call LAPACK ?syevd / ?syevr, the raw driver ScaLAPACK on a "
          "1x1 grid); "
          "python peers: one process, OMP_NUM_THREADS=2; block %d for pla and the raw drivers unless a row says "
          "otherwise" % args.block)
    else:
        w("- single-process build: pla at 1 process x 2 threads (LAPACK ?syevd / ?syevr), no raw ScaLAPACK rows; "
          "python peers: OMP_NUM_THREADS=2; block %d" % args.block)
    w("- timed: numpy/scipy = the call as a user writes it on the array h5py read (their copy of A included, the "
      "read not); raw ScaLAPACK = the solver call on a fresh copy of A made before the clock starts (max over "
      "ranks); pla = `timings.compute` of `pla eig --json` (the library call: its working copy, solver, sign "
      "rule); \"job wall\" = the `pla eig` process from start to exit (mpirun, read, symmetry check, compute, "
      "write of eigenvalues and eigenvectors), with the read and write phases in parentheses")
    w("- matrices (written once for this run, every tool reads the same file):")
    for name, m in runner.matrices.items():
        w("  - %s: %s; `%s`" % (name, MATRIX_TEXT[name] % args.decay_spec if name == "decay" else MATRIX_TEXT[name],
                                m["cmd"]))
    w("- accuracy (worst over the rounds): eigenvalue err = max |w - w_ref| / ||A||_2 (against the top k of the "
      "reference for the top section); vectors = max ||A z - w z|| / (||A||_2 ||z||) / max |Z^T Z - I| on %d "
      "columns spread over the pairs found; above %.0e: **WRONG**" % (SAMPLES, TOL))
    if "top" in args.sections and runner.mpi and not args.skip_raw:
        text = ("- raw top %d: p?syevr asked for fewer pairs than the block size returns wrong eigenvectors without "
                "an error (ScaLAPACK 2.2.1, at 1 rank too: PDORMTR prints \"parameter number 16 had an illegal "
                "value\" and the back-transformation is skipped)" % k)
        if k < args.block:
            text += ("; so the block-%d rows ask for IL = n-%d+1..IU = n (%d pairs) and keep the top %d, as pla does" %
                     (args.block, args.block, args.block, k))
        sb = args.raw_small_block
        if sb and sb != args.block:
            text += "; the block-%d row asks for %s" % (
                sb, "exactly IL = n-%d+1..IU = n" % k if k >= sb else "%d pairs and keeps %d" % (sb, k))
        w(text)
    for solver, why in runner.skipped:
        w("- skipped `--solver %s`: %s" % (solver, why))
    if issue:
        w("- issue ref = the medians quoted in the issue (measured earlier on this machine; it does not say which "
          "matrix), shown on both")
    w("")

    def label_of(c, v):
        if c["kind"] != "pla":
            return c["label"]
        ran = sorted({d.get("parameters", {}).get("solver", "?") for d in v})
        req = c["name"].split("/")[1]
        return c["label"] + ("" if ran == [req] else " (ran %s)" % ", ".join(ran))

    def job_cell(c, v):
        if c["kind"] != "pla":
            return "-"
        t = lambda f: med([d.get("timings", {}).get(f, float("nan")) for d in v])
        return "%.2f (%.2f + %.2f)" % (med([d["wall_s"] for d in v]), t("read"), t("write"))

    for section in args.sections:
        for matrix in args.matrices:
            rows = [c for c in cfgs if c["section"] == section and c["matrix"] == matrix]
            if not rows:
                continue
            pre = "%s/%s/" % (section, matrix)
            if section == "all":
                w("## All %d eigenpairs: %s" % (n, matrix))
                refs = [("scipy evd", pre + "peer/scipy_evd"), ("numpy eigh", pre + "peer/numpy_eigh")]
            else:
                w("## The top %d eigenpairs: %s" % (k, matrix))
                refs = [("scipy evr subset", pre + "peer/scipy_evr_top")]
            refs = [(name, results.get(key, [])) for name, key in refs]
            w("")
            w("| configuration | ranks x threads | median s | spread s | %s | job wall s (read + write) | "
              "eigenvalue err | vectors resid / orth | issue ref s |" % " | ".join("speedup vs %s" % r for r, _ in refs))
            w("|---|---|---:|---|%s---:|---:|---|---:|" % ("---:|" * len(refs)))
            for c in rows:
                v = results.get(c["key"], [])
                ref_s = issue.get("%s/%s" % (section, c["name"]), "-")
                if not v:
                    w("| %s | %s | FAILED | - | %s- | - | - | %s |" % (c["label"], c["rt"], "- | " * len(refs), ref_s))
                    continue
                ratios = [fmt(per_round_ratio(rv, v)) if rv else "-" for _, rv in refs]
                ew, vec = acc_cells(v)
                w("| %s | %s | %.2f | %s | %s | %s | %s | %s | %s |" % (
                    label_of(c, v), c["rt"], med([d["median_s"] for d in v]), spread(v), " | ".join(ratios),
                    job_cell(c, v), ew, vec, ref_s))
            w("")

    targets(w, args, results)
    list_section(w, "Wrong answers", runner.wrong)
    list_section(w, "The pitfall rows (--show-pitfall: wrong by design, not counted as failures)", runner.expected_wrong)
    list_section(w, "Failures", runner.failures, one_line=True)
    return "\n".join(out)


def targets(w, args, res):
    rows = []
    layouts = (("2r", "2 ranks"), ("1r2t", "1 rank x 2 threads"))
    for matrix in args.matrices:
        for tag, rt in layouts:
            pla = res.get("all/%s/pla/auto/%s" % (matrix, tag))
            peers = [(name, res.get("all/%s/peer/%s" % (matrix, p))) for name, p in
                     (("scipy evd", "scipy_evd"), ("numpy eigh", "numpy_eigh"))]
            peers = [(name, v) for name, v in peers if v]
            if pla and peers:
                sp = {name: per_round_ratio(v, pla) for name, v in peers}
                closest = min(sp, key=lambda x: sp[x])
                ok = sp[closest] >= 1.0 and accurate(pla)
                rows.append(("all pairs, %s: pla eig auto (%s) at least as fast as scipy and numpy (closest: %s)" % (
                    matrix, rt, closest), "%.2fx%s" % (sp[closest], "" if accurate(pla) else ", WRONG answer"), ok))
    for matrix in args.matrices:
        for tag, rt in layouts:
            pla = res.get("top/%s/pla/auto/%s" % (matrix, tag))
            peer = res.get("top/%s/peer/scipy_evr_top" % matrix)
            if pla and peer:
                sp = per_round_ratio(peer, pla)
                rows.append(("top %d, %s: pla eig -k %d auto (%s) >= 2x faster than scipy evr subset" % (
                    args.k, matrix, args.k, rt), "%.2fx%s" % (sp, "" if accurate(pla) else ", WRONG answer"),
                    sp >= 2.0 and accurate(pla)))
    if not rows:
        return
    w("## Targets")
    w("")
    w("Speedup = peer time / pla compute time, per round, median over the rounds; a target counts as met only "
      "with an accurate answer.")
    w("")
    w("| target | measured (speedup) | met |")
    w("|---|---:|---|")
    for name, val, ok in rows:
        w("| %s | %s | %s |" % (name, val, "yes" if ok else "**no**"))
    w("")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.environ.get("PLA_BUILD", os.path.join(REPO, "build")),
                   help="build directory holding pla and bench/ (default: %(default)s)")
    p.add_argument("-n", type=int, default=4000, help="order of the matrices (default %(default)s)")
    p.add_argument("-k", type=int, default=50, help="pairs of the top section (default %(default)s)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--reps", type=int, default=1, help="timed calls per peer / raw process (default %(default)s)")
    p.add_argument("--warmup", type=int, default=1, help="untimed calls first (default %(default)s)")
    p.add_argument("--block", type=int, default=64, help="block of pla and the raw drivers (default %(default)s)")
    p.add_argument("--raw-small-block", type=int, default=32,
                   help="the second raw top-K row's block, <= K so that pdsyevr asks for exactly K pairs "
                        "(0: no such row; default %(default)s)")
    p.add_argument("--show-pitfall", action="store_true",
                   help="add a raw row that asks pdsyevr for K < block pairs (ScaLAPACK 2.2.1: wrong eigenvectors "
                        "and no error) to show that the accuracy check catches it")
    p.add_argument("--decay-spec", default="geometric:100:0.998", help="eigenvalues of the decay matrix")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--matrices", default="decay,semicircle")
    p.add_argument("--sections", default="all,top", help="all (every pair), top (the K largest)")
    p.add_argument("--only", default="", help="comma-separated substrings: run only configurations whose key "
                                              "(e.g. all/decay/pla/auto/2r) contains one")
    p.add_argument("--skip-peers", action="store_true")
    p.add_argument("--skip-raw", action="store_true")
    p.add_argument("--skip-pla", action="store_true")
    p.add_argument("--no-probe", action="store_true", help="assume elpa and krylov exist (their runs then fail)")
    p.add_argument("--quick", action="store_true", help="smoke test: n = 800, 1 round")
    p.add_argument("--workdir", help="where the matrices and results go (default: a new temporary directory, "
                                     "removed at the end)")
    p.add_argument("--keep-results", action="store_true", help="keep every result file in --workdir")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per process")
    p.add_argument("--save", help="also write every raw JSON result to this file")
    args = p.parse_args(argv)
    if args.quick:
        args.n, args.rounds = 800, 1
    args.matrices = [x for x in args.matrices.split(",") if x]
    args.sections = [x for x in args.sections.split(",") if x]
    args.only = [x for x in args.only.split(",") if x]
    if not 1 <= args.k <= args.n or any(s not in ("all", "top") for s in args.sections):
        sys.exit("eig_run.py: need 1 <= k <= n and sections among all, top")
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # this process's own numpy (the checks); children get theirs
    runner = Runner(args)
    missing = [x for x in [runner.pla] + ([runner.raw] if runner.mpi and not args.skip_raw else [])
               if not os.path.exists(x)]
    if missing:
        sys.exit("eig_run.py: not built: %s (build %s first)" % (", ".join(missing), runner.build))
    try:
        loads = [("start", loadavg())]
        runner.busy_at_start = busiest()
        versions = pla_version(runner, empty="")
        runner.make_matrices()
        have = runner.probe_solvers()
        cfgs = runner.configs(have)
        log("%d configurations per round, %d round(s); work in %s" % (len(cfgs), args.rounds, runner.work))
        results, more = runner.run_main(cfgs)
        loads += more + [("end", loadavg())]
        runner.busy_at_end = busiest()
        text = report(args, runner, cfgs, results, loads, versions, have)
    finally:
        if not args.workdir:
            shutil.rmtree(runner.work, ignore_errors=True)
    if args.save:
        with open(args.save, "w") as f:
            json.dump(results, f, indent=1)
    print(text)
    return 1 if runner.failures or runner.wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
