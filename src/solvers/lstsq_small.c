/* One-rank solves of the reduced least-squares problems (double precision). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal/backend.h"
#include "solvers/lstsq_small.h"

/* Z := V f(S) U^T C  (trans = 0, R = U S V^T)  or  U f(S) V^T C  (trans = 1),
   with f(s) = 1/s above the cutoff (0 below) or s / (s^2 + ridge). */
static int svd_solve(int64_t k, int64_t r, const double *R, int64_t ldr, int trans, const double *C, int64_t ldc,
                     double ridge, double tol, double *Z, int64_t *rank, double *rcond)
{
    int info = -100;
    double *a = calloc((size_t)(k * k), sizeof *a), *u = malloc((size_t)(k * k) * sizeof *u);
    double *vt = malloc((size_t)(k * k) * sizeof *vt), *s = malloc((size_t)k * sizeof *s);
    double *t = malloc((size_t)(k * r) * sizeof *t);
    if (a && u && vt && s && t) {
        for (int64_t j = 0; j < k; ++j)
            for (int64_t i = 0; i <= j; ++i) a[i + j * k] = R[i + j * ldr];
        info = pla__lapack_gesdd(k, k, a, k, s, u, k, vt, k);
    }
    if (info == 0) {
        double cut = tol * s[0];
        *rank = 0;
        for (int64_t i = 0; i < k; ++i)
            if (s[i] > cut) (*rank)++;
        *rcond = s[0] > 0 ? s[k - 1] / s[0] : 0.0;
        /* t = (U^T or Vt) C, scaled row by row by f(s) */
        const double *left = trans ? vt : u;
        pla__blas_gemm(PLA_F64, trans ? PLA_NOTRANS : PLA_TRANS, PLA_NOTRANS, k, r, k, 1.0, left, k, C, ldc, 0.0,
                       t, k);
        for (int64_t i = 0; i < k; ++i) {
            double f = ridge > 0 ? s[i] / (s[i] * s[i] + ridge) : (s[i] > cut ? 1.0 / s[i] : 0.0);
            for (int64_t j = 0; j < r; ++j) t[i + j * k] *= f;
        }
        /* Z = (V or U) t */
        const double *right = trans ? u : vt;
        pla__blas_gemm(PLA_F64, trans ? PLA_NOTRANS : PLA_TRANS, PLA_NOTRANS, k, r, k, 1.0, right, k, t, k, 0.0,
                       Z, k);
    }
    free(a); free(u); free(vt); free(s); free(t);
    return info;
}

/* Rank-deficient without ridge: the minimum-norm solution of R Z = C (or
   R^T Z = C) through QR with column pivoting of R (?gelsy), which also
   decides the numerical rank. */
static int qrcp_solve(int64_t k, int64_t r, const double *R, int64_t ldr, int trans, const double *C, int64_t ldc,
                      double tol, double *Z, int64_t *rank)
{
    double *a = calloc((size_t)(k * k), sizeof *a);
    if (a == NULL)
        return -100;
    for (int64_t j = 0; j < k; ++j)
        for (int64_t i = 0; i <= j; ++i) {
            if (trans)
                a[j + i * k] = R[i + j * ldr];
            else
                a[i + j * k] = R[i + j * ldr];
        }
    for (int64_t j = 0; j < r; ++j)
        memcpy(Z + j * k, C + j * ldc, (size_t)k * sizeof *Z);
    int info = pla__lapack_gelsy(k, r, a, k, Z, k, tol, rank);
    free(a);
    return info;
}

int pla__small_tri_solve(int64_t k, int64_t r, const double *R, int64_t ldr, int trans, const double *C,
                         int64_t ldc, double ridge, double tol, double *Z, int64_t *rank, double *rcond)
{
    if (ridge == 0.0) {
        /* A 1-norm estimate within a factor of about k of the 2-norm one: a
           clear margin above tol means full rank, and a triangular solve will do. */
        int info = pla__lapack_trcon(k, R, ldr, rcond);
        if (info != 0)
            return info;
        if (*rcond > 10.0 * (double)k * tol) {
            for (int64_t j = 0; j < r; ++j)
                memcpy(Z + j * k, C + j * ldc, (size_t)k * sizeof *Z);
            *rank = k;
            return pla__lapack_trtrs(trans, k, r, R, ldr, Z, k);
        }
        return qrcp_solve(k, r, R, ldr, trans, C, ldc, tol, Z, rank);
    }
    return svd_solve(k, r, R, ldr, trans, C, ldc, ridge, tol, Z, rank, rcond);
}

int pla__small_normal_solve(int64_t n, int64_t r, double *G, int64_t ldg, double ridge, double *X, double *rcond)
{
    double anorm = 0.0;
    for (int64_t i = 0; i < n; ++i)
        G[i + i * ldg] += ridge;
    for (int64_t j = 0; j < n; ++j) {  /* 1-norm of the symmetric A block from its upper triangle */
        double s = 0.0;
        for (int64_t i = 0; i < n; ++i) s += fabs(i <= j ? G[i + j * ldg] : G[j + i * ldg]);
        if (s > anorm) anorm = s;
    }
    int info = pla__lapack_potrf(n, G, ldg);
    if (info != 0)
        return info;
    info = pla__lapack_pocon(n, G, ldg, anorm, rcond);
    if (info != 0)
        return info < 0 ? info : -info;
    for (int64_t j = 0; j < r; ++j)
        memcpy(X + j * n, G + (n + j) * ldg, (size_t)n * sizeof *X);
    info = pla__lapack_potrs(n, r, G, ldg, X, n);
    return info == 0 ? 0 : (info < 0 ? info : -info);
}
