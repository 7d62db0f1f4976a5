/* Elementwise updates on local storage: no communication needed. */
#include <string.h>
#include "internal/core.h"
#include "pla/ops.h"

pla_err pla_scale(double alpha, pla_mat *A)
{
    for (int64_t j = 0; j < A->nloc; ++j) {
        if (A->dt == PLA_F64) {
            double *a = (double *)A->data + j * A->lld;
            if (alpha == 0.0)
                memset(a, 0, (size_t)A->mloc * sizeof *a);  /* as BLAS: 0 * NaN is 0 here */
            else
                for (int64_t i = 0; i < A->mloc; ++i) a[i] *= alpha;
        } else {
            float *a = (float *)A->data + j * A->lld;
            const float fa = (float)alpha;
            if (alpha == 0.0)
                memset(a, 0, (size_t)A->mloc * sizeof *a);
            else
                for (int64_t i = 0; i < A->mloc; ++i) a[i] *= fa;
        }
    }
    return PLA_OK;
}

pla_err pla_add(double alpha, const pla_mat *A, double beta, pla_mat *B)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = B->ctx;
    PLA_CHECK(ctx, A->ctx == ctx && A->dt == B->dt && A->m == B->m && A->n == B->n && A->mb == B->mb &&
                       A->nb == B->nb, PLA_ERR_ARG, "add of matrices with different shape, blocks or type");
    for (int64_t j = 0; j < A->nloc; ++j) {
        if (A->dt == PLA_F64) {
            const double *a = (const double *)A->data + j * A->lld;
            double *b = (double *)B->data + j * B->lld;
            for (int64_t i = 0; i < A->mloc; ++i) b[i] = alpha * a[i] + beta * b[i];
        } else {
            const float *a = (const float *)A->data + j * A->lld;
            float *b = (float *)B->data + j * B->lld;
            const float fa = (float)alpha, fb = (float)beta;
            for (int64_t i = 0; i < A->mloc; ++i) b[i] = fa * a[i] + fb * b[i];
        }
    }
done:
    return err;
}
