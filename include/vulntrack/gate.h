/*
 * gate.h - the disclosure gate of Art. 9 of the 2021 Regulations on the
 * management of security vulnerabilities of network products.
 *
 * Publishing a case is one action and it is refused unless every rule
 * P1-P6 holds (docs/disclosure.md lists them with their articles and
 * the default decisions for the open points A5-A8); sharing unpublished
 * information with a recipient abroad is rule P7, checked on every share,
 * notification and export path. Each refusal names its rule, a
 * machine-readable code, what is wrong and what would satisfy it.
 *
 * The checks are read-only: they read the case, its organisation, its
 * reports' attachments, the organisation's assets, the disclosure records
 * and the blackout windows. The record writers append a ledger entry in
 * the caller's transaction (the server runs them inside vt_server_write).
 */
#ifndef VULNTRACK_GATE_H
#define VULNTRACK_GATE_H

#include <cjson/cJSON.h>

#include "common.h"
#include "store.h"

typedef struct vt_gate_refusal {
    char rule[4];      /* "P1".."P7" */
    char code[48];     /* machine-readable reason, e.g. "no_fix_available" */
    char message[256]; /* what is wrong */
    char remedy[256];  /* what would satisfy the rule */
} vt_gate_refusal;

#define VT_GATE_MAX_REFUSALS 16
typedef struct vt_gate_result {
    size_t count; /* 0: allowed */
    vt_gate_refusal refusals[VT_GATE_MAX_REFUSALS];
    /* "" or why a rule passed without its check applying (e.g. P7 for an
       organisation outside China). */
    char note[256];
} vt_gate_result;

/*
 * Every rule P1-P6 for publishing case `case_id` now; `document` (may be
 * NULL) is the text to be published, checked for operator asset
 * identifiers (P2), severity words (P3), embedded attachment names or
 * hashes (P4) and remediation text (P5). Read-only. Returns 0 (out says
 * allowed or not), VT_ENOTFOUND (no such case) or VT_EIO.
 */
VT_EXTERN int vt_gate_check_publish(vt_store *s, int64_t case_id, const char *document,
                                    int64_t now_ms, vt_gate_result *out, vt_error *err);

/*
 * Rule P7 for sharing case `case_id`'s unpublished information with a
 * recipient in `country` (ISO 3166 alpha-2, any case); `recipient_is_provider`:
 * the recipient is the product's own provider. Read-only. Returns 0,
 * VT_EINVALID (country is not two letters: err->field "/country"),
 * VT_ENOTFOUND or VT_EIO.
 */
VT_EXTERN int vt_gate_check_share(vt_store *s, int64_t case_id, const char *country,
                                  bool recipient_is_provider, vt_gate_result *out, vt_error *err);

/* {"allowed": bool, "refusals": [{rule, code, message, remedy}], "note"?}
   (new object; caller frees with cJSON_Delete). NULL when out of memory. */
VT_EXTERN cJSON *vt_gate_result_json(const vt_gate_result *r);

/* A one-line list "P1 no_fix_available, P3 no_attestation" of the
   refusals into buf (always terminated, truncated to fit). */
VT_EXTERN void vt_gate_result_summary(const vt_gate_result *r, char *buf, size_t cap);

/* ---- disclosure records and blackout windows (writes) ------------------ */

/*
 * Store a disclosure record of `kind` ("early_publication_approval",
 * "mps_consent", "cross_border_release", "no_exaggeration_attestation") for
 * case `case_id`; `record` is the kind's JSON object (required members in
 * docs/disclosure.md). An attestation is stored with its reviewer: `actor`
 * and `user_id` (0 for a machine token: stored as null); members named
 * reviewer or reviewer_user_id in `record` are refused. Appends ledger
 * entry "disclosure.recorded". Inside the caller's transaction. *id_out
 * (may be NULL) gets the new row id. Returns 0, VT_EINVALID (err->field
 * names the member), VT_ENOTFOUND or VT_EIO.
 */
VT_EXTERN int vt_gate_record_add(vt_store *w, int64_t case_id, const char *kind,
                                 const cJSON *record, int64_t user_id, const char *actor,
                                 int64_t now_ms, int64_t *id_out, vt_error *err);

/*
 * Add a blackout window [start_ms, end_ms) for organisation `org_id` (0: every
 * organisation) with a label; ledger entry "blackout.added". Returns 0,
 * VT_EINVALID or VT_EIO.
 */
VT_EXTERN int vt_gate_blackout_add(vt_store *w, int64_t org_id, int64_t start_ms, int64_t end_ms,
                                   const char *label, const char *actor, int64_t now_ms,
                                   int64_t *id_out, vt_error *err);

/* Delete blackout window `id`; ledger entry "blackout.deleted". Returns 0,
   VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_gate_blackout_delete(vt_store *w, int64_t id, const char *actor, int64_t now_ms,
                                      vt_error *err);

/* ---- the document-text scanner (pure; fuzzed) --------------------------- */

/*
 * True when `needle` occurs in `text` case-insensitively (ASCII) as a whole
 * token: the characters around the match are not letters, digits, '-', '_'
 * or '.' followed by a letter or digit (so "db1.example.cn" is not found in
 * "xdb1.example.cn" nor "db1.example.cn.org", but is in "db1.example.cn.").
 * An empty needle is never found.
 */
VT_EXTERN bool vt_gate_text_has_token(const char *text, const char *needle);

/*
 * The highest severity the text states: 0 none, 1 low, 2 medium, 3 high,
 * 4 critical, 5 a superlative beyond every grade ("most severe",
 * "catastrophic", "极其严重", ...). English words are whole tokens,
 * case-insensitive; Chinese words are substrings. `word` (may be NULL) gets
 * the word found (a static string).
 */
VT_EXTERN int vt_gate_text_severity(const char *text, const char **word);

#endif
