/*
 * version_semverlike.h - internal: the lenient SemVer-like parse and the
 * comparisons shared by the semver, NuGet and Pub schemes. Nothing here
 * allocates: a parsed version is two (ptr, len) views into the caller's text.
 */
#ifndef VT_SEMANTICS_VERSION_SEMVERLIKE_H
#define VT_SEMANTICS_VERSION_SEMVERLIKE_H

#include "version_scheme.h"

/*
 * A version split as OSV's tooling splits it: an optional leading 'v', then
 * `num`, the longest run of digits and dots (the numeric components), then
 * `tail`, everything else (prerelease and build metadata, as written).
 */
typedef struct vt__svl {
    const char *num;
    size_t num_len;
    const char *tail;
    size_t tail_len;
} vt__svl;

/*
 * Split s[0..len) into *out. Returns 0, or VT_EINVALID with *why set to a
 * static phrase (empty, no leading number, a space or control character).
 */
int vt__svl_parse(vt__svl *out, const char *s, size_t len, const char **why);

/*
 * Compare the first `ncomp` numeric components; a missing component is 0.
 * Returns -1, 0 or +1.
 */
int vt__svl_compare_release(const vt__svl *a, const vt__svl *b, size_t ncomp);

/*
 * Compare the prerelease parts (a version without one sorts after any with
 * one). Numeric components beyond the first `ncomp` become trailing
 * prerelease identifiers, unless build metadata ('+') comes first. With
 * `icase`, alphanumeric identifiers compare ASCII case-insensitively.
 * Returns -1, 0 or +1.
 */
int vt__svl_compare_prerelease(const vt__svl *a, const vt__svl *b, size_t ncomp, bool icase);

/*
 * Compare the build metadata as Pub does: none sorts before any, then the
 * dot-separated identifiers like prerelease ones. Numeric components beyond
 * the first `ncomp` belong here when the version has a '+'. Returns -1, 0, +1.
 */
int vt__svl_compare_build(const vt__svl *a, const vt__svl *b, size_t ncomp);

/*
 * Parse both versions for scheme `name`, reporting the first bad one through
 * vt__version_invalid(). Returns 0 or VT_EINVALID.
 */
int vt__svl_parse_pair(vt__svl *pa, vt__svl *pb, const char *name, const char *a, size_t alen,
                       const char *b, size_t blen, vt_error *err);

#endif
