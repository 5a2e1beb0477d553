/*
 * cli_auth.h - what `vulntrack org`, `user` and `token` share: finding
 * an organisation by slug, and showing a time.
 */
#ifndef VT_CLI_AUTH_H
#define VT_CLI_AUTH_H

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

#endif
