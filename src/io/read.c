/* Reading a 2-D dataset into a new distributed matrix.  Two strategies
   (docs/io.md has the measurements behind the default):
   - cyclic: each rank selects exactly its block-cyclic part as a union of
     regular hyperslabs and reads it in bands of whole block-row cycles;
   - panel: each rank reads contiguous row panels and p?gemr2d (pla_mat_copy)
     moves them into the block-cyclic layout, band by band.
   HDF5 delivers a selection in row-major file order and block-cyclic local
   indices grow with global ones, so a band arrives as the transpose of the
   local column-major block: one pass converts, transposes and checks it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/band.h"
#include "io/h5util.h"
#include "io/layout.h"
#include "io/rw.h"

/* An open input dataset and what the transfers found in it. */
typedef struct {
    pla_ctx *ctx;
    const char *file;
    char path[512];
    hid_t fid, dset, fspace, dxpl;
    hid_t mtype;    /* memory type of the band buffer: the file's float32 or float64 */
    pla_dtype bt;   /* the same as a pla type */
    int64_t m, n;
    /* The first local transfer failure, kept here rather than in the
       context, whose message the collective calls between bands clear. */
    pla_err fail;
    char fail_msg[PLA_MSG_CAP];
    int64_t bad_row, bad_col;  /* first non-finite value on this rank; bad_row == m: none */
    pla__bad_kind bad_kind;
} source;

static const char *class_name(hid_t type)
{
    switch (H5Tget_class(type)) {
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    case H5T_VLEN: return "variable-length";
    case H5T_ARRAY: return "array";
    case H5T_TIME: return "time";
    default: return "non-numeric";
    }
}

/* A dataset compressed with a filter this HDF5 lacks (lzf, blosc, ...) would
   fail at H5Dread with an obscure stack; say so up front. */
static pla_err check_filters(pla_ctx *ctx, hid_t dcpl, const source *s)
{
    pla_err err = PLA_OK;
    int nf = H5Pget_nfilters(dcpl);
    for (int i = 0; i < nf; ++i) {
        unsigned flags = 0, config = 0, cd[8];
        size_t ncd = 8;
        char name[64] = "";
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, sizeof name, name, &config);
        PLA_CHECK(ctx, H5Zfilter_avail(id) > 0, PLA_ERR_DATA,
                  "dataset %s in %s is compressed with filter %d (%s), which this HDF5 library cannot decode",
                  s->path, s->file, (int)id, id == 32000 ? "lzf" : name[0] ? name : "unknown");
    }
done:
    return err;
}

/* Collective.  Opens the dataset and checks that it is a 2-D numeric matrix. */
static pla_err open_source(pla_ctx *ctx, const char *file, const char *path, int collective, source *s)
{
    pla_err err = PLA_OK;
    pla_h5_dset_info info;
    hid_t type = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    err = pla__h5_open_input(ctx, file, &s->fid);
    if (err != PLA_OK)
        return err;
    PLA_TRY(pla__h5_resolve(ctx, s->fid, file, path, s->path, sizeof s->path));
    s->dset = H5Dopen2(s->fid, s->path, H5P_DEFAULT);
    PLA_CHECK(ctx, s->dset >= 0, PLA_ERR_DATA, "cannot open dataset %s in %s", s->path, file);
    pla__h5_describe(s->dset, s->path, &info);
    PLA_CHECK(ctx, info.ndims == 2, PLA_ERR_DATA, "dataset %s in %s is %d-D; a 2-D matrix is needed", s->path,
              file, info.ndims);
    PLA_CHECK(ctx, strcmp(info.type, "string") != 0, PLA_ERR_DATA,
              "dataset %s in %s holds strings; a numeric matrix is needed", s->path, file);
    type = H5Dget_type(s->dset);
    PLA_CHECK(ctx, type >= 0, PLA_ERR_DATA, "cannot read the type of dataset %s in %s", s->path, file);
    PLA_CHECK(ctx, info.is_numeric, PLA_ERR_DATA, "dataset %s in %s holds %s values; a numeric matrix is needed",
              s->path, file, class_name(type));
    dcpl = H5Dget_create_plist(s->dset);
    PLA_CHECK(ctx, dcpl >= 0, PLA_ERR_DATA, "cannot read the layout of dataset %s in %s", s->path, file);
    PLA_TRY(check_filters(ctx, dcpl, s));
    s->m = info.dims[0];
    s->n = info.dims[1];
    s->bad_row = s->m;
    /* float32 stays float32 in the band; everything else arrives as float64
       (HDF5 converts integers, byte order and other float sizes) */
    if (H5Tget_class(type) == H5T_FLOAT && H5Tget_size(type) == 4) {
        s->mtype = H5T_NATIVE_FLOAT;
        s->bt = PLA_F32;
    } else {
        s->mtype = H5T_NATIVE_DOUBLE;
        s->bt = PLA_F64;
    }
    s->fspace = H5Dget_space(s->dset);
    s->dxpl = pla__h5_dxpl(collective);
    PLA_CHECK(ctx, s->fspace >= 0 && s->dxpl >= 0, PLA_ERR_LIB, "HDF5 cannot set up reading %s in %s", s->path,
              file);
done:
    pla__h5_close(&type);
    pla__h5_close(&dcpl);
    return pla__agree(ctx, err);
}

static void close_source(source *s)
{
    pla__h5_close(&s->dxpl);
    pla__h5_close(&s->fspace);
    pla__h5_close(&s->dset);
    pla__h5_close(&s->fid);  /* collective in the MPI build: every rank gets here */
}

static void note_failure(source *s)
{
    if (s->fail != PLA_OK)
        return;
    char why[200];
    pla__h5_error_text(why, sizeof why);
    s->fail = PLA_ERR_DATA;
    snprintf(s->fail_msg, sizeof s->fail_msg, "cannot read dataset %s in %s: %s", s->path, s->file, why);
}

/* One transfer of count selected elements into buf.  Every rank calls it
   for every band, with an empty selection if it has nothing to read, so
   collective transfers always match; a local failure is noted, not fatal. */
static void read_band(source *s, const pla__piece *rp, int nr, const pla__piece *cp, int nc, int64_t count,
                      void *buf)
{
    int ok = pla__select_pieces(s->fspace, rp, nr, cp, nc) >= 0;
    if (!ok)
        H5Sselect_none(s->fspace);
    hid_t mspace = pla__mem_space(ok ? count : 0);
    if (H5Dread(s->dset, s->mtype, mspace, s->fspace, s->dxpl, buf) < 0 || !ok || mspace < 0)
        note_failure(s);
    pla__h5_close(&mspace);
}

/* Collective.  Agrees on transfer failures, then finds the first
   non-finite value over all ranks (lowest row, then lowest column), so the
   message is the same on every rank and for every rank count. */
static pla_err finish(source *s, pla_err err)
{
    pla_ctx *ctx = s->ctx;
    if (err == PLA_OK && s->fail != PLA_OK)
        err = pla__set_err(ctx, s->fail, __FILE__, __LINE__, "%s", s->fail_msg);
    err = pla__agree(ctx, err);
    if (err != PLA_OK)
        return err;
    double row = -(double)s->bad_row;  /* max of -row = min of row; rows fit in 31 bits: exact */
    PLA_TRY(pla__allreduce(ctx, PLA_SCOPE_ALL, &row, 1, 1));
    int64_t first_row = (int64_t)-row;
    if (first_row >= s->m)
        return PLA_OK;
    double code = s->bad_row == first_row ? -(double)(s->bad_col * 8 + (int64_t)s->bad_kind)
                                          : -(double)((s->n + 1) * 8);
    PLA_TRY(pla__allreduce(ctx, PLA_SCOPE_ALL, &code, 1, 1));
    int64_t c = (int64_t)-code;
    PLA_CHECK(ctx, 0, PLA_ERR_DATA, "dataset %s in %s holds %s at row %lld, column %lld", s->path, s->file,
              pla__bad_name((pla__bad_kind)(c % 8)), (long long)first_row, (long long)(c / 8));
done:
    return pla__agree(ctx, err);
}

static pla_err read_cyclic(source *s, pla_mat *A, int64_t band_bytes)
{
    pla_ctx *ctx = s->ctx;
    pla_err err = PLA_OK;
    const int64_t mb = A->mb, nprow = ctx->nprow;
    const size_t bes = (size_t)pla_dtype_size(s->bt), es = (size_t)pla_dtype_size(A->dt);
    /* Bands are whole cycles of nprow * mb rows, sized by the widest local
       part, so that every rank counts the same bands. */
    const int64_t widest = pla__numroc(s->n, A->nb, 0, ctx->npcol);
    const int64_t rows_fit = pla__band_rows(band_bytes, widest * (int64_t)bes, mb);
    const int64_t cycles = rows_fit >= mb ? rows_fit / mb : 1;  /* at least one block row */
    const int64_t height = cycles * mb * nprow;
    const int64_t nbands = (s->m + height - 1) / height;
    const int64_t band_rows = A->mloc < cycles * mb ? A->mloc : cycles * mb;
    void *buf = pla__malloc(ctx, (size_t)(band_rows * A->nloc) * bes);
    PLA_CHECK(ctx, buf != NULL, PLA_ERR_MEM, "out of memory for a %.1f MiB read buffer",
              (double)band_rows * (double)A->nloc * (double)bes / 1048576.0);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK) {
        free(buf);
        return err;
    }
    pla__piece cp[2], rp[2];
    const int nc = pla__cyclic_pieces(0, s->n, A->nb, ctx->mycol, ctx->npcol, cp);
    for (int64_t b = 0; b < nbands; ++b) {
        const int64_t g0 = b * height, g1 = g0 + height < s->m ? g0 + height : s->m;
        const int nr = pla__cyclic_pieces(g0, g1, mb, ctx->myrow, ctx->nprow, rp);
        const int64_t lr0 = pla__numroc(g0, mb, ctx->myrow, ctx->nprow);
        const int64_t rows = pla__numroc(g1, mb, ctx->myrow, ctx->nprow) - lr0;
        read_band(s, rp, nr, cp, nc, rows * A->nloc, buf);
        if (rows * A->nloc == 0 || s->fail != PLA_OK)
            continue;
        if (pla__band_in(s->bt, buf, rows, A->nloc, A->dt, (char *)A->data + (size_t)lr0 * es, A->lld) &&
            s->bad_row == s->m) {
            int64_t r = 0, c = 0;
            s->bad_kind = pla__band_first_bad(s->bt, buf, rows, A->nloc, A->dt, &r, &c);
            s->bad_row = pla_mat_row_l2g(A, lr0 + r);
            s->bad_col = pla_mat_col_l2g(A, c);
        }
    }
    free(buf);
    return finish(s, PLA_OK);
}

#if PLA_HAVE_MPI
/* Moves one band of rows_b rows starting at global row g0 (a multiple of
   A's row cycle): the panels held in tbuf (pctx, P x 1) into A's rows. */
static pla_err panel_move(pla_ctx *pctx, pla_mat *A, int64_t g0, int64_t rows_b, int64_t hp, void *tbuf,
                          int64_t tld)
{
    pla_ctx *ctx = A->ctx;
    pla_mat *T = NULL, *W = NULL;
    const size_t es = (size_t)pla_dtype_size(A->dt);
    pla_err err = pla__h5_adopt(ctx, pctx, pla_mat_wrap(pctx, A->dt, rows_b, A->n, hp, A->n, tbuf, tld, &T));
    if (err == PLA_OK)
        err = pla_mat_wrap(ctx, A->dt, rows_b, A->n, A->mb, A->nb,
                           (char *)A->data + (size_t)(g0 / ctx->nprow) * es, A->lld, &W);
    if (err == PLA_OK)
        err = pla_mat_copy(T, W);
    pla_mat_destroy(&T);
    pla_mat_destroy(&W);
    return err;
}

static pla_err read_panel(source *s, pla_mat *A, int64_t band_bytes)
{
    pla_ctx *ctx = s->ctx, *pctx = NULL;
    pla_err err = PLA_OK;
    void *buf = NULL, *tbuf = NULL;
    const int P = ctx->size;
    const size_t bes = (size_t)pla_dtype_size(s->bt), es = (size_t)pla_dtype_size(A->dt);
    const int64_t cycle = A->mb * ctx->nprow;
    /* Each band gives every rank h contiguous rows; its height is rounded up
       to whole cycles of A so that A's share of it is a contiguous run of
       local rows that a wrapped matrix can address. */
    const int64_t h = pla__band_rows(band_bytes, s->n * (int64_t)bes, 1);
    int64_t height = ((h * P + cycle - 1) / cycle) * cycle;
    if (height > s->m)
        height = ((s->m + cycle - 1) / cycle) * cycle;
    const int64_t nbands = (s->m + height - 1) / height;
    const int64_t hmax = ((height < s->m ? height : s->m) + P - 1) / P;
    pla_ctx_opts o = PLA_CTX_OPTS_DEFAULT;
    o.nprow = P;
    o.npcol = 1;
    err = pla_ctx_create_comm(pla_ctx_comm(ctx), &o, &pctx);
    if (err != PLA_OK) {
        pla__h5_adopt(ctx, pctx, err);
        goto done;
    }
    buf = pla__malloc(ctx, (size_t)(hmax * s->n) * bes);
    tbuf = pla__malloc(ctx, (size_t)(hmax * s->n) * es);
    PLA_CHECK(ctx, buf != NULL && tbuf != NULL, PLA_ERR_MEM, "out of memory for %.1f MiB of read buffers",
              (double)hmax * (double)s->n * (double)(bes + es) / 1048576.0);
done:
    err = pla__agree(ctx, err);
    const pla__piece cols = { 0, 1, 1, (hsize_t)s->n };
    for (int64_t b = 0; err == PLA_OK && b < nbands; ++b) {
        const int64_t g0 = b * height, rows_b = height < s->m - g0 ? height : s->m - g0;
        const int64_t hp = (rows_b + P - 1) / P, mine = (int64_t)ctx->rank * hp;
        const int64_t count = mine >= rows_b ? 0 : (hp < rows_b - mine ? hp : rows_b - mine);
        const pla__piece rows = { (hsize_t)(g0 + mine), 1, 1, (hsize_t)count };
        read_band(s, &rows, count > 0, &cols, 1, count * s->n, buf);
        if (count > 0 && s->fail == PLA_OK &&
            pla__band_in(s->bt, buf, count, s->n, A->dt, tbuf, hmax) && s->bad_row == s->m) {
            int64_t r = 0, c = 0;
            s->bad_kind = pla__band_first_bad(s->bt, buf, count, s->n, A->dt, &r, &c);
            s->bad_row = g0 + mine + r;
            s->bad_col = c;
        }
        err = panel_move(pctx, A, g0, rows_b, hp, tbuf, hmax);
    }
    free(buf);
    free(tbuf);
    if (pctx != NULL && pla_ctx_destroy(&pctx) != PLA_OK && err == PLA_OK)
        err = pla__agree(ctx, pla__set_err(ctx, PLA_ERR_STATE, __FILE__, __LINE__, "panel context still in use"));
    return finish(s, err);
}
#endif

pla_err pla__h5_read_ex(pla_ctx *ctx, const char *file, const char *path, pla_dtype dt, int64_t mb, int64_t nb,
                        const pla__h5_io_opts *opts, pla_mat **A)
{
    pla__h5_quiet quiet;
    const pla__h5_io_opts o = opts ? *opts : PLA__H5_IO_DEFAULT;
    source s = { .ctx = ctx, .file = file, .fid = H5I_INVALID_HID, .dset = H5I_INVALID_HID,
                 .fspace = H5I_INVALID_HID, .dxpl = H5I_INVALID_HID };
    pla_mat *M = NULL;
    *A = NULL;
    pla__h5_quiet_begin(&quiet);
    pla_err err = open_source(ctx, file, path, o.transfer == 1, &s);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, dt, s.m, s.n, mb, nb, &M);
    if (err == PLA_OK && s.m > 0 && s.n > 0) {
#if PLA_HAVE_MPI
        if (o.strategy == PLA__H5_PANEL && ctx->size > 1)
            err = read_panel(&s, M, o.band_bytes);
        else
#endif
            err = read_cyclic(&s, M, o.band_bytes);
    }
    close_source(&s);
    if (err != PLA_OK)
        pla_mat_destroy(&M);
    *A = M;
    pla__h5_quiet_end(&quiet);
    return err;
}

pla_err pla_h5_read(pla_ctx *ctx, const char *file, const char *path, pla_dtype dt, int64_t mb, int64_t nb,
                    pla_mat **A)
{
    return pla__h5_read_ex(ctx, file, path, dt, mb, nb, NULL, A);
}
