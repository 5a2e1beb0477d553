/*
 * data_dir.h - internal: reading the data files an administrator maintains
 * (policy profiles, holiday calendars): every "*.json" file of a directory,
 * in name order, and the "FILE: POINTER: what" error convention.
 */
#ifndef VT_FORMATS_DATA_DIR_H
#define VT_FORMATS_DATA_DIR_H

#include <stddef.h>

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

#endif
