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

/* ||A Z - B Z diag(w)||_1 / (||A||_1 n eps) (B = NULL: the identity). */
static double residual(const pla_mat *A, const pla_mat *B, const pla_mat *Z, const double *w)
{
    const int64_t n = pla_mat_rows(A);
    pla_mat *R = NULL, *ZW = NULL;
    double nr = -1, na = 0;
    if (pla_mat_dup(Z, &ZW) == PLA_OK && pla_mat_dup(Z, &R) == PLA_OK) {
        void *d;
        int64_t lld, ml, nl;
        pla_mat_local(ZW, &d, &lld, &ml, &nl);
        for (int64_t jl = 0; jl < nl; ++jl)
            for (int64_t il = 0; il < ml; ++il) {
                const double f = w[pla_mat_col_l2g(ZW, jl)];
                if (pla_mat_dtype(ZW) == PLA_F64) ((double *)d)[il + jl * lld] *= f;
                else ((float *)d)[il + jl * lld] *= (float)f;
            }
        if (B && pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, B, ZW, 0.0, R) == PLA_OK)
            pla_mat_copy(R, ZW) == PLA_OK ? (void)0 : exit(2);
        if (pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, A, Z, 0.0, R) == PLA_OK && pla_add(-1.0, ZW, 1.0, R) == PLA_OK &&
            pla_norm(PLA_NORM_ONE, R, &nr) == PLA_OK && pla_norm(PLA_NORM_ONE, A, &na) == PLA_OK)
            nr /= (na > 0 ? na : 1.0) * (double)n * tester_eps(pla_mat_dtype(A));
    }
    pla_mat_destroy(&R);
    pla_mat_destroy(&ZW);
    return nr;
}

/* ||Z^T B Z - I||_1 / (n eps): B-orthonormality of the pencil's vectors. */
static double b_orthogonality(pla_ctx *ctx, const pla_mat *B, const pla_mat *Z)
{
    const int64_t n = pla_mat_rows(Z), k = pla_mat_cols(Z);
    pla_mat *BZ = NULL, *M = NULL;
    double r = -1;
    if (pla_mat_dup(Z, &BZ) == PLA_OK && pla_mat_create(ctx, pla_mat_dtype(Z), k, k, 8, 8, &M) == PLA_OK &&
        pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, B, Z, 0.0, BZ) == PLA_OK &&
        pla_gemm(PLA_TRANS, PLA_NOTRANS, 1.0, Z, BZ, 0.0, M) == PLA_OK) {
        double *m = tester_gather_all(M);
        r = 0;
        for (int64_t j = 0; j < k; ++j) {
            double c = 0;
            for (int64_t i = 0; i < k; ++i)
                c += fabs(m[i + j * k] - (i == j));
            r = fmax(r, c);
        }
        r /= (double)n * tester_eps(pla_mat_dtype(Z));
        free(m);
    }
    pla_mat_destroy(&BZ);
    pla_mat_destroy(&M);
    return r;
}

/* Ascending w, and each column's largest-magnitude entry (first on ties) positive. */
static int conventions_ok(const pla_mat *Z, const double *w)
{
    const int64_t n = pla_mat_rows(Z), k = pla_mat_cols(Z);
    double *z = tester_gather_all(Z);
    int ok = 1;
    for (int64_t j = 0; j < k; ++j) {
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
        res = residual(A, NULL, Z, w);
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


/* The orthogonality bound, in units of n eps (eps = unit roundoff): 10 for
   divide and conquer, ELPA and Krylov; MRRR guarantees O(n eps) with a larger
   constant, and LAPACK's own tests (sep.in, THRESH = 20 ulp = 40 eps) accept
   its vectors up to that: the same bound here. */
static double orth_bound(pla_eig_solver used)
{
    return used == PLA_EIG_MRRR ? 40.0 : 10.0;
}

/* max |w[i] - ref[i]| / (||A||_1 n eps) */
static double value_error(const double *w, const double *ref, int64_t k, double na, int64_t n, pla_dtype dt)
{
    double e = 0;
    for (int64_t i = 0; i < k; ++i)
        e = fmax(e, fabs(w[i] - ref[i]) / ((na > 0 ? na : 1) * (double)n * tester_eps(dt)));
    return e;
}

/* One subset by one solver against the full solution wall: values, residual,
   orthogonality, conventions. */
static void subset_case(tester *t, pla_ctx *ctx, const pla_mat *A, const double *wall, pla_eig_solver solver,
                        pla_eig_opts o, int64_t want_il, int64_t want_k, const char *what)
{
    const int64_t n = pla_mat_rows(A);
    const pla_dtype dt = pla_mat_dtype(A);
    double *w = calloc((size_t)n, sizeof *w), na = 0, res = -1, orth = -1, ve = -1;
    pla_mat *Z = NULL;
    int64_t k = -1;
    pla_eig_solver used = PLA_EIG_AUTO;
    o.solver = solver;
    pla_err err = pla_eig(A, NULL, &o, &k, w, &Z, &used);
    int conv = 0;
    if (err == PLA_OK && pla_norm(PLA_NORM_ONE, A, &na) == PLA_OK && k == want_k) {
        ve = value_error(w, wall + want_il, k, na, n, dt);
        if (k > 0) {
            res = residual(A, NULL, Z, w);
            orth = tester_orthogonality(ctx, Z, n);
            conv = conventions_ok(Z, w);
        } else {
            res = orth = 0;
            conv = Z == NULL || pla_mat_cols(Z) == 0;
        }
    }
    /* an interval with no eigenvalue is settled by MRRR's eigenvalues alone */
    const int used_ok = solver == PLA_EIG_AUTO || used == solver ||
                        (o.range == PLA_EIG_RANGE_VALUES && k == 0 && used == PLA_EIG_MRRR);
    const int ok = err == PLA_OK && k == want_k && ve >= 0 && ve < 10 && res >= 0 && res < 10 && orth >= 0 &&
                   orth < orth_bound(used) && conv && used_ok;
    tester_case(t, tester_all(ctx, ok),
                "eig %s %s n=%lld nb=%lld %s (%s): k=%lld values=%.2f resid=%.2f orth=%.2f%s %s", pla_dtype_name(dt),
                pla_eig_solver_name(solver), (long long)n, (long long)pla_mat_nb(A), what,
                pla_eig_solver_name(used), (long long)k, ve, res, orth, conv ? "" : " (order or signs wrong)",
                err == PLA_OK ? "" : pla_ctx_errmsg(ctx));
    free(w);
    pla_mat_destroy(&Z);
}

/* Subsets by index (fewer pairs than the block size too: the p?syevr guard),
   by value interval (one that holds no eigenvalue gives k = 0), the ends,
   with every solver this build has. */
static void subset_cases(tester *t, pla_ctx *ctx, pla_dtype dt, int64_t n, int64_t nb)
{
    pla_mat *A = random_symmetric(ctx, dt, n, nb);
    double *wall = calloc((size_t)n, sizeof *wall);
    if (pla_eigh(A, 1, wall, NULL) != PLA_OK)
        exit(2);
    const pla_eig_solver solvers[] = { PLA_EIG_AUTO, PLA_EIG_DC, PLA_EIG_MRRR, PLA_EIG_ELPA, PLA_EIG_KRYLOV };
    const int64_t mid = n / 3, few = n < 5 ? n - mid : 5, top = n / 10 > 0 ? n / 10 : 1;
    for (size_t s = 0; s < sizeof solvers / sizeof solvers[0]; ++s) {
        if (!pla_eig_solver_available(solvers[s]))
            continue;
        pla_eig_opts o = pla_eig_defaults();
        o.range = PLA_EIG_RANGE_INDEX;
        if (solvers[s] != PLA_EIG_KRYLOV) {
            o.il = mid;
            o.iu = mid + few - 1;
            subset_case(t, ctx, A, wall, solvers[s], o, mid, few, "middle index range");
            o.range = PLA_EIG_RANGE_VALUES;  /* around pairs mid..mid+few-1 */
            o.vl = mid > 0 ? 0.5 * (wall[mid - 1] + wall[mid]) : wall[0] - 1;
            o.vu = mid + few < n ? 0.5 * (wall[mid + few - 1] + wall[mid + few]) : wall[n - 1] + 1;
            subset_case(t, ctx, A, wall, solvers[s], o, mid, few, "value interval");
            if (n > 1) {  /* between two neighbours: nothing */
                o.vl = wall[mid] + 0.25 * (wall[mid + (mid + 1 < n)] - wall[mid]);
                o.vu = wall[mid] + 0.5 * (wall[mid + (mid + 1 < n)] - wall[mid]);
                if (o.vl < o.vu)
                    subset_case(t, ctx, A, wall, solvers[s], o, 0, 0, "empty interval");
            }
            o.range = PLA_EIG_RANGE_INDEX;
        }
        o.il = n - top;
        o.iu = n - 1;
        subset_case(t, ctx, A, wall, solvers[s], o, n - top, top, "largest");
        o.il = 0;
        o.iu = top - 1;
        subset_case(t, ctx, A, wall, solvers[s], o, 0, top, "smallest");
        if (solvers[s] != PLA_EIG_KRYLOV) {
            o.range = PLA_EIG_RANGE_ALL;
            subset_case(t, ctx, A, wall, solvers[s], o, 0, n, "all");
        }
    }
    free(wall);
    pla_mat_destroy(&A);
}

/* A z = w B z with B = G^T G + n I: residual, B-orthonormality, and a B that
   is not positive definite (-I) refused with PLA_ERR_NUMERIC. */
static void generalized_cases(tester *t, pla_ctx *ctx, pla_dtype dt, int64_t n, int64_t nb)
{
    pla_mat *A = random_symmetric(ctx, dt, n, nb), *G = tester_random(ctx, dt, n, n, nb, nb, 77), *B = NULL, *Z = NULL;
    double *w = calloc((size_t)n, sizeof *w), res = -1, borth = -1;
    int64_t k = 0;
    pla_eig_opts o = pla_eig_defaults();
    if (pla_mat_create(ctx, dt, n, n, nb, nb, &B) != PLA_OK ||
        pla_gemm(PLA_TRANS, PLA_NOTRANS, 1.0, G, G, 0.0, B) != PLA_OK)
        exit(2);
    void *d;
    int64_t lld, ml, nl;
    pla_mat_local(B, &d, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl)
        for (int64_t il = 0; il < ml; ++il)
            if (pla_mat_row_l2g(B, il) == pla_mat_col_l2g(B, jl)) {
                if (dt == PLA_F64) ((double *)d)[il + jl * lld] += (double)n;
                else ((float *)d)[il + jl * lld] += (float)n;
            }
    const pla_eig_solver solvers[] = { PLA_EIG_DC, PLA_EIG_MRRR, PLA_EIG_ELPA };
    for (size_t s = 0; s < sizeof solvers / sizeof solvers[0]; ++s) {
        if (!pla_eig_solver_available(solvers[s]))
            continue;
        o.solver = solvers[s];
        o.range = n > 3 && solvers[s] == PLA_EIG_MRRR ? PLA_EIG_RANGE_INDEX : PLA_EIG_RANGE_ALL;
        o.il = 1;
        o.iu = n - 2;
        pla_err err = pla_eig(A, B, &o, &k, w, &Z, NULL);
        res = borth = -1;
        if (err == PLA_OK) {
            res = residual(A, B, Z, w);
            borth = b_orthogonality(ctx, B, Z);
        }
        int ok = err == PLA_OK && res >= 0 && res < 10 && borth >= 0 && borth < orth_bound(solvers[s]) &&
                 conventions_ok(Z, w);
        tester_case(t, tester_all(ctx, ok), "eig generalized %s %s n=%lld nb=%lld k=%lld resid=%.2f B-orth=%.2f %s",
                    pla_dtype_name(dt), pla_eig_solver_name(solvers[s]), (long long)n, (long long)nb, (long long)k,
                    res, borth, err == PLA_OK ? "" : pla_ctx_errmsg(ctx));
        pla_mat_destroy(&Z);
    }
    pla_scale(0.0, B) == PLA_OK ? (void)0 : exit(2);
    pla_mat_local(B, &d, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl)
        for (int64_t il = 0; il < ml; ++il)
            if (pla_mat_row_l2g(B, il) == pla_mat_col_l2g(B, jl)) {
                if (dt == PLA_F64) ((double *)d)[il + jl * lld] = -1.0;
                else ((float *)d)[il + jl * lld] = -1.0f;
            }
    o = pla_eig_defaults();
    pla_err err = pla_eig(A, B, &o, &k, w, &Z, NULL);
    tester_case(t, tester_all(ctx, err == PLA_ERR_NUMERIC && Z == NULL && k == 0),
                "eig generalized %s n=%lld, B = -I -> PLA_ERR_NUMERIC: %s", pla_dtype_name(dt), (long long)n,
                pla_ctx_errmsg(ctx));
    free(w);
    pla_mat_destroy(&A);
    pla_mat_destroy(&G);
    pla_mat_destroy(&B);
}

/* Ranges outside 0..n-1, il > iu, vl >= vu: PLA_ERR_ARG, nothing allocated. */
static void bad_range_cases(tester *t, pla_ctx *ctx)
{
    pla_mat *A = random_symmetric(ctx, PLA_F64, 9, 4), *Z = NULL;
    double w[9];
    int64_t k = -1;
    const int64_t ranges[][2] = { { -1, 3 }, { 4, 3 }, { 0, 9 } };
    pla_eig_opts o = pla_eig_defaults();
    o.range = PLA_EIG_RANGE_INDEX;
    for (int r = 0; r < 3; ++r) {
        o.il = ranges[r][0];
        o.iu = ranges[r][1];
        pla_err err = pla_eig(A, NULL, &o, &k, w, &Z, NULL);
        tester_case(t, tester_all(ctx, err == PLA_ERR_ARG && Z == NULL && k == 0), "eig index range %lld:%lld -> %s",
                    (long long)o.il, (long long)o.iu, pla_ctx_errmsg(ctx));
    }
    o.range = PLA_EIG_RANGE_VALUES;
    o.vl = o.vu = 1.0;
    pla_err err = pla_eig(A, NULL, &o, &k, w, &Z, NULL);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG && Z == NULL), "eig interval (1, 1] -> %s", pla_ctx_errmsg(ctx));
    pla_mat_destroy(&A);
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
        bad_range_cases(t, ctx);
        for (int d = 0; d < 2; ++d) {
            const pla_dtype dt = d ? PLA_F32 : PLA_F64;
            subset_cases(t, ctx, dt, 1, 4);
            subset_cases(t, ctx, dt, 100, 64);  /* subsets smaller than the block */
            subset_cases(t, ctx, dt, 131, 8);
            generalized_cases(t, ctx, dt, 1, 4);
            generalized_cases(t, ctx, dt, 45, 8);
            generalized_cases(t, ctx, dt, 70, 64);
        }
        tester_ctx_free(t, &ctx);
    }
}
