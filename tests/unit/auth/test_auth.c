/*
 * test_auth.c - roles, bearer tokens (hash-only storage, lookup, revoked
 * and expired refused), console users and sessions (one answer for a
 * wrong password and an unknown user, in about the same time), tracking
 * tokens, and organisation validation with the field at fault. Each test
 * works on a fresh database in its own temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "store/store_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"
#include "vulntrack/buf.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/store.h"
#include "vulntrack/tz.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    vt_store *s;
} fixture;

static int fx_setup(void **state)
{
    static fixture f;
    vt_error err = VT_ERROR_INIT;

    memset(&f, 0, sizeof(f));
    snprintf(f.dir, sizeof(f.dir), "/tmp/vt-auth-test-XXXXXX");
    if (!mkdtemp(f.dir))
        return -1;
    snprintf(f.path, sizeof(f.path), "%s/test.db", f.dir);
    if (vt_store_open(&f.s, f.path, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    vt_clock_set(-1);
    *state = &f;
    return 0;
}

static int fx_teardown(void **state)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    fixture *f = *state;
    char p[160];
    size_t i;

    vt_clock_set(-1);
    vt_store_close(f->s);
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    return rmdir(f->dir);
}

/* Run SQL on the test's store directly (what an operator or a migration
 * might do behind the API's back). */
static void exec_sql(fixture *f, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(vt__store_db(f->s), sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_free(msg);
}

static int64_t add_org(fixture *f, const char *slug, const char *country)
{
    vt_org o = {0, (char *)slug, (char *)"Example", (char *)"vendor", (char *)country,
                (char *)"Asia/Shanghai", NULL, NULL};
    vt_error err = VT_ERROR_INIT;

    if (vt_org_add(f->s, &o, &err) < 0)
        fail_msg("org add: %s (%s)", err.msg, err.field);
    return o.id;
}

static double mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------ */

static void test_auth__role_names_round_trip(void **state)
{
    static const char *const names[] = {"admin",   "psirt_manager", "analyst",
                                        "auditor", "reporter",      "partner"};
    unsigned seen = 0;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        unsigned bit = vt_role_parse(names[i]);

        assert_int_not_equal(bit, 0);
        assert_int_equal(bit & (bit - 1), 0); /* one bit */
        assert_int_equal(seen & bit, 0);      /* a different one each */
        seen |= bit;
        assert_string_equal(vt_role_name(bit), names[i]);
    }
    assert_int_equal(vt_role_parse("Admin"), 0);
    assert_int_equal(vt_role_parse("root"), 0);
    assert_int_equal(vt_role_parse(""), 0);
    assert_int_equal(vt_role_parse(NULL), 0);
    assert_string_equal(vt_role_name(0), "");
    assert_string_equal(vt_role_name(VT_ROLE_ADMIN | VT_ROLE_ANALYST), "");
    assert_string_equal(vt_role_name(1u << 20), "");
}

static void test_auth__token_text_and_hash(void **state)
{
    char a[VT_TOKEN_TEXT_MAX], b[VT_TOKEN_TEXT_MAX];
    uint8_t ha[32], hb[32], check[32];
    size_t i;

    (void)state;
    vt_token_generate(VT_TOKEN_PREFIX_MACHINE, a, ha);
    vt_token_generate(VT_TOKEN_PREFIX_MACHINE, b, hb);
    assert_int_equal(strncmp(a, "vtm_", 4), 0);
    /* 32 bytes in unpadded base64url are 43 characters. */
    assert_int_equal(strlen(a), 4 + 43);
    for (i = 4; a[i]; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                               a[i]));
    assert_string_not_equal(a, b);
    assert_memory_not_equal(ha, hb, 32);
    /* The hash is plain SHA-256 of the whole text, prefix included. */
    crypto_hash_sha256(check, (const unsigned char *)a, strlen(a));
    assert_memory_equal(ha, check, 32);
    vt_token_hash(a, strlen(a), check);
    assert_memory_equal(ha, check, 32);
}

static void test_auth__machine_token_stored_as_hash_and_looked_up(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char tok[VT_TOKEN_TEXT_MAX];
    uint8_t want[32];
    vt_principal who;
    sqlite3_stmt *st;
    int64_t org = add_org(f, "acme", "DE"), id = 0;

    assert_int_equal(vt_token_create_id(f->s, VT_ROLE_PARTNER, "intake bot", org, tok, &id, &err),
                     0);
    assert_true(id > 0);
    /* Only the SHA-256 is in the table: no column holds the text. */
    assert_int_equal(sqlite3_prepare_v2(vt__store_db(f->s),
                                        "SELECT hash, name, role, kind FROM tokens WHERE id = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    vt_token_hash(tok, strlen(tok), want);
    assert_int_equal(sqlite3_column_bytes(st, 0), 32);
    assert_memory_equal(sqlite3_column_blob(st, 0), want, 32);
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "intake bot");
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "partner");
    assert_string_equal((const char *)sqlite3_column_text(st, 3), "machine");
    sqlite3_finalize(st);

    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), 0);
    assert_int_equal(who.kind, VT_PRINCIPAL_MACHINE);
    assert_int_equal(who.role, VT_ROLE_PARTNER);
    assert_int_equal(who.org_id, org);
    assert_int_equal(who.token_id, id);
    assert_int_equal(who.user_id, 0);
    assert_string_equal(who.name, "token:intake bot");

    /* One character off, the session prefix, the bare body, nothing. */
    {
        char bad[VT_TOKEN_TEXT_MAX];

        memcpy(bad, tok, sizeof(bad));
        bad[10] = bad[10] == 'A' ? 'B' : 'A';
        assert_int_equal(vt_auth_lookup(f->s, bad, &who, &err), VT_ENOTFOUND);
        assert_int_equal(who.kind, VT_PRINCIPAL_ANONYMOUS);
        assert_int_equal(who.role, 0);
        memcpy(bad, tok, sizeof(bad));
        memcpy(bad, "vts_", 4);
        assert_int_equal(vt_auth_lookup(f->s, bad, &who, &err), VT_ENOTFOUND);
        assert_int_equal(vt_auth_lookup(f->s, tok + 4, &who, &err), VT_ENOTFOUND);
        assert_int_equal(vt_auth_lookup(f->s, "", &who, &err), VT_ENOTFOUND);
    }
}

static void test_auth__revoked_token_is_refused(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char tok[VT_TOKEN_TEXT_MAX], other[VT_TOKEN_TEXT_MAX];
    vt_principal who;
    int64_t id = 0, other_id = 0;

    assert_int_equal(vt_token_create_id(f->s, VT_ROLE_ADMIN, "ops", 0, tok, &id, &err), 0);
    assert_int_equal(vt_token_create_id(f->s, VT_ROLE_AUDITOR, "audit", 0, other, &other_id, &err),
                     0);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), 0);
    assert_int_equal(who.role, VT_ROLE_ADMIN);
    assert_int_equal(who.org_id, 0);
    assert_int_equal(vt_token_revoke(f->s, id, &err), 0);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), VT_ENOTFOUND);
    /* Revoking twice, or a token that does not exist, is not found. */
    assert_int_equal(vt_token_revoke(f->s, id, &err), VT_ENOTFOUND);
    assert_int_equal(vt_token_revoke(f->s, 999999, &err), VT_ENOTFOUND);
    /* The other token is untouched. */
    assert_int_equal(vt_auth_lookup(f->s, other, &who, &err), 0);
    assert_int_equal(who.role, VT_ROLE_AUDITOR);
}

/* Rows that do not hold together (edited behind the API's back) are
 * nobody: a session without a user, a machine token with one, an unknown
 * role. */
static void test_auth__inconsistent_token_rows_are_refused(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char m[VT_TOKEN_TEXT_MAX], sess[VT_TOKEN_TEXT_MAX];
    vt_principal who;
    int64_t mid = 0;

    assert_int_equal(vt_user_add(f->s, "eve", VT_ROLE_ANALYST, 0, "twelve chars!", &err), 0);
    assert_int_equal(vt_session_login(f->s, "eve", "twelve chars!", VT_MS_PER_HOUR, sess, &err), 0);
    assert_int_equal(vt_token_create_id(f->s, VT_ROLE_ANALYST, "m", 0, m, &mid, &err), 0);
    assert_int_equal(vt_auth_lookup(f->s, m, &who, &err), 0);
    assert_int_equal(vt_auth_lookup(f->s, sess, &who, &err), 0);
    exec_sql(f, "UPDATE tokens SET user_id = (SELECT id FROM users WHERE name = 'eve') "
                "WHERE kind = 'machine'");
    assert_int_equal(vt_auth_lookup(f->s, m, &who, &err), VT_ENOTFOUND);
    exec_sql(f, "UPDATE tokens SET user_id = NULL");
    assert_int_equal(vt_auth_lookup(f->s, sess, &who, &err), VT_ENOTFOUND);
    assert_int_equal(vt_auth_lookup(f->s, m, &who, &err), 0);
    exec_sql(f, "UPDATE tokens SET role = 'root' WHERE kind = 'machine'");
    assert_int_equal(vt_auth_lookup(f->s, m, &who, &err), VT_ENOTFOUND);
    assert_int_equal(who.role, 0);
}

static void test_auth__machine_token_checks(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char tok[VT_TOKEN_TEXT_MAX];

    assert_int_equal(vt_token_create(f->s, VT_ROLE_REPORTER, "x", 0, tok, &err), VT_EINVALID);
    assert_string_equal(err.field, "/role");
    assert_string_equal(tok, "");
    assert_int_equal(vt_token_create(f->s, 0, "x", 0, tok, &err), VT_EINVALID);
    assert_string_equal(err.field, "/role");
    assert_int_equal(vt_token_create(f->s, VT_ROLE_ADMIN | VT_ROLE_ANALYST, "x", 0, tok, &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/role");
    assert_int_equal(vt_token_create(f->s, VT_ROLE_ADMIN, "", 0, tok, &err), VT_EINVALID);
    assert_string_equal(err.field, "/name");
    assert_int_equal(vt_token_create(f->s, VT_ROLE_ADMIN, "a\nb", 0, tok, &err), VT_EINVALID);
    assert_string_equal(err.field, "/name");
    assert_int_equal(vt_token_create(f->s, VT_ROLE_ADMIN, "x", 4242, tok, &err), VT_EINVALID);
    assert_string_equal(err.field, "/org");
    assert_string_equal(tok, "");
}

typedef struct listed {
    int n;
    int64_t ids[8];
    unsigned roles[8];
} listed;

static int collect_token(void *ctx, const vt_token_info *t)
{
    listed *l = ctx;

    if (l->n < 8) {
        l->ids[l->n] = t->id;
        l->roles[l->n] = t->role;
    }
    l->n++;
    return 0;
}

static void test_auth__token_list_filters_by_kind_and_org(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char tok[VT_TOKEN_TEXT_MAX];
    int64_t a = add_org(f, "a", "DE"), b = add_org(f, "b", "DE"), ta = 0, tb = 0;
    listed l;

    assert_int_equal(vt_token_create_id(f->s, VT_ROLE_PARTNER, "pa", a, tok, &ta, &err), 0);
    assert_int_equal(vt_token_create_id(f->s, VT_ROLE_ANALYST, "pb", b, tok, &tb, &err), 0);
    memset(&l, 0, sizeof(l));
    assert_int_equal(vt_token_list(f->s, NULL, 0, collect_token, &l, &err), 0);
    assert_int_equal(l.n, 2);
    memset(&l, 0, sizeof(l));
    assert_int_equal(vt_token_list(f->s, "machine", b, collect_token, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.ids[0], tb);
    assert_int_equal(l.roles[0], VT_ROLE_ANALYST);
    memset(&l, 0, sizeof(l));
    assert_int_equal(vt_token_list(f->s, "session", 0, collect_token, &l, &err), 0);
    assert_int_equal(l.n, 0);
    memset(&l, 0, sizeof(l));
    assert_int_equal(vt_token_get(f->s, ta, collect_token, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.roles[0], VT_ROLE_PARTNER);
    assert_int_equal(vt_token_get(f->s, 12345, collect_token, &l, &err), VT_ENOTFOUND);
}

static void test_auth__session_login_lookup_logout(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char tok[VT_TOKEN_TEXT_MAX];
    vt_principal who;
    int64_t org = add_org(f, "acme", "CN");
    long admins = -1;

    assert_int_equal(vt_user_add(f->s, "alice", VT_ROLE_ANALYST, org, "correct horse battery",
                                 &err),
                     0);
    assert_int_equal(vt_auth_count_admins(f->s, &admins, &err), 0);
    assert_int_equal(admins, 0);
    assert_int_equal(vt_session_login(f->s, "alice", "correct horse battery", VT_MS_PER_HOUR, tok,
                                      &err),
                     0);
    assert_int_equal(strncmp(tok, "vts_", 4), 0);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), 0);
    assert_int_equal(who.kind, VT_PRINCIPAL_SESSION);
    assert_int_equal(who.role, VT_ROLE_ANALYST);
    assert_int_equal(who.org_id, org);
    assert_true(who.user_id > 0);
    assert_true(who.token_id > 0);
    assert_string_equal(who.name, "user:alice");
    /* A session token is not a machine token. */
    {
        char forged[VT_TOKEN_TEXT_MAX];

        memcpy(forged, tok, sizeof(forged));
        memcpy(forged, "vtm_", 4);
        assert_int_equal(vt_auth_lookup(f->s, forged, &who, &err), VT_ENOTFOUND);
        assert_int_equal(vt_session_logout(f->s, forged, &err), VT_ENOTFOUND);
    }
    assert_int_equal(vt_session_logout(f->s, tok, &err), 0);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), VT_ENOTFOUND);
    assert_int_equal(vt_session_logout(f->s, tok, &err), VT_ENOTFOUND);
}

static void test_auth__expired_session_is_refused(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char tok[VT_TOKEN_TEXT_MAX];
    vt_principal who;
    int64_t t0 = INT64_C(1795000000000), expires = 0;

    vt_clock_set(t0);
    assert_int_equal(vt_user_add(f->s, "bob", VT_ROLE_ADMIN, 0, "twelve chars!", &err), 0);
    assert_int_equal(vt_user_authenticate(f->s, "bob", "twelve chars!", &who, &err), 0);
    assert_int_equal(vt_session_create(f->s, &who, 60 * VT_MS_PER_SECOND, tok, &expires, &err), 0);
    assert_int_equal(expires, t0 + 60 * VT_MS_PER_SECOND);
    vt_clock_set(t0 + 60 * VT_MS_PER_SECOND - 1);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), 0);
    assert_int_equal(who.role, VT_ROLE_ADMIN);
    vt_clock_set(t0 + 60 * VT_MS_PER_SECOND);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), VT_ENOTFOUND);
    assert_string_equal(err.msg, "unknown, revoked or expired token");
    /* A zero lifetime is refused outright. */
    assert_int_equal(vt_user_authenticate(f->s, "bob", "twelve chars!", &who, &err), 0);
    assert_int_equal(vt_session_create(f->s, &who, 0, tok, NULL, &err), VT_EINVALID);
}

static void test_auth__disabled_user_cannot_log_in_and_loses_sessions(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char tok[VT_TOKEN_TEXT_MAX];
    vt_principal who;

    assert_int_equal(vt_user_add(f->s, "carol", VT_ROLE_AUDITOR, 0, "a long passphrase", &err), 0);
    assert_int_equal(vt_session_login(f->s, "carol", "a long passphrase", VT_MS_PER_HOUR, tok, &err),
                     0);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), 0);
    assert_int_equal(vt_user_disable(f->s, "carol", &err), 0);
    assert_int_equal(vt_user_disable(f->s, "carol", &err), VT_ENOTFOUND);
    assert_int_equal(vt_user_disable(f->s, "nobody", &err), VT_ENOTFOUND);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), VT_ENOTFOUND);
    assert_int_equal(vt_session_login(f->s, "carol", "a long passphrase", VT_MS_PER_HOUR, tok, &err),
                     VT_ENOTFOUND);
    assert_string_equal(err.msg, "unknown user name or wrong password");
}

static void test_auth__wrong_password_and_unknown_user_look_the_same(void **state)
{
    fixture *f = *state;
    vt_error e1 = VT_ERROR_INIT, e2 = VT_ERROR_INIT, e3 = VT_ERROR_INIT;
    char tok[VT_TOKEN_TEXT_MAX];
    double t_wrong = 1e9, t_unknown = 1e9, t;
    int i;

    assert_int_equal(vt_user_add(f->s, "dave", VT_ROLE_ADMIN, 0, "right password 1", &e1), 0);
    /* Warm the dummy hash, then take the best of a few runs of each. */
    assert_int_equal(vt_session_login(f->s, "nobody", "x", VT_MS_PER_HOUR, tok, &e3),
                     VT_ENOTFOUND);
    for (i = 0; i < 3; i++) {
        t = mono_s();
        assert_int_equal(vt_session_login(f->s, "dave", "wrong password 1", VT_MS_PER_HOUR, tok,
                                          &e1),
                         VT_ENOTFOUND);
        t = mono_s() - t;
        if (t < t_wrong)
            t_wrong = t;
        t = mono_s();
        assert_int_equal(vt_session_login(f->s, "erin", "right password 1", VT_MS_PER_HOUR, tok,
                                          &e2),
                         VT_ENOTFOUND);
        t = mono_s() - t;
        if (t < t_unknown)
            t_unknown = t;
    }
    assert_string_equal(tok, "");
    assert_int_equal(e1.code, e2.code);
    assert_string_equal(e1.msg, e2.msg);
    assert_string_equal(e1.msg, e3.msg);
    assert_string_equal(e1.field, e2.field);
    /* Without the dummy check an unknown name would answer in microseconds
     * against tens of milliseconds: require the same order of magnitude. */
    assert_true(t_unknown > t_wrong / 3);
    assert_true(t_wrong > t_unknown / 3);
    /* A malformed name goes through the same path. */
    assert_int_equal(vt_session_login(f->s, "bad name/..", "right password 1", VT_MS_PER_HOUR, tok,
                                      &e2),
                     VT_ENOTFOUND);
    assert_string_equal(e1.msg, e2.msg);
}

static void test_auth__user_add_checks(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    int64_t org = add_org(f, "acme", "US");
    /* Twelve characters written with three bytes each. */
    static const char cjk12[] = "\xe6\xbc\x8f\xe6\xb4\x9e\xe7\xae\xa1\xe7\x90\x86\xe7\xb3\xbb"
                                "\xe7\xbb\x9f\xe5\xae\x89\xe5\x85\xa8\xe5\x93\x8d\xe5\xba\x94"
                                "\xe5\x9b\xa2\xe9\x98\x9f";

    assert_int_equal(vt_user_add(f->s, "u1", VT_ROLE_ANALYST, org, "elevenchars", &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/password");
    assert_int_equal(vt_user_add(f->s, "u1", VT_ROLE_ANALYST, org, "", &err), VT_EINVALID);
    assert_string_equal(err.field, "/password");
    assert_int_equal(vt_user_add(f->s, "u1", VT_ROLE_REPORTER, org, "twelve chars", &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/role");
    assert_int_equal(vt_user_add(f->s, "u1", VT_ROLE_PARTNER, org, "twelve chars", &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/role");
    assert_int_equal(vt_user_add(f->s, "", VT_ROLE_ANALYST, org, "twelve chars", &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/name");
    assert_int_equal(vt_user_add(f->s, "a b", VT_ROLE_ANALYST, org, "twelve chars", &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/name");
    assert_int_equal(vt_user_add(f->s, "u1", VT_ROLE_ANALYST, 777, "twelve chars", &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/org");
    assert_int_equal(vt_user_add(f->s, "u1", VT_ROLE_ANALYST, org, cjk12, &err), 0);
    assert_int_equal(vt_user_add(f->s, "u1", VT_ROLE_ADMIN, 0, "twelve chars", &err), VT_EINVALID);
    assert_string_equal(err.field, "/name");
    /* The stored hash is an argon2id string, not the password. */
    {
        sqlite3_stmt *st;

        assert_int_equal(sqlite3_prepare_v2(vt__store_db(f->s),
                                            "SELECT password_hash FROM users WHERE name = 'u1'",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(strncmp((const char *)sqlite3_column_text(st, 0), "$argon2id$", 10), 0);
        assert_null(strstr((const char *)sqlite3_column_text(st, 0), cjk12));
        sqlite3_finalize(st);
    }
}

static void test_auth__tracking_token_names_its_report(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char tok[VT_TOKEN_TEXT_MAX], sql[512], hex[65];
    uint8_t hash[32];
    vt_principal who;
    int64_t org = add_org(f, "acme", "CN");

    vt_token_generate(VT_TOKEN_PREFIX_TRACKING, tok, hash);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    snprintf(sql, sizeof(sql),
             "INSERT INTO reports (id, org_id, tracking_hash, received_ms, channel, "
             "submitted_by, title, body, content_sha256, ledger_seq) VALUES "
             "('R-2026-000001', %lld, x'%s', 1, 'api', 'anonymous', 't', '{}', 'x', 1)",
             (long long)org, hex);
    exec_sql(f, sql);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), 0);
    assert_int_equal(who.kind, VT_PRINCIPAL_TRACKING);
    assert_int_equal(who.role, VT_ROLE_REPORTER);
    assert_int_equal(who.org_id, org);
    assert_int_equal(who.token_id, 0);
    assert_string_equal(who.report_id, "R-2026-000001");
    assert_string_equal(who.name, "reporter:R-2026-000001");
    /* The same body under another prefix is nobody. */
    memcpy(tok, "vtm_", 4);
    assert_int_equal(vt_auth_lookup(f->s, tok, &who, &err), VT_ENOTFOUND);
}

/* ------------------------------------------------------------------------ */
/* Organisations */

typedef struct org_case {
    const char *slug, *name, *kind, *country, *tz, *profiles, *flags;
    const char *field; /* NULL: valid */
} org_case;

static const org_case org_cases[] = {
    {"acme", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, NULL, NULL},
    {"acme-2", "Acme", "operator", "DE", "Europe/Berlin", "[\"EU_CRA\"]",
     "{\"eu_manufacturer\":true}", NULL},
    {"p9", "P", "platform", "US", "UTC", "[]", "{\"platform_filing_id\":\"X-1\",\"us_fceb\":false}",
     NULL},
    {"both", "B", "vendor", "CN", "Asia/Shanghai", NULL,
     "{\"roles\":[\"OPERATOR\"],\"policy\":{\"CN_RMSV_2021\":{\"CN-VERIFY\":{\"hours\":12}}},"
     "\"publisher_namespace\":\"https://psirt.example.com\"}",
     NULL},
    {"", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, NULL, "/slug"},
    {"Acme", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, NULL, "/slug"},
    {"-a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, NULL, "/slug"},
    {"a/b", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, NULL, "/slug"},
    {"a", "", "vendor", "CN", "Asia/Shanghai", NULL, NULL, "/name"},
    {"a", "bad\tname", "vendor", "CN", "Asia/Shanghai", NULL, NULL, "/name"},
    {"a", "Acme", "manufacturer", "CN", "Asia/Shanghai", NULL, NULL, "/kind"},
    {"a", "Acme", "Vendor", "CN", "Asia/Shanghai", NULL, NULL, "/kind"},
    {"a", "Acme", "vendor", "cn", "Asia/Shanghai", NULL, NULL, "/country"},
    {"a", "Acme", "vendor", "CHN", "Asia/Shanghai", NULL, NULL, "/country"},
    {"a", "Acme", "vendor", "C", "Asia/Shanghai", NULL, NULL, "/country"},
    {"a", "Acme", "vendor", "C1", "Asia/Shanghai", NULL, NULL, "/country"},
    {"a", "Acme", "vendor", "CN", "Asia/Peking_Nowhere", NULL, NULL, "/time_zone"},
    {"a", "Acme", "vendor", "CN", "../../../etc/passwd", NULL, NULL, "/time_zone"},
    {"a", "Acme", "vendor", "CN", "Asia/../Asia/Shanghai", NULL, NULL, "/time_zone"},
    {"a", "Acme", "vendor", "CN", "/usr/share/zoneinfo/UTC", NULL, NULL, "/time_zone"},
    {"a", "Acme", "vendor", "CN", "Asia", NULL, NULL, "/time_zone"}, /* a directory */
    {"a", "Acme", "vendor", "CN", "", NULL, NULL, "/time_zone"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", "{}", NULL, "/profiles"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", "[\"GDPR\"]", NULL, "/profiles/0"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", "[\"EU_CRA\",\"EU_CRA\"]", NULL, "/profiles/1"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", "[1]", NULL, "/profiles/0"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", "[", NULL, "/profiles"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", "[] junk", NULL, "/profiles"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, "{} {}", "/flags"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, "[]", "/flags"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, "{\"us_fceb\":1}", "/flags/us_fceb"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, "{\"root\":true}", "/flags/root"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, "{\"platform_filing_id\":\"\"}",
     "/flags/platform_filing_id"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, "{\"roles\":[\"KING\"]}", "/flags/roles"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, "{\"roles\":\"OPERATOR\"}", "/flags/roles"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL, "{\"policy\":{\"CN_RMSV_2021\":3}}",
     "/flags/policy"},
    {"a", "Acme", "vendor", "CN", "Asia/Shanghai", NULL,
     "{\"publisher_namespace\":\"http://example.com\"}", "/flags/publisher_namespace"},
};

static void test_auth__org_validation_names_the_field(void **state)
{
    fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof(org_cases) / sizeof(org_cases[0]); i++) {
        const org_case *c = &org_cases[i];
        vt_org o = {0,          (char *)c->slug,    (char *)c->name,    (char *)c->kind,
                    (char *)c->country, (char *)c->tz, (char *)c->profiles, (char *)c->flags};
        vt_error err = VT_ERROR_INIT;
        int error = vt_org_add(f->s, &o, &err);

        if (!c->field) {
            if (error != 0)
                fail_msg("case %zu: %s (%s)", i, err.msg, err.field);
            assert_true(o.id > 0);
        } else {
            if (error != VT_EINVALID || strcmp(err.field, c->field) != 0)
                fail_msg("case %zu: got %d field '%s' (%s), want %s", i, error, err.field,
                         err.msg, c->field);
            assert_int_equal(o.id, 0);
        }
    }
}

static void test_auth__org_defaults_canonical_text_and_duplicates(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    vt_org cn = {0, (char *)"cn", (char *)"CN Co", (char *)"vendor", (char *)"CN",
                 (char *)"Asia/Shanghai", NULL, NULL};
    vt_org de = {0, (char *)"de", (char *)"DE Co", (char *)"operator", (char *)"DE",
                 (char *)"Europe/Berlin", (char *)" [ \"EU_CRA\" , \"CN_RMSV_2021\" ] ",
                 (char *)"{\"platform_filing_id\":\"F-9\",\"eu_manufacturer\":true}"};
    vt_org us = {0, (char *)"us", (char *)"US Co", (char *)"platform", (char *)"US",
                 (char *)"America/New_York", NULL, NULL};
    vt_org got = {0};

    assert_int_equal(vt_org_add(f->s, &cn, &err), 0);
    assert_int_equal(vt_org_add(f->s, &de, &err), 0);
    assert_int_equal(vt_org_add(f->s, &us, &err), 0);
    assert_int_equal(vt_org_get(f->s, "cn", 0, &got, &err), 0);
    assert_string_equal(got.profiles, "[\"CN_RMSV_2021\"]");
    assert_string_equal(got.flags, "{}");
    assert_string_equal(got.time_zone, "Asia/Shanghai");
    vt_org_dispose(&got);
    assert_int_equal(vt_org_get(f->s, NULL, de.id, &got, &err), 0);
    assert_string_equal(got.slug, "de");
    assert_string_equal(got.profiles, "[\"EU_CRA\",\"CN_RMSV_2021\"]");
    assert_string_equal(got.flags, "{\"eu_manufacturer\":true,\"platform_filing_id\":\"F-9\"}");
    vt_org_dispose(&got);
    assert_int_equal(vt_org_get(f->s, "us", 0, &got, &err), 0);
    assert_string_equal(got.profiles, "[]");
    vt_org_dispose(&got);
    assert_int_equal(vt_org_get(f->s, "nope", 0, &got, &err), VT_ENOTFOUND);
    assert_null(got.slug);
    cn.id = 0;
    assert_int_equal(vt_org_add(f->s, &cn, &err), VT_EINVALID);
    assert_string_equal(err.field, "/slug");
    assert_non_null(strstr(err.msg, "already exists"));
}

static int count_org(void *ctx, const vt_org *o)
{
    int *n = ctx;

    (void)o;
    (*n)++;
    return 0;
}

static void test_auth__org_update_and_list(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    int64_t a = add_org(f, "a", "CN");
    vt_org_patch p = {NULL, NULL, NULL, NULL};
    vt_org got = {0};
    int n = 0;

    add_org(f, "b", "FR");
    p.name = "Renamed";
    p.flags = "{\"us_fceb\":true}";
    assert_int_equal(vt_org_update(f->s, "a", &p, &got, &err), 0);
    assert_string_equal(got.name, "Renamed");
    assert_string_equal(got.flags, "{\"us_fceb\":true}");
    assert_string_equal(got.profiles, "[\"CN_RMSV_2021\"]"); /* kept */
    assert_string_equal(got.time_zone, "Asia/Shanghai");    /* kept */
    vt_org_dispose(&got);
    p.name = NULL;
    p.flags = NULL;
    p.time_zone = "Mars/Olympus";
    assert_int_equal(vt_org_update(f->s, "a", &p, NULL, &err), VT_EINVALID);
    assert_string_equal(err.field, "/time_zone");
    p.time_zone = NULL;
    p.profiles = "[\"US_BOD_22_01\"]";
    assert_int_equal(vt_org_update(f->s, "zzz", &p, NULL, &err), VT_ENOTFOUND);
    assert_int_equal(vt_org_update(f->s, "a", &p, NULL, &err), 0);
    assert_int_equal(vt_org_get(f->s, NULL, a, &got, &err), 0);
    assert_string_equal(got.profiles, "[\"US_BOD_22_01\"]");
    assert_string_equal(got.name, "Renamed");
    vt_org_dispose(&got);
    assert_int_equal(vt_org_list(f->s, 0, count_org, &n, &err), 0);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(vt_org_list(f->s, a, count_org, &n, &err), 0);
    assert_int_equal(n, 1);
}

static void test_auth__time_zone_follows_tzdir(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    char dir[128], zone[192];
    vt_org o = {0, (char *)"z", (char *)"Z", (char *)"vendor", (char *)"CN", (char *)"Test/Zone",
                NULL, NULL};
    const char *old = getenv("TZDIR");
    char *saved = old ? strdup(old) : NULL;
    FILE *fp;

    snprintf(dir, sizeof(dir), "%s/zi", f->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(zone, sizeof(zone), "%s/Test", dir);
    assert_int_equal(mkdir(zone, 0700), 0);
    snprintf(zone, sizeof(zone), "%s/Test/Zone", dir);
    /* A copy of a real zone file under a name no system has. */
    {
        vt_buf tzif = VT_BUF_INIT;

        assert_int_equal(vt_buf_read_file(&tzif, "/usr/share/zoneinfo/Asia/Shanghai", &err), 0);
        fp = fopen(zone, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(tzif.ptr, 1, tzif.len, fp), tzif.len);
        fclose(fp);
        vt_buf_dispose(&tzif);
    }
    setenv("TZDIR", dir, 1);
    vt_tz_cache_clear();
    assert_int_equal(vt_org_validate(&o, &err), 0);
    o.time_zone = (char *)"Asia/Shanghai"; /* not in this directory */
    assert_int_equal(vt_org_validate(&o, &err), VT_EINVALID);
    assert_string_equal(err.field, "/time_zone");
    /* A file that is not TZif is not a zone. */
    snprintf(zone, sizeof(zone), "%s/Test/Junk", dir);
    fp = fopen(zone, "w");
    assert_non_null(fp);
    fputs("not a zone\n", fp);
    fclose(fp);
    o.time_zone = (char *)"Test/Junk";
    assert_int_equal(vt_org_validate(&o, &err), VT_EINVALID);
    assert_string_equal(err.field, "/time_zone");
    unlink(zone);
    snprintf(zone, sizeof(zone), "%s/Test/Zone", dir);
    if (saved)
        setenv("TZDIR", saved, 1);
    else
        unsetenv("TZDIR");
    free(saved);
    vt_tz_cache_clear();
    unlink(zone);
    snprintf(zone, sizeof(zone), "%s/Test", dir);
    rmdir(zone);
    rmdir(dir);
}

/* Every allocation of adding and reading an organisation can fail: the
 * answer is then VT_ENOMEM, nothing is stored, and nothing leaks (the
 * sanitizer build checks that). Profiles and flags are left to their
 * defaults here: cJSON cannot tell a failed allocation from bad syntax, so
 * a parse that runs out of memory reads as invalid input (as in every
 * JSON reader of the project). */
static void test_auth__org_add_and_get_survive_allocation_failures(void **state)
{
    fixture *f = *state;
    long n;

    vt_tz_cache_clear();
    for (n = 0;; n++) {
        vt_org o = {0, (char *)"oom", (char *)"OOM", (char *)"vendor", (char *)"DE",
                    (char *)"Europe/Berlin", NULL, NULL};
        vt_error err = VT_ERROR_INIT;
        vt_org got = {0};
        bool injected;
        int error;

        vt_alloc_fail_after(n);
        error = vt_org_add(f->s, &o, &err);
        if (error == 0)
            error = vt_org_get(f->s, "oom", 0, &got, &err);
        injected = vt_alloc_failure_injected();
        vt_alloc_fail_after(-1);
        if (!injected) {
            assert_int_equal(error, 0);
            assert_string_equal(got.profiles, "[]");
            vt_org_dispose(&got);
            break;
        }
        if (error != VT_ENOMEM)
            fail_msg("allocation %ld failed: got %d (%s)", n, error, err.msg);
        assert_null(got.slug);
        /* A failure after the insert leaves the row: remove it for the next round. */
        exec_sql(f, "DELETE FROM orgs WHERE slug = 'oom'");
    }
    assert_true(n > 3);
    /* The same for a change of name (read, update, read back). */
    for (n = 0;; n++) {
        vt_org_patch p = {"Renamed", NULL, NULL, NULL};
        vt_error err = VT_ERROR_INIT;
        vt_org got = {0};
        bool injected;
        int error;

        vt_alloc_fail_after(n);
        error = vt_org_update(f->s, "oom", &p, &got, &err);
        injected = vt_alloc_failure_injected();
        vt_alloc_fail_after(-1);
        if (!injected) {
            assert_int_equal(error, 0);
            assert_string_equal(got.name, "Renamed");
            vt_org_dispose(&got);
            break;
        }
        if (error != VT_ENOMEM)
            fail_msg("allocation %ld failed: got %d (%s)", n, error, err.msg);
        assert_null(got.slug);
    }
    assert_true(n > 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth__role_names_round_trip),
        cmocka_unit_test(test_auth__token_text_and_hash),
        cmocka_unit_test_setup_teardown(test_auth__machine_token_stored_as_hash_and_looked_up,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__revoked_token_is_refused, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__machine_token_checks, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__inconsistent_token_rows_are_refused, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__token_list_filters_by_kind_and_org, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__session_login_lookup_logout, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__expired_session_is_refused, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__disabled_user_cannot_log_in_and_loses_sessions,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__wrong_password_and_unknown_user_look_the_same,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__user_add_checks, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__tracking_token_names_its_report, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__org_validation_names_the_field, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__org_defaults_canonical_text_and_duplicates,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__org_update_and_list, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__time_zone_follows_tzdir, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_auth__org_add_and_get_survive_allocation_failures,
                                        fx_setup, fx_teardown),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
