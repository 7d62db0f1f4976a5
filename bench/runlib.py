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
