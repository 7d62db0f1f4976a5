/* The tiles of pla's HDF5 read at any rank count: chunked datasets whose
   chunks do not divide the shape (tiles of one chunk, several across, whole
   rows of chunks, a chunk larger than a tile), gzip, float32 and int16 files,
   and contiguous ones read in bands that cut row blocks anywhere (bands of
   1, 5 and 7 rows against blocks of 3 and 64).  Every grid of the rank
   count, block sizes 1, 3 and 64, the cyclic and rows strategies, both
   MPI-IO modes, and one thread or two (the pipelined path, where a thread
   transfers while another converts), compared element by element; then the
   first of several NaN/Inf values, placed so that a later column tile holds
   an earlier row than an earlier tile, named the same way everywhere.
   Usage: io_tiles [-v] [DIR]  (rank 0 writes the fixtures in DIR) */
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pla.h"
#include "io/rw.h"

static int failures, cases, verbose;

static void report(pla_ctx *ctx, int ok, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void report(pla_ctx *ctx, int ok, const char *fmt, ...)
{
    double bad = ok ? 0.0 : 1.0;  /* a case passes only if it passed everywhere */
    if (pla_ctx_allreduce_max(ctx, &bad, 1) != PLA_OK)
        bad = 1.0;
    cases++;
    if (bad != 0.0)
        failures++;
    if (pla_ctx_rank(ctx) == 0 && (bad != 0.0 || verbose)) {
        va_list ap;
        va_start(ap, fmt);
        printf("%-4s np=%d  ", bad != 0.0 ? "FAIL" : "ok", pla_ctx_size(ctx));
        vprintf(fmt, ap);
        printf("\n");
        fflush(stdout);
        va_end(ap);
    }
}

/* Exact in float32 and int16 (mod 2^15) for these shapes. */
static double entry(int64_t i, int64_t j)
{
    return (double)(i * 100 + j);
}

typedef struct {
    const char *name;
    int64_t m, n, c0, c1;  /* shape; chunk shape, 0 x 0 for contiguous */
    int gzip;
    hid_t type;            /* file type (a native type) */
} fixture;

/* Rank 0 writes dataset f->name of entry() values, with bad values at the
   given (row, col, value) triples. */
static int write_fixture(hid_t fid, const fixture *f, const double (*bad)[3], int nbad)
{
    hsize_t dims[2] = { (hsize_t)f->m, (hsize_t)f->n }, chunk[2] = { (hsize_t)f->c0, (hsize_t)f->c1 };
    double *x = malloc((size_t)(f->m * f->n) * sizeof *x);
    /* chunks larger than the shape need extendible dimensions */
    hsize_t maxdims[2] = { f->c0 > f->m ? H5S_UNLIMITED : dims[0], f->c1 > f->n ? H5S_UNLIMITED : dims[1] };
    hid_t space = H5Screate_simple(2, dims, maxdims), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    int ok = x != NULL && space >= 0 && dcpl >= 0;
    for (int64_t i = 0; ok && i < f->m; ++i)
        for (int64_t j = 0; j < f->n; ++j)
            x[i * f->n + j] = entry(i, j);
    for (int k = 0; ok && k < nbad; ++k)
        x[(int64_t)bad[k][0] * f->n + (int64_t)bad[k][1]] = bad[k][2];
    if (ok && f->c0 > 0)
        ok = H5Pset_chunk(dcpl, 2, chunk) >= 0 && (!f->gzip || H5Pset_deflate(dcpl, 4) >= 0);
    hid_t dset = ok ? H5Dcreate2(fid, f->name, f->type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT) : -1;
    ok = dset >= 0 && H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0;
    if (dset >= 0)
        H5Dclose(dset);
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    free(x);
    return ok;
}

/* Local elements of A that differ from entry(). */
static int64_t count_wrong(const pla_mat *A)
{
    void *data = NULL;
    int64_t lld = 0, mloc = 0, nloc = 0, bad = 0;
    pla_mat_local(A, &data, &lld, &mloc, &nloc);
    for (int64_t jl = 0; jl < nloc; ++jl)
        for (int64_t il = 0; il < mloc; ++il) {
            double want = entry(pla_mat_row_l2g(A, il), pla_mat_col_l2g(A, jl));
            double got = pla_mat_dtype(A) == PLA_F64 ? ((double *)data)[il + jl * lld]
                                                     : (double)((float *)data)[il + jl * lld];
            bad += got != want;
        }
    return bad;
}

static pla_ctx *make_ctx(int p, int q, int threads)
{
    pla_ctx_opts o = PLA_CTX_OPTS_DEFAULT;
    o.nprow = p;
    o.npcol = q;
    o.nthreads = threads;
    pla_ctx *ctx = NULL;
    if (pla_ctx_create(&o, &ctx) != PLA_OK) {
        fprintf(stderr, "io_tiles: cannot create a %dx%d context: %s\n", p, q, pla_ctx_errmsg(ctx));
        exit(2);
    }
    return ctx;
}

static const pla__h5_strategy strategies[] = { PLA__H5_AUTO, PLA__H5_CYCLIC, PLA__H5_ROWS };
static const int64_t blocks[] = { 1, 3, 64 };

/* Reads every fixture in many configurations on ctx and compares. */
static void read_all(pla_ctx *ctx, const char *gname, int threads, const char *file, const fixture *fx, int nfx)
{
    /* 0: the default; 1: a row or a chunk per tile; 500, 3000: a few rows
       or chunks, cut anywhere */
    static const int64_t bands[] = { 0, 1, 500, 3000 };
    for (int f = 0; f < nfx; ++f)
        for (int k = 0; k < 12; ++k) {
            const int64_t mb = blocks[k % 3], nb = blocks[(k + f) % 3], band = bands[k % 4];
            const pla__h5_strategy strat = strategies[(k / 4 + f) % 3];
            const pla_dtype dt = (k + f) % 5 == 4 ? PLA_F32 : PLA_F64;
            pla__h5_io_opts io = { strat, (k + f) % 7 == 3 ? 1 : 0, band, NULL };
            char path[64];
            snprintf(path, sizeof path, "/%s", fx[f].name);
            pla_mat *A = NULL;
            pla_err err = pla__h5_read_ex(ctx, file, path, dt, mb, nb, &io, &A);
            const int64_t wrong = A ? count_wrong(A) : -1;
            report(ctx, err == PLA_OK && wrong == 0,
                   "%s %lldx%lld chunks %lldx%lld%s on %s x %d threads as %s blk %lldx%lld strat %d io %d band %lld"
                   "  wrong=%lld %s",
                   fx[f].name, (long long)fx[f].m, (long long)fx[f].n, (long long)fx[f].c0, (long long)fx[f].c1,
                   fx[f].gzip ? " gzip" : "", gname, threads, pla_dtype_name(dt), (long long)mb, (long long)nb,
                   (int)strat, io.transfer, (long long)band, (long long)wrong,
                   err == PLA_OK ? "" : pla_ctx_errmsg(ctx));
            pla_mat_destroy(&A);
        }
}

/* The first bad value of /bad (rows, then columns) is named on every rank. */
static void read_bad(pla_ctx *ctx, const char *gname, int threads, const char *file, const char *want)
{
    for (int k = 0; k < 6; ++k) {
        pla__h5_io_opts io = { strategies[k % 3], 0, k < 3 ? 0 : 1, NULL };
        pla_mat *A = NULL;
        pla_err err = pla__h5_read_ex(ctx, file, "/bad", PLA_F64, blocks[k % 3], blocks[(k + 1) % 3], &io, &A);
        const char *msg = pla_ctx_errmsg(ctx);
        report(ctx, err == PLA_ERR_DATA && A == NULL && strstr(msg, want) != NULL,
               "first bad value on %s x %d threads, strat %d band %lld: %s", gname, threads, (int)io.strategy,
               (long long)io.band_bytes, err == PLA_OK ? "read without error" : msg);
        pla_mat_destroy(&A);
    }
}

int main(int argc, char **argv)
{
    if (pla_init(&argc, &argv) != PLA_OK)
        return 2;
    const char *dir = ".";
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else
            dir = argv[i];
    }
    const int size = pla_world_size();
    char file[1024];
    snprintf(file, sizeof file, "%s/io_tiles_np%d.h5", dir, size);
    const fixture fx[] = {
        { "c7x5", 130, 67, 7, 5, 0, H5T_NATIVE_DOUBLE },       /* many chunks, cut at both edges */
        { "c64x67", 130, 67, 64, 67, 0, H5T_NATIVE_DOUBLE },   /* chunks of whole rows */
        { "c45x1", 45, 300, 45, 1, 0, H5T_NATIVE_DOUBLE },     /* single columns */
        { "c1x7", 3, 50, 1, 7, 0, H5T_NATIVE_DOUBLE },         /* single rows */
        { "c500x3", 300, 20, 500, 3, 0, H5T_NATIVE_DOUBLE },   /* chunks taller than the dataset */
        { "gzip", 130, 67, 16, 9, 1, H5T_NATIVE_DOUBLE },
        { "f32", 130, 67, 20, 30, 0, H5T_NATIVE_FLOAT },
        { "i16", 130, 67, 33, 10, 1, H5T_NATIVE_SHORT },
        { "contig", 130, 67, 0, 0, 0, H5T_NATIVE_DOUBLE },
        { "contig_f32", 77, 41, 0, 0, 0, H5T_NATIVE_FLOAT },
    };
    const int nfx = (int)(sizeof fx / sizeof fx[0]);
    /* chunks of 6 x 5: the NaN at (40, 60) is the first; the -Inf at (41, 0)
       is in an earlier column tile but a later row, the Inf at (40, 61) in
       the same tile, the 1e300 beyond float32 does not count for float64 */
    const fixture bad = { "bad", 90, 70, 6, 5, 0, H5T_NATIVE_DOUBLE };
    const double bads[][3] = { { 41, 0, -INFINITY }, { 40, 61, INFINITY }, { 40, 60, NAN }, { 39, 69, 1e300 },
                               { 80, 3, NAN } };
    int made = 1;
    if (pla_world_rank() == 0) {
        hid_t fid = H5Fcreate(file, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        made = fid >= 0;
        for (int f = 0; made && f < nfx; ++f)
            made = write_fixture(fid, &fx[f], NULL, 0);
        made = made && write_fixture(fid, &bad, bads, 5);
        if (fid >= 0)
            H5Fclose(fid);
    }
    pla_ctx *world = make_ctx(0, 0, 1);
    double failed = !made;
    if (pla_ctx_allreduce_max(world, &failed, 1) != PLA_OK || failed != 0.0) {
        fprintf(stderr, "io_tiles: cannot write the fixtures in %s\n", file);
        return 2;
    }
    for (int p = 1; p <= size; ++p) {
        if (size % p != 0)
            continue;
        for (int threads = 1; threads <= 2; ++threads) {
            pla_ctx *ctx = make_ctx(p, size / p, threads);
            char gname[32];
            snprintf(gname, sizeof gname, "%dx%d", p, size / p);
            read_all(ctx, gname, threads, file, fx, nfx);
            read_bad(ctx, gname, threads, file, "holds NaN at row 40, column 60");
            if (pla_ctx_destroy(&ctx) != PLA_OK)
                failures++;
        }
    }
    if (pla_ctx_destroy(&world) != PLA_OK)
        failures++;
    if (pla_world_rank() == 0) {
        remove(file);
        printf("io_tiles: %d cases at %d ranks, %d failed\n", cases, size, failures);
    }
    pla_finalize();
    return failures == 0 ? 0 : 1;
}
