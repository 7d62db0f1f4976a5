/* pla gen --kind symmetric: A = Q diag(w) Q^T with Q from the QR of a seeded
   Gaussian matrix, so that its eigenvalues are known exactly. */
#include "gen_symmetric.h"
#include "gen_values.h"

enum { STREAM_Q = 0 };
static const char *const names[] = { "A", "eigenvalues" };

pla_err gen_symmetric(cli_report *rep, pla_ctx *ctx, const char *spec, const double *w, int64_t n,
                      const cli_common *opt, const cli_name *out, int64_t block)
{
    pla_err err = PLA_OK;
    pla_h5_out *o = NULL;
    pla_mat *G = NULL, *R = NULL, *Q = NULL, *QW = NULL, *A = NULL, *T = NULL;

    CLI_TRY(pla_h5_out_open(ctx, out->file, out->path[0] ? out->path : "/", opt->force, &o));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        CLI_TRY(pla_h5_out_reserve(o, names[i]));

    double t = pla_wtime();
    report_progress(rep, "generating a %lldx%lld symmetric matrix with eigenvalues %s", (long long)n, (long long)n,
                    spec);
    CLI_TRY(pla_mat_create(ctx, PLA_F64, n, n, block, block, &G));
    CLI_TRY(pla_ctx_agree(ctx, pla_mat_fill_random(G, PLA_NORMAL, opt->seed, STREAM_Q)));
    CLI_TRY(pla_qr(G, PLA_QR_HOUSEHOLDER, &R, &Q));  /* Q: Haar-distributed (diag(R) >= 0) */
    pla_mat_destroy(&G);
    pla_mat_destroy(&R);
    CLI_TRY(pla_mat_dup(Q, &QW));
    gen_scale_columns(QW, w);
    CLI_TRY(pla_mat_create(ctx, PLA_F64, n, n, block, block, &A));
    CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_TRANS, 1.0, QW, Q, 0.0, A));
    pla_mat_destroy(&QW);
    pla_mat_destroy(&Q);
    /* exactly symmetric: A := (A + A^T) / 2, the same sum on both sides */
    CLI_TRY(pla_mat_create(ctx, PLA_F64, n, n, block, block, &T));
    CLI_TRY(pla_mat_transpose(A, T));
    CLI_TRY(pla_ctx_agree(ctx, pla_add(0.5, T, 0.5, A)));
    pla_mat_destroy(&T);
    report_phase(rep, "generate", pla_wtime() - t);

    t = pla_wtime();
    CLI_TRY(pla_h5_out_write_mat(o, "A", A, opt->dtype));
    CLI_TRY(pla_h5_out_write_vec(o, "eigenvalues", w, n, opt->dtype));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_attrs(rep, o, ctx, block, opt->dtype));
    CLI_TRY(pla_h5_out_attr_str(o, "kind", "symmetric"));
    CLI_TRY(pla_h5_out_attr_str(o, "eigenvalues_spec", spec));
    CLI_TRY(pla_h5_out_attr_i64(o, "rows", n));
    CLI_TRY(pla_h5_out_attr_i64(o, "seed", (int64_t)opt->seed));
    CLI_TRY(report_write_elapsed(rep, o, ctx));
    CLI_TRY(pla_h5_out_commit(&o));
    CLI_TRY(report_agree_phases(rep, ctx, NULL, NULL));

    cJSON *par = cJSON_AddObjectToObject(report_json(rep), "parameters");
    cJSON_AddStringToObject(par, "kind", "symmetric");
    cJSON_AddStringToObject(par, "eigenvalues", spec);
    cJSON_AddNumberToObject(par, "seed", (double)opt->seed);
    char path[4900];
    cli_output_path(path, sizeof path, out, "A");
    report_matrix(rep, "outputs", "A", path, n, n, pla_dtype_name(opt->dtype));
    report_text(rep, 0, "pla gen: wrote %s (%lldx%lld symmetric, eigenvalues %s, seed %llu) and its eigenvalues",
                path, (long long)n, (long long)n, spec, (unsigned long long)opt->seed);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&o);
    pla_mat_destroy(&G);
    pla_mat_destroy(&R);
    pla_mat_destroy(&Q);
    pla_mat_destroy(&QW);
    pla_mat_destroy(&A);
    pla_mat_destroy(&T);
    return err;
}
