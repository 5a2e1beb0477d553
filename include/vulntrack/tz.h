/*
 * tz.h - IANA time zones read from the system's TZif files (RFC 8536).
 *
 * Deadlines are stored in UTC; a zone is needed to show a due time in an
 * organisation's local time and to find the local calendar day a rule
 * counts in (the Civil-Code legal latest, the end of a KEV due date). Zones
 * are read from $TZDIR, or /usr/share/zoneinfo, version 1 files and the
 * 64-bit data of version 2+ files, including the footer's POSIX TZ rule
 * for instants after the last listed transition (Debian ships "slim"
 * files whose transitions stop at 2037 or earlier: every future date of a
 * zone with daylight saving time comes from the footer).
 *
 * A loaded zone is immutable. vt_tz_load keeps it in a process-wide cache
 * (guarded by a mutex) for the life of the process, so its pointer can be
 * shared by every thread without further locking.
 */
#ifndef VULNTRACK_TZ_H
#define VULNTRACK_TZ_H

#include "common.h"

typedef struct vt_tz vt_tz;

/* Largest zone name accepted, bytes (IANA names are far shorter). */
#define VT_TZ_NAME_MAX 64

/*
 * Is `name` an acceptable zone name: 1..VT_TZ_NAME_MAX-1 characters from
 * [A-Za-z0-9_+/-], not starting or ending with '/', no empty segment and no
 * ".." (so that it can never leave the zone directory)?
 */
VT_EXTERN bool vt_tz_name_valid(const char *name);

/**
 * The zone `name` ("Asia/Shanghai"), loaded once and cached. On success
 * *out is a pointer owned by the cache, valid until the process ends (or
 * vt_tz_cache_clear). "UTC" and "Etc/UTC" are built in when no file exists.
 * Returns 0, VT_EINVALID (a bad name, or a file that is not TZif; err->msg
 * says which), VT_ENOTFOUND (no such zone file) or VT_ENOMEM.
 */
VT_EXTERN int vt_tz_load(const vt_tz **out, const char *name, vt_error *err);

/**
 * Parse TZif data data[0..len) under `name` (copied, not checked against
 * the file system). On success *out is a new zone the caller frees with
 * vt_tz_free. Returns 0, VT_EINVALID (err says what is wrong, err->offset
 * the byte) or VT_ENOMEM.
 */
VT_EXTERN int vt_tz_parse(vt_tz **out, const char *name, const unsigned char *data, size_t len,
                          vt_error *err);

/** Free a zone from vt_tz_parse; accepts NULL. Never call it on a cached zone. */
VT_EXTERN void vt_tz_free(vt_tz *tz);

/** Drop every cached zone (tests only: no other thread may hold one). */
VT_EXTERN void vt_tz_cache_clear(void);

/** The zone's name; valid as long as the zone. */
VT_EXTERN const char *vt_tz_name(const vt_tz *tz);

/** UTC offset in seconds east of Greenwich at the UTC instant `utc_ms`. */
VT_EXTERN int32_t vt_tz_offset_at(const vt_tz *tz, int64_t utc_ms);

/**
 * The UTC instant of local wall-clock time `local_ms` (milliseconds since
 * 1970-01-01T00:00 local). When the local time happens twice (clocks set
 * back) the earlier instant is chosen; when it does not happen at all
 * (clocks set forward) it is shifted forward by the length of the gap,
 * i.e. read with the offset in force before the change (02:30 on the
 * spring-forward night in Berlin gives 03:30 CEST).
 */
VT_EXTERN int64_t vt_tz_local_to_utc(const vt_tz *tz, int64_t local_ms);

/** Day number (days since 1970-01-01) of the local date at `utc_ms`. */
VT_EXTERN int64_t vt_tz_local_day(const vt_tz *tz, int64_t utc_ms);

/** The UTC instant at which local day `day` (days since 1970-01-01) begins. */
VT_EXTERN int64_t vt_tz_day_start_utc(const vt_tz *tz, int64_t day);

#endif
