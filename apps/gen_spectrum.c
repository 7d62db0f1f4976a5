/* pla gen --kind spectrum: A = U diag(s) V^T with U and V from the QR of
   seeded Gaussian matrices, so that its singular values are known exactly.
   Everything stays distributed: two QRs (TSQR for the tall factors), one
   GEMM, and a parallel write; a tall or wide matrix works on row panels. */
#include <stdio.h>
#include <string.h>
#include "gen_spectrum.h"
#include "gen_values.h"
#include "solver_plans.h"

enum { STREAM_U = 0, STREAM_V = 1 };
static const char *const names[] = { "A", "singular_values" };

/* Bytes a rank holds while pla_qr forms the Q factor of a rows x r float64
   matrix (the matrix itself, the QR's copies and buffers, Q and R). */
static double qr_bytes(const pla_ctx *ctx, int64_t rows, int64_t r, int64_t block)
{
    const cli_qr_what what = { .economic = 1, .method = pla_qr_choose_shape(rows, r) };
    cli_mem_plan p;
    cli_qr_memory(ctx, rows, r, block, 8, &what, &p);
    double total = p.total;
    for (int i = 0; i < p.nparts; ++i)
        if (strcmp(p.name[i], "I/O") == 0)
            total -= p.bytes[i];  /* the QR reads and writes nothing here */
    return total;
}

/* The most a rank holds at once: U's QR; U while V's QR runs; U, V (and
   V^T when tall: multiply) and A for the product; the writer's bands. */
static void spectrum_memory(const pla_ctx *ctx, int64_t m, int64_t n, int64_t block, cli_mem_plan *p)
{
    int nprow = 1, npcol = 1;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    const int64_t r = m < n ? m : n;
    const double u = cli_mem_local(m, r, block, block, nprow, npcol, 8);
    const double v = (m >= 4 * n ? 2.0 : 1.0) * cli_mem_local(n, r, block, block, nprow, npcol, 8);
    const double a = cli_mem_local(m, n, block, block, nprow, npcol, 8);
    double peak = qr_bytes(ctx, m, r, block);
    const double with_v = u + qr_bytes(ctx, n, r, block);
    peak = with_v > peak ? with_v : peak;
    *p = (cli_mem_plan){ .command = "gen" };
    cli_mem_add(p, "A", a);
    cli_mem_add(p, "U", u);
    cli_mem_add(p, "V", v);
    if (peak > a + u + v)
        cli_mem_add(p, "QR work", peak - (a + u + v));
    cli_mem_add_io(p);
}

/* Collective.  PLA_ERR_MEM (the same on every rank) with a line naming the
   parts when the plan exceeds what a rank may use. */
static pla_err check_memory(pla_ctx *ctx, const cli_mem_plan *p)
{
    double avail = 0.0;
    pla_err err = pla_ctx_memory_per_rank(ctx, &avail);
    if (err != PLA_OK || avail <= 0.0 || p->total <= avail)
        return err;
    char need[32], have[32], parts[512] = "";
    size_t used = 0;
    for (int i = 0; i < p->nparts && used < sizeof parts; ++i) {
        char size[32];
        cli_size_text(size, sizeof size, p->bytes[i]);
        used += (size_t)snprintf(parts + used, sizeof parts - used, "%s%s %s", i ? ", " : "", p->name[i], size);
    }
    cli_size_text(need, sizeof need, p->total);
    cli_size_text(have, sizeof have, avail);
    /* every rank computed the same plan and the same minimum: no agreement needed */
    return pla_ctx_fail(ctx, PLA_ERR_MEM,
                        "pla gen --kind spectrum needs about %s per rank (%s) but %s is available per rank; use more "
                        "ranks or nodes", need, parts, have);
}

/* *Q := the Q factor of the QR of a seeded standard normal rows x r matrix:
   orthonormal columns, Haar distributed (pla_qr makes diag(R) >= 0). */
static pla_err orthonormal(pla_ctx *ctx, int64_t rows, int64_t r, int64_t block, uint64_t seed, uint64_t stream,
                           pla_mat **Q)
{
    pla_err err = PLA_OK;
    pla_mat *G = NULL, *R = NULL;
    CLI_TRY(pla_mat_create(ctx, PLA_F64, rows, r, block, block, &G));
    CLI_TRY(pla_ctx_agree(ctx, pla_mat_fill_random(G, PLA_NORMAL, seed, stream)));
    CLI_TRY(pla_qr(G, PLA_QR_AUTO, &R, Q));
done:
    pla_mat_destroy(&G);
    pla_mat_destroy(&R);
    return err;
}

/* A := U V^T (U already scaled by s).  For a tall A (row panels, V small:
   r x r) the product runs as U (V^T) after an explicit transpose of V: p?gemm
   takes about 1.5x less time on row panels that way (100000 x 2000 at 2
   ranks: 11.6 s against 16.6 s); for wide and squarish shapes the transpose
   of the large V costs more than it saves (2000 x 50000: 12.9 s against
   5.7 s), and p?gemm gets V as it is. */
static pla_err multiply(pla_ctx *ctx, const pla_mat *U, const pla_mat *V, int64_t block, int tall, pla_mat *A)
{
    pla_err err = PLA_OK;
    pla_mat *Vt = NULL;
    if (!tall)
        return pla_gemm(PLA_NOTRANS, PLA_TRANS, 1.0, U, V, 0.0, A);
    CLI_TRY(pla_mat_create(ctx, PLA_F64, pla_mat_cols(V), pla_mat_rows(V), block, block, &Vt));
    CLI_TRY(pla_mat_transpose(V, Vt));
    CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, U, Vt, 0.0, A));
done:
    pla_mat_destroy(&Vt);
    return err;
}

pla_err gen_spectrum(cli_report *rep, pla_ctx **pctx, const char *spec, const double *s, int64_t m, int64_t n,
                     const cli_common *opt, const cli_name *out, int64_t block)
{
    pla_err err = PLA_OK;
    pla_h5_out *o = NULL;
    pla_mat *U = NULL, *V = NULL, *A = NULL;
    pla_ctx *ctx = NULL;
    const int64_t r = m < n ? m : n, longer = m < n ? n : m;
    cli_mem_plan mem;
    double t = 0.0;

    /* row panels: TSQR for the long factor, and the file written in contiguous bands */
    CLI_TRY(cli_prefer_row_grid(opt, block, longer >= 4 * r, pctx));
    ctx = *pctx;
    report_context(rep, ctx, block, opt->dtype);
    spectrum_memory(ctx, m, n, block, &mem);
    CLI_TRY(check_memory(ctx, &mem));

    CLI_TRY(pla_h5_out_open(ctx, out->file, out->path[0] ? out->path : "/", opt->force, &o));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        CLI_TRY(pla_h5_out_reserve(o, names[i]));

    t = pla_wtime();
    report_progress(rep, "generating U: QR of a %lldx%lld normal matrix (%s)", (long long)m, (long long)r,
                    pla_qr_method_name(pla_qr_choose_shape(m, r)));
    CLI_TRY(orthonormal(ctx, m, r, block, opt->seed, STREAM_U, &U));
    gen_scale_columns(U, s);  /* U diag(s) */
    report_progress(rep, "generating V: QR of a %lldx%lld normal matrix (%s)", (long long)n, (long long)r,
                    pla_qr_method_name(pla_qr_choose_shape(n, r)));
    CLI_TRY(orthonormal(ctx, n, r, block, opt->seed, STREAM_V, &V));
    report_phase(rep, "factors", pla_wtime() - t);

    t = pla_wtime();
    report_progress(rep, "multiplying A = U diag(s) V^T (%lldx%lld)", (long long)m, (long long)n);
    CLI_TRY(pla_mat_create(ctx, PLA_F64, m, n, block, block, &A));
    CLI_TRY(multiply(ctx, U, V, block, m >= 4 * n, A));
    pla_mat_destroy(&U);
    pla_mat_destroy(&V);
    report_phase(rep, "multiply", pla_wtime() - t);

    t = pla_wtime();
    report_progress(rep, "writing A and singular_values");
    CLI_TRY(pla_h5_out_write_mat(o, "A", A, opt->dtype));
    CLI_TRY(pla_h5_out_write_vec(o, "singular_values", s, r, opt->dtype));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_attrs(rep, o, ctx, block, opt->dtype));
    CLI_TRY(pla_h5_out_attr_str(o, "kind", "spectrum"));
    CLI_TRY(pla_h5_out_attr_str(o, "singular_values_spec", spec));
    CLI_TRY(pla_h5_out_attr_i64(o, "rows", m));
    CLI_TRY(pla_h5_out_attr_i64(o, "cols", n));
    CLI_TRY(pla_h5_out_attr_i64(o, "seed", (int64_t)opt->seed));
    CLI_TRY(report_write_elapsed(rep, o, ctx));
    CLI_TRY(pla_h5_out_commit(&o));
    CLI_TRY(report_agree_phases(rep, ctx, NULL, NULL));

    cJSON *par = cJSON_AddObjectToObject(report_json(rep), "parameters");
    cJSON_AddStringToObject(par, "kind", "spectrum");
    cJSON_AddStringToObject(par, "singular_values", spec);
    cJSON_AddNumberToObject(par, "seed", (double)opt->seed);
    char path[4900], vec[4900];
    cli_output_path(path, sizeof path, out, "A");
    cli_output_path(vec, sizeof vec, out, "singular_values");
    report_matrix(rep, "outputs", "A", path, m, n, pla_dtype_name(opt->dtype));
    report_matrix(rep, "outputs", "singular_values", vec, r, -1, pla_dtype_name(opt->dtype));
    report_text(rep, 0, "pla gen: wrote %s (%lldx%lld, singular values %s, seed %llu) and its singular values", path,
                (long long)m, (long long)n, spec, (unsigned long long)opt->seed);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&o);
    pla_mat_destroy(&U);
    pla_mat_destroy(&V);
    pla_mat_destroy(&A);
    return err;
}
