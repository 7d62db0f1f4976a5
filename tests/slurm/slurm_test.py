#!/usr/bin/python3
"""The repo's slurm/ batch scripts on a real, single-node Slurm cluster.

Usage: slurm_test.py run    start munged, slurmctld and slurmd (a private
                            cluster in a temporary directory), submit every
                            slurm/pla-*.sbatch with sbatch on generated
                            inputs, check the outputs against the
                            single-process build (or numpy where it is not
                            built) and the signal path (scancel, and two jobs
                            that run into a 1-minute time limit), stop the
                            daemons by PID
       slurm_test.py lint   no Slurm needed: the scripts parse (bash -n) and
                            their common part is the same in each

Exits 77 (CTest's SKIP_RETURN_CODE) with a message when Slurm (slurmctld,
slurmd, sbatch, munged) is not installed or this is not root (SlurmUser=root).

Environment:
  PLA_BIN               the MPI build's pla (set by CTest)
  PLA_SERIAL_BIN        the single-process build's pla to compare with; else
                        the first existing of PLA_SERIAL_CANDIDATES (':'-list)
  PLA_SLURM_KEEP=1      keep the temporary directory (logs, conf) for a look
  PLA_SLURM_TIMEOUT     seconds to wait for all jobs (default 420)
"""
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from checks import check, failures, summary

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(REPO, "slurm")
SKIP = 77
KINDS = ["gemm", "qr", "lstsq", "eig", "svd", "pca", "array"]
COMMON_MARK = "# ---- common part:"
# How the stop-test jobs are stopped: by the test with scancel --signal=TERM
# (--batch: the batch shell, as --signal=B: does; else every task), or by
# Slurm itself at a time limit of LIMIT_MIN minute(s): "warning" asks for
# --signal=B:TERM@WARN_AHEAD, "limit" for none (@0) and meets the limit.
SCANCEL_PLANS = ("batch", "steps")
LIMIT_MIN = 1  # Slurm's smallest --time
# slurmctld checks time limits every 30 s (PERIODIC_TIMEOUT): the warning comes
# at the first check at or after limit - WARN_AHEAD - 30 s, here 20 to 50 s
# after the start: late enough for pla to be computing, early enough to end
# the job before the limit.  (@30 or more may come before pla has started.)
WARN_AHEAD = 10



def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---- lint: no Slurm needed ---------------------------------------------------

def script_path(kind):
    return os.path.join(SCRIPTS, f"pla-{kind}.sbatch")


def lint():
    commons = {}
    for kind in KINDS:
        path = script_path(kind)
        if not check(os.path.exists(path), f"slurm/pla-{kind}.sbatch exists"):
            continue
        r = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
        check(r.returncode == 0, f"pla-{kind}.sbatch parses", r.stderr)
        with open(path) as f:
            text = f.read()
        check(os.access(path, os.X_OK), f"pla-{kind}.sbatch is executable")
        directives = re.findall(r"^#SBATCH (--[a-z-]+)", text, re.M)
        for needed in ("--ntasks", "--cpus-per-task", "--time", "--signal"):
            check(needed in directives, f"pla-{kind}.sbatch sets {needed}")
        check("#SBATCH --signal=B:TERM@120" in text, f"pla-{kind}.sbatch asks for SIGTERM 120 s before the limit")
        i = text.find(COMMON_MARK)
        if check(i >= 0, f"pla-{kind}.sbatch has the common part"):
            commons[kind] = text[i:]
    if commons:
        first = next(iter(commons))
        for kind, text in commons.items():
            check(text == commons[first], f"pla-{kind}.sbatch: common part as in pla-{first}.sbatch",
                  "edit the common part in every script alike")
    for needed in ("srun --mpi=pmix --cpu-bind=cores", "--cpus-per-task=\"$threads\"", "OMP_NUM_THREADS=$threads",
                   "OMP_PLACES", "OMP_PROC_BIND", "trap 'forward TERM' TERM", "scancel --signal=", "--json"):
        check(all(needed in t for t in commons.values()), f"common part: {needed}")
    return summary("slurm_test lint")


# ---- the cluster ------------------------------------------------------------------

def missing_tools():
    need = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol", "scancel", "srun"]
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return [t for t in need if shutil.which(t, path=path) is None]


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


class Cluster:
    """munged, slurmctld and slurmd started in the foreground (-F/-D) in the
    background, PIDs recorded; stop() ends them by PID.  A watchdog process
    does the same if this driver dies without cleaning up (CTest's timeout
    kills it)."""

    def __init__(self, root):
        self.root = root
        self.pids = {}
        self.watchdog = None
        self.env = dict(os.environ)
        self.path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
        self.env["PATH"] = self.path
        self.conf = os.path.join(root, "slurm.conf")
        self.env["SLURM_CONF"] = self.conf
        for v in list(self.env):  # a surrounding allocation must not leak in
            if v.startswith(("SLURM_", "SBATCH_", "SRUN_", "SALLOC_")) and v != "SLURM_CONF":
                del self.env[v]

    def tool(self, name):
        return shutil.which(name, path=self.path)

    def spawn(self, name, argv, logname):
        out = open(os.path.join(self.root, "log", logname), "w")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=self.env, start_new_session=True)
        out.close()
        self.pids[name] = p
        self.arm_watchdog()
        return p

    def arm_watchdog(self):
        """A child that outlives a killed driver and then stops the daemons."""
        if self.watchdog is not None:
            try:
                os.kill(self.watchdog, signal.SIGKILL)
                os.waitpid(self.watchdog, 0)
            except OSError:
                pass
        parent, pids = os.getpid(), [p.pid for p in self.pids.values()]
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                while True:
                    time.sleep(1)
                    try:
                        os.kill(parent, 0)
                    except OSError:
                        break
                if len(pids) == 3:  # the cluster was up: end its jobs first
                    try:
                        subprocess.run([self.tool("scancel"), "--user=root"], env=self.env, timeout=10,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                        time.sleep(3)
                    except (subprocess.SubprocessError, OSError):
                        pass
                for p in reversed(pids):
                    try:
                        os.kill(p, signal.SIGTERM)
                    except OSError:
                        pass
                time.sleep(3)
                for p in reversed(pids):
                    try:
                        os.kill(p, signal.SIGKILL)
                    except OSError:
                        pass
                if os.environ.get("PLA_SLURM_KEEP") != "1":
                    shutil.rmtree(os.path.dirname(self.root), ignore_errors=True)
            finally:
                os._exit(0)
        self.watchdog = pid

    def run(self, *argv, check_rc=True, timeout=30):
        r = subprocess.run([self.tool(argv[0])] + list(argv[1:]), env=self.env, capture_output=True, text=True,
                           timeout=timeout)
        if check_rc and r.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
        return r

    def start(self):
        for d in ("munge", "run", "state", "spool", "log"):
            os.makedirs(os.path.join(self.root, d))
        os.chmod(self.root, 0o755)
        os.chmod(os.path.join(self.root, "run"), 0o755)  # munged: the socket's directory must be o+x
        os.chmod(os.path.join(self.root, "munge"), 0o700)
        key = os.path.join(self.root, "munge", "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o600)
        self.munge_socket = os.path.join(self.root, "run", "munge.socket")
        self.spawn("munged", [self.tool("munged"), "-F", "--force", f"--socket={self.munge_socket}",
                              f"--key-file={key}", f"--pid-file={self.root}/run/munged.pid",
                              f"--log-file={self.root}/log/munged.log",
                              f"--seed-file={self.root}/munge/munged.seed"], "munged.out")
        if not wait_for(lambda: os.path.exists(self.munge_socket), 15):
            raise RuntimeError("munged did not create its socket: " + read(f"{self.root}/log/munged.out"))
        self.write_conf()
        self.spawn("slurmctld", [self.tool("slurmctld"), "-D", "-f", self.conf], "slurmctld.out")
        self.spawn("slurmd", [self.tool("slurmd"), "-D", "-f", self.conf, "-N", "localhost"], "slurmd.out")
        if not wait_for(self.node_idle, 60, step=0.5):
            raise RuntimeError("the node did not become idle: " + self.run("sinfo", check_rc=False).stdout +
                               read(f"{self.root}/log/slurmctld.out")[-2000:] +
                               read(f"{self.root}/log/slurmd.out")[-2000:])

    def node_idle(self):
        for name, p in self.pids.items():
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited ({p.returncode}): " + read(f"{self.root}/log/{name}.out")[-3000:])
        r = self.run("sinfo", "-h", "-N", "-o", "%N %T", check_rc=False, timeout=10)
        return r.returncode == 0 and "localhost idle" in r.stdout

    def write_conf(self):
        ctld_port, d_port = free_ports(2)
        node = f"NodeName=localhost CPUs={os.cpu_count()}"
        r = subprocess.run([self.tool("slurmd"), "-C"], capture_output=True, text=True, env=self.env)
        m = re.search(r"^NodeName=\S+ (CPUs=.*)$", r.stdout, re.M)
        if r.returncode == 0 and m:  # the real topology: CPUs, sockets, cores, threads, memory
            node = "NodeName=localhost " + m.group(1).strip()
        self.cpus = int(re.search(r"CPUs=(\d+)", node).group(1))
        r = self.root
        conf = f"""# generated by tests/slurm/slurm_test.py: a private one-node cluster
ClusterName=platest
SlurmctldHost=localhost
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.munge_socket}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={r}/state
SlurmdSpoolDir={r}/spool
SlurmctldPidFile={r}/run/slurmctld.pid
SlurmdPidFile={r}/run/slurmd.pid
SlurmctldLogFile={r}/log/slurmctld.log
SlurmdLogFile={r}/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
SchedulerType=sched/builtin
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
KillWait=5
{node}
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""
        with open(self.conf, "w") as f:
            f.write(conf)

    def stop(self):
        """Cancels what is left, then ends the daemons by PID: slurmd,
        slurmctld, munged."""
        if "slurmctld" in self.pids and self.pids["slurmctld"].poll() is None:
            try:
                self.run("scancel", "--user=root", check_rc=False, timeout=10)
                wait_for(lambda: self.run("squeue", "-h", check_rc=False, timeout=10).stdout.strip() == "", 20,
                         step=0.5)
            except (subprocess.SubprocessError, OSError):
                pass
        for name in ("slurmd", "slurmctld", "munged"):
            p = self.pids.get(name)
            if p is None or p.poll() is not None:
                continue
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if self.watchdog is not None:
            try:
                os.kill(self.watchdog, signal.SIGKILL)
                os.waitpid(self.watchdog, 0)
            except OSError:
                pass
            self.watchdog = None


def wait_for(cond, timeout, step=0.2):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


# ---- jobs ---------------------------------------------------------------------------

class Job:
    def __init__(self, name, kind, sbatch_opts, env, ntasks, threads, output=None):
        self.name, self.kind, self.opts, self.env = name, kind, sbatch_opts, env
        self.ntasks, self.threads, self.output = ntasks, threads, output
        self.id = None
        self.signal_plan = None  # the stop-test jobs: "batch", "steps", "warning" or "limit"
        self.signalled = False  # scancel sent (SCANCEL_PLANS)
        self.seen_running = False  # every rank of pla seen running
        self.keep = None  # an existing output file: (path, fingerprint before the job)
        self.info = {}

    def log_path(self, jobs_dir):
        return os.path.join(jobs_dir, f"{self.name}-{self.id}.log")


def submit(cluster, jobs_dir, job, pla):
    env = dict(cluster.env)
    env.update({"PLA": pla}, **job.env)
    argv = [cluster.tool("sbatch"), "--parsable", f"--job-name={job.name}", f"--chdir={jobs_dir}",
            f"--output={jobs_dir}/%x-%j.log"] + job.opts + [script_path(job.kind)]
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
    if not check(r.returncode == 0, f"{job.name}: sbatch accepts it", r.stderr.strip()):
        return False
    job.id = r.stdout.strip().split(";")[0]
    log(f"submitted {job.name}: job {job.id} ({' '.join(job.opts)})")
    return True


def job_info(cluster, jobid):
    r = cluster.run("scontrol", "show", "job", "-o", jobid, check_rc=False, timeout=10)
    info = {}
    for line in r.stdout.splitlines():  # an array job prints one line per task
        d = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        key = d.get("ArrayTaskId", "")
        info[key] = d
    return info


def pla_pids_of_job(jobid, pla):
    """pids of pla processes running in Slurm job jobid (from their environment)."""
    pids = []
    for d in glob.glob("/proc/[0-9]*"):
        try:
            if os.path.realpath(os.readlink(d + "/exe")) != pla:
                continue
            with open(d + "/environ", "rb") as f:
                env = f.read().split(b"\0")
            if f"SLURM_JOB_ID={jobid}".encode() in env:
                pids.append(int(os.path.basename(d)))
        except OSError:
            pass
    return pids


# ---- numerical checks -------------------------------------------------------------

def close(a, b, rtol, what, job):
    import numpy as np
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if not check(a.shape == b.shape, f"{job}: {what} has shape {b.shape}", f"got {a.shape}"):
        return
    scale = max(float(np.max(np.abs(b))) if b.size else 0.0, 1e-300)
    err = float(np.max(np.abs(a - b))) / scale if a.size else 0.0
    check(err <= rtol, f"{job}: {what} agrees (max rel. error {err:.2e} <= {rtol:.0e})")


def read_group(path):
    import h5py
    import numpy as np
    file, _, group = path.partition(":")
    out = {}
    with h5py.File(file, "r") as f:
        g = f[group or "/"]
        for k, v in g.items():
            if isinstance(v, h5py.Dataset):
                out[k] = np.array(v[()])
    return out


def serial_bin():
    cand = [os.environ.get("PLA_SERIAL_BIN", "")] + os.environ.get("PLA_SERIAL_CANDIDATES", "").split(":")
    for c in cand:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.realpath(c)
    return None


def reference(serial, workdir, name, args):
    """Runs the single-process pla on args (writing workdir/name.h5); the
    output group's datasets, or None."""
    if serial is None:
        return None
    out = os.path.join(workdir, f"ref-{name}.h5")
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", HDF5_USE_FILE_LOCKING="FALSE")
    r = subprocess.run([serial] + args + ["-o", out, "-q"], cwd=workdir, env=env, capture_output=True, text=True,
                       timeout=300)
    if not check(r.returncode == 0 and os.path.exists(out), f"single-process pla {args[0]} runs", r.stderr.strip()):
        return None
    return read_group(out)


# ---- the run --------------------------------------------------------------------------

def make_inputs(cluster, work, pla):
    """Small inputs, written by pla gen (the single-process build when there
    is one: no MPI start-up per file)."""
    env = dict(cluster.env, OMP_NUM_THREADS="1")
    gens = [
        ["gen", "--rows", "300", "--cols", "200", "--seed", "1", "-o", "data.h5:/A"],
        ["gen", "--rows", "200", "--cols", "150", "--seed", "2", "-o", "data.h5:/B"],
        ["gen", "--rows", "400", "--cols", "60", "--dist", "normal", "--seed", "3", "-o", "data.h5:/X"],
        ["gen", "--kind", "regression", "--rows", "400", "--cols", "20", "--noise", "0.1", "--bias", "2",
         "--seed", "4", "-o", "reg.h5"],
        ["gen", "--kind", "symmetric", "--eigenvalues", "linear:1:100", "--rows", "120", "--seed", "5",
         "-o", "sym.h5"],
        ["gen", "--rows", "3000", "--cols", "3000", "--seed", "6", "-o", "long.h5:/X"],  # full SVD: 10 s or more
        ["gen", "--rows", "2000", "--cols", "2000", "--seed", "8", "--dtype", "float32", "-o", "limit.h5:/X"],
        ["gen", "--rows", "20", "--cols", "10", "--seed", "7", "-o", "keep.h5:/X"],
    ] + [["gen", "--rows", "200", "--cols", "30", "--dist", "normal", "--seed", str(10 + i), "-o",
          f"parts/part-{i}.h5:/X"] for i in range(3)]
    os.makedirs(os.path.join(work, "parts"))
    for g in gens:
        r = subprocess.run([pla] + g + ["-q"], cwd=work, env=env, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"pla {' '.join(g)}: exit {r.returncode}: {r.stderr.strip()}")
    with open(os.path.join(work, "inputs.txt"), "w") as f:
        for i in range(3):
            f.write(os.path.join(work, "parts", f"part-{i}.h5") + "\n")


def plan_jobs(work, cpus, have_pca):
    oc = ["--overcommit"]
    jobs = [
        # 4 ranks on a node of 2 CPUs: --overcommit
        Job("t-gemm", "gemm", ["--ntasks=4", "--cpus-per-task=1"] + (oc if 4 > cpus else []),
            {"A": f"{work}/data.h5:/A", "B": f"{work}/data.h5:/B", "OUTPUT": f"{work}/gemm.h5"}, 4, 1, "gemm.h5"),
        Job("t-qr", "qr", ["--ntasks=2", "--cpus-per-task=1"],
            {"INPUT": f"{work}/data.h5:/X", "OUTPUT": f"{work}/qr.h5", "MODE": "economic"}, 2, 1, "qr.h5"),
        Job("t-lstsq", "lstsq", ["--ntasks=2", "--cpus-per-task=1"],
            {"A": f"{work}/reg.h5:/X", "B": f"{work}/reg.h5:/y", "OUTPUT": f"{work}/lstsq.h5",
             "EXTRA": "--intercept"}, 2, 1, "lstsq.h5"),
        # hybrid: 1 rank x 2 threads
        Job("t-eig", "eig", ["--ntasks=1", f"--cpus-per-task={min(2, cpus)}"],
            {"INPUT": f"{work}/sym.h5:/A", "OUTPUT": f"{work}/eig.h5", "K": "10", "WHICH": "--largest"},
            1, min(2, cpus), "eig.h5"),
        Job("t-svd", "svd", ["--ntasks=2", "--cpus-per-task=1"],
            {"INPUT": f"{work}/data.h5:/X", "OUTPUT": f"{work}/svd.h5", "K": "8", "METHOD": "auto",
             "GRID": "2x1", "BLOCK": "16"}, 2, 1, "svd.h5"),
        Job("t-array", "array", ["--array=0-2", "--ntasks=1", "--cpus-per-task=1"],
            {"INPUTS": f"{work}/inputs.txt", "OUTDIR": f"{work}/results", "ARGS": "svd -i {}:/X -k 4"}, 1, 1),
    ]
    if have_pca:
        jobs.insert(5, Job("t-pca", "pca", ["--ntasks=2", "--cpus-per-task=1"],
                           {"INPUT": f"{work}/data.h5:/X", "OUTPUT": f"{work}/pca.h5", "K": "5", "SCORES": "1",
                            "SOLVER": "full"}, 2, 1, "pca.h5"))
    # the signal path: a long full SVD, stopped while it computes
    for name, plan in (("t-term-batch", "batch"), ("t-term-steps", "steps")):
        j = Job(name, "svd", ["--ntasks=2", "--cpus-per-task=1"],
                {"INPUT": f"{work}/long.h5:/X", "OUTPUT": f"{work}/{name}.h5", "K": "0", "METHOD": "full"},
                2, 1, f"{name}.h5")
        j.signal_plan = plan
        jobs.append(j)
    jobs += time_limit_jobs(work)
    return jobs


def time_limit_jobs(work):
    """Two jobs that run into a 1-minute time limit, for Slurm itself to stop:
    with --signal=B:TERM@WARN_AHEAD (the scripts' way, stopped before the
    limit) and without (@0: the limit's own SIGTERM to every task, SIGKILL
    KillWait later), the latter writing into an existing file.  The run must
    outlast the limit: 50 power iterations of a randomized SVD with k = 1900
    of a 2000 x 2000 matrix (16 MB as float32, computed in float64) would
    take about 8 minutes at 2 ranks on one CPU here (extrapolated from 1 and
    3 iterations); Slurm stops it after at most 90 s.  --overcommit lets both jobs run side by side on 2 CPUs."""
    run = {"INPUT": f"{work}/limit.h5:/X", "K": "1900", "METHOD": "randomized", "EXTRA": "--power-iters 50"}
    opts = ["--ntasks=2", "--cpus-per-task=1", "--overcommit", f"--time={LIMIT_MIN}"]
    warn = Job("t-limit-warning", "svd", opts + [f"--signal=B:TERM@{WARN_AHEAD}"],
               dict(run, OUTPUT=f"{work}/t-limit-warning.h5"), 2, 1, "t-limit-warning.h5")
    warn.signal_plan = "warning"
    keep = os.path.join(work, "keep.h5")
    kill = Job("t-limit-kill", "svd", opts + ["--signal=B:TERM@0"], dict(run, OUTPUT=f"{keep}:/run"), 2, 1)
    kill.signal_plan = "limit"
    kill.keep = (keep, fingerprint(keep))
    return [warn, kill]


def fingerprint(path):
    """Contents and modification time of a file, to tell it was not touched."""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return digest, os.stat(path).st_mtime_ns


def watch_stop_job(cluster, j, pla, running_since):
    """A running stop-test job: notes when every rank of pla runs; the scancel
    jobs are signalled 2 s later (pla is computing), the time-limit jobs are
    left to Slurm."""
    if j.signal_plan is None or j.signalled or (j.seen_running and j.signal_plan not in SCANCEL_PLANS):
        return
    if len(pla_pids_of_job(j.id, pla)) != j.ntasks:
        return
    if not j.seen_running:
        j.seen_running = True
        log(f"{j.name}: pla runs ({j.ntasks} ranks)")
    if j.signal_plan in SCANCEL_PLANS:
        running_since.setdefault(j.id, time.monotonic())
        if time.monotonic() - running_since[j.id] >= 2.0:  # pla is computing
            how = ["--batch"] if j.signal_plan == "batch" else []
            cluster.run("scancel", "--signal=TERM", *how, j.id, timeout=10)
            j.signalled = True
            log(f"{j.name}: scancel --signal=TERM {' '.join(how)} {j.id}")


def summary_of(logtext):
    """pla's JSON summary, as the script copied it into the log."""
    for line in logtext.splitlines():
        if line.startswith("{") and '"command"' in line:
            try:
                return json.loads(line)
            except ValueError:
                pass
    return None


def check_finished(job, jobs_dir, info):
    d = info.get("", next(iter(info.values()), {}))
    text = read(job.log_path(jobs_dir))
    detail = f"scontrol: {d.get('JobState')} ExitCode={d.get('ExitCode')}\n--- log ---\n{text[-3000:]}"
    check(d.get("JobState") == "COMPLETED" and d.get("ExitCode") == "0:0", f"{job.name}: job COMPLETED, exit 0:0",
          detail)
    s = summary_of(text)
    if check(s is not None, f"{job.name}: pla's JSON summary in the log", detail):
        check(s.get("status") == "ok", f"{job.name}: summary status ok", detail)
        check(s.get("nprocs") == job.ntasks and s.get("threads") == job.threads,
              f"{job.name}: ran as {job.ntasks} ranks x {job.threads} threads",
              f"summary: nprocs {s.get('nprocs')}, threads {s.get('threads')}")
        check("timings" in s, f"{job.name}: timings in the summary")
    check(re.search(r"pla-job: timings \(s, maximum over ranks\): \{", text) is not None,
          f"{job.name}: timings line in the log", detail)
    check(f"{job.ntasks} ranks x {job.threads} threads" in text, f"{job.name}: the layout in the log", detail)
    return s


def check_signalled(job, jobs_dir, work, info, pla):
    d = info.get("", {})
    text = read(job.log_path(jobs_dir))
    detail = (f"scontrol: {d.get('JobState')} Reason={d.get('Reason')} ExitCode={d.get('ExitCode')} "
              f"RunTime={d.get('RunTime')}\n--- log ---\n{text[-3000:]}")
    if job.signal_plan in SCANCEL_PLANS:
        check(job.signalled, f"{job.name}: signalled while pla ran", detail)
    else:
        check(job.seen_running, f"{job.name}: every rank of pla seen running", detail)
        if job.signal_plan == "warning":
            check_warning(job, d, text, detail)
        else:
            check_limit(job, d, text, detail)
    check(d.get("ExitCode") == "124:0", f"{job.name}: the job's exit code is pla's 124", detail)
    said = "no results moved into" if job.keep else "no output written"  # into an existing file, or a new one
    check(re.search(rf"^pla: stopped by SIGTERM: {said} ", text, re.M) is not None,
          f"{job.name}: pla's line 'stopped by SIGTERM: {said} ...' in the log", detail)
    check("pla exit status 124" in text, f"{job.name}: the script logs pla's status 124", detail)
    if job.signal_plan in ("batch", "warning"):
        check("got SIGTERM: passing it to the job step" in text,
              f"{job.name}: the batch shell forwards SIGTERM to the step", detail)
    s = summary_of(text)
    check(s is not None and s.get("status") == "stopped" and s.get("exit_code") == 124,
          f"{job.name}: the JSON summary says stopped", detail)
    if job.keep:
        path, before = job.keep
        check(fingerprint(path) == before, f"{job.name}: the existing output file untouched", detail)
    else:
        check(not os.path.exists(os.path.join(work, job.output)), f"{job.name}: no output file", detail)
    left = glob.glob(os.path.join(work, ".*.pla-*.tmp"))
    check(not left, f"{job.name}: no temporary file left", str(left))
    check(not re.search(r"^pla: error", text, re.M), f"{job.name}: no error line", detail)
    check(not pla_pids_of_job(job.id, pla), f"{job.name}: no pla process left")


def check_warning(job, d, text, detail):
    """--signal=B:TERM@WARN_AHEAD: the script passed the signal on and pla's
    124 ended the job before its limit (FAILED; TIMEOUT would mean the
    signal came late or did not stop pla)."""
    check(d.get("JobState") == "FAILED" and d.get("Reason") == "NonZeroExitCode",
          f"{job.name}: ended by pla's exit before the time limit (FAILED, not TIMEOUT)", detail)
    start, got = slurm_time(d.get("StartTime")), log_time(text, r"pla-job: got SIGTERM")
    if start and got:
        log(f"{job.name}: Slurm's SIGTERM (--signal=B:TERM@{WARN_AHEAD}) reached the batch shell "
            f"{got - start:.0f} s after the start, {start + 60 * LIMIT_MIN - got:.0f} s before the limit")


def check_limit(job, d, text, detail):
    """No warning signal: Slurm's time limit itself (SIGTERM to every task and
    to the batch shell, SIGKILL KillWait s later) and pla's clean stop."""
    check(d.get("JobState") == "TIMEOUT" and d.get("Reason") == "TimeLimit",
          f"{job.name}: job state TIMEOUT (Reason=TimeLimit)", detail)
    check(re.search(r"CANCELLED AT \S+ DUE TO TIME LIMIT", text) is not None,
          f"{job.name}: slurmstepd's time limit line in the log", detail)
    start, end = slurm_time(d.get("StartTime")), log_time(text, r"\*\*\* JOB .* DUE TO TIME LIMIT")
    if start and end:
        log(f"{job.name}: Slurm enforced the {LIMIT_MIN} min limit {end - start:.0f} s after the start "
            f"({end - start - 60 * LIMIT_MIN:.0f} s late)")


def slurm_time(stamp):
    """Epoch seconds of scontrol's local time 2026-12-02T18:54:17, or None."""
    try:
        return time.mktime(time.strptime(stamp or "", "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return None


def log_time(text, pattern):
    """Epoch seconds of the first log line matching pattern: the script's
    '%F %T' prefix, or the time in slurmstepd's 'CANCELLED AT' line."""
    for line in text.splitlines():
        if re.search(pattern, line):
            m = re.search(r"(?:^|AT )(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)", line)
            return slurm_time(f"{m.group(1)}T{m.group(2)}") if m else None
    return None


def check_numbers(jobs, work, serial):
    import h5py
    import numpy as np
    with h5py.File(os.path.join(work, "data.h5"), "r") as f:
        A, B, X = f["A"][()], f["B"][()], f["X"][()]
    by = {j.kind: j for j in jobs if j.signal_plan is None}
    ref_note = "the single-process build" if serial else "numpy (no single-process build found)"
    log(f"checking the outputs against {ref_note}")

    if "gemm" in by and os.path.exists(f"{work}/gemm.h5"):
        got = read_group(f"{work}/gemm.h5")
        close(got.get("C"), A @ B, 1e-12, "C vs numpy A @ B", "gemm")
        ref = reference(serial, work, "gemm", ["gemm", "-a", "data.h5:/A", "-b", "data.h5:/B"])
        if ref:
            close(got.get("C"), ref["C"], 1e-12, "C vs the single-process build", "gemm")
    if "qr" in by and os.path.exists(f"{work}/qr.h5"):
        got = read_group(f"{work}/qr.h5")
        Q, R = got.get("Q"), got.get("R")
        if check(Q is not None and R is not None, "qr: Q and R written"):
            close(Q @ R, X, 1e-12, "Q R vs X", "qr")
            close(Q.T @ Q, np.eye(X.shape[1]), 1e-12, "Q^T Q vs I", "qr")
            ref = reference(serial, work, "qr", ["qr", "-i", "data.h5:/X", "--mode", "economic"])
            if ref:
                close(R, ref["R"], 1e-10, "R vs the single-process build", "qr")
                close(Q, ref["Q"], 1e-10, "Q vs the single-process build", "qr")
    if "lstsq" in by and os.path.exists(f"{work}/lstsq.h5"):
        got = read_group(f"{work}/lstsq.h5")
        with h5py.File(os.path.join(work, "reg.h5"), "r") as f:
            Xr, y = f["X"][()], f["y"][()]
        M = np.hstack([Xr, np.ones((Xr.shape[0], 1))])
        sol = np.linalg.lstsq(M, y, rcond=None)[0]
        close(np.ravel(got.get("coef")), sol[:-1], 1e-10, "coef vs numpy lstsq", "lstsq")
        close(np.ravel(got.get("intercept")), [sol[-1]], 1e-10, "intercept vs numpy lstsq", "lstsq")
        ref = reference(serial, work, "lstsq", ["lstsq", "-a", "reg.h5:/X", "-b", "reg.h5:/y", "--intercept"])
        if ref:
            for k in ("coef", "intercept", "r2"):
                close(got.get(k), ref[k], 1e-10, f"{k} vs the single-process build", "lstsq")
    if "eig" in by and os.path.exists(f"{work}/eig.h5"):
        got = read_group(f"{work}/eig.h5")
        with h5py.File(os.path.join(work, "sym.h5"), "r") as f:
            S = f["A"][()]
        w = np.linalg.eigvalsh(S)[-10:]
        close(got.get("eigenvalues"), w, 1e-12, "eigenvalues vs numpy eigvalsh", "eig")
        V = got.get("eigenvectors")
        if check(V is not None, "eig: eigenvectors written"):
            close(S @ V, V * got["eigenvalues"], 1e-10, "A V = V diag(w)", "eig")
        ref = reference(serial, work, "eig", ["eig", "-i", "sym.h5:/A", "-k", "10", "--largest"])
        if ref:
            close(got.get("eigenvalues"), ref["eigenvalues"], 1e-12, "eigenvalues vs the single-process build", "eig")
            close(V, ref["eigenvectors"], 1e-8, "eigenvectors vs the single-process build", "eig")
    if "svd" in by and os.path.exists(f"{work}/svd.h5"):
        got = read_group(f"{work}/svd.h5")
        s = np.linalg.svd(X, compute_uv=False)[:8]
        close(got.get("S"), s, 1e-10, "S vs numpy svd", "svd")
        U, S_, Vt = got.get("U"), got.get("S"), got.get("Vt")
        if check(U is not None and Vt is not None, "svd: U and Vt written"):
            close(X @ Vt.T, U * S_, 1e-8, "A V = U diag(S)", "svd")
        ref = reference(serial, work, "svd", ["svd", "-i", "data.h5:/X", "-k", "8", "--method", "auto"])
        if ref:
            close(S_, ref["S"], 1e-10, "S vs the single-process build", "svd")
            close(U, ref["U"], 1e-6, "U vs the single-process build", "svd")
    if "pca" in by and os.path.exists(f"{work}/pca.h5"):
        got = read_group(f"{work}/pca.h5")
        Xc = X - X.mean(axis=0)
        s = np.linalg.svd(Xc, compute_uv=False)[:5]
        close(got.get("singular_values"), s, 1e-10, "singular_values vs numpy", "pca")
        close(got.get("explained_variance"), s ** 2 / (X.shape[0] - 1), 1e-10, "explained_variance vs numpy", "pca")
        comps = got.get("components")
        if check(comps is not None and got.get("scores") is not None, "pca: components and scores written"):
            close(got["scores"], Xc @ comps.T, 1e-10, "scores = (X - mean) components^T", "pca")
        ref = reference(serial, work, "pca", ["pca", "-i", "data.h5:/X", "-k", "5", "--solver", "full", "--scores"])
        if ref:
            close(comps, ref["components"], 1e-8, "components vs the single-process build", "pca")
    if "array" in by:
        for i in range(3):
            out = f"{work}/results/part-{i}.h5"
            if not check(os.path.exists(out), f"array: results/part-{i}.h5 written"):
                continue
            check(os.path.exists(f"{work}/results/part-{i}.json"), f"array: results/part-{i}.json beside it")
            with h5py.File(f"{work}/parts/part-{i}.h5", "r") as f:
                P = f["X"][()]
            close(read_group(out).get("S"), np.linalg.svd(P, compute_uv=False)[:4], 1e-10,
                  f"part-{i} S vs numpy svd", "array")


def run():
    missing = missing_tools()
    if missing:
        print(f"SKIP: Slurm is not installed (missing {', '.join(missing)}); on Debian: "
              "apt-get install slurmctld slurmd slurm-client munge (scripts/setup.sh installs them)", flush=True)
        return SKIP
    if os.geteuid() != 0:
        print("SKIP: the private Slurm cluster of this test runs its daemons as root (SlurmUser=root); "
              "run the test as root (as CI does)", flush=True)
        return SKIP
    pla = os.path.realpath(os.environ["PLA_BIN"])
    serial = serial_bin()
    try:
        import h5py  # noqa: F401
        import numpy  # noqa: F401
    except ImportError as e:
        print(f"FAIL: {e}: the checks need /usr/bin/python3 with numpy and h5py", flush=True)
        return 1
    lint_rc = lint()
    if lint_rc != 0:
        return lint_rc
    root = tempfile.mkdtemp(prefix="pla-slurm-")
    work, jobs_dir = os.path.join(root, "work"), os.path.join(root, "jobs")
    os.makedirs(work)
    os.makedirs(jobs_dir)
    cluster = Cluster(os.path.join(root, "cluster"))
    os.makedirs(cluster.root)

    def on_signal(sig, _frame):
        raise KeyboardInterrupt(f"signal {sig}")

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    t0 = time.monotonic()
    try:
        log(f"cluster in {root}; pla {pla}; reference: {serial or 'numpy only'}")
        cluster.start()
        log(f"slurmctld, slurmd and munged up (PIDs {', '.join(f'{k} {p.pid}' for k, p in cluster.pids.items())}); "
            f"node idle after {time.monotonic() - t0:.1f} s")
        have_pca = subprocess.run([pla, "pca", "--help"], capture_output=True).returncode == 0
        if not have_pca:
            print("SKIP the pca job: this pla has no pca command yet", flush=True)
        make_inputs(cluster, work, serial or pla)
        jobs = plan_jobs(work, cluster.cpus, have_pca)
        for j in jobs:
            submit(cluster, jobs_dir, j, pla)
        jobs = [j for j in jobs if j.id]
        timeout = float(os.environ.get("PLA_SLURM_TIMEOUT", "420"))
        end = time.monotonic() + timeout
        pending = {j.id: j for j in jobs}
        running_since = {}
        while pending and time.monotonic() < end:
            r = cluster.run("squeue", "-h", "-o", "%i %T", check_rc=False, timeout=10)
            states = {}
            for line in r.stdout.split("\n"):
                if line.strip():
                    jid, state = line.split()
                    states[jid.split("_")[0]] = state
            for jid in list(pending):
                j = pending[jid]
                if jid not in states:
                    j.info = job_info(cluster, jid)
                    log(f"{j.name} (job {jid}) finished: "
                        + ", ".join(f"{d.get('JobState')} {d.get('ExitCode')}" for d in j.info.values()))
                    del pending[jid]
                elif states[jid] == "RUNNING":
                    watch_stop_job(cluster, j, pla, running_since)
            time.sleep(0.3)
        check(not pending, "every job ended in time",
              f"still queued after {timeout:.0f} s: {[j.name for j in pending.values()]}")
        for j in jobs:
            if j.id in pending:
                continue
            if j.signal_plan:
                check_signalled(j, jobs_dir, work, j.info, pla)
            elif j.kind == "array":
                states = {k: (d.get("JobState"), d.get("ExitCode")) for k, d in j.info.items()}
                check(len(states) == 3 and all(v == ("COMPLETED", "0:0") for v in states.values()),
                      f"{j.name}: 3 array tasks COMPLETED, exit 0:0", str(states))
                logs = glob.glob(os.path.join(jobs_dir, f"{j.name}-*.log"))
                check(len(logs) == 3, f"{j.name}: one log per task", str(logs))
            else:
                check_finished(j, jobs_dir, j.info)
        check_numbers(jobs, work, serial)
    except KeyboardInterrupt as e:
        check(False, "the test ran to its end", str(e))
    except (RuntimeError, subprocess.SubprocessError, OSError) as e:
        check(False, "the cluster and the jobs ran", str(e))
    finally:
        cluster.stop()
        left = [n for n, p in cluster.pids.items() if p.poll() is None]
        check(not left, "every daemon stopped", str(left))
        for s, h in old.items():
            signal.signal(s, h)
        if failures or os.environ.get("PLA_SLURM_KEEP") == "1":
            print(f"kept {root} (logs: {jobs_dir}, {cluster.root}/log)", flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return summary("slurm_test", f", {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "run"
    if mode == "lint":
        sys.exit(lint())
    if mode == "run":
        sys.exit(run())
    sys.exit(f"usage: {sys.argv[0]} run|lint")
