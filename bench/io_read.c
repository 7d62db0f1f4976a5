/* I/O benchmark driver: times pla's read of a dataset into the distributed
   layout (open, read, convert, NaN/Inf check: pla_h5_read's whole work) for
   each transfer configuration, and optionally the write back.
     io_read FILE[:/PATH] [--configs LIST] [--reps R] [--band BYTES]
             [--block NB] [--grid PxQ] [--dtype float32|float64] [--write DIR]
   LIST is a comma list of STRATEGY:TRANSFER with STRATEGY default, cyclic,
   rows or panel and TRANSFER default, indep or coll (default
   "default:default").  --band sets the read's tile bytes and the write's
   band bytes per rank (0: the library's defaults).
   Configurations run interleaved, reps times.  Rank 0 prints one line per
   timed call:  op=read config=cyclic:indep np=4 grid=2x2 seconds=0.8123 rep=1 ...
   The time is the slowest rank's, from a common start (barrier); the phases
   that follow (transfer: H5Dread/H5Dwrite, convert: transpose, conversion
   and NaN/Inf check, redist: p?gemr2d) are each the slowest rank's sum;
   with two threads or more per rank, transfers and conversions overlap
   (one thread transfers the next tile while the others convert), so the
   phases can add up to more than the time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pla.h"
#include "io/rw.h"

typedef struct {
    char name[32];
    pla__h5_io_opts io;
} config;

static int parse_configs(const char *list, config *c, int cap, int64_t band)
{
    int n = 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && n < cap; tok = strtok_r(NULL, ",", &save)) {
        char strat[16] = "", xfer[16] = "";
        if (sscanf(tok, "%15[^:]:%15s", strat, xfer) != 2)
            return -1;
        c[n].io = PLA__H5_IO_DEFAULT;
        c[n].io.band_bytes = band;
        c[n].io.strategy = strcmp(strat, "cyclic") == 0  ? PLA__H5_CYCLIC
                           : strcmp(strat, "panel") == 0 ? PLA__H5_PANEL
                           : strcmp(strat, "rows") == 0  ? PLA__H5_ROWS
                                                          : PLA__H5_AUTO;
        c[n].io.transfer = strcmp(xfer, "coll") == 0 ? 1 : strcmp(xfer, "indep") == 0 ? 0 : -1;
        snprintf(c[n].name, sizeof c[n].name, "%s:%s", strat, xfer);
        n++;
    }
    return n;
}

/* Seconds of the slowest rank since a common start. */
static double slowest(pla_ctx *ctx, double t0)
{
    double t = pla_wtime() - t0;
    if (pla_ctx_allreduce_max(ctx, &t, 1) != PLA_OK)
        return -1.0;
    return t;
}

int main(int argc, char **argv)
{
    if (pla_init(&argc, &argv) != PLA_OK || argc < 2) {
        fprintf(stderr, "usage: io_read FILE[:/PATH] [options]\n");
        return 2;
    }
    const char *list = "default:default", *write_dir = NULL;
    int reps = 1;
    int64_t band = 0, nb = 0;
    pla_dtype dt = PLA_F64;
    pla_ctx_opts o = PLA_CTX_OPTS_DEFAULT;
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (strcmp(a, "--configs") == 0) list = v;
        else if (strcmp(a, "--reps") == 0) reps = atoi(v);
        else if (strcmp(a, "--band") == 0) band = atoll(v);
        else if (strcmp(a, "--block") == 0) nb = atoll(v);
        else if (strcmp(a, "--grid") == 0) sscanf(v, "%dx%d", &o.nprow, &o.npcol);
        else if (strcmp(a, "--dtype") == 0) dt = strcmp(v, "float32") == 0 ? PLA_F32 : PLA_F64;
        else if (strcmp(a, "--write") == 0) write_dir = v;
        else { fprintf(stderr, "io_read: unknown option %s\n", a); return 2; }
    }
    config configs[16];
    int nc = parse_configs(list, configs, 16, band);
    pla_ctx *ctx = NULL;
    if (nc <= 0 || pla_ctx_create(&o, &ctx) != PLA_OK) {
        fprintf(stderr, "io_read: bad configuration list or context: %s\n", ctx ? pla_ctx_errmsg(ctx) : "");
        return 2;
    }
    char file[1024], path[512];
    if (pla_h5_split_name(argv[1], file, sizeof file, path, sizeof path) != PLA_OK)
        return 2;
    int p = 0, q = 0, rc = 0;
    pla_ctx_grid(ctx, &p, &q, NULL, NULL);
    for (int r = 0; r < reps && rc == 0; ++r)
        for (int c = 0; c < nc && rc == 0; ++c) {
            pla_mat *A = NULL;
            double phase[PLA__H5_T_COUNT] = { 0 };
            configs[c].io.seconds = phase;
            if (pla_ctx_barrier(ctx) != PLA_OK)
                rc = 1;
            double t0 = pla_wtime();
            pla_err err = pla__h5_read_ex(ctx, file, path, dt, nb, nb, &configs[c].io, &A);
            double t = slowest(ctx, t0);
            if (pla_ctx_allreduce_max(ctx, phase, PLA__H5_T_COUNT) != PLA_OK)
                rc = 1;
            if (err != PLA_OK) {
                if (pla_ctx_rank(ctx) == 0)
                    fprintf(stderr, "io_read: %s\n", pla_ctx_errmsg(ctx));
                rc = 1;
                break;
            }
            if (pla_ctx_rank(ctx) == 0)
                printf("op=read config=%s np=%d grid=%dx%d seconds=%.4f rep=%d  transfer=%.3f convert=%.3f "
                       "redist=%.3f\n", configs[c].name, pla_ctx_size(ctx), p, q, t, r + 1, phase[PLA__H5_T_TRANSFER],
                       phase[PLA__H5_T_CONVERT], phase[PLA__H5_T_REDIST]);
            if (write_dir != NULL) {
                char out_file[1200];
                pla_h5_out *out = NULL;
                snprintf(out_file, sizeof out_file, "%s/io_read_out.h5", write_dir);
                if (pla_ctx_barrier(ctx) != PLA_OK)
                    rc = 1;
                memset(phase, 0, sizeof phase);
                t0 = pla_wtime();
                err = pla_h5_out_open(ctx, out_file, "/", 1, &out);
                if (err == PLA_OK)
                    err = pla__h5_write_mat_ex(out, "X", A, PLA_F64, &configs[c].io);
                if (err == PLA_OK)
                    err = pla_h5_out_commit(&out);
                pla_h5_out_abort(&out);
                t = slowest(ctx, t0);
                if (pla_ctx_allreduce_max(ctx, phase, PLA__H5_T_COUNT) != PLA_OK)
                    rc = 1;
                if (pla_ctx_rank(ctx) == 0) {
                    if (err == PLA_OK)
                        printf("op=write config=%s np=%d grid=%dx%d seconds=%.4f rep=%d  transfer=%.3f "
                               "convert=%.3f redist=%.3f\n", configs[c].name, pla_ctx_size(ctx), p, q, t, r + 1,
                               phase[PLA__H5_T_TRANSFER], phase[PLA__H5_T_CONVERT], phase[PLA__H5_T_REDIST]);
                    else
                        fprintf(stderr, "io_read: %s\n", pla_ctx_errmsg(ctx));
                    remove(out_file);
                }
                rc = err == PLA_OK ? rc : 1;
            }
            fflush(stdout);
            pla_mat_destroy(&A);
        }
    if (pla_ctx_destroy(&ctx) != PLA_OK)
        rc = 1;
    pla_finalize();
    return rc;
}
