/*
 * assets.c - the deployed assets of an operator organisation (assets.h):
 * checking and storing them with a ledger entry per change, their findings
 * from the OSV advisories (the scanner of scan.h over the asset's purl or
 * SBOM) and from the CSAF advisories providers published in the same
 * database, and an operator case opened from one finding.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "assets_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/assets.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/osv.h"
#include "vulntrack/purl.h"
#include "vulntrack/sbom.h"
#include "vulntrack/scan.h"
#include "vulntrack/store_assets.h"

/* ------------------------------------------------------------------------ */
/* Checking and storing                                                     */

static bool exposure_valid(const char *s)
{
    return s && (strcmp(s, "yes") == 0 || strcmp(s, "no") == 0 || strcmp(s, "unknown") == 0);
}

/* Text of at most VT_ASSET_TEXT_MAX bytes without control characters. */
static int check_text(const char *s, const char *field, vt_error *err)
{
    size_t i, n;

    if (!s)
        return 0;
    n = strlen(s);
    if (n > VT_ASSET_TEXT_MAX)
        return vt_error_set_field(err, VT_EINVALID, field, "longer than %d bytes",
                                  VT_ASSET_TEXT_MAX);
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return vt_error_set_field(err, VT_EINVALID, field, "contains a control character");
    return 0;
}

/* identifiers: an array of non-empty strings (host names, addresses). */
static int check_identifiers(const cJSON *ids, vt_error *err)
{
    const cJSON *e;
    int i = 0;

    if (!cJSON_IsArray(ids))
        return vt_error_set_field(err, VT_EINVALID, "/identifiers",
                                  "identifiers must be an array of strings");
    if (cJSON_GetArraySize(ids) > VT_ASSET_IDENTIFIERS_MAX)
        return vt_error_set_field(err, VT_EINVALID, "/identifiers", "more than %d identifiers",
                                  VT_ASSET_IDENTIFIERS_MAX);
    cJSON_ArrayForEach(e, ids)
    {
        char field[32];

        snprintf(field, sizeof(field), "/identifiers/%d", i++);
        if (!cJSON_IsString(e) || !e->valuestring[0])
            return vt_error_set_field(err, VT_EINVALID, field, "must be a non-empty string");
        if (check_text(e->valuestring, field, err) < 0)
            return VT_EINVALID;
    }
    return 0;
}

static int check_purl(const char *s, vt_error *err)
{
    vt_purl *p = NULL;
    int error;

    if (!s)
        return 0;
    error = vt_purl_parse(&p, s, strlen(s), err);
    vt_purl_free(p);
    if (error == VT_ENOMEM)
        return error;
    if (error < 0)
        return vt_error_set_field(err, VT_EINVALID, "/purl", "%s", err->msg);
    return 0;
}

static int check_sbom(const char *s, size_t len, vt_error *err)
{
    vt_sbom *sbom = NULL;
    int error;

    if (!s)
        return 0;
    error = vt_sbom_parse(&sbom, s, len, err);
    vt_sbom_free(sbom);
    if (error == VT_ENOMEM)
        return error;
    if (error < 0)
        return vt_error_set_field(err, VT_EINVALID, "/sbom", "%s", err->msg);
    return 0;
}

/* Every field of a complete asset. */
static int asset_check(const vt_asset *a, vt_error *err)
{
    int error;

    if (!a->name || !a->name[0])
        return vt_error_set_field(err, VT_EINVALID, "/name", "name is required");
    error = check_text(a->name, "/name", err);
    if (error == 0)
        error = check_text(a->vendor, "/vendor", err);
    if (error == 0)
        error = check_text(a->product, "/product", err);
    if (error == 0)
        error = check_text(a->version, "/version", err);
    if (error == 0 && a->purl && strlen(a->purl) > VT_ASSET_TEXT_MAX * 4)
        error = vt_error_set_field(err, VT_EINVALID, "/purl", "purl too long");
    if (error == 0)
        error = check_purl(a->purl, err);
    if (error == 0 && !exposure_valid(a->publicly_exposed))
        error = vt_error_set_field(err, VT_EINVALID, "/publicly_exposed",
                                   "publicly_exposed must be yes, no or unknown");
    if (error == 0 && !a->purl && !a->sbom && !a->product)
        error = vt_error_set_field(err, VT_EINVALID, "/product",
                                   "an asset needs a product (with vendor and version), a purl "
                                   "or an SBOM");
    return error;
}

/* Replace *slot with a copy of `v`: NULL keeps it, "" clears it. */
static int set_field(char **slot, const char *v, size_t len)
{
    char *copy;

    if (!v)
        return 0;
    if (!v[0] || !len) {
        vt_free(*slot);
        *slot = NULL;
        return 0;
    }
    copy = vt_malloc(len + 1);
    if (!copy)
        return VT_ENOMEM;
    memcpy(copy, v, len);
    copy[len] = '\0';
    vt_free(*slot);
    *slot = copy;
    return 0;
}

static int set_str(char **slot, const char *v)
{
    return set_field(slot, v, v ? strlen(v) : 0);
}

/* Apply `in` to `a` (after checking the parts that need parsing). */
static int asset_apply(vt_asset *a, const vt_asset_in *in, vt_error *err)
{
    int error = 0;

    if (in->identifiers) {
        char *text;

        error = check_identifiers(in->identifiers, err);
        if (error < 0)
            return error;
        text = cJSON_PrintUnformatted(in->identifiers);
        if (!text)
            return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        vt_free(a->identifiers);
        a->identifiers = vt_strdup(text);
        cJSON_free(text);
        if (!a->identifiers)
            return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    }
    if (in->next_upgrade) {
        int64_t ms = 0;

        if (in->next_upgrade[0] &&
            vt_time_parse_rfc3339(&ms, in->next_upgrade, strlen(in->next_upgrade)) != 0)
            return vt_error_set_field(err, VT_EINVALID, "/next_upgrade",
                                      "next_upgrade must be an RFC 3339 time such as "
                                      "2026-12-01T00:00:00Z");
        a->next_upgrade_ms = ms;
    }
    if (in->sbom && in->sbom[0])
        error = check_sbom(in->sbom, in->sbom_len ? in->sbom_len : strlen(in->sbom), err);
    if (error < 0)
        return error;
    if (in->name && !in->name[0])
        return vt_error_set_field(err, VT_EINVALID, "/name", "name is required");
    if (in->publicly_exposed && !exposure_valid(in->publicly_exposed))
        return vt_error_set_field(err, VT_EINVALID, "/publicly_exposed",
                                  "publicly_exposed must be yes, no or unknown");
    if (set_str(&a->name, in->name) < 0 || set_str(&a->vendor, in->vendor) < 0 ||
        set_str(&a->product, in->product) < 0 || set_str(&a->version, in->version) < 0 ||
        set_str(&a->purl, in->purl) < 0 ||
        set_field(&a->sbom, in->sbom, in->sbom_len ? in->sbom_len : (in->sbom ? strlen(in->sbom) : 0)) < 0 ||
        set_str(&a->publicly_exposed, in->publicly_exposed) < 0)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    return asset_check(a, err);
}

static int asset_ledger(vt_store *w, const char *kind, const vt_asset *a, const char *actor,
                        vt_error *err)
{
    vt_ledger_entry_in e;
    vt_buf detail = VT_BUF_INIT, subject = VT_BUF_INIT;
    cJSON *d = cJSON_CreateObject();
    int error = d ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(d, "org_id", (double)a->org_id);
    if (error >= 0)
        error = vt_json_add_str(d, "name", a->name);
    if (error >= 0)
        error = vt_json_add_str(d, "publicly_exposed", a->publicly_exposed);
    if (error >= 0)
        error = vt_json_print(&detail, d);
    if (error >= 0)
        error = vt_buf_printf(&subject, "asset:%lld", (long long)a->id);
    if (error < 0) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    memset(&e, 0, sizeof(e));
    e.kind = kind;
    e.channel = "api";
    e.actor = actor && actor[0] ? actor : "system";
    e.subject = subject.ptr;
    e.detail = detail.ptr;
    error = vt_ledger_append(w, &e, NULL, err);
out:
    cJSON_Delete(d);
    vt_buf_dispose(&detail);
    vt_buf_dispose(&subject);
    return error;
}

/* Move *a into *out (when given), else dispose it. */
static void hand_over(vt_asset *a, vt_asset *out)
{
    if (out) {
        *out = *a;
        memset(a, 0, sizeof(*a));
    }
    vt_asset_dispose(a);
}

int vt_asset_add(vt_store *w, int64_t org_id, const vt_asset_in *in, const char *actor,
                 vt_asset *out, int64_t *existing_id, vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    int64_t found = 0;
    int error;

    if (existing_id)
        *existing_id = 0;
    a.org_id = org_id;
    a.created_ms = vt_clock_now_ms();
    /* The defaults of a new asset, which `in` may override. */
    a.publicly_exposed = vt_strdup("unknown");
    a.identifiers = vt_strdup("[]");
    if (!a.publicly_exposed || !a.identifiers)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    else
        error = asset_apply(&a, in, err);
    if (error == 0)
        error = vt_store_asset_find(w, org_id, a.name, &found, err);
    if (error == 0 && found) {
        if (existing_id)
            *existing_id = found;
        error = vt_error_set_field(err, VT_EINVALID, "/name", "asset %lld already has this name",
                                   (long long)found);
    }
    if (error == 0)
        error = vt_store_asset_insert(w, &a, err);
    if (error == 0)
        error = asset_ledger(w, "asset.add", &a, actor, err);
    if (error == 0)
        hand_over(&a, out);
    vt_asset_dispose(&a);
    return error;
}

int vt_asset_get(vt_store *s, int64_t org_id, int64_t id, vt_asset *out, vt_error *err)
{
    int error = vt_store_asset_get(s, id, out, err);

    /* Another organisation's asset is reported exactly like a missing one. */
    if (error == 0 && org_id && out->org_id != org_id) {
        vt_asset_dispose(out);
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no asset %lld", (long long)id);
    }
    return error;
}

int vt_asset_update(vt_store *w, int64_t org_id, int64_t id, const vt_asset_in *in,
                    const char *actor, vt_asset *out, int64_t *existing_id, vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    int64_t found = 0;
    int error;

    if (existing_id)
        *existing_id = 0;
    error = vt_asset_get(w, org_id, id, &a, err);
    if (error == 0)
        error = asset_apply(&a, in, err);
    if (error == 0 && in->name)
        error = vt_store_asset_find(w, a.org_id, a.name, &found, err);
    if (error == 0 && found && found != id) {
        if (existing_id)
            *existing_id = found;
        error = vt_error_set_field(err, VT_EINVALID, "/name", "asset %lld already has this name",
                                   (long long)found);
    }
    if (error == 0)
        error = vt_store_asset_update(w, &a, err);
    if (error == 0)
        error = asset_ledger(w, "asset.update", &a, actor, err);
    if (error == 0)
        hand_over(&a, out);
    vt_asset_dispose(&a);
    return error;
}

int vt_asset_delete(vt_store *w, int64_t org_id, int64_t id, const char *actor, vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    int error;

    error = vt_asset_get(w, org_id, id, &a, err);
    if (error == 0)
        error = vt_store_asset_delete(w, id, err);
    if (error == 0)
        error = asset_ledger(w, "asset.delete", &a, actor, err);
    vt_asset_dispose(&a);
    return error;
}

int vt_asset_list(vt_store *s, int64_t org_id, int (*each)(void *ctx, const vt_asset *a),
                  void *ctx, vt_error *err)
{
    return vt_store_asset_list(s, org_id, each, ctx, err);
}

static int add_opt(cJSON *o, const char *key, const char *v)
{
    return v ? vt_json_add_str(o, key, v) : vt_json_add_null(o, key);
}

cJSON *vt_asset_json(const vt_asset *a)
{
    cJSON *o = cJSON_CreateObject(), *ids = NULL, *sb = NULL;
    char t[VT_TIME_TEXT_MAX];
    int error = o ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(o, "id", (double)a->id);
    if (error >= 0)
        error = vt_json_add_str(o, "name", a->name);
    if (error >= 0)
        error = add_opt(o, "vendor", a->vendor);
    if (error >= 0)
        error = add_opt(o, "product", a->product);
    if (error >= 0)
        error = add_opt(o, "version", a->version);
    if (error >= 0)
        error = add_opt(o, "purl", a->purl);
    if (error >= 0 && a->sbom) {
        vt_sbom *sbom = NULL;
        vt_error e2 = VT_ERROR_INIT;
        size_t i, n = 0;

        sb = cJSON_CreateObject();
        error = sb ? 0 : VT_ENOMEM;
        if (error >= 0 && vt_sbom_parse(&sbom, a->sbom, strlen(a->sbom), &e2) == 0) {
            for (i = 0; i < sbom->ncomponents; i++)
                n += !sbom->components[i].is_metadata;
            error = vt_json_add_str(sb, "format", vt_sbom_format_name(sbom->format));
            if (error >= 0)
                error = vt_json_add_num(sb, "components", (double)n);
        }
        vt_sbom_free(sbom);
        if (error >= 0)
            error = vt_json_add_take(o, "sbom", sb);
        else
            cJSON_Delete(sb);
    } else if (error >= 0) {
        error = vt_json_add_null(o, "sbom");
    }
    if (error >= 0)
        error = vt_json_add_str(o, "publicly_exposed", a->publicly_exposed);
    if (error >= 0)
        error = add_opt(o, "next_upgrade",
                        a->next_upgrade_ms ? vt_time_format_utc(t, a->next_upgrade_ms) : NULL);
    if (error >= 0) {
        error = vt_json_parse(&ids, a->identifiers, strlen(a->identifiers), NULL);
        if (error >= 0)
            error = vt_json_add_take(o, "identifiers", ids);
    }
    if (error >= 0)
        error = vt_json_add_str(o, "created_at", vt_time_format_utc(t, a->created_ms));
    if (error < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
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
    int error = c ? add_opt(c, "name", name) : VT_ENOMEM;

    if (error >= 0)
        error = add_opt(c, "version", version);
    if (error >= 0)
        error = add_opt(c, "purl", purl);
    if (error < 0) {
        cJSON_Delete(c);
        return error;
    }
    return vt_json_add_take(o, "component", c);
}

static int kev_json(cJSON *o, const char *date_added, const char *due_date)
{
    cJSON *k = cJSON_CreateObject();
    int error = k ? add_opt(k, "date_added", date_added) : VT_ENOMEM;

    if (error >= 0)
        error = add_opt(k, "due_date", due_date);
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
        error = add_opt(o, "summary", f->summary);
    if (error >= 0)
        error = add_str_array(o, "fixed_versions", f->fixed_versions, f->nfixed_versions);
    if (error >= 0)
        error = vt_json_add_take(o, "known_exploited", cJSON_CreateBool(f->kev != NULL));
    if (error >= 0)
        error = f->kev ? kev_json(o, f->kev->date_added, f->kev->due_date)
                       : vt_json_add_null(o, "kev");
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

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

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
    const char *id = str_of(product, "product_id");
    const char *name = str_of(product, "name");
    const cJSON *helper = cJSON_GetObjectItemCaseSensitive(product, "product_identification_helper");
    const char *purl = str_of(helper, "purl");
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
        const char *cat = str_of(b, "category"), *name = str_of(b, "name");
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
        walk_branches(m, a, cJSON_GetObjectItemCaseSensitive(b, "branches"), v, p, ver,
                      depth + 1);
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

            error = item ? add_opt(item, "category", str_of(r, "category")) : VT_ENOMEM;
            if (error >= 0)
                error = add_opt(item, "details", str_of(r, "details"));
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
    const char *status, *cve = str_of(vuln, "cve"), *id = cve;
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
                id = str_of(e, "text");
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
        const char *t = str_of(e, "text");

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
        const char *title = str_of(vuln, "title");

        if (!title)
            title = str_of(cJSON_GetObjectItemCaseSensitive(doc, "document"), "title");
        error = add_opt(o, "summary", title);
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
        const char *id = str_of(e, "vulnerability");
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

static int findings_of(cJSON **out, vt_store *s, const vt_asset *a, vt_error *err)
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
        error = findings_of(out, s, &a, err);
    vt_asset_dispose(&a);
    return error;
}

/* ------------------------------------------------------------------------ */
/* An operator case from a finding                                          */

/* The case identifier scheme of an id, or NULL (PYSEC-, GO-, ... have none). */
static const char *identifier_scheme(const char *id)
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

static bool finding_names(const cJSON *f, const char *vulnerability)
{
    const cJSON *e;
    const char *id = str_of(f, "vulnerability");

    if (id && strcmp(id, vulnerability) == 0)
        return true;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(f, "aliases"))
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, vulnerability) == 0)
            return true;
    }
    return false;
}

static int add_identifier(cJSON *ids, const char *id)
{
    const char *scheme = id ? identifier_scheme(id) : NULL;
    const cJSON *e;
    cJSON *item;

    if (!scheme)
        return 0;
    cJSON_ArrayForEach(e, ids)
    {
        if (strcmp(str_of(e, "id"), id) == 0)
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

/* The case fields of finding `f` on asset `a` (before normalisation). */
static int case_fields(cJSON **out, const vt_asset *a, const cJSON *f)
{
    cJSON *doc = cJSON_CreateObject(), *products, *p, *versions, *ids, *e;
    const cJSON *alias;
    char t[VT_TIME_TEXT_MAX];
    const char *purl = str_of(cJSON_GetObjectItemCaseSensitive(f, "component"), "purl");
    const char *summary = str_of(f, "summary");
    int error = doc ? 0 : VT_ENOMEM;

    *out = NULL;
    if (error >= 0) {
        products = cJSON_AddArrayToObject(doc, "products");
        p = cJSON_CreateObject();
        error = products && p ? 0 : VT_ENOMEM;
        if (error >= 0 && a->vendor)
            error = vt_json_add_str(p, "vendor", a->vendor);
        if (error >= 0)
            error = vt_json_add_str(p, "name", a->product ? a->product : a->name);
        if (error >= 0 && a->version) {
            versions = cJSON_AddArrayToObject(p, "versions");
            error = versions ? vt_json_add_str(versions, NULL, a->version) : VT_ENOMEM;
        }
        if (error >= 0)
            error = vt_json_add_take(products, NULL, p);
        else
            cJSON_Delete(p);
    }
    if (error >= 0)
        error = vt_json_add_str(doc, "product_type", "system");
    if (error >= 0) {
        ids = cJSON_AddArrayToObject(doc, "identifiers");
        error = ids ? add_identifier(ids, str_of(f, "vulnerability")) : VT_ENOMEM;
        cJSON_ArrayForEach(alias, cJSON_GetObjectItemCaseSensitive(f, "aliases"))
        {
            if (error >= 0 && cJSON_IsString(alias))
                error = add_identifier(ids, alias->valuestring);
        }
        if (error >= 0 && cJSON_GetArraySize(ids) == 0)
            cJSON_DeleteItemFromObjectCaseSensitive(doc, "identifiers");
    }
    /* The BOD 26-04 inputs the asset knows: exposure (unknown leaves it
     * unset, so both outcomes are shown) and the next upgrade. */
    if (error >= 0 && strcmp(a->publicly_exposed, "unknown") != 0) {
        e = cJSON_AddObjectToObject(doc, "ssvc");
        error = e ? vt_json_add_str(e, "exposed", a->publicly_exposed) : VT_ENOMEM;
    }
    if (error >= 0 && a->next_upgrade_ms)
        error = vt_json_add_str(doc, "next_upgrade", vt_time_format_utc(t, a->next_upgrade_ms));
    if (error >= 0 && summary)
        error = vt_json_add_str(doc, "description", summary);
    if (error >= 0 && purl) {
        cJSON *comps = cJSON_AddArrayToObject(doc, "components"), *c = cJSON_CreateObject();

        error = comps && c ? vt_json_add_str(c, "purl", purl) : VT_ENOMEM;
        if (error >= 0)
            error = vt_json_add_take(comps, NULL, c);
        else
            cJSON_Delete(c);
    }
    if (error < 0) {
        cJSON_Delete(doc);
        return error;
    }
    *out = doc;
    return 0;
}

static int source_finding(cJSON *doc, const vt_asset *a, const char *vulnerability,
                          const cJSON *f)
{
    cJSON *src = cJSON_CreateObject();
    const cJSON *adv = cJSON_GetObjectItemCaseSensitive(f, "advisory");
    int error = src ? vt_json_add_num(src, "asset_id", (double)a->id) : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(src, "vulnerability", vulnerability);
    if (error >= 0)
        error = vt_json_add_str(src, "source", str_of(f, "source"));
    if (error >= 0 && cJSON_IsObject(adv))
        error = add_opt(src, "advisory", str_of(adv, "tracking_id"));
    if (error >= 0)
        error = vt_json_add_take(src, "known_exploited",
                                 cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(
                                                     f, "known_exploited"), 1));
    if (error < 0) {
        cJSON_Delete(src);
        return error;
    }
    return vt_json_add_take(doc, "source_finding", src);
}

int vt_asset_finding_to_case(vt_store *w, int64_t org_id, int64_t id, const char *vulnerability,
                             const char *actor, const struct vt_policy_set *ps,
                             const struct vt_calendar_set *cs, int64_t *case_id, char ref[32],
                             char existing_ref[32], vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    cJSON *list = NULL, *fields = NULL, *doc = NULL;
    const cJSON *f = NULL, *e;
    vt_buf title = VT_BUF_INIT;
    vt_case_new in;
    bool found = false;
    int error;

    existing_ref[0] = '\0';
    ref[0] = '\0';
    *case_id = 0;
    error = vt_asset_get(w, org_id, id, &a, err);
    if (error < 0)
        goto out;
    error = findings_of(&list, w, &a, err);
    if (error < 0)
        goto out;
    cJSON_ArrayForEach(e, list)
    {
        if (!f && finding_names(e, vulnerability))
            f = e;
    }
    if (!f) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "asset %lld has no finding %s",
                             (long long)a.id, vulnerability);
        goto out;
    }
    /* The case is recorded under the finding's own id, whichever alias
     * named it, so that an alias cannot open a second case. Checked in the
     * writer, so that two requests for the same finding cannot both pass:
     * the second sees the first's case. */
    vulnerability = str_of(f, "vulnerability");
    error = vt_store_asset_case_for_finding(w, a.org_id, a.id, vulnerability, &found,
                                            existing_ref, err);
    if (error < 0)
        goto out;
    if (found) {
        error = vt_error_set_field(err, VT_EINVALID, "/vulnerability",
                                   "case %s was already opened from %s on this asset",
                                   existing_ref, vulnerability);
        goto out;
    }
    error = case_fields(&fields, &a, f);
    if (error == 0)
        error = vt_case_doc_normalize(&doc, fields, NULL, "/doc", err);
    else
        vt_error_set(err, error, 0, "out of memory");
    if (error < 0)
        goto out;
    if (source_finding(doc, &a, vulnerability, f) < 0 ||
        vt_buf_printf(&title, "%s on %s", vulnerability, a.name) < 0) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    memset(&in, 0, sizeof(in));
    in.org_id = a.org_id;
    in.title = title.ptr;
    in.scope = "operator_system";
    in.doc = doc;
    in.actor = actor;
    error = vt_case_create(w, &in, ps, cs, case_id, ref, err);
out:
    cJSON_Delete(list);
    cJSON_Delete(fields);
    cJSON_Delete(doc);
    vt_buf_dispose(&title);
    vt_asset_dispose(&a);
    return error;
}
