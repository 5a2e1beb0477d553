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
#include "version_scheme.h"

static const vt__numlist hackage_list = {
    "Hackage",
    ".",
    "may hold only digits separated by '.'",
    "has an empty number (a '.' at an end, or two in a row)",
};

static int hackage_compare(int *out, const char *a, size_t alen, const char *b,
                           size_t blen, vt_error *err)
{
    return vt__numlist_compare(out, &hackage_list, a, alen, b, blen, err);
}

static bool hackage_is_valid(const char *s, size_t len)
{
    return vt__numlist_is_valid(&hackage_list, s, len);
}

const vt_version_scheme vt__scheme_hackage = {"hackage", hackage_compare,
                                              hackage_is_valid};
