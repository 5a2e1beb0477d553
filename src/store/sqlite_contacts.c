/*
 * sqlite_contacts.c - rows of `contacts`: insert, rewrite, disable, read
 * one, load an organisation's active ones. Validation is in
 * src/domain/contacts.c.
 */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/contacts.h"

#define COLUMNS                                                                                    \
    "id, org_id, ifnull(product_id, 0), versions, role, name, country, is_product_provider,"       \
    " channel, address, secret, created_ms, ifnull(disabled_ms, 0)"

/* Fill `c` from the current row (COLUMNS order). Returns 0 or VT_ENOMEM. */
static int read_row(sqlite3_stmt *st, vt_contact *c)
{
    bool oom = false;

    c->id = sqlite3_column_int64(st, 0);
    c->org_id = sqlite3_column_int64(st, 1);
    c->product_id = sqlite3_column_int64(st, 2);
    c->versions = vt__store_col_dup(st, 3, &oom);
    snprintf(c->role, sizeof(c->role), "%s", vt__store_col_text_or_empty(st, 4));
    c->name = vt__store_col_dup(st, 5, &oom);
    snprintf(c->country, sizeof(c->country), "%s", vt__store_col_text_or_empty(st, 6));
    c->is_product_provider = sqlite3_column_int(st, 7) != 0;
    snprintf(c->channel, sizeof(c->channel), "%s", vt__store_col_text_or_empty(st, 8));
    c->address = vt__store_col_dup(st, 9, &oom);
    c->secret = vt__store_col_dup(st, 10, &oom);
    c->created_ms = sqlite3_column_int64(st, 11);
    c->disabled_ms = sqlite3_column_int64(st, 12);
    if (oom || !c->name || !c->address) {
        vt_contact_dispose(c);
        return VT_ENOMEM;
    }
    return 0;
}

/* Bind the writable columns of `c` as ?2..?11 (role .. secret, product, versions). */
static void bind_fields(sqlite3_stmt *st, const vt_contact *c)
{
    vt__store_bind_id(st, 2, c->product_id);
    vt__store_bind_text(st, 3, c->versions);
    vt__store_bind_text(st, 4, c->role);
    vt__store_bind_text(st, 5, c->name);
    vt__store_bind_text(st, 6, c->country);
    sqlite3_bind_int(st, 7, c->is_product_provider ? 1 : 0);
    vt__store_bind_text(st, 8, c->channel);
    vt__store_bind_text(st, 9, c->address);
    vt__store_bind_text(st, 10, c->secret);
}

/* Is `product_id` (0: none) a product of organisation `org_id`? */
static int check_product(vt_store *w, int64_t org_id, int64_t product_id, vt_error *err)
{
    static const char sql[] = "SELECT 1 FROM products WHERE id = ?1 AND org_id = ?2";
    sqlite3_stmt *st;
    int error, rc;

    if (!product_id)
        return 0;
    error = vt__store_prepare(w, sql, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, org_id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc != SQLITE_DONE)
        return vt__store_fail(w, err, "reading a product");
    return vt_error_set_field(err, VT_EINVALID, "/product_id",
                              "no product %lld in this organisation", (long long)product_id);
}

int vt_contact_insert(vt_store *w, vt_contact *c, int64_t now_ms, vt_error *err)
{
    static const char sql[] =
        "INSERT INTO contacts (org_id, product_id, versions, role, name, country,"
        " is_product_provider, channel, address, secret, created_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    sqlite3_stmt *st;
    int error = check_product(w, c->org_id, c->product_id, err);

    if (error < 0)
        return error;
    error = vt__store_prepare(w, sql, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, c->org_id);
    bind_fields(st, c);
    sqlite3_bind_int64(st, 11, now_ms);
    error = vt__store_step_done(w, st, err, "storing a contact");
    if (error < 0)
        return error;
    c->id = sqlite3_last_insert_rowid(vt__store_db(w));
    c->created_ms = now_ms;
    return 0;
}

int vt_contact_save(vt_store *w, const vt_contact *c, vt_error *err)
{
    static const char sql[] =
        "UPDATE contacts SET product_id = ?2, versions = ?3, role = ?4, name = ?5,"
        " country = ?6, is_product_provider = ?7, channel = ?8, address = ?9, secret = ?10"
        " WHERE id = ?1 AND disabled_ms IS NULL";
    sqlite3_stmt *st;
    int error = check_product(w, c->org_id, c->product_id, err);

    if (error < 0)
        return error;
    error = vt__store_prepare(w, sql, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, c->id);
    bind_fields(st, c);
    error = vt__store_step_done(w, st, err, "updating a contact");
    if (error < 0)
        return error;
    if (sqlite3_changes(vt__store_db(w)) == 0)
        return vt_error_set(err, VT_ENOTFOUND, 0, "no contact %lld", (long long)c->id);
    return 0;
}

int vt_contact_disable(vt_store *w, int64_t id, int64_t now_ms, vt_error *err)
{
    static const char sql[] =
        "UPDATE contacts SET disabled_ms = ?2 WHERE id = ?1 AND disabled_ms IS NULL";
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now_ms);
    error = vt__store_step_done(w, st, err, "disabling a contact");
    if (error < 0)
        return error;
    if (sqlite3_changes(vt__store_db(w)) == 0)
        return vt_error_set(err, VT_ENOTFOUND, 0, "no contact %lld", (long long)id);
    return 0;
}

int vt_contact_get(vt_store *s, int64_t id, vt_contact *out, vt_error *err)
{
    static const char sql[] = "SELECT " COLUMNS " FROM contacts WHERE id = ?1";
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err), rc;

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        error = read_row(st, out);
    else if (rc == SQLITE_DONE)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no contact %lld", (long long)id);
    else
        error = vt__store_fail(s, err, "reading a contact");
    sqlite3_reset(st);
    if (error == VT_ENOMEM)
        vt_error_set(err, error, 0, "reading a contact");
    return error;
}

void vt_contacts_free(vt_contact *arr, size_t n)
{
    size_t i;

    if (!arr)
        return;
    for (i = 0; i < n; i++)
        vt_contact_dispose(&arr[i]);
    vt_free(arr);
}

int vt_contacts_load(vt_store *s, int64_t org_id, vt_contact **out, size_t *n, vt_error *err)
{
    static const char sql[] = "SELECT " COLUMNS " FROM contacts WHERE disabled_ms IS NULL"
                              " AND (?1 = 0 OR org_id = ?1) ORDER BY id";
    sqlite3_stmt *st;
    vt_contact *arr = NULL, *grown;
    size_t len = 0, cap = 0;
    int error = vt__store_prepare(s, sql, &st, err), rc;

    *out = NULL;
    *n = 0;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, org_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8;
            grown = vt_realloc(arr, cap * sizeof(*arr));
            if (!grown)
                goto oom;
            arr = grown;
        }
        memset(&arr[len], 0, sizeof(arr[len]));
        if (read_row(st, &arr[len]) < 0)
            goto oom;
        len++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        vt_contacts_free(arr, len);
        return vt__store_fail(s, err, "listing contacts");
    }
    *out = arr;
    *n = len;
    return 0;
oom:
    sqlite3_reset(st);
    vt_contacts_free(arr, len);
    return vt_error_set(err, VT_ENOMEM, 0, "listing contacts");
}
