/*
 * version_cran.c - CRAN package versions, ordered as R's package_version()
 * orders them: non-negative integers separated by '.' or '-' (the two
 * separators are interchangeable, so 1.0-1 equals 1.0.1), compared one by one
 * by numeric value (leading zeros ignored, any length), and when one list is
 * a prefix of the other the shorter sorts first (0.1.0 < 0.1.0.0).
 *
 * R's package_version() wants at least two numbers; we also accept a single
 * one ("0", as OSV ranges write "introduced: 0"), ordered by the same rule.
 * Anything else (letters, empty numbers, a separator at either end) is not a
 * CRAN version. Comparing never allocates.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

static bool cran_is_sep(int c)
{
    return c == '.' || c == '-';
}

/* Check s[0..len); returns NULL or the reason it is not a CRAN version. */
static const char *cran_check(const char *s, size_t len)
{
    size_t i;

    if (len == 0)
        return "empty version";
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (vt_is_digit(c))
            continue;
        if (!cran_is_sep(c))
            return "may hold only digits separated by '.' or '-'";
        if (i == 0 || i + 1 == len || cran_is_sep((unsigned char)s[i + 1]))
            return "has an empty number (a separator at an end, or two in a row)";
    }
    return NULL;
}

/* Both strings are checked: digit runs separated by single separators. */
static int cran_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;

    while (i < alen && j < blen) {
        size_t ie = i, je = j;
        int c;

        while (ie < alen && vt_is_digit((unsigned char)a[ie]))
            ie++;
        while (je < blen && vt_is_digit((unsigned char)b[je]))
            je++;
        c = vt_digits_cmp(a + i, ie - i, b + j, je - j);
        if (c != 0)
            return c < 0 ? -1 : 1;
        /* Step over the separator; past the end means the list has ended. */
        i = ie + 1;
        j = je + 1;
    }
    if (i < alen)
        return 1;
    if (j < blen)
        return -1;
    return 0;
}

static int cran_compare(int *out, const char *a, size_t alen, const char *b,
                        size_t blen, vt_error *err)
{
    const char *why;

    why = cran_check(a, alen);
    if (why)
        return vt__version_invalid(err, "CRAN", 0, a, alen, why);
    why = cran_check(b, blen);
    if (why)
        return vt__version_invalid(err, "CRAN", 1, b, blen, why);
    *out = cran_cmp(a, alen, b, blen);
    return 0;
}

static bool cran_is_valid(const char *s, size_t len)
{
    return cran_check(s, len) == NULL;
}

const vt_version_scheme vt__scheme_cran = {"cran", cran_compare, cran_is_valid};
