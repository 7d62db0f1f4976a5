/* PCA: on gathered copies, every model is checked against the centered
   (scaled) data itself: components orthonormal, each an eigenvector of the
   covariance with its explained variance (scaled residual), the total
   variance and ratios, the noise variance, the sign rule on the scores,
   scores = Xc components^T, the three solvers agreeing, transform of the
   fitted data equal to the scores, inverse of all components giving X back,
   whitening, --scale, --variance, and bad arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tester.h"

typedef struct {
    double orth;      /* ||V V^T - I||_1 / (n eps) */
    double eig_res;   /* max_i ||C v_i - ev_i v_i|| / (ev_1 n eps), C the covariance of the data */
    double total;     /* |total variance - sum of column variances| / total */
    double ratio;     /* max |ratio_i - ev_i / total| */
    double noise;     /* |noise - (total - kept) / (r - k)| / ev_1 */
    double scores;    /* max |scores - Xc V^T| / max |scores| (-1: none) */
    int signs_ok, order_ok;
} pca_check;

/* xc := the centered (scaled) data, column-major m x n, from the raw data and the model. */
static void standardized(const double *x, int64_t m, int64_t n, const pla_pca_model *md, double *xc)
{
    for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < m; ++i)
            xc[i + j * m] = (x[i + j * m] - md->mean[j]) / (md->scale ? md->scale[j] : 1.0);
}

static pca_check check(const double *x, int64_t m, int64_t n, const pla_pca_model *md, const pla_mat *S,
                       double eps)
{
    const int64_t k = md->k, r = m < n ? m : n;
    double *xc = malloc((size_t)(m * n) * sizeof *xc), *v = tester_gather_all(md->components);
    double *s = S ? tester_gather_all(S) : NULL;
    pca_check c = { 0, 0, 0, 0, 0, S ? 0 : -1, 1, 1 };
    standardized(x, m, n, md, xc);
    double total = 0, kept = 0, smax = 0;
    for (int64_t j = 0; j < n; ++j) {
        double mean = 0, ss = 0;
        for (int64_t i = 0; i < m; ++i) mean += xc[i + j * m];
        mean /= (double)m;
        for (int64_t i = 0; i < m; ++i) ss += (xc[i + j * m] - mean) * (xc[i + j * m] - mean);
        total += ss / (double)(m - 1);
    }
    c.total = fabs(total - md->total_variance) / (total > 0 ? total : 1);
    const double ev1 = md->explained_variance[0] > 0 ? md->explained_variance[0] : 1;
    for (int64_t p = 0; p < k; ++p) {
        kept += md->explained_variance[p];
        c.ratio = fmax(c.ratio, fabs(md->explained_variance_ratio[p] - md->explained_variance[p] / total));
        if (p > 0 && md->explained_variance[p] > md->explained_variance[p - 1])
            c.order_ok = 0;
        double o = 0;
        for (int64_t q = 0; q < k; ++q) {
            double d = 0;
            for (int64_t j = 0; j < n; ++j) d += v[p + j * k] * v[q + j * k];
            o += fabs(d - (p == q));
        }
        c.orth = fmax(c.orth, o / ((double)n * eps));
        /* C v - ev v with C = Xc^T Xc / (m - 1), through y = Xc v */
        double *y = calloc((size_t)m, sizeof *y), res = 0;
        for (int64_t j = 0; j < n; ++j)
            for (int64_t i = 0; i < m; ++i) y[i] += xc[i + j * m] * v[p + j * k];
        for (int64_t j = 0; j < n; ++j) {
            double cv = 0;
            for (int64_t i = 0; i < m; ++i) cv += xc[i + j * m] * y[i];
            cv = cv / (double)(m - 1) - md->explained_variance[p] * v[p + j * k];
            res += cv * cv;
        }
        c.eig_res = fmax(c.eig_res, sqrt(res) / (ev1 * (double)n * eps));
        if (s) {  /* scores: Xc v, and the sign rule on them */
            int64_t best = 0;
            for (int64_t i = 0; i < m; ++i) {
                c.scores = fmax(c.scores, fabs(s[i + p * m] - y[i]));
                smax = fmax(smax, fabs(y[i]));
                if (fabs(s[i + p * m]) > fabs(s[best + p * m])) best = i;
            }
            if (s[best + p * m] < 0)
                c.signs_ok = 0;
        }
        free(y);
    }
    if (s)
        c.scores /= smax > 0 ? smax : 1;
    const double noise = k < r ? fmax(total - kept, 0) / (double)(r - k) : 0;
    c.noise = fabs(md->noise_variance - noise) / ev1;
    free(xc);
    free(v);
    free(s);
    return c;
}

/* Data with a spread of column means and scales, and a decaying spectrum
   (fast enough for the randomized solver to be exact to rounding). */
static pla_mat *data(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t nb)
{
    pla_mat *X = tester_random(ctx, dt, m, n, nb, nb, 91), *W = tester_random(ctx, dt, n, n, nb, nb, 92);
    pla_mat *Y = NULL;
    double *d = calloc((size_t)n, sizeof *d), *shift = calloc((size_t)n, sizeof *shift);
    for (int64_t j = 0; j < n; ++j) {
        d[j] = pow(0.5, (double)j);
        shift[j] = -3.0 * (double)(j % 5) + 0.5;
    }
    if (pla_col_scale(X, d) != PLA_OK || pla_mat_create(ctx, dt, m, n, nb, nb, &Y) != PLA_OK ||
        pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, X, W, 0.0, Y) != PLA_OK || pla_col_shift(Y, shift) != PLA_OK)
        pla_mat_destroy(&Y);
    pla_mat_destroy(&X);
    pla_mat_destroy(&W);
    free(d);
    free(shift);
    return Y;
}

/* A new m x n matrix holding the column-major values x (every rank has them). */
static pla_mat *raw(pla_ctx *ctx, pla_dtype dt, const double *x, int64_t m, int64_t n, int64_t nb)
{
    pla_mat *A = NULL;
    void *buf = calloc((size_t)(m * n), (size_t)pla_dtype_size(dt));
    for (int64_t i = 0; buf && i < m * n; ++i) {
        if (dt == PLA_F64) ((double *)buf)[i] = x[i];
        else ((float *)buf)[i] = (float)x[i];
    }
    if (buf == NULL || pla_mat_create(ctx, dt, m, n, nb, nb, &A) != PLA_OK || pla_mat_scatter(A, 0, buf, m) != PLA_OK)
        pla_mat_destroy(&A);
    free(buf);
    return A;
}

static void fit_case(tester *t, pla_ctx *ctx, pla_pca_solver solver, pla_dtype dt, int64_t m, int64_t n, int64_t nb,
                     int64_t k, int scale, int whiten, const char *grid)
{
    const double eps = tester_eps(dt);
    pla_mat *X = data(ctx, dt, m, n, nb), *S = NULL, *S2 = NULL, *Xb = NULL;
    double *x = X ? tester_gather_all(X) : NULL;
    pla_pca_opts o = pla_pca_defaults();
    pla_pca_model md;
    o.solver = solver;
    o.k = k;
    o.scale = scale;
    o.whiten = 0;
    o.tol = solver == PLA_PCA_RANDOMIZED ? 100 * eps : 0;
    pla_err err = X ? pla_pca_fit(X, &o, &md, &S) : PLA_ERR_MEM;
    pca_check c = { -1, -1, -1, -1, -1, -1, 0, 0 };
    double dt_err = -1, inv_err = -1, white = -1;
    if (err == PLA_OK) {
        c = check(x, m, n, &md, S, eps);
        /* transform of the fitted data (the raw data again) equals the scores */
        double *xs = tester_gather_all(S);
        pla_mat *Xr = raw(ctx, dt, x, m, n, nb);
        if (Xr && pla_pca_transform(&md, Xr, &S2) == PLA_OK) {
            double *ys = tester_gather_all(S2), d = 0, mx = 0;
            for (int64_t i = 0; i < m * md.k; ++i) {
                d = fmax(d, fabs(ys[i] - xs[i]));
                mx = fmax(mx, fabs(xs[i]));
            }
            dt_err = d / (mx > 0 ? mx : 1);
            free(ys);
        }
        pla_mat_destroy(&Xr);
        /* all components: the inverse of the scores is the data */
        if (md.k == (m < n ? m : n) && pla_pca_inverse(&md, S, &Xb) == PLA_OK) {
            double *xb = tester_gather_all(Xb), d = 0, mx = 0;
            for (int64_t i = 0; i < m * n; ++i) {
                d = fmax(d, fabs(xb[i] - x[i]));
                mx = fmax(mx, fabs(x[i]));
            }
            inv_err = d / ((mx > 0 ? mx : 1) * (double)(m > n ? m : n) * eps);
            free(xb);
        }
        free(xs);
        /* whitening: scores with unit variance per component */
        if (whiten) {
            md.whiten = 1;
            pla_mat *Xw = raw(ctx, dt, x, m, n, nb), *W = NULL;
            if (Xw && pla_pca_transform(&md, Xw, &W) == PLA_OK) {
                double *w = tester_gather_all(W);
                white = 0;
                for (int64_t p = 0; p < md.k; ++p) {
                    double ss = 0;
                    for (int64_t i = 0; i < m; ++i) ss += w[i + p * m] * w[i + p * m];
                    white = fmax(white, fabs(ss / (double)(m - 1) - 1.0));
                }
                free(w);
            }
            pla_mat_destroy(&Xw);
            pla_mat_destroy(&W);
        }
    }
    const double bound = solver == PLA_PCA_COVARIANCE ? 100 : 30;
    const int ok = err == PLA_OK && md.solver == solver && c.orth < bound && c.eig_res < bound &&
                   c.total < 100 * eps && c.ratio < 100 * eps && c.noise < 100 * (double)n * eps &&
                   c.scores < 100 * (double)n * eps && c.scores >= 0 && c.signs_ok && c.order_ok &&
                   dt_err >= 0 && dt_err < 100 * (double)n * eps && (inv_err < 0 || inv_err < 100) &&
                   (!whiten || (white >= 0 && white < 1e3 * (double)m * eps));
    tester_case(t, tester_all(ctx, ok),
                "pca %s %s %s %lldx%lld nb=%lld k=%lld%s%s: orth %.1f eig res %.1f total %.1e ratio %.1e noise %.1e "
                "scores %.1e transform %.1e inverse %.1f white %.1e",
                pla_pca_solver_name(solver), grid, pla_dtype_name(dt), (long long)m, (long long)n, (long long)nb,
                (long long)k, scale ? " scale" : "", whiten ? " whiten" : "", c.orth, c.eig_res, c.total, c.ratio,
                c.noise, c.scores, dt_err, inv_err, white);
    if (err == PLA_OK)
        pla_pca_model_free(&md);
    pla_mat_destroy(&X);
    pla_mat_destroy(&S);
    pla_mat_destroy(&S2);
    pla_mat_destroy(&Xb);
    free(x);
}

/* The three solvers agree on the explained variances; --variance picks the same k. */
static void agree_case(tester *t, pla_ctx *ctx, int64_t m, int64_t n, int64_t nb, double variance, const char *grid)
{
    const pla_pca_solver solvers[3] = { PLA_PCA_FULL, PLA_PCA_COVARIANCE, PLA_PCA_RANDOMIZED };
    pla_pca_model md[3];
    int64_t ks[3] = { -1, -1, -1 };
    double diff = 0;
    int ok = 1;
    for (int s = 0; s < 3; ++s) {
        pla_mat *X = data(ctx, PLA_F64, m, n, nb);
        pla_pca_opts o = pla_pca_defaults();
        o.solver = solvers[s];
        o.variance = variance;
        o.tol = solvers[s] == PLA_PCA_RANDOMIZED ? 1e-13 : 0;
        ok = ok && X && pla_pca_fit(X, &o, &md[s], NULL) == PLA_OK;
        ks[s] = ok ? md[s].k : -1;
        pla_mat_destroy(&X);
        if (!ok)
            break;
    }
    for (int s = 1; ok && s < 3; ++s)
        for (int64_t i = 0; i < md[0].k && i < md[s].k; ++i)
            diff = fmax(diff, fabs(md[s].explained_variance[i] - md[0].explained_variance[i]) /
                                  md[0].explained_variance[0]);
    tester_case(t, tester_all(ctx, ok && ks[0] == ks[1] && ks[0] == ks[2] && diff < 1e-12),
                "pca solvers agree %s %lldx%lld variance %.3f: k %lld/%lld/%lld, max difference %.1e", grid,
                (long long)m, (long long)n, variance, (long long)ks[0], (long long)ks[1], (long long)ks[2], diff);
    for (int s = 0; ok && s < 3; ++s)
        pla_pca_model_free(&md[s]);
}

static void bad_args(tester *t, pla_ctx *ctx)
{
    struct { const char *what; int64_t m, n, k; double variance; } cases[] = {
        { "one sample", 1, 5, 0, 0 }, { "k > min(m, n)", 20, 6, 7, 0 }, { "negative k", 20, 6, -1, 0 },
        { "variance 1", 20, 6, 0, 1.0 }, { "k and variance", 20, 6, 2, 0.5 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        pla_mat *X = tester_random(ctx, PLA_F64, cases[i].m, cases[i].n, 4, 4, 93), *S = NULL;
        pla_pca_opts o = pla_pca_defaults();
        pla_pca_model md;
        o.k = cases[i].k;
        o.variance = cases[i].variance;
        pla_err err = pla_pca_fit(X, &o, &md, &S);
        tester_case(t, err == PLA_ERR_ARG && S == NULL && md.components == NULL && md.mean == NULL,
                    "pca rejects %s: %s", cases[i].what, pla_ctx_errmsg(ctx));
        pla_pca_model_free(&md);
        pla_mat_destroy(&X);
    }
}

void test_pca(tester *t)
{
    static const int64_t shapes[][3] = { { 37, 23, 5 }, { 23, 37, 4 }, { 400, 10, 3 }, { 2, 5, 0 }, { 60, 12, 0 } };
    static const int64_t blocks[] = { 3, 64 };
    const pla_pca_solver solvers[3] = { PLA_PCA_FULL, PLA_PCA_COVARIANCE, PLA_PCA_RANDOMIZED };
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        char grid[16];
        snprintf(grid, sizeof grid, "%dx%d", grids[g][0], grids[g][1]);
        for (int s = 0; s < 3; ++s)
            for (size_t h = 0; h < sizeof shapes / sizeof shapes[0]; ++h)
                for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; ++b) {
                    if (solvers[s] == PLA_PCA_RANDOMIZED && shapes[h][2] == 0)
                        continue;  /* all components: the exact solvers' case */
                    fit_case(t, ctx, solvers[s], PLA_F64, shapes[h][0], shapes[h][1], blocks[b], shapes[h][2], 0, 0,
                             grid);
                }
        for (int s = 0; s < 3; ++s) {
            fit_case(t, ctx, solvers[s], PLA_F64, 50, 8, 4, 4, 1, 1, grid);  /* scale and whiten */
            fit_case(t, ctx, solvers[s], PLA_F32, 50, 8, 4, 3, 0, 0, grid);
        }
        agree_case(t, ctx, 80, 20, 8, 0.9, grid);
        agree_case(t, ctx, 80, 20, 8, 0.999, grid);
        bad_args(t, ctx);
        tester_ctx_free(t, &ctx);
        /* two threads per rank: X^T X of few columns splits the rows between them */
        ctx = tester_ctx(grids[g][0], grids[g][1], 2);
        for (int s = 0; s < 3; ++s)
            fit_case(t, ctx, solvers[s], PLA_F64, 3000, 20, 64, 5, 0, 0, grid);
        fit_case(t, ctx, PLA_PCA_COVARIANCE, PLA_F32, 3000, 20, 64, 5, 1, 0, grid);
        tester_ctx_free(t, &ctx);
    }
}
