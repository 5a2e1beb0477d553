/*
 * ledger_export.c - the ledger as JSON lines for third parties, and the
 * verification of such a file trusting only the signing key's public half.
 *
 * The file is: one header line, the purge records, then entries in seq
 * order with each checkpoint right after the entry it seals (a purge's
 * anchor checkpoint before the first entry). docs/ledger.md describes it
 * for someone writing their own verifier. Verification streams the file
 * line by line through the same walker as vt_ledger_verify.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "domain/ledger_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/store_ledger.h"

#define EXPORT_TYPE "vt-ledger-export"
#define EXPORT_VERSION 1
/* Longest line accepted: an entry with the largest detail, every byte of
 * it escaped, fits. */
#define EXPORT_LINE_MAX ((size_t)VT_LEDGER_DETAIL_MAX * 6 + 4 * VT_LEDGER_FIELD_MAX * 6 + 4096)
/* Largest integer a JSON reader keeps exactly (2^53). */
#define EXPORT_INT_MAX 9007199254740992.0

/* ------------------------------------------------------------------------ */
/* Writing */

struct export_ctx {
    FILE *out;
    vt__ledger_cps cps;
    int error;
};

/* Print `obj` (taken) as one line. */
static int export_line(FILE *out, cJSON *obj, vt_error *err)
{
    char *text;
    int error = 0;

    if (!obj)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory exporting the ledger");
    text = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    if (!text)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory exporting the ledger");
    if (fputs(text, out) == EOF || fputc('\n', out) == EOF)
        error = vt_error_set(err, VT_EIO, 0, "writing the ledger export: %s", strerror(errno));
    cJSON_free(text);
    return error;
}

/* Build {"type": type, ...}: returns NULL on out of memory. */
static cJSON *export_obj(const char *type)
{
    cJSON *o = cJSON_CreateObject();

    if (o && vt_json_add_str(o, "type", type) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int export_checkpoint(FILE *out, const vt_ledger_checkpoint_row *c, vt_error *err)
{
    cJSON *o = export_obj("checkpoint");

    if (o && (vt_json_add_num(o, "seq", (double)c->seq) < 0 ||
              vt_json_add_str(o, "entry_hash", c->entry_hash) < 0 ||
              vt_json_add_num(o, "signed_ms", (double)c->signed_ms) < 0 ||
              vt_json_add_str(o, "public_key", c->public_key) < 0 ||
              vt_json_add_str(o, "signature", c->signature) < 0)) {
        cJSON_Delete(o);
        o = NULL;
    }
    return export_line(out, o, err);
}

static int export_purge(void *ctx, const vt_store_ledger_purge *p)
{
    struct export_ctx *x = ctx;
    cJSON *o = export_obj("purge");
    vt_error err = VT_ERROR_INIT;

    if (o && (vt_json_add_num(o, "at_ms", (double)p->at_ms) < 0 ||
              vt_json_add_num(o, "first_seq", (double)p->first_seq) < 0 ||
              vt_json_add_num(o, "last_seq", (double)p->last_seq) < 0 ||
              vt_json_add_num(o, "count", (double)p->count) < 0 ||
              vt_json_add_str(o, "anchor_hash", p->anchor_hash) < 0)) {
        cJSON_Delete(o);
        o = NULL;
    }
    x->error = export_line(x->out, o, &err);
    return x->error;
}

static int export_cps_below(struct export_ctx *x, int64_t seq, vt_error *err)
{
    int error = 0;

    while (error >= 0 && x->cps.next < x->cps.n && x->cps.v[x->cps.next].seq < seq)
        error = export_checkpoint(x->out, &x->cps.v[x->cps.next++], err);
    return error;
}

static int export_entry(void *ctx, const vt_ledger_entry *e)
{
    struct export_ctx *x = ctx;
    vt_error err = VT_ERROR_INIT;
    cJSON *o;

    x->error = export_cps_below(x, e->seq, &err);
    if (x->error < 0)
        return x->error;
    o = export_obj("entry");
    if (o && (vt_json_add_num(o, "seq", (double)e->seq) < 0 ||
              vt_json_add_num(o, "at_ms", (double)e->at_ms) < 0 ||
              vt_json_add_str(o, "kind", e->kind) < 0 ||
              vt_json_add_str(o, "channel", e->channel) < 0 ||
              vt_json_add_str(o, "actor", e->actor) < 0 ||
              vt_json_add_str(o, "subject", e->subject) < 0 ||
              vt_json_add_str(o, "content_sha256", e->content_sha256) < 0 ||
              vt_json_add_str(o, "detail", e->detail) < 0 ||
              vt_json_add_str(o, "prev_hash", e->prev_hash) < 0 ||
              vt_json_add_str(o, "entry_hash", e->entry_hash) < 0)) {
        cJSON_Delete(o);
        o = NULL;
    }
    x->error = export_line(x->out, o, &err);
    if (x->error >= 0 && x->cps.next < x->cps.n && x->cps.v[x->cps.next].seq == e->seq)
        x->error = export_checkpoint(x->out, &x->cps.v[x->cps.next++], &err);
    return x->error;
}

int vt_ledger_export(vt_store *s, FILE *out, vt_error *err)
{
    struct export_ctx x;
    cJSON *head;
    int error;

    memset(&x, 0, sizeof(x));
    x.out = out;
    error = vt_store_read_begin(s, err);
    if (error < 0)
        return error;
    head = export_obj(EXPORT_TYPE);
    if (head && (vt_json_add_num(head, "version", EXPORT_VERSION) < 0 ||
                 vt_json_add_str(head, "entry_format", VT_LEDGER_FORMAT) < 0 ||
                 vt_json_add_str(head, "checkpoint_format", VT_LEDGER_CHECKPOINT_FORMAT) < 0)) {
        cJSON_Delete(head);
        head = NULL;
    }
    error = export_line(out, head, err);
    if (error >= 0)
        error = vt__ledger_cps_load(s, &x.cps, err);
    if (error >= 0)
        error = vt_store_ledger_purge_each(s, export_purge, &x, err);
    if (error >= 0)
        error = vt_store_ledger_each(s, 0, 0, export_entry, &x, err);
    if (error >= 0)
        error = export_cps_below(&x, INT64_MAX, err);
    if (x.error < 0 && error == x.error)
        error = vt_error_set(err, x.error, 0,
                             x.error == VT_EIO ? "writing the ledger export: %s"
                                               : "exporting the ledger: %s",
                             x.error == VT_EIO ? strerror(errno) : vt_strerror(x.error));
    if (error >= 0 && fflush(out) != 0)
        error = vt_error_set(err, VT_EIO, 0, "writing the ledger export: %s", strerror(errno));
    vt_store_read_end(s);
    vt__ledger_cps_dispose(&x.cps);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Reading and verifying */

/* Read one line (without its '\n') into `b`. *eof when nothing was left. */
static int import_read_line(FILE *in, vt_buf *b, bool *eof, long line, vt_error *err)
{
    int c;

    vt_buf_clear(b);
    *eof = false;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (b->len >= EXPORT_LINE_MAX)
            return vt_error_set(err, VT_ETOOBIG, 0, "line %ld: longer than %zu bytes", line,
                                (size_t)EXPORT_LINE_MAX);
        if (vt_buf_putc(b, (char)c) < 0)
            return vt_error_set(err, VT_ENOMEM, 0, "line %ld: out of memory", line);
    }
    if (ferror(in))
        return vt_error_set(err, VT_EIO, 0, "line %ld: read error: %s", line, strerror(errno));
    if (c == EOF && b->len == 0)
        *eof = true;
    return 0;
}

static int field_err(vt_error *err, long line, const char *field, const char *what)
{
    int error = vt_error_set(err, VT_EINVALID, 0, "line %ld: field \"%s\": %s", line, field, what);

    if (err)
        snprintf(err->field, sizeof(err->field), "/%s", field);
    return error;
}

static int get_int(const cJSON *o, const char *name, long line, int64_t *out, vt_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    if (!v)
        return field_err(err, line, name, "missing");
    /* Range first: converting a double outside int64_t is undefined. */
    if (!cJSON_IsNumber(v) ||
        !(v->valuedouble >= -EXPORT_INT_MAX && v->valuedouble <= EXPORT_INT_MAX) ||
        v->valuedouble != floor(v->valuedouble))
        return field_err(err, line, name, "not an integer");
    *out = (int64_t)v->valuedouble;
    return 0;
}

static int get_str(const cJSON *o, const char *name, long line, const char **out, vt_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    if (!v)
        return field_err(err, line, name, "missing");
    if (!cJSON_IsString(v))
        return field_err(err, line, name, "not a string");
    *out = v->valuestring;
    return 0;
}

/* Seqs are positive; ledger seqs start at 1. */
static int get_seq(const cJSON *o, const char *name, long line, int64_t *out, vt_error *err)
{
    int error = get_int(o, name, line, out, err);

    if (error >= 0 && *out < 1)
        return field_err(err, line, name, "not a positive integer");
    return error;
}

static int import_header(const cJSON *o, long line, vt_error *err)
{
    const char *type = NULL, *ef = NULL, *cf = NULL;
    int64_t version = 0;
    int error = get_str(o, "type", line, &type, err);

    if (error >= 0 && strcmp(type, EXPORT_TYPE) != 0)
        return field_err(err, line, "type", "not a vulntrack ledger export (expected \""
                                            EXPORT_TYPE "\")");
    if (error >= 0)
        error = get_int(o, "version", line, &version, err);
    if (error >= 0 && version != EXPORT_VERSION)
        return field_err(err, line, "version", "unsupported version (expected 1)");
    if (error >= 0)
        error = get_str(o, "entry_format", line, &ef, err);
    if (error >= 0 && strcmp(ef, VT_LEDGER_FORMAT) != 0)
        return field_err(err, line, "entry_format", "unsupported (expected \"" VT_LEDGER_FORMAT
                                                    "\")");
    if (error >= 0)
        error = get_str(o, "checkpoint_format", line, &cf, err);
    if (error >= 0 && strcmp(cf, VT_LEDGER_CHECKPOINT_FORMAT) != 0)
        return field_err(err, line, "checkpoint_format",
                         "unsupported (expected \"" VT_LEDGER_CHECKPOINT_FORMAT "\")");
    return error;
}

static int import_entry(vt__ledger_walk *w, const cJSON *o, long line, vt_error *err)
{
    vt_ledger_entry e;
    int error = get_seq(o, "seq", line, &e.seq, err);

    if (error >= 0)
        error = get_int(o, "at_ms", line, &e.at_ms, err);
    if (error >= 0)
        error = get_str(o, "kind", line, &e.kind, err);
    if (error >= 0)
        error = get_str(o, "channel", line, &e.channel, err);
    if (error >= 0)
        error = get_str(o, "actor", line, &e.actor, err);
    if (error >= 0)
        error = get_str(o, "subject", line, &e.subject, err);
    if (error >= 0)
        error = get_str(o, "content_sha256", line, &e.content_sha256, err);
    if (error >= 0)
        error = get_str(o, "detail", line, &e.detail, err);
    if (error >= 0)
        error = get_str(o, "prev_hash", line, &e.prev_hash, err);
    if (error >= 0)
        error = get_str(o, "entry_hash", line, &e.entry_hash, err);
    if (error >= 0)
        error = vt__ledger_walk_entry(w, &e);
    return error;
}

static int import_checkpoint(vt__ledger_walk *w, const cJSON *o, long line, vt_error *err)
{
    vt_ledger_checkpoint_row c;
    int error = get_seq(o, "seq", line, &c.seq, err);

    if (error >= 0)
        error = get_str(o, "entry_hash", line, &c.entry_hash, err);
    if (error >= 0)
        error = get_int(o, "signed_ms", line, &c.signed_ms, err);
    if (error >= 0)
        error = get_str(o, "public_key", line, &c.public_key, err);
    if (error >= 0)
        error = get_str(o, "signature", line, &c.signature, err);
    if (error >= 0)
        vt__ledger_walk_checkpoint(w, &c);
    return error;
}

static int import_purge(vt__ledger_walk *w, const cJSON *o, long line, vt_error *err)
{
    int64_t at_ms, first, last, count;
    const char *anchor;
    int error = get_int(o, "at_ms", line, &at_ms, err);

    if (error >= 0)
        error = get_seq(o, "first_seq", line, &first, err);
    if (error >= 0)
        error = get_seq(o, "last_seq", line, &last, err);
    if (error >= 0)
        error = get_int(o, "count", line, &count, err);
    if (error >= 0)
        error = get_str(o, "anchor_hash", line, &anchor, err);
    if (error >= 0)
        vt__ledger_walk_purge(w, first, last, count, anchor);
    return error;
}

/* Parse one line as a JSON object; nothing but white space may follow it. */
static int import_parse(const vt_buf *b, long line, cJSON **out, vt_error *err)
{
    const char *end = NULL;
    unsigned long failures = vt_alloc_failures();

    *out = cJSON_ParseWithLengthOpts(b->ptr, b->len, &end, false);
    if (!*out && vt_alloc_failures() != failures)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (!*out)
        return vt_error_set(err, VT_EINVALID, end ? (size_t)(end - b->ptr) : 0,
                            "line %ld: malformed JSON at byte %zu", line,
                            end ? (size_t)(end - b->ptr) : (size_t)0);
    for (; end && end < b->ptr + b->len; end++) {
        if (*end != ' ' && *end != '\t' && *end != '\r') {
            cJSON_Delete(*out);
            *out = NULL;
            return vt_error_set(err, VT_EINVALID, (size_t)(end - b->ptr),
                                "line %ld: text after the JSON object at byte %zu", line,
                                (size_t)(end - b->ptr));
        }
    }
    if (!cJSON_IsObject(*out)) {
        cJSON_Delete(*out);
        *out = NULL;
        return vt_error_set(err, VT_EINVALID, 0, "line %ld: not a JSON object", line);
    }
    return 0;
}

int vt_ledger_verify_export(FILE *in, const uint8_t public_key[32], vt_ledger_verify_result *res,
                            vt_error *err)
{
    vt_buf line = VT_BUF_INIT;
    vt__ledger_walk w;
    cJSON *o = NULL;
    long n = 0;
    bool eof = false, body = false;
    int error = 0;

    vt__ledger_walk_init(&w, res, public_key);
    if (sodium_init() < 0)
        return vt_error_set(err, VT_EINTERNAL, 0, "libsodium could not be initialised");
    for (;;) {
        const char *type = NULL;

        n++;
        error = import_read_line(in, &line, &eof, n, err);
        if (error < 0 || eof)
            break;
        error = import_parse(&line, n, &o, err);
        if (error < 0)
            break;
        if (n == 1) {
            error = import_header(o, n, err);
        } else {
            error = get_str(o, "type", n, &type, err);
            if (error < 0) {
                /* reported */
            } else if (strcmp(type, "entry") == 0) {
                body = true;
                error = import_entry(&w, o, n, err);
            } else if (strcmp(type, "checkpoint") == 0) {
                body = true;
                error = import_checkpoint(&w, o, n, err);
            } else if (strcmp(type, "purge") == 0) {
                if (body)
                    error = field_err(err, n, "type",
                                      "a purge record after entries or checkpoints");
                else
                    error = import_purge(&w, o, n, err);
            } else {
                error = field_err(err, n, "type",
                                  "unknown record type (expected entry, checkpoint or purge)");
            }
        }
        cJSON_Delete(o);
        o = NULL;
        if (error < 0)
            break;
    }
    if (error >= 0 && n == 1)
        error = vt_error_set(err, VT_EINVALID, 0, "line 1: empty file, not a ledger export");
    if (error >= 0) {
        vt__ledger_walk_finish(&w);
        /* Trusting only the key, every entry must be under a signature. */
        if (res->intact && res->unsealed > 0)
            vt__ledger_walk_fail(&w, res->last_seq - res->unsealed + 1,
                                 "%" PRId64 " trailing entries (from %" PRId64
                                 ") are not sealed by a checkpoint signed by this key",
                                 res->unsealed, res->last_seq - res->unsealed + 1);
    }
    if (error == VT_ENOMEM && err && !err->msg[0])
        vt_error_set(err, VT_ENOMEM, 0, "line %ld: out of memory", n);
    cJSON_Delete(o);
    vt_buf_dispose(&line);
    return error;
}
