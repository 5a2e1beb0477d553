/*
 * match.h - does an OSV advisory affect a package version? Evaluation as the
 * OSV schema defines it: SEMVER and ECOSYSTEM ranges (events sorted by
 * version, introduced / fixed / last_affected / limit), explicit `versions`
 * lists, several affected entries and ranges, release suffixes
 * ("Debian:12") matched against the component's release, withdrawn
 * advisories excluded, GIT ranges skipped.
 */
#ifndef VULNTRACK_MATCH_H
#define VULNTRACK_MATCH_H

#include "buf.h"
#include "common.h"
#include "osv.h"

/* The package version being asked about. */
typedef struct vt_match_query {
    const char *ecosystem; /* OSV spelling, with the release when known: "Debian:12", "PyPI" */
    const char *name;      /* package name as the advisory names it (see vt_osv_normalize_name) */
    const char *version;
} vt_match_query;

/* The answer for one (query, advisory). */
typedef struct vt_match_result {
    bool affected;
    /* Why, for people: "introduced 1.2.0, fixed 1.4.3", "listed in versions",
     * "introduced 0, no fix", "introduced 0, last_affected 1.11.0".
     * Empty when not affected. */
    char because[256];
    /* Versions that fix it, from the ranges that matched: those above the
     * queried version, in version order, without repeats. A new array of new
     * strings the caller frees with vt_match_result_dispose. */
    char **fixed;
    size_t nfixed;
    /* Notes about what could not be evaluated ("GIT range skipped"): static
     * strings, at most 4. */
    const char *notes[4];
    size_t nnotes;
} vt_match_result;

#define VT_MATCH_RESULT_INIT {false, {0}, NULL, 0, {NULL, NULL, NULL, NULL}, 0}

/**
 * Evaluate `adv` for `q`. `out` is VT_MATCH_RESULT_INIT or a result of an
 * earlier call, which is disposed first. Returns 0 (see out->affected),
 * VT_EINVALID when the query's version is not a version of its ecosystem
 * (err says why), VT_ENOTFOUND / VT_EUNSUPPORTED for an ecosystem without
 * ordering, or VT_ENOMEM. Bad versions inside the advisory do not fail the
 * call: that event (or a SEMVER range, for a version that is not SemVer) is
 * skipped with a note.
 */
VT_EXTERN int vt_match_advisory(vt_match_result *out, const vt_advisory *adv,
                                const vt_match_query *q, vt_error *err);

/** Free what a result owns; the result is VT_MATCH_RESULT_INIT again. */
VT_EXTERN void vt_match_result_dispose(vt_match_result *r);

/**
 * The lookup key of a package name in an ecosystem, the same for advisories
 * and components: PyPI names normalised per PEP 503 (lower case, runs of
 * `-_.` to `-`), other ecosystems as written (Maven "group:artifact", npm
 * "@scope/name", Go module paths). Appends to `out`. Returns 0 or VT_ENOMEM.
 */
VT_EXTERN int vt_osv_normalize_name(vt_buf *out, const char *ecosystem, const char *name);

#endif
