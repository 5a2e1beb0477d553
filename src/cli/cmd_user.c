/*
 * cmd_user.c - placeholder for `vulntrack user` (being written).
 */
#include <stdio.h>

#include "cli.h"

static int run_user(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("user", "not available yet");
    return CLI_EXIT_INTERNAL;
}

const cli_command cli_cmd_user = {
    .name = "user",
    .summary = "(not available yet)",
    .usage = "usage: vulntrack user\n",
    .run = run_user,
};
