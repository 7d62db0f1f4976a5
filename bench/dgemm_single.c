/* dgemm_single: the single-process reference, one OpenBLAS dgemm_ call on
   n x n operands.  Threads: --threads T (openblas_set_num_threads), else what
   OMP_NUM_THREADS gives the OpenMP build of OpenBLAS.  Same operands and JSON
   line as the distributed drivers.

   --kb K (diagnostic) computes the same product as n/K rank-K updates
   C += A(:, k:k+K) B(k:k+K, :), the way PBLAS's pdgemm_ runs its local
   dgemms (K = its logical blocking factor, 32 as shipped), so the cost of
   that pattern can be measured without MPI. */
#include "gemm_common.h"

void dgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k, const double *alpha,
            const double *a, const int *lda, const double *b, const int *ldb, const double *beta, double *c,
            const int *ldc);
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);

int main(int argc, char **argv)
{
    gemm_opts o;
    int parsed = gemm_parse(argc, argv, &o, "Single-process OpenBLAS dgemm_ (no MPI, no pla).", 1);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (o.n > 2147483647L) {  /* BLAS takes 32-bit sizes */
        fprintf(stderr, "%s: n too large\n", argv[0]);
        return 2;
    }
    o.nprow = o.npcol = 1;
    o.nb = 0;  /* not blocked */
    if (o.threads > 0)
        openblas_set_num_threads(o.threads);

    const int n = (int)o.n;
    size_t count = (size_t)n * (size_t)n;
    double *a = malloc(count * sizeof *a), *b = malloc(count * sizeof *b), *c = calloc(count, sizeof *c);
    int status = 0;
    if (!a || !b || !c) {
        fprintf(stderr, "%s: out of memory for n = %d\n", argv[0], n);
        status = 4;
        goto done;
    }
    for (long j = 0; j < n; ++j)
        for (long i = 0; i < n; ++i) {
            a[(size_t)j * (size_t)n + (size_t)i] = gemm_entry(o.seed, 0, i, j);
            b[(size_t)j * (size_t)n + (size_t)i] = gemm_entry(o.seed, 1, i, j);
        }

    const double alpha = 1.0, beta = 0.0;
    double times[GEMM_MAX_REPS], cpu[GEMM_MAX_REPS];
    for (int r = -o.warmup; r < o.reps; ++r) {
        double t0 = gemm_now(), c0 = gemm_cpu_now();
        if (o.kb == 0 || o.kb >= o.n) {
            dgemm_("N", "N", &n, &n, &n, &alpha, a, &n, b, &n, &beta, c, &n);
        } else {
            for (long k0 = 0; k0 < o.n; k0 += o.kb) {
                const int kk = (int)(o.n - k0 < o.kb ? o.n - k0 : o.kb);
                const double bk = k0 == 0 ? beta : 1.0;
                dgemm_("N", "N", &n, &n, &kk, &alpha, a + (size_t)k0 * (size_t)n, &n, b + k0, &n, &bk, c, &n);
            }
        }
        if (r >= 0) {
            times[r] = gemm_now() - t0;
            cpu[r] = gemm_cpu_now() - c0;
        }
    }

    double worst = 0.0;
    for (int s = 0; o.check && s < GEMM_NCHECK; ++s) {
        long i, j;
        gemm_check_pos(o.n, s, &i, &j);
        double e = gemm_check_entry(o.seed, o.n, i, j, c[(size_t)j * (size_t)n + (size_t)i]);
        worst = e > worst ? e : worst;
    }
    char extra[96];
    snprintf(extra, sizeof extra, ",\"kb\":%ld,\"check\":\"%s\",\"check_err\":%.3g", o.kb,
             o.check ? (worst < 10.0 ? "ok" : "FAILED") : "skipped", worst);
    gemm_print_json("dgemm_single", &o, 1, openblas_get_num_threads(), openblas_get_corename(), times, cpu, extra);
    if (worst >= 10.0)
        status = 1;
done:
    free(a);
    free(b);
    free(c);
    return status;
}
