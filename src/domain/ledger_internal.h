/*
 * ledger_internal.h - what the ledger's files share: the canonical
 * encodings (ledger_canon.c) and the chain walker that both the database
 * verification and the export verification feed (ledger_verify.c).
 */
#ifndef VT_LEDGER_INTERNAL_H
#define VT_LEDGER_INTERNAL_H

#include "vulntrack/buf.h"
#include "vulntrack/ledger.h"

/* Longest canonical checkpoint text (format line, seq, hash, time). */
#define VT__LEDGER_CHECKPOINT_TEXT_MAX 160

/* Hex of 32 bytes plus NUL. */
#define VT__LEDGER_HEX 65

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool vt__ledger_utf8_valid(const char *s, size_t len);

/* True when `s` is exactly 64 lower-case hex digits. */
bool vt__ledger_is_hash_hex(const char *s);

/*
 * Canonicalise the JSON object text `detail` into `out` (appended): keys
 * sorted by their UTF-8 bytes, no insignificant whitespace, minimal string
 * escapes, integers in decimal (docs/ledger.md). Refuses what is not an
 * object, duplicate keys, bad UTF-8, nesting deeper than 32.
 * Returns 0, VT_EINVALID (err->field "/detail"), VT_ETOOBIG or VT_ENOMEM.
 */
int vt__ledger_canon_detail(vt_buf *out, const char *detail, size_t len, vt_error *err);

/*
 * entry_hash of `e` (its seq, at_ms, text fields and detail as stored)
 * chained to `prev` (32 raw bytes), as lower-case hex into `out`.
 */
void vt__ledger_entry_hash(const vt_ledger_entry *e, const uint8_t prev[32],
                           char out[VT__LEDGER_HEX]);

/* The canonical text a checkpoint signs; returns its length. */
size_t vt__ledger_checkpoint_text(char out[VT__LEDGER_CHECKPOINT_TEXT_MAX], int64_t seq,
                                  const char *entry_hash, int64_t signed_ms);

/* Longest purge detail prefix (four numbers and a hash with their keys). */
#define VT__LEDGER_PURGE_PREFIX_MAX 256

/*
 * The canonical detail of a "ledger.purge" entry up to its last member:
 * {"anchor_hash":"<hex>","count":N,"first_seq":N,"last_seq":N,"retention_months":
 * (the entry's detail goes on with the months and "}"). Returns its length.
 */
size_t vt__ledger_purge_detail_prefix(char out[VT__LEDGER_PURGE_PREFIX_MAX], int64_t first_seq,
                                      int64_t last_seq, int64_t count, const char *anchor_hash);

/*
 * The chain walker: fed purge records, then entries and checkpoints in seq
 * order (a checkpoint right after the entry it seals, anchors before the
 * first entry), it records the first failure in `res` and keeps counting.
 */
typedef struct vt__ledger_walk {
    vt_ledger_verify_result *res;
    const uint8_t *trusted_pk; /* NULL: the key each checkpoint records */
    bool failed;
    bool started;              /* an entry has been seen */
    int64_t last_seq;          /* last entry seen */
    char last_hash[VT__LEDGER_HEX];
    /* The newest purge record, and whether the chain agrees with it. */
    int64_t purges;
    int64_t purge_first, purge_last, purge_count;
    char purge_anchor[VT__LEDGER_HEX];
    bool anchor_ok;       /* a valid checkpoint seals purge_last with purge_anchor */
    bool purge_recorded;  /* a "ledger.purge" entry matches the newest purge record */
} vt__ledger_walk;

void vt__ledger_walk_init(vt__ledger_walk *w, vt_ledger_verify_result *res,
                          const uint8_t *trusted_pk);

/* Feed one purge record (in id order). */
void vt__ledger_walk_purge(vt__ledger_walk *w, int64_t first_seq, int64_t last_seq,
                           int64_t count, const char *anchor_hash);

/* Feed one entry. Returns 0 (an int so that callers chain it with their own codes). */
int vt__ledger_walk_entry(vt__ledger_walk *w, const vt_ledger_entry *e);

/* Feed one checkpoint. */
void vt__ledger_walk_checkpoint(vt__ledger_walk *w, const vt_ledger_checkpoint_row *c);

/* After the last item: the end-of-chain checks and the counts. */
void vt__ledger_walk_finish(vt__ledger_walk *w);

/* Record a failure at `seq` (the first one wins). */
void vt__ledger_walk_fail(vt__ledger_walk *w, int64_t seq, const char *fmt, ...) VT_PRINTF(3, 4);

/*
 * vt_ledger_verify of the entries up to `upto` (> 0) only, with the
 * checkpoints up to it: what a purge checks before deleting that prefix.
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
int vt__ledger_verify_upto(vt_store *s, int64_t upto, vt_ledger_verify_result *res,
                           vt_error *err);

/* Every checkpoint of a store, copied, in seq order; `next` is a cursor. */
typedef struct vt__ledger_cps {
    vt_ledger_checkpoint_row *v;
    size_t n, cap;
    size_t next;
} vt__ledger_cps;

/* Load the checkpoints of `s` into `out` (zeroed first by the caller).
 * Returns 0, VT_EIO or VT_ENOMEM; dispose `out` in every case. */
int vt__ledger_cps_load(vt_store *s, vt__ledger_cps *out, vt_error *err);
void vt__ledger_cps_dispose(vt__ledger_cps *a);

#endif
