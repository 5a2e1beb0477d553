/*
 * cmd_ledger.c - placeholder for `vulntrack ledger` (being written).
 */
#include <stdio.h>

#include "cli.h"

static int run_ledger(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("ledger", "not available yet");
    return CLI_EXIT_INTERNAL;
}

const cli_command cli_cmd_ledger = {
    .name = "ledger",
    .summary = "(not available yet)",
    .usage = "usage: vulntrack ledger\n",
    .run = run_ledger,
};
