/*
 * assets.h - the deployed assets of an operator organisation (LAW Art. 8):
 * what runs where (vendor, product, version, a purl or an SBOM), whether it
 * is publicly exposed, its next scheduled upgrade and its identifiers (host
 * names, addresses: the disclosure gate's rule P2 reads them as a JSON
 * array of strings in assets.identifiers). The findings of an asset come
 * from the OSV advisories in the store (through the scanner of scan.h) and
 * from the CSAF advisories providers published in the same database
 * (published_advisories); an operator case is opened from one finding in
 * one call.
 *
 * Functions that write take the writer connection and begin no
 * transaction (the server's vt_server_write); each change appends a
 * ledger entry ("asset.add", "asset.update", "asset.delete").
 */
#ifndef VULNTRACK_ASSETS_H
#define VULNTRACK_ASSETS_H

#include <cjson/cJSON.h>

#include "common.h"
#include "store.h"

struct vt_policy_set;
struct vt_calendar_set;

/* Bytes. A name, vendor, product, version or purl longer than this is refused. */
#define VT_ASSET_TEXT_MAX 200
/* Entries of identifiers[]. */
#define VT_ASSET_IDENTIFIERS_MAX 100

/* An asset. Strings are owned by the struct: vt_asset_dispose. */
typedef struct vt_asset {
    int64_t id;
    int64_t org_id;
    char *name;
    char *vendor;            /* or NULL */
    char *product;           /* or NULL */
    char *version;           /* or NULL */
    char *purl;              /* or NULL */
    char *sbom;              /* SBOM text as given, or NULL */
    char *publicly_exposed;  /* "yes", "no" or "unknown" */
    int64_t next_upgrade_ms; /* 0: none scheduled */
    char *identifiers;       /* JSON array of strings, "[]" when none */
    int64_t created_ms;
} vt_asset;

#define VT_ASSET_INIT                                                                              \
    {                                                                                              \
        0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0                                 \
    }

/** Free the strings of `a` (accepts NULL or INIT); it is INIT again. */
VT_EXTERN void vt_asset_dispose(vt_asset *a);

/**
 * What to set on an asset. For a new asset NULL means absent; for a change
 * NULL means unchanged and "" clears (name and publicly_exposed cannot be
 * cleared). `identifiers` is a JSON array of strings (borrowed) or NULL.
 * `next_upgrade` is RFC 3339 text, "" to clear.
 */
typedef struct vt_asset_in {
    const char *name;
    const char *vendor;
    const char *product;
    const char *version;
    const char *purl;
    const char *sbom;
    size_t sbom_len;
    const char *publicly_exposed;
    const char *next_upgrade;
    const cJSON *identifiers;
} vt_asset_in;

/**
 * Validate and insert an asset of organisation `org_id` (name required; at
 * least one of purl, sbom or product; purl must parse; an SBOM must be
 * read by vt_sbom_parse; publicly_exposed yes|no|unknown, default
 * unknown). *out (may be NULL; caller disposes) is the stored asset. A
 * second asset with the same name in the org is VT_EINVALID with its id in
 * *existing_id (may be NULL) so that an API answers 409. Returns 0,
 * VT_EINVALID (err->field), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_asset_add(vt_store *w, int64_t org_id, const vt_asset_in *in, const char *actor,
                           vt_asset *out, int64_t *existing_id, vt_error *err);

/**
 * Apply `in` to asset `id` of organisation `org_id` (0: any). *out as
 * above. Returns 0, VT_ENOTFOUND, VT_EINVALID, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_asset_update(vt_store *w, int64_t org_id, int64_t id, const vt_asset_in *in,
                              const char *actor, vt_asset *out, int64_t *existing_id,
                              vt_error *err);

/** Delete asset `id` of `org_id` (0: any). Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM. */
VT_EXTERN int vt_asset_delete(vt_store *w, int64_t org_id, int64_t id, const char *actor,
                              vt_error *err);

/** Asset `id` of `org_id` (0: any) into *out (caller disposes). Returns 0, VT_ENOTFOUND, VT_EIO,
 * VT_ENOMEM. */
VT_EXTERN int vt_asset_get(vt_store *s, int64_t org_id, int64_t id, vt_asset *out, vt_error *err);

/**
 * Call `each` with every asset of `org_id` (0: all) by id; the asset is
 * valid during the call. A non-zero return stops and is returned.
 */
VT_EXTERN int vt_asset_list(vt_store *s, int64_t org_id, int (*each)(void *ctx, const vt_asset *a),
                            void *ctx, vt_error *err);

/**
 * The asset as the API shows it (the SBOM as {format, components} rather
 * than its text). New object, NULL when out of memory.
 */
VT_EXTERN cJSON *vt_asset_json(const vt_asset *a);

/**
 * The findings of asset `id` of `org_id` (0: any) as a new JSON array
 * (caller frees): one object per (source, vulnerability, component):
 * {vulnerability, aliases[], source "osv"|"advisory", component {name,
 * version, purl}, summary, fixed_versions[], known_exploited, kev
 * {date_added, due_date}|null, advisory {tracking_id, revision,
 * product_id}|null, case (ref) or null}. OSV findings come from the
 * scanner over the asset's purl or SBOM; advisory findings from every
 * published CSAF advisory whose product_tree names the asset's vendor,
 * product and version (full_product_name or product_version names) as
 * known_affected or under_investigation. Returns 0, VT_ENOTFOUND, VT_EIO
 * or VT_ENOMEM.
 */
VT_EXTERN int vt_asset_findings(cJSON **out, vt_store *s, int64_t org_id, int64_t id,
                                vt_error *err);

/*
 * An operator case to be opened from one finding: built from a read (the
 * asset and its findings), then opened in the writer. Owned by the
 * struct: vt_asset_case_draft_dispose.
 */
typedef struct vt_asset_case_draft {
    int64_t org_id; /* the asset's organisation */
    int64_t asset_id;
    char *vulnerability; /* the finding's own id (not the alias that named it) */
    char *title;         /* "<vulnerability> on <asset>" */
    cJSON *doc;          /* the case fields, normalised, with source_finding */
} vt_asset_case_draft;

/** Free what `d` owns (accepts NULL or a zeroed draft); it is zeroed again. */
VT_EXTERN void vt_asset_case_draft_dispose(vt_asset_case_draft *d);

/**
 * Build the case of vt_asset_finding_to_case for asset `id` of `org_id`
 * (0: any) and `vulnerability` (an id or alias of one of its findings),
 * reading through `s`; *out is zeroed first and disposed on failure.
 * Returns 0, VT_ENOTFOUND (asset or finding), VT_EINVALID (the fields),
 * VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_asset_case_draft_build(vt_store *s, int64_t org_id, int64_t id,
                                        const char *vulnerability, vt_asset_case_draft *out,
                                        vt_error *err);

/**
 * Open the case of `draft` in the caller's transaction, unless the asset
 * is gone (VT_ENOTFOUND) or a case was already opened from the same asset
 * and vulnerability (VT_EINVALID with its ref in `existing_ref`).
 * Returns 0, VT_ENOTFOUND, VT_EINVALID, vt_case_create's codes, VT_EIO or
 * VT_ENOMEM.
 */
VT_EXTERN int vt_asset_case_open(vt_store *w, const vt_asset_case_draft *draft, const char *actor,
                                 const struct vt_policy_set *ps, const struct vt_calendar_set *cs,
                                 int64_t *case_id, char ref[32], char existing_ref[32],
                                 vt_error *err);

/**
 * Open an operator case (scope operator_system, the asset's organisation)
 * from the finding of `vulnerability` (an id or alias) on asset `id`: doc
 * products [{vendor, name, versions}], identifiers (the CVE and the other
 * ids), ssvc.exposed from publicly_exposed (unset when unknown),
 * next_upgrade from the asset, source_finding {asset_id, vulnerability}.
 * The obligations of the org's profiles then apply (CN-OPFIX, BOD 26-04).
 * A second case for the same asset and vulnerability is VT_EINVALID with
 * that case's ref in `existing_ref` (an API answers 409). Runs in the
 * caller's transaction: vt_asset_case_draft_build then vt_asset_case_open
 * on `w`. Returns 0, VT_ENOTFOUND (asset or finding),
 * VT_EINVALID, vt_case_create's codes, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_asset_finding_to_case(vt_store *w, int64_t org_id, int64_t id,
                                       const char *vulnerability, const char *actor,
                                       const struct vt_policy_set *ps,
                                       const struct vt_calendar_set *cs, int64_t *case_id,
                                       char ref[32], char existing_ref[32], vt_error *err);

#endif
