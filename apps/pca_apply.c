/* pla pca --model: a model that pla pca fitted, read back from its file and
   applied to new data (--scores, PCA.transform) or to scores (--inverse,
   PCA.inverse_transform). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pca_cli.h"

/* "GROUP/NAME" inside the model's file. */
static void model_path(char *buf, size_t cap, const cli_name *model, const char *name)
{
    const char *g = model->path;
    snprintf(buf, cap, "%s/%s", strcmp(g, "/") == 0 ? "" : g, name);
}

/* A vector of the model, which must hold `want` values. */
static pla_err read_model_vector(pla_ctx *ctx, const cli_name *model, const char *name, int64_t want, double **v)
{
    char path[600];
    int64_t len = 0;
    pla_err err = PLA_OK;
    model_path(path, sizeof path, model, name);
    CLI_TRY(pla_h5_read_vector(ctx, model->file, path, &len, v));
    if (len != want)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "the model's %s (%s:%s) has %lld values; %lld expected", name,
                           model->file, path, (long long)len, (long long)want);
    CLI_TRY(pla_ctx_agree(ctx, err));
done:
    return err;
}

/* A 0/1 attribute of the model's group (absent: 0). */
static pla_err model_flag(pla_ctx *ctx, const cli_name *model, const char *name, int *flag)
{
    double v = 0;
    int found = 0;
    pla_err err = pla_h5_read_attr_f64(ctx, model->file, model->path, name, &v, &found);
    *flag = err == PLA_OK && found && v != 0;
    return err;
}

/* The model: components (k x n) on ctx, mean, explained variance, scale and whitening. */
static pla_err load_model(pla_ctx *ctx, const pca_plan *p, const cli_common *opt, pla_pca_model *md)
{
    pla_err err = PLA_OK;
    char path[600];
    int scaled = 0;
    memset(md, 0, sizeof *md);
    model_path(path, sizeof path, &p->model, "components");
    CLI_TRY(pla_h5_read(ctx, p->model.file, path, opt->dtype, p->block, p->block, &md->components));
    md->k = pla_mat_rows(md->components);
    md->n = pla_mat_cols(md->components);
    CLI_TRY(read_model_vector(ctx, &p->model, "mean", md->n, &md->mean));
    CLI_TRY(read_model_vector(ctx, &p->model, "explained_variance", md->k, &md->explained_variance));
    CLI_TRY(model_flag(ctx, &p->model, "whiten", &md->whiten));
    CLI_TRY(model_flag(ctx, &p->model, "scale", &scaled));
    if (scaled)
        CLI_TRY(read_model_vector(ctx, &p->model, "scale", md->n, &md->scale));
done:
    return err;
}

pla_err pca_apply(cli_report *rep, pla_ctx **pctx, pca_args *a, const cli_common *opt, pca_plan *p)
{
    pla_err err = PLA_OK;
    pla_h5_out *out = NULL;
    pla_mat *in = NULL, *result = NULL;
    pla_pca_model md = { 0 };
    pla_ctx *ctx = *pctx;
    pla_h5_dset_info comp;
    char comp_path[600], model_display[4800];
    double t;
    const char *what = a->inverse ? "X" : "scores";

    cli_set_path(&p->model, p->model.path[0] ? p->model.path : "/");
    snprintf(model_display, sizeof model_display, "%s:%s", p->model.file, p->model.path);
    model_path(comp_path, sizeof comp_path, &p->model, "components");
    CLI_TRY(cli_inspect_matrix(ctx, &p->in, &p->info));
    CLI_TRY(pla_h5_inspect(ctx, p->model.file, comp_path, &comp));
    p->m = p->info.dims[0];
    p->n = p->info.dims[1];
    const int64_t k = comp.ndims == 2 ? comp.dims[0] : -1, n = comp.ndims == 2 ? comp.dims[1] : -1;
    if (k < 0)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "the model's components (%s:%s) must be a k x n matrix",
                           p->model.file, comp_path);
    else if (!a->inverse && p->n != n)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "X = %s has %lld columns; the model %s has %lld features",
                           p->in.display, (long long)p->n, model_display, (long long)n);
    else if (a->inverse && p->n != k)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "the scores %s have %lld columns; the model %s has %lld components",
                           p->in.display, (long long)p->n, model_display, (long long)k);
    CLI_TRY(pla_ctx_agree(ctx, err));
    const int64_t out_cols = a->inverse ? n : k;
    CLI_TRY(cli_prefer_row_grid(opt, p->block, p->m >= 4 * (p->n > out_cols ? p->n : out_cols), pctx));
    ctx = *pctx;
    report_context(rep, ctx, p->block, opt->dtype);
    report_matrix(rep, "inputs", a->inverse ? "scores" : "X", p->in.display, p->m, p->n, p->info.type);
    report_matrix(rep, "inputs", "components", comp_path, k, n, comp.type);

    CLI_TRY(pla_h5_out_open(ctx, p->out.file, p->out.path[0] ? p->out.path : "/", opt->force, &out));
    CLI_TRY(pla_h5_out_reserve(out, what));

    t = pla_wtime();
    CLI_TRY(load_model(ctx, p, opt, &md));
    CLI_TRY(pla_h5_read(ctx, p->in.file, p->in.path, opt->dtype, p->block, p->block, &in));
    report_phase(rep, "read", pla_wtime() - t);
    t = pla_wtime();
    if (a->inverse)
        CLI_TRY(pla_pca_inverse(&md, in, &result));
    else
        CLI_TRY(pla_pca_transform(&md, in, &result));
    report_phase(rep, "compute", pla_wtime() - t);
    pla_mat_destroy(&in);

    t = pla_wtime();
    CLI_TRY(pla_h5_out_write_mat(out, what, result, opt->dtype));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(pla_h5_out_attr_str(out, "input", p->in.display));
    CLI_TRY(pla_h5_out_attr_str(out, "model", model_display));
    CLI_TRY(pla_h5_out_attr_str(out, "mode", a->inverse ? "inverse" : "transform"));
    CLI_TRY(pla_h5_out_attr_i64(out, "k", md.k));
    CLI_TRY(pla_h5_out_attr_i64(out, "whiten", md.whiten));
    CLI_TRY(report_write_attrs(rep, out, ctx, p->block, opt->dtype));
    CLI_TRY(report_write_elapsed(rep, out, ctx));
    CLI_TRY(pla_h5_out_commit(&out));

    double compute_s = 0;
    CLI_TRY(report_agree_phases(rep, ctx, "compute", &compute_s));
    char path[4800];
    cli_output_path(path, sizeof path, &p->out, what);
    report_matrix(rep, "outputs", what, path, p->m, out_cols, pla_dtype_name(opt->dtype));
    cJSON *par = cJSON_AddObjectToObject(report_json(rep), "parameters");
    cJSON_AddStringToObject(par, "mode", a->inverse ? "inverse" : "transform");
    cJSON_AddStringToObject(par, "model", model_display);
    cJSON_AddNumberToObject(par, "k", (double)md.k);
    cJSON_AddBoolToObject(par, "whiten", md.whiten);
    cJSON_AddBoolToObject(par, "scale", md.scale != NULL);
    report_text(rep, 0, "pla pca: %s of %s (%lldx%lld) with the %lld-component model %s in %.3f s; wrote %s",
                a->inverse ? "inverse transform" : "transform", p->in.display, (long long)p->m, (long long)p->n,
                (long long)md.k, model_display, compute_s, path);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&out);
    pla_mat_destroy(&in);
    pla_mat_destroy(&result);
    pla_pca_model_free(&md);
    return err;
}
