/*
 * asset_findings.c - the findings of an operator asset (assets.h): from the
 * OSV advisories through the scanner of scan.h (over the asset's purl and
 * SBOM), and from the CSAF advisories providers published in the same
 * database, matched on the product_tree.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "assets_internal.h"
#include "vulntrack/json.h"
#include "vulntrack/sbom.h"
#include "vulntrack/scan.h"
#include "vulntrack/store_assets.h"

const char *vt__asset_str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int vt__asset_add_opt(cJSON *o, const char *key, const char *v)
{
    return v ? vt_json_add_str(o, key, v) : vt_json_add_null(o, key);
}

/* ------------------------------------------------------------------------ */
/* Findings from OSV                                                        */

/*
 * An asset known by its purl alone is scanned as a one-component CycloneDX
 * SBOM, so that the scanner's purl handling (ecosystems, versions) is the
 * only one.
 */
static int purl_sbom(vt_sbom **out, const vt_asset *a, vt_error *err)
{
    cJSON *doc = cJSON_CreateObject(), *comps = NULL, *c = NULL;
    vt_buf text = VT_BUF_INIT;
    int error = doc ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(doc, "bomFormat", "CycloneDX");
    if (error >= 0)
        error = vt_json_add_str(doc, "specVersion", "1.5");
    if (error >= 0)
        error = vt_json_add_num(doc, "version", 1);
    if (error >= 0) {
        comps = cJSON_AddArrayToObject(doc, "components");
        c = cJSON_CreateObject();
        error = comps && c ? vt_json_add_str(c, "type", "application") : VT_ENOMEM;
        if (error >= 0)
            error = vt_json_add_str(c, "name", a->product ? a->product : a->name);
        if (error >= 0 && a->version)
            error = vt_json_add_str(c, "version", a->version);
        if (error >= 0)
            error = vt_json_add_str(c, "purl", a->purl);
        if (error >= 0)
            error = vt_json_add_str(c, "bom-ref", "asset");
        if (error >= 0)
            error = vt_json_add_take(comps, NULL, c);
        else
            cJSON_Delete(c);
    }
    if (error >= 0)
        error = vt_json_print(&text, doc);
    if (error >= 0)
        error = vt_sbom_parse(out, text.ptr, text.len, err);
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    cJSON_Delete(doc);
    vt_buf_dispose(&text);
    return error;
}

static int add_str_array(cJSON *o, const char *key, const char *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    int error = arr ? 0 : VT_ENOMEM;

    for (i = 0; error >= 0 && i < n; i++)
        error = vt_json_add_str(arr, NULL, v[i]);
    if (error < 0) {
        cJSON_Delete(arr);
        return error;
    }
    return vt_json_add_take(o, key, arr);
}

static int component_json(cJSON *o, const char *name, const char *version, const char *purl)
{
    cJSON *c = cJSON_CreateObject();
    int error = c ? vt__asset_add_opt(c, "name", name) : VT_ENOMEM;

    if (error >= 0)
        error = vt__asset_add_opt(c, "version", version);
    if (error >= 0)
        error = vt__asset_add_opt(c, "purl", purl);
    if (error < 0) {
        cJSON_Delete(c);
        return error;
    }
    return vt_json_add_take(o, "component", c);
}

static int kev_json(cJSON *o, const char *date_added, const char *due_date)
{
    cJSON *k = cJSON_CreateObject();
    int error = k ? vt__asset_add_opt(k, "date_added", date_added) : VT_ENOMEM;

    if (error >= 0)
        error = vt__asset_add_opt(k, "due_date", due_date);
    if (error < 0) {
        cJSON_Delete(k);
        return error;
    }
    return vt_json_add_take(o, "kev", k);
}

static cJSON *osv_finding_json(const vt_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    int error = o ? vt_json_add_str(o, "vulnerability", f->id) : VT_ENOMEM;

    if (error >= 0)
        error = add_str_array(o, "aliases", f->aliases, f->naliases);
    if (error >= 0)
        error = vt_json_add_str(o, "source", "osv");
    if (error >= 0)
        error = vt_json_add_str(o, "status", "known_affected");
    if (error >= 0)
        error = component_json(o, f->name, f->version, f->purl);
    if (error >= 0)
        error = vt__asset_add_opt(o, "summary", f->summary);
    if (error >= 0)
        error = add_str_array(o, "fixed_versions", f->fixed_versions, f->nfixed_versions);
    if (error >= 0)
        error = vt_json_add_take(o, "known_exploited", cJSON_CreateBool(f->kev != NULL));
    if (error >= 0)
        error =
            f->kev ? kev_json(o, f->kev->date_added, f->kev->due_date) : vt_json_add_null(o, "kev");
    if (error >= 0)
        error = vt_json_add_null(o, "advisory");
    if (error >= 0)
        error = vt_json_add_null(o, "case");
    if (error < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The OSV findings of the asset's purl and SBOM, appended to `list`. */
static int osv_findings(cJSON *list, vt_store *s, const vt_asset *a, vt_error *err)
{
    vt_scan *scan = NULL;
    vt_sbom *sbom = NULL;
    const vt_scan_report *r;
    size_t i;
    int error;

    if (!a->purl && !a->sbom)
        return 0;
    error = vt_scan_new(&scan, s);
    if (error < 0)
        return vt_error_set(err, error, 0, "out of memory");
    if (a->purl) {
        error = purl_sbom(&sbom, a, err);
        if (error == 0)
            error = vt_scan_add_sbom(scan, "asset-purl", sbom, err);
        vt_sbom_free(sbom);
        sbom = NULL;
    }
    if (error == 0 && a->sbom) {
        vt_error perr = VT_ERROR_INIT;

        /* The SBOM was read when it was stored; one that no longer parses
         * is reported as failed in the scan rather than failing the call. */
        if (vt_sbom_parse(&sbom, a->sbom, strlen(a->sbom), &perr) == 0)
            error = vt_scan_add_sbom(scan, "asset-sbom", sbom, err);
        vt_sbom_free(sbom);
    }
    if (error < 0)
        goto out;
    vt_scan_finish(scan);
    r = vt_scan_get_report(scan);
    for (i = 0; error >= 0 && i < r->nfindings; i++)
        error = vt_json_add_take(list, NULL, osv_finding_json(&r->findings[i]));
    if (error < 0)
        vt_error_set(err, error, 0, "out of memory");
out:
    vt_scan_free(scan);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Findings from published CSAF advisories                                  */

/* The product ids of one advisory's product_tree that name the asset. */
typedef struct matched {
    const char *ids[64];
    const char *names[64];
    size_t n;
} matched;

static bool same(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

/* Does a CSAF full product name say "<vendor> <product> <version>" or
 * "<product> <version>" of this asset? */
static bool full_name_matches(const vt_asset *a, const char *name)
{
    char want[3 * VT_ASSET_TEXT_MAX + 4];

    if (!name || !a->product || !a->version)
        return false;
    snprintf(want, sizeof(want), "%s %s", a->product, a->version);
    if (same(name, want))
        return true;
    if (!a->vendor)
        return false;
    snprintf(want, sizeof(want), "%s %s %s", a->vendor, a->product, a->version);
    return same(name, want);
}

static void match_product(matched *m, const vt_asset *a, const cJSON *product, const char *vendor,
                          const char *pname, const char *version)
{
    const char *id = vt__asset_str_of(product, "product_id");
    const char *name = vt__asset_str_of(product, "name");
    const cJSON *helper =
        cJSON_GetObjectItemCaseSensitive(product, "product_identification_helper");
    const char *purl = vt__asset_str_of(helper, "purl");
    bool hit = false;

    if (!id || m->n == sizeof(m->ids) / sizeof(m->ids[0]))
        return;
    /* The branch names: vendor (when the asset names one), product and version. */
    if (a->product && a->version && same(pname, a->product) && same(version, a->version) &&
        (!a->vendor || !vendor || same(vendor, a->vendor)))
        hit = true;
    hit = hit || full_name_matches(a, name);
    hit = hit || (a->purl && purl && strcmp(a->purl, purl) == 0);
    if (hit) {
        m->ids[m->n] = id;
        m->names[m->n] = name;
        m->n++;
    }
}

static void walk_branches(matched *m, const vt_asset *a, const cJSON *branches, const char *vendor,
                          const char *pname, const char *version, int depth)
{
    const cJSON *b;

    if (depth > 30)
        return;
    cJSON_ArrayForEach(b, branches)
    {
        const char *cat = vt__asset_str_of(b, "category"), *name = vt__asset_str_of(b, "name");
        const char *v = vendor, *p = pname, *ver = version;
        const cJSON *product = cJSON_GetObjectItemCaseSensitive(b, "product");

        if (cat && strcmp(cat, "vendor") == 0)
            v = name;
        else if (cat && strcmp(cat, "product_name") == 0)
            p = name;
        else if (cat && strcmp(cat, "product_version") == 0)
            ver = name;
        if (cJSON_IsObject(product))
            match_product(m, a, product, v, p, ver);
        walk_branches(m, a, cJSON_GetObjectItemCaseSensitive(b, "branches"), v, p, ver, depth + 1);
    }
}

static void match_tree(matched *m, const vt_asset *a, const cJSON *doc)
{
    const cJSON *tree = cJSON_GetObjectItemCaseSensitive(doc, "product_tree");
    const cJSON *fp;

    memset(m, 0, sizeof(*m));
    walk_branches(m, a, cJSON_GetObjectItemCaseSensitive(tree, "branches"), NULL, NULL, NULL, 0);
    cJSON_ArrayForEach(fp, cJSON_GetObjectItemCaseSensitive(tree, "full_product_names"))
        match_product(m, a, fp, NULL, NULL, NULL);
}

/* The first status list of `ps` holding a matched product; that product's index in *which. */
static const char *status_of(const matched *m, const cJSON *ps, size_t *which)
{
    static const char *const lists[] = {"known_affected", "first_affected", "last_affected",
                                        "under_investigation"};
    size_t i, k;

    for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        const cJSON *e;

        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(ps, lists[i]))
        {
            for (k = 0; cJSON_IsString(e) && k < m->n; k++)
                if (strcmp(e->valuestring, m->ids[k]) == 0) {
                    *which = k;
                    return i == 3 ? "under_investigation" : "known_affected";
                }
        }
    }
    return NULL;
}

/* The remediation texts of `vuln` for the matched products. */
static int remediations_json(cJSON *o, const matched *m, const cJSON *vuln)
{
    cJSON *arr = cJSON_CreateArray();
    const cJSON *r;
    int error = arr ? 0 : VT_ENOMEM;

    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(vuln, "remediations"))
    {
        const cJSON *pid;
        bool hit = false;
        size_t k;

        cJSON_ArrayForEach(pid, cJSON_GetObjectItemCaseSensitive(r, "product_ids"))
        {
            for (k = 0; cJSON_IsString(pid) && k < m->n; k++)
                hit = hit || strcmp(pid->valuestring, m->ids[k]) == 0;
        }
        if (hit && error >= 0) {
            cJSON *item = cJSON_CreateObject();

            error = item ? vt__asset_add_opt(item, "category", vt__asset_str_of(r, "category"))
                         : VT_ENOMEM;
            if (error >= 0)
                error = vt__asset_add_opt(item, "details", vt__asset_str_of(r, "details"));
            if (error >= 0)
                error = vt_json_add_take(arr, NULL, item);
            else
                cJSON_Delete(item);
        }
    }
    if (error < 0) {
        cJSON_Delete(arr);
        return error;
    }
    return vt_json_add_take(o, "remediations", arr);
}

typedef struct csaf_ctx {
    cJSON *list;
    const vt_asset *asset;
    vt_store *s;
    vt_error *err;
} csaf_ctx;

typedef struct kev_found {
    char date_added[16];
    char due_date[16];
} kev_found;

static void kev_each(void *ctx, const vt_kev_entry *e)
{
    kev_found *k = ctx;

    snprintf(k->date_added, sizeof(k->date_added), "%s", e->date_added ? e->date_added : "");
    snprintf(k->due_date, sizeof(k->due_date), "%s", e->due_date ? e->due_date : "");
}

static int csaf_vuln_finding(csaf_ctx *c, const vt_store_published_csaf *pa, const cJSON *doc,
                             const matched *m, const cJSON *vuln)
{
    const char *status, *cve = vt__asset_str_of(vuln, "cve"), *id = cve;
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(vuln, "ids"), *e;
    cJSON *o = NULL, *aliases = NULL, *adv = NULL;
    kev_found kev;
    bool in_kev = false;
    size_t which = 0;
    int error;

    status = status_of(m, cJSON_GetObjectItemCaseSensitive(vuln, "product_status"), &which);
    if (!status)
        return 0;
    if (!id)
        cJSON_ArrayForEach(e, ids)
        {
            if (!id)
                id = vt__asset_str_of(e, "text");
        }
    if (!id)
        id = pa->tracking_id;
    memset(&kev, 0, sizeof(kev));
    if (cve && c->s) {
        error = vt_store_get_kev(c->s, cve, &in_kev, kev_each, &kev, c->err);
        if (error < 0)
            return error;
    }
    o = cJSON_CreateObject();
    aliases = cJSON_CreateArray();
    error = o && aliases ? vt_json_add_str(o, "vulnerability", id) : VT_ENOMEM;
    if (error >= 0 && cve && strcmp(cve, id) != 0)
        error = vt_json_add_str(aliases, NULL, cve);
    cJSON_ArrayForEach(e, ids)
    {
        const char *t = vt__asset_str_of(e, "text");

        if (error >= 0 && t && strcmp(t, id) != 0)
            error = vt_json_add_str(aliases, NULL, t);
    }
    if (error >= 0) {
        error = vt_json_add_take(o, "aliases", aliases);
        aliases = NULL;
    }
    if (error >= 0)
        error = vt_json_add_str(o, "source", "advisory");
    if (error >= 0)
        error = vt_json_add_str(o, "status", status);
    if (error >= 0)
        error = component_json(o, m->names[which] ? m->names[which] : c->asset->product,
                               c->asset->version, NULL);
    if (error >= 0) {
        const char *title = vt__asset_str_of(vuln, "title");

        if (!title)
            title = vt__asset_str_of(cJSON_GetObjectItemCaseSensitive(doc, "document"), "title");
        error = vt__asset_add_opt(o, "summary", title);
    }
    if (error >= 0)
        error = vt_json_add_take(o, "fixed_versions", cJSON_CreateArray());
    if (error >= 0)
        error = remediations_json(o, m, vuln);
    if (error >= 0)
        error = vt_json_add_take(o, "known_exploited", cJSON_CreateBool(in_kev));
    if (error >= 0)
        error = in_kev ? kev_json(o, kev.date_added, kev.due_date) : vt_json_add_null(o, "kev");
    if (error >= 0) {
        adv = cJSON_CreateObject();
        error = adv ? vt_json_add_str(adv, "tracking_id", pa->tracking_id) : VT_ENOMEM;
        if (error >= 0)
            error = vt_json_add_num(adv, "revision", (double)pa->revision);
        if (error >= 0)
            error = vt_json_add_str(adv, "category", pa->category);
        if (error >= 0)
            error = vt_json_add_str(adv, "product_id", m->ids[which]);
        if (error >= 0)
            error = vt_json_add_take(o, "advisory", adv);
        else
            cJSON_Delete(adv);
    }
    if (error >= 0)
        error = vt_json_add_null(o, "case");
    if (error >= 0) {
        error = vt_json_add_take(c->list, NULL, o);
        o = NULL;
    }
    cJSON_Delete(o);
    cJSON_Delete(aliases);
    if (error < 0)
        vt_error_set(c->err, error, 0, "out of memory");
    return error;
}

static int csaf_each(void *ctx, const vt_store_published_csaf *pa)
{
    const csaf_ctx *c = ctx;

    return vt__asset_csaf_findings(c->list, c->asset, pa, c->s, c->err);
}

int vt__asset_csaf_findings(cJSON *list, const vt_asset *a, const vt_store_published_csaf *pa,
                            vt_store *s, vt_error *err)
{
    csaf_ctx ctx = {list, a, s, err}, *c = &ctx;
    cJSON *doc = NULL;
    const cJSON *vuln;
    matched m;
    int error = 0;

    /* A stored advisory was validated when it was published; one that
     * does not parse any more is skipped rather than failing every asset. */
    if (vt_json_parse(&doc, pa->document, pa->document_len, NULL) < 0)
        return 0;
    match_tree(&m, c->asset, doc);
    cJSON_ArrayForEach(vuln, cJSON_GetObjectItemCaseSensitive(doc, "vulnerabilities"))
    {
        if (m.n && error >= 0)
            error = csaf_vuln_finding(c, pa, doc, &m, vuln);
    }
    cJSON_Delete(doc);
    return error;
}

static int mark_case(void *ctx, const char *vulnerability, const char *ref)
{
    cJSON *e;

    cJSON_ArrayForEach(e, (cJSON *)ctx)
    {
        const char *id = vt__asset_str_of(e, "vulnerability");
        cJSON *c;

        if (!id || strcmp(id, vulnerability) != 0)
            continue;
        c = cJSON_CreateString(ref);
        if (!c || !cJSON_ReplaceItemInObjectCaseSensitive(e, "case", c)) {
            cJSON_Delete(c);
            return VT_ENOMEM;
        }
    }
    return 0;
}

int vt__asset_findings_of(cJSON **out, vt_store *s, const vt_asset *a, vt_error *err)
{
    cJSON *list = cJSON_CreateArray();
    csaf_ctx c;
    int error;

    *out = NULL;
    if (!list)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    error = osv_findings(list, s, a, err);
    if (error == 0 && a->product && a->version) {
        c.list = list;
        c.asset = a;
        c.s = s;
        c.err = err;
        error = vt_store_published_csaf_list(s, csaf_each, &c, err);
    }
    if (error == 0)
        error = vt_store_asset_cases(s, a->org_id, a->id, mark_case, list, err);
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error < 0) {
        cJSON_Delete(list);
        return error;
    }
    *out = list;
    return 0;
}

int vt_asset_findings(cJSON **out, vt_store *s, int64_t org_id, int64_t id, vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    int error;

    *out = NULL;
    error = vt_asset_get(s, org_id, id, &a, err);
    if (error == 0)
        error = vt__asset_findings_of(out, s, &a, err);
    vt_asset_dispose(&a);
    return error;
}
