/*
 * cases.h - vulnerability cases of the case service: their fields (the
 * `doc` object), their lifecycle (states, guarded transitions, clock-start
 * events) and how a report becomes a case or joins one as a duplicate.
 *
 * Every function that writes takes the writer connection `w` and runs
 * inside the caller's transaction (the server's vt_server_write); none of
 * them begins or commits. Each write appends to the receipt ledger and,
 * where the facts of a case change, recomputes its obligations
 * (vt_obligations_refresh). History is append-only: a transition adds a
 * row to case_transitions and never edits one; a clock-start event is
 * recorded once and never overwritten. docs/cases.md is the manual.
 */
#ifndef VULNTRACK_CASES_H
#define VULNTRACK_CASES_H

#include <cjson/cJSON.h>

#include "common.h"
#include "grade.h"
#include "store.h"

struct vt_policy_set;
struct vt_calendar_set;

/* ------------------------------------------------------------------------
 * States and the lifecycle table (case_lifecycle.c)
 * ---------------------------------------------------------------------- */

typedef enum vt_case_state {
    VT_CASE_RECEIVED = 0,
    VT_CASE_TRIAGE,
    VT_CASE_CONFIRMED,
    VT_CASE_REJECTED,
    VT_CASE_REMEDIATION,
    VT_CASE_FIX_AVAILABLE,
    VT_CASE_USERS_NOTIFIED,
    VT_CASE_DISCLOSED,
    VT_CASE_CLOSED,
    VT_CASE_STATE_COUNT
} vt_case_state;

/** The state's name as the API spells it ("fix_available"); static, "" if out of range. */
VT_EXTERN const char *vt_case_state_name(vt_case_state s);

/** Parse a state name; false when `name` is not a state. */
VT_EXTERN bool vt_case_state_parse(const char *name, vt_case_state *out);

/* The reasons a case may be rejected for (reason of triage -> rejected). */
#define VT_CASE_REJECT_REASONS "duplicate, not_reproducible, out_of_scope, not_a_vulnerability"

/** True when `reason` is one of VT_CASE_REJECT_REASONS. */
VT_EXTERN bool vt_case_reject_reason_valid(const char *reason);

/**
 * The states reachable from `from` by one transition, in table order, into
 * `out` (room for VT_CASE_STATE_COUNT). Returns how many.
 */
VT_EXTERN size_t vt_case_next_states(vt_case_state from, vt_case_state out[VT_CASE_STATE_COUNT]);

/**
 * The VT_ROLE_* bits that may make the transition from -> to, or 0 when
 * the lifecycle has no such transition.
 */
VT_EXTERN unsigned vt_case_transition_roles(vt_case_state from, vt_case_state to);

/* ------------------------------------------------------------------------
 * Fields (case_fields.c)
 * ---------------------------------------------------------------------- */

/* Limits on a case document, so that one record stays a record. */
#define VT_CASE_DOC_MAX_ITEMS 1000       /* entries of any one array */
#define VT_CASE_DOC_MAX_TEXT (64 * 1024) /* bytes of any one string */

/**
 * Validate the case fields `in` (a JSON object with the keys of
 * docs/cases.md) and produce their stored form: CVSS vectors normalised
 * and scored (version, score, severity, v4 nomenclature), the GB/T 30279
 * grade computed from the indicators with `tables` (NULL: no tables
 * loaded, then the labelled CVSS_DERIVED fallback from the highest CVSS
 * base score, or "unavailable"), the upstream purl canonical, version
 * strings checked against their scheme. Values the library computes are
 * replaced, whatever the input said. `pointer_prefix` ("/doc" or "") is
 * put before every JSON pointer in err->field. On success *out is a new
 * object the caller frees with cJSON_Delete; `in` is borrowed.
 * Returns 0, VT_EINVALID (err->field names the member) or VT_ENOMEM.
 */
VT_EXTERN int vt_case_doc_normalize(cJSON **out, const cJSON *in, const vt_grade_tables *tables,
                                    const char *pointer_prefix, vt_error *err);

/** True when `scheme` is an identifier scheme of spec §9 (CVE, CNVD, ..., INTERNAL). */
VT_EXTERN bool vt_case_identifier_scheme_valid(const char *scheme);

/**
 * Append {"scheme", "id"} to the identifier list `ids` for an advisory id
 * or alias `id` (NULL: nothing) whose prefix names a case identifier
 * scheme (CVE-, GHSA-, CNVD-, CNNVD-, CNCVD-, EUVD-) and that the list
 * does not hold yet; others (GO-, PYSEC-, RUSTSEC-, ...) are left out.
 * Returns 0 or VT_ENOMEM.
 */
VT_EXTERN int vt_case_identifier_add(cJSON *ids, const char *id);

/* ------------------------------------------------------------------------
 * Records
 * ---------------------------------------------------------------------- */

#define VT_CASE_REF_MAX 32

/* A case row. Strings are owned by the struct: vt_case_dispose. */
typedef struct vt_case {
    int64_t id;
    char ref[VT_CASE_REF_MAX]; /* VT-YYYY-NNNNNN */
    int64_t org_id;
    vt_case_state state;
    char *title;
    char *scope;          /* own_product, third_party_product, operator_system */
    char *doc;            /* JSON object text of the fields */
    int64_t duplicate_of; /* case id, 0 when none */
    int64_t created_ms;
    int64_t updated_ms;
    int64_t revision; /* 1 at creation, +1 for every change */
} vt_case;

#define VT_CASE_INIT                                                                               \
    {                                                                                              \
        0, {0}, 0, VT_CASE_RECEIVED, NULL, NULL, NULL, 0, 0, 0, 0                                  \
    }

/** Free the strings of `c` (accepts a VT_CASE_INIT value); `c` is VT_CASE_INIT again. */
VT_EXTERN void vt_case_dispose(vt_case *c);

/** True when `scope` is own_product, third_party_product or operator_system. */
VT_EXTERN bool vt_case_scope_valid(const char *scope);

/**
 * What refused a request, beside the ordinary validation failure
 * (VT_EINVALID with err->field, answered 422). Each is answered 409 except
 * ROLE (403).
 */
typedef enum vt_case_refusal {
    VT_CASE_REFUSAL_NONE = 0,
    VT_CASE_REFUSAL_ILLEGAL,   /* no such transition from the current state */
    VT_CASE_REFUSAL_ROLE,      /* the caller's role may not make this transition */
    VT_CASE_REFUSAL_STALE,     /* the revision given is not the current one */
    VT_CASE_REFUSAL_EVENT_SET, /* the event is already recorded */
    VT_CASE_REFUSAL_HAS_CASE,  /* the report already belongs to a case */
} vt_case_refusal;

/* ------------------------------------------------------------------------
 * Opening a case (cases.c)
 * ---------------------------------------------------------------------- */

typedef struct vt_case_new {
    int64_t org_id;
    const char *title;     /* NULL: the report's title */
    const char *scope;     /* NULL: own_product */
    const cJSON *doc;      /* fields, validated (vt_case_doc_normalize); borrowed; NULL: {} */
    const char *report_id; /* NULL, or the report this case comes from */
    const char *actor;     /* who opens it */
    int64_t aware_ms;      /* E_AWARE; 0: the report's receipt time or now */
} vt_case_new;

/**
 * Open a case in state `received`: a case_transitions row (none ->
 * received), E_RECEIVED (the report's receipt time, for a case from a
 * report) and E_AWARE (in->aware_ms, else the report's receipt time, else
 * now), a "case.transition" ledger entry, the report (if any) linked and
 * its status set to "case_opened", then the obligations. The reference is
 * VT-<UTC year of creation>-<6-digit sequence of that year>. On success
 * *case_id and `ref` are set. With a report, the case's organisation must
 * be the report's when the report has one.
 * Returns 0, VT_EINVALID (err->field), VT_ENOTFOUND (organisation or
 * report), VT_ETOOBIG (sequence of the year exhausted), VT_EIO or
 * VT_ENOMEM; a report that already has a case is VT_EINVALID with
 * *refusal VT_CASE_REFUSAL_HAS_CASE (refusal may be NULL).
 */
VT_EXTERN int vt_case_create(vt_store *w, const vt_case_new *in, const struct vt_policy_set *ps,
                             const struct vt_calendar_set *cs, int64_t *case_id, char ref[32],
                             vt_error *err);

/** vt_case_create that also says what refused it. */
VT_EXTERN int vt_case_create_ex(vt_store *w, const vt_case_new *in, const struct vt_policy_set *ps,
                                const struct vt_calendar_set *cs, int64_t now_ms, int64_t *case_id,
                                char ref[32], vt_case_refusal *refusal, vt_error *err);

/**
 * Attach report `report_id` to the existing case `case_id` as a duplicate:
 * no case is created; the report's case_id is set and its status becomes
 * "duplicate"; a "case.duplicate" ledger entry is appended under the
 * case's reference. The report and the case must belong to the same
 * organisation (a report without one may join any). Returns 0,
 * VT_ENOTFOUND, VT_EINVALID (with VT_CASE_REFUSAL_HAS_CASE when the report
 * already belongs to a case), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_case_attach_duplicate(vt_store *w, const char *report_id, int64_t case_id,
                                       const char *actor, int64_t now_ms, vt_case_refusal *refusal,
                                       vt_error *err);

/* ------------------------------------------------------------------------
 * Changing a case (cases.c)
 * ---------------------------------------------------------------------- */

typedef struct vt_case_transition_in {
    int64_t case_id;
    vt_case_state to;
    const char *reason; /* NULL or text; required for rejected (a reject reason) and reopening */
    const char *note;   /* NULL or text */
    const char *duplicate_of; /* reject as duplicate: the reference of the case kept, or NULL */
    const char *actor;        /* vt_principal.name */
    unsigned role;            /* VT_ROLE_* bit of the caller */
    int64_t revision;         /* expected revision; 0: do not check */
    int64_t now_ms;
} vt_case_transition_in;

#define VT_CASE_MAX_STAMPS 4

typedef struct vt_case_transition_out {
    vt_case_state from;
    vt_case_state to;
    int64_t revision; /* the case's new revision */
    int64_t seq;      /* the transition's number in the case's history */
    int64_t ledger_seq;
    size_t nstamped;
    const char *stamped[VT_CASE_MAX_STAMPS]; /* events recorded by this transition; static names */
    /* On VT_CASE_REFUSAL_ILLEGAL: the transitions the case does allow. */
    size_t nallowed;
    vt_case_state allowed[VT_CASE_STATE_COUNT];
} vt_case_transition_out;

/**
 * Move a case to in->to if the lifecycle table has the transition (else
 * VT_EINVALID with VT_CASE_REFUSAL_ILLEGAL and out->allowed), the caller's
 * role may make it (else VT_CASE_REFUSAL_ROLE) and its guard passes (else
 * VT_EINVALID with err->field, e.g. "/doc/impact_scope"). Records the
 * transition, stamps its events unless already set, appends a
 * "case.transition" ledger entry and refreshes the obligations.
 * Returns 0, VT_EINVALID, VT_ENOTFOUND, VT_EIO or VT_ENOMEM; `*refusal`
 * (may be NULL) says which refusal it was.
 */
VT_EXTERN int vt_case_transition(vt_store *w, const struct vt_policy_set *ps,
                                 const struct vt_calendar_set *cs, const vt_case_transition_in *in,
                                 vt_case_transition_out *out, vt_case_refusal *refusal,
                                 vt_error *err);

typedef struct vt_case_update_in {
    int64_t case_id;
    int64_t revision;  /* the revision the change was made against; required */
    const char *title; /* NULL: unchanged */
    const cJSON *doc;  /* NULL or an object: top-level members replace, null removes */
    const vt_grade_tables *tables;
    const char *actor;
    int64_t now_ms;
} vt_case_update_in;

/**
 * Merge in->doc into the case's fields (top-level members replaced, a
 * null member removed), validate the result (pointers under "/doc") and
 * store it with revision + 1, if the case is still at in->revision (else
 * VT_EINVALID with VT_CASE_REFUSAL_STALE). Appends a "case.update" ledger
 * entry naming the changed keys and refreshes the obligations. *revision
 * (may be NULL) receives the new revision. Returns 0, VT_EINVALID,
 * VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_case_update(vt_store *w, const struct vt_policy_set *ps,
                             const struct vt_calendar_set *cs, const vt_case_update_in *in,
                             int64_t *revision, vt_case_refusal *refusal, vt_error *err);

/**
 * Record clock event `event` (vt_event_name_valid) of a case by hand, at
 * `at_ms` (0: now), with `evidence` (NULL or text: a receipt number, who
 * judged the evidence reliable) and `time_zone` (NULL: the organisation's).
 * An event already recorded is VT_EINVALID with VT_CASE_REFUSAL_EVENT_SET.
 * Appends a "case.event" ledger entry and refreshes the obligations.
 * Returns 0, VT_EINVALID, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_case_record_event(vt_store *w, const struct vt_policy_set *ps,
                                   const struct vt_calendar_set *cs, int64_t case_id,
                                   const char *event, int64_t at_ms, const char *time_zone,
                                   const char *actor, const char *evidence, int64_t now_ms,
                                   vt_case_refusal *refusal, vt_error *err);

/* ------------------------------------------------------------------------
 * Reading (cases.c)
 * ---------------------------------------------------------------------- */

/**
 * The case as the API shows it: ref, org, state, title, scope, doc,
 * duplicate_of, created/updated (RFC 3339), revision, allowed (next
 * states), events (object by event name), reports (ids). On success *out
 * is a new object the caller frees with cJSON_Delete.
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_case_to_json(cJSON **out, vt_store *s, const vt_case *c, vt_error *err);

/**
 * The case as a list shows it: ref, org, state, title, scope, revision,
 * created_at and updated_at, the first members of vt_case_to_json. On
 * success *out is a new object the caller frees with cJSON_Delete.
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_case_summary_json(cJSON **out, vt_store *s, const vt_case *c, vt_error *err);

/**
 * {"transitions": [...], "events": [...]} of a case, oldest first. On
 * success *out is new (cJSON_Delete). Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_case_history_json(cJSON **out, vt_store *s, int64_t case_id, vt_error *err);

#endif
