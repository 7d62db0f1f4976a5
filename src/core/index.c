/* Block-cyclic index arithmetic, 64-bit (ScaLAPACK's NUMROC, INDXL2G, INDXG2L
   with source process 0 and 0-based indices). */
#include <limits.h>
#include "internal/core.h"

int64_t pla__numroc(int64_t n, int64_t nb, int iproc, int nprocs)
{
    int64_t nblocks = n / nb;
    int64_t count = (nblocks / nprocs) * nb;
    int64_t extra = nblocks % nprocs;
    if (iproc < extra)
        count += nb;
    else if (iproc == extra)
        count += n % nb;
    return count;
}

int64_t pla__l2g(int64_t il, int64_t nb, int iproc, int nprocs)
{
    return ((il / nb) * nprocs + iproc) * nb + il % nb;
}

void pla__g2l(int64_t i, int64_t nb, int nprocs, int *iproc, int64_t *il)
{
    int64_t block = i / nb;
    if (iproc)
        *iproc = (int)(block % nprocs);
    if (il)
        *il = (block / nprocs) * nb + i % nb;
}

int pla__fits_int(int64_t v)
{
    return v >= 0 && v <= INT_MAX;
}
