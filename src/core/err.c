/* Status codes, local error recording and collective agreement. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "internal/core.h"

int pla_err_exit_code(pla_err err)
{
    switch (err) {
    case PLA_OK: return 0;
    case PLA_ERR_NUMERIC: return 1;
    case PLA_ERR_ARG: return 2;
    case PLA_ERR_DATA: return 3;
    case PLA_ERR_MEM: return 4;
    case PLA_ERR_OUTPUT: return 5;
    case PLA_ERR_INTERRUPTED: return 124;
    case PLA_ERR_MPI: case PLA_ERR_LIB: case PLA_ERR_STATE: break;
    }
    return 1;
}

const char *pla_err_name(pla_err err)
{
    switch (err) {
    case PLA_OK: return "success";
    case PLA_ERR_NUMERIC: return "numerical failure";
    case PLA_ERR_ARG: return "usage error";
    case PLA_ERR_DATA: return "input data error";
    case PLA_ERR_MEM: return "resource error";
    case PLA_ERR_OUTPUT: return "output error";
    case PLA_ERR_MPI: return "communication error";
    case PLA_ERR_LIB: return "library error";
    case PLA_ERR_STATE: return "invalid state";
    case PLA_ERR_INTERRUPTED: return "interrupted";
    }
    return "unknown error";
}

static pla_err vset(pla_ctx *ctx, pla_err code, const char *file, int line, const char *fmt, va_list ap)
{
    if (ctx == NULL)
        return code;
    if (!ctx->pending) {  /* keep the first failure: later ones are consequences */
        ctx->pending = 1;
        vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
        snprintf(ctx->where, sizeof ctx->where, "%s:%d", file ? file : "?", line);
    }
    return code;
}

pla_err pla__set_err(pla_ctx *ctx, pla_err code, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(ctx, code, file, line, fmt, ap);
    va_end(ap);
    return code;
}

pla_err pla_ctx_fail(pla_ctx *ctx, pla_err code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(ctx, code, "caller", 0, fmt, ap);
    va_end(ap);
    return code;
}

const char *pla_ctx_errmsg(const pla_ctx *ctx)
{
    return ctx ? ctx->msg : "out of memory creating the context";
}

pla_err pla__agree(pla_ctx *ctx, pla_err local)
{
    pla_err result = local;
    ctx->pending = 0;
#if PLA_HAVE_MPI
    if (ctx->size > 1) {
        int mine = (local != PLA_OK) ? ctx->rank : ctx->size;
        int first = ctx->size;
        if (MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, ctx->comm) != MPI_SUCCESS) {
            snprintf(ctx->msg, sizeof ctx->msg, "MPI_Allreduce failed while agreeing on a status");
            return PLA_ERR_MPI;
        }
        if (first == ctx->size)
            return PLA_OK;
        struct { int code; char msg[PLA_MSG_CAP]; } note;
        if (ctx->rank == first) {
            note.code = (int)local;
            memcpy(note.msg, ctx->msg, sizeof note.msg);
        }
        if (MPI_Bcast(&note, (int)sizeof note, MPI_BYTE, first, ctx->comm) != MPI_SUCCESS) {
            snprintf(ctx->msg, sizeof ctx->msg, "MPI_Bcast failed while agreeing on a status");
            return PLA_ERR_MPI;
        }
        note.msg[PLA_MSG_CAP - 1] = '\0';
        memcpy(ctx->msg, note.msg, sizeof ctx->msg);
        result = (pla_err)note.code;
    }
#endif
    if (result == PLA_OK)
        ctx->msg[0] = '\0';
    return result;
}

pla_err pla_ctx_agree(pla_ctx *ctx, pla_err local)
{
    return pla__agree(ctx, local);
}
