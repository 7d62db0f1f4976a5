/* ELPA's two-stage symmetric eigensolver behind pla__kernel_elpa (MPI build
   configured with ELPA, PLA_HAVE_ELPA).  ELPA takes the ScaLAPACK layout
   as it is: square nb x nb blocks, the process grid given by coordinates
   (ELPA splits the parent communicator by them, so pla's row-major grid is
   fine), local storage with leading dimension = local rows.  A matrix whose
   lld is larger, and single precision on an ELPA built without it (Debian's
   is), go through a packed (double) copy.

   What ELPA 2022.11 gets wrong, and what is done about it here:
   - a process row or column without any of A (n <= (P - 1) nb): setup
     error, solver error or wrong eigenvalues.  Such an A is copied to
     smaller blocks, or solved by ?syevd on rank 0 when n < P.
   - NaN or Inf in A: a deadlock on 2 x 2 grids.  Refused up front.
   - an eigenvalue of high multiplicity (c J + d I, J all ones; n from
     about 120): wrong pairs without an error, from its tridiagonal divide
     and conquer.  Every result is checked at O(n^2 / P) cost (trace and
     Frobenius norm for all pairs, an orthogonality probe on the vectors)
     and a failed check is PLA_ERR_NUMERIC. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <elpa/elpa.h>
#include "internal/backend.h"
#include "backend/fortran.h"
#ifdef _OPENMP
#include <omp.h>
#endif

/* Once per process: elpa_init (0 not tried, 1 accepted, -1 refused) and
   whether this ELPA computes in single precision (0 unknown, 1 yes, -1 no). */
static int elpa_state = 0;
static int elpa_single = 0;

static int elpa_ready(void)
{
    if (elpa_state == 0)
        elpa_state = elpa_init(ELPA_API_VERSION) == ELPA_OK ? 1 : -1;
    return elpa_state == 1;
}

typedef struct {
    const char *key;
    int value;
} elpa_kv;

/* Sets the keys in order; the first failing key in *bad. */
static int elpa_set_all(elpa_t h, const elpa_kv *kv, size_t count, const char **bad)
{
    int e = ELPA_OK;
    for (size_t i = 0; i < count && e == ELPA_OK; ++i) {
        elpa_set_integer(h, kv[i].key, kv[i].value, &e);
        *bad = kv[i].key;
    }
    return e;
}

/* A build without single precision answers the float solvers with
   ELPA_ERROR_DURING_COMPUTATION, as a real failure would; a 1 x 1 problem
   on MPI_COMM_SELF tells the two apart before the matrix is touched. */
static int elpa_has_single(void)
{
    if (elpa_single != 0)
        return elpa_single > 0;
    int e = ELPA_OK, e2 = ELPA_OK;
    float a = 2.0f, ev = 0.0f;
    const char *bad = NULL;
    elpa_t h = elpa_allocate(&e);
    if (e == ELPA_OK && h) {
        const elpa_kv kv[] = { { "na", 1 }, { "nev", 1 }, { "local_nrows", 1 }, { "local_ncols", 1 },
                               { "nblk", 1 }, { "mpi_comm_parent", (int)MPI_Comm_c2f(MPI_COMM_SELF) },
                               { "process_row", 0 }, { "process_col", 0 } };
        e = elpa_set_all(h, kv, sizeof kv / sizeof kv[0], &bad);
        if (e == ELPA_OK)
            e = elpa_setup(h);
        if (e == ELPA_OK)
            elpa_eigenvalues(h, &a, &ev, &e);
        elpa_deallocate(h, &e2);
    }
    elpa_single = e == ELPA_OK && ev == 2.0f ? 1 : -1;
    return elpa_single > 0;
}

/* One call: the matrices as ELPA sees them (ld = local rows; doubles when
   promoted), and what to copy back. */
typedef struct {
    pla_mat *A, *Z;
    int64_t nev;
    int refused;       /* elpa_init refused the API version on some rank */
    int promote;       /* F32 solved in double */
    void *a, *q, *ev;  /* ELPA's arguments */
    int own_a, own_q, own_ev;
    elpa_t h;
    double scale;        /* max |a_ij| (1 for A = 0) */
    double trace, fro2;  /* of A / scale before ELPA destroys it (nev == n) */
    double *y, *r;       /* the orthogonality probe: mloc and nloc values */
} elpa_call;

static size_t work_size(const elpa_call *c)
{
    return c->promote ? sizeof(double) : (size_t)pla_dtype_size(c->A->dt);
}

/* dst (ld = mloc, doubles when promoting) := the local part of M, or back. */
static void elpa_pack(const pla_mat *M, int promote, void *buf, int to_buf)
{
    const int64_t mloc = M->mloc, nloc = M->nloc, lld = M->lld;
    const size_t es = (size_t)pla_dtype_size(M->dt);
    for (int64_t j = 0; j < nloc; ++j) {
        char *col = (char *)M->data + (size_t)(j * lld) * es;
        if (!promote && to_buf)
            memcpy((char *)buf + (size_t)(j * mloc) * es, col, (size_t)mloc * es);
        else if (!promote)
            memcpy(col, (char *)buf + (size_t)(j * mloc) * es, (size_t)mloc * es);
        else if (to_buf)
            for (int64_t i = 0; i < mloc; ++i)
                ((double *)buf)[j * mloc + i] = ((const float *)(const void *)col)[i];
        else
            for (int64_t i = 0; i < mloc; ++i)
                ((float *)(void *)col)[i] = (float)((const double *)buf)[j * mloc + i];
    }
}

/* ELPA's view of M: its own storage when that already fits, else a buffer. */
static pla_err elpa_buffer(elpa_call *c, pla_mat *M, int copy_in, void **buf, int *own)
{
    static double empty[1];  /* for a rank with no local elements */
    if (M->mloc == 0 || M->nloc == 0) {
        *buf = empty;
        return PLA_OK;
    }
    if (!c->promote && M->lld == M->mloc) {
        *buf = M->data;
        return PLA_OK;
    }
    *buf = pla__malloc(M->ctx, (size_t)(M->mloc * M->nloc) * work_size(c));
    if (*buf == NULL)
        return pla__set_err(M->ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                            "out of memory for ELPA's copy of the %lldx%lld local part", (long long)M->mloc,
                            (long long)M->nloc);
    *own = 1;
    if (copy_in)
        elpa_pack(M, c->promote, *buf, 1);
    return PLA_OK;
}

/* Local: buffers, the handle and the problem's keys; agreed. */
static pla_err elpa_prepare(elpa_call *c)
{
    pla_err err = PLA_OK;
    pla_mat *A = c->A;
    pla_ctx *ctx = A->ctx;
    const char *bad = "";
    int e = ELPA_OK;
    PLA_CHECK(ctx, !c->refused, PLA_ERR_LIB, "ELPA does not accept API version %d (elpa_init)",
              (int)ELPA_API_VERSION);
    PLA_CHECK(ctx, A->mb == A->nb && pla__fits_int(A->n) && pla__fits_int(A->mloc) && pla__fits_int(A->nloc),
              PLA_ERR_ARG, "ELPA needs square blocks and 32-bit sizes (%lldx%lld blocks)", (long long)A->mb,
              (long long)A->nb);
    PLA_CHECK(ctx, !c->Z || (c->Z->mloc == A->mloc && c->Z->nloc == A->nloc && c->Z->dt == A->dt), PLA_ERR_ARG,
              "ELPA needs the eigenvector matrix in A's layout");
    PLA_TRY(elpa_buffer(c, A, 1, &c->a, &c->own_a));
    if (c->Z)
        PLA_TRY(elpa_buffer(c, c->Z, 0, &c->q, &c->own_q));
    if (c->promote) {
        c->ev = pla__malloc(ctx, (size_t)A->n * sizeof(double));
        PLA_CHECK(ctx, c->ev, PLA_ERR_MEM, "out of memory for %lld eigenvalues", (long long)A->n);
        c->own_ev = 1;
    }
    if (c->Z) {
        c->y = pla__malloc(ctx, (size_t)(A->mloc + 1) * sizeof(double));
        c->r = pla__malloc(ctx, (size_t)(A->nloc + 1) * sizeof(double));
        PLA_CHECK(ctx, c->y && c->r, PLA_ERR_MEM, "out of memory for the check of ELPA's result");
    }
    c->h = elpa_allocate(&e);
    PLA_CHECK(ctx, e == ELPA_OK && c->h, PLA_ERR_LIB, "elpa_allocate failed: %s", elpa_strerr(e));
    const elpa_kv kv[] = { { "na", (int)A->n }, { "nev", (int)c->nev }, { "local_nrows", (int)A->mloc },
                           { "local_ncols", (int)A->nloc }, { "nblk", (int)A->nb },
                           { "mpi_comm_parent", (int)MPI_Comm_c2f(ctx->comm) }, { "process_row", ctx->myrow },
                           { "process_col", ctx->mycol } };
    e = elpa_set_all(c->h, kv, sizeof kv / sizeof kv[0], &bad);
    PLA_CHECK(ctx, e == ELPA_OK, PLA_ERR_LIB, "ELPA rejected %s: %s", bad, elpa_strerr(e));
done:
    return pla__agree(ctx, err);
}

/* Collective: setup (splits the communicator), options, the solver. */
static pla_err elpa_run(elpa_call *c)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = c->A->ctx;
    int e = elpa_setup(c->h);
    if (e != ELPA_OK)
        err = pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__, "elpa_setup failed: %s", elpa_strerr(e));
    err = pla__agree(ctx, err);
    if (err != PLA_OK)
        return err;
    elpa_set_integer(c->h, "solver", ELPA_SOLVER_2STAGE, &e);
    if (e != ELPA_OK)
        err = pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__, "ELPA rejected the two-stage solver: %s",
                           elpa_strerr(e));
#ifdef _OPENMP
    /* An OpenMP build of ELPA runs its own loops on "omp_threads" (1 unless
       set); a build without OpenMP takes only 1, and its BLAS calls still
       use the threads pla gave OpenBLAS. */
    const int threads = ctx->nthreads > 0 ? ctx->nthreads : omp_get_max_threads();
    int e2 = ELPA_OK;
    if (threads > 1)
        elpa_set_integer(c->h, "omp_threads", threads, &e2);
    if (e2 != ELPA_OK && e2 != ELPA_ERROR_ENTRY_INVALID_VALUE && err == PLA_OK)
        err = pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__, "ELPA rejected omp_threads = %d: %s", threads,
                           elpa_strerr(e2));
#endif
    err = pla__agree(ctx, err);
    if (err != PLA_OK)
        return err;
    if (c->promote || c->A->dt == PLA_F64) {
        if (c->Z)
            elpa_eigenvectors(c->h, (double *)c->a, (double *)c->ev, (double *)c->q, &e);
        else
            elpa_eigenvalues(c->h, (double *)c->a, (double *)c->ev, &e);
    } else {
        if (c->Z)
            elpa_eigenvectors(c->h, (float *)c->a, (float *)c->ev, (float *)c->q, &e);
        else
            elpa_eigenvalues(c->h, (float *)c->a, (float *)c->ev, &e);
    }
    if (e == ELPA_ERROR_DURING_COMPUTATION)
        err = pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                           "ELPA's two-stage solver did not converge");
    else if (e != ELPA_OK)
        err = pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__, "ELPA's two-stage solver failed: %s",
                           elpa_strerr(e));
    return pla__agree(ctx, err);
}

/* Element k of a local array of doubles (f64) or floats, in double. */
static double elpa_at(const void *p, int f64, int64_t k)
{
    return f64 ? ((const double *)p)[k] : (double)((const float *)p)[k];
}

/* The probe vector's entry at global index i, in [-1, 1). */
static double elpa_probe(int64_t i)
{
    uint64_t z = (uint64_t)i * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-52 - 1.0;
}

/* Collective, before ELPA destroys A: whether A is finite (with a NaN or
   Inf, ELPA 2022.11 deadlocks on a 2 x 2 grid: some ranks leave its
   tridiagonal solver early), and for nev == n its trace and squared
   Frobenius norm, scaled by max |a_ij|, which the eigenvalues must
   reproduce. */
static pla_err elpa_scan(elpa_call *c)
{
    pla_err err = PLA_OK;
    const pla_mat *A = c->A;
    pla_ctx *ctx = A->ctx;
    const int f64 = A->dt == PLA_F64;
    double m[2] = { 0.0, 0.0 };  /* max |a_ij|, any non-finite */
    for (int64_t jl = 0; jl < A->nloc; ++jl)
        for (int64_t il = 0; il < A->mloc; ++il) {
            const double x = fabs(elpa_at(A->data, f64, jl * A->lld + il));
            if (!isfinite(x))
                m[1] = 1.0;
            else if (x > m[0])
                m[0] = x;
        }
    PLA_TRY(pla__allreduce(ctx, PLA_SCOPE_ALL, m, 2, 1));
    PLA_CHECK(ctx, m[1] == 0.0, PLA_ERR_DATA, "the matrix has NaN or Inf entries");
    c->scale = m[0] > 0.0 ? m[0] : 1.0;
    if (c->nev < A->n)
        goto done;
    double v[2] = { 0.0, 0.0 };
    for (int64_t jl = 0; jl < A->nloc; ++jl) {
        const int64_t j = pla__l2g(jl, A->nb, ctx->mycol, ctx->npcol);
        for (int64_t il = 0; il < A->mloc; ++il) {
            const double x = elpa_at(A->data, f64, jl * A->lld + il) / c->scale;
            v[1] += x * x;
            if (pla__l2g(il, A->mb, ctx->myrow, ctx->nprow) == j)
                v[0] += x;
        }
    }
    PLA_TRY(pla__allreduce(ctx, PLA_SCOPE_ALL, v, 2, 0));
    c->trace = v[0];
    c->fro2 = v[1];
done:
    return pla__agree(ctx, err);
}

/* Collective: whether ELPA's result is sound.  The eigenvalues against
   trace and Frobenius norm when all were asked for; the first nev columns
   of Z orthonormal along a probe x: || Z^T Z x - x || / || x || (Z x summed
   over process rows, Z^T (Z x) over process columns).  On ELPA's own
   output (working precision, ld = local rows), before any copy back. */
static pla_err elpa_check(elpa_call *c)
{
    pla_mat *A = c->A;
    pla_ctx *ctx = A->ctx;
    pla_err err = PLA_OK;
    const int64_t n = A->n, nev = c->nev, ld = A->mloc;
    const int f64 = c->promote || A->dt == PLA_F64;
    /* Sound results stay below 0.5 n eps on the probe (n <= 4000, grids up
       to 2 x 2); the failures seen are from 3.6 n eps (about 100 n eps in
       || Z^T Z - I ||_1) up to 1e9 n eps.  The eigenvalue sums err by about
       n eps ||A||_F. */
    const double eps = f64 ? DBL_EPSILON : FLT_EPSILON, tol = 2.0 * (double)n * eps, wtol = 50.0 * tol;
    if (nev == n) {
        double sum = 0.0, sum2 = 0.0;
        for (int64_t i = 0; i < n; ++i) {
            const double w = elpa_at(c->ev, f64, i) / c->scale;
            sum += w;
            sum2 += w * w;
        }
        const double fro = sqrt(c->fro2), dt = fabs(sum - c->trace), df = fabs(sum2 - c->fro2);
        if (!(dt <= wtol * fro) || !(df <= wtol * c->fro2))
            err = pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                               "ELPA's eigenvalues do not add up to A's trace and Frobenius norm (errors %.2e, %.2e "
                               "relative; a known ELPA failure on eigenvalues of high multiplicity): use the dc solver",
                               dt / (fro > 0 ? fro : 1.0), df / (c->fro2 > 0 ? c->fro2 : 1.0));
    }
    if (c->Z == NULL)
        return pla__agree(ctx, err);
    double v[2] = { 0.0, 0.0 };
    for (int64_t il = 0; il < A->mloc; ++il)
        c->y[il] = 0.0;
    for (int64_t jl = 0; jl < A->nloc; ++jl) {
        const int64_t j = pla__l2g(jl, A->nb, ctx->mycol, ctx->npcol);
        const double x = elpa_probe(j);
        for (int64_t il = 0; j < nev && il < A->mloc; ++il)
            c->y[il] += elpa_at(c->q, f64, jl * ld + il) * x;
    }
    pla_err e2 = pla__allreduce(ctx, PLA_SCOPE_ROW, c->y, A->mloc, 0);
    for (int64_t jl = 0; jl < A->nloc; ++jl) {
        c->r[jl] = 0.0;
        for (int64_t il = 0; pla__l2g(jl, A->nb, ctx->mycol, ctx->npcol) < nev && il < A->mloc; ++il)
            c->r[jl] += elpa_at(c->q, f64, jl * ld + il) * c->y[il];
    }
    if (e2 == PLA_OK)
        e2 = pla__allreduce(ctx, PLA_SCOPE_COL, c->r, A->nloc, 0);
    for (int64_t jl = 0; ctx->myrow == 0 && jl < A->nloc; ++jl) {  /* each column once */
        const int64_t j = pla__l2g(jl, A->nb, ctx->mycol, ctx->npcol);
        if (j < nev) {
            const double x = elpa_probe(j);
            v[0] += (c->r[jl] - x) * (c->r[jl] - x);
            v[1] += x * x;
        }
    }
    if (e2 == PLA_OK)
        e2 = pla__allreduce(ctx, PLA_SCOPE_ALL, v, 2, 0);
    const double orth = sqrt(v[0] / (v[1] > 0 ? v[1] : 1.0));
    if (err == PLA_OK && e2 != PLA_OK)
        err = e2;
    else if (err == PLA_OK && !(orth <= tol))
        err = pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                           "ELPA's eigenvectors are not orthonormal (%.2e, above %.2e; a known ELPA failure on "
                           "eigenvalues of high multiplicity): use the dc solver", orth, tol);
    return pla__agree(ctx, err);
}

/* ELPA on A's own layout, every process holding part of A. */
static pla_err elpa_direct(pla_mat *A, int64_t nev, void *w, pla_mat *Z)
{
    pla_ctx *ctx = A->ctx;
    elpa_call c = { .A = A, .Z = Z, .nev = nev, .ev = w };
    /* Collective decisions first: every rank promotes, or none. */
    double flags[2] = { elpa_ready() ? 0.0 : 1.0, 0.0 };
    if (flags[0] == 0.0 && A->dt == PLA_F32 && !elpa_has_single())
        flags[1] = 1.0;
    pla_err err = pla__allreduce(ctx, PLA_SCOPE_ALL, flags, 2, 1);
    if (err != PLA_OK)
        return err;
    c.refused = flags[0] != 0.0;
    c.promote = flags[1] != 0.0;
    err = elpa_scan(&c);
    if (err == PLA_OK)
        err = elpa_prepare(&c);
    if (err == PLA_OK)
        err = elpa_run(&c);
    if (err == PLA_OK)
        err = elpa_check(&c);
    if (err == PLA_OK) {
        if (c.own_q)
            elpa_pack(Z, c.promote, c.q, 0);
        for (int64_t i = 0; c.promote && i < A->n; ++i)
            ((float *)w)[i] = (float)((const double *)c.ev)[i];
        /* ELPA gives every rank the eigenvalues; make them bitwise equal. */
        err = pla__agree(ctx, pla_ctx_bcast(ctx, w, A->n * (int64_t)pla_dtype_size(A->dt), 0));
    }
    if (c.h) {
        int e = ELPA_OK;
        elpa_deallocate(c.h, &e);
    }
    if (c.own_a)
        free(c.a);
    if (c.own_q)
        free(c.q);
    if (c.own_ev)
        free(c.ev);
    free(c.y);
    free(c.r);
    return err;
}

/* A (and Z) in blocks of nb2, where every process row and column gets some. */
static pla_err elpa_reblock(pla_mat *A, int64_t nev, void *w, pla_mat *Z, int64_t nb2)
{
    pla_ctx *ctx = A->ctx;
    const int64_t n = A->n;
    pla_mat *A2 = NULL, *Z2 = NULL;
    pla_err err = pla_mat_create(ctx, A->dt, n, n, nb2, nb2, &A2);
    if (err == PLA_OK && Z)
        err = pla_mat_create(ctx, A->dt, n, n, nb2, nb2, &Z2);
    if (err == PLA_OK)
        err = pla__agree(ctx, pla__kernel_copy_sub(A, 0, 0, n, n, A2, 0, 0));
    if (err == PLA_OK)
        err = elpa_direct(A2, nev, w, Z2);
    if (err == PLA_OK && Z)
        err = pla__agree(ctx, pla__kernel_copy_sub(Z2, 0, 0, n, nev, Z, 0, 0));
    pla_mat_destroy(&Z2);
    pla_mat_destroy(&A2);
    return err;
}

/* Fewer rows than processes in a grid direction: LAPACK ?syevd on rank 0. */
static pla_err elpa_tiny(pla_mat *A, void *w, pla_mat *Z)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    const int n = (int)A->n, lwork = 1 + 6 * n + 2 * n * n, liwork = 3 + 5 * n, root = ctx->rank == 0;
    const size_t es = (size_t)pla_dtype_size(A->dt);
    void *a = root ? pla__malloc(ctx, (size_t)n * (size_t)n * es) : NULL;
    void *work = root ? pla__malloc(ctx, (size_t)lwork * es) : NULL;
    int *iwork = root ? pla__malloc(ctx, (size_t)liwork * sizeof *iwork) : NULL, info = 0;
    PLA_CHECK(ctx, !root || (a && work && iwork), PLA_ERR_MEM, "out of memory for a %dx%d eigenproblem", n, n);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__agree(ctx, pla__kernel_gather(A, 0, a, n));
    if (err == PLA_OK) {  /* the same on every rank */
        const char jobz = Z ? 'V' : 'N';
        if (root && A->dt == PLA_F64)
            dsyevd_(&jobz, "L", &n, a, &n, w, work, &lwork, iwork, &liwork, &info);
        else if (root)
            ssyevd_(&jobz, "L", &n, a, &n, w, work, &lwork, iwork, &liwork, &info);
        if (info != 0)
            err = pla__set_err(ctx, info > 0 ? PLA_ERR_NUMERIC : PLA_ERR_LIB, __FILE__, __LINE__,
                               "the symmetric eigensolver (?syevd, %dx%d) failed with info = %d", n, n, info);
        err = pla__agree(ctx, err);
    }
    if (err == PLA_OK && Z)
        err = pla__agree(ctx, pla__kernel_scatter(Z, 0, a, n));
    if (err == PLA_OK)
        err = pla__agree(ctx, pla_ctx_bcast(ctx, w, (int64_t)n * (int64_t)es, 0));
    free(a);
    free(work);
    free(iwork);
    return err;
}

pla_err pla__kernel_elpa(pla_mat *A, int64_t nev, void *w, pla_mat *Z)
{
    pla_ctx *ctx = A->ctx;
    const int64_t n = A->n, p = ctx->nprow > ctx->npcol ? ctx->nprow : ctx->npcol;
    if (n == 0 || nev <= 0)
        return PLA_OK;
    /* ELPA 2022.11 fails (setup error, solver error or wrong eigenvalues)
       when a process row or column holds no part of A: n <= (p - 1) nb. */
    if (n > (p - 1) * A->nb)
        return elpa_direct(A, nev, w, Z);
    if (n >= p)
        return elpa_reblock(A, nev, w, Z, (n - 1) / (p - 1));
    return elpa_tiny(A, w, Z);
}
