/*
 * test_version_distro.c - the distribution and language-registry schemes
 * (dpkg, rpm, apk, CRAN, Hackage): ordering tables of our own, refusals with
 * their messages, the total-preorder properties over every string of the
 * tables, and a check that comparing never allocates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vulntrack/alloc.h"
#include "vulntrack/version.h"

/* One ordering fact: a OP b, with OP as -1, 0 or +1. */
struct order_row {
    const char *a;
    const char *b;
    int want;
};

/* One refused string and a fragment its message must hold. */
struct refusal_row {
    const char *s;
    const char *why;
};

static const struct order_row dpkg_rows[] = {
    /* Tilde sorts before everything, the end of the string included. */
    {"1.0~rc1", "1.0", -1},
    {"1.0~~", "1.0~", -1},
    {"1.0~", "1.0", -1},
    {"1.0~rc1~git2", "1.0~rc1", -1},
    {"1.2.3-1~deb7u1", "1.2.3-1", -1},
    /* Letters sort before other punctuation, and uppercase before lower. */
    {"1.0", "1.0a", -1},
    {"1.0a", "1.0+", -1},
    {"1.0a", "1.0.", -1},
    {"1.0Z", "1.0a", -1},
    {"1.0+b1", "1.0.1", -1},
    {"v1.0", "1.0", 1},
    /* Digit runs compare by value, of any length, leading zeros ignored. */
    {"1.007", "1.7", 0},
    {"1.0", "1.00", 0},
    {"0.9", "0.10", -1},
    {"1.99999999999999999999", "1.100000000000000000000", -1},
    {"1.18446744073709551616", "1.18446744073709551615", 1},
    /* Epochs: numeric, absent is 0, one sign as dpkg's strtol() takes. */
    {"0:1.0", "1.0", 0},
    {"1:0.1", "9.9", 1},
    {"01:1.0", "1:1.0", 0},
    {"+1:1.0", "1:1.0", 0},
    {"-0:1.0", "1.0", 0},
    {"2147483647:1", "2147483646:9", 1},
    {"1:2:3", "1:2", 1},
    /* Revisions follow the last '-'; absent equals "0". */
    {"1.0", "1.0-0", 0},
    {"1.0", "1.0-00", 0},
    {"1.0-0", "1.0-1", -1},
    {"1.0-1", "1.0-a", -1},
    {"1.2-3-4", "1.2-3-5", -1},
    {"1.2-3-4", "1.2-4", 1},
    {"2.7.4+reloaded2-13ubuntu1", "2.7.4+reloaded2-13+deb9u1", -1},
    {"1:9.18.19-1~deb12u1", "1:9.18.24-1", -1},
};

static const struct refusal_row dpkg_refusals[] = {
    {"", "empty version"},
    {":1.0", "epoch before ':' is empty"},
    {"+:1.0", "epoch before ':' is empty"},
    {"a:1.0", "not a number"},
    {"1.0:1", "not a number"},
    {"2147483648:1", "above 2147483647"},
    {"99999999999999999999:1", "above 2147483647"},
    {"-1:1.0", "negative"},
    {"1:", "nothing after the epoch"},
    {"1.0-", "revision after the last '-' is empty"},
    {"-1", "upstream version is empty"},
    {"1:-1", "upstream version is empty"},
    {"1.0_1", "upstream version may hold only"},
    {"1.0!", "upstream version may hold only"},
    {"1.0-1_2", "revision may hold only"},
    {"1:2-3:4", "revision may hold only"},
    {"1.0 1", "space or control"},
    {"1.0\t", "space or control"},
};

static const struct order_row rpm_rows[] = {
    {"1.0", "1.0.1", -1},
    {"1.0~rc1", "1.0", -1},
    {"1.0~rc1", "1.0~rc2", -1},
    {"1.0~rc1~git123", "1.0~rc1", -1},
    /* Caret: after the base version, before anything appended to it. */
    {"1.0^", "1.0", 1},
    {"1.0^git1", "1.0", 1},
    {"1.0^git1", "1.0.1", -1},
    {"1.0^git1", "1.01", -1},
    {"1.0^git1~pre", "1.0^git1", -1},
    {"1.0~rc1^git1", "1.0~rc1", 1},
    /* Numbers beat letters; numbers by value; letters byte-wise. */
    {"1.0a", "1.0.1", -1},
    {"10xyz", "10.1xyz", -1},
    {"xyz.4", "8", -1},
    {"1.0aa", "1.0a", 1},
    {"10b2", "10a1", 1},
    {"10.0001", "10.1", 0},
    {"5.5p1", "5.5p10", -1},
    {"1.123456789012345678901", "1.99999999999999999999", 1},
    /* Separators only separate, whatever they are. */
    {"2_0", "2.0", 0},
    {"a+", "a_", 0},
    {"1.1.\xce\xb1", "1.1.\xce\xb2", 0},
    {"1.1.\xce\xb1", "1.1.a", -1},
    /* Epochs: a leading digit run before ':'; otherwise the ':' is text. */
    {"1:1", "2", 1},
    {"01:1", "1:1", 0},
    {":1", "0:1", 0},
    {"0:1", "1", 0},
    {"99999999999999999999:1", "9999999999999999999:2", 1},
    {"a:1", "b:1", -1},
    {"a:1", "a1:1", -1},
    /* Releases: after the last '-'; a missing one sorts first. */
    {"1", "1-", -1},
    {"1", "1-0", -1},
    {"1", "1-~", -1},
    {"1-", "1-.", 0},
    {"1-1.", "1-1", 0},
    {"1-123", "1-2", 1},
    {"1-2-3", "1-2-4", -1},
    {"1-2-3", "1-3", 1},
    {"0:3.10.0-229.el7", "0:3.10.0-229.1.2.ael7b", -1},
};

static const struct refusal_row rpm_refusals[] = {
    {"", "empty version"},
    {"-1", "version part"},
    {"1:-1", "version part"},
    {"1:", "version part"},
    {"1 0", "space or control"},
    {"1.0\x01", "space or control"},
};

static const struct order_row apk_rows[] = {
    /* Numbers: by value, except that a later one with a leading zero
     * compares as a string; a longer list of numbers is greater. */
    {"1.2", "1.10", -1},
    {"1.05", "1.5", -1},
    {"1.001", "1.01", -1},
    {"1.0", "1.00", -1},
    {"1.2", "1.2.0", -1},
    {"1.2a", "1.2.0", -1},
    {"1.2_p1", "1.2.0", -1},
    {"006", "6", 0},
    {"99999999999999999999", "9999999999999999999", 1},
    /* Letter, then suffixes in apk's order, then their numbers. */
    {"1.2", "1.2a", -1},
    {"1.2a", "1.2b", -1},
    {"1.2_alpha", "1.2_beta", -1},
    {"1.2_beta", "1.2_pre", -1},
    {"1.2_pre", "1.2_rc", -1},
    {"1.2_rc", "1.2", -1},
    {"1.2", "1.2_cvs", -1},
    {"1.2_cvs", "1.2_svn", -1},
    {"1.2_svn", "1.2_git", -1},
    {"1.2_git", "1.2_hg", -1},
    {"1.2_hg", "1.2_p", -1},
    {"1.2_rc", "1.2_rc0", 0},
    {"1.2_rc1", "1.2_rc2", -1},
    {"1.2_alpha_pre2", "1.2_alpha", -1},
    {"1.0_pre20191002222144", "1.0_pre20210530193627", -1},
    /* Commit hash: any beats none, two compare byte-wise. */
    {"1.2~abc", "1.2", 1},
    {"1.2~abc", "1.2~abd", -1},
    {"1.2~abc-r0", "1.2-r5", 1},
    /* Revision: numeric; none and "-r" count as -r0. */
    {"1.2-r1", "1.2", 1},
    {"1.2", "1.2-r0", 0},
    {"1.2-r", "1.2-r0", 0},
    {"1.2-r9", "1.2-r10", -1},
    /* Malformed tails rank just below the clean version. */
    {"1-ruff", "1", -1},
    {"1-r0-1", "1-r0-2", 0},
    {"1--r1", "1", -1},
    {"1.2_blah", "1.2", -1},
    {"1.2_blah", "1.2_blaz", -1},
    {"1.2.0A", "1.2.0d", -1},
    {"0..1", "0..2", -1},
    {".1", "1", -1},
    {"a", "b", -1},
};

static const struct refusal_row apk_refusals[] = {
    {"", "empty version"},
    {"1.0 ", "not printable ASCII"},
    {"1.0\x7f", "not printable ASCII"},
    {"1.0\xc3\xa9", "not printable ASCII"},
};

static const struct order_row cran_rows[] = {
    {"1.0-1", "1.0.1", 0},
    {"0.1.0", "0.1.0.0", -1},
    {"0.01", "0.1-0", -1},
    {"0.01.0", "0.1-0", 0},
    {"1.10", "1.9", 1},
    {"0.9", "0.75", -1},
    {"1", "1.0", -1},
    {"0", "0.0.1", -1},
    {"1.99999999999999999999", "1.100000000000000000000", -1},
};

static const struct refusal_row cran_refusals[] = {
    {"", "empty version"},
    {"1..0", "empty number"},
    {"1.-0", "empty number"},
    {"1.", "empty number"},
    {"-1", "empty number"},
    {"1.0a", "only digits"},
    {"1_0", "only digits"},
    {"v1.0", "only digits"},
};

static const struct order_row hackage_rows[] = {
    {"1.0", "1.0.0", -1},
    {"1.10", "1.9", 1},
    {"0.1.26.0", "0", 1},
    {"2.0", "1", 1},
    {"01.2", "1.2", 0},
    {"1.0.0.0", "0.11.3.0", 1},
    {"1.18446744073709551616", "1.18446744073709551615", 1},
};

static const struct refusal_row hackage_refusals[] = {
    {"", "empty version"},
    {"1..0", "empty number"},
    {".1", "empty number"},
    {"1.", "empty number"},
    {"1-0", "only digits"},
    {"1.0-tag", "only digits"},
    {"v1.0", "only digits"},
};

struct scheme_case {
    const char *ecosystem;
    const char *scheme;
    const struct order_row *rows;
    size_t nrows;
    const struct refusal_row *refusals;
    size_t nrefusals;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct scheme_case cases[] = {
    {"Debian", "dpkg", dpkg_rows, N(dpkg_rows), dpkg_refusals, N(dpkg_refusals)},
    {"Red Hat", "rpm", rpm_rows, N(rpm_rows), rpm_refusals, N(rpm_refusals)},
    {"Alpine", "apk", apk_rows, N(apk_rows), apk_refusals, N(apk_refusals)},
    {"CRAN", "cran", cran_rows, N(cran_rows), cran_refusals, N(cran_refusals)},
    {"Hackage", "hackage", hackage_rows, N(hackage_rows), hackage_refusals,
     N(hackage_refusals)},
};

static const vt_version_scheme *scheme_of(const struct scheme_case *c)
{
    const vt_version_scheme *s = NULL;
    vt_error err = VT_ERROR_INIT;

    if (vt_version_scheme_for(&s, c->ecosystem, strlen(c->ecosystem), &err) < 0)
        fail_msg("%s: %s", c->ecosystem, err.msg);
    assert_string_equal(vt_version_scheme_name(s), c->scheme);
    return s;
}

static int compare_ok(const vt_version_scheme *s, const char *a, const char *b)
{
    vt_error err = VT_ERROR_INIT;
    int out = 99;

    if (vt_version_compare(&out, s, a, strlen(a), b, strlen(b), &err) != 0)
        fail_msg("'%s' vs '%s': %s", a, b, err.msg);
    return out;
}

/* Every table row in both directions, and each side reported valid. */
static void test_version_distro__ordering_tables(void **state)
{
    size_t k, i, failures = 0;

    (void)state;
    for (k = 0; k < N(cases); k++) {
        const vt_version_scheme *s = scheme_of(&cases[k]);

        for (i = 0; i < cases[k].nrows; i++) {
            const struct order_row *r = &cases[k].rows[i];
            int fwd = compare_ok(s, r->a, r->b), rev = compare_ok(s, r->b, r->a);

            if (fwd != r->want || rev != -r->want) {
                print_error("[%s] '%s' vs '%s': want %d, got %d / reverse %d\n",
                            cases[k].scheme, r->a, r->b, r->want, fwd, rev);
                failures++;
            }
            if (!vt_version_is_valid(s, r->a, strlen(r->a)) ||
                !vt_version_is_valid(s, r->b, strlen(r->b))) {
                print_error("[%s] '%s' or '%s' reported invalid\n", cases[k].scheme,
                            r->a, r->b);
                failures++;
            }
        }
    }
    assert_int_equal(failures, 0);
}

/*
 * Every refused string, on either side: VT_EINVALID, the offset naming the
 * side, and a message that quotes the string and says why.
 */
static void test_version_distro__refusals(void **state)
{
    size_t k, i;

    (void)state;
    for (k = 0; k < N(cases); k++) {
        const vt_version_scheme *s = scheme_of(&cases[k]);
        const char *good = cases[k].rows[0].a;

        for (i = 0; i < cases[k].nrefusals; i++) {
            const struct refusal_row *r = &cases[k].refusals[i];
            vt_error err = VT_ERROR_INIT;
            char quoted[160];
            int out = 7;

            snprintf(quoted, sizeof(quoted), "invalid %s version '%s': ",
                     strcmp(cases[k].scheme, "cran") == 0      ? "CRAN"
                     : strcmp(cases[k].scheme, "hackage") == 0 ? "Hackage"
                                                               : cases[k].scheme,
                     r->s);
            assert_false(vt_version_is_valid(s, r->s, strlen(r->s)));
            assert_int_equal(vt_version_compare(&out, s, r->s, strlen(r->s), good,
                                                strlen(good), &err),
                             VT_EINVALID);
            assert_int_equal(err.code, VT_EINVALID);
            assert_int_equal(err.offset, 0);
            if (strncmp(err.msg, quoted, strlen(quoted)) != 0 ||
                !strstr(err.msg, r->why))
                fail_msg("[%s] '%s': message \"%s\" lacks \"%s\" or \"%s\"",
                         cases[k].scheme, r->s, err.msg, quoted, r->why);
            vt_error_clear(&err);
            assert_int_equal(vt_version_compare(&out, s, good, strlen(good), r->s,
                                                strlen(r->s), &err),
                             VT_EINVALID);
            assert_int_equal(err.offset, 1);
            assert_non_null(strstr(err.msg, r->why));
        }
        /* A NULL error detail is allowed. */
        {
            int out = 0;

            assert_int_equal(vt_version_compare(&out, s, "", 0, good, strlen(good), NULL),
                             VT_EINVALID);
        }
    }
}

/*
 * Over every string of a scheme's table: reflexive, antisymmetric and
 * transitive, so that sorting with these comparators is well defined.
 */
static void test_version_distro__total_preorder(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < N(cases); k++) {
        const vt_version_scheme *s = scheme_of(&cases[k]);
        const char *v[2 * 64];
        int m[2 * 64][2 * 64];
        size_t n = 0, i, j, l, violations = 0;

        assert_true(cases[k].nrows <= 64);
        for (i = 0; i < cases[k].nrows; i++) {
            v[n++] = cases[k].rows[i].a;
            v[n++] = cases[k].rows[i].b;
        }
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++)
                m[i][j] = compare_ok(s, v[i], v[j]);
        for (i = 0; i < n; i++) {
            if (m[i][i] != 0)
                violations++;
            for (j = 0; j < n; j++) {
                if (m[i][j] != -m[j][i])
                    violations++;
                for (l = 0; l < n; l++)
                    if (m[i][j] <= 0 && m[j][l] <= 0 &&
                        (m[i][l] > 0 || (m[i][l] == 0 && (m[i][j] || m[j][l])))) {
                        print_error("[%s] '%s' %d '%s' %d '%s' but %d\n",
                                    cases[k].scheme, v[i], m[i][j], v[j], m[j][l],
                                    v[l], m[i][l]);
                        violations++;
                    }
            }
        }
        assert_int_equal(violations, 0);
    }
}

/* Comparing parses in place: it succeeds even when every allocation fails. */
static void test_version_distro__compare_never_allocates(void **state)
{
    size_t k, i;

    (void)state;
    for (k = 0; k < N(cases); k++) {
        const vt_version_scheme *s = scheme_of(&cases[k]);

        vt_alloc_fail_after(0);
        for (i = 0; i < cases[k].nrows; i++) {
            const struct order_row *r = &cases[k].rows[i];
            int out = 99;

            assert_int_equal(vt_version_compare(&out, s, r->a, strlen(r->a), r->b,
                                                strlen(r->b), NULL),
                             0);
            assert_int_equal(out, r->want);
        }
        assert_false(vt_alloc_failure_injected());
        vt_alloc_fail_after(-1);
    }
}

/* Lengths are honoured: bytes past len are never looked at. */
static void test_version_distro__length_bounds(void **state)
{
    static const char *const ecos[] = {"Debian", "Red Hat", "Alpine", "CRAN",
                                       "Hackage"};
    size_t k;

    (void)state;
    for (k = 0; k < N(ecos); k++) {
        const vt_version_scheme *s;
        int out = 99;

        assert_int_equal(vt_version_scheme_for(&s, ecos[k], strlen(ecos[k]), NULL), 0);
        /* "1.2" read from "1.2!!" and "1.10" from "1.10~~": 1.2 < 1.10. */
        assert_int_equal(vt_version_compare(&out, s, "1.2!!", 3, "1.10~~", 4, NULL), 0);
        assert_int_equal(out, -1);
        assert_true(vt_version_is_valid(s, "1.2 junk", 3));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_distro__ordering_tables),
        cmocka_unit_test(test_version_distro__refusals),
        cmocka_unit_test(test_version_distro__total_preorder),
        cmocka_unit_test(test_version_distro__compare_never_allocates),
        cmocka_unit_test(test_version_distro__length_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
