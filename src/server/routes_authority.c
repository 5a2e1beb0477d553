/*
 * routes_authority.c - the authority report of RMSV 2021 Art. 7(2) (JSON
 * and a printable page), the record of its submission, and the EU CRA
 * report stages (docs/authority.md).
 *
 * Reading is open to every reader of the case; recording a submission or
 * a confirmation of exploitation is a PSIRT manager's (or an admin's)
 * decision; filling a CRA stage's fields is also an analyst's work.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "server.h"
#include "vulntrack/authority.h"
#include "vulntrack/buf.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/osv.h"

#define READERS VT_ROLES_READERS
#define WORKERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER | VT_ROLE_ANALYST)
#define MANAGERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER)
#define J VT_ROUTE_JSON_BODY

/* Largest CRA field-set file read (bytes). */
#define CRA_FIELDS_MAX (256 * 1024)

/* ---------------------------------------------------------------------
 * Body members
 * ------------------------------------------------------------------- */

/* False (422 sent) when the body has a member not in `keys`. */
static bool known_members(vt_request *req, const char *const *keys)
{
    const cJSON *m;
    size_t i;

    cJSON_ArrayForEach(m, req->json)
    {
        bool known = false;
        char ptr[80];

        for (i = 0; keys[i]; i++)
            known = known || strcmp(keys[i], m->string) == 0;
        if (!known) {
            snprintf(ptr, sizeof(ptr), "/%.60s", m->string);
            vt_reply_error(req, 422, "invalid", ptr, "unknown member");
            return false;
        }
    }
    return true;
}

/* Optional string member into *out (NULL when absent or null); false (422 sent) when not a string.
 */
static bool opt_string(vt_request *req, const char *key, const char **out)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(req->json, key);
    char ptr[64];

    *out = NULL;
    if (!m || cJSON_IsNull(m))
        return true;
    if (!cJSON_IsString(m)) {
        snprintf(ptr, sizeof(ptr), "/%s", key);
        vt_reply_error(req, 422, "invalid", ptr, "%s must be a string", key);
        return false;
    }
    *out = m->valuestring;
    return true;
}

/* Optional RFC 3339 member into *ms (0 when absent); false (422 sent) when bad. */
static bool opt_time(vt_request *req, const char *key, int64_t *ms)
{
    const char *s;
    char ptr[64];

    *ms = 0;
    if (!opt_string(req, key, &s))
        return false;
    if (!s)
        return true;
    snprintf(ptr, sizeof(ptr), "/%s", key);
    if (vt_time_parse_rfc3339(ms, s, strlen(s)) < 0 || *ms <= 0) {
        vt_reply_error(req, 422, "invalid", ptr, "%s must be an RFC 3339 time", key);
        return false;
    }
    return true;
}

/* 422 {"error": {"code": "incomplete", "message", "field": "/missing", "missing": [...]}}. */
static int reply_missing(vt_request *req, const char *code, const vt_error *err, cJSON *missing)
{
    cJSON *body = cJSON_CreateObject(), *e = cJSON_CreateObject();

    if (vt_json_add_take(body, "error", e) < 0 || vt_json_add_str(e, "code", code) < 0 ||
        vt_json_add_str(e, "message", err->msg) < 0 ||
        vt_json_add_str(e, "field", "/missing") < 0 ||
        vt_json_add_take(e, "missing", missing) < 0) {
        cJSON_Delete(body);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 422, body);
}

/* ---------------------------------------------------------------------
 * The authority report
 * ------------------------------------------------------------------- */

static int report_get(vt_request *req)
{
    const char *format = vt_req_query(req, "format");
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    cJSON *report = NULL;
    vt_buf html = VT_BUF_INIT;
    int error;

    if (format && strcmp(format, "json") != 0 && strcmp(format, "html") != 0)
        return vt_reply_error(req, 422, "invalid", "format", "format must be json or html");
    if (!vt_req_case(req, req->store, &c))
        return 0;
    error = vt_authority_report_for_case(&report, req->store, c.id, &err);
    vt_case_dispose(&c);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    if (!format || strcmp(format, "json") == 0)
        return vt_reply_json(req, 200, report);
    error = vt_authority_html(&html, report);
    cJSON_Delete(report);
    if (error < 0) {
        vt_buf_dispose(&html);
        return vt_reply_oom(req);
    }
    error = vt_reply_text(req, 200, "text/html; charset=utf-8", html.ptr, html.len);
    vt_buf_dispose(&html);
    return error;
}

typedef struct submit_job {
    vt_authority_submission_in in;
    const struct vt_policy_set *ps;
    const struct vt_calendar_set *cs;
    cJSON *result;
    cJSON *missing;
} submit_job;

static int submit_write(vt_store *w, void *ctx, vt_error *err)
{
    submit_job *j = ctx;

    j->in.now_ms = vt_clock_now_ms();
    return vt_authority_submit(w, j->ps, j->cs, &j->in, &j->result, &j->missing, err);
}

static int submission_post(vt_request *req)
{
    static const char *const keys[] = {"submitted_at", "receipt_number", "evidence", NULL};
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    submit_job j;
    int error;

    memset(&j, 0, sizeof(j));
    if (!known_members(req, keys) || !opt_time(req, "submitted_at", &j.in.submitted_ms) ||
        !opt_string(req, "receipt_number", &j.in.receipt_number) ||
        !opt_string(req, "evidence", &j.in.evidence))
        return 0;
    if (!vt_req_case(req, req->store, &c))
        return 0;
    j.in.case_id = c.id;
    vt_case_dispose(&c);
    j.in.actor = req->who.name;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    error = vt_server_write(req->srv, submit_write, &j, &err);
    if (error < 0) {
        cJSON_Delete(j.result);
        if (j.missing)
            return reply_missing(req, "incomplete", &err, j.missing);
        return vt_reply_from_error(req, &err);
    }
    cJSON_Delete(j.missing);
    return vt_reply_json(req, 201, j.result);
}

static int submissions_get(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    cJSON *arr = NULL, *body;
    int error;

    if (!vt_req_case(req, req->store, &c))
        return 0;
    error = vt_authority_submissions_json(&arr, req->store, c.id, &err);
    vt_case_dispose(&c);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    body = cJSON_CreateObject();
    if (vt_json_add_take(body, "submissions", arr) < 0) {
        cJSON_Delete(body);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 200, body);
}

/* ---------------------------------------------------------------------
 * CRA field sets: read once, from $VT_CRA_FIELDS or beside the policy
 * directory (<data>/cra/EU_CRA_SRP_FIELDS.json).
 * ------------------------------------------------------------------- */

static pthread_mutex_t cra_lock = PTHREAD_MUTEX_INITIALIZER;
static cJSON *cra_sets; /* kept for the life of the process */

static int cra_path(vt_request *req, vt_buf *path)
{
    const vt_server_config *cfg = vt_server_get_config(req->srv);
    const char *env = getenv("VT_CRA_FIELDS");

    if (env && env[0])
        return vt_buf_puts(path, env);
    if (!cfg->policy_dir)
        return VT_ENOTFOUND;
    return vt_buf_printf(path, "%s/../cra/EU_CRA_SRP_FIELDS.json", cfg->policy_dir);
}

/* The field sets, or NULL after replying 500. */
static const cJSON *cra_fields(vt_request *req)
{
    vt_buf path = VT_BUF_INIT, text;
    vt_error err = VT_ERROR_INIT;
    const cJSON *sets;
    int error = 0;

    vt_buf_init(&text, CRA_FIELDS_MAX);
    pthread_mutex_lock(&cra_lock);
    if (!cra_sets) {
        error = cra_path(req, &path);
        if (error >= 0)
            error = vt_buf_read_file(&text, path.ptr, &err);
        if (error >= 0)
            error = vt_cra_fields_parse(&cra_sets, text.ptr, text.len, &err);
    }
    sets = cra_sets;
    pthread_mutex_unlock(&cra_lock);
    if (!sets)
        fprintf(stderr, "vulntrack: CRA field sets (%s): %s\n", path.ptr,
                err.msg[0] ? err.msg : "not configured");
    vt_buf_dispose(&path);
    vt_buf_dispose(&text);
    if (!sets)
        vt_reply_error(req, 500, "internal", NULL, "the CRA field sets are not available");
    (void)error;
    return sets;
}

/* ---------------------------------------------------------------------
 * CRA routes
 * ------------------------------------------------------------------- */

static int cra_get(vt_request *req)
{
    const cJSON *sets = cra_fields(req);
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    cJSON *view = NULL;
    int error;

    if (!sets || !vt_req_case(req, req->store, &c))
        return 0;
    error = vt_cra_view(&view, req->store, sets, c.id, &err);
    vt_case_dispose(&c);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_json(req, 200, view);
}

typedef struct cra_job {
    const cJSON *sets;
    const struct vt_policy_set *ps;
    const struct vt_calendar_set *cs;
    int64_t case_id;
    const char *stage;
    const cJSON *fields;
    const char *evidence;
    const char *judged_by;
    int64_t at_ms;
    const char *actor;
    cJSON *missing;
    vt_case_refusal refusal;
} cra_job;

/* Reply with the CRA view of the case as read now. */
static int reply_cra(vt_request *req, unsigned status, const cJSON *sets, int64_t case_id)
{
    vt_error err = VT_ERROR_INIT;
    cJSON *view = NULL;
    int error = vt_cra_view(&view, req->store, sets, case_id, &err);

    if (error < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_json(req, status, view);
}

/* The reply to a failed write of a CRA stage: an unknown stage is 404, one
 * already submitted 409, anything else as the error says. */
static int reply_stage_failed(vt_request *req, const vt_error *err)
{
    if (strcmp(err->field, "/stage") != 0)
        return vt_reply_from_error(req, err);
    if (strstr(err->msg, "unknown"))
        return vt_reply_error(req, 404, "not_found", "/stage", "%s", err->msg);
    return vt_reply_error(req, 409, "stage_submitted", "/stage", "%s", err->msg);
}

static int put_write(vt_store *w, void *ctx, vt_error *err)
{
    cra_job *j = ctx;

    return vt_cra_stage_put(w, j->sets, j->case_id, j->stage, j->fields, j->actor,
                            vt_clock_now_ms(), err);
}

static int cra_put(vt_request *req)
{
    static const char *const keys[] = {"fields", NULL};
    const cJSON *sets;
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    cra_job j;
    int error;

    memset(&j, 0, sizeof(j));
    if (!known_members(req, keys))
        return 0;
    j.fields = cJSON_GetObjectItemCaseSensitive(req->json, "fields");
    if (!cJSON_IsObject(j.fields))
        return vt_reply_error(req, 422, "invalid", "/fields", "fields must be an object");
    sets = cra_fields(req);
    if (!sets || !vt_req_case(req, req->store, &c))
        return 0;
    j.sets = sets;
    j.case_id = c.id;
    j.stage = req->param[1];
    j.actor = req->who.name;
    vt_case_dispose(&c);
    error = vt_server_write(req->srv, put_write, &j, &err);
    if (error < 0)
        return reply_stage_failed(req, &err);
    return reply_cra(req, 200, sets, j.case_id);
}

static int submit_stage_write(vt_store *w, void *ctx, vt_error *err)
{
    cra_job *j = ctx;

    return vt_cra_stage_submit(w, j->ps, j->cs, j->sets, j->case_id, j->stage, j->at_ms,
                               j->evidence, j->actor, vt_clock_now_ms(), &j->missing, err);
}

static int cra_submit(vt_request *req)
{
    static const char *const keys[] = {"submitted_at", "evidence", NULL};
    const cJSON *sets;
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    cra_job j;
    int error;

    memset(&j, 0, sizeof(j));
    if (!known_members(req, keys) || !opt_time(req, "submitted_at", &j.at_ms) ||
        !opt_string(req, "evidence", &j.evidence))
        return 0;
    sets = cra_fields(req);
    if (!sets || !vt_req_case(req, req->store, &c))
        return 0;
    j.sets = sets;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    j.case_id = c.id;
    j.stage = req->param[1];
    j.actor = req->who.name;
    vt_case_dispose(&c);
    error = vt_server_write(req->srv, submit_stage_write, &j, &err);
    if (error < 0 && j.missing)
        return reply_missing(req, "incomplete", &err, j.missing);
    cJSON_Delete(j.missing);
    if (error < 0)
        return reply_stage_failed(req, &err);
    return reply_cra(req, 201, sets, j.case_id);
}

static int exploitation_write(vt_store *w, void *ctx, vt_error *err)
{
    cra_job *j = ctx;

    return vt_cra_confirm_exploitation(w, j->ps, j->cs, j->case_id, j->evidence, j->judged_by,
                                       j->at_ms, j->actor, vt_clock_now_ms(), err);
}

static int cra_exploitation(vt_request *req)
{
    static const char *const keys[] = {"evidence", "judged_by", "first_signal_at", NULL};
    const cJSON *sets;
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    cra_job j;
    int error;

    memset(&j, 0, sizeof(j));
    if (!known_members(req, keys) || !opt_string(req, "evidence", &j.evidence) ||
        !opt_string(req, "judged_by", &j.judged_by) || !opt_time(req, "first_signal_at", &j.at_ms))
        return 0;
    if (!j.evidence || !j.evidence[0])
        return vt_reply_error(req, 422, "invalid", "/evidence",
                              "evidence is required: what makes the exploitation reliable");
    sets = cra_fields(req);
    if (!sets || !vt_req_case(req, req->store, &c))
        return 0;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    j.case_id = c.id;
    j.actor = req->who.name;
    vt_case_dispose(&c);
    error = vt_server_write(req->srv, exploitation_write, &j, &err);
    if (error < 0 && strstr(err.msg, "already recorded"))
        return vt_reply_error(req, 409, "event_already_set", "/evidence", "%s", err.msg);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return reply_cra(req, 201, sets, j.case_id);
}

static int cra_suggestions_get(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    cJSON *o = NULL;
    int error;

    if (!vt_req_case(req, req->store, &c))
        return 0;
    error = vt_cra_suggestions(&o, req->store, c.id, &err);
    vt_case_dispose(&c);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_json(req, 200, o);
}

const vt_route vt_routes_authority[] = {
    {"GET", "/api/v1/cases/{id}/authority-report", READERS, 0, report_get,
     "The Art. 7(2) authority report of a case with its completeness check (format=json|html)"},
    {"POST", "/api/v1/cases/{id}/authority-report/submissions", MANAGERS, J, submission_post,
     "Record the submission of the authority report (refused while it is incomplete)"},
    {"GET", "/api/v1/cases/{id}/authority-report/submissions", READERS, 0, submissions_get,
     "The recorded submissions of a case's authority report"},
    {"GET", "/api/v1/cases/{id}/cra", READERS, 0, cra_get,
     "The EU CRA report stages of a case: field sets, values, missing fields, obligations"},
    {"GET", "/api/v1/cases/{id}/cra/suggestions", READERS, 0, cra_suggestions_get,
     "Suggestions of active exploitation (KEV matches); never recorded"},
    {"POST", "/api/v1/cases/{id}/cra/exploitation", MANAGERS, J, cra_exploitation,
     "Confirm reliable evidence of active exploitation (stamps E_EXPLOITED_AWARE)"},
    {"PUT", "/api/v1/cases/{id}/cra/{stage}", WORKERS, J, cra_put,
     "Store the field values of a CRA report stage"},
    {"POST", "/api/v1/cases/{id}/cra/{stage}/submission", MANAGERS, J, cra_submit,
     "Record the submission of a CRA report stage (refused while a mandatory field is empty)"},
    {0},
};
