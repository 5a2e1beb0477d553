/*
 * sqlite_outbox.c - rows of `outbox`: insert, read, the state changes of
 * delivery (claim, delivered, failed, recover, retry) and the list the API
 * shows. The rules (message ids, P7, the backoff schedule) are in
 * src/domain/outbox.c; this file only reads and writes rows.
 */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/outbox.h"
#include "vulntrack/store_notify.h"

int vt__outbox_insert(vt_store *w, const vt_outbox_msg *m, const char *message_id, int64_t now_ms,
                      vt_error *err)
{
    static const char sql[] =
        "INSERT INTO outbox (message_id, case_id, contact_id, kind, obligation, subject,"
        " body_json, body_text, body_html, state, attempts, next_attempt_ms, created_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', 0, ?10, ?10)";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    vt__store_bind_text(st, 1, message_id);
    vt__store_bind_id(st, 2, m->case_id);
    sqlite3_bind_int64(st, 3, m->contact_id);
    vt__store_bind_text(st, 4, m->kind);
    vt__store_bind_text(st, 5, m->obligation);
    vt__store_bind_text(st, 6, m->subject);
    vt__store_bind_text(st, 7, m->body_json);
    vt__store_bind_text(st, 8, m->body_text);
    vt__store_bind_text(st, 9, m->body_html);
    sqlite3_bind_int64(st, 10, now_ms);
    return vt__store_step_done(w, st, err, "queueing a message");
}

void vt_outbox_record_dispose(vt_outbox_record *r)
{
    vt_outbox_record empty = VT_OUTBOX_RECORD_INIT;

    if (!r)
        return;
    vt_free(r->kind);
    vt_free(r->obligation);
    vt_free(r->subject);
    vt_free(r->body_json);
    vt_free(r->body_text);
    vt_free(r->body_html);
    vt_free(r->last_error);
    *r = empty;
}

int vt_outbox_get(vt_store *s, int64_t id, vt_outbox_record *out, vt_error *err)
{
    static const char sql[] =
        "SELECT message_id, ifnull(case_id, 0), contact_id, kind, obligation, subject,"
        " body_json, body_text, body_html, state, attempts, next_attempt_ms, last_error,"
        " created_ms, ifnull(delivered_ms, 0) FROM outbox WHERE id = ?1";
    sqlite3_stmt *st;
    bool oom = false;
    int error = vt__store_prepare(s, sql, &st, err), rc;

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return vt_error_set(err, VT_ENOTFOUND, 0, "no outbox message %lld", (long long)id);
    }
    if (rc != SQLITE_ROW) {
        error = vt__store_fail(s, err, "reading an outbox message");
        sqlite3_reset(st);
        return error;
    }
    out->id = id;
    snprintf(out->message_id, sizeof(out->message_id), "%s", vt__store_col_text_or_empty(st, 0));
    out->case_id = sqlite3_column_int64(st, 1);
    out->contact_id = sqlite3_column_int64(st, 2);
    out->kind = vt__store_col_dup(st, 3, &oom);
    out->obligation = vt__store_col_dup(st, 4, &oom);
    out->subject = vt__store_col_dup(st, 5, &oom);
    out->body_json = vt__store_col_dup(st, 6, &oom);
    out->body_text = vt__store_col_dup(st, 7, &oom);
    out->body_html = vt__store_col_dup(st, 8, &oom);
    snprintf(out->state, sizeof(out->state), "%s", vt__store_col_text_or_empty(st, 9));
    out->attempts = sqlite3_column_int(st, 10);
    out->next_attempt_ms = sqlite3_column_int64(st, 11);
    out->last_error = vt__store_col_dup(st, 12, &oom);
    out->created_ms = sqlite3_column_int64(st, 13);
    out->delivered_ms = sqlite3_column_int64(st, 14);
    sqlite3_reset(st);
    if (oom || !out->kind || !out->subject || !out->body_json || !out->body_text) {
        vt_outbox_record_dispose(out);
        return vt_error_set(err, oom ? VT_ENOMEM : VT_EIO, 0, "reading outbox message %lld",
                            (long long)id);
    }
    return 0;
}

int vt_outbox_claim(vt_store *w, int64_t now_ms, size_t max, int64_t *ids, size_t *n, vt_error *err)
{
    static const char pick[] = "SELECT id FROM outbox WHERE state = 'pending'"
                               " AND next_attempt_ms <= ?1 ORDER BY next_attempt_ms, id LIMIT ?2";
    static const char mark[] = "UPDATE outbox SET state = 'delivering' WHERE id = ?1";
    sqlite3_stmt *st;
    size_t i, got = 0;
    int error = vt__store_prepare(w, pick, &st, err), rc;

    *n = 0;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    while (got < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ids[got++] = sqlite3_column_int64(st, 0);
    if (got < max && rc != SQLITE_DONE) {
        error = vt__store_fail(w, err, "picking due messages");
        sqlite3_reset(st);
        return error;
    }
    sqlite3_reset(st);
    for (i = 0; i < got; i++) {
        error = vt__store_prepare(w, mark, &st, err);
        if (error < 0)
            return error;
        sqlite3_bind_int64(st, 1, ids[i]);
        error = vt__store_step_done(w, st, err, "claiming a message");
        if (error < 0)
            return error;
    }
    *n = got;
    return 0;
}

/* Run an UPDATE on one message; VT_ENOTFOUND when no row changed. */
static int update_one(vt_store *w, sqlite3_stmt *st, int64_t id, vt_error *err, const char *what)
{
    int error = vt__store_step_done(w, st, err, what);

    if (error < 0)
        return error;
    if (sqlite3_changes(vt__store_db(w)) == 0)
        return vt_error_set(err, VT_ENOTFOUND, 0, "no outbox message %lld in that state",
                            (long long)id);
    return 0;
}

int vt__outbox_set_delivered(vt_store *w, int64_t id, int64_t at_ms, bool *first, vt_error *err)
{
    static const char sql[] = "UPDATE outbox SET state = 'delivered', delivered_ms = ?2,"
                              " last_error = NULL WHERE id = ?1 AND state <> 'delivered'";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, at_ms);
    error = vt__store_step_done(w, st, err, "recording a delivery");
    if (error < 0)
        return error;
    if (first)
        *first = sqlite3_changes(vt__store_db(w)) > 0;
    return 0;
}

int vt__outbox_set_failed(vt_store *w, int64_t id, const char *error_text, int attempts, bool dead,
                          int64_t next_ms, vt_error *err)
{
    static const char sql[] = "UPDATE outbox SET state = ?2, attempts = ?3, next_attempt_ms = ?4,"
                              " last_error = ?5 WHERE id = ?1 AND state <> 'delivered'";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    vt__store_bind_text(st, 2, dead ? "dead" : "pending");
    sqlite3_bind_int(st, 3, attempts);
    sqlite3_bind_int64(st, 4, next_ms);
    vt__store_bind_text(st, 5, error_text);
    return update_one(w, st, id, err, "recording a failed delivery");
}

int vt_outbox_recover(vt_store *w, int64_t now_ms, long *n, vt_error *err)
{
    static const char sql[] = "UPDATE outbox SET state = 'pending', next_attempt_ms = ?1"
                              " WHERE state = 'delivering'";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, now_ms);
    error = vt__store_step_done(w, st, err, "recovering messages");
    if (error < 0)
        return error;
    if (n)
        *n = (long)sqlite3_changes(vt__store_db(w));
    return 0;
}

int vt_outbox_retry(vt_store *w, int64_t id, int64_t org_id, int64_t now_ms, vt_error *err)
{
    static const char look[] = "SELECT o.state, c.org_id FROM outbox o"
                               " JOIN contacts c ON c.id = o.contact_id WHERE o.id = ?1";
    static const char sql[] = "UPDATE outbox SET state = 'pending', attempts = 0,"
                              " next_attempt_ms = ?2 WHERE id = ?1 AND state = 'dead'";
    sqlite3_stmt *st;
    bool dead;
    int error = vt__store_prepare(w, look, &st, err), rc;

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        error = rc == SQLITE_DONE ? VT_ENOTFOUND : vt__store_fail(w, err, "reading a message");
        sqlite3_reset(st);
        if (error == VT_ENOTFOUND)
            vt_error_set(err, error, 0, "no outbox message %lld", (long long)id);
        return error;
    }
    dead = strcmp(vt__store_col_text_or_empty(st, 0), "dead") == 0;
    if (org_id && sqlite3_column_int64(st, 1) != org_id) {
        sqlite3_reset(st);
        return vt_error_set(err, VT_ENOTFOUND, 0, "no outbox message %lld", (long long)id);
    }
    sqlite3_reset(st);
    if (!dead)
        return vt_error_set_field(err, VT_EINVALID, "/state",
                                  "message %lld is not dead; only dead messages are retried",
                                  (long long)id);
    error = vt__store_prepare(w, sql, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now_ms);
    return update_one(w, st, id, err, "retrying a message");
}

bool vt_outbox_state_valid(const char *state)
{
    static const char *const states[] = {"pending", "delivering", "delivered", "dead"};
    size_t i;

    for (i = 0; state && i < sizeof(states) / sizeof(states[0]); i++)
        if (strcmp(state, states[i]) == 0)
            return true;
    return false;
}

/* The list item of the current row of vt_outbox_list's statement. */
static cJSON *list_item(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject(), *contact = cJSON_CreateObject();
    const char *ref = vt__store_col_text(st, 2);
    const char *obl = vt__store_col_text(st, 8);
    const char *last = vt__store_col_text(st, 13);
    int rc = 0;

    if (!o || !contact) {
        cJSON_Delete(o);
        cJSON_Delete(contact);
        return NULL;
    }
    rc |= vt_json_add_num(contact, "id", (double)sqlite3_column_int64(st, 3));
    rc |= vt_json_add_str(contact, "name", vt__store_col_text_or_empty(st, 4));
    rc |= vt_json_add_str(contact, "role", vt__store_col_text_or_empty(st, 5));
    rc |= vt_json_add_str(contact, "channel", vt__store_col_text_or_empty(st, 6));
    rc |= vt_json_add_num(o, "id", (double)sqlite3_column_int64(st, 0));
    rc |= vt_json_add_str(o, "message_id", vt__store_col_text_or_empty(st, 1));
    rc |= ref ? vt_json_add_str(o, "case", ref) : vt_json_add_null(o, "case");
    rc |= vt_json_add_take(o, "contact", contact);
    rc |= vt_json_add_str(o, "kind", vt__store_col_text_or_empty(st, 7));
    rc |= obl ? vt_json_add_str(o, "obligation", obl) : vt_json_add_null(o, "obligation");
    rc |= vt_json_add_str(o, "subject", vt__store_col_text_or_empty(st, 9));
    rc |= vt_json_add_str(o, "state", vt__store_col_text_or_empty(st, 10));
    rc |= vt_json_add_num(o, "attempts", sqlite3_column_int(st, 11));
    rc |= vt_json_add_time(o, "next_attempt_at", sqlite3_column_int64(st, 12));
    rc |= last ? vt_json_add_str(o, "last_error", last) : vt_json_add_null(o, "last_error");
    rc |= vt_json_add_time(o, "created_at", sqlite3_column_int64(st, 14));
    rc |= vt_json_add_time(o, "delivered_at", sqlite3_column_int64(st, 15));
    if (rc) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int vt_outbox_list(vt_store *s, const vt_outbox_filter *f, cJSON **out, vt_error *err)
{
    static const char sql[] =
        "SELECT o.id, o.message_id, k.ref, c.id, c.name, c.role, c.channel, o.kind,"
        " o.obligation, o.subject, o.state, o.attempts, o.next_attempt_ms, o.last_error,"
        " o.created_ms, o.delivered_ms"
        " FROM outbox o JOIN contacts c ON c.id = o.contact_id"
        " LEFT JOIN cases k ON k.id = o.case_id"
        " WHERE (?1 = 0 OR c.org_id = ?1) AND (?2 = 0 OR o.case_id = ?2)"
        " AND (?3 IS NULL OR o.state = ?3) ORDER BY o.id DESC LIMIT ?4";
    sqlite3_stmt *st;
    cJSON *arr = NULL, *item;
    int error, rc;

    *out = NULL;
    if (f->state && !vt_outbox_state_valid(f->state))
        return vt_error_set_field(err, VT_EINVALID, "/state",
                                  "state must be pending, delivering, delivered or dead");
    error = vt__store_prepare(s, sql, &st, err);
    if (error < 0)
        return error;
    arr = cJSON_CreateArray();
    if (!arr)
        return vt_error_set(err, VT_ENOMEM, 0, "listing messages");
    sqlite3_bind_int64(st, 1, f->org_id);
    sqlite3_bind_int64(st, 2, f->case_id);
    vt__store_bind_text(st, 3, f->state);
    sqlite3_bind_int64(st, 4, f->limit > 0 ? f->limit : 100);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        item = list_item(st);
        if (!item || !cJSON_AddItemToArray(arr, item)) {
            cJSON_Delete(item);
            sqlite3_reset(st);
            cJSON_Delete(arr);
            return vt_error_set(err, VT_ENOMEM, 0, "listing messages");
        }
    }
    if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "listing messages");
        sqlite3_reset(st);
        cJSON_Delete(arr);
        return error;
    }
    sqlite3_reset(st);
    *out = arr;
    return 0;
}
