/*
 * test_cases.c - cases: the lifecycle table, every guard refused then
 * passed, events stamped once, append-only history, field validation with
 * JSON pointers, grades from CVSS and from tables, duplicates, references
 * and optimistic concurrency. Each test runs on a fresh database in a
 * temporary directory with one organisation and two reports inserted by SQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store_internal.h"
#include "test_store_support.h"
#include "test_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/gate.h"
#include "vulntrack/grade.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/store.h"
#include "vulntrack/store_cases.h"

/* 2026-03-03T02:00:00Z, the receipt time of report R-1. */
#define T0 INT64_C(1772503200000)
#define HOUR VT_MS_PER_HOUR

typedef struct fixture {
    vt_test_db db;
    int64_t org_id;
} fixture;

static int setup(void **state)
{
    static fixture f;
    char sql[512];

    memset(&f, 0, sizeof(f));
    vt_json_init();
    if (vt_test_db_open(&f.db, "vt-cases-test") != 0)
        fail_msg("cannot open a temporary store");
    /* No policy profiles: obligations are inserted by hand where a test needs one. */
    vt_test_sql(f.db.s,
                "INSERT INTO orgs (slug, name, kind, country, time_zone, profiles, flags, "
                "created_ms) VALUES ('acme', 'Acme', 'vendor', 'CN', 'Asia/Shanghai', '[]', "
                "'{}', 0)");
    vt_test_sql(f.db.s,
                "INSERT INTO orgs (slug, name, kind, country, time_zone, profiles, flags, "
                "created_ms) VALUES ('other', 'Other', 'vendor', 'DE', 'Europe/Berlin', '[]', "
                "'{}', 0)");
    f.org_id = vt_test_sql_int(f.db.s, "SELECT id FROM orgs WHERE slug = 'acme'");
    snprintf(sql, sizeof(sql),
             "INSERT INTO reports (id, org_id, tracking_hash, received_ms, channel, "
             "submitted_by, title, body, content_sha256, ledger_seq) VALUES "
             "('R-1', %lld, x'01', %lld, 'api', 'anonymous', 'XSS in the login form', '{}', "
             "'00', 0), ('R-2', %lld, x'02', %lld, 'api', 'anonymous', 'Same XSS again', '{}', "
             "'00', 0), ('R-3', (SELECT id FROM orgs WHERE slug = 'other'), x'03', %lld, 'api', "
             "'anonymous', 'Elsewhere', '{}', '00', 0)",
             (long long)f.org_id, (long long)T0, (long long)f.org_id, (long long)(T0 + HOUR),
             (long long)T0);
    vt_test_sql(f.db.s, sql);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    return vt_test_db_remove(&f->db);
}

/* ---------------------------------------------------------------------
 * Helpers: each operation in its own transaction, as the server runs it
 * ------------------------------------------------------------------- */

static void begin(fixture *f)
{
    vt_error err = VT_ERROR_INIT;

    if (vt_store_begin(f->db.s, &err) < 0)
        fail_msg("begin: %s", err.msg);
}

static void end(fixture *f, int rc)
{
    vt_error err = VT_ERROR_INIT;

    if (rc < 0) {
        vt_store_rollback(f->db.s);
        return;
    }
    if (vt_store_commit(f->db.s, &err) < 0)
        fail_msg("commit: %s", err.msg);
}

static cJSON *parse(const char *json)
{
    cJSON *j = NULL;
    vt_error err = VT_ERROR_INIT;

    if (vt_json_parse(&j, json, strlen(json), &err) < 0)
        fail_msg("test JSON: %s", json);
    return j;
}

static int64_t open_from_report(fixture *f, const char *report, int64_t now, char ref[32])
{
    vt_case_new in;
    vt_error err = VT_ERROR_INIT;
    int64_t id = 0;
    int rc;

    memset(&in, 0, sizeof(in));
    in.org_id = f->org_id;
    in.report_id = report;
    in.actor = "token:analyst";
    begin(f);
    rc = vt_case_create_ex(f->db.s, &in, NULL, NULL, now, &id, ref, NULL, &err);
    end(f, rc);
    if (rc < 0)
        fail_msg("create: %s", err.msg);
    return id;
}

/* Record the reviewer's no-exaggeration attestation the disclosure gate asks for (P3). */
static void attest(fixture *f, int64_t id)
{
    vt_error err = VT_ERROR_INIT;
    cJSON *rec = cJSON_CreateObject();
    int rc;

    assert_non_null(rec);
    begin(f);
    rc = vt_gate_record_add(f->db.s, id, "no_exaggeration_attestation", rec, 7, "user:reviewer",
                            T0, NULL, &err);
    end(f, rc);
    cJSON_Delete(rec);
    if (rc < 0)
        fail_msg("attestation: %s", err.msg);
}

/* Try a transition; returns the code, with the refusal and error. */
static int move(fixture *f, int64_t id, vt_case_state to, unsigned role, const char *reason,
                int64_t now, vt_case_transition_out *out, vt_case_refusal *refusal, vt_error *err)
{
    vt_case_transition_in in;
    vt_case_transition_out o;
    int rc;

    memset(&in, 0, sizeof(in));
    in.case_id = id;
    in.to = to;
    in.reason = reason;
    in.actor = role == VT_ROLE_ANALYST ? "token:analyst" : "token:manager";
    in.role = role;
    in.now_ms = now;
    vt_error_clear(err);
    begin(f);
    rc = vt_case_transition(f->db.s, NULL, NULL, &in, out ? out : &o, refusal, err);
    end(f, rc);
    return rc;
}

static void move_ok(fixture *f, int64_t id, vt_case_state to, unsigned role, const char *reason,
                    int64_t now, vt_case_transition_out *out)
{
    vt_error err = VT_ERROR_INIT;
    vt_case_refusal r;

    if (move(f, id, to, role, reason, now, out, &r, &err) < 0)
        fail_msg("-> %s: %s (refusal %d)", vt_case_state_name(to), err.msg, (int)r);
}

/* The transition is refused by its guard naming `field`. */
static void move_refused(fixture *f, int64_t id, vt_case_state to, unsigned role,
                         const char *reason, int64_t now, const char *field)
{
    vt_error err = VT_ERROR_INIT;
    vt_case_refusal r;
    int rc = move(f, id, to, role, reason, now, NULL, &r, &err);

    assert_int_equal(rc, VT_EINVALID);
    assert_int_equal(r, VT_CASE_REFUSAL_NONE);
    assert_string_equal(err.field, field);
}

static int64_t revision_of(fixture *f, int64_t id)
{
    vt_case c = VT_CASE_INIT;
    vt_error err = VT_ERROR_INIT;
    int64_t rev;

    assert_int_equal(vt_store_case_get(f->db.s, id, NULL, &c, &err), 0);
    rev = c.revision;
    vt_case_dispose(&c);
    return rev;
}

static int patch(fixture *f, int64_t id, const char *doc_json, const vt_grade_tables *tables,
                 vt_case_refusal *r, vt_error *err)
{
    vt_case_update_in in;
    cJSON *doc = parse(doc_json);
    int rc;

    memset(&in, 0, sizeof(in));
    in.case_id = id;
    in.revision = revision_of(f, id);
    in.doc = doc;
    in.tables = tables;
    in.actor = "token:analyst";
    in.now_ms = T0 + 2 * HOUR;
    begin(f);
    rc = vt_case_update(f->db.s, NULL, NULL, &in, NULL, r, err);
    end(f, rc);
    cJSON_Delete(doc);
    return rc;
}

static void patch_ok(fixture *f, int64_t id, const char *doc_json)
{
    vt_error err = VT_ERROR_INIT;
    vt_case_refusal r;

    if (patch(f, id, doc_json, NULL, &r, &err) < 0)
        fail_msg("patch %s: %s", doc_json, err.msg);
}

static int64_t event_at(fixture *f, int64_t id, const char *event)
{
    char sql[200];

    snprintf(sql, sizeof(sql),
             "SELECT at_ms FROM case_events WHERE case_id = %lld AND "
             "event = '%s'",
             (long long)id, event);
    return vt_test_sql_int(f->db.s, sql);
}

static bool stamped(const vt_case_transition_out *o, const char *event)
{
    size_t i;

    for (i = 0; i < o->nstamped; i++)
        if (strcmp(o->stamped[i], event) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------------
 * The table
 * ------------------------------------------------------------------- */

#define TECH (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER | VT_ROLE_ANALYST)
#define MGMT (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER)

/* The lifecycle as docs/cases.md states it, written out independently. */
static const struct {
    vt_case_state from, to;
    unsigned roles;
} expected_rules[] = {
    {VT_CASE_RECEIVED, VT_CASE_TRIAGE, TECH},
    {VT_CASE_TRIAGE, VT_CASE_CONFIRMED, TECH},
    {VT_CASE_TRIAGE, VT_CASE_REJECTED, TECH},
    {VT_CASE_CONFIRMED, VT_CASE_REMEDIATION, TECH},
    {VT_CASE_REMEDIATION, VT_CASE_FIX_AVAILABLE, TECH},
    {VT_CASE_FIX_AVAILABLE, VT_CASE_USERS_NOTIFIED, MGMT},
    {VT_CASE_USERS_NOTIFIED, VT_CASE_DISCLOSED, MGMT},
    {VT_CASE_USERS_NOTIFIED, VT_CASE_CLOSED, MGMT},
    {VT_CASE_DISCLOSED, VT_CASE_CLOSED, MGMT},
    {VT_CASE_REJECTED, VT_CASE_CLOSED, MGMT},
    {VT_CASE_REJECTED, VT_CASE_TRIAGE, MGMT},
    {VT_CASE_CLOSED, VT_CASE_TRIAGE, MGMT},
};

static void test_cases__table(void **state)
{
    unsigned from, to;
    size_t i;

    (void)state;
    for (from = 0; from < VT_CASE_STATE_COUNT; from++) {
        vt_case_state next[VT_CASE_STATE_COUNT];
        size_t n = vt_case_next_states(from, next), want = 0;

        for (to = 0; to < VT_CASE_STATE_COUNT; to++) {
            unsigned roles = 0;

            for (i = 0; i < sizeof(expected_rules) / sizeof(expected_rules[0]); i++)
                if (expected_rules[i].from == from && expected_rules[i].to == to)
                    roles = expected_rules[i].roles;
            if (vt_case_transition_roles(from, to) != roles)
                fail_msg("%s -> %s: roles %#x, expected %#x", vt_case_state_name(from),
                         vt_case_state_name(to), vt_case_transition_roles(from, to), roles);
            want += roles != 0;
        }
        assert_int_equal(n, want);
    }
    for (i = 0; i < VT_CASE_STATE_COUNT; i++) {
        vt_case_state s;

        assert_true(vt_case_state_parse(vt_case_state_name(i), &s));
        assert_int_equal(s, i);
    }
    assert_false(vt_case_state_parse("verifying", &(vt_case_state){0}));
}

/* Every state's illegal targets are refused with 409-style refusal and the allowed list. */
static void test_cases__illegal(void **state)
{
    fixture *f = *state;
    vt_case_transition_out o;
    vt_case_refusal r;
    vt_error err = VT_ERROR_INIT;
    char ref[32];
    int64_t id = open_from_report(f, "R-1", T0, ref);
    unsigned to;

    for (to = 0; to < VT_CASE_STATE_COUNT; to++) {
        if (to == VT_CASE_TRIAGE)
            continue;
        assert_int_equal(move(f, id, to, VT_ROLE_ADMIN, "x", T0, &o, &r, &err), VT_EINVALID);
        assert_int_equal(r, VT_CASE_REFUSAL_ILLEGAL);
        assert_int_equal(o.nallowed, 1);
        assert_int_equal(o.allowed[0], VT_CASE_TRIAGE);
        assert_non_null(strstr(err.msg, "allowed: triage"));
    }
    move_ok(f, id, VT_CASE_TRIAGE, VT_ROLE_ANALYST, NULL, T0 + HOUR, &o);
    assert_int_equal(move(f, id, VT_CASE_CLOSED, VT_ROLE_ADMIN, "x", T0, &o, &r, &err),
                     VT_EINVALID);
    assert_int_equal(r, VT_CASE_REFUSAL_ILLEGAL);
    assert_int_equal(o.nallowed, 2);
    assert_int_equal(o.allowed[0], VT_CASE_CONFIRMED);
    assert_int_equal(o.allowed[1], VT_CASE_REJECTED);
    /* Nothing of a refused transition is kept. */
    assert_int_equal(revision_of(f, id), 2);
}

/* One case through every state, each guard refused first, then met. */
static void test_cases__walk(void **state)
{
    fixture *f = *state;
    vt_case_transition_out o;
    vt_case_refusal r;
    vt_error err = VT_ERROR_INIT;
    char ref[32], text[256], sql[256], first_row[512], row_again[512];
    int64_t id = open_from_report(f, "R-1", T0 + 30 * 60 * 1000, ref), t = T0 + HOUR;

    assert_string_equal(ref, "VT-2026-000001");
    /* E_RECEIVED is the report's receipt; E_AWARE defaults to it. */
    assert_int_equal(event_at(f, id, "E_RECEIVED"), T0);
    assert_int_equal(event_at(f, id, "E_AWARE"), T0);
    vt_test_sql_text(f->db.s, "SELECT status || ' ' || case_id FROM reports WHERE id = 'R-1'", text,
                     sizeof(text));
    snprintf(sql, sizeof(sql), "case_opened %lld", (long long)id);
    assert_string_equal(text, sql);

    move_ok(f, id, VT_CASE_TRIAGE, VT_ROLE_ANALYST, NULL, t, &o);
    assert_int_equal(o.nstamped, 0); /* E_AWARE was set at opening */
    snprintf(sql, sizeof(sql),
             "SELECT seq || from_state || to_state || actor || at_ms || coalesce(reason, '') || "
             "ledger_seq FROM case_transitions WHERE case_id = %lld AND seq = 2",
             (long long)id);
    vt_test_sql_text(f->db.s, sql, first_row, sizeof(first_row));
    assert_true(first_row[0] != '\0');

    move_refused(f, id, VT_CASE_CONFIRMED, VT_ROLE_ANALYST, NULL, t, "/doc/verification_note");
    patch_ok(f, id, "{\"verification_note\": \"reproduced on 2.3.1\"}");
    move_ok(f, id, VT_CASE_CONFIRMED, VT_ROLE_ANALYST, NULL, t + 1, &o);
    assert_true(stamped(&o, "E_VERIFIED"));
    assert_int_equal(event_at(f, id, "E_VERIFIED"), t + 1);

    move_refused(f, id, VT_CASE_REMEDIATION, VT_ROLE_ANALYST, NULL, t, "/doc/gbt/grade");
    patch_ok(f, id, "{\"cvss\": [{\"vector\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}]}");
    move_refused(f, id, VT_CASE_REMEDIATION, VT_ROLE_ANALYST, NULL, t, "/doc/impact_scope");
    patch_ok(f, id, "{\"impact_scope\": \"all 2.x installations\"}");
    move_ok(f, id, VT_CASE_REMEDIATION, VT_ROLE_ANALYST, NULL, t + 2, &o);
    assert_true(stamped(&o, "E_ASSESSED"));

    move_refused(f, id, VT_CASE_FIX_AVAILABLE, VT_ROLE_ANALYST, NULL, t, "/doc/remediations");
    patch_ok(f, id, "{\"remediations\": [{\"kind\": \"patch\", \"version\": \"2.3.2\"}]}");
    move_ok(f, id, VT_CASE_FIX_AVAILABLE, VT_ROLE_ANALYST, NULL, t + 3, &o);
    assert_int_equal(o.nstamped, 2);
    assert_true(stamped(&o, "E_MEASURES_TAKEN"));
    assert_true(stamped(&o, "E_FIX_AVAILABLE"));

    /* Telling users is a manager's decision. */
    assert_int_equal(move(f, id, VT_CASE_USERS_NOTIFIED, VT_ROLE_ANALYST, NULL, t, &o, &r, &err),
                     VT_EINVALID);
    assert_int_equal(r, VT_CASE_REFUSAL_ROLE);
    move_ok(f, id, VT_CASE_USERS_NOTIFIED, VT_ROLE_PSIRT_MANAGER, NULL, t + 4, &o);
    assert_true(stamped(&o, "E_USERS_NOTIFIED"));

    patch_ok(f, id, "{\"embargo_until\": \"2026-03-10T00:00:00+08:00\"}");
    move_refused(f, id, VT_CASE_DISCLOSED, VT_ROLE_PSIRT_MANAGER, NULL, t, "/doc/embargo_until");
    /* After the embargo, the disclosure gate (gate.h): P3 needs a reviewer's attestation. */
    move_refused(f, id, VT_CASE_DISCLOSED, VT_ROLE_PSIRT_MANAGER, NULL, T0 + 7 * 24 * HOUR,
                 "/gate");
    attest(f, id);
    move_ok(f, id, VT_CASE_DISCLOSED, VT_ROLE_PSIRT_MANAGER, NULL, T0 + 7 * 24 * HOUR, &o);
    assert_true(stamped(&o, "E_PUBLISHED"));

    /* An open obligation blocks closing until it is met or waived. */
    snprintf(sql, sizeof(sql),
             "INSERT INTO obligations (case_id, profile, obligation, start_event, state, "
             "updated_ms) VALUES (%lld, 'TEST', 'T-1', 'E_AWARE', 'open', 0)",
             (long long)id);
    vt_test_sql(f->db.s, sql);
    move_refused(f, id, VT_CASE_CLOSED, VT_ROLE_PSIRT_MANAGER, NULL, T0 + 8 * 24 * HOUR,
                 "/obligations");
    vt_test_sql(f->db.s, "UPDATE obligations SET state = 'missed' WHERE profile = 'TEST'");
    move_refused(f, id, VT_CASE_CLOSED, VT_ROLE_PSIRT_MANAGER, NULL, T0 + 8 * 24 * HOUR,
                 "/obligations");
    vt_test_sql(f->db.s, "UPDATE obligations SET state = 'waived', waived_reason = 'test' "
                         "WHERE profile = 'TEST'");
    move_ok(f, id, VT_CASE_CLOSED, VT_ROLE_PSIRT_MANAGER, NULL, T0 + 8 * 24 * HOUR, &o);
    assert_int_equal(o.nstamped, 0);

    /* Reopening needs a reason and stamps nothing already set. */
    move_refused(f, id, VT_CASE_TRIAGE, VT_ROLE_PSIRT_MANAGER, NULL, T0 + 9 * 24 * HOUR, "/reason");
    assert_int_equal(move(f, id, VT_CASE_TRIAGE, VT_ROLE_ANALYST, "regression", T0, &o, &r, &err),
                     VT_EINVALID);
    assert_int_equal(r, VT_CASE_REFUSAL_ROLE);
    move_ok(f, id, VT_CASE_TRIAGE, VT_ROLE_PSIRT_MANAGER, "regression in 2.3.3", T0 + 9 * 24 * HOUR,
            &o);
    assert_int_equal(o.nstamped, 0);
    assert_int_equal(o.from, VT_CASE_CLOSED);
    assert_int_equal(event_at(f, id, "E_AWARE"), T0);
    assert_int_equal(event_at(f, id, "E_VERIFIED"), t + 1);

    /* History: 9 transitions numbered 1..9, the early ones as written. */
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM case_transitions WHERE case_id = %lld",
             (long long)id);
    assert_int_equal(vt_test_sql_int(f->db.s, sql), 9);
    snprintf(sql, sizeof(sql), "SELECT max(seq) FROM case_transitions WHERE case_id = %lld",
             (long long)id);
    assert_int_equal(vt_test_sql_int(f->db.s, sql), 9);
    snprintf(sql, sizeof(sql),
             "SELECT seq || from_state || to_state || actor || at_ms || coalesce(reason, '') || "
             "ledger_seq FROM case_transitions WHERE case_id = %lld AND seq = 2",
             (long long)id);
    vt_test_sql_text(f->db.s, sql, row_again, sizeof(row_again));
    assert_string_equal(first_row, row_again);
    /* Every transition row points at its own ledger entry of kind case.transition. */
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM case_transitions t JOIN ledger l ON l.seq = t.ledger_seq "
             "WHERE t.case_id = %lld AND l.kind = 'case.transition' AND l.subject = '%s'",
             (long long)id, ref);
    assert_int_equal(vt_test_sql_int(f->db.s, sql), 9);
    {
        vt_ledger_verify_result res;

        assert_int_equal(vt_ledger_verify(f->db.s, NULL, &res, &err), 0);
        assert_true(res.intact);
    }
}

static void test_cases__reject_and_duplicate_of(void **state)
{
    fixture *f = *state;
    vt_case_transition_in in;
    vt_case_transition_out o;
    vt_case_refusal r;
    vt_error err = VT_ERROR_INIT;
    char ref1[32], ref2[32], text[64], sql[160];
    int64_t id1 = open_from_report(f, "R-1", T0, ref1);
    int64_t id2 = open_from_report(f, "R-2", T0 + HOUR, ref2);
    int rc;

    assert_string_equal(ref2, "VT-2026-000002");
    move_ok(f, id2, VT_CASE_TRIAGE, VT_ROLE_ANALYST, NULL, T0 + 2 * HOUR, &o);
    move_refused(f, id2, VT_CASE_REJECTED, VT_ROLE_ANALYST, "duplicate", T0 + 2 * HOUR,
                 "/doc/verification_note");
    patch_ok(f, id2, "{\"verification_note\": \"same as the first\"}");
    move_refused(f, id2, VT_CASE_REJECTED, VT_ROLE_ANALYST, NULL, T0 + 2 * HOUR, "/reason");
    move_refused(f, id2, VT_CASE_REJECTED, VT_ROLE_ANALYST, "boring", T0 + 2 * HOUR, "/reason");

    memset(&in, 0, sizeof(in));
    in.case_id = id2;
    in.to = VT_CASE_REJECTED;
    in.reason = "duplicate";
    in.duplicate_of = "VT-2026-000099";
    in.actor = "token:analyst";
    in.role = VT_ROLE_ANALYST;
    in.now_ms = T0 + 3 * HOUR;
    begin(f);
    rc = vt_case_transition(f->db.s, NULL, NULL, &in, &o, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_EINVALID);
    assert_string_equal(err.field, "/duplicate_of");
    /* Only a rejection names the case kept. */
    in.to = VT_CASE_CONFIRMED;
    in.duplicate_of = ref1;
    begin(f);
    rc = vt_case_transition(f->db.s, NULL, NULL, &in, &o, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_EINVALID);
    assert_string_equal(err.field, "/duplicate_of");
    in.to = VT_CASE_REJECTED;
    begin(f);
    rc = vt_case_transition(f->db.s, NULL, NULL, &in, &o, &r, &err);
    end(f, rc);
    assert_int_equal(rc, 0);
    assert_true(stamped(&o, "E_VERIFIED"));
    snprintf(sql, sizeof(sql), "SELECT duplicate_of FROM cases WHERE id = %lld", (long long)id2);
    assert_int_equal(vt_test_sql_int(f->db.s, sql), id1);
    snprintf(sql, sizeof(sql),
             "SELECT reason FROM case_transitions WHERE case_id = %lld AND "
             "to_state = 'rejected'",
             (long long)id2);
    vt_test_sql_text(f->db.s, sql, text, sizeof(text));
    assert_string_equal(text, "duplicate");
    move_ok(f, id2, VT_CASE_CLOSED, VT_ROLE_PSIRT_MANAGER, NULL, T0 + 4 * HOUR, &o);
}

/* A second report joins the first's case: no new case, report linked, ledger entry. */
static void test_cases__attach_duplicate(void **state)
{
    fixture *f = *state;
    vt_case_new in;
    vt_case_refusal r;
    vt_error err = VT_ERROR_INIT;
    char ref[32], text[64];
    int64_t id = open_from_report(f, "R-1", T0, ref), other;
    int rc;

    begin(f);
    rc = vt_case_attach_duplicate(f->db.s, "R-2", id, "token:analyst", T0 + 2 * HOUR, &r, &err);
    end(f, rc);
    assert_int_equal(rc, 0);
    assert_int_equal(vt_test_sql_int(f->db.s, "SELECT count(*) FROM cases"), 1);
    vt_test_sql_text(f->db.s, "SELECT status FROM reports WHERE id = 'R-2'", text, sizeof(text));
    assert_string_equal(text, "duplicate");
    assert_int_equal(vt_test_sql_int(f->db.s, "SELECT case_id FROM reports WHERE id = 'R-2'"), id);
    assert_int_equal(vt_test_sql_int(f->db.s,
                                     "SELECT count(*) FROM ledger WHERE kind = 'case.duplicate' "
                                     "AND subject = 'VT-2026-000001'"),
                     1);
    /* Attached or opened once: neither can happen again. */
    begin(f);
    rc = vt_case_attach_duplicate(f->db.s, "R-2", id, "token:analyst", T0 + 2 * HOUR, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_EINVALID);
    assert_int_equal(r, VT_CASE_REFUSAL_HAS_CASE);
    memset(&in, 0, sizeof(in));
    in.org_id = f->org_id;
    in.report_id = "R-2";
    in.actor = "token:analyst";
    begin(f);
    rc = vt_case_create_ex(f->db.s, &in, NULL, NULL, T0, &other, ref, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_EINVALID);
    assert_int_equal(r, VT_CASE_REFUSAL_HAS_CASE);
    /* Another organisation's report does not join this organisation's case. */
    begin(f);
    rc = vt_case_attach_duplicate(f->db.s, "R-3", id, "token:analyst", T0 + 2 * HOUR, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_EINVALID);
    assert_string_equal(err.field, "/duplicate_of");
    begin(f);
    rc = vt_case_attach_duplicate(f->db.s, "R-404", id, "token:analyst", T0, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_ENOTFOUND);
}

static void test_cases__events_once(void **state)
{
    fixture *f = *state;
    vt_case_refusal r;
    vt_error err = VT_ERROR_INIT;
    char ref[32], text[128];
    int64_t id = open_from_report(f, "R-1", T0, ref);
    int rc;

    begin(f);
    rc = vt_case_record_event(f->db.s, NULL, NULL, id, "E_NVDB_REPORTED", T0 + HOUR, NULL,
                              "token:manager", "NVDB receipt 2026-0001", T0 + 2 * HOUR, &r, &err);
    end(f, rc);
    assert_int_equal(rc, 0);
    assert_int_equal(event_at(f, id, "E_NVDB_REPORTED"), T0 + HOUR);
    vt_test_sql_text(f->db.s,
                     "SELECT time_zone || ' ' || evidence FROM case_events WHERE event = "
                     "'E_NVDB_REPORTED'",
                     text, sizeof(text));
    assert_string_equal(text, "Asia/Shanghai NVDB receipt 2026-0001");
    /* Set once: a second recording is refused and the first is untouched. */
    begin(f);
    rc = vt_case_record_event(f->db.s, NULL, NULL, id, "E_NVDB_REPORTED", T0 + 3 * HOUR, NULL,
                              "token:manager", "again", T0 + 4 * HOUR, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_EINVALID);
    assert_int_equal(r, VT_CASE_REFUSAL_EVENT_SET);
    assert_int_equal(event_at(f, id, "E_NVDB_REPORTED"), T0 + HOUR);
    begin(f);
    rc = vt_case_record_event(f->db.s, NULL, NULL, id, "E_AWARE", T0 - HOUR, NULL, "token:manager",
                              NULL, T0 + 4 * HOUR, &r, &err);
    end(f, rc);
    assert_int_equal(r, VT_CASE_REFUSAL_EVENT_SET);
    assert_int_equal(event_at(f, id, "E_AWARE"), T0);
    begin(f);
    rc = vt_case_record_event(f->db.s, NULL, NULL, id, "E_SOMETHING", 0, NULL, "token:manager",
                              NULL, T0 + 4 * HOUR, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_EINVALID);
    assert_string_equal(err.field, "/event");
    begin(f);
    rc = vt_case_record_event(f->db.s, NULL, NULL, id, "E_EXPLOITED_AWARE", T0 + 48 * HOUR, NULL,
                              "token:manager", NULL, T0 + 4 * HOUR, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_EINVALID);
    assert_string_equal(err.field, "/at");
    assert_int_equal(
        vt_test_sql_int(f->db.s, "SELECT count(*) FROM ledger WHERE kind = 'case.event'"), 1);
}

static void test_cases__stale_revision(void **state)
{
    fixture *f = *state;
    vt_case_update_in in;
    vt_case_refusal r;
    vt_error err = VT_ERROR_INIT;
    char ref[32], text[200];
    int64_t id = open_from_report(f, "R-1", T0, ref), rev = 0;
    cJSON *doc = parse("{\"harm\": \"session theft\"}");
    int rc;

    memset(&in, 0, sizeof(in));
    in.case_id = id;
    in.revision = 1;
    in.doc = doc;
    in.actor = "token:analyst";
    in.now_ms = T0 + HOUR;
    begin(f);
    rc = vt_case_update(f->db.s, NULL, NULL, &in, &rev, &r, &err);
    end(f, rc);
    assert_int_equal(rc, 0);
    assert_int_equal(rev, 2);
    /* Another edit made against revision 1 is stale now. */
    begin(f);
    rc = vt_case_update(f->db.s, NULL, NULL, &in, &rev, &r, &err);
    end(f, rc);
    assert_int_equal(rc, VT_EINVALID);
    assert_int_equal(r, VT_CASE_REFUSAL_STALE);
    vt_test_sql_text(f->db.s, "SELECT detail FROM ledger WHERE kind = 'case.update'", text,
                     sizeof(text));
    assert_non_null(strstr(text, "\"changed\":[\"harm\"]"));
    /* null removes a field; the same value again changes nothing and keeps the revision. */
    cJSON_Delete(doc);
    doc = parse("{\"harm\": null}");
    in.doc = doc;
    in.revision = 2;
    begin(f);
    rc = vt_case_update(f->db.s, NULL, NULL, &in, &rev, &r, &err);
    end(f, rc);
    assert_int_equal(rc, 0);
    assert_int_equal(rev, 3);
    in.revision = 3;
    begin(f);
    rc = vt_case_update(f->db.s, NULL, NULL, &in, &rev, &r, &err);
    end(f, rc);
    assert_int_equal(rc, 0);
    assert_int_equal(rev, 3);
    vt_test_sql_text(f->db.s, "SELECT doc FROM cases", text, sizeof(text));
    assert_string_equal(text, "{}");
    cJSON_Delete(doc);
}

static void test_cases__refs_per_year(void **state)
{
    fixture *f = *state;
    vt_case_new in;
    vt_error err = VT_ERROR_INIT;
    char ref[32];
    int64_t id;
    /* 2026-12-31T23:59:59Z and 2027-01-01T00:00:00Z. */
    const int64_t last_2026 = INT64_C(1798761599000), first_2027 = INT64_C(1798761600000);

    memset(&in, 0, sizeof(in));
    in.org_id = f->org_id;
    in.title = "internal finding";
    in.actor = "token:analyst";
    begin(f);
    assert_int_equal(vt_case_create_ex(f->db.s, &in, NULL, NULL, last_2026, &id, ref, NULL, &err),
                     0);
    assert_string_equal(ref, "VT-2026-000001");
    assert_int_equal(vt_case_create_ex(f->db.s, &in, NULL, NULL, last_2026, &id, ref, NULL, &err),
                     0);
    assert_string_equal(ref, "VT-2026-000002");
    assert_int_equal(vt_case_create_ex(f->db.s, &in, NULL, NULL, first_2027, &id, ref, NULL, &err),
                     0);
    assert_string_equal(ref, "VT-2027-000001");
    /* An internal finding: no E_RECEIVED, E_AWARE now unless given. */
    assert_int_equal(event_at(f, id, "E_AWARE"), first_2027);
    assert_int_equal(event_at(f, id, "E_RECEIVED"), -1);
    in.aware_ms = first_2027 - 5 * HOUR;
    assert_int_equal(vt_case_create_ex(f->db.s, &in, NULL, NULL, first_2027, &id, ref, NULL, &err),
                     0);
    assert_int_equal(event_at(f, id, "E_AWARE"), first_2027 - 5 * HOUR);
    in.aware_ms = first_2027 + 5 * HOUR;
    assert_int_equal(vt_case_create_ex(f->db.s, &in, NULL, NULL, first_2027, &id, ref, NULL, &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/aware_at");
    in.aware_ms = 0;
    in.scope = "somebody_else";
    assert_int_equal(vt_case_create_ex(f->db.s, &in, NULL, NULL, first_2027, &id, ref, NULL, &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/scope");
    end(f, 0);
}

/* ---------------------------------------------------------------------
 * Fields
 * ------------------------------------------------------------------- */

/* Documents refused, with the pointer of the member at fault. */
static const struct {
    const char *doc;
    const char *field;
} refused[] = {
    {"[]", "/doc"},
    {"{\"colour\": \"red\"}", "/doc/colour"},
    {"{\"a/b\": 1}", "/doc/a~1b"},
    {"{\"harm\": 7}", "/doc/harm"},
    {"{\"product_type\": \"firmware\"}", "/doc/product_type"},
    {"{\"products\": {}}", "/doc/products"},
    {"{\"products\": [{\"model\": \"X1\"}]}", "/doc/products/0/name"},
    {"{\"products\": [{\"name\": \"\"}]}", "/doc/products/0/name"},
    {"{\"products\": [{\"name\": \"a\", \"colour\": 1}]}", "/doc/products/0/colour"},
    {"{\"products\": [{\"name\": \"a\", \"product_id\": 1.5}]}", "/doc/products/0/product_id"},
    {"{\"products\": [{\"name\": \"a\", \"ecosystem\": \"Nope\"}]}", "/doc/products/0/ecosystem"},
    {"{\"products\": [{\"name\": \"a\", \"ecosystem\": \"npm\", \"versions\": [\"1.0.0\", "
     "\"not a version!\"]}]}",
     "/doc/products/0/versions/1"},
    {"{\"products\": [{\"name\": \"a\", \"versions\": [{\"scheme\": \"semver\", \"introduced\": "
     "\"1.2.0\", \"fixed\": \"1.3.0 beta\"}]}]}",
     "/doc/products/0/versions/0/fixed"},
    {"{\"products\": [{\"name\": \"a\", \"versions\": [{\"scheme\": \"semver\", \"introduced\": "
     "\"2.0.0\", \"fixed\": \"1.0.0\"}]}]}",
     "/doc/products/0/versions/0/fixed"},
    {"{\"products\": [{\"name\": \"a\", \"versions\": [{\"fixed\": \"2\", \"last_affected\": "
     "\"1\"}]}]}",
     "/doc/products/0/versions/0/last_affected"},
    {"{\"products\": [{\"name\": \"a\", \"versions\": [{\"scheme\": \"semver\"}]}]}",
     "/doc/products/0/versions/0"},
    {"{\"products\": [{\"name\": \"a\", \"ecosystem\": \"Debian\", \"fixed_versions\": "
     "[\"1:2.3-1\", \"\"]}]}",
     "/doc/products/0/fixed_versions/1"},
    {"{\"cwe\": [\"CWE-79\", \"79\"]}", "/doc/cwe/1"},
    {"{\"cwe\": [\"CWE-079\"]}", "/doc/cwe/0"},
    {"{\"cwe\": \"CWE-79\"}", "/doc/cwe"},
    {"{\"cvss\": [{\"vector\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H\"}]}",
     "/doc/cvss/0/vector"},
    {"{\"cvss\": [{}]}", "/doc/cvss/0/vector"},
    {"{\"cvss\": [\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"]}", "/doc/cvss/0"},
    {"{\"gbt\": {\"indicators\": {\"access_path\": \"AP_SPACE\"}}}",
     "/doc/gbt/indicators/access_path"},
    {"{\"gbt\": {\"indicators\": {\"colour\": \"red\"}}}", "/doc/gbt/indicators/colour"},
    {"{\"gbt\": {\"method\": \"MANUAL\", \"grade\": \"high\"}}", "/doc/gbt/justification"},
    {"{\"gbt\": {\"method\": \"MANUAL\", \"grade\": \"awful\", \"justification\": \"x\"}}",
     "/doc/gbt/grade"},
    {"{\"upstream\": {\"purl\": \"npm/left-pad\"}}", "/doc/upstream/purl"},
    {"{\"upstream\": {\"url\": \"x\"}}", "/doc/upstream/url"},
    {"{\"upstream\": {\"known_at_awareness\": \"yes\"}}", "/doc/upstream/known_at_awareness"},
    {"{\"ssvc\": {\"exposed\": \"maybe\"}}", "/doc/ssvc/exposed"},
    {"{\"ssvc\": {\"technical_impact\": \"yes\"}}", "/doc/ssvc/technical_impact"},
    {"{\"ssvc\": {\"impact\": \"total\"}}", "/doc/ssvc/impact"},
    {"{\"ssvc\": []}", "/doc/ssvc"},
    {"{\"next_upgrade\": \"next week\"}", "/doc/next_upgrade"},
    {"{\"embargo_until\": \"next tuesday\"}", "/doc/embargo_until"},
    {"{\"users_must_act\": \"yes\"}", "/doc/users_must_act"},
    {"{\"remediations\": [{\"kind\": \"patch\"}]}", "/doc/remediations/0/version"},
    {"{\"remediations\": [{\"kind\": \"mitigation\"}]}", "/doc/remediations/0/instructions"},
    {"{\"remediations\": [{\"kind\": \"prayer\"}]}", "/doc/remediations/0/kind"},
    {"{\"identifiers\": [{\"scheme\": \"CVE\", \"id\": \"CVE-2026-1\"}, {\"scheme\": \"OSV\", "
     "\"id\": \"x\"}]}",
     "/doc/identifiers/1/scheme"},
    {"{\"identifiers\": [{\"scheme\": \"CVE\", \"id\": \"\"}]}", "/doc/identifiers/0/id"},
    {"{\"identifiers\": [{\"scheme\": \"CNVD\", \"id\": \"C-1\"}, {\"scheme\": \"CNVD\", \"id\": "
     "\"C-1\"}]}",
     "/doc/identifiers/1"},
    {"{\"harm\": \"a\", \"harm\": \"b\"}", "/doc/harm"},
    {"{\"products\": [{\"name\": \"a\", \"vex\": [{\"version\": \"1\", \"status\": "
     "\"BROKEN\"}]}]}",
     "/doc/products/0/vex/0/status"},
    {"{\"products\": [{\"name\": \"a\", \"vex\": [{\"version\": \"1\", \"status\": "
     "\"NOT_AFFECTED\"}]}]}",
     "/doc/products/0/vex/0/justification"},
    {"{\"products\": [{\"name\": \"a\", \"vex\": [{\"version\": \"1\", \"status\": "
     "\"NOT_AFFECTED\", \"justification\": \"trust_me\"}]}]}",
     "/doc/products/0/vex/0/justification"},
    {"{\"products\": [{\"name\": \"a\", \"vex\": [{\"version\": \"1\", \"status\": "
     "\"FIXED\"}, {\"version\": \"1\", \"status\": \"AFFECTED\"}]}]}",
     "/doc/products/0/vex/1/version"},
    {"{\"products\": [{\"name\": \"a\", \"ecosystem\": \"npm\", \"vex\": [{\"version\": "
     "\"one\", \"status\": \"FIXED\"}]}]}",
     "/doc/products/0/vex/0/version"},
    {"{\"components\": [{\"product_id\": 1}]}", "/doc/components/0/purl"},
    {"{\"source_finding\": \"scan\"}", "/doc/source_finding"},
    {"{\"components\": [{\"purl\": \"pkg:\"}]}", "/doc/components/0/purl"},
    {"{\"components\": [{\"purl\": \"pkg:npm/a\", \"product_id\": 0}]}",
     "/doc/components/0/product_id"},
};

static void test_cases__fields_refused(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        vt_error err = VT_ERROR_INIT;
        cJSON *in = parse(refused[i].doc), *out = NULL;
        int rc = vt_case_doc_normalize(&out, in, NULL, "/doc", &err);

        if (rc != VT_EINVALID || strcmp(err.field, refused[i].field) != 0)
            fail_msg("%s: got %d field '%s' (%s), expected %s", refused[i].doc, rc, err.field,
                     err.msg, refused[i].field);
        assert_null(out);
        cJSON_Delete(in);
    }
}

static const char *str_at(const cJSON *o, const char *a, const char *b)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, a);

    if (b)
        m = cJSON_GetObjectItemCaseSensitive(m, b);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

static void test_cases__fields_computed(void **state)
{
    vt_error err = VT_ERROR_INIT;
    cJSON *in, *out = NULL, *cvss, *again = NULL;
    const cJSON *e;

    (void)state;
    in = parse("{\"product_type\": \"software\","
               " \"products\": [{\"name\": \"Gateway\", \"model\": \"GW-1\", \"ecosystem\": "
               "\"PyPI\", \"versions\": [\"1.0\", {\"introduced\": \"0\", \"fixed\": \"1.2\"}],"
               " \"fixed_versions\": [\"1.2\"], \"vex\": [{\"version\": \"1.0\", \"status\": "
               "\"NOT_AFFECTED\", \"justification\": \"not_in_execute_path\"}, {\"version\": "
               "\"1.2\", \"status\": \"FIXED\"}]}],"
               " \"cwe\": [\"CWE-79\"],"
               " \"cvss\": [{\"vector\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N\", "
               "\"score\": 1.0},"
               "  {\"vector\": \"CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N\"},"
               "  {\"vector\": \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
               "/E:A\"}],"
               " \"upstream\": {\"purl\": \"pkg:PyPI/Django_Rest@1.0\", \"provider\": \"x\","
               " \"known_at_awareness\": true},"
               " \"ssvc\": {\"exposed\": \"no\", \"automatable\": \"yes\","
               " \"technical_impact\": \"partial\"}, \"next_upgrade\": \"2026-12-01T00:00:00Z\","
               " \"components\": [{\"purl\": \"pkg:NPM/left-pad@1.3.0\", \"product_id\": 3,"
               " \"product_version\": \"1.0\"}],"
               " \"identifiers\": [{\"scheme\": \"CVE\", \"id\": \"CVE-2026-0001\"}],"
               " \"embargo_until\": \"2026-04-01T00:00:00+08:00\", \"users_must_act\": true}");
    if (vt_case_doc_normalize(&out, in, NULL, "/doc", &err) < 0)
        fail_msg("normalize: %s (%s)", err.msg, err.field);
    cvss = cJSON_GetObjectItemCaseSensitive(out, "cvss");
    e = cJSON_GetArrayItem(cvss, 0);
    /* A score given by the client is replaced by the computed one. */
    assert_true(cJSON_GetObjectItemCaseSensitive(e, "score")->valuedouble == 5.4);
    assert_string_equal(str_at(e, "severity", NULL), "Medium");
    e = cJSON_GetArrayItem(cvss, 1);
    assert_string_equal(str_at(e, "vector", NULL), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_true(cJSON_GetObjectItemCaseSensitive(e, "score")->valuedouble == 9.8);
    assert_string_equal(str_at(e, "severity", NULL), "Critical");
    assert_string_equal(str_at(e, "version", NULL), "3.1");
    assert_null(cJSON_GetObjectItemCaseSensitive(e, "nomenclature"));
    e = cJSON_GetArrayItem(cvss, 2);
    assert_string_equal(str_at(e, "version", NULL), "4.0");
    assert_string_equal(str_at(e, "nomenclature", NULL), "CVSS-BT");
    assert_true(cJSON_GetObjectItemCaseSensitive(e, "base_score")->valuedouble == 9.3);
    /* No tables: the labelled fallback from the highest base score (9.8). */
    assert_string_equal(str_at(out, "gbt", "grade"), "critical");
    assert_string_equal(str_at(out, "gbt", "grade_zh"), "超危");
    assert_string_equal(str_at(out, "gbt", "method"), "CVSS_DERIVED");
    assert_string_equal(
        str_at(cJSON_GetObjectItemCaseSensitive(out, "gbt"), "derived_from", "vector"),
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_string_equal(str_at(out, "upstream", "purl"), "pkg:pypi/django-rest@1.0");
    assert_string_equal(
        str_at(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "components"), 0), "purl",
               NULL),
        "pkg:npm/left-pad@1.3.0");
    /* The stored form validates to itself. */
    assert_int_equal(vt_case_doc_normalize(&again, out, NULL, "/doc", &err), 0);
    assert_true(cJSON_Compare(out, again, 1));
    cJSON_Delete(again);
    cJSON_Delete(out);
    cJSON_Delete(in);

    /* A MANUAL grade is kept as given, with its justification. */
    in = parse("{\"gbt\": {\"method\": \"MANUAL\", \"grade\": \"中危\", \"justification\": "
               "\"assessed by the PSIRT\"}, \"cvss\": [{\"vector\": "
               "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}]}");
    assert_int_equal(vt_case_doc_normalize(&out, in, NULL, "", &err), 0);
    assert_string_equal(str_at(out, "gbt", "grade"), "medium");
    assert_string_equal(str_at(out, "gbt", "method"), "MANUAL");
    cJSON_Delete(out);
    cJSON_Delete(in);

    /* A CVSS score of 0.0 is "none": no grade for the assessment guard. */
    in = parse("{\"cvss\": [{\"vector\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N\"}]}");
    assert_int_equal(vt_case_doc_normalize(&out, in, NULL, "", &err), 0);
    assert_string_equal(str_at(out, "gbt", "grade"), "none");
    cJSON_Delete(out);
    cJSON_Delete(in);

    /* Nothing to grade from: no gbt member at all. */
    in = parse("{\"harm\": \"x\"}");
    assert_int_equal(vt_case_doc_normalize(&out, in, NULL, "", &err), 0);
    assert_null(cJSON_GetObjectItemCaseSensitive(out, "gbt"));
    cJSON_Delete(out);
    cJSON_Delete(in);
}

/* With tables loaded and complete indicators the GB/T method is used and named. */
static void test_cases__grade_from_tables(void **state)
{
    vt_buf raw = VT_BUF_INIT;
    vt_grade_tables *t = NULL;
    vt_gbt_inputs gi = VT_GBT_INPUTS_INIT;
    vt_grade expect;
    vt_error err = VT_ERROR_INIT;
    cJSON *in, *out = NULL;
    const cJSON *gbt;

    (void)state;
    vt_test_read_fixture(&raw, "VT_SOURCE_DIR", "fuzz/corpus/grade_tables/synthetic.json");
    assert_int_equal(vt_grade_tables_load(&t, raw.ptr, raw.len, &err), 0);
    in = parse("{\"gbt\": {\"indicators\": {\"access_path\": \"网络\", \"trigger_req\": "
               "\"TR_LOW\", \"priv_req\": \"PRV_NONE\", \"interaction\": \"UI_NOT_REQUIRED\", "
               "\"c_imp\": \"IMP_SERIOUS\", \"i_imp\": \"IMP_GENERAL\", \"a_imp\": "
               "\"IMP_NONE\"}, \"grade\": \"low\", \"method\": \"CVSS_DERIVED\"}, \"cvss\": "
               "[{\"vector\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N\"}]}");
    assert_int_equal(vt_case_doc_normalize(&out, in, t, "/doc", &err), 0);
    gbt = cJSON_GetObjectItemCaseSensitive(out, "gbt");
    assert_int_equal(vt_grade_input_set(&gi, "access_path", "AP_NETWORK", NULL), 0);
    assert_int_equal(vt_grade_input_set(&gi, "trigger_req", "TR_LOW", NULL), 0);
    assert_int_equal(vt_grade_input_set(&gi, "priv_req", "PRV_NONE", NULL), 0);
    assert_int_equal(vt_grade_input_set(&gi, "interaction", "UI_NOT_REQUIRED", NULL), 0);
    assert_int_equal(vt_grade_input_set(&gi, "c_imp", "IMP_SERIOUS", NULL), 0);
    assert_int_equal(vt_grade_input_set(&gi, "i_imp", "IMP_GENERAL", NULL), 0);
    assert_int_equal(vt_grade_input_set(&gi, "a_imp", "IMP_NONE", NULL), 0);
    vt_grade_compute(&expect, t, &gi);
    assert_int_not_equal(expect.level, VT_GRADE_UNAVAILABLE);
    assert_string_equal(str_at(gbt, "grade", NULL), vt_grade_level_en(expect.level));
    assert_string_equal(str_at(gbt, "method", NULL), "GBT30279_TECH");
    assert_string_equal(str_at(gbt, "table_id", NULL), vt_grade_tables_id(t));
    assert_string_equal(str_at(gbt, "table_sha256", NULL), vt_grade_tables_sha256(t));
    assert_string_equal(
        str_at(cJSON_GetObjectItemCaseSensitive(gbt, "indicators"), "access_path", "code"),
        "AP_NETWORK");
    assert_null(cJSON_GetObjectItemCaseSensitive(gbt, "derived_from"));
    cJSON_Delete(out);
    /* Without the tables the same document falls back, labelled, and says why. */
    assert_int_equal(vt_case_doc_normalize(&out, in, NULL, "/doc", &err), 0);
    gbt = cJSON_GetObjectItemCaseSensitive(out, "gbt");
    assert_string_equal(str_at(gbt, "method", NULL), "CVSS_DERIVED");
    assert_string_equal(str_at(gbt, "grade", NULL), "medium");
    assert_non_null(str_at(gbt, "gbt_note", NULL));
    assert_null(cJSON_GetObjectItemCaseSensitive(gbt, "table_id"));
    cJSON_Delete(out);
    cJSON_Delete(in);
    vt_grade_tables_free(t);
    vt_buf_dispose(&raw);
}

/* Reading: the case JSON shows state, allowed next states, events and reports. */
static void test_cases__json(void **state)
{
    fixture *f = *state;
    vt_case c = VT_CASE_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *o = NULL, *h = NULL;
    char ref[32];
    int64_t id = open_from_report(f, "R-1", T0, ref);

    assert_int_equal(vt_store_case_get(f->db.s, 0, ref, &c, &err), 0);
    assert_int_equal(c.id, id);
    assert_int_equal(vt_case_to_json(&o, f->db.s, &c, &err), 0);
    assert_string_equal(str_at(o, "state", NULL), "received");
    assert_string_equal(str_at(o, "org", NULL), "acme");
    assert_string_equal(str_at(o, "title", NULL), "XSS in the login form");
    assert_string_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "allowed"), 0)->valuestring,
        "triage");
    assert_string_equal(str_at(cJSON_GetObjectItemCaseSensitive(o, "events"), "E_RECEIVED", "at"),
                        "2026-03-03T02:00:00.000Z");
    assert_string_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "reports"), 0)->valuestring, "R-1");
    assert_int_equal(vt_case_history_json(&h, f->db.s, id, &err), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(h, "transitions")), 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(h, "events")), 2);
    cJSON_Delete(o);
    cJSON_Delete(h);
    vt_case_dispose(&c);
    assert_int_equal(vt_store_case_get(f->db.s, 0, "VT-2026-999999", &c, &err), VT_ENOTFOUND);
}

/* Every allocation failure while validating is VT_ENOMEM, never a crash or a leak. */
static void test_cases__fields_alloc_failures(void **state)
{
    cJSON *in;
    long n;

    (void)state;
    in = parse("{\"products\": [{\"name\": \"a\", \"ecosystem\": \"npm\", \"versions\": "
               "[{\"introduced\": \"1.0.0\", \"fixed\": \"1.0.1\"}]}], \"cvss\": [{\"vector\": "
               "\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"}], "
               "\"upstream\": {\"purl\": \"pkg:npm/a@1\"}, \"identifiers\": [{\"scheme\": "
               "\"CVE\", \"id\": \"CVE-1\"}]}");
    for (n = 0;; n++) {
        vt_error err = VT_ERROR_INIT;
        cJSON *out = NULL;
        int rc;

        vt_alloc_fail_after(n);
        rc = vt_case_doc_normalize(&out, in, NULL, "/doc", &err);
        vt_alloc_fail_after(-1);
        cJSON_Delete(out);
        if (rc == 0)
            break;
        assert_int_equal(rc, VT_ENOMEM);
        assert_true(n < 10000);
    }
    cJSON_Delete(in);
}

/* The remaining transitions: closing without publishing, reopening a rejection. */
static void test_cases__other_paths(void **state)
{
    fixture *f = *state;
    vt_case_transition_out o;
    char ref[32];
    int64_t id = open_from_report(f, "R-1", T0, ref), t = T0 + HOUR;
    int64_t id2 = open_from_report(f, "R-2", T0, ref);

    patch_ok(f, id,
             "{\"verification_note\": \"seen\", \"impact_scope\": \"one site\", "
             "\"gbt\": {\"method\": \"MANUAL\", \"grade\": \"low\", \"justification\": "
             "\"internal only\"}, \"remediations\": [{\"kind\": \"mitigation\", "
             "\"instructions\": \"turn it off\"}]}");
    move_ok(f, id, VT_CASE_TRIAGE, VT_ROLE_ANALYST, NULL, t, &o);
    move_ok(f, id, VT_CASE_CONFIRMED, VT_ROLE_ANALYST, NULL, t, &o);
    move_ok(f, id, VT_CASE_REMEDIATION, VT_ROLE_ANALYST, NULL, t, &o);
    move_ok(f, id, VT_CASE_FIX_AVAILABLE, VT_ROLE_ANALYST, NULL, t, &o);
    move_ok(f, id, VT_CASE_USERS_NOTIFIED, VT_ROLE_ADMIN, NULL, t, &o);
    move_ok(f, id, VT_CASE_CLOSED, VT_ROLE_ADMIN, NULL, t, &o);
    assert_int_equal(o.from, VT_CASE_USERS_NOTIFIED);
    assert_int_equal(event_at(f, id, "E_PUBLISHED"), -1);

    patch_ok(f, id2, "{\"verification_note\": \"cannot reproduce\"}");
    move_ok(f, id2, VT_CASE_TRIAGE, VT_ROLE_ANALYST, NULL, t, &o);
    move_ok(f, id2, VT_CASE_REJECTED, VT_ROLE_ANALYST, "not_reproducible", t, &o);
    move_refused(f, id2, VT_CASE_TRIAGE, VT_ROLE_ADMIN, "", t + 1, "/reason");
    move_ok(f, id2, VT_CASE_TRIAGE, VT_ROLE_ADMIN, "reporter sent a new proof", t + 1, &o);
    assert_int_equal(o.from, VT_CASE_REJECTED);
    move_ok(f, id2, VT_CASE_CONFIRMED, VT_ROLE_ANALYST, NULL, t + 2, &o);
    /* E_VERIFIED keeps the time of the first conclusion. */
    assert_int_equal(o.nstamped, 0);
    assert_int_equal(event_at(f, id2, "E_VERIFIED"), t);
}

/*
 * Every allocation failure while opening a case, moving it and changing its
 * fields fails the whole operation (rolled back: nothing half-written) and
 * leaks nothing; a later attempt succeeds.
 */
static void test_cases__alloc_failures(void **state)
{
    fixture *f = *state;
    vt_case_transition_out o;
    vt_case_refusal r;
    cJSON *doc = parse("{\"harm\": \"x\", \"cvss\": [{\"vector\": "
                       "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}]}");
    char ref[32];
    int64_t id = 0;
    long n;
    int rc;

    for (n = 0;; n++) {
        vt_case_new in;
        vt_error err = VT_ERROR_INIT;

        memset(&in, 0, sizeof(in));
        in.org_id = f->org_id;
        in.report_id = "R-1";
        in.actor = "token:analyst";
        begin(f);
        vt_alloc_fail_after(n);
        rc = vt_case_create_ex(f->db.s, &in, NULL, NULL, T0, &id, ref, &r, &err);
        vt_alloc_fail_after(-1);
        end(f, rc);
        if (rc == 0)
            break;
        /* Whatever module saw the failure first reports it (the ledger
         * canonicalising its detail reports a failed parse as invalid): what
         * matters here is that nothing of the operation is kept. */
        assert_int_equal(vt_test_sql_int(f->db.s, "SELECT count(*) FROM cases"), 0);
        assert_int_equal(vt_test_sql_int(f->db.s, "SELECT count(*) FROM ledger"), 0);
        assert_true(n < 10000);
    }
    assert_string_equal(ref, "VT-2026-000001");
    for (n = 0;; n++) {
        vt_error err = VT_ERROR_INIT;

        vt_alloc_fail_after(n);
        rc = move(f, id, VT_CASE_TRIAGE, VT_ROLE_ANALYST, NULL, T0 + HOUR, &o, &r, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0)
            break;
        /* Whatever module saw the failure first reports it (the ledger
         * canonicalising its detail reports a failed parse as invalid): what
         * matters here is that nothing of the operation is kept. */
        assert_int_equal(revision_of(f, id), 1);
        assert_int_equal(vt_test_sql_int(f->db.s, "SELECT count(*) FROM case_transitions"), 1);
        assert_true(n < 10000);
    }
    for (n = 0;; n++) {
        vt_case_update_in in;
        vt_error err = VT_ERROR_INIT;

        memset(&in, 0, sizeof(in));
        in.case_id = id;
        in.revision = 2;
        in.doc = doc;
        in.actor = "token:analyst";
        in.now_ms = T0 + 2 * HOUR;
        begin(f);
        vt_alloc_fail_after(n);
        rc = vt_case_update(f->db.s, NULL, NULL, &in, NULL, &r, &err);
        vt_alloc_fail_after(-1);
        end(f, rc);
        if (rc == 0)
            break;
        /* Whatever module saw the failure first reports it (the ledger
         * canonicalising its detail reports a failed parse as invalid): what
         * matters here is that nothing of the operation is kept. */
        assert_int_equal(revision_of(f, id), 2);
        assert_true(n < 10000);
    }
    assert_int_equal(revision_of(f, id), 3);
    cJSON_Delete(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases__table),
        cmocka_unit_test_setup_teardown(test_cases__illegal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases__walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases__reject_and_duplicate_of, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases__other_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases__attach_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases__events_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases__stale_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases__refs_per_year, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cases__json, setup, teardown),
        cmocka_unit_test(test_cases__fields_refused),
        cmocka_unit_test(test_cases__fields_computed),
        cmocka_unit_test(test_cases__grade_from_tables),
        cmocka_unit_test(test_cases__fields_alloc_failures),
        cmocka_unit_test_setup_teardown(test_cases__alloc_failures, setup, teardown),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
