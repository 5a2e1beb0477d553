/*
 * calendar.c - holiday calendar files and the rest-day rule.
 *
 * Holidays and make-up working days are kept as sorted day numbers, so a
 * question is a binary search. The file is strict: unknown keys, a date
 * that is both a holiday and a working day, or a zone name that is not a
 * zone name are refused, because a silently ignored line in this file moves
 * a legal deadline.
 */
#include "vulntrack/calendar.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "data_dir.h"
#include "vulntrack/alloc.h"
#include "vulntrack/clock.h"
#include "vulntrack/tz.h"

#define CAL_MAX_DAYS 20000  /* listed dates per file */
#define CAL_ID_MAX 32

struct vt_calendar {
    char id[CAL_ID_MAX];
    char zone[VT_TZ_NAME_MAX];
    bool weekend[7];
    int64_t *holidays; /* sorted, unique */
    size_t nholidays;
    int64_t *working;  /* sorted, unique */
    size_t nworking;
    int64_t min_year, max_year;
};

struct vt_calendar_set {
    vt_calendar **items;
    size_t n, cap;
};

bool vt_date_parse_day(const char *s, int64_t *day)
{
    int v[8];
    int i, y, m, d;

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    for (i = 0; i < 4; i++)
        v[i] = s[i] - '0';
    y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || (unsigned)d > vt_days_in_month(y, (unsigned)m))
        return false;
    *day = vt_days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

void vt_calendar_free(vt_calendar *c)
{
    if (!c)
        return;
    vt_free(c->holidays);
    vt_free(c->working);
    vt_free(c);
}

const char *vt_calendar_id(const vt_calendar *c)
{
    return c->id;
}

const char *vt_calendar_time_zone(const vt_calendar *c)
{
    return c->zone;
}

static bool day_listed(const int64_t *days, size_t n, int64_t day)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (days[mid] == day)
            return true;
        if (days[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool vt_calendar_is_rest_day(const vt_calendar *c, int64_t day)
{
    if (day_listed(c->holidays, c->nholidays, day))
        return true;
    return c->weekend[vt_weekday_from_days(day)] && !day_listed(c->working, c->nworking, day);
}

int64_t vt_calendar_next_working_day(const vt_calendar *c, int64_t day)
{
    int guard;

    /* A file cannot make every day a rest day for long: at most its listed
     * holidays in a row plus a weekend; the guard only stops a runaway. */
    for (guard = 0; guard < CAL_MAX_DAYS + 8 && vt_calendar_is_rest_day(c, day); guard++)
        day++;
    return day;
}

bool vt_calendar_covers(const vt_calendar *c, int64_t day)
{
    int64_t y;
    unsigned m, d;

    vt_civil_from_days(day, &y, &m, &d);
    return c->min_year <= y && y <= c->max_year;
}

static int day_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Read one "holidays" or "working_days" array into a sorted array of days. */
static int read_days(vt_calendar *c, const cJSON *arr, const char *key, const char *file,
                     int64_t **out, size_t *nout, vt_error *err)
{
    const cJSON *item;
    char ptr[96];
    int64_t *days = NULL, *grown, from, to, dd;
    size_t n = 0, cap = 0, idx = 0, i, k;
    int error = 0;

    *out = NULL;
    *nout = 0;
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr)) {
        vt__data_pointer(ptr, sizeof(ptr), "/%s", key);
        return vt__data_fail(err, file, ptr, "must be an array");
    }
    cJSON_ArrayForEach(item, arr)
    {
        const cJSON *date = cJSON_GetObjectItemCaseSensitive(item, "date");
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(item, "from");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(item, "to");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
        const cJSON *member;

        vt__data_pointer(ptr, sizeof(ptr), "/%s/%zu", key, idx);
        if (!cJSON_IsObject(item)) {
            error = vt__data_fail(err, file, ptr, "must be an object");
            goto out;
        }
        cJSON_ArrayForEach(member, item)
        {
            if (strcmp(member->string, "date") && strcmp(member->string, "from") &&
                strcmp(member->string, "to") && strcmp(member->string, "name")) {
                vt__data_pointer(ptr, sizeof(ptr), "/%s/%zu/%s", key, idx, member->string);
                error = vt__data_fail(err, file, ptr, "unknown key");
                goto out;
            }
        }
        if (!cJSON_IsString(name) || !name->valuestring[0]) {
            vt__data_pointer(ptr, sizeof(ptr), "/%s/%zu/name", key, idx);
            error = vt__data_fail(err, file, ptr, "a non-empty name is required");
            goto out;
        }
        if (date && !f && !t) {
            vt__data_pointer(ptr, sizeof(ptr), "/%s/%zu/date", key, idx);
            if (!cJSON_IsString(date) || !vt_date_parse_day(date->valuestring, &from)) {
                error = vt__data_fail(err, file, ptr, "not a date (YYYY-MM-DD)");
                goto out;
            }
            to = from;
        } else if (!date && f && t) {
            vt__data_pointer(ptr, sizeof(ptr), "/%s/%zu/from", key, idx);
            if (!cJSON_IsString(f) || !vt_date_parse_day(f->valuestring, &from)) {
                error = vt__data_fail(err, file, ptr, "not a date (YYYY-MM-DD)");
                goto out;
            }
            vt__data_pointer(ptr, sizeof(ptr), "/%s/%zu/to", key, idx);
            if (!cJSON_IsString(t) || !vt_date_parse_day(t->valuestring, &to) || to < from ||
                to - from > 366) {
                error = vt__data_fail(err, file, ptr,
                                      "not a date (YYYY-MM-DD) on or within a year after 'from'");
                goto out;
            }
        } else {
            error = vt__data_fail(err, file, ptr, "needs either 'date' or both 'from' and 'to'");
            goto out;
        }
        for (dd = from; dd <= to; dd++) {
            int64_t y;
            unsigned mm, md;

            if (n == cap) {
                if (cap >= CAL_MAX_DAYS) {
                    error = vt__data_fail(err, file, ptr, "more than %d dates", CAL_MAX_DAYS);
                    goto out;
                }
                cap = cap ? cap * 2 : 64;
                grown = vt_realloc(days, cap * sizeof(*days));
                if (!grown) {
                    error = vt_error_set(err, VT_ENOMEM, 0, "%s: out of memory", file);
                    goto out;
                }
                days = grown;
            }
            days[n++] = dd;
            vt_civil_from_days(dd, &y, &mm, &md);
            if (y < c->min_year)
                c->min_year = y;
            if (y > c->max_year)
                c->max_year = y;
        }
        idx++;
    }
    if (n > 1)
        qsort(days, n, sizeof(*days), day_cmp);
    /* Drop repeats (overlapping ranges are harmless). */
    for (i = 0, k = 0; i < n; i++) {
        if (k == 0 || days[k - 1] != days[i])
            days[k++] = days[i];
    }
    *out = days;
    *nout = k;
    days = NULL;
out:
    vt_free(days);
    return error;
}

int vt_calendar_parse(vt_calendar **out, const char *text, size_t len, const char *file,
                      vt_error *err)
{
    static const char *const keys[] = {"calendar", "time_zone", "weekend", "holidays",
                                       "working_days", "source", "updated", "note"};
    cJSON *doc = NULL;
    const cJSON *id, *zone, *weekend, *src, *w;
    vt_calendar *c = NULL;
    char ptr[64];
    size_t i, idx;
    int error;

    *out = NULL;
    if (!file)
        file = "(calendar)";
    error = vt__data_parse(&doc, text, len, file, err);
    if (error < 0)
        goto out;
    if (!cJSON_IsObject(doc)) {
        error = vt__data_fail(err, file, "", "a calendar is a JSON object");
        goto out;
    }
    error = vt__data_check_keys(err, file, doc, "", keys, sizeof(keys) / sizeof(keys[0]));
    if (error < 0)
        goto out;
    c = vt_calloc(1, sizeof(*c));
    if (!c) {
        error = vt_error_set(err, VT_ENOMEM, 0, "%s: out of memory", file);
        goto out;
    }
    c->min_year = INT64_MAX;
    c->max_year = INT64_MIN;
    id = cJSON_GetObjectItemCaseSensitive(doc, "calendar");
    if (!cJSON_IsString(id) || !id->valuestring[0] || strlen(id->valuestring) >= CAL_ID_MAX) {
        error = vt__data_fail(err, file, "/calendar", "an id of 1..%d characters is required",
                              CAL_ID_MAX - 1);
        goto out;
    }
    for (i = 0; id->valuestring[i]; i++) {
        char ch = id->valuestring[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
            error = vt__data_fail(err, file, "/calendar", "use A-Z, 0-9, '_' and '-'");
            goto out;
        }
    }
    memcpy(c->id, id->valuestring, strlen(id->valuestring) + 1);
    zone = cJSON_GetObjectItemCaseSensitive(doc, "time_zone");
    if (!cJSON_IsString(zone) || !vt_tz_name_valid(zone->valuestring)) {
        error = vt__data_fail(err, file, "/time_zone", "an IANA time zone name is required");
        goto out;
    }
    memcpy(c->zone, zone->valuestring, strlen(zone->valuestring) + 1);
    weekend = cJSON_GetObjectItemCaseSensitive(doc, "weekend");
    if (!cJSON_IsArray(weekend)) {
        error = vt__data_fail(err, file, "/weekend", "an array of weekdays (0 Sunday .. 6) is required");
        goto out;
    }
    idx = 0;
    cJSON_ArrayForEach(w, weekend)
    {
        vt__data_pointer(ptr, sizeof(ptr), "/weekend/%zu", idx);
        if (!cJSON_IsNumber(w) || w->valuedouble < 0 || w->valuedouble > 6 ||
            w->valuedouble != (double)(int)w->valuedouble) {
            error = vt__data_fail(err, file, ptr, "a weekday is 0 (Sunday) .. 6 (Saturday)");
            goto out;
        }
        c->weekend[(int)w->valuedouble] = true;
        idx++;
    }
    src = cJSON_GetObjectItemCaseSensitive(doc, "source");
    if (!cJSON_IsString(src) || !src->valuestring[0]) {
        error = vt__data_fail(err, file, "/source", "say where the dates come from");
        goto out;
    }
    error = read_days(c, cJSON_GetObjectItemCaseSensitive(doc, "holidays"), "holidays", file,
                      &c->holidays, &c->nholidays, err);
    if (error < 0)
        goto out;
    error = read_days(c, cJSON_GetObjectItemCaseSensitive(doc, "working_days"), "working_days",
                      file, &c->working, &c->nworking, err);
    if (error < 0)
        goto out;
    for (i = 0; i < c->nworking; i++) {
        if (day_listed(c->holidays, c->nholidays, c->working[i])) {
            int64_t y;
            unsigned m, d;
            vt_civil_from_days(c->working[i], &y, &m, &d);
            error = vt__data_fail(err, file, "/working_days",
                                  "%04lld-%02u-%02u is also listed as a holiday", (long long)y, m,
                                  d);
            goto out;
        }
    }
    *out = c;
    c = NULL;
out:
    vt_calendar_free(c);
    cJSON_Delete(doc);
    return error;
}

vt_calendar_set *vt_calendar_set_new(void)
{
    return vt_calloc(1, sizeof(vt_calendar_set));
}

void vt_calendar_set_free(vt_calendar_set *cs)
{
    size_t i;

    if (!cs)
        return;
    for (i = 0; i < cs->n; i++)
        vt_calendar_free(cs->items[i]);
    vt_free(cs->items);
    vt_free(cs);
}

const vt_calendar *vt_calendar_set_get(const vt_calendar_set *cs, const char *id)
{
    size_t i;

    if (!cs || !id)
        return NULL;
    for (i = 0; i < cs->n; i++) {
        if (strcmp(cs->items[i]->id, id) == 0)
            return cs->items[i];
    }
    return NULL;
}

int vt_calendar_set_add_take(vt_calendar_set *cs, vt_calendar *c, vt_error *err)
{
    vt_calendar **grown;

    if (vt_calendar_set_get(cs, c->id)) {
        vt_error_set(err, VT_EINVALID, 0, "calendar '%s' is defined twice", c->id);
        vt_calendar_free(c);
        return VT_EINVALID;
    }
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 4;
        grown = vt_realloc(cs->items, cap * sizeof(*grown));
        if (!grown) {
            vt_calendar_free(c);
            return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        }
        cs->items = grown;
        cs->cap = cap;
    }
    cs->items[cs->n++] = c;
    return 0;
}

static int load_one(void *ctx, const char *path, const char *text, size_t len, vt_error *err)
{
    vt_calendar *c = NULL;
    int error = vt_calendar_parse(&c, text, len, path, err);

    if (error < 0)
        return error;
    error = vt_calendar_set_add_take(ctx, c, err);
    if (error == VT_EINVALID)
        vt_error_set(err, VT_EINVALID, 0, "%s: /calendar: calendar id defined twice", path);
    return error;
}

int vt_calendar_set_load_dir(const char *dir, vt_calendar_set **out, vt_error *err)
{
    vt_calendar_set *cs = vt_calendar_set_new();
    int error;

    *out = NULL;
    if (!cs)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    error = vt__data_dir_each(dir, VT_CALENDAR_MAX_BYTES, load_one, cs, err);
    if (error < 0) {
        vt_calendar_set_free(cs);
        return error;
    }
    *out = cs;
    return 0;
}
