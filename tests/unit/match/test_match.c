/*
 * test_match.c - vt_match_advisory and the package-name keys.
 *
 * The first table holds hand-checked cases from the real OSV exports in the
 * data kit ($VT_DATA_DIR/osv/<Ecosystem>/all.zip, read here with libarchive
 * and parsed with vt_osv_parse): each row was decided by reading the
 * advisory's JSON, and the comment says what in the record decides it. The
 * later tables are synthetic advisories for the edges of the algorithm that
 * the real data does not reach (limit events, ties, empty ranges, the RPM
 * module rule's refusals).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>

#include "domain/osv_names.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/match.h"
#include "vulntrack/osv.h"

/* ------------------------------------------------------------------------ */
/* Hand-checked cases from the real data                                     */

typedef struct real_case {
    const char *zip; /* directory under osv/ */
    const char *id;
    const char *ecosystem;
    const char *name;
    const char *version;
    bool affected;
    const char *because; /* "" when not affected */
} real_case;

/* clang-format off */
static const real_case real_cases[] = {
    /* --- Go (SEMVER ranges, versions without 'v') --- */
    /* GO-2021-0072: docker/distribution introduced 0, fixed
     * 2.7.0-rc.0+incompatible; 2.6.2 is below the release candidate. */
    {"Go", "GO-2021-0072", "Go", "github.com/docker/distribution", "2.6.2+incompatible", true,
     "introduced 0, fixed 2.7.0-rc.0+incompatible"},
    /* Exactly at the fix: build metadata "+incompatible" does not count. */
    {"Go", "GO-2021-0072", "Go", "github.com/docker/distribution", "2.7.0-rc.0+incompatible",
     false, ""},
    /* 2.7.0 is above its own release candidate. */
    {"Go", "GO-2021-0072", "Go", "github.com/docker/distribution", "2.7.0+incompatible", false,
     ""},
    /* Go module paths are compared as written: another case is another module. */
    {"Go", "GO-2021-0072", "Go", "github.com/Docker/distribution", "2.6.2+incompatible", false,
     ""},
    /* GO-2020-0006: miekg/dns fixed at the pseudo-version
     * 1.0.4-0.20180125103619-43913f2f4fbd; 1.0.3 comes before it. */
    {"Go", "GO-2020-0006", "Go", "github.com/miekg/dns", "1.0.3", true,
     "introduced 0, fixed 1.0.4-0.20180125103619-43913f2f4fbd"},
    /* Exactly the fixing pseudo-version. */
    {"Go", "GO-2020-0006", "Go", "github.com/miekg/dns", "1.0.4-0.20180125103619-43913f2f4fbd",
     false, ""},
    /* An earlier commit's pseudo-version: its timestamp identifier sorts
     * first ("20180101..." < "20180125..."), so it is before the fix. */
    {"Go", "GO-2020-0006", "Go", "github.com/miekg/dns", "1.0.4-0.20180101000000-aaaaaaaaaaaa",
     true, "introduced 0, fixed 1.0.4-0.20180125103619-43913f2f4fbd"},
    /* The tagged 1.0.4 is after every 1.0.4-0.* pseudo-version. */
    {"Go", "GO-2020-0006", "Go", "github.com/miekg/dns", "1.0.4", false, ""},
    /* GO-2022-0344: containerd [0,1.4.13) [1.5.0,1.5.10) [1.6.0,1.6.1):
     * exactly at the second introduced. */
    {"Go", "GO-2022-0344", "Go", "github.com/containerd/containerd", "1.5.0", true,
     "introduced 1.5.0, fixed 1.5.10"},
    /* Exactly at the second fix. */
    {"Go", "GO-2022-0344", "Go", "github.com/containerd/containerd", "1.5.10", false, ""},
    /* Between the first fix and the second introduced. */
    {"Go", "GO-2022-0344", "Go", "github.com/containerd/containerd", "1.4.13", false, ""},
    /* In the third interval. */
    {"Go", "GO-2022-0344", "Go", "github.com/containerd/containerd", "1.6.0", true,
     "introduced 1.6.0, fixed 1.6.1"},
    /* A prerelease of 1.5.0 is before "introduced 1.5.0" and after 1.4.13. */
    {"Go", "GO-2022-0344", "Go", "github.com/containerd/containerd", "1.5.0-beta.1", false, ""},
    /* GO-2020-0004: nanoauth introduced at the pseudo-version
     * 0.0.0-20160722212129-ac0cc4484ad4: exactly there is affected. */
    {"Go", "GO-2020-0004", "Go", "github.com/nanobox-io/golang-nanoauth",
     "0.0.0-20160722212129-ac0cc4484ad4", true,
     "introduced 0.0.0-20160722212129-ac0cc4484ad4, fixed 0.0.0-20200131131040-063a3fb69896"},
    /* An older commit is before the introduction. */
    {"Go", "GO-2020-0004", "Go", "github.com/nanobox-io/golang-nanoauth",
     "0.0.0-20160101000000-000000000000", false, ""},
    /* GO-2021-0067: stdlib introduced 1.16.0-0, fixed 1.16.1: 1.16.0 is
     * above the 1.16.0-0 prerelease, below 1.16.1. */
    {"Go", "GO-2021-0067", "Go", "stdlib", "1.16.0", true, "introduced 1.16.0-0, fixed 1.16.1"},
    /* Below introduced 1.16.0-0. */
    {"Go", "GO-2021-0067", "Go", "stdlib", "1.15.8", false, ""},
    /* GO-2021-0076: json-patch [0,0.5.2) and [3.0.0+incompatible,
     * 3.0.1-0.20180525145409-4c9aadca8f89+incompatible). */
    /* Exactly at the second introduced. */
    {"Go", "GO-2021-0076", "Go", "github.com/evanphx/json-patch", "3.0.0+incompatible", true,
     "introduced 3.0.0+incompatible, fixed 3.0.1-0.20180525145409-4c9aadca8f89+incompatible"},
    /* Above the second fix (4.0.0 > 3.0.1-0.*). */
    {"Go", "GO-2021-0076", "Go", "github.com/evanphx/json-patch", "4.0.0+incompatible", false,
     ""},
    /* Below the first fix 0.5.2. */
    {"Go", "GO-2021-0076", "Go", "github.com/evanphx/json-patch", "0.5.1", true,
     "introduced 0, fixed 0.5.2"},
    /* GO-2022-0617 is withdrawn (2024-08-21); its range "introduced 0"
     * would otherwise match every version. */
    {"Go", "GO-2022-0617", "Go", "k8s.io/kubernetes", "1.20.0", false, ""},

    /* --- PyPI (ECOSYSTEM ranges, PEP 440, PEP 503 names) --- */
    /* PYSEC-2022-42969: py introduced 0, last_affected 1.11.0: inclusive. */
    /* Exactly at last_affected. */
    {"PyPI", "PYSEC-2022-42969", "PyPI", "py", "1.11.0", true,
     "introduced 0, last_affected 1.11.0"},
    /* A dev release far below last_affected. */
    {"PyPI", "PYSEC-2022-42969", "PyPI", "py", "1.4.7.dev3", true,
     "introduced 0, last_affected 1.11.0"},
    /* Above last_affected, and not in the versions list. */
    {"PyPI", "PYSEC-2022-42969", "PyPI", "py", "1.11.1", false, ""},
    /* PYSEC-2015-22: django events newest branch first (1.8/1.8.4, 1.7/1.7.10,
     * 1.4/1.4.22): sorted, 1.8 is exactly at an introduced. "Django" is the
     * same project under PEP 503. */
    /* Exactly at introduced 1.8, capitalised name. */
    {"PyPI", "PYSEC-2015-22", "PyPI", "Django", "1.8", true, "introduced 1.8, fixed 1.8.4"},
    /* Exactly at the 1.8 branch's fix. */
    {"PyPI", "PYSEC-2015-22", "PyPI", "django", "1.8.4", false, ""},
    /* One below the 1.7 branch's fix 1.7.10. */
    {"PyPI", "PYSEC-2015-22", "PyPI", "django", "1.7.9", true, "introduced 1.7, fixed 1.7.10"},
    /* Between 1.4.22 and 1.7: no interval. */
    {"PyPI", "PYSEC-2015-22", "PyPI", "django", "1.6.5", false, ""},
    /* The last 1.4 release before 1.4.22, name in capitals. */
    {"PyPI", "PYSEC-2015-22", "PyPI", "DJANGO", "1.4.21", true, "introduced 1.4, fixed 1.4.22"},
    /* PYSEC-2024-1: gratient has only "versions": ["0.5"]. 0.5.0 is the
     * same PEP 440 version as 0.5. */
    /* Listed verbatim. */
    {"PyPI", "PYSEC-2024-1", "PyPI", "gratient", "0.5", true, "listed in versions"},
    /* Equal to the listed 0.5 under PEP 440. */
    {"PyPI", "PYSEC-2024-1", "PyPI", "gratient", "0.5.0", true, "listed in versions"},
    /* Not listed, and there are no ranges. */
    {"PyPI", "PYSEC-2024-1", "PyPI", "gratient", "0.6", false, ""},
    /* PYSEC-2020-341: the record says "jw.util"; PEP 503 makes "jw-util"
     * and "JW_Util" the same key. Fixed 2.3. */
    /* Below the fix, name spelt with '-'. */
    {"PyPI", "PYSEC-2020-341", "PyPI", "jw-util", "2.2", true, "introduced 0, fixed 2.3"},
    /* Exactly at the fix, name spelt with '_' and capitals. */
    {"PyPI", "PYSEC-2020-341", "PyPI", "JW_Util", "2.3", false, ""},
    /* PYSEC-2021-440: tensorflow-cpu has a GIT range (skipped) beside
     * ECOSYSTEM [2.3.0,2.3.3) [2.4.0,2.4.2). */
    /* In the second interval, name spelt with '_'. */
    {"PyPI", "PYSEC-2021-440", "PyPI", "tensorflow_cpu", "2.4.1", true,
     "introduced 2.4.0, fixed 2.4.2"},
    /* Exactly at the first interval's fix. */
    {"PyPI", "PYSEC-2021-440", "PyPI", "tensorflow-cpu", "2.3.3", false, ""},
    /* PYSEC-2019-144 is withdrawn; 3.5.0 would be below its fix 3.6.0. */
    {"PyPI", "PYSEC-2019-144", "PyPI", "arrayfire", "3.5.0", false, ""},
    /* PYSEC-2022-236: pyspark events 0/3.1.1, 3.2.0/3.2.2, 3.1.1/3.1.3;
     * fixed 3.1.1 comes before introduced 3.1.1 in the record, so after a
     * stable sort 3.1.1 is affected (osv.dev's versions list has it). */
    /* At the tie: fixed 3.1.1 then introduced 3.1.1. */
    {"PyPI", "PYSEC-2022-236", "PyPI", "pyspark", "3.1.1", true, "introduced 3.1.1, fixed 3.1.3"},
    /* Exactly at fix 3.1.3, below introduced 3.2.0. */
    {"PyPI", "PYSEC-2022-236", "PyPI", "pyspark", "3.1.3", false, ""},
    /* PYSEC-2012-1: beaker fixed 1.6.5.post1: 1.6.5 is before its post
     * release, the post release itself is fixed. */
    /* Below the post release that fixes it. */
    {"PyPI", "PYSEC-2012-1", "PyPI", "beaker", "1.6.5", true, "introduced 0, fixed 1.6.5.post1"},
    /* Exactly at the fix. */
    {"PyPI", "PYSEC-2012-1", "PyPI", "beaker", "1.6.5.post1", false, ""},

    /* --- AlmaLinux (ECOSYSTEM ranges, RPM E:V-R, release suffixes) --- */
    /* ALSA-2022:5818: AlmaLinux:8 openssl fixed 1:1.1.1k-7.el8_6. */
    /* One release below the fix. */
    {"AlmaLinux", "ALSA-2022:5818", "AlmaLinux:8", "openssl", "1:1.1.1k-6.el8_5", true,
     "introduced 0, fixed 1:1.1.1k-7.el8_6"},
    /* Exactly at the fix. */
    {"AlmaLinux", "ALSA-2022:5818", "AlmaLinux:8", "openssl", "1:1.1.1k-7.el8_6", false, ""},
    /* Without its epoch the version is epoch 0, below epoch 1. */
    {"AlmaLinux", "ALSA-2022:5818", "AlmaLinux:8", "openssl-libs", "1.1.1k-7.el8_6", true,
     "introduced 0, fixed 1:1.1.1k-7.el8_6"},
    /* Release mismatch: the advisory is for AlmaLinux:8 only. */
    {"AlmaLinux", "ALSA-2022:5818", "AlmaLinux:9", "openssl", "1:1.1.1k-6.el8_5", false, ""},
    /* ALSA-2022:6224: AlmaLinux:9 openssl fixed 1:3.0.1-41.el9_0. */
    /* One release below the fix, same release suffix. */
    {"AlmaLinux", "ALSA-2022:6224", "AlmaLinux:9", "openssl", "1:3.0.1-40.el9", true,
     "introduced 0, fixed 1:3.0.1-41.el9_0"},
    /* Release mismatch: AlmaLinux:8 query, AlmaLinux:9 entries only. */
    {"AlmaLinux", "ALSA-2022:6224", "AlmaLinux:8", "openssl", "1:1.1.1k-7.el8_6", false, ""},
    /* No release in the query: the el8 dist tag says AlmaLinux 8, so the
     * AlmaLinux:9 entry does not apply (1.1.1k would be below 3.0.1). */
    {"AlmaLinux", "ALSA-2022:6224", "AlmaLinux", "openssl", "1:1.1.1k-7.el8_6", false, ""},
    /* Same query, el9 build: the entry applies. */
    {"AlmaLinux", "ALSA-2022:6224", "AlmaLinux", "openssl", "1:3.0.1-40.el9", true,
     "introduced 0, fixed 1:3.0.1-41.el9_0"},
    /* ALSA-2024:0265 lists java-1.8.0-openjdk for AlmaLinux:8 (fix ...-2.el8)
     * and AlmaLinux:9 (fix ...-2.el9): only the query's release counts. */
    /* One release below the AlmaLinux:9 fix. */
    {"AlmaLinux", "ALSA-2024:0265", "AlmaLinux:9", "java-1.8.0-openjdk", "1:1.8.0.402.b06-1.el9",
     true, "introduced 0, fixed 1:1.8.0.402.b06-2.el9"},
    /* Exactly at the AlmaLinux:8 fix; the :9 entry does not apply. */
    {"AlmaLinux", "ALSA-2024:0265", "AlmaLinux:8", "java-1.8.0-openjdk", "1:1.8.0.402.b06-2.el8",
     false, ""},
    /* ALBA-2019:0973: oci-systemd-hook three times, one fixed module build
     * each for el8.5.0, el8.4.0 and el8.3.0. A host on the el8.4.0 fixed
     * build is below the el8.5.0 one, but runs a fix of the same upstream
     * version 0.1.15: not affected. */
    {"AlmaLinux", "ALBA-2019:0973", "AlmaLinux:8", "oci-systemd-hook",
     "1:0.1.15-2.git2d0b8a3.module_el8.4.0+2496+12421f43", false, ""},
    /* An older upstream version is below all three builds. */
    {"AlmaLinux", "ALBA-2019:0973", "AlmaLinux:8", "oci-systemd-hook",
     "1:0.1.14-1.module_el8.3.0+100+aaaaaaaa", true,
     "introduced 0, fixed 1:0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082"},
    /* ALBA-2020:4718: aide fixed 0.16-14.el8 and 0.16-14.el8_5.1; the first
     * fixed build itself is not affected, an older release is. */
    /* Exactly at the first fix, below the parallel 0.16-14.el8_5.1. */
    {"AlmaLinux", "ALBA-2020:4718", "AlmaLinux:8", "aide", "0.16-14.el8", false, ""},
    /* Below both fixes; the first entry gives the reason. */
    {"AlmaLinux", "ALBA-2020:4718", "AlmaLinux:8", "aide", "0.16-13.el8", true,
     "introduced 0, fixed 0.16-14.el8"},

    /* --- crates.io (SEMVER, "0.0.0-0" as introduced) --- */
    /* RUSTSEC-2022-0012: arrow2 [0.0.0-0,0.7.1) [0.8.0,0.8.2) [0.9.0,0.9.2)
     * and the empty [0.10.0,0.10.0). */
    /* Exactly at introduced 0.0.0-0 (an ordinary SemVer prerelease). */
    {"crates.io", "RUSTSEC-2022-0012", "crates.io", "arrow2", "0.0.0-0", true,
     "introduced 0.0.0-0, fixed 0.7.1"},
    /* In the first interval. */
    {"crates.io", "RUSTSEC-2022-0012", "crates.io", "arrow2", "0.1.0", true,
     "introduced 0.0.0-0, fixed 0.7.1"},
    /* In the third interval. */
    {"crates.io", "RUSTSEC-2022-0012", "crates.io", "arrow2", "0.9.1", true,
     "introduced 0.9.0, fixed 0.9.2"},
    /* Introduced and fixed at 0.10.0, in that order: an empty interval. */
    {"crates.io", "RUSTSEC-2022-0012", "crates.io", "arrow2", "0.10.0", false, ""},
    /* RUSTSEC-2024-0399: rustls empty [0.23.0,0.23.0) then [0.23.13,0.23.18). */
    /* After the empty interval, before 0.23.13. */
    {"crates.io", "RUSTSEC-2024-0399", "crates.io", "rustls", "0.23.5", false, ""},
    /* Exactly at the second introduced. */
    {"crates.io", "RUSTSEC-2024-0399", "crates.io", "rustls", "0.23.13", true,
     "introduced 0.23.13, fixed 0.23.18"},
};

/* clang-format on */

#define REAL_COUNT (sizeof(real_cases) / sizeof(real_cases[0]))

/* Every advisory the tests use, parsed once. */
typedef struct loaded {
    const char *zip;
    const char *id;
    vt_advisory *adv;
} loaded;

static loaded *cache;
static size_t ncache;

static void cache_want(const char *zip, const char *id)
{
    size_t i;

    for (i = 0; i < ncache; i++)
        if (strcmp(cache[i].zip, zip) == 0 && strcmp(cache[i].id, id) == 0)
            return;
    cache = realloc(cache, (ncache + 1) * sizeof(*cache));
    if (!cache)
        abort();
    cache[ncache].zip = zip;
    cache[ncache].id = id;
    cache[ncache].adv = NULL;
    ncache++;
}

/* Read the wanted members of one archive in a single pass over it. */
static void cache_load_zip(const char *zip)
{
    const char *dir = getenv("VT_DATA_DIR");
    struct archive *a;
    struct archive_entry *entry;
    char path[4096];
    vt_buf raw = VT_BUF_INIT;
    size_t i;

    if (!dir || !*dir) {
        fprintf(stderr, "VT_DATA_DIR is not set (run the tests through ctest)\n");
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/osv/%s/all.zip", dir, zip);
    a = archive_read_new();
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, archive_error_string(a));
        exit(1);
    }
    while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(entry);
        loaded *want = NULL;

        for (i = 0; i < ncache && !want; i++) {
            size_t n = strlen(cache[i].id);

            if (strcmp(cache[i].zip, zip) == 0 && strncmp(name, cache[i].id, n) == 0 &&
                strcmp(name + n, ".json") == 0)
                want = &cache[i];
        }
        if (!want) {
            archive_read_data_skip(a);
            continue;
        }
        vt_buf_clear(&raw);
        for (;;) {
            char chunk[16384];
            la_ssize_t got = archive_read_data(a, chunk, sizeof(chunk));

            if (got < 0) {
                fprintf(stderr, "%s: %s: %s\n", path, name, archive_error_string(a));
                exit(1);
            }
            if (got == 0)
                break;
            if (vt_buf_put(&raw, chunk, (size_t)got) < 0)
                abort();
        }
        {
            vt_error err = VT_ERROR_INIT;

            if (vt_osv_parse(&want->adv, raw.ptr, raw.len, &err) < 0) {
                fprintf(stderr, "%s: %s: %s\n", path, name, err.msg);
                exit(1);
            }
        }
    }
    archive_read_free(a);
    vt_buf_dispose(&raw);
    for (i = 0; i < ncache; i++) {
        if (strcmp(cache[i].zip, zip) == 0 && !cache[i].adv) {
            fprintf(stderr, "%s has no member %s.json\n", path, cache[i].id);
            exit(1);
        }
    }
}

static const vt_advisory *cache_get(const char *zip, const char *id)
{
    size_t i;

    for (i = 0; i < ncache; i++)
        if (strcmp(cache[i].zip, zip) == 0 && strcmp(cache[i].id, id) == 0)
            return cache[i].adv;
    fail_msg("advisory %s/%s was not loaded", zip, id);
    return NULL;
}

static int setup_real(void **state)
{
    static const char *const zips[] = {"Go", "PyPI", "AlmaLinux", "crates.io"};
    size_t i;

    (void)state;
    for (i = 0; i < REAL_COUNT; i++)
        cache_want(real_cases[i].zip, real_cases[i].id);
    for (i = 0; i < sizeof(zips) / sizeof(zips[0]); i++)
        cache_load_zip(zips[i]);
    return 0;
}

static int teardown_real(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ncache; i++)
        vt_advisory_free(cache[i].adv);
    free(cache);
    cache = NULL;
    ncache = 0;
    return 0;
}

/* Ask one question; the caller disposes *r. */
static void ask(vt_match_result *r, const vt_advisory *adv, const char *ecosystem, const char *name,
                const char *version)
{
    vt_match_query q;
    vt_error err = VT_ERROR_INIT;
    int rc;

    q.ecosystem = ecosystem;
    q.name = name;
    q.version = version;
    rc = vt_match_advisory(r, adv, &q, &err);
    if (rc != 0)
        fail_msg("%s %s %s %s: %s (%s)", adv->id, ecosystem, name, version, vt_error_name(rc),
                 err.msg);
}

static bool has_note(const vt_match_result *r, const char *prefix)
{
    size_t i;

    for (i = 0; i < r->nnotes; i++)
        if (strncmp(r->notes[i], prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

static void expect_fixed(const vt_match_result *r, const char *const *want, size_t n)
{
    size_t i;

    if (r->nfixed != n)
        fail_msg("%zu fixed versions, expected %zu (first: %s)", r->nfixed, n,
                 r->nfixed ? r->fixed[0] : "none");
    for (i = 0; i < n; i++)
        assert_string_equal(r->fixed[i], want[i]);
}

static void test_match__real_cases(void **state)
{
    size_t i, yes = 0, no = 0;

    (void)state;
    for (i = 0; i < REAL_COUNT; i++) {
        const real_case *c = &real_cases[i];
        vt_match_result r = VT_MATCH_RESULT_INIT;

        ask(&r, cache_get(c->zip, c->id), c->ecosystem, c->name, c->version);
        if (r.affected != c->affected || strcmp(r.because, c->because) != 0)
            fail_msg("%s %s %s %s: got %s \"%s\", expected %s \"%s\"", c->id, c->ecosystem, c->name,
                     c->version, r.affected ? "yes" : "no", r.because, c->affected ? "yes" : "no",
                     c->because);
        if (!r.affected && (r.nfixed != 0 || r.fixed != NULL))
            fail_msg("%s %s: fixed versions on a 'no'", c->id, c->version);
        if (c->affected)
            yes++;
        else
            no++;
        vt_match_result_dispose(&r);
    }
    assert_true(REAL_COUNT >= 40);
    assert_true(yes >= 15 && no >= 15);
}

static void test_match__real_fixed_lists(void **state)
{
    static const char *const containerd[] = {"1.4.13", "1.5.10", "1.6.1"};
    static const char *const django_17[] = {"1.7.10", "1.8.4"};
    static const char *const oci[] = {
        "1:0.1.15-2.git2d0b8a3.module_el8.3.0+2044+12421f43",
        "1:0.1.15-2.git2d0b8a3.module_el8.4.0+2496+12421f43",
        "1:0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082",
    };
    static const char *const java9[] = {"1:1.8.0.402.b06-2.el9"};
    vt_match_result r = VT_MATCH_RESULT_INIT;

    (void)state;
    /* Every fix above 1.4.12, in version order. */
    ask(&r, cache_get("Go", "GO-2022-0344"), "Go", "github.com/containerd/containerd", "1.4.12");
    expect_fixed(&r, containerd, 3);
    /* 1.4.22 is below 1.7.9: not an upgrade target. */
    ask(&r, cache_get("PyPI", "PYSEC-2015-22"), "PyPI", "django", "1.7.9");
    expect_fixed(&r, django_17, 2);
    /* The three parallel module builds, sorted by RPM order. */
    ask(&r, cache_get("AlmaLinux", "ALBA-2019:0973"), "AlmaLinux:8", "oci-systemd-hook",
        "1:0.1.14-1.module_el8.3.0+100+aaaaaaaa");
    expect_fixed(&r, oci, 3);
    /* Only the entry of the query's release contributes. */
    ask(&r, cache_get("AlmaLinux", "ALSA-2024:0265"), "AlmaLinux:9", "java-1.8.0-openjdk",
        "1:1.8.0.402.b06-1.el9");
    expect_fixed(&r, java9, 1);
    /* An open interval has nothing to offer. */
    ask(&r, cache_get("PyPI", "PYSEC-2022-42969"), "PyPI", "py", "1.0.0");
    assert_true(r.affected);
    expect_fixed(&r, NULL, 0);
    vt_match_result_dispose(&r);
}

static void test_match__real_notes(void **state)
{
    vt_match_result r = VT_MATCH_RESULT_INIT;

    (void)state;
    ask(&r, cache_get("PyPI", "PYSEC-2021-440"), "PyPI", "tensorflow-cpu", "2.4.1");
    assert_true(r.affected);
    assert_true(has_note(&r, "GIT range skipped"));
    ask(&r, cache_get("Go", "GO-2022-0617"), "Go", "k8s.io/kubernetes", "1.20.0");
    assert_false(r.affected);
    assert_true(has_note(&r, "advisory withdrawn"));
    ask(&r, cache_get("AlmaLinux", "ALBA-2019:0973"), "AlmaLinux:8", "oci-systemd-hook",
        "1:0.1.15-2.git2d0b8a3.module_el8.4.0+2496+12421f43");
    assert_false(r.affected);
    assert_true(has_note(&r, "a fixed parallel build"));
    /* A plain "no" carries no note. */
    ask(&r, cache_get("Go", "GO-2022-0344"), "Go", "github.com/containerd/containerd", "1.4.13");
    assert_int_equal(r.nnotes, 0);
    vt_match_result_dispose(&r);
}

/* A query that is not a version of its ecosystem is refused, with why. */
static void test_match__bad_query(void **state)
{
    static const struct {
        const char *ecosystem, *version;
        int rc;
        const char *msg;
    } rows[] = {
        {"Go", "abc", VT_EINVALID, "invalid semver version 'abc'"},
        {"Go", "", VT_EINVALID, "invalid semver version ''"},
        {"AlmaLinux:8", "", VT_EINVALID, "invalid rpm version ''"},
        {"PyPI", " ", VT_EINVALID, "invalid pep440 version ' '"},
        {"Nosuch", "1.0", VT_ENOTFOUND, "unknown ecosystem 'Nosuch'"},
        {"GIT", "1.0", VT_EUNSUPPORTED, "ecosystem 'GIT' has no version ordering"},
    };
    const vt_advisory *adv = cache_get("Go", "GO-2022-0344");
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_match_result r = VT_MATCH_RESULT_INIT;
        vt_match_query q = {rows[i].ecosystem, "github.com/containerd/containerd", rows[i].version};
        vt_error err = VT_ERROR_INIT;

        assert_int_equal(vt_match_advisory(&r, adv, &q, &err), rows[i].rc);
        if (strncmp(err.msg, rows[i].msg, strlen(rows[i].msg)) != 0)
            fail_msg("'%s': message '%s'", rows[i].version, err.msg);
        assert_false(r.affected);
        assert_null(r.fixed);
    }
}

/* ------------------------------------------------------------------------ */
/* Synthetic advisories                                                      */

/* clang-format off */
#define EV(k, v) {VT_OSV_##k, v}
/* clang-format on */
#define MAX_EVENTS 48

typedef struct synth_case {
    const char *what;
    const char *ecosystem; /* the advisory entry's */
    vt_osv_range_type type;
    vt_osv_event events[MAX_EVENTS];
    const char *query_ecosystem;
    const char *version;
    bool affected;
    const char *because;
    const char *note; /* a note that must be there, or NULL */
} synth_case;

static size_t count_events(const vt_osv_event *e)
{
    size_t n = 0;

    while (n < MAX_EVENTS && e[n].kind != 0)
        n++;
    return n;
}

/* clang-format off */
static const synth_case synth_cases[] = {
    {"limit bounds the range from above", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "1.0.0"), EV(LIMIT, "2.0.0")}, "npm", "1.5.0", true,
     "introduced 1.0.0, no fix (below limit 2.0.0)", NULL},
    {"at the limit", "npm", VT_OSV_RANGE_SEMVER, {EV(INTRODUCED, "1.0.0"), EV(LIMIT, "2.0.0")},
     "npm", "2.0.0", false, "", NULL},
    {"below introduced, below limit", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "1.0.0"), EV(LIMIT, "2.0.0")}, "npm", "0.9.0", false, "", NULL},
    {"limit * is infinity", "npm", VT_OSV_RANGE_SEMVER, {EV(INTRODUCED, "0"), EV(LIMIT, "*")},
     "npm", "99.0.0", true, "introduced 0, no fix", NULL},
    {"any of several limits", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "1.0.0"), EV(LIMIT, "2.0.0"), EV(LIMIT, "3.0.0")}, "npm", "2.5.0", true,
     "introduced 1.0.0, no fix (below limit 3.0.0)", NULL},
    {"limit with a fix", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "1.0.0"), EV(FIXED, "1.2.0"), EV(LIMIT, "2.0.0")}, "npm", "1.1.0", true,
     "introduced 1.0.0, fixed 1.2.0", NULL},
    {"two introduced, no fix: the first", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "1.0.0"), EV(INTRODUCED, "2.0.0")}, "npm", "1.5.0", true,
     "introduced 1.0.0, no fix", NULL},
    {"two introduced, no fix: the second", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "2.0.0"), EV(INTRODUCED, "1.0.0")}, "npm", "2.5.0", true,
     "introduced 2.0.0, no fix", NULL},
    {"two introduced, no fix: before both", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "1.0.0"), EV(INTRODUCED, "2.0.0")}, "npm", "0.5.0", false, "", NULL},
    {"introduced and fixed at one version, in that order: empty", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "1.0.0"), EV(FIXED, "1.0.0")}, "npm", "1.0.0", false, "", NULL},
    {"fixed then introduced at one version: contiguous", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "0"), EV(FIXED, "1.0.0"), EV(INTRODUCED, "1.0.0"), EV(FIXED, "2.0.0")},
     "npm", "1.0.0", true, "introduced 1.0.0, fixed 2.0.0", NULL},
    {"equal under the scheme but spelt differently", "PyPI", VT_OSV_RANGE_ECOSYSTEM,
     {EV(INTRODUCED, "1.0"), EV(FIXED, "1.0.0")}, "PyPI", "1.0", false, "", NULL},
    {"no events at all", "npm", VT_OSV_RANGE_SEMVER, {{0, NULL}}, "npm", "1.0.0", false, "",
     NULL},
    {"only a fix, no introduced", "npm", VT_OSV_RANGE_SEMVER, {EV(FIXED, "2.0.0")}, "npm",
     "1.0.0", false, "", NULL},
    {"last_affected is inclusive", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "1.0.0"), EV(LAST_AFFECTED, "1.5.0")}, "npm", "1.5.0", true,
     "introduced 1.0.0, last_affected 1.5.0", NULL},
    {"above last_affected", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "1.0.0"), EV(LAST_AFFECTED, "1.5.0")}, "npm", "1.5.1", false, "", NULL},
    {"a bad fix leaves its interval open", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "0"), EV(FIXED, "not-a-version")}, "npm", "5.0.0", true,
     "introduced 0, no fix", "event with a version"},
    {"a bad introduced drops its interval", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "garbage"), EV(FIXED, "2.0.0")}, "npm", "1.0.0", false, "",
     "event with a version"},
    {"a bad limit is ignored", "npm", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "0"), EV(LIMIT, "x!")}, "npm", "1.0.0", true, "introduced 0, no fix",
     "event with a version"},
    {"SEMVER range, PyPI version that is not SemVer", "PyPI", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "0"), EV(FIXED, "2.0.0")}, "PyPI", "latest", false, "",
     "SEMVER range skipped"},
    {"SEMVER range ordered by SemVer in PyPI", "PyPI", VT_OSV_RANGE_SEMVER,
     {EV(INTRODUCED, "0"), EV(FIXED, "2.0.0")}, "PyPI", "1.0.0", true,
     "introduced 0, fixed 2.0.0", NULL},
    {"GIT range skipped", "PyPI", VT_OSV_RANGE_GIT,
     {EV(INTRODUCED, "0"), EV(FIXED, "0123456789abcdef0123456789abcdef01234567")}, "PyPI",
     "1.0", false, "", "GIT range skipped"},
    {"release: entry without release covers every release", "Debian", VT_OSV_RANGE_ECOSYSTEM,
     {EV(INTRODUCED, "0"), EV(FIXED, "1.2-1")}, "Debian:12", "1.1-1", true,
     "introduced 0, fixed 1.2-1", NULL},
    {"release: a different release", "Debian:11", VT_OSV_RANGE_ECOSYSTEM,
     {EV(INTRODUCED, "0"), EV(FIXED, "1.2-1")}, "Debian:12", "1.1-1", false, "", NULL},
    {"release: a query without release meets every release", "Debian:11",
     VT_OSV_RANGE_ECOSYSTEM, {EV(INTRODUCED, "0"), EV(FIXED, "1.2-1")}, "Debian", "1.1-1", true,
     "introduced 0, fixed 1.2-1", NULL},
    {"release: Ubuntu releases carry ':LTS'", "Ubuntu:22.04:LTS", VT_OSV_RANGE_ECOSYSTEM,
     {EV(INTRODUCED, "0"), EV(FIXED, "1.2-1")}, "Ubuntu:22.04:LTS", "1.1-1", true,
     "introduced 0, fixed 1.2-1", NULL},
    {"release: Ubuntu Pro is another release", "Ubuntu:Pro:18.04:LTS", VT_OSV_RANGE_ECOSYSTEM,
     {EV(INTRODUCED, "0"), EV(FIXED, "1.2-1")}, "Ubuntu:18.04:LTS", "1.1-1", false, "", NULL},
    {"release: Rocky Linux release read from the dist tag", "Rocky Linux:9",
     VT_OSV_RANGE_ECOSYSTEM, {EV(INTRODUCED, "0"), EV(FIXED, "2.0-1.el9")}, "Rocky Linux",
     "1.0-1.el8", false, "", NULL},
    {"release: no dist tag, every release", "AlmaLinux:9", VT_OSV_RANGE_ECOSYSTEM,
     {EV(INTRODUCED, "0"), EV(FIXED, "2.0-1.el9")}, "AlmaLinux", "1.0-1", true,
     "introduced 0, fixed 2.0-1.el9", NULL},
    {"another ecosystem", "npm", VT_OSV_RANGE_SEMVER, {EV(INTRODUCED, "0")}, "PyPI", "1.0",
     false, "", NULL},
    {"ecosystem names are case-sensitive", "NPM", VT_OSV_RANGE_SEMVER, {EV(INTRODUCED, "0")},
     "npm", "1.0.0", false, "", NULL},
};

/* clang-format on */

#define SYNTH_COUNT (sizeof(synth_cases) / sizeof(synth_cases[0]))

static void one_range_advisory(vt_advisory *adv, vt_osv_affected *a, vt_osv_range *r,
                               const char *ecosystem, const char *name, vt_osv_range_type type,
                               const vt_osv_event *events, size_t nevents)
{
    memset(adv, 0, sizeof(*adv));
    memset(a, 0, sizeof(*a));
    memset(r, 0, sizeof(*r));
    r->type = type;
    r->repo = type == VT_OSV_RANGE_GIT ? "https://example.org/repo" : NULL;
    r->events = events;
    r->nevents = nevents;
    a->ecosystem = ecosystem;
    a->name = name;
    a->ranges = r;
    a->nranges = 1;
    adv->id = "TEST-1";
    adv->modified = "2026-01-01T00:00:00Z";
    adv->affected = a;
    adv->naffected = 1;
}

static void test_match__synthetic(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < SYNTH_COUNT; i++) {
        const synth_case *c = &synth_cases[i];
        vt_advisory adv;
        vt_osv_affected a;
        vt_osv_range r;
        vt_match_result res = VT_MATCH_RESULT_INIT;

        one_range_advisory(&adv, &a, &r, c->ecosystem, "pkg", c->type, c->events,
                           count_events(c->events));
        ask(&res, &adv, c->query_ecosystem, "pkg", c->version);
        if (res.affected != c->affected || strcmp(res.because, c->because) != 0)
            fail_msg("%s: got %s \"%s\", expected %s \"%s\"", c->what, res.affected ? "yes" : "no",
                     res.because, c->affected ? "yes" : "no", c->because);
        if (c->note && !has_note(&res, c->note))
            fail_msg("%s: no note '%s'", c->what, c->note);
        vt_match_result_dispose(&res);
    }
}

/* A range longer than the matcher's on-stack buffer, events reversed. */
static void test_match__long_range(void **state)
{
    vt_osv_event events[40];
    char values[40][16];
    vt_advisory adv;
    vt_osv_affected a;
    vt_osv_range r;
    vt_match_result res = VT_MATCH_RESULT_INIT;
    size_t i;

    (void)state;
    /* Intervals [k.0.0, k.0.1) for k = 1..20, written newest first. */
    for (i = 0; i < 20; i++) {
        size_t k = 20 - i;

        snprintf(values[2 * i], sizeof(values[0]), "%zu.0.0", k);
        snprintf(values[2 * i + 1], sizeof(values[0]), "%zu.0.1", k);
        events[2 * i].kind = VT_OSV_INTRODUCED;
        events[2 * i].value = values[2 * i];
        events[2 * i + 1].kind = VT_OSV_FIXED;
        events[2 * i + 1].value = values[2 * i + 1];
    }
    one_range_advisory(&adv, &a, &r, "crates.io", "c", VT_OSV_RANGE_SEMVER, events, 40);
    ask(&res, &adv, "crates.io", "c", "7.0.0");
    assert_true(res.affected);
    assert_string_equal(res.because, "introduced 7.0.0, fixed 7.0.1");
    assert_int_equal(res.nfixed, 14); /* 7.0.1 .. 20.0.1 */
    assert_string_equal(res.fixed[0], "7.0.1");
    assert_string_equal(res.fixed[13], "20.0.1");
    ask(&res, &adv, "crates.io", "c", "7.0.1");
    assert_false(res.affected);
    vt_match_result_dispose(&res);
}

/* Several entries and ranges: the union, fixes merged without repeats. */
static void test_match__several_entries(void **state)
{
    static const vt_osv_event e1[] = {EV(INTRODUCED, "0"), EV(FIXED, "2.0.0")};
    static const vt_osv_event e2[] = {EV(INTRODUCED, "1.5.0"), EV(FIXED, "2.0.0")};
    static const vt_osv_event e3[] = {EV(INTRODUCED, "1.0.0"), EV(FIXED, "1.9.0")};
    static const char *const listed[] = {"3.0.0", "not a version"};
    vt_osv_range r1[2] = {{VT_OSV_RANGE_SEMVER, NULL, e1, 2, NULL},
                          {VT_OSV_RANGE_SEMVER, NULL, e2, 2, NULL}};
    vt_osv_range r2[1] = {{VT_OSV_RANGE_SEMVER, NULL, e3, 2, NULL}};
    vt_osv_affected a[3];
    vt_advisory adv;
    vt_match_result res = VT_MATCH_RESULT_INIT;

    (void)state;
    memset(&adv, 0, sizeof(adv));
    memset(a, 0, sizeof(a));
    a[0].ecosystem = "npm";
    a[0].name = "other";
    a[0].ranges = r2;
    a[0].nranges = 1;
    a[1].ecosystem = "npm";
    a[1].name = "pkg";
    a[1].ranges = r1;
    a[1].nranges = 2;
    a[2].ecosystem = "npm";
    a[2].name = "pkg";
    a[2].ranges = r2;
    a[2].nranges = 1;
    a[2].versions = listed;
    a[2].nversions = 2;
    adv.id = "TEST-2";
    adv.affected = a;
    adv.naffected = 3;

    ask(&res, &adv, "npm", "pkg", "1.6.0");
    assert_true(res.affected);
    /* The first entry that says yes gives the reason. */
    assert_string_equal(res.because, "introduced 0, fixed 2.0.0");
    assert_int_equal(res.nfixed, 2);
    assert_string_equal(res.fixed[0], "1.9.0");
    assert_string_equal(res.fixed[1], "2.0.0");
    /* Only the versions list of the third entry says yes; the string that is
     * not a version is compared as text and noted. */
    ask(&res, &adv, "npm", "pkg", "3.0.0");
    assert_true(res.affected);
    assert_string_equal(res.because, "listed in versions");
    assert_int_equal(res.nfixed, 0);
    ask(&res, &adv, "npm", "pkg", "3.0.1");
    assert_false(res.affected);
    assert_true(has_note(&res, "versions entry that is not a valid version"));
    /* The "other" package's range does not count for "pkg". */
    ask(&res, &adv, "npm", "pkg", "2.5.0");
    assert_false(res.affected);
    /* An entry without package (PSF records) is never a match. */
    a[1].name = NULL;
    a[1].ecosystem = NULL;
    ask(&res, &adv, "npm", "pkg", "1.6.0");
    assert_true(res.affected);
    assert_string_equal(res.because, "introduced 1.0.0, fixed 1.9.0");
    vt_match_result_dispose(&res);
}

/*
 * The RPM parallel-build rule on synthetic records: module builds judged by
 * module entries only; a fixed build of the same upstream version wins over
 * parallel entries; a different upstream version does not.
 */
static void test_match__rpm_parallel_builds(void **state)
{
    static const vt_osv_event plain[] = {EV(INTRODUCED, "0"), EV(FIXED, "1.2-3.el8")};
    static const vt_osv_event module[] = {EV(INTRODUCED, "0"),
                                          EV(FIXED, "1.2-3.module_el8.5.0+1+abcdef01")};
    static const vt_osv_event pg12[] = {EV(INTRODUCED, "0"), EV(FIXED, "12.9-1.el8")};
    static const vt_osv_event pg13[] = {EV(INTRODUCED, "0"), EV(FIXED, "13.4-1.el8")};
    static const struct {
        const vt_osv_event *e1, *e2;
        const char *version;
        bool affected;
        const char *note;
    } rows[] = {
        /* "el8" < "module..." as RPM text: without the kind rule the module
         * entry would flag the fixed non-module build. */
        {plain, module, "1.2-3.el8", false, "entries for the other build kind"},
        {plain, module, "1.2-2.el8", true, NULL},
        {plain, module, "1.2-2.module_el8.4.0+1+abcdef01", true, NULL},
        {plain, module, "1.2-3.module_el8.5.0+1+abcdef01", false, NULL},
        /* Only module entries, non-module query: all entries count. */
        {module, module, "1.2-2.el8", true, NULL},
        /* Two streams of different upstream versions. */
        {pg12, pg13, "12.9-1.el8", false, "a fixed parallel build"},
        {pg12, pg13, "13.3-1.el8", true, NULL},
        {pg12, pg13, "12.8-1.el8", true, NULL},
        {pg12, pg13, "13.4-1.el8", false, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_osv_range r[2] = {{VT_OSV_RANGE_ECOSYSTEM, NULL, rows[i].e1, 2, NULL},
                             {VT_OSV_RANGE_ECOSYSTEM, NULL, rows[i].e2, 2, NULL}};
        vt_osv_affected a[2];
        vt_advisory adv;
        vt_match_result res = VT_MATCH_RESULT_INIT;

        memset(&adv, 0, sizeof(adv));
        memset(a, 0, sizeof(a));
        a[0].ecosystem = a[1].ecosystem = "AlmaLinux:8";
        a[0].name = a[1].name = "foo";
        a[0].ranges = &r[0];
        a[1].ranges = &r[1];
        a[0].nranges = a[1].nranges = 1;
        adv.id = "TEST-3";
        adv.affected = a;
        adv.naffected = 2;
        ask(&res, &adv, "AlmaLinux:8", "foo", rows[i].version);
        if (res.affected != rows[i].affected)
            fail_msg("row %zu (%s): got %s", i, rows[i].version, res.affected ? "yes" : "no");
        if (rows[i].note && !has_note(&res, rows[i].note))
            fail_msg("row %zu (%s): no note '%s'", i, rows[i].version, rows[i].note);
        vt_match_result_dispose(&res);
    }
}

/* A result is reusable: the next call disposes what the last one left. */
static void test_match__result_reuse(void **state)
{
    static const vt_osv_event e[] = {EV(INTRODUCED, "0"), EV(FIXED, "2.0.0")};
    vt_advisory adv;
    vt_osv_affected a;
    vt_osv_range r;
    vt_match_result res = VT_MATCH_RESULT_INIT;

    (void)state;
    one_range_advisory(&adv, &a, &r, "npm", "pkg", VT_OSV_RANGE_SEMVER, e, 2);
    ask(&res, &adv, "npm", "pkg", "1.0.0");
    assert_int_equal(res.nfixed, 1);
    ask(&res, &adv, "npm", "pkg", "3.0.0");
    assert_false(res.affected);
    assert_null(res.fixed);
    assert_string_equal(res.because, "");
    vt_match_result_dispose(&res);
    vt_match_result_dispose(&res);
}

/* Every allocation failing in turn gives VT_ENOMEM and leaks nothing. */
static void test_match__allocation_failures(void **state)
{
    const vt_advisory *adv = cache_get("Go", "GO-2022-0344");
    vt_match_query q = {"Go", "github.com/containerd/containerd", "1.4.12"};
    long n;

    (void)state;
    for (n = 0;; n++) {
        vt_match_result res = VT_MATCH_RESULT_INIT;
        vt_error err = VT_ERROR_INIT;
        int rc;

        vt_alloc_fail_after(n);
        rc = vt_match_advisory(&res, adv, &q, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0) {
            assert_true(res.affected);
            assert_int_equal(res.nfixed, 3);
            vt_match_result_dispose(&res);
            break;
        }
        assert_int_equal(rc, VT_ENOMEM);
        assert_false(res.affected);
        assert_null(res.fixed);
        assert_true(n < 100);
    }
    assert_true(n > 3);
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */

static void test_match__normalize_name(void **state)
{
    static const struct {
        const char *ecosystem, *name, *key;
    } rows[] = {
        {"PyPI", "Django", "django"},
        {"PyPI", "zope.interface", "zope-interface"},
        {"PyPI", "zope_interface", "zope-interface"},
        {"PyPI", "Zope--_.Interface", "zope-interface"},
        {"PyPI", "jw.util", "jw-util"},
        {"PyPI", "-leading.and.trailing_", "-leading-and-trailing-"},
        {"PyPI:extra", "A_B", "a-b"},
        {"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
        {"npm", "@Scope/Name_x", "@Scope/Name_x"},
        {"Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"},
        {"AlmaLinux:8", "java-1.8.0-openjdk", "java-1.8.0-openjdk"},
        {"PyPIx", "A_B", "A_B"},
        {"pypi", "A_B", "A_B"},
    };
    vt_buf b = VT_BUF_INIT;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_buf_clear(&b);
        assert_int_equal(vt_osv_normalize_name(&b, rows[i].ecosystem, rows[i].name), 0);
        if (strcmp(b.ptr, rows[i].key) != 0)
            fail_msg("%s %s: key '%s', expected '%s'", rows[i].ecosystem, rows[i].name, b.ptr,
                     rows[i].key);
    }
    /* Appends. */
    vt_buf_clear(&b);
    assert_int_equal(vt_osv_normalize_name(&b, "PyPI", "A.B"), 0);
    assert_int_equal(vt_osv_normalize_name(&b, "PyPI", "C"), 0);
    assert_string_equal(b.ptr, "a-bc");
    vt_buf_dispose(&b);
}

/* The allocation-free comparison agrees with the keys. */
static void test_match__name_eq(void **state)
{
    static const struct {
        const char *ecosystem, *a, *b;
        bool eq;
    } rows[] = {
        {"PyPI", "Django", "django", true},
        {"PyPI", "zope.interface", "zope-interface", true},
        {"PyPI", "zope.interface", "Zope__Interface", true},
        {"PyPI", "zope.interface", "zopeinterface", false},
        {"PyPI", "a-", "a", false},
        {"PyPI", "a", "a.", false},
        {"PyPI", "", "", true},
        {"Go", "github.com/a/b", "github.com/A/b", false},
        {"npm", "left-pad", "left_pad", false},
        {"crates.io", "serde", "serde", true},
    };
    vt_buf ka = VT_BUF_INIT, kb = VT_BUF_INIT;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        bool eq = vt__osv_name_eq(rows[i].ecosystem, rows[i].a, rows[i].b);

        if (eq != rows[i].eq)
            fail_msg("%s '%s' '%s': %d", rows[i].ecosystem, rows[i].a, rows[i].b, eq);
        vt_buf_clear(&ka);
        vt_buf_clear(&kb);
        assert_int_equal(vt_osv_normalize_name(&ka, rows[i].ecosystem, rows[i].a), 0);
        assert_int_equal(vt_osv_normalize_name(&kb, rows[i].ecosystem, rows[i].b), 0);
        assert_int_equal(strcmp(ka.ptr, kb.ptr) == 0, eq);
    }
    vt_buf_dispose(&ka);
    vt_buf_dispose(&kb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match__real_cases),
        cmocka_unit_test(test_match__real_fixed_lists),
        cmocka_unit_test(test_match__real_notes),
        cmocka_unit_test(test_match__bad_query),
        cmocka_unit_test(test_match__synthetic),
        cmocka_unit_test(test_match__long_range),
        cmocka_unit_test(test_match__several_entries),
        cmocka_unit_test(test_match__rpm_parallel_builds),
        cmocka_unit_test(test_match__result_reuse),
        cmocka_unit_test(test_match__allocation_failures),
        cmocka_unit_test(test_match__normalize_name),
        cmocka_unit_test(test_match__name_eq),
    };

    return cmocka_run_group_tests(tests, setup_real, teardown_real);
}
