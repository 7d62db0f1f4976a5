#!/usr/bin/python3
"""Runs the PCA benchmark interleaved; prints one markdown report.

    bench/pca_run.py [--build DIR] [-m 100000] [-n 2000] [-k 50] [--tm 1000000] [--tn 100] [--tk 10]
                     [--rounds 3] [--quick] ...

Two data sets X (m samples x n features, float64), written once per run into a temporary
directory: `pla gen --kind spectrum --singular-values SPEC` (default s_i = (1 + i)^-0.5, a slow
decay; `svd_peers.py gen` when this pla has no spectrum kind), then a column mean added in
row chunks (`pca_peers.py offset`: mu_j = F rms(X) z_j, z standard normal, F = --mean-scale,
default 10) so that centering matters.  Every tool reads the same file.
  main   m x n (100000 x 2000), the top K = 50 components
  tall   tm x tn (1000000 x 100), the top TK = 10

The exact reference is the PCA of the centered X: `pca_peers.py exact` accumulates the
centered Gram matrix over row chunks in float64 (dsyrk) and takes all its eigenvalues and the
top K eigenvectors (scipy.linalg.eigh), once per run, cached next to the data (FILE.exact.h5).

Configurations, in each section: scikit-learn PCA(svd_solver='full'), PCA(svd_solver=
'randomized', iterated_power 2, 4, 'auto'); the covariance route in numpy/scipy (center in
place, dsyrk, eigh of the top K); Dask (from_array in row chunks, centering, svd_compressed
with n_power_iter 2 and 4, compute=True; dask-ml is not packaged); `pla pca -k K --solver
auto|full|covariance` and `--solver randomized --power-iters q` (q = 1, 2, 3: pla's block
Krylov method, q blocks after the first; --subspace-iters adds `--sketch subspace`
runs).  pla runs at 2 ranks x 1 thread (`mpirun -n 2
--bind-to core`) and 1 rank x 2 threads (`--bind-to none`, OMP_NUM_THREADS=2); the python
peers in one process with OMP_NUM_THREADS=2.  When this build has no `pla pca`, the pla rows
say "not run" and the rest runs.

Each round runs every configuration once, in a fresh process, under /usr/bin/time -v.  The
peers make --warmup untimed fits and --reps timed ones (X is read again with h5py before
every fit, untimed) and report the median; a `pla pca` run is one whole job: its time is the
JSON "timings.compute" (max over ranks), its wall time the process from start to exit.  The
tables give the median over the rounds, the spread (min..max) and ratios taken round by round
before their median.  Memory: the peers' "Maximum resident set size" of time -v (the whole
python process: X, the copies, the libraries); pla's `memory.peak_rss_mb_sum` of its JSON
(the sum over ranks of each rank's peak, the whole job), and its largest rank.

Accuracy, for every run (worst over the rounds): the max relative error of the top K
explained_variance_ratio against the exact one (the main figure), the same for the
singular_values, the sine of the largest angle between a component and the exact one,
max |V V^T - I|, the max error of the mean relative to max |mean| and the relative error of
noise_variance.  Errors at or below --exact-floor (1e-12: the reference's own error is about
n eps lambda_1 / lambda_K) count as exact.  The exact solvers (scikit-learn full, the numpy
covariance route, pla full and covariance, pla auto when it ran one of those) above 1e-10
(values) or 1e-8 (component angles) are marked WRONG and the runner exits 1.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from runlib import (log, loadavg, med, per_round_ratio, spread, busiest, error_text, time_v_prefix,
                    time_v_max_rss_mb, build_has_mpi, bench_env, mpi_launch, layouts, timed_run, pla_version,
                    find_key, worst, fmt, fmt_e, run_lines, activity_lines, list_section, probe_spectrum,
                    last_json, pla_compute_time, targets_table, int_list, str_list)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
PEERS = os.path.join(HERE, "pca_peers.py")
SVD_PEERS = os.path.join(HERE, "svd_peers.py")
TOL_VALUES = 1e-10    # exact solvers: explained variance (ratio), singular values, mean, noise variance
TOL_VECTORS = 1e-8    # exact solvers: sine of the angle of a component to the exact one
OTHER_CORES_WARN = 0.25
EXACT_PEERS = ("peer/sk_full", "peer/np_cov")
EXACT_SOLVERS = ("full", "covariance")

# The issue's figures (this machine, earlier) for X 100000 x 2000, k = 50: seconds and the accuracy
# (None = exact; for randomized the relative error of the top 50 singular values).
ISSUE_SHAPE = dict(m=100000, n=2000, k=50, tm=1000000, tn=100, tk=10, spec="poly:1:0.5")
ISSUE_REF = {"main/peer/sk_full": (36.6, None), "main/peer/sk_rand_auto": (10.2, 4.0e-3),
             "main/peer/np_cov": (6.1, None)}
TARGET_COV_RATIO = 0.8
LAYOUT_NAMES = {"2r": "2 ranks", "1r2t": "1 rank x 2 threads"}


# ---- flop models ------------------------------------------------------------------
def flops_covariance(m, n):
    """X^T X by syrk (m n (n + 1)) and the tridiagonal reduction of eigh (4 n^3 / 3); back-transformation of k
    vectors, centering and the mean not counted."""
    return m * n * (n + 1.0) + 4.0 * n ** 3 / 3.0


def flops_full(m, n):
    """Golub & Van Loan's R-SVD with the singular values and V: 2 m n^2 + 11 n^3 (m >= n), what PCA needs,
    whatever the algorithm does (scikit-learn also forms U)."""
    if m < n:
        m, n = n, m
    return 2.0 * m * n * n + 11.0 * n ** 3


def flops_randomized(m, n, sketch, q):
    """The passes over X of a sketch of width k + p with q power iterations (or q Krylov blocks after the
    first): 2 m n (k + p) (2q + 2)."""
    return 2.0 * m * n * sketch * (2 * q + 2)


class Runner:
    def __init__(self, args):
        self.a = args
        self.build = os.path.abspath(args.build)
        self.mpi = build_has_mpi(self.build)
        self.pla = os.path.join(self.build, "pla")
        self.mpirun = shutil.which("mpirun") if self.mpi else None
        self.work = args.workdir or tempfile.mkdtemp(prefix="pla_pca_bench_")
        os.makedirs(self.work, exist_ok=True)
        self.failures = []
        self.wrong = []
        self.notes = []
        self.data = {}       # section -> dict(file, dset, m, n, k, cmd, gen_s, exact, ...)
        self._ref = {}       # section -> the exact reference (numpy arrays)
        self.pla_ok = os.path.exists(self.pla)
        self.have_pla_pca = False
        self.pla_missing = ""
        self.generator = "?"

    # ---- environments and command lines -------------------------------------------
    def env(self, threads):
        return bench_env(threads)

    def launch(self, ranks, threads):
        return mpi_launch(self.mpi, self.mpirun, ranks, threads)

    def layouts(self):
        return layouts(self.mpi)

    def run_plain(self, what, argv, threads=2, check=True):
        proc = subprocess.run(argv, env=self.env(threads), capture_output=True, text=True, timeout=self.a.timeout)
        if check and proc.returncode != 0:
            raise SystemExit("pca_run.py: %s failed (exit %d): %s" % (what, proc.returncode, error_text(proc)))
        return proc

    # ---- data -------------------------------------------------------------------------
    def probe_pla(self):
        """Whether this build's pla has a `pca` command."""
        if not self.pla_ok:
            self.pla_missing = "no pla binary in %s" % self.build
            return False
        proc = self.run_plain("pla pca --help", self.launch(1, 1) + [self.pla, "pca", "--help"], 1, check=False)
        text = proc.stdout + proc.stderr
        if proc.returncode != 0 or "unknown command" in text.lower():
            self.pla_missing = "pla pca not built (`%s pca --help` exits %d: %s)" % (
                self.pla, proc.returncode, error_text(proc, 120))
            return False
        return True

    def pla_has_spectrum(self):
        """`pla gen --kind spectrum` on a 40 x 10 matrix: does it exist and write A and singular_values?"""
        return probe_spectrum(self)

    def wanted(self):
        a = self.a
        return {"main": (a.m, a.n, a.k), "tall": (a.tm, a.tn, a.tk)}

    def make_data(self):
        a = self.a
        gen = a.generator
        if gen in ("auto", "pla") and self.pla_ok:
            ok, why = self.pla_has_spectrum()
            if not ok:
                if gen == "pla":
                    raise SystemExit("pca_run.py: `pla gen --kind spectrum` does not work here: %s" % why)
                self.notes.append("data written by `svd_peers.py gen` (numpy): `pla gen --kind spectrum` is not "
                                  "available in this build (%s)" % why)
                gen = "numpy"
            else:
                gen = "pla"
        elif gen != "numpy":
            gen = "numpy"
            self.notes.append("data written by `svd_peers.py gen` (numpy): no pla binary")
        self.generator = gen
        for section in a.sections:
            m, n, k = self.wanted()[section]
            path = os.path.join(self.work, "%s.h5" % section)
            group = "/" + section
            params = dict(m=m, n=n, spec=a.spec, seed=a.seed, mean_scale=a.mean_scale, generator=gen)
            side = path + ".json"
            t = time.perf_counter()
            if gen == "pla":
                cmd = "pla gen --kind spectrum --singular-values %s --rows %d --cols %d --seed %d -o FILE:%s" % (
                    a.spec, m, n, a.seed, group)
            else:
                cmd = "svd_peers.py gen --rows %d --cols %d --spec %s --seed %d --file FILE:%s" % (
                    m, n, a.spec, a.seed, group)
            cmd += "; pca_peers.py offset --file FILE:%s/A --mean-scale %g --seed %d" % (group, a.mean_scale, a.seed)
            reused = False
            if a.reuse_data and os.path.exists(path) and os.path.exists(side):
                try:
                    with open(side) as f:
                        reused = json.load(f) == params
                except (OSError, ValueError):
                    reused = False
            if not reused:
                for p in (path, side, path + ".exact.h5", path + ".exact.json"):
                    if os.path.exists(p):
                        os.remove(p)
                if gen == "pla":
                    argv = self.launch(2 if self.mpi else 1, 1) + [
                        self.pla, "gen", "--kind", "spectrum", "--singular-values", a.spec, "--rows", str(m),
                        "--cols", str(n), "--seed", str(a.seed), "-q", "-o", "%s:%s" % (path, group)]
                    self.run_plain("pla gen (%s)" % section, argv, 1)
                else:
                    argv = [PYTHON, SVD_PEERS, "gen", "--rows", str(m), "--cols", str(n), "--spec", a.spec, "--seed",
                            str(a.seed), "--file", "%s:%s" % (path, group)]
                    self.run_plain("svd_peers.py gen (%s)" % section, argv, 2)
                self.run_plain("pca_peers.py offset (%s)" % section, [
                    PYTHON, PEERS, "offset", "--file", "%s:%s/A" % (path, group), "--mean-scale", str(a.mean_scale),
                    "--seed", str(a.seed)], 2)
                with open(side, "w") as f:
                    json.dump(params, f)
            gen_s = time.perf_counter() - t
            self.data[section] = dict(file=path, dset=group + "/A", m=m, n=n, k=k, cmd=cmd, gen_s=gen_s,
                                      reused=reused)
            log("data %s (%d x %d): %s (%s, %.1f s)" % (section, m, n, cmd, "reused" if reused else "written",
                                                        gen_s))
            self.make_exact(section)

    def make_exact(self, section):
        d = self.data[section]
        ref = d["file"] + ".exact.h5"
        side = d["file"] + ".exact.json"
        params = dict(k=d["k"], m=d["m"], n=d["n"])
        t = time.perf_counter()
        reused = False
        if os.path.exists(ref) and os.path.exists(side):
            try:
                with open(side) as f:
                    reused = json.load(f) == params
            except (OSError, ValueError):
                reused = False
        if not reused:
            proc = self.run_plain("pca_peers.py exact (%s)" % section, [
                PYTHON, PEERS, "exact", "--file", "%s:%s" % (d["file"], d["dset"]), "-k", str(d["k"]), "--out", ref], 2)
            info = json.loads([l for l in proc.stdout.splitlines() if l.startswith("{")][-1])
            with open(side, "w") as f:
                json.dump(params, f)
            d["exact_info"] = info
        d["exact"] = ref
        d["exact_s"] = time.perf_counter() - t
        import h5py
        import numpy as np
        with h5py.File(ref, "r") as f:
            self._ref[section] = {key: np.asarray(f[key][...], dtype=float) for key in (
                "explained_variance", "explained_variance_ratio", "singular_values", "components", "mean",
                "total_variance", "noise_variance")}
        r = self._ref[section]
        ev = r["explained_variance"]
        k = d["k"]
        d["lambda_ratio"] = float(ev[0] / ev[k - 1]) if ev[k - 1] > 0 else float("inf")
        d["gap_k"] = float((ev[k - 1] - ev[k]) / ev[k - 1]) if len(ev) > k and ev[k - 1] > 0 else float("nan")
        d["evr_sum_k"] = float(np.sum(r["explained_variance_ratio"][:k]))
        log("exact %s: %s (%.1f s); evr_1 %.4g, sum of the top %d %.4g" % (
            section, "reused" if reused else "computed", d["exact_s"], r["explained_variance_ratio"][0], k,
            d["evr_sum_k"]))

    # ---- configurations ------------------------------------------------------------
    def configs(self):
        a, out = self.a, []
        timing = ["--reps", str(a.reps), "--warmup", str(a.warmup)]

        def add(section, name, label, argv, threads, kind, rt, **extra):
            key = "%s/%s" % (section, name)
            if a.only and not any(s in key for s in a.only):
                return
            out.append(dict(key=key, name=name, section=section, label=label, argv=argv, threads=threads, kind=kind,
                            rt=rt, **extra))

        def pla_extra(ranks, threads):
            x = ["--threads", str(threads)]
            if a.pla_grid and ranks > 1:
                x += ["--grid", a.pla_grid]
            if a.pla_block:
                x += ["--block", str(a.pla_block)]
            return x

        for section in a.sections:
            d = self.data[section]
            spec = "%s:%s" % (d["file"], d["dset"])
            m, n, k = d["m"], d["n"], d["k"]
            chunk = a.dask_chunk_rows if a.dask_chunk_rows >= 0 else max(1, m // 4)
            if not a.skip_peers:
                add(section, "peer/sk_full", "sklearn PCA svd_solver='full'",
                    [PYTHON, PEERS, "sk_full", "--file", spec, "-k", str(k)] + timing, 2, "peer", "1 x 2",
                    method="full", exact=True)
                for it in a.sk_iters:
                    q = (7 if k < 0.1 * min(m, n) else 4) if it == "auto" else int(it)
                    add(section, "peer/sk_rand_%s" % ("auto" if it == "auto" else "q" + it),
                        "sklearn PCA randomized iterated_power=%s" % ("'auto' (%d)" % q if it == "auto" else it),
                        [PYTHON, PEERS, "sk_rand", "--file", spec, "-k", str(k), "--iters", it, "--seed",
                         str(a.seed)] + timing, 2, "peer", "1 x 2", method="randomized", q=q, sketch=k + 10)
                add(section, "peer/np_cov", "numpy covariance route (center, dsyrk, eigh top %d)" % k,
                    [PYTHON, PEERS, "np_cov", "--file", spec, "-k", str(k)] + timing, 2, "peer", "1 x 2",
                    method="covariance", exact=True)
                for it in a.dask_iters:
                    add(section, "peer/dask_q%s" % it, "dask centered svd_compressed n_power_iter=%s" % it,
                        [PYTHON, PEERS, "dask_rsvd", "--file", spec, "-k", str(k), "--iters", it, "--chunk-rows",
                         str(chunk), "--seed", str(a.seed)] + timing, 2, "peer", "1 x 2", method="randomized",
                        q=int(it), sketch=min(k + 10, n))
            if a.skip_pla:
                continue
            runs = [("auto", "auto", ["--solver", "auto"], None),
                    ("full", "full", ["--solver", "full"], "full"),
                    ("cov", "covariance", ["--solver", "covariance"], "covariance")]
            for q in a.power_iters:
                over = ["--oversample", str(a.pla_oversample)] if a.pla_oversample else []
                runs.append(("rq%d" % q, "randomized q=%d" % q,
                             ["--solver", "randomized", "--power-iters", str(q)] + over, "randomized"))
            for q in a.subspace_iters:
                over = ["--oversample", str(a.pla_oversample)] if a.pla_oversample else []
                runs.append(("sq%d" % q, "randomized --sketch subspace q=%d" % q,
                             ["--solver", "randomized", "--sketch", "subspace", "--power-iters", str(q)] + over,
                             "randomized"))
            for t in a.pla_tols:
                runs.append(("tol%s" % t, "auto --tol %s" % t, ["--tol", t], None))
            for name, short, opts, method in runs:
                for tag, ranks, threads in self.layouts():
                    argv = self.launch(ranks, threads) + [
                        self.pla, "pca", "-i", spec, "-k", str(k), "--seed", str(a.seed), "--json"] + \
                        opts + pla_extra(ranks, threads)
                    q = int(opts[opts.index("--power-iters") + 1]) if "--power-iters" in opts else None
                    add(section, "pla/%s/%s" % (name, tag), "pla pca -k %d %s" % (k, short) if name.startswith("tol")
                        else "pla pca -k %d --solver %s" % (k, short), argv, threads, "pla", "%d x %d" % (ranks, threads),
                        layout=tag, short=short, method=method, q=q,
                        skip=None if self.have_pla_pca else self.pla_missing)
        return out

    # ---- running ---------------------------------------------------------------------
    def run_one(self, c):
        key = c["key"]
        base = os.path.join(self.work, "res_%s" % key.replace("/", "_"))
        argv = list(c["argv"])
        res_path = base + (".h5" if c["kind"] == "pla" else ".npz")
        argv += ["-o", res_path] if c["kind"] == "pla" else ["--write", res_path]
        tv = base + ".time"
        for p in (res_path, tv):
            if os.path.exists(p):
                os.remove(p)
        argv = time_v_prefix(tv) + argv
        try:
            proc, wall, other = timed_run(argv, self.env(c["threads"]), self.a.timeout)
        except subprocess.TimeoutExpired:
            self.failures.append("%s: timed out after %g s" % (key, self.a.timeout))
            log("FAILED %s: timed out" % key)
            return None
        d = last_json(proc, key, self.failures)
        if d is None:
            return None
        d["wall_s"] = wall
        d["other_cores"] = other
        d["time_v_rss_mb"] = time_v_max_rss_mb(tv)
        try:
            if c["kind"] == "pla":
                d.update(self.pla_fields(d))
                d.update(self.check(c, self.read_pla(res_path)))
            else:
                import numpy as np
                with np.load(res_path) as z:
                    d.update(self.check(c, {key_: z[key_] for key_ in z.files}))
                d["mem_mb"] = d["time_v_rss_mb"] if d["time_v_rss_mb"] is not None else d.get("peak_rss_mb")
        except Exception as e:  # a missing or malformed result is a wrong answer
            d.update(evr_err=float("inf"), sv_err=float("inf"), comp_sin=float("inf"), orth=float("inf"),
                     mean_err=float("inf"), nv_err=float("inf"), check_error="%s: %s" % (type(e).__name__, e))
            d.setdefault("median_s", float("nan"))
        finally:
            for p in (res_path, tv):
                if os.path.exists(p) and not self.a.keep_results:
                    os.remove(p)
        return d

    def pla_fields(self, d):
        """pla's compute time (timings.compute, else the phases other than read and write), what ran, memory."""
        out = pla_compute_time(d)
        par = d.get("parameters") or {}
        solver = par.get("solver") or find_key(d, ("solver", "method"))
        if solver is not None:
            out["solver_ran"] = str(solver)
        reason = par.get("solver_reason") or find_key(d, ("solver_reason",))
        if reason is not None:
            out["solver_reason"] = str(reason)
        for field, names in (("q_done", ("power_iters", "power_iterations", "power_iters_done")),
                             ("sketch_ran", ("sketch_width", "sketch"))):
            v = find_key(par, names)
            if v is None:
                v = find_key(d, names)
            if v is not None:
                out[field] = v
        if "sketch_ran" in out and not isinstance(out["sketch_ran"], (int, float)):
            # "sketch": the sketching method's name (krylov); the width is k + oversample
            out["sketch_kind"] = str(out.pop("sketch_ran"))
            over, kk = par.get("oversample"), par.get("k")
            if isinstance(over, (int, float)) and isinstance(kk, (int, float)):
                out["sketch_ran"] = int(kk + over)
        mem = d.get("memory") or {}
        if isinstance(mem.get("peak_rss_mb_sum"), (int, float)):
            out["mem_mb"] = float(mem["peak_rss_mb_sum"])
            out["mem_src"] = "json"
        else:
            out["mem_mb"] = d.get("time_v_rss_mb")
            out["mem_src"] = "time -v (largest process)"
        if isinstance(mem.get("peak_rss_mb_max_rank"), (int, float)):
            out["mem_max_rank_mb"] = float(mem["peak_rss_mb_max_rank"])
        return out

    @staticmethod
    def read_pla(path):
        import h5py
        import numpy as np
        out = {}
        with h5py.File(path, "r") as f:
            for key in ("explained_variance_ratio", "explained_variance", "singular_values", "components", "mean",
                        "noise_variance"):
                if key in f:
                    out[key] = np.asarray(f[key][...], dtype=float)
        return out

    # ---- accuracy ---------------------------------------------------------------------
    def check(self, c, got):
        import numpy as np
        ref = self._ref[c["section"]]
        k = self.data[c["section"]]["k"]
        out = {}

        def rel_top(name):
            if name not in got:
                raise ValueError("no %s in the result" % name)
            v = np.ravel(got[name])
            if len(v) < k:
                raise ValueError("%d %s, expected %d" % (len(v), name, k))
            r = ref[name][:k]
            return float(np.max(np.abs(v[:k] - r) / np.abs(r)))
        out["evr_err"] = rel_top("explained_variance_ratio")
        out["sv_err"] = rel_top("singular_values")
        out["ev_err"] = rel_top("explained_variance") if "explained_variance" in got else None
        comp = np.asarray(got.get("components"))
        if comp is None or comp.ndim != 2 or comp.shape[0] < k or comp.shape[1] != ref["components"].shape[1]:
            raise ValueError("components of shape %s, expected (%d, %d)" % (
                None if comp is None else comp.shape, k, ref["components"].shape[1]))
        comp = comp[:k]
        r = ref["components"][:k]
        r = r / np.linalg.norm(r, axis=1)[:, None]
        # sin angle(v, r) = ||v - (r.v) r|| / ||v||, the residual itself (not sqrt(1 - cos^2), whose
        # rounding floor is 1e-8)
        resid = comp - np.sum(comp * r, axis=1)[:, None] * r
        out["comp_sin"] = float(np.max(np.linalg.norm(resid, axis=1) / np.linalg.norm(comp, axis=1)))
        out["orth"] = float(np.max(np.abs(comp @ comp.T - np.eye(k))))
        mean = np.ravel(got.get("mean", []))
        out["mean_err"] = float(np.max(np.abs(mean - ref["mean"])) / np.max(np.abs(ref["mean"]))) \
            if len(mean) == len(ref["mean"]) else float("inf")
        nv = got.get("noise_variance")
        rnv = float(ref["noise_variance"])
        out["nv_err"] = float(abs(float(np.ravel(nv)[0]) - rnv) / rnv) if nv is not None and rnv > 0 else None
        return out

    def is_exact(self, c, d):
        if c["kind"] == "peer":
            return c["name"] in EXACT_PEERS
        return (d.get("solver_ran") or c.get("method")) in EXACT_SOLVERS

    def bad(self, c, d):
        if d.get("check_error"):
            return True
        vals = [d[x] for x in ("evr_err", "sv_err", "comp_sin", "mean_err") if d.get(x) is not None]
        if not all(v == v and v != float("inf") for v in vals):
            return True
        if self.is_exact(c, d):
            vv = [d[x] for x in ("evr_err", "sv_err", "ev_err", "mean_err", "nv_err") if d.get(x) is not None]
            return not (max(vv) <= TOL_VALUES and d["comp_sin"] <= TOL_VECTORS and d["orth"] <= TOL_VECTORS)
        return False

    def run_main(self, cfgs):
        results = {c["key"]: [] for c in cfgs}
        loads = []
        todo = [c for c in cfgs if not c.get("skip")]
        for r in range(self.a.rounds):
            for c in todo:
                d = self.run_one(c)
                if d is None:
                    continue
                d["round"] = r
                results[c["key"]].append(d)
                bad = self.bad(c, d)
                if bad:
                    self.wrong.append("%s (round %d): evr err %s, s err %s, component sin %s, orth %s, mean err %s, "
                                      "noise variance err %s%s" % (
                                          c["key"], r + 1, fmt_e(d.get("evr_err")), fmt_e(d.get("sv_err")),
                                          fmt_e(d.get("comp_sin")), fmt_e(d.get("orth")), fmt_e(d.get("mean_err")),
                                          fmt_e(d.get("nv_err")),
                                          "; " + d["check_error"] if d.get("check_error") else ""))
                log("round %d/%d %-24s %8.3f s  wall %6.1f s  evr err %s  mem %s MB%s  other %.2f cores  load %s" % (
                    r + 1, self.a.rounds, c["key"], d["median_s"], d["wall_s"], fmt_e(d.get("evr_err")),
                    fmt(d.get("mem_mb"), "%.0f"), "  WRONG" if bad else "", d["other_cores"], loadavg()))
            loads.append(("after round %d" % (r + 1), loadavg()))
        return results, loads


# ---- the report --------------------------------------------------------------------
def acc(args, v):
    """The accuracy level of runs: the worst explained_variance_ratio error, exact ones lifted to the floor."""
    e = worst(v, "evr_err")
    return None if e is None else max(e, args.exact_floor)


def gflops(c, v, m, n):
    t = med([d["median_s"] for d in v])
    if not t or t != t:
        return None
    method = c.get("method")
    ran = {d.get("solver_ran") for d in v if d.get("solver_ran")}
    if c["kind"] == "pla":
        if len(ran) > 1:
            return None
        method = ran.pop() if ran else method
    if method == "covariance":
        return flops_covariance(m, n) / t / 1e9
    if method == "full":
        return flops_full(m, n) / t / 1e9
    if method == "randomized":
        q, sk = c.get("q"), c.get("sketch")
        done = [d.get("q_done") for d in v if isinstance(d.get("q_done"), (int, float))]
        sks = [d.get("sketch_ran") for d in v if isinstance(d.get("sketch_ran"), (int, float))]
        q = done[0] if done else q
        sk = sks[0] if sks else sk
        if q is None or sk is None:
            return None
        return flops_randomized(m, n, sk, q) / t / 1e9
    return None


def best_pla(args, cfgs, results, section, tag, level):
    """The fastest pla configuration of the section and layout whose accuracy level is at most `level`:
    (cfg, runs) or None."""
    cands = []
    for c in cfgs:
        v = results.get(c["key"])
        if c["section"] != section or c["kind"] != "pla" or c.get("layout") != tag or not v:
            continue
        a = acc(args, v)
        if a is not None and a <= level and not any(d.get("check_error") for d in v):
            cands.append((med([d["median_s"] for d in v]), c["key"], c))
    if not cands:
        return None
    _, _, c = min(cands)
    return c, results[c["key"]]


def is_issue_shape(args):
    s = ISSUE_SHAPE
    return (args.m, args.n, args.k, args.tm, args.tn, args.tk, args.spec) == (
        s["m"], s["n"], s["k"], s["tm"], s["tn"], s["tk"], s["spec"])


def report(args, runner, cfgs, results, loads, versions):
    out = []
    w = out.append
    issue = ISSUE_REF if is_issue_shape(args) else {}
    core = next((b.get("corename") for v in results.values() for d in v for b in (d.get("blas") or [])
                 if isinstance(b, dict) and b.get("corename")), "?")
    pv = next((d for v in results.values() for d in v if d.get("sklearn")), {})
    shapes = ", ".join("%s: top %d of %d x %d" % (s, runner.data[s]["k"], runner.data[s]["m"], runner.data[s]["n"])
                       for s in args.sections)
    w("# PCA: %s (float64, s_i from `%s`, column means added)" % (shapes, args.spec))
    w("")
    out += run_lines(runner)
    w("- rounds: %d (each configuration once per round, fresh process under `/usr/bin/time -v`; peers %d warm-up + "
      "%d timed fit(s), X read again before each, median of the fits; `pla pca` one whole job per round); figures "
      "are medians over the rounds, spread = min..max over the rounds, ratios per round" % (
          args.rounds, args.warmup, args.reps))
    out += activity_lines(runner, loads, cfgs, results, OTHER_CORES_WARN)
    w("- pla: %s" % versions)
    w("- OPENBLAS_CORETYPE=%s (OpenBLAS kernels: %s); numpy %s, scipy %s, scikit-learn %s, dask %s" % (
        os.environ.get("OPENBLAS_CORETYPE", "(unset)"), core, pv.get("numpy", "-"), pv.get("scipy", "-"),
        pv.get("sklearn", "-"), pv.get("dask", "-")))
    dk = next((d for v in results.values() for d in v if d.get("chunks_rows")), None)
    if runner.mpi:
        w("- pla at 2 ranks: `mpirun -n 2 --bind-to core`, 1 thread each; 1 rank x 2 threads: `--bind-to none`, "
          "OMP_NUM_THREADS=2, `--threads 2`; pla's grid %s, block %s; python peers: one process, OMP_NUM_THREADS=2%s" % (
              args.pla_grid or "its own choice", args.pla_block or "its default",
              "; Dask: threaded scheduler, %s workers, row chunks of %d rows (main section, first run)" % (
                  dk.get("num_workers"), dk["chunks_rows"]) if dk else ""))
    else:
        w("- single-process build: pla at 1 process x 2 threads; python peers: OMP_NUM_THREADS=2")
    w("- timed: the peers = the fit as a user writes it on the array h5py read (the read not): `PCA(...).fit(X)`; "
      "the numpy route's mean, in-place centering, dsyrk, eigh and the ratios; Dask's from_array, mean, "
      "svd_compressed and the compute of s, V and the total variance; pla = `timings.compute` of `pla pca --json` "
      "(max over ranks); \"job wall\" = the `pla pca` process from start to exit (mpirun, read, compute, write), "
      "read and write phases in parentheses")
    w("- peak memory: peers = \"Maximum resident set size\" of `/usr/bin/time -v` (the whole python process: "
      "interpreter, libraries, X as read, the fit's copies and work space; in parentheses the process's own "
      "getrusage ru_maxrss, which should agree); pla = `memory.peak_rss_mb_sum` of its "
      "JSON (each rank's peak, summed: the whole job; mpirun itself not counted), the largest rank after the slash; "
      "when the JSON has no memory, time -v of mpirun (its largest single process) stands in and the cell says "
      "`(tv)`. X itself is %s" % ", ".join("%.0f MiB (%s)" % (runner.data[s]["m"] * runner.data[s]["n"] * 8 / 2.0 ** 20,
                                                             s) for s in args.sections))
    w("- data (written once for this run; every tool reads the same file):")
    for s in args.sections:
        d = runner.data[s]
        w("  - %s (%d x %d): `%s`%s (%.1f s); exact reference: `pca_peers.py exact -k %d` (centered Gram matrix "
          "in float64 over row chunks, scipy.linalg.eigh; %.1f s): lambda_1 / lambda_%d = %.3g, relative gap "
          "(lambda_%d - lambda_%d) / lambda_%d = %.2g, the top %d explain %.3f of the variance" % (
              s, d["m"], d["n"], d["cmd"], " (reused from --workdir)" if d.get("reused") else "", d["gen_s"], d["k"],
              d["exact_s"], d["k"], d["lambda_ratio"], d["k"], d["k"] + 1, d["k"], d["gap_k"], d["k"],
              d["evr_sum_k"]))
    w("- accuracy (worst over the rounds): **EVR err** = max_i |evr_i - evr_exact_i| / evr_exact_i over the top k "
      "(explained_variance_ratio); s err the same for singular_values; comp = max_i sin angle(v_i, v_exact_i) / "
      "max |V V^T - I|; mean = max |mean - mean_exact| / max |mean_exact|. Errors at or below %.0e count as exact "
      "(the reference's own error is about n eps lambda_1 / lambda_k). Exact solvers above %.0e (values) or %.0e "
      "(angles): **WRONG**" % (args.exact_floor, TOL_VALUES, TOL_VECTORS))
    w("- GFLOP/s models: covariance = m n (n + 1) + 4 n^3 / 3 (syrk and the tridiagonal reduction); full = "
      "2 m n^2 + 11 n^3 (Golub & Van Loan's R-SVD, values and V, whatever the algorithm does); randomized = "
      "2 m n (k + p) (2q + 2) (the passes over X; pla's block Krylov: q = blocks after the first; q, k + p as the "
      "run reports them); a pla run is modelled by the solver it reports")
    if not runner.have_pla_pca and not args.skip_pla:
        w("- **pla rows not run: %s**" % runner.pla_missing)
    for note in runner.notes:
        w("- note: %s" % note)
    reasons = sorted({"%s: %s -> %s" % (c["key"], d.get("solver_ran", "?"), d["solver_reason"]) for c in cfgs
                      for d in results.get(c["key"], []) if c["kind"] == "pla" and c["name"].startswith("pla/auto")
                      and d.get("solver_reason")})
    for r in reasons:
        w("- pla auto's choice, %s" % r)
    tnotes = sorted({"%s: %s" % (c["key"], d["timing_note"]) for c in cfgs for d in results.get(c["key"], [])
                     if d.get("timing_note")})
    if tnotes:
        w("- note: pla time not from `timings.compute`: " + "; ".join(tnotes))
    if any(d.get("mem_src", "json") != "json" for c in cfgs if c["kind"] == "pla" and c.get("layout") == "2r"
           for d in results.get(c["key"], [])):
        w("- note: this pla prints no `memory` in its JSON: the pla memory cells `(tv)` are time -v of mpirun, "
          "the largest single process, which at 2 ranks is one rank, not the job; compare them with care")
    if issue:
        w("- issue ref = the figures quoted in issue 6 (measured earlier on this machine; the randomized one is "
          "the relative error of the top 50 singular values)")
    w("")

    def job_cell(v):
        t = lambda f: med([(d.get("timings") or {}).get(f, float("nan")) for d in v])
        return "%.2f (%.2f + %.2f)" % (med([d["wall_s"] for d in v]), t("read"), t("write"))

    def ref_cell(key):
        r = issue.get(key)
        if not r:
            return "-"
        return "%.1f s%s" % (r[0], " @ %.1e" % r[1] if r[1] else " (exact)")

    def comp_cell(v):
        s_, o_ = worst(v, "comp_sin"), worst(v, "orth")
        return "-" if s_ is None else "%.1e / %.1e" % (s_, o_)

    def mem_cell(c, v):
        mm = med([d["mem_mb"] for d in v if d.get("mem_mb") is not None])
        if mm != mm:
            return "-"
        if c["kind"] == "pla":
            mr = med([d["mem_max_rank_mb"] for d in v if d.get("mem_max_rank_mb") is not None])
            tv = "" if all(d.get("mem_src") == "json" for d in v) else " (tv)"
            return "%.0f%s%s" % (mm, " / %.0f" % mr if mr == mr else "", tv)
        own = med([d["peak_rss_mb"] for d in v if d.get("peak_rss_mb") is not None])
        return "%.0f%s" % (mm, " (%.0f)" % own if own == own else "")

    for section in args.sections:
        dd = runner.data[section]
        m, n, k = dd["m"], dd["n"], dd["k"]
        rows = [c for c in cfgs if c["section"] == section]
        peers = [c for c in rows if c["kind"] == "peer"]
        plas = [c for c in rows if c["kind"] == "pla"]
        w("## %s: the top %d components of %d x %d" % (section, k, m, n))
        w("")
        if peers:
            w("### Peers")
            w("")
            w("| configuration | ranks x threads | median s | spread s | EVR err top %d | s err | comp sin / orth | "
              "mean err | peak MB: time -v (getrusage) | GFLOP/s (model) | issue ref |" % k)
            w("|---|---|---:|---|---:|---:|---|---:|---:|---:|---|")
            for c in peers:
                v = results.get(c["key"], [])
                if not v:
                    w("| %s | %s | FAILED | - | - | - | - | - | - | - | %s |" % (c["label"], c["rt"],
                                                                              ref_cell(c["key"])))
                    continue
                bad = any(runner.bad(c, d) for d in v)
                w("| %s | %s | %.2f | %s | %s%s | %s | %s | %s | %s | %s | %s |" % (
                    c["label"], c["rt"], med([d["median_s"] for d in v]), spread(v), fmt_e(worst(v, "evr_err")),
                    " **WRONG**" if bad else "", fmt_e(worst(v, "sv_err")), comp_cell(v), fmt_e(worst(v, "mean_err")),
                    mem_cell(c, v), fmt(gflops(c, v, m, n), "%.1f"), ref_cell(c["key"])))
            w("")
        if plas:
            w("### pla")
            w("")
            w("| configuration | ranks x threads | solver ran | q / k + p | compute s | spread s | job wall s "
              "(read + write) | EVR err top %d | s err | comp sin / orth | mean err | peak MB: sum / largest rank "
              "| GFLOP/s (model) |" % k)
            w("|---|---|---|---|---:|---|---|---:|---:|---|---:|---:|---:|")
            order = {"2r": 0, "1r2t": 1}
            for c in sorted(plas, key=lambda c: (order.get(c["layout"], 2), med([
                    d["median_s"] for d in results[c["key"]]]) if results.get(c["key"]) else float("inf"))):
                v = results.get(c["key"], [])
                if c.get("skip"):
                    w("| %s | %s | not run: %s | - | - | - | - | - | - | - | - | - | - |" % (
                        c["label"], c["rt"], "pla pca not built" if "not built" in c["skip"] else c["skip"]))
                    continue
                if not v:
                    w("| %s | %s | - | - | FAILED | - | - | - | - | - | - | - | - |" % (c["label"], c["rt"]))
                    continue
                ran = sorted({str(d.get("solver_ran", "?")) for d in v})
                qd = sorted({str(d["q_done"]) for d in v if "q_done" in d})
                sk = sorted({str(d["sketch_ran"]) for d in v if "sketch_ran" in d})
                kinds = sorted({str(d["sketch_kind"]) for d in v if "sketch_kind" in d})
                qcell = "%s / %s%s" % ("/".join(qd) or "-", "/".join(sk) or "-", " (%s)" % ", ".join(kinds)
                                       if kinds else "") if (qd or sk) else "-"
                bad = any(runner.bad(c, d) for d in v)
                w("| %s | %s | %s | %s | %.2f | %s | %s | %s%s | %s | %s | %s | %s | %s |" % (
                    c["label"], c["rt"], ", ".join(ran), qcell, med([d["median_s"] for d in v]), spread(v),
                    job_cell(v), fmt_e(worst(v, "evr_err")), " **WRONG**" if bad else "", fmt_e(worst(v, "sv_err")),
                    comp_cell(v), fmt_e(worst(v, "mean_err")), mem_cell(c, v), fmt(gflops(c, v, m, n), "%.1f")))
            w("")
        ran_plas = [c for c in plas if results.get(c["key"])]
        if peers and ran_plas:
            tags = [t for t, _, _ in runner.layouts() if any(c.get("layout") == t for c in ran_plas)]
            w("### Time at equal accuracy")
            w("")
            w("For every peer: the fastest pla configuration (`pla pca -k %d` and the options shown) whose EVR err, "
              "in its worst round, is at most the peer's in its best (both taken as at least %.0e: exact), the "
              "speedup = peer time / pla compute time per round, median over the rounds, and the peak memory (MB) of "
              "both." % (k, args.exact_floor))
            w("")
            w("| peer | peer s | peer EVR err | peer MB | %s |" % " | ".join(
                "pla at %s: fastest as accurate | pla s | pla EVR err | speedup | pla MB" % LAYOUT_NAMES[t]
                for t in tags))
            w("|---|---:|---:|---:|%s" % ("---|---:|---:|---:|---:|" * len(tags)))
            for c in peers:
                v = results.get(c["key"], [])
                if not v:
                    continue
                e = max(min(d["evr_err"] for d in v), args.exact_floor)
                cells = []
                for t in tags:
                    b = best_pla(args, cfgs, results, section, t, e)
                    if b is None:
                        cells.append("none as accurate | - | - | - | -")
                        continue
                    bc, bv = b
                    cells.append("%s | %.2f | %s | %.2fx | %s" % (
                        bc["short"], med([d["median_s"] for d in bv]), fmt_e(worst(bv, "evr_err")),
                        per_round_ratio(v, bv), mem_cell(bc, bv)))
                w("| %s | %.2f | %s | %s | %s |" % (c["label"], med([d["median_s"] for d in v]),
                                                    fmt_e(min(d["evr_err"] for d in v)), mem_cell(c, v),
                                                    " | ".join(cells)))
            w("")

    targets(w, args, runner, cfgs, results)
    list_section(w, "Wrong answers", runner.wrong)
    list_section(w, "Failures", runner.failures, one_line=True)
    return "\n".join(out)


def targets(w, args, runner, cfgs, res):
    rows = []
    tags = [t for t, _, _ in runner.layouts()]
    for section in args.sections:
        k = runner.data[section]["k"]
        tag_s = "%s (top %d)" % (section, k)
        peers = [c for c in cfgs if c["section"] == section and c["kind"] == "peer" and res.get(c["key"])]
        for t in tags:
            auto = res.get("%s/pla/auto/%s" % (section, t))
            cov = res.get("%s/peer/np_cov" % section)
            if auto and cov:
                a_ = acc(args, auto)
                ratio = per_round_ratio(auto, cov)
                exact = a_ is not None and a_ <= args.exact_floor
                rows.append(("%s, %s: pla pca (auto) <= %.1fx the numpy covariance route's time, exact" % (
                    tag_s, LAYOUT_NAMES[t], TARGET_COV_RATIO),
                    "%.2fx, EVR err %s" % (ratio, fmt_e(worst(auto, "evr_err"))), exact and ratio <= TARGET_COV_RATIO))
            if not any(c["kind"] == "pla" and c["section"] == section and c.get("layout") == t and res.get(c["key"])
                       for c in cfgs):
                continue
            for c in peers:
                v = res[c["key"]]
                e = max(min(d["evr_err"] for d in v), args.exact_floor)
                b = best_pla(args, cfgs, res, section, t, e)
                sp = per_round_ratio(v, b[1]) if b else float("nan")
                rows.append(("%s, %s: faster than %s at its accuracy (EVR err %.1e)" % (
                    tag_s, LAYOUT_NAMES[t], c["label"], e),
                    "%.2fx (%s)" % (sp, b[0]["short"]) if b else "no pla configuration as accurate",
                    bool(b) and sp > 1.0))
            if auto:
                am = med([d["mem_mb"] for d in auto if d.get("mem_mb") is not None])
                for name, pref in (("scikit-learn PCA full", "peer/sk_full"),
                                   ("scikit-learn PCA randomized (the smallest of its runs)", "peer/sk_rand")):
                    cand = [(med([d["mem_mb"] for d in res[c["key"]] if d.get("mem_mb") is not None]), c)
                            for c in peers if c["name"].startswith(pref)]
                    cand = [x for x in cand if x[0] == x[0]]
                    if not cand or am != am:
                        continue
                    pm, pc = min(cand, key=lambda x: x[0])
                    rows.append(("%s, %s: pla pca (auto) peak memory below %s" % (tag_s, LAYOUT_NAMES[t], name),
                                 "%.0f MB vs %.0f MB (%s)" % (am, pm, pc["label"]), am < pm))
    targets_table(w, "Speedup = peer time / pla compute time, per round, median over the rounds; at equal accuracy "
                     "the pla configuration is the fastest one at least as accurate (EVR err, its worst round against "
                     "the peer's best, both at least %.0e). Memory: pla's peak summed over ranks against the peer's "
                     "whole process (time -v)." % args.exact_floor, rows)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.environ.get("PLA_BUILD", os.path.join(REPO, "build")),
                   help="build directory holding pla (default: %(default)s)")
    p.add_argument("-m", type=int, default=100000, help="samples of the main case (default %(default)s)")
    p.add_argument("-n", type=int, default=2000, help="features of the main case (default %(default)s)")
    p.add_argument("-k", type=int, default=50, help="components of the main case (default %(default)s)")
    p.add_argument("--tm", type=int, default=1000000, help="samples of the tall case (default %(default)s)")
    p.add_argument("--tn", type=int, default=100, help="features of the tall case (default %(default)s)")
    p.add_argument("--tk", type=int, default=10, help="components of the tall case (default %(default)s)")
    p.add_argument("--spec", default="poly:1:0.5", help="singular values: `pla gen --singular-values` "
                                                        "(default %(default)s: s_i = (1 + i)^-0.5)")
    p.add_argument("--mean-scale", type=float, default=10.0,
                   help="column means = F x the RMS entry x standard normals (default %(default)s)")
    p.add_argument("--seed", type=int, default=1, help="data, sketches (default %(default)s)")
    p.add_argument("--generator", default="auto", choices=("auto", "pla", "numpy"),
                   help="who writes the data: pla gen --kind spectrum, svd_peers.py gen, or pla when it can")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--reps", type=int, default=1, help="timed fits per peer process (default %(default)s)")
    p.add_argument("--warmup", type=int, default=1, help="untimed peer fits first (default %(default)s)")
    p.add_argument("--sections", default="main,tall", help="main (m x n), tall (tm x tn) (default %(default)s)")
    p.add_argument("--power-iters", default="1,2,3", help="`pla pca --solver randomized --power-iters q` "
                                                          "(default %(default)s; '' for none)")
    p.add_argument("--subspace-iters", default="", help="`pla pca --solver randomized --sketch subspace "
                                                        "--power-iters q` (scikit-learn's method; default none)")
    p.add_argument("--pla-oversample", type=int, default=0, help="--oversample for pla's randomized runs "
                                                                 "(default: pla's)")
    p.add_argument("--pla-tols", default="", help="`pla pca --tol T` runs (default none)")
    p.add_argument("--sk-iters", default="2,4,auto", help="PCA randomized iterated_power values "
                                                          "(default %(default)s)")
    p.add_argument("--dask-iters", default="2,4", help="svd_compressed n_power_iter values (default %(default)s)")
    p.add_argument("--dask-chunk-rows", type=int, default=0,
                   help="Dask row chunk (0: Dask's automatic size, about 128 MiB; -1: m / 4)")
    p.add_argument("--pla-grid", default="", help="--grid for pla at 2 ranks (default: pla's choice)")
    p.add_argument("--pla-block", type=int, default=0, help="--block for pla (default: pla's)")
    p.add_argument("--exact-floor", type=float, default=1e-12,
                   help="EVR errors at or below this count as exact (default %(default)s)")
    p.add_argument("--only", default="", help="comma-separated substrings: run only configurations whose key "
                                              "(e.g. main/pla/rq2/2r, tall/peer/np_cov) contains one")
    p.add_argument("--skip-peers", action="store_true")
    p.add_argument("--skip-pla", action="store_true")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: 5000 x 400 (k 20) and 50000 x 50 (k 5), 1 round, a few configurations")
    p.add_argument("--workdir", help="where the data and results go (default: a new temporary directory, "
                                     "removed at the end)")
    p.add_argument("--reuse-data", action="store_true",
                   help="with --workdir: reuse data (and exact references) written there by an earlier run with "
                        "the same sizes, spectrum, seed and mean scale")
    p.add_argument("--keep-results", action="store_true", help="keep every result file in --workdir")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per process")
    p.add_argument("--save", help="also write every raw JSON result to this file")
    args = p.parse_args(argv)
    if args.quick:
        args.m, args.n, args.k, args.tm, args.tn, args.tk, args.rounds = 5000, 400, 20, 50000, 50, 5, 1
        args.power_iters, args.sk_iters, args.dask_iters = "2", "auto", "2"
        if not args.dask_chunk_rows:
            args.dask_chunk_rows = -1
    args.sections = str_list(args.sections)
    args.only = str_list(args.only)
    args.power_iters = int_list(args.power_iters)
    args.pla_tols = str_list(args.pla_tols)
    args.subspace_iters = int_list(args.subspace_iters)
    args.sk_iters = str_list(args.sk_iters)
    args.dask_iters = str_list(args.dask_iters)
    if any(s not in ("main", "tall") for s in args.sections) or not args.sections:
        sys.exit("pca_run.py: sections among main, tall")
    if not 1 <= args.k <= min(args.m, args.n) or not 1 <= args.tk <= min(args.tm, args.tn):
        sys.exit("pca_run.py: need 1 <= k <= min(m, n) and 1 <= tk <= min(tm, tn)")
    if args.reuse_data and not args.workdir:
        sys.exit("pca_run.py: --reuse-data needs --workdir")
    need = sum(8.0 * mm * nn for s, mm, nn in (("main", args.m, args.n), ("tall", args.tm, args.tn))
               if s in args.sections) / 2.0 ** 30
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # this process's own numpy (the checks); children get theirs
    runner = Runner(args)
    try:
        st = os.statvfs(runner.work)
        if st.f_bavail * st.f_frsize / 2.0 ** 30 < need * 1.2:
            sys.exit("pca_run.py: %.1f GiB of data, %.1f GiB free in %s" % (
                need, st.f_bavail * st.f_frsize / 2.0 ** 30, runner.work))
    except OSError:
        pass
    try:
        loads = [("start", loadavg())]
        runner.busy_at_start = busiest()
        versions = pla_version(runner) if runner.pla_ok else "(no pla binary)"
        runner.have_pla_pca = runner.probe_pla() if not args.skip_pla else False
        if not runner.have_pla_pca and not args.skip_pla:
            log("pla rows not run: %s" % runner.pla_missing)
        runner.make_data()
        cfgs = runner.configs()
        log("%d configurations per round (%d not run), %d round(s); work in %s" % (
            len(cfgs), sum(1 for c in cfgs if c.get("skip")), args.rounds, runner.work))
        results, more = runner.run_main(cfgs)
        loads += more + [("end", loadavg())]
        runner.busy_at_end = busiest()
        text = report(args, runner, cfgs, results, loads, versions)
    finally:
        if not args.workdir:
            shutil.rmtree(runner.work, ignore_errors=True)
    if args.save:
        with open(args.save, "w") as f:
            json.dump({"args": {k_: v_ for k_, v_ in vars(args).items()},
                       "data": runner.data, "results": results}, f, indent=1, default=str)
    print(text)
    return 1 if runner.failures or runner.wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
