/*
 * test_deadline.c - the deadline clocks, against the test vectors of spec
 * regulations.md (§3.2 NVDB 2-day clock, §10.1 CRA), the Civil-Code
 * holiday roll-over with the CN calendar (holidays and make-up working
 * days), time zones across a DST change, BOD 22-01 end of day in the
 * tenant's zone, the BOD 26-04 decision table, month ends, policy
 * overrides, and the loaders' error reports. Profiles and calendars are the
 * shipped data files (VT_SOURCE_DIR/data).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_store_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/calendar.h"
#include "vulntrack/json.h"
#include "vulntrack/clock.h"
#include "vulntrack/deadline.h"
#include "vulntrack/osv.h"
#include "vulntrack/policy.h"
#include "vulntrack/tz.h"

static vt_policy_set *policies;
static vt_calendar_set *calendars;

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

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;

    if (vt_time_parse_rfc3339(&ms, rfc3339, strlen(rfc3339)) != 0)
        fail_msg("bad time in test: %s", rfc3339);
    return ms;
}

static const vt_tz *zone(const char *name)
{
    const vt_tz *tz = NULL;
    vt_error err = VT_ERROR_INIT;

    if (vt_tz_load(&tz, name, &err) != 0)
        fail_msg("zone %s: %s", name, err.msg);
    return tz;
}

/* The local RFC 3339 text of `ms` in `tz`. */
static const char *local_text(char buf[VT_TIME_TEXT_MAX], int64_t ms, const vt_tz *tz)
{
    return vt_time_format_offset(buf, ms, vt_tz_offset_at(tz, ms));
}

/* One computation: profile, facts, events, zone. */
typedef struct run {
    vt_deadline d[VT_DEADLINE_MAX];
    size_t n;
} run;

static void compute(run *r, const char *profile, const vt_case_facts *f, const vt_case_event *ev,
                    size_t nev, const char *tzname, const cJSON *overrides)
{
    const vt_policy_profile *p = vt_policy_set_get(policies, profile);
    vt_deadline_input in;
    vt_error err = VT_ERROR_INIT;

    assert_non_null(p);
    memset(&in, 0, sizeof(in));
    in.facts = f;
    in.events = ev;
    in.nevents = nev;
    in.org_tz = zone(tzname);
    in.calendars = calendars;
    in.overrides = overrides;
    if (vt_deadline_compute(p, &in, r->d, &r->n, &err) != 0)
        fail_msg("compute %s: %s", profile, err.msg);
    assert_int_equal(r->n, vt_policy_profile_count(p));
}

static const vt_deadline *find(const run *r, const char *id)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        if (strcmp(r->d[i].def->id, id) == 0)
            return &r->d[i];
    }
    fail_msg("no obligation %s", id);
    return NULL;
}

static void vendor_facts(vt_case_facts *f)
{
    vt_case_facts init = VT_CASE_FACTS_INIT;

    *f = init;
    f->roles = VT_PROLE_PROVIDER;
    f->scope = VT_SCOPE_OWN_PRODUCT;
}

/* §3.2 test vector, and the other CN_RMSV_2021 clocks of the same case. */
static void test_deadline__nvdb_vector(void **state)
{
    vt_case_facts f;
    vt_case_event ev[] = {{"E_RECEIVED", at("2025-03-03T09:30:00+08:00")},
                          {"E_AWARE", at("2025-03-03T10:00:00+08:00")}};
    const vt_deadline *d;
    char buf[VT_TIME_TEXT_MAX];
    run r;

    (void)state;
    vendor_facts(&f);
    f.users_must_act = true;
    compute(&r, "CN_RMSV_2021", &f, ev, 2, "Asia/Shanghai", NULL);
    d = find(&r, "CN-NVDB");
    assert_int_equal(d->state, VT_DEADLINE_OPEN);
    assert_string_equal(d->start_event, "E_AWARE");
    assert_true(d->started);
    assert_int_equal(d->due_ms, at("2025-03-05T10:00:00+08:00"));
    assert_string_equal(local_text(buf, d->due_ms, zone("Asia/Shanghai")),
                        "2025-03-05T10:00:00+08:00");
    assert_true(d->has_legal_latest);
    assert_int_equal(d->legal_latest_ms, at("2025-03-06T00:00:00+08:00"));
    assert_int_equal(d->legal_latest_ms, at("2025-03-05T16:00:00Z"));
    assert_false(d->calendar_uncovered);
    assert_false(d->informative);
    assert_false(d->policy);

    d = find(&r, "CN-LOG");
    assert_int_equal(d->state, VT_DEADLINE_MET);
    assert_int_equal(d->due_ms, at("2025-03-03T09:30:00+08:00"));
    d = find(&r, "CN-VERIFY");
    assert_int_equal(d->due_ms, at("2025-03-04T10:00:00+08:00"));
    assert_true(d->policy);
    d = find(&r, "CN-PATCH");
    assert_int_equal(d->due_ms, at("2025-06-01T10:00:00+08:00"));
    d = find(&r, "CN-USERNOTE");
    assert_int_equal(d->state, VT_DEADLINE_OPEN);
    assert_false(d->started);
    assert_false(d->has_due);
    assert_string_equal(d->start_event, "E_MEASURES_TAKEN");
    assert_int_equal(find(&r, "CN-UPSTREAM")->state, VT_DEADLINE_NOT_APPLICABLE);
    assert_int_equal(find(&r, "CN-OPFIX")->state, VT_DEADLINE_NOT_APPLICABLE);
    assert_int_equal(find(&r, "CN-NVDB-UPD")->state, VT_DEADLINE_NOT_APPLICABLE);
}

/* Met by its event; a report after the due time is still met (late). */
static void test_deadline__met_by_event(void **state)
{
    vt_case_facts f;
    vt_case_event ev[] = {{"E_AWARE", at("2025-03-03T10:00:00+08:00")},
                          {"E_NVDB_REPORTED", at("2025-03-05T12:00:00+08:00")},
                          {"E_MEASURES_TAKEN", at("2025-04-01T08:00:00+08:00")},
                          {"E_FIX_AVAILABLE", at("2025-04-02T08:00:00+08:00")}};
    const vt_deadline *d;
    run r;

    (void)state;
    vendor_facts(&f);
    compute(&r, "CN_RMSV_2021", &f, ev, 4, "Asia/Shanghai", NULL);
    d = find(&r, "CN-NVDB");
    assert_int_equal(d->state, VT_DEADLINE_MET);
    assert_int_equal(d->met_ms, at("2025-03-05T12:00:00+08:00"));
    assert_true(d->met_ms > d->due_ms);
    assert_true(d->met_ms < d->legal_latest_ms);
    d = find(&r, "CN-USERNOTE");
    assert_int_equal(d->due_ms, at("2025-04-06T08:00:00+08:00"));
    /* The fix after the NVDB report starts the update task. */
    d = find(&r, "CN-NVDB-UPD");
    assert_int_equal(d->state, VT_DEADLINE_OPEN);
    assert_int_equal(d->due_ms, at("2025-04-07T08:00:00+08:00"));
}

/* 2nd following day inside the National Day holiday: after the holiday. */
static void test_deadline__holiday_extension(void **state)
{
    vt_case_facts f;
    vt_case_event ev[] = {{"E_AWARE", at("2025-09-29T10:00:00+08:00")}};
    vt_case_event ev2[] = {{"E_AWARE", at("2026-02-13T18:00:00+08:00")}};
    const vt_deadline *d;
    run r;

    (void)state;
    vendor_facts(&f);
    compute(&r, "CN_RMSV_2021", &f, ev, 1, "Asia/Shanghai", NULL);
    d = find(&r, "CN-NVDB");
    assert_int_equal(d->due_ms, at("2025-10-01T10:00:00+08:00"));
    /* 1-8 October are holidays; 9 October is the first working day. */
    assert_int_equal(d->legal_latest_ms, at("2025-10-10T00:00:00+08:00"));
    /* Spring Festival 2026: last day 15 Feb, holiday to the 23rd. */
    compute(&r, "CN_RMSV_2021", &f, ev2, 1, "Asia/Shanghai", NULL);
    d = find(&r, "CN-NVDB");
    assert_int_equal(d->legal_latest_ms, at("2026-02-25T00:00:00+08:00"));
}

/* A Sunday made a working day (调休) ends the period; a plain weekend does not. */
static void test_deadline__make_up_working_day(void **state)
{
    vt_case_facts f;
    vt_case_event makeup[] = {{"E_AWARE", at("2025-09-26T09:00:00+08:00")}};
    vt_case_event weekend[] = {{"E_AWARE", at("2025-03-06T09:00:00+08:00")}};
    vt_case_event late_night[] = {{"E_AWARE", at("2025-03-03T23:30:00+08:00")}};
    run r;

    (void)state;
    vendor_facts(&f);
    compute(&r, "CN_RMSV_2021", &f, makeup, 1, "Asia/Shanghai", NULL);
    assert_int_equal(find(&r, "CN-NVDB")->legal_latest_ms, at("2025-09-29T00:00:00+08:00"));
    compute(&r, "CN_RMSV_2021", &f, weekend, 1, "Asia/Shanghai", NULL);
    assert_int_equal(find(&r, "CN-NVDB")->legal_latest_ms, at("2025-03-11T00:00:00+08:00"));
    /* The day is the Beijing day even when UTC is still on the previous one. */
    compute(&r, "CN_RMSV_2021", &f, late_night, 1, "Asia/Shanghai", NULL);
    assert_int_equal(find(&r, "CN-NVDB")->legal_latest_ms, at("2025-03-06T00:00:00+08:00"));
    /* A year the calendar does not list is flagged. */
    late_night[0].at_ms = at("2027-05-03T10:00:00+08:00");
    compute(&r, "CN_RMSV_2021", &f, late_night, 1, "Asia/Shanghai", NULL);
    assert_true(find(&r, "CN-NVDB")->calendar_uncovered);
}

/* An organisation in Berlin across the spring DST change: the legal latest
 * is still Beijing time, the due times show in Berlin time. */
static void test_deadline__time_zone_dst(void **state)
{
    const vt_tz *be = zone("Europe/Berlin");
    vt_case_facts f;
    vt_case_event ev[] = {{"E_AWARE", at("2026-03-28T10:00:00+01:00")}};
    const vt_deadline *d;
    char buf[VT_TIME_TEXT_MAX];
    run r;

    (void)state;
    vendor_facts(&f);
    compute(&r, "CN_RMSV_2021", &f, ev, 1, "Europe/Berlin", NULL);
    d = find(&r, "CN-VERIFY");
    /* 24 h exactly: 10:00 CET becomes 11:00 CEST. */
    assert_int_equal(d->due_ms, at("2026-03-29T09:00:00Z"));
    assert_string_equal(local_text(buf, d->due_ms, be), "2026-03-29T11:00:00+02:00");
    d = find(&r, "CN-NVDB");
    assert_int_equal(d->due_ms, at("2026-03-30T09:00:00Z"));
    assert_string_equal(local_text(buf, d->due_ms, be), "2026-03-30T11:00:00+02:00");
    /* Start 28 Mar 17:00 Beijing; 30 Mar is a Monday: ends 31 Mar 00:00+08. */
    assert_int_equal(d->legal_latest_ms, at("2026-03-31T00:00:00+08:00"));
    assert_string_equal(local_text(buf, d->legal_latest_ms, be), "2026-03-30T18:00:00+02:00");
}

/* BOD 22-01: end of the due date in the tenant's zone. */
static void test_deadline__bod2201_end_of_day(void **state)
{
    const vt_tz *ny = zone("America/New_York");
    vt_case_facts f;
    const vt_deadline *d;
    char buf[VT_TIME_TEXT_MAX];
    run r;

    (void)state;
    vendor_facts(&f);
    f.in_kev = true;
    assert_true(vt_date_parse_day("2026-02-20", &f.kev_added_day));
    f.kev_has_due = true;
    assert_true(vt_date_parse_day("2026-03-08", &f.kev_due_day));
    f.cve_year = 2025;
    compute(&r, "US_BOD_22_01", &f, NULL, 0, "America/New_York", NULL);
    d = find(&r, "BOD2201-REMEDIATE");
    assert_int_equal(d->state, VT_DEADLINE_OPEN);
    assert_true(d->informative);
    assert_int_equal(d->start_ms, at("2026-02-20T00:00:00-05:00"));
    /* 8 March 2026 is the spring-forward day: the end of it is in EDT. */
    assert_int_equal(d->due_ms, at("2026-03-08T23:59:59-04:00"));
    assert_string_equal(local_text(buf, d->due_ms, ny), "2026-03-08T23:59:59-04:00");
    /* Without dueDate: + 14 days for CVEs from 2021 on ... */
    f.kev_has_due = false;
    assert_true(vt_date_parse_day("2025-11-01", &f.kev_added_day));
    compute(&r, "US_BOD_22_01", &f, NULL, 0, "America/New_York", NULL);
    assert_int_equal(find(&r, "BOD2201-REMEDIATE")->due_ms, at("2025-11-15T23:59:59-05:00"));
    /* ... + 6 months (month rule) before 2021. */
    f.cve_year = 2019;
    assert_true(vt_date_parse_day("2025-08-31", &f.kev_added_day));
    compute(&r, "US_BOD_22_01", &f, NULL, 0, "America/New_York", NULL);
    assert_int_equal(find(&r, "BOD2201-REMEDIATE")->due_ms, at("2026-02-28T23:59:59-05:00"));
    /* Binding for a federal agency. */
    f.roles |= VT_PROLE_US_FCEB;
    compute(&r, "US_BOD_22_01", &f, NULL, 0, "America/New_York", NULL);
    assert_false(find(&r, "BOD2201-REMEDIATE")->informative);
    /* KEV entries added from the revocation date on create nothing. */
    assert_true(vt_date_parse_day("2026-06-10", &f.kev_added_day));
    compute(&r, "US_BOD_22_01", &f, NULL, 0, "America/New_York", NULL);
    assert_int_equal(find(&r, "BOD2201-REMEDIATE")->state, VT_DEADLINE_NOT_APPLICABLE);
    /* Not in KEV: not applicable. */
    f.in_kev = false;
    compute(&r, "US_BOD_22_01", &f, NULL, 0, "America/New_York", NULL);
    assert_int_equal(find(&r, "BOD2201-REMEDIATE")->state, VT_DEADLINE_NOT_APPLICABLE);
}

static void cra_facts(vt_case_facts *f)
{
    vendor_facts(f);
    f->roles |= VT_PROLE_EU_MANUFACTURER;
    f->eu_market = true;
}

/* §10.1 test vectors. */
static void test_deadline__cra_vectors(void **state)
{
    vt_case_facts f;
    vt_case_event ev[] = {{"E_EXPLOITED_AWARE", at("2026-10-01T09:00:00Z")},
                          {"E_INCIDENT_AWARE", at("2026-10-28T15:00:00Z")},
                          {"E_CRA_I_N_SUBMITTED", at("2026-10-31T15:00:00Z")},
                          {"E_FIX_AVAILABLE", at("2026-10-20T00:00:00Z")}};
    const vt_deadline *d;
    run r;

    (void)state;
    cra_facts(&f);
    compute(&r, "EU_CRA", &f, ev, 1, "Europe/Berlin", NULL);
    assert_int_equal(find(&r, "CRA-V-EW")->due_ms, at("2026-10-02T09:00:00Z"));
    assert_int_equal(find(&r, "CRA-V-N")->due_ms, at("2026-10-04T09:00:00Z"));
    d = find(&r, "CRA-V-FR");
    assert_int_equal(d->state, VT_DEADLINE_OPEN);
    assert_false(d->has_due);
    assert_string_equal(d->start_event, "E_FIX_AVAILABLE");
    assert_int_equal(find(&r, "CRA-I-EW")->state, VT_DEADLINE_NOT_APPLICABLE);
    assert_int_equal(find(&r, "CRA-USER")->due_ms, at("2026-10-04T09:00:00Z"));

    compute(&r, "EU_CRA", &f, ev, 4, "Europe/Berlin", NULL);
    assert_int_equal(find(&r, "CRA-V-FR")->due_ms, at("2026-11-03T00:00:00Z"));
    assert_int_equal(find(&r, "CRA-I-N")->state, VT_DEADLINE_MET);
    assert_int_equal(find(&r, "CRA-I-FR")->due_ms, at("2026-11-30T15:00:00Z"));
    assert_false(find(&r, "CRA-V-EW")->informative);
}

/* Applicability: the cut-over instant, the market and the role. */
static void test_deadline__cra_applicability(void **state)
{
    vt_case_facts f;
    vt_case_event before[] = {{"E_EXPLOITED_AWARE", at("2026-09-10T20:59:59Z")}};
    vt_case_event from[] = {{"E_EXPLOITED_AWARE", at("2026-09-10T21:00:00Z")}};
    run r;

    (void)state;
    cra_facts(&f);
    compute(&r, "EU_CRA", &f, before, 1, "UTC", NULL);
    assert_int_equal(find(&r, "CRA-V-EW")->state, VT_DEADLINE_NOT_APPLICABLE);
    compute(&r, "EU_CRA", &f, from, 1, "UTC", NULL);
    assert_int_equal(find(&r, "CRA-V-EW")->state, VT_DEADLINE_OPEN);
    assert_int_equal(find(&r, "CRA-V-EW")->due_ms, at("2026-09-11T21:00:00Z"));
    f.eu_market = false;
    compute(&r, "EU_CRA", &f, from, 1, "UTC", NULL);
    assert_int_equal(find(&r, "CRA-V-EW")->state, VT_DEADLINE_NOT_APPLICABLE);
    cra_facts(&f);
    f.roles = VT_PROLE_PROVIDER;
    compute(&r, "EU_CRA", &f, from, 1, "UTC", NULL);
    assert_int_equal(find(&r, "CRA-V-EW")->state, VT_DEADLINE_NOT_APPLICABLE);
}

/* The month rule at month ends (CRA final report: one month). */
static void test_deadline__month_ends(void **state)
{
    static const struct {
        const char *submitted, *due;
    } rows[] = {
        {"2026-10-31T15:00:00Z", "2026-11-30T15:00:00Z"},
        {"2027-01-31T12:00:00Z", "2027-02-28T12:00:00Z"},
        {"2028-01-31T12:00:00Z", "2028-02-29T12:00:00Z"},
        {"2026-12-31T23:59:59Z", "2027-01-31T23:59:59Z"},
        {"2027-03-30T08:00:00Z", "2027-04-30T08:00:00Z"},
        {"2027-02-28T08:00:00Z", "2027-03-28T08:00:00Z"},
    };
    vt_case_facts f;
    vt_case_event ev[2];
    run r;
    size_t i;

    (void)state;
    cra_facts(&f);
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        ev[0].name = "E_INCIDENT_AWARE";
        ev[0].at_ms = at(rows[i].submitted) - 2 * VT_MS_PER_DAY;
        ev[1].name = "E_CRA_I_N_SUBMITTED";
        ev[1].at_ms = at(rows[i].submitted);
        compute(&r, "EU_CRA", &f, ev, 2, "UTC", NULL);
        assert_int_equal(find(&r, "CRA-I-FR")->due_ms, at(rows[i].due));
    }
}

/* Every row of the BOD 26-04 table, as the spec lists it. */
static void test_deadline__bod2604_table(void **state)
{
    static const struct {
        int kev, exposed, automatable, total;
        const char *outcome;
    } rows[] = {
        {1, 1, 1, 1, "3d_forensic"}, {1, 1, 0, 1, "3d_forensic"}, {1, 0, 1, 1, "3d_forensic"},
        {1, 1, 1, 0, "3d"},          {0, 1, 1, 1, "3d"},          {1, 1, 0, 0, "14d"},
        {1, 0, 1, 0, "14d"},         {1, 0, 0, 1, "14d"},         {1, 0, 0, 0, "14d"},
        {0, 1, 1, 0, "14d"},         {0, 1, 0, 1, "14d"},         {0, 1, 0, 0, "60d"},
        {0, 0, 1, 1, "60d"},         {0, 0, 1, 0, "60d"},         {0, 0, 0, 1, "next_upgrade"},
        {0, 0, 0, 0, "next_upgrade"},
    };
    const vt_policy_table *t =
        vt_policy_profile_table(vt_policy_set_get(policies, "US_BOD_26_04"));
    vt_bod_inputs in;
    vt_bod_decision d;
    size_t i;

    (void)state;
    assert_non_null(t);
    assert_string_equal(t->id, "cisa:DT_BOD2604:1.0.0");
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        in.in_kev = rows[i].kev;
        in.exposed = rows[i].exposed ? VT_TRI_YES : VT_TRI_NO;
        in.automatable = rows[i].automatable ? VT_TRI_YES : VT_TRI_NO;
        in.total_impact = rows[i].total ? VT_TRI_YES : VT_TRI_NO;
        vt_deadline_bod2604_decide(t, &in, &d);
        if (strcmp(d.outcome->id, rows[i].outcome) != 0)
            fail_msg("row %zu: %s, want %s", i, d.outcome->id, rows[i].outcome);
        assert_false(d.data_missing);
        assert_false(d.exposure_unknown);
    }
    /* Unknown exposure: both outcomes, the more urgent one first. */
    in.in_kev = false;
    in.exposed = VT_TRI_UNKNOWN;
    in.automatable = VT_TRI_YES;
    in.total_impact = VT_TRI_YES;
    vt_deadline_bod2604_decide(t, &in, &d);
    assert_true(d.exposure_unknown);
    assert_string_equal(d.if_exposed->id, "3d");
    assert_string_equal(d.if_not_exposed->id, "60d");
    assert_string_equal(d.outcome->id, "3d");
    /* Non-KEV without SSVC data: automatable no, impact total. */
    in.exposed = VT_TRI_YES;
    in.automatable = VT_TRI_UNKNOWN;
    in.total_impact = VT_TRI_UNKNOWN;
    vt_deadline_bod2604_decide(t, &in, &d);
    assert_string_equal(d.outcome->id, "14d");
    assert_false(d.data_missing);
    /* KEV without SSVC data: flagged, never defaulted (most urgent case). */
    in.in_kev = true;
    in.exposed = VT_TRI_NO;
    vt_deadline_bod2604_decide(t, &in, &d);
    assert_true(d.data_missing);
    assert_string_equal(d.outcome->id, "3d_forensic");
}

static void test_deadline__bod2604_due(void **state)
{
    vt_case_facts f;
    vt_case_event ev[] = {{"E_AWARE", at("2026-07-01T15:00:00Z")}};
    const vt_deadline *d;
    run r;

    (void)state;
    vendor_facts(&f);
    f.in_kev = true;
    assert_true(vt_date_parse_day("2026-06-30", &f.kev_added_day));
    f.exposed = VT_TRI_YES;
    f.automatable = VT_TRI_NO;
    f.total_impact = VT_TRI_YES;
    compute(&r, "US_BOD_26_04", &f, ev, 1, "America/New_York", NULL);
    d = find(&r, "BOD2604-REMEDIATE");
    /* start = min(dateAdded 00:00 New York, detection). */
    assert_string_equal(d->start_event, "KEV_DATE_ADDED");
    assert_int_equal(d->start_ms, at("2026-06-30T00:00:00-04:00"));
    assert_int_equal(d->due_ms, at("2026-07-03T00:00:00-04:00"));
    assert_string_equal(d->outcome, "3d_forensic");
    assert_true(d->forensic_triage);
    assert_true(d->informative);
    /* Not in KEV, not exposed, not automatable: the next upgrade. */
    f.in_kev = false;
    f.exposed = VT_TRI_NO;
    compute(&r, "US_BOD_26_04", &f, ev, 1, "America/New_York", NULL);
    d = find(&r, "BOD2604-REMEDIATE");
    assert_string_equal(d->start_event, "E_AWARE");
    assert_string_equal(d->outcome, "next_upgrade");
    assert_false(d->has_due);
    f.next_upgrade_ms = at("2026-09-01T02:00:00Z");
    compute(&r, "US_BOD_26_04", &f, ev, 1, "America/New_York", NULL);
    assert_int_equal(find(&r, "BOD2604-REMEDIATE")->due_ms, f.next_upgrade_ms);
    /* Unknown exposure: due by the more urgent outcome, the other shown. */
    f.exposed = VT_TRI_UNKNOWN;
    f.automatable = VT_TRI_YES;
    compute(&r, "US_BOD_26_04", &f, ev, 1, "America/New_York", NULL);
    d = find(&r, "BOD2604-REMEDIATE");
    assert_string_equal(d->outcome, "3d");
    assert_string_equal(d->outcome_alt, "60d");
    assert_int_equal(d->due_ms, at("2026-07-04T15:00:00Z"));
}

static void test_deadline__operator_and_upstream(void **state)
{
    vt_case_facts f;
    vt_case_event ev[] = {{"E_AWARE", at("2025-06-10T10:00:00+08:00")},
                          {"E_VERIFIED", at("2025-06-10T20:00:00+08:00")}};
    run r;

    (void)state;
    vendor_facts(&f);
    f.roles = VT_PROLE_OPERATOR;
    f.scope = VT_SCOPE_OPERATOR_SYSTEM;
    compute(&r, "CN_RMSV_2021", &f, ev, 2, "Asia/Shanghai", NULL);
    assert_int_equal(find(&r, "CN-OPFIX")->due_ms, at("2025-06-20T10:00:00+08:00"));
    assert_int_equal(find(&r, "CN-NVDB")->state, VT_DEADLINE_NOT_APPLICABLE);
    assert_int_equal(find(&r, "CN-VERIFY")->state, VT_DEADLINE_MET);
    compute(&r, "CN_DRAFT_2019", &f, ev, 2, "Asia/Shanghai", NULL);
    assert_int_equal(find(&r, "D19-MEASURES-SERVICE")->due_ms, at("2025-06-20T10:00:00+08:00"));
    assert_int_equal(find(&r, "D19-MEASURES-PRODUCT")->state, VT_DEADLINE_NOT_APPLICABLE);

    vendor_facts(&f);
    f.upstream = true;
    compute(&r, "CN_RMSV_2021", &f, ev, 2, "Asia/Shanghai", NULL);
    assert_string_equal(find(&r, "CN-UPSTREAM")->start_event, "E_VERIFIED");
    assert_int_equal(find(&r, "CN-UPSTREAM")->due_ms, at("2025-06-11T20:00:00+08:00"));
    f.upstream_known = true;
    compute(&r, "CN_RMSV_2021", &f, ev, 2, "Asia/Shanghai", NULL);
    assert_string_equal(find(&r, "CN-UPSTREAM")->start_event, "E_AWARE");
    assert_int_equal(find(&r, "CN-UPSTREAM")->due_ms, at("2025-06-11T10:00:00+08:00"));
}

/* A rejected case owes only the intake log and the verification; an
 * internal finding (no E_RECEIVED) owes no intake-log entry. */
static void test_deadline__rejected_and_internal(void **state)
{
    vt_case_facts f;
    vt_case_event ev[] = {{"E_AWARE", at("2025-06-10T10:00:00+08:00")},
                          {"E_VERIFIED", at("2025-06-10T20:00:00+08:00")}};
    size_t i;
    run r;

    (void)state;
    vendor_facts(&f);
    compute(&r, "CN_RMSV_2021", &f, ev, 2, "Asia/Shanghai", NULL);
    assert_int_equal(find(&r, "CN-LOG")->state, VT_DEADLINE_NOT_APPLICABLE);
    assert_int_equal(find(&r, "CN-NVDB")->state, VT_DEADLINE_OPEN);
    f.rejected = true;
    compute(&r, "CN_RMSV_2021", &f, ev, 2, "Asia/Shanghai", NULL);
    for (i = 0; i < r.n; i++) {
        if (strcmp(r.d[i].def->id, "CN-VERIFY") == 0)
            assert_int_equal(r.d[i].state, VT_DEADLINE_MET);
        else
            assert_int_equal(r.d[i].state, VT_DEADLINE_NOT_APPLICABLE);
    }
    assert_string_equal(find(&r, "CN-NVDB")->reason, "the case was rejected");
}

/* An organisation's overrides change policy values only. */
static void test_deadline__overrides(void **state)
{
    static const char text[] =
        "{\"CN_RMSV_2021\": {\"CN-VERIFY\": {\"hours\": 12},"
        " \"CN-NVDB\": {\"hours\": 96, \"start_event\": \"E_VERIFIED\"},"
        " \"CN-PATCH\": {\"start_event\": \"E_PUBLISHED\"}}}";
    cJSON *ov = cJSON_Parse(text);
    vt_case_facts f;
    vt_case_event ev[] = {{"E_AWARE", at("2025-06-10T10:00:00+08:00")},
                          {"E_VERIFIED", at("2025-06-10T20:00:00+08:00")}};
    run r;

    (void)state;
    assert_non_null(ov);
    vendor_facts(&f);
    compute(&r, "CN_RMSV_2021", &f, ev, 2, "Asia/Shanghai", ov);
    assert_int_equal(find(&r, "CN-VERIFY")->due_ms, at("2025-06-10T22:00:00+08:00"));
    /* CN-NVDB's 48 h is law (A1 target): the amount stays; its start is a choice. */
    assert_string_equal(find(&r, "CN-NVDB")->start_event, "E_VERIFIED");
    assert_int_equal(find(&r, "CN-NVDB")->due_ms, at("2025-06-12T20:00:00+08:00"));
    /* E_PUBLISHED is not a listed choice: ignored. */
    assert_string_equal(find(&r, "CN-PATCH")->start_event, "E_AWARE");
    cJSON_Delete(ov);
}

static void test_deadline__policy_loader_errors(void **state)
{
    static const struct {
        const char *text, *field;
    } bad[] = {
        {"{\"profile\":\"X\",\"title\":\"t\",\"basis\":\"LAW\",\"obligations\":[{\"id\":\"A\","
         "\"title\":{\"en\":\"a\"},\"basis\":{\"kind\":\"LAW\",\"article\":\"1\"},"
         "\"start\":{\"event\":\"E_NOPE\"},\"due\":{\"hours\":1}}]}",
         "/obligations/0/start/event"},
        {"{\"profile\":\"X\",\"title\":\"t\",\"basis\":\"LAW\",\"obligations\":[{\"id\":\"A\","
         "\"title\":{\"en\":\"a\"},\"basis\":{\"kind\":\"LAW\",\"article\":\"1\"},"
         "\"start\":{\"event\":\"E_AWARE\"},\"due\":{\"hours\":1,\"days\":2}}]}",
         "/obligations/0/due"},
        {"{\"profile\":\"X\",\"title\":\"t\",\"basis\":\"LAW\",\"obligations\":[{\"id\":\"A\","
         "\"title\":{\"en\":\"a\"},\"basis\":{\"kind\":\"LAW\",\"article\":\"1\"},"
         "\"start\":{\"event\":\"E_AWARE\"},\"due\":{\"hours\":1},\"whom\":1}]}",
         "/obligations/0/whom"},
        {"{\"profile\":\"X\",\"title\":\"t\",\"basis\":\"LAWS\",\"obligations\":[]}", "/basis"},
    };
    vt_error err = VT_ERROR_INIT;
    vt_policy_set *ps = vt_policy_set_new();
    size_t i;

    (void)state;
    assert_non_null(ps);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vt_error_clear(&err);
        assert_int_equal(vt_policy_set_parse(ps, bad[i].text, strlen(bad[i].text), "x.json", &err),
                         VT_EINVALID);
        assert_string_equal(err.field, bad[i].field);
        assert_non_null(strstr(err.msg, "x.json: "));
        assert_non_null(strstr(err.msg, bad[i].field));
    }
    assert_int_equal(vt_policy_set_count(ps), 0);
    vt_policy_set_free(ps);
}

static void test_deadline__calendar_loader_errors(void **state)
{
    static const struct {
        const char *text, *field;
    } bad[] = {
        {"{\"calendar\":\"CN\",\"time_zone\":\"Asia/Shanghai\",\"weekend\":[6,0],\"source\":\"s\","
         "\"holidays\":[{\"date\":\"2025-10-01\",\"name\":\"a\"},{\"date\":\"2025-02-30\",\"name\":\"b\"}]}",
         "/holidays/1/date"},
        {"{\"calendar\":\"CN\",\"time_zone\":\"../etc/passwd\",\"weekend\":[6,0],\"source\":\"s\"}",
         "/time_zone"},
        {"{\"calendar\":\"CN\",\"time_zone\":\"UTC\",\"weekend\":[7],\"source\":\"s\"}", "/weekend/0"},
        {"{\"calendar\":\"CN\",\"time_zone\":\"UTC\",\"weekend\":[6],\"source\":\"s\","
         "\"working_days\":[{\"from\":\"2025-10-02\",\"to\":\"2025-10-01\",\"name\":\"x\"}]}",
         "/working_days/0/to"},
    };
    vt_error err = VT_ERROR_INIT;
    vt_calendar *c = NULL;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vt_error_clear(&err);
        assert_int_equal(vt_calendar_parse(&c, bad[i].text, strlen(bad[i].text), "CN.json", &err),
                         VT_EINVALID);
        assert_null(c);
        assert_string_equal(err.field, bad[i].field);
        assert_non_null(strstr(err.msg, "CN.json: "));
    }
}

static void test_deadline__cn_calendar_days(void **state)
{
    const vt_calendar *cn = vt_calendar_set_get(calendars, "CN");
    static const struct {
        const char *date;
        bool rest;
    } rows[] = {
        {"2025-01-01", true},  {"2025-01-26", false}, {"2025-01-28", true},
        {"2025-02-04", true},  {"2025-02-08", false}, {"2025-04-27", false},
        {"2025-05-05", true},  {"2025-09-28", false}, {"2025-10-08", true},
        {"2025-10-09", false}, {"2025-10-11", false}, {"2025-10-12", true},
        {"2026-01-04", false}, {"2026-02-14", false}, {"2026-02-23", true},
        {"2026-02-28", false}, {"2026-05-09", false}, {"2026-06-19", true},
        {"2026-09-20", false}, {"2026-09-25", true},  {"2026-10-07", true},
        {"2026-10-08", false}, {"2026-10-10", false}, {"2026-10-11", true},
    };
    int64_t day, next;
    size_t i;

    (void)state;
    assert_non_null(cn);
    assert_string_equal(vt_calendar_time_zone(cn), "Asia/Shanghai");
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        assert_true(vt_date_parse_day(rows[i].date, &day));
        if (vt_calendar_is_rest_day(cn, day) != rows[i].rest)
            fail_msg("%s: want %s", rows[i].date, rows[i].rest ? "rest" : "working");
    }
    assert_true(vt_date_parse_day("2025-10-01", &day));
    assert_true(vt_date_parse_day("2025-10-09", &next));
    assert_int_equal(vt_calendar_next_working_day(cn, day), next);
    assert_true(vt_calendar_covers(cn, day));
}

/* Allocation N fails, N = 0, 1, ...: each parser refuses (cJSON reports a
 * failed allocation as bad syntax) and leaks nothing, until it succeeds. */
static void test_deadline__allocation_failures(void **state)
{
    static const char *const files[] = {"data/policy/US_BOD_26_04.json",
                                        "data/policy/CN_RMSV_2021.json",
                                        "data/calendars/CN.json"};
    vt_buf raw = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    size_t f;
    long n;
    int rc;

    (void)state;
    for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        char path[4096];

        snprintf(path, sizeof(path), "%s/%s", getenv("VT_SOURCE_DIR"), files[f]);
        assert_int_equal(vt_buf_read_file(&raw, path, &err), 0);
        for (n = 0;; n++) {
            vt_policy_set *ps = vt_policy_set_new();
            vt_calendar *cal = NULL;

            assert_non_null(ps);
            vt_alloc_fail_after(n);
            if (f < 2)
                rc = vt_policy_set_parse(ps, raw.ptr, raw.len, files[f], &err);
            else
                rc = vt_calendar_parse(&cal, raw.ptr, raw.len, files[f], &err);
            vt_alloc_fail_after(-1);
            vt_policy_set_free(ps);
            vt_calendar_free(cal);
            if (rc == 0)
                break;
            assert_true(rc == VT_ENOMEM || rc == VT_EINVALID);
            assert_true(err.msg[0] != '\0');
            assert_true(n < 100000); /* the parser must succeed once allocations do */
        }
        assert_true(n > 0);
    }
    vt_buf_dispose(&raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline__nvdb_vector),
        cmocka_unit_test(test_deadline__met_by_event),
        cmocka_unit_test(test_deadline__holiday_extension),
        cmocka_unit_test(test_deadline__make_up_working_day),
        cmocka_unit_test(test_deadline__time_zone_dst),
        cmocka_unit_test(test_deadline__bod2201_end_of_day),
        cmocka_unit_test(test_deadline__cra_vectors),
        cmocka_unit_test(test_deadline__cra_applicability),
        cmocka_unit_test(test_deadline__month_ends),
        cmocka_unit_test(test_deadline__bod2604_table),
        cmocka_unit_test(test_deadline__bod2604_due),
        cmocka_unit_test(test_deadline__operator_and_upstream),
        cmocka_unit_test(test_deadline__rejected_and_internal),
        cmocka_unit_test(test_deadline__overrides),
        cmocka_unit_test(test_deadline__policy_loader_errors),
        cmocka_unit_test(test_deadline__calendar_loader_errors),
        cmocka_unit_test(test_deadline__cn_calendar_days),
        cmocka_unit_test(test_deadline__allocation_failures),
    };

    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
