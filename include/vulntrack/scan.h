/*
 * scan.h - SBOM scanning: every component of one or more SBOMs checked against
 * the advisory store, giving findings (one per component and advisory) with
 * their CVSS scores, CVSS-derived grade, KEV status and fixed versions; plus
 * the writers of the scan report (JSON, SARIF 2.1.0, CycloneDX 1.5 VEX,
 * OpenVEX 0.2.0).
 *
 * A scan is one vt_scan object: add SBOMs (parsed ones, or ones that failed
 * to load, which are reported too), then call vt_scan_finish, which orders the
 * findings, and read the report. Every string of the report belongs to the
 * vt_scan and lives until vt_scan_free.
 */
#ifndef VULNTRACK_SCAN_H
#define VULNTRACK_SCAN_H

#include "buf.h"
#include "common.h"
#include "grade.h"
#include "out.h"
#include "sbom.h"
#include "store.h"

/* One CVSS vector of an advisory, as written, with its base score. */
typedef struct vt_scan_cvss {
    const char *vector;
    double base_score; /* 9.8 */
    int score10;       /* the same in tenths (98) */
    int version;       /* 20, 30, 31 or 40 */
} vt_scan_cvss;

/* The KEV catalogue entry of one of the advisory's identifiers. */
typedef struct vt_scan_kev {
    const char *cve;
    const char *date_added; /* "YYYY-MM-DD" */
    const char *due_date;
    const char *ransomware; /* "Known" or "Unknown" */
    const char *name;       /* vulnerabilityName, or NULL */
} vt_scan_kev;

/* One (component, advisory) pair whose component version is affected. */
typedef struct vt_finding {
    size_t sbom_index;      /* index into vt_scan_report.sboms */
    const char *sbom_path;  /* that SBOM's path as given */
    /* The component, as the SBOM gives it. */
    const char *name;       /* or NULL */
    const char *version;    /* the version matched (the purl's, else the component's) */
    const char *purl;       /* as written in the SBOM */
    const char *ecosystem;  /* the OSV ecosystem it was looked up in ("PyPI", "AlmaLinux:8") */
    const char *bom_ref;    /* or NULL */
    size_t component_index; /* index into the SBOM's component list */
    /* The advisory. */
    const char *id;
    const char *const *aliases;
    size_t naliases;
    const char *summary; /* or NULL */
    const vt_scan_cvss *cvss;
    size_t ncvss;
    int best_score10;    /* highest base score in tenths, -1 when there is no CVSS */
    vt_grade grade;      /* CVSS_DERIVED from the highest base score, or UNAVAILABLE */
    const vt_scan_kev *kev; /* NULL when neither id nor any alias is in the catalogue */
    /* The match. */
    const char *const *fixed_versions;
    size_t nfixed_versions;
    const char *matched_because;
} vt_finding;

/* A component that could not be looked up, and why. */
typedef struct vt_scan_unidentified {
    size_t sbom_index;
    const char *sbom_path;
    const char *name;    /* or NULL */
    const char *version; /* or NULL */
    const char *bom_ref; /* or NULL */
    const char *reason;  /* "no purl", "purl has no OSV ecosystem (pkg:generic)", ... */
} vt_scan_unidentified;

/* One SBOM given to the scan. */
typedef struct vt_scan_sbom {
    const char *path;
    const char *format;       /* "CycloneDX", "SPDX"; NULL when it failed to load */
    const char *spec_version; /* as written; NULL when it failed to load */
    size_t components;
    size_t unidentified;
    const char *error; /* why it failed to load, or NULL */
} vt_scan_sbom;

typedef struct vt_scan_report {
    const vt_scan_sbom *sboms;
    size_t nsboms;
    const vt_finding *findings; /* in priority order after vt_scan_finish */
    size_t nfindings;
    const vt_scan_unidentified *unidentified;
    size_t nunidentified;
    size_t advisories_parsed; /* distinct advisories read from the store */
    size_t lookups;           /* distinct (ecosystem, name) store lookups */
} vt_scan_report;

typedef struct vt_scan vt_scan;

/**
 * Start a scan against `store` (borrowed; it must outlive the scan). On
 * success *out is a new scan freed with vt_scan_free. Returns 0 or VT_ENOMEM.
 */
VT_EXTERN int vt_scan_new(vt_scan **out, vt_store *store);

/** Free a scan and its report; accepts NULL. */
VT_EXTERN void vt_scan_free(vt_scan *s);

/**
 * Scan the components of `sbom` (borrowed; everything the report needs is
 * copied), reported under `path`. Components without a usable purl are listed
 * as unidentified. Advisories are read from the store once per distinct
 * (ecosystem, name) and parsed at most once per scan. An advisory in the store
 * that no longer parses is skipped (it was valid when imported). Returns 0,
 * VT_EIO (the store failed, err says why) or VT_ENOMEM.
 */
VT_EXTERN int vt_scan_add_sbom(vt_scan *s, const char *path, const vt_sbom *sbom,
                               vt_error *err);

/**
 * Record an SBOM that could not be read or parsed, with the message (copied)
 * that says why, so that the report lists it. Returns 0 or VT_ENOMEM.
 */
VT_EXTERN int vt_scan_add_failed(vt_scan *s, const char *path, const char *message);

/** Order the findings by priority (see vt_finding_cmp). Always returns 0. */
VT_EXTERN int vt_scan_finish(vt_scan *s);

/** The report; valid until the next vt_scan_add_* call or vt_scan_free. */
VT_EXTERN const vt_scan_report *vt_scan_get_report(vt_scan *s);

/**
 * The priority order of findings: known-exploited first, then grade
 * (critical, high, medium, low, none, unavailable), then the highest CVSS
 * base score, then advisory id, component name, version, SBOM, bom-ref and
 * component position, so that the order is total and deterministic.
 * Returns <0, 0 or >0.
 */
VT_EXTERN int vt_finding_cmp(const vt_finding *a, const vt_finding *b);

/*
 * Writers. Each appends one JSON document (followed by a newline) to `out`
 * and returns 0, VT_ENOMEM or VT_ETOOBIG. `opts` carries what a document
 * needs beyond the report: the time and the tool version.
 */
/*
 * A person's assessment of findings, written by the CycloneDX VEX and
 * OpenVEX writers instead of "under investigation". The caller maps its
 * status to each format's names (vex.h does for the VEX statements of a
 * product version); every pointer is borrowed for the write.
 */
typedef struct vt_scan_analysis {
    const char *openvex_status;          /* "affected", "not_affected", "fixed", ... */
    const char *openvex_justification;   /* or NULL */
    const char *cyclonedx_state;         /* "exploitable", "not_affected", "resolved", ... */
    const char *cyclonedx_justification; /* or NULL */
    const char *cyclonedx_response;      /* "update", "workaround_available", ... or NULL */
    const char *impact_statement;        /* or NULL */
    const char *action_statement;        /* or NULL */
    const char *detail;                  /* the note of both formats; NULL: the scanner's */
} vt_scan_analysis;

typedef struct vt_scan_write_options {
    int64_t now_ms;            /* document timestamp, ms since the epoch (UTC) */
    const char *tool_version;  /* vulntrack's version; NULL means vt_version_string() */
    /*
     * NULL, or one entry per finding of the report (same index): the
     * assessment of that finding, NULL when it has none. The VEX writers
     * give the findings of one advisory that share an assessment (the same
     * pointer) one entry; the other writers ignore it.
     */
    const vt_scan_analysis *const *analyses;
} vt_scan_write_options;

#define VT_SCAN_WRITE_OPTIONS_INIT {0, NULL, NULL}

/** The scan JSON contract (docs/scan.md): sboms, findings, unidentified. */
VT_EXTERN int vt_scan_write_json(vt_buf *out, const vt_scan_report *r,
                                 const vt_scan_write_options *opts);

/** SARIF 2.1.0: one run, one rule per advisory, one result per finding. */
VT_EXTERN int vt_scan_write_sarif(vt_buf *out, const vt_scan_report *r,
                                  const vt_scan_write_options *opts);

/**
 * A CycloneDX 1.5 JSON BOM whose vulnerabilities[] hold the findings, one per
 * advisory, analysis.state "in_triage" (a scanner finding is under
 * investigation until a person decides), affects[].ref the bom-refs.
 */
VT_EXTERN int vt_scan_write_cyclonedx_vex(vt_buf *out, const vt_scan_report *r,
                                          const vt_scan_write_options *opts);

/** An OpenVEX 0.2.0 document: one statement per advisory, status under_investigation. */
VT_EXTERN int vt_scan_write_openvex(vt_buf *out, const vt_scan_report *r,
                                    const vt_scan_write_options *opts);

/**
 * Append an RFC 3339 UTC timestamp ("2026-01-02T03:04:05Z") for `ms`.
 * Returns 0, VT_ENOMEM or VT_ETOOBIG.
 */
VT_EXTERN int vt_scan_format_time(vt_buf *out, int64_t ms);

/**
 * Append a UUID (8-4-4-4-12 lower-case hex, version 4 bits set) derived from
 * the bytes s[0..len) by a cryptographic hash, so that the same report gives
 * the same document id. Returns 0, VT_ENOMEM or VT_ETOOBIG.
 */
VT_EXTERN int vt_scan_uuid(vt_buf *out, const char *s, size_t len);

/*
 * Streaming writers: the same documents as the writers above, byte for byte,
 * written to `out` in chunks (out.h) so that a large report is never held
 * whole, and flushed at the end. Returns 0, VT_ENOMEM, VT_ETOOBIG or VT_EIO
 * (a write failed; out->sys_errno says why). After an error the output may
 * end in a partial document.
 */
VT_EXTERN int vt_scan_stream_json(vt_out *out, const vt_scan_report *r,
                                  const vt_scan_write_options *opts);
VT_EXTERN int vt_scan_stream_sarif(vt_out *out, const vt_scan_report *r,
                                   const vt_scan_write_options *opts);
VT_EXTERN int vt_scan_stream_cyclonedx_vex(vt_out *out, const vt_scan_report *r,
                                           const vt_scan_write_options *opts);
VT_EXTERN int vt_scan_stream_openvex(vt_out *out, const vt_scan_report *r,
                                     const vt_scan_write_options *opts);

#endif
