/*
 * assets.c - the deployed assets of an operator organisation (assets.h):
 * checking and storing them with a ledger entry per change, and their JSON
 * shape. Their findings are in asset_findings.c, the operator case opened
 * from one in asset_case.c.
 */
#include <stdio.h>
#include <string.h>

#include "assets_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/assets.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/osv.h"
#include "vulntrack/purl.h"
#include "vulntrack/sbom.h"
#include "vulntrack/store_assets.h"

/* ------------------------------------------------------------------------ */
/* Checking and storing                                                     */

static bool exposure_valid(const char *s)
{
    return s && (strcmp(s, "yes") == 0 || strcmp(s, "no") == 0 || strcmp(s, "unknown") == 0);
}

/* Text of at most VT_ASSET_TEXT_MAX bytes without control characters. */
static int check_text(const char *s, const char *field, vt_error *err)
{
    size_t i, n;

    if (!s)
        return 0;
    n = strlen(s);
    if (n > VT_ASSET_TEXT_MAX)
        return vt_error_set_field(err, VT_EINVALID, field, "longer than %d bytes",
                                  VT_ASSET_TEXT_MAX);
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return vt_error_set_field(err, VT_EINVALID, field, "contains a control character");
    return 0;
}

/* identifiers: an array of non-empty strings (host names, addresses). */
static int check_identifiers(const cJSON *ids, vt_error *err)
{
    const cJSON *e;
    int i = 0;

    if (!cJSON_IsArray(ids))
        return vt_error_set_field(err, VT_EINVALID, "/identifiers",
                                  "identifiers must be an array of strings");
    if (cJSON_GetArraySize(ids) > VT_ASSET_IDENTIFIERS_MAX)
        return vt_error_set_field(err, VT_EINVALID, "/identifiers", "more than %d identifiers",
                                  VT_ASSET_IDENTIFIERS_MAX);
    cJSON_ArrayForEach(e, ids)
    {
        char field[32];

        snprintf(field, sizeof(field), "/identifiers/%d", i++);
        if (!cJSON_IsString(e) || !e->valuestring[0])
            return vt_error_set_field(err, VT_EINVALID, field, "must be a non-empty string");
        if (check_text(e->valuestring, field, err) < 0)
            return VT_EINVALID;
    }
    return 0;
}

static int check_purl(const char *s, vt_error *err)
{
    vt_purl *p = NULL;
    int error;

    if (!s)
        return 0;
    error = vt_purl_parse(&p, s, strlen(s), err);
    vt_purl_free(p);
    if (error == VT_ENOMEM)
        return error;
    if (error < 0)
        return vt_error_set_field(err, VT_EINVALID, "/purl", "%s", err->msg);
    return 0;
}

static int check_sbom(const char *s, size_t len, vt_error *err)
{
    vt_sbom *sbom = NULL;
    int error;

    if (!s)
        return 0;
    error = vt_sbom_parse(&sbom, s, len, err);
    vt_sbom_free(sbom);
    if (error == VT_ENOMEM)
        return error;
    if (error < 0)
        return vt_error_set_field(err, VT_EINVALID, "/sbom", "%s", err->msg);
    return 0;
}

/* Every field of a complete asset. */
static int asset_check(const vt_asset *a, vt_error *err)
{
    int error;

    if (!a->name || !a->name[0])
        return vt_error_set_field(err, VT_EINVALID, "/name", "name is required");
    error = check_text(a->name, "/name", err);
    if (error == 0)
        error = check_text(a->vendor, "/vendor", err);
    if (error == 0)
        error = check_text(a->product, "/product", err);
    if (error == 0)
        error = check_text(a->version, "/version", err);
    if (error == 0 && a->purl && strlen(a->purl) > VT_ASSET_TEXT_MAX * 4)
        error = vt_error_set_field(err, VT_EINVALID, "/purl", "purl too long");
    if (error == 0)
        error = check_purl(a->purl, err);
    if (error == 0 && !exposure_valid(a->publicly_exposed))
        error = vt_error_set_field(err, VT_EINVALID, "/publicly_exposed",
                                   "publicly_exposed must be yes, no or unknown");
    if (error == 0 && !a->purl && !a->sbom && !a->product)
        error = vt_error_set_field(err, VT_EINVALID, "/product",
                                   "an asset needs a product (with vendor and version), a purl "
                                   "or an SBOM");
    return error;
}

/* Replace *slot with a copy of `v`: NULL keeps it, "" clears it. */
static int set_field(char **slot, const char *v, size_t len)
{
    char *copy;

    if (!v)
        return 0;
    if (!v[0] || !len) {
        vt_free(*slot);
        *slot = NULL;
        return 0;
    }
    copy = vt_malloc(len + 1);
    if (!copy)
        return VT_ENOMEM;
    memcpy(copy, v, len);
    copy[len] = '\0';
    vt_free(*slot);
    *slot = copy;
    return 0;
}

static int set_str(char **slot, const char *v)
{
    return set_field(slot, v, v ? strlen(v) : 0);
}

/* Apply `in` to `a` (after checking the parts that need parsing). */
static int asset_apply(vt_asset *a, const vt_asset_in *in, vt_error *err)
{
    int error = 0;

    if (in->identifiers) {
        char *text;

        error = check_identifiers(in->identifiers, err);
        if (error < 0)
            return error;
        text = cJSON_PrintUnformatted(in->identifiers);
        if (!text)
            return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        vt_free(a->identifiers);
        a->identifiers = vt_strdup(text);
        cJSON_free(text);
        if (!a->identifiers)
            return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    }
    if (in->next_upgrade) {
        int64_t ms = 0;

        if (in->next_upgrade[0] &&
            vt_time_parse_rfc3339(&ms, in->next_upgrade, strlen(in->next_upgrade)) != 0)
            return vt_error_set_field(err, VT_EINVALID, "/next_upgrade",
                                      "next_upgrade must be an RFC 3339 time such as "
                                      "2026-12-01T00:00:00Z");
        a->next_upgrade_ms = ms;
    }
    if (in->sbom && in->sbom[0])
        error = check_sbom(in->sbom, in->sbom_len ? in->sbom_len : strlen(in->sbom), err);
    if (error < 0)
        return error;
    if (in->name && !in->name[0])
        return vt_error_set_field(err, VT_EINVALID, "/name", "name is required");
    if (in->publicly_exposed && !exposure_valid(in->publicly_exposed))
        return vt_error_set_field(err, VT_EINVALID, "/publicly_exposed",
                                  "publicly_exposed must be yes, no or unknown");
    if (set_str(&a->name, in->name) < 0 || set_str(&a->vendor, in->vendor) < 0 ||
        set_str(&a->product, in->product) < 0 || set_str(&a->version, in->version) < 0 ||
        set_str(&a->purl, in->purl) < 0 ||
        set_field(&a->sbom, in->sbom,
                  in->sbom_len ? in->sbom_len : (in->sbom ? strlen(in->sbom) : 0)) < 0 ||
        set_str(&a->publicly_exposed, in->publicly_exposed) < 0)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    return asset_check(a, err);
}

static int asset_ledger(vt_store *w, const char *kind, const vt_asset *a, const char *actor,
                        vt_error *err)
{
    vt_ledger_entry_in e;
    vt_buf detail = VT_BUF_INIT, subject = VT_BUF_INIT;
    cJSON *d = cJSON_CreateObject();
    int error = d ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(d, "org_id", (double)a->org_id);
    if (error >= 0)
        error = vt_json_add_str(d, "name", a->name);
    if (error >= 0)
        error = vt_json_add_str(d, "publicly_exposed", a->publicly_exposed);
    if (error >= 0)
        error = vt_json_print(&detail, d);
    if (error >= 0)
        error = vt_buf_printf(&subject, "asset:%lld", (long long)a->id);
    if (error < 0) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    memset(&e, 0, sizeof(e));
    e.kind = kind;
    e.channel = "api";
    e.actor = actor && actor[0] ? actor : "system";
    e.subject = subject.ptr;
    e.detail = detail.ptr;
    error = vt_ledger_append(w, &e, NULL, err);
out:
    cJSON_Delete(d);
    vt_buf_dispose(&detail);
    vt_buf_dispose(&subject);
    return error;
}

/* Move *a into *out (when given), else dispose it. */
static void hand_over(vt_asset *a, vt_asset *out)
{
    if (out) {
        *out = *a;
        memset(a, 0, sizeof(*a));
    }
    vt_asset_dispose(a);
}

int vt_asset_add(vt_store *w, int64_t org_id, const vt_asset_in *in, const char *actor,
                 vt_asset *out, int64_t *existing_id, vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    int64_t found = 0;
    int error;

    if (existing_id)
        *existing_id = 0;
    a.org_id = org_id;
    a.created_ms = vt_clock_now_ms();
    /* The defaults of a new asset, which `in` may override. */
    a.publicly_exposed = vt_strdup("unknown");
    a.identifiers = vt_strdup("[]");
    if (!a.publicly_exposed || !a.identifiers)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    else
        error = asset_apply(&a, in, err);
    if (error == 0)
        error = vt_store_asset_find(w, org_id, a.name, &found, err);
    if (error == 0 && found) {
        if (existing_id)
            *existing_id = found;
        error = vt_error_set_field(err, VT_EINVALID, "/name", "asset %lld already has this name",
                                   (long long)found);
    }
    if (error == 0)
        error = vt_store_asset_insert(w, &a, err);
    if (error == 0)
        error = asset_ledger(w, "asset.add", &a, actor, err);
    if (error == 0)
        hand_over(&a, out);
    vt_asset_dispose(&a);
    return error;
}

int vt_asset_get(vt_store *s, int64_t org_id, int64_t id, vt_asset *out, vt_error *err)
{
    int error = vt_store_asset_get(s, id, out, err);

    /* Another organisation's asset is reported exactly like a missing one. */
    if (error == 0 && org_id && out->org_id != org_id) {
        vt_asset_dispose(out);
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no asset %lld", (long long)id);
    }
    return error;
}

int vt_asset_update(vt_store *w, int64_t org_id, int64_t id, const vt_asset_in *in,
                    const char *actor, vt_asset *out, int64_t *existing_id, vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    int64_t found = 0;
    int error;

    if (existing_id)
        *existing_id = 0;
    error = vt_asset_get(w, org_id, id, &a, err);
    if (error == 0)
        error = asset_apply(&a, in, err);
    if (error == 0 && in->name)
        error = vt_store_asset_find(w, a.org_id, a.name, &found, err);
    if (error == 0 && found && found != id) {
        if (existing_id)
            *existing_id = found;
        error = vt_error_set_field(err, VT_EINVALID, "/name", "asset %lld already has this name",
                                   (long long)found);
    }
    if (error == 0)
        error = vt_store_asset_update(w, &a, err);
    if (error == 0)
        error = asset_ledger(w, "asset.update", &a, actor, err);
    if (error == 0)
        hand_over(&a, out);
    vt_asset_dispose(&a);
    return error;
}

int vt_asset_delete(vt_store *w, int64_t org_id, int64_t id, const char *actor, vt_error *err)
{
    vt_asset a = VT_ASSET_INIT;
    int error;

    error = vt_asset_get(w, org_id, id, &a, err);
    if (error == 0)
        error = vt_store_asset_delete(w, id, err);
    if (error == 0)
        error = asset_ledger(w, "asset.delete", &a, actor, err);
    vt_asset_dispose(&a);
    return error;
}

int vt_asset_list(vt_store *s, int64_t org_id, int (*each)(void *ctx, const vt_asset *a), void *ctx,
                  vt_error *err)
{
    return vt_store_asset_list(s, org_id, each, ctx, err);
}

cJSON *vt_asset_json(const vt_asset *a)
{
    cJSON *o = cJSON_CreateObject(), *ids = NULL, *sb = NULL;
    char t[VT_TIME_TEXT_MAX];
    int error = o ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(o, "id", (double)a->id);
    if (error >= 0)
        error = vt_json_add_str(o, "name", a->name);
    if (error >= 0)
        error = vt__asset_add_opt(o, "vendor", a->vendor);
    if (error >= 0)
        error = vt__asset_add_opt(o, "product", a->product);
    if (error >= 0)
        error = vt__asset_add_opt(o, "version", a->version);
    if (error >= 0)
        error = vt__asset_add_opt(o, "purl", a->purl);
    if (error >= 0 && a->sbom) {
        vt_sbom *sbom = NULL;
        vt_error e2 = VT_ERROR_INIT;
        size_t i, n = 0;

        sb = cJSON_CreateObject();
        error = sb ? 0 : VT_ENOMEM;
        if (error >= 0 && vt_sbom_parse(&sbom, a->sbom, strlen(a->sbom), &e2) == 0) {
            for (i = 0; i < sbom->ncomponents; i++)
                n += !sbom->components[i].is_metadata;
            error = vt_json_add_str(sb, "format", vt_sbom_format_name(sbom->format));
            if (error >= 0)
                error = vt_json_add_num(sb, "components", (double)n);
        }
        vt_sbom_free(sbom);
        if (error >= 0)
            error = vt_json_add_take(o, "sbom", sb);
        else
            cJSON_Delete(sb);
    } else if (error >= 0) {
        error = vt_json_add_null(o, "sbom");
    }
    if (error >= 0)
        error = vt_json_add_str(o, "publicly_exposed", a->publicly_exposed);
    if (error >= 0)
        error = vt__asset_add_opt(o, "next_upgrade",
                                  a->next_upgrade_ms ? vt_time_format_utc(t, a->next_upgrade_ms)
                                                     : NULL);
    if (error >= 0) {
        error = vt_json_parse(&ids, a->identifiers, strlen(a->identifiers), NULL);
        if (error >= 0)
            error = vt_json_add_take(o, "identifiers", ids);
    }
    if (error >= 0)
        error = vt_json_add_str(o, "created_at", vt_time_format_utc(t, a->created_ms));
    if (error < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
