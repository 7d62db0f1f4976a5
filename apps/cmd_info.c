/* pla info: what a file holds, and the memory per rank a command would need. */
#include <stdio.h>
#include <string.h>
#include "command.h"
#include "commands.h"
#include "gemm_shapes.h"
#include "pca_plan.h"
#include "solver_plans.h"

static const char info_help[] =
    "usage: pla info FILE                 list every dataset of FILE\n"
    "       pla info FILE:/PATH           describe one dataset\n"
    "       [mpirun -n P] pla info A --for gemm -b B [-c C0] [--transa] [--transb]\n"
    "       [mpirun -n P] pla info A --for qr [--mode r|economic] [--pivot]\n"
    "       [mpirun -n P] pla info A --for lstsq -b B [--solver S]\n"
    "       [mpirun -n P] pla info A --for eig [-b B] [-k K] [--no-vectors]\n"
    "       [mpirun -n P] pla info A --for svd [-k K] [--method M] [--oversample P]\n"
    "                     [--no-u] [--no-v]\n"
    "                     [--grid PxQ] [--block NB] [--dtype T] [--threads N]\n"
    "                                     memory per rank the command would need\n\n"
    "Shows shape (as h5py prints it), element type, layout (contiguous, chunked\n"
    "with chunk shape, compact) and filters (e.g. gzip(4),shuffle).  With --for,\n"
    "the estimate is for the rank count info runs on (or the --grid given) and\n"
    "the block size and precision the command would use; A, B and C0 are named\n"
    "as for that command, and the estimate is compared with the memory each\n"
    "rank may use (MemAvailable and the cgroup limit, shared by the ranks of a\n"
    "node; PLA_MEMORY_LIMIT overrides): the command itself stops with exit code 4\n"
    "before reading anything when it would not fit.  info writes nothing: -o and\n"
    "--force do not apply.\n\n"
    "Options:\n"
    "      --for CMD         estimate memory for pla CMD (gemm, qr, lstsq, eig or svd)\n"
    "  -b, -c, --transa, --transb   the gemm operands (see pla gemm --help);\n"
    "                        -b is B for lstsq and eig\n"
    "  -k K, --no-vectors    as for pla eig (default: all eigenpairs)\n"
    "  -k K, --method M, --oversample P, --no-u, --no-v   as for pla svd (default:\n"
    "                        all triplets); the plan of each method is shown\n"
    "      --mode, --pivot   as for pla qr\n"
    "      --solver S        as for pla lstsq\n";

typedef struct {
    const char *target;   /* the positional FILE[:/PATH] */
    const char *for_cmd;  /* --for */
    const char *b, *c;
    int transa, transb;
    int economic, pivot, qr_option, solver_set, eig_option, no_vectors;
    int svd_option, oversample_set, no_u, no_v, scores;
    const char *solver_text;  /* --solver: lstsq's or pca's, parsed once --for is known */
    int64_t k, oversample;
    pla_svd_method method;
    pla_lstsq_solver solver;
    pla_pca_solver pca_solver;
} info_args;

enum { OPT_FOR, OPT_B, OPT_C, OPT_TRANSA, OPT_TRANSB, OPT_MODE, OPT_PIVOT, OPT_SOLVER, OPT_K, OPT_NOVEC,
       OPT_METHOD, OPT_OVERSAMPLE, OPT_NOU, OPT_NOV, OPT_SCORES };

static const cli_option info_options[] = {
    { "for", 0, 1, OPT_FOR },
    { NULL, 'b', 1, OPT_B },
    { NULL, 'c', 1, OPT_C },
    { "transa", 0, 0, OPT_TRANSA },
    { "transb", 0, 0, OPT_TRANSB },
    { "mode", 0, 1, OPT_MODE },
    { "pivot", 0, 0, OPT_PIVOT },
    { "solver", 0, 1, OPT_SOLVER },
    { NULL, 'k', 1, OPT_K },
    { "no-vectors", 0, 0, OPT_NOVEC },
    { "method", 0, 1, OPT_METHOD },
    { "oversample", 0, 1, OPT_OVERSAMPLE },
    { "no-u", 0, 0, OPT_NOU },
    { "no-v", 0, 0, OPT_NOV },
    { "scores", 0, 0, OPT_SCORES },
    { NULL, 0, 0, 0 },
};

static pla_err info_option(void *state, const cli_option *opt, const char *value, cli_msg *msg)
{
    info_args *a = state;
    switch (opt->id) {
    case OPT_FOR:
        if (strcmp(value, "gemm") != 0 && strcmp(value, "qr") != 0 && strcmp(value, "lstsq") != 0 &&
            strcmp(value, "eig") != 0 && strcmp(value, "svd") != 0 && strcmp(value, "pca") != 0)
            return cli_fail(msg, PLA_ERR_ARG, "--for takes gemm, qr, lstsq, eig, svd or pca, got '%s'", value);
        a->for_cmd = value;
        break;
    case OPT_MODE: a->qr_option = 1; return cli_qr_mode_parse(value, &a->economic, msg);
    case OPT_PIVOT: a->qr_option = a->pivot = 1; break;
    case OPT_SOLVER: a->solver_set = 1; a->solver_text = value; break;
    case OPT_SCORES: a->scores = 1; break;
    case OPT_B: a->b = value; break;
    case OPT_K: return cli_parse_i64("-k", value, 1, INT64_MAX, &a->k, msg);
    case OPT_NOVEC: a->eig_option = a->no_vectors = 1; break;
    case OPT_METHOD: a->svd_option = 1; return cli_svd_method_parse(value, &a->method, msg);
    case OPT_OVERSAMPLE:
        a->svd_option = a->oversample_set = 1;
        return cli_parse_i64("--oversample", value, 0, 1 << 30, &a->oversample, msg);
    case OPT_NOU: a->svd_option = a->no_u = 1; break;
    case OPT_NOV: a->svd_option = a->no_v = 1; break;
    case OPT_C: a->c = value; break;
    case OPT_TRANSA: a->transa = 1; break;
    case OPT_TRANSB: a->transb = 1; break;
    default: break;
    }
    return PLA_OK;
}

static pla_err info_positional(void *state, const char *arg, cli_msg *msg)
{
    info_args *a = state;
    if (a->target != NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla info takes one FILE[:/PATH], got '%s' and '%s'", a->target, arg);
    a->target = arg;
    return PLA_OK;
}

static const cli_spec info_spec = { "info", info_options, info_option, info_positional };

typedef struct {
    cli_name a, b, c;
    pla_h5_dset_info ia, ib, ic;
    int64_t block;
} info_plan;

static pla_err check_usage(info_args *a, const cli_common *opt, info_plan *p, cli_msg *msg)
{
    pla_err err = PLA_OK;
    if (a->target == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla info needs a FILE or FILE:/PATH");
    if (opt->output || opt->force)
        return cli_fail(msg, PLA_ERR_ARG, "pla info writes nothing: -o/--output and --force do not apply");
    const char *cmd = a->for_cmd ? a->for_cmd : "";
    const int gemm = strcmp(cmd, "gemm") == 0, qr = strcmp(cmd, "qr") == 0, lstsq = strcmp(cmd, "lstsq") == 0,
              eig = strcmp(cmd, "eig") == 0, svd = strcmp(cmd, "svd") == 0, pca = strcmp(cmd, "pca") == 0;
    if ((a->c || a->transa || a->transb) && !gemm)
        return cli_fail(msg, PLA_ERR_ARG, "-c, --transa and --transb go with --for gemm");
    if (a->b && !gemm && !lstsq && !eig)
        return cli_fail(msg, PLA_ERR_ARG, "-b goes with --for gemm, lstsq or eig");
    if (a->eig_option && !eig)
        return cli_fail(msg, PLA_ERR_ARG, "--no-vectors goes with --for eig");
    if (a->k > 0 && !eig && !svd && !pca)
        return cli_fail(msg, PLA_ERR_ARG, "-k goes with --for eig, svd or pca");
    if (a->scores && !pca)
        return cli_fail(msg, PLA_ERR_ARG, "--scores goes with --for pca");
    if (a->svd_option && !svd)
        return cli_fail(msg, PLA_ERR_ARG, "--method, --oversample, --no-u and --no-v go with --for svd");
    if (a->qr_option && !qr)
        return cli_fail(msg, PLA_ERR_ARG, "--mode and --pivot go with --for qr");
    if (a->solver_set && !lstsq && !pca)
        return cli_fail(msg, PLA_ERR_ARG, "--solver goes with --for lstsq or pca");
    if (a->solver_set && lstsq && (err = cli_lstsq_solver_parse(a->solver_text, &a->solver, msg)) != PLA_OK)
        return err;
    if (a->solver_set && pca && (err = cli_pca_solver_parse(a->solver_text, &a->pca_solver, msg)) != PLA_OK)
        return err;
    if ((gemm || lstsq) && a->b == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "--for %s needs the other operand: -b FILE[:/PATH]", cmd);
    if ((err = cli_split_name("FILE", a->target, &p->a, msg)) != PLA_OK ||
        (a->b && (err = cli_split_name("-b", a->b, &p->b, msg)) != PLA_OK) ||
        (a->c && (err = cli_split_name("-c", a->c, &p->c, msg)) != PLA_OK))
        return err;
    p->block = opt->block > 0 ? opt->block
               : gemm         ? CLI_GEMM_BLOCK
               : qr           ? CLI_QR_BLOCK
               : eig          ? CLI_EIG_BLOCK
               : svd          ? CLI_SVD_BLOCK
               : pca          ? CLI_PCA_BLOCK
                              : CLI_LSTSQ_BLOCK;
    return PLA_OK;
}

/* ---- describing datasets ----------------------------------------------------- */

static void layout_text(char *buf, size_t cap, const pla_h5_dset_info *d)
{
    size_t used = (size_t)snprintf(buf, cap, "%s", d->layout);
    if (strcmp(d->layout, "chunked") == 0 && used < cap) {
        char chunk[128];
        cli_shape_text(chunk, sizeof chunk, d->ndims, d->chunk);
        used += (size_t)snprintf(buf + used, cap - used, " %s", chunk);
    }
    if (d->filters[0] && used < cap)
        snprintf(buf + used, cap - used, " %s", d->filters);
}

static cJSON *dataset_json(const pla_h5_dset_info *d)
{
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "path", d->path);
    cJSON *shape = cJSON_AddArrayToObject(item, "shape");
    for (int i = 0; i < d->ndims; ++i)
        cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)d->dims[i]));
    cJSON_AddStringToObject(item, "dtype", d->type);
    cJSON_AddBoolToObject(item, "matrix", d->ndims == 2 && d->is_numeric);
    cJSON_AddStringToObject(item, "layout", d->layout);
    if (strcmp(d->layout, "chunked") == 0) {
        cJSON *chunk = cJSON_AddArrayToObject(item, "chunks");
        for (int i = 0; i < d->ndims; ++i)
            cJSON_AddItemToArray(chunk, cJSON_CreateNumber((double)d->chunk[i]));
    }
    cJSON_AddStringToObject(item, "filters", d->filters);
    return item;
}

typedef struct {
    cli_report *rep;
    cJSON *list;
    int count;
} listing;

static void visit(const pla_h5_dset_info *d, void *arg)
{
    listing *l = arg;
    char shape[128], layout[256];
    cli_shape_text(shape, sizeof shape, d->ndims, d->dims);
    layout_text(layout, sizeof layout, d);
    cJSON_AddItemToArray(l->list, dataset_json(d));
    report_text(l->rep, 0, "  %-24s %-16s %-8s %s", d->path, shape, d->type, layout);
    l->count++;
}

static pla_err describe(cli_report *rep, pla_ctx *ctx, info_plan *p)
{
    pla_err err = PLA_OK;
    cJSON *list = cJSON_AddArrayToObject(report_json(rep), "datasets");
    if (p->a.path[0] == '\0') {
        listing l = { rep, list, 0 };
        report_text(rep, 0, "%s:", p->a.file);
        err = pla_h5_list(ctx, p->a.file, visit, &l);
        if (err == PLA_OK && l.count == 0)
            report_text(rep, 0, "  (no datasets)");
        return err;
    }
    pla_h5_dset_info d;
    CLI_TRY(pla_h5_inspect(ctx, p->a.file, p->a.path, &d));
    char shape[128], layout[256];
    cli_shape_text(shape, sizeof shape, d.ndims, d.dims);
    layout_text(layout, sizeof layout, &d);
    cJSON_AddItemToArray(list, dataset_json(&d));
    report_text(rep, 0, "%s:%s", p->a.file, d.path);
    report_text(rep, 0, "  shape    %s%s", shape,
                d.ndims == 2 && d.is_numeric ? "  (a matrix pla can read)" : "  (not a 2-D numeric matrix)");
    report_text(rep, 0, "  dtype    %s", d.type);
    report_text(rep, 0, "  layout   %s", layout);
done:
    return err;
}

/* ---- memory estimate ------------------------------------------------------- */

static pla_err estimate_gemm(cli_report *rep, pla_ctx *ctx, const info_args *a, const cli_common *opt,
                             info_plan *p)
{
    pla_err err = PLA_OK;
    cli_gemm_dims d = { 0, 0, 0 };
    CLI_TRY(cli_inspect_matrix(ctx, &p->a, &p->ia));
    CLI_TRY(cli_inspect_matrix(ctx, &p->b, &p->ib));
    if (a->c)
        CLI_TRY(cli_inspect_matrix(ctx, &p->c, &p->ic));
    CLI_TRY(cli_gemm_conform(ctx, a->transa, a->transb, &p->a, p->ia.dims, &p->b, p->ib.dims,
                             a->c ? &p->c : NULL, p->ic.dims, &d));
    int nprow = 1, npcol = 1;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    cli_mem_plan mem;
    double avail = 0.0;
    cli_gemm_memory(ctx, &d, p->ia.dims, p->ib.dims, p->block, pla_dtype_size(opt->dtype), &mem);
    CLI_TRY(pla_ctx_memory_per_rank(ctx, &avail));
    report_matrix(rep, "inputs", "A", p->a.display, p->ia.dims[0], p->ia.dims[1], p->ia.type);
    report_matrix(rep, "inputs", "B", p->b.display, p->ib.dims[0], p->ib.dims[1], p->ib.type);
    if (a->c)
        report_matrix(rep, "inputs", "C0", p->c.display, p->ic.dims[0], p->ic.dims[1], p->ic.type);
    report_text(rep, 0, "pla gemm: C (%lldx%lld) = A%s (%lldx%lld) B%s (%lldx%lld) on %d rank%s, grid %dx%d, "
                "block %lld, %s", (long long)d.m, (long long)d.n, a->transa ? "^T" : "", (long long)d.m,
                (long long)d.k, a->transb ? "^T" : "", (long long)d.k, (long long)d.n, nprow * npcol,
                nprow * npcol == 1 ? "" : "s", nprow, npcol, (long long)p->block, pla_dtype_name(opt->dtype));
    cli_mem_report(rep, &mem, avail);
    cJSON *shape = cJSON_AddArrayToObject(cJSON_GetObjectItemCaseSensitive(report_json(rep), "memory"), "shape_mnk");
    cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)d.m));
    cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)d.n));
    cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)d.k));
done:
    return err;
}

/* The grid the solver commands would take (a P x 1 grid for tall-skinny input without --grid). */
static pla_err solver_grid(cli_report *rep, pla_ctx **ctx, const cli_common *opt, const info_plan *p, int tall)
{
    pla_err err = cli_prefer_row_grid(opt, p->block, tall, ctx);
    if (err == PLA_OK)
        report_context(rep, *ctx, p->block, opt->dtype);
    return err;
}

static pla_err estimate_qr(cli_report *rep, pla_ctx **pctx, const info_args *a, const cli_common *opt, info_plan *p)
{
    pla_err err = PLA_OK;
    CLI_TRY(cli_inspect_matrix(*pctx, &p->a, &p->ia));
    const int64_t m = p->ia.dims[0], n = p->ia.dims[1];
    CLI_TRY(solver_grid(rep, pctx, opt, p, m >= 4 * n));
    const cli_qr_what what = { a->economic, a->pivot, 0, pla_qr_choose_shape(m, n) };
    cli_mem_plan mem;
    double avail = 0;
    cli_qr_memory(*pctx, m, n, p->block, pla_dtype_size(opt->dtype), &what, &mem);
    CLI_TRY(pla_ctx_memory_per_rank(*pctx, &avail));
    report_matrix(rep, "inputs", "A", p->a.display, m, n, p->ia.type);
    report_text(rep, 0, "pla qr%s --mode %s: A (%lldx%lld), %s", a->pivot ? " --pivot" : "", a->economic ? "economic" : "r",
                (long long)m, (long long)n, pla_dtype_name(opt->dtype));
    cli_mem_report(rep, &mem, avail);
done:
    return err;
}

static pla_err estimate_lstsq(cli_report *rep, pla_ctx **pctx, const info_args *a, const cli_common *opt,
                              info_plan *p)
{
    pla_err err = PLA_OK;
    CLI_TRY(cli_inspect_matrix(*pctx, &p->a, &p->ia));
    CLI_TRY(pla_h5_inspect(*pctx, p->b.file, p->b.path, &p->ib));
    const int64_t m = p->ia.dims[0], n = p->ia.dims[1], r = p->ib.ndims == 2 ? p->ib.dims[1] : 1;
    const pla_lstsq_solver solver = a->solver_set && a->solver != PLA_LSTSQ_AUTO ? a->solver
                                                                                : pla_lstsq_choose(m, n, r);
    CLI_TRY(solver_grid(rep, pctx, opt, p, solver == PLA_LSTSQ_TSQR || m >= 4 * (n + r)));
    cli_mem_plan mem;
    double avail = 0;
    cli_lstsq_memory(*pctx, m, n, r, p->block, pla_dtype_size(opt->dtype), solver, &mem);
    CLI_TRY(pla_ctx_memory_per_rank(*pctx, &avail));
    report_matrix(rep, "inputs", "A", p->a.display, m, n, p->ia.type);
    report_text(rep, 0, "pla lstsq --solver %s: A (%lldx%lld), %lld right-hand side%s, %s",
                pla_lstsq_solver_name(solver), (long long)m, (long long)n, (long long)r, r == 1 ? "" : "s",
                pla_dtype_name(opt->dtype));
    cli_mem_report(rep, &mem, avail);
done:
    return err;
}

static pla_err estimate_eig(cli_report *rep, pla_ctx *ctx, const info_args *a, const cli_common *opt, info_plan *p)
{
    pla_err err = PLA_OK;
    CLI_TRY(cli_inspect_matrix(ctx, &p->a, &p->ia));
    if (a->b)
        CLI_TRY(cli_inspect_matrix(ctx, &p->b, &p->ib));
    const int64_t n = p->ia.dims[0], k = a->k > 0 && a->k < n ? a->k : n;
    report_context(rep, ctx, p->block, opt->dtype);
    const cli_eig_what what = { a->b != NULL, !a->no_vectors, 0, 0, pla_eig_choose(n, n - k, n - 1) };
    cli_mem_plan mem;
    double avail = 0;
    cli_eig_memory(ctx, n, k, p->block, pla_dtype_size(opt->dtype), &what, &mem);
    CLI_TRY(pla_ctx_memory_per_rank(ctx, &avail));
    report_matrix(rep, "inputs", "A", p->a.display, p->ia.dims[0], p->ia.dims[1], p->ia.type);
    report_text(rep, 0, "pla eig%s: %lld of %lld eigenpairs%s (solver %s), %s", a->b ? " -b B" : "", (long long)k,
                (long long)n, a->no_vectors ? ", eigenvalues only" : "", pla_eig_solver_name(what.solver),
                pla_dtype_name(opt->dtype));
    cli_mem_report(rep, &mem, avail);
done:
    return err;
}

/* The per-rank bytes of a plan, part by part, as a JSON object. */
static cJSON *plan_json(const cli_mem_plan *p)
{
    cJSON *per = cJSON_CreateObject();
    for (int i = 0; i < p->nparts; ++i)
        cJSON_AddNumberToObject(per, p->name[i], p->bytes[i]);
    cJSON_AddNumberToObject(per, "total", p->total);
    return per;
}

/* The plan that would run (plans[use]) as the memory report, the totals of
   the others as lines ("(OPTION NAME would need about ...)"), memory.KEY naming
   the one chosen and memory.BY_KEY holding every plan. */
static void report_plans(cli_report *rep, const cli_mem_plan *plans, const char *const *names, int count, int use,
                         const char *option, const char *key, const char *by_key, double avail)
{
    for (int i = 0; i < count; ++i) {
        if (i == use)
            continue;
        char total[32];
        cli_size_text(total, sizeof total, plans[i].total);
        report_text(rep, 0, "  (%s %s would need about %s per rank)", option, names[i], total);
    }
    cli_mem_report(rep, &plans[use], avail);
    cJSON *mem = cJSON_GetObjectItemCaseSensitive(report_json(rep), "memory");
    cJSON_AddStringToObject(mem, key, names[use]);
    cJSON *by = cJSON_AddObjectToObject(mem, by_key);
    for (int i = 0; i < count; ++i)
        cJSON_AddItemToObject(by, names[i], plan_json(&plans[i]));
}

static pla_err estimate_svd(cli_report *rep, pla_ctx **pctx, const info_args *a, const cli_common *opt, info_plan *p)
{
    pla_err err = PLA_OK;
    CLI_TRY(cli_inspect_matrix(*pctx, &p->a, &p->ia));
    const int64_t m = p->ia.dims[0], n = p->ia.dims[1], r = m < n ? m : n, k = a->k > 0 ? a->k : r;
    if (r == 0)
        err = pla_ctx_fail(*pctx, PLA_ERR_DATA, "A = %s is %lldx%lld: the SVD needs at least one row and one column",
                           p->a.display, (long long)m, (long long)n);
    else if (k > r)
        err = pla_ctx_fail(*pctx, PLA_ERR_DATA,
                           "-k %lld is out of range: A = %s is %lldx%lld, so 1 <= k <= min(m, n) = %lld",
                           (long long)k, p->a.display, (long long)m, (long long)n, (long long)r);
    CLI_TRY(pla_ctx_agree(*pctx, err));
    CLI_TRY(solver_grid(rep, pctx, opt, p, m >= 4 * n));
    /* the method pla svd would run: --method, else auto's choice */
    const pla_svd_method chosen = a->method != PLA_SVD_AUTO ? a->method
                                  : a->k > 0               ? pla_svd_choose(m, n, k)
                                                           : PLA_SVD_FULL;
    const int64_t oversample = a->oversample_set ? a->oversample : pla_svd_defaults().oversample;
    const pla_svd_method methods[3] = { PLA_SVD_FULL, PLA_SVD_RANDOMIZED, PLA_SVD_KRYLOV };
    cli_mem_plan plans[3];
    double avail = 0;
    int use = 0;
    for (int i = 0; i < 3; ++i) {
        const cli_svd_what what = { methods[i], !a->no_u, !a->no_v, 0 };
        cli_svd_memory(*pctx, m, n, k, oversample, -1, p->block, pla_dtype_size(opt->dtype), &what, &plans[i]);
        use = methods[i] == chosen ? i : use;
    }
    CLI_TRY(pla_ctx_memory_per_rank(*pctx, &avail));
    report_matrix(rep, "inputs", "A", p->a.display, m, n, p->ia.type);
    report_text(rep, 0, "pla svd: %lld of %lld singular triplets of A (%lldx%lld)%s%s, method %s (%s), %s",
                (long long)k, (long long)r, (long long)m, (long long)n, a->no_u ? ", no U" : "",
                a->no_v ? ", no Vt" : "", pla_svd_method_name(chosen),
                a->method != PLA_SVD_AUTO ? "--method" : "auto's choice", pla_dtype_name(opt->dtype));
    const char *const names[3] = { pla_svd_method_name(methods[0]), pla_svd_method_name(methods[1]),
                                   pla_svd_method_name(methods[2]) };
    report_plans(rep, plans, names, 3, use, "--method", "method", "by_method", avail);
done:
    return err;
}

static pla_err estimate_pca(cli_report *rep, pla_ctx **pctx, const info_args *a, const cli_common *opt, info_plan *p)
{
    pla_err err = PLA_OK;
    CLI_TRY(cli_inspect_matrix(*pctx, &p->a, &p->ia));
    const int64_t m = p->ia.dims[0], n = p->ia.dims[1], r = m < n ? m : n, k = a->k > 0 ? a->k : r;
    CLI_TRY(cli_pca_check_shape(*pctx, p->a.display, m, n, a->k));
    CLI_TRY(solver_grid(rep, pctx, opt, p, m >= 4 * n));
    const pla_pca_solver chosen = a->solver_set && a->pca_solver != PLA_PCA_AUTO ? a->pca_solver
                                                                                : pla_pca_choose(m, n, a->k);
    const pla_pca_solver solvers[3] = { PLA_PCA_COVARIANCE, PLA_PCA_FULL, PLA_PCA_RANDOMIZED };
    const pla_pca_opts d = pla_pca_defaults();
    cli_mem_plan plans[3];
    double avail = 0;
    int use = 0;
    for (int i = 0; i < 3; ++i) {
        const cli_pca_what what = { solvers[i], k, a->scores, d.sketch, d.oversample, d.power_iters };
        cli_pca_memory(*pctx, m, n, p->block, pla_dtype_size(opt->dtype), &what, &plans[i]);
        use = solvers[i] == chosen ? i : use;
    }
    CLI_TRY(pla_ctx_memory_per_rank(*pctx, &avail));
    report_matrix(rep, "inputs", "X", p->a.display, m, n, p->ia.type);
    report_text(rep, 0, "pla pca: %lld of %lld components of X (%lldx%lld)%s, solver %s (%s), %s", (long long)k,
                (long long)r, (long long)m, (long long)n, a->scores ? " with scores" : "",
                pla_pca_solver_name(chosen), a->solver_set ? "--solver" : "auto's choice",
                pla_dtype_name(opt->dtype));
    const char *const names[3] = { pla_pca_solver_name(solvers[0]), pla_pca_solver_name(solvers[1]),
                                   pla_pca_solver_name(solvers[2]) };
    report_plans(rep, plans, names, 3, use, "--solver", "solver", "by_solver", avail);
done:
    return err;
}

typedef struct {
    info_args a;
    info_plan p;
} info_state;

static pla_err info_check(void *state, const cli_common *opt, int64_t *block, cli_msg *msg)
{
    info_state *st = state;
    pla_err err = check_usage(&st->a, opt, &st->p, msg);
    *block = st->p.block;
    return err;
}

static pla_err info_run(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block)
{
    info_state *st = state;
    const char *cmd = st->a.for_cmd;
    if (cmd != NULL && strcmp(cmd, "qr") == 0)
        return estimate_qr(rep, ctx, &st->a, opt, &st->p);
    if (cmd != NULL && strcmp(cmd, "lstsq") == 0)
        return estimate_lstsq(rep, ctx, &st->a, opt, &st->p);
    if (cmd != NULL && strcmp(cmd, "eig") == 0)
        return estimate_eig(rep, *ctx, &st->a, opt, &st->p);
    if (cmd != NULL && strcmp(cmd, "svd") == 0)
        return estimate_svd(rep, ctx, &st->a, opt, &st->p);
    if (cmd != NULL && strcmp(cmd, "pca") == 0)
        return estimate_pca(rep, ctx, &st->a, opt, &st->p);
    report_context(rep, *ctx, block, opt->dtype);
    return cmd ? estimate_gemm(rep, *ctx, &st->a, opt, &st->p) : describe(rep, *ctx, &st->p);
}

int cmd_info(int argc, char **argv)
{
    static info_state state;  /* large name buffers: off the stack */
    static const cli_command command = { "info", info_help, &info_spec, info_check, info_run };
    memset(&state, 0, sizeof state);
    state.a.method = PLA_SVD_AUTO;
    return cli_main(&command, &state, argc, argv);
}
