/*
 * cli_auth.c - helpers shared by the org, user and token commands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli_auth.h"
#include "vulntrack/auth.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"

int cli_auth_org_id(const cli_command *cmd, vt_store *s, const char *option, const char *slug,
                    int64_t *id)
{
    vt_error err = VT_ERROR_INIT;
    vt_org o;
    int error = vt_org_get(s, slug, 0, &o, &err);

    if (error == VT_ENOTFOUND)
        return cli_usage_error(cmd, "%s: no organisation '%s' (see 'vulntrack org list')", option,
                               slug);
    if (error < 0) {
        cli_errorf(cmd->name, "%s", err.msg);
        return cli_exit_for(error);
    }
    *id = o.id;
    vt_org_dispose(&o);
    return CLI_EXIT_OK;
}

void cli_auth_org_slug(vt_store *s, int64_t id, char *out, size_t cap)
{
    vt_org o;

    out[0] = '\0';
    if (id == 0 || vt_org_get(s, NULL, id, &o, NULL) < 0)
        return;
    snprintf(out, cap, "%s", o.slug);
    vt_org_dispose(&o);
}

const char *cli_auth_time(char *out, int64_t ms)
{
    if (ms == 0) {
        out[0] = '-';
        out[1] = '\0';
        return out;
    }
    return vt_time_format_utc(out, ms);
}

int cli_auth_list_done(const char *cmd, int error, const vt_error *err, cJSON *arr)
{
    vt_buf text = VT_BUF_INIT;
    int status;

    if (error >= 0 && arr) {
        error = vt_json_print(&text, arr);
        if (error >= 0)
            cli_put_line(text.ptr);
    }
    if (error < 0) {
        cli_errorf(cmd, "%s", error == VT_ENOMEM ? "out of memory" : err->msg);
        status = cli_exit_for(error);
    } else {
        status = cli_finish_output(cmd, CLI_EXIT_OK);
    }
    cJSON_Delete(arr);
    vt_buf_dispose(&text);
    return status;
}

int cli_auth_change_done(const char *cmd, int error, const vt_error *err, const char *fmt, ...)
{
    va_list ap;

    if (error < 0) {
        cli_errorf(cmd, "%s", err->msg);
        return cli_exit_for(error);
    }
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    return cli_finish_output(cmd, CLI_EXIT_OK);
}
