/* Sign conventions: the sign of each column's largest-magnitude entry, found
   with three reductions of n values over all ranks. */
#include <math.h>
#include <stdlib.h>
#include "solvers/qr_common.h"
#include "solvers/signs.h"

pla_err pla__column_signs(const pla_mat *Z, double *sign)
{
    pla_ctx *ctx = Z->ctx;
    const int64_t n = Z->n;
    pla_err err = PLA_OK;
    double *big = pla__calloc(ctx, (size_t)(n > 0 ? n : 1), sizeof *big);
    double *row = pla__calloc(ctx, (size_t)(n > 0 ? n : 1), sizeof *row);
    PLA_CHECK(ctx, big && row, PLA_ERR_MEM, "out of memory normalizing signs");
done:
    err = pla__agree(ctx, err);
    for (int64_t jl = 0; err == PLA_OK && jl < Z->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(Z, jl);
        for (int64_t il = 0; il < Z->mloc; ++il)
            big[j] = fmax(big[j], fabs(pla__get(Z->dt, Z->data, Z->lld, il, jl)));
    }
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, big, n, 1);
    /* the first row holding the largest magnitude: max of -row */
    for (int64_t j = 0; err == PLA_OK && j < n; ++j) {
        row[j] = -(double)Z->m;
        sign[j] = 0.0;
    }
    for (int64_t jl = 0; err == PLA_OK && jl < Z->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(Z, jl);
        for (int64_t il = 0; il < Z->mloc; ++il)
            if (fabs(pla__get(Z->dt, Z->data, Z->lld, il, jl)) == big[j])
                row[j] = fmax(row[j], -(double)pla_mat_row_l2g(Z, il));
    }
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, row, n, 1);
    for (int64_t jl = 0; err == PLA_OK && jl < Z->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(Z, jl);
        for (int64_t il = 0; il < Z->mloc; ++il)
            if (pla_mat_row_l2g(Z, il) == (int64_t)-row[j])
                sign[j] = pla__get(Z->dt, Z->data, Z->lld, il, jl) < 0 ? -1.0 : 1.0;
    }
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, sign, n, 0);  /* one owner per column */
    for (int64_t j = 0; err == PLA_OK && j < n; ++j)
        if (sign[j] == 0.0)
            sign[j] = 1.0;  /* an empty column (Z->m == 0) */
    free(big);
    free(row);
    return err;
}

void pla__flip_columns(pla_mat *Z, const double *sign)
{
    for (int64_t jl = 0; jl < Z->nloc; ++jl)
        if (sign[pla_mat_col_l2g(Z, jl)] < 0)
            for (int64_t il = 0; il < Z->mloc; ++il)
                pla__put(Z->dt, Z->data, Z->lld, il, jl, -pla__get(Z->dt, Z->data, Z->lld, il, jl));
}

void pla__flip_rows(pla_mat *Z, const double *sign)
{
    for (int64_t il = 0; il < Z->mloc; ++il)
        if (sign[pla_mat_row_l2g(Z, il)] < 0)
            for (int64_t jl = 0; jl < Z->nloc; ++jl)
                pla__put(Z->dt, Z->data, Z->lld, il, jl, -pla__get(Z->dt, Z->data, Z->lld, il, jl));
}
