/*
 * cmd_serve.c - placeholder for `vulntrack serve` (being written).
 */
#include <stdio.h>

#include "cli.h"

static int run_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("serve", "not available yet");
    return CLI_EXIT_INTERNAL;
}

const cli_command cli_cmd_serve = {
    .name = "serve",
    .summary = "(not available yet)",
    .usage = "usage: vulntrack serve\n",
    .run = run_serve,
};
