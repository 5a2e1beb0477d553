/*
 * grade.c - GB/T 30279-2020 grading from loaded tables, and the labelled
 * CVSS-derived fallback.
 *
 * The standard's annex tables are not public in a form we could verify, so
 * nothing here encodes a table cell: every cell comes from a data file whose
 * SHA-256 is kept with each grade (spec §8.3, A4). Without tables the grade is
 * UNAVAILABLE; a guess would look like a legal result and is worse than none.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/grade.h"
#include "vulntrack/json.h"
#include "vulntrack/strparse.h"

/* Intermediate levels are small positive integers named by the table file. */
#define GRADE_MAX_LEVEL 9

struct vt_grade_tables {
    char *id;
    char sha256[crypto_hash_sha256_BYTES * 2 + 1];
    /* 0 in a cell means "absent"; load refuses files with absent cells. */
    uint8_t a[4][2][3][2];
    uint8_t b[3][3][3];
    uint8_t c[3][3][4];
    uint8_t d[GRADE_MAX_LEVEL + 1][GRADE_MAX_LEVEL + 1]; /* vt_grade_level */
    uint8_t e[VT_GRADE_CRITICAL + 1][GRADE_MAX_LEVEL + 1];
};

static const char *const level_zh[] = {"不可用", "无", "低危", "中危", "高危", "超危"};
static const char *const level_en[] = {"unavailable", "none", "low", "medium", "high", "critical"};
static const char *const method_names[] = {
    NULL, "GBT30279_TECH", "GBT30279_COMP", "CVSS_DERIVED", "MANUAL"};

/* Code names of each indicator's values, in enum order starting at 1. */
static const char *const ap_names[] = {"AP_NETWORK", "AP_ADJACENT", "AP_LOCAL", "AP_PHYSICAL", NULL};
static const char *const tr_names[] = {"TR_LOW", "TR_HIGH", NULL};
static const char *const prv_names[] = {"PRV_NONE", "PRV_LOW", "PRV_HIGH", NULL};
static const char *const ui_names[] = {"UI_NOT_REQUIRED", "UI_REQUIRED", NULL};
static const char *const imp_names[] = {"IMP_SERIOUS", "IMP_GENERAL", "IMP_NONE", NULL};
static const char *const lvl3_names[] = {"LOW", "MEDIUM", "HIGH", NULL};
static const char *const scope_names[] = {"LOW", "MEDIUM", "HIGH", "NONE", NULL};

const char *vt_grade_level_zh(vt_grade_level level)
{
    return (unsigned)level <= VT_GRADE_CRITICAL ? level_zh[level] : level_zh[0];
}

const char *vt_grade_level_en(vt_grade_level level)
{
    return (unsigned)level <= VT_GRADE_CRITICAL ? level_en[level] : level_en[0];
}

const char *vt_grade_method_name(vt_grade_method method)
{
    return (unsigned)method <= VT_GRADE_METHOD_MANUAL ? method_names[method] : NULL;
}

int vt_grade_from_cvss_score(vt_grade *out, double base_score)
{
    /* Scores are one-decimal values; compare in tenths to avoid float edges. */
    long tenths;

    memset(out, 0, sizeof(*out));
    if (!(base_score >= 0.0 && base_score <= 10.0))
        return VT_EINVALID;
    tenths = (long)(base_score * 10.0 + 0.5);
    out->method = VT_GRADE_METHOD_CVSS_DERIVED;
    if (tenths >= 90)
        out->level = VT_GRADE_CRITICAL;
    else if (tenths >= 70)
        out->level = VT_GRADE_HIGH;
    else if (tenths >= 40)
        out->level = VT_GRADE_MEDIUM;
    else if (tenths >= 1)
        out->level = VT_GRADE_LOW;
    else {
        out->level = VT_GRADE_NONE;
        out->note = "CVSS base score 0.0: no severity, manual review required";
        return 0;
    }
    out->note = "derived from the CVSS base score; not a GB/T 30279 result";
    return 0;
}

/* ---- loading the table file ------------------------------------------ */

/* Parse a grade name, English or Chinese, into *out. */
static bool parse_grade_name(vt_grade_level *out, const char *s)
{
    int i;

    for (i = VT_GRADE_LOW; i <= VT_GRADE_CRITICAL; i++) {
        if (strcmp(s, level_en[i]) == 0 || strcmp(s, level_zh[i]) == 0) {
            *out = (vt_grade_level)i;
            return true;
        }
    }
    return false;
}

/* Fetch obj[key] as an object, or fail naming the JSON pointer. */
static int need_object(const cJSON **out, const cJSON *obj, const char *key,
                       const char *ptr, vt_error *err)
{
    *out = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsObject(*out))
        return vt_error_set(err, VT_EINVALID, 0, "%s/%s: missing or not an object",
                            ptr, key);
    return 0;
}

/* Read an intermediate level (1..GRADE_MAX_LEVEL) at obj[key]. */
static int need_level(uint8_t *out, const cJSON *obj, const char *key,
                      const char *ptr, vt_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (!cJSON_IsNumber(v) || v->valuedouble != (double)v->valueint ||
        v->valueint < 1 || v->valueint > GRADE_MAX_LEVEL)
        return vt_error_set(err, VT_EINVALID, 0,
                            "%s/%s: missing, or not an integer level 1-%d", ptr,
                            key, GRADE_MAX_LEVEL);
    *out = (uint8_t)v->valueint;
    return 0;
}

static int load_table_a(vt_grade_tables *t, const cJSON *root, vt_error *err)
{
    const cJSON *ta, *t1, *t2, *t3;
    char ptr[160];
    int i, j, k, l, error;

    error = need_object(&ta, root, "table_a", "", err);
    for (i = 0; !error && ap_names[i]; i++) {
        error = need_object(&t1, ta, ap_names[i], "/table_a", err);
        for (j = 0; !error && tr_names[j]; j++) {
            snprintf(ptr, sizeof(ptr), "/table_a/%s", ap_names[i]);
            error = need_object(&t2, t1, tr_names[j], ptr, err);
            for (k = 0; !error && prv_names[k]; k++) {
                snprintf(ptr, sizeof(ptr), "/table_a/%s/%s", ap_names[i], tr_names[j]);
                error = need_object(&t3, t2, prv_names[k], ptr, err);
                snprintf(ptr, sizeof(ptr), "/table_a/%s/%s/%s", ap_names[i],
                         tr_names[j], prv_names[k]);
                for (l = 0; !error && ui_names[l]; l++)
                    error = need_level(&t->a[i][j][k][l], t3, ui_names[l], ptr, err);
            }
        }
    }
    return error;
}

static int load_table_b(vt_grade_tables *t, const cJSON *root, vt_error *err)
{
    const cJSON *tb, *t1, *t2;
    char ptr[160];
    int i, j, k, error;

    error = need_object(&tb, root, "table_b", "", err);
    for (i = 0; !error && imp_names[i]; i++) {
        error = need_object(&t1, tb, imp_names[i], "/table_b", err);
        for (j = 0; !error && imp_names[j]; j++) {
            snprintf(ptr, sizeof(ptr), "/table_b/%s", imp_names[i]);
            error = need_object(&t2, t1, imp_names[j], ptr, err);
            snprintf(ptr, sizeof(ptr), "/table_b/%s/%s", imp_names[i], imp_names[j]);
            for (k = 0; !error && imp_names[k]; k++)
                error = need_level(&t->b[i][j][k], t2, imp_names[k], ptr, err);
        }
    }
    return error;
}

static int load_table_c(vt_grade_tables *t, const cJSON *root, vt_error *err)
{
    const cJSON *tc, *t1, *t2;
    char ptr[160];
    int i, j, k, error;

    error = need_object(&tc, root, "table_c", "", err);
    for (i = 0; !error && lvl3_names[i]; i++) {
        error = need_object(&t1, tc, lvl3_names[i], "/table_c", err);
        for (j = 0; !error && lvl3_names[j]; j++) {
            snprintf(ptr, sizeof(ptr), "/table_c/%s", lvl3_names[i]);
            error = need_object(&t2, t1, lvl3_names[j], ptr, err);
            snprintf(ptr, sizeof(ptr), "/table_c/%s/%s", lvl3_names[i], lvl3_names[j]);
            for (k = 0; !error && scope_names[k]; k++)
                error = need_level(&t->c[i][j][k], t2, scope_names[k], ptr, err);
        }
    }
    return error;
}

/* Read a grade cell at obj[key] into *out. */
static int need_grade(uint8_t *out, const cJSON *obj, const char *key,
                      const char *ptr, vt_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    vt_grade_level level;

    if (!cJSON_IsString(v) || !parse_grade_name(&level, v->valuestring))
        return vt_error_set(err, VT_EINVALID, 0,
                            "%s/%s: missing, or not one of critical/high/medium/low "
                            "(超危/高危/中危/低危)", ptr, key);
    *out = (uint8_t)level;
    return 0;
}

/*
 * Tables D and E are indexed by the levels tables A-C produce, so only the
 * levels actually used need rows; every used combination must be present.
 */
static int load_tables_de(vt_grade_tables *t, const cJSON *root, bool use_e,
                          vt_error *err)
{
    bool expl_used[GRADE_MAX_LEVEL + 1] = {false}, imp_used[GRADE_MAX_LEVEL + 1] = {false};
    bool env_used[GRADE_MAX_LEVEL + 1] = {false};
    const cJSON *td, *te, *row;
    char key[8], ptr[64];
    int i, j, k, l, error;

    for (i = 0; i < 4; i++)
        for (j = 0; j < 2; j++)
            for (k = 0; k < 3; k++)
                for (l = 0; l < 2; l++)
                    expl_used[t->a[i][j][k][l]] = true;
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            for (k = 0; k < 3; k++)
                imp_used[t->b[i][j][k]] = true;
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            for (k = 0; k < 4; k++)
                env_used[t->c[i][j][k]] = true;

    error = need_object(&td, root, "table_d", "", err);
    for (i = 1; !error && i <= GRADE_MAX_LEVEL; i++) {
        if (!expl_used[i])
            continue;
        snprintf(key, sizeof(key), "%d", i);
        error = need_object(&row, td, key, "/table_d", err);
        snprintf(ptr, sizeof(ptr), "/table_d/%d", i);
        for (j = 1; !error && j <= GRADE_MAX_LEVEL; j++) {
            if (!imp_used[j])
                continue;
            snprintf(key, sizeof(key), "%d", j);
            error = need_grade(&t->d[i][j], row, key, ptr, err);
        }
    }
    if (error || !use_e)
        return error;
    error = need_object(&te, root, "table_e", "", err);
    for (i = VT_GRADE_LOW; !error && i <= VT_GRADE_CRITICAL; i++) {
        error = need_object(&row, te, level_en[i], "/table_e", err);
        snprintf(ptr, sizeof(ptr), "/table_e/%s", level_en[i]);
        for (j = 1; !error && j <= GRADE_MAX_LEVEL; j++) {
            if (!env_used[j])
                continue;
            snprintf(key, sizeof(key), "%d", j);
            error = need_grade(&t->e[i][j], row, key, ptr, err);
        }
    }
    return error;
}

int vt_grade_tables_load(vt_grade_tables **out, const char *json, size_t len,
                         vt_error *err)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[crypto_hash_sha256_BYTES];
    vt_grade_tables *t = NULL;
    cJSON *root = NULL;
    const cJSON *id, *format;
    size_t i;
    int error;

    *out = NULL;
    error = vt_json_parse(&root, json, len, err);
    if (error < 0)
        goto out;
    format = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(format) ||
        strcmp(format->valuestring, "vulntrack-gbt30279-tables/1") != 0) {
        error = vt_error_set(err, VT_EINVALID, 0,
                             "/format: expected \"vulntrack-gbt30279-tables/1\"");
        goto out;
    }
    id = cJSON_GetObjectItemCaseSensitive(root, "table_set_id");
    if (!cJSON_IsString(id) || id->valuestring[0] == '\0') {
        error = vt_error_set(err, VT_EINVALID, 0,
                             "/table_set_id: missing or empty string");
        goto out;
    }
    t = vt_calloc(1, sizeof(*t));
    if (!t || !(t->id = vt_strdup(id->valuestring))) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    error = load_table_a(t, root, err);
    if (!error)
        error = load_table_b(t, root, err);
    if (!error)
        error = load_table_c(t, root, err);
    if (!error)
        error = load_tables_de(t, root, true, err);
    if (error)
        goto out;
    crypto_hash_sha256(digest, (const unsigned char *)json, len);
    for (i = 0; i < sizeof(digest); i++) {
        t->sha256[2 * i] = hex[digest[i] >> 4];
        t->sha256[2 * i + 1] = hex[digest[i] & 15];
    }
    t->sha256[2 * sizeof(digest)] = '\0';
    *out = t;
    t = NULL;
out:
    vt_grade_tables_free(t);
    cJSON_Delete(root);
    return error;
}

void vt_grade_tables_free(vt_grade_tables *t)
{
    if (!t)
        return;
    vt_free(t->id);
    vt_free(t);
}

const char *vt_grade_tables_id(const vt_grade_tables *t)
{
    return t->id;
}

const char *vt_grade_tables_sha256(const vt_grade_tables *t)
{
    return t->sha256;
}

/* ---- computing ------------------------------------------------------- */

/* Why grading cannot start: the first technical input left unset, or NULL. */
static const char *first_missing_input(const vt_gbt_inputs *in)
{
    if (in->access_path == VT_AP_UNSET)
        return "missing input: access_path";
    if (in->trigger_req == VT_TR_UNSET)
        return "missing input: trigger_req";
    if (in->priv_req == VT_PRV_UNSET)
        return "missing input: priv_req";
    if (in->interaction == VT_UI_UNSET)
        return "missing input: interaction";
    if (in->c_imp == VT_IMP_UNSET)
        return "missing input: c_imp";
    if (in->i_imp == VT_IMP_UNSET)
        return "missing input: i_imp";
    if (in->a_imp == VT_IMP_UNSET)
        return "missing input: a_imp";
    return NULL;
}

int vt_grade_compute(vt_grade *out, const vt_grade_tables *t,
                     const vt_gbt_inputs *in)
{
    const char *missing = first_missing_input(in);
    int tech;

    memset(out, 0, sizeof(*out));
    if (!t) {
        out->note = "no GB/T 30279 table file is loaded";
        return 0;
    }
    if (missing) {
        out->note = missing;
        return 0;
    }
    out->expl_level = t->a[in->access_path - 1][in->trigger_req - 1]
                          [in->priv_req - 1][in->interaction - 1];
    out->imp_level = t->b[in->c_imp - 1][in->i_imp - 1][in->a_imp - 1];
    tech = t->d[out->expl_level][out->imp_level];
    out->level = (vt_grade_level)tech;
    out->method = VT_GRADE_METHOD_GBT30279_TECH;
    if (in->env_cost && in->env_fix_difficulty && in->env_scope &&
        in->env_cost != VT_LVL_NONE && in->env_fix_difficulty != VT_LVL_NONE) {
        out->env_level = t->c[in->env_cost - 1][in->env_fix_difficulty - 1]
                             [in->env_scope - 1];
        out->level = (vt_grade_level)t->e[tech][out->env_level];
        out->method = VT_GRADE_METHOD_GBT30279_COMP;
    }
    return 0;
}

int vt_grade_to_json(cJSON **out, const vt_grade *g)
{
    cJSON *obj = cJSON_CreateObject();
    const char *method = vt_grade_method_name(g->method);
    int error;

    *out = NULL;
    if (!obj)
        return VT_ENOMEM;
    error = vt_json_add_str(obj, "zh", vt_grade_level_zh(g->level));
    if (!error)
        error = vt_json_add_str(obj, "en", vt_grade_level_en(g->level));
    if (!error)
        error = vt_json_add_str(obj, "method", method);
    if (!error && g->expl_level)
        error = vt_json_add_num(obj, "expl_level", g->expl_level);
    if (!error && g->imp_level)
        error = vt_json_add_num(obj, "imp_level", g->imp_level);
    if (!error && g->env_level)
        error = vt_json_add_num(obj, "env_level", g->env_level);
    if (!error && g->note)
        error = vt_json_add_str(obj, "note", g->note);
    if (error) {
        cJSON_Delete(obj);
        return error;
    }
    *out = obj;
    return 0;
}
