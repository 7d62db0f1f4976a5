/* Writing matrices, vectors and scalars into the staged output.  Matrices
   mirror the reader, in bands that bound the temporary buffer: each rank
   writes whole rows (strategy rows: the process row completes them first),
   its exact block-cyclic part (cyclic), or contiguous row panels after a
   p?gemr2d (panel). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/band.h"
#include "io/layout.h"
#include "io/out.h"
#include "io/rw.h"

/* An open output dataset and the first local failure writing it. */
typedef struct {
    pla_h5_out *out;
    const char *name;
    hid_t dset, fspace, dxpl;
    pla_dtype ft;  /* file and band element type */
    pla_err fail;
    char fail_msg[PLA_MSG_CAP];
} sink;

static void write_band(sink *k, const pla__piece *rp, int nr, const pla__piece *cp, int nc, int64_t count,
                       const void *buf)
{
    int ok = pla__select_pieces(k->fspace, rp, nr, cp, nc) >= 0;
    if (!ok)
        H5Sselect_none(k->fspace);
    hid_t mspace = pla__mem_space(ok ? count : 0);
    hid_t mtype = k->ft == PLA_F32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
    if ((H5Dwrite(k->dset, mtype, mspace, k->fspace, k->dxpl, buf) < 0 || !ok || mspace < 0) &&
        k->fail == PLA_OK) {
        char why[200];
        pla__h5_error_text(why, sizeof why);
        k->fail = PLA_ERR_OUTPUT;
        snprintf(k->fail_msg, sizeof k->fail_msg, "cannot write dataset %s to %.600s: %s", k->name, k->out->file, why);
    }
    pla__h5_close(&mspace);
}

static pla_err write_cyclic(sink *k, const pla_mat *A, const pla__h5_io_opts *o)
{
    pla_ctx *ctx = A->ctx;
    pla_err err = PLA_OK;
    const int64_t mb = A->mb, nprow = ctx->nprow;
    const size_t fes = (size_t)pla_dtype_size(k->ft), es = (size_t)pla_dtype_size(A->dt);
    const int64_t widest = pla__numroc(A->n, A->nb, 0, ctx->npcol);
    const int64_t rows_fit = pla__band_rows(o->band_bytes, widest * (int64_t)fes, mb);
    const int64_t cycles = rows_fit >= mb ? rows_fit / mb : 1;
    const int64_t height = cycles * mb * nprow, nbands = (A->m + height - 1) / height;
    const int64_t band_rows = A->mloc < cycles * mb ? A->mloc : cycles * mb;
    void *buf = pla__h5_buffer(ctx, (size_t)(band_rows * A->nloc) * fes, 1);
    PLA_CHECK(ctx, buf != NULL, PLA_ERR_MEM, "out of memory for a %.1f MiB write buffer",
              (double)band_rows * (double)A->nloc * (double)fes / 1048576.0);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK) {
        free(buf);
        return err;
    }
    pla__piece cp[2], rp[2];
    const int nc = pla__cyclic_pieces(0, A->n, A->nb, ctx->mycol, ctx->npcol, cp);
    for (int64_t b = 0; b < nbands; ++b) {
        const int64_t g0 = b * height, g1 = g0 + height < A->m ? g0 + height : A->m;
        const int nr = pla__cyclic_pieces(g0, g1, mb, ctx->myrow, ctx->nprow, rp);
        const int64_t lr0 = pla__numroc(g0, mb, ctx->myrow, ctx->nprow);
        const int64_t rows = pla__numroc(g1, mb, ctx->myrow, ctx->nprow) - lr0;
        double t = pla__h5_tick(o);
        if (rows * A->nloc > 0)
            pla__band_out(A->dt, (const char *)A->data + (size_t)lr0 * es, A->lld, rows, A->nloc, k->ft, buf,
                          A->nloc);
        pla__h5_tock(o, PLA__H5_T_CONVERT, t);
        t = pla__h5_tick(o);
        write_band(k, rp, nr, cp, nc, rows * A->nloc, buf);
        pla__h5_tock(o, PLA__H5_T_TRANSFER, t);
    }
    free(buf);
    return PLA_OK;
}

/* Strategy rows (npcol > 1): the ranks of a process row complete each band's
   rows among themselves, then each writes whole rows of its share of the
   band's block rows: contiguous runs of the file instead of pieces of nb
   elements, which MPI-IO writes slowly whether independent or collective
   (docs/io.md).  Each rank puts its columns into a full-width float64 band
   filled with -0.0 and the process row sums the bands: exact, since
   x + (-0.0) is x for every x, -0.0, infinities and NaN included. */
static pla_err write_rows(sink *k, const pla_mat *A, const pla__h5_io_opts *o)
{
    pla_ctx *ctx = A->ctx;
    pla_err err = PLA_OK;
    const int64_t mb = A->mb, cycle = mb * ctx->nprow, Q = ctx->npcol, n = A->n;
    const size_t es = (size_t)pla_dtype_size(A->dt);
    const int64_t rows_fit = pla__band_rows(o->band_bytes, n * (int64_t)sizeof(double), mb);
    const int64_t cycles = rows_fit >= mb ? rows_fit / mb : 1;
    const int64_t height = cycles * cycle, nbands = (A->m + height - 1) / height;
    const int64_t band_rows = A->mloc < cycles * mb ? A->mloc : cycles * mb;
    const int64_t share_rows = ((cycles + Q - 1) / Q) * mb;
    double *buf = pla__h5_buffer(ctx, (size_t)(band_rows * n) * sizeof(double), 1);
    float *fbuf = k->ft == PLA_F32 ? pla__h5_buffer(ctx, (size_t)(share_rows * n) * sizeof(float), 1) : NULL;
    PLA_CHECK(ctx, buf != NULL && (fbuf != NULL || k->ft == PLA_F64), PLA_ERR_MEM,
              "out of memory for a %.1f MiB write buffer", (double)band_rows * (double)n * 8.0 / 1048576.0);
done:
    err = pla__agree(ctx, err);
    const pla__piece cols = { 0, 1, 1, (hsize_t)n };
    pla__piece rp[2];
    for (int64_t b = 0; err == PLA_OK && b < nbands; ++b) {
        const int64_t g0 = b * height, g1 = g0 + height < A->m ? g0 + height : A->m;
        const int64_t lr0 = pla__numroc(g0, mb, ctx->myrow, ctx->nprow);
        const int64_t rows = pla__numroc(g1, mb, ctx->myrow, ctx->nprow) - lr0;
        double t = pla__h5_tick(o);
        for (int64_t i = 0; i < rows * n; ++i)
            buf[i] = -0.0;
        for (int64_t jl = 0; jl < A->nloc && rows > 0; jl += A->nb) {
            const int64_t w = A->nb < A->nloc - jl ? A->nb : A->nloc - jl;
            pla__band_out(A->dt, (const char *)A->data + (size_t)(lr0 + jl * A->lld) * es, A->lld, rows, w, PLA_F64,
                          buf + pla_mat_col_l2g(A, jl), n);
        }
        pla__h5_tock(o, PLA__H5_T_CONVERT, t);
        t = pla__h5_tick(o);
        err = pla__allreduce(ctx, PLA_SCOPE_ROW, buf, rows * n, 0);
        pla__h5_tock(o, PLA__H5_T_REDIST, t);
        if (err != PLA_OK)
            break;  /* MPI failed: the context is unusable */
        /* my share: the band's cycles [c0, c1), one block row of mine each */
        const int64_t ncyc = (g1 - g0 + cycle - 1) / cycle;
        const int64_t c0 = ncyc * ctx->mycol / Q, c1 = ncyc * (ctx->mycol + 1) / Q;
        const int64_t s0 = c0 * mb < rows ? c0 * mb : rows, s1 = c1 * mb < rows ? c1 * mb : rows;
        const int64_t e1 = g0 + c1 * cycle < g1 ? g0 + c1 * cycle : g1;
        const int nr = s1 > s0 ? pla__cyclic_pieces(g0 + c0 * cycle, e1, mb, ctx->myrow, ctx->nprow, rp) : 0;
        const void *data = buf + s0 * n;
        if (fbuf != NULL && s1 > s0) {
            for (int64_t i = 0; i < (s1 - s0) * n; ++i)
                fbuf[i] = (float)buf[s0 * n + i];
            data = fbuf;
        }
        t = pla__h5_tick(o);
        write_band(k, rp, nr, &cols, 1, (s1 - s0) * n, data);
        pla__h5_tock(o, PLA__H5_T_TRANSFER, t);
    }
    free(buf);
    free(fbuf);
    return err;
}

#if PLA_HAVE_MPI
/* Moves one band of A's rows (g0 a multiple of A's row cycle) into
   contiguous panels of hp rows per rank held in tbuf (pctx, P x 1). */
static pla_err panel_gather(pla_ctx *pctx, const pla_mat *A, int64_t g0, int64_t rows_b, int64_t hp, void *tbuf,
                            int64_t tld)
{
    pla_ctx *ctx = A->ctx;
    pla_mat *T = NULL, *W = NULL;
    const size_t es = (size_t)pla_dtype_size(A->dt);
    pla_err err = pla_mat_wrap(ctx, A->dt, rows_b, A->n, A->mb, A->nb,
                               (char *)A->data + (size_t)(g0 / ctx->nprow) * es, A->lld, &W);
    if (err == PLA_OK)
        err = pla__h5_adopt(ctx, pctx, pla_mat_wrap(pctx, A->dt, rows_b, A->n, hp, A->n, tbuf, tld, &T));
    if (err == PLA_OK)
        err = pla__h5_adopt(ctx, pctx, pla_mat_copy(W, T));
    pla_mat_destroy(&T);
    pla_mat_destroy(&W);
    return err;
}

static pla_err write_panel(sink *k, const pla_mat *A, const pla__h5_io_opts *o)
{
    pla_ctx *ctx = A->ctx, *pctx = NULL;
    pla_err err = PLA_OK;
    void *buf = NULL, *tbuf = NULL;
    const int P = ctx->size;
    const size_t fes = (size_t)pla_dtype_size(k->ft), es = (size_t)pla_dtype_size(A->dt);
    const int64_t cycle = A->mb * ctx->nprow;
    const int64_t h = pla__band_rows(o->band_bytes, A->n * (int64_t)fes, 1);
    int64_t height = ((h * P + cycle - 1) / cycle) * cycle;
    if (height > A->m)
        height = ((A->m + cycle - 1) / cycle) * cycle;
    const int64_t nbands = (A->m + height - 1) / height;
    const int64_t hmax = ((height < A->m ? height : A->m) + P - 1) / P;
    pla_ctx_opts po = PLA_CTX_OPTS_DEFAULT;
    po.nprow = P;
    po.npcol = 1;
    err = pla_ctx_create_comm(pla_ctx_comm(ctx), &po, &pctx);
    if (err != PLA_OK) {
        pla__h5_adopt(ctx, pctx, err);
        goto done;
    }
    buf = pla__h5_buffer(ctx, (size_t)(hmax * A->n) * fes, 1);
    tbuf = pla__h5_buffer(ctx, (size_t)(hmax * A->n) * es, 1);
    PLA_CHECK(ctx, buf != NULL && tbuf != NULL, PLA_ERR_MEM, "out of memory for %.1f MiB of write buffers",
              (double)hmax * (double)A->n * (double)(fes + es) / 1048576.0);
done:
    err = pla__agree(ctx, err);
    const pla__piece cols = { 0, 1, 1, (hsize_t)A->n };
    for (int64_t b = 0; err == PLA_OK && b < nbands; ++b) {
        const int64_t g0 = b * height, rows_b = height < A->m - g0 ? height : A->m - g0;
        const int64_t hp = (rows_b + P - 1) / P, mine = (int64_t)ctx->rank * hp;
        const int64_t count = mine >= rows_b ? 0 : (hp < rows_b - mine ? hp : rows_b - mine);
        const pla__piece rows = { (hsize_t)(g0 + mine), 1, 1, (hsize_t)count };
        double t = pla__h5_tick(o);
        err = panel_gather(pctx, A, g0, rows_b, hp, tbuf, hmax);
        pla__h5_tock(o, PLA__H5_T_REDIST, t);
        if (err != PLA_OK)
            break;
        t = pla__h5_tick(o);
        if (count > 0)
            pla__band_out(A->dt, tbuf, hmax, count, A->n, k->ft, buf, A->n);
        pla__h5_tock(o, PLA__H5_T_CONVERT, t);
        t = pla__h5_tick(o);
        write_band(k, &rows, count > 0, &cols, 1, count * A->n, buf);
        pla__h5_tock(o, PLA__H5_T_TRANSFER, t);
    }
    free(buf);
    free(tbuf);
    if (pctx != NULL && pla_ctx_destroy(&pctx) != PLA_OK && err == PLA_OK)
        err = pla__agree(ctx, pla__set_err(ctx, PLA_ERR_STATE, __FILE__, __LINE__, "panel context still in use"));
    return err;
}
#endif

/* Collective.  Local argument checks, agreed, then the file opened for
   writing and the dataset created. */
static pla_err begin_write(pla_h5_out *out, const char *name, int ndims, const int64_t *dims, pla_dtype dt,
                           int collective, pla_err local, sink *k)
{
    pla_ctx *ctx = out->ctx;
    pla_err err = local;
    if (err == PLA_OK)
        err = pla__out_check_name(out, name);
    if (err == PLA_OK && dt != PLA_F32 && dt != PLA_F64 && dt != PLA__H5_I64)
        err = pla__set_err(ctx, PLA_ERR_ARG, __FILE__, __LINE__, "unknown file element type %d", (int)dt);
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__out_ensure_open(out);
    if (err == PLA_OK)
        err = pla__out_create_dataset(out, name, ndims, dims, dt, &k->dset);
    if (err != PLA_OK)
        return err;
    k->fspace = H5Dget_space(k->dset);
    k->dxpl = pla__h5_dxpl(collective);
    if (k->fspace < 0 || k->dxpl < 0)
        err = pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__, "HDF5 cannot set up writing %s", name);
    return pla__agree(ctx, err);
}

/* Collective.  Closes the dataset and agrees on the transfers. */
static pla_err end_write(sink *k, pla_err err)
{
    pla_ctx *ctx = k->out->ctx;
    pla__h5_close(&k->dxpl);
    pla__h5_close(&k->fspace);
    pla__h5_close(&k->dset);
    if (err == PLA_OK && k->fail != PLA_OK)
        err = pla__set_err(ctx, k->fail, __FILE__, __LINE__, "%s", k->fail_msg);
    if (err == PLA_OK)
        err = pla__out_note_written(k->out, k->name);
    err = pla__agree(ctx, err);
    if (err != PLA_OK) {  /* a half-written dataset must not reach commit */
        char path[2048];
        pla__out_staged_path(k->out, k->name, path, sizeof path);
        if (H5Lexists(k->out->fid, path, H5P_DEFAULT) > 0)
            H5Ldelete(k->out->fid, path, H5P_DEFAULT);
    }
    return err;
}

pla_err pla__h5_write_mat_ex(pla_h5_out *out, const char *name, const pla_mat *A, pla_dtype dt,
                             const pla__h5_io_opts *opts)
{
    pla__h5_quiet quiet;
    pla_ctx *ctx = out->ctx;
    const pla__h5_io_opts o = pla__h5_io_resolve_write(opts);
    sink k = { .out = out, .name = name, .dset = H5I_INVALID_HID, .fspace = H5I_INVALID_HID,
               .dxpl = H5I_INVALID_HID, .ft = dt };
    pla_err local = PLA_OK;
    pla__h5_quiet_begin(&quiet);
    if (A == NULL)
        local = pla__set_err(ctx, PLA_ERR_ARG, __FILE__, __LINE__, "no matrix to write as %s", name ? name : "?");
    else if (A->ctx->size != ctx->size)
        local = pla__set_err(ctx, PLA_ERR_ARG, __FILE__, __LINE__,
                             "matrix %s lives on %d ranks, the output on %d", name ? name : "?", A->ctx->size,
                             ctx->size);
    const int64_t dims[2] = { A ? A->m : 0, A ? A->n : 0 };
    pla_err err = begin_write(out, name, 2, dims, dt, o.transfer, local, &k);
    if (err == PLA_OK && A->m > 0 && A->n > 0) {
        pla_err moved;
#if PLA_HAVE_MPI
        if (o.strategy == PLA__H5_PANEL && ctx->size > 1)
            moved = write_panel(&k, A, &o);
        else
#endif
        if (o.strategy == PLA__H5_ROWS && A->ctx->npcol > 1)
            moved = write_rows(&k, A, &o);
        else
            moved = write_cyclic(&k, A, &o);
        err = pla__h5_adopt(ctx, A->ctx, moved);
    }
    if (k.dset >= 0 || err == PLA_OK)
        err = end_write(&k, err);
    pla__h5_quiet_end(&quiet);
    return err;
}

pla_err pla_h5_out_write_mat(pla_h5_out *out, const char *name, const pla_mat *A, pla_dtype dt)
{
    return pla__h5_write_mat_ex(out, name, A, dt, NULL);
}

/* Values the same on every rank (n < 0: a scalar), held as memtype, stored as ft. */
static pla_err write_values(pla_h5_out *out, const char *name, const void *v, hid_t memtype, int64_t n,
                            pla_dtype ft)
{
    pla__h5_quiet quiet;
    pla_ctx *ctx = out->ctx;
    sink k = { .out = out, .name = name, .dset = H5I_INVALID_HID, .fspace = H5I_INVALID_HID,
               .dxpl = H5I_INVALID_HID, .ft = ft };
    pla_err local = PLA_OK;
    const int64_t dummy = 0;
    pla__h5_quiet_begin(&quiet);
    if (n > 0 && v == NULL)
        local = pla__set_err(ctx, PLA_ERR_ARG, __FILE__, __LINE__, "no values to write as %s", name ? name : "?");
    const int64_t dims[1] = { n };
    pla_err err = begin_write(out, name, n < 0 ? 0 : 1, dims, ft, 0, local, &k);
    if (err == PLA_OK) {
        /* the values are the same everywhere: rank 0 writes them */
        const int64_t count = ctx->rank == 0 ? (n < 0 ? 1 : n) : 0;
        hid_t mspace = pla__mem_space(count);
        if (count == 0)
            H5Sselect_none(k.fspace);
        if (H5Dwrite(k.dset, memtype, mspace, k.fspace, k.dxpl, count > 0 ? v : (const void *)&dummy) < 0 ||
            mspace < 0) {
            char why[200];
            pla__h5_error_text(why, sizeof why);
            k.fail = PLA_ERR_OUTPUT;
            snprintf(k.fail_msg, sizeof k.fail_msg, "cannot write dataset %s to %.600s: %s", name, out->file, why);
        }
        pla__h5_close(&mspace);
    }
    if (k.dset >= 0 || err == PLA_OK)
        err = end_write(&k, err);
    pla__h5_quiet_end(&quiet);
    return err;
}

pla_err pla_h5_out_write_vec(pla_h5_out *out, const char *name, const double *v, int64_t n, pla_dtype dt)
{
    return write_values(out, name, v, H5T_NATIVE_DOUBLE, n, dt);
}

pla_err pla_h5_out_write_ivec(pla_h5_out *out, const char *name, const int64_t *v, int64_t n)
{
    return write_values(out, name, v, H5T_NATIVE_INT64, n, PLA__H5_I64);
}
