/*
 * csaf_vulns.c - the one vulnerability of a case's CSAF document: its ids
 * (cve, ids), notes (the case texts, the GB/T grade, CWE and CVSS v4,
 * which CSAF 2.0 cannot carry otherwise: spec §11), product_status from
 * the product entries, flags and impact threats for known_not_affected,
 * remediations (every known_affected product must be covered: spec §11),
 * and scores (cvss_v2 / cvss_v3; one per CVSS version, as the mandatory
 * test 6.1.7 requires).
 */
#include <stdio.h>
#include <string.h>

#include "csaf_internal.h"
#include "vulntrack/buf.h"
#include "vulntrack/json.h"

static const char *const status_groups[] = {"fixed", "known_affected", "known_not_affected",
                                            "under_investigation"};

/* An array of the ids of entries with status `status` (NULL: all). */
static cJSON *ids_with(const vt__csaf_products *p, const char *status, size_t only_product,
                       bool any_product)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;
    for (i = 0; a && i < p->n; i++) {
        if (status && strcmp(p->pv[i].status, status) != 0)
            continue;
        if (!any_product && p->pv[i].product != only_product)
            continue;
        if (vt_json_add_str(a, NULL, p->pv[i].id)) {
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static bool valid_cve(const char *s)
{
    size_t i, n = strlen(s);
    if (n < 13 || strncmp(s, "CVE-", 4) != 0 || s[8] != '-')
        return false;
    for (i = 4; i < n; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

static int add_ids(cJSON *v, vt_advisory_format format, const vt_advisory_input *in)
{
    const cJSON *idents = cJSON_GetObjectItemCaseSensitive(in->doc, "identifiers"), *it;
    cJSON *ids = cJSON_CreateArray();
    bool have_cve = false;
    int error = ids ? 0 : VT_ENOMEM;

    cJSON_ArrayForEach(it, idents)
    {
        const char *scheme = vt__csaf_str(it, "scheme"), *id = vt__csaf_str(it, "id");
        cJSON *o;
        if (error)
            break;
        if (!scheme || !id || strcmp(scheme, "INTERNAL") == 0)
            continue;
        if (!have_cve && strcmp(scheme, "CVE") == 0 && valid_cve(id)) {
            error = vt_json_add_str(v, "cve", id);
            have_cve = true;
            continue;
        }
        o = cJSON_CreateObject();
        error = o ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(o, "system_name", scheme);
        if (!error)
            error = vt_json_add_str(o, "text", id);
        if (!error)
            error = vt_json_add_take(ids, NULL, o);
        else
            cJSON_Delete(o);
    }
    /* csaf_vex needs cve or ids: the advisory's own id names it then. */
    if (!error && format == VT_ADVISORY_CSAF_VEX && !have_cve && cJSON_GetArraySize(ids) == 0) {
        cJSON *o = cJSON_CreateObject();
        error = o ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(o, "system_name", in->publisher_name);
        if (!error)
            error = vt_json_add_str(o, "text", in->tracking_id);
        if (!error)
            error = vt_json_add_take(ids, NULL, o);
        else
            cJSON_Delete(o);
    }
    if (!error && cJSON_GetArraySize(ids) > 0)
        return vt_json_add_take(v, "ids", ids);
    cJSON_Delete(ids);
    return error;
}

static int add_notes(cJSON *v, const vt_advisory_input *in)
{
    static const struct {
        const char *key, *category, *title;
    } texts[] = {
        {"description", "description", "Description / 漏洞描述"},
        {"tech_characteristics", "details", "Technical characteristics / 技术特征"},
        {"harm", "general", "Harm / 危害"},
        {"impact_scope", "general", "Impact scope / 影响范围"},
    };
    cJSON *notes = cJSON_CreateArray();
    const cJSON *gbt = cJSON_GetObjectItemCaseSensitive(in->doc, "gbt");
    const cJSON *cwe = cJSON_GetObjectItemCaseSensitive(in->doc, "cwe");
    const cJSON *cvss = cJSON_GetObjectItemCaseSensitive(in->doc, "cvss"), *c;
    vt_buf t = VT_BUF_INIT;
    int error = notes ? 0 : VT_ENOMEM;
    size_t i;

    for (i = 0; !error && i < sizeof(texts) / sizeof(texts[0]); i++) {
        const char *s = vt__csaf_str(in->doc, texts[i].key);
        if (s)
            error = vt__csaf_note(notes, texts[i].category, texts[i].title, s);
    }
    if (!error && vt__csaf_str(gbt, "grade")) {
        const char *zh = vt__csaf_str(gbt, "grade_zh"), *method = vt__csaf_str(gbt, "method");
        error = vt_buf_printf(&t, "%s%s%s%s%s%s", vt__csaf_str(gbt, "grade"), zh ? " (" : "",
                              zh ? zh : "", zh ? ")" : "", method ? "; method " : "",
                              method ? method : "");
        if (!error)
            error = vt__csaf_note(notes, "other", "Grade (GB/T 30279-2020) / 漏洞等级", t.ptr);
    }
    /* CWE names are not kept by the case (CSAF's cwe object needs the
       catalogue name, mandatory test 6.1.11): the ids go in a note. */
    vt_buf_clear(&t);
    cJSON_ArrayForEach(c, cwe)
    {
        if (!error && cJSON_IsString(c))
            error = vt_buf_printf(&t, "%s%s", t.len ? ", " : "", c->valuestring);
    }
    if (!error && t.len)
        error = vt__csaf_note(notes, "other", "CWE", t.ptr);
    cJSON_ArrayForEach(c, cvss)
    {
        const char *ver = vt__csaf_str(c, "version");
        const cJSON *score = cJSON_GetObjectItemCaseSensitive(c, "score");
        const char *nom = vt__csaf_str(c, "nomenclature");
        if (error || !ver || strcmp(ver, "4.0") != 0 || !cJSON_IsNumber(score))
            continue;
        vt_buf_clear(&t);
        error = vt_buf_printf(&t, "%s %.1f %s (%s)", nom ? nom : "CVSS-B", score->valuedouble,
                              vt__csaf_str(c, "severity") ? vt__csaf_str(c, "severity") : "",
                              vt__csaf_str(c, "vector") ? vt__csaf_str(c, "vector") : "");
        if (!error)
            error = vt__csaf_note(notes, "other", "CVSS v4.0", t.ptr);
    }
    if (!error && cJSON_GetArraySize(notes) == 0)
        error = vt__csaf_note(notes, "summary", "Summary / 概要", in->title);
    vt_buf_dispose(&t);
    if (!error)
        return vt_json_add_take(v, "notes", notes);
    cJSON_Delete(notes);
    return error;
}

static int add_product_status(cJSON *v, const vt__csaf_products *p)
{
    cJSON *ps = cJSON_CreateObject();
    int error = ps ? 0 : VT_ENOMEM;
    size_t i;

    for (i = 0; !error && i < sizeof(status_groups) / sizeof(status_groups[0]); i++) {
        cJSON *ids = ids_with(p, status_groups[i], 0, true);
        if (!ids)
            error = VT_ENOMEM;
        else if (cJSON_GetArraySize(ids) == 0)
            cJSON_Delete(ids);
        else
            error = vt_json_add_take(ps, status_groups[i], ids);
    }
    if (!error)
        return vt_json_add_take(v, "product_status", ps);
    cJSON_Delete(ps);
    return error;
}

/* Add "product_ids": [id] to `o` and append `o` to `list`. `error` is what
 * building `o` so far returned: when it is not 0, `o` is only freed. Takes
 * `o` on every path. Returns 0 or the error. */
static int add_for_product(cJSON *list, cJSON *o, int error, const char *id)
{
    cJSON *ids = error ? NULL : cJSON_CreateArray();

    if (!error && !ids)
        error = VT_ENOMEM;
    if (!error)
        error = vt_json_add_str(ids, NULL, id);
    if (!error) {
        error = vt_json_add_take(o, "product_ids", ids);
        ids = NULL;
    }
    cJSON_Delete(ids);
    if (!error)
        return vt_json_add_take(list, NULL, o);
    cJSON_Delete(o);
    return error;
}

/* known_not_affected: one flag per product (by its label) and its impact
   statement as a threat of category impact. */
static int add_flags_threats(cJSON *v, const vt__csaf_products *p)
{
    cJSON *flags = cJSON_CreateArray(), *threats = cJSON_CreateArray();
    int error = flags && threats ? 0 : VT_ENOMEM;
    size_t i;

    for (i = 0; !error && i < p->n; i++) {
        const vt__csaf_pv *e = &p->pv[i];
        cJSON *o;

        if (strcmp(e->status, "known_not_affected") != 0)
            continue;
        if (e->flag) {
            o = cJSON_CreateObject();
            error = o ? vt_json_add_str(o, "label", e->flag) : VT_ENOMEM;
            error = add_for_product(flags, o, error, e->id);
        }
        if (!error && (e->impact || !e->flag)) {
            o = cJSON_CreateObject();
            error = o ? vt_json_add_str(o, "category", "impact") : VT_ENOMEM;
            if (!error)
                error = vt_json_add_str(o, "details", e->impact ? e->impact : "Not affected.");
            error = add_for_product(threats, o, error, e->id);
        }
    }
    if (!error && cJSON_GetArraySize(flags) > 0) {
        error = vt_json_add_take(v, "flags", flags);
        flags = NULL;
    }
    if (!error && cJSON_GetArraySize(threats) > 0) {
        error = vt_json_add_take(v, "threats", threats);
        threats = NULL;
    }
    cJSON_Delete(flags);
    cJSON_Delete(threats);
    return error;
}

/* The product index named by remediation `r` ("product": a product's name),
   -1 when it names none (it is for every product), -2 when the name is not
   one of the case's products (it covers none of them). */
static long remediation_product(const vt_advisory_input *in, const cJSON *r)
{
    const char *want = vt__csaf_str(r, "product");
    const cJSON *prods = cJSON_GetObjectItemCaseSensitive(in->doc, "products"), *p;
    long i = 0;
    if (!want)
        return -1;
    cJSON_ArrayForEach(p, prods)
    {
        const char *n = vt__csaf_str(p, "name");
        if (n && strcmp(n, want) == 0)
            return i;
        i++;
    }
    return -2;
}

static int add_one_remediation(cJSON *rems, const char *category, const char *details, cJSON *ids)
{
    cJSON *o = cJSON_CreateObject();
    int error = o && ids ? 0 : VT_ENOMEM;
    if (!error)
        error = vt_json_add_str(o, "category", category);
    if (!error)
        error = vt_json_add_str(o, "details", details);
    if (!error) {
        error = vt_json_add_take(o, "product_ids", ids);
        ids = NULL;
    }
    cJSON_Delete(ids);
    if (!error)
        return vt_json_add_take(rems, NULL, o);
    cJSON_Delete(o);
    return error;
}

static int add_remediations(cJSON *v, const vt_advisory_input *in, const vt__csaf_products *p,
                            vt_error *err)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(in->doc, "remediations"), *r;
    cJSON *rems = cJSON_CreateArray();
    bool any_product_wide = false;
    vt_buf t = VT_BUF_INIT;
    int error = rems ? 0 : VT_ENOMEM;
    size_t i;

    cJSON_ArrayForEach(r, list)
    {
        const char *kind = vt__csaf_str(r, "kind"), *ver = vt__csaf_str(r, "version");
        const char *instr = vt__csaf_str(r, "instructions");
        long prod = remediation_product(in, r);
        cJSON *ids;
        if (error || !kind || prod == -2)
            continue;
        vt_buf_clear(&t);
        if (ver)
            error = vt_buf_printf(&t, "Update to version %s.%s%s", ver, instr ? " " : "",
                                  instr ? instr : "");
        else
            error = vt_buf_puts(&t, instr ? instr : "See the vendor's instructions.");
        if (error)
            break;
        /* Which products: those of the named product, else every affected one. */
        ids = ids_with(p, "known_affected", prod < 0 ? 0 : (size_t)prod, prod < 0);
        if (ids && cJSON_GetArraySize(ids) == 0) {
            cJSON_Delete(ids);
            ids = ids_with(p, NULL, prod < 0 ? 0 : (size_t)prod, prod < 0);
        }
        if (ids && cJSON_GetArraySize(ids) == 0) {
            cJSON_Delete(ids);
            continue;
        }
        if (prod < 0)
            any_product_wide = true;
        error = add_one_remediation(rems, strcmp(kind, "patch") == 0 ? "vendor_fix" : "mitigation",
                                    t.ptr, ids);
    }
    /* An AFFECTED VEX statement's action statement is its remediation. */
    for (i = 0; !error && i < p->n; i++) {
        cJSON *ids;
        if (!p->pv[i].action || strcmp(p->pv[i].status, "known_affected") != 0)
            continue;
        ids = cJSON_CreateArray();
        error = ids ? vt_json_add_str(ids, NULL, p->pv[i].id) : VT_ENOMEM;
        if (!error)
            error = add_one_remediation(rems, "mitigation", p->pv[i].action, ids);
        else
            cJSON_Delete(ids);
    }
    vt_buf_dispose(&t);
    /* Spec §11: every known_affected product needs a remediation. */
    for (i = 0; !error && !any_product_wide && i < p->n; i++) {
        const cJSON *rr, *id;
        bool covered = false;
        if (strcmp(p->pv[i].status, "known_affected") != 0)
            continue;
        cJSON_ArrayForEach(rr, rems)
        {
            cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(rr, "product_ids"))
            {
                if (strcmp(id->valuestring, p->pv[i].id) == 0)
                    covered = true;
            }
        }
        if (!covered) {
            cJSON_Delete(rems);
            return vt_error_set_field(err, VT_EINVALID, "/doc/remediations",
                                      "no remediation covers affected product %s %s", p->pv[i].name,
                                      p->pv[i].version ? p->pv[i].version : "");
        }
    }
    if (!error && cJSON_GetArraySize(rems) > 0)
        return vt_json_add_take(v, "remediations", rems);
    cJSON_Delete(rems);
    return error;
}

static int add_scores(cJSON *v, const vt_advisory_input *in, const vt__csaf_products *p)
{
    const cJSON *cvss = cJSON_GetObjectItemCaseSensitive(in->doc, "cvss"), *c;
    cJSON *scores = cJSON_CreateArray();
    bool seen[3] = {false, false, false}; /* 2.0, 3.0, 3.1 */
    int error = scores ? 0 : VT_ENOMEM;

    cJSON_ArrayForEach(c, cvss)
    {
        const char *ver = vt__csaf_str(c, "version"), *vec = vt__csaf_str(c, "vector");
        const char *sev = vt__csaf_str(c, "severity");
        const cJSON *base = cJSON_GetObjectItemCaseSensitive(c, "base_score");
        int slot = !ver                      ? -1
                   : strcmp(ver, "2.0") == 0 ? 0
                   : strcmp(ver, "3.0") == 0 ? 1
                   : strcmp(ver, "3.1") == 0 ? 2
                                             : -1;
        cJSON *s, *m, *ids;
        char upper[16];
        size_t k;

        if (error || slot < 0 || seen[slot] || !vec || !cJSON_IsNumber(base))
            continue;
        seen[slot] = true;
        s = cJSON_CreateObject();
        m = cJSON_CreateObject();
        ids = ids_with(p, "known_affected", 0, true);
        if (ids && cJSON_GetArraySize(ids) == 0) {
            cJSON_Delete(ids);
            ids = ids_with(p, NULL, 0, true);
        }
        error = s && m && ids ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(m, "version", ver);
        if (!error)
            error = vt_json_add_str(m, "vectorString", vec);
        if (!error)
            error = vt_json_add_num(m, "baseScore", base->valuedouble);
        if (!error && slot > 0) {
            for (k = 0; sev && sev[k] && k + 1 < sizeof(upper); k++)
                upper[k] = (sev[k] >= 'a' && sev[k] <= 'z') ? (char)(sev[k] - 'a' + 'A') : sev[k];
            upper[sev ? k : 0] = '\0';
            error = vt_json_add_str(m, "baseSeverity", upper);
        }
        if (!error) {
            error = vt_json_add_take(s, slot == 0 ? "cvss_v2" : "cvss_v3", m);
            m = NULL;
        }
        if (!error) {
            error = vt_json_add_take(s, "products", ids);
            ids = NULL;
        }
        cJSON_Delete(m);
        cJSON_Delete(ids);
        if (!error)
            error = vt_json_add_take(scores, NULL, s);
        else
            cJSON_Delete(s);
    }
    if (!error && cJSON_GetArraySize(scores) > 0)
        return vt_json_add_take(v, "scores", scores);
    cJSON_Delete(scores);
    return error;
}

int vt__csaf_vulnerabilities(cJSON **out, vt_advisory_format format, const vt_advisory_input *in,
                             const vt__csaf_products *p, vt_error *err)
{
    cJSON *arr = cJSON_CreateArray(), *v = cJSON_CreateObject();
    int error = arr && v ? 0 : VT_ENOMEM;

    *out = NULL;
    if (!error)
        error = add_ids(v, format, in);
    if (!error)
        error = add_flags_threats(v, p);
    if (!error)
        error = add_notes(v, in);
    if (!error)
        error = add_product_status(v, p);
    if (!error)
        error = add_remediations(v, in, p, err);
    if (!error)
        error = add_scores(v, in, p);
    if (!error)
        error = vt_json_add_str(v, "title", in->title);
    if (!error) {
        error = vt_json_add_take(arr, NULL, v);
        v = NULL;
    }
    cJSON_Delete(v);
    if (error) {
        cJSON_Delete(arr);
        return error;
    }
    *out = arr;
    return 0;
}
