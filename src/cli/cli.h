/*
 * cli.h - what every subcommand of the vulntrack binary shares: the exit
 * codes, the command table entry, and line-oriented batch input.
 */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <stdio.h>

#include "vulntrack/buf.h"
#include "vulntrack/common.h"
#include "vulntrack/store.h"

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
extern const cli_command cli_cmd_serve;
extern const cli_command cli_cmd_ledger;
extern const cli_command cli_cmd_org;
extern const cli_command cli_cmd_user;
extern const cli_command cli_cmd_token;
extern const cli_command cli_cmd_case;
extern const cli_command cli_cmd_advisory;

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

/*
 * If argv[*i] is option `name` ("--db") as "--db VALUE" or "--db=VALUE",
 * set *value (borrowed from argv), advance *i past it and return 1; return
 * 0 when it is another argument, -1 when the value is missing.
 */
int cli_take_option(int argc, char **argv, int *i, const char *name, const char **value);

/* A value option of a command: its name ("--db") and where its value goes. */
typedef struct cli_option {
    const char *name;
    const char **value;
} cli_option;

/*
 * cli_take_option for each of `opts` (ended by an entry with name NULL):
 * returns 1 when argv[*i] was one of them, 0 for another argument, and -1
 * after reporting "OPTION needs a value" as bad usage of `cmd` (the caller
 * then returns CLI_EXIT_USAGE).
 */
int cli_take_options(const cli_command *cmd, int argc, char **argv, int *i, const cli_option *opts);

/*
 * Open the store at `db` (the --db value; NULL: $VULNTRACK_DB, else the
 * per-user default). With `missing_status` CLI_EXIT_OK a missing database
 * is created; otherwise it is refused with "vulntrack CMD: no database at
 * PATH" plus `missing_hint` (may be NULL) and `missing_status` returned,
 * so that reading commands never leave an empty database behind. Returns
 * CLI_EXIT_OK with *out set, or an exit status after a message.
 */
int cli_open_store(const char *cmd, const char *db, int missing_status, const char *missing_hint,
                   vt_store **out);

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

/*
 * One line of batch work: put the answer for the input line (`line`,
 * `len`) in `out`, which is empty on entry, and return 0; or return a
 * negative code with `err` saying what is wrong with the line.
 */
typedef int (*cli_line_fn)(void *ctx, const char *line, size_t len, vt_buf *out,
                           vt_error *err);

/* How a --batch command reads its input and answers each line. */
typedef struct cli_batch {
    const char *cmd;     /* command name, for messages on stderr */
    const char *context; /* NULL, or said after the line number when input cannot be read */
    cli_line_fn one;     /* the answer for one line */
    /* The answer line for a line that failed with message `msg`. */
    int (*failed)(vt_buf *out, const char *msg);
    void *ctx;           /* passed to `one` */
} cli_batch;

/*
 * Answer each line of standard input with one line on standard output, in
 * order. A line that fails gets the answer `b->failed` makes, and
 * "vulntrack CMD: line N: message" goes to standard error. Returns the exit
 * status: CLI_EXIT_OK, the status of the first failed line (see
 * cli_exit_for), or CLI_EXIT_INTERNAL when input cannot be read or memory
 * runs out (processing stops there).
 */
int cli_batch_run(const cli_batch *b);

/*
 * cli_batch_run for commands whose answers are JSON lines: a failed line is
 * answered {"error":"message"}.
 */
int cli_run_batch(const char *cmd, cli_line_fn one, void *ctx);

/*
 * Answer the single argument `arg` with `one`: print the answer line, or
 * "vulntrack CMD: message" on stderr. Returns the exit status.
 */
int cli_run_one(const char *cmd, cli_line_fn one, void *ctx, const char *arg);

/*
 * Check that standard output was written: returns `status`, or
 * CLI_EXIT_INTERNAL with a message when flushing it failed.
 */
int cli_finish_output(const char *cmd, int status);

#endif
