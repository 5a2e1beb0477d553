/*
 * sqlite_vex.c - store_vex.h on SQLite: the vex_statements table of
 * migration 5. Status and justification are stored by their internal
 * names (vex.h); the table's CHECK constraint holds the status list too.
 */
#include <string.h>

#include <sqlite3.h>

#include "store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/store_vex.h"

static const char sql_vex_find[] =
    "SELECT id FROM vex_statements WHERE product_id = ?1 AND version = ?2 "
    "AND vulnerability = ?3 AND component_purl = ?4";
static const char sql_vex_upsert[] =
    "INSERT INTO vex_statements (product_id, version, vulnerability, component_purl, status, "
    "justification, original_justification, impact_statement, action_statement, actor, "
    "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
    "ON CONFLICT (product_id, version, vulnerability, component_purl) DO UPDATE SET "
    "status = excluded.status, justification = excluded.justification, "
    "original_justification = excluded.original_justification, "
    "impact_statement = excluded.impact_statement, action_statement = excluded.action_statement, "
    "actor = excluded.actor, updated_ms = excluded.updated_ms";
static const char sql_vex_list[] =
    "SELECT id, vulnerability, component_purl, status, justification, original_justification, "
    "impact_statement, action_statement, actor, updated_ms FROM vex_statements "
    "WHERE product_id = ?1 AND version = ?2 ORDER BY vulnerability, component_purl";

int vt_store_vex_upsert(vt_store *s, vt_vex_statement *st, bool *created, vt_error *err)
{
    sqlite3_stmt *q;
    int64_t existing = 0;
    int error, rc;

    error = vt__store_prepare(s, sql_vex_find, &q, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(q, 1, st->product_id);
    vt__store_bind_text(q, 2, st->version);
    vt__store_bind_text(q, 3, st->vulnerability);
    vt__store_bind_text(q, 4, st->component_purl ? st->component_purl : "");
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        existing = sqlite3_column_int64(q, 0);
    else if (rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "looking up a VEX statement");
    sqlite3_reset(q);
    if (error < 0)
        return error;
    error = vt__store_prepare(s, sql_vex_upsert, &q, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(q, 1, st->product_id);
    vt__store_bind_text(q, 2, st->version);
    vt__store_bind_text(q, 3, st->vulnerability);
    vt__store_bind_text(q, 4, st->component_purl ? st->component_purl : "");
    vt__store_bind_text(q, 5, vt_vex_status_name(st->status));
    vt__store_bind_text(q, 6, vt_vex_justification_name(st->justification));
    vt__store_bind_text(q, 7, st->original_justification);
    vt__store_bind_text(q, 8, st->impact_statement);
    vt__store_bind_text(q, 9, st->action_statement);
    vt__store_bind_text(q, 10, st->actor);
    sqlite3_bind_int64(q, 11, st->updated_ms);
    error = vt__store_step_done(s, q, err, "storing a VEX statement");
    if (error < 0)
        return error;
    st->id = existing ? existing : sqlite3_last_insert_rowid(vt__store_db(s));
    if (created)
        *created = existing == 0;
    return 0;
}

int vt_store_vex_list(vt_store *s, int64_t product_id, const char *version,
                      int (*each)(void *ctx, const vt_vex_statement *st), void *ctx, vt_error *err)
{
    sqlite3_stmt *q;
    int error, rc = SQLITE_DONE;

    error = vt__store_prepare(s, sql_vex_list, &q, err);
    if (error < 0)
        return error;
    sqlite3_bind_int64(q, 1, product_id);
    vt__store_bind_text(q, 2, version);
    while (error == 0 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        vt_vex_statement st = VT_VEX_STATEMENT_INIT;
        const char *just = vt__store_col_text(q, 4);

        st.id = sqlite3_column_int64(q, 0);
        st.product_id = product_id;
        st.version = (char *)version;
        st.vulnerability = (char *)vt__store_col_text_or_empty(q, 1);
        st.component_purl = (char *)vt__store_col_text_or_empty(q, 2);
        if (!vt_vex_status_parse(vt__store_col_text_or_empty(q, 3), &st.status))
            st.status = VT_VEX_UNDER_INVESTIGATION;
        if (!just || !vt_vex_justification_parse(just, &st.justification, NULL))
            st.justification = VT_VEX_JUST_NONE;
        st.original_justification = (char *)vt__store_col_text(q, 5);
        st.impact_statement = (char *)vt__store_col_text(q, 6);
        st.action_statement = (char *)vt__store_col_text(q, 7);
        st.actor = (char *)vt__store_col_text_or_empty(q, 8);
        st.updated_ms = sqlite3_column_int64(q, 9);
        error = each(ctx, &st);
    }
    if (error == 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "listing VEX statements");
    sqlite3_reset(q);
    return error;
}
