/*
 * sqlite_cases.c - store_cases.h on SQLite: case rows, their transitions
 * and events, and the columns of orgs, reports and obligations the case
 * service needs. Every statement is a string constant, prepared once per
 * connection by vt__store_prepare. case_transitions and case_events are
 * only ever inserted into: there is no UPDATE or DELETE of them here.
 */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/strparse.h"

static const char sql_case_by_id[] =
    "SELECT id, ref, org_id, state, title, scope, doc, duplicate_of, created_ms, updated_ms, "
    "revision FROM cases WHERE id = ?1";
static const char sql_case_by_ref[] =
    "SELECT id, ref, org_id, state, title, scope, doc, duplicate_of, created_ms, updated_ms, "
    "revision FROM cases WHERE ref = ?1";
static const char sql_case_list[] =
    "SELECT id, ref, org_id, state, title, scope, doc, duplicate_of, created_ms, updated_ms, "
    "revision FROM cases WHERE (?1 = 0 OR org_id = ?1) AND (?2 IS NULL OR state = ?2) "
    "AND id > ?3 ORDER BY id LIMIT ?4";
/* References of one year sort by their zero-padded sequence. */
static const char sql_case_last_ref[] =
    "SELECT ref FROM cases WHERE ref >= ?1 AND ref < ?2 ORDER BY ref DESC LIMIT 1";
static const char sql_case_insert[] =
    "INSERT INTO cases (ref, org_id, state, title, scope, doc, duplicate_of, created_ms, "
    "updated_ms, revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char sql_case_save[] =
    "UPDATE cases SET state = ?2, title = ?3, doc = ?4, duplicate_of = ?5, updated_ms = ?6, "
    "revision = ?7 WHERE id = ?1 AND revision = ?8";
static const char sql_tr_add[] =
    "INSERT INTO case_transitions (case_id, seq, from_state, to_state, actor, at_ms, reason, "
    "note, ledger_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_tr_count[] = "SELECT count(*) FROM case_transitions WHERE case_id = ?1";
static const char sql_tr_each[] =
    "SELECT seq, from_state, to_state, actor, at_ms, reason, note, ledger_seq "
    "FROM case_transitions WHERE case_id = ?1 ORDER BY seq";
static const char sql_ev_add[] =
    "INSERT OR IGNORE INTO case_events (case_id, event, at_ms, time_zone, actor, evidence, "
    "recorded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_ev_each[] =
    "SELECT event, at_ms, time_zone, actor, evidence, recorded_ms FROM case_events "
    "WHERE case_id = ?1 ORDER BY recorded_ms, at_ms, event";
static const char sql_obl_outstanding[] =
    "SELECT count(*) FROM obligations WHERE case_id = ?1 AND state IN ('open', 'missed')";
static const char sql_org_zone[] = "SELECT time_zone FROM orgs WHERE id = ?1";
static const char sql_org_by_slug[] = "SELECT id FROM orgs WHERE slug = ?1";
static const char sql_org_slug[] = "SELECT slug FROM orgs WHERE id = ?1";
static const char sql_report_get[] =
    "SELECT org_id, received_ms, case_id, title FROM reports WHERE id = ?1";
static const char sql_report_link[] = "UPDATE reports SET case_id = ?2, status = ?3 WHERE id = ?1";
static const char sql_reports_each[] =
    "SELECT id FROM reports WHERE case_id = ?1 ORDER BY received_ms, id";

/* Fill `c` from a row of the case SELECTs (borrowed strings). */
static void case_from_row(vt_case *c, sqlite3_stmt *st, const char **title, const char **scope,
                          const char **doc)
{
    const char *ref = vt__store_col_text(st, 1);
    const char *state = vt__store_col_text(st, 3);

    memset(c, 0, sizeof(*c));
    c->id = sqlite3_column_int64(st, 0);
    snprintf(c->ref, sizeof(c->ref), "%s", ref ? ref : "");
    c->org_id = sqlite3_column_int64(st, 2);
    if (!state || !vt_case_state_parse(state, &c->state))
        c->state = VT_CASE_RECEIVED;
    *title = vt__store_col_text(st, 4);
    *scope = vt__store_col_text(st, 5);
    *doc = vt__store_col_text(st, 6);
    c->duplicate_of = sqlite3_column_int64(st, 7);
    c->created_ms = sqlite3_column_int64(st, 8);
    c->updated_ms = sqlite3_column_int64(st, 9);
    c->revision = sqlite3_column_int64(st, 10);
}

int vt_store_case_get(vt_store *s, int64_t id, const char *ref, vt_case *out, vt_error *err)
{
    sqlite3_stmt *st;
    const char *title, *scope, *doc;
    int rc, error;

    memset(out, 0, sizeof(*out));
    error = vt__store_prepare(s, ref ? sql_case_by_ref : sql_case_by_id, &st, err);
    if (error < 0)
        return error;
    if (ref)
        sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no case %s", ref ? ref : "with that id");
        goto out;
    }
    if (rc != SQLITE_ROW) {
        error = vt__store_fail(s, err, "reading a case");
        goto out;
    }
    case_from_row(out, st, &title, &scope, &doc);
    out->title = vt_strdup(title ? title : "");
    out->scope = vt_strdup(scope ? scope : "own_product");
    out->doc = vt_strdup(doc ? doc : "{}");
    if (!out->title || !out->scope || !out->doc) {
        vt_case_dispose(out);
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    }
out:
    sqlite3_reset(st);
    return error;
}

int vt_store_case_next_ref(vt_store *w, int64_t year, char ref[VT_CASE_REF_MAX], vt_error *err)
{
    char lo[VT_CASE_REF_MAX], hi[VT_CASE_REF_MAX];
    sqlite3_stmt *st;
    uint64_t last = 0;
    int rc, error;

    if (year < 1000 || year > 9998)
        return vt_error_set(err, VT_EINVALID, 0, "year %lld out of range", (long long)year);
    snprintf(lo, sizeof(lo), "VT-%04lld-", (long long)year);
    snprintf(hi, sizeof(hi), "VT-%04lld-", (long long)year + 1);
    error = vt__store_prepare(w, sql_case_last_ref, &st, err);
    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *r = vt__store_col_text(st, 0);
        size_t n = r ? strlen(r) : 0;

        /* "VT-YYYY-" is 8 bytes; what follows is the sequence. */
        if (n <= 8 || vt_parse_u64(&last, r + 8, n - 8) != 0)
            last = 0;
    } else if (rc != SQLITE_DONE) {
        error = vt__store_fail(w, err, "reading the last case reference");
    }
    sqlite3_reset(st);
    if (error < 0)
        return error;
    if (last >= 999999)
        return vt_error_set(err, VT_ETOOBIG, 0, "no case reference left in %lld", (long long)year);
    snprintf(ref, VT_CASE_REF_MAX, "VT-%04lld-%06llu", (long long)year,
             (unsigned long long)last + 1);
    return 0;
}

int vt_store_case_insert(vt_store *w, vt_case *c, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_case_insert, &st, err);

    if (error < 0)
        return error;
    vt__store_bind_text(st, 1, c->ref);
    sqlite3_bind_int64(st, 2, c->org_id);
    vt__store_bind_text(st, 3, vt_case_state_name(c->state));
    vt__store_bind_text(st, 4, c->title);
    vt__store_bind_text(st, 5, c->scope);
    vt__store_bind_text(st, 6, c->doc);
    vt__store_bind_id(st, 7, c->duplicate_of);
    sqlite3_bind_int64(st, 8, c->created_ms);
    sqlite3_bind_int64(st, 9, c->updated_ms);
    sqlite3_bind_int64(st, 10, c->revision);
    if (sqlite3_step(st) != SQLITE_DONE)
        error = vt__store_fail(w, err, "inserting a case");
    else
        c->id = sqlite3_last_insert_rowid(vt__store_db(w));
    sqlite3_reset(st);
    return error;
}

int vt_store_case_save(vt_store *w, const vt_case *c, int64_t old_revision, bool *stale,
                       vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_case_save, &st, err);

    *stale = false;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, c->id);
    vt__store_bind_text(st, 2, vt_case_state_name(c->state));
    vt__store_bind_text(st, 3, c->title);
    vt__store_bind_text(st, 4, c->doc);
    vt__store_bind_id(st, 5, c->duplicate_of);
    sqlite3_bind_int64(st, 6, c->updated_ms);
    sqlite3_bind_int64(st, 7, c->revision);
    sqlite3_bind_int64(st, 8, old_revision);
    if (sqlite3_step(st) != SQLITE_DONE)
        error = vt__store_fail(w, err, "updating a case");
    else
        *stale = sqlite3_changes(vt__store_db(w)) == 0;
    sqlite3_reset(st);
    return error;
}

int vt_store_case_transition_add(vt_store *w, const vt_case_transition_row *t, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_tr_add, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, t->case_id);
    sqlite3_bind_int64(st, 2, t->seq);
    vt__store_bind_text(st, 3, t->from_state);
    vt__store_bind_text(st, 4, t->to_state);
    vt__store_bind_text(st, 5, t->actor);
    sqlite3_bind_int64(st, 6, t->at_ms);
    vt__store_bind_text(st, 7, t->reason);
    vt__store_bind_text(st, 8, t->note);
    vt__store_bind_id(st, 9, t->ledger_seq);
    return vt__store_step_done(w, st, err, "recording a transition");
}

/* Run a SELECT count(*) ... WHERE case_id = ?1. */
static int count_by_case(vt_store *s, const char *sql, int64_t case_id, int64_t *out, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(s, sql, &st, err);

    *out = 0;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        error = vt__store_fail(s, err, "counting");
    sqlite3_reset(st);
    return error;
}

int vt_store_case_transition_count(vt_store *s, int64_t case_id, int64_t *out, vt_error *err)
{
    return count_by_case(s, sql_tr_count, case_id, out, err);
}

int vt_store_case_outstanding_obligations(vt_store *s, int64_t case_id, long *out, vt_error *err)
{
    int64_t n = 0;
    int error = count_by_case(s, sql_obl_outstanding, case_id, &n, err);

    *out = (long)n;
    return error;
}

int vt_store_case_transitions_each(vt_store *s, int64_t case_id,
                                   int (*each)(void *ctx, const vt_case_transition_row *t),
                                   void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql_tr_each, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_case_transition_row t;

        t.case_id = case_id;
        t.seq = sqlite3_column_int64(st, 0);
        t.from_state = vt__store_col_text(st, 1);
        t.to_state = vt__store_col_text(st, 2);
        t.actor = vt__store_col_text(st, 3);
        t.at_ms = sqlite3_column_int64(st, 4);
        t.reason = vt__store_col_text(st, 5);
        t.note = vt__store_col_text(st, 6);
        t.ledger_seq = sqlite3_column_int64(st, 7);
        error = each(ctx, &t);
    }
    if (!error && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading transitions");
    sqlite3_reset(st);
    return error;
}

int vt_store_case_event_add(vt_store *w, const vt_case_event_row *e, bool *added, vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_ev_add, &st, err);

    *added = false;
    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, e->case_id);
    vt__store_bind_text(st, 2, e->event);
    sqlite3_bind_int64(st, 3, e->at_ms);
    vt__store_bind_text(st, 4, e->time_zone);
    vt__store_bind_text(st, 5, e->actor);
    vt__store_bind_text(st, 6, e->evidence);
    sqlite3_bind_int64(st, 7, e->recorded_ms);
    if (sqlite3_step(st) != SQLITE_DONE)
        error = vt__store_fail(w, err, "recording an event");
    else
        *added = sqlite3_changes(vt__store_db(w)) > 0;
    sqlite3_reset(st);
    return error;
}

int vt_store_case_events_each(vt_store *s, int64_t case_id,
                              int (*each)(void *ctx, const vt_case_event_row *e), void *ctx,
                              vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql_ev_each, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_case_event_row e;

        e.case_id = case_id;
        e.event = vt__store_col_text(st, 0);
        e.at_ms = sqlite3_column_int64(st, 1);
        e.time_zone = vt__store_col_text(st, 2);
        e.actor = vt__store_col_text(st, 3);
        e.evidence = vt__store_col_text(st, 4);
        e.recorded_ms = sqlite3_column_int64(st, 5);
        error = each(ctx, &e);
    }
    if (!error && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading events");
    sqlite3_reset(st);
    return error;
}

int vt_store_case_list(vt_store *s, const vt_case_filter *f,
                       int (*each)(void *ctx, const vt_case *c), void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql_case_list, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, f->org_id);
    vt__store_bind_text(st, 2, f->state);
    sqlite3_bind_int64(st, 3, f->after_id);
    sqlite3_bind_int64(st, 4, f->limit);
    while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *title, *scope, *doc;
        vt_case c;

        case_from_row(&c, st, &title, &scope, &doc);
        /* Borrowed for the call only; the cast drops const for the struct's sake. */
        c.title = (char *)(title ? title : "");
        c.scope = (char *)(scope ? scope : "own_product");
        c.doc = (char *)(doc ? doc : "{}");
        error = each(ctx, &c);
    }
    if (!error && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "listing cases");
    sqlite3_reset(st);
    return error;
}

/* One text column of the row whose key is bound as ?1 (text or integer). */
static int text_by_key(vt_store *s, const char *sql, const char *skey, int64_t ikey, char *out,
                       size_t cap, const char *what, vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql, &st, err);

    if (error < 0)
        return error;
    if (skey)
        sqlite3_bind_text(st, 1, skey, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, ikey);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *v = vt__store_col_text(st, 0);

        snprintf(out, cap, "%s", v ? v : "");
    } else if (rc == SQLITE_DONE) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no such %s", what);
    } else {
        error = vt__store_fail(s, err, what);
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_case_org_zone(vt_store *s, int64_t org_id, char tz[64], vt_error *err)
{
    return text_by_key(s, sql_org_zone, NULL, org_id, tz, 64, "organisation", err);
}

int vt_store_case_org_slug(vt_store *s, int64_t id, char slug[64], vt_error *err)
{
    return text_by_key(s, sql_org_slug, NULL, id, slug, 64, "organisation", err);
}

int vt_store_case_org_id(vt_store *s, const char *slug, int64_t *out, vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql_org_by_slug, &st, err);

    *out = 0;
    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no organisation '%s'", slug);
    else
        error = vt__store_fail(s, err, "reading an organisation");
    sqlite3_reset(st);
    return error;
}

int vt_store_case_report_get(vt_store *s, const char *id, vt_case_report *out, vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql_report_get, &st, err);

    memset(out, 0, sizeof(*out));
    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->org_id = sqlite3_column_int64(st, 0);
        out->received_ms = sqlite3_column_int64(st, 1);
        out->case_id = sqlite3_column_int64(st, 2);
        bool oom = false;

        out->title = vt__store_col_dup(st, 3, &oom);
        if (oom)
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    } else if (rc == SQLITE_DONE) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no report '%s'", id);
    } else {
        error = vt__store_fail(s, err, "reading a report");
    }
    sqlite3_reset(st);
    return error;
}

int vt_store_case_report_link(vt_store *w, const char *id, int64_t case_id, const char *status,
                              vt_error *err)
{
    sqlite3_stmt *st;
    int error = vt__store_prepare(w, sql_report_link, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, case_id);
    vt__store_bind_text(st, 3, status);
    if (sqlite3_step(st) != SQLITE_DONE)
        error = vt__store_fail(w, err, "linking a report");
    else if (sqlite3_changes(vt__store_db(w)) == 0)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no report '%s'", id);
    sqlite3_reset(st);
    return error;
}

int vt_store_case_reports_each(vt_store *s, int64_t case_id,
                               int (*each)(void *ctx, const char *report_id), void *ctx,
                               vt_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE, error = vt__store_prepare(s, sql_reports_each, &st, err);

    if (error < 0)
        return error;
    sqlite3_bind_int64(st, 1, case_id);
    while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW)
        error = each(ctx, vt__store_col_text(st, 0));
    if (!error && rc != SQLITE_DONE)
        error = vt__store_fail(s, err, "reading a case's reports");
    sqlite3_reset(st);
    return error;
}
