/*
 * test_support.h - small helpers shared by the cmocka unit tests: locating
 * the data kit and the source tree, and reading a fixture file.
 */
#ifndef VT_TEST_SUPPORT_H
#define VT_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>

#include "vulntrack/buf.h"

/*
 * Read the file `dir_env`/`rel` (dir_env names an environment variable:
 * VT_DATA_DIR for the shared data kit, VT_SOURCE_DIR for the source tree) into
 * `b`. A missing variable or file stops the test run loudly: a fixture that
 * cannot be found must never look like a pass.
 */
static inline void vt_test_read_fixture(vt_buf *b, const char *dir_env, const char *rel)
{
    const char *dir = getenv(dir_env);
    char path[4096];
    vt_error err = VT_ERROR_INIT;

    if (!dir || !*dir) {
        fprintf(stderr, "environment variable %s is not set (run the tests through ctest)\n",
                dir_env);
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    if (vt_buf_read_file(b, path, &err) < 0) {
        fprintf(stderr, "cannot read fixture: %s\n", err.msg);
        exit(1);
    }
}

#endif
