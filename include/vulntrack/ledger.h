/*
 * ledger.h - the receipt ledger: an append-only, hash-chained record of what
 * arrived (reports, messages), when, through which channel and from whom,
 * and of what the service did with it (transitions, obligations).
 *
 * Each entry's hash covers a canonical encoding of the entry ("vt-ledger-1",
 * docs/ledger.md) followed by the previous entry's hash, so that changing,
 * removing or reordering an entry breaks every later hash. Checkpoints sign
 * the hash of one entry with an Ed25519 key, so that a copy of the ledger can
 * be checked by someone who trusts only the public key. Entries older than
 * the retention period (never below 6 months) may be purged, in whole
 * segments ending at a checkpoint, so the rest stays verifiable.
 *
 * Functions that write take the writer connection and run inside the
 * caller's transaction; they never begin or commit one themselves.
 */
#ifndef VULNTRACK_LEDGER_H
#define VULNTRACK_LEDGER_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "clock.h"
#include "common.h"
#include "store.h"

/* Version tag of the canonical entry encoding (first field of it). */
#define VT_LEDGER_FORMAT "vt-ledger-1"
/* First line of the text a checkpoint signs. */
#define VT_LEDGER_CHECKPOINT_FORMAT "vt-ledger-checkpoint-1"
/* The prev_hash of the first entry ever appended: 32 zero bytes in hex. */
#define VT_LEDGER_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* Longest `detail` text accepted (bytes, before canonicalisation). */
#define VT_LEDGER_DETAIL_MAX (16 * 1024)
/* Longest kind, channel, actor or subject (bytes). */
#define VT_LEDGER_FIELD_MAX 512

/* What to record. Every pointer is borrowed for the call. */
typedef struct vt_ledger_entry_in {
    const char *kind;    /* "report.received", "report.message", "case.transition", "case.event",
                            "obligation.computed", "obligation.missed", "obligation.waived", ... */
    const char *channel; /* "api", "web", "email", "cli", "system" */
    const char *actor;   /* vt_principal.name, or "system" */
    const char *subject; /* the record: report id, case ref, ... */
    const void *content; /* what arrived; only its SHA-256 is kept (NULL with len 0: empty) */
    size_t content_len;
    const char *detail;  /* NULL or a small JSON object text (summary fields), stored canonicalised */
    int64_t at_ms;       /* 0: vt_clock_now_ms() */
} vt_ledger_entry_in;

/* What the append gives back: enough to hand the sender a receipt. */
typedef struct vt_ledger_receipt {
    int64_t seq;
    char entry_hash[65];                 /* hex SHA-256 */
    int64_t at_ms;
    char received_at[VT_TIME_TEXT_MAX];  /* at_ms as RFC 3339 UTC */
} vt_ledger_receipt;

/**
 * Append one entry inside the caller's transaction (on the writer
 * connection `w`). `kind`, `channel`, `actor` and `subject` must be
 * non-empty UTF-8 without control characters; `detail`, when given, must be
 * a JSON object. `out` may be NULL.
 * Returns 0, VT_EINVALID (err->field names the field: "/kind", "/detail",
 * ...), VT_ETOOBIG, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_ledger_append(vt_store *w, const vt_ledger_entry_in *in, vt_ledger_receipt *out,
                               vt_error *err);

/* One stored entry, as read back. Strings are valid during the callback only. */
typedef struct vt_ledger_entry {
    int64_t seq;
    int64_t at_ms;
    const char *kind;
    const char *channel;
    const char *actor;
    const char *subject;
    const char *content_sha256; /* hex */
    const char *detail;         /* canonical JSON object text ("{}" when none was given) */
    const char *prev_hash;      /* hex */
    const char *entry_hash;     /* hex */
} vt_ledger_entry;

/**
 * Call `each` for up to `limit` entries (limit <= 0: all) with seq > after_seq,
 * in seq order. `each` may return a negative code to stop; it is passed up.
 * Returns 0, VT_EIO or `each`'s code.
 */
VT_EXTERN int vt_ledger_list(vt_store *s, int64_t after_seq, long limit,
                             int (*each)(void *ctx, const vt_ledger_entry *e), void *ctx,
                             vt_error *err);

/**
 * Entry `e` as a new JSON object into *out (the caller frees it with
 * cJSON_Delete): seq, at_ms, received_at (RFC 3339 UTC), kind, channel,
 * actor, subject, content_sha256, detail (the stored object, parsed; its
 * text if it does not parse), prev_hash, entry_hash. The one shape of an
 * entry shown by `vulntrack ledger list --json` and GET /api/v1/ledger.
 * Returns 0 or VT_ENOMEM (*out NULL).
 */
VT_EXTERN int vt_ledger_entry_json(const vt_ledger_entry *e, cJSON **out);

/** The seq of the newest entry into *last_seq (0 when the ledger is empty). Returns 0 or VT_EIO. */
VT_EXTERN int vt_ledger_height(vt_store *s, int64_t *last_seq, vt_error *err);

/* ---- Signing key -------------------------------------------------------- */

typedef struct vt_ledger_key {
    uint8_t public_key[32];
    uint8_t secret_key[64]; /* libsodium layout: seed then public key */
    char public_hex[65];
} vt_ledger_key;

/**
 * Load the Ed25519 signing key from `path` (a text file: the 64-byte secret
 * key in hex, one line), or create it (libsodium crypto_sign_keypair, file
 * mode 0600, created exclusively) when the file does not exist. A file that
 * is readable or writable by group or others is refused (VT_EINVALID), as
 * is one whose public half does not match its seed. `created` may be NULL.
 * Returns 0, VT_EINVALID, VT_EIO or VT_EINTERNAL (libsodium unavailable).
 */
VT_EXTERN int vt_ledger_key_load_or_create(const char *path, vt_ledger_key *key, bool *created,
                                           vt_error *err);

/**
 * Load only the public half of the key at `path` into `key` (secret_key
 * zeroed). Returns 0, VT_ENOTFOUND (no key file yet), VT_EINVALID or VT_EIO.
 */
VT_EXTERN int vt_ledger_key_load_public(const char *path, vt_ledger_key *key, vt_error *err);

/** Erase the secret half of `key` (sodium_memzero). Accepts NULL. */
VT_EXTERN void vt_ledger_key_wipe(vt_ledger_key *key);

/**
 * Parse a public key given as 64 hex digits into `out`. Returns 0 or VT_EINVALID.
 */
VT_EXTERN int vt_ledger_pubkey_parse(const char *hex, uint8_t out[32], vt_error *err);

/* ---- Checkpoints -------------------------------------------------------- */

/**
 * Inside the caller's transaction: sign a checkpoint of the newest entry
 * when there are entries newer than the last checkpoint and either
 * `every_entries` (> 0) of them have accumulated or `every_ms` (> 0) has
 * passed since the last checkpoint was signed (or, with none yet, since the
 * first unsealed entry). `made` (may be NULL) says whether one was signed.
 * Also records key->public_hex in settings('ledger_public_key').
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_ledger_checkpoint_if_due(vt_store *w, const vt_ledger_key *key,
                                          long every_entries, int64_t every_ms, int64_t now_ms,
                                          bool *made, vt_error *err);

/**
 * Inside the caller's transaction: sign a checkpoint of the newest entry now
 * (nothing happens when it is already sealed). VT_ENOTFOUND when the ledger
 * is empty. Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_ledger_checkpoint(vt_store *w, const vt_ledger_key *key, int64_t now_ms,
                                   vt_error *err);

/* One checkpoint, as read back (strings valid during the callback). */
typedef struct vt_ledger_checkpoint_row {
    int64_t seq;
    const char *entry_hash;
    int64_t signed_ms;
    const char *public_key; /* hex */
    const char *signature;  /* hex */
} vt_ledger_checkpoint_row;

/**
 * Call `each` for every checkpoint in seq order. Returns 0, VT_EIO or
 * `each`'s negative code.
 */
VT_EXTERN int vt_ledger_checkpoints(vt_store *s,
                                    int (*each)(void *ctx, const vt_ledger_checkpoint_row *c),
                                    void *ctx, vt_error *err);

/* ---- Verification ------------------------------------------------------- */

typedef struct vt_ledger_verify_result {
    bool intact;
    int64_t entries;             /* entries present */
    int64_t first_seq, last_seq; /* 0 when empty */
    int64_t bad_seq;             /* the first entry that does not verify (0 when intact) */
    int64_t checkpoints;         /* valid checkpoints seen */
    int64_t last_checkpoint_seq; /* newest valid checkpoint (0: none) */
    int64_t unsealed;            /* entries after the last checkpoint */
    char reason[256];            /* why bad_seq fails ("" when intact) */
} vt_ledger_verify_result;

/**
 * Recompute the chain of the ledger in `s` (read-only). When
 * `trusted_public_key` is not NULL every checkpoint must be signed by it;
 * when NULL each checkpoint is checked against the key it records. The
 * first failure sets intact = false, bad_seq and reason: entry hash
 * mismatch, prev_hash mismatch, gap in seq, bad checkpoint signature,
 * checkpoint hash differs from the entry's, first entry not anchored by a
 * checkpoint after a purge. A broken ledger is still a successful call.
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_ledger_verify(vt_store *s, const uint8_t *trusted_public_key,
                               vt_ledger_verify_result *res, vt_error *err);

/* ---- Retention and purge ------------------------------------------------ */

/* Art. 5 of the 2021 Regulations: network logs kept at least 6 months. */
#define VT_LEDGER_RETENTION_FLOOR_MONTHS 6

/**
 * Check a configured retention period. Returns 0, or VT_EINVALID with a
 * message citing the rule when `months` is below the floor.
 */
VT_EXTERN int vt_ledger_retention_check(int months, vt_error *err);

/**
 * Inside the caller's transaction: delete the entries older than
 * `retention_months` before `now_ms` (month rule of vt_add_months_ms), but
 * only whole segments ending at a checkpointed entry, and never an entry
 * younger than the floor. Records the purge in ledger_purges and appends a
 * "ledger.purge" entry. *purged (may be NULL) is the number deleted (0 when
 * no segment was eligible: then nothing is written). A segment that does
 * not verify is not deleted (VT_EINVALID): it may be the evidence.
 * Returns 0, VT_EINVALID (retention below the floor, or the segment does
 * not verify), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_ledger_purge(vt_store *w, int retention_months, int64_t now_ms, int64_t *purged,
                              vt_error *err);

/* ---- Export for third parties ------------------------------------------- */

/**
 * Write the ledger as JSON lines (docs/ledger.md): a header line, then the
 * purge records, checkpoints and entries in seq order, each line an object
 * with a "type" member. Read from one snapshot.
 * Returns 0, VT_EIO (reading or writing) or VT_ENOMEM.
 */
VT_EXTERN int vt_ledger_export(vt_store *s, FILE *out, vt_error *err);

/**
 * Verify an export read from `in`, trusting only `public_key`: the chain
 * must be intact, every checkpoint signed by that key, and the newest entry
 * sealed by a checkpoint; otherwise intact = false and reason says so
 * (res->unsealed counts the trailing entries no checkpoint covers). A file
 * that is not an export fails with VT_EINVALID, err->msg naming the line
 * number and field ("line 4: field \"seq\": ...").
 * Returns 0, VT_EINVALID, VT_ETOOBIG, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_ledger_verify_export(FILE *in, const uint8_t public_key[32],
                                      vt_ledger_verify_result *res, vt_error *err);

#endif
