/*
 * osv.h - the OSV advisory model (ossf/osv-schema 1.x) and its JSON reader.
 *
 * A parsed advisory lives in its own arena: every string and array below
 * belongs to the vt_advisory and is freed by vt_advisory_free. Optional
 * strings are NULL when the record omits them; arrays come with a count.
 */
#ifndef VULNTRACK_OSV_H
#define VULNTRACK_OSV_H

#include "common.h"

typedef enum vt_osv_event_kind {
    VT_OSV_INTRODUCED = 1,
    VT_OSV_FIXED,
    VT_OSV_LAST_AFFECTED,
    VT_OSV_LIMIT,
} vt_osv_event_kind;

typedef struct vt_osv_event {
    vt_osv_event_kind kind;
    const char *value; /* a version, "0", or for GIT a commit hash */
} vt_osv_event;

typedef enum vt_osv_range_type {
    VT_OSV_RANGE_SEMVER = 1,
    VT_OSV_RANGE_ECOSYSTEM,
    VT_OSV_RANGE_GIT,
} vt_osv_range_type;

typedef struct vt_osv_range {
    vt_osv_range_type type;
    const char *repo;            /* GIT ranges only; else NULL */
    const vt_osv_event *events;  /* in the record's order (not sorted) */
    size_t nevents;
    const char *database_specific_json; /* compact JSON text, or NULL */
} vt_osv_range;

typedef struct vt_osv_affected {
    const char *ecosystem;  /* as written: "PyPI", "Debian:12", "AlmaLinux:8"; NULL if no package */
    const char *name;       /* as written; NULL if no package */
    const char *purl;       /* package.purl, or NULL */
    const vt_osv_range *ranges;
    size_t nranges;
    const char *const *versions;
    size_t nversions;
    const char *ecosystem_specific_json; /* compact JSON text, or NULL */
    const char *database_specific_json;
    const char *severity_json;           /* affected[].severity as JSON, or NULL */
} vt_osv_affected;

typedef struct vt_osv_severity {
    const char *type;  /* "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu", ... */
    const char *score; /* the vector or value as written */
} vt_osv_severity;

typedef struct vt_osv_reference {
    const char *type;
    const char *url;
} vt_osv_reference;

typedef struct vt_osv_credit {
    const char *name;
    const char *type; /* or NULL */
    const char *const *contact;
    size_t ncontact;
} vt_osv_credit;

typedef struct vt_advisory {
    const char *id;
    const char *schema_version; /* or NULL */
    const char *modified;       /* RFC 3339 text as written */
    const char *published;      /* or NULL */
    const char *withdrawn;      /* or NULL; a withdrawn advisory never matches */
    const char *summary;        /* or NULL */
    const char *details;        /* or NULL */
    int64_t modified_ms;        /* `modified` in ms since the epoch (UTC) */
    const char *const *aliases;
    size_t naliases;
    const char *const *related;
    size_t nrelated;
    const char *const *upstream;
    size_t nupstream;
    const vt_osv_severity *severity;
    size_t nseverity;
    const vt_osv_affected *affected;
    size_t naffected;
    const vt_osv_reference *references;
    size_t nreferences;
    const vt_osv_credit *credits;
    size_t ncredits;
    const char *database_specific_json; /* compact JSON text, or NULL */
} vt_advisory;

/**
 * Parse one OSV record from s[0..len). On success *out is a new advisory the
 * caller frees with vt_advisory_free; `s` is borrowed. On failure *out is
 * NULL and err->msg names the JSON pointer and the problem
 * ("/affected/0/ranges/1/type: unknown range type 'FOO'", "/id: missing"),
 * err->offset the byte offset for malformed JSON.
 * Returns 0, VT_EINVALID or VT_ENOMEM.
 */
VT_EXTERN int vt_osv_parse(vt_advisory **out, const char *s, size_t len, vt_error *err);

/** Free an advisory and everything it owns; accepts NULL. */
VT_EXTERN void vt_advisory_free(vt_advisory *a);

/**
 * Parse an RFC 3339 timestamp ("2021-07-15T02:22:07.728618Z",
 * "2024-01-01T10:00:00+08:00") into milliseconds since the epoch, UTC. The
 * year-1 placeholder "0001-01-01T00:00:00Z" parses (to a large negative
 * number). Returns 0 or VT_EINVALID.
 */
VT_EXTERN int vt_time_parse_rfc3339(int64_t *out_ms, const char *s, size_t len);

#endif
