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

#include <cjson/cJSON.h>

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

/* Policy profile ids an organisation may list (data/policy). */
#define VT_ORG_PROFILE_IDS "CN_RMSV_2021, CN_DRAFT_2019, EU_CRA, US_BOD_26_04, US_BOD_22_01"

/**
 * Validate and insert an organisation (one statement, so atomic on its own
 * and safe inside the caller's transaction). `o->id` is set on success.
 * Only `o->id` is written: the strings are read, never taken, so they may
 * be constants. `o->profiles` NULL takes the default (["CN_RMSV_2021"] for
 * country CN, [] otherwise) and `o->flags` NULL is {}; both are stored as
 * compact canonical text (read it back with vt_org_get). Returns 0, VT_EINVALID (err->field is the JSON pointer of
 * the field: /slug, /name, /kind, /country, /time_zone, /profiles,
 * /flags/KEY; a duplicate slug is /slug), VT_ENOMEM or VT_EIO.
 */
VT_EXTERN int vt_org_add(vt_store *s, vt_org *o, vt_error *err);

/**
 * Check every field of `o` as vt_org_add does, without the store (NULL
 * profiles and flags are accepted: they take the defaults). Returns 0 or
 * VT_EINVALID with err->field set.
 */
VT_EXTERN int vt_org_validate(const vt_org *o, vt_error *err);

/* What PATCH may change; NULL members stay as they are. */
typedef struct vt_org_patch {
    const char *name;
    const char *time_zone;
    const char *profiles; /* JSON array text */
    const char *flags;    /* JSON object text: replaces the flags as a whole */
} vt_org_patch;

/**
 * Change organisation `slug` (one statement). On success *out (may be
 * NULL) receives the updated record (vt_org_dispose). Returns 0,
 * VT_EINVALID (err->field), VT_ENOTFOUND, VT_ENOMEM or VT_EIO.
 */
VT_EXTERN int vt_org_update(vt_store *s, const char *slug, const vt_org_patch *p, vt_org *out,
                            vt_error *err);

/**
 * Call `each` for every organisation in slug order, or only for `only_id`
 * when it is not 0. The record is valid during the call only. `each` may
 * return a negative code to stop; it is passed up. Returns 0, VT_EIO or
 * each's code.
 */
VT_EXTERN int vt_org_list(vt_store *s, int64_t only_id, int (*each)(void *ctx, const vt_org *o),
                          void *ctx, vt_error *err);

/** Fetch an organisation by slug or by id (when slug is NULL) into *out. VT_ENOTFOUND if absent. */
VT_EXTERN int vt_org_get(vt_store *s, const char *slug, int64_t id, vt_org *out, vt_error *err);

/**
 * Create a machine token with `role` (a VT_ROLE_* bit other than
 * VT_ROLE_REPORTER, which only tracking tokens carry), `name` and optional
 * organisation `org_id` (0 for none); the token text goes to `out` and is
 * not stored. One statement (atomic). Returns 0, VT_EINVALID (err->field
 * /role, /name or /org), VT_ENOMEM or VT_EIO. *id (may be NULL) gets the
 * token's id.
 */
VT_EXTERN int vt_token_create(vt_store *s, unsigned role, const char *name, int64_t org_id,
                              char out[VT_TOKEN_TEXT_MAX], vt_error *err);
VT_EXTERN int vt_token_create_id(vt_store *s, unsigned role, const char *name, int64_t org_id,
                                 char out[VT_TOKEN_TEXT_MAX], int64_t *id, vt_error *err);

/* A stored token, without its secret (there is none to show). */
typedef struct vt_token_info {
    int64_t id;
    const char *kind; /* "machine" or "session" */
    const char *name;
    unsigned role;
    int64_t org_id;      /* 0: none */
    int64_t user_id;     /* sessions: the user; else 0 */
    int64_t created_ms;
    int64_t expires_ms;  /* 0: never */
    int64_t revoked_ms;  /* 0: live */
} vt_token_info;

/**
 * Call `each` for every token of kind `kind` ("machine", "session" or NULL
 * for both) of organisation `org_id` (0: all), in id order; strings valid
 * during the call. Returns 0, VT_EIO or each's negative code.
 */
VT_EXTERN int vt_token_list(vt_store *s, const char *kind, int64_t org_id,
                            int (*each)(void *ctx, const vt_token_info *t), void *ctx,
                            vt_error *err);

/**
 * Fetch token `id` (no secret) and call `each` once with it. VT_ENOTFOUND
 * if there is no such token. Returns 0, VT_ENOTFOUND, VT_EIO or each's code.
 */
VT_EXTERN int vt_token_get(vt_store *s, int64_t id, int (*each)(void *ctx, const vt_token_info *t),
                           void *ctx, vt_error *err);

/**
 * Revoke token `id` (machine or session) now; it stops authenticating at
 * once. One statement. Returns 0, VT_ENOTFOUND (no such token, or already
 * revoked) or VT_EIO.
 */
VT_EXTERN int vt_token_revoke(vt_store *s, int64_t id, vt_error *err);

/* Console password length limits, in characters (code points) and bytes. */
#define VT_PASSWORD_MIN_CHARS 12
#define VT_PASSWORD_MAX_BYTES 1024

/**
 * Add a console user with an argon2id password hash (one statement).
 * Console users hold one of admin, psirt_manager, analyst or auditor.
 * Returns 0, VT_EINVALID (err->field /role, /name, /org or /password: bad
 * role, empty, malformed or duplicate name, password under 12 characters
 * or over 1024 bytes), VT_ENOMEM or VT_EIO. Slow on purpose (the hash).
 */
VT_EXTERN int vt_user_add(vt_store *s, const char *name, unsigned role, int64_t org_id,
                          const char *password, vt_error *err);

/* Bytes of a password hash text (crypto_pwhash_STRBYTES), NUL included. */
#define VT_PASSWORD_HASH_MAX 128

/**
 * Check `password` (at least 12 characters, at most 1024 bytes) and hash
 * it with argon2id into `out`. Slow on purpose; touches no store, so the
 * server runs it before handing the insert to its writer. Returns 0,
 * VT_EINVALID (err->field /password) or VT_ENOMEM.
 */
VT_EXTERN int vt_password_hash(const char *password, char out[VT_PASSWORD_HASH_MAX],
                               vt_error *err);

/**
 * vt_user_add with a hash from vt_password_hash (one fast statement).
 * *id (may be NULL) gets the user's id. Returns as vt_user_add.
 */
VT_EXTERN int vt_user_add_hashed(vt_store *s, const char *name, unsigned role, int64_t org_id,
                                 const char *hash, int64_t *id, vt_error *err);

/* A console user, without the password hash. */
typedef struct vt_user_info {
    int64_t id;
    const char *name;
    unsigned role;
    int64_t org_id;      /* 0: none */
    int64_t created_ms;
    int64_t disabled_ms; /* 0: active */
} vt_user_info;

/**
 * Call `each` for every user of organisation `org_id` (0: all) in name
 * order; strings valid during the call. Returns 0, VT_EIO or each's code.
 */
VT_EXTERN int vt_user_list(vt_store *s, int64_t org_id,
                           int (*each)(void *ctx, const vt_user_info *u), void *ctx,
                           vt_error *err);

/**
 * Disable user `name` now: it can no longer log in and its sessions stop
 * working at once (the row stays, for the record). One statement.
 * Returns 0, VT_ENOTFOUND (no such active user) or VT_EIO.
 */
VT_EXTERN int vt_user_disable(vt_store *s, const char *name, vt_error *err);

/**
 * Check a user's password, read-only: on success *out is the principal the
 * session will carry (kind SESSION, token_id 0). A wrong name, a wrong
 * password and a disabled user are all VT_ENOTFOUND with one message, and
 * take the same time (an unknown name is checked against a dummy hash).
 * Slow on purpose: the server runs it on a worker thread, not the writer.
 */
VT_EXTERN int vt_user_authenticate(vt_store *s, const char *name, const char *password,
                                   vt_principal *out, vt_error *err);

/**
 * Open a session for the user `who` (from vt_user_authenticate) valid for
 * `ttl_ms` from now: the token text goes to `out`, its expiry to
 * *expires_ms (may be NULL). One statement; refuses (VT_ENOTFOUND) a user
 * disabled or removed since. Returns 0, VT_EINVALID, VT_ENOTFOUND, VT_EIO.
 */
VT_EXTERN int vt_session_create(vt_store *s, const vt_principal *who, int64_t ttl_ms,
                                char out[VT_TOKEN_TEXT_MAX], int64_t *expires_ms, vt_error *err);

/**
 * Check a user's password and open a console session valid for
 * `ttl_ms` (vt_user_authenticate then vt_session_create); the session
 * token goes to `out`. A wrong name or password is VT_ENOTFOUND with one
 * message for both (no user enumeration).
 */
VT_EXTERN int vt_session_login(vt_store *s, const char *name, const char *password,
                               int64_t ttl_ms, char out[VT_TOKEN_TEXT_MAX], vt_error *err);

/** End the session of token `token` (one statement). VT_ENOTFOUND if not a live session. */
VT_EXTERN int vt_session_logout(vt_store *s, const char *token, vt_error *err);

/**
 * Who holds bearer token `token` (the text after "Bearer "): a machine
 * token, a live session or a report's tracking token. Revoked or expired
 * tokens and unknown ones are VT_ENOTFOUND. Comparison is by hash, so it
 * takes the same time whatever the token. Read-only.
 */
VT_EXTERN int vt_auth_lookup(vt_store *s, const char *token, vt_principal *out, vt_error *err);

/** How many active users with role admin exist (for the first-run message). */
VT_EXTERN int vt_auth_count_admins(vt_store *s, long *count, vt_error *err);

/* ---- JSON, as `vulntrack org|user|token list --json` and the API show them ---- */

/*
 * Each sets *out to a new object the caller frees with cJSON_Delete; an
 * organisation is named by its slug (null for none), a time is RFC 3339
 * UTC (null for 0). Returns 0, VT_ENOMEM, or VT_EINVALID when an
 * organisation's stored profiles or flags are not JSON.
 */

/** Add member `key` to `o`: the slug of organisation `org_id`, null for 0 or unknown. */
VT_EXTERN int vt_org_json_add_slug(vt_store *s, cJSON *o, const char *key, int64_t org_id);

/** id, slug, name, kind, country, time_zone, profiles and flags (as JSON values). */
VT_EXTERN int vt_org_json(const vt_org *o, cJSON **out);

/** id, name, role, org, created_at, disabled_at; `s` is read for the org's slug. */
VT_EXTERN int vt_user_info_json(vt_store *s, const vt_user_info *u, cJSON **out);

/** id, kind, name, role, org, created_at, expires_at, revoked_at; `s` as above. */
VT_EXTERN int vt_token_info_json(vt_store *s, const vt_token_info *t, cJSON **out);

#endif
