/* Stamped once per element type: define PLA_T (type) and PLA_NAME (function
   name) before including.  Cache-blocked out-of-place transpose. */
static void PLA_NAME(int64_t m, int64_t n, const PLA_T *a, int64_t lda, PLA_T *b, int64_t ldb)
{
    enum { BLK = 32 };
    for (int64_t jj = 0; jj < n; jj += BLK)
        for (int64_t ii = 0; ii < m; ii += BLK)
            for (int64_t j = jj; j < n && j < jj + BLK; ++j)
                for (int64_t i = ii; i < m && i < ii + BLK; ++i)
                    b[j + i * ldb] = a[i + j * lda];
}
#undef PLA_T
#undef PLA_NAME
