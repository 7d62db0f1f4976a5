/* TSQR: communication-avoiding QR of a tall-skinny matrix (m >= n).
   Each rank factors its own rows (tsqr_leaf.c: its threads run LAPACK's
   sequential TSQR on row blocks that stay in cache); the small R factors are
   then combined up a binary tree (log2 P messages of at most n x n instead
   of ScaLAPACK's per-column reductions).  The explicit Q is formed on the
   way back down: each tree node multiplies its stacked Q factor by the
   coefficient block it received from its parent and passes the lower part
   to its child; a leaf applies its own Q to its block.  R alone needs no
   copy of the input: the leaves stream their rows.  Works on any P x 1
   distribution (any row block size); other layouts are redistributed. */
#include <stdlib.h>
#include <string.h>
#include "internal/backend.h"
#include "solvers/qr_common.h"
#include "solvers/tsqr_leaf.h"

enum { TAG_R = 7301, TAG_C = 7302 };

/* One tree level at which this rank received a child's R. */
typedef struct {
    int child;        /* rank of the child */
    int64_t ra, rb;   /* rows of my R and of the child's R before stacking */
    void *s;          /* (ra + rb) x n stacked factors after geqrf, ld = ra + rb */
    void *tau;        /* min(ra + rb, n) reflector scalars */
} tsqr_level;

typedef struct {
    pla_dtype dt;
    size_t es;
    int64_t n;
    int nlevels;
    tsqr_level level[32];
    int parent;       /* rank I sent my R to, -1 at the root */
    int64_t r;        /* rows of my current R (<= n) */
    void *rbuf;       /* my current R, r x n, ld n */
    void *work;
    int64_t lwork;
} tsqr_state;

/* Copies the upper trapezoid of the first r rows of a (ld lda) into dst (ld n). */
static void take_r(const tsqr_state *st, int64_t r, const void *a, int64_t lda, void *dst)
{
    memset(dst, 0, (size_t)(st->n * st->n) * st->es);
    for (int64_t j = 0; j < st->n; ++j)
        for (int64_t i = 0; i < r && i <= j; ++i)
            pla__put(st->dt, dst, st->n, i, j, pla__get(st->dt, a, lda, i, j));
}

/* Workspace large enough for geqrf/orgqr on any local or stacked matrix. */
static int64_t query_lwork(pla_dtype dt, int64_t rows, int64_t n)
{
    double w[2] = { 0, 0 };
    int64_t best = n > 0 ? n : 1;
    pla__lapack_geqrf(dt, rows, n, NULL, rows, NULL, w, -1);
    int64_t g = pla__work_size(dt, w);
    pla__lapack_orgqr(dt, rows, n < rows ? n : rows, n < rows ? n : rows, NULL, rows, NULL, w, -1);
    int64_t o = pla__work_size(dt, w);
    best = g > best ? g : best;
    return o > best ? o : best;
}

static void free_state(tsqr_state *st)
{
    for (int l = 0; l < st->nlevels; ++l) {
        free(st->level[l].s);
        free(st->level[l].tau);
    }
    free(st->rbuf);
    free(st->work);
}

/* The upward pass: combine R factors; returns with st->rbuf final on rank 0. */
static pla_err tree_up(pla_ctx *ctx, tsqr_state *st)
{
    pla_err err = PLA_OK;
    const int64_t n = st->n;
    st->parent = -1;
    for (int step = 1; step < ctx->size; step *= 2) {
        if (ctx->rank % (2 * step) == step) {  /* send my R up and stop */
            int64_t r = st->r;
            st->parent = ctx->rank - step;
            PLA_TRY(pla__send(ctx, &r, sizeof r, st->parent, TAG_R));
            PLA_TRY(pla__send(ctx, st->rbuf, (int64_t)((size_t)(n * n) * st->es), st->parent, TAG_R));
            break;
        }
        if (ctx->rank % (2 * step) != 0 || ctx->rank + step >= ctx->size)
            continue;
        tsqr_level *lv = &st->level[st->nlevels++];
        lv->child = ctx->rank + step;
        lv->ra = st->r;
        PLA_TRY(pla__recv(ctx, &lv->rb, sizeof lv->rb, lv->child, TAG_R));
        int64_t rows = lv->ra + lv->rb, k = rows < n ? rows : n;
        void *child_r = malloc((size_t)(n * n) * st->es);
        lv->s = calloc((size_t)(rows * n > 0 ? rows * n : 1), st->es);
        lv->tau = calloc((size_t)(k > 0 ? k : 1), st->es);
        /* allocation failures here cannot be agreed on mid-tree; treat as fatal MPI-level errors */
        PLA_CHECK(ctx, child_r && lv->s && lv->tau, PLA_ERR_MEM, "out of memory in the TSQR tree");
        err = pla__recv(ctx, child_r, (int64_t)((size_t)(n * n) * st->es), lv->child, TAG_R);
        if (err == PLA_OK) {
            for (int64_t j = 0; j < n; ++j) {  /* stack [my R; child's R] */
                memcpy((char *)lv->s + (size_t)(j * rows) * st->es, (char *)st->rbuf + (size_t)(j * n) * st->es,
                       (size_t)lv->ra * st->es);
                memcpy((char *)lv->s + (size_t)(j * rows + lv->ra) * st->es,
                       (char *)child_r + (size_t)(j * n) * st->es, (size_t)lv->rb * st->es);
            }
        }
        free(child_r);
        PLA_TRY(err);
        int info = pla__lapack_geqrf(st->dt, rows, n, lv->s, rows, lv->tau, st->work, st->lwork);
        PLA_CHECK(ctx, info == 0, PLA_ERR_LIB, "?geqrf in the TSQR tree failed with info = %d", info);
        st->r = k;
        take_r(st, k, lv->s, rows, st->rbuf);
    }
done:
    return err;
}

/* The downward pass: on entry c (r0 x n, ld n) is my coefficient block at
   the top of my subtree; on exit it is my leaf's block (rows = my leaf R). */
static pla_err tree_down(pla_ctx *ctx, tsqr_state *st, void *c, void *tmp)
{
    pla_err err = PLA_OK;
    const int64_t n = st->n;
    for (int l = st->nlevels - 1; l >= 0; --l) {
        tsqr_level *lv = &st->level[l];
        int64_t rows = lv->ra + lv->rb, k = rows < n ? rows : n;
        int info = pla__lapack_orgqr(st->dt, rows, k, k, lv->s, rows, lv->tau, st->work, st->lwork);
        PLA_CHECK(ctx, info == 0, PLA_ERR_LIB, "?orgqr in the TSQR tree failed with info = %d", info);
        /* tmp (rows x n) = Qs (rows x k) * c (k x n) */
        pla__blas_gemm(st->dt, PLA_NOTRANS, PLA_NOTRANS, rows, n, k, 1.0, lv->s, rows, c, n, 0.0, tmp, rows);
        for (int64_t j = 0; j < n; ++j) {
            memcpy((char *)c + (size_t)(j * n) * st->es, (char *)tmp + (size_t)(j * rows) * st->es,
                   (size_t)lv->ra * st->es);
            memcpy((char *)st->rbuf + (size_t)(j * n) * st->es, (char *)tmp + (size_t)(j * rows + lv->ra) * st->es,
                   (size_t)lv->rb * st->es);  /* the child's block, packed with ld n */
        }
        PLA_TRY(pla__send(ctx, st->rbuf, (int64_t)((size_t)(n * n) * st->es), lv->child, TAG_C));
    }
done:
    return err;
}

/* Starts the tree state: workspace for the stacked factors, my R buffer. */
static pla_err state_init(pla_ctx *wc, tsqr_state *st, pla_dtype dt, int64_t n)
{
    pla_err err = PLA_OK;
    *st = (tsqr_state){ .dt = dt, .es = (size_t)pla_dtype_size(dt), .n = n };
    st->lwork = query_lwork(dt, 2 * n, n);
    st->work = pla__malloc(wc, (size_t)st->lwork * st->es);
    st->rbuf = pla__calloc(wc, (size_t)(n * n > 0 ? n * n : 1), st->es);
    PLA_CHECK(wc, st->work && st->rbuf, PLA_ERR_MEM, "out of memory for TSQR workspace");
done:
    return err;
}

/* The tree's R (on rank 0 of wc) into a new n x n matrix on ctx. */
static pla_err scatter_r(pla_ctx *ctx, const tsqr_state *st, int64_t mb, int64_t nb, pla_mat **R)
{
    pla_err err = pla_mat_create(ctx, st->dt, st->n, st->n, mb, nb, R);
    if (err == PLA_OK)
        err = pla_mat_scatter(*R, 0, st->rbuf, st->n);
    return err;
}

/* A failure on the panel context becomes ctx's error too. */
static pla_err carry_err(pla_ctx *ctx, pla_ctx *wc, pla_err err)
{
    if (err != PLA_OK && wc != ctx)
        pla__set_err(ctx, err, __FILE__, __LINE__, "%s", pla_ctx_errmsg(wc));
    return err;
}

pla_err pla__tsqr_r(const pla_mat *A, const pla_mat *B, const double *mean, int64_t mb, int64_t nb, pla_mat **R)
{
    pla_ctx *ctx = A->ctx, *wc = ctx;
    pla_mat *W = NULL;
    const int64_t n1 = A->n, n2 = B ? B->n : 0, n = n1 + n2;
    tsqr_state st = { 0 };
    pla__tsqr_rows src = { A->data, B ? B->data : NULL, A->lld, B ? B->lld : 1, n1, n2, mean };
    int64_t rows = A->mloc;
    pla_err err = PLA_OK;
    if (ctx->npcol != 1 || (B != NULL && (B->mb != A->mb || B->ctx != ctx))) {
        /* not whole rows on every rank: stack [A B] on the P x 1 context */
        const int64_t pmb = (A->m + ctx->size - 1) / ctx->size;
        err = pla__panel_ctx(ctx, &wc);
        if (err == PLA_OK)
            err = pla_mat_create(wc, A->dt, A->m, n, pmb > 0 ? pmb : 1, n > 0 ? n : 1, &W);
        if (err == PLA_OK && n1 > 0)
            err = pla__kernel_copy_sub(A, 0, 0, A->m, n1, W, 0, 0);
        if (err == PLA_OK && n2 > 0)
            err = pla__kernel_copy_sub(B, 0, 0, B->m, n2, W, 0, n1);
        if (err != PLA_OK) {
            pla_mat_destroy(&W);
            return carry_err(ctx, wc, err);
        }
        src = (pla__tsqr_rows){ W->data, NULL, W->lld, 1, n, 0, mean };
        rows = W->mloc;
    }
    err = state_init(wc, &st, A->dt, n);
    if (err == PLA_OK)
        err = pla__tsqr_leaf_r(wc, A->dt, rows, &src, st.rbuf);
    st.r = n;
    err = pla__agree(wc, err);
    pla_mat_destroy(&W);
    if (err == PLA_OK)
        err = pla__agree(wc, tree_up(wc, &st));
    if (err == PLA_OK)
        err = scatter_r(ctx, &st, mb, nb, R);
    free_state(&st);
    return carry_err(ctx, wc, err);
}

pla_err pla__tsqr(const pla_mat *A, pla_mat **R, pla_mat **Q)
{
    if (Q == NULL)
        return pla__tsqr_r(A, NULL, NULL, A->mb, A->nb, R);
    pla_ctx *ctx = A->ctx, *pctx = NULL;
    pla_mat *P = NULL;
    /* the working copy in a P x 1 layout (factored in place): A's own row blocks when it has whole rows */
    pla_err err = pla__panel_ctx(ctx, &pctx);
    if (err == PLA_OK) {
        int64_t mb = ctx->npcol == 1 ? A->mb : (A->m + ctx->size - 1) / ctx->size;
        err = pla_mat_create(pctx, A->dt, A->m, A->n, mb > 0 ? mb : 1, A->n > 0 ? A->n : 1, &P);
    }
    if (err == PLA_OK)
        err = pla_mat_copy(A, P);
    if (err == PLA_OK)
        err = pla__tsqr_panel(P, ctx, A->mb, A->nb, R, Q);
    else
        carry_err(ctx, pctx ? pctx : ctx, err);
    pla_mat_destroy(&P);
    return err;
}

/* The explicit Q: down the tree, then each leaf's Q into Q's local rows (or
   into a panel-shaped matrix redistributed into Q). */
static pla_err form_q(pla_mat *P, pla_ctx *ctx, int64_t mb, int64_t nb, tsqr_state *st, pla__tsqr_leaf *leaf,
                      pla_mat **Q)
{
    pla_ctx *wc = P->ctx;
    const int64_t n = st->n;
    pla_mat *Qp = NULL;
    /* c: my coefficient block; the root starts from the identity */
    void *c = pla__calloc(wc, (size_t)(n * n > 0 ? n * n : 1), st->es);
    void *tmp = pla__calloc(wc, (size_t)(2 * n * n > 0 ? 2 * n * n : 1), st->es);
    pla_err err = pla__agree(wc, c && tmp ? PLA_OK
                                          : pla__set_err(wc, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory for TSQR Q"));
    if (err == PLA_OK) {
        if (st->parent < 0)
            for (int64_t i = 0; i < n; ++i) pla__put(st->dt, c, n, i, i, 1.0);
        else
            err = pla__recv(wc, c, (int64_t)((size_t)(n * n) * st->es), st->parent, TAG_C);
        if (err == PLA_OK)
            err = tree_down(wc, st, c, tmp);
        err = pla__agree(wc, err);
    }
    const int direct = ctx == wc && mb == P->mb;  /* Q's local rows are P's */
    if (err == PLA_OK)
        err = pla_mat_create(direct ? ctx : wc, P->dt, P->m, n, direct ? mb : P->mb, direct ? nb : P->nb,
                             direct ? Q : &Qp);
    if (err == PLA_OK) {
        pla_mat *T = direct ? *Q : Qp;
        err = pla__agree(wc, pla__tsqr_leaf_q(wc, leaf, c, T->data, T->lld));
    }
    if (err == PLA_OK && !direct)
        err = pla_mat_create(ctx, P->dt, P->m, n, mb, nb, Q);
    if (err == PLA_OK && !direct)
        err = pla_mat_copy(Qp, *Q);
    pla_mat_destroy(&Qp);
    free(c);
    free(tmp);
    return err;
}

pla_err pla__tsqr_panel(pla_mat *P, pla_ctx *ctx, int64_t mb, int64_t nb, pla_mat **R, pla_mat **Q)
{
    pla_ctx *wc = P->ctx;  /* errors below are recorded on the panel context and copied back */
    tsqr_state st = { 0 };
    pla__tsqr_leaf leaf = { 0 };
    pla_err err = state_init(wc, &st, P->dt, P->n);
    if (err == PLA_OK)
        err = pla__tsqr_leaf_factor(wc, &leaf, P->dt, P->mloc, P->n, P->data, P->lld, st.rbuf);
    st.r = leaf.r;
    err = pla__agree(wc, err);
    if (err == PLA_OK)
        err = pla__agree(wc, tree_up(wc, &st));
    if (err == PLA_OK)
        err = scatter_r(ctx, &st, mb, nb, R);
    if (err == PLA_OK && Q != NULL)
        err = form_q(P, ctx, mb, nb, &st, &leaf, Q);
    pla__tsqr_leaf_free(&leaf);
    free_state(&st);
    return carry_err(ctx, wc, err);
}
