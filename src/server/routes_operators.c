/*
 * routes_operators.c - VEX statements on the findings of a product version
 * and their CycloneDX VEX / OpenVEX export (vex.h), and the deployed assets
 * of an operator organisation with their findings and the operator case
 * opened from one (assets.h).
 *
 * Scoping as for products: a caller with an organisation sees and changes
 * only its organisation's products and assets; another organisation's
 * record answers 404, like a missing one. An admin without an organisation
 * sees every organisation's records but cannot add an asset without naming
 * the organisation ("org").
 */
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "server.h"
#include "vulntrack/assets.h"
#include "vulntrack/auth.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/strparse.h"
#include "vulntrack/vex.h"

#define READERS VT_ROLES_READERS
#define WORKERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER | VT_ROLE_ANALYST)
#define ALL_ORGS VT_ROLE_ADMIN

/* Member `key` of the body: absent NULL, a string its text; else 422 sent and false. */
static bool body_str(vt_request *req, const char *key, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req->json, key);

    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v)) {
        char field[VT_ERROR_FIELD_MAX];

        snprintf(field, sizeof(field), "/%s", key);
        vt_reply_error(req, 422, "invalid", field, "%s must be a string", key);
        return false;
    }
    *out = v->valuestring;
    return true;
}

/* ------------------------------------------------------------------------ */
/* VEX statements                                                           */

static int vex_each(void *ctx, const vt_vex_statement *st)
{
    return vt_json_add_take(ctx, NULL, vt_vex_statement_json(st));
}

static int vex_list(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    int64_t id, scope;
    cJSON *arr, *body;
    int error;

    if (!vt_req_id_param(req, "product", ALL_ORGS, &id, &scope))
        return 0;
    body = vt_req_list_body("statements", &arr);
    if (!body)
        return vt_reply_oom(req);
    error = vt_json_add_num(body, "product_id", (double)id);
    if (error >= 0)
        error = vt_json_add_str(body, "version", req->param[1]);
    if (error >= 0)
        error = vt_vex_list(req->store, scope, id, req->param[1], vex_each, arr, &err);
    return vt_reply_listed(req, body, error, &err);
}

typedef struct vex_job {
    int64_t org;
    vt_vex_statement_in in;
    vt_vex_statement out;
    bool created;
} vex_job;

static int vex_write(vt_store *w, void *ctx, vt_error *err)
{
    vex_job *j = ctx;

    return vt_vex_set(w, j->org, &j->in, &j->out, &j->created, err);
}

static int vex_put(vt_request *req)
{
    static const char *const known[] = {"status", "justification", "impact_statement",
                                        "action_statement", "component_purl", NULL};
    vt_error err = VT_ERROR_INIT;
    vex_job j;
    cJSON *body;
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_id_param(req, "product", ALL_ORGS, &j.in.product_id, &j.org))
        return 0;
    if (!vt_req_known_members(req, known) ||
        !body_str(req, "status", &j.in.status) ||
        !body_str(req, "justification", &j.in.justification) ||
        !body_str(req, "impact_statement", &j.in.impact_statement) ||
        !body_str(req, "action_statement", &j.in.action_statement) ||
        !body_str(req, "component_purl", &j.in.component_purl))
        return 0;
    j.in.version = req->param[1];
    j.in.vulnerability = req->param[2];
    j.in.actor = req->who.name;
    /* Checked before queueing for the writer, so that a bad request costs
     * no write slot. */
    if (vt_vex_statement_check(&j.in, &err) < 0)
        return vt_reply_from_error(req, &err);
    error = vt_server_write(req->srv, vex_write, &j, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    body = vt_vex_statement_json(&j.out);
    vt_vex_statement_dispose(&j.out);
    if (!body)
        return vt_reply_oom(req);
    return vt_reply_json(req, j.created ? 201 : 200, body);
}

static int vex_export(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    const char *format = vt_req_query(req, "format");
    vt_vex_format f;
    vt_buf out = VT_BUF_INIT;
    int64_t id, scope;
    int error;

    if (!vt_req_id_param(req, "product", ALL_ORGS, &id, &scope))
        return 0;
    if (!format || strcmp(format, "cyclonedx") == 0)
        f = VT_VEX_CYCLONEDX;
    else if (strcmp(format, "openvex") == 0)
        f = VT_VEX_OPENVEX;
    else
        return vt_reply_error(req, 422, "invalid", "format", "format must be cyclonedx or openvex");
    error = vt_vex_export(&out, req->store, scope, id, req->param[1], f, vt_clock_now_ms(), &err);
    if (error < 0) {
        vt_buf_dispose(&out);
        return vt_reply_from_error(req, &err);
    }
    error = vt_reply_text(
        req, 200, f == VT_VEX_OPENVEX ? "application/json" : "application/vnd.cyclonedx+json",
        out.ptr, out.len);
    vt_buf_dispose(&out);
    return error < 0 ? vt_reply_oom(req) : 0;
}

/* ------------------------------------------------------------------------ */
/* Assets                                                                   */

static int reply_asset(vt_request *req, unsigned status, const vt_asset *a)
{
    cJSON *body = vt_asset_json(a);

    if (!body)
        return vt_reply_oom(req);
    return vt_reply_json(req, status, body);
}

static int asset_each(void *ctx, const vt_asset *a)
{
    return vt_json_add_take(ctx, NULL, vt_asset_json(a));
}

static int assets_list(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    int64_t scope = vt_req_scope(req, ALL_ORGS);
    cJSON *arr, *body;
    int error;

    if (!vt_req_org_filter(req, &scope))
        return 0;
    body = vt_req_list_body("assets", &arr);
    if (!body)
        return vt_reply_oom(req);
    error = scope < 0 ? 0 : vt_asset_list(req->store, scope, asset_each, arr, &err);
    return vt_reply_listed(req, body, error, &err);
}

/* The asset fields of the body into *in; false after a 422. */
static bool asset_body(vt_request *req, vt_asset_in *in)
{
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(req->json, "identifiers");

    static const char *const clearable[] = {"vendor", "product", "version", "purl"};
    const char **slots[] = {&in->vendor, &in->product, &in->version, &in->purl};
    size_t i;

    memset(in, 0, sizeof(*in));
    if (!body_str(req, "name", &in->name) || !body_str(req, "vendor", &in->vendor) ||
        !body_str(req, "product", &in->product) || !body_str(req, "version", &in->version) ||
        !body_str(req, "purl", &in->purl) ||
        !body_str(req, "publicly_exposed", &in->publicly_exposed) ||
        !body_str(req, "next_upgrade", &in->next_upgrade))
        return false;
    /* null clears an optional member, as "" does. */
    for (i = 0; i < sizeof(clearable) / sizeof(clearable[0]); i++)
        if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(req->json, clearable[i])))
            *slots[i] = "";
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(req->json, "next_upgrade")))
        in->next_upgrade = "";
    in->identifiers = ids;
    return true;
}

typedef struct asset_job {
    int64_t org;
    int64_t id;
    vt_asset_in in;
    const char *actor;
    vt_asset out;
    int64_t existing;
    bool is_delete;
} asset_job;

static int asset_add_write(vt_store *w, void *ctx, vt_error *err)
{
    asset_job *j = ctx;

    return vt_asset_add(w, j->org, &j->in, j->actor, &j->out, &j->existing, err);
}

static int asset_update_write(vt_store *w, void *ctx, vt_error *err)
{
    asset_job *j = ctx;

    if (j->is_delete)
        return vt_asset_delete(w, j->org, j->id, j->actor, err);
    return vt_asset_update(w, j->org, j->id, &j->in, j->actor, &j->out, &j->existing, err);
}

/*
 * "sbom" is a JSON document inside the body; it is stored as its compact
 * text, which the SBOM readers read like the original.
 */
static bool asset_sbom(vt_request *req, asset_job *j, char **text)
{
    const cJSON *sbom = cJSON_GetObjectItemCaseSensitive(req->json, "sbom");

    *text = NULL;
    if (!sbom || cJSON_IsNull(sbom))
        return true;
    if (cJSON_IsString(sbom)) {
        j->in.sbom = sbom->valuestring;
        return true;
    }
    if (!cJSON_IsObject(sbom)) {
        vt_reply_error(req, 422, "invalid", "/sbom", "sbom must be an SBOM document (an object)");
        return false;
    }
    *text = cJSON_PrintUnformatted(sbom);
    if (!*text) {
        vt_reply_oom(req);
        return false;
    }
    j->in.sbom = *text;
    return true;
}

static int assets_add(vt_request *req)
{
    static const char *const known[] = {"name",        "vendor", "product",          "version",
                                        "purl",        "sbom",   "publicly_exposed", "next_upgrade",
                                        "identifiers", "org", NULL};
    vt_error err = VT_ERROR_INIT;
    asset_job j;
    const char *org;
    char *sbom_text = NULL, location[64];
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_known_members(req, known) || !asset_body(req, &j.in) ||
        !body_str(req, "org", &org))
        return 0;
    j.org = req->who.org_id;
    if (org) {
        int64_t oid;

        if (!vt_req_org_id(req, org, "/org", &oid))
            return 0;
        if (req->who.role != VT_ROLE_ADMIN && oid != req->who.org_id)
            return vt_reply_error(req, 403, "forbidden", "/org",
                                  "you may add assets to your own organisation only");
        j.org = oid;
    }
    if (!j.org)
        return vt_reply_error(req, 422, "invalid", "/org",
                              "org (an organisation slug) is required for a caller without one");
    if (!asset_sbom(req, &j, &sbom_text))
        return 0;
    j.actor = req->who.name;
    error = vt_server_write(req->srv, asset_add_write, &j, &err);
    cJSON_free(sbom_text);
    if (error < 0 && j.existing)
        return vt_reply_error(req, 409, "conflict", "/name", "asset %lld already has this name",
                              (long long)j.existing);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    snprintf(location, sizeof(location), "/api/v1/assets/%lld", (long long)j.out.id);
    vt_reply_header(req, "Location", location);
    error = reply_asset(req, 201, &j.out);
    vt_asset_dispose(&j.out);
    return error;
}

static int assets_get(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_asset a = VT_ASSET_INIT;
    int64_t id, scope;
    int error;

    if (!vt_req_id_param(req, "asset", ALL_ORGS, &id, &scope))
        return 0;
    error = vt_asset_get(req->store, scope, id, &a, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    error = reply_asset(req, 200, &a);
    vt_asset_dispose(&a);
    return error;
}

static int assets_patch(vt_request *req)
{
    static const char *const known[] = {"name",       "vendor", "product",          "version",
                                        "purl",       "sbom",   "publicly_exposed", "next_upgrade",
                                        "identifiers", NULL};
    vt_error err = VT_ERROR_INIT;
    asset_job j;
    char *sbom_text = NULL;
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_id_param(req, "asset", ALL_ORGS, &j.id, &j.org))
        return 0;
    if (!vt_req_known_members(req, known) || !asset_body(req, &j.in) ||
        !asset_sbom(req, &j, &sbom_text))
        return 0;
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(req->json, "sbom")))
        j.in.sbom = "";
    j.actor = req->who.name;
    error = vt_server_write(req->srv, asset_update_write, &j, &err);
    cJSON_free(sbom_text);
    if (error < 0 && j.existing)
        return vt_reply_error(req, 409, "conflict", "/name", "asset %lld already has this name",
                              (long long)j.existing);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    error = reply_asset(req, 200, &j.out);
    vt_asset_dispose(&j.out);
    return error;
}

static int assets_delete(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    asset_job j;

    memset(&j, 0, sizeof(j));
    if (!vt_req_id_param(req, "asset", ALL_ORGS, &j.id, &j.org))
        return 0;
    j.is_delete = true;
    j.actor = req->who.name;
    if (vt_server_write(req->srv, asset_update_write, &j, &err) < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_text(req, 204, "text/plain", "", 0);
}

static int assets_findings(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    cJSON *list = NULL, *body;
    int64_t id, scope;

    if (!vt_req_id_param(req, "asset", ALL_ORGS, &id, &scope))
        return 0;
    if (vt_asset_findings(&list, req->store, scope, id, &err) < 0)
        return vt_reply_from_error(req, &err);
    body = cJSON_CreateObject();
    if (!body || vt_json_add_num(body, "asset_id", (double)id) < 0 ||
        vt_json_add_take(body, "findings", list) < 0) {
        cJSON_Delete(body);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, 200, body);
}

typedef struct case_job {
    const vt_asset_case_draft *draft;
    const char *actor;
    const struct vt_policy_set *ps;
    const struct vt_calendar_set *cs;
    int64_t case_id;
    char ref[32];
    char existing[32];
} case_job;

static int case_write(vt_store *w, void *ctx, vt_error *err)
{
    case_job *j = ctx;

    return vt_asset_case_open(w, j->draft, j->actor, j->ps, j->cs, &j->case_id, j->ref, j->existing,
                              err);
}

static int assets_case(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_asset_case_draft d;
    case_job j;
    int64_t id, scope;
    int error;

    if (!vt_req_id_param(req, "asset", ALL_ORGS, &id, &scope))
        return 0;
    /* The findings are computed here, on the read connection; the writer
     * only checks for an earlier case and opens this one. */
    if (vt_asset_case_draft_build(req->store, scope, id, req->param[1], &d, &err) < 0)
        return vt_reply_from_error(req, &err);
    memset(&j, 0, sizeof(j));
    j.draft = &d;
    j.actor = req->who.name;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    error = vt_server_write(req->srv, case_write, &j, &err);
    vt_asset_case_draft_dispose(&d);
    if (error < 0 && j.existing[0])
        return vt_reply_error(req, 409, "conflict", NULL,
                              "case %s was already opened from this finding", j.existing);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_case_created(req, j.ref);
}

const vt_route vt_routes_operators[] = {
    {"GET", "/api/v1/products/{id}/versions/{version}/vex/export", READERS, 0, vex_export,
     "The version's findings with their VEX statements as CycloneDX VEX or OpenVEX"},
    {"GET", "/api/v1/products/{id}/versions/{version}/vex", READERS, 0, vex_list,
     "The VEX statements of a product version"},
    {"PUT", "/api/v1/products/{id}/versions/{version}/vex/{vulnerability}", WORKERS,
     VT_ROUTE_JSON_BODY, vex_put, "Set the VEX statement of a vulnerability in a version"},
    {"GET", "/api/v1/assets", READERS, 0, assets_list,
     "List the deployed assets of the caller's organisation"},
    {"POST", "/api/v1/assets", WORKERS, VT_ROUTE_JSON_BODY, assets_add, "Register an asset"},
    {"GET", "/api/v1/assets/{id}", READERS, 0, assets_get, "An asset"},
    {"PATCH", "/api/v1/assets/{id}", WORKERS, VT_ROUTE_JSON_BODY, assets_patch, "Change an asset"},
    {"DELETE", "/api/v1/assets/{id}", WORKERS, 0, assets_delete, "Remove an asset"},
    {"GET", "/api/v1/assets/{id}/findings", READERS, 0, assets_findings,
     "Known vulnerabilities of an asset, from OSV and published advisories"},
    {"POST", "/api/v1/assets/{id}/findings/{vulnerability}/case", WORKERS, 0, assets_case,
     "Open an operator case from an asset finding"},
    {0},
};
