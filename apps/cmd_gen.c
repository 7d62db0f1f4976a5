/* pla gen: random matrices written in parallel, the same for any rank count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "command.h"
#include "commands.h"
#include "gen_regression.h"
#include "gen_spectrum.h"
#include "gen_symmetric.h"
#include "gen_values.h"

static const char gen_help[] =
    "usage: [mpirun -n P] pla gen [--kind random] [--dist uniform|normal] --rows M --cols N\n"
    "                             [--seed S] [--dtype T] -o FILE[:/PATH]\n"
    "       [mpirun -n P] pla gen --kind regression --rows M --cols N [--targets R]\n"
    "                             [--noise S] [--bias B] [--seed S] -o FILE[:/GROUP]\n"
    "       [mpirun -n P] pla gen --kind symmetric --eigenvalues SPEC [--rows N]\n"
    "                             [--seed S] [--dtype T] -o FILE[:/GROUP]\n"
    "       [mpirun -n P] pla gen --kind spectrum --singular-values SPEC --rows M\n"
    "                             --cols N [--seed S] [--dtype T] -o FILE[:/GROUP]\n\n"
    "Writes an M x N random matrix as dataset PATH of FILE (default /X; groups on\n"
    "the way are created).  Here -o names the dataset itself, not a group.  Every\n"
    "entry is a function of (seed, row, column) only: the same seed gives the same\n"
    "file for every rank count, grid, block size and thread count.\n\n"
    "Options:\n"
    "      --kind random     a random matrix (default)\n"
    "      --kind regression a least-squares problem with known coefficients: under\n"
    "                        GROUP (-o names the group here) X (M x N, normal),\n"
    "                        coef (N x R, normal), y = X coef + B + S noise (a\n"
    "                        vector when R = 1, else M x R) and intercept (R)\n"
    "      --targets R       regression: number of targets (default 1)\n"
    "      --noise S         regression: standard deviation of the noise (default 0)\n"
    "      --bias B          regression: intercept added to y (default 0)\n"
    "      --kind symmetric  a symmetric matrix with known eigenvalues: under GROUP\n"
    "                        (-o names the group here) A = Q diag(w) Q^T (N x N,\n"
    "                        Q from the QR of a seeded normal matrix, exactly\n"
    "                        symmetric) and eigenvalues (w, ascending as eigh)\n"
    "      --eigenvalues SPEC symmetric: the eigenvalues, as a list 3,1,2 (v*k repeats\n"
    "                        v k times, for clusters), linear:LO:HI (N evenly\n"
    "                        spaced) or geometric:FIRST:RATIO (N values, decay for\n"
    "                        RATIO < 1); N is --rows, or the list's length\n"
    "      --kind spectrum   a matrix with known singular values: under GROUP (-o\n"
    "                        names the group here) A = U diag(s) V^T (M x N; U, V\n"
    "                        with orthonormal columns from the QR of seeded normal\n"
    "                        matrices) and singular_values (s, descending as\n"
    "                        numpy.linalg.svd); a tall or wide A runs on a P x 1\n"
    "                        grid unless --grid is given\n"
    "      --singular-values SPEC spectrum: the K = min(M, N) values s_i, i = 0..K-1,\n"
    "                        all >= 0: a list 3,2,1 of K values (v*k repeats v k\n"
    "                        times), linear:HI:LO (K evenly spaced),\n"
    "                        geometric:FIRST:RATIO (FIRST RATIO^i),\n"
    "                        poly:FIRST:POWER (FIRST (1+i)^-POWER) or\n"
    "                        lowrank:R:NOISE (1 for i < R, NOISE for i >= R;\n"
    "                        R a whole number <= K, 0 <= NOISE <= 1)\n"
    "      --dist uniform    entries uniform on [0, 1) (default)\n"
    "      --dist normal     entries standard normal\n"
    "      --rows M          number of rows (M >= 1)\n"
    "      --cols N          number of columns (N >= 1)\n"
    "The attributes of the output group record the kind, the shape, the seed and\n"
    "the kind's parameters (dist; targets, noise, bias; the SPEC).\n"
    "Default block size: " CLI_STR(CLI_GEN_BLOCK) " (the random kind's file does not depend on it,\n"
    "the other kinds' files only up to rounding).\n";

typedef struct {
    const char *kind;
    pla_dist dist;
    int64_t rows, cols;
    gen_regression_args reg;
    const char *eigenvalues;      /* symmetric: the SPEC */
    const char *singular_values;  /* spectrum: the SPEC */
    double *w;                    /* the SPEC's values (gen_values_parse) */
    int64_t n;
} gen_args;

enum {
    OPT_KIND, OPT_DIST, OPT_ROWS, OPT_COLS, OPT_TARGETS, OPT_NOISE, OPT_BIAS, OPT_EIGENVALUES,
    OPT_SINGULAR_VALUES
};

static const cli_option gen_options[] = {
    { "kind", 0, 1, OPT_KIND },
    { "dist", 0, 1, OPT_DIST },
    { "rows", 0, 1, OPT_ROWS },
    { "cols", 0, 1, OPT_COLS },
    { "targets", 0, 1, OPT_TARGETS },
    { "noise", 0, 1, OPT_NOISE },
    { "bias", 0, 1, OPT_BIAS },
    { "eigenvalues", 0, 1, OPT_EIGENVALUES },
    { "singular-values", 0, 1, OPT_SINGULAR_VALUES },
    { NULL, 0, 0, 0 },
};

static pla_err gen_option(void *state, const cli_option *opt, const char *value, cli_msg *msg)
{
    gen_args *g = state;
    const int64_t max_dim = (int64_t)1 << 31;  /* ScaLAPACK indexes with 32-bit ints */
    switch (opt->id) {
    case OPT_KIND:
        if (strcmp(value, "random") != 0 && strcmp(value, "regression") != 0 && strcmp(value, "symmetric") != 0
            && strcmp(value, "spectrum") != 0)
            return cli_fail(msg, PLA_ERR_ARG,
                            "--kind must be random, spectrum, symmetric or regression, got '%s'", value);
        g->kind = value;
        break;
    case OPT_DIST:
        if (strcmp(value, "uniform") == 0)
            g->dist = PLA_UNIFORM;
        else if (strcmp(value, "normal") == 0)
            g->dist = PLA_NORMAL;
        else
            return cli_fail(msg, PLA_ERR_ARG, "--dist must be uniform or normal, got '%s'", value);
        break;
    case OPT_ROWS: return cli_parse_i64("--rows", value, 1, max_dim - 1, &g->rows, msg);
    case OPT_COLS: return cli_parse_i64("--cols", value, 1, max_dim - 1, &g->cols, msg);
    case OPT_TARGETS: return cli_parse_i64("--targets", value, 1, max_dim - 1, &g->reg.targets, msg);
    case OPT_NOISE: {
        pla_err err = cli_parse_f64("--noise", value, &g->reg.noise, msg);
        if (err == PLA_OK && !(g->reg.noise >= 0))
            err = cli_fail(msg, PLA_ERR_ARG, "--noise must be >= 0, got '%s'", value);
        return err;
    }
    case OPT_BIAS: return cli_parse_f64("--bias", value, &g->reg.bias, msg);
    case OPT_EIGENVALUES: g->eigenvalues = value; break;
    case OPT_SINGULAR_VALUES: g->singular_values = value; break;
    default: break;
    }
    return PLA_OK;
}

static const cli_spec gen_spec = { "gen", gen_options, gen_option, NULL };

typedef struct {
    cli_name file;   /* the file and its group (-o names the dataset) */
    char name[512];  /* the dataset's name inside the group */
    char target[4800];
    int64_t block;
} gen_plan;

/* "/a/b/X" -> group "/a/b", name "X"; "" -> "/X". */
static pla_err split_dataset(const cli_common *opt, gen_plan *p, cli_msg *msg)
{
    pla_err err = cli_split_name("-o", opt->output, &p->file, msg);
    if (err != PLA_OK)
        return err;
    char path[512];
    snprintf(path, sizeof path, "%s", p->file.path[0] ? p->file.path : "/X");
    char *slash = strrchr(path, '/');
    if (path[0] != '/' || slash[1] == '\0')
        return cli_fail(msg, PLA_ERR_ARG, "-o needs FILE:/PATH naming a dataset, got '%s'", opt->output);
    snprintf(p->name, sizeof p->name, "%s", slash + 1);
    if (slash == path)
        slash[1] = '\0';  /* the root group "/" */
    else
        slash[0] = '\0';
    cli_set_path(&p->file, path);
    cli_output_path(p->target, sizeof p->target, &p->file, p->name);
    return PLA_OK;
}

static pla_err check_usage(gen_args *g, const cli_common *opt, gen_plan *p, cli_msg *msg)
{
    const int symmetric = strcmp(g->kind, "symmetric") == 0, spectrum = strcmp(g->kind, "spectrum") == 0;
    if (g->eigenvalues != NULL && !symmetric)
        return cli_fail(msg, PLA_ERR_ARG, "--eigenvalues goes with --kind symmetric");
    if (g->singular_values != NULL && !spectrum)
        return cli_fail(msg, PLA_ERR_ARG, "--singular-values goes with --kind spectrum");
    if (spectrum) {
        if (g->singular_values == NULL)
            return cli_fail(msg, PLA_ERR_ARG, "--kind spectrum needs --singular-values SPEC");
        if (g->rows == 0 || g->cols == 0)
            return cli_fail(msg, PLA_ERR_ARG, "--kind spectrum needs the shape: --rows M --cols N");
        if (g->reg.targets != 1 || g->reg.noise != 0.0 || g->reg.bias != 0.0)
            return cli_fail(msg, PLA_ERR_ARG, "--targets, --noise and --bias go with --kind regression");
        if (opt->output == NULL)
            return cli_fail(msg, PLA_ERR_ARG, "pla gen needs an output: -o FILE[:/GROUP]");
        p->block = opt->block > 0 ? opt->block : CLI_GEN_BLOCK;
        const int64_t k = g->rows < g->cols ? g->rows : g->cols;
        pla_err err = gen_values_parse(GEN_SINGULAR_VALUES, g->singular_values, k, &g->w, &g->n, msg);
        return err != PLA_OK ? err : cli_split_name("-o", opt->output, &p->file, msg);
    }
    if (symmetric) {
        if (g->eigenvalues == NULL)
            return cli_fail(msg, PLA_ERR_ARG, "--kind symmetric needs --eigenvalues SPEC");
        if (g->cols != 0 && g->cols != g->rows)
            return cli_fail(msg, PLA_ERR_ARG, "a symmetric matrix is square: --cols must equal --rows");
        if (opt->output == NULL)
            return cli_fail(msg, PLA_ERR_ARG, "pla gen needs an output: -o FILE[:/GROUP]");
        p->block = opt->block > 0 ? opt->block : CLI_GEN_BLOCK;
        pla_err err = gen_values_parse(GEN_EIGENVALUES, g->eigenvalues, g->rows, &g->w, &g->n, msg);
        return err != PLA_OK ? err : cli_split_name("-o", opt->output, &p->file, msg);
    }
    if (g->rows == 0 || g->cols == 0)
        return cli_fail(msg, PLA_ERR_ARG, "pla gen needs the shape: --rows M --cols N");
    if (opt->output == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla gen needs an output: -o FILE[:/PATH]");
    p->block = opt->block > 0 ? opt->block : CLI_GEN_BLOCK;
    if (strcmp(g->kind, "regression") == 0)  /* -o names the group of X, y, coef, intercept */
        return cli_split_name("-o", opt->output, &p->file, msg);
    if (g->reg.targets != 1 || g->reg.noise != 0.0 || g->reg.bias != 0.0)
        return cli_fail(msg, PLA_ERR_ARG, "--targets, --noise and --bias go with --kind regression");
    return split_dataset(opt, p, msg);
}

static pla_err run(cli_report *rep, pla_ctx *ctx, const gen_args *g, const cli_common *opt, const gen_plan *p)
{
    pla_err err = PLA_OK;
    pla_h5_out *out = NULL;
    pla_mat *X = NULL;
    const char *dist = g->dist == PLA_NORMAL ? "normal" : "uniform";

    CLI_TRY(pla_h5_out_open(ctx, p->file.file, p->file.path, opt->force, &out));
    CLI_TRY(pla_h5_out_reserve(out, p->name));

    report_progress(rep, "generating a %lldx%lld %s matrix", (long long)g->rows, (long long)g->cols, dist);
    double t = pla_wtime();
    CLI_TRY(pla_mat_create(ctx, opt->dtype, g->rows, g->cols, p->block, p->block, &X));
    CLI_TRY(pla_ctx_agree(ctx, pla_mat_fill_random(X, g->dist, opt->seed, 0)));
    report_phase(rep, "generate", pla_wtime() - t);

    report_progress(rep, "writing %s", p->target);
    t = pla_wtime();
    CLI_TRY(pla_h5_out_write_mat(out, p->name, X, opt->dtype));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_attrs(rep, out, ctx, p->block, opt->dtype));
    CLI_TRY(pla_h5_out_attr_str(out, "kind", "random"));
    CLI_TRY(pla_h5_out_attr_str(out, "dist", dist));
    CLI_TRY(pla_h5_out_attr_i64(out, "rows", g->rows));
    CLI_TRY(pla_h5_out_attr_i64(out, "cols", g->cols));
    CLI_TRY(pla_h5_out_attr_i64(out, "seed", (int64_t)opt->seed));
    CLI_TRY(report_write_elapsed(rep, out, ctx));
    CLI_TRY(pla_h5_out_commit(&out));
    CLI_TRY(report_agree_phases(rep, ctx, NULL, NULL));

    cJSON *par = cJSON_AddObjectToObject(report_json(rep), "parameters");
    cJSON_AddStringToObject(par, "kind", "random");
    cJSON_AddStringToObject(par, "dist", dist);
    cJSON_AddNumberToObject(par, "seed", (double)opt->seed);
    report_matrix(rep, "outputs", p->name, p->target, g->rows, g->cols, pla_dtype_name(opt->dtype));
    report_text(rep, 0, "pla gen: wrote %s (%lldx%lld %s, %s, seed %llu)", p->target, (long long)g->rows,
                (long long)g->cols, pla_dtype_name(opt->dtype), dist, (unsigned long long)opt->seed);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&out);
    pla_mat_destroy(&X);
    return err;
}

typedef struct {
    gen_args g;
    gen_plan p;
} gen_state;

static pla_err gen_check(void *state, const cli_common *opt, int64_t *block, cli_msg *msg)
{
    gen_state *st = state;
    pla_err err = check_usage(&st->g, opt, &st->p, msg);
    *block = st->p.block;
    return err;
}

static pla_err gen_run(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block)
{
    gen_state *st = state;
    if (strcmp(st->g.kind, "spectrum") == 0)  /* may change the grid: reports its context itself */
        return gen_spectrum(rep, ctx, st->g.singular_values, st->g.w, st->g.rows, st->g.cols, opt, &st->p.file,
                            block);
    report_context(rep, *ctx, block, opt->dtype);
    if (strcmp(st->g.kind, "symmetric") == 0)
        return gen_symmetric(rep, *ctx, st->g.eigenvalues, st->g.w, st->g.n, opt, &st->p.file, block);
    if (strcmp(st->g.kind, "regression") != 0)
        return run(rep, *ctx, &st->g, opt, &st->p);
    st->g.reg.rows = st->g.rows;
    st->g.reg.cols = st->g.cols;
    return gen_regression(rep, *ctx, &st->g.reg, opt, &st->p.file, block);
}

int cmd_gen(int argc, char **argv)
{
    static gen_state state;  /* large name buffers: off the stack */
    static const cli_command command = { "gen", gen_help, &gen_spec, gen_check, gen_run };
    memset(&state, 0, sizeof state);
    state.g = (gen_args){ .kind = "random", .dist = PLA_UNIFORM, .reg = { .targets = 1 } };
    int status = cli_main(&command, &state, argc, argv);
    free(state.g.w);
    return status;
}
