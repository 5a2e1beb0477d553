/*
 * cmd_user.c - `vulntrack user add|list|disable`: console users (people who log in
 * to the web console and the API with a password), stored with argon2id
 * password hashes.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli_auth.h"
#include "vulntrack/auth.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"

static int run_user(int argc, char **argv);

const cli_command cli_cmd_user = {
    .name = "user",
    .summary = "add, list and disable console users",
    .usage = "usage: vulntrack user add [--db FILE] --name NAME --role ROLE [--org SLUG]\n"
             "                          [--password-stdin]\n"
             "       vulntrack user list [--db FILE] [--json]\n"
             "       vulntrack user disable [--db FILE] NAME\n"
             "\n"
             "add creates a console user. ROLE is one of admin, psirt_manager, analyst,\n"
             "auditor. With --org the user belongs to that organisation and sees only\n"
             "its records. The password (at least 12 characters) is read from the\n"
             "first line of standard input with --password-stdin; otherwise, on a\n"
             "terminal, it is asked for twice without echo. Only its argon2id hash is\n"
             "stored.\n"
             "\n"
             "list prints the users (name, role, organisation, created, disabled), or\n"
             "with --json a JSON array. Password hashes are never shown.\n"
             "\n"
             "disable stops user NAME from logging in and ends its sessions at once;\n"
             "the user stays listed, with the time it was disabled.\n"
             "\n"
             "The database is --db FILE, else $VULNTRACK_DB, else the per-user default.\n"
             "\n"
             "Exit status: 0 success, 2 bad usage or an invalid field (the message\n"
             "names it), 3 I/O or database error.\n",
    .run = run_user,
};

#define USER_ROLE_LIST "admin, psirt_manager, analyst, auditor"

/*
 * Ask for a line on the terminal with echo off. Returns 1 with the line
 * in `out`, or a code from cli_read_line (0 at end of input).
 */
static int user_prompt(const char *prompt, vt_buf *out)
{
    struct termios old, quiet;
    bool restore = false;
    int rc;

    /* Echo goes off before the prompt shows (discarding what was typed
     * ahead of it, as getpass does), so nothing typed after it is lost;
     * it comes back without discarding anything. */
    if (tcgetattr(STDIN_FILENO, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    fputs(prompt, stderr);
    fflush(stderr);
    rc = cli_read_line(out, stdin);
    if (restore)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &old);
    fputc('\n', stderr);
    return rc;
}

/* Wipe a buffer that held a password before it is freed. */
static void user_wipe(vt_buf *b)
{
    if (b->cap)
        sodium_memzero(b->ptr, b->cap);
    vt_buf_dispose(b);
}

/* The password into `pw`; returns an exit status. */
static int user_read_password(bool from_stdin, vt_buf *pw)
{
    vt_buf again = VT_BUF_INIT;
    int rc, status = CLI_EXIT_OK;

    if (from_stdin) {
        rc = cli_read_line(pw, stdin);
        if (rc < 0) {
            cli_errorf("user", "cannot read the password from standard input");
            return CLI_EXIT_INTERNAL;
        }
        if (rc == 0 || pw->len == 0)
            return cli_usage_error(&cli_cmd_user, "--password-stdin: the first line of standard "
                                                  "input is empty");
        return CLI_EXIT_OK;
    }
    if (!isatty(STDIN_FILENO))
        return cli_usage_error(&cli_cmd_user, "no terminal to ask for the password: use "
                                              "--password-stdin");
    rc = user_prompt("Password: ", pw);
    if (rc > 0)
        rc = user_prompt("Password again: ", &again);
    if (rc <= 0) {
        cli_errorf("user", "no password given");
        status = CLI_EXIT_USAGE;
    } else if (pw->len != again.len || strcmp(pw->ptr, again.ptr) != 0) {
        cli_errorf("user", "the two passwords differ");
        status = CLI_EXIT_USAGE;
    } else if (pw->len == 0) {
        cli_errorf("user", "the password is empty");
        status = CLI_EXIT_USAGE;
    }
    user_wipe(&again);
    return status;
}

static int user_add(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    vt_buf pw = VT_BUF_INIT;
    const char *db = NULL, *name = NULL, *role_name = NULL, *org = NULL;
    bool from_stdin = false;
    vt_store *s = NULL;
    int64_t org_id = 0;
    unsigned role;
    int i, r, status, error;
    const cli_option opts[] = {
        {"--db", &db}, {"--name", &name}, {"--role", &role_name}, {"--org", &org}, {NULL, NULL},
    };

    for (i = 1; i < argc; i++) {
        r = cli_take_options(&cli_cmd_user, argc, argv, &i, opts);
        if (r < 0)
            return CLI_EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--password-stdin") == 0)
            from_stdin = true;
        else
            return cli_usage_error(&cli_cmd_user, "unknown argument '%s' for add", argv[i]);
    }
    if (!name)
        return cli_usage_error(&cli_cmd_user, "add needs --name NAME");
    if (!role_name)
        return cli_usage_error(&cli_cmd_user, "add needs --role ROLE (one of %s)", USER_ROLE_LIST);
    role = vt_role_parse(role_name);
    if (!(role & VT_ROLES_READERS))
        return cli_usage_error(&cli_cmd_user, "--role: '%s' is not a console role (one of %s)",
                               role_name, USER_ROLE_LIST);
    status = cli_open_store("user", db, CLI_EXIT_OK, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    if (org) {
        status = cli_auth_org_id(&cli_cmd_user, s, "--org", org, &org_id);
        if (status != CLI_EXIT_OK)
            goto out;
    }
    status = user_read_password(from_stdin, &pw);
    if (status != CLI_EXIT_OK)
        goto out;
    error = vt_user_add(s, name, role, org_id, pw.ptr, &err);
    if (error == VT_EINVALID) {
        status = cli_usage_error(&cli_cmd_user, "%s: %s",
                                 strcmp(err.field, "/password") == 0 ? "password"
                                 : err.field[0]                      ? err.field + 1
                                                                     : "user",
                                 err.msg);
        goto out;
    }
    if (error < 0) {
        cli_errorf("user", "%s", err.msg);
        status = cli_exit_for(error);
        goto out;
    }
    printf("user '%s' added (%s%s%s)\n", name, role_name, org ? ", " : "", org ? org : "");
    status = cli_finish_output("user", CLI_EXIT_OK);
out:
    user_wipe(&pw);
    vt_store_close(s);
    return status;
}

typedef struct user_list_ctx {
    vt_store *s;
    cJSON *arr;
} user_list_ctx;

static int user_row(void *ctx, const vt_user_info *u)
{
    user_list_ctx *c = ctx;
    char org[80], created[VT_TIME_TEXT_MAX], disabled[VT_TIME_TEXT_MAX];
    cJSON *o;
    int error;

    cli_auth_org_slug(c->s, u->org_id, org, sizeof(org));
    cli_auth_time(created, u->created_ms);
    cli_auth_time(disabled, u->disabled_ms);
    if (!c->arr) {
        printf("%-24s %-14s %-16s %-24s %s\n", u->name, vt_role_name(u->role), org[0] ? org : "-",
               created, disabled);
        return 0;
    }
    error = vt_user_info_json(c->s, u, &o);
    return error < 0 ? error : vt_json_add_take(c->arr, NULL, o);
}

static int user_list(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    const char *db = NULL;
    user_list_ctx c = {NULL, NULL};
    bool json = false;
    int i, r, status, error = 0;

    for (i = 1; i < argc; i++) {
        r = cli_take_option(argc, argv, &i, "--db", &db);
        if (r < 0)
            return cli_usage_error(&cli_cmd_user, "--db needs a FILE");
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return cli_usage_error(&cli_cmd_user, "unknown argument '%s' for list", argv[i]);
    }
    status = cli_open_store("user", db, CLI_EXIT_OK, NULL, &c.s);
    if (status != CLI_EXIT_OK)
        return status;
    if (json) {
        c.arr = cJSON_CreateArray();
        error = c.arr ? 0 : VT_ENOMEM;
    } else {
        printf("%-24s %-14s %-16s %-24s %s\n", "NAME", "ROLE", "ORG", "CREATED", "DISABLED");
    }
    if (error >= 0)
        error = vt_user_list(c.s, 0, user_row, &c, &err);
    status = cli_auth_list_done("user", error, &err, c.arr);
    vt_store_close(c.s);
    return status;
}

static int user_disable(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    const char *db = NULL, *name = NULL;
    vt_store *s = NULL;
    int i, r, status, error;

    for (i = 1; i < argc; i++) {
        r = cli_take_option(argc, argv, &i, "--db", &db);
        if (r < 0)
            return cli_usage_error(&cli_cmd_user, "--db needs a FILE");
        if (r > 0)
            continue;
        if (argv[i][0] == '-' || name)
            return cli_usage_error(&cli_cmd_user, "unknown argument '%s' for disable", argv[i]);
        name = argv[i];
    }
    if (!name)
        return cli_usage_error(&cli_cmd_user, "disable needs a user NAME");
    status = cli_open_store("user", db, CLI_EXIT_OK, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    error = vt_user_disable(s, name, &err);
    status = cli_auth_change_done("user", error, &err, "user '%s' disabled", name);
    vt_store_close(s);
    return status;
}

static int run_user(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(&cli_cmd_user, "missing subcommand (add, list or disable)");
    if (strcmp(argv[1], "add") == 0)
        return user_add(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return user_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "disable") == 0)
        return user_disable(argc - 1, argv + 1);
    return cli_usage_error(&cli_cmd_user, "unknown subcommand '%s'", argv[1]);
}
