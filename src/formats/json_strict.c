/* json_strict.c - one JSON document, nothing after it. */
#include "json_strict.h"
#include "vulntrack/alloc.h"

int vt__json_parse_document(cJSON **out, const char *s, size_t len, vt_error *err)
{
    const char *end = NULL;
    size_t at;
    unsigned long failures = vt_alloc_failures();

    *out = cJSON_ParseWithLengthOpts(s, len, &end, false);
    /* cJSON reports running out of memory like a syntax error. */
    if (!*out && vt_alloc_failures() != failures)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (!*out) {
        at = end ? (size_t)(end - s) : 0;
        return vt_error_set(err, VT_EINVALID, at, "malformed JSON at byte %zu", at);
    }
    at = (size_t)(end - s);
    while (at < len && (s[at] == ' ' || s[at] == '\t' || s[at] == '\n' || s[at] == '\r'))
        at++;
    if (at == len)
        return 0;
    cJSON_Delete(*out);
    *out = NULL;
    return vt_error_set(err, VT_EINVALID, at,
                        "malformed JSON at byte %zu: data after the value", at);
}
