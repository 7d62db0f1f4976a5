/* Column permutation: the check of column-pivoted QR (A P = Q R) and the
   reordering of its outputs. */
#include "pla/ops.h"
#include "internal/backend.h"

pla_err pla_col_permute(const pla_mat *A, const int64_t *perm, pla_mat *B)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = B->ctx;
    PLA_CHECK(ctx, A->m == B->m && A->n == B->n && A->dt == B->dt, PLA_ERR_ARG,
              "column permutation of a %lldx%lld %s matrix into a %lldx%lld %s one", (long long)A->m,
              (long long)A->n, pla_dtype_name(A->dt), (long long)B->m, (long long)B->n, pla_dtype_name(B->dt));
    for (int64_t j = 0; j < A->n; ++j)
        PLA_CHECK(ctx, perm[j] >= 0 && perm[j] < A->n, PLA_ERR_ARG, "permutation entry %lld is %lld, not in [0, %lld)",
                  (long long)j, (long long)perm[j], (long long)A->n);
done:
    err = pla__agree(ctx, err);
    for (int64_t j = 0; err == PLA_OK && j < A->n && A->m > 0; ++j)
        err = pla__kernel_copy_sub(A, 0, perm[j], A->m, 1, B, 0, j);
    return err;
}
