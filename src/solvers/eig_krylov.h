#pragma once
/* A few extreme eigenpairs of a large dense symmetric matrix by restarted
   block Krylov (block Krylov-Schur) on GEMM: the route pla_eig takes for the
   k largest or smallest pairs when k is small next to n.  Private to the
   library (src/solvers/eig_krylov.c explains the method and its defaults). */
#include <stdint.h>
#include "internal/core.h"

typedef struct {
    int restarts;              /* Rayleigh-Ritz restarts made */
    int64_t block_multiplies;  /* products A X with a block X (of at most max(block, k) columns) */
    double max_residual;       /* max_i ||A z_i - w_i z_i||_2 / ||A|| estimate, of the pairs returned */
} pla_eig_krylov_stats;

/* Collective.  The k largest (largest = 1) or smallest (largest = 0)
   eigenpairs of the full symmetric A (n x n, both triangles set, any
   block-cyclic layout with square blocks, float64 or float32), 1 <= k <= n/4.
   w: k doubles ascending (numpy order, whichever end was asked for), the
   same on every rank.  *Z (if Z != NULL): a new n x k matrix on A's context
   with A's type and blocks, orthonormal columns, each column's
   largest-magnitude entry positive (first such row on ties), as pla_eigh.
   tol <= 0 means the default, 4 sqrt(n) u (u the unit roundoff of A's type):
   every pair returned satisfies ||A z_i - w_i z_i||_2 <= tol ||A||_2 est,
   the estimate being the largest |Ritz value| seen (a lower bound of
   ||A||_2).  stats may be NULL.  A is not modified.
   PLA_ERR_ARG for a non-square A, non-square blocks, k outside 1..n/4 (the
   direct solvers are the right tool for a large share of the spectrum) or
   tol NaN or >= 1; PLA_ERR_NUMERIC when the pairs have not converged within
   the restart cap (the caller falls back to a direct solver) or A holds NaN
   or Inf.  Nothing is returned in *Z on error. */
pla_err pla__eig_krylov(const pla_mat *A, int64_t k, int largest, double tol, double *w, pla_mat **Z,
                        pla_eig_krylov_stats *stats);

/* Internal knobs (tests and tuning; zero fields take the defaults that
   src/solvers/eig_krylov.c documents). */
typedef struct {
    int64_t block;     /* columns added to the basis per product with A */
    int64_t basis;     /* largest basis before a restart (<= n) */
    int64_t keep;      /* Ritz vectors kept at a restart (k <= keep <= basis - 2 block) */
    int max_restarts;  /* the cap; < 0: none allowed (one cycle, then PLA_ERR_NUMERIC unless converged) */
    uint64_t seed;     /* start block: normal entries from the counter-based generator */
    int check;         /* Rayleigh-Ritz (convergence test) every this many products, and at each restart */
    int trace;         /* 1: one line per restart on stderr (rank 0) */
} pla_eig_krylov_opts;

pla_err pla__eig_krylov_ex(const pla_mat *A, int64_t k, int largest, double tol, const pla_eig_krylov_opts *opts,
                           double *w, pla_mat **Z, pla_eig_krylov_stats *stats);
