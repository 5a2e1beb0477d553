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

/*
 * Compare the pair on one 'A<TAB>B' line and put its symbol in `out` (a
 * cli_line_fn; `ctx` is the scheme).
 */
static int compare_line(void *ctx, const char *line, size_t len, vt_buf *out, vt_error *err)
{
    const vt_version_scheme *scheme = ctx;
    const char *tab = memchr(line, '\t', len);
    size_t alen;
    int cmp, error;

    if (!tab)
        return vt_error_set(err, VT_EINVALID, 0, "expected 'A<TAB>B', got '%.*s'",
                            (int)(len > 128 ? 128 : len), line);
    alen = (size_t)(tab - line);
    error = vt_version_compare(&cmp, scheme, line, alen, tab + 1, len - alen - 1, err);
    if (error < 0)
        return error;
    return vt_buf_putc(out, symbol_for(cmp));
}

/* The answer to a line that cannot be compared. */
static int failed_line(vt_buf *out, const char *msg)
{
    (void)msg;
    return vt_buf_putc(out, '!');
}

static int compare_batch(const vt_version_scheme *scheme, const char *eco)
{
    /* The scheme is only read; the callback's context is not const. */
    cli_batch b = {"version", eco, compare_line, failed_line, (void *)scheme};

    return cli_batch_run(&b);
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
