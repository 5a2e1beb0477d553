/*
 * store_internal.h - what the SQLite backend's files share: the numbered
 * migrations (migrations.c) for store_sqlite.c.
 */
#ifndef VT_STORE_INTERNAL_H
#define VT_STORE_INTERNAL_H

#include <stddef.h>

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

#endif
