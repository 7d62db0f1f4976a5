/* The k largest or smallest eigenpairs of a dense symmetric matrix by
   restarted block Krylov: a block Krylov-Schur (thick-restart block Lanczos)
   method whose only O(n^2) work is A times a block of vectors (GEMM).

   Method.  The basis V (n x m, orthonormal) grows a block of b columns per
   product: W = A V_a for the newest block V_a, orthogonalized against V (a
   local pass against the blocks the block Lanczos recurrence couples W
   with, then one full pass of block classical Gram-Schmidt, repeated while
   it cancels more than half of a column's norm; SVQB inside the block,
   rank-deficient directions refilled with random vectors), which also yields
   the projected matrix H = V^T A V column block by column block.  Every
   rank holds H and solves the small symmetric eigenproblem (LAPACK dsyevd on
   rank 0, broadcast, so every rank uses the same bits).  The relation
   A V_r = V_r H_r + V_a S (V_r: the basis but its newest block) gives each
   Ritz pair's residual norm as ||S y|| without touching A.  When the basis
   is full, the keep best Ritz vectors and V_a become the new basis (the
   Krylov-Schur restart: H is then diagonal plus an arrow).  Once the
   estimates of all k wanted pairs are within tolerance, the k Ritz vectors
   are re-orthonormalized, multiplied by A once more and a last Rayleigh-Ritz
   among themselves gives the returned pairs, whose residuals are measured
   explicitly: the result is accepted only on these.  Nothing is assumed
   about convergence rates: what is returned passed the residual test.

   Why Krylov-Schur and not subspace iteration or LOBPCG: for pairs next to
   a small gap (a covariance-like spectrum: eigenvalues 1, 0.998, 0.998^2,
   ... have gaps of 0.2% at the 50th) the products needed scale with
   1/sqrt(gap) for Krylov methods and with 1/gap for subspace iteration;
   thick restart keeps the polynomial's history in the kept Ritz vectors, and
   the block (not single-vector Lanczos) keeps the product a GEMM.  Measured
   for n = 4000, k = 50 on the geometric spectrum above: unrestarted block
   Krylov needs about 670, 860, 1150 and 1600 vector products with blocks of
   8, 16, 32 and 64; with restarts (basis 500) 910 (b = 16) and 1280
   (b = 32).  A block of 32 is where GEMM's rate per vector levels off on few
   cores (row panels of A per thread: 0.6 ms per vector at n = 4000 on two
   cores, 1.2 ms at 16), so the time is nearly flat between 16 and 32.

   Layout.  The n-vectors live in "slabs": the ranks of each process row
   split that row's local rows of A evenly, so a rank's slab is a subset of
   the rows it holds of A.  Tall-skinny work (Gram-Schmidt, Ritz vectors) is
   local BLAS plus a sum of small matrices over all ranks.  A product
   gathers the block on every rank (one sum of n x b), multiplies the local
   block of A by the rows its columns need, and sums the partial products
   over the process row, which then holds whole rows of A X: nothing of A
   moves.  The start block is normal random from the counter-based
   generator keyed by (seed, global row, column), so the results depend on
   the rank count and grid only through rounding.  The basis is float64
   for both types; float32 A is multiplied in float32.

   Defaults (pla_eig_krylov_opts, zero fields):
     block b   = clamp(k/2 rounded up to 8, 8, 32)   (32 for k = 50)
     basis m   = max(4k, k + 14 b), at most n          (498 for k = 50)
     keep      = (m + k) / 2, at least k and at most m - 2b
     tol       = 4 sqrt(n) u (u = 2^-53 or 2^-24): ||A z - w z||_2 <= tol
                 ||A||_est for each pair, ||A||_est = the largest |Ritz
                 value| met (a lower bound of ||A||_2, so the test is never
                 looser than stated).  The tester's metric
                 ||A Z - Z W||_1 / (||A||_1 n u) is then at most
                 sqrt(n) tol / (n u) = 4 (a column's 1-norm is at most
                 sqrt(n) times its 2-norm, and ||A||_2 <= ||A||_1), and below
                 1 in practice; the bound on the residual sits 8 to 20 times
                 above the rounding floor of the product (about
                 0.2-0.5 sqrt(n) u ||A||_2 for these spectra).
     cap       = 40 restarts, then PLA_ERR_NUMERIC (the caller falls back to
                 a direct solver).  n = 4000, k = 50 takes 5 restarts on the
                 geometric spectrum and 13 on G + G^T, the semicircle whose
                 edge converges slowly; 40 cycles cost about as much as two
                 direct solves, bounding the loss when Krylov is the wrong
                 choice.
   A Rayleigh-Ritz test (convergence check) runs at each restart, and in
   between where the rate measured between the last two tests predicts
   convergence.

   Limits.  k <= n/4 (PLA_ERR_ARG otherwise: the direct solvers are faster
   for a large share of the spectrum, and the basis would approach n).  As
   with any block Krylov method, an eigenvalue of multiplicity larger than
   the block is found with only b of its copies in exact arithmetic (rounding
   and refilled directions usually bring the others in): pass a larger block
   for such spectra. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "solvers/eig_krylov.h"
#include "internal/backend.h"
#include "backend/fortran.h"
#include "solvers/qr_common.h"

/* Defaults (see the header comment for how they were chosen). */
enum { DEFAULT_MAX_RESTARTS = 40 };
#define DEFAULT_TOL_FACTOR 4.0          /* tol = 4 sqrt(n) u */
#define DEFAULT_SEED 0x6b72796c6f76ull  /* "krylov" */

typedef struct {
    pla_ctx *ctx;
    const pla_mat *A;
    int64_t n, b, mmax, p, k, cmax;
    int64_t lo, nr, ldv;   /* my slab: A's local rows lo .. lo + nr - 1; slab arrays have ld ldv */
    int64_t *grow;         /* global row of each slab row */
    int64_t *gcol;         /* global column of each local column of A */
    double *V;             /* basis, ldv x mmax */
    double *H;             /* projected matrix, mmax x mmax (ld mmax), replicated */
    double *full;          /* n x cmax: the block being multiplied, on every rank */
    void *xc;              /* A->nloc x cmax in A's type: the rows of it my columns of A need */
    void *t;               /* A->mloc x cmax in A's type (float32 only) */
    double *tr;            /* A->mloc x cmax: partial products, summed over my process row */
    double *wk;            /* ldv x cmax scratch slab */
    double *vt;            /* ldv x p: Ritz vectors at a restart */
    double *zb, *zf;       /* ldv x k: the pairs being verified */
    double *sm;            /* small scratch, max(mmax^2, (mmax + cmax + 1) cmax) */
    double *Y, *theta, *sy, *res; /* Ritz vectors (mmax^2), values, S Y (b x mmax), residual estimates */
    double *g, *u, *s, *bq, *rp, *rt, *tmp; /* cmax x cmax (s: cmax) for the block orthonormalization */
    int64_t *idx;          /* Ritz indices, most wanted first */
    uint64_t seed, stream;
    int64_t multiplies;
    double t_apply, t_orth, t_rr, t_ritz;  /* seconds, for the trace */
    int64_t passes;        /* Gram-Schmidt passes, for the trace */
} kry;

static void dgemm_l(pla_op ta, pla_op tb, int64_t m, int64_t n, int64_t k, double alpha, const double *a,
                    int64_t lda, const double *b, int64_t ldb, double beta, double *c, int64_t ldc)
{
    pla__blas_gemm(PLA_F64, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* W := A X for the c columns X of my slab (ld ldx) into W (ld ldw): X is
   assembled on every rank (one sum over all ranks of n x c), each rank
   multiplies its local block of A by the rows its columns need, and the
   partial products are summed over the process row, which holds whole rows
   of the result: my slab is my share of them. */
static pla_err apply(kry *kr, const double *X, int64_t ldx, int64_t c, double *W, int64_t ldw)
{
    const pla_mat *A = kr->A;
    const int64_t n = kr->n, mloc = A->mloc, nloc = A->nloc, ldx_c = max64(nloc, 1), ldt = max64(mloc, 1);
    memset(kr->full, 0, sizeof(double) * (size_t)(n * c));
    for (int64_t j = 0; j < c; ++j)
        for (int64_t i = 0; i < kr->nr; ++i)
            kr->full[kr->grow[i] + j * n] = X[i + j * ldx];
    const double t0 = pla_wtime();
    pla_err err = pla__allreduce(kr->ctx, PLA_SCOPE_ALL, kr->full, n * c, 0);
    if (err != PLA_OK)
        return err;
    const pla_dtype dt = A->dt;
    if (dt == PLA_F64) {
        double *xc = kr->xc;
        for (int64_t j = 0; j < c; ++j)
            for (int64_t jl = 0; jl < nloc; ++jl)
                xc[jl + j * ldx_c] = kr->full[kr->gcol[jl] + j * n];
    } else {
        float *xc = kr->xc;
        for (int64_t j = 0; j < c; ++j)
            for (int64_t jl = 0; jl < nloc; ++jl)
                xc[jl + j * ldx_c] = (float)kr->full[kr->gcol[jl] + j * n];
    }
    void *out = dt == PLA_F64 ? (void *)kr->tr : kr->t;
    /* the threads take row panels of A (few columns: see pla__blas_gemm_rows) */
    pla__blas_gemm_rows(dt, PLA_NOTRANS, PLA_NOTRANS, mloc, c, nloc, 1.0, A->data, A->lld, kr->xc, ldx_c, 0.0, out,
                        ldt);
    if (dt == PLA_F32) {
        const float *t = kr->t;
        for (int64_t j = 0; j < c; ++j)
            for (int64_t i = 0; i < mloc; ++i)
                kr->tr[i + j * ldt] = (double)t[i + j * ldt];
    }
    err = pla__allreduce(kr->ctx, PLA_SCOPE_ROW, kr->tr, ldt * c, 0);
    if (err != PLA_OK)
        return err;
    for (int64_t j = 0; j < c; ++j)
        memcpy(W + j * ldw, kr->tr + kr->lo + j * ldt, sizeof(double) * (size_t)kr->nr);
    kr->multiplies++;
    kr->t_apply += pla_wtime() - t0;
    return PLA_OK;
}

/* Eigenvalues (ascending) and eigenvectors (z, m x m, ld m) of the symmetric
   m x m matrix a (ld lda; its lower triangle is read on rank 0 only).  Rank 0
   solves and broadcasts, so every rank holds the same bits: the Ritz vectors
   and block rotations then agree across ranks even for repeated values. */
static pla_err small_eig(kry *kr, int64_t m, const double *a, int64_t lda, double *w, double *z)
{
    pla_ctx *ctx = kr->ctx;
    double status = 0;  /* LAPACK's info; -1000: out of memory, -2000: NaN or Inf in a */
    if (ctx->rank == 0) {
        int finite = 1;
        for (int64_t j = 0; j < m; ++j) {
            memcpy(z + j * m, a + j * lda, sizeof(double) * (size_t)m);
            for (int64_t i = j; i < m; ++i)
                finite &= isfinite(z[i + j * m]);
        }
        status = finite ? 0 : -2000;
    }
    if (ctx->rank == 0 && status == 0) {
        const int im = (int)m, ld = (int)max64(m, 1);
        int info = 0, lwork = -1, liwork = -1, iq = 0;
        double wq = 0;
        dsyevd_("V", "L", &im, z, &ld, w, &wq, &lwork, &iq, &liwork, &info);
        lwork = (int)wq + 1;
        liwork = iq > 1 ? iq : 1;
        double *work = malloc(sizeof(double) * (size_t)lwork);
        int *iwork = malloc(sizeof(int) * (size_t)liwork);
        if (info == 0 && work && iwork)
            dsyevd_("V", "L", &im, z, &ld, w, work, &lwork, iwork, &liwork, &info);
        else if (info == 0)
            info = -1000;
        free(work);
        free(iwork);
        status = info;
    }
    pla_err err = pla_ctx_bcast(ctx, &status, sizeof status, 0);
    if (err == PLA_OK && status == 0)
        err = pla_ctx_bcast(ctx, w, (int64_t)sizeof(double) * m, 0);
    if (err == PLA_OK && status == 0)
        err = pla_ctx_bcast(ctx, z, (int64_t)sizeof(double) * m * m, 0);
    if (err != PLA_OK)
        return err;
    if (status == -2000)
        return pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                            "the Krylov eigensolver met NaN or Inf: A holds non-finite values");
    if (status == -1000)
        return pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory in the projected eigenproblem");
    if (status > 0)
        return pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                            "dsyevd did not converge on the %lldx%lld projected matrix (info = %d)", (long long)m,
                            (long long)m, (int)status);
    if (status < 0)
        return pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__, "dsyevd rejected argument %d", (int)-status);
    return PLA_OK;
}

/* One SVQB step (Stathopoulos and Wu 2002) on the c slab columns W with
   Gram matrix G (kr->g, replicated): with D = diag(G)^(-1/2) and
   D G D = U diag(s) U^T, W := W D U s^(-1/2) and Rp := s^(1/2) U^T D^(-1),
   so that the old W is the new W times Rp.  Directions with s_i <= floor2
   (relative to the column scale) carry nothing but rounding: they are
   dropped (zero rows of Rp) and refilled with random vectors, which the
   caller's next pass orthogonalizes.  Columns whose squared norm is at most
   zero2 are treated as zero.  *refilled counts the refilled columns, *smin
   is the smallest s_i (1 is perfect, small means ill-conditioned). */
static pla_err svqb(kry *kr, double *W, int64_t ldw, int64_t c, double floor2, double zero2, int *refilled,
                    double *smin)
{
    double *d = kr->tmp;  /* c scale factors; tmp is free until chain_r */
    for (int64_t j = 0; j < c; ++j) {
        const double gjj = kr->g[j + j * c];
        d[j] = gjj > zero2 && gjj > 0 ? 1.0 / sqrt(gjj) : 0.0;
    }
    for (int64_t j = 0; j < c; ++j)
        for (int64_t i = 0; i < c; ++i)
            kr->g[i + j * c] *= d[i] * d[j];
    pla_err err = small_eig(kr, c, kr->g, c, kr->s, kr->u);
    if (err != PLA_OK)
        return err;
    *refilled = 0;
    *smin = INFINITY;
    for (int64_t i = 0; i < c; ++i) {
        const double si = kr->s[i];
        const int good = si > floor2 && si > 0;
        *smin = fmin(*smin, si);
        *refilled += !good;
        for (int64_t r = 0; r < c; ++r) {
            kr->bq[r + i * c] = good ? d[r] * kr->u[r + i * c] / sqrt(si) : 0.0;
            kr->rp[i + r * c] = good && d[r] > 0 ? kr->u[r + i * c] * sqrt(si) / d[r] : 0.0;
        }
    }
    dgemm_l(PLA_NOTRANS, PLA_NOTRANS, kr->nr, c, c, 1.0, W, ldw, kr->bq, c, 0.0, kr->wk, kr->ldv);
    const double scale = 1.0 / sqrt((double)kr->n);
    for (int64_t i = 0; i < c; ++i) {
        if (kr->s[i] > floor2 && kr->s[i] > 0)
            continue;
        for (int64_t r = 0; r < kr->nr; ++r)
            kr->wk[r + i * kr->ldv] = scale * pla_random_entry(PLA_NORMAL, kr->seed, kr->stream, kr->grow[r], i);
        kr->stream++;  /* the same count on every rank: s is rank 0's */
    }
    for (int64_t j = 0; j < c; ++j)
        memcpy(W + j * ldw, kr->wk + j * kr->ldv, sizeof(double) * (size_t)kr->nr);
    return PLA_OK;
}

/* Rt := Rp Rt (c x c). */
static void chain_r(kry *kr, int64_t c)
{
    dgemm_l(PLA_NOTRANS, PLA_NOTRANS, c, c, c, 1.0, kr->rp, c, kr->rt, c, 0.0, kr->tmp, c);
    memcpy(kr->rt, kr->tmp, sizeof(double) * (size_t)(c * c));
}

/* Makes the c slab columns W (ld ldw) orthonormal and orthogonal to the
   basis V[:, 0:m], with W_in = V C + W_out R: C (m x c, ld ldc, when m > 0)
   and R (kr->rt, c x c).  A first, local pass removes the components along
   V[:, lo:m], the only blocks W = A V_a couples with in exact arithmetic (the
   block Lanczos recurrence); then passes of block classical Gram-Schmidt
   against all of V, each followed by SVQB within the block, run until one
   loses less than half of any column's norm (Kahan's "twice is enough"), is
   well conditioned and refilled nothing: at most five. */
static pla_err orth(kry *kr, int64_t m, int64_t lo, double *W, int64_t ldw, int64_t c, double *C, int64_t ldc)
{
    pla_err err = PLA_OK;
    const int64_t nr = kr->nr, ldv = kr->ldv;
    double *buf = kr->sm, ref2 = 0, smin = 0;
    int refilled = 0;
    for (int64_t j = 0; j < c && m > 0; ++j)
        memset(C + j * ldc, 0, sizeof(double) * (size_t)m);
    for (int64_t j = 0; j < c; ++j)
        for (int64_t i = 0; i < c; ++i)
            kr->rt[i + j * c] = i == j;
    if (lo < m) {  /* local pass, with the input's column norms for the rank test */
        const int64_t ml = m - lo;
        dgemm_l(PLA_TRANS, PLA_NOTRANS, ml, c, nr, 1.0, kr->V + lo * ldv, ldv, W, ldw, 0.0, buf, ml + 1);
        for (int64_t j = 0; j < c; ++j) {
            double ss = 0;
            for (int64_t i = 0; i < nr; ++i)
                ss += W[i + j * ldw] * W[i + j * ldw];
            buf[ml + j * (ml + 1)] = ss;
        }
        if ((err = pla__allreduce(kr->ctx, PLA_SCOPE_ALL, buf, (ml + 1) * c, 0)) != PLA_OK)
            return err;
        for (int64_t j = 0; j < c; ++j) {
            ref2 = fmax(ref2, buf[ml + j * (ml + 1)]);
            memcpy(C + lo + j * ldc, buf + j * (ml + 1), sizeof(double) * (size_t)ml);
        }
        dgemm_l(PLA_NOTRANS, PLA_NOTRANS, nr, c, ml, -1.0, kr->V + lo * ldv, ldv, buf, ml + 1, 1.0, W, ldw);
    }
    for (int pass = 1; pass <= 5; ++pass) {
        /* [V^T W; W^T W] in one reduction; the Gram matrix of W - V C is
           W^T W - C^T C */
        const int64_t ldb = m + c;
        if (m > 0)
            dgemm_l(PLA_TRANS, PLA_NOTRANS, m, c, nr, 1.0, kr->V, ldv, W, ldw, 0.0, buf, ldb);
        dgemm_l(PLA_TRANS, PLA_NOTRANS, c, c, nr, 1.0, W, ldw, W, ldw, 0.0, buf + m, ldb);
        if ((err = pla__allreduce(kr->ctx, PLA_SCOPE_ALL, buf, ldb * c, 0)) != PLA_OK)
            return err;
        for (int64_t j = 0; j < c; ++j)
            memcpy(kr->g + j * c, buf + m + j * ldb, sizeof(double) * (size_t)c);
        if (pass == 1 && lo >= m)
            for (int64_t j = 0; j < c; ++j)
                ref2 = fmax(ref2, kr->g[j + j * c]);
        double loss = 1;
        if (m > 0) {
            dgemm_l(PLA_TRANS, PLA_NOTRANS, c, c, m, -1.0, buf, ldb, buf, ldb, 1.0, kr->g, c);
            dgemm_l(PLA_NOTRANS, PLA_NOTRANS, nr, c, m, -1.0, kr->V, ldv, buf, ldb, 1.0, W, ldw);
            dgemm_l(PLA_NOTRANS, PLA_NOTRANS, m, c, c, 1.0, buf, ldb, kr->rt, c, 1.0, C, ldc);
            for (int64_t j = 0; j < c; ++j) {
                const double before = buf[m + j + j * ldb];
                if (before > 0)
                    loss = fmin(loss, kr->g[j + j * c] / before);
            }
        }
        /* a direction below 1e-15 of the input's largest column is rounding
           (first pass); later passes see normalized columns */
        const double zero2 = pass == 1 ? 1e-30 * ref2 : 1e-20;
        const int again = refilled > 0;
        if ((err = svqb(kr, W, ldw, c, 1e-20, zero2, &refilled, &smin)) != PLA_OK)
            return err;
        chain_r(kr, c);
        kr->passes++;
        if (!again && refilled == 0 && loss >= 0.25 && smin >= 0.1)
            break;
    }
    return PLA_OK;
}

/* The c slab columns of X get normal random entries from (seed, stream). */
static void random_block(kry *kr, double *X, int64_t c)
{
    for (int64_t j = 0; j < c; ++j)
        for (int64_t i = 0; i < kr->nr; ++i)
            X[i + j * kr->ldv] = pla_random_entry(PLA_NORMAL, kr->seed, kr->stream, kr->grow[i], j);
    kr->stream++;
}

/* Verification of k Ritz vectors (kr->zb): orthonormalized, multiplied by
   A, a last Rayleigh-Ritz among themselves; on exit kr->zf holds the
   vectors, w the values (ascending), res the residual norms (agreed). */
static pla_err verify(kry *kr, double *w, double *res)
{
    pla_err err;
    const int64_t k = kr->k, nr = kr->nr, ldv = kr->ldv;
    if ((err = orth(kr, 0, 0, kr->zb, ldv, k, NULL, 1)) != PLA_OK)
        return err;
    if ((err = apply(kr, kr->zb, ldv, k, kr->wk, ldv)) != PLA_OK)
        return err;
    dgemm_l(PLA_TRANS, PLA_NOTRANS, k, k, nr, 1.0, kr->zb, ldv, kr->wk, ldv, 0.0, kr->sm, k);
    if ((err = pla__allreduce(kr->ctx, PLA_SCOPE_ALL, kr->sm, k * k, 0)) != PLA_OK)
        return err;
    for (int64_t j = 0; j < k; ++j)
        for (int64_t i = j + 1; i < k; ++i)
            kr->sm[i + j * k] = 0.5 * (kr->sm[i + j * k] + kr->sm[j + i * k]);
    if ((err = small_eig(kr, k, kr->sm, k, w, kr->Y)) != PLA_OK)
        return err;
    /* zf = zb Y, and A zf = wk Y into zb */
    dgemm_l(PLA_NOTRANS, PLA_NOTRANS, nr, k, k, 1.0, kr->zb, ldv, kr->Y, k, 0.0, kr->zf, ldv);
    dgemm_l(PLA_NOTRANS, PLA_NOTRANS, nr, k, k, 1.0, kr->wk, ldv, kr->Y, k, 0.0, kr->zb, ldv);
    for (int64_t j = 0; j < k; ++j) {
        double ss = 0;
        for (int64_t i = 0; i < nr; ++i) {
            const double r = kr->zb[i + j * ldv] - w[j] * kr->zf[i + j * ldv];
            ss += r * r;
        }
        res[j] = ss;
    }
    if ((err = pla__allreduce(kr->ctx, PLA_SCOPE_ALL, res, k, 0)) != PLA_OK)
        return err;
    for (int64_t j = 0; j < k; ++j)
        res[j] = sqrt(res[j]);
    return pla__allreduce(kr->ctx, PLA_SCOPE_ALL, res, k, 1);  /* the same bits everywhere */
}

/* *Z := the k slab columns kr->zf in A's layout, with the sign convention. */
static pla_err assemble(kry *kr, pla_mat **Z)
{
    pla_ctx *ctx = kr->ctx;
    const pla_mat *A = kr->A;
    const int64_t k = kr->k, nr = kr->nr, ldv = kr->ldv, mloc = A->mloc, ldt = max64(mloc, 1);
    double *zf = kr->zf, *v = kr->sm;  /* v: 3k values */
    if (A->dt == PLA_F32)  /* the convention is about the stored values */
        for (int64_t j = 0; j < k; ++j)
            for (int64_t i = 0; i < nr; ++i)
                zf[i + j * ldv] = (double)(float)zf[i + j * ldv];
    /* largest magnitude per column, the first row holding it, its sign */
    for (int64_t j = 0; j < k; ++j) {
        v[j] = 0;
        for (int64_t i = 0; i < nr; ++i)
            v[j] = fmax(v[j], fabs(zf[i + j * ldv]));
    }
    pla_err err = pla__allreduce(ctx, PLA_SCOPE_ALL, v, k, 1);
    for (int64_t j = 0; err == PLA_OK && j < k; ++j) {
        v[k + j] = -(double)kr->n;
        for (int64_t i = 0; i < nr; ++i)
            if (fabs(zf[i + j * ldv]) == v[j])
                v[k + j] = fmax(v[k + j], -(double)kr->grow[i]);
    }
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, v + k, k, 1);
    for (int64_t j = 0; err == PLA_OK && j < k; ++j) {
        v[2 * k + j] = 0;
        for (int64_t i = 0; i < nr; ++i)
            if (kr->grow[i] == (int64_t)-v[k + j])
                v[2 * k + j] = zf[i + j * ldv] < 0 ? -1.0 : 1.0;
    }
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, v + 2 * k, k, 0);  /* one owner per column */
    /* my process row's rows of Z from its ranks' slabs */
    if (err == PLA_OK) {
        memset(kr->tr, 0, sizeof(double) * (size_t)(ldt * k));
        for (int64_t j = 0; j < k; ++j)
            for (int64_t i = 0; i < nr; ++i)
                kr->tr[kr->lo + i + j * ldt] = (v[2 * k + j] < 0 ? -1.0 : 1.0) * zf[i + j * ldv];
        err = pla__allreduce(ctx, PLA_SCOPE_ROW, kr->tr, ldt * k, 0);
    }
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, kr->n, k, A->mb, A->nb, Z);
    if (err != PLA_OK)
        return err;
    for (int64_t jl = 0; jl < (*Z)->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(*Z, jl);
        for (int64_t il = 0; il < (*Z)->mloc; ++il)
            pla__put(A->dt, (*Z)->data, (*Z)->lld, il, jl, kr->tr[il + j * ldt]);
    }
    return PLA_OK;
}

static void free_kry(kry *kr)
{
    void *p[] = { kr->grow, kr->gcol, kr->V, kr->H, kr->full, kr->xc, kr->t, kr->tr, kr->wk, kr->vt, kr->zb,
                  kr->zf, kr->sm, kr->Y, kr->theta, kr->sy, kr->res, kr->g, kr->u, kr->s, kr->bq, kr->rp,
                  kr->rt, kr->tmp, kr->idx };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; ++i)
        free(p[i]);
}

static pla_err alloc_kry(kry *kr)
{
    pla_ctx *ctx = kr->ctx;
    const pla_mat *A = kr->A;
    const int64_t mm = kr->mmax, cm = kr->cmax, ldv = kr->ldv;
    const int64_t msm = max64(mm * mm, (mm + cm + 1) * cm);
#define KRY_ALLOC(ptr, count, size) ((ptr) = pla__calloc(ctx, (size_t)max64((count), 1), (size)))
    KRY_ALLOC(kr->grow, kr->nr, sizeof(int64_t));
    KRY_ALLOC(kr->gcol, A->nloc, sizeof(int64_t));
    KRY_ALLOC(kr->V, ldv * mm, sizeof(double));
    KRY_ALLOC(kr->H, mm * mm, sizeof(double));
    KRY_ALLOC(kr->full, kr->n * cm, sizeof(double));
    KRY_ALLOC(kr->xc, max64(A->nloc, 1) * cm, (size_t)pla_dtype_size(A->dt));
    KRY_ALLOC(kr->t, A->dt == PLA_F32 ? max64(A->mloc, 1) * cm : 1, sizeof(float));
    KRY_ALLOC(kr->tr, max64(A->mloc, 1) * cm, sizeof(double));
    KRY_ALLOC(kr->wk, ldv * cm, sizeof(double));
    KRY_ALLOC(kr->vt, ldv * kr->p, sizeof(double));
    KRY_ALLOC(kr->zb, ldv * kr->k, sizeof(double));
    KRY_ALLOC(kr->zf, ldv * kr->k, sizeof(double));
    KRY_ALLOC(kr->sm, msm, sizeof(double));
    KRY_ALLOC(kr->Y, mm * mm, sizeof(double));
    KRY_ALLOC(kr->theta, mm, sizeof(double));
    KRY_ALLOC(kr->sy, kr->b * mm, sizeof(double));
    KRY_ALLOC(kr->res, mm, sizeof(double));
    KRY_ALLOC(kr->g, cm * cm, sizeof(double));
    KRY_ALLOC(kr->u, cm * cm, sizeof(double));
    KRY_ALLOC(kr->s, cm, sizeof(double));
    KRY_ALLOC(kr->bq, cm * cm, sizeof(double));
    KRY_ALLOC(kr->rp, cm * cm, sizeof(double));
    KRY_ALLOC(kr->rt, cm * cm, sizeof(double));
    KRY_ALLOC(kr->tmp, cm * cm, sizeof(double));
    KRY_ALLOC(kr->idx, mm, sizeof(int64_t));
#undef KRY_ALLOC
    const int ok = kr->grow && kr->gcol && kr->V && kr->H && kr->full && kr->xc && kr->t && kr->tr && kr->wk &&
                   kr->vt && kr->zb && kr->zf && kr->sm && kr->Y && kr->theta && kr->sy && kr->res && kr->g &&
                   kr->u && kr->s && kr->bq && kr->rp && kr->rt && kr->tmp && kr->idx;
    pla_err err = ok ? PLA_OK
                     : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                    "out of memory for the Krylov basis (%lld x %lld per rank)", (long long)ldv,
                                    (long long)mm);
    return pla__agree(ctx, err);
}

/* Default block: see the header comment. */
static int64_t default_block(int64_t k)
{
    return min64(32, max64(8, (k / 2 + 7) / 8 * 8));
}

static int64_t default_basis(int64_t k, int64_t b)
{
    return max64(4 * k, k + 14 * b);
}

static int64_t default_keep(int64_t k, int64_t mmax, int64_t b)
{
    return max64(k, min64(mmax - 2 * b, (mmax + k) / 2));
}

pla_err pla__eig_krylov(const pla_mat *A, int64_t k, int largest, double tol, double *w, pla_mat **Z,
                        pla_eig_krylov_stats *stats)
{
    return pla__eig_krylov_ex(A, k, largest, tol, NULL, w, Z, stats);
}

pla_err pla__eig_krylov_ex(const pla_mat *A, int64_t k, int largest, double tol, const pla_eig_krylov_opts *opts,
                           double *w, pla_mat **Z, pla_eig_krylov_stats *stats)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    const pla_eig_krylov_opts o = opts ? *opts : (pla_eig_krylov_opts){ 0 };
    const int64_t n = A->n;
    kry kr = { .ctx = ctx, .A = A, .n = n, .k = k, .seed = o.seed ? o.seed : DEFAULT_SEED };
    const int cap = o.max_restarts > 0 ? o.max_restarts : o.max_restarts < 0 ? 0 : DEFAULT_MAX_RESTARTS;
    const double u = A->dt == PLA_F32 ? FLT_EPSILON / 2 : DBL_EPSILON / 2;
    double normest = 0, maxres = INFINITY, t0 = pla_wtime();
    int restarts = 0, done_ok = 0;
    const int check = o.check > 0 ? o.check : 1000000;
    if (Z)
        *Z = NULL;
    if (stats)
        *stats = (pla_eig_krylov_stats){ 0, 0, 0.0 };
    PLA_CHECK(ctx, A->m == A->n, PLA_ERR_ARG, "eigenvalues need a square matrix; A is %lldx%lld", (long long)A->m,
              (long long)A->n);
    PLA_CHECK(ctx, A->mb == A->nb, PLA_ERR_ARG, "the Krylov eigensolver needs square blocks; A has %lldx%lld",
              (long long)A->mb, (long long)A->nb);
    PLA_CHECK(ctx, k >= 1 && k <= n, PLA_ERR_ARG, "k = %lld eigenpairs of a %lldx%lld matrix", (long long)k,
              (long long)n, (long long)n);
    PLA_CHECK(ctx, 4 * k <= n, PLA_ERR_ARG,
              "k = %lld of n = %lld eigenpairs is more than a quarter of the spectrum: use a direct solver "
              "(divide and conquer or MRRR), the Krylov solver is for few extreme pairs",
              (long long)k, (long long)n);
    PLA_CHECK(ctx, !isnan(tol) && tol < 1, PLA_ERR_ARG, "tolerance %g: give 0 < tol < 1, or <= 0 for the default",
              tol);
    PLA_CHECK(ctx, w != NULL, PLA_ERR_ARG, "no room for the eigenvalues (w is NULL)");
    /* sizes: defaults shrink to fit small n, explicit values must fit */
    kr.b = o.block > 0 ? o.block : default_block(k);
    kr.mmax = o.basis > 0 ? o.basis : min64(n, default_basis(k, kr.b));
    if (o.block <= 0)
        kr.b = max64(1, min64(kr.b, (kr.mmax - k) / 3));
    kr.p = o.keep > 0 ? o.keep : default_keep(k, kr.mmax, kr.b);
    PLA_CHECK(ctx, kr.mmax <= n && kr.p >= k && kr.p + 2 * kr.b <= kr.mmax, PLA_ERR_ARG,
              "Krylov sizes do not fit: block %lld, basis %lld, keep %lld for k = %lld, n = %lld (need k <= keep, "
              "keep + 2 block <= basis <= n)",
              (long long)kr.b, (long long)kr.mmax, (long long)kr.p, (long long)k, (long long)n);
    if (tol <= 0)
        tol = DEFAULT_TOL_FACTOR * sqrt((double)n) * u;
    kr.cmax = max64(kr.b, k);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK)
        return err;
    /* my slab: an even share of my process row's local rows */
    {
        const int64_t q = ctx->npcol, c = ctx->mycol;
        kr.lo = A->mloc * c / q;
        kr.nr = A->mloc * (c + 1) / q - kr.lo;
        kr.ldv = max64(kr.nr, 1);
    }
    if ((err = alloc_kry(&kr)) != PLA_OK)
        goto out;
    for (int64_t i = 0; i < kr.nr; ++i)
        kr.grow[i] = pla_mat_row_l2g(A, kr.lo + i);
    for (int64_t jl = 0; jl < A->nloc; ++jl)
        kr.gcol[jl] = pla_mat_col_l2g(A, jl);

    const int64_t b = kr.b, mmax = kr.mmax, p = kr.p, ldv = kr.ldv, nr = kr.nr;
    random_block(&kr, kr.V, b);
    if ((err = orth(&kr, 0, 0, kr.V, ldv, b, NULL, 1)) != PLA_OK)
        goto out;
    int64_t m = b, a0 = 0;  /* basis columns; the first column of the block not yet multiplied */
    int64_t check_at = INT64_MAX, prev_mult = 0;
    double prev_rel = 0;
    for (;;) {
        /* expand: the block V[:, a0:a0+b] times A, orthogonalized against the basis */
        const int full = m + b > mmax;
        if (!full) {
            if ((err = apply(&kr, kr.V + a0 * ldv, ldv, b, kr.wk, ldv)) != PLA_OK)
                goto out;
            double *wnew = kr.V + m * ldv;
            memcpy(wnew, kr.wk, sizeof(double) * (size_t)(ldv * b));
            double t1 = pla_wtime();
            if ((err = orth(&kr, m, a0 == p ? 0 : max64(0, a0 - b), wnew, ldv, b, kr.H + a0 * mmax, mmax)) != PLA_OK)
                goto out;
            kr.t_orth += pla_wtime() - t1;
            for (int64_t j = 0; j < b; ++j)
                for (int64_t i = 0; i < b; ++i)
                    kr.H[m + i + (a0 + j) * mmax] = kr.rt[i + j * b];
            a0 = m;
            m += b;
            if (m + b <= mmax && kr.multiplies < check_at)
                continue;
        }
        /* Rayleigh-Ritz on V[:, 0:mr], whose images are known:
           A V_r = V_r H_r + V_a S with S = H[mr:m, 0:mr] */
        const int64_t mr = a0;
        double t1 = pla_wtime();
        for (int64_t j = 0; j < mr; ++j)
            for (int64_t i = j; i < mr; ++i)
                kr.sm[i + j * mr] = kr.H[j + i * mmax];  /* the columns orth computed */
        if ((err = small_eig(&kr, mr, kr.sm, mr, kr.theta, kr.Y)) != PLA_OK)
            goto out;
        kr.t_rr += pla_wtime() - t1;
        int finite = 1;
        for (int64_t i = 0; i < mr; ++i)
            finite &= isfinite(kr.theta[i]);
        if (!finite) {
            err = pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                               "the Krylov eigensolver met NaN or Inf: A holds non-finite values");
            goto out;
        }
        normest = fmax(normest, fmax(fabs(kr.theta[0]), fabs(kr.theta[mr - 1])));
        for (int64_t i = 0; i < mr; ++i)
            kr.idx[i] = largest ? mr - 1 - i : i;
        dgemm_l(PLA_NOTRANS, PLA_NOTRANS, b, mr, mr, 1.0, kr.H + mr, mmax, kr.Y, mr, 0.0, kr.sy, b);
        maxres = 0;
        for (int64_t i = 0; i < k; ++i) {
            double ss = 0;
            for (int64_t r = 0; r < b; ++r)
                ss += kr.sy[r + kr.idx[i] * b] * kr.sy[r + kr.idx[i] * b];
            maxres = fmax(maxres, sqrt(ss));
        }
        /* every rank takes the same decision */
        double agree[2] = { maxres, normest };
        if ((err = pla__allreduce(ctx, PLA_SCOPE_ALL, agree, 2, 1)) != PLA_OK)
            goto out;
        maxres = agree[0];
        normest = agree[1];
        if (o.trace && ctx->rank == 0)
            fprintf(stderr, "krylov: restart %d basis %lld products %lld  |A| >= %.6g  max est. residual %.3e  "
                    "(tol %.1e)  %.3f s\n", restarts, (long long)m, (long long)kr.multiplies, normest,
                    maxres / (normest > 0 ? normest : 1), tol, pla_wtime() - t0);
        /* the next test: after `check` products, or where the convergence
           rate since the last test predicts success, or at the restart */
        {
            const double rel = maxres / (normest > 0 ? normest : 1), goal = tol;
            check_at = INT64_MAX;
            if (check < 1000000)
                check_at = kr.multiplies + check;
            else if (prev_mult > 0 && rel < prev_rel && rel > goal && kr.multiplies > prev_mult) {
                const double rate = log(prev_rel / rel) / (double)(kr.multiplies - prev_mult);
                check_at = kr.multiplies + max64(1, (int64_t)(0.9 * log(rel / goal) / rate));
            }
            prev_rel = rel;
            prev_mult = kr.multiplies;
        }
        const int want_restart = m + b > mmax, converged = maxres <= tol * normest;
        if (!converged && !want_restart)
            continue;
        if (!converged && restarts >= cap)
            break;
        /* the Ritz vectors, most wanted first: V_r Y_p (V_r Y_k to verify) */
        const int64_t nz = want_restart ? p : k;
        for (int64_t i = 0; i < nz; ++i)
            memcpy(kr.sm + i * mr, kr.Y + kr.idx[i] * mr, sizeof(double) * (size_t)mr);
        t1 = pla_wtime();
        dgemm_l(PLA_NOTRANS, PLA_NOTRANS, nr, nz, mr, 1.0, kr.V, ldv, kr.sm, mr, 0.0, kr.vt, ldv);
        kr.t_ritz += pla_wtime() - t1;
        if (converged) {
            memcpy(kr.zb, kr.vt, sizeof(double) * (size_t)(ldv * k));
            if ((err = verify(&kr, w, kr.res)) != PLA_OK)
                goto out;
            maxres = 0;
            for (int64_t i = 0; i < k; ++i)
                maxres = fmax(maxres, kr.res[i]);
            normest = fmax(normest, fmax(fabs(w[0]), fabs(w[k - 1])));
            if (o.trace && ctx->rank == 0)
                fprintf(stderr, "krylov: verified max residual %.3e x |A|\n", maxres / (normest > 0 ? normest : 1));
            if (maxres <= tol * normest) {
                done_ok = 1;
                break;
            }
            if (!want_restart)
                continue;
            if (restarts >= cap)
                break;
        }
        /* thick restart: [V_r Y_p, V_a], H = [diag(theta_p) (S Y_p)^T; S Y_p .] */
        memmove(kr.V + p * ldv, kr.V + mr * ldv, sizeof(double) * (size_t)(ldv * b));
        memcpy(kr.V, kr.vt, sizeof(double) * (size_t)(ldv * p));
        memset(kr.H, 0, sizeof(double) * (size_t)(mmax * mmax));
        for (int64_t i = 0; i < p; ++i) {
            kr.H[i + i * mmax] = kr.theta[kr.idx[i]];
            for (int64_t r = 0; r < b; ++r) {
                kr.H[p + r + i * mmax] = kr.sy[r + kr.idx[i] * b];
                kr.H[i + (p + r) * mmax] = kr.sy[r + kr.idx[i] * b];
            }
        }
        m = p + b;
        a0 = p;
        restarts++;
    }
    if (o.trace && ctx->rank == 0)
        fprintf(stderr, "krylov: %.3f s: products %.3f, orthogonalization %.3f (%lld passes), Rayleigh-Ritz %.3f, "
                "Ritz vectors %.3f\n", pla_wtime() - t0, kr.t_apply, kr.t_orth, (long long)kr.passes, kr.t_rr, kr.t_ritz);
    if (!done_ok) {
        err = pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                           "the Krylov eigensolver did not converge in %d restarts (%lld block products): "
                           "largest residual %.2e ||A|| > tol %.2e; use a direct solver",
                           restarts, (long long)kr.multiplies, maxres / (normest > 0 ? normest : 1), tol);
        goto out;
    }
    if (Z && (err = assemble(&kr, Z)) != PLA_OK)
        goto out;
    if (stats)
        *stats = (pla_eig_krylov_stats){ restarts, kr.multiplies, maxres / (normest > 0 ? normest : 1) };
out:
    err = pla__agree(ctx, err);
    if (err != PLA_OK && Z)
        pla_mat_destroy(Z);
    if (err != PLA_OK && stats)
        *stats = (pla_eig_krylov_stats){ restarts, kr.multiplies, maxres / (normest > 0 ? normest : 1) };
    free_kry(&kr);
    return err;
}
