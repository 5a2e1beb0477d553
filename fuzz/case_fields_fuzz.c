/*
 * case_fields_fuzz.c - fuzz target for the validator of case fields
 * (vt_case_doc_normalize).
 *
 * Any JSON input is validated as a case's `doc`. A refusal must come with
 * a one-line message and a JSON pointer under "/doc"; an accepted document
 * must validate again to exactly itself (the stored form is a fixed point),
 * so that saving a case twice never changes it. Any violation aborts, so
 * that libFuzzer (or the replay driver under ctest) reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/cases.h"
#include "vulntrack/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "case_fields_fuzz: %s\n  %s\n", what, detail ? detail : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialised;
    vt_error err = VT_ERROR_INIT;
    cJSON *in = NULL, *out = NULL, *again = NULL;
    int rc;

    if (!initialised) {
        vt_json_init();
        initialised = 1;
    }
    if (vt_json_parse(&in, (const char *)data, size, &err) != 0)
        return 0;
    rc = vt_case_doc_normalize(&out, in, NULL, "/doc", &err);
    if (rc == VT_EINVALID) {
        if (!err.msg[0] || strchr(err.msg, '\n'))
            die("refusal without a one-line message", err.msg);
        if (strncmp(err.field, "/doc", 4) != 0)
            die("refusal without a pointer under /doc", err.field);
        if (out)
            die("refusal with a result", err.msg);
    } else if (rc == 0) {
        char *a, *b;

        if (!out || !cJSON_IsObject(out))
            die("accepted without an object", NULL);
        if (vt_case_doc_normalize(&again, out, NULL, "/doc", &err) != 0)
            die("the stored form does not validate", err.msg);
        if (!cJSON_Compare(out, again, 1)) {
            a = cJSON_PrintUnformatted(out);
            b = cJSON_PrintUnformatted(again);
            fprintf(stderr, "first:  %s\nsecond: %s\n", a ? a : "?", b ? b : "?");
            die("the stored form is not a fixed point", NULL);
        }
    } else if (rc != VT_ENOMEM) {
        die("unexpected code", err.msg);
    }
    cJSON_Delete(again);
    cJSON_Delete(out);
    cJSON_Delete(in);
    return 0;
}
