/* pla lstsq: least squares (ordinary, ridge, with intercept) on HDF5 data. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "command.h"
#include "solver_plans.h"


static const char lstsq_help[] =
    "usage: [mpirun -n P] pla lstsq -a A -b B [--ridge L] [--intercept]\n"
    "                               [--solver auto|qr|tsqr|normal] [--rcond R] -o OUT[:/GROUP]\n\n"
    "Solves min ||A X - B||_F (+ L ||X||_F^2) for A (m x n, rows = samples) and B\n"
    "(m x r, or a length-m vector as one column), as numpy.linalg.lstsq and\n"
    "scikit-learn's LinearRegression / Ridge.  Writes under GROUP of OUT:\n"
    "  coef (n x r), intercept (r), residual_norm (r), r2 (r), rank (scalar).\n"
    "Rank-deficient and underdetermined (m < n) problems get the minimum-norm\n"
    "solution, as numpy.linalg.lstsq; `rank` is the numerical rank, found by QR\n"
    "with column pivoting of the reduced triangle (LAPACK ?gelsy).\n\n"
    "Options:\n"
    "  -a FILE[:/PATH]     the matrix A\n"
    "  -b FILE[:/PATH]     the right-hand side(s) B\n"
    "      --ridge L       Tikhonov penalty L >= 0 (the intercept is not penalized)\n"
    "      --intercept     fit an intercept (center A's and B's columns first)\n"
    "      --solver auto   tsqr when m >= 16 (n + r), qr otherwise (default)\n"
    "      --solver qr     Householder QR of [A B] (of A^T when m < n)\n"
    "      --solver tsqr   tall-skinny QR of [A B] (needs m >= n + r)\n"
    "      --solver normal Cholesky of A^T A: fastest, but squares the condition\n"
    "                      number (warns above 1e8 in float64); needs m >= n\n"
    "      --rcond R       rank tolerance: the rank is the order of the largest\n"
    "                      leading triangle of the pivoted QR with condition\n"
    "                      below 1/R; with --ridge, singular values <= R s_max\n"
    "                      are ignored (default max(m, n) eps, as numpy)\n"
    "Without --grid a tall-skinny A runs on a P x 1 grid of row panels.\n"
    "Default block size: " CLI_STR(CLI_LSTSQ_BLOCK) ".\n";

typedef struct {
    const char *a, *b;
    pla_lstsq_opts o;
} lstsq_args;

enum { OPT_A, OPT_B, OPT_RIDGE, OPT_INTERCEPT, OPT_SOLVER, OPT_RCOND };

static const cli_option lstsq_options[] = {
    { NULL, 'a', 1, OPT_A },
    { NULL, 'b', 1, OPT_B },
    { "ridge", 0, 1, OPT_RIDGE },
    { "intercept", 0, 0, OPT_INTERCEPT },
    { "solver", 0, 1, OPT_SOLVER },
    { "rcond", 0, 1, OPT_RCOND },
    { NULL, 0, 0, 0 },
};

static pla_err lstsq_option(void *state, const cli_option *opt, const char *value, cli_msg *msg)
{
    lstsq_args *a = state;
    pla_err err = PLA_OK;
    switch (opt->id) {
    case OPT_A: a->a = value; break;
    case OPT_B: a->b = value; break;
    case OPT_RIDGE:
        err = cli_parse_f64("--ridge", value, &a->o.ridge, msg);
        if (err == PLA_OK && !(a->o.ridge >= 0 && isfinite(a->o.ridge)))
            err = cli_fail(msg, PLA_ERR_ARG, "--ridge must be a finite number >= 0, got '%s'", value);
        break;
    case OPT_INTERCEPT: a->o.intercept = 1; break;
    case OPT_SOLVER: err = cli_lstsq_solver_parse(value, &a->o.solver, msg); break;
    case OPT_RCOND:
        err = cli_parse_f64("--rcond", value, &a->o.rcond, msg);
        if (err == PLA_OK && !(a->o.rcond > 0 && a->o.rcond < 1))
            err = cli_fail(msg, PLA_ERR_ARG, "--rcond must be in (0, 1), got '%s'", value);
        break;
    default: break;
    }
    return err;
}

static const cli_spec lstsq_spec = { "lstsq", lstsq_options, lstsq_option, NULL };

typedef struct {
    cli_name a, b, out;
    pla_h5_dset_info ia, ib;
    int64_t m, n, r, block;
    char group_path[4800];
} lstsq_plan;

static const char *const outputs[] = { "coef", "intercept", "residual_norm", "r2", "rank" };

/* B is 2-D with m rows, or 1-D of length m: a data error naming both otherwise. */
static pla_err check_shapes(pla_ctx *ctx, lstsq_plan *p)
{
    pla_err err = PLA_OK;
    p->m = p->ia.dims[0];
    p->n = p->ia.dims[1];
    p->r = p->ib.ndims == 2 ? p->ib.dims[1] : 1;
    if (p->ib.ndims != 1 && p->ib.ndims != 2)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "dataset %s in %s is %d-D: B must be a vector or a matrix",
                           p->ib.path, p->b.file, p->ib.ndims);
    else if (!p->ib.is_numeric)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "dataset %s in %s holds %s values: B must hold numbers",
                           p->ib.path, p->b.file, p->ib.type);
    else if (p->ib.dims[0] != p->m)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "B = %s has %lld rows but A = %s has %lld: they must match",
                           p->b.display, (long long)p->ib.dims[0], p->a.display, (long long)p->m);
    return pla_ctx_agree(ctx, err);
}

static pla_err write_results(cli_report *rep, pla_ctx *ctx, const lstsq_args *a, const lstsq_plan *p,
                             pla_h5_out *out, const pla_mat *X, const pla_lstsq_result *res, pla_dtype dt)
{
    pla_err err = PLA_OK;
    const int64_t rank = res->rank;
    CLI_TRY(pla_h5_out_write_mat(out, "coef", X, dt));
    CLI_TRY(pla_h5_out_write_vec(out, "intercept", res->intercept, p->r, dt));
    CLI_TRY(pla_h5_out_write_vec(out, "residual_norm", res->residual_norm, p->r, dt));
    CLI_TRY(pla_h5_out_write_vec(out, "r2", res->r2, p->r, dt));
    CLI_TRY(pla_h5_out_write_ivec(out, "rank", &rank, -1));
    CLI_TRY(report_write_attrs(rep, out, ctx, p->block, dt));
    CLI_TRY(pla_h5_out_attr_str(out, "a", p->a.display));
    CLI_TRY(pla_h5_out_attr_str(out, "b", p->b.display));
    CLI_TRY(pla_h5_out_attr_str(out, "solver", pla_lstsq_solver_name(res->solver)));
    CLI_TRY(pla_h5_out_attr_str(out, "solver_requested", pla_lstsq_solver_name(a->o.solver)));
    CLI_TRY(pla_h5_out_attr_f64(out, "ridge", a->o.ridge));
    CLI_TRY(pla_h5_out_attr_i64(out, "fit_intercept", a->o.intercept));
    CLI_TRY(pla_h5_out_attr_f64(out, "rcond", a->o.rcond > 0 ? a->o.rcond
                                                              : (double)(p->m > p->n ? p->m : p->n) * DBL_EPSILON));
    CLI_TRY(pla_h5_out_attr_f64(out, "condition_estimate", res->rcond > 0 ? 1.0 / res->rcond : INFINITY));
done:
    return err;
}

static void report_results(cli_report *rep, const lstsq_args *a, const lstsq_plan *p, const pla_lstsq_result *res,
                           double compute_s)
{
    cJSON *root = report_json(rep);
    cJSON *par = cJSON_AddObjectToObject(root, "parameters");
    cJSON_AddStringToObject(par, "solver", pla_lstsq_solver_name(res->solver));
    cJSON_AddStringToObject(par, "solver_requested", pla_lstsq_solver_name(a->o.solver));
    cJSON_AddNumberToObject(par, "ridge", a->o.ridge);
    cJSON_AddBoolToObject(par, "intercept", a->o.intercept);
    cJSON *r = cJSON_AddObjectToObject(root, "results");
    cJSON_AddNumberToObject(r, "rank", (double)res->rank);
    cJSON_AddNumberToObject(r, "condition_estimate", res->rcond > 0 ? 1.0 / res->rcond : 1e308);
    cJSON_AddItemToObject(r, "intercept", cJSON_CreateDoubleArray(res->intercept, (int)p->r));
    cJSON_AddItemToObject(r, "residual_norm", cJSON_CreateDoubleArray(res->residual_norm, (int)p->r));
    cJSON_AddItemToObject(r, "r2", cJSON_CreateDoubleArray(res->r2, (int)p->r));
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; ++i) {
        char path[4900];
        cli_output_path(path, sizeof path, &p->out, outputs[i]);
        int64_t rows = i == 0 ? p->n : (i == 4 ? -1 : p->r), cols = i == 0 ? p->r : -1;
        report_matrix(rep, "outputs", outputs[i], path, rows, cols, "");
    }
    report_text(rep, 0, "pla lstsq: %lldx%lld, %lld right-hand side%s, solver %s, rank %lld, in %.3f s; wrote %s",
                (long long)p->m, (long long)p->n, (long long)p->r, p->r == 1 ? "" : "s",
                pla_lstsq_solver_name(res->solver), (long long)res->rank, compute_s, p->group_path);
    for (int64_t j = 0; j < p->r && j < 8; ++j)
        report_text(rep, 0, "  rhs %lld: residual norm %.6g, R^2 %.6f%s", (long long)j, res->residual_norm[j],
                    res->r2[j], a->o.intercept ? "" : "");
}

static pla_err run(cli_report *rep, pla_ctx **pctx, lstsq_args *a, const cli_common *opt, lstsq_plan *p)
{
    pla_err err = PLA_OK;
    pla_h5_out *out = NULL;
    pla_mat *A = NULL, *B = NULL, *X = NULL;
    pla_lstsq_result res = { 0 };
    int have_res = 0;
    double t;
    pla_ctx *ctx = *pctx;

    CLI_TRY(cli_inspect_matrix(ctx, &p->a, &p->ia));
    CLI_TRY(pla_h5_inspect(ctx, p->b.file, p->b.path, &p->ib));
    cli_set_path(&p->b, p->ib.path);
    CLI_TRY(check_shapes(ctx, p));
    pla_lstsq_solver solver = a->o.solver == PLA_LSTSQ_AUTO ? pla_lstsq_choose(p->m, p->n, p->r) : a->o.solver;
    CLI_TRY(cli_prefer_row_grid(opt, p->block, solver == PLA_LSTSQ_TSQR || p->m >= 4 * (p->n + p->r), pctx));
    ctx = *pctx;
    report_context(rep, ctx, p->block, opt->dtype);
    report_matrix(rep, "inputs", "A", p->a.display, p->m, p->n, p->ia.type);
    report_matrix(rep, "inputs", "B", p->b.display, p->m, p->r, p->ib.type);
    cli_mem_plan mem;
    double avail = 0;
    cli_lstsq_memory(ctx, p->m, p->n, p->r, p->block, pla_dtype_size(opt->dtype), solver, &mem);
    CLI_TRY(cli_mem_check(ctx, &mem, &avail));

    CLI_TRY(pla_h5_out_open(ctx, p->out.file, p->out.path[0] ? p->out.path : "/", opt->force, &out));
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; ++i)
        CLI_TRY(pla_h5_out_reserve(out, outputs[i]));

    t = pla_wtime();
    report_progress(rep, "reading A = %s (%lldx%lld)", p->a.display, (long long)p->m, (long long)p->n);
    CLI_TRY(pla_h5_read(ctx, p->a.file, p->a.path, opt->dtype, p->block, p->block, &A));
    report_progress(rep, "reading B = %s", p->b.display);
    CLI_TRY(pla_h5_read_columns(ctx, p->b.file, p->b.path, opt->dtype, p->block, p->block, &B));
    report_phase(rep, "read", pla_wtime() - t);

    report_progress(rep, "solving (%s)", pla_lstsq_solver_name(solver));
    t = pla_wtime();
    CLI_TRY(pla_lstsq(A, B, &a->o, &X, &res));
    have_res = 1;
    report_phase(rep, "compute", pla_wtime() - t);
    if (res.solver == PLA_LSTSQ_NORMAL && res.rcond > 0 && 1.0 / res.rcond > (opt->dtype == PLA_F64 ? 1e8 : 1e4))
        report_warning(rep, "cond(A^T A) is about %.2g: the normal equations lose about %.0f digits; "
                       "use --solver qr for an accurate answer", 1.0 / res.rcond, log10(1.0 / res.rcond));
    if (res.rank < (p->m < p->n ? p->m : p->n))
        report_warning(rep, "A is rank deficient (numerical rank %lld of %lld): the minimum-norm solution was returned",
                       (long long)res.rank, (long long)(p->m < p->n ? p->m : p->n));
    pla_mat_destroy(&A);
    pla_mat_destroy(&B);

    t = pla_wtime();
    CLI_TRY(write_results(rep, ctx, a, p, out, X, &res, opt->dtype));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_elapsed(rep, out, ctx));
    CLI_TRY(pla_h5_out_commit(&out));
    double compute_s = 0;
    CLI_TRY(report_agree_phases(rep, ctx, "compute", &compute_s));
    report_results(rep, a, p, &res, compute_s);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&out);
    if (have_res)
        pla_lstsq_result_free(&res);
    pla_mat_destroy(&A);
    pla_mat_destroy(&B);
    pla_mat_destroy(&X);
    return err;
}

typedef struct {
    lstsq_args a;
    lstsq_plan p;
} lstsq_state;

static pla_err lstsq_check(void *state, const cli_common *opt, int64_t *block, cli_msg *msg)
{
    lstsq_state *st = state;
    pla_err err = PLA_OK;
    if (st->a.a == NULL || st->a.b == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla lstsq needs both -a A and -b B");
    if (opt->output == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla lstsq needs an output: -o FILE[:/GROUP]");
    if ((err = cli_split_name("-a", st->a.a, &st->p.a, msg)) != PLA_OK ||
        (err = cli_split_name("-b", st->a.b, &st->p.b, msg)) != PLA_OK ||
        (err = cli_split_name("-o", opt->output, &st->p.out, msg)) != PLA_OK)
        return err;
    *block = st->p.block = opt->block > 0 ? opt->block : CLI_LSTSQ_BLOCK;
    snprintf(st->p.group_path, sizeof st->p.group_path, "%s:%s", st->p.out.file,
             st->p.out.path[0] ? st->p.out.path : "/");
    return PLA_OK;
}

static pla_err lstsq_run(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block)
{
    lstsq_state *st = state;
    (void)block;
    return run(rep, ctx, &st->a, opt, &st->p);
}

int cmd_lstsq(int argc, char **argv)
{
    static lstsq_state state;  /* large name buffers: off the stack */
    static const cli_command command = { "lstsq", lstsq_help, &lstsq_spec, lstsq_check, lstsq_run };
    memset(&state, 0, sizeof state);
    state.a.o = PLA_LSTSQ_OPTS_DEFAULT;
    return cli_main(&command, &state, argc, argv);
}
