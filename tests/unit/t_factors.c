/* Checks shared by the factorization suites (QR, pivoted QR). */
#include <stdlib.h>
#include "tester.h"

double tester_orthogonality(pla_ctx *ctx, const pla_mat *Q, int64_t mx)
{
    int64_t k = pla_mat_cols(Q);
    pla_mat *E = NULL;
    double ne = -1;
    if (pla_mat_create(ctx, pla_mat_dtype(Q), k, k, 8, 8, &E) == PLA_OK) {
        void *d;
        int64_t lld, ml, nl;
        pla_mat_local(E, &d, &lld, &ml, &nl);
        for (int64_t jl = 0; jl < nl; ++jl)  /* E := I */
            for (int64_t il = 0; il < ml; ++il)
                if (pla_mat_row_l2g(E, il) == pla_mat_col_l2g(E, jl)) {
                    if (pla_mat_dtype(E) == PLA_F64) ((double *)d)[il + jl * lld] = 1.0;
                    else ((float *)d)[il + jl * lld] = 1.0f;
                }
        if (pla_gemm(PLA_TRANS, PLA_NOTRANS, -1.0, Q, Q, 1.0, E) == PLA_OK && pla_norm(PLA_NORM_ONE, E, &ne) == PLA_OK)
            ne /= (double)mx * tester_eps(pla_mat_dtype(Q));
    }
    pla_mat_destroy(&E);
    return ne;
}

int tester_upper_ok(const pla_mat *R, int nonincreasing)
{
    double *r = tester_gather_all(R);
    int64_t m = pla_mat_rows(R), n = pla_mat_cols(R), ld = m > 1 ? m : 1;
    int ok = 1;
    for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < m; ++i) {
            if (i > j && r[i + j * ld] != 0.0)
                ok = 0;
            if (i == j && r[i + j * ld] < 0.0)
                ok = 0;
            if (i == j && nonincreasing && i > 0 && r[i + j * ld] > r[(i - 1) + (j - 1) * ld] * (1 + 1e-6))
                ok = 0;
        }
    free(r);
    return ok;
}
