/*
 * json_refusal_check.h - the contract every JSON document reader keeps when
 * it refuses an input (OSV records, KEV catalogues): a one-line message that
 * names the place, as a JSON pointer, "top level: ..." or "malformed JSON at
 * byte N". Shared by the fuzz targets of those readers.
 */
#ifndef VT_JSON_REFUSAL_CHECK_H
#define VT_JSON_REFUSAL_CHECK_H

#include <string.h>

#include "vulntrack/common.h"

/* NULL when err's message keeps the contract, else what is wrong with it. */
static const char *json_refusal_problem(const vt_error *err)
{
    if (!err->msg[0] || strchr(err->msg, '\n'))
        return "refusal without a one-line message";
    if (err->msg[0] != '/' && strncmp(err->msg, "top level: ", 11) != 0 &&
        strncmp(err->msg, "malformed JSON at byte ", 23) != 0)
        return "refusal that names no place";
    return NULL;
}

#endif
