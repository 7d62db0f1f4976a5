#pragma once
/* Shared by the symmetric eigensolver paths (src/solvers/eig*.c). */
#include "pla/eig.h"

/* Collective.  Each column of Z gets its largest-magnitude entry positive
   (the first such row on ties). */
pla_err pla__eig_normalize_signs(pla_mat *Z);
/* Collective.  F(i, j) := F(j, i) in the triangle not trusted (lower = 1:
   the upper one is overwritten). */
pla_err pla__eig_symmetrize(pla_mat *F, int lower);
/* Collective.  n = 1: *w = A(0, 0) and, when Z is not NULL, *Z = [1]. */
pla_err pla__eig_one_by_one(const pla_mat *A, double *w, pla_mat **Z);
