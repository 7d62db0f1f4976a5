/* GEMM against a naive reference on the gathered operands:
   ||C - Cref||_1 / ((|alpha| ||A||_1 ||B||_1 + |beta| ||C0||_1) max(k,1) eps) < 10. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "tester.h"

static double norm1(const double *a, int64_t m, int64_t n)
{
    double best = 0.0;
    for (int64_t j = 0; j < n; ++j) {
        double s = 0.0;
        for (int64_t i = 0; i < m; ++i) s += fabs(a[i + j * m]);
        if (s > best) best = s;
    }
    return best;
}

/* op(X)(i, j) for a column-major ld x cols array */
static double at(const double *x, int64_t ld, int trans, int64_t i, int64_t j)
{
    return trans ? x[j + i * ld] : x[i + j * ld];
}

typedef struct { int64_t m, n, k; } shape;

static void one_case(tester *t, pla_ctx *ctx, pla_dtype dt, shape s, int ta, int tb, double alpha,
                     double beta, const int64_t blk[6], const char *grid)
{
    int64_t am = ta ? s.k : s.m, an = ta ? s.m : s.k, bm = tb ? s.n : s.k, bn = tb ? s.k : s.n;
    pla_mat *A = tester_random(ctx, dt, am, an, blk[0], blk[1], 1);
    pla_mat *B = tester_random(ctx, dt, bm, bn, blk[2], blk[3], 2);
    pla_mat *C = tester_random(ctx, dt, s.m, s.n, blk[4], blk[5], 3);
    double *a = tester_gather_all(A), *b = tester_gather_all(B), *c0 = tester_gather_all(C);
    pla_err err = pla_gemm(ta ? PLA_TRANS : PLA_NOTRANS, tb ? PLA_TRANS : PLA_NOTRANS, alpha, A, B, beta, C);
    double *c = tester_gather_all(C);
    double diff = 0.0;
    int64_t lda = am > 1 ? am : 1, ldb = bm > 1 ? bm : 1, ldc = s.m > 1 ? s.m : 1;
    for (int64_t j = 0; j < s.n; ++j) {
        double colsum = 0.0;
        for (int64_t i = 0; i < s.m; ++i) {
            double ref = beta * c0[i + j * ldc];
            for (int64_t p = 0; p < s.k; ++p)
                ref += alpha * at(a, lda, ta, i, p) * at(b, ldb, tb, p, j);
            colsum += fabs(c[i + j * ldc] - ref);
        }
        if (colsum > diff || isnan(colsum)) diff = colsum;
    }
    double scale = fabs(alpha) * norm1(a, am, an) * norm1(b, bm, bn) + fabs(beta) * norm1(c0, s.m, s.n);
    double ratio = diff / ((scale > 0 ? scale : 1.0) * (double)(s.k > 1 ? s.k : 1) * tester_eps(dt));
    tester_case(t, err == PLA_OK && ratio < 10.0,
                "gemm %s %c%c m=%lld n=%lld k=%lld grid=%s blocks A%lldx%lld B%lldx%lld C%lldx%lld "
                "alpha=%g beta=%g  resid=%.2f",
                pla_dtype_name(dt), ta ? 'T' : 'N', tb ? 'T' : 'N', (long long)s.m, (long long)s.n,
                (long long)s.k, grid, (long long)blk[0], (long long)blk[1], (long long)blk[2],
                (long long)blk[3], (long long)blk[4], (long long)blk[5], alpha, beta, ratio);
    free(a); free(b); free(c0); free(c);
    pla_mat_destroy(&A); pla_mat_destroy(&B); pla_mat_destroy(&C);
}

void test_gemm(tester *t)
{
    static const shape shapes[] = {
        { 1, 1, 1 }, { 1, 37, 5 }, { 37, 1, 5 }, { 1, 1, 40 }, { 33, 45, 19 },
        { 100, 64, 130 }, { 5, 130, 3 }, { 17, 23, 0 },
    };
    static const int64_t blocks[] = { 1, 3, 64, 200 };
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        char grid[16];
        snprintf(grid, sizeof grid, "%dx%d", grids[g][0], grids[g][1]);
        for (int d = 0; d < 2; ++d) {
            pla_dtype dt = d ? PLA_F32 : PLA_F64;
            for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; ++si)
                for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; ++bi) {
                    int64_t nb = blocks[bi];
                    if (nb == 1 && shapes[si].m * shapes[si].n * shapes[si].k > 50000)
                        continue;  /* nb = 1 on large shapes only costs time; small ones cover it */
                    int64_t blk[6] = { nb, nb, nb, nb, nb, nb };
                    for (int tr = 0; tr < 4; ++tr)
                        one_case(t, ctx, dt, shapes[si], tr & 1, tr >> 1, tr == 0 ? 1.0 : -0.75,
                                 tr == 0 ? 0.0 : 1.5, blk, grid);
                }
            /* operands with different row and column blocks */
            int64_t mixed[6] = { 3, 5, 5, 2, 3, 2 };
            for (int tr = 0; tr < 4; ++tr)
                one_case(t, ctx, dt, (shape){ 41, 29, 23 }, tr & 1, tr >> 1, 2.0, -1.0, mixed, grid);
        }
        tester_ctx_free(t, &ctx);
        /* a tall product with few columns on 2 threads: the threads split
           its rows on one process (pla__blas_gemm_rows) */
        ctx = tester_ctx(grids[g][0], grids[g][1], 2);
        int64_t blk[6] = { 64, 64, 64, 64, 64, 64 };
        for (int d = 0; d < 2; ++d)
            for (int tr = 0; tr < 4; ++tr)
                one_case(t, ctx, d ? PLA_F32 : PLA_F64, (shape){ 1100, 40, 70 }, tr & 1, tr >> 1, 1.25, tr ? 0.5 : 0.0,
                         blk, grid);
        tester_ctx_free(t, &ctx);
    }
}
