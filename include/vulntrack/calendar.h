/*
 * calendar.h - holiday calendars: which local days are rest days.
 *
 * Only the Civil-Code "legal latest" view of a deadline uses them (a period
 * whose last day is a rest day ends on the next working day). A calendar
 * is a JSON file an administrator maintains, e.g. data/calendars/CN.json:
 *
 *   {"calendar": "CN", "time_zone": "Asia/Shanghai", "weekend": [6, 0],
 *    "holidays": [{"date": "2025-01-01", "name": "..."},
 *                 {"from": "2025-10-01", "to": "2025-10-08", "name": "..."}],
 *    "working_days": [{"date": "2025-09-28", "name": "..."}],
 *    "source": "..."}
 *
 * A rest day is a listed holiday, or a weekend day (0 Sunday .. 6 Saturday)
 * that is not a listed make-up working day. Loaded calendars are immutable
 * and may be read from several threads.
 */
#ifndef VULNTRACK_CALENDAR_H
#define VULNTRACK_CALENDAR_H

#include "common.h"

typedef struct vt_calendar vt_calendar;
typedef struct vt_calendar_set vt_calendar_set;

/* Largest calendar file read, bytes. */
#define VT_CALENDAR_MAX_BYTES (1024 * 1024)

/**
 * Parse "YYYY-MM-DD" (exactly 10 characters, a real date) into a day
 * number (days since 1970-01-01). Returns true on success.
 */
VT_EXTERN bool vt_date_parse_day(const char *s, int64_t *day);

/**
 * Parse a calendar from text[0..len). `file` (borrowed) names the source in
 * error messages. On success *out is a new calendar the caller frees with
 * vt_calendar_free. Returns 0, VT_EINVALID (err->msg "FILE: POINTER: what",
 * err->field the JSON pointer) or VT_ENOMEM.
 */
VT_EXTERN int vt_calendar_parse(vt_calendar **out, const char *text, size_t len,
                                const char *file, vt_error *err);

/** Free a calendar; accepts NULL. */
VT_EXTERN void vt_calendar_free(vt_calendar *c);

/** The calendar's id ("CN"); valid as long as the calendar. */
VT_EXTERN const char *vt_calendar_id(const vt_calendar *c);

/** The zone its days are counted in ("Asia/Shanghai"); valid as long as the calendar. */
VT_EXTERN const char *vt_calendar_time_zone(const vt_calendar *c);

/** Is local day `day` (days since 1970-01-01) a rest day? */
VT_EXTERN bool vt_calendar_is_rest_day(const vt_calendar *c, int64_t day);

/** The first working day on or after `day`. */
VT_EXTERN int64_t vt_calendar_next_working_day(const vt_calendar *c, int64_t day);

/**
 * Does the calendar list the holidays of the year of `day` (some holiday
 * or make-up day falls in that year)? A legal-latest date in a year the
 * file does not cover is only as good as the weekend rule.
 */
VT_EXTERN bool vt_calendar_covers(const vt_calendar *c, int64_t day);

/**
 * Load every "*.json" file of `dir` as a calendar. On success *out is a new
 * set the caller frees with vt_calendar_set_free. Returns 0, VT_EIO (the
 * directory cannot be read), VT_EINVALID (a bad file: err names it and the
 * JSON pointer; also a duplicate id) or VT_ENOMEM.
 */
VT_EXTERN int vt_calendar_set_load_dir(const char *dir, vt_calendar_set **out, vt_error *err);

/** A new empty set (for tests and tools). Returns NULL when out of memory. */
VT_EXTERN vt_calendar_set *vt_calendar_set_new(void);

/**
 * Add `c` to the set, taking it on every path (freed on failure). Returns
 * 0, VT_EINVALID (an id already in the set) or VT_ENOMEM.
 */
VT_EXTERN int vt_calendar_set_add_take(vt_calendar_set *cs, vt_calendar *c, vt_error *err);

/** Free a set and its calendars; accepts NULL. */
VT_EXTERN void vt_calendar_set_free(vt_calendar_set *cs);

/** The calendar `id` of the set, or NULL; valid as long as the set. */
VT_EXTERN const vt_calendar *vt_calendar_set_get(const vt_calendar_set *cs, const char *id);

#endif
