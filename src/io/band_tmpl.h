/* Stamped once per (source, destination) element type pair: define PLA_TS,
   PLA_TD and PLA_SUFFIX before including, and optionally PLA_STRIP4, a
   faster version of strip4 for the pair (band.c).  A band is a row-major block of
   rows x cols values as HDF5 delivers a selection; local storage is
   column-major with leading dimension ld.  Converting, and on the way in
   checking that every converted value is finite. */
#define PLA_CAT2(a, b) a##b
#define PLA_CAT(a, b) PLA_CAT2(a, b)

/* Four columns of the band: a strip of 4 x 4 blocks, each read as four short
   rows and written as four short columns, so that both sides move whole
   vectors (GCC turns the block into unpack/shuffle instructions at -O2) and
   each destination column is written front to back while the strip's
   source lines stay in cache.  Returns the sum of v - v over the converted
   values: 0 if all are finite, NaN otherwise. */
static inline PLA_TD PLA_CAT(strip4_, PLA_SUFFIX)(const PLA_TS *restrict src, int64_t rows, int64_t lds,
                                                  PLA_TD *restrict d0, int64_t ld)
{
    PLA_TD *restrict d1 = d0 + ld, *restrict d2 = d1 + ld, *restrict d3 = d2 + ld;
    PLA_TD z0 = 0, z1 = 0, z2 = 0, z3 = 0;
    int64_t r = 0;
    for (; r + 4 <= rows; r += 4) {
        const PLA_TS *s0 = src + r * lds, *s1 = s0 + lds, *s2 = s1 + lds, *s3 = s2 + lds;
        const PLA_TD a0 = (PLA_TD)s0[0], a1 = (PLA_TD)s0[1], a2 = (PLA_TD)s0[2], a3 = (PLA_TD)s0[3];
        const PLA_TD b0 = (PLA_TD)s1[0], b1 = (PLA_TD)s1[1], b2 = (PLA_TD)s1[2], b3 = (PLA_TD)s1[3];
        const PLA_TD c0 = (PLA_TD)s2[0], c1 = (PLA_TD)s2[1], c2 = (PLA_TD)s2[2], c3 = (PLA_TD)s2[3];
        const PLA_TD e0 = (PLA_TD)s3[0], e1 = (PLA_TD)s3[1], e2 = (PLA_TD)s3[2], e3 = (PLA_TD)s3[3];
        d0[r] = a0, d0[r + 1] = b0, d0[r + 2] = c0, d0[r + 3] = e0;
        d1[r] = a1, d1[r + 1] = b1, d1[r + 2] = c1, d1[r + 3] = e1;
        d2[r] = a2, d2[r + 1] = b2, d2[r + 2] = c2, d2[r + 3] = e2;
        d3[r] = a3, d3[r + 1] = b3, d3[r + 2] = c3, d3[r + 3] = e3;
        z0 += (a0 - a0) + (b0 - b0) + (c0 - c0) + (e0 - e0);
        z1 += (a1 - a1) + (b1 - b1) + (c1 - c1) + (e1 - e1);
        z2 += (a2 - a2) + (b2 - b2) + (c2 - c2) + (e2 - e2);
        z3 += (a3 - a3) + (b3 - b3) + (c3 - c3) + (e3 - e3);
    }
    for (; r < rows; ++r) {
        const PLA_TS *s = src + r * lds;
        const PLA_TD a0 = (PLA_TD)s[0], a1 = (PLA_TD)s[1], a2 = (PLA_TD)s[2], a3 = (PLA_TD)s[3];
        d0[r] = a0, d1[r] = a1, d2[r] = a2, d3[r] = a3;
        z0 += (a0 - a0) + (a1 - a1) + (a2 - a2) + (a3 - a3);
    }
    return (z0 + z1) + (z2 + z3);
}

#ifndef PLA_STRIP4
#define PLA_STRIP4 PLA_CAT(strip4_, PLA_SUFFIX)
#endif

/* dst (column-major, ld) := src (row-major band, rows lds apart); 1 if any
   value of dst is not finite (NaN, Inf, or a float64 beyond the float32
   range).  Large bands (the panel strategy's) are split over the threads by
   column strips. */
static int PLA_CAT(band_in_, PLA_SUFFIX)(const PLA_TS *src, int64_t rows, int64_t cols, int64_t lds,
                                         PLA_TD *dst, int64_t ld)
{
    const int64_t strips = cols / 4;
    PLA_TD z = 0;
#pragma omp parallel for schedule(static) reduction(+ : z) if (rows * cols > (1 << 18))
    for (int64_t k = 0; k < strips; ++k)
        z += PLA_STRIP4(src + 4 * k, rows, lds, dst + 4 * k * ld, ld);
    for (int64_t c = 4 * strips; c < cols; ++c)
        for (int64_t r = 0; r < rows; ++r) {
            const PLA_TD v = (PLA_TD)src[r * lds + c];
            dst[c * ld + r] = v;
            z += v - v;
        }
    return z != z;
}

/* The first non-finite converted value in row-major order of the band. */
static int PLA_CAT(band_first_bad_, PLA_SUFFIX)(const PLA_TS *src, int64_t rows, int64_t cols, int64_t lds,
                                                int64_t *row, int64_t *col)
{
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
            const PLA_TS x = src[r * lds + c];
            const PLA_TD v = (PLA_TD)x;
            const PLA_TD z = v - v;
            if (z != z) {
                *row = r;
                *col = c;
                return x != x ? PLA__BAD_NAN : x - x == 0 ? PLA__BAD_RANGE : x > 0 ? PLA__BAD_INF : PLA__BAD_NEG_INF;
            }
        }
    return PLA__BAD_NONE;
}

/* dst (row-major band, rows ldd apart) := src (column-major, ld), converted. */
static void PLA_CAT(band_out_, PLA_SUFFIX)(const PLA_TS *src, int64_t ld, int64_t rows, int64_t cols,
                                           PLA_TD *dst, int64_t ldd)
{
    enum { TILE = 32 };
#pragma omp parallel for schedule(static) if (rows * cols > (1 << 18))
    for (int64_t r0 = 0; r0 < rows; r0 += TILE) {
        const int64_t r1 = r0 + TILE < rows ? r0 + TILE : rows;
        for (int64_t c0 = 0; c0 < cols; c0 += TILE) {
            const int64_t c1 = c0 + TILE < cols ? c0 + TILE : cols;
            for (int64_t r = r0; r < r1; ++r)
                for (int64_t c = c0; c < c1; ++c)
                    dst[r * ldd + c] = (PLA_TD)src[r + c * ld];
        }
    }
}

#undef PLA_CAT
#undef PLA_CAT2
#undef PLA_STRIP4
#undef PLA_TS
#undef PLA_TD
#undef PLA_SUFFIX
