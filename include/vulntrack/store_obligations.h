/*
 * store_obligations.h - the store's side of the deadline clocks: rows of
 * `obligations`, and the columns of `cases`, `orgs`, `case_events` and
 * `kev` the computation reads. Plain reads and writes, no rules (those are
 * in obligations.c). Functions that write run in the caller's transaction.
 */
#ifndef VULNTRACK_STORE_OBLIGATIONS_H
#define VULNTRACK_STORE_OBLIGATIONS_H

#include "common.h"
#include "store.h"

/* A case with its organisation's settings. Strings owned: vt_obl_case_dispose. */
typedef struct vt_obl_case {
    int64_t case_id;
    char *ref;
    char *scope;
    char *state;     /* the case's lifecycle state ("rejected", ...) */
    char *doc;       /* JSON object text */
    int64_t org_id;
    char *org_slug;
    char *org_kind;  /* vendor, operator, platform */
    char *time_zone;
    char *profiles;  /* JSON array text */
    char *flags;     /* JSON object text */
} vt_obl_case;

VT_EXTERN void vt_obl_case_dispose(vt_obl_case *c);

/** Read case `case_id` and its organisation. Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM. */
VT_EXTERN int vt_store_obl_case(vt_store *s, int64_t case_id, vt_obl_case *out, vt_error *err);

/* One recorded clock event; strings valid during the callback. */
typedef struct vt_obl_event_row {
    const char *event;
    int64_t at_ms;
    const char *actor;
    const char *evidence; /* may be NULL */
} vt_obl_event_row;

/** Call `each` for every event of the case (by time). Returns 0, VT_EIO or each's code. */
VT_EXTERN int vt_store_obl_events_each(vt_store *s, int64_t case_id,
                                       int (*each)(void *ctx, const vt_obl_event_row *e),
                                       void *ctx, vt_error *err);

/* One obligation row. `evidence` and `waived_reason` are owned: vt_obl_row_dispose. */
typedef struct vt_obl_row {
    int64_t id;
    int64_t case_id;
    char profile[48];
    char obligation[48];
    char start_event[48];
    bool has_start;
    int64_t start_ms;
    bool has_due;
    int64_t due_ms;
    bool has_legal_latest;
    int64_t legal_latest_ms;
    char state[16];          /* open, met, missed, waived, not_applicable */
    bool has_met;
    int64_t met_ms;
    char *evidence;
    char *waived_reason;
    int64_t updated_ms;
} vt_obl_row;

VT_EXTERN void vt_obl_row_dispose(vt_obl_row *r);

/**
 * The row of (case, profile, obligation) into *out; *found says whether
 * it exists. Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_obl_find(vt_store *s, int64_t case_id, const char *profile,
                                const char *obligation, bool *found, vt_obl_row *out,
                                vt_error *err);

/** The row with id `id`. Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM. */
VT_EXTERN int vt_store_obl_get(vt_store *s, int64_t id, vt_obl_row *out, vt_error *err);

/** Insert `r` (r->id set) or, when r->id is not 0, update every column of it. */
VT_EXTERN int vt_store_obl_put(vt_store *w, vt_obl_row *r, vt_error *err);

/**
 * Ids of open obligations with due_ms < now_ms, at most `max`, into ids
 * (*n of them, earliest due first). Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_obl_overdue(vt_store *s, int64_t now_ms, int64_t *ids, size_t max,
                                   size_t *n, vt_error *err);

/** The case reference of case `case_id` into ref. Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_store_obl_case_ref(vt_store *s, int64_t case_id, char ref[32], vt_error *err);

/* Query filter: states NULL or up to two states ("open", "missed"). */
typedef struct vt_obl_query {
    const char *state1, *state2;
    int64_t due_before;  /* 0: any */
    int64_t org_id;      /* 0: any */
    int64_t case_id;     /* 0: any */
    const char *profile; /* NULL: any */
    long limit;
} vt_obl_query;

/* A query result row; strings valid during the callback. */
typedef struct vt_obl_query_row {
    const vt_obl_row *o;
    const char *case_ref;
    const char *org_slug;
    const char *time_zone;
    const char *org_flags;
} vt_obl_query_row;

/** Rows matching `q`, by due time (none last), then id. Returns 0, VT_EIO or each's code. */
VT_EXTERN int vt_store_obl_query(vt_store *s, const vt_obl_query *q,
                                 int (*each)(void *ctx, const vt_obl_query_row *r), void *ctx,
                                 vt_error *err);

#endif
