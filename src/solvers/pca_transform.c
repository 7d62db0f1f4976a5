/* Applying a fitted PCA model: new data to scores (PCA.transform) and
   scores back to the data space (PCA.inverse_transform). */
#include <math.h>
#include <stdlib.h>
#include "internal/backend.h"
#include "pla/ops.h"
#include "solvers/pca_routes.h"
#include "solvers/svd_methods.h"

pla_err pla_pca_transform(const pla_pca_model *model, pla_mat *X, pla_mat **scores)
{
    pla_ctx *ctx = X->ctx;
    pla_err err = PLA_OK;
    pla_mat *Vc = NULL;
    double *inv = NULL;
    *scores = NULL;
    PLA_CHECK(ctx, X->n == model->n, PLA_ERR_ARG, "the model has %lld features; the data has %lld columns",
              (long long)model->n, (long long)X->n);
    PLA_CHECK(ctx, model->components && model->components->ctx == ctx && model->components->dt == X->dt,
              PLA_ERR_ARG, "the model's components must be on the data's context, with its element type");
    inv = pla__calloc(ctx, (size_t)(X->n > 0 ? X->n : 1), sizeof *inv);
    PLA_CHECK(ctx, inv != NULL, PLA_ERR_MEM, "out of memory");
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla_col_shift(X, model->mean);
    if (err == PLA_OK && model->scale) {
        for (int64_t j = 0; j < X->n; ++j)
            inv[j] = 1.0 / model->scale[j];
        err = pla_col_scale(X, inv);
    }
    /* scores = X components^T: the components as n x k columns for the product */
    if (err == PLA_OK)
        err = pla_mat_create(ctx, X->dt, X->n, model->k, X->nb, X->nb, &Vc);
    if (err == PLA_OK)
        err = pla_mat_transpose(model->components, Vc);
    if (err == PLA_OK)
        err = pla__svd_product(PLA_NOTRANS, X, Vc, scores);
    if (err == PLA_OK && model->whiten)
        err = pla__pca_whiten(model, *scores);
    if (err != PLA_OK)
        pla_mat_destroy(scores);
    pla_mat_destroy(&Vc);
    free(inv);
    return err;
}

pla_err pla_pca_inverse(const pla_pca_model *model, const pla_mat *scores, pla_mat **X)
{
    pla_ctx *ctx = scores->ctx;
    pla_err err = PLA_OK;
    pla_mat *S = NULL;
    double *f = NULL, *neg_mean = NULL;
    *X = NULL;
    PLA_CHECK(ctx, scores->n == model->k, PLA_ERR_ARG, "the model has %lld components; the scores have %lld columns",
              (long long)model->k, (long long)scores->n);
    PLA_CHECK(ctx, model->components && model->components->ctx == ctx && model->components->dt == scores->dt,
              PLA_ERR_ARG, "the model's components must be on the scores' context, with their element type");
    f = pla__calloc(ctx, (size_t)(model->k > 0 ? model->k : 1), sizeof *f);
    neg_mean = pla__calloc(ctx, (size_t)model->n, sizeof *neg_mean);
    PLA_CHECK(ctx, f && neg_mean, PLA_ERR_MEM, "out of memory");
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK && model->whiten) {  /* undo the whitening on a copy: scores stay as given */
        for (int64_t j = 0; j < model->k; ++j)
            f[j] = sqrt(model->explained_variance[j]);
        err = pla_mat_dup(scores, &S);
        if (err == PLA_OK)
            err = pla_col_scale(S, f);
    }
    if (err == PLA_OK)
        err = pla__svd_product(PLA_NOTRANS, S ? S : scores, model->components, X);
    if (err == PLA_OK && model->scale)
        err = pla_col_scale(*X, model->scale);
    for (int64_t j = 0; err == PLA_OK && j < model->n; ++j)
        neg_mean[j] = -model->mean[j];
    if (err == PLA_OK)
        err = pla_col_shift(*X, neg_mean);
    if (err != PLA_OK)
        pla_mat_destroy(X);
    pla_mat_destroy(&S);
    free(f);
    free(neg_mean);
    return err;
}
