/* Kernel dispatch: ScaLAPACK on a grid of more than one process (MPI build),
   LAPACK/BLAS on the local storage otherwise (1 x 1 grid or single-process
   build), so a single rank pays no ScaLAPACK overhead. */
#include <stdlib.h>
#include <string.h>
#include "internal/backend.h"

#if PLA_HAVE_MPI
#define DISTRIBUTED(ctx) ((ctx)->size > 1)
#else
#define DISTRIBUTED(ctx) 0
pla_err pla__grid_init(pla_ctx *ctx) { (void)ctx; return PLA_OK; }
void pla__grid_free(pla_ctx *ctx) { (void)ctx; }
void pla__desc_init(pla_mat *A) { (void)A; }
#endif

pla_err pla__kernel_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A, const pla_mat *B,
                         double beta, pla_mat *C)
{
#if PLA_HAVE_MPI
    if (DISTRIBUTED(C->ctx))
        return pla__pblas_gemm(ta, tb, alpha, A, B, beta, C);
#endif
    return pla__local_gemm(ta, tb, alpha, A, B, beta, C);
}

pla_err pla__kernel_transpose(const pla_mat *A, pla_mat *B)
{
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx))
        return pla__pblas_transpose(A, B);
#endif
    pla__local_transpose(A->dt, A->m, A->n, A->data, A->lld, B->data, B->lld);
    return PLA_OK;
}

/* Whole rows on one P x 1 context with the same row blocks: every rank holds
   the same rows of A and B, so the copy moves no data between ranks (the
   stacking of [A B] for TSQR and least squares; p?gemr2d cost most of their
   time there, bench/RESULTS.md). */
static int rows_aligned(const pla_mat *A, int64_t ia, int64_t m, const pla_mat *B, int64_t ib)
{
    return A->ctx == B->ctx && A->ctx->npcol == 1 && A->mb == B->mb && ia == 0 && ib == 0 && m == A->m &&
           m == B->m;
}

pla_err pla__kernel_copy_sub(const pla_mat *A, int64_t ia, int64_t ja, int64_t m, int64_t n, pla_mat *B,
                             int64_t ib, int64_t jb)
{
    const int aligned = rows_aligned(A, ia, m, B, ib);
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx) && !aligned)
        return pla__scalapack_copy_sub(A, ia, ja, m, n, B, ib, jb);
#endif
    /* aligned: all of my rows (columns are global on a P x 1 grid); else one process holds everything */
    size_t es = (size_t)pla_dtype_size(A->dt);
    pla__local_copy(aligned ? A->mloc : m, n, es, (const char *)A->data + (size_t)(ia + ja * A->lld) * es, A->lld,
                    (char *)B->data + (size_t)(ib + jb * B->lld) * es, B->lld);
    return PLA_OK;
}

pla_err pla__kernel_gather(const pla_mat *A, int root, void *buf, int64_t ld)
{
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx))
        return pla__scalapack_root_transfer(A, root, buf, ld, 1);
#endif
    (void)root;
    pla__local_copy(A->m, A->n, (size_t)pla_dtype_size(A->dt), A->data, A->lld, buf, ld);
    return PLA_OK;
}

pla_err pla__kernel_scatter(pla_mat *A, int root, const void *buf, int64_t ld)
{
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx))
        return pla__scalapack_root_transfer(A, root, (void *)buf, ld, 0);
#endif
    (void)root;
    pla__local_copy(A->m, A->n, (size_t)pla_dtype_size(A->dt), buf, ld, A->data, A->lld);
    return PLA_OK;
}

pla_err pla__kernel_syrk_t(const pla_mat *A, pla_mat *C)
{
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx))
        return pla__pblas_syrk_t(A, C);
#endif
    pla__local_syrk_t(A->dt, A->m, A->n, A->data, A->lld, C->data, C->lld);
    return PLA_OK;
}

int64_t pla__tau_len(const pla_mat *A)
{
    int64_t k = A->m < A->n ? A->m : A->n;
    int64_t len = DISTRIBUTED(A->ctx) ? A->nloc : k;  /* ScaLAPACK: LOCc(min(m, n)) <= nloc */
    return len > 0 ? len : 1;
}

static pla_err lapack_info(pla_ctx *ctx, int info, const char *routine)
{
    if (info == 0)
        return PLA_OK;
    return pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__, "%s failed with info = %d", routine, info);
}

int64_t pla__work_size(pla_dtype dt, const void *w)
{
    double d;
    float f;
    memcpy(&d, w, sizeof d);
    memcpy(&f, w, sizeof f);
    return (int64_t)(dt == PLA_F64 ? d : (double)f) + 1;
}

int64_t pla__kernel_geqrf_lwork(pla_mat *A, void *tau)
{
    double w[1] = { 0 };
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx)) {
        pla__scalapack_geqrf(A, tau, w, -1);
        return pla__work_size(A->dt, w);
    }
#endif
    pla__lapack_geqrf(A->dt, A->m, A->n, A->data, A->lld, tau, w, -1);
    return pla__work_size(A->dt, w);
}

pla_err pla__kernel_geqrf(pla_mat *A, void *tau, void *work, int64_t lwork)
{
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx))
        return lapack_info(A->ctx, pla__scalapack_geqrf(A, tau, work, lwork), "p?geqrf");
#endif
    return lapack_info(A->ctx, pla__lapack_geqrf(A->dt, A->m, A->n, A->data, A->lld, tau, work, lwork), "?geqrf");
}

int64_t pla__kernel_geqpf_lwork(pla_mat *A, int *ipiv, void *tau)
{
    double w[1] = { 0 };
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx)) {
        pla__scalapack_geqpf(A, ipiv, tau, w, -1);
        return pla__work_size(A->dt, w);
    }
#endif
    pla__lapack_geqp3(A->dt, A->m, A->n, A->data, A->lld, ipiv, tau, w, -1);
    return pla__work_size(A->dt, w);
}

pla_err pla__kernel_geqpf(pla_mat *A, int *ipiv, void *tau, void *work, int64_t lwork)
{
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx))
        return lapack_info(A->ctx, pla__scalapack_geqpf(A, ipiv, tau, work, lwork), "p?geqpf");
#endif
    for (int64_t j = 0; j < A->n; ++j)
        ipiv[j] = 0;  /* every column free to move */
    return lapack_info(A->ctx, pla__lapack_geqp3(A->dt, A->m, A->n, A->data, A->lld, ipiv, tau, work, lwork),
                       "?geqp3");
}

int64_t pla__kernel_orgqr_lwork(pla_mat *A, int64_t k, void *tau)
{
    double w[1] = { 0 };
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx)) {
        pla__scalapack_orgqr(A, k, tau, w, -1);
        return pla__work_size(A->dt, w);
    }
#endif
    pla__lapack_orgqr(A->dt, A->m, A->n, k, A->data, A->lld, tau, w, -1);
    return pla__work_size(A->dt, w);
}

pla_err pla__kernel_orgqr(pla_mat *A, int64_t k, void *tau, void *work, int64_t lwork)
{
#if PLA_HAVE_MPI
    if (DISTRIBUTED(A->ctx))
        return lapack_info(A->ctx, pla__scalapack_orgqr(A, k, tau, work, lwork), "p?orgqr");
#endif
    return lapack_info(A->ctx, pla__lapack_orgqr(A->dt, A->m, A->n, k, A->data, A->lld, tau, work, lwork),
                       "?orgqr");
}
