/* Column-pivoted QR: ||A P - Q R||_1 / (||A||_1 max(m,n) eps) and
   ||I - Q^T Q||_1 / (max(m,n) eps) below 10, perm a permutation, R upper
   trapezoidal with a non-negative, non-increasing diagonal, and the
   numerical rank of full-rank, rank-deficient and zero matrices. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tester.h"

typedef struct {
    const double *a;  /* A gathered, column-major */
    int64_t lda;
    const int64_t *perm;
} permuted;

static double permuted_entry(int64_t i, int64_t j, void *arg)
{
    const permuted *p = arg;
    return p->a[i + p->perm[j] * p->lda];
}

static int is_permutation(const int64_t *perm, int64_t n)
{
    char *seen = calloc((size_t)(n > 0 ? n : 1), 1);
    int ok = seen != NULL;
    for (int64_t j = 0; ok && j < n; ++j) {
        ok = perm[j] >= 0 && perm[j] < n && !seen[perm[j]];
        if (ok)
            seen[perm[j]] = 1;
    }
    free(seen);
    return ok;
}

static double residual(pla_ctx *ctx, const pla_mat *A, const int64_t *perm, const pla_mat *Q, const pla_mat *R,
                       int64_t nb)
{
    int64_t m = pla_mat_rows(A), n = pla_mat_cols(A), mx = m > n ? m : n;
    double *a = tester_gather_all(A), nd = -1, na = 0;
    permuted p = { a, m > 1 ? m : 1, perm };
    pla_mat *D = NULL;
    if (pla_mat_create(ctx, pla_mat_dtype(A), m, n, nb, nb, &D) == PLA_OK && pla_mat_fill_fn(D, permuted_entry, &p) == PLA_OK &&
        pla_gemm(PLA_NOTRANS, PLA_NOTRANS, -1.0, Q, R, 1.0, D) == PLA_OK && pla_norm(PLA_NORM_ONE, D, &nd) == PLA_OK &&
        pla_norm(PLA_NORM_ONE, A, &na) == PLA_OK)
        nd /= (na > 0 ? na : 1.0) * (double)mx * tester_eps(pla_mat_dtype(A));
    pla_mat_destroy(&D);
    free(a);
    return nd;
}

/* A of rank `rank` (rank < 0: a random full-rank matrix; 0: zeros). */
static pla_mat *make(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t nb, int64_t rank)
{
    if (rank < 0)
        return tester_random(ctx, dt, m, n, nb, nb, 41);
    pla_mat *A = NULL;
    if (pla_mat_create(ctx, dt, m, n, nb, nb, &A) != PLA_OK)
        exit(2);
    if (rank > 0) {
        pla_mat *X = tester_random(ctx, dt, m, rank, nb, nb, 42), *Y = tester_random(ctx, dt, rank, n, nb, nb, 43);
        if (pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, X, Y, 0.0, A) != PLA_OK)
            exit(2);
        pla_mat_destroy(&X);
        pla_mat_destroy(&Y);
    }
    return A;
}

static void one_case(tester *t, pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t nb, int64_t want_rank,
                     const char *grid)
{
    pla_mat *A = make(ctx, dt, m, n, nb, want_rank), *R = NULL, *Q = NULL;
    int64_t *perm = calloc((size_t)(n > 0 ? n : 1), sizeof *perm), rank = -1, k = m < n ? m : n;
    pla_err err = pla_qr_pivoted(A, 0.0, &R, &Q, perm, &rank);
    double res = -1, orth = -1;
    int shape = 0;
    if (err == PLA_OK) {
        shape = pla_mat_rows(R) == k && pla_mat_cols(R) == n && pla_mat_rows(Q) == m && pla_mat_cols(Q) == k &&
                tester_upper_ok(R, 1) && is_permutation(perm, n);
        res = residual(ctx, A, perm, Q, R, nb);
        orth = tester_orthogonality(ctx, Q, m > n ? m : n);
    }
    const int64_t expect = want_rank < 0 ? k : want_rank;
    int ok = tester_all(ctx, err == PLA_OK && shape && res >= 0 && res < 10 && orth >= 0 && orth < 10 &&
                                 rank == expect);
    tester_case(t, ok, "qrcp %s %lldx%lld nb=%lld grid=%s  resid=%.2f orth=%.2f rank=%lld (want %lld)%s%s",
                pla_dtype_name(dt), (long long)m, (long long)n, (long long)nb, grid, res, orth, (long long)rank,
                (long long)expect, shape ? "" : " (bad R, perm or shapes)", err == PLA_OK ? "" : pla_ctx_errmsg(ctx));
    free(perm);
    pla_mat_destroy(&A);
    pla_mat_destroy(&R);
    pla_mat_destroy(&Q);
}

void test_qrcp(tester *t)
{
    /* m, n, rank (-1: full) */
    static const int64_t cases[][3] = { { 1, 1, -1 }, { 40, 1, -1 }, { 1, 17, -1 }, { 97, 13, -1 }, { 50, 50, -1 },
                                        { 13, 40, -1 }, { 60, 20, 7 }, { 20, 60, 5 }, { 33, 33, 32 }, { 30, 12, 0 } };
    static const int64_t blocks[] = { 3, 64 };
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        char grid[16];
        snprintf(grid, sizeof grid, "%dx%d", grids[g][0], grids[g][1]);
        for (int d = 0; d < 2; ++d)
            for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c)
                for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; ++b)
                    one_case(t, ctx, d ? PLA_F32 : PLA_F64, cases[c][0], cases[c][1], blocks[b], cases[c][2], grid);
        tester_ctx_free(t, &ctx);
    }
}
