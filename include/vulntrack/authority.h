/*
 * authority.h - the report to the authority of RMSV 2021 Art. 7(2) (spec
 * §4: the NVDB report), its completeness check, its printable bilingual
 * page and the record of its submission; and the stages of the EU CRA
 * Art. 14 reports (spec §10.1) with their field sets.
 *
 * Assembly and rendering (src/formats/authority_report.c, authority_html.c)
 * are pure: they take JSON in and give JSON or HTML out. Reading and
 * recording (src/domain/authority.c) use the store; the writing functions
 * run inside the caller's transaction (the server's vt_server_write) and
 * never begin or commit. docs/authority.md is the manual.
 */
#ifndef VULNTRACK_AUTHORITY_H
#define VULNTRACK_AUTHORITY_H

#include <cjson/cJSON.h>

#include "buf.h"
#include "common.h"
#include "store.h"

struct vt_policy_set;
struct vt_calendar_set;

/* ------------------------------------------------------------------------
 * The report (authority_report.c)
 * ---------------------------------------------------------------------- */

/* The value that says a product has no model (spec §4), with a justification. */
#define VT_AUTHORITY_NOT_APPLICABLE "不适用"

/**
 * Assemble the authority report from `in`, an object
 *   {"case": <vt_case_to_json of the case>,
 *    "org": {"slug", "name", "country", "flags": {...}},
 *    "products": [{"id", "name", "vendor"?, ...}]   (optional: inventory rows)}
 * into a new object (caller frees with cJSON_Delete):
 *   {"format": "vulntrack-authority-report/1", "case", "title",
 *    "required": {product_name, product_model, product_model_justification?,
 *                 affected_versions[], tech_characteristics, category_code,
 *                 cwe[], harm, grade{grade, grade_zh, method, impact{c,i,a}},
 *                 impact_scope},
 *    "recommended": {vendor, contact, identifiers{CVE[], CNVD[], CNNVD[],
 *                    CNCVD[], other[]}, aware_at, verified_at, state,
 *                    upstream, fix{status, remediations, fixed_versions},
 *                    credit, exploitation_observed},
 *    "completeness": vt_authority_check's result}
 * `in` is borrowed. Returns 0, VT_EINVALID (no "case" object) or VT_ENOMEM.
 */
VT_EXTERN int vt_authority_report_build(cJSON **out, const cJSON *in, vt_error *err);

/**
 * The completeness check of `report` (a vt_authority_report_build
 * result, its "completeness" member ignored): a new object
 *   {"complete": bool, "missing": [{"field", "zh", "en", "reason"}]}
 * listing every §4 required field that is missing or empty, by name, in
 * Chinese and in English (field: "product_model", zh: "型号", en: "model").
 * Returns NULL only when out of memory.
 */
VT_EXTERN cJSON *vt_authority_check(const cJSON *report);

/* ------------------------------------------------------------------------
 * The printable page (authority_html.c)
 * ---------------------------------------------------------------------- */

/**
 * Append `len` bytes of `s` to `out` with &, <, >, " and ' written as
 * character references, and bytes that are not valid UTF-8 or are
 * control characters (except tab and newline) as U+FFFD. Returns 0 or
 * VT_ENOMEM / VT_ETOOBIG (out's cap).
 */
VT_EXTERN int vt_html_escape(vt_buf *out, const char *s, size_t len);

/**
 * Append the report as one self-contained bilingual HTML page (inline
 * print CSS, no script, no outside resource), the completeness result at
 * its top, to `out`. Every text taken from `report` is escaped. Returns 0,
 * VT_ENOMEM or VT_ETOOBIG.
 */
VT_EXTERN int vt_authority_html(vt_buf *out, const cJSON *report);

/* ------------------------------------------------------------------------
 * Reading and recording (authority.c)
 * ---------------------------------------------------------------------- */

/**
 * The report of case `case_id` as vt_authority_report_build makes it, from
 * the stored case, its organisation and its products, plus "submissions"
 * (the recorded ones, oldest first: id, submitted_at, receipt_number,
 * report_sha256, actor, recorded_at) and "update_due" (true when affected
 * versions or the fix changed since the last submission, with
 * "update_reasons"). New object (cJSON_Delete). Returns 0, VT_ENOTFOUND,
 * VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_authority_report_for_case(cJSON **out, vt_store *s, int64_t case_id,
                                           vt_error *err);

typedef struct vt_authority_submission_in {
    int64_t case_id;
    int64_t submitted_ms;       /* 0: now_ms */
    const char *receipt_number; /* NULL or the platform's receipt number */
    const char *evidence;       /* NULL or text (a screenshot's hash, a note) */
    const char *actor;
    int64_t now_ms;
} vt_authority_submission_in;

/**
 * Record that the report of in->case_id was submitted. When the
 * completeness check fails nothing is written: VT_EINVALID with
 * err->field "/missing" and *missing (may be NULL) a new array of the
 * missing fields as vt_authority_check lists them. Otherwise, in the
 * caller's transaction: an authority_submissions row (the report as
 * submitted and its SHA-256), a ledger entry "authority.submission", the
 * E_NVDB_REPORTED event on the first submission (evidence: receipt number
 * and report hash) and the obligations refreshed; a later submission is the
 * evidence that meets CN-NVDB-UPD when that obligation is open or missed. *result (may be NULL)
 * gets a new object {id, submitted_at, receipt_number, report_sha256,
 * first, ledger_seq}. Returns 0, VT_EINVALID, VT_ENOTFOUND, VT_EIO or
 * VT_ENOMEM.
 */
VT_EXTERN int vt_authority_submit(vt_store *w, const struct vt_policy_set *ps,
                                  const struct vt_calendar_set *cs,
                                  const vt_authority_submission_in *in, cJSON **result,
                                  cJSON **missing, vt_error *err);

/** The submissions of a case as a new array (oldest first). Returns 0, VT_EIO or VT_ENOMEM. */
VT_EXTERN int vt_authority_submissions_json(cJSON **out, vt_store *s, int64_t case_id,
                                            vt_error *err);

/* ------------------------------------------------------------------------
 * EU CRA report stages (authority.c)
 * ---------------------------------------------------------------------- */

/*
 * The field sets come from a data file (data/cra/EU_CRA_SRP_FIELDS.json):
 *   {"stages": [{"stage": "CRA-V-EW", "fields": [{"id", "label",
 *     "code": "X"|"I"|"O"|"C", "source"}]}]}
 * X: mandatory, I: if available, O: optional, C: conditional.
 */

/**
 * Read and check a field-set file's text; *out is a new object
 * (cJSON_Delete). Returns 0, VT_EINVALID (err->field) or VT_ENOMEM.
 */
VT_EXTERN int vt_cra_fields_parse(cJSON **out, const char *text, size_t len, vt_error *err);

/**
 * The X fields of `stage` (in `field_sets`) that `fields` (the stage's
 * stored values, may be NULL) leaves missing or empty: a new array of
 * {"field", "label"}; NULL when out of memory or the stage is unknown.
 */
VT_EXTERN cJSON *vt_cra_missing(const cJSON *field_sets, const char *stage, const cJSON *fields);

/**
 * Values vulntrack proposes for CRA stage fields, taken from an authority
 * report (vt_authority_report_build): manufacturer (vendor and contact),
 * product, vulnerability_nature, description, severity, impact,
 * measures_taken, user_measures, security_update (once the fix is
 * available) and identifiers, each only when the case has the facts. A
 * proposal fills nothing: a person stores values (vt_cra_stage_put). New
 * object by field id; NULL only when out of memory.
 */
VT_EXTERN cJSON *vt_cra_proposed(const cJSON *report);

/**
 * Every stage of case `case_id`: {"stages": [{stage, fields (definitions),
 * values, proposed (vt_cra_proposed for the stage's fields), missing,
 * complete, submitted_at, evidence, obligation (the EU_CRA row or null)}],
 * "exploitation": {...} or null}.
 * New object. Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_cra_view(cJSON **out, vt_store *s, const cJSON *field_sets, int64_t case_id,
                          vt_error *err);

/**
 * Store `fields` (an object; every key must be a field of the stage, values
 * strings, booleans or arrays of strings) as stage `stage` of the case; a
 * submitted stage is refused (VT_EINVALID "/stage"). Ledger entry
 * "cra.stage.update". Returns 0, VT_EINVALID (err->field), VT_ENOTFOUND,
 * VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_cra_stage_put(vt_store *w, const cJSON *field_sets, int64_t case_id,
                               const char *stage, const cJSON *fields, const char *actor,
                               int64_t now_ms, vt_error *err);

/**
 * Mark stage `stage` submitted at `submitted_ms` (0: now) with `evidence`:
 * refused with VT_EINVALID "/missing" and *missing (may be NULL; new array)
 * when an X field is empty. Records the evidence on the stage's EU_CRA
 * obligation (vt_obligation_record_evidence); CRA-I-N also stamps
 * E_CRA_I_N_SUBMITTED. Ledger entry "cra.stage.submitted". Returns 0,
 * VT_EINVALID, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_cra_stage_submit(vt_store *w, const struct vt_policy_set *ps,
                                  const struct vt_calendar_set *cs, const cJSON *field_sets,
                                  int64_t case_id, const char *stage, int64_t submitted_ms,
                                  const char *evidence, const char *actor, int64_t now_ms,
                                  cJSON **missing, vt_error *err);

/**
 * A person confirms reliable evidence of active exploitation: stamps
 * E_EXPLOITED_AWARE at now_ms with evidence naming who judged it and,
 * when given, the first signal's time (spec A10), through
 * vt_case_record_event. Returns what that returns.
 */
VT_EXTERN int vt_cra_confirm_exploitation(vt_store *w, const struct vt_policy_set *ps,
                                          const struct vt_calendar_set *cs, int64_t case_id,
                                          const char *evidence, const char *judged_by,
                                          int64_t first_signal_ms, const char *actor,
                                          int64_t now_ms, vt_error *err);

/**
 * Suggestions of exploitation for case `case_id`: the case's CVE
 * identifiers found in the stored KEV catalogue (vulntrack db import).
 * Never records anything: only a person confirms (vt_cra_confirm_exploitation).
 * New object {"suggestions": [{source, cve, date_added, name, note}],
 * "confirmed": bool}. Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_cra_suggestions(cJSON **out, vt_store *s, int64_t case_id, vt_error *err);

#endif
