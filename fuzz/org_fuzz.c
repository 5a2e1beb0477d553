/*
 * org_fuzz.c - fuzz target for the organisation checks (auth.h): the
 * profiles array and flags object (JSON from API callers) and the
 * time-zone name (which becomes a path under the zone directory).
 *
 * The first byte chooses the field ('p' profiles, 'f' flags, anything
 * else the time zone); the rest is its text. The check must answer 0 or
 * VT_EINVALID naming that field (VT_ENOMEM only on an allocation failure),
 * the same way twice, and a time zone it accepts never leaves the zone
 * directory. Any breach aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *text)
{
    fprintf(stderr, "org_fuzz: %s: %s\n", what, text);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_org o = {0, (char *)"fuzz", (char *)"Fuzz", (char *)"vendor", (char *)"CN",
                (char *)"UTC", NULL, NULL};
    vt_error e1 = VT_ERROR_INIT, e2 = VT_ERROR_INIT;
    const char *want;
    char *text;
    int r1, r2;

    if (size == 0)
        return 0;
    text = vt_strndup((const char *)data + 1, size - 1);
    if (!text)
        return 0;
    if (data[0] == 'p') {
        o.profiles = text;
        want = "/profiles";
    } else if (data[0] == 'f') {
        o.flags = text;
        want = "/flags";
    } else {
        o.time_zone = text;
        want = "/time_zone";
    }
    r1 = vt_org_validate(&o, &e1);
    r2 = vt_org_validate(&o, &e2);
    if (r1 != r2 || strcmp(e1.field, e2.field) != 0)
        die("two checks disagree", text);
    if (r1 != 0 && r1 != VT_EINVALID && r1 != VT_ENOMEM)
        die("unexpected code", text);
    if (r1 == VT_EINVALID && strncmp(e1.field, want, strlen(want)) != 0)
        die("error names another field", e1.field);
    if (r1 == 0 && o.time_zone == text &&
        (text[0] == '/' || strstr(text, "..") || strchr(text, '\\')))
        die("unsafe zone name accepted", text);
    vt_free(text);
    return 0;
}
