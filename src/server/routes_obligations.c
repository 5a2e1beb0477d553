/*
 * routes_obligations.c - the deadline clocks over HTTP: the dashboard list
 * across cases, the obligations of one case, waivers and manual evidence.
 * obligations.h does the work; this file reads requests, scopes them to the
 * caller's organisation and maps refusals to statuses.
 *
 * Scoping: a caller with an organisation sees only its organisation's
 * obligations; admins and auditors without one see every organisation's;
 * other callers without one see none. A case's {id} is its reference; an
 * obligation's {oid} is its numeric id or its code ("CN-NVDB") within the
 * case.
 */
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "server.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/obligations.h"
#include "vulntrack/osv.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/strparse.h"

#define READERS VT_ROLES_READERS
#define MANAGERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER)
#define WORKERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER | VT_ROLE_ANALYST)

#define LIMIT_DEFAULT 100
#define LIMIT_MAX 1000

/* Admins and auditors without an organisation see every organisation's. */
#define ALL_ORGS (VT_ROLE_ADMIN | VT_ROLE_AUDITOR)

static int reply_list(vt_request *req, cJSON *items)
{
    cJSON *body = cJSON_CreateObject();

    if (!body) {
        cJSON_Delete(items);
        return vt_reply_oom(req);
    }
    if (vt_json_add_num(body, "count", cJSON_GetArraySize(items)) < 0 ||
        vt_json_add_take(body, "items", items) < 0) {
        cJSON_Delete(body);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 200, body);
}

static int obligations_list(vt_request *req)
{
    const char *state = vt_req_query(req, "state");
    const char *due = vt_req_query(req, "due_before");
    const char *profile = vt_req_query(req, "profile");
    vt_obligation_filter f = VT_OBLIGATION_FILTER_INIT;
    vt_error err = VT_ERROR_INIT;
    int64_t scope = vt_req_scope(req, ALL_ORGS), limit = LIMIT_DEFAULT;
    cJSON *items = NULL;
    int error;

    if (!vt_req_query_i64(req, "limit", 1, LIMIT_MAX, 422, &limit))
        return 0;
    if (due && vt_time_parse_rfc3339(&f.due_before, due, strlen(due)) != 0)
        return vt_reply_error(req, 422, "invalid", "due_before",
                              "due_before must be an RFC 3339 time");
    if (due && f.due_before == 0)
        f.due_before = 1; /* 1970-01-01T00:00Z: nothing is due before it, 0 means no limit */
    f.state = state;
    f.profile = profile;
    f.limit = (long)limit;
    if (!vt_req_org_filter(req, &scope))
        return 0;
    f.org_id = scope;
    if (scope < 0) {
        items = cJSON_CreateArray();
        return items ? reply_list(req, items) : vt_reply_oom(req);
    }
    error = vt_obligations_query(req->store, vt_server_policies(req->srv), &f, &items, &err);
    if (error == VT_EINVALID)
        return vt_reply_error(req, 422, "invalid", "state", "%s", err.msg);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return reply_list(req, items);
}

/* The case of path parameter 0 if the caller may see it: its id, or 0 with
 * the reply sent. */
static int64_t case_param(vt_request *req)
{
    vt_case c = VT_CASE_INIT;
    int64_t id = vt_req_case(req, req->store, &c) ? c.id : 0;

    vt_case_dispose(&c);
    return id;
}

static int case_obligations(vt_request *req)
{
    vt_obligation_filter f = VT_OBLIGATION_FILTER_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *items = NULL;
    int error;

    f.case_id = case_param(req);
    if (!f.case_id)
        return 0;
    f.limit = LIMIT_MAX;
    error = vt_obligations_query(req->store, vt_server_policies(req->srv), &f, &items, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return reply_list(req, items);
}

/* The obligation {oid} of the case: its row id, or 0 with the reply sent. */
static int64_t obligation_param(vt_request *req, int64_t case_id)
{
    vt_obligation_filter f = VT_OBLIGATION_FILTER_INIT;
    vt_error err = VT_ERROR_INIT;
    const char *oid = req->param[1];
    cJSON *items = NULL, *it;
    int64_t num = 0, found = 0;
    bool numeric = vt_parse_i64(&num, oid, strlen(oid)) == 0;

    f.case_id = case_id;
    f.limit = LIMIT_MAX;
    if (vt_obligations_query(req->store, vt_server_policies(req->srv), &f, &items, &err) < 0) {
        vt_reply_from_error(req, &err);
        return 0;
    }
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(it, "obligation");

        if ((numeric && cJSON_IsNumber(id) && (int64_t)id->valuedouble == num) ||
            (!numeric && cJSON_IsString(code) && strcmp(code->valuestring, oid) == 0)) {
            found = (int64_t)id->valuedouble;
            break;
        }
    }
    cJSON_Delete(items);
    if (!found)
        vt_reply_error(req, 404, "not_found", NULL, "case '%s' has no obligation '%s'",
                       req->param[0], oid);
    return found;
}

typedef struct write_job {
    int64_t id;
    const char *actor;
    const char *text;
    int64_t met_ms;
    bool waive;
} write_job;

static int obligation_write(vt_store *w, void *ctx, vt_error *err)
{
    write_job *j = ctx;
    int64_t now = vt_clock_now_ms();

    if (j->waive)
        return vt_obligation_waive(w, j->id, j->actor, j->text, now, err);
    return vt_obligation_record_evidence(w, j->id, j->actor, j->text, j->met_ms, now, err);
}

/* Reply with the obligation's current form. */
static int reply_one(vt_request *req, int64_t case_id, int64_t id)
{
    vt_obligation_filter f = VT_OBLIGATION_FILTER_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *items = NULL, *it, *one = NULL;

    f.case_id = case_id;
    f.limit = LIMIT_MAX;
    if (vt_obligations_query(req->store, vt_server_policies(req->srv), &f, &items, &err) < 0)
        return vt_reply_from_error(req, &err);
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (cJSON_IsNumber(v) && (int64_t)v->valuedouble == id) {
            one = cJSON_DetachItemViaPointer(items, it);
            break;
        }
    }
    cJSON_Delete(items);
    if (!one)
        return vt_reply_error(req, 404, "not_found", NULL, "obligation %lld", (long long)id);
    return vt_reply_json(req, 200, one);
}

static int obligation_change(vt_request *req, bool waive)
{
    const char *key = waive ? "reason" : "evidence";
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(req->json, key);
    const cJSON *met = cJSON_GetObjectItemCaseSensitive(req->json, "met_at");
    vt_error err = VT_ERROR_INIT;
    write_job j;
    int64_t case_id;
    char ptr[16];
    int error;

    snprintf(ptr, sizeof(ptr), "/%s", key);
    memset(&j, 0, sizeof(j));
    if (!cJSON_IsString(text) || !text->valuestring[0])
        return vt_reply_error(req, 422, "invalid", ptr, "%s: a non-empty string is required",
                              ptr);
    if (strlen(text->valuestring) > 4000)
        return vt_reply_error(req, 422, "invalid", ptr, "%s: at most 4000 bytes", ptr);
    if (!waive && met && !cJSON_IsNull(met) &&
        (!cJSON_IsString(met) ||
         vt_time_parse_rfc3339(&j.met_ms, met->valuestring, strlen(met->valuestring)) != 0 ||
         j.met_ms <= 0))
        return vt_reply_error(req, 422, "invalid", "/met_at",
                              "/met_at: must be an RFC 3339 time");
    case_id = case_param(req);
    if (!case_id)
        return 0;
    j.id = obligation_param(req, case_id);
    if (!j.id)
        return 0;
    j.actor = req->who.name;
    j.text = text->valuestring;
    j.waive = waive;
    error = vt_server_write(req->srv, obligation_write, &j, &err);
    if (error == VT_EINVALID && strstr(err.msg, "already"))
        return vt_reply_error(req, 409, "conflict", err.field, "%s", err.msg);
    if (error == VT_EINVALID && strstr(err.msg, " is waived"))
        return vt_reply_error(req, 409, "conflict", err.field, "%s", err.msg);
    if (error == VT_EINVALID && strstr(err.msg, " is not_applicable"))
        return vt_reply_error(req, 409, "conflict", err.field, "%s", err.msg);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return reply_one(req, case_id, j.id);
}

static int obligation_waive(vt_request *req)
{
    return obligation_change(req, true);
}

static int obligation_evidence(vt_request *req)
{
    return obligation_change(req, false);
}

const vt_route vt_routes_obligations[] = {
    {"GET", "/api/v1/obligations", READERS, 0, obligations_list,
     "Obligations across cases, by due time (dashboard)"},
    {"GET", "/api/v1/cases/{id}/obligations", READERS, 0, case_obligations,
     "A case's obligations"},
    {"POST", "/api/v1/cases/{id}/obligations/{oid}/waive", MANAGERS, VT_ROUTE_JSON_BODY,
     obligation_waive, "Waive an obligation, with a reason"},
    {"POST", "/api/v1/cases/{id}/obligations/{oid}/evidence", WORKERS, VT_ROUTE_JSON_BODY,
     obligation_evidence, "Record the evidence that met an obligation"},
    {0},
};
