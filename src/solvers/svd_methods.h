#pragma once
/* The two SVD methods behind pla_svd (src/solvers/svd.c), each on a tall
   matrix (m >= n: svd.c hands them A^T for a wide A).  Neither fixes signs. */
#include "pla/svd.h"
#include "internal/core.h"

/* Collective.  The k largest triplets of A (m >= n) by QR then the SVD of the
   n x n triangle: s (k doubles, descending); with vectors, *U (m x k) and
   *Vt (k x n) on A's context and type, and res (may be NULL) the residuals
   ||A v_i - s_i u_i|| / s_1, computed as ||R v_i - s_i U_R e_i|| / s_1 from
   the triangle of A = Q R.  info's full-method fields are set. */
pla_err pla__svd_full(const pla_mat *A, int64_t k, int vectors, double *s, pla_mat **U, pla_mat **Vt, double *res,
                      pla_svd_info *info);

/* Collective.  The k largest triplets of A (m >= n) by randomized subspace
   iteration (opts: oversample, power_iters, tol, seed); s, *U, *Vt and res as
   for the full method (always with vectors).  info's randomized fields are set. */
pla_err pla__svd_randomized(const pla_mat *A, const pla_svd_opts *opts, int64_t k, double *s, pla_mat **U,
                            pla_mat **Vt, double *res, pla_svd_info *info);

/* Collective.  The k largest triplets of A (m >= n) by randomized block
   Krylov iteration (the blocks of opts->oversample + k columns; power_iters
   blocks after the first; tol grows the space a block at a time). */
pla_err pla__svd_krylov(const pla_mat *A, const pla_svd_opts *opts, int64_t k, double *s, pla_mat **U,
                        pla_mat **Vt, double *res, pla_svd_info *info);

/* Collective.  *C := op(X) B as a new matrix (rows blocked as the rows of
   op(X)); local GEMMs on a P x 1 grid (src/solvers/svd_products.c). */
pla_err pla__svd_product(pla_op op, const pla_mat *X, const pla_mat *B, pla_mat **C);
/* Collective.  *Q := an orthonormal basis of the columns of *Y (QR; *Y is consumed). */
pla_err pla__svd_orth(pla_mat **Y, pla_mat **Q);

/* Collective.  res[i] = ||Y(:, i) - s_i U(:, i)|| / s1 for i < k (0 when s1 is
   0); Y and U have one shape and distribution. */
pla_err pla__svd_residual_norms(const pla_mat *Y, const pla_mat *U, const double *s, int64_t k, double s1,
                                double *res);

/* 1 when every one of res[0..k) is below tol. */
int pla__svd_all_below(const double *res, int64_t k, double tol);

/* Test hook: the largest order of the small SVD run on one process
   (PLA_SVD_SMALL_MAX; <= 0 restores it). */
void pla__debug_svd_small_max(int64_t order);
