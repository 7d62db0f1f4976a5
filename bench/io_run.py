#!/usr/bin/python3
"""Runs pla's HDF5 read (and write) benchmark interleaved with the h5py
reference and prints markdown tables (docs/io.md has results and discussion).

    bench/io_run.py [--build build] [--data /tmp/pla-io-bench] [--rounds 5]
                    [--nprocs 1,2,4] [--threads 1] [--files contiguous,chunked] [--reps 3]
                    [--configs default:default,rows:indep,cyclic:indep,panel:indep,rows:coll,cyclic:coll]
                    [--band BYTES] [--write] [--log FILE]

Fixtures (made on first use by bench/io_h5py.py): 100000 x 2000 float64,
/X in contiguous.h5 and chunked.h5 (h5py's automatic chunk shape 782 x 32,
what h5py gives for chunks=True or compression); gzip.h5 (the same chunks,
gzip 4) on request.  Any other NAME in --files means DATA/NAME.h5.

--threads lists OpenMP threads per rank (OMP_NUM_THREADS); a count t > 1
is run at the rank counts where ranks x t fits the CPUs, and labelled
CONFIG/tT.  --band sets the tile (read) and band (write) bytes per rank,
the library's defaults otherwise.  --build may list several build trees
(before and after a change, run interleaved); their configurations are then
labelled BUILD:CONFIG.

Every measurement is a fresh process, as a `pla` run is: one io_read process
per (configuration, rank count) and one python process for h5py, each doing
--reps reads.  The first read of a process is "cold" (the new matrix's pages
are touched for the first time, which costs a page fault each and on a
virtual machine much more: this is what a command-line run pays); the later
ones are "warm" (memory recycled in the process).  The page cache is warm
(each file is read once before the rounds).  Rounds interleave everything
and rotate the order of the rank counts.  Reported: the median over rounds
(the warm value of a round is the median of its warm reads), min..max, and
the median over rounds of the per-round ratios to h5py's cold read and,
for warm reads, to h5py-direct's warm read (read_direct into a touched
array: the issue's reference).  The load average is printed per round.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           HDF5_USE_FILE_LOCKING="FALSE", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
CPUS = os.cpu_count() or 1
LINE = re.compile(r"op=(\w+) config=(\S+) np=(\d+) grid=(\S+) seconds=([\d.]+) rep=(\d+)")


def run(cmd, log, threads=1, prefix=""):
    """Runs cmd with threads OpenMP threads; its lines, configurations prefixed."""
    p = subprocess.run(cmd, env=dict(ENV, OMP_NUM_THREADS=str(threads)), capture_output=True, text=True)
    out = p.stdout.replace("config=", "config=" + prefix)
    if log:
        log.write(f"$ OMP_NUM_THREADS={threads} " + " ".join(cmd) + "\n" + out + p.stderr)
        log.flush()
    if p.returncode != 0:
        sys.stderr.write(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return label([m.groups() for m in map(LINE.search, out.splitlines()) if m], threads)


def record(times, f, lines):
    """Per (file, op, config, np, grid, phase): one value per process."""
    warm = {}
    for op, config, np_, grid, sec, rep in lines:
        key = (f, op, config, int(np_), grid)
        if rep == "1":
            times.setdefault(key + ("cold",), []).append(float(sec))
        else:
            warm.setdefault(key + ("warm",), []).append(float(sec))
    for key, v in warm.items():
        times.setdefault(key, []).append(statistics.median(v))


def label(lines, threads):
    """Configurations run with t > 1 threads per rank are named CONFIG/tT."""
    return [(op, f"{c}/t{threads}" if threads > 1 else c) + tuple(rest) for op, c, *rest in lines]


def from_log(path):
    """The measurements of a --log file: each command line names its file and threads."""
    times, f, threads, lines = {}, None, 1, []
    for line in open(path):
        if line.startswith("$ "):
            if f is not None:
                record(times, f, label(lines, threads))
            f = next(os.path.basename(w)[:-3] for w in line.split() if w.endswith(".h5"))
            threads = int(line.split("OMP_NUM_THREADS=")[1].split()[0]) if "OMP_NUM_THREADS=" in line else 1
            lines = []
        elif LINE.search(line):
            lines.append(LINE.search(line).groups())
    if f is not None:
        record(times, f, label(lines, threads))
    return times


def ratio(t, ref):
    """Median over rounds of the per-round ratio t / ref."""
    if not t or not ref:
        return "-"
    n = min(len(ref), len(t))
    return f"{statistics.median(t[i] / ref[i] for i in range(n)):.2f}x"


def table(times):
    print("| file | op | configuration | ranks | grid | first read (cold) s | min..max | vs h5py | "
          "later reads (warm) s | min..max | vs h5py-direct |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    keys = sorted({k[:5] for k in times}, key=lambda k: (k[0], k[1], not k[2].startswith("h5py"), k[3], k[2]))
    for f, op, config, np_, grid in keys:
        cells = []
        refs = {"cold": times.get((f, op, "h5py", 1, "-", "cold")),
                "warm": times.get((f, op, "h5py-direct", 1, "-", "warm"))}
        for phase in ("cold", "warm"):
            t = times.get((f, op, config, np_, grid, phase))
            if not t:
                cells += ["-", "-", "-"]
                continue
            cells += [f"{statistics.median(t):.3f}", f"{min(t):.3f}..{max(t):.3f}"]
            cells.append(ratio(t, refs[phase]) if not config.startswith("h5py") else "-")
        print(f"| {f} | {op} | {config} | {np_} | {grid} | " + " | ".join(cells) + " |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build", help="build tree, or a comma list of them")
    ap.add_argument("--data", default="/tmp/pla-io-bench")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--nprocs", default="1,2,4")
    ap.add_argument("--threads", default="1", help="OpenMP threads per rank, a list")
    ap.add_argument("--band", type=int, default=0, help="tile/band bytes per rank (0: the library's defaults)")
    ap.add_argument("--files", default="contiguous,chunked")
    ap.add_argument("--configs", default="default:default,rows:indep,cyclic:indep,panel:indep,rows:coll,cyclic:coll")
    ap.add_argument("--write", action="store_true", help="also time writing the matrix back (after each read)")
    ap.add_argument("--log")
    ap.add_argument("--from-log", help="only tabulate the runs recorded in an earlier --log")
    a = ap.parse_args()
    if a.from_log:
        table(from_log(a.from_log))
        return
    log = open(a.log, "w") if a.log else None
    builds = a.build.split(",")
    mpiexec = ["mpiexec", "--oversubscribe", "--bind-to", "none", "-n"]
    h5py_script = os.path.join(HERE, "io_h5py.py")
    subprocess.run([sys.executable, h5py_script, "make", a.data], check=True)
    files = a.files.split(",")
    for f in files:  # warm the page cache
        with open(os.path.join(a.data, f + ".h5"), "rb") as fh:
            while fh.read(1 << 26):
                pass
    nprocs = [int(x) for x in a.nprocs.split(",")]
    threads = [int(x) for x in a.threads.split(",")]
    configs = a.configs.split(",")
    times = {}
    for r in range(a.rounds):
        order = nprocs[r % len(nprocs):] + nprocs[:r % len(nprocs)]
        for f in files:
            fname = os.path.join(a.data, f + ".h5")
            runs = [([sys.executable, h5py_script, "read", fname, "--reps", str(a.reps)], 1, "")]
            if a.write:
                runs.append(([sys.executable, h5py_script, "write", fname, "--reps", str(a.reps)], 1, ""))
            extra = (["--write", a.data] if a.write else []) + (["--band", str(a.band)] if a.band > 0 else [])
            for n in order:
                for t in threads:
                    if t > 1 and n * t > CPUS:
                        continue  # oversubscribed threads: the library reads with one (src/io/read.c)
                    for c in configs:
                        if n == 1 and c.split(":")[0] in ("panel",):
                            continue  # the same as rows/cyclic on one rank
                        for b in builds:
                            io_read = os.path.join(b, "bench", "io_read")
                            runs.append((mpiexec + [str(n), io_read, fname, "--configs", c, "--reps", str(a.reps)]
                                         + extra, t, b + ":" if len(builds) > 1 else ""))
            for cmd, t, prefix in runs:
                record(times, f, run(cmd, log, t, prefix))
        print(f"round {r + 1}/{a.rounds} done, load average {open('/proc/loadavg').read().split()[0]}",
              file=sys.stderr, flush=True)
        if log:
            log.write(f"# round {r + 1} load average {open('/proc/loadavg').read().strip()}\n")
    table(times)


if __name__ == "__main__":
    main()
