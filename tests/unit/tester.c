/* Tester harness: `tester [gemm|norm|move|rng|errors|all] [-v]`, run under
   mpiexec at any rank count.  Exit status 0 only if every case passed. */
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tester.h"

void tester_case(tester *t, int ok, const char *fmt, ...)
{
    t->cases++;
    if (!ok)
        t->failures++;
    if (t->rank == 0 && (!ok || t->verbose)) {
        va_list ap;
        va_start(ap, fmt);
        printf("%-4s np=%d  ", ok ? "ok" : "FAIL", t->size);
        vprintf(fmt, ap);
        printf("\n");
        va_end(ap);
        fflush(stdout);
    }
}

int tester_grids(int size, int grids[][2], int cap)
{
    int n = 0;
    for (int p = 1; p <= size && n < cap; ++p)
        if (size % p == 0) {
            grids[n][0] = p;
            grids[n][1] = size / p;
            n++;
        }
    return n;
}

pla_ctx *tester_ctx(int p, int q, int threads)
{
    pla_ctx_opts o = PLA_CTX_OPTS_DEFAULT;
    o.nprow = p;
    o.npcol = q;
    o.nthreads = threads;
    pla_ctx *ctx = NULL;
    if (pla_ctx_create(&o, &ctx) != PLA_OK) {
        fprintf(stderr, "tester: cannot create a %dx%d context: %s\n", p, q, pla_ctx_errmsg(ctx));
        exit(2);
    }
    return ctx;
}

void tester_ctx_free(tester *t, pla_ctx **ctx)
{
    pla_err err = pla_ctx_destroy(ctx);
    if (err != PLA_OK)
        tester_case(t, 0, "context destroy: %s", pla_ctx_errmsg(*ctx));
}

double *tester_gather_all(const pla_mat *A)
{
    pla_ctx *ctx = pla_mat_ctx(A);
    int64_t m = pla_mat_rows(A), n = pla_mat_cols(A), ld = m > 1 ? m : 1;
    size_t count = (size_t)(ld * (n > 0 ? n : 1));
    double *out = calloc(count, sizeof *out);
    pla_mat *D = NULL;
    /* convert to float64 first so the buffer type is fixed */
    if (pla_mat_create(ctx, PLA_F64, m, n, pla_mat_mb(A), pla_mat_nb(A), &D) != PLA_OK ||
        pla_mat_copy(A, D) != PLA_OK || pla_mat_gather(D, 0, out, ld) != PLA_OK ||
        pla_ctx_bcast(ctx, out, (int64_t)(count * sizeof *out), 0) != PLA_OK) {
        fprintf(stderr, "tester: gather failed: %s\n", pla_ctx_errmsg(ctx));
        exit(2);
    }
    pla_mat_destroy(&D);
    return out;
}

pla_mat *tester_random(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t mb, int64_t nb,
                       uint64_t stream)
{
    pla_mat *A = NULL;
    if (pla_mat_create(ctx, dt, m, n, mb, nb, &A) != PLA_OK ||
        pla_mat_fill_random(A, PLA_NORMAL, 20261123u, stream) != PLA_OK) {
        fprintf(stderr, "tester: cannot make a random matrix: %s\n", pla_ctx_errmsg(ctx));
        exit(2);
    }
    return A;
}

double tester_eps(pla_dtype dt)
{
    return dt == PLA_F32 ? FLT_EPSILON / 2 : DBL_EPSILON / 2;
}

int tester_all(pla_ctx *ctx, int ok)
{
    double bad = ok ? 0.0 : 1.0;
    if (pla_ctx_allreduce_max(ctx, &bad, 1) != PLA_OK)
        return 0;
    return bad == 0.0;
}

int main(int argc, char **argv)
{
    if (pla_init(&argc, &argv) != PLA_OK) {
        fprintf(stderr, "tester: MPI initialization failed\n");
        return 2;
    }
    tester t = { .rank = pla_world_rank(), .size = pla_world_size() };
    const char *which = "all";
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "-v") == 0)
            t.verbose = 1;
        else
            which = argv[i];
    }
    struct { const char *name; void (*run)(tester *); } suites[] = {
        { "rng", test_rng }, { "move", test_moves }, { "norm", test_norms },
        { "gemm", test_gemm }, { "errors", test_errors }, { "qr", test_qr }, { "qrcp", test_qrcp }, { "lstsq", test_lstsq }, { "eig", test_eig }, { "eig_krylov", test_eig_krylov }, { "svd", test_svd }, { "pca", test_pca },
    };
    int ran = 0;
    for (size_t s = 0; s < sizeof suites / sizeof suites[0]; ++s)
        if (strcmp(which, "all") == 0 || strcmp(which, suites[s].name) == 0) {
            suites[s].run(&t);
            ran = 1;
        }
    if (!ran && t.rank == 0)
        fprintf(stderr, "tester: unknown suite '%s'\n", which);
    if (t.rank == 0)
        printf("%s: %d cases at %d ranks, %d passed, %d failed\n", which, t.cases, t.size,
               t.cases - t.failures, t.failures);
    pla_finalize();
    return (ran && t.failures == 0) ? 0 : 1;
}
