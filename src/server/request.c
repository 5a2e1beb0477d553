/*
 * request.c - request helpers shared by the route files (see request.h).
 * They keep the list routes' answers to a bad query parameter and the
 * organisation scoping of cases, obligations and products the same
 * everywhere.
 */
#include "request.h"

#include <stdio.h>
#include <string.h>

#include "vulntrack/json.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/strparse.h"

int vt_reply_oom(vt_request *req)
{
    return vt_reply_error(req, 500, "internal", NULL, "out of memory");
}

int vt_reply_case_created(vt_request *req, const char *ref)
{
    cJSON *body = cJSON_CreateObject();
    char location[96];

    if (!body || vt_json_add_str(body, "case", ref) < 0) {
        cJSON_Delete(body);
        return vt_reply_oom(req);
    }
    snprintf(location, sizeof(location), "/api/v1/cases/%s", ref);
    vt_reply_header(req, "Location", location);
    return vt_reply_json(req, 201, body);
}

cJSON *vt_req_list_body(const char *key, cJSON **arr)
{
    cJSON *o = cJSON_CreateObject();

    *arr = cJSON_CreateArray();
    if (!o || vt_json_add_take(o, key, *arr) < 0) {
        if (!o)
            cJSON_Delete(*arr);
        cJSON_Delete(o);
        *arr = NULL;
        return NULL;
    }
    return o;
}

int vt_reply_listed(vt_request *req, cJSON *body, int error, const vt_error *err)
{
    if (error >= 0)
        return vt_reply_json(req, 200, body);
    cJSON_Delete(body);
    return error == VT_ENOMEM ? vt_reply_oom(req) : vt_reply_from_error(req, err);
}

bool vt_req_known_members(vt_request *req, const char *const *known)
{
    const cJSON *m;
    char ptr[VT_ERROR_FIELD_MAX];

    cJSON_ArrayForEach(m, req->json)
    {
        size_t i;
        bool ok = false;

        for (i = 0; known[i] && !ok; i++)
            ok = strcmp(m->string, known[i]) == 0;
        if (!ok) {
            snprintf(ptr, sizeof(ptr), "/%.*s", (int)sizeof(ptr) - 2, m->string);
            vt_reply_error(req, 422, "invalid", ptr, "unknown member '%s'", m->string);
            return false;
        }
    }
    return true;
}

bool vt_req_id_param(vt_request *req, const char *what, unsigned all_orgs, int64_t *id,
                     int64_t *scope)
{
    const char *s = req->param[0];

    *scope = vt_req_scope(req, all_orgs);
    if (vt_parse_i64(id, s, strlen(s)) < 0 || *id <= 0 || *scope < 0) {
        vt_reply_error(req, 404, "not_found", NULL, "no %s '%s'", what, s);
        return false;
    }
    return true;
}

bool vt_req_query_i64(vt_request *req, const char *name, int64_t min, int64_t max, unsigned status,
                      int64_t *out)
{
    const char *v = vt_req_query(req, name);
    int64_t n;

    if (!v)
        return true;
    if (vt_parse_i64(&n, v, strlen(v)) < 0 || n < min || n > max) {
        vt_reply_error(req, status, "invalid", name, "%s must be a whole number from %lld to %lld",
                       name, (long long)min, (long long)max);
        return false;
    }
    *out = n;
    return true;
}

int64_t vt_req_scope(const vt_request *req, unsigned all_orgs)
{
    if (req->who.org_id)
        return req->who.org_id;
    return (req->who.role & all_orgs) ? 0 : -1;
}

bool vt_req_org_id(vt_request *req, const char *slug, const char *field, int64_t *id)
{
    vt_error err = VT_ERROR_INIT;
    int error = vt_store_case_org_id(req->store, slug, id, &err);

    if (error == VT_ENOTFOUND) {
        vt_reply_error(req, 422, "invalid", field, "no organisation '%s'", slug);
        return false;
    }
    if (error < 0) {
        vt_reply_from_error(req, &err);
        return false;
    }
    return true;
}

bool vt_req_org_filter(vt_request *req, int64_t *scope)
{
    const char *org = vt_req_query(req, "org");
    int64_t id = 0;

    if (!org)
        return true;
    if (!vt_req_org_id(req, org, "org", &id))
        return false;
    if (*scope == 0)
        *scope = id;
    else if (id != *scope)
        *scope = -1; /* another organisation's records: none visible */
    return true;
}

bool vt_req_case(vt_request *req, vt_store *s, vt_case *c)
{
    vt_error err = VT_ERROR_INIT;
    int64_t scope = vt_req_scope(req, VT_ROLE_ADMIN | VT_ROLE_AUDITOR);
    int error = vt_store_case_get(s, 0, req->param[0], c, &err);

    if (error == VT_ENOTFOUND || (!error && (scope < 0 || (scope > 0 && c->org_id != scope)))) {
        vt_case_dispose(c);
        vt_reply_error(req, 404, "not_found", NULL, "no case '%s'", req->param[0]);
        return false;
    }
    if (error < 0) {
        vt_reply_from_error(req, &err);
        return false;
    }
    return true;
}
