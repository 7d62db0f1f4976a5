/* The subcommand runner: one place for help, parsing, context and exit. */
#include <stdio.h>
#include "command.h"
#include "signals.h"

int cli_main(const cli_command *c, void *state, int argc, char **argv)
{
    cli_report rep;
    cli_common opt;
    cli_msg msg = { "" };
    char hint[64];
    int64_t block = 0;
    pla_ctx *ctx = NULL;

    report_init(&rep, c->name, argc, argv);
    if (cli_wants_help(argc, argv, 2)) {
        report_help(&rep, c->help, 1);
        report_free(&rep);
        return 0;
    }
    snprintf(hint, sizeof hint, "pla %s --help", c->name);
    pla_err err = cli_parse(c->spec, argc, argv, 2, &opt, state, &msg);
    if (err == PLA_OK)
        err = c->check(state, &opt, &block, &msg);
    if (err != PLA_OK)
        return report_finish(&rep, err, msg.text, hint);
    report_options(&rep, &opt);
    cli_signals_watch(c->name, opt.output, opt.json);  /* SIGTERM/SIGINT: stop, leave no output */

    err = cli_open_context(&opt, block, &ctx);
    if (err == PLA_OK)
        err = report_layout(&rep, ctx, NULL);
    if (err == PLA_OK)
        err = c->run(&rep, &ctx, state, &opt, block);
    cli_signals_done();  /* the output is committed or discarded */
    int code = report_finish(&rep, err, pla_ctx_errmsg(ctx), NULL);
    if (pla_ctx_destroy(&ctx) != PLA_OK && code == 0)
        code = 1;
    return code;
}
