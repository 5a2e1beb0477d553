/*
 * vex.c - VEX statements on product findings (vex.h): the status and
 * justification mappings of spec regulations.md §11 as tables, the checks
 * an analyst's statement must pass, storing it with a ledger entry, and
 * the CycloneDX VEX and OpenVEX exports of a version, which are the scan
 * writers of scan.h fed with the version's findings and, per finding, the
 * assessment its statement gives.
 */
#include <stdio.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/products.h"
#include "vulntrack/purl.h"
#include "vulntrack/scan.h"
#include "vulntrack/store_vex.h"
#include "vulntrack/vex.h"

/* ------------------------------------------------------------------------ */
/* The §11 tables                                                           */

/* Internal status -> CSAF product_status, OpenVEX status, CycloneDX state. */
static const struct {
    const char *name, *upper, *csaf, *openvex, *cyclonedx;
} statuses[VT_VEX_STATUS_COUNT] = {
    {"under_investigation", "UNDER_INVESTIGATION", "under_investigation", "under_investigation",
     "in_triage"},
    {"affected", "AFFECTED", "known_affected", "affected", "exploitable"},
    {"not_affected", "NOT_AFFECTED", "known_not_affected", "not_affected", "not_affected"},
    {"fixed", "FIXED", "fixed", "fixed", "resolved"},
    {"false_positive", "FALSE_POSITIVE", "known_not_affected", "not_affected", "false_positive"},
};

/*
 * Internal justification -> OpenVEX/CSAF flag, and its CycloneDX names:
 * the first is what an export writes when nothing else is known. Several
 * CycloneDX names map to one internal value, and CycloneDX code_not_present
 * stands for two internal ones: those rows lose information, which is why
 * a value set in another vocabulary is kept as the original.
 */
#define CDX_MAX 4
static const struct {
    const char *name, *openvex;
    const char *cyclonedx[CDX_MAX];
} justifications[VT_VEX_JUST_COUNT] = {
    {NULL, NULL, {NULL}},
    {"code_not_present", "vulnerable_code_not_present", {"code_not_present"}},
    {"not_in_execute_path", "vulnerable_code_not_in_execute_path", {"code_not_reachable"}},
    {"inline_mitigation",
     "inline_mitigations_already_exist",
     {"protected_by_mitigating_control", "protected_by_compiler", "protected_at_runtime"}},
    {"not_controllable",
     "vulnerable_code_cannot_be_controlled_by_adversary",
     {"requires_configuration", "requires_dependency", "requires_environment",
      "protected_at_perimeter"}},
    {"component_not_present", "component_not_present", {"code_not_present"}},
};

const char *vt_vex_status_name(vt_vex_status s)
{
    return (unsigned)s < VT_VEX_STATUS_COUNT ? statuses[s].name : "";
}

bool vt_vex_status_parse(const char *name, vt_vex_status *out)
{
    size_t i;

    for (i = 0; name && i < VT_VEX_STATUS_COUNT; i++)
        if (strcmp(name, statuses[i].name) == 0 || strcmp(name, statuses[i].upper) == 0) {
            *out = (vt_vex_status)i;
            return true;
        }
    return false;
}

const char *vt_vex_status_csaf(vt_vex_status s)
{
    return (unsigned)s < VT_VEX_STATUS_COUNT ? statuses[s].csaf : "";
}

const char *vt_vex_status_openvex(vt_vex_status s)
{
    return (unsigned)s < VT_VEX_STATUS_COUNT ? statuses[s].openvex : "";
}

const char *vt_vex_status_cyclonedx(vt_vex_status s)
{
    return (unsigned)s < VT_VEX_STATUS_COUNT ? statuses[s].cyclonedx : "";
}

const char *vt_vex_justification_name(vt_vex_justification j)
{
    return (unsigned)j < VT_VEX_JUST_COUNT ? justifications[j].name : NULL;
}

const char *vt_vex_justification_openvex(vt_vex_justification j)
{
    return (unsigned)j < VT_VEX_JUST_COUNT ? justifications[j].openvex : NULL;
}

/*
 * Internal names win over the others: "code_not_present" and
 * "component_not_present" are internal names as well as a CycloneDX and
 * an OpenVEX name, and mean the internal value of the same name.
 */
bool vt_vex_justification_parse(const char *name, vt_vex_justification *out, bool *from_format)
{
    size_t i, k;

    if (from_format)
        *from_format = false;
    if (!name)
        return false;
    for (i = 1; i < VT_VEX_JUST_COUNT; i++)
        if (strcmp(name, justifications[i].name) == 0) {
            *out = (vt_vex_justification)i;
            return true;
        }
    for (i = 1; i < VT_VEX_JUST_COUNT; i++) {
        bool hit = strcmp(name, justifications[i].openvex) == 0;

        for (k = 0; !hit && k < CDX_MAX && justifications[i].cyclonedx[k]; k++)
            hit = strcmp(name, justifications[i].cyclonedx[k]) == 0;
        if (hit) {
            *out = (vt_vex_justification)i;
            if (from_format)
                *from_format = true;
            return true;
        }
    }
    return false;
}

const char *vt_vex_justification_cyclonedx(vt_vex_justification j, const char *original)
{
    size_t k;

    if ((unsigned)j >= VT_VEX_JUST_COUNT || j == VT_VEX_JUST_NONE)
        return NULL;
    for (k = 0; original && k < CDX_MAX && justifications[j].cyclonedx[k]; k++)
        if (strcmp(original, justifications[j].cyclonedx[k]) == 0)
            return original;
    return justifications[j].cyclonedx[0];
}

/* ------------------------------------------------------------------------ */
/* Statements                                                               */

void vt_vex_statement_dispose(vt_vex_statement *st)
{
    if (!st)
        return;
    vt_free(st->version);
    vt_free(st->vulnerability);
    vt_free(st->component_purl);
    vt_free(st->original_justification);
    vt_free(st->impact_statement);
    vt_free(st->action_statement);
    vt_free(st->actor);
    memset(st, 0, sizeof(*st));
}

/* An id: 1..VT_VEX_ID_MAX bytes, printable, no '/' (a path segment of the API). */
static bool id_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0, i;

    if (n == 0 || n > VT_VEX_ID_MAX)
        return false;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x21 || s[i] == 0x7f || s[i] == '/')
            return false;
    return true;
}

static int check_text(const char *s, const char *field, vt_error *err)
{
    if (s && strlen(s) > VT_VEX_TEXT_MAX)
        return vt_error_set_field(err, VT_EINVALID, field, "longer than %d bytes", VT_VEX_TEXT_MAX);
    return 0;
}

static bool has_text(const char *s)
{
    return s && s[0];
}

int vt_vex_statement_check(const vt_vex_statement_in *in, vt_error *err)
{
    vt_vex_status status;
    vt_vex_justification j = VT_VEX_JUST_NONE;
    int error = 0;

    if (!vt_vex_status_parse(in->status, &status))
        return vt_error_set_field(err, VT_EINVALID, "/status",
                                  "status must be under_investigation, affected, not_affected, "
                                  "fixed or false_positive");
    if (!id_valid(in->vulnerability))
        return vt_error_set_field(err, VT_EINVALID, "/vulnerability",
                                  "a vulnerability id of 1 to %d printable bytes without '/'",
                                  VT_VEX_ID_MAX);
    if (!in->version || !in->version[0])
        return vt_error_set_field(err, VT_EINVALID, "/version", "a version is required");
    if (in->justification && !vt_vex_justification_parse(in->justification, &j, NULL))
        return vt_error_set_field(err, VT_EINVALID, "/justification",
                                  "unknown justification '%s' (spec §11: code_not_present, "
                                  "not_in_execute_path, inline_mitigation, not_controllable, "
                                  "component_not_present, or their OpenVEX/CycloneDX names)",
                                  in->justification);
    if (status == VT_VEX_NOT_AFFECTED && j == VT_VEX_JUST_NONE)
        return vt_error_set_field(err, VT_EINVALID, "/justification",
                                  "not_affected needs a justification");
    if (j != VT_VEX_JUST_NONE && status != VT_VEX_NOT_AFFECTED && status != VT_VEX_FALSE_POSITIVE)
        return vt_error_set_field(err, VT_EINVALID, "/justification",
                                  "a justification is only for not_affected or false_positive");
    if (status == VT_VEX_AFFECTED && !has_text(in->action_statement))
        return vt_error_set_field(err, VT_EINVALID, "/action_statement",
                                  "affected needs an action statement (what users should do)");
    if (in->component_purl && in->component_purl[0]) {
        vt_purl *p = NULL;

        if (strlen(in->component_purl) > VT_VEX_ID_MAX)
            return vt_error_set_field(err, VT_EINVALID, "/component_purl", "longer than %d bytes",
                                      VT_VEX_ID_MAX);
        error = vt_purl_parse(&p, in->component_purl, strlen(in->component_purl), err);
        vt_purl_free(p);
        if (error == VT_ENOMEM)
            return error;
        if (error < 0)
            return vt_error_set_field(err, VT_EINVALID, "/component_purl", "%s", err->msg);
    }
    error = check_text(in->impact_statement, "/impact_statement", err);
    if (error == 0)
        error = check_text(in->action_statement, "/action_statement", err);
    return error;
}

static char *dup_or_null(const char *s, bool *oom)
{
    char *c;

    if (!s || !s[0])
        return NULL;
    c = vt_strdup(s);
    if (!c)
        *oom = true;
    return c;
}

static int ledger_entry(vt_store *w, const vt_vex_statement *st, bool created, vt_error *err)
{
    vt_ledger_entry_in e;
    cJSON *d = cJSON_CreateObject();
    vt_buf detail = VT_BUF_INIT, subject = VT_BUF_INIT;
    const char *j = vt_vex_justification_name(st->justification);
    int error = d ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(d, "product_id", (double)st->product_id);
    if (error >= 0)
        error = vt_json_add_str(d, "version", st->version);
    if (error >= 0)
        error = vt_json_add_str(d, "vulnerability", st->vulnerability);
    if (error >= 0)
        error = vt_json_add_str(d, "component_purl", st->component_purl);
    if (error >= 0)
        error = vt_json_add_str(d, "status", vt_vex_status_name(st->status));
    if (error >= 0 && j)
        error = vt_json_add_str(d, "justification", j);
    if (error >= 0 && st->original_justification)
        error = vt_json_add_str(d, "original_justification", st->original_justification);
    if (error >= 0)
        error = vt_json_add_str(d, "change", created ? "created" : "replaced");
    if (error >= 0)
        error = vt_json_print(&detail, d);
    if (error >= 0)
        error = vt_buf_printf(&subject, "product:%lld@%s", (long long)st->product_id, st->version);
    if (error < 0) {
        error = vt_error_set(err, error, 0, "out of memory");
        goto out;
    }
    memset(&e, 0, sizeof(e));
    e.kind = "vex.statement";
    e.channel = "api";
    e.actor = st->actor;
    e.subject = subject.ptr;
    e.detail = detail.ptr;
    e.at_ms = st->updated_ms;
    error = vt_ledger_append(w, &e, NULL, err);
out:
    cJSON_Delete(d);
    vt_buf_dispose(&detail);
    vt_buf_dispose(&subject);
    return error;
}

int vt_vex_set(vt_store *w, int64_t org_id, const vt_vex_statement_in *in, vt_vex_statement *out,
               bool *created, vt_error *err)
{
    vt_product p = VT_PRODUCT_INIT;
    vt_product_version v = VT_PRODUCT_VERSION_INIT;
    vt_vex_statement st = VT_VEX_STATEMENT_INIT;
    bool from_format = false, oom = false, is_new = false;
    int error;

    error = vt_vex_statement_check(in, err);
    if (error < 0)
        return error;
    error = vt_product_get(w, org_id, in->product_id, &p, err);
    if (error == 0)
        error = vt_store_product_version_get(w, in->product_id, in->version, &v, NULL, NULL, err);
    if (error < 0)
        goto out;
    st.product_id = in->product_id;
    vt_vex_status_parse(in->status, &st.status);
    if (in->justification)
        vt_vex_justification_parse(in->justification, &st.justification, &from_format);
    /* A false positive is a scanner mis-match: the component is not there
     * (spec §11 maps it to the component_not_present flag). */
    if (st.status == VT_VEX_FALSE_POSITIVE && st.justification == VT_VEX_JUST_NONE)
        st.justification = VT_VEX_JUST_COMPONENT_NOT_PRESENT;
    st.version = dup_or_null(in->version, &oom);
    st.vulnerability = dup_or_null(in->vulnerability, &oom);
    st.component_purl = vt_strdup(in->component_purl ? in->component_purl : "");
    oom = oom || !st.component_purl;
    st.original_justification = from_format ? dup_or_null(in->justification, &oom) : NULL;
    st.impact_statement = dup_or_null(in->impact_statement, &oom);
    st.action_statement = dup_or_null(in->action_statement, &oom);
    st.actor = dup_or_null(in->actor ? in->actor : "system", &oom);
    st.updated_ms = in->now_ms ? in->now_ms : vt_clock_now_ms();
    if (oom) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    error = vt_store_vex_upsert(w, &st, &is_new, err);
    if (error == 0)
        error = ledger_entry(w, &st, is_new, err);
    if (error < 0)
        goto out;
    if (created)
        *created = is_new;
    if (out) {
        *out = st;
        memset(&st, 0, sizeof(st));
    }
out:
    vt_vex_statement_dispose(&st);
    vt_product_dispose(&p);
    vt_product_version_dispose(&v);
    return error;
}

int vt_vex_list(vt_store *s, int64_t org_id, int64_t product_id, const char *version,
                int (*each)(void *ctx, const vt_vex_statement *st), void *ctx, vt_error *err)
{
    vt_product p = VT_PRODUCT_INIT;
    int error;

    error = vt_product_get(s, org_id, product_id, &p, err);
    vt_product_dispose(&p);
    if (error < 0)
        return error;
    return vt_store_vex_list(s, product_id, version, each, ctx, err);
}

static int add_opt(cJSON *o, const char *key, const char *v)
{
    return v ? vt_json_add_str(o, key, v) : vt_json_add_null(o, key);
}

cJSON *vt_vex_statement_json(const vt_vex_statement *st)
{
    cJSON *o = cJSON_CreateObject();
    char t[VT_TIME_TEXT_MAX];
    const char *ovx_just = vt_vex_justification_openvex(st->justification);
    const char *cdx_just =
        vt_vex_justification_cyclonedx(st->justification, st->original_justification);
    int error = o ? 0 : VT_ENOMEM;

    /* The exports write no CycloneDX justification for a false positive:
     * the state says it all. */
    if (st->status == VT_VEX_FALSE_POSITIVE)
        cdx_just = NULL;
    if (error >= 0)
        error = vt_json_add_num(o, "product_id", (double)st->product_id);
    if (error >= 0)
        error = vt_json_add_str(o, "version", st->version);
    if (error >= 0)
        error = vt_json_add_str(o, "vulnerability", st->vulnerability);
    if (error >= 0)
        error = vt_json_add_str(o, "component_purl", st->component_purl ? st->component_purl : "");
    if (error >= 0)
        error = vt_json_add_str(o, "status", vt_vex_status_name(st->status));
    if (error >= 0)
        error = add_opt(o, "justification", vt_vex_justification_name(st->justification));
    if (error >= 0)
        error = add_opt(o, "original_justification", st->original_justification);
    if (error >= 0)
        error = add_opt(o, "impact_statement", st->impact_statement);
    if (error >= 0)
        error = add_opt(o, "action_statement", st->action_statement);
    if (error >= 0)
        error = vt_json_add_str(o, "csaf_product_status", vt_vex_status_csaf(st->status));
    if (error >= 0)
        error = add_opt(o, "csaf_flag", ovx_just);
    if (error >= 0)
        error = vt_json_add_str(o, "openvex_status", vt_vex_status_openvex(st->status));
    if (error >= 0)
        error = add_opt(o, "openvex_justification", ovx_just);
    if (error >= 0)
        error = vt_json_add_str(o, "cyclonedx_state", vt_vex_status_cyclonedx(st->status));
    if (error >= 0)
        error = add_opt(o, "cyclonedx_justification", cdx_just);
    if (error >= 0)
        error = vt_json_add_str(o, "actor", st->actor ? st->actor : "");
    if (error >= 0)
        error = vt_json_add_str(o, "updated_at", vt_time_format_utc(t, st->updated_ms));
    if (error < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------------------ */
/* Export                                                                   */

/* The statements of a version, copied, with the assessment each gives. */
typedef struct collected {
    vt_vex_statement *st;
    vt_scan_analysis *an;
    char **detail;
    bool *has_fix; /* a finding it covers has a fixed version */
    size_t n, cap;
} collected;

static int collect_each(void *ctx, const vt_vex_statement *in)
{
    collected *c = ctx;
    vt_vex_statement *st;
    bool oom = false;

    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        vt_vex_statement *grown = vt_realloc(c->st, cap * sizeof(*grown));

        if (!grown)
            return VT_ENOMEM;
        c->st = grown;
        c->cap = cap;
    }
    st = &c->st[c->n];
    memset(st, 0, sizeof(*st));
    st->id = in->id;
    st->product_id = in->product_id;
    st->status = in->status;
    st->justification = in->justification;
    st->updated_ms = in->updated_ms;
    st->version = dup_or_null(in->version, &oom);
    st->vulnerability = dup_or_null(in->vulnerability, &oom);
    st->component_purl = vt_strdup(in->component_purl ? in->component_purl : "");
    st->original_justification = dup_or_null(in->original_justification, &oom);
    st->impact_statement = dup_or_null(in->impact_statement, &oom);
    st->action_statement = dup_or_null(in->action_statement, &oom);
    st->actor = dup_or_null(in->actor, &oom);
    c->n++;
    return oom || !st->component_purl ? VT_ENOMEM : 0;
}

static void collected_dispose(collected *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        vt_vex_statement_dispose(&c->st[i]);
        if (c->detail)
            vt_free(c->detail[i]);
    }
    vt_free(c->st);
    vt_free(c->an);
    vt_free(c->detail);
    vt_free(c->has_fix);
    memset(c, 0, sizeof(*c));
}

static bool names_vulnerability(const vt_finding *f, const char *id)
{
    size_t i;

    if (strcmp(f->id, id) == 0)
        return true;
    for (i = 0; i < f->naliases; i++)
        if (strcmp(f->aliases[i], id) == 0)
            return true;
    return false;
}

/* The statement covering finding `f`: the one naming its component first,
 * else the one for every component; -1 when none. */
static long statement_of(const collected *c, const vt_finding *f)
{
    long any = -1;
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (!names_vulnerability(f, c->st[i].vulnerability))
            continue;
        if (c->st[i].component_purl[0] == '\0') {
            if (any < 0)
                any = (long)i;
        } else if (f->purl && strcmp(c->st[i].component_purl, f->purl) == 0) {
            return (long)i;
        }
    }
    return any;
}

/* The note both formats carry: the analyst's statements, who and when. */
static int statement_detail(char **out, const vt_vex_statement *st)
{
    vt_buf b = VT_BUF_INIT;
    char t[VT_TIME_TEXT_MAX];
    const char *j = vt_vex_justification_name(st->justification);
    int error;

    error = vt_buf_printf(&b, "%s", vt_vex_status_name(st->status));
    if (error >= 0 && j)
        error = vt_buf_printf(&b, " (%s)", j);
    if (error >= 0 && st->impact_statement)
        error = vt_buf_printf(&b, ". Impact: %s", st->impact_statement);
    if (error >= 0 && st->action_statement)
        error = vt_buf_printf(&b, ". Action: %s", st->action_statement);
    if (error >= 0)
        error = vt_buf_printf(&b, ". Assessed by %s at %s", st->actor ? st->actor : "",
                              vt_time_format_utc(t, st->updated_ms));
    if (error < 0) {
        vt_buf_dispose(&b);
        return error;
    }
    *out = vt_buf_detach(&b);
    return *out ? 0 : VT_ENOMEM;
}

/* The assessment of statement i, in each format's words (spec §11). */
static int make_analysis(collected *c, size_t i)
{
    const vt_vex_statement *st = &c->st[i];
    vt_scan_analysis *a = &c->an[i];
    int error;

    memset(a, 0, sizeof(*a));
    a->openvex_status = vt_vex_status_openvex(st->status);
    a->cyclonedx_state = vt_vex_status_cyclonedx(st->status);
    if (st->status == VT_VEX_NOT_AFFECTED || st->status == VT_VEX_FALSE_POSITIVE)
        a->openvex_justification = vt_vex_justification_openvex(st->justification);
    if (st->status == VT_VEX_NOT_AFFECTED) {
        a->cyclonedx_justification =
            vt_vex_justification_cyclonedx(st->justification, st->original_justification);
        a->impact_statement = st->impact_statement;
    }
    if (st->status == VT_VEX_AFFECTED) {
        /* CycloneDX wants a response: upgrading when a fixed version is
         * known, otherwise the action statement is a workaround. */
        a->cyclonedx_response = c->has_fix[i] ? "update" : "workaround_available";
        a->action_statement = st->action_statement;
    }
    error = statement_detail(&c->detail[i], st);
    a->detail = c->detail[i];
    return error;
}

int vt_vex_export(vt_buf *out, vt_store *s, int64_t org_id, int64_t product_id, const char *version,
                  vt_vex_format format, int64_t now_ms, vt_error *err)
{
    collected c;
    vt_scan *scan = NULL;
    const vt_scan_report *r;
    const vt_scan_analysis **per = NULL;
    long *which = NULL;
    vt_scan_write_options wo = VT_SCAN_WRITE_OPTIONS_INIT;
    size_t i;
    int error;

    memset(&c, 0, sizeof(c));
    error = vt_product_findings(s, org_id, product_id, version, &scan, err);
    if (error == 0)
        error = vt_store_vex_list(s, product_id, version, collect_each, &c, err);
    if (error < 0)
        goto out;
    r = vt_scan_get_report(scan);
    error = VT_ENOMEM;
    if (c.n) {
        c.an = vt_calloc(c.n, sizeof(*c.an));
        c.detail = vt_calloc(c.n, sizeof(*c.detail));
        c.has_fix = vt_calloc(c.n, sizeof(*c.has_fix));
        if (!c.an || !c.detail || !c.has_fix)
            goto out;
    }
    if (r->nfindings) {
        per = vt_calloc(r->nfindings, sizeof(*per));
        which = vt_calloc(r->nfindings, sizeof(*which));
        if (!per || !which)
            goto out;
    }
    for (i = 0; i < r->nfindings; i++) {
        which[i] = statement_of(&c, &r->findings[i]);
        if (which[i] >= 0 && r->findings[i].nfixed_versions)
            c.has_fix[which[i]] = true;
    }
    for (i = 0; i < c.n; i++)
        if (make_analysis(&c, i) < 0)
            goto out;
    for (i = 0; i < r->nfindings; i++)
        per[i] = which[i] >= 0 ? &c.an[which[i]] : NULL;
    wo.now_ms = now_ms ? now_ms : vt_clock_now_ms();
    wo.analyses = per;
    error = format == VT_VEX_OPENVEX ? vt_scan_write_openvex(out, r, &wo)
                                     : vt_scan_write_cyclonedx_vex(out, r, &wo);
out:
    if (error == VT_ENOMEM || error == VT_ETOOBIG)
        vt_error_set(err, error, 0, "%s writing the VEX document",
                     error == VT_ENOMEM ? "out of memory" : "too large");
    vt_free(per);
    vt_free(which);
    collected_dispose(&c);
    vt_scan_free(scan);
    return error;
}
