/* Distributed matrices: creation, ownership, index maps and local fills. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "internal/core.h"
#include "internal/backend.h"

int pla_dtype_size(pla_dtype dt) { return dt == PLA_F32 ? 4 : 8; }
const char *pla_dtype_name(pla_dtype dt) { return dt == PLA_F32 ? "float32" : "float64"; }

/* Local checks shared by create and wrap; no communication. */
static pla_err mat_init(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t mb, int64_t nb,
                        pla_mat *A)
{
    pla_err err = PLA_OK;
    PLA_CHECK(ctx, dt == PLA_F32 || dt == PLA_F64, PLA_ERR_ARG, "unknown element type %d", (int)dt);
    PLA_CHECK(ctx, m >= 0 && n >= 0, PLA_ERR_ARG, "matrix shape %lldx%lld is negative",
              (long long)m, (long long)n);
    if (mb <= 0) mb = ctx->nb_default;
    if (nb <= 0) nb = ctx->nb_default;
    PLA_CHECK(ctx, pla__fits_int(m) && pla__fits_int(n) && pla__fits_int(mb) && pla__fits_int(nb),
              PLA_ERR_ARG, "matrix shape %lldx%lld (blocks %lldx%lld) exceeds the 32-bit range of ScaLAPACK/BLAS",
              (long long)m, (long long)n, (long long)mb, (long long)nb);
    A->ctx = ctx;
    A->dt = dt;
    A->m = m; A->n = n; A->mb = mb; A->nb = nb;
    A->mloc = pla__numroc(m, mb, ctx->myrow, ctx->nprow);
    A->nloc = pla__numroc(n, nb, ctx->mycol, ctx->npcol);
    A->lld = A->mloc > 1 ? A->mloc : 1;
    /* local element offsets are 32-bit inside ScaLAPACK's Fortran */
    PLA_CHECK(ctx, A->lld * (A->nloc > 1 ? A->nloc : 1) <= INT_MAX, PLA_ERR_ARG,
              "local part %lldx%lld of a %lldx%lld matrix exceeds 2^31 elements: use more ranks",
              (long long)A->mloc, (long long)A->nloc, (long long)m, (long long)n);
done:
    return err;
}

pla_err pla_mat_create(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t mb, int64_t nb,
                       pla_mat **out)
{
    pla_err err = PLA_OK;
    pla_mat *A = pla__calloc(ctx, 1, sizeof *A);
    *out = NULL;
    PLA_CHECK(ctx, A != NULL, PLA_ERR_MEM, "out of memory for a matrix header");
    PLA_TRY(mat_init(ctx, dt, m, n, mb, nb, A));
    A->data = pla__calloc(ctx, (size_t)(A->lld * A->nloc), (size_t)pla_dtype_size(dt));
    PLA_CHECK(ctx, A->data != NULL, PLA_ERR_MEM,
              "out of memory allocating the %lldx%lld local part (%.1f MiB) of a %lldx%lld matrix",
              (long long)A->mloc, (long long)A->nloc,
              (double)A->lld * (double)A->nloc * pla_dtype_size(dt) / 1048576.0, (long long)m, (long long)n);
    A->owned = 1;
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK) {
        if (A) free(A->data);
        free(A);
        return err;
    }
    pla__desc_init(A);
    ctx->live_mats++;
    *out = A;
    return PLA_OK;
}

pla_err pla_mat_wrap(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t mb, int64_t nb,
                     void *local, int64_t lld, pla_mat **out)
{
    pla_err err = PLA_OK;
    pla_mat *A = pla__calloc(ctx, 1, sizeof *A);
    *out = NULL;
    PLA_CHECK(ctx, A != NULL, PLA_ERR_MEM, "out of memory for a matrix header");
    PLA_TRY(mat_init(ctx, dt, m, n, mb, nb, A));
    PLA_CHECK(ctx, lld >= A->lld, PLA_ERR_ARG, "leading dimension %lld is below the %lld local rows",
              (long long)lld, (long long)A->lld);
    PLA_CHECK(ctx, local != NULL || A->mloc * A->nloc == 0, PLA_ERR_ARG, "no storage to wrap");
    A->lld = lld;
    A->data = local;
    A->owned = 0;
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK) {
        free(A);
        return err;
    }
    pla__desc_init(A);
    ctx->live_mats++;
    *out = A;
    return PLA_OK;
}

pla_err pla_mat_dup(const pla_mat *A, pla_mat **B)
{
    pla_err err = pla_mat_create(A->ctx, A->dt, A->m, A->n, A->mb, A->nb, B);
    if (err != PLA_OK)
        return err;
    size_t es = (size_t)pla_dtype_size(A->dt);
    for (int64_t j = 0; j < A->nloc; ++j)
        memcpy((char *)(*B)->data + (size_t)(j * (*B)->lld) * es,
               (const char *)A->data + (size_t)(j * A->lld) * es, (size_t)A->mloc * es);
    return PLA_OK;
}

void pla_mat_destroy(pla_mat **pA)
{
    pla_mat *A = pA ? *pA : NULL;
    if (A == NULL)
        return;
    A->ctx->live_mats--;
    if (A->owned)
        free(A->data);
    free(A);
    *pA = NULL;
}

pla_ctx *pla_mat_ctx(const pla_mat *A) { return A->ctx; }
pla_dtype pla_mat_dtype(const pla_mat *A) { return A->dt; }
int64_t pla_mat_rows(const pla_mat *A) { return A->m; }
int64_t pla_mat_cols(const pla_mat *A) { return A->n; }
int64_t pla_mat_mb(const pla_mat *A) { return A->mb; }
int64_t pla_mat_nb(const pla_mat *A) { return A->nb; }

void pla_mat_local(const pla_mat *A, void **data, int64_t *lld, int64_t *mloc, int64_t *nloc)
{
    if (data) *data = A->data;
    if (lld) *lld = A->lld;
    if (mloc) *mloc = A->mloc;
    if (nloc) *nloc = A->nloc;
}

int64_t pla_mat_row_l2g(const pla_mat *A, int64_t il)
{
    return pla__l2g(il, A->mb, A->ctx->myrow, A->ctx->nprow);
}

int64_t pla_mat_col_l2g(const pla_mat *A, int64_t jl)
{
    return pla__l2g(jl, A->nb, A->ctx->mycol, A->ctx->npcol);
}

void pla_mat_row_g2l(const pla_mat *A, int64_t i, int *prow, int64_t *il)
{
    pla__g2l(i, A->mb, A->ctx->nprow, prow, il);
}

void pla_mat_col_g2l(const pla_mat *A, int64_t j, int *pcol, int64_t *jl)
{
    pla__g2l(j, A->nb, A->ctx->npcol, pcol, jl);
}

#if PLA_HAVE_MPI
const int *pla_mat_desc(const pla_mat *A)
{
    return A->desc;
}
#endif

pla_err pla_mat_fill_fn(pla_mat *A, pla_entry_fn f, void *arg)
{
    const int64_t mloc = A->mloc, nloc = A->nloc, lld = A->lld;
    int64_t *grow = pla__malloc(A->ctx, (size_t)(mloc > 0 ? mloc : 1) * sizeof *grow);
    if (grow == NULL)
        return pla__set_err(A->ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory filling a matrix");
    for (int64_t il = 0; il < mloc; ++il)
        grow[il] = pla_mat_row_l2g(A, il);
#pragma omp parallel for schedule(static)
    for (int64_t jl = 0; jl < nloc; ++jl) {
        int64_t j = pla_mat_col_l2g(A, jl);
        if (A->dt == PLA_F64) {
            double *col = (double *)A->data + jl * lld;
            for (int64_t il = 0; il < mloc; ++il)
                col[il] = f(grow[il], j, arg);
        } else {
            float *col = (float *)A->data + jl * lld;
            for (int64_t il = 0; il < mloc; ++il)
                col[il] = (float)f(grow[il], j, arg);
        }
    }
    free(grow);
    return PLA_OK;
}

struct random_key { pla_dist dist; uint64_t seed, stream; };

static double random_entry_fn(int64_t i, int64_t j, void *arg)
{
    const struct random_key *k = arg;
    return pla_random_entry(k->dist, k->seed, k->stream, i, j);
}

pla_err pla_mat_fill_random(pla_mat *A, pla_dist dist, uint64_t seed, uint64_t stream)
{
    if (dist != PLA_UNIFORM && dist != PLA_NORMAL)
        return pla__set_err(A->ctx, PLA_ERR_ARG, __FILE__, __LINE__, "unknown distribution %d", (int)dist);
    struct random_key k = { dist, seed, stream };
    return pla_mat_fill_fn(A, random_entry_fn, &k);
}
