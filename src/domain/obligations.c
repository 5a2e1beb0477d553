/*
 * obligations.c - the clocks of a case in the store: gather the facts a
 * profile asks about, compute (deadline.c), merge with what is stored and
 * write each change to the ledger.
 *
 * Merge rules: a waived obligation stays waived and a met one stays met
 * (their clocks are still updated, so a late one shows met_ms > due_ms);
 * otherwise the computed state wins, with an open one whose due time has
 * passed recorded as missed at once. Nothing is written, and no ledger
 * entry made, when a recomputation changes nothing.
 */
#include "vulntrack/obligations.h"

#include <stdio.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/clock.h"
#include "vulntrack/deadline.h"
#include "vulntrack/json.h"
#include "vulntrack/kev.h"
#include "vulntrack/ledger.h"
#include "vulntrack/osv.h"
#include "vulntrack/store_obligations.h"
#include "vulntrack/strparse.h"
#include "vulntrack/tz.h"

#define OBL_MAX_EVENTS 32
#define SWEEP_BATCH 256

/* ---------------------------------------------------------------------- */
/* Facts                                                                   */

typedef struct events {
    vt_case_event ev[OBL_MAX_EVENTS];
    char *name[OBL_MAX_EVENTS];
    char *who[OBL_MAX_EVENTS];      /* actor */
    char *evidence[OBL_MAX_EVENTS]; /* may be NULL */
    size_t n;
} events;

static void events_dispose(events *e)
{
    size_t i;

    for (i = 0; i < e->n; i++) {
        vt_free(e->name[i]);
        vt_free(e->who[i]);
        vt_free(e->evidence[i]);
    }
    e->n = 0;
}

static int events_add(void *ctx, const vt_obl_event_row *r)
{
    events *e = ctx;
    size_t i = e->n;

    if (i == OBL_MAX_EVENTS || !vt_event_name_valid(r->event))
        return 0;
    e->name[i] = vt_strdup(r->event);
    e->who[i] = vt_strdup(r->actor);
    e->evidence[i] = r->evidence ? vt_strdup(r->evidence) : NULL;
    if (!e->name[i] || !e->who[i] || (r->evidence && !e->evidence[i])) {
        vt_free(e->name[i]);
        vt_free(e->who[i]);
        vt_free(e->evidence[i]);
        return VT_ENOMEM;
    }
    e->ev[i].name = e->name[i];
    e->ev[i].at_ms = r->at_ms;
    e->n++;
    return 0;
}

static bool json_true(const cJSON *obj, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* The roles an organisation holds: its kind, plus flags. */
static unsigned org_roles(const char *kind, const cJSON *flags)
{
    unsigned roles = 0;
    const cJSON *extra, *r;

    if (kind && strcmp(kind, "vendor") == 0)
        roles |= VT_PROLE_PROVIDER;
    else if (kind && strcmp(kind, "operator") == 0)
        roles |= VT_PROLE_OPERATOR;
    else if (kind && strcmp(kind, "platform") == 0)
        roles |= VT_PROLE_COLLECTOR;
    if (json_true(flags, "eu_manufacturer"))
        roles |= VT_PROLE_EU_MANUFACTURER;
    if (json_true(flags, "us_fceb"))
        roles |= VT_PROLE_US_FCEB;
    /* A tenant may hold several roles at once (spec §2). */
    extra = cJSON_GetObjectItemCaseSensitive(flags, "roles");
    cJSON_ArrayForEach(r, extra)
    {
        if (cJSON_IsString(r))
            roles |= vt_policy_role_parse(r->valuestring);
    }
    return roles;
}

static vt_tri tri_of(const cJSON *v, const char *yes, const char *no)
{
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? VT_TRI_YES : VT_TRI_NO;
    if (cJSON_IsString(v) && (strcmp(v->valuestring, yes) == 0 || strcmp(v->valuestring, "yes") == 0))
        return VT_TRI_YES;
    if (cJSON_IsString(v) && (strcmp(v->valuestring, no) == 0 || strcmp(v->valuestring, "no") == 0))
        return VT_TRI_NO;
    return VT_TRI_UNKNOWN;
}

typedef struct kev_dates {
    char added[16];
    char due[16];
} kev_dates;

static void kev_copy(void *ctx, const vt_kev_entry *e)
{
    kev_dates *k = ctx;

    snprintf(k->added, sizeof(k->added), "%s", e->date_added ? e->date_added : "");
    snprintf(k->due, sizeof(k->due), "%s", e->due_date ? e->due_date : "");
}

/* KEV facts from the case's CVE identifiers: the earliest-added entry. */
static int kev_facts(vt_store *s, const cJSON *doc, vt_case_facts *f, vt_error *err)
{
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(doc, "identifiers"), *e;

    cJSON_ArrayForEach(e, ids)
    {
        const cJSON *scheme = cJSON_GetObjectItemCaseSensitive(e, "scheme");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
        kev_dates k;
        bool found = false;
        int64_t day, year = 0;
        int error;

        if (!cJSON_IsString(scheme) || strcmp(scheme->valuestring, "CVE") != 0 ||
            !cJSON_IsString(id))
            continue;
        memset(&k, 0, sizeof(k));
        error = vt_store_get_kev(s, id->valuestring, &found, kev_copy, &k, err);
        if (error < 0)
            return error;
        if (!found || !vt_date_parse_day(k.added, &day))
            continue;
        if (f->in_kev && day >= f->kev_added_day)
            continue;
        f->in_kev = true;
        f->kev_added_day = day;
        f->kev_has_due = vt_date_parse_day(k.due, &f->kev_due_day);
        /* "CVE-YYYY-N" */
        if (strlen(id->valuestring) > 8 && vt_parse_i64(&year, id->valuestring + 4, 4) == 0)
            f->cve_year = (int)year;
    }
    return 0;
}

static int case_facts(vt_store *s, const vt_obl_case *c, const cJSON *doc, const cJSON *flags,
                      vt_case_facts *f, vt_error *err)
{
    vt_case_facts init = VT_CASE_FACTS_INIT;
    const cJSON *up, *v, *ssvc;
    int64_t ms;

    *f = init;
    f->roles = org_roles(c->org_kind, flags);
    f->scope = vt_policy_scope_parse(c->scope);
    if (!f->scope)
        f->scope = VT_SCOPE_OWN_PRODUCT;
    v = cJSON_GetObjectItemCaseSensitive(doc, "product_type");
    f->product_type = cJSON_IsString(v) ? vt_policy_ptype_parse(v->valuestring) : 0;
    up = cJSON_GetObjectItemCaseSensitive(doc, "upstream");
    if (cJSON_IsObject(up)) {
        static const char *const keys[] = {"purl", "provider", "contact"};
        size_t i;
        for (i = 0; i < 3; i++) {
            v = cJSON_GetObjectItemCaseSensitive(up, keys[i]);
            f->upstream = f->upstream || (cJSON_IsString(v) && v->valuestring[0]);
        }
        f->upstream_known = f->upstream && json_true(up, "known_at_awareness");
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "users_must_act");
    f->users_must_act = !cJSON_IsFalse(v);
    f->eu_market = json_true(doc, "eu_market");
    f->rejected = c->state && strcmp(c->state, "rejected") == 0;
    /* BOD 26-04 inputs: doc.ssvc {exposed, automatable, technical_impact}. */
    ssvc = cJSON_GetObjectItemCaseSensitive(doc, "ssvc");
    f->exposed = tri_of(cJSON_GetObjectItemCaseSensitive(ssvc, "exposed"), "yes", "no");
    f->automatable = tri_of(cJSON_GetObjectItemCaseSensitive(ssvc, "automatable"), "yes", "no");
    f->total_impact =
        tri_of(cJSON_GetObjectItemCaseSensitive(ssvc, "technical_impact"), "total", "partial");
    v = cJSON_GetObjectItemCaseSensitive(doc, "next_upgrade");
    if (cJSON_IsString(v) &&
        vt_time_parse_rfc3339(&ms, v->valuestring, strlen(v->valuestring)) == 0)
        f->next_upgrade_ms = ms;
    return kev_facts(s, doc, f, err);
}

/* ---------------------------------------------------------------------- */
/* Ledger                                                                  */

static int add_time(cJSON *o, const char *key, bool has, int64_t ms)
{
    char buf[VT_TIME_TEXT_MAX];

    if (!has)
        return vt_json_add_null(o, key);
    return vt_json_add_str(o, key, vt_time_format_utc(buf, ms));
}

/* A ledger entry about row `r` of case `ref`. */
static int ledger_obl(vt_store *w, const char *kind, const char *actor, const char *ref,
                      const vt_obl_row *r, const vt_deadline *d, int64_t now_ms, vt_error *err)
{
    vt_ledger_entry_in in;
    cJSON *detail = cJSON_CreateObject();
    vt_buf text = VT_BUF_INIT;
    int error;

    if (!detail)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    error = vt_json_add_num(detail, "obligation_id", (double)r->id);
    if (error == 0)
        error = vt_json_add_str(detail, "profile", r->profile);
    if (error == 0)
        error = vt_json_add_str(detail, "obligation", r->obligation);
    if (error == 0)
        error = vt_json_add_str(detail, "state", r->state);
    if (error == 0)
        error = vt_json_add_str(detail, "start_event", r->start_event);
    if (error == 0)
        error = add_time(detail, "start", r->has_start, r->start_ms);
    if (error == 0)
        error = add_time(detail, "due", r->has_due, r->due_ms);
    if (error == 0)
        error = add_time(detail, "legal_latest", r->has_legal_latest, r->legal_latest_ms);
    if (error == 0 && r->has_met)
        error = add_time(detail, "met_at", true, r->met_ms);
    if (error == 0 && d && d->reason)
        error = vt_json_add_str(detail, "reason", d->reason);
    if (error == 0 && d && d->outcome)
        error = vt_json_add_str(detail, "outcome", d->outcome);
    if (error == 0 && d && d->outcome_alt)
        error = vt_json_add_str(detail, "outcome_if_exposure_differs", d->outcome_alt);
    if (error == 0 && d && d->data_missing)
        error = vt_json_add_take(detail, "data_missing", cJSON_CreateTrue());
    if (error == 0 && d && d->informative)
        error = vt_json_add_take(detail, "informative", cJSON_CreateTrue());
    if (error == 0 && r->waived_reason && strcmp(kind, "obligation.waived") == 0)
        error = vt_json_add_str(detail, "waived_reason", r->waived_reason);
    if (error == 0)
        error = vt_json_print(&text, detail);
    if (error < 0) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    memset(&in, 0, sizeof(in));
    in.kind = kind;
    in.channel = "system";
    in.actor = actor;
    in.subject = ref;
    /* The content is what the entry is about: evidence, if any. */
    in.content = r->evidence ? r->evidence : "";
    in.content_len = r->evidence ? strlen(r->evidence) : 0;
    in.detail = text.ptr;
    in.at_ms = now_ms;
    error = vt_ledger_append(w, &in, NULL, err);
out:
    vt_buf_dispose(&text);
    cJSON_Delete(detail);
    return error;
}

/* ---------------------------------------------------------------------- */
/* Refresh                                                                 */

static void copy_name(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

/* Evidence text for an obligation met by event `name`. */
static char *event_evidence(const events *e, const char *name)
{
    vt_buf b = VT_BUF_INIT;
    size_t i;

    for (i = 0; i < e->n; i++) {
        if (strcmp(e->name[i], name) != 0)
            continue;
        if (vt_buf_printf(&b, "%s recorded by %s%s%s", name, e->who[i],
                          e->evidence[i] ? ": " : "", e->evidence[i] ? e->evidence[i] : "") < 0)
            break;
        return vt_buf_detach(&b);
    }
    vt_buf_dispose(&b);
    return NULL;
}

static bool same_opt(bool ha, int64_t a, bool hb, int64_t b)
{
    return ha == hb && (!ha || a == b);
}

/* Merge computed `d` into the stored row of the case and write changes. */
static int merge_one(vt_store *w, const vt_obl_case *c, const events *ev, const vt_deadline *d,
                     int64_t now_ms, vt_error *err)
{
    vt_obl_row old, row;
    bool found;
    const char *kind = "obligation.computed";
    int error;

    error = vt_store_obl_find(w, c->case_id, d->profile, d->def->id, &found, &old, err);
    if (error < 0)
        return error;
    memset(&row, 0, sizeof(row));
    row.id = found ? old.id : 0;
    row.case_id = c->case_id;
    copy_name(row.profile, sizeof(row.profile), d->profile);
    copy_name(row.obligation, sizeof(row.obligation), d->def->id);
    copy_name(row.start_event, sizeof(row.start_event), d->start_event);
    row.has_start = d->started;
    row.start_ms = d->start_ms;
    row.has_due = d->has_due;
    row.due_ms = d->due_ms;
    row.has_legal_latest = d->has_legal_latest;
    row.legal_latest_ms = d->legal_latest_ms;
    row.updated_ms = now_ms;
    if (found && (strcmp(old.state, "waived") == 0 || strcmp(old.state, "met") == 0)) {
        copy_name(row.state, sizeof(row.state), old.state);
        row.has_met = old.has_met;
        row.met_ms = old.met_ms;
        row.evidence = old.evidence;
        row.waived_reason = old.waived_reason;
        old.evidence = NULL;
        old.waived_reason = NULL;
    } else if (d->state == VT_DEADLINE_MET) {
        copy_name(row.state, sizeof(row.state), "met");
        row.has_met = true;
        row.met_ms = d->met_ms;
        row.evidence = event_evidence(ev, d->met_event);
        if (!row.evidence) {
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
            goto out;
        }
        kind = "obligation.met";
    } else if (d->state == VT_DEADLINE_NOT_APPLICABLE) {
        copy_name(row.state, sizeof(row.state), "not_applicable");
    } else if (d->has_due && d->due_ms < now_ms) {
        copy_name(row.state, sizeof(row.state), "missed");
        if (!found || strcmp(old.state, "missed") != 0)
            kind = "obligation.missed";
    } else {
        copy_name(row.state, sizeof(row.state), "open");
    }
    if (found && strcmp(old.state, row.state) == 0 && strcmp(old.start_event, row.start_event) == 0 &&
        same_opt(old.has_start, old.start_ms, row.has_start, row.start_ms) &&
        same_opt(old.has_due, old.due_ms, row.has_due, row.due_ms) &&
        same_opt(old.has_legal_latest, old.legal_latest_ms, row.has_legal_latest,
                 row.legal_latest_ms) &&
        same_opt(old.has_met, old.met_ms, row.has_met, row.met_ms))
        goto out; /* nothing changed */
    error = vt_store_obl_put(w, &row, err);
    if (error == 0)
        error = ledger_obl(w, kind, "system", c->ref, &row, d, now_ms, err);
out:
    vt_obl_row_dispose(&old);
    vt_obl_row_dispose(&row);
    return error;
}

/* Is (profile, obligation) still defined by a profile the organisation lists? */
static bool still_defined(const cJSON *profiles, const vt_policy_set *ps, const char *profile,
                          const char *obligation)
{
    const cJSON *pid;

    cJSON_ArrayForEach(pid, profiles)
    {
        const vt_policy_profile *p;

        if (!cJSON_IsString(pid) || strcmp(pid->valuestring, profile) != 0)
            continue;
        p = vt_policy_set_get(ps, profile);
        return p && vt_policy_profile_find(p, obligation) != NULL;
    }
    return false;
}

typedef struct stale_ctx {
    const cJSON *profiles;
    const vt_policy_set *ps;
    int64_t ids[VT_DEADLINE_MAX];
    size_t n;
} stale_ctx;

static int stale_each(void *ctx, const vt_obl_query_row *q)
{
    stale_ctx *s = ctx;

    if (s->n < VT_DEADLINE_MAX && !still_defined(s->profiles, s->ps, q->o->profile,
                                                 q->o->obligation))
        s->ids[s->n++] = q->o->id;
    return 0;
}

/*
 * An obligation still open or missed whose profile the organisation no
 * longer lists, or that its profile file no longer defines (an updated
 * data file), is no longer owed: it becomes not applicable, with a ledger
 * entry. Met and waived ones keep their record.
 */
static int retire_stale(vt_store *w, const vt_obl_case *c, const cJSON *profiles,
                        const vt_policy_set *ps, int64_t now_ms, vt_error *err)
{
    vt_obl_query q;
    stale_ctx s;
    size_t i;
    int error;

    memset(&q, 0, sizeof(q));
    memset(&s, 0, sizeof(s));
    q.state1 = "open";
    q.state2 = "missed";
    q.case_id = c->case_id;
    q.limit = VT_DEADLINE_MAX;
    s.profiles = profiles;
    s.ps = ps;
    error = vt_store_obl_query(w, &q, stale_each, &s, err);
    for (i = 0; error == 0 && i < s.n; i++) {
        vt_obl_row r;

        error = vt_store_obl_get(w, s.ids[i], &r, err);
        if (error < 0)
            break;
        copy_name(r.state, sizeof(r.state), "not_applicable");
        r.updated_ms = now_ms;
        error = vt_store_obl_put(w, &r, err);
        if (error == 0)
            error = ledger_obl(w, "obligation.computed", "system", c->ref, &r, NULL, now_ms, err);
        vt_obl_row_dispose(&r);
    }
    return error;
}

/* Parse stored JSON text (NULL: `dflt`). */
static int parse_text(cJSON **out, const char *text, const char *dflt, vt_error *err)
{
    const char *t = text ? text : dflt;

    return vt_json_parse(out, t, strlen(t), err);
}

int vt_obligations_refresh(vt_store *w, const struct vt_policy_set *ps,
                           const struct vt_calendar_set *cs, int64_t case_id, int64_t now_ms,
                           vt_error *err)
{
    vt_obl_case c;
    cJSON *doc = NULL, *flags = NULL, *profiles = NULL;
    const cJSON *pid;
    vt_case_facts facts;
    events ev;
    vt_deadline_input in;
    vt_deadline *d = NULL;
    const vt_tz *tz = NULL;
    size_t n, i;
    int error;

    memset(&ev, 0, sizeof(ev));
    error = vt_store_obl_case(w, case_id, &c, err);
    if (error < 0)
        return error;
    d = vt_calloc(VT_DEADLINE_MAX, sizeof(*d));
    if (!d) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    error = parse_text(&doc, c.doc, "{}", err);
    if (error == 0)
        error = parse_text(&flags, c.flags, "{}", err);
    if (error == 0)
        error = parse_text(&profiles, c.profiles, "[]", err);
    if (error < 0) {
        vt_error_set(err, error, 0,
                     "case %s: its fields or its organisation's settings do not parse", c.ref);
        goto out;
    }
    error = vt_tz_load(&tz, c.time_zone, err);
    if (error < 0)
        goto out;
    error = case_facts(w, &c, doc, flags, &facts, err);
    if (error < 0)
        goto out;
    error = vt_store_obl_events_each(w, case_id, events_add, &ev, err);
    if (error < 0) {
        if (error == VT_ENOMEM)
            vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    memset(&in, 0, sizeof(in));
    in.facts = &facts;
    in.events = ev.ev;
    in.nevents = ev.n;
    in.org_tz = tz;
    in.calendars = cs;
    in.overrides = cJSON_GetObjectItemCaseSensitive(flags, "policy");
    cJSON_ArrayForEach(pid, profiles)
    {
        const vt_policy_profile *p =
            cJSON_IsString(pid) ? vt_policy_set_get(ps, pid->valuestring) : NULL;

        if (!p) {
            error = vt_error_set(err, VT_EINVALID, 0,
                                 "organisation %s names policy profile %s, which is not loaded",
                                 c.org_slug, cJSON_IsString(pid) ? pid->valuestring : "(not a string)");
            goto out;
        }
        error = vt_deadline_compute(p, &in, d, &n, err);
        if (error < 0)
            goto out;
        for (i = 0; i < n; i++) {
            error = merge_one(w, &c, &ev, &d[i], now_ms, err);
            if (error < 0)
                goto out;
        }
    }
    error = retire_stale(w, &c, profiles, ps, now_ms, err);
out:
    vt_free(d);
    events_dispose(&ev);
    cJSON_Delete(doc);
    cJSON_Delete(flags);
    cJSON_Delete(profiles);
    vt_obl_case_dispose(&c);
    return error;
}

/* ---------------------------------------------------------------------- */
/* Sweep, waive, evidence                                                  */

int vt_obligations_sweep(vt_store *w, int64_t now_ms, long *marked, vt_error *err)
{
    int64_t ids[SWEEP_BATCH];
    char ref[32];
    size_t n, i;
    long count = 0;
    int error;

    if (marked)
        *marked = 0;
    do {
        error = vt_store_obl_overdue(w, now_ms, ids, SWEEP_BATCH, &n, err);
        for (i = 0; error == 0 && i < n; i++) {
            vt_obl_row r;

            error = vt_store_obl_get(w, ids[i], &r, err);
            if (error < 0)
                break;
            copy_name(r.state, sizeof(r.state), "missed");
            r.updated_ms = now_ms;
            error = vt_store_obl_put(w, &r, err);
            if (error == 0)
                error = vt_store_obl_case_ref(w, r.case_id, ref, err);
            if (error == 0)
                error = ledger_obl(w, "obligation.missed", "system", ref, &r, NULL, now_ms, err);
            vt_obl_row_dispose(&r);
            count++;
        }
    } while (error == 0 && n == SWEEP_BATCH);
    if (marked)
        *marked = error == 0 ? count : 0;
    return error;
}

int vt_obligation_waive(vt_store *w, int64_t obligation_id, const char *actor, const char *reason,
                        int64_t now_ms, vt_error *err)
{
    vt_obl_row r;
    char ref[32];
    int error;

    if (!reason || !reason[0])
        return vt_error_set_field(err, VT_EINVALID, "/reason", "/reason: a reason is required");
    error = vt_store_obl_get(w, obligation_id, &r, err);
    if (error < 0)
        return error;
    if (strcmp(r.state, "met") == 0) {
        error = vt_error_set_field(err, VT_EINVALID, "/reason",
                                   "obligation %s is already met", r.obligation);
        goto out;
    }
    if (strcmp(r.state, "waived") == 0) {
        error = vt_error_set_field(err, VT_EINVALID, "/reason", "obligation %s is already waived",
                                   r.obligation);
        goto out;
    }
    vt_free(r.waived_reason);
    r.waived_reason = vt_strdup(reason);
    if (!r.waived_reason) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    copy_name(r.state, sizeof(r.state), "waived");
    r.updated_ms = now_ms;
    error = vt_store_obl_put(w, &r, err);
    if (error == 0)
        error = vt_store_obl_case_ref(w, r.case_id, ref, err);
    if (error == 0)
        error = ledger_obl(w, "obligation.waived", actor, ref, &r, NULL, now_ms, err);
out:
    vt_obl_row_dispose(&r);
    return error;
}

int vt_obligation_record_evidence(vt_store *w, int64_t obligation_id, const char *actor,
                                  const char *evidence, int64_t met_ms, int64_t now_ms,
                                  vt_error *err)
{
    vt_obl_row r;
    char ref[32];
    int error;

    if (!evidence || !evidence[0])
        return vt_error_set_field(err, VT_EINVALID, "/evidence", "/evidence: evidence is required");
    if (met_ms == 0)
        met_ms = now_ms;
    if (met_ms > now_ms)
        return vt_error_set_field(err, VT_EINVALID, "/met_at", "/met_at: is in the future");
    error = vt_store_obl_get(w, obligation_id, &r, err);
    if (error < 0)
        return error;
    if (strcmp(r.state, "waived") == 0 || strcmp(r.state, "not_applicable") == 0) {
        error = vt_error_set_field(err, VT_EINVALID, "/evidence", "obligation %s is %s",
                                   r.obligation, r.state);
        goto out;
    }
    if (r.has_start && met_ms < r.start_ms) {
        error = vt_error_set_field(err, VT_EINVALID, "/met_at",
                                   "/met_at: is before the obligation's start");
        goto out;
    }
    vt_free(r.evidence);
    r.evidence = vt_strdup(evidence);
    if (!r.evidence) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    copy_name(r.state, sizeof(r.state), "met");
    r.has_met = true;
    r.met_ms = met_ms;
    r.updated_ms = now_ms;
    error = vt_store_obl_put(w, &r, err);
    if (error == 0)
        error = vt_store_obl_case_ref(w, r.case_id, ref, err);
    if (error == 0)
        error = ledger_obl(w, "obligation.met", actor, ref, &r, NULL, now_ms, err);
out:
    vt_obl_row_dispose(&r);
    return error;
}

/* ---------------------------------------------------------------------- */
/* Query                                                                   */

typedef struct qctx {
    const vt_policy_set *ps;
    cJSON *arr;
} qctx;

static int add_times(cJSON *o, const char *key, bool has, int64_t ms, const vt_tz *tz)
{
    char buf[VT_TIME_TEXT_MAX], lkey[48];
    int error = add_time(o, key, has, ms);

    snprintf(lkey, sizeof(lkey), "%s_local", key);
    if (error == 0)
        error = has && tz ? vt_json_add_str(o, lkey, vt_time_format_offset(buf, ms,
                                                                          vt_tz_offset_at(tz, ms)))
                          : vt_json_add_null(o, lkey);
    return error;
}

static int add_bool(cJSON *o, const char *key, bool v)
{
    return vt_json_add_take(o, key, cJSON_CreateBool(v));
}

static int query_row(void *ctx, const vt_obl_query_row *q)
{
    qctx *c = ctx;
    const vt_obl_row *r = q->o;
    const vt_policy_profile *p = vt_policy_set_get(c->ps, r->profile);
    const vt_policy_obligation *def = p ? vt_policy_profile_find(p, r->obligation) : NULL;
    const vt_tz *tz = NULL;
    cJSON *item = cJSON_CreateObject(), *title;
    cJSON *flags = NULL;
    bool informative = false;
    int error;

    if (!item)
        return VT_ENOMEM;
    if (q->org_flags && parse_text(&flags, q->org_flags, "{}", NULL) < 0)
        flags = NULL;
    if (q->time_zone && vt_tz_load(&tz, q->time_zone, NULL) != 0)
        tz = NULL;
    if (p && vt_policy_profile_binding_role(p))
        informative = !(org_roles(NULL, flags) & vt_policy_profile_binding_role(p));
    error = vt_json_add_num(item, "id", (double)r->id);
    if (error == 0)
        error = vt_json_add_str(item, "case", q->case_ref);
    if (error == 0)
        error = vt_json_add_str(item, "org", q->org_slug);
    if (error == 0)
        error = vt_json_add_str(item, "profile", r->profile);
    if (error == 0)
        error = vt_json_add_str(item, "obligation", r->obligation);
    if (error == 0 && def) {
        title = cJSON_CreateObject();
        error = vt_json_add_take(item, "title", title);
        if (error == 0)
            error = vt_json_add_str(title, "en", def->title_en);
        if (error == 0 && def->title_zh)
            error = vt_json_add_str(title, "zh", def->title_zh);
        if (error == 0)
            error = vt_json_add_str(item, "basis", def->basis);
        if (error == 0)
            error = vt_json_add_str(item, "article", def->article);
        if (error == 0)
            error = add_bool(item, "policy", def->policy);
    }
    if (error == 0)
        error = add_bool(item, "informative", informative);
    if (error == 0)
        error = vt_json_add_str(item, "state", r->state);
    if (error == 0)
        error = vt_json_add_str(item, "start_event", r->start_event);
    if (error == 0 && !r->has_start && strcmp(r->state, "not_applicable") != 0)
        error = vt_json_add_str(item, "awaiting", r->start_event);
    if (error == 0)
        error = add_times(item, "start", r->has_start, r->start_ms, tz);
    if (error == 0)
        error = add_times(item, "due", r->has_due, r->due_ms, tz);
    if (error == 0)
        error = add_times(item, "legal_latest", r->has_legal_latest, r->legal_latest_ms, tz);
    if (error == 0)
        error = vt_json_add_str(item, "time_zone", q->time_zone);
    if (error == 0)
        error = add_times(item, "met_at", r->has_met, r->met_ms, tz);
    if (error == 0)
        error = add_bool(item, "late", strcmp(r->state, "missed") == 0 ||
                                           (r->has_met && r->has_due && r->met_ms > r->due_ms));
    if (error == 0)
        error = vt_json_add_str(item, "evidence", r->evidence);
    if (error == 0)
        error = vt_json_add_str(item, "waived_reason", r->waived_reason);
    if (error == 0)
        error = add_time(item, "updated_at", true, r->updated_ms);
    cJSON_Delete(flags);
    if (error < 0) {
        cJSON_Delete(item);
        return VT_ENOMEM;
    }
    return vt_json_add_take(c->arr, NULL, item);
}

static bool state_valid(const char *s)
{
    static const char *const states[] = {"open", "met", "missed", "waived", "not_applicable"};
    size_t i;

    for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        if (strcmp(s, states[i]) == 0)
            return true;
    }
    return false;
}

int vt_obligations_query(vt_store *s, const struct vt_policy_set *ps,
                         const vt_obligation_filter *f, cJSON **out, vt_error *err)
{
    vt_obl_query q;
    qctx c;
    int error;

    *out = NULL;
    memset(&q, 0, sizeof(q));
    if (f->state && strcmp(f->state, "pending") == 0) {
        q.state1 = "open";
        q.state2 = "missed";
    } else if (f->state) {
        if (!state_valid(f->state))
            return vt_error_set_field(err, VT_EINVALID, "state",
                                      "state must be pending, open, met, missed, waived or "
                                      "not_applicable");
        q.state1 = f->state;
    }
    q.due_before = f->due_before;
    q.org_id = f->org_id;
    q.case_id = f->case_id;
    q.profile = f->profile;
    q.limit = f->limit <= 0 ? 100 : (f->limit > 1000 ? 1000 : f->limit);
    c.ps = ps;
    c.arr = cJSON_CreateArray();
    if (!c.arr)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    error = vt_store_obl_query(s, &q, query_row, &c, err);
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory listing obligations");
    if (error < 0) {
        cJSON_Delete(c.arr);
        return error;
    }
    *out = c.arr;
    return 0;
}
