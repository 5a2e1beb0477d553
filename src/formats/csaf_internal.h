/*
 * csaf_internal.h - what the CSAF and OSV builders share: the list of
 * product versions found in a case's products, each with its product id
 * and CSAF status (csaf_product_tree.c), used by the vulnerability
 * section (csaf_vulns.c) and the OSV record (osv_export.c).
 */
#ifndef VT_CSAF_INTERNAL_H
#define VT_CSAF_INTERNAL_H

#include <cjson/cJSON.h>

#include "vulntrack/common.h"
#include "vulntrack/csaf.h"

/* One product (or product version) of the tree. Pointers borrow the doc. */
typedef struct vt__csaf_pv {
    char id[32];           /* "CSAFPID-0001" */
    size_t product;        /* index of the product in doc/products */
    const char *vendor;    /* doc vendor, else the publisher */
    char *name;            /* owned: the product name, and its model when it has one */
    const char *version;   /* version string, NULL for a range or no version */
    const cJSON *range;    /* {introduced?, fixed?, last_affected?, scheme?} or NULL */
    const char *ecosystem; /* the product's ecosystem or scheme, or NULL */
    char *label;           /* owned: the version, the range's vers string, or NULL */
    const char *status;    /* CSAF group: known_affected, fixed, ... */
    const char *flag;      /* CSAF flag label or NULL */
    const char *impact;    /* impact statement or NULL */
    const char *action;    /* action statement or NULL */
} vt__csaf_pv;

typedef struct vt__csaf_products {
    vt__csaf_pv *pv;
    size_t n, cap;
} vt__csaf_products;

/**
 * Collect the product versions of `doc` (its "products"); `vendor` is the
 * default vendor. One entry per (vendor, name, label), the name being
 * the product's name and model ("Router RT-100"): the same version named
 * twice, or by two products of the same name and model, is one product. A
 * product without versions is dropped when versions of the same vendor and
 * name exist (a product_name branch holds a product or versions, not both).
 */
int vt__csaf_products_collect(vt__csaf_products *out, const cJSON *doc, const char *vendor);
void vt__csaf_products_dispose(vt__csaf_products *p);

/** The product_tree object of `p` (new). Returns 0 or VT_ENOMEM. */
int vt__csaf_product_tree(cJSON **out, const vt__csaf_products *p);

/** The vulnerabilities array (new) for profile `format`. Returns 0, VT_EINVALID or VT_ENOMEM. */
int vt__csaf_vulnerabilities(cJSON **out, vt_advisory_format format, const vt_advisory_input *in,
                             const vt__csaf_products *p, vt_error *err);

/** The string member `key` of `obj`, or NULL. */
const char *vt__csaf_str(const cJSON *obj, const char *key);

/** A note {category, title, text} appended to array `notes`. Returns 0 or VT_ENOMEM. */
int vt__csaf_note(cJSON *notes, const char *category, const char *title, const char *text);

#endif
