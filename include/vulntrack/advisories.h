/*
 * advisories.h - publishing a case: its CSAF 2.0 documents (security
 * advisory and VEX profiles) and OSV record are built from the case
 * (csaf.h; the VEX document's tracking id is the advisory's with "-VEX"
 * appended, so that both can live in one provider directory), checked by
 * the disclosure gate (gate.h, rules P1-P6, on the
 * text of each document) and, when the gate allows it, stored in
 * published_advisories with the next revision, a ledger entry
 * "advisory.published", the E_PUBLISHED clock event at the first
 * publication and the obligations refreshed. docs/advisories.md is the
 * manual.
 */
#ifndef VULNTRACK_ADVISORIES_H
#define VULNTRACK_ADVISORIES_H

#include "common.h"
#include "csaf.h"
#include "gate.h"
#include "store.h"

struct vt_policy_set;
struct vt_calendar_set;

/* The documents a publication of a case would hold. Texts owned: vt_advisory_draft_dispose. */
typedef struct vt_advisory_draft {
    int64_t case_id;
    char case_ref[32];
    char tracking_id[VT_ADVISORY_ID_MAX];
    char filename[VT_CSAF_FILENAME_MAX];  /* CSAF file name of the tracking id */
    int64_t revision;                     /* the revision these documents are */
    char *text[VT_ADVISORY_FORMAT_COUNT]; /* by vt_advisory_format; NUL-terminated JSON */
    char sha512[VT_ADVISORY_FORMAT_COUNT][129];
    vt_gate_result gate; /* the gate's verdict on every text */
} vt_advisory_draft;

/** Free the texts of `d` (accepts a zeroed struct); `d` is zeroed again. */
VT_EXTERN void vt_advisory_draft_dispose(vt_advisory_draft *d);

/**
 * Build the documents of case `case_id` as a publication at `now_ms`
 * would hold them (revision = the last published + 1, revision history
 * from the stored revisions) and run the gate on each text. Read-only.
 * On failure `out` is left disposed. Returns 0 (out->gate says whether
 * publishing is allowed), VT_ENOTFOUND, VT_EINVALID (the case lacks what
 * a CSAF document needs: err->field), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_advisory_prepare(vt_store *s, int64_t case_id, int64_t now_ms,
                                  vt_advisory_draft *out, vt_error *err);

/**
 * Publish case `case_id` inside the caller's transaction: vt_advisory_prepare
 * on `w`; when the gate refuses, *refused is true and nothing is written;
 * otherwise one published_advisories row per format, a ledger entry
 * "advisory.published" (subject: the case reference; detail: tracking id,
 * revision, the SHA-512 of each document), E_PUBLISHED recorded if the
 * case does not have it yet (vt_case_record_event) and the obligations
 * refreshed. `out` receives the draft (dispose it). Returns 0, or the
 * codes of vt_advisory_prepare, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_advisory_publish(vt_store *w, const struct vt_policy_set *ps,
                                  const struct vt_calendar_set *cs, int64_t case_id,
                                  const char *actor, int64_t now_ms, vt_advisory_draft *out,
                                  bool *refused, vt_error *err);

#endif
