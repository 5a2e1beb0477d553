/*
 * sqlite_products.c - store_products.h on SQLite: the `products` and
 * `product_versions` tables of migration 2, and the lookup of cases opened
 * from scan findings by the `source_finding` object of cases.doc.
 */
#include <string.h>

#include <sqlite3.h>

#include "store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/store_products.h"

void vt_product_dispose(vt_product *p)
{
    if (!p)
        return;
    vt_free(p->name);
    vt_free(p->model);
    vt_free(p->type);
    vt_free(p->support_status);
    memset(p, 0, sizeof(*p));
}

void vt_product_version_dispose(vt_product_version *v)
{
    if (!v)
        return;
    vt_free(v->version);
    vt_free(v->support_status);
    vt_free(v->sbom_format);
    vt_free(v->sbom_sha256);
    memset(v, 0, sizeof(*v));
}

/* ------------------------------------------------------------------------ */
/* Products */

static const char sql_product_insert[] =
    "INSERT INTO products (org_id, name, model, type, support_status, created_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_product_update[] =
    "UPDATE products SET name = ?2, model = ?3, type = ?4, support_status = ?5 WHERE id = ?1";
static const char sql_product_get[] =
    "SELECT id, org_id, name, model, type, support_status, created_ms FROM products "
    "WHERE id = ?1";
static const char sql_product_find[] =
    "SELECT id FROM products WHERE org_id = ?1 AND name = ?2 AND model = ?3";
static const char sql_product_list_org[] =
    "SELECT id, org_id, name, model, type, support_status, created_ms FROM products "
    "WHERE org_id = ?1 ORDER BY name, model, id";
static const char sql_product_list_all[] =
    "SELECT id, org_id, name, model, type, support_status, created_ms FROM products "
    "ORDER BY org_id, name, model, id";

/* Read a product row (the column order of sql_product_get) into *p. */
static int product_from_row(sqlite3_stmt *st, vt_product *p, vt_error *err)
{
    bool oom = false;

    p->id = sqlite3_column_int64(st, 0);
    p->org_id = sqlite3_column_int64(st, 1);
    p->name = vt__store_col_dup(st, 2, &oom);
    p->model = vt__store_col_dup(st, 3, &oom);
    p->type = vt__store_col_dup(st, 4, &oom);
    p->support_status = vt__store_col_dup(st, 5, &oom);
    p->created_ms = sqlite3_column_int64(st, 6);
    if (oom) {
        vt_product_dispose(p);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory reading a product");
    }
    return 0;
}

/* A UNIQUE violation is the caller's input; anything else is the store's. */
static int product_write_fail(vt_store *s, vt_error *err, const vt_product *p)
{
    if (sqlite3_extended_errcode(vt__store_db(s)) == SQLITE_CONSTRAINT_UNIQUE)
        return vt_error_set_field(err, VT_EINVALID, "/name",
                                  "a product named '%s' model '%s' already exists", p->name,
                                  p->model ? p->model : "");
    return vt__store_fail(s, err, "writing a product");
}

int vt_store_product_insert(vt_store *s, vt_product *p, vt_error *err)
{
    sqlite3_stmt *st;
    int error;

    error = vt__store_prepare(s, sql_product_insert, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, p->org_id);
    vt__store_bind_text(st, 2, p->name);
    vt__store_bind_text(st, 3, p->model ? p->model : "");
    vt__store_bind_text(st, 4, p->type);
    vt__store_bind_text(st, 5, p->support_status ? p->support_status : "supported");
    sqlite3_bind_int64(st, 6, p->created_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
        error = product_write_fail(s, err, p);
        sqlite3_reset(st);
        return error;
    }
    sqlite3_reset(st);
    p->id = sqlite3_last_insert_rowid(vt__store_db(s));
    return 0;
}

int vt_store_product_update(vt_store *s, const vt_product *p, vt_error *err)
{
    sqlite3_stmt *st;
    int error;

    error = vt__store_prepare(s, sql_product_update, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, p->id);
    vt__store_bind_text(st, 2, p->name);
    vt__store_bind_text(st, 3, p->model ? p->model : "");
    vt__store_bind_text(st, 4, p->type);
    vt__store_bind_text(st, 5, p->support_status);
    if (sqlite3_step(st) != SQLITE_DONE) {
        error = product_write_fail(s, err, p);
        sqlite3_reset(st);
        return error;
    }
    sqlite3_reset(st);
    if (sqlite3_changes(vt__store_db(s)) == 0)
        return vt_error_set(err, VT_ENOTFOUND, 0, "no product %lld", (long long)p->id);
    return 0;
}

int vt_store_product_get(vt_store *s, int64_t id, vt_product *out, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    memset(out, 0, sizeof(*out));
    error = vt__store_prepare(s, sql_product_get, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        error = product_from_row(st, out, err);
    else if (rc == SQLITE_DONE)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no product %lld", (long long)id);
    else
        error = vt__store_fail(s, err, "reading a product");
    sqlite3_reset(st);
    return error;
}

int vt_store_product_find(vt_store *s, int64_t org_id, const char *name, const char *model,
                          int64_t *id, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    *id = 0;
    error = vt__store_prepare(s, sql_product_find, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    vt__store_bind_text(st, 2, name);
    vt__store_bind_text(st, 3, model ? model : "");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "looking up a product");
    sqlite3_reset(st);
    return error;
}

int vt_store_product_list(vt_store *s, int64_t org_id, int (*each)(void *ctx, const vt_product *p),
                          void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    error = vt__store_prepare(s, org_id ? sql_product_list_org : sql_product_list_all, &st, err);
    if (error < 0)
        return error;
    if (org_id)
        sqlite3_bind_int64(st, 1, org_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_product p = VT_PRODUCT_INIT;

        error = product_from_row(st, &p, err);
        if (error == 0)
            error = each(ctx, &p);
        vt_product_dispose(&p);
        if (error < 0)
            break;
    }
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "listing products");
    sqlite3_reset(st);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Versions */

static const char sql_version_get[] =
    "SELECT product_id, version, support_status, sbom_format, sbom_sha256, components, "
    "imported_ms, sbom FROM product_versions WHERE product_id = ?1 AND version = ?2";
static const char sql_version_list[] =
    "SELECT product_id, version, support_status, sbom_format, sbom_sha256, components, "
    "imported_ms FROM product_versions WHERE product_id = ?1 ORDER BY version";
static const char sql_version_insert[] =
    "INSERT OR IGNORE INTO product_versions (product_id, version, support_status) "
    "VALUES (?1, ?2, ?3)";
static const char sql_version_status[] =
    "UPDATE product_versions SET support_status = ?3 WHERE product_id = ?1 AND version = ?2";
static const char sql_version_sbom[] =
    "UPDATE product_versions SET sbom_format = ?3, sbom = ?4, sbom_sha256 = ?5, "
    "components = ?6, imported_ms = ?7 WHERE product_id = ?1 AND version = ?2";

/* Read a version row (the column order of sql_version_get, first 7) into *v. */
static int version_from_row(sqlite3_stmt *st, vt_product_version *v, vt_error *err)
{
    bool oom = false;

    v->product_id = sqlite3_column_int64(st, 0);
    v->version = vt__store_col_dup(st, 1, &oom);
    v->support_status = vt__store_col_dup(st, 2, &oom);
    v->sbom_format = vt__store_col_dup(st, 3, &oom);
    v->sbom_sha256 = vt__store_col_dup(st, 4, &oom);
    v->components = (long)sqlite3_column_int64(st, 5);
    v->imported_ms = sqlite3_column_int64(st, 6);
    if (oom) {
        vt_product_version_dispose(v);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory reading a product version");
    }
    return 0;
}

int vt_store_product_version_get(vt_store *s, int64_t product_id, const char *version,
                                 vt_product_version *out, char **sbom, size_t *sbom_len,
                                 vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    memset(out, 0, sizeof(*out));
    if (sbom)
        *sbom = NULL;
    if (sbom_len)
        *sbom_len = 0;
    error = vt__store_prepare(s, sql_version_get, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, product_id);
    vt__store_bind_text(st, 2, version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        error = version_from_row(st, out, err);
        if (error == 0 && sbom && sqlite3_column_type(st, 7) != SQLITE_NULL) {
            size_t n = (size_t)sqlite3_column_bytes(st, 7);
            const unsigned char *t = sqlite3_column_text(st, 7);

            *sbom = t ? vt_strndup((const char *)t, n) : NULL;
            if (!*sbom) {
                vt_product_version_dispose(out);
                error = vt_error_set(err, VT_ENOMEM, 0, "out of memory reading an SBOM");
            } else if (sbom_len) {
                *sbom_len = n;
            }
        }
    } else if (rc == SQLITE_DONE) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "product %lld has no version '%s'",
                             (long long)product_id, version);
    } else {
        error = vt__store_fail(s, err, "reading a product version");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_product_version_list(vt_store *s, int64_t product_id,
                                  int (*each)(void *ctx, const vt_product_version *v), void *ctx,
                                  vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    error = vt__store_prepare(s, sql_version_list, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, product_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_product_version v = VT_PRODUCT_VERSION_INIT;

        error = version_from_row(st, &v, err);
        if (error == 0)
            error = each(ctx, &v);
        vt_product_version_dispose(&v);
        if (error < 0)
            break;
    }
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "listing product versions");
    sqlite3_reset(st);
    return error;
}

int vt_store_product_version_upsert(vt_store *s, int64_t product_id, const char *version,
                                    const char *support_status, bool *created, vt_error *err)
{
    sqlite3_stmt *st;
    int error;
    bool inserted;

    error = vt__store_prepare(s, sql_version_insert, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, product_id);
    vt__store_bind_text(st, 2, version);
    vt__store_bind_text(st, 3, support_status ? support_status : "supported");
    if (sqlite3_step(st) != SQLITE_DONE) {
        error = vt__store_fail(s, err, "adding a product version");
        sqlite3_reset(st);
        return error;
    }
    sqlite3_reset(st);
    inserted = sqlite3_changes(vt__store_db(s)) > 0;
    if (created)
        *created = inserted;
    if (inserted || !support_status)
        return 0;
    error = vt__store_prepare(s, sql_version_status, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, product_id);
    vt__store_bind_text(st, 2, version);
    vt__store_bind_text(st, 3, support_status);
    return vt__store_step_done(s, st, err, "updating a product version");
}

int vt_store_product_version_set_sbom(vt_store *s, int64_t product_id, const char *version,
                                      const char *format, const char *sbom, size_t len,
                                      const char *sha256, long components, int64_t imported_ms,
                                      vt_error *err)
{
    sqlite3_stmt *st;
    int error;

    if (len > (size_t)INT32_MAX)
        return vt_error_set(err, VT_ETOOBIG, 0, "SBOM of %zu bytes is too large to store", len);
    error = vt__store_prepare(s, sql_version_sbom, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, product_id);
    vt__store_bind_text(st, 2, version);
    vt__store_bind_text(st, 3, format);
    sqlite3_bind_text(st, 4, sbom, (int)len, SQLITE_TRANSIENT);
    vt__store_bind_text(st, 5, sha256);
    sqlite3_bind_int64(st, 6, components);
    sqlite3_bind_int64(st, 7, imported_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
        error = vt__store_fail(s, err, "storing an SBOM");
        sqlite3_reset(st);
        return error;
    }
    sqlite3_reset(st);
    if (sqlite3_changes(vt__store_db(s)) == 0)
        return vt_error_set(err, VT_ENOTFOUND, 0, "product %lld has no version '%s'",
                            (long long)product_id, version);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Cases opened from findings */

/*
 * The link lives in the case's JSON document, not in a column (migration 3
 * has none, and a link column is not worth a migration yet): a case's doc
 * has source_finding {product_id, version, advisory_id}. The organisation
 * filter uses cases_by_org_state; the JSON test runs on that org's cases.
 */
static const char sql_case_for_finding[] =
    "SELECT ref FROM cases WHERE org_id = ?1 "
    "AND json_extract(doc, '$.source_finding.product_id') = ?2 "
    "AND json_extract(doc, '$.source_finding.version') = ?3 "
    "AND json_extract(doc, '$.source_finding.advisory_id') = ?4 "
    "ORDER BY id LIMIT 1";
static const char sql_cases_of_version[] =
    "SELECT json_extract(doc, '$.source_finding.advisory_id'), ref FROM cases "
    "WHERE org_id = ?1 AND json_extract(doc, '$.source_finding.product_id') = ?2 "
    "AND json_extract(doc, '$.source_finding.version') = ?3 ORDER BY id";

int vt_store_product_case_for_finding(vt_store *s, int64_t org_id, int64_t product_id,
                                      const char *version, const char *advisory_id, bool *found,
                                      char ref[32], vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    *found = false;
    ref[0] = '\0';
    error = vt__store_prepare(s, sql_case_for_finding, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, product_id);
    vt__store_bind_text(st, 3, version);
    vt__store_bind_text(st, 4, advisory_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        size_t n = t ? (size_t)sqlite3_column_bytes(st, 0) : 0;

        if (n > 31)
            n = 31;
        if (t)
            memcpy(ref, t, n);
        ref[n] = '\0';
        *found = true;
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "looking up the case of a finding");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_product_cases_of_version(
    vt_store *s, int64_t org_id, int64_t product_id, const char *version,
    int (*each)(void *ctx, const char *advisory_id, const char *ref), void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    error = vt__store_prepare(s, sql_cases_of_version, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, product_id);
    vt__store_bind_text(st, 3, version);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *id = sqlite3_column_text(st, 0);
        const unsigned char *ref = sqlite3_column_text(st, 1);

        if (!id || !ref)
            continue;
        error = each(ctx, (const char *)id, (const char *)ref);
        if (error < 0)
            break;
    }
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "listing the cases of a product version");
    sqlite3_reset(st);
    return error;
}
