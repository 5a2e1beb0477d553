/*
 * sqlite_intake.c - rows of reports, report_messages and attachments
 * (store_intake.h) in the SQLite store. Plain reads and writes: the rules
 * are in src/domain/intake.c.
 */
#include <string.h>

#include "store_internal.h"
#include "vulntrack/store_intake.h"

static const char sql_report_insert[] =
    "INSERT INTO reports (id, org_id, tracking_hash, received_ms, channel, client_addr,"
    " submitted_by, title, body, content_sha256, status, case_id, ledger_seq, acknowledged_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, COALESCE(?11, 'received'), ?12, ?13, ?14)";
static const char sql_report_finish[] =
    "UPDATE reports SET body = ?2, ledger_seq = ?3 WHERE id = ?1";
static const char sql_report_max_id[] = "SELECT max(id) FROM reports";
/* The columns every report read returns, in vt_store_report_row order. */
#define REPORT_COLUMNS                                                                     \
    "r.id, r.org_id, r.received_ms, r.channel, r.client_addr, r.submitted_by, r.title,"    \
    " r.body, r.content_sha256, r.status, r.case_id, c.ref, r.ledger_seq, r.acknowledged_ms"
static const char sql_report_get[] = "SELECT " REPORT_COLUMNS
                                     " FROM reports r LEFT JOIN cases c ON c.id = r.case_id"
                                     " WHERE r.id = ?1";
/* Descending id is newest first: ids are time-ordered (intake.c). */
static const char sql_report_each[] =
    "SELECT " REPORT_COLUMNS " FROM reports r LEFT JOIN cases c ON c.id = r.case_id"
    " WHERE (?1 = 0 OR r.org_id = ?1) AND (?2 IS NULL OR r.status = ?2)"
    " AND (?3 IS NULL OR r.id < ?3) ORDER BY r.id DESC LIMIT ?4";
static const char sql_message_insert[] =
    "INSERT INTO report_messages (report_id, received_ms, author, body, content_sha256,"
    " ledger_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_message_seq[] = "UPDATE report_messages SET ledger_seq = ?2 WHERE id = ?1";
static const char sql_message_each[] =
    "SELECT id, report_id, received_ms, author, body, content_sha256, ledger_seq"
    " FROM report_messages WHERE report_id = ?1 ORDER BY id";
static const char sql_attachment_insert[] =
    "INSERT INTO attachments (report_id, message_id, filename, media_type, classification,"
    " size, sha256, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_attachment_each[] =
    "SELECT id, report_id, message_id, filename, media_type, classification, size, sha256"
    " FROM attachments WHERE report_id = ?1 ORDER BY id";
static const char sql_attachment_get[] =
    "SELECT id, report_id, message_id, filename, media_type, classification, size, sha256,"
    " content FROM attachments WHERE report_id = ?1 AND id = ?2";
static const char sql_org_by_slug[] = "SELECT id FROM orgs WHERE slug = ?1";
static const char sql_org_first[] = "SELECT id FROM orgs ORDER BY id LIMIT 1";
static const char sql_org_slug[] = "SELECT slug FROM orgs WHERE id = ?1";

int vt_store_report_insert(vt_store *w, const vt_store_report_row *r, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_report_insert, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
    vt__store_bind_id(st, 2, r->org_id);
    sqlite3_bind_blob(st, 3, r->tracking_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, r->received_ms);
    sqlite3_bind_text(st, 5, r->channel, -1, SQLITE_STATIC);
    vt__store_bind_text(st, 6, r->client_addr);
    sqlite3_bind_text(st, 7, r->submitted_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, r->body, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, r->content_sha256, -1, SQLITE_STATIC);
    vt__store_bind_text(st, 11, r->status);
    vt__store_bind_id(st, 12, r->case_id);
    sqlite3_bind_int64(st, 13, r->ledger_seq);
    if (r->acknowledged_ms > 0)
        sqlite3_bind_int64(st, 14, r->acknowledged_ms);
    else
        sqlite3_bind_null(st, 14);
    return vt__store_step_done(w, st, err, "storing a report");
}

int vt_store_report_finish(vt_store *w, const char *id, const char *body, int64_t ledger_seq,
                           vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_report_finish, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ledger_seq);
    if (sqlite3_step(st) != SQLITE_DONE)
        error = vt__store_fail(w, err, "storing a report");
    else if (sqlite3_changes(vt__store_db(w)) == 0)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no report '%s'", id);
    sqlite3_reset(st);
    return error;
}

int vt_store_report_max_id(vt_store *s, char *out, size_t cap, bool *found, vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_report_max_id, &st, err);

    *found = false;
    if (cap)
        out[0] = '\0';
    if (error < 0)
        return error;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *id = vt__store_col_text(st, 0);

        if (id && cap) {
            size_t n = strlen(id);

            if (n >= cap)
                n = cap - 1;
            memcpy(out, id, n);
            out[n] = '\0';
            *found = true;
        }
    } else {
        error = vt__store_fail(s, err, "reading report ids");
    }
    sqlite3_reset(st);
    return error;
}

static void report_row_read(sqlite3_stmt *st, vt_store_report_row *r)
{
    memset(r, 0, sizeof(*r));
    r->id = vt__store_col_text(st, 0);
    r->org_id = sqlite3_column_int64(st, 1);
    r->received_ms = sqlite3_column_int64(st, 2);
    r->channel = vt__store_col_text(st, 3);
    r->client_addr = vt__store_col_text(st, 4);
    r->submitted_by = vt__store_col_text(st, 5);
    r->title = vt__store_col_text(st, 6);
    r->body = vt__store_col_text(st, 7);
    r->content_sha256 = vt__store_col_text(st, 8);
    r->status = vt__store_col_text(st, 9);
    r->case_id = sqlite3_column_int64(st, 10);
    r->case_ref = vt__store_col_text(st, 11);
    r->ledger_seq = sqlite3_column_int64(st, 12);
    r->acknowledged_ms = sqlite3_column_int64(st, 13);
}

int vt_store_report_get(vt_store *s, const char *id,
                        int (*each)(void *ctx, const vt_store_report_row *r), void *ctx,
                        vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_report_get, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        vt_store_report_row r;

        report_row_read(st, &r);
        error = each(ctx, &r);
    } else if (rc == SQLITE_DONE) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no report '%s'", id);
    } else {
        error = vt__store_fail(s, err, "reading a report");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_report_each(vt_store *s, int64_t org_id, const char *status, const char *before_id,
                         long limit, int (*each)(void *ctx, const vt_store_report_row *r),
                         void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql_report_each, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id > 0 ? org_id : 0);
    vt__store_bind_text(st, 2, status);
    vt__store_bind_text(st, 3, before_id);
    sqlite3_bind_int64(st, 4, limit > 0 ? limit : -1);
    while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_store_report_row r;

        report_row_read(st, &r);
        error = each(ctx, &r);
    }
    if (!error && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading reports");
    sqlite3_reset(st);
    return error;
}

int vt_store_message_insert(vt_store *w, const vt_store_message_row *m, int64_t *id,
                            vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_message_insert, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, m->report_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, m->received_ms);
    sqlite3_bind_text(st, 3, m->author, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m->body, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m->content_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, m->ledger_seq);
    if (sqlite3_step(st) != SQLITE_DONE)
        error = vt__store_fail(w, err, "storing a message");
    else
        *id = sqlite3_last_insert_rowid(vt__store_db(w));
    sqlite3_reset(st);
    return error;
}

int vt_store_message_set_seq(vt_store *w, int64_t id, int64_t ledger_seq, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_message_seq, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, ledger_seq);
    return vt__store_step_done(w, st, err, "storing a message");
}

int vt_store_message_each(vt_store *s, const char *report_id,
                          int (*each)(void *ctx, const vt_store_message_row *m), void *ctx,
                          vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql_message_each, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, report_id, -1, SQLITE_STATIC);
    while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_store_message_row m;

        m.id = sqlite3_column_int64(st, 0);
        m.report_id = vt__store_col_text(st, 1);
        m.received_ms = sqlite3_column_int64(st, 2);
        m.author = vt__store_col_text(st, 3);
        m.body = vt__store_col_text(st, 4);
        m.content_sha256 = vt__store_col_text(st, 5);
        m.ledger_seq = sqlite3_column_int64(st, 6);
        error = each(ctx, &m);
    }
    if (!error && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading messages");
    sqlite3_reset(st);
    return error;
}

int vt_store_attachment_insert(vt_store *w, const vt_store_attachment_row *a, int64_t *id,
                               vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_attachment_insert, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, a->report_id, -1, SQLITE_STATIC);
    vt__store_bind_id(st, 2, a->message_id);
    sqlite3_bind_text(st, 3, a->filename, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->media_type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->classification, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, a->size);
    sqlite3_bind_text(st, 7, a->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 8, a->content, (sqlite3_uint64)a->size, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        error = vt__store_fail(w, err, "storing an attachment");
    else
        *id = sqlite3_last_insert_rowid(vt__store_db(w));
    sqlite3_reset(st);
    return error;
}

static void attachment_row_read(sqlite3_stmt *st, vt_store_attachment_row *a, bool content)
{
    memset(a, 0, sizeof(*a));
    a->id = sqlite3_column_int64(st, 0);
    a->report_id = vt__store_col_text(st, 1);
    a->message_id = sqlite3_column_int64(st, 2);
    a->filename = vt__store_col_text(st, 3);
    a->media_type = vt__store_col_text(st, 4);
    a->classification = vt__store_col_text(st, 5);
    a->size = sqlite3_column_int64(st, 6);
    a->sha256 = vt__store_col_text(st, 7);
    if (content) {
        a->content = sqlite3_column_blob(st, 8);
        /* The blob's own length wins over the size column. */
        a->size = sqlite3_column_bytes(st, 8);
    }
}

int vt_store_attachment_each(vt_store *s, const char *report_id,
                             int (*each)(void *ctx, const vt_store_attachment_row *a), void *ctx,
                             vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql_attachment_each, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, report_id, -1, SQLITE_STATIC);
    while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_store_attachment_row a;

        attachment_row_read(st, &a, false);
        error = each(ctx, &a);
    }
    if (!error && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading attachments");
    sqlite3_reset(st);
    return error;
}

int vt_store_attachment_get(vt_store *s, const char *report_id, int64_t id,
                            int (*each)(void *ctx, const vt_store_attachment_row *a), void *ctx,
                            vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_attachment_get, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, report_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        vt_store_attachment_row a;

        attachment_row_read(st, &a, true);
        error = each(ctx, &a);
    } else if (rc == SQLITE_DONE) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no attachment %lld of report '%s'",
                             (long long)id, report_id);
    } else {
        error = vt__store_fail(s, err, "reading an attachment");
    }
    sqlite3_reset(st);
    return error;
}

static int org_scalar(vt_store *s, const char *sql, const char *slug, int64_t *org_id,
                      vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql, &st, err);

    *org_id = 0;
    if (error < 0)
        return error;
    if (slug)
        sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *org_id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading organisations");
    sqlite3_reset(st);
    return error;
}

int vt_store_org_id_by_slug(vt_store *s, const char *slug, int64_t *org_id, vt_error *err)
{
    return org_scalar(s, sql_org_by_slug, slug, org_id, err);
}

int vt_store_intake_org(vt_store *s, const char *slug, int64_t *org_id, vt_error *err)
{
    int error = 0;

    *org_id = 0;
    if (slug && *slug)
        error = org_scalar(s, sql_org_by_slug, slug, org_id, err);
    if (error == 0 && *org_id == 0)
        error = org_scalar(s, sql_org_first, NULL, org_id, err);
    return error;
}

int vt_store_org_slug(vt_store *s, int64_t id, char *out, size_t cap, vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_org_slug, &st, err);

    if (cap)
        out[0] = '\0';
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *slug = vt__store_col_text(st, 0);
        size_t n = slug ? strlen(slug) : 0;

        if (cap) {
            if (n >= cap)
                n = cap - 1;
            memcpy(out, slug ? slug : "", n);
            out[n] = '\0';
        }
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "reading an organisation");
    }
    sqlite3_reset(st);
    return error;
}
