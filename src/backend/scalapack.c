/* Distributed kernels through BLACS, PBLAS and ScaLAPACK (MPI build only).
   kernels.c decides when to come here: grids of more than one process. */
#include <stdlib.h>
#include "internal/backend.h"
#include "backend/fortran.h"

pla_err pla__grid_init(pla_ctx *ctx)
{
    int nprow = 0, npcol = 0, myrow = -1, mycol = -1;
    ctx->blacs_handle = Csys2blacs_handle(ctx->comm);
    ctx->blacs = ctx->blacs_handle;
    Cblacs_gridinit(&ctx->blacs, "Row", ctx->nprow, ctx->npcol);
    Cblacs_gridinfo(ctx->blacs, &nprow, &npcol, &myrow, &mycol);
    pla_err err = PLA_OK;
    if (nprow != ctx->nprow || npcol != ctx->npcol || myrow != ctx->myrow || mycol != ctx->mycol)
        err = pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__,
                           "BLACS placed rank %d at (%d,%d) of %dx%d, expected (%d,%d) of %dx%d", ctx->rank,
                           myrow, mycol, nprow, npcol, ctx->myrow, ctx->mycol, ctx->nprow, ctx->npcol);
    return pla__agree(ctx, err);
}

void pla__grid_free(pla_ctx *ctx)
{
    if (ctx->blacs >= 0)
        Cblacs_gridexit(ctx->blacs);
    if (ctx->blacs_handle >= 0)
        Cfree_blacs_system_handle(ctx->blacs_handle);
    ctx->blacs = ctx->blacs_handle = -1;
}

static void desc_set(int *desc, int ictxt, int64_t m, int64_t n, int64_t mb, int64_t nb, int64_t lld)
{
    desc[0] = 1;  /* dense matrix */
    desc[1] = ictxt;
    desc[2] = (int)m;
    desc[3] = (int)n;
    desc[4] = (int)mb;
    desc[5] = (int)nb;
    desc[6] = 0;  /* first row/column on process (0, 0) */
    desc[7] = 0;
    desc[8] = (int)(lld > 0 ? lld : 1);
}

void pla__desc_init(pla_mat *A)
{
    desc_set(A->desc, A->ctx->blacs, A->m, A->n, A->mb, A->nb, A->lld);
}

pla_err pla__pblas_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A, const pla_mat *B, double beta,
                        pla_mat *C)
{
    const char cta = ta == PLA_TRANS ? 'T' : 'N', ctb = tb == PLA_TRANS ? 'T' : 'N';
    const int m = (int)C->m, n = (int)C->n, k = (int)(ta == PLA_TRANS ? A->m : A->n), one = 1;
    if (C->dt == PLA_F64) {
        pdgemm_(&cta, &ctb, &m, &n, &k, &alpha, A->data, &one, &one, A->desc, B->data, &one, &one,
                B->desc, &beta, C->data, &one, &one, C->desc);
    } else {
        const float fa = (float)alpha, fb = (float)beta;
        psgemm_(&cta, &ctb, &m, &n, &k, &fa, A->data, &one, &one, A->desc, B->data, &one, &one,
                B->desc, &fb, C->data, &one, &one, C->desc);
    }
    return PLA_OK;
}

pla_err pla__pblas_transpose(const pla_mat *A, pla_mat *B)
{
    const int m = (int)B->m, n = (int)B->n, one = 1;
    if (A->dt == PLA_F64) {
        const double a = 1.0, b = 0.0;
        pdtran_(&m, &n, &a, A->data, &one, &one, A->desc, &b, B->data, &one, &one, B->desc);
    } else {
        const float a = 1.0f, b = 0.0f;
        pstran_(&m, &n, &a, A->data, &one, &one, A->desc, &b, B->data, &one, &one, B->desc);
    }
    return PLA_OK;
}

pla_err pla__pblas_syrk_t(const pla_mat *A, pla_mat *C)
{
    const int n = (int)A->n, k = (int)A->m, one = 1;
    if (A->dt == PLA_F64) {
        const double a = 1.0, b = 0.0;
        pdsyrk_("U", "T", &n, &k, &a, A->data, &one, &one, A->desc, &b, C->data, &one, &one, C->desc);
    } else {
        const float a = 1.0f, b = 0.0f;
        pssyrk_("U", "T", &n, &k, &a, A->data, &one, &one, A->desc, &b, C->data, &one, &one, C->desc);
    }
    return PLA_OK;
}

/* p?gemr2d of an m x n submatrix; ictxt spans every process involved. */
static void gemr2d(pla_dtype dt, int64_t m, int64_t n, const void *a, int64_t ia, int64_t ja, const int *desca,
                   void *b, int64_t ib, int64_t jb, const int *descb, int ictxt)
{
    const int im = (int)m, in = (int)n, ia1 = (int)ia + 1, ja1 = (int)ja + 1, ib1 = (int)ib + 1,
              jb1 = (int)jb + 1;
    if (dt == PLA_F64)
        pdgemr2d_(&im, &in, a, &ia1, &ja1, desca, b, &ib1, &jb1, descb, &ictxt);
    else
        psgemr2d_(&im, &in, a, &ia1, &ja1, desca, b, &ib1, &jb1, descb, &ictxt);
}

pla_err pla__scalapack_copy_sub(const pla_mat *A, int64_t ia, int64_t ja, int64_t m, int64_t n, pla_mat *B,
                                int64_t ib, int64_t jb)
{
    gemr2d(A->dt, m, n, A->data, ia, ja, A->desc, B->data, ib, jb, B->desc, A->ctx->blacs);
    return PLA_OK;
}

/* A 1 x 1 BLACS grid holding only `root`; -1 on the other ranks. */
static int root_grid(const pla_ctx *ctx, int root)
{
    int ictxt = ctx->blacs_handle;
    int map[1] = { root };
    Cblacs_gridmap(&ictxt, map, 1, 1, 1);
    return ctx->rank == root ? ictxt : -1;
}

pla_err pla__scalapack_root_transfer(const pla_mat *A, int root, void *buf, int64_t ld, int to_root)
{
    const pla_ctx *ctx = A->ctx;
    int ictxt = root_grid(ctx, root);
    int desc[9];
    desc_set(desc, ictxt, A->m, A->n, A->mb, A->nb, ctx->rank == root ? ld : 1);
    if (to_root)
        gemr2d(A->dt, A->m, A->n, A->data, 0, 0, A->desc, buf, 0, 0, desc, ctx->blacs);
    else
        gemr2d(A->dt, A->m, A->n, buf, 0, 0, desc, A->data, 0, 0, A->desc, ctx->blacs);
    if (ictxt >= 0)
        Cblacs_gridexit(ictxt);
    return PLA_OK;
}

int pla__scalapack_geqrf(pla_mat *A, void *tau, void *work, int64_t lwork)
{
    const int m = (int)A->m, n = (int)A->n, one = 1, lw = (int)lwork;
    int info = 0;
    if (A->dt == PLA_F64)
        pdgeqrf_(&m, &n, A->data, &one, &one, A->desc, tau, work, &lw, &info);
    else
        psgeqrf_(&m, &n, A->data, &one, &one, A->desc, tau, work, &lw, &info);
    return info;
}

int pla__scalapack_geqpf(pla_mat *A, int *ipiv, void *tau, void *work, int64_t lwork)
{
    const int m = (int)A->m, n = (int)A->n, one = 1, lw = (int)lwork;
    int info = 0;
    if (A->dt == PLA_F64)
        pdgeqpf_(&m, &n, A->data, &one, &one, A->desc, ipiv, tau, work, &lw, &info);
    else
        psgeqpf_(&m, &n, A->data, &one, &one, A->desc, ipiv, tau, work, &lw, &info);
    return info;
}

int pla__scalapack_orgqr(pla_mat *A, int64_t k, void *tau, void *work, int64_t lwork)
{
    const int m = (int)A->m, n = (int)A->n, kk = (int)k, one = 1, lw = (int)lwork;
    int info = 0;
    if (A->dt == PLA_F64)
        pdorgqr_(&m, &n, &kk, A->data, &one, &one, A->desc, tau, work, &lw, &info);
    else
        psorgqr_(&m, &n, &kk, A->data, &one, &one, A->desc, tau, work, &lw, &info);
    return info;
}
