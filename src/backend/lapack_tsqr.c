/* LAPACK's sequential tall-skinny QR kernels on one process's storage: the
   leaves of pla's TSQR (src/solvers/tsqr_leaf.c).  ?latsqr factors a tall
   panel by row blocks that stay in cache; ?lamtsqr applies its Q; ?tpqrt
   folds a block of rows into an upper-triangular R. */
#include "internal/backend.h"
#include "backend/fortran.h"

int pla__lapack_latsqr(pla_dtype dt, int64_t m, int64_t n, int64_t mb, int64_t nb, void *a, int64_t lda, void *t,
                       int64_t ldt, void *work, int64_t lwork)
{
    const int im = (int)m, in = (int)n, imb = (int)mb, inb = (int)nb, ilda = (int)lda, ildt = (int)ldt;
    const int lw = (int)lwork;
    int info = 0;
    if (dt == PLA_F64)
        dlatsqr_(&im, &in, &imb, &inb, a, &ilda, t, &ildt, work, &lw, &info);
    else
        slatsqr_(&im, &in, &imb, &inb, a, &ilda, t, &ildt, work, &lw, &info);
    return info;
}

int pla__lapack_lamtsqr(pla_dtype dt, int64_t m, int64_t n, int64_t k, int64_t mb, int64_t nb, const void *a,
                        int64_t lda, const void *t, int64_t ldt, void *c, int64_t ldc, void *work, int64_t lwork)
{
    const int im = (int)m, in = (int)n, ik = (int)k, imb = (int)mb, inb = (int)nb, ilda = (int)lda;
    const int ildt = (int)ldt, ildc = (int)ldc, lw = (int)lwork;
    int info = 0;
    if (dt == PLA_F64)
        dlamtsqr_("L", "N", &im, &in, &ik, &imb, &inb, a, &ilda, t, &ildt, c, &ildc, work, &lw, &info);
    else
        slamtsqr_("L", "N", &im, &in, &ik, &imb, &inb, a, &ilda, t, &ildt, c, &ildc, work, &lw, &info);
    return info;
}

int pla__lapack_tpqrt(pla_dtype dt, int64_t m, int64_t n, int64_t l, int64_t nb, void *a, int64_t lda, void *b,
                      int64_t ldb, void *t, int64_t ldt, void *work)
{
    const int im = (int)m, in = (int)n, il = (int)l, inb = (int)nb, ilda = (int)lda, ildb = (int)ldb;
    const int ildt = (int)ldt;
    int info = 0;
    if (dt == PLA_F64)
        dtpqrt_(&im, &in, &il, &inb, a, &ilda, b, &ildb, t, &ildt, work, &info);
    else
        stpqrt_(&im, &in, &il, &inb, a, &ilda, b, &ildb, t, &ildt, work, &info);
    return info;
}
