/* raw_pdgels: least squares and QR with ScaLAPACK driven by hand (no pla),
   the baseline for bench/qr_lstsq_lib.c.  A P x Q BLACS grid over
   MPI_COMM_WORLD, A (m x n) and B (m x nrhs) in mb x nb blocks filled from
   the benchmark's shared formula (qr_entry below; lstsq_peers.py evaluates
   the same one), then per mode:
     gels         pdgels_: X = argmin ||A X - B|| (X in the first n rows of B)
     geqrf        pdgeqrf_: R only
     geqrf+orgqr  pdgeqrf_ then pdorgqr_: explicit economic Q and R
   Workspaces come from lwork = -1 queries and are allocated once.  Every run
   starts from a fresh copy of A (and B), made before the clock starts; one
   run's time is the maximum over ranks.  Prints one JSON line on rank 0 with
   the median of --reps timed runs (after --warmup untimed ones). */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No C header exists for BLACS/ScaLAPACK: Fortran symbols take every argument
   by pointer, 32-bit integers; Cblacs_* are C. */
void Cblacs_get(int ictxt, int what, int *val);
void Cblacs_gridinit(int *ictxt, const char *order, int nprow, int npcol);
void Cblacs_gridinfo(int ictxt, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int ictxt);
int numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc,
               const int *icsrc, const int *ictxt, const int *lld, int *info);
void pdgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a, const int *ia,
             const int *ja, const int *desca, double *b, const int *ib, const int *jb, const int *descb,
             double *work, const int *lwork, int *info);
void pdgeqrf_(const int *m, const int *n, double *a, const int *ia, const int *ja, const int *desca, double *tau,
              double *work, const int *lwork, int *info);
void pdorgqr_(const int *m, const int *n, const int *k, double *a, const int *ia, const int *ja, const int *desca,
              const double *tau, double *work, const int *lwork, int *info);
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
void omp_set_num_threads(int n);

#define MAX_REPS 64

enum { MODE_GELS, MODE_GEQRF, MODE_GEQRF_ORGQR };
static const char *const mode_names[] = { "gels", "geqrf", "geqrf+orgqr" };

typedef struct {
    long m, n, nrhs;
    int nprow, npcol;
    long mb, nb;
    int mode, reps, warmup, threads;
    unsigned long seed;
    double cond_delta;
    const char *write_coef;
} opts;

/* The benchmark problem, shared with qr_lstsq_lib.c and lstsq_peers.py:
   u(w, i, j) = a splitmix64 hash of (seed, w, i, j) mapped to [-1, 1)
   (bench/gemm_common.h's gemm_entry, exact in float64);
   A(i, j) = u(0, i, j), except that with cond_delta > 0 the last column is
   A(i, n-1) = u(0, i, 0) + cond_delta * u(0, i, n-1) (nearly dependent on
   the first: cond(A) ~ 1 / cond_delta); B(i, k) = u(1, i, k). */
static double hash_entry(unsigned long seed, int which, long i, long j)
{
    uint64_t z = (uint64_t)seed * 0x9E3779B97F4A7C15ull + (uint64_t)which * 0xD1B54A32D192ED03ull +
                 (uint64_t)i * 0xBF58476D1CE4E5B9ull + (uint64_t)j * 0x94D049BB133111EBull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-52 - 1.0;
}

static double qr_entry(const opts *o, int which, long i, long j)
{
    if (which == 0 && o->cond_delta > 0 && j == o->n - 1 && o->n > 1) {
        double d = o->cond_delta * hash_entry(o->seed, 0, i, j);  /* two roundings, as numpy does them */
        return hash_entry(o->seed, 0, i, 0) + d;
    }
    return hash_entry(o->seed, which, i, j);
}

static void usage(FILE *to, const char *prog)
{
    fprintf(to,
            "usage: %s [--mode gels|geqrf|geqrf+orgqr] [-m M] [-n N] [--nrhs R] [--grid PxQ]\n"
            "          [--mb MB] [--nb NB] [--reps R] [--warmup W] [--threads T] [--seed S]\n"
            "          [--cond-delta D] [--write-coef FILE]\n"
            "ScaLAPACK pdgels_ / pdgeqrf_ / pdorgqr_ driven by hand (no pla).  Prints one JSON\n"
            "line: per-run times (max over ranks), their median and GFLOP/s.  --write-coef\n"
            "(gels) writes X (n x nrhs, column-major) as raw little-endian float64.\n",
            prog);
}

/* 0 on success, 1 after --help, -1 on a bad option (message printed if verbose). */
static int parse(int argc, char **argv, opts *o, int verbose)
{
    *o = (opts){ .m = 20000, .n = 500, .nrhs = 1, .mb = 64, .nb = 64, .mode = MODE_GELS, .reps = 3,
                 .warmup = 1, .seed = 42 };
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (verbose)
                usage(stdout, argv[0]);
            return 1;
        }
        if (v == NULL) {
            if (verbose)
                fprintf(stderr, "%s: %s: unknown option or missing value (see --help)\n", argv[0], a);
            return -1;
        }
        ++i;
        if (!strcmp(a, "-m"))
            o->m = atol(v);
        else if (!strcmp(a, "-n"))
            o->n = atol(v);
        else if (!strcmp(a, "--nrhs"))
            o->nrhs = atol(v);
        else if (!strcmp(a, "--mb"))
            o->mb = atol(v);
        else if (!strcmp(a, "--nb"))
            o->nb = atol(v);
        else if (!strcmp(a, "--reps"))
            o->reps = atoi(v);
        else if (!strcmp(a, "--warmup"))
            o->warmup = atoi(v);
        else if (!strcmp(a, "--threads"))
            o->threads = atoi(v);
        else if (!strcmp(a, "--seed"))
            o->seed = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--cond-delta"))
            o->cond_delta = atof(v);
        else if (!strcmp(a, "--write-coef"))
            o->write_coef = v;
        else if (!strcmp(a, "--grid") && sscanf(v, "%dx%d", &o->nprow, &o->npcol) == 2)
            continue;
        else if (!strcmp(a, "--mode")) {
            int k = 0;
            while (k < 3 && strcmp(v, mode_names[k])) ++k;
            if (k == 3) {
                if (verbose)
                    fprintf(stderr, "%s: --mode wants gels, geqrf or geqrf+orgqr, got %s\n", argv[0], v);
                return -1;
            }
            o->mode = k;
        } else {
            if (verbose)
                fprintf(stderr, "%s: bad option %s %s (see --help)\n", argv[0], a, v);
            return -1;
        }
    }
    if (o->m < 1 || o->n < 1 || o->m < o->n || o->nrhs < 1 || o->mb < 1 || o->nb < 1 || o->reps < 1 ||
        o->reps > MAX_REPS || o->warmup < 0 || o->threads < 0 || o->m > 2147483647L || o->cond_delta < 0) {
        if (verbose)
            fprintf(stderr, "%s: out-of-range option (need m >= n >= 1, nrhs, mb, nb >= 1, reps 1..%d)\n",
                    argv[0], MAX_REPS);
        return -1;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int count)
{
    double s[MAX_REPS];
    memcpy(s, v, (size_t)count * sizeof *s);
    qsort(s, (size_t)count, sizeof *s, cmp_double);
    return count % 2 ? s[count / 2] : 0.5 * (s[count / 2 - 1] + s[count / 2]);
}

/* Global index of local index l (0-based) in nb-blocks cycled over np processes. */
static long l2g(long l, long nb, int p, int np)
{
    return (l / nb) * nb * np + (long)p * nb + l % nb;
}

/* One distributed matrix: local storage and descriptor. */
typedef struct {
    int m, n, mloc, nloc, lld;
    int desc[9];
    double *a;
} dmat;

static int dmat_init(dmat *d, const opts *o, long m, long n, int ictxt, int myrow, int mycol, int nprow, int npcol)
{
    const int zero = 0, mb = (int)o->mb, nb = (int)o->nb;
    int info = 0;
    d->m = (int)m;
    d->n = (int)n;
    d->mloc = numroc_(&d->m, &mb, &myrow, &zero, &nprow);
    d->nloc = numroc_(&d->n, &nb, &mycol, &zero, &npcol);
    d->lld = d->mloc > 1 ? d->mloc : 1;
    descinit_(d->desc, &d->m, &d->n, &mb, &nb, &zero, &zero, &ictxt, &d->lld, &info);
    d->a = malloc((size_t)d->lld * (size_t)(d->nloc > 0 ? d->nloc : 1) * sizeof *d->a);
    return info == 0 && d->a != NULL;
}

static size_t dmat_count(const dmat *d)
{
    return (size_t)d->lld * (size_t)d->nloc;
}

static void dmat_fill(dmat *d, const opts *o, int which, int myrow, int mycol, int nprow, int npcol)
{
    for (int jl = 0; jl < d->nloc; ++jl) {
        long j = l2g(jl, o->nb, mycol, npcol);
        for (int il = 0; il < d->mloc; ++il)
            d->a[(size_t)jl * (size_t)d->lld + (size_t)il] = qr_entry(o, which, l2g(il, o->mb, myrow, nprow), j);
    }
}

/* The top k x ncols block of a factored matrix, summed onto rank 0 into dst
   (column-major, ld k); upper = 1 keeps only i <= j (R). */
static void gather_top(const dmat *d, const opts *o, int k, int ncols, int upper, int myrow, int mycol,
                       int nprow, int npcol, double *dst, double *scratch)
{
    memset(scratch, 0, (size_t)k * (size_t)ncols * sizeof *scratch);
    for (int jl = 0; jl < d->nloc; ++jl) {
        long j = l2g(jl, o->nb, mycol, npcol);
        for (int il = 0; il < d->mloc; ++il) {
            long i = l2g(il, o->mb, myrow, nprow);
            if (i < k && j < ncols && (!upper || i <= j))
                scratch[(size_t)j * (size_t)k + (size_t)i] = d->a[(size_t)jl * (size_t)d->lld + (size_t)il];
        }
    }
    MPI_Reduce(scratch, dst, k * ncols, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
}

/* A cheap correctness check of the factorization, after the last run:
   geqrf: | ||R||_F - ||A||_F | / ||A||_F (Q is orthogonal);
   geqrf+orgqr: also max_j | ||Q e_j|| - 1 |, and, on a P x 1 grid, the probe
   || A x - Q (R x) || / (||A||_F ||x||) for a random x.  Of order eps when right. */
static double check_qr(const opts *o, const dmat *A0, const dmat *F, const double *R, int mycol, int npcol,
                       int rank)
{
    const int n = (int)o->n;
    double loc[2] = { 0, 0 }, sum[2] = { 0, 0 }, worst = 0.0;
    for (int jl = 0; jl < A0->nloc; ++jl)
        for (int il = 0; il < A0->mloc; ++il) {
            double v = A0->a[(size_t)jl * (size_t)A0->lld + (size_t)il];
            loc[0] += v * v;
        }
    if (rank == 0)
        for (int j = 0; j < n; ++j)
            for (int i = 0; i <= j; ++i) loc[1] += R[(size_t)j * (size_t)n + (size_t)i] * R[(size_t)j * (size_t)n + (size_t)i];
    MPI_Allreduce(loc, sum, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    double anorm = sqrt(sum[0]);
    worst = fabs(sqrt(sum[1]) - anorm) / anorm;
    if (o->mode != MODE_GEQRF_ORGQR)
        return worst;
    /* column norms of Q */
    double *cs = calloc((size_t)n, sizeof *cs), *ct = calloc((size_t)n, sizeof *ct);
    for (int jl = 0; jl < F->nloc; ++jl) {
        long j = l2g(jl, o->nb, mycol, npcol);
        for (int il = 0; il < F->mloc; ++il) {
            double v = F->a[(size_t)jl * (size_t)F->lld + (size_t)il];
            cs[j] += v * v;
        }
    }
    MPI_Allreduce(cs, ct, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    for (int j = 0; j < n; ++j)
        worst = fmax(worst, fabs(sqrt(ct[j]) - 1.0));
    if (npcol == 1) {  /* whole rows are local: A x and Q (R x) row by row */
        double *x = cs, *rx = ct, e = 0.0, es = 0.0, xx = 0.0;
        for (int j = 0; j < n; ++j) {
            x[j] = hash_entry(o->seed, 7, 0, j);
            xx += x[j] * x[j];
        }
        if (rank == 0)
            for (int i = 0; i < n; ++i) {
                rx[i] = 0.0;
                for (int j = i; j < n; ++j) rx[i] += R[(size_t)j * (size_t)n + (size_t)i] * x[j];
            }
        MPI_Bcast(rx, n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        for (int il = 0; il < F->mloc; ++il) {
            double ax = 0.0, qrx = 0.0;
            for (int j = 0; j < n; ++j) {
                ax += A0->a[(size_t)j * (size_t)A0->lld + (size_t)il] * x[j];
                qrx += F->a[(size_t)j * (size_t)F->lld + (size_t)il] * rx[j];
            }
            e += (ax - qrx) * (ax - qrx);
        }
        MPI_Allreduce(&e, &es, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        worst = fmax(worst, sqrt(es) / (anorm * sqrt(xx)));
    }
    free(cs);
    free(ct);
    return worst;
}

static int write_coef(const char *path, const double *x, size_t count)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    int ok = fwrite(x, sizeof *x, count, f) == count;
    return fclose(f) == 0 && ok;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1, status = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    opts o;
    int parsed = parse(argc, argv, &o, rank == 0);
    if (parsed != 0) {
        MPI_Finalize();
        return parsed > 0 ? 0 : 2;
    }
    if (o.nprow == 0 && o.npcol == 0) {  /* tall-skinny: a column of processes */
        o.nprow = size;
        o.npcol = 1;
    }
    if (o.nprow * o.npcol != size) {
        if (rank == 0)
            fprintf(stderr, "%s: grid %dx%d needs %d ranks (have %d)\n", argv[0], o.nprow, o.npcol,
                    o.nprow * o.npcol, size);
        MPI_Finalize();
        return 2;
    }
    if (o.threads > 0) {
        openblas_set_num_threads(o.threads);
        omp_set_num_threads(o.threads);
    }

    int ictxt = 0, nprow = 0, npcol = 0, myrow = 0, mycol = 0, info = 0;
    Cblacs_get(-1, 0, &ictxt);
    Cblacs_gridinit(&ictxt, "Row", o.nprow, o.npcol);
    Cblacs_gridinfo(ictxt, &nprow, &npcol, &myrow, &mycol);

    const int one = 1, m = (int)o.m, n = (int)o.n, nrhs = (int)o.nrhs, gels = o.mode == MODE_GELS;
    dmat A0 = { 0 }, A = { 0 }, B0 = { 0 }, B = { 0 };
    double *tau = NULL, *work = NULL, *R = NULL, *scratch = NULL, *coef = NULL;
    int ok = dmat_init(&A0, &o, m, n, ictxt, myrow, mycol, nprow, npcol) &&
             dmat_init(&A, &o, m, n, ictxt, myrow, mycol, nprow, npcol);
    if (ok && gels)
        ok = dmat_init(&B0, &o, m, nrhs, ictxt, myrow, mycol, nprow, npcol) &&
             dmat_init(&B, &o, m, nrhs, ictxt, myrow, mycol, nprow, npcol);
    tau = malloc((size_t)(A.nloc > 0 ? A.nloc : 1) * sizeof *tau);
    const size_t kr = (size_t)n * (size_t)(gels ? nrhs : n);  /* X (n x nrhs) or R (n x n) on rank 0 */
    R = calloc(kr, sizeof *R);
    scratch = calloc(kr, sizeof *scratch);
    int all_ok = 0;
    ok = ok && tau != NULL && R != NULL && scratch != NULL;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        if (rank == 0)
            fprintf(stderr, "%s: descinit or allocation failed\n", argv[0]);
        status = 4;
        goto done;
    }
    dmat_fill(&A0, &o, 0, myrow, mycol, nprow, npcol);
    memcpy(A.a, A0.a, dmat_count(&A0) * sizeof *A.a);  /* touch every page before the clock starts */
    if (gels) {
        dmat_fill(&B0, &o, 1, myrow, mycol, nprow, npcol);
        memcpy(B.a, B0.a, dmat_count(&B0) * sizeof *B.a);
    }

    /* workspace queries (lwork = -1), one allocation for every call */
    double q[2] = { 0, 0 };
    const int query = -1;
    int lwork = 1;
    if (gels) {
        pdgels_("N", &m, &n, &nrhs, A.a, &one, &one, A.desc, B.a, &one, &one, B.desc, q, &query, &info);
        lwork = (int)q[0];
    } else {
        pdgeqrf_(&m, &n, A.a, &one, &one, A.desc, tau, q, &query, &info);
        lwork = (int)q[0];
        if (o.mode == MODE_GEQRF_ORGQR && info == 0) {
            pdorgqr_(&m, &n, &n, A.a, &one, &one, A.desc, tau, q, &query, &info);
            lwork = (int)q[0] > lwork ? (int)q[0] : lwork;
        }
    }
    work = malloc((size_t)(lwork > 1 ? lwork : 1) * sizeof *work);
    ok = info == 0 && work != NULL;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        if (rank == 0)
            fprintf(stderr, "%s: workspace query (info %d) or allocation of %d doubles failed\n", argv[0], info, lwork);
        status = 4;
        goto done;
    }
    memset(work, 0, (size_t)lwork * sizeof *work);

    double times[MAX_REPS];
    int bad_info = 0;
    for (int r = -o.warmup; r < o.reps && !bad_info; ++r) {
        memcpy(A.a, A0.a, dmat_count(&A0) * sizeof *A.a);  /* a fresh copy: not timed */
        if (gels)
            memcpy(B.a, B0.a, dmat_count(&B0) * sizeof *B.a);
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        if (gels) {
            pdgels_("N", &m, &n, &nrhs, A.a, &one, &one, A.desc, B.a, &one, &one, B.desc, work, &lwork, &info);
        } else {
            pdgeqrf_(&m, &n, A.a, &one, &one, A.desc, tau, work, &lwork, &info);
            if (o.mode == MODE_GEQRF_ORGQR && info == 0) {
                if (r == o.reps - 1) {  /* keep R for the check: not timed */
                    double t1 = MPI_Wtime();
                    gather_top(&A, &o, n, n, 1, myrow, mycol, nprow, npcol, R, scratch);
                    t0 += MPI_Wtime() - t1;
                }
                pdorgqr_(&m, &n, &n, A.a, &one, &one, A.desc, tau, work, &lwork, &info);
            }
        }
        double t = MPI_Wtime() - t0, tmax = 0.0;
        MPI_Allreduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        MPI_Allreduce(&info, &bad_info, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (r >= 0)
            times[r] = tmax;
    }
    if (bad_info != 0) {
        if (rank == 0)
            fprintf(stderr, "%s: %s returned info = %d\n", argv[0], mode_names[o.mode], bad_info);
        status = 1;
        goto done;
    }

    /* results: X for gels, a factorization check for the QR modes */
    double check = 0.0;
    if (gels) {
        coef = R;  /* X = the top n x nrhs block of B */
        gather_top(&B, &o, n, nrhs, 0, myrow, mycol, nprow, npcol, coef, scratch);
    } else {
        if (o.mode == MODE_GEQRF)
            gather_top(&A, &o, n, n, 1, myrow, mycol, nprow, npcol, R, scratch);
        check = check_qr(&o, &A0, &A, R, mycol, npcol, rank);
    }
    if (rank == 0) {
        int wrote = 1;
        if (gels && o.write_coef)
            wrote = write_coef(o.write_coef, coef, kr);
        double med = median(times, o.reps), mm = (double)m, nn = (double)n;
        double flops = 2.0 * mm * nn * nn - 2.0 * nn * nn * nn / 3.0;  /* geqrf; orgqr adds as much */
        if (o.mode == MODE_GEQRF_ORGQR)
            flops *= 2.0;
        printf("{\"bench\":\"raw_pdgels\",\"mode\":\"%s\",\"m\":%ld,\"n\":%ld,\"nrhs\":%ld,\"ranks\":%d,"
               "\"grid\":\"%dx%d\",\"mb\":%ld,\"nb\":%ld,\"threads\":%d,\"corename\":\"%s\",\"lwork\":%d,"
               "\"cond_delta\":%g,\"reps\":%d,\"times\":[",
               mode_names[o.mode], o.m, o.n, o.nrhs, size, nprow, npcol, o.mb, o.nb, openblas_get_num_threads(),
               openblas_get_corename(), lwork, o.cond_delta, o.reps);
        for (int r = 0; r < o.reps; ++r)
            printf("%s%.6f", r ? "," : "", times[r]);
        printf("],\"median_s\":%.6f,\"gflops\":%.3f,\"check\":\"%s\",\"check_err\":%.3g%s}\n", med,
               gels ? 0.0 : flops / med * 1e-9, gels ? "skipped" : (check < 1e-10 ? "ok" : "FAILED"), check,
               wrote ? "" : ",\"write_coef\":\"FAILED\"");
        fflush(stdout);
        if (!wrote || (!gels && check >= 1e-10))
            status = 1;
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
done:
    free(A0.a); free(A.a); free(B0.a); free(B.a);
    free(tau); free(work); free(R); free(scratch);
    Cblacs_gridexit(ictxt);
    MPI_Finalize();
    return status;
}
