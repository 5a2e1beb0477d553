/*
 * test_store.c - the SQLite store: migrations, the upsert rule on
 * `modified`, lookups by ecosystem and normalised name, KEV, statistics,
 * transactions and the database path rules. Each test works on a fresh
 * database in its own temporary directory, removed afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/match.h"
#include "vulntrack/store.h"

/* A temporary directory holding one database file and its WAL companions. */
typedef struct tmpdb {
    char dir[64];
    char path[128];
} tmpdb;

static void tmpdb_make(tmpdb *t)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "/tmp/vt-store-test-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof(t->path), "%s/sub/dir/test.db", t->dir);
}

static int tmpdb_remove(tmpdb *t)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[160];
    size_t i;

    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", t->path, suffixes[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/sub/dir", t->dir);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/sub", t->dir);
    rmdir(p);
    return rmdir(t->dir);
}

/* cmocka runs the teardown even after a failed assertion, so a failing
 * test leaves no temporary files behind either. */
static int tmpdb_setup(void **state)
{
    static tmpdb t;

    tmpdb_make(&t);
    *state = &t;
    return 0;
}

static int tmpdb_teardown(void **state)
{
    return tmpdb_remove(*state);
}

static vt_store *open_ok(const char *path)
{
    vt_error err = VT_ERROR_INIT;
    vt_store *s = NULL;
    int rc = vt_store_open(&s, path, &err);

    if (rc != 0)
        fail_msg("vt_store_open(%s): %d %s", path, rc, err.msg);
    assert_non_null(s);
    return s;
}

/* One integer from a query run on a second, plain SQLite connection. */
static long long sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void sql_text(const char *path, const char *sql, char *out, size_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Whether the query plan of `sql` has a step containing `want`. */
static bool plan_searches(const char *path, const char *sql, const char *want)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char q[512];
    bool found = false;

    snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        if (strstr((const char *)sqlite3_column_text(st, 3), want))
            found = true;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return found;
}

/* ------------------------------------------------------------------------ */
/* Hand-made advisories */

static const vt_osv_event ev_intro0[] = {{VT_OSV_INTRODUCED, "0"}, {VT_OSV_FIXED, "4.2.1"}};
static const vt_osv_range range_eco[] = {{VT_OSV_RANGE_ECOSYSTEM, NULL, ev_intro0, 2, NULL}};
static const vt_osv_event ev_git[] = {{VT_OSV_INTRODUCED, "0"}};
static const vt_osv_range range_git[] = {
    {VT_OSV_RANGE_GIT, "https://github.com/python/cpython", ev_git, 1, NULL}};

/* Fill `adv` as a one-package advisory; `name` is written as given. */
static void make_adv(vt_advisory *adv, vt_osv_affected *aff, const char *id,
                     const char *modified, int64_t modified_ms, const char *ecosystem,
                     const char *name)
{
    memset(adv, 0, sizeof(*adv));
    memset(aff, 0, sizeof(*aff));
    aff->ecosystem = ecosystem;
    aff->name = name;
    aff->ranges = range_eco;
    aff->nranges = 1;
    adv->id = id;
    adv->modified = modified;
    adv->modified_ms = modified_ms;
    adv->affected = aff;
    adv->naffected = 1;
}

static vt_upsert_outcome put(vt_store *s, const vt_advisory *adv, const char *raw)
{
    vt_error err = VT_ERROR_INIT;
    vt_upsert_outcome o = 0;
    int rc = vt_store_put_advisory(s, adv, raw, strlen(raw), &o, &err);

    if (rc != 0)
        fail_msg("put %s: %d %s", adv->id, rc, err.msg);
    return o;
}

/* Collects what vt_store_find_advisories returns, in order, ';'-separated. */
static int collect(void *ctx, const char *raw, size_t len)
{
    vt_buf *b = ctx;

    assert_int_equal(strlen(raw), len);
    assert_int_equal(vt_buf_put(b, raw, len), 0);
    return vt_buf_putc(b, ';');
}

static void find(vt_store *s, const char *eco, const char *name_as_written, vt_buf *out)
{
    vt_buf key = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;

    vt_buf_clear(out);
    assert_int_equal(vt_osv_normalize_name(&key, eco, name_as_written), 0);
    assert_int_equal(vt_store_find_advisories(s, eco, key.ptr, collect, out, &err), 0);
    vt_buf_dispose(&key);
}

/* ------------------------------------------------------------------------ */

static void test_store__migrations_create_schema_and_reopen_is_idempotent(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    char mode[16];

    s = open_ok(t->path);
    assert_true(vt__store_migration_count >= 1);
    assert_int_equal(vt_store_schema_version(s), (int)vt__store_migration_count);
    vt_store_close(s);

    assert_int_equal(sql_int(t->path, "PRAGMA user_version"), (long long)vt__store_migration_count);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM schema_version"),
                     (long long)vt__store_migration_count);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                     "AND name IN ('advisories', 'advisory_packages', "
                                     "'aliases', 'kev', 'imports', 'schema_version')"),
                     6);
    /* The package lookup is a search on the primary key (a WITHOUT ROWID
     * table is its own index), not a scan. */
    assert_true(plan_searches(t->path, "SELECT advisory_rid FROM advisory_packages WHERE "
                                      "ecosystem_base = 'PyPI' AND name_key = 'django'",
                              "SEARCH advisory_packages USING PRIMARY KEY"));
    assert_true(plan_searches(t->path, "SELECT 1 FROM aliases WHERE alias = 'CVE-1'",
                              "SEARCH aliases USING PRIMARY KEY"));
    /* WAL is a property of the file, so a second connection sees it. */
    sql_text(t->path, "PRAGMA journal_mode", mode, sizeof(mode));
    assert_string_equal(mode, "wal");
    assert_int_equal(sql_int(t->path, "PRAGMA page_size"), 16384);

    /* Opening again runs no migration and keeps the version. */
    s = open_ok(t->path);
    assert_int_equal(vt_store_schema_version(s), (int)vt__store_migration_count);
    vt_store_close(s);
    s = open_ok(t->path);
    vt_store_close(s);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM schema_version"),
                     (long long)vt__store_migration_count);
    assert_int_equal(sql_int(t->path, "PRAGMA user_version"), (long long)vt__store_migration_count);
}

static void test_store__newer_schema_is_refused(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    sqlite3 *db = NULL;
    vt_error err = VT_ERROR_INIT;
    char sql[64];

    s = open_ok(t->path);
    vt_store_close(s);
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu", vt__store_migration_count + 1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    s = NULL;
    assert_int_equal(vt_store_open(&s, t->path, &err), VT_EIO);
    assert_null(s);
    assert_non_null(strstr(err.msg, "newer"));
    assert_non_null(strstr(err.msg, t->path));
}

static void test_store__not_a_database_names_the_path(void **state)
{
    char path[] = "/tmp/vt-store-notdb-XXXXXX";
    int fd = mkstemp(path);
    vt_error err = VT_ERROR_INIT;
    vt_store *s = NULL;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "this is not a database, just some text\n", 39), 39);
    close(fd);
    assert_int_equal(vt_store_open(&s, path, &err), VT_EIO);
    assert_null(s);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "not a database"));
    unlink(path);
}

static void test_store__upsert_follows_modified(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    vt_advisory adv;
    vt_osv_affected aff;
    vt_error err = VT_ERROR_INIT;
    char *raw = NULL;
    size_t len = 0;

    s = open_ok(t->path);
    make_adv(&adv, &aff, "GHSA-1", "2024-01-02T00:00:00Z", 1704153600000, "PyPI", "Django");
    assert_int_equal(put(s, &adv, "{\"v\":2}"), VT_UPSERT_INSERTED);

    /* Equal `modified`, same text: unchanged. */
    assert_int_equal(put(s, &adv, "{\"v\":2}"), VT_UPSERT_UNCHANGED);
    /* Equal `modified`, other text: replaced (feeds with placeholder dates). */
    assert_int_equal(put(s, &adv, "{\"v\":\"equal\"}"), VT_UPSERT_UPDATED);
    /* Older: the stored record wins, whatever its text. */
    make_adv(&adv, &aff, "GHSA-1", "2024-01-01T00:00:00Z", 1704067200000, "PyPI", "Django");
    assert_int_equal(put(s, &adv, "{\"v\":1}"), VT_UPSERT_UNCHANGED);
    assert_int_equal(vt_store_get_advisory(s, "GHSA-1", &raw, &len, &err), 0);
    assert_string_equal(raw, "{\"v\":\"equal\"}");
    assert_int_equal(len, 13);
    vt_free(raw);

    /* Newer: replaces the text, the columns and the index rows. */
    make_adv(&adv, &aff, "GHSA-1", "2024-01-03T00:00:00.5Z", 1704240000500, "PyPI",
             "flask");
    adv.withdrawn = "2024-01-03T00:00:00Z";
    assert_int_equal(put(s, &adv, "{\"v\":3}"), VT_UPSERT_UPDATED);
    assert_int_equal(vt_store_get_advisory(s, "GHSA-1", &raw, &len, &err), 0);
    assert_string_equal(raw, "{\"v\":3}");
    vt_free(raw);
    vt_store_close(s);
    assert_int_equal(sql_int(t->path, "SELECT modified_ms FROM advisories"), 1704240000500);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisories WHERE withdrawn = "
                                     "'2024-01-03T00:00:00Z' AND modified = "
                                     "'2024-01-03T00:00:00.5Z'"),
                     1);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisory_packages"), 1);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisory_packages WHERE "
                                     "name_key = 'flask'"),
                     1);

    /* The Go placeholder date (year 1) is just a very old time. */
    s = open_ok(t->path);
    make_adv(&adv, &aff, "GO-2020-0001", "0001-01-01T00:00:00Z", -62135596800000LL, "Go",
             "github.com/gin-gonic/gin");
    assert_int_equal(put(s, &adv, "{}"), VT_UPSERT_INSERTED);
    assert_int_equal(put(s, &adv, "{}"), VT_UPSERT_UNCHANGED);
    assert_int_equal(vt_store_get_advisory(s, "nope", &raw, &len, &err), VT_ENOTFOUND);
    assert_null(raw);
    vt_store_close(s);
}

static void test_store__find_by_ecosystem_and_normalised_name(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    vt_advisory adv;
    vt_osv_affected aff[3];
    vt_buf got = VT_BUF_INIT;
    const char *aliases[] = {"CVE-2024-0001", "CVE-2024-0001"};

    s = open_ok(t->path);
    make_adv(&adv, &aff[0], "PYSEC-1", "2024-01-01T00:00:00Z", 1, "PyPI", "Django");
    adv.aliases = aliases;
    adv.naliases = 2; /* a repeated alias is stored once */
    put(s, &adv, "A");
    make_adv(&adv, &aff[0], "PYSEC-2", "2024-01-01T00:00:00Z", 1, "PyPI", "zope.interface");
    put(s, &adv, "B");
    /* Several affected entries for the same package under two releases
     * index the advisory once, under the ecosystem without release. */
    make_adv(&adv, &aff[0], "ALSA-2024:1", "2024-01-01T00:00:00Z", 1, "AlmaLinux:8", "curl");
    aff[1] = aff[0];
    aff[1].ecosystem = "AlmaLinux:9";
    aff[2] = aff[0];
    aff[2].ecosystem = NULL;
    aff[2].name = NULL;
    aff[2].ranges = range_git;
    adv.naffected = 3;
    put(s, &adv, "C");
    make_adv(&adv, &aff[0], "GO-1", "2024-01-01T00:00:00Z", 1, "Go", "Example.com/Mod");
    put(s, &adv, "D");

    find(s, "PyPI", "django", &got);
    assert_string_equal(got.ptr, "A;");
    find(s, "PyPI", "DJANGO", &got);
    assert_string_equal(got.ptr, "A;");
    find(s, "PyPI", "Zope_Interface", &got);
    assert_string_equal(got.ptr, "B;");
    find(s, "PyPI", "zope-interface", &got);
    assert_string_equal(got.ptr, "B;");
    find(s, "AlmaLinux", "curl", &got);
    assert_string_equal(got.ptr, "C;");
    /* Outside PyPI names are exact. */
    find(s, "Go", "example.com/mod", &got);
    assert_string_equal(got.ptr, "");
    find(s, "Go", "Example.com/Mod", &got);
    assert_string_equal(got.ptr, "D;");
    find(s, "npm", "django", &got);
    assert_string_equal(got.ptr, "");
    /* Package-less GIT ranges are filed by repository. */
    find(s, "GIT", "https://github.com/python/cpython", &got);
    assert_string_equal(got.ptr, "C;");
    vt_store_close(s);
    /* Two releases and a GIT range: one AlmaLinux row, one GIT row. */
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisory_packages p JOIN advisories a "
                                     "ON a.rid = p.advisory_rid WHERE a.id = 'ALSA-2024:1'"),
                     2);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM aliases l JOIN advisories a "
                                     "ON a.rid = l.advisory_rid WHERE l.alias = 'CVE-2024-0001' "
                                     "AND a.id = 'PYSEC-1'"),
                     1);
    vt_buf_dispose(&got);
}

/* An update removes the old version's rows, found from its stored text. */
static void test_store__update_replaces_index_rows_of_a_real_record(void **state)
{
    static const char v1[] =
        "{\"id\":\"PYSEC-9\",\"modified\":\"2024-01-01T00:00:00Z\","
        "\"aliases\":[\"CVE-2024-1\",\"GHSA-aaaa-bbbb-cccc\"],"
        "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Old.Name\"},"
        "\"versions\":[\"1.0\"]}]}";
    static const char v2[] =
        "{\"id\":\"PYSEC-9\",\"modified\":\"2024-02-01T00:00:00Z\","
        "\"aliases\":[\"CVE-2024-2\"],"
        "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"new_name\"},"
        "\"versions\":[\"1.0\"]}]}";
    tmpdb *t = *state;
    vt_store *s;
    vt_advisory *adv = NULL;
    vt_error err = VT_ERROR_INIT;
    vt_buf got = VT_BUF_INIT;

    s = open_ok(t->path);
    assert_int_equal(vt_osv_parse(&adv, v1, strlen(v1), &err), 0);
    assert_int_equal(put(s, adv, v1), VT_UPSERT_INSERTED);
    vt_advisory_free(adv);
    find(s, "PyPI", "old-name", &got);
    assert_string_equal(got.ptr, "{\"id\":\"PYSEC-9\",\"modified\":\"2024-01-01T00:00:00Z\","
                                 "\"aliases\":[\"CVE-2024-1\",\"GHSA-aaaa-bbbb-cccc\"],"
                                 "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\","
                                 "\"name\":\"Old.Name\"},\"versions\":[\"1.0\"]}]};");
    assert_int_equal(vt_osv_parse(&adv, v2, strlen(v2), &err), 0);
    assert_int_equal(put(s, adv, v2), VT_UPSERT_UPDATED);
    vt_advisory_free(adv);
    find(s, "PyPI", "old-name", &got);
    assert_string_equal(got.ptr, "");
    find(s, "PyPI", "New.Name", &got);
    assert_non_null(strstr(got.ptr, "2024-02-01"));
    vt_buf_dispose(&got);
    vt_store_close(s);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM aliases"), 1);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM aliases WHERE alias = 'CVE-2024-2'"),
                     1);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisory_packages"), 1);
}

static int stop_after_first(void *ctx, const char *raw, size_t len)
{
    (void)raw;
    (void)len;
    (*(int *)ctx)++;
    return VT_EINTERNAL;
}

/* Collects references; stops with -99 once `stop_after` were seen (0: never). */
struct ref_list {
    int64_t refs[8];
    size_t n, stop_after;
};

static int collect_ref(void *ctx, int64_t ref)
{
    struct ref_list *l = ctx;

    if (l->n < 8)
        l->refs[l->n++] = ref;
    return l->stop_after && l->n == l->stop_after ? -99 : 0;
}

static int append_text(void *ctx, const char *raw, size_t len)
{
    vt_buf *b = ctx;

    assert_int_equal(vt_buf_put(b, raw, len), 0);
    return vt_buf_putc(b, ';');
}

static void test_store__references_then_texts_in_one_snapshot(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    vt_advisory adv;
    vt_osv_affected aff[2];
    struct ref_list django = {{0}, 0, 0}, flask = {{0}, 0, 0}, stopped = {{0}, 0, 1};
    vt_buf texts = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    bool found = false;
    size_t i;

    s = open_ok(t->path);
    make_adv(&adv, &aff[0], "PYSEC-1", "2024-01-01T00:00:00Z", 1, "PyPI", "Django");
    put(s, &adv, "one");
    /* One advisory naming two packages has one reference under both. */
    make_adv(&adv, &aff[0], "PYSEC-2", "2024-01-01T00:00:00Z", 1, "PyPI", "Django");
    aff[1] = aff[0];
    aff[1].name = "Flask";
    adv.naffected = 2;
    put(s, &adv, "two");

    assert_int_equal(vt_store_read_begin(s, &err), 0);
    assert_int_equal(vt_store_find_advisory_refs(s, "PyPI", "django", collect_ref, &django, &err),
                     0);
    assert_int_equal(vt_store_find_advisory_refs(s, "PyPI", "flask", collect_ref, &flask, &err), 0);
    assert_int_equal(django.n, 2);
    assert_int_equal(flask.n, 1);
    assert_true(flask.refs[0] == django.refs[0] || flask.refs[0] == django.refs[1]);
    for (i = 0; i < django.n; i++) {
        assert_int_equal(vt_store_read_advisory(s, django.refs[i], &found, append_text, &texts,
                                                &err), 0);
        assert_true(found);
    }
    assert_true(strcmp(texts.ptr, "one;two;") == 0 || strcmp(texts.ptr, "two;one;") == 0);
    /* A reference that names nothing reads as absent, without a call. */
    vt_buf_clear(&texts);
    assert_int_equal(vt_store_read_advisory(s, 987654321, &found, append_text, &texts, &err), 0);
    assert_false(found);
    assert_string_equal(texts.ptr, "");
    /* The callback's negative code stops the walk and is passed up. */
    assert_int_equal(vt_store_find_advisory_refs(s, "PyPI", "django", collect_ref, &stopped, &err),
                     -99);
    assert_int_equal(stopped.n, 1);
    vt_store_read_end(s);
    vt_store_read_end(s); /* nothing open: harmless */
    vt_buf_dispose(&texts);
    vt_store_close(s);
}

static void test_store__find_callback_can_stop(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    vt_advisory adv;
    vt_osv_affected aff;
    vt_error err = VT_ERROR_INIT;
    vt_buf got = VT_BUF_INIT;
    int calls = 0;

    s = open_ok(t->path);
    make_adv(&adv, &aff, "A-1", "2024-01-01T00:00:00Z", 1, "npm", "left-pad");
    put(s, &adv, "1");
    make_adv(&adv, &aff, "A-2", "2024-01-01T00:00:00Z", 1, "npm", "left-pad");
    put(s, &adv, "2");
    assert_int_equal(vt_store_find_advisories(s, "npm", "left-pad", stop_after_first, &calls,
                                              &err),
                     VT_EINTERNAL);
    assert_int_equal(calls, 1);
    /* The statement was reset: the next lookup sees both, in id order. */
    find(s, "npm", "left-pad", &got);
    assert_string_equal(got.ptr, "1;2;");
    vt_buf_dispose(&got);
    vt_store_close(s);
}

static void copy_kev(void *ctx, const vt_kev_entry *e)
{
    vt_buf *b = ctx;

    vt_buf_printf(b, "%s|%s|%s|%s|%s|%s|%s|%s", e->cve, e->vendor, e->product, e->name,
                  e->date_added, e->due_date, e->ransomware,
                  e->required_action ? e->required_action : "(null)");
}

static void test_store__kev_put_and_get(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    vt_error err = VT_ERROR_INIT;
    vt_buf got = VT_BUF_INIT;
    vt_kev_entry e = {"CVE-2021-44228", "Apache", "Log4j2", "Apache Log4j2 RCE",
                      "2021-12-10", "2021-12-24", "Known", NULL};
    vt_upsert_outcome o = 0;
    bool found = true;

    s = open_ok(t->path);
    assert_int_equal(vt_store_get_kev(s, "CVE-2021-44228", &found, copy_kev, &got, &err), 0);
    assert_false(found);
    assert_string_equal(got.ptr, "");

    assert_int_equal(vt_store_put_kev(s, &e, &err), 0);
    assert_int_equal(vt_store_get_kev(s, "CVE-2021-44228", &found, copy_kev, &got, &err), 0);
    assert_true(found);
    assert_string_equal(got.ptr, "CVE-2021-44228|Apache|Log4j2|Apache Log4j2 RCE|2021-12-10|"
                                 "2021-12-24|Known|(null)");
    assert_int_equal(vt_store_upsert_kev(s, &e, &o, &err), 0);
    assert_int_equal(o, VT_UPSERT_UNCHANGED);
    e.due_date = "2021-12-31";
    assert_int_equal(vt_store_upsert_kev(s, &e, &o, &err), 0);
    assert_int_equal(o, VT_UPSERT_UPDATED);
    e.cve = "CVE-2024-3400";
    assert_int_equal(vt_store_upsert_kev(s, &e, &o, &err), 0);
    assert_int_equal(o, VT_UPSERT_INSERTED);
    vt_buf_clear(&got);
    assert_int_equal(vt_store_get_kev(s, "CVE-2021-44228", &found, copy_kev, &got, &err), 0);
    assert_non_null(strstr(got.ptr, "|2021-12-31|"));
    vt_buf_dispose(&got);
    vt_store_close(s);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM kev"), 2);
}

static void collect_stat(void *ctx, const vt_store_stat *row)
{
    vt_buf *b = ctx;

    vt_buf_printf(b, "%s %s %ld %s\n", row->kind, row->name, row->count,
                  row->when ? row->when : "-");
}

static void test_store__stats_rows(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    vt_advisory adv;
    vt_osv_affected aff[2];
    vt_error err = VT_ERROR_INIT;
    vt_buf got = VT_BUF_INIT;
    vt_kev_entry e = {"CVE-1", "v", "p", "n", "2024-01-01", "2024-01-21", "Unknown", "act"};

    s = open_ok(t->path);
    assert_int_equal(vt_store_stats(s, collect_stat, &got, &err), 0);
    assert_string_equal(got.ptr, "advisories total 0 -\nkev entries 0 -\n");

    make_adv(&adv, &aff[0], "PYSEC-1", "2024-01-01T00:00:00Z", 1, "PyPI", "django");
    put(s, &adv, "{}");
    make_adv(&adv, &aff[0], "ALSA-1", "2024-01-01T00:00:00Z", 1, "AlmaLinux:8", "curl");
    aff[1] = aff[0];
    aff[1].ecosystem = "AlmaLinux:9";
    adv.naffected = 2;
    put(s, &adv, "{}");
    make_adv(&adv, &aff[0], "ALSA-2", "2024-01-01T00:00:00Z", 1, "AlmaLinux:9", "curl");
    put(s, &adv, "{}");
    make_adv(&adv, &aff[0], "PSF-1", "2024-01-01T00:00:00Z", 1, NULL, NULL);
    aff[0].ranges = range_git;
    put(s, &adv, "{}");
    make_adv(&adv, &aff[0], "EMPTY-1", "2024-01-01T00:00:00Z", 1, NULL, NULL);
    adv.naffected = 0;
    put(s, &adv, "{}");
    assert_int_equal(vt_store_put_kev(s, &e, &err), 0);
    /* 2024-02-29T12:00:00Z, then a later import of the same source. */
    assert_int_equal(vt_store_record_import(s, "/data/PyPI/all.zip", 1709208000000, 1, 0, 0, 2,
                                            &err),
                     0);
    assert_int_equal(vt_store_record_import(s, "/data/PyPI/all.zip", 1709208061999, 0, 1, 5, 0,
                                            &err),
                     0);
    assert_int_equal(vt_store_record_import(s, "/data/kev.json", 0, 1, 0, 0, 0, &err), 0);
    vt_buf_clear(&got);
    assert_int_equal(vt_store_stats(s, collect_stat, &got, &err), 0);
    assert_string_equal(got.ptr, "advisories total 5 -\n"
                                 "ecosystem (no package) 1 -\n"
                                 "ecosystem AlmaLinux 2 -\n"
                                 "ecosystem GIT 1 -\n"
                                 "ecosystem PyPI 1 -\n"
                                 "kev entries 1 -\n"
                                 "source /data/PyPI/all.zip 6 2024-02-29T12:01:01Z\n"
                                 "source /data/kev.json 1 1970-01-01T00:00:00Z\n");
    vt_buf_dispose(&got);
    vt_store_close(s);
}

static void test_store__rollback_discards_and_commit_keeps(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    vt_advisory adv;
    vt_osv_affected aff;
    vt_error err = VT_ERROR_INIT;
    char *raw = NULL;
    size_t len;

    s = open_ok(t->path);
    assert_int_equal(vt_store_begin(s, &err), 0);
    make_adv(&adv, &aff, "X-1", "2024-01-01T00:00:00Z", 1, "npm", "a");
    assert_int_equal(put(s, &adv, "{}"), VT_UPSERT_INSERTED);
    assert_int_equal(vt_store_rollback(s), 0);
    assert_int_equal(vt_store_get_advisory(s, "X-1", &raw, &len, &err), VT_ENOTFOUND);
    assert_int_equal(vt_store_rollback(s), 0); /* none open: a no-op */

    assert_int_equal(vt_store_begin(s, &err), 0);
    assert_int_equal(put(s, &adv, "{}"), VT_UPSERT_INSERTED);
    assert_int_equal(vt_store_commit(s, &err), 0);
    vt_store_close(s);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisories"), 1);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisory_packages"), 1);
}

static void test_store__default_path_precedence(void **state)
{
    char *p;

    (void)state;
    setenv("VULNTRACK_DB", "/env/db.sqlite", 1);
    setenv("XDG_DATA_HOME", "/xdg", 1);
    setenv("HOME", "/home/someone", 1);
    p = vt_store_default_path("/explicit.db");
    assert_string_equal(p, "/explicit.db");
    vt_free(p);
    p = vt_store_default_path(NULL);
    assert_string_equal(p, "/env/db.sqlite");
    vt_free(p);
    setenv("VULNTRACK_DB", "", 1);
    p = vt_store_default_path(NULL);
    assert_string_equal(p, "/xdg/vulntrack/vulntrack.db");
    vt_free(p);
    unsetenv("VULNTRACK_DB");
    setenv("XDG_DATA_HOME", "relative/is/ignored", 1);
    p = vt_store_default_path(NULL);
    assert_string_equal(p, "/home/someone/.local/share/vulntrack/vulntrack.db");
    vt_free(p);
    unsetenv("XDG_DATA_HOME");
    p = vt_store_default_path(NULL);
    assert_string_equal(p, "/home/someone/.local/share/vulntrack/vulntrack.db");
    vt_free(p);
}

/* Every allocation vt_store_open makes may fail: each failure is VT_ENOMEM
 * with *out NULL and nothing leaked (ASan checks the leak). */
static void test_store__open_survives_allocation_failures(void **state)
{
    tmpdb *t = *state;
    vt_store *s;
    long n;
    int rc = -1;

    for (n = 0; n < 100; n++) {
        vt_error err = VT_ERROR_INIT;

        s = NULL;
        vt_alloc_fail_after(n);
        rc = vt_store_open(&s, t->path, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0)
            break;
        assert_int_equal(rc, VT_ENOMEM);
        assert_null(s);
    }
    assert_int_equal(rc, 0);
    assert_true(n > 0);
    vt_store_close(s);
}

/*
 * A put whose allocations fail part-way is VT_ENOMEM and leaves nothing
 * behind (its savepoint is rolled back), both for an insert and for an
 * update; once allocations succeed again the same put goes through.
 */
static void test_store__put_survives_allocation_failures(void **state)
{
    static const char v1[] =
        "{\"id\":\"GHSA-x\",\"modified\":\"2024-01-01T00:00:00Z\","
        "\"aliases\":[\"CVE-2024-9\"],\"affected\":[{\"package\":{\"ecosystem\":"
        "\"PyPI\",\"name\":\"A_B\"},\"versions\":[\"1\"]},{\"package\":{"
        "\"ecosystem\":\"npm\",\"name\":\"c\"},\"versions\":[\"1\"]}]}";
    static const char v2[] =
        "{\"id\":\"GHSA-x\",\"modified\":\"2024-03-01T00:00:00Z\","
        "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"d\"},"
        "\"versions\":[\"1\"]}]}";
    const char *texts[] = {v1, v2};
    const vt_upsert_outcome want[] = {VT_UPSERT_INSERTED, VT_UPSERT_UPDATED};
    tmpdb *t = *state;
    vt_store *s;
    size_t k;

    s = open_ok(t->path);
    for (k = 0; k < 2; k++) {
        vt_advisory *adv = NULL;
        vt_error err = VT_ERROR_INIT;
        vt_upsert_outcome o = 0;
        long n;
        int rc = -1;

        assert_int_equal(vt_osv_parse(&adv, texts[k], strlen(texts[k]), &err), 0);
        for (n = 0; n < 200; n++) {
            vt_alloc_fail_after(n);
            rc = vt_store_put_advisory(s, adv, texts[k], strlen(texts[k]), &o, &err);
            vt_alloc_fail_after(-1);
            if (rc == 0)
                break;
            assert_int_equal(rc, VT_ENOMEM);
        }
        assert_int_equal(rc, 0);
        assert_true(n > 0); /* some allocation did fail first */
        assert_int_equal(o, want[k]);
        vt_advisory_free(adv);
    }
    vt_store_close(s);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisories"), 1);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisory_packages"), 1);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM advisory_packages WHERE "
                                     "ecosystem_base = 'PyPI' AND name_key = 'd'"),
                     1);
    assert_int_equal(sql_int(t->path, "SELECT count(*) FROM aliases"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store__migrations_create_schema_and_reopen_is_idempotent, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_store__newer_schema_is_refused, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test(test_store__not_a_database_names_the_path),
        cmocka_unit_test_setup_teardown(test_store__upsert_follows_modified, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_store__find_by_ecosystem_and_normalised_name, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_store__update_replaces_index_rows_of_a_real_record, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_store__find_callback_can_stop, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_store__references_then_texts_in_one_snapshot, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_store__kev_put_and_get, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_store__stats_rows, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_store__rollback_discards_and_commit_keeps, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test(test_store__default_path_precedence),
        cmocka_unit_test_setup_teardown(test_store__open_survives_allocation_failures, tmpdb_setup, tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_store__put_survives_allocation_failures, tmpdb_setup, tmpdb_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
