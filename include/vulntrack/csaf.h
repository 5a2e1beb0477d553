/*
 * csaf.h - the published forms of a case: CSAF 2.0 documents (profiles
 * csaf_security_advisory and csaf_vex) and an OSV record, built from the
 * case's fields (the `doc` object of docs/cases.md, as stored, i.e.
 * normalised by vt_case_doc_normalize). Pure builders: no store, no
 * clock; the caller passes every time and name. docs/advisories.md is the
 * manual (spec §11 for the rules: base fields, filename, CVSS v4 in
 * notes, the VEX status and justification mapping).
 */
#ifndef VULNTRACK_CSAF_H
#define VULNTRACK_CSAF_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common.h"

/* The published forms (published_advisories.category). */
typedef enum vt_advisory_format {
    VT_ADVISORY_CSAF = 0, /* csaf_security_advisory */
    VT_ADVISORY_CSAF_VEX, /* csaf_vex */
    VT_ADVISORY_OSV,      /* OSV 1.6 record */
    VT_ADVISORY_FORMAT_COUNT
} vt_advisory_format;

/** "csaf_security_advisory", "csaf_vex" or "osv"; static, "" if out of range. */
VT_EXTERN const char *vt_advisory_format_category(vt_advisory_format f);

/**
 * Parse the `format` query value: "csaf" (or "csaf_security_advisory"),
 * "csaf_vex" or "osv". False when unknown.
 */
VT_EXTERN bool vt_advisory_format_parse(const char *s, vt_advisory_format *out);

/* One entry of tracking/revision_history. Strings borrowed. */
typedef struct vt_csaf_revision {
    int64_t date_ms;
    const char *summary;
} vt_csaf_revision;

/* Everything a document needs beside the case's fields. Borrowed. */
typedef struct vt_advisory_input {
    const char *tracking_id;         /* "ACME-VT-2026-000001" (see vt_advisory_tracking_id) */
    const char *title;               /* the case's title */
    const cJSON *doc;                /* the case's fields (object; NULL: {}) */
    const char *publisher_name;      /* the organisation's name */
    const char *publisher_namespace; /* URL; NULL: VT_CSAF_DEFAULT_NAMESPACE */
    const char *lang;                /* document language; NULL: "en" */
    /* Revision history, oldest first; entry i is version i + 1. The last one
       is the revision being built. At least one. */
    const vt_csaf_revision *revisions;
    size_t nrevisions;
    const char *generator_version; /* NULL: none */
} vt_advisory_input;

/* Publisher namespace used when the organisation has no flags.publisher_namespace. */
#define VT_CSAF_DEFAULT_NAMESPACE "https://vulntrack.invalid/"

/* Tracking ids: "<ORG SLUG IN UPPER CASE>-<case ref>". */
#define VT_ADVISORY_ID_MAX 96

/**
 * The tracking id of a case of organisation `org_slug`: the slug in upper
 * case, '-', the case reference ("ACME-VT-2026-000001"), into `out`.
 * Returns 0 or VT_ETOOBIG.
 */
VT_EXTERN int vt_advisory_tracking_id(char out[VT_ADVISORY_ID_MAX], const char *org_slug,
                                      const char *case_ref);

#define VT_CSAF_FILENAME_MAX (VT_ADVISORY_ID_MAX + 8)

/**
 * The CSAF file name of `tracking_id` (spec §11 and CSAF 2.0 §5.1): lower
 * case, every run of characters outside [+\-a-z0-9] replaced by one '_',
 * then ".json". Returns 0, VT_EINVALID (empty id) or VT_ETOOBIG.
 */
VT_EXTERN int vt_csaf_filename(char out[VT_CSAF_FILENAME_MAX], const char *tracking_id);

/**
 * The CSAF product_status group of an internal VEX status (spec §11):
 * UNDER_INVESTIGATION -> "under_investigation", AFFECTED ->
 * "known_affected", NOT_AFFECTED and FALSE_POSITIVE ->
 * "known_not_affected", FIXED -> "fixed". NULL for anything else. Static.
 */
VT_EXTERN const char *vt_csaf_product_status(const char *internal_status);

/**
 * The CSAF flag label (= OpenVEX justification) for an internal
 * justification (spec §11): code_not_present ->
 * "vulnerable_code_not_present", not_in_execute_path ->
 * "vulnerable_code_not_in_execute_path", inline_mitigation ->
 * "inline_mitigations_already_exist", not_controllable ->
 * "vulnerable_code_cannot_be_controlled_by_adversary",
 * component_not_present -> "component_not_present". NULL otherwise. Static.
 */
VT_EXTERN const char *vt_csaf_flag_label(const char *justification);

/**
 * Build the CSAF 2.0 document of `in` in profile `format`
 * (VT_ADVISORY_CSAF or VT_ADVISORY_CSAF_VEX). On success *out is a new
 * object the caller frees with cJSON_Delete. Returns 0, VT_EINVALID (what
 * the profile needs is missing: err->field names the case field, e.g.
 * "/doc/products") or VT_ENOMEM.
 */
VT_EXTERN int vt_csaf_build(cJSON **out, vt_advisory_format format, const vt_advisory_input *in,
                            vt_error *err);

/**
 * Build the OSV record of `in` (id = the tracking id; published = the
 * first revision's date, modified = the last one's). `csaf_url` (may be
 * NULL) is added as an ADVISORY reference. On success *out is a new object
 * (cJSON_Delete). Returns 0, VT_EINVALID or VT_ENOMEM.
 */
VT_EXTERN int vt_osv_export_build(cJSON **out, const vt_advisory_input *in, const char *csaf_url,
                                  vt_error *err);

/**
 * vt_csaf_build or vt_osv_export_build by `format`. Same contract.
 */
VT_EXTERN int vt_advisory_build(cJSON **out, vt_advisory_format format, const vt_advisory_input *in,
                                vt_error *err);

#endif
