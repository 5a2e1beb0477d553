/*
 * osv_names.c - the lookup key of a package name in an OSV ecosystem.
 *
 * Advisories and SBOM components must meet under one spelling of each
 * package name, so the store indexes advisories by this key and the scanner
 * looks components up by it. Only PyPI needs work: PEP 503 makes "Django",
 * "django" and "zope.interface" / "zope_interface" / "zope-interface" the
 * same project, and OSV records and SBOMs use every spelling. The other
 * ecosystems' names are compared as written, because their registries treat
 * them as exact (Go module paths, npm "@scope/name", Maven "group:artifact",
 * distribution source package names).
 */
#include <assert.h>
#include <string.h>

#include "vulntrack/buf.h"
#include "vulntrack/match.h"
#include "vulntrack/strparse.h"
#include "osv_names.h"
#include "semantics/purl_internal.h"

/* True when the part of `ecosystem` before any ':' is exactly `base`. */
static bool names_ecosystem_is(const char *ecosystem, const char *base)
{
    size_t n = strlen(base);

    return strncmp(ecosystem, base, n) == 0 && (ecosystem[n] == '\0' || ecosystem[n] == ':');
}

int vt_osv_normalize_name(vt_buf *out, const char *ecosystem, const char *name)
{
    assert(out && name);
    if (ecosystem && names_ecosystem_is(ecosystem, "PyPI"))
        return vt__purl_put_pep503(out, name);
    return vt_buf_puts(out, name);
}

/* The next byte of a PEP 503 key, advancing *s; 0 at the end. */
static char names_next_pep503(const char **s)
{
    const char *p = *s;
    char c = *p;

    if (c == '\0')
        return 0;
    if (c == '-' || c == '_' || c == '.') {
        while (*p == '-' || *p == '_' || *p == '.')
            p++;
        *s = p;
        return '-';
    }
    *s = p + 1;
    return (char)vt_to_lower((unsigned char)c);
}

bool vt__osv_name_eq(const char *ecosystem, const char *a, const char *b)
{
    char ca, cb;

    assert(a && b);
    if (!ecosystem || !names_ecosystem_is(ecosystem, "PyPI"))
        return strcmp(a, b) == 0;
    do {
        ca = names_next_pep503(&a);
        cb = names_next_pep503(&b);
        if (ca != cb)
            return false;
    } while (ca != 0);
    return true;
}
