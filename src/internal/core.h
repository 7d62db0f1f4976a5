#pragma once
/* Internal definitions shared by the library's sources; nothing here is public. */
#include <stddef.h>
#include <stdint.h>
#include "pla/config.h"
#include "pla/err.h"
#include "pla/ctx.h"
#include "pla/mat.h"
#if PLA_HAVE_MPI
#include <mpi.h>
#endif

#define PLA_MSG_CAP 1024

struct pla_ctx {
#if PLA_HAVE_MPI
    MPI_Comm comm;      /* duplicate of the user's communicator, errors returned */
    MPI_Comm row_comm;  /* ranks in my process row (size npcol) */
    MPI_Comm col_comm;  /* ranks in my process column (size nprow) */
    int blacs;          /* BLACS grid context (row-major: rank = myrow * npcol + mycol) */
    int blacs_handle;   /* BLACS system handle made from comm */
#endif
    int rank, size;
    int nprow, npcol, myrow, mycol;
    int nthreads;
    int verbose;
    int64_t nb_default;
    int live_mats;      /* matrices created on this context and not yet destroyed */
    struct pla_ctx *panel; /* cached P x 1 context over the same ranks (tall-skinny kernels) */
    int fail_alloc_rank; /* test hook: allocations on this rank fail (-1: off) */
    int pending;        /* a local failure is recorded and not yet agreed on */
    char msg[PLA_MSG_CAP];
    char where[128];    /* source location of the first local failure (verbose) */
};

struct pla_mat {
    pla_ctx *ctx;
    pla_dtype dt;
    int64_t m, n, mb, nb;
    int64_t mloc, nloc, lld;
    void *data;
    int owned;
#if PLA_HAVE_MPI
    int desc[9];
#endif
};

/* Records a local failure (first one wins until cleared by agree) and returns code. */
pla_err pla__set_err(pla_ctx *ctx, pla_err code, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Collective: the lowest failing rank's status and message, on every rank. */
pla_err pla__agree(pla_ctx *ctx, pla_err local);

#define PLA_CHECK(ctx, cond, code, ...) do { if (!(cond)) { \
    err = pla__set_err((ctx), (code), __FILE__, __LINE__, __VA_ARGS__); goto done; } } while (0)
#define PLA_TRY(expr) do { err = (expr); if (err != PLA_OK) goto done; } while (0)

/* Allocation through the context so tests can inject a failure on one rank. */
void *pla__malloc(pla_ctx *ctx, size_t bytes);
void *pla__calloc(pla_ctx *ctx, size_t count, size_t size);
/* Test hook: every allocation through ctx on `rank` fails (-1 switches off). */
void pla__debug_fail_alloc(pla_ctx *ctx, int rank);

/* Block-cyclic index arithmetic (source process 0, 0-based indices). */
int64_t pla__numroc(int64_t n, int64_t nb, int iproc, int nprocs);
int64_t pla__l2g(int64_t il, int64_t nb, int iproc, int nprocs);
void pla__g2l(int64_t i, int64_t nb, int nprocs, int *iproc, int64_t *il);

/* Sizes ScaLAPACK and 32-bit BLAS can address. */
int pla__fits_int(int64_t v);

/* Collective reductions over all ranks, my process row, or my process column. */
typedef enum { PLA_SCOPE_ALL, PLA_SCOPE_ROW, PLA_SCOPE_COL } pla_scope;
pla_err pla__allreduce(pla_ctx *ctx, pla_scope scope, double *v, int64_t count, int is_max);

/* Point-to-point messages for tree algorithms (TSQR); no-ops that fail in the
   single-process build, where no tree has more than one node. */
pla_err pla__send(pla_ctx *ctx, const void *buf, int64_t bytes, int dest, int tag);
pla_err pla__recv(pla_ctx *ctx, void *buf, int64_t bytes, int src, int tag);

/* Collective.  Gathers A to rank 0 as a new float64 column-major array (ld
   max(1, m); NULL elsewhere and on error), for the small problems one rank solves. */
pla_err pla__gather_f64(const pla_mat *A, double **out);
/* Collective.  *out := a new m x n matrix of type dt on like's context and
   blocks, from rank 0's float64 column-major array (ld max(1, m)). */
pla_err pla__scatter_f64(const pla_mat *like, pla_dtype dt, int64_t m, int64_t n, const double *buf,
                         pla_mat **out);

/* Collective.  A P x 1 context over ctx's ranks (ctx itself when it is one),
   created on first use and owned by ctx. */
pla_err pla__panel_ctx(pla_ctx *ctx, pla_ctx **panel);
