/*
 * cyclonedx_vex.c - the scan report as a CycloneDX 1.5 VEX: a BOM that lists
 * the affected components and, in vulnerabilities[], one entry per advisory
 * with its ratings, the components it affects (by bom-ref) and an analysis.
 *
 * A scanner finding has not been assessed by a person, so its analysis state
 * is "in_triage": the project's VEX status mapping (spec regulations.md §11)
 * maps the internal UNDER_INVESTIGATION status to CycloneDX in_triage. Only a
 * person's decision turns it into exploitable, not_affected or resolved: the
 * options' analyses carry those decisions (vex.c) and are written instead.
 */
#include <string.h>

#include "scan_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/cvss.h"
#include "vulntrack/json.h"
#include "vulntrack/scan.h"

/* The CycloneDX 1.5 rating method of a CVSS version. */
static const char *rating_method(int version)
{
    switch (version) {
    case 20:
        return "CVSSv2";
    case 30:
        return "CVSSv3";
    case 31:
        return "CVSSv31";
    case 40:
        return "CVSSv4";
    default:
        return "other";
    }
}

/* Lower-case copy of a CVSS qualitative rating ("Critical" -> "critical"). */
static const char *rating_severity(const vt_scan_cvss *c)
{
    static const char *const names[][2] = {
        {"None", "none"}, {"Low", "low"}, {"Medium", "medium"},
        {"High", "high"}, {"Critical", "critical"},
    };
    const char *s = vt_cvss_severity(c->version, c->score10);
    size_t i;

    for (i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i][0]) == 0)
            return names[i][1];
    return "unknown";
}

static int source_json(cJSON *obj, const char *id)
{
    cJSON *src = cJSON_CreateObject();
    vt_buf url = VT_BUF_INIT;
    bool cve = strncmp(id, "CVE-", 4) == 0;
    int error = src ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(src, "name", cve ? "NVD" : "OSV");
    if (error >= 0)
        error = cve ? vt_buf_printf(&url, "https://nvd.nist.gov/vuln/detail/%s", id)
                    : vt_buf_printf(&url, "https://osv.dev/vulnerability/%s", id);
    if (error >= 0)
        error = vt_json_add_str(src, "url", url.ptr);
    vt_buf_dispose(&url);
    if (error < 0) {
        cJSON_Delete(src);
        return error;
    }
    return vt_json_add_take(obj, "source", src);
}

static int add_property(cJSON *props, const char *name, const char *value)
{
    cJSON *p = cJSON_CreateObject();
    int error = p ? vt_json_add_str(p, "name", name) : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(p, "value", value);
    if (error < 0) {
        cJSON_Delete(p);
        return error;
    }
    return vt_json_add_take(props, NULL, p);
}

static int ratings_json(cJSON *v, const vt_finding *f)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    int error = arr ? 0 : VT_ENOMEM;

    for (i = 0; error >= 0 && i < f->ncvss; i++) {
        cJSON *r = cJSON_CreateObject();

        error = r ? vt_json_add_num(r, "score", f->cvss[i].base_score) : VT_ENOMEM;
        if (error >= 0)
            error = vt_json_add_str(r, "severity", rating_severity(&f->cvss[i]));
        if (error >= 0)
            error = vt_json_add_str(r, "method", rating_method(f->cvss[i].version));
        if (error >= 0)
            error = vt_json_add_str(r, "vector", f->cvss[i].vector);
        if (error >= 0)
            error = vt_json_add_take(arr, NULL, r);
        else
            cJSON_Delete(r);
    }
    if (error < 0) {
        cJSON_Delete(arr);
        return error;
    }
    return vt_json_add_take(v, "ratings", arr);
}

/* Every fixed version of the group's findings, first occurrence order, deduplicated. */
static int recommendation(vt_buf *out, const vt_scan_report *r, const vt__scan_group *g)
{
    size_t i, j, k, l, count = 0;
    int error = 0;

    for (i = 0; error >= 0 && i < g->n; i++) {
        const vt_finding *f = &r->findings[g->members[i]];

        for (j = 0; error >= 0 && j < f->nfixed_versions; j++) {
            bool seen = false;

            /* Earlier findings of the group, and earlier entries of this one. */
            for (k = 0; !seen && k <= i; k++) {
                const vt_finding *e = &r->findings[g->members[k]];
                size_t lim = k == i ? j : e->nfixed_versions;

                for (l = 0; !seen && l < lim; l++)
                    seen = strcmp(e->fixed_versions[l], f->fixed_versions[j]) == 0;
            }
            if (seen)
                continue;
            error = vt_buf_puts(out, count ? ", " : "Upgrade to a fixed version: ");
            if (error >= 0)
                error = vt_buf_puts(out, f->fixed_versions[j]);
            count++;
        }
    }
    return error;
}

/* One affects[] entry: the component's bom-ref and its version, affected. */
static int affect_json(cJSON *affects, const vt_finding *f, const char *ref)
{
    cJSON *a = cJSON_CreateObject(), *versions = cJSON_CreateArray(), *ver = cJSON_CreateObject();
    int error = a && versions && ver ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(ver, "version", f->version);
    if (error >= 0)
        error = vt_json_add_str(ver, "status", "affected");
    if (error >= 0) {
        error = vt_json_add_take(versions, NULL, ver);
        ver = NULL;
    }
    if (error >= 0)
        error = vt_json_add_str(a, "ref", ref);
    if (error >= 0) {
        error = vt_json_add_take(a, "versions", versions);
        versions = NULL;
    }
    if (error >= 0) {
        error = vt_json_add_take(affects, NULL, a);
        a = NULL;
    }
    cJSON_Delete(a);
    cJSON_Delete(versions);
    cJSON_Delete(ver);
    return error;
}

/*
 * analysis{}: a scanner finding is in_triage with the scanner's note; an
 * assessed one (g->analysis) has the person's state, justification,
 * response and note. `text` is scratch space.
 */
static int analysis_json(cJSON *analysis, vt_buf *text, const vt_scan_report *r,
                         const vt__scan_group *g)
{
    const vt_scan_analysis *a = g->analysis;
    int error;

    error = vt_json_add_str(analysis, "state",
                            a && a->cyclonedx_state ? a->cyclonedx_state : "in_triage");
    if (error >= 0 && a && a->cyclonedx_justification)
        error = vt_json_add_str(analysis, "justification", a->cyclonedx_justification);
    if (error >= 0 && a && a->cyclonedx_response) {
        cJSON *resp = cJSON_CreateArray();

        error = resp ? vt_json_add_str(resp, NULL, a->cyclonedx_response) : VT_ENOMEM;
        if (error >= 0)
            error = vt_json_add_take(analysis, "response", resp);
        else
            cJSON_Delete(resp);
    }
    vt_buf_clear(text);
    if (error >= 0 && a && a->detail)
        error = vt_buf_puts(text, a->detail);
    else if (error >= 0)
        error = vt__scan_triage_note(text, r, g);
    if (error >= 0)
        error = vt_json_add_str(analysis, "detail", text->ptr);
    return error;
}

/*
 * A component assessed as not affected, a false positive or resolved is
 * "unaffected" in affects[].versions[]; otherwise it stays "affected".
 */
static int assessed_affects(cJSON *affects, const vt_scan_analysis *a)
{
    static const char *const unaffected[] = {"not_affected", "false_positive", "resolved"};
    const cJSON *entry, *ver;
    bool is_unaffected = false;
    size_t i;

    for (i = 0; a->cyclonedx_state && i < sizeof(unaffected) / sizeof(unaffected[0]); i++)
        is_unaffected = is_unaffected || strcmp(a->cyclonedx_state, unaffected[i]) == 0;
    if (!is_unaffected)
        return 0;
    cJSON_ArrayForEach(entry, affects)
    {
        cJSON_ArrayForEach(ver, cJSON_GetObjectItemCaseSensitive(entry, "versions"))
        {
            cJSON *st = cJSON_CreateString("unaffected");

            if (!st || !cJSON_ReplaceItemInObjectCaseSensitive((cJSON *)ver, "status", st)) {
                cJSON_Delete(st);
                return VT_ENOMEM;
            }
        }
    }
    return 0;
}

static int vulnerability_json(cJSON *vulns, const vt_scan_report *r, const vt__scan_group *g)
{
    const vt_finding *f = &r->findings[g->members[0]];
    cJSON *v = cJSON_CreateObject(), *refs = NULL, *analysis = NULL;
    cJSON *props = NULL;
    vt_buf text = VT_BUF_INIT;
    size_t i;
    int error = v ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(v, "id", f->id);
    if (error >= 0)
        error = source_json(v, f->id);
    if (error >= 0 && f->naliases) {
        refs = cJSON_CreateArray();
        error = refs ? 0 : VT_ENOMEM;
        for (i = 0; error >= 0 && i < f->naliases; i++) {
            cJSON *ref = cJSON_CreateObject();

            error = ref ? vt_json_add_str(ref, "id", f->aliases[i]) : VT_ENOMEM;
            if (error >= 0)
                error = source_json(ref, f->aliases[i]);
            if (error >= 0)
                error = vt_json_add_take(refs, NULL, ref);
            else
                cJSON_Delete(ref);
        }
        if (error >= 0)
            error = vt_json_add_take(v, "references", refs);
        else
            cJSON_Delete(refs);
    }
    if (error >= 0)
        error = ratings_json(v, f);
    if (error >= 0 && f->summary)
        error = vt_json_add_str(v, "description", f->summary);
    if (error >= 0)
        error = recommendation(&text, r, g);
    if (error >= 0 && text.len)
        error = vt_json_add_str(v, "recommendation", text.ptr);
    if (error >= 0) {
        analysis = cJSON_CreateObject();
        error = analysis ? 0 : VT_ENOMEM;
        if (error >= 0)
            error = analysis_json(analysis, &text, r, g);
        if (error >= 0)
            error = vt_json_add_take(v, "analysis", analysis);
        else
            cJSON_Delete(analysis);
    }
    if (error >= 0)
        error = vt__scan_add_component_array(v, "affects", r, g, vt__scan_component_ref,
                                             affect_json);
    if (error >= 0 && g->analysis)
        error = assessed_affects(cJSON_GetObjectItemCaseSensitive(v, "affects"), g->analysis);
    if (error >= 0) {
        props = cJSON_CreateArray();
        error = props ? 0 : VT_ENOMEM;
        if (error >= 0)
            error = add_property(props, "vulntrack:grade", vt_grade_level_en(f->grade.level));
        if (error >= 0 && f->kev) {
            error = add_property(props, "vulntrack:kev:cve", f->kev->cve);
            if (error >= 0 && f->kev->date_added)
                error = add_property(props, "vulntrack:kev:date_added", f->kev->date_added);
            if (error >= 0 && f->kev->due_date)
                error = add_property(props, "vulntrack:kev:due_date", f->kev->due_date);
            if (error >= 0 && f->kev->ransomware)
                error = add_property(props, "vulntrack:kev:ransomware", f->kev->ransomware);
        }
        if (error >= 0)
            error = vt_json_add_take(v, "properties", props);
        else
            cJSON_Delete(props);
    }
    vt_buf_dispose(&text);
    if (error < 0) {
        cJSON_Delete(v);
        return error;
    }
    return vt_json_add_take(vulns, NULL, v);
}

/* components[]: each affected component once, under the ref the vulnerabilities use. */
static int stream_components(vt_out *out, const vt_scan_report *r)
{
    const char **refs = NULL;
    bool *first = NULL, first_element = true;
    cJSON *holder = cJSON_CreateArray();
    size_t i;
    int error = holder ? 0 : VT_ENOMEM;

    if (error >= 0 && r->nfindings) {
        refs = vt_calloc(r->nfindings, sizeof(*refs));
        error = refs ? 0 : VT_ENOMEM;
        for (i = 0; error >= 0 && i < r->nfindings; i++)
            refs[i] = vt__scan_component_ref(&r->findings[i]);
        if (error >= 0)
            error = vt__scan_first_occurrence(&first, refs, r->nfindings);
    }
    if (error >= 0)
        error = vt__scan_open_array(out, "components");
    for (i = 0; error >= 0 && i < r->nfindings; i++) {
        const vt_finding *f = &r->findings[i];
        cJSON *c;

        if (!first[i])
            continue;
        c = cJSON_CreateObject();
        error = c ? vt_json_add_str(c, "type", "library") : VT_ENOMEM;
        if (error >= 0)
            error = vt_json_add_str(c, "bom-ref", refs[i]);
        if (error >= 0)
            error = vt_json_add_str(c, "name", f->name && f->name[0] ? f->name : f->purl);
        if (error >= 0)
            error = vt_json_add_str(c, "version", f->version);
        if (error >= 0)
            error = vt_json_add_str(c, "purl", f->purl);
        if (error >= 0)
            error = vt_json_add_take(holder, NULL, c);
        else
            cJSON_Delete(c);
        if (error >= 0)
            error = vt__scan_print_elements(out, holder, &first_element);
    }
    if (error >= 0)
        error = vt_buf_putc(out->b, ']');
    vt_free(refs);
    vt_free(first);
    cJSON_Delete(holder);
    return error;
}

static int metadata_json(cJSON *root, const vt_scan_write_options *opts)
{
    cJSON *meta = cJSON_CreateObject(), *tools = cJSON_CreateObject();
    cJSON *comps = cJSON_CreateArray(), *tool = cJSON_CreateObject();
    vt_buf ts = VT_BUF_INIT;
    int error = meta && tools && comps && tool ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_scan_format_time(&ts, opts ? opts->now_ms : 0);
    if (error >= 0)
        error = vt_json_add_str(meta, "timestamp", ts.ptr);
    if (error >= 0)
        error = vt_json_add_str(tool, "type", "application");
    if (error >= 0)
        error = vt_json_add_str(tool, "name", "vulntrack");
    if (error >= 0)
        error = vt_json_add_str(tool, "version", vt__scan_tool_version(opts));
    if (error >= 0) {
        error = vt_json_add_take(comps, NULL, tool);
        tool = NULL;
    }
    if (error >= 0) {
        error = vt_json_add_take(tools, "components", comps);
        comps = NULL;
    }
    if (error >= 0) {
        error = vt_json_add_take(meta, "tools", tools);
        tools = NULL;
    }
    if (error >= 0) {
        error = vt_json_add_take(root, "metadata", meta);
        meta = NULL;
    }
    cJSON_Delete(tool);
    cJSON_Delete(comps);
    cJSON_Delete(tools);
    cJSON_Delete(meta);
    vt_buf_dispose(&ts);
    return error;
}

int vt_scan_stream_cyclonedx_vex(vt_out *out, const vt_scan_report *r,
                                 const vt_scan_write_options *opts)
{
    vt__scan_groups g;
    cJSON *head = NULL;
    vt_buf serial = VT_BUF_INIT;
    int error;

    error = vt__scan_groups_init_assessed(&g, r, opts ? opts->analyses : NULL);
    if (error < 0)
        return error;
    head = cJSON_CreateObject();
    error = head ? 0 : VT_ENOMEM;
    if (error >= 0)
        error = vt_json_add_str(head, "bomFormat", "CycloneDX");
    if (error >= 0)
        error = vt_json_add_str(head, "specVersion", "1.5");
    if (error >= 0)
        error = vt__scan_document_urn(&serial, r, "cyclonedx-vex", opts);
    if (error >= 0)
        error = vt_json_add_str(head, "serialNumber", serial.ptr);
    if (error >= 0)
        error = vt_json_add_num(head, "version", 1);
    if (error >= 0)
        error = metadata_json(head, opts);
    if (error >= 0)
        error = vt__scan_open_object(out, head);
    if (error >= 0)
        error = stream_components(out, r);
    if (error >= 0)
        error = vt__scan_stream_group_array(out, "vulnerabilities", r, &g, vulnerability_json);
    if (error >= 0)
        error = vt__scan_close_document(out, "}");
    cJSON_Delete(head);
    vt_buf_dispose(&serial);
    vt__scan_groups_dispose(&g);
    return error;
}

int vt_scan_write_cyclonedx_vex(vt_buf *out, const vt_scan_report *r,
                                const vt_scan_write_options *opts)
{
    vt_out o;

    vt_out_init_buf(&o, out);
    return vt_scan_stream_cyclonedx_vex(&o, r, opts);
}
