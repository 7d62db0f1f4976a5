#pragma once
#include <stdint.h>
#include "pla/config.h"
#include "pla/err.h"
#if PLA_HAVE_MPI
#include <mpi.h>
#endif

/* A context: the communicator (a duplicate, with errors returned, not fatal),
   the P x Q process grid and its BLACS context, row and column communicators,
   OpenMP/BLAS threads per rank and the last error message.  In the
   single-process build it is the same object with a 1 x 1 grid. */
typedef struct pla_ctx pla_ctx;

typedef struct {
    int nprow, npcol;   /* 0, 0 = choose: the most square P x Q = size with P <= Q */
    int nthreads;       /* OpenMP and BLAS threads per rank; 0 = leave as is */
    int64_t nb_default; /* default block size for matrices; 0 = PLA_NB_DEFAULT */
    int verbose;        /* 0 quiet, 1 summary, 2 per-call detail (stderr, rank 0) */
} pla_ctx_opts;

#define PLA_NB_DEFAULT 64
#define PLA_CTX_OPTS_DEFAULT ((pla_ctx_opts){ .nprow = 0, .npcol = 0, .nthreads = 0, .nb_default = 0, .verbose = 0 })

/* Process start and end for programs: initializes MPI (thread level FUNNELED)
   if nobody has, and finalizes it if pla_init did.  No-ops in the
   single-process build.  Programs need no MPI header of their own. */
PLA_NODISCARD pla_err pla_init(int *argc, char ***argv);
void pla_finalize(void);
/* Not collective.  This process's rank in MPI_COMM_WORLD (0 in the single-process build). */
int pla_world_rank(void);
int pla_world_size(void);

/* Collective on MPI_COMM_WORLD (MPI build) or trivial (single process).
   MPI must be initialized by the caller in the MPI build.  On error *ctx is a
   context holding only the error message (query it with pla_ctx_errmsg, then
   destroy it), or NULL if not even that could be allocated. */
PLA_NODISCARD pla_err pla_ctx_create(const pla_ctx_opts *opts, pla_ctx **ctx);
#if PLA_HAVE_MPI
/* As pla_ctx_create, on a communicator of the caller's (duplicated inside). */
PLA_NODISCARD pla_err pla_ctx_create_comm(MPI_Comm comm, const pla_ctx_opts *opts, pla_ctx **ctx);
/* The context's private duplicate communicator (borrowed). */
MPI_Comm pla_ctx_comm(const pla_ctx *ctx);
#endif
/* Collective.  Safe on *ctx == NULL; sets *ctx = NULL.  PLA_ERR_STATE (and
   nothing freed) while matrices created on it are still alive. */
PLA_NODISCARD pla_err pla_ctx_destroy(pla_ctx **ctx);

/* Not collective.  Queries. */
int pla_ctx_rank(const pla_ctx *ctx);
int pla_ctx_size(const pla_ctx *ctx);
void pla_ctx_grid(const pla_ctx *ctx, int *nprow, int *npcol, int *myrow, int *mycol);
int pla_ctx_threads(const pla_ctx *ctx);
int64_t pla_ctx_nb_default(const pla_ctx *ctx);
/* The last error message (same text on every rank after a collective call). */
const char *pla_ctx_errmsg(const pla_ctx *ctx);

/* The near-square grid chosen for `size` ranks: P <= Q, P * Q = size, P as large
   as possible. */
void pla_grid_default(int size, int *nprow, int *npcol);

/* Not collective.  Wall-clock seconds from an arbitrary origin. */
double pla_wtime(void);

/* Collective.  Agrees on a status: every rank passes its local status and gets
   the status of the lowest failing rank; its message becomes ctx's message on
   every rank.  For callers that mix their own checks with pla calls. */
PLA_NODISCARD pla_err pla_ctx_agree(pla_ctx *ctx, pla_err local);
/* Not collective.  Records a local failure with a printf-style message; returns
   code.  Combine with pla_ctx_agree before the next collective call. */
pla_err pla_ctx_fail(pla_ctx *ctx, pla_err code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Collective.  The memory one rank may still use: over the nodes the context
   spans, the least of (the node's MemAvailable, capped by the room left under
   its cgroup limit such as Slurm's --mem) / (the context's ranks on that
   node).  The environment variable PLA_MEMORY_LIMIT (bytes per rank; K, M, G,
   T suffixes) replaces the measurement.  *bytes = 0 when it cannot be told. */
PLA_NODISCARD pla_err pla_ctx_memory_per_rank(pla_ctx *ctx, double *bytes);

/* How the context's ranks sit on the nodes, from their CPU affinity masks
   (so a Slurm allocation or cgroup counts only the CPUs the job may use). */
typedef struct {
    int ranks, threads;   /* ranks in the context; OpenMP/BLAS threads per rank (at least 1) */
    int nodes;            /* nodes the ranks span */
    int ranks_per_node;   /* the most ranks on one node */
    int cpus_per_node;    /* the fewest CPUs that the ranks of one node may run on together */
    int excess;           /* the most ranks x threads - CPUs over the nodes: > 0 is oversubscribed */
    int bound;            /* 1 when every rank is bound to fewer CPUs than its node has online */
    int cpus_rank0;       /* how many CPUs rank 0 may run on */
    char cpus_text[64];   /* which: "0-3,8" */
} pla_layout;

/* Collective.  The same *layout on every rank. */
PLA_NODISCARD pla_err pla_ctx_layout(pla_ctx *ctx, pla_layout *layout);

/* Collective reductions and broadcasts on the context, usable in both builds. */
PLA_NODISCARD pla_err pla_ctx_allreduce_sum(pla_ctx *ctx, double *v, int count);
PLA_NODISCARD pla_err pla_ctx_allreduce_max(pla_ctx *ctx, double *v, int count);
PLA_NODISCARD pla_err pla_ctx_bcast(pla_ctx *ctx, void *buf, int64_t bytes, int root);
PLA_NODISCARD pla_err pla_ctx_barrier(pla_ctx *ctx);
