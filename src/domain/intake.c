/*
 * intake.c - recording reports and messages of the intake channel, and
 * reading them back for the reporter and for staff (intake.h).
 *
 * A report is recorded in one piece inside the writer's transaction: the
 * report row, its attachments, and the "report.received" ledger entry whose
 * seq and hash become the submitter's receipt (spec §6: one append-only
 * record per received report, written synchronously at E_RECEIVED). The
 * row is inserted first because attachments refer to it and the ledger
 * detail names their ids; the body and ledger seq are filled in last.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "vulntrack/alloc.h"
#include "vulntrack/intake.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/store_intake.h"

static int oom(vt_error *err)
{
    return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
}

static void sha256_hex(char out[65], const void *data, size_t len)
{
    unsigned char digest[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(digest, data, len);
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

/* ---------------------------------------------------------------------- */
/* Report ids                                                              */

/* Crockford's base32: no I, L, O, U, so ids read aloud without confusion. */
static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
#define ID_PREFIX "R-"
#define ID_DIGITS 20 /* 10 for the millisecond time, 10 random */

static int b32_value(char c)
{
    const char *p = c ? strchr(b32, c) : NULL;

    return p ? (int)(p - b32) : -1;
}

static bool id_well_formed(const char *id)
{
    size_t i;

    if (strncmp(id, ID_PREFIX, 2) != 0 || strlen(id) != 2 + ID_DIGITS)
        return false;
    for (i = 2; id[i]; i++)
        if (b32_value(id[i]) < 0)
            return false;
    return true;
}

/*
 * A new report id: "R-", the receipt time in milliseconds as 10 base32
 * digits, then 50 random bits. Ids sort in the order reports were
 * received, so "newest first" is the primary key read backwards. Clocks can
 * step back (or be pinned in tests), and two reports can share a
 * millisecond: when the candidate would not sort after the newest stored
 * id, it is that id plus one, so the order is still the commit order (the
 * writer records reports one at a time).
 */
static int report_id_new(vt_store *w, int64_t at_ms, char out[VT_INTAKE_ID_MAX], vt_error *err)
{
    char last[VT_INTAKE_ID_MAX];
    bool found;
    unsigned char rnd[8];
    uint64_t t = (uint64_t)(at_ms < 0 ? 0 : at_ms), r;
    int i, error;

    randombytes_buf(rnd, sizeof(rnd));
    memcpy(&r, rnd, sizeof(r));
    memcpy(out, ID_PREFIX, 2);
    for (i = 9; i >= 0; i--, t >>= 5)
        out[2 + i] = b32[t & 31];
    for (i = 9; i >= 0; i--, r >>= 5)
        out[12 + i] = b32[r & 31];
    out[2 + ID_DIGITS] = '\0';

    error = vt_store_report_max_id(w, last, sizeof(last), &found, err);
    if (error < 0 || !found || !id_well_formed(last) || strcmp(out, last) > 0)
        return error;
    memcpy(out, last, sizeof(last));
    for (i = 2 + ID_DIGITS - 1; i >= 2; i--) {
        int v = b32_value(out[i]);

        if (v < 31) {
            out[i] = b32[v + 1];
            return 0;
        }
        out[i] = '0';
    }
    return vt_error_set(err, VT_EINTERNAL, 0, "report ids exhausted");
}

/* ---------------------------------------------------------------------- */
/* Attachments                                                             */

/* {"id", "filename", "media_type", "classification", "size", "sha256"}. */
static cJSON *attachment_ref(int64_t id, const char *filename, const char *media_type,
                             const char *classification, int64_t size, const char *sha256)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || vt_json_add_num(o, "id", (double)id) < 0 ||
        vt_json_add_str(o, "filename", filename) < 0 ||
        vt_json_add_str(o, "media_type", media_type) < 0 ||
        vt_json_add_str(o, "classification", classification) < 0 ||
        vt_json_add_num(o, "size", (double)size) < 0 || vt_json_add_str(o, "sha256", sha256) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/*
 * Insert attachments `v` of report `report_id` (message `message_id`, 0
 * for the report itself) and append a reference to each to `refs`.
 */
static int attachments_store(vt_store *w, const char *report_id, int64_t message_id,
                             const vt_intake_attachment *v, size_t n, cJSON *refs, vt_error *err)
{
    size_t i;

    for (i = 0; i < n; i++) {
        vt_store_attachment_row row;
        int64_t id = 0;
        int error;

        memset(&row, 0, sizeof(row));
        row.report_id = report_id;
        row.message_id = message_id;
        row.filename = v[i].filename;
        row.media_type = v[i].media_type;
        row.classification = v[i].classification;
        row.size = (int64_t)v[i].size;
        row.sha256 = v[i].sha256;
        row.content = v[i].content;
        error = vt_store_attachment_insert(w, &row, &id, err);
        if (error < 0)
            return error;
        if (vt_json_add_take(refs, NULL,
                             attachment_ref(id, v[i].filename, v[i].media_type,
                                            v[i].classification, (int64_t)v[i].size,
                                            v[i].sha256)) < 0)
            return oom(err);
    }
    return 0;
}

/* A deep copy of `item` added to `obj` under `key`; JSON null when item is NULL. */
static int add_copy(cJSON *obj, const char *key, const cJSON *item)
{
    return vt_json_add_take(obj, key,
                            item ? cJSON_Duplicate(item, true) : cJSON_CreateNull());
}

/* ---------------------------------------------------------------------- */
/* Submit                                                                  */

/*
 * Spec §5, Art. 10: a collection platform may open its public third-party
 * intake only with its MIIT filing number (flag platform_filing_id). The
 * policy is a hard block; staff may still file reports themselves.
 */
static int platform_gate(vt_store *w, int64_t org_id, const char *field, vt_error *err)
{
    vt_org o;
    cJSON *flags = NULL;
    const cJSON *id;
    bool filed;
    int error;

    memset(&o, 0, sizeof(o));
    error = vt_org_get(w, NULL, org_id, &o, err);
    if (error < 0)
        return error;
    if (strcmp(o.kind, "platform") != 0) {
        vt_org_dispose(&o);
        return 0;
    }
    if (o.flags && vt_json_parse(&flags, o.flags, strlen(o.flags), NULL) < 0)
        flags = NULL;
    id = cJSON_GetObjectItemCaseSensitive(flags, "platform_filing_id");
    filed = cJSON_IsString(id) && id->valuestring[0];
    cJSON_Delete(flags);
    if (!filed)
        error = vt_error_set_field(err, VT_EUNSUPPORTED, field,
                                   "'%s' is a collection platform without a MIIT filing id: "
                                   "its public intake is closed (Art. 10)",
                                   o.slug);
    vt_org_dispose(&o);
    return error;
}

/*
 * The ledger detail of a received report: the intake-log fields of spec §6
 * that the entry itself does not carry (its at_ms is the receipt time, its
 * channel and actor the channel and submitter, its content hash covers the
 * request bytes).
 */
static cJSON *received_detail(const vt_intake_report *r, const char *id, const char *org_slug,
                              const char *received_at, const cJSON *refs)
{
    cJSON *d = cJSON_CreateObject(), *att;
    const cJSON *a;

    if (!d || vt_json_add_str(d, "record", id) < 0 ||
        add_copy(d, "product", cJSON_GetObjectItemCaseSensitive(r->doc, "product")) < 0 ||
        vt_json_add_str(d, "vendor", r->vendor) < 0 || vt_json_add_str(d, "summary", r->title) < 0 ||
        add_copy(d, "reporter", cJSON_GetObjectItemCaseSensitive(r->doc, "reporter")) < 0 ||
        vt_json_add_str(d, "handler", org_slug && *org_slug ? org_slug : NULL) < 0 ||
        vt_json_add_str(d, "acknowledged_at", received_at) < 0 ||
        vt_json_add_take(d, "attachments", cJSON_CreateArray()) < 0)
        goto fail;
    att = cJSON_GetObjectItemCaseSensitive(d, "attachments");
    cJSON_ArrayForEach(a, refs)
    {
        static const char *const keys[] = {"id", "filename", "classification", "size",
                                           "sha256"};
        cJSON *h = cJSON_CreateObject();
        size_t i;

        if (vt_json_add_take(att, NULL, h) < 0)
            goto fail;
        for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            if (add_copy(h, keys[i], cJSON_GetObjectItemCaseSensitive(a, keys[i])) < 0)
                goto fail;
    }
    return d;
fail:
    cJSON_Delete(d);
    return NULL;
}

static void receipt_fill(vt_intake_receipt *out, const vt_ledger_receipt *lr)
{
    out->seq = lr->seq;
    memcpy(out->entry_hash, lr->entry_hash, sizeof(out->entry_hash));
    out->at_ms = lr->at_ms;
    memcpy(out->received_at, lr->received_at, sizeof(out->received_at));
}

int vt_intake_submit(vt_store *w, const vt_intake_report *r, const vt_intake_source *src,
                     vt_intake_receipt *out, vt_error *err)
{
    vt_store_report_row row;
    vt_ledger_entry_in in;
    vt_ledger_receipt lr;
    vt_buf text = VT_BUF_INIT;
    cJSON *body = NULL, *refs = NULL, *detail = NULL;
    char content_sha[65], org_slug[VT_INTAKE_SLUG_MAX + 1] = "", received_at[VT_TIME_TEXT_MAX];
    uint8_t hash[32];
    int64_t org_id = 0, at_ms = src->at_ms ? src->at_ms : vt_clock_now_ms();
    int error;

    memset(out, 0, sizeof(*out));
    if (sodium_init() < 0)
        return vt_error_set(err, VT_EINTERNAL, 0, "libsodium is not usable");

    if (r->vendor) {
        error = vt_store_org_id_by_slug(w, r->vendor, &org_id, err);
        if (error < 0)
            goto out;
        if (org_id == 0) {
            error = vt_error_set_field(err, VT_EINVALID, "/vendor", "no organisation '%s'",
                                       r->vendor);
            goto out;
        }
    } else {
        error = vt_store_intake_org(w, src->default_org, &org_id, err);
        if (error < 0)
            goto out;
    }
    if (org_id > 0) {
        error = vt_store_org_slug(w, org_id, org_slug, sizeof(org_slug), err);
        if (error == 0 && src->external)
            error = platform_gate(w, org_id, r->vendor ? "/vendor" : "", err);
        if (error < 0)
            goto out;
    }

    error = report_id_new(w, at_ms, out->id, err);
    if (error < 0)
        goto out;
    vt_token_generate(VT_TOKEN_PREFIX_TRACKING, out->tracking_token, hash);
    sha256_hex(content_sha, src->body, src->body_len);
    vt_time_format_utc(received_at, at_ms);

    memset(&row, 0, sizeof(row));
    row.id = out->id;
    row.org_id = org_id;
    row.tracking_hash = hash;
    row.received_ms = at_ms;
    row.channel = src->channel;
    row.client_addr = src->client_addr;
    row.submitted_by = src->actor;
    row.title = r->title;
    row.body = "{}"; /* filled in below, once the attachments have ids */
    row.content_sha256 = content_sha;
    /* The receipt below is the acknowledgement; it is sent as soon as this
     * transaction is durable. */
    row.acknowledged_ms = at_ms;
    error = vt_store_report_insert(w, &row, err);
    if (error < 0)
        goto out;

    refs = cJSON_CreateArray();
    if (!refs) {
        error = oom(err);
        goto out;
    }
    error = attachments_store(w, out->id, 0, r->attachments, r->nattachments, refs, err);
    if (error < 0)
        goto out;

    detail = received_detail(r, out->id, org_slug, received_at, refs);
    body = cJSON_Duplicate(r->doc, true);
    if (!detail || !body || vt_json_add_take(body, "attachments", refs) < 0) {
        refs = NULL;
        error = oom(err);
        goto out;
    }
    refs = NULL; /* owned by body */
    error = vt_json_print(&text, detail);
    if (error == 0 && text.len > VT_LEDGER_DETAIL_MAX) {
        /* Many attachments with long names: §6 asks for their hashes, so
         * the names (kept in the report row) give way first. */
        const cJSON *a;

        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(detail, "attachments"))
            cJSON_DeleteItemFromObjectCaseSensitive((cJSON *)a, "filename");
        vt_buf_clear(&text);
        error = vt_json_print(&text, detail);
    }
    if (error < 0) {
        error = oom(err);
        goto out;
    }

    memset(&in, 0, sizeof(in));
    in.kind = "report.received";
    in.channel = src->channel;
    in.actor = src->actor;
    in.subject = out->id;
    in.content = src->body;
    in.content_len = src->body_len;
    in.detail = text.ptr;
    in.at_ms = at_ms;
    error = vt_ledger_append(w, &in, &lr, err);
    if (error < 0)
        goto out;
    receipt_fill(out, &lr);

    vt_buf_clear(&text);
    error = vt_json_print(&text, body);
    if (error < 0) {
        error = oom(err);
        goto out;
    }
    error = vt_store_report_finish(w, out->id, text.ptr, lr.seq, err);
out:
    if (error < 0) {
        /* Never hand back a token for a report that was not recorded. */
        sodium_memzero(out->tracking_token, sizeof(out->tracking_token));
    }
    sodium_memzero(hash, sizeof(hash));
    vt_buf_dispose(&text);
    cJSON_Delete(refs);
    cJSON_Delete(detail);
    cJSON_Delete(body);
    return error;
}

/* ---------------------------------------------------------------------- */
/* Messages                                                                */

static int report_exists_cb(void *ctx, const vt_store_report_row *r)
{
    (void)ctx;
    (void)r;
    return 0;
}

int vt_intake_add_message(vt_store *w, const char *report_id, const vt_intake_message *m,
                          const char *author, const vt_intake_source *src,
                          vt_intake_receipt *out, vt_error *err)
{
    vt_store_message_row row;
    vt_ledger_entry_in in;
    vt_ledger_receipt lr;
    vt_buf text = VT_BUF_INIT;
    cJSON *detail = NULL, *refs = NULL;
    char content_sha[65];
    int64_t at_ms = src->at_ms ? src->at_ms : vt_clock_now_ms(), id = 0;
    int error;

    memset(out, 0, sizeof(*out));
    error = vt_store_report_get(w, report_id, report_exists_cb, NULL, err);
    if (error < 0)
        return error;
    snprintf(out->id, sizeof(out->id), "%s", report_id);
    sha256_hex(content_sha, src->body, src->body_len);

    memset(&row, 0, sizeof(row));
    row.report_id = report_id;
    row.received_ms = at_ms;
    row.author = author;
    row.body = m->text;
    row.content_sha256 = content_sha;
    error = vt_store_message_insert(w, &row, &id, err);
    if (error < 0)
        goto out;
    out->message_id = id;

    detail = cJSON_CreateObject();
    refs = cJSON_CreateArray();
    if (!detail || !refs || vt_json_add_str(detail, "record", report_id) < 0 ||
        vt_json_add_num(detail, "message", (double)id) < 0 ||
        vt_json_add_str(detail, "author", author) < 0) {
        error = oom(err);
        goto out;
    }
    error = attachments_store(w, report_id, id, m->attachments, m->nattachments, refs, err);
    if (error < 0)
        goto out;
    error = vt_json_add_take(detail, "attachments", refs);
    refs = NULL;
    if (error < 0 || vt_json_print(&text, detail) < 0) {
        error = oom(err);
        goto out;
    }

    memset(&in, 0, sizeof(in));
    in.kind = "report.message";
    in.channel = src->channel;
    in.actor = src->actor;
    in.subject = report_id;
    in.content = src->body;
    in.content_len = src->body_len;
    in.detail = text.ptr;
    in.at_ms = at_ms;
    error = vt_ledger_append(w, &in, &lr, err);
    if (error < 0)
        goto out;
    receipt_fill(out, &lr);
    error = vt_store_message_set_seq(w, id, lr.seq, err);
out:
    vt_buf_dispose(&text);
    cJSON_Delete(refs);
    cJSON_Delete(detail);
    return error;
}

/* ---------------------------------------------------------------------- */
/* Reading                                                                 */

static bool is_reader(const vt_principal *who)
{
    return (who->kind == VT_PRINCIPAL_MACHINE || who->kind == VT_PRINCIPAL_SESSION) &&
           (who->role & VT_ROLES_READERS) != 0;
}

/* May `who` see report row `r`, and with staff fields? */
static bool may_see(const vt_principal *who, const vt_store_report_row *r, bool *staff)
{
    *staff = false;
    if (who->kind == VT_PRINCIPAL_TRACKING)
        return strcmp(who->report_id, r->id) == 0;
    if (!is_reader(who))
        return false;
    *staff = true;
    return who->org_id == 0 || who->org_id == r->org_id;
}

typedef struct view_ctx {
    vt_store *s;
    const vt_principal *who;
    bool staff;
    cJSON *out;      /* the view being built */
    cJSON *messages; /* into out */
    int64_t org_id;
    int error;
} view_ctx;

static int view_report_cb(void *ctx, const vt_store_report_row *r)
{
    view_ctx *v = ctx;
    cJSON *o;

    if (!may_see(v->who, r, &v->staff))
        return VT_ENOTFOUND;
    o = cJSON_CreateObject();
    v->out = o;
    v->org_id = r->org_id;
    if (!o || vt_json_add_str(o, "id", r->id) < 0 || vt_json_add_str(o, "title", r->title) < 0 ||
        vt_json_add_str(o, "status", r->status) < 0 ||
        vt_json_add_time(o, "received_at", r->received_ms) < 0 ||
        vt_json_add_str(o, "case", r->case_ref) < 0)
        return VT_ENOMEM;
    if (!v->staff)
        return 0;
    if (vt_json_add_str(o, "channel", r->channel) < 0 ||
        vt_json_add_str(o, "submitted_by", r->submitted_by) < 0 ||
        vt_json_add_str(o, "client_addr", r->client_addr) < 0 ||
        vt_json_add_str(o, "content_sha256", r->content_sha256) < 0 ||
        vt_json_add_num(o, "ledger_seq", (double)r->ledger_seq) < 0 ||
        vt_json_add_time(o, "acknowledged_at", r->acknowledged_ms) < 0)
        return VT_ENOMEM;
    {
        cJSON *doc = NULL;

        /* The stored body is our own JSON; a parse failure means damage. */
        if (vt_json_parse(&doc, r->body, strlen(r->body), NULL) < 0)
            return VT_EINTERNAL;
        if (vt_json_add_take(o, "report", doc) < 0)
            return VT_ENOMEM;
    }
    return 0;
}

static int view_message_cb(void *ctx, const vt_store_message_row *m)
{
    view_ctx *v = ctx;
    cJSON *o = cJSON_CreateObject();
    bool by_reporter = strcmp(m->author, "reporter") == 0;

    if (vt_json_add_take(v->messages, NULL, o) < 0 || vt_json_add_num(o, "id", (double)m->id) < 0 ||
        vt_json_add_str(o, "author",
                        v->staff ? m->author : (by_reporter ? "reporter" : "staff")) < 0 ||
        vt_json_add_time(o, "received_at", m->received_ms) < 0 ||
        vt_json_add_str(o, "text", m->body) < 0 ||
        vt_json_add_take(o, "attachments", cJSON_CreateArray()) < 0)
        return VT_ENOMEM;
    if (v->staff && (vt_json_add_str(o, "content_sha256", m->content_sha256) < 0 ||
                     vt_json_add_num(o, "ledger_seq", (double)m->ledger_seq) < 0))
        return VT_ENOMEM;
    return 0;
}

/* File each attachment under the report or under its message. */
static int view_attachment_cb(void *ctx, const vt_store_attachment_row *a)
{
    view_ctx *v = ctx;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(v->out, "attachments");

    if (a->message_id > 0) {
        const cJSON *m;

        cJSON_ArrayForEach(m, v->messages)
        {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");

            if (cJSON_IsNumber(id) && (int64_t)id->valuedouble == a->message_id)
                list = cJSON_GetObjectItemCaseSensitive(m, "attachments");
        }
    }
    return vt_json_add_take(list, NULL,
                            attachment_ref(a->id, a->filename, a->media_type, a->classification,
                                           a->size, a->sha256));
}

int vt_intake_report_view(vt_store *s, const vt_principal *who, const char *id, cJSON **out,
                          vt_error *err)
{
    view_ctx v;
    int error;

    *out = NULL;
    memset(&v, 0, sizeof(v));
    v.s = s;
    v.who = who;
    error = vt_store_read_begin(s, err);
    if (error < 0)
        return error;
    error = vt_store_report_get(s, id, view_report_cb, &v, err);
    if (error == VT_ENOTFOUND)
        vt_error_set(err, VT_ENOTFOUND, 0, "no report '%s'", id);
    if (error < 0)
        goto out;
    if (v.staff) {
        char slug[VT_INTAKE_SLUG_MAX + 1];

        error = vt_store_org_slug(s, v.org_id, slug, sizeof(slug), err);
        if (error < 0)
            goto out;
        if (vt_json_add_str(v.out, "org", *slug ? slug : NULL) < 0) {
            error = oom(err);
            goto out;
        }
    }
    v.messages = cJSON_CreateArray();
    if (vt_json_add_take(v.out, "attachments", cJSON_CreateArray()) < 0 ||
        vt_json_add_take(v.out, "messages", v.messages) < 0) {
        error = oom(err);
        goto out;
    }
    error = vt_store_message_each(s, id, view_message_cb, &v, err);
    if (error == 0)
        error = vt_store_attachment_each(s, id, view_attachment_cb, &v, err);
    if (error == VT_ENOMEM)
        oom(err);
    if (error < 0)
        goto out;
    *out = v.out;
    v.out = NULL;
out:
    vt_store_read_end(s);
    if (error == VT_ENOMEM)
        oom(err);
    else if (error == VT_EINTERNAL)
        vt_error_set(err, error, 0, "stored report '%s' is damaged", id);
    cJSON_Delete(v.out);
    return error;
}

typedef struct list_ctx {
    cJSON *items;
    long n;
    char last[VT_INTAKE_ID_MAX];
} list_ctx;

static int list_cb(void *ctx, const vt_store_report_row *r)
{
    list_ctx *l = ctx;
    cJSON *o = cJSON_CreateObject();

    if (vt_json_add_take(l->items, NULL, o) < 0 || vt_json_add_str(o, "id", r->id) < 0 ||
        vt_json_add_str(o, "title", r->title) < 0 || vt_json_add_str(o, "status", r->status) < 0 ||
        vt_json_add_time(o, "received_at", r->received_ms) < 0 ||
        vt_json_add_str(o, "channel", r->channel) < 0 ||
        vt_json_add_str(o, "case", r->case_ref) < 0)
        return VT_ENOMEM;
    l->n++;
    snprintf(l->last, sizeof(l->last), "%s", r->id);
    return 0;
}

int vt_intake_report_list(vt_store *s, const vt_principal *who, const char *status,
                          const char *after, long limit, cJSON **out, vt_error *err)
{
    list_ctx l;
    cJSON *o = NULL;
    int error;
    size_t i;

    *out = NULL;
    if (!is_reader(who))
        return vt_error_set(err, VT_ENOTFOUND, 0, "no reports");
    if (limit < 1 || limit > 200)
        return vt_error_set_field(err, VT_EINVALID, "limit", "must be between 1 and 200");
    if (status) {
        for (i = 0; status[i]; i++)
            if (!(status[i] >= 'a' && status[i] <= 'z') && status[i] != '_')
                break;
        if (i == 0 || status[i] || i > 32)
            return vt_error_set_field(err, VT_EINVALID, "status",
                                      "must be a status name such as 'received'");
    }
    memset(&l, 0, sizeof(l));
    o = cJSON_CreateObject();
    l.items = cJSON_CreateArray();
    if (!o || vt_json_add_take(o, "items", l.items) < 0) {
        cJSON_Delete(o);
        return oom(err);
    }
    error = vt_store_report_each(s, who->org_id, status, after, limit, list_cb, &l, err);
    if (error == 0 && vt_json_add_str(o, "next", l.n == limit ? l.last : NULL) < 0)
        error = VT_ENOMEM;
    if (error == VT_ENOMEM)
        oom(err);
    if (error < 0) {
        cJSON_Delete(o);
        return error;
    }
    *out = o;
    return 0;
}

static int check_cb(void *ctx, const vt_store_report_row *r)
{
    bool staff;

    return may_see(ctx, r, &staff) ? 0 : VT_ENOTFOUND;
}

int vt_intake_report_check(vt_store *s, const vt_principal *who, const char *id, vt_error *err)
{
    int error = vt_store_report_get(s, id, check_cb, (void *)who, err);

    if (error == VT_ENOTFOUND)
        vt_error_set(err, VT_ENOTFOUND, 0, "no report '%s'", id);
    return error;
}

typedef struct att_ctx {
    const vt_principal *who;
    vt_intake_stored *out;
} att_ctx;

static int att_report_cb(void *ctx, const vt_store_report_row *r)
{
    att_ctx *a = ctx;
    bool staff;

    return may_see(a->who, r, &staff) && staff ? 0 : VT_ENOTFOUND;
}

static int att_copy_cb(void *ctx, const vt_store_attachment_row *row)
{
    att_ctx *a = ctx;
    vt_intake_attachment *d = &a->out->a;

    a->out->id = row->id;
    d->filename = vt_strdup(row->filename);
    d->media_type = vt_strdup(row->media_type);
    d->classification = vt_strdup(row->classification);
    d->size = (size_t)row->size;
    d->content = vt_malloc(d->size ? d->size : 1);
    snprintf(d->sha256, sizeof(d->sha256), "%s", row->sha256 ? row->sha256 : "");
    if (!d->filename || !d->media_type || !d->classification || !d->content)
        return VT_ENOMEM;
    if (d->size)
        memcpy(d->content, row->content, d->size);
    return 0;
}

void vt_intake_stored_dispose(vt_intake_stored *st)
{
    if (!st)
        return;
    vt_free(st->a.filename);
    vt_free(st->a.media_type);
    vt_free(st->a.classification);
    vt_free(st->a.content);
    memset(st, 0, sizeof(*st));
}

int vt_intake_attachment_get(vt_store *s, const vt_principal *who, const char *report_id,
                             int64_t aid, vt_intake_stored *out, vt_error *err)
{
    att_ctx a;
    int error;

    memset(out, 0, sizeof(*out));
    a.who = who;
    a.out = out;
    error = vt_store_read_begin(s, err);
    if (error < 0)
        return error;
    error = vt_store_report_get(s, report_id, att_report_cb, &a, err);
    if (error == VT_ENOTFOUND)
        vt_error_set(err, VT_ENOTFOUND, 0, "no report '%s'", report_id);
    if (error == 0)
        error = vt_store_attachment_get(s, report_id, aid, att_copy_cb, &a, err);
    vt_store_read_end(s);
    if (error == VT_ENOMEM)
        oom(err);
    if (error < 0)
        vt_intake_stored_dispose(out);
    return error;
}
