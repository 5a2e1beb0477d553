/*
 * store_internal.h - what the SQLite backend's files share: the numbered
 * migrations (migrations.c) for store_sqlite.c, the connection and its
 * statement cache, and the small binding and column helpers of
 * sqlite_util.c.
 */
#ifndef VT_STORE_INTERNAL_H
#define VT_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "vulntrack/store.h"

/*
 * Migration N (1-based) is vt__store_migrations[N - 1]: SQL text applied in
 * one transaction. Migrations are only ever appended; an applied one is
 * never edited, because databases in the field already ran it.
 */
extern const char *const vt__store_migrations[];
extern const size_t vt__store_migration_count;

/* How many statements vt__store_prepare keeps prepared per connection. */
#define VT__STORE_CACHE_SLOTS 128

/* The connection of `s`, for the store's own files only. */
sqlite3 *vt__store_db(vt_store *s);

/* Report SQLite's last error on `s` as VT_EIO (VT_ENOMEM when it ran out),
 * prefixed with `what`. Returns the code. */
int vt__store_fail(vt_store *s, vt_error *err, const char *what);

/*
 * The prepared statement for `sql`, which must be a string constant (it is
 * cached by address for the life of the connection), reset and with its
 * bindings cleared. The caller steps it and must not finalize it.
 * Returns 0, VT_EIO or VT_EINTERNAL.
 */
int vt__store_prepare(vt_store *s, const char *sql, sqlite3_stmt **out, vt_error *err);

/* ---- sqlite_util.c ---- */

/*
 * Bind text `v`, or SQL NULL when `v` is NULL. The text is not copied: it
 * must stay valid until the statement has been stepped.
 */
int vt__store_bind_text(sqlite3_stmt *st, int i, const char *v);

/* Bind `v`, or SQL NULL when it is 0 (the schema's "no organisation", "no case"). */
int vt__store_bind_id(sqlite3_stmt *st, int i, int64_t v);

/* Text of column `i`, NULL for SQL NULL; valid until the next step or reset. */
const char *vt__store_col_text(sqlite3_stmt *st, int i);

/*
 * Text of column `i`, "" for SQL NULL (for columns declared NOT NULL that
 * a hand-edited database may still leave empty); valid as above.
 */
const char *vt__store_col_text_or_empty(sqlite3_stmt *st, int i);

/*
 * A copy of text column `i` the caller frees with vt_free; NULL for SQL
 * NULL, and NULL with *oom set to true when out of memory.
 */
char *vt__store_col_dup(sqlite3_stmt *st, int i, bool *oom);

/*
 * Step `st`, a statement that returns no row, and reset it. Returns 0, or
 * vt__store_fail's code with `what` ("storing a report") in the message.
 */
int vt__store_step_done(vt_store *s, sqlite3_stmt *st, vt_error *err, const char *what);

#endif
