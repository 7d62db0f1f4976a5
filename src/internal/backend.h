#pragma once
/* The kernel interface: the only layer that calls ScaLAPACK/PBLAS/BLACS (MPI
   build) or LAPACK/BLAS directly.  Callers have validated the arguments and
   agreed on them across ranks; these functions only compute. */
#include "internal/core.h"
#include "pla/ops.h"

/* Process grid setup and teardown (MPI build: BLACS; single process: 1 x 1). */
pla_err pla__grid_init(pla_ctx *ctx);
void pla__grid_free(pla_ctx *ctx);
/* Fills A->desc from its shape (MPI build; no-op otherwise). */
void pla__desc_init(pla_mat *A);

/* Threads for BLAS and OpenMP in this process. */
void pla__set_threads(int nthreads);

/* C := alpha op(A) op(B) + beta C, all of one dtype, conforming, nonempty m, n. */
pla_err pla__kernel_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A,
                         const pla_mat *B, double beta, pla_mat *C);
/* B := A^T (B n x m), same ctx/dtype. */
pla_err pla__kernel_transpose(const pla_mat *A, pla_mat *B);
/* B := A between any two distributions over the same processes, same dtype. */
pla_err pla__kernel_redistribute(const pla_mat *A, pla_mat *B);
/* Gathers/scatters A to/from a column-major buffer on rank root (same dtype). */
pla_err pla__kernel_gather(const pla_mat *A, int root, void *buf, int64_t ld);
pla_err pla__kernel_scatter(pla_mat *A, int root, const void *buf, int64_t ld);

/* Process-local helpers (any build). */
pla_err pla__local_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A, const pla_mat *B,
                        double beta, pla_mat *C);
void pla__local_copy(int64_t m, int64_t n, size_t es, const void *src, int64_t ld_src, void *dst,
                     int64_t ld_dst);
void pla__local_transpose(pla_dtype dt, int64_t m, int64_t n, const void *a, int64_t lda, void *b,
                          int64_t ldb);
