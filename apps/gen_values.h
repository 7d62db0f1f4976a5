#pragma once
/* pla gen: the known values of the generated test matrices (eigenvalues of
   --kind symmetric, singular values of --kind spectrum), from the SPEC on
   the command line to the column scaling that puts them into the matrix. */
#include "common.h"

typedef enum {
    GEN_EIGENVALUES,     /* --eigenvalues: any finite values, ascending as numpy.linalg.eigh */
    GEN_SINGULAR_VALUES  /* --singular-values: finite values >= 0, descending as numpy.linalg.svd */
} gen_values_kind;

/* Not collective (every rank parses the same text).  The SPEC describes, in
   *v (malloc'd, *n values, sorted as `kind` says):
     "v1,v2,..."             the values; "v*k" repeats v k times (clusters)
     "linear:A:B"            count values evenly spaced from A to B (the
                             help says linear:LO:HI for eigenvalues and
                             linear:HI:LO for singular values; either order
                             gives the same values)
     "geometric:FIRST:RATIO" FIRST RATIO^i, i = 0, ..., count - 1
   and, for singular values only:
     "poly:FIRST:POWER"      FIRST (1 + i)^-POWER, i = 0, ..., count - 1
     "lowrank:R:NOISE"       1 for i < R, NOISE for R <= i < count (R an
                             integer in [0, count], 0 <= NOISE <= 1)
   count: the number of values wanted (0 when not known: only a list can
   then say it); a list must hold exactly count values.  PLA_ERR_ARG with a
   one-line message naming the option (--eigenvalues, --singular-values) for
   a malformed SPEC, a wrong length, a value that is not finite or, for
   singular values, negative; PLA_ERR_MEM when out of memory. */
pla_err gen_values_parse(gen_values_kind kind, const char *spec, int64_t count, double **v, int64_t *n,
                         cli_msg *msg);

/* Not collective (local work only).  A float64 matrix scaled column by
   column: A(:, j) *= f[j] for every global column j (f holds A's columns
   values, the same on every rank). */
void gen_scale_columns(pla_mat *A, const double *f);
