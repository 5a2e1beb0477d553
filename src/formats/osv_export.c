/*
 * osv_export.c - the OSV record of a published case, so that the
 * provider can feed osv.dev-style databases. The id is "x_" and the
 * tracking id: OSV ids start with a registered database prefix, and "x_"
 * is the one the schema leaves for databases not registered (docs/
 * advisories.md). The case's CVE, GHSA and other public identifiers are
 * aliases. A product whose ecosystem is an OSV ecosystem becomes a
 * package with ECOSYSTEM ranges and explicit versions; other products
 * are named in database_specific, with the remediations, grade and CWE ids.
 */
#include <string.h>

#include "csaf_internal.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/version.h"

static bool is_osv_ecosystem(const char *eco)
{
    size_t i, n = strcspn(eco, ":");
    const char *name, *scheme;
    for (i = 0; (name = vt_version_ecosystem_at(i, &scheme)) != NULL; i++)
        if (strlen(name) == n && strncmp(name, eco, n) == 0)
            return true;
    return false;
}

static int add_event(cJSON *events, const char *key, const char *value)
{
    cJSON *e = cJSON_CreateObject();
    if (!e || vt_json_add_str(e, key, value)) {
        cJSON_Delete(e);
        return VT_ENOMEM;
    }
    return vt_json_add_take(events, NULL, e);
}

static int add_range(cJSON *ranges, const cJSON *r)
{
    const char *intro = vt__csaf_str(r, "introduced"), *fixed = vt__csaf_str(r, "fixed");
    const char *last = vt__csaf_str(r, "last_affected");
    cJSON *o = cJSON_CreateObject(), *events = cJSON_CreateArray();
    int error = o && events ? 0 : VT_ENOMEM;

    if (!error)
        error = vt_json_add_str(o, "type", "ECOSYSTEM");
    if (!error)
        error = add_event(events, "introduced", intro ? intro : "0");
    if (!error && fixed)
        error = add_event(events, "fixed", fixed);
    if (!error && last)
        error = add_event(events, "last_affected", last);
    if (!error) {
        error = vt_json_add_take(o, "events", events);
        events = NULL;
    }
    cJSON_Delete(events);
    if (!error)
        return vt_json_add_take(ranges, NULL, o);
    cJSON_Delete(o);
    return error;
}

static int add_affected(cJSON *rec, cJSON *dbs, const cJSON *doc)
{
    const cJSON *prods = cJSON_GetObjectItemCaseSensitive(doc, "products"), *p, *v;
    cJSON *affected = cJSON_CreateArray(), *other = cJSON_CreateArray();
    int error = affected && other ? 0 : VT_ENOMEM;

    cJSON_ArrayForEach(p, prods)
    {
        const char *eco = vt__csaf_str(p, "ecosystem"), *name = vt__csaf_str(p, "name");
        cJSON *a, *pkg, *ranges, *versions;
        if (error || !name)
            continue;
        if (!eco || !is_osv_ecosystem(eco)) {
            error = vt_json_add_str(other, NULL, name);
            continue;
        }
        a = cJSON_CreateObject();
        pkg = cJSON_CreateObject();
        ranges = cJSON_CreateArray();
        versions = cJSON_CreateArray();
        error = a && pkg && ranges && versions ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(pkg, "ecosystem", eco);
        if (!error)
            error = vt_json_add_str(pkg, "name", name);
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(p, "versions"))
        {
            if (error)
                break;
            if (cJSON_IsString(v))
                error = vt_json_add_str(versions, NULL, v->valuestring);
            else if (cJSON_IsObject(v))
                error = add_range(ranges, v);
        }
        if (!error) {
            error = vt_json_add_take(a, "package", pkg);
            pkg = NULL;
        }
        if (!error && cJSON_GetArraySize(ranges) > 0) {
            error = vt_json_add_take(a, "ranges", ranges);
            ranges = NULL;
        }
        if (!error && cJSON_GetArraySize(versions) > 0) {
            error = vt_json_add_take(a, "versions", versions);
            versions = NULL;
        }
        cJSON_Delete(pkg);
        cJSON_Delete(ranges);
        cJSON_Delete(versions);
        if (!error)
            error = vt_json_add_take(affected, NULL, a);
        else
            cJSON_Delete(a);
    }
    if (!error) {
        error = vt_json_add_take(rec, "affected", affected);
        affected = NULL;
    }
    if (!error && cJSON_GetArraySize(other) > 0) {
        error = vt_json_add_take(dbs, "products_without_ecosystem", other);
        other = NULL;
    }
    cJSON_Delete(affected);
    cJSON_Delete(other);
    return error;
}

static int add_aliases(cJSON *rec, const cJSON *doc)
{
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(doc, "identifiers"), *it;
    cJSON *aliases = cJSON_CreateArray();
    int error = aliases ? 0 : VT_ENOMEM;
    cJSON_ArrayForEach(it, ids)
    {
        const char *scheme = vt__csaf_str(it, "scheme"), *id = vt__csaf_str(it, "id");
        if (!error && scheme && id && strcmp(scheme, "INTERNAL") != 0)
            error = vt_json_add_str(aliases, NULL, id);
    }
    if (!error && cJSON_GetArraySize(aliases) > 0)
        return vt_json_add_take(rec, "aliases", aliases);
    cJSON_Delete(aliases);
    return error;
}

static int add_severity(cJSON *rec, const cJSON *doc)
{
    const cJSON *cvss = cJSON_GetObjectItemCaseSensitive(doc, "cvss"), *c;
    cJSON *sev = cJSON_CreateArray();
    int error = sev ? 0 : VT_ENOMEM;
    cJSON_ArrayForEach(c, cvss)
    {
        const char *ver = vt__csaf_str(c, "version"), *vec = vt__csaf_str(c, "vector");
        const char *type;
        cJSON *o;
        if (error || !ver || !vec)
            continue;
        type = ver[0] == '2' ? "CVSS_V2" : ver[0] == '3' ? "CVSS_V3" : "CVSS_V4";
        o = cJSON_CreateObject();
        error = o ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(o, "type", type);
        if (!error)
            error = vt_json_add_str(o, "score", vec);
        if (!error)
            error = vt_json_add_take(sev, NULL, o);
        else
            cJSON_Delete(o);
    }
    if (!error && cJSON_GetArraySize(sev) > 0)
        return vt_json_add_take(rec, "severity", sev);
    cJSON_Delete(sev);
    return error;
}

int vt_osv_export_build(cJSON **out, const vt_advisory_input *in, const char *csaf_url,
                        vt_error *err)
{
    char t[VT_TIME_TEXT_MAX];
    vt_buf id = VT_BUF_INIT;
    cJSON *rec = NULL, *dbs = NULL;
    const cJSON *gbt = cJSON_GetObjectItemCaseSensitive(in->doc, "gbt");
    const char *desc = vt__csaf_str(in->doc, "description");
    int error;

    *out = NULL;
    if (!in->tracking_id || !in->title || in->nrevisions == 0)
        return vt_error_set(err, VT_EINVALID, 0, "tracking id, title and a revision");
    rec = cJSON_CreateObject();
    dbs = cJSON_CreateObject();
    error = rec && dbs ? 0 : VT_ENOMEM;
    if (!error)
        error = vt_buf_printf(&id, "x_%s", in->tracking_id);
    if (!error)
        error = vt_json_add_str(rec, "schema_version", "1.6.0");
    if (!error)
        error = vt_json_add_str(rec, "id", id.ptr);
    if (!error)
        error = vt_json_add_str(rec, "modified",
                                vt_time_format_utc(t, in->revisions[in->nrevisions - 1].date_ms));
    if (!error)
        error = vt_json_add_str(rec, "published", vt_time_format_utc(t, in->revisions[0].date_ms));
    if (!error)
        error = add_aliases(rec, in->doc);
    if (!error)
        error = vt_json_add_str(rec, "summary", in->title);
    if (!error && desc)
        error = vt_json_add_str(rec, "details", desc);
    if (!error)
        error = add_severity(rec, in->doc);
    if (!error)
        error = add_affected(rec, dbs, in->doc);
    if (!error && csaf_url) {
        cJSON *refs = cJSON_CreateArray(), *r = cJSON_CreateObject();
        error = refs && r ? 0 : VT_ENOMEM;
        if (!error)
            error = vt_json_add_str(r, "type", "ADVISORY");
        if (!error)
            error = vt_json_add_str(r, "url", csaf_url);
        if (!error) {
            error = vt_json_add_take(refs, NULL, r);
            r = NULL;
        }
        if (!error) {
            error = vt_json_add_take(rec, "references", refs);
            refs = NULL;
        }
        cJSON_Delete(r);
        cJSON_Delete(refs);
    }
    if (!error && in->publisher_name && *in->publisher_name)
        error = vt_json_add_str(dbs, "publisher", in->publisher_name);
    if (!error)
        error = vt_json_add_str(dbs, "csaf_tracking_id", in->tracking_id);
    if (!error && vt__csaf_str(gbt, "grade"))
        error = vt_json_add_str(dbs, "grade", vt__csaf_str(gbt, "grade"));
    /* OSV has no remediation field; the fix or mitigation travels with the
       record (spec §5 P5) in database_specific, as the case states it. */
    if (!error && cJSON_GetObjectItemCaseSensitive(in->doc, "remediations"))
        error = vt_json_add_take(
            dbs, "remediations",
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(in->doc, "remediations"), true));
    if (!error && cJSON_GetObjectItemCaseSensitive(in->doc, "cwe"))
        error = vt_json_add_take(
            dbs, "cwe_ids",
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(in->doc, "cwe"), true));
    if (!error) {
        error = vt_json_add_take(rec, "database_specific", dbs);
        dbs = NULL;
    }
    vt_buf_dispose(&id);
    cJSON_Delete(dbs);
    if (error) {
        cJSON_Delete(rec);
        return vt_error_set(err, error, 0, "out of memory building the OSV record");
    }
    *out = rec;
    return 0;
}
