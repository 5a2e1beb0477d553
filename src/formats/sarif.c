/*
 * sarif.c - the scan report as SARIF 2.1.0 (OASIS), for code-scanning
 * dashboards: one rule per advisory, one result per finding. The location of
 * a result is the SBOM file (physical) and the component (logical, by purl),
 * since an SBOM finding has no line in source code.
 */
#include <string.h>

#include "scan_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/scan.h"

#define SARIF_SCHEMA                                                                               \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/*
 * SARIF levels: error for what must be fixed first (known exploited, critical
 * and high), warning for medium, note for the rest (low, none, no score).
 */
static const char *sarif_level(const vt_finding *f)
{
    if (f->kev || f->grade.level >= VT_GRADE_HIGH)
        return "error";
    if (f->grade.level == VT_GRADE_MEDIUM)
        return "warning";
    return "note";
}

static int add_text(cJSON *obj, const char *key, const char *text)
{
    cJSON *m = cJSON_CreateObject();
    int error = m ? vt_json_add_str(m, "text", text) : VT_ENOMEM;

    if (error < 0) {
        cJSON_Delete(m);
        return error;
    }
    return vt_json_add_take(obj, key, m);
}

/* A relative or absolute file path as a URI reference: unreserved bytes and '/' kept. */
static int path_uri(vt_buf *out, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p;
    int error = 0;

    for (p = (const unsigned char *)path; error >= 0 && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            error = vt_buf_putc(out, (char)*p);
        else {
            error = vt_buf_putc(out, '%');
            if (error >= 0)
                error = vt_buf_putc(out, hex[*p >> 4]);
            if (error >= 0)
                error = vt_buf_putc(out, hex[*p & 15]);
        }
    }
    return error;
}

static int rule_json(cJSON *rules, const vt_finding *f)
{
    cJSON *rule = cJSON_CreateObject(), *props = NULL, *tags = NULL, *conf = NULL;
    vt_buf tmp = VT_BUF_INIT;
    size_t i;
    int error = rule ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(rule, "id", f->id);
    if (error >= 0)
        error = add_text(rule, "shortDescription", f->summary ? f->summary : f->id);
    if (error >= 0)
        error = vt_buf_printf(&tmp, "https://osv.dev/vulnerability/%s", f->id);
    if (error >= 0)
        error = vt_json_add_str(rule, "helpUri", tmp.ptr);
    if (error >= 0) {
        conf = cJSON_CreateObject();
        error = conf ? vt_json_add_str(conf, "level", sarif_level(f)) : VT_ENOMEM;
        if (error >= 0)
            error = vt_json_add_take(rule, "defaultConfiguration", conf);
        else
            cJSON_Delete(conf);
    }
    if (error >= 0) {
        props = cJSON_CreateObject();
        tags = cJSON_CreateArray();
        error = props && tags ? 0 : VT_ENOMEM;
        if (error >= 0)
            error = vt_json_add_str(tags, NULL, "security");
        if (error >= 0)
            error = vt_json_add_str(tags, NULL, "vulnerability");
        for (i = 0; error >= 0 && i < f->naliases; i++)
            error = vt_json_add_str(tags, NULL, f->aliases[i]);
        if (error >= 0) {
            error = vt_json_add_take(props, "tags", tags);
            tags = NULL;
        }
        /* GitHub code scanning reads the score as a string property. */
        if (error >= 0 && f->best_score10 >= 0) {
            vt_buf_clear(&tmp);
            error = vt_buf_printf(&tmp, "%d.%d", f->best_score10 / 10, f->best_score10 % 10);
            if (error >= 0)
                error = vt_json_add_str(props, "security-severity", tmp.ptr);
        }
        if (error >= 0)
            error = vt_json_add_str(props, "grade", vt_grade_level_en(f->grade.level));
        if (error >= 0)
            error = vt_json_add_take(rule, "properties", props);
        else {
            cJSON_Delete(props);
            cJSON_Delete(tags);
        }
    }
    vt_buf_dispose(&tmp);
    if (error < 0) {
        cJSON_Delete(rule);
        return error;
    }
    return vt_json_add_take(rules, NULL, rule);
}

static int location_json(cJSON *result, const vt_finding *f)
{
    cJSON *locs = cJSON_CreateArray(), *loc = cJSON_CreateObject();
    cJSON *phys = cJSON_CreateObject(), *art = cJSON_CreateObject();
    cJSON *logicals = cJSON_CreateArray(), *logical = cJSON_CreateObject();
    vt_buf uri = VT_BUF_INIT;
    int error = locs && loc && phys && art && logicals && logical ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = path_uri(&uri, f->sbom_path);
    if (error >= 0)
        error = vt_json_add_str(art, "uri", uri.ptr);
    if (error >= 0) {
        error = vt_json_add_take(phys, "artifactLocation", art);
        art = NULL;
    }
    if (error >= 0) {
        error = vt_json_add_take(loc, "physicalLocation", phys);
        phys = NULL;
    }
    if (error >= 0)
        error = vt_json_add_str(logical, "name", f->name ? f->name : f->purl);
    if (error >= 0)
        error = vt_json_add_str(logical, "fullyQualifiedName", f->purl);
    if (error >= 0)
        error = vt_json_add_str(logical, "kind", "module");
    if (error >= 0) {
        error = vt_json_add_take(logicals, NULL, logical);
        logical = NULL;
    }
    if (error >= 0) {
        error = vt_json_add_take(loc, "logicalLocations", logicals);
        logicals = NULL;
    }
    if (error >= 0) {
        error = vt_json_add_take(locs, NULL, loc);
        loc = NULL;
    }
    if (error >= 0) {
        error = vt_json_add_take(result, "locations", locs);
        locs = NULL;
    }
    cJSON_Delete(locs);
    cJSON_Delete(loc);
    cJSON_Delete(phys);
    cJSON_Delete(art);
    cJSON_Delete(logicals);
    cJSON_Delete(logical);
    vt_buf_dispose(&uri);
    return error;
}

static int result_json(cJSON *results, const vt_finding *f, size_t rule_index)
{
    cJSON *res = cJSON_CreateObject(), *props = NULL, *fixed = NULL;
    vt_buf msg = VT_BUF_INIT;
    size_t i;
    int error = res ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(res, "ruleId", f->id);
    if (error >= 0)
        error = vt_json_add_num(res, "ruleIndex", (double)rule_index);
    if (error >= 0)
        error = vt_json_add_str(res, "level", sarif_level(f));
    if (error >= 0)
        error = vt_buf_printf(&msg, "%s@%s is affected by %s", f->name ? f->name : f->purl,
                              f->version, f->id);
    if (error >= 0 && f->summary)
        error = vt_buf_printf(&msg, ": %s", f->summary);
    if (error >= 0)
        error = vt_buf_printf(&msg, " (%s)", f->matched_because);
    if (error >= 0 && f->kev)
        error = vt_buf_printf(&msg, "; known exploited (CISA KEV %s)", f->kev->cve);
    if (error >= 0)
        error = vt_buf_putc(&msg, '.');
    if (error >= 0)
        error = add_text(res, "message", msg.ptr);
    if (error >= 0)
        error = location_json(res, f);
    if (error >= 0) {
        props = cJSON_CreateObject();
        fixed = cJSON_CreateArray();
        error = props && fixed ? 0 : VT_ENOMEM;
        for (i = 0; error >= 0 && i < f->nfixed_versions; i++)
            error = vt_json_add_str(fixed, NULL, f->fixed_versions[i]);
        if (error >= 0) {
            error = vt_json_add_take(props, "fixed_versions", fixed);
            fixed = NULL;
        }
        if (error >= 0)
            error = vt_json_add_str(props, "purl", f->purl);
        if (error >= 0)
            error = vt_json_add_str(props, "grade", vt_grade_level_en(f->grade.level));
        if (error >= 0)
            error = vt_json_add_take(props, "known_exploited", cJSON_CreateBool(f->kev != NULL));
        if (error >= 0)
            error = vt_json_add_take(res, "properties", props);
        else {
            cJSON_Delete(props);
            cJSON_Delete(fixed);
        }
    }
    vt_buf_dispose(&msg);
    if (error < 0) {
        cJSON_Delete(res);
        return error;
    }
    return vt_json_add_take(results, NULL, res);
}

/*
 * The document is {"$schema","version","runs":[{"tool":{"driver":{"name",
 * "version","rules":[...]}},"results":[...]}]}: the two arrays are written an
 * element at a time, the rest by hand around them.
 */
int vt_scan_stream_sarif(vt_out *out, const vt_scan_report *r, const vt_scan_write_options *opts)
{
    vt__scan_groups g;
    cJSON *head = cJSON_CreateObject(), *driver = cJSON_CreateObject();
    cJSON *holder = cJSON_CreateArray();
    size_t *rule_of = NULL;
    bool first = true;
    size_t i, j;
    int error;

    error = vt__scan_groups_init(&g, r);
    if (error < 0)
        goto out;
    rule_of = r->nfindings ? vt_calloc(r->nfindings, sizeof(*rule_of)) : NULL;
    error = head && driver && holder && (rule_of || !r->nfindings) ? 0 : VT_ENOMEM;
    if (error >= 0)
        error = vt_json_add_str(head, "$schema", SARIF_SCHEMA);
    if (error >= 0)
        error = vt_json_add_str(head, "version", "2.1.0");
    if (error >= 0)
        error = vt_json_add_str(driver, "name", "vulntrack");
    if (error >= 0)
        error = vt_json_add_str(driver, "version", vt__scan_tool_version(opts));
    if (error >= 0)
        error = vt__scan_open_object(out, head);
    if (error >= 0)
        error = vt_buf_puts(out->b, ",\"runs\":[{\"tool\":{\"driver\":");
    if (error >= 0)
        error = vt__scan_open_object(out, driver);
    if (error >= 0)
        error = vt__scan_open_array(out, "rules");
    for (i = 0; error >= 0 && i < g.ngroups; i++) {
        error = rule_json(holder, &r->findings[g.groups[i].members[0]]);
        if (error >= 0)
            error = vt__scan_print_elements(out, holder, &first);
        for (j = 0; j < g.groups[i].n; j++)
            rule_of[g.groups[i].members[j]] = i;
    }
    if (error >= 0)
        error = vt_buf_puts(out->b, "]}}");
    if (error >= 0)
        error = vt__scan_open_array(out, "results");
    for (first = true, i = 0; error >= 0 && i < r->nfindings; i++) {
        error = result_json(holder, &r->findings[i], rule_of[i]);
        if (error >= 0)
            error = vt__scan_print_elements(out, holder, &first);
    }
    if (error >= 0)
        error = vt__scan_close_document(out, "]}]}");
out:
    cJSON_Delete(holder);
    cJSON_Delete(driver);
    cJSON_Delete(head);
    vt_free(rule_of);
    vt__scan_groups_dispose(&g);
    return error;
}

int vt_scan_write_sarif(vt_buf *out, const vt_scan_report *r, const vt_scan_write_options *opts)
{
    vt_out o;

    vt_out_init_buf(&o, out);
    return vt_scan_stream_sarif(&o, r, opts);
}
