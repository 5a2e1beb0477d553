/*
 * test_assets.c - operator assets on a temporary store: validation, an
 * asset by purl and by SBOM with its OSV findings (advisories of our own
 * imported, one of them in KEV), findings from a published CSAF advisory
 * (an example of the data kit inserted into published_advisories), and the
 * operator case opened from a finding: scope, fields, CN-OPFIX and the BOD
 * 26-04 outcome from publicly_exposed and KEV, a second case refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "test_store_support.h"
#include "test_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/assets.h"
#include "vulntrack/clock.h"
#include "vulntrack/import.h"
#include "vulntrack/json.h"
#include "vulntrack/osv.h"

/* gin < 1.5.0, alias CVE-2099-0201 (in KEV); websocket < 1.5.0, alias
 * CVE-2099-0202 (not in KEV). */
static const char adv_gin[] =
    "{\"id\":\"VT-AST-2026-1\",\"modified\":\"2026-01-01T00:00:00Z\","
    "\"aliases\":[\"CVE-2099-0201\"],\"summary\":\"gin test advisory\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"github.com/gin-gonic/gin\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.5.0\"}]}]}]"
    "}";
static const char adv_ws[] =
    "{\"id\":\"VT-AST-2026-2\",\"modified\":\"2026-01-01T00:00:00Z\","
    "\"aliases\":[\"CVE-2099-0202\"],\"summary\":\"websocket test advisory\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"github.com/gorilla/websocket\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.5.0\"}]}]}]"
    "}";

static const char sbom[] =
    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,\"components\":["
    "{\"type\":\"library\",\"name\":\"websocket\",\"version\":\"v1.4.0\",\"bom-ref\":\"ws\","
    "\"purl\":\"pkg:golang/github.com/gorilla/websocket@v1.4.0\"}]}";

#define GIN_PURL "pkg:golang/github.com/gin-gonic/gin@v1.4.0"

typedef struct fixture {
    vt_test_db db;
    char adv_dir[400];
    vt_policy_set *ps;
    vt_calendar_set *cs;
} fixture;

static void write_adv(fixture *f, const char *name, const char *text)
{
    char p[512];
    FILE *fp;

    snprintf(p, sizeof(p), "%s/%s", f->adv_dir, name);
    fp = fopen(p, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int64_t at(const char *s)
{
    int64_t ms = 0;

    assert_int_equal(vt_time_parse_rfc3339(&ms, s, strlen(s)), 0);
    return ms;
}

static int setup(void **state)
{
    fixture *f = vt_calloc(1, sizeof(*f));
    vt_error err = VT_ERROR_INIT;
    vt_import_summary total = VT_IMPORT_SUMMARY_INIT;
    const char *sources[1];

    assert_non_null(f);
    assert_int_equal(vt_test_db_open(&f->db, "assets"), 0);
    assert_int_equal(vt_test_load_rules(&f->ps, &f->cs), 0);
    snprintf(f->adv_dir, sizeof(f->adv_dir), "%s/adv", f->db.dir);
    assert_int_equal(mkdir(f->adv_dir, 0700), 0);
    write_adv(f, "a1.json", adv_gin);
    write_adv(f, "a2.json", adv_ws);
    sources[0] = f->adv_dir;
    if (vt_import_sources(f->db.s, sources, 1, NULL, &total, &err) != 0)
        fail_msg("import: %s", err.msg);
    assert_int_equal(total.imported, 2);
    vt_test_sql(f->db.s, "INSERT INTO kev (cve, date_added, due_date) VALUES "
                         "('CVE-2099-0201', '2026-06-30', '2026-07-21')");
    /* An operator under the CN profile and BOD 26-04 (binding: us_fceb),
     * and a vendor that published an advisory. */
    vt_test_sql(f->db.s,
                "INSERT INTO orgs (id, slug, name, kind, country, time_zone, profiles, flags, "
                "created_ms) VALUES (1, 'op', 'Operator', 'operator', 'US', 'America/New_York', "
                "'[\"CN_RMSV_2021\", \"US_BOD_26_04\"]', '{\"us_fceb\": true}', 0), "
                "(2, 'vendor', 'Vendor', 'vendor', 'CN', 'Asia/Shanghai', '[]', '{}', 0)");
    vt_clock_set(at("2026-07-01T15:00:00Z"));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char p[512];

    snprintf(p, sizeof(p), "%s/a1.json", f->adv_dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/a2.json", f->adv_dir);
    unlink(p);
    rmdir(f->adv_dir);
    vt_policy_set_free(f->ps);
    vt_calendar_set_free(f->cs);
    vt_test_db_remove(&f->db);
    vt_clock_set(0);
    vt_free(f);
    return 0;
}

static int64_t add_asset(fixture *f, const vt_asset_in *in)
{
    vt_error err = VT_ERROR_INIT;
    vt_asset a = VT_ASSET_INIT;
    int64_t id;

    if (vt_asset_add(f->db.s, 1, in, "olga", &a, NULL, &err) != 0)
        fail_msg("vt_asset_add: %s (%s)", err.msg, err.field);
    id = a.id;
    vt_asset_dispose(&a);
    return id;
}

static void expect_refused(fixture *f, const vt_asset_in *in, const char *field)
{
    vt_error err = VT_ERROR_INIT;

    assert_int_equal(vt_asset_add(f->db.s, 1, in, "olga", NULL, NULL, &err), VT_EINVALID);
    assert_string_equal(err.field, field);
}

static void test_assets__validation(void **state)
{
    fixture *f = *state;
    vt_asset_in in;
    cJSON *ids = cJSON_Parse("[\"web1.example.net\", 7]");
    vt_error err = VT_ERROR_INIT;
    int64_t existing = 0;

    memset(&in, 0, sizeof(in));
    in.product = "DEF";
    expect_refused(f, &in, "/name");
    in.name = "web1";
    in.publicly_exposed = "maybe";
    expect_refused(f, &in, "/publicly_exposed");
    in.publicly_exposed = "yes";
    in.purl = "nonsense";
    expect_refused(f, &in, "/purl");
    in.purl = NULL;
    in.sbom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":7}";
    expect_refused(f, &in, "/sbom");
    in.sbom = NULL;
    in.next_upgrade = "next week";
    expect_refused(f, &in, "/next_upgrade");
    in.next_upgrade = NULL;
    in.identifiers = ids;
    expect_refused(f, &in, "/identifiers/1");
    in.identifiers = NULL;
    in.product = NULL;
    expect_refused(f, &in, "/product");
    in.product = "DEF";
    add_asset(f, &in);
    assert_int_equal(vt_asset_add(f->db.s, 1, &in, "olga", NULL, &existing, &err), VT_EINVALID);
    assert_true(existing > 0);
    assert_int_equal(
        vt_test_sql_int(f->db.s, "SELECT COUNT(*) FROM ledger WHERE kind = 'asset.add'"), 1);
    cJSON_Delete(ids);
}

/* The finding of `id` in the array, or NULL. */
static const cJSON *finding(const cJSON *list, const char *id)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, list)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "vulnerability");

        if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
            return e;
    }
    return NULL;
}

static const char *str(const cJSON *o, const char *k1, const char *k2)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k1);

    if (k2)
        v = cJSON_GetObjectItemCaseSensitive(v, k2);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_assets__osv_findings(void **state)
{
    fixture *f = *state;
    vt_asset_in in;
    vt_error err = VT_ERROR_INIT;
    cJSON *list = NULL;
    const cJSON *g, *w;
    int64_t by_purl, by_sbom;

    memset(&in, 0, sizeof(in));
    in.name = "api-gateway";
    in.purl = GIN_PURL;
    by_purl = add_asset(f, &in);
    memset(&in, 0, sizeof(in));
    in.name = "chat";
    in.sbom = sbom;
    by_sbom = add_asset(f, &in);

    assert_int_equal(vt_asset_findings(&list, f->db.s, 1, by_purl, &err), 0);
    assert_int_equal(cJSON_GetArraySize(list), 1);
    g = finding(list, "VT-AST-2026-1");
    assert_non_null(g);
    assert_string_equal(str(g, "source", NULL), "osv");
    assert_string_equal(str(g, "component", "purl"), GIN_PURL);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "known_exploited")));
    assert_string_equal(str(g, "kev", "date_added"), "2026-06-30");
    assert_string_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(g, "fixed_versions"), 0)->valuestring,
        "1.5.0");
    cJSON_Delete(list);

    assert_int_equal(vt_asset_findings(&list, f->db.s, 1, by_sbom, &err), 0);
    assert_int_equal(cJSON_GetArraySize(list), 1);
    w = finding(list, "VT-AST-2026-2");
    assert_non_null(w);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "known_exploited")));
    cJSON_Delete(list);
    /* Another organisation's asset is not found. */
    assert_int_equal(vt_asset_findings(&list, f->db.s, 2, by_sbom, &err), VT_ENOTFOUND);
    assert_null(list);
}

/* Insert a CSAF example of the data kit as a published advisory of the vendor. */
static void publish_csaf(fixture *f, const char *rel)
{
    vt_buf doc = VT_BUF_INIT;
    sqlite3_stmt *st = NULL;

    vt_test_read_fixture(&doc, "VT_DATA_DIR", rel);
    vt_test_sql(f->db.s, "INSERT INTO cases (id, ref, org_id, state, title, scope, doc, "
                         "created_ms, updated_ms) VALUES (900, 'VT-2022-000900', 2, "
                         "'disclosed', 'log4j in DEF', 'own_product', '{}', 0, 0)");
    assert_int_equal(sqlite3_prepare_v2(vt__store_db(f->db.s),
                                        "INSERT INTO published_advisories (case_id, "
                                        "tracking_id, revision, category, document, sha512, "
                                        "published_ms, actor) VALUES (900, ?1, 1, 'csaf_vex', "
                                        "?2, 'x', 0, 'vendor')",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, "2022-EVD-UC-01-A-001", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, doc.ptr, (int)doc.len, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    vt_buf_dispose(&doc);
}

static void test_assets__advisory_findings(void **state)
{
    fixture *f = *state;
    vt_asset_in in;
    vt_error err = VT_ERROR_INIT;
    cJSON *list = NULL;
    const cJSON *l, *rem;
    int64_t def10, def20;

    publish_csaf(f, "csaf/examples/csaf/csaf_vex/2022-evd-uc-01-a-001.json");
    memset(&in, 0, sizeof(in));
    in.name = "billing";
    in.vendor = "Example Company";
    in.product = "DEF";
    in.version = "1.0";
    def10 = add_asset(f, &in);
    in.name = "billing-new";
    in.version = "2.0";
    def20 = add_asset(f, &in);

    assert_int_equal(vt_asset_findings(&list, f->db.s, 1, def10, &err), 0);
    assert_int_equal(cJSON_GetArraySize(list), 1);
    l = finding(list, "CVE-2021-44228");
    assert_non_null(l);
    assert_string_equal(str(l, "source", NULL), "advisory");
    assert_string_equal(str(l, "status", NULL), "known_affected");
    assert_string_equal(str(l, "advisory", "tracking_id"), "2022-EVD-UC-01-A-001");
    assert_string_equal(str(l, "advisory", "product_id"), "CSAFPID-0001");
    rem = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, "remediations"), 0);
    assert_string_equal(str(rem, "category", NULL), "vendor_fix");
    assert_non_null(strstr(str(rem, "details", NULL), "version 1.1"));
    cJSON_Delete(list);
    /* Version 2.0 is not in the advisory's product tree. */
    assert_int_equal(vt_asset_findings(&list, f->db.s, 1, def20, &err), 0);
    assert_int_equal(cJSON_GetArraySize(list), 0);
    cJSON_Delete(list);
}

static int64_t obligation_ms(fixture *f, int64_t case_id, const char *obligation,
                             const char *column)
{
    char sql[256];

    snprintf(sql, sizeof(sql),
             "SELECT %s FROM obligations WHERE case_id = %lld AND "
             "obligation = '%s'",
             column, (long long)case_id, obligation);
    return vt_test_sql_int(f->db.s, sql);
}

static void test_assets__operator_case(void **state)
{
    fixture *f = *state;
    vt_asset_in in;
    vt_error err = VT_ERROR_INIT;
    cJSON *list = NULL;
    char ref[32], existing[32], text[256], sql[256];
    int64_t gw, chat, case_id = 0, case2 = 0;
    int64_t aware = at("2026-07-01T15:00:00Z");

    memset(&in, 0, sizeof(in));
    in.name = "api-gateway";
    in.purl = GIN_PURL;
    in.publicly_exposed = "yes";
    gw = add_asset(f, &in);
    /* Opened by an alias of the finding. */
    if (vt_asset_finding_to_case(f->db.s, 1, gw, "CVE-2099-0201", "olga", f->ps, f->cs, &case_id,
                                 ref, existing, &err) != 0)
        fail_msg("case: %s (%s)", err.msg, err.field);
    assert_true(case_id > 0);
    snprintf(sql, sizeof(sql),
             "SELECT scope || '|' || org_id || '|' || "
             "json_extract(doc, '$.ssvc.exposed') || '|' || "
             "json_extract(doc, '$.identifiers[0].id') FROM cases WHERE id = %lld",
             (long long)case_id);
    vt_test_sql_text(f->db.s, sql, text, sizeof(text));
    assert_string_equal(text, "operator_system|1|yes|CVE-2099-0201");
    /* CN-OPFIX: E_AWARE + 10 days. */
    assert_int_equal(obligation_ms(f, case_id, "CN-OPFIX", "due_ms"), aware + 10 * 86400000LL);
    /* BOD 26-04, KEV and exposed, no SSVC data: the most urgent outcome
     * (3 days with forensic triage) from the KEV dateAdded. */
    assert_int_equal(obligation_ms(f, case_id, "BOD2604-REMEDIATE", "start_ms"),
                     at("2026-06-30T00:00:00-04:00"));
    assert_int_equal(obligation_ms(f, case_id, "BOD2604-REMEDIATE", "due_ms"),
                     at("2026-07-03T00:00:00-04:00"));
    /* The same finding again, by its id or alias: refused with the case. */
    assert_int_equal(vt_asset_finding_to_case(f->db.s, 1, gw, "CVE-2099-0201", "olga", f->ps, f->cs,
                                              &case2, ref, existing, &err),
                     VT_EINVALID);
    assert_true(existing[0] != '\0');
    assert_int_equal(case2, 0);
    /* The finding lists its case. */
    assert_int_equal(vt_asset_findings(&list, f->db.s, 1, gw, &err), 0);
    cJSON_Delete(list);

    /* Not in KEV, not exposed, automatable and impact defaulted (no, total):
     * fixed at the next upgrade. */
    memset(&in, 0, sizeof(in));
    in.name = "chat";
    in.sbom = sbom;
    in.publicly_exposed = "no";
    in.next_upgrade = "2026-09-01T02:00:00Z";
    chat = add_asset(f, &in);
    if (vt_asset_finding_to_case(f->db.s, 1, chat, "VT-AST-2026-2", "olga", f->ps, f->cs, &case_id,
                                 ref, existing, &err) != 0)
        fail_msg("case: %s (%s)", err.msg, err.field);
    assert_int_equal(obligation_ms(f, case_id, "BOD2604-REMEDIATE", "due_ms"),
                     at("2026-09-01T02:00:00Z"));
    /* A vulnerability the asset does not have. */
    assert_int_equal(vt_asset_finding_to_case(f->db.s, 1, chat, "CVE-2099-0201", "olga", f->ps,
                                              f->cs, &case2, ref, existing, &err),
                     VT_ENOTFOUND);
}

static void test_assets__update_delete(void **state)
{
    fixture *f = *state;
    vt_asset_in in;
    vt_asset a = VT_ASSET_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *ids = cJSON_Parse("[\"gw.example.net\", \"192.0.2.10\"]");
    int64_t id;

    memset(&in, 0, sizeof(in));
    in.name = "gw";
    in.purl = GIN_PURL;
    id = add_asset(f, &in);
    memset(&in, 0, sizeof(in));
    in.identifiers = ids;
    in.publicly_exposed = "no";
    assert_int_equal(vt_asset_update(f->db.s, 1, id, &in, "olga", &a, NULL, &err), 0);
    assert_string_equal(a.identifiers, "[\"gw.example.net\",\"192.0.2.10\"]");
    assert_string_equal(a.publicly_exposed, "no");
    assert_string_equal(a.purl, GIN_PURL);
    vt_asset_dispose(&a);
    assert_int_equal(vt_asset_update(f->db.s, 2, id, &in, "olga", NULL, NULL, &err), VT_ENOTFOUND);
    assert_int_equal(vt_asset_delete(f->db.s, 2, id, "olga", &err), VT_ENOTFOUND);
    assert_int_equal(vt_asset_delete(f->db.s, 1, id, "olga", &err), 0);
    assert_int_equal(vt_asset_get(f->db.s, 1, id, &a, &err), VT_ENOTFOUND);
    assert_int_equal(
        vt_test_sql_int(f->db.s, "SELECT COUNT(*) FROM ledger WHERE kind LIKE 'asset.%'"), 3);
    cJSON_Delete(ids);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_assets__validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assets__osv_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assets__advisory_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assets__operator_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assets__update_delete, setup, teardown),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
