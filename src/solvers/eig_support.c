/* What every symmetric eigensolver path shares: the sign convention that
   makes eigenvectors comparable, the symmetry measure, filling the other
   triangle, and the 1 x 1 problem. */
#include <math.h>
#include <stdlib.h>
#include "pla/eig.h"
#include "internal/backend.h"
#include "solvers/eig_support.h"
#include "solvers/qr_common.h"
#include "solvers/signs.h"

pla_err pla__eig_normalize_signs(pla_mat *Z)
{
    pla_ctx *ctx = Z->ctx;
    pla_err err = PLA_OK;
    double *sign = pla__calloc(ctx, (size_t)(Z->n > 0 ? Z->n : 1), sizeof *sign);
    PLA_CHECK(ctx, sign != NULL, PLA_ERR_MEM, "out of memory normalizing eigenvectors");
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__column_signs(Z, sign);
    if (err == PLA_OK)
        pla__flip_columns(Z, sign);
    free(sign);
    return err;
}

/* w = A(0, 0), Z = [1]. */
pla_err pla__eig_one_by_one(const pla_mat *A, double *w, pla_mat **Z)
{
    double a = A->mloc > 0 && A->nloc > 0 ? pla__get(A->dt, A->data, A->lld, 0, 0) : 0.0;
    pla_err err = pla__allreduce(A->ctx, PLA_SCOPE_ALL, &a, 1, 0);  /* one owner */
    if (err == PLA_OK)
        *w = a;
    if (err == PLA_OK && Z)
        err = pla_mat_create(A->ctx, A->dt, 1, 1, A->nb, A->nb, Z);
    if (err == PLA_OK && Z && (*Z)->mloc > 0 && (*Z)->nloc > 0)
        pla__put(A->dt, (*Z)->data, (*Z)->lld, 0, 0, 1.0);
    return err;
}


/* F's other triangle from its trusted one: F(i, j) := F(j, i) there. */
pla_err pla__eig_symmetrize(pla_mat *F, int lower)
{
    pla_mat *T = NULL;
    pla_err err = pla_mat_create(F->ctx, F->dt, F->n, F->m, F->mb, F->nb, &T);
    if (err == PLA_OK)
        err = pla_mat_transpose(F, T);
    for (int64_t jl = 0; err == PLA_OK && jl < F->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(F, jl);
        for (int64_t il = 0; il < F->mloc; ++il) {
            const int64_t i = pla_mat_row_l2g(F, il);
            if (lower ? i < j : i > j)
                pla__put(F->dt, F->data, F->lld, il, jl, pla__get(T->dt, T->data, T->lld, il, jl));
        }
    }
    pla_mat_destroy(&T);
    return err;
}

pla_err pla_symmetry_error(const pla_mat *A, double *diff, double *amax, int64_t *pi, int64_t *pj)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    pla_mat *T = NULL;
    PLA_CHECK(ctx, A->m == A->n, PLA_ERR_ARG, "symmetry needs a square matrix; A is %lldx%lld", (long long)A->m,
              (long long)A->n);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, A->n, A->m, A->mb, A->nb, &T);
    if (err == PLA_OK)
        err = pla_mat_transpose(A, T);  /* T(i, j) = A(j, i), in A's layout */
    /* [max |A - A^T|, max |A|, -(linear index of the worst pair)] */
    double v[3] = { 0.0, 0.0, -(double)(A->m * A->n) };
    for (int64_t jl = 0; err == PLA_OK && jl < A->nloc; ++jl)
        for (int64_t il = 0; il < A->mloc; ++il) {
            const double a = pla__get(A->dt, A->data, A->lld, il, jl), t = pla__get(T->dt, T->data, T->lld, il, jl);
            v[1] = fmax(v[1], fabs(a));
            v[0] = fmax(v[0], fabs(a - t));
        }
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, v, 2, 1);
    for (int64_t jl = 0; err == PLA_OK && jl < A->nloc && v[0] > 0; ++jl)
        for (int64_t il = 0; il < A->mloc; ++il) {
            const int64_t i = pla_mat_row_l2g(A, il), j = pla_mat_col_l2g(A, jl);
            const double a = pla__get(A->dt, A->data, A->lld, il, jl), t = pla__get(T->dt, T->data, T->lld, il, jl);
            if (i < j && fabs(a - t) == v[0])
                v[2] = fmax(v[2], -(double)(i * A->n + j));
        }
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, v + 2, 1, 1);
    if (err == PLA_OK) {
        const int64_t k = v[0] > 0 ? (int64_t)-v[2] : 0;
        *diff = v[0];
        *amax = v[1];
        *pi = k / (A->n > 0 ? A->n : 1);
        *pj = k % (A->n > 0 ? A->n : 1);
    }
    pla_mat_destroy(&T);
    return err;
}
