/*
 * store_products.h - the product inventory's rows in the store: products,
 * their versions with the SBOM of each, and the lookup of the case opened
 * from a scan finding (cases.doc's `source_finding`).
 *
 * These functions check nothing beyond what the schema enforces; callers
 * go through products.h, which validates. Writes run in the caller's
 * transaction when there is one (each is one statement, so it is atomic on
 * its own otherwise).
 */
#ifndef VULNTRACK_STORE_PRODUCTS_H
#define VULNTRACK_STORE_PRODUCTS_H

#include "common.h"
#include "store.h"

/* One product. Strings are owned by the struct: vt_product_dispose. */
typedef struct vt_product {
    int64_t id;
    int64_t org_id;
    char *name;
    char *model;          /* "" when the product has none */
    char *type;           /* "hardware", "software", "network_service" or "system" */
    char *support_status; /* see products.h */
    int64_t created_ms;
} vt_product;

#define VT_PRODUCT_INIT {0, 0, NULL, NULL, NULL, NULL, 0}

/** Free the strings of `p` and reset it to VT_PRODUCT_INIT; accepts NULL. */
VT_EXTERN void vt_product_dispose(vt_product *p);

/* One version of a product and what is known of its SBOM. Strings are owned
 * by the struct: vt_product_version_dispose. */
typedef struct vt_product_version {
    int64_t product_id;
    char *version;
    char *support_status;
    char *sbom_format;  /* "CycloneDX" or "SPDX"; NULL when no SBOM was imported */
    char *sbom_sha256;  /* 64 lower-case hex digits of the stored SBOM text, or NULL */
    long components;    /* components of the SBOM (metadata subject not counted) */
    int64_t imported_ms; /* when the SBOM was imported; 0 when none was */
} vt_product_version;

#define VT_PRODUCT_VERSION_INIT {0, NULL, NULL, NULL, NULL, 0, 0}

/** Free the strings of `v` and reset it to VT_PRODUCT_VERSION_INIT; accepts NULL. */
VT_EXTERN void vt_product_version_dispose(vt_product_version *v);

/**
 * Insert product `p` (p->id is ignored and set on success). A second
 * product with the same (org, name, model) is VT_EINVALID. Returns 0,
 * VT_EINVALID, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_product_insert(vt_store *s, vt_product *p, vt_error *err);

/**
 * Update the name, model, type and support status of product p->id.
 * Returns 0, VT_ENOTFOUND, VT_EINVALID (the new (name, model) is taken in
 * the organisation), VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_product_update(vt_store *s, const vt_product *p, vt_error *err);

/**
 * Product `id` into *out (which the caller disposes; it is left
 * VT_PRODUCT_INIT on failure). Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_product_get(vt_store *s, int64_t id, vt_product *out, vt_error *err);

/**
 * The id of the product of organisation `org_id` named (`name`, `model`),
 * or 0 in *id when there is none. Returns 0, VT_EIO.
 */
VT_EXTERN int vt_store_product_find(vt_store *s, int64_t org_id, const char *name,
                                    const char *model, int64_t *id, vt_error *err);

/**
 * Call `each` for every product of organisation `org_id` (every product
 * when `org_id` is 0), by name, model, then id. The product is valid during
 * the call only. `each` may return a negative code to stop; it is passed
 * up. Returns 0, VT_EIO, VT_ENOMEM or `each`'s code.
 */
VT_EXTERN int vt_store_product_list(vt_store *s, int64_t org_id,
                                    int (*each)(void *ctx, const vt_product *p), void *ctx,
                                    vt_error *err);

/**
 * Version `version` of product `product_id` into *out (caller disposes).
 * When `sbom` is not NULL it receives a new NUL-terminated copy of the
 * stored SBOM text (vt_free), or NULL when the version has none, and
 * `sbom_len` its length. Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_product_version_get(vt_store *s, int64_t product_id, const char *version,
                                           vt_product_version *out, char **sbom,
                                           size_t *sbom_len, vt_error *err);

/**
 * Call `each` for every version of product `product_id`, by version text.
 * Valid during the call only; `each` may stop with a negative code.
 * Returns 0, VT_EIO, VT_ENOMEM or `each`'s code.
 */
VT_EXTERN int vt_store_product_version_list(vt_store *s, int64_t product_id,
                                            int (*each)(void *ctx, const vt_product_version *v),
                                            void *ctx, vt_error *err);

/**
 * Create version (`product_id`, `version`) with `support_status` when it
 * does not exist; when it does, set its support status unless
 * `support_status` is NULL. *created (may be NULL) says which happened.
 * A new version with a NULL status gets "supported".
 * Returns 0, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_product_version_upsert(vt_store *s, int64_t product_id, const char *version,
                                              const char *support_status, bool *created,
                                              vt_error *err);

/**
 * Store the SBOM of an existing version: its text (`sbom`, `len`; copied),
 * format name, SHA-256 hex, component count and import time, replacing any
 * earlier one. Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_store_product_version_set_sbom(vt_store *s, int64_t product_id,
                                                const char *version, const char *format,
                                                const char *sbom, size_t len,
                                                const char *sha256, long components,
                                                int64_t imported_ms, vt_error *err);

/**
 * The case of organisation `org_id` opened from the finding of advisory
 * `advisory_id` on version `version` of product `product_id`: the case whose
 * doc has source_finding {product_id, version, advisory_id} equal to these.
 * *found says whether there is one; `ref` then holds its reference.
 * Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_product_case_for_finding(vt_store *s, int64_t org_id, int64_t product_id,
                                                const char *version, const char *advisory_id,
                                                bool *found, char ref[32], vt_error *err);

/**
 * Call `each` with the advisory id and case reference of every case of
 * organisation `org_id` opened from a finding on (`product_id`, `version`).
 * Strings valid during the call only. Returns 0, VT_EIO or `each`'s code.
 */
VT_EXTERN int vt_store_product_cases_of_version(vt_store *s, int64_t org_id, int64_t product_id,
                                                const char *version,
                                                int (*each)(void *ctx, const char *advisory_id,
                                                            const char *ref),
                                                void *ctx, vt_error *err);

#endif
