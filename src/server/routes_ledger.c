/*
 * routes_ledger.c - the receipt ledger for auditors: verification of the
 * chain, its entries and checkpoints, and the public key anyone may fetch
 * to check an exported copy. Everything here reads; nothing writes.
 */
#include <string.h>

#include "request.h"
#include "server.h"
#include "vulntrack/alloc.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/store_ledger.h"

#define LIST_DEFAULT 100
#define LIST_MAX 1000

#define AUDIT (VT_ROLE_AUDITOR | VT_ROLE_ADMIN)
/* The public key is public: any caller, token or not. */
#define EVERYONE (VT_ALLOW_ANONYMOUS | VT_ALLOW_TRACKING | VT_ALLOW_ANY_TOKEN | VT_ROLE_REPORTER)

/* GET /api/v1/ledger/verify: 200 whether intact or not (the check ran). */
static int get_verify(vt_request *req)
{
    vt_ledger_verify_result r;
    vt_error err = VT_ERROR_INIT;
    cJSON *o;
    int error;

    if (vt_ledger_verify(req->store, NULL, &r, &err) < 0)
        return vt_reply_from_error(req, &err);
    o = cJSON_CreateObject();
    error = o ? 0 : VT_ENOMEM;
    if (error >= 0)
        error = vt_json_add_take(o, "intact", cJSON_CreateBool(r.intact));
    if (error >= 0)
        error = vt_json_add_num(o, "entries", (double)r.entries);
    if (error >= 0)
        error = vt_json_add_num(o, "first_seq", (double)r.first_seq);
    if (error >= 0)
        error = vt_json_add_num(o, "last_seq", (double)r.last_seq);
    if (error >= 0)
        error = vt_json_add_num(o, "checkpoints", (double)r.checkpoints);
    if (error >= 0)
        error = vt_json_add_num(o, "last_checkpoint_seq", (double)r.last_checkpoint_seq);
    if (error >= 0)
        error = vt_json_add_num(o, "unsealed", (double)r.unsealed);
    if (error >= 0 && !r.intact) {
        error = vt_json_add_num(o, "bad_seq", (double)r.bad_seq);
        if (error >= 0)
            error = vt_json_add_str(o, "reason", r.reason);
    }
    if (error < 0) {
        cJSON_Delete(o);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 200, o);
}

struct list_ctx {
    cJSON *arr;
    int64_t last;
};

static int list_each(void *ctx, const vt_ledger_entry *e)
{
    struct list_ctx *l = ctx;
    cJSON *o;
    int error = vt_ledger_entry_json(e, &o);

    if (error >= 0)
        error = vt_json_add_take(l->arr, NULL, o);
    l->last = e->seq;
    return error;
}

/* GET /api/v1/ledger?after=SEQ&limit=N */
static int get_ledger(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    struct list_ctx l = {NULL, 0};
    int64_t after = 0, limit = LIST_DEFAULT;
    cJSON *o;
    int error;

    if (!vt_req_query_i64(req, "after", 0, INT64_MAX, 400, &after) ||
        !vt_req_query_i64(req, "limit", 0, LIST_MAX, 400, &limit))
        return 0;
    if (limit == 0)
        limit = LIST_DEFAULT;
    o = vt_req_list_body("entries", &l.arr);
    if (!o)
        return vt_reply_oom(req);
    error = vt_ledger_list(req->store, after, (long)limit, list_each, &l, &err);
    if (error == VT_ENOMEM && !err.msg[0])
        vt_error_set(&err, VT_ENOMEM, 0, "out of memory");
    if (error >= 0) {
        /* Where the next page starts; null when this one was not full. */
        if (cJSON_GetArraySize(l.arr) == (int)limit)
            error = vt_json_add_num(o, "next_after", (double)l.last);
        else
            error = vt_json_add_null(o, "next_after");
    }
    return vt_reply_listed(req, o, error, &err);
}

static int checkpoint_each(void *ctx, const vt_ledger_checkpoint_row *c)
{
    cJSON *arr = ctx;
    char when[VT_TIME_TEXT_MAX];
    cJSON *o = cJSON_CreateObject();
    int error = vt_json_add_take(arr, NULL, o);

    if (error >= 0)
        error = vt_json_add_num(o, "seq", (double)c->seq);
    if (error >= 0)
        error = vt_json_add_str(o, "entry_hash", c->entry_hash);
    if (error >= 0)
        error = vt_json_add_num(o, "signed_ms", (double)c->signed_ms);
    if (error >= 0)
        error = vt_json_add_str(o, "signed_at", vt_time_format_utc(when, c->signed_ms));
    if (error >= 0)
        error = vt_json_add_str(o, "public_key", c->public_key);
    if (error >= 0)
        error = vt_json_add_str(o, "signature", c->signature);
    return error;
}

/* GET /api/v1/ledger/checkpoints */
static int get_checkpoints(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    cJSON *arr;
    cJSON *o = vt_req_list_body("checkpoints", &arr);
    int error;

    if (!o)
        return vt_reply_oom(req);
    error = vt_ledger_checkpoints(req->store, checkpoint_each, arr, &err);
    if (error >= 0)
        error = vt_json_add_str(o, "format", VT_LEDGER_CHECKPOINT_FORMAT);
    return vt_reply_listed(req, o, error, &err);
}

/* GET /api/v1/ledger/pubkey: the running server's key, or the one its
 * checkpoints were last signed with. */
static int get_pubkey(vt_request *req)
{
    const struct vt_ledger_key *key = vt_server_ledger_key(req->srv);
    vt_error err = VT_ERROR_INIT;
    char *stored = NULL;
    cJSON *o;
    int error;

    if (!key) {
        if (vt_store_ledger_setting_get(req->store, "ledger_public_key", &stored, &err) < 0)
            return vt_reply_from_error(req, &err);
        if (!stored)
            return vt_reply_error(req, 404, "not_found", NULL, "no ledger signing key yet");
    }
    o = cJSON_CreateObject();
    error = o ? vt_json_add_str(o, "public_key", key ? key->public_hex : stored) : VT_ENOMEM;
    vt_free(stored);
    if (error >= 0)
        error = vt_json_add_str(o, "algorithm", "Ed25519");
    if (error >= 0)
        error = vt_json_add_str(o, "entry_format", VT_LEDGER_FORMAT);
    if (error >= 0)
        error = vt_json_add_str(o, "checkpoint_format", VT_LEDGER_CHECKPOINT_FORMAT);
    if (error < 0) {
        cJSON_Delete(o);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 200, o);
}

const vt_route vt_routes_ledger[] = {
    {"GET", "/api/v1/ledger/verify", AUDIT, 0, get_verify,
     "Recompute the receipt ledger's hash chain and checkpoint signatures"},
    {"GET", "/api/v1/ledger", AUDIT, 0, get_ledger, "List receipt-ledger entries in seq order"},
    {"GET", "/api/v1/ledger/checkpoints", AUDIT, 0, get_checkpoints,
     "List the signed checkpoints of the receipt ledger"},
    {"GET", "/api/v1/ledger/pubkey", EVERYONE, 0, get_pubkey,
     "The Ed25519 public key that signs ledger checkpoints"},
    {0},
};
