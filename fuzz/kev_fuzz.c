/*
 * kev_fuzz.c - fuzz target for KEV catalogue recognition and reading.
 *
 * Every entry handed to the callback has its required strings and calendar
 * dates; a refusal has a one-line message naming a JSON pointer or a byte
 * offset. A catalogue that reads without error and spells its keys without
 * escapes must also be recognised by the cheap content sniff (the sniff sees
 * the same top-level keys cJSON does). Raw NUL bytes are left out of that
 * check: cJSON keeps them inside a key, where they end its C string, so
 * "vulnerabilities\0x" is "vulnerabilities" to cJSON but not to the sniff.
 * Violations abort.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_refusal_check.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/kev.h"
#include "vulntrack/osv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "kev_fuzz: %s: %s\n", what, detail ? detail : "(null)");
    abort();
}

static void check_date(const char *what, const char *s)
{
    char stamp[] = "0000-00-00T00:00:00Z";
    int64_t ms;

    if (!s || strlen(s) != 10)
        die("date of the wrong shape", what);
    memcpy(stamp, s, 10);
    if (vt_time_parse_rfc3339(&ms, stamp, sizeof(stamp) - 1) != 0)
        die("date that is not a calendar day", s);
}

static int each(void *ctx, const vt_kev_entry *e)
{
    (*(size_t *)ctx)++;
    if (!e->cve || !e->cve[0] || !e->vendor || !e->product || !e->name ||
        !e->required_action)
        die("entry with a required field missing", e->cve);
    check_date("dateAdded", e->date_added);
    check_date("dueDate", e->due_date);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    const char *s = (const char *)data;
    vt_error err = VT_ERROR_INIT;
    char *version = NULL;
    size_t entries = 0;
    bool sniffed;
    const char *problem;
    int rc;

    if (!initialised) {
        vt_json_init();
        initialised = true;
    }
    sniffed = vt_kev_is_catalogue(s, size);
    rc = vt_kev_read(s, size, each, &entries, &version, &err);
    if (rc != 0) {
        if (rc != VT_EINVALID || version)
            die("unexpected failure", err.msg);
        problem = json_refusal_problem(&err);
        if (problem)
            die(problem, err.msg);
        return 0;
    }
    if (!version)
        die("catalogue read without its version", NULL);
    if (!sniffed && !memchr(s, '\\', size) && !memchr(s, '\0', size))
        die("catalogue read but not recognised", version);
    vt_free(version);
    return 0;
}
