/*
 * json_strict.h - internal: parse a whole document with cJSON, refusing data
 * after the value (vt_json_parse stops at the end of the first value).
 */
#ifndef VT_FORMATS_JSON_STRICT_H
#define VT_FORMATS_JSON_STRICT_H

#include <cjson/cJSON.h>

#include "vulntrack/common.h"

/**
 * Parse s[0..len) as exactly one JSON value, with only whitespace after it.
 * On failure *out is NULL, err->offset the byte offset of the problem and
 * err->msg "malformed JSON at byte N". cJSON cannot tell a failed allocation
 * from bad syntax, so out of memory also reads as VT_EINVALID here.
 * Returns 0 or VT_EINVALID.
 */
int vt__json_parse_document(cJSON **out, const char *s, size_t len, vt_error *err);

#endif
