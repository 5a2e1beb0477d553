/*
 * sqlite_stats.c - the service figures of store_stats.h.
 */
#include "store_internal.h"
#include "vulntrack/store_stats.h"

static const char SQL_LEDGER_HEIGHT[] = "SELECT COALESCE(MAX(seq), 0) FROM ledger";
static const char SQL_REPORTS[] = "SELECT COUNT(*) FROM reports";
static const char SQL_CASES_OPEN[] =
    "SELECT COUNT(*) FROM cases WHERE state NOT IN ('closed', 'rejected')";
static const char SQL_OBLIGATIONS_OPEN[] = "SELECT COUNT(*) FROM obligations WHERE state = 'open'";
static const char SQL_OBLIGATIONS_OVERDUE[] =
    "SELECT COUNT(*) FROM obligations WHERE state = 'missed' "
    "OR (state = 'open' AND due_ms IS NOT NULL AND due_ms < ?1)";
static const char SQL_PING[] = "SELECT 1";

/* Run a one-number query (with ?1 bound to `arg` when it has one). */
static int scalar(vt_store *s, const char *sql, int64_t arg, int64_t *out, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);
    int rc;

    if (error < 0)
        return error;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, arg);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        error = vt__store_fail(s, err, "cannot read service figures");
        sqlite3_reset(st);
        return error;
    }
    *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

int vt_store_service_stats(vt_store *s, int64_t now_ms, vt_service_stats *out, vt_error *err)
{
    int error;

    if ((error = scalar(s, SQL_LEDGER_HEIGHT, 0, &out->ledger_height, err)) < 0 ||
        (error = scalar(s, SQL_REPORTS, 0, &out->reports, err)) < 0 ||
        (error = scalar(s, SQL_CASES_OPEN, 0, &out->cases_open, err)) < 0 ||
        (error = scalar(s, SQL_OBLIGATIONS_OPEN, 0, &out->obligations_open, err)) < 0 ||
        (error = scalar(s, SQL_OBLIGATIONS_OVERDUE, now_ms, &out->obligations_overdue, err)) < 0)
        return error;
    return 0;
}

int vt_store_ping(vt_store *s, vt_error *err)
{
    int64_t one;

    return scalar(s, SQL_PING, 0, &one, err);
}
