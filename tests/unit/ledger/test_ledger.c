/*
 * test_ledger.c - the receipt ledger: the canonical encoding against known
 * answers computed independently (docs/ledger.md), append and verify,
 * tampering with every column through a second SQLite connection, deleted
 * and reordered entries, checkpoints and their signatures, the retention
 * floor and the month rule of purges, the signing key file, and the export
 * verified with nothing but the public key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/store.h"
#include "vulntrack/store_ledger.h"

/* 2026-01-01T00:00:00Z in ms. */
#define T_2026_01_01 INT64_C(1767225600000)

typedef struct fixture {
    char dir[64];
    char path[128];
    char key_path[160];
    vt_store *s;
    vt_ledger_key key;
} fixture;

static int fx_setup(void **state)
{
    static fixture f;
    vt_error err = VT_ERROR_INIT;
    bool created = false;

    memset(&f, 0, sizeof(f));
    snprintf(f.dir, sizeof(f.dir), "/tmp/vt-ledger-test-XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    snprintf(f.path, sizeof(f.path), "%s/test.db", f.dir);
    snprintf(f.key_path, sizeof(f.key_path), "%s/test.db.ledger-key", f.dir);
    if (vt_store_open(&f.s, f.path, &err) != 0)
        fail_msg("vt_store_open: %s", err.msg);
    if (vt_ledger_key_load_or_create(f.key_path, &f.key, &created, &err) != 0)
        fail_msg("key: %s", err.msg);
    assert_true(created);
    *state = &f;
    return 0;
}

static int fx_teardown(void **state)
{
    fixture *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[200];

    vt_store_close(f->s);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    unlink(f->key_path);
    snprintf(p, sizeof(p), "%s/export.jsonl", f->dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/other-key", f->dir);
    unlink(p);
    return rmdir(f->dir);
}

/* Run `sql` on a second, plain connection: what someone editing the file
 * behind the service's back would do. */
static void raw_sql(const fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static vt_ledger_receipt append_one(fixture *f, int64_t at_ms, const char *subject,
                                    const char *detail)
{
    vt_ledger_entry_in in = {0};
    vt_ledger_receipt r;
    vt_error err = VT_ERROR_INIT;
    char content[64];

    snprintf(content, sizeof(content), "report body of %s", subject);
    in.kind = "report.received";
    in.channel = "api";
    in.actor = "token:acme";
    in.subject = subject;
    in.content = content;
    in.content_len = strlen(content);
    in.detail = detail;
    in.at_ms = at_ms;
    assert_int_equal(vt_store_begin(f->s, &err), 0);
    if (vt_ledger_append(f->s, &in, &r, &err) != 0)
        fail_msg("append: %s", err.msg);
    assert_int_equal(vt_store_commit(f->s, &err), 0);
    return r;
}

/* `n` entries one hour apart from `start_ms`. */
static void append_n(fixture *f, int n, int64_t start_ms)
{
    char subject[32];

    for (int i = 0; i < n; i++) {
        snprintf(subject, sizeof(subject), "VT-R-%04d", i + 1);
        append_one(f, start_ms + i * VT_MS_PER_HOUR, subject, "{\"product\":\"router\"}");
    }
}

static void checkpoint_now(fixture *f, int64_t now_ms)
{
    vt_error err = VT_ERROR_INIT;

    assert_int_equal(vt_store_begin(f->s, &err), 0);
    if (vt_ledger_checkpoint(f->s, &f->key, now_ms, &err) != 0)
        fail_msg("checkpoint: %s", err.msg);
    assert_int_equal(vt_store_commit(f->s, &err), 0);
}

static vt_ledger_verify_result verify(fixture *f, const uint8_t *pk)
{
    vt_ledger_verify_result r;
    vt_error err = VT_ERROR_INIT;

    if (vt_ledger_verify(f->s, pk, &r, &err) != 0)
        fail_msg("verify: %s", err.msg);
    return r;
}

static void assert_broken_at(fixture *f, int64_t seq, const char *why)
{
    vt_ledger_verify_result r = verify(f, NULL);

    if (r.intact)
        fail_msg("expected the ledger to be broken at %lld (%s)", (long long)seq, why);
    if (r.bad_seq != seq)
        fail_msg("expected bad_seq %lld (%s), got %lld: %s", (long long)seq, why,
                 (long long)r.bad_seq, r.reason);
    if (why && !strstr(r.reason, why))
        fail_msg("reason \"%s\" does not say \"%s\"", r.reason, why);
}

/* ------------------------------------------------------------------------ */

static int kat_each(void *ctx, const vt_ledger_entry *e)
{
    char (*hashes)[65] = ctx;

    snprintf(hashes[e->seq - 1], 65, "%s", e->entry_hash);
    if (e->seq == 1) {
        assert_string_equal(e->content_sha256,
                            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
        assert_string_equal(e->detail, "{\"a\":1,\"b\":\"x\"}");
        assert_string_equal(e->prev_hash, VT_LEDGER_GENESIS_HASH);
    }
    return 0;
}

/* Known answers computed with Python's hashlib from docs/ledger.md alone. */
static void test_ledger__known_answer(void **state)
{
    fixture *f = *state;
    vt_ledger_entry_in in = {0};
    vt_ledger_receipt r;
    vt_error err = VT_ERROR_INIT;
    char hashes[2][65];

    in.kind = "report.received";
    in.channel = "api";
    in.actor = "token:acme";
    in.subject = "VT-R-0001";
    in.content = "hello\n";
    in.content_len = 6;
    in.detail = " { \"b\" : \"x\", \"a\" : 1.0 } ";
    in.at_ms = 1780000000000;
    assert_int_equal(vt_store_begin(f->s, &err), 0);
    assert_int_equal(vt_ledger_append(f->s, &in, &r, &err), 0);
    assert_int_equal(r.seq, 1);
    assert_string_equal(r.entry_hash,
                        "f60db8962dd78a204f50b7ac45fba6fa962286cfb32f84279f214236b106a385");
    assert_string_equal(r.received_at, "2026-05-28T20:26:40.000Z");
    memset(&in, 0, sizeof(in));
    in.kind = "case.transition";
    in.channel = "cli";
    in.actor = "user:ana";
    in.subject = "CASE-1";
    in.at_ms = 1780000000001;
    assert_int_equal(vt_ledger_append(f->s, &in, &r, &err), 0);
    assert_int_equal(vt_store_commit(f->s, &err), 0);
    assert_int_equal(r.seq, 2);
    assert_string_equal(r.entry_hash,
                        "53dcd2a6434678c674dc1c43e8f04bf1f063c51b0f0a151be9c99e8263e40089");
    assert_int_equal(vt_ledger_list(f->s, 0, 0, kat_each, hashes, &err), 0);
    assert_string_equal(hashes[1], r.entry_hash);
}

struct detail_case {
    const char *in;
    const char *canonical; /* NULL: refused */
};

static int last_detail_each(void *ctx, const vt_ledger_entry *e)
{
    snprintf(ctx, 256, "%s", e->detail);
    return 0;
}

static void test_ledger__detail_canonical(void **state)
{
    static const struct detail_case cases[] = {
        {"{}", "{}"},
        {"{\"z\":[3,2,{\"y\":null,\"x\":true}],\"a\":false}",
         "{\"a\":false,\"z\":[3,2,{\"x\":true,\"y\":null}]}"},
        {"{\"s\":\"tab\\there \\u00e9 \\\"q\\\" \\u0001\"}",
         "{\"s\":\"tab\\there \xc3\xa9 \\\"q\\\" \\u0001\"}"},
        {"{\"n\":2.5,\"m\":-0.1,\"big\":1e300,\"i\":-42}",
         "{\"big\":1e+300,\"i\":-42,\"m\":-0.1,\"n\":2.5}"},
        {"{\"B\":1,\"a\":2}", "{\"B\":1,\"a\":2}"},
        {"[1]", NULL},
        {"{\"a\":1,\"a\":2}", NULL},
        {"{\"a\":1} x", NULL},
        {"{\"a\":", NULL},
        {"\"text\"", NULL},
        {"{\"a\":\"x\\u0000y\"}", NULL},
        {"{\"a\":\"x\\\\u0000y\"}", "{\"a\":\"x\\\\u0000y\"}"},
    };
    fixture *f = *state;
    char got[256];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vt_ledger_entry_in in = {0};
        vt_error err = VT_ERROR_INIT;
        int rc;

        in.kind = "case.event";
        in.channel = "system";
        in.actor = "system";
        in.subject = "CASE-1";
        in.detail = cases[i].in;
        in.at_ms = T_2026_01_01;
        assert_int_equal(vt_store_begin(f->s, &err), 0);
        rc = vt_ledger_append(f->s, &in, NULL, &err);
        assert_int_equal(vt_store_commit(f->s, &err), 0);
        if (!cases[i].canonical) {
            if (rc != VT_EINVALID)
                fail_msg("detail %s: accepted", cases[i].in);
            assert_string_equal(err.field, "/detail");
            continue;
        }
        if (rc != 0)
            fail_msg("detail %s: %s", cases[i].in, err.msg);
        int64_t h = 0;
        assert_int_equal(vt_ledger_height(f->s, &h, &err), 0);
        assert_int_equal(vt_ledger_list(f->s, h - 1, 1, last_detail_each, got, &err), 0);
        assert_string_equal(got, cases[i].canonical);
    }
    assert_true(verify(f, NULL).intact);
}

static void test_ledger__append_refuses_bad_fields(void **state)
{
    fixture *f = *state;
    vt_ledger_entry_in in = {0};
    vt_error err = VT_ERROR_INIT;
    int64_t h = -1;

    in.kind = "report.received";
    in.channel = "api";
    in.actor = "";
    in.subject = "R1";
    assert_int_equal(vt_ledger_append(f->s, &in, NULL, &err), VT_EINVALID);
    assert_string_equal(err.field, "/actor");
    in.actor = "someone";
    in.subject = "line\nbreak";
    assert_int_equal(vt_ledger_append(f->s, &in, NULL, &err), VT_EINVALID);
    assert_string_equal(err.field, "/subject");
    in.subject = "R1";
    in.kind = NULL;
    assert_int_equal(vt_ledger_append(f->s, &in, NULL, &err), VT_EINVALID);
    assert_string_equal(err.field, "/kind");
    in.kind = "k";
    in.channel = "\xff\xfe";
    assert_int_equal(vt_ledger_append(f->s, &in, NULL, &err), VT_EINVALID);
    assert_string_equal(err.field, "/channel");
    assert_int_equal(vt_ledger_height(f->s, &h, &err), 0);
    assert_int_equal(h, 0);
}

static void test_ledger__append_and_verify(void **state)
{
    fixture *f = *state;
    vt_ledger_verify_result r;

    r = verify(f, NULL);
    assert_true(r.intact);
    assert_int_equal(r.entries, 0);
    append_n(f, 7, T_2026_01_01);
    r = verify(f, NULL);
    assert_true(r.intact);
    assert_int_equal(r.entries, 7);
    assert_int_equal(r.first_seq, 1);
    assert_int_equal(r.last_seq, 7);
    assert_int_equal(r.checkpoints, 0);
    assert_int_equal(r.unsealed, 7);
    checkpoint_now(f, T_2026_01_01 + VT_MS_PER_DAY);
    r = verify(f, f->key.public_key);
    assert_true(r.intact);
    assert_int_equal(r.checkpoints, 1);
    assert_int_equal(r.last_checkpoint_seq, 7);
    assert_int_equal(r.unsealed, 0);
}

/* Every column of entry 3, changed behind the service's back. */
static void test_ledger__tamper_each_column(void **state)
{
    static const struct {
        const char *sql;
        int64_t bad;
        const char *why;
    } cases[] = {
        {"UPDATE ledger SET at_ms = at_ms + 1 WHERE seq = 3", 3, "entry_hash does not match"},
        {"UPDATE ledger SET kind = 'report.message' WHERE seq = 3", 3, "entry_hash"},
        {"UPDATE ledger SET channel = 'email' WHERE seq = 3", 3, "entry_hash"},
        {"UPDATE ledger SET actor = 'token:evil' WHERE seq = 3", 3, "entry_hash"},
        {"UPDATE ledger SET subject = 'VT-R-9999' WHERE seq = 3", 3, "entry_hash"},
        {"UPDATE ledger SET content_sha256 = "
         "'0000000000000000000000000000000000000000000000000000000000000001' WHERE seq = 3",
         3, "entry_hash"},
        {"UPDATE ledger SET detail = '{\"product\":\"switch\"}' WHERE seq = 3", 3, "entry_hash"},
        {"UPDATE ledger SET prev_hash = (SELECT entry_hash FROM ledger WHERE seq = 1) "
         "WHERE seq = 3",
         3, "prev_hash"},
        {"UPDATE ledger SET entry_hash = (SELECT entry_hash FROM ledger WHERE seq = 1) "
         "WHERE seq = 3",
         3, "entry_hash does not match"},
        {"UPDATE ledger SET seq = 30 WHERE seq = 3", 3, "missing"},
        {"DELETE FROM ledger WHERE seq = 3", 3, "entry 3 is missing"},
        {"DELETE FROM ledger WHERE seq = 1", 2, "entries 1..1 are missing"},
        {"UPDATE ledger SET prev_hash = "
         "'1000000000000000000000000000000000000000000000000000000000000000' WHERE seq = 1",
         1, "genesis"},
        /* Swapping two entries (seq is part of what is hashed). */
        {"UPDATE ledger SET seq = -2 WHERE seq = 2; UPDATE ledger SET seq = 2 WHERE seq = 3; "
         "UPDATE ledger SET seq = 3 WHERE seq = -2",
         2, NULL},
    };
    fixture *f = *state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        raw_sql(f, "DELETE FROM ledger; DELETE FROM ledger_checkpoints");
        append_n(f, 5, T_2026_01_01);
        assert_true(verify(f, NULL).intact);
        raw_sql(f, cases[i].sql);
        assert_broken_at(f, cases[i].bad, cases[i].why);
    }
}

/* Rewriting an entry and every hash after it still fails on the checkpoint. */
static void test_ledger__rehash_caught_by_checkpoint(void **state)
{
    fixture *f = *state;
    vt_ledger_verify_result r;

    append_n(f, 4, T_2026_01_01);
    checkpoint_now(f, T_2026_01_01 + VT_MS_PER_DAY);
    /* Delete the last entry: only the checkpoint shows it. */
    raw_sql(f, "DELETE FROM ledger WHERE seq = 4");
    assert_broken_at(f, 4, "checkpoint seals entry 4, which is missing");
    raw_sql(f, "DELETE FROM ledger; DELETE FROM ledger_checkpoints");
    append_n(f, 4, T_2026_01_01);
    checkpoint_now(f, T_2026_01_01 + VT_MS_PER_DAY);
    raw_sql(f, "UPDATE ledger_checkpoints SET entry_hash = "
               "(SELECT entry_hash FROM ledger WHERE seq = 3)");
    assert_broken_at(f, 4, "bad signature");
    raw_sql(f, "UPDATE ledger_checkpoints SET entry_hash = "
               "(SELECT entry_hash FROM ledger WHERE seq = 4), signed_ms = signed_ms + 1");
    assert_broken_at(f, 4, "bad signature");
    raw_sql(f, "UPDATE ledger_checkpoints SET signed_ms = signed_ms - 1, "
               "signature = substr(signature, 1, 127) || "
               "(CASE substr(signature, 128, 1) WHEN '0' THEN '1' ELSE '0' END)");
    assert_broken_at(f, 4, "bad signature");
    raw_sql(f, "UPDATE ledger_checkpoints SET signature = substr(signature, 1, 12)");
    assert_broken_at(f, 4, "malformed signature");
    raw_sql(f, "DELETE FROM ledger_checkpoints");
    checkpoint_now(f, T_2026_01_01 + VT_MS_PER_DAY);
    r = verify(f, f->key.public_key);
    assert_true(r.intact);
    /* Another trusted key refuses the checkpoint. */
    {
        uint8_t other[32];

        memcpy(other, f->key.public_key, 32);
        other[0] ^= 1;
        r = verify(f, other);
        assert_false(r.intact);
        assert_int_equal(r.bad_seq, 4);
        assert_non_null(strstr(r.reason, "another key"));
    }
}

static void test_ledger__checkpoint_if_due(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    bool made = true;
    int64_t t = T_2026_01_01;

    assert_int_equal(vt_ledger_checkpoint_if_due(f->s, &f->key, 3, 60000, t, &made, &err), 0);
    assert_false(made); /* empty */
    append_n(f, 2, t);
    t += VT_MS_PER_HOUR; /* the second entry's time: 2 entries, none sealed */
    assert_int_equal(vt_ledger_checkpoint_if_due(f->s, &f->key, 3, 0, t, &made, &err), 0);
    assert_false(made);
    append_n(f, 1, t + VT_MS_PER_HOUR);
    assert_int_equal(vt_ledger_checkpoint_if_due(f->s, &f->key, 3, 0, t, &made, &err), 0);
    assert_true(made);
    assert_int_equal(vt_ledger_checkpoint_if_due(f->s, &f->key, 3, 1, t + 5000, &made, &err), 0);
    assert_false(made); /* nothing new */
    append_n(f, 1, t + 2 * VT_MS_PER_HOUR);
    /* One new entry: not by count, and by time only once every_ms passed. */
    assert_int_equal(vt_ledger_checkpoint_if_due(f->s, &f->key, 3, 60000, t + 59999, &made, &err),
                     0);
    assert_false(made);
    assert_int_equal(vt_ledger_checkpoint_if_due(f->s, &f->key, 3, 60000, t + 60000, &made, &err),
                     0);
    assert_true(made);
    assert_true(verify(f, f->key.public_key).intact);
    assert_int_equal(verify(f, NULL).checkpoints, 2);
    /* The public key went to the settings table. */
    {
        char *v = NULL;

        assert_int_equal(vt_store_ledger_setting_get(f->s, "ledger_public_key", &v, &err), 0);
        assert_non_null(v);
        assert_string_equal(v, f->key.public_hex);
        vt_free(v);
    }
    /* Forcing on an empty ledger says so. */
    raw_sql(f, "DELETE FROM ledger; DELETE FROM ledger_checkpoints");
    assert_int_equal(vt_ledger_checkpoint(f->s, &f->key, t, &err), VT_ENOTFOUND);
}

static void test_ledger__retention_floor(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    int64_t purged = -1;

    assert_int_equal(vt_ledger_retention_check(5, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "Art. 5"));
    assert_non_null(strstr(err.msg, "6 months"));
    assert_int_equal(vt_ledger_retention_check(0, &err), VT_EINVALID);
    assert_int_equal(vt_ledger_retention_check(-36, &err), VT_EINVALID);
    assert_int_equal(vt_ledger_retention_check(6, &err), 0);
    assert_int_equal(vt_ledger_retention_check(36, &err), 0);
    append_n(f, 3, T_2026_01_01);
    checkpoint_now(f, T_2026_01_01);
    assert_int_equal(vt_ledger_purge(f->s, 5, T_2026_01_01 + 400 * VT_MS_PER_DAY, &purged, &err),
                     VT_EINVALID);
    assert_int_equal(purged, 0);
    assert_int_equal(verify(f, NULL).entries, 3);
}

static int64_t utc(int y, unsigned m, unsigned d, int hh, int mm)
{
    return vt_days_from_civil(y, m, d) * VT_MS_PER_DAY + (int64_t)hh * VT_MS_PER_HOUR +
           (int64_t)mm * 60000;
}

static int64_t purge_at(fixture *f, int months, int64_t now_ms)
{
    vt_error err = VT_ERROR_INIT;
    int64_t purged = -1;

    assert_int_equal(vt_store_begin(f->s, &err), 0);
    if (vt_ledger_purge(f->s, months, now_ms, &purged, &err) != 0)
        fail_msg("purge: %s", err.msg);
    assert_int_equal(vt_store_commit(f->s, &err), 0);
    return purged;
}

/* The month rule of §1 applied per entry: kept until its time + N months. */
static void test_ledger__purge_month_rule(void **state)
{
    fixture *f = *state;
    struct {
        int64_t at, now;
        int months;
        bool purged;
    } rows[] = {
        {utc(2026, 2, 28, 12, 0), utc(2026, 8, 28, 11, 59), 6, false},
        {utc(2026, 2, 28, 12, 0), utc(2026, 8, 28, 12, 0), 6, true},
        {utc(2026, 2, 28, 12, 0), utc(2026, 8, 31, 0, 0), 6, true},
        /* "now - 6 months" would be 28 Feb 00:00 (no 30 Feb) and keep it. */
        {utc(2026, 2, 28, 12, 0), utc(2026, 8, 30, 0, 0), 6, true},
        /* 31 Aug + 6 months = 28 Feb 2027 (the last day). */
        {utc(2026, 8, 31, 9, 0), utc(2027, 2, 28, 8, 59), 6, false},
        {utc(2026, 8, 31, 9, 0), utc(2027, 2, 28, 9, 0), 6, true},
        /* 31 Aug + 6 months in a leap year lands on 29 Feb. */
        {utc(2027, 8, 31, 9, 0), utc(2028, 2, 28, 23, 0), 6, false},
        {utc(2027, 8, 31, 9, 0), utc(2028, 2, 29, 9, 0), 6, true},
        /* Longer retention keeps it. */
        {utc(2026, 2, 28, 12, 0), utc(2026, 8, 31, 0, 0), 36, false},
        {utc(2026, 2, 28, 12, 0), utc(2029, 2, 28, 12, 0), 36, true},
    };

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t n;
        vt_ledger_verify_result r;

        raw_sql(f, "DELETE FROM ledger; DELETE FROM ledger_checkpoints; DELETE FROM "
                   "ledger_purges");
        append_one(f, rows[i].at, "VT-R-old", NULL);
        checkpoint_now(f, rows[i].at);
        n = purge_at(f, rows[i].months, rows[i].now);
        if ((n == 1) != rows[i].purged)
            fail_msg("row %zu: purged %lld, expected %s", i, (long long)n,
                     rows[i].purged ? "the entry" : "nothing");
        r = verify(f, NULL);
        if (!r.intact)
            fail_msg("row %zu: %s", i, r.reason);
        assert_int_equal(r.entries, 1); /* the entry, or the ledger.purge entry */
        assert_int_equal(r.first_seq, rows[i].purged ? 2 : 1);
    }
}

static int find_purge_entry(void *ctx, const vt_ledger_entry *e)
{
    int64_t *seq = ctx;

    if (strcmp(e->kind, "ledger.purge") == 0)
        *seq = e->seq;
    return 0;
}

static void test_ledger__purge_keeps_chain_verifiable(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    vt_ledger_verify_result r;
    int64_t t0 = utc(2026, 1, 10, 8, 0);
    int64_t purge_seq = 0, h = 0;

    /* 1..4 in January (sealed at 3 and 4), 5..6 in March (sealed at 6),
     * 7..8 in August (not sealed). */
    append_n(f, 3, t0);
    checkpoint_now(f, t0 + VT_MS_PER_DAY);
    append_n(f, 1, t0 + 2 * VT_MS_PER_DAY);
    checkpoint_now(f, t0 + 3 * VT_MS_PER_DAY);
    append_n(f, 2, utc(2026, 3, 1, 0, 0));
    checkpoint_now(f, utc(2026, 3, 2, 0, 0));
    append_n(f, 2, utc(2026, 8, 1, 0, 0));
    /* On 1 Aug + 6 months, only January is past: cut at 4. */
    assert_int_equal(purge_at(f, 6, utc(2026, 8, 20, 0, 0)), 4);
    r = verify(f, f->key.public_key);
    if (!r.intact)
        fail_msg("%s", r.reason);
    assert_int_equal(r.first_seq, 5);
    assert_int_equal(r.last_seq, 9); /* the ledger.purge entry */
    assert_int_equal(r.entries, 5);
    assert_int_equal(vt_ledger_list(f->s, 0, 0, find_purge_entry, &purge_seq, &err), 0);
    assert_int_equal(purge_seq, 9);
    /* Nothing more is due yet: no second purge record. */
    assert_int_equal(purge_at(f, 6, utc(2026, 8, 21, 0, 0)), 0);
    /* In October, March is past; 5..6 go, anchored at 6. */
    assert_int_equal(purge_at(f, 6, utc(2026, 10, 1, 0, 0)), 2);
    r = verify(f, f->key.public_key);
    if (!r.intact)
        fail_msg("%s", r.reason);
    assert_int_equal(r.first_seq, 7);
    assert_int_equal(r.last_seq, 10);
    /* Appending still chains. */
    append_n(f, 1, utc(2026, 10, 2, 0, 0));
    assert_int_equal(vt_ledger_height(f->s, &h, &err), 0);
    assert_int_equal(h, 11);
    assert_true(verify(f, NULL).intact);

    /* Tampering with what the purge left. */
    raw_sql(f, "UPDATE ledger_purges SET anchor_hash = "
               "'0000000000000000000000000000000000000000000000000000000000000002' "
               "WHERE id = 2");
    assert_broken_at(f, 6, "purge record's anchor");
    raw_sql(f, "UPDATE ledger_purges SET anchor_hash = (SELECT entry_hash FROM "
               "ledger_checkpoints WHERE seq = 6) WHERE id = 2");
    assert_true(verify(f, NULL).intact);
    raw_sql(f, "DELETE FROM ledger_checkpoints WHERE seq = 6");
    assert_broken_at(f, 7, "not anchored by a valid checkpoint");
}

/* A purge never deletes a segment that does not verify; a break after the
 * segment does not stop it (the broken entries stay). */
static void test_ledger__purge_refuses_broken_segment(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    int64_t purged = -1;

    append_n(f, 3, utc(2026, 1, 10, 8, 0));
    checkpoint_now(f, utc(2026, 1, 11, 0, 0));
    append_n(f, 2, utc(2026, 8, 1, 0, 0));
    raw_sql(f, "UPDATE ledger SET subject = 'changed' WHERE seq = 2");
    assert_int_equal(vt_store_begin(f->s, &err), 0);
    assert_int_equal(vt_ledger_purge(f->s, 6, utc(2026, 8, 20, 0, 0), &purged, &err),
                     VT_EINVALID);
    vt_store_rollback(f->s);
    assert_int_equal(purged, 0);
    assert_non_null(strstr(err.msg, "entry 2"));
    assert_int_equal(verify(f, NULL).entries, 5);
    raw_sql(f, "DELETE FROM ledger; DELETE FROM ledger_checkpoints");
    append_n(f, 3, utc(2026, 1, 10, 8, 0));
    checkpoint_now(f, utc(2026, 1, 11, 0, 0));
    append_n(f, 2, utc(2026, 8, 1, 0, 0));
    raw_sql(f, "UPDATE ledger SET subject = 'changed' WHERE seq = 5");
    assert_int_equal(purge_at(f, 6, utc(2026, 8, 20, 0, 0)), 3);
    assert_broken_at(f, 5, "entry_hash");
}

/* Deleting old entries and writing a purge record by hand, without the
 * ledger.purge entry, does not pass. */
static void test_ledger__forged_purge(void **state)
{
    fixture *f = *state;

    append_n(f, 3, T_2026_01_01);
    checkpoint_now(f, T_2026_01_01);
    append_n(f, 2, T_2026_01_01 + VT_MS_PER_DAY);
    raw_sql(f, "DELETE FROM ledger WHERE seq <= 3; INSERT INTO ledger_purges "
               "(at_ms, first_seq, last_seq, count, anchor_hash) SELECT 0, 1, 3, 3, entry_hash "
               "FROM ledger_checkpoints WHERE seq = 3");
    assert_broken_at(f, 4, "no ledger.purge entry");
}

/* An export verified with the public key alone, then tampered with. */
static void export_to(fixture *f, const char *path)
{
    vt_error err = VT_ERROR_INIT;
    FILE *out = fopen(path, "w");

    assert_non_null(out);
    if (vt_ledger_export(f->s, out, &err) != 0)
        fail_msg("export: %s", err.msg);
    assert_int_equal(fclose(out), 0);
}

static int verify_file(const char *path, const uint8_t pk[32], vt_ledger_verify_result *r,
                       vt_error *err)
{
    FILE *in = fopen(path, "r");
    int rc;

    assert_non_null(in);
    rc = vt_ledger_verify_export(in, pk, r, err);
    fclose(in);
    return rc;
}

/* Replace the first occurrence of `from` on line `line` (1-based) of `path`. */
static void edit_line(const char *path, int line, const char *from, const char *to)
{
    vt_buf b = VT_BUF_INIT;
    vt_buf o = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    const char *p;
    int n = 1;
    FILE *out;

    assert_int_equal(vt_buf_read_file(&b, path, &err), 0);
    for (p = b.ptr; *p && n < line; p++)
        if (*p == '\n')
            n++;
    assert_int_equal(n, line);
    const char *hit = strstr(p, from);
    const char *eol = strchr(p, '\n');
    assert_non_null(hit);
    assert_true(!eol || hit < eol);
    assert_int_equal(vt_buf_put(&o, b.ptr, (size_t)(hit - b.ptr)), 0);
    assert_int_equal(vt_buf_puts(&o, to), 0);
    assert_int_equal(vt_buf_puts(&o, hit + strlen(from)), 0);
    out = fopen(path, "w");
    assert_non_null(out);
    fputs(o.ptr, out);
    fclose(out);
    vt_buf_dispose(&b);
    vt_buf_dispose(&o);
}

static void test_ledger__export_verified_with_public_key(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    vt_ledger_verify_result r;
    char path[200];
    uint8_t other[32];

    snprintf(path, sizeof(path), "%s/export.jsonl", f->dir);
    append_n(f, 3, utc(2026, 1, 5, 0, 0));
    checkpoint_now(f, utc(2026, 1, 6, 0, 0));
    append_n(f, 2, utc(2026, 4, 1, 0, 0));
    checkpoint_now(f, utc(2026, 4, 2, 0, 0));
    assert_int_equal(purge_at(f, 6, utc(2026, 9, 1, 0, 0)), 3);
    checkpoint_now(f, utc(2026, 9, 1, 0, 0));
    export_to(f, path);
    /* header, purge, anchor checkpoint 3, entries 4 5, checkpoint 5,
     * entry 6 (ledger.purge), checkpoint 6 */
    assert_int_equal(verify_file(path, f->key.public_key, &r, &err), 0);
    if (!r.intact)
        fail_msg("%s", r.reason);
    assert_int_equal(r.entries, 3);
    assert_int_equal(r.first_seq, 4);
    assert_int_equal(r.last_seq, 6);
    assert_int_equal(r.checkpoints, 3);
    assert_int_equal(r.last_checkpoint_seq, 6);

    memcpy(other, f->key.public_key, 32);
    other[31] ^= 0x80;
    assert_int_equal(verify_file(path, other, &r, &err), 0);
    assert_false(r.intact);
    assert_int_equal(r.bad_seq, 3);

    /* Unsealed trailing entries are reported, not accepted. */
    append_n(f, 2, utc(2026, 9, 2, 0, 0));
    export_to(f, path);
    assert_int_equal(verify_file(path, f->key.public_key, &r, &err), 0);
    assert_false(r.intact);
    assert_int_equal(r.unsealed, 2);
    assert_int_equal(r.bad_seq, 7);
    assert_non_null(strstr(r.reason, "not sealed"));
    checkpoint_now(f, utc(2026, 9, 3, 0, 0));
    export_to(f, path);
    assert_int_equal(verify_file(path, f->key.public_key, &r, &err), 0);
    assert_true(r.intact);

    /* One changed field in entry 5 (line 5). */
    edit_line(path, 5, "\"actor\":\"token:acme\"", "\"actor\":\"token:acmf\"");
    assert_int_equal(verify_file(path, f->key.public_key, &r, &err), 0);
    assert_false(r.intact);
    assert_int_equal(r.bad_seq, 5);

    /* Format errors name the line and the field. */
    export_to(f, path);
    edit_line(path, 4, "\"seq\":4", "\"seq\":\"4\"");
    assert_int_equal(verify_file(path, f->key.public_key, &r, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "line 4"));
    assert_non_null(strstr(err.msg, "\"seq\""));
    export_to(f, path);
    edit_line(path, 1, "vt-ledger-export", "something-else");
    assert_int_equal(verify_file(path, f->key.public_key, &r, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "line 1"));
    export_to(f, path);
    edit_line(path, 6, "{", "x{");
    assert_int_equal(verify_file(path, f->key.public_key, &r, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "line 6: malformed JSON"));
    export_to(f, path);
    edit_line(path, 5, "\"kind\":", "\"kin\":");
    assert_int_equal(verify_file(path, f->key.public_key, &r, &err), VT_EINVALID);
    assert_string_equal(err.msg, "line 5: field \"kind\": missing");
}

static void test_ledger__key_file(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    vt_ledger_key k, pub;
    bool created = true;
    struct stat st;
    char other[200];
    FILE *fp;

    assert_int_equal(stat(f->key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(vt_ledger_key_load_or_create(f->key_path, &k, &created, &err), 0);
    assert_false(created);
    assert_memory_equal(k.public_key, f->key.public_key, 32);
    assert_memory_equal(k.secret_key, f->key.secret_key, 64);
    assert_int_equal(strlen(k.public_hex), 64);
    assert_int_equal(vt_ledger_key_load_public(f->key_path, &pub, &err), 0);
    assert_string_equal(pub.public_hex, f->key.public_hex);
    for (size_t i = 0; i < 64; i++)
        assert_int_equal(pub.secret_key[i], 0);

    /* A public key file (what `ledger pubkey` prints) loads as one. */
    snprintf(other, sizeof(other), "%s/other-key", f->dir);
    fp = fopen(other, "w");
    assert_non_null(fp);
    fprintf(fp, "%s\n", f->key.public_hex);
    fclose(fp);
    assert_int_equal(vt_ledger_key_load_public(other, &pub, &err), 0);
    assert_memory_equal(pub.public_key, f->key.public_key, 32);
    /* ... but is no signing key, and is readable by others. */
    assert_int_equal(vt_ledger_key_load_or_create(other, &k, NULL, &err), VT_EINVALID);
    unlink(other);
    assert_int_equal(vt_ledger_key_load_public(other, &pub, &err), VT_ENOTFOUND);

    assert_int_equal(chmod(f->key_path, 0640), 0);
    assert_int_equal(vt_ledger_key_load_or_create(f->key_path, &k, NULL, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "chmod 600"));
    assert_int_equal(chmod(f->key_path, 0600), 0);

    assert_int_equal(vt_ledger_pubkey_parse(f->key.public_hex, k.public_key, &err), 0);
    assert_memory_equal(k.public_key, f->key.public_key, 32);
    assert_int_equal(vt_ledger_pubkey_parse("abc", k.public_key, &err), VT_EINVALID);

    /* A damaged file (public half edited) is refused. */
    fp = fopen(f->key_path, "r+");
    assert_non_null(fp);
    fseek(fp, 127, SEEK_SET);
    fputc(f->key.public_hex[63] == '0' ? '1' : '0', fp);
    fclose(fp);
    assert_int_equal(vt_ledger_key_load_or_create(f->key_path, &k, NULL, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "damaged"));
}

static int count_each(void *ctx, const vt_ledger_entry *e)
{
    int64_t *n = ctx;

    (void)e;
    (*n)++;
    return 0;
}

static void test_ledger__list_and_height(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    int64_t n = 0, h = 0;

    append_n(f, 10, T_2026_01_01);
    assert_int_equal(vt_ledger_list(f->s, 3, 4, count_each, &n, &err), 0);
    assert_int_equal(n, 4);
    n = 0;
    assert_int_equal(vt_ledger_list(f->s, 8, 0, count_each, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(vt_ledger_height(f->s, &h, &err), 0);
    assert_int_equal(h, 10);
}

/*
 * Allocation N = 0, 1, 2, ... fails until the call succeeds. cJSON cannot
 * tell a failed allocation from bad syntax, so a failure inside its parse
 * reads as malformed JSON; any other failure must be VT_ENOMEM, leave the
 * ledger as it was, and (under ASan) leak nothing.
 */
/* A failed allocation must read as VT_ENOMEM, inside cJSON's parse too. */
static bool is_oom_or_cjson(int rc, const vt_error *err)
{
    (void)err;
    return rc == VT_ENOMEM;
}

static void test_ledger__allocation_failures(void **state)
{
    fixture *f = *state;
    char path[200];
    long n;

    append_n(f, 3, T_2026_01_01);
    checkpoint_now(f, T_2026_01_01 + VT_MS_PER_DAY);
    for (n = 0;; n++) {
        vt_ledger_entry_in in = {0};
        vt_error err = VT_ERROR_INIT;
        int64_t h = 0;
        int rc;

        in.kind = "report.received";
        in.channel = "api";
        in.actor = "token:acme";
        in.subject = "VT-R-OOM";
        in.detail = "{\"z\":{\"b\":[1,2,{\"y\":1,\"x\":2}],\"a\":\"t\"},\"c\":3}";
        in.at_ms = T_2026_01_01 + 2 * VT_MS_PER_DAY;
        assert_int_equal(vt_store_begin(f->s, &err), 0);
        vt_alloc_fail_after(n);
        rc = vt_ledger_append(f->s, &in, NULL, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0) {
            assert_int_equal(vt_store_commit(f->s, &err), 0);
            break;
        }
        vt_store_rollback(f->s);
        if (!is_oom_or_cjson(rc, &err))
            fail_msg("append, allocation %ld: %d %s", n, rc, err.msg);
        assert_int_equal(vt_ledger_height(f->s, &h, &err), 0);
        assert_int_equal(h, 3);
    }
    assert_true(n > 0);
    for (n = 0;; n++) {
        vt_ledger_verify_result r;
        vt_error err = VT_ERROR_INIT;
        int rc;

        vt_alloc_fail_after(n);
        rc = vt_ledger_verify(f->s, NULL, &r, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0) {
            assert_true(r.intact);
            assert_int_equal(r.entries, 4);
            break;
        }
        assert_int_equal(rc, VT_ENOMEM);
    }
    checkpoint_now(f, T_2026_01_01 + 3 * VT_MS_PER_DAY);
    snprintf(path, sizeof(path), "%s/export.jsonl", f->dir);
    export_to(f, path);
    for (n = 0;; n++) {
        vt_ledger_verify_result r;
        vt_error err = VT_ERROR_INIT;
        int rc;

        vt_alloc_fail_after(n);
        rc = verify_file(path, f->key.public_key, &r, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0) {
            assert_true(r.intact);
            assert_int_equal(r.entries, 4);
            break;
        }
        if (!is_oom_or_cjson(rc, &err))
            fail_msg("verify_export, allocation %ld: %d %s", n, rc, err.msg);
    }
    for (n = 0;; n++) {
        vt_error err = VT_ERROR_INIT;
        FILE *out = fopen(path, "w");
        int rc;

        assert_non_null(out);
        vt_alloc_fail_after(n);
        rc = vt_ledger_export(f->s, out, &err);
        vt_alloc_fail_after(-1);
        fclose(out);
        if (rc == 0)
            break;
        assert_int_equal(rc, VT_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ledger__known_answer, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__detail_canonical, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__append_refuses_bad_fields, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__append_and_verify, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__tamper_each_column, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__rehash_caught_by_checkpoint, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__checkpoint_if_due, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__retention_floor, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__purge_month_rule, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__purge_keeps_chain_verifiable, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__purge_refuses_broken_segment, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__forged_purge, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__export_verified_with_public_key, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__key_file, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__list_and_height, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ledger__allocation_failures, fx_setup, fx_teardown),
    };

    vt_json_init();

    return cmocka_run_group_tests(tests, NULL, NULL);
}
