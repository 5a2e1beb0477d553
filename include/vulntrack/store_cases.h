/*
 * store_cases.h - the store's side of cases: rows of `cases`,
 * `case_transitions` and `case_events`, and the few columns of `orgs`,
 * `reports` and `obligations` the case service reads or sets. Plain
 * reads and writes, no rules: the rules live in cases.c. Functions that
 * write run inside the caller's transaction.
 */
#ifndef VULNTRACK_STORE_CASES_H
#define VULNTRACK_STORE_CASES_H

#include "cases.h"
#include "common.h"
#include "store.h"

/**
 * Fetch a case by `ref` or, when ref is NULL, by `id`, into *out (strings
 * owned by *out: vt_case_dispose). Returns 0, VT_ENOTFOUND, VT_EIO or
 * VT_ENOMEM.
 */
VT_EXTERN int vt_store_case_get(vt_store *s, int64_t id, const char *ref, vt_case *out,
                                vt_error *err);

/**
 * The next free reference of `year`, "VT-YYYY-NNNNNN", into `ref`.
 * Returns 0, VT_ETOOBIG (999999 cases that year already) or VT_EIO.
 */
VT_EXTERN int vt_store_case_next_ref(vt_store *w, int64_t year, char ref[VT_CASE_REF_MAX],
                                     vt_error *err);

/** Insert `c` (id ignored, set on success). Returns 0, VT_EIO or VT_ENOMEM. */
VT_EXTERN int vt_store_case_insert(vt_store *w, vt_case *c, vt_error *err);

/**
 * Store state, title, doc, duplicate_of, updated_ms and revision of `c` if
 * the row is still at revision `old_revision`; *stale says whether it was
 * not (then nothing changed). Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_case_save(vt_store *w, const vt_case *c, int64_t old_revision, bool *stale,
                                 vt_error *err);

/* One row of case_transitions. Strings borrowed. */
typedef struct vt_case_transition_row {
    int64_t case_id;
    int64_t seq;
    const char *from_state; /* NULL for the opening row */
    const char *to_state;
    const char *actor;
    int64_t at_ms;
    const char *reason;
    const char *note;
    int64_t ledger_seq; /* 0: none */
} vt_case_transition_row;

/** Append a transition row (never updated later). Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_case_transition_add(vt_store *w, const vt_case_transition_row *t,
                                           vt_error *err);

/** How many transition rows the case has (the next seq is that + 1). */
VT_EXTERN int vt_store_case_transition_count(vt_store *s, int64_t case_id, int64_t *out,
                                             vt_error *err);

/** Call `each` for every transition of the case, in order; strings valid during the call. */
VT_EXTERN int vt_store_case_transitions_each(vt_store *s, int64_t case_id,
                                             int (*each)(void *ctx,
                                                         const vt_case_transition_row *t),
                                             void *ctx, vt_error *err);

/* One row of case_events. Strings borrowed. */
typedef struct vt_case_event_row {
    int64_t case_id;
    const char *event;
    int64_t at_ms;
    const char *time_zone;
    const char *actor;
    const char *evidence;
    int64_t recorded_ms;
} vt_case_event_row;

/**
 * Record an event unless the case already has it: *added says which (the
 * existing row is never touched). Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_case_event_add(vt_store *w, const vt_case_event_row *e, bool *added,
                                      vt_error *err);

/** Call `each` for every event of the case, oldest first; strings valid during the call. */
VT_EXTERN int vt_store_case_events_each(vt_store *s, int64_t case_id,
                                        int (*each)(void *ctx, const vt_case_event_row *e),
                                        void *ctx, vt_error *err);

/* Which cases vt_store_case_list returns. */
typedef struct vt_case_filter {
    int64_t org_id;    /* 0: every organisation */
    const char *state; /* NULL: every state */
    int64_t after_id;  /* only ids above this (paging) */
    long limit;        /* at most this many */
} vt_case_filter;

/** Call `each` with the cases matching `f`, by id; the case is valid during the call. */
VT_EXTERN int vt_store_case_list(vt_store *s, const vt_case_filter *f,
                                 int (*each)(void *ctx, const vt_case *c), void *ctx,
                                 vt_error *err);

/**
 * How many obligations of the case are still outstanding (state open or
 * missed: neither met nor waived). Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_case_outstanding_obligations(vt_store *s, int64_t case_id, long *out,
                                                    vt_error *err);

/**
 * The IANA time zone of organisation `org_id` into `tz` (NUL-terminated,
 * truncated to fit). Returns 0, VT_ENOTFOUND or VT_EIO.
 */
VT_EXTERN int vt_store_case_org_zone(vt_store *s, int64_t org_id, char tz[64], vt_error *err);

/** The organisation id of slug `slug`. Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_store_case_org_id(vt_store *s, const char *slug, int64_t *out, vt_error *err);

/** The slug of organisation `id` into `slug`. Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_store_case_org_slug(vt_store *s, int64_t id, char slug[64], vt_error *err);

/* What the case service reads of a report. `title` owned: vt_free. */
typedef struct vt_case_report {
    int64_t org_id; /* 0: none */
    int64_t received_ms;
    int64_t case_id; /* 0: none */
    char *title;
} vt_case_report;

/** Fetch report `id`. Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM. */
VT_EXTERN int vt_store_case_report_get(vt_store *s, const char *id, vt_case_report *out,
                                       vt_error *err);

/** Link report `id` to case `case_id` and set its status. Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_store_case_report_link(vt_store *w, const char *id, int64_t case_id,
                                        const char *status, vt_error *err);

/** Call `each` with the id of every report linked to the case, oldest first. */
VT_EXTERN int vt_store_case_reports_each(vt_store *s, int64_t case_id,
                                         int (*each)(void *ctx, const char *report_id), void *ctx,
                                         vt_error *err);

#endif
