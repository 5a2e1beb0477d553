/* cli.c - helpers shared by the subcommands. */
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"

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

int cli_take_option(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);

    if (strcmp(argv[*i], name) == 0) {
        if (*i + 1 >= argc)
            return -1;
        *value = argv[++*i];
        return 1;
    }
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    return 0;
}

int cli_take_options(const cli_command *cmd, int argc, char **argv, int *i, const cli_option *opts)
{
    int r = 0;

    for (; r == 0 && opts->name; opts++)
        r = cli_take_option(argc, argv, i, opts->name, opts->value);
    if (r < 0)
        cli_usage_error(cmd, "%s needs a value", argv[*i]);
    return r;
}

int cli_open_store(const char *cmd, const char *db, int missing_status, const char *missing_hint,
                   vt_store **out)
{
    vt_error err = VT_ERROR_INIT;
    char *path = vt_store_default_path(db);
    struct stat st;
    int status = CLI_EXIT_OK;

    *out = NULL;
    if (!path) {
        cli_errorf(cmd, "out of memory");
        return CLI_EXIT_INTERNAL;
    }
    if (missing_status != CLI_EXIT_OK && stat(path, &st) != 0) {
        cli_errorf(cmd, "no database at %s%s", path, missing_hint ? missing_hint : "");
        status = missing_status;
    } else if (vt_store_open(out, path, &err) < 0) {
        cli_errorf(cmd, "%s", err.msg);
        status = CLI_EXIT_INTERNAL;
    }
    vt_free(path);
    return status;
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

int cli_batch_run(const cli_batch *b)
{
    vt_buf line = VT_BUF_INIT, answer = VT_BUF_INIT;
    unsigned long lineno = 0;
    int status = CLI_EXIT_OK, rc, error;

    while ((rc = cli_read_line(&line, stdin)) > 0) {
        vt_error err = VT_ERROR_INIT;

        lineno++;
        vt_buf_clear(&answer);
        error = b->one(b->ctx, line.ptr, line.len, &answer, &err);
        if (error == VT_ENOMEM) {
            status = CLI_EXIT_INTERNAL;
            break;
        }
        if (error < 0) {
            cli_errorf(b->cmd, "line %lu: %s", lineno, err.msg);
            vt_buf_clear(&answer);
            if (b->failed(&answer, err.msg) < 0) {
                status = CLI_EXIT_INTERNAL;
                break;
            }
            if (status == CLI_EXIT_OK)
                status = cli_exit_for(error);
        }
        cli_put_line(answer.ptr);
    }
    vt_buf_dispose(&line);
    vt_buf_dispose(&answer);
    if (rc < 0) {
        if (b->context)
            cli_errorf(b->cmd, "reading standard input: %s (after line %lu, %s)",
                       vt_strerror(rc), lineno, b->context);
        else
            cli_errorf(b->cmd, "reading standard input: %s (after line %lu)",
                       vt_strerror(rc), lineno);
        return CLI_EXIT_INTERNAL;
    }
    if (status == CLI_EXIT_INTERNAL)
        cli_errorf(b->cmd, "line %lu: %s", lineno, vt_strerror(VT_ENOMEM));
    return status;
}

/* The JSON answer to a failed batch line: {"error":"msg"}. */
static int json_error_line(vt_buf *out, const char *msg)
{
    cJSON *obj = cJSON_CreateObject();
    int error = obj ? vt_json_add_str(obj, "error", msg) : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_print(out, obj);
    cJSON_Delete(obj);
    return error;
}

int cli_run_batch(const char *cmd, cli_line_fn one, void *ctx)
{
    cli_batch b = {cmd, NULL, one, json_error_line, ctx};

    return cli_batch_run(&b);
}

int cli_run_one(const char *cmd, cli_line_fn one, void *ctx, const char *arg)
{
    vt_buf answer = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    int error, status = CLI_EXIT_OK;

    error = one(ctx, arg, strlen(arg), &answer, &err);
    if (error < 0) {
        cli_errorf(cmd, "%s", err.msg);
        status = cli_exit_for(error);
    } else {
        cli_put_line(answer.ptr);
    }
    vt_buf_dispose(&answer);
    return status;
}

int cli_finish_output(const char *cmd, int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf(cmd, "writing standard output failed");
        return CLI_EXIT_INTERNAL;
    }
    return status;
}
