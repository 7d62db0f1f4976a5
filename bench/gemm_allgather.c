/* gemm_allgather: prototype of C = A * B on a one-dimensional grid (P x 1 or
   1 x Q) without PBLAS.  Operands are laid out exactly as ScaLAPACK lays them
   out (nb x nb blocks, source process 0, lld = local rows).  The operand that
   is split along k is gathered panel by panel, straight into global order by
   MPI datatypes, and every panel costs one local dgemm with the full k:

   P x 1 (rows cycled over P ranks).  C_loc = A_loc * B needs all of B.  For
     each panel of w columns of B: G (k x w, global row order) <- every rank's
     B_loc(:, panel) (contiguous: kloc x w), one MPI_Alltoallw whose receive
     type per source is its rows (indexed nb-blocks) x w columns; then
     C_loc(:, panel) = A_loc * G: dgemm mloc x w x k.
   1 x Q (columns cycled over Q ranks).  C_loc = A * B_loc needs all of A.  For
     each panel of h rows of A: G (h x k, global column order) <- every rank's
     A_loc(panel, :) (a strided h x kloc block); then C_loc(panel, :) = G *
     B_loc: dgemm h x nloc x k.

   PBLAS's pdgemm instead broadcasts rank-32 panels and runs 32-deep local
   dgemms (its logical blocking factor, pilaenv_ = 32), which read and write
   all of C_loc n/32 times.  Here the extra memory per rank is one panel
   (k x w doubles), allocated and freed inside the timed call as a library
   call would; --kb W sets w (W >= n: the whole operand at once). */
#include <mpi.h>
#include "gemm_common.h"

void dgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k, const double *alpha,
            const double *a, const int *lda, const double *b, const int *ldb, const double *beta, double *c,
            const int *ldc);
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
void omp_set_num_threads(int n);

#define MAX_RANKS 64

static long numroc(long n, long nb, int p, int np)
{
    long nblocks = n / nb, count = (nblocks / np) * nb;
    int extra = (int)(nblocks % np);
    if (p < extra)
        count += nb;
    else if (p == extra)
        count += n % nb;
    return count;
}

static long l2g(long l, long nb, int p, int np)
{
    return (l / nb) * nb * np + (long)p * nb + l % nb;
}

/* Collective: 1 if the panel could be allocated on every rank. */
static int all_allocated(const void *p)
{
    int ok = p != NULL, all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all;
}

typedef struct {
    double comm, gemm;  /* seconds in the exchanges and in the local dgemms */
} timing;

/* The global indices held by rank r, as an indexed type of `unit` elements
   per index: nb-blocks (the last one may be short) at their global offsets. */
static MPI_Datatype owned_indices(long n, long nb, int r, int np, long unit)
{
    long count = numroc(n, nb, r, np);
    int nblocks = (int)((count + nb - 1) / nb);
    int *len = malloc((size_t)(nblocks > 0 ? nblocks : 1) * sizeof *len);
    int *at = malloc((size_t)(nblocks > 0 ? nblocks : 1) * sizeof *at);
    for (int b = 0; b < nblocks; ++b) {
        long l = (long)b * nb, w = count - l < nb ? count - l : nb;
        len[b] = (int)(w * unit);
        at[b] = (int)(l2g(l, nb, r, np) * unit);
    }
    MPI_Datatype t;
    MPI_Type_indexed(nblocks, len, at, MPI_DOUBLE, &t);
    free(len);
    free(at);
    return t;
}

/* P x 1: C_loc (mloc x n) = A_loc (mloc x k) * B, B_loc is kloc x n (kloc = mloc). */
static int gemm_pgrid(long n, long nb, long w, int size, long mloc, const double *a, const double *b, double *c,
                      timing *tm)
{
    const long k = n;
    double *g = malloc((size_t)k * (size_t)w * sizeof *g);
    if (!all_allocated(g)) {
        free(g);
        return 0;
    }
    int scount[MAX_RANKS], sdispl[MAX_RANKS], rcount[MAX_RANKS], rdispl[MAX_RANKS];
    MPI_Datatype stype[MAX_RANKS], rows[MAX_RANKS], rtype[MAX_RANKS];
    for (int r = 0; r < size; ++r)
        rows[r] = owned_indices(k, nb, r, size, 1);
    const int im = (int)mloc, ik = (int)k, ld = (int)(mloc > 0 ? mloc : 1);
    const double one = 1.0, zero = 0.0;
    for (long j0 = 0; j0 < n; j0 += w) {
        long wp = n - j0 < w ? n - j0 : w;
        for (int r = 0; r < size; ++r) {
            scount[r] = (int)(mloc * wp);  /* my rows of B(:, panel): contiguous */
            sdispl[r] = 0;
            stype[r] = MPI_DOUBLE;
            MPI_Type_create_hvector((int)wp, 1, (MPI_Aint)(k * (long)sizeof(double)), rows[r], &rtype[r]);
            MPI_Type_commit(&rtype[r]);
            rcount[r] = 1;
            rdispl[r] = 0;
        }
        double t0 = MPI_Wtime();
        MPI_Alltoallw(b + j0 * mloc, scount, sdispl, stype, g, rcount, rdispl, rtype, MPI_COMM_WORLD);
        double t1 = MPI_Wtime();
        const int iw = (int)wp;
        if (im > 0)
            dgemm_("N", "N", &im, &iw, &ik, &one, a, &ld, g, &ik, &zero, c + j0 * mloc, &ld);
        tm->comm += t1 - t0;
        tm->gemm += MPI_Wtime() - t1;
        for (int r = 0; r < size; ++r)
            MPI_Type_free(&rtype[r]);
    }
    for (int r = 0; r < size; ++r)
        MPI_Type_free(&rows[r]);
    free(g);
    return 1;
}

/* 1 x Q: C_loc (m x nloc) = A * B_loc (k x nloc); A_loc is m x kloc (kloc = nloc). */
static int gemm_qgrid(long n, long nb, long h, int rank, int size, long nloc, const double *a, const double *b,
                      double *c, timing *tm)
{
    const long m = n, k = n;
    double *g = malloc((size_t)h * (size_t)k * sizeof *g);
    if (!all_allocated(g)) {
        free(g);
        return 0;
    }
    int scount[MAX_RANKS], sdispl[MAX_RANKS], rcount[MAX_RANKS], rdispl[MAX_RANKS];
    MPI_Datatype stype[MAX_RANKS], rtype[MAX_RANKS], mine;
    const int im = (int)m, ik = (int)k, inl = (int)nloc;
    const double one = 1.0, zero = 0.0;
    for (long i0 = 0; i0 < m; i0 += h) {
        long hp = m - i0 < h ? m - i0 : h;
        /* my columns of A(panel, :): hp contiguous rows in each of kloc columns */
        MPI_Type_vector((int)numroc(k, nb, rank, size), (int)hp, (int)m, MPI_DOUBLE, &mine);
        MPI_Type_commit(&mine);
        for (int r = 0; r < size; ++r) {
            scount[r] = 1;
            sdispl[r] = 0;
            stype[r] = mine;
            rtype[r] = owned_indices(k, nb, r, size, hp);  /* rank r's columns of G (hp x k) */
            MPI_Type_commit(&rtype[r]);
            rcount[r] = 1;
            rdispl[r] = 0;
        }
        double t0 = MPI_Wtime();
        MPI_Alltoallw(a + i0, scount, sdispl, stype, g, rcount, rdispl, rtype, MPI_COMM_WORLD);
        double t1 = MPI_Wtime();
        const int ih = (int)hp;
        if (inl > 0)
            dgemm_("N", "N", &ih, &inl, &ik, &one, g, &ih, b, &ik, &zero, c + i0, &im);
        tm->comm += t1 - t0;
        tm->gemm += MPI_Wtime() - t1;
        for (int r = 0; r < size; ++r)
            MPI_Type_free(&rtype[r]);
        MPI_Type_free(&mine);
    }
    free(g);
    return 1;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1, status = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    gemm_opts o;
    int parsed = gemm_parse(argc, argv, &o,
                            "Prototype: 1-D grid gemm, gathered panels + full-k local dgemm.\n"
                            "--kb W sets the panel width (default 512; W >= n gathers the whole operand).",
                            rank == 0);
    if (parsed != 0) {
        MPI_Finalize();
        return parsed > 0 ? 0 : 2;
    }
    if (o.nprow == 0 && o.npcol == 0) {
        o.nprow = size;
        o.npcol = 1;
    }
    long panel = o.kb > 0 ? o.kb : 512;
    if (panel > o.n)
        panel = o.n;
    if (o.nprow * o.npcol != size || (o.nprow != 1 && o.npcol != 1) || size > MAX_RANKS ||
        o.n * panel > 2147483647L || o.nb > o.n) {
        if (rank == 0)
            fprintf(stderr, "%s: needs a P x 1 or 1 x Q grid of all %d ranks (<= %d), n * panel < 2^31, nb <= n\n",
                    argv[0], size, MAX_RANKS);
        MPI_Finalize();
        return 2;
    }
    if (o.threads > 0) {
        openblas_set_num_threads(o.threads);
        omp_set_num_threads(o.threads);
    }
    const int rows = o.npcol == 1;  /* P x 1: rows are distributed */
    long mloc = rows ? numroc(o.n, o.nb, rank, size) : o.n;
    long nloc = rows ? o.n : numroc(o.n, o.nb, rank, size);
    size_t count = (size_t)(mloc > 0 ? mloc : 1) * (size_t)(nloc > 0 ? nloc : 1);
    double *a = malloc(count * sizeof *a), *b = malloc(count * sizeof *b), *c = calloc(count, sizeof *c);
    int ok = a && b && c, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        status = 4;
        goto done;
    }
    for (long jl = 0; jl < nloc; ++jl)
        for (long il = 0; il < mloc; ++il) {
            long i = rows ? l2g(il, o.nb, rank, size) : il, j = rows ? jl : l2g(jl, o.nb, rank, size);
            a[jl * mloc + il] = gemm_entry(o.seed, 0, i, j);
            b[jl * mloc + il] = gemm_entry(o.seed, 1, i, j);
        }

    double times[GEMM_MAX_REPS], cpu[GEMM_MAX_REPS], comm[GEMM_MAX_REPS], dgemm_t[GEMM_MAX_REPS];
    for (int r = -o.warmup; r < o.reps; ++r) {
        timing tm = { 0 };
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime(), c0 = gemm_cpu_now();
        ok = rows ? gemm_pgrid(o.n, o.nb, panel, size, mloc, a, b, c, &tm)
                  : gemm_qgrid(o.n, o.nb, panel, rank, size, nloc, a, b, c, &tm);
        double v[3] = { MPI_Wtime() - t0, tm.comm, tm.gemm }, vmax[3], tc = gemm_cpu_now() - c0, csum = 0.0;
        MPI_Allreduce(v, vmax, 3, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        MPI_Allreduce(&tc, &csum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        if (!ok) {  /* the same on every rank: the allocation was agreed on */
            if (rank == 0)
                fprintf(stderr, "%s: out of memory for the panel\n", argv[0]);
            status = 4;
            goto done;
        }
        if (r >= 0) {
            times[r] = vmax[0];
            cpu[r] = csum;
            comm[r] = vmax[1];
            dgemm_t[r] = vmax[2];
        }
    }

    double worst = 0.0, worst_all = 0.0;
    for (int s = 0; o.check && s < GEMM_NCHECK; ++s) {
        long i, j;
        gemm_check_pos(o.n, s, &i, &j);
        long g = rows ? i : j, own = g / o.nb % size, l = (g / o.nb / size) * o.nb + g % o.nb;
        if (own != rank)
            continue;
        double e = gemm_check_entry(o.seed, o.n, i, j, rows ? c[j * mloc + l] : c[l * o.n + i]);
        worst = e > worst ? e : worst;
    }
    MPI_Allreduce(&worst, &worst_all, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) {
        char extra[224];
        snprintf(extra, sizeof extra,
                 ",\"panel\":%ld,\"comm_median_s\":%.6f,\"dgemm_median_s\":%.6f,\"check\":\"%s\",\"check_err\":%.3g",
                 panel, gemm_median(comm, o.reps), gemm_median(dgemm_t, o.reps),
                 o.check ? (worst_all < 10.0 ? "ok" : "FAILED") : "skipped", worst_all);
        gemm_print_json("gemm_allgather", &o, size, openblas_get_num_threads(), openblas_get_corename(), times,
                        cpu, extra);
    }
    if (worst_all >= 10.0)
        status = 1;
done:
    free(a);
    free(b);
    free(c);
    MPI_Finalize();
    return status;
}
