/*
 * policy.c - the policy profile loader.
 *
 * A profile file is parsed with cJSON and the tree is kept: the loaded
 * obligations point at its strings, so nothing is copied and the set frees
 * everything at once. The loader is strict (unknown keys, unknown events,
 * a decision table that does not cover every combination exactly once are
 * refused): a profile is law turned into data, and a typo must not quietly
 * drop a deadline.
 */
#include "vulntrack/policy.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "data_dir.h"
#include "vulntrack/alloc.h"
#include "vulntrack/calendar.h"
#include "vulntrack/clock.h"
#include "vulntrack/osv.h"
#include "vulntrack/tz.h"

#define POLICY_MAX_OBLIGATIONS 64
#define POLICY_MAX_OUTCOMES 16

struct vt_policy_profile {
    cJSON *doc; /* owns every string below */
    const char *id, *title, *basis, *time_zone;
    unsigned binding_role;
    int64_t revoked_day;
    vt_policy_obligation *obl;
    size_t nobl;
    bool has_table;
    vt_policy_table table;
    vt_policy_outcome outcomes[POLICY_MAX_OUTCOMES];
};

struct vt_policy_set {
    vt_policy_profile **items;
    size_t n, cap;
};

/* The clock events of spec §3.1, plus the CRA incident-notification
 * submission that starts the CRA final-report clock. */
static const char *const clock_events[] = {
    "E_RECEIVED",         "E_AWARE",          "E_VERIFIED",        "E_ASSESSED",
    "E_UPSTREAM_NOTIFIED", "E_NVDB_REPORTED", "E_MEASURES_TAKEN",  "E_FIX_AVAILABLE",
    "E_USERS_NOTIFIED",   "E_PUBLISHED",      "E_EXPLOITED_AWARE", "E_INCIDENT_AWARE",
    "E_CRA_I_N_SUBMITTED",
};

bool vt_event_name_valid(const char *name)
{
    size_t i;

    if (!name)
        return false;
    for (i = 0; i < sizeof(clock_events) / sizeof(clock_events[0]); i++) {
        if (strcmp(name, clock_events[i]) == 0)
            return true;
    }
    return false;
}

/* Events a profile may name: the clock events and the facts the store
 * supplies as instants (the KEV catalogue's dateAdded of the case's CVE). */
static bool profile_event_valid(const char *name)
{
    return vt_event_name_valid(name) || strcmp(name, "KEV_DATE_ADDED") == 0;
}

unsigned vt_policy_role_parse(const char *name)
{
    static const struct {
        const char *name;
        unsigned bit;
    } roles[] = {
        {"PROVIDER", VT_PROLE_PROVIDER},   {"OPERATOR", VT_PROLE_OPERATOR},
        {"COLLECTOR", VT_PROLE_COLLECTOR}, {"FINDER", VT_PROLE_FINDER},
        {"EU_MANUFACTURER", VT_PROLE_EU_MANUFACTURER}, {"US_FCEB", VT_PROLE_US_FCEB},
    };
    size_t i;

    for (i = 0; name && i < sizeof(roles) / sizeof(roles[0]); i++) {
        if (strcmp(name, roles[i].name) == 0)
            return roles[i].bit;
    }
    return 0;
}

unsigned vt_policy_scope_parse(const char *name)
{
    if (!name)
        return 0;
    if (strcmp(name, "own_product") == 0)
        return VT_SCOPE_OWN_PRODUCT;
    if (strcmp(name, "third_party_product") == 0)
        return VT_SCOPE_THIRD_PARTY;
    if (strcmp(name, "operator_system") == 0)
        return VT_SCOPE_OPERATOR_SYSTEM;
    return 0;
}

unsigned vt_policy_ptype_parse(const char *name)
{
    if (!name)
        return 0;
    if (strcmp(name, "hardware") == 0)
        return VT_PTYPE_HARDWARE;
    if (strcmp(name, "software") == 0)
        return VT_PTYPE_SOFTWARE;
    if (strcmp(name, "network_service") == 0)
        return VT_PTYPE_NETWORK_SERVICE;
    if (strcmp(name, "system") == 0)
        return VT_PTYPE_SYSTEM;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Parsing helpers: each reports "FILE: POINTER: what".                    */

typedef struct pctx {
    const char *file;
    vt_error *err;
} pctx;

static int check_keys(pctx *c, const cJSON *obj, const char *at, const char *const *keys,
                      size_t nkeys)
{
    return vt__data_check_keys(c->err, c->file, obj, at, keys, nkeys);
}

/* A required (or optional) non-empty string member. */
static int get_str(pctx *c, const cJSON *obj, const char *key, const char *at, bool required,
                   const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char ptr[160];

    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (!required)
            return 0;
        vt__data_pointer(ptr, sizeof(ptr), "%s/%s", at, key);
        return vt__data_fail(c->err, c->file, ptr, "is required");
    }
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/%s", at, key);
        return vt__data_fail(c->err, c->file, ptr, "must be a non-empty string");
    }
    *out = v->valuestring;
    return 0;
}

static int get_event(pctx *c, const cJSON *v, const char *ptr, const char **out)
{
    if (!cJSON_IsString(v) || !profile_event_valid(v->valuestring))
        return vt__data_fail(c->err, c->file, ptr, "not a clock event name");
    *out = v->valuestring;
    return 0;
}

/* An array of 1..VT_POLICY_MAX_EVENTS event names. */
static int get_events(pctx *c, const cJSON *arr, const char *at, const char **out, size_t *n)
{
    const cJSON *v;
    char ptr[160];
    int error;

    *n = 0;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1 ||
        cJSON_GetArraySize(arr) > VT_POLICY_MAX_EVENTS)
        return vt__data_fail(c->err, c->file, at, "must be an array of 1..%d event names",
                             VT_POLICY_MAX_EVENTS);
    cJSON_ArrayForEach(v, arr)
    {
        vt__data_pointer(ptr, sizeof(ptr), "%s/%zu", at, *n);
        error = get_event(c, v, ptr, &out[*n]);
        if (error < 0)
            return error;
        (*n)++;
    }
    return 0;
}

/* An array of names turned into bits by `parse`. */
static int get_bits(pctx *c, const cJSON *arr, const char *at, unsigned (*parse)(const char *),
                    unsigned *out)
{
    const cJSON *v;
    char ptr[160];
    size_t i = 0;

    *out = 0;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1)
        return vt__data_fail(c->err, c->file, at, "must be a non-empty array");
    cJSON_ArrayForEach(v, arr)
    {
        unsigned bit = cJSON_IsString(v) ? parse(v->valuestring) : 0;
        vt__data_pointer(ptr, sizeof(ptr), "%s/%zu", at, i++);
        if (!bit)
            return vt__data_fail(c->err, c->file, ptr, "unknown value");
        *out |= bit;
    }
    return 0;
}

static int get_cond(pctx *c, const cJSON *obj, const char *key, const char *at, vt_cond *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char ptr[160];

    *out = VT_COND_ANY;
    if (!v)
        return 0;
    if (!cJSON_IsBool(v)) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/%s", at, key);
        return vt__data_fail(c->err, c->file, ptr, "must be true or false");
    }
    *out = cJSON_IsTrue(v) ? VT_COND_TRUE : VT_COND_FALSE;
    return 0;
}

/* A positive whole number no larger than `max`. */
static int get_count(pctx *c, const cJSON *v, const char *ptr, int64_t max, int64_t *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > (double)max ||
        v->valuedouble != (double)(int64_t)v->valuedouble)
        return vt__data_fail(c->err, c->file, ptr, "must be a whole number 0..%lld",
                             (long long)max);
    *out = (int64_t)v->valuedouble;
    return 0;
}

/* ---------------------------------------------------------------------- */

static int parse_when(pctx *c, const cJSON *when, const char *at, vt_policy_obligation *o)
{
    static const char *const keys[] = {"scope", "product_type", "upstream", "users_must_act",
                                       "eu_market", "in_kev"};
    const cJSON *v;
    char ptr[160];
    int error;

    if (!when)
        return 0;
    error = check_keys(c, when, at, keys, sizeof(keys) / sizeof(keys[0]));
    if (error < 0)
        return error;
    v = cJSON_GetObjectItemCaseSensitive(when, "scope");
    if (v) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/scope", at);
        error = get_bits(c, v, ptr, vt_policy_scope_parse, &o->scopes);
        if (error < 0)
            return error;
    }
    v = cJSON_GetObjectItemCaseSensitive(when, "product_type");
    if (v) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/product_type", at);
        error = get_bits(c, v, ptr, vt_policy_ptype_parse, &o->product_types);
        if (error < 0)
            return error;
    }
    error = get_cond(c, when, "upstream", at, &o->upstream);
    if (error == 0)
        error = get_cond(c, when, "users_must_act", at, &o->users_must_act);
    if (error == 0)
        error = get_cond(c, when, "eu_market", at, &o->eu_market);
    if (error == 0)
        error = get_cond(c, when, "in_kev", at, &o->in_kev);
    return error;
}

static int parse_trigger(pctx *c, const cJSON *trig, const char *at, vt_policy_obligation *o)
{
    static const char *const keys[] = {"events", "on_or_after"};
    const cJSON *from;
    char ptr[160];
    int error;

    o->trigger_from_ms = INT64_MIN;
    if (!trig)
        return 0;
    error = check_keys(c, trig, at, keys, 2);
    if (error < 0)
        return error;
    vt__data_pointer(ptr, sizeof(ptr), "%s/events", at);
    error = get_events(c, cJSON_GetObjectItemCaseSensitive(trig, "events"), ptr, o->trigger,
                       &o->ntrigger);
    if (error < 0)
        return error;
    from = cJSON_GetObjectItemCaseSensitive(trig, "on_or_after");
    if (from) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/on_or_after", at);
        if (!cJSON_IsString(from) ||
            vt_time_parse_rfc3339(&o->trigger_from_ms, from->valuestring,
                                  strlen(from->valuestring)) != 0)
            return vt__data_fail(c->err, c->file, ptr, "must be an RFC 3339 time");
    }
    return 0;
}

static int parse_start(pctx *c, const cJSON *start, const char *at, vt_policy_obligation *o)
{
    static const char *const keys[] = {"event", "earliest_of", "if", "choices", "only_after"};
    static const char *const if_keys[] = {"fact", "event"};
    const cJSON *ev, *earliest, *cond, *choices, *after;
    char ptr[160];
    int error;

    error = check_keys(c, start, at, keys, sizeof(keys) / sizeof(keys[0]));
    if (error < 0)
        return error;
    ev = cJSON_GetObjectItemCaseSensitive(start, "event");
    earliest = cJSON_GetObjectItemCaseSensitive(start, "earliest_of");
    if ((ev != NULL) == (earliest != NULL))
        return vt__data_fail(c->err, c->file, at, "give either 'event' or 'earliest_of'");
    if (ev) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/event", at);
        error = get_event(c, ev, ptr, &o->start[0]);
        o->nstart = 1;
    } else {
        vt__data_pointer(ptr, sizeof(ptr), "%s/earliest_of", at);
        error = get_events(c, earliest, ptr, o->start, &o->nstart);
    }
    if (error < 0)
        return error;
    cond = cJSON_GetObjectItemCaseSensitive(start, "if");
    if (cond) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/if", at);
        error = check_keys(c, cond, ptr, if_keys, 2);
        if (error == 0)
            error = get_str(c, cond, "fact", ptr, true, &o->start_if);
        if (error < 0)
            return error;
        if (strcmp(o->start_if, "upstream_known") != 0) {
            vt__data_pointer(ptr, sizeof(ptr), "%s/if/fact", at);
            return vt__data_fail(c->err, c->file, ptr, "the only fact known is 'upstream_known'");
        }
        vt__data_pointer(ptr, sizeof(ptr), "%s/if/event", at);
        error = get_event(c, cJSON_GetObjectItemCaseSensitive(cond, "event"), ptr,
                          &o->start_if_event);
        if (error < 0)
            return error;
    }
    choices = cJSON_GetObjectItemCaseSensitive(start, "choices");
    if (choices) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/choices", at);
        error = get_events(c, choices, ptr, o->start_choices, &o->nstart_choices);
        if (error < 0)
            return error;
    }
    after = cJSON_GetObjectItemCaseSensitive(start, "only_after");
    if (after) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/only_after", at);
        error = get_event(c, after, ptr, &o->only_after);
    }
    return error;
}

static int parse_due(pctx *c, const cJSON *due, const char *at, vt_policy_obligation *o)
{
    static const char *const keys[] = {"hours", "days", "months"};
    static const int64_t max[] = {24 * 366, 3660, 120};
    static const vt_due_kind kinds[] = {VT_DUE_HOURS, VT_DUE_DAYS, VT_DUE_MONTHS};
    char ptr[160];
    size_t i;
    int error;

    if (cJSON_IsString(due)) {
        if (strcmp(due->valuestring, "immediate") == 0)
            o->due = VT_DUE_IMMEDIATE;
        else if (strcmp(due->valuestring, "kev_due_date") == 0)
            o->due = VT_DUE_KEV_DUE_DATE;
        else if (strcmp(due->valuestring, "decision_table") == 0)
            o->due = VT_DUE_DECISION_TABLE;
        else
            return vt__data_fail(c->err, c->file, at,
                                 "'immediate', 'kev_due_date', 'decision_table' or an object");
        return 0;
    }
    error = check_keys(c, due, at, keys, 3);
    if (error < 0)
        return error;
    if (cJSON_GetArraySize(due) != 1)
        return vt__data_fail(c->err, c->file, at, "give exactly one of hours, days, months");
    for (i = 0; i < 3; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(due, keys[i]);
        if (!v)
            continue;
        vt__data_pointer(ptr, sizeof(ptr), "%s/%s", at, keys[i]);
        error = get_count(c, v, ptr, max[i], &o->amount);
        if (error < 0)
            return error;
        if (o->amount == 0)
            return vt__data_fail(c->err, c->file, ptr, "must be at least 1 (or 'immediate')");
        o->due = kinds[i];
    }
    return 0;
}

static int parse_legal(pctx *c, const cJSON *legal, const char *at, vt_policy_obligation *o)
{
    static const char *const keys[] = {"rule", "days", "calendar"};
    const char *rule;
    char ptr[160];
    int64_t days;
    int error;

    if (!legal)
        return 0;
    error = check_keys(c, legal, at, keys, 3);
    if (error == 0)
        error = get_str(c, legal, "rule", at, true, &rule);
    if (error < 0)
        return error;
    if (strcmp(rule, "cn_civil_code") != 0) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/rule", at);
        return vt__data_fail(c->err, c->file, ptr, "the only rule known is 'cn_civil_code'");
    }
    vt__data_pointer(ptr, sizeof(ptr), "%s/days", at);
    error = get_count(c, cJSON_GetObjectItemCaseSensitive(legal, "days"), ptr, 3660, &days);
    if (error < 0)
        return error;
    if (days < 1)
        return vt__data_fail(c->err, c->file, ptr, "must be at least 1");
    o->legal_days = (int)days;
    return get_str(c, legal, "calendar", at, true, &o->legal_calendar);
}

static int parse_obligation(pctx *c, const cJSON *j, size_t idx, vt_policy_profile *p,
                            vt_policy_obligation *o)
{
    static const char *const keys[] = {"id",      "title",        "basis",   "who",
                                       "when",    "trigger",      "start",   "due",
                                       "legal_latest", "met_by",  "policy",  "note",
                                       "survives_rejection"};
    static const char *const title_keys[] = {"en", "zh"};
    static const char *const basis_keys[] = {"kind", "article"};
    const cJSON *title, *basis, *who, *met, *pol;
    char at[64], ptr[160];
    size_t i;
    int error;

    vt__data_pointer(at, sizeof(at), "/obligations/%zu", idx);
    error = check_keys(c, j, at, keys, sizeof(keys) / sizeof(keys[0]));
    if (error == 0)
        error = get_str(c, j, "id", at, true, &o->id);
    if (error < 0)
        return error;
    for (i = 0; i < idx; i++) {
        if (strcmp(p->obl[i].id, o->id) == 0) {
            vt__data_pointer(ptr, sizeof(ptr), "%s/id", at);
            return vt__data_fail(c->err, c->file, ptr, "obligation '%s' is defined twice",
                                 o->id);
        }
    }
    title = cJSON_GetObjectItemCaseSensitive(j, "title");
    vt__data_pointer(ptr, sizeof(ptr), "%s/title", at);
    error = check_keys(c, title, ptr, title_keys, 2);
    if (error == 0)
        error = get_str(c, title, "en", ptr, true, &o->title_en);
    if (error == 0)
        error = get_str(c, title, "zh", ptr, false, &o->title_zh);
    if (error < 0)
        return error;
    basis = cJSON_GetObjectItemCaseSensitive(j, "basis");
    vt__data_pointer(ptr, sizeof(ptr), "%s/basis", at);
    error = check_keys(c, basis, ptr, basis_keys, 2);
    if (error == 0)
        error = get_str(c, basis, "kind", ptr, true, &o->basis);
    if (error == 0)
        error = get_str(c, basis, "article", ptr, true, &o->article);
    if (error < 0)
        return error;
    if (strcmp(o->basis, "LAW") && strcmp(o->basis, "POLICY") && strcmp(o->basis, "STD")) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/basis/kind", at);
        return vt__data_fail(c->err, c->file, ptr, "must be LAW, POLICY or STD");
    }
    who = cJSON_GetObjectItemCaseSensitive(j, "who");
    if (who) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/who", at);
        error = get_bits(c, who, ptr, vt_policy_role_parse, &o->who);
        if (error < 0)
            return error;
    }
    vt__data_pointer(ptr, sizeof(ptr), "%s/when", at);
    error = parse_when(c, cJSON_GetObjectItemCaseSensitive(j, "when"), ptr, o);
    if (error < 0)
        return error;
    vt__data_pointer(ptr, sizeof(ptr), "%s/trigger", at);
    error = parse_trigger(c, cJSON_GetObjectItemCaseSensitive(j, "trigger"), ptr, o);
    if (error < 0)
        return error;
    vt__data_pointer(ptr, sizeof(ptr), "%s/start", at);
    error = parse_start(c, cJSON_GetObjectItemCaseSensitive(j, "start"), ptr, o);
    if (error < 0)
        return error;
    vt__data_pointer(ptr, sizeof(ptr), "%s/due", at);
    error = parse_due(c, cJSON_GetObjectItemCaseSensitive(j, "due"), ptr, o);
    if (error < 0)
        return error;
    vt__data_pointer(ptr, sizeof(ptr), "%s/legal_latest", at);
    error = parse_legal(c, cJSON_GetObjectItemCaseSensitive(j, "legal_latest"), ptr, o);
    if (error < 0)
        return error;
    met = cJSON_GetObjectItemCaseSensitive(j, "met_by");
    if (met && !cJSON_IsNull(met)) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/met_by", at);
        error = get_event(c, met, ptr, &o->met_by);
        if (error < 0)
            return error;
    }
    pol = cJSON_GetObjectItemCaseSensitive(j, "policy");
    if (pol && !cJSON_IsBool(pol)) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/policy", at);
        return vt__data_fail(c->err, c->file, ptr, "must be true or false");
    }
    o->policy = cJSON_IsTrue(pol);
    pol = cJSON_GetObjectItemCaseSensitive(j, "survives_rejection");
    if (pol && !cJSON_IsBool(pol)) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/survives_rejection", at);
        return vt__data_fail(c->err, c->file, ptr, "must be true or false");
    }
    o->survives_rejection = cJSON_IsTrue(pol);
    error = get_str(c, j, "note", at, false, &o->note);
    if (error < 0)
        return error;
    if (o->due == VT_DUE_DECISION_TABLE && !p->has_table) {
        vt__data_pointer(ptr, sizeof(ptr), "%s/due", at);
        return vt__data_fail(c->err, c->file, ptr, "the profile has no decision_table");
    }
    return 0;
}

/* Y/N or total/partial of one row column. */
static int row_bit(pctx *c, const cJSON *row, const char *key, const char *at, const char *yes,
                   const char *no, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, key);
    char ptr[160];

    vt__data_pointer(ptr, sizeof(ptr), "%s/%s", at, key);
    if (cJSON_IsString(v) && strcmp(v->valuestring, yes) == 0)
        *out = 1;
    else if (cJSON_IsString(v) && strcmp(v->valuestring, no) == 0)
        *out = 0;
    else
        return vt__data_fail(c->err, c->file, ptr, "must be \"%s\" or \"%s\"", yes, no);
    return 0;
}

static int parse_table(pctx *c, const cJSON *t, vt_policy_profile *p)
{
    static const char *const keys[] = {"id", "columns", "outcomes", "rows", "source"};
    static const char *const out_keys[] = {"id", "days", "forensic_triage", "next_upgrade"};
    static const char *const row_keys[] = {"kev", "exposed", "automatable", "impact", "outcome"};
    const cJSON *outs, *rows, *v;
    bool seen[2][2][2][2];
    char at[64];
    size_t i, idx;
    int error;

    if (!t)
        return 0;
    p->has_table = true;
    error = check_keys(c, t, "/decision_table", keys, sizeof(keys) / sizeof(keys[0]));
    if (error == 0)
        error = get_str(c, t, "id", "/decision_table", true, &p->table.id);
    if (error < 0)
        return error;
    outs = cJSON_GetObjectItemCaseSensitive(t, "outcomes");
    if (!cJSON_IsArray(outs) || cJSON_GetArraySize(outs) < 1 ||
        cJSON_GetArraySize(outs) > POLICY_MAX_OUTCOMES)
        return vt__data_fail(c->err, c->file, "/decision_table/outcomes",
                             "must be an array of 1..%d outcomes", POLICY_MAX_OUTCOMES);
    idx = 0;
    cJSON_ArrayForEach(v, outs)
    {
        vt_policy_outcome *o = &p->outcomes[idx];
        const cJSON *days = cJSON_GetObjectItemCaseSensitive(v, "days");
        const cJSON *fz = cJSON_GetObjectItemCaseSensitive(v, "forensic_triage");
        const cJSON *nu = cJSON_GetObjectItemCaseSensitive(v, "next_upgrade");
        int64_t d;

        vt__data_pointer(at, sizeof(at), "/decision_table/outcomes/%zu", idx);
        error = check_keys(c, v, at, out_keys, 4);
        if (error == 0)
            error = get_str(c, v, "id", at, true, &o->id);
        if (error < 0)
            return error;
        o->forensic_triage = cJSON_IsTrue(fz);
        o->next_upgrade = cJSON_IsTrue(nu);
        if ((fz && !cJSON_IsBool(fz)) || (nu && !cJSON_IsBool(nu)))
            return vt__data_fail(c->err, c->file, at, "flags must be true or false");
        if (o->next_upgrade == (days != NULL))
            return vt__data_fail(c->err, c->file, at,
                                 "an outcome has either 'days' or \"next_upgrade\": true");
        o->days = -1;
        if (days) {
            char ptr[96];
            vt__data_pointer(ptr, sizeof(ptr), "%s/days", at);
            error = get_count(c, days, ptr, 3660, &d);
            if (error < 0)
                return error;
            o->days = (int)d;
        }
        for (i = 0; i < idx; i++) {
            if (strcmp(p->outcomes[i].id, o->id) == 0)
                return vt__data_fail(c->err, c->file, at, "outcome id repeated");
        }
        idx++;
    }
    p->table.outcomes = p->outcomes;
    p->table.noutcomes = idx;
    memset(seen, 0, sizeof(seen));
    rows = cJSON_GetObjectItemCaseSensitive(t, "rows");
    if (!cJSON_IsArray(rows))
        return vt__data_fail(c->err, c->file, "/decision_table/rows", "must be an array");
    idx = 0;
    cJSON_ArrayForEach(v, rows)
    {
        int k, e, a, tot;
        const char *outcome;

        vt__data_pointer(at, sizeof(at), "/decision_table/rows/%zu", idx);
        error = check_keys(c, v, at, row_keys, 5);
        if (error == 0)
            error = row_bit(c, v, "kev", at, "Y", "N", &k);
        if (error == 0)
            error = row_bit(c, v, "exposed", at, "Y", "N", &e);
        if (error == 0)
            error = row_bit(c, v, "automatable", at, "Y", "N", &a);
        if (error == 0)
            error = row_bit(c, v, "impact", at, "total", "partial", &tot);
        if (error == 0)
            error = get_str(c, v, "outcome", at, true, &outcome);
        if (error < 0)
            return error;
        if (seen[k][e][a][tot])
            return vt__data_fail(c->err, c->file, at, "combination listed twice");
        for (i = 0; i < p->table.noutcomes; i++) {
            if (strcmp(p->outcomes[i].id, outcome) == 0)
                break;
        }
        if (i == p->table.noutcomes) {
            char ptr[96];
            vt__data_pointer(ptr, sizeof(ptr), "%s/outcome", at);
            return vt__data_fail(c->err, c->file, ptr, "not one of the outcomes");
        }
        seen[k][e][a][tot] = true;
        p->table.cell[k][e][a][tot] = (unsigned char)i;
        idx++;
    }
    if (idx != 16)
        return vt__data_fail(c->err, c->file, "/decision_table/rows",
                             "must list all 16 combinations of kev, exposed, automatable, impact");
    return 0;
}

static void profile_free(vt_policy_profile *p)
{
    if (!p)
        return;
    vt_free(p->obl);
    cJSON_Delete(p->doc);
    vt_free(p);
}

static int parse_profile(vt_policy_profile *p, pctx *c)
{
    static const char *const keys[] = {"profile",  "title",   "basis",          "time_zone",
                                       "binding_role", "revoked_on", "source",   "note",
                                       "obligations",  "decision_table"};
    const cJSON *doc = p->doc, *obls, *j, *role;
    const char *revoked;
    size_t idx;
    int error;

    error = check_keys(c, doc, "", keys, sizeof(keys) / sizeof(keys[0]));
    if (error == 0)
        error = get_str(c, doc, "profile", "", true, &p->id);
    if (error == 0)
        error = get_str(c, doc, "title", "", true, &p->title);
    if (error == 0)
        error = get_str(c, doc, "basis", "", true, &p->basis);
    if (error == 0)
        error = get_str(c, doc, "time_zone", "", false, &p->time_zone);
    if (error == 0)
        error = get_str(c, doc, "revoked_on", "", false, &revoked);
    if (error < 0)
        return error;
    if (strcmp(p->basis, "LAW") && strcmp(p->basis, "POLICY") && strcmp(p->basis, "STD"))
        return vt__data_fail(c->err, c->file, "/basis", "must be LAW, POLICY or STD");
    if (p->time_zone && !vt_tz_name_valid(p->time_zone))
        return vt__data_fail(c->err, c->file, "/time_zone", "not a time zone name");
    p->revoked_day = INT64_MAX;
    if (revoked && !vt_date_parse_day(revoked, &p->revoked_day))
        return vt__data_fail(c->err, c->file, "/revoked_on", "not a date (YYYY-MM-DD)");
    role = cJSON_GetObjectItemCaseSensitive(doc, "binding_role");
    if (role && !cJSON_IsNull(role)) {
        p->binding_role = cJSON_IsString(role) ? vt_policy_role_parse(role->valuestring) : 0;
        if (!p->binding_role)
            return vt__data_fail(c->err, c->file, "/binding_role", "not a role");
    }
    error = parse_table(c, cJSON_GetObjectItemCaseSensitive(doc, "decision_table"), p);
    if (error < 0)
        return error;
    obls = cJSON_GetObjectItemCaseSensitive(doc, "obligations");
    if (!cJSON_IsArray(obls) || cJSON_GetArraySize(obls) < 1 ||
        cJSON_GetArraySize(obls) > POLICY_MAX_OBLIGATIONS)
        return vt__data_fail(c->err, c->file, "/obligations", "must be an array of 1..%d",
                             POLICY_MAX_OBLIGATIONS);
    p->obl = vt_calloc((size_t)cJSON_GetArraySize(obls), sizeof(*p->obl));
    if (!p->obl)
        return vt_error_set(c->err, VT_ENOMEM, 0, "%s: out of memory", c->file);
    idx = 0;
    cJSON_ArrayForEach(j, obls)
    {
        error = parse_obligation(c, j, idx, p, &p->obl[idx]);
        if (error < 0)
            return error;
        idx++;
        p->nobl = idx;
    }
    return 0;
}

vt_policy_set *vt_policy_set_new(void)
{
    return vt_calloc(1, sizeof(vt_policy_set));
}

void vt_policy_set_free(vt_policy_set *ps)
{
    size_t i;

    if (!ps)
        return;
    for (i = 0; i < ps->n; i++)
        profile_free(ps->items[i]);
    vt_free(ps->items);
    vt_free(ps);
}

int vt_policy_set_parse(vt_policy_set *ps, const char *text, size_t len, const char *file,
                        vt_error *err)
{
    vt_policy_profile *p = NULL;
    pctx c = {file ? file : "(profile)", err};
    int error;

    p = vt_calloc(1, sizeof(*p));
    if (!p)
        return vt_error_set(err, VT_ENOMEM, 0, "%s: out of memory", c.file);
    error = vt__data_parse(&p->doc, text, len, c.file, err);
    if (error >= 0)
        error = parse_profile(p, &c);
    if (error < 0)
        goto out;
    if (vt_policy_set_get(ps, p->id)) {
        error = vt__data_fail(err, c.file, "/profile", "profile '%s' is defined twice", p->id);
        goto out;
    }
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 8;
        vt_policy_profile **grown = vt_realloc(ps->items, cap * sizeof(*grown));
        if (!grown) {
            error = vt_error_set(err, VT_ENOMEM, 0, "%s: out of memory", c.file);
            goto out;
        }
        ps->items = grown;
        ps->cap = cap;
    }
    ps->items[ps->n++] = p;
    p = NULL;
out:
    profile_free(p);
    return error;
}

static int load_one(void *ctx, const char *path, const char *text, size_t len, vt_error *err)
{
    return vt_policy_set_parse(ctx, text, len, path, err);
}

int vt_policy_set_load_dir(const char *dir, vt_policy_set **out, vt_error *err)
{
    vt_policy_set *ps = vt_policy_set_new();
    int error;

    *out = NULL;
    if (!ps)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    error = vt__data_dir_each(dir, VT_POLICY_MAX_BYTES, load_one, ps, err);
    if (error < 0) {
        vt_policy_set_free(ps);
        return error;
    }
    *out = ps;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Getters                                                                 */

const vt_policy_profile *vt_policy_set_get(const vt_policy_set *ps, const char *id)
{
    size_t i;

    if (!ps || !id)
        return NULL;
    for (i = 0; i < ps->n; i++) {
        if (strcmp(ps->items[i]->id, id) == 0)
            return ps->items[i];
    }
    return NULL;
}

size_t vt_policy_set_count(const vt_policy_set *ps)
{
    return ps ? ps->n : 0;
}

const vt_policy_profile *vt_policy_set_at(const vt_policy_set *ps, size_t i)
{
    return i < ps->n ? ps->items[i] : NULL;
}

const char *vt_policy_profile_id(const vt_policy_profile *p)
{
    return p->id;
}

const char *vt_policy_profile_title(const vt_policy_profile *p)
{
    return p->title;
}

const char *vt_policy_profile_basis(const vt_policy_profile *p)
{
    return p->basis;
}

const char *vt_policy_profile_time_zone(const vt_policy_profile *p)
{
    return p->time_zone;
}

unsigned vt_policy_profile_binding_role(const vt_policy_profile *p)
{
    return p->binding_role;
}

int64_t vt_policy_profile_revoked_day(const vt_policy_profile *p)
{
    return p->revoked_day;
}

size_t vt_policy_profile_count(const vt_policy_profile *p)
{
    return p->nobl;
}

const vt_policy_obligation *vt_policy_profile_at(const vt_policy_profile *p, size_t i)
{
    return i < p->nobl ? &p->obl[i] : NULL;
}

const vt_policy_obligation *vt_policy_profile_find(const vt_policy_profile *p, const char *id)
{
    size_t i;

    for (i = 0; id && i < p->nobl; i++) {
        if (strcmp(p->obl[i].id, id) == 0)
            return &p->obl[i];
    }
    return NULL;
}

const vt_policy_table *vt_policy_profile_table(const vt_policy_profile *p)
{
    return p->has_table ? &p->table : NULL;
}
