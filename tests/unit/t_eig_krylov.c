/* The Krylov eigensolver for a few extreme pairs (src/solvers/eig_krylov.c):
   ||A Z - Z diag(w)||_1 / (||A||_1 n eps) and ||I - Z^T Z||_1 / (n eps)
   below 10, eigenvalues within 10 ||A||_1 n eps of the direct solver's,
   ascending, the same on every rank, the sign convention; matrices with a
   covariance-like geometric spectrum, a repeated top eigenvalue, a negative
   one for the smallest pairs, and the random G + G^T (the hard case: a
   semicircle, slow at the edge); the argument checks; PLA_ERR_NUMERIC on
   every rank when the restart cap is hit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tester.h"
#include "solvers/eig_krylov.h"

typedef enum { GEOMETRIC, CLUSTERED, NEGATIVE, RANDOM_SYM } spectrum;

static const char *spectrum_name(spectrum s)
{
    return s == GEOMETRIC ? "geometric" : s == CLUSTERED ? "repeated-top" : s == NEGATIVE ? "negative" : "G+G^T";
}

/* The i-th of n prescribed eigenvalues (any order). */
static double eigenvalue(spectrum s, int64_t i, int64_t n)
{
    const double r = pow(1e-3, 1.0 / (double)n);  /* a covariance-like decay over three decades */
    switch (s) {
    case GEOMETRIC: return pow(r, (double)i);
    case CLUSTERED: return i < 4 ? 1.0 : i < 7 ? 0.9 + 1e-9 * (double)i : 0.8 * pow(r, (double)i);
    case NEGATIVE: return -2.0 * pow(r, (double)i) + 0.25;
    case RANDOM_SYM: break;
    }
    return 0;
}

/* B := (B + B^T) / 2 (exact symmetry). */
static void symmetrize(pla_mat *B)
{
    pla_mat *T = NULL;
    if (pla_mat_create(pla_mat_ctx(B), pla_mat_dtype(B), pla_mat_rows(B), pla_mat_cols(B), pla_mat_mb(B),
                       pla_mat_nb(B), &T) != PLA_OK ||
        pla_mat_transpose(B, T) != PLA_OK || pla_add(0.5, T, 0.5, B) != PLA_OK)
        exit(2);
    pla_mat_destroy(&T);
}

/* A (n x n, blocks nb, type dt): Q diag(lambda) Q^T with Q from the QR of a
   seeded normal matrix, or G + G^T. */
static pla_mat *make_matrix(pla_ctx *ctx, pla_dtype dt, spectrum s, int64_t n, int64_t nb)
{
    pla_mat *A = NULL, *B = NULL, *Q = NULL, *QS = NULL, *R = NULL, *G = tester_random(ctx, PLA_F64, n, n, nb, nb, 71);
    if (s == RANDOM_SYM) {
        B = G;
        G = NULL;
    } else {
        if (pla_qr(G, PLA_QR_HOUSEHOLDER, &R, &Q) != PLA_OK || pla_mat_dup(Q, &QS) != PLA_OK ||
            pla_mat_dup(Q, &B) != PLA_OK)
            exit(2);
        void *d;
        int64_t lld, ml, nl;
        pla_mat_local(QS, &d, &lld, &ml, &nl);
        for (int64_t jl = 0; jl < nl; ++jl) {
            const double f = eigenvalue(s, pla_mat_col_l2g(QS, jl), n);
            for (int64_t il = 0; il < ml; ++il)
                ((double *)d)[il + jl * lld] *= f;
        }
        if (pla_gemm(PLA_NOTRANS, PLA_TRANS, 1.0, QS, Q, 0.0, B) != PLA_OK)  /* Q diag(lambda) Q^T */
            exit(2);
    }
    pla_mat_destroy(&G);
    pla_mat_destroy(&Q);
    pla_mat_destroy(&QS);
    pla_mat_destroy(&R);
    symmetrize(B);
    if (pla_mat_create(ctx, dt, n, n, nb, nb, &A) != PLA_OK || pla_mat_copy(B, A) != PLA_OK)
        exit(2);
    pla_mat_destroy(&B);
    return A;
}

/* ||A Z - Z diag(w)||_1 / (||A||_1 n eps). */
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
                if (pla_mat_dtype(ZW) == PLA_F64)
                    ((double *)d)[il + jl * lld] *= f;
                else
                    ((float *)d)[il + jl * lld] *= (float)f;
            }
        if (pla_mat_dup(Z, &R) == PLA_OK && pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, A, Z, 0.0, R) == PLA_OK &&
            pla_add(-1.0, ZW, 1.0, R) == PLA_OK && pla_norm(PLA_NORM_ONE, R, &nr) == PLA_OK &&
            pla_norm(PLA_NORM_ONE, A, &na) == PLA_OK)
            nr /= (na > 0 ? na : 1.0) * (double)n * tester_eps(pla_mat_dtype(A));
    }
    pla_mat_destroy(&R);
    pla_mat_destroy(&ZW);
    return nr;
}

/* Each column's largest-magnitude entry (the first on ties) is positive. */
static int signs_ok(const pla_mat *Z)
{
    const int64_t n = pla_mat_rows(Z), k = pla_mat_cols(Z);
    double *z = tester_gather_all(Z);
    int ok = 1;
    for (int64_t j = 0; j < k; ++j) {
        int64_t best = 0;
        for (int64_t i = 1; i < n; ++i)
            if (fabs(z[i + j * n]) > fabs(z[best + j * n]))
                best = i;
        ok &= z[best + j * n] > 0;
    }
    free(z);
    return ok;
}

/* 1 if w (k values) is the same on every rank as on rank 0. */
static int same_everywhere(pla_ctx *ctx, const double *w, int64_t k)
{
    double *w0 = malloc(sizeof(double) * (size_t)k), diff = 0;
    memcpy(w0, w, sizeof(double) * (size_t)k);
    if (pla_ctx_bcast(ctx, w0, (int64_t)sizeof(double) * k, 0) != PLA_OK)
        exit(2);
    for (int64_t i = 0; i < k; ++i)
        diff = fmax(diff, fabs(w0[i] - w[i]));
    free(w0);
    return tester_all(ctx, diff == 0);
}

static void one_case(tester *t, pla_ctx *ctx, const char *grid, pla_dtype dt, spectrum s, int64_t n, int64_t nb,
                     int64_t k, int largest)
{
    pla_mat *A = make_matrix(ctx, dt, s, n, nb), *Z = NULL;
    double *w = calloc((size_t)k, sizeof *w), *v = calloc((size_t)k, sizeof *v), *all = calloc((size_t)n, sizeof *all);
    double res = -1, orth = -1, dw = -1, dv = -1, na = 0;
    int asc = 1, same = 0, signs = 0;
    pla_eig_krylov_stats st = { 0, 0, 0 };
    pla_err err = pla__eig_krylov(A, k, largest, 0.0, w, &Z, &st);
    if (err == PLA_OK) {
        res = residual(A, Z, w);
        orth = tester_orthogonality(ctx, Z, n);
        signs = n <= 400 ? signs_ok(Z) : 1;
        same = same_everywhere(ctx, w, k);
        for (int64_t i = 1; i < k; ++i)
            asc &= w[i] >= w[i - 1];
        /* against the direct solver, and the values alone (no Z) */
        if (pla_eigh(A, 1, all, NULL) != PLA_OK || pla_norm(PLA_NORM_ONE, A, &na) != PLA_OK)
            exit(2);
        const double scale = na * (double)n * tester_eps(dt);
        dw = 0;
        for (int64_t i = 0; i < k; ++i)
            dw = fmax(dw, fabs(w[i] - all[largest ? n - k + i : i]) / scale);
        err = pla__eig_krylov(A, k, largest, 0.0, v, NULL, NULL);
        dv = 0;
        for (int64_t i = 0; err == PLA_OK && i < k; ++i)
            dv = fmax(dv, fabs(v[i] - w[i]) / scale);
    }
    const int ok = tester_all(ctx, err == PLA_OK && res >= 0 && res < 10 && orth >= 0 && orth < 10 && dw >= 0 &&
                                       dw < 10 && dv >= 0 && dv < 10 && asc && same && signs);
    tester_case(t, ok,
                "eig_krylov %s %s n=%lld nb=%lld k=%lld %s grid=%s: resid=%.2f orth=%.2f vs-direct=%.2f "
                "values-only=%.2f restarts=%d products=%lld max-res=%.1e%s%s%s%s",
                pla_dtype_name(dt), spectrum_name(s), (long long)n, (long long)nb, (long long)k,
                largest ? "largest" : "smallest", grid, res, orth, dw, dv, st.restarts, (long long)st.block_multiplies,
                st.max_residual, asc ? "" : " (not ascending)", same || err ? "" : " (w differs across ranks)",
                signs || err ? "" : " (signs)", err == PLA_OK ? "" : pla_ctx_errmsg(ctx));
    free(w);
    free(v);
    free(all);
    pla_mat_destroy(&Z);
    pla_mat_destroy(&A);
}

/* Bad arguments, the restart cap and non-finite input: the same code on every rank. */
static void error_cases(tester *t, pla_ctx *ctx, const char *grid)
{
    pla_mat *A = make_matrix(ctx, PLA_F64, RANDOM_SYM, 200, 16), *W = tester_random(ctx, PLA_F64, 40, 30, 8, 8, 5);
    pla_mat *Z = NULL, *B = NULL;
    double w[60];
    pla_eig_krylov_stats st = { 0, 0, 0 };
    pla_err err = pla__eig_krylov(A, 51, 1, 0.0, w, &Z, NULL);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG && Z == NULL),
                "eig_krylov k=51 of n=200 -> PLA_ERR_ARG grid=%s: %s", grid, pla_ctx_errmsg(ctx));
    err = pla__eig_krylov(A, 0, 1, 0.0, w, &Z, NULL);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG), "eig_krylov k=0 -> PLA_ERR_ARG grid=%s", grid);
    err = pla__eig_krylov(W, 5, 1, 0.0, w, &Z, NULL);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG), "eig_krylov on 40x30 -> PLA_ERR_ARG grid=%s", grid);
    err = pla__eig_krylov(A, 5, 1, NAN, w, &Z, NULL);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG), "eig_krylov tol=NaN -> PLA_ERR_ARG grid=%s", grid);
    /* the cap: no restart allowed, or a tolerance below rounding with a cap of 3 */
    pla_eig_krylov_opts o = { .max_restarts = -1, .basis = 60 };
    err = pla__eig_krylov_ex(A, 10, 1, 0.0, &o, w, &Z, &st);
    tester_case(t, tester_all(ctx, err == PLA_ERR_NUMERIC && Z == NULL && st.restarts == 0),
                "eig_krylov no restart allowed -> PLA_ERR_NUMERIC grid=%s: %s", grid, pla_ctx_errmsg(ctx));
    o = (pla_eig_krylov_opts){ .max_restarts = 3 };
    err = pla__eig_krylov_ex(A, 10, 0, 1e-30, &o, w, &Z, &st);
    tester_case(t, tester_all(ctx, err == PLA_ERR_NUMERIC && Z == NULL && st.restarts == 3),
                "eig_krylov tol=1e-30 cap=3 -> PLA_ERR_NUMERIC after %d restarts, %lld products grid=%s: %s",
                st.restarts, (long long)st.block_multiplies, grid, pla_ctx_errmsg(ctx));
    /* sizes that do not fit */
    o = (pla_eig_krylov_opts){ .block = 40, .basis = 100 };
    err = pla__eig_krylov_ex(A, 30, 1, 0.0, &o, w, &Z, NULL);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG), "eig_krylov block 40 basis 100 k=30 -> PLA_ERR_ARG grid=%s",
                grid);
    /* a NaN on one rank's block */
    if (pla_mat_dup(A, &B) != PLA_OK)
        exit(2);
    void *d;
    int64_t lld, ml, nl;
    pla_mat_local(B, &d, &lld, &ml, &nl);
    if (ml > 0 && nl > 0 && pla_ctx_rank(ctx) == pla_ctx_size(ctx) - 1)
        ((double *)d)[0] = NAN;
    err = pla__eig_krylov(B, 5, 1, 0.0, w, &Z, NULL);
    tester_case(t, tester_all(ctx, err == PLA_ERR_NUMERIC && Z == NULL), "eig_krylov NaN in A -> PLA_ERR_NUMERIC grid=%s: %s",
                grid, pla_ctx_errmsg(ctx));
    /* the smallest n allowed, k = n/4 and k = 1 */
    pla_mat_destroy(&B);
    B = make_matrix(ctx, PLA_F64, GEOMETRIC, 4, 2);
    err = pla__eig_krylov(B, 1, 1, 0.0, w, &Z, NULL);
    tester_case(t, tester_all(ctx, err == PLA_OK && fabs(w[0] - 1.0) < 1e-13),
                "eig_krylov n=4 k=1: w=%.15f grid=%s%s", w[0], grid, err ? pla_ctx_errmsg(ctx) : "");
    pla_mat_destroy(&Z);
    pla_mat_destroy(&B);
    pla_mat_destroy(&A);
    pla_mat_destroy(&W);
}

void test_eig_krylov(tester *t)
{
    static const struct {
        spectrum s;
        int64_t n, nb, k;
        int largest;
    } cases[] = {
        { GEOMETRIC, 150, 3, 10, 1 },  { RANDOM_SYM, 150, 3, 8, 0 },  { CLUSTERED, 301, 16, 12, 1 },
        { NEGATIVE, 301, 16, 10, 0 },  { RANDOM_SYM, 301, 64, 10, 1 }, { GEOMETRIC, 700, 64, 20, 1 },
        { RANDOM_SYM, 700, 16, 16, 0 }, { GEOMETRIC, 40, 3, 10, 1 },   { CLUSTERED, 64, 64, 16, 1 },
    };
    int grids[8][2];
    const int ng = tester_grids(t->size, grids, 8);
    for (int g = 0; g < ng; ++g) {
        pla_ctx *ctx = tester_ctx(grids[g][0], grids[g][1], 1);
        char grid[16];
        snprintf(grid, sizeof grid, "%dx%d", grids[g][0], grids[g][1]);
        for (int d = 0; d < 2; ++d)
            for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c)
                one_case(t, ctx, grid, d ? PLA_F32 : PLA_F64, cases[c].s, cases[c].n, cases[c].nb, cases[c].k,
                         cases[c].largest);
        error_cases(t, ctx, grid);
        tester_ctx_free(t, &ctx);
    }
}
