/* version_cran.c - scaffolding until the scheme lands (replaced, never shipped). */
#include "version_scheme.h"

static int cran_compare(int *out, const char *a, size_t alen, const char *b,
                        size_t blen, vt_error *err)
{
    (void)a; (void)alen; (void)b; (void)blen;
    *out = 0;
    return vt_error_set(err, VT_EUNSUPPORTED, 0, "cran: not built yet");
}

static bool cran_is_valid(const char *s, size_t len)
{
    (void)s; (void)len;
    return false;
}

const vt_version_scheme vt__scheme_cran = {"cran", cran_compare, cran_is_valid};
