/*
 * case_lifecycle.c - the case lifecycle as one table: every allowed
 * transition, who may make it, the guard that must pass and the clock
 * events it stamps. Nothing else in the code base knows which transitions
 * exist; cases.c looks them up here. docs/cases.md shows the same table.
 *
 * The states are the API contract (received, triage, confirmed, rejected,
 * remediation, fix_available, users_notified, disclosed, closed); the
 * guards and stamps are spec §3.3's, mapped onto them.
 */
#include <string.h>

#include "cases_internal.h"
#include "vulntrack/auth.h"
#include "vulntrack/clock.h"
#include "vulntrack/gate.h"
#include "vulntrack/osv.h"
#include "vulntrack/store_cases.h"

static const char *const state_names[VT_CASE_STATE_COUNT] = {
    [VT_CASE_RECEIVED] = "received",
    [VT_CASE_TRIAGE] = "triage",
    [VT_CASE_CONFIRMED] = "confirmed",
    [VT_CASE_REJECTED] = "rejected",
    [VT_CASE_REMEDIATION] = "remediation",
    [VT_CASE_FIX_AVAILABLE] = "fix_available",
    [VT_CASE_USERS_NOTIFIED] = "users_notified",
    [VT_CASE_DISCLOSED] = "disclosed",
    [VT_CASE_CLOSED] = "closed",
};

const char *vt_case_state_name(vt_case_state s)
{
    return (unsigned)s < VT_CASE_STATE_COUNT ? state_names[s] : "";
}

bool vt_case_state_parse(const char *name, vt_case_state *out)
{
    unsigned i;

    for (i = 0; i < VT_CASE_STATE_COUNT; i++)
        if (strcmp(name, state_names[i]) == 0) {
            *out = (vt_case_state)i;
            return true;
        }
    return false;
}

bool vt_case_reject_reason_valid(const char *reason)
{
    static const char *const reasons[] = {"duplicate", "not_reproducible", "out_of_scope",
                                          "not_a_vulnerability"};
    size_t i;

    for (i = 0; reason && i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (strcmp(reason, reasons[i]) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------------
 * Guards
 * ------------------------------------------------------------------- */

/* The text member `key` of the fields, or NULL when absent or empty. */
static const char *doc_text(const cJSON *doc, const char *key)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, key);

    return cJSON_IsString(m) && m->valuestring[0] ? m->valuestring : NULL;
}

static int missing(vt_error *err, const char *field, const char *why)
{
    return vt_error_set_field(err, VT_EINVALID, field, "%s: %s", field, why);
}

/* Verification concluded: a verification note says how (spec §3.3). */
static int guard_verified(const vt__case_guard_ctx *g, vt_error *err)
{
    if (!doc_text(g->doc, "verification_note"))
        return missing(err, "/doc/verification_note", "a verification note is required");
    return 0;
}

/* Rejected: verified, and one of the four reasons. */
static int guard_rejected(const vt__case_guard_ctx *g, vt_error *err)
{
    int error = guard_verified(g, err);

    if (error < 0)
        return error;
    if (!vt_case_reject_reason_valid(g->in->reason))
        return missing(err, "/reason", "a rejection needs a reason: " VT_CASE_REJECT_REASONS);
    if (g->in->duplicate_of && strcmp(g->in->reason, "duplicate") != 0)
        return missing(err, "/duplicate_of", "only a rejection as duplicate names a case");
    return 0;
}

/* Assessed: a grade (§8) and the impact scope (影响范围). */
static int guard_assessed(const vt__case_guard_ctx *g, vt_error *err)
{
    const cJSON *gbt = cJSON_GetObjectItemCaseSensitive(g->doc, "gbt");
    const cJSON *grade = gbt ? cJSON_GetObjectItemCaseSensitive(gbt, "grade") : NULL;
    static const char *const graded[] = {"critical", "high", "medium", "low"};
    bool ok = false;
    size_t i;

    for (i = 0; cJSON_IsString(grade) && i < sizeof(graded) / sizeof(graded[0]); i++)
        ok = ok || strcmp(grade->valuestring, graded[i]) == 0;
    if (!ok)
        return missing(err, "/doc/gbt/grade",
                       "a grade is required (GB/T indicators, a CVSS vector or a MANUAL grade)");
    if (!doc_text(g->doc, "impact_scope"))
        return missing(err, "/doc/impact_scope", "the impact scope is required");
    return 0;
}

/* At least one remediation item (a patch version, or a mitigation with instructions). */
static int guard_remedied(const vt__case_guard_ctx *g, vt_error *err)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(g->doc, "remediations");

    if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) < 1)
        return missing(err, "/doc/remediations", "at least one remediation item is required");
    return 0;
}

/*
 * Disclosure: the embargo is over and the disclosure gate (Art. 9, rules
 * P1-P6, gate.h) allows publishing the case now. A refusal names the
 * first failing rule and lists every refusal; GET or POST
 * /api/v1/cases/{id}/gate shows each with what would satisfy it.
 */
static int guard_disclosable(const vt__case_guard_ctx *g, vt_error *err)
{
    const char *embargo = doc_text(g->doc, "embargo_until");
    vt_gate_result res;
    char all[160];
    int64_t until = 0;
    int error;

    if (embargo) {
        if (vt_time_parse_rfc3339(&until, embargo, strlen(embargo)) != 0)
            return missing(err, "/doc/embargo_until", "not an RFC 3339 time");
        if (until > g->in->now_ms)
            return missing(err, "/doc/embargo_until", "the embargo has not ended");
    }
    error = vt_gate_check_publish(g->s, g->c->id, NULL, g->in->now_ms, &res, err);
    if (error < 0 || res.count == 0)
        return error;
    vt_gate_result_summary(&res, all, sizeof(all));
    return vt_error_set_field(err, VT_EINVALID, "/gate",
                              "/gate: publication refused by %s (%s); refusals: %s",
                              res.refusals[0].rule, res.refusals[0].code, all);
}

/* Closing: no obligation left open (each met or waived). */
static int guard_closable(const vt__case_guard_ctx *g, vt_error *err)
{
    long n = 0;
    int error = vt_store_case_outstanding_obligations(g->s, g->c->id, &n, err);

    if (error < 0)
        return error;
    if (n > 0)
        return vt_error_set_field(err, VT_EINVALID, "/obligations",
                                  "/obligations: %ld obligation%s still open or missed; meet or "
                                  "waive each before closing",
                                  n, n == 1 ? " is" : "s are");
    return 0;
}

/* Reopening reverses a decision: say why. */
static int guard_reopen(const vt__case_guard_ctx *g, vt_error *err)
{
    if (!g->in->reason || !g->in->reason[0])
        return missing(err, "/reason", "reopening needs a reason");
    return 0;
}

/* ---------------------------------------------------------------------
 * The table
 * ------------------------------------------------------------------- */

/* Technical handling: analysts work it. Decisions with outside effect
 * (telling users, publishing, closing, reopening): managers. Admins may
 * do everything. */
#define WORK (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER | VT_ROLE_ANALYST)
#define DECIDE (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER)

/* clang-format off */
static const vt__case_rule rules[] = {
    {VT_CASE_RECEIVED, VT_CASE_TRIAGE, WORK, NULL, NULL, {"E_AWARE", NULL}},
    {VT_CASE_TRIAGE, VT_CASE_CONFIRMED, WORK, guard_verified, "verified", {"E_VERIFIED", NULL}},
    {VT_CASE_TRIAGE, VT_CASE_REJECTED, WORK, guard_rejected, "rejected", {"E_VERIFIED", NULL}},
    {VT_CASE_CONFIRMED, VT_CASE_REMEDIATION, WORK, guard_assessed, "assessed",
     {"E_ASSESSED", NULL}},
    {VT_CASE_REMEDIATION, VT_CASE_FIX_AVAILABLE, WORK, guard_remedied, "remedied",
     {"E_MEASURES_TAKEN", "E_FIX_AVAILABLE", NULL}},
    {VT_CASE_FIX_AVAILABLE, VT_CASE_USERS_NOTIFIED, DECIDE, NULL, NULL,
     {"E_USERS_NOTIFIED", NULL}},
    {VT_CASE_USERS_NOTIFIED, VT_CASE_DISCLOSED, DECIDE, guard_disclosable, "disclosable",
     {"E_PUBLISHED", NULL}},
    /* Not every case is published (an operator's own system, spec §5 P2). */
    {VT_CASE_USERS_NOTIFIED, VT_CASE_CLOSED, DECIDE, guard_closable, "closable", {NULL}},
    {VT_CASE_DISCLOSED, VT_CASE_CLOSED, DECIDE, guard_closable, "closable", {NULL}},
    {VT_CASE_REJECTED, VT_CASE_CLOSED, DECIDE, guard_closable, "closable", {NULL}},
    /* Reopening: back to triage; E_AWARE is normally set already. */
    {VT_CASE_REJECTED, VT_CASE_TRIAGE, DECIDE, guard_reopen, "reopen", {"E_AWARE", NULL}},
    {VT_CASE_CLOSED, VT_CASE_TRIAGE, DECIDE, guard_reopen, "reopen", {"E_AWARE", NULL}},
};
/* clang-format on */

const vt__case_rule *vt__case_rule_find(vt_case_state from, vt_case_state to)
{
    size_t i;

    for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (rules[i].from == from && rules[i].to == to)
            return &rules[i];
    return NULL;
}

size_t vt_case_next_states(vt_case_state from, vt_case_state out[VT_CASE_STATE_COUNT])
{
    size_t i, n = 0;

    for (i = 0; i < sizeof(rules) / sizeof(rules[0]) && n < VT_CASE_STATE_COUNT; i++)
        if (rules[i].from == from)
            out[n++] = rules[i].to;
    return n;
}

unsigned vt_case_transition_roles(vt_case_state from, vt_case_state to)
{
    const vt__case_rule *r = vt__case_rule_find(from, to);

    return r ? r->roles : 0;
}
