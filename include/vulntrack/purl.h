/*
 * purl.h - Package URLs (ECMA-427, "purl"): parse, build, validate,
 * canonicalise, and map a purl to the OSV ecosystem and package name under
 * which advisories for it are filed.
 *
 *     pkg:type/namespace/name@version?qualifiers#subpath
 *
 * A vt_purl holds the decoded components after the specification's
 * normalisation and the per-type rules of the registered types (for example:
 * pypi names lower-cased with '_' as '-', github namespaces lower-cased, maven
 * requires a namespace, vcpkg forbids one). Types that are not registered are
 * accepted with the generic rules only; vt_purl_type_is_registered() tells.
 *
 * Strings handed out by the getters are NUL-terminated, decoded UTF-8 and
 * belong to the vt_purl: they stay valid until vt_purl_free().
 */
#ifndef VULNTRACK_PURL_H
#define VULNTRACK_PURL_H

#include "buf.h"
#include "common.h"

/* Bytes. Longer input is refused with VT_ETOOBIG before it is looked at. */
#define VT_PURL_MAX_LEN ((size_t)64 * 1024)

typedef struct vt_purl vt_purl;

/* One qualifier, decoded: key is lower-case ASCII, value is non-empty UTF-8. */
typedef struct vt_purl_qualifier {
    const char *key;
    const char *value;
} vt_purl_qualifier;

/*
 * Parse and build flags.
 *
 * VT_PURL_STRICT refuses qualifier keys that are not already lower-case
 * ("?Arch=x86"), as the specification's conformance tests require. Without
 * it such keys are lower-cased, which is the remediation the specification
 * recommends for data found in the wild (SBOMs); everything else is the same
 * in both modes.
 */
#define VT_PURL_STRICT 0x1u

/*
 * Decoded components for vt_purl_build(). NULL means absent; `name` and
 * `type` are required. `namespace` and `subpath` are '/'-separated segment
 * lists ("github.com/gorilla"); empty segments are dropped. All strings are
 * borrowed and copied.
 */
typedef struct vt_purl_parts {
    const char *type;
    const char *namespace_; /* trailing '_': "namespace" is a C++ keyword */
    const char *name;
    const char *version;
    const vt_purl_qualifier *qualifiers; /* any order; keys must be unique */
    size_t qualifier_count;
    const char *subpath;
    unsigned flags; /* VT_PURL_STRICT or 0 */
} vt_purl_parts;

#define VT_PURL_PARTS_INIT                                                                         \
    {                                                                                              \
        NULL, NULL, NULL, NULL, NULL, 0, NULL, 0                                                   \
    }

/**
 * Parse the purl s[0..len) (no NUL needed) in lenient mode; the same as
 * vt_purl_parse_ex(out, s, len, 0, err). On success *out is a new vt_purl the
 * caller frees with vt_purl_free(); `s` is borrowed. Returns 0, VT_EINVALID
 * (err->msg says which part is wrong, e.g. "missing 'pkg:' scheme", "type
 * must start with a letter", err->offset is the byte offset in `s`),
 * VT_ETOOBIG (longer than VT_PURL_MAX_LEN) or VT_ENOMEM. On failure *out is
 * NULL.
 */
VT_EXTERN int vt_purl_parse(vt_purl **out, const char *s, size_t len, vt_error *err);

/** vt_purl_parse() with flags (VT_PURL_STRICT or 0); same ownership and codes. */
VT_EXTERN int vt_purl_parse_ex(vt_purl **out, const char *s, size_t len, unsigned flags,
                               vt_error *err);

/**
 * Make a vt_purl from decoded components, applying the same normalisation and
 * checks as parsing. On success *out is a new vt_purl the caller frees with
 * vt_purl_free(); `parts` and its strings are borrowed. Returns 0, VT_EINVALID
 * (err->msg names the component) or VT_ENOMEM. On failure *out is NULL.
 */
VT_EXTERN int vt_purl_build(vt_purl **out, const vt_purl_parts *parts, vt_error *err);

/** Free a vt_purl and every string it handed out; accepts NULL. */
VT_EXTERN void vt_purl_free(vt_purl *p);

/**
 * Append the canonical string form of `p` to `out`: lower-case type, sorted
 * qualifiers, empty values and subpath segments dropped, every byte other than
 * ASCII letters, digits, ".-_~" and ':' percent-encoded (upper-case hex).
 * Parsing the result gives the same purl. Returns 0, VT_ENOMEM or VT_ETOOBIG.
 */
VT_EXTERN int vt_purl_canonical(vt_buf *out, const vt_purl *p);

/** The type, lower-case ("npm"). Never NULL. */
VT_EXTERN const char *vt_purl_type(const vt_purl *p);
/** The namespace, segments joined by '/' ("@angular", "github.com/gorilla"), or NULL. */
VT_EXTERN const char *vt_purl_namespace(const vt_purl *p);
/** The name. Never NULL nor empty. */
VT_EXTERN const char *vt_purl_name(const vt_purl *p);
/** The version, or NULL. */
VT_EXTERN const char *vt_purl_version(const vt_purl *p);
/** The subpath, segments joined by '/', or NULL. */
VT_EXTERN const char *vt_purl_subpath(const vt_purl *p);
/** How many qualifiers `p` has (0 when none). */
VT_EXTERN size_t vt_purl_qualifier_count(const vt_purl *p);
/**
 * Qualifier number i (0 <= i < count) in key order; NULL when i is out of
 * range. The pointed-to struct belongs to `p`.
 */
VT_EXTERN const vt_purl_qualifier *vt_purl_qualifier_at(const vt_purl *p, size_t i);
/** The value of qualifier `key` (lower-case, NUL-terminated), or NULL. */
VT_EXTERN const char *vt_purl_qualifier_get(const vt_purl *p, const char *key);
/** True when the type is one of the registered types vulntrack has rules for. */
VT_EXTERN bool vt_purl_type_is_registered(const vt_purl *p);

/**
 * The OSV ecosystem and package name for `p`, e.g. pkg:pypi/Django_Rest ->
 * ("PyPI", "django-rest"), pkg:deb/debian/curl?distro=bookworm ->
 * ("Debian:12", "curl"), pkg:npm/%40babel/core -> ("npm", "@babel/core").
 * The ecosystem is spelt as OSV spells it, with the release suffix when the
 * purl names a release OSV scopes by (Debian, Ubuntu, Alpine, AlmaLinux,
 * Rocky Linux, Mageia, Photon OS). Both buffers are cleared first.
 *
 * Returns 1 when `p` maps to an OSV ecosystem (both buffers filled), 0 when
 * OSV has no ecosystem for it (both buffers empty; not an error), or
 * VT_ENOMEM / VT_ETOOBIG. docs/purl.md has the table.
 */
VT_EXTERN int vt_purl_osv(vt_buf *ecosystem, vt_buf *name, const vt_purl *p);

#endif
