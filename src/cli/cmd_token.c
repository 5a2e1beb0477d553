/*
 * cmd_token.c - `vulntrack token create|list|revoke`: machine tokens for
 * partners and automation. The token text is printed once, alone on
 * standard output, so that a script can capture it; the store keeps only
 * its SHA-256.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli_auth.h"
#include "vulntrack/auth.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/strparse.h"

static int run_token(int argc, char **argv);

const cli_command cli_cmd_token = {
    .name = "token",
    .summary = "create, list and revoke API tokens",
    .usage = "usage: vulntrack token create [--db FILE] --role ROLE --name NAME [--org SLUG]\n"
             "       vulntrack token list [--db FILE] [--all] [--json]\n"
             "       vulntrack token revoke [--db FILE] ID\n"
             "\n"
             "create makes a machine token (a bearer token for the HTTP API) and prints\n"
             "it on standard output, alone on one line. It is shown only this once: the\n"
             "database keeps its SHA-256, not the token. ROLE is one of admin,\n"
             "psirt_manager, analyst, auditor, partner (reporters hold the tracking\n"
             "token of their report instead). With --org the token belongs to that\n"
             "organisation and sees only its records.\n"
             "\n"
             "list shows the machine tokens (with --all also console sessions): id,\n"
             "kind, role, organisation, name, created, expires, revoked. No secret is\n"
             "shown: there is none to show.\n"
             "\n"
             "revoke stops token ID (machine or session) from authenticating at once.\n"
             "\n"
             "The database is --db FILE, else $VULNTRACK_DB, else the per-user default.\n"
             "\n"
             "Exit status: 0 success, 2 bad usage (unknown role, organisation or token),\n"
             "3 I/O or database error.\n",
    .run = run_token,
};

#define MACHINE_ROLE_LIST "admin, psirt_manager, analyst, auditor, partner"

static int token_create(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    const char *db = NULL, *role_name = NULL, *name = NULL, *org = NULL;
    char tok[VT_TOKEN_TEXT_MAX];
    vt_store *s = NULL;
    int64_t org_id = 0, id = 0;
    unsigned role;
    int i, r, status, error;
    const cli_option opts[] = {
        {"--db", &db}, {"--role", &role_name}, {"--name", &name}, {"--org", &org}, {NULL, NULL},
    };

    for (i = 1; i < argc; i++) {
        r = cli_take_options(&cli_cmd_token, argc, argv, &i, opts);
        if (r < 0)
            return CLI_EXIT_USAGE;
        if (r > 0)
            continue;
        return cli_usage_error(&cli_cmd_token, "unknown argument '%s' for create", argv[i]);
    }
    if (!role_name)
        return cli_usage_error(&cli_cmd_token, "create needs --role ROLE (one of %s)",
                               MACHINE_ROLE_LIST);
    role = vt_role_parse(role_name);
    if (role == 0 || role == VT_ROLE_REPORTER)
        return cli_usage_error(&cli_cmd_token, "--role: '%s' is not a token role (one of %s)",
                               role_name, MACHINE_ROLE_LIST);
    if (!name)
        return cli_usage_error(&cli_cmd_token, "create needs --name NAME");
    status = cli_open_store("token", db, CLI_EXIT_OK, NULL, &s);
    if (status != CLI_EXIT_OK)
        goto out;
    if (org) {
        status = cli_auth_org_id(&cli_cmd_token, s, "--org", org, &org_id);
        if (status != CLI_EXIT_OK)
            goto out;
    }
    error = vt_token_create_id(s, role, name, org_id, tok, &id, &err);
    if (error < 0) {
        if (error == VT_EINVALID)
            status = cli_usage_error(&cli_cmd_token, "--%s: %s",
                                     err.field[0] ? err.field + 1 : "role", err.msg);
        else {
            cli_errorf("token", "%s", err.msg);
            status = cli_exit_for(error);
        }
        goto out;
    }
    fprintf(stdout, "%s\n", tok);
    sodium_memzero(tok, sizeof(tok));
    status = cli_finish_output("token", CLI_EXIT_OK);
    if (status == CLI_EXIT_OK)
        fprintf(stderr,
                "vulntrack token: token %lld (%s, %s) created; it is shown only once, "
                "store it now\n",
                (long long)id, role_name, name);
out:
    vt_store_close(s);
    return status;
}

typedef struct list_ctx {
    vt_store *s;
    cJSON *arr; /* --json: the rows */
    int error;
} list_ctx;

static int token_row(void *ctx, const vt_token_info *t)
{
    list_ctx *c = ctx;
    char org[80], created[VT_TIME_TEXT_MAX], expires[VT_TIME_TEXT_MAX],
        revoked[VT_TIME_TEXT_MAX];
    cJSON *o;
    int error;

    cli_auth_org_slug(c->s, t->org_id, org, sizeof(org));
    cli_auth_time(created, t->created_ms);
    cli_auth_time(expires, t->expires_ms);
    cli_auth_time(revoked, t->revoked_ms);
    if (!c->arr) {
        printf("%-6lld %-8s %-14s %-16s %-24s %-24s %-24s %s\n", (long long)t->id, t->kind,
               vt_role_name(t->role), org[0] ? org : "-", created, expires, revoked, t->name);
        return 0;
    }
    error = vt_token_info_json(c->s, t, &o);
    return error < 0 ? error : vt_json_add_take(c->arr, NULL, o);
}

static int token_list(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    const char *db = NULL;
    list_ctx c = {NULL, NULL, 0};
    bool json = false, all = false;
    int i, r, status, error = 0;

    for (i = 1; i < argc; i++) {
        r = cli_take_option(argc, argv, &i, "--db", &db);
        if (r < 0)
            return cli_usage_error(&cli_cmd_token, "--db needs a FILE");
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--all") == 0)
            all = true;
        else
            return cli_usage_error(&cli_cmd_token, "unknown argument '%s' for list", argv[i]);
    }
    status = cli_open_store("token", db, CLI_EXIT_OK, NULL, &c.s);
    if (status != CLI_EXIT_OK)
        return status;
    if (json) {
        c.arr = cJSON_CreateArray();
        error = c.arr ? 0 : VT_ENOMEM;
    } else {
        printf("%-6s %-8s %-14s %-16s %-24s %-24s %-24s %s\n", "ID", "KIND", "ROLE", "ORG",
               "CREATED", "EXPIRES", "REVOKED", "NAME");
    }
    if (error >= 0)
        error = vt_token_list(c.s, all ? NULL : "machine", 0, token_row, &c, &err);
    status = cli_auth_list_done("token", error, &err, c.arr);
    vt_store_close(c.s);
    return status;
}

static int token_revoke(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    const char *db = NULL, *id_text = NULL;
    vt_store *s = NULL;
    int64_t id;
    int i, r, status, error;

    for (i = 1; i < argc; i++) {
        r = cli_take_option(argc, argv, &i, "--db", &db);
        if (r < 0)
            return cli_usage_error(&cli_cmd_token, "--db needs a FILE");
        if (r > 0)
            continue;
        if (argv[i][0] == '-' || id_text)
            return cli_usage_error(&cli_cmd_token, "unknown argument '%s' for revoke", argv[i]);
        id_text = argv[i];
    }
    if (!id_text)
        return cli_usage_error(&cli_cmd_token, "revoke needs a token ID (see 'vulntrack token list')");
    if (vt_parse_i64(&id, id_text, strlen(id_text)) < 0 || id <= 0)
        return cli_usage_error(&cli_cmd_token, "'%s' is not a token id", id_text);
    status = cli_open_store("token", db, CLI_EXIT_OK, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    error = vt_token_revoke(s, id, &err);
    status = cli_auth_change_done("token", error, &err, "token %lld revoked", (long long)id);
    vt_store_close(s);
    return status;
}

static int run_token(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(&cli_cmd_token, "missing subcommand (create, list or revoke)");
    if (strcmp(argv[1], "create") == 0)
        return token_create(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return token_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "revoke") == 0)
        return token_revoke(argc - 1, argv + 1);
    return cli_usage_error(&cli_cmd_token, "unknown subcommand '%s'", argv[1]);
}
