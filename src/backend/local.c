/* Kernels on one process's storage (1 x 1 grid or the single-process build):
   straight BLAS calls and plain copies. */
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "internal/backend.h"
#include "backend/fortran.h"

void pla__set_threads(int nthreads)
{
    openblas_set_num_threads(nthreads);
#ifdef _OPENMP
    omp_set_num_threads(nthreads);
#endif
}

void pla__blas_gemm(pla_dtype dt, pla_op ta, pla_op tb, int64_t m, int64_t n, int64_t k, double alpha,
                    const void *a, int64_t lda, const void *b, int64_t ldb, double beta, void *c, int64_t ldc)
{
    const char cta = ta == PLA_TRANS ? 'T' : 'N', ctb = tb == PLA_TRANS ? 'T' : 'N';
    const int im = (int)m, in = (int)n, ik = (int)k;
    const int ilda = (int)(lda > 0 ? lda : 1), ildb = (int)(ldb > 0 ? ldb : 1), ildc = (int)(ldc > 0 ? ldc : 1);
    if (m == 0 || n == 0)
        return;
    if (dt == PLA_F64) {
        dgemm_(&cta, &ctb, &im, &in, &ik, &alpha, a, &ilda, b, &ildb, &beta, c, &ildc);
    } else {
        const float fa = (float)alpha, fb = (float)beta;
        sgemm_(&cta, &ctb, &im, &in, &ik, &fa, a, &ilda, b, &ildb, &fb, c, &ildc);
    }
}

void pla__blas_gemm_rows(pla_dtype dt, pla_op ta, pla_op tb, int64_t m, int64_t n, int64_t k, double alpha,
                         const void *a, int64_t lda, const void *b, int64_t ldb, double beta, void *c, int64_t ldc)
{
    enum { MIN_ROWS = 256 };  /* per thread: below it the calls cost more than they split */
    int chunks = 1;
#ifdef _OPENMP
    if (!omp_in_parallel())
        chunks = omp_get_max_threads();
#endif
    if (m / MIN_ROWS < chunks)
        chunks = (int)(m / MIN_ROWS);
    if (chunks <= 1) {
        pla__blas_gemm(dt, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    const size_t es = (size_t)pla_dtype_size(dt);
    /* row r of op(A) starts at a + r (A) or a + r lda (A^T) */
    const size_t astep = ta == PLA_NOTRANS ? es : (size_t)lda * es;
#pragma omp parallel for schedule(static, 1) num_threads(chunks)
    for (int t = 0; t < chunks; ++t) {
        const int64_t r0 = m * t / chunks, r1 = m * (t + 1) / chunks;
        pla__blas_gemm(dt, ta, tb, r1 - r0, n, k, alpha, (const char *)a + (size_t)r0 * astep, lda, b, ldb, beta,
                       (char *)c + (size_t)r0 * es, ldc);
    }
}

pla_err pla__local_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A, const pla_mat *B,
                        double beta, pla_mat *C)
{
    enum { FEW_COLUMNS = 256 };  /* tall results: the threads take rows (pla__blas_gemm_rows) */
    void (*gemm)(pla_dtype, pla_op, pla_op, int64_t, int64_t, int64_t, double, const void *, int64_t, const void *,
                 int64_t, double, void *, int64_t) = C->n <= FEW_COLUMNS ? pla__blas_gemm_rows : pla__blas_gemm;
    gemm(C->dt, ta, tb, C->m, C->n, ta == PLA_TRANS ? A->m : A->n, alpha, A->data, A->lld, B->data, B->lld, beta,
         C->data, C->lld);
    return PLA_OK;
}

/* dst (ld_dst) := src (ld_src), m x n column-major, elements of es bytes */
void pla__local_copy(int64_t m, int64_t n, size_t es, const void *src, int64_t ld_src, void *dst,
                     int64_t ld_dst)
{
    for (int64_t j = 0; j < n; ++j)
        memcpy((char *)dst + (size_t)(j * ld_dst) * es, (const char *)src + (size_t)(j * ld_src) * es,
               (size_t)m * es);
}

#define PLA_T double
#define PLA_NAME transpose_d
#include "backend/transpose_tmpl.h"
#define PLA_T float
#define PLA_NAME transpose_s
#include "backend/transpose_tmpl.h"

/* B (n x m) := A^T for A m x n, column-major, same element type */
void pla__local_transpose(pla_dtype dt, int64_t m, int64_t n, const void *a, int64_t lda, void *b,
                          int64_t ldb)
{
    if (dt == PLA_F64)
        transpose_d(m, n, a, lda, b, ldb);
    else
        transpose_s(m, n, a, lda, b, ldb);
}

int pla__lapack_geqrf(pla_dtype dt, int64_t m, int64_t n, void *a, int64_t lda, void *tau, void *work,
                      int64_t lwork)
{
    const int im = (int)m, in = (int)n, ilda = (int)(lda > 0 ? lda : 1), lw = (int)lwork;
    int info = 0;
    if (dt == PLA_F64)
        dgeqrf_(&im, &in, a, &ilda, tau, work, &lw, &info);
    else
        sgeqrf_(&im, &in, a, &ilda, tau, work, &lw, &info);
    return info;
}

int pla__lapack_geqp3(pla_dtype dt, int64_t m, int64_t n, void *a, int64_t lda, int *jpvt, void *tau, void *work,
                      int64_t lwork)
{
    const int im = (int)m, in = (int)n, ilda = (int)(lda > 0 ? lda : 1), lw = (int)lwork;
    int info = 0;
    if (dt == PLA_F64)
        dgeqp3_(&im, &in, a, &ilda, jpvt, tau, work, &lw, &info);
    else
        sgeqp3_(&im, &in, a, &ilda, jpvt, tau, work, &lw, &info);
    return info;
}

int pla__lapack_orgqr(pla_dtype dt, int64_t m, int64_t n, int64_t k, void *a, int64_t lda, const void *tau,
                      void *work, int64_t lwork)
{
    const int im = (int)m, in = (int)n, ik = (int)k, ilda = (int)(lda > 0 ? lda : 1), lw = (int)lwork;
    int info = 0;
    if (dt == PLA_F64)
        dorgqr_(&im, &in, &ik, a, &ilda, tau, work, &lw, &info);
    else
        sorgqr_(&im, &in, &ik, a, &ilda, tau, work, &lw, &info);
    return info;
}

void pla__local_syrk_t(pla_dtype dt, int64_t m, int64_t n, const void *a, int64_t lda, void *c, int64_t ldc)
{
    const int in = (int)n, ik = (int)m, ilda = (int)(lda > 0 ? lda : 1), ildc = (int)(ldc > 0 ? ldc : 1);
    if (n == 0)
        return;
    if (dt == PLA_F64) {
        const double one = 1.0, zero = 0.0;
        dsyrk_("U", "T", &in, &ik, &one, a, &ilda, &zero, c, &ildc);
    } else {
        const float one = 1.0f, zero = 0.0f;
        ssyrk_("U", "T", &in, &ik, &one, a, &ilda, &zero, c, &ildc);
    }
}
