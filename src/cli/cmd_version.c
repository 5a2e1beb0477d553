/*
 * cmd_version.c - `vulntrack version compare ECOSYSTEM A B` and its --batch
 * form (A<TAB>B lines on stdin, one of <, =, > or ! per line on stdout).
 */
#include <string.h>

#include "cli.h"
#include "vulntrack/version.h"

static int run_version(int argc, char **argv);

const cli_command cli_cmd_version = {
    "version",
    "compare versions under an ecosystem's ordering rules",
    "usage: vulntrack version compare ECOSYSTEM A B\n"
    "       vulntrack version compare ECOSYSTEM --batch < PAIRS\n"
    "       vulntrack version ecosystems\n"
    "\n"
    "compare prints '<', '=' or '>': how version A orders against version B\n"
    "under ECOSYSTEM's rules. ECOSYSTEM is spelt as OSV spells it (npm, PyPI,\n"
    "Maven, Debian:12, AlmaLinux:8, ...); the part before the first ':' selects\n"
    "the rules.\n"
    "\n"
    "With --batch, each line of standard input is 'A<TAB>B' and one symbol is\n"
    "printed per line, in order. A line that cannot be compared prints '!',\n"
    "a message naming the line goes to standard error, and the command exits 2\n"
    "after the last line.\n"
    "\n"
    "ecosystems lists the ecosystem names and the scheme each one uses.\n"
    "\n"
    "Exit status: 0 compared, 2 unknown ecosystem, unparsable version or bad\n"
    "usage, 3 I/O error.\n",
    run_version,
};

static char symbol_for(int cmp)
{
    return cmp < 0 ? '<' : cmp > 0 ? '>' : '=';
}

static int compare_batch(const vt_version_scheme *scheme, const char *eco)
{
    vt_buf line = VT_BUF_INIT;
    unsigned long lineno = 0;
    int status = CLI_EXIT_OK, rc;

    while ((rc = cli_read_line(&line, stdin)) > 0) {
        vt_error err = VT_ERROR_INIT;
        const char *tab = memchr(line.ptr, '\t', line.len);
        int cmp, error;

        lineno++;
        if (!tab) {
            cli_errorf("version", "line %lu: expected 'A<TAB>B', got '%.*s'",
                       lineno, (int)(line.len > 128 ? 128 : line.len), line.ptr);
            cli_put_line("!");
            status = CLI_EXIT_USAGE;
            continue;
        }
        error = vt_version_compare(&cmp, scheme, line.ptr,
                                   (size_t)(tab - line.ptr), tab + 1,
                                   line.len - (size_t)(tab - line.ptr) - 1, &err);
        if (error < 0) {
            cli_errorf("version", "line %lu: %s", lineno, err.msg);
            cli_put_line("!");
            if (status == CLI_EXIT_OK)
                status = cli_exit_for(error);
            continue;
        }
        cli_put_line(cmp < 0 ? "<" : cmp > 0 ? ">" : "=");
    }
    vt_buf_dispose(&line);
    if (rc < 0) {
        cli_errorf("version", "reading standard input: %s (after line %lu, %s)",
                   vt_strerror(rc), lineno, eco);
        return CLI_EXIT_INTERNAL;
    }
    return status;
}

static int list_ecosystems(void)
{
    const char *name, *scheme;
    size_t i;

    for (i = 0; (name = vt_version_ecosystem_at(i, &scheme)) != NULL; i++)
        printf("%s\t%s\n", name, scheme ? scheme : "(no ordering)");
    return CLI_EXIT_OK;
}

static int run_version(int argc, char **argv)
{
    const vt_version_scheme *scheme;
    vt_error err = VT_ERROR_INIT;
    int cmp, error;

    if (argc >= 2 && strcmp(argv[1], "ecosystems") == 0 && argc == 2)
        return list_ecosystems();
    if (argc < 2 || strcmp(argv[1], "compare") != 0)
        return cli_usage_error(&cli_cmd_version, "expected 'compare' or 'ecosystems'");
    if (argc != 4 && argc != 5)
        return cli_usage_error(&cli_cmd_version,
                               "compare takes ECOSYSTEM and either A B or --batch");
    error = vt_version_scheme_for(&scheme, argv[2], strlen(argv[2]), &err);
    if (error < 0) {
        cli_errorf("version", "%s", err.msg);
        return CLI_EXIT_USAGE;
    }
    if (argc == 4) {
        if (strcmp(argv[3], "--batch") != 0)
            return cli_usage_error(&cli_cmd_version,
                                   "compare takes A and B, or --batch");
        return compare_batch(scheme, argv[2]);
    }
    error = vt_version_compare(&cmp, scheme, argv[3], strlen(argv[3]), argv[4],
                               strlen(argv[4]), &err);
    if (error < 0) {
        cli_errorf("version", "%s", err.msg);
        return cli_exit_for(error);
    }
    printf("%c\n", symbol_for(cmp));
    return CLI_EXIT_OK;
}
