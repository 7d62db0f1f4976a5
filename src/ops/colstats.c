/* Column statistics and shifts: the building blocks of centering (intercepts,
   PCA).  Local partial sums are combined over the process column only, then
   shared along the row, so every rank ends with all n values. */
#include <stdlib.h>
#include <string.h>
#include "internal/core.h"
#include "pla/ops.h"

static double entry(const pla_mat *A, int64_t il, int64_t jl)
{
    return A->dt == PLA_F64 ? ((const double *)A->data)[il + jl * A->lld]
                            : (double)((const float *)A->data)[il + jl * A->lld];
}

/* Combines per-local-column partials into out[0..n) on every rank. */
static pla_err combine(const pla_mat *A, double *partial, double *out)
{
    pla_err err = pla__allreduce(A->ctx, PLA_SCOPE_COL, partial, A->nloc, 0);
    memset(out, 0, (size_t)A->n * sizeof *out);
    for (int64_t jl = 0; err == PLA_OK && jl < A->nloc; ++jl)
        out[pla_mat_col_l2g(A, jl)] = partial[jl];
    /* each global column now lives on exactly one process column; summing along
       the process row (ranks with the same row coordinate) fills in the rest */
    if (err == PLA_OK)
        err = pla__allreduce(A->ctx, PLA_SCOPE_ROW, out, A->n, 0);
    return err;
}

static pla_err column_pass(const pla_mat *A, const double *shift, int squares, double *out)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    double *partial = pla__calloc(ctx, (size_t)(A->nloc > 0 ? A->nloc : 1), sizeof *partial);
    PLA_CHECK(ctx, partial != NULL, PLA_ERR_MEM, "out of memory for column statistics");
#pragma omp parallel for schedule(static)
    for (int64_t jl = 0; jl < A->nloc; ++jl) {
        double s = 0.0, c = shift ? shift[pla_mat_col_l2g(A, jl)] : 0.0;
        for (int64_t il = 0; il < A->mloc; ++il) {
            double v = entry(A, il, jl) - c;
            s += squares ? v * v : v;
        }
        partial[jl] = s;
    }
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = combine(A, partial, out);
    free(partial);
    return err;
}

pla_err pla_col_sums(const pla_mat *A, double *sums)
{
    return column_pass(A, NULL, 0, sums);
}

pla_err pla_col_sumsq(const pla_mat *A, const double *shift, double *sumsq)
{
    return column_pass(A, shift, 1, sumsq);
}

pla_err pla_col_shift(pla_mat *A, const double *shift)
{
#pragma omp parallel for schedule(static)
    for (int64_t jl = 0; jl < A->nloc; ++jl) {
        double c = shift[pla_mat_col_l2g(A, jl)];
        if (A->dt == PLA_F64) {
            double *a = (double *)A->data + jl * A->lld;
            for (int64_t il = 0; il < A->mloc; ++il) a[il] -= c;
        } else {
            float *a = (float *)A->data + jl * A->lld;
            for (int64_t il = 0; il < A->mloc; ++il) a[il] = (float)((double)a[il] - c);
        }
    }
    return PLA_OK;
}

pla_err pla_col_scale(pla_mat *A, const double *factor)
{
#pragma omp parallel for schedule(static)
    for (int64_t jl = 0; jl < A->nloc; ++jl) {
        const double f = factor[pla_mat_col_l2g(A, jl)];
        if (A->dt == PLA_F64) {
            double *a = (double *)A->data + jl * A->lld;
            for (int64_t il = 0; il < A->mloc; ++il) a[il] *= f;
        } else {
            float *a = (float *)A->data + jl * A->lld;
            for (int64_t il = 0; il < A->mloc; ++il) a[il] = (float)((double)a[il] * f);
        }
    }
    return PLA_OK;
}
