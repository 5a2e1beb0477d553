/*
 * test_vex.c - VEX statements: every row of the status and justification
 * tables of spec §11, the original value kept for the lossy mappings, the
 * validation of a statement, storing one with its ledger entry, and the
 * CycloneDX VEX and OpenVEX exports of a version with the statements
 * applied (an advisory of our own imported into a temporary store).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "test_store_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/import.h"
#include "vulntrack/json.h"
#include "vulntrack/products.h"
#include "vulntrack/vex.h"

/* ------------------------------------------------------------------------ */
/* The §11 tables                                                           */

static void test_vex__status_rows(void **state)
{
    static const struct {
        const char *internal, *upper, *csaf, *openvex, *cyclonedx;
    } rows[] = {
        {"under_investigation", "UNDER_INVESTIGATION", "under_investigation", "under_investigation",
         "in_triage"},
        {"affected", "AFFECTED", "known_affected", "affected", "exploitable"},
        {"not_affected", "NOT_AFFECTED", "known_not_affected", "not_affected", "not_affected"},
        {"fixed", "FIXED", "fixed", "fixed", "resolved"},
        {"false_positive", "FALSE_POSITIVE", "known_not_affected", "not_affected",
         "false_positive"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_vex_status s, u;

        assert_true(vt_vex_status_parse(rows[i].internal, &s));
        assert_true(vt_vex_status_parse(rows[i].upper, &u));
        assert_int_equal(s, u);
        assert_string_equal(vt_vex_status_name(s), rows[i].internal);
        assert_string_equal(vt_vex_status_csaf(s), rows[i].csaf);
        assert_string_equal(vt_vex_status_openvex(s), rows[i].openvex);
        assert_string_equal(vt_vex_status_cyclonedx(s), rows[i].cyclonedx);
    }
    assert_false(vt_vex_status_parse("exploitable", &(vt_vex_status){0}));
    assert_false(vt_vex_status_parse("Affected", &(vt_vex_status){0}));
    assert_string_equal(vt_vex_status_name(VT_VEX_STATUS_COUNT), "");
}

/* internal -> OpenVEX / CSAF flag <-> CycloneDX (first: what an export writes). */
static const struct {
    const char *internal, *openvex;
    const char *cyclonedx[4];
} jrows[] = {
    {"code_not_present", "vulnerable_code_not_present", {"code_not_present"}},
    {"not_in_execute_path", "vulnerable_code_not_in_execute_path", {"code_not_reachable"}},
    {"inline_mitigation",
     "inline_mitigations_already_exist",
     {"protected_by_mitigating_control", "protected_by_compiler", "protected_at_runtime"}},
    {"not_controllable",
     "vulnerable_code_cannot_be_controlled_by_adversary",
     {"requires_configuration", "requires_dependency", "requires_environment",
      "protected_at_perimeter"}},
    {"component_not_present", "component_not_present", {"code_not_present"}},
};

static void test_vex__justification_rows(void **state)
{
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof(jrows) / sizeof(jrows[0]); i++) {
        vt_vex_justification j, back;
        bool from_format = true;

        assert_true(vt_vex_justification_parse(jrows[i].internal, &j, &from_format));
        assert_false(from_format);
        assert_string_equal(vt_vex_justification_name(j), jrows[i].internal);
        assert_string_equal(vt_vex_justification_openvex(j), jrows[i].openvex);
        /* Nothing known beyond the internal value: the row's first name. */
        assert_string_equal(vt_vex_justification_cyclonedx(j, NULL), jrows[i].cyclonedx[0]);
        /* The OpenVEX name comes back to the same internal value. */
        assert_true(vt_vex_justification_parse(jrows[i].openvex, &back, &from_format));
        assert_int_equal(back, j);
        assert_int_equal(from_format, strcmp(jrows[i].openvex, jrows[i].internal) != 0);
        for (k = 0; k < 4 && jrows[i].cyclonedx[k]; k++) {
            /* Set in CycloneDX terms, exported as set. */
            assert_string_equal(vt_vex_justification_cyclonedx(j, jrows[i].cyclonedx[k]),
                                jrows[i].cyclonedx[k]);
        }
    }
    /* Each CycloneDX name maps to its row; code_not_present is also an
     * internal name and means the internal value. */
    for (i = 0; i < 4; i++) {
        for (k = 0; k < 4 && jrows[i].cyclonedx[k]; k++) {
            vt_vex_justification j;
            bool from_format;

            assert_true(vt_vex_justification_parse(jrows[i].cyclonedx[k], &j, &from_format));
            assert_string_equal(vt_vex_justification_name(j), jrows[i].internal);
        }
    }
    /* An original from another row is not written for this one. */
    assert_string_equal(
        vt_vex_justification_cyclonedx(VT_VEX_JUST_INLINE_MITIGATION, "requires_environment"),
        "protected_by_mitigating_control");
    assert_null(vt_vex_justification_cyclonedx(VT_VEX_JUST_NONE, NULL));
    assert_false(vt_vex_justification_parse("because", &(vt_vex_justification){0}, NULL));
}

/* ------------------------------------------------------------------------ */
/* Validation                                                               */

static vt_vex_statement_in base_in(void)
{
    vt_vex_statement_in in;

    memset(&in, 0, sizeof(in));
    in.product_id = 1;
    in.version = "1.0";
    in.vulnerability = "CVE-2099-0001";
    in.actor = "alice";
    return in;
}

static void expect_refused(const vt_vex_statement_in *in, const char *field)
{
    vt_error err = VT_ERROR_INIT;

    assert_int_equal(vt_vex_statement_check(in, &err), VT_EINVALID);
    assert_string_equal(err.field, field);
}

static void test_vex__validation(void **state)
{
    vt_vex_statement_in in = base_in();
    vt_error err = VT_ERROR_INIT;

    (void)state;
    in.status = "not_affected";
    expect_refused(&in, "/justification");
    in.justification = "because";
    expect_refused(&in, "/justification");
    in.justification = "code_not_present";
    assert_int_equal(vt_vex_statement_check(&in, &err), 0);
    in.justification = "vulnerable_code_not_in_execute_path";
    assert_int_equal(vt_vex_statement_check(&in, &err), 0);
    in.justification = "requires_dependency";
    assert_int_equal(vt_vex_statement_check(&in, &err), 0);

    in = base_in();
    in.status = "affected";
    expect_refused(&in, "/action_statement");
    in.action_statement = "";
    expect_refused(&in, "/action_statement");
    in.action_statement = "Upgrade to 1.1";
    assert_int_equal(vt_vex_statement_check(&in, &err), 0);
    in.justification = "code_not_present";
    expect_refused(&in, "/justification");

    in = base_in();
    in.status = "fixed";
    assert_int_equal(vt_vex_statement_check(&in, &err), 0);
    in.status = "false_positive";
    assert_int_equal(vt_vex_statement_check(&in, &err), 0);
    in.status = "under_investigation";
    assert_int_equal(vt_vex_statement_check(&in, &err), 0);
    in.status = "exploitable";
    expect_refused(&in, "/status");
    in.status = NULL;
    expect_refused(&in, "/status");

    in = base_in();
    in.status = "fixed";
    in.vulnerability = "CVE/1";
    expect_refused(&in, "/vulnerability");
    in.vulnerability = "";
    expect_refused(&in, "/vulnerability");
    in.vulnerability = "CVE-2099-0001";
    in.component_purl = "not a purl";
    expect_refused(&in, "/component_purl");
    in.component_purl = "pkg:golang/github.com/gin-gonic/gin@v1.4.0";
    assert_int_equal(vt_vex_statement_check(&in, &err), 0);
}

/* ------------------------------------------------------------------------ */
/* Storing and exporting                                                    */

/* gin 1.4.0 is affected (fixed in 1.5.0), aliases a CVE. */
static const char adv[] =
    "{\"id\":\"VT-VEX-2026-1\",\"modified\":\"2026-01-01T00:00:00Z\","
    "\"aliases\":[\"CVE-2099-0101\"],\"summary\":\"test advisory\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"github.com/gin-gonic/gin\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.5.0\"}]}]},"
    "{\"package\":{\"ecosystem\":\"Go\",\"name\":\"github.com/gorilla/websocket\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.5.0\"}]}]}]"
    "}";

static const char sbom[] =
    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,\"components\":["
    "{\"type\":\"library\",\"name\":\"gin\",\"version\":\"v1.4.0\",\"bom-ref\":\"gin\","
    "\"purl\":\"pkg:golang/github.com/gin-gonic/gin@v1.4.0\"},"
    "{\"type\":\"library\",\"name\":\"websocket\",\"version\":\"v1.4.0\",\"bom-ref\":\"ws\","
    "\"purl\":\"pkg:golang/github.com/gorilla/websocket@v1.4.0\"}]}";

typedef struct fixture {
    vt_test_db db;
    char adv_dir[400];
    char adv_file[450];
    int64_t product;
} fixture;

static int setup(void **state)
{
    fixture *f = vt_calloc(1, sizeof(*f));
    vt_error err = VT_ERROR_INIT;
    vt_import_summary total = VT_IMPORT_SUMMARY_INIT;
    vt_product p = VT_PRODUCT_INIT;
    vt_product_version_in vin;
    const char *sources[1];
    FILE *fp;

    assert_non_null(f);
    assert_int_equal(vt_test_db_open(&f->db, "vex"), 0);
    snprintf(f->adv_dir, sizeof(f->adv_dir), "%s/adv", f->db.dir);
    assert_int_equal(mkdir(f->adv_dir, 0700), 0);
    snprintf(f->adv_file, sizeof(f->adv_file), "%s/VT-VEX-2026-1.json", f->adv_dir);
    fp = fopen(f->adv_file, "w");
    assert_non_null(fp);
    fputs(adv, fp);
    fclose(fp);
    sources[0] = f->adv_dir;
    if (vt_import_sources(f->db.s, sources, 1, NULL, &total, &err) != 0)
        fail_msg("import: %s", err.msg);
    vt_test_sql(f->db.s, "INSERT INTO orgs (id, slug, name, kind, country, time_zone, "
                         "created_ms) VALUES (1, 'acme', 'Acme', 'vendor', 'CN', "
                         "'Asia/Shanghai', 0), (2, 'other', 'Other', 'vendor', 'CN', "
                         "'Asia/Shanghai', 0)");
    p.org_id = 1;
    p.name = "Router";
    p.model = "";
    p.type = "software";
    if (vt_product_add(f->db.s, &p, NULL, &err) != 0)
        fail_msg("product: %s", err.msg);
    f->product = p.id;
    memset(&vin, 0, sizeof(vin));
    vin.sbom = sbom;
    vin.sbom_len = strlen(sbom);
    if (vt_product_version_put(f->db.s, 1, f->product, "2.0", &vin, NULL, NULL, &err) != 0)
        fail_msg("version: %s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    unlink(f->adv_file);
    rmdir(f->adv_dir);
    vt_test_db_remove(&f->db);
    vt_free(f);
    return 0;
}

static void set_ok(fixture *f, vt_vex_statement_in *in, bool want_created, vt_vex_statement *out)
{
    vt_error err = VT_ERROR_INIT;
    bool created = !want_created;

    in->product_id = f->product;
    in->version = "2.0";
    in->actor = "alice";
    if (vt_vex_set(f->db.s, 1, in, out, &created, &err) != 0)
        fail_msg("vt_vex_set: %s (%s)", err.msg, err.field);
    assert_int_equal(created, want_created);
}

static void test_vex__set_keeps_original_and_ledger(void **state)
{
    fixture *f = *state;
    vt_vex_statement_in in = base_in();
    vt_vex_statement st = VT_VEX_STATEMENT_INIT;
    vt_error err = VT_ERROR_INIT;
    char text[128];

    in.status = "not_affected";
    in.justification = "protected_by_compiler";
    in.impact_statement = "built with stack protection";
    set_ok(f, &in, true, &st);
    assert_int_equal(st.justification, VT_VEX_JUST_INLINE_MITIGATION);
    assert_string_equal(st.original_justification, "protected_by_compiler");
    vt_vex_statement_dispose(&st);
    vt_test_sql_text(f->db.s,
                     "SELECT justification || '|' || original_justification FROM "
                     "vex_statements",
                     text, sizeof(text));
    assert_string_equal(text, "inline_mitigation|protected_by_compiler");
    /* The internal name keeps no original; replacing is not a new row. */
    in.justification = "inline_mitigation";
    set_ok(f, &in, false, &st);
    assert_null(st.original_justification);
    vt_vex_statement_dispose(&st);
    assert_int_equal(vt_test_sql_int(f->db.s, "SELECT COUNT(*) FROM vex_statements"), 1);
    assert_int_equal(vt_test_sql_int(f->db.s, "SELECT original_justification IS NULL FROM "
                                              "vex_statements"),
                     1);
    assert_int_equal(
        vt_test_sql_int(f->db.s, "SELECT COUNT(*) FROM ledger WHERE kind = 'vex.statement'"), 2);
    /* A false positive is recorded with component_not_present (§11). */
    in = base_in();
    in.vulnerability = "CVE-2099-0999";
    in.status = "FALSE_POSITIVE";
    set_ok(f, &in, true, &st);
    assert_int_equal(st.justification, VT_VEX_JUST_COMPONENT_NOT_PRESENT);
    vt_vex_statement_dispose(&st);
    /* Another organisation's product, a missing version: not found. */
    in = base_in();
    in.status = "fixed";
    in.product_id = f->product;
    in.version = "2.0";
    assert_int_equal(vt_vex_set(f->db.s, 2, &in, NULL, NULL, &err), VT_ENOTFOUND);
    in.version = "9.9";
    assert_int_equal(vt_vex_set(f->db.s, 1, &in, NULL, NULL, &err), VT_ENOTFOUND);
}

static int count_each(void *ctx, const vt_vex_statement *st)
{
    (void)st;
    ++*(int *)ctx;
    return 0;
}

/* The statement of `vuln` in the export's array `key`, matched on `idkey`. */
static const cJSON *entry_of(const cJSON *doc, const char *key, const char *ref)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, key))
    {
        const cJSON *affects = cJSON_GetObjectItemCaseSensitive(e, "affects");
        const cJSON *products = cJSON_GetObjectItemCaseSensitive(e, "products");
        const cJSON *first =
            affects ? cJSON_GetArrayItem(affects, 0) : cJSON_GetArrayItem(products, 0);
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(first, affects ? "ref" : "@id");

        if (cJSON_IsString(r) && strstr(r->valuestring, ref))
            return e;
    }
    return NULL;
}

static const char *str(const cJSON *o, const char *path1, const char *path2)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, path1);

    if (path2)
        v = cJSON_GetObjectItemCaseSensitive(v, path2);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_vex__export_applies_statements(void **state)
{
    fixture *f = *state;
    vt_vex_statement_in in = base_in();
    vt_buf out = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *doc = NULL;
    const cJSON *gin, *ws;
    int n = 0;

    /* By alias for every component, and by purl for websocket (wins). */
    in.vulnerability = "CVE-2099-0101";
    in.status = "not_affected";
    in.justification = "requires_environment";
    set_ok(f, &in, true, NULL);
    in = base_in();
    in.vulnerability = "VT-VEX-2026-1";
    in.component_purl = "pkg:golang/github.com/gorilla/websocket@v1.4.0";
    in.status = "affected";
    in.action_statement = "Upgrade websocket to 1.5.0";
    set_ok(f, &in, true, NULL);
    assert_int_equal(vt_vex_list(f->db.s, 1, f->product, "2.0", count_each, &n, &err), 0);
    assert_int_equal(n, 2);

    assert_int_equal(
        vt_vex_export(&out, f->db.s, 1, f->product, "2.0", VT_VEX_OPENVEX, 1767225600000, &err), 0);
    assert_int_equal(vt_json_parse(&doc, out.ptr, out.len, &err), 0);
    gin = entry_of(doc, "statements", "gin-gonic");
    ws = entry_of(doc, "statements", "websocket");
    assert_non_null(gin);
    assert_non_null(ws);
    assert_ptr_not_equal(gin, ws);
    assert_string_equal(str(gin, "status", NULL), "not_affected");
    assert_string_equal(str(gin, "justification", NULL),
                        "vulnerable_code_cannot_be_controlled_by_adversary");
    assert_string_equal(str(ws, "status", NULL), "affected");
    assert_string_equal(str(ws, "action_statement", NULL), "Upgrade websocket to 1.5.0");
    cJSON_Delete(doc);
    doc = NULL;

    vt_buf_clear(&out);
    assert_int_equal(
        vt_vex_export(&out, f->db.s, 1, f->product, "2.0", VT_VEX_CYCLONEDX, 1767225600000, &err),
        0);
    assert_int_equal(vt_json_parse(&doc, out.ptr, out.len, &err), 0);
    gin = entry_of(doc, "vulnerabilities", "gin");
    ws = entry_of(doc, "vulnerabilities", "ws");
    assert_non_null(gin);
    assert_non_null(ws);
    assert_string_equal(str(gin, "analysis", "state"), "not_affected");
    /* Set in CycloneDX terms, exported as set (the original is kept). */
    assert_string_equal(str(gin, "analysis", "justification"), "requires_environment");
    assert_string_equal(str(ws, "analysis", "state"), "exploitable");
    assert_string_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
                               cJSON_GetObjectItemCaseSensitive(ws, "analysis"), "response"),
                           0)
            ->valuestring,
        "update");
    cJSON_Delete(doc);
    vt_buf_dispose(&out);
    /* Another organisation sees no such product. */
    assert_int_equal(vt_vex_export(&out, f->db.s, 2, f->product, "2.0", VT_VEX_OPENVEX, 0, &err),
                     VT_ENOTFOUND);
    vt_buf_dispose(&out);
}

static void test_vex__statement_json(void **state)
{
    vt_vex_statement st = VT_VEX_STATEMENT_INIT;
    cJSON *o;

    (void)state;
    st.product_id = 3;
    st.version = "1.0";
    st.vulnerability = "CVE-2099-0001";
    st.component_purl = "";
    st.status = VT_VEX_NOT_AFFECTED;
    st.justification = VT_VEX_JUST_NOT_CONTROLLABLE;
    st.original_justification = "protected_at_perimeter";
    st.actor = "alice";
    o = vt_vex_statement_json(&st);
    assert_non_null(o);
    assert_string_equal(str(o, "csaf_product_status", NULL), "known_not_affected");
    assert_string_equal(str(o, "csaf_flag", NULL),
                        "vulnerable_code_cannot_be_controlled_by_adversary");
    assert_string_equal(str(o, "openvex_status", NULL), "not_affected");
    assert_string_equal(str(o, "cyclonedx_justification", NULL), "protected_at_perimeter");
    assert_string_equal(str(o, "original_justification", NULL), "protected_at_perimeter");
    cJSON_Delete(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vex__status_rows),
        cmocka_unit_test(test_vex__justification_rows),
        cmocka_unit_test(test_vex__validation),
        cmocka_unit_test(test_vex__statement_json),
        cmocka_unit_test_setup_teardown(test_vex__set_keeps_original_and_ledger, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vex__export_applies_statements, setup, teardown),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
