/*
 * version.h - version ordering for every OSV ecosystem.
 *
 * An ecosystem name is looked up as OSV spells it; the part before the first
 * ':' selects the scheme ("Debian:12" -> Debian/dpkg, "AlmaLinux:8" -> RPM,
 * "Ubuntu:22.04:LTS" -> dpkg). Comparison is pure: no I/O, no global state.
 */
#ifndef VULNTRACK_VERSION_H
#define VULNTRACK_VERSION_H

#include "common.h"

/** A version scheme (the ordering rules); static, never freed. */
typedef struct vt_version_scheme vt_version_scheme;

/**
 * Find the scheme for an OSV ecosystem name. On success *out points at a
 * static scheme. Returns 0 or VT_ENOTFOUND (err names the ecosystem).
 */
VT_EXTERN int vt_version_scheme_for(const vt_version_scheme **out,
                                    const char *ecosystem, size_t len,
                                    vt_error *err);

/** The scheme's short name ("semver", "pep440", "dpkg", ...); static. */
VT_EXTERN const char *vt_version_scheme_name(const vt_version_scheme *scheme);

/**
 * Compare versions a and b under `scheme`: *out is -1, 0 or +1 (a < b,
 * equivalent, a > b). Returns 0, or VT_EINVALID when either string is not a
 * version of the scheme (err->msg names the value, err->offset is 0 for a and
 * 1 for b), or VT_ENOMEM.
 */
VT_EXTERN int vt_version_compare(int *out, const vt_version_scheme *scheme,
                                 const char *a, size_t alen,
                                 const char *b, size_t blen, vt_error *err);

/** True when s[0..len) is a version the scheme accepts. */
VT_EXTERN bool vt_version_is_valid(const vt_version_scheme *scheme,
                                   const char *s, size_t len);

/**
 * One OSV ecosystem name known to vulntrack and its scheme, for listings and
 * documentation: index 0.. until NULL is returned. Static strings.
 */
VT_EXTERN const char *vt_version_ecosystem_at(size_t i, const char **scheme_name);

#endif
