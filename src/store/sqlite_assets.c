/*
 * sqlite_assets.c - store_assets.h on SQLite: the assets table of
 * migration 5, the latest revisions of the published CSAF advisories, and
 * the operator cases opened from asset findings. Like the product
 * findings' cases (sqlite_products.c), the link is cases.doc's
 * source_finding object, not a column.
 */
#include <string.h>

#include <sqlite3.h>

#include "store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/store_assets.h"

void vt_asset_dispose(vt_asset *a)
{
    if (!a)
        return;
    vt_free(a->name);
    vt_free(a->vendor);
    vt_free(a->product);
    vt_free(a->version);
    vt_free(a->purl);
    vt_free(a->sbom);
    vt_free(a->publicly_exposed);
    vt_free(a->identifiers);
    memset(a, 0, sizeof(*a));
}

#define ASSET_COLUMNS                                                                              \
    "id, org_id, name, vendor, product, version, purl, sbom, publicly_exposed, next_upgrade_ms, "  \
    "identifiers, created_ms"

static const char sql_asset_insert[] =
    "INSERT INTO assets (org_id, name, vendor, product, version, purl, sbom, publicly_exposed, "
    "next_upgrade_ms, identifiers, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11)";
static const char sql_asset_update[] =
    "UPDATE assets SET name = ?2, vendor = ?3, product = ?4, version = ?5, purl = ?6, sbom = ?7, "
    "publicly_exposed = ?8, next_upgrade_ms = ?9, identifiers = ?10 WHERE id = ?1";
static const char sql_asset_delete[] = "DELETE FROM assets WHERE id = ?1";
static const char sql_asset_get[] = "SELECT " ASSET_COLUMNS " FROM assets WHERE id = ?1";
static const char sql_asset_find[] = "SELECT id FROM assets WHERE org_id = ?1 AND name = ?2";
static const char sql_asset_list_all[] = "SELECT " ASSET_COLUMNS " FROM assets ORDER BY id";
static const char sql_asset_list_org[] =
    "SELECT " ASSET_COLUMNS " FROM assets WHERE org_id = ?1 ORDER BY id";

/* Bind the columns both INSERT and UPDATE set, from ?2 (name) to ?10. */
static void bind_fields(sqlite3_stmt *st, const vt_asset *a)
{
    vt__store_bind_text(st, 2, a->name);
    vt__store_bind_text(st, 3, a->vendor);
    vt__store_bind_text(st, 4, a->product);
    vt__store_bind_text(st, 5, a->version);
    vt__store_bind_text(st, 6, a->purl);
    vt__store_bind_text(st, 7, a->sbom);
    vt__store_bind_text(st, 8, a->publicly_exposed ? a->publicly_exposed : "unknown");
    vt__store_bind_id(st, 9, a->next_upgrade_ms);
    vt__store_bind_text(st, 10, a->identifiers ? a->identifiers : "[]");
}

int vt_store_asset_insert(vt_store *s, vt_asset *a, vt_error *err)
{
    sqlite3_stmt *st;
    int error;

    error = vt__store_prepare(s, sql_asset_insert, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, a->org_id);
    bind_fields(st, a);
    sqlite3_bind_int64(st, 11, a->created_ms);
    error = vt__store_step_done(s, st, err, "storing an asset");
    if (error == 0)
        a->id = sqlite3_last_insert_rowid(vt__store_db(s));
    return error;
}

int vt_store_asset_update(vt_store *s, const vt_asset *a, vt_error *err)
{
    sqlite3_stmt *st;
    int error;

    error = vt__store_prepare(s, sql_asset_update, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, a->id);
    bind_fields(st, a);
    error = vt__store_step_done(s, st, err, "updating an asset");
    if (error == 0 && sqlite3_changes(vt__store_db(s)) == 0)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no asset %lld", (long long)a->id);
    return error;
}

int vt_store_asset_delete(vt_store *s, int64_t id, vt_error *err)
{
    sqlite3_stmt *st;
    int error;

    error = vt__store_prepare(s, sql_asset_delete, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    error = vt__store_step_done(s, st, err, "deleting an asset");
    if (error == 0 && sqlite3_changes(vt__store_db(s)) == 0)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no asset %lld", (long long)id);
    return error;
}

/* Copy the current row into *a; false when out of memory (a disposed). */
static bool row_copy(sqlite3_stmt *st, vt_asset *a)
{
    bool oom = false;

    a->id = sqlite3_column_int64(st, 0);
    a->org_id = sqlite3_column_int64(st, 1);
    a->name = vt__store_col_dup(st, 2, &oom);
    a->vendor = vt__store_col_dup(st, 3, &oom);
    a->product = vt__store_col_dup(st, 4, &oom);
    a->version = vt__store_col_dup(st, 5, &oom);
    a->purl = vt__store_col_dup(st, 6, &oom);
    a->sbom = vt__store_col_dup(st, 7, &oom);
    a->publicly_exposed = vt__store_col_dup(st, 8, &oom);
    a->next_upgrade_ms = sqlite3_column_int64(st, 9);
    a->identifiers = vt__store_col_dup(st, 10, &oom);
    a->created_ms = sqlite3_column_int64(st, 11);
    if (!oom && (!a->name || !a->publicly_exposed || !a->identifiers))
        oom = true; /* NOT NULL columns: only allocation can leave them NULL */
    if (oom)
        vt_asset_dispose(a);
    return !oom;
}

int vt_store_asset_get(vt_store *s, int64_t id, vt_asset *out, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    memset(out, 0, sizeof(*out));
    error = vt__store_prepare(s, sql_asset_get, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (!row_copy(st, out))
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    } else if (rc == SQLITE_DONE) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no asset %lld", (long long)id);
    } else {
        error = vt__store_fail(s, err, "reading an asset");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_asset_find(vt_store *s, int64_t org_id, const char *name, int64_t *id, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    *id = 0;
    error = vt__store_prepare(s, sql_asset_find, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    vt__store_bind_text(st, 2, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "looking up an asset");
    sqlite3_reset(st);
    return error;
}

int vt_store_asset_list(vt_store *s, int64_t org_id, int (*each)(void *ctx, const vt_asset *a),
                        void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc = SQLITE_DONE;

    error = vt__store_prepare(s, org_id ? sql_asset_list_org : sql_asset_list_all, &st, err);
    if (error < 0)
        return error;
    if (org_id)
        sqlite3_bind_int64(st, 1, org_id);
    while (error == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_asset a = VT_ASSET_INIT;

        if (!row_copy(st, &a)) {
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
            break;
        }
        error = each(ctx, &a);
        vt_asset_dispose(&a);
    }
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "listing assets");
    sqlite3_reset(st);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Published advisories and cases                                           */

static const char sql_published_csaf[] =
    "SELECT id, case_id, tracking_id, revision, category, document FROM published_advisories p "
    "WHERE category IN ('csaf_security_advisory', 'csaf_vex') AND revision = "
    "(SELECT MAX(revision) FROM published_advisories q WHERE q.tracking_id = p.tracking_id "
    "AND q.category = p.category) ORDER BY id";

int vt_store_published_csaf_list(vt_store *s,
                                 int (*each)(void *ctx, const vt_store_published_csaf *a),
                                 void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc = SQLITE_DONE;

    error = vt__store_prepare(s, sql_published_csaf, &st, err);
    if (error < 0)
        return error;
    while (error == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_store_published_csaf a;

        a.id = sqlite3_column_int64(st, 0);
        a.case_id = sqlite3_column_int64(st, 1);
        a.tracking_id = vt__store_col_text_or_empty(st, 2);
        a.revision = sqlite3_column_int64(st, 3);
        a.category = vt__store_col_text_or_empty(st, 4);
        a.document = vt__store_col_text_or_empty(st, 5);
        a.document_len = (size_t)sqlite3_column_bytes(st, 5);
        error = each(ctx, &a);
    }
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "listing published advisories");
    sqlite3_reset(st);
    return error;
}

static const char sql_asset_case[] =
    "SELECT ref FROM cases WHERE org_id = ?1 "
    "AND json_extract(doc, '$.source_finding.asset_id') = ?2 "
    "AND json_extract(doc, '$.source_finding.vulnerability') = ?3 ORDER BY id LIMIT 1";
static const char sql_asset_cases[] =
    "SELECT json_extract(doc, '$.source_finding.vulnerability'), ref FROM cases "
    "WHERE org_id = ?1 AND json_extract(doc, '$.source_finding.asset_id') = ?2 ORDER BY id";

int vt_store_asset_case_for_finding(vt_store *s, int64_t org_id, int64_t asset_id,
                                    const char *vulnerability, bool *found, char ref[32],
                                    vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    *found = false;
    ref[0] = '\0';
    error = vt__store_prepare(s, sql_asset_case, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, asset_id);
    vt__store_bind_text(st, 3, vulnerability);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *t = vt__store_col_text_or_empty(st, 0);
        size_t n = strlen(t);

        if (n > 31)
            n = 31;
        memcpy(ref, t, n);
        ref[n] = '\0';
        *found = true;
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "looking up the case of an asset finding");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_asset_cases(vt_store *s, int64_t org_id, int64_t asset_id,
                         int (*each)(void *ctx, const char *vulnerability, const char *ref),
                         void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc = SQLITE_DONE;

    error = vt__store_prepare(s, sql_asset_cases, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, asset_id);
    while (error == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        error = each(ctx, vt__store_col_text_or_empty(st, 0), vt__store_col_text_or_empty(st, 1));
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "listing the cases of an asset");
    sqlite3_reset(st);
    return error;
}
