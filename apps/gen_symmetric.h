#pragma once
/* pla gen --kind symmetric: a symmetric matrix with known eigenvalues. */
#include "common.h"

/* Not collective (every rank parses the same text).  The eigenvalues SPEC
   describes, in *w (malloc'd, *n values, ascending):
     "v1,v2,..."            the values; "v*k" repeats v k times (clusters)
     "linear:LO:HI"         n values evenly spaced from LO to HI
     "geometric:FIRST:RATIO" FIRST, FIRST RATIO, FIRST RATIO^2, ... (n values)
   rows: --rows (0 if not given): required by linear and geometric, and equal
   to the list's length when both are given.  PLA_ERR_ARG with msg otherwise. */
pla_err gen_symmetric_values(const char *spec, int64_t rows, double **w, int64_t *n, cli_msg *msg);

/* Collective.  Writes A = Q diag(w) Q^T (n x n, exactly symmetric; Q from
   the QR of a seeded standard normal matrix) and eigenvalues (w, ascending,
   as numpy.linalg.eigh returns them) under the group of `out`.  Computed in
   float64 and stored in opt->dtype; the same seed gives the same matrix for
   any rank count up to rounding (about 1e-15 relative). */
PLA_NODISCARD pla_err gen_symmetric(cli_report *rep, pla_ctx *ctx, const char *spec, const double *w, int64_t n,
                                    const cli_common *opt, const cli_name *out, int64_t block);
