/* pla_gemm_bench: the raw_pdgemm measurement through the library call
   pla_gemm, public API only, in the MPI and the single-process build: same
   operands (entries from gemm_entry), same options, same JSON line. */
#include "pla.h"
#include "gemm_common.h"

/* The number of BLAS threads actually in use, for the report only. */
int openblas_get_num_threads(void);

typedef struct {
    unsigned long seed;
    int which;
} entry_arg;

static double entry_fn(int64_t i, int64_t j, void *arg)
{
    const entry_arg *e = arg;
    return gemm_entry(e->seed, e->which, (long)i, (long)j);
}

/* Largest sampled error over the entries of C stored on this rank (0 if none). */
static double check_local(const gemm_opts *o, const pla_mat *C)
{
    int myrow = 0, mycol = 0, prow = 0, pcol = 0;
    int64_t il = 0, jl = 0, lld = 0, mloc = 0, nloc = 0;
    void *data = NULL;
    double worst = 0.0;
    pla_ctx_grid(pla_mat_ctx(C), NULL, NULL, &myrow, &mycol);
    pla_mat_local(C, &data, &lld, &mloc, &nloc);
    for (int s = 0; s < GEMM_NCHECK; ++s) {
        long i, j;
        gemm_check_pos(o->n, s, &i, &j);
        pla_mat_row_g2l(C, i, &prow, &il);
        pla_mat_col_g2l(C, j, &pcol, &jl);
        if (prow != myrow || pcol != mycol)
            continue;
        double e = gemm_check_entry(o->seed, o->n, i, j, ((const double *)data)[jl * lld + il]);
        worst = e > worst ? e : worst;
    }
    return worst;
}

/* Runs the measurement on ctx; rank 0 prints the JSON line. */
static pla_err run(pla_ctx *ctx, gemm_opts *o, int *check_failed)
{
    pla_err err = PLA_OK;
    pla_mat *A = NULL, *B = NULL, *C = NULL;
    entry_arg ea = { o->seed, 0 }, eb = { o->seed, 1 };
    double times[GEMM_MAX_REPS], cpu[GEMM_MAX_REPS];
    if ((err = pla_mat_create(ctx, PLA_F64, o->n, o->n, o->nb, o->nb, &A)) != PLA_OK ||
        (err = pla_mat_create(ctx, PLA_F64, o->n, o->n, o->nb, o->nb, &B)) != PLA_OK ||
        (err = pla_mat_create(ctx, PLA_F64, o->n, o->n, o->nb, o->nb, &C)) != PLA_OK)
        goto done;
    err = pla_mat_fill_fn(A, entry_fn, &ea);
    if (err == PLA_OK)
        err = pla_mat_fill_fn(B, entry_fn, &eb);
    if ((err = pla_ctx_agree(ctx, err)) != PLA_OK)  /* fill is local: agree before the next collective */
        goto done;
    for (int r = -o->warmup; r < o->reps; ++r) {
        if ((err = pla_ctx_barrier(ctx)) != PLA_OK)
            goto done;
        double t = pla_wtime(), tc = gemm_cpu_now();
        if ((err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, A, B, 0.0, C)) != PLA_OK)
            goto done;
        t = pla_wtime() - t;
        tc = gemm_cpu_now() - tc;
        if ((err = pla_ctx_allreduce_max(ctx, &t, 1)) != PLA_OK ||
            (err = pla_ctx_allreduce_sum(ctx, &tc, 1)) != PLA_OK)
            goto done;
        if (r >= 0) {
            times[r] = t;
            cpu[r] = tc;
        }
    }
    double worst = o->check ? check_local(o, C) : 0.0;
    if ((err = pla_ctx_allreduce_max(ctx, &worst, 1)) != PLA_OK)
        goto done;
    *check_failed = worst >= 10.0;
    if (pla_ctx_rank(ctx) == 0) {
        char extra[128];
        snprintf(extra, sizeof extra, ",\"build\":\"%s\",\"check\":\"%s\",\"check_err\":%.3g", pla_build_kind(),
                 o->check ? (*check_failed ? "FAILED" : "ok") : "skipped", worst);
        pla_ctx_grid(ctx, &o->nprow, &o->npcol, NULL, NULL);
        gemm_print_json("pla_gemm", o, pla_ctx_size(ctx), openblas_get_num_threads(), pla_blas_corename(),
                        times, cpu, extra);
    }
done:
    pla_mat_destroy(&A);
    pla_mat_destroy(&B);
    pla_mat_destroy(&C);
    return err;
}

int main(int argc, char **argv)
{
    if (pla_init(&argc, &argv) != PLA_OK) {
        fprintf(stderr, "%s: cannot initialize MPI\n", argv[0]);
        return 6;
    }
    int status = 0, check_failed = 0;
    gemm_opts o;
    int parsed = gemm_parse(argc, argv, &o, "The same measurement through pla_gemm (public API).",
                           pla_world_rank() == 0);
    if (parsed != 0) {
        pla_finalize();
        return parsed > 0 ? 0 : 2;
    }
    pla_ctx_opts opts = PLA_CTX_OPTS_DEFAULT;
    opts.nprow = o.nprow;
    opts.npcol = o.npcol;
    opts.nthreads = o.threads;
    opts.nb_default = o.nb;
    pla_ctx *ctx = NULL;
    pla_err err = pla_ctx_create(&opts, &ctx);
    if (err == PLA_OK)
        err = run(ctx, &o, &check_failed);
    if (err != PLA_OK) {
        if (pla_world_rank() == 0)
            fprintf(stderr, "%s: %s: %s\n", argv[0], pla_err_name(err), ctx ? pla_ctx_errmsg(ctx) : "no context");
        status = pla_err_exit_code(err);
    } else if (check_failed) {
        status = 1;
    }
    if (pla_ctx_destroy(&ctx) != PLA_OK && status == 0)
        status = 1;
    pla_finalize();
    return status;
}
