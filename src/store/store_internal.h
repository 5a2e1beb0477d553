/*
 * store_internal.h - what the SQLite backend's files share: the numbered
 * migrations (migrations.c) for store_sqlite.c.
 */
#ifndef VT_STORE_INTERNAL_H
#define VT_STORE_INTERNAL_H

#include <stddef.h>

/*
 * Migration N (1-based) is vt__store_migrations[N - 1]: SQL text applied in
 * one transaction. Migrations are only ever appended; an applied one is
 * never edited, because databases in the field already ran it.
 */
extern const char *const vt__store_migrations[];
extern const size_t vt__store_migration_count;

#endif
