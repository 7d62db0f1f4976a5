"""Helpers shared by the benchmark runners (eig_run.py, svd_run.py): logging,
the machine-load watch, CMake cache lookups and the statistics of rounds."""
import os
import statistics
import sys


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


# ---- added for pca_run.py (the runners above keep their own copies) ----------------
def busiest(count=4, seconds=2.0):
    """What else runs right now: the machine's CPU use over `seconds` and the processes using at least 5% of a
    core in that time, this process excluded."""
    import time
    try:
        b0, t0, p0 = cpu_busy() + (proc_times(),)
        time.sleep(seconds)
        b1, t1, p1 = cpu_busy() + (proc_times(),)
    except (OSError, ValueError):
        return "?"
    hz = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    by_name = {}
    for pid, (comm, ticks) in p1.items():
        if pid != me:
            by_name[comm] = by_name.get(comm, 0) + ticks - (p0[pid][1] if pid in p0 else 0)
    use = sorted(((t / (hz * seconds) * 100.0, c) for c, t in by_name.items() if t > 0), reverse=True)
    procs = ", ".join("%s %.0f%%" % (c, u) for u, c in use[:count] if u >= 5.0) or "no other process above 5% of a core"
    return "machine %.0f%% busy over %g s (%d cores); %s" % (
        100.0 * (b1 - b0) / max(1, t1 - t0), seconds, os.cpu_count(), procs)


def error_text(proc, limit=600):
    """The tool's own error lines from a finished subprocess.run(..., text=True), not mpirun's banner."""
    lines = [l.strip() for l in ((proc.stderr or "") + "\n" + (proc.stdout or "")).splitlines() if l.strip()]
    mine = [l for l in lines if ("error" in l.lower() or "Traceback" in l or "SystemExit" in l)
            and not l.startswith(("{", "---", "mpirun", "Primary job")) and "non-zero" not in l]
    if mine:
        return " | ".join(dict.fromkeys(l[:limit] for l in mine[-3:]))
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
