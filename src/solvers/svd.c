/* pla_svd: argument checks, the choice of method, the wide case (the methods
   work on A^T and the factors swap), the sign convention and the residuals. */
#include <math.h>
#include <stdlib.h>
#include "internal/backend.h"
#include "pla/svd.h"
#include "solvers/qr_common.h"
#include "solvers/signs.h"
#include "solvers/svd_methods.h"

pla_svd_opts pla_svd_defaults(void)
{
    pla_svd_opts o = { .method = PLA_SVD_AUTO, .k = 0, .oversample = 10, .power_iters = -1, .tol = 0.0,
                       .seed = 0, .want_u = 1, .want_vt = 1 };
    return o;
}

const char *pla_svd_method_name(pla_svd_method method)
{
    switch (method) {
    case PLA_SVD_AUTO: return "auto";
    case PLA_SVD_FULL: return "full";
    case PLA_SVD_RANDOMIZED: return "randomized";
    case PLA_SVD_KRYLOV: return "krylov";
    }
    return "unknown";
}

int pla_svd_default_power_iters(int64_t m, int64_t n, int64_t k)
{
    const int64_t r = m < n ? m : n;
    return 10 * k < r ? 7 : 4;  /* scikit-learn's randomized_svd, n_iter = 'auto' */
}

int pla_svd_default_krylov_iters(int64_t m, int64_t n, int64_t k)
{
    /* four steps: on the slowly decaying spectrum of bench/svd_run.py
       (s_i = (1 + i)^-1/2, 100000 x 2000, k = 50) the top 50 values come out
       to 2e-4 relative in about the time of scikit-learn's n_iter = 4 (2e-2);
       three steps give 8e-3 */
    (void)m, (void)n, (void)k;
    return 3;
}

/* Cost model: the full method moves about 4 m r^2 flops (QR with Q); the
   Krylov method 2 m r b per pass over A, 2 (q + 1) + 2 passes. */
static pla_svd_method choose(int64_t m, int64_t n, int64_t k, int64_t oversample, int q)
{
    const int64_t r = m < n ? m : n;
    if (k <= 0 || k >= r)
        return PLA_SVD_FULL;
    const int64_t b = k + oversample < r ? k + oversample : r;
    return 2 * r <= (2 * (int64_t)q + 4) * b ? PLA_SVD_FULL : PLA_SVD_KRYLOV;
}

pla_svd_method pla_svd_choose(int64_t m, int64_t n, int64_t k)
{
    return choose(m, n, k, 10, pla_svd_default_krylov_iters(m, n, k));
}

pla_err pla__svd_residual_norms(const pla_mat *Y, const pla_mat *U, const double *s, int64_t k, double s1,
                                double *res)
{
    pla_ctx *ctx = Y->ctx;
    pla_err err = PLA_OK;
    double *sum = pla__calloc(ctx, (size_t)(k > 0 ? k : 1), sizeof *sum);
    PLA_CHECK(ctx, sum != NULL, PLA_ERR_MEM, "out of memory for residuals");
    for (int64_t jl = 0; jl < Y->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(Y, jl);
        if (j >= k)
            continue;
        double acc = 0.0;
        for (int64_t il = 0; il < Y->mloc; ++il) {
            const double d = pla__get(Y->dt, Y->data, Y->lld, il, jl) - s[j] * pla__get(U->dt, U->data, U->lld, il, jl);
            acc += d * d;
        }
        sum[j] = acc;
    }
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, sum, k, 0);  /* each element has one owner */
    for (int64_t i = 0; err == PLA_OK && i < k; ++i)
        res[i] = s1 > 0 ? sqrt(sum[i]) / s1 : 0.0;
    free(sum);
    return err;
}

int pla__svd_all_below(const double *res, int64_t k, double tol)
{
    for (int64_t i = 0; i < k; ++i)
        if (!(res[i] < tol))
            return 0;
    return 1;
}

static pla_err check_args(const pla_mat *A, const pla_svd_opts *o, const double *s)
{
    pla_ctx *ctx = A->ctx;
    pla_err err = PLA_OK;
    const int64_t r = A->m < A->n ? A->m : A->n;
    PLA_CHECK(ctx, o->method == PLA_SVD_AUTO || o->method == PLA_SVD_FULL || o->method == PLA_SVD_RANDOMIZED ||
                       o->method == PLA_SVD_KRYLOV,
              PLA_ERR_ARG, "unknown SVD method %d", (int)o->method);
    PLA_CHECK(ctx, r > 0, PLA_ERR_ARG, "the SVD of an empty %lldx%lld matrix", (long long)A->m, (long long)A->n);
    PLA_CHECK(ctx, o->k >= 0 && o->k <= r, PLA_ERR_ARG, "k must be between 1 and min(m, n) = %lld, got %lld",
              (long long)r, (long long)o->k);
    PLA_CHECK(ctx, o->oversample >= 0, PLA_ERR_ARG, "the oversampling must be >= 0, got %lld",
              (long long)o->oversample);
    PLA_CHECK(ctx, o->power_iters <= PLA_SVD_MAX_POWER_ITERS, PLA_ERR_ARG,
              "at most %d power iterations, got %d", PLA_SVD_MAX_POWER_ITERS, o->power_iters);
    PLA_CHECK(ctx, o->tol >= 0 && isfinite(o->tol), PLA_ERR_ARG, "the tolerance must be finite and >= 0");
    PLA_CHECK(ctx, s != NULL, PLA_ERR_ARG, "no room for the singular values");
    PLA_CHECK(ctx, pla__fits_int(A->m) && pla__fits_int(A->n), PLA_ERR_ARG,
              "a %lldx%lld matrix is beyond ScaLAPACK's 32-bit indices", (long long)A->m, (long long)A->n);
done:
    return pla__agree(ctx, err);
}

/* B := A^T as a new matrix (blocks swapped). */
static pla_err transposed(const pla_mat *A, pla_mat **B)
{
    pla_err err = pla_mat_create(A->ctx, A->dt, A->n, A->m, A->nb, A->mb, B);
    if (err == PLA_OK)
        err = pla_mat_transpose(A, *B);
    return err;
}

/* The methods ran on A^T = U' S V'^T: U := V' = Vt'^T, Vt := U'^T. */
static pla_err swap_factors(pla_mat **U, pla_mat **Vt)
{
    pla_mat *u = NULL, *vt = NULL;
    pla_err err = transposed(*Vt, &u);
    if (err == PLA_OK)
        err = transposed(*U, &vt);
    pla_mat_destroy(U);
    pla_mat_destroy(Vt);
    *U = u;
    *Vt = vt;
    if (err != PLA_OK) {
        pla_mat_destroy(U);
        pla_mat_destroy(Vt);
    }
    return err;
}

/* svd_flip on U: each column's largest-magnitude entry positive, the
   matching row of Vt flipped alike. */
static pla_err flip_signs(pla_mat *U, pla_mat *Vt)
{
    pla_ctx *ctx = U->ctx;
    pla_err err = PLA_OK;
    double *sign = pla__calloc(ctx, (size_t)U->n, sizeof *sign);
    PLA_CHECK(ctx, sign != NULL, PLA_ERR_MEM, "out of memory normalizing singular vectors");
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__column_signs(U, sign);
    if (err == PLA_OK) {
        pla__flip_columns(U, sign);
        pla__flip_rows(Vt, sign);
    }
    free(sign);
    return err;
}

pla_err pla_svd(const pla_mat *A, const pla_svd_opts *opts, double *s, double *residuals, pla_mat **U,
                pla_mat **Vt, pla_svd_info *info)
{
    pla_svd_info local_info = { 0 };
    pla_svd_info *inf = info ? info : &local_info;
    pla_mat *T = NULL, *u = NULL, *vt = NULL;
    double *res = NULL;
    if (U) *U = NULL;
    if (Vt) *Vt = NULL;
    *inf = (pla_svd_info){ 0 };
    pla_err err = check_args(A, opts, s);
    if (err != PLA_OK)
        return err;
    pla_ctx *ctx = A->ctx;
    const int wide = A->m < A->n;
    const int64_t r = wide ? A->m : A->n, k = opts->k > 0 ? opts->k : r;
    const int q = opts->power_iters >= 0 ? opts->power_iters : pla_svd_default_krylov_iters(A->m, A->n, k);
    const pla_svd_method method = opts->method == PLA_SVD_AUTO ? choose(A->m, A->n, k, opts->oversample, q)
                                                               : opts->method;
    const int vectors = method != PLA_SVD_FULL || (U && opts->want_u) || (Vt && opts->want_vt);
    inf->method = method;
    res = pla__calloc(ctx, (size_t)k, sizeof *res);
    err = pla__agree(ctx, res ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                                      "out of memory for residuals"));
    if (err == PLA_OK && wide)
        err = transposed(A, &T);
    const pla_mat *tall = wide ? T : A;
    if (err == PLA_OK)
        err = method == PLA_SVD_RANDOMIZED ? pla__svd_randomized(tall, opts, k, s, &u, &vt, res, inf)
            : method == PLA_SVD_KRYLOV     ? pla__svd_krylov(tall, opts, k, s, &u, &vt, res, inf)
                                           : pla__svd_full(tall, k, vectors, s, &u, &vt, res, inf);
    pla_mat_destroy(&T);
    if (err == PLA_OK && vectors && wide)
        err = swap_factors(&u, &vt);
    if (err == PLA_OK && vectors)
        err = flip_signs(u, vt);
    if (err == PLA_OK) {
        inf->residuals_known = vectors;
        for (int64_t i = 0; residuals && i < k; ++i)
            residuals[i] = vectors ? res[i] : 0.0;
        if (U && opts->want_u) {
            *U = u;
            u = NULL;
        }
        if (Vt && opts->want_vt) {
            *Vt = vt;
            vt = NULL;
        }
    }
    pla_mat_destroy(&u);
    pla_mat_destroy(&vt);
    free(res);
    return err;
}
