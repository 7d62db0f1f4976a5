#pragma once
#include "pla/mat.h"

/* Singular value decomposition A = U diag(s) Vt of an m x n matrix, float32
   or float64: all min(m, n) triplets, or the k largest.

   Singular values come in descending order, U (m x k) has the left singular
   vectors as columns and Vt (k x n) the right ones as rows, as
   numpy.linalg.svd(full_matrices=False) returns them.  Signs follow
   scikit-learn's randomized_svd (svd_flip on U): the largest-magnitude entry
   of each column of U is positive (the first such entry on ties), with the
   matching row of Vt flipped alike, so results agree across rank counts,
   grids, methods and builds. */

typedef enum {
    PLA_SVD_AUTO = 281,       /* full or krylov by a cost model: see pla_svd_choose */
    PLA_SVD_FULL = 282,       /* QR (TSQR when tall), then the SVD of the small triangle by divide and
                                 conquer (LAPACK ?gesdd on one process; p?gesvd beyond PLA_SVD_SMALL_MAX) */
    PLA_SVD_RANDOMIZED = 283, /* randomized subspace iteration (Halko, Martinsson, Tropp) with
                                 Rayleigh-Ritz: the k largest triplets */
    PLA_SVD_KRYLOV = 284      /* randomized block Krylov (Musco and Musco): every block of the power
                                 iteration kept, Rayleigh-Ritz on all of them: the k largest triplets */
} pla_svd_method;

/* Order up to which the full method's small SVD runs on one process. */
#define PLA_SVD_SMALL_MAX 8192
/* The most power iterations --tol may ask for. */
#define PLA_SVD_MAX_POWER_ITERS 50

typedef struct {
    pla_svd_method method;
    int64_t k;          /* triplets wanted, 1 <= k <= min(m, n); 0 means min(m, n) */
    int64_t oversample; /* randomized, krylov: extra sketch columns p (default 10) */
    int power_iters;    /* randomized: q; < 0 means scikit-learn's rule: 7 when k < min(m, n) / 10, else 4;
                           krylov: the blocks after the first (< 0: pla_svd_default_krylov_iters) */
    double tol;         /* randomized, krylov: > 0 keeps iterating (up to PLA_SVD_MAX_POWER_ITERS
                           iterations or steps) until every residual is below tol */
    uint64_t seed;      /* randomized, krylov: the sketch's seed (counter-based: the same for every grid) */
    int want_u;         /* 0: U is not returned (the full method still forms it when Vt is wanted:
                           the sign convention is read from U) */
    int want_vt;        /* 0: Vt is not returned */
} pla_svd_opts;

/* What a run did, the same on every rank. */
typedef struct {
    pla_svd_method method;  /* FULL, RANDOMIZED or KRYLOV: the method that ran */
    int qr_tsqr;            /* full: 1 when the QR step was TSQR */
    int small_on_one;       /* full: 1 when the small SVD ran on one process (?gesdd), 0 for p?gesvd */
    int power_iters;        /* randomized: power iterations done; krylov: blocks after the first */
    int64_t sketch;         /* randomized, krylov: sketch (block) width k + p */
    int converged;          /* randomized, krylov with tol > 0: 1 when every residual met tol */
    int residuals_known;    /* 1 when residuals[] was filled (the full method without vectors has none) */
} pla_svd_info;

/* All triplets (k = 0) with auto (then the full method), U and Vt, p = 10,
   q the method's default (power_iters = -1), no tol, seed 0. */
pla_svd_opts pla_svd_defaults(void);
const char *pla_svd_method_name(pla_svd_method method);

/* The method PLA_SVD_AUTO runs for k triplets of an m x n matrix (not
   collective; the same on every rank): the full method when k is 0 or
   min(m, n) = r, or when its cost (about 4 m r^2 flops) is at most that of
   the Krylov method (2 (q + 1) + 2 passes of 2 m r (k + p) flops, q and p the
   defaults), i.e. r <= 5 (k + 10); the Krylov method otherwise.  pla_svd's
   own AUTO applies the same rule with the caller's oversample and
   power_iters. */
pla_svd_method pla_svd_choose(int64_t m, int64_t n, int64_t k);

/* The power iterations the randomized method does by default for k triplets
   of an m x n matrix: scikit-learn's rule. */
int pla_svd_default_power_iters(int64_t m, int64_t n, int64_t k);
/* The blocks after the first that the Krylov method builds by default. */
int pla_svd_default_krylov_iters(int64_t m, int64_t n, int64_t k);

/* Collective.  The k = opts->k largest singular triplets of A.  s (room for
   k doubles) gets the singular values, descending, on every rank; residuals
   (room for k doubles; may be NULL) gets the residual of each triplet,
   max(||A v_i - s_i u_i||, ||A^T u_i - s_i v_i||) / s_1 (0 for every triplet
   when s_1 = 0): each method computes from A the one that its construction
   does not make zero (the other is at rounding level); *U (m x k)
   and *Vt (k x n), when not NULL and asked for, new matrices on A's context
   with A's type.  info may be NULL.  A is not modified.  PLA_ERR_ARG for k
   outside 1..min(m, n), a negative oversample, or power_iters beyond
   PLA_SVD_MAX_POWER_ITERS; PLA_ERR_NUMERIC when an SVD kernel does not
   converge. */
PLA_NODISCARD pla_err pla_svd(const pla_mat *A, const pla_svd_opts *opts, double *s, double *residuals,
                              pla_mat **U, pla_mat **Vt, pla_svd_info *info);
