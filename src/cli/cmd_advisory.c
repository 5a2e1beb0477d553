/*
 * cmd_advisory.c - `vulntrack advisory`: the published advisories outside
 * the server. `publish --out DIR` writes a static CSAF provider directory
 * (CSAF 2.0 §7: provider-metadata.json, <year>/<file>.json with its
 * .sha512, index.txt, changes.csv) of the latest revision of every
 * published CSAF document, which any web server can serve as
 * /.well-known/csaf/; `export CASE_REF` prints one published document.
 * Only what the server published (and so the disclosure gate allowed) is
 * ever written: both read published_advisories and nothing else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/cases.h"
#include "vulntrack/csaf.h"
#include "vulntrack/json.h"
#include "vulntrack/store_advisories.h"
#include "vulntrack/store_auth.h"
#include "vulntrack/store_cases.h"

#define CMD "advisory"

extern const cli_command cli_cmd_advisory;

/* One document of the provider directory. */
typedef struct pub_doc {
    char path[VT_CSAF_FILENAME_MAX + 8]; /* "2026/acme-vt-2026-000001.json" */
    char *text;
    char sha512[129];
    char current[64]; /* tracking/current_release_date */
    cJSON *publisher; /* document/publisher (owned) */
} pub_doc;

typedef struct pub_set {
    pub_doc *d;
    size_t n, cap;
    int error;
    char msg[160];
} pub_set;

static void pub_set_dispose(pub_set *p)
{
    size_t i;
    for (i = 0; i < p->n; i++) {
        vt_free(p->d[i].text);
        cJSON_Delete(p->d[i].publisher);
    }
    vt_free(p->d);
    memset(p, 0, sizeof(*p));
}

static const char *doc_str(const cJSON *doc, const char *a, const char *b, const char *c)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, a);
    if (b)
        m = cJSON_GetObjectItemCaseSensitive(m, b);
    if (c)
        m = cJSON_GetObjectItemCaseSensitive(m, c);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* Collect one stored CSAF document (latest revision) for the directory. */
static int pub_take(void *ctx, const vt_advisory_row *r)
{
    pub_set *p = ctx;
    cJSON *doc = NULL;
    const char *id, *initial, *current;
    char fname[VT_CSAF_FILENAME_MAX];
    pub_doc *e;
    int error;

    if (strcmp(r->category, "osv") == 0)
        return 0;
    error = vt_json_parse(&doc, r->document, strlen(r->document), NULL);
    if (error)
        goto out;
    id = doc_str(doc, "document", "tracking", "id");
    initial = doc_str(doc, "document", "tracking", "initial_release_date");
    current = doc_str(doc, "document", "tracking", "current_release_date");
    if (!id || !initial || !current || strlen(initial) < 4 || vt_csaf_filename(fname, id) < 0) {
        snprintf(p->msg, sizeof(p->msg), "stored document %s is not a CSAF document",
                 r->tracking_id);
        error = VT_EINVALID;
        goto out;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        pub_doc *nd = vt_realloc(p->d, cap * sizeof(*nd));
        if (!nd) {
            error = VT_ENOMEM;
            goto out;
        }
        p->d = nd;
        p->cap = cap;
    }
    e = &p->d[p->n];
    memset(e, 0, sizeof(*e));
    /* CSAF 2.0 §7.1.11: one folder per year of the initial release date. */
    snprintf(e->path, sizeof(e->path), "%.4s/%s", initial, fname);
    snprintf(e->current, sizeof(e->current), "%s", current);
    snprintf(e->sha512, sizeof(e->sha512), "%s", r->sha512);
    e->text = vt_strdup(r->document);
    e->publisher = cJSON_DetachItemFromObjectCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(doc, "document"), "publisher");
    if (!e->text || !e->publisher) {
        vt_free(e->text);
        cJSON_Delete(e->publisher);
        error = VT_ENOMEM;
        goto out;
    }
    p->n++;
out:
    cJSON_Delete(doc);
    return error;
}

/* Write `len` bytes to `path` through a temporary file renamed over it. */
static int write_file(const char *path, const char *data, size_t len)
{
    vt_buf tmp = VT_BUF_INIT;
    FILE *f = NULL;
    int error = vt_buf_printf(&tmp, "%s.tmp", path);

    if (!error) {
        f = fopen(tmp.ptr, "wb");
        error = f ? 0 : VT_EIO;
    }
    if (!error && len && fwrite(data, 1, len, f) != len)
        error = VT_EIO;
    if (f && fclose(f) != 0)
        error = VT_EIO;
    if (!error && rename(tmp.ptr, path) != 0)
        error = VT_EIO;
    if (error && f)
        remove(tmp.ptr);
    if (error)
        cli_errorf(CMD, "cannot write %s: %s", path, strerror(errno));
    vt_buf_dispose(&tmp);
    return error;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    cli_errorf(CMD, "cannot create %s: %s", path, strerror(errno));
    return VT_EIO;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const pub_doc *)a)->path, ((const pub_doc *)b)->path);
}

/* changes.csv order: newest current release first, then by path. */
static int by_change(const void *a, const void *b)
{
    const pub_doc *x = a, *y = b;
    int c = strcmp(y->current, x->current);
    return c ? c : strcmp(x->path, y->path);
}

static int write_metadata(const char *dir, const char *base_url, const pub_set *p)
{
    cJSON *m = cJSON_CreateObject(), *dists = cJSON_CreateArray(), *dist = cJSON_CreateObject();
    vt_buf url = VT_BUF_INIT, path = VT_BUF_INIT;
    const char *last = p->d[0].current;
    char *text = NULL;
    size_t i;
    int error = m && dists && dist ? 0 : VT_ENOMEM;

    for (i = 1; i < p->n; i++)
        if (strcmp(p->d[i].current, last) > 0)
            last = p->d[i].current;
    if (!error)
        error = vt_buf_printf(&url, "%s/provider-metadata.json", base_url);
    if (!error)
        error = vt_json_add_str(m, "canonical_url", url.ptr);
    if (!error)
        error = vt_json_add_str(dist, "directory_url", base_url);
    if (!error) {
        error = vt_json_add_take(dists, NULL, dist);
        dist = NULL;
    }
    if (!error) {
        error = vt_json_add_take(m, "distributions", dists);
        dists = NULL;
    }
    if (!error)
        error = vt_json_add_str(m, "last_updated", last);
    if (!error)
        error = vt_json_add_take(m, "list_on_CSAF_aggregators", cJSON_CreateTrue());
    if (!error)
        error = vt_json_add_str(m, "metadata_version", "2.0");
    if (!error)
        error = vt_json_add_take(m, "mirror_on_CSAF_aggregators", cJSON_CreateTrue());
    if (!error)
        error = vt_json_add_take(m, "publisher", cJSON_Duplicate(p->d[0].publisher, true));
    if (!error)
        error = vt_json_add_str(m, "role", "csaf_provider");
    if (!error) {
        text = cJSON_Print(m);
        error = text ? 0 : VT_ENOMEM;
    }
    if (!error)
        error = vt_buf_printf(&path, "%s/provider-metadata.json", dir);
    if (!error)
        error = write_file(path.ptr, text, strlen(text));
    cJSON_free(text);
    cJSON_Delete(m);
    cJSON_Delete(dists);
    cJSON_Delete(dist);
    vt_buf_dispose(&url);
    vt_buf_dispose(&path);
    return error;
}

static int write_tree(const char *dir, const char *base_url, pub_set *p)
{
    vt_buf path = VT_BUF_INIT, body = VT_BUF_INIT;
    size_t i;
    int error = make_dir(dir);

    qsort(p->d, p->n, sizeof(*p->d), by_path);
    for (i = 0; !error && i < p->n; i++) {
        const pub_doc *e = &p->d[i];
        const char *slash = strchr(e->path, '/');
        vt_buf_clear(&path);
        error = vt_buf_printf(&path, "%s/%.*s", dir, (int)(slash - e->path), e->path);
        if (!error)
            error = make_dir(path.ptr);
        vt_buf_clear(&path);
        if (!error)
            error = vt_buf_printf(&path, "%s/%s", dir, e->path);
        if (!error)
            error = write_file(path.ptr, e->text, strlen(e->text));
        vt_buf_clear(&body);
        if (!error)
            error = vt_buf_printf(&body, "%s  %s\n", e->sha512, slash + 1);
        if (!error)
            error = vt_buf_puts(&path, ".sha512");
        if (!error)
            error = write_file(path.ptr, body.ptr, body.len);
    }
    vt_buf_clear(&body);
    for (i = 0; !error && i < p->n; i++)
        error = vt_buf_printf(&body, "%s\n", p->d[i].path);
    vt_buf_clear(&path);
    if (!error)
        error = vt_buf_printf(&path, "%s/index.txt", dir);
    if (!error)
        error = write_file(path.ptr, body.ptr, body.len);
    qsort(p->d, p->n, sizeof(*p->d), by_change);
    vt_buf_clear(&body);
    for (i = 0; !error && i < p->n; i++)
        error = vt_buf_printf(&body, "\"%s\",\"%s\"\n", p->d[i].path, p->d[i].current);
    vt_buf_clear(&path);
    if (!error)
        error = vt_buf_printf(&path, "%s/changes.csv", dir);
    if (!error)
        error = write_file(path.ptr, body.ptr, body.len);
    if (!error)
        error = write_metadata(dir, base_url, p);
    vt_buf_dispose(&path);
    vt_buf_dispose(&body);
    return error;
}

static int org_id_take(void *ctx, const vt_store_org_row *r)
{
    *(int64_t *)ctx = r->id;
    return 0;
}

static int run_publish(int argc, char **argv)
{
    const char *out = NULL, *db = NULL, *base = NULL, *org = NULL;
    const cli_option opts[] = {
        {"--out", &out}, {"--db", &db}, {"--base-url", &base}, {"--org", &org}, {NULL, NULL}};
    vt_error err = VT_ERROR_INIT;
    vt_advisory_filter f = {0};
    pub_set p = {0};
    vt_store *s = NULL;
    vt_buf url = VT_BUF_INIT;
    bool found = false;
    size_t i;
    int status, error = 0, k;

    for (k = 2; k < argc; k++) {
        int r = cli_take_options(&cli_cmd_advisory, argc, argv, &k, opts);
        if (r < 0)
            return CLI_EXIT_USAGE;
        if (r == 0)
            return cli_usage_error(&cli_cmd_advisory, "unexpected argument '%s'", argv[k]);
    }
    if (!out)
        return cli_usage_error(&cli_cmd_advisory, "publish needs --out DIR");
    status = cli_open_store(CMD, db, CLI_EXIT_INTERNAL, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    if (org) {
        error = vt_store_org_find(s, org, 0, &found, org_id_take, &f.org_id, &err);
        if (!error && !found) {
            vt_store_close(s);
            return cli_usage_error(&cli_cmd_advisory, "no organisation '%s'", org);
        }
    }
    f.latest_only = true;
    if (!error)
        error = vt_store_advisory_each(s, &f, pub_take, &p, &err);
    vt_store_close(s);
    if (error) {
        cli_errorf(CMD, "%s", p.msg[0] ? p.msg : err.msg);
        pub_set_dispose(&p);
        return cli_exit_for(error);
    }
    if (p.n == 0) {
        cli_errorf(CMD, "no published advisories");
        pub_set_dispose(&p);
        return CLI_EXIT_FOUND;
    }
    /* One provider directory has one publisher. */
    for (i = 1; i < p.n; i++) {
        if (!cJSON_Compare(p.d[i].publisher, p.d[0].publisher, true)) {
            cli_errorf(CMD, "advisories of several publishers: name one with --org SLUG");
            pub_set_dispose(&p);
            return CLI_EXIT_USAGE;
        }
    }
    if (!base) {
        const char *ns = doc_str(p.d[0].publisher, "namespace", NULL, NULL);
        size_t n = ns ? strlen(ns) : 0;
        while (n && ns[n - 1] == '/')
            n--;
        error = vt_buf_printf(&url, "%.*s/.well-known/csaf", (int)n, ns ? ns : "");
        base = url.ptr;
    }
    if (!error)
        error = write_tree(out, base, &p);
    pub_set_dispose(&p);
    vt_buf_dispose(&url);
    return error ? CLI_EXIT_INTERNAL : CLI_EXIT_OK;
}

struct export_find {
    char *text;
};

static int export_take(void *ctx, const vt_advisory_row *r)
{
    struct export_find *x = ctx;
    vt_free(x->text);
    x->text = vt_strdup(r->document);
    return x->text ? 0 : VT_ENOMEM;
}

static int run_export(int argc, char **argv)
{
    const char *db = NULL, *format = NULL, *ref = NULL;
    const cli_option opts[] = {{"--db", &db}, {"--format", &format}, {NULL, NULL}};
    vt_error err = VT_ERROR_INIT;
    vt_advisory_filter f = {0};
    vt_advisory_format fmt = VT_ADVISORY_CSAF;
    struct export_find x = {NULL};
    vt_case c = VT_CASE_INIT;
    vt_store *s = NULL;
    int status, error, k;

    for (k = 2; k < argc; k++) {
        int r = cli_take_options(&cli_cmd_advisory, argc, argv, &k, opts);
        if (r < 0)
            return CLI_EXIT_USAGE;
        if (r == 0 && !ref && argv[k][0] != '-') {
            ref = argv[k];
            continue;
        }
        if (r == 0)
            return cli_usage_error(&cli_cmd_advisory, "unexpected argument '%s'", argv[k]);
    }
    if (!ref)
        return cli_usage_error(&cli_cmd_advisory, "export needs a case reference");
    if (format && !vt_advisory_format_parse(format, &fmt))
        return cli_usage_error(&cli_cmd_advisory, "--format must be csaf, csaf_vex or osv");
    status = cli_open_store(CMD, db, CLI_EXIT_INTERNAL, NULL, &s);
    if (status != CLI_EXIT_OK)
        return status;
    error = vt_store_case_get(s, 0, ref, &c, &err);
    if (error == VT_ENOTFOUND) {
        vt_store_close(s);
        cli_errorf(CMD, "no case %s", ref);
        return CLI_EXIT_FOUND;
    }
    f.case_id = c.id;
    f.category = vt_advisory_format_category(fmt);
    f.latest_only = true;
    if (!error)
        error = vt_store_advisory_each(s, &f, export_take, &x, &err);
    vt_case_dispose(&c);
    vt_store_close(s);
    if (error) {
        vt_free(x.text);
        cli_errorf(CMD, "%s", err.msg);
        return cli_exit_for(error);
    }
    if (!x.text) {
        cli_errorf(CMD, "case %s has no published %s document", ref, f.category);
        return CLI_EXIT_FOUND;
    }
    cli_put_line(x.text);
    vt_free(x.text);
    return CLI_EXIT_OK;
}

static int run_advisory(int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return cli_print_usage(&cli_cmd_advisory);
    if (argc < 2)
        return cli_usage_error(&cli_cmd_advisory, "missing subcommand");
    if (strcmp(argv[1], "publish") == 0)
        return run_publish(argc, argv);
    if (strcmp(argv[1], "export") == 0)
        return run_export(argc, argv);
    return cli_usage_error(&cli_cmd_advisory, "unknown subcommand '%s'", argv[1]);
}

const cli_command cli_cmd_advisory = {
    .name = "advisory",
    .summary = "write the published advisories as a CSAF provider directory, or export one",
    .usage =
        "usage: vulntrack advisory publish --out DIR [--db FILE] [--base-url URL] [--org SLUG]\n"
        "       vulntrack advisory export CASE_REF [--format csaf|csaf_vex|osv] [--db FILE]\n"
        "\n"
        "publish writes the latest revision of every published CSAF document (security\n"
        "advisories and VEX) as a static CSAF 2.0 provider directory: provider-metadata.json,\n"
        "<year>/<file>.json and <file>.json.sha512, index.txt and changes.csv (newest\n"
        "first). Serve DIR as https://HOST/.well-known/csaf/; --base-url is that URL\n"
        "(default: the publisher namespace + /.well-known/csaf). Re-running gives the\n"
        "same tree. Only advisories the server published (the gate allowed) appear.\n"
        "With advisories of several organisations, --org names the publisher.\n"
        "export prints a case's published document (default csaf); exit 1 when none.\n",
    .run = run_advisory,
};
