/* Test helper for io_check.py: reads a dataset with pla_h5_read and writes
   it back through the output API, like a pla subcommand would.
     io_copy IN[:/PATH] OUT[:/GROUP] NAME [options]
       --dtype float32|float64       element type in memory (default float64)
       --out-dtype float32|float64   element type in the output file (default float64)
       --grid PxQ  --block NB        process grid and block size
       --strategy cyclic|rows|panel  transfer strategy (default: the library's)
       --transfer independent|collective
       --band BYTES                  band buffer per rank
       --force                       replace existing outputs
       --extras                      also a vector, a scalar and group attributes
       --abort                       write, then abort instead of commit
     io_copy --list FILE             one line per dataset (pla_h5_list)
     io_copy --inspect FILE[:/PATH]  one line for the dataset (pla_h5_inspect)
   On failure rank 0 prints "pla: error: MESSAGE" and every rank exits with
   pla_err_exit_code(status). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pla.h"
#include "io/rw.h"

static pla_dtype parse_dtype(const char *s)
{
    return strcmp(s, "float32") == 0 ? PLA_F32 : PLA_F64;
}

static int fail(pla_ctx *ctx, pla_err err)
{
    if (pla_ctx_rank(ctx) == 0)
        fprintf(stderr, "pla: error: %s\n", pla_ctx_errmsg(ctx));
    return pla_err_exit_code(err);
}

static void print_info(const pla_h5_dset_info *info, void *arg)
{
    if (*(const int *)arg != 0)
        return;  /* rank 0 prints */
    printf("%s ndims=%d dims=", info->path, info->ndims);
    for (int i = 0; i < info->ndims; ++i)
        printf("%s%lld", i ? "x" : "", (long long)info->dims[i]);
    printf(" type=%s numeric=%d layout=%s chunk=", info->type, info->is_numeric, info->layout);
    for (int i = 0; i < info->ndims && info->chunk[0] > 0; ++i)
        printf("%s%lld", i ? "x" : "", (long long)info->chunk[i]);
    printf(" filters=%s\n", info->filters);
}

/* --list / --inspect */
static int describe(const char *mode, const char *spec)
{
    pla_ctx *ctx = NULL;
    char file[1024], path[512];
    pla_err err = pla_ctx_create(NULL, &ctx);
    int rank = pla_ctx_rank(ctx), code = 0;
    if (err == PLA_OK)
        err = pla_h5_split_name(spec, file, sizeof file, path, sizeof path);
    if (err == PLA_OK && strcmp(mode, "--list") == 0) {
        err = pla_h5_list(ctx, file, print_info, &rank);
    } else if (err == PLA_OK) {
        pla_h5_dset_info info;
        err = pla_h5_inspect(ctx, file, path, &info);
        if (err == PLA_OK)
            print_info(&info, &rank);
    }
    if (err != PLA_OK)
        code = fail(ctx, err);
    if (pla_ctx_destroy(&ctx) != PLA_OK)
        code = 1;
    return code;
}

static pla_err write_all(pla_h5_out *out, const char *name, const pla_mat *A, pla_dtype ft,
                         const pla__h5_io_opts *io, int extras)
{
    pla_err err = pla__h5_write_mat_ex(out, name, A, ft, io);
    if (err == PLA_OK && pla_ctx_rank(pla_mat_ctx(A)) == 0)
        printf("wrote %s\n", pla_h5_out_target(out));  /* the dataset just written */
    if (err != PLA_OK || !extras)
        return err;
    int64_t n = pla_mat_cols(A);
    double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (v == NULL)
        return PLA_ERR_MEM;
    for (int64_t j = 0; j < n; ++j)
        v[j] = (double)j + 0.5;
    double rows = (double)pla_mat_rows(A);
    err = pla_h5_out_write_vec(out, "vec", v, n, ft);
    if (err == PLA_OK)
        err = pla_h5_out_write_vec(out, "empty", v, 0, ft);
    if (err == PLA_OK)
        err = pla_h5_out_write_vec(out, "rows", &rows, -1, ft);
    if (err == PLA_OK)
        err = pla_h5_out_attr_str(out, "command", "io_copy \xc3\xa9t\xc3\xa9");  /* UTF-8 survives */
    if (err == PLA_OK)
        err = pla_h5_out_attr_f64(out, "pi", 3.25);
    if (err == PLA_OK)
        err = pla_h5_out_attr_i64(out, "rows", pla_mat_rows(A));
    if (err == PLA_OK)
        err = pla_h5_out_attr_i64(out, "rows", pla_mat_rows(A) + 1);  /* the last value wins */
    free(v);
    return err;
}

int main(int argc, char **argv)
{
    if (pla_init(&argc, &argv) != PLA_OK)
        return 2;
    if (argc == 3 && (strcmp(argv[1], "--list") == 0 || strcmp(argv[1], "--inspect") == 0)) {
        int code = describe(argv[1], argv[2]);
        pla_finalize();
        return code;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: io_copy IN[:/PATH] OUT[:/GROUP] NAME [options]\n");
        return 2;
    }
    pla_ctx_opts o = PLA_CTX_OPTS_DEFAULT;
    pla__h5_io_opts io = PLA__H5_IO_DEFAULT;
    pla_dtype dt = PLA_F64, ft = PLA_F64;
    int force = 0, extras = 0, abort_out = 0;
    int64_t nb = 0;
    for (int i = 4; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(a, "--dtype") == 0) { dt = parse_dtype(v); ++i; }
        else if (strcmp(a, "--out-dtype") == 0) { ft = parse_dtype(v); ++i; }
        else if (strcmp(a, "--grid") == 0) { sscanf(v, "%dx%d", &o.nprow, &o.npcol); ++i; }
        else if (strcmp(a, "--block") == 0) { nb = atoll(v); ++i; }
        else if (strcmp(a, "--strategy") == 0) {
            io.strategy = strcmp(v, "panel") == 0 ? PLA__H5_PANEL : strcmp(v, "rows") == 0 ? PLA__H5_ROWS : PLA__H5_CYCLIC;
            ++i;
        }
        else if (strcmp(a, "--transfer") == 0) { io.transfer = strcmp(v, "collective") == 0; ++i; }
        else if (strcmp(a, "--band") == 0) { io.band_bytes = atoll(v); ++i; }
        else if (strcmp(a, "--force") == 0) force = 1;
        else if (strcmp(a, "--extras") == 0) extras = 1;
        else if (strcmp(a, "--abort") == 0) abort_out = 1;
        else { fprintf(stderr, "io_copy: unknown option %s\n", a); return 2; }
    }
    pla_ctx *ctx = NULL;
    pla_err err = pla_ctx_create(&o, &ctx);
    if (err != PLA_OK) {
        int code = fail(ctx, err);
        if (pla_ctx_destroy(&ctx) != PLA_OK) code = 1;
        pla_finalize();
        return code;
    }
    char in_file[1024], in_path[512], out_file[1024], out_group[512];
    pla_mat *A = NULL;
    pla_h5_out *out = NULL;
    if (pla_h5_split_name(argv[1], in_file, sizeof in_file, in_path, sizeof in_path) != PLA_OK ||
        pla_h5_split_name(argv[2], out_file, sizeof out_file, out_group, sizeof out_group) != PLA_OK) {
        fprintf(stderr, "io_copy: bad name\n");
        return 2;
    }
    /* the order of a pla subcommand: the output is checked before any work */
    err = pla_h5_out_open(ctx, out_file, out_group, force, &out);
    if (err == PLA_OK)
        err = pla_h5_out_reserve(out, argv[3]);
    if (err == PLA_OK)
        err = pla__h5_read_ex(ctx, in_file, in_path, dt, nb, nb, &io, &A);
    if (err == PLA_OK)
        err = write_all(out, argv[3], A, ft, &io, extras);
    int code = 0;
    if (err == PLA_OK && abort_out) {
        pla_h5_out_abort(&out);
        code = 5;
    } else if (err == PLA_OK) {
        err = pla_h5_out_commit(&out);
    }
    if (err != PLA_OK) {
        code = fail(ctx, err);
        pla_h5_out_abort(&out);
    }
    pla_mat_destroy(&A);
    if (pla_ctx_destroy(&ctx) != PLA_OK)
        code = 1;
    pla_finalize();
    return code;
}
