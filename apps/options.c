/* Option parsing shared by every subcommand. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "options.h"

const char cli_common_help[] =
    "Common options:\n"
    "  -o, --output FILE[:/GROUP]  where results go (default group \"/\")\n"
    "      --force                 replace existing output datasets\n"
    "      --grid PxQ              process grid; P*Q must equal the rank count\n"
    "                              (default: the most square grid, P <= Q)\n"
    "      --block NB              block size of the block-cyclic layout (NB >= 1)\n"
    "      --threads N             OpenMP/BLAS threads per rank\n"
    "                              (default: OMP_NUM_THREADS, else 1)\n"
    "      --dtype float64|float32 compute and output precision (default float64)\n"
    "      --seed S                random seed, 0 <= S < 2^63 (default 0)\n"
    "      --json                  print one JSON summary object on stdout\n"
    "  -q, --quiet                 print errors only\n"
    "  -v, --verbose               print details (timings, grid, checks)\n"
    "      --progress              progress lines on stderr (automatic on a terminal)\n"
    "  -h, --help                  print this help\n";

enum {
    COMMON_OUTPUT = -100, COMMON_FORCE, COMMON_GRID, COMMON_BLOCK, COMMON_THREADS, COMMON_DTYPE,
    COMMON_SEED, COMMON_JSON, COMMON_QUIET, COMMON_VERBOSE, COMMON_PROGRESS
};

static const cli_option common_options[] = {
    { "output", 'o', 1, COMMON_OUTPUT },
    { "force", 0, 0, COMMON_FORCE },
    { "grid", 0, 1, COMMON_GRID },
    { "block", 0, 1, COMMON_BLOCK },
    { "threads", 0, 1, COMMON_THREADS },
    { "dtype", 0, 1, COMMON_DTYPE },
    { "seed", 0, 1, COMMON_SEED },
    { "json", 0, 0, COMMON_JSON },
    { "quiet", 'q', 0, COMMON_QUIET },
    { "verbose", 'v', 0, COMMON_VERBOSE },
    { "progress", 0, 0, COMMON_PROGRESS },
    { NULL, 0, 0, 0 },
};

pla_err cli_fail(cli_msg *msg, pla_err code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg->text, sizeof msg->text, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- value parsers ------------------------------------------------------- */

pla_err cli_parse_i64(const char *opt, const char *s, int64_t lo, int64_t hi, int64_t *v, cli_msg *msg)
{
    char *end = NULL;
    errno = 0;
    long long x = (s[0] != '\0' && !isspace((unsigned char)s[0])) ? strtoll(s, &end, 10) : 0;
    if (end == NULL || end == s || *end != '\0')
        return cli_fail(msg, PLA_ERR_ARG, "%s needs an integer, got '%s'", opt, s);
    if (errno == ERANGE || x < lo || x > hi)
        return cli_fail(msg, PLA_ERR_ARG, "%s must be between %lld and %lld, got '%s'", opt,
                        (long long)lo, (long long)hi, s);
    *v = (int64_t)x;
    return PLA_OK;
}

pla_err cli_parse_f64(const char *opt, const char *s, double *v, cli_msg *msg)
{
    char *end = NULL;
    errno = 0;
    double x = (s[0] != '\0' && !isspace((unsigned char)s[0])) ? strtod(s, &end) : 0.0;
    if (end == NULL || end == s || *end != '\0')
        return cli_fail(msg, PLA_ERR_ARG, "%s needs a number, got '%s'", opt, s);
    if (!isfinite(x) || (errno == ERANGE && fabs(x) > 1.0))
        return cli_fail(msg, PLA_ERR_ARG, "%s must be a finite number, got '%s'", opt, s);
    *v = x;  /* underflow to a subnormal or zero is accepted */
    return PLA_OK;
}

pla_err cli_parse_grid(const char *opt, const char *s, int *nprow, int *npcol, cli_msg *msg)
{
    char part[32];
    const char *x = strpbrk(s, "xX");
    int64_t p = 0, q = 0;
    cli_msg ignored;
    size_t len = x ? (size_t)(x - s) : 0;
    if (x == NULL || len == 0 || len >= sizeof part)
        return cli_fail(msg, PLA_ERR_ARG, "%s needs PxQ (e.g. 2x4), got '%s'", opt, s);
    memcpy(part, s, len);
    part[len] = '\0';
    if (cli_parse_i64(opt, part, 1, 1 << 20, &p, &ignored) != PLA_OK ||
        cli_parse_i64(opt, x + 1, 1, 1 << 20, &q, &ignored) != PLA_OK)
        return cli_fail(msg, PLA_ERR_ARG, "%s needs PxQ with P, Q >= 1 (e.g. 2x4), got '%s'", opt, s);
    *nprow = (int)p;
    *npcol = (int)q;
    return PLA_OK;
}

pla_err cli_parse_dtype(const char *opt, const char *s, pla_dtype *dt, cli_msg *msg)
{
    if (strcmp(s, "float64") == 0)
        *dt = PLA_F64;
    else if (strcmp(s, "float32") == 0)
        *dt = PLA_F32;
    else
        return cli_fail(msg, PLA_ERR_ARG, "%s must be float64 or float32, got '%s'", opt, s);
    return PLA_OK;
}

/* OMP_NUM_THREADS may be a nested list ("4,2"): its first entry counts here. */
int cli_default_threads(void)
{
    const char *env = getenv("OMP_NUM_THREADS");
    if (env == NULL)
        return 1;
    char *end = NULL;
    long n = strtol(env, &end, 10);
    if (end == env || (*end != '\0' && *end != ',') || n < 1 || n > CLI_MAX_THREADS)
        return 1;
    return (int)n;
}

/* ---- the parser ------------------------------------------------------------- */

static pla_err apply_common(cli_common *c, const cli_option *opt, const char *value, cli_msg *msg)
{
    int64_t v = 0;
    pla_err err = PLA_OK;
    switch (opt->id) {
    case COMMON_OUTPUT:
        if (value[0] == '\0')
            return cli_fail(msg, PLA_ERR_ARG, "--output needs a file name");
        c->output = value;
        break;
    case COMMON_FORCE: c->force = 1; break;
    case COMMON_GRID: err = cli_parse_grid("--grid", value, &c->nprow, &c->npcol, msg); break;
    case COMMON_BLOCK:
        err = cli_parse_i64("--block", value, 1, 1 << 30, &v, msg);
        c->block = v;
        break;
    case COMMON_THREADS:
        err = cli_parse_i64("--threads", value, 1, CLI_MAX_THREADS, &v, msg);
        c->threads = (int)v;
        break;
    case COMMON_DTYPE: err = cli_parse_dtype("--dtype", value, &c->dtype, msg); break;
    case COMMON_SEED:
        err = cli_parse_i64("--seed", value, 0, INT64_MAX, &v, msg);
        c->seed = (uint64_t)v;
        break;
    case COMMON_JSON: c->json = 1; break;
    case COMMON_QUIET: c->quiet = 1; break;
    case COMMON_VERBOSE: c->verbose++; break;
    case COMMON_PROGRESS: c->progress = 1; break;
    default: break;
    }
    return err;
}

static const cli_option *find_long(const cli_option *table, const char *name, size_t len)
{
    for (const cli_option *o = table; o->name || o->short_name; ++o)
        if (o->name && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static const cli_option *find_short(const cli_option *table, char c)
{
    for (const cli_option *o = table; o->name || o->short_name; ++o)
        if (o->short_name == c)
            return o;
    return NULL;
}

static pla_err apply(const cli_spec *spec, const cli_option *opt, const char *value, cli_common *c,
                     void *state, cli_msg *msg)
{
    if (opt->id < 0)  /* common options have negative ids, the command's own are >= 0 */
        return apply_common(c, opt, value, msg);
    return spec->handle(state, opt, value, msg);
}

/* "--name", "--name=value" or "--name value". */
static pla_err parse_long(const cli_spec *spec, int argc, char **argv, int *i, cli_common *c,
                          void *state, cli_msg *msg)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const cli_option *opt = find_long(spec->options, arg, len);
    if (opt == NULL)
        opt = find_long(common_options, arg, len);
    if (opt == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "unknown option '--%.*s' for pla %s", (int)len, arg, spec->name);
    if (!opt->takes_value) {
        if (eq)
            return cli_fail(msg, PLA_ERR_ARG, "option --%s takes no value", opt->name);
        return apply(spec, opt, "", c, state, msg);
    }
    if (eq)
        return apply(spec, opt, eq + 1, c, state, msg);
    if (*i + 1 >= argc)
        return cli_fail(msg, PLA_ERR_ARG, "option --%s needs a value", opt->name);
    *i += 1;
    return apply(spec, opt, argv[*i], c, state, msg);
}

/* "-q", "-qv", "-o FILE" or "-oFILE". */
static pla_err parse_short(const cli_spec *spec, int argc, char **argv, int *i, cli_common *c,
                           void *state, cli_msg *msg)
{
    const char *arg = argv[*i];
    for (const char *p = arg + 1; *p; ++p) {
        const cli_option *opt = find_short(spec->options, *p);
        if (opt == NULL)
            opt = find_short(common_options, *p);
        if (opt == NULL)
            return cli_fail(msg, PLA_ERR_ARG, "unknown option '-%c' for pla %s", *p, spec->name);
        if (!opt->takes_value) {
            pla_err err = apply(spec, opt, "", c, state, msg);
            if (err != PLA_OK)
                return err;
            continue;
        }
        if (p[1] != '\0')
            return apply(spec, opt, p + 1, c, state, msg);
        if (*i + 1 >= argc)
            return cli_fail(msg, PLA_ERR_ARG, "option -%c needs a value", *p);
        *i += 1;
        return apply(spec, opt, argv[*i], c, state, msg);
    }
    return PLA_OK;
}

static pla_err take_positional(const cli_spec *spec, const char *arg, void *state, cli_msg *msg)
{
    if (spec->positional == NULL)
        return cli_fail(msg, PLA_ERR_ARG, "unexpected argument '%s' for pla %s", arg, spec->name);
    return spec->positional(state, arg, msg);
}

pla_err cli_parse(const cli_spec *spec, int argc, char **argv, int first, cli_common *c, void *state,
                  cli_msg *msg)
{
    pla_err err = PLA_OK;
    int only_positional = 0;
    *c = (cli_common){ .dtype = PLA_F64, .threads = cli_default_threads() };
    for (int i = first; i < argc && err == PLA_OK; ++i) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || strcmp(arg, "-") == 0)
            err = take_positional(spec, arg, state, msg);
        else if (strcmp(arg, "--") == 0)
            only_positional = 1;
        else if (arg[1] == '-')
            err = parse_long(spec, argc, argv, &i, c, state, msg);
        else
            err = parse_short(spec, argc, argv, &i, c, state, msg);
    }
    if (err != PLA_OK)
        return err;
    if (c->quiet && c->verbose)
        return cli_fail(msg, PLA_ERR_ARG, "--quiet and --verbose contradict each other");
    if (!c->quiet && !c->progress && isatty(STDERR_FILENO))
        c->progress = 1;  /* only rank 0 prints, so ranks may differ here */
    if (c->quiet)
        c->progress = 0;
    return PLA_OK;
}

/* 1 if argv[first..] holds exactly `flag` before any "--". */
static int has_flag(int argc, char **argv, int first, const char *flag)
{
    for (int i = first; i < argc && strcmp(argv[i], "--") != 0; ++i)
        if (strcmp(argv[i], flag) == 0)
            return 1;
    return 0;
}

int cli_wants_help(int argc, char **argv, int first)
{
    return has_flag(argc, argv, first, "--help") || has_flag(argc, argv, first, "-h");
}

int cli_wants_json(int argc, char **argv, int first)
{
    return has_flag(argc, argv, first, "--json");
}
