/* Reporting: JSON summary, human lines, progress, errors, output attributes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "report.h"

/* Arguments are shell-quoted only when they need it, so the line can be re-run. */
static int needs_quotes(const char *s)
{
    if (*s == '\0')
        return 1;
    for (; *s; ++s)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,+-@%", *s))
            return 1;
    return 0;
}

static char *join_command_line(int argc, char **argv)
{
    size_t cap = 1;
    for (int i = 0; i < argc; ++i)
        cap += 4 * strlen(argv[i]) + 3;  /* worst case: every char is a quote ('\'') */
    char *line = malloc(cap), *p = line;
    if (line == NULL)
        return NULL;
    for (int i = 0; i < argc; ++i) {
        if (i > 0)
            *p++ = ' ';
        if (!needs_quotes(argv[i])) {
            p += sprintf(p, "%s", argv[i]);
            continue;
        }
        *p++ = '\'';
        for (const char *s = argv[i]; *s; ++s) {
            if (*s == '\'')
                p += sprintf(p, "'\\''");
            else
                *p++ = *s;
        }
        *p++ = '\'';
    }
    *p = '\0';
    return line;
}

void report_init(cli_report *r, const char *command, int argc, char **argv)
{
    memset(r, 0, sizeof *r);
    r->command = command;
    r->command_line = join_command_line(argc, argv);
    r->json = cli_wants_json(argc, argv, 2);
    r->rank = pla_world_rank();
    r->t0 = pla_wtime();
    r->root = cJSON_CreateObject();
    cJSON_AddStringToObject(r->root, "command", command);
    cJSON_AddStringToObject(r->root, "command_line", r->command_line ? r->command_line : "");
    cJSON_AddStringToObject(r->root, "pla_version", pla_version_string());
    cJSON_AddStringToObject(r->root, "build", pla_build_kind());
    cJSON *blas = cJSON_AddObjectToObject(r->root, "blas");
    cJSON_AddStringToObject(blas, "config", pla_blas_version());
    cJSON_AddStringToObject(blas, "corename", pla_blas_corename());
}

void report_options(cli_report *r, const cli_common *opt)
{
    r->opt = opt;
    r->json = opt->json;
}

void report_context(cli_report *r, pla_ctx *ctx, int64_t block, pla_dtype dt)
{
    int p = 1, q = 1;
    char grid[32];
    pla_ctx_grid(ctx, &p, &q, NULL, NULL);
    snprintf(grid, sizeof grid, "%dx%d", p, q);
    cJSON_AddNumberToObject(r->root, "nprocs", pla_ctx_size(ctx));
    cJSON_AddStringToObject(r->root, "grid", grid);
    cJSON_AddNumberToObject(r->root, "block", (double)block);
    cJSON_AddNumberToObject(r->root, "threads", pla_ctx_threads(ctx));
    cJSON_AddStringToObject(r->root, "dtype", pla_dtype_name(dt));
    report_text(r, 1, "pla %s: %d rank%s, grid %s, block %lld, %d thread%s per rank, %s, BLAS core %s",
                r->command, pla_ctx_size(ctx), pla_ctx_size(ctx) == 1 ? "" : "s", grid, (long long)block,
                pla_ctx_threads(ctx), pla_ctx_threads(ctx) == 1 ? "" : "s", pla_dtype_name(dt),
                pla_blas_corename());
}

cJSON *report_json(cli_report *r)
{
    return r->root;
}

void report_matrix(cli_report *r, const char *list, const char *name, const char *path, int64_t m,
                   int64_t n, const char *dtype)
{
    cJSON *items = cJSON_GetObjectItemCaseSensitive(r->root, list);
    if (items == NULL)
        items = cJSON_AddArrayToObject(r->root, list);
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "name", name);
    cJSON_AddStringToObject(item, "path", path);
    cJSON *shape = cJSON_AddArrayToObject(item, "shape");
    if (m >= 0)  /* a scalar has shape [], a vector [m] */
        cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)m));
    if (n >= 0)
        cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)n));
    cJSON_AddStringToObject(item, "dtype", dtype);
    cJSON_AddItemToArray(items, item);
}

void report_phase(cli_report *r, const char *name, double seconds)
{
    for (int i = 0; i < r->nphase; ++i) {
        if (strcmp(r->phase_name[i], name) == 0) {
            r->phase_s[i] += seconds;
            return;
        }
    }
    if (r->nphase < CLI_MAX_PHASES - 1) {  /* one slot stays free for the total */
        r->phase_name[r->nphase] = name;
        r->phase_s[r->nphase++] = seconds;
    }
}

pla_err report_agree_phases(cli_report *r, pla_ctx *ctx, const char *name, double *seconds)
{
    double t[CLI_MAX_PHASES];
    int n = r->nphase;
    memcpy(t, r->phase_s, (size_t)n * sizeof *t);
    t[n] = pla_wtime() - r->t0;
    pla_err err = pla_ctx_allreduce_max(ctx, t, n + 1);
    if (err != PLA_OK)
        return err;
    cJSON_DeleteItemFromObjectCaseSensitive(r->root, "timings");
    cJSON *timings = cJSON_AddObjectToObject(r->root, "timings");
    for (int i = 0; i < n; ++i) {
        cJSON_AddNumberToObject(timings, r->phase_name[i], t[i]);
        if (seconds && name && strcmp(name, r->phase_name[i]) == 0)
            *seconds = t[i];
    }
    cJSON_AddNumberToObject(timings, "total", t[n]);
    if (seconds && name && strcmp(name, "total") == 0)
        *seconds = t[n];
    return report_peak_memory(r, ctx);
}

pla_err report_layout(cli_report *r, pla_ctx *ctx, pla_layout *layout)
{
    pla_layout l;
    pla_err err = pla_ctx_layout(ctx, &l);
    if (err != PLA_OK)
        return err;
    if (layout)
        *layout = l;
    cJSON_DeleteItemFromObjectCaseSensitive(r->root, "layout");
    cJSON *o = cJSON_AddObjectToObject(r->root, "layout");
    cJSON_AddNumberToObject(o, "ranks", l.ranks);
    cJSON_AddNumberToObject(o, "threads_per_rank", l.threads);
    cJSON_AddNumberToObject(o, "nodes", l.nodes);
    cJSON_AddNumberToObject(o, "ranks_per_node", l.ranks_per_node);
    cJSON_AddNumberToObject(o, "cpus_per_node", l.cpus_per_node);
    cJSON_AddStringToObject(o, "binding", l.bound ? "bound" : "unbound");
    cJSON_AddStringToObject(o, "rank0_cpus", l.cpus_text);
    cJSON_AddBoolToObject(o, "oversubscribed", l.excess > 0);
    if (l.excess > 0)
        report_warning(r, "%d rank%s x %d thread%s on a node with %d CPU%s: the CPUs are oversubscribed, which slows "
                       "every rank down (use fewer ranks per node or fewer --threads)", l.ranks_per_node,
                       l.ranks_per_node == 1 ? "" : "s", l.threads, l.threads == 1 ? "" : "s", l.cpus_per_node,
                       l.cpus_per_node == 1 ? "" : "s");
    return PLA_OK;
}

pla_err report_peak_memory(cli_report *r, pla_ctx *ctx)
{
    struct rusage use;
    double mb = getrusage(RUSAGE_SELF, &use) == 0 ? (double)use.ru_maxrss / 1024.0 : 0.0;  /* Linux: KiB */
    double sum = mb, max = mb;
    pla_err err = pla_ctx_allreduce_sum(ctx, &sum, 1);
    if (err == PLA_OK)
        err = pla_ctx_allreduce_max(ctx, &max, 1);
    if (err != PLA_OK)
        return err;
    cJSON *mem = cJSON_GetObjectItemCaseSensitive(r->root, "memory");
    if (mem == NULL)
        mem = cJSON_AddObjectToObject(r->root, "memory");
    cJSON_DeleteItemFromObjectCaseSensitive(mem, "peak_rss_mb_max_rank");
    cJSON_DeleteItemFromObjectCaseSensitive(mem, "peak_rss_mb_sum");
    cJSON_AddNumberToObject(mem, "peak_rss_mb_max_rank", max);
    cJSON_AddNumberToObject(mem, "peak_rss_mb_sum", sum);
    return PLA_OK;
}

pla_err report_write_attrs(cli_report *r, pla_h5_out *out, pla_ctx *ctx, int64_t block, pla_dtype dt)
{
    int p = 1, q = 1;
    char grid[32];
    pla_err err = PLA_OK;
    pla_ctx_grid(ctx, &p, &q, NULL, NULL);
    snprintf(grid, sizeof grid, "%dx%d", p, q);
    if (err == PLA_OK) err = pla_h5_out_attr_str(out, "pla_version", pla_version_string());
    if (err == PLA_OK) err = pla_h5_out_attr_str(out, "command", r->command_line ? r->command_line : "");
    if (err == PLA_OK) err = pla_h5_out_attr_i64(out, "nprocs", pla_ctx_size(ctx));
    if (err == PLA_OK) err = pla_h5_out_attr_str(out, "grid", grid);
    if (err == PLA_OK) err = pla_h5_out_attr_i64(out, "block", block);
    if (err == PLA_OK) err = pla_h5_out_attr_i64(out, "threads", pla_ctx_threads(ctx));
    if (err == PLA_OK) err = pla_h5_out_attr_str(out, "dtype", pla_dtype_name(dt));
    return err;
}

pla_err report_write_elapsed(cli_report *r, pla_h5_out *out, pla_ctx *ctx)
{
    double elapsed = pla_wtime() - r->t0;
    pla_err err = pla_ctx_allreduce_max(ctx, &elapsed, 1);
    if (err == PLA_OK)
        err = pla_h5_out_attr_f64(out, "elapsed_s", elapsed);
    return err;
}

void report_progress(const cli_report *r, const char *fmt, ...)
{
    if (r->rank != 0 || r->opt == NULL || !r->opt->progress)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "pla %s [%7.2f s] ", r->command, pla_wtime() - r->t0);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
    va_end(ap);
}

void report_text(const cli_report *r, int level, const char *fmt, ...)
{
    int quiet = r->opt ? r->opt->quiet : 0, verbose = r->opt ? r->opt->verbose : 0;
    if (r->rank != 0 || quiet || level > verbose || (r->json && level == 0))
        return;  /* under --json the summary says it all; details go to stderr */
    FILE *to = r->json ? stderr : stdout;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(to, fmt, ap);
    fputc('\n', to);
    va_end(ap);
}

void report_warning(cli_report *r, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cJSON *list = cJSON_GetObjectItemCaseSensitive(r->root, "warnings");
    if (list == NULL)
        list = cJSON_AddArrayToObject(r->root, "warnings");
    cJSON_AddItemToArray(list, cJSON_CreateString(text));
    if (r->rank == 0 && !(r->opt && r->opt->quiet))
        fprintf(stderr, "pla: warning: %s\n", text);
}

void report_help(const cli_report *r, const char *text, int with_common)
{
    if (r->rank != 0)
        return;
    fputs(text, stdout);
    if (with_common) {
        fputc('\n', stdout);
        fputs(cli_common_help, stdout);
    }
}

int report_finish(cli_report *r, pla_err err, const char *message, const char *hint)
{
    int code = pla_err_exit_code(err);
    if (r->rank == 0) {
        if (err != PLA_OK) {
            fprintf(stderr, "pla: error: %s\n", message && *message ? message : pla_err_name(err));
            if (hint)
                fprintf(stderr, "pla: hint: run '%s'\n", hint);
            fflush(stderr);
        }
        if (r->json) {
            cJSON_AddStringToObject(r->root, "status", err == PLA_OK ? "ok" : "error");
            cJSON_AddNumberToObject(r->root, "exit_code", code);
            if (err != PLA_OK)
                cJSON_AddStringToObject(r->root, "message", message && *message ? message : pla_err_name(err));
            char *text = cJSON_PrintUnformatted(r->root);
            if (text) {
                fputs(text, stdout);
                fputc('\n', stdout);
                cJSON_free(text);
            }
        }
        fflush(stdout);
    }
    report_free(r);
    return code;
}

void report_free(cli_report *r)
{
    cJSON_Delete(r->root);
    free(r->command_line);
    memset(r, 0, sizeof *r);
}
