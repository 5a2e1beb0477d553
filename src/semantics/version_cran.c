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
#include "version_scheme.h"

static const vt__numlist cran_list = {
    "CRAN",
    ".-",
    "may hold only digits separated by '.' or '-'",
    "has an empty number (a separator at an end, or two in a row)",
};

static int cran_compare(int *out, const char *a, size_t alen, const char *b,
                        size_t blen, vt_error *err)
{
    return vt__numlist_compare(out, &cran_list, a, alen, b, blen, err);
}

static bool cran_is_valid(const char *s, size_t len)
{
    return vt__numlist_is_valid(&cran_list, s, len);
}

const vt_version_scheme vt__scheme_cran = {"cran", cran_compare, cran_is_valid};
