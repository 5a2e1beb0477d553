/*
 * sqlite_util.c - binding and column helpers shared by the SQLite store's
 * files (declared in store_internal.h), so that NULL is bound and read the
 * same way in every table's code.
 */
#include "store_internal.h"

#include "vulntrack/alloc.h"

int vt__store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (!v)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

int vt__store_bind_id(sqlite3_stmt *st, int i, int64_t v)
{
    if (!v)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_int64(st, i, v);
}

const char *vt__store_col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

const char *vt__store_col_text_or_empty(sqlite3_stmt *st, int i)
{
    const char *t = vt__store_col_text(st, i);

    return t ? t : "";
}

char *vt__store_col_dup(sqlite3_stmt *st, int i, bool *oom)
{
    const char *t = vt__store_col_text(st, i);
    char *copy;

    if (!t)
        return NULL;
    copy = vt_strdup(t);
    if (!copy)
        *oom = true;
    return copy;
}

int vt__store_step_done(vt_store *s, sqlite3_stmt *st, vt_error *err, const char *what)
{
    int error = 0;

    /* The message is read before the reset, which would replace it. */
    if (sqlite3_step(st) != SQLITE_DONE)
        error = vt__store_fail(s, err, what);
    sqlite3_reset(st);
    return error;
}
