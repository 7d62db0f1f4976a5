/* How the ranks sit on the nodes: ranks per node, the CPUs the node gives
   them (the union of their affinity masks), threads, and whether each rank
   is bound to a subset of the CPUs.  Read from the affinity masks, so a
   Slurm allocation or a cgroup counts only the CPUs the job may use. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_* */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "internal/core.h"

/* This process's CPUs as a 64-bit-word mask (the first 1024 CPUs). */
enum { MASK_WORDS = 16 };

static int own_cpus(unsigned long long mask[MASK_WORDS])
{
    cpu_set_t set;
    memset(mask, 0, MASK_WORDS * sizeof mask[0]);
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 0;
    int count = 0;
    for (int c = 0; c < MASK_WORDS * 64 && c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) {
            mask[c / 64] |= 1ULL << (c % 64);
            ++count;
        }
    return count;
}

static int popcount(const unsigned long long mask[MASK_WORDS])
{
    int n = 0;
    for (int w = 0; w < MASK_WORDS; ++w)
        n += __builtin_popcountll(mask[w]);
    return n;
}

/* "0-3,8" for the CPUs of mask. */
static void cpu_list(const unsigned long long mask[MASK_WORDS], char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; c < MASK_WORDS * 64 && used + 1 < cap;) {
        if (!(mask[c / 64] >> (c % 64) & 1)) {
            ++c;
            continue;
        }
        int e = c;
        while (e + 1 < MASK_WORDS * 64 && (mask[(e + 1) / 64] >> ((e + 1) % 64) & 1))
            ++e;
        int n = e > c ? snprintf(buf + used, cap - used, "%s%d-%d", used ? "," : "", c, e)
                      : snprintf(buf + used, cap - used, "%s%d", used ? "," : "", c);
        used += n > 0 ? (size_t)n : 0;
        c = e + 1;
    }
}

pla_err pla_ctx_layout(pla_ctx *ctx, pla_layout *out)
{
    unsigned long long mine[MASK_WORDS], node_mask[MASK_WORDS];
    const int own = own_cpus(mine);
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    const int threads = ctx->nthreads > 0 ? ctx->nthreads : 1;
    int node_cpus = own;
    memcpy(node_mask, mine, sizeof mine);
    memset(out, 0, sizeof *out);
#if PLA_HAVE_MPI
    int on_node = 1, leaders = 1;
    MPI_Comm node = MPI_COMM_NULL;
    if (MPI_Comm_split_type(ctx->comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
        int node_rank = 0;
        MPI_Comm_size(node, &on_node);
        MPI_Comm_rank(node, &node_rank);
        MPI_Allreduce(mine, node_mask, MASK_WORDS, MPI_UNSIGNED_LONG_LONG, MPI_BOR, node);
        node_cpus = popcount(node_mask);
        MPI_Comm_free(&node);
        leaders = node_rank == 0;
    }
    /* over the nodes: the most ranks on one, the fewest CPUs, the worst demand */
    int v[5] = { on_node, -node_cpus, on_node * threads - node_cpus, own < online ? 0 : 1, leaders };
    int r[5];
    MPI_Allreduce(v, r, 4, MPI_INT, MPI_MAX, ctx->comm);
    MPI_Allreduce(&v[4], &r[4], 1, MPI_INT, MPI_SUM, ctx->comm);
    out->ranks_per_node = r[0];
    out->cpus_per_node = -r[1];
    out->excess = r[2];
    out->bound = r[3] == 0;
    out->nodes = r[4];
#else
    node_cpus = popcount(node_mask);  /* one process: its own CPUs */
    out->ranks_per_node = 1;
    out->cpus_per_node = node_cpus;
    out->excess = threads - node_cpus;
    out->bound = own < online;
    out->nodes = 1;
#endif
    out->ranks = ctx->size;
    out->threads = threads;
    out->cpus_rank0 = own;
    cpu_list(mine, out->cpus_text, sizeof out->cpus_text);
#if PLA_HAVE_MPI
    MPI_Bcast(out->cpus_text, (int)sizeof out->cpus_text, MPI_CHAR, 0, ctx->comm);
    MPI_Bcast(&out->cpus_rank0, 1, MPI_INT, 0, ctx->comm);
#endif
    return PLA_OK;
}
