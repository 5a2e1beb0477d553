/*
 * data_dir.h - internal: reading the data files an administrator maintains
 * (policy profiles, holiday calendars): every "*.json" file of a directory,
 * in name order, and the "FILE: POINTER: what" error convention.
 */
#ifndef VT_FORMATS_DATA_DIR_H
#define VT_FORMATS_DATA_DIR_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "vulntrack/common.h"

/* Called with each file's path and text; a negative return stops the walk. */
typedef int (*vt__data_file_fn)(void *ctx, const char *path, const char *text, size_t len,
                                vt_error *err);

/**
 * Call `fn` for every regular "*.json" file of `dir` (not hidden, sorted by
 * name), each read whole up to `max_bytes`. Returns 0, fn's code, VT_EIO
 * (the directory or a file cannot be read), VT_ETOOBIG or VT_ENOMEM.
 */
int vt__data_dir_each(const char *dir, size_t max_bytes, vt__data_file_fn fn, void *ctx,
                      vt_error *err);

/**
 * Set `err` to VT_EINVALID with field `ptr` and message "FILE: PTR: what".
 * Returns VT_EINVALID.
 */
int vt__data_fail(vt_error *err, const char *file, const char *ptr, const char *fmt, ...)
    VT_PRINTF(4, 5);

/**
 * Parse `text` (len bytes) of data file `file` as exactly one JSON value
 * into *out (the caller frees it with cJSON_Delete). Returns 0, or
 * VT_EINVALID with err->offset and the message "FILE: malformed JSON at
 * byte N".
 */
int vt__data_parse(cJSON **out, const char *text, size_t len, const char *file, vt_error *err);

/**
 * Refuse a member of object `obj` (at JSON pointer `at`, "" for the
 * document) whose name is not one of keys[0..nkeys), and an `obj` that is
 * not an object: vt__data_fail with the member's pointer and "unknown key".
 * Returns 0 or VT_EINVALID.
 */
int vt__data_check_keys(vt_error *err, const char *file, const cJSON *obj, const char *at,
                        const char *const *keys, size_t nkeys);

/**
 * snprintf into a JSON pointer buffer; a pointer longer than the buffer is
 * cut (it only labels an error message).
 */
void vt__data_pointer(char *buf, size_t n, const char *fmt, ...) VT_PRINTF(3, 4);

#endif
