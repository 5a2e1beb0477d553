/*
 * osv_time.c - RFC 3339 timestamps as OSV records write them, to milliseconds
 * since the Unix epoch (UTC).
 */
#include "vulntrack/osv.h"
#include "vulntrack/strparse.h"

/* Days in a 400-year Gregorian cycle; the calendar repeats after it. */
#define DAYS_PER_400Y 146097
/* Days from 0001-01-01 to 1970-01-01 in the proleptic Gregorian calendar. */
#define DAYS_0001_TO_EPOCH 719162

static bool is_leap(uint64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(uint64_t y, uint64_t m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30,
                                           31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29u : days[m - 1];
}

/*
 * Days from 1970-01-01 to y-m-d. The year is moved up by one 400-year cycle
 * first, so that year 0000 (which RFC 3339 allows) still counts whole years
 * before it with plain unsigned division; the cycle is taken off at the end.
 */
static int64_t days_from_civil(uint64_t y, uint64_t m, uint64_t d)
{
    static const unsigned short before_month[12] = {0,   31,  59,  90,  120, 151,
                                                    181, 212, 243, 273, 304, 334};
    uint64_t yy = y + 400, prev = yy - 1;
    uint64_t days = 365 * prev + prev / 4 - prev / 100 + prev / 400;

    days += before_month[m - 1] + (m > 2 && is_leap(y) ? 1 : 0) + (d - 1);
    return (int64_t)days - DAYS_PER_400Y - DAYS_0001_TO_EPOCH;
}

/* Exactly `n` digits at s[*pos], advancing *pos; false if they are not there. */
static bool take_digits(uint64_t *out, const char *s, size_t len, size_t *pos, size_t n)
{
    size_t i;

    if (len - *pos < n)
        return false;
    for (i = 0; i < n; i++)
        if (!vt_is_digit((unsigned char)s[*pos + i]))
            return false;
    if (vt_parse_u64(out, s + *pos, n) != 0)
        return false;
    *pos += n;
    return true;
}

static bool take_char(const char *s, size_t len, size_t *pos, char c1, char c2)
{
    if (*pos >= len || (s[*pos] != c1 && s[*pos] != c2))
        return false;
    (*pos)++;
    return true;
}

/*
 * The grammar is RFC 3339 section 5.6 `date-time`: full-date "T" full-time,
 * with 'T' and 'Z' in either case as the RFC allows. A fraction of any length
 * is accepted and truncated to milliseconds. Second 60 (a leap second) is
 * accepted and counts as the first second of the next minute, which is what
 * a clock without leap seconds shows.
 */
int vt_time_parse_rfc3339(int64_t *out_ms, const char *s, size_t len)
{
    uint64_t year, mon, day, hour, min, sec, oh = 0, om = 0, frac_ms = 0;
    size_t pos = 0, ndigits = 0;
    int64_t ms, offset_min = 0;
    int sign = 0;

    *out_ms = 0;
    if (!s)
        return VT_EINVALID;
    if (!take_digits(&year, s, len, &pos, 4) || !take_char(s, len, &pos, '-', '-') ||
        !take_digits(&mon, s, len, &pos, 2) || !take_char(s, len, &pos, '-', '-') ||
        !take_digits(&day, s, len, &pos, 2) || !take_char(s, len, &pos, 'T', 't') ||
        !take_digits(&hour, s, len, &pos, 2) || !take_char(s, len, &pos, ':', ':') ||
        !take_digits(&min, s, len, &pos, 2) || !take_char(s, len, &pos, ':', ':') ||
        !take_digits(&sec, s, len, &pos, 2))
        return VT_EINVALID;
    if (mon < 1 || mon > 12 || day < 1 || day > month_days(year, mon) || hour > 23 ||
        min > 59 || sec > 60)
        return VT_EINVALID;
    if (pos < len && s[pos] == '.') {
        pos++;
        while (pos < len && vt_is_digit((unsigned char)s[pos])) {
            if (ndigits < 3)
                frac_ms = frac_ms * 10 + (uint64_t)(s[pos] - '0');
            ndigits++;
            pos++;
        }
        if (ndigits == 0)
            return VT_EINVALID;
        for (; ndigits < 3; ndigits++)
            frac_ms *= 10;
    }
    if (take_char(s, len, &pos, 'Z', 'z')) {
        sign = 0;
    } else if (pos < len && (s[pos] == '+' || s[pos] == '-')) {
        sign = s[pos] == '-' ? -1 : 1;
        pos++;
        if (!take_digits(&oh, s, len, &pos, 2) || !take_char(s, len, &pos, ':', ':') ||
            !take_digits(&om, s, len, &pos, 2) || oh > 23 || om > 59)
            return VT_EINVALID;
        offset_min = sign * (int64_t)(oh * 60 + om);
    } else {
        return VT_EINVALID;
    }
    if (pos != len)
        return VT_EINVALID;
    ms = days_from_civil(year, mon, day) * 86400 +
         (int64_t)(hour * 3600 + min * 60 + sec) - offset_min * 60;
    *out_ms = ms * 1000 + (int64_t)frac_ms;
    return 0;
}
