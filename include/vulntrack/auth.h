/*
 * auth.h - organisations, people, tokens and roles of the case service.
 *
 * Roles are bits so that a route's rule is one mask. Bearer tokens are
 * random (32 bytes from libsodium, shown once, prefixed by kind) and only
 * their SHA-256 is stored; console passwords are argon2id hashes
 * (crypto_pwhash_str). Functions taking a vt_store run on the caller's
 * connection; the ones that write expect the caller's transaction or are
 * atomic on their own, as each says.
 */
#ifndef VULNTRACK_AUTH_H
#define VULNTRACK_AUTH_H

#include "common.h"
#include "store.h"

typedef enum vt_role {
    VT_ROLE_ADMIN = 1u << 0,         /* everything, including accounts */
    VT_ROLE_PSIRT_MANAGER = 1u << 1, /* runs cases: transitions, obligations, products */
    VT_ROLE_ANALYST = 1u << 2,       /* works cases: triage, fields, findings */
    VT_ROLE_AUDITOR = 1u << 3,       /* read-only, sees the ledger */
    VT_ROLE_REPORTER = 1u << 4,      /* external; sees only their own reports */
    VT_ROLE_PARTNER = 1u << 5,       /* machine token of a partner: submits reports */
} vt_role;

#define VT_ROLE_COUNT 6
#define VT_ROLES_STAFF (VT_ROLE_ADMIN | VT_ROLE_PSIRT_MANAGER | VT_ROLE_ANALYST)
#define VT_ROLES_READERS (VT_ROLES_STAFF | VT_ROLE_AUDITOR)

/** The role's name ("admin", "psirt_manager", ...), or "" for no single role. Static. */
VT_EXTERN const char *vt_role_name(unsigned role);

/** Parse a role name; returns the role bit, or 0 when `name` is not a role. */
VT_EXTERN unsigned vt_role_parse(const char *name);

typedef enum vt_principal_kind {
    VT_PRINCIPAL_ANONYMOUS = 0, /* no Authorization header */
    VT_PRINCIPAL_MACHINE,       /* a machine token (vulntrack token create) */
    VT_PRINCIPAL_SESSION,       /* a console session of a user */
    VT_PRINCIPAL_TRACKING,      /* a report's tracking token: that report only */
} vt_principal_kind;

/* Who is calling. Plain data, no pointers to free. */
typedef struct vt_principal {
    vt_principal_kind kind;
    unsigned role;       /* one VT_ROLE_* bit; VT_ROLE_REPORTER for TRACKING; 0 anonymous */
    int64_t org_id;      /* 0 when the principal belongs to no organisation */
    int64_t token_id;    /* 0 for anonymous and tracking */
    int64_t user_id;     /* sessions only */
    char name[96];       /* "anonymous", "token:NAME", "user:NAME", "reporter:REPORT_ID" */
    char report_id[48];  /* TRACKING only */
} vt_principal;

/* Token prefixes, so that a leaked token is recognisable and the lookup
 * knows which table to try. */
#define VT_TOKEN_PREFIX_MACHINE "vtm_"
#define VT_TOKEN_PREFIX_SESSION "vts_"
#define VT_TOKEN_PREFIX_TRACKING "vtr_"
#define VT_TOKEN_TEXT_MAX 80

/**
 * A new random token text with `prefix` into `out` (NUL-terminated), and
 * its SHA-256 into `hash` (what the store keeps).
 */
VT_EXTERN void vt_token_generate(const char *prefix, char out[VT_TOKEN_TEXT_MAX],
                                 uint8_t hash[32]);

/** SHA-256 of a token text, as stored. */
VT_EXTERN void vt_token_hash(const char *token, size_t len, uint8_t hash[32]);

/* An organisation. Strings are owned by the struct: vt_org_dispose. */
typedef struct vt_org {
    int64_t id;
    char *slug;      /* short unique name used in URLs and on the command line */
    char *name;
    char *kind;      /* "vendor", "operator" or "platform" */
    char *country;   /* ISO 3166-1 alpha-2, upper case */
    char *time_zone; /* IANA name */
    char *profiles;  /* JSON array text of policy profile ids */
    char *flags;     /* JSON object text */
} vt_org;

VT_EXTERN void vt_org_dispose(vt_org *o);

/**
 * Validate and insert an organisation (atomic). `o->id` is set on success.
 * Returns 0, VT_EINVALID (err->field names the field: kind, country,
 * time_zone, profiles, slug), VT_EINVALID for a duplicate slug, or VT_EIO.
 */
VT_EXTERN int vt_org_add(vt_store *s, vt_org *o, vt_error *err);

/** Fetch an organisation by slug or by id (when slug is NULL) into *out. VT_ENOTFOUND if absent. */
VT_EXTERN int vt_org_get(vt_store *s, const char *slug, int64_t id, vt_org *out, vt_error *err);

/**
 * Create a machine token with `role` (a VT_ROLE_* bit), `name` and
 * optional organisation `org_id` (0 for none); the token text goes to
 * `out` and is not stored. Atomic. Returns 0, VT_EINVALID or VT_EIO.
 */
VT_EXTERN int vt_token_create(vt_store *s, unsigned role, const char *name, int64_t org_id,
                              char out[VT_TOKEN_TEXT_MAX], vt_error *err);

/**
 * Add a console user with an argon2id password hash. Atomic. Returns 0,
 * VT_EINVALID (bad role, empty or duplicate name, password under 12
 * characters), VT_ENOMEM or VT_EIO.
 */
VT_EXTERN int vt_user_add(vt_store *s, const char *name, unsigned role, int64_t org_id,
                          const char *password, vt_error *err);

/**
 * Check a user's password and open a console session valid for
 * `ttl_ms`; the session token goes to `out`. A wrong name or password is
 * VT_ENOTFOUND with one message for both (no user enumeration). Atomic.
 */
VT_EXTERN int vt_session_login(vt_store *s, const char *name, const char *password,
                               int64_t ttl_ms, char out[VT_TOKEN_TEXT_MAX], vt_error *err);

/** End the session of token `token` (atomic). VT_ENOTFOUND if not a live session. */
VT_EXTERN int vt_session_logout(vt_store *s, const char *token, vt_error *err);

/**
 * Who holds bearer token `token` (the text after "Bearer "): a machine
 * token, a live session or a report's tracking token. Revoked or expired
 * tokens and unknown ones are VT_ENOTFOUND. Comparison is by hash, so it
 * takes the same time whatever the token. Read-only.
 */
VT_EXTERN int vt_auth_lookup(vt_store *s, const char *token, vt_principal *out, vt_error *err);

/** How many users with role admin exist (for the first-run message). */
VT_EXTERN int vt_auth_count_admins(vt_store *s, long *count, vt_error *err);

#endif
