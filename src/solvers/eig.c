/* Symmetric eigenproblems: argument checks, the choice of solver, and the
   common path every solver shares (a working copy in square blocks, the
   reduction of a generalized problem, the subset, back-transformation and
   the sign convention). */
#include <math.h>
#include <stdlib.h>
#include "pla/eig.h"
#include "pla/config.h"
#include "pla/ops.h"
#include "internal/backend.h"
#include "solvers/eig_support.h"
#include "solvers/qr_common.h"
#include "solvers/eig_krylov.h"
/* Krylov for at most n / 10 pairs of a matrix of order >= 1000 (bench/RESULTS.md). */
enum { KRYLOV_MIN_N = 1000, KRYLOV_MAX_FRACTION = 10 };

pla_eig_opts pla_eig_defaults(void)
{
    return (pla_eig_opts){ .solver = PLA_EIG_AUTO, .lower = 1, .vectors = 1, .range = PLA_EIG_RANGE_ALL };
}

const char *pla_eig_solver_name(pla_eig_solver solver)
{
    switch (solver) {
    case PLA_EIG_AUTO: return "auto";
    case PLA_EIG_DC: return "dc";
    case PLA_EIG_MRRR: return "mrrr";
    case PLA_EIG_ELPA: return "elpa";
    case PLA_EIG_KRYLOV: return "krylov";
    }
    return "?";
}

int pla_eig_solver_available(pla_eig_solver solver)
{
    if (solver == PLA_EIG_ELPA)
        return PLA_HAVE_ELPA;
    return solver == PLA_EIG_AUTO || solver == PLA_EIG_DC || solver == PLA_EIG_MRRR || solver == PLA_EIG_KRYLOV;
}

/* The pairs il..iu of an n x n problem: which solver auto runs.  All or most
   pairs: divide and conquer (Debian's ELPA 2-stage measured about 2x slower
   than p?syevd for all pairs at n = 4000, and wrong on eigenvalues of high
   multiplicity, which its result check turns into an error).  A few pairs at either end of a large matrix: block
   Krylov on GEMM (falls back to MRRR when it does not converge).  Other
   subsets: MRRR. */
pla_eig_solver pla_eig_choose(int64_t n, int64_t il, int64_t iu)
{
    const int64_t k = iu - il + 1;
    const int at_end = il == 0 || iu == n - 1;
    if (at_end && n >= KRYLOV_MIN_N && k * KRYLOV_MAX_FRACTION <= n)
        return PLA_EIG_KRYLOV;
    if (2 * k > n)
        return PLA_EIG_DC;
    return PLA_EIG_MRRR;
}

static pla_err check_args(const pla_mat *A, const pla_mat *B, const pla_eig_opts *o)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    const int64_t n = A->n;
    PLA_CHECK(ctx, A->m == A->n, PLA_ERR_ARG, "eigenvalues need a square matrix; A is %lldx%lld", (long long)A->m,
              (long long)A->n);
    PLA_CHECK(ctx, !B || (B->m == n && B->n == n), PLA_ERR_ARG, "B must be %lldx%lld like A; it is %lldx%lld",
              (long long)n, (long long)n, (long long)(B ? B->m : 0), (long long)(B ? B->n : 0));
    PLA_CHECK(ctx, !B || (B->dt == A->dt && B->ctx == ctx), PLA_ERR_ARG,
              "B must have A's element type and context");
    PLA_CHECK(ctx, o->range != PLA_EIG_RANGE_INDEX || (0 <= o->il && o->il <= o->iu && o->iu < n), PLA_ERR_ARG,
              "the index range %lld:%lld is outside 0..%lld (0-based, inclusive)", (long long)o->il,
              (long long)o->iu, (long long)n - 1);
    PLA_CHECK(ctx, o->range != PLA_EIG_RANGE_VALUES || o->vl < o->vu, PLA_ERR_ARG,
              "the value interval (%g, %g] is empty: it needs vl < vu", o->vl, o->vu);
    PLA_CHECK(ctx, pla_eig_solver_available(o->solver), PLA_ERR_ARG,
              "this build of pla has no %s solver (configure with ELPA to get it)", pla_eig_solver_name(o->solver));
done:
    return pla__agree(ctx, err);
}

/* The first k columns from column j0 of V (any layout) into a new n x k
   matrix in layout (mb, nb); reversed order when reverse. */
static pla_err take_columns(const pla_mat *V, int64_t j0, int64_t k, int reverse, int64_t nb, pla_mat **out)
{
    pla_mat *S = NULL;
    pla_err err = pla_mat_create(V->ctx, V->dt, V->m, k, nb, nb, out);
    if (err == PLA_OK && !reverse && k > 0)
        return pla__agree(V->ctx, pla__kernel_copy_sub(V, 0, j0, V->m, k, *out, 0, 0));
    if (err == PLA_OK)
        err = pla_mat_create(V->ctx, V->dt, V->m, k, nb, nb, &S);
    if (err == PLA_OK && k > 0)
        err = pla__agree(V->ctx, pla__kernel_copy_sub(V, 0, j0, V->m, k, S, 0, 0));
    int64_t *perm = err == PLA_OK ? malloc((size_t)(k > 0 ? k : 1) * sizeof *perm) : NULL;
    err = pla__agree(V->ctx, err != PLA_OK || perm ? err : PLA_ERR_MEM);
    for (int64_t j = 0; err == PLA_OK && j < k; ++j)
        perm[j] = k - 1 - j;
    if (err == PLA_OK)
        err = pla_col_permute(S, perm, *out);
    free(perm);
    pla_mat_destroy(&S);
    if (err != PLA_OK)
        pla_mat_destroy(out);
    return err;
}

/* One solver on the standard problem in F (destroyed; square blocks, the
   `lower` triangle set): the pairs il..iu into w (ascending) and, when V is
   not NULL, *V (n x k, F's layout). */
static pla_err solve_standard(pla_mat *F, int lower, pla_eig_solver solver, int64_t il, int64_t iu, double *w,
                              pla_mat **V)
{
    pla_ctx *ctx = F->ctx;
    const int64_t n = F->n, k = iu - il + 1, es = (int64_t)pla_dtype_size(F->dt);
    pla_mat *Zfull = NULL;
    int64_t first = il, count = k;
    int reverse = 0;
    pla_err err = PLA_OK;
    void *wt = pla__calloc(ctx, (size_t)n, (size_t)es);
    double *wk = NULL;
    err = pla__agree(ctx, wt ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory"));
    if (err == PLA_OK && solver == PLA_EIG_KRYLOV) {
        const int largest = !(il == 0);  /* the upper end unless the subset starts at the bottom */
        wk = malloc((size_t)k * sizeof *wk);
        err = pla__agree(ctx, wk ? PLA_OK : PLA_ERR_MEM);
        if (err == PLA_OK)
            err = pla__eig_symmetrize(F, lower);
        if (err == PLA_OK)
            err = pla__eig_krylov(F, k, largest, 0.0, wk, V, NULL);
        for (int64_t i = 0; err == PLA_OK && i < k; ++i)
            w[i] = wk[i];
        free(wk);
        free(wt);
        return err;
    }
    if (err == PLA_OK && V)
        err = pla_mat_create(ctx, F->dt, n, n, F->nb, F->nb, &Zfull);
    if (err != PLA_OK)
        goto out;
    if (solver == PLA_EIG_DC) {
        err = pla__kernel_syevd(F, lower, wt, Zfull);
    } else if (solver == PLA_EIG_MRRR) {
        /* ScaLAPACK 2.2.1's p?syevr leaves the vectors untransformed when
           asked for fewer pairs than the block size (FIELD.md): ask for at
           least nb neighbouring pairs and keep the ones wanted. */
        int64_t lo = il, hi = iu, m = 0;
        if (ctx->size > 1 && hi - lo + 1 < F->nb) {
            hi = lo + F->nb - 1 < n - 1 ? lo + F->nb - 1 : n - 1;
            lo = hi - F->nb + 1 > 0 ? hi - F->nb + 1 : 0;
        }
        err = pla__kernel_syevr(F, lower, lo, hi, &m, wt, Zfull);
        first = il - lo;
    } else {  /* ELPA: the lowest nev pairs, of -A for the upper end */
        const int upper_end = il > 0 && iu == n - 1;
        if (upper_end)
            err = pla_scale(-1.0, F);
        if (err == PLA_OK)
            err = pla__eig_symmetrize(F, lower);
#if PLA_HAVE_ELPA
        if (err == PLA_OK)
            err = pla__kernel_elpa(F, upper_end ? n - il : iu + 1, wt, Zfull);
#endif
        if (upper_end) {
            reverse = 1;
            first = 0;
            for (int64_t i = 0; err == PLA_OK && i < k; ++i)
                w[i] = -pla__get(F->dt, wt, 1, k - 1 - i, 0);
        }
    }
    for (int64_t i = 0; err == PLA_OK && !reverse && i < count; ++i)
        w[i] = pla__get(F->dt, wt, 1, first + i, 0);
    if (err == PLA_OK && V)
        err = take_columns(Zfull, first, count, reverse, F->nb, V);
out:
    pla_mat_destroy(&Zfull);
    free(wt);
    return err;
}

/* Eigenvalues only, all of them, of the problem in F (destroyed). */
static pla_err all_values(pla_mat *F, int lower, double *w)
{
    int64_t m = 0;
    void *wt = pla__calloc(F->ctx, (size_t)F->n, (size_t)pla_dtype_size(F->dt));
    pla_err err = pla__agree(F->ctx, wt ? PLA_OK : PLA_ERR_MEM);
    if (err == PLA_OK)
        err = pla__kernel_syevr(F, lower, 0, F->n - 1, &m, wt, NULL);
    for (int64_t i = 0; err == PLA_OK && i < F->n; ++i)
        w[i] = pla__get(F->dt, wt, 1, i, 0);
    free(wt);
    return err;
}

pla_err pla_eig(const pla_mat *A, const pla_mat *B, const pla_eig_opts *o, int64_t *k, double *w, pla_mat **Z,
                pla_eig_solver *used)
{
    pla_ctx *ctx = A->ctx;
    const int64_t n = A->n, nb = A->nb;
    const int want_vectors = o->vectors && Z != NULL;
    pla_mat *F = NULL, *G = NULL, *F2 = NULL, *V = NULL;
    int64_t il = 0, iu = n - 1;
    pla_eig_solver solver = o->solver;
    *k = 0;
    if (Z)
        *Z = NULL;
    pla_err err = check_args(A, B, o);
    if (err != PLA_OK || n == 0)
        return err;
    if (o->range == PLA_EIG_RANGE_INDEX) {
        il = o->il;
        iu = o->iu;
    }
    /* Working copies in square blocks.  ScaLAPACK 2.2.1 leaves the
       eigenvectors untransformed (PDORMTR "parameter 16", info = 0) when one
       block holds the whole matrix on several ranks: such small matrices are
       split in two blocks. */
    const int64_t nbw = ctx->size > 1 && n <= nb && n > 1 ? (n + 1) / 2 : nb;
    err = pla_mat_create(ctx, A->dt, n, n, nbw, nbw, &F);
    if (err == PLA_OK)
        err = pla_mat_copy(A, F);
    if (err == PLA_OK && B) {
        err = pla_mat_create(ctx, A->dt, n, n, nbw, nbw, &G);
        if (err == PLA_OK)
            err = pla_mat_copy(B, G);
        if (err == PLA_OK)
            err = pla__kernel_sygst(F, G, o->lower);
    }
    if (err == PLA_OK && n == 1) {
        err = pla__eig_one_by_one(F, w, want_vectors ? &V : NULL);
        *k = (o->range != PLA_EIG_RANGE_VALUES || (o->vl < w[0] && w[0] <= o->vu)) ? 1 : 0;
        solver = solver == PLA_EIG_AUTO ? PLA_EIG_DC : solver;
        if (*k == 0)
            pla_mat_destroy(&V);
        goto finish;
    }
    if (err == PLA_OK && o->range == PLA_EIG_RANGE_VALUES) {
        /* all eigenvalues first (MRRR, values only), then the index range */
        if (want_vectors)
            err = pla_mat_dup(F, &F2);
        if (err == PLA_OK)
            err = all_values(want_vectors ? F2 : F, o->lower, w);
        pla_mat_destroy(&F2);
        int64_t lo = 0, hi = -1;
        for (int64_t i = 0; err == PLA_OK && i < n; ++i) {
            if (w[i] <= o->vl)
                lo = i + 1;
            if (w[i] <= o->vu)
                hi = i;
        }
        if (err == PLA_OK && (hi < lo || !want_vectors)) {
            *k = hi >= lo ? hi - lo + 1 : 0;
            for (int64_t i = 0; i < *k; ++i)
                w[i] = w[lo + i];
            solver = PLA_EIG_MRRR;
            goto finish;
        }
        il = lo;
        iu = hi;
    }
    if (err != PLA_OK)
        goto finish;
    if (solver == PLA_EIG_AUTO)
        solver = pla_eig_choose(n, il, iu);
    if (solver == PLA_EIG_KRYLOV) {
        PLA_CHECK(ctx, il == 0 || iu == n - 1, PLA_ERR_ARG,
                  "the krylov solver finds the k largest or smallest eigenpairs; pairs %lld..%lld of %lld are neither",
                  (long long)il, (long long)iu, (long long)n);
        if (o->solver == PLA_EIG_AUTO)
            err = pla_mat_dup(F, &F2);  /* kept for the fallback */
        if (err == PLA_OK)
            err = solve_standard(F, o->lower, solver, il, iu, w, want_vectors ? &V : NULL);
        if (err == PLA_ERR_NUMERIC && o->solver == PLA_EIG_AUTO) {  /* not converged: a direct solver */
            pla_mat_destroy(&F);
            F = F2;
            F2 = NULL;
            solver = PLA_EIG_MRRR;
            err = solve_standard(F, o->lower, solver, il, iu, w, want_vectors ? &V : NULL);
        }
        pla_mat_destroy(&F2);
    } else {
        err = solve_standard(F, o->lower, solver, il, iu, w, want_vectors ? &V : NULL);
    }
    if (err == PLA_OK)
        *k = iu - il + 1;
finish:
    err = pla__agree(ctx, err);
    if (err == PLA_OK && V && B)
        err = pla__agree(ctx, pla__kernel_sygst_back(G, o->lower, V));
    if (err == PLA_OK && V && nbw != nb) {
        pla_mat *W = NULL;
        err = take_columns(V, 0, V->n, 0, nb, &W);
        pla_mat_destroy(&V);
        V = W;
    }
    if (err == PLA_OK && V)
        err = pla__eig_normalize_signs(V);
    if (err == PLA_OK && Z && want_vectors) {
        *Z = V;
        V = NULL;
    }
    if (err == PLA_OK && used)
        *used = solver;
    if (err != PLA_OK)
        *k = 0;
    pla_mat_destroy(&V);
    pla_mat_destroy(&F);
    pla_mat_destroy(&F2);
    pla_mat_destroy(&G);
    return err;
done:
    err = pla__agree(ctx, err);
    goto finish;
}

pla_err pla_eigh(const pla_mat *A, int lower, double *w, pla_mat **Z)
{
    pla_eig_opts o = pla_eig_defaults();
    int64_t k = 0;
    o.solver = PLA_EIG_DC;
    o.lower = lower;
    o.vectors = Z != NULL;
    return pla_eig(A, NULL, &o, &k, w, Z, NULL);
}
