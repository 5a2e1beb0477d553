/*
 * obligations.h - the deadline clocks of a case, kept in the store.
 *
 * vt_obligations_refresh computes (deadline.h) the obligations of one case
 * from its organisation's policy profiles (orgs.profiles), facts
 * (orgs.kind, orgs.flags, cases.scope, cases.doc), recorded clock events
 * (case_events) and the organisation's zone, and upserts them into the
 * `obligations` table: a met or waived obligation stays so, a missed one
 * that is met later keeps its due time (met_ms > due_ms shows it was late).
 * vt_obligations_sweep marks the open ones whose due time has passed.
 * Every change is written to the ledger in the caller's transaction.
 *
 * None of these functions begins or commits a transaction: the server calls
 * them inside vt_server_write, the CLI and tests inside vt_store_begin/commit.
 */
#ifndef VULNTRACK_OBLIGATIONS_H
#define VULNTRACK_OBLIGATIONS_H

#include <cjson/cJSON.h>

#include "calendar.h"
#include "common.h"
#include "policy.h"
#include "store.h"

struct vt_policy_set;
struct vt_calendar_set;

/*
 * Recompute the obligations of case `case_id` from its organisation's
 * profiles, its facts and its events; upsert them (keeping met/waived
 * states); mark met those whose meeting event is recorded. Inside the
 * caller's transaction; appends ledger entries ("obligation.computed",
 * "obligation.met") for changes. `cs` may be NULL (no legal-latest view).
 * Returns 0, VT_ENOTFOUND (no such case), VT_EINVALID (the organisation
 * names a profile or zone that does not exist: err says which) or VT_EIO.
 */
VT_EXTERN int vt_obligations_refresh(vt_store *w, const struct vt_policy_set *ps,
                                     const struct vt_calendar_set *cs, int64_t case_id,
                                     int64_t now_ms, vt_error *err);

/*
 * Mark open obligations due before `now_ms` as missed, one ledger entry
 * ("obligation.missed") each; *marked (may be NULL) gets the count.
 * Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_obligations_sweep(vt_store *w, int64_t now_ms, long *marked, vt_error *err);

/*
 * Waive obligation `obligation_id` (the row id) with a reason; ledger entry
 * "obligation.waived". A met obligation cannot be waived. Returns 0,
 * VT_ENOTFOUND, VT_EINVALID (empty reason, or already met) or VT_EIO.
 */
VT_EXTERN int vt_obligation_waive(vt_store *w, int64_t obligation_id, const char *actor,
                                  const char *reason, int64_t now_ms, vt_error *err);

/*
 * Record that obligation `obligation_id` was met at `met_ms` (0: now_ms)
 * with `evidence` text (a receipt number, a file hash, a link), e.g. for
 * obligations no clock event meets; ledger entry "obligation.met". A late
 * one stays visibly late (met_ms > due_ms). Returns 0, VT_ENOTFOUND,
 * VT_EINVALID (empty evidence, met_ms in the future or before the start,
 * already waived) or VT_EIO.
 */
VT_EXTERN int vt_obligation_record_evidence(vt_store *w, int64_t obligation_id,
                                            const char *actor, const char *evidence,
                                            int64_t met_ms, int64_t now_ms, vt_error *err);

/* Filter for vt_obligations_query. Zero / NULL fields do not filter. */
typedef struct vt_obligation_filter {
    const char *state;   /* "pending" (open or missed), "open", "met", "missed", ... */
    int64_t due_before;  /* due_ms < this; 0: no limit */
    int64_t org_id;
    int64_t case_id;
    const char *profile;
    long limit;          /* 0: 100; at most 1000 */
} vt_obligation_filter;

#define VT_OBLIGATION_FILTER_INIT {NULL, 0, 0, 0, NULL, 0}

/*
 * The obligations that pass `f`, ordered by due time (those without one
 * last), as a new JSON array the caller frees with cJSON_Delete: each item
 * has id, case (ref), org (slug), profile, obligation, title, basis,
 * article, policy, informative, start_event, start / due / legal_latest
 * in UTC and in the organisation's zone ("due_local") with "time_zone",
 * state, met_at, late, evidence, waived_reason. `ps` (may be NULL) gives
 * the titles and labels. Returns 0, VT_EINVALID (unknown state) or VT_EIO.
 */
VT_EXTERN int vt_obligations_query(vt_store *s, const struct vt_policy_set *ps,
                                   const vt_obligation_filter *f, cJSON **out, vt_error *err);

/* Load every profile file of `dir` / every calendar file of `dir` (policy.h, calendar.h). */
VT_EXTERN int vt_policy_set_load_dir(const char *dir, struct vt_policy_set **out, vt_error *err);
VT_EXTERN void vt_policy_set_free(struct vt_policy_set *ps);
VT_EXTERN int vt_calendar_set_load_dir(const char *dir, struct vt_calendar_set **out,
                                       vt_error *err);
VT_EXTERN void vt_calendar_set_free(struct vt_calendar_set *cs);

/* Is `name` one of the clock events (policy.h)? */
VT_EXTERN bool vt_event_name_valid(const char *name);

#endif
