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
/* Advises huge pages for the 2 MiB-aligned interior of a large block that is
   about to be written for the first time (a matrix's fresh local storage):
   first touches cost a page fault per page, far more on virtual machines. */
void pla__h5_advise_huge(void *p, size_t bytes);

/* Default temporary buffer per rank and band. */
#define PLA__BAND_BYTES_DEFAULT ((int64_t)32 << 20)

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
