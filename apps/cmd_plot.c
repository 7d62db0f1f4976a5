/* pla plot: SVG pictures of a pla pca output: the scree plot (explained
   variance ratio per component and its cumulative sum), or the scores of two
   components as a scatter plot, colored by labels.  The datasets are read
   collectively (scores in parallel), the picture is drawn on rank 0 into a
   temporary file next to the target and renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "command.h"
#include "plot_draw.h"

#define PLOT_BLOCK 64

static const char plot_help[] =
    "usage: [mpirun -n P] pla plot FILE[:/GROUP] [--title T] -o PLOT.svg\n"
    "       [mpirun -n P] pla plot FILE[:/GROUP] --scatter [--components I,J]\n"
    "                     [--labels FILE[:/PATH]] [--title T] -o PLOT.svg\n\n"
    "Draws what pla pca wrote under GROUP of FILE (\"/\" by default: the name\n"
    "given to pla pca -o) as an SVG 1.1 picture, for browsers, rsvg-convert or\n"
    "Inkscape:\n"
    "  scree plot (default)  a bar per principal component, its share of the\n"
    "                        variance (explained_variance_ratio), and their\n"
    "                        cumulative sum as a line; y from 0 to 1\n"
    "  --scatter             one point per sample at its scores on components\n"
    "                        I and J, axes labeled with their share of the\n"
    "                        variance; needs the scores (pla pca --scores)\n"
    "Nothing is written when an input is missing, malformed or holds NaN/Inf,\n"
    "and an existing PLOT.svg is replaced only with --force.\n\n"
    "Options:\n"
    "      --scatter         the scores of two components, not the scree plot\n"
    "      --components I,J  --scatter: component I on the x axis, J on the y\n"
    "                        axis; 1-based, I != J (default 1,2)\n"
    "      --labels FILE[:/PATH]  --scatter: color each sample by its label: a\n"
    "                        1-D numeric dataset, one entry per sample (a bare\n"
    "                        FILE: its only 1-D dataset); at most " CLI_STR(PLOT_MAX_LABELS) " distinct\n"
    "                        values\n"
    "      --title T         the title (default: what is drawn)\n"
    "  -o PLOT.svg           the SVG file to write (required)\n"
    "Of the common options, --grid, --block, --threads, --dtype and --seed do\n"
    "not change the picture.  See docs/plot.md.\n";


enum { OPT_SCATTER, OPT_COMPONENTS, OPT_LABELS, OPT_TITLE };

static const cli_option plot_options[] = {
    { "scatter", 0, 0, OPT_SCATTER },
    { "components", 0, 1, OPT_COMPONENTS },
    { "labels", 0, 1, OPT_LABELS },
    { "title", 0, 1, OPT_TITLE },
    { NULL, 0, 0, 0 },
};

/* "I,J": two component numbers >= 1. */
static pla_err parse_components(const char *value, int64_t *ci, int64_t *cj, cli_msg *msg)
{
    char first[64];
    const char *comma = strchr(value, ',');
    size_t len = comma ? (size_t)(comma - value) : 0;
    if (comma == NULL || len == 0 || len >= sizeof first || strchr(comma + 1, ',') != NULL)
        return cli_fail(msg, PLA_ERR_ARG, "--components needs two component numbers I,J (e.g. 1,2), got '%s'",
                        value);
    memcpy(first, value, len);
    first[len] = '\0';
    pla_err err = cli_parse_i64("--components", first, 1, INT64_MAX, ci, msg);
    if (err == PLA_OK)
        err = cli_parse_i64("--components", comma + 1, 1, INT64_MAX, cj, msg);
    if (err != PLA_OK)
        return cli_fail(msg, PLA_ERR_ARG, "--components needs two component numbers I,J >= 1 (1-based, e.g. 1,2), "
                        "got '%s'", value);
    if (*ci == *cj)
        return cli_fail(msg, PLA_ERR_ARG, "--components needs two different components, got '%s'", value);
    return PLA_OK;
}

static pla_err plot_option(void *state, const cli_option *opt, const char *value, cli_msg *msg)
{
    plot_args *a = state;
    switch (opt->id) {
    case OPT_SCATTER: a->scatter = 1; break;
    case OPT_COMPONENTS:
        a->components_set = 1;
        return parse_components(value, &a->ci, &a->cj, msg);
    case OPT_LABELS: a->labels = value; break;
    case OPT_TITLE: a->title = value; break;
    default: break;
    }
    return PLA_OK;
}

static pla_err plot_positional(void *state, const char *arg, cli_msg *msg)
{
    plot_args *a = state;
    if (a->input != NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla plot takes one FILE[:/GROUP], got '%s' and '%s'", a->input, arg);
    a->input = arg;
    return PLA_OK;
}

static const cli_spec plot_spec = { "plot", plot_options, plot_option, plot_positional };


/* ---- finding the datasets ------------------------------------------------ */

/* "GROUP/name" as an absolute dataset path. */
static void member_path(char *buf, size_t cap, const char *group, const char *name)
{
    snprintf(buf, cap, "%s/%s", strcmp(group, "/") == 0 ? "" : group, name);
}

typedef struct {
    const char *group;
    pla_h5_dset_info ratio, scores;
    int have_ratio, have_scores, group_is_dataset;
    int64_t under;       /* datasets below the group */
    char elsewhere[512]; /* a group elsewhere that holds explained_variance_ratio */
} pca_listing;

static void list_pca(const pla_h5_dset_info *info, void *arg)
{
    pca_listing *l = arg;
    char want[600];
    const size_t len = strlen(l->group);
    if (strcmp(info->path, l->group) == 0) {
        l->group_is_dataset = 1;
        return;
    }
    if (strcmp(l->group, "/") == 0 || (strncmp(info->path, l->group, len) == 0 && info->path[len] == '/'))
        l->under++;
    member_path(want, sizeof want, l->group, "explained_variance_ratio");
    const char *slash = strrchr(info->path, '/');
    if (strcmp(info->path, want) == 0) {
        l->ratio = *info;
        l->have_ratio = 1;
    } else if (l->elsewhere[0] == '\0' && strcmp(slash + 1, "explained_variance_ratio") == 0) {
        snprintf(l->elsewhere, sizeof l->elsewhere, "%.*s", slash == info->path ? 1 : (int)(slash - info->path),
                 info->path);
    }
    member_path(want, sizeof want, l->group, "scores");
    if (strcmp(info->path, want) == 0) {
        l->scores = *info;
        l->have_scores = 1;
    }
}

typedef struct {
    int count;
    pla_h5_dset_info first;
    char list[400];
} vec_listing;

static void list_vectors(const pla_h5_dset_info *info, void *arg)
{
    vec_listing *l = arg;
    if (info->ndims != 1)
        return;
    if (l->count == 0)
        l->first = *info;
    size_t len = strlen(l->list);
    if (l->count < 6 && len + strlen(info->path) + 3 < sizeof l->list)
        snprintf(l->list + len, sizeof l->list - len, "%s%s", l->count ? ", " : "", info->path);
    else if (l->count == 6 && len + 5 < sizeof l->list)
        snprintf(l->list + len, sizeof l->list - len, ", ...");
    l->count++;
}

/* Collective.  The datasets of the pla pca output named on the command line;
   every rank lists the file and reaches the same verdict. */
static pla_err find_pca(pla_ctx *ctx, const plot_args *a, plot_plan *p)
{
    pca_listing l;
    pla_err err = PLA_OK;
    char shape[128];
    memset(&l, 0, sizeof l);
    l.group = p->group;
    err = pla_h5_list(ctx, p->in.file, list_pca, &l);
    if (err != PLA_OK)
        return err;
    const char *where = p->in.display;
    if (l.group_is_dataset)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "%s is a dataset: name the group that pla pca wrote, FILE or "
                           "FILE:/GROUP", where);
    else if (!l.have_ratio && !(a->scatter && l.have_scores) && l.elsewhere[0])
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "%s has no dataset explained_variance_ratio; the group %s has: "
                           "name it as %s:%s", where, l.elsewhere, p->in.file, l.elsewhere);
    else if (l.under == 0)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "%s has no datasets under %s: name the output of pla pca (its -o "
                           "FILE[:/GROUP])", p->in.file, p->group);
    else if (!l.have_ratio && !(a->scatter && l.have_scores))
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "%s has no dataset explained_variance_ratio: is it an output of "
                           "pla pca?", where);
    else if (a->scatter && !l.have_scores)
        err = pla_ctx_fail(ctx, PLA_ERR_DATA, "%s has no scores: it was written without --scores: rerun pla pca "
                           "with --scores", where);
    if (err == PLA_OK && l.have_ratio) {
        cli_shape_text(shape, sizeof shape, l.ratio.ndims, l.ratio.dims);
        if (l.ratio.ndims != 1 || !l.ratio.is_numeric || l.ratio.dims[0] < 1)
            err = pla_ctx_fail(ctx, PLA_ERR_DATA, "dataset %s in %s has shape %s and type %s: "
                               "explained_variance_ratio must be a non-empty numeric vector", l.ratio.path,
                               p->in.file, shape, l.ratio.type);
    }
    if (err == PLA_OK && a->scatter) {
        cli_shape_text(shape, sizeof shape, l.scores.ndims, l.scores.dims);
        if (l.scores.ndims != 2 || !l.scores.is_numeric || l.scores.dims[0] < 1 || l.scores.dims[1] < 1)
            err = pla_ctx_fail(ctx, PLA_ERR_DATA, "dataset %s in %s has shape %s and type %s: scores must be a "
                               "numeric m x k matrix with m, k >= 1", l.scores.path, p->in.file, shape,
                               l.scores.type);
        else if (a->ci > l.scores.dims[1] || a->cj > l.scores.dims[1])
            err = pla_ctx_fail(ctx, PLA_ERR_DATA, "%s %lld,%lld is out of range: %s:%s holds the scores of %lld "
                               "component%s, so 1 <= I, J <= %lld", a->components_set ? "--components"
                               : "the default components", (long long)a->ci, (long long)a->cj, p->in.file,
                               l.scores.path,
                               (long long)l.scores.dims[1], l.scores.dims[1] == 1 ? "" : "s",
                               (long long)l.scores.dims[1]);
    }
    err = pla_ctx_agree(ctx, err);
    if (err != PLA_OK)
        return err;
    p->ratio = l.ratio;
    p->scores = l.scores;
    p->have_ratio = l.have_ratio;
    p->have_scores = l.have_scores;
    p->k = l.have_ratio ? l.ratio.dims[0] : 0;
    if (a->scatter) {
        p->m = l.scores.dims[0];
        p->kk = l.scores.dims[1];
    }
    return PLA_OK;
}

/* Collective.  The --labels dataset: named, or a bare FILE's only 1-D
   dataset; numeric, one entry per sample. */
static pla_err find_labels(pla_ctx *ctx, plot_plan *p)
{
    pla_err err = PLA_OK;
    char shape[128];
    if (p->labels.path[0] != '\0') {
        err = pla_h5_inspect(ctx, p->labels.file, p->labels.path, &p->lab);
        if (err != PLA_OK)
            return err;
    } else {
        vec_listing l;
        memset(&l, 0, sizeof l);
        err = pla_h5_list(ctx, p->labels.file, list_vectors, &l);
        if (err != PLA_OK)
            return err;
        if (l.count == 0)
            err = pla_ctx_fail(ctx, PLA_ERR_DATA, "--labels: file %s holds no 1-D dataset", p->labels.file);
        else if (l.count > 1)
            err = pla_ctx_fail(ctx, PLA_ERR_DATA, "--labels: file %s has %d 1-D datasets (%s): name one as %s:/PATH",
                               p->labels.file, l.count, l.list, p->labels.file);
        p->lab = l.first;
    }
    if (err == PLA_OK) {
        cli_set_path(&p->labels, p->lab.path);
        cli_shape_text(shape, sizeof shape, p->lab.ndims, p->lab.dims);
        const int shape_ok = (p->lab.ndims == 1 && p->lab.dims[0] == p->m) ||
                             (p->lab.ndims == 2 && p->lab.dims[0] == p->m && p->lab.dims[1] == 1);
        if (!p->lab.is_numeric)
            err = pla_ctx_fail(ctx, PLA_ERR_DATA, "--labels %s holds %s values: labels must be numbers (integers "
                               "or floats)", p->labels.display, p->lab.type);
        else if (!shape_ok)
            err = pla_ctx_fail(ctx, PLA_ERR_DATA, "--labels %s has shape %s, but the scores have %lld rows: one "
                               "label per sample is needed, shape (%lld,)", p->labels.display, shape,
                               (long long)p->m, (long long)p->m);
    }
    return pla_ctx_agree(ctx, err);
}

/* ---- reading ------------------------------------------------------------- */

/* Collective.  The 1-D (or n x 1) dataset `path` whole on rank 0 (*v: n
   values there, NULL elsewhere).  NaN/Inf: PLA_ERR_DATA (pla_h5_read_columns). */
static pla_err read_vector(pla_ctx *ctx, const char *file, const char *path, int64_t n, double **v)
{
    pla_mat *M = NULL;
    double *buf = NULL;
    *v = NULL;
    pla_err err = pla_h5_read_columns(ctx, file, path, PLA_F64, 0, 0, &M);
    if (err != PLA_OK)
        return err;
    if (pla_ctx_rank(ctx) == 0 && (buf = malloc((size_t)(n > 0 ? n : 1) * sizeof *buf)) == NULL)
        err = pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory for the %lld values of %s", (long long)n, path);
    err = pla_ctx_agree(ctx, err);
    if (err == PLA_OK)
        err = pla_mat_gather(M, 0, buf, n > 0 ? n : 1);
    pla_mat_destroy(&M);
    if (err != PLA_OK) {
        free(buf);
        buf = NULL;
    }
    *v = buf;
    return err;
}

typedef struct {
    int64_t ci, cj;  /* 0-based */
} pick;

static double pick_entry(int64_t i, int64_t j, void *arg)
{
    const pick *p = arg;
    return i == (j == 0 ? p->ci : p->cj) ? 1.0 : 0.0;
}

/* Collective.  Columns ci and cj (0-based) of the m x kk scores on rank 0:
   *xy holds the m values of column ci, then the m of column cj.  The scores
   are read in parallel (NaN/Inf checked) and multiplied by the kk x 2
   selection matrix E = [e_ci e_cj], which moves two columns only: each
   product entry is one score times 1 plus zeros, so the values are exact. */
static pla_err read_score_columns(pla_ctx *ctx, const char *file, const char *path, int64_t m, int64_t kk,
                                  int64_t ci, int64_t cj, double **xy)
{
    pla_mat *S = NULL, *E = NULL, *P = NULL;
    double *buf = NULL;
    pick pk = { ci, cj };
    *xy = NULL;
    pla_err err = pla_h5_read(ctx, file, path, PLA_F64, 0, 0, &S);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, PLA_F64, kk, 2, 0, 0, &E);
    if (err == PLA_OK)
        err = pla_ctx_agree(ctx, pla_mat_fill_fn(E, pick_entry, &pk));
    if (err == PLA_OK)
        err = pla_mat_create(ctx, PLA_F64, m, 2, 0, 0, &P);
    if (err == PLA_OK)
        err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, S, E, 0.0, P);
    pla_mat_destroy(&S);
    pla_mat_destroy(&E);
    if (err == PLA_OK) {
        if (pla_ctx_rank(ctx) == 0 && (buf = malloc((size_t)m * 2 * sizeof *buf)) == NULL)
            err = pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory for 2 x %lld scores", (long long)m);
        err = pla_ctx_agree(ctx, err);
    }
    if (err == PLA_OK)
        err = pla_mat_gather(P, 0, buf, m);
    pla_mat_destroy(&P);
    if (err != PLA_OK) {
        free(buf);
        buf = NULL;
    }
    *xy = buf;
    return err;
}

/* ---- checks on rank 0 ---------------------------------------------------- */

/* The explained variance ratios must lie in [0, 1] and add up to at most 1
   (with room for float32 rounding). */
static pla_err check_ratio(pla_ctx *ctx, const plot_plan *p, const double *r)
{
    double sum = 0;
    for (int64_t i = 0; i < p->k; ++i) {
        if (r[i] < 0 || r[i] > 1 + 1e-6)
            return pla_ctx_fail(ctx, PLA_ERR_DATA, "dataset %s in %s holds %.6g at row %lld: an explained variance "
                                "ratio lies in [0, 1]", p->ratio.path, p->in.file, r[i], (long long)i);
        sum += r[i];
    }
    if (sum > 1 + 1e-3)
        return pla_ctx_fail(ctx, PLA_ERR_DATA, "dataset %s in %s sums to %.6g: explained variance ratios add up to "
                            "at most 1", p->ratio.path, p->in.file, sum);
    return PLA_OK;
}

static int cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* The distinct values of v[0..m) in ascending order, into u (at most cap;
   *n the count, which may exceed cap: then u holds the first cap). */
static pla_err distinct_values(pla_ctx *ctx, const double *v, int64_t m, double *u, int cap, int64_t *n)
{
    double *s = malloc((size_t)(m > 0 ? m : 1) * sizeof *s);
    if (s == NULL)
        return pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory sorting %lld labels", (long long)m);
    memcpy(s, v, (size_t)m * sizeof *s);
    qsort(s, (size_t)m, sizeof *s, cmp_double);
    *n = 0;
    for (int64_t i = 0; i < m; ++i) {
        if (i > 0 && s[i] == s[i - 1])
            continue;
        if (*n < cap)
            u[*n] = s[i];
        (*n)++;
    }
    free(s);
    return PLA_OK;
}


/* ---- the output file ----------------------------------------------------- */

/* Local (rank 0).  An existing output is replaced only with --force; the
   directory must exist.  Checked before reading anything. */
static pla_err check_output(pla_ctx *ctx, const char *file, int force)
{
    struct stat st;
    if (file[0] == '\0')
        return pla_ctx_fail(ctx, PLA_ERR_ARG, "-o needs a file name");
    if (stat(file, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "output %s is a directory", file);
        if (!S_ISREG(st.st_mode))
            return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "output %s exists and is not a regular file", file);
        if (!force)
            return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "output file %s exists: use --force to replace it", file);
        return PLA_OK;
    }
    if (errno != ENOENT)
        return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "cannot write %s: %s", file, strerror(errno));
    const char *slash = strrchr(file, '/');
    if (slash && slash[1] == '\0')
        return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "output %s names a directory, not a file", file);
    char dir[4096];
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == file)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - file), file);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "cannot write %s: no directory %s", file, dir);
    return PLA_OK;
}

typedef struct {
    const plot_plan *p;
    const plot_args *a;
    const double *ratio;
    const scatter_data *d;
    const char *title;
} drawing;

/* Local (rank 0).  Draws into a hidden temporary file next to `file`
   (".NAME.pla-PID-NS.tmp", as pla_h5_out does) and renames it into place;
   the temporary file is removed on any failure.  *bytes: the file's size. */
static pla_err write_svg(pla_ctx *ctx, const char *file, const drawing *dr, long *bytes)
{
    char tmp[4200], token[64];
    struct timespec ts;
    const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(token, sizeof token, "%ld-%lx", (long)getpid(), (unsigned long)(ts.tv_nsec & 0xfffff));
    int n = snprintf(tmp, sizeof tmp, "%.*s.%s.pla-%s.tmp", slash ? (int)(slash - file + 1) : 0, file, base, token);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "output file name %s is too long", file);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0)
        return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "cannot write %s: %s", tmp, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        const int e = errno;
        close(fd);
        unlink(tmp);
        return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "cannot write %s: %s", tmp, strerror(e));
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    svg_doc s;
    int drawn = 1;
    if (dr->a->scatter) {
        svg_begin(&s, f, 800, 600, dr->title);
        plot_draw_scatter(&s, dr->p, dr->a, dr->ratio, dr->d, dr->title);
    } else {
        svg_begin(&s, f, 760, 500, dr->title);
        drawn = plot_draw_scree(&s, dr->p, dr->ratio, dr->title);
    }
    svg_end(&s);
    if (!drawn) {
        fclose(f);
        unlink(tmp);
        return pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory drawing %lld components", (long long)dr->p->k);
    }
    errno = 0;
    *bytes = ftell(f);
    int bad = ferror(f);
    const int e1 = errno;
    errno = 0;
    bad = fclose(f) != 0 || bad;
    const int e = errno ? errno : e1 ? e1 : EIO;
    if (bad) {
        unlink(tmp);
        return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "cannot write %s: %s", file, strerror(e));
    }
    if (rename(tmp, file) != 0) {
        const int re = errno;
        unlink(tmp);
        return pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "cannot rename %s to %s: %s", tmp, file, strerror(re));
    }
    return PLA_OK;
}

/* ---- the run ------------------------------------------------------------- */

static void report_results(cli_report *rep, const plot_args *a, const plot_plan *p, const double *ratio,
                           const scatter_data *d, const char *title, long bytes)
{
    cJSON *root = report_json(rep);
    cJSON *par = cJSON_AddObjectToObject(root, "parameters");
    cJSON_AddStringToObject(par, "kind", a->scatter ? "scatter" : "scree");
    cJSON_AddStringToObject(par, "title", title);
    if (a->scatter) {
        const int comps[2] = { (int)a->ci, (int)a->cj };
        cJSON_AddItemToObject(par, "components", cJSON_CreateIntArray(comps, 2));
        if (d->labels)
            cJSON_AddStringToObject(par, "labels", p->labels.display);
        else
            cJSON_AddNullToObject(par, "labels");
    }
    cJSON *results = cJSON_AddObjectToObject(root, "results");
    double total = 0;
    for (int64_t i = 0; ratio && i < p->k; ++i)
        total += ratio[i];
    if (ratio) {
        cJSON_AddNumberToObject(results, "components", (double)p->k);
        cJSON_AddItemToObject(results, "explained_variance_ratio", cJSON_CreateDoubleArray(ratio, (int)p->k));
        cJSON_AddNumberToObject(results, "cumulative", total);
    }
    if (a->scatter) {
        cJSON_AddNumberToObject(results, "points", (double)p->m);
        if (d->labels) {
            cJSON_AddNumberToObject(results, "classes", d->nclasses);
            cJSON_AddItemToObject(results, "label_values", cJSON_CreateDoubleArray(d->classes, d->nclasses));
        }
    }
    cJSON *outputs = cJSON_AddArrayToObject(root, "outputs");
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "name", "plot");
    cJSON_AddStringToObject(item, "path", p->out);
    cJSON_AddStringToObject(item, "format", "svg");
    cJSON_AddNumberToObject(item, "bytes", (double)bytes);
    cJSON_AddItemToArray(outputs, item);

    if (a->scatter)
        report_text(rep, 0, "pla plot: scores of %lld samples on components %lld and %lld of %s%s%s -> %s "
                    "(%.1f kB)", (long long)p->m, (long long)a->ci, (long long)a->cj, p->in.display,
                    d->labels ? ", colored by " : "", d->labels ? p->labels.display : "", p->out, bytes / 1e3);
    else
        report_text(rep, 0, "pla plot: scree plot of %lld component%s of %s (together %.1f%% of the variance) -> "
                    "%s (%.1f kB)", (long long)p->k, p->k == 1 ? "" : "s", p->in.display, 100 * fmin(total, 1.0),
                    p->out, bytes / 1e3);
}

static pla_err run(cli_report *rep, pla_ctx *ctx, const plot_args *a, const cli_common *opt, plot_plan *p,
                   int64_t block)
{
    pla_err err = PLA_OK;
    double *ratio = NULL, *xy = NULL, *labels = NULL, t;
    double classes[PLOT_MAX_LABELS];
    int64_t nclasses = 0;
    long bytes = 0;
    char title[1024], where[4700];
    const int root = pla_ctx_rank(ctx) == 0;

    report_context(rep, ctx, block, PLA_F64);
    CLI_TRY(pla_ctx_agree(ctx, root ? check_output(ctx, p->out, opt->force) : PLA_OK));

    t = pla_wtime();
    CLI_TRY(find_pca(ctx, a, p));
    if (a->labels)
        CLI_TRY(find_labels(ctx, p));
    if (p->have_ratio) {
        cli_output_path(where, sizeof where, &p->in, "explained_variance_ratio");
        report_matrix(rep, "inputs", "explained_variance_ratio", where, p->k, -1, p->ratio.type);
        CLI_TRY(read_vector(ctx, p->in.file, p->ratio.path, p->k, &ratio));
    }
    if (a->scatter) {
        cli_output_path(where, sizeof where, &p->in, "scores");
        report_matrix(rep, "inputs", "scores", where, p->m, p->kk, p->scores.type);
        report_progress(rep, "reading the scores %s (%lldx%lld)", p->scores.path, (long long)p->m, (long long)p->kk);
        CLI_TRY(read_score_columns(ctx, p->in.file, p->scores.path, p->m, p->kk, a->ci - 1, a->cj - 1, &xy));
    }
    if (a->labels) {
        report_matrix(rep, "inputs", "labels", p->labels.display, p->m, -1, p->lab.type);
        CLI_TRY(read_vector(ctx, p->labels.file, p->lab.path, p->m, &labels));
    }
    report_phase(rep, "read", pla_wtime() - t);

    /* rank 0 checks the values, draws and writes; the others wait for its verdict */
    t = pla_wtime();
    if (root && ratio)
        err = check_ratio(ctx, p, ratio);
    if (root && err == PLA_OK && labels) {
        err = distinct_values(ctx, labels, p->m, classes, PLOT_MAX_LABELS, &nclasses);
        if (err == PLA_OK && nclasses > PLOT_MAX_LABELS)
            err = pla_ctx_fail(ctx, PLA_ERR_DATA, "--labels %s holds %lld distinct values: pla plot colors at most "
                               "%d classes (labels, not a continuous variable)", p->labels.display,
                               (long long)nclasses, PLOT_MAX_LABELS);
    }
    if (a->title)
        snprintf(title, sizeof title, "%s", a->title);
    else if (a->scatter)
        snprintf(title, sizeof title, "Principal component scores: PC%lld and PC%lld", (long long)a->ci,
                 (long long)a->cj);
    else
        snprintf(title, sizeof title, "Explained variance by principal component");
    const scatter_data d = { xy, xy ? xy + p->m : NULL, labels, classes, (int)nclasses };
    const drawing dr = { p, a, ratio, &d, title };
    if (root && err == PLA_OK)
        err = write_svg(ctx, p->out, &dr, &bytes);
    CLI_TRY(pla_ctx_agree(ctx, err));
    report_phase(rep, "draw", pla_wtime() - t);
    double total = (double)bytes;  /* rank 0's numbers for every rank's report */
    CLI_TRY(pla_ctx_bcast(ctx, &total, sizeof total, 0));
    bytes = (long)total;
    CLI_TRY(report_agree_phases(rep, ctx, NULL, NULL));
    report_results(rep, a, p, ratio, &d, title, bytes);
done:
    free(ratio);
    free(xy);
    free(labels);
    return err;
}

typedef struct {
    plot_args a;
    plot_plan p;
} plot_state;

static pla_err plot_check(void *state, const cli_common *opt, int64_t *block, cli_msg *msg)
{
    plot_state *st = state;
    plot_args *a = &st->a;
    plot_plan *p = &st->p;
    pla_err err = PLA_OK;
    if (a->input == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla plot needs the output of pla pca: FILE or FILE:/GROUP");
    if (opt->output == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "pla plot needs an output: -o PLOT.svg");
    if (!a->scatter && (a->components_set || a->labels))
        return cli_fail(msg, PLA_ERR_ARG, "%s applies to the scatter plot: add --scatter",
                        a->components_set ? "--components" : "--labels");
    if ((err = cli_split_name("pla plot", a->input, &p->in, msg)) != PLA_OK)
        return err;
    if (a->labels && (err = cli_split_name("--labels", a->labels, &p->labels, msg)) != PLA_OK)
        return err;
    /* the group as an absolute path without a trailing slash */
    const char *g = p->in.path;
    while (*g == '/')
        g++;
    int n = snprintf(p->group, sizeof p->group, "/%s", g);
    while (n > 1 && p->group[n - 1] == '/')
        p->group[--n] = '\0';
    if ((size_t)n + 32 >= sizeof p->group)
        return cli_fail(msg, PLA_ERR_ARG, "group path %s is too long", p->in.path);
    cli_set_path(&p->in, strcmp(p->group, "/") == 0 && p->in.path[0] == '\0' ? "" : p->group);
    p->out = opt->output;
    *block = opt->block > 0 ? opt->block : PLOT_BLOCK;
    return PLA_OK;
}

static pla_err plot_run(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block)
{
    plot_state *st = state;
    return run(rep, *ctx, &st->a, opt, &st->p, block);
}

int cmd_plot(int argc, char **argv)
{
    static plot_state state;  /* large name buffers: off the stack */
    static const cli_command command = { "plot", plot_help, &plot_spec, plot_check, plot_run };
    memset(&state, 0, sizeof state);
    state.a.ci = 1;
    state.a.cj = 2;
    return cli_main(&command, &state, argc, argv);
}
