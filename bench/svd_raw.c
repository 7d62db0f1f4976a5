/* svd_raw: ScaLAPACK's pdgesvd driven by hand, the baseline for the full
   `pla svd` in bench/svd_run.py (MPI build only).

   A (m x n, float64) is read from HDF5 with pla's reader (pla_h5_read, blocks
   NB x NB: pdgesvd wants square blocks; default grid ranks x 1 for m >= n,
   1 x ranks otherwise), or generated (--random MxN: standard normal entries
   from pla's counter-based generator, the same for every grid), then
     --jobs V   JOBU = JOBVT = 'V': the singular values, the first min(m, n)
                columns of U (m x min(m, n)) and rows of VT (min(m, n) x n),
                laid out as A
     --jobs N   JOBU = JOBVT = 'N': the singular values only

   Workspace: one lwork = -1 query on every rank, then the largest query over
   ranks plus a little slack (the query counts this rank's share), allocated
   and touched once; U and VT are allocated and touched once too.

   Every run starts from a fresh copy of A made before the clock starts
   (pdgesvd destroys A); one run's time is the maximum over ranks of the
   pdgesvd call alone, each run after a barrier.  Prints one JSON line on
   rank 0: the times of --reps runs after --warmup untimed ones, their median,
   the read time, the first, last and sum of the singular values and the top
   --top of them ("s_top", descending; --top 0: all).  --write FILE writes
   (rank 0, raw little-endian float64): k = min(m, n), s, m, n, the k singular
   values, s triplet indices (0-based, spread evenly from the first to the
   last) and, with vectors, those s columns of U (m values each) and s rows
   of VT (n values each), for the runner's accuracy check; without vectors
   s = 0. */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pla.h"

/* ScaLAPACK has no C header: Fortran symbols, every argument by pointer. */
void pdgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a, const int *ia,
              const int *ja, const int *desca, double *s, double *u, const int *iu, const int *ju, const int *descu,
              double *vt, const int *ivt, const int *jvt, const int *descvt, double *work, const int *lwork,
              int *info);

#define MAX_REPS 64
#define MAX_SAMPLES 64

typedef struct {
    const char *file;
    long rand_m, rand_n;  /* --random MxN instead of --file */
    unsigned long seed;
    int vectors;          /* --jobs V (1) or N (0) */
    long nb;
    int reps, warmup, threads, nprow, npcol, samples, top;
    const char *write;
} opts;

static void usage(FILE *to, const char *prog)
{
    fprintf(to,
            "usage: %s (--file FILE:/PATH | --random MxN [--seed S]) [--jobs V|N] [--block NB]\n"
            "          [--grid PxQ] [--threads T] [--reps R] [--warmup W] [--samples S] [--top K]\n"
            "          [--write FILE]\n"
            "ScaLAPACK pdgesvd_ driven by hand on a matrix read with pla's HDF5 reader (or generated:\n"
            "standard normal entries).  --jobs V: JOBU = JOBVT = 'V' (default); N: values only.\n"
            "Default grid: ranks x 1 when m >= n, else 1 x ranks; block 64.\n"
            "Prints one JSON line (rank 0): per-run times of the pdgesvd call (max over ranks),\n"
            "their median, the top K singular values (--top, default 50; 0 = all).  --write FILE:\n"
            "k, s, m, n, S(1:k), s sampled triplet indices, those columns of U and rows of VT, as\n"
            "raw little-endian float64.\n",
            prog);
}

/* 0 on success, 1 after --help, -1 on a bad option (message printed if verbose). */
static int parse(int argc, char **argv, opts *o, int verbose)
{
    *o = (opts){ .vectors = 1, .nb = 64, .reps = 1, .warmup = 0, .samples = 8, .top = 50, .seed = 1 };
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
        else if (!strcmp(a, "--random") && sscanf(v, "%ldx%ld", &o->rand_m, &o->rand_n) == 2)
            continue;
        else if (!strcmp(a, "--seed"))
            o->seed = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--jobs") && (!strcmp(v, "V") || !strcmp(v, "N")))
            o->vectors = v[0] == 'V';
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
        else if (!strcmp(a, "--top"))
            o->top = atoi(v);
        else if (!strcmp(a, "--write"))
            o->write = v;
        else if (!strcmp(a, "--grid") && sscanf(v, "%dx%d", &o->nprow, &o->npcol) == 2)
            continue;
        else {
            if (verbose)
                fprintf(stderr, "%s: bad option %s %s (see --help)\n", argv[0], a, v);
            return -1;
        }
    }
    const int random = o->rand_m > 0 && o->rand_n > 0;
    if ((o->file == NULL) == !random || o->nb < 1 || o->reps < 1 || o->reps > MAX_REPS || o->warmup < 0 ||
        o->threads < 0 || o->samples < 0 || o->top < 0 || (o->nprow != 0) != (o->npcol != 0) || o->nprow < 0 ||
        o->npcol < 0) {
        if (verbose)
            fprintf(stderr, "%s: need exactly one of --file and --random MxN; NB >= 1, reps 1..%d, warmup, "
                            "samples, top >= 0 (see --help)\n", argv[0], MAX_REPS);
        return -1;
    }
    if (o->samples > MAX_SAMPLES)
        o->samples = MAX_SAMPLES;
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

/* One pdgesvd call; lwork = -1 is the query.  Without vectors U and VT are
   not referenced (A's descriptor stands in for theirs). */
static int gesvd(const opts *o, int m, int n, pla_mat *A, pla_mat *U, pla_mat *VT, double *s, double *work,
                 int lwork)
{
    const int one = 1;
    const char *job = o->vectors ? "V" : "N";
    void *a = NULL, *u = NULL, *vt = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0;
    double dummy = 0.0;
    int info = 0;
    pla_mat_local(A, &a, &lld, &mloc, &nloc);
    if (U != NULL)
        pla_mat_local(U, &u, &lld, &mloc, &nloc);
    if (VT != NULL)
        pla_mat_local(VT, &vt, &lld, &mloc, &nloc);
    pdgesvd_(job, job, &m, &n, a, &one, &one, pla_mat_desc(A), s, u ? u : &dummy, &one, &one,
             pla_mat_desc(U ? U : A), vt ? vt : &dummy, &one, &one, pla_mat_desc(VT ? VT : A), work, &lwork, &info);
    return info;
}

/* Columns cols[] of U (m rows) onto rank 0: buf is s x m. */
static void gather_u_columns(const pla_mat *U, int s, const int *cols, double *buf, double *scratch, MPI_Comm comm)
{
    void *uv = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0;
    pla_mat_local(U, &uv, &lld, &mloc, &nloc);
    const double *u = uv;
    const size_t m = (size_t)pla_mat_rows(U);
    int nprow = 0, npcol = 0, myrow = 0, mycol = 0;
    pla_ctx_grid(pla_mat_ctx(U), &nprow, &npcol, &myrow, &mycol);
    memset(scratch, 0, (size_t)s * m * sizeof *scratch);
    for (int t = 0; t < s; ++t) {
        int pcol = 0;
        int64_t jl = 0;
        pla_mat_col_g2l(U, cols[t], &pcol, &jl);
        if (pcol != mycol)
            continue;
        for (int64_t il = 0; il < mloc; ++il)
            scratch[(size_t)t * m + (size_t)pla_mat_row_l2g(U, il)] = u[(size_t)jl * (size_t)lld + (size_t)il];
    }
    MPI_Reduce(scratch, buf, (int)((size_t)s * m), MPI_DOUBLE, MPI_SUM, 0, comm);
}

/* Rows rows[] of VT (n columns) onto rank 0: buf is s x n. */
static void gather_vt_rows(const pla_mat *VT, int s, const int *rows, double *buf, double *scratch, MPI_Comm comm)
{
    void *vv = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0;
    pla_mat_local(VT, &vv, &lld, &mloc, &nloc);
    const double *vt = vv;
    const size_t n = (size_t)pla_mat_cols(VT);
    int nprow = 0, npcol = 0, myrow = 0, mycol = 0;
    pla_ctx_grid(pla_mat_ctx(VT), &nprow, &npcol, &myrow, &mycol);
    memset(scratch, 0, (size_t)s * n * sizeof *scratch);
    for (int t = 0; t < s; ++t) {
        int prow = 0;
        int64_t il = 0;
        pla_mat_row_g2l(VT, rows[t], &prow, &il);
        if (prow != myrow)
            continue;
        for (int64_t jl = 0; jl < nloc; ++jl)
            scratch[(size_t)t * n + (size_t)pla_mat_col_l2g(VT, jl)] = vt[(size_t)jl * (size_t)lld + (size_t)il];
    }
    MPI_Reduce(scratch, buf, (int)((size_t)s * n), MPI_DOUBLE, MPI_SUM, 0, comm);
}

static int write_result(const char *path, int k, int s, int m, int n, const double *sv, const int *idx,
                        const double *ucols, const double *vtrows)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    double head[4] = { (double)k, (double)s, (double)m, (double)n };
    int ok = fwrite(head, sizeof *head, 4, f) == 4 && fwrite(sv, sizeof *sv, (size_t)k, f) == (size_t)k;
    for (int t = 0; t < s && ok; ++t) {
        double c = (double)idx[t];
        ok = fwrite(&c, sizeof c, 1, f) == 1;
    }
    if (s > 0) {
        ok = ok && fwrite(ucols, sizeof *ucols, (size_t)s * (size_t)m, f) == (size_t)s * (size_t)m;
        ok = ok && fwrite(vtrows, sizeof *vtrows, (size_t)s * (size_t)n, f) == (size_t)s * (size_t)n;
    }
    return fclose(f) == 0 && ok;
}

static void touch(pla_mat *X)
{
    void *x = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0;
    if (X == NULL)
        return;
    pla_mat_local(X, &x, &lld, &mloc, &nloc);
    if (nloc > 0)
        memset(x, 0, (size_t)lld * (size_t)nloc * sizeof(double));
}

static pla_err run(pla_ctx *ctx, const opts *o, int *status)
{
    const int rank = pla_ctx_rank(ctx);
    MPI_Comm comm = pla_ctx_comm(ctx);
    pla_mat *A0 = NULL, *A = NULL, *U = NULL, *VT = NULL;
    double *sv = NULL, *work = NULL, *ucols = NULL, *vtrows = NULL, *scratch = NULL;
    pla_err err = PLA_OK;
    double t = MPI_Wtime();
    if (o->file) {
        char file[4096], path[1024];
        if (pla_h5_split_name(o->file, file, sizeof file, path, sizeof path) != PLA_OK) {
            if (rank == 0)
                fprintf(stderr, "svd_raw: bad --file %s\n", o->file);
            *status = 2;
            return PLA_OK;
        }
        err = pla_h5_read(ctx, file, path, PLA_F64, o->nb, o->nb, &A0);
    } else {
        err = pla_mat_create(ctx, PLA_F64, o->rand_m, o->rand_n, o->nb, o->nb, &A0);
        if (err == PLA_OK)
            err = pla_mat_fill_random(A0, PLA_NORMAL, o->seed, 0);
    }
    if (err != PLA_OK)
        goto done;
    const double read_s = MPI_Wtime() - t;
    const int64_t m64 = pla_mat_rows(A0), n64 = pla_mat_cols(A0);
    if (m64 > 2147483647 || n64 > 2147483647 || m64 < 1 || n64 < 1) {
        if (rank == 0)
            fprintf(stderr, "svd_raw: A is %lldx%lld: too large for ScaLAPACK's 32-bit sizes\n", (long long)m64,
                    (long long)n64);
        *status = 3;
        goto done;
    }
    const int m = (int)m64, n = (int)n64, k = m < n ? m : n;
    if ((err = pla_mat_dup(A0, &A)) != PLA_OK)
        goto done;
    if (o->vectors && ((err = pla_mat_create(ctx, PLA_F64, m, k, o->nb, o->nb, &U)) != PLA_OK ||
                       (err = pla_mat_create(ctx, PLA_F64, k, n, o->nb, o->nb, &VT)) != PLA_OK))
        goto done;
    void *a0v = NULL, *av = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0;
    pla_mat_local(A0, &a0v, &lld, &mloc, &nloc);
    pla_mat_local(A, &av, &lld, &mloc, &nloc);
    const size_t local_count = (size_t)lld * (size_t)nloc;

    /* workspace: query on every rank, then the largest over ranks plus slack */
    sv = calloc((size_t)k, sizeof *sv);
    double wq[2] = { 0, 0 };
    int info = gesvd(o, m, n, A, U, VT, sv, wq, -1);
    double need[2] = { wq[0], (double)(info != 0) }, agreed[2] = { 0, 0 };
    MPI_Allreduce(need, agreed, 2, MPI_DOUBLE, MPI_MAX, comm);
    const double lwork_query_max = agreed[0];
    const double lw = agreed[0] + 2.0 * (double)o->nb * (double)o->nb + 4.0 * (double)(m > n ? m : n) + 1024.0;
    int ok = agreed[1] == 0 && lw < 2147483647.0 && sv != NULL, all_ok = 0;
    const int lwork = ok ? (int)lw : 1;
    work = ok ? malloc((size_t)lwork * sizeof *work) : NULL;
    ok = ok && work;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
    if (!all_ok) {
        if (rank == 0)
            fprintf(stderr, "svd_raw: workspace query (info %d, %.0f doubles) or allocation failed\n", info, lw);
        *status = 4;
        goto done;
    }
    memset(work, 0, (size_t)lwork * sizeof *work);  /* touch every page before the clock starts */
    touch(U);
    touch(VT);

    double times[MAX_REPS];
    int bad = 0;
    for (int r = -o->warmup; r < o->reps && !bad; ++r) {
        memcpy(av, a0v, local_count * sizeof(double));  /* a fresh copy: not timed */
        MPI_Barrier(comm);
        double t0 = MPI_Wtime();
        info = gesvd(o, m, n, A, U, VT, sv, work, lwork);
        double dt = MPI_Wtime() - t0, tmax = 0.0;
        MPI_Allreduce(&dt, &tmax, 1, MPI_DOUBLE, MPI_MAX, comm);
        int mine = info != 0;
        MPI_Allreduce(&mine, &bad, 1, MPI_INT, MPI_MAX, comm);
        if (r >= 0)
            times[r] = tmax;
    }
    if (bad) {
        if (rank == 0)
            fprintf(stderr, "svd_raw: pdgesvd returned info = %d (rank 0)%s\n", info,
                    info == k + 1 ? ": singular values differ across the grid (heterogeneity)" :
                    info > 0 ? ": dbdsqr did not converge" : "");
        *status = 1;
        goto done;
    }

    /* sampled triplets for the runner's check: not timed */
    const int s = o->vectors ? (o->samples < k ? o->samples : k) : 0;
    int idx[MAX_SAMPLES];
    for (int i = 0; i < s; ++i) idx[i] = s > 1 ? (int)((long)i * (k - 1) / (s - 1)) : 0;
    const size_t big = (size_t)(m > n ? m : n);
    ucols = calloc((size_t)(s > 0 ? s : 1) * (size_t)m, sizeof *ucols);
    vtrows = calloc((size_t)(s > 0 ? s : 1) * (size_t)n, sizeof *vtrows);
    scratch = calloc((size_t)(s > 0 ? s : 1) * big, sizeof *scratch);
    ok = ucols && vtrows && scratch;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
    if (!all_ok) {
        *status = 4;
        goto done;
    }
    if (s > 0) {
        gather_u_columns(U, s, idx, ucols, scratch, comm);
        gather_vt_rows(VT, s, idx, vtrows, scratch, comm);
    }
    if (rank == 0) {
        double sum = 0;
        for (int i = 0; i < k; ++i) sum += sv[i];
        int wrote = o->write ? write_result(o->write, k, s, m, n, sv, idx, ucols, vtrows) : 1;
        int nprow = 0, npcol = 0, myrow = 0, mycol = 0;
        pla_ctx_grid(ctx, &nprow, &npcol, &myrow, &mycol);
        printf("{\"bench\":\"svd_raw\",\"routine\":\"pdgesvd\",\"jobu\":\"%s\",\"jobvt\":\"%s\",\"m\":%d,\"n\":%d,"
               "\"k\":%d,\"source\":\"%s\",\"ranks\":%d,\"grid\":\"%dx%d\",\"nb\":%ld,\"threads\":%d,"
               "\"corename\":\"%s\",\"lwork\":%d,\"lwork_query_max\":%.0f,\"read_s\":%.4f,\"reps\":%d,"
               "\"warmup\":%d,\"times\":[",
               o->vectors ? "V" : "N", o->vectors ? "V" : "N", m, n, k, o->file ? "hdf5" : "random", pla_ctx_size(ctx),
               nprow, npcol, o->nb, pla_ctx_threads(ctx), pla_blas_corename(), lwork, lwork_query_max, read_s,
               o->reps, o->warmup);
        for (int r = 0; r < o->reps; ++r)
            printf("%s%.6f", r ? "," : "", times[r]);
        const int top = o->top == 0 || o->top > k ? k : o->top;
        printf("],\"median_s\":%.6f,\"s_first\":%.17g,\"s_last\":%.17g,\"s_sum\":%.17g,\"s_top\":[",
               median(times, o->reps), sv[0], sv[k - 1], sum);
        for (int i = 0; i < top; ++i)
            printf("%s%.17g", i ? "," : "", sv[i]);
        printf("]%s}\n", wrote ? "" : ",\"write\":\"FAILED\"");
        fflush(stdout);
        if (!wrote)
            *status = 1;
    }
    MPI_Bcast(status, 1, MPI_INT, 0, comm);
done:
    pla_mat_destroy(&A0);
    pla_mat_destroy(&A);
    pla_mat_destroy(&U);
    pla_mat_destroy(&VT);
    free(sv);
    free(work);
    free(ucols);
    free(vtrows);
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
    /* the default grid needs the shape: peek at it (rank 0 reads the dataset's header) */
    int tall = 1;
    if (o.nprow == 0) {
        if (o.file == NULL)
            tall = o.rand_m >= o.rand_n;
        else {
            pla_ctx *probe = NULL;
            pla_ctx_opts popts = PLA_CTX_OPTS_DEFAULT;
            char file[4096], path[1024];
            pla_h5_dset_info info;
            if (pla_ctx_create(&popts, &probe) == PLA_OK &&
                pla_h5_split_name(o.file, file, sizeof file, path, sizeof path) == PLA_OK &&
                pla_h5_inspect(probe, file, path, &info) == PLA_OK && info.ndims == 2)
                tall = info.dims[0] >= info.dims[1];
            if (pla_ctx_destroy(&probe) != PLA_OK)
                status = 1;
        }
    }
    pla_ctx_opts copts = PLA_CTX_OPTS_DEFAULT;
    copts.nprow = o.nprow ? o.nprow : (tall ? pla_world_size() : 1);
    copts.npcol = o.npcol ? o.npcol : (tall ? 1 : pla_world_size());
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
