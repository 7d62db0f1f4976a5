/* Norms against direct computation on the gathered matrix (relative 1e-13 in
   float64; float32 data is summed in double either way). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "tester.h"

static double direct(pla_norm_kind kind, const double *a, int64_t m, int64_t n)
{
    double best = 0.0, ssq = 0.0;
    int64_t ld = m > 1 ? m : 1;
    if (kind == PLA_NORM_INF) {
        for (int64_t i = 0; i < m; ++i) {
            double s = 0.0;
            for (int64_t j = 0; j < n; ++j) s += fabs(a[i + j * ld]);
            if (s > best) best = s;
        }
        return best;
    }
    for (int64_t j = 0; j < n; ++j) {
        double s = 0.0;
        for (int64_t i = 0; i < m; ++i) {
            double v = fabs(a[i + j * ld]);
            s += v;
            ssq += v * v;
            if (kind == PLA_NORM_MAX && v > best) best = v;
        }
        if (kind == PLA_NORM_ONE && s > best) best = s;
    }
    return kind == PLA_NORM_FRO ? sqrt(ssq) : best;
}

void test_norms(tester *t)
{
    static const int64_t shapes[][2] = { { 0, 5 }, { 1, 1 }, { 1, 40 }, { 40, 1 }, { 57, 33 }, { 120, 130 } };
    static const pla_norm_kind kinds[] = { PLA_NORM_FRO, PLA_NORM_ONE, PLA_NORM_INF, PLA_NORM_MAX };
    static const char *names[] = { "fro", "one", "inf", "max" };
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s)
            for (int d = 0; d < 2; ++d) {
                pla_dtype dt = d ? PLA_F32 : PLA_F64;
                int64_t m = shapes[s][0], n = shapes[s][1];
                pla_mat *A = tester_random(ctx, dt, m, n, 5, 3, 11);
                double *a = tester_gather_all(A);
                for (int k = 0; k < 4; ++k) {
                    double got = -1.0, want = direct(kinds[k], a, m, n);
                    pla_err err = pla_norm(kinds[k], A, &got);
                    double rel = fabs(got - want) / (want > 0 ? want : 1.0);
                    tester_case(t, err == PLA_OK && rel < 1e-13, "norm %s %s %lldx%lld grid=%dx%d  rel=%.1e",
                                names[k], pla_dtype_name(dt), (long long)m, (long long)n, grids[g][0],
                                grids[g][1], rel);
                }
                free(a);
                pla_mat_destroy(&A);
            }
        tester_ctx_free(t, &ctx);
    }
}
