#pragma once
/* pla gen --kind spectrum: a matrix with known singular values. */
#include "common.h"

/* Collective.  Writes A = U diag(s) V^T (m x n) and singular_values (s, the
   r = min(m, n) values of gen_values_parse, descending as numpy.linalg.svd
   returns them) under the group of `out`.  U (m x r) and V (n x r) are the
   Q factors of the QR of seeded standard normal matrices (streams 0 and 1
   of opt->seed; Haar distributed).  A tall or wide shape (max(m, n) >=
   4 min(m, n)) runs on a P x 1 grid of row panels unless --grid was given:
   *ctx is then replaced.  The memory plan is checked before anything is
   allocated (PLA_ERR_MEM: nothing written).  Computed in float64 and stored
   in opt->dtype; the same seed gives the same matrix for any rank count,
   grid and block size up to rounding (about 1e-15 relative to s_1). */
PLA_NODISCARD pla_err gen_spectrum(cli_report *rep, pla_ctx **ctx, const char *spec, const double *s, int64_t m,
                                   int64_t n, const cli_common *opt, const cli_name *out, int64_t block);
