/* pla gen --kind symmetric: A = Q diag(w) Q^T with Q from the QR of a seeded
   Gaussian matrix, so that its eigenvalues are known exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gen_symmetric.h"

enum { STREAM_Q = 0 };
static const char *const names[] = { "A", "eigenvalues" };

static int ascending(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* "LO:HI" or "FIRST:RATIO" after the prefix: two finite numbers. */
static int two_numbers(const char *s, double *a, double *b)
{
    char *end = NULL;
    *a = strtod(s, &end);
    if (end == s || *end != ':')
        return 0;
    const char *t = end + 1;
    *b = strtod(t, &end);
    return end != t && *end == '\0' && isfinite(*a) && isfinite(*b);
}

static pla_err parse_list(const char *spec, double **w, int64_t *n, cli_msg *msg)
{
    int64_t count = 0, cap = 64;
    double *v = malloc((size_t)cap * sizeof *v);
    const char *s = spec;
    while (v != NULL) {
        char *end = NULL;
        double x = strtod(s, &end);
        long long k = 1;
        if (end == s || !isfinite(x))
            break;
        if (*end == '*') {
            const char *t = end + 1;
            k = strtoll(t, &end, 10);
            if (end == t || k < 1 || k > ((int64_t)1 << 31))
                break;
        }
        for (long long i = 0; i < k && v != NULL; ++i) {
            if (count == cap) {
                cap *= 2;
                double *grown = realloc(v, (size_t)cap * sizeof *v);
                if (grown == NULL) {
                    free(v);
                    v = NULL;
                    break;
                }
                v = grown;
            }
            if (v != NULL)
                v[count++] = x;
        }
        if (v == NULL || *end == '\0') {
            *w = v;
            *n = count;
            return v ? PLA_OK : cli_fail(msg, PLA_ERR_MEM, "out of memory for the eigenvalues");
        }
        if (*end != ',')
            break;
        s = end + 1;
    }
    free(v);
    return cli_fail(msg, PLA_ERR_ARG,
                    "--eigenvalues must be a list like 3,1,2*4, linear:LO:HI or geometric:FIRST:RATIO, got '%s'",
                    spec);
}

pla_err gen_symmetric_values(const char *spec, int64_t rows, double **w, int64_t *n, cli_msg *msg)
{
    double a = 0, b = 0;
    const int linear = strncmp(spec, "linear:", 7) == 0, geometric = strncmp(spec, "geometric:", 10) == 0;
    *w = NULL;
    *n = 0;
    if (linear || geometric) {
        if (!two_numbers(spec + (linear ? 7 : 10), &a, &b))
            return cli_fail(msg, PLA_ERR_ARG, "--eigenvalues %s needs two numbers, got '%s'",
                            linear ? "linear:LO:HI" : "geometric:FIRST:RATIO", spec);
        if (rows == 0)
            return cli_fail(msg, PLA_ERR_ARG, "--eigenvalues %s needs the order: --rows N",
                            linear ? "linear" : "geometric");
        double *v = malloc((size_t)rows * sizeof *v);
        if (v == NULL)
            return cli_fail(msg, PLA_ERR_MEM, "out of memory for %lld eigenvalues", (long long)rows);
        for (int64_t i = 0; i < rows; ++i)
            v[i] = linear ? (rows == 1 ? a : a + (b - a) * (double)i / (double)(rows - 1)) : a * pow(b, (double)i);
        *w = v;
        *n = rows;
    } else {
        pla_err err = parse_list(spec, w, n, msg);
        if (err != PLA_OK)
            return err;
        if (rows != 0 && rows != *n) {
            free(*w);
            *w = NULL;
            return cli_fail(msg, PLA_ERR_ARG, "--eigenvalues lists %lld values but --rows is %lld", (long long)*n,
                            (long long)rows);
        }
    }
    for (int64_t i = 0; i < *n; ++i)
        if (!isfinite((*w)[i])) {
            free(*w);
            *w = NULL;
            return cli_fail(msg, PLA_ERR_ARG, "--eigenvalues '%s' gives a value that is not finite", spec);
        }
    qsort(*w, (size_t)*n, sizeof **w, ascending);
    return PLA_OK;
}

/* Q (float64) scaled column by column: QW(:, j) = w[j] Q(:, j). */
static void scale_columns(pla_mat *QW, const double *w)
{
    void *data;
    int64_t lld, ml, nl;
    pla_mat_local(QW, &data, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl) {
        const double f = w[pla_mat_col_l2g(QW, jl)];
        double *col = (double *)data + jl * lld;
        for (int64_t il = 0; il < ml; ++il)
            col[il] *= f;
    }
}

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
    scale_columns(QW, w);
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
