/*
 * cli_auth.h - what `vulntrack org`, `user` and `token` share: finding
 * an organisation by slug, showing a time, and ending a list or a change.
 */
#ifndef VT_CLI_AUTH_H
#define VT_CLI_AUTH_H

#include <cjson/cJSON.h>

#include "cli.h"
#include "vulntrack/store.h"

/*
 * The id of organisation `slug` into *id. An unknown slug is bad usage
 * (exit 2, message names the option); returns the exit status.
 */
int cli_auth_org_id(const cli_command *cmd, vt_store *s, const char *option, const char *slug,
                    int64_t *id);

/* The slug of organisation `id` into `out` ("" for 0 or unknown). */
void cli_auth_org_slug(vt_store *s, int64_t id, char *out, size_t cap);

/* `ms` as RFC 3339 UTC, or "-" for 0, into `out` (VT_TIME_TEXT_MAX bytes). */
const char *cli_auth_time(char *out, int64_t ms);

/*
 * End a `list` of command `cmd` whose listing returned `error` (with
 * `err`): on success print `arr` (the --json rows; NULL for the text
 * table) as one JSON line; on failure say why on stderr. Frees `arr`.
 * Returns the exit status.
 */
int cli_auth_list_done(const char *cmd, int error, const vt_error *err, cJSON *arr);

/*
 * End a change (revoke, disable) of command `cmd` that returned `error`
 * (with `err`): on success print the line made from `fmt`; on failure say
 * why on stderr. Returns the exit status.
 */
int cli_auth_change_done(const char *cmd, int error, const vt_error *err, const char *fmt, ...)
    VT_PRINTF(4, 5);

#endif
