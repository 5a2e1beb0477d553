/*
 * advisories.c - publishing a case (advisories.h): build its CSAF and OSV
 * documents, let the disclosure gate judge every text, store them as the
 * next revision, and record the publication (ledger, E_PUBLISHED,
 * obligations). Building is read-only, so the preview route and the
 * publication run the same code and a preview shows exactly what would
 * be published at that moment.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "vulntrack/advisories.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/cases.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/obligations.h"
#include "vulntrack/store_advisories.h"
#include "vulntrack/store_auth.h"
#include "vulntrack/store_cases.h"

/* Revisions already published (dates, oldest first), capped: a case is
   republished a handful of times. */
#define ADV_MAX_REVISIONS 256

void vt_advisory_draft_dispose(vt_advisory_draft *d)
{
    size_t i;
    if (!d)
        return;
    for (i = 0; i < VT_ADVISORY_FORMAT_COUNT; i++)
        cJSON_free(d->text[i]);
    memset(d, 0, sizeof(*d));
}

struct org_info {
    char slug[64];
    char *name;
    char *flags;
};

static int org_take(void *ctx, const vt_store_org_row *r)
{
    struct org_info *o = ctx;
    size_t n = strlen(r->slug);
    if (n >= sizeof(o->slug))
        n = sizeof(o->slug) - 1;
    memcpy(o->slug, r->slug, n);
    o->slug[n] = '\0';
    o->name = vt_strdup(r->name);
    o->flags = vt_strdup(r->flags ? r->flags : "{}");
    return o->name && o->flags ? 0 : VT_ENOMEM;
}

struct revs {
    int64_t dates[ADV_MAX_REVISIONS];
    size_t n;
};

static int rev_take(void *ctx, const vt_advisory_row *r)
{
    struct revs *v = ctx;
    if (v->n + 1 >= ADV_MAX_REVISIONS)
        return VT_ETOOBIG;
    v->dates[v->n++] = r->published_ms;
    return 0;
}

static void sha512_hex(char out[129], const char *text)
{
    unsigned char h[crypto_hash_sha512_BYTES];
    crypto_hash_sha512(h, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(out, 129, h, sizeof(h));
}

/* Merge the refusals of `add` into `into`, skipping a rule and code already there. */
static void gate_merge(vt_gate_result *into, const vt_gate_result *add)
{
    size_t i, j;
    for (i = 0; i < add->count; i++) {
        bool dup = false;
        for (j = 0; j < into->count; j++)
            if (strcmp(into->refusals[j].rule, add->refusals[i].rule) == 0 &&
                strcmp(into->refusals[j].code, add->refusals[i].code) == 0)
                dup = true;
        if (!dup && into->count < VT_GATE_MAX_REFUSALS)
            into->refusals[into->count++] = add->refusals[i];
    }
}

int vt_advisory_prepare(vt_store *s, int64_t case_id, int64_t now_ms, vt_advisory_draft *out,
                        vt_error *err)
{
    vt_case c = VT_CASE_INIT;
    struct org_info org = {{0}, NULL, NULL};
    struct revs *revs = NULL;
    vt_csaf_revision *hist = NULL;
    cJSON *doc = NULL, *flags = NULL, *built = NULL;
    vt_advisory_filter f = {0};
    vt_advisory_input in = {0};
    char vex_id[VT_ADVISORY_ID_MAX + 4];
    bool found = false;
    size_t i;
    int error;

    memset(out, 0, sizeof(*out));
    error = vt_store_case_get(s, case_id, NULL, &c, err);
    if (!error)
        error = vt_store_org_find(s, NULL, c.org_id, &found, org_take, &org, err);
    if (!error && !found)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "the case's organisation does not exist");
    if (!error)
        error = vt_json_parse(&doc, c.doc ? c.doc : "{}", strlen(c.doc ? c.doc : "{}"), err);
    if (!error && vt_json_parse(&flags, org.flags, strlen(org.flags), NULL) != 0)
        flags = NULL; /* flags that do not parse give the default namespace */
    if (!error)
        error = vt_advisory_tracking_id(out->tracking_id, org.slug, c.ref);
    if (!error)
        error = vt_csaf_filename(out->filename, out->tracking_id);
    if (!error) {
        revs = vt_calloc(1, sizeof(*revs));
        hist = vt_calloc(ADV_MAX_REVISIONS, sizeof(*hist));
        error = revs && hist ? 0 : VT_ENOMEM;
    }
    f.tracking_id = out->tracking_id;
    f.category = vt_advisory_format_category(VT_ADVISORY_CSAF);
    if (!error)
        error = vt_store_advisory_each(s, &f, rev_take, revs, err);
    if (error == VT_ETOOBIG)
        vt_error_set(err, error, 0, "too many revisions of %s", out->tracking_id);
    if (!error) {
        const cJSON *ns = cJSON_GetObjectItemCaseSensitive(flags, "publisher_namespace");
        revs->dates[revs->n] = now_ms;
        for (i = 0; i <= revs->n; i++) {
            hist[i].date_ms = revs->dates[i];
            hist[i].summary = i == 0 ? "Initial version." : "Revised publication.";
        }
        out->case_id = case_id;
        snprintf(out->case_ref, sizeof(out->case_ref), "%s", c.ref);
        out->revision = (int64_t)revs->n + 1;
        in.tracking_id = out->tracking_id;
        in.title = c.title ? c.title : c.ref;
        in.doc = doc;
        in.publisher_name = org.name;
        in.publisher_namespace = cJSON_IsString(ns) && ns->valuestring[0] ? ns->valuestring : NULL;
        in.revisions = hist;
        in.nrevisions = revs->n + 1;
        in.generator_version = vt_version_string();
    }
    /* The VEX document is a document of its own in a provider's directory,
       so it has a tracking id (and file name) of its own. */
    if (!error)
        error = snprintf(vex_id, sizeof(vex_id), "%s-VEX", out->tracking_id) < (int)sizeof(vex_id)
                    ? 0
                    : VT_ETOOBIG;
    for (i = 0; !error && i < VT_ADVISORY_FORMAT_COUNT; i++) {
        vt_gate_result g;
        in.tracking_id = i == VT_ADVISORY_CSAF_VEX ? vex_id : out->tracking_id;
        error = vt_advisory_build(&built, (vt_advisory_format)i, &in, err);
        if (!error) {
            out->text[i] = cJSON_Print(built);
            error = out->text[i] ? 0 : VT_ENOMEM;
        }
        cJSON_Delete(built);
        built = NULL;
        if (!error) {
            sha512_hex(out->sha512[i], out->text[i]);
            error = vt_gate_check_publish(s, case_id, out->text[i], now_ms, &g, err);
        }
        if (!error)
            gate_merge(&out->gate, &g);
    }
    cJSON_Delete(doc);
    cJSON_Delete(flags);
    vt_free(revs);
    vt_free(hist);
    vt_free(org.name);
    vt_free(org.flags);
    vt_case_dispose(&c);
    if (error)
        vt_advisory_draft_dispose(out);
    return error;
}

static int record_publication(vt_store *w, const struct vt_policy_set *ps,
                              const struct vt_calendar_set *cs, const vt_advisory_draft *d,
                              const char *actor, int64_t now_ms, vt_error *err)
{
    vt_ledger_entry_in le = {0};
    vt_case_refusal refusal = VT_CASE_REFUSAL_NONE;
    cJSON *detail = cJSON_CreateObject(), *docs = cJSON_CreateObject();
    vt_buf text = VT_BUF_INIT;
    size_t i;
    int error = detail && docs ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_json_add_str(detail, "tracking_id", d->tracking_id);
    if (!error)
        error = vt_json_add_num(detail, "revision", (double)d->revision);
    for (i = 0; !error && i < VT_ADVISORY_FORMAT_COUNT; i++)
        error =
            vt_json_add_str(docs, vt_advisory_format_category((vt_advisory_format)i), d->sha512[i]);
    if (!error) {
        error = vt_json_add_take(detail, "sha512", docs);
        docs = NULL;
    }
    if (!error)
        error = vt_json_print(&text, detail);
    if (error)
        vt_error_set(err, error, 0, "out of memory recording the publication");
    le.kind = "advisory.published";
    le.channel = "api";
    le.actor = actor;
    le.subject = d->case_ref;
    le.content = d->text[VT_ADVISORY_CSAF];
    le.content_len = strlen(d->text[VT_ADVISORY_CSAF]);
    le.detail = text.ptr;
    le.at_ms = now_ms;
    if (!error)
        error = vt_ledger_append(w, &le, NULL, err);
    /* E_PUBLISHED at the first publication; a republication keeps the first time. */
    if (!error) {
        error = vt_case_record_event(w, ps, cs, d->case_id, "E_PUBLISHED", now_ms, NULL, actor,
                                     d->tracking_id, now_ms, &refusal, err);
        if (error == VT_EINVALID && refusal == VT_CASE_REFUSAL_EVENT_SET) {
            vt_error_clear(err);
            error = vt_obligations_refresh(w, ps, cs, d->case_id, now_ms, err);
        }
    }
    cJSON_Delete(detail);
    cJSON_Delete(docs);
    vt_buf_dispose(&text);
    return error;
}

int vt_advisory_publish(vt_store *w, const struct vt_policy_set *ps,
                        const struct vt_calendar_set *cs, int64_t case_id, const char *actor,
                        int64_t now_ms, vt_advisory_draft *out, bool *refused, vt_error *err)
{
    size_t i;
    int error = vt_advisory_prepare(w, case_id, now_ms, out, err);

    *refused = false;
    if (error)
        return error;
    if (out->gate.count > 0) {
        *refused = true;
        return 0;
    }
    for (i = 0; !error && i < VT_ADVISORY_FORMAT_COUNT; i++) {
        vt_advisory_row r = {0};
        r.case_id = case_id;
        r.tracking_id = out->tracking_id;
        r.revision = out->revision;
        r.category = vt_advisory_format_category((vt_advisory_format)i);
        r.document = out->text[i];
        r.sha512 = out->sha512[i];
        r.published_ms = now_ms;
        r.actor = actor;
        error = vt_store_advisory_insert(w, &r, err);
    }
    if (!error)
        error = record_publication(w, ps, cs, out, actor, now_ms, err);
    return error;
}
