/*
 * version.c - maps OSV ecosystem names to version schemes and dispatches.
 * The table follows the OSV schema's ecosystem list; ecosystems whose
 * advisories use only GIT ranges or explicit version lists (Linux, Android,
 * OSS-Fuzz, GIT) have no ordering, and asking for one is an error rather
 * than a guess.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

struct ecosystem_entry {
    const char *name;               /* as OSV spells it */
    const vt_version_scheme *scheme; /* NULL: the ecosystem has no ordering */
};

static const struct ecosystem_entry ecosystems[] = {
    {"AlmaLinux", &vt__scheme_rpm},
    {"Alpaquita", &vt__scheme_apk},
    {"Alpine", &vt__scheme_apk},
    {"Android", NULL},
    {"Azure Linux", &vt__scheme_rpm},
    {"BellSoft Hardened Containers", &vt__scheme_apk},
    {"Bioconductor", &vt__scheme_semver},
    {"Bitnami", &vt__scheme_semver},
    {"Chainguard", &vt__scheme_apk},
    {"ConanCenter", &vt__scheme_semver},
    {"CRAN", &vt__scheme_cran},
    {"crates.io", &vt__scheme_semver},
    {"Debian", &vt__scheme_dpkg},
    {"Docker Hardened Images", &vt__scheme_semver},
    {"GHC", &vt__scheme_semver},
    {"GIT", NULL},
    {"GitHub Actions", &vt__scheme_semver},
    {"Go", &vt__scheme_semver},
    {"Hackage", &vt__scheme_hackage},
    {"Hex", &vt__scheme_semver},
    {"Julia", &vt__scheme_semver},
    {"Kubernetes", &vt__scheme_semver},
    {"Linux", NULL},
    {"Mageia", &vt__scheme_rpm},
    {"Maven", &vt__scheme_maven},
    {"MinimOS", &vt__scheme_apk},
    {"npm", &vt__scheme_semver},
    {"NuGet", &vt__scheme_nuget},
    {"opam", &vt__scheme_dpkg},
    {"openEuler", &vt__scheme_rpm},
    {"openSUSE", &vt__scheme_rpm},
    {"OSS-Fuzz", NULL},
    {"Packagist", &vt__scheme_composer},
    {"Photon OS", &vt__scheme_rpm},
    {"Pub", &vt__scheme_pub},
    {"PyPI", &vt__scheme_pep440},
    {"Red Hat", &vt__scheme_rpm},
    {"Rocky Linux", &vt__scheme_rpm},
    {"RubyGems", &vt__scheme_rubygems},
    {"SUSE", &vt__scheme_rpm},
    {"SwiftURL", &vt__scheme_semver},
    {"Ubuntu", &vt__scheme_dpkg},
    {"VSCode", &vt__scheme_semver},
    {"Wolfi", &vt__scheme_apk},
};

#define ECOSYSTEM_COUNT (sizeof(ecosystems) / sizeof(ecosystems[0]))

int vt_version_scheme_for(const vt_version_scheme **out, const char *ecosystem,
                          size_t len, vt_error *err)
{
    const char *colon = memchr(ecosystem, ':', len);
    size_t base = colon ? (size_t)(colon - ecosystem) : len;
    size_t i;

    *out = NULL;
    for (i = 0; i < ECOSYSTEM_COUNT; i++) {
        const char *name = ecosystems[i].name;

        /* OSV ecosystem names are case-sensitive ("npm", not "NPM"). */
        if (strlen(name) != base || memcmp(name, ecosystem, base) != 0)
            continue;
        if (!ecosystems[i].scheme)
            return vt_error_set(err, VT_EUNSUPPORTED, 0,
                                "ecosystem '%s' has no version ordering "
                                "(its advisories list versions or GIT commits)",
                                name);
        *out = ecosystems[i].scheme;
        return 0;
    }
    return vt_error_set(err, VT_ENOTFOUND, 0, "unknown ecosystem '%.*s'",
                        (int)(len > 64 ? 64 : len), ecosystem);
}

const char *vt_version_scheme_name(const vt_version_scheme *scheme)
{
    return scheme->name;
}

int vt_version_compare(int *out, const vt_version_scheme *scheme,
                       const char *a, size_t alen, const char *b, size_t blen,
                       vt_error *err)
{
    *out = 0;
    return scheme->compare(out, a, alen, b, blen, err);
}

bool vt_version_is_valid(const vt_version_scheme *scheme, const char *s,
                         size_t len)
{
    return scheme->is_valid(s, len);
}

const char *vt_version_ecosystem_at(size_t i, const char **scheme_name)
{
    if (i >= ECOSYSTEM_COUNT)
        return NULL;
    if (scheme_name)
        *scheme_name = ecosystems[i].scheme ? ecosystems[i].scheme->name : NULL;
    return ecosystems[i].name;
}

int vt__version_invalid(vt_error *err, const char *scheme, int which,
                        const char *s, size_t len, const char *why)
{
    return vt_error_set(err, VT_EINVALID, (size_t)which,
                        "invalid %s version '%.*s': %s", scheme,
                        (int)(len > 128 ? 128 : len), s, why);
}

const char *vt__version_text_problem(const char *s, size_t len)
{
    size_t i;

    if (len == 0)
        return "empty version";
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c == 0x7f)
            return "contains a space or control character";
    }
    return NULL;
}
