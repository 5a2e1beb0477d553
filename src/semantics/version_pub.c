/*
 * version_pub.c - Dart Pub's ordering (package pub_semver, Version.compareTo):
 * SemVer 2.0 precedence for major.minor.patch and the prerelease, but build
 * metadata is significant: a version with a build sorts after the same
 * version without one ("1.0.0 < 1.0.0+build"), and builds compare identifier
 * by identifier like prereleases (numbers numerically and before strings,
 * strings in code-unit order, a shorter list first). Leniency follows OSV's
 * tooling: a leading 'v', "1.2" = "1.2.0", numbers of any width.
 */
#include "version_semverlike.h"

#define PUB_COMPONENTS 3

static int pub_compare(int *out, const char *a, size_t alen, const char *b, size_t blen,
                       vt_error *err)
{
    vt__svl va, vb;
    int error, c;

    *out = 0;
    error = vt__svl_parse_pair(&va, &vb, "pub", a, alen, b, blen, err);
    if (error < 0)
        return error;
    c = vt__svl_compare_release(&va, &vb, PUB_COMPONENTS);
    if (c == 0)
        c = vt__svl_compare_prerelease(&va, &vb, PUB_COMPONENTS, false);
    if (c == 0)
        c = vt__svl_compare_build(&va, &vb, PUB_COMPONENTS);
    *out = c;
    return 0;
}

static bool pub_is_valid(const char *s, size_t len)
{
    vt__svl v;
    const char *why;

    return vt__svl_parse(&v, s, len, &why) == 0;
}

const vt_version_scheme vt__scheme_pub = {"pub", pub_compare, pub_is_valid};
