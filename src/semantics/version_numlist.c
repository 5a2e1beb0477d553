/*
 * version_numlist.c - versions that are only a list of non-negative integers
 * (CRAN, Hackage): checked against the scheme's separators, and compared
 * number by number by value (leading zeros ignored, any length), the shorter
 * list first when one is a prefix of the other. Comparing never allocates.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

static bool numlist_is_sep(const vt__numlist *nl, unsigned char c)
{
    return c != '\0' && strchr(nl->seps, c) != NULL;
}

/* Check s[0..len); returns NULL or the reason it is not a version of `nl`. */
static const char *numlist_check(const vt__numlist *nl, const char *s, size_t len)
{
    size_t i;

    if (len == 0)
        return "empty version";
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (vt_is_digit(c))
            continue;
        if (!numlist_is_sep(nl, c))
            return nl->why_byte;
        if (i == 0 || i + 1 == len || numlist_is_sep(nl, (unsigned char)s[i + 1]))
            return nl->why_empty;
    }
    return NULL;
}

/*
 * Both strings are checked: digit runs separated by single separators, so
 * the byte after a run is a separator whichever one the version chose.
 */
static int numlist_cmp(const char *a, size_t alen, const char *b, size_t blen)
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

int vt__numlist_compare(int *out, const vt__numlist *nl, const char *a, size_t alen,
                        const char *b, size_t blen, vt_error *err)
{
    const char *why;

    why = numlist_check(nl, a, alen);
    if (why)
        return vt__version_invalid(err, nl->scheme, 0, a, alen, why);
    why = numlist_check(nl, b, blen);
    if (why)
        return vt__version_invalid(err, nl->scheme, 1, b, blen, why);
    *out = numlist_cmp(a, alen, b, blen);
    return 0;
}

bool vt__numlist_is_valid(const vt__numlist *nl, const char *s, size_t len)
{
    return numlist_check(nl, s, len) == NULL;
}
