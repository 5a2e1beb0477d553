/* test_authority.c - the Art. 7(2) authority report, its completeness check,
 * the HTML escaper and page, and the CRA field sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/authority.h"
#include "vulntrack/json.h"

/* A case as vt_case_to_json shows it, complete for §4. */
static const char complete_case[] =
    "{\"case\": {\"ref\": \"VT-2026-000001\", \"title\": \"Overflow in httpd\","
    "  \"state\": \"remediation\", \"scope\": \"own_product\", \"revision\": 4,"
    "  \"events\": {\"E_AWARE\": {\"at\": \"2026-10-01T09:00:00.000Z\"},"
    "             \"E_VERIFIED\": {\"at\": \"2026-10-01T12:00:00.000Z\"}},"
    "  \"doc\": {"
    "    \"products\": [{\"name\": \"Router\", \"vendor\": \"Acme\", \"model\": \"RT-1\","
    "      \"ecosystem\": \"semver\", \"versions\": [\"2.0.0\","
    "      {\"introduced\": \"2.0.0\", \"fixed\": \"2.0.5\"}], \"fixed_versions\": [\"2.0.5\"]}],"
    "    \"tech_characteristics\": \"Stack overflow in the Host header parser\","
    "    \"category_code\": \"代码问题/缓冲区错误\","
    "    \"harm\": \"Remote code execution\","
    "    \"impact_scope\": \"All RT-1 units on 2.0.x\","
    "    \"gbt\": {\"method\": \"MANUAL\", \"grade\": \"high\", \"grade_zh\": \"高危\","
    "      \"justification\": \"vendor analysis\","
    "      \"indicators\": {\"c_imp\": {\"code\": \"IMP_SERIOUS\", \"zh\": \"严重\"},"
    "                     \"i_imp\": {\"code\": \"IMP_GENERAL\", \"zh\": \"一般\"},"
    "                     \"a_imp\": {\"code\": \"IMP_NONE\", \"zh\": \"无\"}}},"
    "    \"identifiers\": [{\"scheme\": \"CVE\", \"id\": \"CVE-2026-1\"},"
    "      {\"scheme\": \"CNVD\", \"id\": \"CNVD-2026-2\"}, {\"scheme\": \"GHSA\", \"id\": "
    "\"GHSA-x\"}]"
    "  }},"
    " \"org\": {\"slug\": \"acme\", \"name\": \"Acme Ltd\","
    "   \"flags\": {\"contact\": {\"email\": \"psirt@acme.example\"}}}}";

static cJSON *parse(const char *s)
{
    cJSON *j = cJSON_Parse(s);

    assert_non_null(j);
    return j;
}

static cJSON *build(const cJSON *in)
{
    vt_error err = VT_ERROR_INIT;
    cJSON *r = NULL;

    if (vt_authority_report_build(&r, in, &err) < 0)
        fail_msg("build: %s", err.msg);
    return r;
}

static const cJSON *at(const cJSON *o, const char *path)
{
    char key[64];
    const char *dot;

    while (o && *path) {
        dot = strchr(path, '.');
        snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - path) : (int)strlen(path), path);
        if (cJSON_IsArray(o))
            o = cJSON_GetArrayItem(o, key[0] - '0');
        else
            o = cJSON_GetObjectItemCaseSensitive(o, key);
        path = dot ? dot + 1 : path + strlen(path);
    }
    return o;
}

static const char *s_at(const cJSON *o, const char *path)
{
    const cJSON *v = at(o, path);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *doc_of(cJSON *in)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(in, "case"), "doc");
}

static cJSON *product_of(cJSON *in)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc_of(in), "products"), 0);
}

static void test_authority__complete_case(void **state)
{
    cJSON *in = parse(complete_case), *r = build(in);

    (void)state;
    assert_true(cJSON_IsTrue(at(r, "completeness.complete")));
    assert_int_equal(cJSON_GetArraySize(at(r, "completeness.missing")), 0);
    assert_string_equal(s_at(r, "case"), "VT-2026-000001");
    assert_string_equal(s_at(r, "required.products.0.product_name"), "Router");
    assert_string_equal(s_at(r, "required.products.0.product_model"), "RT-1");
    assert_string_equal(s_at(r, "required.products.0.affected_versions.0.version"), "2.0.0");
    /* A range without its own scheme takes the product's ecosystem. */
    assert_string_equal(s_at(r, "required.products.0.affected_versions.1.scheme"), "semver");
    assert_string_equal(s_at(r, "required.products.0.affected_versions.1.fixed"), "2.0.5");
    assert_string_equal(s_at(r, "required.grade.grade"), "high");
    assert_string_equal(s_at(r, "required.grade.method"), "MANUAL");
    assert_string_equal(s_at(r, "required.grade.impact.confidentiality"), "IMP_SERIOUS");
    assert_string_equal(s_at(r, "required.grade.impact.integrity"), "IMP_GENERAL");
    assert_string_equal(s_at(r, "required.grade.impact.availability"), "IMP_NONE");
    assert_string_equal(s_at(r, "required.grade.impact.source"), "gbt_indicators");
    assert_string_equal(s_at(r, "recommended.identifiers.CVE.0"), "CVE-2026-1");
    assert_string_equal(s_at(r, "recommended.identifiers.CNVD.0"), "CNVD-2026-2");
    assert_int_equal(cJSON_GetArraySize(at(r, "recommended.identifiers.CNNVD")), 0);
    assert_string_equal(s_at(r, "recommended.identifiers.other.0.id"), "GHSA-x");
    assert_string_equal(s_at(r, "recommended.vendor"), "Acme Ltd");
    assert_string_equal(s_at(r, "recommended.contact.email"), "psirt@acme.example");
    assert_string_equal(s_at(r, "recommended.aware_at"), "2026-10-01T09:00:00.000Z");
    assert_string_equal(s_at(r, "recommended.fix.status"), "none");
    assert_true(cJSON_IsFalse(at(r, "recommended.exploitation_observed")));
    cJSON_Delete(r);
    cJSON_Delete(in);
}

/* Each row removes one thing from the complete case; the check must list `field`. */
static const struct missing_row {
    const char *what;  /* member removed: "doc.KEY" or "product.KEY" */
    const char *field; /* the field the check lists */
    const char *zh, *en;
} missing_rows[] = {
    {"product.name", "product_name", "产品名称", "product name"},
    {"product.model", "product_model", "型号", "model"},
    {"product.versions", "affected_versions", "版本", "affected version(s)"},
    {"doc.tech_characteristics", "tech_characteristics", "技术特点", "technical characteristics"},
    {"doc.category_code", "category_code", "漏洞分类（GB/T 30279）", "category code (GB/T 30279)"},
    {"doc.harm", "harm", "危害", "harm"},
    {"doc.impact_scope", "impact_scope", "影响范围", "scope of impact"},
    {"gbt.grade", "grade", "漏洞等级（GB/T 30279）", "grade (GB/T 30279)"},
    {"gbt.method", "grade_method", "分级方法", "grading method"},
    {"gbt.indicators", "grade_impact", "保密性/完整性/可用性影响",
     "confidentiality/integrity/availability impact"},
};

static void remove_member(cJSON *in, const char *what)
{
    const char *key = strchr(what, '.') + 1;
    cJSON *from;

    if (strncmp(what, "doc.", 4) == 0)
        from = doc_of(in);
    else if (strncmp(what, "gbt.", 4) == 0)
        from = cJSON_GetObjectItemCaseSensitive(doc_of(in), "gbt");
    else
        from = product_of(in);
    assert_non_null(cJSON_GetObjectItemCaseSensitive(from, key));
    cJSON_DeleteItemFromObjectCaseSensitive(from, key);
}

static void test_authority__each_missing_field_is_listed(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(missing_rows) / sizeof(missing_rows[0]); i++) {
        const struct missing_row *row = &missing_rows[i];
        cJSON *in = parse(complete_case), *r;
        const cJSON *list;

        remove_member(in, row->what);
        r = build(in);
        list = at(r, "completeness.missing");
        assert_true(cJSON_IsFalse(at(r, "completeness.complete")));
        if (cJSON_GetArraySize(list) != 1)
            fail_msg("%s: %d fields listed", row->what, cJSON_GetArraySize(list));
        assert_string_equal(s_at(list, "0.field"), row->field);
        assert_string_equal(s_at(list, "0.zh"), row->zh);
        assert_string_equal(s_at(list, "0.en"), row->en);
        assert_true(strlen(s_at(list, "0.reason")) > 0);
        cJSON_Delete(r);
        cJSON_Delete(in);
    }
}

static void test_authority__empty_and_blank_texts_are_missing(void **state)
{
    cJSON *in = parse(complete_case), *r;

    (void)state;
    cJSON_ReplaceItemInObjectCaseSensitive(doc_of(in), "harm", cJSON_CreateString(" \n\t"));
    cJSON_ReplaceItemInObjectCaseSensitive(doc_of(in), "impact_scope", cJSON_CreateString(""));
    cJSON_ReplaceItemInObjectCaseSensitive(product_of(in), "versions", cJSON_CreateArray());
    r = build(in);
    assert_int_equal(cJSON_GetArraySize(at(r, "completeness.missing")), 3);
    assert_string_equal(s_at(r, "completeness.missing.0.field"), "affected_versions");
    assert_string_equal(s_at(r, "completeness.missing.1.field"), "harm");
    assert_string_equal(s_at(r, "completeness.missing.2.field"), "impact_scope");
    cJSON_Delete(r);
    cJSON_Delete(in);
}

static void test_authority__no_products_and_unknown_grade(void **state)
{
    cJSON *in = parse(complete_case), *r;
    cJSON *gbt = cJSON_GetObjectItemCaseSensitive(doc_of(in), "gbt");

    (void)state;
    cJSON_DeleteItemFromObjectCaseSensitive(doc_of(in), "products");
    cJSON_ReplaceItemInObjectCaseSensitive(gbt, "grade", cJSON_CreateString("unavailable"));
    r = build(in);
    assert_int_equal(cJSON_GetArraySize(at(r, "completeness.missing")), 4);
    assert_string_equal(s_at(r, "completeness.missing.0.field"), "product_name");
    assert_string_equal(s_at(r, "completeness.missing.1.field"), "product_model");
    assert_string_equal(s_at(r, "completeness.missing.2.field"), "affected_versions");
    assert_string_equal(s_at(r, "completeness.missing.3.field"), "grade");
    cJSON_Delete(r);
    cJSON_Delete(in);
}

static void test_authority__range_without_scheme(void **state)
{
    cJSON *in = parse(complete_case), *r;

    (void)state;
    cJSON_DeleteItemFromObjectCaseSensitive(product_of(in), "ecosystem");
    r = build(in);
    assert_int_equal(cJSON_GetArraySize(at(r, "completeness.missing")), 1);
    assert_string_equal(s_at(r, "completeness.missing.0.field"), "affected_versions");
    assert_non_null(strstr(s_at(r, "completeness.missing.0.reason"), "scheme"));
    cJSON_Delete(r);
    cJSON_Delete(in);
}

static void test_authority__model_not_applicable(void **state)
{
    static const struct {
        const char *model;
        bool complete;
        const char *justification; /* NULL: none expected */
    } rows[] = {
        {"不适用", false, NULL},
        {"不适用：", false, NULL},
        {"不适用 ", false, NULL},
        {"不适用：纯软件产品，以版本区分", true, "纯软件产品，以版本区分"},
        {"不适用（纯软件）", true, "纯软件"},
        {"不适用: software only", true, "software only"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        cJSON *in = parse(complete_case), *r;

        cJSON_ReplaceItemInObjectCaseSensitive(product_of(in), "model",
                                               cJSON_CreateString(rows[i].model));
        r = build(in);
        assert_string_equal(s_at(r, "required.products.0.product_model"), "不适用");
        if (cJSON_IsTrue(at(r, "completeness.complete")) != rows[i].complete)
            fail_msg("model '%s': complete should be %d", rows[i].model, rows[i].complete);
        if (rows[i].justification)
            assert_string_equal(s_at(r, "required.products.0.product_model_justification"),
                                rows[i].justification);
        else {
            assert_string_equal(s_at(r, "completeness.missing.0.field"),
                                "product_model_justification");
            assert_string_equal(s_at(r, "completeness.missing.0.zh"), "型号不适用的理由");
        }
        cJSON_Delete(r);
        cJSON_Delete(in);
    }
}

static void test_authority__model_from_the_inventory(void **state)
{
    cJSON *in = parse(complete_case), *r;

    (void)state;
    cJSON_DeleteItemFromObjectCaseSensitive(product_of(in), "model");
    cJSON_AddItemToObject(product_of(in), "product_id", cJSON_CreateNumber(7));
    cJSON_AddItemToObject(in, "products",
                          parse("[{\"id\": 3, \"model\": \"wrong\"},"
                                " {\"id\": 7, \"name\": \"Router\", \"model\": \"RT-9\"}]"));
    r = build(in);
    assert_true(cJSON_IsTrue(at(r, "completeness.complete")));
    assert_string_equal(s_at(r, "required.products.0.product_model"), "RT-9");
    cJSON_Delete(r);

    /* An inventory product without a model ("") leaves the model missing. */
    cJSON_ReplaceItemInObjectCaseSensitive(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(in, "products"), 1), "model",
        cJSON_CreateString(""));
    r = build(in);
    assert_string_equal(s_at(r, "completeness.missing.0.field"), "product_model");
    cJSON_Delete(r);
    cJSON_Delete(in);
}

static void test_authority__impacts_from_cvss_vector(void **state)
{
    cJSON *in = parse(complete_case), *r, *gbt;

    (void)state;
    gbt = parse("{\"grade\": \"critical\", \"method\": \"CVSS_DERIVED\", \"derived_from\": "
                "{\"vector\": \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N\","
                " \"score\": 9.3}}");
    cJSON_ReplaceItemInObjectCaseSensitive(doc_of(in), "gbt", gbt);
    r = build(in);
    assert_true(cJSON_IsTrue(at(r, "completeness.complete")));
    assert_string_equal(s_at(r, "required.grade.impact.confidentiality"), "IMP_SERIOUS");
    assert_string_equal(s_at(r, "required.grade.impact.integrity"), "IMP_GENERAL");
    assert_string_equal(s_at(r, "required.grade.impact.availability"), "IMP_NONE");
    assert_string_equal(s_at(r, "required.grade.impact.source"), "cvss_vector");
    cJSON_Delete(r);
    cJSON_Delete(in);

    in = parse(complete_case);
    gbt = parse("{\"grade\": \"high\", \"method\": \"CVSS_DERIVED\", \"derived_from\": "
                "{\"vector\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:H\"}}");
    cJSON_ReplaceItemInObjectCaseSensitive(doc_of(in), "gbt", gbt);
    r = build(in);
    assert_string_equal(s_at(r, "required.grade.impact.confidentiality"), "IMP_GENERAL");
    assert_string_equal(s_at(r, "required.grade.impact.availability"), "IMP_SERIOUS");
    cJSON_Delete(r);
    cJSON_Delete(in);
}

static void test_authority__build_needs_a_case(void **state)
{
    cJSON *in = parse("{\"org\": {}}"), *r = NULL;
    vt_error err = VT_ERROR_INIT;

    (void)state;
    assert_int_equal(vt_authority_report_build(&r, in, &err), VT_EINVALID);
    assert_null(r);
    assert_string_equal(err.field, "/case");
    cJSON_Delete(in);
}

/* ---------------------------------------------------------------------
 * HTML
 * ------------------------------------------------------------------- */

static void test_authority__html_escape(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } rows[] = {
        {"plain", 5, "plain"},
        {"<script>alert('x')</script>", 27, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
        {"a & b \"c\"", 9, "a &amp; b &quot;c&quot;"},
        {"&amp;", 5, "&amp;amp;"},
        {"技术特点", 12, "技术特点"},
        {"tab\there\nline", 13, "tab\there\nline"},
        {"nul\0x", 5, "nul\xEF\xBF\xBDx"},
        {"\x1b[31m", 5, "\xEF\xBF\xBD[31m"},
        {"\x7f", 1, "\xEF\xBF\xBD"},
        {"bad \xff byte", 10, "bad \xEF\xBF\xBD byte"},
        {"cut \xe6\x8a", 6, "cut \xEF\xBF\xBD\xEF\xBF\xBD"},
        {"overlong \xc0\xbc", 11, "overlong \xEF\xBF\xBD\xEF\xBF\xBD"},
        {"surrogate \xed\xa0\x80", 13, "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"emoji \xf0\x9f\x98\x80", 10, "emoji \xf0\x9f\x98\x80"},
        {"", 0, ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_buf b = VT_BUF_INIT;

        assert_int_equal(vt_html_escape(&b, rows[i].in, rows[i].len), 0);
        if (strcmp(b.ptr, rows[i].out) != 0)
            fail_msg("row %zu: got '%s', want '%s'", i, b.ptr, rows[i].out);
        vt_buf_dispose(&b);
    }
}

static void test_authority__html_page_escapes_hostile_text(void **state)
{
    static const char hostile[] = "<script>alert(1)</script><img src=x onerror=y>";
    cJSON *in = parse(complete_case), *r;
    vt_buf b = VT_BUF_INIT;

    (void)state;
    cJSON_ReplaceItemInObjectCaseSensitive(doc_of(in), "harm", cJSON_CreateString(hostile));
    cJSON_ReplaceItemInObjectCaseSensitive(product_of(in), "name", cJSON_CreateString(hostile));
    cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(in, "case"), "ref",
                                           cJSON_CreateString("</title><script>"));
    cJSON_DeleteItemFromObjectCaseSensitive(doc_of(in), "impact_scope");
    r = build(in);
    assert_int_equal(vt_authority_html(&b, r), 0);
    assert_null(strstr(b.ptr, "<script"));
    assert_null(strstr(b.ptr, "<img"));
    assert_non_null(strstr(b.ptr, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(b.ptr, "&lt;/title&gt;&lt;script&gt;"));
    /* Both languages, the completeness result first, print CSS, no outside resource. */
    assert_non_null(strstr(b.ptr, "产品名称"));
    assert_non_null(strstr(b.ptr, "Product name"));
    assert_non_null(strstr(b.ptr, "@media print"));
    assert_null(strstr(b.ptr, "http:"));
    assert_null(strstr(b.ptr, "https:"));
    assert_null(strstr(b.ptr, "<link"));
    assert_non_null(strstr(b.ptr, "影响范围</span> / <span lang=\"en\">scope of impact"));
    assert_true(strstr(b.ptr, "Completeness check") < strstr(b.ptr, "Affected products"));
    vt_buf_dispose(&b);
    cJSON_Delete(r);
    cJSON_Delete(in);
}

static void test_authority__html_complete_page(void **state)
{
    cJSON *in = parse(complete_case), *r = build(in);
    vt_buf b = VT_BUF_INIT;

    (void)state;
    assert_int_equal(vt_authority_html(&b, r), 0);
    assert_non_null(strstr(b.ptr, "Completeness check: complete"));
    assert_non_null(strstr(b.ptr, "semver: &ge; 2.0.0 &lt; 2.0.5"));
    assert_non_null(strstr(b.ptr, "高危"));
    assert_null(strstr(b.ptr, "Update due"));
    vt_buf_dispose(&b);
    cJSON_Delete(r);
    cJSON_Delete(in);
}

/* Every allocation failing in turn: VT_ENOMEM, no leak, no crash. */
static void test_authority__allocation_failures(void **state)
{
    cJSON *in = parse(complete_case);
    long n;

    (void)state;
    for (n = 0; n < 100000; n++) {
        vt_error err = VT_ERROR_INIT;
        vt_buf b = VT_BUF_INIT;
        cJSON *r = NULL;
        bool injected;
        int error;

        vt_alloc_fail_after(n);
        error = vt_authority_report_build(&r, in, &err);
        if (error == 0)
            error = vt_authority_html(&b, r);
        if (error == 0) {
            cJSON *p = vt_cra_proposed(r);

            error = p ? 0 : VT_ENOMEM;
            cJSON_Delete(p);
        }
        injected = vt_alloc_failure_injected();
        vt_alloc_fail_after(-1);
        cJSON_Delete(r);
        vt_buf_dispose(&b);
        if (!injected) {
            assert_int_equal(error, 0);
            break;
        }
        if (error != VT_ENOMEM)
            fail_msg("allocation %ld failed but the result was %d", n, error);
    }
    assert_true(n > 10);
    cJSON_Delete(in);
}

/* ---------------------------------------------------------------------
 * CRA field sets
 * ------------------------------------------------------------------- */

static cJSON *load_cra_fields(void)
{
    vt_buf raw = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *sets = NULL;

    vt_test_read_fixture(&raw, "VT_SOURCE_DIR", "data/cra/EU_CRA_SRP_FIELDS.json");
    if (vt_cra_fields_parse(&sets, raw.ptr, raw.len, &err) < 0)
        fail_msg("CRA fields: %s (%s)", err.msg, err.field);
    vt_buf_dispose(&raw);
    return sets;
}

static void test_authority__cra_field_sets(void **state)
{
    static const char *const stages[] = {"CRA-V-EW", "CRA-V-N", "CRA-V-FR",
                                         "CRA-I-EW", "CRA-I-N", "CRA-I-FR"};
    cJSON *sets = load_cra_fields(), *miss, *vals;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
        miss = vt_cra_missing(sets, stages[i], NULL);
        assert_non_null(miss);
        if (cJSON_GetArraySize(miss) < 2)
            fail_msg("%s: fewer than two mandatory fields", stages[i]);
        cJSON_Delete(miss);
    }
    assert_null(vt_cra_missing(sets, "CRA-NOPE", NULL));

    /* Art. 14(2)(b): the X fields of the notification. */
    miss = vt_cra_missing(sets, "CRA-V-N", NULL);
    assert_int_equal(cJSON_GetArraySize(miss), 5);
    assert_string_equal(s_at(miss, "0.field"), "manufacturer");
    assert_string_equal(s_at(miss, "1.field"), "exploit_nature");
    cJSON_Delete(miss);

    /* Filled, blank, empty array, boolean: only real values count. */
    vals = parse("{\"manufacturer\": \"Acme\", \"exploit_nature\": \"  \","
                 " \"vulnerability_nature\": [], \"measures_taken\": [\"patch\"],"
                 " \"user_measures\": false, \"sensitivity\": \"\"}");
    miss = vt_cra_missing(sets, "CRA-V-N", vals);
    assert_int_equal(cJSON_GetArraySize(miss), 2);
    assert_string_equal(s_at(miss, "0.field"), "exploit_nature");
    assert_string_equal(s_at(miss, "1.field"), "vulnerability_nature");
    cJSON_Delete(miss);
    cJSON_Delete(vals);

    /* Optional and conditional fields are never required. */
    vals = parse("{\"manufacturer\": \"Acme\", \"product\": \"Router 2.0\"}");
    miss = vt_cra_missing(sets, "CRA-V-EW", vals);
    assert_int_equal(cJSON_GetArraySize(miss), 0);
    cJSON_Delete(miss);
    cJSON_Delete(vals);
    cJSON_Delete(sets);
}

static void test_authority__cra_proposed_values(void **state)
{
    cJSON *in = parse(complete_case), *r, *p;

    (void)state;
    r = build(in);
    p = vt_cra_proposed(r);
    assert_non_null(p);
    assert_string_equal(s_at(p, "manufacturer"), "Acme Ltd, psirt@acme.example");
    assert_string_equal(s_at(p, "product"), "Router RT-1 (2.0.0, semver >= 2.0.0 < 2.0.5)");
    assert_string_equal(s_at(p, "vulnerability_nature"),
                        "Stack overflow in the Host header parser");
    assert_string_equal(s_at(p, "severity"), "high 高危 (MANUAL)");
    assert_string_equal(s_at(p, "impact"), "Remote code execution All RT-1 units on 2.0.x");
    assert_string_equal(s_at(p, "identifiers.0"), "CVE-2026-1");
    assert_string_equal(s_at(p, "identifiers.1"), "CNVD-2026-2");
    assert_string_equal(s_at(p, "identifiers.2"), "GHSA:GHSA-x");
    /* No remediation yet: nothing proposed for the measures or the update. */
    assert_null(at(p, "measures_taken"));
    assert_null(at(p, "security_update"));
    cJSON_Delete(p);
    cJSON_Delete(r);

    /* A fix made available: the update is proposed too. */
    cJSON_AddItemToObject(
        doc_of(in), "remediations",
        parse("[{\"kind\": \"patch\", \"version\": \"2.0.5\"},"
              " {\"kind\": \"mitigation\", \"instructions\": \"Disable httpd\"}]"));
    cJSON_AddItemToObject(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(in, "case"), "events"),
        "E_FIX_AVAILABLE", parse("{\"at\": \"2026-10-10T00:00:00.000Z\"}"));
    r = build(in);
    p = vt_cra_proposed(r);
    assert_string_equal(s_at(p, "measures_taken"), "update to 2.0.5; Disable httpd");
    assert_string_equal(s_at(p, "user_measures"), "update to 2.0.5; Disable httpd");
    assert_string_equal(s_at(p, "security_update"), "update to 2.0.5; Disable httpd");
    cJSON_Delete(p);
    cJSON_Delete(r);
    cJSON_Delete(in);
}

static void test_authority__cra_field_file_refused(void **state)
{
    static const struct {
        const char *text;
        const char *field;
    } rows[] = {
        {"{}", "/stages"},
        {"{\"stages\": [{\"fields\": []}]}", "/stages/0"},
        {"{\"stages\": [{\"stage\": \"S\", \"fields\": [{\"id\": \"a\", \"label\": \"A\","
         " \"code\": \"M\"}]}]}",
         "/stages/0/fields/0"},
        {"{\"stages\": [{\"stage\": \"S\", \"fields\": [{\"id\": \"a\", \"code\": \"X\"}]}]}",
         "/stages/0/fields/0"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_error err = VT_ERROR_INIT;
        cJSON *sets = NULL;

        assert_int_equal(vt_cra_fields_parse(&sets, rows[i].text, strlen(rows[i].text), &err),
                         VT_EINVALID);
        assert_null(sets);
        assert_string_equal(err.field, rows[i].field);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_authority__complete_case),
        cmocka_unit_test(test_authority__each_missing_field_is_listed),
        cmocka_unit_test(test_authority__empty_and_blank_texts_are_missing),
        cmocka_unit_test(test_authority__no_products_and_unknown_grade),
        cmocka_unit_test(test_authority__range_without_scheme),
        cmocka_unit_test(test_authority__model_not_applicable),
        cmocka_unit_test(test_authority__model_from_the_inventory),
        cmocka_unit_test(test_authority__impacts_from_cvss_vector),
        cmocka_unit_test(test_authority__build_needs_a_case),
        cmocka_unit_test(test_authority__html_escape),
        cmocka_unit_test(test_authority__html_page_escapes_hostile_text),
        cmocka_unit_test(test_authority__html_complete_page),
        cmocka_unit_test(test_authority__allocation_failures),
        cmocka_unit_test(test_authority__cra_field_sets),
        cmocka_unit_test(test_authority__cra_proposed_values),
        cmocka_unit_test(test_authority__cra_field_file_refused),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
