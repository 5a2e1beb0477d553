/*
 * vex.h - VEX statements on product findings: an analyst's status for one
 * vulnerability in one version of a product (optionally narrowed to one
 * component by purl), the status and justification mappings of spec
 * regulations.md §11 between the internal names and CSAF 2.0, OpenVEX 0.2.0
 * and CycloneDX 1.5, and the export of a version's findings with the
 * statements applied as a CycloneDX VEX or an OpenVEX document.
 *
 * Internal statuses (stored lower-case, accepted in either case):
 * under_investigation, affected, not_affected, fixed, false_positive.
 * Internal justifications: code_not_present, not_in_execute_path,
 * inline_mitigation, not_controllable, component_not_present. The OpenVEX
 * (= CSAF flag) and CycloneDX names are accepted too and mapped to the
 * internal one; the name as given is then kept in original_justification,
 * because several of those mappings lose information (spec §11).
 *
 * Functions that write take the writer connection and begin no
 * transaction (the server's vt_server_write); every change appends a
 * "vex.statement" ledger entry.
 */
#ifndef VULNTRACK_VEX_H
#define VULNTRACK_VEX_H

#include <cjson/cJSON.h>

#include "buf.h"
#include "common.h"
#include "store.h"

typedef enum vt_vex_status {
    VT_VEX_UNDER_INVESTIGATION = 0,
    VT_VEX_AFFECTED,
    VT_VEX_NOT_AFFECTED,
    VT_VEX_FIXED,
    VT_VEX_FALSE_POSITIVE,
    VT_VEX_STATUS_COUNT
} vt_vex_status;

typedef enum vt_vex_justification {
    VT_VEX_JUST_NONE = 0,
    VT_VEX_JUST_CODE_NOT_PRESENT,
    VT_VEX_JUST_NOT_IN_EXECUTE_PATH,
    VT_VEX_JUST_INLINE_MITIGATION,
    VT_VEX_JUST_NOT_CONTROLLABLE,
    VT_VEX_JUST_COMPONENT_NOT_PRESENT,
    VT_VEX_JUST_COUNT
} vt_vex_justification;

/* Bytes. A vulnerability id, purl or statement text longer than these is refused. */
#define VT_VEX_ID_MAX 200
#define VT_VEX_TEXT_MAX (16 * 1024)

/** Internal name ("not_affected"); static, "" when out of range. */
VT_EXTERN const char *vt_vex_status_name(vt_vex_status s);

/** Parse an internal status name, lower or upper case. False when unknown. */
VT_EXTERN bool vt_vex_status_parse(const char *name, vt_vex_status *out);

/** CSAF 2.0 product_status ("known_not_affected"); static. */
VT_EXTERN const char *vt_vex_status_csaf(vt_vex_status s);

/** OpenVEX status ("not_affected"); static. */
VT_EXTERN const char *vt_vex_status_openvex(vt_vex_status s);

/** CycloneDX analysis.state ("in_triage", "exploitable", ...); static. */
VT_EXTERN const char *vt_vex_status_cyclonedx(vt_vex_status s);

/** Internal justification name; static, NULL for VT_VEX_JUST_NONE. */
VT_EXTERN const char *vt_vex_justification_name(vt_vex_justification j);

/**
 * Parse a justification in any of the three vocabularies (internal,
 * OpenVEX/CSAF flag, CycloneDX). *from_format (may be NULL) is true when
 * `name` is not the internal name, so the caller keeps it as the original.
 * False when `name` is none of them.
 */
VT_EXTERN bool vt_vex_justification_parse(const char *name, vt_vex_justification *out,
                                          bool *from_format);

/** OpenVEX justification, also the CSAF flag label; static, NULL for NONE. */
VT_EXTERN const char *vt_vex_justification_openvex(vt_vex_justification j);

/**
 * CycloneDX analysis.justification: `original` when it is a CycloneDX name
 * that maps to `j` (so a value set in CycloneDX terms comes back as set),
 * else the first CycloneDX name of the §11 row. Static or `original`; NULL
 * for NONE.
 */
VT_EXTERN const char *vt_vex_justification_cyclonedx(vt_vex_justification j, const char *original);

/* A stored statement. Strings are owned by the struct: vt_vex_statement_dispose. */
typedef struct vt_vex_statement {
    int64_t id;
    int64_t product_id;
    char *version;
    char *vulnerability;
    char *component_purl; /* "" when the statement covers every component */
    vt_vex_status status;
    vt_vex_justification justification;
    char *original_justification; /* the name as set when not the internal one, or NULL */
    char *impact_statement;       /* or NULL */
    char *action_statement;       /* or NULL */
    char *actor;
    int64_t updated_ms;
} vt_vex_statement;

#define VT_VEX_STATEMENT_INIT                                                                      \
    {                                                                                              \
        0, 0, NULL, NULL, NULL, VT_VEX_UNDER_INVESTIGATION, VT_VEX_JUST_NONE, NULL, NULL, NULL,    \
            NULL, 0                                                                                \
    }

/** Free the strings of `st` (accepts NULL or an INIT value); it is INIT again. */
VT_EXTERN void vt_vex_statement_dispose(vt_vex_statement *st);

/* What an analyst sets. Every pointer is borrowed for the call. */
typedef struct vt_vex_statement_in {
    int64_t product_id;
    const char *version;
    const char *vulnerability;
    const char *component_purl;   /* NULL or "": every component */
    const char *status;           /* internal name */
    const char *justification;    /* NULL, or a name in any vocabulary */
    const char *impact_statement; /* NULL or text */
    const char *action_statement; /* NULL or text */
    const char *actor;
    int64_t now_ms; /* 0: now */
} vt_vex_statement_in;

/**
 * Check `in` without writing: status known; not_affected needs a
 * justification; affected needs an action_statement; a justification only
 * with not_affected or false_positive; ids and texts within their limits;
 * a component purl that parses. Returns 0 or VT_EINVALID (err->field
 * "/status", "/justification", "/action_statement", ...).
 */
VT_EXTERN int vt_vex_statement_check(const vt_vex_statement_in *in, vt_error *err);

/**
 * Create or replace the statement for (product, version, vulnerability,
 * component) of product `in->product_id` of organisation `org_id` (0: any),
 * after vt_vex_statement_check; the version must exist. Appends a
 * "vex.statement" ledger entry (subject "product:<id>@<version>"). *out
 * (may be NULL; caller disposes) is the stored statement, *created (may be
 * NULL) whether it is new. Returns 0, VT_EINVALID, VT_ENOTFOUND (product or
 * version), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_vex_set(vt_store *w, int64_t org_id, const vt_vex_statement_in *in,
                         vt_vex_statement *out, bool *created, vt_error *err);

/**
 * Call `each` with every statement of version `version` of product
 * `product_id` (of organisation `org_id`, 0: any), ordered by
 * vulnerability then component; the statement is valid during the call.
 * A non-zero return of `each` stops the walk and is returned.
 * Returns 0, VT_ENOTFOUND (product), VT_EIO, VT_ENOMEM or each's code.
 */
VT_EXTERN int vt_vex_list(vt_store *s, int64_t org_id, int64_t product_id, const char *version,
                          int (*each)(void *ctx, const vt_vex_statement *st), void *ctx,
                          vt_error *err);

/**
 * The statement as the API shows it: product_id, version, vulnerability,
 * component_purl, status, justification, original_justification,
 * impact_statement, action_statement, the mapped csaf/openvex/cyclonedx
 * values, actor, updated_at. A new object (caller frees), NULL when out of
 * memory.
 */
VT_EXTERN cJSON *vt_vex_statement_json(const vt_vex_statement *st);

typedef enum vt_vex_format { VT_VEX_CYCLONEDX = 1, VT_VEX_OPENVEX } vt_vex_format;

/**
 * Append to `out` the findings of the version (vt_product_findings) as a
 * document of `format`, each finding with the statement that covers it
 * applied (the one naming its component's purl, else the one for every
 * component, matched on the advisory id or one of its aliases); findings
 * without a statement stay under investigation. Returns 0, VT_ENOTFOUND
 * (no such product or version, or no SBOM), VT_EIO, VT_ENOMEM or
 * VT_ETOOBIG.
 */
VT_EXTERN int vt_vex_export(vt_buf *out, vt_store *s, int64_t org_id, int64_t product_id,
                            const char *version, vt_vex_format format, int64_t now_ms,
                            vt_error *err);

#endif
