/*
 * csaf_product_tree.c - the products of a case as CSAF sees them: one
 * entry per product version (a version string, a range, or the product
 * itself when it names no version), each with a product id and its CSAF
 * status (spec §11 mapping), and the product_tree built from them:
 * vendor -> product_name -> product_version / product_version_range.
 *
 * Status of an entry: its VEX statement when the product has one for
 * that version, else `fixed` for fixed_versions and `known_affected` for
 * versions. A VEX statement for a version not listed adds an entry.
 */
#include <stdio.h>
#include <string.h>

#include "csaf_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/json.h"

/* A range as a vers string (CSAF product_version_range): "vers:<type>/>=a|<b",
   the type being the range's scheme, else the product's ecosystem (lower
   case, without a ":release" suffix), else "generic". */
static int range_vers(vt_buf *b, const cJSON *range, const char *ecosystem)
{
    const char *scheme = vt__csaf_str(range, "scheme") ? vt__csaf_str(range, "scheme") : ecosystem;
    const char *intro = vt__csaf_str(range, "introduced");
    const char *fixed = vt__csaf_str(range, "fixed");
    const char *last = vt__csaf_str(range, "last_affected");
    bool any = false;
    int error;
    size_t i;

    error = vt_buf_puts(b, "vers:");
    for (i = 0; !error && scheme && scheme[i] && scheme[i] != ':'; i++) {
        char c = scheme[i];
        error = vt_buf_putc(b, (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c);
    }
    if (!error && !scheme)
        error = vt_buf_puts(b, "generic");
    if (!error)
        error = vt_buf_putc(b, '/');
    if (!error && intro && strcmp(intro, "0") != 0) {
        error = vt_buf_printf(b, ">=%s", intro);
        any = true;
    }
    if (!error && (fixed || last)) {
        error =
            vt_buf_printf(b, "%s%s%s", any ? "|" : "", fixed ? "<" : "<=", fixed ? fixed : last);
        any = true;
    }
    if (!error && !any)
        error = vt_buf_puts(b, "*");
    return error;
}

void vt__csaf_products_dispose(vt__csaf_products *p)
{
    size_t i;
    for (i = 0; i < p->n; i++) {
        vt_free(p->pv[i].label);
        vt_free(p->pv[i].name);
    }
    vt_free(p->pv);
    p->pv = NULL;
    p->n = p->cap = 0;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The entry for (vendor, name, label), or NULL. */
static vt__csaf_pv *pv_find(vt__csaf_products *p, const char *vendor, const char *name,
                            const char *label)
{
    size_t i;
    for (i = 0; i < p->n; i++)
        if (same(p->pv[i].vendor, vendor) && same(p->pv[i].name, name) &&
            same(p->pv[i].label, label))
            return &p->pv[i];
    return NULL;
}

/* The entry for (vendor, name, label), added with `status` when new;
 *added says which. NULL when out of memory. */
static vt__csaf_pv *pv_get(vt__csaf_products *p, size_t prod, const char *vendor, const char *name,
                           const char *label, const char *status, bool *added)
{
    vt__csaf_pv *e = pv_find(p, vendor, name, label);

    *added = false;
    if (e)
        return e;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        vt__csaf_pv *np = vt_realloc(p->pv, cap * sizeof(*np));
        if (!np)
            return NULL;
        p->pv = np;
        p->cap = cap;
    }
    e = &p->pv[p->n];
    memset(e, 0, sizeof(*e));
    e->name = vt_strdup(name);
    if (!e->name)
        return NULL;
    if (label) {
        e->label = vt_strdup(label);
        if (!e->label) {
            vt_free(e->name);
            return NULL;
        }
    }
    e->product = prod;
    e->vendor = vendor;
    e->status = status;
    p->n++;
    *added = true;
    return e;
}

static void apply_vex(vt__csaf_pv *e, const cJSON *st)
{
    const char *status = vt__csaf_str(st, "status");
    const char *csaf = vt_csaf_product_status(status);

    if (!csaf)
        return;
    e->status = csaf;
    e->flag = NULL;
    if (strcmp(status, "FALSE_POSITIVE") == 0)
        e->flag = "component_not_present";
    else if (strcmp(status, "NOT_AFFECTED") == 0)
        e->flag = vt_csaf_flag_label(vt__csaf_str(st, "justification"));
    e->impact = vt__csaf_str(st, "impact_statement");
    e->action = vt__csaf_str(st, "action_statement");
}

static int collect_versions(vt__csaf_products *out, const cJSON *versions, size_t idx,
                            const char *vendor, const char *name, const char *eco, bool *any)
{
    vt_buf label = VT_BUF_INIT;
    const cJSON *v;
    vt__csaf_pv *e;
    bool added;
    int error = 0;

    cJSON_ArrayForEach(v, versions)
    {
        if (cJSON_IsString(v)) {
            e = pv_get(out, idx, vendor, name, v->valuestring, "known_affected", &added);
            if (e && added)
                e->version = v->valuestring;
        } else if (cJSON_IsObject(v)) {
            vt_buf_clear(&label);
            error = range_vers(&label, v, eco);
            if (error)
                break;
            e = pv_get(out, idx, vendor, name, label.ptr, "known_affected", &added);
            if (e && added) {
                e->range = v;
                e->ecosystem = eco;
            }
        } else {
            continue;
        }
        if (!e) {
            error = VT_ENOMEM;
            break;
        }
        *any = true;
    }
    vt_buf_dispose(&label);
    return error;
}

/* The entries of product `prod` (index idx) named `name`. */
static int collect_named(vt__csaf_products *out, const cJSON *prod, size_t idx, const char *pvendor,
                         const char *name)
{
    const cJSON *v, *fixed = cJSON_GetObjectItemCaseSensitive(prod, "fixed_versions");
    const cJSON *vex = cJSON_GetObjectItemCaseSensitive(prod, "vex");
    bool any = false, added;
    vt__csaf_pv *e;
    int error;

    error = collect_versions(out, cJSON_GetObjectItemCaseSensitive(prod, "versions"), idx, pvendor,
                             name, vt__csaf_str(prod, "ecosystem"), &any);
    if (error)
        return error;
    cJSON_ArrayForEach(v, fixed)
    {
        if (!cJSON_IsString(v))
            continue;
        e = pv_get(out, idx, pvendor, name, v->valuestring, "fixed", &added);
        if (!e)
            return VT_ENOMEM;
        if (added)
            e->version = v->valuestring;
        any = true;
    }
    cJSON_ArrayForEach(v, vex)
    {
        const char *ver = vt__csaf_str(v, "version");
        if (!ver || !vt_csaf_product_status(vt__csaf_str(v, "status")))
            continue;
        e = pv_get(out, idx, pvendor, name, ver, "known_affected", &added);
        if (!e)
            return VT_ENOMEM;
        if (added)
            e->version = ver;
        apply_vex(e, v);
        any = true;
    }
    /* A product named without versions: the product itself is affected. */
    if (!any && !pv_get(out, idx, pvendor, name, NULL, "known_affected", &added))
        return VT_ENOMEM;
    return 0;
}

static int collect_product(vt__csaf_products *out, const cJSON *prod, size_t idx,
                           const char *vendor)
{
    const char *pvendor = vt__csaf_str(prod, "vendor");
    const char *pname = vt__csaf_str(prod, "name"), *model = vt__csaf_str(prod, "model");
    vt_buf name = VT_BUF_INIT;
    int error;

    if (!pname)
        return 0;
    /* The inventory tells products apart by name and model. */
    error = vt_buf_printf(&name, "%s%s%s", pname, model ? " " : "", model ? model : "");
    if (!error)
        error = collect_named(out, prod, idx, pvendor ? pvendor : vendor, name.ptr);
    vt_buf_dispose(&name);
    return error;
}

/* Drop versionless entries that have versioned siblings, then number the ids. */
static void finish(vt__csaf_products *p)
{
    size_t i, j, o = 0;

    for (i = 0; i < p->n; i++) {
        bool drop = false;
        for (j = 0; !p->pv[i].label && j < p->n; j++)
            if (p->pv[j].label && same(p->pv[j].vendor, p->pv[i].vendor) &&
                same(p->pv[j].name, p->pv[i].name))
                drop = true;
        if (drop)
            continue;
        p->pv[o++] = p->pv[i];
    }
    p->n = o;
    for (i = 0; i < p->n; i++)
        snprintf(p->pv[i].id, sizeof(p->pv[i].id), "CSAFPID-%04zu", i + 1);
}

int vt__csaf_products_collect(vt__csaf_products *out, const cJSON *doc, const char *vendor)
{
    const cJSON *prod, *prods = doc ? cJSON_GetObjectItemCaseSensitive(doc, "products") : NULL;
    size_t idx = 0;
    int error = 0;

    memset(out, 0, sizeof(*out));
    cJSON_ArrayForEach(prod, prods)
    {
        error = collect_product(out, prod, idx++, vendor);
        if (error)
            break;
    }
    if (error)
        vt__csaf_products_dispose(out);
    else
        finish(out);
    return error;
}

static cJSON *branch_new(const char *category, const char *name)
{
    cJSON *b = cJSON_CreateObject();
    if (b && (vt_json_add_str(b, "category", category) || vt_json_add_str(b, "name", name))) {
        cJSON_Delete(b);
        return NULL;
    }
    return b;
}

/* The child branch of `parent` with `name`, created if missing. */
static cJSON *branch_child(cJSON *parent, const char *category, const char *name)
{
    cJSON *kids = cJSON_GetObjectItemCaseSensitive(parent, "branches"), *k;

    if (!kids) {
        kids = cJSON_CreateArray();
        if (vt_json_add_take(parent, "branches", kids))
            return NULL;
    }
    cJSON_ArrayForEach(k, kids)
    {
        const char *kn = vt__csaf_str(k, "name");
        if (kn && strcmp(kn, name) == 0)
            return k;
    }
    k = branch_new(category, name);
    if (vt_json_add_take(kids, NULL, k))
        return NULL;
    return k;
}

static int add_product(cJSON *branch, const vt__csaf_pv *e, const char *label)
{
    vt_buf full = VT_BUF_INIT;
    cJSON *p = cJSON_CreateObject();
    int error = p ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_buf_printf(&full, "%s %s%s%s", e->vendor, e->name, label ? " " : "",
                              label ? label : "");
    if (!error)
        error = vt_json_add_str(p, "name", full.ptr);
    if (!error)
        error = vt_json_add_str(p, "product_id", e->id);
    vt_buf_dispose(&full);
    if (error) {
        cJSON_Delete(p);
        return VT_ENOMEM;
    }
    return vt_json_add_take(branch, "product", p);
}

int vt__csaf_product_tree(cJSON **out, const vt__csaf_products *p)
{
    cJSON *root = cJSON_CreateObject(), *tree = cJSON_CreateObject();
    int error = root && tree ? 0 : VT_ENOMEM;
    size_t i;

    *out = NULL;
    for (i = 0; !error && i < p->n; i++) {
        const vt__csaf_pv *e = &p->pv[i];
        cJSON *vendor = branch_child(tree, "vendor", e->vendor);
        cJSON *prod = vendor ? branch_child(vendor, "product_name", e->name) : NULL;
        cJSON *leaf = NULL;

        if (!prod) {
            error = VT_ENOMEM;
            break;
        }
        if (e->label) {
            leaf = branch_child(prod, e->range ? "product_version_range" : "product_version",
                                e->label);
            error = leaf ? add_product(leaf, e, e->label) : VT_ENOMEM;
        } else {
            error = add_product(prod, e, NULL);
        }
    }
    if (!error) {
        cJSON *b = cJSON_DetachItemFromObjectCaseSensitive(tree, "branches");
        error = vt_json_add_take(root, "branches", b ? b : cJSON_CreateArray());
    }
    cJSON_Delete(tree);
    if (error) {
        cJSON_Delete(root);
        return VT_ENOMEM;
    }
    *out = root;
    return 0;
}
