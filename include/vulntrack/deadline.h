/*
 * deadline.h - the pure deadline computation: a policy profile, the facts
 * and recorded events of one case, the organisation's time zone and the
 * holiday calendars in; the case's obligations out. No I/O, no clock: the
 * caller passes everything (obligations.h keeps the results in the store).
 *
 * Rules (spec regulations.md §1, §3.2, §10):
 * - hour clocks add exact hours; day clocks add N x 24 h; month clocks use
 *   the month rule (vt_add_months_ms: 31 Oct + 1 month = 30 Nov);
 * - the Civil-Code legal latest (cn_civil_code): the start day (local, in
 *   the calendar's zone) is excluded, the period ends at 24:00 of the Nth
 *   following day, moved to the end of the next working day when that day
 *   is a rest day (weekend not made a working day, or a listed holiday);
 * - BOD 22-01: due at 23:59:59 (evaluation zone) of the KEV dueDate, or of
 *   dateAdded + 6 months (CVE before 2021) / + 14 days without one;
 * - BOD 26-04: due = start + the decision table's days.
 */
#ifndef VULNTRACK_DEADLINE_H
#define VULNTRACK_DEADLINE_H

#include <cjson/cJSON.h>

#include "calendar.h"
#include "common.h"
#include "policy.h"
#include "tz.h"

/* A yes / no / unknown input. */
typedef enum vt_tri { VT_TRI_NO = 0, VT_TRI_YES = 1, VT_TRI_UNKNOWN = 2 } vt_tri;

/* What a case is, for the applicability conditions of a profile. */
typedef struct vt_case_facts {
    unsigned roles;          /* VT_PROLE_* of the organisation */
    unsigned scope;          /* one VT_SCOPE_* bit */
    unsigned product_type;   /* one VT_PTYPE_* bit, 0 when unknown */
    bool upstream;           /* an upstream provider is named (doc.upstream) */
    bool upstream_known;     /* ... and it was known at awareness */
    bool users_must_act;     /* doc.users_must_act, default true */
    bool eu_market;          /* doc.eu_market */
    bool in_kev;             /* a CVE of the case is in the KEV catalogue */
    int64_t kev_added_day;   /* its dateAdded (day number), when in_kev */
    bool kev_has_due;
    int64_t kev_due_day;     /* its dueDate, when kev_has_due */
    int cve_year;            /* year part of that CVE id, 0 unknown */
    vt_tri exposed;          /* BOD 26-04 inputs */
    vt_tri automatable;
    vt_tri total_impact;     /* YES total, NO partial */
    int64_t next_upgrade_ms; /* the asset's next scheduled upgrade, 0 none */
    bool rejected;           /* the case was rejected (not a vulnerability, duplicate, ...) */
} vt_case_facts;

#define VT_CASE_FACTS_INIT                                                                  \
    {0, VT_SCOPE_OWN_PRODUCT, 0, false, false, true, false, false, 0, false, 0, 0,          \
     VT_TRI_UNKNOWN, VT_TRI_UNKNOWN, VT_TRI_UNKNOWN, 0, false}

/* A recorded clock event. */
typedef struct vt_case_event {
    const char *name;
    int64_t at_ms;
} vt_case_event;

typedef struct vt_deadline_input {
    const vt_case_facts *facts;
    const vt_case_event *events;
    size_t nevents;
    const vt_tz *org_tz;              /* the organisation's zone (required) */
    const vt_calendar_set *calendars; /* NULL: no legal-latest view */
    /* The organisation's overrides of policy values (org flags "policy"):
     * {"PROFILE": {"OBLIGATION": {"hours"|"days"|"months": N, "start_event": E}}},
     * or NULL. Only obligations marked policy take a new amount, and only
     * a listed choice is taken as start event. */
    const cJSON *overrides;
} vt_deadline_input;

/* The computed state; missed and waived are decided by the store. */
typedef enum vt_deadline_state {
    VT_DEADLINE_OPEN = 0,
    VT_DEADLINE_MET,
    VT_DEADLINE_NOT_APPLICABLE,
} vt_deadline_state;

/* One computed obligation. Pointers are into the profile (or static). */
typedef struct vt_deadline {
    const char *profile;
    const vt_policy_obligation *def;
    const char *start_event;  /* the event its clock starts at, or awaits */
    bool started;
    int64_t start_ms;
    bool has_due;
    int64_t due_ms;
    bool has_legal_latest;
    int64_t legal_latest_ms;
    bool calendar_uncovered;  /* the legal latest fell in a year the calendar does not list */
    vt_deadline_state state;
    int64_t met_ms;           /* when MET by its event */
    const char *met_event;
    const char *reason;       /* NOT_APPLICABLE: why; OPEN without due: what it awaits */
    bool informative;         /* the profile is not binding on this organisation */
    bool policy;              /* its value is a configurable policy choice */
    /* BOD 26-04 */
    const char *outcome;      /* decision table outcome id */
    const char *outcome_alt;  /* the other outcome when exposure is unknown */
    bool forensic_triage;
    bool data_missing;
} vt_deadline;

/* Most obligations a profile can have (policy.c enforces it). */
#define VT_DEADLINE_MAX 64

/**
 * Compute the obligations of `p` for the case in `in` into out[0..*n),
 * `out` having room for VT_DEADLINE_MAX. Returns 0, or VT_EINVALID when a
 * calendar the profile names is missing from in->calendars while one was
 * given (err says which).
 */
VT_EXTERN int vt_deadline_compute(const vt_policy_profile *p, const vt_deadline_input *in,
                                  vt_deadline *out, size_t *n, vt_error *err);

/**
 * The Civil-Code legal latest (see above) for a period of `days` days
 * starting at `start_ms`, counted in the zone `tz` with rest days from `cal`.
 */
VT_EXTERN int64_t vt_deadline_cn_legal_latest(int64_t start_ms, int days, const vt_tz *tz,
                                              const vt_calendar *cal);

/** BOD 22-01 due instant: 23:59:59 local (tz) of the due day the facts give. */
VT_EXTERN int64_t vt_deadline_bod2201_due(const vt_case_facts *f, const vt_tz *tz);

/* Inputs and result of the BOD 26-04 decision. */
typedef struct vt_bod_inputs {
    bool in_kev;
    vt_tri exposed;
    vt_tri automatable;
    vt_tri total_impact;
} vt_bod_inputs;

typedef struct vt_bod_decision {
    const vt_policy_outcome *outcome;        /* the most urgent possible outcome */
    const vt_policy_outcome *if_exposed;     /* when exposure is unknown: both outcomes */
    const vt_policy_outcome *if_not_exposed;
    bool exposure_unknown;
    bool data_missing; /* a KEV entry without automatable or impact data */
} vt_bod_decision;

/**
 * Decide with table `t`. Non-KEV vulnerabilities with missing data take the
 * published defaults (automatable no, impact total); for KEV entries a
 * missing value is never defaulted: data_missing is set and the most
 * urgent outcome over its possible values is given.
 */
VT_EXTERN void vt_deadline_bod2604_decide(const vt_policy_table *t, const vt_bod_inputs *in,
                                          vt_bod_decision *out);

#endif
