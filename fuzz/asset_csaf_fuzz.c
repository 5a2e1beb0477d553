/*
 * asset_csaf_fuzz.c - fuzz target for matching a published CSAF document
 * against an operator asset (the product_tree walk and the status lists).
 *
 * The input is the document. Every finding produced must name its
 * vulnerability, come from the advisory, carry a known status and the
 * matched product id; anything else (or a crash) aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/domain/assets_internal.h"
#include "vulntrack/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what)
{
    fprintf(stderr, "asset_csaf_fuzz: %s\n", what);
    abort();
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_asset a = VT_ASSET_INIT;
    vt_store_published_csaf pa;
    vt_error err = VT_ERROR_INIT;
    cJSON *list = cJSON_CreateArray();
    const cJSON *f;
    int rc;

    vt_json_init();
    if (!list)
        return 0;
    a.id = 1;
    a.org_id = 1;
    a.name = "asset";
    a.vendor = "Example Company";
    a.product = "DEF";
    a.version = "1.0";
    a.purl = "pkg:generic/def@1.0";
    a.publicly_exposed = "unknown";
    a.identifiers = "[]";
    memset(&pa, 0, sizeof(pa));
    pa.tracking_id = "FUZZ-1";
    pa.revision = 1;
    pa.category = "csaf_vex";
    pa.document = (const char *)data;
    pa.document_len = size;
    rc = vt__asset_csaf_findings(list, &a, &pa, NULL, &err);
    if (rc != 0 && rc != VT_ENOMEM)
        die("unexpected error code");
    cJSON_ArrayForEach(f, list)
    {
        const char *status = str_of(f, "status");
        const cJSON *adv = cJSON_GetObjectItemCaseSensitive(f, "advisory");

        if (!str_of(f, "vulnerability"))
            die("finding without a vulnerability");
        if (!str_of(f, "source") || strcmp(str_of(f, "source"), "advisory") != 0)
            die("finding not from the advisory");
        if (!status ||
            (strcmp(status, "known_affected") != 0 && strcmp(status, "under_investigation") != 0))
            die("unknown status");
        if (!str_of(adv, "product_id") || !str_of(adv, "tracking_id"))
            die("finding without its advisory product");
    }
    cJSON_Delete(list);
    return 0;
}
