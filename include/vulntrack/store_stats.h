/*
 * store_stats.h - the figures the service exposes on /metrics and
 * /readyz, read in one short query each.
 */
#ifndef VULNTRACK_STORE_STATS_H
#define VULNTRACK_STORE_STATS_H

#include "common.h"
#include "store.h"

typedef struct vt_service_stats {
    int64_t ledger_height;     /* seq of the newest ledger entry, 0 when empty */
    int64_t reports;           /* reports received */
    int64_t cases_open;        /* cases not closed or rejected */
    int64_t obligations_open;  /* open obligations */
    int64_t obligations_overdue; /* missed, or open with a due time before now */
} vt_service_stats;

/** Read the figures as of `now_ms`. Read-only. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_service_stats(vt_store *s, int64_t now_ms, vt_service_stats *out,
                                     vt_error *err);

/** A cheap query that proves the database answers (for /readyz). Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_ping(vt_store *s, vt_error *err);

#endif
