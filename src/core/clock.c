/*
 * clock.c - the service's clock (pinnable for tests) and civil date
 * arithmetic. The day-number conversions use the well-known era-based
 * algorithm for the proleptic Gregorian calendar, so they are exact for any
 * date a vulnerability record can carry.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vulntrack/clock.h"
#include "vulntrack/osv.h"

/* Pinned time, or -1 for the real clock. Atomic: request threads read it. */
static _Atomic int64_t pinned_ms = -1;

int64_t vt_clock_now_ms(void)
{
    struct timespec ts;
    int64_t pinned = atomic_load(&pinned_ms);

    if (pinned >= 0)
        return pinned;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void vt_clock_set(int64_t ms)
{
    atomic_store(&pinned_ms, ms < 0 ? -1 : ms);
}

int vt_clock_init_from_env(vt_error *err)
{
    const char *s = getenv("VULNTRACK_FAKE_NOW");
    int64_t ms;

    if (!s || !*s)
        return 0;
    if (vt_time_parse_rfc3339(&ms, s, strlen(s)) != 0 || ms < 0)
        return vt_error_set(err, VT_EINVALID, 0,
                            "VULNTRACK_FAKE_NOW '%s' is not an RFC 3339 time after 1970", s);
    vt_clock_set(ms);
    return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t vt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void vt_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    unsigned dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned mm = (unsigned)(mp < 10 ? mp + 3 : mp - 9);

    *y = yoe + era * 400 + (mm <= 2);
    *m = mm;
    *d = dd;
}

unsigned vt_days_in_month(int64_t y, unsigned m)
{
    static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (m < 1 || m > 12)
        return 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

unsigned vt_weekday_from_days(int64_t days)
{
    /* 1970-01-01 was a Thursday (4). */
    int64_t w = (days + 4) % 7;

    return (unsigned)(w < 0 ? w + 7 : w);
}

int64_t vt_add_months_days(int64_t days, int months)
{
    int64_t y, total;
    unsigned m, d, last;

    vt_civil_from_days(days, &y, &m, &d);
    total = y * 12 + (int64_t)(m - 1) + months;
    y = floor_div(total, 12);
    m = (unsigned)(total - y * 12) + 1;
    last = vt_days_in_month(y, m);
    return vt_days_from_civil(y, m, d > last ? last : d);
}

int64_t vt_add_months_ms(int64_t ms, int months)
{
    int64_t days = floor_div(ms, VT_MS_PER_DAY);
    int64_t in_day = ms - days * VT_MS_PER_DAY;

    return vt_add_months_days(days, months) * VT_MS_PER_DAY + in_day;
}

static char *format_fields(char out[VT_TIME_TEXT_MAX], int64_t ms, int32_t offset_s, bool millis)
{
    int64_t local = ms + (int64_t)offset_s * 1000;
    int64_t days = floor_div(local, VT_MS_PER_DAY);
    int64_t in_day = local - days * VT_MS_PER_DAY;
    int64_t y;
    unsigned m, d;
    int sec = (int)(in_day / 1000);
    char zone[16];

    vt_civil_from_days(days, &y, &m, &d);
    if (offset_s == 0 && millis) {
        strcpy(zone, "Z");
    } else {
        int32_t a = offset_s < 0 ? -offset_s : offset_s;
        snprintf(zone, sizeof(zone), "%c%02d:%02d", offset_s < 0 ? '-' : '+',
                 (int)(a / 3600 % 100), (int)(a % 3600 / 60));
    }
    if (millis)
        snprintf(out, VT_TIME_TEXT_MAX, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, m,
                 d, sec / 3600, sec % 3600 / 60, sec % 60, (int)(in_day % 1000));
    else
        snprintf(out, VT_TIME_TEXT_MAX, "%04lld-%02u-%02uT%02d:%02d:%02d%s", (long long)y, m, d,
                 sec / 3600, sec % 3600 / 60, sec % 60, zone);
    return out;
}

char *vt_time_format_utc(char out[VT_TIME_TEXT_MAX], int64_t ms)
{
    return format_fields(out, ms, 0, true);
}

char *vt_time_format_offset(char out[VT_TIME_TEXT_MAX], int64_t ms, int32_t offset_s)
{
    return format_fields(out, ms, offset_s, false);
}
