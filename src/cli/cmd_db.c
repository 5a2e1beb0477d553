/*
 * cmd_db.c - `vulntrack db import` (advisory feeds into the store) and
 * `vulntrack db stats` (what the store holds).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vulntrack/alloc.h"
#include "vulntrack/import.h"
#include "vulntrack/json.h"
#include "vulntrack/store.h"

static int run_db(int argc, char **argv);

const cli_command cli_cmd_db = {
    "db",
    "import advisory feeds into the database and show what it holds",
    "usage: vulntrack db import [--db FILE] [--strict] SOURCE...\n"
    "       vulntrack db stats [--db FILE] [--json]\n"
    "\n"
    "import reads each SOURCE into the database:\n"
    "  - a directory: every *.json file below it (OSV records), in sorted order;\n"
    "  - a zip archive (an osv.dev all.zip): every *.json member;\n"
    "  - one .json file: an OSV record, or the CISA KEV catalogue (recognised by\n"
    "    its content).\n"
    "An advisory replaces the stored one with the same id only when its\n"
    "'modified' time is newer. A bad record (invalid JSON, wrong types, missing\n"
    "id, unknown range type) is skipped with a message on standard error naming\n"
    "the source, the member or file, and the JSON pointer of the problem. One\n"
    "line per source and a total line report: imported (new), updated,\n"
    "unchanged, skipped. The import is one transaction: on an error nothing is\n"
    "committed. With --strict, any skipped record fails the import (exit 2) and\n"
    "nothing is committed.\n"
    "\n"
    "stats prints the advisories per ecosystem, the KEV entries, and when each\n"
    "source was last imported; --json prints the same as one JSON object.\n"
    "\n"
    "The database is --db FILE, else $VULNTRACK_DB, else\n"
    "$XDG_DATA_HOME/vulntrack/vulntrack.db, else\n"
    "~/.local/share/vulntrack/vulntrack.db.\n"
    "\n"
    "Exit status: 0 success, 2 bad usage, a missing source, an unusable source\n"
    "(a corrupt archive) or a skipped record with --strict, 3 I/O or database\n"
    "error.\n",
    run_db,
};

/*
 * Print `s` on one line whatever it holds: control bytes (a newline in a zip
 * member name, an escape sequence) are shown as \xNN.
 */
static void db_put_clean(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch < 0x20 || ch == 0x7f)
            fprintf(f, "\\x%02x", ch);
        else
            fputc(ch, f);
    }
}

/* ------------------------------------------------------------------------ */
/* import */

typedef struct import_out {
    vt_buf lines;  /* per-source summaries, printed once the import commits */
    bool progress; /* standard error is a terminal */
    bool progress_shown;
} import_out;

static void db_on_skip(void *ctx, const vt_import_skip *skip)
{
    import_out *o = ctx;

    if (o->progress_shown) {
        fputs("\r\033[K", stderr);
        o->progress_shown = false;
    }
    fputs("vulntrack db: skipped ", stderr);
    db_put_clean(stderr, skip->source);
    if (skip->member) {
        fputs(skip->kind == VT_IMPORT_OSV_ZIP ? ", member " : ", file ", stderr);
        db_put_clean(stderr, skip->member);
    }
    fputs(", pointer \"", stderr);
    db_put_clean(stderr, skip->pointer);
    fputs("\": ", stderr);
    db_put_clean(stderr, skip->message);
    fputc('\n', stderr);
}

static void db_on_progress(void *ctx, const char *source, const vt_import_summary *n)
{
    import_out *o = ctx;

    if (!o->progress)
        return;
    fputs("\r\033[K", stderr);
    db_put_clean(stderr, source);
    fprintf(stderr, ": %ld records", n->imported + n->updated + n->unchanged + n->skipped);
    fflush(stderr);
    o->progress_shown = true;
}

static int db_put_counts(vt_buf *b, const vt_import_summary *n)
{
    return vt_buf_printf(b, "imported %ld, updated %ld, unchanged %ld, skipped %ld\n",
                         n->imported, n->updated, n->unchanged, n->skipped);
}

static void db_on_source(void *ctx, const char *source, vt_import_kind kind,
                         const vt_import_summary *n)
{
    import_out *o = ctx;

    if (o->progress_shown) {
        fputs("\r\033[K", stderr);
        o->progress_shown = false;
    }
    /* A failed append only shortens the report; the import itself goes on. */
    for (; *source; source++) {
        unsigned char ch = (unsigned char)*source;

        if (ch < 0x20 || ch == 0x7f)
            vt_buf_printf(&o->lines, "\\x%02x", ch);
        else
            vt_buf_putc(&o->lines, (char)ch);
    }
    if (vt_buf_printf(&o->lines, " (%s): ", vt_import_kind_name(kind)) >= 0)
        db_put_counts(&o->lines, n);
}

static int db_import(int argc, char **argv)
{
    vt_import_options opts = VT_IMPORT_OPTIONS_INIT;
    vt_import_summary total = VT_IMPORT_SUMMARY_INIT;
    vt_error err = VT_ERROR_INIT;
    import_out out = {VT_BUF_INIT, false, false};
    const char **sources = NULL;
    const char *db = NULL;
    vt_store *store = NULL;
    size_t n = 0;
    bool options_done = false;
    int i, r, status = CLI_EXIT_OK, error;

    sources = vt_calloc((size_t)argc + 1, sizeof(*sources));
    if (!sources) {
        cli_errorf("db", "out of memory");
        return CLI_EXIT_INTERNAL;
    }
    for (i = 1; i < argc; i++) {
        if (!options_done && strcmp(argv[i], "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && argv[i][0] == '-' && argv[i][1] != '\0') {
            r = cli_take_option(argc, argv, &i, "--db", &db);
            if (r < 0) {
                status = cli_usage_error(&cli_cmd_db, "--db needs a FILE");
                goto out;
            }
            if (r > 0)
                continue;
            if (strcmp(argv[i], "--strict") == 0) {
                opts.strict = true;
                continue;
            }
            status = cli_usage_error(&cli_cmd_db, "unknown option '%s' for import", argv[i]);
            goto out;
        }
        sources[n++] = argv[i];
    }
    if (n == 0) {
        status = cli_usage_error(&cli_cmd_db, "import needs at least one SOURCE");
        goto out;
    }
    status = cli_open_store("db", db, CLI_EXIT_OK, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    out.progress = isatty(STDERR_FILENO) != 0;
    opts.on_skip = db_on_skip;
    opts.on_source = db_on_source;
    opts.on_progress = db_on_progress;
    opts.ctx = &out;
    error = vt_import_sources(store, sources, n, &opts, &total, &err);
    if (out.progress_shown)
        fputs("\r\033[K", stderr);
    if (error < 0) {
        cli_errorf("db", "%s", err.msg);
        status = cli_exit_for(error);
        goto out;
    }
    fputs(out.lines.ptr, stdout);
    vt_buf_clear(&out.lines);
    if (vt_buf_puts(&out.lines, "total: ") >= 0 && db_put_counts(&out.lines, &total) >= 0)
        fputs(out.lines.ptr, stdout);
    if (fflush(stdout) != 0) {
        cli_errorf("db", "cannot write the summary");
        status = CLI_EXIT_INTERNAL;
    }
out:
    vt_store_close(store);
    vt_buf_dispose(&out.lines);
    vt_free(sources);
    return status;
}

/* ------------------------------------------------------------------------ */
/* stats */

/* Rows are collected first: the table's columns are sized to their content. */
typedef struct stat_row {
    char *kind, *name, *when;
    long count;
} stat_row;

typedef struct stat_rows {
    stat_row *rows;
    size_t n, cap;
    bool failed;
} stat_rows;

static void db_collect_stat(void *ctx, const vt_store_stat *row)
{
    stat_rows *r = ctx;
    stat_row *grown, *dst;

    if (r->failed)
        return;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;

        grown = vt_realloc(r->rows, cap * sizeof(*grown));
        if (!grown) {
            r->failed = true;
            return;
        }
        r->rows = grown;
        r->cap = cap;
    }
    dst = &r->rows[r->n];
    dst->kind = vt_strdup(row->kind);
    dst->name = vt_strdup(row->name);
    dst->when = row->when ? vt_strdup(row->when) : NULL;
    dst->count = row->count;
    r->n++;
    if (!dst->kind || !dst->name || (row->when && !dst->when))
        r->failed = true;
}

static void db_stat_rows_dispose(stat_rows *r)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        vt_free(r->rows[i].kind);
        vt_free(r->rows[i].name);
        vt_free(r->rows[i].when);
    }
    vt_free(r->rows);
}

static long db_stat_count(const stat_rows *r, const char *kind)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        if (strcmp(r->rows[i].kind, kind) == 0)
            return r->rows[i].count;
    return 0;
}

static void db_print_table(const stat_rows *r)
{
    int name_w = (int)strlen("Ecosystem"), src_w = (int)strlen("Source");
    size_t i;
    bool any_source = false;

    for (i = 0; i < r->n; i++) {
        int len = (int)strlen(r->rows[i].name);

        if (strcmp(r->rows[i].kind, "ecosystem") == 0 && len > name_w)
            name_w = len;
        if (strcmp(r->rows[i].kind, "source") == 0 && len > src_w)
            src_w = len;
    }
    printf("%-*s  %10s\n", name_w, "Ecosystem", "Advisories");
    for (i = 0; i < r->n; i++)
        if (strcmp(r->rows[i].kind, "ecosystem") == 0)
            printf("%-*s  %10ld\n", name_w, r->rows[i].name, r->rows[i].count);
    printf("%-*s  %10ld\n", name_w, "total", db_stat_count(r, "advisories"));
    printf("\nKEV entries: %ld\n\n", db_stat_count(r, "kev"));
    for (i = 0; i < r->n; i++) {
        if (strcmp(r->rows[i].kind, "source") != 0)
            continue;
        if (!any_source)
            printf("%-*s  %10s  %s\n", src_w, "Source", "Records", "Last imported");
        any_source = true;
        printf("%-*s  %10ld  %s\n", src_w, r->rows[i].name, r->rows[i].count,
               r->rows[i].when ? r->rows[i].when : "");
    }
    if (!any_source)
        printf("No source imported yet.\n");
}

static int db_print_json(const stat_rows *r)
{
    cJSON *root = cJSON_CreateObject(), *ecos = NULL, *sources = NULL, *src;
    vt_buf text = VT_BUF_INIT;
    size_t i;
    int error = root ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(root, "advisories", (double)db_stat_count(r, "advisories"));
    if (error >= 0) {
        ecos = cJSON_CreateObject();
        error = vt_json_add_take(root, "ecosystems", ecos);
    }
    for (i = 0; error >= 0 && i < r->n; i++)
        if (strcmp(r->rows[i].kind, "ecosystem") == 0)
            error = vt_json_add_num(ecos, r->rows[i].name, (double)r->rows[i].count);
    if (error >= 0)
        error = vt_json_add_num(root, "kev_entries", (double)db_stat_count(r, "kev"));
    if (error >= 0) {
        sources = cJSON_CreateArray();
        error = vt_json_add_take(root, "sources", sources);
    }
    for (i = 0; error >= 0 && i < r->n; i++) {
        if (strcmp(r->rows[i].kind, "source") != 0)
            continue;
        src = cJSON_CreateObject();
        error = vt_json_add_take(sources, NULL, src);
        if (error >= 0)
            error = vt_json_add_str(src, "source", r->rows[i].name);
        if (error >= 0)
            error = vt_json_add_num(src, "records", (double)r->rows[i].count);
        if (error >= 0)
            error = vt_json_add_str(src, "last_imported", r->rows[i].when);
    }
    if (error >= 0)
        error = vt_json_print(&text, root);
    if (error >= 0)
        cli_put_line(text.ptr);
    cJSON_Delete(root);
    vt_buf_dispose(&text);
    return error;
}

static int db_stats(int argc, char **argv)
{
    stat_rows rows = {NULL, 0, 0, false};
    vt_error err = VT_ERROR_INIT;
    const char *db = NULL;
    vt_store *store = NULL;
    bool json = false;
    int i, r, status, error;

    for (i = 1; i < argc; i++) {
        r = cli_take_option(argc, argv, &i, "--db", &db);
        if (r < 0)
            return cli_usage_error(&cli_cmd_db, "--db needs a FILE");
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        return cli_usage_error(&cli_cmd_db, "unexpected argument '%s' for stats", argv[i]);
    }
    status = cli_open_store("db", db, CLI_EXIT_USAGE, " (run 'vulntrack db import' first)", &store);
    if (status != CLI_EXIT_OK)
        return status;
    error = vt_store_stats(store, db_collect_stat, &rows, &err);
    if (error < 0) {
        cli_errorf("db", "%s", err.msg);
        status = cli_exit_for(error);
        goto out;
    }
    if (rows.failed) {
        cli_errorf("db", "out of memory");
        status = CLI_EXIT_INTERNAL;
        goto out;
    }
    if (json) {
        error = db_print_json(&rows);
        if (error < 0) {
            cli_errorf("db", "%s", vt_strerror(error));
            status = CLI_EXIT_INTERNAL;
        }
    } else {
        db_print_table(&rows);
    }
    if (fflush(stdout) != 0) {
        cli_errorf("db", "cannot write the statistics");
        status = CLI_EXIT_INTERNAL;
    }
out:
    db_stat_rows_dispose(&rows);
    vt_store_close(store);
    return status;
}

static int run_db(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(&cli_cmd_db, "expected 'import' or 'stats'");
    if (strcmp(argv[1], "import") == 0)
        return db_import(argc - 1, argv + 1);
    if (strcmp(argv[1], "stats") == 0)
        return db_stats(argc - 1, argv + 1);
    return cli_usage_error(&cli_cmd_db, "unknown subcommand '%s' (expected 'import' or 'stats')",
                           argv[1]);
}
