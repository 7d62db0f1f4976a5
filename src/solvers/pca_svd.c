/* The SVD routes of PCA: the full SVD of the centered data, or its k largest
   triplets by a sketching method.  pla_svd already gives scikit-learn's
   signs (svd_flip on U) and the components are the rows of Vt. */
#include <stdlib.h>
#include "pla/ops.h"
#include "solvers/pca_routes.h"

/* The model's values, components (and scores = U diag(s)) from the first k
   of the kk triplets in s, U, Vt; U and Vt are consumed. */
static pla_err keep(const pla_mat *X, int64_t k, const double *s, pla_mat **U, pla_mat **Vt, pla_pca_model *model,
                    pla_mat **scores)
{
    pla_err err = PLA_OK;
    PLA_TRY(pla__pca_alloc_values(X->ctx, model, k));
    for (int64_t i = 0; i < k; ++i) {
        model->singular_values[i] = s[i];
        model->explained_variance[i] = s[i] * s[i] / (double)(X->m - 1);
    }
    PLA_TRY(pla__pca_leading(Vt, k, X->n, &model->components));
    if (scores) {
        PLA_TRY(pla__pca_leading(U, X->m, k, scores));
        PLA_TRY(pla_col_scale(*scores, s));
    }
done:
    pla_mat_destroy(U);
    pla_mat_destroy(Vt);
    return err;
}

pla_err pla__pca_full(const pla_mat *X, const pla_pca_opts *opts, pla_pca_model *model, pla_mat **scores)
{
    pla_err err = PLA_OK;
    const int64_t m = X->m, n = X->n, r = m < n ? m : n;
    pla_svd_opts o = pla_svd_defaults();
    pla_mat *U = NULL, *Vt = NULL;
    o.method = PLA_SVD_FULL;
    o.k = opts->variance > 0 ? 0 : opts->k;  /* a fraction needs every value */
    o.want_u = scores != NULL;
    const int64_t kk = o.k > 0 ? o.k : r;
    double *s = pla__calloc(X->ctx, (size_t)kk, sizeof *s), *ev = pla__calloc(X->ctx, (size_t)kk, sizeof *ev);
    PLA_CHECK(X->ctx, s && ev, PLA_ERR_MEM, "out of memory for %lld singular values", (long long)kk);
done:
    err = pla__agree(X->ctx, err);
    if (err == PLA_OK)
        err = pla_svd(X, &o, s, NULL, scores ? &U : NULL, &Vt, &model->svd);
    if (err == PLA_OK) {
        for (int64_t i = 0; i < kk; ++i)
            ev[i] = s[i] * s[i] / (double)(m - 1);
        const int64_t k = pla__pca_pick_k(opts, r, ev, kk, model->total_variance);
        err = keep(X, k, s, &U, &Vt, model, scores);
    }
    pla_mat_destroy(&U);
    pla_mat_destroy(&Vt);
    free(s);
    free(ev);
    return err;
}

/* The first k tried when k comes from a variance fraction; doubled until
   the fraction is reached. */
#define PCA_FIRST_K 32

pla_err pla__pca_randomized(const pla_mat *X, const pla_pca_opts *opts, pla_pca_model *model, pla_mat **scores)
{
    pla_err err = PLA_OK;
    const int64_t m = X->m, n = X->n, r = m < n ? m : n;
    pla_mat *U = NULL, *Vt = NULL;
    double *s = NULL, *ev = NULL;
    int64_t k_try = opts->variance > 0 ? (r < PCA_FIRST_K ? r : PCA_FIRST_K) : (opts->k > 0 ? opts->k : r);
    for (;;) {
        pla_svd_opts o = pla_svd_defaults();
        o.method = opts->sketch;
        o.k = k_try;
        o.oversample = opts->oversample;
        o.power_iters = opts->power_iters;
        o.tol = opts->tol;
        o.seed = opts->seed;
        o.want_u = scores != NULL;
        free(s);
        free(ev);
        s = pla__calloc(X->ctx, (size_t)k_try, sizeof *s);
        ev = pla__calloc(X->ctx, (size_t)k_try, sizeof *ev);
        err = s && ev ? PLA_OK : pla__set_err(X->ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                              "out of memory for %lld singular values", (long long)k_try);
        PLA_TRY(pla__agree(X->ctx, err));
        PLA_TRY(pla_svd(X, &o, s, NULL, scores ? &U : NULL, &Vt, &model->svd));
        model->k_tried = k_try;
        for (int64_t i = 0; i < k_try; ++i)
            ev[i] = s[i] * s[i] / (double)(m - 1);
        const int64_t k = pla__pca_pick_k(opts, r, ev, k_try, model->total_variance);
        if (k <= k_try) {
            err = keep(X, k, s, &U, &Vt, model, scores);
            break;
        }
        pla_mat_destroy(&U);
        pla_mat_destroy(&Vt);
        k_try = 2 * k_try < r ? 2 * k_try : r;
    }
done:  /* every failure above was agreed on */
    pla_mat_destroy(&U);
    pla_mat_destroy(&Vt);
    free(s);
    free(ev);
    return err;
}
