/*
 * sqlite_authority.c - rows of authority_submissions (only ever inserted:
 * a submission is a fact) and cra_stages (one row per case and stage; the
 * fields change until the stage is submitted).
 */
#include "store_internal.h"
#include "vulntrack/store_authority.h"

static const char sql_sub_insert[] =
    "INSERT INTO authority_submissions (case_id, submitted_ms, receipt_number, report_sha256, "
    "report_json, actor, recorded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_sub_list[] =
    "SELECT id, case_id, submitted_ms, receipt_number, report_sha256, report_json, actor, "
    "recorded_ms FROM authority_submissions WHERE case_id = ?1 ORDER BY id";
static const char sql_cra_list[] =
    "SELECT case_id, stage, fields, submitted_ms, evidence, actor, updated_ms FROM cra_stages "
    "WHERE case_id = ?1 ORDER BY stage";
static const char sql_cra_put[] =
    "INSERT INTO cra_stages (case_id, stage, fields, actor, updated_ms) VALUES (?1, ?2, ?3, ?4, "
    "?5) ON CONFLICT (case_id, stage) DO UPDATE SET fields = excluded.fields, actor = "
    "excluded.actor, updated_ms = excluded.updated_ms";
static const char sql_cra_submit[] =
    "UPDATE cra_stages SET submitted_ms = ?3, evidence = ?4, actor = ?5, updated_ms = ?6 "
    "WHERE case_id = ?1 AND stage = ?2 AND submitted_ms IS NULL";

int vt_store_authority_submission_insert(vt_store *w, const vt_store_authority_submission *row,
                                         int64_t *id, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_sub_insert, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, row->case_id);
    sqlite3_bind_int64(st, 2, row->submitted_ms);
    vt__store_bind_text(st, 3, row->receipt_number);
    vt__store_bind_text(st, 4, row->report_sha256);
    vt__store_bind_text(st, 5, row->report_json);
    vt__store_bind_text(st, 6, row->actor);
    sqlite3_bind_int64(st, 7, row->recorded_ms);
    error = vt__store_step_done(w, st, err, "storing an authority submission");
    if (error >= 0 && id)
        *id = sqlite3_last_insert_rowid(vt__store_db(w));
    return error;
}

int vt_store_authority_submissions_each(vt_store *s, int64_t case_id,
                                        int (*each)(void *ctx,
                                                    const vt_store_authority_submission *r),
                                        void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_sub_list, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_store_authority_submission r = {
            sqlite3_column_int64(st, 0),        sqlite3_column_int64(st, 1),
            sqlite3_column_int64(st, 2),        vt__store_col_text(st, 3),
            vt__store_col_text_or_empty(st, 4), vt__store_col_text_or_empty(st, 5),
            vt__store_col_text_or_empty(st, 6), sqlite3_column_int64(st, 7),
        };

        error = each(ctx, &r);
        if (error < 0)
            break;
    }
    if (error >= 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading authority submissions");
    sqlite3_reset(st);
    return error;
}

int vt_store_cra_stages_each(vt_store *s, int64_t case_id,
                             int (*each)(void *ctx, const vt_store_cra_stage *r), void *ctx,
                             vt_error *err)
{
    sqlite3_stmt *st;
    int rc, error = vt__store_prepare(s, sql_cra_list, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_store_cra_stage r = {
            sqlite3_column_int64(st, 0),        vt__store_col_text_or_empty(st, 1),
            vt__store_col_text_or_empty(st, 2), sqlite3_column_type(st, 3) != SQLITE_NULL,
            sqlite3_column_int64(st, 3),        vt__store_col_text(st, 4),
            vt__store_col_text_or_empty(st, 5), sqlite3_column_int64(st, 6),
        };

        error = each(ctx, &r);
        if (error < 0)
            break;
    }
    if (error >= 0 && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading CRA stages");
    sqlite3_reset(st);
    return error;
}

int vt_store_cra_stage_put(vt_store *w, const vt_store_cra_stage *row, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_cra_put, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, row->case_id);
    vt__store_bind_text(st, 2, row->stage);
    vt__store_bind_text(st, 3, row->fields);
    vt__store_bind_text(st, 4, row->actor);
    sqlite3_bind_int64(st, 5, row->updated_ms);
    return vt__store_step_done(w, st, err, "storing a CRA stage");
}

int vt_store_cra_stage_submit(vt_store *w, int64_t case_id, const char *stage, int64_t submitted_ms,
                              const char *evidence, const char *actor, int64_t now_ms,
                              bool *changed, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_cra_submit, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    vt__store_bind_text(st, 2, stage);
    sqlite3_bind_int64(st, 3, submitted_ms);
    vt__store_bind_text(st, 4, evidence);
    vt__store_bind_text(st, 5, actor);
    sqlite3_bind_int64(st, 6, now_ms);
    error = vt__store_step_done(w, st, err, "submitting a CRA stage");
    *changed = error >= 0 && sqlite3_changes(vt__store_db(w)) > 0;
    return error;
}
