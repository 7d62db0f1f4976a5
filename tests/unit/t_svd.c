/* Singular value decomposition: ||A - U S Vt||_1 / (||A||_1 max(m, n) eps),
   ||I - U^T U|| and ||I - V^T V|| / (max(m, n) eps) below 10, descending s,
   svd_flip signs on U, residuals equal to a recomputation (the larger of
   ||A v - s u|| and ||A^T u - s v||), values alone equal
   to those with vectors, the distributed small SVD (p?gesvd), and for the
   randomized method: known singular values, --tol, wide matrices. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "tester.h"
#include "solvers/svd_methods.h"  /* pla__debug_svd_small_max: the p?gesvd path at small sizes */

/* Checks on gathered copies (every rank computes the same numbers). */
typedef struct {
    double factor;  /* ||A - U S Vt||_1 / (||A||_1 max(m, n) eps) */
    double orth_u, orth_v;
    double res_diff;  /* max |reported residual - recomputed| */
    double res_max;   /* max recomputed residual */
    int order_ok, signs_ok;
} svd_check;

static svd_check check(const pla_mat *A, const double *s, const double *res, const pla_mat *U, const pla_mat *Vt,
                       int64_t k)
{
    const int64_t m = pla_mat_rows(A), n = pla_mat_cols(A), mx = m > n ? m : n;
    const double eps = tester_eps(pla_mat_dtype(A));
    double *a = tester_gather_all(A), *u = tester_gather_all(U), *vt = tester_gather_all(Vt);
    svd_check c = { 0, 0, 0, 0, 0, 1, 1 };
    double anorm = 0, enorm = 0;
    for (int64_t j = 0; j < n; ++j) {
        double col = 0, ecol = 0;
        for (int64_t i = 0; i < m; ++i) {
            double x = 0;
            for (int64_t l = 0; l < k; ++l)
                x += u[i + l * m] * s[l] * vt[l + j * k];
            col += fabs(a[i + j * m]);
            ecol += fabs(a[i + j * m] - x);
        }
        anorm = fmax(anorm, col);
        enorm = fmax(enorm, ecol);
    }
    c.factor = enorm / ((anorm > 0 ? anorm : 1) * (double)mx * eps);
    for (int64_t p = 0; p < k; ++p) {
        double ou = 0, ov = 0;
        for (int64_t q = 0; q < k; ++q) {
            double du = 0, dv = 0;
            for (int64_t i = 0; i < m; ++i) du += u[i + p * m] * u[i + q * m];
            for (int64_t j = 0; j < n; ++j) dv += vt[p + j * k] * vt[q + j * k];
            ou += fabs(du - (p == q));
            ov += fabs(dv - (p == q));
        }
        c.orth_u = fmax(c.orth_u, ou / ((double)mx * eps));
        c.orth_v = fmax(c.orth_v, ov / ((double)mx * eps));
        if (p > 0 && s[p] > s[p - 1])
            c.order_ok = 0;
        int64_t best = 0;  /* the first largest-magnitude entry of column p */
        for (int64_t i = 1; i < m; ++i)
            if (fabs(u[i + p * m]) > fabs(u[best + p * m])) best = i;
        if (u[best + p * m] < 0)
            c.signs_ok = 0;
        /* the residual: the larger of ||A v - s u|| and ||A^T u - s v|| */
        double r2 = 0, t2 = 0;
        for (int64_t i = 0; i < m; ++i) {
            double x = -s[p] * u[i + p * m];
            for (int64_t j = 0; j < n; ++j) x += a[i + j * m] * vt[p + j * k];
            r2 += x * x;
        }
        for (int64_t j = 0; j < n; ++j) {
            double x = -s[p] * vt[p + j * k];
            for (int64_t i = 0; i < m; ++i) x += a[i + j * m] * u[i + p * m];
            t2 += x * x;
        }
        r2 = fmax(r2, t2);
        const double r = s[0] > 0 ? sqrt(r2) / s[0] : 0;
        c.res_max = fmax(c.res_max, r);
        c.res_diff = fmax(c.res_diff, fabs(r - res[p]));
    }
    free(a);
    free(u);
    free(vt);
    return c;
}

static void full_case(tester *t, pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t nb, const char *grid,
                      int64_t small_max)
{
    const int64_t r = m < n ? m : n;
    const double eps = tester_eps(dt);
    pla_mat *A = tester_random(ctx, dt, m, n, nb, nb, 61), *U = NULL, *Vt = NULL;
    double *s = calloc((size_t)r, sizeof *s), *s0 = calloc((size_t)r, sizeof *s0), *res = calloc((size_t)r, sizeof *res);
    pla_svd_opts o = pla_svd_defaults();
    pla_svd_info info;
    o.method = PLA_SVD_FULL;
    pla__debug_svd_small_max(small_max);
    pla_err err = pla_svd(A, &o, s, res, &U, &Vt, &info);
    svd_check c = { -1, -1, -1, -1, -1, 0, 0 };
    if (err == PLA_OK)
        c = check(A, s, res, U, Vt, r);
    /* values alone */
    o.want_u = o.want_vt = 0;
    pla_err err0 = pla_svd(A, &o, s0, NULL, NULL, NULL, NULL);
    double dv = 0;
    for (int64_t i = 0; i < r; ++i)
        dv = fmax(dv, fabs(s[i] - s0[i]) / (s[0] > 0 ? s[0] : 1));
    pla__debug_svd_small_max(0);
    const double tol_res = 10 * (double)(m > n ? m : n) * eps;
    tester_case(t,
                err == PLA_OK && err0 == PLA_OK && c.factor < 10 && c.orth_u < 10 && c.orth_v < 10 && c.order_ok &&
                    c.signs_ok && c.res_max < tol_res && c.res_diff < tol_res && dv < 10 * (double)r * eps &&
                    info.method == PLA_SVD_FULL && info.residuals_known && info.small_on_one == (r <= small_max || t->size == 1),
                "svd full %s %s %lldx%lld nb=%lld small<=%lld: factor %.2f orth %.2f/%.2f res %.1e (diff %.1e) "
                "values-only diff %.1e%s%s",
                grid, pla_dtype_name(dt), (long long)m, (long long)n, (long long)nb, (long long)small_max, c.factor,
                c.orth_u, c.orth_v, c.res_max, c.res_diff, dv, info.qr_tsqr ? " tsqr" : "",
                info.small_on_one ? " gesdd" : " p?gesvd");
    pla_mat_destroy(&A);
    pla_mat_destroy(&U);
    pla_mat_destroy(&Vt);
    free(s);
    free(s0);
    free(res);
}

/* A = X diag(sv) Y^T with X, Y orthonormal (QR of random matrices). */
static pla_mat *with_spectrum(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t nb, const double *sv)
{
    const int64_t r = m < n ? m : n;
    pla_mat *G = tester_random(ctx, dt, m, r, nb, nb, 71), *H = tester_random(ctx, dt, n, r, nb, nb, 72);
    pla_mat *X = NULL, *Y = NULL, *R = NULL, *A = NULL;
    if (pla_qr(G, PLA_QR_AUTO, &R, &X) != PLA_OK)
        exit(2);
    pla_mat_destroy(&R);
    if (pla_qr(H, PLA_QR_AUTO, &R, &Y) != PLA_OK)
        exit(2);
    pla_mat_destroy(&R);
    void *d;
    int64_t lld, ml, nl;
    pla_mat_local(X, &d, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl)
        for (int64_t il = 0; il < ml; ++il) {
            const double f = sv[pla_mat_col_l2g(X, jl)];
            if (dt == PLA_F64) ((double *)d)[il + jl * lld] *= f;
            else ((float *)d)[il + jl * lld] *= (float)f;
        }
    if (pla_mat_create(ctx, dt, m, n, nb, nb, &A) != PLA_OK ||
        pla_gemm(PLA_NOTRANS, PLA_TRANS, 1.0, X, Y, 0.0, A) != PLA_OK)
        exit(2);
    pla_mat_destroy(&G);
    pla_mat_destroy(&H);
    pla_mat_destroy(&X);
    pla_mat_destroy(&Y);
    return A;
}

/* Known singular values: geometric decay (converges in a few iterations)
   against the exact values; a slow decay with tol, every residual below it. */
static void randomized_case(tester *t, pla_ctx *ctx, pla_svd_method method, pla_dtype dt, int64_t m, int64_t n,
                            int64_t nb, int64_t k, int slow, const char *grid)
{
    const int64_t r = m < n ? m : n;
    const double eps = tester_eps(dt), tol = dt == PLA_F64 ? 1e-6 : 1e-3;
    double *sv = malloc((size_t)r * sizeof *sv), *s = calloc((size_t)k, sizeof *s);
    double *res = calloc((size_t)k, sizeof *res);
    for (int64_t i = 0; i < r; ++i)
        sv[i] = slow ? 1.0 / sqrt(1.0 + (double)i) : pow(0.5, (double)i);
    pla_mat *A = with_spectrum(ctx, dt, m, n, nb, sv), *U = NULL, *Vt = NULL;
    pla_svd_opts o = pla_svd_defaults();
    pla_svd_info info;
    o.method = method;
    o.k = k;
    o.seed = 5;
    o.tol = slow ? tol : 0.0;
    pla_err err = pla_svd(A, &o, s, res, &U, &Vt, &info);
    svd_check c = { -1, -1, -1, -1, -1, 0, 0 };
    double dv = 0;
    if (err == PLA_OK) {
        c = check(A, s, res, U, Vt, k);
        for (int64_t i = 0; i < k; ++i)
            dv = fmax(dv, fabs(s[i] - sv[i]) / sv[0]);
    }
    /* fast decay: exact to rounding; slow decay: residual below tol bounds the value error by about tol */
    const int ok = err == PLA_OK && c.orth_u < 10 && c.orth_v < 10 && c.order_ok && c.signs_ok &&
                   c.res_diff < 10 * (double)(m > n ? m : n) * eps && info.method == method &&
                   (slow ? info.converged && c.res_max < tol && dv < tol
                         : dv < 100 * (double)r * eps && c.res_max < 100 * (double)r * eps);
    tester_case(t, ok, "svd %s %s %s %lldx%lld nb=%lld k=%lld %s: value err %.1e res %.1e (diff %.1e) "
                "orth %.2f/%.2f, %d power iterations, sketch %lld",
                pla_svd_method_name(method), grid, pla_dtype_name(dt), (long long)m, (long long)n, (long long)nb, (long long)k,
                slow ? "slow decay, tol" : "fast decay", dv, c.res_max, c.res_diff, c.orth_u, c.orth_v,
                info.power_iters, (long long)info.sketch);
    pla_mat_destroy(&A);
    pla_mat_destroy(&U);
    pla_mat_destroy(&Vt);
    free(sv);
    free(s);
    free(res);
}

/* auto runs what pla_svd_choose names, and agrees with the full method. */
static void auto_case(tester *t, pla_ctx *ctx, int64_t m, int64_t n, int64_t k, const char *grid)
{
    double *sv = malloc((size_t)n * sizeof *sv), *s = calloc((size_t)k, sizeof *s), *sf = calloc((size_t)k, sizeof *sf);
    for (int64_t i = 0; i < n; ++i)
        sv[i] = pow(0.7, (double)i);
    pla_mat *A = with_spectrum(ctx, PLA_F64, m, n, 16, sv);
    pla_svd_opts o = pla_svd_defaults();
    pla_svd_info info;
    o.k = k;
    pla_err err = pla_svd(A, &o, s, NULL, NULL, NULL, &info);
    o.method = PLA_SVD_FULL;
    pla_err errf = pla_svd(A, &o, sf, NULL, NULL, NULL, NULL);
    double d = 0;
    for (int64_t i = 0; i < k; ++i)
        d = fmax(d, fabs(s[i] - sf[i]) / sf[0]);
    tester_case(t, err == PLA_OK && errf == PLA_OK && info.method == pla_svd_choose(m, n, k) && d < 1e-12,
                "svd auto %s %lldx%lld k=%lld ran %s, values agree with full to %.1e", grid, (long long)m,
                (long long)n, (long long)k, pla_svd_method_name(info.method), d);
    pla_mat_destroy(&A);
    free(sv);
    free(s);
    free(sf);
}

static void bad_args(tester *t, pla_ctx *ctx)
{
    pla_mat *A = tester_random(ctx, PLA_F64, 20, 12, 4, 4, 81);
    double s[20];
    struct { const char *what; pla_svd_opts o; } cases[6];
    for (int i = 0; i < 6; ++i)
        cases[i].o = pla_svd_defaults();
    cases[0].what = "k > min(m, n)", cases[0].o.k = 13;
    cases[1].what = "k < 0", cases[1].o.k = -1;
    cases[2].what = "negative oversampling", cases[2].o.oversample = -1;
    cases[3].what = "too many power iterations", cases[3].o.power_iters = PLA_SVD_MAX_POWER_ITERS + 1;
    cases[4].what = "NaN tolerance", cases[4].o.tol = NAN;
    cases[5].what = "unknown method", cases[5].o.method = (pla_svd_method)7;
    for (int i = 0; i < 6; ++i) {
        pla_mat *U = NULL, *Vt = NULL;
        pla_err err = pla_svd(A, &cases[i].o, s, NULL, &U, &Vt, NULL);
        tester_case(t, err == PLA_ERR_ARG && U == NULL && Vt == NULL, "svd rejects %s: %s", cases[i].what,
                    pla_ctx_errmsg(ctx));
    }
    pla_mat_destroy(&A);
}

void test_svd(tester *t)
{
    static const int64_t shapes[][2] = { { 1, 1 }, { 1, 17 }, { 40, 1 }, { 37, 23 }, { 23, 37 }, { 64, 64 },
                                         { 400, 10 } };
    static const int64_t blocks[] = { 3, 64 };
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        char grid[16];
        snprintf(grid, sizeof grid, "%dx%d", grids[g][0], grids[g][1]);
        for (int d = 0; d < 2; ++d) {
            const pla_dtype dt = d ? PLA_F32 : PLA_F64;
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s)
                for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; ++b)
                    full_case(t, ctx, dt, shapes[s][0], shapes[s][1], blocks[b], grid, PLA_SVD_SMALL_MAX);
            full_case(t, ctx, dt, 45, 30, 8, grid, 16);  /* the distributed small SVD */
            full_case(t, ctx, dt, 30, 45, 4, grid, 16);
            for (int r = 0; r < 2; ++r) {
                const pla_svd_method method = r ? PLA_SVD_KRYLOV : PLA_SVD_RANDOMIZED;
                randomized_case(t, ctx, method, dt, 120, 40, 8, 5, 0, grid);
                randomized_case(t, ctx, method, dt, 33, 90, 7, 4, 0, grid);  /* wide */
                randomized_case(t, ctx, method, dt, 150, 60, 16, 3, 1, grid);
                randomized_case(t, ctx, method, dt, 60, 60, 64, 1, 0, grid);
            }
        }
        tester_ctx_free(t, &ctx);
        /* two threads per rank: the products split the long dimension between them */
        ctx = tester_ctx(grids[g][0], grids[g][1], 2);
        randomized_case(t, ctx, PLA_SVD_KRYLOV, PLA_F64, 3000, 40, 64, 5, 0, grid);
        randomized_case(t, ctx, PLA_SVD_RANDOMIZED, PLA_F32, 3000, 40, 64, 5, 0, grid);
        auto_case(t, ctx, 120, 40, 5, grid);   /* full: r <= 5 (k + 10) */
        auto_case(t, ctx, 400, 200, 5, grid);  /* krylov */
        bad_args(t, ctx);
        tester_ctx_free(t, &ctx);
    }
}
