/*
 * purl_osv.c - from a purl to the OSV ecosystem and package name that OSV
 * advisories use for it.
 *
 * Ecosystem spellings are those of the OSV schema's ecosystem list
 * (ossf/osv-schema, docs/schema.md and ecosystems.json); the purl type and
 * namespace of each distribution follow the purl/ecosystem pairs OSV.dev
 * itself uses (google/osv.dev osv/purl_helpers.py). Release suffixes come
 * from the purl's `distro` qualifier, with the release numbers of Debian and
 * Ubuntu code names taken from distro-info-data (debian.csv, ubuntu.csv).
 * Anything OSV has no ecosystem for maps to nothing, which is not an error.
 */
#include <string.h>

#include "purl_internal.h"
#include "vulntrack/strparse.h"

enum name_rule {
    NAME_PLAIN,    /* the purl name */
    NAME_NS_SLASH, /* "namespace/name" when there is a namespace */
    NAME_MAVEN,    /* "groupId:artifactId" */
    NAME_PEP503,   /* PEP 503 normalised name */
    NAME_DOTTED,   /* "publisher.name" (VSCode) */
};

enum release_rule {
    REL_NONE,
    REL_DEBIAN, /* Debian:12, Debian:6.0, Debian:sid */
    REL_UBUNTU, /* Ubuntu:22.04:LTS, Ubuntu:23.10 */
    REL_ALPINE, /* Alpine:v3.18 */
    REL_MAJOR,  /* AlmaLinux:9, Rocky Linux:9, Mageia:9 */
    REL_PHOTON, /* Photon OS:4.0 */
};

struct osv_map {
    const char *type;
    const char *ns; /* NULL: any namespace (or none) */
    const char *ecosystem;
    unsigned char name_rule;
    unsigned char release_rule;
};

static const struct osv_map maps[] = {
    {"apk", "alpine", "Alpine", NAME_PLAIN, REL_ALPINE},
    {"apk", "alpaquita", "Alpaquita", NAME_PLAIN, REL_NONE},
    {"apk", "bellsoft-hardened-containers", "BellSoft Hardened Containers", NAME_PLAIN, REL_NONE},
    {"apk", "chainguard", "Chainguard", NAME_PLAIN, REL_NONE},
    {"apk", "minimos", "MinimOS", NAME_PLAIN, REL_NONE},
    {"apk", "wolfi", "Wolfi", NAME_PLAIN, REL_NONE},
    {"bitnami", NULL, "Bitnami", NAME_PLAIN, REL_NONE},
    {"cargo", NULL, "crates.io", NAME_PLAIN, REL_NONE},
    {"composer", NULL, "Packagist", NAME_NS_SLASH, REL_NONE},
    {"conan", NULL, "ConanCenter", NAME_PLAIN, REL_NONE},
    {"cran", NULL, "CRAN", NAME_PLAIN, REL_NONE},
    {"deb", "debian", "Debian", NAME_PLAIN, REL_DEBIAN},
    {"deb", "ubuntu", "Ubuntu", NAME_PLAIN, REL_UBUNTU},
    {"gem", NULL, "RubyGems", NAME_PLAIN, REL_NONE},
    {"golang", NULL, "Go", NAME_NS_SLASH, REL_NONE},
    {"hackage", NULL, "Hackage", NAME_PLAIN, REL_NONE},
    {"hex", NULL, "Hex", NAME_NS_SLASH, REL_NONE},
    {"julia", NULL, "Julia", NAME_PLAIN, REL_NONE},
    {"maven", NULL, "Maven", NAME_MAVEN, REL_NONE},
    {"npm", NULL, "npm", NAME_NS_SLASH, REL_NONE},
    {"nuget", NULL, "NuGet", NAME_PLAIN, REL_NONE},
    {"opam", NULL, "opam", NAME_PLAIN, REL_NONE},
    {"pub", NULL, "Pub", NAME_PLAIN, REL_NONE},
    {"pypi", NULL, "PyPI", NAME_PEP503, REL_NONE},
    {"rpm", "almalinux", "AlmaLinux", NAME_PLAIN, REL_MAJOR},
    {"rpm", "azure-linux", "Azure Linux", NAME_PLAIN, REL_NONE},
    {"rpm", "mageia", "Mageia", NAME_PLAIN, REL_MAJOR},
    {"rpm", "openeuler", "openEuler", NAME_PLAIN, REL_NONE},
    {"rpm", "opensuse", "openSUSE", NAME_PLAIN, REL_NONE},
    {"rpm", "photon", "Photon OS", NAME_PLAIN, REL_PHOTON},
    {"rpm", "redhat", "Red Hat", NAME_PLAIN, REL_NONE},
    {"rpm", "rocky", "Rocky Linux", NAME_PLAIN, REL_MAJOR},
    {"rpm", "rocky-linux", "Rocky Linux", NAME_PLAIN, REL_MAJOR},
    {"rpm", "suse", "SUSE", NAME_PLAIN, REL_NONE},
    {"swift", NULL, "SwiftURL", NAME_NS_SLASH, REL_NONE},
    {"vscode-extension", NULL, "VSCode", NAME_DOTTED, REL_NONE},
};

#define MAP_COUNT (sizeof(maps) / sizeof(maps[0]))

/* Release numbers of code names, from distro-info-data. */
struct codename {
    const char *name;
    const char *release;
};

static const struct codename debian_releases[] = {
    {"buzz", "1.1"},    {"rex", "1.2"},     {"bo", "1.3"},    {"hamm", "2.0"},  {"slink", "2.1"},
    {"potato", "2.2"},  {"woody", "3.0"},   {"sarge", "3.1"}, {"etch", "4.0"},  {"lenny", "5.0"},
    {"squeeze", "6.0"}, {"wheezy", "7"},    {"jessie", "8"},  {"stretch", "9"}, {"buster", "10"},
    {"bullseye", "11"}, {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},  {"duke", "15"},
    {"sid", "sid"},
};

static const struct codename ubuntu_releases[] = {
    {"warty", "4.10"},     {"hoary", "5.04"},    {"breezy", "5.10"},    {"dapper", "6.06"},
    {"edgy", "6.10"},      {"feisty", "7.04"},   {"gutsy", "7.10"},     {"hardy", "8.04"},
    {"intrepid", "8.10"},  {"jaunty", "9.04"},   {"karmic", "9.10"},    {"lucid", "10.04"},
    {"maverick", "10.10"}, {"natty", "11.04"},   {"oneiric", "11.10"},  {"precise", "12.04"},
    {"quantal", "12.10"},  {"raring", "13.04"},  {"saucy", "13.10"},    {"trusty", "14.04"},
    {"utopic", "14.10"},   {"vivid", "15.04"},   {"wily", "15.10"},     {"xenial", "16.04"},
    {"yakkety", "16.10"},  {"zesty", "17.04"},   {"artful", "17.10"},   {"bionic", "18.04"},
    {"cosmic", "18.10"},   {"disco", "19.04"},   {"eoan", "19.10"},     {"focal", "20.04"},
    {"groovy", "20.10"},   {"hirsute", "21.04"}, {"impish", "21.10"},   {"jammy", "22.04"},
    {"kinetic", "22.10"},  {"lunar", "23.04"},   {"mantic", "23.10"},   {"noble", "24.04"},
    {"oracular", "24.10"}, {"plucky", "25.04"},  {"questing", "25.10"},
};

static const char *lookup_codename(const struct codename *t, size_t n, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (vt_ascii_ieq(s, len, t[i].name))
            return t[i].release;
    return NULL;
}

/*
 * The release part of a `distro` qualifier: "debian-12" -> "12",
 * "ubuntu-22.04" -> "22.04", "bookworm" -> "bookworm", "12" -> "12". A
 * leading run of letters and dashes that ends in '-' is the distribution's
 * name and is skipped.
 */
static void release_token(const char *distro, const char **tok, size_t *len)
{
    const char *c = distro, *after_dash = NULL;

    for (; *c && (vt_is_alpha((unsigned char)*c) || *c == '-'); c++)
        if (*c == '-')
            after_dash = c + 1;
    *tok = after_dash ? after_dash : distro;
    *len = strlen(*tok);
}

/* How many digits s[0..len) starts with. */
static size_t digit_run(const char *s, size_t len)
{
    size_t n = 0;

    while (n < len && vt_is_digit((unsigned char)s[n]))
        n++;
    return n;
}

/*
 * Debian: a code name from the table, or a number. Releases from 7 on are
 * plain numbers ("Debian:12", also for "12.5"); older ones are N.M
 * ("Debian:6.0", "Debian:3.1"). Nothing is appended when neither fits.
 */
static int put_debian_release(vt_buf *eco, const char *tok, size_t len)
{
    const char *rel = lookup_codename(
        debian_releases, sizeof(debian_releases) / sizeof(debian_releases[0]), tok, len);
    size_t major, minor;

    if (rel)
        return vt_buf_printf(eco, ":%s", rel);
    major = digit_run(tok, len);
    if (major == 0 || major > 3)
        return 0;
    if (major > 1 || tok[0] >= '7')
        return vt_buf_printf(eco, ":%.*s", (int)major, tok);
    minor = (major < len && tok[major] == '.') ? digit_run(tok + major + 1, len - major - 1) : 0;
    if (minor)
        return vt_buf_printf(eco, ":%.*s.%.*s", (int)major, tok, (int)minor, tok + major + 1);
    return vt_buf_printf(eco, ":%.*s.0", (int)major, tok);
}

/* Ubuntu LTS releases: YY.04 of every even year since 8.04, and 6.06. */
static bool ubuntu_is_lts(const char *rel)
{
    const char *dot = strchr(rel, '.');

    if (strcmp(rel, "6.06") == 0)
        return true;
    return dot && dot > rel && strcmp(dot, ".04") == 0 && (dot[-1] - '0') % 2 == 0;
}

/*
 * Ubuntu: a code name or "YY.MM" (a point release "22.04.3" counts as its
 * release), with ":LTS" after LTS releases as OSV requires.
 */
static int put_ubuntu_release(vt_buf *eco, const char *tok, size_t len)
{
    const char *rel = lookup_codename(
        ubuntu_releases, sizeof(ubuntu_releases) / sizeof(ubuntu_releases[0]), tok, len);
    char num[8];
    size_t year;

    if (!rel) {
        year = digit_run(tok, len);
        if (year == 0 || year > 2 || year + 3 > len || tok[year] != '.' ||
            digit_run(tok + year + 1, len - year - 1) != 2)
            return 0;
        memcpy(num, tok, year + 3);
        num[year + 3] = '\0';
        rel = num;
    }
    return vt_buf_printf(eco, ":%s%s", rel, ubuntu_is_lts(rel) ? ":LTS" : "");
}

/* Alpine: "3.18", "3.18.4" or "v3.18" -> ":v3.18" (the release branch). */
static int put_alpine_release(vt_buf *eco, const char *tok, size_t len)
{
    size_t major, minor;

    if (len && (tok[0] == 'v' || tok[0] == 'V')) {
        tok++;
        len--;
    }
    major = digit_run(tok, len);
    if (major == 0 || major >= len || tok[major] != '.')
        return 0;
    minor = digit_run(tok + major + 1, len - major - 1);
    if (minor == 0)
        return 0;
    return vt_buf_printf(eco, ":v%.*s", (int)(major + 1 + minor), tok);
}

/* Append ":" and the release OSV uses for `distro`, if one can be told. */
static int put_release(vt_buf *eco, unsigned rule, const char *distro)
{
    const char *tok;
    size_t len, major, minor;

    if (!distro || rule == REL_NONE)
        return 0;
    release_token(distro, &tok, &len);
    switch (rule) {
    case REL_DEBIAN:
        return put_debian_release(eco, tok, len);
    case REL_UBUNTU:
        return put_ubuntu_release(eco, tok, len);
    case REL_ALPINE:
        return put_alpine_release(eco, tok, len);
    case REL_MAJOR:
        /* "el9", "mga9" and "9.2" all name release 9. */
        while (len && vt_is_alpha((unsigned char)*tok)) {
            tok++;
            len--;
        }
        major = digit_run(tok, len);
        return major ? vt_buf_printf(eco, ":%.*s", (int)major, tok) : 0;
    case REL_PHOTON:
        /* Photon OS releases are spelt N.0 ("Photon OS:4.0"). */
        major = digit_run(tok, len);
        if (major == 0)
            return 0;
        minor =
            (major < len && tok[major] == '.') ? digit_run(tok + major + 1, len - major - 1) : 0;
        if (minor)
            return vt_buf_printf(eco, ":%.*s.%.*s", (int)major, tok, (int)minor, tok + major + 1);
        return vt_buf_printf(eco, ":%.*s.0", (int)major, tok);
    default:
        return 0;
    }
}

/*
 * PEP 503: lower-case, and every run of '-', '_' and '.' becomes one '-'.
 * The case folding is ASCII only because PyPI project names are ASCII.
 */
int vt__purl_put_pep503(vt_buf *out, const char *name)
{
    bool in_run = false;
    int error = 0;

    for (; *name && error >= 0; name++) {
        if (*name == '-' || *name == '_' || *name == '.') {
            if (!in_run)
                error = vt_buf_putc(out, '-');
            in_run = true;
            continue;
        }
        in_run = false;
        error = vt_buf_putc(out, (char)vt_to_lower((unsigned char)*name));
    }
    return error;
}

static int put_name(vt_buf *out, unsigned rule, const vt_purl *p)
{
    int error = 0;

    switch (rule) {
    case NAME_NS_SLASH:
        if (p->ns)
            error = vt_buf_printf(out, "%s/", p->ns);
        break;
    case NAME_MAVEN:
        error = vt_buf_printf(out, "%s:", p->ns);
        break;
    case NAME_DOTTED:
        error = vt_buf_printf(out, "%s.", p->ns);
        break;
    case NAME_PEP503:
        return vt__purl_put_pep503(out, p->name);
    default:
        break;
    }
    return error < 0 ? error : vt_buf_puts(out, p->name);
}

int vt_purl_osv(vt_buf *ecosystem, vt_buf *name, const vt_purl *p)
{
    const struct osv_map *m = NULL;
    size_t i;
    int error;

    vt_buf_clear(ecosystem);
    vt_buf_clear(name);
    for (i = 0; i < MAP_COUNT && !m; i++) {
        if (strcmp(maps[i].type, p->type) != 0)
            continue;
        if (maps[i].ns && (!p->ns || strcmp(maps[i].ns, p->ns) != 0))
            continue;
        m = &maps[i];
    }
    /* Maven and VSCode names need the namespace; the type rules require it. */
    if (!m || ((m->name_rule == NAME_MAVEN || m->name_rule == NAME_DOTTED) && !p->ns))
        return 0;
    error = vt_buf_puts(ecosystem, m->ecosystem);
    if (error >= 0)
        error = put_release(ecosystem, m->release_rule, vt_purl_qualifier_get(p, "distro"));
    if (error >= 0)
        error = put_name(name, m->name_rule, p);
    if (error < 0) {
        vt_buf_clear(ecosystem);
        vt_buf_clear(name);
        return error;
    }
    return 1;
}
