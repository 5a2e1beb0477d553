/*
 * assets_internal.h - the part of assets.c its fuzz target calls directly:
 * the findings one published CSAF document gives an asset.
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

#endif
