/* raw_pdgemm: C = A * B with ScaLAPACK's pdgemm_ driven by hand (no pla), the
   baseline pla_gemm is compared against.  A P x Q BLACS grid over
   MPI_COMM_WORLD, square n x n operands in nb x nb blocks filled with random
   numbers, one warm-up, then `reps` timed calls; prints one JSON line.

   Built twice: raw_pdgemm calls ScaLAPACK as installed; raw_pdgemm_kb
   (GEMM_PILAENV_OVERRIDE) also defines pilaenv_, which interposes on the
   library's: PBLAS asks it for the "logical blocking factor", the k of every
   local dgemm inside pdgemm (32 in the reference and Debian builds), and
   --kb sets it. */
#include <mpi.h>
#include "gemm_common.h"

/* No C header exists for BLACS/ScaLAPACK: Fortran symbols take every argument
   by pointer, 32-bit integers; Cblacs_* are C. */
void Cblacs_pinfo(int *mypnum, int *nprocs);
void Cblacs_get(int ictxt, int what, int *val);
void Cblacs_gridinit(int *ictxt, const char *order, int nprow, int npcol);
void Cblacs_gridinfo(int ictxt, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int ictxt);
int numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc,
               const int *icsrc, const int *ictxt, const int *lld, int *info);
void pdgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k,
             const double *alpha, const double *a, const int *ia, const int *ja, const int *desca,
             const double *b, const int *ib, const int *jb, const int *descb, const double *beta,
             double *c, const int *ic, const int *jc, const int *descc);
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
void omp_set_num_threads(int n);

int pilaenv_(const int *ictxt, const char *prec);
#ifdef GEMM_PILAENV_OVERRIDE
static int pilaenv_value = 32;
static long pilaenv_calls = 0;  /* > 0 after pdgemm_: proof that the library called this one */
int pilaenv_(const int *ictxt, const char *prec)
{
    (void)ictxt;
    (void)prec;
    ++pilaenv_calls;
    return pilaenv_value;
}
#define BENCH_NAME "raw_pdgemm_kb"
#else
#define BENCH_NAME "raw_pdgemm"
#endif

/* Global index of local index l (0-based) in nb-blocks cycled over np processes. */
static long l2g(long l, long nb, int p, int np)
{
    return (l / nb) * nb * np + (long)p * nb + l % nb;
}

static void fill(double *a, int mloc, int nloc, int lld, long nb, int myrow, int mycol, int nprow,
                 int npcol, unsigned long seed, int which)
{
    for (int jl = 0; jl < nloc; ++jl) {
        long j = l2g(jl, nb, mycol, npcol);
        for (int il = 0; il < mloc; ++il)
            a[(size_t)jl * (size_t)lld + (size_t)il] = gemm_entry(seed, which, l2g(il, nb, myrow, nprow), j);
    }
}

/* Largest sampled error over C's entries owned here (0 if none). */
static double check_local(const gemm_opts *o, const double *c, int lld, int myrow, int mycol, int nprow,
                          int npcol)
{
    double worst = 0.0;
    for (int s = 0; s < GEMM_NCHECK; ++s) {
        long i, j;
        gemm_check_pos(o->n, s, &i, &j);
        long bi = i / o->nb, bj = j / o->nb;
        if (bi % nprow != myrow || bj % npcol != mycol)
            continue;
        long il = (bi / nprow) * o->nb + i % o->nb, jl = (bj / npcol) * o->nb + j % o->nb;
        double e = gemm_check_entry(o->seed, o->n, i, j, c[(size_t)jl * (size_t)lld + (size_t)il]);
        worst = e > worst ? e : worst;
    }
    return worst;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1, status = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    gemm_opts o;
    int parsed = gemm_parse(argc, argv, &o, "ScaLAPACK pdgemm_ driven by hand (no pla).", rank == 0);
    if (parsed != 0) {
        MPI_Finalize();
        return parsed > 0 ? 0 : 2;
    }
    if (o.nprow == 0 && o.npcol == 0) {
        o.nprow = size;
        o.npcol = 1;
    }
    if (o.nprow * o.npcol != size || o.n > 2147483647L || o.nb > o.n) {
        if (rank == 0)
            fprintf(stderr, "%s: grid %dx%d needs %d ranks (have %d); nb <= n required\n", argv[0],
                    o.nprow, o.npcol, o.nprow * o.npcol, size);
        MPI_Finalize();
        return 2;
    }
#ifdef GEMM_PILAENV_OVERRIDE
    if (o.kb > 0)
        pilaenv_value = (int)o.kb;
#endif
    if (o.threads > 0) {
        openblas_set_num_threads(o.threads);
        omp_set_num_threads(o.threads);
    }

    int ictxt = 0, nprow = 0, npcol = 0, myrow = 0, mycol = 0, info = 0;
    Cblacs_get(-1, 0, &ictxt);
    Cblacs_gridinit(&ictxt, "Row", o.nprow, o.npcol);
    Cblacs_gridinfo(ictxt, &nprow, &npcol, &myrow, &mycol);

    const int n = (int)o.n, nb = (int)o.nb, zero = 0, one = 1;
    int mloc = numroc_(&n, &nb, &myrow, &zero, &nprow);
    int nloc = numroc_(&n, &nb, &mycol, &zero, &npcol);
    int lld = mloc > 1 ? mloc : 1;
    int desc[9];
    descinit_(desc, &n, &n, &nb, &nb, &zero, &zero, &ictxt, &lld, &info);
    size_t count = (size_t)lld * (size_t)(nloc > 0 ? nloc : 1);
    double *a = malloc(count * sizeof *a), *b = malloc(count * sizeof *b), *c = calloc(count, sizeof *c);
    int ok = info == 0 && a && b && c, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        if (rank == 0)
            fprintf(stderr, "%s: descinit or allocation failed\n", argv[0]);
        status = 4;
        goto done;
    }
    fill(a, mloc, nloc, lld, o.nb, myrow, mycol, nprow, npcol, o.seed, 0);
    fill(b, mloc, nloc, lld, o.nb, myrow, mycol, nprow, npcol, o.seed, 1);

    const double alpha = 1.0, beta = 0.0;
    double times[GEMM_MAX_REPS], cpu[GEMM_MAX_REPS];
    for (int r = -o.warmup; r < o.reps; ++r) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime(), c0 = gemm_cpu_now();
        pdgemm_("N", "N", &n, &n, &n, &alpha, a, &one, &one, desc, b, &one, &one, desc, &beta, c, &one,
                &one, desc);
        double t = MPI_Wtime() - t0, tc = gemm_cpu_now() - c0, tmax = 0.0, csum = 0.0;
        MPI_Allreduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        MPI_Allreduce(&tc, &csum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        if (r >= 0) {
            times[r] = tmax;
            cpu[r] = csum;
        }
    }

    double err = o.check ? check_local(&o, c, lld, myrow, mycol, nprow, npcol) : 0.0, err_max = 0.0;
    MPI_Allreduce(&err, &err_max, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) {
        char extra[192];
        int used = snprintf(extra, sizeof extra, ",\"kb\":%d,\"check\":\"%s\",\"check_err\":%.3g",
                            pilaenv_(&ictxt, "D"), o.check ? (err_max < 10.0 ? "ok" : "FAILED") : "skipped",
                            err_max);
#ifdef GEMM_PILAENV_OVERRIDE
        snprintf(extra + used, sizeof extra - (size_t)used, ",\"pilaenv_calls_from_pblas\":%ld", pilaenv_calls - 1);
#else
        (void)used;
#endif
        gemm_print_json(BENCH_NAME, &o, size, openblas_get_num_threads(), openblas_get_corename(), times,
                        cpu, extra);
    }
    if (err_max >= 10.0)
        status = 1;
done:
    free(a);
    free(b);
    free(c);
    Cblacs_gridexit(ictxt);
    MPI_Finalize();
    return status;
}
