/*
 * store_gate.h - the store's side of the disclosure gate: disclosure
 * records and blackout windows (rows written and read), and the reads the
 * rules need beside the case row (store_cases.h): the organisation's kind
 * and country, whether the case has a clock event, the classifications of
 * its reports' attachments, and the identifiers of the organisation's
 * assets. Plain reads and writes, no rules: gate.c has the rules. Writes
 * run inside the caller's transaction.
 */
#ifndef VULNTRACK_STORE_GATE_H
#define VULNTRACK_STORE_GATE_H

#include "common.h"
#include "store.h"

/** Kind ("vendor", "operator", "platform") and country (ISO alpha-2) of
 *  organisation `org_id`. Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_store_gate_org(vt_store *s, int64_t org_id, char kind[16], char country[8],
                                vt_error *err);

/** Whether case `case_id` has clock event `event` recorded (*found). Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_gate_event(vt_store *s, int64_t case_id, const char *event, bool *found,
                                  vt_error *err);

/* An attachment of one of the case's reports. Strings valid during the callback. */
typedef struct vt_store_gate_attachment {
    int64_t id;
    const char *report_id;
    const char *filename;
    const char *classification;
    const char *sha256; /* hex */
} vt_store_gate_attachment;

/** Call `each` for every attachment of the reports of case `case_id`, by id.
 *  A negative return of `each` stops and is passed up. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_gate_attachments_each(vt_store *s, int64_t case_id,
                                             int (*each)(void *ctx,
                                                         const vt_store_gate_attachment *a),
                                             void *ctx, vt_error *err);

/** Call `each` with the `identifiers` JSON text of every asset of
 *  organisation `org_id` (its name beside it). Returns 0, VT_EIO or each's code. */
VT_EXTERN int vt_store_gate_asset_identifiers_each(vt_store *s, int64_t org_id,
                                                   int (*each)(void *ctx, const char *asset_name,
                                                               const char *identifiers_json),
                                                   void *ctx, vt_error *err);

/* A row of disclosure_records. Strings valid during the callback (or borrowed on insert). */
typedef struct vt_store_gate_record {
    int64_t id;
    int64_t case_id;
    const char *kind;
    const char *record; /* JSON object text */
    const char *actor;
    int64_t created_ms;
} vt_store_gate_record;

/** Insert a disclosure record (id ignored); *id_out (may be NULL) gets the id. Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_gate_record_insert(vt_store *w, const vt_store_gate_record *r,
                                          int64_t *id_out, vt_error *err);

/** Call `each` for the records of case `case_id` of `kind` (NULL: every kind), oldest
 *  first. Returns 0, VT_EIO or each's code. */
VT_EXTERN int vt_store_gate_records_each(vt_store *s, int64_t case_id, const char *kind,
                                         int (*each)(void *ctx, const vt_store_gate_record *r),
                                         void *ctx, vt_error *err);

/* A row of blackout_windows. Strings as for records. */
typedef struct vt_store_gate_window {
    int64_t id;
    int64_t org_id; /* 0: every organisation */
    int64_t starts_ms;
    int64_t ends_ms; /* exclusive */
    const char *reason;
    int64_t created_ms;
} vt_store_gate_window;

/** Insert a blackout window (id ignored). Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_gate_window_insert(vt_store *w, const vt_store_gate_window *b,
                                          int64_t *id_out, vt_error *err);

/** Delete blackout window `id`; *deleted says whether it existed. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_gate_window_delete(vt_store *w, int64_t id, bool *deleted, vt_error *err);

/** Call `each` for the windows that apply to organisation `org_id` (its own and the
 *  global ones; org_id < 0: every window), by start. With `at_ms` > 0 only those with
 *  starts_ms <= at_ms < ends_ms. Returns 0, VT_EIO or each's code. */
VT_EXTERN int vt_store_gate_windows_each(vt_store *s, int64_t org_id, int64_t at_ms,
                                         int (*each)(void *ctx, const vt_store_gate_window *b),
                                         void *ctx, vt_error *err);

/** Fetch window `id` into *out (reason copied into `reason`, truncated). Returns 0,
 *  VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_store_gate_window_get(vt_store *s, int64_t id, vt_store_gate_window *out,
                                       char *reason, size_t reason_cap, vt_error *err);

#endif
