/* PBLAS's logical blocking factor.  PBLAS asks pilaenv_ for the depth of the
   local updates inside p?gemm, p?syrk, p?trsm and friends; ScaLAPACK ships 32,
   whatever the block size, and its documentation asks installers to tune it.
   Depth-32 updates re-read the whole local C every 32 columns of k: pdgemm at
   2 ranks reached about 0.77 of one-process dgemm with it, and 0.95-0.99 with
   256 (bench/raw_pdgemm_kb, docs/performance.md).  Defined here, it takes
   the place of the library's: libpla comes before libscalapack in the
   dynamic linker's lookup order. */
#include "backend/fortran.h"

enum { PLA_PBLAS_BLOCKING = 256 };

int pilaenv_(const int *ictxt, const char *prec)
{
    (void)ictxt;
    (void)prec;
    return PLA_PBLAS_BLOCKING;
}
