/*
 * store_vex.h - the vex_statements table (migration 5): one row per
 * (product, version, vulnerability, component purl). vex.h validates and
 * maps; this only stores.
 */
#ifndef VULNTRACK_STORE_VEX_H
#define VULNTRACK_STORE_VEX_H

#include "common.h"
#include "store.h"
#include "vex.h"

/**
 * Insert or replace the row of st's (product_id, version, vulnerability,
 * component_purl) with st's other fields; st->id is set. *created (may be
 * NULL) says whether the row is new. Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_vex_upsert(vt_store *s, vt_vex_statement *st, bool *created, vt_error *err);

/**
 * Call `each` with every statement of (product_id, version) ordered by
 * vulnerability and component purl (valid during the call). A non-zero
 * return of `each` stops and is returned. Returns 0, VT_EIO, VT_ENOMEM or
 * each's code.
 */
VT_EXTERN int vt_store_vex_list(vt_store *s, int64_t product_id, const char *version,
                                int (*each)(void *ctx, const vt_vex_statement *st), void *ctx,
                                vt_error *err);

#endif
