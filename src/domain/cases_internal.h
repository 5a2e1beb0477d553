/*
 * cases_internal.h - what the case files share: one row of the lifecycle
 * table (case_lifecycle.c) and the context its guard is called with
 * (cases.c runs the guards).
 */
#ifndef VT_CASES_INTERNAL_H
#define VT_CASES_INTERNAL_H

#include <cjson/cJSON.h>

#include "vulntrack/cases.h"

/* What a guard sees: the case, its fields and the request. */
typedef struct vt__case_guard_ctx {
    vt_store *s;
    const vt_case *c;
    const cJSON *doc;
    const vt_case_transition_in *in;
} vt__case_guard_ctx;

/* A guard: 0 when the transition may happen, else VT_EINVALID with
 * err->field naming what is missing (or VT_EIO/VT_ENOMEM). */
typedef int (*vt__case_guard)(const vt__case_guard_ctx *g, vt_error *err);

/* One transition of the lifecycle. */
typedef struct vt__case_rule {
    vt_case_state from;
    vt_case_state to;
    unsigned roles;         /* VT_ROLE_* bits allowed to make it */
    vt__case_guard guard;   /* NULL: no guard */
    const char *guard_name; /* for docs and messages */
    const char *stamps[3];  /* events recorded if not yet set; NULL-ended */
} vt__case_rule;

/* The rule for from -> to, or NULL when the lifecycle has no such transition. */
const vt__case_rule *vt__case_rule_find(vt_case_state from, vt_case_state to);

#endif
