/* A downstream program: uses an installed pla through its public API only.
   Creates a context and three matrices, runs one distributed gemm and checks
   it against the product known in closed form.  Rank 0 prints one line naming
   the rank count, so the caller can tell that every rank ran. */
#include <stdio.h>
#include "pla.h"

enum { M = 37, K = 23, N = 19, NB = 4 };

/* A(i, l) = i + 1 + l and B(l, j) = l - j, so that (A B)(i, j) =
   (i + 1) (S1 - K j) + S2 - j S1 with S1 = sum l, S2 = sum l^2 over l < K. */
static double a_entry(int64_t i, int64_t l, void *arg)
{
    (void)arg;
    return (double)(i + 1 + l);
}

static double b_entry(int64_t l, int64_t j, void *arg)
{
    (void)arg;
    return (double)(l - j);
}

static double c_exact(int64_t i, int64_t j, void *arg)
{
    const double s1 = K * (K - 1) / 2.0, s2 = (K - 1) * K * (2.0 * K - 1) / 6.0;
    (void)arg;
    return (double)(i + 1) * (s1 - (double)K * (double)j) + s2 - (double)j * s1;
}

int main(int argc, char **argv)
{
    pla_ctx_opts opts = PLA_CTX_OPTS_DEFAULT;
    pla_ctx *ctx = NULL;
    pla_mat *A = NULL, *B = NULL, *C = NULL, *E = NULL;
    double exact_norm = 0.0, diff_norm = -1.0;
    int nprow = 0, npcol = 0, myrow = 0, mycol = 0, ok = 0;

    pla_err err = pla_init(&argc, &argv);
    if (err != PLA_OK) {
        fprintf(stderr, "downstream: pla_init failed: %s\n", pla_err_name(err));
        return pla_err_exit_code(err);
    }
    opts.nb_default = NB; /* small blocks: every rank holds several */
    err = pla_ctx_create(&opts, &ctx);
    if (err == PLA_OK) err = pla_mat_create(ctx, PLA_F64, M, K, 0, 0, &A);
    if (err == PLA_OK) err = pla_mat_create(ctx, PLA_F64, K, N, 0, 0, &B);
    if (err == PLA_OK) err = pla_mat_create(ctx, PLA_F64, M, N, 0, 0, &C);
    if (err == PLA_OK) err = pla_mat_create(ctx, PLA_F64, M, N, 0, 0, &E);
    if (err == PLA_OK) {
        /* Local work, then agree: a failure on one rank reaches every rank
           before the next collective call. */
        pla_err local = pla_mat_fill_fn(A, a_entry, NULL);
        if (local == PLA_OK) local = pla_mat_fill_fn(B, b_entry, NULL);
        if (local == PLA_OK) local = pla_mat_fill_fn(E, c_exact, NULL);
        err = pla_ctx_agree(ctx, local);
    }
    if (err == PLA_OK) err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, A, B, 0.0, C);
    if (err == PLA_OK) err = pla_norm(PLA_NORM_FRO, E, &exact_norm);
    if (err == PLA_OK) err = pla_ctx_agree(ctx, pla_add(-1.0, C, 1.0, E)); /* E := exact - computed */
    if (err == PLA_OK) err = pla_norm(PLA_NORM_FRO, E, &diff_norm);
    if (err == PLA_OK) {
        /* Integer data well below 2^53: the product is exact in any order. */
        ok = exact_norm > 0.0 && diff_norm <= 1e-14 * exact_norm;
        pla_ctx_grid(ctx, &nprow, &npcol, &myrow, &mycol);
        if (pla_ctx_rank(ctx) == 0)
            printf("pla downstream: %s build, ranks=%d, grid %dx%d: "
                   "||C - C_exact||_F / ||C_exact||_F = %.1e: %s\n",
                   pla_build_kind(), pla_ctx_size(ctx), nprow, npcol,
                   diff_norm / exact_norm, ok ? "ok" : "FAILED");
    } else if (pla_world_rank() == 0) {
        fprintf(stderr, "downstream: error: %s\n", ctx ? pla_ctx_errmsg(ctx) : pla_err_name(err));
    }

    pla_mat_destroy(&E);
    pla_mat_destroy(&C);
    pla_mat_destroy(&B);
    pla_mat_destroy(&A);
    pla_err derr = pla_ctx_destroy(&ctx);
    if (err == PLA_OK) err = derr;
    pla_finalize();
    if (err != PLA_OK) return pla_err_exit_code(err);
    return ok ? 0 : 1;
}
