/* Column-pivoted QR (p?geqpf, ?geqp3 on one process): the permutation
   gathered to every rank, the sign convention of pla_qr, and the numerical
   rank read off the diagonal of R. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "pla/qr.h"
#include "internal/backend.h"
#include "solvers/qr_common.h"

/* perm[j] (global, 0-based) from each process column's ipiv; ranks in
   process row 0 contribute, every rank receives. */
static pla_err gather_perm(const pla_mat *F, const int *ipiv, int64_t *perm)
{
    pla_ctx *ctx = F->ctx;
    const int64_t n = F->n;
    double *v = pla__calloc(ctx, (size_t)(n > 0 ? n : 1), sizeof *v);
    pla_err err = pla__agree(ctx, v ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory"));
    if (err == PLA_OK) {
        if (ctx->myrow == 0)
            for (int64_t jl = 0; jl < F->nloc; ++jl)
                v[pla_mat_col_l2g(F, jl)] = (double)(ipiv[jl] - 1);
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, v, n, 0);
    }
    for (int64_t j = 0; err == PLA_OK && j < n; ++j)
        perm[j] = (int64_t)v[j];
    free(v);
    return err;
}

/* |R(k,k)| for k < min(m, n), on every rank. */
static pla_err diagonal(const pla_mat *R, double *d, int64_t k)
{
    for (int64_t i = 0; i < k; ++i)
        d[i] = 0.0;
    for (int64_t jl = 0; jl < R->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(R, jl);
        int prow;
        int64_t il;
        if (j >= k)
            continue;
        pla_mat_row_g2l(R, j, &prow, &il);
        if (prow == R->ctx->myrow)
            d[j] = fabs(pla__get(R->dt, R->data, R->lld, il, jl));
    }
    return pla__allreduce(R->ctx, PLA_SCOPE_ALL, d, k, 1);
}

pla_err pla_qr_pivoted(const pla_mat *A, double tol, pla_mat **R, pla_mat **Q, int64_t *perm, int64_t *rank)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    pla_mat *F = NULL;
    void *tau = NULL, *work = NULL;
    int *ipiv = NULL;
    double *d = NULL;
    int64_t lwork = 0;
    const int64_t m = A->m, n = A->n, k = m < n ? m : n;
    *R = NULL;
    if (Q)
        *Q = NULL;
    *rank = 0;
    PLA_CHECK(ctx, !isnan(tol), PLA_ERR_ARG, "the rank tolerance is NaN");
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla_mat_dup(A, &F);
    if (err == PLA_OK) {
        tau = pla__calloc(ctx, (size_t)pla__tau_len(F), (size_t)pla_dtype_size(A->dt));
        ipiv = pla__calloc(ctx, (size_t)(F->nloc > 0 ? F->nloc : 1), sizeof *ipiv);
        d = pla__calloc(ctx, (size_t)(k > 0 ? k : 1), sizeof *d);
        err = pla__agree(ctx, tau && ipiv && d ? PLA_OK
                                               : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                                              "out of memory for column-pivoted QR"));
    }
    if (err == PLA_OK)
        err = pla__qr_alloc_work(ctx, A->dt, lwork = pla__kernel_geqpf_lwork(F, ipiv, tau), &work);
    if (err == PLA_OK)
        err = pla__kernel_geqpf(F, ipiv, tau, work, lwork);
    if (err == PLA_OK)
        err = gather_perm(F, ipiv, perm);
    if (err == PLA_OK)
        err = pla__qr_factors(&F, tau, R, Q);
    if (err == PLA_OK)
        err = pla__qr_fix_signs(*R, Q ? *Q : NULL);
    if (err == PLA_OK)
        err = diagonal(*R, d, k);
    if (err == PLA_OK && k > 0) {
        const double eps = A->dt == PLA_F64 ? DBL_EPSILON : FLT_EPSILON;
        const double cut = (tol > 0 ? tol : (double)(m > n ? m : n) * eps) * d[0];
        for (int64_t i = 0; i < k && d[i] > cut; ++i)
            ++*rank;
    }
    if (err != PLA_OK) {
        pla_mat_destroy(R);
        if (Q)
            pla_mat_destroy(Q);
        *rank = 0;
    }
    pla_mat_destroy(&F);
    free(tau);
    free(work);
    free(ipiv);
    free(d);
    return err;
}
