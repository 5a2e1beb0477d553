/*
 * test_csaf.c - the CSAF and OSV builders (csaf.h): the filename rule with
 * the examples of CSAF 2.0 §5.1, the spec §11 status and justification
 * mapping row by row, product ids and statuses of the product tree, CVSS v4
 * in notes, what each profile refuses, and allocation-failure walks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vulntrack/alloc.h"
#include "vulntrack/csaf.h"
#include "vulntrack/json.h"

/* A case document in its stored form (CVSS already scored). */
static const char case_doc[] =
    "{\"description\": \"Overflow in the header parser.\","
    " \"harm\": \"Remote code execution.\","
    " \"credit\": \"Alice\","
    " \"cwe\": [\"CWE-787\", \"CWE-20\"],"
    " \"identifiers\": [{\"scheme\": \"CVE\", \"id\": \"CVE-2026-1234\"},"
    "                   {\"scheme\": \"INTERNAL\", \"id\": \"T-7\"},"
    "                   {\"scheme\": \"CNVD\", \"id\": \"CNVD-2026-1\"}],"
    " \"gbt\": {\"grade\": \"high\", \"grade_zh\": \"高危\", \"method\": \"MANUAL\"},"
    " \"cvss\": [{\"vector\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\","
    "             \"version\": \"3.1\", \"score\": 7.5, \"base_score\": 7.5, \"severity\": "
    "\"High\"},"
    "            {\"vector\": \"CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\","
    "             \"version\": \"3.1\", \"score\": 6.2, \"base_score\": 6.2, \"severity\": "
    "\"Medium\"},"
    "            {\"vector\": \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N\","
    "             \"version\": \"4.0\", \"score\": 8.7, \"base_score\": 8.7, \"severity\": "
    "\"High\","
    "             \"nomenclature\": \"CVSS-B\"}],"
    " \"products\": ["
    "   {\"vendor\": \"Acme\", \"name\": \"Router\", \"versions\": [\"1.0\", \"1.1\"],"
    "    \"fixed_versions\": [\"1.2\"],"
    "    \"vex\": [{\"version\": \"1.1\", \"status\": \"NOT_AFFECTED\","
    "               \"justification\": \"inline_mitigation\"},"
    "              {\"version\": \"0.9\", \"status\": \"UNDER_INVESTIGATION\"}]},"
    "   {\"name\": \"Agent\", \"model\": \"A1\"}],"
    " \"remediations\": [{\"kind\": \"patch\", \"version\": \"1.2\"}]}";

static cJSON *parse(const char *s)
{
    cJSON *j = NULL;
    assert_int_equal(vt_json_parse(&j, s, strlen(s), NULL), 0);
    return j;
}

static const vt_csaf_revision revs[] = {{1795000000000LL, "Initial version."},
                                        {1795100000000LL, "Revised."}};

static vt_advisory_input input(const cJSON *doc, size_t nrev)
{
    vt_advisory_input in = {0};
    in.tracking_id = "ACME-VT-2026-000001";
    in.title = "Overflow in Router";
    in.doc = doc;
    in.publisher_name = "Acme";
    in.revisions = revs;
    in.nrevisions = nrev;
    return in;
}

static const char *str_at(const cJSON *o, const char *k)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* The product name of `id` anywhere under `branches`. */
static const char *product_name(const cJSON *branches, const char *id)
{
    const cJSON *b;
    cJSON_ArrayForEach(b, branches)
    {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "product");
        const char *n;
        if (p && strcmp(str_at(p, "product_id"), id) == 0)
            return str_at(p, "name");
        n = product_name(cJSON_GetObjectItemCaseSensitive(b, "branches"), id);
        if (n)
            return n;
    }
    return NULL;
}

static void test_csaf__filename_rule(void **state)
{
    static const struct {
        const char *id, *file;
    } rows[] = {
        /* CSAF 2.0 §5.1 examples. */
        {"cisco-sa-20190513-secureboot", "cisco-sa-20190513-secureboot.json"},
        {"Example Company - 2019-YH3234", "example_company_-_2019-yh3234.json"},
        {"RHBA-2019:0024", "rhba-2019_0024.json"},
        /* Runs collapse to one '_'; '+' and '-' are kept. */
        {"a//b..c", "a_b_c.json"},
        {"x+y", "x+y.json"},
        {"ACME-VT-2026-000001", "acme-vt-2026-000001.json"},
        {"über", "_ber.json"},
    };
    char out[VT_CSAF_FILENAME_MAX];
    char big[VT_CSAF_FILENAME_MAX + 10];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        assert_int_equal(vt_csaf_filename(out, rows[i].id), 0);
        assert_string_equal(out, rows[i].file);
    }
    assert_int_equal(vt_csaf_filename(out, ""), VT_EINVALID);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(vt_csaf_filename(out, big), VT_ETOOBIG);
}

static void test_csaf__status_and_justification_mapping(void **state)
{
    static const struct {
        const char *internal, *csaf;
    } statuses[] = {
        {"UNDER_INVESTIGATION", "under_investigation"}, {"AFFECTED", "known_affected"},
        {"NOT_AFFECTED", "known_not_affected"},         {"FIXED", "fixed"},
        {"FALSE_POSITIVE", "known_not_affected"},
    };
    static const struct {
        const char *internal, *label;
    } flags[] = {
        {"code_not_present", "vulnerable_code_not_present"},
        {"not_in_execute_path", "vulnerable_code_not_in_execute_path"},
        {"inline_mitigation", "inline_mitigations_already_exist"},
        {"not_controllable", "vulnerable_code_cannot_be_controlled_by_adversary"},
        {"component_not_present", "component_not_present"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        assert_string_equal(vt_csaf_product_status(statuses[i].internal), statuses[i].csaf);
    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        assert_string_equal(vt_csaf_flag_label(flags[i].internal), flags[i].label);
    assert_null(vt_csaf_product_status("affected"));
    assert_null(vt_csaf_product_status(NULL));
    assert_null(vt_csaf_flag_label("requires_configuration"));
}

static void test_csaf__tracking_id_and_formats(void **state)
{
    char id[VT_ADVISORY_ID_MAX];
    vt_advisory_format f;

    (void)state;
    assert_int_equal(vt_advisory_tracking_id(id, "acme-labs", "VT-2026-000001"), 0);
    assert_string_equal(id, "ACME-LABS-VT-2026-000001");
    assert_true(vt_advisory_format_parse("csaf", &f) && f == VT_ADVISORY_CSAF);
    assert_true(vt_advisory_format_parse("csaf_vex", &f) && f == VT_ADVISORY_CSAF_VEX);
    assert_true(vt_advisory_format_parse("osv", &f) && f == VT_ADVISORY_OSV);
    assert_false(vt_advisory_format_parse("CSAF", &f));
    assert_string_equal(vt_advisory_format_category(VT_ADVISORY_CSAF_VEX), "csaf_vex");
}

static void test_csaf__product_tree_and_status(void **state)
{
    cJSON *doc = parse(case_doc), *csaf = NULL;
    vt_advisory_input in = input(doc, 2);
    const cJSON *tree, *v, *st, *x, *notes, *scores;
    const char *cvss4 = NULL;
    vt_error err = VT_ERROR_INIT;

    (void)state;
    assert_int_equal(vt_csaf_build(&csaf, VT_ADVISORY_CSAF, &in, &err), 0);
    tree = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(csaf, "product_tree"),
                                            "branches");
    /* Ids in order: Router 1.0, 1.1, 1.2 (fixed), 0.9 (VEX only), then Agent
       (no version: the product itself, known_affected). */
    assert_string_equal(product_name(tree, "CSAFPID-0001"), "Acme Router 1.0");
    assert_string_equal(product_name(tree, "CSAFPID-0002"), "Acme Router 1.1");
    assert_string_equal(product_name(tree, "CSAFPID-0003"), "Acme Router 1.2");
    assert_string_equal(product_name(tree, "CSAFPID-0004"), "Acme Router 0.9");
    /* No vendor: the publisher is the vendor. */
    assert_string_equal(product_name(tree, "CSAFPID-0005"), "Acme Agent A1");
    assert_null(product_name(tree, "CSAFPID-0006"));
    /* Both products under one vendor branch. */
    assert_int_equal(cJSON_GetArraySize(tree), 1);

    v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(csaf, "vulnerabilities"), 0);
    st = cJSON_GetObjectItemCaseSensitive(v, "product_status");
    x = cJSON_GetObjectItemCaseSensitive(st, "known_affected");
    assert_int_equal(cJSON_GetArraySize(x), 2);
    assert_string_equal(cJSON_GetArrayItem(x, 0)->valuestring, "CSAFPID-0001");
    assert_string_equal(cJSON_GetArrayItem(x, 1)->valuestring, "CSAFPID-0005");
    x = cJSON_GetObjectItemCaseSensitive(st, "known_not_affected");
    assert_int_equal(cJSON_GetArraySize(x), 1);
    assert_string_equal(cJSON_GetArrayItem(x, 0)->valuestring, "CSAFPID-0002");
    x = cJSON_GetObjectItemCaseSensitive(st, "fixed");
    assert_string_equal(cJSON_GetArrayItem(x, 0)->valuestring, "CSAFPID-0003");
    x = cJSON_GetObjectItemCaseSensitive(st, "under_investigation");
    assert_string_equal(cJSON_GetArrayItem(x, 0)->valuestring, "CSAFPID-0004");
    x = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(v, "flags"), 0);
    assert_string_equal(str_at(x, "label"), "inline_mitigations_already_exist");

    /* Ids: the CVE as cve, INTERNAL left out. */
    assert_string_equal(str_at(v, "cve"), "CVE-2026-1234");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(v, "ids")), 1);

    /* One cvss_v3 per version (mandatory test 6.1.7): the first 3.1 vector. */
    scores = cJSON_GetObjectItemCaseSensitive(v, "scores");
    assert_int_equal(cJSON_GetArraySize(scores), 1);
    x = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(scores, 0), "cvss_v3");
    assert_string_equal(str_at(x, "baseSeverity"), "HIGH");

    /* CVSS v4 only in notes. */
    notes = cJSON_GetObjectItemCaseSensitive(v, "notes");
    cJSON_ArrayForEach(x, notes)
    {
        if (strcmp(str_at(x, "title"), "CVSS v4.0") == 0)
            cvss4 = str_at(x, "text");
    }
    assert_non_null(cvss4);
    assert_non_null(strstr(cvss4, "CVSS-B 8.7 High (CVSS:4.0/AV:N"));

    /* Tracking: version = revisions, history numbered 1.., dates of the first and last. */
    x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(csaf, "document"),
                                         "tracking");
    assert_string_equal(str_at(x, "version"), "2");
    assert_string_equal(str_at(x, "status"), "final");
    assert_string_equal(str_at(x, "initial_release_date"), "2026-11-18T11:06:40.000Z");
    assert_string_equal(str_at(x, "current_release_date"), "2026-11-19T14:53:20.000Z");
    cJSON_Delete(csaf);
    cJSON_Delete(doc);
}

static void test_csaf__profiles_refuse(void **state)
{
    cJSON *doc = parse("{\"products\": [{\"name\": \"Router\", \"versions\": [\"1.0\"]}],"
                       " \"remediations\": [{\"kind\": \"mitigation\", \"instructions\": \"x\","
                       " \"product\": \"Other\"}]}");
    cJSON *empty = parse("{}"), *out = NULL, *vex = NULL;
    vt_advisory_input in = input(doc, 1);
    vt_error err = VT_ERROR_INIT;
    const cJSON *ids;

    (void)state;
    /* A remediation for another product leaves Router 1.0 uncovered. */
    assert_int_equal(vt_csaf_build(&out, VT_ADVISORY_CSAF, &in, &err), VT_EINVALID);
    assert_string_equal(err.field, "/doc/remediations");
    assert_null(out);
    /* No products: nothing to put in the product tree. */
    in.doc = empty;
    vt_error_clear(&err);
    assert_int_equal(vt_csaf_build(&out, VT_ADVISORY_CSAF_VEX, &in, &err), VT_EINVALID);
    assert_string_equal(err.field, "/doc/products");
    /* VEX without a CVE: the tracking id names the vulnerability. */
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "remediations");
    cJSON_AddItemToObject(doc, "remediations",
                          parse("[{\"kind\": \"patch\", \"version\": \"1.1\"}]"));
    in.doc = doc;
    assert_int_equal(vt_csaf_build(&vex, VT_ADVISORY_CSAF_VEX, &in, &err), 0);
    ids = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(vex, "vulnerabilities"), 0), "ids");
    assert_string_equal(str_at(cJSON_GetArrayItem(ids, 0), "text"), "ACME-VT-2026-000001");
    cJSON_Delete(vex);
    cJSON_Delete(doc);
    cJSON_Delete(empty);
}

static void test_csaf__osv_record(void **state)
{
    cJSON *doc =
        parse("{\"identifiers\": [{\"scheme\": \"GHSA\", \"id\": \"GHSA-aaaa-bbbb-cccc\"}],"
              " \"products\": [{\"name\": \"left-pad\", \"ecosystem\": \"npm\","
              "  \"versions\": [\"1.0.0\", {\"introduced\": \"0\", \"fixed\": \"1.3.0\"}]},"
              "  {\"name\": \"Firmware\"}]}");
    cJSON *osv = NULL, *a;
    vt_advisory_input in = input(doc, 1);
    vt_error err = VT_ERROR_INIT;
    char *text;

    (void)state;
    assert_int_equal(vt_osv_export_build(&osv, &in, "https://x.example/a.json", &err), 0);
    assert_string_equal(str_at(osv, "id"), "x_ACME-VT-2026-000001");
    assert_string_equal(str_at(osv, "published"), "2026-11-18T11:06:40.000Z");
    a = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(osv, "affected"), 0);
    text = cJSON_PrintUnformatted(a);
    assert_string_equal(text, "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},"
                              "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":"
                              "\"0\"},{\"fixed\":\"1.3.0\"}]}],\"versions\":[\"1.0.0\"]}");
    cJSON_free(text);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(osv, "affected")), 1);
    cJSON_Delete(osv);
    cJSON_Delete(doc);
}

static void test_csaf__allocation_failures(void **state)
{
    cJSON *doc = parse(case_doc);
    vt_advisory_input in = input(doc, 2);
    int f;
    long n;

    (void)state;
    for (f = 0; f < VT_ADVISORY_FORMAT_COUNT; f++) {
        for (n = 0;; n++) {
            vt_error err = VT_ERROR_INIT;
            cJSON *out = NULL;
            int rc;

            vt_alloc_fail_after(n);
            rc = vt_advisory_build(&out, (vt_advisory_format)f, &in, &err);
            vt_alloc_fail_after(-1);
            cJSON_Delete(out);
            if (rc == 0)
                break;
            assert_int_equal(rc, VT_ENOMEM);
            assert_null(out);
        }
        assert_true(n > 10);
    }
    cJSON_Delete(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csaf__filename_rule),
        cmocka_unit_test(test_csaf__status_and_justification_mapping),
        cmocka_unit_test(test_csaf__tracking_id_and_formats),
        cmocka_unit_test(test_csaf__product_tree_and_status),
        cmocka_unit_test(test_csaf__profiles_refuse),
        cmocka_unit_test(test_csaf__osv_record),
        cmocka_unit_test(test_csaf__allocation_failures),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
