#pragma once
/* The sign conventions that make eigen- and singular vectors comparable
   across rank counts, grids and solvers. */
#include "internal/core.h"

/* Collective.  sign[j] (Z->n values, on every rank) = the sign (+1 or -1) of
   the largest-magnitude entry of column j of Z, the first such row on ties
   (numpy.argmax of |column|); +1 for a zero column. */
pla_err pla__column_signs(const pla_mat *Z, double *sign);
/* Not collective.  Column j of Z (or row i) times sign[j] (sign[i]). */
void pla__flip_columns(pla_mat *Z, const double *sign);
void pla__flip_rows(pla_mat *Z, const double *sign);
