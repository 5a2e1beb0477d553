/*
 * asset_case.c - an operator case opened from one finding of an asset
 * (assets.h): the case fields built from the asset and the finding (the
 * BOD 26-04 inputs among them), opened through vt_case_create once per
 * asset and vulnerability.
 */
#include <string.h>

#include "assets_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/cases.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/store_assets.h"

/* ------------------------------------------------------------------------ */
/* An operator case from a finding                                          */

static bool finding_names(const cJSON *f, const char *vulnerability)
{
    const cJSON *e;
    const char *id = vt__asset_str_of(f, "vulnerability");

    if (id && strcmp(id, vulnerability) == 0)
        return true;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(f, "aliases"))
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, vulnerability) == 0)
            return true;
    }
    return false;
}

/* The case fields of finding `f` on asset `a` (before normalisation). */
static int case_fields(cJSON **out, const vt_asset *a, const cJSON *f)
{
    cJSON *doc = cJSON_CreateObject(), *products, *p, *versions, *ids, *e;
    const cJSON *alias;
    char t[VT_TIME_TEXT_MAX];
    const char *purl = vt__asset_str_of(cJSON_GetObjectItemCaseSensitive(f, "component"), "purl");
    const char *summary = vt__asset_str_of(f, "summary");
    int error = doc ? 0 : VT_ENOMEM;

    *out = NULL;
    if (error >= 0) {
        products = cJSON_AddArrayToObject(doc, "products");
        p = cJSON_CreateObject();
        error = products && p ? 0 : VT_ENOMEM;
        if (error >= 0 && a->vendor)
            error = vt_json_add_str(p, "vendor", a->vendor);
        if (error >= 0)
            error = vt_json_add_str(p, "name", a->product ? a->product : a->name);
        if (error >= 0 && a->version) {
            versions = cJSON_AddArrayToObject(p, "versions");
            error = versions ? vt_json_add_str(versions, NULL, a->version) : VT_ENOMEM;
        }
        if (error >= 0)
            error = vt_json_add_take(products, NULL, p);
        else
            cJSON_Delete(p);
    }
    if (error >= 0)
        error = vt_json_add_str(doc, "product_type", "system");
    if (error >= 0) {
        ids = cJSON_AddArrayToObject(doc, "identifiers");
        error = ids ? vt_case_identifier_add(ids, vt__asset_str_of(f, "vulnerability"))
                    : VT_ENOMEM;
        cJSON_ArrayForEach(alias, cJSON_GetObjectItemCaseSensitive(f, "aliases"))
        {
            if (error >= 0 && cJSON_IsString(alias))
                error = vt_case_identifier_add(ids, alias->valuestring);
        }
        if (error >= 0 && cJSON_GetArraySize(ids) == 0)
            cJSON_DeleteItemFromObjectCaseSensitive(doc, "identifiers");
    }
    /* The BOD 26-04 inputs the asset knows: exposure (unknown leaves it
     * unset, so both outcomes are shown) and the next upgrade. */
    if (error >= 0 && strcmp(a->publicly_exposed, "unknown") != 0) {
        e = cJSON_AddObjectToObject(doc, "ssvc");
        error = e ? vt_json_add_str(e, "exposed", a->publicly_exposed) : VT_ENOMEM;
    }
    if (error >= 0 && a->next_upgrade_ms)
        error = vt_json_add_str(doc, "next_upgrade", vt_time_format_utc(t, a->next_upgrade_ms));
    if (error >= 0 && summary)
        error = vt_json_add_str(doc, "description", summary);
    if (error >= 0 && purl) {
        cJSON *comps = cJSON_AddArrayToObject(doc, "components"), *c = cJSON_CreateObject();

        error = comps && c ? vt_json_add_str(c, "purl", purl) : VT_ENOMEM;
        if (error >= 0)
            error = vt_json_add_take(comps, NULL, c);
        else
            cJSON_Delete(c);
    }
    if (error < 0) {
        cJSON_Delete(doc);
        return error;
    }
    *out = doc;
    return 0;
}

static int source_finding(cJSON *doc, const vt_asset *a, const char *vulnerability, const cJSON *f)
{
    cJSON *src = cJSON_CreateObject();
    const cJSON *adv = cJSON_GetObjectItemCaseSensitive(f, "advisory");
    int error = src ? vt_json_add_num(src, "asset_id", (double)a->id) : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_str(src, "vulnerability", vulnerability);
    if (error >= 0)
        error = vt_json_add_str(src, "source", vt__asset_str_of(f, "source"));
    if (error >= 0 && cJSON_IsObject(adv))
        error = vt__asset_add_opt(src, "advisory", vt__asset_str_of(adv, "tracking_id"));
    if (error >= 0)
        error = vt_json_add_take(
            src, "known_exploited",
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(f, "known_exploited"), 1));
    if (error < 0) {
        cJSON_Delete(src);
        return error;
    }
    return vt_json_add_take(doc, "source_finding", src);
}

void vt_asset_case_draft_dispose(vt_asset_case_draft *d)
{
    if (!d)
        return;
    vt_free(d->vulnerability);
    vt_free(d->title);
    cJSON_Delete(d->doc);
    memset(d, 0, sizeof(*d));
}

int vt_asset_case_draft_build(vt_store *s, int64_t org_id, int64_t id, const char *vulnerability,
                              vt_asset_case_draft *out, vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    cJSON *list = NULL, *fields = NULL;
    const cJSON *f = NULL, *e;
    vt_buf title = VT_BUF_INIT;
    int error;

    memset(out, 0, sizeof(*out));
    error = vt_asset_get(s, org_id, id, &a, err);
    if (error == 0)
        error = vt__asset_findings_of(&list, s, &a, err);
    if (error < 0)
        goto out;
    cJSON_ArrayForEach(e, list)
    {
        if (!f && finding_names(e, vulnerability))
            f = e;
    }
    if (!f) {
        error = vt_error_set(err, VT_ENOTFOUND, 0, "asset %lld has no finding %s", (long long)a.id,
                             vulnerability);
        goto out;
    }
    /* The case is recorded under the finding's own id, whichever alias
     * named it, so that an alias cannot open a second case. */
    vulnerability = vt__asset_str_of(f, "vulnerability");
    error = case_fields(&fields, &a, f);
    if (error == 0)
        error = vt_case_doc_normalize(&out->doc, fields, NULL, "/doc", err);
    else
        vt_error_set(err, error, 0, "out of memory");
    if (error < 0)
        goto out;
    out->org_id = a.org_id;
    out->asset_id = a.id;
    out->vulnerability = vt_strdup(vulnerability);
    if (!out->vulnerability || source_finding(out->doc, &a, vulnerability, f) < 0 ||
        vt_buf_printf(&title, "%s on %s", vulnerability, a.name) < 0) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    out->title = vt_buf_detach(&title);
    if (!out->title)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
out:
    if (error < 0)
        vt_asset_case_draft_dispose(out);
    cJSON_Delete(list);
    cJSON_Delete(fields);
    vt_buf_dispose(&title);
    vt_asset_dispose(&a);
    return error;
}

int vt_asset_case_open(vt_store *w, const vt_asset_case_draft *d, const char *actor,
                       const struct vt_policy_set *ps, const struct vt_calendar_set *cs,
                       int64_t *case_id, char ref[32], char existing_ref[32], vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    vt_case_new in;
    bool found = false;
    int error;

    existing_ref[0] = '\0';
    ref[0] = '\0';
    *case_id = 0;
    /* The asset may have gone since the draft was read. Checked in the
     * writer, so that two requests for the same finding cannot both pass:
     * the second sees the first's case. */
    error = vt_asset_get(w, d->org_id, d->asset_id, &a, err);
    vt_asset_dispose(&a);
    if (error == 0)
        error = vt_store_asset_case_for_finding(w, d->org_id, d->asset_id, d->vulnerability, &found,
                                                existing_ref, err);
    if (error < 0)
        return error;
    if (found)
        return vt_error_set_field(err, VT_EINVALID, "/vulnerability",
                                  "case %s was already opened from %s on this asset", existing_ref,
                                  d->vulnerability);
    memset(&in, 0, sizeof(in));
    in.org_id = d->org_id;
    in.title = d->title;
    in.scope = "operator_system";
    in.doc = d->doc;
    in.actor = actor;
    return vt_case_create(w, &in, ps, cs, case_id, ref, err);
}

int vt_asset_finding_to_case(vt_store *w, int64_t org_id, int64_t id, const char *vulnerability,
                             const char *actor, const struct vt_policy_set *ps,
                             const struct vt_calendar_set *cs, int64_t *case_id, char ref[32],
                             char existing_ref[32], vt_error *err)
{
    vt_asset_case_draft d;
    int error;

    existing_ref[0] = '\0';
    ref[0] = '\0';
    *case_id = 0;
    error = vt_asset_case_draft_build(w, org_id, id, vulnerability, &d, err);
    if (error == 0)
        error = vt_asset_case_open(w, &d, actor, ps, cs, case_id, ref, existing_ref, err);
    vt_asset_case_draft_dispose(&d);
    return error;
}
