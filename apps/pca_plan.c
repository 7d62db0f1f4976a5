/* The memory plan of pla pca: the data, then what each route adds (the
   routes' own allocations in src/solvers/pca_*.c). */
#include <string.h>
#include "pca_plan.h"
#include "solver_plans.h"

pla_err cli_pca_solver_parse(const char *value, pla_pca_solver *solver, cli_msg *msg)
{
    if (strcmp(value, "auto") == 0) *solver = PLA_PCA_AUTO;
    else if (strcmp(value, "full") == 0) *solver = PLA_PCA_FULL;
    else if (strcmp(value, "randomized") == 0) *solver = PLA_PCA_RANDOMIZED;
    else if (strcmp(value, "covariance") == 0) *solver = PLA_PCA_COVARIANCE;
    else return cli_fail(msg, PLA_ERR_ARG, "--solver must be auto, full, randomized or covariance, got '%s'", value);
    return PLA_OK;
}

pla_err cli_pca_check_shape(pla_ctx *ctx, const char *display, int64_t m, int64_t n, int64_t k)
{
    pla_err err = PLA_OK;
    const int64_t r = m < n ? m : n;
    if (m < 2 || n < 1)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "X = %s is %lldx%lld: PCA needs at least 2 samples (rows) and 1 feature "
                           "(column)", display, (long long)m, (long long)n);
    else if (k > r)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA,
                           "-k %lld is out of range: X = %s is %lldx%lld, so 1 <= k <= min(m, n) = %lld",
                           (long long)k, display, (long long)m, (long long)n, (long long)r);
    return pla_ctx_agree(ctx, err);
}

/* The first k the randomized route tries for a variance fraction, doubled
   until reached (src/solvers/pca_svd.c): the plan assumes two doublings. */
#define PLAN_VARIANCE_K 128

void cli_pca_memory(const pla_ctx *ctx, int64_t m, int64_t n, int64_t block, int es, const cli_pca_what *w,
                    cli_mem_plan *p)
{
    int nprow = 1, npcol = 1;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    const int64_t r = m < n ? m : n;
    int64_t k = w->k > 0 ? w->k : r;
    if (w->solver == PLA_PCA_COVARIANCE) {
        const double x = cli_mem_local(m, n, block, block, nprow, npcol, es);
        const double c = cli_mem_local(n, n, block, block, nprow, npcol, es);
        *p = (cli_mem_plan){ .command = "pca" };
        cli_mem_add(p, "X", x);
        /* on a P x 1 grid each rank forms its X^T X whole (one per thread for few columns:
           src/solvers/pca_covariance.c), and the packed sum */
        const int threads = pla_ctx_threads(ctx) > 0 ? pla_ctx_threads(ctx) : 1;
        const double copies = n <= 512 ? (double)threads : 1.0;
        cli_mem_add(p, "X^T X", c + (npcol == 1 ? copies * (double)n * (double)n * es + 4.0 * (double)n * (double)(n + 1)
                                              : 0.0));
        /* the eigensolver's copy and workspace, its n x n eigenvectors when all are wanted */
        cli_mem_add(p, "eigensolver", 3.0 * c + (k == r ? c : cli_mem_local(n, k, block, block, nprow, npcol, es)));
        /* V twice, the components, X V (the scores) and V shared for the product */
        cli_mem_add(p, "components and scores", 3.0 * cli_mem_local(n, k, block, block, nprow, npcol, es) +
                                                    cli_mem_local(m, k, block, block, nprow, npcol, es) +
                                                    (npcol == 1 ? 8.0 * (double)n * (double)k : 0.0));
        cli_mem_add_io(p);
        return;
    }
    cli_svd_what sw = { PLA_SVD_FULL, w->scores, 1, 0 };
    if (w->solver == PLA_PCA_RANDOMIZED) {
        sw.method = w->sketch;
        if (w->k <= 0)
            k = r < PLAN_VARIANCE_K ? r : PLAN_VARIANCE_K;
    }
    /* the SVD's plan covers X, its factors (U are the scores, Vt the components) and workspaces */
    cli_svd_memory(ctx, m, n, k, w->oversample, w->power_iters, block, es, &sw, p);
    p->command = "pca";
}
