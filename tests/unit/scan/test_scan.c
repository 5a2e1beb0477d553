/*
 * test_scan.c - the scan engine and its report writers: priority order, the
 * lookup cache (one store query per package, one parse per advisory), KEV
 * through aliases, unidentified components, JSON string escaping, document
 * time and ids, and allocation failures in every writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/osv.h"
#include "vulntrack/sbom.h"
#include "vulntrack/scan.h"
#include "vulntrack/store.h"

/* ------------------------------------------------------------------------ */
/* A temporary store with a few advisories                                  */

typedef struct fixture {
    char dir[64];
    char path[128];
    vt_store *store;
} fixture;

/* One advisory names two packages (as distribution advisories do). */
static const char *const advisories[] = {
    "{\"id\":\"TEST-2024-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2021-44228\"],"
    "\"summary\":\"two packages\",\"severity\":[{\"type\":\"CVSS_V3\",\"score\":"
    "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
    "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"alpha\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.0\"}]}]},"
    "{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"beta\"},"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"1.0\"},{\"fixed\":\"1.5\"}]}]}]}",
    "{\"id\":\"TEST-2024-2\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"summary\":\"quote \\\" backslash \\\\ newline \\n ctrl \\u0001 e\\u00e9\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"alpha\"},"
    "\"versions\":[\"1.0\"]}]}",
    "{\"id\":\"TEST-2024-3\",\"modified\":\"2024-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"alpha\"},"
    "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N\"}],"
    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
};

static const char sbom_text[] =
    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,\"components\":["
    "{\"type\":\"library\",\"name\":\"alpha\",\"version\":\"1.0\",\"purl\":\"pkg:pypi/alpha@1.0\","
    "\"bom-ref\":\"a1\"},"
    "{\"type\":\"library\",\"name\":\"Alpha\",\"version\":\"1.9\",\"purl\":\"pkg:pypi/Alpha@1.9\","
    "\"bom-ref\":\"a2\"},"
    "{\"type\":\"library\",\"name\":\"beta\",\"version\":\"1.2\",\"purl\":\"pkg:pypi/beta@1.2\","
    "\"bom-ref\":\"b1\"},"
    "{\"type\":\"library\",\"name\":\"beta\",\"version\":\"1.5\",\"purl\":\"pkg:pypi/beta@1.5\","
    "\"bom-ref\":\"b2\"},"
    "{\"type\":\"library\",\"name\":\"nopurl\",\"version\":\"1\",\"bom-ref\":\"n1\"},"
    "{\"type\":\"library\",\"name\":\"gen\",\"version\":\"1\",\"purl\":\"pkg:generic/gen@1\"}]}";

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    vt_error err = VT_ERROR_INIT;
    vt_kev_entry kev = {"CVE-2021-44228", "Apache", "Log4j2", "Log4Shell", "2021-12-10",
                        "2021-12-24", "Known", "Apply updates."};
    size_t i;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/vt-scan-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    assert_int_equal(vt_store_open(&f->store, f->path, &err), 0);
    for (i = 0; i < sizeof(advisories) / sizeof(advisories[0]); i++) {
        vt_advisory *a = NULL;
        vt_upsert_outcome o;

        assert_int_equal(vt_osv_parse(&a, advisories[i], strlen(advisories[i]), &err), 0);
        assert_int_equal(
            vt_store_put_advisory(f->store, a, advisories[i], strlen(advisories[i]), &o, &err), 0);
        vt_advisory_free(a);
    }
    assert_int_equal(vt_store_put_kev(f->store, &kev, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    fixture *f = *state;
    char p[160];
    size_t i;

    vt_store_close(f->store);
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Scan sbom_text into a new scan (finished). */
static vt_scan *scan_fixture(fixture *f)
{
    vt_error err = VT_ERROR_INIT;
    vt_sbom *sbom = NULL;
    vt_scan *s = NULL;

    assert_int_equal(vt_sbom_parse(&sbom, sbom_text, strlen(sbom_text), &err), 0);
    assert_int_equal(vt_scan_new(&s, f->store), 0);
    assert_int_equal(vt_scan_add_sbom(s, "test.cdx.json", sbom, &err), 0);
    assert_int_equal(vt_scan_finish(s), 0);
    vt_sbom_free(sbom);
    return s;
}

static const vt_finding *find(const vt_scan_report *r, const char *ref, const char *id)
{
    size_t i;

    for (i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].bom_ref, ref) == 0 && strcmp(r->findings[i].id, id) == 0)
            return &r->findings[i];
    return NULL;
}

static void test_scan__findings_and_cache(void **state)
{
    vt_scan *s = scan_fixture(*state);
    const vt_scan_report *r = vt_scan_get_report(s);
    const vt_finding *f;

    /* alpha 1.0: TEST-1 (< 2.0), TEST-2 (versions list), TEST-3 (open range);
     * Alpha 1.9 (PEP 503 name): TEST-1, TEST-3; beta 1.2: TEST-1; beta 1.5:
     * exactly at the fix, none. */
    assert_int_equal(r->nfindings, 6);
    assert_non_null(find(r, "a1", "TEST-2024-1"));
    assert_non_null(find(r, "a1", "TEST-2024-2"));
    assert_non_null(find(r, "a1", "TEST-2024-3"));
    assert_non_null(find(r, "a2", "TEST-2024-1"));
    assert_non_null(find(r, "a2", "TEST-2024-3"));
    assert_null(find(r, "a2", "TEST-2024-2"));
    assert_non_null(find(r, "b1", "TEST-2024-1"));
    assert_null(find(r, "b2", "TEST-2024-1"));
    /* Two packages, one query each; TEST-1 comes back for both and is parsed once. */
    assert_int_equal(r->lookups, 2);
    assert_int_equal(r->advisories_parsed, 3);

    f = find(r, "b1", "TEST-2024-1");
    assert_non_null(f->kev);
    assert_string_equal(f->kev->cve, "CVE-2021-44228");
    assert_string_equal(f->kev->ransomware, "Known");
    assert_int_equal(f->grade.level, VT_GRADE_CRITICAL);
    assert_int_equal(f->grade.method, VT_GRADE_METHOD_CVSS_DERIVED);
    assert_int_equal(f->best_score10, 98);
    assert_int_equal(f->nfixed_versions, 1);
    assert_string_equal(f->fixed_versions[0], "1.5");
    assert_string_equal(f->ecosystem, "PyPI");
    /* affected[].severity counts as well as the top-level one. */
    f = find(r, "a1", "TEST-2024-3");
    assert_int_equal(f->ncvss, 1);
    assert_int_equal(f->cvss[0].score10, 43);
    assert_int_equal(f->grade.level, VT_GRADE_MEDIUM);
    f = find(r, "a1", "TEST-2024-2");
    assert_null(f->kev);
    assert_int_equal(f->grade.level, VT_GRADE_UNAVAILABLE);
    assert_int_equal(f->best_score10, -1);

    /* Order: the KEV ones first (by id, then name: Alpha before alpha, then
     * beta), then medium, then unavailable. */
    assert_string_equal(r->findings[0].bom_ref, "a2");
    assert_string_equal(r->findings[1].bom_ref, "a1");
    assert_string_equal(r->findings[2].bom_ref, "b1");
    assert_string_equal(r->findings[3].id, "TEST-2024-3");
    assert_string_equal(r->findings[4].id, "TEST-2024-3");
    assert_string_equal(r->findings[5].id, "TEST-2024-2");

    assert_int_equal(r->nsboms, 1);
    assert_int_equal(r->sboms[0].components, 6);
    assert_int_equal(r->sboms[0].unidentified, 2);
    assert_int_equal(r->nunidentified, 2);
    assert_string_equal(r->unidentified[0].reason, "no purl");
    assert_string_equal(r->unidentified[0].bom_ref, "n1");
    assert_null(r->unidentified[1].bom_ref);
    assert_string_equal(r->unidentified[1].reason, "no OSV ecosystem for purl type 'generic'");
    vt_scan_free(s);
}

static void test_scan__failed_sbom_listed(void **state)
{
    vt_scan *s = NULL;
    const vt_scan_report *r;
    vt_buf out = VT_BUF_INIT;
    cJSON *doc;

    assert_int_equal(vt_scan_new(&s, ((fixture *)*state)->store), 0);
    assert_int_equal(vt_scan_add_failed(s, "bad.json", "malformed JSON at byte 3"), 0);
    vt_scan_finish(s);
    r = vt_scan_get_report(s);
    assert_int_equal(r->nsboms, 1);
    assert_string_equal(r->sboms[0].error, "malformed JSON at byte 3");
    assert_int_equal(vt_scan_write_json(&out, r, NULL), 0);
    assert_string_equal(out.ptr, "{\"sboms\":[],\"errors\":[{\"path\":\"bad.json\",\"error\":"
                                 "\"malformed JSON at byte 3\"}],\"findings\":[],"
                                 "\"unidentified\":[]}\n");
    assert_int_equal(vt_json_parse(&doc, out.ptr, out.len, NULL), 0);
    cJSON_Delete(doc);
    vt_buf_dispose(&out);
    vt_scan_free(s);
}

static void test_scan__json_escapes_strings(void **state)
{
    vt_scan *s = scan_fixture(*state);
    const vt_scan_report *r = vt_scan_get_report(s);
    vt_buf out = VT_BUF_INIT;
    cJSON *doc = NULL, *findings, *it;
    int seen = 0;

    assert_int_equal(vt_scan_write_json(&out, r, NULL), 0);
    assert_non_null(strstr(out.ptr, "quote \\\" backslash \\\\ newline \\n ctrl \\u0001 e\xc3\xa9"));
    assert_int_equal(vt_json_parse(&doc, out.ptr, out.len, NULL), 0);
    findings = cJSON_GetObjectItemCaseSensitive(doc, "findings");
    assert_int_equal(cJSON_GetArraySize(findings), 6);
    cJSON_ArrayForEach(it, findings)
    {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "vulnerability");
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "id"));

        if (strcmp(id, "TEST-2024-2") == 0) {
            assert_string_equal(
                cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "summary")),
                "quote \" backslash \\ newline \n ctrl \x01 e\xc3\xa9");
            seen++;
        }
        if (strcmp(id, "TEST-2024-1") == 0) {
            cJSON *cvss = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(v, "cvss"), 0);

            assert_true(cJSON_GetNumberValue(
                            cJSON_GetObjectItemCaseSensitive(cvss, "base_score")) == 9.8);
            assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(v, "known_exploited")));
        }
    }
    assert_int_equal(seen, 1);
    cJSON_Delete(doc);
    vt_buf_dispose(&out);
    vt_scan_free(s);
}

typedef int (*writer_fn)(vt_buf *, const vt_scan_report *, const vt_scan_write_options *);

/* Each writer fails cleanly (VT_ENOMEM, nothing leaked) at every allocation. */
static void test_scan__writers_allocation_failures(void **state)
{
    static const writer_fn writers[] = {vt_scan_write_json, vt_scan_write_sarif,
                                        vt_scan_write_cyclonedx_vex, vt_scan_write_openvex};
    vt_scan *s = scan_fixture(*state);
    const vt_scan_report *r = vt_scan_get_report(s);
    vt_scan_write_options o = VT_SCAN_WRITE_OPTIONS_INIT;
    size_t w;

    o.now_ms = 1700000000000;
    for (w = 0; w < sizeof(writers) / sizeof(writers[0]); w++) {
        long n;
        int rc = VT_ENOMEM;

        for (n = 0; rc == VT_ENOMEM && n < 100000; n++) {
            vt_buf out = VT_BUF_INIT;

            vt_alloc_fail_after(n);
            rc = writers[w](&out, r, &o);
            vt_alloc_fail_after(-1);
            if (rc != 0)
                assert_int_equal(rc, VT_ENOMEM);
            else
                assert_true(out.len > 0);
            vt_buf_dispose(&out);
        }
        assert_int_equal(rc, 0);
    }
    vt_scan_free(s);
}

/* A scan fails cleanly at every allocation too. */
static void test_scan__scan_allocation_failures(void **state)
{
    fixture *f = *state;
    vt_sbom *sbom = NULL;
    vt_error err = VT_ERROR_INIT;
    long n;
    int rc = VT_ENOMEM;

    assert_int_equal(vt_sbom_parse(&sbom, sbom_text, strlen(sbom_text), &err), 0);
    for (n = 0; rc == VT_ENOMEM && n < 100000; n++) {
        vt_scan *s = NULL;

        vt_alloc_fail_after(n);
        rc = vt_scan_new(&s, f->store);
        if (rc == 0)
            rc = vt_scan_add_sbom(s, "x.json", sbom, &err);
        vt_alloc_fail_after(-1);
        if (rc != 0)
            assert_int_equal(rc, VT_ENOMEM);
        vt_scan_free(s);
    }
    assert_int_equal(rc, 0);
    vt_sbom_free(sbom);
}

static void test_scan__time_and_uuid(void **state)
{
    vt_buf b = VT_BUF_INIT, u1 = VT_BUF_INIT, u2 = VT_BUF_INIT;
    size_t i;

    (void)state;
    assert_int_equal(vt_scan_format_time(&b, 0), 0);
    assert_string_equal(b.ptr, "1970-01-01T00:00:00Z");
    vt_buf_clear(&b);
    assert_int_equal(vt_scan_format_time(&b, 1700000000999), 0);
    assert_string_equal(b.ptr, "2023-11-14T22:13:20Z");
    assert_int_equal(vt_scan_uuid(&u1, "abc", 3), 0);
    assert_int_equal(vt_scan_uuid(&u2, "abc", 3), 0);
    assert_string_equal(u1.ptr, u2.ptr);
    assert_int_equal(u1.len, 36);
    for (i = 0; i < u1.len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(u1.ptr[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", u1.ptr[i]));
    }
    assert_int_equal(u1.ptr[14], '4');
    assert_non_null(strchr("89ab", u1.ptr[19]));
    vt_buf_clear(&u2);
    assert_int_equal(vt_scan_uuid(&u2, "abd", 3), 0);
    assert_string_not_equal(u1.ptr, u2.ptr);
    vt_buf_dispose(&b);
    vt_buf_dispose(&u1);
    vt_buf_dispose(&u2);
}

/* vt_finding_cmp alone: each key decides when the ones before it tie. */
static void test_scan__priority_keys(void **state)
{
    vt_finding a, b;

    (void)state;
    memset(&a, 0, sizeof(a));
    a.id = "B";
    a.name = "n";
    a.version = "1";
    a.best_score10 = 50;
    a.grade.level = VT_GRADE_MEDIUM;
    b = a;
    assert_int_equal(vt_finding_cmp(&a, &b), 0);
    b.kev = &(vt_scan_kev){"CVE-1", "2020-01-01", "2020-01-02", "Unknown", NULL};
    b.grade.level = VT_GRADE_LOW;
    assert_true(vt_finding_cmp(&a, &b) > 0);
    b.kev = NULL;
    assert_true(vt_finding_cmp(&a, &b) < 0);
    b.grade.level = VT_GRADE_MEDIUM;
    b.best_score10 = 69;
    assert_true(vt_finding_cmp(&a, &b) > 0);
    b.best_score10 = 50;
    b.id = "A";
    assert_true(vt_finding_cmp(&a, &b) > 0);
    b.id = "B";
    b.name = "m";
    assert_true(vt_finding_cmp(&a, &b) > 0);
    b.name = "n";
    b.sbom_index = 1;
    assert_true(vt_finding_cmp(&a, &b) < 0);
    b.sbom_index = 0;
    b.grade.level = VT_GRADE_UNAVAILABLE;
    b.best_score10 = -1;
    a.grade.level = VT_GRADE_NONE;
    a.best_score10 = 0;
    assert_true(vt_finding_cmp(&a, &b) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scan__findings_and_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan__failed_sbom_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan__json_escapes_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan__writers_allocation_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan__scan_allocation_failures, setup, teardown),
        cmocka_unit_test(test_scan__time_and_uuid),
        cmocka_unit_test(test_scan__priority_keys),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
