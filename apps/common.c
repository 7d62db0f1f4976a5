/* Dataset names, the run's context, and checked input matrices. */
#include <stdio.h>
#include <string.h>
#include "common.h"

pla_err cli_split_name(const char *opt, const char *spec, cli_name *name, cli_msg *msg)
{
    memset(name, 0, sizeof *name);
    if (pla_h5_split_name(spec, name->file, sizeof name->file, name->path, sizeof name->path) != PLA_OK)
        return cli_fail(msg, PLA_ERR_ARG, "%s needs FILE or FILE:/PATH, got '%s'", opt, spec);
    cli_set_path(name, name->path);
    return PLA_OK;
}

void cli_set_path(cli_name *name, const char *path)
{
    if (path != name->path)
        snprintf(name->path, sizeof name->path, "%s", path);
    if (name->path[0] != '\0')
        snprintf(name->display, sizeof name->display, "%s:%s", name->file, name->path);
    else
        snprintf(name->display, sizeof name->display, "%s", name->file);
}

pla_err cli_open_context(const cli_common *opt, int64_t block, pla_ctx **ctx)
{
    pla_ctx_opts o = PLA_CTX_OPTS_DEFAULT;
    o.nprow = opt->nprow;
    o.npcol = opt->npcol;
    o.nthreads = opt->threads;
    o.nb_default = block;
    o.verbose = opt->verbose > 1 ? 2 : opt->verbose;
    return pla_ctx_create(&o, ctx);
}

void cli_shape_text(char *buf, size_t cap, int ndims, const int64_t *dims)
{
    size_t used = (size_t)snprintf(buf, cap, "(");
    for (int d = 0; d < ndims && used < cap; ++d)
        used += (size_t)snprintf(buf + used, cap - used, "%s%lld", d ? ", " : "", (long long)dims[d]);
    if (used < cap)
        snprintf(buf + used, cap - used, ndims == 1 ? ",)" : ")");
}

pla_err cli_inspect_matrix(pla_ctx *ctx, cli_name *name, pla_h5_dset_info *info)
{
    pla_err err = pla_h5_inspect(ctx, name->file, name->path, info);
    if (err != PLA_OK)
        return err;
    cli_set_path(name, info->path);
    char shape[128];
    cli_shape_text(shape, sizeof shape, info->ndims, info->dims);
    /* the same description on every rank, so the same verdict: agree anyway */
    if (info->ndims != 2)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "dataset %s in %s has shape %s: a matrix must be 2-D",
                           info->path, name->file, shape);
    else if (!info->is_numeric)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA,
                           "dataset %s in %s holds %s values: a matrix must hold numbers "
                           "(float64, float32 or integers)", info->path, name->file, info->type);
    return pla_ctx_agree(ctx, err);
}

void cli_output_path(char *buf, size_t cap, const cli_name *group, const char *name)
{
    const char *g = group->path[0] ? group->path : "/";
    size_t len = strlen(g);
    snprintf(buf, cap, "%s:%s%s%s", group->file, g, len > 0 && g[len - 1] == '/' ? "" : "/", name);
}

pla_err cli_prefer_row_grid(const cli_common *opt, int64_t block, int tall, pla_ctx **ctx)
{
    int p = 1, q = 1;
    pla_ctx_grid(*ctx, &p, &q, NULL, NULL);
    if (!tall || opt->nprow != 0 || q == 1)
        return PLA_OK;
    cli_common row = *opt;
    row.nprow = p * q;
    row.npcol = 1;
    pla_err err = pla_ctx_destroy(ctx);
    if (err == PLA_OK)
        err = cli_open_context(&row, block, ctx);
    return err;
}
