/*
 * osv_fuzz.c - fuzz target for the OSV record reader.
 *
 * A refusal must come with a one-line message that names a JSON pointer (or
 * the top level, or the byte offset of malformed JSON) and leave *out NULL.
 * An accepted record is walked field by field: counts agree with the arrays,
 * no string in a list is NULL, event kinds and range types are in range,
 * every range has events, timestamps reparse to what was stored, and every
 * piece kept as JSON text parses again. Any violation aborts, so that
 * libFuzzer (or the replay driver under ctest) reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_refusal_check.h"
#include "vulntrack/json.h"
#include "vulntrack/osv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "osv_fuzz: %s: %s\n", what, detail ? detail : "(null)");
    abort();
}

static void check_strings(const char *what, const char *const *list, size_t n)
{
    size_t i;

    if ((n == 0) != (list == NULL))
        die("count and array disagree", what);
    for (i = 0; i < n; i++)
        if (!list[i])
            die("NULL string in a list", what);
}

static void check_json_text(const char *what, const char *text)
{
    cJSON *item;

    if (!text)
        return;
    item = cJSON_Parse(text);
    if (!item)
        die("kept JSON text does not parse", what);
    cJSON_Delete(item);
}

static void check_time(const char *what, const char *s, bool required)
{
    int64_t ms;

    if (!s) {
        if (required)
            die("required timestamp missing", what);
        return;
    }
    if (vt_time_parse_rfc3339(&ms, s, strlen(s)) != 0)
        die("stored timestamp does not reparse", s);
}

static void check_range(const vt_osv_range *r)
{
    size_t i;

    if (r->type < VT_OSV_RANGE_SEMVER || r->type > VT_OSV_RANGE_GIT)
        die("range type out of range", NULL);
    if (r->nevents == 0 || !r->events)
        die("range without events", NULL);
    for (i = 0; i < r->nevents; i++) {
        if (r->events[i].kind < VT_OSV_INTRODUCED || r->events[i].kind > VT_OSV_LIMIT)
            die("event kind out of range", NULL);
        if (!r->events[i].value)
            die("event without value", NULL);
    }
    check_json_text("range database_specific", r->database_specific_json);
}

static void check_advisory(const vt_advisory *a)
{
    int64_t ms;
    size_t i, j;

    if (!a->id || !a->id[0])
        die("empty id accepted", a->id);
    check_time("modified", a->modified, true);
    if (vt_time_parse_rfc3339(&ms, a->modified, strlen(a->modified)) != 0 ||
        ms != a->modified_ms)
        die("modified_ms differs from modified", a->modified);
    check_time("published", a->published, false);
    check_time("withdrawn", a->withdrawn, false);
    check_strings("aliases", a->aliases, a->naliases);
    check_strings("related", a->related, a->nrelated);
    check_strings("upstream", a->upstream, a->nupstream);
    if ((a->nseverity == 0) != (a->severity == NULL))
        die("count and array disagree", "severity");
    for (i = 0; i < a->nseverity; i++)
        if (!a->severity[i].type || !a->severity[i].score)
            die("severity without type or score", NULL);
    if ((a->nreferences == 0) != (a->references == NULL))
        die("count and array disagree", "references");
    for (i = 0; i < a->nreferences; i++)
        if (!a->references[i].type || !a->references[i].url)
            die("reference without type or url", NULL);
    if ((a->ncredits == 0) != (a->credits == NULL))
        die("count and array disagree", "credits");
    for (i = 0; i < a->ncredits; i++) {
        if (!a->credits[i].name)
            die("credit without name", NULL);
        check_strings("contact", a->credits[i].contact, a->credits[i].ncontact);
    }
    if ((a->naffected == 0) != (a->affected == NULL))
        die("count and array disagree", "affected");
    for (i = 0; i < a->naffected; i++) {
        const vt_osv_affected *af = &a->affected[i];

        if ((af->ecosystem == NULL) != (af->name == NULL))
            die("package with only one of ecosystem and name", NULL);
        if (af->purl && !af->name)
            die("purl without a package", af->purl);
        if ((af->nranges == 0) != (af->ranges == NULL))
            die("count and array disagree", "ranges");
        for (j = 0; j < af->nranges; j++)
            check_range(&af->ranges[j]);
        check_strings("versions", af->versions, af->nversions);
        check_json_text("ecosystem_specific", af->ecosystem_specific_json);
        check_json_text("database_specific", af->database_specific_json);
        check_json_text("affected severity", af->severity_json);
    }
    check_json_text("database_specific", a->database_specific_json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    vt_error err = VT_ERROR_INIT;
    vt_advisory *a = NULL;
    const char *problem;
    int rc;

    if (!initialised) {
        vt_json_init();
        initialised = true;
    }
    rc = vt_osv_parse(&a, (const char *)data, size, &err);
    if (rc != 0) {
        if (rc != VT_EINVALID || a)
            die("unexpected failure", err.msg);
        problem = json_refusal_problem(&err);
        if (problem)
            die(problem, err.msg);
        if (err.offset > size)
            die("error offset beyond the input", err.msg);
        return 0;
    }
    check_advisory(a);
    vt_advisory_free(a);
    return 0;
}
