/*
 * cmd_case.c - placeholder for `vulntrack case` (being written).
 */
#include <stdio.h>

#include "cli.h"

static int run_case(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("case", "not available yet");
    return CLI_EXIT_INTERNAL;
}

const cli_command cli_cmd_case = {
    .name = "case",
    .summary = "(not available yet)",
    .usage = "usage: vulntrack case\n",
    .run = run_case,
};
