/* error.c - the error table's text and the detail struct's setters. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vulntrack/common.h"

#ifndef VT_VERSION_STRING
#define VT_VERSION_STRING "0.0.0"
#endif

const char *vt_strerror(int code)
{
    switch (code) {
    case VT_OK:
        return "success";
#define VT__ERROR_TEXT(name, value, text) \
    case VT_##name:                      \
        return text;
        VT_ERROR_MAP(VT__ERROR_TEXT)
#undef VT__ERROR_TEXT
    default:
        return "unknown error";
    }
}

const char *vt_error_name(int code)
{
    switch (code) {
    case VT_OK:
        return "OK";
#define VT__ERROR_NAME(name, value, text) \
    case VT_##name:                      \
        return #name;
        VT_ERROR_MAP(VT__ERROR_NAME)
#undef VT__ERROR_NAME
    default:
        return "EUNKNOWN";
    }
}

int vt_error_set(vt_error *err, int code, size_t offset, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    err->offset = offset;
    err->field[0] = '\0';
    va_start(ap, fmt);
    /* Truncation is acceptable: messages are one line for humans. */
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void vt_error_clear(vt_error *err)
{
    if (!err)
        return;
    err->code = 0;
    err->offset = 0;
    err->msg[0] = '\0';
    err->field[0] = '\0';
}

int vt_error_set_field(vt_error *err, int code, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    err->offset = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    return code;
}

const char *vt_version_string(void)
{
    return VT_VERSION_STRING;
}
