/*
 * cmd_token.c - placeholder for `vulntrack token` (being written).
 */
#include <stdio.h>

#include "cli.h"

static int run_token(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("token", "not available yet");
    return CLI_EXIT_INTERNAL;
}

const cli_command cli_cmd_token = {
    .name = "token",
    .summary = "(not available yet)",
    .usage = "usage: vulntrack token\n",
    .run = run_token,
};
