/*
 * store_assets.h - the assets table (migration 5), the published CSAF
 * advisories an asset is matched against (published_advisories) and the
 * operator cases opened from asset findings (found by cases.doc's
 * source_finding {asset_id, vulnerability}). assets.h validates; this
 * only stores and reads.
 */
#ifndef VULNTRACK_STORE_ASSETS_H
#define VULNTRACK_STORE_ASSETS_H

#include "assets.h"
#include "common.h"
#include "store.h"

/** Insert `a` (a->id set). Returns 0, VT_EIO or VT_ENOMEM. */
VT_EXTERN int vt_store_asset_insert(vt_store *s, vt_asset *a, vt_error *err);

/** Update every column of row a->id but org_id and created_ms. Returns 0, VT_ENOTFOUND, VT_EIO. */
VT_EXTERN int vt_store_asset_update(vt_store *s, const vt_asset *a, vt_error *err);

/** Delete row `id`. Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_store_asset_delete(vt_store *s, int64_t id, vt_error *err);

/** Row `id` into *out (caller disposes). Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM. */
VT_EXTERN int vt_store_asset_get(vt_store *s, int64_t id, vt_asset *out, vt_error *err);

/** The id of the asset named `name` in `org_id`, 0 when none, into *id. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_asset_find(vt_store *s, int64_t org_id, const char *name, int64_t *id,
                                  vt_error *err);

/** Every asset of `org_id` (0: all) by id; see vt_asset_list. */
VT_EXTERN int vt_store_asset_list(vt_store *s, int64_t org_id,
                                  int (*each)(void *ctx, const vt_asset *a), void *ctx,
                                  vt_error *err);

/* A published CSAF advisory, as read; strings valid during the callback. */
typedef struct vt_store_published_csaf {
    int64_t id;
    int64_t case_id;
    const char *tracking_id;
    int64_t revision;
    const char *category;
    const char *document;
    size_t document_len;
} vt_store_published_csaf;

/**
 * Call `each` with the latest revision of every published CSAF advisory
 * (categories csaf_security_advisory and csaf_vex). A non-zero return
 * stops and is returned. Returns 0, VT_EIO or each's code.
 */
VT_EXTERN int vt_store_published_csaf_list(vt_store *s,
                                           int (*each)(void *ctx, const vt_store_published_csaf *a),
                                           void *ctx, vt_error *err);

/**
 * The reference of the first case of `org_id` whose doc has source_finding
 * {asset_id, vulnerability} equal to these, into `ref` ("" and *found
 * false when none). Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_asset_case_for_finding(vt_store *s, int64_t org_id, int64_t asset_id,
                                              const char *vulnerability, bool *found, char ref[32],
                                              vt_error *err);

/**
 * Call `each` with (vulnerability, ref) of every case of `org_id` opened
 * from a finding of asset `asset_id`. Returns 0, VT_EIO or each's code.
 */
VT_EXTERN int vt_store_asset_cases(vt_store *s, int64_t org_id, int64_t asset_id,
                                   int (*each)(void *ctx, const char *vulnerability,
                                               const char *ref),
                                   void *ctx, vt_error *err);

#endif
