/* Reading a 2-D dataset into a new distributed matrix.  Three strategies
   (docs/io.md has the measurements behind the defaults):
   - rows (default for contiguous datasets): each rank selects the whole
     rows of its block rows and keeps its columns;
   - cyclic (default for chunked datasets): each rank selects exactly its
     block-cyclic part, a union of regular hyperslabs;
   - panel: each rank reads contiguous row panels and p?gemr2d (pla_mat_copy)
     moves them into the block-cyclic layout.
   Rows and cyclic read the dataset in small tiles (bands of whole rows, or
   whole chunks), one transfer each, into a row-major buffer that stays in
   cache until one pass transposes it into the column-major local storage,
   converts the type and checks every value; with two threads or more, one
   thread transfers the next tile while the others convert the last.  Panel
   works in large bands of rows. */
#include <limits.h>
#include <omp.h>
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
    int64_t chunk[2];    /* chunk shape, 0 x 0 if not chunked */
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
    if (H5Pget_layout(dcpl) == H5D_CHUNKED) {
        s->chunk[0] = info.chunk[0];
        s->chunk[1] = info.chunk[1];
    }
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

/* A rectangle of the dataset: rows [r0, r1) x columns [c0, c1). */
typedef struct {
    int64_t r0, r1, c0, c1;
} tile;

/* One transfer into buf, a row-major image of tile t in which the selected
   elements land at their own positions: the memory selection is the file
   selection moved to the tile's corner, which HDF5 recognizes as the same
   shape and maps chunk by chunk without projecting selections (a compact
   memory space makes chunked reads several times slower).  Only the
   selected elements of the image are written, so rows of other process rows
   cost address space, not memory.  Every rank calls this for every tile,
   with an empty selection if it has nothing to read, so collective
   transfers always match; a failure is noted, not fatal. */
static void read_band(source *s, const tile *t, const pla__piece *rp, int nr, const pla__piece *cp, int nc,
                      void *buf)
{
    hsize_t dims[2] = { (hsize_t)(t->r1 > t->r0 ? t->r1 - t->r0 : 1), (hsize_t)(t->c1 > t->c0 ? t->c1 - t->c0 : 1) };
    pla__piece mr[3], mc[3];
    for (int i = 0; i < nr && i < 3; ++i) {
        mr[i] = rp[i];
        mr[i].start -= (hsize_t)t->r0;
    }
    for (int j = 0; j < nc && j < 3; ++j) {
        mc[j] = cp[j];
        mc[j].start -= (hsize_t)t->c0;
    }
    hid_t mspace = H5Screate_simple(2, dims, NULL);
    int ok = mspace >= 0 && pla__select_pieces(s->fspace, rp, nr, cp, nc) >= 0 &&
             pla__select_pieces(mspace, mr, nr, mc, nc) >= 0;
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

/* Indices il.. of l1 that stay consecutive globally from gi (nb-blocks
   cyclic over nprocs): the rest of the block, or all of them on one
   process. */
static int64_t run_length(int64_t il, int64_t l1, int64_t gi, int64_t nb, int nprocs)
{
    const int64_t left = l1 - il, in_block = nb - gi % nb;
    return nprocs == 1 || left < in_block ? left : in_block;
}

/* This rank's part of tile t (row-major in buf, as read_band leaves it)
   against A's local storage, one transpose per run of rows and of columns
   consecutive both globally and locally, over the local columns [j0, j1) of
   the tile: converts it (find == 0; returns 1 if some value is not finite),
   or notes its first non-finite value (find == 1). */
static int tile_runs(source *s, pla_mat *A, const void *buf, const tile *t, int64_t j0, int64_t j1, int find)
{
    const pla_ctx *ctx = A->ctx;
    const size_t bes = (size_t)pla_dtype_size(s->bt), es = (size_t)pla_dtype_size(A->dt);
    const int64_t lds = t->c1 - t->c0;
    const int64_t l0 = pla__numroc(t->r0, A->mb, ctx->myrow, ctx->nprow);
    const int64_t l1 = pla__numroc(t->r1, A->mb, ctx->myrow, ctx->nprow);
    int bad = 0;
    for (int64_t il = l0, h; il < l1; il += h) {
        const int64_t gi = pla_mat_row_l2g(A, il);
        h = run_length(il, l1, gi, A->mb, ctx->nprow);
        for (int64_t jl = j0, w; jl < j1; jl += w) {
            const int64_t gj = pla_mat_col_l2g(A, jl);
            w = run_length(jl, j1, gj, A->nb, ctx->npcol);
            const char *src = (const char *)buf + (size_t)((gi - t->r0) * lds + (gj - t->c0)) * bes;
            if (!find) {
                bad |= pla__band_in(s->bt, src, h, w, lds, A->dt, (char *)A->data + (size_t)(il + jl * A->lld) * es,
                                    A->lld);
                continue;
            }
            int64_t r = 0, c = 0;
            const pla__bad_kind kind = pla__band_first_bad(s->bt, src, h, w, lds, A->dt, &r, &c);
            note_bad(s, gi + r, gj + c, kind);
        }
    }
    return bad;
}

/* Share `part` of `parts` of converting tile t: a share of its local
   columns (whole strips of 4; empty if there are few).  Returns 1 if some
   value is not finite. */
static int convert_tile(source *s, pla_mat *A, const void *buf, const tile *t, int part, int parts)
{
    const pla_ctx *ctx = A->ctx;
    const int64_t c0 = pla__numroc(t->c0, A->nb, ctx->mycol, ctx->npcol);
    const int64_t w = pla__numroc(t->c1, A->nb, ctx->mycol, ctx->npcol) - c0;
    const int64_t share = ((w + parts - 1) / parts + 3) / 4 * 4;
    const int64_t j0 = share * part < w ? share * part : w, j1 = share * (part + 1) < w ? share * (part + 1) : w;
    return tile_runs(s, A, buf, t, c0 + j0, c0 + j1, 0);
}

/* Notes the first non-finite value of tile t, unless an earlier row holds
   one already (tiles come in row order, and across within a row). */
static void first_bad_in_tile(source *s, pla_mat *A, const void *buf, const tile *t)
{
    const pla_ctx *ctx = A->ctx;
    if (s->bad_row < t->r0)
        return;
    tile_runs(s, A, buf, t, pla__numroc(t->c0, A->nb, ctx->mycol, ctx->npcol),
              pla__numroc(t->c1, A->nb, ctx->mycol, ctx->npcol), 1);
}

/* The tiles of a rows or cyclic read, the same on every rank (computed from
   global sizes), so that collective transfers line up: th x tw rectangles
   cut at the edges, down x across of them, taken in row-major order. */
typedef struct {
    int64_t th, tw, down, across;
} tiling;

/* Contiguous datasets: bands of whole rows (one contiguous run of the file
   each) within the budget, a whole number of row blocks or an even split of
   one.  Chunked datasets: whole chunks, as many across as the budget holds
   (then as many down if one spans all columns), so that HDF5 reads, and
   decompresses, every chunk once and in one piece; chunks larger than
   PLA__READ_TILE_BYTES_MAX are cut into bands. */
static tiling plan_tiles(const source *s, int64_t budget, int64_t mb)
{
    const int64_t bes = pla_dtype_size(s->bt);
    tiling t;
    if (s->chunk[0] > 0 && s->chunk[1] > 0) {
        const int64_t cd0 = s->chunk[0] < s->m ? s->chunk[0] : s->m, cd1 = s->chunk[1] < s->n ? s->chunk[1] : s->n;
        const int64_t chunk = cd0 * cd1 * bes;
        if (chunk > PLA__READ_TILE_BYTES_MAX) {
            t.tw = cd1;
            t.th = PLA__READ_TILE_BYTES_MAX / (cd1 * bes) > 0 ? PLA__READ_TILE_BYTES_MAX / (cd1 * bes) : 1;
        } else {
            const int64_t across = budget / chunk > 0 ? budget / chunk : 1, down = budget / (cd0 * s->n * bes);
            t.tw = cd1 * across < s->n ? cd1 * across : s->n;
            t.th = t.tw == s->n && down > 1 ? cd0 * down : cd0;
        }
    } else {
        t.tw = s->n;
        t.th = budget / (s->n * bes) > 0 ? budget / (s->n * bes) : 1;
        t.th = t.th >= mb ? t.th - t.th % mb : mb / ((mb + t.th - 1) / t.th);
    }
    if (t.th > s->m)
        t.th = s->m;
    t.down = (s->m + t.th - 1) / t.th;
    t.across = (s->n + t.tw - 1) / t.tw;
    return t;
}

static tile tile_at(const source *s, const tiling *tl, int64_t k)
{
    tile t = { (k / tl->across) * tl->th, 0, (k % tl->across) * tl->tw, 0 };
    t.r1 = t.r0 + tl->th < s->m ? t.r0 + tl->th : s->m;
    t.c1 = t.c0 + tl->tw < s->n ? t.c0 + tl->tw : s->n;
    return t;
}

/* Transfers this rank's part of tile k into buf (see read_band); 1 if it
   has a part and the transfer worked.  Strategy rows selects whole rows of
   the tile when the rank has any column in it. */
static int read_tile(source *s, const pla_mat *A, const tiling *tl, int64_t k, int full, void *buf)
{
    const pla_ctx *ctx = A->ctx;
    const tile t = tile_at(s, tl, k);
    pla__piece rp[3], cp[3];
    const int nr = pla__cyclic_pieces_any(t.r0, t.r1, A->mb, ctx->myrow, ctx->nprow, rp);
    int nc = pla__cyclic_pieces_any(t.c0, t.c1, A->nb, ctx->mycol, ctx->npcol, cp);
    if (full && nc > 0) {
        cp[0] = (pla__piece){ (hsize_t)t.c0, 1, 1, (hsize_t)(t.c1 - t.c0) };
        nc = 1;
    }
    const double t0 = pla__h5_tick(&s->io);
    read_band(s, &t, rp, nr, cp, nc, buf);
    pla__h5_tock(&s->io, PLA__H5_T_TRANSFER, t0);
    return nr > 0 && nc > 0 && s->fail == PLA_OK;
}

/* One thread: transfer a tile, convert it, and so on. */
static void tiles_serial(source *s, pla_mat *A, const tiling *tl, int full, void *buf)
{
    for (int64_t k = 0; k < tl->down * tl->across; ++k) {
        if (!read_tile(s, A, tl, k, full, buf))
            continue;
        const tile t = tile_at(s, tl, k);
        const double t0 = pla__h5_tick(&s->io);
        if (convert_tile(s, A, buf, &t, 0, 1))
            first_bad_in_tile(s, A, buf, &t);
        pla__h5_tock(&s->io, PLA__H5_T_CONVERT, t0);
    }
}

/* Shares of converting tile t among threads: a few per thread, of 64 local
   columns at least (narrower ones cost more in sharing than they save). */
static int tile_shares(const pla_mat *A, const tile *t, int threads)
{
    const pla_ctx *ctx = A->ctx;
    const int64_t w = pla__numroc(t->c1, A->nb, ctx->mycol, ctx->npcol) -
                      pla__numroc(t->c0, A->nb, ctx->mycol, ctx->npcol);
    return w / 64 < 1 ? 1 : w / 64 < 4 * threads ? (int)(w / 64) : 4 * threads;
}

/* Several threads: in step k the master thread transfers tile k into one
   buffer while the others convert tile k - 1 from the other, in shares of
   its columns taken from a counter, and the master takes the shares left
   when its transfer is done (conversion is the longer part).  Only the
   master calls HDF5 (not thread-safe in this build) and through it MPI
   (initialized FUNNELED); the barrier ends each step.  ok, bad and next are
   indexed by the parity of the tile they describe. */
static void tiles_pipelined(source *s, pla_mat *A, const tiling *tl, int full, void *buf[2], int threads)
{
    const int64_t count = tl->down * tl->across;
    int ok[2] = { 0, 0 }, bad[2] = { 0, 0 }, next[2] = { 0, 0 };
#pragma omp parallel num_threads(threads)
    {
        const int me = omp_get_thread_num();
        for (int64_t k = 0; k <= count; ++k) {
            const int now = (int)(k % 2), last = 1 - now;
            if (me == 0 && k < count)
                ok[now] = read_tile(s, A, tl, k, full, buf[now]);
            if (k > 0 && ok[last]) {
                const tile t = tile_at(s, tl, k - 1);
                const int shares = tile_shares(A, &t, threads);
                const double t0 = me == 1 ? pla__h5_tick(&s->io) : 0.0;
                for (;;) {
                    int share;
#pragma omp atomic capture
                    share = next[last]++;
                    if (share >= shares)
                        break;
                    if (convert_tile(s, A, buf[last], &t, share, shares)) {
#pragma omp atomic write
                        bad[last] = 1;
                    }
                }
                if (me == 1)
                    pla__h5_tock(&s->io, PLA__H5_T_CONVERT, t0);
            }
#pragma omp barrier
            if (me == 0 && k > 0) {
                if (bad[last]) {
                    const tile t = tile_at(s, tl, k - 1);
                    first_bad_in_tile(s, A, buf[last], &t);
                    bad[last] = 0;
                }
                next[last] = 0;
            }
        }
    }
}

/* Collective.  The context's threads if every rank's threads have a CPU of
   their own, else 1: the pipeline's barrier after every tile costs a time
   slice when a thread waits for a descheduled one (4 ranks x 2 threads on 2
   CPUs read 10 times slower than 4 x 1). */
static int pipeline_threads(pla_ctx *ctx)
{
    const int threads = ctx->nthreads > 0 ? ctx->nthreads : omp_get_max_threads();
    pla_layout lay;
    if (ctx->nthreads == 1 || pla_ctx_layout(ctx, &lay) != PLA_OK)  /* nthreads is the same on every rank */
        return 1;
    return threads > 1 && lay.ranks_per_node * threads <= lay.cpus_per_node ? threads : 1;
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
    const tiling tl = plan_tiles(s, o->band_bytes, A->mb);
    const int64_t count = tl.down * tl.across;
    const int threads = count > 1 ? pipeline_threads(ctx) : 1, pipelined = threads > 1;
    const size_t bytes = (size_t)(tl.th * tl.tw) * (size_t)pla_dtype_size(s->bt);
    void *buf[2] = { pla__h5_buffer(ctx, bytes, ctx->nprow == 1), NULL };
    if (pipelined)
        buf[1] = pla__h5_buffer(ctx, bytes, ctx->nprow == 1);
    PLA_CHECK(ctx, buf[0] != NULL && (buf[1] != NULL || !pipelined), PLA_ERR_MEM,
              "out of memory for a %.1f MiB read buffer", (double)bytes / 1048576.0);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK && pipelined)
        tiles_pipelined(s, A, &tl, o->strategy == PLA__H5_ROWS, buf, threads);
    else if (err == PLA_OK)
        tiles_serial(s, A, &tl, o->strategy == PLA__H5_ROWS, buf[0]);
    free(buf[0]);
    free(buf[1]);
    return err != PLA_OK ? err : finish(s, PLA_OK);
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
        const tile panel = { g0 + mine, g0 + mine + count, 0, s->n };
        read_band(s, &panel, &rows, count > 0, &cols, 1, buf);
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

/* Collective.  pla_mat_create without zeroing the storage: every local
   element is written by the read (the zeroing, a page fault and a pass over
   memory, cost as much as a third of the whole read).  Large storage comes
   in transparent huge pages (pla__malloc). */
static pla_err create_unset(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t mb, int64_t nb, pla_mat **A)
{
    pla_err err = PLA_OK;
    /* the local shape as pla_mat_create computes it */
    const int64_t mbd = mb > 0 ? mb : ctx->nb_default, nbd = nb > 0 ? nb : ctx->nb_default;
    const int64_t mloc = pla__numroc(m, mbd, ctx->myrow, ctx->nprow);
    const int64_t nloc = pla__numroc(n, nbd, ctx->mycol, ctx->npcol);
    const int64_t lld = mloc > 1 ? mloc : 1;
    void *data = NULL;
    *A = NULL;
    /* process (0, 0) holds the largest part: the same decision on every rank */
    const int64_t most = pla__numroc(m, mbd, 0, ctx->nprow) * pla__numroc(n, nbd, 0, ctx->npcol);
    if (most > INT_MAX || (dt != PLA_F32 && dt != PLA_F64))
        return pla_mat_create(ctx, dt, m, n, mb, nb, A);  /* refuses with its own message */
    data = pla__malloc(ctx, (size_t)(lld * nloc) * (size_t)pla_dtype_size(dt));
    if (data != NULL && mloc == 0)  /* padding the read never writes */
        memset(data, 0, (size_t)(lld * nloc) * (size_t)pla_dtype_size(dt));
    PLA_CHECK(ctx, data != NULL, PLA_ERR_MEM,
              "out of memory allocating the %lldx%lld local part (%.1f MiB) of a %lldx%lld matrix", (long long)mloc,
              (long long)nloc, (double)lld * (double)nloc * pla_dtype_size(dt) / 1048576.0, (long long)m,
              (long long)n);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla_mat_wrap(ctx, dt, m, n, mbd, nbd, data, lld, A);
    if (err == PLA_OK)
        (*A)->owned = 1;
    else
        free(data);
    return err;
}

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
        err = create_unset(ctx, dt, s.m, s.n, mb, nb, &M);
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
