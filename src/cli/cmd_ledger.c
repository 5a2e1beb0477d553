/*
 * cmd_ledger.c - `vulntrack ledger`: verify the receipt ledger (the
 * database, or an export trusting only the public key), show the public
 * key, export, sign a checkpoint now, purge expired segments, list entries.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "vulntrack/alloc.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/store.h"
#include "vulntrack/strparse.h"

static int run_ledger(int argc, char **argv);

const cli_command cli_cmd_ledger = {
    .name = "ledger",
    .summary = "verify, export and maintain the receipt ledger",
    .usage =
        "usage: vulntrack ledger verify [--db FILE] [--pubkey HEX|FILE] [--file EXPORT.jsonl]\n"
        "       vulntrack ledger pubkey [--db FILE] [--key FILE]\n"
        "       vulntrack ledger export [--db FILE]\n"
        "       vulntrack ledger checkpoint [--db FILE] [--key FILE]\n"
        "       vulntrack ledger purge [--db FILE] [--retention-months N]\n"
        "       vulntrack ledger list [--db FILE] [--after SEQ] [--limit N] [--json]\n"
        "\n"
        "The receipt ledger records what arrived, when, through which channel and\n"
        "from whom, and what was done with it; each entry's SHA-256 covers the\n"
        "entry and the previous entry's hash (docs/ledger.md).\n"
        "\n"
        "verify recomputes the chain of the database: it prints 'ledger intact: N\n"
        "entries ...' and exits 0, or prints 'ledger broken at entry SEQ: reason'\n"
        "on standard error and exits 1. With --pubkey every checkpoint must be\n"
        "signed by that key (64 hex digits, or a file holding them or the key\n"
        "file). With --file it verifies an export instead, trusting only --pubkey\n"
        "(required): every entry must then be sealed by a checkpoint.\n"
        "\n"
        "pubkey prints the Ed25519 public key of the signing key (--key, default\n"
        "the database path + '.ledger-key') in hex.\n"
        "\n"
        "export writes the ledger as JSON lines on standard output: entries,\n"
        "checkpoints and purge records, for `ledger verify --file` or another\n"
        "verifier.\n"
        "\n"
        "checkpoint signs the newest entry now (creating the key if missing).\n"
        "\n"
        "purge deletes whole segments of entries older than N months (default 36)\n"
        "up to a checkpoint, and records the purge in the chain. N below 6 is\n"
        "refused: Art. 5 of the 2021 Regulations on the Management of Network\n"
        "Product Security Vulnerabilities requires the logs to be kept 6 months.\n"
        "\n"
        "list prints entries with seq above --after (default 0), at most --limit\n"
        "(default all), one per line (tab-separated, or JSON with --json).\n"
        "\n"
        "The database is --db FILE, else $VULNTRACK_DB, else the per-user default.\n"
        "\n"
        "Exit status: 0 success (ledger intact), 1 ledger broken, 2 bad usage or a\n"
        "malformed export file, 3 I/O or database error, missing database or key.\n",
    .run = run_ledger,
};

#define CMD "ledger"

/* ------------------------------------------------------------------------ */
/* Options */

typedef struct ledger_opts {
    const char *db, *key, *pubkey, *file, *after, *limit, *retention;
    bool json;
} ledger_opts;

/* Whether the space-separated list `allowed` holds the word `name`. */
static bool allows(const char *allowed, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = strstr(allowed, name); p; p = strstr(p + 1, name))
        if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* Parse the options `allowed` (a space-separated list) of subcommand argv[0]. */
static int parse_opts(int argc, char **argv, const char *allowed, ledger_opts *o)
{
    static const struct {
        const char *name;
        size_t off;
    } table[] = {
        {"--db", offsetof(ledger_opts, db)},
        {"--key", offsetof(ledger_opts, key)},
        {"--pubkey", offsetof(ledger_opts, pubkey)},
        {"--file", offsetof(ledger_opts, file)},
        {"--after", offsetof(ledger_opts, after)},
        {"--limit", offsetof(ledger_opts, limit)},
        {"--retention-months", offsetof(ledger_opts, retention)},
    };

    memset(o, 0, sizeof(*o));
    for (int i = 1; i < argc; i++) {
        bool known = false;

        if (strcmp(argv[i], "--json") == 0 && allows(allowed, "--json")) {
            o->json = true;
            continue;
        }
        for (size_t t = 0; t < sizeof(table) / sizeof(table[0]) && !known; t++) {
            const char **slot = (const char **)(void *)((char *)o + table[t].off);
            int r;

            if (!allows(allowed, table[t].name))
                continue;
            r = cli_take_option(argc, argv, &i, table[t].name, slot);
            if (r < 0)
                return cli_usage_error(&cli_cmd_ledger, "%s needs a value", argv[i]);
            known = r > 0;
        }
        if (!known)
            return cli_usage_error(&cli_cmd_ledger, "unknown argument '%s' for %s", argv[i],
                                   argv[0]);
    }
    return CLI_EXIT_OK;
}

/* A non-negative integer option. */
static int parse_count(const char *opt, const char *text, int64_t max, int64_t *out)
{
    if (vt_parse_i64(out, text, strlen(text)) < 0 || *out < 0 || *out > max)
        return cli_usage_error(&cli_cmd_ledger, "%s: '%s' is not a number from 0 to %" PRId64,
                               opt, text, max);
    return CLI_EXIT_OK;
}

/* The database path (vt_free), NULL after a message when out of memory. */
static char *db_path(const char *db)
{
    char *path = vt_store_default_path(db);

    if (!path)
        cli_errorf(CMD, "out of memory");
    return path;
}

/* The key path: --key, else the database path + ".ledger-key" (vt_free). */
static char *key_path(const char *key, const char *db)
{
    char *path, *dbp;
    size_t n;

    if (key) {
        path = vt_strdup(key);
        if (!path)
            cli_errorf(CMD, "out of memory");
        return path;
    }
    dbp = db_path(db);
    if (!dbp)
        return NULL;
    n = strlen(dbp) + sizeof(".ledger-key");
    path = vt_malloc(n);
    if (path)
        snprintf(path, n, "%s.ledger-key", dbp);
    else
        cli_errorf(CMD, "out of memory");
    vt_free(dbp);
    return path;
}

/* ------------------------------------------------------------------------ */
/* verify */

static void print_intact(const vt_ledger_verify_result *r)
{
    if (r->entries == 0) {
        printf("ledger intact: 0 entries\n");
        return;
    }
    printf("ledger intact: %" PRId64 " entries (seq %" PRId64 "..%" PRId64 "), %" PRId64
           " checkpoints",
           r->entries, r->first_seq, r->last_seq, r->checkpoints);
    if (r->checkpoints > 0)
        printf(", last at seq %" PRId64, r->last_checkpoint_seq);
    printf(", %" PRId64 " unsealed\n", r->unsealed);
}

/* --pubkey: 64 hex digits, or a file (a public key or the key file). */
static int load_trusted(const char *arg, uint8_t pk[32])
{
    vt_error err = VT_ERROR_INIT;
    vt_ledger_key key;
    int error;

    if (strlen(arg) == 64 && vt_ledger_pubkey_parse(arg, pk, NULL) == 0)
        return CLI_EXIT_OK;
    error = vt_ledger_key_load_public(arg, &key, &err);
    if (error == VT_ENOTFOUND)
        return cli_usage_error(&cli_cmd_ledger,
                               "--pubkey: '%s' is neither 64 hex digits nor a key file", arg);
    if (error < 0) {
        cli_errorf(CMD, "--pubkey: %s", err.msg);
        return cli_exit_for(error);
    }
    memcpy(pk, key.public_key, 32);
    return CLI_EXIT_OK;
}

static int ledger_verify(int argc, char **argv)
{
    vt_ledger_verify_result r;
    vt_error err = VT_ERROR_INIT;
    ledger_opts o;
    uint8_t pk[32];
    vt_store *s = NULL;
    int status = parse_opts(argc, argv, "--db --pubkey --file", &o);
    int error;

    if (status != CLI_EXIT_OK)
        return status;
    if (o.file && !o.pubkey)
        return cli_usage_error(&cli_cmd_ledger,
                               "--file needs --pubkey: an export is verified against the key "
                               "you trust, not the keys it names");
    if (o.pubkey) {
        status = load_trusted(o.pubkey, pk);
        if (status != CLI_EXIT_OK)
            return status;
    }
    if (o.file) {
        FILE *in = strcmp(o.file, "-") == 0 ? stdin : fopen(o.file, "r");

        if (!in) {
            cli_errorf(CMD, "cannot open %s: %s", o.file, strerror(errno));
            return CLI_EXIT_INTERNAL;
        }
        error = vt_ledger_verify_export(in, pk, &r, &err);
        if (in != stdin)
            fclose(in);
        if (error < 0) {
            cli_errorf(CMD, "%s: %s", o.file, err.msg);
            return cli_exit_for(error);
        }
    } else {
        status = cli_open_store(CMD, o.db, CLI_EXIT_INTERNAL, NULL, &s);
        if (status != CLI_EXIT_OK)
            return status;
        error = vt_ledger_verify(s, o.pubkey ? pk : NULL, &r, &err);
        vt_store_close(s);
        if (error < 0) {
            cli_errorf(CMD, "%s", err.msg);
            return CLI_EXIT_INTERNAL;
        }
    }
    if (!r.intact) {
        fprintf(stderr, "ledger broken at entry %" PRId64 ": %s\n", r.bad_seq, r.reason);
        return CLI_EXIT_FOUND;
    }
    print_intact(&r);
    return cli_finish_output(CMD, CLI_EXIT_OK);
}

/* ------------------------------------------------------------------------ */
/* pubkey, checkpoint */

static int ledger_pubkey(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    vt_ledger_key key;
    ledger_opts o;
    char *path;
    int status = parse_opts(argc, argv, "--db --key", &o);
    int error;

    if (status != CLI_EXIT_OK)
        return status;
    path = key_path(o.key, o.db);
    if (!path)
        return CLI_EXIT_INTERNAL;
    error = vt_ledger_key_load_public(path, &key, &err);
    if (error == VT_ENOTFOUND) {
        cli_errorf(CMD, "no ledger key at %s yet: the key is created when `vulntrack serve` "
                        "first starts",
                   path);
        status = CLI_EXIT_INTERNAL;
    } else if (error < 0) {
        cli_errorf(CMD, "%s", err.msg);
        status = CLI_EXIT_INTERNAL;
    } else {
        printf("%s\n", key.public_hex);
        status = cli_finish_output(CMD, CLI_EXIT_OK);
    }
    vt_free(path);
    return status;
}

static int ledger_checkpoint(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    vt_ledger_key key;
    ledger_opts o;
    vt_store *s = NULL;
    char *path = NULL;
    bool created = false;
    int64_t seq = 0;
    int status = parse_opts(argc, argv, "--db --key", &o);
    int error;

    if (status != CLI_EXIT_OK)
        return status;
    status = cli_open_store(CMD, o.db, CLI_EXIT_INTERNAL, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    path = key_path(o.key, o.db);
    if (!path) {
        status = CLI_EXIT_INTERNAL;
        goto out;
    }
    error = vt_ledger_key_load_or_create(path, &key, &created, &err);
    if (error < 0) {
        cli_errorf(CMD, "%s", err.msg);
        status = CLI_EXIT_INTERNAL;
        goto out;
    }
    if (created)
        cli_errorf(CMD, "created the ledger signing key %s", path);
    error = vt_store_set_durable(s, &err);
    if (error >= 0)
        error = vt_store_begin(s, &err);
    if (error >= 0) {
        error = vt_ledger_checkpoint(s, &key, vt_clock_now_ms(), &err);
        if (error >= 0)
            error = vt_ledger_height(s, &seq, &err);
        if (error >= 0)
            error = vt_store_commit(s, &err);
        else
            vt_store_rollback(s);
    }
    vt_ledger_key_wipe(&key);
    if (error == VT_ENOTFOUND) {
        printf("the ledger is empty: nothing to checkpoint\n");
        status = cli_finish_output(CMD, CLI_EXIT_OK);
    } else if (error < 0) {
        cli_errorf(CMD, "%s", err.msg);
        status = CLI_EXIT_INTERNAL;
    } else {
        printf("entry %" PRId64 " is sealed by a checkpoint signed by %s\n", seq, key.public_hex);
        status = cli_finish_output(CMD, CLI_EXIT_OK);
    }
out:
    vt_free(path);
    vt_store_close(s);
    return status;
}

/* ------------------------------------------------------------------------ */
/* export, purge, list */

static int ledger_export(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    ledger_opts o;
    vt_store *s = NULL;
    int status = parse_opts(argc, argv, "--db", &o);
    int error;

    if (status != CLI_EXIT_OK)
        return status;
    status = cli_open_store(CMD, o.db, CLI_EXIT_INTERNAL, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    error = vt_ledger_export(s, stdout, &err);
    vt_store_close(s);
    if (error < 0) {
        cli_errorf(CMD, "%s", err.msg);
        return CLI_EXIT_INTERNAL;
    }
    return cli_finish_output(CMD, CLI_EXIT_OK);
}

static int ledger_purge(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    ledger_opts o;
    vt_store *s = NULL;
    int64_t months = 36, purged = 0, first = 0;
    vt_ledger_verify_result before;
    int status = parse_opts(argc, argv, "--db --retention-months", &o);
    int error;

    if (status != CLI_EXIT_OK)
        return status;
    if (o.retention) {
        status = parse_count("--retention-months", o.retention, 12000, &months);
        if (status != CLI_EXIT_OK)
            return status;
    }
    if (vt_ledger_retention_check((int)months, &err) < 0)
        return cli_usage_error(&cli_cmd_ledger, "%s", err.msg);
    status = cli_open_store(CMD, o.db, CLI_EXIT_INTERNAL, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    error = vt_ledger_verify(s, NULL, &before, &err);
    first = before.first_seq;
    if (error >= 0)
        error = vt_store_set_durable(s, &err);
    if (error >= 0)
        error = vt_store_begin(s, &err);
    if (error >= 0) {
        error = vt_ledger_purge(s, (int)months, vt_clock_now_ms(), &purged, &err);
        if (error >= 0)
            error = vt_store_commit(s, &err);
        else
            vt_store_rollback(s);
    }
    vt_store_close(s);
    if (error < 0) {
        cli_errorf(CMD, "%s", err.msg);
        return error == VT_EINVALID ? CLI_EXIT_FOUND : CLI_EXIT_INTERNAL;
    }
    if (purged == 0)
        printf("nothing to purge: no sealed segment is older than %" PRId64 " months\n", months);
    else
        printf("purged %" PRId64 " entries (seq %" PRId64 "..%" PRId64 "), older than %" PRId64
               " months\n",
               purged, first, first + purged - 1, months);
    return cli_finish_output(CMD, CLI_EXIT_OK);
}

/* Print a field on one line whatever it holds. */
static void put_clean(const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch < 0x20 || ch == 0x7f)
            printf("\\x%02x", ch);
        else
            putchar(ch);
    }
}

static int list_text(void *ctx, const vt_ledger_entry *e)
{
    char when[VT_TIME_TEXT_MAX];

    (void)ctx;
    printf("%" PRId64 "\t%s\t", e->seq, vt_time_format_utc(when, e->at_ms));
    put_clean(e->kind);
    putchar('\t');
    put_clean(e->channel);
    putchar('\t');
    put_clean(e->actor);
    putchar('\t');
    put_clean(e->subject);
    printf("\t%s\t", e->content_sha256);
    put_clean(e->detail);
    putchar('\n');
    return ferror(stdout) ? VT_EIO : 0;
}

static int list_json(void *ctx, const vt_ledger_entry *e)
{
    vt_buf *b = ctx;
    cJSON *o;
    int error = vt_ledger_entry_json(e, &o);

    vt_buf_clear(b);
    if (error >= 0)
        error = vt_json_print(b, o);
    cJSON_Delete(o);
    if (error >= 0) {
        puts(b->ptr);
        if (ferror(stdout))
            error = VT_EIO;
    }
    return error;
}

static int ledger_list(int argc, char **argv)
{
    vt_error err = VT_ERROR_INIT;
    vt_buf b = VT_BUF_INIT;
    ledger_opts o;
    vt_store *s = NULL;
    int64_t after = 0, limit = 0;
    int status = parse_opts(argc, argv, "--db --after --limit --json", &o);
    int error;

    if (status != CLI_EXIT_OK)
        return status;
    if (o.after)
        status = parse_count("--after", o.after, INT64_MAX, &after);
    if (status == CLI_EXIT_OK && o.limit)
        status = parse_count("--limit", o.limit, 1000000000, &limit);
    if (status != CLI_EXIT_OK)
        return status;
    status = cli_open_store(CMD, o.db, CLI_EXIT_INTERNAL, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    error = vt_ledger_list(s, after, (long)limit, o.json ? list_json : list_text, &b, &err);
    vt_store_close(s);
    vt_buf_dispose(&b);
    if (error < 0) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : vt_strerror(error));
        return CLI_EXIT_INTERNAL;
    }
    return cli_finish_output(CMD, CLI_EXIT_OK);
}

static int run_ledger(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } subs[] = {
        {"verify", ledger_verify}, {"pubkey", ledger_pubkey}, {"export", ledger_export},
        {"checkpoint", ledger_checkpoint}, {"purge", ledger_purge}, {"list", ledger_list},
    };

    if (cli_wants_help(argc, argv))
        return cli_print_usage(&cli_cmd_ledger);
    if (argc < 2)
        return cli_usage_error(&cli_cmd_ledger, "missing subcommand");
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    return cli_usage_error(&cli_cmd_ledger, "unknown subcommand '%s'", argv[1]);
}
