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
    char dir[16]; /* "cyclonedx" or "spdx" */
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

/* The number in "### sbom/<dir>/ (N files; ...)"; fails the test when absent. */
static uint64_t heading_files(const char *line, const char *eol)
{
    const char *open = memchr(line, '(', (size_t)(eol - line));
    const char *q;
    uint64_t n = 0;

    if (!open)
        fail_msg("SOURCES.md: no file count in heading %.*s", (int)(eol - line), line);
    for (q = open + 1; q < eol && vt_is_digit((unsigned char)*q); q++)
        ;
    if (q == open + 1 || vt_parse_u64(&n, open + 1, (size_t)(q - open - 1)) != 0 ||
        strncmp(q, " files", 6) != 0)
        fail_msg("SOURCES.md: no file count in heading %.*s", (int)(eol - line), line);
    return n;
}

/*
 * Read the rows of the "### sbom/cyclonedx/" and "### sbom/spdx/" tables of
 * SOURCES.md (| file | spec | components | bytes | source |) and the file
 * counts their headings announce.
 */
static size_t read_sources_counts(expected_doc **out, uint64_t *ncdx_files, uint64_t *nspdx_files)
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
            *ncdx_files = heading_files(p, eol);
            continue;
        }
        if (strncmp(p, "### sbom/spdx/", 14) == 0) {
            snprintf(section, sizeof(section), "%s", "spdx");
            *nspdx_files = heading_files(p, eol);
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

static size_t read_sources(expected_doc **out)
{
    uint64_t ncdx = 0, nspdx = 0;

    return read_sources_counts(out, &ncdx, &nspdx);
}

/* The file counts of the two SBOM headings of SOURCES.md. */
static void sources_file_counts(uint64_t *ncdx, uint64_t *nspdx)
{
    expected_doc *docs = NULL;

    *ncdx = 0;
    *nspdx = 0;
    (void)read_sources_counts(&docs, ncdx, nspdx);
    free(docs);
    if (*ncdx == 0 || *nspdx == 0)
        fail_msg("SOURCES.md: no sbom/cyclonedx or sbom/spdx heading with a file count");
}

/* Whether SOURCES.md lists `file` in its sbom/`dir` table. */
static bool sources_lists(const char *dir, const char *file)
{
    expected_doc *docs = NULL;
    size_t i, n = read_sources(&docs);
    bool found = false;

    for (i = 0; i < n && !found; i++)
        found = strcmp(docs[i].dir, dir) == 0 && strcmp(docs[i].file, file) == 0;
    free(docs);
    return found;
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
    uint64_t want_cdx = 0, want_spdx = 0;
    char rel[256];

    (void)state;
    n = read_sources_counts(&docs, &want_cdx, &want_spdx);
    for (i = 0; i < n; i++) {
        vt_sbom *s;

        snprintf(rel, sizeof(rel), "sbom/%s/%s", docs[i].dir, docs[i].file);
        s = must_parse(rel);
        if (count_plain(s) != docs[i].count)
            fail_msg("%s: %zu components, SOURCES.md says %llu", rel, count_plain(s),
                     (unsigned long long)docs[i].count);
        if (strcmp(s->spec_version, docs[i].spec) != 0)
            fail_msg("%s: spec version %s, SOURCES.md says %s", rel, s->spec_version, docs[i].spec);
        if (strcmp(docs[i].dir, "cyclonedx") == 0) {
            assert_int_equal(s->format, VT_SBOM_CYCLONEDX);
            ncdx++;
        } else {
            assert_int_equal(s->format, VT_SBOM_SPDX);
            nspdx++;
        }
        vt_sbom_free(s);
    }
    /* Every file the headings announce has its row ("47 files" in the kit we know). */
    assert_true(ncdx > 0 && nspdx > 0);
    assert_int_equal(ncdx, want_cdx);
    assert_int_equal(nspdx, want_spdx);
    free(docs);
}

/* Every document in the two folders loads, listed in SOURCES.md or not. */
static void test_sbom__every_file_loads(void **state)
{
    static const char *const dirs[] = {"sbom/cyclonedx", "sbom/spdx"};
    const char *data = getenv("VT_DATA_DIR");
    char path[4096], rel[512];
    size_t i, seen = 0;
    uint64_t ncdx, nspdx;

    (void)state;
    assert_non_null(data);
    sources_file_counts(&ncdx, &nspdx);
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
    assert_true(seen >= ncdx + nspdx);
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
    assert_string_equal(
        s->serial_number,
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

/* metadata.component and its children come first, flagged; empty purls count as absent. */
static void test_sbom__cyclonedx_metadata_nested(void **state)
{
    static const char doc[] =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"metadata\":{\"component\":{"
        "\"name\":\"app\",\"bom-ref\":\"app\",\"components\":[{\"name\":\"sub\",\"purl\":"
        "\"pkg:npm/sub@1\"}]}},\"components\":[{\"name\":\"a\",\"purl\":\"\",\"components\":[{"
        "\"name\":\"b\",\"components\":[{\"name\":\"c\",\"purl\":\"pkg:pypi/c@1\"}]}]},{\"name\":"
        "\"d\"}],\"dependencies\":[{\"ref\":\"app\",\"dependsOn\":[\"a\",\"d\"]},{\"ref\":\"a\"}]}";
    static const struct {
        const char *name, *pointer, *purl;
        int depth;
        bool is_metadata;
    } want[] = {
        {"app", "/metadata/component", NULL, 0, true},
        {"sub", "/metadata/component/components/0", "pkg:npm/sub@1", 1, true},
        {"a", "/components/0", NULL, 0, false},
        {"b", "/components/0/components/0", NULL, 1, false},
        {"c", "/components/0/components/0/components/0", "pkg:pypi/c@1", 2, false},
        {"d", "/components/1", NULL, 0, false},
    };
    vt_error err = VT_ERROR_INIT;
    vt_sbom *s = NULL;
    size_t i;

    (void)state;
    assert_int_equal(parse_str(&s, doc, &err), 0);
    assert_int_equal(s->ncomponents, 6);
    assert_int_equal(count_plain(s), 4);
    assert_string_equal(s->name, "app");
    for (i = 0; i < 6; i++) {
        const vt_sbom_component *c = &s->components[i];

        assert_string_equal(c->name, want[i].name);
        assert_string_equal(c->pointer, want[i].pointer);
        assert_int_equal(c->depth, want[i].depth);
        assert_int_equal(c->is_metadata, want[i].is_metadata);
        if (want[i].purl)
            assert_string_equal(c->purl, want[i].purl);
        else
            assert_null(c->purl);
    }
    assert_int_equal(s->ndependencies, 2);
    assert_string_equal(s->dependencies[0].ref, "app");
    assert_int_equal(s->dependencies[0].ndepends_on, 2);
    assert_string_equal(s->dependencies[0].depends_on[1], "d");
    assert_int_equal(s->dependencies[1].ndepends_on, 0);
    vt_sbom_free(s);
}

/* Dependency edges from every spelling of the relationship, grouped by source. */
static void test_sbom__spdx_relationships(void **state)
{
    static const char doc[] =
        "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"SPDXID\":\"SPDXRef-a\",\"name\":\"a\","
        "\"externalRefs\":[{\"referenceType\":\"purl\",\"referenceLocator\":\"\"}]}],"
        "\"relationships\":["
        "{\"spdxElementId\":\"SPDXRef-b\",\"relationshipType\":\"DEPENDENCY_OF\","
        "\"relatedSpdxElement\":\"SPDXRef-a\"},"
        "{\"spdxElementId\":\"SPDXRef-DOCUMENT\",\"relationshipType\":\"DESCRIBES\","
        "\"relatedSpdxElement\":\"SPDXRef-a\"},"
        "{\"spdxElementId\":\"SPDXRef-a\",\"relationshipType\":\"CONTAINS\","
        "\"relatedSpdxElement\":\"SPDXRef-c\"},"
        "{\"spdxElementId\":\"SPDXRef-d\",\"relationshipType\":\"TEST_DEPENDENCY_OF\","
        "\"relatedSpdxElement\":\"SPDXRef-a\"},"
        "{\"spdxElementId\":\"SPDXRef-e\",\"relationshipType\":\"CONTAINED_BY\","
        "\"relatedSpdxElement\":\"SPDXRef-c\"},"
        "{\"spdxElementId\":\"SPDXRef-c\",\"relationshipType\":\"DEPENDS_ON\","
        "\"relatedSpdxElement\":\"SPDXRef-f\"}]}";
    vt_error err = VT_ERROR_INIT;
    vt_sbom *s = NULL;

    (void)state;
    assert_int_equal(parse_str(&s, doc, &err), 0);
    assert_null(s->components[0].purl); /* an empty locator identifies nothing */
    assert_int_equal(s->ndependencies, 2);
    assert_string_equal(s->dependencies[0].ref, "SPDXRef-a");
    assert_int_equal(s->dependencies[0].ndepends_on, 3);
    assert_string_equal(s->dependencies[0].depends_on[0], "SPDXRef-b");
    assert_string_equal(s->dependencies[0].depends_on[1], "SPDXRef-c");
    assert_string_equal(s->dependencies[0].depends_on[2], "SPDXRef-d");
    assert_string_equal(s->dependencies[1].ref, "SPDXRef-c");
    assert_int_equal(s->dependencies[1].ndepends_on, 2);
    assert_string_equal(s->dependencies[1].depends_on[0], "SPDXRef-e");
    assert_string_equal(s->dependencies[1].depends_on[1], "SPDXRef-f");
    vt_sbom_free(s);
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
    {"<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"/>", VT_EUNSUPPORTED,
     "XML document: only JSON SBOMs are read (CycloneDX JSON, SPDX JSON)"},
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
            fail_msg("row %zu: got %d \"%s\", want %d \"%s\"", i, rc, err.msg, rejections[i].code,
                     rejections[i].msg);
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

/* ------------------------------------------------------------------ */
/* Validator                                                           */
/* ------------------------------------------------------------------ */

/* Internal: the ECMA-262 to POSIX translation (src/formats/jsonschema.c). */
int vt__jsonschema_translate_pattern(vt_buf *out, const char *pattern, vt_error *err);

/* The schemas shipped with the project: <source>/data/schemas. */
static const char *schema_dir(void)
{
    static char dir[4096];
    const char *src = getenv("VT_SOURCE_DIR");

    if (!src || !*src) {
        fprintf(stderr, "environment variable VT_SOURCE_DIR is not set (run through ctest)\n");
        exit(1);
    }
    snprintf(dir, sizeof(dir), "%s/data/schemas", src);
    return dir;
}

static int validate_file(vt_jsonschema_errors *e, const char *rel, vt_error *err)
{
    vt_buf b = VT_BUF_INIT;
    int rc;

    vt_test_read_fixture(&b, "VT_DATA_DIR", rel);
    rc = vt_sbom_validate(b.ptr, b.len, schema_dir(), e, err);
    vt_buf_dispose(&b);
    return rc;
}

static bool is_json_name(const char *name)
{
    size_t len = strlen(name);

    return len > 5 && strcmp(name + len - 5, ".json") == 0;
}

/* SOURCES.md: every CycloneDX document validates against its specVersion's schema. */
static void test_sbom__validate_shared_cyclonedx(void **state)
{
    const char *data = getenv("VT_DATA_DIR");
    char path[4096], rel[512];
    struct dirent *ent;
    size_t seen = 0;
    uint64_t ncdx, nspdx;
    DIR *d;

    (void)state;
    assert_non_null(data);
    sources_file_counts(&ncdx, &nspdx);
    snprintf(path, sizeof(path), "%s/sbom/cyclonedx", data);
    d = opendir(path);
    if (!d)
        fail_msg("cannot open %s", path);
    while ((ent = readdir(d)) != NULL) {
        vt_jsonschema_errors e = VT_JSONSCHEMA_ERRORS_INIT;
        vt_error err = VT_ERROR_INIT;

        if (!is_json_name(ent->d_name))
            continue;
        snprintf(rel, sizeof(rel), "sbom/cyclonedx/%s", ent->d_name);
        if (validate_file(&e, rel, &err) != 0)
            fail_msg("%s: %s", rel, err.msg);
        assert_int_equal(e.count, 0);
        vt_jsonschema_errors_dispose(&e);
        seen++;
    }
    closedir(d);
    assert_true(seen >= ncdx);
}

/* Validate the data kit's doc_rel against the shipped schema_rel; returns the code. */
static int validate_rc(vt_jsonschema_errors *e, const char *schema_rel, const char *doc_rel)
{
    vt_jsonschema *schema = NULL;
    vt_buf b = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *root = NULL;
    char path[4096];
    int rc;

    snprintf(path, sizeof(path), "%s/%s", schema_dir(), schema_rel);
    if (vt_jsonschema_load(&schema, path, &err) != 0)
        fail_msg("%s: %s", path, err.msg);
    vt_test_read_fixture(&b, "VT_DATA_DIR", doc_rel);
    assert_int_equal(vt_json_parse(&root, b.ptr, b.len, &err), 0);
    rc = vt_jsonschema_validate(schema, root, e, &err);
    if (rc != 0 && rc != VT_EINVALID)
        fail_msg("%s against %s: got %d (%s)", doc_rel, schema_rel, rc, err.msg);
    cJSON_Delete(root);
    vt_buf_dispose(&b);
    vt_jsonschema_free(schema);
    return rc;
}

static void validate_with(vt_jsonschema_errors *e, const char *schema_rel, const char *doc_rel,
                          int want_rc)
{
    int rc = validate_rc(e, schema_rel, doc_rel);

    if (rc != want_rc)
        fail_msg("%s against %s: got %d (%s%s), want %d", doc_rel, schema_rel, rc,
                 e->count ? e->items[0].instance : "", e->count ? e->items[0].message : "",
                 want_rc);
}

/*
 * SOURCES.md: every SPDX 2.3 document validates against both 2.3 schemas;
 * the 2.2 documents validate against the 2.2.2 schema except appbomination,
 * whose four PACKAGE-MANAGER categories the 2.2 schema does not allow. Other
 * 2.2 documents of that repository may share the quirk, so for them that one
 * violation (and only that one) is accepted.
 */
static void test_sbom__validate_shared_spdx(void **state)
{
    static const char bad[] = "software_example9_spdx2.2_appbomination.spdx.json";
    static const char *const bad_pointers[] = {
        "/packages/3/externalRefs/0/referenceCategory",
        "/packages/4/externalRefs/0/referenceCategory",
        "/packages/5/externalRefs/0/referenceCategory",
        "/packages/6/externalRefs/0/referenceCategory",
    };
    const char *data = getenv("VT_DATA_DIR");
    char path[4096], rel[512];
    struct dirent *ent;
    size_t i, n22 = 0, n23 = 0;
    uint64_t ncdx, nspdx;
    bool bad_seen = false;
    DIR *d;

    (void)state;
    assert_non_null(data);
    sources_file_counts(&ncdx, &nspdx);
    snprintf(path, sizeof(path), "%s/sbom/spdx", data);
    d = opendir(path);
    if (!d)
        fail_msg("cannot open %s", path);
    while ((ent = readdir(d)) != NULL) {
        vt_jsonschema_errors e = VT_JSONSCHEMA_ERRORS_INIT;
        vt_sbom *s;

        if (!is_json_name(ent->d_name))
            continue;
        snprintf(rel, sizeof(rel), "sbom/spdx/%s", ent->d_name);
        s = must_parse(rel);
        if (strcmp(s->spec_version, "SPDX-2.3") == 0) {
            validate_with(&e, "spdx/v2.3/spdx-schema.json", rel, 0);
            validate_with(&e, "spdx/v2.3.1/spdx-schema.json", rel, 0);
            n23++;
        } else if (strcmp(ent->d_name, bad) == 0) {
            validate_with(&e, "spdx/v2.2.2/spdx-schema.json", rel, VT_EINVALID);
            assert_int_equal(e.count, 4);
            for (i = 0; i < 4; i++) {
                assert_string_equal(e.items[i].instance, bad_pointers[i]);
                assert_string_equal(e.items[i].keyword, "enum");
                assert_string_equal(e.items[i].message,
                                    "\"PACKAGE-MANAGER\" is not one of the allowed values");
            }
            bad_seen = true;
            n22++;
        } else {
            (void)validate_rc(&e, "spdx/v2.2.2/spdx-schema.json", rel);
            for (i = 0; i < e.count; i++) {
                size_t len = strlen(e.items[i].instance);

                if (strcmp(e.items[i].keyword, "enum") != 0 || len < 18 ||
                    strcmp(e.items[i].instance + len - 18, "/referenceCategory") != 0 ||
                    strcmp(e.items[i].message,
                           "\"PACKAGE-MANAGER\" is not one of the allowed values") != 0)
                    fail_msg("%s: %s: %s", rel, e.items[i].instance, e.items[i].message);
            }
            n22++;
        }
        vt_jsonschema_errors_dispose(&e);
        vt_sbom_free(s);
    }
    closedir(d);
    assert_true(n22 > 0 && n23 > 0);
    assert_true(n22 + n23 >= nspdx);
    assert_int_equal(bad_seen, sources_lists("spdx", bad));
}

static const struct {
    const char *doc;
    size_t count;         /* violations expected */
    const char *instance; /* of the first */
    const char *keyword;
    const char *message;
} mutations[] = {
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":1,\"components\":[{"
     "\"type\":\"library\",\"name\":\"a\"},{\"type\":\"bogus\",\"name\":\"b\"}]}",
     1, "/components/1/type", "enum", "\"bogus\" is not one of the allowed values"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":1,\"components\":[{"
     "\"type\":\"library\"}]}",
     1, "/components/0", "required", "missing required property \"name\""},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":1,\"components\":[{"
     "\"type\":\"library\",\"name\":\"a\",\"foo\":1}]}",
     1, "/components/0/foo", "additionalProperties", "property \"foo\" is not allowed"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"serialNumber\":\"abc\","
     "\"version\":1}",
     1, "/serialNumber", "pattern",
     "\"abc\" does not match the pattern "
     "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,\"metadata\":{"
     "\"timestamp\":\"2024-13-01T00:00:00Z\"}}",
     1, "/metadata/timestamp", "format", "\"2024-13-01T00:00:00Z\" is not an RFC 3339 date-time"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.2\",\"version\":1,\"components\":[{"
     "\"type\":\"library\",\"name\":\"a\",\"version\":\"1\",\"components\":[{\"type\":"
     "\"library\",\"name\":\"b\",\"version\":\"2\",\"hashes\":[{\"alg\":\"SHA-1\",\"content\":"
     "\"xyz\"}]}]}]}",
     1, "/components/0/components/0/hashes/0/content", "pattern",
     "\"xyz\" does not match the pattern "
     "^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.3\",\"version\":\"1\"}", 1, "/version",
     "type", "expected integer, found string"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,\"components\":[{"
     "\"type\":\"library\",\"name\":\"a\",\"licenses\":[{\"license\":{\"id\":\"MIT\",\"name\":"
     "\"MIT\"}}]}]}",
     1, "/components/0/licenses", "oneOf",
     "matches 0 of the 2 alternatives of oneOf (exactly one needed); closest is alternative 0: "
     "/components/0/licenses/0/license: matches 2 of the 2 alternatives of oneOf (exactly one "
     "needed)"},
    {"{\"specVersion\":\"1.6\",\"version\":1}", 1, "", "required",
     "missing required property \"bomFormat\""},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":[{"
     "\"type\":\"library\",\"name\":\"a\",\"bom-ref\":\"x\"},{\"type\":\"library\",\"name\":"
     "\"a\",\"bom-ref\":\"x\"}],\"dependencies\":[{\"ref\":\"x\"},{\"ref\":\"x\"}]}",
     2, "/components", "uniqueItems", "items 0 and 1 are equal"},
    {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":1,\"signature\":{"
     "\"algorithm\":\"RS256\",\"value\":\"x\",\"publicKey\":{\"kty\":\"EC\",\"crv\":\"P-256\","
     "\"x\":\"a\"}}}",
     1, "/signature", "oneOf",
     "matches 0 of the 3 alternatives of oneOf (exactly one needed); closest is alternative 2: "
     "/signature/publicKey: missing required property \"y\""},
    {"{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":\"d\","
     "\"dataLicense\":\"CC0-1.0\",\"documentNamespace\":\"http://x\",\"creationInfo\":{"
     "\"created\":\"2024-01-01T00:00:00Z\",\"creators\":[\"Tool: x\"]},\"packages\":[{\"name\":"
     "\"p\",\"downloadLocation\":\"NONE\"}]}",
     1, "/packages/0", "required", "missing required property \"SPDXID\""},
};

static void test_sbom__validate_mutations(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
        vt_jsonschema_errors e = VT_JSONSCHEMA_ERRORS_INIT;
        vt_error err = VT_ERROR_INIT;
        int rc =
            vt_sbom_validate(mutations[i].doc, strlen(mutations[i].doc), schema_dir(), &e, &err);

        if (e.count != mutations[i].count)
            fail_msg("row %zu: %zu violations, want %zu (rc %d: %s)", i, e.count,
                     mutations[i].count, rc, err.msg);
        assert_int_equal(rc, e.count ? VT_EINVALID : 0);
        if (e.count) {
            assert_string_equal(e.items[0].instance, mutations[i].instance);
            assert_string_equal(e.items[0].keyword, mutations[i].keyword);
            assert_string_equal(e.items[0].message, mutations[i].message);
        }
        vt_jsonschema_errors_dispose(&e);
    }
}

/*
 * The JSF signature in CycloneDX 1.4 is a $ref into jsf-0.82.schema.json. Its
 * algorithm is a registered name or a URI (a oneOf that needs format "uri"
 * checked: without it every registered name matches both alternatives).
 */
static void test_sbom__validate_cross_file_ref(void **state)
{
    static const struct {
        const char *algorithm;
        bool valid;
    } rows[] = {
        {"RS256", true},  {"Ed25519", true},     {"https://example.com/alg#x", true},
        {"RS999", false}, {"not a uri:", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vt_jsonschema_errors e = VT_JSONSCHEMA_ERRORS_INIT;
        vt_error err = VT_ERROR_INIT;
        char doc[256];
        int rc;

        snprintf(doc, sizeof(doc),
                 "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":1,"
                 "\"signature\":{\"algorithm\":\"%s\",\"value\":\"x\"}}",
                 rows[i].algorithm);
        rc = vt_sbom_validate(doc, strlen(doc), schema_dir(), &e, &err);
        if (rows[i].valid) {
            if (rc != 0)
                fail_msg("%s: %s", rows[i].algorithm, err.msg);
        } else {
            assert_int_equal(rc, VT_EINVALID);
            assert_int_equal(e.count, 1);
            assert_string_equal(e.items[0].instance, "/signature");
            assert_string_equal(e.items[0].schema,
                                "jsf-0.82.schema.json#/definitions/signature/oneOf");
            assert_non_null(strstr(e.items[0].message, "closest is alternative 2: "
                                                       "/signature/algorithm: "));
        }
        vt_jsonschema_errors_dispose(&e);
    }
}

static void test_sbom__validate_refusals(void **state)
{
    static const char bad_json[] = "{\"bomFormat\": [1,, 2]}";
    static const char v11[] = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.1\"}";
    static const char spdx21[] = "{\"spdxVersion\":\"SPDX-2.1\"}";
    static const char ok[] = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":1}";
    vt_jsonschema_errors e = VT_JSONSCHEMA_ERRORS_INIT;
    vt_error err = VT_ERROR_INIT;

    (void)state;
    assert_int_equal(vt_sbom_validate(bad_json, strlen(bad_json), schema_dir(), &e, &err),
                     VT_EINVALID);
    assert_int_equal(e.count, 0);
    assert_int_equal(err.offset, 17);
    assert_int_equal(vt_sbom_validate(v11, strlen(v11), schema_dir(), &e, &err), VT_EUNSUPPORTED);
    assert_string_equal(err.msg, "/specVersion: no schema for this CycloneDX version (1.2 to 1.6)");
    assert_int_equal(vt_sbom_validate(spdx21, strlen(spdx21), schema_dir(), &e, &err),
                     VT_EUNSUPPORTED);
    assert_int_equal(vt_sbom_validate(ok, strlen(ok), "/nonexistent-vulntrack-dir", &e, &err),
                     VT_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-vulntrack-dir/cyclonedx/bom-1.4.schema.json"));
    assert_int_equal(e.count, 0);
    assert_int_equal(vt_sbom_validate(ok, strlen(ok), schema_dir(), &e, &err), 0);
    vt_jsonschema_errors_dispose(&e);
}

/* Recording stops at `max`, and says so. */
static void test_sbom__validate_error_cap(void **state)
{
    vt_buf doc = VT_BUF_INIT;
    vt_jsonschema_errors e = VT_JSONSCHEMA_ERRORS_INIT;
    vt_error err = VT_ERROR_INIT;
    int i;

    (void)state;
    assert_int_equal(vt_buf_puts(&doc, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\","
                                       "\"version\":1,\"components\":["),
                     0);
    for (i = 0; i < 30; i++)
        assert_int_equal(
            vt_buf_printf(&doc, "%s{\"type\":\"x%d\",\"name\":\"n\"}", i ? "," : "", i), 0);
    assert_int_equal(vt_buf_puts(&doc, "]}"), 0);
    e.max = 10;
    assert_int_equal(vt_sbom_validate(doc.ptr, doc.len, schema_dir(), &e, &err), VT_EINVALID);
    assert_int_equal(e.count, 10);
    assert_true(e.truncated);
    assert_string_equal(e.items[9].instance, "/components/9/type");
    vt_jsonschema_errors_dispose(&e);
    vt_buf_dispose(&doc);
}

static const struct {
    const char *ecma;
    const char *ere; /* NULL: VT_EUNSUPPORTED */
} patterns[] = {
    {"^[-+a-z0-9.]+/[-+a-z0-9.]+$", "^[+.0-9a-z-]+/[+.0-9a-z-]+$"},
    {"^urn:uuid:[0-9a-f]{8}$", "^urn:uuid:[0-9a-f]{8}$"},
    {"^(.*)$", "^([^\n\r]*)$"},
    {"^CRE:[0-9]+-[0-9]+$", "^CRE:[0-9]+-[0-9]+$"},
    {"#.+$", "#[^\n\r]+$"},
    {"\\d{2}\\.\\d", "[0-9]{2}\\.[0-9]"},
    {"[\\w-]", "[0-9A-Z_a-z-]"},
    {"[^\\s]", "[^\t-\r ]"},
    {"(?:ab)+", "(ab)+"},
    {"a{x", "a\\{x"},
    {"a{2,}b{1,3}", "a{2,}b{1,3}"},
    {"a{,3}", "a\\{,3\\}"},
    {"[]a]", NULL},
    {"[\\]^]", "[]^]"},
    {"[\\^]", "\\^"},
    {"[^^]", "[^^]"},
    {"[^\\]x]", "[^]x]"},
    {"\\D\\W", "[^0-9][^0-9A-Z_a-z]"},
    {"[]", NULL},
    {"(?=a)", NULL},
    {"(?<n>a)", NULL},
    {"a+?", NULL},
    {"\\1", NULL},
    {"\\bword", NULL},
};

static void test_sbom__pattern_translation(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        vt_buf out = VT_BUF_INIT;
        vt_error err = VT_ERROR_INIT;
        int rc = vt__jsonschema_translate_pattern(&out, patterns[i].ecma, &err);

        if (patterns[i].ere) {
            if (rc != 0 || strcmp(out.ptr, patterns[i].ere) != 0)
                fail_msg("%s: got %d \"%s\", want \"%s\" (%s)", patterns[i].ecma, rc, out.ptr,
                         patterns[i].ere, err.msg);
        } else if (rc != VT_EUNSUPPORTED) {
            fail_msg("%s: got %d \"%s\", want VT_EUNSUPPORTED", patterns[i].ecma, rc, out.ptr);
        }
        vt_buf_dispose(&out);
    }
}

/* ------------------------------------------------------------------ */
/* Keywords the shipped schemas use rarely or not at all               */
/* ------------------------------------------------------------------ */

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char keyword_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":"
    "\"http://example.com/main.json\",\"type\":\"object\",\"properties\":{"
    "\"n\":{\"type\":\"number\",\"minimum\":1,\"exclusiveMaximum\":10,\"multipleOf\":0.5},"
    "\"c\":{\"const\":{\"a\":[1,2]}},"
    "\"any\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]},"
    "\"nt\":{\"not\":{\"type\":\"null\"}},"
    "\"cond\":{\"if\":{\"properties\":{\"k\":{\"const\":\"a\"}}},\"then\":{\"required\":[\"a\"]},"
    "\"else\":{\"required\":[\"b\"]}},"
    "\"tuple\":{\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"items\":false,"
    "\"minItems\":1,\"maxItems\":3,\"uniqueItems\":true,\"contains\":{\"type\":\"string\"}},"
    "\"other\":{\"$ref\":\"other.json#/$defs/short\"},"
    "\"len\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":3},"
    "\"pp\":{\"patternProperties\":{\"^x-\":{\"type\":\"integer\"}},\"additionalProperties\":"
    "false,\"minProperties\":1,\"propertyNames\":{\"pattern\":\"^[a-z-]{1,20}$\"}},"
    "\"set\":{\"uniqueItems\":true},"
    "\"never\":false,"
    "\"loop\":{\"$ref\":\"#/$defs/loop\"}"
    "},\"$defs\":{\"loop\":{\"$ref\":\"#/$defs/loop\"}}}";

static const char other_schema[] =
    "{\"$id\":\"http://example.com/other.json\",\"$defs\":{\"short\":{\"type\":\"string\","
    "\"maxLength\":2}}}";

static const struct {
    const char *doc;
    const char *instance; /* NULL: valid */
    const char *keyword;
} keyword_cases[] = {
    {"{\"n\":1.5,\"c\":{\"a\":[1,2]},\"any\":3,\"nt\":0,\"tuple\":[\"a\",1]}", NULL, NULL},
    {"{\"n\":0.5}", "/n", "minimum"},
    {"{\"n\":10}", "/n", "exclusiveMaximum"},
    {"{\"n\":1.25}", "/n", "multipleOf"},
    {"{\"c\":{\"a\":[2,1]}}", "/c", "const"},
    {"{\"any\":1.5}", "/any", "anyOf"},
    {"{\"nt\":null}", "/nt", "not"},
    {"{\"cond\":{\"k\":\"a\",\"a\":1}}", NULL, NULL},
    {"{\"cond\":{\"k\":\"a\",\"b\":1}}", "/cond", "required"},
    {"{\"cond\":{\"k\":\"z\",\"b\":1}}", NULL, NULL},
    {"{\"tuple\":[\"a\",\"b\"]}", "/tuple/1", "type"},
    {"{\"tuple\":[\"a\",1,2]}", "/tuple/2", "items"},
    {"{\"tuple\":[]}", "/tuple", "minItems"},
    {"{\"tuple\":[1]}", "/tuple/0", "type"},
    {"{\"other\":\"abc\"}", "/other", "maxLength"},
    {"{\"len\":\"\xC3\xA9\xC3\xA9\"}", NULL, NULL}, /* two code points, four bytes */
    {"{\"len\":\"a\"}", "/len", "minLength"},
    {"{\"pp\":{\"x-a\":1}}", NULL, NULL},
    {"{\"pp\":{\"x-a\":\"s\"}}", "/pp/x-a", "type"},
    {"{\"pp\":{\"y\":1}}", "/pp/y", "additionalProperties"},
    {"{\"pp\":{}}", "/pp", "minProperties"},
    {"{\"pp\":{\"x-A\":1}}", "/pp/x-A", "pattern"},
    {"{\"set\":[\"a\",\"b\",[1,2],[2,1],{\"a\":1,\"b\":[1]},{\"a\":1,\"b\":[2]}]}", NULL, NULL},
    {"{\"set\":[1,{\"a\":1,\"b\":2},3,{\"b\":2,\"a\":1}]}", "/set", "uniqueItems"},
    {"{\"set\":[\"x\",1,1.0]}", "/set", "uniqueItems"},
    {"{\"never\":1}", "/never", "false"},
    {"{\"loop\":1}", "/loop", "$ref"},
    {"[]", "", "type"},
};

static void test_sbom__schema_keywords(void **state)
{
    vt_jsonschema *schema = NULL;
    vt_error err = VT_ERROR_INIT;
    char path[512];
    size_t i;

    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/vt-schema-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    write_file("main.json", keyword_schema);
    write_file("other.json", other_schema);
    snprintf(path, sizeof(path), "%s/main.json", tmpdir);
    if (vt_jsonschema_load(&schema, path, &err) != 0)
        fail_msg("%s", err.msg);
    for (i = 0; i < sizeof(keyword_cases) / sizeof(keyword_cases[0]); i++) {
        vt_jsonschema_errors e = VT_JSONSCHEMA_ERRORS_INIT;
        cJSON *doc = NULL;
        int rc;

        assert_int_equal(
            vt_json_parse(&doc, keyword_cases[i].doc, strlen(keyword_cases[i].doc), &err), 0);
        rc = vt_jsonschema_validate(schema, doc, &e, &err);
        if (!keyword_cases[i].instance) {
            if (rc != 0)
                fail_msg("row %zu: %s", i, err.msg);
        } else {
            if (rc != VT_EINVALID || e.count < 1)
                fail_msg("row %zu: no violation", i);
            if (strcmp(e.items[0].instance, keyword_cases[i].instance) != 0 ||
                strcmp(e.items[0].keyword, keyword_cases[i].keyword) != 0)
                fail_msg("row %zu: got %s [%s] %s, want %s [%s]", i, e.items[0].instance,
                         e.items[0].keyword, e.items[0].message, keyword_cases[i].instance,
                         keyword_cases[i].keyword);
        }
        vt_jsonschema_errors_dispose(&e);
        cJSON_Delete(doc);
    }
    vt_jsonschema_free(schema);

    /* A $ref to a file that is not there, and an unsupported pattern, fail the load. */
    write_file("dangling.json", "{\"properties\":{\"a\":{\"$ref\":\"missing.json#/x\"}}}");
    snprintf(path, sizeof(path), "%s/dangling.json", tmpdir);
    assert_int_equal(vt_jsonschema_load(&schema, path, &err), VT_EIO);
    assert_null(schema);
    assert_non_null(strstr(err.msg, "missing.json"));
    write_file("lookahead.json", "{\"pattern\":\"^(?!x)\"}");
    snprintf(path, sizeof(path), "%s/lookahead.json", tmpdir);
    assert_int_equal(vt_jsonschema_load(&schema, path, &err), VT_EUNSUPPORTED);
    assert_string_equal(err.msg, "pattern ^(?!x): lookaround and named groups are not supported");

    /* Every allocation of load + validate may fail. */
    snprintf(path, sizeof(path), "%s/main.json", tmpdir);
    {
        cJSON *doc = NULL;
        long n;
        bool done = false;

        assert_int_equal(vt_json_parse(&doc, "{\"pp\":{\"y\":1},\"n\":0}", 21, &err), 0);
        for (n = 0; !done && n < 100000; n++) {
            vt_jsonschema_errors e = VT_JSONSCHEMA_ERRORS_INIT;
            int rc;

            vt_alloc_fail_after(n);
            rc = vt_jsonschema_load(&schema, path, &err);
            if (rc == 0)
                rc = vt_jsonschema_validate(schema, doc, &e, &err);
            if (!vt_alloc_failure_injected()) {
                assert_int_equal(rc, VT_EINVALID);
                assert_int_equal(e.count, 2);
                done = true;
            } else if (rc != VT_ENOMEM) {
                fail_msg("allocation %ld failed, got %d (%s)", n, rc, err.msg);
            }
            vt_alloc_fail_after(-1);
            vt_jsonschema_errors_dispose(&e);
            vt_jsonschema_free(schema);
            schema = NULL;
        }
        assert_true(done);
        cJSON_Delete(doc);
    }
    snprintf(path, sizeof(path), "rm -rf '%s'", tmpdir);
    assert_int_equal(system(path), 0);
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
        cmocka_unit_test(test_sbom__cyclonedx_metadata_nested),
        cmocka_unit_test(test_sbom__spdx_relationships),
        cmocka_unit_test(test_sbom__rejections),
        cmocka_unit_test(test_sbom__malformed_json_offset),
        cmocka_unit_test(test_sbom__allocation_failures),
        cmocka_unit_test(test_sbom__validate_shared_cyclonedx),
        cmocka_unit_test(test_sbom__validate_shared_spdx),
        cmocka_unit_test(test_sbom__validate_mutations),
        cmocka_unit_test(test_sbom__validate_cross_file_ref),
        cmocka_unit_test(test_sbom__validate_refusals),
        cmocka_unit_test(test_sbom__validate_error_cap),
        cmocka_unit_test(test_sbom__pattern_translation),
        cmocka_unit_test(test_sbom__schema_keywords),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
