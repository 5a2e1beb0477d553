/*
 * contacts.h - who is told about a case: contacts per organisation and,
 * optionally, per product and product versions. A contact has a role
 * (upstream provider, downstream vendor, user, customer, authority, CSIRT),
 * a country (rule P7 decides by it), a channel (webhook or e-mail), an
 * address, and for webhooks a signing secret. A deleted contact is only
 * disabled: the outbox keeps referring to it.
 *
 * Functions that write take the writer connection `w` and run inside the
 * caller's transaction.
 */
#ifndef VULNTRACK_CONTACTS_H
#define VULNTRACK_CONTACTS_H

#include <cjson/cJSON.h>

#include "common.h"
#include "store.h"

/* Longest name, address or secret (bytes). */
#define VT_CONTACT_TEXT_MAX 1024

/* One contact. Strings owned by the struct (vt_contact_dispose). */
typedef struct vt_contact {
    int64_t id;
    int64_t org_id;
    int64_t product_id; /* 0: every product */
    char *versions;     /* JSON array text of version strings; NULL: every version */
    char role[24];      /* upstream, downstream_vendor, user, customer, authority, csirt */
    char *name;
    char country[3]; /* ISO 3166-1 alpha-2, upper case */
    bool is_product_provider;
    char channel[8]; /* "webhook" or "email" */
    char *address;   /* http(s) URL or e-mail address */
    char *secret;    /* webhook signing key; NULL for e-mail */
    int64_t created_ms;
    int64_t disabled_ms; /* 0: active */
} vt_contact;

#define VT_CONTACT_INIT                                                                            \
    {                                                                                              \
        0                                                                                          \
    }

/** Free the strings of `c` (accepts VT_CONTACT_INIT); `c` is VT_CONTACT_INIT again. */
VT_EXTERN void vt_contact_dispose(vt_contact *c);

/**
 * Apply the members of JSON object `in` (role, name, country,
 * is_product_provider, channel, address, secret, product_id, versions) to
 * `c`; unknown members are refused. With `partial` false the required
 * members (role, name, country, channel, address; secret for webhooks)
 * must be there. Returns 0, VT_EINVALID (err->field: "/country", ...) or
 * VT_ENOMEM.
 */
VT_EXTERN int vt_contact_apply_json(vt_contact *c, const cJSON *in, bool partial, vt_error *err);

/** Insert `c` (its id and created_ms are set). Returns 0, VT_EINVALID (unknown product), VT_EIO. */
VT_EXTERN int vt_contact_insert(vt_store *w, vt_contact *c, int64_t now_ms, vt_error *err);

/** Rewrite the row of `c` (by c->id). Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_contact_save(vt_store *w, const vt_contact *c, vt_error *err);

/** Disable contact `id` at `now_ms`. Returns 0, VT_ENOTFOUND or VT_EIO. */
VT_EXTERN int vt_contact_disable(vt_store *w, int64_t id, int64_t now_ms, vt_error *err);

/**
 * Read contact `id` into `out` (dispose it), disabled ones included.
 * Returns 0, VT_ENOTFOUND, VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_contact_get(vt_store *s, int64_t id, vt_contact *out, vt_error *err);

/**
 * The active contacts of organisation `org_id` (0: all), by id, into a new
 * array *out of *n entries, freed with vt_contacts_free. Returns 0, VT_EIO
 * or VT_ENOMEM.
 */
VT_EXTERN int vt_contacts_load(vt_store *s, int64_t org_id, vt_contact **out, size_t *n,
                               vt_error *err);

/** Free an array from vt_contacts_load (accepts NULL). */
VT_EXTERN void vt_contacts_free(vt_contact *arr, size_t n);

/**
 * The contact as the API shows it: id, role, name, country,
 * is_product_provider, channel, address, product_id, versions, has_secret,
 * created_at (never the secret). NULL when out of memory.
 */
VT_EXTERN cJSON *vt_contact_json(const vt_contact *c);

/**
 * Is contact `c` concerned by a case whose doc "products" array is
 * `products` (may be NULL)? A contact without product matches every case;
 * one with a product matches when the case names that product_id, and,
 * if the contact lists versions, one of them among the product's version
 * strings (a case product given by ranges only matches every version).
 */
VT_EXTERN bool vt_contact_matches_case(const vt_contact *c, const cJSON *products);

/** True when `role` is one of the contact roles. */
VT_EXTERN bool vt_contact_role_valid(const char *role);

#endif
