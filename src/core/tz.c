/*
 * tz.c - TZif reader (RFC 8536), POSIX TZ footer rules and the zone cache.
 *
 * The reader keeps only what offsets need: the transition instants, the
 * type of each, the UT offset of each type, and the footer rule. Leap
 * second records are skipped (vulntrack times are POSIX times). Every count
 * is checked against the bytes present before anything is read, so a
 * truncated or hostile file is refused, never over-read.
 */
#include "vulntrack/tz.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/clock.h"
#include "vulntrack/strparse.h"

/* Limits well above any real zone (the fattest has a few hundred transitions). */
#define TZ_MAX_TRANSITIONS 8192
#define TZ_MAX_TYPES 256
#define TZ_MAX_CHARS 1024
#define TZ_MAX_LEAPS 1024
#define TZ_MAX_FILE (256 * 1024) /* bytes */
#define TZ_MAX_OFFSET (26 * 3600) /* seconds; RFC 8536 allows -25:59:59..+25:59:59 */

/* One end of a daylight saving period in a POSIX TZ rule. */
typedef struct tz_date {
    char kind;      /* 'M' (Mm.w.d), 'J' (Jn, 1..365, no Feb 29) or 'N' (n, 0..365) */
    int m, w, d, n;
    int32_t time;   /* seconds after local midnight, may be negative or > 24 h */
} tz_date;

typedef struct tz_rule {
    bool present;
    bool has_dst;
    int32_t std_off; /* seconds east */
    int32_t dst_off;
    tz_date start, end;
} tz_rule;

struct vt_tz {
    char name[VT_TZ_NAME_MAX];
    size_t ntrans;
    int64_t *trans;   /* seconds, strictly ascending */
    uint8_t *idx;     /* type of each transition */
    size_t ntypes;
    int32_t *utoff;   /* seconds east, per type */
    tz_rule rule;     /* footer: after the last transition */
    struct vt_tz *next; /* cache list */
};

bool vt_tz_name_valid(const char *name)
{
    size_t i, len;

    if (!name)
        return false;
    len = strlen(name);
    if (len == 0 || len >= VT_TZ_NAME_MAX || name[0] == '/' || name[len - 1] == '/')
        return false;
    if (strstr(name, "..") || strstr(name, "//"))
        return false;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!(vt_is_alnum(c) || c == '_' || c == '+' || c == '/' || c == '-'))
            return false;
    }
    return true;
}

const char *vt_tz_name(const vt_tz *tz)
{
    return tz->name;
}

void vt_tz_free(vt_tz *tz)
{
    if (!tz)
        return;
    vt_free(tz->trans);
    vt_free(tz->idx);
    vt_free(tz->utoff);
    vt_free(tz);
}

/* ---------------------------------------------------------------------- */
/* POSIX TZ strings (the TZif footer)                                      */

typedef struct cursor {
    const char *s;
    size_t len, pos;
} cursor;

static bool cur_peek(const cursor *c, char ch)
{
    return c->pos < c->len && c->s[c->pos] == ch;
}

/* A zone abbreviation: 3+ letters, or <...> of [A-Za-z0-9+-]. Only skipped. */
static bool rule_name(cursor *c)
{
    size_t start = c->pos;

    if (cur_peek(c, '<')) {
        c->pos++;
        while (c->pos < c->len && c->s[c->pos] != '>') {
            unsigned char ch = (unsigned char)c->s[c->pos];
            if (!(vt_is_alnum(ch) || ch == '+' || ch == '-'))
                return false;
            c->pos++;
        }
        if (!cur_peek(c, '>') || c->pos - start < 4)
            return false;
        c->pos++;
        return true;
    }
    while (c->pos < c->len && vt_is_alpha((unsigned char)c->s[c->pos]))
        c->pos++;
    return c->pos - start >= 3;
}

/* Up to `max` digits as a number; false when there is none. */
static bool rule_num(cursor *c, int max_digits, int *out)
{
    int v = 0, n = 0;

    while (n < max_digits && c->pos < c->len && vt_is_digit((unsigned char)c->s[c->pos])) {
        v = v * 10 + (c->s[c->pos] - '0');
        c->pos++;
        n++;
    }
    *out = v;
    return n > 0;
}

/* [+-]hh[:mm[:ss]] in seconds; `max_hours` 24 for offsets, 167 for rule times. */
static bool rule_hms(cursor *c, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;

    if (cur_peek(c, '+')) {
        c->pos++;
    } else if (cur_peek(c, '-')) {
        sign = -1;
        c->pos++;
    }
    if (!rule_num(c, 3, &h) || h > max_hours)
        return false;
    if (cur_peek(c, ':')) {
        c->pos++;
        if (!rule_num(c, 2, &m) || m > 59)
            return false;
        if (cur_peek(c, ':')) {
            c->pos++;
            if (!rule_num(c, 2, &s) || s > 59)
                return false;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return true;
}

static bool rule_date(cursor *c, tz_date *d)
{
    memset(d, 0, sizeof(*d));
    d->time = 2 * 3600; /* POSIX default: 02:00 */
    if (cur_peek(c, 'M')) {
        c->pos++;
        d->kind = 'M';
        if (!rule_num(c, 2, &d->m) || d->m < 1 || d->m > 12 || !cur_peek(c, '.'))
            return false;
        c->pos++;
        if (!rule_num(c, 1, &d->w) || d->w < 1 || d->w > 5 || !cur_peek(c, '.'))
            return false;
        c->pos++;
        if (!rule_num(c, 1, &d->d) || d->d > 6)
            return false;
    } else if (cur_peek(c, 'J')) {
        c->pos++;
        d->kind = 'J';
        if (!rule_num(c, 3, &d->n) || d->n < 1 || d->n > 365)
            return false;
    } else {
        d->kind = 'N';
        if (!rule_num(c, 3, &d->n) || d->n > 365)
            return false;
    }
    if (cur_peek(c, '/')) {
        c->pos++;
        if (!rule_hms(c, 167, &d->time))
            return false;
    }
    return true;
}

/*
 * Parse "STDoff[DST[off][,start[/time],end[/time]]]". POSIX offsets count
 * west of Greenwich, so they are negated here. An empty string (allowed by
 * RFC 8536: no rule) leaves `r->present` false.
 */
static bool rule_parse(tz_rule *r, const char *s, size_t len)
{
    cursor c = {s, len, 0};
    int32_t off;

    memset(r, 0, sizeof(*r));
    if (len == 0)
        return true;
    if (!rule_name(&c) || !rule_hms(&c, 24, &off))
        return false;
    r->std_off = -off;
    r->dst_off = r->std_off;
    if (c.pos < c.len) {
        if (!rule_name(&c))
            return false;
        r->has_dst = true;
        r->dst_off = r->std_off + 3600;
        if (c.pos < c.len && !cur_peek(&c, ',')) {
            if (!rule_hms(&c, 24, &off))
                return false;
            r->dst_off = -off;
        }
        if (cur_peek(&c, ',')) {
            c.pos++;
            if (!rule_date(&c, &r->start) || !cur_peek(&c, ','))
                return false;
            c.pos++;
            if (!rule_date(&c, &r->end))
                return false;
        } else {
            /* No dates: POSIX leaves it to the implementation; use the
             * current US rule, as the reference code does. */
            r->start = (tz_date){'M', 3, 2, 0, 0, 2 * 3600};
            r->end = (tz_date){'M', 11, 1, 0, 0, 2 * 3600};
        }
    }
    if (c.pos != c.len)
        return false;
    r->present = true;
    return true;
}

/* Day number of rule date `d` in year `y`. */
static int64_t rule_day(const tz_date *d, int64_t y)
{
    bool leap = vt_days_in_month(y, 2) == 29;
    int64_t first, day;
    unsigned wd;

    switch (d->kind) {
    case 'J':
        /* Jn counts 1..365 and never Feb 29. */
        day = vt_days_from_civil(y, 1, 1) + d->n - 1;
        if (leap && d->n >= 60)
            day++;
        return day;
    case 'N':
        return vt_days_from_civil(y, 1, 1) + d->n;
    default:
        first = vt_days_from_civil(y, (unsigned)d->m, 1);
        wd = vt_weekday_from_days(first);
        day = first + ((d->d - (int)wd + 7) % 7) + (int64_t)(d->w - 1) * 7;
        while (day >= first + vt_days_in_month(y, (unsigned)d->m))
            day -= 7;
        return day;
    }
}

static int64_t floor_div64(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Offset the footer rule gives at UTC second `t`. */
static int32_t rule_offset(const tz_rule *r, int64_t t)
{
    int64_t y, start, end;
    unsigned m, d;

    if (!r->has_dst)
        return r->std_off;
    vt_civil_from_days(floor_div64(t + r->std_off, 86400), &y, &m, &d);
    /* Daylight time starts at a standard-time wall clock and ends at a
     * daylight-time one. */
    start = rule_day(&r->start, y) * 86400 + r->start.time - r->std_off;
    end = rule_day(&r->end, y) * 86400 + r->end.time - r->dst_off;
    if (start < end)
        return (t >= start && t < end) ? r->dst_off : r->std_off;
    /* Southern hemisphere: daylight time spans the new year. */
    return (t >= end && t < start) ? r->std_off : r->dst_off;
}

/* ---------------------------------------------------------------------- */
/* TZif                                                                    */

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int64_t be64(const unsigned char *p)
{
    uint64_t v = ((uint64_t)be32(p) << 32) | be32(p + 4);

    return (int64_t)v;
}

typedef struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

/* Header at data[pos]; the counts and the size of the data block that follows. */
static int tzif_header(const unsigned char *data, size_t len, size_t pos, size_t tsize,
                       tzif_counts *k, size_t *block, int *version, vt_error *err)
{
    const unsigned char *h = data + pos;
    uint64_t need;

    if (len - pos < 44 || memcmp(h, "TZif", 4) != 0)
        return vt_error_set(err, VT_EINVALID, pos, "not a TZif file (no 'TZif' header)");
    if (h[4] != 0 && (h[4] < '2' || h[4] > '9'))
        return vt_error_set(err, VT_EINVALID, pos + 4, "unknown TZif version byte 0x%02x", h[4]);
    *version = h[4] == 0 ? 1 : h[4] - '0';
    k->isut = be32(h + 20);
    k->isstd = be32(h + 24);
    k->leap = be32(h + 28);
    k->time = be32(h + 32);
    k->type = be32(h + 36);
    k->chars = be32(h + 40);
    if (k->type == 0 || k->type > TZ_MAX_TYPES || k->time > TZ_MAX_TRANSITIONS ||
        k->chars == 0 || k->chars > TZ_MAX_CHARS || k->leap > TZ_MAX_LEAPS ||
        (k->isut != 0 && k->isut != k->type) || (k->isstd != 0 && k->isstd != k->type))
        return vt_error_set(err, VT_EINVALID, pos + 20, "TZif counts out of range");
    need = (uint64_t)k->time * (tsize + 1) + (uint64_t)k->type * 6 + k->chars +
           (uint64_t)k->leap * (tsize + 4) + k->isstd + k->isut;
    if (need > len - pos - 44)
        return vt_error_set(err, VT_EINVALID, pos, "TZif data truncated");
    *block = (size_t)need;
    return 0;
}

/* Read the data block at data[pos] (times of `tsize` bytes) into tz. */
static int tzif_block(vt_tz *tz, const unsigned char *data, size_t pos, size_t tsize,
                      const tzif_counts *k, vt_error *err)
{
    const unsigned char *p = data + pos;
    size_t i;

    tz->ntrans = k->time;
    tz->ntypes = k->type;
    tz->trans = vt_calloc(k->time ? k->time : 1, sizeof(*tz->trans));
    tz->idx = vt_calloc(k->time ? k->time : 1, 1);
    tz->utoff = vt_calloc(k->type, sizeof(*tz->utoff));
    if (!tz->trans || !tz->idx || !tz->utoff)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory reading a time zone");
    for (i = 0; i < k->time; i++) {
        tz->trans[i] = tsize == 8 ? be64(p + i * 8) : (int64_t)(int32_t)be32(p + i * 4);
        if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
            return vt_error_set(err, VT_EINVALID, pos + i * tsize,
                                "TZif transitions not in ascending order");
    }
    p += (size_t)k->time * tsize;
    for (i = 0; i < k->time; i++) {
        tz->idx[i] = p[i];
        if (p[i] >= k->type)
            return vt_error_set(err, VT_EINVALID, (size_t)(p - data) + i,
                                "TZif transition type out of range");
    }
    p += k->time;
    for (i = 0; i < k->type; i++) {
        int32_t off = (int32_t)be32(p + i * 6);
        if (off <= -TZ_MAX_OFFSET || off >= TZ_MAX_OFFSET)
            return vt_error_set(err, VT_EINVALID, (size_t)(p - data) + i * 6,
                                "TZif UT offset out of range");
        if (p[i * 6 + 5] >= k->chars)
            return vt_error_set(err, VT_EINVALID, (size_t)(p - data) + i * 6 + 5,
                                "TZif abbreviation index out of range");
        tz->utoff[i] = off;
    }
    return 0;
}

int vt_tz_parse(vt_tz **out, const char *name, const unsigned char *data, size_t len,
                vt_error *err)
{
    vt_tz *tz = NULL;
    tzif_counts k;
    size_t block, pos, nl;
    int version, error;

    *out = NULL;
    if (!name || strlen(name) >= VT_TZ_NAME_MAX)
        return vt_error_set(err, VT_EINVALID, 0, "time zone name too long");
    error = tzif_header(data, len, 0, 4, &k, &block, &version, err);
    if (error < 0)
        return error;
    tz = vt_calloc(1, sizeof(*tz));
    if (!tz)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory reading a time zone");
    memcpy(tz->name, name, strlen(name) + 1);
    pos = 44;
    if (version >= 2) {
        /* Skip the 32-bit block; the 64-bit one after it is authoritative. */
        pos += block;
        error = tzif_header(data, len, pos, 8, &k, &block, &version, err);
        if (error < 0)
            goto out;
        pos += 44;
        error = tzif_block(tz, data, pos, 8, &k, err);
        if (error < 0)
            goto out;
        pos += block;
        /* Footer: "\n" TZ string "\n". */
        if (pos >= len || data[pos] != '\n') {
            error = vt_error_set(err, VT_EINVALID, pos, "TZif footer missing");
            goto out;
        }
        pos++;
        for (nl = pos; nl < len && data[nl] != '\n'; nl++)
            ;
        if (nl >= len || !rule_parse(&tz->rule, (const char *)data + pos, nl - pos)) {
            error = vt_error_set(err, VT_EINVALID, pos, "TZif footer is not a TZ rule I can read");
            goto out;
        }
    } else {
        error = tzif_block(tz, data, pos, 4, &k, err);
        if (error < 0)
            goto out;
    }
    *out = tz;
    tz = NULL;
out:
    vt_tz_free(tz);
    return error;
}

/* Offset before the first transition: the first standard-time type (RFC
 * 8536 says type 0 for version 2+, and that is what readers use). */
static int32_t initial_offset(const vt_tz *tz)
{
    return tz->utoff[0];
}

int32_t vt_tz_offset_at(const vt_tz *tz, int64_t utc_ms)
{
    int64_t t = floor_div64(utc_ms, 1000);
    size_t lo = 0, hi = tz->ntrans;

    if (tz->ntrans == 0)
        return tz->rule.present ? rule_offset(&tz->rule, t) : initial_offset(tz);
    if (t < tz->trans[0])
        return initial_offset(tz);
    if (t >= tz->trans[tz->ntrans - 1] && tz->rule.present)
        return rule_offset(&tz->rule, t);
    /* Last transition at or before t. */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->utoff[tz->idx[lo]];
}

int64_t vt_tz_local_to_utc(const vt_tz *tz, int64_t local_ms)
{
    /* Zones change their offset at most once within a day around any
     * instant, so the offsets a day before and a day after are the only
     * candidates. */
    int32_t before = vt_tz_offset_at(tz, local_ms - VT_MS_PER_DAY);
    int32_t after = vt_tz_offset_at(tz, local_ms + VT_MS_PER_DAY);
    int64_t ub = local_ms - (int64_t)before * 1000;
    int64_t ua = local_ms - (int64_t)after * 1000;
    bool okb = vt_tz_offset_at(tz, ub) == before;
    bool oka = vt_tz_offset_at(tz, ua) == after;

    if (okb && oka)
        return ub < ua ? ub : ua;
    if (okb)
        return ub;
    if (oka)
        return ua;
    /* A gap: read with the offset before the change. */
    return ub;
}

int64_t vt_tz_local_day(const vt_tz *tz, int64_t utc_ms)
{
    return floor_div64(utc_ms + (int64_t)vt_tz_offset_at(tz, utc_ms) * 1000, VT_MS_PER_DAY);
}

int64_t vt_tz_day_start_utc(const vt_tz *tz, int64_t day)
{
    return vt_tz_local_to_utc(tz, day * VT_MS_PER_DAY);
}

/* ---------------------------------------------------------------------- */
/* The cache                                                               */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static vt_tz *cache_head;

/* The built-in UTC zone, for systems without tzdata. */
static int tz_builtin_utc(vt_tz **out, const char *name, vt_error *err)
{
    vt_tz *tz = vt_calloc(1, sizeof(*tz));

    *out = NULL;
    if (!tz)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory reading a time zone");
    tz->utoff = vt_calloc(1, sizeof(*tz->utoff));
    if (!tz->utoff) {
        vt_free(tz);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory reading a time zone");
    }
    tz->ntypes = 1;
    memcpy(tz->name, name, strlen(name) + 1);
    *out = tz;
    return 0;
}

static int tz_read(vt_tz **out, const char *name, vt_error *err)
{
    const char *dir = getenv("TZDIR");
    vt_buf path = VT_BUF_INIT, raw;
    vt_error ioerr = VT_ERROR_INIT;
    int error;

    *out = NULL;
    vt_buf_init(&raw, TZ_MAX_FILE);
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    error = vt_buf_printf(&path, "%s/%s", dir, name);
    if (error < 0)
        goto out;
    error = vt_buf_read_file(&raw, path.ptr, &ioerr);
    if (error == VT_EIO) {
        if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
            error = tz_builtin_utc(out, name, err);
            goto out;
        }
        error = vt_error_set(err, VT_ENOTFOUND, 0, "unknown time zone '%s'", name);
        goto out;
    }
    if (error < 0) {
        error = vt_error_set(err, error == VT_ETOOBIG ? VT_EINVALID : error, 0,
                             "time zone '%s': %s", name, ioerr.msg);
        goto out;
    }
    error = vt_tz_parse(out, name, (const unsigned char *)raw.ptr, raw.len, &ioerr);
    if (error < 0)
        vt_error_set(err, error, ioerr.offset, "time zone '%s': %s", name, ioerr.msg);
out:
    vt_buf_dispose(&path);
    vt_buf_dispose(&raw);
    return error;
}

int vt_tz_load(const vt_tz **out, const char *name, vt_error *err)
{
    vt_tz *tz, *fresh = NULL;
    int error = 0;

    *out = NULL;
    if (!vt_tz_name_valid(name))
        return vt_error_set(err, VT_EINVALID, 0, "'%s' is not a time zone name",
                            name ? name : "(null)");
    pthread_mutex_lock(&cache_lock);
    for (tz = cache_head; tz; tz = tz->next) {
        if (strcmp(tz->name, name) == 0)
            break;
    }
    if (!tz) {
        /* Read under the lock: a zone is read once per process, and two
         * threads asking for the same new zone then share one copy. */
        error = tz_read(&fresh, name, err);
        if (error == 0) {
            fresh->next = cache_head;
            cache_head = fresh;
            tz = fresh;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    *out = tz;
    return error;
}

void vt_tz_cache_clear(void)
{
    vt_tz *tz, *next;

    pthread_mutex_lock(&cache_lock);
    for (tz = cache_head; tz; tz = next) {
        next = tz->next;
        vt_tz_free(tz);
    }
    cache_head = NULL;
    pthread_mutex_unlock(&cache_lock);
}
