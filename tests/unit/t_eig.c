/* Symmetric eigenproblems: ||A Z - Z diag(w)||_1 / (||A||_1 n eps) and
   ||I - Z^T Z||_1 / (n eps) below 10, ascending w, the sign convention,
   eigenvalues alone equal to those with vectors, the other triangle
   ignored, and the symmetry measure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "tester.h"

/* A = G + G^T for a random G (exactly symmetric). */
static pla_mat *random_symmetric(pla_ctx *ctx, pla_dtype dt, int64_t n, int64_t nb)
{
    pla_mat *G = tester_random(ctx, dt, n, n, nb, nb, 51), *A = NULL;
    if (pla_mat_create(ctx, dt, n, n, nb, nb, &A) != PLA_OK || pla_mat_transpose(G, A) != PLA_OK ||
        pla_add(1.0, G, 1.0, A) != PLA_OK)
        exit(2);
    pla_mat_destroy(&G);
    return A;
}

static double residual(const pla_mat *A, const pla_mat *Z, const double *w)
{
    const int64_t n = pla_mat_rows(A);
    pla_mat *R = NULL, *ZW = NULL;
    double nr = -1, na = 0;
    if (pla_mat_dup(Z, &ZW) == PLA_OK) {
        void *d;
        int64_t lld, ml, nl;
        pla_mat_local(ZW, &d, &lld, &ml, &nl);
        for (int64_t jl = 0; jl < nl; ++jl)
            for (int64_t il = 0; il < ml; ++il) {
                const double f = w[pla_mat_col_l2g(ZW, jl)];
                if (pla_mat_dtype(ZW) == PLA_F64) ((double *)d)[il + jl * lld] *= f;
                else ((float *)d)[il + jl * lld] *= (float)f;
            }
        if (pla_mat_dup(Z, &R) == PLA_OK &&
            pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, A, Z, 0.0, R) == PLA_OK && pla_add(-1.0, ZW, 1.0, R) == PLA_OK &&
            pla_norm(PLA_NORM_ONE, R, &nr) == PLA_OK && pla_norm(PLA_NORM_ONE, A, &na) == PLA_OK)
            nr /= (na > 0 ? na : 1.0) * (double)n * tester_eps(pla_mat_dtype(A));
    }
    pla_mat_destroy(&R);
    pla_mat_destroy(&ZW);
    return nr;
}

/* Ascending w, and each column's largest-magnitude entry (first on ties) positive. */
static int conventions_ok(const pla_mat *Z, const double *w)
{
    const int64_t n = pla_mat_rows(Z);
    double *z = tester_gather_all(Z);
    int ok = 1;
    for (int64_t j = 0; j < n; ++j) {
        if (j > 0 && w[j] < w[j - 1])
            ok = 0;
        int64_t best = 0;
        for (int64_t i = 1; i < n; ++i)
            if (fabs(z[i + j * n]) > fabs(z[best + j * n]))
                best = i;
        if (z[best + j * n] < 0)
            ok = 0;
    }
    free(z);
    return ok;
}

static void one_case(tester *t, pla_ctx *ctx, pla_dtype dt, int64_t n, int64_t nb, const char *grid)
{
    pla_mat *A = random_symmetric(ctx, dt, n, nb), *Z = NULL, *B = NULL;
    double *w = calloc((size_t)n, sizeof *w), *v = calloc((size_t)n, sizeof *v), *u = calloc((size_t)n, sizeof *u);
    pla_err err = pla_eigh(A, 1, w, &Z);
    double res = -1, orth = -1, dv = -1, du = -1, na = 0;
    int conv = 0;
    if (err == PLA_OK) {
        res = residual(A, Z, w);
        orth = tester_orthogonality(ctx, Z, n);
        conv = conventions_ok(Z, w);
        /* eigenvalues alone; and from the upper triangle with garbage below it */
        err = pla_eigh(A, 1, v, NULL);
    }
    if (err == PLA_OK && pla_mat_dup(A, &B) == PLA_OK) {
        void *d;
        int64_t lld, ml, nl;
        pla_mat_local(B, &d, &lld, &ml, &nl);
        for (int64_t jl = 0; jl < nl; ++jl)
            for (int64_t il = 0; il < ml; ++il)
                if (pla_mat_row_l2g(B, il) > pla_mat_col_l2g(B, jl)) {
                    if (dt == PLA_F64) ((double *)d)[il + jl * lld] = 1e3;
                    else ((float *)d)[il + jl * lld] = 1e3f;
                }
        err = pla_eigh(B, 0, u, NULL);
        if (pla_norm(PLA_NORM_ONE, A, &na) != PLA_OK)
            exit(2);
        dv = du = 0;
        for (int64_t i = 0; i < n; ++i) {
            dv = fmax(dv, fabs(v[i] - w[i]) / (na * (double)n * tester_eps(dt)));
            du = fmax(du, fabs(u[i] - v[i]) / (na * (double)n * tester_eps(dt)));
        }
    }
    int ok = tester_all(ctx, err == PLA_OK && res >= 0 && res < 10 && orth >= 0 && orth < 10 && conv && dv >= 0 &&
                                 dv < 10 && du >= 0 && du < 10);
    tester_case(t, ok, "eig %s n=%lld nb=%lld grid=%s  resid=%.2f orth=%.2f values-only=%.2f upper=%.2f%s%s",
                pla_dtype_name(dt), (long long)n, (long long)nb, grid, res, orth, dv, du,
                conv ? "" : " (order or signs wrong)", err == PLA_OK ? "" : pla_ctx_errmsg(ctx));
    free(w);
    free(v);
    free(u);
    pla_mat_destroy(&A);
    pla_mat_destroy(&B);
    pla_mat_destroy(&Z);
}

/* pla_symmetry_error finds the planted worst pair; pla_eigh refuses non-square input. */
static void symmetry_cases(tester *t, pla_ctx *ctx, const char *grid)
{
    pla_mat *A = random_symmetric(ctx, PLA_F64, 23, 4), *W = tester_random(ctx, PLA_F64, 5, 7, 4, 4, 3);
    double diff = -1, amax = -1, w[7];
    int64_t i = -1, j = -1;
    void *d;
    int64_t lld, ml, nl;
    pla_mat_local(A, &d, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl)
        for (int64_t il = 0; il < ml; ++il)
            if (pla_mat_row_l2g(A, il) == 17 && pla_mat_col_l2g(A, jl) == 4)
                ((double *)d)[il + jl * lld] += 0.5;  /* A(17, 4) != A(4, 17) */
    pla_err err = pla_symmetry_error(A, &diff, &amax, &i, &j);
    tester_case(t, tester_all(ctx, err == PLA_OK && fabs(diff - 0.5) < 1e-12 && amax > 0 && i == 4 && j == 17),
                "eig symmetry_error grid=%s: diff=%.3g at (%lld, %lld)", grid, diff, (long long)i, (long long)j);
    err = pla_eigh(W, 1, w, NULL);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG), "eig on 5x7 -> PLA_ERR_ARG: %s", pla_ctx_errmsg(ctx));
    pla_mat_destroy(&A);
    pla_mat_destroy(&W);
}

void test_eig(tester *t)
{
    static const int64_t sizes[] = { 1, 2, 17, 50, 64, 100 };
    static const int64_t blocks[] = { 3, 64 };
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        char grid[16];
        snprintf(grid, sizeof grid, "%dx%d", grids[g][0], grids[g][1]);
        for (int d = 0; d < 2; ++d)
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; ++s)
                for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; ++b)
                    one_case(t, ctx, d ? PLA_F32 : PLA_F64, sizes[s], blocks[b], grid);
        symmetry_cases(t, ctx, grid);
        tester_ctx_free(t, &ctx);
    }
}
