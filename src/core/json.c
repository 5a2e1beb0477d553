/* json.c - cJSON glue: allocator hooks, leak-free adds, printing, parsing. */
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"

void vt_json_init(void)
{
    cJSON_Hooks hooks = {vt_malloc, vt_free};

    cJSON_InitHooks(&hooks);
}

int vt_json_add_take(cJSON *obj, const char *key, cJSON *item)
{
    cJSON_bool ok;

    if (!item)
        return VT_ENOMEM;
    ok = key ? cJSON_AddItemToObject(obj, key, item)
             : cJSON_AddItemToArray(obj, item);
    if (!ok) {
        /* cJSON leaves item with the caller on failure; we promised to take it. */
        cJSON_Delete(item);
        return VT_ENOMEM;
    }
    return 0;
}

int vt_json_add_str(cJSON *obj, const char *key, const char *s)
{
    return vt_json_add_take(obj, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

int vt_json_add_strn(cJSON *obj, const char *key, const char *s, size_t len)
{
    char *copy = vt_strndup(s, len);
    int error;

    if (!copy)
        return VT_ENOMEM;
    error = vt_json_add_take(obj, key, cJSON_CreateString(copy));
    vt_free(copy);
    return error;
}

int vt_json_add_num(cJSON *obj, const char *key, double v)
{
    return vt_json_add_take(obj, key, cJSON_CreateNumber(v));
}

int vt_json_add_null(cJSON *obj, const char *key)
{
    return vt_json_add_take(obj, key, cJSON_CreateNull());
}

int vt_json_add_time(cJSON *obj, const char *key, int64_t ms)
{
    char t[VT_TIME_TEXT_MAX];

    if (ms <= 0)
        return vt_json_add_null(obj, key);
    return vt_json_add_str(obj, key, vt_time_format_utc(t, ms));
}

int vt_json_print(vt_buf *b, const cJSON *item)
{
    char *text = cJSON_PrintUnformatted(item);
    int error;

    if (!text)
        return VT_ENOMEM;
    error = vt_buf_puts(b, text);
    vt_free(text);
    return error;
}

int vt_json_parse(cJSON **out, const char *s, size_t len, vt_error *err)
{
    const char *end = NULL;
    unsigned long failures = vt_alloc_failures();

    *out = cJSON_ParseWithLengthOpts(s, len, &end, false);
    if (*out)
        return 0;
    /* cJSON reports running out of memory like a syntax error. */
    if (vt_alloc_failures() != failures)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    return vt_error_set(err, VT_EINVALID, end ? (size_t)(end - s) : 0,
                        "malformed JSON at byte %zu",
                        end ? (size_t)(end - s) : (size_t)0);
}
