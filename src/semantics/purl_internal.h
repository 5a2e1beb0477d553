/*
 * purl_internal.h - what purl.c, purl_types.c and purl_osv.c share: the
 * vt_purl layout and the per-type rule table.
 */
#ifndef VT_PURL_INTERNAL_H
#define VT_PURL_INTERNAL_H

#include "vulntrack/purl.h"

/*
 * Every string is owned by the vt_purl (the qualifier array's keys and values
 * too, although the public struct declares them const for readers).
 */
struct vt_purl {
    char *type;               /* lower-case, never NULL */
    char *ns;                 /* segments joined by '/', or NULL */
    char *name;               /* never NULL nor empty */
    char *version;            /* or NULL */
    char *subpath;            /* segments joined by '/', or NULL */
    vt_purl_qualifier *quals; /* sorted by key, unique keys, non-empty values */
    size_t nquals;
    const struct vt__purl_type *rule; /* NULL for a type with no registered rules */
};

enum vt__purl_requirement {
    VT__PURL_OPTIONAL = 0,
    VT__PURL_REQUIRED,
    VT__PURL_PROHIBITED,
};

enum vt__purl_case {
    VT__PURL_CASE_KEEP = 0,
    VT__PURL_CASE_LOWER,
    VT__PURL_CASE_UPPER,
};

/*
 * The rules of one registered purl type, written from the facts of its
 * machine-readable definition (types/<type>-definition.json in the purl-spec
 * repository): whether the namespace is required or prohibited, which
 * components are case-insensitive (and so folded), and which qualifier is
 * required. What a definition says only in prose (pypi's '_' -> '-', the
 * chrome extension id alphabet, ...) is a `fixup` hook.
 */
typedef struct vt__purl_type {
    const char *type;
    unsigned char ns_req;  /* enum vt__purl_requirement */
    unsigned char ns_case; /* enum vt__purl_case */
    bool name_lower;
    bool version_lower;
    bool subpath_lower;
    bool name_is_path;             /* the name may hold '/'-separated segments (git) */
    unsigned char ns_max_segments; /* 0: any number */
    const char *required_qualifier;
    /* Type-specific normalisation and checks, run after the generic ones. */
    int (*fixup)(vt_purl *p, vt_error *err);
} vt__purl_type;

/* The rules for a lower-case type name, or NULL when it is not registered. */
const vt__purl_type *vt__purl_type_find(const char *type);

/*
 * Apply p->rule (if any) to the decoded components: case folding,
 * namespace/qualifier requirements, then the fixup. Returns 0, VT_EINVALID or
 * VT_ENOMEM.
 */
int vt__purl_apply_type_rules(vt_purl *p, unsigned flags, vt_error *err);

/* ASCII case folding in place; other bytes are left alone. */
void vt__purl_ascii_lower(char *s);
void vt__purl_ascii_upper(char *s);

/*
 * Write at most `cap` - 1 bytes of s[0..len) into `out` for an error message:
 * printable ASCII as is, other bytes as \xNN, "..." when cut. Returns `out`.
 */
const char *vt__purl_quote(char *out, size_t cap, const char *s, size_t len);

/*
 * Append the PEP 503 normalised form of the PyPI project name `name` to
 * `out` (also the store's lookup key for PyPI names, see
 * src/domain/osv_names.c). Returns 0, VT_ENOMEM or VT_ETOOBIG.
 */
int vt__purl_put_pep503(vt_buf *out, const char *name);

#endif
