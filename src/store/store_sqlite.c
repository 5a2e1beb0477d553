/*
 * store_sqlite.c - the SQLite backend behind store.h.
 *
 * One database file in WAL mode, so that a scan can read while an import
 * writes. Every statement the store runs more than once is prepared on first
 * use and kept in the vt_store: a bulk import runs the same handful of
 * statements tens of thousands of times, and parsing SQL each time would
 * cost more than the inserts themselves. sqlite3 types never leave this
 * file, so a PostgreSQL backend can implement store.h alone.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/match.h"
#include "vulntrack/store.h"

/* Milliseconds. How long a writer waits for another one before giving up. */
#define STORE_BUSY_TIMEOUT_MS 10000

enum store_stmt {
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_ADV_MODIFIED,
    ST_ADV_RAW,
    ST_ADV_INSERT,
    ST_ADV_UPDATE,
    ST_PKG_DELETE,
    ST_PKG_DELETE_ALL,
    ST_PKG_INSERT,
    ST_ALIAS_DELETE,
    ST_ALIAS_DELETE_ALL,
    ST_ALIAS_INSERT,
    ST_FIND,
    ST_GET,
    ST_KEV_GET,
    ST_KEV_PUT,
    ST_IMPORT_INSERT,
    ST_FIND_REFS,
    ST_COUNT
};

static const char *const store_sql[ST_COUNT] = {
    [ST_SAVEPOINT] = "SAVEPOINT vt_put",
    [ST_RELEASE] = "RELEASE vt_put",
    [ST_ROLLBACK_TO] = "ROLLBACK TO vt_put",
    [ST_ADV_MODIFIED] = "SELECT rid, modified_ms FROM advisories WHERE id = ?1",
    [ST_ADV_RAW] = "SELECT raw FROM advisories WHERE rid = ?1",
    [ST_ADV_INSERT] = "INSERT INTO advisories (id, modified_ms, modified, withdrawn, "
                      "raw, imported_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_ADV_UPDATE] = "UPDATE advisories SET modified_ms = ?2, modified = ?3, "
                      "withdrawn = ?4, raw = ?5, imported_at_ms = ?6 WHERE rid = ?1",
    [ST_PKG_DELETE] = "DELETE FROM advisory_packages WHERE ecosystem_base = ?1 AND "
                      "name_key = ?2 AND advisory_rid = ?3",
    [ST_PKG_DELETE_ALL] = "DELETE FROM advisory_packages WHERE advisory_rid = ?1",
    [ST_PKG_INSERT] = "INSERT OR IGNORE INTO advisory_packages "
                      "(ecosystem_base, name_key, advisory_rid) VALUES (?1, ?2, ?3)",
    [ST_ALIAS_DELETE] = "DELETE FROM aliases WHERE alias = ?1 AND advisory_rid = ?2",
    [ST_ALIAS_DELETE_ALL] = "DELETE FROM aliases WHERE advisory_rid = ?1",
    [ST_ALIAS_INSERT] = "INSERT OR IGNORE INTO aliases (alias, advisory_rid) VALUES (?1, ?2)",
    [ST_FIND] = "SELECT a.raw FROM advisory_packages p JOIN advisories a "
                "ON a.rid = p.advisory_rid WHERE p.ecosystem_base = ?1 AND p.name_key = ?2 "
                "ORDER BY a.id",
    [ST_GET] = "SELECT raw FROM advisories WHERE id = ?1",
    [ST_KEV_GET] = "SELECT cve, vendor, product, name, date_added, due_date, ransomware, "
                   "required_action FROM kev WHERE cve = ?1",
    [ST_KEV_PUT] = "INSERT OR REPLACE INTO kev (cve, vendor, product, name, date_added, "
                   "due_date, ransomware, required_action) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_IMPORT_INSERT] = "INSERT INTO imports (source, at_ms, imported, updated, unchanged, "
                         "skipped) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* The index alone answers this: neither the advisory rows (whose pages
     * hold the texts) nor a sorter are touched. */
    [ST_FIND_REFS] = "SELECT advisory_rid FROM advisory_packages "
                     "WHERE ecosystem_base = ?1 AND name_key = ?2 ORDER BY advisory_rid",
};

struct vt_store {
    sqlite3 *db;
    char *path;
    int schema_version;
    sqlite3_stmt *stmts[ST_COUNT];
    vt_buf pairs;      /* scratch: an advisory's "base\0key\0" pairs */
    const char **refs; /* scratch: pointers into `pairs`, sorted */
    size_t refs_cap;
    bool read_tx; /* vt_store_read_begin opened a transaction */
    /* Statements prepared by the other store files through
     * vt__store_prepare, keyed by the address of their SQL text. */
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cached[VT__STORE_CACHE_SLOTS];
};

/* The wall clock in milliseconds since the epoch, for bookkeeping columns. */
static int64_t store_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Report SQLite's last error on `s` as VT_EIO (VT_ENOMEM when it ran out). */
static int store_fail(vt_store *s, vt_error *err, const char *what)
{
    int rc = sqlite3_errcode(s->db);
    int code = (rc & 0xff) == SQLITE_NOMEM ? VT_ENOMEM : VT_EIO;

    return vt_error_set(err, code, 0, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

/* Run SQL without results (pragmas, transaction control, migrations). */
static int store_exec(vt_store *s, const char *sql, vt_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, err, sql);
    return 0;
}

/* The cached statement `id`, prepared on first use. */
static int store_stmt(vt_store *s, enum store_stmt id, sqlite3_stmt **out, vt_error *err)
{
    *out = s->stmts[id];
    if (*out)
        return 0;
    if (sqlite3_prepare_v3(s->db, store_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->stmts[id],
                           NULL) != SQLITE_OK)
        return store_fail(s, err, "preparing a statement");
    *out = s->stmts[id];
    return 0;
}

/* Make `st` ready for its next use; the bound strings are forgotten. */
static void store_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Step a statement that returns no rows, then reset it. */
static int store_step_done(vt_store *s, sqlite3_stmt *st, vt_error *err, const char *what)
{
    int rc = sqlite3_step(st);

    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        /* sqlite3_reset returns the statement's error, which keeps the message. */
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, what);
    }
    store_done(st);
    return 0;
}

/* Bind a string that may be NULL; the text must outlive the step. */
static int store_bind_str(sqlite3_stmt *st, int i, const char *v)
{
    if (!v)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Run a statement that takes a text parameter and a row id. */
static int store_run_text_rid(vt_store *s, enum store_stmt id, const char *a, int64_t rid,
                              vt_error *err)
{
    sqlite3_stmt *st;
    int error = store_stmt(s, id, &st, err);

    if (error < 0)
        return error;
    if (store_bind_str(st, 1, a) != SQLITE_OK || sqlite3_bind_int64(st, 2, rid) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    return store_step_done(s, st, err, store_sql[id]);
}

/* Run a statement that takes one row id. */
static int store_run_rid(vt_store *s, enum store_stmt id, int64_t rid, vt_error *err)
{
    sqlite3_stmt *st;
    int error = store_stmt(s, id, &st, err);

    if (error < 0)
        return error;
    if (sqlite3_bind_int64(st, 1, rid) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    return store_step_done(s, st, err, store_sql[id]);
}

/* Run a statement that takes two text parameters and a row id. */
static int store_run3(vt_store *s, enum store_stmt id, const char *a, const char *b,
                      int64_t rid, vt_error *err)
{
    sqlite3_stmt *st;
    int error = store_stmt(s, id, &st, err);

    if (error < 0)
        return error;
    if (store_bind_str(st, 1, a) != SQLITE_OK || store_bind_str(st, 2, b) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, rid) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    return store_step_done(s, st, err, store_sql[id]);
}

/* ------------------------------------------------------------------------ */
/* Paths */

char *vt_store_default_path(const char *explicit_path)
{
    vt_buf b = VT_BUF_INIT;
    const char *env;
    int error;

    if (explicit_path)
        return vt_strdup(explicit_path);
    env = getenv("VULNTRACK_DB");
    if (env && *env)
        return vt_strdup(env);
    /* The XDG base directory specification says relative values are to be
     * ignored, so only an absolute XDG_DATA_HOME counts. */
    env = getenv("XDG_DATA_HOME");
    if (env && env[0] == '/') {
        error = vt_buf_printf(&b, "%s/vulntrack/vulntrack.db", env);
    } else {
        env = getenv("HOME");
        if (env && *env)
            error = vt_buf_printf(&b, "%s/.local/share/vulntrack/vulntrack.db", env);
        else
            error = vt_buf_puts(&b, "vulntrack.db");
    }
    if (error < 0) {
        vt_buf_dispose(&b);
        return NULL;
    }
    return vt_buf_detach(&b);
}

/*
 * Create the directories above `path` that do not exist yet, like
 * `mkdir -p $(dirname path)`, so the per-user default works on first use.
 */
static int store_make_parents(const char *path, vt_error *err)
{
    char *copy = vt_strdup(path);
    struct stat st;
    char *p;
    int error = 0;

    if (!copy)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    for (p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (stat(copy, &st) != 0) {
            if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
                error = vt_error_set(err, VT_EIO, 0, "%s: cannot create directory %s: %s",
                                     path, copy, strerror(errno));
                goto out;
            }
        } else if (!S_ISDIR(st.st_mode)) {
            error = vt_error_set(err, VT_EIO, 0, "%s: %s is not a directory", path, copy);
            goto out;
        }
        *p = '/';
    }
out:
    vt_free(copy);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Opening and migrations */

static int store_user_version(vt_store *s, int *out, vt_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "reading the schema version");
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return store_fail(s, err, "reading the schema version");
    }
    *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 0;
}

/*
 * Apply migrations one by one, each in its own IMMEDIATE transaction. The
 * version is read again inside the transaction, so two processes opening a
 * new database at once do not both run migration 1.
 */
static int store_migrate(vt_store *s, vt_error *err)
{
    vt_buf sql = VT_BUF_INIT;
    int version = 0, error = 0;
    bool in_tx = false;

    for (;;) {
        error = store_exec(s, "BEGIN IMMEDIATE", err);
        if (error < 0)
            goto out;
        in_tx = true;
        error = store_user_version(s, &version, err);
        if (error < 0)
            goto out;
        if (version < 0 || (size_t)version > vt__store_migration_count) {
            error = vt_error_set(err, VT_EIO, 0,
                                 "%s: schema version %d is newer than this vulntrack "
                                 "knows (%zu); upgrade vulntrack",
                                 s->path, version, vt__store_migration_count);
            goto out;
        }
        if ((size_t)version == vt__store_migration_count)
            break;
        error = store_exec(s, vt__store_migrations[version], err);
        if (error < 0)
            goto out;
        vt_buf_clear(&sql);
        error = vt_buf_printf(&sql,
                              "INSERT INTO schema_version (version, applied_at_ms) "
                              "VALUES (%d, %lld); PRAGMA user_version = %d;",
                              version + 1, (long long)store_now_ms(), version + 1);
        if (error < 0) {
            vt_error_set(err, error, 0, "%s", vt_strerror(error));
            goto out;
        }
        error = store_exec(s, sql.ptr, err);
        if (error < 0)
            goto out;
        error = store_exec(s, "COMMIT", err);
        if (error < 0)
            goto out;
        in_tx = false;
    }
    error = store_exec(s, "COMMIT", err);
    if (error < 0)
        goto out;
    in_tx = false;
    s->schema_version = version;
out:
    if (in_tx)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    vt_buf_dispose(&sql);
    return error;
}

int vt_store_open(vt_store **out, const char *path, vt_error *err)
{
    vt_store *s = NULL;
    int error = 0, rc;

    assert(out && path);
    *out = NULL;
    s = vt_calloc(1, sizeof(*s));
    if (!s)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    vt_buf_init(&s->pairs, 0);
    s->path = vt_strdup(path);
    if (!s->path) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    if (strcmp(path, ":memory:") != 0) {
        error = store_make_parents(path, err);
        if (error < 0)
            goto out;
    }
    rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        if (!s->db) {
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
            goto out;
        }
        error = store_fail(s, err, "cannot open");
        goto out;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    /* WAL lets readers run beside one writer. With WAL, synchronous=NORMAL
     * still never corrupts the file; a power cut can only lose the last
     * commits, and it makes bulk imports much cheaper. */
    /* Bytes per page, for a new database only (SQLite ignores it once the
     * file has content). Advisory records average 4 KB of JSON: with 16 KB
     * pages most fit in one page without an overflow chain, and a bulk
     * import makes a quarter of the page writes, which took a fifth of its
     * time at the 4 KB default. */
    error = store_exec(s, "PRAGMA page_size = 16384", err);
    if (error < 0)
        goto out;
    error = store_exec(s, "PRAGMA journal_mode = WAL", err);
    if (error < 0)
        goto out;
    /* Statement journals (of savepoints and of statements that may fail
     * half-way) stay in memory: as temporary files they cost a write per
     * page touched, several times the import's real writes. */
    error = store_exec(s,
                       "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
                       "PRAGMA temp_store = MEMORY",
                       err);
    if (error < 0)
        goto out;
    error = store_migrate(s, err);
    if (error < 0)
        goto out;
    *out = s;
    s = NULL;
out:
    vt_store_close(s);
    return error;
}

sqlite3 *vt__store_db(vt_store *s)
{
    return s->db;
}

int vt__store_fail(vt_store *s, vt_error *err, const char *what)
{
    return store_fail(s, err, what);
}

int vt__store_prepare(vt_store *s, const char *sql, sqlite3_stmt **out, vt_error *err)
{
    size_t h = ((uintptr_t)sql >> 3) % VT__STORE_CACHE_SLOTS;
    size_t i;

    for (i = 0; i < VT__STORE_CACHE_SLOTS; i++) {
        size_t slot = (h + i) % VT__STORE_CACHE_SLOTS;

        if (s->cached[slot].sql == sql) {
            sqlite3_reset(s->cached[slot].st);
            sqlite3_clear_bindings(s->cached[slot].st);
            *out = s->cached[slot].st;
            return 0;
        }
        if (!s->cached[slot].sql) {
            if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                   &s->cached[slot].st, NULL) != SQLITE_OK)
                return store_fail(s, err, "cannot prepare a statement");
            s->cached[slot].sql = sql;
            *out = s->cached[slot].st;
            return 0;
        }
    }
    /* More distinct statements than slots: a programming error (raise
     * VT__STORE_CACHE_SLOTS), reported rather than leaking statements. */
    return vt_error_set(err, VT_EINTERNAL, 0, "store statement cache is full (%d slots)",
                        VT__STORE_CACHE_SLOTS);
}

int vt_store_set_cache_kib(vt_store *s, int kib, vt_error *err)
{
    char sql[64];

    /* A negative cache_size is a size in KiB rather than in pages. */
    snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", kib > 0 ? kib : 1);
    return store_exec(s, sql, err);
}

int vt_store_set_durable(vt_store *s, vt_error *err)
{
    return store_exec(s, "PRAGMA synchronous = FULL", err);
}

void vt_store_close(vt_store *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    for (i = 0; i < VT__STORE_CACHE_SLOTS; i++)
        sqlite3_finalize(s->cached[i].st);
    /* sqlite3_close_v2 with no statement left open closes at once; a
     * transaction still open is rolled back by SQLite. */
    sqlite3_close_v2(s->db);
    vt_buf_dispose(&s->pairs);
    vt_free(s->refs);
    vt_free(s->path);
    vt_free(s);
}

int vt_store_schema_version(vt_store *s)
{
    return s->schema_version;
}

/* ------------------------------------------------------------------------ */
/* Transactions */

int vt_store_begin(vt_store *s, vt_error *err)
{
    /* IMMEDIATE takes the write lock now, so a transaction that only reads
     * first cannot fail later with SQLITE_BUSY on its first write. */
    return store_exec(s, "BEGIN IMMEDIATE", err);
}

int vt_store_commit(vt_store *s, vt_error *err)
{
    return store_exec(s, "COMMIT", err);
}

int vt_store_savepoint(vt_store *s, vt_error *err)
{
    return store_exec(s, "SAVEPOINT vt_unit", err);
}

int vt_store_savepoint_release(vt_store *s, vt_error *err)
{
    return store_exec(s, "RELEASE vt_unit", err);
}

int vt_store_savepoint_rollback(vt_store *s, vt_error *err)
{
    int error = store_exec(s, "ROLLBACK TO vt_unit", err);

    return error < 0 ? error : store_exec(s, "RELEASE vt_unit", err);
}

int vt_store_read_begin(vt_store *s, vt_error *err)
{
    int error;

    assert(s);
    /* Inside the caller's transaction the reads already share one
     * snapshot; there is nothing to open. */
    if (s->read_tx || !sqlite3_get_autocommit(s->db))
        return 0;
    error = store_exec(s, "BEGIN DEFERRED", err);
    if (error >= 0)
        s->read_tx = true;
    return error;
}

void vt_store_read_end(vt_store *s)
{
    if (!s || !s->read_tx)
        return;
    s->read_tx = false;
    /* A transaction that only read has nothing to lose: if COMMIT fails,
     * ROLLBACK releases the snapshot just as well. */
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int vt_store_rollback(vt_store *s)
{
    if (sqlite3_get_autocommit(s->db))
        return 0;
    if (sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
        return VT_EIO;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Advisories */

/* Append one "base\0key\0" pair to s->pairs. */
static int store_add_pair(vt_store *s, const char *base, size_t base_len, const char *ecosystem,
                          const char *name)
{
    int error = vt_buf_put(&s->pairs, base, base_len);

    if (error >= 0)
        error = vt_buf_putc(&s->pairs, '\0');
    if (error >= 0)
        error = vt_osv_normalize_name(&s->pairs, ecosystem, name);
    if (error >= 0)
        error = vt_buf_putc(&s->pairs, '\0');
    return error;
}

/* Orders "base\0key\0" pairs by base, then key. */
static int store_cmp_pairs(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    int c = strcmp(a, b);

    if (c != 0)
        return c;
    return strcmp(a + strlen(a) + 1, b + strlen(b) + 1);
}

/*
 * Collect the advisory's (ecosystem base, name key) pairs into s->pairs as
 * "base\0key\0" strings and point s->refs at them, sorted. AlmaLinux
 * records name one package in many affected entries (one per module
 * stream), so sorting and skipping repeats saves most of the inserts.
 */
static int store_collect_pairs(vt_store *s, const vt_advisory *adv, size_t *count)
{
    size_t i, j, n = 0, off;
    int error;

    vt_buf_clear(&s->pairs);
    for (i = 0; i < adv->naffected; i++) {
        const vt_osv_affected *a = &adv->affected[i];
        const char *colon;

        if (!a->ecosystem || !a->name) {
            /* osv.dev files package-less records with commit ranges under
             * "GIT", by repository. */
            for (j = 0; j < a->nranges; j++) {
                if (a->ranges[j].type != VT_OSV_RANGE_GIT || !a->ranges[j].repo)
                    continue;
                error = store_add_pair(s, "GIT", 3, "GIT", a->ranges[j].repo);
                if (error < 0)
                    return error;
                n++;
            }
            continue;
        }
        colon = strchr(a->ecosystem, ':');
        error = store_add_pair(s, a->ecosystem,
                               colon ? (size_t)(colon - a->ecosystem) : strlen(a->ecosystem),
                               a->ecosystem, a->name);
        if (error < 0)
            return error;
        n++;
    }
    if (n > s->refs_cap) {
        const char **grown = vt_realloc(s->refs, n * sizeof(*grown));

        if (!grown)
            return VT_ENOMEM;
        s->refs = grown;
        s->refs_cap = n;
    }
    /* Pointers are taken only now: the buffer may have moved while growing. */
    for (i = 0, off = 0; i < n; i++) {
        s->refs[i] = s->pairs.ptr + off;
        off += strlen(s->pairs.ptr + off) + 1;
        off += strlen(s->pairs.ptr + off) + 1;
    }
    if (n > 1)
        qsort(s->refs, n, sizeof(*s->refs), store_cmp_pairs);
    *count = n;
    return 0;
}

/*
 * Insert (remove = false) or delete the lookup rows of one advisory: its
 * packages and its aliases. Repeated pairs are visited once.
 */
static int store_index_rows(vt_store *s, const vt_advisory *adv, int64_t rid, bool remove,
                            vt_error *err)
{
    const char *prev = NULL;
    size_t i, n = 0;
    int error;

    error = store_collect_pairs(s, adv, &n);
    if (error < 0)
        return vt_error_set(err, error, 0, "%s", vt_strerror(error));
    for (i = 0; i < n; i++) {
        const char *base = s->refs[i], *key = base + strlen(base) + 1;

        if (prev && store_cmp_pairs(&prev, &s->refs[i]) == 0)
            continue;
        error = store_run3(s, remove ? ST_PKG_DELETE : ST_PKG_INSERT, base, key, rid, err);
        if (error < 0)
            return error;
        prev = base;
    }
    for (i = 0; i < adv->naliases; i++) {
        error = store_run_text_rid(s, remove ? ST_ALIAS_DELETE : ST_ALIAS_INSERT,
                                   adv->aliases[i], rid, err);
        if (error < 0)
            return error;
    }
    return 0;
}

/*
 * Delete the lookup rows of the stored version of advisory `rid`, found by
 * parsing its stored text. Should that text no longer parse (a stricter
 * reader), every row is found by a full scan instead: slow, but only then.
 */
static int store_unindex_old(vt_store *s, int64_t rid, vt_error *err)
{
    sqlite3_stmt *st;
    vt_advisory *old = NULL;
    int error, rc;

    error = store_stmt(s, ST_ADV_RAW, &st, err);
    if (error < 0)
        return error;
    if (sqlite3_bind_int64(st, 1, rid) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, "reading an advisory");
    }
    error = vt_osv_parse(&old, (const char *)sqlite3_column_text(st, 0),
                         (size_t)sqlite3_column_bytes(st, 0), NULL);
    store_done(st);
    if (error == VT_ENOMEM)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error < 0) {
        error = store_run_rid(s, ST_PKG_DELETE_ALL, rid, err);
        if (error >= 0)
            error = store_run_rid(s, ST_ALIAS_DELETE_ALL, rid, err);
        return error;
    }
    error = store_index_rows(s, old, rid, true, err);
    vt_advisory_free(old);
    return error;
}

/* Insert (rid = 0) or update the advisories row itself; *out_rid is its rid. */
static int store_write_advisory(vt_store *s, const vt_advisory *adv, const char *raw,
                                size_t raw_len, int64_t rid, int64_t *out_rid, vt_error *err)
{
    sqlite3_stmt *st;
    int error = store_stmt(s, rid ? ST_ADV_UPDATE : ST_ADV_INSERT, &st, err);

    if (error < 0)
        return error;
    if ((rid ? sqlite3_bind_int64(st, 1, rid) : store_bind_str(st, 1, adv->id)) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, adv->modified_ms) != SQLITE_OK ||
        store_bind_str(st, 3, adv->modified ? adv->modified : "") != SQLITE_OK ||
        store_bind_str(st, 4, adv->withdrawn) != SQLITE_OK ||
        sqlite3_bind_text64(st, 5, raw, raw_len, SQLITE_STATIC, SQLITE_UTF8) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, store_now_ms()) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    error = store_step_done(s, st, err, rid ? "updating an advisory" : "inserting an advisory");
    if (error < 0)
        return error;
    *out_rid = rid ? rid : sqlite3_last_insert_rowid(s->db);
    return 0;
}

/* Whether the stored text of advisory `rid` is byte for byte raw[0..len). */
static int store_raw_equals(vt_store *s, int64_t rid, const char *raw, size_t len, bool *same,
                            vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    *same = false;
    error = store_stmt(s, ST_ADV_RAW, &st, err);
    if (error < 0)
        return error;
    if (sqlite3_bind_int64(st, 1, rid) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *stored = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);

        *same = n == len && (n == 0 || memcmp(stored, raw, n) == 0);
    } else if (rc != SQLITE_DONE) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, "reading a stored advisory");
    }
    store_done(st);
    return 0;
}

/* The body of vt_store_put_advisory. */
static int store_put_advisory_body(vt_store *s, const vt_advisory *adv, const char *raw,
                                   size_t raw_len, vt_upsert_outcome *outcome, vt_error *err)
{
    sqlite3_stmt *st;
    int64_t stored_ms = 0, rid = 0;
    int error, rc;

    error = store_stmt(s, ST_ADV_MODIFIED, &st, err);
    if (error < 0)
        return error;
    if (store_bind_str(st, 1, adv->id) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rid = sqlite3_column_int64(st, 0);
        stored_ms = sqlite3_column_int64(st, 1);
    } else if (rc != SQLITE_DONE) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, "looking up an advisory");
    }
    store_done(st);

    if (rid && adv->modified_ms < stored_ms) {
        *outcome = VT_UPSERT_UNCHANGED;
        return 0;
    }
    /*
     * An equal `modified` replaces the record only when its text differs:
     * every Go record carries the placeholder 0001-01-01T00:00:00Z, and a
     * changed Go advisory must not be kept stale for ever.
     */
    if (rid && adv->modified_ms == stored_ms) {
        bool same;

        error = store_raw_equals(s, rid, raw, raw_len, &same, err);
        if (error < 0)
            return error;
        if (same) {
            *outcome = VT_UPSERT_UNCHANGED;
            return 0;
        }
    }
    if (rid) {
        error = store_unindex_old(s, rid, err);
        if (error < 0)
            return error;
    }
    *outcome = rid ? VT_UPSERT_UPDATED : VT_UPSERT_INSERTED;
    error = store_write_advisory(s, adv, raw, raw_len, rid, &rid, err);
    if (error < 0)
        return error;
    return store_index_rows(s, adv, rid, false, err);
}

int vt_store_put_advisory(vt_store *s, const vt_advisory *adv, const char *raw, size_t raw_len,
                          vt_upsert_outcome *outcome, vt_error *err)
{
    sqlite3_stmt *st;
    vt_upsert_outcome result = VT_UPSERT_UNCHANGED;
    bool own_savepoint;
    int error;

    assert(s && adv && adv->id && raw);
    /*
     * Alone, the put is made atomic with a savepoint. Inside the caller's
     * transaction it is not: a failure there means the transaction is rolled
     * back as a whole (store.h says so), and skipping the savepoint spares a
     * bulk import two statements and the sub-journal for every record.
     */
    own_savepoint = sqlite3_get_autocommit(s->db) != 0;
    if (own_savepoint) {
        error = store_stmt(s, ST_SAVEPOINT, &st, err);
        if (error < 0)
            return error;
        error = store_step_done(s, st, err, "starting a savepoint");
        if (error < 0)
            return error;
    }
    error = store_put_advisory_body(s, adv, raw, raw_len, &result, err);
    if (own_savepoint) {
        if (error < 0 && store_stmt(s, ST_ROLLBACK_TO, &st, NULL) == 0)
            store_step_done(s, st, NULL, "rolling back a savepoint");
        /* RELEASE after ROLLBACK TO closes the savepoint in both cases. */
        if (store_stmt(s, ST_RELEASE, &st, error < 0 ? NULL : err) == 0) {
            int released =
                store_step_done(s, st, error < 0 ? NULL : err, "releasing a savepoint");

            if (error >= 0)
                error = released;
        }
    }
    if (error >= 0 && outcome)
        *outcome = result;
    return error;
}

int vt_store_find_advisories(vt_store *s, const char *ecosystem_base, const char *name,
                             int (*each)(void *ctx, const char *raw, size_t len), void *ctx,
                             vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    assert(s && ecosystem_base && name && each);
    error = store_stmt(s, ST_FIND, &st, err);
    if (error < 0)
        return error;
    if (store_bind_str(st, 1, ecosystem_base) != SQLITE_OK ||
        store_bind_str(st, 2, name) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *raw = (const char *)sqlite3_column_text(st, 0);
        size_t len = (size_t)sqlite3_column_bytes(st, 0);

        if (!raw) {
            store_done(st);
            return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        }
        error = each(ctx, raw, len);
        if (error < 0) {
            store_done(st);
            return error;
        }
    }
    if (rc != SQLITE_DONE) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, "finding advisories");
    }
    store_done(st);
    return 0;
}

int vt_store_find_advisory_refs(vt_store *s, const char *ecosystem_base, const char *name,
                                int (*each)(void *ctx, int64_t ref), void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    assert(s && ecosystem_base && name && each);
    error = store_stmt(s, ST_FIND_REFS, &st, err);
    if (error < 0)
        return error;
    if (store_bind_str(st, 1, ecosystem_base) != SQLITE_OK ||
        store_bind_str(st, 2, name) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        error = each(ctx, sqlite3_column_int64(st, 0));
        if (error < 0) {
            store_done(st);
            return error;
        }
    }
    if (rc != SQLITE_DONE) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, "finding advisories");
    }
    store_done(st);
    return 0;
}

int vt_store_read_advisory(vt_store *s, int64_t ref, bool *found,
                           int (*each)(void *ctx, const char *raw, size_t len), void *ctx,
                           vt_error *err)
{
    sqlite3_stmt *st;
    const char *raw;
    size_t len;
    int error, rc;

    assert(s && found && each);
    *found = false;
    error = store_stmt(s, ST_ADV_RAW, &st, err);
    if (error < 0)
        return error;
    if (sqlite3_bind_int64(st, 1, ref) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        store_done(st);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, "reading an advisory");
    }
    raw = (const char *)sqlite3_column_text(st, 0);
    len = (size_t)sqlite3_column_bytes(st, 0);
    if (!raw) {
        store_done(st);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    }
    *found = true;
    error = each(ctx, raw, len);
    store_done(st);
    return error;
}

int vt_store_get_advisory(vt_store *s, const char *id, char **raw, size_t *len, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    assert(s && id && raw);
    *raw = NULL;
    if (len)
        *len = 0;
    error = store_stmt(s, ST_GET, &st, err);
    if (error < 0)
        return error;
    if (store_bind_str(st, 1, id) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        store_done(st);
        return vt_error_set(err, VT_ENOTFOUND, 0, "no advisory '%s'", id);
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, "reading an advisory");
    }
    {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);

        *raw = text ? vt_strndup(text, n) : NULL;
        if (*raw && len)
            *len = n;
    }
    store_done(st);
    if (!*raw)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    return 0;
}

/* ------------------------------------------------------------------------ */
/* KEV */

static bool store_same(const char *a, const unsigned char *b)
{
    if (!a || !b)
        return !a && !b;
    return strcmp(a, (const char *)b) == 0;
}

int vt_store_upsert_kev(vt_store *s, const vt_kev_entry *e, vt_upsert_outcome *outcome,
                        vt_error *err)
{
    sqlite3_stmt *st;
    bool exists = false, same = false;
    int error, rc;

    assert(s && e && e->cve);
    /* Catalogue entries carry no modification time, so an entry whose
     * fields are all equal is "unchanged" and anything else replaces it. */
    error = store_stmt(s, ST_KEV_GET, &st, err);
    if (error < 0)
        return error;
    if (store_bind_str(st, 1, e->cve) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        exists = true;
        same = store_same(e->vendor, sqlite3_column_text(st, 1)) &&
               store_same(e->product, sqlite3_column_text(st, 2)) &&
               store_same(e->name, sqlite3_column_text(st, 3)) &&
               store_same(e->date_added, sqlite3_column_text(st, 4)) &&
               store_same(e->due_date, sqlite3_column_text(st, 5)) &&
               store_same(e->ransomware, sqlite3_column_text(st, 6)) &&
               store_same(e->required_action, sqlite3_column_text(st, 7));
    } else if (rc != SQLITE_DONE) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, "looking up a KEV entry");
    }
    store_done(st);
    if (same) {
        if (outcome)
            *outcome = VT_UPSERT_UNCHANGED;
        return 0;
    }
    error = store_stmt(s, ST_KEV_PUT, &st, err);
    if (error < 0)
        return error;
    if (store_bind_str(st, 1, e->cve) != SQLITE_OK ||
        store_bind_str(st, 2, e->vendor) != SQLITE_OK ||
        store_bind_str(st, 3, e->product) != SQLITE_OK ||
        store_bind_str(st, 4, e->name) != SQLITE_OK ||
        store_bind_str(st, 5, e->date_added) != SQLITE_OK ||
        store_bind_str(st, 6, e->due_date) != SQLITE_OK ||
        store_bind_str(st, 7, e->ransomware) != SQLITE_OK ||
        store_bind_str(st, 8, e->required_action) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    error = store_step_done(s, st, err, "storing a KEV entry");
    if (error < 0)
        return error;
    if (outcome)
        *outcome = exists ? VT_UPSERT_UPDATED : VT_UPSERT_INSERTED;
    return 0;
}

int vt_store_put_kev(vt_store *s, const vt_kev_entry *e, vt_error *err)
{
    return vt_store_upsert_kev(s, e, NULL, err);
}

int vt_store_get_kev(vt_store *s, const char *cve, bool *found,
                     void (*each)(void *ctx, const vt_kev_entry *e), void *ctx, vt_error *err)
{
    sqlite3_stmt *st;
    int error, rc;

    assert(s && cve && found);
    *found = false;
    error = store_stmt(s, ST_KEV_GET, &st, err);
    if (error < 0)
        return error;
    if (store_bind_str(st, 1, cve) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        vt_kev_entry e;

        *found = true;
        e.cve = (const char *)sqlite3_column_text(st, 0);
        e.vendor = (const char *)sqlite3_column_text(st, 1);
        e.product = (const char *)sqlite3_column_text(st, 2);
        e.name = (const char *)sqlite3_column_text(st, 3);
        e.date_added = (const char *)sqlite3_column_text(st, 4);
        e.due_date = (const char *)sqlite3_column_text(st, 5);
        e.ransomware = (const char *)sqlite3_column_text(st, 6);
        e.required_action = (const char *)sqlite3_column_text(st, 7);
        if (each)
            each(ctx, &e);
    } else if (rc != SQLITE_DONE) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return store_fail(s, err, "looking up a KEV entry");
    }
    store_done(st);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Import log and statistics */

int vt_store_record_import(vt_store *s, const char *source, int64_t at_ms, long imported,
                           long updated, long unchanged, long skipped, vt_error *err)
{
    sqlite3_stmt *st;
    int error;

    assert(s && source);
    error = store_stmt(s, ST_IMPORT_INSERT, &st, err);
    if (error < 0)
        return error;
    if (store_bind_str(st, 1, source) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, at_ms) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, imported) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, updated) != SQLITE_OK ||
        sqlite3_bind_int64(st, 5, unchanged) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, skipped) != SQLITE_OK) {
        store_done(st);
        return store_fail(s, err, "binding");
    }
    return store_step_done(s, st, err, "recording an import");
}

/* Milliseconds since the epoch as RFC 3339 UTC with seconds. */
static void store_format_time(char out[32], int64_t ms)
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;

    if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        memcpy(out, "?", 2);
}

/*
 * Run one statistics query whose rows are (name, count[, at_ms]) and report
 * each as a row of `kind`.
 */
static int store_stats_query(vt_store *s, const char *kind, const char *sql,
                             void (*each)(void *ctx, const vt_store_stat *row), void *ctx,
                             vt_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "reading statistics");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_store_stat row;
        char when[32];

        row.kind = kind;
        row.name = (const char *)sqlite3_column_text(st, 0);
        row.count = (long)sqlite3_column_int64(st, 1);
        row.when = NULL;
        if (sqlite3_column_count(st) > 2) {
            store_format_time(when, sqlite3_column_int64(st, 2));
            row.when = when;
        }
        if (!row.name)
            row.name = "";
        each(ctx, &row);
    }
    if (rc != SQLITE_DONE) {
        sqlite3_finalize(st);
        return store_fail(s, err, "reading statistics");
    }
    sqlite3_finalize(st);
    return 0;
}

int vt_store_stats(vt_store *s, void (*each)(void *ctx, const vt_store_stat *row), void *ctx,
                   vt_error *err)
{
    int error;

    assert(s && each);
    error = store_stats_query(s, "advisories", "SELECT 'total', count(*) FROM advisories",
                              each, ctx, err);
    if (error >= 0)
        error = store_stats_query(s, "ecosystem",
                                  "SELECT ecosystem_base, count(DISTINCT advisory_rid) "
                                  "FROM advisory_packages GROUP BY ecosystem_base "
                                  "UNION ALL "
                                  "SELECT '(no package)', n FROM (SELECT "
                                  "(SELECT count(*) FROM advisories) - "
                                  "(SELECT count(DISTINCT advisory_rid) FROM advisory_packages) "
                                  "AS n) WHERE n > 0 "
                                  "ORDER BY 1",
                                  each, ctx, err);
    if (error >= 0)
        error = store_stats_query(s, "kev", "SELECT 'entries', count(*) FROM kev", each, ctx,
                                  err);
    if (error >= 0)
        error = store_stats_query(s, "source",
                                  "SELECT source, imported + updated + unchanged, at_ms "
                                  "FROM imports WHERE id IN "
                                  "(SELECT max(id) FROM imports GROUP BY source) "
                                  "ORDER BY source",
                                  each, ctx, err);
    return error;
}
