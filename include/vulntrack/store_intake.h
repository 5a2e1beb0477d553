/*
 * store_intake.h - the store's side of the intake channel: rows of
 * `reports`, `report_messages` and `attachments` (migration 3), read and
 * written as they are. Validation, ids, tokens and the ledger entry live in
 * the domain (intake.h).
 *
 * Writes run inside the caller's transaction. Rows handed to callbacks are
 * valid during the call only; a callback may return a negative code to
 * stop, which is passed up, and must not use the store itself.
 */
#ifndef VULNTRACK_STORE_INTAKE_H
#define VULNTRACK_STORE_INTAKE_H

#include "common.h"
#include "store.h"

/* One row of `reports` (plus the case's ref when read). Strings borrowed. */
typedef struct vt_store_report_row {
    const char *id;
    int64_t org_id;                /* 0: none */
    const uint8_t *tracking_hash;  /* 32 bytes; insert only */
    int64_t received_ms;
    const char *channel;
    const char *client_addr;       /* NULL: unknown */
    const char *submitted_by;
    const char *title;
    const char *body;              /* the normalised report JSON, attachments by reference */
    const char *content_sha256;    /* hex SHA-256 of the request bytes */
    const char *status;            /* insert: NULL for the default 'received' */
    int64_t case_id;               /* 0: none */
    const char *case_ref;          /* read only: the case's ref, or NULL */
    int64_t ledger_seq;
    int64_t acknowledged_ms;       /* 0: not recorded */
} vt_store_report_row;

/** Insert a report row (status 'received' when r->status is NULL). Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_report_insert(vt_store *w, const vt_store_report_row *r, vt_error *err);

/** Set the body and ledger_seq of report `id` once its ledger entry exists. Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_store_report_finish(vt_store *w, const char *id, const char *body,
                                     int64_t ledger_seq, vt_error *err);

/**
 * The greatest report id into `out` (cap bytes, NUL-terminated); *found
 * false (and out "") when there is none. Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_report_max_id(vt_store *s, char *out, size_t cap, bool *found,
                                     vt_error *err);

/** Call `each` once with report `id`. Returns 0, VT_ENOTFOUND, VT_EIO or each's code. */
VT_EXTERN int vt_store_report_get(vt_store *s, const char *id,
                                  int (*each)(void *ctx, const vt_store_report_row *r),
                                  void *ctx, vt_error *err);

/**
 * Call `each` for up to `limit` reports in descending id order: only
 * organisation `org_id` when `org_id` > 0 (all when 0), only status
 * `status` when not NULL, only ids below `before_id` when not NULL.
 * Returns 0, VT_EIO or each's code.
 */
VT_EXTERN int vt_store_report_each(vt_store *s, int64_t org_id, const char *status,
                                   const char *before_id, long limit,
                                   int (*each)(void *ctx, const vt_store_report_row *r),
                                   void *ctx, vt_error *err);

/* One row of `report_messages`. Strings borrowed. */
typedef struct vt_store_message_row {
    int64_t id;          /* set by insert */
    const char *report_id;
    int64_t received_ms;
    const char *author;
    const char *body;
    const char *content_sha256;
    int64_t ledger_seq;
} vt_store_message_row;

/** Insert a message row; *id gets its id. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_message_insert(vt_store *w, const vt_store_message_row *m, int64_t *id,
                                      vt_error *err);

/** Set the ledger_seq of message `id`. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_message_set_seq(vt_store *w, int64_t id, int64_t ledger_seq,
                                       vt_error *err);

/** Call `each` for every message of report `report_id` in id order. Returns 0, VT_EIO or each's code. */
VT_EXTERN int vt_store_message_each(vt_store *s, const char *report_id,
                                    int (*each)(void *ctx, const vt_store_message_row *m),
                                    void *ctx, vt_error *err);

/* One row of `attachments`. Strings and content borrowed. */
typedef struct vt_store_attachment_row {
    int64_t id;
    const char *report_id;
    int64_t message_id; /* 0: attached to the report itself */
    const char *filename;
    const char *media_type;
    const char *classification;
    int64_t size;
    const char *sha256;
    const void *content; /* NULL in listings (vt_store_attachment_each) */
} vt_store_attachment_row;

/** Insert an attachment row; *id gets its id. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_attachment_insert(vt_store *w, const vt_store_attachment_row *a,
                                         int64_t *id, vt_error *err);

/**
 * Call `each` for every attachment of report `report_id` (its own and its
 * messages'), in id order, without content. Returns 0, VT_EIO or each's code.
 */
VT_EXTERN int vt_store_attachment_each(vt_store *s, const char *report_id,
                                       int (*each)(void *ctx, const vt_store_attachment_row *a),
                                       void *ctx, vt_error *err);

/**
 * Call `each` once with attachment `id` of report `report_id`, content
 * included. Returns 0, VT_ENOTFOUND, VT_EIO or each's code.
 */
VT_EXTERN int vt_store_attachment_get(vt_store *s, const char *report_id, int64_t id,
                                      int (*each)(void *ctx, const vt_store_attachment_row *a),
                                      void *ctx, vt_error *err);

/**
 * The organisation the intake channel files reports under: the one with
 * slug `slug` when given and it exists, else the first one created; *org_id
 * 0 when there is none. Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_intake_org(vt_store *s, const char *slug, int64_t *org_id,
                                  vt_error *err);

/**
 * The organisation with slug `slug`: *org_id, or 0 when there is none.
 * Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_org_id_by_slug(vt_store *s, const char *slug, int64_t *org_id,
                                      vt_error *err);

/** The slug of organisation `id` into `out` (cap bytes); "" when absent. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_org_slug(vt_store *s, int64_t id, char *out, size_t cap, vt_error *err);

#endif
