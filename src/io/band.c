/* Band <-> local storage kernels, stamped for the four type pairs. */
#include <string.h>
#include "io/band.h"

#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define PLA_HAVE_SHUFFLE 1
#endif
#endif

#ifdef PLA_HAVE_SHUFFLE
/* The reading transposes' 4 x 4 blocks in whole vectors (GCC >= 12 and
   clang vector extensions; SSE2 unpack/shuffle on baseline x86-64, NEON
   zip on ARM): the plain C strip of band_tmpl.h leaves GCC loading every
   element on its own, half the speed of these when the band is in cache
   (docs/io.md).  Same contract as strip4 there. */
typedef double v2d __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));
static inline v2d load2(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void store2(double *p, v2d v) { memcpy(p, &v, sizeof v); }
static inline v4f load4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

static inline double strip4v_dd(const double *restrict src, int64_t rows, int64_t lds, double *restrict d0,
                                int64_t ld)
{
    double *restrict d1 = d0 + ld, *restrict d2 = d1 + ld, *restrict d3 = d2 + ld;
    v2d z = { 0, 0 };
    int64_t r = 0;
    for (; r + 4 <= rows; r += 4) {
        const double *s = src + r * lds;
        const v2d a01 = load2(s), a23 = load2(s + 2), b01 = load2(s + lds), b23 = load2(s + lds + 2);
        const v2d c01 = load2(s + 2 * lds), c23 = load2(s + 2 * lds + 2);
        const v2d e01 = load2(s + 3 * lds), e23 = load2(s + 3 * lds + 2);
        store2(d0 + r, __builtin_shufflevector(a01, b01, 0, 2));
        store2(d0 + r + 2, __builtin_shufflevector(c01, e01, 0, 2));
        store2(d1 + r, __builtin_shufflevector(a01, b01, 1, 3));
        store2(d1 + r + 2, __builtin_shufflevector(c01, e01, 1, 3));
        store2(d2 + r, __builtin_shufflevector(a23, b23, 0, 2));
        store2(d2 + r + 2, __builtin_shufflevector(c23, e23, 0, 2));
        store2(d3 + r, __builtin_shufflevector(a23, b23, 1, 3));
        store2(d3 + r + 2, __builtin_shufflevector(c23, e23, 1, 3));
        z += ((a01 - a01) + (a23 - a23)) + ((b01 - b01) + (b23 - b23));
        z += ((c01 - c01) + (c23 - c23)) + ((e01 - e01) + (e23 - e23));
    }
    for (; r < rows; ++r) {
        const v2d a01 = load2(src + r * lds), a23 = load2(src + r * lds + 2);
        d0[r] = a01[0], d1[r] = a01[1], d2[r] = a23[0], d3[r] = a23[1];
        z += (a01 - a01) + (a23 - a23);
    }
    return z[0] + z[1];
}

static inline float strip4v_ss(const float *restrict src, int64_t rows, int64_t lds, float *restrict d0,
                               int64_t ld)
{
    float *restrict d1 = d0 + ld, *restrict d2 = d1 + ld, *restrict d3 = d2 + ld;
    v4f z = { 0, 0, 0, 0 };
    int64_t r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *s = src + r * lds;
        const v4f a = load4(s), b = load4(s + lds), c = load4(s + 2 * lds), e = load4(s + 3 * lds);
        const v4f ab01 = __builtin_shufflevector(a, b, 0, 4, 1, 5), ab23 = __builtin_shufflevector(a, b, 2, 6, 3, 7);
        const v4f ce01 = __builtin_shufflevector(c, e, 0, 4, 1, 5), ce23 = __builtin_shufflevector(c, e, 2, 6, 3, 7);
        store4(d0 + r, __builtin_shufflevector(ab01, ce01, 0, 1, 4, 5));
        store4(d1 + r, __builtin_shufflevector(ab01, ce01, 2, 3, 6, 7));
        store4(d2 + r, __builtin_shufflevector(ab23, ce23, 0, 1, 4, 5));
        store4(d3 + r, __builtin_shufflevector(ab23, ce23, 2, 3, 6, 7));
        z += ((a - a) + (b - b)) + ((c - c) + (e - e));
    }
    for (; r < rows; ++r) {
        const v4f a = load4(src + r * lds);
        d0[r] = a[0], d1[r] = a[1], d2[r] = a[2], d3[r] = a[3];
        z += a - a;
    }
    return (z[0] + z[1]) + (z[2] + z[3]);
}
#endif

#define PLA_TS double
#define PLA_TD double
#define PLA_SUFFIX dd
#ifdef PLA_HAVE_SHUFFLE
#define PLA_STRIP4 strip4v_dd
#endif
#include "io/band_tmpl.h"
#define PLA_TS double
#define PLA_TD float
#define PLA_SUFFIX ds
#include "io/band_tmpl.h"
#define PLA_TS float
#define PLA_TD double
#define PLA_SUFFIX sd
#include "io/band_tmpl.h"
#define PLA_TS float
#define PLA_TD float
#define PLA_SUFFIX ss
#ifdef PLA_HAVE_SHUFFLE
#define PLA_STRIP4 strip4v_ss
#endif
#include "io/band_tmpl.h"

int pla__band_in(pla_dtype st, const void *src, int64_t rows, int64_t cols, int64_t lds, pla_dtype dt, void *dst,
                 int64_t ld)
{
    if (st == PLA_F64)
        return dt == PLA_F64 ? band_in_dd(src, rows, cols, lds, dst, ld) : band_in_ds(src, rows, cols, lds, dst, ld);
    return dt == PLA_F64 ? band_in_sd(src, rows, cols, lds, dst, ld) : band_in_ss(src, rows, cols, lds, dst, ld);
}

pla__bad_kind pla__band_first_bad(pla_dtype st, const void *src, int64_t rows, int64_t cols, int64_t lds,
                                  pla_dtype dt, int64_t *row, int64_t *col)
{
    if (st == PLA_F64)
        return dt == PLA_F64 ? band_first_bad_dd(src, rows, cols, lds, row, col)
                             : band_first_bad_ds(src, rows, cols, lds, row, col);
    return dt == PLA_F64 ? band_first_bad_sd(src, rows, cols, lds, row, col)
                         : band_first_bad_ss(src, rows, cols, lds, row, col);
}

void pla__band_out(pla_dtype st, const void *src, int64_t ld, int64_t rows, int64_t cols, pla_dtype dt, void *dst,
                   int64_t ldd)
{
    if (st == PLA_F64) {
        if (dt == PLA_F64)
            band_out_dd(src, ld, rows, cols, dst, ldd);
        else
            band_out_ds(src, ld, rows, cols, dst, ldd);
    } else {
        if (dt == PLA_F64)
            band_out_sd(src, ld, rows, cols, dst, ldd);
        else
            band_out_ss(src, ld, rows, cols, dst, ldd);
    }
}

const char *pla__bad_name(pla__bad_kind kind)
{
    switch (kind) {
    case PLA__BAD_NAN: return "NaN";
    case PLA__BAD_INF: return "Inf";
    case PLA__BAD_NEG_INF: return "-Inf";
    case PLA__BAD_RANGE: return "a value beyond the float32 range";
    case PLA__BAD_NONE: break;
    }
    return "a finite value";
}
