/*
 * assets_internal.h - what assets.c, asset_findings.c and asset_case.c
 * share, and the per-document CSAF matcher the fuzz target calls directly.
 */
#ifndef VT_ASSETS_INTERNAL_H
#define VT_ASSETS_INTERNAL_H

#include <cjson/cJSON.h>

#include "vulntrack/assets.h"
#include "vulntrack/store_assets.h"

/*
 * Append to `list` the findings of asset `a` in the CSAF document `pa`
 * (see vt_asset_findings). A document that does not parse gives none. `s`
 * (may be NULL: no KEV lookup) is read for the KEV entries of the CVEs.
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
int vt__asset_csaf_findings(cJSON *list, const vt_asset *a, const vt_store_published_csaf *pa,
                            vt_store *s, vt_error *err);

/* String member `key` of `o`, or NULL (also when `o` is NULL). */
const char *vt__asset_str_of(const cJSON *o, const char *key);

/* Add `key`: the string `v`, or null when `v` is NULL. Returns 0 or VT_ENOMEM. */
int vt__asset_add_opt(cJSON *o, const char *key, const char *v);

/*
 * The findings of asset `a` (vt_asset_findings's array) into *out, a new
 * array the caller frees. Returns 0, VT_EIO or VT_ENOMEM.
 */
int vt__asset_findings_of(cJSON **out, vt_store *s, const vt_asset *a, vt_error *err);

#endif
