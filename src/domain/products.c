/*
 * products.c - the product inventory (products.h): validation of products
 * and versions, SBOM import through the format readers, findings through
 * the scanner, and a case opened from one finding.
 *
 * Nothing here matches versions or reads SBOM formats itself: the SBOM is
 * read by vt_sbom_parse, the findings come from vt_scan_* against the
 * advisory store, and the case is opened by vt_case_create, which records
 * the events and computes the obligations. What this file adds is the
 * inventory (which organisation owns which product and version) and the
 * mapping of a finding onto case fields.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/cvss.h"
#include "vulntrack/json.h"
#include "vulntrack/products.h"
#include "vulntrack/purl.h"
#include "vulntrack/sbom.h"

/* ------------------------------------------------------------------------ */
/* Validation                                                               */

static const char *const product_types[] = {"hardware", "software", "network_service", "system"};
static const char *const support_statuses[] = {"supported", "security_only", "end_of_life",
                                               "unknown"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    size_t i;

    if (!s)
        return false;
    for (i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

bool vt_product_type_valid(const char *type)
{
    return in_list(type, product_types, sizeof(product_types) / sizeof(product_types[0]));
}

bool vt_product_support_status_valid(const char *status)
{
    return in_list(status, support_statuses,
                   sizeof(support_statuses) / sizeof(support_statuses[0]));
}

/* Text a person typed: at most VT_PRODUCT_TEXT_MAX bytes, no control characters. */
static bool text_ok(const char *s, bool may_be_empty)
{
    size_t n;
    const unsigned char *p;

    if (!s)
        return may_be_empty;
    n = strlen(s);
    if ((n == 0 && !may_be_empty) || n > VT_PRODUCT_TEXT_MAX)
        return false;
    for (p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

bool vt_product_version_name_valid(const char *version)
{
    /* A version is a path segment of the API: with a '/' it could not be
     * addressed. */
    return text_ok(version, false) && !strchr(version, '/');
}

/* Check every field of a product; the first bad one is reported. */
static int product_check(const vt_product *p, vt_error *err)
{
    if (!text_ok(p->name, false))
        return vt_error_set_field(err, VT_EINVALID, "/name",
                                  "name must be 1 to %d bytes without control characters",
                                  VT_PRODUCT_TEXT_MAX);
    if (!text_ok(p->model, true))
        return vt_error_set_field(err, VT_EINVALID, "/model",
                                  "model must be at most %d bytes without control characters",
                                  VT_PRODUCT_TEXT_MAX);
    if (!vt_product_type_valid(p->type))
        return vt_error_set_field(err, VT_EINVALID, "/type",
                                  "type must be hardware, software, network_service or system");
    if (p->support_status && !vt_product_support_status_valid(p->support_status))
        return vt_error_set_field(err, VT_EINVALID, "/support_status",
                                  "support_status must be supported, security_only, "
                                  "end_of_life or unknown");
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Products                                                                 */

int vt_product_add(vt_store *w, vt_product *p, int64_t *existing_id, vt_error *err)
{
    int64_t found = 0;
    int error;

    if (existing_id)
        *existing_id = 0;
    error = product_check(p, err);
    if (error < 0)
        return error;
    error = vt_store_product_find(w, p->org_id, p->name, p->model, &found, err);
    if (error < 0)
        return error;
    if (found) {
        if (existing_id)
            *existing_id = found;
        return vt_error_set_field(err, VT_EINVALID, "/name",
                                  "product '%s' model '%s' already exists (id %lld)", p->name,
                                  p->model ? p->model : "", (long long)found);
    }
    if (!p->created_ms)
        p->created_ms = vt_clock_now_ms();
    return vt_store_product_insert(w, p, err);
}

int vt_product_get(vt_store *s, int64_t org_id, int64_t id, vt_product *out, vt_error *err)
{
    int error;

    error = vt_store_product_get(s, id, out, err);
    if (error < 0)
        return error;
    /* Another organisation's product is reported exactly like a missing one. */
    if (org_id && out->org_id != org_id) {
        vt_product_dispose(out);
        return vt_error_set(err, VT_ENOTFOUND, 0, "no product %lld", (long long)id);
    }
    return 0;
}

/* Replace the string *slot with a copy of `v` (when not NULL). */
static int replace_str(char **slot, const char *v)
{
    char *copy;

    if (!v)
        return 0;
    copy = vt_strdup(v);
    if (!copy)
        return VT_ENOMEM;
    vt_free(*slot);
    *slot = copy;
    return 0;
}

int vt_product_update(vt_store *w, int64_t org_id, int64_t id, const vt_product_patch *patch,
                      vt_product *out, int64_t *existing_id, vt_error *err)
{
    vt_product p = VT_PRODUCT_INIT;
    int64_t found = 0;
    int error;

    if (existing_id)
        *existing_id = 0;
    error = vt_product_get(w, org_id, id, &p, err);
    if (error < 0)
        goto out;
    if (replace_str(&p.name, patch->name) < 0 || replace_str(&p.model, patch->model) < 0 ||
        replace_str(&p.type, patch->type) < 0 ||
        replace_str(&p.support_status, patch->support_status) < 0) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    error = product_check(&p, err);
    if (error < 0)
        goto out;
    error = vt_store_product_find(w, p.org_id, p.name, p.model, &found, err);
    if (error < 0)
        goto out;
    if (found && found != p.id) {
        if (existing_id)
            *existing_id = found;
        error = vt_error_set_field(err, VT_EINVALID, patch->name ? "/name" : "/model",
                                   "product '%s' model '%s' already exists (id %lld)", p.name,
                                   p.model, (long long)found);
        goto out;
    }
    error = vt_store_product_update(w, &p, err);
    if (error < 0)
        goto out;
    if (out) {
        *out = p;
        memset(&p, 0, sizeof(p));
    }
out:
    vt_product_dispose(&p);
    return error;
}

/* ------------------------------------------------------------------------ */
/* SBOMs and versions                                                       */

/*
 * The reader's messages start with the JSON pointer of the problem
 * ("/components/4/name: expected a string"); the API's `field` is that
 * pointer under "/sbom", where the document sits in the request.
 */
static void sbom_error_field(vt_error *err)
{
    char field[VT_ERROR_FIELD_MAX];
    size_t n = 0;

    if (!err)
        return;
    if (err->msg[0] == '/') {
        const char *colon = strstr(err->msg, ": ");

        n = colon ? (size_t)(colon - err->msg) : 0;
    }
    if (n > sizeof(field) - sizeof("/sbom"))
        n = sizeof(field) - sizeof("/sbom");
    memcpy(field, "/sbom", 5);
    memcpy(field + 5, err->msg, n);
    field[5 + n] = '\0';
    memcpy(err->field, field, sizeof(field));
}

static void hex_sha256(char out[65], const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[crypto_hash_sha256_BYTES];
    size_t i;

    crypto_hash_sha256(digest, (const unsigned char *)s, len);
    for (i = 0; i < sizeof(digest); i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
}

/* Schema violations as one line: the first, with its pointer, and how many. */
static int sbom_schema_check(const char *s, size_t len, const char *schema_dir, vt_error *err)
{
    vt_jsonschema_errors errs = VT_JSONSCHEMA_ERRORS_INIT;
    int error;

    error = vt_sbom_validate(s, len, schema_dir, &errs, err);
    if (error == VT_EINVALID && errs.count > 0) {
        const vt_jsonschema_error *e = &errs.items[0];

        vt_error_set_field(err, VT_EINVALID, "/sbom",
                           "SBOM not valid against its schema: %s: %s (%zu violation%s%s)",
                           e->instance[0] ? e->instance : "/", e->message, errs.count,
                           errs.count == 1 ? "" : "s", errs.truncated ? " or more" : "");
        snprintf(err->field, sizeof(err->field), "/sbom%s", e->instance);
    }
    vt_jsonschema_errors_dispose(&errs);
    return error;
}

int vt_product_sbom_check(const char *s, size_t len, const char *schema_dir, vt_product_sbom *out,
                          vt_error *err)
{
    vt_sbom *sbom = NULL;
    size_t i;
    int error;

    memset(out, 0, sizeof(*out));
    error = vt_sbom_parse(&sbom, s, len, err);
    if (error == VT_EINVALID || error == VT_EUNSUPPORTED) {
        sbom_error_field(err);
        return error;
    }
    if (error < 0)
        return error;
    if (schema_dir) {
        error = sbom_schema_check(s, len, schema_dir, err);
        if (error == VT_EUNSUPPORTED)
            snprintf(err->field, sizeof(err->field), "/sbom");
        if (error < 0)
            goto out;
    }
    out->format = vt_sbom_format_name(sbom->format);
    snprintf(out->spec_version, sizeof(out->spec_version), "%s",
             sbom->spec_version ? sbom->spec_version : "");
    for (i = 0; i < sbom->ncomponents; i++)
        if (!sbom->components[i].is_metadata)
            out->components++;
    hex_sha256(out->sha256, s, len);
out:
    vt_sbom_free(sbom);
    return error;
}

int vt_product_version_put(vt_store *w, int64_t org_id, int64_t product_id, const char *version,
                           const vt_product_version_in *in, bool *created, vt_product_version *out,
                           vt_error *err)
{
    vt_product p = VT_PRODUCT_INIT;
    vt_product_sbom checked;
    const vt_product_sbom *c = in->checked;
    int error;

    if (created)
        *created = false;
    if (!vt_product_version_name_valid(version))
        return vt_error_set_field(err, VT_EINVALID, "/version",
                                  "version must be 1 to %d bytes without control characters "
                                  "or '/'",
                                  VT_PRODUCT_TEXT_MAX);
    if (in->support_status && !vt_product_support_status_valid(in->support_status))
        return vt_error_set_field(err, VT_EINVALID, "/support_status",
                                  "support_status must be supported, security_only, "
                                  "end_of_life or unknown");
    /* Reading the SBOM first: a bad one changes nothing. */
    if (in->sbom && !c) {
        error = vt_product_sbom_check(in->sbom, in->sbom_len, NULL, &checked, err);
        if (error < 0)
            return error;
        c = &checked;
    }
    error = vt_product_get(w, org_id, product_id, &p, err);
    if (error < 0)
        goto out;
    error =
        vt_store_product_version_upsert(w, product_id, version, in->support_status, created, err);
    if (error < 0)
        goto out;
    if (in->sbom) {
        error = vt_store_product_version_set_sbom(w, product_id, version, c->format, in->sbom,
                                                  in->sbom_len, c->sha256, c->components,
                                                  in->now_ms ? in->now_ms : vt_clock_now_ms(), err);
        if (error < 0)
            goto out;
    }
    if (out)
        error = vt_store_product_version_get(w, product_id, version, out, NULL, NULL, err);
out:
    vt_product_dispose(&p);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Findings                                                                 */

/* Parse the stored SBOM of a version and scan it; *out is a finished scan. */
static int findings_of(vt_store *s, const vt_product *p, const char *version, vt_scan **out,
                       vt_error *err)
{
    vt_product_version v = VT_PRODUCT_VERSION_INIT;
    vt_sbom *sbom = NULL;
    vt_scan *scan = NULL;
    vt_buf label = VT_BUF_INIT;
    char *text = NULL;
    size_t len = 0;
    int error;

    *out = NULL;
    error = vt_store_product_version_get(s, p->id, version, &v, &text, &len, err);
    if (error < 0)
        goto out;
    if (!text) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "version '%s' of product %lld has no SBOM",
                             version, (long long)p->id);
        goto out;
    }
    error = vt_sbom_parse(&sbom, text, len, err);
    if (error < 0) {
        /* It read when it was imported: only a stricter reader gets here. */
        if (error != VT_ENOMEM)
            error = vt_error_set(err, VT_EINTERNAL, 0, "the stored SBOM no longer reads: %s",
                                 err ? err->msg : "");
        goto out;
    }
    /* The text is not needed once parsed, and may be megabytes. */
    vt_free(text);
    text = NULL;
    error = vt_buf_printf(&label, "%s@%s", p->name, version);
    if (error < 0)
        goto out;
    error = vt_scan_new(&scan, s);
    if (error < 0)
        goto out;
    error = vt_scan_add_sbom(scan, label.ptr, sbom, err);
    if (error < 0)
        goto out;
    vt_scan_finish(scan);
    *out = scan;
    scan = NULL;
out:
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory scanning version '%s'", version);
    vt_scan_free(scan);
    vt_sbom_free(sbom);
    vt_free(text);
    vt_buf_dispose(&label);
    vt_product_version_dispose(&v);
    return error;
}

int vt_product_findings(vt_store *s, int64_t org_id, int64_t product_id, const char *version,
                        vt_scan **out, vt_error *err)
{
    vt_product p = VT_PRODUCT_INIT;
    int error;

    *out = NULL;
    error = vt_product_get(s, org_id, product_id, &p, err);
    if (error == 0)
        error = findings_of(s, &p, version, out, err);
    vt_product_dispose(&p);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Finding to case                                                          */

void vt_product_case_draft_dispose(vt_product_case_draft *d)
{
    if (!d)
        return;
    vt_free(d->version);
    vt_free(d->advisory_id);
    vt_free(d->title);
    cJSON_Delete(d->doc);
    memset(d, 0, sizeof(*d));
}

/*
 * Who to notify upstream: the purl's namespace names the publisher for most
 * types (a Go module's host and owner, a Maven group, an npm scope, a
 * GitHub owner); a purl without one (PyPI, crates.io) is a package of its
 * ecosystem, named as such.
 */
static int upstream_provider(vt_buf *out, const vt_finding *f)
{
    vt_purl *purl = NULL;
    int error;

    if (f->purl && vt_purl_parse(&purl, f->purl, strlen(f->purl), NULL) == 0 &&
        vt_purl_namespace(purl)) {
        error = vt_buf_puts(out, vt_purl_namespace(purl));
    } else {
        error = vt_buf_printf(out, "%s package %s", f->ecosystem ? f->ecosystem : "unknown",
                              purl ? vt_purl_name(purl) : (f->name ? f->name : "?"));
    }
    vt_purl_free(purl);
    return error;
}

/* The CWE ids an advisory gives (GitHub's database_specific.cwe_ids), if any. */
static int add_cwes(vt_store *s, cJSON *doc, const char *advisory_id)
{
    char *raw = NULL;
    size_t len = 0;
    cJSON *adv = NULL, *list = NULL;
    const cJSON *ids, *e;
    int error;

    error = vt_store_get_advisory(s, advisory_id, &raw, &len, NULL);
    if (error == VT_ENOTFOUND)
        return 0;
    if (error < 0)
        return error;
    /* A record that does not parse again has no CWE to offer; the finding
     * itself came from the scanner's own parse. */
    if (vt_json_parse(&adv, raw, len, NULL) < 0)
        goto out;
    ids = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(adv, "database_specific"), "cwe_ids");
    cJSON_ArrayForEach(e, ids)
    {
        if (!cJSON_IsString(e) || strncmp(e->valuestring, "CWE-", 4) != 0)
            continue;
        if (!list) {
            list = cJSON_CreateArray();
            if (!list) {
                error = VT_ENOMEM;
                goto out;
            }
        }
        error = vt_json_add_str(list, NULL, e->valuestring);
        if (error < 0)
            goto out;
    }
    if (list) {
        error = vt_json_add_take(doc, "cwe", list);
        list = NULL;
    }
out:
    cJSON_Delete(list);
    cJSON_Delete(adv);
    vt_free(raw);
    return error;
}

/* The case fields for finding `f` on version `version` of product `p`. */
static int draft_doc(vt_store *s, const vt_product *p, const char *version, const vt_finding *f,
                     cJSON **out)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *products = NULL, *prod = NULL, *versions = NULL, *upstream = NULL, *ids = NULL;
    cJSON *cvss = NULL, *src = NULL, *fixed = NULL;
    vt_buf provider = VT_BUF_INIT;
    size_t i;
    int error = VT_ENOMEM;

    *out = NULL;
    if (!doc)
        goto out;

    products = cJSON_AddArrayToObject(doc, "products");
    prod = cJSON_CreateObject();
    if (!products || !prod)
        goto out;
    if (vt_json_add_num(prod, "product_id", (double)p->id) < 0 ||
        vt_json_add_str(prod, "name", p->name) < 0 || vt_json_add_str(prod, "model", p->model) < 0)
        goto out;
    versions = cJSON_AddArrayToObject(prod, "versions");
    if (!versions || vt_json_add_str(versions, NULL, version) < 0)
        goto out;
    error = vt_json_add_take(products, NULL, prod);
    prod = NULL;
    if (error < 0)
        goto out;
    error = VT_ENOMEM;
    if (vt_json_add_str(doc, "product_type", p->type) < 0)
        goto out;

    upstream = cJSON_AddObjectToObject(doc, "upstream");
    if (!upstream || upstream_provider(&provider, f) < 0 ||
        vt_json_add_str(upstream, "purl", f->purl) < 0 ||
        vt_json_add_str(upstream, "provider", provider.ptr) < 0 ||
        /* The finding names the upstream component, so its provider is known
         * from the start: the upstream notice runs from awareness (§3.4). */
        !cJSON_AddBoolToObject(upstream, "known_at_awareness", 1))
        goto out;

    ids = cJSON_CreateArray();
    if (!ids || vt_case_identifier_add(ids, f->id) < 0)
        goto out;
    for (i = 0; i < f->naliases; i++)
        if (vt_case_identifier_add(ids, f->aliases[i]) < 0)
            goto out;
    if (cJSON_GetArraySize(ids) > 0) {
        error = vt_json_add_take(doc, "identifiers", ids);
        ids = NULL;
        if (error < 0)
            goto out;
        error = VT_ENOMEM;
    }

    if (f->ncvss > 0) {
        cvss = cJSON_AddArrayToObject(doc, "cvss");
        if (!cvss)
            goto out;
        for (i = 0; i < f->ncvss; i++) {
            const vt_scan_cvss *c = &f->cvss[i];
            const char *sev = vt_cvss_severity(c->version, c->score10);
            cJSON *e = cJSON_CreateObject();

            if (!e || vt_json_add_str(e, "vector", c->vector) < 0 ||
                vt_json_add_str(e, "version", vt_cvss_version_text(c->version)) < 0 ||
                vt_json_add_num(e, "score", c->base_score) < 0 ||
                vt_json_add_str(e, "severity", sev) < 0) {
                cJSON_Delete(e);
                goto out;
            }
            if (vt_json_add_take(cvss, NULL, e) < 0)
                goto out;
        }
    }

    error = add_cwes(s, doc, f->id);
    if (error < 0)
        goto out;
    error = VT_ENOMEM;

    src = cJSON_AddObjectToObject(doc, "source_finding");
    if (!src || vt_json_add_num(src, "product_id", (double)p->id) < 0 ||
        vt_json_add_str(src, "version", version) < 0 ||
        vt_json_add_str(src, "advisory_id", f->id) < 0 ||
        vt_json_add_str(src, "purl", f->purl) < 0 ||
        vt_json_add_str(src, "ecosystem", f->ecosystem) < 0 ||
        vt_json_add_str(src, "installed_version", f->version) < 0 ||
        vt_json_add_str(src, "known_exploited", f->kev ? f->kev->cve : NULL) < 0 ||
        vt_json_add_str(src, "matched_because", f->matched_because) < 0)
        goto out;
    fixed = cJSON_AddArrayToObject(src, "fixed_versions");
    if (!fixed)
        goto out;
    for (i = 0; i < f->nfixed_versions; i++)
        if (vt_json_add_str(fixed, NULL, f->fixed_versions[i]) < 0)
            goto out;

    *out = doc;
    doc = NULL;
    error = 0;
out:
    cJSON_Delete(prod);
    cJSON_Delete(ids);
    cJSON_Delete(doc);
    vt_buf_dispose(&provider);
    return error;
}

/* The finding of `advisory_id` to open the case from: the one on `purl`
 * when given, else the first in priority order. */
static const vt_finding *pick_finding(const vt_scan_report *r, const char *advisory_id,
                                      const char *purl)
{
    size_t i;

    for (i = 0; i < r->nfindings; i++) {
        const vt_finding *f = &r->findings[i];

        if (strcmp(f->id, advisory_id) != 0)
            continue;
        if (purl && (!f->purl || strcmp(f->purl, purl) != 0))
            continue;
        return f;
    }
    return NULL;
}

int vt_product_case_draft_build(vt_store *s, int64_t org_id, int64_t product_id,
                                const char *version, const char *advisory_id, const char *purl,
                                vt_product_case_draft *out, vt_error *err)
{
    vt_product p = VT_PRODUCT_INIT;
    vt_scan *scan = NULL;
    const vt_finding *f;
    vt_buf title = VT_BUF_INIT;
    int error;

    memset(out, 0, sizeof(*out));
    error = vt_product_get(s, org_id, product_id, &p, err);
    if (error < 0)
        goto out;
    error = findings_of(s, &p, version, &scan, err);
    if (error < 0)
        goto out;
    f = pick_finding(vt_scan_get_report(scan), advisory_id, purl);
    if (!f) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no finding of %s%s%s on %s version '%s'",
                             advisory_id, purl ? " for " : "", purl ? purl : "", p.name, version);
        goto out;
    }
    error = vt_buf_printf(&title, "%s in %s (%s %s)", f->id, f->name ? f->name : f->purl, p.name,
                          version);
    if (error < 0)
        goto out;
    error = draft_doc(s, &p, version, f, &out->doc);
    if (error < 0)
        goto out;
    out->org_id = p.org_id;
    out->product_id = p.id;
    out->version = vt_strdup(version);
    out->advisory_id = vt_strdup(advisory_id);
    out->title = vt_buf_detach(&title);
    if (!out->version || !out->advisory_id || !out->title)
        error = VT_ENOMEM;
out:
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory building a case from a finding");
    if (error < 0)
        vt_product_case_draft_dispose(out);
    vt_scan_free(scan);
    vt_buf_dispose(&title);
    vt_product_dispose(&p);
    return error;
}

int vt_product_case_open(vt_store *w, const vt_product_case_draft *draft, const char *actor,
                         const struct vt_policy_set *ps, const struct vt_calendar_set *cs,
                         int64_t *case_id, char ref[32], char existing_ref[32], vt_error *err)
{
    vt_case_new in;
    cJSON *doc = NULL, *fields, *source;
    bool found = false;
    int error;

    existing_ref[0] = '\0';
    ref[0] = '\0';
    *case_id = 0;
    /* Checked in the writer, so that two requests for the same finding
     * cannot both pass: the second sees the first's case. */
    error = vt_store_product_case_for_finding(w, draft->org_id, draft->product_id, draft->version,
                                              draft->advisory_id, &found, existing_ref, err);
    if (error < 0)
        return error;
    if (found)
        return vt_error_set_field(err, VT_EINVALID, "/advisory_id",
                                  "case %s was already opened from %s on this version",
                                  existing_ref, draft->advisory_id);
    /* The case fields are validated and completed by the cases module;
     * source_finding is this module's record of where the case came from
     * and goes in beside them, as built. */
    fields = cJSON_Duplicate(draft->doc, 1);
    if (!fields)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    source = cJSON_DetachItemFromObjectCaseSensitive(fields, "source_finding");
    error = vt_case_doc_normalize(&doc, fields, NULL, "/doc", err);
    cJSON_Delete(fields);
    if (error == 0 && source) {
        error = vt_json_add_take(doc, "source_finding", source);
        source = NULL;
        if (error < 0)
            vt_error_set(err, error, 0, "out of memory");
    }
    cJSON_Delete(source);
    if (error < 0) {
        cJSON_Delete(doc);
        return error;
    }
    memset(&in, 0, sizeof(in));
    in.org_id = draft->org_id;
    in.title = draft->title;
    in.scope = "own_product";
    in.doc = doc;
    in.actor = actor;
    error = vt_case_create(w, &in, ps, cs, case_id, ref, err);
    cJSON_Delete(doc);
    return error;
}

int vt_product_finding_to_case(vt_store *w, int64_t org_id, int64_t product_id, const char *version,
                               const char *advisory_id, const char *purl, const char *actor,
                               const struct vt_policy_set *ps, const struct vt_calendar_set *cs,
                               int64_t *case_id, char ref[32], char existing_ref[32], vt_error *err)
{
    vt_product_case_draft d = VT_PRODUCT_CASE_DRAFT_INIT;
    int error;

    existing_ref[0] = '\0';
    ref[0] = '\0';
    *case_id = 0;
    error = vt_product_case_draft_build(w, org_id, product_id, version, advisory_id, purl, &d, err);
    if (error == 0)
        error = vt_product_case_open(w, &d, actor, ps, cs, case_id, ref, existing_ref, err);
    vt_product_case_draft_dispose(&d);
    return error;
}
