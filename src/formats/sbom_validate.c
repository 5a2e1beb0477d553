/*
 * sbom_validate.c - choose the JSON schema for an SBOM's format and version
 * and validate the document against it.
 */
#include <string.h>

#include "sbom_internal.h"
#include "vulntrack/buf.h"
#include "vulntrack/json.h"
#include "vulntrack/sbom.h"

static const char *const cyclonedx_versions[] = {"1.2", "1.3", "1.4", "1.5", "1.6"};

/*
 * The schema file (relative to the schema folder) for the parsed document
 * `root`. SPDX 2.3 documents are checked against the 2.3.1 schema: it is the
 * corrected 2.3 schema (both referenceCategory spellings, which 2.3
 * documents use in practice).
 */
static int schema_for(vt_buf *rel, const cJSON *root, vt_error *err)
{
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "bomFormat");
    const cJSON *spdx = cJSON_GetObjectItemCaseSensitive(root, "spdxVersion");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "specVersion");
    size_t i;

    if (spdx) {
        if (cJSON_IsString(spdx) && strcmp(spdx->valuestring, "SPDX-2.2") == 0)
            return vt_buf_puts(rel, "spdx/v2.2.2/spdx-schema.json");
        if (cJSON_IsString(spdx) && strcmp(spdx->valuestring, "SPDX-2.3") == 0)
            return vt_buf_puts(rel, "spdx/v2.3.1/spdx-schema.json");
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "/spdxVersion: no schema for this SPDX version (SPDX-2.2, SPDX-2.3)");
    }
    /*
     * The CycloneDX schema is chosen by specVersion alone, so that a missing
     * or wrong bomFormat is reported by the schema with its pointer.
     */
    for (i = 0; cJSON_IsString(ver) && i < sizeof(cyclonedx_versions) / sizeof(char *); i++)
        if (strcmp(ver->valuestring, cyclonedx_versions[i]) == 0)
            return vt_buf_printf(rel, "cyclonedx/bom-%s.schema.json", ver->valuestring);
    if (fmt || ver)
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "/specVersion: no schema for this CycloneDX version (1.2 to 1.6)");
    return vt_error_set(err, VT_EUNSUPPORTED, 0,
                        "not a CycloneDX or SPDX JSON document (neither bomFormat nor "
                        "spdxVersion)");
}

int vt_sbom_validate(const char *s, size_t len, const char *schema_dir,
                     vt_jsonschema_errors *errors, vt_error *err)
{
    vt_buf rel = VT_BUF_INIT, path = VT_BUF_INIT;
    vt_jsonschema *schema = NULL;
    cJSON *root = NULL;
    size_t skip = 0;
    int error;

    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;
    error = vt__sbom_parse_json(&root, s, len, skip, err);
    if (error < 0)
        goto out;
    if (!cJSON_IsObject(root)) {
        error = vt_error_set(err, VT_EUNSUPPORTED, 0,
                             "not a CycloneDX or SPDX JSON document: the top level is not an "
                             "object");
        goto out;
    }
    error = schema_for(&rel, root, err);
    if (error == 0)
        error = vt_buf_printf(&path, "%s/%s", schema_dir, rel.ptr);
    if (error == VT_ENOMEM || error == VT_ETOOBIG)
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error < 0)
        goto out;
    error = vt_jsonschema_load(&schema, path.ptr, err);
    if (error < 0)
        goto out;
    error = vt_jsonschema_validate(schema, root, errors, err);
out:
    vt_jsonschema_free(schema);
    cJSON_Delete(root);
    vt_buf_dispose(&rel);
    vt_buf_dispose(&path);
    return error;
}
