/*
 * authority_report.c - the report to the authority of RMSV 2021 Art. 7(2)
 * (spec §4) assembled from a case, and its completeness check.
 *
 * Pure: JSON in (the case as vt_case_to_json shows it, its organisation,
 * inventory rows), JSON out. The law lists the minimum contents and ends in
 * 等, and the platform's own form is not public (spec A3), so the report is
 * a neutral object: the §4 required fields under "required", the POLICY
 * recommended ones under "recommended". The check names each missing field
 * in Chinese and English so that the person filling the platform's form
 * knows what to add to the case first.
 */
#include <stdio.h>
#include <string.h>

#include "vulntrack/authority.h"
#include "vulntrack/json.h"

/* Builder state: the first failure sticks and later calls do nothing. */
struct rb {
    int error;
};

static void put(struct rb *b, cJSON *obj, const char *key, cJSON *item)
{
    if (b->error) {
        cJSON_Delete(item);
        return;
    }
    b->error = vt_json_add_take(obj, key, item);
}

static cJSON *dup_or_null(const cJSON *v)
{
    return v ? cJSON_Duplicate(v, true) : cJSON_CreateNull();
}

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* The string member `key` of `o`, or NULL when absent or not a string. */
static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* True when `s` has a character other than blanks (space, tab, newline). */
static bool filled(const char *s)
{
    if (!s)
        return false;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return true;
    return false;
}

static cJSON *text_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* ---------------------------------------------------------------------
 * Products, models and versions
 * ------------------------------------------------------------------- */

/* The inventory row (in->products) a doc product names by product_id, or NULL. */
static const cJSON *inventory_row(const cJSON *p, const cJSON *inventory)
{
    const cJSON *row;
    const cJSON *id = get(p, "product_id");

    if (!cJSON_IsNumber(id) || !cJSON_IsArray(inventory))
        return NULL;
    cJSON_ArrayForEach(row, inventory)
    {
        const cJSON *rid = get(row, "id");

        if (cJSON_IsNumber(rid) && rid->valuedouble == id->valuedouble)
            return row;
    }
    return NULL;
}

/* Member `key` of the doc product, else of its inventory row when that is not empty. */
static const char *product_text(const cJSON *p, const cJSON *row, const char *key)
{
    const char *v = str(p, key);

    if (v)
        return v;
    v = str(row, key);
    return v && v[0] ? v : NULL;
}

/*
 * Split a model into the model and, for 不适用, its justification: the
 * text after 不适用 and an optional separator (：, :, （...）, -, blanks), or
 * the product's `model_justification` member when the case has one.
 */
static void model_split(const cJSON *p, const cJSON *row, const char **model,
                        const char **justification, char *jbuf, size_t jcap)
{
    const char *m = product_text(p, row, "model");
    size_t na = strlen(VT_AUTHORITY_NOT_APPLICABLE);

    *model = m;
    *justification = product_text(p, row, "model_justification");
    if (!m || strncmp(m, VT_AUTHORITY_NOT_APPLICABLE, na) != 0)
        return;
    *model = VT_AUTHORITY_NOT_APPLICABLE;
    if (*justification)
        return;
    m += na;
    for (;;) {
        if (*m == ' ' || *m == '\t' || *m == ':' || *m == '-' || *m == '(' || *m == ')')
            m++;
        else if (strncmp(m, "：", 3) == 0 || strncmp(m, "（", 3) == 0 || strncmp(m, "）", 3) == 0 ||
                 strncmp(m, "，", 3) == 0)
            m += 3;
        else
            break;
    }
    if (!filled(m))
        return;
    snprintf(jbuf, jcap, "%s", m);
    /* A closing bracket that ends the justification is not part of it. */
    {
        size_t n = strlen(jbuf);

        if (n >= 3 && strcmp(jbuf + n - 3, "）") == 0)
            jbuf[n - 3] = '\0';
        else if (n >= 1 && jbuf[n - 1] == ')')
            jbuf[n - 1] = '\0';
    }
    *justification = jbuf;
}

/*
 * One affected-version entry of the report: an exact version is
 * {"version"}, a range {"scheme", "introduced"?, "fixed"?,
 * "last_affected"?} with the range's scheme, else the product's ecosystem
 * (null when neither: the check lists it).
 */
static cJSON *version_entry(const cJSON *v, const char *ecosystem)
{
    cJSON *o = cJSON_CreateObject();
    static const char *const ends[] = {"introduced", "fixed", "last_affected"};
    size_t i;
    int error = o ? 0 : VT_ENOMEM;

    if (cJSON_IsString(v)) {
        if (!error)
            error = vt_json_add_str(o, "version", v->valuestring);
    } else {
        const char *scheme = str(v, "scheme");

        if (!error)
            error = vt_json_add_str(o, "scheme", scheme ? scheme : ecosystem);
        for (i = 0; !error && i < sizeof(ends) / sizeof(ends[0]); i++)
            if (str(v, ends[i]))
                error = vt_json_add_str(o, ends[i], str(v, ends[i]));
    }
    if (error) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *product_entry(struct rb *b, const cJSON *p, const cJSON *inventory)
{
    cJSON *o = cJSON_CreateObject(), *vers = cJSON_CreateArray();
    const cJSON *v, *versions = get(p, "versions");
    const cJSON *row = inventory_row(p, inventory);
    const char *model, *just;
    char jbuf[1024];

    if (!o || !vers) {
        cJSON_Delete(o);
        cJSON_Delete(vers);
        b->error = VT_ENOMEM;
        return NULL;
    }
    model_split(p, row, &model, &just, jbuf, sizeof(jbuf));
    put(b, o, "product_name", text_or_null(product_text(p, row, "name")));
    put(b, o, "vendor", text_or_null(product_text(p, row, "vendor")));
    put(b, o, "product_model", text_or_null(model));
    if (model && strcmp(model, VT_AUTHORITY_NOT_APPLICABLE) == 0)
        put(b, o, "product_model_justification", text_or_null(just));
    cJSON_ArrayForEach(v, versions)
    {
        put(b, vers, NULL, version_entry(v, str(p, "ecosystem")));
    }
    put(b, o, "affected_versions", vers);
    put(b, o, "fixed_versions", dup_or_null(get(p, "fixed_versions")));
    return o;
}

/* ---------------------------------------------------------------------
 * Grade and its C/I/A impacts
 * ------------------------------------------------------------------- */

/* CVSS metric value letter -> GB/T 30279 impact code (spec §8.3 helper). */
static const char *impact_from_letter(char c)
{
    return c == 'H' ? "IMP_SERIOUS" : c == 'L' ? "IMP_GENERAL" : c == 'N' ? "IMP_NONE" : NULL;
}

/* The value letter of metric `name` ("C", "VC") in a CVSS vector, or 0. */
static char vector_metric(const char *vector, const char *name)
{
    size_t n = strlen(name);
    const char *p = vector;

    while (p && *p) {
        if ((p == vector || p[-1] == '/') && strncmp(p, name, n) == 0 && p[n] == ':')
            return p[n + 1];
        p = strchr(p, '/');
        if (p)
            p++;
    }
    return 0;
}

/*
 * C/I/A impacts: the GB/T indicators when the case has them, else read
 * from the CVSS vector the grade was derived from (v3 C/I/A, v4 VC/VI/VA),
 * labelled with where they came from.
 */
static cJSON *impacts(struct rb *b, const cJSON *gbt)
{
    static const char *const keys[3] = {"c_imp", "i_imp", "a_imp"};
    static const char *const v3[3] = {"C", "I", "A"};
    static const char *const v4[3] = {"VC", "VI", "VA"};
    static const char *const out_keys[3] = {"confidentiality", "integrity", "availability"};
    const cJSON *ind = get(gbt, "indicators");
    const char *vector = str(get(gbt, "derived_from"), "vector");
    cJSON *o = cJSON_CreateObject();
    const char *source = NULL;
    size_t i;

    if (!o) {
        b->error = VT_ENOMEM;
        return NULL;
    }
    for (i = 0; i < 3; i++) {
        const cJSON *m = get(ind, keys[i]);
        const char *code = cJSON_IsObject(m)   ? str(m, "code")
                           : cJSON_IsString(m) ? m->valuestring
                                               : NULL;
        if (code)
            source = "gbt_indicators";
        else if (vector) {
            char c = vector_metric(vector, v4[i]);

            code = impact_from_letter(c ? c : vector_metric(vector, v3[i]));
            if (code && !source)
                source = "cvss_vector";
        }
        put(b, o, out_keys[i], text_or_null(code));
    }
    put(b, o, "source", text_or_null(source));
    return o;
}

static cJSON *grade_entry(struct rb *b, const cJSON *doc)
{
    const cJSON *gbt = get(doc, "gbt");
    cJSON *o = cJSON_CreateObject();

    if (!o) {
        b->error = VT_ENOMEM;
        return NULL;
    }
    put(b, o, "grade", text_or_null(str(gbt, "grade")));
    put(b, o, "grade_zh", text_or_null(str(gbt, "grade_zh")));
    put(b, o, "method", text_or_null(str(gbt, "method")));
    put(b, o, "impact", impacts(b, gbt));
    if (get(gbt, "table_id"))
        put(b, o, "table_id", dup_or_null(get(gbt, "table_id")));
    if (get(gbt, "justification"))
        put(b, o, "justification", dup_or_null(get(gbt, "justification")));
    if (get(gbt, "derived_from"))
        put(b, o, "derived_from", dup_or_null(get(gbt, "derived_from")));
    return o;
}

/* ---------------------------------------------------------------------
 * Recommended fields
 * ------------------------------------------------------------------- */

static cJSON *identifiers(struct rb *b, const cJSON *doc)
{
    static const char *const named[] = {"CVE", "CNVD", "CNNVD", "CNCVD", "NVDB"};
    cJSON *o = cJSON_CreateObject(), *other = cJSON_CreateArray();
    const cJSON *e;
    size_t i;

    if (!o || !other) {
        cJSON_Delete(o);
        cJSON_Delete(other);
        b->error = VT_ENOMEM;
        return NULL;
    }
    for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        put(b, o, named[i], cJSON_CreateArray());
    cJSON_ArrayForEach(e, get(doc, "identifiers"))
    {
        const char *scheme = str(e, "scheme"), *id = str(e, "id");
        cJSON *to = other;

        if (!scheme || !id)
            continue;
        for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
            if (strcmp(scheme, named[i]) == 0)
                to = cJSON_GetObjectItemCaseSensitive(o, named[i]);
        if (to == other)
            put(b, other, NULL, cJSON_Duplicate(e, true));
        else if (to)
            put(b, to, NULL, cJSON_CreateString(id));
    }
    put(b, o, "other", other);
    return o;
}

static cJSON *event_time(const cJSON *c, const char *event)
{
    return text_or_null(str(get(get(c, "events"), event), "at"));
}

static cJSON *fix_entry(struct rb *b, const cJSON *c, const cJSON *doc)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *rem = get(doc, "remediations");
    const char *status;

    if (!o) {
        b->error = VT_ENOMEM;
        return NULL;
    }
    if (get(get(c, "events"), "E_FIX_AVAILABLE"))
        status = "available";
    else if (cJSON_GetArraySize(rem) > 0)
        status = "in_progress";
    else
        status = "none";
    put(b, o, "status", cJSON_CreateString(status));
    put(b, o, "available_at", event_time(c, "E_FIX_AVAILABLE"));
    put(b, o, "remediations", rem ? cJSON_Duplicate(rem, true) : cJSON_CreateArray());
    return o;
}

static cJSON *recommended(struct rb *b, const cJSON *c, const cJSON *org)
{
    const cJSON *doc = get(c, "doc");
    const cJSON *flags = get(org, "flags");
    cJSON *o = cJSON_CreateObject();

    if (!o) {
        b->error = VT_ENOMEM;
        return NULL;
    }
    put(b, o, "title", text_or_null(str(c, "title")));
    put(b, o, "vendor", text_or_null(str(org, "name")));
    put(b, o, "contact", dup_or_null(get(flags, "contact")));
    put(b, o, "identifiers", identifiers(b, doc));
    put(b, o, "aware_at", event_time(c, "E_AWARE"));
    put(b, o, "verified_at", event_time(c, "E_VERIFIED"));
    put(b, o, "state", text_or_null(str(c, "state")));
    put(b, o, "verification_note", text_or_null(str(doc, "verification_note")));
    put(b, o, "upstream", dup_or_null(get(doc, "upstream")));
    put(b, o, "fix", fix_entry(b, c, doc));
    put(b, o, "credit", text_or_null(str(doc, "credit")));
    put(b, o, "description", text_or_null(str(doc, "description")));
    put(b, o, "exploitation_observed",
        cJSON_CreateBool(get(get(c, "events"), "E_EXPLOITED_AWARE") != NULL));
    return o;
}

/* ---------------------------------------------------------------------
 * Assembly
 * ------------------------------------------------------------------- */

static cJSON *required(struct rb *b, const cJSON *c, const cJSON *inventory)
{
    const cJSON *doc = get(c, "doc"), *p;
    cJSON *o = cJSON_CreateObject(), *products = cJSON_CreateArray();

    if (!o || !products) {
        cJSON_Delete(o);
        cJSON_Delete(products);
        b->error = VT_ENOMEM;
        return NULL;
    }
    cJSON_ArrayForEach(p, get(doc, "products"))
        put(b, products, NULL, product_entry(b, p, inventory));
    put(b, o, "products", products);
    put(b, o, "tech_characteristics", text_or_null(str(doc, "tech_characteristics")));
    put(b, o, "category_code", text_or_null(str(doc, "category_code")));
    put(b, o, "cwe",
        get(doc, "cwe") ? cJSON_Duplicate(get(doc, "cwe"), true) : cJSON_CreateArray());
    put(b, o, "harm", text_or_null(str(doc, "harm")));
    put(b, o, "grade", grade_entry(b, doc));
    put(b, o, "impact_scope", text_or_null(str(doc, "impact_scope")));
    return o;
}

int vt_authority_report_build(cJSON **out, const cJSON *in, vt_error *err)
{
    const cJSON *c = get(in, "case"), *org = get(in, "org");
    struct rb b = {0};
    cJSON *r, *check;

    *out = NULL;
    if (!cJSON_IsObject(c))
        return vt_error_set_field(err, VT_EINVALID, "/case", "the report needs the case");
    r = cJSON_CreateObject();
    if (!r)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    put(&b, r, "format", cJSON_CreateString("vulntrack-authority-report/1"));
    put(&b, r, "case", text_or_null(str(c, "ref")));
    put(&b, r, "org", text_or_null(str(org, "slug")));
    put(&b, r, "scope", text_or_null(str(c, "scope")));
    put(&b, r, "revision", dup_or_null(get(c, "revision")));
    put(&b, r, "required", required(&b, c, get(in, "products")));
    put(&b, r, "recommended", recommended(&b, c, org));
    if (!b.error) {
        check = vt_authority_check(r);
        put(&b, r, "completeness", check);
    }
    if (b.error) {
        cJSON_Delete(r);
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    }
    *out = r;
    return 0;
}

/* ---------------------------------------------------------------------
 * Completeness check
 * ------------------------------------------------------------------- */

/* The names of the fields the check may list: §4's table, Chinese and English. */
static const struct field_name {
    const char *field, *zh, *en;
} field_names[] = {
    {"products", "受影响产品", "affected products"},
    {"product_name", "产品名称", "product name"},
    {"product_model", "型号", "model"},
    {"product_model_justification", "型号不适用的理由", "reason the model does not apply"},
    {"affected_versions", "版本", "affected version(s)"},
    {"tech_characteristics", "技术特点", "technical characteristics"},
    {"category_code", "漏洞分类（GB/T 30279）", "category code (GB/T 30279)"},
    {"harm", "危害", "harm"},
    {"grade", "漏洞等级（GB/T 30279）", "grade (GB/T 30279)"},
    {"grade_method", "分级方法", "grading method"},
    {"grade_impact", "保密性/完整性/可用性影响", "confidentiality/integrity/availability impact"},
    {"impact_scope", "影响范围", "scope of impact"},
};

static void missing(struct rb *b, cJSON *list, const char *field, const char *pointer,
                    const char *reason)
{
    cJSON *o;
    size_t i;

    for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
        if (strcmp(field_names[i].field, field) == 0)
            break;
    if (b->error || i == sizeof(field_names) / sizeof(field_names[0]))
        return;
    o = cJSON_CreateObject();
    if (!o) {
        b->error = VT_ENOMEM;
        return;
    }
    put(b, o, "field", cJSON_CreateString(field));
    put(b, o, "zh", cJSON_CreateString(field_names[i].zh));
    put(b, o, "en", cJSON_CreateString(field_names[i].en));
    put(b, o, "reason", cJSON_CreateString(reason));
    put(b, o, "pointer", cJSON_CreateString(pointer));
    put(b, list, NULL, o);
}

static void check_text(struct rb *b, cJSON *list, const cJSON *req, const char *field,
                       const char *reason)
{
    char ptr[64];

    snprintf(ptr, sizeof(ptr), "/required/%s", field);
    if (!filled(str(req, field)))
        missing(b, list, field, ptr, reason);
}

static void check_product(struct rb *b, cJSON *list, const cJSON *p, int idx)
{
    char ptr[96];
    const char *model = str(p, "product_model");
    const cJSON *v, *vers = get(p, "affected_versions");
    int n = 0;

    snprintf(ptr, sizeof(ptr), "/required/products/%d/product_name", idx);
    if (!filled(str(p, "product_name")))
        missing(b, list, "product_name", ptr, "the product has no name (case doc products[].name)");
    snprintf(ptr, sizeof(ptr), "/required/products/%d/product_model", idx);
    if (!filled(model))
        missing(b, list, "product_model", ptr,
                "no model: give the model, edition or SKU, or 不适用 with a justification "
                "(case doc products[].model)");
    else if (strcmp(model, VT_AUTHORITY_NOT_APPLICABLE) == 0 &&
             !filled(str(p, "product_model_justification"))) {
        snprintf(ptr, sizeof(ptr), "/required/products/%d/product_model_justification", idx);
        missing(b, list, "product_model_justification", ptr,
                "不适用 needs a justification, e.g. \"不适用：纯软件产品，以版本区分\"");
    }
    snprintf(ptr, sizeof(ptr), "/required/products/%d/affected_versions", idx);
    cJSON_ArrayForEach(v, vers)
    {
        n++;
        if (!str(v, "version") && !filled(str(v, "scheme"))) {
            missing(b, list, "affected_versions", ptr,
                    "a version range without a scheme: give the range's scheme or the "
                    "product's ecosystem");
            return;
        }
    }
    if (n == 0)
        missing(b, list, "affected_versions", ptr,
                "no affected version: at least one exact version or range (case doc "
                "products[].versions)");
}

static void check_grade(struct rb *b, cJSON *list, const cJSON *g)
{
    static const char *const levels[] = {"critical", "high", "medium", "low"};
    static const char *const cia[] = {"confidentiality", "integrity", "availability"};
    const char *grade = str(g, "grade");
    const cJSON *imp = get(g, "impact");
    bool ok = false;
    size_t i;

    for (i = 0; grade && i < sizeof(levels) / sizeof(levels[0]); i++)
        ok = ok || strcmp(grade, levels[i]) == 0;
    if (!ok)
        missing(b, list, "grade", "/required/grade/grade",
                grade ? "the grade is not one of critical, high, medium, low (GB/T 30279)"
                      : "no grade (case doc gbt)");
    if (!filled(str(g, "method")))
        missing(b, list, "grade_method", "/required/grade/method",
                "the grade has no method tag (GBT30279_TECH, GBT30279_COMP, CVSS_DERIVED, "
                "MANUAL)");
    for (i = 0; i < 3; i++) {
        if (!str(imp, cia[i])) {
            missing(b, list, "grade_impact", "/required/grade/impact",
                    "C/I/A impact values are missing (case doc gbt.indicators c_imp, i_imp, "
                    "a_imp, or a CVSS vector)");
            break;
        }
    }
}

cJSON *vt_authority_check(const cJSON *report)
{
    const cJSON *req = get(report, "required"), *p;
    cJSON *o = cJSON_CreateObject(), *list = cJSON_CreateArray();
    struct rb b = {0};
    int idx = 0;

    if (!o || !list) {
        cJSON_Delete(o);
        cJSON_Delete(list);
        return NULL;
    }
    cJSON_ArrayForEach(p, get(req, "products"))
    {
        check_product(&b, list, p, idx++);
    }
    if (idx == 0) {
        missing(&b, list, "product_name", "/required/products",
                "the case names no product (case doc products)");
        missing(&b, list, "product_model", "/required/products",
                "the case names no product (case doc products)");
        missing(&b, list, "affected_versions", "/required/products",
                "the case names no product (case doc products)");
    }
    check_text(&b, list, req, "tech_characteristics",
               "no technical characteristics text (case doc tech_characteristics)");
    check_text(&b, list, req, "category_code",
               "no GB/T 30279 category code (case doc category_code)");
    check_text(&b, list, req, "harm", "no harm text (case doc harm)");
    check_grade(&b, list, get(req, "grade"));
    check_text(&b, list, req, "impact_scope", "no scope-of-impact text (case doc impact_scope)");
    put(&b, o, "complete", cJSON_CreateBool(cJSON_GetArraySize(list) == 0));
    put(&b, o, "missing", list);
    if (b.error) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---------------------------------------------------------------------
 * Values proposed for the CRA stage fields
 * ------------------------------------------------------------------- */

/* Append `s` to `b`, after `sep` when `b` is not empty. */
static void join(struct rb *rb, vt_buf *b, const char *sep, const char *s)
{
    if (rb->error || !s || !s[0])
        return;
    if (b->len)
        rb->error = vt_buf_puts(b, sep);
    if (!rb->error)
        rb->error = vt_buf_puts(b, s);
}

static void propose(struct rb *rb, cJSON *o, const char *key, vt_buf *b)
{
    if (!rb->error && b->len)
        put(rb, o, key, cJSON_CreateString(b->ptr));
    vt_buf_clear(b);
}

/* One affected-version entry as text: "2.0.0" or "semver >= 2.0.0 < 2.0.5". */
static void version_text(struct rb *rb, vt_buf *b, const cJSON *v)
{
    static const struct {
        const char *key, *op;
    } ends[] = {{"introduced", ">="}, {"fixed", "<"}, {"last_affected", "<="}};
    size_t i;

    if (str(v, "version")) {
        join(rb, b, "", str(v, "version"));
        return;
    }
    join(rb, b, "", str(v, "scheme") ? str(v, "scheme") : "?");
    for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
        if (str(v, ends[i].key)) {
            join(rb, b, " ", ends[i].op);
            join(rb, b, " ", str(v, ends[i].key));
        }
    }
}

/* "Router RT-1 (2.0.0, semver >= 2.0.0 < 2.0.5)" for each product, joined by "; ". */
static void products_text(struct rb *rb, vt_buf *b, const cJSON *products)
{
    const cJSON *p, *v;
    vt_buf one = VT_BUF_INIT, vers = VT_BUF_INIT;

    cJSON_ArrayForEach(p, products)
    {
        const char *model = str(p, "product_model");

        join(rb, &one, "", str(p, "product_name"));
        if (model && strcmp(model, VT_AUTHORITY_NOT_APPLICABLE) != 0)
            join(rb, &one, " ", model);
        cJSON_ArrayForEach(v, get(p, "affected_versions"))
        {
            vt_buf piece = VT_BUF_INIT;

            version_text(rb, &piece, v);
            join(rb, &vers, ", ", piece.ptr);
            vt_buf_dispose(&piece);
        }
        if (vers.len) {
            join(rb, &one, " ", "(");
            join(rb, &one, "", vers.ptr);
            join(rb, &one, "", ")");
        }
        join(rb, b, "; ", one.ptr);
        vt_buf_clear(&one);
        vt_buf_clear(&vers);
    }
    vt_buf_dispose(&one);
    vt_buf_dispose(&vers);
}

cJSON *vt_cra_proposed(const cJSON *report)
{
    const cJSON *req = get(report, "required"), *rec = get(report, "recommended");
    const cJSON *contact = get(rec, "contact"), *g = get(req, "grade"), *e;
    struct rb rb = {0};
    cJSON *o = cJSON_CreateObject(), *ids = cJSON_CreateArray();
    vt_buf b = VT_BUF_INIT;

    if (!o || !ids) {
        cJSON_Delete(o);
        cJSON_Delete(ids);
        return NULL;
    }
    join(&rb, &b, "", str(rec, "vendor"));
    join(&rb, &b, ", ", str(contact, "name"));
    join(&rb, &b, ", ", str(contact, "email"));
    join(&rb, &b, ", ", str(contact, "phone"));
    propose(&rb, o, "manufacturer", &b);
    products_text(&rb, &b, get(req, "products"));
    propose(&rb, o, "product", &b);
    join(&rb, &b, "", str(req, "tech_characteristics"));
    propose(&rb, o, "vulnerability_nature", &b);
    join(&rb, &b, "", str(rec, "description"));
    if (!b.len)
        join(&rb, &b, "", str(req, "tech_characteristics"));
    propose(&rb, o, "description", &b);
    join(&rb, &b, "", str(g, "grade"));
    join(&rb, &b, " ", str(g, "grade_zh"));
    if (b.len && str(g, "method")) {
        join(&rb, &b, " (", str(g, "method"));
        join(&rb, &b, "", ")");
    }
    propose(&rb, o, "severity", &b);
    join(&rb, &b, "", str(req, "harm"));
    join(&rb, &b, " ", str(req, "impact_scope"));
    propose(&rb, o, "impact", &b);
    cJSON_ArrayForEach(e, get(get(rec, "fix"), "remediations"))
    {
        if (str(e, "version")) {
            join(&rb, &b, "; ", "update to");
            join(&rb, &b, " ", str(e, "version"));
        } else {
            join(&rb, &b, "; ", str(e, "instructions"));
        }
    }
    if (b.len && !rb.error) {
        put(&rb, o, "measures_taken", cJSON_CreateString(b.ptr));
        put(&rb, o, "user_measures", cJSON_CreateString(b.ptr));
        if (!rb.error &&
            strcmp(str(get(rec, "fix"), "status") ? str(get(rec, "fix"), "status") : "",
                   "available") == 0)
            put(&rb, o, "security_update", cJSON_CreateString(b.ptr));
    }
    vt_buf_clear(&b);
    cJSON_ArrayForEach(e, get(rec, "identifiers"))
    {
        const cJSON *id;

        if (e->string && strcmp(e->string, "other") == 0) {
            cJSON_ArrayForEach(id, e)
            {
                join(&rb, &b, "", str(id, "scheme"));
                join(&rb, &b, ":", str(id, "id"));
                put(&rb, ids, NULL, cJSON_CreateString(b.ptr));
                vt_buf_clear(&b);
            }
            continue;
        }
        cJSON_ArrayForEach(id, e)
        {
            if (cJSON_IsString(id))
                put(&rb, ids, NULL, cJSON_CreateString(id->valuestring));
        }
    }
    if (cJSON_GetArraySize(ids) > 0)
        put(&rb, o, "identifiers", ids);
    else
        cJSON_Delete(ids);
    vt_buf_dispose(&b);
    if (rb.error) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
