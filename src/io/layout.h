#pragma once
/* Geometry shared by the readers and writers: a rank's block-cyclic rows or
   columns as regular hyperslab pieces, and the split into bands that bounds
   temporary memory.  Every rank computes the same band count from global
   quantities, so collective transfers line up without communication. */
#include <hdf5.h>
#include <stdint.h>
#include "io/rw.h"

/* count blocks of `block` indices, starting at start, stride apart */
typedef struct {
    hsize_t start, stride, count, block;
} pla__piece;

/* The indices in [g0, g1) that block size nb gives to process iproc of
   nprocs (g0 a multiple of nb * nprocs): full blocks as one regular piece and
   a trailing partial block as a second, since a hyperslab block that runs
   past the dataset edge fails at H5Dread.  Returns the piece count (0..2). */
int pla__cyclic_pieces(int64_t g0, int64_t g1, int64_t nb, int iproc, int nprocs, pla__piece out[2]);
/* The same for any g0: a partial block at g0 first, then as above.
   Returns the piece count (0..3). */
int pla__cyclic_pieces_any(int64_t g0, int64_t g1, int64_t nb, int iproc, int nprocs, pla__piece out[3]);
/* Selects the union of row pieces x column pieces in a 2-D space (none if
   either list is empty).  Negative on HDF5 failure. */
int pla__select_pieces(hid_t space, const pla__piece *rows, int nr, const pla__piece *cols, int nc);
/* Selects count contiguous elements (or none) of a 1-D memory space of
   max(count, 1) elements, created here; H5I_INVALID_HID on failure. */
hid_t pla__mem_space(int64_t count);

/* Band buffers: 2 MiB aligned and, when large and `huge`, advised for
   transparent huge pages (the transposes walk them a whole row apart, a TLB
   miss per row with 4 KiB pages; not for band images with gaps, where huge
   pages would commit the gaps).  Free with free().  NULL on failure, or on
   the rank where the context's allocation-failure hook is set. */
void *pla__h5_buffer(pla_ctx *ctx, size_t bytes, int huge);

/* Default temporary buffer per rank and band (writing, and reading by
   panels). */
#define PLA__BAND_BYTES_DEFAULT ((int64_t)32 << 20)
/* Default tile of the rows and cyclic reads (docs/io.md has the
   measurements): bands of 2 MiB of a contiguous dataset, small enough that
   they are still in cache when transposed, large enough that HDF5's cost
   per transfer does not show; 256 KiB of whole chunks of a chunked one,
   which for h5py's chunk shapes is one chunk or a few, so that HDF5 copies
   each chunk as one piece. */
#define PLA__READ_TILE_BYTES_CONTIGUOUS ((int64_t)2 << 20)
#define PLA__READ_TILE_BYTES_CHUNKED ((int64_t)256 << 10)
/* Upper bound of a tile however large the dataset's chunks. */
#define PLA__READ_TILE_BYTES_MAX ((int64_t)32 << 20)

/* Rows per band for a band buffer of at most band_bytes holding rows of
   row_bytes each, at least one, rounded down to a multiple of `unit` when
   that leaves at least one unit. */
int64_t pla__band_rows(int64_t band_bytes, int64_t row_bytes, int64_t unit);

/* The measured defaults (docs/io.md) in place of AUTO / -1 / 0, for reading
   a dataset of the given layout and for writing. */
pla__h5_io_opts pla__h5_io_resolve(const pla__h5_io_opts *opts, int chunked);
pla__h5_io_opts pla__h5_io_resolve_write(const pla__h5_io_opts *opts);

/* Phase timing for the benchmark: free when opts->seconds is NULL. */
static inline double pla__h5_tick(const pla__h5_io_opts *o)
{
    return o->seconds ? pla_wtime() : 0.0;
}
static inline void pla__h5_tock(const pla__h5_io_opts *o, int phase, double t0)
{
    if (o->seconds)
        o->seconds[phase] += pla_wtime() - t0;
}
