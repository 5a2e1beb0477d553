/* version_rubygems.c - scaffolding until the scheme lands (replaced, never shipped). */
#include "version_scheme.h"

static int rubygems_compare(int *out, const char *a, size_t alen, const char *b,
                        size_t blen, vt_error *err)
{
    (void)a; (void)alen; (void)b; (void)blen;
    *out = 0;
    return vt_error_set(err, VT_EUNSUPPORTED, 0, "rubygems: not built yet");
}

static bool rubygems_is_valid(const char *s, size_t len)
{
    (void)s; (void)len;
    return false;
}

const vt_version_scheme vt__scheme_rubygems = {"rubygems", rubygems_compare, rubygems_is_valid};
