/*
 * routes_reports.c - the intake channel over HTTP (docs/intake.md): anyone
 * may submit a report, the reporter follows it with the tracking token, and
 * staff read reports and their attachments.
 *
 * A report or message is answered 201 only after vt_server_write returns,
 * that is after the transaction holding the row and its ledger entry is
 * durably committed, so the receipt in the answer is never for something
 * the server could still lose.
 */
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "server.h"
#include "vulntrack/intake.h"
#include "vulntrack/json.h"
#include "vulntrack/strparse.h"

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX 200 /* as vt_intake_report_list allows */

/* ---------------------------------------------------------------------- */
/* Shared pieces                                                           */

/* 429 with Retry-After when the intake rate limiter says no. */
static bool rate_ok(vt_request *req)
{
    char v[24];
    int retry = 1;

    if (vt_server_intake_allowed(req->srv, req->client_addr, &retry))
        return true;
    if (retry < 1)
        retry = 1;
    snprintf(v, sizeof(v), "%d", retry);
    vt_reply_header(req, "Retry-After", v);
    vt_reply_error(req, 429, "rate_limited", NULL,
                   "too many reports or messages; retry after %d s", retry);
    return false;
}

static vt_intake_limits limits_of(vt_request *req)
{
    const vt_server_config *c = vt_server_get_config(req->srv);
    vt_intake_limits lim = VT_INTAKE_LIMITS_INIT;

    if (c->attachment_limit)
        lim.attachment_limit = c->attachment_limit;
    if (c->attachment_max)
        lim.attachment_max = c->attachment_max;
    return lim;
}

/*
 * The channel of the ledger entry: a partner's machine token is its own
 * channel ("partner:NAME"), a console session is the web console, anything
 * else the API.
 */
static void channel_of(const vt_principal *who, char *out, size_t cap)
{
    if (who->kind == VT_PRINCIPAL_MACHINE && who->role == VT_ROLE_PARTNER) {
        const char *name = who->name;

        if (strncmp(name, "token:", 6) == 0)
            name += 6;
        snprintf(out, cap, "partner:%s", name);
    } else if (who->kind == VT_PRINCIPAL_SESSION) {
        snprintf(out, cap, "web");
    } else {
        snprintf(out, cap, "api");
    }
}

static void source_of(vt_request *req, vt_intake_source *src, char *channel, size_t cap)
{
    channel_of(&req->who, channel, cap);
    memset(src, 0, sizeof(*src));
    src->body = req->body;
    src->body_len = req->body_len;
    src->channel = channel;
    src->actor = req->who.name;
    src->client_addr = req->client_addr;
    src->default_org = vt_server_get_config(req->srv)->intake_org;
    src->external = !(req->who.role & VT_ROLES_STAFF);
}

/* Validation failures: 413 for an attachment over its limit, else as usual. */
static int reply_invalid(vt_request *req, const vt_error *err)
{
    if (err->code == VT_ETOOBIG)
        return vt_reply_error(req, 413, "too_large", err->field, "%s", err->msg);
    return vt_reply_from_error(req, err);
}

static cJSON *receipt_json(const vt_intake_receipt *rc)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || vt_json_add_num(o, "seq", (double)rc->seq) < 0 ||
        vt_json_add_str(o, "entry_hash", rc->entry_hash) < 0 ||
        vt_json_add_str(o, "received_at", rc->received_at) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static void location(vt_request *req, const char *id)
{
    char loc[96];

    snprintf(loc, sizeof(loc), "/api/v1/reports/%s", id);
    vt_reply_header(req, "Location", loc);
}

/* ---------------------------------------------------------------------- */
/* POST /api/v1/reports                                                    */

typedef struct submit_job {
    const vt_intake_report *report;
    const vt_intake_source *src;
    vt_intake_receipt out;
} submit_job;

static int submit_fn(vt_store *w, void *ctx, vt_error *err)
{
    submit_job *j = ctx;

    return vt_intake_submit(w, j->report, j->src, &j->out, err);
}

static int post_report(vt_request *req)
{
    vt_intake_limits lim = limits_of(req);
    vt_intake_report *r = NULL;
    vt_intake_source src;
    vt_error err = VT_ERROR_INIT;
    submit_job job;
    char channel[160];
    cJSON *o = NULL;
    int error;

    if (!rate_ok(req))
        return 0;
    error = vt_intake_check_nul_escapes(req->body, req->body_len, &err);
    if (error == 0)
        error = vt_intake_report_parse(&r, req->json, &lim, &err);
    if (error < 0)
        return reply_invalid(req, &err);
    source_of(req, &src, channel, sizeof(channel));
    memset(&job, 0, sizeof(job));
    job.report = r;
    job.src = &src;
    error = vt_server_write(req->srv, submit_fn, &job, &err);
    vt_intake_report_free(r);
    if (error == VT_EUNSUPPORTED)
        return vt_reply_error(req, 403, "intake_closed", err.field, "%s", err.msg);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    vt_server_count_intake(req->srv);
    o = cJSON_CreateObject();
    if (!o || vt_json_add_str(o, "id", job.out.id) < 0 ||
        vt_json_add_str(o, "tracking_token", job.out.tracking_token) < 0 ||
        vt_json_add_take(o, "receipt", receipt_json(&job.out)) < 0) {
        cJSON_Delete(o);
        o = NULL;
    }
    location(req, job.out.id);
    memset(job.out.tracking_token, 0, sizeof(job.out.tracking_token));
    return vt_reply_json(req, 201, o);
}

/* ---------------------------------------------------------------------- */
/* GET /api/v1/reports/{id}                                                */

static int get_report(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    cJSON *o = NULL;

    /* The router lets a tracking token through for its own report only;
     * checked again here because a wrong answer would leak a report. */
    if (req->who.kind == VT_PRINCIPAL_TRACKING && strcmp(req->who.report_id, req->param[0]) != 0)
        return vt_reply_error(req, 403, "forbidden",
                              NULL, "a tracking token gives access to its own report only");
    if (vt_intake_report_view(req->store, &req->who, req->param[0], &o, &err) < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_json(req, 200, o);
}

/* ---------------------------------------------------------------------- */
/* POST /api/v1/reports/{id}/messages                                      */

typedef struct message_job {
    const char *report_id;
    const vt_intake_message *msg;
    const char *author;
    const vt_intake_source *src;
    vt_intake_receipt out;
} message_job;

static int message_fn(vt_store *w, void *ctx, vt_error *err)
{
    message_job *j = ctx;

    return vt_intake_add_message(w, j->report_id, j->msg, j->author, j->src, &j->out, err);
}

static int post_message(vt_request *req)
{
    vt_intake_limits lim = limits_of(req);
    vt_intake_message *m = NULL;
    vt_intake_source src;
    vt_error err = VT_ERROR_INIT;
    message_job job;
    char channel[160];
    cJSON *o = NULL;
    bool reporter = req->who.kind == VT_PRINCIPAL_TRACKING;
    int error;

    if (reporter && strcmp(req->who.report_id, req->param[0]) != 0)
        return vt_reply_error(req, 403, "forbidden", NULL,
                              "a tracking token gives access to its own report only");
    if (!rate_ok(req))
        return 0;
    /* Staff write only on reports of their organisation. */
    if (vt_intake_report_check(req->store, &req->who, req->param[0], &err) < 0)
        return vt_reply_from_error(req, &err);
    error = vt_intake_check_nul_escapes(req->body, req->body_len, &err);
    if (error == 0)
        error = vt_intake_message_parse(&m, req->json, &lim, &err);
    if (error < 0)
        return reply_invalid(req, &err);
    source_of(req, &src, channel, sizeof(channel));
    memset(&job, 0, sizeof(job));
    job.report_id = req->param[0];
    job.msg = m;
    job.author = reporter ? "reporter" : req->who.name;
    job.src = &src;
    error = vt_server_write(req->srv, message_fn, &job, &err);
    vt_intake_message_free(m);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    vt_server_count_intake(req->srv);
    o = cJSON_CreateObject();
    if (!o || vt_json_add_num(o, "id", (double)job.out.message_id) < 0 ||
        vt_json_add_str(o, "report", job.out.id) < 0 ||
        vt_json_add_take(o, "receipt", receipt_json(&job.out)) < 0) {
        cJSON_Delete(o);
        o = NULL;
    }
    location(req, job.out.id);
    return vt_reply_json(req, 201, o);
}

/* ---------------------------------------------------------------------- */
/* GET /api/v1/reports                                                     */

static int list_reports(vt_request *req)
{
    const char *status = vt_req_query(req, "status");
    const char *after = vt_req_query(req, "after");
    vt_error err = VT_ERROR_INIT;
    int64_t limit = LIST_LIMIT_DEFAULT;
    cJSON *o = NULL;

    if (!vt_req_query_i64(req, "limit", 1, LIST_LIMIT_MAX, 422, &limit))
        return 0;
    if (status && !*status)
        status = NULL;
    if (after && !*after)
        after = NULL;
    if (vt_intake_report_list(req->store, &req->who, status, after, (long)limit, &o, &err) < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_json(req, 200, o);
}

/* ---------------------------------------------------------------------- */
/* GET /api/v1/reports/{id}/attachments/{aid}                              */

/*
 * The Content-Type to serve a stored media type as. The reply keeps a
 * pointer to a string constant, and a type the reporter chose must not be
 * able to make a browser render the bytes anyway (text/html, SVG): known
 * inert types are served as themselves, everything else as octet-stream.
 * Content-Disposition: attachment and nosniff are sent in every case.
 */
static const char *served_type(const char *media_type)
{
    static const char *const inert[] = {
        "text/plain",      "text/csv",          "application/json", "application/pdf",
        "application/zip", "application/gzip",  "application/x-tar", "image/png",
        "image/jpeg",      "image/gif",         "image/webp",       "video/mp4",
        "application/vnd.tcpdump.pcap",
    };
    size_t i;

    for (i = 0; i < sizeof(inert) / sizeof(inert[0]); i++)
        if (strcmp(media_type, inert[i]) == 0)
            return inert[i];
    return "application/octet-stream";
}

/* Content-Disposition: an ASCII fallback name plus the UTF-8 name (RFC 6266). */
static void disposition(vt_request *req, const char *filename)
{
    char ascii[101], full[480];
    size_t i, n = 0, m;
    bool plain = true;

    for (i = 0; filename[i] && n < sizeof(ascii) - 1; i++) {
        unsigned char c = (unsigned char)filename[i];

        if (c >= 0x80)
            plain = false;
        ascii[n++] = (c < 0x20 || c >= 0x7F || c == '"' || c == '\\' || c == ';') ? '_' : (char)c;
    }
    ascii[n] = '\0';
    m = (size_t)snprintf(full, sizeof(full), "attachment; filename=\"%s\"", ascii);
    if (!plain && m < sizeof(full)) {
        static const char hex[] = "0123456789ABCDEF";
        size_t start = m;
        const char *p;

        m += (size_t)snprintf(full + m, sizeof(full) - m, "; filename*=UTF-8''");
        for (p = filename; *p && m + 4 < sizeof(full); p++) {
            unsigned char c = (unsigned char)*p;

            if (vt_is_alnum(c) || strchr("-._~", c)) {
                full[m++] = (char)c;
            } else {
                full[m++] = '%';
                full[m++] = hex[c >> 4];
                full[m++] = hex[c & 15];
            }
        }
        if (*p) /* did not fit: the ASCII name alone */
            m = start;
        full[m] = '\0';
    }
    if (vt_reply_header(req, "Content-Disposition", full) < 0)
        vt_reply_header(req, "Content-Disposition", "attachment");
}

static int get_attachment(vt_request *req)
{
    vt_intake_stored st;
    vt_error err = VT_ERROR_INIT;
    int64_t aid = 0;
    int error;

    if (vt_parse_i64(&aid, req->param[1], strlen(req->param[1])) < 0 || aid <= 0)
        return vt_reply_error(req, 404, "not_found", NULL, "no attachment '%s'", req->param[1]);
    error = vt_intake_attachment_get(req->store, &req->who, req->param[0], aid, &st, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    disposition(req, st.a.filename);
    vt_reply_header(req, "X-Content-SHA256", st.a.sha256);
    error = vt_reply_text(req, 200, served_type(st.a.media_type), (const char *)st.a.content,
                          st.a.size);
    vt_intake_stored_dispose(&st);
    return error;
}

const vt_route vt_routes_reports[] = {
    {"POST", "/api/v1/reports", VT_ALLOW_ANONYMOUS | VT_ROLE_PARTNER | VT_ROLES_STAFF,
     VT_ROUTE_JSON_BODY, post_report, "Submit a vulnerability report"},
    {"GET", "/api/v1/reports", VT_ROLES_READERS, 0, list_reports, "List reports, newest first"},
    {"GET", "/api/v1/reports/{id}", VT_ALLOW_TRACKING | VT_ROLES_READERS, 0, get_report,
     "A report's status and messages"},
    {"POST", "/api/v1/reports/{id}/messages", VT_ALLOW_TRACKING | VT_ROLES_STAFF,
     VT_ROUTE_JSON_BODY, post_message, "Add a message to a report"},
    {"GET", "/api/v1/reports/{id}/attachments/{aid}", VT_ROLES_STAFF, 0, get_attachment,
     "Download an attachment"},
    {0},
};
