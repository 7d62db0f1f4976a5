/* eig_raw: the symmetric eigensolvers of ScaLAPACK driven by hand, the
   baseline for `pla eig` in bench/eig_run.py (MPI build only).

   A (n x n, float64) is read from HDF5 with pla's reader (pla_h5_read, blocks
   NB x NB on a P x Q grid; default 1 x ranks, as `pla eig` lays it out), then
   per --routine:
     syevd   pdsyevd_: all eigenpairs by divide and conquer
     syevr   pdsyevr_: MRRR, all pairs (RANGE='A', no --il/--iu) or the
             IL-th to IU-th smallest (RANGE='I', 1-based and inclusive as in
             ScaLAPACK: the top 50 of n = 4000 are --il 3951 --iu 4000)
   Eigenvectors are always computed (JOBZ='V') into an n x n Z laid out as A.

   Workspaces: one lwork = liwork = -1 query, then, because ScaLAPACK 2.2.1's
   query counts only this rank's share while the back-transformation
   (PDORMTR) and the sort (PDLASRT) size their work by the largest share, the
   maximum of the queries over ranks plus the same slack as
   src/backend/eig_kernels.c; allocated and touched once.

   Pitfall: p?syevr asked for fewer pairs than the block size NB returns
   wrong eigenvectors without any error (ScaLAPACK 2.2.1; the eigenvalues are
   right).  The driver calls exactly what it is told; the runner either uses
   NB <= IU - IL + 1 or asks for NB pairs and keeps the ones it wants.  The
   sampled-vector check below is what makes such an answer visible.

   Every run starts from a fresh copy of A made before the clock starts (the
   solvers overwrite A); one run's time is the maximum over ranks of its wall
   time, each run after a barrier.  Prints one JSON line on rank 0: the times
   of --reps runs after --warmup untimed ones, their median, the read time
   and the eigenvalues' first, last and sum.  --write FILE writes (rank 0,
   raw little-endian float64): k, s, the k eigenvalues, s column indices
   (0-based, among the k found) and those s columns of Z (n values each), s
   = min(--samples, k) spread evenly from the first to the last, for the
   runner's accuracy check. */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pla.h"

/* ScaLAPACK has no C header: Fortran symbols, every argument by pointer. */
void pdsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *ia, const int *ja,
              const int *desca, double *w, double *z, const int *iz, const int *jz, const int *descz, double *work,
              const int *lwork, int *iwork, const int *liwork, int *info);
void pdsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a, const int *ia,
              const int *ja, const int *desca, const double *vl, const double *vu, const int *il, const int *iu,
              int *m, int *nz, double *w, double *z, const int *iz, const int *jz, const int *descz, double *work,
              const int *lwork, int *iwork, const int *liwork, int *info);
int numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);

#define MAX_REPS 64

enum { ROUTINE_SYEVD, ROUTINE_SYEVR };
static const char *const routine_names[] = { "syevd", "syevr" };

typedef struct {
    const char *file;
    int routine;
    long il, iu;  /* 1-based; 0, 0 = all pairs */
    long nb;
    int reps, warmup, threads, nprow, npcol, samples;
    const char *write;
} opts;

static void usage(FILE *to, const char *prog)
{
    fprintf(to,
            "usage: %s --file FILE:/PATH [--routine syevd|syevr] [--il IL --iu IU] [--block NB]\n"
            "          [--grid PxQ] [--threads T] [--reps R] [--warmup W] [--samples S] [--write FILE]\n"
            "ScaLAPACK pdsyevd_ / pdsyevr_ driven by hand on a matrix read with pla's HDF5 reader.\n"
            "--il/--iu (syevr only) are 1-based and inclusive (RANGE='I'); without them, all pairs.\n"
            "Prints one JSON line (rank 0): per-run times (max over ranks), their median, the\n"
            "eigenvalues' first, last and sum.  --write FILE: k, s, w(1:k), s sampled column\n"
            "indices and those columns of Z, as raw little-endian float64.\n",
            prog);
}

/* 0 on success, 1 after --help, -1 on a bad option (message printed if verbose). */
static int parse(int argc, char **argv, opts *o, int verbose)
{
    *o = (opts){ .routine = ROUTINE_SYEVD, .nb = 64, .reps = 3, .warmup = 1, .samples = 8 };
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
        if (!strcmp(a, "--file"))
            o->file = v;
        else if (!strcmp(a, "--il"))
            o->il = atol(v);
        else if (!strcmp(a, "--iu"))
            o->iu = atol(v);
        else if (!strcmp(a, "--block") || !strcmp(a, "--nb"))
            o->nb = atol(v);
        else if (!strcmp(a, "--reps"))
            o->reps = atoi(v);
        else if (!strcmp(a, "--warmup"))
            o->warmup = atoi(v);
        else if (!strcmp(a, "--threads"))
            o->threads = atoi(v);
        else if (!strcmp(a, "--samples"))
            o->samples = atoi(v);
        else if (!strcmp(a, "--write"))
            o->write = v;
        else if (!strcmp(a, "--grid") && sscanf(v, "%dx%d", &o->nprow, &o->npcol) == 2)
            continue;
        else if (!strcmp(a, "--routine")) {
            int k = 0;
            while (k < 2 && strcmp(v, routine_names[k])) ++k;
            if (k == 2) {
                if (verbose)
                    fprintf(stderr, "%s: --routine wants syevd or syevr, got %s\n", argv[0], v);
                return -1;
            }
            o->routine = k;
        } else {
            if (verbose)
                fprintf(stderr, "%s: bad option %s %s (see --help)\n", argv[0], a, v);
            return -1;
        }
    }
    const int ranged = o->il != 0 || o->iu != 0;
    if (o->file == NULL || o->nb < 1 || o->reps < 1 || o->reps > MAX_REPS || o->warmup < 0 || o->threads < 0 ||
        o->samples < 0 || (ranged && (o->routine != ROUTINE_SYEVR || o->il < 1 || o->iu < o->il))) {
        if (verbose)
            fprintf(stderr, "%s: need --file; NB >= 1, reps 1..%d; --il/--iu only with syevr, 1 <= IL <= IU\n",
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

/* One solver call; lwork = liwork = -1 is the query.  *found gets the pairs found. */
static int solve(const opts *o, int n, pla_mat *A, pla_mat *Z, double *w, double *work, int lwork, int *iwork,
                 int liwork, int *found)
{
    const int one = 1, il = (int)o->il, iu = (int)o->iu;
    const double zero = 0.0;
    void *a = NULL, *z = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0;
    int info = 0, m = n, nz = 0;
    pla_mat_local(A, &a, &lld, &mloc, &nloc);
    pla_mat_local(Z, &z, &lld, &mloc, &nloc);
    if (o->routine == ROUTINE_SYEVD)
        pdsyevd_("V", "L", &n, a, &one, &one, pla_mat_desc(A), w, z, &one, &one, pla_mat_desc(Z), work, &lwork,
                 iwork, &liwork, &info);
    else
        pdsyevr_("V", il ? "I" : "A", "L", &n, a, &one, &one, pla_mat_desc(A), &zero, &zero, &il, &iu, &m, &nz, w,
                 z, &one, &one, pla_mat_desc(Z), work, &lwork, iwork, &liwork, &info);
    *found = m;
    return info;
}

/* The s sampled columns of Z (global column j of the first k) onto rank 0: buf is s x n. */
static void gather_columns(const pla_mat *Z, int n, int s, const int *cols, double *buf, double *scratch,
                           MPI_Comm comm)
{
    void *zv = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0;
    pla_mat_local(Z, &zv, &lld, &mloc, &nloc);
    const double *z = zv;
    int mycol = 0, myrow = 0, nprow = 0, npcol = 0;
    pla_ctx_grid(pla_mat_ctx(Z), &nprow, &npcol, &myrow, &mycol);
    memset(scratch, 0, (size_t)s * (size_t)n * sizeof *scratch);
    for (int t = 0; t < s; ++t) {
        int pcol = 0;
        int64_t jl = 0;
        pla_mat_col_g2l(Z, cols[t], &pcol, &jl);
        if (pcol != mycol)
            continue;
        for (int64_t il = 0; il < mloc; ++il)
            scratch[(size_t)t * (size_t)n + (size_t)pla_mat_row_l2g(Z, il)] = z[(size_t)jl * (size_t)lld + (size_t)il];
    }
    MPI_Reduce(scratch, buf, s * n, MPI_DOUBLE, MPI_SUM, 0, comm);
}

static int write_result(const char *path, int k, int s, const double *w, const int *cols, const double *zcols, int n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    double head[2] = { (double)k, (double)s };
    int ok = fwrite(head, sizeof *head, 2, f) == 2 && fwrite(w, sizeof *w, (size_t)k, f) == (size_t)k;
    for (int t = 0; t < s && ok; ++t) {
        double c = (double)cols[t];
        ok = fwrite(&c, sizeof c, 1, f) == 1;
    }
    ok = ok && fwrite(zcols, sizeof *zcols, (size_t)s * (size_t)n, f) == (size_t)s * (size_t)n;
    return fclose(f) == 0 && ok;
}

static pla_err run(pla_ctx *ctx, const opts *o, int *status)
{
    const int rank = pla_ctx_rank(ctx);
    MPI_Comm comm = pla_ctx_comm(ctx);
    char file[4096], path[1024];
    pla_mat *A0 = NULL, *A = NULL, *Z = NULL;
    double *w = NULL, *work = NULL, *zcols = NULL, *scratch = NULL;
    int *iwork = NULL;
    pla_err err = pla_h5_split_name(o->file, file, sizeof file, path, sizeof path);
    if (err != PLA_OK) {
        if (rank == 0)
            fprintf(stderr, "eig_raw: bad --file %s\n", o->file);
        *status = 2;
        return PLA_OK;
    }
    double t = MPI_Wtime();
    err = pla_h5_read(ctx, file, path, PLA_F64, o->nb, o->nb, &A0);
    if (err != PLA_OK)
        return err;
    const double read_s = MPI_Wtime() - t;
    const int64_t n64 = pla_mat_rows(A0);
    if (n64 != pla_mat_cols(A0) || n64 > 2147483647 || o->iu > n64) {
        if (rank == 0)
            fprintf(stderr, "eig_raw: A is %lldx%lld: need a square matrix and IU <= n\n",
                    (long long)n64, (long long)pla_mat_cols(A0));
        *status = 3;
        pla_mat_destroy(&A0);
        return PLA_OK;
    }
    const int n = (int)n64;
    if ((err = pla_mat_dup(A0, &A)) != PLA_OK || (err = pla_mat_create(ctx, PLA_F64, n, n, o->nb, o->nb, &Z)) != PLA_OK)
        goto done;
    void *a0v = NULL, *av = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0;
    pla_mat_local(A0, &a0v, &lld, &mloc, &nloc);
    pla_mat_local(A, &av, &lld, &mloc, &nloc);
    const size_t local_count = (size_t)lld * (size_t)nloc;

    /* workspace: query, then the largest query over ranks plus eig_kernels.c's slack */
    w = calloc((size_t)n, sizeof *w);
    double wq[2] = { 0, 0 };
    int iq[2] = { 0, 0 }, found = 0;
    int info = solve(o, n, A, Z, w, wq, -1, iq, -1, &found);
    int nprow = 0, npcol = 0, myrow = 0, mycol = 0;
    pla_ctx_grid(ctx, &nprow, &npcol, &myrow, &mycol);
    const int nbi = (int)o->nb, zero = 0;
    const double np = numroc_(&n, &nbi, &zero, &zero, &nprow), nq = numroc_(&n, &nbi, &zero, &zero, &npcol);
    double need[3] = { wq[0], (double)(iq[0] > 1 ? iq[0] : 1), (double)(info != 0) }, agreed[3] = { 0, 0, 0 };
    const double lwork_query = wq[0], liwork_query = need[1];
    need[0] += (np + nq) * o->nb + (double)o->nb * o->nb + np * (o->nb + nq) + 2.0 * n;
    need[1] += 7.0 * n + 8.0 * npcol + 2.0;
    MPI_Allreduce(need, agreed, 3, MPI_DOUBLE, MPI_MAX, comm);
    double qmax[2] = { lwork_query, liwork_query }, qmax_all[2] = { 0, 0 };
    MPI_Allreduce(qmax, qmax_all, 2, MPI_DOUBLE, MPI_MAX, comm);
    const double lw = agreed[0] > 3.0 * n + 64 ? agreed[0] : 3.0 * n + 64, liw = agreed[1];
    int ok = agreed[2] == 0 && lw < 2147483647.0 && liw < 2147483647.0 && w != NULL, all_ok = 0;
    const int lwork = ok ? (int)lw : 1, liwork = ok ? (int)liw : 1;
    work = ok ? malloc((size_t)lwork * sizeof *work) : NULL;
    iwork = ok ? malloc((size_t)liwork * sizeof *iwork) : NULL;
    ok = ok && work && iwork;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
    if (!all_ok) {
        if (rank == 0)
            fprintf(stderr, "eig_raw: workspace query (info %d) or allocation (%.0f + %.0f ints) failed\n", info, lw,
                    liw);
        *status = 4;
        goto done;
    }
    memset(work, 0, (size_t)lwork * sizeof *work);  /* touch every page before the clock starts */
    memset(iwork, 0, (size_t)liwork * sizeof *iwork);

    double times[MAX_REPS];
    int bad = 0;
    for (int r = -o->warmup; r < o->reps && !bad; ++r) {
        memcpy(av, a0v, local_count * sizeof(double));  /* a fresh copy: not timed */
        MPI_Barrier(comm);
        double t0 = MPI_Wtime();
        info = solve(o, n, A, Z, w, work, lwork, iwork, liwork, &found);
        double dt = MPI_Wtime() - t0, tmax = 0.0;
        MPI_Allreduce(&dt, &tmax, 1, MPI_DOUBLE, MPI_MAX, comm);
        int mine = info != 0;
        MPI_Allreduce(&mine, &bad, 1, MPI_INT, MPI_MAX, comm);
        if (r >= 0)
            times[r] = tmax;
    }
    const int want = o->il ? (int)(o->iu - o->il + 1) : n;
    if (bad || found != want) {
        if (rank == 0)
            fprintf(stderr, "eig_raw: pd%s returned info = %d (rank 0), %d of %d pairs found\n",
                    routine_names[o->routine], info, found, want);
        *status = 1;
        goto done;
    }

    /* sampled eigenvectors for the runner's check: not timed */
    const int k = found, s = o->samples < k ? o->samples : k;
    int cols[64];
    const int ss = s < 64 ? s : 64;
    for (int i = 0; i < ss; ++i) cols[i] = ss > 1 ? (int)((long)i * (k - 1) / (ss - 1)) : 0;
    zcols = calloc((size_t)(ss > 0 ? ss : 1) * (size_t)n, sizeof *zcols);
    scratch = calloc((size_t)(ss > 0 ? ss : 1) * (size_t)n, sizeof *scratch);
    if (zcols == NULL || scratch == NULL) {
        *status = 4;
        goto done;
    }
    if (ss > 0)
        gather_columns(Z, n, ss, cols, zcols, scratch, comm);
    if (rank == 0) {
        double sum = 0;
        for (int i = 0; i < k; ++i) sum += w[i];
        int wrote = o->write ? write_result(o->write, k, ss, w, cols, zcols, n) : 1;
        printf("{\"bench\":\"eig_raw\",\"routine\":\"pd%s\",\"range\":\"%s\",\"il\":%ld,\"iu\":%ld,\"n\":%d,"
               "\"found\":%d,\"ranks\":%d,\"grid\":\"%dx%d\",\"nb\":%ld,\"threads\":%d,\"corename\":\"%s\","
               "\"lwork\":%d,\"liwork\":%d,\"lwork_query_max\":%.0f,\"liwork_query_max\":%.0f,\"read_s\":%.4f,"
               "\"reps\":%d,\"warmup\":%d,\"times\":[",
               routine_names[o->routine], o->il ? "I" : "A", o->il, o->iu, n, k, pla_ctx_size(ctx), nprow, npcol,
               o->nb, pla_ctx_threads(ctx), pla_blas_corename(), lwork, liwork, qmax_all[0], qmax_all[1], read_s,
               o->reps, o->warmup);
        for (int r = 0; r < o->reps; ++r)
            printf("%s%.6f", r ? "," : "", times[r]);
        printf("],\"median_s\":%.6f,\"w_first\":%.17g,\"w_last\":%.17g,\"w_sum\":%.17g%s}\n", median(times, o->reps),
               w[0], w[k - 1], sum, wrote ? "" : ",\"write\":\"FAILED\"");
        fflush(stdout);
        if (!wrote)
            *status = 1;
    }
    MPI_Bcast(status, 1, MPI_INT, 0, comm);
done:
    pla_mat_destroy(&A0);
    pla_mat_destroy(&A);
    pla_mat_destroy(&Z);
    free(w);
    free(work);
    free(iwork);
    free(zcols);
    free(scratch);
    return err;
}

int main(int argc, char **argv)
{
    if (pla_init(&argc, &argv) != PLA_OK) {
        fprintf(stderr, "%s: cannot initialize MPI\n", argv[0]);
        return 6;
    }
    int status = 0;
    opts o;
    int parsed = parse(argc, argv, &o, pla_world_rank() == 0);
    if (parsed != 0) {
        pla_finalize();
        return parsed > 0 ? 0 : 2;
    }
    pla_ctx_opts copts = PLA_CTX_OPTS_DEFAULT;
    copts.nprow = o.nprow ? o.nprow : 1;  /* 1 x ranks, as `pla eig` lays it out */
    copts.npcol = o.npcol ? o.npcol : pla_world_size();
    copts.nthreads = o.threads;
    copts.nb_default = o.nb;
    pla_ctx *ctx = NULL;
    pla_err err = pla_ctx_create(&copts, &ctx);
    if (err == PLA_OK)
        err = run(ctx, &o, &status);
    if (err != PLA_OK) {
        if (pla_world_rank() == 0)
            fprintf(stderr, "%s: %s: %s\n", argv[0], pla_err_name(err), ctx ? pla_ctx_errmsg(ctx) : "no context");
        status = pla_err_exit_code(err);
    }
    if (pla_ctx_destroy(&ctx) != PLA_OK && status == 0)
        status = 1;
    pla_finalize();
    return status;
}
