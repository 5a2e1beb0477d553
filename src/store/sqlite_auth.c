/*
 * sqlite_auth.c - SQL for organisations, users, tokens and the lookup of a
 * report by its tracking-token hash (store_auth.h). Every function runs a
 * single statement, so each is atomic without opening a transaction of its
 * own and can run inside the server writer's transaction.
 */
#include <string.h>

#include "store/store_internal.h"
#include "vulntrack/store_auth.h"

/* A nullable integer column read as 0 when NULL. */
static int64_t col_i64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

/* SQLite's extended code of the last failure on `s`. */
static int last_ext_code(vt_store *s)
{
    return sqlite3_extended_errcode(vt__store_db(s));
}

/* ------------------------------------------------------------------------ */
/* Organisations */

#define ORG_COLUMNS "id, slug, name, kind, country, time_zone, profiles, flags, created_ms"

static void org_row(sqlite3_stmt *st, vt_store_org_row *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->slug = vt__store_col_text_or_empty(st, 1);
    r->name = vt__store_col_text_or_empty(st, 2);
    r->kind = vt__store_col_text_or_empty(st, 3);
    r->country = vt__store_col_text_or_empty(st, 4);
    r->time_zone = vt__store_col_text_or_empty(st, 5);
    r->profiles = vt__store_col_text_or_empty(st, 6);
    r->flags = vt__store_col_text_or_empty(st, 7);
    r->created_ms = sqlite3_column_int64(st, 8);
}

static const char SQL_ORG_INSERT[] =
    "INSERT INTO orgs (slug, name, kind, country, time_zone, profiles, flags, created_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

int vt_store_org_insert(vt_store *s, const vt_store_org_row *row, int64_t *id, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_ORG_INSERT, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, row->slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, row->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, row->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, row->country, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, row->time_zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, row->profiles, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, row->flags, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, row->created_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
        if (last_ext_code(s) == SQLITE_CONSTRAINT_UNIQUE) {
            sqlite3_reset(st);
            return vt_error_set_field(err, VT_EINVALID, "/slug",
                                      "an organisation with slug '%s' already exists",
                                      row->slug);
        }
        error = vt__store_fail(s, err, "cannot add the organisation");
        sqlite3_reset(st);
        return error;
    }
    *id = sqlite3_last_insert_rowid(vt__store_db(s));
    sqlite3_reset(st);
    return 0;
}

/* Step `st` and hand each row to `each`; resets `st` whatever happens. */
static int org_step_all(vt_store *s, sqlite3_stmt *st, bool *found,
                        int (*each)(void *ctx, const vt_store_org_row *r), void *ctx,
                        vt_error *err)
{
    vt_store_org_row r;
    int rc, error = 0;

    if (found)
        *found = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (found)
            *found = true;
        org_row(st, &r);
        error = each(ctx, &r);
        if (error < 0)
            break;
    }
    if (error >= 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "cannot read organisations");
    sqlite3_reset(st);
    return error;
}

static const char SQL_ORG_BY_SLUG[] = "SELECT " ORG_COLUMNS " FROM orgs WHERE slug = ?1";
static const char SQL_ORG_BY_ID[] = "SELECT " ORG_COLUMNS " FROM orgs WHERE id = ?1";

int vt_store_org_find(vt_store *s, const char *slug, int64_t id, bool *found,
                      int (*each)(void *ctx, const vt_store_org_row *r), void *ctx,
                      vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, slug ? SQL_ORG_BY_SLUG : SQL_ORG_BY_ID, &st, err);

    if (error < 0)
        return error;
    if (slug)
        sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id);
    return org_step_all(s, st, found, each, ctx, err);
}

static const char SQL_ORG_EACH[] =
    "SELECT " ORG_COLUMNS " FROM orgs WHERE ?1 IS NULL OR id = ?1 ORDER BY slug";

int vt_store_org_each(vt_store *s, int64_t only_id,
                      int (*each)(void *ctx, const vt_store_org_row *r), void *ctx,
                      vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_ORG_EACH, &st, err);

    if (error < 0)
        return error;
    vt__store_bind_id(st, 1, only_id);
    return org_step_all(s, st, NULL, each, ctx, err);
}

static const char SQL_ORG_UPDATE[] =
    "UPDATE orgs SET name = coalesce(?2, name), time_zone = coalesce(?3, time_zone), "
    "profiles = coalesce(?4, profiles), flags = coalesce(?5, flags) WHERE id = ?1";

int vt_store_org_update(vt_store *s, int64_t id, const char *name, const char *time_zone,
                        const char *profiles, const char *flags, bool *found, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_ORG_UPDATE, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    /* A NULL pointer binds SQL NULL, which coalesce() turns into "keep". */
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, time_zone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, profiles, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, flags, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        error = vt__store_fail(s, err, "cannot update the organisation");
        sqlite3_reset(st);
        return error;
    }
    *found = sqlite3_changes(vt__store_db(s)) > 0;
    sqlite3_reset(st);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Users */

#define USER_COLUMNS "id, org_id, name, role, password_hash, created_ms, disabled_ms"

static void user_row(sqlite3_stmt *st, vt_store_user_row *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->org_id = col_i64(st, 1);
    r->name = vt__store_col_text_or_empty(st, 2);
    r->role = vt__store_col_text_or_empty(st, 3);
    r->password_hash = vt__store_col_text_or_empty(st, 4);
    r->created_ms = sqlite3_column_int64(st, 5);
    r->disabled_ms = col_i64(st, 6);
}

static int user_step_all(vt_store *s, sqlite3_stmt *st, bool *found,
                         int (*each)(void *ctx, const vt_store_user_row *r), void *ctx,
                         vt_error *err)
{
    vt_store_user_row r;
    int rc, error = 0;

    if (found)
        *found = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (found)
            *found = true;
        user_row(st, &r);
        error = each(ctx, &r);
        if (error < 0)
            break;
    }
    if (error >= 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "cannot read users");
    sqlite3_reset(st);
    return error;
}

static const char SQL_USER_INSERT[] =
    "INSERT INTO users (org_id, name, role, password_hash, created_ms) "
    "SELECT ?1, ?2, ?3, ?4, ?5 WHERE ?1 IS NULL OR EXISTS (SELECT 1 FROM orgs WHERE id = ?1)";

int vt_store_user_insert(vt_store *s, const vt_store_user_row *row, int64_t *id, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_USER_INSERT, &st, err);

    if (error < 0)
        return error;
    vt__store_bind_id(st, 1, row->org_id);
    sqlite3_bind_text(st, 2, row->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, row->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, row->password_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, row->created_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
        if (last_ext_code(s) == SQLITE_CONSTRAINT_UNIQUE)
            error = vt_error_set_field(err, VT_EINVALID, "/name",
                                       "a user named '%s' already exists", row->name);
        else
            error = vt__store_fail(s, err, "cannot add the user");
        sqlite3_reset(st);
        return error;
    }
    if (sqlite3_changes(vt__store_db(s)) == 0) {
        sqlite3_reset(st);
        return vt_error_set_field(err, VT_EINVALID, "/org", "no organisation with id %lld",
                                  (long long)row->org_id);
    }
    *id = sqlite3_last_insert_rowid(vt__store_db(s));
    sqlite3_reset(st);
    return 0;
}

static const char SQL_USER_BY_NAME[] = "SELECT " USER_COLUMNS " FROM users WHERE name = ?1";

int vt_store_user_find(vt_store *s, const char *name, bool *found,
                       int (*each)(void *ctx, const vt_store_user_row *r), void *ctx,
                       vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_USER_BY_NAME, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    return user_step_all(s, st, found, each, ctx, err);
}

static const char SQL_USER_EACH[] =
    "SELECT " USER_COLUMNS " FROM users WHERE ?1 IS NULL OR org_id = ?1 ORDER BY name";

int vt_store_user_each(vt_store *s, int64_t org_id,
                       int (*each)(void *ctx, const vt_store_user_row *r), void *ctx,
                       vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_USER_EACH, &st, err);

    if (error < 0)
        return error;
    vt__store_bind_id(st, 1, org_id);
    return user_step_all(s, st, NULL, each, ctx, err);
}

static const char SQL_USER_DISABLE[] =
    "UPDATE users SET disabled_ms = ?2 WHERE name = ?1 AND disabled_ms IS NULL";

int vt_store_user_disable(vt_store *s, const char *name, int64_t at_ms, bool *changed,
                          vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_USER_DISABLE, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, at_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
        error = vt__store_fail(s, err, "cannot disable the user");
        sqlite3_reset(st);
        return error;
    }
    *changed = sqlite3_changes(vt__store_db(s)) > 0;
    sqlite3_reset(st);
    return 0;
}

static const char SQL_USER_COUNT_ROLE[] =
    "SELECT count(*) FROM users WHERE role = ?1 AND disabled_ms IS NULL";

int vt_store_user_count_role(vt_store *s, const char *role, long *count, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_USER_COUNT_ROLE, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        error = vt__store_fail(s, err, "cannot count users");
        sqlite3_reset(st);
        return error;
    }
    *count = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Tokens */

/* The user's disabled time comes along (1 when the user is gone) so
 * that a session dies with its user without a second query. */
#define TOKEN_COLUMNS                                                                  \
    "t.id, t.hash, t.kind, t.name, t.role, t.org_id, t.user_id, t.created_ms, "        \
    "t.expires_ms, t.revoked_ms, "                                                     \
    "CASE WHEN t.user_id IS NULL THEN NULL WHEN u.id IS NULL THEN 1 ELSE u.disabled_ms END"
#define TOKEN_FROM " FROM tokens t LEFT JOIN users u ON u.id = t.user_id"

static void token_row(sqlite3_stmt *st, vt_store_token_row *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->hash = sqlite3_column_blob(st, 1);
    if (sqlite3_column_bytes(st, 1) != 32)
        r->hash = NULL;
    r->kind = vt__store_col_text_or_empty(st, 2);
    r->name = vt__store_col_text_or_empty(st, 3);
    r->role = vt__store_col_text_or_empty(st, 4);
    r->org_id = col_i64(st, 5);
    r->user_id = col_i64(st, 6);
    r->created_ms = sqlite3_column_int64(st, 7);
    r->expires_ms = col_i64(st, 8);
    r->revoked_ms = col_i64(st, 9);
    r->user_disabled_ms = col_i64(st, 10);
}

static int token_step_all(vt_store *s, sqlite3_stmt *st, bool *found,
                          int (*each)(void *ctx, const vt_store_token_row *r), void *ctx,
                          vt_error *err)
{
    vt_store_token_row r;
    int rc, error = 0;

    if (found)
        *found = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (found)
            *found = true;
        token_row(st, &r);
        error = each(ctx, &r);
        if (error < 0)
            break;
    }
    if (error >= 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "cannot read tokens");
    sqlite3_reset(st);
    return error;
}

/* A session row is written only while its user is there and active; a
 * machine token only when its organisation (if any) exists. */
static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO tokens (hash, kind, name, role, org_id, user_id, created_ms, expires_ms) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 "
    "WHERE (?5 IS NULL OR EXISTS (SELECT 1 FROM orgs WHERE id = ?5)) "
    "AND (?6 IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = ?6 AND disabled_ms IS NULL))";

int vt_store_token_insert(vt_store *s, const vt_store_token_row *row, int64_t *id, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_TOKEN_INSERT, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_blob(st, 1, row->hash, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, row->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, row->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, row->role, -1, SQLITE_STATIC);
    vt__store_bind_id(st, 5, row->org_id);
    vt__store_bind_id(st, 6, row->user_id);
    sqlite3_bind_int64(st, 7, row->created_ms);
    vt__store_bind_id(st, 8, row->expires_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
        /* A hash collision of 256-bit random tokens does not happen; a
         * UNIQUE failure here is a broken random source, not bad input. */
        error = vt__store_fail(s, err, "cannot store the token");
        sqlite3_reset(st);
        return error;
    }
    if (sqlite3_changes(vt__store_db(s)) == 0) {
        sqlite3_reset(st);
        if (row->user_id)
            return vt_error_set_field(err, VT_EINVALID, "/user", "no active user with id %lld",
                                      (long long)row->user_id);
        return vt_error_set_field(err, VT_EINVALID, "/org", "no organisation with id %lld",
                                  (long long)row->org_id);
    }
    if (id)
        *id = sqlite3_last_insert_rowid(vt__store_db(s));
    sqlite3_reset(st);
    return 0;
}

static const char SQL_TOKEN_BY_HASH[] = "SELECT " TOKEN_COLUMNS TOKEN_FROM " WHERE t.hash = ?1";

int vt_store_token_find_hash(vt_store *s, const uint8_t hash[32], bool *found,
                             int (*each)(void *ctx, const vt_store_token_row *r), void *ctx,
                             vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_TOKEN_BY_HASH, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    return token_step_all(s, st, found, each, ctx, err);
}

static const char SQL_TOKEN_BY_ID[] = "SELECT " TOKEN_COLUMNS TOKEN_FROM " WHERE t.id = ?1";

int vt_store_token_find_id(vt_store *s, int64_t id, bool *found,
                           int (*each)(void *ctx, const vt_store_token_row *r), void *ctx,
                           vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_TOKEN_BY_ID, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, id);
    return token_step_all(s, st, found, each, ctx, err);
}

static const char SQL_TOKEN_EACH[] =
    "SELECT " TOKEN_COLUMNS TOKEN_FROM " WHERE (?1 IS NULL OR t.kind = ?1) "
    "AND (?2 IS NULL OR t.org_id = ?2) ORDER BY t.id";

int vt_store_token_each(vt_store *s, const char *kind, int64_t org_id,
                        int (*each)(void *ctx, const vt_store_token_row *r), void *ctx,
                        vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, SQL_TOKEN_EACH, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    vt__store_bind_id(st, 2, org_id);
    return token_step_all(s, st, NULL, each, ctx, err);
}

static const char SQL_TOKEN_REVOKE_ID[] =
    "UPDATE tokens SET revoked_ms = ?2 WHERE id = ?1 AND revoked_ms IS NULL";
static const char SQL_TOKEN_REVOKE_HASH[] =
    "UPDATE tokens SET revoked_ms = ?2 WHERE hash = ?1 AND kind = ?3 AND revoked_ms IS NULL";

int vt_store_token_revoke(vt_store *s, int64_t id, const uint8_t *hash, const char *kind,
                          int64_t at_ms, bool *changed, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, hash ? SQL_TOKEN_REVOKE_HASH : SQL_TOKEN_REVOKE_ID, &st, err);

    if (error < 0)
        return error;
    if (hash) {
        sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_int64(st, 1, id);
    }
    sqlite3_bind_int64(st, 2, at_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
        error = vt__store_fail(s, err, "cannot revoke the token");
        sqlite3_reset(st);
        return error;
    }
    *changed = sqlite3_changes(vt__store_db(s)) > 0;
    sqlite3_reset(st);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Reports' tracking tokens */

static const char SQL_REPORT_BY_TRACKING[] =
    "SELECT id, org_id FROM reports WHERE tracking_hash = ?1";

int vt_store_report_by_tracking(vt_store *s, const uint8_t hash[32], bool *found,
                                char *report_id, size_t cap, int64_t *org_id, vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, SQL_REPORT_BY_TRACKING, &st, err);

    *found = false;
    if (error < 0)
        return error;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *id = vt__store_col_text_or_empty(st, 0);
        size_t n = strlen(id);

        /* A cut id would name another report: refuse instead. */
        if (n >= cap) {
            sqlite3_reset(st);
            return vt_error_set(err, VT_EINTERNAL, 0, "report id longer than %zu bytes", cap);
        }
        memcpy(report_id, id, n + 1);
        *org_id = col_i64(st, 1);
        *found = true;
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(s, err, "cannot look up the tracking token");
    }
    sqlite3_reset(st);
    return error;
}
