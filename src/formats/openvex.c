/*
 * openvex.c - the scan report as an OpenVEX 0.2.0 document: one statement per
 * advisory naming every affected component by purl. The status is
 * under_investigation: the project's VEX mapping (spec regulations.md §11)
 * gives a scanner finding the internal status UNDER_INVESTIGATION until a
 * person assesses it; the options' analyses carry such assessments (vex.c)
 * and are written instead.
 */
#include <string.h>

#include "scan_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/scan.h"

#define OPENVEX_CONTEXT "https://openvex.dev/ns/v0.2.0"

/* OpenVEX names a product by its purl alone. */
static const char *finding_purl(const vt_finding *f)
{
    return f->purl;
}

static int product_json(cJSON *products, const vt_finding *f, const char *purl)
{
    cJSON *p = cJSON_CreateObject(), *ids = cJSON_CreateObject();
    int error = p && ids ? vt_json_add_str(p, "@id", purl) : VT_ENOMEM;

    (void)f;
    if (error >= 0)
        error = vt_json_add_str(ids, "purl", purl);
    if (error >= 0) {
        error = vt_json_add_take(p, "identifiers", ids);
        ids = NULL;
    }
    if (error >= 0) {
        error = vt_json_add_take(products, NULL, p);
        p = NULL;
    }
    cJSON_Delete(ids);
    cJSON_Delete(p);
    return error;
}

static int statement_json(cJSON *statements, const vt_scan_report *r, const vt__scan_group *g)
{
    const vt_finding *f = &r->findings[g->members[0]];
    const vt_scan_analysis *a = g->analysis;
    cJSON *st = cJSON_CreateObject(), *vuln = NULL, *aliases = NULL;
    vt_buf notes = VT_BUF_INIT;
    size_t i;
    int error = st ? 0 : VT_ENOMEM;

    if (error >= 0) {
        vuln = cJSON_CreateObject();
        error = vuln ? vt_json_add_str(vuln, "name", f->id) : VT_ENOMEM;
        if (error >= 0 && f->summary)
            error = vt_json_add_str(vuln, "description", f->summary);
        if (error >= 0 && f->naliases) {
            aliases = cJSON_CreateArray();
            error = aliases ? 0 : VT_ENOMEM;
            for (i = 0; error >= 0 && i < f->naliases; i++)
                error = vt_json_add_str(aliases, NULL, f->aliases[i]);
            if (error >= 0)
                error = vt_json_add_take(vuln, "aliases", aliases);
            else
                cJSON_Delete(aliases);
        }
        if (error >= 0)
            error = vt_json_add_take(st, "vulnerability", vuln);
        else
            cJSON_Delete(vuln);
    }
    if (error >= 0)
        error = vt__scan_add_component_array(st, "products", r, g, finding_purl, product_json);
    if (error >= 0)
        error = vt_json_add_str(st, "status", a && a->openvex_status ? a->openvex_status
                                                                     : "under_investigation");
    if (error >= 0 && a && a->openvex_justification)
        error = vt_json_add_str(st, "justification", a->openvex_justification);
    if (error >= 0 && a && a->impact_statement)
        error = vt_json_add_str(st, "impact_statement", a->impact_statement);
    if (error >= 0 && a && a->action_statement)
        error = vt_json_add_str(st, "action_statement", a->action_statement);
    if (error >= 0 && a && a->detail)
        error = vt_buf_puts(&notes, a->detail);
    else if (error >= 0)
        error = vt__scan_triage_note(&notes, r, g);
    if (error >= 0)
        error = vt_json_add_str(st, "status_notes", notes.ptr);
    vt_buf_dispose(&notes);
    if (error < 0) {
        cJSON_Delete(st);
        return error;
    }
    return vt_json_add_take(statements, NULL, st);
}

int vt_scan_stream_openvex(vt_out *out, const vt_scan_report *r, const vt_scan_write_options *opts)
{
    vt__scan_groups g;
    cJSON *head = NULL;
    vt_buf id = VT_BUF_INIT, ts = VT_BUF_INIT, tooling = VT_BUF_INIT;
    int error;

    error = vt__scan_groups_init_assessed(&g, r, opts ? opts->analyses : NULL);
    if (error < 0)
        return error;
    head = cJSON_CreateObject();
    error = head ? 0 : VT_ENOMEM;
    if (error >= 0)
        error = vt_json_add_str(head, "@context", OPENVEX_CONTEXT);
    if (error >= 0)
        error = vt__scan_document_urn(&id, r, "openvex", opts);
    if (error >= 0)
        error = vt_json_add_str(head, "@id", id.ptr);
    if (error >= 0)
        error = vt_json_add_str(head, "author", "vulntrack");
    if (error >= 0)
        error = vt_scan_format_time(&ts, opts ? opts->now_ms : 0);
    if (error >= 0)
        error = vt_json_add_str(head, "timestamp", ts.ptr);
    if (error >= 0)
        error = vt_json_add_num(head, "version", 1);
    if (error >= 0)
        error = vt_buf_printf(&tooling, "vulntrack %s", vt__scan_tool_version(opts));
    if (error >= 0)
        error = vt_json_add_str(head, "tooling", tooling.ptr);
    if (error >= 0)
        error = vt__scan_open_object(out, head);
    if (error >= 0)
        error = vt__scan_stream_group_array(out, "statements", r, &g, statement_json);
    if (error >= 0)
        error = vt__scan_close_document(out, "}");
    cJSON_Delete(head);
    vt_buf_dispose(&id);
    vt_buf_dispose(&ts);
    vt_buf_dispose(&tooling);
    vt__scan_groups_dispose(&g);
    return error;
}

int vt_scan_write_openvex(vt_buf *out, const vt_scan_report *r, const vt_scan_write_options *opts)
{
    vt_out o;

    vt_out_init_buf(&o, out);
    return vt_scan_stream_openvex(&o, r, opts);
}
