/* The single-process build's kernels: a 1 x 1 grid, so every distributed
   operation is a local BLAS call or copy. */
#include "internal/backend.h"

pla_err pla__grid_init(pla_ctx *ctx) { (void)ctx; return PLA_OK; }
void pla__grid_free(pla_ctx *ctx) { (void)ctx; }
void pla__desc_init(pla_mat *A) { (void)A; }

pla_err pla__kernel_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A, const pla_mat *B,
                         double beta, pla_mat *C)
{
    return pla__local_gemm(ta, tb, alpha, A, B, beta, C);
}

pla_err pla__kernel_transpose(const pla_mat *A, pla_mat *B)
{
    pla__local_transpose(A->dt, A->m, A->n, A->data, A->lld, B->data, B->lld);
    return PLA_OK;
}

pla_err pla__kernel_redistribute(const pla_mat *A, pla_mat *B)
{
    pla__local_copy(A->m, A->n, (size_t)pla_dtype_size(A->dt), A->data, A->lld, B->data, B->lld);
    return PLA_OK;
}

pla_err pla__kernel_gather(const pla_mat *A, int root, void *buf, int64_t ld)
{
    (void)root;
    pla__local_copy(A->m, A->n, (size_t)pla_dtype_size(A->dt), A->data, A->lld, buf, ld);
    return PLA_OK;
}

pla_err pla__kernel_scatter(pla_mat *A, int root, const void *buf, int64_t ld)
{
    (void)root;
    pla__local_copy(A->m, A->n, (size_t)pla_dtype_size(A->dt), buf, ld, A->data, A->lld);
    return PLA_OK;
}
