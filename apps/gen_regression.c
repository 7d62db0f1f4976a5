/* pla gen --kind regression: X, coef, y = X coef + bias + noise, in parallel. */
#include <stdlib.h>
#include <string.h>
#include "gen_regression.h"

enum { STREAM_X = 0, STREAM_COEF = 1, STREAM_NOISE = 2 };
static const char *const names[] = { "X", "y", "coef", "intercept" };

pla_err gen_regression(cli_report *rep, pla_ctx *ctx, const gen_regression_args *g, const cli_common *opt,
                       const cli_name *out, int64_t block)
{
    pla_err err = PLA_OK;
    pla_h5_out *o = NULL;
    pla_mat *X = NULL, *C = NULL, *Y = NULL, *E = NULL;
    double *y = NULL, *bias = NULL;
    const pla_dtype dt = opt->dtype;
    const int64_t m = g->rows, n = g->cols, r = g->targets;

    CLI_TRY(pla_h5_out_open(ctx, out->file, out->path[0] ? out->path : "/", opt->force, &o));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        CLI_TRY(pla_h5_out_reserve(o, names[i]));

    double t = pla_wtime();
    report_progress(rep, "generating a %lldx%lld regression problem with %lld target(s)", (long long)m,
                    (long long)n, (long long)r);
    CLI_TRY(pla_mat_create(ctx, dt, m, n, block, block, &X));
    CLI_TRY(pla_mat_create(ctx, dt, n, r, block, block, &C));
    CLI_TRY(pla_mat_create(ctx, dt, m, r, block, block, &Y));
    CLI_TRY(pla_mat_create(ctx, dt, m, r, block, block, &E));
    CLI_TRY(pla_ctx_agree(ctx, pla_mat_fill_random(X, PLA_NORMAL, opt->seed, STREAM_X)));
    CLI_TRY(pla_ctx_agree(ctx, pla_mat_fill_random(C, PLA_NORMAL, opt->seed, STREAM_COEF)));
    CLI_TRY(pla_ctx_agree(ctx, pla_mat_fill_random(E, PLA_NORMAL, opt->seed, STREAM_NOISE)));
    CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, X, C, 0.0, Y));
    CLI_TRY(pla_ctx_agree(ctx, pla_add(g->noise, E, 1.0, Y)));
    bias = calloc((size_t)r, sizeof *bias);
    CLI_TRY(pla_ctx_agree(ctx, bias ? PLA_OK : pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory")));
    for (int64_t j = 0; j < r; ++j)
        bias[j] = -g->bias;  /* col_shift subtracts */
    CLI_TRY(pla_ctx_agree(ctx, pla_col_shift(Y, bias)));
    for (int64_t j = 0; j < r; ++j)
        bias[j] = g->bias;
    report_phase(rep, "generate", pla_wtime() - t);

    t = pla_wtime();
    CLI_TRY(pla_h5_out_write_mat(o, "X", X, dt));
    CLI_TRY(pla_h5_out_write_mat(o, "coef", C, dt));
    if (r == 1) {  /* a single target is a vector, as scikit-learn's y */
        int local_ok = (y = malloc((size_t)m * sizeof *y)) != NULL;
        CLI_TRY(pla_ctx_agree(ctx, local_ok ? PLA_OK : pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory for y")));
        pla_mat *Y64 = NULL;
        CLI_TRY(pla_mat_create(ctx, PLA_F64, m, 1, block, block, &Y64));
        err = pla_mat_copy(Y, Y64);
        if (err == PLA_OK)
            err = pla_mat_gather(Y64, 0, y, m);
        pla_mat_destroy(&Y64);
        CLI_TRY(err);
        CLI_TRY(pla_ctx_bcast(ctx, y, (int64_t)((size_t)m * sizeof *y), 0));
        CLI_TRY(pla_h5_out_write_vec(o, "y", y, m, dt));
    } else {
        CLI_TRY(pla_h5_out_write_mat(o, "y", Y, dt));
    }
    CLI_TRY(pla_h5_out_write_vec(o, "intercept", bias, r, dt));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_attrs(rep, o, ctx, block, dt));
    CLI_TRY(pla_h5_out_attr_str(o, "kind", "regression"));
    CLI_TRY(pla_h5_out_attr_i64(o, "rows", m));
    CLI_TRY(pla_h5_out_attr_i64(o, "cols", n));
    CLI_TRY(pla_h5_out_attr_i64(o, "targets", r));
    CLI_TRY(pla_h5_out_attr_f64(o, "noise", g->noise));
    CLI_TRY(pla_h5_out_attr_f64(o, "bias", g->bias));
    CLI_TRY(pla_h5_out_attr_i64(o, "seed", (int64_t)opt->seed));
    CLI_TRY(report_write_elapsed(rep, o, ctx));
    CLI_TRY(pla_h5_out_commit(&o));
    CLI_TRY(report_agree_phases(rep, ctx, NULL, NULL));

    cJSON *par = cJSON_AddObjectToObject(report_json(rep), "parameters");
    cJSON_AddStringToObject(par, "kind", "regression");
    cJSON_AddNumberToObject(par, "targets", (double)r);
    cJSON_AddNumberToObject(par, "noise", g->noise);
    cJSON_AddNumberToObject(par, "bias", g->bias);
    cJSON_AddNumberToObject(par, "seed", (double)opt->seed);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        char path[4900];
        cli_output_path(path, sizeof path, out, names[i]);
        int64_t rows[] = { m, m, n, r }, cols[] = { n, r, r, 1 };
        report_matrix(rep, "outputs", names[i], path, rows[i], cols[i], pla_dtype_name(dt));
    }
    report_text(rep, 0, "pla gen: wrote a %lldx%lld regression problem (%lld target%s, noise %g, bias %g, seed %llu) "
                "to %s:%s", (long long)m, (long long)n, (long long)r, r == 1 ? "" : "s", g->noise, g->bias,
                (unsigned long long)opt->seed, out->file, out->path[0] ? out->path : "/");
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&o);
    pla_mat_destroy(&X); pla_mat_destroy(&C); pla_mat_destroy(&Y); pla_mat_destroy(&E);
    free(y);
    free(bias);
    return err;
}
