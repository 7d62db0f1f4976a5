/* pla qr: R (and the economic Q) of a matrix in an HDF5 file. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "command.h"
#include "solver_plans.h"


static const char qr_help[] =
    "usage: [mpirun -n P] pla qr -i A [--mode r|economic] [--solver auto|householder|tsqr]\n"
    "                            [--pivot [--tol T]] [--check] -o OUT[:/GROUP]\n\n"
    "QR factorization A = Q R of an m x n matrix (any shape).  Writes R\n"
    "(min(m,n) x n, upper triangular/trapezoidal, diagonal >= 0) and, with\n"
    "--mode economic, Q (m x min(m,n), orthonormal columns) under GROUP of OUT.\n"
    "With --pivot, column-pivoted QR A[:, perm] = Q R (as scipy.linalg.qr with\n"
    "pivoting=True) that reveals the numerical rank: also writes perm (n, int64,\n"
    "0-based) and rank (int64 scalar).\n\n"
    "Options:\n"
    "  -i FILE[:/PATH]    the matrix A\n"
    "      --mode r       write R only (default)\n"
    "      --mode economic  write R and the explicit economic Q\n"
    "      --solver auto  TSQR when m >= 16 n, Householder otherwise (default)\n"
    "      --solver householder  ScaLAPACK p?geqrf (+ p?orgqr for Q)\n"
    "      --solver tsqr  communication-avoiding tall-skinny QR (needs m >= n)\n"
    "      --pivot        column-pivoted QR (ScaLAPACK p?geqpf, LAPACK ?geqp3 on one\n"
    "                     process); |diag(R)| is non-increasing.  Level-2 BLAS:\n"
    "                     several times slower than the default\n"
    "      --tol T        with --pivot: rank = #{k : |R_kk| > T |R_00|}\n"
    "                     (default max(m, n) eps, as numpy.linalg.matrix_rank)\n"
    "      --check        report ||A - QR||_1 / (||A||_1 max(m,n) eps) and\n"
    "                     ||I - Q^T Q||_1 / (max(m,n) eps) (A[:, perm] with --pivot)\n"
    "Without --grid a tall-skinny A (m >= 4 n) runs on a P x 1 grid of row panels.\n"
    "Default block size: " CLI_STR(CLI_QR_BLOCK) ".\n";

typedef struct {
    const char *input;
    int economic, check, pivot, solver_set, tol_set;
    double tol;
    pla_qr_method method;
} qr_args;

enum { OPT_IN, OPT_MODE, OPT_SOLVER, OPT_CHECK, OPT_PIVOT, OPT_TOL };

static const cli_option qr_options[] = {
    { "input", 'i', 1, OPT_IN },
    { "mode", 0, 1, OPT_MODE },
    { "solver", 0, 1, OPT_SOLVER },
    { "check", 0, 0, OPT_CHECK },
    { "pivot", 0, 0, OPT_PIVOT },
    { "tol", 0, 1, OPT_TOL },
    { NULL, 0, 0, 0 },
};

static pla_err qr_option(void *state, const cli_option *opt, const char *value, cli_msg *msg)
{
    qr_args *a = state;
    switch (opt->id) {
    case OPT_IN: a->input = value; break;
    case OPT_MODE: return cli_qr_mode_parse(value, &a->economic, msg);
    case OPT_PIVOT: a->pivot = 1; break;
    case OPT_TOL: {
        pla_err err = cli_parse_f64("--tol", value, &a->tol, msg);
        if (err == PLA_OK && !(a->tol > 0 && a->tol < 1))
            err = cli_fail(msg, PLA_ERR_ARG, "--tol must be in (0, 1), got '%s'", value);
        a->tol_set = 1;
        return err;
    }
    case OPT_SOLVER:
        a->solver_set = 1;
        if (strcmp(value, "auto") == 0) a->method = PLA_QR_AUTO;
        else if (strcmp(value, "householder") == 0) a->method = PLA_QR_HOUSEHOLDER;
        else if (strcmp(value, "tsqr") == 0) a->method = PLA_QR_TSQR;
        else return cli_fail(msg, PLA_ERR_ARG, "--solver must be auto, householder or tsqr, got '%s'", value);
        break;
    case OPT_CHECK: a->check = 1; break;
    default: break;
    }
    return PLA_OK;
}

static const cli_spec qr_spec = { "qr", qr_options, qr_option, NULL };

typedef struct {
    cli_name in, out;
    pla_h5_dset_info info;
    int64_t m, n, block;
    char r_path[4800], q_path[4800], perm_path[4800];
} qr_plan;

/* The scaled residuals of the factorization (DESIGN.md section 3). */
static pla_err qr_checks(pla_ctx *ctx, const pla_mat *A, const pla_mat *Q, const pla_mat *R, double *resid,
                         double *orth)
{
    pla_err err = PLA_OK;
    pla_mat *D = NULL, *E = NULL;
    const int64_t m = pla_mat_rows(A), n = pla_mat_cols(A), k = pla_mat_cols(Q), mx = m > n ? m : n;
    const double eps = pla_mat_dtype(A) == PLA_F32 ? FLT_EPSILON / 2 : DBL_EPSILON / 2;
    double na = 0, nd = 0, ne = 0;
    CLI_TRY(pla_mat_dup(A, &D));
    CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_NOTRANS, -1.0, Q, R, 1.0, D));
    CLI_TRY(pla_norm(PLA_NORM_ONE, D, &nd));
    CLI_TRY(pla_norm(PLA_NORM_ONE, A, &na));
    *resid = nd / ((na > 0 ? na : 1.0) * (double)mx * eps);
    CLI_TRY(pla_mat_create(ctx, pla_mat_dtype(A), k, k, 0, 0, &E));
    CLI_TRY(pla_gemm(PLA_TRANS, PLA_NOTRANS, 1.0, Q, Q, 0.0, E));
    void *data;
    int64_t lld, ml, nl;
    pla_mat_local(E, &data, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl)  /* E := Q^T Q - I */
        for (int64_t il = 0; il < ml; ++il)
            if (pla_mat_row_l2g(E, il) == pla_mat_col_l2g(E, jl)) {
                if (pla_mat_dtype(E) == PLA_F64) ((double *)data)[il + jl * lld] -= 1.0;
                else ((float *)data)[il + jl * lld] -= 1.0f;
            }
    CLI_TRY(pla_norm(PLA_NORM_ONE, E, &ne));
    *orth = ne / ((double)mx * eps);
done:
    pla_mat_destroy(&D);
    pla_mat_destroy(&E);
    return err;
}

static pla_err run(cli_report *rep, pla_ctx **pctx, const qr_args *a, const cli_common *opt, qr_plan *p)
{
    pla_err err = PLA_OK;
    pla_h5_out *out = NULL;
    pla_mat *A = NULL, *R = NULL, *Q = NULL, *AP = NULL;
    double resid = -1, orth = -1, t, avail = 0;
    int64_t *perm = NULL, rank = 0;
    pla_ctx *ctx = *pctx;
    cli_mem_plan mem;

    CLI_TRY(cli_inspect_matrix(ctx, &p->in, &p->info));
    p->m = p->info.dims[0];
    p->n = p->info.dims[1];
    CLI_TRY(cli_prefer_row_grid(opt, p->block, p->m >= 4 * p->n, pctx));
    ctx = *pctx;
    report_context(rep, ctx, p->block, opt->dtype);
    report_matrix(rep, "inputs", "A", p->in.display, p->m, p->n, p->info.type);
    /* the method AUTO takes depends only on the shape */
    pla_qr_method method = a->method;
    if (method == PLA_QR_AUTO)
        method = pla_qr_choose_shape(p->m, p->n);
    const cli_qr_what what = { a->economic, a->pivot, a->check, method };
    const double tol = a->tol_set ? a->tol
                                  : (double)(p->m > p->n ? p->m : p->n) * (opt->dtype == PLA_F32 ? FLT_EPSILON : DBL_EPSILON);
    cli_qr_memory(ctx, p->m, p->n, p->block, pla_dtype_size(opt->dtype), &what, &mem);
    CLI_TRY(cli_mem_check(ctx, &mem, &avail));
    if (a->pivot) {
        perm = calloc((size_t)(p->n > 0 ? p->n : 1), sizeof *perm);
        CLI_TRY(pla_ctx_agree(ctx, perm ? PLA_OK : pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory")));
    }

    const char *group = p->out.path[0] ? p->out.path : "/";
    CLI_TRY(pla_h5_out_open(ctx, p->out.file, group, opt->force, &out));
    CLI_TRY(pla_h5_out_reserve(out, "R"));
    if (a->economic)
        CLI_TRY(pla_h5_out_reserve(out, "Q"));
    if (a->pivot) {
        CLI_TRY(pla_h5_out_reserve(out, "perm"));
        CLI_TRY(pla_h5_out_reserve(out, "rank"));
    }

    t = pla_wtime();
    report_progress(rep, "reading A = %s (%lldx%lld)", p->in.display, (long long)p->m, (long long)p->n);
    CLI_TRY(pla_h5_read(ctx, p->in.file, p->in.path, opt->dtype, p->block, p->block, &A));
    report_phase(rep, "read", pla_wtime() - t);

    if (!a->pivot)
        method = a->method == PLA_QR_AUTO ? pla_qr_choose(A) : a->method;
    const char *solver = a->pivot ? "pivoted" : pla_qr_method_name(method);
    report_progress(rep, "factoring (%s)", solver);
    t = pla_wtime();
    if (a->pivot)
        CLI_TRY(pla_qr_pivoted(A, tol, &R, a->economic || a->check ? &Q : NULL, perm, &rank));
    else
        CLI_TRY(pla_qr(A, method, &R, a->economic || a->check ? &Q : NULL));
    report_phase(rep, "compute", pla_wtime() - t);
    if (a->check) {
        t = pla_wtime();
        if (a->pivot) {  /* check A[:, perm] = Q R */
            CLI_TRY(pla_mat_create(ctx, opt->dtype, p->m, p->n, p->block, p->block, &AP));
            CLI_TRY(pla_col_permute(A, perm, AP));
        }
        CLI_TRY(qr_checks(ctx, a->pivot ? AP : A, Q, R, &resid, &orth));
        report_phase(rep, "check", pla_wtime() - t);
    }
    pla_mat_destroy(&AP);
    pla_mat_destroy(&A);

    t = pla_wtime();
    CLI_TRY(pla_h5_out_write_mat(out, "R", R, opt->dtype));
    if (a->economic)
        CLI_TRY(pla_h5_out_write_mat(out, "Q", Q, opt->dtype));
    if (a->pivot) {
        CLI_TRY(pla_h5_out_write_ivec(out, "perm", perm, p->n));
        CLI_TRY(pla_h5_out_write_ivec(out, "rank", &rank, -1));
    }
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_attrs(rep, out, ctx, p->block, opt->dtype));
    CLI_TRY(pla_h5_out_attr_str(out, "input", p->in.display));
    CLI_TRY(pla_h5_out_attr_str(out, "mode", a->economic ? "economic" : "r"));
    CLI_TRY(pla_h5_out_attr_str(out, "solver", solver));
    if (a->pivot)
        CLI_TRY(pla_h5_out_attr_f64(out, "tol", tol));
    if (a->check) {
        CLI_TRY(pla_h5_out_attr_f64(out, "check_residual", resid));
        CLI_TRY(pla_h5_out_attr_f64(out, "check_orthogonality", orth));
    }
    CLI_TRY(report_write_elapsed(rep, out, ctx));
    CLI_TRY(pla_h5_out_commit(&out));

    double compute_s = 0;
    CLI_TRY(report_agree_phases(rep, ctx, "compute", &compute_s));
    const int64_t k = p->m < p->n ? p->m : p->n;
    /* Householder flop count of R (and of forming Q) */
    double flops = 2.0 * (double)p->n * (double)p->n * ((double)p->m - (double)p->n / 3.0);
    if (p->m < p->n)
        flops = 2.0 * (double)p->m * (double)p->m * ((double)p->n - (double)p->m / 3.0);
    cJSON *root = report_json(rep);
    cJSON *par = cJSON_AddObjectToObject(root, "parameters");
    cJSON_AddStringToObject(par, "mode", a->economic ? "economic" : "r");
    cJSON_AddStringToObject(par, "solver", solver);
    cJSON_AddStringToObject(par, "solver_requested", a->pivot ? "pivoted" : pla_qr_method_name(a->method));
    if (a->pivot) {
        cJSON_AddNumberToObject(par, "tol", tol);
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(root, "results"), "rank", (double)rank);
        report_matrix(rep, "outputs", "perm", p->perm_path, p->n, -1, "int64");
    }
    cJSON_AddNumberToObject(root, "gflops_r", compute_s > 0 ? flops / compute_s * 1e-9 : 0.0);
    report_matrix(rep, "outputs", "R", p->r_path, k, p->n, pla_dtype_name(opt->dtype));
    if (a->economic)
        report_matrix(rep, "outputs", "Q", p->q_path, p->m, k, pla_dtype_name(opt->dtype));
    if (a->check) {
        cJSON *checks = cJSON_AddObjectToObject(root, "checks");
        cJSON_AddNumberToObject(checks, "factor_residual", resid);
        cJSON_AddNumberToObject(checks, "orthogonality", orth);
    }
    report_text(rep, 0, "pla qr: wrote %s%s%s (%s, %lldx%lld) in %.3f s", p->r_path, a->economic ? " and " : "",
                a->economic ? p->q_path : "", solver, (long long)p->m, (long long)p->n, compute_s);
    if (a->pivot)
        report_text(rep, 0, "  numerical rank %lld (|R_kk| > %.3g |R_00|), permutation in %s", (long long)rank, tol,
                    p->perm_path);
    if (a->check)
        report_text(rep, 0, "  ||A - QR|| / (||A|| max(m,n) eps) = %.3g, ||I - Q^T Q|| / (max(m,n) eps) = %.3g",
                    resid, orth);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&out);
    pla_mat_destroy(&A);
    pla_mat_destroy(&AP);
    pla_mat_destroy(&R);
    pla_mat_destroy(&Q);
    free(perm);
    return err;
}

typedef struct {
    qr_args a;
    qr_plan p;
} qr_state;

static pla_err qr_check(void *state, const cli_common *opt, int64_t *block, cli_msg *msg)
{
    qr_state *st = state;
    pla_err err = PLA_OK;
    if (st->a.input == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla qr needs an input: -i FILE[:/PATH]");
    if (opt->output == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla qr needs an output: -o FILE[:/GROUP]");
    if (st->a.pivot && st->a.solver_set)
        return cli_fail(msg, PLA_ERR_ARG, "--pivot runs column-pivoted QR: --solver does not apply");
    if (st->a.tol_set && !st->a.pivot)
        return cli_fail(msg, PLA_ERR_ARG, "--tol sets the rank tolerance of --pivot");
    if ((err = cli_split_name("-i", st->a.input, &st->p.in, msg)) != PLA_OK ||
        (err = cli_split_name("-o", opt->output, &st->p.out, msg)) != PLA_OK)
        return err;
    *block = st->p.block = opt->block > 0 ? opt->block : CLI_QR_BLOCK;
    cli_output_path(st->p.r_path, sizeof st->p.r_path, &st->p.out, "R");
    cli_output_path(st->p.q_path, sizeof st->p.q_path, &st->p.out, "Q");
    cli_output_path(st->p.perm_path, sizeof st->p.perm_path, &st->p.out, "perm");
    return PLA_OK;
}

static pla_err qr_run(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block)
{
    qr_state *st = state;
    (void)block;
    return run(rep, ctx, &st->a, opt, &st->p);
}

int cmd_qr(int argc, char **argv)
{
    static qr_state state;  /* large name buffers: off the stack */
    static const cli_command command = { "qr", qr_help, &qr_spec, qr_check, qr_run };
    memset(&state, 0, sizeof state);
    state.a.method = PLA_QR_AUTO;
    return cli_main(&command, &state, argc, argv);
}
