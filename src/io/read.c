/* Reading a 2-D dataset into a new distributed matrix.  Three strategies
   (docs/io.md has the measurements behind the defaults):
   - rows (default for contiguous datasets): each rank selects the whole
     rows of its block rows and keeps its columns;
   - cyclic (default for chunked datasets): each rank selects exactly its
     block-cyclic part, a union of regular hyperslabs;
   - panel: each rank reads contiguous row panels and p?gemr2d (pla_mat_copy)
     moves them into the block-cyclic layout.
   All work in bands of rows that bound the temporary memory.  HDF5 delivers
   rows in row-major order; one pass per band transposes them into the
   column-major local storage, converts the type and checks every value. */
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
    pla__h5_io_opts io;  /* strategy, transfer mode and band size, defaults resolved */
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

/* For compressed chunks: a chunk cache that holds a whole row of chunks (up
   to 64 MiB), so that chunks cut by a band boundary are not read and
   decompressed again for the next band.  Uncompressed chunks are read
   straight into the band (a cache only adds a copy), and other layouts have
   no chunks: H5P_DEFAULT. */
static hid_t chunk_cache(hid_t dcpl, hid_t type, int64_t n)
{
    hsize_t cd[2];
    if (H5Pget_layout(dcpl) != H5D_CHUNKED || H5Pget_nfilters(dcpl) <= 0 || H5Pget_chunk(dcpl, 2, cd) != 2 ||
        cd[1] == 0)
        return H5P_DEFAULT;
    const size_t chunk = (size_t)(cd[0] * cd[1]) * H5Tget_size(type);
    size_t bytes = chunk * (size_t)(((hsize_t)n + cd[1] - 1) / cd[1] + 1);
    if (bytes < ((size_t)1 << 20))
        bytes = (size_t)1 << 20;  /* HDF5's default */
    if (bytes > ((size_t)64 << 20))
        bytes = (size_t)64 << 20;
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (dapl >= 0 && H5Pset_chunk_cache(dapl, 12421, bytes, 1.0) < 0)  /* a prime; w0 1: drop chunks read whole */
        pla__h5_close(&dapl);
    return dapl >= 0 ? dapl : H5P_DEFAULT;
}

/* Collective.  Opens the dataset and checks that it is a 2-D numeric matrix. */
static pla_err open_source(pla_ctx *ctx, const char *file, const char *path, const pla__h5_io_opts *opts,
                           source *s)
{
    pla_err err = PLA_OK;
    pla_h5_dset_info info;
    hid_t type = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dapl = H5P_DEFAULT;
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
    dapl = chunk_cache(dcpl, type, s->n);
    if (dapl != H5P_DEFAULT) {  /* reopen with the larger cache */
        pla__h5_close(&s->dset);
        s->dset = H5Dopen2(s->fid, s->path, dapl);
        PLA_CHECK(ctx, s->dset >= 0, PLA_ERR_DATA, "cannot open dataset %s in %s", s->path, file);
    }
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
    s->io = pla__h5_io_resolve(opts, H5Pget_layout(dcpl) == H5D_CHUNKED);
    s->fspace = H5Dget_space(s->dset);
    s->dxpl = pla__h5_dxpl(s->io.transfer);
    PLA_CHECK(ctx, s->fspace >= 0 && s->dxpl >= 0, PLA_ERR_LIB, "HDF5 cannot set up reading %s in %s", s->path,
              file);
done:
    pla__h5_close(&type);
    pla__h5_close(&dcpl);
    if (dapl != H5P_DEFAULT)
        pla__h5_close(&dapl);
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

/* One transfer into buf, a row-major image of `height` dataset rows from
   row g0 (all n columns) in which the selected elements land at their own
   positions: the memory selection is the file selection moved up by g0 rows,
   which HDF5 recognizes as the same shape and maps chunk by chunk without
   projecting selections (a compact memory space makes chunked reads several
   times slower).  Only the selected elements of the image are written, so
   rows of other process rows cost address space, not memory.  Every rank
   calls this for every band, with an empty selection if it has nothing to
   read, so collective transfers always match; a failure is noted, not fatal. */
static void read_band(source *s, int64_t g0, int64_t height, const pla__piece *rp, int nr, const pla__piece *cp,
                      int nc, void *buf)
{
    hsize_t dims[2] = { (hsize_t)(height > 0 ? height : 1), (hsize_t)(s->n > 0 ? s->n : 1) };
    pla__piece moved[2];
    for (int i = 0; i < nr && i < 2; ++i) {
        moved[i] = rp[i];
        moved[i].start -= (hsize_t)g0;
    }
    hid_t mspace = H5Screate_simple(2, dims, NULL);
    int ok = mspace >= 0 && pla__select_pieces(s->fspace, rp, nr, cp, nc) >= 0 &&
             pla__select_pieces(mspace, moved, nr, cp, nc) >= 0;
    if (!ok) {
        H5Sselect_none(s->fspace);
        if (mspace >= 0)
            H5Sselect_none(mspace);
    }
    if (H5Dread(s->dset, s->mtype, mspace, s->fspace, s->dxpl, buf) < 0 || !ok)
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

/* Records the first non-finite value among the converted pieces of a band:
   lowest row, then lowest column (global indices). */
static void note_bad(source *s, int64_t row, int64_t col, pla__bad_kind kind)
{
    if (kind == PLA__BAD_NONE || row > s->bad_row || (row == s->bad_row && col >= s->bad_col))
        return;
    s->bad_row = row;
    s->bad_col = col;
    s->bad_kind = kind;
}

/* Converts the local rows of a band image (see read_band: row g0 first, all
   n columns) into A: every pair of a local row block in the band and a local
   column block is one transpose, spread over the context's threads. */
static void band_to_local(source *s, pla_mat *A, const void *buf, int64_t g0, int64_t g1)
{
    const size_t bes = (size_t)pla_dtype_size(s->bt), es = (size_t)pla_dtype_size(A->dt);
    const pla_ctx *ctx = A->ctx;
    const int64_t lr0 = pla__numroc(g0, A->mb, ctx->myrow, ctx->nprow);
    const int64_t rows = pla__numroc(g1, A->mb, ctx->myrow, ctx->nprow) - lr0;
    const int64_t nrb = (rows + A->mb - 1) / A->mb, ncb = (A->nloc + A->nb - 1) / A->nb;
    int bad = 0;
#pragma omp parallel for schedule(dynamic) reduction(| : bad) if (rows * A->nloc > (1 << 16))
    for (int64_t t = 0; t < nrb * ncb; ++t) {
        /* band-local blocks start at multiples of mb: g0 is a multiple of the row cycle */
        const int64_t il = lr0 + (t / ncb) * A->mb, jl = (t % ncb) * A->nb;
        const int64_t h = A->mb < lr0 + rows - il ? A->mb : lr0 + rows - il;
        const int64_t w = A->nb < A->nloc - jl ? A->nb : A->nloc - jl;
        const int64_t gi = pla_mat_row_l2g(A, il), gj = pla_mat_col_l2g(A, jl);
        bad |= pla__band_in(s->bt, (const char *)buf + (size_t)((gi - g0) * s->n + gj) * bes, h, w, s->n, A->dt,
                            (char *)A->data + (size_t)(il + jl * A->lld) * es, A->lld);
    }
    if (!bad || s->bad_row < s->m)
        return;  /* a later band cannot hold an earlier value */
    for (int64_t t = 0; t < nrb * ncb; ++t) {
        const int64_t il = lr0 + (t / ncb) * A->mb, jl = (t % ncb) * A->nb;
        const int64_t h = A->mb < lr0 + rows - il ? A->mb : lr0 + rows - il;
        const int64_t w = A->nb < A->nloc - jl ? A->nb : A->nloc - jl;
        const int64_t gi = pla_mat_row_l2g(A, il), gj = pla_mat_col_l2g(A, jl);
        int64_t r = 0, c = 0;
        pla__bad_kind kind = pla__band_first_bad(s->bt, (const char *)buf + (size_t)((gi - g0) * s->n + gj) * bes,
                                                 h, w, s->n, A->dt, &r, &c);
        note_bad(s, gi + r, gj + c, kind);
    }
}

/* Strategy cyclic: each rank selects exactly its block-cyclic part.
   Strategy rows: each rank selects the whole rows of its row blocks, one
   contiguous run of the file per block in a contiguous dataset, and keeps
   its columns: npcol times the bytes from the page cache, but no
   noncontiguous MPI-IO (docs/io.md). */
static pla_err read_cyclic(source *s, pla_mat *A, const pla__h5_io_opts *o)
{
    pla_ctx *ctx = s->ctx;
    pla_err err = PLA_OK;
    const int full = o->strategy == PLA__H5_ROWS;
    const int64_t mb = A->mb, cycle = mb * ctx->nprow;
    const size_t bes = (size_t)pla_dtype_size(s->bt);
    /* Bands are whole cycles of nprow * mb rows, as many as the band image
       budget holds (at least one), the same on every rank. */
    const int64_t rows_fit = pla__band_rows(o->band_bytes, s->n * (int64_t)bes, cycle);
    int64_t height = rows_fit >= cycle ? rows_fit : cycle;
    if (height > s->m)
        height = ((s->m + cycle - 1) / cycle) * cycle;
    const int64_t nbands = (s->m + height - 1) / height;
    void *buf = pla__h5_buffer(ctx, (size_t)(height * s->n) * bes, ctx->nprow == 1);
    PLA_CHECK(ctx, buf != NULL, PLA_ERR_MEM, "out of memory for a %.1f MiB read buffer",
              (double)height * (double)s->n * (double)bes / 1048576.0);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK) {
        free(buf);
        return err;
    }
    pla__piece cp[2], rp[2];
    int nc = pla__cyclic_pieces(0, s->n, A->nb, ctx->mycol, ctx->npcol, cp);
    if (full && nc > 0) {
        cp[0] = (pla__piece){ 0, 1, 1, (hsize_t)s->n };
        nc = 1;
    }
    for (int64_t b = 0; b < nbands; ++b) {
        const int64_t g0 = b * height, g1 = g0 + height < s->m ? g0 + height : s->m;
        const int nr = pla__cyclic_pieces(g0, g1, mb, ctx->myrow, ctx->nprow, rp);
        double t = pla__h5_tick(o);
        read_band(s, g0, g1 - g0, rp, nr, cp, nc, buf);
        pla__h5_tock(o, PLA__H5_T_TRANSFER, t);
        if (nr == 0 || nc == 0 || s->fail != PLA_OK)
            continue;
        t = pla__h5_tick(o);
        band_to_local(s, A, buf, g0, g1);
        pla__h5_tock(o, PLA__H5_T_CONVERT, t);
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

static pla_err read_panel(source *s, pla_mat *A, const pla__h5_io_opts *o)
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
    const int64_t h = pla__band_rows(o->band_bytes, s->n * (int64_t)bes, 1);
    int64_t height = ((h * P + cycle - 1) / cycle) * cycle;
    if (height > s->m)
        height = ((s->m + cycle - 1) / cycle) * cycle;
    const int64_t nbands = (s->m + height - 1) / height;
    const int64_t hmax = ((height < s->m ? height : s->m) + P - 1) / P;
    pla_ctx_opts po = PLA_CTX_OPTS_DEFAULT;
    po.nprow = P;
    po.npcol = 1;
    err = pla_ctx_create_comm(pla_ctx_comm(ctx), &po, &pctx);
    if (err != PLA_OK) {
        pla__h5_adopt(ctx, pctx, err);
        goto done;
    }
    buf = pla__h5_buffer(ctx, (size_t)(hmax * s->n) * bes, 1);
    tbuf = pla__h5_buffer(ctx, (size_t)(hmax * s->n) * es, 1);
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
        double t = pla__h5_tick(o);
        read_band(s, g0 + mine, count, &rows, count > 0, &cols, 1, buf);
        pla__h5_tock(o, PLA__H5_T_TRANSFER, t);
        t = pla__h5_tick(o);
        if (count > 0 && s->fail == PLA_OK &&
            pla__band_in(s->bt, buf, count, s->n, s->n, A->dt, tbuf, hmax) && s->bad_row == s->m) {
            int64_t r = 0, c = 0;
            pla__bad_kind kind = pla__band_first_bad(s->bt, buf, count, s->n, s->n, A->dt, &r, &c);
            note_bad(s, g0 + mine + r, c, kind);
        }
        pla__h5_tock(o, PLA__H5_T_CONVERT, t);
        t = pla__h5_tick(o);
        err = panel_move(pctx, A, g0, rows_b, hp, tbuf, hmax);
        pla__h5_tock(o, PLA__H5_T_REDIST, t);
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
    source s = { .ctx = ctx, .file = file, .fid = H5I_INVALID_HID, .dset = H5I_INVALID_HID,
                 .fspace = H5I_INVALID_HID, .dxpl = H5I_INVALID_HID };
    pla_mat *M = NULL;
    *A = NULL;
    pla__h5_quiet_begin(&quiet);
    pla_err err = open_source(ctx, file, path, opts, &s);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, dt, s.m, s.n, mb, nb, &M);
    if (err == PLA_OK)  /* the bands are the first to write the new storage */
        pla__h5_advise_huge(M->data, (size_t)(M->lld * M->nloc) * (size_t)pla_dtype_size(M->dt));
    if (err == PLA_OK && s.m > 0 && s.n > 0) {
#if PLA_HAVE_MPI
        if (s.io.strategy == PLA__H5_PANEL && ctx->size > 1)
            err = read_panel(&s, M, &s.io);
        else
#endif
            err = read_cyclic(&s, M, &s.io);
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
