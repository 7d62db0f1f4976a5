/* Least squares.  Pass criteria (LAPACK's xQRT17 style, scaled by the data):
   ||op^T R||_1 / (max(m, n, r) ||A||_1 ||B||_1 eps) < 10 for the residual
   R = B - A X (- intercept), with op = A, or [A 1] with an intercept; ridge
   checks the regularized normal equations; rank-deficient and underdetermined
   problems check the minimum-norm property. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "tester.h"

static double norm1(const pla_mat *A)
{
    double v = -1;
    return pla_norm(PLA_NORM_ONE, A, &v) == PLA_OK ? v : NAN;
}

/* R := B - A X - 1 intercept^T */
static pla_mat *residual(const pla_mat *A, const pla_mat *B, const pla_mat *X, const double *intercept)
{
    pla_mat *R = NULL;
    if (pla_mat_dup(B, &R) != PLA_OK || pla_gemm(PLA_NOTRANS, PLA_NOTRANS, -1.0, A, X, 1.0, R) != PLA_OK ||
        pla_col_shift(R, intercept) != PLA_OK)
        exit(2);
    return R;
}

/* ||A^T R + ridge_term||_1 / (max(m,n,r) ||A||_1 ||B||_1 eps); ridge_term = -ridge X */
static double normal_ratio(const pla_mat *A, const pla_mat *B, const pla_mat *R, const pla_mat *X, double ridge)
{
    int64_t m = pla_mat_rows(A), n = pla_mat_cols(A), r = pla_mat_cols(B);
    pla_mat *G = NULL;
    double v = NAN;
    if (pla_mat_dup(X, &G) == PLA_OK && pla_gemm(PLA_TRANS, PLA_NOTRANS, 1.0, A, R, -ridge, G) == PLA_OK)
        v = norm1(G);
    pla_mat_destroy(&G);
    int64_t mx = m > n ? m : n;
    mx = mx > r ? mx : r;
    return v / ((double)mx * norm1(A) * norm1(B) * tester_eps(pla_mat_dtype(A)));
}

static const char *solver_name(pla_lstsq_solver s) { return pla_lstsq_solver_name(s); }

static void solve_case(tester *t, pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t r, int64_t nb,
                       pla_lstsq_solver solver, double ridge, int intercept, const char *grid)
{
    pla_mat *A = tester_random(ctx, dt, m, n, nb, nb, 31), *B = tester_random(ctx, dt, m, r, nb, nb, 32), *X = NULL;
    pla_lstsq_opts o = PLA_LSTSQ_OPTS_DEFAULT;
    o.solver = solver;
    o.ridge = ridge;
    o.intercept = intercept;
    pla_lstsq_result res;
    pla_err err = pla_lstsq(A, B, &o, &X, &res);
    double ratio = NAN, sum_ratio = 0.0, rn_err = 0.0;
    if (err == PLA_OK) {
        pla_mat *R = residual(A, B, X, res.intercept);
        ratio = normal_ratio(A, B, R, X, ridge);
        /* with an intercept the residual also sums to zero in every column */
        double *sums = calloc((size_t)r, sizeof *sums), *sq = calloc((size_t)r, sizeof *sq);
        if (pla_col_sums(R, sums) != PLA_OK || pla_col_sumsq(R, NULL, sq) != PLA_OK) exit(2);
        for (int64_t j = 0; j < r; ++j) {
            if (intercept)
                sum_ratio = fmax(sum_ratio, fabs(sums[j]) / ((double)m * norm1(B) * tester_eps(dt)));
            rn_err = fmax(rn_err, fabs(sqrt(sq[j]) - res.residual_norm[j]) / fmax(1e-300, sqrt(sq[j])));
        }
        free(sums);
        free(sq);
        pla_mat_destroy(&R);
    }
    int64_t full = m < n ? m : n;
    int ok = err == PLA_OK && ratio < 10.0 && sum_ratio < 10.0 && rn_err < 1e-6 && res.rank == full;
    tester_case(t, ok, "lstsq %-6s %s %lldx%lld r=%lld nb=%lld grid=%s ridge=%g icpt=%d  resid=%.2f sum=%.2f rank=%lld%s%s",
                solver_name(solver), pla_dtype_name(dt), (long long)m, (long long)n, (long long)r, (long long)nb,
                grid, ridge, intercept, ratio, sum_ratio, (long long)(err == PLA_OK ? res.rank : -1),
                err == PLA_OK ? "" : " ", err == PLA_OK ? "" : pla_ctx_errmsg(ctx));
    if (err == PLA_OK)
        pla_lstsq_result_free(&res);
    pla_mat_destroy(&A); pla_mat_destroy(&B); pla_mat_destroy(&X);
}

static double dup_col_fn(int64_t i, int64_t j, void *arg)
{
    int64_t n0 = *(const int64_t *)arg;  /* columns n0.. repeat columns 0.. */
    return pla_random_entry(PLA_NORMAL, 5, 0, i, j >= n0 ? j - n0 : j);
}

/* Rank-deficient (two repeated columns) and underdetermined problems: the
   minimum-norm solution, as numpy.linalg.lstsq gives. */
static void min_norm_cases(tester *t, pla_ctx *ctx, const char *grid)
{
    int64_t n0 = 9, m = 60, n = n0 + 2;
    pla_mat *A = NULL, *B = tester_random(ctx, PLA_F64, m, 2, 5, 5, 33), *X = NULL;
    if (pla_mat_create(ctx, PLA_F64, m, n, 5, 5, &A) != PLA_OK || pla_mat_fill_fn(A, dup_col_fn, &n0) != PLA_OK) exit(2);
    pla_lstsq_solver solvers[] = { PLA_LSTSQ_QR, PLA_LSTSQ_TSQR };
    for (int s = 0; s < 2; ++s) {
        pla_lstsq_opts o = PLA_LSTSQ_OPTS_DEFAULT;
        o.solver = solvers[s];
        pla_lstsq_result res;
        pla_err err = pla_lstsq(A, B, &o, &X, &res);
        double ratio = NAN, tie = NAN;
        if (err == PLA_OK) {
            pla_mat *R = residual(A, B, X, res.intercept);
            ratio = normal_ratio(A, B, R, X, 0.0);
            double *x = tester_gather_all(X);
            tie = 0;  /* repeated columns j and n0 + j share their weight equally in the minimum-norm solution */
            for (int64_t c = 0; c < 2; ++c)
                for (int64_t j = 0; j < 2; ++j) tie = fmax(tie, fabs(x[j + c * n] - x[n0 + j + c * n]));
            free(x);
            pla_mat_destroy(&R);
        }
        tester_case(t, err == PLA_OK && res.rank == n - 2 && ratio < 10.0 && tie < 1e-10,
                    "lstsq %s rank-deficient 60x11 (rank 9) grid=%s  rank=%lld resid=%.2f tie=%.1e",
                    solver_name(solvers[s]), grid, (long long)(err == PLA_OK ? res.rank : -1), ratio, tie);
        if (err == PLA_OK) pla_lstsq_result_free(&res);
        pla_mat_destroy(&X);
    }
    /* normal equations refuse the singular Gram matrix */
    pla_lstsq_opts o = PLA_LSTSQ_OPTS_DEFAULT;
    o.solver = PLA_LSTSQ_NORMAL;
    pla_lstsq_result res;
    pla_err err = pla_lstsq(A, B, &o, &X, &res);
    tester_case(t, tester_all(ctx, err == PLA_ERR_NUMERIC && X == NULL), "lstsq normal rank-deficient -> PLA_ERR_NUMERIC: %s",
                pla_ctx_errmsg(ctx));
    pla_mat_destroy(&A);
    pla_mat_destroy(&B);

    /* underdetermined 13 x 40: A X = B exactly, and X lies in the row space of A */
    A = tester_random(ctx, PLA_F64, 13, 40, 4, 4, 34);
    B = tester_random(ctx, PLA_F64, 13, 3, 4, 4, 35);
    o = PLA_LSTSQ_OPTS_DEFAULT;
    err = pla_lstsq(A, B, &o, &X, &res);
    double fit = NAN, outside = NAN;
    if (err == PLA_OK) {
        pla_mat *R = residual(A, B, X, res.intercept), *At = NULL, *Qt = NULL, *Rt = NULL, *P = NULL, *D = NULL;
        fit = norm1(R) / (norm1(A) * norm1(X) * 40 * tester_eps(PLA_F64));
        /* outside = ||X - Q Q^T X|| / ||X|| with Q an orthonormal basis of range(A^T) */
        if (pla_mat_create(ctx, PLA_F64, 40, 13, 4, 4, &At) != PLA_OK || pla_mat_transpose(A, At) != PLA_OK ||
            pla_qr(At, PLA_QR_HOUSEHOLDER, &Rt, &Qt) != PLA_OK || pla_mat_create(ctx, PLA_F64, 13, 3, 4, 4, &P) != PLA_OK ||
            pla_gemm(PLA_TRANS, PLA_NOTRANS, 1.0, Qt, X, 0.0, P) != PLA_OK || pla_mat_dup(X, &D) != PLA_OK ||
            pla_gemm(PLA_NOTRANS, PLA_NOTRANS, -1.0, Qt, P, 1.0, D) != PLA_OK)
            exit(2);
        outside = norm1(D) / (norm1(X) * 40 * tester_eps(PLA_F64));
        pla_mat_destroy(&R); pla_mat_destroy(&At); pla_mat_destroy(&Qt); pla_mat_destroy(&Rt);
        pla_mat_destroy(&P); pla_mat_destroy(&D);
        pla_lstsq_result_free(&res);
    }
    tester_case(t, err == PLA_OK && fit < 10.0 && outside < 10.0,
                "lstsq qr underdetermined 13x40 grid=%s  fit=%.2f outside-rowspace=%.2f", grid, fit, outside);
    pla_mat_destroy(&A); pla_mat_destroy(&B); pla_mat_destroy(&X);
}

static void bad_inputs(tester *t, pla_ctx *ctx)
{
    pla_mat *A = tester_random(ctx, PLA_F64, 20, 5, 4, 4, 1), *B = tester_random(ctx, PLA_F64, 19, 1, 4, 4, 2), *X = NULL;
    pla_mat *W = tester_random(ctx, PLA_F64, 5, 20, 4, 4, 3), *Bw = tester_random(ctx, PLA_F64, 5, 1, 4, 4, 4);
    pla_mat *Z = NULL, *B20 = tester_random(ctx, PLA_F64, 20, 1, 4, 4, 5);
    pla_lstsq_result res;
    pla_lstsq_opts o = PLA_LSTSQ_OPTS_DEFAULT;
    pla_err err = pla_lstsq(A, B, &o, &X, &res);
    tester_case(t, tester_all(ctx, err == PLA_ERR_DATA && X == NULL), "lstsq B rows mismatch -> DATA: %s", pla_ctx_errmsg(ctx));
    o.ridge = -1.0;
    err = pla_lstsq(A, B20, &o, &X, &res);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG), "lstsq ridge < 0 -> ARG: %s", pla_ctx_errmsg(ctx));
    o = PLA_LSTSQ_OPTS_DEFAULT;
    o.solver = PLA_LSTSQ_TSQR;
    err = pla_lstsq(W, Bw, &o, &X, &res);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG), "lstsq tsqr on 5x20 -> ARG: %s", pla_ctx_errmsg(ctx));
    o.solver = PLA_LSTSQ_NORMAL;
    err = pla_lstsq(W, Bw, &o, &X, &res);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG), "lstsq normal on 5x20 -> ARG: %s", pla_ctx_errmsg(ctx));
    if (pla_mat_create(ctx, PLA_F64, 20, 5, 4, 4, &Z) != PLA_OK) exit(2);
    o = PLA_LSTSQ_OPTS_DEFAULT;
    err = pla_lstsq(Z, B20, &o, &X, &res);
    tester_case(t, tester_all(ctx, err == PLA_ERR_DATA && X == NULL), "lstsq all-zero A -> DATA: %s", pla_ctx_errmsg(ctx));
    pla_mat_destroy(&A); pla_mat_destroy(&B); pla_mat_destroy(&W); pla_mat_destroy(&Bw);
    pla_mat_destroy(&Z); pla_mat_destroy(&B20);
}

void test_lstsq(tester *t)
{
    static const int64_t shapes[][3] = { { 200, 7, 1 }, { 97, 13, 3 }, { 40, 40, 2 }, { 300, 1, 1 }, { 1, 1, 1 } };
    static const int64_t blocks[] = { 3, 64 };
    int grids[8][2];
    int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        char grid[16];
        snprintf(grid, sizeof grid, "%dx%d", grids[g][0], grids[g][1]);
        for (int d = 0; d < 2; ++d)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s)
                for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; ++b) {
                    int64_t m = shapes[s][0], n = shapes[s][1], r = shapes[s][2];
                    pla_dtype dt = d ? PLA_F32 : PLA_F64;
                    solve_case(t, ctx, dt, m, n, r, blocks[b], PLA_LSTSQ_QR, 0.0, 0, grid);
                    if (m >= n + r) solve_case(t, ctx, dt, m, n, r, blocks[b], PLA_LSTSQ_TSQR, 0.0, 0, grid);
                    if (m > n + 1) {
                        solve_case(t, ctx, dt, m, n, r, blocks[b], PLA_LSTSQ_NORMAL, 0.0, 0, grid);
                        solve_case(t, ctx, dt, m, n, r, blocks[b], PLA_LSTSQ_AUTO, 0.0, 1, grid);
                        solve_case(t, ctx, dt, m, n, r, blocks[b], PLA_LSTSQ_QR, 2.5, 1, grid);
                        solve_case(t, ctx, dt, m, n, r, blocks[b], PLA_LSTSQ_NORMAL, 2.5, 1, grid);
                    }
                }
        min_norm_cases(t, ctx, grid);
        bad_inputs(t, ctx);
        tester_ctx_free(t, &ctx);
    }
    /* many rows per rank and two threads: the TSQR leaves stream their rows
       in several blocks per thread (src/solvers/tsqr_leaf.c) */
    pla_ctx *ctx = tester_ctx(t->size, 1, 2);
    char grid[16];
    snprintf(grid, sizeof grid, "%dx1 2thr", t->size);
    for (int d = 0; d < 2; ++d)
        for (int icpt = 0; icpt < 2; ++icpt) {
            solve_case(t, ctx, d ? PLA_F32 : PLA_F64, 40000, 7, 2, 64, PLA_LSTSQ_TSQR, 0.0, icpt, grid);
            solve_case(t, ctx, d ? PLA_F32 : PLA_F64, 40000, 7, 2, 4096, PLA_LSTSQ_TSQR, 1.5, icpt, grid);
        }
    tester_ctx_free(t, &ctx);
}
