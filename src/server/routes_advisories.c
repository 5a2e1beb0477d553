/*
 * routes_advisories.c - published advisories: a preview of what
 * publishing a case would give (the documents and the gate's verdict,
 * nothing stored), the publication itself, and the published documents,
 * which are public (anonymous callers may read them; nothing that is not
 * published is ever served here). docs/advisories.md.
 */
#include <stdint.h>
#include <string.h>

#include "request.h"
#include "server.h"
#include "vulntrack/advisories.h"
#include "vulntrack/alloc.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/store_advisories.h"

#define WORKERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER | VT_ROLE_ANALYST)
#define MANAGERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER)
#define EVERYONE (VT_ALLOW_ANONYMOUS | VT_ALLOW_TRACKING | VT_ALLOW_ANY_TOKEN | VT_ROLE_REPORTER)

/* The "format" query parameter (default csaf); false after replying 422. */
static bool req_format(vt_request *req, vt_advisory_format *f)
{
    const char *s = vt_req_query(req, "format");
    *f = VT_ADVISORY_CSAF;
    if (!s || vt_advisory_format_parse(s, f))
        return true;
    vt_reply_error(req, 422, "invalid", "format", "format must be csaf, csaf_vex or osv");
    return false;
}

/* {tracking_id, revision, filename, sha512: {category: hex}} of a draft. */
static cJSON *draft_json(const vt_advisory_draft *d)
{
    cJSON *o = cJSON_CreateObject(), *h = cJSON_CreateObject();
    int error = o && h ? 0 : VT_ENOMEM;
    size_t i;

    if (!error)
        error = vt_json_add_str(o, "case", d->case_ref);
    if (!error)
        error = vt_json_add_str(o, "tracking_id", d->tracking_id);
    if (!error)
        error = vt_json_add_num(o, "revision", (double)d->revision);
    if (!error)
        error = vt_json_add_str(o, "filename", d->filename);
    for (i = 0; !error && i < VT_ADVISORY_FORMAT_COUNT; i++)
        error =
            vt_json_add_str(h, vt_advisory_format_category((vt_advisory_format)i), d->sha512[i]);
    if (!error) {
        error = vt_json_add_take(o, "sha512", h);
        h = NULL;
    }
    if (!error)
        error = vt_json_add_take(o, "gate", vt_gate_result_json(&d->gate));
    cJSON_Delete(h);
    if (error) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* GET /api/v1/cases/{id}/advisory/preview?format= */
static int advisory_preview(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    vt_advisory_draft d;
    vt_advisory_format f;
    cJSON *body, *doc = NULL;
    int error;

    if (!req_format(req, &f) || !vt_req_case(req, req->store, &c))
        return 0;
    error = vt_advisory_prepare(req->store, c.id, vt_clock_now_ms(), &d, &err);
    vt_case_dispose(&c);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    body = draft_json(&d);
    error = body ? vt_json_add_str(body, "format", vt_advisory_format_category(f)) : VT_ENOMEM;
    if (!error)
        error = vt_json_parse(&doc, d.text[f], strlen(d.text[f]), NULL);
    if (!error)
        error = vt_json_add_take(body, "document", doc);
    vt_advisory_draft_dispose(&d);
    if (error) {
        cJSON_Delete(body);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 200, body);
}

typedef struct publish_job {
    int64_t case_id;
    const char *actor;
    const struct vt_policy_set *ps;
    const struct vt_calendar_set *cs;
    vt_advisory_draft draft;
    bool refused;
} publish_job;

static int publish_write(vt_store *w, void *ctx, vt_error *err)
{
    publish_job *j = ctx;
    return vt_advisory_publish(w, j->ps, j->cs, j->case_id, j->actor, vt_clock_now_ms(), &j->draft,
                               &j->refused, err);
}

/* POST /api/v1/cases/{id}/advisory */
static int advisory_publish(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    publish_job j;
    cJSON *body, *e;
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_case(req, req->store, &c))
        return 0;
    j.case_id = c.id;
    vt_case_dispose(&c);
    j.actor = req->who.name;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    error = vt_server_write(req->srv, publish_write, &j, &err);
    if (error < 0) {
        vt_advisory_draft_dispose(&j.draft);
        return vt_reply_from_error(req, &err);
    }
    if (j.refused) {
        char summary[512];
        vt_gate_result_summary(&j.draft.gate, summary, sizeof(summary));
        body = cJSON_CreateObject();
        e = cJSON_CreateObject();
        error = body && e ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(e, "code", "gate_refused");
        if (!error)
            error = vt_json_add_str(e, "message", summary);
        if (!error)
            error = vt_json_add_take(e, "gate", vt_gate_result_json(&j.draft.gate));
        if (!error) {
            error = vt_json_add_take(body, "error", e);
            e = NULL;
        }
        cJSON_Delete(e);
        vt_advisory_draft_dispose(&j.draft);
        if (error) {
            cJSON_Delete(body);
            return vt_reply_oom(req);
        }
        return vt_reply_json(req, 422, body);
    }
    body = draft_json(&j.draft);
    vt_advisory_draft_dispose(&j.draft);
    if (!body)
        return vt_reply_oom(req);
    return vt_reply_json(req, 201, body);
}

static int list_each(void *ctx, const vt_advisory_row *r)
{
    cJSON *arr = ctx, *o = cJSON_CreateObject();
    char t[VT_TIME_TEXT_MAX], fname[VT_CSAF_FILENAME_MAX];
    int error = o ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_csaf_filename(fname, r->tracking_id);
    if (!error)
        error = vt_json_add_str(o, "tracking_id", r->tracking_id);
    if (!error)
        error = vt_json_add_num(o, "revision", (double)r->revision);
    if (!error)
        error = vt_json_add_str(o, "filename", fname);
    if (!error)
        error = vt_json_add_str(o, "published_at", vt_time_format_utc(t, r->published_ms));
    if (!error)
        error = vt_json_add_str(o, "sha512", r->sha512);
    if (error) {
        cJSON_Delete(o);
        return VT_ENOMEM;
    }
    return vt_json_add_take(arr, NULL, o);
}

/* GET /api/v1/advisories: the latest revision of every published advisory. */
static int advisories_list(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_advisory_filter f = {0};
    cJSON *arr = NULL, *body = vt_req_list_body("advisories", &arr);
    int error;

    if (!body)
        return vt_reply_oom(req);
    f.category = vt_advisory_format_category(VT_ADVISORY_CSAF);
    f.latest_only = true;
    error = vt_store_advisory_each(req->store, &f, list_each, arr, &err);
    return vt_reply_listed(req, body, error, &err);
}

struct doc_find {
    int64_t want; /* revision asked for; 0: the latest (the filter gives one row) */
    char *text;
};

static int doc_take(void *ctx, const vt_advisory_row *r)
{
    struct doc_find *d = ctx;
    if (d->want != 0 && r->revision != d->want)
        return 0;
    vt_free(d->text);
    d->text = vt_strdup(r->document);
    return d->text ? 0 : VT_ENOMEM;
}

/* GET /api/v1/advisories/{tracking_id}?format=&revision= ("<id>-VEX": the
   VEX document, whatever the format says) */
static int advisory_get(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_advisory_filter f = {0};
    vt_advisory_format fmt;
    struct doc_find d = {0, NULL};
    char base[VT_ADVISORY_ID_MAX];
    size_t n;
    int error;

    if (!req_format(req, &fmt) || !vt_req_query_i64(req, "revision", 1, INT64_MAX, 422, &d.want))
        return 0;
    f.tracking_id = req->param[0];
    f.category = vt_advisory_format_category(fmt);
    f.latest_only = d.want == 0;
    n = strlen(f.tracking_id);
    if (n > 4 && n < sizeof(base) && strcmp(f.tracking_id + n - 4, "-VEX") == 0) {
        /* The VEX document's own tracking id names the advisory's VEX form. */
        memcpy(base, f.tracking_id, n - 4);
        base[n - 4] = '\0';
        f.tracking_id = base;
        f.category = vt_advisory_format_category(VT_ADVISORY_CSAF_VEX);
    }
    error = vt_store_advisory_each(req->store, &f, doc_take, &d, &err);
    if (error == VT_ENOMEM) {
        vt_free(d.text);
        return vt_reply_oom(req);
    }
    if (error < 0) {
        vt_free(d.text);
        return vt_reply_from_error(req, &err);
    }
    if (!d.text)
        return vt_reply_error(req, 404, "not_found", NULL, "no published advisory %s%s",
                              req->param[0], d.want ? " of that revision" : "");
    error = vt_reply_text(req, 200, "application/json", d.text, strlen(d.text));
    vt_free(d.text);
    return error;
}

const vt_route vt_routes_advisories[] = {
    {"GET", "/api/v1/cases/{id}/advisory/preview", WORKERS, 0, advisory_preview,
     "The advisory publishing the case would give (CSAF, CSAF VEX or OSV) and the gate's verdict"},
    {"POST", "/api/v1/cases/{id}/advisory", MANAGERS, 0, advisory_publish,
     "Publish the case's advisory (CSAF, CSAF VEX, OSV) if the disclosure gate allows it"},
    {"GET", "/api/v1/advisories", EVERYONE, 0, advisories_list,
     "Published advisories (latest revision of each)"},
    {"GET", "/api/v1/advisories/{tracking_id}", EVERYONE, 0, advisory_get,
     "A published advisory document (CSAF, CSAF VEX or OSV)"},
    {0},
};
