/* version_dpkg.c - scaffolding until the scheme lands (replaced, never shipped). */
#include "version_scheme.h"

static int dpkg_compare(int *out, const char *a, size_t alen, const char *b,
                        size_t blen, vt_error *err)
{
    (void)a; (void)alen; (void)b; (void)blen;
    *out = 0;
    return vt_error_set(err, VT_EUNSUPPORTED, 0, "dpkg: not built yet");
}

static bool dpkg_is_valid(const char *s, size_t len)
{
    (void)s; (void)len;
    return false;
}

const vt_version_scheme vt__scheme_dpkg = {"dpkg", dpkg_compare, dpkg_is_valid};
