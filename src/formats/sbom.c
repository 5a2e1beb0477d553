/*
 * sbom.c - SBOM format recognition and the parts the CycloneDX and SPDX
 * readers share.
 */
#include <string.h>

#include "sbom_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"

static const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an invalid value";
}

int vt__sbom_opt_str(const char **out, vt_arena *a, const cJSON *obj, const char *key,
                     const char *where, vt_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || !v->valuestring)
        return vt_error_set(err, VT_EINVALID, 0, "%s/%s: expected a string, found %s", where, key,
                            json_type_name(v));
    *out = vt_arena_strdup(a, v->valuestring);
    return *out ? 0 : VT_ENOMEM;
}

int vt__sbom_opt_array(const cJSON **out, const cJSON *obj, const char *key, const char *where,
                       vt_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsArray(v))
        return vt_error_set(err, VT_EINVALID, 0, "%s/%s: expected an array, found %s", where, key,
                            json_type_name(v));
    *out = v;
    return 0;
}

int vt__sbom_opt_object(const cJSON **out, const cJSON *obj, const char *key, const char *where,
                        vt_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsObject(v))
        return vt_error_set(err, VT_EINVALID, 0, "%s/%s: expected an object, found %s", where, key,
                            json_type_name(v));
    *out = v;
    return 0;
}

/* Bytes to skip before the document: a UTF-8 byte order mark and whitespace. */
static size_t leading_skip(const char *s, size_t len)
{
    size_t i = 0;

    if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

static bool has_prefix(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);

    return len >= n && memcmp(s, p, n) == 0;
}

/*
 * Refuse the documents that are SBOMs but not in a form we read, before JSON
 * parsing turns them into a confusing syntax error.
 */
static int sniff_text(const char *s, size_t len, vt_error *err)
{
    if (len > 0 && s[0] == '<')
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "XML document: only JSON SBOMs are read (CycloneDX JSON, SPDX JSON)");
    if (has_prefix(s, len, "SPDXVersion:") || has_prefix(s, len, "##"))
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "SPDX tag-value document: only SPDX JSON is read");
    return 0;
}

/* Recognise the format of a parsed JSON document and hand it to its reader. */
static int dispatch(vt__sbom_doc *d, const cJSON *root, vt_error *err)
{
    const cJSON *fmt, *ctx;

    if (!cJSON_IsObject(root))
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "not a CycloneDX or SPDX JSON document: the top level is %s, not an "
                            "object",
                            json_type_name(root));
    fmt = cJSON_GetObjectItemCaseSensitive(root, "bomFormat");
    if (fmt) {
        if (!cJSON_IsString(fmt))
            return vt_error_set(err, VT_EINVALID, 0, "/bomFormat: expected a string, found %s",
                                json_type_name(fmt));
        if (strcmp(fmt->valuestring, "CycloneDX") != 0)
            return vt_error_set(err, VT_EUNSUPPORTED, 0,
                                "/bomFormat: \"%.60s\" is not a supported format (CycloneDX)",
                                fmt->valuestring);
        d->pub.format = VT_SBOM_CYCLONEDX;
        return vt__cyclonedx_read(d, root, err);
    }
    if (cJSON_GetObjectItemCaseSensitive(root, "spdxVersion")) {
        d->pub.format = VT_SBOM_SPDX;
        return vt__spdx_read(d, root, err);
    }
    ctx = cJSON_GetObjectItemCaseSensitive(root, "@context");
    if (ctx || cJSON_GetObjectItemCaseSensitive(root, "@graph"))
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "JSON-LD document (SPDX 3.0?): only SPDX 2.2/2.3 JSON and CycloneDX "
                            "JSON are read");
    if (cJSON_GetObjectItemCaseSensitive(root, "specVersion") ||
        cJSON_GetObjectItemCaseSensitive(root, "components"))
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "/bomFormat: missing; a CycloneDX JSON document says \"bomFormat\": "
                            "\"CycloneDX\"");
    if (cJSON_GetObjectItemCaseSensitive(root, "SPDXID"))
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "/spdxVersion: missing; an SPDX JSON document says \"spdxVersion\"");
    return vt_error_set(err, VT_EUNSUPPORTED, 0,
                        "not a CycloneDX or SPDX JSON document (neither bomFormat nor "
                        "spdxVersion)");
}

int vt__sbom_parse_json(cJSON **root, const char *s, size_t len, size_t skip, vt_error *err)
{
    int error = vt_json_parse(root, s + skip, len - skip, err);

    if (error < 0) {
        /*
         * cJSON reports an allocation failure like a syntax error; when the
         * test allocator has injected one, say what really happened.
         */
        if (vt_alloc_failure_injected())
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        else if (err)
            error = vt_error_set(err, VT_EINVALID, err->offset + skip, "malformed JSON at byte %zu",
                                 err->offset + skip);
    }
    return error;
}

int vt_sbom_parse(vt_sbom **out, const char *s, size_t len, vt_error *err)
{
    vt__sbom_doc *d = NULL;
    cJSON *root = NULL;
    size_t skip;
    int error;

    *out = NULL;
    skip = leading_skip(s, len);
    error = sniff_text(s + skip, len - skip, err);
    if (error < 0)
        goto out;
    error = vt__sbom_parse_json(&root, s, len, skip, err);
    if (error < 0)
        goto out;
    d = vt_calloc(1, sizeof(*d));
    if (!d) {
        error = VT_ENOMEM;
        goto out;
    }
    error = dispatch(d, root, err);
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error < 0)
        goto out;
    *out = &d->pub;
    d = NULL;
out:
    cJSON_Delete(root);
    vt_sbom_free(d ? &d->pub : NULL);
    return error;
}

void vt_sbom_free(vt_sbom *sbom)
{
    vt__sbom_doc *d = (vt__sbom_doc *)sbom;

    if (!d)
        return;
    vt_arena_dispose(&d->arena);
    vt_free(d);
}

const char *vt_sbom_format_name(vt_sbom_format f)
{
    switch (f) {
    case VT_SBOM_CYCLONEDX:
        return "CycloneDX";
    case VT_SBOM_SPDX:
        return "SPDX";
    }
    return "unknown";
}
