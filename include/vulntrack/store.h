/*
 * store.h - the only door to persistence. Callers see vulntrack types only;
 * the SQLite backend (default, embedded, WAL) lives behind it, so that a
 * PostgreSQL backend can be added without touching callers. The schema is
 * created and upgraded by numbered migrations.
 */
#ifndef VULNTRACK_STORE_H
#define VULNTRACK_STORE_H

#include "common.h"
#include "kev.h"
#include "osv.h"

typedef struct vt_store vt_store;

/**
 * The database path to use: `explicit_path` if not NULL, else $VULNTRACK_DB,
 * else the per-user default ($XDG_DATA_HOME/vulntrack/vulntrack.db, or
 * ~/.local/share/vulntrack/vulntrack.db). Returns a new string the caller
 * frees with vt_free, or NULL on out of memory.
 */
VT_EXTERN char *vt_store_default_path(const char *explicit_path);

/**
 * Open (creating it and its directory if needed) and migrate the database at
 * `path`. On success *out is a new store closed with vt_store_close.
 * Returns 0, VT_EIO (err names the path and SQLite's message) or VT_ENOMEM.
 */
VT_EXTERN int vt_store_open(vt_store **out, const char *path, vt_error *err);

/**
 * Make every later commit on this connection durable before it returns
 * (synchronous=FULL), as the service needs before it acknowledges a
 * report; bulk imports keep the faster default. Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_set_durable(vt_store *s, vt_error *err);

/**
 * Limit this connection's page cache to about `kib` KiB (connections that
 * only look records up by key need little). Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_set_cache_kib(vt_store *s, int kib, vt_error *err);

/** Close the store; accepts NULL. */
VT_EXTERN void vt_store_close(vt_store *s);

/** Schema version after migrations (the number of the last migration applied). */
VT_EXTERN int vt_store_schema_version(vt_store *s);

/** Transactions: everything between begin and commit is one durable unit. */
VT_EXTERN int vt_store_begin(vt_store *s, vt_error *err);
VT_EXTERN int vt_store_commit(vt_store *s, vt_error *err);
VT_EXTERN int vt_store_rollback(vt_store *s);

/**
 * A unit inside the current transaction that can be undone alone: the
 * service's writer commits many requests in one transaction and rolls back
 * only the one that failed. Savepoints do not nest here (one unit at a
 * time). Each returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_savepoint(vt_store *s, vt_error *err);
VT_EXTERN int vt_store_savepoint_release(vt_store *s, vt_error *err);
VT_EXTERN int vt_store_savepoint_rollback(vt_store *s, vt_error *err);

typedef enum vt_upsert_outcome {
    VT_UPSERT_INSERTED = 1,
    VT_UPSERT_UPDATED,
    VT_UPSERT_UNCHANGED, /* older `modified`, or equal with the same text: the stored record wins */
} vt_upsert_outcome;

/**
 * Insert or update an advisory by id. `raw` is the record's JSON text, stored
 * as it is; `adv` is its parse (for the index). A record whose `modified` is
 * older than the stored one's does not replace it; one with an equal
 * `modified` replaces it only when its text differs (feeds such as Go's use a
 * placeholder `modified` on every record).
 * Outside a transaction the put is atomic; inside one, a failure leaves the
 * transaction to be rolled back by the caller.
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_put_advisory(vt_store *s, const vt_advisory *adv, const char *raw,
                                    size_t raw_len, vt_upsert_outcome *outcome, vt_error *err);

/**
 * Call `each` with the raw JSON of every advisory that has an affected entry
 * for package `name` (already normalised, see vt_osv_normalize_name) in
 * ecosystem `ecosystem_base` (the part before ':'). Records without a
 * package whose ranges are GIT ranges are found under "GIT" and the range's
 * repository URL as written. Advisories come in id order. The text is valid
 * only during the call; `each` must not call vt_store_find_advisories itself.
 * `each` may return a negative code to stop; it is passed up.
 * Returns 0, VT_EIO or `each`'s code.
 */
VT_EXTERN int vt_store_find_advisories(vt_store *s, const char *ecosystem_base, const char *name,
                                       int (*each)(void *ctx, const char *raw, size_t len),
                                       void *ctx, vt_error *err);

/** Fetch one advisory's raw JSON by id into a new string (vt_free). VT_ENOTFOUND if absent. */
VT_EXTERN int vt_store_get_advisory(vt_store *s, const char *id, char **raw, size_t *len,
                                    vt_error *err);

/** Insert or replace a KEV entry (by CVE id). Returns 0, VT_EIO or VT_ENOMEM. */
VT_EXTERN int vt_store_put_kev(vt_store *s, const vt_kev_entry *e, vt_error *err);

/**
 * Look up a CVE id in the KEV table. *found says whether it is there; when it
 * is, `each` is called once with the entry (strings valid during the call).
 * Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_get_kev(vt_store *s, const char *cve, bool *found,
                               void (*each)(void *ctx, const vt_kev_entry *e), void *ctx,
                               vt_error *err);

/** Record that `source` was imported at `at_ms` with these counts. */
VT_EXTERN int vt_store_record_import(vt_store *s, const char *source, int64_t at_ms,
                                     long imported, long updated, long unchanged, long skipped,
                                     vt_error *err);

/* One row of statistics, for `vulntrack db stats`. */
typedef struct vt_store_stat {
    const char *kind;  /* "advisories", "ecosystem", "kev", "source" */
    const char *name;  /* "total", ecosystem name, "entries", or the source path */
    long count;        /* advisories, KEV entries, or records imported */
    const char *when;  /* for sources: last import time (RFC 3339); else NULL */
} vt_store_stat;

/** Call `each` for every statistics row (strings valid during the call). */
VT_EXTERN int vt_store_stats(vt_store *s, void (*each)(void *ctx, const vt_store_stat *row),
                             void *ctx, vt_error *err);

/**
 * Like vt_store_put_kev, and say what happened: inserted, updated (some
 * field differs) or unchanged (every field equal). `outcome` may be NULL.
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_upsert_kev(vt_store *s, const vt_kev_entry *e,
                                  vt_upsert_outcome *outcome, vt_error *err);

/**
 * The advisories of package `name` in `ecosystem_base`, as
 * vt_store_find_advisories finds them, but as references only and in
 * reference order (not id order: ordering by id would read every advisory's
 * row): `each` gets one opaque number per advisory, which
 * vt_store_read_advisory turns into its text. A scanner that sees the same
 * advisory under many packages (a distribution advisory names every binary
 * package) then reads and parses each text once. A reference stays valid
 * while the store is open; an advisory deleted in between reads as absent.
 * `each` may return a negative code to stop; it is passed up.
 * Returns 0, VT_EIO or `each`'s code.
 */
VT_EXTERN int vt_store_find_advisory_refs(vt_store *s, const char *ecosystem_base, const char *name,
                                          int (*each)(void *ctx, int64_t ref), void *ctx,
                                          vt_error *err);

/**
 * Call `each` with the raw JSON of the advisory `ref` (from
 * vt_store_find_advisory_refs); the text is valid only during the call.
 * *found says whether it is still there (when not, `each` is not called).
 * Returns 0, VT_EIO or `each`'s code.
 */
VT_EXTERN int vt_store_read_advisory(vt_store *s, int64_t ref, bool *found,
                                     int (*each)(void *ctx, const char *raw, size_t len), void *ctx,
                                     vt_error *err);

/**
 * Read from one snapshot until vt_store_read_end: every lookup in between
 * sees the same database (references from vt_store_find_advisory_refs stay
 * valid whatever a concurrent import commits), and the lock and WAL index
 * are taken once instead of once per statement, which a scan making
 * thousands of lookups otherwise pays for each. Writers are not blocked
 * (WAL). Inside a transaction of the caller this does nothing. Call
 * vt_store_read_end even when a read in between failed.
 * Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_read_begin(vt_store *s, vt_error *err);

/** End what vt_store_read_begin opened; accepts NULL and a store with nothing open. */
VT_EXTERN void vt_store_read_end(vt_store *s);

#endif
