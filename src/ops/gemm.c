/* Distributed matrix multiply: checks, agreement, then the kernel. */
#include "internal/core.h"
#include "internal/backend.h"

static const char *op_name(pla_op op) { return op == PLA_TRANS ? "^T" : ""; }

pla_err pla_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A, const pla_mat *B, double beta,
                 pla_mat *C)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = C->ctx;
    int64_t am = 0, ak = 0, bk = 0, bn = 0;
    /* local checks only: no communication before the agreement */
    PLA_CHECK(ctx, A->ctx == ctx && B->ctx == ctx, PLA_ERR_ARG, "gemm operands live on different contexts");
    PLA_CHECK(ctx, (ta == PLA_NOTRANS || ta == PLA_TRANS) && (tb == PLA_NOTRANS || tb == PLA_TRANS),
              PLA_ERR_ARG, "unknown transpose option");
    PLA_CHECK(ctx, A->dt == C->dt && B->dt == C->dt, PLA_ERR_ARG, "gemm operands mix %s, %s and %s",
              pla_dtype_name(A->dt), pla_dtype_name(B->dt), pla_dtype_name(C->dt));
    am = ta == PLA_TRANS ? A->n : A->m;
    ak = ta == PLA_TRANS ? A->m : A->n;
    bk = tb == PLA_TRANS ? B->n : B->m;
    bn = tb == PLA_TRANS ? B->m : B->n;
    PLA_CHECK(ctx, ak == bk && am == C->m && bn == C->n, PLA_ERR_DATA,
              "shapes do not conform for C = A%s B%s: A%s is %lldx%lld, B%s is %lldx%lld, C is %lldx%lld",
              op_name(ta), op_name(tb), op_name(ta), (long long)am, (long long)ak, op_name(tb),
              (long long)bk, (long long)bn, (long long)C->m, (long long)C->n);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK || C->m == 0 || C->n == 0)
        return err;
    if (ak == 0 || alpha == 0.0)  /* nothing to multiply: C := beta C (BLAS: beta 0 clears NaN too) */
        return pla_scale(beta, C);
    return pla__kernel_gemm(ta, tb, alpha, A, B, beta, C);
}
