/*
 * http.c - the libmicrohttpd glue: collect the body (refusing more than the
 * limit), find the route, authenticate the caller and apply the route's
 * rule, parse a JSON body, call the handler, send its reply, and count it.
 * Each connection has its own thread (the handlers block on the database
 * and on the group-committing writer, so blocking is their normal case).
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/strparse.h"

/* What a connection accumulates between libmicrohttpd's calls. */
typedef struct conn_state {
    struct timespec started;
    vt_buf body;
    bool too_big;
} conn_state;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

const char *vt_req_query(vt_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *vt_req_header(vt_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int vt_reply_text(vt_request *req, unsigned status, const char *content_type, const char *text,
                  size_t len)
{
    vt_buf_clear(&req->reply);
    req->status = status;
    req->content_type = content_type;
    if (vt_buf_put(&req->reply, text, len) < 0) {
        req->status = 500;
        return VT_ENOMEM;
    }
    return 0;
}

int vt_reply_json(vt_request *req, unsigned status, cJSON *body)
{
    int error;

    vt_buf_clear(&req->reply);
    req->status = status;
    req->content_type = "application/json";
    error = body ? vt_json_print(&req->reply, body) : VT_ENOMEM;
    cJSON_Delete(body);
    if (error == 0)
        error = vt_buf_putc(&req->reply, '\n');
    if (error < 0) {
        static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}\n";

        vt_buf_clear(&req->reply);
        vt_buf_put(&req->reply, oom, sizeof(oom) - 1);
        req->status = 500;
    }
    return error;
}

int vt_reply_error(vt_request *req, unsigned status, const char *code, const char *field,
                   const char *fmt, ...)
{
    char msg[VT_ERROR_MSG_MAX + 64];
    cJSON *root = cJSON_CreateObject();
    cJSON *e = cJSON_CreateObject();
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!root || !e || vt_json_add_str(e, "code", code) < 0 ||
        vt_json_add_str(e, "message", msg) < 0 ||
        (field && *field && vt_json_add_str(e, "field", field) < 0)) {
        cJSON_Delete(e);
        cJSON_Delete(root);
        return vt_reply_json(req, 500, NULL);
    }
    cJSON_AddItemToObject(root, "error", e);
    return vt_reply_json(req, status, root);
}

int vt_reply_from_error(vt_request *req, const vt_error *err)
{
    switch (err->code) {
    case VT_EINVALID:
        return vt_reply_error(req, 422, "invalid", err->field, "%s", err->msg);
    case VT_ENOTFOUND:
        return vt_reply_error(req, 404, "not_found", err->field, "%s", err->msg);
    case VT_ETOOBIG:
        return vt_reply_error(req, 413, "too_large", err->field, "%s", err->msg);
    case VT_EUNSUPPORTED:
        return vt_reply_error(req, 400, "unsupported", err->field, "%s", err->msg);
    default:
        fprintf(stderr, "vulntrack serve: %s %s: %s\n", req->method, req->path,
                err->msg[0] ? err->msg : vt_strerror(err->code));
        return vt_reply_error(req, 500, "internal", NULL, "internal error (logged by the server)");
    }
}

int vt_reply_header(vt_request *req, const char *name, const char *value)
{
    size_t used = strlen(req->extra_headers);
    int n = snprintf(req->extra_headers + used, sizeof(req->extra_headers) - used, "%s: %s\n",
                     name, value);

    if (n < 0 || (size_t)n >= sizeof(req->extra_headers) - used) {
        req->extra_headers[used] = '\0';
        return VT_ETOOBIG;
    }
    return 0;
}

int vt_server_write(vt_server *srv, vt_write_fn fn, void *ctx, vt_error *err)
{
    return vt_writer_submit(srv->writer, fn, ctx, err);
}

const vt_server_config *vt_server_get_config(vt_server *srv)
{
    return &srv->cfg;
}

const struct vt_ledger_key *vt_server_ledger_key(vt_server *srv)
{
    return srv->ledger_key;
}

const struct vt_policy_set *vt_server_policies(vt_server *srv)
{
    return srv->policies;
}

const struct vt_calendar_set *vt_server_calendars(vt_server *srv)
{
    return srv->calendars;
}

bool vt_server_intake_allowed(vt_server *srv, const char *addr, int *retry_after_s)
{
    return vt_ratelimit_take(srv->intake_limit, addr, vt_clock_now_ms(), retry_after_s);
}

void vt_server_count_intake(vt_server *srv)
{
    vt_metrics_count_intake(srv->metrics);
}

static void client_address(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    snprintf(out, cap, "unknown");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
}

/* Decide whether the caller may use the route; replies 401/403 when not. */
static bool authorise(vt_request *req)
{
    unsigned allow = req->route->allow;
    const vt_principal *who = &req->who;

    switch (who->kind) {
    case VT_PRINCIPAL_ANONYMOUS:
        if (allow & VT_ALLOW_ANONYMOUS)
            return true;
        vt_reply_header(req, "WWW-Authenticate", "Bearer realm=\"vulntrack\"");
        vt_reply_error(req, 401, "unauthenticated", NULL,
                       "this route needs a bearer token (Authorization: Bearer TOKEN)");
        return false;
    case VT_PRINCIPAL_TRACKING:
        if ((allow & VT_ALLOW_TRACKING) && req->nparam > 0 &&
            strcmp(req->param[0], who->report_id) == 0)
            return true;
        if (allow & VT_ALLOW_ANONYMOUS)
            return true;
        vt_reply_error(req, 403, "forbidden", NULL,
                       "a tracking token gives access to its own report only");
        return false;
    default:
        if (allow & who->role)
            return true;
        vt_reply_error(req, 403, "forbidden", NULL, "role %s may not %s %s",
                       vt_role_name(who->role), req->route->method, req->route->pattern);
        return false;
    }
}

/* Who is calling, from the Authorization header. Replies 401 on a bad token. */
static bool authenticate(vt_request *req)
{
    const char *h = vt_req_header(req, "Authorization");
    vt_error err = VT_ERROR_INIT;
    int error;

    memset(&req->who, 0, sizeof(req->who));
    req->who.kind = VT_PRINCIPAL_ANONYMOUS;
    snprintf(req->who.name, sizeof(req->who.name), "anonymous");
    if (!h)
        return true;
    if (strncmp(h, "Bearer ", 7) != 0 || !h[7]) {
        vt_reply_header(req, "WWW-Authenticate", "Bearer realm=\"vulntrack\"");
        vt_reply_error(req, 401, "unauthenticated", NULL,
                       "the Authorization header must be 'Bearer TOKEN'");
        return false;
    }
    error = vt_auth_lookup(req->store, h + 7, &req->who, &err);
    if (error == VT_ENOTFOUND) {
        vt_reply_header(req, "WWW-Authenticate", "Bearer realm=\"vulntrack\", error=\"invalid_token\"");
        vt_reply_error(req, 401, "invalid_token", NULL, "the token is unknown, expired or revoked");
        return false;
    }
    if (error < 0) {
        vt_reply_from_error(req, &err);
        return false;
    }
    return true;
}

/* Parse the body of a VT_ROUTE_JSON_BODY route; replies 400 when it is not a JSON object. */
static bool parse_body(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;

    if (req->body_len == 0) {
        vt_reply_error(req, 400, "malformed_json", "", "the request needs a JSON object body");
        return false;
    }
    if (vt_json_parse(&req->json, req->body, req->body_len, &err) < 0) {
        if (err.code == VT_ENOMEM) {
            vt_reply_from_error(req, &err);
            return false;
        }
        vt_reply_error(req, 400, "malformed_json", "", "malformed JSON at byte %zu: %s",
                       err.offset, err.msg);
        return false;
    }
    if (!cJSON_IsObject(req->json)) {
        vt_reply_error(req, 400, "malformed_json", "", "the body must be a JSON object");
        return false;
    }
    return true;
}

/* Route, authenticate, authorise and run the handler: the reply is in req. */
static void dispatch(vt_request *req)
{
    vt_pool *pool;
    vt_error err = VT_ERROR_INIT;
    bool path_known;
    int error;

    req->route = vt_router_match(req->method, req->path, req, &path_known);
    if (!req->route) {
        if (path_known) {
            char allowed[128];

            vt_router_allowed_methods(req->path, allowed, sizeof(allowed));
            vt_reply_header(req, "Allow", allowed);
            vt_reply_error(req, 405, "method_not_allowed", NULL, "%s is not allowed on %s (allowed: %s)",
                           req->method, req->path, allowed);
        } else {
            vt_reply_error(req, 404, "not_found", NULL, "no route for %s", req->path);
        }
        return;
    }
    /* Reads get their own connections: a burst of writes, each holding a
     * connection while it waits for the writer's commit, must not leave a
     * GET waiting for a connection. */
    pool = req->route->method[0] == 'G' ? req->srv->read_pool : req->srv->pool;
    error = vt_pool_take(pool, &req->store, &err);
    if (error < 0) {
        vt_reply_error(req, 503, "unavailable", NULL, "the database is not available: %s", err.msg);
        return;
    }
    if (authenticate(req) && authorise(req) &&
        (!(req->route->flags & VT_ROUTE_JSON_BODY) || parse_body(req))) {
        req->status = 0;
        error = req->route->handler(req);
        if (req->status == 0) {
            if (error < 0) {
                vt_error_set(&err, error, 0, "handler failed: %s", vt_strerror(error));
                vt_reply_from_error(req, &err);
            } else {
                vt_reply_error(req, 500, "internal", NULL, "the handler gave no reply");
            }
        }
    }
    vt_pool_give(pool, req->store);
    req->store = NULL;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, vt_request *req)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        req->reply.len, (void *)req->reply.ptr, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;
    char *line, *save = NULL;

    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            req->content_type ? req->content_type : "application/json");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    for (line = strtok_r(req->extra_headers, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *colon = strchr(line, ':');

        if (colon) {
            *colon = '\0';
            MHD_add_response_header(resp, line, colon + 2);
        }
    }
    ret = MHD_queue_response(c, req->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Reply at once with an error, outside of any route (413 before the body). */
static enum MHD_Result reply_early(vt_server *srv, struct MHD_Connection *c, const char *method,
                                   const char *url, unsigned status, const char *code,
                                   const char *msg, const struct timespec *started)
{
    vt_request req;
    enum MHD_Result ret;

    memset(&req, 0, sizeof(req));
    req.srv = srv;
    req.conn = c;
    req.method = method;
    req.path = url;
    vt_buf_init(&req.reply, 0);
    vt_reply_error(&req, status, code, NULL, "%s", msg);
    ret = send_reply(c, &req);
    vt_metrics_observe(srv->metrics, NULL, status, seconds_since(started));
    vt_buf_dispose(&req.reply);
    return ret;
}

enum MHD_Result vt__http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls);
void vt__http_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                           enum MHD_RequestTerminationCode toe);

enum MHD_Result vt__http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
    vt_server *srv = cls;
    conn_state *st = *con_cls;
    vt_request *req;
    enum MHD_Result ret;

    (void)version;
    if (!st) {
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        uint64_t declared = 0;

        st = vt_calloc(1, sizeof(*st));
        if (!st)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &st->started);
        vt_buf_init(&st->body, 0);
        *con_cls = st;
        atomic_fetch_add(&srv->in_flight, 1);
        if (cl && (vt_parse_u64(&declared, cl, strlen(cl)) != 0 || declared > srv->cfg.body_limit)) {
            char msg[128];

            snprintf(msg, sizeof(msg), "the request body is over the limit of %zu bytes",
                     srv->cfg.body_limit);
            st->too_big = true;
            return reply_early(srv, c, method, url, 413, "too_large", msg, &st->started);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!st->too_big) {
            if (st->body.len + *upload_data_size > srv->cfg.body_limit)
                st->too_big = true;
            else if (vt_buf_put(&st->body, upload_data, *upload_data_size) < 0)
                return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (st->too_big) {
        char msg[128];

        snprintf(msg, sizeof(msg), "the request body is over the limit of %zu bytes",
                 srv->cfg.body_limit);
        return reply_early(srv, c, method, url, 413, "too_large", msg, &st->started);
    }
    req = vt_calloc(1, sizeof(*req));
    if (!req)
        return MHD_NO;
    req->srv = srv;
    req->conn = c;
    req->method = method;
    req->path = url;
    req->body = st->body.ptr;
    req->body_len = st->body.len;
    vt_buf_init(&req->reply, 0);
    client_address(c, req->client_addr, sizeof(req->client_addr));
    dispatch(req);
    ret = send_reply(c, req);
    vt_metrics_observe(srv->metrics, req->route, req->status, seconds_since(&st->started));
    cJSON_Delete(req->json);
    vt_buf_dispose(&req->reply);
    vt_free(req);
    return ret;
}

void vt__http_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                           enum MHD_RequestTerminationCode toe)
{
    vt_server *srv = cls;
    conn_state *st = *con_cls;

    (void)c;
    (void)toe;
    if (!st)
        return;
    vt_buf_dispose(&st->body);
    vt_free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}
