/*
 * test_products.c - the product inventory on a temporary store: products
 * and their validation, versions with an SBOM of the data kit imported
 * through the readers (hash, count, refusals with the reader's pointer),
 * findings from the scanner against advisories imported with the import
 * API, and a case opened from a finding (fields, obligations, duplicates).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "test_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"
#include "vulntrack/cases.h"
#include "vulntrack/import.h"
#include "vulntrack/json.h"
#include "vulntrack/obligations.h"
#include "vulntrack/products.h"
#include "vulntrack/scan.h"
#include "vulntrack/store.h"
#include "vulntrack/store_cases.h"
#include "vulntrack/strparse.h"

#define PROTON "SBOM_proton-bridge_proton-bridge-v1.6.3.bom.json"
#define GIN_PURL "pkg:golang/github.com/gin-gonic/gin@v1.4.0"

/* ------------------------------------------------------------------------ */
/* Fixture: a store with two organisations, the Go advisories of the data  */
/* kit and two advisories of our own on gin (one with CVSS and a CWE, one  */
/* fixed before the SBOM's version).                                        */

typedef struct fixture {
    char dir[64];
    char path[128];
    char adv_dir[128];
    vt_store *store;
    int64_t org;
    int64_t other_org;
    vt_buf sbom;
} fixture;

static const char adv_cvss[] =
    "{\"id\":\"VT-TEST-2026-1\",\"modified\":\"2026-01-01T00:00:00Z\","
    "\"aliases\":[\"CVE-2099-0001\",\"GHSA-aaaa-bbbb-cccc\"],"
    "\"summary\":\"test advisory with a CVSS vector\","
    "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":"
    "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
    "\"database_specific\":{\"cwe_ids\":[\"CWE-79\"]},"
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"github.com/gin-gonic/gin\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.5.0\"}]}]}]"
    "}";

/* Fixed in 1.3.0: gin 1.4.0 is not affected, so it must not be a finding. */
static const char adv_fixed_before[] =
    "{\"id\":\"VT-TEST-2026-2\",\"modified\":\"2026-01-01T00:00:00Z\","
    "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"github.com/gin-gonic/gin\"},"
    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}]}]}]"
    "}";

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

static int64_t add_org(vt_store *s, const char *slug)
{
    vt_org o = {0};
    vt_error err = VT_ERROR_INIT;
    int64_t id;
    int rc;

    o.slug = vt_strdup(slug);
    o.name = vt_strdup(slug);
    o.kind = vt_strdup("vendor");
    o.country = vt_strdup("CN");
    o.time_zone = vt_strdup("Asia/Shanghai");
    o.profiles = vt_strdup("[\"CN_RMSV_2021\"]");
    o.flags = vt_strdup("{}");
    rc = vt_org_add(s, &o, &err);
    if (rc != 0)
        fail_msg("vt_org_add: %s", err.msg);
    id = o.id;
    vt_org_dispose(&o);
    assert_true(id > 0);
    return id;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    vt_error err = VT_ERROR_INIT;
    const char *data = getenv("VT_DATA_DIR");
    char zip[4096], p[256];
    const char *sources[2];
    vt_import_summary total = VT_IMPORT_SUMMARY_INIT;
    vt_org o = {0};

    assert_non_null(f);
    assert_non_null(data);
    snprintf(f->dir, sizeof(f->dir), "/tmp/vt-products-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    snprintf(f->adv_dir, sizeof(f->adv_dir), "%s/adv", f->dir);
    assert_int_equal(mkdir(f->adv_dir, 0700), 0);
    snprintf(p, sizeof(p), "%s/VT-TEST-2026-1.json", f->adv_dir);
    write_file(p, adv_cvss);
    snprintf(p, sizeof(p), "%s/VT-TEST-2026-2.json", f->adv_dir);
    write_file(p, adv_fixed_before);

    assert_int_equal(vt_store_open(&f->store, f->path, &err), 0);
    snprintf(zip, sizeof(zip), "%s/osv/Go/all.zip", data);
    sources[0] = zip;
    sources[1] = f->adv_dir;
    if (vt_import_sources(f->store, sources, 2, NULL, &total, &err) != 0)
        fail_msg("import: %s", err.msg);
    assert_true(total.imported > 2);
    assert_int_equal(total.skipped, 0);

    f->org = add_org(f->store, "acme");
    f->other_org = add_org(f->store, "other");
    assert_int_equal(vt_org_get(f->store, "acme", 0, &o, &err), 0);
    assert_int_equal(o.id, f->org);
    vt_org_dispose(&o);
    vt_buf_init(&f->sbom, 0);
    vt_test_read_fixture(&f->sbom, "VT_DATA_DIR", "sbom/cyclonedx/" PROTON);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    fixture *f = *state;
    char p[256];
    size_t i;

    vt_store_close(f->store);
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/VT-TEST-2026-1.json", f->adv_dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/VT-TEST-2026-2.json", f->adv_dir);
    unlink(p);
    rmdir(f->adv_dir);
    rmdir(f->dir);
    vt_buf_dispose(&f->sbom);
    free(f);
    return 0;
}

/* A product of the fixture's organisation; returns its id. */
static int64_t add_product(fixture *f, const char *name, const char *model, const char *type)
{
    vt_product p = VT_PRODUCT_INIT;
    vt_error err = VT_ERROR_INIT;
    int64_t existing = -1;
    int64_t id;

    p.org_id = f->org;
    p.name = vt_strdup(name);
    p.model = vt_strdup(model);
    p.type = vt_strdup(type);
    if (vt_product_add(f->store, &p, &existing, &err) != 0)
        fail_msg("vt_product_add: %s", err.msg);
    assert_int_equal(existing, 0);
    id = p.id;
    assert_true(id > 0);
    vt_product_dispose(&p);
    return id;
}

/* Import the proton-bridge SBOM as `version` of product `id`. */
static void import_sbom(fixture *f, int64_t id, const char *version)
{
    vt_product_version_in in = {0};
    vt_error err = VT_ERROR_INIT;

    in.sbom = f->sbom.ptr;
    in.sbom_len = f->sbom.len;
    if (vt_product_version_put(f->store, f->org, id, version, &in, NULL, NULL, &err) != 0)
        fail_msg("vt_product_version_put: %s", err.msg);
}

/* The component count SOURCES.md gives for `file` (| file | spec | count | ...). */
static long kit_component_count(const char *file)
{
    vt_buf b = VT_BUF_INIT;
    char needle[256];
    const char *row, *cell, *end;
    uint64_t n = 0;

    vt_test_read_fixture(&b, "VT_DATA_DIR", "SOURCES.md");
    snprintf(needle, sizeof(needle), "| %s |", file);
    row = strstr(b.ptr, needle);
    if (!row)
        fail_msg("SOURCES.md does not list %s", file);
    cell = strchr(row + strlen(needle), '|'); /* after the spec column */
    assert_non_null(cell);
    cell++;
    while (*cell == ' ')
        cell++;
    end = cell;
    while (vt_is_digit(*end) || *end == ',')
        end++;
    {
        char digits[32];
        size_t k = 0;
        const char *c;

        for (c = cell; c < end && k < sizeof(digits) - 1; c++)
            if (*c != ',')
                digits[k++] = *c;
        assert_int_equal(vt_parse_u64(&n, digits, k), 0);
    }
    vt_buf_dispose(&b);
    return (long)n;
}

/* ------------------------------------------------------------------------ */
/* Products                                                                 */

static void test_products__add_and_validate(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *name, *model, *type, *status, *field;
    } bad[] = {
        {"", "m", "software", NULL, "/name"},
        {"n", "m", "firmware", NULL, "/type"},
        {"n", "m", NULL, NULL, "/type"},
        {"n", "m", "software", "maintained", "/support_status"},
        {"n\x01", "m", "software", NULL, "/name"},
        {"n", "m\n", "software", NULL, "/model"},
    };
    vt_product p = VT_PRODUCT_INIT, got = VT_PRODUCT_INIT;
    vt_error err = VT_ERROR_INIT;
    int64_t id, existing = 0;
    size_t i;

    id = add_product(f, "Gateway", "GW-100", "hardware");
    assert_int_equal(vt_product_get(f->store, f->org, id, &got, &err), 0);
    assert_string_equal(got.name, "Gateway");
    assert_string_equal(got.model, "GW-100");
    assert_string_equal(got.type, "hardware");
    assert_string_equal(got.support_status, "supported");
    assert_true(got.created_ms > 0);
    vt_product_dispose(&got);

    /* Another organisation's product reads as absent. */
    assert_int_equal(vt_product_get(f->store, f->other_org, id, &got, &err), VT_ENOTFOUND);
    assert_int_equal(vt_product_get(f->store, 0, id, &got, &err), 0);
    vt_product_dispose(&got);

    /* The same name and model again: refused, naming the first. */
    p.org_id = f->org;
    p.name = vt_strdup("Gateway");
    p.model = vt_strdup("GW-100");
    p.type = vt_strdup("software");
    assert_int_equal(vt_product_add(f->store, &p, &existing, &err), VT_EINVALID);
    assert_int_equal(existing, id);
    assert_string_equal(err.field, "/name");
    /* ... but another organisation may have one of that name. */
    p.org_id = f->other_org;
    assert_int_equal(vt_product_add(f->store, &p, &existing, &err), 0);
    assert_int_equal(existing, 0);
    assert_true(p.id != id);
    vt_product_dispose(&p);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vt_product q = VT_PRODUCT_INIT;

        q.org_id = f->org;
        q.name = vt_strdup(bad[i].name);
        q.model = vt_strdup(bad[i].model);
        q.type = bad[i].type ? vt_strdup(bad[i].type) : NULL;
        q.support_status = bad[i].status ? vt_strdup(bad[i].status) : NULL;
        vt_error_clear(&err);
        assert_int_equal(vt_product_add(f->store, &q, NULL, &err), VT_EINVALID);
        assert_string_equal(err.field, bad[i].field);
        vt_product_dispose(&q);
    }
}

typedef struct list_ctx {
    char names[8][64];
    size_t n;
} list_ctx;

static int collect(void *ctx, const vt_product *p)
{
    list_ctx *c = ctx;

    if (c->n < 8)
        snprintf(c->names[c->n++], sizeof(c->names[0]), "%s", p->name);
    return 0;
}

static void test_products__list_and_update(void **state)
{
    fixture *f = *state;
    vt_product_patch patch = {0};
    vt_product now = VT_PRODUCT_INIT;
    vt_error err = VT_ERROR_INIT;
    list_ctx lc;
    int64_t a, b, existing = 0;

    b = add_product(f, "Zeta", "", "software");
    a = add_product(f, "Alpha", "A1", "system");
    memset(&lc, 0, sizeof(lc));
    assert_int_equal(vt_store_product_list(f->store, f->org, collect, &lc, &err), 0);
    assert_int_equal(lc.n, 2);
    assert_string_equal(lc.names[0], "Alpha");
    assert_string_equal(lc.names[1], "Zeta");
    memset(&lc, 0, sizeof(lc));
    assert_int_equal(vt_store_product_list(f->store, f->other_org, collect, &lc, &err), 0);
    assert_int_equal(lc.n, 0);

    patch.support_status = "end_of_life";
    patch.type = "network_service";
    assert_int_equal(vt_product_update(f->store, f->org, a, &patch, &now, &existing, &err), 0);
    assert_string_equal(now.support_status, "end_of_life");
    assert_string_equal(now.type, "network_service");
    assert_string_equal(now.name, "Alpha");
    vt_product_dispose(&now);

    /* Renaming onto another product is refused and names it. */
    memset(&patch, 0, sizeof(patch));
    patch.name = "Zeta";
    patch.model = "";
    assert_int_equal(vt_product_update(f->store, f->org, a, &patch, NULL, &existing, &err),
                     VT_EINVALID);
    assert_int_equal(existing, b);
    /* A bad value, and another organisation's product. */
    memset(&patch, 0, sizeof(patch));
    patch.support_status = "forever";
    assert_int_equal(vt_product_update(f->store, f->org, a, &patch, NULL, NULL, &err), VT_EINVALID);
    assert_string_equal(err.field, "/support_status");
    patch.support_status = "supported";
    assert_int_equal(vt_product_update(f->store, f->other_org, a, &patch, NULL, NULL, &err),
                     VT_ENOTFOUND);
    assert_int_equal(vt_product_get(f->store, f->org, a, &now, &err), 0);
    assert_string_equal(now.support_status, "end_of_life");
    vt_product_dispose(&now);
}

/* ------------------------------------------------------------------------ */
/* Versions and SBOMs                                                       */

static void test_products__sbom_import(void **state)
{
    fixture *f = *state;
    vt_product_version_in in = {0};
    vt_product_version v = VT_PRODUCT_VERSION_INIT;
    vt_error err = VT_ERROR_INIT;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[65];
    char *stored = NULL;
    size_t stored_len = 0, i;
    bool created = false;
    int64_t id = add_product(f, "Bridge", "", "software");

    /* A version without SBOM first. */
    in.support_status = "security_only";
    assert_int_equal(vt_product_version_put(f->store, f->org, id, "1.6.3", &in, &created, &v, &err),
                     0);
    assert_true(created);
    assert_string_equal(v.support_status, "security_only");
    assert_null(v.sbom_format);
    assert_int_equal(v.imported_ms, 0);
    vt_product_version_dispose(&v);

    /* Then its SBOM: the status stays, the SBOM is stored as given. */
    memset(&in, 0, sizeof(in));
    in.sbom = f->sbom.ptr;
    in.sbom_len = f->sbom.len;
    in.now_ms = 1767225600000;
    assert_int_equal(vt_product_version_put(f->store, f->org, id, "1.6.3", &in, &created, &v, &err),
                     0);
    assert_false(created);
    assert_string_equal(v.support_status, "security_only");
    assert_string_equal(v.sbom_format, "CycloneDX");
    assert_int_equal(v.components, kit_component_count(PROTON));
    assert_int_equal(v.imported_ms, 1767225600000);
    crypto_hash_sha256(digest, (const unsigned char *)f->sbom.ptr, f->sbom.len);
    for (i = 0; i < sizeof(digest); i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    assert_string_equal(v.sbom_sha256, hex);
    vt_product_version_dispose(&v);
    assert_int_equal(
        vt_store_product_version_get(f->store, id, "1.6.3", &v, &stored, &stored_len, &err), 0);
    assert_int_equal(stored_len, f->sbom.len);
    assert_memory_equal(stored, f->sbom.ptr, stored_len);
    vt_free(stored);
    vt_product_version_dispose(&v);

    /* An SPDX document is told apart by content. */
    {
        vt_buf spdx = VT_BUF_INIT;

        vt_test_read_fixture(
            &spdx, "VT_DATA_DIR",
            "sbom/spdx/presentations_OSS-NA-2023_SPDXVersion2.3_01-MinimalSBOM.json");
        memset(&in, 0, sizeof(in));
        in.sbom = spdx.ptr;
        in.sbom_len = spdx.len;
        assert_int_equal(vt_product_version_put(f->store, f->org, id, "2.0", &in, NULL, &v, &err),
                         0);
        assert_string_equal(v.sbom_format, "SPDX");
        assert_true(v.components >= 1);
        vt_product_version_dispose(&v);
        vt_buf_dispose(&spdx);
    }
}

static void test_products__bad_sboms(void **state)
{
    static const struct {
        const char *text;
        int code;
        const char *field;
        const char *msg_part;
    } bad[] = {
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",", VT_EINVALID, "/sbom",
         "malformed JSON at byte"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"type\":"
         "\"library\",\"name\":5}]}",
         VT_EINVALID, "/sbom/components/0/name", "/components/0/name: expected a string"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":{}}", VT_EINVALID,
         "/sbom/components", "/components: expected an array"},
        {"{\"hello\":\"world\"}", VT_EUNSUPPORTED, "/sbom", ""},
        {"[]", VT_EUNSUPPORTED, "/sbom", ""},
    };
    fixture *f = *state;
    vt_product_version v = VT_PRODUCT_VERSION_INIT;
    vt_error err = VT_ERROR_INIT;
    int64_t id = add_product(f, "Broken", "", "software");
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vt_product_version_in in = {0};

        in.sbom = bad[i].text;
        in.sbom_len = strlen(bad[i].text);
        vt_error_clear(&err);
        assert_int_equal(vt_product_version_put(f->store, f->org, id, "1.0", &in, NULL, NULL, &err),
                         bad[i].code);
        assert_string_equal(err.field, bad[i].field);
        if (!strstr(err.msg, bad[i].msg_part))
            fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg, bad[i].msg_part);
    }
    /* Nothing was created by the refused imports. */
    assert_int_equal(vt_store_product_version_get(f->store, id, "1.0", &v, NULL, NULL, &err),
                     VT_ENOTFOUND);
    /* Bad version names and statuses. */
    {
        vt_product_version_in in = {0};

        assert_int_equal(vt_product_version_put(f->store, f->org, id, "", &in, NULL, NULL, &err),
                         VT_EINVALID);
        assert_string_equal(err.field, "/version");
        assert_int_equal(
            vt_product_version_put(f->store, f->org, id, "1.0/2", &in, NULL, NULL, &err),
            VT_EINVALID);
        assert_string_equal(err.field, "/version");
        in.support_status = "eol";
        assert_int_equal(vt_product_version_put(f->store, f->org, id, "1", &in, NULL, NULL, &err),
                         VT_EINVALID);
        assert_string_equal(err.field, "/support_status");
        in.support_status = NULL;
        assert_int_equal(
            vt_product_version_put(f->store, f->other_org, id, "1", &in, NULL, NULL, &err),
            VT_ENOTFOUND);
    }
}

/* ------------------------------------------------------------------------ */
/* Findings                                                                 */

static const vt_finding *find(const vt_scan_report *r, const char *id, const char *purl)
{
    size_t i;

    for (i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].id, id) == 0 && strcmp(r->findings[i].purl, purl) == 0)
            return &r->findings[i];
    return NULL;
}

static bool has_alias(const vt_finding *x, const char *alias)
{
    size_t i;

    for (i = 0; i < x->naliases; i++)
        if (strcmp(x->aliases[i], alias) == 0)
            return true;
    return false;
}

static void test_products__findings(void **state)
{
    fixture *f = *state;
    vt_error err = VT_ERROR_INIT;
    vt_scan *scan = NULL;
    const vt_scan_report *r;
    const vt_finding *x;
    vt_product_version_in in = {0};
    int64_t id = add_product(f, "Bridge", "", "software");
    size_t i;

    import_sbom(f, id, "1.6.3");
    assert_int_equal(vt_product_findings(f->store, f->org, id, "1.6.3", &scan, &err), 0);
    r = vt_scan_get_report(scan);
    assert_int_equal(r->nsboms, 1);
    assert_string_equal(r->sboms[0].path, "Bridge@1.6.3");
    assert_true(r->nfindings > 0);

    /* gin v1.4.0 is affected by GO-2020-0001 (fixed in 1.6.0). */
    x = find(r, "GO-2020-0001", GIN_PURL);
    assert_non_null(x);
    assert_string_equal(x->ecosystem, "Go");
    assert_string_equal(x->version, "v1.4.0");
    assert_true(has_alias(x, "CVE-2020-36567"));
    assert_int_equal(x->nfixed_versions, 1);
    assert_string_equal(x->fixed_versions[0], "1.6.0");
    assert_null(x->kev);

    /* Our advisory with a CVSS vector: scored and graded. */
    x = find(r, "VT-TEST-2026-1", GIN_PURL);
    assert_non_null(x);
    assert_int_equal(x->ncvss, 1);
    assert_int_equal(x->best_score10, 98);
    assert_int_equal(x->grade.level, VT_GRADE_CRITICAL);

    /* Fixed before the installed version: no finding. */
    for (i = 0; i < r->nfindings; i++)
        assert_string_not_equal(r->findings[i].id, "VT-TEST-2026-2");
    vt_scan_free(scan);
    scan = NULL;

    /* Another organisation, an unknown version, a version without SBOM. */
    assert_int_equal(vt_product_findings(f->store, f->other_org, id, "1.6.3", &scan, &err),
                     VT_ENOTFOUND);
    assert_null(scan);
    assert_int_equal(vt_product_findings(f->store, f->org, id, "9.9", &scan, &err), VT_ENOTFOUND);
    assert_int_equal(vt_product_version_put(f->store, f->org, id, "2.0", &in, NULL, NULL, &err), 0);
    assert_int_equal(vt_product_findings(f->store, f->org, id, "2.0", &scan, &err), VT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no SBOM"));
}

/* ------------------------------------------------------------------------ */
/* Finding to case                                                          */

/* ------------------------------------------------------------------------ */
/* Finding to case                                                          */

typedef struct policies {
    struct vt_policy_set *ps;
    struct vt_calendar_set *cs;
} policies;

static policies load_policies(void)
{
    const char *src = getenv("VT_SOURCE_DIR");
    char dir[4096];
    vt_error err = VT_ERROR_INIT;
    policies p = {NULL, NULL};

    assert_non_null(src);
    snprintf(dir, sizeof(dir), "%s/data/policy", src);
    if (vt_policy_set_load_dir(dir, &p.ps, &err) != 0)
        fail_msg("policies: %s", err.msg);
    snprintf(dir, sizeof(dir), "%s/data/calendars", src);
    if (vt_calendar_set_load_dir(dir, &p.cs, &err) != 0)
        fail_msg("calendars: %s", err.msg);
    return p;
}

/* Finding to case in its own transaction, as the server's writer runs it. */
static int to_case(fixture *f, const policies *pol, int64_t org, int64_t id, const char *version,
                   const char *advisory, const char *purl, char ref[32], char existing[32],
                   vt_error *err)
{
    int64_t case_id = 0;
    int rc;

    assert_int_equal(vt_store_begin(f->store, err), 0);
    rc = vt_product_finding_to_case(f->store, org, id, version, advisory, purl, "user:tester",
                                    pol->ps, pol->cs, &case_id, ref, existing, err);
    if (rc == 0) {
        assert_true(case_id > 0);
        assert_int_equal(vt_store_commit(f->store, err), 0);
    } else {
        vt_store_rollback(f->store);
    }
    return rc;
}

static const cJSON *member(const cJSON *o, const char *key)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!m)
        fail_msg("no member '%s'", key);
    return m;
}

static const char *str_member(const cJSON *o, const char *key)
{
    const cJSON *m = member(o, key);

    if (!cJSON_IsString(m))
        fail_msg("member '%s' is not a string", key);
    return m->valuestring;
}

static bool has_identifier(const cJSON *ids, const char *scheme, const char *id)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, ids)
    {
        if (strcmp(str_member(e, "scheme"), scheme) == 0 && strcmp(str_member(e, "id"), id) == 0)
            return true;
    }
    return false;
}

static bool has_obligation(fixture *f, const policies *pol, int64_t case_id, const char *name)
{
    vt_obligation_filter flt = VT_OBLIGATION_FILTER_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *list = NULL;
    const cJSON *e;
    bool found = false;

    flt.case_id = case_id;
    if (vt_obligations_query(f->store, pol->ps, &flt, &list, &err) != 0)
        fail_msg("obligations: %s", err.msg);
    cJSON_ArrayForEach(e, list)
    {
        if (strcmp(str_member(e, "obligation"), name) == 0)
            found = true;
    }
    cJSON_Delete(list);
    return found;
}

static int count_case(void *ctx, const char *advisory_id, const char *ref)
{
    size_t *n = ctx;

    assert_true(strcmp(advisory_id, "VT-TEST-2026-1") == 0 ||
                strcmp(advisory_id, "GO-2020-0001") == 0);
    assert_int_equal(strncmp(ref, "VT-", 3), 0);
    (*n)++;
    return 0;
}

static void test_products__finding_to_case(void **state)
{
    fixture *f = *state;
    policies pol = load_policies();
    vt_error err = VT_ERROR_INIT;
    vt_case c = VT_CASE_INIT;
    char ref[32], existing[32], ref2[32];
    cJSON *doc = NULL;
    const cJSON *prods, *p0, *up, *src, *cvss;
    int64_t id = add_product(f, "Bridge", "PB-1", "network_service");

    import_sbom(f, id, "1.6.3");
    assert_int_equal(
        to_case(f, &pol, f->org, id, "1.6.3", "VT-TEST-2026-1", NULL, ref, existing, &err), 0);
    assert_string_equal(existing, "");
    assert_int_equal(strncmp(ref, "VT-", 3), 0);

    assert_int_equal(vt_store_case_get(f->store, 0, ref, &c, &err), 0);
    assert_int_equal(c.org_id, f->org);
    assert_string_equal(c.title, "VT-TEST-2026-1 in github.com/gin-gonic/gin (Bridge 1.6.3)");
    assert_string_equal(c.scope, "own_product");
    assert_int_equal(vt_json_parse(&doc, c.doc, strlen(c.doc), &err), 0);

    prods = member(doc, "products");
    assert_int_equal(cJSON_GetArraySize(prods), 1);
    p0 = cJSON_GetArrayItem(prods, 0);
    assert_int_equal((int64_t)member(p0, "product_id")->valuedouble, id);
    assert_string_equal(str_member(p0, "name"), "Bridge");
    assert_string_equal(str_member(p0, "model"), "PB-1");
    assert_string_equal(cJSON_GetArrayItem(member(p0, "versions"), 0)->valuestring, "1.6.3");
    assert_string_equal(str_member(doc, "product_type"), "network_service");

    up = member(doc, "upstream");
    assert_string_equal(str_member(up, "purl"), GIN_PURL);
    assert_string_equal(str_member(up, "provider"), "github.com/gin-gonic");

    assert_true(has_identifier(member(doc, "identifiers"), "CVE", "CVE-2099-0001"));
    assert_true(has_identifier(member(doc, "identifiers"), "GHSA", "GHSA-aaaa-bbbb-cccc"));
    assert_int_equal(cJSON_GetArraySize(member(doc, "identifiers")), 2);
    cvss = cJSON_GetArrayItem(member(doc, "cvss"), 0);
    assert_non_null(cvss);
    assert_string_equal(str_member(cvss, "vector"), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_true(member(cvss, "score")->valuedouble == 9.8);
    assert_string_equal(cJSON_GetArrayItem(member(doc, "cwe"), 0)->valuestring, "CWE-79");

    src = member(doc, "source_finding");
    assert_string_equal(str_member(src, "advisory_id"), "VT-TEST-2026-1");
    assert_string_equal(str_member(src, "version"), "1.6.3");
    assert_int_equal((int64_t)member(src, "product_id")->valuedouble, id);
    assert_string_equal(str_member(src, "purl"), GIN_PURL);
    assert_string_equal(str_member(src, "installed_version"), "v1.4.0");
    assert_string_equal(cJSON_GetArrayItem(member(src, "fixed_versions"), 0)->valuestring, "1.5.0");
    cJSON_Delete(doc);

    /* The organisation is under CN_RMSV_2021 and the case names its
     * upstream component: the upstream notice is owed. */
    assert_true(has_obligation(f, &pol, c.id, "CN-UPSTREAM"));
    assert_true(has_obligation(f, &pol, c.id, "CN-NVDB"));
    vt_case_dispose(&c);

    /* The same finding again: refused, naming the first case. */
    assert_int_equal(
        to_case(f, &pol, f->org, id, "1.6.3", "VT-TEST-2026-1", NULL, ref2, existing, &err),
        VT_EINVALID);
    assert_string_equal(existing, ref);
    assert_non_null(strstr(err.msg, ref));

    /* Another advisory on the same version is another case; a Go advisory
     * has no CVSS, and its GO- id has no identifier scheme. */
    assert_int_equal(
        to_case(f, &pol, f->org, id, "1.6.3", "GO-2020-0001", GIN_PURL, ref2, existing, &err), 0);
    assert_string_not_equal(ref2, ref);
    assert_int_equal(vt_store_case_get(f->store, 0, ref2, &c, &err), 0);
    assert_int_equal(vt_json_parse(&doc, c.doc, strlen(c.doc), &err), 0);
    assert_true(has_identifier(member(doc, "identifiers"), "CVE", "CVE-2020-36567"));
    assert_true(has_identifier(member(doc, "identifiers"), "GHSA", "GHSA-6vm3-jj99-7229"));
    assert_null(cJSON_GetObjectItemCaseSensitive(doc, "cvss"));
    assert_string_equal(str_member(member(doc, "source_finding"), "advisory_id"), "GO-2020-0001");
    cJSON_Delete(doc);
    vt_case_dispose(&c);

    /* The same advisory on another version of the product is another case. */
    import_sbom(f, id, "1.6.4");
    assert_int_equal(
        to_case(f, &pol, f->org, id, "1.6.4", "VT-TEST-2026-1", NULL, ref2, existing, &err), 0);
    assert_string_not_equal(ref2, ref);

    /* No such finding, component, product for that organisation. */
    assert_int_equal(
        to_case(f, &pol, f->org, id, "1.6.3", "VT-TEST-2026-2", NULL, ref2, existing, &err),
        VT_ENOTFOUND);
    assert_int_equal(
        to_case(f, &pol, f->org, id, "1.6.3", "GO-2020-0017", GIN_PURL, ref2, existing, &err),
        VT_ENOTFOUND);
    assert_int_equal(
        to_case(f, &pol, f->other_org, id, "1.6.3", "GO-2022-0603", NULL, ref2, existing, &err),
        VT_ENOTFOUND);

    /* The cases of a version, as the findings list marks them. */
    {
        size_t n = 0;

        assert_int_equal(
            vt_store_product_cases_of_version(f->store, f->org, id, "1.6.3", count_case, &n, &err),
            0);
        assert_int_equal(n, 2);
    }
    vt_policy_set_free(pol.ps);
    vt_calendar_set_free(pol.cs);
}

/*
 * What a step may answer when allocation n fails: VT_ENOMEM; or, when the
 * failure hit cJSON while the scanner parsed an advisory, no finding
 * (VT_ENOTFOUND): cJSON reports a failed allocation as a syntax error, and
 * the scanner leaves out an advisory that does not parse. Either needs an
 * injected failure: without one the step must succeed.
 */
static void check_oom_outcome(long n, int rc, bool injected, const vt_error *err)
{
    if (rc == 0)
        return;
    if (!injected)
        fail_msg("allocation %ld: %s without an injected failure (%s)", n, vt_error_name(rc),
                 err->msg);
    if (rc != VT_ENOMEM && rc != VT_ENOTFOUND)
        fail_msg("allocation %ld: %s (%s)", n, vt_error_name(rc), err->msg);
}

/* Reading an SBOM and building a case from a finding fail cleanly when an
 * allocation fails: nothing leaked (the sanitizer build checks), and they
 * succeed once the allocations they need are there. */
static void test_products__allocation_failures(void **state)
{
    static const char small[] =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,\"components\":["
        "{\"type\":\"library\",\"name\":\"github.com/gin-gonic/gin\",\"version\":\"v1.4.0\","
        "\"purl\":\"" GIN_PURL "\"}]}";
    fixture *f = *state;
    policies pol = load_policies();
    vt_product_version_in in = {0};
    vt_product_sbom checked;
    vt_error err = VT_ERROR_INIT;
    int64_t id = add_product(f, "Small", "", "software");
    char ref[32], existing[32];
    bool injected;
    long n;
    int rc = VT_ENOMEM;

    in.sbom = small;
    in.sbom_len = strlen(small);
    for (n = 0; rc != 0 && n < 100000; n++) {
        vt_alloc_fail_after(n);
        rc = vt_product_sbom_check(small, strlen(small), NULL, &checked, &err);
        vt_alloc_fail_after(-1);
        if (rc != 0)
            assert_int_equal(rc, VT_ENOMEM);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(checked.components, 1);
    assert_int_equal(vt_product_version_put(f->store, f->org, id, "1", &in, NULL, NULL, &err), 0);

    rc = VT_ENOMEM;
    for (n = 0; rc != 0 && n < 100000; n++) {
        vt_product_case_draft d = VT_PRODUCT_CASE_DRAFT_INIT;

        vt_alloc_fail_after(n);
        rc = vt_product_case_draft_build(f->store, f->org, id, "1", "VT-TEST-2026-1", NULL, &d,
                                         &err);
        injected = vt_alloc_failure_injected();
        vt_alloc_fail_after(-1);
        check_oom_outcome(n, rc, injected, &err);
        if (rc != 0)
            assert_null(d.doc);
        else
            assert_non_null(d.doc);
        vt_product_case_draft_dispose(&d);
    }
    assert_int_equal(rc, 0);

    /* Opening the case is not looped: the cases module's ledger entry and
     * obligations parse JSON with cJSON too, where an allocation failure
     * reads as bad input (VT_EINVALID), not as VT_ENOMEM. */
    assert_int_equal(to_case(f, &pol, f->org, id, "1", "VT-TEST-2026-1", NULL, ref, existing, &err),
                     0);
    vt_policy_set_free(pol.ps);
    vt_calendar_set_free(pol.cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_products__add_and_validate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_products__list_and_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_products__sbom_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_products__bad_sboms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_products__findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_products__finding_to_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_products__allocation_failures, setup, teardown),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
