#pragma once
#include "pla/mat.h"

/* Symmetric (real) eigenproblems A z = w z, float32 and float64.

   This version computes all eigenpairs by divide and conquer (ScaLAPACK
   p?syevd; LAPACK ?syevd on one process; p?syev for eigenvalues alone).
   Eigenvalues come in ascending order, as numpy.linalg.eigh returns them;
   eigenvectors are the columns of Z, each with its largest-magnitude
   component positive (the first such component on ties), so results agree
   across rank counts, grids and builds. */

/* Collective.  Only the lower (lower = 1) or upper triangle of A is read;
   the caller vouches for symmetry (pla_symmetry_error measures it).  w gets
   the n eigenvalues on every rank (as doubles); *Z, when Z is not NULL,
   becomes a new n x n matrix of eigenvectors on A's context with A's type
   and column block (square blocks).  A is not modified.  PLA_ERR_ARG for a
   non-square A; PLA_ERR_NUMERIC when the solver does not converge. */
PLA_NODISCARD pla_err pla_eigh(const pla_mat *A, int lower, double *w, pla_mat **Z);

/* Collective.  max |A(i,j) - A(j,i)| and max |A(i,j)| over A (square), and
   the position (i < j, 0-based) of the largest difference, on every rank. */
PLA_NODISCARD pla_err pla_symmetry_error(const pla_mat *A, double *diff, double *amax, int64_t *i, int64_t *j);
