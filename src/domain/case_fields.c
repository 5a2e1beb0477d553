/*
 * case_fields.c - validation of a case's fields (the `doc` object) and
 * the values the library computes from them.
 *
 * The input is copied, each top-level member checked by the rule of its
 * key (an unknown key is refused, so that a misspelt field is not kept
 * silently), and the copy completed: CVSS vectors normalised and scored,
 * the GB/T 30279 grade computed, the upstream purl put in canonical form.
 * Every refusal names the member as a JSON pointer, so the API can answer
 * 422 with {"field": "/doc/products/0/versions/1/fixed"}.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/cases.h"
#include "vulntrack/cvss.h"
#include "vulntrack/grade.h"
#include "vulntrack/json.h"
#include "vulntrack/osv.h"
#include "vulntrack/purl.h"
#include "vulntrack/strparse.h"
#include "vulntrack/version.h"

/* State of one validation. */
struct fields {
    const vt_grade_tables *tables;
    const char *prefix;
    vt_error *err;
    int best_base10;         /* highest CVSS base score in tenths, -1: none */
    const char *best_vector; /* its normalised vector (in the output doc) */
};

/* Refuse the member at pointer `at` (after the prefix). Returns VT_EINVALID. */
static int refuse(struct fields *f, const char *at, const char *fmt, ...) VT_PRINTF(3, 4);
static int refuse(struct fields *f, const char *at, const char *fmt, ...)
{
    char ptr[VT_ERROR_FIELD_MAX], shown[VT_ERROR_FIELD_MAX];
    char msg[VT_ERROR_MSG_MAX];
    va_list ap;
    size_t i;

    if (snprintf(ptr, sizeof(ptr), "%s%s", f->prefix, at) < 0)
        ptr[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* A key may hold control characters: the message stays one line. */
    for (i = 0; ptr[i]; i++)
        shown[i] = (unsigned char)ptr[i] < 0x20 ? '?' : ptr[i];
    shown[i] = '\0';
    for (i = 0; msg[i]; i++)
        if ((unsigned char)msg[i] < 0x20)
            msg[i] = '?';
    return vt_error_set_field(f->err, VT_EINVALID, ptr, "%s: %s", shown, msg);
}

static int nomem(struct fields *f)
{
    return vt_error_set(f->err, VT_ENOMEM, 0, "out of memory");
}

/* Append "/tok" to a pointer, escaping '~' and '/' as RFC 6901 says. */
static void ptr_join(char *out, size_t cap, const char *base, const char *tok)
{
    int w = snprintf(out, cap, "%s/", base);
    size_t n = w < 0 ? 0 : (size_t)w >= cap ? cap - 1 : (size_t)w;

    for (; *tok && n + 3 < cap; tok++) {
        if (*tok == '~' || *tok == '/') {
            out[n++] = '~';
            out[n++] = *tok == '~' ? '0' : '1';
        } else {
            out[n++] = *tok;
        }
    }
    if (n < cap)
        out[n] = '\0';
}

static void ptr_index(char *out, size_t cap, const char *base, size_t i)
{
    /* A pointer cut short still names the member's ancestors; nothing else to do. */
    if (snprintf(out, cap, "%s/%zu", base, i) < 0)
        out[0] = '\0';
}

/* A text member: a string of at most VT_CASE_DOC_MAX_TEXT bytes, non-empty if `required`. */
static int check_text(struct fields *f, const cJSON *item, const char *at, bool nonempty)
{
    size_t n;

    if (!cJSON_IsString(item))
        return refuse(f, at, "must be a string");
    n = strlen(item->valuestring);
    if (n > VT_CASE_DOC_MAX_TEXT)
        return refuse(f, at, "longer than %d bytes", VT_CASE_DOC_MAX_TEXT);
    if (nonempty && n == 0)
        return refuse(f, at, "must not be empty");
    return 0;
}

static int check_array(struct fields *f, const cJSON *item, const char *at)
{
    if (!cJSON_IsArray(item))
        return refuse(f, at, "must be an array");
    if (cJSON_GetArraySize(item) > VT_CASE_DOC_MAX_ITEMS)
        return refuse(f, at, "more than %d entries", VT_CASE_DOC_MAX_ITEMS);
    return 0;
}

/* Refuse members of object `obj` whose key is not in `allowed` (NULL-ended). */
static int check_keys(struct fields *f, const cJSON *obj, const char *at,
                      const char *const *allowed)
{
    const cJSON *m;
    char ptr[VT_ERROR_FIELD_MAX];

    cJSON_ArrayForEach(m, obj)
    {
        size_t i;
        bool known = false;

        for (i = 0; allowed[i] && !known; i++)
            known = strcmp(m->string, allowed[i]) == 0;
        if (!known) {
            ptr_join(ptr, sizeof(ptr), at, m->string);
            return refuse(f, ptr, "unknown member");
        }
        /* Which of two equal keys counts would depend on the reader. */
        if (cJSON_GetObjectItemCaseSensitive(obj, m->string) != m) {
            ptr_join(ptr, sizeof(ptr), at, m->string);
            return refuse(f, ptr, "appears twice");
        }
    }
    return 0;
}

/* Optional text member `key` of `obj`. */
static int opt_text(struct fields *f, const cJSON *obj, const char *at, const char *key,
                    bool nonempty)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    char ptr[VT_ERROR_FIELD_MAX];

    if (!m)
        return 0;
    ptr_join(ptr, sizeof(ptr), at, key);
    return check_text(f, m, ptr, nonempty);
}

/* ---------------------------------------------------------------------
 * Products and versions
 * ------------------------------------------------------------------- */

/*
 * The version scheme named `name`: an OSV ecosystem ("PyPI", "Debian:12")
 * or a scheme's own name ("semver", "pep440", "dpkg").
 */
static const vt_version_scheme *scheme_lookup(const char *name)
{
    const vt_version_scheme *s = NULL;
    const char *eco, *sname;
    size_t i;

    if (vt_version_scheme_for(&s, name, strlen(name), NULL) == 0)
        return s;
    for (i = 0; (eco = vt_version_ecosystem_at(i, &sname)) != NULL; i++)
        if (sname && strcmp(sname, name) == 0 &&
            vt_version_scheme_for(&s, eco, strlen(eco), NULL) == 0)
            return s;
    return NULL;
}

/* A version string: non-empty text, valid under `scheme` when there is one. */
static int check_version(struct fields *f, const cJSON *v, const char *at,
                         const vt_version_scheme *scheme, bool zero_ok)
{
    int error = check_text(f, v, at, true);

    if (error < 0)
        return error;
    if (scheme && !(zero_ok && strcmp(v->valuestring, "0") == 0) &&
        !vt_version_is_valid(scheme, v->valuestring, strlen(v->valuestring)))
        return refuse(f, at, "'%s' is not a %s version", v->valuestring,
                      vt_version_scheme_name(scheme));
    return 0;
}

/* One entry of `versions`: a version, or a range {scheme, introduced, fixed, last_affected}. */
static int check_version_entry(struct fields *f, const cJSON *v, const char *at,
                               const vt_version_scheme *scheme)
{
    static const char *const keys[] = {"scheme", "introduced", "fixed", "last_affected", NULL};
    const cJSON *sch, *intro, *fixed, *last;
    char ptr[VT_ERROR_FIELD_MAX];
    int error;

    if (cJSON_IsString(v))
        return check_version(f, v, at, scheme, false);
    if (!cJSON_IsObject(v))
        return refuse(f, at, "must be a version string or a range object");
    error = check_keys(f, v, at, keys);
    if (error < 0)
        return error;
    sch = cJSON_GetObjectItemCaseSensitive(v, "scheme");
    if (sch) {
        ptr_join(ptr, sizeof(ptr), at, "scheme");
        error = check_text(f, sch, ptr, true);
        if (error < 0)
            return error;
        scheme = scheme_lookup(sch->valuestring);
        if (!scheme)
            return refuse(f, ptr, "unknown version scheme or ecosystem '%s'", sch->valuestring);
    }
    intro = cJSON_GetObjectItemCaseSensitive(v, "introduced");
    fixed = cJSON_GetObjectItemCaseSensitive(v, "fixed");
    last = cJSON_GetObjectItemCaseSensitive(v, "last_affected");
    if (!intro && !fixed && !last)
        return refuse(f, at, "a range needs introduced, fixed or last_affected");
    if (fixed && last) {
        ptr_join(ptr, sizeof(ptr), at, "last_affected");
        return refuse(f, ptr, "a range has fixed or last_affected, not both");
    }
    if (intro) {
        ptr_join(ptr, sizeof(ptr), at, "introduced");
        error = check_version(f, intro, ptr, scheme, true);
    }
    if (!error && fixed) {
        ptr_join(ptr, sizeof(ptr), at, "fixed");
        error = check_version(f, fixed, ptr, scheme, false);
    }
    if (!error && last) {
        ptr_join(ptr, sizeof(ptr), at, "last_affected");
        error = check_version(f, last, ptr, scheme, false);
    }
    /* With a scheme the ends can be compared: a fix before its introduction is a typo. */
    if (!error && scheme && intro && fixed && strcmp(intro->valuestring, "0") != 0) {
        int cmp = 0;

        if (vt_version_compare(&cmp, scheme, intro->valuestring, strlen(intro->valuestring),
                               fixed->valuestring, strlen(fixed->valuestring), NULL) == 0 &&
            cmp >= 0) {
            ptr_join(ptr, sizeof(ptr), at, "fixed");
            return refuse(f, ptr, "'%s' is not after introduced '%s'", fixed->valuestring,
                          intro->valuestring);
        }
    }
    return error;
}

/* The internal VEX statuses and justifications of spec §11. */
static const char *const vex_statuses[] = {
    "UNDER_INVESTIGATION", "AFFECTED", "NOT_AFFECTED", "FIXED", "FALSE_POSITIVE", NULL};
static const char *const vex_justifications[] = {"code_not_present",      "not_in_execute_path",
                                                 "inline_mitigation",     "not_controllable",
                                                 "component_not_present", NULL};

static bool in_list(const char *s, const char *const *list)
{
    size_t i;

    for (i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/*
 * One VEX statement of a product: {version, status, justification?,
 * impact_statement?, action_statement?}. NOT_AFFECTED needs a justification
 * (CSAF and OpenVEX both want one); one status per version.
 */
static int check_vex(struct fields *f, const cJSON *all, const cJSON *e, const char *at,
                     const vt_version_scheme *scheme)
{
    static const char *const keys[] = {"version",          "status",           "justification",
                                       "impact_statement", "action_statement", NULL};
    const cJSON *ver, *st, *just, *o;
    char ptr[VT_ERROR_FIELD_MAX];
    int error;

    if (!cJSON_IsObject(e))
        return refuse(f, at, "must be an object {version, status}");
    error = check_keys(f, e, at, keys);
    if (!error)
        error = opt_text(f, e, at, "impact_statement", true);
    if (!error)
        error = opt_text(f, e, at, "action_statement", true);
    if (error < 0)
        return error;
    ver = cJSON_GetObjectItemCaseSensitive(e, "version");
    ptr_join(ptr, sizeof(ptr), at, "version");
    if (!ver)
        return refuse(f, ptr, "is required");
    error = check_version(f, ver, ptr, scheme, false);
    if (error < 0)
        return error;
    st = cJSON_GetObjectItemCaseSensitive(e, "status");
    ptr_join(ptr, sizeof(ptr), at, "status");
    if (!st || !cJSON_IsString(st) || !in_list(st->valuestring, vex_statuses))
        return refuse(f, ptr,
                      "must be UNDER_INVESTIGATION, AFFECTED, NOT_AFFECTED, FIXED or "
                      "FALSE_POSITIVE");
    just = cJSON_GetObjectItemCaseSensitive(e, "justification");
    ptr_join(ptr, sizeof(ptr), at, "justification");
    if (just && (!cJSON_IsString(just) || !in_list(just->valuestring, vex_justifications)))
        return refuse(f, ptr,
                      "must be code_not_present, not_in_execute_path, inline_mitigation, "
                      "not_controllable or component_not_present");
    if (!just && strcmp(st->valuestring, "NOT_AFFECTED") == 0)
        return refuse(f, ptr, "NOT_AFFECTED needs a justification");
    for (o = all->child; o != e; o = o->next) {
        const cJSON *ov = cJSON_GetObjectItemCaseSensitive(o, "version");

        if (strcmp(ov->valuestring, ver->valuestring) == 0) {
            ptr_join(ptr, sizeof(ptr), at, "version");
            return refuse(f, ptr, "version '%s' already has a VEX status", ver->valuestring);
        }
    }
    return 0;
}

static int check_product(struct fields *f, const cJSON *p, const char *at)
{
    static const char *const keys[] = {"product_id", "vendor",         "name", "model", "ecosystem",
                                       "versions",   "fixed_versions", "vex",  NULL};
    const vt_version_scheme *scheme = NULL;
    const cJSON *m, *v;
    char ptr[VT_ERROR_FIELD_MAX], vptr[VT_ERROR_FIELD_MAX];
    size_t i;
    int error;

    if (!cJSON_IsObject(p))
        return refuse(f, at, "must be an object");
    error = check_keys(f, p, at, keys);
    if (error < 0)
        return error;
    m = cJSON_GetObjectItemCaseSensitive(p, "product_id");
    if (m && (!cJSON_IsNumber(m) || m->valuedouble < 1 || m->valuedouble > 9007199254740991.0 ||
              (double)(int64_t)m->valuedouble != m->valuedouble)) {
        ptr_join(ptr, sizeof(ptr), at, "product_id");
        return refuse(f, ptr, "must be a positive integer");
    }
    m = cJSON_GetObjectItemCaseSensitive(p, "name");
    ptr_join(ptr, sizeof(ptr), at, "name");
    if (!m)
        return refuse(f, ptr, "is required");
    error = check_text(f, m, ptr, true);
    if (!error)
        error = opt_text(f, p, at, "model", false);
    if (!error)
        error = opt_text(f, p, at, "vendor", false);
    if (error < 0)
        return error;
    m = cJSON_GetObjectItemCaseSensitive(p, "ecosystem");
    if (m) {
        ptr_join(ptr, sizeof(ptr), at, "ecosystem");
        error = check_text(f, m, ptr, true);
        if (error < 0)
            return error;
        scheme = scheme_lookup(m->valuestring);
        if (!scheme)
            return refuse(f, ptr, "unknown version scheme or ecosystem '%s'", m->valuestring);
    }
    m = cJSON_GetObjectItemCaseSensitive(p, "versions");
    if (m) {
        ptr_join(ptr, sizeof(ptr), at, "versions");
        error = check_array(f, m, ptr);
        i = 0;
        cJSON_ArrayForEach(v, m)
        {
            if (error < 0)
                break;
            ptr_index(vptr, sizeof(vptr), ptr, i++);
            error = check_version_entry(f, v, vptr, scheme);
        }
        if (error < 0)
            return error;
    }
    m = cJSON_GetObjectItemCaseSensitive(p, "fixed_versions");
    if (m) {
        ptr_join(ptr, sizeof(ptr), at, "fixed_versions");
        error = check_array(f, m, ptr);
        i = 0;
        cJSON_ArrayForEach(v, m)
        {
            if (error < 0)
                break;
            ptr_index(vptr, sizeof(vptr), ptr, i++);
            error = check_version(f, v, vptr, scheme, false);
        }
        if (error < 0)
            return error;
    }
    m = cJSON_GetObjectItemCaseSensitive(p, "vex");
    if (m) {
        ptr_join(ptr, sizeof(ptr), at, "vex");
        error = check_array(f, m, ptr);
        i = 0;
        cJSON_ArrayForEach(v, m)
        {
            if (error < 0)
                break;
            ptr_index(vptr, sizeof(vptr), ptr, i++);
            error = check_vex(f, m, v, vptr, scheme);
        }
    }
    return error;
}

static int rule_products(struct fields *f, cJSON *item, const char *at)
{
    const cJSON *p;
    char ptr[VT_ERROR_FIELD_MAX];
    size_t i = 0;
    int error = check_array(f, item, at);

    cJSON_ArrayForEach(p, item)
    {
        if (error < 0)
            break;
        ptr_index(ptr, sizeof(ptr), at, i++);
        error = check_product(f, p, ptr);
    }
    return error;
}

/* ---------------------------------------------------------------------
 * Classification: product type, CWE
 * ------------------------------------------------------------------- */

static int rule_product_type(struct fields *f, cJSON *item, const char *at)
{
    static const char *const types[] = {"hardware", "software", "network_service", "system"};
    size_t i;

    if (cJSON_IsString(item))
        for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (strcmp(item->valuestring, types[i]) == 0)
                return 0;
    return refuse(f, at, "must be one of hardware, software, network_service, system");
}

/* "CWE-" and 1 to 7 digits without a leading zero. */
static bool cwe_valid(const char *s)
{
    size_t n;

    if (strncmp(s, "CWE-", 4) != 0)
        return false;
    s += 4;
    n = strlen(s);
    if (n < 1 || n > 7 || s[0] == '0')
        return false;
    for (; *s; s++)
        if (!vt_is_digit((unsigned char)*s))
            return false;
    return true;
}

static int rule_cwe(struct fields *f, cJSON *item, const char *at)
{
    const cJSON *c;
    char ptr[VT_ERROR_FIELD_MAX];
    size_t i = 0;
    int error = check_array(f, item, at);

    cJSON_ArrayForEach(c, item)
    {
        if (error < 0)
            break;
        ptr_index(ptr, sizeof(ptr), at, i++);
        if (!cJSON_IsString(c) || !cwe_valid(c->valuestring))
            error = refuse(f, ptr, "must be a CWE id such as \"CWE-79\"");
    }
    return error;
}

/* ---------------------------------------------------------------------
 * CVSS: each vector parsed, normalised and scored
 * ------------------------------------------------------------------- */

/* Replace member `key` of `obj` with `item` (taken). */
static int put(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return VT_ENOMEM;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    return vt_json_add_take(obj, key, item);
}

/* A score in tenths as a JSON number with one decimal (98 -> 9.8). */
static cJSON *score_number(int score10)
{
    return cJSON_CreateNumber((double)score10 / 10.0);
}

static int check_cvss_entry(struct fields *f, cJSON *e, const char *at)
{
    static const char *const keys[] = {"vector",     "version",      "score",  "severity",
                                       "base_score", "nomenclature", "source", NULL};
    const cJSON *vec;
    vt_buf norm = VT_BUF_INIT;
    vt_error perr = VT_ERROR_INIT;
    vt_cvss *c = NULL;
    char ptr[VT_ERROR_FIELD_MAX];
    int error, version, base10, score10;

    if (!cJSON_IsObject(e))
        return refuse(f, at, "must be an object with a vector");
    error = check_keys(f, e, at, keys);
    if (!error)
        error = opt_text(f, e, at, "source", false);
    if (error < 0)
        return error;
    vec = cJSON_GetObjectItemCaseSensitive(e, "vector");
    ptr_join(ptr, sizeof(ptr), at, "vector");
    if (!vec)
        return refuse(f, ptr, "is required");
    if (!cJSON_IsString(vec))
        return refuse(f, ptr, "must be a string");
    error = vt_cvss_parse(&c, vec->valuestring, strlen(vec->valuestring), &perr);
    if (error == VT_ENOMEM)
        return nomem(f);
    if (error < 0)
        return refuse(f, ptr, "%s", perr.msg);
    version = vt_cvss_version(c);
    base10 = vt_cvss_score10(c, VT_CVSS_SCORE_BASE);
    /* v4 names which score it is (CVSS-B, -BT, -BE, -BTE); that score is the one shown. */
    score10 = version == 40 ? vt_cvss_score10(c, VT_CVSS_SCORE_OVERALL) : base10;
    error = vt_cvss_vector(&norm, c);
    if (!error)
        error = put(e, "vector", cJSON_CreateString(norm.ptr));
    if (!error)
        error = put(e, "version", cJSON_CreateString(vt_cvss_version_name(c)));
    if (!error)
        error = put(e, "score", score_number(score10));
    if (!error)
        error = put(e, "severity", cJSON_CreateString(vt_cvss_severity(version, score10)));
    if (!error)
        error = put(e, "base_score", score_number(base10));
    if (!error && version == 40)
        error = put(e, "nomenclature", cJSON_CreateString(vt_cvss_nomenclature(c)));
    else if (!error)
        cJSON_DeleteItemFromObjectCaseSensitive(e, "nomenclature");
    if (!error && base10 > f->best_base10) {
        f->best_base10 = base10;
        f->best_vector = cJSON_GetObjectItemCaseSensitive(e, "vector")->valuestring;
    }
    vt_cvss_free(c);
    vt_buf_dispose(&norm);
    return error == VT_ENOMEM ? nomem(f) : error;
}

static int rule_cvss(struct fields *f, cJSON *item, const char *at)
{
    cJSON *e;
    char ptr[VT_ERROR_FIELD_MAX];
    size_t i = 0;
    int error = check_array(f, item, at);

    cJSON_ArrayForEach(e, item)
    {
        if (error < 0)
            break;
        ptr_index(ptr, sizeof(ptr), at, i++);
        error = check_cvss_entry(f, e, ptr);
    }
    return error;
}

/* ---------------------------------------------------------------------
 * GB/T 30279 grade (computed after the CVSS entries, see normalize)
 * ------------------------------------------------------------------- */

static const char *const gbt_fields[] = {
    "access_path", "trigger_req", "priv_req",           "interaction", "c_imp", "i_imp",
    "a_imp",       "env_cost",    "env_fix_difficulty", "env_scope",   NULL};

static int rule_gbt(struct fields *f, cJSON *item, const char *at)
{
    static const char *const keys[] = {
        "indicators",   "grade",        "grade_zh",  "method", "justification",
        "expl_level",   "imp_level",    "env_level", "note",   "table_id",
        "table_sha256", "derived_from", "gbt_note",  NULL};
    const cJSON *ind, *m;
    char ptr[VT_ERROR_FIELD_MAX];
    int error;

    if (!cJSON_IsObject(item))
        return refuse(f, at, "must be an object");
    error = check_keys(f, item, at, keys);
    if (error < 0)
        return error;
    ind = cJSON_GetObjectItemCaseSensitive(item, "indicators");
    if (ind) {
        ptr_join(ptr, sizeof(ptr), at, "indicators");
        if (!cJSON_IsObject(ind))
            return refuse(f, ptr, "must be an object");
        error = check_keys(f, ind, ptr, gbt_fields);
        if (error < 0)
            return error;
    }
    m = cJSON_GetObjectItemCaseSensitive(item, "method");
    if (m && cJSON_IsString(m) && strcmp(m->valuestring, "MANUAL") == 0) {
        const cJSON *j = cJSON_GetObjectItemCaseSensitive(item, "justification");

        ptr_join(ptr, sizeof(ptr), at, "justification");
        if (!j)
            return refuse(f, ptr, "a MANUAL grade needs a justification");
        return check_text(f, j, ptr, true);
    }
    return 0;
}

/* Grade level from a name ("high", "高危"); UNAVAILABLE when it is none of the four. */
static vt_grade_level grade_parse(const char *s)
{
    vt_grade_level l;

    for (l = VT_GRADE_LOW; l <= VT_GRADE_CRITICAL; l++)
        if (strcmp(s, vt_grade_level_en(l)) == 0 || strcmp(s, vt_grade_level_zh(l)) == 0)
            return l;
    return VT_GRADE_UNAVAILABLE;
}

/* Read the indicators (strings, or {"code": ...} as stored) into `in`. */
static int gbt_read_inputs(struct fields *f, const cJSON *ind, const char *at, vt_gbt_inputs *in,
                           bool *any)
{
    const cJSON *m;
    char ptr[VT_ERROR_FIELD_MAX];

    *any = false;
    cJSON_ArrayForEach(m, ind)
    {
        const cJSON *v = m;
        vt_error ierr = VT_ERROR_INIT;

        ptr_join(ptr, sizeof(ptr), at, m->string);
        if (cJSON_IsObject(m))
            v = cJSON_GetObjectItemCaseSensitive(m, "code");
        if (!cJSON_IsString(v))
            return refuse(f, ptr, "must be an indicator code or label");
        if (vt_grade_input_set(in, m->string, v->valuestring, &ierr) < 0)
            return refuse(f, ptr, "%s", ierr.msg);
        *any = true;
    }
    return 0;
}

/*
 * Compute the grade into `gbt` (the output doc's member, created when
 * missing): the GB/T method when tables and complete indicators allow it,
 * else the CVSS_DERIVED fallback from the highest CVSS base score, else
 * "unavailable". A MANUAL grade given by a person is kept as given.
 */
static int gbt_compute(struct fields *f, cJSON *doc)
{
    cJSON *gbt = cJSON_GetObjectItemCaseSensitive(doc, "gbt");
    const cJSON *ind = gbt ? cJSON_GetObjectItemCaseSensitive(gbt, "indicators") : NULL;
    const cJSON *m;
    vt_gbt_inputs in = VT_GBT_INPUTS_INIT;
    vt_grade g, tech;
    cJSON *item = NULL;
    char at[VT_ERROR_FIELD_MAX];
    bool any = false, manual = false;
    int error = 0;

    if (!gbt && f->best_base10 < 0)
        return 0;
    if (!gbt) {
        gbt = cJSON_CreateObject();
        if (vt_json_add_take(doc, "gbt", gbt) < 0)
            return nomem(f);
    }
    if (ind) {
        error = gbt_read_inputs(f, ind, "/gbt/indicators", &in, &any);
        if (error < 0)
            return error;
        error = vt_grade_inputs_to_json(&item, &in);
        if (!error)
            error = put(gbt, "indicators", item);
        if (error < 0)
            return nomem(f);
    }
    m = cJSON_GetObjectItemCaseSensitive(gbt, "method");
    manual = m && cJSON_IsString(m) && strcmp(m->valuestring, "MANUAL") == 0;
    memset(&g, 0, sizeof(g));
    memset(&tech, 0, sizeof(tech));
    if (manual) {
        m = cJSON_GetObjectItemCaseSensitive(gbt, "grade");
        snprintf(at, sizeof(at), "/gbt/grade");
        if (!m || !cJSON_IsString(m) || grade_parse(m->valuestring) == VT_GRADE_UNAVAILABLE)
            return refuse(f, at, "a MANUAL grade must be critical, high, medium or low");
        g.level = grade_parse(m->valuestring);
        g.method = VT_GRADE_METHOD_MANUAL;
    } else {
        vt_grade_compute(&tech, f->tables, &in);
        g = tech;
        if (g.level == VT_GRADE_UNAVAILABLE && f->best_base10 >= 0)
            vt_grade_from_cvss_score(&g, (double)f->best_base10 / 10.0);
    }
    /* Computed members are rewritten from scratch: stale ones must not survive. */
    cJSON_DeleteItemFromObjectCaseSensitive(gbt, "expl_level");
    cJSON_DeleteItemFromObjectCaseSensitive(gbt, "imp_level");
    cJSON_DeleteItemFromObjectCaseSensitive(gbt, "env_level");
    cJSON_DeleteItemFromObjectCaseSensitive(gbt, "note");
    cJSON_DeleteItemFromObjectCaseSensitive(gbt, "table_id");
    cJSON_DeleteItemFromObjectCaseSensitive(gbt, "table_sha256");
    cJSON_DeleteItemFromObjectCaseSensitive(gbt, "derived_from");
    cJSON_DeleteItemFromObjectCaseSensitive(gbt, "gbt_note");
    if (!manual)
        cJSON_DeleteItemFromObjectCaseSensitive(gbt, "justification");
    error = put(gbt, "grade", cJSON_CreateString(vt_grade_level_en(g.level)));
    if (!error)
        error = put(gbt, "grade_zh", cJSON_CreateString(vt_grade_level_zh(g.level)));
    if (!error)
        error =
            put(gbt, "method",
                g.method ? cJSON_CreateString(vt_grade_method_name(g.method)) : cJSON_CreateNull());
    if (!error && g.expl_level)
        error = vt_json_add_num(gbt, "expl_level", g.expl_level);
    if (!error && g.imp_level)
        error = vt_json_add_num(gbt, "imp_level", g.imp_level);
    if (!error && g.env_level)
        error = vt_json_add_num(gbt, "env_level", g.env_level);
    if (!error && g.note)
        error = vt_json_add_str(gbt, "note", g.note);
    if (!error &&
        (g.method == VT_GRADE_METHOD_GBT30279_TECH || g.method == VT_GRADE_METHOD_GBT30279_COMP) &&
        f->tables) {
        error = vt_json_add_str(gbt, "table_id", vt_grade_tables_id(f->tables));
        if (!error)
            error = vt_json_add_str(gbt, "table_sha256", vt_grade_tables_sha256(f->tables));
    }
    if (!error && g.method == VT_GRADE_METHOD_CVSS_DERIVED) {
        cJSON *from = cJSON_CreateObject();

        error = vt_json_add_take(gbt, "derived_from", from);
        if (!error)
            error = vt_json_add_str(from, "vector", f->best_vector);
        if (!error)
            error = vt_json_add_num(from, "base_score", (double)f->best_base10 / 10.0);
        /* Why the GB/T method itself gave nothing, so a reader sees what is missing. */
        if (!error && tech.note)
            error = vt_json_add_str(gbt, "gbt_note", tech.note);
    }
    (void)any;
    return error < 0 ? nomem(f) : 0;
}

/* ---------------------------------------------------------------------
 * Upstream, identifiers, remediations, embargo, flags, texts
 * ------------------------------------------------------------------- */

/* Components (SBOM references): {purl, product_id?, product_version?}, purl canonical. */
static int check_purl_member(struct fields *f, cJSON *obj, const char *at, bool required)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, "purl");
    vt_error perr = VT_ERROR_INIT;
    vt_buf canon = VT_BUF_INIT;
    vt_purl *purl = NULL;
    char ptr[VT_ERROR_FIELD_MAX];
    int error;

    ptr_join(ptr, sizeof(ptr), at, "purl");
    if (!p)
        return required ? refuse(f, ptr, "is required") : 0;
    error = check_text(f, p, ptr, true);
    if (error < 0)
        return error;
    error = vt_purl_parse(&purl, p->valuestring, strlen(p->valuestring), &perr);
    if (error == VT_ENOMEM)
        return nomem(f);
    if (error < 0)
        return refuse(f, ptr, "%s", perr.msg);
    error = vt_purl_canonical(&canon, purl);
    if (!error)
        error = put(obj, "purl", cJSON_CreateString(canon.ptr));
    vt_purl_free(purl);
    vt_buf_dispose(&canon);
    return error < 0 ? nomem(f) : 0;
}

static int rule_components(struct fields *f, cJSON *item, const char *at)
{
    static const char *const keys[] = {"purl", "product_id", "product_version", NULL};
    cJSON *e;
    const cJSON *m;
    char ptr[VT_ERROR_FIELD_MAX], mptr[VT_ERROR_FIELD_MAX];
    size_t i = 0;
    int error = check_array(f, item, at);

    cJSON_ArrayForEach(e, item)
    {
        if (error < 0)
            break;
        ptr_index(ptr, sizeof(ptr), at, i++);
        if (!cJSON_IsObject(e))
            return refuse(f, ptr, "must be an object {purl, product_id, product_version}");
        error = check_keys(f, e, ptr, keys);
        if (!error)
            error = opt_text(f, e, ptr, "product_version", true);
        if (error < 0)
            return error;
        m = cJSON_GetObjectItemCaseSensitive(e, "product_id");
        if (m && (!cJSON_IsNumber(m) || m->valuedouble < 1 || m->valuedouble > 9007199254740991.0 ||
                  (double)(int64_t)m->valuedouble != m->valuedouble)) {
            ptr_join(mptr, sizeof(mptr), ptr, "product_id");
            return refuse(f, mptr, "must be a positive integer");
        }
        error = check_purl_member(f, e, ptr, true);
    }
    return error;
}

static int rule_upstream(struct fields *f, cJSON *item, const char *at)
{
    static const char *const keys[] = {"purl", "provider", "contact", "known_at_awareness", NULL};
    const cJSON *known;
    char ptr[VT_ERROR_FIELD_MAX];
    int error;

    if (!cJSON_IsObject(item))
        return refuse(f, at, "must be an object");
    error = check_keys(f, item, at, keys);
    /* True when the upstream provider was known when the case began (a scan
     * finding names it): the upstream notice then runs from E_AWARE. */
    known = cJSON_GetObjectItemCaseSensitive(item, "known_at_awareness");
    if (!error && known && !cJSON_IsBool(known)) {
        ptr_join(ptr, sizeof(ptr), at, "known_at_awareness");
        return refuse(f, ptr, "must be true or false");
    }
    if (!error)
        error = opt_text(f, item, at, "provider", false);
    if (!error)
        error = opt_text(f, item, at, "contact", false);
    if (!error)
        error = check_purl_member(f, item, at, false);
    return error;
}

static const char *const identifier_schemes[] = {"CVE",  "CNVD", "CNNVD",  "CNCVD",    "NVDB",
                                                 "GHSA", "EUVD", "VENDOR", "INTERNAL", NULL};

bool vt_case_identifier_scheme_valid(const char *scheme)
{
    size_t i;

    for (i = 0; identifier_schemes[i]; i++)
        if (strcmp(scheme, identifier_schemes[i]) == 0)
            return true;
    return false;
}

/* The scheme of an advisory id by its prefix, or NULL for one a case
 * identifier has no scheme for. */
static const char *advisory_id_scheme(const char *id)
{
    static const char *const schemes[] = {"CVE", "GHSA", "CNVD", "CNNVD", "CNCVD", "EUVD"};
    size_t i, n;

    for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        n = strlen(schemes[i]);
        if (strncmp(id, schemes[i], n) == 0 && id[n] == '-')
            return schemes[i];
    }
    return NULL;
}

int vt_case_identifier_add(cJSON *ids, const char *id)
{
    const char *scheme = id ? advisory_id_scheme(id) : NULL;
    cJSON *item, *e;

    if (!scheme)
        return 0;
    cJSON_ArrayForEach(e, ids)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "id");

        if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
            return 0;
    }
    item = cJSON_CreateObject();
    if (!item || vt_json_add_str(item, "scheme", scheme) < 0 ||
        vt_json_add_str(item, "id", id) < 0) {
        cJSON_Delete(item);
        return VT_ENOMEM;
    }
    return vt_json_add_take(ids, NULL, item);
}

static int rule_identifiers(struct fields *f, cJSON *item, const char *at)
{
    static const char *const keys[] = {"scheme", "id", NULL};
    const cJSON *e, *o;
    char ptr[VT_ERROR_FIELD_MAX], mptr[VT_ERROR_FIELD_MAX];
    size_t i = 0;
    int error = check_array(f, item, at);

    cJSON_ArrayForEach(e, item)
    {
        const cJSON *s, *id;

        if (error < 0)
            break;
        ptr_index(ptr, sizeof(ptr), at, i++);
        if (!cJSON_IsObject(e))
            return refuse(f, ptr, "must be an object {scheme, id}");
        error = check_keys(f, e, ptr, keys);
        if (error < 0)
            return error;
        s = cJSON_GetObjectItemCaseSensitive(e, "scheme");
        ptr_join(mptr, sizeof(mptr), ptr, "scheme");
        if (!s || !cJSON_IsString(s) || !vt_case_identifier_scheme_valid(s->valuestring))
            return refuse(f, mptr,
                          "must be one of CVE, CNVD, CNNVD, CNCVD, NVDB, GHSA, EUVD, VENDOR, "
                          "INTERNAL");
        id = cJSON_GetObjectItemCaseSensitive(e, "id");
        ptr_join(mptr, sizeof(mptr), ptr, "id");
        if (!id)
            return refuse(f, mptr, "is required");
        error = check_text(f, id, mptr, true);
        /* The same identifier twice is a copy-and-paste slip, not two identifiers. */
        for (o = item->child; !error && o != e; o = o->next) {
            const cJSON *os = cJSON_GetObjectItemCaseSensitive(o, "scheme");
            const cJSON *oid = cJSON_GetObjectItemCaseSensitive(o, "id");

            if (strcmp(os->valuestring, s->valuestring) == 0 &&
                strcmp(oid->valuestring, id->valuestring) == 0)
                error = refuse(f, ptr, "%s %s is listed twice", s->valuestring, id->valuestring);
        }
    }
    return error;
}

static int rule_remediations(struct fields *f, cJSON *item, const char *at)
{
    static const char *const keys[] = {"kind", "version", "instructions", "product", NULL};
    const cJSON *e;
    char ptr[VT_ERROR_FIELD_MAX], mptr[VT_ERROR_FIELD_MAX];
    size_t i = 0;
    int error = check_array(f, item, at);

    cJSON_ArrayForEach(e, item)
    {
        const cJSON *kind, *m;
        bool patch;

        if (error < 0)
            break;
        ptr_index(ptr, sizeof(ptr), at, i++);
        if (!cJSON_IsObject(e))
            return refuse(f, ptr, "must be an object {kind, version, instructions}");
        error = check_keys(f, e, ptr, keys);
        if (!error)
            error = opt_text(f, e, ptr, "product", false);
        if (error < 0)
            return error;
        kind = cJSON_GetObjectItemCaseSensitive(e, "kind");
        ptr_join(mptr, sizeof(mptr), ptr, "kind");
        if (!kind || !cJSON_IsString(kind) ||
            (strcmp(kind->valuestring, "patch") != 0 &&
             strcmp(kind->valuestring, "mitigation") != 0))
            return refuse(f, mptr, "must be patch or mitigation");
        patch = strcmp(kind->valuestring, "patch") == 0;
        /* A patch is named by its version; a mitigation by what to do. */
        m = cJSON_GetObjectItemCaseSensitive(e, "version");
        ptr_join(mptr, sizeof(mptr), ptr, "version");
        if (m || patch)
            error = m ? check_text(f, m, mptr, true) : refuse(f, mptr, "a patch needs a version");
        if (error < 0)
            return error;
        m = cJSON_GetObjectItemCaseSensitive(e, "instructions");
        ptr_join(mptr, sizeof(mptr), ptr, "instructions");
        if (m || !patch)
            error = m ? check_text(f, m, mptr, true)
                      : refuse(f, mptr, "a mitigation needs instructions");
    }
    return error;
}

static int rule_time(struct fields *f, cJSON *item, const char *at)
{
    int64_t ms;

    if (!cJSON_IsString(item) ||
        vt_time_parse_rfc3339(&ms, item->valuestring, strlen(item->valuestring)) != 0)
        return refuse(f, at, "must be an RFC 3339 time such as 2026-12-01T00:00:00Z");
    return 0;
}

static int rule_bool(struct fields *f, cJSON *item, const char *at)
{
    return cJSON_IsBool(item) ? 0 : refuse(f, at, "must be true or false");
}

/*
 * Where a case opened from a scan finding came from: the products module
 * writes it beside the validated fields (products.c) and it is kept as
 * written, so that editing such a case does not lose it.
 */
static int rule_source_finding(struct fields *f, cJSON *item, const char *at)
{
    return cJSON_IsObject(item) ? 0 : refuse(f, at, "must be an object");
}

/*
 * The SSVC inputs of the BOD 26-04 decision table (spec §10.3), each
 * optional: an unknown input shows both outcomes.
 */
static int rule_ssvc(struct fields *f, cJSON *item, const char *at)
{
    static const char *const keys[] = {"exposed", "automatable", "technical_impact", NULL};
    static const struct {
        const char *key, *a, *b;
    } values[] = {{"exposed", "yes", "no"},
                  {"automatable", "yes", "no"},
                  {"technical_impact", "total", "partial"}};
    char ptr[VT_ERROR_FIELD_MAX];
    size_t i;
    int error;

    if (!cJSON_IsObject(item))
        return refuse(f, at, "must be an object {exposed, automatable, technical_impact}");
    error = check_keys(f, item, at, keys);
    for (i = 0; !error && i < sizeof(values) / sizeof(values[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, values[i].key);

        if (v && !(cJSON_IsString(v) && (strcmp(v->valuestring, values[i].a) == 0 ||
                                         strcmp(v->valuestring, values[i].b) == 0))) {
            ptr_join(ptr, sizeof(ptr), at, values[i].key);
            return refuse(f, ptr, "must be \"%s\" or \"%s\"", values[i].a, values[i].b);
        }
    }
    return error;
}

static int rule_text(struct fields *f, cJSON *item, const char *at)
{
    return check_text(f, item, at, false);
}

/* ---------------------------------------------------------------------
 * The table of top-level members
 * ------------------------------------------------------------------- */

struct rule {
    const char *key;
    int (*check)(struct fields *f, cJSON *item, const char *at);
};

static int rule_operator_confidential(struct fields *f, cJSON *item, const char *at);

static const struct rule rules[] = {
    {"products", rule_products},
    {"product_type", rule_product_type},
    {"cwe", rule_cwe},
    {"cvss", rule_cvss},
    {"gbt", rule_gbt},
    {"category_code", rule_text},
    {"description", rule_text},
    {"tech_characteristics", rule_text},
    {"harm", rule_text},
    {"impact_scope", rule_text},
    {"upstream", rule_upstream},
    {"components", rule_components},
    {"credit", rule_text},
    {"embargo_until", rule_time},
    {"users_must_act", rule_bool},
    {"eu_market", rule_bool},
    {"verification_note", rule_text},
    {"remediations", rule_remediations},
    {"identifiers", rule_identifiers},
    {"source_finding", rule_source_finding},
    {"ssvc", rule_ssvc},
    {"next_upgrade", rule_time},
    {"operator_confidential", rule_operator_confidential},
};

/*
 * The doc keys whose values belong to a network operator and must never
 * leave the organisation (Art. 9(2)): the disclosure gate refuses a
 * document that contains any of their text (docs/disclosure.md, P2).
 * Each entry names another top-level field once.
 */
static int rule_operator_confidential(struct fields *f, cJSON *item, const char *at)
{
    static const char *const self = "operator_confidential";
    const cJSON *e, *o;
    char ptr[VT_ERROR_FIELD_MAX];
    size_t i = 0, j;
    int error = check_array(f, item, at);

    cJSON_ArrayForEach(e, item)
    {
        bool known = false;

        if (error < 0)
            break;
        ptr_index(ptr, sizeof(ptr), at, i++);
        if (!cJSON_IsString(e) || !e->valuestring[0])
            return refuse(f, ptr, "must be the name of a field");
        for (j = 0; j < sizeof(rules) / sizeof(rules[0]) && !known; j++)
            known = strcmp(e->valuestring, rules[j].key) == 0;
        if (!known || strcmp(e->valuestring, self) == 0)
            return refuse(f, ptr, "not a field that can be marked operator-confidential");
        cJSON_ArrayForEach(o, item)
        {
            if (o == e)
                break;
            if (cJSON_IsString(o) && strcmp(o->valuestring, e->valuestring) == 0)
                return refuse(f, ptr, "appears twice");
        }
    }
    return error;
}

int vt_case_doc_normalize(cJSON **out, const cJSON *in, const vt_grade_tables *tables,
                          const char *pointer_prefix, vt_error *err)
{
    struct fields f;
    cJSON *doc = NULL, *m;
    char ptr[VT_ERROR_FIELD_MAX];
    int error = 0;

    *out = NULL;
    f.tables = tables;
    f.prefix = pointer_prefix ? pointer_prefix : "";
    f.err = err;
    f.best_base10 = -1;
    f.best_vector = NULL;
    if (in && !cJSON_IsObject(in))
        return refuse(&f, "", "must be an object");
    doc = in ? cJSON_Duplicate(in, 1) : cJSON_CreateObject();
    if (!doc)
        return nomem(&f);
    cJSON_ArrayForEach(m, doc)
    {
        size_t i;
        const struct rule *r = NULL;

        for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
            if (strcmp(m->string, rules[i].key) == 0)
                r = &rules[i];
        ptr_join(ptr, sizeof(ptr), "", m->string);
        /* Duplicate keys would make "which value counts" depend on the reader. */
        if (r && cJSON_GetObjectItemCaseSensitive(doc, m->string) != m)
            error = refuse(&f, ptr, "appears twice");
        else if (!r)
            error = refuse(&f, ptr, "unknown field");
        else
            error = r->check(&f, m, ptr);
        if (error < 0)
            goto out;
    }
    error = gbt_compute(&f, doc);
out:
    if (error < 0) {
        cJSON_Delete(doc);
        return error;
    }
    *out = doc;
    return 0;
}
