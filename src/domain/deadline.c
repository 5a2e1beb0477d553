/*
 * deadline.c - turn a policy profile and the facts of a case into its
 * obligations: which apply, when each clock starts, when it is due, the
 * Civil-Code legal latest, and whether the event that meets it is recorded.
 *
 * Everything here is arithmetic on UTC milliseconds; a time zone is used
 * only where a rule counts local calendar days (the legal latest, the end
 * of a KEV due date, the start of a KEV dateAdded). Zones other than the
 * organisation's come from the zone cache (tz.h), read once per process.
 */
#include "vulntrack/deadline.h"

#include <limits.h>
#include <string.h>

#include "vulntrack/clock.h"

/* ---------------------------------------------------------------------- */
/* Calendar rules                                                          */

int64_t vt_deadline_cn_legal_latest(int64_t start_ms, int days, const vt_tz *tz,
                                    const vt_calendar *cal)
{
    /* Civil Code art. 201: the start day is not counted; art. 203: the
     * period ends at 24:00 of its last day, and a last day that is a
     * statutory rest day gives way to the day after the rest ends. */
    int64_t last = vt_tz_local_day(tz, start_ms) + days;

    if (cal)
        last = vt_calendar_next_working_day(cal, last);
    return vt_tz_day_start_utc(tz, last + 1);
}

/* The due day of BOD 22-01 for the facts (day number). */
static int64_t bod2201_due_day(const vt_case_facts *f)
{
    if (f->kev_has_due)
        return f->kev_due_day;
    if (f->cve_year > 0 && f->cve_year < 2021)
        return vt_add_months_days(f->kev_added_day, 6);
    return f->kev_added_day + 14;
}

int64_t vt_deadline_bod2201_due(const vt_case_facts *f, const vt_tz *tz)
{
    /* The end of the due day: 23:59:59 local. */
    return vt_tz_day_start_utc(tz, bod2201_due_day(f) + 1) - VT_MS_PER_SECOND;
}

/* ---------------------------------------------------------------------- */
/* BOD 26-04 decision                                                      */

/* Is outcome a more urgent than b? Fewer days first, "next upgrade" last,
 * forensic triage first on a tie. */
static bool more_urgent(const vt_policy_outcome *a, const vt_policy_outcome *b)
{
    int da = a->next_upgrade ? INT_MAX : a->days;
    int db = b->next_upgrade ? INT_MAX : b->days;

    if (da != db)
        return da < db;
    return a->forensic_triage && !b->forensic_triage;
}

/* The most urgent outcome over every value an unknown input can take. */
static const vt_policy_outcome *decide_fixed_exposure(const vt_policy_table *t, int kev,
                                                      int exposed, vt_tri automatable,
                                                      vt_tri total)
{
    const vt_policy_outcome *best = NULL;
    int a, i;

    for (a = 0; a <= 1; a++) {
        if (automatable != VT_TRI_UNKNOWN && a != (int)automatable)
            continue;
        for (i = 0; i <= 1; i++) {
            const vt_policy_outcome *o;
            if (total != VT_TRI_UNKNOWN && i != (int)total)
                continue;
            o = &t->outcomes[t->cell[kev][exposed][a][i]];
            if (!best || more_urgent(o, best))
                best = o;
        }
    }
    return best;
}

void vt_deadline_bod2604_decide(const vt_policy_table *t, const vt_bod_inputs *in,
                                vt_bod_decision *out)
{
    vt_tri automatable = in->automatable, total = in->total_impact;
    int kev = in->in_kev ? 1 : 0;

    memset(out, 0, sizeof(*out));
    if (!in->in_kev) {
        /* CISA's published defaults for non-KEV CVEs without SSVC data. */
        if (automatable == VT_TRI_UNKNOWN)
            automatable = VT_TRI_NO;
        if (total == VT_TRI_UNKNOWN)
            total = VT_TRI_YES;
    } else if (automatable == VT_TRI_UNKNOWN || total == VT_TRI_UNKNOWN) {
        out->data_missing = true;
    }
    if (in->exposed == VT_TRI_UNKNOWN) {
        out->exposure_unknown = true;
        out->if_exposed = decide_fixed_exposure(t, kev, 1, automatable, total);
        out->if_not_exposed = decide_fixed_exposure(t, kev, 0, automatable, total);
        out->outcome = more_urgent(out->if_not_exposed, out->if_exposed) ? out->if_not_exposed
                                                                         : out->if_exposed;
    } else {
        out->outcome = decide_fixed_exposure(t, kev, in->exposed == VT_TRI_YES, automatable,
                                             total);
    }
}

/* ---------------------------------------------------------------------- */
/* Obligations                                                             */

typedef struct eval {
    const vt_deadline_input *in;
    const vt_policy_profile *p;
    const vt_tz *zone;       /* the profile's evaluation zone */
    bool kev_event;
    int64_t kev_added_ms;    /* the KEV_DATE_ADDED pseudo-event */
} eval;

/* When was event `name` recorded? */
static bool event_at(const eval *e, const char *name, int64_t *at)
{
    size_t i;

    if (strcmp(name, "KEV_DATE_ADDED") == 0) {
        *at = e->kev_added_ms;
        return e->kev_event;
    }
    for (i = 0; i < e->in->nevents; i++) {
        if (strcmp(e->in->events[i].name, name) == 0) {
            *at = e->in->events[i].at_ms;
            return true;
        }
    }
    return false;
}

/* The organisation's override object for obligation `o`, or NULL. */
static const cJSON *override_of(const eval *e, const vt_policy_obligation *o)
{
    const cJSON *prof;

    if (!e->in->overrides)
        return NULL;
    prof = cJSON_GetObjectItemCaseSensitive(e->in->overrides, vt_policy_profile_id(e->p));
    return cJSON_IsObject(prof) ? cJSON_GetObjectItemCaseSensitive(prof, o->id) : NULL;
}

static unsigned effective_ptype(const vt_case_facts *f)
{
    if (f->product_type)
        return f->product_type;
    return f->scope == VT_SCOPE_OPERATOR_SYSTEM ? VT_PTYPE_SYSTEM : VT_PTYPE_SOFTWARE;
}

static bool cond_ok(vt_cond c, bool v)
{
    return c == VT_COND_ANY || (c == VT_COND_TRUE) == v;
}

/* Why `o` does not apply to the case, or NULL when it does (so far). */
static const char *not_applicable(const eval *e, const vt_policy_obligation *o)
{
    const vt_case_facts *f = e->in->facts;

    if (f->rejected && !o->survives_rejection)
        return "the case was rejected";
    if (o->who && !(f->roles & o->who))
        return "the organisation has none of the roles that owe it";
    if (o->scopes && !(o->scopes & f->scope))
        return "not for this case scope";
    if (o->product_types && !(o->product_types & effective_ptype(f)))
        return "not for this product type";
    if (!cond_ok(o->upstream, f->upstream))
        return o->upstream == VT_COND_TRUE ? "no upstream provider is named" : "upstream named";
    if (!cond_ok(o->users_must_act, f->users_must_act))
        return "users need not act";
    if (!cond_ok(o->eu_market, f->eu_market))
        return "not made available on the EU market";
    if (!cond_ok(o->in_kev, f->in_kev))
        return o->in_kev == VT_COND_TRUE ? "no CVE of the case is in the KEV catalogue"
                                         : "in the KEV catalogue";
    return NULL;
}

/* The trigger rule: applies once a trigger event is recorded on or after
 * the applicability date. */
static const char *trigger_missing(const eval *e, const vt_policy_obligation *o)
{
    bool seen = false;
    int64_t at;
    size_t i;

    for (i = 0; i < o->ntrigger; i++) {
        if (!event_at(e, o->trigger[i], &at))
            continue;
        seen = true;
        if (at >= o->trigger_from_ms)
            return NULL;
    }
    if (o->ntrigger == 0)
        return NULL;
    return seen ? "trigger event before the applicability date" : "no trigger event recorded";
}

/* Pick the start event and, when recorded, its time. */
static void find_start(const eval *e, const vt_policy_obligation *o, vt_deadline *d)
{
    const cJSON *ov = override_of(e, o);
    const cJSON *choice = ov ? cJSON_GetObjectItemCaseSensitive(ov, "start_event") : NULL;
    int64_t at;
    size_t i;

    if (cJSON_IsString(choice)) {
        for (i = 0; i < o->nstart_choices; i++) {
            if (strcmp(o->start_choices[i], choice->valuestring) == 0) {
                d->start_event = o->start_choices[i];
                d->started = event_at(e, d->start_event, &d->start_ms);
                return;
            }
        }
    }
    if (o->start_if && e->in->facts->upstream_known) {
        d->start_event = o->start_if_event;
        d->started = event_at(e, d->start_event, &d->start_ms);
        return;
    }
    d->start_event = o->start[0];
    for (i = 0; i < o->nstart; i++) {
        if (event_at(e, o->start[i], &at) && (!d->started || at < d->start_ms)) {
            d->started = true;
            d->start_ms = at;
            d->start_event = o->start[i];
        }
    }
}

/* The amount of `o`, or the organisation's override of a policy value. */
static int64_t amount_of(const eval *e, const vt_policy_obligation *o)
{
    static const char *const keys[] = {"hours", "days", "months"};
    const cJSON *ov = override_of(e, o), *v;

    if (!o->policy || !ov || o->due < VT_DUE_HOURS || o->due > VT_DUE_MONTHS)
        return o->amount;
    v = cJSON_GetObjectItemCaseSensitive(ov, keys[o->due - VT_DUE_HOURS]);
    if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 3660 &&
        v->valuedouble == (double)(int64_t)v->valuedouble)
        return (int64_t)v->valuedouble;
    return o->amount;
}

static void compute_due(const eval *e, const vt_policy_obligation *o, vt_deadline *d)
{
    const vt_case_facts *f = e->in->facts;
    const vt_policy_table *t;
    vt_bod_inputs bi;
    vt_bod_decision bd;
    int64_t amount = amount_of(e, o);

    d->has_due = true;
    switch (o->due) {
    case VT_DUE_IMMEDIATE:
        d->due_ms = d->start_ms;
        break;
    case VT_DUE_HOURS:
        d->due_ms = d->start_ms + amount * VT_MS_PER_HOUR;
        break;
    case VT_DUE_DAYS:
        d->due_ms = d->start_ms + amount * VT_MS_PER_DAY;
        break;
    case VT_DUE_MONTHS:
        d->due_ms = vt_add_months_ms(d->start_ms, (int)amount);
        break;
    case VT_DUE_KEV_DUE_DATE:
        if (!f->in_kev) {
            d->has_due = false;
            d->reason = "awaiting a KEV entry";
            break;
        }
        d->due_ms = vt_deadline_bod2201_due(f, e->zone);
        break;
    case VT_DUE_DECISION_TABLE:
        t = vt_policy_profile_table(e->p);
        bi.in_kev = f->in_kev;
        bi.exposed = f->exposed;
        bi.automatable = f->automatable;
        bi.total_impact = f->total_impact;
        vt_deadline_bod2604_decide(t, &bi, &bd);
        d->outcome = bd.outcome->id;
        d->forensic_triage = bd.outcome->forensic_triage;
        d->data_missing = bd.data_missing;
        if (bd.exposure_unknown)
            d->outcome_alt = (bd.outcome == bd.if_exposed ? bd.if_not_exposed : bd.if_exposed)->id;
        if (bd.outcome->next_upgrade) {
            if (f->next_upgrade_ms > 0) {
                d->due_ms = f->next_upgrade_ms;
            } else {
                d->has_due = false;
                d->reason = "awaiting the asset's next scheduled upgrade date";
            }
        } else {
            d->due_ms = d->start_ms + (int64_t)bd.outcome->days * VT_MS_PER_DAY;
        }
        break;
    }
}

static int compute_one(const eval *e, const vt_policy_obligation *o, vt_deadline *d,
                       vt_error *err)
{
    unsigned binding = vt_policy_profile_binding_role(e->p);
    const char *why;
    int64_t at;

    memset(d, 0, sizeof(*d));
    d->profile = vt_policy_profile_id(e->p);
    d->def = o;
    d->policy = o->policy;
    d->informative = binding && !(e->in->facts->roles & binding);
    find_start(e, o, d);
    why = not_applicable(e, o);
    if (!why)
        why = trigger_missing(e, o);
    if (!why && o->only_after) {
        if (!event_at(e, o->only_after, &at))
            why = "the event it follows is not recorded";
        else if (d->started && d->start_ms < at)
            why = "its start event came before the event it follows";
    }
    if (!why && d->started && vt_policy_profile_revoked_day(e->p) != INT64_MAX &&
        vt_tz_local_day(e->zone, d->start_ms) >= vt_policy_profile_revoked_day(e->p))
        why = "the profile was revoked before the start";
    if (why) {
        d->state = VT_DEADLINE_NOT_APPLICABLE;
        d->reason = why;
        return 0;
    }
    d->state = VT_DEADLINE_OPEN;
    if (!d->started) {
        d->reason = "awaiting its start event";
    } else {
        compute_due(e, o, d);
        if (o->legal_days > 0 && e->in->calendars) {
            const vt_calendar *cal = vt_calendar_set_get(e->in->calendars, o->legal_calendar);
            const vt_tz *cz = NULL;
            int error;

            if (!cal)
                return vt_error_set(err, VT_EINVALID, 0,
                                    "profile %s: calendar '%s' is not loaded", d->profile,
                                    o->legal_calendar);
            error = vt_tz_load(&cz, vt_calendar_time_zone(cal), err);
            if (error < 0)
                return error;
            d->has_legal_latest = true;
            d->legal_latest_ms = vt_deadline_cn_legal_latest(d->start_ms, o->legal_days, cz, cal);
            d->calendar_uncovered =
                !vt_calendar_covers(cal, vt_tz_local_day(cz, d->start_ms) + o->legal_days);
        }
    }
    if (o->met_by && event_at(e, o->met_by, &at)) {
        d->state = VT_DEADLINE_MET;
        d->met_ms = at;
        d->met_event = o->met_by;
    }
    return 0;
}

int vt_deadline_compute(const vt_policy_profile *p, const vt_deadline_input *in,
                        vt_deadline *out, size_t *n, vt_error *err)
{
    eval e;
    size_t i;
    int error;

    *n = 0;
    memset(&e, 0, sizeof(e));
    e.in = in;
    e.p = p;
    e.zone = in->org_tz;
    if (vt_policy_profile_time_zone(p)) {
        error = vt_tz_load(&e.zone, vt_policy_profile_time_zone(p), err);
        if (error < 0)
            return error;
    }
    if (in->facts->in_kev) {
        /* KEV dates are calendar dates: dateAdded counts from its start. */
        e.kev_event = true;
        e.kev_added_ms = vt_tz_day_start_utc(e.zone, in->facts->kev_added_day);
    }
    for (i = 0; i < vt_policy_profile_count(p) && i < VT_DEADLINE_MAX; i++) {
        error = compute_one(&e, vt_policy_profile_at(p, i), &out[i], err);
        if (error < 0)
            return error;
        *n = i + 1;
    }
    return 0;
}
