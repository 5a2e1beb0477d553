/*
 * cases.c - opening, changing and reading cases: the rules around the
 * store rows. Which transitions exist, who may make them and what they
 * need is case_lifecycle.c's table; the fields are case_fields.c's.
 *
 * Every change follows the same order inside the caller's transaction:
 * check, write the case row (optimistic: only if its revision is the one
 * read), record events that are not yet set, append the ledger entry,
 * record the history row with the ledger's seq, recompute obligations.
 * A failure anywhere leaves the caller to roll the whole change back.
 */
#include <string.h>

#include "cases_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"
#include "vulntrack/buf.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/obligations.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/tz.h"

/* Milliseconds. Clock skew tolerated before a time given by a person is "in the future". */
#define CASE_FUTURE_SLACK_MS (5 * 60 * 1000)

void vt_case_dispose(vt_case *c)
{
    if (!c)
        return;
    vt_free(c->title);
    vt_free(c->scope);
    vt_free(c->doc);
    memset(c, 0, sizeof(*c));
}

bool vt_case_scope_valid(const char *scope)
{
    return scope &&
           (strcmp(scope, "own_product") == 0 || strcmp(scope, "third_party_product") == 0 ||
            strcmp(scope, "operator_system") == 0);
}

static void set_refusal(vt_case_refusal *r, vt_case_refusal v)
{
    if (r)
        *r = v;
}

static int nomem(vt_error *err)
{
    return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
}

/*
 * Append a ledger entry whose detail is `detail` (borrowed) and whose
 * content is `content` when given, else the detail text itself.
 */
static int ledger_add(vt_store *w, const char *kind, const char *actor, const char *subject,
                      const cJSON *detail, const char *content, int64_t at_ms, int64_t *seq,
                      vt_error *err)
{
    vt_ledger_entry_in in;
    vt_ledger_receipt rc;
    vt_buf text = VT_BUF_INIT;
    int error = vt_json_print(&text, detail);

    if (error < 0)
        return nomem(err);
    memset(&in, 0, sizeof(in));
    in.kind = kind;
    in.channel = "api";
    in.actor = actor;
    in.subject = subject;
    in.content = content ? content : text.ptr;
    in.content_len = content ? strlen(content) : text.len;
    in.detail = text.ptr;
    in.at_ms = at_ms;
    error = vt_ledger_append(w, &in, &rc, err);
    if (!error && seq)
        *seq = rc.seq;
    vt_buf_dispose(&text);
    return error;
}

/* The UTC year of `ms`. */
static int64_t year_of(int64_t ms)
{
    int64_t days = ms / VT_MS_PER_DAY, y;
    unsigned m, d;

    if (ms < 0 && ms % VT_MS_PER_DAY)
        days--;
    vt_civil_from_days(days, &y, &m, &d);
    return y;
}

/* Record `event` at `at_ms` unless the case has it; *added says which. */
static int stamp(vt_store *w, int64_t case_id, const char *event, int64_t at_ms, const char *tz,
                 const char *actor, const char *evidence, int64_t now_ms, bool *added,
                 vt_error *err)
{
    vt_case_event_row e;

    e.case_id = case_id;
    e.event = event;
    e.at_ms = at_ms;
    e.time_zone = tz;
    e.actor = actor;
    e.evidence = evidence;
    e.recorded_ms = now_ms;
    return vt_store_case_event_add(w, &e, added, err);
}

static int refresh(vt_store *w, const struct vt_policy_set *ps, const struct vt_calendar_set *cs,
                   int64_t case_id, int64_t now_ms, vt_error *err)
{
    return vt_obligations_refresh(w, ps, cs, case_id, now_ms, err);
}

/* ---------------------------------------------------------------------
 * Opening
 * ------------------------------------------------------------------- */

int vt_case_create(vt_store *w, const vt_case_new *in, const struct vt_policy_set *ps,
                   const struct vt_calendar_set *cs, int64_t *case_id, char ref[32], vt_error *err)
{
    return vt_case_create_ex(w, in, ps, cs, 0, case_id, ref, NULL, err);
}

/* The detail of the opening ledger entry. */
static cJSON *open_detail(const vt_case *c, const char *report_id, const char **stamped,
                          size_t nstamped)
{
    cJSON *d = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    size_t i;
    int error = d && arr ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_json_add_take(d, "stamped", arr);
    else
        cJSON_Delete(arr);
    arr = error ? NULL : cJSON_GetObjectItemCaseSensitive(d, "stamped");
    for (i = 0; !error && i < nstamped; i++)
        error = vt_json_add_str(arr, NULL, stamped[i]);
    if (!error)
        error = vt_json_add_null(d, "from");
    if (!error)
        error = vt_json_add_str(d, "to", vt_case_state_name(c->state));
    if (!error)
        error = vt_json_add_str(d, "title", c->title);
    if (!error)
        error = vt_json_add_str(d, "scope", c->scope);
    if (!error)
        error = vt_json_add_str(d, "report", report_id);
    if (!error)
        error = vt_json_add_num(d, "revision", (double)c->revision);
    if (error) {
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

int vt_case_create_ex(vt_store *w, const vt_case_new *in, const struct vt_policy_set *ps,
                      const struct vt_calendar_set *cs, int64_t now_ms, int64_t *case_id,
                      char ref[32], vt_case_refusal *refusal, vt_error *err)
{
    vt_case c = VT_CASE_INIT;
    vt_case_report rep;
    vt_case_transition_row t;
    vt_buf doc = VT_BUF_INIT;
    cJSON *detail = NULL;
    char tz[64], reason[96];
    const char *stamped[2];
    size_t nstamped = 0;
    int64_t aware, seq = 0;
    bool added;
    int error;

    memset(&rep, 0, sizeof(rep));
    set_refusal(refusal, VT_CASE_REFUSAL_NONE);
    if (now_ms <= 0)
        now_ms = vt_clock_now_ms();
    if (!in->actor || !in->actor[0])
        return vt_error_set(err, VT_EINVALID, 0, "a case needs an actor");
    if (in->scope && !vt_case_scope_valid(in->scope))
        return vt_error_set_field(err, VT_EINVALID, "/scope",
                                  "/scope: must be own_product, third_party_product or "
                                  "operator_system");
    if (in->doc && !cJSON_IsObject(in->doc))
        return vt_error_set_field(err, VT_EINVALID, "/doc", "/doc: must be an object");
    if (in->aware_ms > now_ms + CASE_FUTURE_SLACK_MS)
        return vt_error_set_field(err, VT_EINVALID, "/aware_at", "/aware_at: in the future");
    error = vt_store_case_org_zone(w, in->org_id, tz, err);
    if (error < 0)
        return error;
    if (in->report_id) {
        error = vt_store_case_report_get(w, in->report_id, &rep, err);
        if (error < 0)
            goto out;
        if (rep.case_id) {
            set_refusal(refusal, VT_CASE_REFUSAL_HAS_CASE);
            error = vt_error_set_field(err, VT_EINVALID, "/report",
                                       "report %s already belongs to a case", in->report_id);
            goto out;
        }
        if (rep.org_id && rep.org_id != in->org_id) {
            error = vt_error_set_field(err, VT_EINVALID, "/org",
                                       "report %s belongs to another organisation", in->report_id);
            goto out;
        }
    }
    c.title = vt_strdup(in->title ? in->title : rep.title ? rep.title : "");
    c.scope = vt_strdup(in->scope ? in->scope : "own_product");
    error = in->doc ? vt_json_print(&doc, in->doc) : vt_buf_puts(&doc, "{}");
    c.doc = error ? NULL : vt_buf_detach(&doc);
    if (!c.title || !c.scope || !c.doc) {
        error = nomem(err);
        goto out;
    }
    if (!c.title[0]) {
        error = vt_error_set_field(err, VT_EINVALID, "/title", "/title: a case needs a title");
        goto out;
    }
    error = vt_store_case_next_ref(w, year_of(now_ms), c.ref, err);
    if (error < 0)
        goto out;
    c.org_id = in->org_id;
    c.state = VT_CASE_RECEIVED;
    c.created_ms = c.updated_ms = now_ms;
    c.revision = 1;
    error = vt_store_case_insert(w, &c, err);
    if (error < 0)
        goto out;
    /* E_RECEIVED is the intake channel's receipt; E_AWARE defaults to it
     * for an external report (spec §3.1), to now for an internal finding. */
    if (in->report_id) {
        error = stamp(w, c.id, "E_RECEIVED", rep.received_ms, tz, in->actor, in->report_id, now_ms,
                      &added, err);
        if (!error && added)
            stamped[nstamped++] = "E_RECEIVED";
    }
    aware = in->aware_ms ? in->aware_ms : in->report_id ? rep.received_ms : now_ms;
    if (!error)
        error = stamp(w, c.id, "E_AWARE", aware, tz, in->actor,
                      in->aware_ms ? "given when the case was opened" : NULL, now_ms, &added, err);
    if (!error && added)
        stamped[nstamped++] = "E_AWARE";
    if (error < 0)
        goto out;
    detail = open_detail(&c, in->report_id, stamped, nstamped);
    if (!detail) {
        error = nomem(err);
        goto out;
    }
    error = ledger_add(w, "case.transition", in->actor, c.ref, detail, NULL, now_ms, &seq, err);
    if (error < 0)
        goto out;
    if (in->report_id)
        snprintf(reason, sizeof(reason), "opened from report %s", in->report_id);
    else
        snprintf(reason, sizeof(reason), "opened");
    memset(&t, 0, sizeof(t));
    t.case_id = c.id;
    t.seq = 1;
    t.to_state = vt_case_state_name(VT_CASE_RECEIVED);
    t.actor = in->actor;
    t.at_ms = now_ms;
    t.reason = reason;
    t.ledger_seq = seq;
    error = vt_store_case_transition_add(w, &t, err);
    if (!error && in->report_id)
        error = vt_store_case_report_link(w, in->report_id, c.id, "case_opened", err);
    if (!error)
        error = refresh(w, ps, cs, c.id, now_ms, err);
    if (!error) {
        if (case_id)
            *case_id = c.id;
        if (ref)
            snprintf(ref, VT_CASE_REF_MAX, "%s", c.ref);
    }
out:
    cJSON_Delete(detail);
    vt_free(rep.title);
    vt_buf_dispose(&doc);
    vt_case_dispose(&c);
    return error;
}

int vt_case_attach_duplicate(vt_store *w, const char *report_id, int64_t case_id, const char *actor,
                             int64_t now_ms, vt_case_refusal *refusal, vt_error *err)
{
    vt_case c = VT_CASE_INIT;
    vt_case_report rep;
    cJSON *detail = NULL;
    int error;

    memset(&rep, 0, sizeof(rep));
    set_refusal(refusal, VT_CASE_REFUSAL_NONE);
    if (now_ms <= 0)
        now_ms = vt_clock_now_ms();
    error = vt_store_case_report_get(w, report_id, &rep, err);
    if (!error)
        error = vt_store_case_get(w, case_id, NULL, &c, err);
    if (error < 0)
        goto out;
    if (rep.case_id) {
        set_refusal(refusal, VT_CASE_REFUSAL_HAS_CASE);
        error = vt_error_set_field(err, VT_EINVALID, "/report",
                                   "report %s already belongs to a case", report_id);
        goto out;
    }
    if (rep.org_id && rep.org_id != c.org_id) {
        error = vt_error_set_field(err, VT_EINVALID, "/duplicate_of",
                                   "/duplicate_of: %s belongs to another organisation", c.ref);
        goto out;
    }
    detail = cJSON_CreateObject();
    error = detail ? 0 : VT_ENOMEM;
    if (!error)
        error = vt_json_add_str(detail, "report", report_id);
    if (!error)
        error = vt_json_add_str(detail, "state", vt_case_state_name(c.state));
    if (error < 0) {
        error = nomem(err);
        goto out;
    }
    error = vt_store_case_report_link(w, report_id, c.id, "duplicate", err);
    if (!error)
        error = ledger_add(w, "case.duplicate", actor, c.ref, detail, NULL, now_ms, NULL, err);
out:
    cJSON_Delete(detail);
    vt_free(rep.title);
    vt_case_dispose(&c);
    return error;
}

/* ---------------------------------------------------------------------
 * Transitions
 * ------------------------------------------------------------------- */

static cJSON *transition_detail(const vt_case_transition_in *in, const vt_case_transition_out *o,
                                const char *duplicate_ref)
{
    cJSON *d = cJSON_CreateObject(), *arr;
    size_t i;
    int error = d ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_json_add_str(d, "from", vt_case_state_name(o->from));
    if (!error)
        error = vt_json_add_str(d, "to", vt_case_state_name(o->to));
    if (!error)
        error = vt_json_add_str(d, "reason", in->reason);
    if (!error && in->note)
        error = vt_json_add_str(d, "note", in->note);
    if (!error && duplicate_ref)
        error = vt_json_add_str(d, "duplicate_of", duplicate_ref);
    if (!error)
        error = vt_json_add_num(d, "revision", (double)o->revision);
    if (!error)
        error = vt_json_add_take(d, "stamped", cJSON_CreateArray());
    arr = error ? NULL : cJSON_GetObjectItemCaseSensitive(d, "stamped");
    for (i = 0; !error && i < o->nstamped; i++)
        error = vt_json_add_str(arr, NULL, o->stamped[i]);
    if (error) {
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

/* "a, b, c" of the states in `s`. */
static void states_text(char *out, size_t cap, const vt_case_state *s, size_t n)
{
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
                                 vt_case_state_name(s[i]));
    if (n == 0)
        snprintf(out, cap, "none");
}

int vt_case_transition(vt_store *w, const struct vt_policy_set *ps,
                       const struct vt_calendar_set *cs, const vt_case_transition_in *in,
                       vt_case_transition_out *out, vt_case_refusal *refusal, vt_error *err)
{
    vt_case c = VT_CASE_INIT, dup = VT_CASE_INIT;
    const vt__case_rule *rule;
    vt__case_guard_ctx g;
    vt_case_transition_row t;
    cJSON *doc = NULL, *detail = NULL;
    char tz[64], list[200], evidence[64];
    int64_t old_revision, count = 0, now = in->now_ms > 0 ? in->now_ms : vt_clock_now_ms();
    vt_case_transition_in req = *in;
    size_t i;
    bool stale, added;
    int error;

    memset(out, 0, sizeof(*out));
    set_refusal(refusal, VT_CASE_REFUSAL_NONE);
    req.now_ms = now;
    error = vt_store_case_get(w, in->case_id, NULL, &c, err);
    if (error < 0)
        return error;
    out->from = c.state;
    out->to = in->to;
    if (in->revision && in->revision != c.revision) {
        set_refusal(refusal, VT_CASE_REFUSAL_STALE);
        error =
            vt_error_set(err, VT_EINVALID, 0, "case %s is at revision %lld, not %lld; reload it",
                         c.ref, (long long)c.revision, (long long)in->revision);
        goto out;
    }
    rule = vt__case_rule_find(c.state, in->to);
    if (!rule) {
        out->nallowed = vt_case_next_states(c.state, out->allowed);
        states_text(list, sizeof(list), out->allowed, out->nallowed);
        set_refusal(refusal, VT_CASE_REFUSAL_ILLEGAL);
        error = vt_error_set(err, VT_EINVALID, 0, "case %s cannot go from %s to %s (allowed: %s)",
                             c.ref, vt_case_state_name(c.state), vt_case_state_name(in->to), list);
        goto out;
    }
    if (!(rule->roles & in->role)) {
        set_refusal(refusal, VT_CASE_REFUSAL_ROLE);
        error = vt_error_set(err, VT_EINVALID, 0, "role %s may not move a case to %s",
                             vt_role_name(in->role), vt_case_state_name(in->to));
        goto out;
    }
    if (in->duplicate_of && in->to != VT_CASE_REJECTED) {
        error = vt_error_set_field(err, VT_EINVALID, "/duplicate_of",
                                   "/duplicate_of: only a rejection names the case kept");
        goto out;
    }
    error = vt_json_parse(&doc, c.doc, strlen(c.doc), err);
    if (error < 0)
        goto out;
    g.s = w;
    g.c = &c;
    g.doc = doc;
    g.in = &req;
    if (rule->guard) {
        error = rule->guard(&g, err);
        if (error < 0)
            goto out;
    }
    if (in->duplicate_of) {
        error = vt_store_case_get(w, 0, in->duplicate_of, &dup, err);
        if (error == VT_ENOTFOUND)
            error = vt_error_set_field(err, VT_EINVALID, "/duplicate_of",
                                       "/duplicate_of: no case %s", in->duplicate_of);
        else if (!error && (dup.org_id != c.org_id || dup.id == c.id))
            error = vt_error_set_field(err, VT_EINVALID, "/duplicate_of",
                                       "/duplicate_of: %s is not another case of the same "
                                       "organisation",
                                       in->duplicate_of);
        if (error < 0)
            goto out;
        c.duplicate_of = dup.id;
    }
    error = vt_store_case_org_zone(w, c.org_id, tz, err);
    if (error < 0)
        goto out;
    old_revision = c.revision;
    c.state = in->to;
    c.revision++;
    c.updated_ms = now;
    error = vt_store_case_save(w, &c, old_revision, &stale, err);
    if (!error && stale) {
        set_refusal(refusal, VT_CASE_REFUSAL_STALE);
        error = vt_error_set(err, VT_EINVALID, 0, "case %s changed meanwhile; reload it", c.ref);
    }
    if (error < 0)
        goto out;
    out->revision = c.revision;
    snprintf(evidence, sizeof(evidence), "transition to %s", vt_case_state_name(in->to));
    for (i = 0; i < 3 && rule->stamps[i]; i++) {
        error = stamp(w, c.id, rule->stamps[i], now, tz, in->actor, evidence, now, &added, err);
        if (error < 0)
            goto out;
        if (added)
            out->stamped[out->nstamped++] = rule->stamps[i];
    }
    detail = transition_detail(&req, out, in->duplicate_of);
    if (!detail) {
        error = nomem(err);
        goto out;
    }
    error = ledger_add(w, "case.transition", in->actor, c.ref, detail, NULL, now, &out->ledger_seq,
                       err);
    if (!error)
        error = vt_store_case_transition_count(w, c.id, &count, err);
    if (error < 0)
        goto out;
    memset(&t, 0, sizeof(t));
    t.case_id = c.id;
    t.seq = count + 1;
    t.from_state = vt_case_state_name(out->from);
    t.to_state = vt_case_state_name(out->to);
    t.actor = in->actor;
    t.at_ms = now;
    t.reason = in->reason;
    t.note = in->note;
    t.ledger_seq = out->ledger_seq;
    error = vt_store_case_transition_add(w, &t, err);
    if (!error)
        error = refresh(w, ps, cs, c.id, now, err);
    out->seq = t.seq;
out:
    cJSON_Delete(detail);
    cJSON_Delete(doc);
    vt_case_dispose(&dup);
    vt_case_dispose(&c);
    return error;
}

/* ---------------------------------------------------------------------
 * Field updates
 * ------------------------------------------------------------------- */

/* Add to `changed` every top-level key whose value differs between a and b. */
static int diff_keys(cJSON *changed, const cJSON *a, const cJSON *b)
{
    const cJSON *m;
    int error = 0;

    cJSON_ArrayForEach(m, a)
    {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, m->string);

        if (!error && (!o || !cJSON_Compare(m, o, 1)))
            error = vt_json_add_str(changed, NULL, m->string);
    }
    cJSON_ArrayForEach(m, b)
    {
        if (!error && !cJSON_GetObjectItemCaseSensitive(a, m->string))
            error = vt_json_add_str(changed, NULL, m->string);
    }
    return error;
}

int vt_case_update(vt_store *w, const struct vt_policy_set *ps, const struct vt_calendar_set *cs,
                   const vt_case_update_in *in, int64_t *revision, vt_case_refusal *refusal,
                   vt_error *err)
{
    vt_case c = VT_CASE_INIT;
    cJSON *old = NULL, *merged = NULL, *norm = NULL, *detail = NULL, *changed;
    const cJSON *m;
    vt_buf text = VT_BUF_INIT, patch = VT_BUF_INIT;
    int64_t now = in->now_ms > 0 ? in->now_ms : vt_clock_now_ms(), old_revision;
    bool stale;
    int error;

    set_refusal(refusal, VT_CASE_REFUSAL_NONE);
    if (in->doc && !cJSON_IsObject(in->doc))
        return vt_error_set_field(err, VT_EINVALID, "/doc", "/doc: must be an object");
    if (in->title && !in->title[0])
        return vt_error_set_field(err, VT_EINVALID, "/title", "/title: must not be empty");
    error = vt_store_case_get(w, in->case_id, NULL, &c, err);
    if (error < 0)
        return error;
    if (in->revision != c.revision) {
        set_refusal(refusal, VT_CASE_REFUSAL_STALE);
        error =
            vt_error_set(err, VT_EINVALID, 0, "case %s is at revision %lld, not %lld; reload it",
                         c.ref, (long long)c.revision, (long long)in->revision);
        goto out;
    }
    error = vt_json_parse(&old, c.doc, strlen(c.doc), err);
    if (error < 0)
        goto out;
    merged = cJSON_Duplicate(old, 1);
    if (!merged) {
        error = nomem(err);
        goto out;
    }
    /* A merge patch one level deep: each member replaces, null removes. */
    cJSON_ArrayForEach(m, in->doc)
    {
        cJSON_DeleteItemFromObjectCaseSensitive(merged, m->string);
        if (!cJSON_IsNull(m) && vt_json_add_take(merged, m->string, cJSON_Duplicate(m, 1)) < 0) {
            error = nomem(err);
            goto out;
        }
    }
    error = vt_case_doc_normalize(&norm, merged, in->tables, "/doc", err);
    if (error < 0)
        goto out;
    detail = cJSON_CreateObject();
    changed = cJSON_CreateArray();
    if (!detail || vt_json_add_take(detail, "changed", changed) < 0) {
        error = nomem(err);
        goto out;
    }
    error = diff_keys(changed, old, norm);
    if (!error && in->title && strcmp(in->title, c.title) != 0)
        error = vt_json_add_str(changed, NULL, "title");
    if (error < 0) {
        error = nomem(err);
        goto out;
    }
    if (cJSON_GetArraySize(changed) == 0) {
        /* Nothing to record: the revision stays, so other editors are not disturbed. */
        if (revision)
            *revision = c.revision;
        goto out;
    }
    error = vt_json_print(&text, norm);
    if (!error && in->doc)
        error = vt_json_print(&patch, in->doc);
    if (error < 0) {
        error = nomem(err);
        goto out;
    }
    vt_free(c.doc);
    c.doc = vt_buf_detach(&text);
    if (in->title) {
        vt_free(c.title);
        c.title = vt_strdup(in->title);
    }
    if (!c.doc || !c.title) {
        error = nomem(err);
        goto out;
    }
    old_revision = c.revision;
    c.revision++;
    c.updated_ms = now;
    error = vt_store_case_save(w, &c, old_revision, &stale, err);
    if (!error && stale) {
        set_refusal(refusal, VT_CASE_REFUSAL_STALE);
        error = vt_error_set(err, VT_EINVALID, 0, "case %s changed meanwhile; reload it", c.ref);
    }
    if (!error)
        error = vt_json_add_num(detail, "revision", (double)c.revision) < 0 ? nomem(err) : 0;
    if (!error)
        error = ledger_add(w, "case.update", in->actor, c.ref, detail, patch.len ? patch.ptr : NULL,
                           now, NULL, err);
    if (!error)
        error = refresh(w, ps, cs, c.id, now, err);
    if (!error && revision)
        *revision = c.revision;
out:
    cJSON_Delete(old);
    cJSON_Delete(merged);
    cJSON_Delete(norm);
    cJSON_Delete(detail);
    vt_buf_dispose(&text);
    vt_buf_dispose(&patch);
    vt_case_dispose(&c);
    return error;
}

/* ---------------------------------------------------------------------
 * Events recorded by hand
 * ------------------------------------------------------------------- */

int vt_case_record_event(vt_store *w, const struct vt_policy_set *ps,
                         const struct vt_calendar_set *cs, int64_t case_id, const char *event,
                         int64_t at_ms, const char *time_zone, const char *actor,
                         const char *evidence, int64_t now_ms, vt_case_refusal *refusal,
                         vt_error *err)
{
    vt_case c = VT_CASE_INIT;
    cJSON *detail = NULL;
    char tz[64], at_text[VT_TIME_TEXT_MAX];
    bool added;
    int error;

    set_refusal(refusal, VT_CASE_REFUSAL_NONE);
    if (now_ms <= 0)
        now_ms = vt_clock_now_ms();
    if (!event || !vt_event_name_valid(event))
        return vt_error_set_field(err, VT_EINVALID, "/event", "/event: unknown event '%s'",
                                  event ? event : "");
    if (at_ms <= 0)
        at_ms = now_ms;
    if (at_ms > now_ms + CASE_FUTURE_SLACK_MS)
        return vt_error_set_field(err, VT_EINVALID, "/at", "/at: in the future");
    if (time_zone && !vt_tz_name_valid(time_zone))
        return vt_error_set_field(err, VT_EINVALID, "/time_zone",
                                  "/time_zone: not an IANA zone name");
    if (evidence && strlen(evidence) > VT_CASE_DOC_MAX_TEXT)
        return vt_error_set_field(err, VT_EINVALID, "/evidence", "/evidence: too long");
    error = vt_store_case_get(w, case_id, NULL, &c, err);
    if (!error && !time_zone)
        error = vt_store_case_org_zone(w, c.org_id, tz, err);
    if (error < 0)
        goto out;
    if (time_zone)
        snprintf(tz, sizeof(tz), "%s", time_zone);
    error = stamp(w, c.id, event, at_ms, tz, actor, evidence, now_ms, &added, err);
    if (error < 0)
        goto out;
    if (!added) {
        set_refusal(refusal, VT_CASE_REFUSAL_EVENT_SET);
        error = vt_error_set(err, VT_EINVALID, 0,
                             "%s is already recorded for case %s; events are never overwritten",
                             event, c.ref);
        goto out;
    }
    detail = cJSON_CreateObject();
    error = detail ? 0 : VT_ENOMEM;
    if (!error)
        error = vt_json_add_str(detail, "event", event);
    if (!error)
        error = vt_json_add_str(detail, "at", vt_time_format_utc(at_text, at_ms));
    if (!error)
        error = vt_json_add_str(detail, "time_zone", tz);
    if (!error)
        error = vt_json_add_str(detail, "evidence", evidence);
    if (error < 0) {
        error = nomem(err);
        goto out;
    }
    error = ledger_add(w, "case.event", actor, c.ref, detail, NULL, now_ms, NULL, err);
    if (!error)
        error = refresh(w, ps, cs, c.id, now_ms, err);
out:
    cJSON_Delete(detail);
    vt_case_dispose(&c);
    return error;
}

/* ---------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------- */

static int add_time(cJSON *obj, const char *key, int64_t ms)
{
    char t[VT_TIME_TEXT_MAX];

    return vt_json_add_str(obj, key, vt_time_format_utc(t, ms));
}

static int event_to_json(cJSON **out, const vt_case_event_row *e, bool with_name)
{
    cJSON *o = cJSON_CreateObject();
    int error = o ? 0 : VT_ENOMEM;

    if (!error && with_name)
        error = vt_json_add_str(o, "event", e->event);
    if (!error)
        error = add_time(o, "at", e->at_ms);
    if (!error)
        error = vt_json_add_str(o, "time_zone", e->time_zone);
    if (!error)
        error = vt_json_add_str(o, "actor", e->actor);
    if (!error)
        error = vt_json_add_str(o, "evidence", e->evidence);
    if (!error)
        error = add_time(o, "recorded_at", e->recorded_ms);
    if (error) {
        cJSON_Delete(o);
        return error;
    }
    *out = o;
    return 0;
}

static int each_event_obj(void *ctx, const vt_case_event_row *e)
{
    cJSON *o = NULL;
    int error = event_to_json(&o, e, false);

    return error ? error : vt_json_add_take(ctx, e->event, o);
}

static int each_event_arr(void *ctx, const vt_case_event_row *e)
{
    cJSON *o = NULL;
    int error = event_to_json(&o, e, true);

    return error ? error : vt_json_add_take(ctx, NULL, o);
}

static int each_report(void *ctx, const char *id)
{
    return vt_json_add_str(ctx, NULL, id);
}

int vt_case_summary_json(cJSON **out, vt_store *s, const vt_case *c, vt_error *err)
{
    cJSON *o = cJSON_CreateObject();
    char slug[64];
    int error = o ? 0 : VT_ENOMEM;

    *out = NULL;
    if (error)
        return nomem(err);
    error = vt_store_case_org_slug(s, c->org_id, slug, err);
    if (error < 0) {
        cJSON_Delete(o);
        return error;
    }
    error = vt_json_add_str(o, "ref", c->ref);
    if (!error)
        error = vt_json_add_str(o, "org", slug);
    if (!error)
        error = vt_json_add_str(o, "state", vt_case_state_name(c->state));
    if (!error)
        error = vt_json_add_str(o, "title", c->title);
    if (!error)
        error = vt_json_add_str(o, "scope", c->scope);
    if (!error)
        error = vt_json_add_num(o, "revision", (double)c->revision);
    if (!error)
        error = add_time(o, "created_at", c->created_ms);
    if (!error)
        error = add_time(o, "updated_at", c->updated_ms);
    if (error) {
        cJSON_Delete(o);
        return nomem(err);
    }
    *out = o;
    return 0;
}

int vt_case_to_json(cJSON **out, vt_store *s, const vt_case *c, vt_error *err)
{
    cJSON *o = NULL, *doc = NULL, *arr, *events;
    vt_case_state next[VT_CASE_STATE_COUNT];
    vt_case dup = VT_CASE_INIT;
    size_t i, n;
    int error;

    *out = NULL;
    error = vt_case_summary_json(&o, s, c, err);
    if (error < 0)
        goto out;
    if (c->duplicate_of) {
        error = vt_store_case_get(s, c->duplicate_of, NULL, &dup, err);
        if (error < 0)
            goto out;
    }
    error = vt_json_parse(&doc, c->doc, strlen(c->doc), err);
    if (error < 0)
        goto out;
    error = vt_json_add_str(o, "duplicate_of", c->duplicate_of ? dup.ref : NULL);
    arr = cJSON_CreateArray();
    if (!error)
        error = vt_json_add_take(o, "allowed", arr);
    else
        cJSON_Delete(arr);
    n = vt_case_next_states(c->state, next);
    for (i = 0; !error && i < n; i++)
        error = vt_json_add_str(arr, NULL, vt_case_state_name(next[i]));
    if (!error) {
        error = vt_json_add_take(o, "doc", doc);
        doc = NULL;
    }
    events = cJSON_CreateObject();
    if (!error)
        error = vt_json_add_take(o, "events", events);
    else
        cJSON_Delete(events);
    if (error < 0) {
        error = nomem(err);
        goto out;
    }
    error = vt_store_case_events_each(s, c->id, each_event_obj, events, err);
    if (error < 0)
        goto out;
    arr = cJSON_CreateArray();
    if (vt_json_add_take(o, "reports", arr) < 0) {
        error = nomem(err);
        goto out;
    }
    error = vt_store_case_reports_each(s, c->id, each_report, arr, err);
out:
    cJSON_Delete(doc);
    vt_case_dispose(&dup);
    if (error < 0) {
        if (error == VT_ENOMEM)
            nomem(err);
        cJSON_Delete(o);
        return error;
    }
    *out = o;
    return 0;
}

static int each_transition(void *ctx, const vt_case_transition_row *t)
{
    cJSON *o = cJSON_CreateObject();
    int error = o ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_json_add_num(o, "seq", (double)t->seq);
    if (!error)
        error = vt_json_add_str(o, "from", t->from_state);
    if (!error)
        error = vt_json_add_str(o, "to", t->to_state);
    if (!error)
        error = vt_json_add_str(o, "actor", t->actor);
    if (!error)
        error = add_time(o, "at", t->at_ms);
    if (!error)
        error = vt_json_add_str(o, "reason", t->reason);
    if (!error)
        error = vt_json_add_str(o, "note", t->note);
    if (!error)
        error = t->ledger_seq ? vt_json_add_num(o, "ledger_seq", (double)t->ledger_seq)
                              : vt_json_add_null(o, "ledger_seq");
    if (error) {
        cJSON_Delete(o);
        return error;
    }
    return vt_json_add_take(ctx, NULL, o);
}

int vt_case_history_json(cJSON **out, vt_store *s, int64_t case_id, vt_error *err)
{
    cJSON *o = cJSON_CreateObject(), *tr, *ev;
    int error = o ? 0 : VT_ENOMEM;

    *out = NULL;
    if (!error)
        error = vt_json_add_take(o, "transitions", cJSON_CreateArray());
    if (!error)
        error = vt_json_add_take(o, "events", cJSON_CreateArray());
    if (error < 0) {
        cJSON_Delete(o);
        return nomem(err);
    }
    tr = cJSON_GetObjectItemCaseSensitive(o, "transitions");
    ev = cJSON_GetObjectItemCaseSensitive(o, "events");
    error = vt_store_case_transitions_each(s, case_id, each_transition, tr, err);
    if (!error)
        error = vt_store_case_events_each(s, case_id, each_event_arr, ev, err);
    if (error < 0) {
        if (error == VT_ENOMEM)
            nomem(err);
        cJSON_Delete(o);
        return error;
    }
    *out = o;
    return 0;
}
