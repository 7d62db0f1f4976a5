/* pla svd: singular values and vectors of a matrix in an HDF5 file, all of
   them (the full method) or the k largest (full, randomized or block
   Krylov). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "command.h"
#include "solver_plans.h"

static const char svd_help[] =
    "usage: [mpirun -n P] pla svd -i A [-k K] [--method auto|full|randomized|krylov]\n"
    "                             [--oversample P] [--power-iters Q] [--tol T] [--seed S]\n"
    "                             [--no-u] [--no-v] [--check] -o OUT[:/GROUP]\n\n"
    "Singular value decomposition A = U diag(S) Vt of an m x n matrix (any shape),\n"
    "as numpy.linalg.svd(A, full_matrices=False).  Writes under GROUP of OUT:\n"
    "  S (k, descending)\n"
    "  U (m x k, the left singular vectors as columns)\n"
    "  Vt (k x n, the right singular vectors as rows)\n"
    "  residuals (k: max(||A v_i - s_i u_i||, ||A^T u_i - s_i v_i||) / s_1,\n"
    "    recomputed from A)\n"
    "so that A ~ U @ np.diag(S) @ Vt for the arrays as h5py reads them.  Each column\n"
    "of U has its largest-magnitude entry positive (scikit-learn's svd_flip), with\n"
    "the row of Vt flipped alike.  All min(m, n) triplets unless -k is given.\n\n"
    "Options:\n"
    "  -i FILE[:/PATH]    the matrix A\n"
    "  -k K               the K largest singular triplets, 1 <= K <= min(m, n)\n"
    "      --method auto  without -k the full method; with -k the full or a\n"
    "                     sketching method by pla_svd_choose (default; --json says why)\n"
    "      --method full  QR (TSQR when tall), then the SVD of the triangle by\n"
    "                     LAPACK ?gesdd on one rank (p?gesvd beyond order 8192)\n"
    "      --method randomized  randomized subspace iteration (Halko, Martinsson,\n"
    "                     Tropp) with Rayleigh-Ritz, as scikit-learn's randomized_svd\n"
    "      --method krylov  randomized block Krylov (Musco and Musco): every block\n"
    "                     of the iteration kept; fewer passes on slowly decaying spectra\n"
    "      --oversample P randomized, krylov: P extra sketch columns (default 10)\n"
    "      --power-iters Q  randomized: Q power iterations, 0.." CLI_STR(PLA_SVD_MAX_POWER_ITERS) "\n"
    "                     (default scikit-learn's rule: 7 if K < min(m, n) / 10, else 4);\n"
    "                     krylov: Q blocks after the first (default 3)\n"
    "      --tol T        randomized, krylov: iterate (up to " CLI_STR(PLA_SVD_MAX_POWER_ITERS)
    " power iterations)\n"
    "                     until every residual is below T, 0 < T < 1; exit 1 if not\n"
    "      --seed S       randomized, krylov: the sketch's seed; the same S gives\n"
    "                     the same result for every rank count, grid and block size\n"
    "      --no-u         do not write U\n"
    "      --no-v         do not write Vt (with --no-u and the full method: singular\n"
    "                     values only, and no residuals)\n"
    "      --check        report ||A - U S Vt||_1 / (||A||_1 max(m,n) eps) (all\n"
    "                     triplets), ||U^T U - I||_1 and ||Vt Vt^T - I||_1 / (max(m,n) eps)\n"
    "Without --grid a tall-skinny A (m >= 4 n) runs on a P x 1 grid of row panels.\n"
    "Default block size: " CLI_STR(CLI_SVD_BLOCK) ".  See docs/svd.md.\n";

typedef struct {
    const char *input;
    pla_svd_opts o;
    int64_t k;
    int k_set, oversample_set, power_set, tol_set, check;
    double tol;
} svd_args;

enum { OPT_IN, OPT_K, OPT_METHOD, OPT_OVERSAMPLE, OPT_POWER, OPT_TOL, OPT_NOU, OPT_NOV, OPT_CHECK };

static const cli_option svd_options[] = {
    { "input", 'i', 1, OPT_IN },
    { NULL, 'k', 1, OPT_K },
    { "method", 0, 1, OPT_METHOD },
    { "oversample", 0, 1, OPT_OVERSAMPLE },
    { "power-iters", 0, 1, OPT_POWER },
    { "tol", 0, 1, OPT_TOL },
    { "no-u", 0, 0, OPT_NOU },
    { "no-v", 0, 0, OPT_NOV },
    { "check", 0, 0, OPT_CHECK },
    { NULL, 0, 0, 0 },
};

static pla_err svd_option(void *state, const cli_option *opt, const char *value, cli_msg *msg)
{
    svd_args *a = state;
    pla_err err = PLA_OK;
    switch (opt->id) {
    case OPT_IN: a->input = value; break;
    case OPT_K:
        a->k_set = 1;
        err = cli_parse_i64("-k", value, INT64_MIN, INT64_MAX, &a->k, msg);
        if (err == PLA_OK && a->k < 1)
            err = cli_fail(msg, PLA_ERR_ARG, "-k must be at least 1 (the number of singular triplets), got '%s'",
                           value);
        break;
    case OPT_METHOD: err = cli_svd_method_parse(value, &a->o.method, msg); break;
    case OPT_OVERSAMPLE: a->oversample_set = 1; err = cli_oversample_parse(value, &a->o.oversample, msg); break;
    case OPT_POWER: a->power_set = 1; err = cli_power_iters_parse(value, &a->o.power_iters, msg); break;
    case OPT_TOL: a->tol_set = 1; err = cli_tol_parse(value, &a->tol, msg); break;
    case OPT_NOU: a->o.want_u = 0; break;
    case OPT_NOV: a->o.want_vt = 0; break;
    case OPT_CHECK: a->check = 1; break;
    default: break;
    }
    return err;
}

static const cli_spec svd_spec = { "svd", svd_options, svd_option, NULL };

typedef struct {
    cli_name in, out;
    pla_h5_dset_info info;
    int64_t m, n, r, k, block;
    char group_path[4800], s_path[4800], u_path[4800], vt_path[4800], res_path[4800];
} svd_plan;

/* The method that will run: --method, or auto's choice (pla_svd_choose). */
static pla_svd_method resolve(const svd_args *a, const svd_plan *p)
{
    if (a->o.method != PLA_SVD_AUTO)
        return a->o.method;
    return a->k_set ? pla_svd_choose(p->m, p->n, p->k) : PLA_SVD_FULL;
}

/* Why `method` runs (for --json and -v). */
static const char *method_reason(const svd_args *a, const svd_plan *p, pla_svd_method method, char *buf, size_t cap)
{
    const int64_t l = p->k + 10 < p->r ? p->k + 10 : p->r;
    /* passes over A of the sketching methods with their defaults (src/solvers/svd_*.c) */
    const int passes = method == PLA_SVD_KRYLOV ? 2 * (pla_svd_default_krylov_iters(p->m, p->n, p->k) + 1) + 2
                                                : 2 * pla_svd_default_power_iters(p->m, p->n, p->k) + 3;
    if (a->o.method != PLA_SVD_AUTO)
        snprintf(buf, cap, "requested with --method %s", pla_svd_method_name(a->o.method));
    else if (!a->k_set)
        snprintf(buf, cap, "all min(m, n) = %lld triplets (no -k): the full method", (long long)p->r);
    else if (method == PLA_SVD_FULL)
        snprintf(buf, cap,
                 "auto (pla_svd_choose): %lld of min(m, n) = %lld triplets is too large a share for a sketching "
                 "method's passes over A to cost less than the full method's QR", (long long)p->k, (long long)p->r);
    else
        snprintf(buf, cap,
                 "auto (pla_svd_choose): %lld of min(m, n) = %lld triplets; the %s method's %d passes over A with "
                 "blocks of %lld columns cost less than the full method's QR of A",
                 (long long)p->k, (long long)p->r, pla_svd_method_name(method), passes, (long long)l);
    return buf;
}

/* Column j of X times f[j] (local work). */
static void scale_columns(pla_mat *X, const double *f)
{
    void *data;
    int64_t lld, ml, nl;
    pla_mat_local(X, &data, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl) {
        const double g = f[pla_mat_col_l2g(X, jl)];
        for (int64_t il = 0; il < ml; ++il) {
            if (pla_mat_dtype(X) == PLA_F64) ((double *)data)[il + jl * lld] *= g;
            else ((float *)data)[il + jl * lld] *= (float)g;
        }
    }
}

/* E := E - I (local work). */
static void subtract_identity(pla_mat *E)
{
    void *data;
    int64_t lld, ml, nl;
    pla_mat_local(E, &data, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl)
        for (int64_t il = 0; il < ml; ++il)
            if (pla_mat_row_l2g(E, il) == pla_mat_col_l2g(E, jl)) {
                if (pla_mat_dtype(E) == PLA_F64) ((double *)data)[il + jl * lld] -= 1.0;
                else ((float *)data)[il + jl * lld] -= 1.0f;
            }
}

/* The scaled residuals of DESIGN.md section 3: ||A - U S Vt||_1 / (||A||_1
   max(m,n) eps) when all triplets are there (resid < 0 otherwise), and the
   orthogonality of U's columns and Vt's rows, / (max(m,n) eps). */
static pla_err svd_checks(pla_ctx *ctx, const pla_mat *A, const pla_mat *U, const double *s, const pla_mat *Vt,
                          double *resid, double *orth_u, double *orth_v)
{
    pla_err err = PLA_OK;
    pla_mat *D = NULL, *US = NULL, *E = NULL;
    const int64_t m = pla_mat_rows(A), n = pla_mat_cols(A), k = pla_mat_cols(U), mx = m > n ? m : n;
    const double eps = pla_mat_dtype(A) == PLA_F32 ? FLT_EPSILON / 2 : DBL_EPSILON / 2;
    double na = 0, nd = 0, ne = 0;
    *resid = -1;
    if (k == (m < n ? m : n)) {
        CLI_TRY(pla_mat_dup(A, &D));
        CLI_TRY(pla_mat_dup(U, &US));
        scale_columns(US, s);
        CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_NOTRANS, -1.0, US, Vt, 1.0, D));
        CLI_TRY(pla_norm(PLA_NORM_ONE, D, &nd));
        CLI_TRY(pla_norm(PLA_NORM_ONE, A, &na));
        *resid = nd / ((na > 0 ? na : 1.0) * (double)mx * eps);
        pla_mat_destroy(&D);
        pla_mat_destroy(&US);
    }
    CLI_TRY(pla_mat_create(ctx, pla_mat_dtype(A), k, k, 0, 0, &E));
    CLI_TRY(pla_gemm(PLA_TRANS, PLA_NOTRANS, 1.0, U, U, 0.0, E));
    subtract_identity(E);
    CLI_TRY(pla_norm(PLA_NORM_ONE, E, &ne));
    *orth_u = ne / ((double)mx * eps);
    CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_TRANS, 1.0, Vt, Vt, 0.0, E));
    subtract_identity(E);
    CLI_TRY(pla_norm(PLA_NORM_ONE, E, &ne));
    *orth_v = ne / ((double)mx * eps);
done:
    pla_mat_destroy(&D);
    pla_mat_destroy(&US);
    pla_mat_destroy(&E);
    return err;
}

static double max_of(const double *v, int64_t n)
{
    double x = 0;
    for (int64_t i = 0; i < n; ++i)
        x = v[i] > x ? v[i] : x;
    return x;
}

/* What ran, as the output group's attributes. */
static pla_err write_attrs(pla_h5_out *out, const svd_args *a, const svd_plan *p, const pla_svd_info *info,
                           const double *res, int converged, const char *reason)
{
    pla_err err = PLA_OK;
    const int randomized = info->method != PLA_SVD_FULL;  /* randomized or krylov: a sketch */
    CLI_TRY(pla_h5_out_attr_str(out, "input", p->in.display));
    CLI_TRY(pla_h5_out_attr_str(out, "method", pla_svd_method_name(info->method)));
    CLI_TRY(pla_h5_out_attr_str(out, "method_requested", pla_svd_method_name(a->o.method)));
    CLI_TRY(pla_h5_out_attr_str(out, "method_reason", reason));
    CLI_TRY(pla_h5_out_attr_i64(out, "k", p->k));
    if (randomized) {
        CLI_TRY(pla_h5_out_attr_i64(out, "seed", (int64_t)a->o.seed));
        CLI_TRY(pla_h5_out_attr_i64(out, "oversample", a->o.oversample));
        CLI_TRY(pla_h5_out_attr_i64(out, "sketch", info->sketch));
        CLI_TRY(pla_h5_out_attr_i64(out, "power_iters", info->power_iters));
    } else {
        CLI_TRY(pla_h5_out_attr_str(out, "qr", info->qr_tsqr ? "tsqr" : "householder"));
        CLI_TRY(pla_h5_out_attr_str(out, "small_svd", info->small_on_one ? "gesdd" : "pgesvd"));
    }
    if (a->tol_set) {
        CLI_TRY(pla_h5_out_attr_f64(out, "tol", a->tol));
        if (converged >= 0)
            CLI_TRY(pla_h5_out_attr_i64(out, "converged", converged));
    }
    CLI_TRY(pla_h5_out_attr_i64(out, "residuals_known", info->residuals_known));
    if (info->residuals_known)
        CLI_TRY(pla_h5_out_attr_f64(out, "max_residual", max_of(res, p->k)));
done:
    return err;
}

typedef struct {
    double resid, orth_u, orth_v;
    int done;
} svd_check_result;

/* The summary: --json fields and the human-readable lines. */
static void report_results(cli_report *rep, const svd_args *a, const svd_plan *p, const pla_svd_info *info,
                           const double *s, const double *res, int converged, const char *reason,
                           const svd_check_result *chk, pla_dtype dt, double compute_s)
{
    const int randomized = info->method != PLA_SVD_FULL;  /* randomized or krylov: a sketch */
    const int64_t k = p->k, big = p->m > p->n ? p->m : p->n;
    char why[512];
    cJSON *root = report_json(rep);
    cJSON *par = cJSON_AddObjectToObject(root, "parameters");
    cJSON_AddStringToObject(par, "method", pla_svd_method_name(info->method));
    cJSON_AddStringToObject(par, "method_requested", pla_svd_method_name(a->o.method));
    cJSON_AddStringToObject(par, "method_reason", reason);
    cJSON_AddNumberToObject(par, "k", (double)k);
    cJSON_AddBoolToObject(par, "u", a->o.want_u);
    cJSON_AddBoolToObject(par, "v", a->o.want_vt);
    cJSON_AddBoolToObject(par, "transposed", p->m < p->n);
    if (randomized) {
        cJSON_AddNumberToObject(par, "oversample", (double)a->o.oversample);
        cJSON_AddNumberToObject(par, "sketch", (double)info->sketch);
        cJSON_AddNumberToObject(par, "power_iters", info->power_iters);
        if (a->power_set)
            cJSON_AddNumberToObject(par, "power_iters_requested", a->o.power_iters);
        else
            cJSON_AddStringToObject(par, "power_iters_requested", "auto");
        snprintf(why, sizeof why, "%s%s", a->power_set ? "requested with --power-iters"
                 : info->method == PLA_SVD_KRYLOV ? "the Krylov method's default blocks (pla_svd_default_krylov_iters)"
                                                  : "scikit-learn's rule: 7 when k < min(m, n) / 10, else 4",
                 a->tol_set ? "; --tol continues until every residual is below it (at most "
                              CLI_STR(PLA_SVD_MAX_POWER_ITERS) ")" : "");
        cJSON_AddStringToObject(par, "power_iters_reason", why);
        cJSON_AddNumberToObject(par, "seed", (double)a->o.seed);
    } else {
        cJSON_AddStringToObject(par, "qr", info->qr_tsqr ? "tsqr" : "householder");
        snprintf(why, sizeof why, info->qr_tsqr ? "%s is tall-skinny (%lld >= 16 x %lld): TSQR"
                                                : "%s is not tall-skinny enough for TSQR (%lld < 16 x %lld): "
                                                  "Householder QR (p?geqrf)",
                 p->m < p->n ? "A^T" : "A", (long long)big, (long long)p->r);
        cJSON_AddStringToObject(par, "qr_reason", why);
        cJSON_AddStringToObject(par, "small_svd", info->small_on_one ? "gesdd" : "pgesvd");
        if (info->small_on_one)
            snprintf(why, sizeof why, "the %lldx%lld triangle's SVD by LAPACK ?gesdd (divide and conquer) on "
                     "rank 0 (order <= %d, or one rank)", (long long)p->r, (long long)p->r, PLA_SVD_SMALL_MAX);
        else
            snprintf(why, sizeof why, "the %lldx%lld triangle's SVD by ScaLAPACK p?gesvd on the grid (order > %d)",
                     (long long)p->r, (long long)p->r, PLA_SVD_SMALL_MAX);
        cJSON_AddStringToObject(par, "small_svd_reason", why);
    }
    if (a->tol_set)
        cJSON_AddNumberToObject(par, "tol", a->tol);

    cJSON *results = cJSON_AddObjectToObject(root, "results");
    cJSON_AddNumberToObject(results, "k", (double)k);
    cJSON_AddItemToObject(results, "singular_values", cJSON_CreateDoubleArray(s, (int)k));
    cJSON_AddBoolToObject(results, "residuals_known", info->residuals_known);
    if (info->residuals_known) {
        cJSON_AddItemToObject(results, "residuals", cJSON_CreateDoubleArray(res, (int)k));
        cJSON_AddNumberToObject(results, "max_residual", max_of(res, k));
    } else {
        cJSON_AddNullToObject(results, "residuals");
        cJSON_AddStringToObject(results, "residuals_note",
                                "the full method without U and Vt (--no-u --no-v) computes no singular vectors, "
                                "hence no residuals");
    }
    if (a->tol_set) {
        if (converged >= 0)
            cJSON_AddBoolToObject(results, "converged", converged);
        else
            cJSON_AddNullToObject(results, "converged");
    }
    if (chk->done) {
        cJSON *checks = cJSON_AddObjectToObject(root, "checks");
        if (chk->resid >= 0)
            cJSON_AddNumberToObject(checks, "factor_residual", chk->resid);
        cJSON_AddNumberToObject(checks, "orthogonality_u", chk->orth_u);
        cJSON_AddNumberToObject(checks, "orthogonality_v", chk->orth_v);
    }
    if (a->o.want_u)
        report_matrix(rep, "outputs", "U", p->u_path, p->m, k, pla_dtype_name(dt));
    report_matrix(rep, "outputs", "S", p->s_path, k, -1, pla_dtype_name(dt));
    if (a->o.want_vt)
        report_matrix(rep, "outputs", "Vt", p->vt_path, k, p->n, pla_dtype_name(dt));
    if (info->residuals_known)
        report_matrix(rep, "outputs", "residuals", p->res_path, k, -1, pla_dtype_name(dt));

    report_text(rep, 0, "pla svd: %lld singular triplet%s of %s (%lldx%lld) by the %s method in %.3f s; wrote "
                "S%s%s%s under %s", (long long)k, k == 1 ? "" : "s", p->in.display, (long long)p->m, (long long)p->n,
                pla_svd_method_name(info->method), compute_s, a->o.want_u ? ", U" : "", a->o.want_vt ? ", Vt" : "",
                info->residuals_known ? ", residuals" : "", p->group_path);
    if (info->residuals_known)
        report_text(rep, 0, "  s_1 = %.10g, s_%lld = %.10g; largest residual max(||A v_i - s_i u_i||, "
                    "||A^T u_i - s_i v_i||) / s_1 = %.3g", s[0],
                    (long long)k, s[k - 1], max_of(res, k));
    else
        report_text(rep, 0, "  s_1 = %.10g, s_%lld = %.10g (no vectors: no residuals)", s[0], (long long)k,
                    s[k - 1]);
    if (randomized)
        report_text(rep, 0, "  %s: sketch of %lld columns, %d power iteration%s, seed %llu%s",
                    pla_svd_method_name(info->method), (long long)info->sketch, info->power_iters,
                    info->power_iters == 1 ? "" : "s", (unsigned long long)a->o.seed,
                    a->tol_set ? (converged == 1 ? ", --tol met" : ", --tol NOT met") : "");
    else
        report_text(rep, 0, "  full: %s QR, then %s", info->qr_tsqr ? "TSQR" : "Householder",
                    info->small_on_one ? "?gesdd on rank 0" : "p?gesvd on the grid");
    report_text(rep, 1, "  method %s: %s", pla_svd_method_name(info->method), reason);
    if (chk->done && chk->resid >= 0)
        report_text(rep, 0, "  ||A - U S Vt|| / (||A|| max(m,n) eps) = %.3g", chk->resid);
    if (chk->done)
        report_text(rep, 0, "  ||U^T U - I|| / (max(m,n) eps) = %.3g, ||Vt Vt^T - I|| / (max(m,n) eps) = %.3g",
                    chk->orth_u, chk->orth_v);
}

static pla_err run(cli_report *rep, pla_ctx **pctx, svd_args *a, const cli_common *opt, svd_plan *p)
{
    pla_err err = PLA_OK;
    pla_h5_out *out = NULL;
    pla_mat *A = NULL, *U = NULL, *Vt = NULL;
    double *s = NULL, *res = NULL, t, avail = 0;
    pla_svd_info info = { 0 };
    svd_check_result chk = { -1, -1, -1, 0 };
    pla_ctx *ctx = *pctx;
    char reason[512];
    cli_mem_plan mem;

    CLI_TRY(cli_inspect_matrix(ctx, &p->in, &p->info));
    p->m = p->info.dims[0];
    p->n = p->info.dims[1];
    p->r = p->m < p->n ? p->m : p->n;
    if (p->r == 0)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "A = %s is %lldx%lld: the SVD needs at least one row and one column",
                           p->in.display, (long long)p->m, (long long)p->n);
    else if (a->k_set && a->k > p->r)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA,
                           "-k %lld is out of range: A = %s is %lldx%lld, so 1 <= k <= min(m, n) = %lld",
                           (long long)a->k, p->in.display, (long long)p->m, (long long)p->n, (long long)p->r);
    CLI_TRY(pla_ctx_agree(ctx, err));
    p->k = a->k_set ? a->k : p->r;
    CLI_TRY(cli_prefer_row_grid(opt, p->block, p->m >= 4 * p->n, pctx));
    ctx = *pctx;
    report_context(rep, ctx, p->block, opt->dtype);
    report_matrix(rep, "inputs", "A", p->in.display, p->m, p->n, p->info.type);

    const pla_svd_method method = resolve(a, p);
    method_reason(a, p, method, reason, sizeof reason);
    const cli_svd_what what = { method, a->o.want_u, a->o.want_vt, a->check };
    cli_svd_memory(ctx, p->m, p->n, p->k, a->o.oversample, a->o.power_iters, p->block, pla_dtype_size(opt->dtype),
                   &what, &mem);
    CLI_TRY(cli_mem_check(ctx, &mem, &avail));
    s = calloc((size_t)p->k, sizeof *s);
    res = calloc((size_t)p->k, sizeof *res);
    CLI_TRY(pla_ctx_agree(ctx, s && res ? PLA_OK : pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory")));
    const int may_have_residuals = method != PLA_SVD_FULL || a->o.want_u || a->o.want_vt;

    CLI_TRY(pla_h5_out_open(ctx, p->out.file, p->out.path[0] ? p->out.path : "/", opt->force, &out));
    CLI_TRY(pla_h5_out_reserve(out, "S"));
    if (a->o.want_u)
        CLI_TRY(pla_h5_out_reserve(out, "U"));
    if (a->o.want_vt)
        CLI_TRY(pla_h5_out_reserve(out, "Vt"));
    if (may_have_residuals)
        CLI_TRY(pla_h5_out_reserve(out, "residuals"));

    t = pla_wtime();
    report_progress(rep, "reading A = %s (%lldx%lld)", p->in.display, (long long)p->m, (long long)p->n);
    CLI_TRY(pla_h5_read(ctx, p->in.file, p->in.path, opt->dtype, p->block, p->block, &A));
    report_phase(rep, "read", pla_wtime() - t);

    pla_svd_opts o = a->o;
    o.method = method;  /* auto resolved above by pla_svd_choose, as svd.h documents */
    o.k = a->k_set ? a->k : 0;
    o.seed = opt->seed;
    o.tol = method != PLA_SVD_FULL && a->tol_set ? a->tol : 0.0;
    a->o.seed = opt->seed;
    report_progress(rep, "computing %lld singular triplet%s (%s method)", (long long)p->k, p->k == 1 ? "" : "s",
                    pla_svd_method_name(method));
    t = pla_wtime();
    CLI_TRY(pla_svd(A, &o, s, res, a->o.want_u ? &U : NULL, a->o.want_vt ? &Vt : NULL, &info));
    report_phase(rep, "compute", pla_wtime() - t);
    /* --tol: met when every residual is below it (unknown without residuals) */
    int converged = -1;
    if (a->tol_set && info.method != PLA_SVD_FULL)
        converged = info.converged ? 1 : 0;
    else if (a->tol_set && info.residuals_known && info.method == PLA_SVD_FULL)
        converged = max_of(res, p->k) < a->tol;
    if (converged == 0)  /* not converged: exit 1 (DESIGN.md 1.3), nothing written */
        CLI_TRY(pla_ctx_fail(ctx, PLA_ERR_NUMERIC,
                             "--tol %.3g was not met: the largest residual is %.3g after %d %s (the most --tol "
                             "allows); residuals below about max(m, n) eps = %.2g are rounding, otherwise try a "
                             "larger --oversample", a->tol, max_of(res, p->k), info.power_iters,
                             info.method == PLA_SVD_KRYLOV ? "Krylov steps after the first" : "power iterations",
                             (double)(p->m > p->n ? p->m : p->n) * (opt->dtype == PLA_F32 ? FLT_EPSILON : DBL_EPSILON)));
    else if (a->tol_set && converged < 0)
        report_warning(rep, "--tol cannot be verified: the full method without U and Vt computes no residuals "
                       "(its singular values are accurate to about eps s_1)");
    if (info.method == PLA_SVD_FULL && a->o.method == PLA_SVD_AUTO && (a->oversample_set || a->power_set))
        report_warning(rep, "auto chose the full method for %lld of min(m, n) = %lld triplets, so --oversample and "
                       "--power-iters do not apply (--json: method_reason)", (long long)p->k, (long long)p->r);
    if (a->check) {
        t = pla_wtime();
        CLI_TRY(svd_checks(ctx, A, U, s, Vt, &chk.resid, &chk.orth_u, &chk.orth_v));
        chk.done = 1;
        report_phase(rep, "check", pla_wtime() - t);
    }
    pla_mat_destroy(&A);

    t = pla_wtime();
    CLI_TRY(pla_h5_out_write_vec(out, "S", s, p->k, opt->dtype));
    if (U)
        CLI_TRY(pla_h5_out_write_mat(out, "U", U, opt->dtype));
    if (Vt)
        CLI_TRY(pla_h5_out_write_mat(out, "Vt", Vt, opt->dtype));
    if (info.residuals_known)
        CLI_TRY(pla_h5_out_write_vec(out, "residuals", res, p->k, opt->dtype));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_attrs(rep, out, ctx, p->block, opt->dtype));
    CLI_TRY(write_attrs(out, a, p, &info, res, converged, reason));
    if (chk.done) {
        if (chk.resid >= 0)
            CLI_TRY(pla_h5_out_attr_f64(out, "check_residual", chk.resid));
        CLI_TRY(pla_h5_out_attr_f64(out, "check_orthogonality_u", chk.orth_u));
        CLI_TRY(pla_h5_out_attr_f64(out, "check_orthogonality_v", chk.orth_v));
    }
    CLI_TRY(report_write_elapsed(rep, out, ctx));
    CLI_TRY(pla_h5_out_commit(&out));

    double compute_s = 0;
    CLI_TRY(report_agree_phases(rep, ctx, "compute", &compute_s));
    report_results(rep, a, p, &info, s, res, converged, reason, &chk, opt->dtype, compute_s);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&out);
    pla_mat_destroy(&A);
    pla_mat_destroy(&U);
    pla_mat_destroy(&Vt);
    free(s);
    free(res);
    return err;
}

typedef struct {
    svd_args a;
    svd_plan p;
} svd_state;

static pla_err svd_check(void *state, const cli_common *opt, int64_t *block, cli_msg *msg)
{
    svd_state *st = state;
    svd_args *a = &st->a;
    pla_err err = PLA_OK;
    if (a->input == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla svd needs an input: -i FILE[:/PATH]");
    if (opt->output == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla svd needs an output: -o FILE[:/GROUP]");
    if (a->o.method == PLA_SVD_FULL && (a->tol_set || a->oversample_set || a->power_set))
        return cli_fail(msg, PLA_ERR_ARG,
                        "%s tunes the randomized and Krylov methods: it does not apply to --method full",
                        a->tol_set ? "--tol" : a->oversample_set ? "--oversample" : "--power-iters");
    if (a->check && (!a->o.want_u || !a->o.want_vt))
        return cli_fail(msg, PLA_ERR_ARG, "--check needs U and Vt: drop --no-u and --no-v");
    if ((err = cli_split_name("-i", a->input, &st->p.in, msg)) != PLA_OK ||
        (err = cli_split_name("-o", opt->output, &st->p.out, msg)) != PLA_OK)
        return err;
    *block = st->p.block = opt->block > 0 ? opt->block : CLI_SVD_BLOCK;
    snprintf(st->p.group_path, sizeof st->p.group_path, "%s:%s", st->p.out.file,
             st->p.out.path[0] ? st->p.out.path : "/");
    cli_output_path(st->p.s_path, sizeof st->p.s_path, &st->p.out, "S");
    cli_output_path(st->p.u_path, sizeof st->p.u_path, &st->p.out, "U");
    cli_output_path(st->p.vt_path, sizeof st->p.vt_path, &st->p.out, "Vt");
    cli_output_path(st->p.res_path, sizeof st->p.res_path, &st->p.out, "residuals");
    return PLA_OK;
}

static pla_err svd_run(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block)
{
    svd_state *st = state;
    (void)block;
    return run(rep, ctx, &st->a, opt, &st->p);
}

int cmd_svd(int argc, char **argv)
{
    static svd_state state;  /* large name buffers: off the stack */
    static const cli_command command = { "svd", svd_help, &svd_spec, svd_check, svd_run };
    memset(&state, 0, sizeof state);
    state.a.o = pla_svd_defaults();
    return cli_main(&command, &state, argc, argv);
}
