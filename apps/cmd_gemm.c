/* pla gemm: C := alpha op(A) op(B) + beta C0 on HDF5 datasets. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "command.h"
#include "commands.h"
#include "gemm_shapes.h"

static const char gemm_help[] =
    "usage: [mpirun -n P] pla gemm -a A -b B [-c C] [--transa] [--transb]\n"
    "                              [--alpha x] [--beta y] [--check] -o OUT[:/GROUP]\n\n"
    "Computes C := alpha op(A) op(B) + beta C0, op(X) = X or X^T, and writes the\n"
    "dataset C under GROUP of OUT (default group \"/\").  A, B and C0 are 2-D\n"
    "datasets named FILE:/PATH (a bare FILE: the file's only 2-D dataset) of type\n"
    "float64, float32 or integer; they are read in --dtype precision.\n\n"
    "Options:\n"
    "  -a FILE[:/PATH]   the matrix A (m x k, or k x m with --transa)\n"
    "  -b FILE[:/PATH]   the matrix B (k x n, or n x k with --transb)\n"
    "  -c FILE[:/PATH]   the matrix C0 (m x n) to add, scaled by beta\n"
    "      --transa      use A^T\n"
    "      --transb      use B^T\n"
    "      --alpha x     scale of op(A) op(B) (default 1)\n"
    "      --beta y      scale of C0 (default 1; needs -c)\n"
    "      --check       probe residual ||C x - (alpha A (B x) + beta C0 x)||_1 /\n"
    "                    ((|alpha| ||A||_1 ||B||_1 + |beta| ||C0||_1) ||x||_1 k eps)\n"
    "                    for a random x (--seed): shown with -v and in --json\n\n"
    "The output is reserved before any input is read: an existing C without --force\n"
    "fails at once (exit 5).  Default block size: " CLI_STR(CLI_GEMM_BLOCK) ".\n";

typedef struct {
    const char *a, *b, *c;
    int transa, transb, check;
    double alpha, beta;
    int beta_set;
} gemm_args;

enum { OPT_A, OPT_B, OPT_C, OPT_TRANSA, OPT_TRANSB, OPT_ALPHA, OPT_BETA, OPT_CHECK };

static const cli_option gemm_options[] = {
    { NULL, 'a', 1, OPT_A },
    { NULL, 'b', 1, OPT_B },
    { NULL, 'c', 1, OPT_C },
    { "transa", 0, 0, OPT_TRANSA },
    { "transb", 0, 0, OPT_TRANSB },
    { "alpha", 0, 1, OPT_ALPHA },
    { "beta", 0, 1, OPT_BETA },
    { "check", 0, 0, OPT_CHECK },
    { NULL, 0, 0, 0 },
};

static pla_err gemm_option(void *state, const cli_option *opt, const char *value, cli_msg *msg)
{
    gemm_args *g = state;
    switch (opt->id) {
    case OPT_A: g->a = value; break;
    case OPT_B: g->b = value; break;
    case OPT_C: g->c = value; break;
    case OPT_TRANSA: g->transa = 1; break;
    case OPT_TRANSB: g->transb = 1; break;
    case OPT_ALPHA: return cli_parse_f64("--alpha", value, &g->alpha, msg);
    case OPT_BETA: g->beta_set = 1; return cli_parse_f64("--beta", value, &g->beta, msg);
    case OPT_CHECK: g->check = 1; break;
    default: break;
    }
    return PLA_OK;
}

static const cli_spec gemm_spec = { "gemm", gemm_options, gemm_option, NULL };

/* Names and shapes of one run. */
typedef struct {
    cli_name a, b, c, out;
    pla_h5_dset_info ia, ib, ic;
    int64_t m, n, k;
    int64_t block;
    pla_dtype dt;
    char c_path[4800];  /* the output dataset, "OUT:/GROUP/C" */
} gemm_plan;

static pla_err check_usage(const gemm_args *g, const cli_common *opt, gemm_plan *p, cli_msg *msg)
{
    pla_err err = PLA_OK;
    if (g->a == NULL || g->b == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla gemm needs both -a A and -b B");
    if (opt->output == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla gemm needs an output: -o FILE[:/GROUP]");
    if (g->beta_set && g->c == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "--beta scales C0: give it with -c C0");
    if ((err = cli_split_name("-a", g->a, &p->a, msg)) != PLA_OK ||
        (err = cli_split_name("-b", g->b, &p->b, msg)) != PLA_OK ||
        (g->c && (err = cli_split_name("-c", g->c, &p->c, msg)) != PLA_OK) ||
        (err = cli_split_name("-o", opt->output, &p->out, msg)) != PLA_OK)
        return err;
    p->block = opt->block > 0 ? opt->block : CLI_GEMM_BLOCK;
    p->dt = opt->dtype;
    cli_output_path(p->c_path, sizeof p->c_path, &p->out, "C");
    return PLA_OK;
}

/* Shapes of op(A) and op(B) (and C0) must conform: a data error naming them. */
static pla_err check_shapes(pla_ctx *ctx, const gemm_args *g, gemm_plan *p)
{
    cli_gemm_dims d = { 0, 0, 0 };
    pla_err err = cli_gemm_conform(ctx, g->transa, g->transb, &p->a, p->ia.dims, &p->b, p->ib.dims,
                                   g->c ? &p->c : NULL, p->ic.dims, &d);
    p->m = d.m;
    p->n = d.n;
    p->k = d.k;
    return err;
}

/* The O(n^2) probe: x random, t = op(B) x, w = C0 x, taken before C0 is overwritten. */
typedef struct {
    pla_mat *x, *t, *w, *r;
    double norm_a, norm_b, norm_c0, norm_x;
} gemm_probe;

static void probe_free(gemm_probe *pr)
{
    pla_mat_destroy(&pr->x);
    pla_mat_destroy(&pr->t);
    pla_mat_destroy(&pr->w);
    pla_mat_destroy(&pr->r);
}

static pla_err probe_before(gemm_probe *pr, pla_ctx *ctx, const gemm_args *g, const gemm_plan *p,
                            const pla_mat *A, const pla_mat *B, const pla_mat *C0, uint64_t seed)
{
    pla_err err = PLA_OK;
    const pla_op ta = g->transa ? PLA_TRANS : PLA_NOTRANS, tb = g->transb ? PLA_TRANS : PLA_NOTRANS;
    CLI_TRY(pla_mat_create(ctx, p->dt, p->n, 1, p->block, p->block, &pr->x));
    CLI_TRY(pla_ctx_agree(ctx, pla_mat_fill_random(pr->x, PLA_UNIFORM, seed, 1)));
    CLI_TRY(pla_mat_create(ctx, p->dt, p->k, 1, p->block, p->block, &pr->t));
    CLI_TRY(pla_mat_create(ctx, p->dt, p->m, 1, p->block, p->block, &pr->w));
    CLI_TRY(pla_gemm(tb, PLA_NOTRANS, 1.0, B, pr->x, 0.0, pr->t));
    CLI_TRY(pla_norm(ta == PLA_TRANS ? PLA_NORM_INF : PLA_NORM_ONE, A, &pr->norm_a));
    CLI_TRY(pla_norm(tb == PLA_TRANS ? PLA_NORM_INF : PLA_NORM_ONE, B, &pr->norm_b));
    CLI_TRY(pla_norm(PLA_NORM_ONE, pr->x, &pr->norm_x));
    if (C0) {
        CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, C0, pr->x, 0.0, pr->w));
        CLI_TRY(pla_norm(PLA_NORM_ONE, C0, &pr->norm_c0));
    }
done:
    return err;
}

/* ||C x - (alpha op(A) t + beta w)||_1 / ((|alpha| ||op(A)||_1 ||op(B)||_1 + |beta| ||C0||_1) ||x||_1 k eps) */
static pla_err probe_after(gemm_probe *pr, pla_ctx *ctx, const gemm_args *g, const gemm_plan *p,
                           const pla_mat *A, const pla_mat *C, double beta, double *residual)
{
    pla_err err = PLA_OK;
    double num = 0.0;
    const double eps = p->dt == PLA_F32 ? FLT_EPSILON : DBL_EPSILON;
    CLI_TRY(pla_mat_create(ctx, p->dt, p->m, 1, p->block, p->block, &pr->r));
    CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, C, pr->x, 0.0, pr->r));
    CLI_TRY(pla_gemm(g->transa ? PLA_TRANS : PLA_NOTRANS, PLA_NOTRANS, -g->alpha, A, pr->t, 1.0, pr->r));
    CLI_TRY(pla_ctx_agree(ctx, pla_add(-beta, pr->w, 1.0, pr->r)));
    CLI_TRY(pla_norm(PLA_NORM_ONE, pr->r, &num));
    double den = (fabs(g->alpha) * pr->norm_a * pr->norm_b + fabs(beta) * pr->norm_c0) * pr->norm_x *
                 (double)(p->k > 1 ? p->k : 1) * eps;
    *residual = den > 0.0 ? num / den : (num == 0.0 ? 0.0 : INFINITY);
done:
    return err;
}

static pla_err write_output(cli_report *rep, pla_ctx *ctx, const gemm_args *g, const gemm_plan *p,
                            pla_h5_out *out, const pla_mat *C, double beta, double residual)
{
    pla_err err = PLA_OK;
    double t = pla_wtime();
    report_progress(rep, "writing %s", p->c_path);
    CLI_TRY(pla_h5_out_write_mat(out, "C", C, p->dt));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_attrs(rep, out, ctx, p->block, p->dt));
    CLI_TRY(pla_h5_out_attr_str(out, "a", p->a.display));
    CLI_TRY(pla_h5_out_attr_str(out, "b", p->b.display));
    if (g->c)
        CLI_TRY(pla_h5_out_attr_str(out, "c", p->c.display));
    CLI_TRY(pla_h5_out_attr_i64(out, "transa", g->transa));
    CLI_TRY(pla_h5_out_attr_i64(out, "transb", g->transb));
    CLI_TRY(pla_h5_out_attr_f64(out, "alpha", g->alpha));
    CLI_TRY(pla_h5_out_attr_f64(out, "beta", beta));
    if (g->check)
        CLI_TRY(pla_h5_out_attr_f64(out, "check_residual", residual));
    CLI_TRY(report_write_elapsed(rep, out, ctx));
done:
    return err;
}

static void report_inputs(cli_report *rep, const gemm_args *g, const gemm_plan *p)
{
    report_matrix(rep, "inputs", "A", p->a.display, p->ia.dims[0], p->ia.dims[1], p->ia.type);
    report_matrix(rep, "inputs", "B", p->b.display, p->ib.dims[0], p->ib.dims[1], p->ib.type);
    if (g->c)
        report_matrix(rep, "inputs", "C0", p->c.display, p->ic.dims[0], p->ic.dims[1], p->ic.type);
    cJSON *par = cJSON_AddObjectToObject(report_json(rep), "parameters");
    cJSON_AddBoolToObject(par, "transa", g->transa);
    cJSON_AddBoolToObject(par, "transb", g->transb);
    cJSON_AddNumberToObject(par, "alpha", g->alpha);
    cJSON_AddNumberToObject(par, "beta", g->c ? g->beta : 0.0);
}

static pla_err read_inputs(cli_report *rep, pla_ctx *ctx, const gemm_args *g, gemm_plan *p, pla_mat **A,
                           pla_mat **B, pla_mat **C)
{
    pla_err err = PLA_OK;
    double t = pla_wtime();
    report_progress(rep, "reading A = %s (%lldx%lld)", p->a.display, (long long)p->ia.dims[0],
                    (long long)p->ia.dims[1]);
    CLI_TRY(pla_h5_read(ctx, p->a.file, p->a.path, p->dt, p->block, p->block, A));
    report_progress(rep, "reading B = %s (%lldx%lld)", p->b.display, (long long)p->ib.dims[0],
                    (long long)p->ib.dims[1]);
    CLI_TRY(pla_h5_read(ctx, p->b.file, p->b.path, p->dt, p->block, p->block, B));
    if (g->c) {
        report_progress(rep, "reading C0 = %s", p->c.display);
        CLI_TRY(pla_h5_read(ctx, p->c.file, p->c.path, p->dt, p->block, p->block, C));
    } else {
        CLI_TRY(pla_mat_create(ctx, p->dt, p->m, p->n, p->block, p->block, C));
    }
    report_phase(rep, "read", pla_wtime() - t);
done:
    return err;
}

static void report_result(cli_report *rep, const gemm_args *g, const gemm_plan *p, double compute_s,
                          double residual)
{
    double flops = 2.0 * (double)p->m * (double)p->n * (double)p->k;
    double gflops = compute_s > 0.0 ? flops / compute_s * 1e-9 : 0.0;
    cJSON *root = report_json(rep);
    report_matrix(rep, "outputs", "C", p->c_path, p->m, p->n, pla_dtype_name(p->dt));
    cJSON_AddNumberToObject(root, "gflops", gflops);
    if (g->check) {
        cJSON *checks = cJSON_AddObjectToObject(root, "checks");
        cJSON_AddNumberToObject(checks, "probe_residual", residual);
    }
    const cJSON *tm = cJSON_GetObjectItemCaseSensitive(root, "timings");
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(tm, "total");
    report_text(rep, 0, "pla gemm: wrote %s (%lldx%lld %s) in %.3f s, %.2f GFLOP/s", p->c_path,
                (long long)p->m, (long long)p->n, pla_dtype_name(p->dt), total ? total->valuedouble : 0.0,
                gflops);
    for (const cJSON *it = tm ? tm->child : NULL; it; it = it->next)
        report_text(rep, 1, "  time %-8s %10.4f s", it->string, it->valuedouble);
    if (g->check)
        report_text(rep, 1, "  probe residual %.3g (of order 1 or less is normal)", residual);
}

static pla_err run(cli_report *rep, pla_ctx *ctx, const gemm_args *g, const cli_common *opt, gemm_plan *p)
{
    pla_err err = PLA_OK;
    pla_h5_out *out = NULL;
    pla_mat *A = NULL, *B = NULL, *C = NULL;
    gemm_probe probe = { 0 };
    double residual = 0.0, compute_s = 0.0, beta = g->c ? (g->beta_set ? g->beta : 1.0) : 0.0;

    report_progress(rep, "inspecting inputs");
    CLI_TRY(cli_inspect_matrix(ctx, &p->a, &p->ia));
    CLI_TRY(cli_inspect_matrix(ctx, &p->b, &p->ib));
    if (g->c)
        CLI_TRY(cli_inspect_matrix(ctx, &p->c, &p->ic));
    CLI_TRY(check_shapes(ctx, g, p));
    report_inputs(rep, g, p);
    cli_mem_plan mem;
    double avail = 0.0;
    cli_gemm_memory(ctx, &(cli_gemm_dims){ p->m, p->n, p->k }, p->ia.dims, p->ib.dims, p->block,
                    pla_dtype_size(p->dt), &mem);
    CLI_TRY(cli_mem_check(ctx, &mem, &avail));

    /* an existing output without --force is found here, before any work */
    report_progress(rep, "reserving %s", p->c_path);
    CLI_TRY(pla_h5_out_open(ctx, p->out.file, p->out.path[0] ? p->out.path : "/", opt->force, &out));
    CLI_TRY(pla_h5_out_reserve(out, "C"));

    CLI_TRY(read_inputs(rep, ctx, g, p, &A, &B, &C));
    if (g->check)
        CLI_TRY(probe_before(&probe, ctx, g, p, A, B, g->c ? C : NULL, opt->seed));

    report_progress(rep, "multiplying: %lldx%lld times %lldx%lld on a %s grid", (long long)p->m,
                    (long long)p->k, (long long)p->k, (long long)p->n,
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(report_json(rep), "grid")));
    double t = pla_wtime();
    CLI_TRY(pla_gemm(g->transa ? PLA_TRANS : PLA_NOTRANS, g->transb ? PLA_TRANS : PLA_NOTRANS, g->alpha,
                     A, B, beta, C));
    report_phase(rep, "compute", pla_wtime() - t);

    if (g->check) {
        t = pla_wtime();
        CLI_TRY(probe_after(&probe, ctx, g, p, A, C, beta, &residual));
        report_phase(rep, "check", pla_wtime() - t);
    }
    pla_mat_destroy(&A);  /* only C is needed from here on */
    pla_mat_destroy(&B);
    CLI_TRY(write_output(rep, ctx, g, p, out, C, beta, residual));
    CLI_TRY(pla_h5_out_commit(&out));
    CLI_TRY(report_agree_phases(rep, ctx, "compute", &compute_s));
    report_result(rep, g, p, compute_s, residual);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&out);  /* nothing half-written stays behind */
    probe_free(&probe);
    pla_mat_destroy(&A);
    pla_mat_destroy(&B);
    pla_mat_destroy(&C);
    return err;
}

typedef struct {
    gemm_args g;
    gemm_plan p;
} gemm_state;

static pla_err gemm_check(void *state, const cli_common *opt, int64_t *block, cli_msg *msg)
{
    gemm_state *st = state;
    pla_err err = check_usage(&st->g, opt, &st->p, msg);
    *block = st->p.block;
    return err;
}

static pla_err gemm_run(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block)
{
    gemm_state *st = state;
    report_context(rep, *ctx, block, st->p.dt);
    return run(rep, *ctx, &st->g, opt, &st->p);
}

int cmd_gemm(int argc, char **argv)
{
    static gemm_state state;  /* large name buffers: off the stack */
    static const cli_command command = { "gemm", gemm_help, &gemm_spec, gemm_check, gemm_run };
    memset(&state, 0, sizeof state);
    state.g.alpha = 1.0;
    state.g.beta = 1.0;
    return cli_main(&command, &state, argc, argv);
}
