/* Do the gemm operands conform, and what will the product hold in memory? */
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

void cli_gemm_memory(const pla_ctx *ctx, const cli_gemm_dims *d, const int64_t *da, const int64_t *db,
                     int64_t block, int es, cli_mem_plan *p)
{
    int nprow = 1, npcol = 1;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    *p = (cli_mem_plan){ .command = "gemm" };
    cli_mem_add(p, "A", cli_mem_local(da[0], da[1], block, block, nprow, npcol, es));
    cli_mem_add(p, "B", cli_mem_local(db[0], db[1], block, block, nprow, npcol, es));
    cli_mem_add(p, "C", cli_mem_local(d->m, d->n, block, block, nprow, npcol, es));
    /* the --check probe: four vectors of length m, n or k (on one process column) */
    int64_t longest = d->m > d->n ? d->m : d->n;
    longest = longest > d->k ? longest : d->k;
    cli_mem_add(p, "vectors", 4.0 * cli_mem_local(longest, 1, block, block, nprow, 1, es));
    cli_mem_add_io(p);
}
