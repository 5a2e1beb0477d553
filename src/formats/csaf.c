/*
 * csaf.c - the CSAF 2.0 document of a case (spec §11): base fields,
 * tracking, document notes and acknowledgments; the product tree and the
 * vulnerability are built by csaf_product_tree.c and csaf_vulns.c. Also
 * the small rules the other formats share: the filename rule, the status
 * and justification mapping, the tracking id.
 */
#include <stdio.h>
#include <string.h>

#include "csaf_internal.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"

static const char *const format_category[VT_ADVISORY_FORMAT_COUNT] = {"csaf_security_advisory",
                                                                      "csaf_vex", "osv"};

const char *vt_advisory_format_category(vt_advisory_format f)
{
    if ((unsigned)f >= VT_ADVISORY_FORMAT_COUNT)
        return "";
    return format_category[f];
}

bool vt_advisory_format_parse(const char *s, vt_advisory_format *out)
{
    if (!s)
        return false;
    if (strcmp(s, "csaf") == 0 || strcmp(s, "csaf_security_advisory") == 0)
        *out = VT_ADVISORY_CSAF;
    else if (strcmp(s, "csaf_vex") == 0)
        *out = VT_ADVISORY_CSAF_VEX;
    else if (strcmp(s, "osv") == 0)
        *out = VT_ADVISORY_OSV;
    else
        return false;
    return true;
}

int vt_advisory_tracking_id(char out[VT_ADVISORY_ID_MAX], const char *org_slug,
                            const char *case_ref)
{
    size_t i, n = strlen(org_slug);

    if (n + 1 + strlen(case_ref) + 1 > VT_ADVISORY_ID_MAX)
        return VT_ETOOBIG;
    for (i = 0; i < n; i++) {
        char c = org_slug[i];
        out[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    out[n] = '-';
    memcpy(out + n + 1, case_ref, strlen(case_ref) + 1);
    return 0;
}

int vt_csaf_filename(char out[VT_CSAF_FILENAME_MAX], const char *tracking_id)
{
    size_t o = 0;
    bool in_run = false;
    const char *p;

    if (!tracking_id || !*tracking_id)
        return VT_EINVALID;
    for (p = tracking_id; *p; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-';
        if (!keep && in_run)
            continue;
        if (o + 1 + sizeof(".json") > VT_CSAF_FILENAME_MAX)
            return VT_ETOOBIG;
        out[o++] = keep ? c : '_';
        in_run = !keep;
    }
    memcpy(out + o, ".json", sizeof(".json"));
    return 0;
}

/* Spec §11, the internal VEX status mapping (CSAF column). */
static const struct {
    const char *internal, *csaf;
} status_map[] = {
    {"UNDER_INVESTIGATION", "under_investigation"}, {"AFFECTED", "known_affected"},
    {"NOT_AFFECTED", "known_not_affected"},         {"FIXED", "fixed"},
    {"FALSE_POSITIVE", "known_not_affected"},
};

const char *vt_csaf_product_status(const char *internal_status)
{
    size_t i;
    for (i = 0; internal_status && i < sizeof(status_map) / sizeof(status_map[0]); i++)
        if (strcmp(status_map[i].internal, internal_status) == 0)
            return status_map[i].csaf;
    return NULL;
}

/* Spec §11, the justification mapping (OpenVEX / CSAF flag column). */
static const struct {
    const char *internal, *label;
} flag_map[] = {
    {"code_not_present", "vulnerable_code_not_present"},
    {"not_in_execute_path", "vulnerable_code_not_in_execute_path"},
    {"inline_mitigation", "inline_mitigations_already_exist"},
    {"not_controllable", "vulnerable_code_cannot_be_controlled_by_adversary"},
    {"component_not_present", "component_not_present"},
};

const char *vt_csaf_flag_label(const char *justification)
{
    size_t i;
    for (i = 0; justification && i < sizeof(flag_map) / sizeof(flag_map[0]); i++)
        if (strcmp(flag_map[i].internal, justification) == 0)
            return flag_map[i].label;
    return NULL;
}

const char *vt__csaf_str(const cJSON *obj, const char *key)
{
    const cJSON *m = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsString(m) && m->valuestring[0] ? m->valuestring : NULL;
}

int vt__csaf_note(cJSON *notes, const char *category, const char *title, const char *text)
{
    cJSON *n = cJSON_CreateObject();
    int error = n ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_json_add_str(n, "category", category);
    if (!error && title)
        error = vt_json_add_str(n, "title", title);
    if (!error)
        error = vt_json_add_str(n, "text", text);
    if (error) {
        cJSON_Delete(n);
        return VT_ENOMEM;
    }
    return vt_json_add_take(notes, NULL, n);
}

/* tracking: id, status final, version = number of revisions, the history. */
static int build_tracking(cJSON *doc, const vt_advisory_input *in)
{
    char t[VT_TIME_TEXT_MAX], num[24];
    cJSON *tr = cJSON_CreateObject(), *hist = cJSON_CreateArray(), *gen = NULL, *eng = NULL;
    int error = tr && hist ? 0 : VT_ENOMEM;
    size_t i;

    for (i = 0; !error && i < in->nrevisions; i++) {
        cJSON *r = cJSON_CreateObject();
        snprintf(num, sizeof(num), "%zu", i + 1);
        error = r ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(r, "date", vt_time_format_utc(t, in->revisions[i].date_ms));
        if (!error)
            error = vt_json_add_str(r, "number", num);
        if (!error)
            error = vt_json_add_str(r, "summary",
                                    in->revisions[i].summary ? in->revisions[i].summary
                                                             : "Initial version.");
        if (!error)
            error = vt_json_add_take(hist, NULL, r);
        else
            cJSON_Delete(r);
    }
    if (!error)
        error = vt_json_add_str(tr, "current_release_date",
                                vt_time_format_utc(t, in->revisions[in->nrevisions - 1].date_ms));
    if (!error && in->generator_version) {
        gen = cJSON_CreateObject();
        eng = cJSON_CreateObject();
        error = gen && eng ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(eng, "name", "vulntrack");
        if (!error)
            error = vt_json_add_str(eng, "version", in->generator_version);
        if (!error) {
            error = vt_json_add_take(gen, "engine", eng);
            eng = NULL;
        }
        if (!error) {
            error = vt_json_add_take(tr, "generator", gen);
            gen = NULL;
        }
    }
    if (!error)
        error = vt_json_add_str(tr, "id", in->tracking_id);
    if (!error)
        error = vt_json_add_str(tr, "initial_release_date",
                                vt_time_format_utc(t, in->revisions[0].date_ms));
    if (!error) {
        error = vt_json_add_take(tr, "revision_history", hist);
        hist = NULL;
    }
    snprintf(num, sizeof(num), "%zu", in->nrevisions);
    if (!error)
        error = vt_json_add_str(tr, "status", "final");
    if (!error)
        error = vt_json_add_str(tr, "version", num);
    cJSON_Delete(gen);
    cJSON_Delete(eng);
    cJSON_Delete(hist);
    if (!error)
        return vt_json_add_take(doc, "tracking", tr);
    cJSON_Delete(tr);
    return error;
}

/* The GB/T 30279 grade as the document's aggregate severity (P3: the
   published severity is the assessed grade). */
static const char *doc_grade(const cJSON *doc)
{
    const cJSON *gbt = doc ? cJSON_GetObjectItemCaseSensitive(doc, "gbt") : NULL;
    const char *g = vt__csaf_str(gbt, "grade");
    if (g && (strcmp(g, "critical") == 0 || strcmp(g, "high") == 0 || strcmp(g, "medium") == 0 ||
              strcmp(g, "low") == 0))
        return g;
    return NULL;
}

static int build_document(cJSON *root, vt_advisory_format format, const vt_advisory_input *in)
{
    cJSON *d = cJSON_CreateObject(), *pub = cJSON_CreateObject(), *notes = cJSON_CreateArray();
    cJSON *dist = NULL, *tlp = NULL;
    const char *credit = vt__csaf_str(in->doc, "credit");
    const char *desc = vt__csaf_str(in->doc, "description");
    const char *grade = doc_grade(in->doc);
    int error = d && pub && notes ? 0 : VT_ENOMEM;

    if (!error && credit) {
        cJSON *acks = cJSON_CreateArray(), *a = cJSON_CreateObject(), *names = cJSON_CreateArray();
        error = acks && a && names ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(names, NULL, credit);
        if (!error) {
            error = vt_json_add_take(a, "names", names);
            names = NULL;
        }
        if (!error) {
            error = vt_json_add_take(acks, NULL, a);
            a = NULL;
        }
        if (!error) {
            error = vt_json_add_take(d, "acknowledgments", acks);
            acks = NULL;
        }
        cJSON_Delete(acks);
        cJSON_Delete(a);
        cJSON_Delete(names);
    }
    if (!error && grade) {
        cJSON *agg = cJSON_CreateObject();
        error = agg ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(agg, "namespace", "https://std.samr.gov.cn/gb/GB-T-30279-2020");
        if (!error)
            error = vt_json_add_str(agg, "text", grade);
        if (!error)
            error = vt_json_add_take(d, "aggregate_severity", agg);
        else
            cJSON_Delete(agg);
    }
    if (!error)
        error = vt_json_add_str(d, "category", vt_advisory_format_category(format));
    if (!error)
        error = vt_json_add_str(d, "csaf_version", "2.0");
    /* Published advisories are public: TLP WHITE (CSAF 2.0 uses TLP v1). */
    if (!error) {
        dist = cJSON_CreateObject();
        tlp = cJSON_CreateObject();
        error = dist && tlp ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(tlp, "label", "WHITE");
        if (!error) {
            error = vt_json_add_take(dist, "tlp", tlp);
            tlp = NULL;
        }
        if (!error) {
            error = vt_json_add_take(d, "distribution", dist);
            dist = NULL;
        }
    }
    if (!error)
        error = vt_json_add_str(d, "lang", in->lang ? in->lang : "en");
    if (!error)
        error = vt__csaf_note(notes, "summary", "Summary / 概要", desc ? desc : in->title);
    if (!error) {
        error = vt_json_add_take(d, "notes", notes);
        notes = NULL;
    }
    if (!error)
        error = vt_json_add_str(pub, "category", "vendor");
    if (!error)
        error = vt_json_add_str(pub, "name", in->publisher_name);
    if (!error)
        error = vt_json_add_str(pub, "namespace",
                                in->publisher_namespace ? in->publisher_namespace
                                                        : VT_CSAF_DEFAULT_NAMESPACE);
    if (!error) {
        error = vt_json_add_take(d, "publisher", pub);
        pub = NULL;
    }
    if (!error)
        error = vt_json_add_str(d, "title", in->title);
    if (!error)
        error = build_tracking(d, in);
    cJSON_Delete(dist);
    cJSON_Delete(tlp);
    cJSON_Delete(pub);
    cJSON_Delete(notes);
    if (!error)
        return vt_json_add_take(root, "document", d);
    cJSON_Delete(d);
    return error;
}

int vt_csaf_build(cJSON **out, vt_advisory_format format, const vt_advisory_input *in,
                  vt_error *err)
{
    vt__csaf_products prods = {0};
    cJSON *root = NULL, *tree = NULL, *vulns = NULL;
    int error;

    *out = NULL;
    if (format != VT_ADVISORY_CSAF && format != VT_ADVISORY_CSAF_VEX)
        return vt_error_set(err, VT_EINVALID, 0, "not a CSAF profile");
    if (!in->tracking_id || !in->title || !in->publisher_name || in->nrevisions == 0)
        return vt_error_set(err, VT_EINVALID, 0, "tracking id, title, publisher and a revision");
    error = vt__csaf_products_collect(&prods, in->doc, in->publisher_name);
    if (!error && prods.n == 0)
        error = vt_error_set_field(err, VT_EINVALID, "/doc/products",
                                   "a CSAF advisory needs the affected products");
    if (!error) {
        root = cJSON_CreateObject();
        error = root ? 0 : VT_ENOMEM;
    }
    if (!error)
        error = build_document(root, format, in);
    if (!error)
        error = vt__csaf_product_tree(&tree, &prods);
    if (!error) {
        error = vt_json_add_take(root, "product_tree", tree);
        tree = NULL;
    }
    if (!error)
        error = vt__csaf_vulnerabilities(&vulns, format, in, &prods, err);
    if (!error) {
        error = vt_json_add_take(root, "vulnerabilities", vulns);
        vulns = NULL;
    }
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory building the CSAF document");
    vt__csaf_products_dispose(&prods);
    if (error) {
        cJSON_Delete(root);
        return error;
    }
    *out = root;
    return 0;
}

int vt_advisory_build(cJSON **out, vt_advisory_format format, const vt_advisory_input *in,
                      vt_error *err)
{
    if (format == VT_ADVISORY_OSV)
        return vt_osv_export_build(out, in, NULL, err);
    return vt_csaf_build(out, format, in, err);
}
