#pragma once
/* The three routes behind pla_pca_fit (src/solvers/pca.c), each on data
   already centered (and scaled) in place.  Each sets model->k, components,
   singular_values and explained_variance (the rest is filled in by pca.c),
   and *scores when asked: the data times the components^T, unwhitened. */
#include "pla/pca.h"
#include "internal/core.h"

/* The SVD of the centered data: all of it by the full method (then k from
   opts->k, or from opts->variance and model->total_variance), or the
   k largest triplets by a sketching method (opts->variance: k grows until
   the kept values explain more than the fraction). */
pla_err pla__pca_full(const pla_mat *X, const pla_pca_opts *opts, pla_pca_model *model, pla_mat **scores);
pla_err pla__pca_randomized(const pla_mat *X, const pla_pca_opts *opts, pla_pca_model *model, pla_mat **scores);
/* X^T X by a rank-m update, then its k largest eigenpairs (all of them with
   opts->variance); the scores X V give the signs. */
pla_err pla__pca_covariance(const pla_mat *X, const pla_pca_opts *opts, pla_pca_model *model, pla_mat **scores);

/* The k that opts asks for among r = min(m, n) components given the
   explained variances ev[0..avail) (descending): opts->k, or the smallest k
   whose cumulative ratio to total exceeds opts->variance (scikit-learn's
   searchsorted(cumsum, F, side='right') + 1), or r.  When the fraction is not
   reached within avail values, returns avail + 1 (more are needed). */
int64_t pla__pca_pick_k(const pla_pca_opts *opts, int64_t r, const double *ev, int64_t avail, double total);

/* Collective.  Allocates model's k-vectors (singular_values, explained_variance,
   explained_variance_ratio) for k components.  PLA_ERR_MEM. */
pla_err pla__pca_alloc_values(pla_ctx *ctx, pla_pca_model *model, int64_t k);

/* *B := the leading rows x cols block of A as a new matrix (A itself, moved,
   when the shapes already match: *A becomes NULL). */
pla_err pla__pca_leading(pla_mat **A, int64_t rows, int64_t cols, pla_mat **B);

/* Collective.  scores := scores / sqrt(explained_variance), column by column
   (a zero variance leaves its zero column as it is). */
pla_err pla__pca_whiten(const pla_pca_model *model, pla_mat *scores);
