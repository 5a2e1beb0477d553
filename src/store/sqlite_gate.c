/*
 * sqlite_gate.c - store_gate.h on SQLite: disclosure records, blackout
 * windows and the reads of the disclosure gate. Every statement is a
 * string constant, prepared once per connection by vt__store_prepare.
 * disclosure_records are only ever inserted: a record that turns out to
 * be wrong is superseded by a new one, never edited.
 */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"
#include "vulntrack/store_gate.h"

static const char sql_org[] = "SELECT kind, country FROM orgs WHERE id = ?1";
static const char sql_event[] = "SELECT 1 FROM case_events WHERE case_id = ?1 AND event = ?2";
static const char sql_attachments[] =
    "SELECT a.id, a.report_id, a.filename, a.classification, a.sha256 FROM attachments a "
    "JOIN reports r ON r.id = a.report_id WHERE r.case_id = ?1 ORDER BY a.id";
static const char sql_assets[] =
    "SELECT name, identifiers FROM assets WHERE org_id = ?1 ORDER BY id";
static const char sql_record_insert[] =
    "INSERT INTO disclosure_records (case_id, kind, record, actor, created_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_records[] =
    "SELECT id, case_id, kind, record, actor, created_ms FROM disclosure_records "
    "WHERE case_id = ?1 AND (?2 IS NULL OR kind = ?2) ORDER BY id";
static const char sql_window_insert[] =
    "INSERT INTO blackout_windows (org_id, starts_ms, ends_ms, reason, created_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_window_delete[] = "DELETE FROM blackout_windows WHERE id = ?1";
static const char sql_windows[] =
    "SELECT id, org_id, starts_ms, ends_ms, reason, created_ms FROM blackout_windows "
    "WHERE (?1 < 0 OR org_id IS NULL OR org_id = ?1) "
    "AND (?2 <= 0 OR (starts_ms <= ?2 AND ?2 < ends_ms)) ORDER BY starts_ms, id";
static const char sql_window_get[] =
    "SELECT id, org_id, starts_ms, ends_ms, reason, created_ms FROM blackout_windows "
    "WHERE id = ?1";

int vt_store_gate_org(vt_store *s, int64_t org_id, char kind[16], char country[8], vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_org, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(kind, 16, "%s", vt__store_col_text_or_empty(st, 0));
        snprintf(country, 8, "%s", vt__store_col_text_or_empty(st, 1));
    } else if (rc == SQLITE_DONE) {
        error =
            vt_error_set(err, VT_ENOTFOUND, 0, "no organisation with id %lld", (long long)org_id);
    } else {
        error = vt__store_fail(s, err, "reading an organisation");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_gate_event(vt_store *s, int64_t case_id, const char *event, bool *found, vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_event, &st, err);

    *found = false;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_text(st, 2, event, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *found = true;
    else if (rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading a case event");
    sqlite3_reset(st);
    return error;
}

/* Step `st` to its end, handing each row to `row`; resets it. */
static int each_row(vt_store *s, sqlite3_stmt *st, int (*row)(void *rctx, sqlite3_stmt *st),
                    void *rctx, vt_error *err, const char *what)
{
    int rc, error = 0;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        error = row(rctx, st);
        if (error < 0)
            break;
    }
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, what);
    sqlite3_reset(st);
    return error;
}

struct attach_ctx {
    int (*each)(void *ctx, const vt_store_gate_attachment *a);
    void *ctx;
};

static int attach_row(void *rctx, sqlite3_stmt *st)
{
    struct attach_ctx *c = rctx;
    vt_store_gate_attachment a;

    a.id = sqlite3_column_int64(st, 0);
    a.report_id = vt__store_col_text_or_empty(st, 1);
    a.filename = vt__store_col_text_or_empty(st, 2);
    a.classification = vt__store_col_text_or_empty(st, 3);
    a.sha256 = vt__store_col_text_or_empty(st, 4);
    return c->each(c->ctx, &a);
}

int vt_store_gate_attachments_each(vt_store *s, int64_t case_id,
                                   int (*each)(void *ctx, const vt_store_gate_attachment *a),
                                   void *ctx, vt_error *err)
{
    struct attach_ctx c = {each, ctx};
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql_attachments, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    return each_row(s, st, attach_row, &c, err, "reading attachments");
}

struct asset_ctx {
    int (*each)(void *ctx, const char *asset_name, const char *identifiers_json);
    void *ctx;
};

static int asset_row(void *rctx, sqlite3_stmt *st)
{
    struct asset_ctx *c = rctx;

    return c->each(c->ctx, vt__store_col_text_or_empty(st, 0), vt__store_col_text_or_empty(st, 1));
}

int vt_store_gate_asset_identifiers_each(vt_store *s, int64_t org_id,
                                         int (*each)(void *ctx, const char *asset_name,
                                                     const char *identifiers_json),
                                         void *ctx, vt_error *err)
{
    struct asset_ctx c = {each, ctx};
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql_assets, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    return each_row(s, st, asset_row, &c, err, "reading assets");
}

int vt_store_gate_record_insert(vt_store *w, const vt_store_gate_record *r, int64_t *id_out,
                                vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_record_insert, &st, err);

    if (error < 0)
        return error;
    vt__store_bind_id(st, 1, r->case_id);
    vt__store_bind_text(st, 2, r->kind);
    vt__store_bind_text(st, 3, r->record);
    vt__store_bind_text(st, 4, r->actor);
    sqlite3_bind_int64(st, 5, r->created_ms);
    error = vt__store_step_done(w, st, err, "storing a disclosure record");
    if (error == 0 && id_out)
        *id_out = sqlite3_last_insert_rowid(vt__store_db(w));
    return error;
}

struct record_ctx {
    int (*each)(void *ctx, const vt_store_gate_record *r);
    void *ctx;
};

static int record_row(void *rctx, sqlite3_stmt *st)
{
    struct record_ctx *c = rctx;
    vt_store_gate_record r;

    r.id = sqlite3_column_int64(st, 0);
    r.case_id = sqlite3_column_int64(st, 1);
    r.kind = vt__store_col_text_or_empty(st, 2);
    r.record = vt__store_col_text_or_empty(st, 3);
    r.actor = vt__store_col_text_or_empty(st, 4);
    r.created_ms = sqlite3_column_int64(st, 5);
    return c->each(c->ctx, &r);
}

int vt_store_gate_records_each(vt_store *s, int64_t case_id, const char *kind,
                               int (*each)(void *ctx, const vt_store_gate_record *r), void *ctx,
                               vt_error *err)
{
    struct record_ctx c = {each, ctx};
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql_records, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    vt__store_bind_text(st, 2, kind);
    return each_row(s, st, record_row, &c, err, "reading disclosure records");
}

int vt_store_gate_window_insert(vt_store *w, const vt_store_gate_window *b, int64_t *id_out,
                                vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_window_insert, &st, err);

    if (error < 0)
        return error;
    vt__store_bind_id(st, 1, b->org_id);
    sqlite3_bind_int64(st, 2, b->starts_ms);
    sqlite3_bind_int64(st, 3, b->ends_ms);
    vt__store_bind_text(st, 4, b->reason);
    sqlite3_bind_int64(st, 5, b->created_ms);
    error = vt__store_step_done(w, st, err, "storing a blackout window");
    if (error == 0 && id_out)
        *id_out = sqlite3_last_insert_rowid(vt__store_db(w));
    return error;
}

int vt_store_gate_window_delete(vt_store *w, int64_t id, bool *deleted, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_window_delete, &st, err);

    *deleted = false;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    error = vt__store_step_done(w, st, err, "deleting a blackout window");
    if (error == 0)
        *deleted = sqlite3_changes(vt__store_db(w)) > 0;
    return error;
}

static void window_from_row(vt_store_gate_window *b, sqlite3_stmt *st)
{
    b->id = sqlite3_column_int64(st, 0);
    b->org_id = sqlite3_column_int64(st, 1);
    b->starts_ms = sqlite3_column_int64(st, 2);
    b->ends_ms = sqlite3_column_int64(st, 3);
    b->reason = vt__store_col_text_or_empty(st, 4);
    b->created_ms = sqlite3_column_int64(st, 5);
}

struct window_ctx {
    int (*each)(void *ctx, const vt_store_gate_window *b);
    void *ctx;
};

static int window_row(void *rctx, sqlite3_stmt *st)
{
    struct window_ctx *c = rctx;
    vt_store_gate_window b;

    window_from_row(&b, st);
    return c->each(c->ctx, &b);
}

int vt_store_gate_windows_each(vt_store *s, int64_t org_id, int64_t at_ms,
                               int (*each)(void *ctx, const vt_store_gate_window *b), void *ctx,
                               vt_error *err)
{
    struct window_ctx c = {each, ctx};
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql_windows, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, at_ms);
    return each_row(s, st, window_row, &c, err, "reading blackout windows");
}

int vt_store_gate_window_get(vt_store *s, int64_t id, vt_store_gate_window *out, char *reason,
                             size_t reason_cap, vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_window_get, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        window_from_row(out, st);
        snprintf(reason, reason_cap, "%s", out->reason);
        out->reason = reason;
    } else if (rc == SQLITE_DONE) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no blackout window %lld", (long long)id);
    } else {
        error = vt__store_fail(s, err, "reading a blackout window");
    }
    sqlite3_reset(st);
    return error;
}
