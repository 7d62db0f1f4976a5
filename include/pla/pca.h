#pragma once
#include "pla/eig.h"
#include "pla/svd.h"

/* Principal component analysis of X (m samples x n features) with
   scikit-learn's semantics (sklearn.decomposition.PCA, and StandardScaler
   for scale): the data are centered by the column means (and, with scale,
   divided by the population standard deviation); explained_variance =
   s^2 / (m - 1); explained_variance_ratio = explained_variance / the total
   variance of the centered data, computed exactly from the data (not from
   the kept values); noise_variance = (total - kept) / (min(m, n) - k);
   components (k x n) have the sign of scikit-learn 1.2's svd_flip on U: the
   largest-magnitude entry of each column of the scores is positive. */

typedef enum {
    PLA_PCA_AUTO = 301,        /* by shape and k: see pla_pca_choose */
    PLA_PCA_FULL = 302,        /* the SVD of the centered X (pla_svd's full method): exact */
    PLA_PCA_RANDOMIZED = 303,  /* the k largest triplets of the centered X by a sketching method
                                  (pla_svd's block Krylov method by default) */
    PLA_PCA_COVARIANCE = 304   /* X^T X / (m - 1) by a rank-k update (?syrk), then its k largest
                                  eigenpairs: exact to about eps * the largest variance, the fastest
                                  route for m much larger than n */
} pla_pca_solver;

typedef struct {
    pla_pca_solver solver;
    int64_t k;          /* components, 1 <= k <= min(m, n); 0: min(m, n), or by variance */
    double variance;    /* 0 < variance < 1: the smallest k whose cumulative explained variance
                           ratio exceeds it (scikit-learn's PCA(n_components=variance)); 0: unused */
    int scale;          /* 1: divide each centered column by its population standard deviation
                           (constant columns, as StandardScaler finds them, are left as they are) */
    int whiten;         /* 1: scores divided by sqrt(explained_variance) */
    pla_svd_method sketch;  /* randomized: PLA_SVD_KRYLOV (default) or PLA_SVD_RANDOMIZED */
    int64_t oversample;     /* randomized: as pla_svd_opts */
    int power_iters;        /* randomized: as pla_svd_opts (< 0: the method's default) */
    double tol;             /* randomized: as pla_svd_opts */
    uint64_t seed;          /* randomized: as pla_svd_opts */
} pla_pca_opts;

/* A fitted model.  Vectors are plain arrays, the same on every rank. */
typedef struct {
    pla_pca_solver solver;      /* the route that ran (AUTO resolved) */
    int64_t m, n, k;            /* samples and features of the fit; components kept */
    pla_mat *components;        /* k x n, the principal axes as rows (X's context and type) */
    double *explained_variance;        /* k, descending */
    double *explained_variance_ratio;  /* k */
    double *singular_values;           /* k: of the centered (scaled) X */
    double *mean;               /* n */
    double *scale;              /* n with opts.scale (1 for constant columns), else NULL */
    double noise_variance;      /* 0 when k = min(m, n) */
    double total_variance;      /* sum of the column variances of the centered (scaled) X */
    int whiten;
    int64_t constant_columns;   /* with scale: the columns found constant (left unscaled) */
    pla_svd_info svd;           /* full, randomized: what pla_svd did (the last run when k grew) */
    pla_eig_solver eig_solver;  /* covariance: the eigensolver that ran */
    int64_t k_tried;            /* randomized with variance: the largest k computed while growing k */
} pla_pca_model;

/* AUTO, all components (k = 0, no variance), no scale, no whitening, the
   Krylov sketch with p = 10, its default iterations, no tol, seed 0. */
pla_pca_opts pla_pca_defaults(void);
const char *pla_pca_solver_name(pla_pca_solver solver);

/* The route PLA_PCA_AUTO takes for k components of m x n data (k <= 0: all,
   or chosen by a variance fraction), not collective: the covariance route
   when m >= n and n <= PLA_PCA_COVARIANCE_MAX_N (its ?syrk costs m n^2 flops
   and its eigenproblem is n x n); otherwise the randomized route when its
   passes over X cost at most a quarter of the full SVD's QR (the Krylov
   method's 12 passes of 2 m n (k + 10) flops against 4 m n min(m, n)), and
   the full SVD when not.  Both exact routes before the randomized one: auto
   trades no accuracy for speed unless the exact routes are far slower. */
#define PLA_PCA_COVARIANCE_MAX_N 8192
pla_pca_solver pla_pca_choose(int64_t m, int64_t n, int64_t k);

/* Collective.  Fits the model to X (m x n, m >= 2).  X is overwritten by the
   centered (and scaled) data: the data are not stored twice.  *scores (when
   scores is not NULL) gets a new m x k matrix of the centered data projected
   on the components (divided by sqrt(explained_variance) with whiten), as
   PCA.fit_transform.  PLA_ERR_ARG for k outside 1..min(m, n), a variance
   outside (0, 1), both k and variance, m < 2; PLA_ERR_NUMERIC when a kernel
   does not converge.  With opts.tol, model->svd.converged tells whether every
   residual met it.  On error *model holds nothing (pla_pca_model_free is
   safe on it). */
PLA_NODISCARD pla_err pla_pca_fit(pla_mat *X, const pla_pca_opts *opts, pla_pca_model *model, pla_mat **scores);

/* Collective.  *scores := the new data X (m x n, n as the model's; any m >= 1)
   centered (and scaled) as the model's fit, times components^T (and divided
   by sqrt(explained_variance) when the model whitens): PCA.transform.  X is
   overwritten by its centered form.  PLA_ERR_ARG when n differs. */
PLA_NODISCARD pla_err pla_pca_transform(const pla_pca_model *model, pla_mat *X, pla_mat **scores);

/* Collective.  *X := scores (m x k) mapped back to the data space:
   scores (times sqrt(explained_variance) when the model whitens) times
   components, times scale, plus mean: PCA.inverse_transform.  PLA_ERR_ARG
   when scores has not k columns. */
PLA_NODISCARD pla_err pla_pca_inverse(const pla_pca_model *model, const pla_mat *scores, pla_mat **X);

/* Frees what the model holds (the struct itself is the caller's); zeroes it. */
void pla_pca_model_free(pla_pca_model *model);
