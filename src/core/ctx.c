/* The context: communicator, process grid, threads and the last error. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "internal/core.h"
#include "internal/backend.h"

void pla_grid_default(int size, int *nprow, int *npcol)
{
    int p = 1;
    for (int d = 1; (int64_t)d * d <= size; ++d)
        if (size % d == 0)
            p = d;
    *nprow = p;
    *npcol = size / p;
}

static pla_ctx *ctx_alloc(void)
{
    pla_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx) {
        ctx->fail_alloc_rank = -1;
        ctx->size = 1;
        ctx->nprow = ctx->npcol = 1;
#if PLA_HAVE_MPI
        ctx->comm = ctx->row_comm = ctx->col_comm = MPI_COMM_NULL;
        ctx->blacs = -1;
        ctx->blacs_handle = -1;
#endif
    }
    return ctx;
}

static pla_err ctx_setup(pla_ctx *ctx, const pla_ctx_opts *o)
{
    pla_err err = PLA_OK;
    int nprow = o->nprow, npcol = o->npcol;
    PLA_CHECK(ctx, o->nb_default >= 0, PLA_ERR_ARG, "block size must be positive, got %lld",
              (long long)o->nb_default);
    PLA_CHECK(ctx, o->nthreads >= 0, PLA_ERR_ARG, "thread count must be positive, got %d", o->nthreads);
    PLA_CHECK(ctx, nprow >= 0 && npcol >= 0, PLA_ERR_ARG, "grid dimensions must be positive");
    if (nprow == 0 && npcol == 0)
        pla_grid_default(ctx->size, &nprow, &npcol);
    PLA_CHECK(ctx, (int64_t)nprow * npcol == ctx->size, PLA_ERR_ARG,
              "grid %dx%d needs %d ranks, but %d are running", nprow, npcol, nprow * npcol, ctx->size);
    ctx->nprow = nprow;
    ctx->npcol = npcol;
    ctx->nb_default = o->nb_default > 0 ? o->nb_default : PLA_NB_DEFAULT;
    ctx->verbose = o->verbose;
    ctx->nthreads = o->nthreads;
    ctx->myrow = ctx->rank / npcol;
    ctx->mycol = ctx->rank % npcol;
done:
    return err;
}

#if PLA_HAVE_MPI
pla_err pla_ctx_create_comm(MPI_Comm comm, const pla_ctx_opts *opts, pla_ctx **out)
{
    pla_err err = PLA_OK;
    pla_ctx_opts o = opts ? *opts : PLA_CTX_OPTS_DEFAULT;
    pla_ctx *ctx = ctx_alloc();
    *out = ctx;
    if (ctx == NULL)
        return PLA_ERR_MEM;
    int init = 0;
    MPI_Initialized(&init);
    if (!init)
        return pla__set_err(ctx, PLA_ERR_STATE, __FILE__, __LINE__, "MPI is not initialized");
    if (MPI_Comm_dup(comm, &ctx->comm) != MPI_SUCCESS)
        return pla__set_err(ctx, PLA_ERR_MPI, __FILE__, __LINE__, "MPI_Comm_dup failed");
    MPI_Comm_set_errhandler(ctx->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(ctx->comm, &ctx->rank);
    MPI_Comm_size(ctx->comm, &ctx->size);
    err = pla__agree(ctx, ctx_setup(ctx, &o));  /* options are the same everywhere, but agree anyway */
    if (err != PLA_OK)
        return err;
    if (MPI_Comm_split(ctx->comm, ctx->myrow, ctx->mycol, &ctx->row_comm) != MPI_SUCCESS ||
        MPI_Comm_split(ctx->comm, ctx->mycol, ctx->myrow, &ctx->col_comm) != MPI_SUCCESS)
        return pla__set_err(ctx, PLA_ERR_MPI, __FILE__, __LINE__, "MPI_Comm_split failed");
    err = pla__grid_init(ctx);
    if (err == PLA_OK && ctx->nthreads > 0)
        pla__set_threads(ctx->nthreads);
    return err;
}

pla_err pla_ctx_create(const pla_ctx_opts *opts, pla_ctx **ctx)
{
    return pla_ctx_create_comm(MPI_COMM_WORLD, opts, ctx);
}

MPI_Comm pla_ctx_comm(const pla_ctx *ctx)
{
    return ctx->comm;
}
#else
pla_err pla_ctx_create(const pla_ctx_opts *opts, pla_ctx **out)
{
    pla_ctx_opts o = opts ? *opts : PLA_CTX_OPTS_DEFAULT;
    pla_ctx *ctx = ctx_alloc();
    *out = ctx;
    if (ctx == NULL)
        return PLA_ERR_MEM;
    pla_err err = pla__agree(ctx, ctx_setup(ctx, &o));
    if (err == PLA_OK && ctx->nthreads > 0)
        pla__set_threads(ctx->nthreads);
    return err;
}
#endif

pla_err pla_ctx_destroy(pla_ctx **pctx)
{
    pla_ctx *ctx = pctx ? *pctx : NULL;
    if (ctx == NULL)
        return PLA_OK;
    if (ctx->live_mats != 0)
        return pla__set_err(ctx, PLA_ERR_STATE, __FILE__, __LINE__,
                            "context destroyed while %d matrices are alive", ctx->live_mats);
    if (ctx->panel != NULL && pla_ctx_destroy(&ctx->panel) != PLA_OK)
        return pla__set_err(ctx, PLA_ERR_STATE, __FILE__, __LINE__, "matrices alive on the panel context");
    pla__grid_free(ctx);
#if PLA_HAVE_MPI
    if (ctx->row_comm != MPI_COMM_NULL) MPI_Comm_free(&ctx->row_comm);
    if (ctx->col_comm != MPI_COMM_NULL) MPI_Comm_free(&ctx->col_comm);
    if (ctx->comm != MPI_COMM_NULL) MPI_Comm_free(&ctx->comm);
#endif
    free(ctx);
    *pctx = NULL;
    return PLA_OK;
}

int pla_ctx_rank(const pla_ctx *ctx) { return ctx->rank; }
int pla_ctx_size(const pla_ctx *ctx) { return ctx->size; }
int pla_ctx_threads(const pla_ctx *ctx) { return ctx->nthreads; }
int64_t pla_ctx_nb_default(const pla_ctx *ctx) { return ctx->nb_default; }

void pla_ctx_grid(const pla_ctx *ctx, int *nprow, int *npcol, int *myrow, int *mycol)
{
    if (nprow) *nprow = ctx->nprow;
    if (npcol) *npcol = ctx->npcol;
    if (myrow) *myrow = ctx->myrow;
    if (mycol) *mycol = ctx->mycol;
}

void pla__debug_fail_alloc(pla_ctx *ctx, int rank)
{
    ctx->fail_alloc_rank = rank;
}

double pla_wtime(void)
{
#if PLA_HAVE_MPI
    return MPI_Wtime();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#endif
}

#if PLA_HAVE_MPI
static pla_err mpi_status(pla_ctx *ctx, int rc, const char *what)
{
    if (rc == MPI_SUCCESS)
        return PLA_OK;
    return pla__set_err(ctx, PLA_ERR_MPI, __FILE__, __LINE__, "%s failed", what);
}
#endif

pla_err pla_ctx_allreduce_sum(pla_ctx *ctx, double *v, int count)
{
    return pla__allreduce(ctx, PLA_SCOPE_ALL, v, count, 0);
}

pla_err pla_ctx_allreduce_max(pla_ctx *ctx, double *v, int count)
{
    return pla__allreduce(ctx, PLA_SCOPE_ALL, v, count, 1);
}

pla_err pla_ctx_bcast(pla_ctx *ctx, void *buf, int64_t bytes, int root)
{
#if PLA_HAVE_MPI
    char *p = buf;
    while (ctx->size > 1 && bytes > 0) {  /* MPI counts are int: send in pieces */
        int piece = bytes > (1 << 30) ? (1 << 30) : (int)bytes;
        pla_err err = mpi_status(ctx, MPI_Bcast(p, piece, MPI_BYTE, root, ctx->comm), "MPI_Bcast");
        if (err != PLA_OK)
            return err;
        p += piece;
        bytes -= piece;
    }
#else
    (void)ctx; (void)buf; (void)bytes; (void)root;
#endif
    return PLA_OK;
}

pla_err pla_ctx_barrier(pla_ctx *ctx)
{
#if PLA_HAVE_MPI
    if (ctx->size > 1)
        return mpi_status(ctx, MPI_Barrier(ctx->comm), "MPI_Barrier");
#else
    (void)ctx;
#endif
    return PLA_OK;
}

pla_err pla__allreduce(pla_ctx *ctx, pla_scope scope, double *v, int64_t count, int is_max)
{
#if PLA_HAVE_MPI
    MPI_Comm comm = scope == PLA_SCOPE_ROW ? ctx->row_comm : scope == PLA_SCOPE_COL ? ctx->col_comm : ctx->comm;
    int n = 1;
    MPI_Comm_size(comm, &n);
    for (int64_t done = 0; n > 1 && done < count;) {  /* MPI counts are int */
        int piece = count - done > (1 << 28) ? (1 << 28) : (int)(count - done);
        int rc = MPI_Allreduce(MPI_IN_PLACE, v + done, piece, MPI_DOUBLE, is_max ? MPI_MAX : MPI_SUM, comm);
        if (rc != MPI_SUCCESS)
            return pla__set_err(ctx, PLA_ERR_MPI, __FILE__, __LINE__, "MPI_Allreduce failed");
        done += piece;
    }
#else
    (void)ctx; (void)scope; (void)v; (void)count; (void)is_max;
#endif
    return PLA_OK;
}

pla_err pla__send(pla_ctx *ctx, const void *buf, int64_t bytes, int dest, int tag)
{
#if PLA_HAVE_MPI
    const char *p = buf;
    for (; bytes > 0;) {  /* MPI counts are int */
        int piece = bytes > (1 << 30) ? (1 << 30) : (int)bytes;
        if (MPI_Send(p, piece, MPI_BYTE, dest, tag, ctx->comm) != MPI_SUCCESS)
            return pla__set_err(ctx, PLA_ERR_MPI, __FILE__, __LINE__, "MPI_Send to rank %d failed", dest);
        p += piece;
        bytes -= piece;
    }
    return PLA_OK;
#else
    (void)buf; (void)bytes; (void)tag;
    return pla__set_err(ctx, PLA_ERR_STATE, __FILE__, __LINE__, "send to rank %d in a single process", dest);
#endif
}

pla_err pla__recv(pla_ctx *ctx, void *buf, int64_t bytes, int src, int tag)
{
#if PLA_HAVE_MPI
    char *p = buf;
    for (; bytes > 0;) {
        int piece = bytes > (1 << 30) ? (1 << 30) : (int)bytes;
        if (MPI_Recv(p, piece, MPI_BYTE, src, tag, ctx->comm, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return pla__set_err(ctx, PLA_ERR_MPI, __FILE__, __LINE__, "MPI_Recv from rank %d failed", src);
        p += piece;
        bytes -= piece;
    }
    return PLA_OK;
#else
    (void)buf; (void)bytes; (void)tag;
    return pla__set_err(ctx, PLA_ERR_STATE, __FILE__, __LINE__, "receive from rank %d in a single process", src);
#endif
}

pla_err pla__panel_ctx(pla_ctx *ctx, pla_ctx **panel)
{
    pla_err err = PLA_OK;
    if (ctx->npcol == 1) {
        *panel = ctx;
        return PLA_OK;
    }
#if PLA_HAVE_MPI
    if (ctx->panel == NULL) {
        pla_ctx_opts o = { .nprow = ctx->size, .npcol = 1, .nthreads = 0, .nb_default = ctx->nb_default,
                           .verbose = ctx->verbose };
        err = pla_ctx_create_comm(ctx->comm, &o, &ctx->panel);
        if (err != PLA_OK) {
            snprintf(ctx->msg, sizeof ctx->msg, "%s", pla_ctx_errmsg(ctx->panel));
            pla_err ignored = pla_ctx_destroy(&ctx->panel);  /* a partial context: free what exists */
            (void)ignored;
            ctx->panel = NULL;
        }
    }
#endif
    *panel = ctx->panel;
    return err;
}
