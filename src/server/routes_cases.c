/*
 * routes_cases.c - cases over HTTP: list, open (directly or from a
 * report), read, change fields, move through the lifecycle, record clock
 * events by hand, and the history. cases.h does the work; this file reads
 * requests, scopes them to the caller's organisation and maps refusals to
 * statuses (422 a field, 409 a conflict with the case's state, 403 a role).
 *
 * Scoping: a caller with an organisation sees only its organisation's
 * cases; another organisation's case answers 404, like a missing one.
 * Admins and auditors without an organisation see every case; other
 * callers without one see none. A case's {id} in paths is its reference.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "server.h"
#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"
#include "vulntrack/buf.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/grade.h"
#include "vulntrack/json.h"
#include "vulntrack/osv.h"
#include "vulntrack/store_cases.h"

#define READERS VT_ROLES_READERS
#define WORKERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER | VT_ROLE_ANALYST)
#define MANAGERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER)

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX 200

/* ------------------------------------------------------------------------ */
/* Grade tables: read once from $VT_GBT30279_TABLES, as the CLI does.       */

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static vt_grade_tables *tables;

static void tables_load(void)
{
    const char *path = getenv("VT_GBT30279_TABLES");
    vt_buf raw = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;

    if (!path || !*path)
        return;
    if (vt_buf_read_file(&raw, path, &err) < 0 ||
        vt_grade_tables_load(&tables, raw.ptr, raw.len, &err) < 0)
        fprintf(stderr,
                "vulntrack serve: grading tables %s: %s (grades fall back to "
                "CVSS_DERIVED)\n",
                path, err.msg);
    vt_buf_dispose(&raw);
}

/* The loaded grading tables, or NULL: then grades are CVSS_DERIVED. */
static const vt_grade_tables *grade_tables(void)
{
    pthread_once(&tables_once, tables_load);
    return tables;
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

/* Admins and auditors without an organisation see every case. */
#define ALL_ORGS (VT_ROLE_ADMIN | VT_ROLE_AUDITOR)

/* Optional string member; false (422 sent) when present and not a string. */
static bool opt_string(vt_request *req, const cJSON *obj, const char *key, const char **out)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = NULL;
    if (!m || cJSON_IsNull(m))
        return true;
    if (!cJSON_IsString(m)) {
        char ptr[64];

        snprintf(ptr, sizeof(ptr), "/%s", key);
        vt_reply_error(req, 422, "invalid", ptr, "%s must be a string", key);
        return false;
    }
    *out = m->valuestring;
    return true;
}

/* Optional RFC 3339 member into *ms (0 when absent); false (422 sent) when bad. */
static bool opt_time(vt_request *req, const cJSON *obj, const char *key, int64_t *ms)
{
    const char *s;
    char ptr[64];

    *ms = 0;
    if (!opt_string(req, obj, key, &s))
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

/* Reply with the case `ref` as read now (after a write has committed). */
static int reply_case(vt_request *req, unsigned status, const char *ref, cJSON *extra_key_value,
                      const char *extra_key)
{
    vt_case c = VT_CASE_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *o = NULL;
    int error = vt_store_case_get(req->store, 0, ref, &c, &err);

    if (!error)
        error = vt_case_to_json(&o, req->store, &c, &err);
    vt_case_dispose(&c);
    if (error < 0) {
        cJSON_Delete(extra_key_value);
        return vt_reply_from_error(req, &err);
    }
    if (extra_key && vt_json_add_take(o, extra_key, extra_key_value) < 0) {
        cJSON_Delete(o);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, status, o);
}

/* Location header of a case. */
static void location(vt_request *req, const char *ref)
{
    char where[96];

    snprintf(where, sizeof(where), "/api/v1/cases/%s", ref);
    vt_reply_header(req, "Location", where);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/cases                                                        */

typedef struct list_ctx {
    vt_store *s;
    cJSON *items;
    long n;
    char last[VT_CASE_REF_MAX];
} list_ctx;

static int list_each(void *ctx, const vt_case *c)
{
    list_ctx *l = ctx;
    cJSON *o;
    int error = vt_case_summary_json(&o, l->s, c, NULL);

    if (error)
        return error;
    l->n++;
    snprintf(l->last, sizeof(l->last), "%s", c->ref);
    return vt_json_add_take(l->items, NULL, o);
}

static int cases_list(vt_request *req)
{
    const char *state = vt_req_query(req, "state");
    const char *after = vt_req_query(req, "after");
    vt_case_filter f;
    vt_case_state st;
    vt_error err = VT_ERROR_INIT;
    list_ctx l;
    cJSON *body;
    int64_t scope = vt_req_scope(req, ALL_ORGS), limit = LIST_LIMIT_DEFAULT;
    int error;

    memset(&f, 0, sizeof(f));
    memset(&l, 0, sizeof(l));
    if (state && !vt_case_state_parse(state, &st))
        return vt_reply_error(req, 422, "invalid", "state", "unknown state '%s'", state);
    if (!vt_req_query_i64(req, "limit", 1, LIST_LIMIT_MAX, 422, &limit) ||
        !vt_req_org_filter(req, &scope))
        return 0;
    f.org_id = scope;
    if (after) {
        vt_case a = VT_CASE_INIT;

        error = vt_store_case_get(req->store, 0, after, &a, &err);
        if (error == VT_ENOTFOUND)
            return vt_reply_error(req, 422, "invalid", "after", "no case '%s'", after);
        if (error < 0)
            return vt_reply_from_error(req, &err);
        f.after_id = a.id;
        vt_case_dispose(&a);
    }
    f.state = state;
    f.limit = (long)limit;
    body = cJSON_CreateObject();
    l.s = req->store;
    l.items = cJSON_CreateArray();
    if (!body || vt_json_add_take(body, "items", l.items) < 0) {
        cJSON_Delete(body);
        return vt_reply_oom(req);
    }
    error = scope < 0 ? 0 : vt_store_case_list(req->store, &f, list_each, &l, &err);
    if (error < 0) {
        cJSON_Delete(body);
        return error == VT_ENOMEM ? vt_reply_oom(req) : vt_reply_from_error(req, &err);
    }
    /* A full page may have a next one; the client asks with after=<last ref>. */
    if (vt_json_add_str(body, "next", l.n == (long)limit ? l.last : NULL) < 0) {
        cJSON_Delete(body);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 200, body);
}

/* ------------------------------------------------------------------------ */
/* POST /api/v1/cases and POST /api/v1/reports/{id}/case                    */

typedef struct open_job {
    vt_case_new in;
    const struct vt_policy_set *ps;
    const struct vt_calendar_set *cs;
    int64_t scope;            /* the caller's organisation scope */
    const char *duplicate_of; /* attach the report to this case instead */
    int64_t case_id;
    char ref[VT_CASE_REF_MAX];
    vt_case_refusal refusal;
    bool not_visible; /* the report or case is not the caller's */
} open_job;

static int open_write(vt_store *w, void *ctx, vt_error *err)
{
    open_job *j = ctx;

    return vt_case_create_ex(w, &j->in, j->ps, j->cs, 0, &j->case_id, j->ref, &j->refusal, err);
}

/* From a report: the case's organisation is the report's; or attach it. */
static int report_write(vt_store *w, void *ctx, vt_error *err)
{
    open_job *j = ctx;
    vt_case_report rep;
    vt_case dup = VT_CASE_INIT;
    int error = vt_store_case_report_get(w, j->in.report_id, &rep, err);

    if (error < 0)
        return error;
    if (j->scope < 0 || (j->scope > 0 && rep.org_id && rep.org_id != j->scope)) {
        vt_free(rep.title);
        j->not_visible = true;
        return vt_error_set(err, VT_ENOTFOUND, 0, "no report '%s'", j->in.report_id);
    }
    if (!j->in.org_id)
        j->in.org_id = rep.org_id ? rep.org_id : j->scope;
    vt_free(rep.title);
    if (!j->duplicate_of) {
        if (!j->in.org_id)
            return vt_error_set_field(err, VT_EINVALID, "/org",
                                      "/org: the report has no organisation; name one");
        return vt_case_create_ex(w, &j->in, j->ps, j->cs, 0, &j->case_id, j->ref, &j->refusal, err);
    }
    error = vt_store_case_get(w, 0, j->duplicate_of, &dup, err);
    if (error == VT_ENOTFOUND || (!error && j->scope > 0 && dup.org_id != j->scope))
        error = vt_error_set_field(err, VT_EINVALID, "/duplicate_of", "/duplicate_of: no case %s",
                                   j->duplicate_of);
    if (!error) {
        snprintf(j->ref, sizeof(j->ref), "%s", dup.ref);
        j->case_id = dup.id;
        error =
            vt_case_attach_duplicate(w, j->in.report_id, dup.id, j->in.actor, 0, &j->refusal, err);
    }
    vt_case_dispose(&dup);
    return error;
}

/* The organisation to open a case in: the caller's, or "org" for an admin without one. */
static bool open_org(vt_request *req, int64_t *org_id, bool required)
{
    const char *slug;
    vt_error err = VT_ERROR_INIT;
    int error;

    *org_id = req->who.org_id;
    if (!opt_string(req, req->json, "org", &slug))
        return false;
    if (!slug) {
        if (!*org_id && required) {
            vt_reply_error(req, 422, "invalid", "/org", "name the organisation (org)");
            return false;
        }
        return true;
    }
    if (*org_id) {
        error = vt_store_case_org_id(req->store, slug, org_id, &err);
        if (error < 0 || *org_id != req->who.org_id) {
            vt_reply_error(req, 422, "invalid", "/org",
                           "you may open cases only in your "
                           "organisation");
            return false;
        }
        return true;
    }
    return vt_req_org_id(req, slug, "/org", org_id);
}

/* Read title, scope and doc of an opening request into j (doc normalised into *doc). */
static bool open_fields(vt_request *req, open_job *j, cJSON **doc)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(req->json, "doc");
    vt_error err = VT_ERROR_INIT;

    *doc = NULL;
    if (!opt_string(req, req->json, "title", &j->in.title) ||
        !opt_string(req, req->json, "scope", &j->in.scope) ||
        !opt_time(req, req->json, "aware_at", &j->in.aware_ms))
        return false;
    if (d && !cJSON_IsNull(d)) {
        if (vt_case_doc_normalize(doc, d, grade_tables(), "/doc", &err) < 0) {
            vt_reply_from_error(req, &err);
            return false;
        }
    }
    j->in.doc = *doc;
    return true;
}

static int open_reply(vt_request *req, open_job *j, int error, vt_error *err)
{
    if (error < 0 && j->refusal == VT_CASE_REFUSAL_HAS_CASE)
        return vt_reply_error(req, 409, "has_case", "/report", "%s", err->msg);
    if (error < 0 && j->not_visible)
        return vt_reply_error(req, 404, "not_found", NULL, "no report '%s'", j->in.report_id);
    if (error < 0)
        return vt_reply_from_error(req, err);
    location(req, j->ref);
    return reply_case(req, 201, j->ref, NULL, NULL);
}

static int cases_open(vt_request *req)
{
    static const char *const keys[] = {"title", "scope", "doc", "aware_at", "org", NULL};
    vt_error err = VT_ERROR_INIT;
    cJSON *doc = NULL;
    open_job j;
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_known_members(req, keys))
        return 0;
    if (!open_org(req, &j.in.org_id, true) || !open_fields(req, &j, &doc))
        return 0;
    if (!j.in.title)
        return vt_reply_error(req, 422, "invalid", "/title", "a case needs a title");
    j.in.actor = req->who.name;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    error = vt_server_write(req->srv, open_write, &j, &err);
    cJSON_Delete(doc);
    return open_reply(req, &j, error, &err);
}

static int report_case(vt_request *req)
{
    static const char *const keys[] = {"title", "scope",        "doc", "aware_at",
                                       "org",   "duplicate_of", NULL};
    vt_error err = VT_ERROR_INIT;
    cJSON *doc = NULL, *extra;
    open_job j;
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_known_members(req, keys))
        return 0;
    j.scope = vt_req_scope(req, ALL_ORGS);
    j.in.report_id = req->param[0];
    j.in.actor = req->who.name;
    if (!opt_string(req, req->json, "duplicate_of", &j.duplicate_of) ||
        !open_org(req, &j.in.org_id, false))
        return 0;
    if (j.duplicate_of && cJSON_GetArraySize(req->json) > 1)
        return vt_reply_error(req, 422, "invalid", "/duplicate_of",
                              "a duplicate is attached as it is: send duplicate_of alone");
    if (!j.duplicate_of && !open_fields(req, &j, &doc))
        return 0;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    error = vt_server_write(req->srv, report_write, &j, &err);
    cJSON_Delete(doc);
    if (error < 0 || !j.duplicate_of)
        return open_reply(req, &j, error, &err);
    extra = cJSON_CreateObject();
    if (!extra || vt_json_add_str(extra, "report", j.in.report_id) < 0) {
        cJSON_Delete(extra);
        return vt_reply_oom(req);
    }
    return reply_case(req, 200, j.ref, extra, "attached");
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/cases/{id} and /history                                      */

static int case_get(vt_request *req)
{
    vt_case c = VT_CASE_INIT;

    if (!vt_req_case(req, req->store, &c))
        return 0;
    vt_case_dispose(&c);
    return reply_case(req, 200, req->param[0], NULL, NULL);
}

static int case_history(vt_request *req)
{
    vt_case c = VT_CASE_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *h = NULL;
    int error;

    if (!vt_req_case(req, req->store, &c))
        return 0;
    error = vt_case_history_json(&h, req->store, c.id, &err);
    if (!error && vt_json_add_str(h, "ref", c.ref) < 0)
        error = vt_error_set(&err, VT_ENOMEM, 0, "out of memory");
    vt_case_dispose(&c);
    if (error < 0) {
        cJSON_Delete(h);
        return vt_reply_from_error(req, &err);
    }
    return vt_reply_json(req, 200, h);
}

/* ------------------------------------------------------------------------ */
/* PATCH /api/v1/cases/{id}                                                 */

typedef struct update_job {
    vt_case_update_in in;
    const struct vt_policy_set *ps;
    const struct vt_calendar_set *cs;
    int64_t revision;
    vt_case_refusal refusal;
} update_job;

static int update_write(vt_store *w, void *ctx, vt_error *err)
{
    update_job *j = ctx;

    return vt_case_update(w, j->ps, j->cs, &j->in, &j->revision, &j->refusal, err);
}

static int case_patch(vt_request *req)
{
    static const char *const keys[] = {"revision", "title", "doc", NULL};
    const cJSON *rev = cJSON_GetObjectItemCaseSensitive(req->json, "revision");
    const cJSON *doc = cJSON_GetObjectItemCaseSensitive(req->json, "doc");
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    update_job j;
    int error;

    if (!vt_req_known_members(req, keys))
        return 0;
    if (!cJSON_IsNumber(rev) || rev->valuedouble < 1 ||
        (double)(int64_t)rev->valuedouble != rev->valuedouble)
        return vt_reply_error(req, 422, "invalid", "/revision",
                              "revision (the one the change was made against) is required");
    if (doc && !cJSON_IsObject(doc))
        return vt_reply_error(req, 422, "invalid", "/doc", "doc must be an object");
    if (!vt_req_case(req, req->store, &c))
        return 0;
    memset(&j, 0, sizeof(j));
    j.in.case_id = c.id;
    j.in.revision = (int64_t)rev->valuedouble;
    j.in.doc = doc;
    j.in.tables = grade_tables();
    j.in.actor = req->who.name;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    if (!opt_string(req, req->json, "title", &j.in.title)) {
        vt_case_dispose(&c);
        return 0;
    }
    error = vt_server_write(req->srv, update_write, &j, &err);
    vt_case_dispose(&c);
    if (error < 0 && j.refusal == VT_CASE_REFUSAL_STALE)
        return vt_reply_error(req, 409, "stale_revision", "/revision", "%s", err.msg);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return reply_case(req, 200, req->param[0], NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* POST /api/v1/cases/{id}/transitions                                      */

typedef struct transition_job {
    vt_case_transition_in in;
    vt_case_transition_out out;
    const struct vt_policy_set *ps;
    const struct vt_calendar_set *cs;
    vt_case_refusal refusal;
} transition_job;

static int transition_write(vt_store *w, void *ctx, vt_error *err)
{
    transition_job *j = ctx;

    return vt_case_transition(w, j->ps, j->cs, &j->in, &j->out, &j->refusal, err);
}

/* 409 {"error": {"code": "illegal_transition", ..., "state", "allowed": [...]}}. */
static int reply_illegal(vt_request *req, const transition_job *j, const char *msg)
{
    cJSON *root = cJSON_CreateObject(), *e = cJSON_CreateObject(), *allowed;
    size_t i;
    int error = root && e ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_json_add_take(root, "error", e);
    else
        cJSON_Delete(e);
    if (!error)
        error = vt_json_add_str(e, "code", "illegal_transition");
    if (!error)
        error = vt_json_add_str(e, "message", msg);
    if (!error)
        error = vt_json_add_str(e, "field", "/to");
    if (!error)
        error = vt_json_add_str(e, "state", vt_case_state_name(j->out.from));
    allowed = cJSON_CreateArray();
    if (!error)
        error = vt_json_add_take(e, "allowed", allowed);
    for (i = 0; !error && i < j->out.nallowed; i++)
        error = vt_json_add_str(allowed, NULL, vt_case_state_name(j->out.allowed[i]));
    if (error) {
        cJSON_Delete(root);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 409, root);
}

static int case_transition(vt_request *req)
{
    static const char *const keys[] = {"to", "reason", "note", "revision", "duplicate_of", NULL};
    const cJSON *rev = cJSON_GetObjectItemCaseSensitive(req->json, "revision");
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    const char *to;
    cJSON *tr, *stamped;
    transition_job j;
    size_t i;
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_known_members(req, keys))
        return 0;
    if (!opt_string(req, req->json, "to", &to) ||
        !opt_string(req, req->json, "reason", &j.in.reason) ||
        !opt_string(req, req->json, "note", &j.in.note) ||
        !opt_string(req, req->json, "duplicate_of", &j.in.duplicate_of))
        return 0;
    if (!to || !vt_case_state_parse(to, &j.in.to))
        return vt_reply_error(req, 422, "invalid", "/to", "to must be a state");
    if (rev && (!cJSON_IsNumber(rev) || rev->valuedouble < 1 ||
                (double)(int64_t)rev->valuedouble != rev->valuedouble))
        return vt_reply_error(req, 422, "invalid", "/revision", "revision must be a number");
    if (!vt_req_case(req, req->store, &c))
        return 0;
    j.in.case_id = c.id;
    vt_case_dispose(&c);
    j.in.revision = rev ? (int64_t)rev->valuedouble : 0;
    j.in.actor = req->who.name;
    j.in.role = req->who.role;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    error = vt_server_write(req->srv, transition_write, &j, &err);
    if (error < 0) {
        switch (j.refusal) {
        case VT_CASE_REFUSAL_ILLEGAL:
            return reply_illegal(req, &j, err.msg);
        case VT_CASE_REFUSAL_ROLE:
            return vt_reply_error(req, 403, "forbidden", "/to", "%s", err.msg);
        case VT_CASE_REFUSAL_STALE:
            return vt_reply_error(req, 409, "stale_revision", "/revision", "%s", err.msg);
        default:
            return vt_reply_from_error(req, &err);
        }
    }
    tr = cJSON_CreateObject();
    stamped = cJSON_CreateArray();
    error = tr && stamped ? 0 : VT_ENOMEM;
    if (!error)
        error = vt_json_add_take(tr, "stamped", stamped);
    else
        cJSON_Delete(stamped);
    for (i = 0; !error && i < j.out.nstamped; i++)
        error = vt_json_add_str(stamped, NULL, j.out.stamped[i]);
    if (!error)
        error = vt_json_add_str(tr, "from", vt_case_state_name(j.out.from));
    if (!error)
        error = vt_json_add_str(tr, "to", vt_case_state_name(j.out.to));
    if (!error)
        error = vt_json_add_num(tr, "seq", (double)j.out.seq);
    if (!error)
        error = vt_json_add_num(tr, "ledger_seq", (double)j.out.ledger_seq);
    if (error) {
        cJSON_Delete(tr);
        return vt_reply_oom(req);
    }
    return reply_case(req, 200, req->param[0], tr, "transition");
}

/* ------------------------------------------------------------------------ */
/* POST /api/v1/cases/{id}/events                                           */

typedef struct event_job {
    int64_t case_id;
    const char *event, *evidence, *time_zone, *actor;
    int64_t at_ms;
    const struct vt_policy_set *ps;
    const struct vt_calendar_set *cs;
    vt_case_refusal refusal;
} event_job;

static int event_write(vt_store *w, void *ctx, vt_error *err)
{
    event_job *j = ctx;

    return vt_case_record_event(w, j->ps, j->cs, j->case_id, j->event, j->at_ms, j->time_zone,
                                j->actor, j->evidence, 0, &j->refusal, err);
}

static int case_event(vt_request *req)
{
    static const char *const keys[] = {"event", "at", "evidence", "time_zone", NULL};
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    event_job j;
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_known_members(req, keys))
        return 0;
    if (!opt_string(req, req->json, "event", &j.event) ||
        !opt_string(req, req->json, "evidence", &j.evidence) ||
        !opt_string(req, req->json, "time_zone", &j.time_zone) ||
        !opt_time(req, req->json, "at", &j.at_ms))
        return 0;
    if (!j.event)
        return vt_reply_error(req, 422, "invalid", "/event", "event is required");
    if (!vt_req_case(req, req->store, &c))
        return 0;
    j.case_id = c.id;
    vt_case_dispose(&c);
    j.actor = req->who.name;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    error = vt_server_write(req->srv, event_write, &j, &err);
    if (error < 0 && j.refusal == VT_CASE_REFUSAL_EVENT_SET)
        return vt_reply_error(req, 409, "event_already_set", "/event", "%s", err.msg);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return reply_case(req, 201, req->param[0], NULL, NULL);
}

/*
 * Transitions are open to psirt_manager, analyst and admin at the route;
 * the lifecycle table (case_lifecycle.c) then decides per transition:
 * users_notified, disclosed, closed and reopening are for psirt_manager
 * and admin only (403 otherwise).
 */
const vt_route vt_routes_cases[] = {
    {"GET", "/api/v1/cases", READERS, 0, cases_list, "List cases"},
    {"POST", "/api/v1/cases", WORKERS, VT_ROUTE_JSON_BODY, cases_open,
     "Open a case directly (internal finding)"},
    {"POST", "/api/v1/reports/{id}/case", WORKERS, VT_ROUTE_JSON_BODY, report_case,
     "Open a case from a report, or attach the report to a case as a duplicate"},
    {"GET", "/api/v1/cases/{id}", READERS, 0, case_get,
     "A case: fields, state, allowed next states, events, revision"},
    {"PATCH", "/api/v1/cases/{id}", WORKERS, VT_ROUTE_JSON_BODY, case_patch,
     "Change a case's fields (optimistic: with the revision read)"},
    {"POST", "/api/v1/cases/{id}/transitions", WORKERS, VT_ROUTE_JSON_BODY, case_transition,
     "Move a case to another state"},
    {"GET", "/api/v1/cases/{id}/history", READERS, 0, case_history,
     "A case's transitions and events"},
    {"POST", "/api/v1/cases/{id}/events", MANAGERS, VT_ROUTE_JSON_BODY, case_event,
     "Record a clock event of a case by hand"},
    {0},
};
