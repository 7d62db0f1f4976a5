/* The counter-based generator: a matrix filled on any grid, block size or
   thread count equals, bit for bit, the pure function of (seed, stream, i, j). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "tester.h"

static void check_fill(tester *t, pla_ctx *ctx, const char *grid, int threads, pla_dist dist, int64_t m,
                       int64_t n, int64_t mb, int64_t nb)
{
    pla_mat *A = NULL;
    int ok = pla_mat_create(ctx, PLA_F64, m, n, mb, nb, &A) == PLA_OK &&
             pla_mat_fill_random(A, dist, 42, 7) == PLA_OK;
    ok = tester_all(ctx, ok);
    double *a = tester_gather_all(A);
    int64_t ld = m > 1 ? m : 1, mismatches = 0;
    double mean = 0.0;
    for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < m; ++i) {
            double want = pla_random_entry(dist, 42, 7, i, j);
            if (a[i + j * ld] != want) mismatches++;
            mean += a[i + j * ld];
        }
    mean /= (double)(m * n > 0 ? m * n : 1);
    /* sanity of the distribution: uniform mean near 1/2, normal near 0 (m*n >= 1000 here) */
    double expect = dist == PLA_UNIFORM ? 0.5 : 0.0;
    int plausible = m * n < 1000 || fabs(mean - expect) < 0.1;
    tester_case(t, ok && mismatches == 0 && plausible,
                "rng %s %lldx%lld blocks %lldx%lld grid=%s threads=%d  mismatches=%lld mean=%.3f",
                dist == PLA_UNIFORM ? "uniform" : "normal", (long long)m, (long long)n, (long long)mb,
                (long long)nb, grid, threads, (long long)mismatches, mean);
    free(a);
    pla_mat_destroy(&A);
}

void test_rng(tester *t)
{
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g)
        for (int threads = 1; threads <= 2; ++threads) {
            pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], threads);
            char grid[16];
            snprintf(grid, sizeof grid, "%dx%d", grids[g][0], grids[g][1]);
            check_fill(t, ctx, grid, threads, PLA_UNIFORM, 77, 51, 8, 5);
            check_fill(t, ctx, grid, threads, PLA_NORMAL, 77, 51, 64, 64);
            check_fill(t, ctx, grid, threads, PLA_NORMAL, 1, 300, 1, 7);
            check_fill(t, ctx, grid, threads, PLA_UNIFORM, 300, 1, 3, 1);
            tester_ctx_free(t, &ctx);
        }
    /* different streams and seeds give different numbers */
    int differ = pla_random_entry(PLA_NORMAL, 1, 0, 3, 4) != pla_random_entry(PLA_NORMAL, 1, 1, 3, 4) &&
                 pla_random_entry(PLA_NORMAL, 1, 0, 3, 4) != pla_random_entry(PLA_NORMAL, 2, 0, 3, 4) &&
                 pla_random_entry(PLA_NORMAL, 1, 0, 3, 4) != pla_random_entry(PLA_NORMAL, 1, 0, 4, 3);
    tester_case(t, differ, "rng streams, seeds and transposed positions differ");
}
