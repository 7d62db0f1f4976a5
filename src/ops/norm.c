/* Matrix norms: local partial results, then one or two reductions. */
#include <math.h>
#include <stdlib.h>
#include "internal/core.h"
#include "pla/ops.h"

static double entry(const pla_mat *A, int64_t il, int64_t jl)
{
    return A->dt == PLA_F64 ? ((const double *)A->data)[il + jl * A->lld]
                            : (double)((const float *)A->data)[il + jl * A->lld];
}

static pla_err norm_max(const pla_mat *A, double *value)
{
    double amax = 0.0;
    for (int64_t jl = 0; jl < A->nloc; ++jl)
        for (int64_t il = 0; il < A->mloc; ++il) {
            double a = fabs(entry(A, il, jl));
            if (a > amax || isnan(a)) amax = a;
        }
    *value = amax;
    return pla__allreduce(A->ctx, PLA_SCOPE_ALL, value, 1, 1);
}

/* Frobenius norm scaled by the global max-abs so squares neither overflow nor underflow. */
static pla_err norm_fro(const pla_mat *A, double *value)
{
    double scale = 0.0, ssq = 0.0;
    pla_err err = norm_max(A, &scale);
    if (err != PLA_OK || scale == 0.0 || !isfinite(scale)) {
        *value = scale;
        return err;
    }
    for (int64_t jl = 0; jl < A->nloc; ++jl)
        for (int64_t il = 0; il < A->mloc; ++il) {
            double a = entry(A, il, jl) / scale;
            ssq += a * a;
        }
    err = pla__allreduce(A->ctx, PLA_SCOPE_ALL, &ssq, 1, 0);
    *value = scale * sqrt(ssq);
    return err;
}

/* Max over columns (one) or rows (inf) of absolute sums: sum within the process
   column or row that shares them, then the max over everyone. */
static pla_err norm_sums(const pla_mat *A, int by_columns, double *value)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    int64_t len = by_columns ? A->nloc : A->mloc;
    double *sums = pla__calloc(ctx, (size_t)(len > 0 ? len : 1), sizeof *sums);
    double best = 0.0;
    PLA_CHECK(ctx, sums != NULL, PLA_ERR_MEM, "out of memory computing a norm");
    for (int64_t jl = 0; jl < A->nloc; ++jl)
        for (int64_t il = 0; il < A->mloc; ++il)
            sums[by_columns ? jl : il] += fabs(entry(A, il, jl));
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__allreduce(ctx, by_columns ? PLA_SCOPE_COL : PLA_SCOPE_ROW, sums, len, 0);
    for (int64_t i = 0; err == PLA_OK && i < len; ++i)
        if (sums[i] > best || isnan(sums[i])) best = sums[i];
    *value = best;
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, value, 1, 1);
    free(sums);
    return err;
}

pla_err pla_norm(pla_norm_kind kind, const pla_mat *A, double *value)
{
    *value = 0.0;
    switch (kind) {
    case PLA_NORM_MAX: return norm_max(A, value);
    case PLA_NORM_FRO: return norm_fro(A, value);
    case PLA_NORM_ONE: return norm_sums(A, 1, value);
    case PLA_NORM_INF: return norm_sums(A, 0, value);
    }
    return pla__agree(A->ctx, pla__set_err(A->ctx, PLA_ERR_ARG, __FILE__, __LINE__, "unknown norm %d", (int)kind));
}
