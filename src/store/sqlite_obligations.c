/*
 * sqlite_obligations.c - rows of `obligations` and the case, organisation
 * and event columns the deadline computation reads (store_obligations.h).
 */
#include <string.h>

#include "store/store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/store_obligations.h"

static const char sql_case[] =
    "SELECT c.id, c.ref, c.scope, c.doc, o.id, o.slug, o.kind, o.time_zone, o.profiles, o.flags, "
    "c.state "
    "FROM cases c JOIN orgs o ON o.id = c.org_id WHERE c.id = ?1";
static const char sql_case_ref[] = "SELECT ref FROM cases WHERE id = ?1";
static const char sql_events[] =
    "SELECT event, at_ms, actor, evidence FROM case_events WHERE case_id = ?1 "
    "ORDER BY at_ms, event";
#define OBL_COLS                                                                            \
    "o.id, o.case_id, o.profile, o.obligation, o.start_event, o.start_ms, o.due_ms, "       \
    "o.legal_latest_ms, o.state, o.met_ms, o.evidence, o.waived_reason, o.updated_ms"
static const char sql_find[] = "SELECT " OBL_COLS " FROM obligations o "
                               "WHERE o.case_id = ?1 AND o.profile = ?2 AND o.obligation = ?3";
static const char sql_get[] = "SELECT " OBL_COLS " FROM obligations o WHERE o.id = ?1";
static const char sql_insert[] =
    "INSERT INTO obligations (case_id, profile, obligation, start_event, start_ms, due_ms, "
    "legal_latest_ms, state, met_ms, evidence, waived_reason, updated_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
static const char sql_update[] =
    "UPDATE obligations SET start_event = ?4, start_ms = ?5, due_ms = ?6, legal_latest_ms = ?7, "
    "state = ?8, met_ms = ?9, evidence = ?10, waived_reason = ?11, updated_ms = ?12 "
    "WHERE id = ?13 AND case_id = ?1 AND profile = ?2 AND obligation = ?3";
static const char sql_overdue[] =
    "SELECT id FROM obligations WHERE state = 'open' AND due_ms IS NOT NULL AND due_ms < ?1 "
    "ORDER BY due_ms, id LIMIT ?2";
static const char sql_query[] =
    "SELECT " OBL_COLS ", c.ref, g.slug, g.time_zone, g.flags FROM obligations o "
    "JOIN cases c ON c.id = o.case_id JOIN orgs g ON g.id = c.org_id "
    "WHERE (?1 IS NULL OR o.state = ?1 OR o.state = ?2) "
    "AND (?3 = 0 OR (o.due_ms IS NOT NULL AND o.due_ms < ?3)) "
    "AND (?4 = 0 OR c.org_id = ?4) AND (?5 = 0 OR o.case_id = ?5) "
    "AND (?6 IS NULL OR o.profile = ?6) "
    "ORDER BY o.due_ms IS NULL, o.due_ms, o.id LIMIT ?7";

static void col_copy(char *dst, size_t n, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t len = t ? strlen((const char *)t) : 0;

    if (len >= n)
        len = n - 1;
    if (len)
        memcpy(dst, t, len);
    dst[len] = '\0';
}

static bool col_i64(sqlite3_stmt *st, int i, int64_t *out)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) {
        *out = 0;
        return false;
    }
    *out = sqlite3_column_int64(st, i);
    return true;
}

void vt_obl_case_dispose(vt_obl_case *c)
{
    if (!c)
        return;
    vt_free(c->ref);
    vt_free(c->scope);
    vt_free(c->state);
    vt_free(c->doc);
    vt_free(c->org_slug);
    vt_free(c->org_kind);
    vt_free(c->time_zone);
    vt_free(c->profiles);
    vt_free(c->flags);
    memset(c, 0, sizeof(*c));
}

int vt_store_obl_case(vt_store *s, int64_t case_id, vt_obl_case *out, vt_error *err)
{
    sqlite3_stmt *st;
    bool oom = false;
    int rc, error;

    memset(out, 0, sizeof(*out));
    error = vt__store_prepare(s, sql_case, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->case_id = sqlite3_column_int64(st, 0);
        out->ref = vt__store_col_dup(st, 1, &oom);
        out->scope = vt__store_col_dup(st, 2, &oom);
        out->doc = vt__store_col_dup(st, 3, &oom);
        out->org_id = sqlite3_column_int64(st, 4);
        out->org_slug = vt__store_col_dup(st, 5, &oom);
        out->org_kind = vt__store_col_dup(st, 6, &oom);
        out->time_zone = vt__store_col_dup(st, 7, &oom);
        out->profiles = vt__store_col_dup(st, 8, &oom);
        out->flags = vt__store_col_dup(st, 9, &oom);
        out->state = vt__store_col_dup(st, 10, &oom);
        if (oom)
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory reading a case");
    } else if (rc == SQLITE_DONE) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no case with id %lld", (long long)case_id);
    } else {
        error = vt__store_fail(s, err, "reading a case");
    }
    sqlite3_reset(st);
    if (error < 0)
        vt_obl_case_dispose(out);
    return error;
}

int vt_store_obl_case_ref(vt_store *s, int64_t case_id, char ref[32], vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_case_ref, &st, err);

    ref[0] = '\0';
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        col_copy(ref, 32, st, 0);
    else if (rc == SQLITE_DONE)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no case with id %lld", (long long)case_id);
    else
        error = vt__store_fail(s, err, "reading a case");
    sqlite3_reset(st);
    return error;
}

int vt_store_obl_events_each(vt_store *s, int64_t case_id,
                             int (*each)(void *ctx, const vt_obl_event_row *e), void *ctx,
                             vt_error *err)
{
    sqlite3_stmt *st;
    vt_obl_event_row e;
    int rc, error = vt__store_prepare(s, sql_events, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        e.event = (const char *)sqlite3_column_text(st, 0);
        e.at_ms = sqlite3_column_int64(st, 1);
        e.actor = (const char *)sqlite3_column_text(st, 2);
        e.evidence = (const char *)sqlite3_column_text(st, 3);
        if (!e.event || !e.actor)
            continue;
        error = each(ctx, &e);
        if (error < 0)
            break;
    }
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading case events");
    sqlite3_reset(st);
    return error;
}

void vt_obl_row_dispose(vt_obl_row *r)
{
    if (!r)
        return;
    vt_free(r->evidence);
    vt_free(r->waived_reason);
    r->evidence = NULL;
    r->waived_reason = NULL;
}

/* Columns OBL_COLS from index 0 into r. Returns false when out of memory. */
static bool row_from(vt_obl_row *r, sqlite3_stmt *st)
{
    bool oom = false;

    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(st, 0);
    r->case_id = sqlite3_column_int64(st, 1);
    col_copy(r->profile, sizeof(r->profile), st, 2);
    col_copy(r->obligation, sizeof(r->obligation), st, 3);
    col_copy(r->start_event, sizeof(r->start_event), st, 4);
    r->has_start = col_i64(st, 5, &r->start_ms);
    r->has_due = col_i64(st, 6, &r->due_ms);
    r->has_legal_latest = col_i64(st, 7, &r->legal_latest_ms);
    col_copy(r->state, sizeof(r->state), st, 8);
    r->has_met = col_i64(st, 9, &r->met_ms);
    r->evidence = vt__store_col_dup(st, 10, &oom);
    r->waived_reason = vt__store_col_dup(st, 11, &oom);
    r->updated_ms = sqlite3_column_int64(st, 12);
    if (oom)
        vt_obl_row_dispose(r);
    return !oom;
}

static int fetch_one(vt_store *s, sqlite3_stmt *st, bool *found, vt_obl_row *out, vt_error *err)
{
    int rc = sqlite3_step(st), error = 0;

    *found = false;
    if (rc == SQLITE_ROW) {
        *found = true;
        if (!row_from(out, st))
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory reading an obligation");
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "reading an obligation");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_obl_find(vt_store *s, int64_t case_id, const char *profile, const char *obligation,
                      bool *found, vt_obl_row *out, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql_find, &st, err);

    memset(out, 0, sizeof(*out));
    *found = false;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_text(st, 2, profile, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, obligation, -1, SQLITE_TRANSIENT);
    return fetch_one(s, st, found, out, err);
}

int vt_store_obl_get(vt_store *s, int64_t id, vt_obl_row *out, vt_error *err)
{
    sqlite3_stmt *st;
    bool found;
    int error = vt__store_prepare(s, sql_get, &st, err);

    memset(out, 0, sizeof(*out));
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    error = fetch_one(s, st, &found, out, err);
    if (error == 0 && !found)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no obligation %lld", (long long)id);
    return error;
}

static void bind_opt(sqlite3_stmt *st, int i, bool has, int64_t v)
{
    if (has)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

int vt_store_obl_put(vt_store *w, vt_obl_row *r, vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(w, r->id ? sql_update : sql_insert, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, r->case_id);
    sqlite3_bind_text(st, 2, r->profile, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, r->obligation, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, r->start_event, -1, SQLITE_TRANSIENT);
    bind_opt(st, 5, r->has_start, r->start_ms);
    bind_opt(st, 6, r->has_due, r->due_ms);
    bind_opt(st, 7, r->has_legal_latest, r->legal_latest_ms);
    sqlite3_bind_text(st, 8, r->state, -1, SQLITE_TRANSIENT);
    bind_opt(st, 9, r->has_met, r->met_ms);
    vt__store_bind_text(st, 10, r->evidence);
    vt__store_bind_text(st, 11, r->waived_reason);
    sqlite3_bind_int64(st, 12, r->updated_ms);
    if (r->id)
        sqlite3_bind_int64(st, 13, r->id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        error = vt__store_fail(w, err, "writing an obligation");
    else if (!r->id)
        r->id = sqlite3_last_insert_rowid(vt__store_db(w));
    sqlite3_reset(st);
    return error;
}

int vt_store_obl_overdue(vt_store *s, int64_t now_ms, int64_t *ids, size_t max, size_t *n,
                         vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_overdue, &st, err);

    *n = 0;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        error = vt__store_fail(s, err, "finding overdue obligations");
    sqlite3_reset(st);
    return error;
}

int vt_store_obl_query(vt_store *s, const vt_obl_query *q,
                       int (*each)(void *ctx, const vt_obl_query_row *r), void *ctx,
                       vt_error *err)
{
    sqlite3_stmt *st;
    vt_obl_row row;
    vt_obl_query_row qr;
    int rc, error = vt__store_prepare(s, sql_query, &st, err);

    if (error < 0)
        return error;
    vt__store_bind_text(st, 1, q->state1);
    vt__store_bind_text(st, 2, q->state2 ? q->state2 : q->state1);
    sqlite3_bind_int64(st, 3, q->due_before);
    sqlite3_bind_int64(st, 4, q->org_id);
    sqlite3_bind_int64(st, 5, q->case_id);
    vt__store_bind_text(st, 6, q->profile);
    sqlite3_bind_int64(st, 7, q->limit > 0 ? q->limit : 100);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!row_from(&row, st)) {
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory reading obligations");
            break;
        }
        qr.o = &row;
        qr.case_ref = (const char *)sqlite3_column_text(st, 13);
        qr.org_slug = (const char *)sqlite3_column_text(st, 14);
        qr.time_zone = (const char *)sqlite3_column_text(st, 15);
        qr.org_flags = (const char *)sqlite3_column_text(st, 16);
        error = each(ctx, &qr);
        vt_obl_row_dispose(&row);
        if (error < 0)
            break;
    }
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "listing obligations");
    sqlite3_reset(st);
    return error;
}
