/*
 * test_obligations.c - the clocks of a case in the store: refresh from the
 * organisation's profiles and the recorded events, the merge rules (met and
 * waived kept, late stays visibly late), the sweeper, waivers, manual
 * evidence, the dashboard query and the ledger entries each change makes.
 * Each test works on a fresh temporary database; rows are inserted with
 * plain SQL.
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
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/obligations.h"
#include "vulntrack/osv.h"
#include "vulntrack/store.h"
#include "vulntrack/store_obligations.h"
#include "vulntrack/tz.h"

static vt_policy_set *policies;
static vt_calendar_set *calendars;

typedef vt_test_db fixture;

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;

    if (vt_time_parse_rfc3339(&ms, rfc3339, strlen(rfc3339)) != 0)
        fail_msg("bad time in test: %s", rfc3339);
    return ms;
}

static void exec(fixture *f, const char *sql)
{
    vt_test_sql(f->s, sql);
}

static int64_t scalar(fixture *f, const char *sql)
{
    return vt_test_sql_int(f->s, sql);
}

static void text_of(fixture *f, const char *sql, char *out, size_t n)
{
    vt_test_sql_text(f->s, sql, out, n);
}

static int setup_all(void **state)
{
    (void)state;
    vt_json_init();
    return vt_test_load_rules(&policies, &calendars);
}

static int teardown_all(void **state)
{
    (void)state;
    vt_policy_set_free(policies);
    vt_calendar_set_free(calendars);
    vt_tz_cache_clear();
    return 0;
}

static int setup(void **state)
{
    static fixture f;

    memset(&f, 0, sizeof(f));
    if (vt_test_db_open(&f, "vt-obl-test") != 0)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    return vt_test_db_remove(*state);
}

/* An organisation and one case, aware 2025-03-03T10:00+08:00. */
static void seed(fixture *f, const char *kind, const char *tz, const char *profiles,
                 const char *flags, const char *scope, const char *doc)
{
    char sql[2048];

    snprintf(sql, sizeof(sql),
             "INSERT INTO orgs (id, slug, name, kind, country, time_zone, profiles, flags, "
             "created_ms) VALUES (1, 'acme', 'Acme', '%s', 'CN', '%s', '%s', '%s', 0);"
             "INSERT INTO cases (id, ref, org_id, state, title, scope, doc, created_ms, "
             "updated_ms) VALUES (1, 'VT-2025-000001', 1, 'VERIFYING', 't', '%s', '%s', 0, 0);",
             kind, tz, profiles, flags, scope, doc);
    exec(f, sql);
}

static void add_event(fixture *f, const char *event, const char *when, const char *evidence)
{
    char sql[512];

    snprintf(sql, sizeof(sql),
             "INSERT INTO case_events (case_id, event, at_ms, time_zone, actor, evidence, "
             "recorded_ms) VALUES (1, '%s', %lld, 'Asia/Shanghai', 'user:li', %s%s%s, 0)",
             event, (long long)at(when), evidence ? "'" : "", evidence ? evidence : "NULL",
             evidence ? "'" : "");
    exec(f, sql);
}

static void refresh(fixture *f, const char *now)
{
    vt_error err = VT_ERROR_INIT;

    assert_int_equal(vt_store_begin(f->s, &err), 0);
    if (vt_obligations_refresh(f->s, policies, calendars, 1, at(now), &err) != 0)
        fail_msg("refresh: %s", err.msg);
    assert_int_equal(vt_store_commit(f->s, &err), 0);
}

static void state_of(fixture *f, const char *obligation, char *out, size_t n)
{
    char sql[256];

    snprintf(sql, sizeof(sql), "SELECT state FROM obligations WHERE obligation = '%s'",
             obligation);
    text_of(f, sql, out, n);
}

static int64_t row_id(fixture *f, const char *obligation)
{
    char sql[256];

    snprintf(sql, sizeof(sql), "SELECT id FROM obligations WHERE obligation = '%s'", obligation);
    return scalar(f, sql);
}

static void test_obligations__refresh_computes_and_records(void **state)
{
    fixture *f = *state;
    char s[64];

    seed(f, "vendor", "Asia/Shanghai", "[\"CN_RMSV_2021\"]", "{}", "own_product", "{}");
    add_event(f, "E_RECEIVED", "2025-03-03T09:00:00+08:00", NULL);
    add_event(f, "E_AWARE", "2025-03-03T10:00:00+08:00", NULL);
    refresh(f, "2025-03-03T11:00:00+08:00");
    assert_int_equal(scalar(f, "SELECT count(*) FROM obligations"), 8);
    assert_int_equal(scalar(f, "SELECT due_ms FROM obligations WHERE obligation = 'CN-NVDB'"),
                     at("2025-03-05T10:00:00+08:00"));
    assert_int_equal(
        scalar(f, "SELECT legal_latest_ms FROM obligations WHERE obligation = 'CN-NVDB'"),
        at("2025-03-05T16:00:00Z"));
    state_of(f, "CN-NVDB", s, sizeof(s));
    assert_string_equal(s, "open");
    state_of(f, "CN-LOG", s, sizeof(s));
    assert_string_equal(s, "met");
    state_of(f, "CN-OPFIX", s, sizeof(s));
    assert_string_equal(s, "not_applicable");
    /* One ledger entry per row written. */
    assert_int_equal(scalar(f, "SELECT count(*) FROM ledger WHERE kind LIKE 'obligation.%'"), 8);
    text_of(f, "SELECT subject FROM ledger ORDER BY seq DESC LIMIT 1", s, sizeof(s));
    assert_string_equal(s, "VT-2025-000001");
    /* The same facts again: nothing written. */
    refresh(f, "2025-03-03T12:00:00+08:00");
    assert_int_equal(scalar(f, "SELECT count(*) FROM ledger WHERE kind LIKE 'obligation.%'"), 8);
}

static void test_obligations__met_late_stays_late(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    long marked = -1;
    char s[256];

    seed(f, "vendor", "Asia/Shanghai", "[\"CN_RMSV_2021\"]", "{}", "own_product", "{}");
    add_event(f, "E_AWARE", "2025-03-03T10:00:00+08:00", NULL);
    refresh(f, "2025-03-03T11:00:00+08:00");
    /* The sweeper after the NVDB target: CN-VERIFY and CN-NVDB missed. */
    assert_int_equal(vt_store_begin(f->s, &err), 0);
    assert_int_equal(vt_obligations_sweep(f->s, at("2025-03-05T10:00:01+08:00"), &marked, &err),
                     0);
    assert_int_equal(vt_store_commit(f->s, &err), 0);
    assert_int_equal(marked, 2);
    state_of(f, "CN-NVDB", s, sizeof(s));
    assert_string_equal(s, "missed");
    assert_int_equal(scalar(f, "SELECT count(*) FROM ledger WHERE kind = 'obligation.missed'"), 2);
    /* Sweeping again marks nothing. */
    assert_int_equal(vt_store_begin(f->s, &err), 0);
    assert_int_equal(vt_obligations_sweep(f->s, at("2025-03-06T10:00:00+08:00"), &marked, &err),
                     0);
    assert_int_equal(vt_store_commit(f->s, &err), 0);
    assert_int_equal(marked, 0);
    /* Reported late: met, with the due time kept. */
    add_event(f, "E_NVDB_REPORTED", "2025-03-05T15:00:00+08:00", "receipt NVDB-123");
    refresh(f, "2025-03-05T15:00:00+08:00");
    state_of(f, "CN-NVDB", s, sizeof(s));
    assert_string_equal(s, "met");
    assert_int_equal(scalar(f, "SELECT met_ms - due_ms FROM obligations WHERE obligation = 'CN-NVDB'"),
                     5 * VT_MS_PER_HOUR);
    text_of(f, "SELECT evidence FROM obligations WHERE obligation = 'CN-NVDB'", s, sizeof(s));
    assert_non_null(strstr(s, "receipt NVDB-123"));
    assert_int_equal(scalar(f, "SELECT count(*) FROM ledger WHERE kind = 'obligation.met' "
                               "AND detail LIKE '%CN-NVDB%'"),
                     1);
}

static void test_obligations__waive_and_evidence(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char s[256];
    int64_t patch, verify, upd;

    seed(f, "vendor", "Asia/Shanghai", "[\"CN_RMSV_2021\"]", "{}", "own_product", "{}");
    add_event(f, "E_AWARE", "2025-03-03T10:00:00+08:00", NULL);
    add_event(f, "E_NVDB_REPORTED", "2025-03-04T10:00:00+08:00", NULL);
    add_event(f, "E_FIX_AVAILABLE", "2025-03-10T10:00:00+08:00", NULL);
    refresh(f, "2025-03-10T11:00:00+08:00");
    patch = row_id(f, "CN-PATCH");
    verify = row_id(f, "CN-VERIFY");
    upd = row_id(f, "CN-NVDB-UPD");
    assert_true(patch > 0 && verify > 0 && upd > 0);

    assert_int_equal(vt_store_begin(f->s, &err), 0);
    assert_int_equal(vt_obligation_waive(f->s, patch, "user:wang", "", at("2025-03-10T12:00:00Z"),
                                         &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/reason");
    assert_int_equal(vt_obligation_waive(f->s, patch, "user:wang", "fixed by the supplier",
                                         at("2025-03-10T12:00:00Z"), &err),
                     0);
    assert_int_equal(vt_obligation_waive(f->s, 999999, "user:wang", "x", at("2025-03-10T12:00:00Z"),
                                         &err),
                     VT_ENOTFOUND);
    /* Manual evidence for the NVDB update (no event meets it). */
    assert_int_equal(vt_obligation_record_evidence(f->s, upd, "user:wang", "update receipt 77",
                                                   at("2025-03-09T00:00:00Z"),
                                                   at("2025-03-11T00:00:00Z"), &err),
                     VT_EINVALID); /* before its start */
    assert_string_equal(err.field, "/met_at");
    assert_int_equal(vt_obligation_record_evidence(f->s, upd, "user:wang", "update receipt 77", 0,
                                                   at("2025-03-11T00:00:00Z"), &err),
                     0);
    assert_int_equal(vt_obligation_waive(f->s, upd, "user:wang", "x", at("2025-03-11T00:00:00Z"),
                                         &err),
                     VT_EINVALID); /* already met */
    assert_int_equal(vt_store_commit(f->s, &err), 0);

    /* A refresh keeps both. */
    refresh(f, "2025-03-12T00:00:00+08:00");
    state_of(f, "CN-PATCH", s, sizeof(s));
    assert_string_equal(s, "waived");
    text_of(f, "SELECT waived_reason FROM obligations WHERE obligation = 'CN-PATCH'", s, sizeof(s));
    assert_string_equal(s, "fixed by the supplier");
    state_of(f, "CN-NVDB-UPD", s, sizeof(s));
    assert_string_equal(s, "met");
    text_of(f, "SELECT actor FROM ledger WHERE kind = 'obligation.waived'", s, sizeof(s));
    assert_string_equal(s, "user:wang");
    assert_int_equal(scalar(f, "SELECT count(*) FROM ledger WHERE kind = 'obligation.met' "
                               "AND actor = 'user:wang'"),
                     1);
}

static void test_obligations__query_pending_by_due(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    vt_obligation_filter flt = VT_OBLIGATION_FILTER_INIT;
    cJSON *arr = NULL, *item;
    const cJSON *v;
    int64_t prev = INT64_MIN;
    int n = 0;

    seed(f, "vendor", "Europe/Berlin", "[\"CN_RMSV_2021\", \"EU_CRA\"]",
         "{\"eu_manufacturer\": true}", "own_product", "{\"eu_market\": true}");
    add_event(f, "E_AWARE", "2026-10-01T08:00:00Z", NULL);
    add_event(f, "E_EXPLOITED_AWARE", "2026-10-01T09:00:00Z", NULL);
    refresh(f, "2026-10-01T10:00:00Z");
    flt.state = "pending";
    flt.due_before = at("2026-10-05T00:00:00Z");
    assert_int_equal(vt_obligations_query(f->s, policies, &flt, &arr, &err), 0);
    cJSON_ArrayForEach(item, arr)
    {
        int64_t due;
        v = cJSON_GetObjectItemCaseSensitive(item, "due");
        assert_true(cJSON_IsString(v));
        assert_int_equal(vt_time_parse_rfc3339(&due, v->valuestring, strlen(v->valuestring)), 0);
        assert_true(due >= prev);
        assert_true(due < flt.due_before);
        prev = due;
        n++;
    }
    /* CN-VERIFY, CN-NVDB, CRA-V-EW, CRA-V-N, CRA-USER. */
    assert_int_equal(n, 5);
    item = cJSON_GetArrayItem(arr, 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "obligation")->valuestring,
                        "CN-VERIFY");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "due_local")->valuestring,
                        "2026-10-02T10:00:00+02:00");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "time_zone")->valuestring,
                        "Europe/Berlin");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "policy")));
    item = cJSON_GetArrayItem(arr, 1);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "obligation")->valuestring,
                        "CRA-V-EW");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "due")->valuestring,
                        "2026-10-02T09:00:00.000Z");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(item, "informative")));
    cJSON_Delete(arr);

    flt.state = "bogus";
    assert_int_equal(vt_obligations_query(f->s, policies, &flt, &arr, &err), VT_EINVALID);
    assert_null(arr);
}

/* Rejecting the case voids the clocks it no longer owes, missed or not. */
static void test_obligations__rejected_case(void **state)
{
    fixture *f = *state;
    char s[64];

    seed(f, "vendor", "Asia/Shanghai", "[\"CN_RMSV_2021\"]", "{}", "own_product", "{}");
    add_event(f, "E_RECEIVED", "2025-03-03T09:00:00+08:00", NULL);
    add_event(f, "E_AWARE", "2025-03-03T10:00:00+08:00", NULL);
    refresh(f, "2025-03-06T10:00:00+08:00");
    state_of(f, "CN-NVDB", s, sizeof(s));
    assert_string_equal(s, "missed");
    add_event(f, "E_VERIFIED", "2025-03-06T11:00:00+08:00", NULL);
    exec(f, "UPDATE cases SET state = 'rejected' WHERE id = 1");
    refresh(f, "2025-03-06T11:00:00+08:00");
    state_of(f, "CN-NVDB", s, sizeof(s));
    assert_string_equal(s, "not_applicable");
    state_of(f, "CN-LOG", s, sizeof(s));
    assert_string_equal(s, "met");
    state_of(f, "CN-VERIFY", s, sizeof(s));
    assert_string_equal(s, "met");
    assert_int_equal(scalar(f, "SELECT count(*) FROM obligations WHERE state IN ('open', 'missed')"),
                     0);
}

/* A profile the organisation drops no longer holds its open clocks. */
static void test_obligations__dropped_profile_retired(void **state)
{
    fixture *f = *state;
    char s[64];

    seed(f, "vendor", "Asia/Shanghai", "[\"CN_RMSV_2021\", \"CN_DRAFT_2019\"]", "{}",
         "own_product", "{\"product_type\": \"software\"}");
    add_event(f, "E_AWARE", "2025-03-03T10:00:00+08:00", NULL);
    add_event(f, "E_VERIFIED", "2025-03-03T12:00:00+08:00", NULL);
    refresh(f, "2025-03-03T13:00:00+08:00");
    state_of(f, "D19-MEASURES-PRODUCT", s, sizeof(s));
    assert_string_equal(s, "open");
    exec(f, "UPDATE orgs SET profiles = '[\"CN_RMSV_2021\"]' WHERE id = 1");
    refresh(f, "2025-03-03T14:00:00+08:00");
    state_of(f, "D19-MEASURES-PRODUCT", s, sizeof(s));
    assert_string_equal(s, "not_applicable");
    /* Met ones keep their record. */
    state_of(f, "D19-VERIFY", s, sizeof(s));
    assert_string_equal(s, "met");
    state_of(f, "CN-NVDB", s, sizeof(s));
    assert_string_equal(s, "open");
}

static void test_obligations__unknown_profile_refused(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;

    seed(f, "vendor", "Asia/Shanghai", "[\"NOPE\"]", "{}", "own_product", "{}");
    assert_int_equal(vt_store_begin(f->s, &err), 0);
    assert_int_equal(vt_obligations_refresh(f->s, policies, calendars, 1, 0, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "NOPE"));
    assert_int_equal(vt_obligations_refresh(f->s, policies, calendars, 42, 0, &err), VT_ENOTFOUND);
    vt_store_rollback(f->s);
}

static void test_obligations__kev_from_store(void **state)
{
    fixture *f = *state;
    char s[64];

    seed(f, "operator", "America/New_York", "[\"US_BOD_22_01\"]", "{\"us_fceb\": true}",
         "operator_system", "{\"identifiers\": [{\"scheme\": \"CVE\", \"id\": \"CVE-2024-1234\"}]}");
    exec(f, "INSERT INTO kev (cve, date_added, due_date) VALUES "
            "('CVE-2024-1234', '2026-02-20', '2026-03-08')");
    refresh(f, "2026-02-21T00:00:00Z");
    state_of(f, "BOD2201-REMEDIATE", s, sizeof(s));
    assert_string_equal(s, "open");
    assert_int_equal(
        scalar(f, "SELECT due_ms FROM obligations WHERE obligation = 'BOD2201-REMEDIATE'"),
        at("2026-03-08T23:59:59-04:00"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_obligations__refresh_computes_and_records, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_obligations__met_late_stays_late, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obligations__waive_and_evidence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obligations__query_pending_by_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obligations__rejected_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obligations__dropped_profile_retired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obligations__unknown_profile_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_obligations__kev_from_store, setup, teardown),
    };

    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
