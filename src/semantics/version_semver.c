/*
 * version_semver.c - SemVer 2.0 precedence for npm, crates.io, Hex, Go,
 * SwiftURL, Bitnami, Bioconductor, ConanCenter, GHC, Julia, Kubernetes,
 * GitHub Actions, VSCode and Docker Hardened Images.
 *
 * The rules are semver.org's (major.minor.patch numerically, a prerelease
 * before its release, prerelease identifiers numeric-before-alphanumeric,
 * build metadata ignored) with the leniency of OSV's tooling, so that the
 * versions found in real advisories all compare: a leading 'v' (Go, GitHub
 * Actions) is ignored, "1.2" means 1.2.0, numbers may be wider than 64 bits,
 * and a tail without '-' ("1.2.3rc1") is still a prerelease. Components after
 * the third join the tail as trailing prerelease identifiers, as OSV's tooling
 * does. Go pseudo-versions (v1.2.4-0.20191109021931-daa7c04131f5) and
 * "+incompatible" need no special case: SemVer precedence already orders a
 * pseudo-version after its base tag and before the next release.
 */
#include "version_semverlike.h"

/* Numeric components that count as major.minor.patch. */
#define SEMVER_COMPONENTS 3

static int semver_compare(int *out, const char *a, size_t alen, const char *b, size_t blen,
                          vt_error *err)
{
    vt__svl va, vb;
    int error, c;

    *out = 0;
    error = vt__svl_parse_pair(&va, &vb, "semver", a, alen, b, blen, err);
    if (error < 0)
        return error;
    c = vt__svl_compare_release(&va, &vb, SEMVER_COMPONENTS);
    if (c == 0)
        c = vt__svl_compare_prerelease(&va, &vb, SEMVER_COMPONENTS, false);
    *out = c;
    return 0;
}

static bool semver_is_valid(const char *s, size_t len)
{
    vt__svl v;
    const char *why;

    return vt__svl_parse(&v, s, len, &why) == 0;
}

const vt_version_scheme vt__scheme_semver = {"semver", semver_compare, semver_is_valid};
