/* Hyperslab pieces, band sizes and band buffers. */
#define _DEFAULT_SOURCE 1  /* madvise, MADV_HUGEPAGE */
#include <stdlib.h>
#include <sys/mman.h>
#include "io/layout.h"
#include "internal/core.h"

enum { HUGE_PAGE = 2 << 20 };

int pla__cyclic_pieces(int64_t g0, int64_t g1, int64_t nb, int iproc, int nprocs, pla__piece out[2])
{
    const int64_t cycle = nb * nprocs, s = g0 + (int64_t)iproc * nb;
    int np = 0;
    if (s >= g1)
        return 0;
    const int64_t full = g1 - s >= nb ? (g1 - s - nb) / cycle + 1 : 0;
    const int64_t tail = s + full * cycle;  /* start of a partial block, if any */
    if (full > 0)
        out[np++] = (pla__piece){ (hsize_t)s, (hsize_t)cycle, (hsize_t)full, (hsize_t)nb };
    if (tail < g1)
        out[np++] = (pla__piece){ (hsize_t)tail, (hsize_t)cycle, 1, (hsize_t)(g1 - tail) };
    return np;
}

int pla__cyclic_pieces_any(int64_t g0, int64_t g1, int64_t nb, int iproc, int nprocs, pla__piece out[3])
{
    const int64_t cycle = nb * nprocs, c0 = g0 - g0 % cycle, mine = c0 + (int64_t)iproc * nb;
    if (g0 <= mine)  /* this cycle's block of iproc starts inside [g0, g1): the aligned case */
        return g1 > c0 ? pla__cyclic_pieces(c0, g1, nb, iproc, nprocs, out) : 0;
    int np = 0;
    const int64_t head_end = mine + nb < g1 ? mine + nb : g1;
    if (g0 < head_end)  /* g0 falls inside iproc's block */
        out[np++] = (pla__piece){ (hsize_t)g0, (hsize_t)cycle, 1, (hsize_t)(head_end - g0) };
    if (c0 + cycle < g1)
        np += pla__cyclic_pieces(c0 + cycle, g1, nb, iproc, nprocs, out + np);
    return np;
}

int pla__select_pieces(hid_t space, const pla__piece *rows, int nr, const pla__piece *cols, int nc)
{
    if (nr == 0 || nc == 0)
        return H5Sselect_none(space) < 0 ? -1 : 0;
    H5S_seloper_t op = H5S_SELECT_SET;
    for (int i = 0; i < nr; ++i)
        for (int j = 0; j < nc; ++j) {
            hsize_t start[2] = { rows[i].start, cols[j].start };
            hsize_t stride[2] = { rows[i].stride, cols[j].stride };
            hsize_t count[2] = { rows[i].count, cols[j].count };
            hsize_t block[2] = { rows[i].block, cols[j].block };
            if (H5Sselect_hyperslab(space, op, start, stride, count, block) < 0)
                return -1;
            op = H5S_SELECT_OR;
        }
    return 0;
}

hid_t pla__mem_space(int64_t count)
{
    hsize_t dim = (hsize_t)(count > 0 ? count : 1);
    hid_t space = H5Screate_simple(1, &dim, NULL);
    if (space >= 0 && count <= 0 && H5Sselect_none(space) < 0) {
        H5Sclose(space);
        return H5I_INVALID_HID;
    }
    return space;
}

int64_t pla__band_rows(int64_t band_bytes, int64_t row_bytes, int64_t unit)
{
    if (band_bytes <= 0)
        band_bytes = PLA__BAND_BYTES_DEFAULT;
    int64_t rows = row_bytes > 0 ? band_bytes / row_bytes : band_bytes;
    if (rows < 1)
        rows = 1;
    if (unit > 1 && rows >= unit)
        rows -= rows % unit;
    return rows;
}

/* Reading: whole rows of a contiguous dataset (contiguous runs of the file
   per row block; reading the other process columns' part from the page
   cache costs less than noncontiguous MPI-IO), the exact block-cyclic part
   of a chunked one (a rank then reads and decompresses only the chunks that
   hold its columns).  Independent transfers: collective MPI-IO was slower in
   every measured case.  Small tiles, except for panels, whose every band is
   a redistribution.  docs/io.md has the numbers. */
pla__h5_io_opts pla__h5_io_resolve(const pla__h5_io_opts *opts, int chunked)
{
    pla__h5_io_opts o = opts ? *opts : PLA__H5_IO_DEFAULT;
    if (o.strategy == PLA__H5_AUTO)
        o.strategy = chunked ? PLA__H5_CYCLIC : PLA__H5_ROWS;
    if (o.transfer < 0)
        o.transfer = 0;
    if (o.band_bytes <= 0)
        o.band_bytes = o.strategy == PLA__H5_PANEL ? PLA__BAND_BYTES_DEFAULT
                       : chunked                   ? PLA__READ_TILE_BYTES_CHUNKED
                                                   : PLA__READ_TILE_BYTES_CONTIGUOUS;
    return o;
}

/* Writing: whole rows, completed within each process row (docs/io.md). */
pla__h5_io_opts pla__h5_io_resolve_write(const pla__h5_io_opts *opts)
{
    pla__h5_io_opts o = opts ? *opts : PLA__H5_IO_DEFAULT;
    if (o.strategy == PLA__H5_AUTO)
        o.strategy = PLA__H5_ROWS;
    if (o.transfer < 0)
        o.transfer = 0;
    if (o.band_bytes <= 0)
        o.band_bytes = PLA__BAND_BYTES_DEFAULT;
    return o;
}

/* Advises huge pages for the 2 MiB-aligned interior of a large block. */
static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t begin = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (p != NULL && bytes >= 2 * (size_t)HUGE_PAGE && end > begin)
        madvise((void *)begin, end - begin, MADV_HUGEPAGE);  /* advice only: failure is harmless */
#else
    (void)p;
    (void)bytes;
#endif
}

void *pla__h5_buffer(pla_ctx *ctx, size_t bytes, int huge)
{
    if (bytes < 2 * (size_t)HUGE_PAGE)
        return pla__malloc(ctx, bytes);
    if (ctx->fail_alloc_rank == ctx->rank)  /* the test hook of pla__malloc */
        return NULL;
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
        return NULL;
    if (huge)
        advise_huge(p, bytes);
    return p;
}
