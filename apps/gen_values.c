/* pla gen: known eigenvalues and singular values, from SPEC to the matrix. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gen_values.h"

/* What each kind of values accepts and how its messages name it. */
static const struct {
    const char *option;      /* the option that takes the SPEC */
    const char *linear;      /* how the help spells the linear form */
    const char *forms;       /* every form, for the message on a malformed SPEC */
    const char *count_name;  /* where the number of values comes from */
    int descending;          /* sort order of the result */
    int nonnegative;         /* values must be >= 0 */
    int decay;               /* poly: and lowrank: are accepted */
} kinds[] = {
    [GEN_EIGENVALUES] = { "--eigenvalues", "linear:LO:HI",
                          "a list like 3,1,2*4, linear:LO:HI or geometric:FIRST:RATIO", "--rows", 0, 0, 0 },
    [GEN_SINGULAR_VALUES] = { "--singular-values", "linear:HI:LO",
                              "a list like 3,2,1*4, linear:HI:LO, geometric:FIRST:RATIO, poly:FIRST:POWER or "
                              "lowrank:R:NOISE",
                              "min(--rows, --cols)", 1, 1, 1 },
};

/* The forms with two numbers after a prefix. */
enum { FORM_LINEAR, FORM_GEOMETRIC, FORM_POLY, FORM_LOWRANK, FORM_COUNT };
static const struct {
    const char *prefix;
    const char *syntax;  /* NULL: the kind's spelling (linear) */
    int decay;           /* a singular-value form only */
} forms[FORM_COUNT] = {
    [FORM_LINEAR] = { "linear:", NULL, 0 },
    [FORM_GEOMETRIC] = { "geometric:", "geometric:FIRST:RATIO", 0 },
    [FORM_POLY] = { "poly:", "poly:FIRST:POWER", 1 },
    [FORM_LOWRANK] = { "lowrank:", "lowrank:R:NOISE", 1 },
};

static int ascending(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int descending(const void *a, const void *b) { return ascending(b, a); }

/* "A:B" after the prefix: two numbers (not checked for finiteness here). */
static int two_numbers(const char *s, double *a, double *b)
{
    char *end = NULL;
    *a = strtod(s, &end);
    if (end == s || *end != ':')
        return 0;
    const char *t = end + 1;
    *b = strtod(t, &end);
    return end != t && *end == '\0';
}

static pla_err malformed(gen_values_kind kind, const char *spec, cli_msg *msg)
{
    return cli_fail(msg, PLA_ERR_ARG, "%s must be %s, got '%s'", kinds[kind].option, kinds[kind].forms, spec);
}

static pla_err not_finite(gen_values_kind kind, const char *spec, cli_msg *msg)
{
    return cli_fail(msg, PLA_ERR_ARG, "%s '%s' gives a value that is not finite", kinds[kind].option, spec);
}

/* "v1,v2*k,...": the values in the order given. */
static pla_err parse_list(gen_values_kind kind, const char *spec, double **w, int64_t *n, cli_msg *msg)
{
    int64_t count = 0, cap = 64;
    double *v = malloc((size_t)cap * sizeof *v);
    const char *s = spec;
    pla_err err = PLA_OK;
    while (v != NULL) {
        char *end = NULL;
        double x = strtod(s, &end);
        long long k = 1;
        if (end == s) {
            err = malformed(kind, spec, msg);
            break;
        }
        if (!isfinite(x)) {
            err = not_finite(kind, spec, msg);
            break;
        }
        if (*end == '*') {
            const char *t = end + 1;
            k = strtoll(t, &end, 10);
            if (end == t || k < 1 || k > ((int64_t)1 << 31)) {
                err = malformed(kind, spec, msg);
                break;
            }
        }
        for (long long i = 0; i < k && v != NULL; ++i) {
            if (count == cap) {
                cap *= 2;
                double *grown = realloc(v, (size_t)cap * sizeof *v);
                if (grown == NULL) {
                    free(v);
                    v = NULL;
                    break;
                }
                v = grown;
            }
            v[count++] = x;
        }
        if (v == NULL)
            break;
        if (*end == '\0') {
            *w = v;
            *n = count;
            return PLA_OK;
        }
        if (*end != ',') {
            err = malformed(kind, spec, msg);
            break;
        }
        s = end + 1;
    }
    free(v);
    return err != PLA_OK ? err : cli_fail(msg, PLA_ERR_MEM, "out of memory for the values of %s", kinds[kind].option);
}

/* One of the two-number forms: count values. */
static pla_err generate(gen_values_kind kind, int form, const char *spec, int64_t count, double **w, cli_msg *msg)
{
    const char *syntax = forms[form].syntax ? forms[form].syntax : kinds[kind].linear;
    double a = 0, b = 0;
    if (!two_numbers(spec + strlen(forms[form].prefix), &a, &b))
        return cli_fail(msg, PLA_ERR_ARG, "%s %s needs two numbers, got '%s'", kinds[kind].option, syntax, spec);
    if (!isfinite(a) || !isfinite(b))
        return not_finite(kind, spec, msg);
    if (count == 0)
        return cli_fail(msg, PLA_ERR_ARG, "%s %.*s needs the order: %s N", kinds[kind].option,
                        (int)strlen(forms[form].prefix) - 1, forms[form].prefix, kinds[kind].count_name);
    if (form == FORM_LOWRANK && !(a >= 0 && a <= (double)count && a == floor(a)))
        return cli_fail(msg, PLA_ERR_ARG, "%s %s needs a whole number R from 0 to %s = %lld, got '%s'",
                        kinds[kind].option, syntax, kinds[kind].count_name, (long long)count, spec);
    if (form == FORM_LOWRANK && !(b >= 0 && b <= 1))
        return cli_fail(msg, PLA_ERR_ARG, "%s %s needs 0 <= NOISE <= 1 (below the R values 1), got '%s'",
                        kinds[kind].option, syntax, spec);
    double *v = malloc((size_t)count * sizeof *v);
    if (v == NULL)
        return cli_fail(msg, PLA_ERR_MEM, "out of memory for %lld values of %s", (long long)count,
                        kinds[kind].option);
    for (int64_t i = 0; i < count; ++i) {
        const double x = (double)i;
        switch (form) {
        case FORM_LINEAR: v[i] = count == 1 ? a : a + (b - a) * x / (double)(count - 1); break;
        case FORM_GEOMETRIC: v[i] = a * pow(b, x); break;
        case FORM_POLY: v[i] = a * pow(1.0 + x, -b); break;
        default: v[i] = x < a ? 1.0 : b; break;
        }
    }
    *w = v;
    return PLA_OK;
}

pla_err gen_values_parse(gen_values_kind kind, const char *spec, int64_t count, double **v, int64_t *n,
                         cli_msg *msg)
{
    pla_err err = PLA_OK;
    int form = FORM_COUNT;
    *v = NULL;
    *n = 0;
    for (int f = 0; f < FORM_COUNT; ++f)
        if (strncmp(spec, forms[f].prefix, strlen(forms[f].prefix)) == 0 && (!forms[f].decay || kinds[kind].decay))
            form = f;
    if (form != FORM_COUNT) {
        err = generate(kind, form, spec, count, v, msg);
        *n = count;
    } else {
        err = parse_list(kind, spec, v, n, msg);
        if (err == PLA_OK && count != 0 && count != *n)
            err = cli_fail(msg, PLA_ERR_ARG, "%s lists %lld values but %s is %lld", kinds[kind].option,
                           (long long)*n, kinds[kind].count_name, (long long)count);
    }
    for (int64_t i = 0; err == PLA_OK && i < *n; ++i) {
        if (!isfinite((*v)[i]))
            err = not_finite(kind, spec, msg);
        else if (kinds[kind].nonnegative && (*v)[i] < 0)
            err = cli_fail(msg, PLA_ERR_ARG, "%s '%s' gives a negative value (%g): singular values are >= 0",
                           kinds[kind].option, spec, (*v)[i]);
        else if ((*v)[i] == 0)
            (*v)[i] = 0.0;  /* no -0 in the file */
    }
    if (err != PLA_OK) {
        free(*v);
        *v = NULL;
        *n = 0;
        return err;
    }
    qsort(*v, (size_t)*n, sizeof **v, kinds[kind].descending ? descending : ascending);
    return PLA_OK;
}

void gen_scale_columns(pla_mat *A, const double *f)
{
    void *data;
    int64_t lld, ml, nl;
    pla_mat_local(A, &data, &lld, &ml, &nl);
    for (int64_t jl = 0; jl < nl; ++jl) {
        const double s = f[pla_mat_col_l2g(A, jl)];
        double *col = (double *)data + jl * lld;
        for (int64_t il = 0; il < ml; ++il)
            col[il] *= s;
    }
}
