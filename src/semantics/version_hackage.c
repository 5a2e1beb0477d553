/*
 * version_hackage.c - Hackage package versions, ordered as Haskell's
 * Data.Version (and Cabal's Version) orders them: one or more non-negative
 * integers separated by '.', compared one by one by numeric value, and when
 * one list is a prefix of the other the shorter sorts first (1.0 < 1.0.0),
 * since the Package Versioning Policy gives every component a meaning.
 *
 * Cabal's parser also refuses leading zeros and numbers of more than nine
 * digits; we accept both and compare them by value, of any length, so that a
 * version written oddly in an advisory still orders. The deprecated "-tag"
 * suffixes are refused, as Cabal refuses them. Comparing never allocates.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

/* Check s[0..len); returns NULL or the reason it is not a Hackage version. */
static const char *hackage_check(const char *s, size_t len)
{
    size_t i;

    if (len == 0)
        return "empty version";
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (vt_is_digit(c))
            continue;
        if (c != '.')
            return "may hold only digits separated by '.'";
        if (i == 0 || i + 1 == len || s[i + 1] == '.')
            return "has an empty number (a '.' at an end, or two in a row)";
    }
    return NULL;
}

/* Both strings are checked: digit runs separated by single dots. */
static int hackage_cmp(const char *a, size_t alen, const char *b, size_t blen)
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
        /* Step over the dot; past the end means the list has ended. */
        i = ie + 1;
        j = je + 1;
    }
    if (i < alen)
        return 1;
    if (j < blen)
        return -1;
    return 0;
}

static int hackage_compare(int *out, const char *a, size_t alen, const char *b,
                           size_t blen, vt_error *err)
{
    const char *why;

    why = hackage_check(a, alen);
    if (why)
        return vt__version_invalid(err, "Hackage", 0, a, alen, why);
    why = hackage_check(b, blen);
    if (why)
        return vt__version_invalid(err, "Hackage", 1, b, blen, why);
    *out = hackage_cmp(a, alen, b, blen);
    return 0;
}

static bool hackage_is_valid(const char *s, size_t len)
{
    return hackage_check(s, len) == NULL;
}

const vt_version_scheme vt__scheme_hackage = {"hackage", hackage_compare,
                                              hackage_is_valid};
