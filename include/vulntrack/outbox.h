/*
 * outbox.h - notifications waiting to be delivered. A message is written to
 * the outbox inside the same transaction as the change that causes it, so
 * a change is never kept without its messages nor a message without its
 * change; a worker then delivers it (webhook or e-mail) outside any
 * transaction and records the outcome. Every message has a message id,
 * fixed when it is queued and sent with every attempt, which receivers
 * de-duplicate on. docs/notifications.md is the receivers' manual.
 *
 * States: pending -> delivering -> delivered, or back to pending with a
 * later next attempt (exponential backoff with jitter), or dead after the
 * last attempt. A dead message goes back to pending only by hand
 * (vt_outbox_retry); a message left delivering by a crash goes back to
 * pending when the worker starts (vt_outbox_recover).
 *
 * Functions that write take the writer connection `w` and run inside the
 * caller's transaction; none of them begins or commits.
 */
#ifndef VULNTRACK_OUTBOX_H
#define VULNTRACK_OUTBOX_H

#include <cjson/cJSON.h>

#include "common.h"
#include "store.h"

/* Room for a message id and its NUL ("vt-" and 32 hex digits today). */
#define VT_OUTBOX_ID_MAX 48
/* Room for a signature header value: "sha256=" and 64 hex digits, NUL. */
#define VT_OUTBOX_SIG_MAX 72

/* What to queue. Every pointer is borrowed for the call. */
typedef struct vt_outbox_msg {
    int64_t case_id; /* 0: none */
    int64_t contact_id;
    const char *kind;       /* "upstream_notice", "user_notice", "advisory", ... */
    const char *obligation; /* NULL, or the obligation code a delivery meets */
    const char *subject;
    const char *body_json; /* JSON object text, the webhook body */
    const char *body_text; /* e-mail plain part */
    const char *body_html; /* e-mail HTML part, may be NULL */
} vt_outbox_msg;

/**
 * Queue a message inside the caller's transaction, due now. Refused by
 * rule P7 (vt_gate_check_share) when the contact's country requires it:
 * VT_EINVALID with err->field "/contact". Writes the new message id (what
 * receivers de-duplicate on) to message_id.
 * Returns 0, VT_EINVALID, VT_ENOTFOUND (no such contact), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_outbox_enqueue(vt_store *w, const vt_outbox_msg *m, char message_id[48],
                                vt_error *err);

/**
 * vt_outbox_enqueue without the P7 check, for callers that ran the check
 * themselves (and recorded a release) or for messages that carry nothing
 * unpublished. Same codes, without the P7 refusal.
 */
VT_EXTERN int vt_outbox_enqueue_unchecked(vt_store *w, const vt_outbox_msg *m, char message_id[48],
                                          vt_error *err);

/* How deliveries are retried. */
typedef struct vt_outbox_policy {
    int max_attempts; /* attempts before a message is dead; default 8 */
    int64_t base_ms;  /* delay after the first failure; default 2000 */
    int64_t cap_ms;   /* longest delay; default 10 minutes */
} vt_outbox_policy;

#define VT_OUTBOX_POLICY_INIT                                                                      \
    {                                                                                              \
        8, 2000, 600000                                                                            \
    }

/**
 * Delay before the next attempt after `attempts` failed ones (1 or more):
 * base * 2^(attempts-1), capped at cap, then moved by a jitter of up to
 * +-25 % drawn from `random` (any 32-bit value; uniform gives uniform
 * jitter). Never below 1 ms, never above cap plus a quarter. Pure.
 */
VT_EXTERN int64_t vt_outbox_backoff_ms(const vt_outbox_policy *p, int attempts, uint32_t random);

/**
 * The webhook signature of `body` sent at `timestamp_s` (unix seconds):
 * "sha256=" and the hex HMAC-SHA256 of "<timestamp>.<body>" keyed with
 * the bytes of `secret`. Returns 0 or VT_EINVALID (empty secret).
 */
VT_EXTERN int vt_outbox_sign(char out[VT_OUTBOX_SIG_MAX], const char *secret, int64_t timestamp_s,
                             const char *body, size_t body_len, vt_error *err);

/* One stored message, as read back. Strings are owned by the record. */
typedef struct vt_outbox_record {
    int64_t id;
    char message_id[VT_OUTBOX_ID_MAX];
    int64_t case_id;
    int64_t contact_id;
    char *kind;
    char *obligation; /* may be NULL */
    char *subject;
    char *body_json;
    char *body_text;
    char *body_html; /* may be NULL */
    char state[16];  /* "pending", "delivering", "delivered", "dead" */
    int attempts;
    int64_t next_attempt_ms;
    char *last_error; /* may be NULL */
    int64_t created_ms;
    int64_t delivered_ms; /* 0: not delivered */
} vt_outbox_record;

#define VT_OUTBOX_RECORD_INIT                                                                      \
    {                                                                                              \
        0                                                                                          \
    }

/** Free the strings of `r` (accepts VT_OUTBOX_RECORD_INIT); `r` is VT_OUTBOX_RECORD_INIT again. */
VT_EXTERN void vt_outbox_record_dispose(vt_outbox_record *r);

/** Read message `id` (the row id) into `out` (dispose it). Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_outbox_get(vt_store *s, int64_t id, vt_outbox_record *out, vt_error *err);

/**
 * Claim up to `max` messages due at `now_ms` (pending, next attempt not
 * later than now), oldest first: they become delivering. Their row ids go
 * to `ids`, their number to *n. Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_outbox_claim(vt_store *w, int64_t now_ms, size_t max, int64_t *ids, size_t *n,
                              vt_error *err);

/**
 * Record that message `id` was delivered at `at_ms`. *first (may be NULL)
 * is true when this is the first delivery recorded for it (a message
 * already delivered stays as it was). Returns 0, VT_ENOTFOUND or VT_EIO.
 */
VT_EXTERN int vt_outbox_mark_delivered(vt_store *w, int64_t id, int64_t at_ms, bool *first,
                                       vt_error *err);

/**
 * Record a failed attempt of message `id` with `error` (one line): one
 * attempt more, and pending again at now + vt_outbox_backoff_ms, or dead
 * when the attempts reach p->max_attempts. *dead (may be NULL) says which.
 * Returns 0, VT_ENOTFOUND or VT_EIO.
 */
VT_EXTERN int vt_outbox_mark_failed(vt_store *w, int64_t id, const char *error, int64_t now_ms,
                                    const vt_outbox_policy *p, uint32_t random, bool *dead,
                                    vt_error *err);

/**
 * Messages left delivering (by a crash) become pending and due at
 * `now_ms`; they keep their message id, so a receiver that got them
 * already can drop the repeat. *n (may be NULL) gets how many. Returns 0
 * or VT_EIO.
 */
VT_EXTERN int vt_outbox_recover(vt_store *w, int64_t now_ms, long *n, vt_error *err);

/**
 * A dead message back to pending, due at `now_ms`, attempts counted from 0
 * again, same message id. Only messages of organisation `org_id` (0: any).
 * Returns 0, VT_ENOTFOUND, VT_EINVALID (not dead: err->field "/state") or
 * VT_EIO.
 */
VT_EXTERN int vt_outbox_retry(vt_store *w, int64_t id, int64_t org_id, int64_t now_ms,
                              vt_error *err);

/* Filter for vt_outbox_list. Zero / NULL fields do not filter. */
typedef struct vt_outbox_filter {
    int64_t org_id; /* the contact's organisation */
    int64_t case_id;
    const char *state; /* "pending", "delivering", "delivered", "dead" */
    long limit;        /* 0: 100 */
} vt_outbox_filter;

/**
 * The messages matching `f`, newest first, as a JSON array of {id,
 * message_id, case, contact {id, name, channel}, kind, obligation,
 * subject, state, attempts, next_attempt_at, last_error, created_at,
 * delivered_at}. On success *out is new (cJSON_Delete).
 * Returns 0, VT_EINVALID (unknown state: err->field "/state"), VT_EIO or
 * VT_ENOMEM.
 */
VT_EXTERN int vt_outbox_list(vt_store *s, const vt_outbox_filter *f, cJSON **out, vt_error *err);

/** True when `state` is one of the four outbox states. */
VT_EXTERN bool vt_outbox_state_valid(const char *state);

#endif
