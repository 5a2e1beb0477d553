/*
 * version_nuget.c - NuGet's version ordering (NuGet.Versioning's
 * VersionComparer, default mode): SemVer 2.0 with a fourth numeric component
 * (Revision; "1.0" = "1.0.0.0"), prerelease labels compared without regard
 * to ASCII case ("1.0.0-BETA" = "1.0.0-beta") and numerically when all
 * digits, and build metadata ignored. Leniency follows OSV's tooling: a
 * leading 'v', numbers of any width, components after the fourth joining the
 * prerelease.
 */
#include "version_semverlike.h"

/* Major.Minor.Patch.Revision. */
#define NUGET_COMPONENTS 4

static int nuget_compare(int *out, const char *a, size_t alen, const char *b, size_t blen,
                         vt_error *err)
{
    vt__svl va, vb;
    int error, c;

    *out = 0;
    error = vt__svl_parse_pair(&va, &vb, "nuget", a, alen, b, blen, err);
    if (error < 0)
        return error;
    c = vt__svl_compare_release(&va, &vb, NUGET_COMPONENTS);
    if (c == 0)
        c = vt__svl_compare_prerelease(&va, &vb, NUGET_COMPONENTS, true);
    *out = c;
    return 0;
}

static bool nuget_is_valid(const char *s, size_t len)
{
    vt__svl v;
    const char *why;

    return vt__svl_parse(&v, s, len, &why) == 0;
}

const vt_version_scheme vt__scheme_nuget = {"nuget", nuget_compare, nuget_is_valid};
