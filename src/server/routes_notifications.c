/*
 * routes_notifications.c - who is told, and what was sent: contacts per
 * organisation (and product and versions), the notices of a case (Art.
 * 7(1) to the upstream provider, Art. 7(3) to users and customers) queued
 * in the outbox in the same transaction as their ledger entry, the outbox
 * with its dead letters, a retry of a dead message, and a manual record
 * with evidence for a notice sent outside the service.
 *
 * Scoping: a caller with an organisation sees and changes only its own
 * contacts and messages; admins and auditors without one see every
 * organisation's. Before anything is queued, rule P7 (vt_gate_check_share)
 * is asked about every recipient; a refused one fails the request unless
 * the caller asks to skip the refused ones.
 */
#include <stdio.h>
#include <string.h>

#include "notify_worker.h"
#include "request.h"
#include "server.h"
#include "vulntrack/alloc.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/contacts.h"
#include "vulntrack/gate.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/notify.h"
#include "vulntrack/obligations.h"
#include "vulntrack/outbox.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/strparse.h"

#define READERS VT_ROLES_READERS
#define MANAGERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER)
#define ALL_ORGS (VT_ROLE_ADMIN | VT_ROLE_AUDITOR)

/* Recipients of one notification request. */
#define MAX_RECIPIENTS 256

/* ---- contacts ---------------------------------------------------------- */

static int contacts_list(vt_request *req)
{
    int64_t scope = vt_req_scope(req, ALL_ORGS);
    vt_error err = VT_ERROR_INIT;
    vt_contact *all = NULL;
    cJSON *arr, *body, *item;
    size_t n = 0, i;
    int error = 0;

    if (!vt_req_org_filter(req, &scope))
        return 0;
    body = vt_req_list_body("contacts", &arr);
    if (!body)
        return vt_reply_oom(req);
    if (scope >= 0)
        error = vt_contacts_load(req->store, scope, &all, &n, &err);
    for (i = 0; error == 0 && i < n; i++) {
        item = vt_contact_json(&all[i]);
        if (!item || !cJSON_AddItemToArray(arr, item)) {
            cJSON_Delete(item);
            error = VT_ENOMEM;
        }
    }
    vt_contacts_free(all, n);
    return vt_reply_listed(req, body, error, &err);
}

typedef struct contact_job {
    vt_contact *c;
    const char *actor;
    const char *what; /* "contact.created", "contact.updated", "contact.deleted" */
} contact_job;

static int contact_write(vt_store *w, void *ctx, vt_error *err)
{
    contact_job *j = ctx;
    int64_t now = vt_clock_now_ms();
    vt_ledger_entry_in in;
    char subject[64], detail[256];
    int error;

    if (strcmp(j->what, "contact.created") == 0)
        error = vt_contact_insert(w, j->c, now, err);
    else if (strcmp(j->what, "contact.updated") == 0)
        error = vt_contact_save(w, j->c, err);
    else
        error = vt_contact_disable(w, j->c->id, now, err);
    if (error < 0)
        return error;
    snprintf(subject, sizeof(subject), "contact:%lld", (long long)j->c->id);
    snprintf(detail, sizeof(detail),
             "{\"org_id\":%lld,\"role\":\"%s\",\"channel\":\"%s\","
             "\"country\":\"%s\"}",
             (long long)j->c->org_id, j->c->role, j->c->channel, j->c->country);
    memset(&in, 0, sizeof(in));
    in.kind = j->what;
    in.channel = "api";
    in.actor = j->actor;
    in.subject = subject;
    in.detail = detail;
    return vt_ledger_append(w, &in, NULL, err);
}

static int reply_contact(vt_request *req, unsigned status, const vt_contact *c)
{
    cJSON *o = vt_contact_json(c);

    return o ? vt_reply_json(req, status, o) : vt_reply_oom(req);
}

static int contacts_create(vt_request *req)
{
    const cJSON *org = cJSON_GetObjectItemCaseSensitive(req->json, "org");
    vt_contact c = VT_CONTACT_INIT;
    vt_error err = VT_ERROR_INIT;
    contact_job j;
    cJSON *fields = NULL;
    int error;

    c.org_id = req->who.org_id;
    if (org) {
        if (!cJSON_IsString(org))
            return vt_reply_error(req, 422, "invalid", "/org", "/org: an organisation slug");
        if (req->who.org_id)
            return vt_reply_error(req, 422, "invalid", "/org",
                                  "/org: contacts are added to the caller's own organisation");
        if (!vt_req_org_id(req, org->valuestring, "/org", &c.org_id))
            return 0;
    }
    if (!c.org_id)
        return vt_reply_error(req, 422, "invalid", "/org",
                              "/org: a caller without an organisation names one");
    fields = cJSON_Duplicate(req->json, true);
    if (!fields)
        return vt_reply_oom(req);
    cJSON_DeleteItemFromObjectCaseSensitive(fields, "org");
    error = vt_contact_apply_json(&c, fields, false, &err);
    cJSON_Delete(fields);
    if (error == 0) {
        j.c = &c;
        j.actor = req->who.name;
        j.what = "contact.created";
        error = vt_server_write(req->srv, contact_write, &j, &err);
    }
    if (error == 0)
        error = reply_contact(req, 201, &c);
    else
        vt_reply_from_error(req, &err);
    vt_contact_dispose(&c);
    return 0;
}

/* The contact of path parameter 0 if the caller may change it; false with
 * the reply sent. */
static bool contact_param(vt_request *req, vt_contact *c)
{
    vt_error err = VT_ERROR_INIT;
    int64_t id = 0;
    int error;

    if (vt_parse_i64(&id, req->param[0], strlen(req->param[0])) < 0 || id < 1) {
        vt_reply_error(req, 404, "not_found", NULL, "no contact '%s'", req->param[0]);
        return false;
    }
    error = vt_contact_get(req->store, id, c, &err);
    if (error == 0 && (c->disabled_ms || (req->who.org_id && c->org_id != req->who.org_id)))
        error = VT_ENOTFOUND;
    if (error == VT_ENOTFOUND) {
        vt_contact_dispose(c);
        vt_reply_error(req, 404, "not_found", NULL, "no contact '%s'", req->param[0]);
        return false;
    }
    if (error < 0) {
        vt_reply_from_error(req, &err);
        return false;
    }
    return true;
}

static int contacts_change(vt_request *req, bool remove)
{
    vt_contact c = VT_CONTACT_INIT;
    vt_error err = VT_ERROR_INIT;
    contact_job j;
    int error = 0;

    if (!contact_param(req, &c))
        return 0;
    if (!remove)
        error = vt_contact_apply_json(&c, req->json, true, &err);
    if (error == 0) {
        j.c = &c;
        j.actor = req->who.name;
        j.what = remove ? "contact.deleted" : "contact.updated";
        error = vt_server_write(req->srv, contact_write, &j, &err);
    }
    if (error < 0)
        vt_reply_from_error(req, &err);
    else if (remove)
        vt_reply_text(req, 204, "application/json", "", 0);
    else
        reply_contact(req, 200, &c);
    vt_contact_dispose(&c);
    return 0;
}

static int contacts_patch(vt_request *req)
{
    return contacts_change(req, false);
}

static int contacts_delete(vt_request *req)
{
    return contacts_change(req, true);
}

/* ---- notices of a case -------------------------------------------------- */

/* The obligation a notice of `kind` meets for the case: CN-UPSTREAM for the
 * upstream notice; for the user notice CN-USERNOTE, or CRA-USER when only
 * the CRA profile applies. Both user obligations are met by the same
 * clock event, so the choice only names it. */
static const char *obligation_for(vt_request *req, int64_t case_id, bool upstream)
{
    vt_obligation_filter f = VT_OBLIGATION_FILTER_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *items = NULL, *it;
    bool cn = false, cra = false;

    if (upstream)
        return "CN-UPSTREAM";
    f.case_id = case_id;
    f.limit = 1000;
    if (vt_obligations_query(req->store, vt_server_policies(req->srv), &f, &items, &err) == 0) {
        cJSON_ArrayForEach(it, items)
        {
            const cJSON *code = cJSON_GetObjectItemCaseSensitive(it, "obligation");
            if (cJSON_IsString(code) && strcmp(code->valuestring, "CN-USERNOTE") == 0)
                cn = true;
            if (cJSON_IsString(code) && strcmp(code->valuestring, "CRA-USER") == 0)
                cra = true;
        }
    }
    cJSON_Delete(items);
    return cra && !cn ? "CRA-USER" : "CN-USERNOTE";
}

/* Is contact `c` a recipient of notice `kind` about the case's products? */
static bool recipient_of(const vt_contact *c, bool upstream, const cJSON *products)
{
    if (upstream && strcmp(c->role, "upstream") != 0)
        return false;
    if (!upstream && strcmp(c->role, "user") != 0 && strcmp(c->role, "customer") != 0 &&
        strcmp(c->role, "downstream_vendor") != 0)
        return false;
    return vt_contact_matches_case(c, products);
}

typedef struct notice_job {
    const vt_case *kase;
    const char *kind;
    const char *actor;
    const char *obligation;
    const char *note;
    vt_contact *to[MAX_RECIPIENTS];
    vt_notice notices[MAX_RECIPIENTS];
    char ids[MAX_RECIPIENTS][VT_OUTBOX_ID_MAX];
    size_t n;
    cJSON *refused; /* array, borrowed */
} notice_job;

static int notice_write(vt_store *w, void *ctx, vt_error *err)
{
    notice_job *j = ctx;
    vt_ledger_entry_in in;
    cJSON *detail = cJSON_CreateObject(), *msgs = cJSON_CreateArray(), *m;
    char *text = NULL;
    size_t i;
    int error = 0;

    if (!detail || !msgs) {
        cJSON_Delete(detail);
        cJSON_Delete(msgs);
        return vt_error_set(err, VT_ENOMEM, 0, "queueing notices");
    }
    for (i = 0; error == 0 && i < j->n; i++) {
        vt_outbox_msg msg;

        msg.case_id = j->kase->id;
        msg.contact_id = j->to[i]->id;
        msg.kind = j->kind;
        msg.obligation = j->obligation;
        msg.subject = j->notices[i].subject;
        msg.body_json = j->notices[i].body_json;
        msg.body_text = j->notices[i].body_text;
        msg.body_html = j->notices[i].body_html;
        error = vt_outbox_enqueue(w, &msg, j->ids[i], err);
        if (error < 0)
            break;
        m = cJSON_CreateObject();
        if (!m || !cJSON_AddItemToArray(msgs, m) ||
            vt_json_add_str(m, "message_id", j->ids[i]) < 0 ||
            vt_json_add_num(m, "contact_id", (double)j->to[i]->id) < 0 ||
            vt_json_add_str(m, "channel", j->to[i]->channel) < 0)
            error = vt_error_set(err, VT_ENOMEM, 0, "queueing notices");
    }
    /* The detail takes `msgs` (and the copy of the refusals) on every path. */
    if (vt_json_add_take(detail, "messages", msgs) < 0 ||
        vt_json_add_take(detail, "refused", cJSON_Duplicate(j->refused, true)) < 0 ||
        vt_json_add_str(detail, "kind", j->kind) < 0 ||
        vt_json_add_str(detail, "obligation", j->obligation) < 0)
        error = error < 0 ? error : vt_error_set(err, VT_ENOMEM, 0, "queueing notices");
    if (error == 0) {
        text = cJSON_PrintUnformatted(detail);
        if (!text)
            error = vt_error_set(err, VT_ENOMEM, 0, "queueing notices");
    }
    if (error == 0) {
        memset(&in, 0, sizeof(in));
        in.kind = "case.notification";
        in.channel = "api";
        in.actor = j->actor;
        in.subject = j->kase->ref;
        in.detail = text;
        error = vt_ledger_append(w, &in, NULL, err);
    }
    if (text)
        cJSON_free(text);
    cJSON_Delete(detail);
    return error;
}

/* A refused recipient for the 422 body and the ledger. */
static int add_refusal(cJSON *arr, const vt_contact *c, const vt_gate_result *g)
{
    cJSON *o = cJSON_CreateObject(), *r = vt_gate_result_json(g);

    if (!o || !r || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        cJSON_Delete(r);
        return VT_ENOMEM;
    }
    if (vt_json_add_num(o, "contact_id", (double)c->id) < 0 ||
        vt_json_add_str(o, "name", c->name) < 0 || vt_json_add_str(o, "country", c->country) < 0 ||
        vt_json_add_take(o, "refusals", cJSON_DetachItemFromObject(r, "refusals")) < 0) {
        cJSON_Delete(r);
        return VT_ENOMEM;
    }
    cJSON_Delete(r);
    return 0;
}

static int reply_queued(vt_request *req, const notice_job *j)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray(), *m;
    size_t i;

    if (!o || !arr || vt_json_add_take(o, "messages", arr) < 0) {
        if (o)
            cJSON_Delete(o);
        else
            cJSON_Delete(arr);
        return vt_reply_oom(req);
    }
    for (i = 0; i < j->n; i++) {
        m = cJSON_CreateObject();
        if (!m || !cJSON_AddItemToArray(arr, m) ||
            vt_json_add_str(m, "message_id", j->ids[i]) < 0 ||
            vt_json_add_num(m, "contact_id", (double)j->to[i]->id) < 0 ||
            vt_json_add_str(m, "contact", j->to[i]->name) < 0 ||
            vt_json_add_str(m, "channel", j->to[i]->channel) < 0 ||
            vt_json_add_str(m, "state", "pending") < 0) {
            cJSON_Delete(o);
            return vt_reply_oom(req);
        }
    }
    if (vt_json_add_str(o, "case", j->kase->ref) < 0 || vt_json_add_str(o, "kind", j->kind) < 0 ||
        vt_json_add_str(o, "obligation", j->obligation) < 0 ||
        vt_json_add_take(o, "refused", cJSON_Duplicate(j->refused, true)) < 0) {
        cJSON_Delete(o);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 201, o);
}

/* "kind" of the body as upstream (true) or user notice; false after replying. */
static bool kind_member(vt_request *req, bool *upstream)
{
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(req->json, "kind");

    if (cJSON_IsString(kind) && strcmp(kind->valuestring, "upstream_notice") == 0)
        *upstream = true;
    else if (cJSON_IsString(kind) && strcmp(kind->valuestring, "user_notice") == 0)
        *upstream = false;
    else {
        vt_reply_error(req, 422, "invalid", "/kind", "/kind: upstream_notice or user_notice");
        return false;
    }
    return true;
}

/* Check the members of a body against `known`. False after replying 422. */
static bool known_members(vt_request *req, const char *const *known, size_t n)
{
    const cJSON *v;
    size_t i;

    cJSON_ArrayForEach(v, req->json)
    {
        for (i = 0; i < n && strcmp(v->string, known[i]) != 0; i++)
            ;
        if (i == n) {
            char ptr[80];
            snprintf(ptr, sizeof(ptr), "/%s", v->string);
            vt_reply_error(req, 422, "invalid", ptr, "%s: unknown member", ptr);
            return false;
        }
    }
    return true;
}

static int case_notify(vt_request *req)
{
    static const char *const known[] = {"kind", "note", "skip_refused"};
    const cJSON *note = cJSON_GetObjectItemCaseSensitive(req->json, "note");
    const cJSON *skip = cJSON_GetObjectItemCaseSensitive(req->json, "skip_refused");
    vt_case c = VT_CASE_INIT;
    vt_error err = VT_ERROR_INIT;
    vt_contact *all = NULL;
    notice_job *j = NULL;
    cJSON *doc = NULL, *refused = NULL, *body;
    const cJSON *products;
    size_t n = 0, i;
    bool upstream = false;
    int64_t now = vt_clock_now_ms();
    int error;

    if (!known_members(req, known, 3) || !kind_member(req, &upstream))
        return 0;
    if (note && !cJSON_IsNull(note) && (!cJSON_IsString(note) || strlen(note->valuestring) > 4000))
        return vt_reply_error(req, 422, "invalid", "/note",
                              "/note: a string of at most 4000 bytes");
    if (skip && !cJSON_IsBool(skip))
        return vt_reply_error(req, 422, "invalid", "/skip_refused", "/skip_refused: a boolean");
    if (!vt_req_case(req, req->store, &c))
        return 0;
    j = vt_calloc(1, sizeof(*j));
    refused = cJSON_CreateArray();
    if (!j || !refused) {
        vt_reply_oom(req);
        goto out;
    }
    if (vt_json_parse(&doc, c.doc ? c.doc : "{}", strlen(c.doc ? c.doc : "{}"), &err) < 0 ||
        vt_contacts_load(req->store, c.org_id, &all, &n, &err) < 0) {
        vt_reply_from_error(req, &err);
        goto out;
    }
    products = cJSON_GetObjectItemCaseSensitive(doc, "products");
    j->kase = &c;
    j->kind = upstream ? "upstream_notice" : "user_notice";
    j->actor = req->who.name;
    j->obligation = obligation_for(req, c.id, upstream);
    j->note = cJSON_IsString(note) ? note->valuestring : NULL;
    j->refused = refused;
    for (i = 0; i < n; i++) {
        vt_gate_result g;

        if (!recipient_of(&all[i], upstream, products))
            continue;
        memset(&g, 0, sizeof(g));
        error = vt_gate_check_share(req->store, c.id, all[i].country, all[i].is_product_provider,
                                    &g, &err);
        if (error < 0) {
            vt_reply_from_error(req, &err);
            goto out;
        }
        if (g.count > 0) {
            if (add_refusal(refused, &all[i], &g) < 0) {
                vt_reply_oom(req);
                goto out;
            }
            continue;
        }
        if (j->n == MAX_RECIPIENTS) {
            vt_reply_error(req, 422, "invalid", "/kind", "more than %d recipients", MAX_RECIPIENTS);
            goto out;
        }
        if (vt_notice_compose(&j->notices[j->n], j->kind, &c, &all[i], j->note, j->obligation, now,
                              &err) < 0) {
            vt_reply_from_error(req, &err);
            goto out;
        }
        j->to[j->n++] = &all[i];
    }
    if (cJSON_GetArraySize(refused) > 0 && !cJSON_IsTrue(skip)) {
        body = cJSON_CreateObject();
        if (!body || vt_json_add_take(body, "error", cJSON_CreateObject()) < 0 ||
            vt_json_add_str(cJSON_GetObjectItem(body, "error"), "code", "refused") < 0 ||
            vt_json_add_str(cJSON_GetObjectItem(body, "error"), "message",
                            "rule P7 refuses some recipients; send with \"skip_refused\": true "
                            "to notify only the others") < 0 ||
            vt_json_add_take(body, "refused", refused) < 0) {
            cJSON_Delete(body);
            vt_reply_oom(req);
            goto out;
        }
        refused = NULL;
        vt_reply_json(req, 422, body);
        goto out;
    }
    if (j->n == 0) {
        vt_reply_error(req, 422, "no_recipients", "/kind",
                       "no %s contact of this organisation is concerned by the case's products",
                       upstream ? "upstream" : "user, customer or downstream vendor");
        goto out;
    }
    error = vt_server_write(req->srv, notice_write, j, &err);
    if (error < 0) {
        vt_reply_from_error(req, &err);
        goto out;
    }
    vt_notify_worker_wake(req->srv);
    reply_queued(req, j);
out:
    if (j)
        for (i = 0; i < j->n; i++)
            vt_notice_dispose(&j->notices[i]);
    vt_free(j);
    cJSON_Delete(refused);
    cJSON_Delete(doc);
    vt_contacts_free(all, n);
    vt_case_dispose(&c);
    return 0;
}

/* ---- manual record -------------------------------------------------------- */

typedef struct manual_job {
    vt_server *srv;
    const vt_case *kase;
    const char *event;
    const char *kind;
    const char *evidence;
    const char *actor;
    int64_t at_ms;
    vt_case_refusal refusal;
} manual_job;

static int manual_write(vt_store *w, void *ctx, vt_error *err)
{
    manual_job *j = ctx;
    vt_ledger_entry_in in;
    cJSON *d = cJSON_CreateObject();
    char *text = NULL;
    int error;

    error = vt_case_record_event(w, vt_server_policies(j->srv), vt_server_calendars(j->srv),
                                 j->kase->id, j->event, j->at_ms, NULL, j->actor, j->evidence,
                                 vt_clock_now_ms(), &j->refusal, err);
    if (error == 0 &&
        (!d || vt_json_add_str(d, "kind", j->kind) < 0 ||
         vt_json_add_take(d, "manual", cJSON_CreateTrue()) < 0 ||
         vt_json_add_str(d, "event", j->event) < 0 ||
         vt_json_add_str(d, "evidence", j->evidence) < 0 || !(text = cJSON_PrintUnformatted(d))))
        error = vt_error_set(err, VT_ENOMEM, 0, "recording a notice");
    if (error == 0) {
        memset(&in, 0, sizeof(in));
        in.kind = "case.notification";
        in.channel = "api";
        in.actor = j->actor;
        in.subject = j->kase->ref;
        in.detail = text;
        in.at_ms = 0;
        error = vt_ledger_append(w, &in, NULL, err);
    }
    if (text)
        cJSON_free(text);
    cJSON_Delete(d);
    return error;
}

static int case_notify_manual(vt_request *req)
{
    static const char *const known[] = {"kind", "evidence", "at"};
    const cJSON *evidence = cJSON_GetObjectItemCaseSensitive(req->json, "evidence");
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(req->json, "at");
    vt_case c = VT_CASE_INIT;
    vt_error err = VT_ERROR_INIT;
    manual_job j;
    bool upstream = false;
    char t[VT_TIME_TEXT_MAX];
    cJSON *o;
    int error;

    memset(&j, 0, sizeof(j));
    if (!known_members(req, known, 3) || !kind_member(req, &upstream))
        return 0;
    if (!cJSON_IsString(evidence) || !evidence->valuestring[0] ||
        strlen(evidence->valuestring) > 4000)
        return vt_reply_error(req, 422, "invalid", "/evidence",
                              "/evidence: a non-empty string of at most 4000 bytes (what shows "
                              "the notice was sent: a receipt, a message id, a file hash)");
    if (at && !cJSON_IsNull(at) &&
        (!cJSON_IsString(at) ||
         vt_time_parse_rfc3339(&j.at_ms, at->valuestring, strlen(at->valuestring)) != 0 ||
         j.at_ms <= 0))
        return vt_reply_error(req, 422, "invalid", "/at", "/at: an RFC 3339 time");
    if (j.at_ms > vt_clock_now_ms())
        return vt_reply_error(req, 422, "invalid", "/at",
                              "/at: a notice is not sent in the future");
    if (!vt_req_case(req, req->store, &c))
        return 0;
    j.srv = req->srv;
    j.kase = &c;
    j.kind = upstream ? "upstream_notice" : "user_notice";
    j.event = upstream ? "E_UPSTREAM_NOTIFIED" : "E_USERS_NOTIFIED";
    j.evidence = evidence->valuestring;
    j.actor = req->who.name;
    if (!j.at_ms)
        j.at_ms = vt_clock_now_ms();
    error = vt_server_write(req->srv, manual_write, &j, &err);
    if (error == VT_EINVALID && j.refusal == VT_CASE_REFUSAL_EVENT_SET)
        vt_reply_error(req, 409, "conflict", "/kind", "%s", err.msg);
    else if (error < 0)
        vt_reply_from_error(req, &err);
    else {
        o = cJSON_CreateObject();
        if (!o || vt_json_add_str(o, "case", c.ref) < 0 || vt_json_add_str(o, "kind", j.kind) < 0 ||
            vt_json_add_str(o, "event", j.event) < 0 ||
            vt_json_add_str(o, "at", vt_time_format_utc(t, j.at_ms)) < 0 ||
            vt_json_add_str(o, "evidence", j.evidence) < 0) {
            cJSON_Delete(o);
            vt_reply_oom(req);
        } else {
            vt_reply_json(req, 201, o);
        }
    }
    vt_case_dispose(&c);
    return 0;
}

/* ---- the outbox ------------------------------------------------------------ */

static int outbox_list(vt_request *req)
{
    vt_outbox_filter f;
    vt_error err = VT_ERROR_INIT;
    const char *ref = vt_req_query(req, "case");
    int64_t scope = vt_req_scope(req, ALL_ORGS), limit = 100;
    cJSON *body, *arr = NULL;
    int error;

    memset(&f, 0, sizeof(f));
    f.state = vt_req_query(req, "state");
    if (f.state && !vt_outbox_state_valid(f.state))
        return vt_reply_error(req, 422, "invalid", "state",
                              "state must be pending, delivering, delivered or dead");
    if (!vt_req_query_i64(req, "limit", 1, 1000, 422, &limit) || !vt_req_org_filter(req, &scope))
        return 0;
    f.limit = (long)limit;
    f.org_id = scope;
    if (ref) {
        vt_case c = VT_CASE_INIT;

        error = vt_store_case_get(req->store, 0, ref, &c, &err);
        f.case_id = error == 0 && (!scope || c.org_id == scope) ? c.id : -1;
        vt_case_dispose(&c);
        if (error < 0 && error != VT_ENOTFOUND)
            return vt_reply_from_error(req, &err);
    }
    body = cJSON_CreateObject();
    if (!body)
        return vt_reply_oom(req);
    if (scope < 0 || f.case_id < 0) {
        arr = cJSON_CreateArray();
        error = arr ? 0 : VT_ENOMEM;
    } else
        error = vt_outbox_list(req->store, &f, &arr, &err);
    if (error == 0 && vt_json_add_take(body, "messages", arr) < 0)
        error = VT_ENOMEM;
    return vt_reply_listed(req, body, error, &err);
}

typedef struct retry_job {
    int64_t id;
    int64_t org_id;
    const char *actor;
    vt_outbox_record msg;
} retry_job;

static int retry_write(vt_store *w, void *ctx, vt_error *err)
{
    retry_job *j = ctx;
    vt_ledger_entry_in in;
    char detail[160];
    int error = vt_outbox_retry(w, j->id, j->org_id, vt_clock_now_ms(), err);

    if (error == 0)
        error = vt_outbox_get(w, j->id, &j->msg, err);
    if (error < 0)
        return error;
    snprintf(detail, sizeof(detail), "{\"message_id\":\"%s\",\"outbox_id\":%lld}",
             j->msg.message_id, (long long)j->id);
    memset(&in, 0, sizeof(in));
    in.kind = "notification.retry";
    in.channel = "api";
    in.actor = j->actor;
    in.subject = j->msg.message_id;
    in.detail = detail;
    return vt_ledger_append(w, &in, NULL, err);
}

static int outbox_retry(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    retry_job j;
    cJSON *o;
    int error;

    memset(&j, 0, sizeof(j));
    if (vt_parse_i64(&j.id, req->param[0], strlen(req->param[0])) < 0 || j.id < 1)
        return vt_reply_error(req, 404, "not_found", NULL, "no outbox message '%s'", req->param[0]);
    j.org_id = req->who.org_id;
    j.actor = req->who.name;
    error = vt_server_write(req->srv, retry_write, &j, &err);
    if (error == VT_EINVALID) {
        vt_reply_error(req, 409, "conflict", "/state", "%s", err.msg);
    } else if (error < 0) {
        vt_reply_from_error(req, &err);
    } else {
        vt_notify_worker_wake(req->srv);
        o = cJSON_CreateObject();
        if (!o || vt_json_add_num(o, "id", (double)j.id) < 0 ||
            vt_json_add_str(o, "message_id", j.msg.message_id) < 0 ||
            vt_json_add_str(o, "state", j.msg.state) < 0 ||
            vt_json_add_num(o, "attempts", j.msg.attempts) < 0) {
            cJSON_Delete(o);
            vt_reply_oom(req);
        } else {
            vt_reply_json(req, 200, o);
        }
    }
    vt_outbox_record_dispose(&j.msg);
    return 0;
}

const vt_route vt_routes_notifications[] = {
    {"GET", "/api/v1/contacts", READERS, 0, contacts_list,
     "Contacts of the caller's organisation (upstream, downstream vendors, users, customers)"},
    {"POST", "/api/v1/contacts", MANAGERS, VT_ROUTE_JSON_BODY, contacts_create,
     "Add a contact (webhook or e-mail), optionally for one product and versions"},
    {"PATCH", "/api/v1/contacts/{id}", MANAGERS, VT_ROUTE_JSON_BODY, contacts_patch,
     "Change a contact"},
    {"DELETE", "/api/v1/contacts/{id}", MANAGERS, 0, contacts_delete, "Delete (disable) a contact"},
    {"POST", "/api/v1/cases/{id}/notifications", MANAGERS, VT_ROUTE_JSON_BODY, case_notify,
     "Queue the upstream notice (Art. 7(1)) or user notice (Art. 7(3)) of a case"},
    {"POST", "/api/v1/cases/{id}/notifications/manual", MANAGERS, VT_ROUTE_JSON_BODY,
     case_notify_manual, "Record a notice sent outside the service, with evidence"},
    {"GET", "/api/v1/outbox", READERS, 0, outbox_list,
     "Queued, delivered and dead messages, with attempts and last error"},
    {"POST", "/api/v1/outbox/{id}/retry", MANAGERS, 0, outbox_retry,
     "Put a dead message back to pending (same message id)"},
    {0},
};
