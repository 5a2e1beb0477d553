/*
 * main.c - the vulntrack binary: git-style subcommands, `help CMD`,
 * `CMD --help`, `--version`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vulntrack/json.h"

static const cli_command *const commands[] = {
    &cli_cmd_version,
    &cli_cmd_grade,
    &cli_cmd_purl,
    &cli_cmd_cvss,
    &cli_cmd_db,
    &cli_cmd_scan,
    &cli_cmd_serve,
    &cli_cmd_ledger,
    &cli_cmd_org,
    &cli_cmd_user,
    &cli_cmd_token,
    &cli_cmd_case,
    &cli_cmd_advisory,
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static const cli_command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_main_usage(FILE *out)
{
    size_t i;

    fprintf(out,
            "usage: vulntrack [--version] [--help] COMMAND [ARGS]\n"
            "\n"
            "vulntrack manages the security vulnerabilities of network products.\n"
            "\n"
            "Commands:\n");
    for (i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out,
            "  %-10s %s\n"
            "\n"
            "Exit status: 0 success, 1 found something (commands that define it),\n"
            "2 bad usage or bad input, 3 internal or I/O error.\n"
            "'vulntrack help COMMAND' or 'vulntrack COMMAND --help' shows a command's help.\n",
            "help", "show help for a command");
}

static int run_help(int argc, char **argv)
{
    const cli_command *cmd;

    if (argc < 3) {
        print_main_usage(stdout);
        return CLI_EXIT_OK;
    }
    cmd = find_command(argv[2]);
    if (!cmd) {
        fprintf(stderr, "vulntrack help: unknown command '%s'\n", argv[2]);
        return CLI_EXIT_USAGE;
    }
    return cli_print_usage(cmd);
}

int main(int argc, char **argv)
{
    const cli_command *cmd;

    vt_json_init();
    if (argc < 2) {
        print_main_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_main_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vulntrack %s\n", vt_version_string());
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0)
        return run_help(argc, argv);
    cmd = find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "vulntrack: unknown command '%s' (see 'vulntrack --help')\n",
                argv[1]);
        return CLI_EXIT_USAGE;
    }
    if (cli_wants_help(argc - 1, argv + 1))
        return cli_print_usage(cmd);
    return cmd->run(argc - 1, argv + 1);
}
