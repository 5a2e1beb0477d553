/*
 * store_advisories.h - rows of `published_advisories` (migration 5): one
 * row per published document (tracking id, revision, category). Rows are
 * only inserted; a republication is a new revision. Plain reads and
 * writes; the rules live in advisories.c.
 */
#ifndef VULNTRACK_STORE_ADVISORIES_H
#define VULNTRACK_STORE_ADVISORIES_H

#include "common.h"
#include "store.h"

/* One row. Strings borrowed: valid for the call (insert) or the callback (each). */
typedef struct vt_advisory_row {
    int64_t id;
    int64_t case_id;
    const char *case_ref; /* read only (from cases) */
    int64_t org_id;       /* read only (from cases) */
    const char *tracking_id;
    int64_t revision;
    const char *category; /* csaf_security_advisory, csaf_vex, osv */
    const char *document;
    const char *sha512; /* lower-case hex of document */
    int64_t published_ms;
    const char *actor;
} vt_advisory_row;

/** Insert a row (id, case_ref and org_id ignored). Returns 0, VT_EINVALID (that revision exists) or
 * VT_EIO. */
VT_EXTERN int vt_store_advisory_insert(vt_store *w, const vt_advisory_row *r, vt_error *err);

/* Filters of vt_store_advisory_each; NULL / 0 / false: no filter. */
typedef struct vt_advisory_filter {
    const char *tracking_id;
    const char *category;
    int64_t case_id;
    int64_t org_id;
    bool latest_only; /* only the highest revision of each (tracking id, category) */
} vt_advisory_filter;

/**
 * Call `each` for every row matching `f`, ordered by tracking id,
 * category, revision. A non-zero return from `each` stops and is
 * returned. Returns 0, VT_EIO or each's code.
 */
VT_EXTERN int vt_store_advisory_each(vt_store *s, const vt_advisory_filter *f,
                                     int (*each)(void *ctx, const vt_advisory_row *r), void *ctx,
                                     vt_error *err);

#endif
