/*
 * migrations.c - the schema of the SQLite store, as numbered migrations.
 *
 * store_sqlite.c applies every migration above the database's version, each
 * in its own transaction, and records it in schema_version and in PRAGMA
 * user_version. Append new migrations at the end; never edit one that has
 * shipped.
 */
#include "store_internal.h"

const char *const vt__store_migrations[] = {
    /* 1: advisories, their lookup indexes, KEV and the import log. */
    "CREATE TABLE schema_version ("
    "  version INTEGER PRIMARY KEY,"
    "  applied_at_ms INTEGER NOT NULL"
    ");"
    /* The raw record is kept as its JSON text, exactly as imported: the
     * matcher parses it again, and an export gives back what came in. The
     * integer rid keeps the index tables' rows short. */
    "CREATE TABLE advisories ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  modified_ms INTEGER NOT NULL,"
    "  modified TEXT NOT NULL,"
    "  withdrawn TEXT,"
    "  raw TEXT NOT NULL,"
    "  imported_at_ms INTEGER NOT NULL"
    ");"
    /* One row per (ecosystem without release, normalised name, advisory):
     * the primary key is the lookup index of a scan. Package-less records
     * with GIT ranges are filed under "GIT" and their repository URL, as
     * osv.dev files them. There is deliberately no index by advisory: it
     * would double the cost of every insert in a bulk import, and the rare
     * update finds its old rows from the old record instead. */
    "CREATE TABLE advisory_packages ("
    "  ecosystem_base TEXT NOT NULL,"
    "  name_key TEXT NOT NULL,"
    "  advisory_rid INTEGER NOT NULL REFERENCES advisories(rid),"
    "  PRIMARY KEY (ecosystem_base, name_key, advisory_rid)"
    ") WITHOUT ROWID;"
    "CREATE TABLE aliases ("
    "  alias TEXT NOT NULL,"
    "  advisory_rid INTEGER NOT NULL REFERENCES advisories(rid),"
    "  PRIMARY KEY (alias, advisory_rid)"
    ") WITHOUT ROWID;"
    "CREATE TABLE kev ("
    "  cve TEXT PRIMARY KEY NOT NULL,"
    "  vendor TEXT,"
    "  product TEXT,"
    "  name TEXT,"
    "  date_added TEXT,"
    "  due_date TEXT,"
    "  ransomware TEXT,"
    "  required_action TEXT"
    ");"
    "CREATE TABLE imports ("
    "  id INTEGER PRIMARY KEY,"
    "  source TEXT NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  imported INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  unchanged INTEGER NOT NULL,"
    "  skipped INTEGER NOT NULL"
    ");"
    "CREATE INDEX imports_by_source ON imports(source, id);",
};

const size_t vt__store_migration_count =
    sizeof(vt__store_migrations) / sizeof(vt__store_migrations[0]);
