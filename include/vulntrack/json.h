/*
 * json.h - the few helpers every module needs around cJSON: allocation through
 * vt_malloc, adding an item without leaking it on failure, and printing into a
 * vt_buf.
 */
#ifndef VULNTRACK_JSON_H
#define VULNTRACK_JSON_H

#include <cjson/cJSON.h>

#include "buf.h"
#include "common.h"

/** Route cJSON's allocations through vt_malloc/vt_free. Call once at start-up. */
VT_EXTERN void vt_json_init(void);

/**
 * Add `item` to `obj` under `key` (to an array when key is NULL), taking
 * ownership of `item` on every path: on failure it is deleted. A NULL item
 * (a failed cJSON_Create*) is reported as VT_ENOMEM. Returns 0 or VT_ENOMEM.
 */
VT_EXTERN int vt_json_add_take(cJSON *obj, const char *key, cJSON *item);

/** Add a string (copied); NULL `s` adds JSON null. Returns 0 or VT_ENOMEM. */
VT_EXTERN int vt_json_add_str(cJSON *obj, const char *key, const char *s);
/** Add a (ptr, len) string (copied). Returns 0 or VT_ENOMEM. */
VT_EXTERN int vt_json_add_strn(cJSON *obj, const char *key, const char *s, size_t len);
/** Add a number. Returns 0 or VT_ENOMEM. */
VT_EXTERN int vt_json_add_num(cJSON *obj, const char *key, double v);
/** Add JSON null. Returns 0 or VT_ENOMEM. */
VT_EXTERN int vt_json_add_null(cJSON *obj, const char *key);
/**
 * Add the time `ms` (milliseconds since the epoch) as RFC 3339 UTC text, or
 * JSON null when `ms` is 0 or less (a time column's "not set").
 * Returns 0 or VT_ENOMEM.
 */
VT_EXTERN int vt_json_add_time(cJSON *obj, const char *key, int64_t ms);

/**
 * Append the compact text of `item` to `b`. Returns 0, VT_ENOMEM or VT_ETOOBIG.
 */
VT_EXTERN int vt_json_print(vt_buf *b, const cJSON *item);

/**
 * Parse s[0..len) as one JSON document. On success *out is a new tree the
 * caller frees with cJSON_Delete. On failure *out is NULL and err->offset is
 * the byte offset of the problem. Returns 0, VT_EINVALID or VT_ENOMEM.
 */
VT_EXTERN int vt_json_parse(cJSON **out, const char *s, size_t len, vt_error *err);

#endif
