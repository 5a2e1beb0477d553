/*
 * cli.h - what every subcommand of the vulntrack binary shares: the exit
 * codes, the command table entry, and line-oriented batch input.
 */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <stdio.h>

#include "vulntrack/buf.h"
#include "vulntrack/common.h"

/* Exit statuses, one table for every command (documented in README.md). */
enum cli_exit {
    CLI_EXIT_OK = 0,       /* success */
    CLI_EXIT_FOUND = 1,    /* "found something", for commands that define it */
    CLI_EXIT_USAGE = 2,    /* bad usage or bad input */
    CLI_EXIT_INTERNAL = 3, /* internal or I/O error */
};

typedef struct cli_command {
    const char *name;
    const char *summary; /* one line for `vulntrack --help` */
    const char *usage;   /* full help text for `vulntrack help NAME` */
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} cli_command;

/* Each command's table entry, defined in its cmd_<name>.c. */
extern const cli_command cli_cmd_version;
extern const cli_command cli_cmd_purl;
extern const cli_command cli_cmd_cvss;
extern const cli_command cli_cmd_grade;
extern const cli_command cli_cmd_db;
extern const cli_command cli_cmd_scan;

/* True when argv holds -h or --help before any "--". */
bool cli_wants_help(int argc, char **argv);

/* Print the command's usage on stdout; returns CLI_EXIT_OK. */
int cli_print_usage(const cli_command *cmd);

/*
 * Report bad usage on stderr as "vulntrack CMD: message" plus a hint to
 * read the help; returns CLI_EXIT_USAGE.
 */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...) VT_PRINTF(2, 3);

/* Print "vulntrack CMD: message" on stderr. */
void cli_errorf(const char *cmd, const char *fmt, ...) VT_PRINTF(2, 3);

/* Map a library error code to an exit status. */
int cli_exit_for(int code);

/*
 * Read one line from `f` into `line` (replacing it), without the trailing
 * "\n" or "\r\n". Returns 1 when a line was read, 0 at end of input, or a
 * negative code (VT_EIO, VT_ETOOBIG for a line above 1 MiB, VT_ENOMEM).
 */
int cli_read_line(vt_buf *line, FILE *f);

/*
 * Write `s` and a newline to stdout and flush, so batch callers reading a
 * pipe see each answer as soon as it is ready.
 */
void cli_put_line(const char *s);

#endif
