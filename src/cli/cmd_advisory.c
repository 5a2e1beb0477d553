/*
 * cmd_advisory.c - placeholder for `vulntrack advisory` (being written).
 */
#include <stdio.h>

#include "cli.h"

static int run_advisory(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("advisory", "not available yet");
    return CLI_EXIT_INTERNAL;
}

const cli_command cli_cmd_advisory = {
    .name = "advisory",
    .summary = "(not available yet)",
    .usage = "usage: vulntrack advisory\n",
    .run = run_advisory,
};
