#pragma once
/* pla gen --kind symmetric: a symmetric matrix with known eigenvalues. */
#include "common.h"

/* Collective.  Writes A = Q diag(w) Q^T (n x n, exactly symmetric; Q from
   the QR of a seeded standard normal matrix) and eigenvalues (w, ascending,
   as numpy.linalg.eigh returns them: gen_values_parse) under the group of
   `out`.  Computed in float64 and stored in opt->dtype; the same seed gives
   the same matrix for any rank count up to rounding (about 1e-15 relative). */
PLA_NODISCARD pla_err gen_symmetric(cli_report *rep, pla_ctx *ctx, const char *spec, const double *w, int64_t n,
                                    const cli_common *opt, const cli_name *out, int64_t block);
