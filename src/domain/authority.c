/*
 * authority.c - the authority report of a stored case and the record of
 * its submission (RMSV 2021 Art. 7(2), spec §4, §3.4), and the EU CRA
 * report stages (spec §10.1).
 *
 * Submitting is done by a person on the platform (there is no API, spec
 * A3); what vulntrack records is the fact, with the report exactly as
 * submitted and its hash, so that CN-NVDB is met by evidence and a later
 * change of the case can be compared with what the authority was told.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "vulntrack/alloc.h"
#include "vulntrack/authority.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/kev.h"
#include "vulntrack/ledger.h"
#include "vulntrack/obligations.h"
#include "vulntrack/products.h"
#include "vulntrack/store_auth.h"
#include "vulntrack/store_authority.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/store_obligations.h"
#include "vulntrack/store_products.h"

static int nomem(vt_error *err)
{
    return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
}

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int add_time(cJSON *o, const char *key, int64_t ms)
{
    char t[VT_TIME_TEXT_MAX];

    return vt_json_add_str(o, key, vt_time_format_utc(t, ms));
}

/* ---------------------------------------------------------------------
 * The report of a stored case
 * ------------------------------------------------------------------- */

/* The organisation as the report needs it: slug, name, country, flags. */
static int org_obj(void *ctx, const vt_store_org_row *r)
{
    cJSON *o = ctx, *flags = NULL;
    int error = vt_json_add_str(o, "slug", r->slug);

    if (!error)
        error = vt_json_add_str(o, "name", r->name);
    if (!error)
        error = vt_json_add_str(o, "country", r->country);
    if (!error && r->flags)
        flags = cJSON_Parse(r->flags);
    if (!error)
        error = vt_json_add_take(o, "flags", flags ? flags : cJSON_CreateObject());
    return error;
}

/*
 * The inventory rows (id, name, model, type) of the products the case
 * names by product_id, so that a model kept in the inventory reaches the
 * report. A product that is not (or no longer) the organisation's is left
 * out: the case's own text stands.
 */
static int inventory_rows(cJSON *arr, vt_store *s, const vt_case *c, const cJSON *case_json,
                          vt_error *err)
{
    const cJSON *p;
    int error = 0;

    cJSON_ArrayForEach(p, get(get(case_json, "doc"), "products"))
    {
        const cJSON *id = get(p, "product_id");
        vt_product row = VT_PRODUCT_INIT;
        cJSON *o;

        if (!cJSON_IsNumber(id))
            continue;
        error = vt_product_get(s, c->org_id, (int64_t)id->valuedouble, &row, err);
        if (error == VT_ENOTFOUND) {
            vt_error_clear(err);
            error = 0;
            continue;
        }
        if (error < 0)
            break;
        o = cJSON_CreateObject();
        error = vt_json_add_take(arr, NULL, o);
        if (!error)
            error = vt_json_add_num(o, "id", (double)row.id);
        if (!error)
            error = vt_json_add_str(o, "name", row.name);
        if (!error)
            error = vt_json_add_str(o, "model", row.model);
        if (!error)
            error = vt_json_add_str(o, "type", row.type);
        vt_product_dispose(&row);
        if (error < 0)
            break;
    }
    return error;
}

/* {"case", "org", "products"} of a stored case, for vt_authority_report_build. */
static int report_input(cJSON **out, vt_store *s, const vt_case *c, vt_error *err)
{
    cJSON *in = cJSON_CreateObject(), *cj = NULL, *org = cJSON_CreateObject();
    bool found = false;
    int error = in && org ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_case_to_json(&cj, s, c, err);
    if (!error) {
        error = vt_json_add_take(in, "case", cj);
        cj = NULL;
    }
    if (!error) {
        cJSON *rows = cJSON_CreateArray();

        error = vt_json_add_take(in, "products", rows);
        if (!error)
            error = inventory_rows(rows, s, c, get(in, "case"), err);
    }
    if (!error)
        error = vt_store_org_find(s, NULL, c->org_id, &found, org_obj, org, err);
    if (!error) {
        error = vt_json_add_take(in, "org", org);
        org = NULL;
    }
    cJSON_Delete(org);
    cJSON_Delete(cj);
    if (error < 0) {
        cJSON_Delete(in);
        return error == VT_ENOMEM ? nomem(err) : error;
    }
    *out = in;
    return 0;
}

static int build_for_case(cJSON **out, vt_store *s, const vt_case *c, vt_error *err)
{
    cJSON *in = NULL;
    int error = report_input(&in, s, c, err);

    if (error >= 0)
        error = vt_authority_report_build(out, in, err);
    cJSON_Delete(in);
    return error;
}

struct subs {
    cJSON *arr;
    char *last_json; /* the report of the newest submission */
    long n;
};

static int each_sub(void *ctx, const vt_store_authority_submission *r)
{
    struct subs *sb = ctx;
    cJSON *o = cJSON_CreateObject();
    int error = o ? 0 : VT_ENOMEM;

    sb->n++;
    if (!error && sb->arr) {
        error = vt_json_add_take(sb->arr, NULL, o);
        if (!error)
            error = vt_json_add_num(o, "id", (double)r->id);
        if (!error)
            error = add_time(o, "submitted_at", r->submitted_ms);
        if (!error)
            error = vt_json_add_str(o, "receipt_number", r->receipt_number);
        if (!error)
            error = vt_json_add_str(o, "report_sha256", r->report_sha256);
        if (!error)
            error = vt_json_add_str(o, "actor", r->actor);
        if (!error)
            error = add_time(o, "recorded_at", r->recorded_ms);
    } else {
        cJSON_Delete(o);
    }
    if (!error) {
        vt_free(sb->last_json);
        sb->last_json = vt_strdup(r->report_json);
        if (!sb->last_json)
            error = VT_ENOMEM;
    }
    return error;
}

int vt_authority_submissions_json(cJSON **out, vt_store *s, int64_t case_id, vt_error *err)
{
    struct subs sb = {cJSON_CreateArray(), NULL, 0};
    int error = sb.arr ? 0 : VT_ENOMEM;

    *out = NULL;
    if (!error)
        error = vt_store_authority_submissions_each(s, case_id, each_sub, &sb, err);
    vt_free(sb.last_json);
    if (error < 0) {
        cJSON_Delete(sb.arr);
        return error == VT_ENOMEM ? nomem(err) : error;
    }
    *out = sb.arr;
    return 0;
}

/* The parts of a report whose change makes an update due (spec §3.4). */
static bool same_json(const cJSON *a, const cJSON *b)
{
    if (!a || !b)
        return a == b;
    return cJSON_Compare(a, b, true);
}

/*
 * Compare the report as last submitted with the current one: affected
 * versions (or fixed versions) of any product, and the fix (status and
 * remediations). Adds "update_due" and "update_reasons" to `report`.
 */
static int mark_update_due(cJSON *report, const char *last_json)
{
    cJSON *last = last_json ? cJSON_Parse(last_json) : NULL, *reasons = cJSON_CreateArray();
    const cJSON *cur_p = get(get(report, "required"), "products");
    const cJSON *old_p = get(get(last, "required"), "products");
    bool versions_changed = false;
    int i, n = cJSON_GetArraySize(cur_p);
    int error = reasons ? 0 : VT_ENOMEM;

    if (last) {
        if (n != cJSON_GetArraySize(old_p))
            versions_changed = true;
        for (i = 0; !versions_changed && i < n; i++) {
            const cJSON *a = cJSON_GetArrayItem(cur_p, i), *b = cJSON_GetArrayItem(old_p, i);

            versions_changed =
                !same_json(get(a, "affected_versions"), get(b, "affected_versions")) ||
                !same_json(get(a, "fixed_versions"), get(b, "fixed_versions"));
        }
        if (!error && versions_changed)
            error = vt_json_add_str(reasons, NULL, "affected_versions");
        if (!error && !same_json(get(get(report, "recommended"), "fix"),
                                 get(get(last, "recommended"), "fix")))
            error = vt_json_add_str(reasons, NULL, "fix");
    }
    if (!error)
        error = vt_json_add_take(report, "update_due",
                                 cJSON_CreateBool(cJSON_GetArraySize(reasons) > 0));
    if (!error) {
        error = vt_json_add_take(report, "update_reasons", reasons);
        reasons = NULL;
    }
    cJSON_Delete(reasons);
    cJSON_Delete(last);
    return error;
}

int vt_authority_report_for_case(cJSON **out, vt_store *s, int64_t case_id, vt_error *err)
{
    vt_case c = VT_CASE_INIT;
    struct subs sb = {NULL, NULL, 0};
    cJSON *report = NULL;
    int error;

    *out = NULL;
    error = vt_store_case_get(s, case_id, NULL, &c, err);
    if (error >= 0)
        error = build_for_case(&report, s, &c, err);
    if (error >= 0) {
        sb.arr = cJSON_CreateArray();
        error = vt_json_add_take(report, "submissions", sb.arr);
        if (error < 0)
            sb.arr = NULL;
    }
    if (error >= 0)
        error = vt_store_authority_submissions_each(s, case_id, each_sub, &sb, err);
    if (error >= 0)
        error = mark_update_due(report, sb.last_json);
    vt_free(sb.last_json);
    vt_case_dispose(&c);
    if (error < 0) {
        cJSON_Delete(report);
        return error == VT_ENOMEM ? nomem(err) : error;
    }
    *out = report;
    return 0;
}

/* ---------------------------------------------------------------------
 * Recording a submission
 * ------------------------------------------------------------------- */

static void sha256_hex(char hex[65], const char *s, size_t len)
{
    unsigned char d[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(d, (const unsigned char *)s, len);
    sodium_bin2hex(hex, 65, d, sizeof(d));
}

static int ledger_submission(vt_store *w, const vt_case *c, const vt_authority_submission_in *in,
                             int64_t submitted_ms, const char *sha, const vt_buf *json, int64_t id,
                             bool first, vt_ledger_receipt *rc, vt_error *err)
{
    cJSON *d = cJSON_CreateObject();
    vt_buf text = VT_BUF_INIT;
    vt_ledger_entry_in e = {0};
    int error = d ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_json_add_num(d, "submission", (double)id);
    if (!error)
        error = add_time(d, "submitted_at", submitted_ms);
    if (!error)
        error = vt_json_add_str(d, "receipt_number", in->receipt_number);
    if (!error)
        error = vt_json_add_str(d, "report_sha256", sha);
    if (!error)
        error = vt_json_add_take(d, "first", cJSON_CreateBool(first));
    if (!error && in->evidence)
        error = vt_json_add_str(d, "evidence", in->evidence);
    if (!error)
        error = vt_json_print(&text, d);
    cJSON_Delete(d);
    if (error < 0) {
        vt_buf_dispose(&text);
        return nomem(err);
    }
    e.kind = "authority.submission";
    e.channel = "api";
    e.actor = in->actor;
    e.subject = c->ref;
    e.content = json->ptr;
    e.content_len = json->len;
    e.detail = text.ptr;
    e.at_ms = in->now_ms;
    error = vt_ledger_append(w, &e, rc, err);
    vt_buf_dispose(&text);
    return error;
}

/*
 * A later submission is the update CN-NVDB-UPD asks for after a material
 * change (spec §3.4): when that obligation is open (or missed) and started
 * before this submission, the submission is its evidence.
 */
static int meet_update(vt_store *w, int64_t case_id, const vt_authority_submission_in *in,
                       int64_t submitted_ms, const char *sha, vt_error *err)
{
    vt_obl_row ob = {0};
    bool found = false;
    char evidence[512];
    int error = vt_store_obl_find(w, case_id, "CN_RMSV_2021", "CN-NVDB-UPD", &found, &ob, err);

    if (error >= 0 && found && ob.has_start && ob.start_ms <= submitted_ms &&
        (strcmp(ob.state, "open") == 0 || strcmp(ob.state, "missed") == 0)) {
        snprintf(evidence, sizeof(evidence), "updated report: receipt %s; report sha256 %s",
                 in->receipt_number ? in->receipt_number : "(none)", sha);
        error = vt_obligation_record_evidence(w, ob.id, in->actor, evidence, submitted_ms,
                                              in->now_ms, err);
    }
    vt_obl_row_dispose(&ob);
    return error;
}

int vt_authority_submit(vt_store *w, const struct vt_policy_set *ps,
                        const struct vt_calendar_set *cs, const vt_authority_submission_in *in,
                        cJSON **result, cJSON **missing, vt_error *err)
{
    vt_case c = VT_CASE_INIT;
    cJSON *report = NULL, *res = NULL;
    const cJSON *check;
    vt_buf json = VT_BUF_INIT;
    vt_store_authority_submission row = {0};
    struct subs sb = {NULL, NULL, 0};
    vt_ledger_receipt rc;
    vt_case_refusal refusal = VT_CASE_REFUSAL_NONE;
    int64_t submitted_ms = in->submitted_ms ? in->submitted_ms : in->now_ms, id = 0;
    char sha[65], evidence[512];
    bool first;
    int error;

    if (result)
        *result = NULL;
    if (missing)
        *missing = NULL;
    if (submitted_ms > in->now_ms)
        return vt_error_set_field(err, VT_EINVALID, "/submitted_at",
                                  "a submission cannot be in the future");
    if (in->receipt_number && strlen(in->receipt_number) > 256)
        return vt_error_set_field(err, VT_EINVALID, "/receipt_number",
                                  "receipt_number: at most 256 bytes");
    if (in->evidence && strlen(in->evidence) > 4096)
        return vt_error_set_field(err, VT_EINVALID, "/evidence", "evidence: at most 4096 bytes");
    error = vt_store_case_get(w, in->case_id, NULL, &c, err);
    if (error >= 0)
        error = build_for_case(&report, w, &c, err);
    if (error < 0)
        goto out;
    check = get(report, "completeness");
    if (!cJSON_IsTrue(get(check, "complete"))) {
        if (missing) {
            *missing = cJSON_Duplicate(get(check, "missing"), true);
            if (!*missing) {
                error = nomem(err);
                goto out;
            }
        }
        error = vt_error_set_field(err, VT_EINVALID, "/missing",
                                   "the report is incomplete: %d required field(s) missing",
                                   cJSON_GetArraySize(get(check, "missing")));
        goto out;
    }
    error = vt_store_authority_submissions_each(w, c.id, each_sub, &sb, err);
    if (error < 0)
        goto out;
    first = sb.n == 0;
    error = vt_json_print(&json, report);
    if (error < 0) {
        error = nomem(err);
        goto out;
    }
    sha256_hex(sha, json.ptr, json.len);
    row.case_id = c.id;
    row.submitted_ms = submitted_ms;
    row.receipt_number = in->receipt_number;
    row.report_sha256 = sha;
    row.report_json = json.ptr;
    row.actor = in->actor;
    row.recorded_ms = in->now_ms;
    error = vt_store_authority_submission_insert(w, &row, &id, err);
    if (error >= 0)
        error = ledger_submission(w, &c, in, submitted_ms, sha, &json, id, first, &rc, err);
    if (error < 0)
        goto out;
    if (first) {
        snprintf(evidence, sizeof(evidence), "receipt %s; report sha256 %s",
                 in->receipt_number ? in->receipt_number : "(none)", sha);
        error = vt_case_record_event(w, ps, cs, c.id, "E_NVDB_REPORTED", submitted_ms, NULL,
                                     in->actor, evidence, in->now_ms, &refusal, err);
        /* Recorded earlier by hand (POST .../events): the first time stands. */
        if (error == VT_EINVALID && refusal == VT_CASE_REFUSAL_EVENT_SET) {
            vt_error_clear(err);
            error = 0;
        }
    }
    if (error >= 0)
        error = vt_obligations_refresh(w, ps, cs, c.id, in->now_ms, err);
    if (error >= 0 && !first)
        error = meet_update(w, c.id, in, submitted_ms, sha, err);
    if (error < 0 || !result)
        goto out;
    res = cJSON_CreateObject();
    error = res ? 0 : VT_ENOMEM;
    if (!error)
        error = vt_json_add_num(res, "id", (double)id);
    if (!error)
        error = vt_json_add_str(res, "case", c.ref);
    if (!error)
        error = add_time(res, "submitted_at", submitted_ms);
    if (!error)
        error = vt_json_add_str(res, "receipt_number", in->receipt_number);
    if (!error)
        error = vt_json_add_str(res, "report_sha256", sha);
    if (!error)
        error = vt_json_add_take(res, "first", cJSON_CreateBool(first));
    if (!error)
        error = vt_json_add_num(res, "ledger_seq", (double)rc.seq);
    if (error < 0) {
        cJSON_Delete(res);
        error = nomem(err);
        goto out;
    }
    *result = res;
out:
    vt_free(sb.last_json);
    vt_buf_dispose(&json);
    cJSON_Delete(report);
    vt_case_dispose(&c);
    return error;
}

/* ---------------------------------------------------------------------
 * EU CRA stages
 * ------------------------------------------------------------------- */

static bool code_valid(const char *c)
{
    return c && (strcmp(c, "X") == 0 || strcmp(c, "I") == 0 || strcmp(c, "O") == 0 ||
                 strcmp(c, "C") == 0);
}

int vt_cra_fields_parse(cJSON **out, const char *text, size_t len, vt_error *err)
{
    cJSON *doc = NULL;
    const cJSON *st, *f;
    char ptr[VT_ERROR_FIELD_MAX];
    int error = vt_json_parse(&doc, text, len, err), i = 0, j;

    *out = NULL;
    if (error < 0)
        return error;
    if (!cJSON_IsArray(get(doc, "stages"))) {
        cJSON_Delete(doc);
        return vt_error_set_field(err, VT_EINVALID, "/stages", "stages must be an array");
    }
    cJSON_ArrayForEach(st, get(doc, "stages"))
    {
        snprintf(ptr, sizeof(ptr), "/stages/%d", i);
        if (!str(st, "stage") || !cJSON_IsArray(get(st, "fields")))
            error = vt_error_set_field(err, VT_EINVALID, ptr, "a stage needs stage and fields");
        j = 0;
        cJSON_ArrayForEach(f, get(st, "fields"))
        {
            if (error < 0)
                break;
            snprintf(ptr, sizeof(ptr), "/stages/%d/fields/%d", i, j++);
            if (!str(f, "id") || !str(f, "label") || !code_valid(str(f, "code")))
                error = vt_error_set_field(err, VT_EINVALID, ptr,
                                           "a field needs id, label and code X, I, O or C");
        }
        if (error < 0) {
            cJSON_Delete(doc);
            return error;
        }
        i++;
    }
    *out = doc;
    return 0;
}

static const cJSON *stage_def(const cJSON *sets, const char *stage)
{
    const cJSON *st;

    cJSON_ArrayForEach(st, get(sets, "stages"))
    {
        const char *name = str(st, "stage");

        if (name && stage && strcmp(name, stage) == 0)
            return st;
    }
    return NULL;
}

/* A stored value is filled: a string with a non-blank, true/false, a non-empty array. */
static bool value_filled(const cJSON *v)
{
    const char *s;

    if (cJSON_IsBool(v) || cJSON_IsNumber(v))
        return true;
    if (cJSON_IsArray(v))
        return cJSON_GetArraySize(v) > 0;
    if (cJSON_IsObject(v))
        return v->child != NULL;
    if (!cJSON_IsString(v))
        return false;
    for (s = v->valuestring; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return true;
    return false;
}

cJSON *vt_cra_missing(const cJSON *field_sets, const char *stage, const cJSON *fields)
{
    const cJSON *def = stage_def(field_sets, stage), *f;
    cJSON *arr;

    if (!def)
        return NULL;
    arr = cJSON_CreateArray();
    if (!arr)
        return NULL;
    cJSON_ArrayForEach(f, get(def, "fields"))
    {
        cJSON *o;

        if (strcmp(str(f, "code"), "X") != 0 || value_filled(get(fields, str(f, "id"))))
            continue;
        o = cJSON_CreateObject();
        if (vt_json_add_take(arr, NULL, o) < 0 || vt_json_add_str(o, "field", str(f, "id")) < 0 ||
            vt_json_add_str(o, "label", str(f, "label")) < 0) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/* Stored stage rows of a case, as an object by stage name. */
static int each_stage(void *ctx, const vt_store_cra_stage *r)
{
    cJSON *o = cJSON_CreateObject(), *fields = cJSON_Parse(r->fields);
    int error = vt_json_add_take(ctx, r->stage, o);

    if (!error)
        error = vt_json_add_take(o, "fields", fields ? fields : cJSON_CreateObject());
    else
        cJSON_Delete(fields);
    if (!error && r->submitted)
        error = add_time(o, "submitted_at", r->submitted_ms);
    else if (!error)
        error = vt_json_add_null(o, "submitted_at");
    if (!error)
        error = vt_json_add_str(o, "evidence", r->evidence);
    if (!error)
        error = vt_json_add_str(o, "actor", r->actor);
    if (!error)
        error = add_time(o, "updated_at", r->updated_ms);
    return error;
}

static int stages_obj(cJSON **out, vt_store *s, int64_t case_id, vt_error *err)
{
    cJSON *o = cJSON_CreateObject();
    int error = o ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_store_cra_stages_each(s, case_id, each_stage, o, err);
    if (error < 0) {
        cJSON_Delete(o);
        return error == VT_ENOMEM ? nomem(err) : error;
    }
    *out = o;
    return 0;
}

/* The case's E_EXPLOITED_AWARE as recorded, with its evidence parsed when it is JSON. */
static cJSON *exploitation_obj(const cJSON *case_json)
{
    const cJSON *e = get(get(case_json, "events"), "E_EXPLOITED_AWARE");
    cJSON *o, *ev;

    if (!e)
        return cJSON_CreateNull();
    o = cJSON_Duplicate(e, true);
    ev = str(e, "evidence") ? cJSON_Parse(str(e, "evidence")) : NULL;
    if (o && cJSON_IsObject(ev)) {
        if (vt_json_add_take(o, "judgement", ev) < 0) {
            cJSON_Delete(o);
            return NULL;
        }
    } else {
        cJSON_Delete(ev);
    }
    return o;
}

/* The proposals for the fields of stage `def`, as its "proposed" member. */
static int stage_proposed(cJSON *st, const cJSON *def, const cJSON *proposed)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *f, *v;
    int error = vt_json_add_take(st, "proposed", o);

    cJSON_ArrayForEach(f, get(def, "fields"))
    {
        if (error < 0)
            break;
        v = get(proposed, str(f, "id"));
        if (v)
            error = vt_json_add_take(o, str(f, "id"), cJSON_Duplicate(v, true));
    }
    return error;
}

int vt_cra_view(cJSON **out, vt_store *s, const cJSON *field_sets, int64_t case_id, vt_error *err)
{
    vt_case c = VT_CASE_INIT;
    vt_obligation_filter f = VT_OBLIGATION_FILTER_INIT;
    cJSON *o = NULL, *stored = NULL, *obls = NULL, *cj = NULL, *arr, *report = NULL;
    cJSON *proposed = NULL;
    const cJSON *def;
    int error;

    *out = NULL;
    error = vt_store_case_get(s, case_id, NULL, &c, err);
    if (error >= 0)
        error = vt_case_to_json(&cj, s, &c, err);
    if (error >= 0)
        error = build_for_case(&report, s, &c, err);
    if (error >= 0) {
        proposed = vt_cra_proposed(report);
        if (!proposed)
            error = nomem(err);
    }
    if (error >= 0)
        error = stages_obj(&stored, s, case_id, err);
    f.case_id = case_id;
    f.profile = "EU_CRA";
    f.limit = 1000;
    if (error >= 0)
        error = vt_obligations_query(s, NULL, &f, &obls, err);
    if (error < 0)
        goto out;
    o = cJSON_CreateObject();
    arr = cJSON_CreateArray();
    error = o ? vt_json_add_take(o, "case", cJSON_CreateString(c.ref)) : VT_ENOMEM;
    if (!error)
        error = vt_json_add_take(o, "stages", arr);
    else
        cJSON_Delete(arr);
    if (!error)
        error = vt_json_add_str(o, "code_basis", str(field_sets, "code_basis"));
    cJSON_ArrayForEach(def, get(field_sets, "stages"))
    {
        const char *name = str(def, "stage");
        const cJSON *row = get(stored, name), *values = get(row, "fields"), *ob = NULL, *it;
        cJSON *st = cJSON_CreateObject(), *miss;

        if (error < 0) {
            cJSON_Delete(st);
            break;
        }
        cJSON_ArrayForEach(it, obls)
        {
            if (str(it, "obligation") && strcmp(str(it, "obligation"), name) == 0)
                ob = it;
        }
        miss = vt_cra_missing(field_sets, name, values);
        error = vt_json_add_take(arr, NULL, st);
        if (!error)
            error = vt_json_add_str(st, "stage", name);
        if (!error)
            error = vt_json_add_str(st, "title", str(def, "title"));
        if (!error)
            error = vt_json_add_str(st, "article", str(def, "article"));
        if (!error)
            error = vt_json_add_take(st, "fields", cJSON_Duplicate(get(def, "fields"), true));
        if (!error)
            error = vt_json_add_take(st, "values",
                                     values ? cJSON_Duplicate(values, true) : cJSON_CreateObject());
        if (!error)
            error = stage_proposed(st, def, proposed);
        if (!error)
            error = vt_json_add_take(st, "complete",
                                     cJSON_CreateBool(miss && cJSON_GetArraySize(miss) == 0));
        if (!error)
            error = vt_json_add_take(st, "missing", miss);
        else
            cJSON_Delete(miss);
        if (!error)
            error = vt_json_add_take(st, "submitted_at",
                                     get(row, "submitted_at")
                                         ? cJSON_Duplicate(get(row, "submitted_at"), true)
                                         : cJSON_CreateNull());
        if (!error)
            error = vt_json_add_str(st, "evidence", str(row, "evidence"));
        if (!error)
            error = vt_json_add_take(st, "obligation",
                                     ob ? cJSON_Duplicate(ob, true) : cJSON_CreateNull());
    }
    if (!error)
        error = vt_json_add_take(o, "exploitation", exploitation_obj(cj));
    if (error < 0)
        error = nomem(err);
out:
    cJSON_Delete(proposed);
    cJSON_Delete(report);
    cJSON_Delete(cj);
    cJSON_Delete(stored);
    cJSON_Delete(obls);
    vt_case_dispose(&c);
    if (error < 0) {
        cJSON_Delete(o);
        return error;
    }
    *out = o;
    return 0;
}

/* A stage value: a string, a boolean or an array of strings, at most 64 KiB of text. */
static bool stage_value_ok(const cJSON *v)
{
    const cJSON *e;

    if (cJSON_IsBool(v))
        return true;
    if (cJSON_IsString(v))
        return strlen(v->valuestring) <= VT_CASE_DOC_MAX_TEXT;
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > 100)
        return false;
    cJSON_ArrayForEach(e, v)
    {
        if (!cJSON_IsString(e) || strlen(e->valuestring) > 4096)
            return false;
    }
    return true;
}

static bool stage_has_field(const cJSON *def, const char *id)
{
    const cJSON *f;

    cJSON_ArrayForEach(f, get(def, "fields"))
    {
        if (strcmp(str(f, "id"), id) == 0)
            return true;
    }
    return false;
}

/* The stage's stored row, or NULL; *submitted says whether it was submitted. */
static int stage_row(cJSON **row, vt_store *s, int64_t case_id, const char *stage, vt_error *err)
{
    cJSON *stored = NULL;
    int error = stages_obj(&stored, s, case_id, err);

    *row = NULL;
    if (error < 0)
        return error;
    if (get(stored, stage))
        *row = cJSON_DetachItemFromObjectCaseSensitive(stored, stage);
    cJSON_Delete(stored);
    return 0;
}

static int cra_ledger(vt_store *w, const vt_case *c, const char *kind, const char *actor,
                      const cJSON *detail, int64_t now_ms, vt_error *err)
{
    vt_buf text = VT_BUF_INIT;
    vt_ledger_entry_in e = {0};
    int error = vt_json_print(&text, detail);

    if (error < 0) {
        vt_buf_dispose(&text);
        return nomem(err);
    }
    e.kind = kind;
    e.channel = "api";
    e.actor = actor;
    e.subject = c->ref;
    e.detail = text.ptr;
    e.at_ms = now_ms;
    error = vt_ledger_append(w, &e, NULL, err);
    vt_buf_dispose(&text);
    return error;
}

int vt_cra_stage_put(vt_store *w, const cJSON *field_sets, int64_t case_id, const char *stage,
                     const cJSON *fields, const char *actor, int64_t now_ms, vt_error *err)
{
    const cJSON *def = stage_def(field_sets, stage), *m;
    vt_case c = VT_CASE_INIT;
    cJSON *row = NULL, *detail = NULL, *keys;
    vt_buf text = VT_BUF_INIT;
    vt_store_cra_stage r = {0};
    char ptr[VT_ERROR_FIELD_MAX];
    int error;

    if (!def)
        return vt_error_set_field(err, VT_EINVALID, "/stage", "unknown CRA stage '%.40s'",
                                  stage ? stage : "");
    if (!cJSON_IsObject(fields))
        return vt_error_set_field(err, VT_EINVALID, "/fields", "fields must be an object");
    cJSON_ArrayForEach(m, fields)
    {
        snprintf(ptr, sizeof(ptr), "/fields/%.60s", m->string);
        if (!stage_has_field(def, m->string))
            return vt_error_set_field(err, VT_EINVALID, ptr, "not a field of stage %s", stage);
        if (!stage_value_ok(m))
            return vt_error_set_field(err, VT_EINVALID, ptr,
                                      "a value is a string, true/false or an array of strings");
    }
    error = vt_store_case_get(w, case_id, NULL, &c, err);
    if (error >= 0)
        error = stage_row(&row, w, case_id, stage, err);
    if (error < 0)
        goto out;
    if (cJSON_IsString(get(row, "submitted_at"))) {
        error = vt_error_set_field(err, VT_EINVALID, "/stage",
                                   "stage %s was submitted; its fields no longer change", stage);
        goto out;
    }
    error = vt_json_print(&text, fields);
    r.case_id = case_id;
    r.stage = stage;
    r.fields = text.ptr;
    r.actor = actor;
    r.updated_ms = now_ms;
    if (error >= 0)
        error = vt_store_cra_stage_put(w, &r, err);
    if (error < 0)
        goto out;
    detail = cJSON_CreateObject();
    keys = cJSON_CreateArray();
    error = detail && vt_json_add_str(detail, "stage", stage) == 0 &&
                    vt_json_add_take(detail, "fields", keys) == 0
                ? 0
                : VT_ENOMEM;
    cJSON_ArrayForEach(m, fields)
    {
        if (!error)
            error = vt_json_add_str(keys, NULL, m->string);
    }
    if (error < 0) {
        error = nomem(err);
        goto out;
    }
    error = cra_ledger(w, &c, "cra.stage.update", actor, detail, now_ms, err);
out:
    cJSON_Delete(detail);
    cJSON_Delete(row);
    vt_buf_dispose(&text);
    vt_case_dispose(&c);
    return error;
}

int vt_cra_stage_submit(vt_store *w, const struct vt_policy_set *ps,
                        const struct vt_calendar_set *cs, const cJSON *field_sets, int64_t case_id,
                        const char *stage, int64_t submitted_ms, const char *evidence,
                        const char *actor, int64_t now_ms, cJSON **missing, vt_error *err)
{
    const cJSON *def = stage_def(field_sets, stage);
    vt_case c = VT_CASE_INIT;
    cJSON *row = NULL, *miss = NULL, *detail = NULL;
    vt_obl_row ob = {0};
    vt_case_refusal refusal = VT_CASE_REFUSAL_NONE;
    bool found = false, changed = false;
    int error;

    if (missing)
        *missing = NULL;
    if (!submitted_ms)
        submitted_ms = now_ms;
    if (!def)
        return vt_error_set_field(err, VT_EINVALID, "/stage", "unknown CRA stage '%.40s'",
                                  stage ? stage : "");
    if (!evidence || !evidence[0])
        return vt_error_set_field(err, VT_EINVALID, "/evidence",
                                  "a submission needs its evidence (the platform's reference, "
                                  "a screenshot hash)");
    if (strlen(evidence) > 4096)
        return vt_error_set_field(err, VT_EINVALID, "/evidence", "evidence: at most 4096 bytes");
    if (submitted_ms > now_ms)
        return vt_error_set_field(err, VT_EINVALID, "/submitted_at",
                                  "a submission cannot be in the future");
    error = vt_store_case_get(w, case_id, NULL, &c, err);
    if (error >= 0)
        error = stage_row(&row, w, case_id, stage, err);
    if (error < 0)
        goto out;
    if (cJSON_IsString(get(row, "submitted_at"))) {
        error =
            vt_error_set_field(err, VT_EINVALID, "/stage", "stage %s is already submitted", stage);
        goto out;
    }
    miss = vt_cra_missing(field_sets, stage, get(row, "fields"));
    if (!miss) {
        error = nomem(err);
        goto out;
    }
    if (cJSON_GetArraySize(miss) > 0 || !row) {
        error = vt_error_set_field(err, VT_EINVALID, "/missing",
                                   "stage %s has %d mandatory (X) field(s) empty", stage,
                                   cJSON_GetArraySize(miss));
        if (missing) {
            *missing = miss;
            miss = NULL;
        }
        goto out;
    }
    error = vt_store_cra_stage_submit(w, case_id, stage, submitted_ms, evidence, actor, now_ms,
                                      &changed, err);
    if (error >= 0 && !changed)
        error =
            vt_error_set_field(err, VT_EINVALID, "/stage", "stage %s is already submitted", stage);
    if (error < 0)
        goto out;
    detail = cJSON_CreateObject();
    error = detail && vt_json_add_str(detail, "stage", stage) == 0 &&
                    add_time(detail, "submitted_at", submitted_ms) == 0 &&
                    vt_json_add_str(detail, "evidence", evidence) == 0
                ? 0
                : VT_ENOMEM;
    if (error < 0) {
        error = nomem(err);
        goto out;
    }
    error = cra_ledger(w, &c, "cra.stage.submitted", actor, detail, now_ms, err);
    if (error < 0)
        goto out;
    /* CRA-I-N's submission is the start of CRA-I-FR (and what meets CRA-I-N). */
    if (strcmp(stage, "CRA-I-N") == 0) {
        error = vt_case_record_event(w, ps, cs, case_id, "E_CRA_I_N_SUBMITTED", submitted_ms, NULL,
                                     actor, evidence, now_ms, &refusal, err);
        if (error == VT_EINVALID && refusal == VT_CASE_REFUSAL_EVENT_SET) {
            vt_error_clear(err);
            error = 0;
        }
        if (error < 0)
            goto out;
    }
    error = vt_store_obl_find(w, case_id, "EU_CRA", stage, &found, &ob, err);
    if (error >= 0 && found && (strcmp(ob.state, "open") == 0 || strcmp(ob.state, "missed") == 0))
        error = vt_obligation_record_evidence(w, ob.id, actor, evidence, submitted_ms, now_ms, err);
out:
    vt_obl_row_dispose(&ob);
    cJSON_Delete(detail);
    cJSON_Delete(miss);
    cJSON_Delete(row);
    vt_case_dispose(&c);
    return error;
}

int vt_cra_confirm_exploitation(vt_store *w, const struct vt_policy_set *ps,
                                const struct vt_calendar_set *cs, int64_t case_id,
                                const char *evidence, const char *judged_by,
                                int64_t first_signal_ms, const char *actor, int64_t now_ms,
                                vt_error *err)
{
    cJSON *j = cJSON_CreateObject();
    vt_buf text = VT_BUF_INIT;
    int error;

    if (!j)
        return nomem(err);
    if (!evidence || !evidence[0] || strlen(evidence) > 8192) {
        cJSON_Delete(j);
        return vt_error_set_field(err, VT_EINVALID, "/evidence",
                                  "the confirmation needs the evidence judged reliable "
                                  "(1 to 8192 bytes)");
    }
    if (first_signal_ms > now_ms) {
        cJSON_Delete(j);
        return vt_error_set_field(err, VT_EINVALID, "/first_signal_at",
                                  "the first signal cannot be in the future");
    }
    /* Spec A10: who judged the evidence, and the first signal for auditing the gap. */
    error = vt_json_add_str(j, "evidence", evidence);
    if (!error)
        error = vt_json_add_str(j, "judged_by", judged_by && judged_by[0] ? judged_by : actor);
    if (!error && first_signal_ms)
        error = add_time(j, "first_signal_at", first_signal_ms);
    if (!error && first_signal_ms)
        error = vt_json_add_num(j, "gap_seconds", (double)((now_ms - first_signal_ms) / 1000));
    if (!error)
        error = vt_json_print(&text, j);
    cJSON_Delete(j);
    if (error < 0) {
        vt_buf_dispose(&text);
        return nomem(err);
    }
    error = vt_case_record_event(w, ps, cs, case_id, "E_EXPLOITED_AWARE", now_ms, NULL, actor,
                                 text.ptr, now_ms, NULL, err);
    vt_buf_dispose(&text);
    return error;
}

struct kev_hit {
    cJSON *o;
    int error;
};

static void kev_copy(void *ctx, const vt_kev_entry *e)
{
    struct kev_hit *h = ctx;

    h->error = vt_json_add_str(h->o, "cve", e->cve);
    if (!h->error)
        h->error = vt_json_add_str(h->o, "date_added", e->date_added);
    if (!h->error)
        h->error = vt_json_add_str(h->o, "name", e->name);
}

int vt_cra_suggestions(cJSON **out, vt_store *s, int64_t case_id, vt_error *err)
{
    vt_case c = VT_CASE_INIT;
    cJSON *doc = NULL, *o = NULL, *arr;
    const cJSON *id;
    bool confirmed = false;
    int error;

    *out = NULL;
    error = vt_store_case_get(s, case_id, NULL, &c, err);
    if (error >= 0)
        error = vt_json_parse(&doc, c.doc, strlen(c.doc), err);
    if (error < 0)
        goto out;
    {
        cJSON *cj = NULL;

        error = vt_case_to_json(&cj, s, &c, err);
        if (error < 0)
            goto out;
        confirmed = get(get(cj, "events"), "E_EXPLOITED_AWARE") != NULL;
        cJSON_Delete(cj);
    }
    o = cJSON_CreateObject();
    arr = cJSON_CreateArray();
    error = o ? vt_json_add_take(o, "suggestions", arr) : VT_ENOMEM;
    if (!o)
        cJSON_Delete(arr);
    cJSON_ArrayForEach(id, get(doc, "identifiers"))
    {
        struct kev_hit h = {NULL, 0};
        bool found = false;
        const char *scheme = str(id, "scheme"), *cve = str(id, "id");

        if (error < 0)
            break;
        if (!scheme || !cve || strcmp(scheme, "CVE") != 0)
            continue;
        h.o = cJSON_CreateObject();
        if (!h.o) {
            error = VT_ENOMEM;
            break;
        }
        error = vt_store_get_kev(s, cve, &found, kev_copy, &h, err);
        if (error >= 0)
            error = h.error;
        if (error >= 0 && found) {
            error = vt_json_add_str(h.o, "source", "KEV");
            if (!error)
                error = vt_json_add_str(h.o, "note",
                                        "listed as exploited in the KEV catalogue: a suggestion "
                                        "only; a person confirms reliable evidence "
                                        "(POST .../cra/exploitation)");
            if (!error) {
                error = vt_json_add_take(arr, NULL, h.o);
                h.o = NULL;
            }
        }
        cJSON_Delete(h.o);
    }
    if (error >= 0)
        error = vt_json_add_take(o, "confirmed", cJSON_CreateBool(confirmed));
    if (error == VT_ENOMEM)
        nomem(err);
out:
    cJSON_Delete(doc);
    vt_case_dispose(&c);
    if (error < 0) {
        cJSON_Delete(o);
        return error;
    }
    *out = o;
    return 0;
}
