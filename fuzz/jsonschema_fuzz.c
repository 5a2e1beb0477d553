/*
 * jsonschema_fuzz.c - fuzz target for the JSON Schema validator with the
 * shipped CycloneDX 1.6 and SPDX 2.3.1 schemas (found beside this source
 * file, in ../data/schemas).
 *
 * For any JSON input, validation must succeed or report violations whose
 * strings are all set and whose instance pointers all resolve in the input
 * (a violation always names a value that is there: the failing value, the
 * object missing a property, or the property that is not allowed), and a
 * second run must report the same number. Any mismatch aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/json.h"
#include "vulntrack/jsonschema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "jsonschema_fuzz: %s: %s\n", what, detail ? detail : "(null)");
    abort();
}

/* The source tree root, from this file's path as the compiler saw it. */
static vt_jsonschema *load(const char *rel)
{
    char path[4096];
    const char *file = __FILE__, *cut = strstr(file, "fuzz/jsonschema_fuzz.c");
    vt_jsonschema *s = NULL;
    vt_error err = VT_ERROR_INIT;

    if (!cut)
        die("cannot locate the source tree from", file);
    snprintf(path, sizeof(path), "%.*sdata/schemas/%s", (int)(cut - file), file, rel);
    if (vt_jsonschema_load(&s, path, &err) != 0)
        die("cannot load schema", err.msg);
    return s;
}

/*
 * Whether an RFC 6901 pointer resolves. With duplicate keys (which cJSON
 * keeps, and the validator checks each) any member of that name may be meant.
 */
static bool resolves(const cJSON *v, const char *p)
{
    char tok[1024];
    const char *rest;
    const cJSON *child;
    size_t n = 0;

    if (!*p)
        return true;
    if (*p != '/')
        return false;
    p++;
    while (*p && *p != '/') {
        char c = *p++;

        if (c == '~') {
            if (*p == '0')
                c = '~';
            else if (*p == '1')
                c = '/';
            else
                return false;
            p++;
        }
        if (n + 1 >= sizeof(tok))
            return false;
        tok[n++] = c;
    }
    tok[n] = '\0';
    rest = p;
    if (cJSON_IsArray(v)) {
        char *end;
        long i = strtol(tok, &end, 10); /* fuzz harness, not library code */

        if (*end || i < 0)
            return false;
        child = cJSON_GetArrayItem(v, (int)i);
        return child && resolves(child, rest);
    }
    cJSON_ArrayForEach(child, v)
    {
        if (child->string && strcmp(child->string, tok) == 0 && resolves(child, rest))
            return true;
    }
    return false;
}

static void check(vt_jsonschema *s, const cJSON *doc)
{
    vt_jsonschema_errors e = VT_JSONSCHEMA_ERRORS_INIT;
    vt_jsonschema_errors again = VT_JSONSCHEMA_ERRORS_INIT;
    vt_error err = VT_ERROR_INIT;
    size_t i;
    int rc = vt_jsonschema_validate(s, doc, &e, &err);

    if (rc != 0 && rc != VT_EINVALID)
        die("unexpected code", err.msg);
    if ((rc == 0) != (e.count == 0))
        die("code and violation count disagree", err.msg);
    for (i = 0; i < e.count; i++) {
        const vt_jsonschema_error *v = &e.items[i];

        if (!v->instance || !v->keyword || !v->schema || !v->message || !v->message[0])
            die("violation with a missing string", v->message);
        if (!resolves(doc, v->instance))
            die("violation pointer does not resolve", v->instance);
    }
    (void)vt_jsonschema_validate(s, doc, &again, &err);
    if (again.count != e.count)
        die("second run differs", err.msg);
    vt_jsonschema_errors_dispose(&again);
    vt_jsonschema_errors_dispose(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vt_jsonschema *cyclonedx, *spdx;
    vt_error err = VT_ERROR_INIT;
    cJSON *doc = NULL;

    if (!cyclonedx) {
        cyclonedx = load("cyclonedx/bom-1.6.schema.json");
        spdx = load("spdx/v2.3.1/spdx-schema.json");
    }
    if (vt_json_parse(&doc, (const char *)data, size, &err) != 0)
        return 0;
    check(cyclonedx, doc);
    check(spdx, doc);
    cJSON_Delete(doc);
    return 0;
}
