/* Least squares: validation, the solver routes, and the reported statistics.
   Every route shrinks the problem with one distributed factorization and
   finishes with a small dense solve on rank 0 (lstsq_small.c):
   - qr / tsqr, m >= n: QR of W = [A B] (centered for an intercept); the top
     n rows of R_W hold R and Q^T B, so Q is never formed;
   - qr, m < n: QR of A^T = Q R; X = Q Z with Z the minimum-norm solution of
     R^T Z = B;
   - normal: G = W^T W by one syrk, Cholesky of its A block.
   Residuals and R^2 are recomputed from the original A and B (one gemm),
   so they are exact for every route, ridge and rank. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pla/lstsq.h"
#include "pla/ops.h"
#include "internal/backend.h"
#include "solvers/qr_common.h"
#include "solvers/lstsq_small.h"

pla_lstsq_solver pla_lstsq_choose(int64_t m, int64_t n, int64_t r)
{
    /* the crossover measured at 2 ranks (bench/RESULTS.md), as pla_qr_choose_shape */
    return m >= 16 * (n + r) ? PLA_LSTSQ_TSQR : PLA_LSTSQ_QR;
}

const char *pla_lstsq_solver_name(pla_lstsq_solver s)
{
    switch (s) {
    case PLA_LSTSQ_AUTO: return "auto";
    case PLA_LSTSQ_QR: return "qr";
    case PLA_LSTSQ_TSQR: return "tsqr";
    case PLA_LSTSQ_NORMAL: return "normal";
    }
    return "unknown";
}

void pla_lstsq_result_free(pla_lstsq_result *res)
{
    if (res == NULL)
        return;
    free(res->intercept);
    free(res->residual_norm);
    free(res->r2);
    res->intercept = res->residual_norm = res->r2 = NULL;
}

/* W = [A B] on ctx with blocks mb x nb, columns centered by mean (may be NULL). */
static pla_err stack_columns(const pla_mat *A, const pla_mat *B, pla_ctx *ctx, int64_t mb, int64_t nb,
                             const double *mean, pla_mat **W)
{
    pla_err err = pla_mat_create(ctx, A->dt, A->m, A->n + B->n, mb, nb, W);
    if (err == PLA_OK && A->n > 0)
        err = pla__kernel_copy_sub(A, 0, 0, A->m, A->n, *W, 0, 0);
    if (err == PLA_OK)
        err = pla__kernel_copy_sub(B, 0, 0, B->m, B->n, *W, 0, A->n);
    if (err == PLA_OK && mean != NULL)
        err = pla_col_shift(*W, mean);
    return err;
}

/* Rank 0 runs a small solve; its status becomes everyone's. */
static pla_err small_status(pla_ctx *ctx, int info, int normal, double rcond)
{
    pla_err err = PLA_OK;
    if (ctx->rank == 0 && info != 0) {
        if (normal && info == -200)
            err = pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                               "A^T A is numerically singular (reciprocal condition %.2g): A is rank deficient "
                               "or too ill-conditioned for the normal equations; use --solver qr", rcond);
        else if (normal && info > 0)
            err = pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                               "A^T A is not positive definite (leading minor %d): A is rank deficient or too "
                               "ill-conditioned for the normal equations; use --solver qr", info);
        else
            err = pla__set_err(ctx, info == -100 ? PLA_ERR_MEM : PLA_ERR_LIB, __FILE__, __LINE__,
                               "the reduced least-squares solve failed (LAPACK info %d)", info);
    }
    return pla__agree(ctx, err);
}

typedef struct {
    const pla_mat *A, *B;
    const pla_lstsq_opts *o;
    double tol;
    const double *mean;   /* column means of [A B] for an intercept, else NULL */
    pla_lstsq_result *res;
} route_args;

/* m >= n: QR (Householder or TSQR) of W = [A B]. */
static pla_err route_tall(const route_args *a, int tsqr, pla_mat **X)
{
    const pla_mat *A = a->A, *B = a->B;
    pla_ctx *ctx = A->ctx;
    const int64_t n = A->n, r = B->n;
    pla_mat *W = NULL, *R = NULL;
    double *rw = NULL, *z = NULL;
    pla_err err = PLA_OK;
    if (tsqr) {
        err = pla__tsqr_r(A, B, a->mean, A->mb, A->nb, &R);
    } else {
        err = stack_columns(A, B, ctx, A->mb, A->nb, a->mean, &W);
        if (err == PLA_OK)
            err = pla__householder_qr(&W, &R, NULL);
    }
    pla_mat_destroy(&W);
    if (err == PLA_OK)
        err = pla__gather_f64(R, &rw);
    int info = 0;
    if (err == PLA_OK && ctx->rank == 0) {
        int64_t ld = R->m;  /* R_W is min(m, n + r) x (n + r); its top n rows are [R, Q^T B] */
        z = malloc((size_t)(n * r) * sizeof *z);
        info = z == NULL ? -100
                         : pla__small_tri_solve(n, r, rw, ld, 0, rw + n * ld, ld, a->o->ridge, a->tol, z,
                                                &a->res->rank, &a->res->rcond);
    }
    if (err == PLA_OK)
        err = small_status(ctx, info, 0, 0.0);
    if (err == PLA_OK)
        err = pla__scatter_f64(A, A->dt, n, r, z, X);
    pla_mat_destroy(&R);
    free(rw);
    free(z);
    return err;
}

/* m < n: QR of A^T; X = Q Z with R^T Z = B (minimum norm). */
static pla_err route_wide(const route_args *a, pla_mat **X)
{
    const pla_mat *A = a->A, *B = a->B;
    pla_ctx *ctx = A->ctx;
    const int64_t m = A->m, r = B->n;
    pla_mat *Ac = NULL, *At = NULL, *Bc = NULL, *R = NULL, *Q = NULL, *Z = NULL;
    double *rw = NULL, *bw = NULL, *z = NULL;
    pla_err err = pla_mat_dup(A, &Ac);
    if (err == PLA_OK && a->mean != NULL)
        err = pla_col_shift(Ac, a->mean);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, A->n, m, A->nb, A->mb, &At);
    if (err == PLA_OK)
        err = pla_mat_transpose(Ac, At);
    pla_mat_destroy(&Ac);
    if (err == PLA_OK)
        err = pla__householder_qr(&At, &R, &Q);
    pla_mat_destroy(&At);
    if (err == PLA_OK)
        err = pla_mat_dup(B, &Bc);
    if (err == PLA_OK && a->mean != NULL)
        err = pla_col_shift(Bc, a->mean + A->n);
    if (err == PLA_OK)
        err = pla__gather_f64(R, &rw);
    if (err == PLA_OK)
        err = pla__gather_f64(Bc, &bw);
    int info = 0;
    if (err == PLA_OK && ctx->rank == 0) {
        z = malloc((size_t)(m * r) * sizeof *z);
        info = z == NULL ? -100
                         : pla__small_tri_solve(m, r, rw, m, 1, bw, m, a->o->ridge, a->tol, z, &a->res->rank,
                                                &a->res->rcond);
    }
    if (err == PLA_OK)
        err = small_status(ctx, info, 0, 0.0);
    if (err == PLA_OK)
        err = pla__scatter_f64(A, A->dt, m, r, z, &Z);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, A->n, r, A->mb, A->nb, X);
    if (err == PLA_OK)
        err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, Q, Z, 0.0, *X);
    pla_mat_destroy(&Bc); pla_mat_destroy(&R); pla_mat_destroy(&Q); pla_mat_destroy(&Z);
    free(rw); free(bw); free(z);
    return err;
}

/* Normal equations: G = W^T W (one syrk), centered algebraically for an intercept. */
static pla_err route_normal(const route_args *a, pla_mat **X)
{
    const pla_mat *A = a->A, *B = a->B;
    pla_ctx *ctx = A->ctx;
    const int64_t n = A->n, r = B->n, nw = n + r;
    pla_mat *W = NULL, *G = NULL;
    double *g = NULL, *x = NULL;
    pla_err err = stack_columns(A, B, ctx, A->mb, A->nb, a->mean, &W);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, nw, nw, A->nb, A->nb, &G);
    if (err == PLA_OK)
        err = pla__kernel_syrk_t(W, G);
    pla_mat_destroy(&W);
    if (err == PLA_OK)
        err = pla__gather_f64(G, &g);
    int info = 0;
    if (err == PLA_OK && ctx->rank == 0) {
        x = malloc((size_t)(n * r) * sizeof *x);
        info = x == NULL ? -100 : pla__small_normal_solve(n, r, g, nw, a->o->ridge, x, &a->res->rcond);
        a->res->rank = n;
        /* rounding can leave a singular Gram matrix "positive definite": below
           n eps (of the data's precision) its Cholesky solution is noise */
        double eps = A->dt == PLA_F64 ? DBL_EPSILON : FLT_EPSILON;
        if (info == 0 && a->res->rcond < (double)n * eps)
            info = -200;
    }
    if (err == PLA_OK)
        err = small_status(ctx, info, 1, a->res->rcond);
    if (err == PLA_OK)
        err = pla__scatter_f64(A, A->dt, n, r, x, X);
    pla_mat_destroy(&G);
    free(g);
    free(x);
    return err;
}

/* Residual norms, R^2 and the intercept from the original A and B. */
static pla_err statistics(const pla_mat *A, const pla_mat *B, const pla_mat *X, const double *mean,
                          pla_lstsq_result *res)
{
    pla_ctx *ctx = A->ctx;
    const int64_t n = A->n, r = B->n;
    pla_mat *E = NULL;
    double *rss = NULL, *tss = NULL, *xw = NULL, *bmean = NULL;
    pla_err err = PLA_OK;
    rss = pla__calloc(ctx, (size_t)r, sizeof *rss);
    tss = pla__calloc(ctx, (size_t)r, sizeof *tss);
    bmean = pla__calloc(ctx, (size_t)r, sizeof *bmean);
    PLA_CHECK(ctx, rss && tss && bmean, PLA_ERR_MEM, "out of memory for least-squares statistics");
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK && mean != NULL) {  /* intercept_j = mean(B_j) - mean(A) . X_j, computed on rank 0 */
        err = pla__gather_f64(X, &xw);
        if (err == PLA_OK && ctx->rank == 0)
            for (int64_t j = 0; j < r; ++j) {
                double s = mean[n + j];
                for (int64_t i = 0; i < n; ++i) s -= mean[i] * xw[i + j * n];
                res->intercept[j] = s;
            }
        if (err == PLA_OK)
            err = pla_ctx_bcast(ctx, res->intercept, (int64_t)((size_t)r * sizeof(double)), 0);
    }
    if (err == PLA_OK)
        err = pla_mat_dup(B, &E);
    if (err == PLA_OK)
        err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, -1.0, A, X, 1.0, E);
    if (err == PLA_OK)
        err = pla_col_sumsq(E, res->intercept, rss);
    if (err == PLA_OK)
        err = pla_col_sums(B, bmean);
    for (int64_t j = 0; err == PLA_OK && j < r; ++j)
        bmean[j] /= (double)(B->m > 0 ? B->m : 1);
    if (err == PLA_OK)
        err = pla_col_sumsq(B, bmean, tss);
    for (int64_t j = 0; err == PLA_OK && j < r; ++j) {
        res->residual_norm[j] = sqrt(rss[j]);
        res->r2[j] = tss[j] > 0 ? 1.0 - rss[j] / tss[j] : (rss[j] == 0 ? 1.0 : 0.0);
    }
    pla_mat_destroy(&E);
    free(rss); free(tss); free(xw); free(bmean);
    return err;
}

pla_err pla_lstsq(const pla_mat *A, const pla_mat *B, const pla_lstsq_opts *opts, pla_mat **X, pla_lstsq_result *res)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    pla_lstsq_opts o = opts ? *opts : PLA_LSTSQ_OPTS_DEFAULT;
    const int64_t m = A->m, n = A->n, r = B->n;
    double *mean = NULL, amax = 0.0;
    memset(res, 0, sizeof *res);
    *X = NULL;
    PLA_CHECK(ctx, B->ctx == ctx && B->dt == A->dt, PLA_ERR_ARG, "A and B must share a context and element type");
    PLA_CHECK(ctx, B->m == m, PLA_ERR_DATA, "B has %lld rows but A has %lld: they must match", (long long)B->m,
              (long long)m);
    PLA_CHECK(ctx, m >= 1 && n >= 1 && r >= 1, PLA_ERR_DATA, "empty least-squares problem: A is %lldx%lld, B is %lldx%lld",
              (long long)m, (long long)n, (long long)B->m, (long long)r);
    PLA_CHECK(ctx, o.ridge >= 0 && isfinite(o.ridge), PLA_ERR_ARG, "the ridge penalty must be >= 0, got %g", o.ridge);
    if (o.solver == PLA_LSTSQ_AUTO)
        o.solver = pla_lstsq_choose(m, n, r);
    PLA_CHECK(ctx, o.solver == PLA_LSTSQ_QR || o.solver == PLA_LSTSQ_TSQR || o.solver == PLA_LSTSQ_NORMAL,
              PLA_ERR_ARG, "unknown least-squares solver %d", (int)o.solver);
    PLA_CHECK(ctx, o.solver != PLA_LSTSQ_TSQR || m >= n + r, PLA_ERR_ARG,
              "solver tsqr needs at least n + r = %lld rows, A has %lld: use --solver qr", (long long)(n + r),
              (long long)m);
    PLA_CHECK(ctx, o.solver != PLA_LSTSQ_NORMAL || m >= n, PLA_ERR_ARG,
              "solver normal needs at least as many rows as columns (A is %lldx%lld): use --solver qr",
              (long long)m, (long long)n);
    res->intercept = pla__calloc(ctx, (size_t)r, sizeof(double));
    res->residual_norm = pla__calloc(ctx, (size_t)r, sizeof(double));
    res->r2 = pla__calloc(ctx, (size_t)r, sizeof(double));
    PLA_CHECK(ctx, res->intercept && res->residual_norm && res->r2, PLA_ERR_MEM, "out of memory for results");
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla_norm(PLA_NORM_MAX, A, &amax);
    if (err == PLA_OK && amax == 0.0)
        err = pla__agree(ctx, pla__set_err(ctx, PLA_ERR_DATA, __FILE__, __LINE__,
                                           "A is all zeros (rank 0): there is nothing to fit"));
    if (err == PLA_OK && o.intercept) {  /* column means of [A B] */
        mean = pla__calloc(ctx, (size_t)(n + r), sizeof *mean);
        err = pla__agree(ctx, mean ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory"));
        if (err == PLA_OK)
            err = pla_col_sums(A, mean);
        if (err == PLA_OK)
            err = pla_col_sums(B, mean + n);
        for (int64_t j = 0; err == PLA_OK && j < n + r; ++j)
            mean[j] /= (double)m;
    }
    if (err == PLA_OK) {
        res->solver = o.solver;
        res->nrhs = r;
        route_args a = { A, B, &o, o.rcond > 0 ? o.rcond : (double)(m > n ? m : n) * DBL_EPSILON, mean, res };
        if (o.solver == PLA_LSTSQ_NORMAL)
            err = route_normal(&a, X);
        else if (m >= n)
            err = route_tall(&a, o.solver == PLA_LSTSQ_TSQR, X);
        else
            err = route_wide(&a, X);
    }
    if (err == PLA_OK)  /* rank 0 computed rank and rcond */
        err = pla_ctx_bcast(ctx, &res->rank, sizeof res->rank, 0);
    if (err == PLA_OK)
        err = pla_ctx_bcast(ctx, &res->rcond, sizeof res->rcond, 0);
    if (err == PLA_OK)
        err = statistics(A, B, *X, mean, res);
    free(mean);
    if (err != PLA_OK) {
        pla_mat_destroy(X);
        pla_lstsq_result_free(res);
    }
    return err;
}
