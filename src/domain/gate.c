/*
 * gate.c - the disclosure gate: the rules of Art. 9 of the 2021
 * Regulations on the management of security vulnerabilities of network
 * products (网络产品安全漏洞管理规定), as spec §5 states them (P1-P7),
 * with the default decisions A5-A8 of spec §12 for the open points.
 * One function per rule; docs/disclosure.md is the manual.
 *
 * Roles (spec §5): the organisation's kind and the case's scope decide
 * who publishes. A vendor publishing about its own product is the
 * PROVIDER; a platform (collection platform, Art. 10) is a COLLECTOR
 * publishing third-party reports; anyone else (a vendor about another's
 * product, an operator) is a FINDER.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vulntrack/cases.h"
#include "vulntrack/gate.h"
#include "vulntrack/intake.h"
#include "vulntrack/json.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/store_gate.h"
#include "vulntrack/clock.h"

typedef enum role { ROLE_PROVIDER, ROLE_COLLECTOR, ROLE_FINDER } role;

/* What every rule reads: the case, its fields, its organisation. */
struct gate {
    vt_store *s;
    vt_case c;
    cJSON *doc;
    char kind[16];
    char country[8];
    role role;
    const char *document; /* NULL: the publication is the case's own fields */
    int64_t now_ms;
    vt_gate_result *out;
    vt_error *err;
};

static void refuse(struct gate *g, const char *rule, const char *code, const char *remedy,
                   const char *fmt, ...) VT_PRINTF(5, 6);
static void refuse(struct gate *g, const char *rule, const char *code, const char *remedy,
                   const char *fmt, ...)
{
    vt_gate_refusal *r;
    va_list ap;

    if (g->out->count >= VT_GATE_MAX_REFUSALS)
        return;
    r = &g->out->refusals[g->out->count++];
    snprintf(r->rule, sizeof(r->rule), "%s", rule);
    snprintf(r->code, sizeof(r->code), "%s", code);
    snprintf(r->remedy, sizeof(r->remedy), "%s", remedy);
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
}

static int count_record(void *ctx, const vt_store_gate_record *r)
{
    (void)r;
    (*(long *)ctx)++;
    return 0;
}

/* Whether the case has at least one disclosure record of `kind`. */
static int has_record(struct gate *g, const char *kind, bool *found)
{
    long n = 0;
    int error = vt_store_gate_records_each(g->s, g->c.id, kind, count_record, &n, g->err);

    *found = n > 0;
    return error;
}

/* The remediation items of the case of `kind` ("patch", "mitigation"; NULL: any)
 * that say what to do: a patch its version, a mitigation its instructions. */
static int remediations(const cJSON *doc, const char *kind)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(doc, "remediations"), *e;
    int n = 0;

    cJSON_ArrayForEach(e, r)
    {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "kind");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "version");
        const cJSON *i = cJSON_GetObjectItemCaseSensitive(e, "instructions");
        bool steps =
            (cJSON_IsString(v) && v->valuestring[0]) || (cJSON_IsString(i) && i->valuestring[0]);

        if (cJSON_IsString(k) && steps && (!kind || strcmp(k->valuestring, kind) == 0))
            n++;
    }
    return n;
}

/* ---------------------------------------------------------------------
 * P1 (Art. 9(1)): no publication before a fix exists, unless the early
 * publication was assessed jointly and reported to MIIT and MPS.
 * A5: a third-party publisher needs the provider's patch; a provider
 * publishing about its own product may rely on its own mitigation.
 * ------------------------------------------------------------------- */
static int rule_p1_fix_available(struct gate *g)
{
    bool approved, fixed;
    int error = has_record(g, "early_publication_approval", &approved);

    if (error < 0 || approved)
        return error;
    error = vt_store_gate_event(g->s, g->c.id, "E_FIX_AVAILABLE", &fixed, g->err);
    if (error < 0)
        return error;
    if (!fixed) {
        refuse(g, "P1", "no_fix_available",
               "record E_FIX_AVAILABLE (move the case to fix_available), or attach an "
               "early_publication_approval record (joint assessment, MIIT and MPS references, "
               "assessment result)",
               "no fix or mitigation has been made available by the provider yet");
        return 0;
    }
    if (g->role == ROLE_PROVIDER) {
        if (remediations(g->doc, NULL) < 1)
            refuse(g, "P1", "no_fix_available",
                   "add a remediation item (a patch version or mitigation instructions)",
                   "the case records no patch or mitigation");
        return 0;
    }
    if (remediations(g->doc, "patch") < 1)
        refuse(g, "P1", "third_party_needs_patch",
               "add the provider's patch (a remediations item of kind patch with its version), "
               "or attach an early_publication_approval record",
               "a third-party publisher (%s) needs the provider's fix; a mitigation alone does "
               "not satisfy Art. 9(1)",
               g->role == ROLE_COLLECTOR ? "collection platform" : "not the product's provider");
    return 0;
}

/* ---------------------------------------------------------------------
 * P2 (Art. 9(2)): no details of a network operator's systems in use.
 * A6: an operator_system case is not published at all (statistics only);
 * any document is checked against the organisation's asset identifiers
 * and the values of the fields marked operator_confidential.
 * ------------------------------------------------------------------- */
struct asset_scan {
    struct gate *g;
    bool hit;
};

static int asset_scan(void *ctx, const char *asset_name, const char *identifiers_json)
{
    struct asset_scan *a = ctx;
    cJSON *ids = cJSON_Parse(identifiers_json), *id;

    cJSON_ArrayForEach(id, ids)
    {
        if (!a->hit && cJSON_IsString(id) &&
            vt_gate_text_has_token(a->g->document, id->valuestring)) {
            refuse(a->g, "P2", "operator_asset_identifier",
                   "remove the host names, addresses and other identifiers of the "
                   "organisation's systems from the document",
                   "the document names '%s', an identifier of asset '%s'", id->valuestring,
                   asset_name);
            a->hit = true;
        }
    }
    cJSON_Delete(ids);
    return 0;
}

/* Whether any string inside `v` (3 bytes or more) occurs in the document. */
static bool confidential_found(const char *document, const cJSON *v)
{
    const cJSON *e;

    if (cJSON_IsString(v))
        return strlen(v->valuestring) >= 3 && vt_gate_text_has_token(document, v->valuestring);
    cJSON_ArrayForEach(e, v)
    {
        if (confidential_found(document, e))
            return true;
    }
    return false;
}

static int rule_p2_operator_details(struct gate *g)
{
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(g->doc, "operator_confidential"), *k;
    struct asset_scan a = {g, false};

    if (strcmp(g->c.scope, "operator_system") == 0)
        refuse(g, "P2", "operator_system",
               "do not publish a vulnerability in a network operator's system in use; publish "
               "aggregated statistics only, and close the case without disclosure",
               "the case is about a network operator's system in use (scope operator_system)");
    if (!g->document)
        return 0;
    cJSON_ArrayForEach(k, keys)
    {
        const cJSON *v =
            cJSON_IsString(k) ? cJSON_GetObjectItemCaseSensitive(g->doc, k->valuestring) : NULL;

        if (v && confidential_found(g->document, v)) {
            refuse(g, "P2", "operator_confidential_field",
                   "remove the text of the fields marked operator_confidential",
                   "the document contains the value of field '%s', marked operator-confidential",
                   k->valuestring);
            break;
        }
    }
    return vt_store_gate_asset_identifiers_each(g->s, g->c.org_id, asset_scan, &a, g->err);
}

/* ---------------------------------------------------------------------
 * P3 (Art. 9(3)): no exaggeration: the stated severity is the assessed
 * grade, and a reviewer attested it.
 * ------------------------------------------------------------------- */
static int grade_level(const char *grade)
{
    static const char *const grades[] = {"low", "medium", "high", "critical"};
    int i;

    for (i = 0; grade && i < 4; i++)
        if (strcmp(grade, grades[i]) == 0)
            return i + 1;
    return 0;
}

static int rule_p3_no_exaggeration(struct gate *g)
{
    const cJSON *gbt = cJSON_GetObjectItemCaseSensitive(g->doc, "gbt");
    const cJSON *grade = cJSON_GetObjectItemCaseSensitive(gbt, "grade");
    int level = grade_level(cJSON_IsString(grade) ? grade->valuestring : NULL);
    const char *word = NULL;
    bool attested;
    int error;

    if (!level)
        refuse(g, "P3", "no_assessed_grade",
               "assess the grade (doc.gbt: GB/T 30279 indicators, a CVSS vector or a MANUAL "
               "grade)",
               "the case has no assessed grade to state");
    else if (g->document && vt_gate_text_severity(g->document, &word) > level)
        refuse(g, "P3", "severity_exaggerated", "state the assessed grade and no word beyond it",
               "the document says '%s' but the assessed grade is %s", word, grade->valuestring);
    error = has_record(g, "no_exaggeration_attestation", &attested);
    if (error == 0 && !attested)
        refuse(g, "P3", "no_attestation",
               "a reviewer records a no_exaggeration_attestation for the case",
               "no reviewer has attested that the publication does not exaggerate");
    return error;
}

/* ---------------------------------------------------------------------
 * P4 (Art. 9(4)): no exploit or attack tool is published. A publication
 * never carries the reports' attachments; what is left to check is that
 * the document does not embed one that is an exploit, a weaponised PoC or
 * a tool, by file name or SHA-256.
 * ------------------------------------------------------------------- */
static int attachment_scan(void *ctx, const vt_store_gate_attachment *a)
{
    struct gate *g = ctx;

    if (vt_intake_classification_publishable(a->classification))
        return 0;
    if ((a->sha256[0] && vt_gate_text_has_token(g->document, a->sha256)) ||
        (a->filename[0] && vt_gate_text_has_token(g->document, a->filename)))
        refuse(g, "P4", "exploit_attachment",
               "remove the attachment (its name, hash or content) from the document",
               "the document embeds attachment '%s' of report %s, classified %s", a->filename,
               a->report_id, a->classification);
    return 0;
}

static int rule_p4_no_exploit(struct gate *g)
{
    if (!g->document)
        return 0;
    return vt_store_gate_attachments_each(g->s, g->c.id, attachment_scan, g, g->err);
}

/* ---------------------------------------------------------------------
 * P5 (Art. 9(5)): the fix or mitigation is published with the advisory.
 * ------------------------------------------------------------------- */

/* A JSON document with a remediation that says what to do anywhere: a
 * "remediations" item with details, instructions or a version (CSAF, the
 * case fields), or a "fixed" version event (OSV: upgrade to it). */
static bool json_has_remediation(const cJSON *v)
{
    const cJSON *e;

    if (cJSON_IsObject(v)) {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(v, "remediations"), *i;
        const cJSON *fixed = cJSON_GetObjectItemCaseSensitive(v, "fixed");

        if (cJSON_IsString(fixed) && fixed->valuestring[0])
            return true;

        cJSON_ArrayForEach(i, r)
        {
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(i, "details");
            const cJSON *in = cJSON_GetObjectItemCaseSensitive(i, "instructions");
            const cJSON *ver = cJSON_GetObjectItemCaseSensitive(i, "version");

            if ((cJSON_IsString(d) && d->valuestring[0]) ||
                (cJSON_IsString(in) && in->valuestring[0]) ||
                (cJSON_IsString(ver) && ver->valuestring[0]))
                return true;
        }
    }
    cJSON_ArrayForEach(e, v)
    {
        if (json_has_remediation(e))
            return true;
    }
    return false;
}

/* A text document that quotes one of the case's remediations: a patch's
 * version or a mitigation's instructions. */
static bool text_has_remediation(const char *document, const cJSON *doc)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(doc, "remediations"), *e;

    cJSON_ArrayForEach(e, r)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "version");
        const cJSON *i = cJSON_GetObjectItemCaseSensitive(e, "instructions");

        if ((cJSON_IsString(v) && vt_gate_text_has_token(document, v->valuestring)) ||
            (cJSON_IsString(i) && i->valuestring[0] && strstr(document, i->valuestring)))
            return true;
    }
    return false;
}

static int rule_p5_remediation_published(struct gate *g)
{
    cJSON *parsed;
    bool ok;

    if (!g->document) {
        if (remediations(g->doc, NULL) < 1)
            refuse(g, "P5", "no_remediation",
                   "add a remediation item (a patch version or mitigation instructions) to "
                   "publish with the advisory",
                   "the case has no remediation to publish with the advisory");
        return 0;
    }
    parsed = cJSON_Parse(g->document);
    ok = (parsed && json_has_remediation(parsed)) || text_has_remediation(g->document, g->doc);
    cJSON_Delete(parsed);
    if (!ok)
        refuse(g, "P5", "no_remediation",
               "publish the fix or mitigation in the same document: a remediations item with "
               "its steps, or the text of one of the case's remediations",
               "the document carries no remediation with actionable steps");
    return 0;
}

/* ---------------------------------------------------------------------
 * P6 (Art. 9(6)): no publication during major national events without
 * the public-security authority's consent. A8: the windows are entered
 * by admins (blackout_windows); the system cannot know them.
 * ------------------------------------------------------------------- */
struct window_hit {
    vt_store_gate_window w;
    char reason[128];
    bool hit;
};

static int window_hit(void *ctx, const vt_store_gate_window *b)
{
    struct window_hit *h = ctx;

    if (!h->hit) {
        h->w = *b;
        snprintf(h->reason, sizeof(h->reason), "%s", b->reason);
        h->hit = true;
    }
    return 0;
}

static int rule_p6_blackout(struct gate *g)
{
    struct window_hit h;
    char until[VT_TIME_TEXT_MAX];
    bool consent;
    int error;

    memset(&h, 0, sizeof(h));
    error = vt_store_gate_windows_each(g->s, g->c.org_id, g->now_ms, window_hit, &h, g->err);
    if (error < 0 || !h.hit)
        return error;
    error = has_record(g, "mps_consent", &consent);
    if (error < 0 || consent)
        return error;
    vt_time_format_utc(until, h.w.ends_ms);
    refuse(g, "P6", "blackout_window",
           "wait until the window ends, or record the public-security authority's consent "
           "(an mps_consent record)",
           "publication is held by blackout window %lld ('%s') until %s", (long long)h.w.id,
           h.reason, until);
    return 0;
}

/* ---------------------------------------------------------------------
 * Loading and the two checks
 * ------------------------------------------------------------------- */

static void gate_dispose(struct gate *g)
{
    cJSON_Delete(g->doc);
    vt_case_dispose(&g->c);
}

static int gate_load(struct gate *g, vt_store *s, int64_t case_id, int64_t now_ms,
                     vt_gate_result *out, vt_error *err)
{
    int error;

    memset(g, 0, sizeof(*g));
    memset(out, 0, sizeof(*out));
    g->s = s;
    g->now_ms = now_ms;
    g->out = out;
    g->err = err;
    error = vt_store_case_get(s, case_id, NULL, &g->c, err);
    if (error < 0)
        return error;
    g->doc = cJSON_Parse(g->c.doc);
    if (!g->doc)
        g->doc = cJSON_CreateObject();
    if (!g->doc)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    error = vt_store_gate_org(s, g->c.org_id, g->kind, g->country, err);
    if (error < 0)
        return error;
    if (strcmp(g->kind, "platform") == 0)
        g->role = ROLE_COLLECTOR;
    else if (strcmp(g->kind, "vendor") == 0 && strcmp(g->c.scope, "own_product") == 0)
        g->role = ROLE_PROVIDER;
    else
        g->role = ROLE_FINDER;
    return 0;
}

int vt_gate_check_publish(vt_store *s, int64_t case_id, const char *document, int64_t now_ms,
                          vt_gate_result *out, vt_error *err)
{
    static int (*const rules[])(struct gate * g) = {
        rule_p1_fix_available, rule_p2_operator_details,      rule_p3_no_exaggeration,
        rule_p4_no_exploit,    rule_p5_remediation_published, rule_p6_blackout,
    };
    struct gate g;
    size_t i;
    int error = gate_load(&g, s, case_id, now_ms, out, err);

    g.document = document;
    for (i = 0; error == 0 && i < sizeof(rules) / sizeof(rules[0]); i++)
        error = rules[i](&g);
    gate_dispose(&g);
    if (error < 0)
        out->count = 0;
    return error;
}

/* ---------------------------------------------------------------------
 * P7 (Art. 9(7)): unpublished information does not leave China for an
 * organisation other than the product's provider. A7: no release for
 * collectors and finders; a provider's own release needs a named
 * approver (cross_border_release naming the recipient's country).
 * ------------------------------------------------------------------- */
struct release_scan {
    const char *country;
    bool found;
};

static int release_scan(void *ctx, const vt_store_gate_record *r)
{
    struct release_scan *rs = ctx;
    cJSON *rec = cJSON_Parse(r->record);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(rec, "country");

    if (cJSON_IsString(c) && strcmp(c->valuestring, rs->country) == 0)
        rs->found = true;
    cJSON_Delete(rec);
    return 0;
}

static int rule_p7_share(struct gate *g, const char *country, bool recipient_is_provider)
{
    struct release_scan rs = {country, false};
    bool published;
    int error;

    /* Art. 9(7) binds organisations in China; elsewhere the rule has no duty to check. */
    if (strcmp(g->country, "CN") != 0) {
        snprintf(g->out->note, sizeof(g->out->note),
                 "P7 not applied: the organisation's country is %s, not CN; Art. 9(7) governs "
                 "information leaving China",
                 g->country);
        return 0;
    }
    error = vt_store_gate_event(g->s, g->c.id, "E_PUBLISHED", &published, g->err);
    if (error < 0)
        return error;
    if (published) {
        snprintf(g->out->note, sizeof(g->out->note), "P7 not applied: the case is published");
        return 0;
    }
    if (strcmp(country, "CN") == 0)
        return 0;
    if (recipient_is_provider)
        return 0;
    if (g->role != ROLE_PROVIDER) {
        refuse(g, "P7", "cross_border_blocked",
               "share only with the product's own provider, or wait until the vulnerability is "
               "published",
               "unpublished vulnerability information may not go to an organisation in %s "
               "(the %s may not release it abroad)",
               country, g->role == ROLE_COLLECTOR ? "collection platform" : "finder");
        return 0;
    }
    error = vt_store_gate_records_each(g->s, g->c.id, "cross_border_release", release_scan, &rs,
                                       g->err);
    if (error == 0 && !rs.found)
        refuse(g, "P7", "cross_border_release_required",
               "record a cross_border_release with a named approver and the recipient (and its "
               "country), or share only with the product's own provider",
               "unpublished vulnerability information may not go to an organisation in %s "
               "without a cross-border release",
               country);
    return error;
}

int vt_gate_check_share(vt_store *s, int64_t case_id, const char *country,
                        bool recipient_is_provider, vt_gate_result *out, vt_error *err)
{
    struct gate g;
    char cc[3];
    int error;

    memset(out, 0, sizeof(*out));
    if (!country || strlen(country) != 2 ||
        !((country[0] | 0x20) >= 'a' && (country[0] | 0x20) <= 'z') ||
        !((country[1] | 0x20) >= 'a' && (country[1] | 0x20) <= 'z'))
        return vt_error_set_field(err, VT_EINVALID, "/country",
                                  "/country: an ISO 3166 alpha-2 country code is required");
    cc[0] = (char)(country[0] & ~0x20);
    cc[1] = (char)(country[1] & ~0x20);
    cc[2] = '\0';
    error = gate_load(&g, s, case_id, 0, out, err);
    if (error == 0)
        error = rule_p7_share(&g, cc, recipient_is_provider);
    gate_dispose(&g);
    if (error < 0)
        out->count = 0;
    return error;
}

/* ---------------------------------------------------------------------
 * Results
 * ------------------------------------------------------------------- */

cJSON *vt_gate_result_json(const vt_gate_result *r)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    size_t i;
    int error = o && arr ? 0 : VT_ENOMEM;

    if (error == 0)
        error = vt_json_add_take(o, "allowed", cJSON_CreateBool(r->count == 0));
    for (i = 0; error == 0 && i < r->count; i++) {
        const vt_gate_refusal *f = &r->refusals[i];
        cJSON *e = cJSON_CreateObject();

        error = vt_json_add_take(arr, NULL, e);
        if (error == 0)
            error = vt_json_add_str(e, "rule", f->rule);
        if (error == 0)
            error = vt_json_add_str(e, "code", f->code);
        if (error == 0)
            error = vt_json_add_str(e, "message", f->message);
        if (error == 0)
            error = vt_json_add_str(e, "remedy", f->remedy);
    }
    if (error == 0) {
        error = vt_json_add_take(o, "refusals", arr);
        arr = NULL;
    }
    if (error == 0 && r->note[0])
        error = vt_json_add_str(o, "note", r->note);
    cJSON_Delete(arr);
    if (error < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

void vt_gate_result_summary(const vt_gate_result *r, char *buf, size_t cap)
{
    size_t i, n = 0;

    if (cap == 0)
        return;
    buf[0] = '\0';
    for (i = 0; i < r->count && n + 1 < cap; i++) {
        int w = snprintf(buf + n, cap - n, "%s%s %s", i ? ", " : "", r->refusals[i].rule,
                         r->refusals[i].code);

        if (w < 0)
            break;
        n += (size_t)w < cap - n ? (size_t)w : cap - n - 1;
    }
}
