"""Helpers shared by the benchmark runners (eig_run.py, svd_run.py, pca_run.py, lstsq_run.py, gemm_run.py):
logging, the machine-load watch, CMake cache lookups, launch lines, timed runs, the statistics of rounds and
the common lines of the reports."""
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def proc_times():
    """{pid: (comm, utime + stime in clock ticks)} of every process now."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                text = f.read()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        out[int(pid)] = (comm, int(fields[11]) + int(fields[12]))
    return out


def cpu_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4], sum(v)


def cache_value(build, key):
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None


def med(v):
    return statistics.median(v) if v else float("nan")


def per_round_ratio(num, den, f=lambda d: d["median_s"]):
    """Median over rounds of f(num[r]) / f(den[r]), pairing runs of the same round."""
    by_round = {d["round"]: d for d in den}
    return med([f(d) / f(by_round[d["round"]]) for d in num if d["round"] in by_round and f(by_round[d["round"]])])


def spread(v):
    ts = [d["median_s"] for d in v]
    return "%.2f..%.2f" % (min(ts), max(ts))


def busiest(count=4, seconds=2.0):
    """What else runs right now: the machine's CPU use over `seconds` and the processes using at least 5% of a
    core in that time, this process excluded."""
    try:
        b0, t0, p0 = cpu_busy() + (proc_times(),)
        time.sleep(seconds)
        b1, t1, p1 = cpu_busy() + (proc_times(),)
    except (OSError, ValueError):
        return "?"
    hz = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    by_name = {}
    for pid, (comm, ticks) in p1.items():  # a process born in the window counts whole; short-lived ones vanish
        if pid != me:
            by_name[comm] = by_name.get(comm, 0) + ticks - (p0[pid][1] if pid in p0 else 0)
    use = sorted(((t / (hz * seconds) * 100.0, c) for c, t in by_name.items() if t > 0), reverse=True)
    procs = ", ".join("%s %.0f%%" % (c, u) for u, c in use[:count] if u >= 5.0) or "no other process above 5% of a core"
    return "machine %.0f%% busy over %g s (%d cores); %s" % (
        100.0 * (b1 - b0) / max(1, t1 - t0), seconds, os.cpu_count(), procs)


def error_text(proc, limit=600, tracebacks=True):
    """The tool's own error lines from a finished subprocess.run(..., text=True), not mpirun's banner (with
    `tracebacks`, Python's Traceback and SystemExit lines count as error lines too)."""
    lines = [l.strip() for l in ((proc.stderr or "") + "\n" + (proc.stdout or "")).splitlines() if l.strip()]
    mine = [l for l in lines if ("error" in l.lower() or (tracebacks and ("Traceback" in l or "SystemExit" in l)))
            and not l.startswith(("{", "---", "mpirun", "Primary job")) and "non-zero" not in l]
    if mine:
        return " | ".join(dict.fromkeys(l[:limit] for l in mine[-3:]))  # the same line from every rank: once
    return " ".join(lines)[-limit:] or "(no output)"


TIME_V = "/usr/bin/time"


def time_v_prefix(path):
    """argv prefix running a command under GNU time -v writing its report to path ([] without /usr/bin/time)."""
    return [TIME_V, "-v", "-o", path] if os.access(TIME_V, os.X_OK) else []


def time_v_max_rss_mb(path):
    """"Maximum resident set size" of a GNU time -v report, MiB (None when absent).  Linux reports the largest
    single process among the command and the descendants it waited for, not their sum."""
    try:
        with open(path) as f:
            for line in f:
                if "Maximum resident set size" in line:
                    return int(line.rsplit(":", 1)[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return None


# ---- builds, environments and launch lines ------------------------------------------
def build_has_mpi(build):
    """Whether the build in `build` is the MPI one (PLA_WITH_MPI in its CMake cache; ON when absent)."""
    return (cache_value(build, "PLA_WITH_MPI") or "ON").upper() in ("ON", "1", "TRUE", "YES")


def bench_env(threads):
    """The environment of a benchmarked process: mpirun as root allowed, no HDF5 locking, OMP_NUM_THREADS."""
    e = dict(os.environ)
    e.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
             HDF5_USE_FILE_LOCKING="FALSE", OMP_NUM_THREADS=str(threads))
    e.pop("OPENBLAS_NUM_THREADS", None)  # the OpenMP OpenBLAS follows OMP_NUM_THREADS
    return e


def mpi_launch(mpi, mpirun, ranks, threads, bind=None):
    """The launcher prefix for ranks x threads (bound to cores at 1 thread; empty in the single-process build)."""
    if not mpi:
        return []
    bind = bind or ("core" if threads == 1 else "none")
    return [mpirun, "-n", str(ranks), "--bind-to", bind, "-x", "OMP_NUM_THREADS=%d" % threads]


def layouts(mpi):
    """The (tag, ranks, threads) layouts the runners compare: 2 ranks (MPI builds only), 1 rank x 2 threads."""
    two = [("2r", 2, 1)] if mpi else []
    return two + [("1r2t", 1, 2)]


def timed_run(argv, env, timeout):
    """subprocess.run under a clock and the CPU watch: (proc, wall seconds, cores the rest of the machine used
    meanwhile); raises subprocess.TimeoutExpired."""
    t = time.perf_counter()
    busy0, ru0 = cpu_busy()[0], resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t
    busy1, ru1 = cpu_busy()[0], resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)  # the run's processes (mpirun's too)
    other = max(0.0, ((busy1 - busy0) / os.sysconf("SC_CLK_TCK") - own) / wall) if wall > 0 else 0.0
    return proc, wall, other


def pla_version(runner, empty="?"):
    """`pla --version` of the runner's build on one line (`empty` when it prints nothing, "?" when it fails)."""
    try:
        proc = subprocess.run(runner.launch(1, 1) + [runner.pla, "--version"], env=runner.env(1),
                              capture_output=True, text=True, timeout=120)
        lines = [l.strip() for l in proc.stdout.splitlines() if l.strip()]
        return "; ".join(lines) or empty
    except (OSError, subprocess.SubprocessError):
        return "?"


def probe_spectrum(runner, errors=error_text):
    """`pla gen --kind spectrum` on a 40 x 10 matrix: does it exist and write A and singular_values?  (ok, why not)"""
    path = os.path.join(runner.work, "probe_gen.h5")
    proc = runner.run_plain("pla gen (probe)", runner.launch(1, 1) + [
        runner.pla, "gen", "--kind", "spectrum", "--singular-values", runner.a.spec, "--rows", "40", "--cols", "10",
        "--seed", "1", "-q", "-o", path + ":/p"], 1, check=False)
    ok = proc.returncode == 0
    if ok:
        try:
            import h5py
            with h5py.File(path, "r") as f:
                ok = f["p/A"].shape == (40, 10) and len(f["p/singular_values"]) >= 10
        except Exception:  # missing datasets: not the kind this runner knows
            ok = False
    if os.path.exists(path):
        os.remove(path)
    return ok, ("" if ok else errors(proc, 200))


# ---- results ------------------------------------------------------------------------
def last_json(proc, key, failures, errors=error_text):
    """A finished run's last JSON line as a dict, or None once a failed run or unreadable line is in failures."""
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not lines:
        msg = "%s failed (exit %d): %s" % (key, proc.returncode, errors(proc))
        failures.append(msg.replace("\n", " "))
        log("FAILED " + msg)
        return None
    try:
        return json.loads(lines[-1])
    except ValueError as e:
        failures.append("%s: unreadable JSON line (%s): %s" % (key, e, lines[-1][:200]))
        return None


def pla_compute_time(d):
    """pla's compute time from its JSON: timings.compute (else the phases other than read, write, check and total)."""
    t = d.get("timings") or {}
    out = {}
    if "compute" in t:
        out["median_s"] = float(t["compute"])
    elif t:
        rest = {k: v for k, v in t.items() if k not in ("read", "write", "check", "total")}
        out["median_s"] = float(sum(rest.values())) if rest else float(t.get("total", float("nan")))
        out["timing_note"] = "no timings.compute: used %s" % ("+".join(rest) if rest else "total")
    else:
        out["median_s"] = float("nan")
        out["timing_note"] = "no timings in the JSON"
    return out


def sample_indices(k, s):
    """s indices spread evenly over 0 .. k - 1 (both ends included)."""
    s = min(s, k)
    return [i * (k - 1) // (s - 1) if s > 1 else 0 for i in range(s)]


def find_key(obj, names):
    """The first scalar value under any of `names` anywhere in a JSON object (depth first), or None."""
    if isinstance(obj, dict):
        for nm in names:
            if nm in obj and not isinstance(obj[nm], (dict, list)):
                return obj[nm]
        for v in obj.values():
            r = find_key(v, names)
            if r is not None:
                return r
    elif isinstance(obj, list):
        for v in obj:
            r = find_key(v, names)
            if r is not None:
                return r
    return None


def worst(v, field):
    """The largest `field` over runs v (None when there are none or any run lacks it)."""
    vals = [d.get(field) for d in v]
    if not vals or any(x is None for x in vals):
        return None
    return max(vals)


# ---- the reports --------------------------------------------------------------------
def fmt(x, f="%.2f"):
    """x by format f, "-" for None or NaN."""
    return f % x if x is not None and x == x else "-"


def fmt_e(x):
    """x as %.1e, "-" for None or NaN."""
    return "%.1e" % x if x is not None and x == x else "-"


def run_lines(runner):
    """The report's date/host/build and command lines."""
    return ["- date: %s; host: %s, %d cores; build: %s (%s)" % (
                datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.node(), os.cpu_count(), runner.build,
                "MPI" if runner.mpi else "single-process"),
            "- command: `%s`" % " ".join([os.path.relpath(sys.argv[0], os.getcwd())] + sys.argv[1:])]


def activity_lines(runner, loads, cfgs, results, warn):
    """The report's load average, other activity and other-CPU-during-the-runs lines (runs above `warn` listed)."""
    out = ["- load average (1, 5, 15 min): " + "; ".join("%s %s" % (a, b) for a, b in loads),
           "- other activity: at the start %s; at the end %s" % (runner.busy_at_start, runner.busy_at_end)]
    others = sorted((d["other_cores"], c["key"], d["round"]) for c in cfgs for d in results.get(c["key"], []))
    if others:
        busy_runs = [o for o in others if o[0] > warn]
        out.append("- CPU used by the rest of the machine during the runs (machine busy time minus the run's own "
                   "processes, in cores of %d): median %.2f, max %.2f (%s, round %d)%s" % (
                       os.cpu_count(), med([o[0] for o in others]), others[-1][0], others[-1][1], others[-1][2] + 1,
                       "; **%d of %d runs shared the machine with more than %.2f cores of other work**: %s" % (
                           len(busy_runs), len(others), warn,
                           ", ".join("%s r%d (%.2f)" % (k_, r_ + 1, o_) for o_, k_, r_ in busy_runs[::-1][:8]) +
                           (", ..." if len(busy_runs) > 8 else "")) if busy_runs else ""))
    return out


def targets_table(w, intro, rows):
    """The report's `## Targets` section: `intro`, then a row of (target, measured, met) each (nothing without rows)."""
    if not rows:
        return
    w("## Targets")
    w("")
    w(intro)
    w("")
    w("| target | measured | met |")
    w("|---|---:|---|")
    for name, val, ok in rows:
        w("| %s | %s | %s |" % (name, val, "yes" if ok else "**no**"))
    w("")


def int_list(text):
    """"1,2,3" as [1, 2, 3]."""
    return [int(x) for x in text.split(",") if x.strip()]


def str_list(text):
    """"a, b" as ["a", "b"]."""
    return [x.strip() for x in text.split(",") if x.strip()]


def list_section(w, title, items, one_line=False):
    """A report section `## title` listing items one a line (with `one_line`, newlines in them made spaces)."""
    if items:
        w("## " + title)
        w("")
        for x in items:
            w("- " + (x.replace("\n", " ") if one_line else x))
        w("")


# ---- the python peers ---------------------------------------------------------------
def peer_versions(np):
    """The versions of numpy (the module given) and of scipy, scikit-learn and dask where they import."""
    versions = {"numpy": np.__version__}
    for mod in ("scipy", "sklearn", "dask"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            pass
    return versions


def blas_pools():
    """threadpoolctl's BLAS pools as [{api, threads, corename}], or None without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
        return [{"api": d.get("internal_api"), "threads": d.get("num_threads"),
                 "corename": d.get("architecture")} for d in threadpool_info() if d.get("user_api") == "blas"]
    except Exception:  # threadpoolctl is optional
        return None
