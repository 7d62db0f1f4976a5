/* Moving matrices: copies between block sizes, grids and element types,
   transposes, scatter/gather round trips.  All exact comparisons. */
#include <stdio.h>
#include <stdlib.h>
#include "tester.h"

static double entry_fn(int64_t i, int64_t j, void *arg)
{
    (void)arg;
    return (double)(i * 1000 + j) + 0.25;  /* exact in float32 for the sizes here */
}

static int64_t count_wrong(const double *a, int64_t m, int64_t n, int transposed)
{
    int64_t bad = 0, ld = m > 1 ? m : 1;
    for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < m; ++i) {
            double want = transposed ? entry_fn(j, i, NULL) : entry_fn(i, j, NULL);
            if (a[i + j * ld] != want) bad++;
        }
    return bad;
}

static pla_mat *known(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t mb, int64_t nb)
{
    pla_mat *A = NULL;
    if (pla_mat_create(ctx, dt, m, n, mb, nb, &A) != PLA_OK || pla_mat_fill_fn(A, entry_fn, NULL) != PLA_OK)
        exit(2);
    return A;
}

static void check(tester *t, pla_err err, const pla_mat *B, int transposed, const char *what, const char *grid,
                  int64_t m, int64_t n)
{
    double *b = tester_gather_all(B);
    int64_t bad = count_wrong(b, pla_mat_rows(B), pla_mat_cols(B), transposed);
    tester_case(t, err == PLA_OK && bad == 0, "%s %lldx%lld grid=%s  wrong=%lld", what, (long long)m,
                (long long)n, grid, (long long)bad);
    free(b);
}

static void moves_on(tester *t, pla_ctx *ctx, pla_ctx *other, const char *grid)
{
    static const int64_t shapes[][2] = { { 1, 1 }, { 1, 29 }, { 29, 1 }, { 45, 31 }, { 130, 70 } };
    static const int64_t blocks[][2] = { { 1, 1 }, { 3, 5 }, { 64, 64 }, { 200, 200 } };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s)
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; ++b) {
            int64_t m = shapes[s][0], n = shapes[s][1], mb = blocks[b][0], nb = blocks[b][1];
            pla_mat *A = known(ctx, PLA_F64, m, n, mb, nb), *B = NULL, *T = NULL, *F = NULL, *D = NULL;
            /* to another block size on another grid */
            pla_err err = pla_mat_create(other, PLA_F64, m, n, nb + 2, mb + 1, &B);
            if (err == PLA_OK) err = pla_mat_copy(A, B);
            check(t, err, B, 0, "copy to other grid/blocks", grid, m, n);
            /* transpose */
            err = pla_mat_create(ctx, PLA_F64, n, m, mb, nb, &T);
            if (err == PLA_OK) err = pla_mat_transpose(A, T);
            check(t, err, T, 1, "transpose", grid, m, n);
            /* to float32 with a block change, then back through dup */
            err = pla_mat_create(ctx, PLA_F32, m, n, 7, 2, &F);
            if (err == PLA_OK) err = pla_mat_copy(A, F);
            if (err == PLA_OK) err = pla_mat_dup(F, &D);
            check(t, err, D, 0, "copy to float32 + dup", grid, m, n);
            pla_mat_destroy(&A); pla_mat_destroy(&B); pla_mat_destroy(&T);
            pla_mat_destroy(&F); pla_mat_destroy(&D);
        }
    /* scatter from the last rank, gather back on rank 0 (inside tester_gather_all) */
    int64_t m = 53, n = 17;
    double *buf = NULL;
    if (pla_ctx_rank(ctx) == pla_ctx_size(ctx) - 1) {
        buf = malloc((size_t)(m * n) * sizeof *buf);
        for (int64_t j = 0; j < n; ++j)
            for (int64_t i = 0; i < m; ++i) buf[i + j * m] = entry_fn(i, j, NULL);
    }
    pla_mat *S = NULL;
    pla_err err = pla_mat_create(ctx, PLA_F64, m, n, 4, 3, &S);
    if (err == PLA_OK) err = pla_mat_scatter(S, pla_ctx_size(ctx) - 1, buf, m);
    check(t, err, S, 0, "scatter from last rank", grid, m, n);
    free(buf);
    pla_mat_destroy(&S);
}

void test_moves(tester *t)
{
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        pla_ctx *other = tester_ctx(grids[ng - 1 - g][0], grids[ng - 1 - g][1], 1);
        char grid[32];
        snprintf(grid, sizeof grid, "%dx%d->%dx%d", grids[g][0], grids[g][1], grids[ng - 1 - g][0],
                 grids[ng - 1 - g][1]);
        moves_on(t, ctx, other, grid);
        tester_ctx_free(t, &other);
        tester_ctx_free(t, &ctx);
    }
}
