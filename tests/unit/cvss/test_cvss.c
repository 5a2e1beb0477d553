/*
 * test_cvss.c - the CVSS fixtures of the data kit, every line of every file
 * (formats in data/cvss/README.md), plus the strictness rules of the parser,
 * normalisation, getters, known answers and an allocation-failure walk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "semantics/cvss_internal.h"
#include "test_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/cvss.h"
#include "vulntrack/strparse.h"

/* ------------------------------------------------------------------------ */
/* Fixture files                                                            */
/* ------------------------------------------------------------------------ */

/* How a file's SCORES part reads and what it is compared with. */
enum fixture_kind {
    KIND_V2,       /* "(base, temporal, environmental)", None allowed */
    KIND_V3,       /* "(base, temporal, environmental)" */
    KIND_V4_SCORE, /* bare number: the score of the whole vector */
    KIND_V4_TUPLE, /* "(x,)": base-only vectors, so CVSS-B */
};

static const struct {
    const char *file;
    enum fixture_kind kind;
} fixtures[] = {
    {"vectors_calculator2", KIND_V2},
    {"vectors_cvsslib2", KIND_V2},
    {"vectors_simple2", KIND_V2},
    {"vectors_calculator3", KIND_V3},
    {"vectors_cvsslib3", KIND_V3},
    {"vectors_simple3", KIND_V3},
    {"vectors_simple31", KIND_V3},
    {"vectors_security4", KIND_V4_SCORE},
    {"vectors_supplemental4", KIND_V4_SCORE},
    {"vectors_threat4", KIND_V4_SCORE},
    {"vectors_simple4", KIND_V4_TUPLE},
};

#define FIXTURE_COUNT (sizeof(fixtures) / sizeof(fixtures[0]))

/* Marks a "None" score in a parsed SCORES tuple. */
#define SCORE_NONE (-1)

/*
 * Parse one number as the fixtures write it ("9.8", "10", "10.0", "-0.0",
 * "None") into tenths. Every expected value is a multiple of 0.1; anything
 * else, or any other text, is reported as a malformed line (-2).
 */
static int parse_tenths(const char *p, size_t n)
{
    uint64_t whole = 0;
    size_t i = 0, dot;
    int tenths = 0;

    if (n == 4 && memcmp(p, "None", 4) == 0)
        return SCORE_NONE;
    if (n && p[0] == '-')
        i = 1;
    for (dot = i; dot < n && p[dot] != '.'; dot++)
        ;
    if (dot == i || vt_parse_u64(&whole, p + i, dot - i) < 0 || whole > 10)
        return -2;
    if (dot < n) {
        if (dot + 1 == n || !vt_is_digit(p[dot + 1]))
            return -2;
        tenths = p[dot + 1] - '0';
        for (i = dot + 2; i < n; i++)
            if (p[i] != '0')
                return -2;
    }
    if (p[0] == '-' && (whole || tenths))
        return -2; /* only -0.0 occurs; a negative score would be an error */
    return (int)whole * 10 + tenths;
}

/*
 * Split SCORES ("(9.0, 8.6, None)", "(6.9,)", "5.9") into tenths. Returns the
 * number of values, or -1 when the text is malformed.
 */
static int parse_scores(int *out, int max, const char *p, size_t n)
{
    size_t start, i;
    int count = 0;

    if (n && p[0] == '(')
        p++, n--;
    if (n && p[n - 1] == ')')
        n--;
    for (start = 0, i = 0; i <= n; i++) {
        if (i < n && p[i] != ',')
            continue;
        {
            const char *f = p + start;
            size_t len = i - start;
            int v;

            while (len && f[0] == ' ')
                f++, len--;
            while (len && f[len - 1] == ' ')
                len--;
            if (len == 0 && i == n && count > 0)
                break; /* the trailing comma of a one-element tuple */
            v = parse_tenths(f, len);
            if (v == -2 || count == max)
                return -1;
            out[count++] = v;
        }
        start = i + 1;
    }
    return count;
}

static const char *kind_name(vt_cvss_score_kind k)
{
    static const char *const names[] = {"base", "temporal", "environmental", "overall"};

    return names[k];
}

/*
 * The normalised vector must parse again to the same scores and normalise
 * to itself. Returns false (after printing why) otherwise.
 */
static bool check_round_trip(const char *where, const vt_cvss *c)
{
    vt_buf norm = VT_BUF_INIT, again = VT_BUF_INIT;
    vt_cvss *c2 = NULL;
    vt_error err = VT_ERROR_INIT;
    bool ok = false;
    int k;

    if (vt_cvss_vector(&norm, c) < 0) {
        print_error("%s: cannot normalise\n", where);
        goto out;
    }
    if (vt_cvss_parse(&c2, norm.ptr, norm.len, &err) < 0) {
        print_error("%s: normalised vector '%s' does not parse: %s\n", where, norm.ptr, err.msg);
        goto out;
    }
    for (k = 0; k <= VT_CVSS_SCORE_OVERALL; k++)
        if (vt_cvss_score10(c, k) != vt_cvss_score10(c2, k)) {
            print_error("%s: normalised '%s' changes the %s score\n", where, norm.ptr,
                        kind_name(k));
            goto out;
        }
    if (vt_cvss_vector(&again, c2) < 0 || strcmp(again.ptr, norm.ptr) != 0) {
        print_error("%s: '%s' normalises to '%s'\n", where, norm.ptr, again.ptr);
        goto out;
    }
    ok = true;
out:
    vt_cvss_free(c2);
    vt_buf_dispose(&norm);
    vt_buf_dispose(&again);
    return ok;
}

/*
 * Check one fixture line. Returns 0 when it passes, 1 when it fails (after
 * printing file:line and why).
 */
static int check_line(const char *file, size_t lineno, enum fixture_kind kind, const char *p,
                      size_t n)
{
    static const vt_cvss_score_kind v23[3] = {VT_CVSS_SCORE_BASE, VT_CVSS_SCORE_TEMPORAL,
                                              VT_CVSS_SCORE_ENVIRONMENTAL};
    const char *sep = NULL;
    vt_cvss *c = NULL;
    vt_error err = VT_ERROR_INIT;
    char where[160];
    int want[3], nwant, i, bad = 0;
    size_t j;

    snprintf(where, sizeof(where), "%s:%zu", file, lineno);
    for (j = 0; j + 3 <= n; j++) {
        if (memcmp(p + j, " - ", 3) != 0)
            continue;
        if (sep) {
            print_error("%s: ' - ' occurs twice: %.*s\n", where, (int)n, p);
            return 1;
        }
        sep = p + j;
    }
    if (!sep) {
        print_error("%s: no ' - ' separator: %.*s\n", where, (int)n, p);
        return 1;
    }
    nwant = parse_scores(want, 3, sep + 3, n - (size_t)(sep + 3 - p));
    if (nwant != ((kind == KIND_V2 || kind == KIND_V3) ? 3 : 1)) {
        print_error("%s: malformed scores: %.*s\n", where, (int)n, p);
        return 1;
    }
    if (vt_cvss_parse(&c, p, (size_t)(sep - p), &err) < 0) {
        print_error("%s: %.*s: %s\n", where, (int)(sep - p), p, err.msg);
        return 1;
    }
    switch (kind) {
    case KIND_V2:
    case KIND_V3:
        if (vt_cvss_version(c) != (kind == KIND_V2 ? 20 : (p[7] == '0' ? 30 : 31)))
            bad = 1;
        for (i = 0; i < 3; i++) {
            int got = vt_cvss_score10(c, v23[i]);

            if (kind == KIND_V3 && want[i] == SCORE_NONE)
                bad = 1;
            if (got != want[i]) {
                print_error("%s: %.*s: %s score %d tenths, expected %d\n", where, (int)(sep - p), p,
                            kind_name(v23[i]), got, want[i]);
                bad = 1;
            }
        }
        break;
    case KIND_V4_SCORE:
    case KIND_V4_TUPLE:
        if (vt_cvss_version(c) != 40 || want[0] < 0)
            bad = 1;
        if (vt_cvss_score10(c, VT_CVSS_SCORE_OVERALL) != want[0]) {
            print_error("%s: %.*s: score %d tenths, expected %d\n", where, (int)(sep - p), p,
                        vt_cvss_score10(c, VT_CVSS_SCORE_OVERALL), want[0]);
            bad = 1;
        }
        /* A base-only vector's score is its CVSS-B score. */
        if (kind == KIND_V4_TUPLE && (vt_cvss_score10(c, VT_CVSS_SCORE_BASE) != want[0] ||
                                      strcmp(vt_cvss_nomenclature(c), "CVSS-B") != 0)) {
            print_error("%s: base-only vector: CVSS-B %d tenths (%s), expected %d\n", where,
                        vt_cvss_score10(c, VT_CVSS_SCORE_BASE), vt_cvss_nomenclature(c), want[0]);
            bad = 1;
        }
        break;
    }
    if (!check_round_trip(where, c))
        bad = 1;
    vt_cvss_free(c);
    return bad;
}

/*
 * The line count the data kit's README declares for `file` ("| file | version
 * | lines here | ..."), or 0 when the README has no such row.
 */
static size_t declared_lines(const vt_buf *readme, const char *file)
{
    char row[96];
    const char *hit, *f;
    uint64_t v;
    int field;

    snprintf(row, sizeof(row), "\n| %s |", file);
    hit = strstr(readme->ptr, row);
    if (!hit)
        return 0;
    for (f = hit + 1, field = 0; *f && *f != '\n' && field < 3; f++)
        if (*f == '|')
            field++;
    while (*f == ' ')
        f++;
    {
        size_t n = 0;

        while (vt_is_digit(f[n]))
            n++;
        if (vt_parse_u64(&v, f, n) < 0)
            return 0;
    }
    return (size_t)v;
}

static void test_cvss__fixtures(void **state)
{
    vt_buf readme = VT_BUF_INIT;
    size_t i, total_failures = 0;

    (void)state;
    /* The README only adds a plausibility check on the line counts. */
    if (getenv("VT_DATA_DIR")) {
        char path[4096];

        snprintf(path, sizeof(path), "%s/cvss/README.md", getenv("VT_DATA_DIR"));
        if (vt_buf_read_file(&readme, path, NULL) < 0)
            vt_buf_clear(&readme);
    }
    for (i = 0; i < FIXTURE_COUNT; i++) {
        vt_buf raw = VT_BUF_INIT;
        char rel[128];
        const char *p, *end;
        size_t lineno = 0, checked = 0, newlines = 0, failures = 0, declared;

        snprintf(rel, sizeof(rel), "cvss/%s", fixtures[i].file);
        vt_test_read_fixture(&raw, "VT_DATA_DIR", rel);
        for (p = raw.ptr; (p = memchr(p, '\n', raw.len - (size_t)(p - raw.ptr))); p++)
            newlines++;
        for (p = raw.ptr, end = raw.ptr + raw.len; p < end;) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *eol = nl ? nl : end;

            lineno++;
            failures += (size_t)check_line(fixtures[i].file, lineno, fixtures[i].kind, p,
                                           (size_t)(eol - p));
            checked++;
            p = nl ? nl + 1 : end;
        }
        declared = declared_lines(&readme, fixtures[i].file);
        print_message("%-24s %5zu lines checked (README: %zu), %zu failing\n", fixtures[i].file,
                      checked, declared, failures);
        /*
         * Every line ends with '\n' (README), so none may be skipped or
         * invented. The README's count is for the shared half; the hold-out
         * half of a file has as many lines give or take one, so a file
         * shorter than half the declared count means something was lost.
         */
        assert_true(checked > 0);
        assert_int_equal(checked, newlines);
        if (declared)
            assert_true(checked * 2 >= declared);
        total_failures += failures;
        vt_buf_dispose(&raw);
    }
    vt_buf_dispose(&readme);
    assert_int_equal(total_failures, 0);
}

/* ------------------------------------------------------------------------ */
/* Strictness                                                               */
/* ------------------------------------------------------------------------ */

static const struct {
    const char *vector;
    int code;
    const char *message; /* a substring of err.msg */
} rejected[] = {
    {"", VT_EINVALID, "empty CVSS vector"},
    /* Duplicates. */
    {"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID, "metric 'AV' appears twice"},
    {"AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/E:F", VT_EINVALID, "metric 'E' appears twice"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:A", VT_EINVALID,
     "metric 'E' appears twice"},
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/E:X", VT_EINVALID,
     "metric 'E' appears twice"},
    /* Missing base metrics. */
    {"CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID, "missing mandatory metric 'PR'"},
    {"AV:N/AC:L/C:P/I:P/A:P", VT_EINVALID, "missing mandatory metric 'Au'"},
    {"CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", VT_EINVALID,
     "missing mandatory metric 'AT'"},
    {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/MS:U", VT_EINVALID, "missing mandatory metric 'S'"},
    /* Unknown values, which are case-sensitive and per version. */
    {"CVSS:3.1/AV:N/AC:Q/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID,
     "unknown value 'Q' for metric 'AC'"},
    {"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID,
     "unknown value 'n' for metric 'AV'"},
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H", VT_EINVALID,
     "unknown value 'X' for metric 'S'"},
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:ND", VT_EINVALID,
     "unknown value 'ND' for metric 'E'"},
    {"AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X", VT_EINVALID, "unknown value 'X' for metric 'E'"},
    {"AV:N/AC:L/Au:N/C:H/I:P/A:P", VT_EINVALID, "unknown value 'H' for metric 'C'"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", VT_EINVALID,
     "unknown value 'R' for metric 'UI'"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", VT_EINVALID,
     "unknown value 'S' for metric 'SI'"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red", VT_EINVALID,
     "unknown value 'red' for metric 'U'"},
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:", VT_EINVALID, "unknown value '' for metric 'A'"},
    {"CVSS:3.1/AV:N:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID,
     "unknown value 'N:X' for metric 'AV'"},
    /* Unknown metrics. */
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", VT_EINVALID,
     "unknown metric 'XX' for CVSS v3.1"},
    {"CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID, "unknown metric 'av'"},
    {"CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID,
     "unknown metric 'AT' for CVSS v3.1"},
    {"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID, "unknown metric 'PR' for CVSS v2.0"},
    {"AV:N/AC:L/AU:N/C:P/I:P/A:P", VT_EINVALID, "unknown metric 'AU' for CVSS v2.0"},
    /* Empty and malformed components. */
    {"CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID, "empty component at byte 14"},
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", VT_EINVALID, "trailing '/'"},
    {"/AV:N/AC:L/Au:N/C:P/I:P/A:P", VT_EINVALID, "empty component at byte 0"},
    {"CVSS:3.1/AV/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID,
     "component 'AV' is not METRIC:VALUE"},
    /* Prefixes. */
    {"CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID, "unknown CVSS version '3.2'"},
    {"CVSS:/AV:N", VT_EINVALID, "unknown CVSS version ''"},
    {"CVSS:3.1", VT_EINVALID, "missing '/' and metrics after 'CVSS:3.1'"},
    {"CVSS:4.0/", VT_EINVALID, "no metrics after 'CVSS:4.0/'"},
    {"cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", VT_EINVALID, "unknown metric 'cvss'"},
    /* Order, where the specification fixes it (v2.0 and v4.0). */
    {"CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", VT_EINVALID,
     "metric 'AV' is out of order: CVSS v4.0 puts it before 'AC'"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A", VT_EINVALID,
     "metric 'E' is out of order"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:N/MAV:N", VT_EINVALID,
     "metric 'MAV' is out of order"},
    {"AC:L/AV:N/Au:N/C:P/I:P/A:P", VT_EINVALID,
     "metric 'AV' is out of order: CVSS v2.0 puts it before 'AC'"},
    {"AV:N/AC:L/Au:N/C:P/I:P/A:P/RL:OF/E:F", VT_EINVALID, "metric 'E' is out of order"},
};

static void test_cvss__rejects(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
        vt_cvss *c = (vt_cvss *)&c; /* must be reset to NULL */
        vt_error err = VT_ERROR_INIT;
        int rc = vt_cvss_parse(&c, rejected[i].vector, strlen(rejected[i].vector), &err);

        if (rc != rejected[i].code || c != NULL || !strstr(err.msg, rejected[i].message)) {
            print_error("'%s': rc %d, message '%s' (expected %d, '%s')\n", rejected[i].vector, rc,
                        err.msg, rejected[i].code, rejected[i].message);
            fail();
        }
    }
}

static void test_cvss__too_long(void **state)
{
    char buf[VT_CVSS_MAX_LEN + 8];
    vt_cvss *c = NULL;
    vt_error err = VT_ERROR_INIT;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(buf); i++)
        buf[i] = "AV:N/"[i % 5];
    assert_int_equal(vt_cvss_parse(&c, buf, sizeof(buf), &err), VT_ETOOBIG);
    assert_null(c);
}

static void test_cvss__error_offsets(void **state)
{
    static const struct {
        const char *vector;
        size_t offset;
    } cases[] = {
        {"CVSS:3.1/AV:N/AC:Q/PR:N/UI:N/S:U/C:H/I:H/A:H", 17},
        {"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 14},
        {"CVSS:3.2/AV:N", 5},
        {"AV:N/AC:L/Au:N/C:P/I:P/A:P/QQ:Z", 27},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vt_cvss *c = NULL;
        vt_error err = VT_ERROR_INIT;

        assert_int_equal(vt_cvss_parse(&c, cases[i].vector, strlen(cases[i].vector), &err),
                         VT_EINVALID);
        assert_int_equal(err.offset, cases[i].offset);
    }
}

/* Control bytes in input never reach a message verbatim. */
static void test_cvss__message_is_printable(void **state)
{
    static const char vector[] = "CVSS:3.1/AV:\x01\n/AC:L";
    vt_cvss *c = NULL;
    vt_error err = VT_ERROR_INIT;
    const char *m;

    (void)state;
    assert_int_equal(vt_cvss_parse(&c, vector, sizeof(vector) - 1, &err), VT_EINVALID);
    for (m = err.msg; *m; m++)
        assert_true(*m >= 0x20 && *m < 0x7f);
    assert_non_null(strstr(err.msg, "unknown value '?"
                                    "?' for metric 'AV'"));
}

/* ------------------------------------------------------------------------ */
/* Accepted forms, normalisation, getters                                   */
/* ------------------------------------------------------------------------ */

static vt_cvss *parse_ok(const char *s)
{
    vt_cvss *c = NULL;
    vt_error err = VT_ERROR_INIT;

    if (vt_cvss_parse(&c, s, strlen(s), &err) < 0)
        fail_msg("'%s' should parse: %s", s, err.msg);
    return c;
}

static void test_cvss__normalise(void **state)
{
    static const struct {
        const char *in, *out;
        int version;
    } cases[] = {
        /* v3 accepts any order; X values are dropped. */
        {"CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X",
         "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F", 30},
        {"CVSS:3.1/MA:H/CR:L/A:N/I:N/C:N/S:C/UI:R/PR:L/AC:H/AV:P/MS:X",
         "CVSS:3.1/AV:P/AC:H/PR:L/UI:R/S:C/C:N/I:N/A:N/CR:L/MA:H", 31},
        /* v2 without prefix as NVD writes it; ND dropped; CVSS:2.0/ accepted. */
        {"CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND/RC:C", "AV:N/AC:L/Au:N/C:P/I:P/A:P/RC:C", 20},
        {"AV:L/AC:H/Au:M/C:N/I:N/A:N/E:ND/RL:ND/RC:ND/CDP:ND/TD:ND/CR:ND/IR:ND/AR:ND",
         "AV:L/AC:H/Au:M/C:N/I:N/A:N", 20},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/MSI:S/"
         "S:X/U:Amber",
         "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S/U:Amber", 40},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vt_cvss *c = parse_ok(cases[i].in);
        vt_buf b = VT_BUF_INIT;

        assert_int_equal(vt_cvss_version(c), cases[i].version);
        assert_int_equal(vt_cvss_vector(&b, c), 0);
        assert_string_equal(b.ptr, cases[i].out);
        vt_buf_dispose(&b);
        vt_cvss_free(c);
    }
}

static void test_cvss__metric_getter(void **state)
{
    vt_cvss *c = parse_ok("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:X/MAV:P");
    vt_cvss *c2 = parse_ok("AV:A/AC:M/Au:S/C:N/I:N/A:P/E:POC/RL:ND");
    vt_cvss *c4 =
        parse_ok("CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:A/VC:L/VI:N/VA:H/SC:N/SI:L/SA:H/MSI:S/U:Clear");

    (void)state;
    assert_string_equal(vt_cvss_metric(c, "AV"), "N");
    assert_string_equal(vt_cvss_metric(c, "PR"), "H");
    assert_string_equal(vt_cvss_metric(c, "MAV"), "P");
    assert_null(vt_cvss_metric(c, "E"));  /* X is "not defined" */
    assert_null(vt_cvss_metric(c, "RL")); /* absent */
    assert_null(vt_cvss_metric(c, "av")); /* names are case-sensitive */
    assert_null(vt_cvss_metric(c, "AT")); /* not a v3 metric */
    assert_null(vt_cvss_metric(c, NULL));
    assert_string_equal(vt_cvss_metric(c2, "Au"), "S");
    assert_string_equal(vt_cvss_metric(c2, "E"), "POC");
    assert_null(vt_cvss_metric(c2, "RL")); /* ND */
    assert_string_equal(vt_cvss_metric(c4, "AT"), "P");
    assert_string_equal(vt_cvss_metric(c4, "MSI"), "S");
    assert_string_equal(vt_cvss_metric(c4, "U"), "Clear");
    assert_string_equal(vt_cvss_version_name(c), "3.1");
    assert_string_equal(vt_cvss_version_name(c2), "2.0");
    assert_string_equal(vt_cvss_version_name(c4), "4.0");
    assert_null(vt_cvss_nomenclature(c));
    assert_null(vt_cvss_nomenclature(c2));
    vt_cvss_free(c);
    vt_cvss_free(c2);
    vt_cvss_free(c4);
}

static void test_cvss__nomenclature(void **state)
{
    static const char base[] = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    static const struct {
        const char *suffix, *name;
    } cases[] = {
        {"", "CVSS-B"},
        {"/E:X/CR:X/MAV:X", "CVSS-B"},
        {"/S:P/AU:Y/R:I/V:C/RE:H/U:Red", "CVSS-B"},
        {"/E:U", "CVSS-BT"},
        {"/CR:L", "CVSS-BE"},
        {"/MVC:N", "CVSS-BE"},
        {"/E:P/AR:M/U:Green", "CVSS-BTE"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char v[256];
        vt_cvss *c;

        snprintf(v, sizeof(v), "%s%s", base, cases[i].suffix);
        c = parse_ok(v);
        assert_string_equal(vt_cvss_nomenclature(c), cases[i].name);
        /* CVSS-B ignores threat and environmental metrics. */
        assert_int_equal(vt_cvss_score10(c, VT_CVSS_SCORE_BASE), 93);
        assert_int_equal(vt_cvss_score10(c, VT_CVSS_SCORE_TEMPORAL), -1);
        assert_int_equal(vt_cvss_score10(c, VT_CVSS_SCORE_ENVIRONMENTAL), -1);
        vt_cvss_free(c);
    }
}

/*
 * Known answers independent of the data kit: the specifications' and NVD's
 * published scores for well-known vectors.
 */
static void test_cvss__known_answers(void **state)
{
    static const struct {
        const char *vector;
        int base, temporal, env, overall;
        const char *severity;
    } cases[] = {
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, 98, 98, -1, "Critical"},
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U", 98, 78, 78, -1, "Critical"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61, 61, 61, -1, "Medium"},
        {"CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H", 85, 85, 86, -1, "High"},
        {"CVSS:3.0/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H", 85, 85, 85, -1, "High"},
        {"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0, 0, 0, -1, "None"},
        {"AV:N/AC:L/Au:N/C:C/I:C/A:C", 100, -1, -1, -1, "High"},
        {"AV:N/AC:L/Au:N/C:P/I:P/A:P", 75, -1, -1, -1, "High"},
        {"AV:N/AC:M/Au:N/C:N/I:P/A:N", 43, -1, -1, -1, "Medium"},
        {"AV:L/AC:H/Au:N/C:N/I:N/A:N", 0, -1, -1, -1, "Low"},
        {"AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C", 78, 64, -1, -1, "High"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 93, -1, -1, 93,
         "Critical"},
        /* MacroVector 000220 (8.1); EQ4 has no lower MacroVector, the others no distance. */
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 93, -1, -1, 81,
         "Critical"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 100, -1, -1, 100,
         "Critical"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, -1, -1, 0, "None"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vt_cvss *c = parse_ok(cases[i].vector);

        if (vt_cvss_score10(c, VT_CVSS_SCORE_BASE) != cases[i].base ||
            vt_cvss_score10(c, VT_CVSS_SCORE_TEMPORAL) != cases[i].temporal ||
            vt_cvss_score10(c, VT_CVSS_SCORE_ENVIRONMENTAL) != cases[i].env ||
            vt_cvss_score10(c, VT_CVSS_SCORE_OVERALL) != cases[i].overall)
            fail_msg("%s: got %d %d %d %d", cases[i].vector, vt_cvss_score10(c, VT_CVSS_SCORE_BASE),
                     vt_cvss_score10(c, VT_CVSS_SCORE_TEMPORAL),
                     vt_cvss_score10(c, VT_CVSS_SCORE_ENVIRONMENTAL),
                     vt_cvss_score10(c, VT_CVSS_SCORE_OVERALL));
        assert_string_equal(vt_cvss_base_severity(c), cases[i].severity);
        assert_true(vt_cvss_base_score(c) * 10.0 > cases[i].base - 0.5 &&
                    vt_cvss_base_score(c) * 10.0 < cases[i].base + 0.5);
        vt_cvss_free(c);
    }
}

static void test_cvss__severity_bands(void **state)
{
    (void)state;
    assert_string_equal(vt_cvss_severity(31, 0), "None");
    assert_string_equal(vt_cvss_severity(31, 1), "Low");
    assert_string_equal(vt_cvss_severity(30, 39), "Low");
    assert_string_equal(vt_cvss_severity(40, 40), "Medium");
    assert_string_equal(vt_cvss_severity(31, 69), "Medium");
    assert_string_equal(vt_cvss_severity(31, 70), "High");
    assert_string_equal(vt_cvss_severity(40, 89), "High");
    assert_string_equal(vt_cvss_severity(31, 90), "Critical");
    assert_string_equal(vt_cvss_severity(40, 100), "Critical");
    assert_string_equal(vt_cvss_severity(20, 0), "Low");
    assert_string_equal(vt_cvss_severity(20, 39), "Low");
    assert_string_equal(vt_cvss_severity(20, 40), "Medium");
    assert_string_equal(vt_cvss_severity(20, 70), "High");
    assert_string_equal(vt_cvss_severity(20, 100), "High");
    assert_null(vt_cvss_severity(31, -1));
    assert_null(vt_cvss_severity(31, 101));
}

static void test_cvss__undefined_scores(void **state)
{
    vt_cvss *c2 = parse_ok("AV:N/AC:L/Au:N/C:N/I:N/A:C/CDP:H");
    vt_cvss *c3 = parse_ok("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");

    (void)state;
    /* v2: a group with a metric gets a score, an absent group none. */
    assert_int_equal(vt_cvss_score10(c2, VT_CVSS_SCORE_TEMPORAL), -1);
    assert_true(vt_cvss_score10(c2, VT_CVSS_SCORE_ENVIRONMENTAL) >= 0);
    assert_int_equal(vt_cvss_score10(c2, VT_CVSS_SCORE_OVERALL), -1);
    assert_int_equal(vt_cvss_score10(c3, VT_CVSS_SCORE_OVERALL), -1);
    assert_int_equal(vt_cvss_score10(c3, (vt_cvss_score_kind)7), -1);
    vt_cvss_free(c2);
    vt_cvss_free(c3);
}

/* ------------------------------------------------------------------------ */
/* Exact decimals                                                           */
/* ------------------------------------------------------------------------ */

static void test_cvss__decimal(void **state)
{
    vt__dec a, b, r, t;
    bool inexact;
    int i;

    (void)state;
    /* 0.1 + 0.2 is exactly 0.3. */
    vt__dec_set(&a, 1, 1);
    vt__dec_set(&b, 2, 1);
    vt__dec_add(&r, &a, &b);
    vt__dec_set(&t, 30, 2);
    assert_int_equal(vt__dec_cmp(&r, &t), 0);
    /* 4.000000001 truncates to 40 tenths but is inexact; 4.0 is exact. */
    vt__dec_set(&a, 4000000001, 9);
    assert_int_equal(vt__dec_trunc(&a, 1, &inexact), 40);
    assert_true(inexact);
    vt__dec_set(&a, 400, 2);
    assert_int_equal(vt__dec_trunc(&a, 1, &inexact), 40);
    assert_false(inexact);
    /* Half away from zero, both signs; just below a half goes down. */
    vt__dec_set(&a, 5, 2);
    assert_int_equal(vt__dec_round10(&a), 1);
    vt__dec_set(&a, -5, 2);
    assert_int_equal(vt__dec_round10(&a), -1);
    vt__dec_set(&a, 4999999, 8);
    assert_int_equal(vt__dec_round10(&a), 0);
    vt__dec_set(&a, -16875, 5);
    assert_int_equal(vt__dec_round10(&a), -2);
    /* (0.915 - 0.02)^15 exactly, times 10^135 still exact: compare with a power built by hand. */
    vt__dec_set(&a, 895, 3);
    r = a;
    for (i = 1; i < 15; i++)
        vt__dec_mul(&r, &r, &a);
    assert_int_equal(r.scale, 45);
    vt__dec_sub(&t, &r, &r);
    assert_int_equal(t.n, 0);
    vt__dec_set(&b, 1, 0);
    assert_int_equal(vt__dec_cmp(&r, &b), -1);
    assert_int_equal(vt__dec_trunc(&r, 2, &inexact), 18); /* 0.895^15 = 0.189... */
    assert_true(inexact);
    /* Reducing drops trailing zeros only: 0.915000000 becomes 0.915, 0 stays 0. */
    vt__dec_set(&a, 915000000, 9);
    vt__dec_reduce(&a);
    assert_int_equal(a.scale, 3);
    vt__dec_set(&t, 915, 3);
    assert_int_equal(vt__dec_cmp(&a, &t), 0);
    vt__dec_set(&a, 12000000000000000000u / 1000, 30);
    vt__dec_reduce(&a);
    assert_int_equal(a.scale, 15);
    vt__dec_set(&a, 0, 12);
    vt__dec_reduce(&a);
    assert_int_equal(a.n, 0);
    /* Subtraction crossing zero. */
    vt__dec_set(&a, 29, 3);
    vt__dec_set(&b, 2, 2);
    vt__dec_sub(&r, &b, &a);
    vt__dec_set(&t, -9, 3);
    assert_int_equal(vt__dec_cmp(&r, &t), 0);
}

/* ------------------------------------------------------------------------ */
/* Allocation failures                                                      */
/* ------------------------------------------------------------------------ */

static void test_cvss__alloc_failures(void **state)
{
    static const char *const vectors[] = {
        "AV:L/AC:M/Au:S/C:N/I:P/A:C/E:U/RL:OF/RC:UR/CDP:N/TD:L/CR:H/IR:H/AR:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MS:C",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/U:Red",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        long n;
        bool done = false;

        for (n = 0; !done; n++) {
            vt_cvss *c = NULL;
            vt_buf b = VT_BUF_INIT;
            vt_error err = VT_ERROR_INIT;
            int rc;

            assert_true(n < 100);
            vt_alloc_fail_after(n);
            rc = vt_cvss_parse(&c, vectors[i], strlen(vectors[i]), &err);
            if (rc == 0)
                rc = vt_cvss_vector(&b, c);
            if (rc == 0) {
                assert_false(vt_alloc_failure_injected());
                done = true;
            } else {
                assert_int_equal(rc, VT_ENOMEM);
                assert_true(vt_alloc_failure_injected());
            }
            vt_alloc_fail_after(-1);
            vt_buf_dispose(&b);
            vt_cvss_free(c);
        }
        /* At least the object itself is allocated, so failure 0 was walked. */
        assert_true(n >= 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cvss__fixtures),
        cmocka_unit_test(test_cvss__rejects),
        cmocka_unit_test(test_cvss__too_long),
        cmocka_unit_test(test_cvss__error_offsets),
        cmocka_unit_test(test_cvss__message_is_printable),
        cmocka_unit_test(test_cvss__normalise),
        cmocka_unit_test(test_cvss__metric_getter),
        cmocka_unit_test(test_cvss__nomenclature),
        cmocka_unit_test(test_cvss__known_answers),
        cmocka_unit_test(test_cvss__severity_bands),
        cmocka_unit_test(test_cvss__undefined_scores),
        cmocka_unit_test(test_cvss__decimal),
        cmocka_unit_test(test_cvss__alloc_failures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
