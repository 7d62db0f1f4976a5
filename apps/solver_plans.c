/* Memory plans of the QR, least-squares, eigenvalue and SVD commands, from
   what the library allocates on each route (src/solvers/): estimates of the
   largest rank's share, before anything is read. */
#include <stdio.h>
#include <string.h>
#include "solver_plans.h"

pla_err cli_qr_mode_parse(const char *value, int *economic, cli_msg *msg)
{
    if (strcmp(value, "r") == 0)
        *economic = 0;
    else if (strcmp(value, "economic") == 0)
        *economic = 1;
    else
        return cli_fail(msg, PLA_ERR_ARG, "--mode must be r or economic, got '%s'", value);
    return PLA_OK;
}

pla_err cli_lstsq_solver_parse(const char *value, pla_lstsq_solver *solver, cli_msg *msg)
{
    if (strcmp(value, "auto") == 0) *solver = PLA_LSTSQ_AUTO;
    else if (strcmp(value, "qr") == 0) *solver = PLA_LSTSQ_QR;
    else if (strcmp(value, "tsqr") == 0) *solver = PLA_LSTSQ_TSQR;
    else if (strcmp(value, "normal") == 0) *solver = PLA_LSTSQ_NORMAL;
    else return cli_fail(msg, PLA_ERR_ARG, "--solver must be auto, qr, tsqr or normal, got '%s'", value);
    return PLA_OK;
}

/* The TSQR leaves' buffers: per thread an n x n triangle and a streamed block
   of about 4 MiB (src/solvers/tsqr_leaf.c), and the tree's n x n factors. */
static double tsqr_buffers(const pla_ctx *ctx, int64_t n, int es)
{
    const double tri = (double)n * (double)n * es;
    return (double)pla_ctx_threads(ctx) * (tri + 4.0 * 1048576.0) + 4.0 * tri;
}

void cli_qr_memory(const pla_ctx *ctx, int64_t m, int64_t n, int64_t block, int es, const cli_qr_what *w,
                   cli_mem_plan *p)
{
    int nprow = 1, npcol = 1;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    const int64_t k = m < n ? m : n;
    const double a = cli_mem_local(m, n, block, block, nprow, npcol, es);
    const int tsqr = !w->pivot && w->method == PLA_QR_TSQR;
    *p = (cli_mem_plan){ .command = "qr" };
    cli_mem_add(p, "A", a);
    if (tsqr && !w->economic && !w->check) {
        cli_mem_add(p, "TSQR buffers", tsqr_buffers(ctx, n, es));  /* R alone: streamed, no copy */
    } else {
        cli_mem_add(p, "factored copy", a);
        /* Householder and pivoted QR form Q in the factored copy when m > n; TSQR writes it apart */
        if (tsqr || m <= n)
            cli_mem_add(p, "Q", cli_mem_local(m, k, block, block, nprow, npcol, es));
        if (tsqr)
            cli_mem_add(p, "TSQR buffers", tsqr_buffers(ctx, n, es));
    }
    cli_mem_add(p, "R", cli_mem_local(k, n, block, block, nprow, npcol, es) + (tsqr ? (double)n * n * es : 0.0));
    if (w->check)
        cli_mem_add(p, "check", a + cli_mem_local(k, k, block, block, nprow, npcol, es));
    cli_mem_add_io(p);
}

void cli_lstsq_memory(const pla_ctx *ctx, int64_t m, int64_t n, int64_t r, int64_t block, int es,
                      pla_lstsq_solver solver, cli_mem_plan *p)
{
    int nprow = 1, npcol = 1;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    const int64_t w = n + r;
    if (solver == PLA_LSTSQ_AUTO)
        solver = pla_lstsq_choose(m, n, r);
    *p = (cli_mem_plan){ .command = "lstsq" };
    cli_mem_add(p, "A", cli_mem_local(m, n, block, block, nprow, npcol, es));
    cli_mem_add(p, "B", cli_mem_local(m, r, block, block, nprow, npcol, es));
    if (m < n) /* the minimum-norm route: A^T, its Q and a centered copy */
        cli_mem_add(p, "A^T and Q", 3.0 * cli_mem_local(n, m, block, block, nprow, npcol, es));
    else if (solver == PLA_LSTSQ_TSQR)
        cli_mem_add(p, "TSQR buffers", tsqr_buffers(ctx, w, es));
    else if (solver == PLA_LSTSQ_QR)
        cli_mem_add(p, "[A B]", cli_mem_local(m, w, block, block, nprow, npcol, es));
    else  /* the normal route stacks [A B] (centered with an intercept), then its Gram matrix */
        cli_mem_add(p, "[A B] and its Gram matrix", cli_mem_local(m, w, block, block, nprow, npcol, es) +
                                                        cli_mem_local(w, w, block, block, nprow, npcol, es));
    /* the factor gathered to rank 0 in float64 for the small solve, and its workspace */
    cli_mem_add(p, "small solve", 4.0 * (double)w * (double)w * 8.0);
    cli_mem_add(p, "residual", cli_mem_local(m, r, block, block, nprow, npcol, es));
    cli_mem_add_io(p);
}

pla_err cli_eig_solver_parse(const char *value, pla_eig_solver *solver, cli_msg *msg)
{
    if (strcmp(value, "auto") == 0) *solver = PLA_EIG_AUTO;
    else if (strcmp(value, "dc") == 0) *solver = PLA_EIG_DC;
    else if (strcmp(value, "mrrr") == 0) *solver = PLA_EIG_MRRR;
    else if (strcmp(value, "elpa") == 0) *solver = PLA_EIG_ELPA;
    else if (strcmp(value, "krylov") == 0) *solver = PLA_EIG_KRYLOV;
    else return cli_fail(msg, PLA_ERR_ARG, "--solver must be auto, dc, mrrr, elpa or krylov, got '%s'", value);
    return PLA_OK;
}

const char *cli_eig_reason(const pla_eig_opts *o, int64_t n, pla_eig_solver used)
{
    static char text[256];
    const int64_t il = o->range == PLA_EIG_RANGE_INDEX ? o->il : 0, iu = o->range == PLA_EIG_RANGE_INDEX ? o->iu : n - 1;
    const int64_t k = iu - il + 1;
    if (o->solver != PLA_EIG_AUTO)
        snprintf(text, sizeof text, "requested with --solver %s", pla_eig_solver_name(o->solver));
    else if (o->range == PLA_EIG_RANGE_VALUES)
        snprintf(text, sizeof text, "a value interval: eigenvalues by MRRR, then the pairs inside by %s",
                 pla_eig_solver_name(used));
    else if (used == PLA_EIG_KRYLOV)
        snprintf(text, sizeof text, "%lld of %lld pairs at one end of the spectrum: block Krylov on GEMM beats a "
                 "full reduction there", (long long)k, (long long)n);
    else if (used == PLA_EIG_MRRR && pla_eig_choose(n, il, iu) == PLA_EIG_KRYLOV)
        snprintf(text, sizeof text, "block Krylov did not converge for %lld of %lld pairs: MRRR instead",
                 (long long)k, (long long)n);
    else if (used == PLA_EIG_MRRR)
        snprintf(text, sizeof text, "a subset (%lld of %lld pairs): MRRR computes only the vectors asked for",
                 (long long)k, (long long)n);
    else if (used == PLA_EIG_ELPA)
        snprintf(text, sizeof text, "%lld of %lld pairs: ELPA's two-stage solver is the fastest full solver here",
                 (long long)k, (long long)n);
    else
        snprintf(text, sizeof text, "%lld of %lld pairs: divide and conquer is the fastest full solver in this build",
                 (long long)k, (long long)n);
    return text;
}

void cli_eig_memory(const pla_ctx *ctx, int64_t n, int64_t k, int64_t block, int es, const cli_eig_what *w,
                    cli_mem_plan *p)
{
    int nprow = 1, npcol = 1;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    const double a = cli_mem_local(n, n, block, block, nprow, npcol, es);
    *p = (cli_mem_plan){ .command = "eig" };
    cli_mem_add(p, w->generalized ? "A and B" : "A", (w->generalized ? 2.0 : 1.0) * a);
    /* the solver's copies: A (and B's factor), a second one for the fallback
       or the eigenvalue pass of --values */
    cli_mem_add(p, "working copies",
                (w->generalized ? 2.0 : 1.0) * a + ((w->values && w->vectors) || w->solver == PLA_EIG_KRYLOV ? a : 0.0));
    if (w->vectors && w->solver != PLA_EIG_KRYLOV)
        cli_mem_add(p, "all eigenvectors", a);  /* ScaLAPACK and ELPA fill an n x n Z */
    /* p?syevd / p?syevr: about 2 local shares of workspace (1 + 6n + 2 np nq) */
    cli_mem_add(p, "solver workspace", 2.0 * a + 8.0 * (double)n * es);
    if (w->vectors)
        cli_mem_add(p, "eigenvectors", cli_mem_local(n, k, block, block, nprow, npcol, es) * (w->check ? 3.0 : 1.0));
    cli_mem_add_io(p);
}

pla_err cli_svd_method_parse(const char *value, pla_svd_method *method, cli_msg *msg)
{
    if (strcmp(value, "auto") == 0) *method = PLA_SVD_AUTO;
    else if (strcmp(value, "full") == 0) *method = PLA_SVD_FULL;
    else if (strcmp(value, "randomized") == 0) *method = PLA_SVD_RANDOMIZED;
    else if (strcmp(value, "krylov") == 0) *method = PLA_SVD_KRYLOV;
    else return cli_fail(msg, PLA_ERR_ARG, "--method must be auto, full, randomized or krylov, got '%s'", value);
    return PLA_OK;
}

pla_err cli_oversample_parse(const char *value, int64_t *oversample, cli_msg *msg)
{
    return cli_parse_i64("--oversample", value, 0, 1 << 30, oversample, msg);
}

pla_err cli_power_iters_parse(const char *value, int *power_iters, cli_msg *msg)
{
    int64_t v = 0;
    pla_err err = cli_parse_i64("--power-iters", value, 0, PLA_SVD_MAX_POWER_ITERS, &v, msg);
    *power_iters = (int)v;
    return err;
}

pla_err cli_tol_parse(const char *value, double *tol, cli_msg *msg)
{
    pla_err err = cli_parse_f64("--tol", value, tol, msg);
    if (err == PLA_OK && !(*tol > 0 && *tol < 1))
        err = cli_fail(msg, PLA_ERR_ARG, "--tol must be in (0, 1) (residuals are relative to s_1), got '%s'", value);
    return err;
}

/* The SVD of an r x r triangle with k wanted vectors: on rank 0 by ?gesdd
   (R, U_R and Vt_R gathered in float64, the first k rows of Vt_R, and the
   workspace: about 4 r^2 + 7 r doubles and 8 r ints), or by p?gesvd on the
   grid beyond PLA_SVD_SMALL_MAX (copies of R, U_R, Vt_R and about two local
   shares of workspace).  Either way U_R (r x k) and Vt_R (k x r) end up
   distributed. */
static void svd_small(const pla_ctx *ctx, int64_t r, int64_t k, int vectors, int64_t block, int es, cli_mem_plan *p)
{
    int nprow = 1, npcol = 1;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    const double rr = (double)r * (double)r;
    const double scattered = vectors ? cli_mem_local(r, k, block, block, nprow, npcol, es) +
                                           cli_mem_local(k, r, block, block, nprow, npcol, es)
                                     : 0.0;
    if (r <= PLA_SVD_SMALL_MAX || pla_ctx_size(ctx) == 1) {
        const double gathered = vectors ? 3.0 * rr + (double)k * (double)r : rr;
        const double work = vectors ? 4.0 * rr + 7.0 * (double)r : 11.0 * (double)r;
        cli_mem_add(p, "small SVD on rank 0", (gathered + work) * 8.0 + 8.0 * (double)r * 4.0 + scattered);
    } else {
        const double share = cli_mem_local(r, r, block, block, nprow, npcol, es);
        cli_mem_add(p, "p?gesvd", (vectors ? 3.0 : 1.0) * share + 2.0 * share + scattered);
    }
}

void cli_svd_memory(const pla_ctx *ctx, int64_t m, int64_t n, int64_t k, int64_t oversample, int power_iters,
                    int64_t block, int es, const cli_svd_what *w, cli_mem_plan *p)
{
    int nprow = 1, npcol = 1;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    /* the methods work on a tall matrix: A itself, or a transposed copy of a wide A */
    const int wide = m < n;
    const int64_t big = wide ? n : m, r = wide ? m : n;
    const double a = cli_mem_local(m, n, block, block, nprow, npcol, es);
    /* U and Vt; a wide A's factors are transposed into place (both orientations at once) */
    const double uv = (cli_mem_local(m, k, block, block, nprow, npcol, es) +
                       cli_mem_local(k, n, block, block, nprow, npcol, es)) * (wide ? 2.0 : 1.0);
    *p = (cli_mem_plan){ .command = "svd" };
    cli_mem_add(p, "A", a);
    if (wide)
        cli_mem_add(p, "A^T", cli_mem_local(n, m, block, block, nprow, npcol, es));
    const int64_t l = k + oversample < r ? k + oversample : r;
    /* on a P x 1 grid the products share an r x l block on every rank (src/solvers/svd_products.c) */
    const double shared = npcol == 1 ? (double)r * (double)l * (8.0 + (es == 4 ? 4.0 : 0.0)) : 0.0;
    if (w->method == PLA_SVD_KRYLOV) {
        /* s steps of block Golub-Kahan-Lanczos: U_1 .. U_{s+1} (big x l), V_1 .. V_s (r x l) */
        const int q = power_iters >= 0 ? power_iters : pla_svd_default_krylov_iters(m, n, k);
        const int64_t fit = r / l > 1 ? r / l : 1, steps = q + 1 < fit ? q + 1 : fit;
        const double wd = (double)(steps * l), hd = (double)((steps + 1) * l);
        cli_mem_add(p, "Krylov basis", (double)(steps + 2) * cli_mem_local(big, l, block, block, nprow, npcol, es) +
                                           (double)(steps + 1) * cli_mem_local(r, l, block, block, nprow, npcol, es) +
                                           shared);
        cli_mem_add(p, "QR workspace", (pla_qr_choose_shape(big, l) == PLA_QR_TSQR ? tsqr_buffers(ctx, l, es) : 0.0) +
                                           cli_mem_local(l, l, block, block, nprow, npcol, es));
        /* B ((s+1) l x s l) on every rank; on rank 0 its copy, U_B, V_B^T and ?gesdd's workspace; the
           leading Ritz vectors on every rank */
        cli_mem_add(p, "projected SVD", 8.0 * (hd * wd * 3.0 + wd * wd + 4.0 * wd * wd + 7.0 * wd +
                                               (wd + (double)l) * (double)l + wd * (double)l) + 32.0 * wd);
        cli_mem_add(p, "U and Vt", uv + 2.0 * cli_mem_local(r, k, block, block, nprow, npcol, es) +
                                       cli_mem_local(big, k, block, block, nprow, npcol, es));
    } else if (w->method == PLA_SVD_RANDOMIZED) {
        /* Y, Q and Q U_B (big x l); Z = A^T Q and V_B (r x l) */
        cli_mem_add(p, "sketches", 3.0 * cli_mem_local(big, l, block, block, nprow, npcol, es) +
                                       2.0 * cli_mem_local(r, l, block, block, nprow, npcol, es) + shared);
        cli_mem_add(p, "QR workspace", (pla_qr_choose_shape(big, l) == PLA_QR_TSQR ? tsqr_buffers(ctx, l, es) : 0.0) +
                                           cli_mem_local(l, l, block, block, nprow, npcol, es));
        svd_small(ctx, l, l, 1, block, es, p);
        cli_mem_add(p, "U and Vt", uv + cli_mem_local(r, k, block, block, nprow, npcol, es));
    } else {
        const int vectors = w->want_u || w->want_vt;
        const int tsqr = pla_qr_choose_shape(big, r) == PLA_QR_TSQR;
        /* Householder factors a copy (which becomes Q); TSQR streams A and writes Q apart */
        cli_mem_add(p, "Q and R", (vectors || !tsqr ? cli_mem_local(big, r, block, block, nprow, npcol, es) : 0.0) +
                                      cli_mem_local(r, r, block, block, nprow, npcol, es) +
                                      (tsqr ? (double)r * (double)r * es : 0.0));
        if (tsqr)
            cli_mem_add(p, "TSQR buffers", tsqr_buffers(ctx, r, es));
        svd_small(ctx, r, k, vectors, block, es, p);
        if (vectors)
            cli_mem_add(p, "U and Vt", uv);
    }
    if (w->check)  /* A - U S Vt (all triplets), U S, and the k x k Gram matrices one at a time */
        cli_mem_add(p, "check", (k == r ? a : 0.0) + cli_mem_local(m, k, block, block, nprow, npcol, es) +
                                    cli_mem_local(k, k, block, block, nprow, npcol, es));
    cli_mem_add_io(p);
}
