/*
 * routes_auth.c - console sessions, "who am I", organisations, users and
 * machine tokens over HTTP.
 *
 * Who may call each route is the `allow` mask in the table at the end
 * (docs/security.md lists them all). Beyond it, a caller that belongs to
 * an organisation (its token or user has one) sees and changes only that
 * organisation's records here: another organisation's slug or token id is
 * answered 404, as if it did not exist, so that ids cannot be probed.
 *
 * Password hashing (argon2id, 64 MiB and about 0.1 s each) runs on the
 * request's worker thread, never inside vt_server_write: the writer
 * commits everyone's writes and must not wait on it. At most
 * AUTH_HASH_SLOTS hashes run at once, so that a burst of logins cannot
 * take the server's memory; a request waits up to AUTH_HASH_WAIT_S for a
 * slot and is then answered 503 with Retry-After.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "request.h"
#include "server.h"
#include "vulntrack/auth.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/strparse.h"

#define AUTH_HASH_SLOTS 2
/* How long a request waits for a hashing slot before it is answered 503:
 * a hash takes about 0.07 s, so this covers a queue of a few dozen. */
#define AUTH_HASH_WAIT_S 2

static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_freed = PTHREAD_COND_INITIALIZER;
static int hashes_running;

/* Take a hashing slot, waiting a little for one; or answer 503 and
 * return false. */
static bool hash_slot_take(vt_request *req)
{
    struct timespec until;
    bool got = true;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += AUTH_HASH_WAIT_S;
    pthread_mutex_lock(&hash_lock);
    while (hashes_running >= AUTH_HASH_SLOTS) {
        if (pthread_cond_timedwait(&hash_freed, &hash_lock, &until) != 0 &&
            hashes_running >= AUTH_HASH_SLOTS) {
            got = false;
            break;
        }
    }
    if (got)
        hashes_running++;
    pthread_mutex_unlock(&hash_lock);
    if (!got) {
        vt_reply_header(req, "Retry-After", "1");
        vt_reply_error(req, 503, "busy", NULL, "too many password checks at once; retry shortly");
    }
    return got;
}

static void hash_slot_give(void)
{
    pthread_mutex_lock(&hash_lock);
    hashes_running--;
    pthread_cond_signal(&hash_freed);
    pthread_mutex_unlock(&hash_lock);
}

/* Responses that carry a secret must not be kept by caches or proxies. */
static void no_store(vt_request *req)
{
    vt_reply_header(req, "Cache-Control", "no-store");
}

/* ------------------------------------------------------------------------ */
/* Request bodies */

/*
 * Member `key` as a string into *out (borrowed from the body), or NULL
 * when absent and not `required`. Replies 422 and returns false when it
 * is missing or not a string.
 */
static bool body_str(vt_request *req, const char *key, bool required, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req->json, key);
    char field[64];

    *out = NULL;
    snprintf(field, sizeof(field), "/%s", key);
    if (!v && !required)
        return true;
    if (!v) {
        vt_reply_error(req, 422, "invalid", field, "'%s' is required", key);
        return false;
    }
    if (!cJSON_IsString(v)) {
        vt_reply_error(req, 422, "invalid", field, "'%s' must be a string", key);
        return false;
    }
    *out = v->valuestring;
    return true;
}

/* Member `key` printed as compact JSON text into `out` when present. */
static int body_json_text(vt_request *req, const char *key, vt_buf *out, bool *present)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req->json, key);

    *present = v != NULL;
    return v ? vt_json_print(out, v) : 0;
}

/* The organisation of slug `slug` the caller may see into *out; replies
 * 404 (also for another organisation's slug) and returns false. */
static bool org_visible(vt_request *req, const char *slug, vt_org *out)
{
    vt_error err = VT_ERROR_INIT;
    int error = vt_org_get(req->store, slug, 0, out, &err);

    if (error >= 0 && req->who.org_id != 0 && out->id != req->who.org_id) {
        vt_org_dispose(out);
        error = vt_error_set(&err, VT_ENOTFOUND, 0, "no organisation '%s'", slug);
    }
    if (error < 0) {
        vt_reply_from_error(req, &err);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Sessions */

typedef struct session_job {
    vt_principal who;
    int64_t ttl_ms;
    char token[VT_TOKEN_TEXT_MAX];
    int64_t expires_ms;
} session_job;

static int session_fn(vt_store *w, void *ctx, vt_error *err)
{
    session_job *j = ctx;

    return vt_session_create(w, &j->who, j->ttl_ms, j->token, &j->expires_ms, err);
}

static int post_session(vt_request *req)
{
    static const char *const known[] = {"name", "password", NULL};
    vt_error err = VT_ERROR_INIT;
    const char *name, *password;
    session_job job;
    int retry = 0, error;
    cJSON *o;

    if (!vt_req_known_members(req, known) || !body_str(req, "name", true, &name) ||
        !body_str(req, "password", true, &password))
        return 0;
    /* Password guessing is throttled like intake: per client address. */
    if (!vt_server_intake_allowed(req->srv, req->client_addr, &retry)) {
        char s[16];

        snprintf(s, sizeof(s), "%d", retry > 0 ? retry : 1);
        vt_reply_header(req, "Retry-After", s);
        return vt_reply_error(req, 429, "rate_limited", NULL, "too many requests; retry later");
    }
    memset(&job, 0, sizeof(job));
    if (!hash_slot_take(req))
        return 0;
    error = vt_user_authenticate(req->store, name, password, &job.who, &err);
    hash_slot_give();
    if (error == VT_ENOTFOUND) {
        vt_reply_header(req, "WWW-Authenticate", "Bearer realm=\"vulntrack\"");
        return vt_reply_error(req, 401, "invalid_credentials", NULL, "%s", err.msg);
    }
    if (error < 0)
        return vt_reply_from_error(req, &err);
    job.ttl_ms = vt_server_get_config(req->srv)->session_ttl_ms;
    if (job.ttl_ms <= 0)
        job.ttl_ms = 12 * VT_MS_PER_HOUR;
    error = vt_server_write(req->srv, session_fn, &job, &err);
    if (error == VT_ENOTFOUND)
        return vt_reply_error(req, 401, "invalid_credentials", NULL, "%s", err.msg);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    o = cJSON_CreateObject();
    if (!o || vt_json_add_str(o, "token", job.token) < 0 ||
        vt_json_add_time(o, "expires_at", job.expires_ms) < 0 ||
        vt_json_add_str(o, "role", vt_role_name(job.who.role)) < 0 ||
        vt_json_add_str(o, "name", job.who.name + strlen("user:")) < 0) {
        cJSON_Delete(o);
        o = NULL;
    }
    sodium_memzero(job.token, sizeof(job.token));
    no_store(req);
    return vt_reply_json(req, 201, o);
}

typedef struct revoke_job {
    int64_t id;
} revoke_job;

static int revoke_fn(vt_store *w, void *ctx, vt_error *err)
{
    revoke_job *j = ctx;

    return vt_token_revoke(w, j->id, err);
}

static int delete_session(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    revoke_job job = {req->who.token_id};
    int error;

    if (req->who.kind != VT_PRINCIPAL_SESSION)
        return vt_reply_error(req, 400, "not_a_session", NULL,
                              "this token is not a console session; revoke machine tokens "
                              "with DELETE /api/v1/tokens/{id}");
    error = vt_server_write(req->srv, revoke_fn, &job, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_text(req, 204, "application/json", "", 0);
}

static int whoami(vt_request *req)
{
    static const char *const kinds[] = {"anonymous", "machine", "session", "tracking"};
    const vt_principal *who = &req->who;
    cJSON *o = cJSON_CreateObject();
    int error = o ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(o, "kind", kinds[who->kind]);
    if (error >= 0)
        error = who->role ? vt_json_add_str(o, "role", vt_role_name(who->role))
                          : vt_json_add_null(o, "role");
    if (error >= 0)
        error = vt_json_add_str(o, "name", who->name);
    if (error >= 0)
        error = vt_org_json_add_slug(req->store, o, "org", who->org_id);
    if (error >= 0 && who->kind == VT_PRINCIPAL_TRACKING)
        error = vt_json_add_str(o, "report_id", who->report_id);
    if (error < 0) {
        cJSON_Delete(o);
        o = NULL;
    }
    return vt_reply_json(req, 200, o);
}

/* ------------------------------------------------------------------------ */
/* Organisations */

static cJSON *org_json(const vt_org *org)
{
    cJSON *o;

    return vt_org_json(org, &o) < 0 ? NULL : o;
}

static int org_collect(void *ctx, const vt_org *org)
{
    return vt_json_add_take(ctx, NULL, org_json(org));
}

static int list_orgs(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    cJSON *arr, *o = vt_req_list_body("orgs", &arr);
    int error;

    if (!o)
        return vt_reply_oom(req);
    error = vt_org_list(req->store, req->who.org_id, org_collect, arr, &err);
    return vt_reply_listed(req, o, error, &err);
}

static int get_org(vt_request *req)
{
    vt_org org;
    cJSON *o;

    if (!org_visible(req, req->param[0], &org))
        return 0;
    o = org_json(&org);
    vt_org_dispose(&org);
    return vt_reply_json(req, 200, o);
}

typedef struct org_job {
    vt_org in;         /* borrowed strings */
    vt_org_patch patch;
    const char *slug;  /* PATCH: the organisation */
    vt_org out;        /* the stored record */
} org_job;

static int org_add_fn(vt_store *w, void *ctx, vt_error *err)
{
    org_job *j = ctx;
    int error = vt_org_add(w, &j->in, err);

    if (error >= 0)
        error = vt_org_get(w, NULL, j->in.id, &j->out, err);
    return error;
}

static int post_org(vt_request *req)
{
    static const char *const known[] = {"slug",      "name",     "kind",  "country",
                                        "time_zone", "profiles", "flags", NULL};
    vt_error err = VT_ERROR_INIT;
    vt_buf profiles = VT_BUF_INIT, flags = VT_BUF_INIT;
    const char *slug, *name, *kind, *country, *tz;
    bool has_profiles = false, has_flags = false;
    org_job job;
    char loc[128];
    int error;

    if (req->who.org_id != 0)
        return vt_reply_error(req, 403, "forbidden", NULL,
                              "an organisation's own admin cannot create organisations");
    if (!vt_req_known_members(req, known) || !body_str(req, "slug", true, &slug) ||
        !body_str(req, "name", true, &name) || !body_str(req, "kind", true, &kind) ||
        !body_str(req, "country", true, &country) || !body_str(req, "time_zone", true, &tz))
        return 0;
    error = body_json_text(req, "profiles", &profiles, &has_profiles);
    if (error >= 0)
        error = body_json_text(req, "flags", &flags, &has_flags);
    if (error < 0) {
        vt_buf_dispose(&profiles);
        vt_buf_dispose(&flags);
        return vt_reply_json(req, 500, NULL); /* answers 500 "out of memory" */
    }
    memset(&job, 0, sizeof(job));
    job.in.slug = (char *)slug;
    job.in.name = (char *)name;
    job.in.kind = (char *)kind;
    job.in.country = (char *)country;
    job.in.time_zone = (char *)tz;
    job.in.profiles = has_profiles ? profiles.ptr : NULL;
    job.in.flags = has_flags ? flags.ptr : NULL;
    /* Checked before the writer is asked: most bad input never queues. */
    error = vt_org_validate(&job.in, &err);
    if (error >= 0)
        error = vt_server_write(req->srv, org_add_fn, &job, &err);
    vt_buf_dispose(&profiles);
    vt_buf_dispose(&flags);
    if (error < 0) {
        vt_org_dispose(&job.out);
        return vt_reply_from_error(req, &err);
    }
    snprintf(loc, sizeof(loc), "/api/v1/orgs/%s", job.out.slug);
    vt_reply_header(req, "Location", loc);
    error = vt_reply_json(req, 201, org_json(&job.out));
    vt_org_dispose(&job.out);
    return error;
}

static int org_update_fn(vt_store *w, void *ctx, vt_error *err)
{
    org_job *j = ctx;

    return vt_org_update(w, j->slug, &j->patch, &j->out, err);
}

static int patch_org(vt_request *req)
{
    static const char *const known[] = {"name", "time_zone", "profiles", "flags", NULL};
    static const char *const fixed[] = {"slug", "kind", "country", NULL};
    vt_error err = VT_ERROR_INIT;
    vt_buf profiles = VT_BUF_INIT, flags = VT_BUF_INIT;
    bool has_profiles = false, has_flags = false;
    vt_org cur;
    org_job job;
    size_t k;
    int error;

    for (k = 0; fixed[k]; k++)
        if (cJSON_GetObjectItemCaseSensitive(req->json, fixed[k])) {
            char field[32];

            snprintf(field, sizeof(field), "/%s", fixed[k]);
            return vt_reply_error(req, 422, "invalid", field,
                                  "'%s' cannot be changed; create a new organisation", fixed[k]);
        }
    if (!vt_req_known_members(req, known))
        return 0;
    if (!org_visible(req, req->param[0], &cur))
        return 0;
    vt_org_dispose(&cur);
    memset(&job, 0, sizeof(job));
    job.slug = req->param[0];
    if (!body_str(req, "name", false, &job.patch.name) ||
        !body_str(req, "time_zone", false, &job.patch.time_zone))
        return 0;
    error = body_json_text(req, "profiles", &profiles, &has_profiles);
    if (error >= 0)
        error = body_json_text(req, "flags", &flags, &has_flags);
    job.patch.profiles = has_profiles ? profiles.ptr : NULL;
    job.patch.flags = has_flags ? flags.ptr : NULL;
    if (error >= 0)
        error = vt_server_write(req->srv, org_update_fn, &job, &err);
    else
        vt_error_set(&err, error, 0, "out of memory");
    vt_buf_dispose(&profiles);
    vt_buf_dispose(&flags);
    if (error < 0) {
        vt_org_dispose(&job.out);
        return vt_reply_from_error(req, &err);
    }
    error = vt_reply_json(req, 200, org_json(&job.out));
    vt_org_dispose(&job.out);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Users */

typedef struct user_list_ctx {
    vt_store *s;
    cJSON *arr;
} user_list_ctx;

static int user_collect(void *ctx, const vt_user_info *u)
{
    user_list_ctx *c = ctx;
    cJSON *o;
    int error = vt_user_info_json(c->s, u, &o);

    return error < 0 ? error : vt_json_add_take(c->arr, NULL, o);
}

static int list_users(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    user_list_ctx c = {req->store, NULL};
    cJSON *o = vt_req_list_body("users", &c.arr);
    int error;

    if (!o)
        return vt_reply_oom(req);
    error = vt_user_list(req->store, req->who.org_id, user_collect, &c, &err);
    return vt_reply_listed(req, o, error, &err);
}

/*
 * The organisation a new user or token goes to: body member "org" (a
 * slug) or none. A caller bound to an organisation can only create
 * within it (403 otherwise); without "org" it gets the caller's own.
 * Returns false after replying.
 */
static bool target_org(vt_request *req, const char *slug, int64_t *org_id)
{
    *org_id = req->who.org_id;
    if (!slug)
        return true;
    if (!vt_req_org_id(req, slug, "/org", org_id))
        return false;
    if (req->who.org_id != 0 && *org_id != req->who.org_id) {
        vt_reply_error(req, 403, "forbidden", "/org",
                       "an organisation's admin can only add to that organisation");
        return false;
    }
    return true;
}

typedef struct user_job {
    const char *name;
    unsigned role;
    int64_t org_id;
    char hash[VT_PASSWORD_HASH_MAX];
    int64_t id;
} user_job;

static int user_add_fn(vt_store *w, void *ctx, vt_error *err)
{
    user_job *j = ctx;

    return vt_user_add_hashed(w, j->name, j->role, j->org_id, j->hash, &j->id, err);
}

static int post_user(vt_request *req)
{
    static const char *const known[] = {"name", "role", "org", "password", NULL};
    vt_error err = VT_ERROR_INIT;
    const char *role_name, *org, *password;
    user_job job;
    cJSON *o;
    int error;

    memset(&job, 0, sizeof(job));
    if (!vt_req_known_members(req, known) || !body_str(req, "name", true, &job.name) ||
        !body_str(req, "role", true, &role_name) || !body_str(req, "org", false, &org) ||
        !body_str(req, "password", true, &password))
        return 0;
    job.role = vt_role_parse(role_name);
    if (!(job.role & VT_ROLES_READERS))
        return vt_reply_error(req, 422, "invalid", "/role",
                              "role must be one of admin, psirt_manager, analyst, auditor");
    if (!target_org(req, org, &job.org_id))
        return 0;
    if (!hash_slot_take(req))
        return 0;
    error = vt_password_hash(password, job.hash, &err);
    hash_slot_give();
    if (error >= 0)
        error = vt_server_write(req->srv, user_add_fn, &job, &err);
    sodium_memzero(job.hash, sizeof(job.hash));
    if (error < 0)
        return vt_reply_from_error(req, &err);
    o = cJSON_CreateObject();
    if (!o || vt_json_add_num(o, "id", (double)job.id) < 0 ||
        vt_json_add_str(o, "name", job.name) < 0 ||
        vt_json_add_str(o, "role", vt_role_name(job.role)) < 0 ||
        vt_org_json_add_slug(req->store, o, "org", job.org_id) < 0) {
        cJSON_Delete(o);
        o = NULL;
    }
    return vt_reply_json(req, 201, o);
}

/* ------------------------------------------------------------------------ */
/* Machine tokens */

typedef struct token_list_ctx {
    vt_store *s;
    cJSON *arr;
} token_list_ctx;

static int token_collect(void *ctx, const vt_token_info *t)
{
    token_list_ctx *c = ctx;
    cJSON *o;
    int error = vt_token_info_json(c->s, t, &o);

    return error < 0 ? error : vt_json_add_take(c->arr, NULL, o);
}

static int list_tokens(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    const char *kind = vt_req_query(req, "kind");
    token_list_ctx c = {req->store, NULL};
    cJSON *o = vt_req_list_body("tokens", &c.arr);
    int error;

    if (!o)
        return vt_reply_oom(req);
    if (!kind)
        kind = "machine";
    if (strcmp(kind, "all") == 0)
        kind = NULL;
    else if (strcmp(kind, "machine") != 0 && strcmp(kind, "session") != 0) {
        cJSON_Delete(o);
        return vt_reply_error(req, 400, "invalid", NULL,
                              "kind must be machine, session or all");
    }
    error = vt_token_list(req->store, kind, req->who.org_id, token_collect, &c, &err);
    return vt_reply_listed(req, o, error, &err);
}

typedef struct token_job {
    unsigned role;
    const char *name;
    int64_t org_id;
    char token[VT_TOKEN_TEXT_MAX];
    int64_t id;
} token_job;

static int token_create_fn(vt_store *w, void *ctx, vt_error *err)
{
    token_job *j = ctx;

    return vt_token_create_id(w, j->role, j->name, j->org_id, j->token, &j->id, err);
}

static int post_token(vt_request *req)
{
    static const char *const known[] = {"name", "role", "org", NULL};
    vt_error err = VT_ERROR_INIT;
    const char *role_name, *org;
    token_job job;
    cJSON *o;
    int error;

    memset(&job, 0, sizeof(job));
    if (!vt_req_known_members(req, known) || !body_str(req, "name", true, &job.name) ||
        !body_str(req, "role", true, &role_name) || !body_str(req, "org", false, &org))
        return 0;
    job.role = vt_role_parse(role_name);
    if (!target_org(req, org, &job.org_id))
        return 0;
    error = vt_server_write(req->srv, token_create_fn, &job, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    o = cJSON_CreateObject();
    if (!o || vt_json_add_num(o, "id", (double)job.id) < 0 ||
        vt_json_add_str(o, "token", job.token) < 0 || vt_json_add_str(o, "name", job.name) < 0 ||
        vt_json_add_str(o, "role", vt_role_name(job.role)) < 0 ||
        vt_org_json_add_slug(req->store, o, "org", job.org_id) < 0) {
        cJSON_Delete(o);
        o = NULL;
    }
    sodium_memzero(job.token, sizeof(job.token));
    no_store(req);
    return vt_reply_json(req, 201, o);
}

typedef struct token_seen {
    int64_t org_id;
} token_seen;

static int token_seen_fn(void *ctx, const vt_token_info *t)
{
    ((token_seen *)ctx)->org_id = t->org_id;
    return 0;
}

static int delete_token(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    const char *p = req->param[0];
    token_seen seen = {0};
    revoke_job job;
    int error;

    if (vt_parse_i64(&job.id, p, strlen(p)) < 0 || job.id <= 0)
        return vt_reply_error(req, 404, "not_found", NULL, "no token '%s'", p);
    /* Another organisation's token is "not found" for an organisation's admin. */
    error = vt_token_get(req->store, job.id, token_seen_fn, &seen, &err);
    if (error >= 0 && req->who.org_id != 0 && seen.org_id != req->who.org_id)
        error = vt_error_set(&err, VT_ENOTFOUND, 0, "no token with id %lld", (long long)job.id);
    if (error >= 0)
        error = vt_server_write(req->srv, revoke_fn, &job, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_text(req, 204, "application/json", "", 0);
}

/* Everyone, token or not: logging in and asking who one is. */
#define EVERYONE (VT_ALLOW_ANONYMOUS | VT_ALLOW_TRACKING | VT_ALLOW_ANY_TOKEN | VT_ROLE_REPORTER)
#define J VT_ROUTE_JSON_BODY

const vt_route vt_routes_auth[] = {
    {"POST", "/api/v1/session", EVERYONE, J, post_session,
     "Log in with a user name and password: a console session token"},
    {"DELETE", "/api/v1/session", VT_ROLES_READERS, 0, delete_session,
     "Log out: end the calling console session"},
    {"GET", "/api/v1/whoami", EVERYONE, 0, whoami, "Who the caller is: kind, role, name, organisation"},
    {"GET", "/api/v1/orgs", VT_ROLES_READERS, 0, list_orgs, "List organisations"},
    {"POST", "/api/v1/orgs", VT_ROLE_ADMIN, J, post_org, "Add an organisation"},
    {"GET", "/api/v1/orgs/{slug}", VT_ROLES_READERS, 0, get_org, "One organisation"},
    {"PATCH", "/api/v1/orgs/{slug}", VT_ROLE_ADMIN, J, patch_org,
     "Change an organisation's name, time zone, profiles or flags"},
    {"GET", "/api/v1/users", VT_ROLE_ADMIN, 0, list_users, "List console users"},
    {"POST", "/api/v1/users", VT_ROLE_ADMIN, J, post_user, "Add a console user"},
    {"GET", "/api/v1/tokens", VT_ROLE_ADMIN, 0, list_tokens, "List tokens (no secrets)"},
    {"POST", "/api/v1/tokens", VT_ROLE_ADMIN, J, post_token,
     "Create a machine token; the token is in this answer only"},
    {"DELETE", "/api/v1/tokens/{id}", VT_ROLE_ADMIN, 0, delete_token, "Revoke a token"},
    {0},
};
