/*
 * csaf_build_fuzz.c - fuzz target for the CSAF and OSV builders (csaf.h).
 *
 * The input is taken as a case document (JSON); the builders walk it
 * whatever its shape (a hand-edited row need not be what the case service
 * stores). For every format that builds, the result must print, and in a
 * CSAF document every product id named in product_status must be defined
 * in the product tree exactly once. Any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/csaf.h"
#include "vulntrack/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what)
{
    fprintf(stderr, "csaf_build_fuzz: %s\n", what);
    abort();
}

/* How many products of the tree under `branches` have id `id`. */
static int defined(const cJSON *branches, const char *id)
{
    const cJSON *b;
    int n = 0;
    cJSON_ArrayForEach(b, branches)
    {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "product");
        const cJSON *pid = cJSON_GetObjectItemCaseSensitive(p, "product_id");
        if (cJSON_IsString(pid) && strcmp(pid->valuestring, id) == 0)
            n++;
        n += defined(cJSON_GetObjectItemCaseSensitive(b, "branches"), id);
    }
    return n;
}

static void check_csaf(const cJSON *doc)
{
    const cJSON *tree = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(doc, "product_tree"), "branches");
    const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "vulnerabilities"), 0);
    const cJSON *group, *id;

    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(v, "product_status"))
    {
        cJSON_ArrayForEach(id, group)
        {
            if (!cJSON_IsString(id) || defined(tree, id->valuestring) != 1)
                die("product_status names a product the tree does not define once");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const vt_csaf_revision rev = {1700000000000LL, "Initial version."};
    static int ready;
    vt_advisory_input in = {0};
    cJSON *doc = NULL;
    int f;

    if (!ready) {
        vt_json_init();
        ready = 1;
    }
    if (vt_json_parse(&doc, (const char *)data, size, NULL) != 0)
        return 0;
    in.tracking_id = "FUZZ-VT-2026-000001";
    in.title = "fuzz";
    in.doc = doc;
    in.publisher_name = "Fuzz";
    in.revisions = &rev;
    in.nrevisions = 1;
    for (f = 0; f < VT_ADVISORY_FORMAT_COUNT; f++) {
        cJSON *out = NULL;
        char *text;
        if (vt_advisory_build(&out, (vt_advisory_format)f, &in, NULL) != 0) {
            if (out)
                die("a failed build left a document");
            continue;
        }
        text = cJSON_PrintUnformatted(out);
        if (!text)
            die("cannot print the document");
        cJSON_free(text);
        if (f != VT_ADVISORY_OSV)
            check_csaf(out);
        cJSON_Delete(out);
    }
    cJSON_Delete(doc);
    return 0;
}
