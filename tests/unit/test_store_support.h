/*
 * test_store_support.h - what the unit tests of the case service share: a
 * store in a fresh temporary directory, plain SQL against it for seeding
 * rows and checking them, and the policy profiles and holiday calendars of
 * the source tree. Include after <cmocka.h>.
 */
#ifndef VT_TEST_STORE_SUPPORT_H
#define VT_TEST_STORE_SUPPORT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store_internal.h"
#include "vulntrack/calendar.h"
#include "vulntrack/policy.h"
#include "vulntrack/store.h"

typedef struct vt_test_db {
    char dir[256];
    char path[320];
    vt_store *s;
} vt_test_db;

/*
 * Open a new store "NAME.db" in a new directory "NAME-XXXXXX" under $TMPDIR
 * (else /tmp). Returns 0, or -1 after a message on stderr.
 */
static inline int vt_test_db_open(vt_test_db *d, const char *name)
{
    const char *tmp = getenv("TMPDIR");
    vt_error err = VT_ERROR_INIT;

    snprintf(d->dir, sizeof(d->dir), "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    if (!mkdtemp(d->dir)) {
        perror(d->dir);
        return -1;
    }
    snprintf(d->path, sizeof(d->path), "%s/%s.db", d->dir, name);
    if (vt_store_open(&d->s, d->path, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

/* Close the store and remove its files and directory. Returns rmdir's result. */
static inline int vt_test_db_remove(vt_test_db *d)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[360];
    size_t i;

    vt_store_close(d->s);
    d->s = NULL;
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", d->path, suffixes[i]);
        unlink(p);
    }
    return rmdir(d->dir);
}

/* Run `sql` on the store's connection; the test fails with SQLite's message. */
static inline void vt_test_sql(vt_store *s, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(vt__store_db(s), sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* The first column of the first row of `sql` as an integer, -1 when no row. */
static inline int64_t vt_test_sql_int(vt_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_prepare_v2(vt__store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The text of the first column of the first row of `sql` into out, or "". */
static inline void vt_test_sql_text(vt_store *s, const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st = NULL;

    out[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(vt__store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/*
 * Load the policy profiles (data/policy) and holiday calendars
 * (data/calendars) of the source tree named by $VT_SOURCE_DIR. Returns 0,
 * or -1 after a message on stderr: a missing rule set must never look like
 * a pass.
 */
static inline int vt_test_load_rules(vt_policy_set **ps, vt_calendar_set **cs)
{
    const char *src = getenv("VT_SOURCE_DIR");
    char dir[4096];
    vt_error err = VT_ERROR_INIT;

    if (!src || !*src) {
        fprintf(stderr, "VT_SOURCE_DIR is not set (run the tests through ctest)\n");
        return -1;
    }
    snprintf(dir, sizeof(dir), "%s/data/policy", src);
    if (vt_policy_set_load_dir(dir, ps, &err) != 0) {
        fprintf(stderr, "loading profiles: %s\n", err.msg);
        return -1;
    }
    snprintf(dir, sizeof(dir), "%s/data/calendars", src);
    if (vt_calendar_set_load_dir(dir, cs, &err) != 0) {
        fprintf(stderr, "loading calendars: %s\n", err.msg);
        return -1;
    }
    return 0;
}

#endif
