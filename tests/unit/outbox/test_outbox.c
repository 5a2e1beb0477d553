/*
 * test_outbox.c - the notification outbox: a message queued in a
 * transaction that is rolled back is gone; the backoff schedule doubles,
 * stops at the cap and stays within its jitter bounds; the webhook
 * signature matches a known answer (HMAC-SHA256 of "<ts>.<body>"); the
 * state machine pending -> delivering -> delivered, or failed -> pending
 * again -> dead after the last attempt, retried by hand with the same id;
 * a message a crash left delivering is claimed again with the same id;
 * rule P7 refuses a foreign recipient of an unpublished case; contacts
 * are validated and matched to a case's products and versions; notices
 * are composed in three parts, bilingual for a Chinese case.
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
#include "test_store_support.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/contacts.h"
#include "vulntrack/json.h"
#include "vulntrack/notify.h"
#include "vulntrack/outbox.h"

#define T0 INT64_C(1772503200000)

typedef struct fixture {
    vt_test_db db;
    int64_t org;
    int64_t case_id;
    int64_t contact; /* CN webhook */
    int64_t foreign; /* US webhook */
} fixture;

static int64_t add_contact(fixture *f, const char *json)
{
    vt_contact c = VT_CONTACT_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *in = NULL;

    assert_int_equal(vt_json_parse(&in, json, strlen(json), &err), 0);
    c.org_id = f->org;
    if (vt_contact_apply_json(&c, in, false, &err) != 0)
        fail_msg("contact %s: %s", json, err.msg);
    cJSON_Delete(in);
    assert_int_equal(vt_contact_insert(f->db.s, &c, T0, &err), 0);
    vt_contact_dispose(&c);
    return vt_test_sql_int(f->db.s, "SELECT max(id) FROM contacts");
}

static int setup(void **state)
{
    static fixture f;

    memset(&f, 0, sizeof(f));
    vt_json_init();
    if (vt_test_db_open(&f.db, "vt-outbox-test") != 0)
        fail_msg("cannot open a temporary store");
    vt_test_sql(f.db.s, "INSERT INTO orgs (slug, name, kind, country, time_zone, created_ms)"
                        " VALUES ('acme', 'Acme', 'vendor', 'CN', 'Asia/Shanghai', 0)");
    f.org = vt_test_sql_int(f.db.s, "SELECT id FROM orgs WHERE slug = 'acme'");
    vt_test_sql(f.db.s, "INSERT INTO cases (ref, org_id, state, title, scope, doc, created_ms,"
                        " updated_ms) VALUES ('VT-2026-000001', 1, 'confirmed', 'Overflow',"
                        " 'own_product', '{}', 0, 0)");
    f.case_id = vt_test_sql_int(f.db.s, "SELECT max(id) FROM cases");
    f.contact = add_contact(&f, "{\"role\": \"upstream\", \"name\": \"Up\", \"country\": \"CN\","
                                " \"channel\": \"webhook\", \"address\": \"http://127.0.0.1:9/\","
                                " \"secret\": \"0123456789abcdef\"}");
    f.foreign = add_contact(&f, "{\"role\": \"upstream\", \"name\": \"Far\", \"country\": \"us\","
                                " \"channel\": \"webhook\", \"address\": \"http://127.0.0.1:9/\","
                                " \"secret\": \"0123456789abcdef\"}");
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    return vt_test_db_remove(&f->db);
}

static vt_outbox_msg msg_to(int64_t case_id, int64_t contact)
{
    vt_outbox_msg m;

    memset(&m, 0, sizeof(m));
    m.case_id = case_id;
    m.contact_id = contact;
    m.kind = "upstream_notice";
    m.obligation = "CN-UPSTREAM";
    m.subject = "Notice";
    m.body_json = "{\"a\":1}";
    m.body_text = "text";
    m.body_html = "<p>html</p>";
    return m;
}

static int64_t enqueue_committed(fixture *f, char id[VT_OUTBOX_ID_MAX])
{
    vt_outbox_msg m = msg_to(f->case_id, f->contact);
    vt_error err = VT_ERROR_INIT;

    assert_int_equal(vt_store_begin(f->db.s, &err), 0);
    if (vt_outbox_enqueue(f->db.s, &m, id, &err) != 0)
        fail_msg("enqueue: %s", err.msg);
    assert_int_equal(vt_store_commit(f->db.s, &err), 0);
    return vt_test_sql_int(f->db.s, "SELECT max(id) FROM outbox");
}

static void test_outbox__rollback_loses_the_message(void **state)
{
    fixture *f = *state;
    vt_outbox_msg m = msg_to(f->case_id, f->contact);
    vt_error err = VT_ERROR_INIT;
    char id[VT_OUTBOX_ID_MAX];
    int64_t before = vt_test_sql_int(f->db.s, "SELECT count(*) FROM outbox");

    assert_int_equal(vt_store_begin(f->db.s, &err), 0);
    assert_int_equal(vt_outbox_enqueue(f->db.s, &m, id, &err), 0);
    assert_int_equal(strncmp(id, "vt-", 3), 0);
    assert_int_equal(strlen(id), 35);
    assert_int_equal(vt_test_sql_int(f->db.s, "SELECT count(*) FROM outbox"), before + 1);
    assert_int_equal(vt_store_rollback(f->db.s), 0);
    assert_int_equal(vt_test_sql_int(f->db.s, "SELECT count(*) FROM outbox"), before);
}

static void test_outbox__p7_refuses_a_foreign_recipient(void **state)
{
    fixture *f = *state;
    vt_outbox_msg m = msg_to(f->case_id, f->foreign);
    vt_error err = VT_ERROR_INIT;
    char id[VT_OUTBOX_ID_MAX];

    assert_int_equal(vt_store_begin(f->db.s, &err), 0);
    assert_int_equal(vt_outbox_enqueue(f->db.s, &m, id, &err), VT_EINVALID);
    assert_string_equal(err.field, "/contact");
    assert_non_null(strstr(err.msg, "P7"));
    /* Without the check (a caller that ran it and holds a release) it is queued. */
    assert_int_equal(vt_outbox_enqueue_unchecked(f->db.s, &m, id, &err), 0);
    assert_int_equal(vt_store_rollback(f->db.s), 0);
}

static void test_outbox__backoff_doubles_caps_and_jitters(void **state)
{
    vt_outbox_policy p = {8, 1000, 30000};
    static const struct {
        int attempts;
        int64_t centre;
    } rows[] = {{1, 1000},  {2, 2000},  {3, 4000},   {4, 8000},    {5, 16000},
                {6, 30000}, {7, 30000}, {40, 30000}, {1000, 30000}};
    static const uint32_t randoms[] = {0, 1, 250, 500, 501, 1000, 123456789, UINT32_MAX};
    size_t i, k;
    bool below = false, above = false;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        for (k = 0; k < sizeof(randoms) / sizeof(randoms[0]); k++) {
            int64_t d = vt_outbox_backoff_ms(&p, rows[i].attempts, randoms[k]);
            int64_t q = rows[i].centre / 4;

            if (d < rows[i].centre - q || d > rows[i].centre + q)
                fail_msg("attempt %d random %u: %lld outside %lld +- %lld", rows[i].attempts,
                         randoms[k], (long long)d, (long long)rows[i].centre, (long long)q);
            below = below || d < rows[i].centre;
            above = above || d > rows[i].centre;
        }
    }
    /* The jitter moves both ways, and the extremes are reached. */
    assert_true(below && above);
    assert_int_equal(vt_outbox_backoff_ms(&p, 1, 0), 750);
    assert_int_equal(vt_outbox_backoff_ms(&p, 1, 500), 1250);
    assert_int_equal(vt_outbox_backoff_ms(&p, 1, 250), 1000);
    /* A tiny base never gives 0. */
    p.base_ms = 1;
    p.cap_ms = 1;
    assert_int_equal(vt_outbox_backoff_ms(&p, 3, 7), 1);
}

static void test_outbox__signature_known_answer(void **state)
{
    char sig[VT_OUTBOX_SIG_MAX];
    vt_error err = VT_ERROR_INIT;
    static const char body[] = "{\"case\":\"VT-2026-000001\"}";

    (void)state;
    /* printf '1700000000.{"case":"VT-2026-000001"}' |
     *   openssl dgst -sha256 -hmac 'whsec-test-0123456789' */
    assert_int_equal(
        vt_outbox_sign(sig, "whsec-test-0123456789", 1700000000, body, strlen(body), &err), 0);
    assert_string_equal(sig,
                        "sha256=f461243d71212d6d39af96bf5be2b9c57f2fca66fa5b7e10bd6f682821ce17a6");
    assert_int_equal(vt_outbox_sign(sig, "", 1, body, strlen(body), &err), VT_EINVALID);
}

static void test_outbox__state_machine_and_dead_letter(void **state)
{
    fixture *f = *state;
    vt_outbox_policy p = {3, 1000, 60000};
    vt_outbox_record r = VT_OUTBOX_RECORD_INIT;
    vt_error err = VT_ERROR_INIT;
    char id[VT_OUTBOX_ID_MAX];
    int64_t row, ids[8];
    size_t n = 0;
    bool dead = true, first = false;
    int attempt;

    vt_test_sql(f->db.s, "UPDATE outbox SET state = 'delivered'");
    row = enqueue_committed(f, id);
    for (attempt = 1; attempt <= 3; attempt++) {
        int64_t now = vt_test_sql_int(f->db.s, "SELECT next_attempt_ms FROM outbox"
                                               " WHERE state = 'pending'");
        /* Not due a millisecond early. */
        assert_int_equal(vt_outbox_claim(f->db.s, now - 1, 8, ids, &n, &err), 0);
        assert_int_equal(n, 0);
        assert_int_equal(vt_outbox_claim(f->db.s, now, 8, ids, &n, &err), 0);
        assert_int_equal(n, 1);
        assert_int_equal(ids[0], row);
        /* Claimed once: a second claim finds nothing. */
        assert_int_equal(vt_outbox_claim(f->db.s, now + 10000000, 8, ids, &n, &err), 0);
        assert_int_equal(n, 0);
        assert_int_equal(vt_outbox_mark_failed(f->db.s, row, "HTTP 500", now, &p, 500, &dead, &err),
                         0);
        assert_int_equal(vt_outbox_get(f->db.s, row, &r, &err), 0);
        assert_int_equal(r.attempts, attempt);
        assert_string_equal(r.message_id, id);
        assert_string_equal(r.last_error, "HTTP 500");
        if (attempt < 3) {
            assert_false(dead);
            assert_string_equal(r.state, "pending");
            assert_int_equal(r.next_attempt_ms, now + vt_outbox_backoff_ms(&p, attempt, 500));
            assert_true(r.next_attempt_ms > now);
        } else {
            assert_true(dead);
            assert_string_equal(r.state, "dead");
        }
        vt_outbox_record_dispose(&r);
    }
    /* A dead message is not claimed; retried by hand it is, with the same id. */
    assert_int_equal(vt_outbox_claim(f->db.s, INT64_MAX / 2, 8, ids, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(vt_outbox_retry(f->db.s, row, f->org + 1, T0, &err), VT_ENOTFOUND);
    assert_int_equal(vt_outbox_retry(f->db.s, row, f->org, T0, &err), 0);
    assert_int_equal(vt_outbox_retry(f->db.s, row, f->org, T0, &err), VT_EINVALID);
    assert_int_equal(vt_outbox_claim(f->db.s, T0, 8, ids, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(vt_outbox_mark_delivered(f->db.s, row, T0 + 5, &first, &err), 0);
    assert_true(first);
    assert_int_equal(vt_outbox_mark_delivered(f->db.s, row, T0 + 9, &first, &err), 0);
    assert_false(first);
    assert_int_equal(vt_outbox_get(f->db.s, row, &r, &err), 0);
    assert_string_equal(r.state, "delivered");
    assert_string_equal(r.message_id, id);
    assert_int_equal(r.delivered_ms, T0 + 5);
    assert_int_equal(r.attempts, 0);
    vt_outbox_record_dispose(&r);
    /* A delivered message stays delivered when a late failure is reported. */
    assert_int_equal(vt_outbox_mark_failed(f->db.s, row, "late", T0, &p, 0, &dead, &err),
                     VT_ENOTFOUND);
}

static void test_outbox__crash_left_delivering_is_claimed_again(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    vt_outbox_record r = VT_OUTBOX_RECORD_INIT;
    char id[VT_OUTBOX_ID_MAX];
    int64_t row, ids[8];
    size_t n = 0;
    long recovered = 0;

    vt_test_sql(f->db.s, "UPDATE outbox SET state = 'delivered'");
    row = enqueue_committed(f, id);
    assert_int_equal(vt_outbox_claim(f->db.s, INT64_MAX / 2, 8, ids, &n, &err), 0);
    assert_int_equal(n, 1);
    /* The process dies here; on start the message is pending again. */
    assert_int_equal(vt_outbox_claim(f->db.s, INT64_MAX / 2, 8, ids, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(vt_outbox_recover(f->db.s, T0, &recovered, &err), 0);
    assert_int_equal(recovered, 1);
    assert_int_equal(vt_outbox_claim(f->db.s, T0, 8, ids, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], row);
    assert_int_equal(vt_outbox_get(f->db.s, row, &r, &err), 0);
    assert_string_equal(r.message_id, id);
    assert_string_equal(r.state, "delivering");
    vt_outbox_record_dispose(&r);
}

static void test_outbox__list_shows_dead_letters(void **state)
{
    fixture *f = *state;
    vt_outbox_filter flt;
    vt_error err = VT_ERROR_INIT;
    cJSON *arr = NULL;
    char id[VT_OUTBOX_ID_MAX];
    int64_t row;

    vt_test_sql(f->db.s, "UPDATE outbox SET state = 'delivered'");
    row = enqueue_committed(f, id);
    {
        char sql[160];
        snprintf(sql, sizeof(sql),
                 "UPDATE outbox SET state = 'dead', attempts = 8,"
                 " last_error = 'refused' WHERE id = %lld",
                 (long long)row);
        vt_test_sql(f->db.s, sql);
    }
    memset(&flt, 0, sizeof(flt));
    flt.state = "dead";
    flt.org_id = f->org;
    assert_int_equal(vt_outbox_list(f->db.s, &flt, &arr, &err), 0);
    assert_int_equal(cJSON_GetArraySize(arr), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "message_id")->valuestring,
                        id);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "case")->valuestring,
                        "VT-2026-000001");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "last_error")->valuestring,
                        "refused");
    cJSON_Delete(arr);
    flt.org_id = f->org + 1;
    assert_int_equal(vt_outbox_list(f->db.s, &flt, &arr, &err), 0);
    assert_int_equal(cJSON_GetArraySize(arr), 0);
    cJSON_Delete(arr);
    flt.state = "lost";
    assert_int_equal(vt_outbox_list(f->db.s, &flt, &arr, &err), VT_EINVALID);
    assert_null(arr);
}

static void test_outbox__contacts_validate_and_match(void **state)
{
    static const struct {
        const char *json;
        const char *field; /* NULL: accepted */
    } rows[] = {
        {"{\"role\":\"user\",\"name\":\"a\",\"country\":\"CN\",\"channel\":\"email\","
         "\"address\":\"a@b.cn\"}",
         NULL},
        {"{\"role\":\"user\",\"name\":\"a\",\"country\":\"CHN\",\"channel\":\"email\","
         "\"address\":\"a@b.cn\"}",
         "/country"},
        {"{\"role\":\"user\",\"name\":\"a\",\"country\":\"CN\",\"channel\":\"email\","
         "\"address\":\"not mail\"}",
         "/address"},
        {"{\"role\":\"user\",\"name\":\"a\",\"country\":\"CN\",\"channel\":\"webhook\","
         "\"address\":\"http://x/\"}",
         "/secret"},
        {"{\"role\":\"user\",\"name\":\"a\",\"country\":\"CN\",\"channel\":\"webhook\","
         "\"address\":\"file:///etc\",\"secret\":\"0123456789abcdef\"}",
         "/address"},
        {"{\"role\":\"user\",\"name\":\"a\",\"country\":\"CN\",\"channel\":\"webhook\","
         "\"address\":\"http://x/\",\"secret\":\"short\"}",
         "/secret"},
        {"{\"role\":\"boss\",\"name\":\"a\",\"country\":\"CN\",\"channel\":\"email\","
         "\"address\":\"a@b.cn\"}",
         "/role"},
        {"{\"role\":\"user\",\"name\":\"a\",\"country\":\"CN\",\"channel\":\"email\","
         "\"address\":\"a@b.cn\",\"versions\":[1]}",
         "/versions"},
        {"{\"role\":\"user\",\"name\":\"a\",\"country\":\"CN\",\"channel\":\"email\","
         "\"address\":\"a@b.cn\",\"extra\":1}",
         "/extra"},
    };
    static const char products[] =
        "[{\"product_id\": 7, \"name\": \"R\", \"versions\": [\"2.0\", \"2.1\"]},"
        " {\"product_id\": 8, \"name\": \"S\", \"versions\": [{\"introduced\": \"1.0\"}]}]";
    vt_error err = VT_ERROR_INIT;
    cJSON *in = NULL, *ps = NULL;
    vt_contact c = VT_CONTACT_INIT;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_error_clear(&err);
        assert_int_equal(vt_json_parse(&in, rows[i].json, strlen(rows[i].json), &err), 0);
        if (rows[i].field) {
            assert_int_equal(vt_contact_apply_json(&c, in, false, &err), VT_EINVALID);
            assert_string_equal(err.field, rows[i].field);
        } else {
            assert_int_equal(vt_contact_apply_json(&c, in, false, &err), 0);
        }
        cJSON_Delete(in);
        vt_contact_dispose(&c);
    }
    assert_int_equal(vt_json_parse(&ps, products, strlen(products), &err), 0);
    /* Every product; product 7 any version; 2.1 only; 3.0 only; product 9; a range. */
    c.product_id = 0;
    assert_true(vt_contact_matches_case(&c, ps));
    c.product_id = 7;
    assert_true(vt_contact_matches_case(&c, ps));
    c.versions = "[\"2.1\"]";
    assert_true(vt_contact_matches_case(&c, ps));
    c.versions = "[\"3.0\"]";
    assert_false(vt_contact_matches_case(&c, ps));
    c.product_id = 9;
    c.versions = NULL;
    assert_false(vt_contact_matches_case(&c, ps));
    c.product_id = 8;
    c.versions = "[\"1.5\"]";
    assert_true(vt_contact_matches_case(&c, ps));
    c.versions = NULL;
    cJSON_Delete(ps);
}

static void test_outbox__notice_has_three_parts_and_is_bilingual(void **state)
{
    vt_case k = VT_CASE_INIT;
    vt_contact to = VT_CONTACT_INIT;
    vt_notice n = VT_NOTICE_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *body = NULL;

    (void)state;
    snprintf(k.ref, sizeof(k.ref), "VT-2026-000009");
    k.title = "Web 界面缓冲区溢出 <script>";
    k.doc =
        "{\"products\": [{\"name\": \"Router\", \"versions\": [\"2.0\"]}],"
        " \"gbt\": {\"grade\": \"high\", \"grade_zh\": \"高危\"},"
        " \"cvss\": [{\"vector\": \"CVSS:3.1/AV:N\", \"score\": 9.8, \"severity\": \"CRITICAL\"}],"
        " \"remediations\": [{\"kind\": \"patch\", \"version\": \"2.0.1\"}],"
        " \"identifiers\": [{\"scheme\": \"CNVD\", \"id\": \"CNVD-2026-1\"},"
        " {\"scheme\": \"CVE\", \"id\": \"CVE-2026-9\"}]}";
    to.id = 3;
    to.name = "Up";
    snprintf(to.role, sizeof(to.role), "upstream");
    assert_int_equal(vt_notice_compose(&n, "user_notice", &k, &to, "see <b>", NULL, T0, &err), 0);
    assert_non_null(strstr(n.subject, "VT-2026-000009"));
    assert_non_null(strstr(n.subject, "安全通知"));
    assert_int_equal(vt_json_parse(&body, n.body_json, strlen(n.body_json), &err), 0);
    assert_string_equal(cJSON_GetObjectItem(body, "advisory")->valuestring, "CVE-2026-9");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(body, "grade"), "grade_zh")->valuestring, "高危");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(body, "bilingual")));
    cJSON_Delete(body);
    assert_non_null(strstr(n.body_text, "Remediation / 修复措施: patch 2.0.1"));
    assert_non_null(strstr(n.body_text, "Router (versions / 版本: 2.0)"));
    assert_non_null(strstr(n.body_text, "9.8 CRITICAL CVSS:3.1/AV:N"));
    /* HTML is escaped. */
    assert_null(strstr(n.body_html, "<script>"));
    assert_non_null(strstr(n.body_html, "&lt;script&gt;"));
    assert_non_null(strstr(n.body_html, "see &lt;b&gt;"));
    vt_notice_dispose(&n);
    /* No Chinese text written by people (the computed grade label does not
     * count): English only. */
    k.title = "Overflow";
    k.doc = "{\"gbt\": {\"grade\": \"high\", \"grade_zh\": \"高危\"}}";
    assert_int_equal(
        vt_notice_compose(&n, "upstream_notice", &k, &to, NULL, "CN-UPSTREAM", T0, &err), 0);
    assert_null(strstr(n.body_text, "修复"));
    assert_null(strstr(n.subject, "通知"));
    assert_non_null(strstr(n.body_text, "Grade (GB/T 30279): high (高危)"));
    assert_non_null(strstr(n.body_text, "Obligation: CN-UPSTREAM"));
    assert_non_null(strstr(n.body_text, "Advisory reference: VT-2026-000009"));
    vt_notice_dispose(&n);
    assert_int_equal(vt_notice_compose(&n, "advert", &k, &to, NULL, NULL, T0, &err), VT_EINVALID);
    assert_string_equal(err.field, "/kind");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outbox__rollback_loses_the_message),
        cmocka_unit_test(test_outbox__p7_refuses_a_foreign_recipient),
        cmocka_unit_test(test_outbox__backoff_doubles_caps_and_jitters),
        cmocka_unit_test(test_outbox__signature_known_answer),
        cmocka_unit_test(test_outbox__state_machine_and_dead_letter),
        cmocka_unit_test(test_outbox__crash_left_delivering_is_claimed_again),
        cmocka_unit_test(test_outbox__list_shows_dead_letters),
        cmocka_unit_test(test_outbox__contacts_validate_and_match),
        cmocka_unit_test(test_outbox__notice_has_three_parts_and_is_bilingual),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
