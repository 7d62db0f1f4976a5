/* Do the gemm operands conform? */
#include "gemm_shapes.h"

pla_err cli_gemm_conform(pla_ctx *ctx, int transa, int transb, const cli_name *a, const int64_t *da,
                         const cli_name *b, const int64_t *db, const cli_name *c, const int64_t *dc,
                         cli_gemm_dims *d)
{
    const char *ta = transa ? "^T" : "", *tb = transb ? "^T" : "";
    int64_t am = transa ? da[1] : da[0], ak = transa ? da[0] : da[1];
    int64_t bk = transb ? db[1] : db[0], bn = transb ? db[0] : db[1];
    pla_err err = PLA_OK;
    if (ak != bk)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA,
                           "shapes do not conform for A%s B%s: A%s is %lldx%lld, B%s is %lldx%lld "
                           "(A = %s has shape (%lld, %lld), B = %s has shape (%lld, %lld))",
                           ta, tb, ta, (long long)am, (long long)ak, tb, (long long)bk, (long long)bn,
                           a->display, (long long)da[0], (long long)da[1], b->display,
                           (long long)db[0], (long long)db[1]);
    else if (c && (dc[0] != am || dc[1] != bn))
        err = pla_ctx_fail(ctx, PLA_ERR_DATA,
                           "shapes do not conform: C0 = %s has shape (%lld, %lld), but A%s B%s is %lldx%lld",
                           c->display, (long long)dc[0], (long long)dc[1], ta, tb, (long long)am,
                           (long long)bn);
    d->m = am;
    d->n = bn;
    d->k = ak;
    return pla_ctx_agree(ctx, err);
}
