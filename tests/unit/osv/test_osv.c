/*
 * test_osv.c - the OSV advisory reader and the KEV catalogue reader: every
 * record of the shared archives, one test per quirk of the real data
 * ($VT_DATA_DIR/osv/README.md), refusals with their exact messages, RFC 3339
 * edges, allocation-failure walks, and the KEV catalogue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "test_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/kev.h"
#include "vulntrack/osv.h"

/* ------------------------------------------------------------------------ */
/* Reading the archives                                                      */
/* ------------------------------------------------------------------------ */

/* Called for every member; returns false to stop the walk. */
typedef bool (*member_fn)(void *ctx, const char *name, const char *text, size_t len);

/*
 * Stream every member of $VT_DATA_DIR/osv/<eco>/all.zip through `fn`.
 * Returns the number of members seen. A missing archive fails the test: the
 * data kit not being there must never look like a pass.
 */
static long zip_walk(const char *eco, member_fn fn, void *ctx)
{
    const char *dir = getenv("VT_DATA_DIR");
    struct archive *a;
    struct archive_entry *e;
    char path[4096];
    char *text = NULL;
    size_t cap = 0;
    long count = 0;
    int rc;

    if (!dir || !*dir)
        fail_msg("VT_DATA_DIR is not set (run the tests through ctest)");
    snprintf(path, sizeof(path), "%s/osv/%s/all.zip", dir, eco);
    a = archive_read_new();
    assert_non_null(a);
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK)
        fail_msg("cannot open %s: %s", path, archive_error_string(a));
    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        la_int64_t size = archive_entry_size(e);
        la_ssize_t got;
        bool go_on;

        assert_true(size >= 0);
        if ((size_t)size + 1 > cap) {
            cap = (size_t)size + 1;
            text = realloc(text, cap);
            assert_non_null(text);
        }
        got = archive_read_data(a, text, (size_t)size);
        if (got != (la_ssize_t)size)
            fail_msg("%s: short read of %s", path, archive_entry_pathname(e));
        text[size] = '\0';
        count++;
        go_on = fn(ctx, archive_entry_pathname(e), text, (size_t)size);
        if (!go_on)
            break;
    }
    if (rc != ARCHIVE_OK && rc != ARCHIVE_EOF)
        fail_msg("%s: %s", path, archive_error_string(a));
    archive_read_free(a);
    free(text);
    return count;
}

typedef struct find_ctx {
    const char *want;
    char *text;
    size_t len;
} find_ctx;

static bool find_member(void *ctx, const char *name, const char *text, size_t len)
{
    find_ctx *f = ctx;
    size_t n = strlen(f->want);

    if (strncmp(name, f->want, n) != 0 || strcmp(name + n, ".json") != 0)
        return true;
    f->text = malloc(len + 1);
    assert_non_null(f->text);
    memcpy(f->text, text, len + 1);
    f->len = len;
    return false;
}

/* The text of <id>.json from the archive of `eco`; the caller frees it. */
static char *record_text(const char *eco, const char *id, size_t *len)
{
    find_ctx f = {id, NULL, 0};

    zip_walk(eco, find_member, &f);
    if (!f.text)
        fail_msg("%s is not in %s/all.zip", id, eco);
    *len = f.len;
    return f.text;
}

/* The record <id> of archive `eco`, parsed (which must succeed). */
static vt_advisory *load(const char *eco, const char *id)
{
    vt_error err = VT_ERROR_INIT;
    vt_advisory *a = NULL;
    size_t len;
    char *text = record_text(eco, id, &len);

    if (vt_osv_parse(&a, text, len, &err) != 0)
        fail_msg("%s: %s", id, err.msg);
    free(text);
    assert_non_null(a);
    assert_string_equal(a->id, id);
    return a;
}

static void assert_event(const vt_osv_range *r, size_t i, vt_osv_event_kind kind,
                         const char *value)
{
    assert_true(i < r->nevents);
    assert_int_equal(r->events[i].kind, kind);
    assert_string_equal(r->events[i].value, value);
}

/* Milliseconds of 0001-01-01T00:00:00Z (Python: datetime(1,1,1) - epoch). */
#define YEAR1_MS INT64_C(-62135596800000)

/* ------------------------------------------------------------------------ */
/* (a) Every record of every archive                                         */
/* ------------------------------------------------------------------------ */

typedef struct tally {
    long parsed, rejected, withdrawn, year1_modified, year1_published, no_published;
    long no_package, git_and_ecosystem, crates_zero_prerelease, last_affected, limit;
    long kev_lookalikes, name_mismatch;
    char first_failure[VT_ERROR_MSG_MAX + 128];
} tally;

/* Check the invariants every parsed record must hold, and count quirks. */
static void check_record(tally *t, const char *name, const vt_advisory *a)
{
    size_t i, j, k, idlen = strlen(a->id);
    int64_t ms;

    if (strncmp(name, a->id, idlen) != 0 || strcmp(name + idlen, ".json") != 0)
        t->name_mismatch++;
    assert_int_equal(vt_time_parse_rfc3339(&ms, a->modified, strlen(a->modified)), 0);
    assert_true(ms == a->modified_ms);
    if (a->modified_ms == YEAR1_MS)
        t->year1_modified++;
    if (a->published && strcmp(a->published, "0001-01-01T00:00:00Z") == 0)
        t->year1_published++;
    if (!a->published)
        t->no_published++;
    if (a->withdrawn)
        t->withdrawn++;
    assert_true((a->naliases == 0) == (a->aliases == NULL));
    assert_true((a->naffected == 0) == (a->affected == NULL));
    for (i = 0; i < a->naffected; i++) {
        const vt_osv_affected *af = &a->affected[i];
        bool git = false, eco = false;

        assert_true((af->ecosystem == NULL) == (af->name == NULL));
        if (!af->ecosystem)
            t->no_package++;
        assert_true((af->nranges == 0) == (af->ranges == NULL));
        assert_true((af->nversions == 0) == (af->versions == NULL));
        for (j = 0; j < af->nversions; j++)
            assert_non_null(af->versions[j]);
        for (j = 0; j < af->nranges; j++) {
            const vt_osv_range *r = &af->ranges[j];

            assert_true(r->nevents > 0);
            assert_true(r->type >= VT_OSV_RANGE_SEMVER && r->type <= VT_OSV_RANGE_GIT);
            git |= r->type == VT_OSV_RANGE_GIT;
            eco |= r->type == VT_OSV_RANGE_ECOSYSTEM;
            if (r->type == VT_OSV_RANGE_GIT)
                assert_non_null(r->repo);
            for (k = 0; k < r->nevents; k++) {
                assert_non_null(r->events[k].value);
                assert_true(r->events[k].kind >= VT_OSV_INTRODUCED &&
                            r->events[k].kind <= VT_OSV_LIMIT);
                if (r->events[k].kind == VT_OSV_INTRODUCED &&
                    strcmp(r->events[k].value, "0.0.0-0") == 0)
                    t->crates_zero_prerelease++;
                t->last_affected += r->events[k].kind == VT_OSV_LAST_AFFECTED;
                t->limit += r->events[k].kind == VT_OSV_LIMIT;
            }
        }
        if (git && eco)
            t->git_and_ecosystem++;
    }
}

static bool parse_member(void *ctx, const char *name, const char *text, size_t len)
{
    tally *t = ctx;
    vt_error err = VT_ERROR_INIT;
    vt_advisory *a = NULL;

    if (vt_kev_is_catalogue(text, len))
        t->kev_lookalikes++;
    if (vt_osv_parse(&a, text, len, &err) != 0) {
        if (t->rejected++ == 0)
            snprintf(t->first_failure, sizeof(t->first_failure), "%s: %s", name, err.msg);
        assert_null(a);
        return true;
    }
    t->parsed++;
    check_record(t, name, a);
    vt_advisory_free(a);
    return true;
}

static void tally_archive(const char *eco, tally *t)
{
    long members;

    memset(t, 0, sizeof(*t));
    members = zip_walk(eco, parse_member, t);
    if (t->rejected)
        fail_msg("%s: %ld records rejected, first: %s", eco, t->rejected, t->first_failure);
    assert_int_equal(t->parsed, members);
    assert_int_equal(t->name_mismatch, 0);
    assert_int_equal(t->kev_lookalikes, 0);
}

/*
 * Counts are those of the data kit's README (members per archive, and the
 * quirk figures it states), so a reader that drops or invents anything fails.
 */
static void test_osv__archive_go(void **state)
{
    tally t;

    (void)state;
    tally_archive("Go", &t);
    assert_int_equal(t.parsed, 4291);
    assert_int_equal(t.no_package, 0);
    assert_int_equal(t.year1_modified, 4291);
    assert_int_equal(t.year1_published, 4039);
    assert_int_equal(t.withdrawn, 17);
}

static void test_osv__archive_almalinux(void **state)
{
    tally t;

    (void)state;
    tally_archive("AlmaLinux", &t);
    assert_int_equal(t.parsed, 5637);
    assert_int_equal(t.no_package, 0);
    assert_int_equal(t.year1_modified, 0);
}

static void test_osv__archive_pypi(void **state)
{
    tally t;

    (void)state;
    tally_archive("PyPI", &t);
    assert_int_equal(t.parsed, 2661);
    assert_int_equal(t.no_package, 0);
    assert_int_equal(t.git_and_ecosystem, 1385);
    assert_int_equal(t.withdrawn, 10);
    assert_int_equal(t.no_published, 9);
    assert_int_equal(t.year1_modified, 1);
    assert_int_equal(t.last_affected, 1);
    assert_int_equal(t.limit, 0);
}

static void test_osv__archive_git(void **state)
{
    tally t;

    (void)state;
    tally_archive("GIT", &t);
    assert_int_equal(t.parsed, 132);
    assert_int_equal(t.year1_modified, 13);
    assert_int_equal(t.no_package, 132);
}

static void test_osv__archive_crates(void **state)
{
    tally t;

    (void)state;
    tally_archive("crates.io", &t);
    assert_int_equal(t.parsed, 1206);
    assert_int_equal(t.no_package, 0);
    assert_int_equal(t.crates_zero_prerelease, 1004);
    assert_int_equal(t.withdrawn, 13);
}

/* ------------------------------------------------------------------------ */
/* (b) One test per quirk of the real data                                   */
/* ------------------------------------------------------------------------ */

static void test_osv__placeholder_timestamps(void **state)
{
    vt_advisory *a;

    (void)state;
    a = load("Go", "GO-2020-0001");
    assert_string_equal(a->modified, "0001-01-01T00:00:00Z");
    assert_true(a->modified_ms == YEAR1_MS);
    assert_string_equal(a->published, "2021-04-14T20:04:52Z");
    assert_string_equal(a->schema_version, "1.3.1");
    assert_int_equal(a->naffected, 1);
    assert_string_equal(a->affected[0].ecosystem, "Go");
    assert_string_equal(a->affected[0].name, "github.com/gin-gonic/gin");
    assert_null(a->affected[0].purl);
    assert_int_equal(a->ncredits, 1);
    assert_string_equal(a->credits[0].name, "@thinkerou <thinkerou@gmail.com>");
    assert_null(a->credits[0].type);
    assert_int_equal(a->nseverity, 0);
    assert_string_equal(a->database_specific_json,
                        "{\"url\":\"https://pkg.go.dev/vuln/GO-2020-0001\","
                        "\"review_status\":\"REVIEWED\"}");
    vt_advisory_free(a);

    a = load("PyPI", "PYSEC-2024-55");
    assert_true(a->modified_ms == YEAR1_MS);
    assert_null(a->published);
    vt_advisory_free(a);

    a = load("GIT", "PSF-2013-3");
    assert_true(a->modified_ms == YEAR1_MS);
    vt_advisory_free(a);
}

static void test_osv__fractional_seconds(void **state)
{
    vt_advisory *a;

    (void)state;
    /* Six digits, truncated to milliseconds. */
    a = load("PyPI", "PYSEC-2007-1");
    assert_string_equal(a->modified, "2021-07-15T02:22:07.728618Z");
    assert_true(a->modified_ms == INT64_C(1626315727728));
    vt_advisory_free(a);
    /* Three digits. */
    a = load("GIT", "PSF-2024-3");
    assert_string_equal(a->modified, "2024-09-07T02:44:36.613Z");
    assert_true(a->modified_ms == INT64_C(1725677076613));
    assert_string_equal(a->published, "2024-05-07T21:02:55.284Z");
    vt_advisory_free(a);
}

static void test_osv__published_after_modified(void **state)
{
    vt_advisory *a = load("AlmaLinux", "ALBA-2019:0973");

    (void)state;
    assert_string_equal(a->modified, "2019-05-07T03:38:45Z");
    assert_true(a->modified_ms == INT64_C(1557200325000));
    assert_string_equal(a->published, "2019-05-07T03:38:54Z");
    vt_advisory_free(a);
}

static void test_osv__git_ranges_beside_ecosystem(void **state)
{
    vt_advisory *a = load("PyPI", "PYSEC-2023-80");
    const vt_osv_affected *af;

    (void)state;
    assert_int_equal(a->naffected, 1);
    af = &a->affected[0];
    assert_string_equal(af->name, "vyper");
    assert_string_equal(af->purl, "pkg:pypi/vyper");
    assert_int_equal(af->nranges, 2);
    assert_int_equal(af->ranges[0].type, VT_OSV_RANGE_GIT);
    assert_string_equal(af->ranges[0].repo, "https://github.com/vyperlang/vyper");
    assert_event(&af->ranges[0], 0, VT_OSV_INTRODUCED, "0");
    /* Not a valid commit hash (trailing dot); kept as upstream has it. */
    assert_event(&af->ranges[0], 1, VT_OSV_FIXED, "02339dfda0f3caabad142060d511d10bfe93c520.");
    assert_int_equal(af->ranges[1].type, VT_OSV_RANGE_ECOSYSTEM);
    assert_null(af->ranges[1].repo);
    assert_event(&af->ranges[1], 1, VT_OSV_FIXED, "0.3.8");
    assert_int_equal(af->nversions, 41);
    assert_string_equal(af->versions[0], "0.1.0b1");
    vt_advisory_free(a);
}

static void test_osv__unsorted_events(void **state)
{
    vt_advisory *a = load("PyPI", "PYSEC-2015-22");
    const vt_osv_range *r;

    (void)state;
    assert_int_equal(a->affected[0].nranges, 1);
    r = &a->affected[0].ranges[0];
    assert_int_equal(r->nevents, 6);
    /* Newest branch first, exactly as the record writes them. */
    assert_event(r, 0, VT_OSV_INTRODUCED, "1.8");
    assert_event(r, 1, VT_OSV_FIXED, "1.8.4");
    assert_event(r, 2, VT_OSV_INTRODUCED, "1.7");
    assert_event(r, 3, VT_OSV_FIXED, "1.7.10");
    assert_event(r, 4, VT_OSV_INTRODUCED, "1.4");
    assert_event(r, 5, VT_OSV_FIXED, "1.4.22");
    assert_int_equal(a->affected[0].nversions, 36);
    assert_true(a->modified_ms == INT64_C(1626315729927));
    vt_advisory_free(a);
}

static void test_osv__several_fixed_commits(void **state)
{
    vt_advisory *a = load("GIT", "PSF-2024-3");
    const vt_osv_range *r = &a->affected[0].ranges[0];

    (void)state;
    assert_int_equal(r->type, VT_OSV_RANGE_GIT);
    assert_int_equal(r->nevents, 13);
    assert_event(r, 0, VT_OSV_INTRODUCED, "0");
    assert_event(r, 1, VT_OSV_FIXED, "81939dad77001556c527485d31a2d0f4a759033e");
    assert_event(r, 2, VT_OSV_FIXED, "8ed546679524140d8282175411fd141fe7df070d");
    vt_advisory_free(a);
}

static void test_osv__open_ranges(void **state)
{
    vt_advisory *a = load("PyPI", "PYSEC-2009-11");
    const vt_osv_range *r = &a->affected[0].ranges[0];

    (void)state;
    assert_int_equal(r->nevents, 1);
    assert_event(r, 0, VT_OSV_INTRODUCED, "0");
    vt_advisory_free(a);

    /* An informational RustSec notice: open range, reason in database_specific. */
    a = load("crates.io", "RUSTSEC-2016-0004");
    r = &a->affected[0].ranges[0];
    assert_event(r, 0, VT_OSV_INTRODUCED, "0.0.0-0");
    assert_event(r, 1, VT_OSV_FIXED, "0.3.1-0");
    assert_string_equal(a->affected[0].database_specific_json,
                        "{\"categories\":[],\"cvss\":null,\"informational\":\"unmaintained\"}");
    vt_advisory_free(a);
}

static void test_osv__last_affected(void **state)
{
    vt_advisory *a = load("PyPI", "PYSEC-2022-42969");
    const vt_osv_range *r = &a->affected[0].ranges[0];

    (void)state;
    assert_string_equal(a->affected[0].name, "py");
    assert_int_equal(r->nevents, 2);
    assert_event(r, 0, VT_OSV_INTRODUCED, "0");
    assert_event(r, 1, VT_OSV_LAST_AFFECTED, "1.11.0");
    vt_advisory_free(a);
}

static void test_osv__go_version_strings(void **state)
{
    vt_advisory *a;

    (void)state;
    a = load("Go", "GO-2021-0072");
    assert_string_equal(a->affected[0].name, "github.com/docker/distribution");
    assert_event(&a->affected[0].ranges[0], 1, VT_OSV_FIXED, "2.7.0-rc.0+incompatible");
    vt_advisory_free(a);

    a = load("Go", "GO-2020-0005");
    assert_event(&a->affected[0].ranges[0], 1, VT_OSV_FIXED,
                 "0.5.0-alpha.5.0.20200423152442-f4b650b51dc4");
    vt_advisory_free(a);

    /* stdlib, with symbol-level data kept as JSON text. */
    a = load("Go", "GO-2021-0067");
    assert_string_equal(a->affected[0].name, "stdlib");
    assert_int_equal(a->affected[0].ranges[0].type, VT_OSV_RANGE_SEMVER);
    assert_event(&a->affected[0].ranges[0], 0, VT_OSV_INTRODUCED, "1.16.0-0");
    assert_event(&a->affected[0].ranges[0], 1, VT_OSV_FIXED, "1.16.1");
    assert_string_equal(a->affected[0].ecosystem_specific_json,
                        "{\"imports\":[{\"path\":\"archive/zip\",\"symbols\":[\"toValidName\"]}]}");
    vt_advisory_free(a);
}

static void test_osv__almalinux_colon_id_and_parallel_builds(void **state)
{
    vt_advisory *a = load("AlmaLinux", "ALBA-2020:4718");

    (void)state;
    assert_string_equal(a->id, "ALBA-2020:4718");
    assert_int_equal(a->naffected, 2);
    assert_string_equal(a->affected[0].ecosystem, "AlmaLinux:8");
    assert_string_equal(a->affected[0].name, "aide");
    assert_string_equal(a->affected[1].name, "aide");
    assert_event(&a->affected[0].ranges[0], 1, VT_OSV_FIXED, "0.16-14.el8");
    assert_event(&a->affected[1].ranges[0], 1, VT_OSV_FIXED, "0.16-14.el8_5.1");
    assert_int_equal(a->nrelated, 0);
    assert_null(a->related);
    vt_advisory_free(a);
}

/* One affected entry per module stream build, same package name, different fixes. */
static void test_osv__almalinux_module_streams(void **state)
{
    static const char *const fixed[] = {"0.15.0-6.module_el8.5.0+2620+03a0c2cc",
                                         "0.15.0-6.module_el8.5.0+76+a10ffa55",
                                         "0.15.0-6.module_el8.6.0+3089+dac88e97"};
    vt_advisory *a = load("AlmaLinux", "ALSA-2023:5989");
    size_t i;

    (void)state;
    assert_int_equal(a->naffected, 6);
    assert_event(&a->affected[0].ranges[0], 1, VT_OSV_FIXED,
                 "6.0.8-3.module_el8.8.0+3665+0b8dabc5.1.alma.1");
    for (i = 3; i < 6; i++) {
        assert_string_equal(a->affected[i].ecosystem, "AlmaLinux:8");
        assert_string_equal(a->affected[i].name, "varnish-modules");
        assert_int_equal(a->affected[i].nranges, 1);
        assert_event(&a->affected[i].ranges[0], 1, VT_OSV_FIXED, fixed[i - 3]);
    }
    vt_advisory_free(a);
}

static void test_osv__almalinux_several_releases(void **state)
{
    vt_advisory *a = load("AlmaLinux", "ALSA-2024:0265");
    size_t i, el8 = 0, el9 = 0;

    (void)state;
    assert_int_equal(a->naffected, 37);
    for (i = 0; i < a->naffected; i++) {
        el8 += strcmp(a->affected[i].ecosystem, "AlmaLinux:8") == 0;
        el9 += strcmp(a->affected[i].ecosystem, "AlmaLinux:9") == 0;
    }
    assert_true(el8 > 0 && el9 > 0);
    assert_int_equal(el8 + el9, 37);
    assert_string_equal(a->affected[0].name, "java-1.8.0-openjdk");
    assert_event(&a->affected[0].ranges[0], 1, VT_OSV_FIXED, "1:1.8.0.402.b06-2.el8");
    vt_advisory_free(a);

    a = load("AlmaLinux", "ALSA-2025:16441");
    assert_string_equal(a->affected[0].name, "avahi");
    assert_event(&a->affected[0].ranges[0], 1, VT_OSV_FIXED, "0.9~rc2-1.el10_0.1");
    vt_advisory_free(a);
}

static void test_osv__invalid_versions_kept(void **state)
{
    static const char *const want[] = {"0.10", "2.0.0-final", "2.0.0b", "2.1.0", "2.1.0-beta"};
    vt_advisory *a = load("PyPI", "PYSEC-2006-1");
    size_t i;

    (void)state;
    assert_int_equal(a->affected[0].nversions, 5);
    for (i = 0; i < 5; i++)
        assert_string_equal(a->affected[0].versions[i], want[i]);
    vt_advisory_free(a);

    /* A date used as a version in a range event. */
    a = load("PyPI", "PYSEC-2019-125");
    assert_event(&a->affected[0].ranges[0], 1, VT_OSV_FIXED, "2019-09-12");
    vt_advisory_free(a);

    /* Neither the commit nor the version is valid; both are kept. */
    a = load("PyPI", "PYSEC-2021-371");
    assert_int_equal(a->affected[0].ranges[0].type, VT_OSV_RANGE_GIT);
    assert_event(&a->affected[0].ranges[0], 1, VT_OSV_FIXED,
                 "195caac172690456dcdc8cc7a6ca50e05abf8182.patch");
    assert_int_equal(a->affected[0].ranges[1].type, VT_OSV_RANGE_ECOSYSTEM);
    assert_event(&a->affected[0].ranges[1], 1, VT_OSV_FIXED, "0.2.0-n653");
    vt_advisory_free(a);
}

static void test_osv__rustsec_placeholder_record(void **state)
{
    vt_advisory *a = load("crates.io", "RUSTSEC-2025-0000");
    vt_advisory *b = load("crates.io", "RUSTSEC-2025-0065");

    (void)state;
    assert_int_equal(a->naliases, 2);
    assert_string_equal(a->aliases[0], "CVE-2025-59047");
    assert_string_equal(b->aliases[0], "CVE-2025-59047");
    assert_true(a->modified_ms == INT64_C(1757592654000));
    assert_true(b->modified_ms > a->modified_ms);
    /* Empty arrays in the record read as empty lists. */
    assert_int_equal(a->nseverity, 0);
    assert_int_equal(a->nrelated, 0);
    assert_int_equal(a->affected[0].nversions, 0);
    assert_string_equal(a->affected[0].ecosystem_specific_json,
                        "{\"affects\":{\"arch\":[],\"os\":[],\"functions\":"
                        "[\"matrix_sdk_base::RoomMember::normalized_power_level\"]},"
                        "\"affected_functions\":null}");
    assert_string_equal(a->database_specific_json, "{\"license\":\"CC0-1.0\"}");
    vt_advisory_free(a);
    vt_advisory_free(b);
}

static void test_osv__withdrawn_without_ranges(void **state)
{
    vt_advisory *a = load("PyPI", "PYSEC-2022-15");

    (void)state;
    assert_string_equal(a->withdrawn, "2022-02-22T16:15:07Z");
    assert_int_equal(a->naffected, 1);
    assert_string_equal(a->affected[0].name, "loguru");
    assert_int_equal(a->affected[0].nranges, 0);
    assert_null(a->affected[0].ranges);
    assert_int_equal(a->affected[0].nversions, 0);
    assert_int_equal(a->naliases, 2);
    assert_string_equal(a->aliases[1], "GHSA-cvp7-c586-cmf4");
    assert_int_equal(a->nreferences, 2);
    assert_string_equal(a->references[1].type, "ADVISORY");
    vt_advisory_free(a);

    a = load("Go", "GO-2022-0617");
    assert_string_equal(a->withdrawn, "2024-08-21T16:25:56Z");
    vt_advisory_free(a);
}

static void test_osv__psf_without_package(void **state)
{
    vt_advisory *a = load("GIT", "PSF-2007-1");
    const vt_osv_affected *af;

    (void)state;
    assert_int_equal(a->naffected, 1);
    af = &a->affected[0];
    assert_null(af->ecosystem);
    assert_null(af->name);
    assert_null(af->purl);
    assert_int_equal(af->nranges, 1);
    assert_int_equal(af->ranges[0].type, VT_OSV_RANGE_GIT);
    assert_string_equal(af->ranges[0].repo, "https://github.com/python/cpython");
    assert_event(&af->ranges[0], 1, VT_OSV_FIXED, "4df1b6d478020ac51c84467f47e42083f53adbad");
    assert_string_equal(a->summary, "rgbimg and imageop overflows");
    assert_string_equal(a->database_specific_json, "{\"cwe_ids\":[]}");
    vt_advisory_free(a);
}

static void test_osv__severity_vectors(void **state)
{
    vt_advisory *a = load("crates.io", "RUSTSEC-2024-0445");

    (void)state;
    assert_int_equal(a->nseverity, 1);
    assert_string_equal(a->severity[0].type, "CVSS_V4");
    assert_string_equal(a->severity[0].score,
                        "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N");
    vt_advisory_free(a);
}

/* ------------------------------------------------------------------------ */
/* (c) Refusals                                                              */
/* ------------------------------------------------------------------------ */

#define HEAD "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\","
#define AFF(ranges) HEAD "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"p\"}," ranges "}]}"
#define RANGE(events) AFF("\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":" events "}]")

static const struct reject_case {
    const char *input;
    const char *msg;
} reject_cases[] = {
    {"", "malformed JSON at byte 0"},
    /* At the end of the input cJSON names the last byte. */
    {"{\"id\":\"X\"", "malformed JSON at byte 8"},
    {"{\"id\":\"X\"} trailing", "malformed JSON at byte 11: data after the value"},
    {"{\"id\":\"X\"}{}", "malformed JSON at byte 10: data after the value"},
    {"[]", "top level: expected an object"},
    {"\"id\"", "top level: expected an object"},
    {"{}", "/id: missing"},
    {"{\"id\":1}", "/id: expected a string"},
    {"{\"id\":null}", "/id: expected a string"},
    {"{\"id\":\"\"}", "/id: empty"},
    {"{\"id\":\"X\"}", "/modified: missing"},
    {"{\"id\":\"X\",\"modified\":5}", "/modified: expected a string"},
    {"{\"id\":\"X\",\"modified\":\"yesterday\"}",
     "/modified: not an RFC 3339 timestamp: 'yesterday'"},
    {"{\"id\":\"X\",\"modified\":\"2024-02-30T00:00:00Z\"}",
     "/modified: not an RFC 3339 timestamp: '2024-02-30T00:00:00Z'"},
    {"{\"id\":\"X\",\"modified\":\"2024-01-01\\n\"}",
     "/modified: not an RFC 3339 timestamp: '2024-01-01\\x0a'"},
    {HEAD "\"published\":\"2024-01-01 00:00:00\"}",
     "/published: not an RFC 3339 timestamp: '2024-01-01 00:00:00'"},
    {HEAD "\"withdrawn\":true}", "/withdrawn: expected a string"},
    {HEAD "\"summary\":[]}", "/summary: expected a string"},
    {HEAD "\"details\":{}}", "/details: expected a string"},
    {HEAD "\"schema_version\":1.5}", "/schema_version: expected a string"},
    {HEAD "\"aliases\":\"CVE-1\"}", "/aliases: expected an array"},
    {HEAD "\"aliases\":[\"a\",\"b\",3]}", "/aliases/2: expected a string"},
    {HEAD "\"related\":[null]}", "/related/0: expected a string"},
    {HEAD "\"upstream\":{}}", "/upstream: expected an array"},
    {HEAD "\"severity\":[{\"type\":\"CVSS_V3\"}]}", "/severity/0/score: missing"},
    {HEAD "\"severity\":[\"CVSS_V3\"]}", "/severity/0: expected an object"},
    {HEAD "\"references\":[{\"type\":\"WEB\",\"url\":\"u\"},{\"type\":\"WEB\",\"url\":7}]}",
     "/references/1/url: expected a string"},
    {HEAD "\"credits\":[{\"name\":\"x\",\"contact\":\"y\"}]}",
     "/credits/0/contact: expected an array"},
    {HEAD "\"credits\":[{\"contact\":[]}]}", "/credits/0/name: missing"},
    {HEAD "\"database_specific\":\"x\"}", "/database_specific: expected an object"},
    {HEAD "\"affected\":{}}", "/affected: expected an array"},
    {HEAD "\"affected\":[1]}", "/affected/0: expected an object"},
    {HEAD "\"affected\":[{},{\"package\":\"p\"}]}", "/affected/1/package: expected an object"},
    {HEAD "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\"}}]}",
     "/affected/0/package/name: missing"},
    {HEAD "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"p\",\"purl\":1}}]}",
     "/affected/0/package/purl: expected a string"},
    {AFF("\"ranges\":{}"), "/affected/0/ranges: expected an array"},
    {AFF("\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]},"
         "{\"type\":\"FOO\",\"events\":[{\"introduced\":\"0\"}]}]"),
     "/affected/0/ranges/1/type: unknown range type 'FOO'"},
    {AFF("\"ranges\":[{\"type\":\"semver\",\"events\":[{\"introduced\":\"0\"}]}]"),
     "/affected/0/ranges/0/type: unknown range type 'semver'"},
    {AFF("\"ranges\":[{\"type\":\"\\u0001\",\"events\":[{\"introduced\":\"0\"}]}]"),
     "/affected/0/ranges/0/type: unknown range type '\\x01'"},
    /* Quoted values are cut after 40 bytes; a backslash is spelt out too. */
    {AFF("\"ranges\":[{\"type\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\","
         "\"events\":[{\"introduced\":\"0\"}]}]"),
     "/affected/0/ranges/0/type: unknown range type 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn...'"},
    {AFF("\"ranges\":[{\"type\":\"G\\\\IT\",\"events\":[{\"introduced\":\"0\"}]}]"),
     "/affected/0/ranges/0/type: unknown range type 'G\\x5cIT'"},
    {AFF("\"ranges\":[{\"events\":[{\"introduced\":\"0\"}]}]"),
     "/affected/0/ranges/0/type: missing"},
    {AFF("\"ranges\":[{\"type\":3,\"events\":[{\"introduced\":\"0\"}]}]"),
     "/affected/0/ranges/0/type: expected a string"},
    {AFF("\"ranges\":[{\"type\":\"GIT\",\"repo\":[],\"events\":[{\"introduced\":\"0\"}]}]"),
     "/affected/0/ranges/0/repo: expected a string"},
    {AFF("\"ranges\":[{\"type\":\"ECOSYSTEM\"}]"), "/affected/0/ranges/0/events: missing"},
    {RANGE("[]"), "/affected/0/ranges/0/events: no events"},
    {RANGE("{}"), "/affected/0/ranges/0/events: expected an array"},
    {RANGE("[\"0\"]"), "/affected/0/ranges/0/events/0: expected an object"},
    {RANGE("[{}]"),
     "/affected/0/ranges/0/events/0: expected exactly one of introduced, fixed, "
     "last_affected, limit"},
    {RANGE("[{\"introduced\":\"0\",\"fixed\":\"1\"}]"),
     "/affected/0/ranges/0/events/0: expected exactly one of introduced, fixed, "
     "last_affected, limit"},
    {RANGE("[{\"introduced\":\"0\"},{\"fixd\":\"1\"}]"),
     "/affected/0/ranges/0/events/1: unknown event 'fixd'"},
    {RANGE("[{\"fixed\":1}]"), "/affected/0/ranges/0/events/0/fixed: expected a string"},
    {RANGE("[{\"limit\":null}]"), "/affected/0/ranges/0/events/0/limit: expected a string"},
    {AFF("\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}],"
         "\"database_specific\":[]}]"),
     "/affected/0/ranges/0/database_specific: expected an object"},
    {AFF("\"versions\":[\"1.0\",null]"), "/affected/0/versions/1: expected a string"},
    {AFF("\"versions\":\"1.0\""), "/affected/0/versions: expected an array"},
    {AFF("\"ecosystem_specific\":[]"), "/affected/0/ecosystem_specific: expected an object"},
    {AFF("\"database_specific\":1"), "/affected/0/database_specific: expected an object"},
    {AFF("\"severity\":{}"), "/affected/0/severity: expected an array"},
};

static void test_osv__rejections(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(reject_cases) / sizeof(reject_cases[0]); i++) {
        const struct reject_case *c = &reject_cases[i];
        vt_error err = VT_ERROR_INIT;
        vt_advisory *a = (vt_advisory *)&err; /* must be reset to NULL */
        int rc = vt_osv_parse(&a, c->input, strlen(c->input), &err);

        if (rc != VT_EINVALID || strcmp(err.msg, c->msg) != 0)
            fail_msg("case %zu (%s): got %d '%s', want '%s'", i, c->input, rc, err.msg,
                     c->msg);
        assert_int_equal(err.code, VT_EINVALID);
        assert_null(a);
    }
}

/* The error offset of malformed JSON points at the problem. */
static void test_osv__malformed_json_offset(void **state)
{
    static const char text[] = "{\"id\": \"X\", \"modified\": [1, 2,, 3]}";
    vt_error err = VT_ERROR_INIT;
    vt_advisory *a = NULL;

    (void)state;
    assert_int_equal(vt_osv_parse(&a, text, strlen(text), &err), VT_EINVALID);
    assert_int_equal(err.offset, 30);
    assert_int_equal(text[err.offset - 1], ',');
    assert_int_equal(text[err.offset], ',');
    assert_null(a);
}

/* What a record may legitimately leave out, and what is kept as written. */
static void test_osv__minimal_and_full_records(void **state)
{
    static const char minimal[] = "{\"id\":\"X-1\",\"modified\":\"2024-01-01T10:00:00+08:00\"}";
    static const char full[] =
        "{\"schema_version\":\"1.6.0\",\"id\":\"X-2\",\"modified\":\"2024-01-01T00:00:00Z\","
        "\"published\":\"2023-12-31T23:00:00-01:00\",\"withdrawn\":\"2024-06-01T00:00:00Z\","
        "\"aliases\":[\"CVE-2024-1\"],\"related\":[\"R-1\",\"R-2\"],\"upstream\":[\"U-1\"],"
        "\"summary\":\"s\",\"details\":\"d\\u00e9\","
        "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N\"}],"
        "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"curl\","
        "\"purl\":\"pkg:deb/debian/curl\"},\"severity\":[{\"type\":\"Ubuntu\",\"score\":\"high\"}],"
        "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
        "{\"limit\":\"9\"},{\"last_affected\":\"8\"}],\"database_specific\":{\"k\":[1,2.5,true]}}],"
        "\"versions\":[\"1\"],\"ecosystem_specific\":{\"urgency\":\"low\"}}],"
        "\"references\":[{\"type\":\"WEB\",\"url\":\"https://x\"}],"
        "\"credits\":[{\"name\":\"n\",\"type\":\"FINDER\",\"contact\":[\"a@b\",\"c\"]}],"
        "\"unknown_member\":{\"ignored\":1}}";
    vt_error err = VT_ERROR_INIT;
    vt_advisory *a = NULL;
    const vt_osv_range *r;

    (void)state;
    assert_int_equal(vt_osv_parse(&a, minimal, strlen(minimal), &err), 0);
    assert_true(a->modified_ms == INT64_C(1704074400000));
    assert_null(a->published);
    assert_null(a->withdrawn);
    assert_null(a->summary);
    assert_null(a->details);
    assert_null(a->schema_version);
    assert_null(a->database_specific_json);
    assert_int_equal(a->naliases + a->nrelated + a->nupstream + a->nseverity + a->naffected +
                         a->nreferences + a->ncredits,
                     0);
    vt_advisory_free(a);

    assert_int_equal(vt_osv_parse(&a, full, strlen(full), &err), 0);
    assert_string_equal(a->schema_version, "1.6.0");
    assert_string_equal(a->published, "2023-12-31T23:00:00-01:00");
    assert_string_equal(a->details, "d\xc3\xa9");
    assert_int_equal(a->nrelated, 2);
    assert_string_equal(a->related[1], "R-2");
    assert_string_equal(a->upstream[0], "U-1");
    assert_string_equal(a->severity[0].score, "CVSS:3.1/AV:N");
    assert_string_equal(a->affected[0].ecosystem, "Debian:12");
    assert_string_equal(a->affected[0].purl, "pkg:deb/debian/curl");
    assert_string_equal(a->affected[0].severity_json, "[{\"type\":\"Ubuntu\",\"score\":\"high\"}]");
    assert_string_equal(a->affected[0].ecosystem_specific_json, "{\"urgency\":\"low\"}");
    assert_null(a->affected[0].database_specific_json);
    r = &a->affected[0].ranges[0];
    assert_event(r, 1, VT_OSV_LIMIT, "9");
    assert_event(r, 2, VT_OSV_LAST_AFFECTED, "8");
    assert_string_equal(r->database_specific_json, "{\"k\":[1,2.5,true]}");
    assert_string_equal(a->credits[0].type, "FINDER");
    assert_int_equal(a->credits[0].ncontact, 2);
    assert_string_equal(a->credits[0].contact[1], "c");
    vt_advisory_free(a);
    vt_advisory_free(NULL);
}

/* ------------------------------------------------------------------------ */
/* (d) RFC 3339                                                              */
/* ------------------------------------------------------------------------ */

/* Expected values computed with Python's datetime, independently of this code. */
static const struct {
    const char *s;
    int64_t ms;
} time_ok[] = {
    {"1970-01-01T00:00:00Z", 0},
    {"1969-12-31T23:59:59Z", -1000},
    {"0001-01-01T00:00:00Z", INT64_C(-62135596800000)},
    {"2000-02-29T00:00:00Z", INT64_C(951782400000)},
    {"2024-02-29T23:59:59.999Z", INT64_C(1709251199999)},
    {"1900-03-01T00:00:00Z", INT64_C(-2203891200000)},
    {"9999-12-31T23:59:59.999Z", INT64_C(253402300799999)},
    {"2024-01-01T10:00:00+08:00", INT64_C(1704074400000)},
    {"1970-01-01T00:00:00-23:59", INT64_C(86340000)},
    {"2021-07-15T02:22:07.728618Z", INT64_C(1626315727728)},
    {"2021-07-15T02:22:07.7Z", INT64_C(1626315727700)},
    {"2021-07-15T02:22:07.72861899999999999999999999Z", INT64_C(1626315727728)},
    {"2021-11-12t10:20:55z", INT64_C(1636712455000)},
    {"2021-11-12T10:20:55+00:00", INT64_C(1636712455000)},
    {"2021-11-12T10:20:55-00:00", INT64_C(1636712455000)},
    /* A leap second reads as the first second of the next minute. */
    {"2016-12-31T23:59:60Z", INT64_C(1483228800000)},
};

static const char *const time_bad[] = {
    "",
    "2021",
    "2021-11-12",
    "2021-11-12T10:20:55",        /* no offset */
    "2021-11-12 10:20:55Z",       /* space instead of T */
    "2021-11-12T10:20Z",          /* no seconds */
    "2021-13-01T00:00:00Z",       /* month 13 */
    "2021-00-01T00:00:00Z",       /* month 0 */
    "2021-01-00T00:00:00Z",       /* day 0 */
    "2021-02-29T00:00:00Z",       /* not a leap year */
    "1900-02-29T00:00:00Z",       /* century, not a leap year */
    "2021-04-31T00:00:00Z",       /* April has 30 days */
    "2021-01-32T00:00:00Z",
    "2021-01-01T24:00:00Z",       /* hour 24 */
    "2021-01-01T23:60:00Z",       /* minute 60 */
    "2021-01-01T23:59:61Z",       /* second 61 */
    "2021-01-01T00:00:00.Z",      /* empty fraction */
    "2021-01-01T00:00:00+0800",   /* offset without colon */
    "2021-01-01T00:00:00+24:00",  /* offset hour 24 */
    "2021-01-01T00:00:00+08:60",  /* offset minute 60 */
    "2021-01-01T00:00:00Zjunk",
    "2021-01-01T00:00:00ZZ",
    "+2021-01-01T00:00:00Z",
    "21-01-01T00:00:00Z",
    "20211-01-01T00:00:00Z",
    "2021-1-01T00:00:00Z",
    "2021-01-01T0:00:00Z",
    "2021/01/01T00:00:00Z",
    "2021-01-01T00:00:00,5Z",     /* comma fraction */
    "2O21-01-01T00:00:00Z",       /* letter O */
    "yesterday",
};

static void test_osv__rfc3339(void **state)
{
    size_t i;
    int64_t ms;

    (void)state;
    for (i = 0; i < sizeof(time_ok) / sizeof(time_ok[0]); i++) {
        ms = 42;
        if (vt_time_parse_rfc3339(&ms, time_ok[i].s, strlen(time_ok[i].s)) != 0)
            fail_msg("'%s' refused", time_ok[i].s);
        if (ms != time_ok[i].ms)
            fail_msg("'%s': got %lld, want %lld", time_ok[i].s, (long long)ms,
                     (long long)time_ok[i].ms);
    }
    for (i = 0; i < sizeof(time_bad) / sizeof(time_bad[0]); i++)
        if (vt_time_parse_rfc3339(&ms, time_bad[i], strlen(time_bad[i])) != VT_EINVALID)
            fail_msg("'%s' accepted", time_bad[i]);
    /* The length bounds the input: a valid prefix is not enough, nor is a cut. */
    assert_int_equal(vt_time_parse_rfc3339(&ms, "2021-01-01T00:00:00Z", 19), VT_EINVALID);
    assert_int_equal(vt_time_parse_rfc3339(&ms, "2021-01-01T00:00:00Zx", 20), 0);
    assert_true(ms == INT64_C(1609459200000));
    assert_int_equal(vt_time_parse_rfc3339(&ms, "2021-01-01T00:00:00.5Z", 21), VT_EINVALID);
    assert_int_equal(vt_time_parse_rfc3339(&ms, NULL, 0), VT_EINVALID);
}

/* ------------------------------------------------------------------------ */
/* (e) Allocation failures                                                   */
/* ------------------------------------------------------------------------ */

/* How many allocations cJSON makes to parse the text. */
static long json_parse_allocations(const char *text, size_t len)
{
    long n;

    for (n = 0;; n++) {
        vt_error err = VT_ERROR_INIT;
        cJSON *root = NULL;
        int rc;

        vt_alloc_fail_after(n);
        rc = vt_json_parse(&root, text, len, &err);
        vt_alloc_fail_after(-1);
        cJSON_Delete(root);
        if (rc == 0)
            return n;
        /* The allocation counter tells a failed allocation from bad syntax. */
        assert_int_equal(rc, VT_ENOMEM);
    }
}

/*
 * Fail allocation N = 0, 1, 2, ... until the parse succeeds: every failure,
 * inside cJSON's parse (the first `k` allocations) or after it, must be
 * VT_ENOMEM, never "malformed JSON". ASan checks that nothing leaks on any
 * path.
 */
static void alloc_walk(const char *text, size_t len)
{
    long k = json_parse_allocations(text, len), n;

    assert_true(k > 0);
    for (n = 0;; n++) {
        vt_error err = VT_ERROR_INIT;
        vt_advisory *a = NULL;
        int rc;

        vt_alloc_fail_after(n);
        rc = vt_osv_parse(&a, text, len, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0) {
            assert_true(n > k);
            assert_non_null(a);
            vt_advisory_free(a);
            return;
        }
        assert_null(a);
        if (rc != VT_ENOMEM)
            fail_msg("allocation %ld of %ld: got %d '%s'", n, k, rc, err.msg);
        assert_string_equal(err.msg, "out of memory");
    }
}

static void test_osv__allocation_failures(void **state)
{
    static const struct {
        const char *eco, *id;
    } records[] = {
        {"Go", "GO-2021-0067"},
        {"PyPI", "PYSEC-2023-80"},
        {"GIT", "PSF-2007-1"},
        {"crates.io", "RUSTSEC-2025-0000"},
        {"AlmaLinux", "ALBA-2020:4718"},
    };
    size_t i, len;

    (void)state;
    for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
        char *text = record_text(records[i].eco, records[i].id, &len);

        alloc_walk(text, len);
        free(text);
    }
}

/* ------------------------------------------------------------------------ */
/* (f) KEV                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct kev_tally {
    long total, known, unknown, other;
    bool seen_log4shell;
    long stop_after;
} kev_tally;

static int kev_count(void *ctx, const vt_kev_entry *e)
{
    kev_tally *t = ctx;

    t->total++;
    if (e->ransomware && strcmp(e->ransomware, "Known") == 0)
        t->known++;
    else if (e->ransomware && strcmp(e->ransomware, "Unknown") == 0)
        t->unknown++;
    else
        t->other++;
    if (strcmp(e->cve, "CVE-2021-44228") == 0) {
        assert_false(t->seen_log4shell);
        t->seen_log4shell = true;
        assert_string_equal(e->vendor, "Apache");
        assert_string_equal(e->product, "Log4j2");
        assert_string_equal(e->name, "Apache Log4j2 Remote Code Execution Vulnerability");
        assert_string_equal(e->date_added, "2021-12-10");
        assert_string_equal(e->due_date, "2021-12-24");
        assert_string_equal(e->ransomware, "Known");
        assert_true(strncmp(e->required_action,
                            "For all affected software assets for which updates exist", 56) ==
                    0);
    }
    if (t->stop_after && t->total == t->stop_after)
        return VT_ENOTFOUND;
    return 0;
}

static void test_osv__kev_catalogue(void **state)
{
    vt_buf b = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    kev_tally t = {0, 0, 0, 0, false, 0};
    char *version = NULL;

    (void)state;
    vt_test_read_fixture(&b, "VT_DATA_DIR", "kev/known_exploited_vulnerabilities.json");
    assert_true(vt_kev_is_catalogue(b.ptr, b.len));
    if (vt_kev_read(b.ptr, b.len, kev_count, &t, &version, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(t.total, 1404);
    assert_int_equal(t.known, 293);
    assert_int_equal(t.unknown, 1404 - 293);
    assert_int_equal(t.other, 0);
    assert_true(t.seen_log4shell);
    assert_string_equal(version, "2025.08.25");
    vt_free(version);

    /* A callback's negative code stops the read and comes back unchanged. */
    memset(&t, 0, sizeof(t));
    t.stop_after = 10;
    version = (char *)"not reset";
    assert_int_equal(vt_kev_read(b.ptr, b.len, kev_count, &t, &version, &err), VT_ENOTFOUND);
    assert_int_equal(t.total, 10);
    assert_null(version);
    vt_buf_dispose(&b);
}

#define KEV_ENTRY(cve)                                                                     \
    "{\"cveID\":\"" cve "\",\"vendorProject\":\"V\",\"product\":\"P\","                    \
    "\"vulnerabilityName\":\"N\",\"dateAdded\":\"2024-01-02\",\"shortDescription\":\"D\"," \
    "\"requiredAction\":\"A\",\"dueDate\":\"2024-01-23\",\"knownRansomwareCampaignUse\":" \
    "\"Unknown\"}"
#define KEV_DOC(entries)                                                          \
    "{\"title\":\"t\",\"catalogVersion\":\"1.0\",\"dateReleased\":\"2024-01-02T00:00:00Z\"," \
    "\"count\":2,\"vulnerabilities\":[" entries "]}"

static const struct reject_case kev_reject[] = {
    {"{", "malformed JSON at byte 0"},
    {"[]", "top level: expected an object"},
    {"{\"vulnerabilities\":[]}", "/catalogVersion: missing"},
    {"{\"catalogVersion\":2025,\"vulnerabilities\":[]}", "/catalogVersion: expected a string"},
    {"{\"catalogVersion\":\"1\"}", "/vulnerabilities: missing"},
    {"{\"catalogVersion\":\"1\",\"vulnerabilities\":{}}", "/vulnerabilities: expected an array"},
    {KEV_DOC(KEV_ENTRY("CVE-1") ",3"), "/vulnerabilities/1: expected an object"},
    {KEV_DOC(KEV_ENTRY("CVE-1") ",{\"vendorProject\":\"V\"}"),
     "/vulnerabilities/1/cveID: missing"},
    {KEV_DOC(KEV_ENTRY("CVE-1") "," KEV_ENTRY("")), "/vulnerabilities/1/cveID: empty"},
    {KEV_DOC("{\"cveID\":7}"), "/vulnerabilities/0/cveID: expected a string"},
    {KEV_DOC("{\"cveID\":\"CVE-1\",\"vendorProject\":\"V\",\"product\":\"P\","
             "\"vulnerabilityName\":\"N\",\"dateAdded\":\"2024-13-02\"}"),
     "/vulnerabilities/0/dateAdded: expected a date YYYY-MM-DD, got '2024-13-02'"},
    {KEV_DOC("{\"cveID\":\"CVE-1\",\"vendorProject\":\"V\",\"product\":\"P\","
             "\"vulnerabilityName\":\"N\",\"dateAdded\":\"2024-01-02\",\"dueDate\":\"soon\"}"),
     "/vulnerabilities/0/dueDate: expected a date YYYY-MM-DD, got 'soon'"},
    {KEV_DOC("{\"cveID\":\"CVE-1\",\"vendorProject\":\"V\",\"product\":\"P\","
             "\"vulnerabilityName\":\"N\",\"dateAdded\":\"2024-01-02\","
             "\"dueDate\":\"2024-01-03\"}"),
     "/vulnerabilities/0/requiredAction: missing"},
    {KEV_DOC("{\"cveID\":\"CVE-1\",\"vendorProject\":\"V\",\"product\":\"P\","
             "\"vulnerabilityName\":\"N\",\"dateAdded\":\"2024-01-02\","
             "\"dueDate\":\"2024-01-03\",\"requiredAction\":\"A\","
             "\"knownRansomwareCampaignUse\":false}"),
     "/vulnerabilities/0/knownRansomwareCampaignUse: expected a string"},
};

static int kev_ignore(void *ctx, const vt_kev_entry *e)
{
    (void)e;
    (*(long *)ctx)++;
    return 0;
}

static void test_osv__kev_malformed(void **state)
{
    static const char two[] = KEV_DOC(KEV_ENTRY("CVE-2024-0001") "," KEV_ENTRY("CVE-2024-0002"));
    size_t i;
    long n = 0;
    char *version = NULL;
    vt_error err = VT_ERROR_INIT;

    (void)state;
    for (i = 0; i < sizeof(kev_reject) / sizeof(kev_reject[0]); i++) {
        int rc;

        vt_error_clear(&err);
        rc = vt_kev_read(kev_reject[i].input, strlen(kev_reject[i].input), kev_ignore, &n,
                         &version, &err);
        if (rc != VT_EINVALID || strcmp(err.msg, kev_reject[i].msg) != 0)
            fail_msg("case %zu: got %d '%s', want '%s'", i, rc, err.msg, kev_reject[i].msg);
        assert_null(version);
    }
    n = 0;
    assert_int_equal(vt_kev_read(two, strlen(two), kev_ignore, &n, NULL, &err), 0);
    assert_int_equal(n, 2);
}

static void test_osv__kev_recognition(void **state)
{
    static const struct {
        const char *s;
        bool want;
    } cases[] = {
        {KEV_DOC(""), true},
        {"  {\"catalogVersion\" : \"x\" ,\n \"vulnerabilities\" : [", true},
        {"{\"vulnerabilities\":[],\"catalogVersion\":\"x\"}", true},
        {"{\"a\":{\"catalogVersion\":\"x\",\"vulnerabilities\":[]},\"b\":1}", false},
        {"{\"a\":\"\\\"catalogVersion\\\"\",\"vulnerabilities\":[]}", false},
        {"{\"catalogVersion\":1,\"vulnerabilities\":[]}", false},
        {"{\"catalogVersion\":\"x\",\"vulnerabilities\":{}}", false},
        {"{\"catalogVersion\":\"x\"}", false},
        {"{\"x\":[1,{\"y\":\"]}\"}],\"catalogVersion\":\"x\",\"n\":-1.5e3,\"t\":true,"
         "\"vulnerabilities\":[]}",
         true},
        {"[{\"catalogVersion\":\"x\",\"vulnerabilities\":[]}]", false},
        {"\xef\xbb\xbf\x0c{\"catalogVersion\":\"x\",\"vulnerabilities\":[]}", true},
        {"\xef\xbb{\"catalogVersion\":\"x\",\"vulnerabilities\":[]}", false},
        {"", false},
        {"{", false},
        {"{\"catalogVersion", false},
        {HEAD "\"details\":\"catalogVersion vulnerabilities\"}", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (vt_kev_is_catalogue(cases[i].s, strlen(cases[i].s)) != cases[i].want)
            fail_msg("case %zu: %s: want %d", i, cases[i].s, cases[i].want);
    assert_false(vt_kev_is_catalogue(NULL, 0));
    /* The length bounds the scan. */
    assert_false(vt_kev_is_catalogue(KEV_DOC(""), 40));
}

static void test_osv__kev_allocation_failures(void **state)
{
    static const char two[] = KEV_DOC(KEV_ENTRY("CVE-2024-0001") "," KEV_ENTRY("CVE-2024-0002"));
    long k = json_parse_allocations(two, strlen(two)), n, count;

    (void)state;
    for (n = 0;; n++) {
        vt_error err = VT_ERROR_INIT;
        char *version = NULL;
        int rc;

        count = 0;
        vt_alloc_fail_after(n);
        rc = vt_kev_read(two, strlen(two), kev_ignore, &count, &version, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0) {
            assert_true(n > k);
            assert_int_equal(count, 2);
            assert_string_equal(version, "1.0");
            vt_free(version);
            break;
        }
        assert_null(version);
        assert_int_equal(rc, VT_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_osv__archive_go),
        cmocka_unit_test(test_osv__archive_almalinux),
        cmocka_unit_test(test_osv__archive_pypi),
        cmocka_unit_test(test_osv__archive_git),
        cmocka_unit_test(test_osv__archive_crates),
        cmocka_unit_test(test_osv__placeholder_timestamps),
        cmocka_unit_test(test_osv__fractional_seconds),
        cmocka_unit_test(test_osv__published_after_modified),
        cmocka_unit_test(test_osv__git_ranges_beside_ecosystem),
        cmocka_unit_test(test_osv__unsorted_events),
        cmocka_unit_test(test_osv__several_fixed_commits),
        cmocka_unit_test(test_osv__open_ranges),
        cmocka_unit_test(test_osv__last_affected),
        cmocka_unit_test(test_osv__go_version_strings),
        cmocka_unit_test(test_osv__almalinux_colon_id_and_parallel_builds),
        cmocka_unit_test(test_osv__almalinux_module_streams),
        cmocka_unit_test(test_osv__almalinux_several_releases),
        cmocka_unit_test(test_osv__invalid_versions_kept),
        cmocka_unit_test(test_osv__rustsec_placeholder_record),
        cmocka_unit_test(test_osv__withdrawn_without_ranges),
        cmocka_unit_test(test_osv__psf_without_package),
        cmocka_unit_test(test_osv__severity_vectors),
        cmocka_unit_test(test_osv__rejections),
        cmocka_unit_test(test_osv__malformed_json_offset),
        cmocka_unit_test(test_osv__minimal_and_full_records),
        cmocka_unit_test(test_osv__rfc3339),
        cmocka_unit_test(test_osv__allocation_failures),
        cmocka_unit_test(test_osv__kev_catalogue),
        cmocka_unit_test(test_osv__kev_malformed),
        cmocka_unit_test(test_osv__kev_recognition),
        cmocka_unit_test(test_osv__kev_allocation_failures),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
