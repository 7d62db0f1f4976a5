/* pla_pca_fit: argument checks, centering and scaling in place, the choice
   of route, and what every route shares (explained variance ratios, noise
   variance, whitening).  The routes are in pca_svd.c and pca_covariance.c. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal/backend.h"
#include "pla/ops.h"
#include "pla/pca.h"
#include "solvers/pca_routes.h"

pla_pca_opts pla_pca_defaults(void)
{
    pla_pca_opts o = { .solver = PLA_PCA_AUTO, .k = 0, .variance = 0.0, .scale = 0, .whiten = 0,
                       .sketch = PLA_SVD_KRYLOV, .oversample = 10, .power_iters = -1, .tol = 0.0, .seed = 0 };
    return o;
}

const char *pla_pca_solver_name(pla_pca_solver solver)
{
    switch (solver) {
    case PLA_PCA_AUTO: return "auto";
    case PLA_PCA_FULL: return "full";
    case PLA_PCA_RANDOMIZED: return "randomized";
    case PLA_PCA_COVARIANCE: return "covariance";
    }
    return "unknown";
}

pla_pca_solver pla_pca_choose(int64_t m, int64_t n, int64_t k)
{
    const int64_t r = m < n ? m : n;
    if (m >= n && n <= PLA_PCA_COVARIANCE_MAX_N)
        return PLA_PCA_COVARIANCE;
    if (k > 0 && k < r) {
        /* Krylov: 2 (q + 1) + 2 = 12 passes of 2 m n l flops (q = 3); the full
           SVD's QR with Q about 4 m n r; randomized when 4x cheaper */
        const int64_t l = k + 10 < r ? k + 10 : r;
        if (4 * 24 * l <= 4 * r)
            return PLA_PCA_RANDOMIZED;
    }
    return PLA_PCA_FULL;
}

void pla_pca_model_free(pla_pca_model *model)
{
    pla_mat_destroy(&model->components);
    free(model->explained_variance);
    free(model->explained_variance_ratio);
    free(model->singular_values);
    free(model->mean);
    free(model->scale);
    memset(model, 0, sizeof *model);
}

pla_err pla__pca_alloc_values(pla_ctx *ctx, pla_pca_model *model, int64_t k)
{
    pla_err err = PLA_OK;
    const size_t len = (size_t)(k > 0 ? k : 1);
    model->singular_values = pla__calloc(ctx, len, sizeof(double));
    model->explained_variance = pla__calloc(ctx, len, sizeof(double));
    model->explained_variance_ratio = pla__calloc(ctx, len, sizeof(double));
    PLA_CHECK(ctx, model->singular_values && model->explained_variance && model->explained_variance_ratio,
              PLA_ERR_MEM, "out of memory for %lld explained variances", (long long)k);
    model->k = k;
done:
    return pla__agree(ctx, err);
}

int64_t pla__pca_pick_k(const pla_pca_opts *opts, int64_t r, const double *ev, int64_t avail, double total)
{
    if (opts->variance <= 0.0)
        return opts->k > 0 ? opts->k : r;
    double cum = 0.0;
    for (int64_t i = 0; i < avail; ++i) {
        cum += ev[i];
        if (cum / total > opts->variance)
            return i + 1;
    }
    /* not reached: every component of a complete set (rounding), or more needed */
    return avail >= r ? r : avail + 1;
}

pla_err pla__pca_leading(pla_mat **A, int64_t rows, int64_t cols, pla_mat **B)
{
    pla_mat *a = *A;
    if (a->m == rows && a->n == cols) {
        *B = a;
        *A = NULL;
        return PLA_OK;
    }
    pla_err err = pla_mat_create(a->ctx, a->dt, rows, cols, a->mb, a->nb, B);
    if (err == PLA_OK && rows > 0 && cols > 0)
        err = pla__kernel_copy_sub(a, 0, 0, rows, cols, *B, 0, 0);
    err = pla__agree(a->ctx, err);
    if (err != PLA_OK)
        pla_mat_destroy(B);
    return err;
}

/* The column statistics' storage: the model's mean (and scale), and the
   scratch sums of squares ss and reciprocal scales inv. */
static pla_err alloc_stats(pla_ctx *ctx, int64_t n, int scale, pla_pca_model *model, double **ss, double **inv)
{
    pla_err err = PLA_OK;
    *ss = pla__calloc(ctx, (size_t)n, sizeof **ss);
    *inv = pla__calloc(ctx, (size_t)n, sizeof **inv);
    model->mean = pla__calloc(ctx, (size_t)n, sizeof *model->mean);
    model->scale = scale ? pla__calloc(ctx, (size_t)n, sizeof *model->scale) : NULL;
    PLA_CHECK(ctx, *ss && *inv && model->mean && (!scale || model->scale), PLA_ERR_MEM,
              "out of memory for %lld column statistics", (long long)n);
done:
    return pla__agree(ctx, err);
}

/* X := (X - mean) / scale in place, the mean and scale (with scale) into the
   model, and the total variance of the result.  The variances come from a
   second pass over the centered data, as numpy.var: no cancellation. */
static pla_err standardize(pla_mat *X, int scale, pla_pca_model *model)
{
    pla_err err = PLA_OK;
    const int64_t m = X->m, n = X->n;
    double *ss = NULL, *inv = NULL;
    PLA_TRY(alloc_stats(X->ctx, n, scale, model, &ss, &inv));
    PLA_TRY(pla_col_sums(X, model->mean));
    for (int64_t j = 0; j < n; ++j)
        model->mean[j] /= (double)m;
    PLA_TRY(pla_col_shift(X, model->mean));
    PLA_TRY(pla_col_sumsq(X, NULL, ss));
    model->total_variance = 0.0;
    for (int64_t j = 0; j < n; ++j) {
        if (scale) {
            /* StandardScaler: the population variance; a column whose variance
               is within the rounding bound of the two-pass algorithm (Chan,
               Golub and LeVeque) is constant and keeps scale 1 */
            const double var = ss[j] / (double)m, eps = DBL_EPSILON;
            const double bound = (double)m * eps * var + pow((double)m * model->mean[j] * eps, 2);
            const int constant = var <= bound;
            model->constant_columns += constant;
            model->scale[j] = constant ? 1.0 : sqrt(var);
            inv[j] = 1.0 / model->scale[j];
            ss[j] *= inv[j] * inv[j];
        }
        model->total_variance += ss[j] / (double)(m - 1);
    }
    if (scale)
        PLA_TRY(pla_col_scale(X, inv));
done:
    free(ss);
    free(inv);
    return err;
}

static pla_err check_opts(const pla_mat *X, const pla_pca_opts *o)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = X->ctx;
    const int64_t m = X->m, n = X->n, r = m < n ? m : n;
    PLA_CHECK(ctx, m >= 2 && n >= 1, PLA_ERR_ARG,
              "PCA needs at least 2 samples (rows) and 1 feature (column); X is %lldx%lld", (long long)m,
              (long long)n);
    PLA_CHECK(ctx, o->k >= 0 && o->k <= r, PLA_ERR_ARG, "k = %lld is out of range: 1 <= k <= min(m, n) = %lld",
              (long long)o->k, (long long)r);
    PLA_CHECK(ctx, o->variance == 0.0 || (o->variance > 0.0 && o->variance < 1.0), PLA_ERR_ARG,
              "the variance fraction must be in (0, 1); got %g", o->variance);
    PLA_CHECK(ctx, o->variance == 0.0 || o->k == 0, PLA_ERR_ARG,
              "give either k or a variance fraction, not both");
    PLA_CHECK(ctx, o->solver >= PLA_PCA_AUTO && o->solver <= PLA_PCA_COVARIANCE, PLA_ERR_ARG,
              "unknown PCA solver %d", (int)o->solver);
    PLA_CHECK(ctx, o->sketch == PLA_SVD_KRYLOV || o->sketch == PLA_SVD_RANDOMIZED, PLA_ERR_ARG,
              "the randomized route sketches with krylov or randomized, not %s", pla_svd_method_name(o->sketch));
done:
    return pla__agree(ctx, err);
}

/* The ratios and the noise variance from the explained variances. */
static void finish_values(pla_pca_model *model)
{
    const int64_t r = model->m < model->n ? model->m : model->n;
    double kept = 0.0;
    for (int64_t i = 0; i < model->k; ++i) {
        model->explained_variance_ratio[i] =
            model->total_variance > 0 ? model->explained_variance[i] / model->total_variance : 0.0;
        kept += model->explained_variance[i];
    }
    /* scikit-learn: the mean of the discarded variances; 0 when none are */
    const double rest = model->total_variance - kept;
    model->noise_variance = model->k < r ? (rest > 0 ? rest : 0.0) / (double)(r - model->k) : 0.0;
}

pla_err pla__pca_whiten(const pla_pca_model *model, pla_mat *scores)
{
    double *f = pla__calloc(scores->ctx, (size_t)model->k, sizeof *f);
    pla_err err = PLA_OK;
    pla_ctx *ctx = scores->ctx;
    PLA_CHECK(ctx, f != NULL, PLA_ERR_MEM, "out of memory");
    for (int64_t j = 0; j < model->k; ++j)
        f[j] = model->explained_variance[j] > 0 ? 1.0 / sqrt(model->explained_variance[j]) : 1.0;
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla_col_scale(scores, f);
    free(f);
    return err;
}

pla_err pla_pca_fit(pla_mat *X, const pla_pca_opts *opts, pla_pca_model *model, pla_mat **scores)
{
    pla_err err = PLA_OK;
    memset(model, 0, sizeof *model);
    if (scores)
        *scores = NULL;
    if ((err = check_opts(X, opts)) != PLA_OK)
        return err;
    model->m = X->m;
    model->n = X->n;
    model->whiten = opts->whiten;
    model->solver = opts->solver == PLA_PCA_AUTO ? pla_pca_choose(X->m, X->n, opts->variance > 0 ? 0 : opts->k)
                                                 : opts->solver;
    err = standardize(X, opts->scale, model);
    if (err == PLA_OK) {
        if (model->solver == PLA_PCA_COVARIANCE)
            err = pla__pca_covariance(X, opts, model, scores);
        else if (model->solver == PLA_PCA_FULL)
            err = pla__pca_full(X, opts, model, scores);
        else
            err = pla__pca_randomized(X, opts, model, scores);
    }
    if (err == PLA_OK) {
        finish_values(model);
        if (scores && *scores && model->whiten)
            err = pla__pca_whiten(model, *scores);
    }
    if (err != PLA_OK) {
        pla_pca_model_free(model);
        if (scores)
            pla_mat_destroy(scores);
    }
    return err;
}
