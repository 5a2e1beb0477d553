/*
 * routes_products.c - the product inventory over HTTP: products, versions
 * with their SBOMs, the findings of a version and a case opened from one
 * finding (products.h does the work).
 *
 * Scoping: a caller with an organisation sees and changes only its
 * organisation's products; another organisation's product answers 404,
 * like a missing one. An admin without an organisation sees every
 * product. Heavy work (reading an SBOM of megabytes, scanning it) runs on
 * the request's worker thread; only the short writes go to the writer.
 */
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "server.h"
#include "vulntrack/auth.h"
#include "vulntrack/clock.h"
#include "vulntrack/cvss.h"
#include "vulntrack/json.h"
#include "vulntrack/products.h"
#include "vulntrack/strparse.h"

#define READERS VT_ROLES_READERS
#define MANAGERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER)
#define WORKERS (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER | VT_ROLE_ANALYST)

/* Admins without an organisation see every organisation's products; other
 * callers without one see none. */
#define ALL_ORGS VT_ROLE_ADMIN

/* ------------------------------------------------------------------------ */
/* JSON of products and versions                                            */

static cJSON *version_json(const vt_product_version *v)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *sbom = NULL;

    if (!o || vt_json_add_str(o, "version", v->version) < 0 ||
        vt_json_add_str(o, "support_status", v->support_status) < 0)
        goto fail;
    if (v->sbom_format) {
        sbom = cJSON_CreateObject();
        if (!sbom || vt_json_add_str(sbom, "format", v->sbom_format) < 0 ||
            vt_json_add_str(sbom, "sha256", v->sbom_sha256) < 0 ||
            vt_json_add_num(sbom, "components", (double)v->components) < 0 ||
            vt_json_add_time(sbom, "imported_at", v->imported_ms) < 0) {
            cJSON_Delete(sbom);
            goto fail;
        }
        if (vt_json_add_take(o, "sbom", sbom) < 0)
            goto fail;
    } else if (vt_json_add_null(o, "sbom") < 0) {
        goto fail;
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static int version_each(void *ctx, const vt_product_version *v)
{
    cJSON *item = version_json(v);

    return vt_json_add_take(ctx, NULL, item);
}

/* The product with its versions (read from `s`). NULL with *error set. */
static cJSON *product_json(vt_store *s, const vt_product *p, int *error, vt_error *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *versions;

    *error = VT_ENOMEM;
    if (!o || vt_json_add_num(o, "id", (double)p->id) < 0 ||
        vt_json_add_num(o, "org_id", (double)p->org_id) < 0 ||
        vt_json_add_str(o, "name", p->name) < 0 || vt_json_add_str(o, "model", p->model) < 0 ||
        vt_json_add_str(o, "type", p->type) < 0 ||
        vt_json_add_str(o, "support_status", p->support_status) < 0 ||
        vt_json_add_time(o, "created_at", p->created_ms) < 0)
        goto fail;
    versions = cJSON_AddArrayToObject(o, "versions");
    if (!versions)
        goto fail;
    *error = vt_store_product_version_list(s, p->id, version_each, versions, err);
    if (*error < 0)
        goto fail;
    return o;
fail:
    if (*error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    cJSON_Delete(o);
    return NULL;
}

/* Reply `status` with product `id` as it now is. */
static int reply_product(vt_request *req, unsigned status, int64_t id)
{
    vt_product p = VT_PRODUCT_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *body;
    int error;

    error = vt_product_get(req->store, 0, id, &p, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    body = product_json(req->store, &p, &error, &err);
    vt_product_dispose(&p);
    if (!body)
        return vt_reply_from_error(req, &err);
    return vt_reply_json(req, status, body);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/products                                                     */

typedef struct list_ctx {
    vt_store *s;
    cJSON *list;
    vt_error *err;
} list_ctx;

static int list_each(void *ctx, const vt_product *p)
{
    list_ctx *c = ctx;
    int error;
    cJSON *item = product_json(c->s, p, &error, c->err);

    if (!item)
        return error;
    return vt_json_add_take(c->list, NULL, item);
}

static int products_list(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    int64_t scope = vt_req_scope(req, ALL_ORGS);
    const char *org = vt_req_query(req, "org");
    list_ctx c = {req->store, NULL, &err};
    cJSON *body = vt_req_list_body("products", &c.list);
    int error;

    if (!body)
        return vt_reply_oom(req);
    /* An admin may narrow the list to one organisation. */
    if (scope == 0 && org && *org) {
        vt_org o;

        if (vt_org_get(req->store, org, 0, &o, &err) < 0) {
            cJSON_Delete(body);
            return vt_reply_from_error(req, &err);
        }
        scope = o.id;
        vt_org_dispose(&o);
    }
    error = scope < 0 ? 0 : vt_store_product_list(req->store, scope, list_each, &c, &err);
    return vt_reply_listed(req, body, error, &err);
}

/* ------------------------------------------------------------------------ */
/* POST /api/v1/products, PATCH /api/v1/products/{id}                       */

/*
 * Member `key` of the body as a string: absent is NULL (true), a string is
 * its text (true), anything else is a 422 (sent) and false.
 */
static bool body_str(vt_request *req, const char *key, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req->json, key);

    *out = NULL;
    if (!v)
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

typedef struct add_job {
    vt_product p;
    int64_t existing;
} add_job;

static int add_write(vt_store *w, void *ctx, vt_error *err)
{
    add_job *j = ctx;

    return vt_product_add(w, &j->p, &j->existing, err);
}

static int products_add(vt_request *req)
{
    static const char *const known[] = {"name", "model", "type", "support_status", "org", NULL};
    vt_error err = VT_ERROR_INIT;
    add_job j;
    const char *name, *model, *type, *status, *org;
    char location[64];
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_known_members(req, known) || !body_str(req, "name", &name) ||
        !body_str(req, "model", &model) || !body_str(req, "type", &type) ||
        !body_str(req, "support_status", &status) || !body_str(req, "org", &org))
        return 0;
    j.p.org_id = req->who.org_id;
    if (org) {
        vt_org o;

        if (vt_org_get(req->store, org, 0, &o, &err) < 0) {
            vt_error_set_field(&err, VT_EINVALID, "/org", "no organisation '%s'", org);
            return vt_reply_from_error(req, &err);
        }
        /* Only an admin may file a product under another organisation. */
        if (req->who.role != VT_ROLE_ADMIN && o.id != req->who.org_id) {
            vt_org_dispose(&o);
            return vt_reply_error(req, 403, "forbidden", "/org",
                                  "you may add products to your own organisation only");
        }
        j.p.org_id = o.id;
        vt_org_dispose(&o);
    }
    if (!j.p.org_id)
        return vt_reply_error(req, 422, "invalid", "/org",
                              "org (an organisation slug) is required for a caller without one");
    /* The strings are borrowed from the body for the write; the product is
     * not disposed (it owns nothing). */
    j.p.name = (char *)name;
    j.p.model = (char *)(model ? model : "");
    j.p.type = (char *)type;
    j.p.support_status = (char *)status;
    error = vt_server_write(req->srv, add_write, &j, &err);
    if (error < 0 && j.existing)
        return vt_reply_error(req, 409, "conflict", "/name",
                              "product %lld already has this name and model",
                              (long long)j.existing);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    snprintf(location, sizeof(location), "/api/v1/products/%lld", (long long)j.p.id);
    vt_reply_header(req, "Location", location);
    return reply_product(req, 201, j.p.id);
}

typedef struct update_job {
    int64_t org;
    int64_t id;
    vt_product_patch patch;
    int64_t existing;
} update_job;

static int update_write(vt_store *w, void *ctx, vt_error *err)
{
    update_job *j = ctx;

    return vt_product_update(w, j->org, j->id, &j->patch, NULL, &j->existing, err);
}

static int products_patch(vt_request *req)
{
    static const char *const known[] = {"name", "model", "type", "support_status", NULL};
    vt_error err = VT_ERROR_INIT;
    update_job j;
    int error;

    memset(&j, 0, sizeof(j));
    if (!vt_req_id_param(req, "product", ALL_ORGS, &j.id, &j.org))
        return 0;
    if (!vt_req_known_members(req, known) ||
        !body_str(req, "name", &j.patch.name) || !body_str(req, "model", &j.patch.model) ||
        !body_str(req, "type", &j.patch.type) ||
        !body_str(req, "support_status", &j.patch.support_status))
        return 0;
    error = vt_server_write(req->srv, update_write, &j, &err);
    if (error < 0 && j.existing)
        return vt_reply_error(req, 409, "conflict", err.field,
                              "product %lld already has this name and model",
                              (long long)j.existing);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return reply_product(req, 200, j.id);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/products/{id}                                                */

static int products_get(vt_request *req)
{
    vt_product p = VT_PRODUCT_INIT;
    vt_error err = VT_ERROR_INIT;
    int64_t id, scope;
    cJSON *body;
    int error;

    if (!vt_req_id_param(req, "product", ALL_ORGS, &id, &scope))
        return 0;
    error = vt_product_get(req->store, scope, id, &p, &err);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    body = product_json(req->store, &p, &error, &err);
    vt_product_dispose(&p);
    if (!body)
        return vt_reply_from_error(req, &err);
    return vt_reply_json(req, 200, body);
}

/* ------------------------------------------------------------------------ */
/* PUT /api/v1/products/{id}/versions/{version}                             */

typedef struct version_job {
    int64_t org;
    int64_t id;
    const char *version;
    vt_product_version_in in;
    bool created;
    vt_product_version out;
} version_job;

static int version_write(vt_store *w, void *ctx, vt_error *err)
{
    version_job *j = ctx;

    return vt_product_version_put(w, j->org, j->id, j->version, &j->in, &j->created, &j->out, err);
}

static int versions_put(vt_request *req)
{
    static const char *const known[] = {"support_status", "sbom", NULL};
    vt_error err = VT_ERROR_INIT;
    version_job j;
    vt_product_sbom checked;
    const cJSON *sbom;
    char *printed = NULL;
    cJSON *body;
    int error;

    memset(&j, 0, sizeof(j));
    j.version = req->param[1];
    if (!vt_req_id_param(req, "product", ALL_ORGS, &j.id, &j.org))
        return 0;
    if (!vt_req_known_members(req, known) ||
        !body_str(req, "support_status", &j.in.support_status))
        return 0;
    /*
     * The SBOM is the document itself (an object), or its text (a string)
     * when the exact bytes matter: the SHA-256 is of the text stored, and
     * an object is stored as its compact JSON print.
     */
    sbom = cJSON_GetObjectItemCaseSensitive(req->json, "sbom");
    if (sbom && cJSON_IsObject(sbom)) {
        printed = cJSON_PrintUnformatted(sbom);
        if (!printed)
            return vt_reply_oom(req);
        j.in.sbom = printed;
        j.in.sbom_len = strlen(printed);
    } else if (sbom && cJSON_IsString(sbom)) {
        j.in.sbom = sbom->valuestring;
        j.in.sbom_len = strlen(sbom->valuestring);
    } else if (sbom && !cJSON_IsNull(sbom)) {
        return vt_reply_error(req, 422, "invalid", "/sbom",
                              "sbom must be the SBOM document (an object) or its text");
    }
    /* Read the SBOM here, on the worker, not in the writer. */
    if (j.in.sbom) {
        error = vt_product_sbom_check(j.in.sbom, j.in.sbom_len, NULL, &checked, &err);
        if (error < 0) {
            cJSON_free(printed);
            if (error == VT_EUNSUPPORTED)
                return vt_reply_error(req, 422, "unsupported_sbom", err.field, "%s", err.msg);
            return vt_reply_from_error(req, &err);
        }
        j.in.checked = &checked;
    }
    error = vt_server_write(req->srv, version_write, &j, &err);
    cJSON_free(printed);
    if (error < 0) {
        vt_product_version_dispose(&j.out);
        return vt_reply_from_error(req, &err);
    }
    body = version_json(&j.out);
    vt_product_version_dispose(&j.out);
    if (!body)
        return vt_reply_oom(req);
    if (vt_json_add_num(body, "product_id", (double)j.id) < 0) {
        cJSON_Delete(body);
        return vt_reply_oom(req);
    }
    return vt_reply_json(req, j.created ? 201 : 200, body);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/products/{id}/versions/{version}/findings                    */

static int add_str_list(cJSON *o, const char *key, const char *const *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    size_t i;

    if (!a)
        return VT_ENOMEM;
    for (i = 0; i < n; i++)
        if (vt_json_add_str(a, NULL, v[i]) < 0)
            return VT_ENOMEM;
    return 0;
}

static cJSON *finding_json(const vt_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *comp, *cvss, *grade, *kev;
    size_t i;

    if (!o || vt_json_add_str(o, "id", f->id) < 0 ||
        add_str_list(o, "aliases", f->aliases, f->naliases) < 0 ||
        vt_json_add_str(o, "summary", f->summary) < 0)
        goto fail;
    comp = cJSON_AddObjectToObject(o, "component");
    if (!comp || vt_json_add_str(comp, "name", f->name) < 0 ||
        vt_json_add_str(comp, "purl", f->purl) < 0 ||
        vt_json_add_str(comp, "ecosystem", f->ecosystem) < 0 ||
        vt_json_add_str(comp, "version", f->version) < 0 ||
        vt_json_add_str(comp, "bom_ref", f->bom_ref) < 0)
        goto fail;
    if (add_str_list(o, "fixed_versions", f->fixed_versions, f->nfixed_versions) < 0)
        goto fail;
    cvss = cJSON_AddArrayToObject(o, "cvss");
    if (!cvss)
        goto fail;
    for (i = 0; i < f->ncvss; i++) {
        cJSON *c = cJSON_CreateObject();

        if (!c || vt_json_add_str(c, "vector", f->cvss[i].vector) < 0 ||
            vt_json_add_str(c, "version", vt_cvss_version_text(f->cvss[i].version)) < 0 ||
            vt_json_add_num(c, "score", f->cvss[i].base_score) < 0) {
            cJSON_Delete(c);
            goto fail;
        }
        if (vt_json_add_take(cvss, NULL, c) < 0)
            goto fail;
    }
    if (f->best_score10 >= 0 ? vt_json_add_num(o, "score", f->best_score10 / 10.0) < 0
                             : vt_json_add_null(o, "score") < 0)
        goto fail;
    grade = cJSON_AddObjectToObject(o, "grade");
    if (!grade || vt_json_add_str(grade, "level", vt_grade_level_en(f->grade.level)) < 0 ||
        vt_json_add_str(grade, "zh", vt_grade_level_zh(f->grade.level)) < 0 ||
        vt_json_add_str(grade, "method",
                        f->grade.method == VT_GRADE_METHOD_NONE
                            ? NULL
                            : vt_grade_method_name(f->grade.method)) < 0)
        goto fail;
    if (f->kev) {
        kev = cJSON_AddObjectToObject(o, "known_exploited");
        if (!kev || vt_json_add_str(kev, "cve", f->kev->cve) < 0 ||
            vt_json_add_str(kev, "date_added", f->kev->date_added) < 0 ||
            vt_json_add_str(kev, "due_date", f->kev->due_date) < 0 ||
            vt_json_add_str(kev, "ransomware", f->kev->ransomware) < 0)
            goto fail;
    } else if (vt_json_add_null(o, "known_exploited") < 0) {
        goto fail;
    }
    if (vt_json_add_str(o, "matched_because", f->matched_because) < 0 ||
        vt_json_add_null(o, "case") < 0)
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

/* Fill the "case" member of the findings of an advisory with a case. */
static int mark_case(void *ctx, const char *advisory_id, const char *ref)
{
    cJSON *e;

    cJSON_ArrayForEach(e, (cJSON *)ctx)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
        cJSON *c;

        if (!cJSON_IsString(id) || strcmp(id->valuestring, advisory_id) != 0)
            continue;
        c = cJSON_CreateString(ref);
        if (!c || !cJSON_ReplaceItemInObjectCaseSensitive(e, "case", c)) {
            cJSON_Delete(c);
            return VT_ENOMEM;
        }
    }
    return 0;
}

static int findings_get(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_product p = VT_PRODUCT_INIT;
    vt_product_version v = VT_PRODUCT_VERSION_INIT;
    vt_scan *scan = NULL;
    const vt_scan_report *r;
    cJSON *body = NULL, *list;
    int64_t id, scope;
    const char *version = req->param[1];
    size_t i;
    int error;

    if (!vt_req_id_param(req, "product", ALL_ORGS, &id, &scope))
        return 0;
    error = vt_product_get(req->store, scope, id, &p, &err);
    if (error == 0)
        error = vt_store_product_version_get(req->store, id, version, &v, NULL, NULL, &err);
    if (error == 0)
        error = vt_product_findings(req->store, scope, id, version, &scan, &err);
    if (error < 0)
        goto out;
    r = vt_scan_get_report(scan);
    error = VT_ENOMEM;
    body = cJSON_CreateObject();
    if (!body || vt_json_add_num(body, "product_id", (double)id) < 0 ||
        vt_json_add_str(body, "version", version) < 0 ||
        vt_json_add_str(body, "sbom_sha256", v.sbom_sha256) < 0 ||
        vt_json_add_num(body, "components", (double)v.components) < 0 ||
        vt_json_add_num(body, "unidentified", (double)r->nunidentified) < 0)
        goto out;
    list = cJSON_AddArrayToObject(body, "findings");
    if (!list)
        goto out;
    for (i = 0; i < r->nfindings; i++)
        if (vt_json_add_take(list, NULL, finding_json(&r->findings[i])) < 0)
            goto out;
    error =
        vt_store_product_cases_of_version(req->store, p.org_id, id, version, mark_case, list, &err);
out:
    vt_scan_free(scan);
    vt_product_dispose(&p);
    vt_product_version_dispose(&v);
    if (error < 0) {
        cJSON_Delete(body);
        if (error == VT_ENOMEM)
            return vt_reply_oom(req);
        return vt_reply_from_error(req, &err);
    }
    return vt_reply_json(req, 200, body);
}

/* ------------------------------------------------------------------------ */
/* POST /api/v1/products/{id}/versions/{version}/findings/{advisory_id}/case */

typedef struct case_job {
    const vt_product_case_draft *draft;
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

    return vt_product_case_open(w, j->draft, j->actor, j->ps, j->cs, &j->case_id, j->ref,
                                j->existing, err);
}

static int finding_case(vt_request *req)
{
    vt_error err = VT_ERROR_INIT;
    vt_product_case_draft d = VT_PRODUCT_CASE_DRAFT_INIT;
    cJSON *in = NULL;
    const cJSON *purl = NULL;
    case_job j;
    int64_t id, scope;
    int error;

    if (!vt_req_id_param(req, "product", ALL_ORGS, &id, &scope))
        return 0;
    /* The body is optional: {"purl": ...} picks the component when the
     * advisory affects several. */
    if (req->body_len > 0) {
        if (vt_json_parse(&in, req->body, req->body_len, &err) < 0 || !cJSON_IsObject(in)) {
            cJSON_Delete(in);
            return vt_reply_error(req, 400, "bad_request", NULL, "the body must be a JSON object");
        }
        purl = cJSON_GetObjectItemCaseSensitive(in, "purl");
        if (purl && !cJSON_IsString(purl)) {
            cJSON_Delete(in);
            return vt_reply_error(req, 422, "invalid", "/purl", "purl must be a string");
        }
    }
    /* The scan runs here, on the read connection; the writer only checks
     * for an earlier case and opens this one. */
    error = vt_product_case_draft_build(req->store, scope, id, req->param[1], req->param[2],
                                        purl ? purl->valuestring : NULL, &d, &err);
    cJSON_Delete(in);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    memset(&j, 0, sizeof(j));
    j.draft = &d;
    j.actor = req->who.name;
    j.ps = vt_server_policies(req->srv);
    j.cs = vt_server_calendars(req->srv);
    error = vt_server_write(req->srv, case_write, &j, &err);
    vt_product_case_draft_dispose(&d);
    if (error < 0 && j.existing[0])
        return vt_reply_error(req, 409, "conflict", NULL,
                              "case %s was already opened from this finding", j.existing);
    if (error < 0)
        return vt_reply_from_error(req, &err);
    return vt_reply_case_created(req, j.ref);
}

const vt_route vt_routes_products[] = {
    {"GET", "/api/v1/products", READERS, 0, products_list,
     "List the products of the caller's organisation"},
    {"POST", "/api/v1/products", MANAGERS, VT_ROUTE_JSON_BODY, products_add, "Add a product"},
    {"GET", "/api/v1/products/{id}", READERS, 0, products_get, "A product and its versions"},
    {"PATCH", "/api/v1/products/{id}", MANAGERS, VT_ROUTE_JSON_BODY, products_patch,
     "Change a product's name, model, type or support status"},
    {"PUT", "/api/v1/products/{id}/versions/{version}", WORKERS, VT_ROUTE_JSON_BODY, versions_put,
     "Add or change a version: support status and SBOM"},
    {"GET", "/api/v1/products/{id}/versions/{version}/findings", READERS, 0, findings_get,
     "Known vulnerabilities of a version, from its SBOM"},
    {"POST", "/api/v1/products/{id}/versions/{version}/findings/{advisory_id}/case", WORKERS, 0,
     finding_case, "Open a case from a finding"},
    {0},
};
