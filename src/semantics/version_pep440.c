/* version_pep440.c - scaffolding until the scheme lands (replaced, never shipped). */
#include "version_scheme.h"

static int pep440_compare(int *out, const char *a, size_t alen, const char *b,
                        size_t blen, vt_error *err)
{
    (void)a; (void)alen; (void)b; (void)blen;
    *out = 0;
    return vt_error_set(err, VT_EUNSUPPORTED, 0, "pep440: not built yet");
}

static bool pep440_is_valid(const char *s, size_t len)
{
    (void)s; (void)len;
    return false;
}

const vt_version_scheme vt__scheme_pep440 = {"pep440", pep440_compare, pep440_is_valid};
