/* QR: ||A - QR||_1 / (||A||_1 max(m,n) eps) and ||I - Q^T Q||_1 / (max(m,n) eps)
   below 10, R upper trapezoidal with a non-negative diagonal, for both methods;
   R alone (a route of its own in TSQR: streamed, no Q) by the Gram residual
   ||A^T A - R^T R||_F / (||A||_F^2 max(m,n) eps) below 10. */
#include <stdio.h>
#include <stdlib.h>
#include "tester.h"

static double factor_residual(pla_ctx *ctx, const pla_mat *A, const pla_mat *Q, const pla_mat *R)
{
    pla_mat *D = NULL;
    double nd = -1, na = 0;
    if (pla_mat_dup(A, &D) == PLA_OK && pla_gemm(PLA_NOTRANS, PLA_NOTRANS, -1.0, Q, R, 1.0, D) == PLA_OK &&
        pla_norm(PLA_NORM_ONE, D, &nd) == PLA_OK && pla_norm(PLA_NORM_ONE, A, &na) == PLA_OK) {
        int64_t m = pla_mat_rows(A), n = pla_mat_cols(A), mx = m > n ? m : n;
        nd /= (na > 0 ? na : 1.0) * (double)mx * tester_eps(pla_mat_dtype(A));
    }
    pla_mat_destroy(&D);
    (void)ctx;
    return nd;
}

/* R without Q: A = QR with Q orthonormal implies A^T A = R^T R. */
static double gram_residual(pla_ctx *ctx, const pla_mat *A, pla_qr_method method, int *shape_ok)
{
    int64_t m = pla_mat_rows(A), n = pla_mat_cols(A), mx = m > n ? m : n;
    pla_mat *R = NULL, *G = NULL;
    double ng = -1, na = 0;
    *shape_ok = 0;
    if (pla_qr(A, method, &R, NULL) == PLA_OK && pla_mat_create(ctx, pla_mat_dtype(A), n, n, 8, 8, &G) == PLA_OK &&
        pla_gemm(PLA_TRANS, PLA_NOTRANS, 1.0, A, A, 0.0, G) == PLA_OK &&
        pla_gemm(PLA_TRANS, PLA_NOTRANS, -1.0, R, R, 1.0, G) == PLA_OK && pla_norm(PLA_NORM_FRO, G, &ng) == PLA_OK &&
        pla_norm(PLA_NORM_FRO, A, &na) == PLA_OK) {
        ng /= (na > 0 ? na * na : 1.0) * (double)mx * tester_eps(pla_mat_dtype(A));
        *shape_ok = pla_mat_rows(R) == n && pla_mat_cols(R) == n && tester_upper_ok(R, 0);
    }
    pla_mat_destroy(&R);
    pla_mat_destroy(&G);
    return ng;
}

static void one_case(tester *t, pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t nb, pla_qr_method method,
                     const char *grid)
{
    pla_mat *A = tester_random(ctx, dt, m, n, nb, nb, 21), *R = NULL, *Q = NULL;
    pla_err err = pla_qr(A, method, &R, &Q);
    double res = -1, orth = -1;
    int shape_ok = 0;
    if (err == PLA_OK) {
        int64_t k = m < n ? m : n;
        shape_ok = pla_mat_rows(R) == k && pla_mat_cols(R) == n && pla_mat_rows(Q) == m && pla_mat_cols(Q) == k &&
                   tester_upper_ok(R, 0);
        res = factor_residual(ctx, A, Q, R);
        orth = tester_orthogonality(ctx, Q, m > n ? m : n);
    }
    int ok = err == PLA_OK && shape_ok && res >= 0 && res < 10.0 && orth >= 0 && orth < 10.0;
    tester_case(t, ok, "qr %-11s %s %lldx%lld nb=%lld grid=%s  resid=%.2f orth=%.2f%s%s", pla_qr_method_name(method),
                pla_dtype_name(dt), (long long)m, (long long)n, (long long)nb, grid, res, orth,
                shape_ok ? "" : " (bad R shape/sign)", err == PLA_OK ? "" : pla_ctx_errmsg(ctx));
    if (m >= n) {
        int r_ok = 0;
        double gram = gram_residual(ctx, A, method, &r_ok);
        tester_case(t, r_ok && gram >= 0 && gram < 10.0, "qr %-11s %s %lldx%lld nb=%lld grid=%s  R only: gram=%.2f%s%s",
                    pla_qr_method_name(method), pla_dtype_name(dt), (long long)m, (long long)n, (long long)nb, grid,
                    gram, r_ok ? "" : " (bad R shape/sign)", gram >= 0 ? "" : pla_ctx_errmsg(ctx));
    }
    pla_mat_destroy(&A);
    pla_mat_destroy(&R);
    pla_mat_destroy(&Q);
}

void test_qr(tester *t)
{
    static const int64_t shapes[][2] = { { 1, 1 }, { 1, 17 }, { 40, 1 }, { 97, 13 }, { 300, 31 }, { 50, 50 },
                                         { 13, 40 }, { 64, 64 } };
    static const int64_t blocks[] = { 1, 3, 64, 400 };
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        char grid[16];
        snprintf(grid, sizeof grid, "%dx%d", grids[g][0], grids[g][1]);
        for (int d = 0; d < 2; ++d)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s)
                for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; ++b) {
                    int64_t m = shapes[s][0], n = shapes[s][1];
                    if (blocks[b] == 1 && m * n > 3000)
                        continue;  /* nb = 1 on the larger shapes only costs time */
                    one_case(t, ctx, d ? PLA_F32 : PLA_F64, m, n, blocks[b], PLA_QR_HOUSEHOLDER, grid);
                    if (m >= n)
                        one_case(t, ctx, d ? PLA_F32 : PLA_F64, m, n, blocks[b], PLA_QR_TSQR, grid);
                }
        /* TSQR refuses wide matrices, the same way on every rank */
        pla_mat *W = tester_random(ctx, PLA_F64, 5, 9, 4, 4, 1), *R = NULL, *Q = NULL;
        pla_err err = pla_qr(W, PLA_QR_TSQR, &R, &Q);
        tester_case(t, tester_all(ctx, err == PLA_ERR_ARG && R == NULL && Q == NULL),
                    "qr tsqr on 5x9 -> PLA_ERR_ARG: %s", pla_ctx_errmsg(ctx));
        pla_mat_destroy(&W);
        tester_ctx_free(t, &ctx);
    }
    /* many rows per rank and two threads: TSQR leaves split their rows among
       threads and run several row blocks each (src/solvers/tsqr_leaf.c) */
    static const int64_t tall[][2] = { { 40000, 7 }, { 9000, 40 } };
    pla_ctx *ctx = tester_ctx(t->size, 1, 2);
    char grid[16];
    snprintf(grid, sizeof grid, "%dx1 2thr", t->size);
    for (int d = 0; d < 2; ++d)
        for (size_t s = 0; s < sizeof tall / sizeof tall[0]; ++s)
            for (int64_t nb = 64; nb <= 4096; nb *= 64) {
                one_case(t, ctx, d ? PLA_F32 : PLA_F64, tall[s][0], tall[s][1], nb, PLA_QR_TSQR, grid);
                one_case(t, ctx, d ? PLA_F32 : PLA_F64, tall[s][0], tall[s][1], nb, PLA_QR_HOUSEHOLDER, grid);
            }
    tester_ctx_free(t, &ctx);
}
