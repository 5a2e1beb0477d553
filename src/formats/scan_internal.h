/*
 * scan_internal.h - what the scan report writers share inside the library.
 */
#ifndef VT_SCAN_INTERNAL_H
#define VT_SCAN_INTERNAL_H

#include "vulntrack/json.h"
#include "vulntrack/out.h"
#include "vulntrack/scan.h"

/* The findings of one advisory: indexes into the report's findings, ascending. */
typedef struct vt__scan_group {
    const size_t *members;
    size_t n;
    const vt_scan_analysis *analysis; /* the members' assessment, or NULL */
} vt__scan_group;

/* Findings grouped by advisory id, groups in the order of their first finding. */
typedef struct vt__scan_groups {
    size_t *index;
    vt__scan_group *groups;
    size_t ngroups;
} vt__scan_groups;

/* Group r's findings. Returns 0 or VT_ENOMEM; dispose with vt__scan_groups_dispose. */
int vt__scan_groups_init(vt__scan_groups *g, const vt_scan_report *r);

/*
 * The same, grouped by advisory id and assessment (`analyses`, parallel
 * to the findings, may be NULL: see vt_scan_write_options), each group
 * with its assessment.
 */
int vt__scan_groups_init_assessed(vt__scan_groups *g, const vt_scan_report *r,
                                  const vt_scan_analysis *const *analyses);
void vt__scan_groups_dispose(vt__scan_groups *g);

/* The tool version to write: the option's, else the library's. */
const char *vt__scan_tool_version(const vt_scan_write_options *opts);

/*
 * *out[i] is true when strs[i] is the first of its equal strings. *out is a
 * new array (NULL when n is 0) freed with vt_free. Returns 0 or VT_ENOMEM.
 */
int vt__scan_first_occurrence(bool **out, const char *const *strs, size_t n);

/* The reference a VEX document uses for a finding's component: bom-ref, else purl. */
const char *vt__scan_component_ref(const vt_finding *f);

/*
 * Append a UUID for a document of `kind` made at `now_ms` from this report,
 * the same for the same input. Returns 0, VT_ENOMEM or VT_ETOOBIG.
 */
int vt__scan_document_id(vt_buf *out, const vt_scan_report *r, const char *kind, int64_t now_ms);

/*
 * Append "urn:uuid:" and the document id of vt__scan_document_id (made at
 * the options' now_ms). Returns 0, VT_ENOMEM or VT_ETOOBIG.
 */
int vt__scan_document_urn(vt_buf *out, const vt_scan_report *r, const char *kind,
                          const vt_scan_write_options *opts);

/*
 * Append the note both VEX formats give an advisory's findings while no
 * person has assessed them: each component, version and why it matched.
 * Returns 0, VT_ENOMEM or VT_ETOOBIG.
 */
int vt__scan_triage_note(vt_buf *out, const vt_scan_report *r, const vt__scan_group *g);

/* Append one advisory's entry for group `g` to the array `arr`. */
typedef int (*vt__scan_group_fn)(cJSON *arr, const vt_scan_report *r, const vt__scan_group *g);

/*
 * Write `,"key":[`, one entry per advisory group in the groups' order, each
 * made by `one` in a small tree that is printed and freed before the next,
 * and `]`. Returns 0, VT_ENOMEM, VT_ETOOBIG, VT_EIO or `one`'s error code.
 */
int vt__scan_stream_group_array(vt_out *out, const char *key, const vt_scan_report *r,
                                const vt__scan_groups *g, vt__scan_group_fn one);

/*
 * Print the items of `holder` (an array) as the next elements of the array
 * being written, a comma before each except the very first (`*first`), free
 * them, and let the text go (vt_out_step). Returns 0, VT_ENOMEM, VT_ETOOBIG
 * or VT_EIO.
 */
int vt__scan_print_elements(vt_out *out, cJSON *holder, bool *first);

/* The name a VEX format gives a finding's component. */
typedef const char *(*vt__scan_ref_fn)(const vt_finding *f);

/* Append the entry for the component of `f`, named `ref`, to the array `arr`. */
typedef int (*vt__scan_component_fn)(cJSON *arr, const vt_finding *f, const char *ref);

/*
 * Add under `key` of `obj` an array with one entry per component of the
 * group `g`, as `ref_of` names them: each name once, in the order of its
 * first finding, the entry made by `entry`. Returns 0, VT_ENOMEM or
 * `entry`'s error code.
 */
int vt__scan_add_component_array(cJSON *obj, const char *key, const vt_scan_report *r,
                                 const vt__scan_group *g, vt__scan_ref_fn ref_of,
                                 vt__scan_component_fn entry);

/*
 * A document is written in pieces: its head, the members before the large
 * arrays, printed from a small tree `head` without its closing brace
 * (vt__scan_open_object; `head` must have members); each large array
 * (`,"key":[` by vt__scan_open_array, `key` needing no escaping, then its
 * elements and `]`); then the closing text, a newline and a flush
 * (vt__scan_close_document). Each returns 0, VT_ENOMEM, VT_ETOOBIG or VT_EIO.
 */
int vt__scan_open_object(vt_out *out, const cJSON *head);
int vt__scan_open_array(vt_out *out, const char *key);
int vt__scan_close_document(vt_out *out, const char *closing);

#endif
