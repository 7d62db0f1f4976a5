/* QR factorization: the method choice, the Householder route (p?geqrf +
   p?orgqr, LAPACK on one process) and the sign convention diag(R) >= 0. */
#include <stdlib.h>
#include "pla/qr.h"
#include "internal/backend.h"
#include "solvers/qr_common.h"

pla_qr_method pla_qr_choose_shape(int64_t m, int64_t n)
{
    /* bench/RESULTS.md, crossover sweep: below m / n = 16 the tree's stacked
       n x n factorizations cost as much as the leaves save */
    return m >= 16 * n ? PLA_QR_TSQR : PLA_QR_HOUSEHOLDER;
}

pla_qr_method pla_qr_choose(const pla_mat *A)
{
    /* tall-skinny: TSQR; crossover measured in bench/ (docs/qr.md) */
    return pla_qr_choose_shape(A->m, A->n);
}

const char *pla_qr_method_name(pla_qr_method method)
{
    switch (method) {
    case PLA_QR_AUTO: return "auto";
    case PLA_QR_HOUSEHOLDER: return "householder";
    case PLA_QR_TSQR: return "tsqr";
    }
    return "unknown";
}

void pla__zero_lower(pla_mat *A)
{
    for (int64_t jl = 0; jl < A->nloc; ++jl) {
        int64_t j = pla_mat_col_l2g(A, jl);
        for (int64_t il = 0; il < A->mloc; ++il)
            if (pla_mat_row_l2g(A, il) > j)
                pla__put(A->dt, A->data, A->lld, il, jl, 0.0);
    }
}

pla_err pla__qr_fix_signs(pla_mat *R, pla_mat *Q)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = R->ctx;
    int64_t k = R->m < R->n ? R->m : R->n;
    double *sign = pla__calloc(ctx, (size_t)(k > 0 ? k : 1), sizeof *sign);
    PLA_CHECK(ctx, sign != NULL, PLA_ERR_MEM, "out of memory fixing QR signs");
    for (int64_t jl = 0; jl < R->nloc; ++jl) {
        int64_t j = pla_mat_col_l2g(R, jl);
        int prow;
        int64_t il;
        if (j >= k)
            continue;
        pla_mat_row_g2l(R, j, &prow, &il);
        if (prow == ctx->myrow)
            sign[j] = pla__get(R->dt, R->data, R->lld, il, jl) < 0 ? -1.0 : 1.0;
    }
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, sign, k, 0);  /* one owner per diagonal entry */
    for (int64_t il = 0; err == PLA_OK && il < R->mloc; ++il) {
        int64_t i = pla_mat_row_l2g(R, il);
        if (i < k && sign[i] < 0)
            for (int64_t jl = 0; jl < R->nloc; ++jl)
                pla__put(R->dt, R->data, R->lld, il, jl, -pla__get(R->dt, R->data, R->lld, il, jl));
    }
    for (int64_t jl = 0; err == PLA_OK && Q != NULL && jl < Q->nloc; ++jl) {
        int64_t j = pla_mat_col_l2g(Q, jl);
        if (j < k && sign[j] < 0)
            for (int64_t il = 0; il < Q->mloc; ++il)
                pla__put(Q->dt, Q->data, Q->lld, il, jl, -pla__get(Q->dt, Q->data, Q->lld, il, jl));
    }
    free(sign);
    return err;
}

pla_err pla__qr_alloc_work(pla_ctx *ctx, pla_dtype dt, int64_t lwork, void **work)
{
    pla_err err = PLA_OK;
    free(*work);
    *work = pla__malloc(ctx, (size_t)lwork * (size_t)pla_dtype_size(dt));
    PLA_CHECK(ctx, *work != NULL, PLA_ERR_MEM, "out of memory for a %lld-element QR workspace", (long long)lwork);
done:
    return pla__agree(ctx, err);
}

pla_err pla__qr_factors(pla_mat **pF, void *tau, pla_mat **R, pla_mat **Q)
{
    pla_err err = PLA_OK;
    pla_mat *F = *pF, *Qm = NULL;
    pla_ctx *ctx = F->ctx;
    const pla_dtype dt = F->dt;
    const int64_t m = F->m, n = F->n, k = m < n ? m : n, mb = F->mb, nb = F->nb;
    void *work = NULL;
    int64_t lwork = 0;
    err = pla_mat_create(ctx, dt, k, n, mb, nb, R);
    if (err == PLA_OK) {
        err = pla__kernel_copy_sub(F, 0, 0, k, n, *R, 0, 0);
        pla__zero_lower(*R);
    }
    if (err == PLA_OK && Q != NULL) {
        if (m > n) {
            Qm = F;  /* the m x n factored matrix becomes Q in place */
            F = *pF = NULL;
        } else {
            err = pla_mat_create(ctx, dt, m, k, mb, nb, &Qm);
            if (err == PLA_OK)
                err = pla__kernel_copy_sub(F, 0, 0, m, k, Qm, 0, 0);
        }
        if (err == PLA_OK)
            err = pla__qr_alloc_work(ctx, dt, lwork = pla__kernel_orgqr_lwork(Qm, k, tau), &work);
        if (err == PLA_OK)
            err = pla__kernel_orgqr(Qm, k, tau, work, lwork);
        if (err == PLA_OK) {
            *Q = Qm;
            Qm = NULL;
        }
    }
    free(work);
    pla_mat_destroy(&Qm);
    return err;
}

pla_err pla__householder_qr(pla_mat **pF, pla_mat **R, pla_mat **Q)
{
    pla_err err = PLA_OK;
    pla_mat *F = *pF;
    pla_ctx *ctx = F->ctx;
    void *tau = NULL, *work = NULL;
    int64_t lwork = 0;

    tau = pla__calloc(ctx, (size_t)pla__tau_len(F), (size_t)pla_dtype_size(F->dt));
    PLA_CHECK(ctx, tau != NULL, PLA_ERR_MEM, "out of memory for QR reflector scalars");
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__qr_alloc_work(ctx, F->dt, lwork = pla__kernel_geqrf_lwork(F, tau), &work);
    if (err == PLA_OK)
        err = pla__kernel_geqrf(F, tau, work, lwork);
    free(work);
    if (err == PLA_OK)
        err = pla__qr_factors(pF, tau, R, Q);
    free(tau);
    return err;
}

static pla_err householder(const pla_mat *A, pla_mat **R, pla_mat **Q)
{
    pla_mat *F = NULL;
    pla_err err = pla_mat_dup(A, &F);
    if (err == PLA_OK)
        err = pla__householder_qr(&F, R, Q);
    pla_mat_destroy(&F);
    return err;
}

pla_err pla_qr(const pla_mat *A, pla_qr_method method, pla_mat **R, pla_mat **Q)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    *R = NULL;
    if (Q) *Q = NULL;
    PLA_CHECK(ctx, method == PLA_QR_AUTO || method == PLA_QR_HOUSEHOLDER || method == PLA_QR_TSQR, PLA_ERR_ARG,
              "unknown QR method %d", (int)method);
    if (method == PLA_QR_AUTO)
        method = pla_qr_choose(A);
    PLA_CHECK(ctx, method != PLA_QR_TSQR || A->m >= A->n, PLA_ERR_ARG,
              "TSQR needs at least as many rows as columns; the matrix is %lldx%lld", (long long)A->m,
              (long long)A->n);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = method == PLA_QR_TSQR ? pla__tsqr(A, R, Q) : householder(A, R, Q);
    if (err == PLA_OK)
        err = pla__qr_fix_signs(*R, Q ? *Q : NULL);
    if (err != PLA_OK) {
        pla_mat_destroy(R);
        if (Q) pla_mat_destroy(Q);
    }
    return err;
}
