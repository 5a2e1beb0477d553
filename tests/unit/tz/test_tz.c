/*
 * test_tz.c - time zones from the system's TZif files: fixed offsets,
 * daylight saving changes from the transition table and, for dates after
 * the last listed transition, from the footer rule; local-to-UTC for
 * ambiguous and skipped times; names that must be refused; hostile data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/clock.h"
#include "vulntrack/osv.h"
#include "vulntrack/tz.h"

static int64_t at(const char *rfc3339)
{
    int64_t ms = 0;

    assert_int_equal(vt_time_parse_rfc3339(&ms, rfc3339, strlen(rfc3339)), 0);
    return ms;
}

static const vt_tz *zone(const char *name)
{
    const vt_tz *tz = NULL;
    vt_error err = VT_ERROR_INIT;

    if (vt_tz_load(&tz, name, &err) != 0)
        fail_msg("loading %s: %s", name, err.msg);
    assert_non_null(tz);
    assert_string_equal(vt_tz_name(tz), name);
    return tz;
}

/* Local wall-clock time y-m-d h:mi as milliseconds since local 1970-01-01. */
static int64_t local(int64_t y, unsigned m, unsigned d, int h, int mi)
{
    return vt_days_from_civil(y, m, d) * VT_MS_PER_DAY + (int64_t)h * VT_MS_PER_HOUR +
           (int64_t)mi * 60000;
}

static void test_tz__shanghai_is_plus_eight(void **state)
{
    const vt_tz *tz = zone("Asia/Shanghai");

    (void)state;
    assert_int_equal(vt_tz_offset_at(tz, at("2025-03-03T02:00:00Z")), 8 * 3600);
    assert_int_equal(vt_tz_offset_at(tz, at("2025-07-01T00:00:00Z")), 8 * 3600);
    assert_int_equal(vt_tz_offset_at(tz, at("2090-07-01T00:00:00Z")), 8 * 3600);
    /* China observed daylight saving time in 1986-1991. */
    assert_int_equal(vt_tz_offset_at(tz, at("1988-07-01T00:00:00Z")), 9 * 3600);
    assert_int_equal(vt_tz_local_to_utc(tz, local(2025, 3, 6, 0, 0)), at("2025-03-05T16:00:00Z"));
    assert_int_equal(vt_tz_local_day(tz, at("2025-03-05T16:00:00Z")),
                     vt_days_from_civil(2025, 3, 6));
    assert_int_equal(vt_tz_local_day(tz, at("2025-03-05T15:59:59Z")),
                     vt_days_from_civil(2025, 3, 5));
}

static void test_tz__utc(void **state)
{
    const vt_tz *tz = zone("UTC");

    (void)state;
    assert_int_equal(vt_tz_offset_at(tz, at("2026-06-01T12:00:00Z")), 0);
    assert_int_equal(vt_tz_offset_at(tz, at("1960-06-01T12:00:00Z")), 0);
    assert_int_equal(vt_tz_local_to_utc(tz, local(2026, 6, 1, 12, 0)), at("2026-06-01T12:00:00Z"));
}

static void test_tz__berlin_dst_changes(void **state)
{
    const vt_tz *tz = zone("Europe/Berlin");

    (void)state;
    /* 2026: CEST from 30 March 01:00Z (last Sunday of March, 29th) ... */
    assert_int_equal(vt_tz_offset_at(tz, at("2026-03-29T00:59:59Z")), 3600);
    assert_int_equal(vt_tz_offset_at(tz, at("2026-03-29T01:00:00Z")), 7200);
    /* ... to the last Sunday of October (25th) 01:00Z. */
    assert_int_equal(vt_tz_offset_at(tz, at("2026-10-25T00:59:59Z")), 7200);
    assert_int_equal(vt_tz_offset_at(tz, at("2026-10-25T01:00:00Z")), 3600);
}

static void test_tz__new_york_dst_changes(void **state)
{
    const vt_tz *tz = zone("America/New_York");

    (void)state;
    /* 2026: second Sunday of March (8th) 2:00 EST = 07:00Z. */
    assert_int_equal(vt_tz_offset_at(tz, at("2026-03-08T06:59:59Z")), -5 * 3600);
    assert_int_equal(vt_tz_offset_at(tz, at("2026-03-08T07:00:00Z")), -4 * 3600);
    /* First Sunday of November (1st) 2:00 EDT = 06:00Z. */
    assert_int_equal(vt_tz_offset_at(tz, at("2026-11-01T05:59:59Z")), -4 * 3600);
    assert_int_equal(vt_tz_offset_at(tz, at("2026-11-01T06:00:00Z")), -5 * 3600);
}

/* Far beyond the transitions a slim file lists: only the footer knows. */
static void test_tz__far_future_uses_footer(void **state)
{
    const vt_tz *ny = zone("America/New_York");
    const vt_tz *be = zone("Europe/Berlin");

    (void)state;
    /* 2100: March 14 and November 7 are the second/first Sundays. */
    assert_int_equal(vt_tz_offset_at(ny, at("2100-03-14T06:59:59Z")), -5 * 3600);
    assert_int_equal(vt_tz_offset_at(ny, at("2100-03-14T07:00:00Z")), -4 * 3600);
    assert_int_equal(vt_tz_offset_at(ny, at("2100-07-04T12:00:00Z")), -4 * 3600);
    assert_int_equal(vt_tz_offset_at(ny, at("2100-11-07T05:59:59Z")), -4 * 3600);
    assert_int_equal(vt_tz_offset_at(ny, at("2100-11-07T06:00:00Z")), -5 * 3600);
    assert_int_equal(vt_tz_offset_at(ny, at("2100-12-25T12:00:00Z")), -5 * 3600);
    /* Berlin 2300: last Sunday of March is the 25th. */
    assert_int_equal(vt_tz_offset_at(be, at("2300-03-25T00:59:59Z")), 3600);
    assert_int_equal(vt_tz_offset_at(be, at("2300-03-25T01:00:00Z")), 7200);
    assert_int_equal(vt_tz_offset_at(be, at("2300-01-15T00:00:00Z")), 3600);
}

static void test_tz__southern_hemisphere_footer(void **state)
{
    const vt_tz *tz = zone("Australia/Sydney");

    (void)state;
    /* AEST-10AEDT,M10.1.0,M4.1.0/3: daylight time across the new year. */
    assert_int_equal(vt_tz_offset_at(tz, at("2200-01-15T00:00:00Z")), 11 * 3600);
    assert_int_equal(vt_tz_offset_at(tz, at("2200-07-15T00:00:00Z")), 10 * 3600);
    assert_int_equal(vt_tz_offset_at(tz, at("2200-12-31T23:00:00Z")), 11 * 3600);
}

static void test_tz__local_to_utc_overlap_and_gap(void **state)
{
    const vt_tz *tz = zone("Europe/Berlin");

    (void)state;
    /* 2026-10-25 02:30 happens twice: the earlier is 00:30Z (CEST). */
    assert_int_equal(vt_tz_local_to_utc(tz, local(2026, 10, 25, 2, 30)),
                     at("2026-10-25T00:30:00Z"));
    /* 2026-03-29 02:30 does not exist: shifted forward to 03:30 CEST. */
    assert_int_equal(vt_tz_local_to_utc(tz, local(2026, 3, 29, 2, 30)),
                     at("2026-03-29T01:30:00Z"));
    assert_int_equal(vt_tz_local_to_utc(tz, local(2026, 3, 29, 3, 0)), at("2026-03-29T01:00:00Z"));
    assert_int_equal(vt_tz_local_to_utc(tz, local(2026, 7, 1, 23, 59)),
                     at("2026-07-01T21:59:00Z"));
    /* Far future through the footer. */
    assert_int_equal(vt_tz_local_to_utc(tz, local(2300, 7, 1, 12, 0)), at("2300-07-01T10:00:00Z"));
}

static void test_tz__bad_names_refused(void **state)
{
    static const char *const bad[] = {
        "",     "../etc/passwd", "/etc/localtime", "Europe/../../x", "Europe//Berlin",
        "Asia/Shanghai/", "Europe/Berlin;rm", "Europe/Berl in", "Europe/Berlin\n", ".",
        "a\\b", "Europe/Berlin.bak",
    };
    const vt_tz *tz;
    vt_error err = VT_ERROR_INIT;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tz = (const vt_tz *)&err;
        assert_false(vt_tz_name_valid(bad[i]));
        assert_int_equal(vt_tz_load(&tz, bad[i], &err), VT_EINVALID);
        assert_null(tz);
    }
    assert_false(vt_tz_name_valid(NULL));
    assert_true(vt_tz_name_valid("Etc/GMT+8"));
    assert_true(vt_tz_name_valid("America/Port-au-Prince"));
    assert_int_equal(vt_tz_load(&tz, "Nowhere/Atlantis", &err), VT_ENOTFOUND);
}

static void test_tz__cache_returns_same_zone(void **state)
{
    (void)state;
    assert_ptr_equal(zone("Asia/Shanghai"), zone("Asia/Shanghai"));
}

static void test_tz__hostile_data_refused(void **state)
{
    vt_buf raw = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    vt_tz *tz = NULL;
    const char *dir = getenv("TZDIR");
    char path[512];
    size_t cut;

    (void)state;
    snprintf(path, sizeof(path), "%s/Europe/Berlin", dir && *dir ? dir : "/usr/share/zoneinfo");
    assert_int_equal(vt_buf_read_file(&raw, path, &err), 0);
    assert_int_equal(vt_tz_parse(&tz, "x", (const unsigned char *)raw.ptr, raw.len, &err), 0);
    vt_tz_free(tz);
    /* Every truncation is refused, none crashes. */
    for (cut = 0; cut < raw.len; cut++) {
        tz = NULL;
        assert_int_equal(vt_tz_parse(&tz, "x", (const unsigned char *)raw.ptr, cut, &err),
                         VT_EINVALID);
        assert_null(tz);
    }
    /* A bad version byte. */
    raw.ptr[4] = 'x';
    assert_int_equal(vt_tz_parse(&tz, "x", (const unsigned char *)raw.ptr, raw.len, &err),
                     VT_EINVALID);
    vt_buf_dispose(&raw);
}

static void test_tz__allocation_failures(void **state)
{
    vt_buf raw = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    vt_tz *tz = NULL;
    long n;
    int rc;

    (void)state;
    assert_int_equal(vt_buf_read_file(&raw, "/usr/share/zoneinfo/America/New_York", &err), 0);
    for (n = 0;; n++) {
        vt_alloc_fail_after(n);
        rc = vt_tz_parse(&tz, "x", (const unsigned char *)raw.ptr, raw.len, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0)
            break;
        assert_int_equal(rc, VT_ENOMEM);
        assert_null(tz);
    }
    assert_true(n > 0);
    vt_tz_free(tz);
    vt_buf_dispose(&raw);
}

static int teardown_all(void **state)
{
    (void)state;
    vt_tz_cache_clear();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tz__shanghai_is_plus_eight),
        cmocka_unit_test(test_tz__utc),
        cmocka_unit_test(test_tz__berlin_dst_changes),
        cmocka_unit_test(test_tz__new_york_dst_changes),
        cmocka_unit_test(test_tz__far_future_uses_footer),
        cmocka_unit_test(test_tz__southern_hemisphere_footer),
        cmocka_unit_test(test_tz__local_to_utc_overlap_and_gap),
        cmocka_unit_test(test_tz__bad_names_refused),
        cmocka_unit_test(test_tz__cache_returns_same_zone),
        cmocka_unit_test(test_tz__hostile_data_refused),
        cmocka_unit_test(test_tz__allocation_failures),
    };

    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
