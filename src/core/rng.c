/* Counter-based random numbers: Philox4x64-10 (Random123) keyed by the seed,
   with the counter (stream, global row, global column).  Each matrix entry is
   a pure function of (seed, stream, i, j), so the same seed gives the same
   matrix for any rank count, grid, block size or thread count. */
#include <math.h>
#include <Random123/philox.h>
#include "internal/core.h"

static double unit_open_closed(uint64_t bits)  /* (0, 1] */
{
    return ((double)(bits >> 11) + 1.0) * 0x1.0p-53;
}

double pla_random_entry(pla_dist dist, uint64_t seed, uint64_t stream, int64_t i, int64_t j)
{
    philox4x64_ctr_t ctr = {{ (uint64_t)i, (uint64_t)j, stream, 0 }};
    philox4x64_key_t key = {{ seed, 0x706c61u /* "pla" */ }};
    philox4x64_ctr_t r = philox4x64(ctr, key);
    if (dist == PLA_UNIFORM)
        return (double)(r.v[0] >> 11) * 0x1.0p-53;  /* [0, 1) */
    /* Box-Muller on two independent uniforms; u1 in (0, 1] keeps log finite. */
    double u1 = unit_open_closed(r.v[0]);
    double u2 = (double)(r.v[1] >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925286766559 * u2);
}
