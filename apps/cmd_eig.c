/* pla eig: eigenvalues and eigenvectors of a symmetric matrix (or of a
   symmetric-definite pencil) in an HDF5 file. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "command.h"
#include "solver_plans.h"

static const char eig_help[] =
    "usage: [mpirun -n P] pla eig -i A [-b B] [-k K [--largest|--smallest] | --index IL:IU | --values VL:VU]\n"
    "                             [--no-vectors] [--uplo lower|upper] [--sym-tol T]\n"
    "                             [--solver auto|dc|mrrr|elpa|krylov] [--check] -o OUT[:/GROUP]\n\n"
    "Eigenvalues and eigenvectors of a symmetric n x n matrix A, or of the pencil\n"
    "A x = w B x with B symmetric positive definite.  Writes under GROUP of OUT:\n"
    "  eigenvalues (k, ascending, as numpy.linalg.eigh)\n"
    "  eigenvectors (n x k, the eigenvectors as columns; each column's\n"
    "    largest-magnitude entry is positive; with -b, B-orthonormal: Z^T B Z = I)\n"
    "All n pairs unless a subset is asked for.\n\n"
    "Options:\n"
    "  -i FILE[:/PATH]    the symmetric matrix A\n"
    "  -b FILE[:/PATH]    B, symmetric positive definite (exit 1 when it is not)\n"
    "  -k K               the K largest eigenpairs (with --smallest: the K smallest)\n"
    "      --largest      with -k: the largest (default)\n"
    "      --smallest     with -k: the smallest\n"
    "      --index IL:IU  the IL-th to IU-th smallest, 0-based and inclusive\n"
    "                     (scipy.linalg.eigh's subset_by_index)\n"
    "      --values VL:VU those in the half-open interval (VL, VU]; an interval\n"
    "                     holding none gives an empty result (exit 0)\n"
    "      --no-vectors   eigenvalues only\n"
    "      --uplo lower|upper  trust this triangle of A (and B) and skip the\n"
    "                     symmetry check\n"
    "      --sym-tol T    the symmetry check: max |A - A^T| <= T max |A|\n"
    "                     (default 1000 eps of --dtype); exit 3 naming the worst pair\n"
    "      --solver auto  picks by problem and says why (default; see docs/eig.md)\n"
    "      --solver dc    divide and conquer (ScaLAPACK p?syevd)\n"
    "      --solver mrrr  MRRR (ScaLAPACK p?syevr): any subset\n"
    "      --solver elpa  ELPA's two-stage solver (builds with ELPA)\n"
    "      --solver krylov  block Krylov on GEMM: the K largest or smallest\n"
    "      --check        report ||A Z - B Z diag(w)||_1 / (||A||_1 n eps) and\n"
    "                     ||Z^T B Z - I||_1 / (n eps) (B = I without -b)\n"
    "Default block size: " CLI_STR(CLI_EIG_BLOCK) ".\n";

typedef struct {
    const char *a, *b;
    pla_eig_opts o;
    int64_t k;
    int largest, smallest, uplo_set, check, ranges;
    double sym_tol;
} eig_args;

enum { OPT_A, OPT_B, OPT_K, OPT_LARGEST, OPT_SMALLEST, OPT_INDEX, OPT_VALUES, OPT_NOVEC, OPT_UPLO, OPT_SYMTOL,
       OPT_SOLVER, OPT_CHECK };

static const cli_option eig_options[] = {
    { "input", 'i', 1, OPT_A },
    { NULL, 'b', 1, OPT_B },
    { NULL, 'k', 1, OPT_K },
    { "largest", 0, 0, OPT_LARGEST },
    { "smallest", 0, 0, OPT_SMALLEST },
    { "index", 0, 1, OPT_INDEX },
    { "values", 0, 1, OPT_VALUES },
    { "no-vectors", 0, 0, OPT_NOVEC },
    { "uplo", 0, 1, OPT_UPLO },
    { "sym-tol", 0, 1, OPT_SYMTOL },
    { "solver", 0, 1, OPT_SOLVER },
    { "check", 0, 0, OPT_CHECK },
    { NULL, 0, 0, 0 },
};

/* "X:Y" into its two halves, each parsed whole by `parse`. */
static pla_err split_pair(const char *opt, const char *value, char *lo, char *hi, size_t cap, cli_msg *msg)
{
    const char *colon = strchr(value, ':');
    if (!colon || strchr(colon + 1, ':') || (size_t)(colon - value) >= cap || strlen(colon + 1) >= cap)
        return cli_fail(msg, PLA_ERR_ARG, "%s takes LO:HI, got '%s'", opt, value);
    memcpy(lo, value, (size_t)(colon - value));
    lo[colon - value] = '\0';
    strcpy(hi, colon + 1);
    return PLA_OK;
}

static pla_err eig_option(void *state, const cli_option *opt, const char *value, cli_msg *msg)
{
    eig_args *a = state;
    pla_err err = PLA_OK;
    char lo[64], hi[64];
    switch (opt->id) {
    case OPT_A: a->a = value; break;
    case OPT_B: a->b = value; break;
    case OPT_K:
        a->ranges |= 1;
        err = cli_parse_i64("-k", value, 1, INT64_MAX, &a->k, msg);
        break;
    case OPT_LARGEST: a->largest = 1; break;
    case OPT_SMALLEST: a->smallest = 1; break;
    case OPT_INDEX:
        a->ranges |= 2;
        a->o.range = PLA_EIG_RANGE_INDEX;
        if ((err = split_pair("--index", value, lo, hi, sizeof lo, msg)) == PLA_OK &&
            (err = cli_parse_i64("--index", lo, 0, INT64_MAX, &a->o.il, msg)) == PLA_OK &&
            (err = cli_parse_i64("--index", hi, 0, INT64_MAX, &a->o.iu, msg)) == PLA_OK && a->o.il > a->o.iu)
            err = cli_fail(msg, PLA_ERR_ARG, "--index IL:IU needs IL <= IU, got '%s'", value);
        break;
    case OPT_VALUES:
        a->ranges |= 4;
        a->o.range = PLA_EIG_RANGE_VALUES;
        if ((err = split_pair("--values", value, lo, hi, sizeof lo, msg)) == PLA_OK &&
            (err = cli_parse_f64("--values", lo, &a->o.vl, msg)) == PLA_OK &&
            (err = cli_parse_f64("--values", hi, &a->o.vu, msg)) == PLA_OK && !(a->o.vl < a->o.vu))
            err = cli_fail(msg, PLA_ERR_ARG, "--values VL:VU is the interval (VL, VU] and needs VL < VU, got '%s'",
                           value);
        break;
    case OPT_NOVEC: a->o.vectors = 0; break;
    case OPT_UPLO:
        a->uplo_set = 1;
        if (strcmp(value, "lower") == 0) a->o.lower = 1;
        else if (strcmp(value, "upper") == 0) a->o.lower = 0;
        else err = cli_fail(msg, PLA_ERR_ARG, "--uplo must be lower or upper, got '%s'", value);
        break;
    case OPT_SYMTOL:
        err = cli_parse_f64("--sym-tol", value, &a->sym_tol, msg);
        if (err == PLA_OK && !(a->sym_tol >= 0 && a->sym_tol < 1))
            err = cli_fail(msg, PLA_ERR_ARG, "--sym-tol must be in [0, 1), got '%s'", value);
        break;
    case OPT_SOLVER: err = cli_eig_solver_parse(value, &a->o.solver, msg); break;
    case OPT_CHECK: a->check = 1; break;
    default: break;
    }
    return err;
}

static const cli_spec eig_spec = { "eig", eig_options, eig_option, NULL };

typedef struct {
    cli_name a, b, out;
    pla_h5_dset_info ia, ib;
    int64_t n, block;
    char w_path[4800], z_path[4800];
} eig_plan;

/* A (and B) square and of one order, the subset inside 0..n-1: data errors
   (exit 3) naming the dataset. */
static pla_err check_shapes(pla_ctx *ctx, eig_args *a, eig_plan *p)
{
    pla_err err = PLA_OK;
    p->n = p->ia.dims[0];
    if (p->ia.dims[0] != p->ia.dims[1])
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "A = %s is %lldx%lld: eigenvalues need a square matrix", p->a.display,
                           (long long)p->ia.dims[0], (long long)p->ia.dims[1]);
    else if (a->b && (p->ib.dims[0] != p->n || p->ib.dims[1] != p->n))
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "B = %s is %lldx%lld but A = %s is %lldx%lld: they must match",
                           p->b.display, (long long)p->ib.dims[0], (long long)p->ib.dims[1], p->a.display,
                           (long long)p->n, (long long)p->n);
    else if (a->ranges == 1 && a->k > p->n)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "-k %lld asks for more eigenpairs than A's order %lld", (long long)a->k,
                           (long long)p->n);
    else if (a->ranges == 2 && a->o.iu >= p->n)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "--index %lld:%lld is out of range for n = %lld (0-based, IU <= %lld)",
                           (long long)a->o.il, (long long)a->o.iu, (long long)p->n, (long long)p->n - 1);
    if (err == PLA_OK && a->ranges == 1) {  /* -k: an index range at one end */
        a->o.range = PLA_EIG_RANGE_INDEX;
        a->o.il = a->smallest ? 0 : p->n - a->k;
        a->o.iu = a->smallest ? a->k - 1 : p->n - 1;
    }
    return pla_ctx_agree(ctx, err);
}

/* Exit 3 naming the worst pair unless max |X - X^T| <= tol max |X|. */
static pla_err check_symmetric(pla_ctx *ctx, const pla_mat *X, const char *what, const char *display, double tol,
                               double *rel)
{
    double diff = 0, amax = 0;
    int64_t i = 0, j = 0;
    pla_err err = pla_symmetry_error(X, &diff, &amax, &i, &j);
    *rel = amax > 0 ? diff / amax : 0;
    if (err == PLA_OK && diff > tol * amax)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA,
                           "%s = %s is not symmetric: |%s[%lld,%lld] - %s[%lld,%lld]| = %.3g exceeds %.3g max|%s| = %.3g "
                           "(--uplo lower|upper uses one triangle)",
                           what, display, what, (long long)i, (long long)j, what, (long long)j, (long long)i, diff,
                           tol, what, tol * amax);
    return pla_ctx_agree(ctx, err);
}

/* ||A Z - B Z diag(w)||_1 / (||A||_1 n eps) and ||Z^T B Z - I||_1 / (n eps). */
static pla_err eig_checks(pla_ctx *ctx, const pla_mat *A, const pla_mat *B, const pla_mat *Z, const double *w,
                          double *resid, double *orth)
{
    pla_err err = PLA_OK;
    pla_mat *BZ = NULL, *R = NULL, *E = NULL;
    const int64_t n = pla_mat_rows(A), k = pla_mat_cols(Z);
    const double eps = pla_mat_dtype(A) == PLA_F32 ? FLT_EPSILON / 2 : DBL_EPSILON / 2;
    double na = 0, nr = 0, ne = 0;
    void *data;
    int64_t lld, ml, nl;
    CLI_TRY(pla_mat_dup(Z, &BZ));
    if (B)
        CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, B, Z, 0.0, BZ));
    CLI_TRY(pla_mat_dup(BZ, &R));
    pla_mat_local(R, &data, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl)  /* R := B Z diag(w) */
        for (int64_t il = 0; il < ml; ++il) {
            const double f = w[pla_mat_col_l2g(R, jl)];
            if (pla_mat_dtype(R) == PLA_F64) ((double *)data)[il + jl * lld] *= f;
            else ((float *)data)[il + jl * lld] *= (float)f;
        }
    CLI_TRY(pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, A, Z, -1.0, R));
    CLI_TRY(pla_norm(PLA_NORM_ONE, R, &nr));
    CLI_TRY(pla_norm(PLA_NORM_ONE, A, &na));
    *resid = nr / ((na > 0 ? na : 1.0) * (double)n * eps);
    CLI_TRY(pla_mat_create(ctx, pla_mat_dtype(A), k, k, 0, 0, &E));
    CLI_TRY(pla_gemm(PLA_TRANS, PLA_NOTRANS, 1.0, Z, BZ, 0.0, E));
    pla_mat_local(E, &data, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl)  /* E := Z^T B Z - I */
        for (int64_t il = 0; il < ml; ++il)
            if (pla_mat_row_l2g(E, il) == pla_mat_col_l2g(E, jl)) {
                if (pla_mat_dtype(E) == PLA_F64) ((double *)data)[il + jl * lld] -= 1.0;
                else ((float *)data)[il + jl * lld] -= 1.0f;
            }
    CLI_TRY(pla_norm(PLA_NORM_ONE, E, &ne));
    *orth = ne / ((double)n * eps);
done:
    pla_mat_destroy(&BZ);
    pla_mat_destroy(&R);
    pla_mat_destroy(&E);
    return err;
}

static const char *range_text(const pla_eig_opts *o, char *buf, size_t cap)
{
    if (o->range == PLA_EIG_RANGE_INDEX)
        snprintf(buf, cap, "index %lld:%lld", (long long)o->il, (long long)o->iu);
    else if (o->range == PLA_EIG_RANGE_VALUES)
        snprintf(buf, cap, "values (%.17g, %.17g]", o->vl, o->vu);
    else
        snprintf(buf, cap, "all");
    return buf;
}

static pla_err run(cli_report *rep, pla_ctx *ctx, eig_args *a, const cli_common *opt, eig_plan *p)
{
    pla_err err = PLA_OK;
    pla_h5_out *out = NULL;
    pla_mat *A = NULL, *B = NULL, *Z = NULL;
    double *w = NULL, t, avail = 0, sym_a = 0, sym_b = 0, resid = -1, orth = -1;
    int64_t k = 0;
    pla_eig_solver used = PLA_EIG_AUTO;
    char range[128];
    cli_mem_plan mem;

    CLI_TRY(cli_inspect_matrix(ctx, &p->a, &p->ia));
    if (a->b)
        CLI_TRY(cli_inspect_matrix(ctx, &p->b, &p->ib));
    CLI_TRY(check_shapes(ctx, a, p));
    report_context(rep, ctx, p->block, opt->dtype);
    report_matrix(rep, "inputs", "A", p->a.display, p->n, p->n, p->ia.type);
    if (a->b)
        report_matrix(rep, "inputs", "B", p->b.display, p->n, p->n, p->ib.type);
    const int64_t kmax = a->o.range == PLA_EIG_RANGE_INDEX ? a->o.iu - a->o.il + 1 : p->n;
    const pla_eig_solver planned = a->o.solver != PLA_EIG_AUTO ? a->o.solver
                                   : a->o.range == PLA_EIG_RANGE_INDEX ? pla_eig_choose(p->n, a->o.il, a->o.iu)
                                                                       : pla_eig_choose(p->n, 0, p->n - 1);
    cli_eig_memory(ctx, p->n, kmax, p->block, pla_dtype_size(opt->dtype),
                   &(cli_eig_what){ a->b != NULL, a->o.vectors, a->o.range == PLA_EIG_RANGE_VALUES, a->check, planned },
                   &mem);
    CLI_TRY(cli_mem_check(ctx, &mem, &avail));
    w = calloc((size_t)(p->n > 0 ? p->n : 1), sizeof *w);
    CLI_TRY(pla_ctx_agree(ctx, w ? PLA_OK : pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory")));

    CLI_TRY(pla_h5_out_open(ctx, p->out.file, p->out.path[0] ? p->out.path : "/", opt->force, &out));
    CLI_TRY(pla_h5_out_reserve(out, "eigenvalues"));
    if (a->o.vectors)
        CLI_TRY(pla_h5_out_reserve(out, "eigenvectors"));

    t = pla_wtime();
    report_progress(rep, "reading A = %s (%lldx%lld)", p->a.display, (long long)p->n, (long long)p->n);
    CLI_TRY(pla_h5_read(ctx, p->a.file, p->a.path, opt->dtype, p->block, p->block, &A));
    if (a->b) {
        report_progress(rep, "reading B = %s", p->b.display);
        CLI_TRY(pla_h5_read(ctx, p->b.file, p->b.path, opt->dtype, p->block, p->block, &B));
    }
    report_phase(rep, "read", pla_wtime() - t);
    if (!a->uplo_set) {
        const double tol = a->sym_tol > 0 ? a->sym_tol : 1e3 * (opt->dtype == PLA_F32 ? FLT_EPSILON : DBL_EPSILON);
        CLI_TRY(check_symmetric(ctx, A, "A", p->a.display, tol, &sym_a));
        if (B)
            CLI_TRY(check_symmetric(ctx, B, "B", p->b.display, tol, &sym_b));
    }

    report_progress(rep, "solving (%s, %s)", pla_eig_solver_name(planned), range_text(&a->o, range, sizeof range));
    t = pla_wtime();
    CLI_TRY(pla_eig(A, B, &a->o, &k, w, a->o.vectors ? &Z : NULL, &used));
    report_phase(rep, "compute", pla_wtime() - t);
    if (a->check && k > 0 && Z) {
        t = pla_wtime();
        CLI_TRY(eig_checks(ctx, A, B, Z, w, &resid, &orth));
        report_phase(rep, "check", pla_wtime() - t);
    }
    if (k == 0)
        report_warning(rep, "no eigenvalue of A lies in (%.17g, %.17g]: the outputs are empty", a->o.vl, a->o.vu);
    if (a->o.vectors && !Z)  /* an empty result: an n x 0 dataset */
        CLI_TRY(pla_mat_create(ctx, opt->dtype, p->n, 0, p->block, p->block, &Z));

    t = pla_wtime();
    CLI_TRY(pla_h5_out_write_vec(out, "eigenvalues", w, k, opt->dtype));
    if (a->o.vectors)
        CLI_TRY(pla_h5_out_write_mat(out, "eigenvectors", Z, opt->dtype));
    report_phase(rep, "write", pla_wtime() - t);
    CLI_TRY(report_write_attrs(rep, out, ctx, p->block, opt->dtype));
    CLI_TRY(pla_h5_out_attr_str(out, "input", p->a.display));
    if (a->b)
        CLI_TRY(pla_h5_out_attr_str(out, "b", p->b.display));
    CLI_TRY(pla_h5_out_attr_str(out, "solver", pla_eig_solver_name(used)));
    CLI_TRY(pla_h5_out_attr_str(out, "solver_requested", pla_eig_solver_name(a->o.solver)));
    CLI_TRY(pla_h5_out_attr_str(out, "range", range_text(&a->o, range, sizeof range)));
    CLI_TRY(pla_h5_out_attr_str(out, "uplo", a->uplo_set ? (a->o.lower ? "lower" : "upper") : "checked"));
    if (!a->uplo_set)
        CLI_TRY(pla_h5_out_attr_f64(out, "symmetry_error", sym_a > sym_b ? sym_a : sym_b));
    if (a->check && resid >= 0) {
        CLI_TRY(pla_h5_out_attr_f64(out, "check_residual", resid));
        CLI_TRY(pla_h5_out_attr_f64(out, "check_orthogonality", orth));
    }
    CLI_TRY(report_write_elapsed(rep, out, ctx));
    CLI_TRY(pla_h5_out_commit(&out));

    double compute_s = 0;
    CLI_TRY(report_agree_phases(rep, ctx, "compute", &compute_s));
    cJSON *root = report_json(rep);
    cJSON *par = cJSON_AddObjectToObject(root, "parameters");
    cJSON_AddStringToObject(par, "solver", pla_eig_solver_name(used));
    cJSON_AddStringToObject(par, "solver_requested", pla_eig_solver_name(a->o.solver));
    cJSON_AddStringToObject(par, "solver_reason", cli_eig_reason(&a->o, p->n, used));
    cJSON_AddStringToObject(par, "range", range_text(&a->o, range, sizeof range));
    cJSON_AddBoolToObject(par, "vectors", a->o.vectors);
    cJSON_AddBoolToObject(par, "generalized", a->b != NULL);
    cJSON_AddStringToObject(par, "uplo", a->uplo_set ? (a->o.lower ? "lower" : "upper") : "checked");
    cJSON *results = cJSON_AddObjectToObject(root, "results");
    cJSON_AddNumberToObject(results, "k", (double)k);
    if (!a->uplo_set)
        cJSON_AddNumberToObject(results, "symmetry_error", sym_a > sym_b ? sym_a : sym_b);
    cJSON_AddItemToObject(results, "eigenvalues", cJSON_CreateDoubleArray(w, (int)k));
    report_matrix(rep, "outputs", "eigenvalues", p->w_path, k, -1, pla_dtype_name(opt->dtype));
    if (a->o.vectors)
        report_matrix(rep, "outputs", "eigenvectors", p->z_path, p->n, k, pla_dtype_name(opt->dtype));
    if (a->check && resid >= 0) {
        cJSON *checks = cJSON_AddObjectToObject(root, "checks");
        cJSON_AddNumberToObject(checks, "residual", resid);
        cJSON_AddNumberToObject(checks, "orthogonality", orth);
    }
    report_text(rep, 0, "pla eig: %lld eigenvalue%s of %s (n = %lld, %s, solver %s) in %.3f s; wrote %s%s%s",
                (long long)k, k == 1 ? "" : "s", p->a.display, (long long)p->n, range, pla_eig_solver_name(used),
                compute_s, p->w_path, a->o.vectors ? " and " : "", a->o.vectors ? p->z_path : "");
    if (k > 0)
        report_text(rep, 0, "  smallest %.10g, largest %.10g", w[0], w[k - 1]);
    report_text(rep, 1, "  solver %s: %s", pla_eig_solver_name(used), cli_eig_reason(&a->o, p->n, used));
    if (a->check && resid >= 0)
        report_text(rep, 0, "  ||A Z - B Z diag(w)|| / (||A|| n eps) = %.3g, ||Z^T B Z - I|| / (n eps) = %.3g", resid,
                    orth);
done:
    if (err != PLA_OK)
        pla_h5_out_abort(&out);
    pla_mat_destroy(&A);
    pla_mat_destroy(&B);
    pla_mat_destroy(&Z);
    free(w);
    return err;
}

typedef struct {
    eig_args a;
    eig_plan p;
} eig_state;

static pla_err eig_check(void *state, const cli_common *opt, int64_t *block, cli_msg *msg)
{
    eig_state *st = state;
    eig_args *a = &st->a;
    pla_err err = PLA_OK;
    if (a->a == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla eig needs an input: -i FILE[:/PATH]");
    if (opt->output == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla eig needs an output: -o FILE[:/GROUP]");
    if (a->ranges != 0 && a->ranges != 1 && a->ranges != 2 && a->ranges != 4)
        return cli_fail(msg, PLA_ERR_ARG, "-k, --index and --values each choose the eigenpairs: give one of them");
    if ((a->largest || a->smallest) && a->ranges != 1)
        return cli_fail(msg, PLA_ERR_ARG, "--largest and --smallest go with -k K");
    if (a->largest && a->smallest)
        return cli_fail(msg, PLA_ERR_ARG, "--largest and --smallest contradict each other");
    if (a->sym_tol > 0 && a->uplo_set)
        return cli_fail(msg, PLA_ERR_ARG, "--uplo skips the symmetry check: --sym-tol does not apply");
    if (a->o.solver == PLA_EIG_KRYLOV && a->ranges != 1)
        return cli_fail(msg, PLA_ERR_ARG, "--solver krylov finds the K largest or smallest pairs: give -k K");
    if (!pla_eig_solver_available(a->o.solver))
        return cli_fail(msg, PLA_ERR_ARG, "this build of pla has no %s solver (`pla --version` lists what it has)",
                        pla_eig_solver_name(a->o.solver));
    if (a->check && !a->o.vectors)
        return cli_fail(msg, PLA_ERR_ARG, "--check needs the eigenvectors: drop --no-vectors");
    if ((err = cli_split_name("-i", a->a, &st->p.a, msg)) != PLA_OK ||
        (a->b && (err = cli_split_name("-b", a->b, &st->p.b, msg)) != PLA_OK) ||
        (err = cli_split_name("-o", opt->output, &st->p.out, msg)) != PLA_OK)
        return err;
    *block = st->p.block = opt->block > 0 ? opt->block : CLI_EIG_BLOCK;
    cli_output_path(st->p.w_path, sizeof st->p.w_path, &st->p.out, "eigenvalues");
    cli_output_path(st->p.z_path, sizeof st->p.z_path, &st->p.out, "eigenvectors");
    return PLA_OK;
}

static pla_err eig_run(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block)
{
    eig_state *st = state;
    (void)block;
    return run(rep, *ctx, &st->a, opt, &st->p);
}

int cmd_eig(int argc, char **argv)
{
    static eig_state state;  /* large name buffers: off the stack */
    static const cli_command command = { "eig", eig_help, &eig_spec, eig_check, eig_run };
    memset(&state, 0, sizeof state);
    state.a.o = pla_eig_defaults();
    return cli_main(&command, &state, argc, argv);
}
