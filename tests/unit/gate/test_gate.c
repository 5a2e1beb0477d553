/*
 * test_gate.c - the disclosure gate (Art. 9): for every rule P1-P7 a
 * publication or share refused first and allowed once the rule's
 * condition is met; the A5 difference between a provider and a
 * third-party publisher; the document-text scanner (asset identifiers,
 * severity words in English and Chinese); the record writers with their
 * required members and ledger entries. Each test runs on a fresh store
 * with organisations, cases and events inserted by SQL.
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
#include "vulntrack/gate.h"
#include "vulntrack/json.h"
#include "vulntrack/store.h"

/* 2026-03-03T02:00:00Z */
#define T0 INT64_C(1772503200000)
#define HOUR VT_MS_PER_HOUR

/* A case that passes every rule: graded high, a patch, fix available, attested. */
#define GOOD_DOC                                                                                   \
    "{\"gbt\": {\"grade\": \"high\"}, \"remediations\": [{\"kind\": \"patch\", \"version\": "      \
    "\"2.3.2\"}]}"
#define GOOD_TEXT "Upgrade to 2.3.2. Severity: high."

typedef struct fixture {
    vt_test_db db;
    int64_t acme;  /* vendor, CN */
    int64_t plat;  /* collection platform, CN */
    int64_t euro;  /* vendor, DE */
    int64_t other; /* vendor, CN */
} fixture;

static int64_t org(fixture *f, const char *slug, const char *kind, const char *country)
{
    char sql[512];

    snprintf(sql, sizeof(sql),
             "INSERT INTO orgs (slug, name, kind, country, time_zone, created_ms) VALUES "
             "('%s', '%s', '%s', '%s', 'Asia/Shanghai', 0)",
             slug, slug, kind, country);
    vt_test_sql(f->db.s, sql);
    snprintf(sql, sizeof(sql), "SELECT id FROM orgs WHERE slug = '%s'", slug);
    return vt_test_sql_int(f->db.s, sql);
}

static int setup(void **state)
{
    static fixture f;

    memset(&f, 0, sizeof(f));
    vt_json_init();
    if (vt_test_db_open(&f.db, "vt-gate-test") != 0)
        fail_msg("cannot open a temporary store");
    f.acme = org(&f, "acme", "vendor", "CN");
    f.plat = org(&f, "plat", "platform", "CN");
    f.euro = org(&f, "euro", "vendor", "DE");
    f.other = org(&f, "other", "vendor", "CN");
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    return vt_test_db_remove(&f->db);
}

static int64_t new_case(fixture *f, int64_t org_id, const char *scope, const char *doc)
{
    static int n;
    char sql[2048];

    n++;
    snprintf(sql, sizeof(sql),
             "INSERT INTO cases (ref, org_id, state, title, scope, doc, created_ms, updated_ms) "
             "VALUES ('VT-2026-%06d', %lld, 'users_notified', 't', '%s', '%s', 0, 0)",
             n, (long long)org_id, scope, doc);
    vt_test_sql(f->db.s, sql);
    return vt_test_sql_int(f->db.s, "SELECT max(id) FROM cases");
}

static void event(fixture *f, int64_t id, const char *ev)
{
    char sql[512];

    snprintf(sql, sizeof(sql),
             "INSERT INTO case_events (case_id, event, at_ms, time_zone, actor, recorded_ms) "
             "VALUES (%lld, '%s', %lld, 'UTC', 'test', 0)",
             (long long)id, ev, (long long)T0);
    vt_test_sql(f->db.s, sql);
}

/* Add a record through the writer, in a transaction; returns its code. */
static int record(fixture *f, int64_t id, const char *kind, const char *json, vt_error *err)
{
    cJSON *rec = NULL;
    vt_error perr = VT_ERROR_INIT;
    int rc;

    if (vt_json_parse(&rec, json, strlen(json), &perr) < 0)
        fail_msg("test JSON: %s", json);
    assert_int_equal(vt_store_begin(f->db.s, err), 0);
    rc = vt_gate_record_add(f->db.s, id, kind, rec, 42, "user:reviewer", T0, NULL, err);
    if (rc < 0)
        vt_store_rollback(f->db.s);
    else
        assert_int_equal(vt_store_commit(f->db.s, err), 0);
    cJSON_Delete(rec);
    return rc;
}

static void record_ok(fixture *f, int64_t id, const char *kind, const char *json)
{
    vt_error err = VT_ERROR_INIT;

    if (record(f, id, kind, json, &err) != 0)
        fail_msg("record %s: %s", kind, err.msg);
}

/* A case that passes every rule of `org_id`, with `scope` and `doc`. */
static int64_t good_case(fixture *f, int64_t org_id, const char *scope, const char *doc)
{
    int64_t id = new_case(f, org_id, scope, doc);

    event(f, id, "E_FIX_AVAILABLE");
    record_ok(f, id, "no_exaggeration_attestation", "{}");
    return id;
}

static vt_gate_result publish(fixture *f, int64_t id, const char *document, int64_t now)
{
    vt_gate_result r;
    vt_error err = VT_ERROR_INIT;

    if (vt_gate_check_publish(f->db.s, id, document, now, &r, &err) != 0)
        fail_msg("gate: %s", err.msg);
    return r;
}

static vt_gate_result share(fixture *f, int64_t id, const char *country, bool provider)
{
    vt_gate_result r;
    vt_error err = VT_ERROR_INIT;

    if (vt_gate_check_share(f->db.s, id, country, provider, &r, &err) != 0)
        fail_msg("share: %s", err.msg);
    return r;
}

/* Whether `r` refuses with `rule` and `code`; a refusal also says what would satisfy it. */
static bool refused(const vt_gate_result *r, const char *rule, const char *code)
{
    size_t i;

    for (i = 0; i < r->count; i++)
        if (strcmp(r->refusals[i].rule, rule) == 0 && strcmp(r->refusals[i].code, code) == 0) {
            assert_true(r->refusals[i].message[0] != '\0');
            assert_true(r->refusals[i].remedy[0] != '\0');
            return true;
        }
    return false;
}

static void assert_allowed(const vt_gate_result *r)
{
    if (r->count)
        fail_msg("refused: %s %s: %s", r->refusals[0].rule, r->refusals[0].code,
                 r->refusals[0].message);
}

static void assert_only(const vt_gate_result *r, const char *rule, const char *code)
{
    if (r->count != 1 || !refused(r, rule, code))
        fail_msg("expected only %s %s, got %zu refusal(s), first %s %s", rule, code, r->count,
                 r->count ? r->refusals[0].rule : "-", r->refusals[0].code);
}

/* ---------------------------------------------------------------------
 * P1 (Art. 9(1))
 * ------------------------------------------------------------------- */

static void test_gate__p1_fix_or_early_approval(void **state)
{
    fixture *f = *state;
    int64_t id = new_case(f, f->acme, "own_product", GOOD_DOC);
    vt_gate_result r;
    vt_error err = VT_ERROR_INIT;

    record_ok(f, id, "no_exaggeration_attestation", "{}");
    r = publish(f, id, NULL, T0);
    assert_only(&r, "P1", "no_fix_available");
    /* An approval missing a reference is not stored at all. */
    assert_int_equal(record(f, id, "early_publication_approval",
                            "{\"joint_assessment_date\": \"2026-03-01\", \"miit_ref\": \"M-1\", "
                            "\"mps_ref\": \"P-1\"}",
                            &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/record");
    assert_non_null(strstr(err.msg, "assessment_result_ref"));
    assert_int_equal(record(f, id, "early_publication_approval",
                            "{\"miit_ref\": \"M-1\", \"mps_ref\": \"P-1\", "
                            "\"assessment_result_ref\": \"A-1\"}",
                            &err),
                     VT_EINVALID);
    assert_non_null(strstr(err.msg, "joint_assessment_ref or joint_assessment_date"));
    r = publish(f, id, NULL, T0);
    assert_only(&r, "P1", "no_fix_available");
    record_ok(f, id, "early_publication_approval",
              "{\"joint_assessment_date\": \"2026-03-01\", \"miit_ref\": \"M-1\", \"mps_ref\": "
              "\"P-1\", \"assessment_result_ref\": \"A-1\"}");
    r = publish(f, id, NULL, T0);
    assert_allowed(&r);

    /* The other way: the fix made available. */
    id = new_case(f, f->acme, "own_product", GOOD_DOC);
    record_ok(f, id, "no_exaggeration_attestation", "{}");
    r = publish(f, id, NULL, T0);
    assert_true(refused(&r, "P1", "no_fix_available"));
    event(f, id, "E_FIX_AVAILABLE");
    r = publish(f, id, NULL, T0);
    assert_allowed(&r);
}

/* A5: a provider may publish with its own mitigation; a third party needs the patch. */
static void test_gate__p1_a5_provider_vs_third_party(void **state)
{
    fixture *f = *state;
    static const char mitigation[] =
        "{\"gbt\": {\"grade\": \"high\"}, \"remediations\": [{\"kind\": \"mitigation\", "
        "\"instructions\": \"disable the admin interface\"}]}";
    char sql[256];
    vt_gate_result r;
    int64_t prov = good_case(f, f->acme, "own_product", mitigation);
    int64_t plat = good_case(f, f->plat, "third_party_product", mitigation);
    int64_t finder = good_case(f, f->acme, "third_party_product", mitigation);

    r = publish(f, prov, NULL, T0);
    assert_allowed(&r);
    r = publish(f, plat, NULL, T0);
    assert_only(&r, "P1", "third_party_needs_patch");
    r = publish(f, finder, NULL, T0);
    assert_only(&r, "P1", "third_party_needs_patch");
    /* The provider's patch arrives. */
    snprintf(sql, sizeof(sql), "UPDATE cases SET doc = '%s' WHERE id IN (%lld, %lld)", GOOD_DOC,
             (long long)plat, (long long)finder);
    vt_test_sql(f->db.s, sql);
    r = publish(f, plat, NULL, T0);
    assert_allowed(&r);
    r = publish(f, finder, NULL, T0);
    assert_allowed(&r);
}

/* ---------------------------------------------------------------------
 * P2 (Art. 9(2))
 * ------------------------------------------------------------------- */

static void test_gate__p2_operator_system(void **state)
{
    fixture *f = *state;
    int64_t id = good_case(f, f->acme, "operator_system", GOOD_DOC);
    char sql[128];
    vt_gate_result r = publish(f, id, NULL, T0);

    assert_only(&r, "P2", "operator_system");
    r = publish(f, id, GOOD_TEXT, T0);
    assert_only(&r, "P2", "operator_system");
    /* Re-scoped as the vendor's own product (the operator's system is not named): allowed. */
    snprintf(sql, sizeof(sql), "UPDATE cases SET scope = 'own_product' WHERE id = %lld",
             (long long)id);
    vt_test_sql(f->db.s, sql);
    r = publish(f, id, GOOD_TEXT, T0);
    assert_allowed(&r);
}

static void test_gate__p2_asset_identifiers(void **state)
{
    fixture *f = *state;
    int64_t id = good_case(f, f->acme, "own_product", GOOD_DOC);
    char sql[512];
    vt_gate_result r;

    snprintf(sql, sizeof(sql),
             "INSERT INTO assets (org_id, name, identifiers, created_ms) VALUES "
             "(%lld, 'billing db', '[\"db1.corp.example.cn\", \"10.20.30.40\"]', 0), "
             "(%lld, 'theirs', '[\"mail.other.example\"]', 0)",
             (long long)f->acme, (long long)f->other);
    vt_test_sql(f->db.s, sql);
    r = publish(f, id, GOOD_TEXT " Seen on DB1.corp.example.cn.", T0);
    assert_only(&r, "P2", "operator_asset_identifier");
    assert_non_null(strstr(r.refusals[0].message, "billing db"));
    r = publish(f, id, GOOD_TEXT " 受影响主机10.20.30.40:8443", T0);
    assert_only(&r, "P2", "operator_asset_identifier");
    /* Not the identifier itself: a longer host name, a longer address. */
    r = publish(f, id, GOOD_TEXT " xdb1.corp.example.cn and 10.20.30.401", T0);
    assert_allowed(&r);
    /* Another organisation's assets are not this one's. */
    r = publish(f, id, GOOD_TEXT " mail.other.example", T0);
    assert_allowed(&r);
    r = publish(f, id, GOOD_TEXT, T0);
    assert_allowed(&r);
}

static void test_gate__p2_operator_confidential_fields(void **state)
{
    fixture *f = *state;
    int64_t id = good_case(f, f->acme, "own_product",
                           "{\"gbt\": {\"grade\": \"high\"}, \"remediations\": [{\"kind\": "
                           "\"patch\", \"version\": \"2.3.2\"}], \"impact_scope\": \"Plant-7 "
                           "SCADA segment\", \"operator_confidential\": [\"impact_scope\"]}");
    vt_gate_result r = publish(f, id, GOOD_TEXT " Found in plant-7 scada segment.", T0);

    assert_only(&r, "P2", "operator_confidential_field");
    r = publish(f, id, GOOD_TEXT " Found at a customer site.", T0);
    assert_allowed(&r);
}

/* ---------------------------------------------------------------------
 * P3 (Art. 9(3))
 * ------------------------------------------------------------------- */

static void test_gate__p3_no_exaggeration(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text;
        bool allowed;
    } rows[] = {
        {"Upgrade to 2.3.2. Severity: medium.", true},
        {"Upgrade to 2.3.2. 中危漏洞。", true},
        {"Upgrade to 2.3.2. A low-impact issue.", true},
        {"Upgrade to 2.3.2. Severity: HIGH.", false},
        {"Upgrade to 2.3.2. Critical!", false},
        {"升级到 2.3.2。高危漏洞。", false},
        {"升级到 2.3.2。超危漏洞。", false},
        {"升级到 2.3.2。极其严重的漏洞。", false},
        {"Upgrade to 2.3.2. The most severe bug of the decade.", false},
        {"Upgrade to 2.3.2. Catastrophic.", false},
    };
    int64_t id = new_case(f, f->acme, "own_product",
                          "{\"gbt\": {\"grade\": \"medium\"}, \"remediations\": [{\"kind\": "
                          "\"patch\", \"version\": \"2.3.2\"}]}");
    vt_gate_result r;
    size_t i;

    event(f, id, "E_FIX_AVAILABLE");
    r = publish(f, id, rows[0].text, T0);
    assert_only(&r, "P3", "no_attestation");
    record_ok(f, id, "no_exaggeration_attestation", "{\"note\": \"checked the wording\"}");
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        r = publish(f, id, rows[i].text, T0);
        if (rows[i].allowed)
            assert_allowed(&r);
        else if (r.count != 1 || !refused(&r, "P3", "severity_exaggerated"))
            fail_msg("row %zu (%s) not refused as exaggerated", i, rows[i].text);
    }
    /* The attestation names its reviewer by user id. */
    assert_int_equal(vt_test_sql_int(f->db.s,
                                     "SELECT count(*) FROM disclosure_records WHERE kind = "
                                     "'no_exaggeration_attestation' AND json_extract(record, "
                                     "'$.reviewer_user_id') = 42 AND json_extract(record, "
                                     "'$.reviewer') = 'user:reviewer'"),
                     1);
    /* A case without an assessed grade has nothing to state. */
    id = good_case(f, f->acme, "own_product",
                   "{\"remediations\": [{\"kind\": \"patch\", \"version\": \"2.3.2\"}]}");
    r = publish(f, id, NULL, T0);
    assert_only(&r, "P3", "no_assessed_grade");
}

/* ---------------------------------------------------------------------
 * P4 (Art. 9(4))
 * ------------------------------------------------------------------- */

static void test_gate__p4_no_exploit(void **state)
{
    fixture *f = *state;
    static const char sha[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    int64_t id = good_case(f, f->acme, "own_product", GOOD_DOC);
    char sql[1024];
    vt_gate_result r;

    snprintf(sql, sizeof(sql),
             "INSERT INTO reports (id, org_id, tracking_hash, received_ms, channel, submitted_by, "
             "title, body, content_sha256, ledger_seq, case_id) VALUES ('R-1', %lld, x'01', 0, "
             "'api', 'anonymous', 't', '{}', '00', 0, %lld);"
             "INSERT INTO attachments (report_id, filename, media_type, classification, size, "
             "sha256, content) VALUES ('R-1', 'rce_exploit.py', 'text/x-python', 'exploit', 1, "
             "'%s', x'00'), ('R-1', 'crash.log', 'text/plain', 'log', 1, 'aa', x'00')",
             (long long)f->acme, (long long)id, sha);
    vt_test_sql(f->db.s, sql);
    r = publish(f, id, GOOD_TEXT " Exploit: rce_exploit.py", T0);
    assert_only(&r, "P4", "exploit_attachment");
    snprintf(sql, sizeof(sql), GOOD_TEXT " sha256:%s", sha);
    r = publish(f, id, sql, T0);
    assert_only(&r, "P4", "exploit_attachment");
    /* A publishable attachment may be named; the publication carries no attachment. */
    r = publish(f, id, GOOD_TEXT " See crash.log.", T0);
    assert_allowed(&r);
    r = publish(f, id, NULL, T0);
    assert_allowed(&r);
}

/* ---------------------------------------------------------------------
 * P5 (Art. 9(5))
 * ------------------------------------------------------------------- */

static void test_gate__p5_remediation_published(void **state)
{
    fixture *f = *state;
    int64_t id = good_case(f, f->acme, "own_product", "{\"gbt\": {\"grade\": \"high\"}}");
    char sql[256];
    vt_gate_result r = publish(f, id, NULL, T0);

    /* No remediation at all: P1 (nothing made available) and P5. */
    assert_true(refused(&r, "P5", "no_remediation"));
    snprintf(sql, sizeof(sql), "UPDATE cases SET doc = '%s' WHERE id = %lld", GOOD_DOC,
             (long long)id);
    vt_test_sql(f->db.s, sql);
    r = publish(f, id, NULL, T0);
    assert_allowed(&r);
    /* A document must carry it itself. */
    r = publish(f, id, "A high severity flaw in the login form.", T0);
    assert_only(&r, "P5", "no_remediation");
    r = publish(f, id, "A high severity flaw in the login form. Fixed in 2.3.2.", T0);
    assert_allowed(&r);
    r = publish(f, id,
                "{\"document\": {\"title\": \"x\"}, \"vulnerabilities\": [{\"remediations\": "
                "[{\"category\": \"vendor_fix\", \"details\": \"Install the update.\"}]}]}",
                T0);
    assert_allowed(&r);
    r = publish(f, id, "{\"vulnerabilities\": [{\"remediations\": [{\"category\": \"none\"}]}]}",
                T0);
    assert_only(&r, "P5", "no_remediation");
    /* OSV: a fixed version event is the step (upgrade to it). */
    r = publish(f, id,
                "{\"affected\": [{\"ranges\": [{\"events\": [{\"introduced\": \"1.0\"}, "
                "{\"fixed\": \"1.4.2\"}]}]}]}",
                T0);
    assert_allowed(&r);
    r = publish(f, id,
                "{\"affected\": [{\"ranges\": [{\"events\": [{\"introduced\": \"1.0\"}, "
                "{\"last_affected\": \"1.4.1\"}]}]}]}",
                T0);
    assert_only(&r, "P5", "no_remediation");
}

/* ---------------------------------------------------------------------
 * P6 (Art. 9(6))
 * ------------------------------------------------------------------- */

static void window(fixture *f, int64_t org_id, int64_t start, int64_t end, int64_t *id)
{
    vt_error err = VT_ERROR_INIT;

    assert_int_equal(vt_store_begin(f->db.s, &err), 0);
    if (vt_gate_blackout_add(f->db.s, org_id, start, end, "national event", "user:admin", T0, id,
                             &err) != 0)
        fail_msg("window: %s", err.msg);
    assert_int_equal(vt_store_commit(f->db.s, &err), 0);
}

static void test_gate__p6_blackout(void **state)
{
    fixture *f = *state;
    int64_t id = good_case(f, f->acme, "own_product", GOOD_DOC), w1, w2, w3;
    vt_error err = VT_ERROR_INIT;
    vt_gate_result r;

    window(f, 0, T0 + 24 * HOUR, T0 + 48 * HOUR, &w1);        /* every organisation */
    window(f, f->other, T0 - 24 * HOUR, T0 + 24 * HOUR, &w2); /* another organisation */
    r = publish(f, id, NULL, T0);
    assert_allowed(&r);
    r = publish(f, id, NULL, T0 + 30 * HOUR);
    assert_only(&r, "P6", "blackout_window");
    assert_non_null(strstr(r.refusals[0].message, "national event"));
    /* The end is exclusive. */
    r = publish(f, id, NULL, T0 + 48 * HOUR);
    assert_allowed(&r);
    /* The organisation's own window. */
    window(f, f->acme, T0 + 72 * HOUR, T0 + 96 * HOUR, &w3);
    r = publish(f, id, NULL, T0 + 80 * HOUR);
    assert_only(&r, "P6", "blackout_window");
    assert_int_equal(record(f, id, "mps_consent", "{}", &err), VT_EINVALID);
    record_ok(f, id, "mps_consent", "{\"ref\": \"MPS-2026-17\"}");
    r = publish(f, id, NULL, T0 + 30 * HOUR);
    assert_allowed(&r);
    r = publish(f, id, NULL, T0 + 80 * HOUR);
    assert_allowed(&r);
    /* Deleting a window lifts it, with a ledger entry. */
    assert_int_equal(vt_store_begin(f->db.s, &err), 0);
    assert_int_equal(vt_gate_blackout_delete(f->db.s, w1, "user:admin", T0, &err), 0);
    assert_int_equal(vt_store_commit(f->db.s, &err), 0);
    assert_int_equal(vt_gate_blackout_delete(f->db.s, w1, "user:admin", T0, &err), VT_ENOTFOUND);
    assert_int_equal(vt_test_sql_int(f->db.s, "SELECT count(*) FROM ledger WHERE kind LIKE "
                                              "'blackout.%'"),
                     4);
    (void)w2;
}

/* ---------------------------------------------------------------------
 * P7 (Art. 9(7))
 * ------------------------------------------------------------------- */

static void test_gate__p7_provider(void **state)
{
    fixture *f = *state;
    int64_t id = good_case(f, f->acme, "own_product", GOOD_DOC);
    vt_error err = VT_ERROR_INIT;
    vt_gate_result r = share(f, id, "US", false);

    assert_only(&r, "P7", "cross_border_release_required");
    /* Inside China, and to the product's own provider: allowed. */
    r = share(f, id, "CN", false);
    assert_allowed(&r);
    r = share(f, id, "us", true);
    assert_allowed(&r);
    /* A release names an approver and the recipient. */
    assert_int_equal(record(f, id, "cross_border_release",
                            "{\"approver\": \"Li Wei\", \"country\": \"US\"}", &err),
                     VT_EINVALID);
    assert_non_null(strstr(err.msg, "recipient"));
    record_ok(f, id, "cross_border_release",
              "{\"approver\": \"Li Wei\", \"recipient\": \"Example CERT\", \"country\": \"us\"}");
    r = share(f, id, "US", false);
    assert_allowed(&r);
    /* The release is for that recipient's country only. */
    r = share(f, id, "JP", false);
    assert_only(&r, "P7", "cross_border_release_required");
    /* Once published, the information is public. */
    event(f, id, "E_PUBLISHED");
    r = share(f, id, "JP", false);
    assert_allowed(&r);
    assert_non_null(strstr(r.note, "published"));
    assert_int_equal(vt_gate_check_share(f->db.s, id, "USA", false, &r, &err), VT_EINVALID);
    assert_string_equal(err.field, "/country");
}

/* A7: a collection platform never releases abroad, except to the product's provider. */
static void test_gate__p7_collector_and_foreign_org(void **state)
{
    fixture *f = *state;
    int64_t id = good_case(f, f->plat, "third_party_product", GOOD_DOC);
    int64_t eu = good_case(f, f->euro, "own_product", GOOD_DOC);
    vt_gate_result r = share(f, id, "DE", false);

    assert_only(&r, "P7", "cross_border_blocked");
    record_ok(f, id, "cross_border_release",
              "{\"approver\": \"Li Wei\", \"recipient\": \"Example GmbH\", \"country\": \"DE\"}");
    r = share(f, id, "DE", false);
    assert_only(&r, "P7", "cross_border_blocked");
    r = share(f, id, "DE", true);
    assert_allowed(&r);
    /* An organisation outside China has no Art. 9(7) duty: passes with a note. */
    r = share(f, eu, "US", false);
    assert_allowed(&r);
    assert_non_null(strstr(r.note, "not CN"));
}

/* ---------------------------------------------------------------------
 * Results, records and the scanner
 * ------------------------------------------------------------------- */

static void test_gate__result_json_and_ledger(void **state)
{
    fixture *f = *state;
    int64_t id = new_case(f, f->acme, "operator_system", "{}");
    vt_gate_result r = publish(f, id, NULL, T0);
    cJSON *j = vt_gate_result_json(&r);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "refusals"), *first;
    char line[256];
    vt_error err = VT_ERROR_INIT;

    assert_non_null(j);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "allowed")));
    assert_int_equal(cJSON_GetArraySize(arr), (int)r.count);
    assert_true(r.count >= 4); /* P1, P2, P3 (grade, attestation), P5 */
    first = cJSON_GetArrayItem(arr, 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(first, "rule")->valuestring, "P1");
    assert_non_null(cJSON_GetObjectItemCaseSensitive(first, "remedy"));
    cJSON_Delete(j);
    vt_gate_result_summary(&r, line, sizeof(line));
    assert_non_null(strstr(line, "P1 no_fix_available, P2 operator_system"));
    /* Unknown kinds and members are refused; each record is a ledger entry. */
    assert_int_equal(record(f, id, "approval", "{}", &err), VT_EINVALID);
    assert_string_equal(err.field, "/kind");
    assert_int_equal(record(f, id, "mps_consent", "{\"ref\": \"x\", \"extra\": \"y\"}", &err),
                     VT_EINVALID);
    assert_int_equal(
        record(f, id, "no_exaggeration_attestation", "{\"reviewer\": \"someone else\"}", &err),
        VT_EINVALID);
    assert_int_equal(record(f, INT64_C(999999), "mps_consent", "{\"ref\": \"x\"}", &err),
                     VT_ENOTFOUND);
    record_ok(f, id, "mps_consent", "{\"ref\": \"MPS-1\"}");
    assert_int_equal(vt_test_sql_int(f->db.s, "SELECT count(*) FROM ledger WHERE kind = "
                                              "'disclosure.recorded'"),
                     1);
    assert_int_equal(vt_gate_check_publish(f->db.s, INT64_C(999999), NULL, T0, &r, &err),
                     VT_ENOTFOUND);
}

/* The doc key operator_confidential names other fields, once each (case_fields.c). */
static void test_gate__operator_confidential_field_rule(void **state)
{
    static const struct {
        const char *doc, *field;
    } rows[] = {
        {"{\"operator_confidential\": [\"impact_scope\", \"description\"]}", NULL},
        {"{\"operator_confidential\": []}", NULL},
        {"{\"operator_confidential\": \"impact_scope\"}", "/doc/operator_confidential"},
        {"{\"operator_confidential\": [\"nonsense\"]}", "/doc/operator_confidential/0"},
        {"{\"operator_confidential\": [\"operator_confidential\"]}",
         "/doc/operator_confidential/0"},
        {"{\"operator_confidential\": [\"harm\", 7]}", "/doc/operator_confidential/1"},
        {"{\"operator_confidential\": [\"harm\", \"harm\"]}", "/doc/operator_confidential/1"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        cJSON *in = NULL, *out = NULL;
        vt_error err = VT_ERROR_INIT;
        int rc;

        assert_int_equal(vt_json_parse(&in, rows[i].doc, strlen(rows[i].doc), &err), 0);
        rc = vt_case_doc_normalize(&out, in, NULL, "/doc", &err);
        if (rows[i].field) {
            if (rc != VT_EINVALID || strcmp(err.field, rows[i].field) != 0)
                fail_msg("row %zu: rc %d field '%s'", i, rc, err.field);
        } else if (rc != 0) {
            fail_msg("row %zu refused: %s", i, err.msg);
        }
        cJSON_Delete(out);
        cJSON_Delete(in);
    }
}

static void test_gate__scanner(void **state)
{
    static const struct {
        const char *text, *needle;
        bool found;
    } tokens[] = {
        {"host db1.example.cn is down", "db1.example.cn", true},
        {"host DB1.EXAMPLE.CN.", "db1.example.cn", true},
        {"(db1.example.cn)", "db1.example.cn", true},
        {"主机db1.example.cn存在漏洞", "db1.example.cn", true},
        {"xdb1.example.cn", "db1.example.cn", false},
        {"a.db1.example.cn", "db1.example.cn", false},
        {"db1.example.cn.org", "db1.example.cn", false},
        {"db1.example.cn-2", "db1.example.cn", false},
        {"10.0.0.1:80", "10.0.0.1", true},
        {"10.0.0.15", "10.0.0.1", false},
        {"anything", "", false},
        {"", "x", false},
    };
    static const struct {
        const char *text;
        int level;
    } sev[] = {
        {"nothing to say", 0},
        {"a low risk", 1},
        {"LOW", 1},
        {"below", 0},
        {"medium", 2},
        {"high", 3},
        {"highest", 0},
        {"critical", 4},
        {"低危", 1},
        {"中危", 2},
        {"高危", 3},
        {"超危", 4},
        {"严重", 4},
        {"极其严重", 5},
        {"最严重的漏洞", 5},
        {"most severe", 5},
        {"Most  severe", 4},
        {"catastrophic", 5},
        {"low and critical", 4},
    };
    const char *word;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
        if (vt_gate_text_has_token(tokens[i].text, tokens[i].needle) != tokens[i].found)
            fail_msg("token row %zu: '%s' in '%s'", i, tokens[i].needle, tokens[i].text);
    for (i = 0; i < sizeof(sev) / sizeof(sev[0]); i++)
        if (vt_gate_text_severity(sev[i].text, &word) != sev[i].level)
            fail_msg("severity row %zu: '%s'", i, sev[i].text);
    assert_int_equal(vt_gate_text_severity("superlatives: 极其严重", &word), 5);
    assert_string_equal(word, "极其严重");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_gate__p1_fix_or_early_approval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__p1_a5_provider_vs_third_party, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__p2_operator_system, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__p2_asset_identifiers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__p2_operator_confidential_fields, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_gate__p3_no_exaggeration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__p4_no_exploit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__p5_remediation_published, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__p6_blackout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__p7_provider, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__p7_collector_and_foreign_org, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate__result_json_and_ledger, setup, teardown),
        cmocka_unit_test(test_gate__operator_confidential_field_rule),
        cmocka_unit_test(test_gate__scanner),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
