/*
 * sqlite_advisories.c - rows of `published_advisories` (store_advisories.h).
 */
#include <string.h>

#include "store/store_internal.h"
#include "vulntrack/store_advisories.h"

static const char sql_insert[] =
    "INSERT INTO published_advisories (case_id, tracking_id, revision, category, document, "
    "sha512, published_ms, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_each[] =
    "SELECT a.id, a.case_id, c.ref, c.org_id, a.tracking_id, a.revision, a.category, a.document, "
    "a.sha512, a.published_ms, a.actor FROM published_advisories a "
    "JOIN cases c ON c.id = a.case_id "
    "WHERE (?1 IS NULL OR a.tracking_id = ?1) AND (?2 IS NULL OR a.category = ?2) "
    "AND (?3 = 0 OR a.case_id = ?3) AND (?4 = 0 OR c.org_id = ?4) "
    "AND (?5 = 0 OR a.revision = (SELECT MAX(b.revision) FROM published_advisories b "
    "WHERE b.tracking_id = a.tracking_id AND b.category = a.category)) "
    "ORDER BY a.tracking_id, a.category, a.revision";

int vt_store_advisory_insert(vt_store *w, const vt_advisory_row *r, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_insert, &st, err);
    int rc;

    if (error)
        return error;
    sqlite3_bind_int64(st, 1, r->case_id);
    vt__store_bind_text(st, 2, r->tracking_id);
    sqlite3_bind_int64(st, 3, r->revision);
    vt__store_bind_text(st, 4, r->category);
    vt__store_bind_text(st, 5, r->document);
    vt__store_bind_text(st, 6, r->sha512);
    sqlite3_bind_int64(st, 7, r->published_ms);
    vt__store_bind_text(st, 8, r->actor);
    rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT) {
        sqlite3_reset(st);
        return vt_error_set_field(err, VT_EINVALID, "/revision",
                                  "revision %lld of %s is already published",
                                  (long long)r->revision, r->tracking_id);
    }
    if (rc != SQLITE_DONE) {
        error = vt__store_fail(w, err, "storing a published advisory");
        sqlite3_reset(st);
        return error;
    }
    sqlite3_reset(st);
    return 0;
}

int vt_store_advisory_each(vt_store *s, const vt_advisory_filter *f,
                           int (*each)(void *ctx, const vt_advisory_row *r), void *ctx,
                           vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql_each, &st, err);
    int rc;

    if (error)
        return error;
    vt__store_bind_text(st, 1, f->tracking_id);
    vt__store_bind_text(st, 2, f->category);
    sqlite3_bind_int64(st, 3, f->case_id);
    sqlite3_bind_int64(st, 4, f->org_id);
    sqlite3_bind_int(st, 5, f->latest_only ? 1 : 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_advisory_row r;
        r.id = sqlite3_column_int64(st, 0);
        r.case_id = sqlite3_column_int64(st, 1);
        r.case_ref = vt__store_col_text_or_empty(st, 2);
        r.org_id = sqlite3_column_int64(st, 3);
        r.tracking_id = vt__store_col_text_or_empty(st, 4);
        r.revision = sqlite3_column_int64(st, 5);
        r.category = vt__store_col_text_or_empty(st, 6);
        r.document = vt__store_col_text_or_empty(st, 7);
        r.sha512 = vt__store_col_text_or_empty(st, 8);
        r.published_ms = sqlite3_column_int64(st, 9);
        r.actor = vt__store_col_text_or_empty(st, 10);
        error = each(ctx, &r);
        if (error) {
            sqlite3_reset(st);
            return error;
        }
    }
    if (rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading published advisories");
    sqlite3_reset(st);
    return error;
}
