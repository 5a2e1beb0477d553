/*
 * policy.h - policy profiles: the obligations a regulation or an internal
 * policy creates, read from data files (data/policy/<PROFILE>.json), never
 * coded. docs/deadlines.md describes the file format; this header gives the
 * loaded form, which deadline.c evaluates.
 *
 * A loaded profile set is immutable and may be read from several threads.
 * Every pointer a getter returns lives as long as the set.
 */
#ifndef VULNTRACK_POLICY_H
#define VULNTRACK_POLICY_H

#include "common.h"

typedef struct vt_policy_set vt_policy_set;
typedef struct vt_policy_profile vt_policy_profile;

/* Largest profile file read, bytes. */
#define VT_POLICY_MAX_BYTES (1024 * 1024)

/* Roles of spec §2, as bits. */
#define VT_PROLE_PROVIDER (1u << 0)
#define VT_PROLE_OPERATOR (1u << 1)
#define VT_PROLE_COLLECTOR (1u << 2)
#define VT_PROLE_FINDER (1u << 3)
#define VT_PROLE_EU_MANUFACTURER (1u << 4)
#define VT_PROLE_US_FCEB (1u << 5)

/* Case scopes, as bits. */
#define VT_SCOPE_OWN_PRODUCT (1u << 0)
#define VT_SCOPE_THIRD_PARTY (1u << 1)
#define VT_SCOPE_OPERATOR_SYSTEM (1u << 2)

/* Product types, as bits. */
#define VT_PTYPE_HARDWARE (1u << 0)
#define VT_PTYPE_SOFTWARE (1u << 1)
#define VT_PTYPE_NETWORK_SERVICE (1u << 2)
#define VT_PTYPE_SYSTEM (1u << 3)

/**
 * Is `name` one of the clock events of spec §3.1 (E_RECEIVED, E_AWARE, ...,
 * E_INCIDENT_AWARE) or E_CRA_I_N_SUBMITTED?
 */
VT_EXTERN bool vt_event_name_valid(const char *name);

/** Role bit of a role name ("PROVIDER"), or 0. */
VT_EXTERN unsigned vt_policy_role_parse(const char *name);
/** Scope bit of "own_product", "third_party_product" or "operator_system", or 0. */
VT_EXTERN unsigned vt_policy_scope_parse(const char *name);
/** Product type bit of "hardware", "software", "network_service" or "system", or 0. */
VT_EXTERN unsigned vt_policy_ptype_parse(const char *name);

typedef enum vt_due_kind {
    VT_DUE_IMMEDIATE = 1,  /* due at the start */
    VT_DUE_HOURS,          /* start + amount hours, exact */
    VT_DUE_DAYS,           /* start + amount x 24 h */
    VT_DUE_MONTHS,         /* start + amount months (month rule, clock.h) */
    VT_DUE_KEV_DUE_DATE,   /* the KEV entry's dueDate, end of day in the tenant's zone */
    VT_DUE_DECISION_TABLE, /* start + the days the profile's decision table gives */
} vt_due_kind;

/* A three-valued condition on a case fact: any value, must be true, must be false. */
typedef enum vt_cond { VT_COND_ANY = 0, VT_COND_TRUE, VT_COND_FALSE } vt_cond;

#define VT_POLICY_MAX_EVENTS 4

/* One obligation of a profile, as loaded. Strings are owned by the set. */
typedef struct vt_policy_obligation {
    const char *id;        /* "CN-NVDB" */
    const char *title_en;
    const char *title_zh;  /* NULL when the profile has no Chinese title */
    const char *basis;     /* "LAW", "POLICY" or "STD" */
    const char *article;   /* "RMSV 2021 Art. 7(2)" */
    unsigned who;          /* VT_PROLE_* bits that owe it; 0 = every role */
    unsigned scopes;       /* VT_SCOPE_* bits it applies to; 0 = every scope */
    unsigned product_types; /* VT_PTYPE_* bits; 0 = every type */
    vt_cond upstream;       /* an upstream component provider is named */
    vt_cond users_must_act; /* users must upgrade or reconfigure */
    vt_cond eu_market;      /* made available on the EU market */
    vt_cond in_kev;         /* a CVE of the case is in the KEV catalogue */
    /* It applies only once `trigger` is recorded, at or after
     * `trigger_from_ms` (INT64_MIN: no date). NULL: no trigger. */
    const char *trigger[VT_POLICY_MAX_EVENTS];
    size_t ntrigger;
    int64_t trigger_from_ms;
    /* Start: the earliest recorded of `start` (usually one event). */
    const char *start[VT_POLICY_MAX_EVENTS];
    size_t nstart;
    /* Instead start at `start_if_event` when fact `start_if` holds
     * ("upstream_known": the upstream provider was named at awareness). */
    const char *start_if;
    const char *start_if_event;
    /* Events an organisation may choose as the start instead (policy overrides). */
    const char *start_choices[VT_POLICY_MAX_EVENTS];
    size_t nstart_choices;
    /* Not applicable when the start comes before this event, or the event is absent. */
    const char *only_after;
    vt_due_kind due;
    int64_t amount;         /* hours, days or months */
    /* Civil-Code legal latest (spec §3.2): `legal_days` > 0 when present. */
    int legal_days;
    const char *legal_calendar;
    const char *met_by;     /* event that meets it; NULL: only recorded evidence does */
    bool policy;            /* the value is our configurable choice, labelled "policy" */
    bool survives_rejection; /* still owed when the case is rejected (intake log, verification) */
    const char *note;
} vt_policy_obligation;

/* The BOD 26-04 outcomes. */
typedef struct vt_policy_outcome {
    const char *id;         /* "3d_forensic", "14d", "next_upgrade", ... */
    int days;               /* -1 for next_upgrade */
    bool forensic_triage;
    bool next_upgrade;
} vt_policy_outcome;

/* A decision table over (in_kev, exposed, automatable, total impact). */
typedef struct vt_policy_table {
    const char *id;         /* "cisa:DT_BOD2604:1.0.0" */
    /* outcome[kev][exposed][automatable][total] indexes `outcomes`. */
    unsigned char cell[2][2][2][2];
    const vt_policy_outcome *outcomes;
    size_t noutcomes;
} vt_policy_table;

/** The profile `id` of the set, or NULL. */
VT_EXTERN const vt_policy_profile *vt_policy_set_get(const vt_policy_set *ps, const char *id);

/** Number of profiles, and the i-th (load order: file name order). */
VT_EXTERN size_t vt_policy_set_count(const vt_policy_set *ps);
VT_EXTERN const vt_policy_profile *vt_policy_set_at(const vt_policy_set *ps, size_t i);

/** Profile fields. */
VT_EXTERN const char *vt_policy_profile_id(const vt_policy_profile *p);
VT_EXTERN const char *vt_policy_profile_title(const vt_policy_profile *p);
/* "LAW", "POLICY" or "STD": what the profile as a whole is. */
VT_EXTERN const char *vt_policy_profile_basis(const vt_policy_profile *p);
/* Zone its days are counted in, or NULL: the organisation's zone. */
VT_EXTERN const char *vt_policy_profile_time_zone(const vt_policy_profile *p);
/* Role that makes it binding; without it results are informative. 0: always binding. */
VT_EXTERN unsigned vt_policy_profile_binding_role(const vt_policy_profile *p);
/* Day number from which it is revoked, or INT64_MAX. */
VT_EXTERN int64_t vt_policy_profile_revoked_day(const vt_policy_profile *p);
VT_EXTERN size_t vt_policy_profile_count(const vt_policy_profile *p);
VT_EXTERN const vt_policy_obligation *vt_policy_profile_at(const vt_policy_profile *p, size_t i);
/** The obligation `id` of the profile, or NULL. */
VT_EXTERN const vt_policy_obligation *vt_policy_profile_find(const vt_policy_profile *p,
                                                              const char *id);
/** The profile's decision table, or NULL. */
VT_EXTERN const vt_policy_table *vt_policy_profile_table(const vt_policy_profile *p);

/**
 * Parse one profile from text[0..len) and add it to `ps` (a set from
 * vt_policy_set_new). `file` names the source in errors. Returns 0,
 * VT_EINVALID (err->msg "FILE: POINTER: what", err->field the pointer;
 * also a profile id already in the set) or VT_ENOMEM.
 */
VT_EXTERN int vt_policy_set_parse(vt_policy_set *ps, const char *text, size_t len,
                                  const char *file, vt_error *err);

/** A new empty set; NULL when out of memory. */
VT_EXTERN vt_policy_set *vt_policy_set_new(void);

/**
 * Load every "*.json" file of `dir` as a profile. On success *out is a new
 * set the caller frees with vt_policy_set_free. Returns 0, VT_EIO,
 * VT_EINVALID (see vt_policy_set_parse) or VT_ENOMEM.
 */
VT_EXTERN int vt_policy_set_load_dir(const char *dir, vt_policy_set **out, vt_error *err);

/** Free a set; accepts NULL. */
VT_EXTERN void vt_policy_set_free(vt_policy_set *ps);

#endif
