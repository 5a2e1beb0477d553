/*
 * cmd_org.c - placeholder for `vulntrack org` (being written).
 */
#include <stdio.h>

#include "cli.h"

static int run_org(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("org", "not available yet");
    return CLI_EXIT_INTERNAL;
}

const cli_command cli_cmd_org = {
    .name = "org",
    .summary = "(not available yet)",
    .usage = "usage: vulntrack org\n",
    .run = run_org,
};
