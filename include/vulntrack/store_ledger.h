/*
 * store_ledger.h - the store's side of the receipt ledger: rows of the
 * tables `ledger`, `ledger_checkpoints` and `ledger_purges` (migration 2),
 * read and written as they are. Hashing, signing and the rules of what may
 * be written live in the domain (ledger.h); nothing here checks a hash.
 *
 * Writes run inside the caller's transaction. Strings handed to callbacks
 * are valid during the call only.
 */
#ifndef VULNTRACK_STORE_LEDGER_H
#define VULNTRACK_STORE_LEDGER_H

#include "common.h"
#include "ledger.h"
#include "store.h"

/* One purge record (strings valid during the callback). */
typedef struct vt_store_ledger_purge {
    int64_t id;
    int64_t at_ms;
    int64_t first_seq, last_seq, count;
    const char *anchor_hash; /* hex entry_hash of last_seq */
} vt_store_ledger_purge;

/**
 * The newest entry's seq and entry_hash (*found false when the table is
 * empty; then seq is 0 and hash ""). Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_ledger_last(vt_store *s, bool *found, int64_t *seq, char hash[65],
                                   vt_error *err);

/** Number of entries, smallest and largest seq (0 when empty). Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ledger_bounds(vt_store *s, int64_t *count, int64_t *first_seq,
                                     int64_t *last_seq, vt_error *err);

/** The at_ms of entry `seq` (*found false when absent). Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ledger_at(vt_store *s, int64_t seq, bool *found, int64_t *at_ms,
                                 vt_error *err);

/** Insert one entry row as given (every field; seq explicit). Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ledger_insert(vt_store *w, const vt_ledger_entry *e, vt_error *err);

/**
 * Call `each` for up to `limit` entries (limit <= 0: all) with seq >
 * after_seq in seq order. `each` may stop with a negative code (passed up).
 * Returns 0, VT_EIO or `each`'s code.
 */
VT_EXTERN int vt_store_ledger_each(vt_store *s, int64_t after_seq, long limit,
                                   int (*each)(void *ctx, const vt_ledger_entry *e), void *ctx,
                                   vt_error *err);

/** Delete the entries with first_seq <= seq <= last_seq; *deleted rows. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ledger_delete(vt_store *w, int64_t first_seq, int64_t last_seq,
                                     int64_t *deleted, vt_error *err);

/**
 * The newest checkpoint's seq and signed_ms (*found false when none).
 * Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_ledger_checkpoint_last(vt_store *s, bool *found, int64_t *seq,
                                              int64_t *signed_ms, vt_error *err);

/** Whether entry `seq` has a checkpoint. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ledger_checkpoint_exists(vt_store *s, int64_t seq, bool *found,
                                                vt_error *err);

/** Insert one checkpoint row. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ledger_checkpoint_insert(vt_store *w, const vt_ledger_checkpoint_row *c,
                                                vt_error *err);

/**
 * Call `each` for every checkpoint with seq > after_seq (0: all), in seq
 * order. Returns 0, VT_EIO or `each`'s code.
 */
VT_EXTERN int vt_store_ledger_checkpoint_each(vt_store *s, int64_t after_seq,
                                              int (*each)(void *ctx,
                                                          const vt_ledger_checkpoint_row *c),
                                              void *ctx, vt_error *err);

/** Delete the checkpoints with seq < `below`. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ledger_checkpoint_delete_below(vt_store *w, int64_t below, vt_error *err);

/** Insert a purge record; *id (may be NULL) its id. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ledger_purge_insert(vt_store *w, const vt_store_ledger_purge *p,
                                           int64_t *id, vt_error *err);

/** Call `each` for every purge record in id order. Returns 0, VT_EIO or `each`'s code. */
VT_EXTERN int vt_store_ledger_purge_each(vt_store *s,
                                         int (*each)(void *ctx, const vt_store_ledger_purge *p),
                                         void *ctx, vt_error *err);

/** Insert or replace settings(key, value). Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ledger_setting_put(vt_store *w, const char *key, const char *value,
                                          vt_error *err);

/**
 * Read settings(key) into a new string *value (vt_free), NULL when absent.
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_ledger_setting_get(vt_store *s, const char *key, char **value,
                                          vt_error *err);

#endif
