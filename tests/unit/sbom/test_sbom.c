/*
 * test_sbom.c - CycloneDX and SPDX readers and the JSON Schema validator.
 *
 * The expected component counts come from the data kit's SOURCES.md tables
 * (read at test time, so documents added there are checked too); its counts
 * leave out CycloneDX metadata.component, so they are compared with the
 * components that are not is_metadata.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "../test_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/jsonschema.h"
#include "vulntrack/sbom.h"
#include "vulntrack/strparse.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

typedef struct expected_doc {
    char dir[16];   /* "cyclonedx" or "spdx" */
    char file[160];
    char spec[16];
    uint64_t count;
} expected_doc;

static size_t count_plain(const vt_sbom *s)
{
    size_t i, n = 0;

    for (i = 0; i < s->ncomponents; i++)
        if (!s->components[i].is_metadata)
            n++;
    return n;
}

static size_t count_unidentified(const vt_sbom *s)
{
    size_t i, n = 0;

    for (i = 0; i < s->ncomponents; i++)
        if (!s->components[i].purl)
            n++;
    return n;
}

/* Copy the trimmed cell text[0..len) into out (size n); false when it does not fit. */
static bool cell(char *out, size_t n, const char *text, size_t len)
{
    while (len > 0 && (*text == ' ' || *text == '`')) {
        text++;
        len--;
    }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '`'))
        len--;
    if (len + 1 > n)
        return false;
    memcpy(out, text, len);
    out[len] = '\0';
    return true;
}

/*
 * Read the rows of the "### sbom/cyclonedx/" and "### sbom/spdx/" tables of
 * SOURCES.md: | file | spec | components | bytes | source |.
 */
static size_t read_sources(expected_doc **out)
{
    vt_buf b = VT_BUF_INIT;
    expected_doc *docs = NULL;
    size_t n = 0, cap = 0;
    const char *p, *end, *eol, *cells[6];
    size_t ncells;
    char section[16] = "";
    char num[32], digits[32];
    size_t i, k;

    vt_test_read_fixture(&b, "VT_DATA_DIR", "SOURCES.md");
    p = b.ptr;
    end = b.ptr + b.len;
    for (; p < end; p = eol + 1) {
        eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (strncmp(p, "### sbom/cyclonedx/", 19) == 0) {
            snprintf(section, sizeof(section), "%s", "cyclonedx");
            continue;
        }
        if (strncmp(p, "### sbom/spdx/", 14) == 0) {
            snprintf(section, sizeof(section), "%s", "spdx");
            continue;
        }
        if (strncmp(p, "## ", 3) == 0 || (strncmp(p, "### ", 4) == 0)) {
            section[0] = '\0';
            continue;
        }
        if (!section[0] || *p != '|')
            continue;
        ncells = 0;
        for (const char *q = p; q < eol && ncells < 6; q++)
            if (*q == '|')
                cells[ncells++] = q;
        if (ncells < 6)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            docs = realloc(docs, cap * sizeof(*docs));
            assert_non_null(docs);
        }
        if (!cell(docs[n].file, sizeof(docs[n].file), cells[0] + 1,
                  (size_t)(cells[1] - cells[0] - 1)) ||
            !cell(docs[n].spec, sizeof(docs[n].spec), cells[1] + 1,
                  (size_t)(cells[2] - cells[1] - 1)) ||
            !cell(num, sizeof(num), cells[2] + 1, (size_t)(cells[3] - cells[2] - 1)))
            continue;
        /* Header and separator rows have no digits in the count column. */
        for (i = 0, k = 0; num[i] && k + 1 < sizeof(digits); i++)
            if (num[i] != ',')
                digits[k++] = num[i];
        digits[k] = '\0';
        if (k == 0 || vt_parse_u64(&docs[n].count, digits, k) != 0)
            continue;
        snprintf(docs[n].dir, sizeof(docs[n].dir), "%s", section);
        n++;
    }
    vt_buf_dispose(&b);
    *out = docs;
    return n;
}

static int parse_fixture(vt_sbom **out, const char *rel, vt_error *err)
{
    vt_buf b = VT_BUF_INIT;
    int rc;

    vt_test_read_fixture(&b, "VT_DATA_DIR", rel);
    rc = vt_sbom_parse(out, b.ptr, b.len, err);
    vt_buf_dispose(&b);
    return rc;
}

static vt_sbom *must_parse(const char *rel)
{
    vt_error err = VT_ERROR_INIT;
    vt_sbom *s = NULL;
    int rc = parse_fixture(&s, rel, &err);

    if (rc != 0)
        fail_msg("%s: %s", rel, err.msg);
    return s;
}

static int parse_str(vt_sbom **out, const char *text, vt_error *err)
{
    return vt_sbom_parse(out, text, strlen(text), err);
}

static const vt_sbom_component *find_ref(const vt_sbom *s, const char *ref)
{
    size_t i;

    for (i = 0; i < s->ncomponents; i++)
        if (s->components[i].bom_ref && strcmp(s->components[i].bom_ref, ref) == 0)
            return &s->components[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Readers                                                             */
/* ------------------------------------------------------------------ */

static void test_sbom__sources_counts(void **state)
{
    expected_doc *docs = NULL;
    size_t n, i, ncdx = 0, nspdx = 0;
    char rel[256];

    (void)state;
    n = read_sources(&docs);
    for (i = 0; i < n; i++) {
        vt_sbom *s;

        snprintf(rel, sizeof(rel), "sbom/%s/%s", docs[i].dir, docs[i].file);
        s = must_parse(rel);
        if (count_plain(s) != docs[i].count)
            fail_msg("%s: %zu components, SOURCES.md says %llu", rel, count_plain(s),
                     (unsigned long long)docs[i].count);
        if (strcmp(s->spec_version, docs[i].spec) != 0)
            fail_msg("%s: spec version %s, SOURCES.md says %s", rel, s->spec_version,
                     docs[i].spec);
        if (strcmp(docs[i].dir, "cyclonedx") == 0) {
            assert_int_equal(s->format, VT_SBOM_CYCLONEDX);
            ncdx++;
        } else {
            assert_int_equal(s->format, VT_SBOM_SPDX);
            nspdx++;
        }
        vt_sbom_free(s);
    }
    /* The tables of the kit this was written against: 47 CycloneDX, 13 SPDX. */
    assert_true(ncdx >= 47);
    assert_true(nspdx >= 13);
    free(docs);
}

/* Every document in the two folders loads, listed in SOURCES.md or not. */
static void test_sbom__every_file_loads(void **state)
{
    static const char *const dirs[] = {"sbom/cyclonedx", "sbom/spdx"};
    const char *data = getenv("VT_DATA_DIR");
    char path[4096], rel[512];
    size_t i, seen = 0;

    (void)state;
    assert_non_null(data);
    for (i = 0; i < 2; i++) {
        DIR *d;
        struct dirent *e;

        snprintf(path, sizeof(path), "%s/%s", data, dirs[i]);
        d = opendir(path);
        if (!d)
            fail_msg("cannot open %s", path);
        while ((e = readdir(d)) != NULL) {
            size_t len = strlen(e->d_name);
            vt_sbom *s;

            if (len < 5 || strcmp(e->d_name + len - 5, ".json") != 0)
                continue;
            snprintf(rel, sizeof(rel), "%s/%s", dirs[i], e->d_name);
            s = must_parse(rel);
            assert_string_equal(vt_sbom_format_name(s->format), i == 0 ? "CycloneDX" : "SPDX");
            vt_sbom_free(s);
            seen++;
        }
        closedir(d);
    }
    assert_true(seen >= 60);
}

static void test_sbom__cyclonedx_nested(void **state)
{
    vt_sbom *s = must_parse("sbom/cyclonedx/SBOM_juice-shop_via_npm_bare_bom.1.2.json");
    const vt_sbom_component *c;

    (void)state;
    assert_int_equal(s->format, VT_SBOM_CYCLONEDX);
    assert_string_equal(s->spec_version, "1.2");
    assert_int_equal(s->ncomponents, 1116);
    assert_int_equal(count_plain(s), 1115);
    /* metadata.component first, flagged. */
    assert_true(s->components[0].is_metadata);
    assert_string_equal(s->components[0].pointer, "/metadata/component");
    assert_string_equal(s->components[0].bom_ref, "juice-shop@14.1.1");
    assert_string_equal(s->name, "juice-shop");
    c = find_ref(s, "@mapbox/node-pre-gyp@1.0.10");
    assert_non_null(c);
    assert_string_equal(c->pointer, "/components/7");
    assert_int_equal(c->depth, 0);
    assert_string_equal(c->group, "@mapbox");
    assert_string_equal(c->name, "node-pre-gyp");
    assert_string_equal(c->purl, "pkg:npm/%40mapbox/node-pre-gyp@1.0.10");
    /* Depth-first: the first child follows its parent directly. */
    assert_string_equal(c[1].pointer, "/components/7/components/0");
    assert_int_equal(c[1].depth, 1);
    assert_string_equal(c[1].bom_ref, "@mapbox/node-pre-gyp@1.0.10|ansi-regex@5.0.1");
    assert_string_equal(c[1].version, "5.0.1");
    c = find_ref(s, "@mapbox/node-pre-gyp@1.0.10|make-dir@3.1.0|semver@6.3.0");
    assert_non_null(c);
    assert_string_equal(c->pointer, "/components/7/components/5/components/0");
    assert_int_equal(c->depth, 2);
    assert_false(c->is_metadata);
    assert_int_equal(s->ndependencies, 1116);
    assert_string_equal(s->dependencies[0].ref, "@babel/helper-string-parser@7.19.4");
    assert_int_equal(s->dependencies[0].ndepends_on, 0);
    assert_int_equal(count_unidentified(s), 0);
    vt_sbom_free(s);
}

static void test_sbom__cyclonedx_fields(void **state)
{
    vt_sbom *s;
    const vt_sbom_component *c;

    (void)state;
    s = must_parse("sbom/cyclonedx/SBOM_laravel-7.12.0_bom.1.4.json");
    c = find_ref(s, "asm89/stack-cors-1.3.0.0");
    assert_non_null(c);
    assert_string_equal(c->purl, "pkg:composer/asm89/stack-cors@1.3.0");
    assert_string_equal(c->type, "library");
    assert_string_equal(c->group, "asm89");
    assert_string_equal(c->pointer, "/components/0");
    vt_sbom_free(s);

    /* Hardware and crypto assets have no purl: counted, not dropped. */
    s = must_parse("sbom/cyclonedx/HBOM_PCIe-SATA-adapter-board_bom.json");
    assert_int_equal(count_plain(s), 6);
    assert_int_equal(count_unidentified(s), 7); /* six parts and the board itself */
    assert_string_equal(s->components[1].type, "device");
    vt_sbom_free(s);
    s = must_parse("sbom/cyclonedx/CBOM_Algorithm_bom.json");
    assert_string_equal(s->spec_version, "1.6");
    assert_string_equal(s->components[1].type, "cryptographic-asset");
    assert_string_equal(s->components[1].name, "AES-128-GCM");
    assert_null(s->components[1].purl);
    vt_sbom_free(s);

    /* VEX documents: no components, valid. */
    s = must_parse("sbom/cyclonedx/VEX_vex.json");
    assert_int_equal(s->ncomponents, 0);
    assert_null(s->components);
    vt_sbom_free(s);
}

static void test_sbom__spdx_fields(void **state)
{
    vt_sbom *s;
    const vt_sbom_component *c;
    size_t i;
    bool found = false;

    (void)state;
    s = must_parse("sbom/spdx/software_example9_spdx2.2_appbomination.spdx.json");
    assert_int_equal(s->format, VT_SBOM_SPDX);
    assert_string_equal(s->spec_version, "SPDX-2.2");
    assert_int_equal(s->ncomponents, 7);
    c = find_ref(s, "SPDXRef-23");
    assert_non_null(c);
    assert_string_equal(c->name, "hamcrest-core");
    assert_string_equal(c->version, "1.3");
    assert_string_equal(c->purl, "pkg:maven/org.hamcrest/hamcrest-core@1.3");
    assert_string_equal(c->pointer, "/packages/3");
    assert_int_equal(c->depth, 0);
    assert_false(c->is_metadata);
    assert_int_equal(count_unidentified(s), 3);
    /* "SPDXRef-23 DEPENDENCY_OF SPDXRef-22" is the edge 22 -> 23. */
    for (i = 0; i < s->ndependencies; i++)
        if (strcmp(s->dependencies[i].ref, "SPDXRef-22") == 0) {
            assert_int_equal(s->dependencies[i].ndepends_on, 1);
            assert_string_equal(s->dependencies[i].depends_on[0], "SPDXRef-23");
            found = true;
        }
    assert_true(found);
    vt_sbom_free(s);

    s = must_parse("sbom/spdx/spdx-spec_examples_SPDXJSONExample-v2.3.spdx.json");
    assert_string_equal(s->spec_version, "SPDX-2.3");
    assert_string_equal(s->serial_number,
                        "http://spdx.org/spdxdocs/spdx-example-444504E0-4F89-41D3-9A0C-0305E82C3301");
    c = find_ref(s, "SPDXRef-fromDoap-0");
    assert_non_null(c);
    assert_string_equal(c->purl, "pkg:maven/org.apache.jena/apache-jena@3.12.0");
    c = find_ref(s, "SPDXRef-Package");
    assert_non_null(c);
    assert_string_equal(c->type, "SOURCE");
    assert_null(c->purl); /* only a cpe23Type and an OTHER reference */
    vt_sbom_free(s);
}

static void test_sbom__spdx_both_category_spellings(void **state)
{
    static const char *const docs[] = {
        "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"SPDXID\":\"SPDXRef-a\",\"name\":\"a\","
        "\"externalRefs\":[{\"referenceCategory\":\"PACKAGE_MANAGER\",\"referenceType\":\"purl\","
        "\"referenceLocator\":\"pkg:pypi/a@1\"}]}]}",
        "{\"spdxVersion\":\"SPDX-2.2\",\"packages\":[{\"SPDXID\":\"SPDXRef-a\",\"name\":\"a\","
        "\"externalRefs\":[{\"referenceCategory\":\"SECURITY\",\"referenceType\":\"cpe23Type\","
        "\"referenceLocator\":\"cpe:2.3:a:x:a:1\"},{\"referenceCategory\":\"PACKAGE-MANAGER\","
        "\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:pypi/a@1\"}]}]}",
    };
    size_t i;

    (void)state;
    for (i = 0; i < 2; i++) {
        vt_error err = VT_ERROR_INIT;
        vt_sbom *s = NULL;

        assert_int_equal(parse_str(&s, docs[i], &err), 0);
        assert_string_equal(s->components[0].purl, "pkg:pypi/a@1");
        assert_string_equal(s->components[0].bom_ref, "SPDXRef-a");
        vt_sbom_free(s);
    }
}

static const struct {
    const char *doc;
    int code;
    const char *msg;
} rejections[] = {
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"type\":\"library\","
     "\"name\":\"a\"},{\"type\":\"library\",\"name\":\"b\"},{\"name\":\"c\"},{\"name\":\"d\"},{"
     "\"name\":7}]}",
     VT_EINVALID, "/components/4/name: expected a string, found a number"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"components\":[{\"name\":\"a\","
     "\"components\":[{\"name\":\"b\",\"purl\":[]}]}]}",
     VT_EINVALID, "/components/0/components/0/purl: expected a string, found an array"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"components\":{}}", VT_EINVALID,
     "/components: expected an array, found an object"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"components\":[1]}", VT_EINVALID,
     "/components/0: expected an object"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"metadata\":{\"component\":\"x\"}}",
     VT_EINVALID, "/metadata/component: expected an object, found a string"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"dependencies\":[{\"ref\":\"a\","
     "\"dependsOn\":[\"b\",3]}]}",
     VT_EINVALID, "/dependencies/0/dependsOn/1: expected a string"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"dependencies\":[{\"dependsOn\":[]}]}",
     VT_EINVALID, "/dependencies/0: missing \"ref\""},
    {"{\"bomFormat\":\"CycloneDX\"}", VT_EINVALID, "/specVersion: missing"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.1\"}", VT_EUNSUPPORTED,
     "/specVersion: CycloneDX \"1.1\" is not supported (1.2 to 1.6)"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.7\"}", VT_EUNSUPPORTED,
     "/specVersion: CycloneDX \"1.7\" is not supported (1.2 to 1.6)"},
    {"{\"bomFormat\":\"SWID\",\"specVersion\":\"1.4\"}", VT_EUNSUPPORTED,
     "/bomFormat: \"SWID\" is not a supported format (CycloneDX)"},
    {"{\"specVersion\":\"1.4\",\"components\":[]}", VT_EUNSUPPORTED,
     "/bomFormat: missing; a CycloneDX JSON document says \"bomFormat\": \"CycloneDX\""},
    {"<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"/>",
     VT_EUNSUPPORTED, "XML document: only JSON SBOMs are read (CycloneDX JSON, SPDX JSON)"},
    {"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n", VT_EUNSUPPORTED,
     "SPDX tag-value document: only SPDX JSON is read"},
    {"{\"@context\":\"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\",\"@graph\":[]}",
     VT_EUNSUPPORTED,
     "JSON-LD document (SPDX 3.0?): only SPDX 2.2/2.3 JSON and CycloneDX JSON are read"},
    {"{\"spdxVersion\":\"SPDX-2.1\"}", VT_EUNSUPPORTED,
     "/spdxVersion: \"SPDX-2.1\" is not supported (SPDX-2.2, SPDX-2.3)"},
    {"{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"SPDXID\":\"SPDXRef-a\",\"versionInfo\":1}]}",
     VT_EINVALID, "/packages/0/versionInfo: expected a string, found a number"},
    {"{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"externalRefs\":[{\"referenceType\":\"purl\","
     "\"referenceLocator\":false}]}]}",
     VT_EINVALID, "/packages/0/externalRefs/0/referenceLocator: expected a string"},
    {"{\"spdxVersion\":\"SPDX-2.3\",\"relationships\":[{\"spdxElementId\":\"a\","
     "\"relationshipType\":\"DEPENDS_ON\"}]}",
     VT_EINVALID, "/relationships/0: missing \"relatedSpdxElement\""},
    {"[1, 2]", VT_EUNSUPPORTED,
     "not a CycloneDX or SPDX JSON document: the top level is an array, not an object"},
    {"{\"name\":\"x\"}", VT_EUNSUPPORTED,
     "not a CycloneDX or SPDX JSON document (neither bomFormat nor spdxVersion)"},
};

static void test_sbom__rejections(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rejections) / sizeof(rejections[0]); i++) {
        vt_error err = VT_ERROR_INIT;
        vt_sbom *s = (vt_sbom *)&err; /* must be reset to NULL */
        int rc = parse_str(&s, rejections[i].doc, &err);

        if (rc != rejections[i].code || strcmp(err.msg, rejections[i].msg) != 0)
            fail_msg("row %zu: got %d \"%s\", want %d \"%s\"", i, rc, err.msg,
                     rejections[i].code, rejections[i].msg);
        assert_null(s);
    }
}

static void test_sbom__malformed_json_offset(void **state)
{
    static const char doc[] = "\xEF\xBB\xBF {\"components\": [1,, 2]}";
    vt_error err = VT_ERROR_INIT;
    vt_sbom *s = NULL;

    (void)state;
    assert_int_equal(vt_sbom_parse(&s, doc, sizeof(doc) - 1, &err), VT_EINVALID);
    assert_null(s);
    /* The offset counts from the start of the input, byte order mark included. */
    assert_int_equal(err.offset, 22);
    assert_string_equal(err.msg, "malformed JSON at byte 22");
}

/* Every allocation of a parse may fail: VT_ENOMEM, nothing leaked (ASan checks). */
static void test_sbom__allocation_failures(void **state)
{
    static const char *const files[] = {
        "sbom/cyclonedx/VEX_bom.json",
        "sbom/cyclonedx/HBOM_PCIe-SATA-adapter-board_bom.json",
        "sbom/spdx/software_example9_spdx2.2_appbomination.spdx.json",
    };
    size_t f;

    (void)state;
    for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        vt_buf b = VT_BUF_INIT;
        long n;
        bool done = false;

        vt_test_read_fixture(&b, "VT_DATA_DIR", files[f]);
        for (n = 0; !done && n < 100000; n++) {
            vt_error err = VT_ERROR_INIT;
            vt_sbom *s = NULL;
            int rc;

            vt_alloc_fail_after(n);
            rc = vt_sbom_parse(&s, b.ptr, b.len, &err);
            if (!vt_alloc_failure_injected()) {
                assert_int_equal(rc, 0);
                done = true;
            } else {
                if (rc != VT_ENOMEM)
                    fail_msg("%s: allocation %ld failed, got %d (%s)", files[f], n, rc, err.msg);
                assert_null(s);
            }
            vt_alloc_fail_after(-1);
            vt_sbom_free(s);
        }
        assert_true(done);
        vt_buf_dispose(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sbom__sources_counts),
        cmocka_unit_test(test_sbom__every_file_loads),
        cmocka_unit_test(test_sbom__cyclonedx_nested),
        cmocka_unit_test(test_sbom__cyclonedx_fields),
        cmocka_unit_test(test_sbom__spdx_fields),
        cmocka_unit_test(test_sbom__spdx_both_category_spellings),
        cmocka_unit_test(test_sbom__rejections),
        cmocka_unit_test(test_sbom__malformed_json_offset),
        cmocka_unit_test(test_sbom__allocation_failures),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
