/*
 * version_scheme.h - internal: what a version scheme provides. One source file
 * per scheme defines one `const vt_version_scheme vt__scheme_<name>`.
 */
#ifndef VT_SEMANTICS_VERSION_SCHEME_H
#define VT_SEMANTICS_VERSION_SCHEME_H

#include "vulntrack/version.h"

struct vt_version_scheme {
    const char *name;
    /*
     * Compare a and b: *out = -1, 0 or +1. Return 0, VT_EINVALID (set err
     * naming the value; err->offset 0 for a, 1 for b) or VT_ENOMEM.
     */
    int (*compare)(int *out, const char *a, size_t alen, const char *b,
                   size_t blen, vt_error *err);
    /* Whether s is a version of this scheme. */
    bool (*is_valid)(const char *s, size_t len);
};

extern const vt_version_scheme vt__scheme_semver;   /* npm, crates.io, Hex, Go, SwiftURL, Bitnami, ... */
extern const vt_version_scheme vt__scheme_nuget;
extern const vt_version_scheme vt__scheme_pub;
extern const vt_version_scheme vt__scheme_maven;
extern const vt_version_scheme vt__scheme_rubygems;
extern const vt_version_scheme vt__scheme_composer; /* Packagist */
extern const vt_version_scheme vt__scheme_pep440;   /* PyPI */
extern const vt_version_scheme vt__scheme_dpkg;     /* Debian, Ubuntu */
extern const vt_version_scheme vt__scheme_rpm;      /* Red Hat, AlmaLinux, Rocky Linux, SUSE, ... */
extern const vt_version_scheme vt__scheme_apk;      /* Alpine, Wolfi, Chainguard */
extern const vt_version_scheme vt__scheme_cran;
extern const vt_version_scheme vt__scheme_hackage;

/* Report an unparsable version in the shared wording. Returns VT_EINVALID. */
int vt__version_invalid(vt_error *err, const char *scheme, int which,
                        const char *s, size_t len, const char *why);

/*
 * The check that the schemes accepting almost any text share: returns NULL,
 * or why s[0..len) cannot be a version field at all (it is empty, or holds
 * a space or a control byte).
 */
const char *vt__version_text_problem(const char *s, size_t len);

/*
 * A scheme whose versions are non-negative integers separated by single
 * bytes from `seps` (version_numlist.c): CRAN and Hackage.
 */
typedef struct vt__numlist {
    const char *scheme;    /* the name in messages ("CRAN") */
    const char *seps;      /* the separator bytes */
    const char *why_byte;  /* message for a byte that is neither digit nor separator */
    const char *why_empty; /* message for a separator at an end or two in a row */
} vt__numlist;

/* The vt_version_scheme compare and is_valid of a number-list scheme. */
int vt__numlist_compare(int *out, const vt__numlist *nl, const char *a, size_t alen,
                        const char *b, size_t blen, vt_error *err);
bool vt__numlist_is_valid(const vt__numlist *nl, const char *s, size_t len);

#endif
