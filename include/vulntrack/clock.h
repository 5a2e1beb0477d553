/*
 * clock.h - wall-clock time as the service sees it, and civil (proleptic
 * Gregorian) date arithmetic. Every timestamp vulntrack stores is UTC in
 * milliseconds since the Unix epoch; time zones are applied only when a time
 * is shown or a calendar rule needs a local date (see tz.h).
 */
#ifndef VULNTRACK_CLOCK_H
#define VULNTRACK_CLOCK_H

#include "common.h"

#define VT_MS_PER_SECOND INT64_C(1000)
#define VT_MS_PER_HOUR (INT64_C(3600) * VT_MS_PER_SECOND)
#define VT_MS_PER_DAY (INT64_C(24) * VT_MS_PER_HOUR)

/**
 * Now, in UTC milliseconds. Tests and the deadline sweeper's tests may pin
 * the clock with vt_clock_set (process-wide); by default it is the real
 * CLOCK_REALTIME.
 */
VT_EXTERN int64_t vt_clock_now_ms(void);

/**
 * Pin the clock at `ms` (it then stays there), or with `ms` < 0 go back to
 * the real clock. Also read once at start-up from $VULNTRACK_FAKE_NOW (an
 * RFC 3339 time) by vt_clock_init_from_env, for end-to-end deadline tests.
 */
VT_EXTERN void vt_clock_set(int64_t ms);

/**
 * Pin the clock from $VULNTRACK_FAKE_NOW when it is set. Returns 0, or
 * VT_EINVALID (err says why) when the variable is not an RFC 3339 time.
 */
VT_EXTERN int vt_clock_init_from_env(vt_error *err);

/** Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31). */
VT_EXTERN int64_t vt_days_from_civil(int64_t y, unsigned m, unsigned d);

/** The civil date of day number `days` since 1970-01-01. */
VT_EXTERN void vt_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/** Number of days in month m (1..12) of year y. */
VT_EXTERN unsigned vt_days_in_month(int64_t y, unsigned m);

/** Day of the week of day number `days`: 0 Sunday .. 6 Saturday. */
VT_EXTERN unsigned vt_weekday_from_days(int64_t days);

/**
 * Add `months` (may be negative) to y-m-d with the rule of PRC Civil Code
 * art. 202 that the spec uses for every "month": the same day number in the
 * target month, or its last day when that day does not exist
 * (31 Jan + 1 month = 28/29 Feb). Returns the day number.
 */
VT_EXTERN int64_t vt_add_months_days(int64_t days, int months);

/**
 * Add `months` to the UTC instant `ms` with the month rule, keeping the time
 * of day (in UTC; callers that need a local day apply the offset first).
 */
VT_EXTERN int64_t vt_add_months_ms(int64_t ms, int months);

#define VT_TIME_TEXT_MAX 64

/**
 * Format `ms` as RFC 3339 UTC with milliseconds ("2026-11-21T08:30:00.125Z")
 * into `out`. Returns `out`.
 */
VT_EXTERN char *vt_time_format_utc(char out[VT_TIME_TEXT_MAX], int64_t ms);

/**
 * Format `ms` as RFC 3339 local time at UTC offset `offset_s` seconds, with
 * seconds only ("2026-11-21T16:30:00+08:00"). Returns `out`.
 */
VT_EXTERN char *vt_time_format_offset(char out[VT_TIME_TEXT_MAX], int64_t ms, int32_t offset_s);

#endif
