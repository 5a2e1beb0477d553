/*
 * scan_json.c - the scan report as JSON: the contract scripts are written
 * against (issue 3, docs/scan.md). Keys appear in the contract's order; a
 * missing optional string is null, never left out, so that every finding has
 * the same shape.
 */
#include "vulntrack/json.h"
#include "vulntrack/scan.h"

static int add_str_or_null(cJSON *obj, const char *key, const char *s)
{
    return s ? vt_json_add_str(obj, key, s) : vt_json_add_null(obj, key);
}

static int add_str_array(cJSON *obj, const char *key, const char *const *v, size_t n)
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
    return vt_json_add_take(obj, key, arr);
}

static int component_json(cJSON *parent, const vt_finding *f)
{
    cJSON *c = cJSON_CreateObject();
    int error = c ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = add_str_or_null(c, "name", f->name);
    if (error >= 0)
        error = add_str_or_null(c, "version", f->version);
    if (error >= 0)
        error = add_str_or_null(c, "purl", f->purl);
    if (error >= 0)
        error = add_str_or_null(c, "ecosystem", f->ecosystem);
    if (error >= 0)
        error = add_str_or_null(c, "bom_ref", f->bom_ref);
    if (error < 0) {
        cJSON_Delete(c);
        return error;
    }
    return vt_json_add_take(parent, "component", c);
}

static int kev_json(cJSON *parent, const vt_scan_kev *k)
{
    cJSON *o;
    int error;

    if (!k)
        return vt_json_add_null(parent, "known_exploited");
    o = cJSON_CreateObject();
    error = o ? 0 : VT_ENOMEM;
    if (error >= 0)
        error = add_str_or_null(o, "cve", k->cve);
    if (error >= 0)
        error = add_str_or_null(o, "date_added", k->date_added);
    if (error >= 0)
        error = add_str_or_null(o, "due_date", k->due_date);
    if (error >= 0)
        error = add_str_or_null(o, "ransomware", k->ransomware);
    if (error < 0) {
        cJSON_Delete(o);
        return error;
    }
    return vt_json_add_take(parent, "known_exploited", o);
}

static int vulnerability_json(cJSON *parent, const vt_finding *f)
{
    cJSON *v = cJSON_CreateObject(), *cvss = NULL, *grade = NULL;
    size_t i;
    int error = v ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(v, "id", f->id);
    if (error >= 0)
        error = add_str_array(v, "aliases", f->aliases, f->naliases);
    if (error >= 0)
        error = add_str_or_null(v, "summary", f->summary);
    if (error >= 0) {
        cvss = cJSON_CreateArray();
        error = cvss ? 0 : VT_ENOMEM;
        for (i = 0; error >= 0 && i < f->ncvss; i++) {
            cJSON *one = cJSON_CreateObject();

            error = one ? vt_json_add_str(one, "vector", f->cvss[i].vector) : VT_ENOMEM;
            if (error >= 0)
                error = vt_json_add_num(one, "base_score", f->cvss[i].base_score);
            if (error >= 0)
                error = vt_json_add_take(cvss, NULL, one);
            else
                cJSON_Delete(one);
        }
        if (error >= 0)
            error = vt_json_add_take(v, "cvss", cvss);
        else
            cJSON_Delete(cvss);
    }
    if (error >= 0)
        error = vt_grade_to_json(&grade, &f->grade);
    if (error >= 0)
        error = vt_json_add_take(v, "grade", grade);
    if (error >= 0)
        error = kev_json(v, f->kev);
    if (error < 0) {
        cJSON_Delete(v);
        return error;
    }
    return vt_json_add_take(parent, "vulnerability", v);
}

static int finding_json(cJSON *arr, const vt_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    int error = o ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(o, "sbom", f->sbom_path);
    if (error >= 0)
        error = component_json(o, f);
    if (error >= 0)
        error = vulnerability_json(o, f);
    if (error >= 0)
        error = add_str_array(o, "fixed_versions", f->fixed_versions, f->nfixed_versions);
    if (error >= 0)
        error = vt_json_add_str(o, "matched_because", f->matched_because);
    if (error < 0) {
        cJSON_Delete(o);
        return error;
    }
    return vt_json_add_take(arr, NULL, o);
}

/* sboms[] lists the SBOMs that loaded; errors[] the ones that did not. */
static int sboms_json(cJSON *root, const vt_scan_report *r)
{
    cJSON *arr = cJSON_CreateArray(), *errs = cJSON_CreateArray();
    size_t i;
    int error = arr && errs ? 0 : VT_ENOMEM;

    for (i = 0; error >= 0 && i < r->nsboms; i++) {
        const vt_scan_sbom *b = &r->sboms[i];
        cJSON *o = cJSON_CreateObject();

        error = o ? vt_json_add_str(o, "path", b->path) : VT_ENOMEM;
        if (error >= 0 && b->error) {
            error = vt_json_add_str(o, "error", b->error);
            if (error >= 0)
                error = vt_json_add_take(errs, NULL, o);
            else
                cJSON_Delete(o);
            continue;
        }
        if (error >= 0)
            error = vt_json_add_str(o, "format", b->format);
        if (error >= 0)
            error = add_str_or_null(o, "spec_version", b->spec_version);
        if (error >= 0)
            error = vt_json_add_num(o, "components", (double)b->components);
        if (error >= 0)
            error = vt_json_add_num(o, "unidentified", (double)b->unidentified);
        if (error >= 0)
            error = vt_json_add_take(arr, NULL, o);
        else
            cJSON_Delete(o);
    }
    if (error < 0) {
        cJSON_Delete(arr);
        cJSON_Delete(errs);
        return error;
    }
    error = vt_json_add_take(root, "sboms", arr);
    if (error < 0) {
        cJSON_Delete(errs);
        return error;
    }
    return vt_json_add_take(root, "errors", errs);
}

static int unidentified_json(cJSON *root, const vt_scan_report *r)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    int error = arr ? 0 : VT_ENOMEM;

    for (i = 0; error >= 0 && i < r->nunidentified; i++) {
        const vt_scan_unidentified *u = &r->unidentified[i];
        cJSON *o = cJSON_CreateObject();

        error = o ? vt_json_add_str(o, "sbom", u->sbom_path) : VT_ENOMEM;
        if (error >= 0)
            error = add_str_or_null(o, "name", u->name);
        if (error >= 0)
            error = add_str_or_null(o, "version", u->version);
        if (error >= 0)
            error = add_str_or_null(o, "bom_ref", u->bom_ref);
        if (error >= 0)
            error = vt_json_add_str(o, "reason", u->reason);
        if (error >= 0)
            error = vt_json_add_take(arr, NULL, o);
        else
            cJSON_Delete(o);
    }
    if (error < 0) {
        cJSON_Delete(arr);
        return error;
    }
    return vt_json_add_take(root, "unidentified", arr);
}

int vt_scan_write_json(vt_buf *out, const vt_scan_report *r, const vt_scan_write_options *opts)
{
    cJSON *root = cJSON_CreateObject(), *findings = NULL;
    size_t i;
    int error = root ? 0 : VT_ENOMEM;

    (void)opts;
    if (error >= 0)
        error = sboms_json(root, r);
    if (error >= 0) {
        findings = cJSON_CreateArray();
        error = findings ? 0 : VT_ENOMEM;
        for (i = 0; error >= 0 && i < r->nfindings; i++)
            error = finding_json(findings, &r->findings[i]);
        if (error >= 0)
            error = vt_json_add_take(root, "findings", findings);
        else
            cJSON_Delete(findings);
    }
    if (error >= 0)
        error = unidentified_json(root, r);
    if (error >= 0)
        error = vt_json_print(out, root);
    if (error >= 0)
        error = vt_buf_putc(out, '\n');
    cJSON_Delete(root);
    return error;
}
