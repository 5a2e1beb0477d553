/* cli.c - helpers shared by the subcommands. */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

bool cli_wants_help(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}

int cli_print_usage(const cli_command *cmd)
{
    fputs(cmd->usage, stdout);
    return CLI_EXIT_OK;
}

void cli_errorf(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "vulntrack %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "vulntrack %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'vulntrack help %s')\n", cmd->name);
    return CLI_EXIT_USAGE;
}

int cli_exit_for(int code)
{
    switch (code) {
    case VT_OK:
        return CLI_EXIT_OK;
    case VT_EINVALID:
    case VT_ETOOBIG:
    case VT_ENOTFOUND:
    case VT_EUNSUPPORTED:
        return CLI_EXIT_USAGE;
    default:
        return CLI_EXIT_INTERNAL;
    }
}

/* Bytes. No batch input line (a version pair, a purl, a vector) is this long. */
#define CLI_MAX_LINE ((size_t)1024 * 1024)

int cli_read_line(vt_buf *line, FILE *f)
{
    int c, error;

    vt_buf_clear(line);
    line->max = CLI_MAX_LINE;
    c = getc(f);
    if (c == EOF)
        return ferror(f) ? VT_EIO : 0;
    while (c != EOF && c != '\n') {
        error = vt_buf_putc(line, (char)c);
        if (error < 0)
            return error;
        c = getc(f);
    }
    if (ferror(f))
        return VT_EIO;
    if (line->len && line->ptr[line->len - 1] == '\r')
        line->ptr[--line->len] = '\0';
    return 1;
}

void cli_put_line(const char *s)
{
    fputs(s, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}
