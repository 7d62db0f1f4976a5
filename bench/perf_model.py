#!/usr/bin/env python3
"""The alpha-beta-gamma performance model of pla (docs/performance.md,
"Performance model: communication, memory and predicted scaling").

For each solver it counts, per rank, the arithmetic (at the rate of the
kernel that does it), the messages (alpha) and the words (beta) of every
collective the code makes, and the memory per rank (the same formulas as
pla's own memory plans, apps/solver_plans.c, apps/pca_plan.c and
apps/gemm_shapes.c).  It prints markdown tables of predicted strong and weak
scaling for the benchmark shapes of bench/, and with --validate compares the
model with the 2-core measurements of bench/RESULTS.md.

Nothing is run: it is arithmetic only.  Usage:

    bench/perf_model.py                      # strong + weak scaling, 64-core nodes, 100 Gb/s InfiniBand
    bench/perf_model.py --net eth            # 25 Gb/s Ethernet
    bench/perf_model.py --cores-per-node 32 --threads 4
    bench/perf_model.py --validate           # the 2-core machine against bench/RESULTS.md
    bench/perf_model.py --only eig,pca-cov --pmax 256

Words are 8-byte float64 values; times in seconds; every rate is per core.
"""
import argparse
import math
import sys

# ---------------------------------------------------------------------------
# Kernel rates measured on the 2-core development VM (AMD EPYC Zen 5,
# OpenBLAS Haswell kernels), per core.  Sources: bench/RESULTS.md and the
# measurements listed in docs/performance.md ("Machine parameters").
# ---------------------------------------------------------------------------
HERE = {
    "gemm": 48.2e9,        # dgemm_single 96.4 GFLOP/s on 2 threads (GEMM section)
    "pblas": 0.957,        # pla_gemm (pdgemm, pilaenv 256) at 2 ranks / dgemm (GEMM section)
    "leaf": 31.5e9,        # dlatsqr, 100000 x 501, 1 thread (QR section, local kernels)
    "geqrf": 16.8e9,       # pdgeqrf 200000 x 500 on 2x1: 33.7 GFLOP/s over 2 ranks (QR section)
    "geqrf_local": 24.1e9, # LAPACK dgeqrf, 100000 x 501, 1 thread (QR section, local kernels)
    "orgqr": 22.8e9,       # pdgeqrf + pdorgqr 5.16 s minus pdgeqrf 2.97 s, same flop count
    "gemv": 4.6e9,         # dgemv 8000 x 8000, 1 thread (out of cache; measured, docs/performance.md)
    "gemv_cache": 14.5e9,  # dgemv 400 x 400 and 1000 x 1000, 1 thread (in cache; measured)
    "skinny": 34.0e9,      # A^T X 32.9, A W 35.4: 50000 x 2000 by 60 columns, 1 thread (measured)
    "syrk": 35.5e9,        # dsyrk of a 100000 x 501 panel, transposed, 1 thread (measured)
    "bw": 15.0e9,          # bytes/s one core reads (sum of 800 MB, 1 thread; measured)
    "sytrd": 7.17e9,       # LAPACK dsytrd n = 3000, 1 thread: 5.02 s for 4/3 n^3 (measured)
    "gesdd_uv": 0.485,     # LAPACK dgesdd n x n with U and V: s per (n/1000)^3; 3.88 s at n = 2000, 1 thread
    "gesdd_s": 0.28,       # the same, values only: 2.25 s at n = 2000
}

NETS = {
    # alpha (s), bandwidth (bytes/s).  Intra-node: Open MPI shared memory (vader + CMA).
    # Inter-node: per node link, shared by the ranks of a node that use it at once.
    "intra": (0.44e-6, 4.5e9),  # NetPIPE (NPopenmpi) on this VM: 0.44 us, 4.4-4.6 GB/s >= 16 MB
    "ib": (1.5e-6, 12.0e9),    # 100 Gb/s InfiniBand (HDR100/EDR): ~1.5 us MPI latency, 12 GB/s
    "eth": (15e-6, 2.9e9),     # 25 Gb/s Ethernet, TCP: ~15 us, 2.9 GB/s
}


def lg(p):
    return math.ceil(math.log2(p)) if p > 1 else 0


def local_extent(n, nb, iproc, nprocs):
    """Rows (or columns) of an n-long dimension in blocks of nb held by process iproc (numroc),
    as apps/memory_plan.c."""
    nb = max(nb, 1)
    nblocks = n // nb
    count = (nblocks // nprocs) * nb
    extra = nblocks % nprocs
    if iproc < extra:
        count += nb
    elif iproc == extra:
        count += n % nb
    return count


def mem_local(m, n, mb, nb, pr, pc, es=8):
    """Bytes of an m x n matrix's local share on rank 0 (the largest), as cli_mem_local."""
    return float(local_extent(m, mb, 0, pr)) * local_extent(n, nb, 0, pc) * es


def default_grid(p):
    """pla_grid_default: the largest divisor of p not above sqrt(p) rows."""
    r = 1
    d = 1
    while d * d <= p:
        if p % d == 0:
            r = d
        d += 1
    return r, p // r


class Machine:
    def __init__(self, a, ranks, threads=None):
        self.P = ranks
        self.T = threads or a.threads
        # threads beyond a NUMA domain help less (remote memory): an assumption, --numa-cores
        numa = max(1, a.numa_cores)
        self.teff = self.T if self.T <= numa else numa + 0.5 * (self.T - numa)
        self.cores = a.cores_per_node
        self.rpn = max(1, min(ranks, self.cores // self.T))          # ranks per node
        used = min(ranks * self.T, self.cores)                         # cores busy on a node
        self.bw_core = min(a.bw_core * 1e9 if a.bw_core else HERE["bw"], a.node_bw * 1e9 / used)
        ratio = self.bw_core / HERE["bw"]                              # memory-bound kernels scale with this
        self.r3 = HERE["gemm"] * self.teff
        self.r2 = HERE["gemv"] * min(1.0, ratio) * self.teff
        self.cache = a.cache_mib * 2 ** 20
        self.bw = self.bw_core * self.T
        self.ai, bi = NETS["intra"]
        self.bi = 8.0 / bi
        self.ao, bo = NETS[a.net]
        self.bo = 8.0 / bo

    def mixed(self, here, ws=None, r2=None):
        """A kernel measured at `here` flop/s per core (out of cache): split into a GEMM-bound and a
        memory-bound (gemv-rate) fraction on this VM, and rebuilt with this machine's rates.  When its
        working set per rank `ws` (bytes) fits in the cache of the rank's cores, the memory-bound
        fraction runs at the in-cache gemv rate instead."""
        phi = (1 / here - 1 / HERE["gemm"]) / (1 / HERE["gemv"] - 1 / HERE["gemm"])
        phi = min(max(phi, 0.0), 1.0)
        r2 = r2 or self.r2
        if ws is not None and ws <= self.cache * self.T:
            r2 = HERE["gemv_cache"] * self.teff
        return 1.0 / ((1 - phi) / self.r3 + phi / r2)

    def gesdd(self, n, vectors):
        """LAPACK ?gesdd of an n x n matrix on one rank, from the 1-thread measurement (the other ranks
        wait, so it has the node's bandwidth); its threads by Amdahl with a serial fraction of 0.3
        (the bidiagonal divide and conquer and the level-2 half of the bidiagonalization): an
        assumption."""
        t1 = (HERE["gesdd_uv"] if vectors else HERE["gesdd_s"]) * (n / 1000.0) ** 3
        return t1 * (0.3 + 0.7 / self.teff)

    def members(self, p, stride):
        """Members of a group of p ranks (rank numbers stride apart) on one node."""
        if stride >= self.rpn:
            return 1
        return max(1, min(p, self.rpn // stride))

    def coll(self, kind, words, p, stride=1):
        """(latency, bandwidth) seconds of one collective of `words` over p ranks stride apart:
        binomial tree or (long messages) scatter-allgather / Rabenseifner, whichever is cheaper,
        intra-node levels then inter-node levels; the node link is shared by the groups of a node."""
        if p <= 1:
            return 0.0, 0.0
        g = self.members(p, stride)
        parts = [(g, self.ai, self.bi, 1.0), (math.ceil(p / g), self.ao, self.bo, self.rpn / g)]
        lat = bw = 0.0
        for q, a, b, share in parts:
            if q <= 1:
                continue
            L = lg(q)
            tree = (L * a, L * words * b * share)
            if kind == "bcast":
                long_ = ((L + q - 1) * a, 2.0 * (q - 1) / q * words * b * share)
            else:  # allreduce (reduce: the same order)
                long_ = (2 * L * a, 2.0 * (q - 1) / q * words * b * share)
            best = min(tree, long_, key=lambda t: t[0] + t[1])
            lat += best[0]
            bw += best[1]
        return lat, bw

    def p2p(self, words, intra):
        return (self.ai, words * self.bi) if intra else (self.ao, words * self.bo)


class Cost:
    """Per-rank time on the critical path, by term; memory per rank in bytes."""

    def __init__(self, name):
        self.name = name
        self.t = {"flops": 0.0, "serial": 0.0, "latency": 0.0, "bandwidth": 0.0}
        self.mem = 0.0
        self.note = ""

    def flops(self, count, rate):
        self.t["flops"] += count / rate

    def stream(self, words, mach):
        """Memory passes (copies, column sums): bytes over the rank's memory bandwidth."""
        self.t["flops"] += 8.0 * words / mach.bw

    def serial(self, seconds):
        self.t["serial"] += seconds

    def comm(self, lat_bw, times=1.0):
        self.t["latency"] += lat_bw[0] * times
        self.t["bandwidth"] += lat_bw[1] * times

    def total(self):
        return sum(self.t.values())

    def dominant(self):
        return max(self.t, key=lambda k: self.t[k])


# ---------------------------------------------------------------------------
# Solver building blocks (what the code in src/ does, see the docs section)
# ---------------------------------------------------------------------------
def imbalance(m, n, mb, nb, pr, pc):
    """The largest local share over the average one (block-cyclic load imbalance)."""
    if m * n == 0:
        return 1.0
    return mem_local(m, n, mb, nb, pr, pc, 1) * pr * pc / (m * n)


def summa(c, M, m, n, k, pr, pc, kb=256, nb=256, pblas=True):
    """pdgemm C (m x n) += A (m x k) B (k x n) on pr x pc: k/kb steps, each a broadcast of an A panel
    along the process row and a B panel down the process column (PBLAS's PB_CpgemmAB)."""
    P = pr * pc
    rate = M.r3 * (HERE["pblas"] if P > 1 and pblas else 1.0)
    c.flops(2.0 * m * n * k / P * imbalance(m, n, nb, nb, pr, pc), rate)
    steps = math.ceil(k / kb)
    c.comm(M.coll("bcast", m / pr * kb, pc, 1), steps)
    c.comm(M.coll("bcast", kb * n / pc, pr, pc), steps)


def householder_qr(c, M, m, n, nb, pr, pc, want_q):
    """p?geqrf (+ p?orgqr): flops 2 m n^2 - 2 n^3 / 3 each; per column 3 small reductions down the
    process column (norm, reflector, T), per panel the trailing-update reduction and two row broadcasts
    (Demmel, Grigori, Hoemmen and Langou's ScaLAPACK column: 3 n log Pr + 2 (n / nb) log Pc messages,
    (n^2 / Pc + nb n) log Pr + ((m n - n^2 / 2) / Pr + nb n / 2) log Pc words)."""
    P = pr * pc
    f = (2.0 * m * n * n - 2.0 * n ** 3 / 3.0) / P * imbalance(m, n, nb, nb, pr, pc)
    panel = math.ceil(m / pr) * nb * 8.0
    c.flops(f, M.mixed(HERE["geqrf"] if P > 1 else HERE["geqrf_local"], panel))
    c.comm(M.coll("allreduce", nb, pr, pc), 3 * n)
    panels = math.ceil(n / nb)
    c.comm(M.coll("allreduce", nb * n / 2.0 / pc, pr, pc), panels)
    c.comm(M.coll("bcast", (m - n / 2.0) / pr * nb, pc, 1), 2 * panels)
    if want_q:
        c.flops(f, M.mixed(HERE["orgqr"], panel))
        c.comm(M.coll("allreduce", nb * n / 2.0 / pc, pr, pc), panels)
        c.comm(M.coll("bcast", (m - n / 2.0) / pr * nb, pc, 1), 2 * panels)


def tsqr(c, M, m, n, want_q, P):
    """TSQR on P x 1 (src/solvers/tsqr.c): leaves by ?latsqr per thread, then log2 P tree levels, each a
    dense ?geqrf of the stacked 2n x n pair (10/3 n^3) after a message of n^2 words (plus its size);
    with Q the way back down: ?orgqr and a 2n x n x n gemm per level, then the leaf's Q (?orgqr-like
    pass and a gemm by the n x n coefficients).  Tree work is on the critical path: 'serial'."""
    rows = math.ceil(m / P)
    leaf = 2.0 * rows * n * n - 2.0 * n ** 3 / 3.0
    c.flops(max(leaf, 0.0), HERE["leaf"] * M.teff)   # row blocks in cache: compute bound
    chunks = min(M.T, max(1, rows // (n + max(n, 1024))), 64)
    if chunks > 1:   # the threads' R factors combined by one ?geqrf of the stacked chunks x n by n
        c.serial((2.0 * chunks * n * n * n - 2.0 * n ** 3 / 3.0) / (HERE["geqrf_local"] * 0.5 * M.teff))
    levels = lg(P)
    small = HERE["leaf"]                        # the tree's small LAPACK calls: one thread's rate, roughly
    for i in range(levels):
        d = 2 ** i
        intra = 2 * d <= M.rpn
        c.comm(M.p2p(1, intra))
        c.comm(M.p2p(n * n, intra))
        c.serial(10.0 / 3.0 * n ** 3 / small)
        if want_q:
            c.comm(M.p2p(n * n, intra))
            c.serial((10.0 / 3.0 * n ** 3 + 4.0 * n ** 3) / small)
    if want_q:
        c.flops(2.0 * rows * n * n, M.mixed(HERE["orgqr"]))
        c.flops(2.0 * rows * n * n, M.r3)
        if chunks > 1:
            c.serial((10.0 / 3.0 + 4.0) * chunks * n ** 3 / (HERE["geqrf_local"] * 0.5 * M.teff))


def scatter_from_root(c, M, words, P, nb, n):
    """pdgemr2d from rank 0 to the grid (or back): rank 0 sends its share to each owner."""
    if P <= 1:
        return
    msgs = min(P - 1, max(1, math.ceil(n / nb)))
    inter = M.rpn < P
    a = M.ao if inter else M.ai
    b = M.bo if inter else M.bi
    c.comm((msgs * a, words * (P - 1) / P * b))


def sytrd(c, M, n, nb, pr, pc):
    """p?sytrd: 4/3 n^3 flops, half in p?symv (memory bound), half in p?syr2k; per column the reflector
    is broadcast along the process row and down the column and the symv's partial sums are reduced both
    ways (about n (3 log Pr + 2 log Pc) messages, n^2 (log Pc / Pr + log Pr / Pc) words)."""
    P = pr * pc
    f = 4.0 / 3.0 * n ** 3 / P * imbalance(n, n, nb, nb, pr, pc)
    c.flops(f, M.mixed(HERE["sytrd"], mem_local(n, n, nb, nb, pr, pc)))
    avg = n / 2.0
    c.comm(M.coll("bcast", avg / pr, pc, 1), n)
    c.comm(M.coll("bcast", avg / pc, pr, pc), n)
    c.comm(M.coll("allreduce", avg / pr, pc, 1), n)
    c.comm(M.coll("allreduce", avg / pc, pr, pc), n)
    c.comm(M.coll("allreduce", 2, pr, pc), n)


def ormtr(c, M, n, k, nb, pr, pc):
    """p?ormtr: the n - 1 reflectors applied to k vectors, 2 n^2 k flops (level 3); per panel a
    broadcast of the reflectors along the row and a reduction of nb x k / Pc down the column."""
    P = pr * pc
    c.flops(2.0 * n * n * k / P * imbalance(n, max(k, 1), nb, nb, pr, pc), M.r3 * HERE["pblas"])
    panels = math.ceil(n / nb)
    c.comm(M.coll("bcast", n / 2.0 / pr * nb, pc, 1), panels)
    c.comm(M.coll("allreduce", nb * k / pc, pr, pc), panels)


def stedc(c, M, n, nb, pr, pc, frac=0.5):
    """p?stedc: log2(n / nb) merges whose eigenvector updates are GEMMs, at most 4/3 n^3 flops
    (`frac` of it after deflation); their communication taken as that of one SUMMA product of order n."""
    P = pr * pc
    c.flops(frac * 4.0 / 3.0 * n ** 3 / P, M.r3 * HERE["pblas"])
    c.serial(20.0 * n * n / (HERE["gemv"] * M.teff))   # the secular equations, O(n^2) on every rank
    steps = math.ceil(n / nb)
    c.comm(M.coll("bcast", n / pr * nb, pc, 1), steps * frac)
    c.comm(M.coll("bcast", nb * n / pc, pr, pc), steps * frac)


# ---------------------------------------------------------------------------
# The solvers
# ---------------------------------------------------------------------------
def io_part(parts):
    largest = max(parts) if parts else 0.0
    return min(2.0 * largest, 64.0 * 1048576.0)


def tsqr_buffers(T, n, es=8):
    tri = float(n) * n * es
    return T * (tri + 4.0 * 1048576.0) + 4.0 * tri


def gemm(M, m, n, k, grid=None, nb=256):
    pr, pc = grid or default_grid(M.P)
    c = Cost("gemm")
    summa(c, M, m, n, k, pr, pc, kb=256, nb=nb)
    parts = [mem_local(m, k, nb, nb, pr, pc), mem_local(k, n, nb, nb, pr, pc), mem_local(m, n, nb, nb, pr, pc),
             4.0 * mem_local(max(m, n, k), 1, nb, nb, pr, 1)]
    c.mem = sum(parts) + io_part(parts)
    c.grid = (pr, pc)
    return c


def qr(M, m, n, want_q, method="auto", nb=64):
    """pla qr: P x 1 when m >= 4 n; TSQR when m >= 16 n (pla_qr_choose_shape)."""
    P = M.P
    pr, pc = (P, 1) if m >= 4 * n else default_grid(P)
    use_tsqr = method == "tsqr" or (method == "auto" and m >= 16 * n)
    c = Cost("qr")
    a = mem_local(m, n, nb, nb, pr, pc)
    parts = [a]
    if use_tsqr:
        tsqr(c, M, m, n, want_q, P)
        scatter_from_root(c, M, n * n, P, nb, n)
        if want_q:
            parts += [a, mem_local(m, n, nb, nb, pr, pc), tsqr_buffers(M.T, n)]
        else:
            parts += [tsqr_buffers(M.T, n)]
        parts.append(mem_local(n, n, nb, nb, pr, pc) + n * n * 8.0)
    else:
        c.stream(2.0 * m * n / P, M)                        # the working copy
        householder_qr(c, M, m, n, nb, pr, pc, want_q)
        parts += [a] + ([mem_local(m, n, nb, nb, pr, pc)] if m <= n else [])
        parts.append(mem_local(n, n, nb, nb, pr, pc))
    c.mem = sum(parts) + io_part(parts)
    c.grid = (pr, pc)
    c.method = "tsqr" if use_tsqr else "householder"
    return c


def lstsq(M, m, n, r=1, solver="auto", nb=64):
    """pla lstsq (src/solvers/lstsq.c): auto = tsqr when m >= 16 (n + r), else qr."""
    P = M.P
    w = n + r
    if solver == "auto":
        solver = "tsqr" if m >= 16 * w else "qr"
    pr, pc = (P, 1) if (solver == "tsqr" or m >= 4 * w) else default_grid(P)
    c = Cost("lstsq")
    c.stream(m * n / P, M)                                  # pla_norm(MAX, A)
    c.comm(M.coll("allreduce", 1, P))
    if solver == "tsqr":
        tsqr(c, M, m, w, False, P)                          # streams [A B], no copy
        scatter_from_root(c, M, w * w, P, nb, w)            # R onto the grid ...
        scatter_from_root(c, M, w * w, P, nb, w)            # ... and gathered back for the small solve
    elif solver == "qr":
        c.stream(2.0 * m * w / P, M)                        # W = [A B]
        householder_qr(c, M, m, w, nb, pr, pc, False)
        scatter_from_root(c, M, w * w, P, nb, w)
    else:  # normal: W = [A B], G = W^T W by p?syrk, gathered; Cholesky on rank 0
        c.stream(2.0 * m * w / P, M)
        c.flops(1.0 * m * w * w / P, HERE["syrk"] * M.teff * (HERE["pblas"] if P > 1 else 1.0))
        c.comm(M.coll("allreduce", w * w / 2.0, pr, pc))
        c.comm((M.coll("allreduce", 1, pr, pc)[0] * math.ceil(w / nb), 0.0))
        scatter_from_root(c, M, w * w, P, nb, w)
        c.serial(w ** 3 / 3.0 / (HERE["gemm"] * M.teff))
    c.serial(n * n * r / (HERE["gemv"] * M.teff))              # the triangular solve on rank 0
    scatter_from_root(c, M, n * r, P, nb, n)                # X
    # statistics: E = B - A X (pdgemm, depth n), column sums and sums of squares
    summa(c, M, m, r, n, pr, pc, kb=256, nb=nb)
    c.stream(2.0 * m * r / P + m * n / P, M)
    c.comm(M.coll("allreduce", r, P), 3)
    a = mem_local(m, n, nb, nb, pr, pc)
    b = mem_local(m, r, nb, nb, pr, pc)
    parts = [a, b]
    if solver == "tsqr":
        parts.append(tsqr_buffers(M.T, w))
    elif solver == "qr":
        parts.append(mem_local(m, w, nb, nb, pr, pc))
    else:
        parts.append(mem_local(w, w, nb, nb, pr, pc))
        c.note = "normal: the plan omits W = [A B] (%.0f MiB per rank)" % (mem_local(m, w, nb, nb, pr, pc) / 2 ** 20)
    parts += [4.0 * w * w * 8.0, b]
    c.mem = sum(parts) + io_part(parts)
    c.grid = (pr, pc)
    c.method = solver
    return c


def eig(M, n, k=None, solver="dc", nb=64, grid=None):
    """pla eig on the near-square default grid: copy, p?sytrd, the tridiagonal solver, p?ormtr."""
    k = n if k is None else k
    pr, pc = grid or default_grid(M.P)
    P = pr * pc
    c = Cost("eig")
    c.stream(2.0 * n * n / P, M)                            # the working copy F
    if solver == "elpa":
        # stage 1 (full to band, all GEMM), stage 2 (band to tridiagonal, O(n^2 nb)), two back-transforms
        c.flops(4.0 / 3.0 * n ** 3 / P, M.r3 * HERE["pblas"])
        c.comm(M.coll("bcast", n / 2.0 / pr * nb, pc, 1), 2 * math.ceil(n / nb))
        c.comm(M.coll("allreduce", n / 2.0 / pc * nb, pr, pc), 2 * math.ceil(n / nb))
        c.flops(6.0 * n * n * nb / P, M.r2)
        c.comm(M.coll("bcast", n * nb / P, P), math.ceil(n / nb))
        stedc(c, M, n, nb, pr, pc)
        ormtr(c, M, n, k, nb, pr, pc)
        ormtr(c, M, n, k, nb, pr, pc)
    else:
        sytrd(c, M, n, nb, pr, pc)
        if solver == "dc":
            stedc(c, M, n, nb, pr, pc)
            ormtr(c, M, n, n, nb, pr, pc)
        else:  # mrrr: O(n k) per rank for its vectors of T, then k vectors back-transformed
            c.flops(60.0 * n * k / P, HERE["gemv"] * M.teff)
            c.comm(M.coll("allreduce", n, P))
            ormtr(c, M, n, k, nb, pr, pc)
    a = mem_local(n, n, nb, nb, pr, pc)
    parts = [a, a, a, 2.0 * a + 8.0 * n * 8, mem_local(n, k, nb, nb, pr, pc)]
    c.mem = sum(parts) + io_part(parts)
    c.grid = (pr, pc)
    c.method = solver
    return c


def svd_full(M, m, n, k, vectors=True, nb=64):
    """pla svd --method full: QR (TSQR when m >= 16 n, Householder otherwise; P x 1 when m >= 4 n),
    R gathered to rank 0, ?gesdd there (n <= 8192), U_R and Vt scattered, U = Q U_R (pdgemm)."""
    P = M.P
    pr, pc = (P, 1) if m >= 4 * n else default_grid(P)
    use_tsqr = m >= 16 * n
    c = Cost("svd-full")
    if use_tsqr:
        tsqr(c, M, m, n, vectors, P)
        scatter_from_root(c, M, n * n, P, nb, n)
    else:
        c.stream(2.0 * m * n / P, M)
        householder_qr(c, M, m, n, nb, pr, pc, vectors)
    scatter_from_root(c, M, n * n, P, nb, n)                # R to rank 0
    c.serial(M.gesdd(n, vectors))
    if vectors:
        scatter_from_root(c, M, 2.0 * n * k, P, nb, n)      # U_R, Vt
        summa(c, M, n, k, n, pr, pc, kb=256, nb=nb)         # residuals from the triangle
        summa(c, M, m, k, n, pr, pc, kb=256, nb=nb)         # U = Q U_R
    a = mem_local(m, n, nb, nb, pr, pc)
    parts = [a, (a if (vectors or not use_tsqr) else 0.0) + mem_local(n, n, nb, nb, pr, pc) +
             (n * n * 8.0 if use_tsqr else 0.0)]
    if use_tsqr:
        parts.append(tsqr_buffers(M.T, n))
    scat = mem_local(n, k, nb, nb, pr, pc) + mem_local(k, n, nb, nb, pr, pc) if vectors else 0.0
    rr = float(n) * n
    gathered = 3 * rr + k * n if vectors else rr
    work = 4 * rr + 7 * n if vectors else 11.0 * n
    parts.append((gathered + work) * 8 + 32.0 * n + scat)
    if vectors:
        parts.append(mem_local(m, k, nb, nb, pr, pc) + mem_local(k, n, nb, nb, pr, pc))
    c.mem = sum(parts) + io_part(parts)
    c.grid = (pr, pc)
    c.method = "full (%s)" % ("tsqr" if use_tsqr else "householder")
    return c


def orth(c, M, rows, b, P, nb):
    """pla__svd_orth: pla_qr auto of a rows x b block with Q (TSQR when rows >= 16 b)."""
    if rows >= 16 * b:
        tsqr(c, M, rows, b, True, P)
        scatter_from_root(c, M, b * b, P, nb, b)
    else:
        householder_qr(c, M, rows, b, nb, P, 1, True)


def product(c, M, m, n, l, P):
    """One pass over A on P x 1 (src/solvers/svd_products.c): a local GEMM of 2 m n l / P flops and an
    allreduce of the n x l block (A^T X: the partial sums; A W: W made whole on every rank)."""
    c.flops(2.0 * m * n * l / P, HERE["skinny"] * M.teff)
    c.comm(M.coll("allreduce", n * l, P))


def project(c, M, rows, b, nblocks, P, passes=2):
    """Block Gram-Schmidt of a rows x b block against nblocks earlier blocks, `passes` times: per block
    a TN product (allreduce b^2), an NN product (allreduce b^2), the coefficients gathered and broadcast."""
    times = nblocks * passes
    c.flops(4.0 * rows * b * b / P * times, M.r3)
    c.comm(M.coll("allreduce", b * b, P), 2 * times)
    c.comm(M.coll("bcast", b * b, P), 2 * times)


def svd_krylov(M, m, n, k, p=10, q=3, nb=64, want_u=True):
    """pla svd -k K (auto: krylov; src/solvers/svd_krylov.c): block Golub-Kahan-Lanczos, s = q + 1 steps
    of b = k + p columns: 2 s + 1 passes with b columns and one with k (the residual), each block
    orthonormalized (TSQR) after a full reorthogonalization against the earlier blocks."""
    P = M.P
    b = min(k + p, n)
    s = min(q + 1, max(n // b, 1))
    c = Cost("svd-krylov")
    product(c, M, m, n, b, P)                              # U_1 = orth(A Omega)
    orth(c, M, m, b, P, nb)
    for j in range(1, s + 1):
        product(c, M, m, n, b, P)                          # A^T U_j
        project(c, M, n, b, j - 1, P)
        orth(c, M, n, b, P, nb)
        product(c, M, m, n, b, P)                          # A V_j
        project(c, M, m, b, j, P)
        orth(c, M, m, b, P, nb)
    hd, wd = (s + 1) * b, s * b
    c.comm(M.coll("bcast", hd * wd, P))
    c.serial(M.gesdd(wd, True) * (hd / wd))                # the projected SVD on rank 0
    c.comm(M.coll("bcast", wd * wd, P))
    c.flops(2.0 * m * hd * k / P + 2.0 * n * wd * k / P, M.r3)   # Ritz vectors U X, V Y
    product(c, M, m, n, k, P)                              # residuals: A^T u_i
    steps = s
    a = mem_local(m, n, nb, nb, P, 1)
    shared = n * b * 8.0
    parts = [a,
             (steps + 2) * mem_local(m, b, nb, nb, P, 1) + (steps + 1) * mem_local(n, b, nb, nb, P, 1) + shared,
             (tsqr_buffers(M.T, b) if m >= 16 * b else 0.0) + mem_local(b, b, nb, nb, P, 1),
             8.0 * (hd * wd * 3 + wd * wd + 4 * wd * wd + 7 * wd + (wd + b) * b + wd * b) + 32 * wd,
             mem_local(m, k, nb, nb, P, 1) + mem_local(k, n, nb, nb, P, 1) + 2 * mem_local(n, k, nb, nb, P, 1) +
             mem_local(m, k, nb, nb, P, 1)]
    c.mem = sum(parts) + io_part(parts)
    c.grid = (P, 1)
    c.method = "krylov b=%d s=%d" % (b, s)
    return c


def colstats(c, M, m, n, P):
    """Centering (src/ops/colstats.c): column sums, the shift, the sums of squares: three passes over
    the local rows (four words per element moved) and two allreduces of n values."""
    c.stream(4.0 * m * n / P, M)
    c.comm(M.coll("allreduce", n, P), 2)


def pca_cov(M, m, n, k, nb=64):
    """pla pca, covariance route (auto when m >= n and n <= 8192; src/solvers/pca_covariance.c):
    centering, a local ?syrk per rank, the packed n(n+1)/2 triangle allreduced, the k largest pairs by
    MRRR on the same P x 1 grid (at least nb pairs when P > 1), then X V for the signs."""
    P = M.P
    c = Cost("pca-cov")
    colstats(c, M, m, n, P)
    c.flops(1.0 * m * n * n / P, HERE["syrk"] * M.teff)
    c.stream(1.5 * n * n, M)                               # packing, and C's blocks from the sum
    c.comm(M.coll("allreduce", n * (n + 1) / 2.0, P))
    kk = max(k, nb) if P > 1 else k
    kk = min(kk, n)
    e = eig(M, n, kk, solver="mrrr", nb=nb, grid=(P, 1))
    for key in c.t:
        c.t[key] += e.t[key]
    c.flops(2.0 * m * n * k / P, M.r3)                     # Y = X V
    c.comm(M.coll("allreduce", n * k, P))
    x = mem_local(m, n, nb, nb, P, 1)
    cc = mem_local(n, n, nb, nb, P, 1)
    parts = [x, cc + n * n * 8.0 + 4.0 * n * (n + 1),
             3 * cc + (cc if k == min(m, n) else mem_local(n, k, nb, nb, P, 1)),
             3 * mem_local(n, k, nb, nb, P, 1) + mem_local(m, k, nb, nb, P, 1) + 8.0 * n * k]
    c.mem = sum(parts) + io_part(parts)
    c.grid = (P, 1)
    c.method = "covariance (eig on %dx1, %d busy)" % (P, min(P, math.ceil(n / nb)))
    return c


def pca_randomized(M, m, n, k, q=3, nb=64):
    c = svd_krylov(M, m, n, k, q=q, nb=nb)
    c.name = "pca-krylov"
    colstats(c, M, m, n, M.P)
    return c


def svd_randomized(M, m, n, k, p=10, q=4, nb=64):
    """--method randomized: 2 q + 3 passes of l = k + p columns, each product re-orthonormalized."""
    P = M.P
    l = min(k + p, n)
    c = Cost("svd-randomized")
    for _ in range(q + 1):
        product(c, M, m, n, l, P)
        orth(c, M, m, l, P, nb)
        product(c, M, m, n, l, P)
        orth(c, M, n, l, P, nb)
    c.serial(M.gesdd(l, True))
    c.flops(2.0 * m * l * l / P, M.r3)
    product(c, M, m, n, l, P)
    c.grid = (P, 1)
    c.method = "randomized"
    return c


# ---------------------------------------------------------------------------
# Cases: the benchmark shapes of bench/*_run.py
# ---------------------------------------------------------------------------
def cases():
    """name -> (title, strong(M) -> Cost, weak(M, P) -> (Cost, shape text))"""
    def cube(n0, P):
        return int(round(n0 * P ** (1.0 / 3.0)))

    return {
        "gemm": ("gemm n = 6000 (bench/gemm_run.py), block 256, grid near square",
                 lambda M: gemm(M, 6000, 6000, 6000),
                 lambda M: (gemm(M, cube(6000, M.P), cube(6000, M.P), cube(6000, M.P)), "n = %d" % cube(6000, M.P))),
        "qr-r": ("qr R only, 200000 x 500 (bench/lstsq_run.py): TSQR on P x 1",
                 lambda M: qr(M, 200000, 500, False),
                 lambda M: (qr(M, 200000 * M.P, 500, False), "m = %d" % (200000 * M.P))),
        "qr-hh": ("qr R only, 200000 x 500 by Householder p?geqrf on P x 1 (--method householder)",
                  lambda M: qr(M, 200000, 500, False, method="householder"),
                  lambda M: (qr(M, 200000 * M.P, 500, False, method="householder"), "m = %d" % (200000 * M.P))),
        "qr-q": ("qr with economic Q, 200000 x 500: TSQR on P x 1",
                 lambda M: qr(M, 200000, 500, True),
                 lambda M: (qr(M, 200000 * M.P, 500, True), "m = %d" % (200000 * M.P))),
        "lstsq": ("lstsq 200000 x 500, 1 right-hand side, auto (TSQR)",
                  lambda M: lstsq(M, 200000, 500, 1),
                  lambda M: (lstsq(M, 200000 * M.P, 500, 1), "m = %d" % (200000 * M.P))),
        "lstsq-normal": ("lstsq 200000 x 500, --solver normal",
                         lambda M: lstsq(M, 200000, 500, 1, solver="normal"),
                         lambda M: (lstsq(M, 200000 * M.P, 500, 1, solver="normal"), "m = %d" % (200000 * M.P))),
        "eig": ("eig n = 4000, all pairs, divide and conquer (bench/eig_run.py), grid near square, block 64",
                lambda M: eig(M, 4000),
                lambda M: (eig(M, cube(4000, M.P)), "n = %d" % cube(4000, M.P))),
        "svd-k": ("svd -k 50 of 100000 x 2000 (krylov q = 3, p = 10; bench/svd_run.py) on P x 1",
                  lambda M: svd_krylov(M, 100000, 2000, 50),
                  lambda M: (svd_krylov(M, 100000 * M.P, 2000, 50), "m = %d" % (100000 * M.P))),
        "svd-full": ("svd, all triplets of 20000 x 2000 (QR on P x 1: Householder below m = 16 n, else TSQR; ?gesdd on rank 0)",
                     lambda M: svd_full(M, 20000, 2000, 2000),
                     lambda M: (svd_full(M, 20000 * M.P, 2000, 2000), "m = %d" % (20000 * M.P))),
        "pca-cov": ("pca -k 50 of 100000 x 2000, auto (covariance) on P x 1 (bench/pca_run.py)",
                    lambda M: pca_cov(M, 100000, 2000, 50),
                    lambda M: (pca_cov(M, 100000 * M.P, 2000, 50), "m = %d" % (100000 * M.P))),
        "pca-krylov": ("pca -k 50 of 100000 x 2000, --solver randomized (krylov q = 3)",
                       lambda M: pca_randomized(M, 100000, 2000, 50),
                       lambda M: (pca_randomized(M, 100000 * M.P, 2000, 50), "m = %d" % (100000 * M.P))),
        "pca-tall": ("pca -k 10 of 1000000 x 100, auto (covariance) on P x 1",
                     lambda M: pca_cov(M, 1000000, 100, 10),
                     lambda M: (pca_cov(M, 1000000 * M.P, 100, 10), "m = %d" % (1000000 * M.P))),
    }


def fmt_t(t):
    return "%.3g" % t if t < 100 else "%.0f" % t


def breakdown(c):
    tot = c.total() or 1.0
    return " / ".join("%.0f" % (100.0 * c.t[k] / tot) for k in ("flops", "serial", "latency", "bandwidth"))


def table(a, key, weak):
    title, strong_f, weak_f = cases()[key]
    print("#### %s: %s scaling%s" % (title, "weak" if weak else "strong",
                                      " (%s per rank constant)" % ("rows" if key not in ("gemm", "eig") else "n^3")
                                      if weak else ""))
    print()
    print("| ranks | nodes | grid | %stime s | speedup | efficiency | dominant | %% flops / serial / latency / bandwidth | memory per rank |"
          % ("shape | " if weak else ""))
    print("|---:|---:|---|%s---:|---:|---:|---|---|---:|" % ("---|" if weak else ""))
    base = None
    note = ""
    P = 1
    while P <= a.pmax:
        M = Machine(a, P)
        if weak:
            c, shape = weak_f(M)
        else:
            c, shape = strong_f(M), ""
        t = c.total()
        if base is None:
            base = t
        speed = base / t if not weak else base / t * P
        eff = base / t / P if not weak else base / t
        nodes = math.ceil(P * M.T / a.cores_per_node)
        print("| %d | %d | %dx%d | %s%s | %.1f | %.2f | %s | %s | %s |" % (
            P, nodes, c.grid[0], c.grid[1], (shape + " | ") if weak else "", fmt_t(t), speed, eff, c.dominant(),
            breakdown(c), mib(c.mem)))
        if c.note and not note and P > 1:
            note = "%s at %d ranks" % (c.note, P)
        P *= 2
    print()
    if note:
        print("Note: %s; pla's memory check does not count it." % note)
        print()


def summary(a, keys):
    cols = [p for p in (2, 8, 64, 256, 1024) if p <= a.pmax]
    print("| case | grid at %d | %s | strong: ranks at efficiency >= 0.5 | %s | dominant at %d (strong) |" % (
        a.pmax, " | ".join("strong E(%d)" % p for p in cols), " | ".join("weak E(%d)" % p for p in cols), a.pmax))
    print("|---|---|%s---:|%s---|" % ("---:|" * len(cols), "---:|" * len(cols)))
    for key in keys:
        _, strong_f, weak_f = cases()[key]
        t1 = strong_f(Machine(a, 1)).total()
        w1 = weak_f(Machine(a, 1))[0].total()
        se, we, useful = [], [], 1
        P = 1
        while P <= a.pmax:
            c = strong_f(Machine(a, P))
            e = t1 / c.total() / P
            if e >= 0.5:
                useful = P
            if P in cols:
                se.append("%.2f" % e)
                we.append("%.2f" % (w1 / weak_f(Machine(a, P))[0].total()))
            last = c
            P *= 2
        print("| %s | %dx%d | %s | %d | %s | %s |" % (key, last.grid[0], last.grid[1], " | ".join(se), useful,
                                                   " | ".join(we), last.dominant()))
    print()


def layouts(a, keys, cores):
    """The same cores split into ranks x threads: what to ask Slurm for."""
    ts = [t for t in (1, 2, 4, 8, 16, 32, 64) if t <= a.cores_per_node and cores % t == 0]
    print("| case (%d cores, %d per node) | %s | best |" % (
        cores, a.cores_per_node, " | ".join("%d x %d" % (cores // t, t) for t in ts)))
    print("|---|%s---|" % ("---:|" * len(ts)))
    for key in keys:
        f = cases()[key][1]
        row = [f(Machine(a, cores // t, t)).total() for t in ts]
        i = min(range(len(ts)), key=lambda j: row[j])
        print("| %s | %s | %d ranks x %d threads |" % (key, " | ".join(fmt_t(x) for x in row), cores // ts[i], ts[i]))
    print()


def mib(b):
    return "%.0f MiB" % (b / 2 ** 20) if b < 10 * 2 ** 30 else "%.1f GiB" % (b / 2 ** 30)


# Measured on the 2-core VM (bench/RESULTS.md, quiet-machine sections): compute phase, seconds.
MEASURED = [
    # key, label, ranks x threads, seconds, source
    ("gemm", "gemm n = 6000 (pla_gemm)", (2, 1), 2 * 6000 ** 3 / 92.3e9, "GEMM: 92.3 GFLOP/s, 2x1"),
    ("gemm", "gemm n = 6000 (pla_gemm)", (1, 2), 2 * 6000 ** 3 / 95.4e9, "GEMM: 95.4 GFLOP/s, 1x1 grid"),
    ("qr-r", "qr R 200000 x 500 (TSQR)", (2, 1), 1.51, "QR, R only"),
    ("qr-r", "qr R 200000 x 500 (TSQR)", (1, 2), 1.55, "QR, R only"),
    ("qr-hh", "qr R 200000 x 500 (pdgeqrf)", (2, 1), 2.99, "QR, R only"),
    ("qr-q", "qr Q 200000 x 500 (TSQR)", (2, 1), 4.30, "QR, Q and R"),
    ("qr-q", "qr Q 200000 x 500 (TSQR)", (1, 2), 4.38, "QR, Q and R"),
    ("lstsq", "lstsq 200000 x 500 auto", (2, 1), 1.94, "Least squares"),
    ("lstsq", "lstsq 200000 x 500 auto", (1, 2), 1.90, "Least squares"),
    ("lstsq-normal", "lstsq normal", (2, 1), 1.16, "Least squares"),
    ("lstsq-normal", "lstsq normal", (1, 2), 1.26, "Least squares"),
    ("eig", "eig n = 4000 all (dc)", (2, 1), 10.52, "Symmetric eigensolvers (1 round)"),
    ("eig", "eig n = 4000 all (dc)", (1, 2), 7.97, "Symmetric eigensolvers (1 round)"),
    ("svd-k", "svd -k 50 krylov q=3", (2, 1), 5.07, "SVD, pla accuracy vs time"),
    ("svd-k", "svd -k 50 krylov q=3", (1, 2), 7.37, "SVD (before the threaded A^T X)"),
    ("svd-full", "svd all of 20000 x 2000", (2, 1), 12.19, "SVD, all triplets"),
    ("svd-full", "svd all of 20000 x 2000", (1, 2), 11.16, "SVD, all triplets"),
]


def validate(a):
    a.cores_per_node = 2
    a.node_bw = 2 * (a.bw_core or HERE["bw"] / 1e9)
    a.net = "ib"   # unused: both ranks are on the node
    print("| case | ranks x threads | measured s | model s | model / measured | model 1 x 1 s | model speedup 1x1 -> this | dominant |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for key, label, (r, t), meas, src in MEASURED:
        f = cases()[key][1]
        c = f(Machine(a, r, t))
        c1 = f(Machine(a, 1, 1))
        print("| %s | %d x %d | %.2f | %.2f | %.2f | %.2f | %.2f | %s |" % (
            label, r, t, meas, c.total(), c.total() / meas, c1.total(), c1.total() / c.total(), c.dominant()))
    print()
    print("Sources (bench/RESULTS.md sections): " + "; ".join(sorted(set(m[4] for m in MEASURED))) + ".")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--net", choices=("ib", "eth"), default="ib", help="inter-node network (default %(default)s)")
    p.add_argument("--cores-per-node", type=int, default=64)
    p.add_argument("--threads", type=int, default=1, help="OpenMP/BLAS threads per rank (default %(default)s)")
    p.add_argument("--node-bw", type=float, default=200.0,
                   help="memory bandwidth of a node, GB/s, shared by its busy cores (default %(default)s)")
    p.add_argument("--bw-core", type=float, default=0.0,
                   help="what one core streams alone, GB/s (default: this VM's, %.0f)" % (HERE["bw"] / 1e9))
    p.add_argument("--numa-cores", type=int, default=16,
                   help="cores of a NUMA domain; threads of one rank beyond it count half (default %(default)s)")
    p.add_argument("--cache-mib", type=float, default=2.0,
                   help="cache per core, MiB (L2 + its share of L3), for in-cache level-2 work (default %(default)s)")
    p.add_argument("--pmax", type=int, default=1024)
    p.add_argument("--only", default="", help="comma-separated cases: " + ",".join(cases()))
    p.add_argument("--strong-only", action="store_true")
    p.add_argument("--weak-only", action="store_true")
    p.add_argument("--validate", action="store_true", help="the 2-core VM against bench/RESULTS.md")
    p.add_argument("--summary", action="store_true", help="one line per case: efficiencies at a few rank counts")
    p.add_argument("--layouts", type=int, default=0, metavar="CORES",
                   help="predicted time of each case on CORES cores split as ranks x threads")
    a = p.parse_args()
    if a.validate:
        validate(a)
        return 0
    keys = [k for k in a.only.split(",") if k] or list(cases())
    for k in keys:
        if k not in cases():
            p.error("unknown case %s" % k)
    print("Model: bench/perf_model.py %s" % " ".join(sys.argv[1:]))
    print("Nodes of %d cores, %d thread(s) per rank, %s between nodes; memory %g GB/s per node." % (
        a.cores_per_node, a.threads, {"ib": "100 Gb/s InfiniBand", "eth": "25 Gb/s Ethernet"}[a.net], a.node_bw))
    print()
    if a.summary:
        summary(a, keys)
        return 0
    if a.layouts:
        layouts(a, keys, a.layouts)
        return 0
    for k in keys:
        if not a.weak_only:
            table(a, k, False)
        if not a.strong_only:
            table(a, k, True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
