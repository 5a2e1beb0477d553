/*
 * common.h - export macro, error codes and the error detail struct shared by
 * every vulntrack module.
 */
#ifndef VULNTRACK_COMMON_H
#define VULNTRACK_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define VT_EXTERN __attribute__((visibility("default")))
#define VT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define VT_EXTERN
#define VT_PRINTF(fmt, args)
#endif

/*
 * Every failure code of the library. 0 is success, failures are negative.
 * New codes go last; none is ever renumbered (scripts and logs keep them).
 */
#define VT_ERROR_MAP(X)                                        \
    X(ENOMEM, -1, "out of memory")                             \
    X(EINVALID, -2, "invalid input")                           \
    X(ETOOBIG, -3, "input exceeds limit")                      \
    X(EIO, -4, "input/output error")                           \
    X(ENOTFOUND, -5, "not found")                              \
    X(EUNSUPPORTED, -6, "unsupported")                         \
    X(EINTERNAL, -7, "internal error")

typedef enum vt_error_code {
    VT_OK = 0,
#define VT__ERROR_ENUM(name, value, text) VT_##name = (value),
    VT_ERROR_MAP(VT__ERROR_ENUM)
#undef VT__ERROR_ENUM
} vt_error_code;

/*
 * Detail about a failure, on the caller's stack. Functions that take an
 * optional `vt_error *err` fill it when they fail; `offset` is the byte offset
 * into the input where the problem was found (0 when it does not apply).
 */
#define VT_ERROR_MSG_MAX 256
#define VT_ERROR_FIELD_MAX 128
typedef struct vt_error {
    int code;
    size_t offset;
    char msg[VT_ERROR_MSG_MAX];
    /* The input field at fault as a JSON pointer ("/product/name"), or "". */
    char field[VT_ERROR_FIELD_MAX];
} vt_error;

#define VT_ERROR_INIT {0, 0, {0}, {0}}

/** Short English text for a code ("invalid input"); a static string. */
VT_EXTERN const char *vt_strerror(int code);

/** The code's name without prefix ("EINVALID"); a static string. */
VT_EXTERN const char *vt_error_name(int code);

/**
 * Fill `err` (which may be NULL) with `code`, `offset` and a printf-style
 * message, truncated to fit. Returns `code`, so callers can write
 * `return vt_error_set(err, VT_EINVALID, 0, "missing '%s'", what);`.
 */
VT_EXTERN int vt_error_set(vt_error *err, int code, size_t offset,
                           const char *fmt, ...) VT_PRINTF(4, 5);

/** Reset `err` (may be NULL) to VT_ERROR_INIT. */
VT_EXTERN void vt_error_clear(vt_error *err);

/**
 * vt_error_set for an error in one field of a JSON input: also records
 * `field`, a JSON pointer (truncated to fit), so that an API can answer
 * {"error": {"field": ...}}. Returns `code`.
 */
VT_EXTERN int vt_error_set_field(vt_error *err, int code, const char *field,
                                 const char *fmt, ...) VT_PRINTF(4, 5);

/** Library version string, e.g. "0.1.0"; static. */
VT_EXTERN const char *vt_version_string(void);

#endif
