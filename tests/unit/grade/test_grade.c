/* test_grade.c - GB/T 30279 grading from tables and the CVSS fallback. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/grade.h"
#include "vulntrack/json.h"

#define SYNTHETIC "tests/unit/grade/synthetic-tables.json"
/* sha256sum of the fixture file, computed outside vulntrack. */
#define SYNTHETIC_SHA256 "3af91f7669b56356f7d7b98036d0850a41231382750c09aadffe0c5fb9d50dd1"

static vt_grade_tables *load_synthetic(void)
{
    vt_buf raw = VT_BUF_INIT;
    vt_grade_tables *t = NULL;
    vt_error err = VT_ERROR_INIT;

    vt_test_read_fixture(&raw, "VT_SOURCE_DIR", SYNTHETIC);
    if (vt_grade_tables_load(&t, raw.ptr, raw.len, &err) < 0)
        fail_msg("loading the synthetic tables: %s", err.msg);
    vt_buf_dispose(&raw);
    return t;
}

static void test_grade__cvss_fallback_bands(void **state)
{
    static const struct {
        double score;
        vt_grade_level level;
    } rows[] = {
        {0.0, VT_GRADE_NONE}, {0.1, VT_GRADE_LOW},      {3.9, VT_GRADE_LOW},
        {4.0, VT_GRADE_MEDIUM}, {6.9, VT_GRADE_MEDIUM}, {7.0, VT_GRADE_HIGH},
        {8.9, VT_GRADE_HIGH},   {9.0, VT_GRADE_CRITICAL}, {10.0, VT_GRADE_CRITICAL},
    };
    vt_grade g;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        assert_int_equal(vt_grade_from_cvss_score(&g, rows[i].score), 0);
        assert_int_equal(g.level, rows[i].level);
        assert_int_equal(g.method, VT_GRADE_METHOD_CVSS_DERIVED);
        assert_non_null(g.note);
    }
    assert_int_equal(vt_grade_from_cvss_score(&g, -0.1), VT_EINVALID);
    assert_int_equal(vt_grade_from_cvss_score(&g, 10.1), VT_EINVALID);
    assert_int_equal(vt_grade_from_cvss_score(&g, NAN), VT_EINVALID);
}

static void test_grade__names(void **state)
{
    (void)state;
    assert_string_equal(vt_grade_level_zh(VT_GRADE_CRITICAL), "超危");
    assert_string_equal(vt_grade_level_zh(VT_GRADE_HIGH), "高危");
    assert_string_equal(vt_grade_level_zh(VT_GRADE_MEDIUM), "中危");
    assert_string_equal(vt_grade_level_zh(VT_GRADE_LOW), "低危");
    assert_string_equal(vt_grade_level_en(VT_GRADE_CRITICAL), "critical");
    assert_string_equal(vt_grade_level_en(VT_GRADE_UNAVAILABLE), "unavailable");
    assert_string_equal(vt_grade_method_name(VT_GRADE_METHOD_GBT30279_TECH), "GBT30279_TECH");
    assert_string_equal(vt_grade_method_name(VT_GRADE_METHOD_GBT30279_COMP), "GBT30279_COMP");
    assert_string_equal(vt_grade_method_name(VT_GRADE_METHOD_CVSS_DERIVED), "CVSS_DERIVED");
    assert_string_equal(vt_grade_method_name(VT_GRADE_METHOD_MANUAL), "MANUAL");
    assert_null(vt_grade_method_name(VT_GRADE_METHOD_NONE));
}

static const vt_gbt_inputs worst = {VT_AP_NETWORK, VT_TR_LOW, VT_PRV_NONE,
                                    VT_UI_NOT_REQUIRED, VT_IMP_SERIOUS,
                                    VT_IMP_SERIOUS, VT_IMP_SERIOUS, 0, 0, 0};

static void test_grade__unavailable_without_tables(void **state)
{
    vt_grade g;

    (void)state;
    assert_int_equal(vt_grade_compute(&g, NULL, &worst), 0);
    assert_int_equal(g.level, VT_GRADE_UNAVAILABLE);
    assert_int_equal(g.method, VT_GRADE_METHOD_NONE);
    assert_string_equal(g.note, "no GB/T 30279 table file is loaded");
}

static void test_grade__technical_grade_from_tables(void **state)
{
    vt_grade_tables *t = load_synthetic();
    vt_gbt_inputs mild = {VT_AP_PHYSICAL, VT_TR_HIGH, VT_PRV_HIGH, VT_UI_REQUIRED,
                          VT_IMP_NONE, VT_IMP_NONE, VT_IMP_NONE, 0, 0, 0};
    vt_grade g;

    (void)state;
    assert_string_equal(vt_grade_tables_sha256(t), SYNTHETIC_SHA256);
    assert_non_null(strstr(vt_grade_tables_id(t), "TEST-ONLY"));

    assert_int_equal(vt_grade_compute(&g, t, &worst), 0);
    assert_int_equal(g.method, VT_GRADE_METHOD_GBT30279_TECH);
    assert_int_equal(g.expl_level, 1);
    assert_int_equal(g.imp_level, 1);
    assert_int_equal(g.level, VT_GRADE_CRITICAL);

    assert_int_equal(vt_grade_compute(&g, t, &mild), 0);
    assert_int_equal(g.expl_level, 3);
    assert_int_equal(g.imp_level, 4);
    assert_int_equal(g.level, VT_GRADE_LOW);
    vt_grade_tables_free(t);
}

static void test_grade__comprehensive_grade_needs_all_environment_inputs(void **state)
{
    vt_grade_tables *t = load_synthetic();
    vt_gbt_inputs in = worst;
    vt_grade g;

    (void)state;
    in.env_cost = VT_LVL_HIGH;
    in.env_fix_difficulty = VT_LVL_HIGH;
    assert_int_equal(vt_grade_compute(&g, t, &in), 0);
    assert_int_equal(g.method, VT_GRADE_METHOD_GBT30279_TECH);

    in.env_scope = VT_LVL_NONE;
    assert_int_equal(vt_grade_compute(&g, t, &in), 0);
    assert_int_equal(g.method, VT_GRADE_METHOD_GBT30279_COMP);
    /* Table C: HIGH/HIGH/NONE is the synthetic table's mildest environment. */
    assert_int_equal(g.env_level, 3);
    assert_int_equal(g.level, VT_GRADE_MEDIUM);
    vt_grade_tables_free(t);
}

static void test_grade__missing_input_is_unavailable(void **state)
{
    vt_grade_tables *t = load_synthetic();
    vt_gbt_inputs in = worst;
    vt_grade g;

    (void)state;
    in.priv_req = VT_PRV_UNSET;
    assert_int_equal(vt_grade_compute(&g, t, &in), 0);
    assert_int_equal(g.level, VT_GRADE_UNAVAILABLE);
    assert_string_equal(g.note, "missing input: priv_req");
    vt_grade_tables_free(t);
}

/* Load the fixture after `mutate` edits its tree; return the load's code. */
static int load_mutated(void (*mutate)(cJSON *root), vt_error *err)
{
    vt_buf raw = VT_BUF_INIT;
    vt_buf text = VT_BUF_INIT;
    vt_grade_tables *t = NULL;
    cJSON *root = NULL;
    int error;

    vt_test_read_fixture(&raw, "VT_SOURCE_DIR", SYNTHETIC);
    assert_int_equal(vt_json_parse(&root, raw.ptr, raw.len, NULL), 0);
    mutate(root);
    assert_int_equal(vt_json_print(&text, root), 0);
    error = vt_grade_tables_load(&t, text.ptr, text.len, err);
    assert_true(error < 0 ? t == NULL : t != NULL);
    vt_grade_tables_free(t);
    cJSON_Delete(root);
    vt_buf_dispose(&text);
    vt_buf_dispose(&raw);
    return error;
}

static void drop_table_a_cell(cJSON *root)
{
    cJSON *row = cJSON_GetObjectItem(root, "table_a");

    row = cJSON_GetObjectItem(row, "AP_LOCAL");
    row = cJSON_GetObjectItem(row, "TR_HIGH");
    row = cJSON_GetObjectItem(row, "PRV_LOW");
    cJSON_DeleteItemFromObject(row, "UI_REQUIRED");
}

static void bad_grade_in_table_d(cJSON *root)
{
    cJSON *row = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "table_d"), "2");

    cJSON_ReplaceItemInObject(row, "3", cJSON_CreateString("severe"));
}

static void level_out_of_range(cJSON *root)
{
    cJSON *row = cJSON_GetObjectItem(root, "table_b");

    row = cJSON_GetObjectItem(cJSON_GetObjectItem(row, "IMP_NONE"), "IMP_NONE");
    cJSON_ReplaceItemInObject(row, "IMP_GENERAL", cJSON_CreateNumber(0));
}

static void wrong_format(cJSON *root)
{
    cJSON_ReplaceItemInObject(root, "format", cJSON_CreateString("other/2"));
}

static void no_table_e(cJSON *root)
{
    cJSON_DeleteItemFromObject(root, "table_e");
}

static void test_grade__bad_table_files_name_the_json_pointer(void **state)
{
    vt_error err = VT_ERROR_INIT;

    (void)state;
    assert_int_equal(load_mutated(drop_table_a_cell, &err), VT_EINVALID);
    assert_string_equal(err.msg,
                        "/table_a/AP_LOCAL/TR_HIGH/PRV_LOW/UI_REQUIRED: missing, "
                        "or not an integer level 1-9");
    assert_int_equal(load_mutated(bad_grade_in_table_d, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "/table_d/2/3: "));
    assert_int_equal(load_mutated(level_out_of_range, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "/table_b/IMP_NONE/IMP_NONE/IMP_GENERAL"));
    assert_int_equal(load_mutated(wrong_format, &err), VT_EINVALID);
    assert_non_null(strstr(err.msg, "/format"));
    assert_int_equal(load_mutated(no_table_e, &err), VT_EINVALID);
    assert_string_equal(err.msg, "/table_e: missing or not an object");
}

static void test_grade__load_survives_every_allocation_failure(void **state)
{
    vt_buf raw = VT_BUF_INIT;
    vt_grade_tables *t = NULL;
    long n;
    int error;

    (void)state;
    vt_test_read_fixture(&raw, "VT_SOURCE_DIR", SYNTHETIC);
    for (n = 0;; n++) {
        vt_alloc_fail_after(n);
        error = vt_grade_tables_load(&t, raw.ptr, raw.len, NULL);
        if (!vt_alloc_failure_injected())
            break;
        /* cJSON cannot tell OOM from bad syntax, so the parser reports EINVALID. */
        assert_true(error == VT_ENOMEM || error == VT_EINVALID);
        assert_null(t);
    }
    vt_alloc_fail_after(-1);
    assert_int_equal(error, 0);
    assert_true(n > 2);
    vt_grade_tables_free(t);
    vt_buf_dispose(&raw);
}

static void test_grade__json_carries_names_and_method(void **state)
{
    vt_grade g;
    cJSON *obj = NULL;
    vt_buf text = VT_BUF_INIT;

    (void)state;
    assert_int_equal(vt_grade_from_cvss_score(&g, 9.8), 0);
    assert_int_equal(vt_grade_to_json(&obj, &g), 0);
    assert_int_equal(vt_json_print(&text, obj), 0);
    assert_string_equal(text.ptr,
                        "{\"zh\":\"超危\",\"en\":\"critical\",\"method\":\"CVSS_DERIVED\","
                        "\"note\":\"derived from the CVSS base score; not a GB/T 30279 result\"}");
    cJSON_Delete(obj);
    vt_buf_dispose(&text);
}

static void test_grade__indicators_by_code_short_name_or_label(void **state)
{
    vt_gbt_inputs in = VT_GBT_INPUTS_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *obj = NULL;
    vt_buf text = VT_BUF_INIT;

    (void)state;
    assert_int_equal(vt_grade_input_set(&in, "access_path", "AP_LOCAL", &err), 0);
    assert_int_equal(in.access_path, VT_AP_LOCAL);
    assert_int_equal(vt_grade_input_set(&in, "access_path", "physical", &err), 0);
    assert_int_equal(in.access_path, VT_AP_PHYSICAL);
    assert_int_equal(vt_grade_input_set(&in, "interaction", "需要", &err), 0);
    assert_int_equal(in.interaction, VT_UI_REQUIRED);
    assert_int_equal(vt_grade_input_set(&in, "env_scope", "none", &err), 0);
    assert_int_equal(in.env_scope, VT_LVL_NONE);
    assert_int_equal(vt_grade_input_set(&in, "env_cost", "none", &err), VT_EINVALID);
    assert_string_equal(err.msg, "env_cost: unknown value 'none' (expected LOW, MEDIUM, HIGH)");
    assert_int_equal(vt_grade_input_set(&in, "colour", "red", &err), VT_EINVALID);
    assert_string_equal(err.msg, "unknown indicator 'colour'");
    assert_int_equal(vt_grade_inputs_to_json(&obj, &in), 0);
    assert_int_equal(vt_json_print(&text, obj), 0);
    assert_string_equal(text.ptr, "{\"access_path\":{\"code\":\"AP_PHYSICAL\",\"zh\":\"物理\"},"
                                  "\"interaction\":{\"code\":\"UI_REQUIRED\",\"zh\":\"需要\"},"
                                  "\"env_scope\":{\"code\":\"NONE\",\"zh\":\"无\"}}");
    cJSON_Delete(obj);
    vt_buf_dispose(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grade__cvss_fallback_bands),
        cmocka_unit_test(test_grade__names),
        cmocka_unit_test(test_grade__unavailable_without_tables),
        cmocka_unit_test(test_grade__technical_grade_from_tables),
        cmocka_unit_test(test_grade__comprehensive_grade_needs_all_environment_inputs),
        cmocka_unit_test(test_grade__missing_input_is_unavailable),
        cmocka_unit_test(test_grade__bad_table_files_name_the_json_pointer),
        cmocka_unit_test(test_grade__load_survives_every_allocation_failure),
        cmocka_unit_test(test_grade__json_carries_names_and_method),
        cmocka_unit_test(test_grade__indicators_by_code_short_name_or_label),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
