/*
 * products.h - the organisation's product inventory: products (name, model,
 * type, support status), their versions, an SBOM per version read with the
 * CycloneDX/SPDX readers (sbom.h), the findings of a version from the
 * scanner (scan.h) against the advisory store, and a case opened from one
 * finding in one call.
 *
 * Product types: "hardware", "software", "network_service", "system" (the
 * case doc's product_type). Support statuses of products and versions:
 *   "supported"     fixes are produced for this product/version;
 *   "security_only" only security fixes are produced;
 *   "end_of_life"   no fixes any more (a case on it may end NO_FIX_PLANNED);
 *   "unknown"       not recorded yet.
 *
 * Functions that write take the store they are given and begin no
 * transaction: the server calls them inside vt_server_write; a command-line
 * caller wraps them in vt_store_begin/vt_store_commit.
 */
#ifndef VULNTRACK_PRODUCTS_H
#define VULNTRACK_PRODUCTS_H

#include <cjson/cJSON.h>

#include "common.h"
#include "scan.h"
#include "store.h"
#include "store_products.h"

struct vt_policy_set;
struct vt_calendar_set;

/* Bytes. A product name, model or version longer than this is refused. */
#define VT_PRODUCT_TEXT_MAX 200

/** True when `type` is one of the four product types. */
VT_EXTERN bool vt_product_type_valid(const char *type);

/** True when `status` is one of the support statuses above. */
VT_EXTERN bool vt_product_support_status_valid(const char *status);

/**
 * Validate and insert product `p` (name required; model may be NULL or "";
 * type required; support_status NULL means "supported"); created_ms is set
 * to now when 0, p->id on success. A product with the same (org, name,
 * model) is refused with VT_EINVALID and its id in *existing_id (may be
 * NULL; 0 otherwise), so that an API can answer 409.
 * Returns 0, VT_EINVALID (err->field: /name, /model, /type,
 * /support_status), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_product_add(vt_store *w, vt_product *p, int64_t *existing_id, vt_error *err);

/* A change to a product: NULL fields stay as they are. */
typedef struct vt_product_patch {
    const char *name;
    const char *model;
    const char *type;
    const char *support_status;
} vt_product_patch;

/**
 * Apply `patch` to product `id` of organisation `org_id` (0: any
 * organisation); *out (may be NULL; caller disposes) receives the product
 * as it now is. Returns 0, VT_ENOTFOUND (no such product in that org),
 * VT_EINVALID (a bad field, or the new name and model are taken:
 * *existing_id then names that product), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_product_update(vt_store *w, int64_t org_id, int64_t id,
                                const vt_product_patch *patch, vt_product *out,
                                int64_t *existing_id, vt_error *err);

/**
 * Product `id` if it belongs to organisation `org_id` (0: any), into *out
 * (caller disposes). Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_product_get(vt_store *s, int64_t org_id, int64_t id, vt_product *out,
                             vt_error *err);

/**
 * Is `version` a valid version name: 1..VT_PRODUCT_TEXT_MAX bytes, no
 * control character and no '/' (it is a path segment of the API)?
 */
VT_EXTERN bool vt_product_version_name_valid(const char *version);

/* An SBOM read and checked, ready to store. */
typedef struct vt_product_sbom {
    const char *format;   /* "CycloneDX" or "SPDX"; static */
    char spec_version[32]; /* "1.5", "SPDX-2.3" as written (truncated) */
    char sha256[65];      /* of the text as given, lower-case hex */
    long components;      /* components, the CycloneDX metadata subject not counted */
} vt_product_sbom;

/**
 * Read the SBOM s[0..len) with vt_sbom_parse (CycloneDX JSON or SPDX JSON,
 * told apart by content) and describe it in *out. When `schema_dir` is not
 * NULL the document must also be valid against the JSON schema of its
 * format and version (vt_sbom_validate). `s` is borrowed. Returns 0,
 * VT_EINVALID (err->msg is the reader's message with its JSON pointer, or
 * "malformed JSON at byte N"; err->field "/sbom" + that pointer),
 * VT_EUNSUPPORTED (neither format, or an unsupported version; field
 * "/sbom"), VT_EIO (schemas unreadable) or VT_ENOMEM.
 */
VT_EXTERN int vt_product_sbom_check(const char *s, size_t len, const char *schema_dir,
                                    vt_product_sbom *out, vt_error *err);

/* What to set on a version. */
typedef struct vt_product_version_in {
    const char *support_status; /* NULL: leave as is ("supported" for a new version) */
    const char *sbom;           /* NULL: leave the SBOM as is */
    size_t sbom_len;
    const vt_product_sbom *checked; /* vt_product_sbom_check's result for `sbom`; NULL: check here */
    int64_t now_ms;             /* import time; 0: now */
} vt_product_version_in;

/**
 * Create or update version `version` of product `product_id` of
 * organisation `org_id` (0: any): set its support status and/or import its
 * SBOM (stored as given, with SHA-256, format and component count). A check
 * done beforehand (in->checked) is trusted, so that a server can parse a
 * large SBOM outside its writer. *created (may be NULL) says whether the
 * version is new; *out (may be NULL; caller disposes) receives it.
 * Returns 0, VT_ENOTFOUND (no such product), VT_EINVALID (bad version name,
 * support status or SBOM: see vt_product_sbom_check), VT_EUNSUPPORTED,
 * VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_product_version_put(vt_store *w, int64_t org_id, int64_t product_id,
                                     const char *version, const vt_product_version_in *in,
                                     bool *created, vt_product_version *out, vt_error *err);

/**
 * Scan the stored SBOM of version `version` of product `product_id` (of
 * organisation `org_id`, 0: any) against the advisories in `s`, with the
 * scanner of scan.h. On success *out is a finished scan (findings in
 * priority order; the SBOM is reported under the path "<product>@<version>")
 * the caller frees with vt_scan_free. Returns 0, VT_ENOTFOUND (no such
 * product or version, or the version has no SBOM), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_product_findings(vt_store *s, int64_t org_id, int64_t product_id,
                                  const char *version, vt_scan **out, vt_error *err);

/*
 * A case to be opened from one finding: built from a read (the scan and the
 * advisory), then opened in the writer. Owned by the struct:
 * vt_product_case_draft_dispose.
 */
typedef struct vt_product_case_draft {
    int64_t org_id;     /* the product's organisation */
    int64_t product_id;
    char *version;
    char *advisory_id;
    char *title;        /* "<advisory> in <component> (<product> <version>)" */
    cJSON *doc;         /* the case fields, with source_finding */
} vt_product_case_draft;

#define VT_PRODUCT_CASE_DRAFT_INIT {0, 0, NULL, NULL, NULL, NULL}

VT_EXTERN void vt_product_case_draft_dispose(vt_product_case_draft *d);

/**
 * Build the case for the finding of advisory `advisory_id` on version
 * `version` of product `product_id` (of organisation `org_id`, 0: any).
 * When the advisory affects several components of the SBOM, `purl` (may be
 * NULL) picks one by its purl as written in the SBOM; otherwise the first
 * in priority order is used. The doc has: products [{product_id, name,
 * model, versions [version]}], product_type, upstream {purl, provider},
 * identifiers (the advisory id and its aliases: schemes CVE, GHSA, OSV),
 * cvss [{vector, version, score, severity}] from the advisory's severity
 * entries, cwe (when the advisory names CWEs) and source_finding
 * {product_id, version, advisory_id, purl, ecosystem, installed_version,
 * fixed_versions, known_exploited}.
 * Returns 0, VT_ENOTFOUND (no such product, version, SBOM or finding),
 * VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_product_case_draft_build(vt_store *s, int64_t org_id, int64_t product_id,
                                          const char *version, const char *advisory_id,
                                          const char *purl, vt_product_case_draft *out,
                                          vt_error *err);

/**
 * Open the case of `draft` with vt_case_create (scope own_product, actor
 * `actor`, awareness now), unless a case of the organisation was already
 * opened from the same (product, version, advisory): then VT_EINVALID with
 * that case's reference in `existing_ref` (an API answers 409). `ps` and
 * `cs` are the server's policies and calendars (may be NULL). On success
 * *case_id and `ref` name the new case. Runs in the caller's transaction.
 * Returns 0, VT_EINVALID, vt_case_create's codes, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_product_case_open(vt_store *w, const vt_product_case_draft *draft,
                                   const char *actor, const struct vt_policy_set *ps,
                                   const struct vt_calendar_set *cs, int64_t *case_id,
                                   char ref[32], char existing_ref[32], vt_error *err);

/**
 * Finding to case in one call: vt_product_case_draft_build on `w`, then
 * vt_product_case_open. Same arguments, codes and `existing_ref`.
 */
VT_EXTERN int vt_product_finding_to_case(vt_store *w, int64_t org_id, int64_t product_id,
                                         const char *version, const char *advisory_id,
                                         const char *purl, const char *actor,
                                         const struct vt_policy_set *ps,
                                         const struct vt_calendar_set *cs, int64_t *case_id,
                                         char ref[32], char existing_ref[32], vt_error *err);

#endif
