/* The products and orthonormalizations of the sketching methods.  On a
   P x 1 grid (how the command line lays out tall-skinny matrices) every rank
   holds whole rows of A, so A^T Q is one local GEMM and a sum of the small
   n x l result over the ranks, and A W one local GEMM after W (n x l) is
   shared: nothing of A moves and no block size matters.  p?gemm does the
   same work in many block-sized broadcasts, three to four times slower here
   for 100000 x 2000 by 60 with 64-row blocks.  Other grids use pla_gemm. */
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "internal/backend.h"
#include "pla/ops.h"
#include "pla/qr.h"
#include "solvers/qr_common.h"
#include "solvers/svd_methods.h"

pla_err pla__svd_orth(pla_mat **Y, pla_mat **Q)
{
    pla_mat *R = NULL;
    pla_err err = pla_qr(*Y, PLA_QR_AUTO, &R, Q);
    pla_mat_destroy(&R);
    pla_mat_destroy(Y);
    return err;
}

/* A's rows whole on every rank and X laid out by rows as A (same blocks). */
static int panel_ok(const pla_mat *A, const pla_mat *X)
{
    return A->ctx->npcol == 1 && X->ctx == A->ctx && X->mb == A->mb && X->m == A->m;
}

/* part (n x l, ld n) := A_loc^T X_loc.  The inner dimension is the long
   one, which BLAS threads do not split (one rank x 2 threads ran 1.5x slower
   than 2 ranks): each thread takes a share of the rows and the partial
   products are added. */
static void local_tn(const pla_mat *A, const pla_mat *X, void *part, int64_t n, int64_t l)
{
    const size_t es = (size_t)pla_dtype_size(A->dt);
    int nt = 1;
#ifdef _OPENMP
    nt = A->ctx->nthreads > 0 ? A->ctx->nthreads : omp_get_max_threads();
#endif
    void *extra = nt > 1 && A->mloc >= 256 * nt ? calloc((size_t)(nt - 1) * (size_t)(n * l), es) : NULL;
    if (extra == NULL) {
        pla__blas_gemm(A->dt, PLA_TRANS, PLA_NOTRANS, n, l, A->mloc, 1.0, A->data, A->lld, X->data, X->lld, 0.0,
                       part, n);
        return;
    }
#pragma omp parallel num_threads(nt)
    {
        int t = 0;
#ifdef _OPENMP
        t = omp_get_thread_num();
#endif
        const int64_t lo = A->mloc * t / nt, hi = A->mloc * (t + 1) / nt;
        void *dst = t == 0 ? part : (char *)extra + (size_t)(t - 1) * (size_t)(n * l) * es;
        pla__blas_gemm(A->dt, PLA_TRANS, PLA_NOTRANS, n, l, hi - lo, 1.0, (const char *)A->data + (size_t)lo * es,
                       A->lld, (const char *)X->data + (size_t)lo * es, X->lld, 0.0, dst, n);
    }
    for (int t = 1; t < nt; ++t)
        for (int64_t i = 0; i < n * l; ++i) {
            if (A->dt == PLA_F64)
                ((double *)part)[i] += ((const double *)extra)[(size_t)(t - 1) * (size_t)(n * l) + (size_t)i];
            else
                ((float *)part)[i] += ((const float *)extra)[(size_t)(t - 1) * (size_t)(n * l) + (size_t)i];
        }
    free(extra);
}

/* C := A^T X (n x l) for X laid out by rows as A: local GEMM, sum over ranks. */
static pla_err panel_tn(const pla_mat *A, const pla_mat *X, pla_mat *C)
{
    pla_ctx *ctx = A->ctx;
    const int64_t n = A->n, l = X->n, es = pla_dtype_size(A->dt);
    pla_err err = PLA_OK;
    void *part = pla__calloc(ctx, (size_t)(n * l), (size_t)es);
    double *sum = A->dt == PLA_F64 ? part : pla__calloc(ctx, (size_t)(n * l), sizeof *sum);
    PLA_CHECK(ctx, part && sum, PLA_ERR_MEM, "out of memory for a %lldx%lld product", (long long)n, (long long)l);
    if (A->mloc > 0)
        local_tn(A, X, part, n, l);
    for (int64_t i = 0; sum != part && i < n * l; ++i)
        sum[i] = ((const float *)part)[i];
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, sum, n * l, 0);
    for (int64_t jl = 0; err == PLA_OK && jl < C->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(C, jl);
        for (int64_t il = 0; il < C->mloc; ++il)
            pla__put(C->dt, C->data, C->lld, il, jl, sum[pla_mat_row_l2g(C, il) + j * n]);
    }
    if (sum != part)
        free(sum);
    free(part);
    return err;
}

/* C := A W (m x l, laid out by rows as A): W shared by a sum, one local GEMM. */
static pla_err panel_nn(const pla_mat *A, const pla_mat *W, pla_mat *C)
{
    pla_ctx *ctx = A->ctx;
    const int64_t n = A->n, l = W->n;
    pla_err err = PLA_OK;
    double *full = pla__calloc(ctx, (size_t)(n * l), sizeof *full);
    float *full32 = A->dt == PLA_F32 ? pla__calloc(ctx, (size_t)(n * l), sizeof *full32) : NULL;
    PLA_CHECK(ctx, full && (A->dt == PLA_F64 || full32), PLA_ERR_MEM, "out of memory for a %lldx%lld block",
              (long long)n, (long long)l);
    for (int64_t jl = 0; jl < W->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(W, jl);
        for (int64_t il = 0; il < W->mloc; ++il)
            full[pla_mat_row_l2g(W, il) + j * n] = pla__get(W->dt, W->data, W->lld, il, jl);
    }
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, full, n * l, 0);  /* one owner per element */
    for (int64_t i = 0; err == PLA_OK && full32 && i < n * l; ++i)
        full32[i] = (float)full[i];
    if (err == PLA_OK && A->mloc > 0)
        pla__blas_gemm_rows(A->dt, PLA_NOTRANS, PLA_NOTRANS, A->mloc, l, n, 1.0, A->data, A->lld,
                       full32 ? (const void *)full32 : (const void *)full, n, 0.0, C->data, C->lld);
    free(full);
    free(full32);
    return err;
}

pla_err pla__svd_product(pla_op op, const pla_mat *X, const pla_mat *B, pla_mat **C)
{
    const int64_t rows = op == PLA_NOTRANS ? X->m : X->n, rb = op == PLA_NOTRANS ? X->mb : X->nb;
    pla_err err = pla_mat_create(X->ctx, X->dt, rows, B->n, rb, B->nb, C);
    if (err != PLA_OK)
        return err;
    if (X->ctx->npcol == 1 && B->ctx == X->ctx && (op == PLA_NOTRANS || panel_ok(X, B)))
        err = op == PLA_NOTRANS ? panel_nn(X, B, *C) : panel_tn(X, B, *C);
    else
        err = pla_gemm(op, PLA_NOTRANS, 1.0, X, B, 0.0, *C);
    if (err != PLA_OK)
        pla_mat_destroy(C);
    return err;
}
