#pragma once
#include "pla/mat.h"

/* Symmetric (real) eigenproblems A z = w z and generalized symmetric-definite
   problems A z = w B z, float32 and float64.

   Eigenvalues come in ascending order, as numpy.linalg.eigh returns them;
   eigenvectors are the columns of Z, each with its largest-magnitude
   component positive (the first such component on ties), so results agree
   across rank counts, grids, solvers and builds. */

typedef enum {
    PLA_EIG_AUTO = 261,   /* by problem: see pla_eig_choose */
    PLA_EIG_DC = 262,     /* divide and conquer: p?syevd (all pairs), LAPACK ?syevd on one process */
    PLA_EIG_MRRR = 263,   /* MRRR: p?syevr (any subset), LAPACK ?syevr on one process */
    PLA_EIG_ELPA = 264,   /* ELPA's two-stage solver (all pairs or the lowest/highest k); MPI build with ELPA */
    PLA_EIG_KRYLOV = 265  /* restarted block Krylov on GEMM: the k largest/smallest, with a residual test */
} pla_eig_solver;

typedef enum {
    PLA_EIG_RANGE_ALL = 0,
    PLA_EIG_RANGE_INDEX = 1,  /* the il-th through iu-th smallest (0-based, inclusive) */
    PLA_EIG_RANGE_VALUES = 2  /* those in the half-open interval (vl, vu] */
} pla_eig_range;

typedef struct {
    pla_eig_solver solver;
    int lower;   /* 1: read the lower triangle of A (and B); 0: the upper */
    int vectors; /* 0: eigenvalues only */
    pla_eig_range range;
    int64_t il, iu;
    double vl, vu;
} pla_eig_opts;

/* The solver PLA_EIG_AUTO runs for the pairs il..iu (0-based) of an n x n
   problem (not collective; the same on every rank). */
pla_eig_solver pla_eig_choose(int64_t n, int64_t il, int64_t iu);

/* All eigenpairs from the lower triangle with the automatic solver. */
pla_eig_opts pla_eig_defaults(void);
const char *pla_eig_solver_name(pla_eig_solver solver);
/* Whether this build has the solver (ELPA is optional at build time). */
int pla_eig_solver_available(pla_eig_solver solver);

/* Collective.  The eigenpairs of A (n x n) selected by opts, or of the pencil
   (A, B) when B is not NULL (B symmetric positive definite, same shape, type
   and context; then the solver is always MRRR-based p?sygvx-style: see docs).
   *k gets the number found; w (room for n doubles) the eigenvalues, the same on
   every rank; *Z (when Z is not NULL and opts->vectors) a new n x k matrix on
   A's context with A's type and column block.  *used (may be NULL) names the
   solver that ran.  Only the opts->lower triangle is read: the caller vouches
   for symmetry (pla_symmetry_error measures it).  A is not modified.
   An empty index range or an interval holding no eigenvalue gives *k = 0.
   PLA_ERR_ARG for a non-square A, a B of another shape, a range outside
   0 <= il <= iu < n or vl >= vu, or a solver this build lacks;
   PLA_ERR_NUMERIC when B is not positive definite or a solver fails. */
PLA_NODISCARD pla_err pla_eig(const pla_mat *A, const pla_mat *B, const pla_eig_opts *opts, int64_t *k,
                              double *w, pla_mat **Z, pla_eig_solver *used);

/* All eigenpairs by divide and conquer (pla_eig with the defaults and
   PLA_EIG_DC); Z may be NULL for eigenvalues alone. */
PLA_NODISCARD pla_err pla_eigh(const pla_mat *A, int lower, double *w, pla_mat **Z);

/* Collective.  max |A(i,j) - A(j,i)| and max |A(i,j)| over A (square), and
   the position (i < j, 0-based) of the largest difference, on every rank. */
PLA_NODISCARD pla_err pla_symmetry_error(const pla_mat *A, double *diff, double *amax, int64_t *i, int64_t *j);
