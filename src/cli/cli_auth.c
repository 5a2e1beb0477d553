/*
 * cli_auth.c - helpers shared by the org, user and token commands.
 */
#include <stdio.h>
#include <string.h>

#include "cli_auth.h"
#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"
#include "vulntrack/clock.h"

int cli_auth_take(int argc, char **argv, int *i, const char *name, const char **value)
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

int cli_auth_open(const cli_command *cmd, const char *db, vt_store **out)
{
    vt_error err = VT_ERROR_INIT;
    char *path = vt_store_default_path(db);
    int error;

    *out = NULL;
    if (!path) {
        cli_errorf(cmd->name, "out of memory");
        return CLI_EXIT_INTERNAL;
    }
    error = vt_store_open(out, path, &err);
    vt_free(path);
    if (error < 0) {
        cli_errorf(cmd->name, "%s", err.msg);
        return CLI_EXIT_INTERNAL;
    }
    return CLI_EXIT_OK;
}

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
