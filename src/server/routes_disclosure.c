/*
 * routes_disclosure.c - the disclosure gate over HTTP (docs/disclosure.md):
 * the gate's answer for publishing a case now and for sharing it with a
 * recipient abroad, the disclosure records the rules read, and the
 * blackout windows. gate.h does the work; this file reads requests, scopes
 * them to the caller's organisation and maps refusals to statuses.
 *
 * Scoping: a case's routes answer 404 for another organisation's case
 * (vt_req_case). Blackout windows: a caller with an organisation sees its
 * organisation's windows and the global ones; admins and auditors without
 * one see all. An admin with an organisation may add or delete windows of
 * its own organisation and global ones only.
 */
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "server.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/gate.h"
#include "vulntrack/json.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/store_gate.h"
#include "vulntrack/strparse.h"

#define READERS VT_ROLES_READERS
#define MANAGERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER)
#define ADMINS VT_ROLE_ADMIN
#define ALL_ORGS (VT_ROLE_ADMIN | VT_ROLE_AUDITOR)

/* Longest document the gate endpoint scans (bytes). */
#define GATE_DOCUMENT_MAX (1024 * 1024)

/* The case of path parameter 0 if the caller may see it: its id and ref,
 * or 0 with the reply sent. */
static int64_t case_param(vt_request *req, char ref[VT_CASE_REF_MAX])
{
    vt_case c = VT_CASE_INIT;
    int64_t id = vt_req_case(req, req->store, &c) ? c.id : 0;

    if (id && ref)
        snprintf(ref, VT_CASE_REF_MAX, "%s", c.ref);
    vt_case_dispose(&c);
    return id;
}

/* Reply 200 with a gate result and the case it is about. */
static int reply_result(vt_request *req, const char *ref, const char *action,
                        const vt_gate_result *res, int64_t now)
{
    cJSON *o = vt_gate_result_json(res);
    char at[VT_TIME_TEXT_MAX];

    if (!o)
        return vt_reply_oom(req);
    if (vt_json_add_str(o, "case", ref) < 0 || vt_json_add_str(o, "action", action) < 0 ||
        vt_json_add_str(o, "checked_at", vt_time_format_utc(at, now)) < 0) {
        cJSON_Delete(o);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 200, o);
}

/* POST /api/v1/cases/{id}/gate {"document"?}: may the case be published now? */
static int gate_publish(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_gate_result res;
    char ref[VT_CASE_REF_MAX];
    cJSON *body = NULL;
    const cJSON *doc = NULL, *m;
    int64_t now = vt_clock_now_ms(), id;
    int error;

    if (req->body_len > 0) {
        if (vt_json_parse(&body, req->body, req->body_len, &err) < 0 || !cJSON_IsObject(body)) {
            cJSON_Delete(body);
            return vt_reply_error(req, 400, "bad_json", NULL,
                                  "the body must be a JSON object {\"document\": ...}");
        }
        cJSON_ArrayForEach(m, body)
        {
            if (strcmp(m->string, "document") != 0) {
                cJSON_Delete(body);
                return vt_reply_error(req, 422, "invalid", "/", "unknown member");
            }
        }
        doc = cJSON_GetObjectItemCaseSensitive(body, "document");
        if (doc && !cJSON_IsNull(doc) &&
            (!cJSON_IsString(doc) || strlen(doc->valuestring) > GATE_DOCUMENT_MAX)) {
            cJSON_Delete(body);
            return vt_reply_error(req, 422, "invalid", "/document",
                                  "/document: the text to be published, at most %d bytes",
                                  GATE_DOCUMENT_MAX);
        }
    }
    id = case_param(req, ref);
    if (!id) {
        cJSON_Delete(body);
        return 0;
    }
    error = vt_gate_check_publish(req->store, id, cJSON_IsString(doc) ? doc->valuestring : NULL,
                                  now, &res, &err);
    cJSON_Delete(body);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return reply_result(req, ref, "publish", &res, now);
}

/* POST /api/v1/cases/{id}/gate/share {"country", "provider"}: rule P7. */
static int gate_share(vt_request *req)
{
    const cJSON *country = cJSON_GetObjectItemCaseSensitive(req->json, "country");
    const cJSON *provider = cJSON_GetObjectItemCaseSensitive(req->json, "provider"), *m;
    vt_error err = VT_ERROR_INIT;
    vt_gate_result res;
    char ref[VT_CASE_REF_MAX];
    int64_t id;
    int error;

    cJSON_ArrayForEach(m, req->json)
    {
        if (strcmp(m->string, "country") != 0 && strcmp(m->string, "provider") != 0)
            return vt_reply_error(req, 422, "invalid", "/", "unknown member");
    }
    if (!cJSON_IsString(country))
        return vt_reply_error(req, 422, "invalid", "/country",
                              "/country: an ISO 3166 alpha-2 country code is required");
    if (provider && !cJSON_IsBool(provider))
        return vt_reply_error(req, 422, "invalid", "/provider", "/provider: true or false");
    id = case_param(req, ref);
    if (!id)
        return 0;
    error = vt_gate_check_share(req->store, id, country->valuestring, cJSON_IsTrue(provider), &res,
                                &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return reply_result(req, ref, "share", &res, vt_clock_now_ms());
}

/* ------------------------------------------------------------------------ */
/* Disclosure records                                                        */

static cJSON *record_json(const vt_store_gate_record *r, const char *ref)
{
    cJSON *o = cJSON_CreateObject(), *rec = cJSON_Parse(r->record);
    char at[VT_TIME_TEXT_MAX];

    if (!o || vt_json_add_num(o, "id", (double)r->id) < 0 || vt_json_add_str(o, "case", ref) < 0 ||
        vt_json_add_str(o, "kind", r->kind) < 0 ||
        vt_json_add_take(o, "record", rec ? rec : cJSON_CreateObject()) < 0 ||
        vt_json_add_str(o, "actor", r->actor) < 0 ||
        vt_json_add_str(o, "created_at", vt_time_format_utc(at, r->created_ms)) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

struct list_ctx {
    cJSON *arr;
    const char *ref;
    int64_t want_id; /* 0: all */
};

static int record_each(void *ctx, const vt_store_gate_record *r)
{
    struct list_ctx *l = ctx;

    if (l->want_id && r->id != l->want_id)
        return 0;
    return vt_json_add_take(l->arr, NULL, record_json(r, l->ref));
}

static int records_list(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    char ref[VT_CASE_REF_MAX];
    struct list_ctx l = {NULL, ref, 0};
    cJSON *body;
    int64_t id = case_param(req, ref);
    int error;

    if (!id)
        return 0;
    body = vt_req_list_body("items", &l.arr);
    if (!body)
        return vt_reply_oom(req);
    error = vt_store_gate_records_each(req->store, id, NULL, record_each, &l, &err);
    return vt_reply_listed(req, body, error, &err);
}

typedef struct record_job {
    int64_t case_id;
    const char *kind;
    const cJSON *record;
    int64_t user_id;
    const char *actor;
    int64_t id;
} record_job;

static int record_write(vt_store *w, void *ctx, vt_error *err)
{
    record_job *j = ctx;

    return vt_gate_record_add(w, j->case_id, j->kind, j->record, j->user_id, j->actor,
                              vt_clock_now_ms(), &j->id, err);
}

static int records_add(vt_request *req)
{
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(req->json, "kind");
    const cJSON *m;
    vt_error err = VT_ERROR_INIT;
    char ref[VT_CASE_REF_MAX];
    struct list_ctx l = {NULL, ref, 0};
    record_job j;
    cJSON *one;
    int error;

    cJSON_ArrayForEach(m, req->json)
    {
        if (strcmp(m->string, "kind") != 0 && strcmp(m->string, "record") != 0)
            return vt_reply_error(req, 422, "invalid", "/", "unknown member");
    }
    memset(&j, 0, sizeof(j));
    j.case_id = case_param(req, ref);
    if (!j.case_id)
        return 0;
    j.kind = cJSON_IsString(kind) ? kind->valuestring : NULL;
    j.record = cJSON_GetObjectItemCaseSensitive(req->json, "record");
    if (!j.record)
        j.record = req->json; /* refused below as "/record: must be an object" */
    if (!cJSON_GetObjectItemCaseSensitive(req->json, "record"))
        return vt_reply_error(req, 422, "invalid", "/record", "/record: an object is required");
    j.user_id = req->who.user_id;
    j.actor = req->who.name;
    error = vt_server_write(req->srv, record_write, &j, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    l.arr = cJSON_CreateArray();
    l.want_id = j.id;
    if (!l.arr)
        return vt_reply_oom(req);
    error = vt_store_gate_records_each(req->store, j.case_id, j.kind, record_each, &l, &err);
    one = error == 0 ? cJSON_DetachItemFromArray(l.arr, 0) : NULL;
    cJSON_Delete(l.arr);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    if (!one)
        return vt_reply_oom(req);
    return vt_reply_json(req, 201, one);
}

/* ------------------------------------------------------------------------ */
/* Blackout windows                                                          */

struct window_list {
    vt_request *req;
    cJSON *arr;
    int64_t want_id; /* 0: all */
};

static int window_each(void *ctx, const vt_store_gate_window *b)
{
    struct window_list *l = ctx;
    cJSON *o;
    char at[VT_TIME_TEXT_MAX], slug[64];
    vt_error err = VT_ERROR_INIT;

    if (l->want_id && b->id != l->want_id)
        return 0;
    o = cJSON_CreateObject();
    if (!o)
        return VT_ENOMEM;
    if (b->org_id && vt_store_case_org_slug(l->req->store, b->org_id, slug, &err) < 0)
        slug[0] = '\0';
    if (vt_json_add_num(o, "id", (double)b->id) < 0 ||
        vt_json_add_str(o, "org", b->org_id ? slug : NULL) < 0 ||
        vt_json_add_str(o, "starts_at", vt_time_format_utc(at, b->starts_ms)) < 0 ||
        vt_json_add_str(o, "ends_at", vt_time_format_utc(at, b->ends_ms)) < 0 ||
        vt_json_add_str(o, "reason", b->reason) < 0 ||
        vt_json_add_str(o, "created_at", vt_time_format_utc(at, b->created_ms)) < 0) {
        cJSON_Delete(o);
        return VT_ENOMEM;
    }
    return vt_json_add_take(l->arr, NULL, o);
}

static int windows_list(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    struct window_list l = {req, NULL, 0};
    int64_t scope = vt_req_scope(req, ALL_ORGS), at = 0;
    const char *active = vt_req_query(req, "active_at");
    cJSON *body;
    int error = 0;

    if (active && (vt_time_parse_rfc3339(&at, active, strlen(active)) != 0 || at <= 0))
        return vt_reply_error(req, 422, "invalid", "active_at",
                              "active_at must be an RFC 3339 time");
    body = vt_req_list_body("items", &l.arr);
    if (!body)
        return vt_reply_oom(req);
    /* A caller without an organisation and not entitled to all sees the global ones. */
    error = vt_store_gate_windows_each(req->store,
                                       scope == 0  ? -1
                                       : scope < 0 ? 0
                                                   : scope,
                                       at, window_each, &l, &err);
    return vt_reply_listed(req, body, error, &err);
}

typedef struct window_job {
    int64_t org_id, starts_ms, ends_ms, id;
    const char *reason, *actor;
    bool remove;
} window_job;

static int window_write(vt_store *w, void *ctx, vt_error *err)
{
    window_job *j = ctx;

    if (j->remove)
        return vt_gate_blackout_delete(w, j->id, j->actor, vt_clock_now_ms(), err);
    return vt_gate_blackout_add(w, j->org_id, j->starts_ms, j->ends_ms, j->reason, j->actor,
                                vt_clock_now_ms(), &j->id, err);
}

static bool time_member(vt_request *req, const char *key, int64_t *out)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(req->json, key);

    if (cJSON_IsString(m) &&
        vt_time_parse_rfc3339(out, m->valuestring, strlen(m->valuestring)) == 0)
        return true;
    vt_reply_error(req, 422, "invalid", key[0] == 's' ? "/starts_at" : "/ends_at",
                   "/%s: an RFC 3339 time is required", key);
    return false;
}

static int windows_add(vt_request *req)
{
    static const char *const keys[] = {"org", "starts_at", "ends_at", "reason", NULL};
    const cJSON *org = cJSON_GetObjectItemCaseSensitive(req->json, "org");
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(req->json, "reason"), *m;
    vt_error err = VT_ERROR_INIT;
    struct window_list l = {req, NULL, 0};
    window_job j;
    cJSON *one;
    int error;

    cJSON_ArrayForEach(m, req->json)
    {
        size_t i;
        bool known = false;

        for (i = 0; keys[i]; i++)
            known = known || strcmp(m->string, keys[i]) == 0;
        if (!known)
            return vt_reply_error(req, 422, "invalid", "/", "unknown member");
    }
    memset(&j, 0, sizeof(j));
    if (!time_member(req, "starts_at", &j.starts_ms) || !time_member(req, "ends_at", &j.ends_ms))
        return 0;
    if (!cJSON_IsString(reason))
        return vt_reply_error(req, 422, "invalid", "/reason",
                              "/reason: the event the window is for is required");
    if (org && !cJSON_IsNull(org)) {
        if (!cJSON_IsString(org))
            return vt_reply_error(req, 422, "invalid", "/org", "/org: an organisation slug");
        if (!vt_req_org_id(req, org->valuestring, "/org", &j.org_id))
            return 0;
        if (req->who.org_id && j.org_id != req->who.org_id)
            return vt_reply_error(req, 403, "forbidden", "/org",
                                  "an admin of an organisation adds windows for it only");
    }
    j.reason = reason->valuestring;
    j.actor = req->who.name;
    error = vt_server_write(req->srv, window_write, &j, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    l.arr = cJSON_CreateArray();
    l.want_id = j.id;
    if (!l.arr)
        return vt_reply_oom(req);
    error = vt_store_gate_windows_each(req->store, -1, 0, window_each, &l, &err);
    one = error == 0 ? cJSON_DetachItemFromArray(l.arr, 0) : NULL;
    cJSON_Delete(l.arr);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return one ? vt_reply_json(req, 201, one) : vt_reply_oom(req);
}

static int windows_delete(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_store_gate_window b;
    char reason[64];
    window_job j;
    int64_t id = 0;
    int error;

    if (vt_parse_i64(&id, req->param[0], strlen(req->param[0])) != 0 || id <= 0)
        return vt_reply_error(req, 404, "not_found", NULL, "no blackout window '%s'",
                              req->param[0]);
    error = vt_store_gate_window_get(req->store, id, &b, reason, sizeof(reason), &err);
    if (error == 0 && req->who.org_id && b.org_id != req->who.org_id && b.org_id != 0)
        error = vt_error_set(&err, VT_ENOTFOUND, 0, "no blackout window %lld", (long long)id);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    memset(&j, 0, sizeof(j));
    j.id = id;
    j.actor = req->who.name;
    j.remove = true;
    error = vt_server_write(req->srv, window_write, &j, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_text(req, 204, "application/json", "", 0);
}

const vt_route vt_routes_disclosure[] = {
    {"POST", "/api/v1/cases/{id}/gate", READERS, 0, gate_publish,
     "The disclosure gate's answer for publishing the case now (rules P1-P6)"},
    {"POST", "/api/v1/cases/{id}/gate/share", READERS, VT_ROUTE_JSON_BODY, gate_share,
     "The disclosure gate's answer for sharing the case abroad (rule P7)"},
    {"GET", "/api/v1/cases/{id}/disclosure-records", READERS, 0, records_list,
     "A case's disclosure records"},
    {"POST", "/api/v1/cases/{id}/disclosure-records", MANAGERS, VT_ROUTE_JSON_BODY, records_add,
     "Add a disclosure record (approval, consent, release, attestation)"},
    {"GET", "/api/v1/blackout-windows", READERS, 0, windows_list, "Blackout windows"},
    {"POST", "/api/v1/blackout-windows", ADMINS, VT_ROUTE_JSON_BODY, windows_add,
     "Add a blackout window"},
    {"DELETE", "/api/v1/blackout-windows/{id}", ADMINS, 0, windows_delete,
     "Delete a blackout window"},
    {0},
};
