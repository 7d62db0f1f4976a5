/* pla pca: principal component analysis of a data matrix in an HDF5 file
   with scikit-learn's conventions; with --model, the use of a fitted model
   (pca_apply.c). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "pca_cli.h"
#include "solver_plans.h"

static const char pca_help[] =
    "usage: [mpirun -n P] pla pca -i X [-k K | --variance F] [--solver auto|full|randomized|covariance]\n"
    "                             [--scale] [--whiten] [--scores] [--sketch krylov|subspace]\n"
    "                             [--oversample P] [--power-iters Q] [--tol T] [--seed S] -o OUT[:/GROUP]\n"
    "       [mpirun -n P] pla pca --model FIT[:/GROUP] -i X --scores -o OUT[:/GROUP]\n"
    "       [mpirun -n P] pla pca --model FIT[:/GROUP] --inverse -i SCORES -o OUT[:/GROUP]\n\n"
    "Principal component analysis of X (m samples as rows, n features as columns)\n"
    "as scikit-learn's PCA: X is centered by its column means (and, with --scale,\n"
    "divided by the population standard deviation, as StandardScaler).  Writes under\n"
    "GROUP of OUT, named as PCA's attributes:\n"
    "  components (k x n, the principal axes as rows), explained_variance (k),\n"
    "  explained_variance_ratio (k), singular_values (k), mean (n), scale (n, with\n"
    "  --scale), noise_variance (scalar), scores (m x k, with --scores)\n"
    "explained_variance = singular_values^2 / (m - 1); the ratio is to the total\n"
    "variance computed exactly from the data.  Signs: the largest-magnitude score of\n"
    "each component is positive (scikit-learn 1.2's svd_flip).\n"
    "With --model, the fitted model in FIT is applied to new data X (n columns):\n"
    "--scores writes scores = ((X - mean) / scale) @ components.T (PCA.transform);\n"
    "--inverse maps SCORES (m x k) back: X = SCORES @ components * scale + mean.\n\n"
    "Options:\n"
    "  -i FILE[:/PATH]    the data X (or, with --inverse, the scores)\n"
    "  -k K               keep K components, 1 <= K <= min(m, n) (default: all)\n"
    "      --variance F   keep the fewest components whose explained variance ratios\n"
    "                     add up to more than F, 0 < F < 1 (PCA(n_components=F))\n"
    "      --solver auto  covariance when m >= n and n <= " CLI_STR(PLA_PCA_COVARIANCE_MAX_N)
    "; else randomized when\n"
    "                     K is small (min(m, n) >= 24 (K + 10)); else full (--json says why)\n"
    "      --solver full  the SVD of the centered X (pla svd's full method): exact\n"
    "      --solver covariance  X^T X / (m - 1) (?syrk), then its K largest eigenpairs\n"
    "                     (pla eig): exact to about eps times the largest variance\n"
    "      --solver randomized  the K largest singular triplets of the centered X by a\n"
    "                     sketching method (pla svd -k K); with --variance, K grows\n"
    "                     (32, 64, ...) until the fraction is reached\n"
    "      --sketch krylov|subspace  randomized: block Krylov (default) or subspace\n"
    "                     iteration (scikit-learn's randomized_svd)\n"
    "      --oversample P, --power-iters Q, --tol T, --seed S  randomized: as pla svd\n"
    "      --scale        divide each centered column by its standard deviation\n"
    "                     (constant columns are left as they are, as StandardScaler)\n"
    "      --whiten       scores divided by sqrt(explained_variance)\n"
    "      --scores       write the scores (the centered X projected on the components)\n"
    "      --model FIT[:/GROUP]  apply the model that pla pca wrote to FIT\n"
    "      --inverse      with --model: scores back to the data space (writes X)\n"
    "Without --grid a tall X (m >= 4 n) runs on a P x 1 grid of row panels.\n"
    "Default block size: " CLI_STR(CLI_PCA_BLOCK) ".  See docs/pca.md.\n";

enum {
    OPT_IN, OPT_K, OPT_VARIANCE, OPT_SOLVER, OPT_SCALE, OPT_WHITEN, OPT_SCORES, OPT_MODEL, OPT_INVERSE,
    OPT_SKETCH, OPT_OVERSAMPLE, OPT_POWER, OPT_TOL
};

static const cli_option pca_options[] = {
    { "input", 'i', 1, OPT_IN },
    { NULL, 'k', 1, OPT_K },
    { "variance", 0, 1, OPT_VARIANCE },
    { "solver", 0, 1, OPT_SOLVER },
    { "scale", 0, 0, OPT_SCALE },
    { "whiten", 0, 0, OPT_WHITEN },
    { "scores", 0, 0, OPT_SCORES },
    { "model", 0, 1, OPT_MODEL },
    { "inverse", 0, 0, OPT_INVERSE },
    { "sketch", 0, 1, OPT_SKETCH },
    { "oversample", 0, 1, OPT_OVERSAMPLE },
    { "power-iters", 0, 1, OPT_POWER },
    { "tol", 0, 1, OPT_TOL },
    { NULL, 0, 0, 0 },
};

static pla_err pca_option(void *state, const cli_option *opt, const char *value, cli_msg *msg)
{
    pca_args *a = state;
    pla_err err = PLA_OK;
    switch (opt->id) {
    case OPT_IN: a->input = value; break;
    case OPT_K:
        a->k_set = 1;
        err = cli_parse_i64("-k", value, INT64_MIN, INT64_MAX, &a->o.k, msg);
        if (err == PLA_OK && a->o.k < 1)
            err = cli_fail(msg, PLA_ERR_ARG, "-k must be at least 1 (the number of components), got '%s'", value);
        break;
    case OPT_VARIANCE:
        a->variance_set = 1;
        err = cli_parse_f64("--variance", value, &a->o.variance, msg);
        if (err == PLA_OK && !(a->o.variance > 0 && a->o.variance < 1))
            err = cli_fail(msg, PLA_ERR_ARG,
                           "--variance must be in (0, 1) (the fraction of the total variance to explain), got '%s'",
                           value);
        break;
    case OPT_SOLVER: a->solver_set = 1; err = cli_pca_solver_parse(value, &a->o.solver, msg); break;
    case OPT_SCALE: a->o.scale = 1; break;
    case OPT_WHITEN: a->o.whiten = 1; break;
    case OPT_SCORES: a->scores = 1; break;
    case OPT_MODEL: a->model = value; break;
    case OPT_INVERSE: a->inverse = 1; break;
    case OPT_SKETCH:
        a->sketch_set = 1;
        if (strcmp(value, "krylov") == 0) a->o.sketch = PLA_SVD_KRYLOV;
        else if (strcmp(value, "subspace") == 0) a->o.sketch = PLA_SVD_RANDOMIZED;
        else err = cli_fail(msg, PLA_ERR_ARG, "--sketch must be krylov or subspace, got '%s'", value);
        break;
    case OPT_OVERSAMPLE: a->oversample_set = 1; err = cli_oversample_parse(value, &a->o.oversample, msg); break;
    case OPT_POWER: a->power_set = 1; err = cli_power_iters_parse(value, &a->o.power_iters, msg); break;
    case OPT_TOL: a->tol_set = 1; err = cli_tol_parse(value, &a->o.tol, msg); break;
    default: break;
    }
    return err;
}

static const cli_spec pca_spec = { "pca", pca_options, pca_option, NULL };

/* Why `solver` runs (for --json and -v). */
static const char *solver_reason(const pca_args *a, const pca_plan *p, pla_pca_solver solver, char *buf,
                                 size_t cap)
{
    if (a->o.solver != PLA_PCA_AUTO)
        snprintf(buf, cap, "requested with --solver %s", pla_pca_solver_name(a->o.solver));
    else if (solver == PLA_PCA_COVARIANCE)
        snprintf(buf, cap, "auto: m >= n and n = %lld <= %d: X^T X costs m n^2 flops at GEMM speed and its "
                 "eigenproblem is only n x n, the fastest exact route", (long long)p->n, PLA_PCA_COVARIANCE_MAX_N);
    else if (solver == PLA_PCA_RANDOMIZED)
        snprintf(buf, cap, "auto: %lld of min(m, n) = %lld components: the Krylov method's 12 passes over X cost "
                 "at most a quarter of the full SVD's QR", (long long)a->o.k, (long long)p->r);
    else
        snprintf(buf, cap, "auto: %s: the full SVD (exact)",
                 p->m < p->n ? "fewer samples than features (the covariance route would be n x n)"
                             : "more features than the covariance route takes");
    return buf;
}

/* The model's datasets and attributes. */
static pla_err write_model(pla_h5_out *out, const pca_args *a, const pca_plan *p, const pla_pca_model *md,
                           const pla_mat *scores, pla_dtype dt, const char *reason)
{
    pla_err err = PLA_OK;
    CLI_TRY(pla_h5_out_write_mat(out, "components", md->components, dt));
    CLI_TRY(pla_h5_out_write_vec(out, "explained_variance", md->explained_variance, md->k, dt));
    CLI_TRY(pla_h5_out_write_vec(out, "explained_variance_ratio", md->explained_variance_ratio, md->k, dt));
    CLI_TRY(pla_h5_out_write_vec(out, "singular_values", md->singular_values, md->k, dt));
    CLI_TRY(pla_h5_out_write_vec(out, "mean", md->mean, md->n, dt));
    if (md->scale)
        CLI_TRY(pla_h5_out_write_vec(out, "scale", md->scale, md->n, dt));
    CLI_TRY(pla_h5_out_write_vec(out, "noise_variance", &md->noise_variance, -1, dt));
    if (scores)
        CLI_TRY(pla_h5_out_write_mat(out, "scores", scores, dt));
    CLI_TRY(pla_h5_out_attr_str(out, "input", p->in.display));
    CLI_TRY(pla_h5_out_attr_str(out, "solver", pla_pca_solver_name(md->solver)));
    CLI_TRY(pla_h5_out_attr_str(out, "solver_requested", pla_pca_solver_name(a->o.solver)));
    CLI_TRY(pla_h5_out_attr_str(out, "solver_reason", reason));
    CLI_TRY(pla_h5_out_attr_i64(out, "k", md->k));
    CLI_TRY(pla_h5_out_attr_i64(out, "n_samples", md->m));
    CLI_TRY(pla_h5_out_attr_i64(out, "n_features", md->n));
    CLI_TRY(pla_h5_out_attr_i64(out, "whiten", md->whiten));
    CLI_TRY(pla_h5_out_attr_i64(out, "scale", md->scale != NULL));
    CLI_TRY(pla_h5_out_attr_f64(out, "total_variance", md->total_variance));
    if (a->variance_set)
        CLI_TRY(pla_h5_out_attr_f64(out, "variance", a->o.variance));
    if (md->scale)
        CLI_TRY(pla_h5_out_attr_i64(out, "constant_columns", md->constant_columns));
    if (md->solver == PLA_PCA_COVARIANCE)
        CLI_TRY(pla_h5_out_attr_str(out, "eigensolver", pla_eig_solver_name(md->eig_solver)));
    if (md->solver == PLA_PCA_RANDOMIZED) {
        CLI_TRY(pla_h5_out_attr_str(out, "sketch", pla_svd_method_name(md->svd.method)));
        CLI_TRY(pla_h5_out_attr_i64(out, "seed", (int64_t)a->o.seed));
        CLI_TRY(pla_h5_out_attr_i64(out, "oversample", a->o.oversample));
        CLI_TRY(pla_h5_out_attr_i64(out, "power_iters", md->svd.power_iters));
        if (a->tol_set)
            CLI_TRY(pla_h5_out_attr_f64(out, "tol", a->o.tol));
    }
done:
    return err;
}

static void report_fit(cli_report *rep, const pca_args *a, const pca_plan *p, const pla_pca_model *md,
                       const char *reason, pla_dtype dt, double compute_s)
{
    cJSON *root = report_json(rep);
    cJSON *par = cJSON_AddObjectToObject(root, "parameters");
    cJSON_AddStringToObject(par, "solver", pla_pca_solver_name(md->solver));
    cJSON_AddStringToObject(par, "solver_requested", pla_pca_solver_name(a->o.solver));
    cJSON_AddStringToObject(par, "solver_reason", reason);
    if (a->variance_set)
        cJSON_AddNumberToObject(par, "variance", a->o.variance);
    else
        cJSON_AddNumberToObject(par, "k", (double)(a->k_set ? a->o.k : p->r));
    cJSON_AddBoolToObject(par, "scale", a->o.scale);
    cJSON_AddBoolToObject(par, "whiten", a->o.whiten);
    if (md->solver == PLA_PCA_COVARIANCE)
        cJSON_AddStringToObject(par, "eigensolver", pla_eig_solver_name(md->eig_solver));
    if (md->solver == PLA_PCA_FULL)
        cJSON_AddStringToObject(par, "qr", md->svd.qr_tsqr ? "tsqr" : "householder");
    if (md->solver == PLA_PCA_RANDOMIZED) {
        cJSON_AddStringToObject(par, "sketch", md->svd.method == PLA_SVD_KRYLOV ? "krylov" : "subspace");
        cJSON_AddNumberToObject(par, "oversample", (double)a->o.oversample);
        cJSON_AddNumberToObject(par, "power_iters", md->svd.power_iters);
        cJSON_AddNumberToObject(par, "seed", (double)a->o.seed);
        if (a->tol_set)
            cJSON_AddNumberToObject(par, "tol", a->o.tol);
        if (a->variance_set)
            cJSON_AddNumberToObject(par, "k_tried", (double)md->k_tried);
    }
    cJSON *res = cJSON_AddObjectToObject(root, "results");
    cJSON_AddNumberToObject(res, "k", (double)md->k);
    cJSON_AddItemToObject(res, "explained_variance_ratio",
                          cJSON_CreateDoubleArray(md->explained_variance_ratio, (int)md->k));
    cJSON_AddItemToObject(res, "explained_variance", cJSON_CreateDoubleArray(md->explained_variance, (int)md->k));
    cJSON_AddItemToObject(res, "singular_values", cJSON_CreateDoubleArray(md->singular_values, (int)md->k));
    cJSON_AddNumberToObject(res, "noise_variance", md->noise_variance);
    cJSON_AddNumberToObject(res, "total_variance", md->total_variance);
    if (md->scale)
        cJSON_AddNumberToObject(res, "constant_columns", (double)md->constant_columns);
    if (md->solver == PLA_PCA_RANDOMIZED && a->tol_set)
        cJSON_AddBoolToObject(res, "converged", md->svd.converged);

    const char *names[] = { "components", "explained_variance", "explained_variance_ratio", "singular_values",
                            "mean", "scale", "noise_variance", "scores" };
    const int64_t rows[] = { md->k, md->k, md->k, md->k, md->n, md->n, 0, md->m };
    const int64_t cols[] = { md->n, -1, -1, -1, -1, -1, -1, md->k };
    for (int i = 0; i < 8; ++i) {
        char path[4800];
        if ((i == 5 && !md->scale) || (i == 7 && !a->scores))
            continue;
        cli_output_path(path, sizeof path, &p->out, names[i]);
        report_matrix(rep, "outputs", names[i], path, rows[i], cols[i], pla_dtype_name(dt));
    }

    double cum = 0.0;
    report_text(rep, 0, "pla pca: %lld component%s of %s (%lld samples x %lld features) by the %s solver in %.3f s; "
                "wrote the model%s under %s", (long long)md->k, md->k == 1 ? "" : "s", p->in.display,
                (long long)md->m, (long long)md->n, pla_pca_solver_name(md->solver), compute_s,
                a->scores ? " and scores" : "", p->group_path);
    report_text(rep, 0, "  component  explained variance ratio  cumulative");
    for (int64_t i = 0; i < md->k; ++i) {
        cum += md->explained_variance_ratio[i];
        if (i < 10 || i == md->k - 1)
            report_text(rep, 0, "  %9lld  %23.6f  %10.6f", (long long)i + 1, md->explained_variance_ratio[i], cum);
        else if (i == 10)
            report_text(rep, 0, "  %9s", "...");
    }
    report_text(rep, 0, "  noise variance %.6g; total variance %.6g", md->noise_variance, md->total_variance);
    report_text(rep, 1, "  solver %s: %s", pla_pca_solver_name(md->solver), reason);
}

static pla_err fit(cli_report *rep, pla_ctx **pctx, pca_args *a, const cli_common *opt, pca_plan *p)
{
    pla_err err = PLA_OK;
    pla_h5_out *out = NULL;
    pla_mat *X = NULL, *scores = NULL;
    pla_pca_model md = { 0 };
    pla_ctx *ctx = *pctx;
    double t, avail = 0;
    char reason[512];
    cli_mem_plan mem;

    CLI_TRY(cli_inspect_matrix(ctx, &p->in, &p->info));
    p->m = p->info.dims[0];
    p->n = p->info.dims[1];
    p->r = p->m < p->n ? p->m : p->n;
    CLI_TRY(cli_pca_check_shape(ctx, p->in.display, p->m, p->n, a->k_set ? a->o.k : 0));
    CLI_TRY(cli_prefer_row_grid(opt, p->block, p->m >= 4 * p->n, pctx));
    ctx = *pctx;
    report_context(rep, ctx, p->block, opt->dtype);
    report_matrix(rep, "inputs", "X", p->in.display, p->m, p->n, p->info.type);

    const pla_pca_solver solver =
        a->o.solver != PLA_PCA_AUTO ? a->o.solver : pla_pca_choose(p->m, p->n, a->variance_set ? 0 : a->o.k);
    solver_reason(a, p, solver, reason, sizeof reason);
    const cli_pca_what what = { solver, a->variance_set ? 0 : a->o.k, a->scores, a->o.sketch, a->o.oversample,
                                a->o.power_iters };
    cli_pca_memory(ctx, p->m, p->n, p->block, pla_dtype_size(opt->dtype), &what, &mem);
    CLI_TRY(cli_mem_check(ctx, &mem, &avail));

    static const char *const outputs[] = { "components", "explained_variance", "explained_variance_ratio",
                                           "singular_values", "mean", "noise_variance" };
    CLI_TRY(pla_h5_out_open(ctx, p->out.file, p->out.path[0] ? p->out.path : "/", opt->force, &out));
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; ++i)
        CLI_TRY(pla_h5_out_reserve(out, outputs[i]));
    if (a->o.scale)
        CLI_TRY(pla_h5_out_reserve(out, "scale"));
    if (a->scores)
        CLI_TRY(pla_h5_out_reserve(out, "scores"));

    t = pla_wtime();
    report_progress(rep, "reading X = %s (%lldx%lld)", p->in.display, (long long)p->m, (long long)p->n);
    CLI_TRY(pla_h5_read(ctx, p->in.file, p->in.path, opt->dtype, p->block, p->block, &X));
    report_phase(rep, "read", pla_wtime() - t);

    pla_pca_opts o = a->o;
    o.solver = solver;
    o.seed = a->o.seed = opt->seed;
    report_progress(rep, "fitting (%s solver)", pla_pca_solver_name(solver));
    t = pla_wtime();
    err = pla_pca_fit(X, &o, &md, a->scores ? &scores : NULL);
    CLI_TRY(err);
    report_phase(rep, "compute", pla_wtime() - t);
    pla_mat_destroy(&X);
    if (solver == PLA_PCA_RANDOMIZED && a->tol_set && !md.svd.converged)
        CLI_TRY(pla_ctx_fail(ctx, PLA_ERR_NUMERIC,
                             "--tol %.3g was not met after %d %s (the most --tol allows); try a larger --oversample",
                             a->o.tol, md.svd.power_iters,
                             md.svd.method == PLA_SVD_KRYLOV ? "Krylov steps after the first" : "power iterations"));
    if (md.constant_columns > 0)
        report_warning(rep, "%lld constant column%s of X left unscaled by --scale (scale 1, as StandardScaler)",
                       (long long)md.constant_columns, md.constant_columns == 1 ? "" : "s");

    t = pla_wtime();
    CLI_TRY(write_model(out, a, p, &md, scores, opt->dtype, reason));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_attrs(rep, out, ctx, p->block, opt->dtype));
    CLI_TRY(report_write_elapsed(rep, out, ctx));
    CLI_TRY(pla_h5_out_commit(&out));

    double compute_s = 0;
    CLI_TRY(report_agree_phases(rep, ctx, "compute", &compute_s));
    report_fit(rep, a, p, &md, reason, opt->dtype, compute_s);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&out);
    pla_mat_destroy(&X);
    pla_mat_destroy(&scores);
    pla_pca_model_free(&md);
    return err;
}

typedef struct {
    pca_args a;
    pca_plan p;
} pca_state;

/* Fit options do not apply to a fitted model, nor sketch options to the exact solvers. */
static pla_err check_combinations(const pca_args *a, cli_msg *msg)
{
    const int exact = a->solver_set && (a->o.solver == PLA_PCA_FULL || a->o.solver == PLA_PCA_COVARIANCE);
    const char *sketch_opt = a->tol_set ? "--tol" : a->oversample_set ? "--oversample" : a->power_set ? "--power-iters"
                             : a->sketch_set ? "--sketch" : NULL;
    if (a->k_set && a->variance_set)
        return cli_fail(msg, PLA_ERR_ARG, "-k and --variance both choose the number of components: give one");
    if (a->model) {
        const char *fit_opt = a->k_set ? "-k" : a->variance_set ? "--variance" : a->solver_set ? "--solver"
                              : a->o.scale ? "--scale" : a->o.whiten ? "--whiten" : sketch_opt;
        if (fit_opt)
            return cli_fail(msg, PLA_ERR_ARG, "%s is a fit option; with --model the fitted model decides it", fit_opt);
        if (a->scores == a->inverse)
            return cli_fail(msg, PLA_ERR_ARG,
                            "with --model, give --scores (transform new data) or --inverse (scores back to data)");
        return PLA_OK;
    }
    if (a->inverse)
        return cli_fail(msg, PLA_ERR_ARG, "--inverse needs a fitted model: --model FIT[:/GROUP]");
    if (exact && sketch_opt)
        return cli_fail(msg, PLA_ERR_ARG, "%s tunes the randomized solver: it does not apply to --solver %s",
                        sketch_opt, pla_pca_solver_name(a->o.solver));
    return PLA_OK;
}

static pla_err pca_check(void *state, const cli_common *opt, int64_t *block, cli_msg *msg)
{
    pca_state *st = state;
    pca_args *a = &st->a;
    pla_err err = PLA_OK;
    if (a->input == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla pca needs an input: -i FILE[:/PATH]");
    if (opt->output == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla pca needs an output: -o FILE[:/GROUP]");
    if ((err = check_combinations(a, msg)) != PLA_OK)
        return err;
    if ((err = cli_split_name("-i", a->input, &st->p.in, msg)) != PLA_OK ||
        (err = cli_split_name("-o", opt->output, &st->p.out, msg)) != PLA_OK ||
        (a->model && (err = cli_split_name("--model", a->model, &st->p.model, msg)) != PLA_OK))
        return err;
    *block = st->p.block = opt->block > 0 ? opt->block : CLI_PCA_BLOCK;
    snprintf(st->p.group_path, sizeof st->p.group_path, "%s:%s", st->p.out.file,
             st->p.out.path[0] ? st->p.out.path : "/");
    return PLA_OK;
}

static pla_err pca_run(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block)
{
    pca_state *st = state;
    (void)block;
    return st->a.model ? pca_apply(rep, ctx, &st->a, opt, &st->p) : fit(rep, ctx, &st->a, opt, &st->p);
}

int cmd_pca(int argc, char **argv)
{
    static pca_state state;  /* large name buffers: off the stack */
    static const cli_command command = { "pca", pca_help, &pca_spec, pca_check, pca_run };
    memset(&state, 0, sizeof state);
    state.a.o = pla_pca_defaults();
    return cli_main(&command, &state, argc, argv);
}
