/* Round trips through the HDF5 layer at any rank count: write a known matrix
   with one grid and block size, commit, read it back with another, and
   compare exactly.  Sweeps grids (every P x Q of the rank count), block sizes
   (1, 3, 64, larger than the matrix), shapes (1 x n, m x 1, odd sizes, more
   ranks than blocks), element types (float32/float64 in memory and file),
   both transfer strategies, both MPI-IO modes and small bands (many
   collective transfers with empty selections on some ranks).
   Usage: io_roundtrip [-v] [DIR]  (files are written in DIR, default ".") */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pla.h"
#include "io/rw.h"

static int failures, cases, verbose;

static void report(pla_ctx *ctx, int ok, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void report(pla_ctx *ctx, int ok, const char *fmt, ...)
{
    double bad = ok ? 0.0 : 1.0;  /* a case passes only if it passed everywhere */
    if (pla_ctx_allreduce_max(ctx, &bad, 1) != PLA_OK)
        bad = 1.0;
    cases++;
    if (bad != 0.0)
        failures++;
    if (pla_ctx_rank(ctx) == 0 && (bad != 0.0 || verbose)) {
        va_list ap;
        va_start(ap, fmt);
        printf("%-4s np=%d  ", bad != 0.0 ? "FAIL" : "ok", pla_ctx_size(ctx));
        vprintf(fmt, ap);
        printf("\n");
        fflush(stdout);
        va_end(ap);
    }
}

static double entry(int64_t i, int64_t j, void *arg)
{
    (void)arg;
    return (double)(i * 1000 + j) + 0.25;  /* exact in float32 for these sizes */
}

/* Local elements of A that differ from entry(). */
static int64_t count_wrong(const pla_mat *A)
{
    void *data = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0, bad = 0;
    pla_mat_local(A, &data, &lld, &mloc, &nloc);
    for (int64_t jl = 0; jl < nloc; ++jl)
        for (int64_t il = 0; il < mloc; ++il) {
            double want = entry(pla_mat_row_l2g(A, il), pla_mat_col_l2g(A, jl), NULL);
            double got = pla_mat_dtype(A) == PLA_F64 ? ((double *)data)[il + jl * lld]
                                                     : (double)((float *)data)[il + jl * lld];
            bad += got != want;
        }
    return bad;
}

static pla_ctx *make_ctx(int p, int q)
{
    pla_ctx_opts o = PLA_CTX_OPTS_DEFAULT;
    o.nprow = p;
    o.npcol = q;
    pla_ctx *ctx = NULL;
    if (pla_ctx_create(&o, &ctx) != PLA_OK) {
        fprintf(stderr, "io_roundtrip: cannot create a %dx%d context: %s\n", p, q, pla_ctx_errmsg(ctx));
        exit(2);
    }
    return ctx;
}

typedef struct {
    int64_t m, n, mb_w, nb_w, mb_r, nb_r;
    pla_dtype mem_w, file, mem_r;
    pla__h5_strategy strat_w, strat_r;
    int transfer;
    int64_t band;
} rt_case;

/* Writes on wctx, reads on rctx, compares. */
static void round_trip(pla_ctx *wctx, pla_ctx *rctx, const char *wgrid, const char *rgrid, const char *file,
                       const rt_case *c)
{
    pla_mat *A = NULL, *B = NULL;
    pla_h5_out *out = NULL;
    pla__h5_io_opts w = { c->strat_w, c->transfer, c->band, NULL }, r = { c->strat_r, c->transfer, c->band, NULL };
    pla_err err = pla_mat_create(wctx, c->mem_w, c->m, c->n, c->mb_w, c->nb_w, &A);
    if (err == PLA_OK)
        err = pla_mat_fill_fn(A, entry, NULL);
    if (err == PLA_OK)
        err = pla_h5_out_open(wctx, file, "/g/h", 1, &out);
    if (err == PLA_OK)
        err = pla__h5_write_mat_ex(out, "M", A, c->file, &w);
    if (err == PLA_OK)
        err = pla_h5_out_commit(&out);
    pla_h5_out_abort(&out);
    const char *stage = "write";
    if (err == PLA_OK) {
        stage = "read";
        err = pla__h5_read_ex(rctx, file, "/g/h/M", c->mem_r, c->mb_r, c->nb_r, &r, &B);
    }
    int64_t wrong = B ? count_wrong(B) : -1;
    const char *why = err == PLA_OK ? "" : pla_ctx_errmsg(strcmp(stage, "read") == 0 ? rctx : wctx);
    int ok = err == PLA_OK && wrong == 0 && pla_mat_rows(B) == c->m && pla_mat_cols(B) == c->n;
    report(rctx, ok,
           "%lldx%lld  write %s %s/%s blk %lldx%lld strat %d | read %s as %s blk %lldx%lld strat %d | io %d band %lld"
           "  wrong=%lld %s%s%s",
           (long long)c->m, (long long)c->n, wgrid, pla_dtype_name(c->mem_w), pla_dtype_name(c->file),
           (long long)c->mb_w, (long long)c->nb_w, (int)c->strat_w, rgrid, pla_dtype_name(c->mem_r),
           (long long)c->mb_r, (long long)c->nb_r, (int)c->strat_r, c->transfer, (long long)c->band,
           (long long)wrong, err != PLA_OK ? stage : "", err != PLA_OK ? ": " : "", why);
    pla_mat_destroy(&A);
    pla_mat_destroy(&B);
}

int main(int argc, char **argv)
{
    if (pla_init(&argc, &argv) != PLA_OK)
        return 2;
    const char *dir = ".";
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else
            dir = argv[i];
    }
    const int size = pla_world_size();
    char file[1024];
    snprintf(file, sizeof file, "%s/io_roundtrip_np%d.h5", dir, size);

    int grids[8][2], ng = 0;
    for (int p = 1; p <= size; ++p)
        if (size % p == 0) {
            grids[ng][0] = p;
            grids[ng][1] = size / p;
            ng++;
        }
    pla_ctx *ctxs[8];
    char names[8][16];
    for (int g = 0; g < ng; ++g) {
        ctxs[g] = make_ctx(grids[g][0], grids[g][1]);
        snprintf(names[g], sizeof names[g], "%dx%d", grids[g][0], grids[g][1]);
    }

    static const int64_t shapes[][2] = { { 1, 1 }, { 1, 37 }, { 41, 1 }, { 2, 3 }, { 37, 23 }, { 130, 67 } };
    static const int64_t blocks[] = { 1, 3, 64, 200 };
    static const int64_t bands[] = { 0, 1, 200 };  /* default, one block row per band, a few rows */
    const int ns = (int)(sizeof shapes / sizeof shapes[0]), nbk = (int)(sizeof blocks / sizeof blocks[0]);
    int k = 0;
    for (int s = 0; s < ns; ++s)
        for (int b = 0; b < nbk; ++b)
            for (int gw = 0; gw < ng; ++gw, ++k) {
                /* every write grid meets a different read grid and block size */
                int gr = (gw + 1 + k) % ng;
                rt_case c = {
                    .m = shapes[s][0], .n = shapes[s][1],
                    .mb_w = blocks[b], .nb_w = blocks[(b + 1) % nbk],
                    .mb_r = blocks[(b + 2) % nbk], .nb_r = blocks[(b + k) % nbk],
                    .mem_w = k % 2 ? PLA_F32 : PLA_F64, .file = (k / 2) % 2 ? PLA_F32 : PLA_F64,
                    .mem_r = (k / 4) % 2 ? PLA_F32 : PLA_F64,
                    .strat_w = k % 3 == 0 ? PLA__H5_PANEL : PLA__H5_CYCLIC,
                    .strat_r = (pla__h5_strategy[]){ PLA__H5_CYCLIC, PLA__H5_PANEL, PLA__H5_AUTO, PLA__H5_ROWS }[k % 4],
                    .transfer = k % 4 == 3 ? 1 : (k % 4 == 2 ? 0 : -1),
                    .band = bands[k % 3],
                };
                round_trip(ctxs[gw], ctxs[gr], names[gw], names[gr], file, &c);
            }
    /* the public entry points with every default, on the default grid */
    pla_ctx *dctx = make_ctx(0, 0);
    rt_case d = { .m = 300, .n = 170, .mem_w = PLA_F64, .file = PLA_F64, .mem_r = PLA_F64, .transfer = -1 };
    round_trip(dctx, dctx, "default", "default", file, &d);
    for (int g = 0; g < ng; ++g)
        if (pla_ctx_destroy(&ctxs[g]) != PLA_OK)
            failures++;
    if (pla_ctx_destroy(&dctx) != PLA_OK)
        failures++;
    if (pla_world_rank() == 0) {
        remove(file);
        printf("io_roundtrip: %d cases at %d ranks, %d failed\n", cases, size, failures);
    }
    pla_finalize();
    return failures == 0 ? 0 : 1;
}
