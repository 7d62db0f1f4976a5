#!/usr/bin/python3
"""pla stops cleanly on SIGTERM and SIGINT (apps/signals.c).

A long pla run is started (under the launcher at 2 ranks in the MPI build,
alone in the single-process build) and signalled while it works:
  - during the write of a new output file (pla gen, its hidden temporary file
    already holds data): the signal to every rank, as srun and Slurm's time
    limit send it;
  - during a computation (pla svd --method full): SIGTERM and SIGINT to every
    rank, and (MPI) SIGTERM to mpirun itself, as a Ctrl-C would.  Open MPI
    4.1's mpirun sends the ranks SIGCONT, waits its odls_base_sigkill_timeout
    (1 s), sends SIGTERM, and SIGKILL as soon as the first rank has ended: the
    job must still have seconds of work left when mpirun is signalled, which
    a write of this size does not (it is done within that second);
  - during a computation writing into an existing file.
Each case checks: pla's exit status 124 (mpirun's own status, 1, when mpirun
itself is signalled), the one line "pla: stopped by SIG...", the JSON object
under --json, no output file, no temporary file left, the existing file
unchanged, no pla process left over, and that it all took seconds (no rank
hangs).

Environment (set by CTest through pla_add_script_test): PLA_BIN, PLA_MPIEXEC
(launcher prefix ending in its rank-count flag, "" in the single-process
build).
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

from checks import check, summary

BIN = os.path.realpath(os.environ["PLA_BIN"])
LAUNCH = os.environ.get("PLA_MPIEXEC", "").split()
NP = 2 if LAUNCH else 1
for var, value in (("OMPI_ALLOW_RUN_AS_ROOT", "1"), ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
                   ("OMPI_MCA_rmaps_base_oversubscribe", "1"), ("HDF5_USE_FILE_LOCKING", "FALSE"),
                   ("OMP_NUM_THREADS", "1"), ("OPENBLAS_NUM_THREADS", "1")):
    os.environ.setdefault(var, value)
EXIT_STOPPED = 124
STOP_WITHIN = 20.0  # seconds from the signal to the end of every rank



def launch_cmd(args):
    return (LAUNCH + [str(NP)] if LAUNCH else []) + [BIN] + args


def pla_processes():
    """pids of running pla processes (this build's binary)."""
    pids = []
    for d in glob.glob("/proc/[0-9]*"):
        try:
            if os.path.realpath(os.readlink(d + "/exe")) == BIN:
                pids.append(int(os.path.basename(d)))
        except OSError:
            pass
    return pids


def descendants(pid):
    """pid and every process below it."""
    children = {}
    for d in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(d.split("/")[2]))
        except (OSError, IndexError, ValueError):
            pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def ranks_of(proc):
    """The pla processes of a launched run (the run itself without launcher)."""
    mine = set(pla_processes())
    return [p for p in descendants(proc.pid) if p in mine]


def wait_until(cond, timeout, step=0.01):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def temporaries(directory):
    return glob.glob(os.path.join(directory, ".*.pla-*.tmp"))


def run_and_signal(tmp, name, args, trigger, sig, target, to_launcher=False):
    """Starts pla with args, waits for trigger() (or the ranks to exist), sends
    sig to every rank (or to the launcher), waits for the end.  Returns
    (exit status, stdout, stderr, seconds from signal to end) or None."""
    out_path, err_path = os.path.join(tmp, name + ".out"), os.path.join(tmp, name + ".err")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen(launch_cmd(args), stdout=out, stderr=err, cwd=tmp, start_new_session=True)
    try:
        nranks = NP
        if not wait_until(lambda: len(ranks_of(proc)) == nranks or proc.poll() is not None, 30):
            check(False, f"{name}: {nranks} pla processes start")
            return None
        if not wait_until(lambda: trigger() or proc.poll() is not None, 60):
            check(False, f"{name}: the moment to signal came", "trigger never true")
            return None
        ranks = ranks_of(proc)
        if proc.poll() is not None or len(ranks) != nranks:
            check(False, f"{name}: pla still running when signalled",
                  f"exit {proc.returncode}: the job is too short for this machine")
            return None
        t0 = time.monotonic()
        for p in ([proc.pid] if to_launcher and LAUNCH else ranks):
            os.kill(p, sig)
        try:
            proc.wait(timeout=STOP_WITHIN + 10)
        except subprocess.TimeoutExpired:
            check(False, f"{name}: pla ends after the signal", f"still running after {STOP_WITHIN + 10} s: a hang")
            return None
        seconds = time.monotonic() - t0
        left = [p for p in ranks if os.path.exists(f"/proc/{p}") and p in pla_processes()]
        check(wait_until(lambda: not [p for p in left if p in pla_processes()], 5), f"{name}: no pla process left",
              f"still running: {left}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    with open(out_path) as f:
        stdout = f.read()
    with open(err_path) as f:
        stderr = f.read()
    return proc.returncode, stdout, stderr, seconds


def check_stopped(name, res, sig, target, tmp, launcher_signalled=False, message_part=None):
    if res is None:
        return
    rc, stdout, stderr, seconds = res
    signame = signal.Signals(sig).name
    detail = f"exit {rc}\n     stdout: {stdout.strip()[:400]!r}\n     stderr: {stderr.strip()[:800]!r}"
    if launcher_signalled and LAUNCH:
        check(rc != 0, f"{name}: mpirun, signalled itself, exits non-zero", detail)
    else:
        check(rc == EXIT_STOPPED, f"{name}: exit status {EXIT_STOPPED}", detail)
    lines = [ln for ln in stderr.splitlines() if ln.startswith("pla: ")]
    check(len(lines) == 1 and lines[0].startswith(f"pla: stopped by {signame}")
          and lines[0].endswith(f"exit status {EXIT_STOPPED}"),
          f"{name}: one line 'pla: stopped by {signame} ...' on stderr", detail)
    if message_part is not None:
        check(bool(lines) and message_part in lines[0], f"{name}: the line says '{message_part}'", detail)
    check("pla: error" not in stderr, f"{name}: no error line", detail)
    try:
        obj = json.loads(stdout)
    except ValueError:
        obj = None
    check(isinstance(obj, dict) and obj.get("status") == "stopped" and obj.get("signal") == signame
          and obj.get("exit_code") == EXIT_STOPPED and "stopped by" in obj.get("message", ""),
          f"{name}: the JSON summary says stopped", detail)
    if target is not None:
        check(not os.path.exists(os.path.join(tmp, target)), f"{name}: no output file {target}", detail)
    check(temporaries(tmp) == [], f"{name}: no temporary file left", str(temporaries(tmp)))
    check(seconds < STOP_WITHIN, f"{name}: stopped within {STOP_WITHIN:.0f} s", f"took {seconds:.1f} s")
    print(f"ok   {name}: exit {rc} {seconds:.2f} s after {signame}", flush=True)


def big_temporary(tmp, minimum=1 << 20):
    def ready():
        return any(os.path.getsize(p) >= minimum for p in temporaries(tmp) if os.path.exists(p))
    return ready


def after(seconds):
    t = time.monotonic() + seconds
    return lambda: time.monotonic() >= t


def main():
    tmp = tempfile.mkdtemp(prefix="pla-sigterm-")
    try:
        # the input of the computations: 3000 x 3000, a full SVD takes 10 s or more here (1500 x 1500: 2 s)
        subprocess.run([BIN, "gen", "--rows", "3000", "--cols", "3000", "-o", os.path.join(tmp, "a.h5:/X"), "-q"],
                       check=True)
        gen = ["gen", "--rows", "12000", "--cols", "5000", "--json"]

        name = "gen, SIGTERM to every rank while writing"
        res = run_and_signal(tmp, "gen-term", gen + ["-o", "g.h5"], big_temporary(tmp), signal.SIGTERM, "g.h5")
        check_stopped(name, res, signal.SIGTERM, "g.h5", tmp, message_part="no output written (g.h5 not created)")

        svd = ["svd", "-i", "a.h5:/X", "--method", "full", "--json"]
        if LAUNCH:
            name = "svd, SIGTERM to mpirun while computing"
            res = run_and_signal(tmp, "svd-launcher", svd + ["-o", "s.h5"], after(1.5), signal.SIGTERM, "s.h5",
                                 to_launcher=True)
            check_stopped(name, res, signal.SIGTERM, "s.h5", tmp, launcher_signalled=True,
                          message_part="no output written (s.h5 not created)")

        name = "svd, SIGTERM to every rank while computing"
        res = run_and_signal(tmp, "svd-term", svd + ["-o", "s.h5"], after(1.5), signal.SIGTERM, "s.h5")
        check_stopped(name, res, signal.SIGTERM, "s.h5", tmp)

        name = "svd, SIGINT to every rank while computing"
        res = run_and_signal(tmp, "svd-int", svd + ["-o", "s.h5"], after(1.5), signal.SIGINT, "s.h5")
        check_stopped(name, res, signal.SIGINT, "s.h5", tmp)

        # into an existing file: nothing moves into place, the file stays readable
        with h5py.File(os.path.join(tmp, "a.h5"), "r") as f:
            before = sorted(f.keys()), np.array(f["X"][:5, :5])
        name = "svd into an existing file, SIGTERM while computing"
        res = run_and_signal(tmp, "svd-existing", svd + ["-o", "a.h5:/svd"], after(1.5), signal.SIGTERM, None)
        check_stopped(name, res, signal.SIGTERM, None, tmp, message_part="no results moved into a.h5:/svd")
        try:
            with h5py.File(os.path.join(tmp, "a.h5"), "r") as f:
                now = sorted(k for k in f.keys() if not k.startswith(".")), np.array(f["X"][:5, :5])
            check(now[0] == before[0] and np.array_equal(now[1], before[1]),
                  f"{name}: a.h5 unchanged", f"before {before[0]}, after {now[0]}")
        except OSError as e:
            check(False, f"{name}: a.h5 still readable", str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary("sigterm_test")


if __name__ == "__main__":
    sys.exit(main())
