#pragma once
/* Status codes returned by every pla function.  Collective functions return the
   same code on every rank.  The values of the user-facing classes are the exit
   codes of the `pla` program (DESIGN.md 1.3); pla_err_exit_code() maps the rest. */

#if defined(__GNUC__)
#define PLA_NODISCARD __attribute__((warn_unused_result))
#else
#define PLA_NODISCARD
#endif

typedef enum {
    PLA_OK = 0,
    PLA_ERR_NUMERIC = 1,   /* not converged, not positive definite, singular */
    PLA_ERR_ARG = 2,       /* bad argument / usage: bad value, conflicting options */
    PLA_ERR_DATA = 3,      /* input data: missing file or dataset, shape, type, NaN/Inf */
    PLA_ERR_MEM = 4,       /* not enough memory (estimated or failed allocation) */
    PLA_ERR_OUTPUT = 5,    /* cannot write output, would overwrite without force */
    PLA_ERR_MPI = 6,       /* communication failed: the context is unusable */
    PLA_ERR_LIB = 7,       /* a kernel library reported an internal error */
    PLA_ERR_STATE = 8,     /* object misuse: e.g. context destroyed with live matrices */
    PLA_ERR_INTERRUPTED = 9 /* stopped by a signal (SIGTERM/SIGINT) */
} pla_err;

/* Exit status of the `pla` program for a status: 0..5 as documented in
   DESIGN.md 1.3; MPI/library/state errors map to 1, interruption to 143-style 124. */
int pla_err_exit_code(pla_err err);

/* Short name of a status, e.g. "input data error". Never NULL. */
const char *pla_err_name(pla_err err);
