/*
 * cvss.h - CVSS v2.0, v3.0, v3.1 and v4.0 vectors: strict parsing, the
 * normalised vector, and the scores exactly as FIRST's specifications define
 * them.
 *
 * Accepted forms:
 *   v2.0  "AV:N/AC:L/Au:N/C:P/I:P/A:P[/E:..]" as NVD writes it; the prefix
 *         "CVSS:2.0/" is accepted too. Metrics in the guide's order.
 *   v3.x  "CVSS:3.0/..." or "CVSS:3.1/..."; metrics in any order, as the v3
 *         specifications allow.
 *   v4.0  "CVSS:4.0/..."; metrics in the specification's order (base, threat,
 *         environmental, supplemental).
 * Metric names and values are case-sensitive. A metric may appear once; every
 * base metric must be present. "Not defined" values (ND in v2, X in v3/v4)
 * are accepted and mean the same as leaving the metric out.
 */
#ifndef VULNTRACK_CVSS_H
#define VULNTRACK_CVSS_H

#include "buf.h"
#include "common.h"

typedef struct vt_cvss vt_cvss;

/* Longest vector the parser looks at, in bytes; longer input is VT_ETOOBIG. */
#define VT_CVSS_MAX_LEN 1024

/* Which score to read; see vt_cvss_score10. */
typedef enum vt_cvss_score_kind {
    VT_CVSS_SCORE_BASE = 0,      /* v2/v3 base score; v4 CVSS-B (base metrics alone) */
    VT_CVSS_SCORE_TEMPORAL,      /* v2/v3 only */
    VT_CVSS_SCORE_ENVIRONMENTAL, /* v2/v3 only */
    VT_CVSS_SCORE_OVERALL,       /* v4 only: the whole vector (CVSS-B/BT/BE/BTE) */
} vt_cvss_score_kind;

/**
 * Parse the vector s[0..len) and compute its scores. On success *out is a new
 * object the caller frees with vt_cvss_free(); `s` is borrowed (not kept).
 * On failure *out is NULL and err names the metric, value or position at
 * fault ("metric 'AV' appears twice", "missing mandatory metric 'PR'",
 * "unknown value 'Q' for metric 'AC'"), err->offset being the byte offset.
 * Returns 0, VT_EINVALID, VT_ETOOBIG (len above VT_CVSS_MAX_LEN) or VT_ENOMEM.
 */
VT_EXTERN int vt_cvss_parse(vt_cvss **out, const char *s, size_t len, vt_error *err);

/** Free a parsed vector; accepts NULL. */
VT_EXTERN void vt_cvss_free(vt_cvss *c);

/** The version as 20, 30, 31 or 40. */
VT_EXTERN int vt_cvss_version(const vt_cvss *c);

/** The version as text: "2.0", "3.0", "3.1" or "4.0"; a static string. */
VT_EXTERN const char *vt_cvss_version_name(const vt_cvss *c);

/** A version number (20, 30, 31, 40) as text as above; NULL for any other. */
VT_EXTERN const char *vt_cvss_version_text(int version);

/**
 * Append the normalised vector to `out`: the specification's metric order,
 * metrics whose value is "not defined" (ND, X) left out, the prefix of the
 * version ("CVSS:3.1/", "CVSS:4.0/") and no prefix for v2, as NVD writes v2
 * vectors. Parsing the result gives the same scores. Returns 0, VT_ENOMEM or
 * VT_ETOOBIG (the buffer's cap).
 */
VT_EXTERN int vt_cvss_vector(vt_buf *out, const vt_cvss *c);

/**
 * A score in tenths (98 for 9.8, 0..100), or -1 when it is not defined:
 * temporal and environmental scores exist for v2 and v3 only, and for v2 only
 * when at least one metric of that group has a value other than ND (v3 always
 * computes them, absent metrics counting as X); the overall score exists for
 * v4 only. Scores are integers internally so that callers can compare them
 * exactly.
 */
VT_EXTERN int vt_cvss_score10(const vt_cvss *c, vt_cvss_score_kind kind);

/** The base score as a number (9.8); for v4 the CVSS-B score. */
VT_EXTERN double vt_cvss_base_score(const vt_cvss *c);

/**
 * Qualitative rating of a score in tenths for a version (20, 30, 31, 40):
 * v3/v4: "None" (0.0), "Low" (0.1-3.9), "Medium" (4.0-6.9), "High"
 * (7.0-8.9), "Critical" (9.0-10.0). v2 has no rating scale of its own; NVD's
 * convention is used: "Low" (0.0-3.9), "Medium" (4.0-6.9), "High"
 * (7.0-10.0). Returns a static string, or NULL for a score outside 0..100.
 */
VT_EXTERN const char *vt_cvss_severity(int version, int score10);

/** vt_cvss_severity of the base score. */
VT_EXTERN const char *vt_cvss_base_severity(const vt_cvss *c);

/**
 * v4 only: "CVSS-B", "CVSS-BT", "CVSS-BE" or "CVSS-BTE", by which of the
 * threat (E) and environmental (CR, IR, AR, M*) groups carry a value other
 * than X; supplemental metrics do not count. NULL for v2 and v3. Static.
 */
VT_EXTERN const char *vt_cvss_nomenclature(const vt_cvss *c);

/**
 * The value abbreviation of metric `key` ("AV" -> "N"), exactly as the
 * specification spells both (case-sensitive), or NULL when the metric is
 * absent, "not defined" (X, ND) or unknown to this version. The string is
 * static.
 */
VT_EXTERN const char *vt_cvss_metric(const vt_cvss *c, const char *key);

#endif
