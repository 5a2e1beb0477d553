/*
 * gate_records.c - the records the disclosure gate reads, written with a
 * ledger entry each: disclosure records (early publication approval,
 * public-security consent, cross-border release, no-exaggeration
 * attestation) and blackout windows. Each record kind has the members its
 * rule needs (docs/disclosure.md); a record missing one is refused here,
 * so the gate only asks whether a record exists.
 */
#include <stdio.h>
#include <string.h>

#include "vulntrack/buf.h"
#include "vulntrack/cases.h"
#include "vulntrack/gate.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/store_gate.h"

#define RECORD_TEXT_MAX 1000 /* bytes of any one member */

/* The members of each kind: required ones, then optional ones. "one_of"
 * members: at least one of the pair is required. */
static const struct record_kind {
    const char *kind;
    const char *required[5];
    const char *one_of[3];
    const char *optional[4];
} record_kinds[] = {
    {"early_publication_approval",
     {"miit_ref", "mps_ref", "assessment_result_ref", NULL},
     {"joint_assessment_ref", "joint_assessment_date", NULL},
     {"note", NULL}},
    {"mps_consent", {"ref", NULL}, {NULL}, {"note", "date", NULL}},
    {"cross_border_release", {"approver", "recipient", "country", NULL}, {NULL}, {"note", NULL}},
    {"no_exaggeration_attestation", {NULL}, {NULL}, {"note", NULL}},
};

static const struct record_kind *kind_find(const char *kind)
{
    size_t i;

    for (i = 0; kind && i < sizeof(record_kinds) / sizeof(record_kinds[0]); i++)
        if (strcmp(kind, record_kinds[i].kind) == 0)
            return &record_kinds[i];
    return NULL;
}

static bool listed(const char *const *list, const char *key)
{
    for (; *list; list++)
        if (strcmp(*list, key) == 0)
            return true;
    return false;
}

/* Validate `record` against its kind's members: strings, non-empty,
 * at most RECORD_TEXT_MAX bytes, no unknown member. */
static int record_check(const struct record_kind *k, const cJSON *record, vt_error *err)
{
    const cJSON *m;
    size_t i;

    if (!cJSON_IsObject(record))
        return vt_error_set_field(err, VT_EINVALID, "/record", "/record: must be an object");
    cJSON_ArrayForEach(m, record)
    {
        if (!listed(k->required, m->string) && !listed(k->one_of, m->string) &&
            !listed(k->optional, m->string))
            return vt_error_set_field(err, VT_EINVALID, "/record", "/record/%.60s: unknown member",
                                      m->string);
        if (!cJSON_IsString(m) || !m->valuestring[0] || strlen(m->valuestring) > RECORD_TEXT_MAX)
            return vt_error_set_field(err, VT_EINVALID, "/record",
                                      "/record/%.60s: a non-empty string of at most %d bytes",
                                      m->string, RECORD_TEXT_MAX);
        if (cJSON_GetObjectItemCaseSensitive(record, m->string) != m)
            return vt_error_set_field(err, VT_EINVALID, "/record", "/record/%.60s: appears twice",
                                      m->string);
    }
    for (i = 0; k->required[i]; i++)
        if (!cJSON_GetObjectItemCaseSensitive(record, k->required[i]))
            return vt_error_set_field(err, VT_EINVALID, "/record", "/record/%s: required for %s",
                                      k->required[i], k->kind);
    if (k->one_of[0] && !cJSON_GetObjectItemCaseSensitive(record, k->one_of[0]) &&
        !cJSON_GetObjectItemCaseSensitive(record, k->one_of[1]))
        return vt_error_set_field(err, VT_EINVALID, "/record",
                                  "/record: %s or %s is required for %s", k->one_of[0],
                                  k->one_of[1], k->kind);
    return 0;
}

/* The country of a cross-border release: two letters, stored upper case. */
static int country_fix(cJSON *record, vt_error *err)
{
    cJSON *c = cJSON_GetObjectItemCaseSensitive(record, "country");
    char *s;

    if (!c)
        return 0;
    s = c->valuestring;
    if (strlen(s) != 2 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') ||
        !((s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'z'))
        return vt_error_set_field(err, VT_EINVALID, "/record",
                                  "/record/country: an ISO 3166 alpha-2 country code");
    s[0] = (char)(s[0] & ~0x20);
    s[1] = (char)(s[1] & ~0x20);
    return 0;
}

static int ledger_add(vt_store *w, const char *kind, const char *actor, const char *subject,
                      const cJSON *detail, int64_t at_ms, vt_error *err)
{
    vt_ledger_entry_in in;
    vt_buf text = VT_BUF_INIT;
    int error = vt_json_print(&text, detail);

    if (error == 0) {
        memset(&in, 0, sizeof(in));
        in.kind = kind;
        in.channel = "api";
        in.actor = actor;
        in.subject = subject;
        in.content = text.ptr;
        in.content_len = text.len;
        in.detail = text.ptr;
        in.at_ms = at_ms;
        error = vt_ledger_append(w, &in, NULL, err);
    } else {
        error = vt_error_set(err, error, 0, "out of memory");
    }
    vt_buf_dispose(&text);
    return error;
}

int vt_gate_record_add(vt_store *w, int64_t case_id, const char *kind, const cJSON *record,
                       int64_t user_id, const char *actor, int64_t now_ms, int64_t *id_out,
                       vt_error *err)
{
    const struct record_kind *k = kind_find(kind);
    vt_case c = VT_CASE_INIT;
    vt_store_gate_record row;
    vt_buf text = VT_BUF_INIT;
    cJSON *rec = NULL, *detail = NULL;
    int64_t id = 0;
    int error;

    if (!k)
        return vt_error_set_field(err, VT_EINVALID, "/kind",
                                  "/kind: one of early_publication_approval, mps_consent, "
                                  "cross_border_release, no_exaggeration_attestation");
    error = record_check(k, record, err);
    if (error < 0)
        return error;
    error = vt_store_case_get(w, case_id, NULL, &c, err);
    if (error < 0)
        return error;
    rec = cJSON_Duplicate(record, 1);
    error = rec ? country_fix(rec, err) : vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    /* Art. 9(3): the attestation is the reviewer's own, stored with the user id. */
    if (error == 0 && strcmp(kind, "no_exaggeration_attestation") == 0 &&
        ((user_id > 0 ? vt_json_add_num(rec, "reviewer_user_id", (double)user_id)
                      : vt_json_add_null(rec, "reviewer_user_id")) < 0 ||
         vt_json_add_str(rec, "reviewer", actor) < 0))
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error == 0 && vt_json_print(&text, rec) < 0)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error < 0)
        goto out;
    row.id = 0;
    row.case_id = case_id;
    row.kind = kind;
    row.record = text.ptr;
    row.actor = actor;
    row.created_ms = now_ms;
    error = vt_store_gate_record_insert(w, &row, &id, err);
    if (error < 0)
        goto out;
    detail = cJSON_CreateObject();
    if (!detail || vt_json_add_num(detail, "id", (double)id) < 0 ||
        vt_json_add_str(detail, "kind", kind) < 0 ||
        vt_json_add_take(detail, "record", cJSON_Duplicate(rec, 1)) < 0) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    error = ledger_add(w, "disclosure.recorded", actor, c.ref, detail, now_ms, err);
    if (error == 0 && id_out)
        *id_out = id;
out:
    cJSON_Delete(detail);
    cJSON_Delete(rec);
    vt_buf_dispose(&text);
    vt_case_dispose(&c);
    return error;
}

int vt_gate_blackout_add(vt_store *w, int64_t org_id, int64_t start_ms, int64_t end_ms,
                         const char *label, const char *actor, int64_t now_ms, int64_t *id_out,
                         vt_error *err)
{
    vt_store_gate_window b;
    cJSON *detail = NULL;
    char subject[32];
    int64_t id = 0;
    int error;

    if (!label || !label[0] || strlen(label) > RECORD_TEXT_MAX)
        return vt_error_set_field(err, VT_EINVALID, "/reason",
                                  "/reason: a non-empty text of at most %d bytes", RECORD_TEXT_MAX);
    if (end_ms <= start_ms)
        return vt_error_set_field(err, VT_EINVALID, "/ends_at",
                                  "/ends_at: must be after starts_at");
    memset(&b, 0, sizeof(b));
    b.org_id = org_id;
    b.starts_ms = start_ms;
    b.ends_ms = end_ms;
    b.reason = label;
    b.created_ms = now_ms;
    error = vt_store_gate_window_insert(w, &b, &id, err);
    if (error < 0)
        return error;
    snprintf(subject, sizeof(subject), "blackout-%lld", (long long)id);
    detail = cJSON_CreateObject();
    if (!detail || vt_json_add_num(detail, "id", (double)id) < 0 ||
        vt_json_add_num(detail, "org_id", (double)org_id) < 0 ||
        vt_json_add_num(detail, "starts_ms", (double)start_ms) < 0 ||
        vt_json_add_num(detail, "ends_ms", (double)end_ms) < 0 ||
        vt_json_add_str(detail, "reason", label) < 0)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error == 0)
        error = ledger_add(w, "blackout.added", actor, subject, detail, now_ms, err);
    if (error == 0 && id_out)
        *id_out = id;
    cJSON_Delete(detail);
    return error;
}

int vt_gate_blackout_delete(vt_store *w, int64_t id, const char *actor, int64_t now_ms,
                            vt_error *err)
{
    vt_store_gate_window b;
    char reason[VT_ERROR_MSG_MAX], subject[32];
    cJSON *detail = NULL;
    bool deleted;
    int error = vt_store_gate_window_get(w, id, &b, reason, sizeof(reason), err);

    if (error < 0)
        return error;
    error = vt_store_gate_window_delete(w, id, &deleted, err);
    if (error < 0)
        return error;
    snprintf(subject, sizeof(subject), "blackout-%lld", (long long)id);
    detail = cJSON_CreateObject();
    if (!detail || vt_json_add_num(detail, "id", (double)id) < 0 ||
        vt_json_add_num(detail, "starts_ms", (double)b.starts_ms) < 0 ||
        vt_json_add_num(detail, "ends_ms", (double)b.ends_ms) < 0 ||
        vt_json_add_str(detail, "reason", b.reason) < 0)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error == 0)
        error = ledger_add(w, "blackout.deleted", actor, subject, detail, now_ms, err);
    cJSON_Delete(detail);
    return error;
}
