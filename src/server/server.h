/*
 * server.h - what the HTTP front end's files share: the route table, the
 * request a handler sees, the replies it can give, and the services of the
 * running server (the group-committing writer, configuration, metrics).
 *
 * A handler runs on one of the server's worker threads. It reads through
 * req->store (a connection of its own for the request), and it writes only
 * through vt_server_write, whose function runs on the writer thread inside
 * a transaction that is durably committed before vt_server_write returns.
 * Authorisation is decided before the handler runs, from the route's
 * `allow` mask: a handler never sees a caller the rule refuses, but it
 * must still scope what it returns to the caller (an organisation's
 * records, a reporter's own report).
 */
#ifndef VT_SERVER_H
#define VT_SERVER_H

#include <cjson/cJSON.h>

#include "vulntrack/auth.h"
#include "vulntrack/buf.h"
#include "vulntrack/common.h"
#include "vulntrack/store.h"

typedef struct vt_server vt_server;
typedef struct vt_request vt_request;

/* Access flags beyond the VT_ROLE_* bits of a route's `allow` mask. */
#define VT_ALLOW_ANONYMOUS (1u << 16) /* callers without a token */
#define VT_ALLOW_TRACKING (1u << 17)  /* the tracking token of the report in path parameter 0 */
#define VT_ALLOW_ANY_TOKEN (VT_ROLES_READERS | VT_ROLE_PARTNER)

/* Route flags. */
#define VT_ROUTE_JSON_BODY (1u << 0) /* the body must be a JSON object: req->json */

typedef int (*vt_handler)(vt_request *req);

typedef struct vt_route {
    const char *method;  /* "GET", "POST", "PUT", "PATCH" or "DELETE" */
    const char *pattern; /* "/api/v1/cases/{id}/transitions": {name} is one segment */
    unsigned allow;      /* VT_ROLE_* bits and VT_ALLOW_* flags */
    unsigned flags;      /* VT_ROUTE_* */
    vt_handler handler;
    const char *summary; /* one line, as in docs/openapi.yaml */
} vt_route;

/* Route tables, one per area file, each ended by an entry with method NULL. */
extern const vt_route vt_routes_system[];      /* system.c: health, metrics, openapi */
extern const vt_route vt_routes_auth[];        /* routes_auth.c: sessions, orgs, users, tokens */
extern const vt_route vt_routes_reports[];     /* routes_reports.c: intake channel */
extern const vt_route vt_routes_ledger[];      /* routes_ledger.c: verify, entries, checkpoints */
extern const vt_route vt_routes_cases[];       /* routes_cases.c: cases, transitions, events */
extern const vt_route vt_routes_products[];    /* routes_products.c: inventory, SBOMs, findings */
extern const vt_route vt_routes_obligations[]; /* routes_obligations.c: deadline clocks */
extern const vt_route vt_routes_authority[];     /* routes_authority.c: authority report, CRA stages */
extern const vt_route vt_routes_notifications[]; /* routes_notifications.c: contacts, outbox */
extern const vt_route vt_routes_disclosure[];    /* routes_disclosure.c: the gate and its records */
extern const vt_route vt_routes_advisories[];    /* routes_advisories.c: CSAF, OSV, publication */
extern const vt_route vt_routes_operators[];     /* routes_operators.c: VEX statements, assets */

/* Every table above, in order, ended by NULL (routes.c). */
extern const vt_route *const vt_route_tables[];

#define VT_ROUTE_MAX_PARAMS 4

struct vt_request {
    vt_server *srv;
    const vt_route *route;
    const char *method;
    const char *path;                        /* without the query string */
    const char *param[VT_ROUTE_MAX_PARAMS];  /* path parameters, in pattern order */
    size_t nparam;
    char param_store[512];                   /* the parameters' text */
    const char *body;                        /* the request body, NUL-terminated */
    size_t body_len;
    cJSON *json;                             /* VT_ROUTE_JSON_BODY routes: the parsed object */
    vt_principal who;                        /* the authenticated caller */
    char client_addr[64];                    /* textual peer address, no port */
    vt_store *store;                         /* read connection for this request */
    void *conn;                              /* the libmicrohttpd connection (server.c only) */
    /* The reply, filled by vt_reply_* (server.c sends it). */
    unsigned status;
    vt_buf reply;
    const char *content_type;
    char extra_headers[512]; /* "Name: value\n" lines added by vt_reply_header */
};

/** Query-string parameter `key`, or NULL. Valid for the request. */
const char *vt_req_query(vt_request *req, const char *key);

/** Request header `name` (case-insensitive), or NULL. Valid for the request. */
const char *vt_req_header(vt_request *req, const char *name);

/** Reply `status` with JSON `body` (taken: freed here, also on failure). Returns 0 or VT_ENOMEM. */
int vt_reply_json(vt_request *req, unsigned status, cJSON *body);

/** Reply `status` with `len` bytes of `text` (copied) as `content_type` (a string constant). */
int vt_reply_text(vt_request *req, unsigned status, const char *content_type, const char *text,
                  size_t len);

/**
 * Reply `status` with {"error": {"code": CODE, "message": ..., "field": FIELD}}
 * ("field" omitted when NULL or ""). Returns 0.
 */
int vt_reply_error(vt_request *req, unsigned status, const char *code, const char *field,
                   const char *fmt, ...) VT_PRINTF(5, 6);

/**
 * Reply with the error in `err`: VT_EINVALID 422 "invalid" (with
 * err->field), VT_ENOTFOUND 404 "not_found", VT_ETOOBIG 413 "too_large",
 * VT_EUNSUPPORTED 400 "unsupported", anything else 500 "internal" (the
 * message is logged, not shown). Returns 0.
 */
int vt_reply_from_error(vt_request *req, const vt_error *err);

/** Add a response header (name and value copied). Returns 0, or VT_ETOOBIG when full. */
int vt_reply_header(vt_request *req, const char *name, const char *value);

/**
 * Work for the writer: runs on the writer connection `w` inside the
 * current group transaction, under its own savepoint. Returning a negative
 * code rolls back this function's changes only; the code and `err` are
 * handed back to the caller of vt_server_write.
 */
typedef int (*vt_write_fn)(vt_store *w, void *ctx, vt_error *err);

/**
 * Run `fn` on the writer thread and wait until the transaction holding its
 * changes is durably committed (synchronous=FULL). Concurrent calls are
 * committed together (group commit), in the order they arrived. Returns
 * fn's result, or VT_EIO when the commit failed (then nothing of `fn`
 * is kept).
 */
int vt_server_write(vt_server *srv, vt_write_fn fn, void *ctx, vt_error *err);

/* Server configuration, fixed at start-up (vt_server_config_defaults). */
typedef struct vt_server_config {
    const char *db_path;
    const char *listen;       /* "127.0.0.1:8080", "[::1]:8080" */
    const char *tls_cert;     /* PEM files, both or neither */
    const char *tls_key;
    const char *key_path;     /* Ed25519 ledger signing key; default DB path + ".ledger-key" */
    const char *policy_dir;   /* policy profiles (data/policy) */
    const char *calendar_dir; /* holiday calendars (data/calendars) */
    const char *intake_org;   /* slug of the organisation that receives reports; NULL: the first */
    size_t body_limit;        /* bytes; default 1 MiB */
    size_t attachment_limit;  /* decoded bytes per attachment; default 256 KiB */
    unsigned attachment_max;  /* attachments per report or message; default 8 */
    double rate_client;       /* intake requests per second per client address; default 5 */
    double rate_client_burst; /* default 20 */
    double rate_total;        /* intake requests per second in all; default 200 */
    double rate_total_burst;  /* default 400 */
    unsigned threads;         /* worker threads; default 8 */
    int retention_months;     /* ledger retention; default 36, never below 6 */
    long checkpoint_every;    /* sign a checkpoint every N entries; default 64 */
    int64_t checkpoint_ms;    /* and at least this often when entries arrived; default 60 s */
    int64_t sweep_ms;         /* obligation sweeper period; default 60 s */
    int64_t session_ttl_ms;   /* console sessions; default 12 h */
    const char *smtp_url;     /* "smtp://127.0.0.1:25" for e-mail contacts; NULL: none */
    const char *smtp_from;    /* envelope and From address; default "vulntrack@localhost" */
    int notify_max_attempts;  /* delivery attempts before a message is dead; default 8 */
    int64_t notify_backoff_ms;     /* delay after the first failure; default 2 s */
    int64_t notify_backoff_cap_ms; /* longest delay between attempts; default 10 min */
    int64_t notify_timeout_ms;     /* one delivery attempt; default 10 s */
    int64_t notify_poll_ms;        /* how often the outbox is looked at; default 500 ms */
} vt_server_config;

void vt_server_config_defaults(vt_server_config *c);

const vt_server_config *vt_server_get_config(vt_server *srv);

/* Loaded at start-up; NULL until the corresponding module exists. */
const struct vt_ledger_key *vt_server_ledger_key(vt_server *srv);
const struct vt_policy_set *vt_server_policies(vt_server *srv);
const struct vt_calendar_set *vt_server_calendars(vt_server *srv);

/**
 * Take one intake token for client `addr` from the rate limiter. Returns
 * true when the request may go on; false with *retry_after_s set (answer
 * 429 with Retry-After).
 */
bool vt_server_intake_allowed(vt_server *srv, const char *addr, int *retry_after_s);

/** Count one accepted intake (report or message) for /metrics. */
void vt_server_count_intake(vt_server *srv);

#endif
