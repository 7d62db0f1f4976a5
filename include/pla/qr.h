#pragma once
#include "pla/mat.h"

/* QR factorization A = Q R of an m x n matrix (any shape), float32 or float64.
   R is min(m, n) x n upper trapezoidal with a non-negative diagonal (the
   sign convention that makes R unique for full-rank A, so results agree
   across rank counts and methods); Q is the explicit economic factor,
   m x min(m, n), with orthonormal columns. */

typedef enum {
    PLA_QR_AUTO = 241,        /* TSQR for tall-skinny inputs, Householder otherwise */
    PLA_QR_HOUSEHOLDER = 242, /* p?geqrf + p?orgqr (LAPACK on one process) */
    PLA_QR_TSQR = 243         /* communication-avoiding tall-skinny QR (m >= n) */
} pla_qr_method;

/* The method PLA_QR_AUTO picks for A (not collective; the same on every
   rank): TSQR when m >= 16 n, Householder otherwise (the crossover measured in
   bench/RESULTS.md); the same rule from the shape alone. */
pla_qr_method pla_qr_choose(const pla_mat *A);
pla_qr_method pla_qr_choose_shape(int64_t m, int64_t n);
const char *pla_qr_method_name(pla_qr_method method);

/* Collective.  Computes R and, when Q is not NULL, Q, as new matrices on A's
   context with A's element type and block sizes; A is not modified.  On error
   *R (and *Q) are NULL.  PLA_ERR_ARG for PLA_QR_TSQR with m < n. */
PLA_NODISCARD pla_err pla_qr(const pla_mat *A, pla_qr_method method, pla_mat **R, pla_mat **Q);

/* Collective.  Column-pivoted (rank-revealing) QR: A P = Q R with
   |R(0,0)| >= |R(1,1)| >= ... (p?geqpf; LAPACK's ?geqp3 on one process),
   diag(R) >= 0.  perm (n entries, the same on every rank) gets the 0-based
   column of A at each position of A P, so A[:, perm] = Q R as with
   scipy.linalg.qr(A, pivoting=True).  *rank := the number of diagonal
   entries with |R(k,k)| > tol |R(0,0)|; tol <= 0 means max(m, n) eps (eps of
   A's type), the cut-off numpy.linalg.matrix_rank applies to singular values.
   Column pivoting reveals the rank reliably in practice though not in every
   case (the SVD does; Kahan's matrix fools pivoting).  R, Q (Q may be NULL)
   as for pla_qr; A is not modified.  p?geqpf is level-2 BLAS: expect it to
   be several times slower than pla_qr. */
PLA_NODISCARD pla_err pla_qr_pivoted(const pla_mat *A, double tol, pla_mat **R, pla_mat **Q, int64_t *perm,
                                     int64_t *rank);
