#pragma once
/* The reduced least-squares problems that one rank solves in double
   precision once the distributed factorization has shrunk A to a k x k
   triangle (k = min(m, n)) or to the Gram matrix. */
#include <stdint.h>

/* Z (k x r, ld k) := the minimum-norm (ridge: regularized) solution of
   R Z = C (trans = 0) or R^T Z = C (trans = 1), R upper triangular k x k.
   Full rank and no ridge: a triangular solve after a condition estimate.
   Rank-deficient, no ridge: QR with column pivoting of R (?gelsy), *rank the
   order of the largest leading triangle with condition below 1 / tol.  Ridge:
   through the SVD of R (*rank counts singular values above tol * s_max).
   *rcond estimates 1 / cond(R).  Returns 0, or a LAPACK info. */
int pla__small_tri_solve(int64_t k, int64_t r, const double *R, int64_t ldr, int trans, const double *C,
                         int64_t ldc, double ridge, double tol, double *Z, int64_t *rank, double *rcond);

/* X (n x r, ld n) from the normal equations: G is the (n + r) x (n + r)
   Gram matrix [A B]^T [A B] (upper triangle, overwritten).  Adds ridge to the
   diagonal of the A block, Cholesky, condition estimate, solve.  Returns 0,
   > 0 when the A block is not positive definite, < 0 on other failures. */
int pla__small_normal_solve(int64_t n, int64_t r, double *G, int64_t ldg, double ridge, double *X, double *rcond);
