/*
 * store_auth.h - the rows behind organisations, console users, bearer
 * tokens and reports' tracking tokens (tables orgs, users, tokens and
 * reports.tracking_hash). Plain storage: validation, hashing and the rules
 * of who may do what live in auth.h. Each function is one statement, so it
 * is atomic on its own and safe inside the caller's transaction.
 *
 * Rows handed to a callback hold strings owned by the store, valid during
 * the call only. A callback may return a negative code to stop; it is
 * passed up unchanged.
 */
#ifndef VULNTRACK_STORE_AUTH_H
#define VULNTRACK_STORE_AUTH_H

#include "common.h"
#include "store.h"

typedef struct vt_store_org_row {
    int64_t id;
    const char *slug, *name, *kind, *country, *time_zone;
    const char *profiles; /* JSON array text */
    const char *flags;    /* JSON object text */
    int64_t created_ms;
} vt_store_org_row;

/**
 * Insert an organisation (strings borrowed). *id gets its id. Returns 0,
 * VT_EINVALID with field /slug when the slug is taken, VT_ENOMEM or VT_EIO.
 */
VT_EXTERN int vt_store_org_insert(vt_store *s, const vt_store_org_row *row, int64_t *id,
                                  vt_error *err);

/**
 * Call `each` once with organisation `slug`, or with id `id` when slug is
 * NULL. *found says whether it exists. Returns 0, VT_EIO or each's code.
 */
VT_EXTERN int vt_store_org_find(vt_store *s, const char *slug, int64_t id, bool *found,
                                int (*each)(void *ctx, const vt_store_org_row *r), void *ctx,
                                vt_error *err);

/** Every organisation in slug order, or only `only_id` when not 0. */
VT_EXTERN int vt_store_org_each(vt_store *s, int64_t only_id,
                                int (*each)(void *ctx, const vt_store_org_row *r), void *ctx,
                                vt_error *err);

/**
 * Set the name, time zone, profiles and flags of organisation `id`; a NULL
 * member keeps the stored value. *found says whether the row exists.
 * Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_org_update(vt_store *s, int64_t id, const char *name,
                                  const char *time_zone, const char *profiles, const char *flags,
                                  bool *found, vt_error *err);

typedef struct vt_store_user_row {
    int64_t id;
    int64_t org_id; /* 0: none */
    const char *name;
    const char *role;          /* role name */
    const char *password_hash; /* crypto_pwhash_str text */
    int64_t created_ms;
    int64_t disabled_ms; /* 0: active */
} vt_store_user_row;

/**
 * Insert a user (strings borrowed; org_id 0 stores NULL). *id gets its id.
 * Returns 0, VT_EINVALID with field /name when the name is taken, /org when
 * the organisation does not exist, VT_ENOMEM or VT_EIO.
 */
VT_EXTERN int vt_store_user_insert(vt_store *s, const vt_store_user_row *row, int64_t *id,
                                   vt_error *err);

/** Call `each` once with the user called `name`; *found says whether there is one. */
VT_EXTERN int vt_store_user_find(vt_store *s, const char *name, bool *found,
                                 int (*each)(void *ctx, const vt_store_user_row *r), void *ctx,
                                 vt_error *err);

/** Every user of organisation `org_id` (0: all) in name order. */
VT_EXTERN int vt_store_user_each(vt_store *s, int64_t org_id,
                                 int (*each)(void *ctx, const vt_store_user_row *r), void *ctx,
                                 vt_error *err);

/**
 * Mark the active user `name` disabled at `at_ms`; *changed says whether
 * one was. Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_user_disable(vt_store *s, const char *name, int64_t at_ms, bool *changed,
                                   vt_error *err);

/** How many active users have role `role`. Returns 0 or VT_EIO. */
VT_EXTERN int vt_store_user_count_role(vt_store *s, const char *role, long *count, vt_error *err);

typedef struct vt_store_token_row {
    int64_t id;
    const uint8_t *hash; /* 32 bytes */
    const char *kind;    /* "machine" or "session" */
    const char *name;
    const char *role;
    int64_t org_id;  /* 0: none */
    int64_t user_id; /* 0: none */
    int64_t created_ms;
    int64_t expires_ms; /* 0: never */
    int64_t revoked_ms; /* 0: live */
    int64_t user_disabled_ms; /* sessions: the user's disabled_ms (0: active) */
} vt_store_token_row;

/**
 * Insert a token row. *id (may be NULL) gets its id. Returns 0,
 * VT_EINVALID (/org: no such organisation; /user: no such active user),
 * VT_ENOMEM or VT_EIO. For a session the row is inserted only while the
 * user exists and is not disabled.
 */
VT_EXTERN int vt_store_token_insert(vt_store *s, const vt_store_token_row *row, int64_t *id,
                                    vt_error *err);

/** Call `each` once with the token whose hash is `hash`; *found says whether there is one. */
VT_EXTERN int vt_store_token_find_hash(vt_store *s, const uint8_t hash[32], bool *found,
                                       int (*each)(void *ctx, const vt_store_token_row *r),
                                       void *ctx, vt_error *err);

/** Call `each` once with token `id`; *found says whether there is one. */
VT_EXTERN int vt_store_token_find_id(vt_store *s, int64_t id, bool *found,
                                     int (*each)(void *ctx, const vt_store_token_row *r),
                                     void *ctx, vt_error *err);

/** Every token of kind `kind` (NULL: all) of organisation `org_id` (0: all), by id. */
VT_EXTERN int vt_store_token_each(vt_store *s, const char *kind, int64_t org_id,
                                  int (*each)(void *ctx, const vt_store_token_row *r), void *ctx,
                                  vt_error *err);

/**
 * Mark token `id` revoked at `at_ms`, or, when `hash` is not NULL, the token
 * of kind `kind` with that hash (id ignored). Only a live token changes:
 * *changed says whether one did. Returns 0 or VT_EIO.
 */
VT_EXTERN int vt_store_token_revoke(vt_store *s, int64_t id, const uint8_t *hash,
                                    const char *kind, int64_t at_ms, bool *changed,
                                    vt_error *err);

/**
 * The report whose tracking token hashes to `hash`: its id (copied into
 * `report_id`, NUL-terminated, truncated to `cap`) and organisation
 * (*org_id, 0 for none). *found says whether there is one. Returns 0 or
 * VT_EIO.
 */
VT_EXTERN int vt_store_report_by_tracking(vt_store *s, const uint8_t hash[32], bool *found,
                                          char *report_id, size_t cap, int64_t *org_id,
                                          vt_error *err);

#endif
