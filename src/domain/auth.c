/*
 * auth.c - roles, bearer tokens, console passwords and sessions, and the
 * organisations they belong to (auth.h). SQL lives in
 * src/store/sqlite_auth.c; this file decides what is valid and what a
 * token means.
 *
 * Secrets are never stored: a token is 32 bytes from the operating
 * system's random source, shown once, and only its SHA-256 is kept, so a
 * copy of the database does not let anyone call the API. SHA-256 without a
 * salt or work factor is enough for tokens (unlike passwords) because they
 * carry 256 bits of entropy: there is nothing to guess.
 *
 * Console passwords are argon2id hashes (crypto_pwhash_str) at libsodium's
 * INTERACTIVE limits: 2 passes over 64 MiB, about a tenth of a second per
 * login. The MODERATE and SENSITIVE limits (256 MiB / 1 GiB, seconds per
 * check) would let a handful of concurrent anonymous login attempts
 * exhaust the server's memory, and a login is rate-limited and followed by
 * a session token anyway; INTERACTIVE is libsodium's own recommendation
 * for online logins. The parameters are kept in each hash string, so they
 * can be raised later without invalidating stored passwords.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"
#include "vulntrack/buf.h"
#include "vulntrack/clock.h"
#include "vulntrack/policy.h"
#include "vulntrack/json.h"
#include "vulntrack/store_auth.h"
#include "vulntrack/tz.h"

/* ------------------------------------------------------------------------ */
/* Roles */

static const struct {
    unsigned bit;
    const char *name;
} roles[VT_ROLE_COUNT] = {
    {VT_ROLE_ADMIN, "admin"},     {VT_ROLE_PSIRT_MANAGER, "psirt_manager"},
    {VT_ROLE_ANALYST, "analyst"}, {VT_ROLE_AUDITOR, "auditor"},
    {VT_ROLE_REPORTER, "reporter"}, {VT_ROLE_PARTNER, "partner"},
};

/* Roles a console user may hold: people inside the organisation. */
#define USER_ROLES VT_ROLES_READERS

_Static_assert(VT_PASSWORD_HASH_MAX == crypto_pwhash_STRBYTES, "hash text size");

/* Roles a machine token may carry: any but reporter, which only a
 * report's tracking token stands for. */
#define MACHINE_ROLES (VT_ROLES_READERS | VT_ROLE_PARTNER)

const char *vt_role_name(unsigned role)
{
    size_t i;

    for (i = 0; i < VT_ROLE_COUNT; i++)
        if (roles[i].bit == role)
            return roles[i].name;
    return "";
}

unsigned vt_role_parse(const char *name)
{
    size_t i;

    if (!name)
        return 0;
    for (i = 0; i < VT_ROLE_COUNT; i++)
        if (strcmp(roles[i].name, name) == 0)
            return roles[i].bit;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Tokens */

/* libsodium must be initialised before its random source is used;
 * sodium_init is idempotent and thread-safe. It fails only when the
 * system has no random source, and a token service cannot go on then. */
static void auth_sodium_init(void)
{
    if (sodium_init() < 0)
        abort();
}

void vt_token_generate(const char *prefix, char out[VT_TOKEN_TEXT_MAX], uint8_t hash[32])
{
    unsigned char raw[32];
    size_t plen = strlen(prefix);

    assert(plen + sodium_base64_ENCODED_LEN(sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING) <=
           VT_TOKEN_TEXT_MAX);
    auth_sodium_init();
    randombytes_buf(raw, sizeof(raw));
    memcpy(out, prefix, plen);
    sodium_bin2base64(out + plen, VT_TOKEN_TEXT_MAX - plen, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    vt_token_hash(out, strlen(out), hash);
}

void vt_token_hash(const char *token, size_t len, uint8_t hash[32])
{
    crypto_hash_sha256(hash, (const unsigned char *)token, len);
}

/* ------------------------------------------------------------------------ */
/* Field checks */

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* 1..max bytes, no control characters, no blank at either end. */
static bool text_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    size_t i;

    if (n == 0 || n > max || s[0] == ' ' || s[n - 1] == ' ')
        return false;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch < 0x20 || ch == 0x7f)
            return false;
    }
    return true;
}

/* Slugs appear in URLs and shell commands: lower-case letters, digits and
 * '-', starting with a letter or digit, at most 63 bytes. */
static bool slug_ok(const char *s)
{
    size_t i, n = s ? strlen(s) : 0;

    if (n == 0 || n > 63 || s[0] == '-')
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

/* User names: letters, digits and . _ @ -, at most 64 bytes. */
static bool user_name_ok(const char *s)
{
    size_t i, n = s ? strlen(s) : 0;

    if (n == 0 || n > 64)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '-'))
            return false;
    }
    return true;
}

/*
 * Is `name` a time zone the zone directory holds as a real TZif file?
 * tz.h's name rule keeps the lookup inside the directory ($TZDIR or
 * /usr/share/zoneinfo), and loading the zone proves the file is one, so
 * an organisation is never saved with a zone its deadlines cannot use.
 * Returns 0, VT_EINVALID or VT_ENOMEM (which is not the caller's fault).
 */
static int tz_check(const char *name)
{
    const vt_tz *tz = NULL;
    int error;

    if (!name || !vt_tz_name_valid(name))
        return VT_EINVALID;
    error = vt_tz_load(&tz, name, NULL);
    if (error == VT_ENOMEM)
        return error;
    return error < 0 ? VT_EINVALID : 0;
}

static const char *const profile_ids[] = {
    "CN_RMSV_2021", "CN_DRAFT_2019", "EU_CRA", "US_BOD_26_04", "US_BOD_22_01",
};

static bool profile_known(const char *id)
{
    size_t i;

    for (i = 0; i < sizeof(profile_ids) / sizeof(profile_ids[0]); i++)
        if (strcmp(profile_ids[i], id) == 0)
            return true;
    return false;
}

/*
 * Parse the whole of `text` as one JSON value (nothing but blanks after
 * it: vt_json_parse would stop after the first value and accept
 * '[] junk'). Like every cJSON parse here, a failed allocation cannot be
 * told from bad syntax and reads as VT_EINVALID.
 */
static int json_parse_whole(const char *text, cJSON **out)
{
    const char *end = NULL;

    *out = cJSON_ParseWithOpts(text, &end, true);
    return *out ? 0 : VT_EINVALID;
}

/*
 * Check a profiles JSON array text and, when `out` is not NULL, append its
 * compact form (the ids in the given order) to `out`.
 */
static int profiles_check(const char *text, vt_buf *out, vt_error *err)
{
    cJSON *doc = NULL, *item, *other;
    int error = json_parse_whole(text, &doc);
    int i = 0;

    if (error < 0 || !cJSON_IsArray(doc)) {
        error = vt_error_set_field(err, VT_EINVALID, "/profiles",
                                   "profiles must be a JSON array of profile ids (%s)",
                                   VT_ORG_PROFILE_IDS);
        goto out;
    }
    cJSON_ArrayForEach(item, doc) {
        char where[32];

        snprintf(where, sizeof(where), "/profiles/%d", i);
        if (!cJSON_IsString(item) || !profile_known(item->valuestring)) {
            error = vt_error_set_field(err, VT_EINVALID, where, "unknown profile%s%.40s%s (known: %s)",
                                       cJSON_IsString(item) ? " '" : "",
                                       cJSON_IsString(item) ? item->valuestring : "",
                                       cJSON_IsString(item) ? "'" : "", VT_ORG_PROFILE_IDS);
            goto out;
        }
        for (other = doc->child; other != item; other = other->next)
            if (strcmp(other->valuestring, item->valuestring) == 0) {
                error = vt_error_set_field(err, VT_EINVALID, where, "profile '%s' listed twice",
                                           item->valuestring);
                goto out;
            }
        i++;
    }
    if (out)
        error = vt_json_print(out, doc);
out:
    cJSON_Delete(doc);
    return error;
}

/*
 * Check a flags JSON object text: eu_manufacturer and us_fceb booleans,
 * platform_filing_id a non-empty string (the MIIT filing number of a
 * collection platform), contact the provider's contact point for the
 * authority report (an object of name, email, phone, address, url
 * strings), roles (extra roles of spec §2), policy (overrides of POLICY
 * deadline values, docs/deadlines.md), publisher_namespace (the CSAF
 * publisher namespace, an https URL); nothing else. When `out` is not NULL, append the
 * canonical form (keys in that order) to `out`.
 */
/* flags.contact: {name?, email?, phone?, address?, url?}, at least one, each 1-256 chars. */
static bool contact_ok(const cJSON *c)
{
    static const char *const keys[] = {"name", "email", "phone", "address", "url"};
    const cJSON *m;
    size_t k;
    bool known;

    if (!cJSON_IsObject(c) || !c->child)
        return false;
    cJSON_ArrayForEach(m, c) {
        known = false;
        for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
            known = known || strcmp(m->string, keys[k]) == 0;
        if (!known || !cJSON_IsString(m) || !text_ok(m->valuestring, 256))
            return false;
    }
    return true;
}

/* flags.roles: extra roles of spec §2 (a tenant may hold several), by name. */
static bool roles_ok(const cJSON *a)
{
    const cJSON *r;

    if (!cJSON_IsArray(a))
        return false;
    cJSON_ArrayForEach(r, a) {
        if (!cJSON_IsString(r) || vt_policy_role_parse(r->valuestring) == 0)
            return false;
    }
    return true;
}

/*
 * flags.policy: per-profile, per-obligation overrides of POLICY values
 * ({PROFILE: {OBLIGATION: {...}}}); the deadline code decides which values
 * it takes (docs/deadlines.md), so only the shape is checked here.
 */
static bool policy_ok(const cJSON *p)
{
    const cJSON *prof, *obl;

    if (!cJSON_IsObject(p))
        return false;
    cJSON_ArrayForEach(prof, p) {
        if (!cJSON_IsObject(prof))
            return false;
        cJSON_ArrayForEach(obl, prof) {
            if (!cJSON_IsObject(obl))
                return false;
        }
    }
    return true;
}

/* flags.publisher_namespace: the CSAF publisher namespace, an https URL. */
static bool namespace_ok(const cJSON *n)
{
    return cJSON_IsString(n) && strncmp(n->valuestring, "https://", 8) == 0 &&
           n->valuestring[8] != '\0' && text_ok(n->valuestring, 256);
}

/* What a flag must be, for the message when it is not. */
static const char *flag_shape(const char *name)
{
    if (strcmp(name, "platform_filing_id") == 0)
        return "a non-empty string";
    if (strcmp(name, "contact") == 0)
        return "an object of name, email, phone, address, url strings";
    if (strcmp(name, "roles") == 0)
        return "an array of roles (PROVIDER, OPERATOR, COLLECTOR, FINDER, EU_MANUFACTURER, "
               "US_FCEB)";
    if (strcmp(name, "policy") == 0)
        return "an object {PROFILE: {OBLIGATION: {hours|days|months, start_event}}}";
    if (strcmp(name, "publisher_namespace") == 0)
        return "an https URL";
    return "true or false";
}

static int flags_check(const char *text, vt_buf *out, vt_error *err)
{
    static const char *const keys[] = {"eu_manufacturer", "us_fceb", "platform_filing_id",
                                       "contact", "roles", "policy", "publisher_namespace"};
    cJSON *doc = NULL, *item, *canon = NULL;
    int error = json_parse_whole(text, &doc);
    size_t k;

    if (error < 0 || !cJSON_IsObject(doc)) {
        error = vt_error_set_field(err, VT_EINVALID, "/flags",
                                   "flags must be a JSON object (eu_manufacturer, us_fceb, "
                                   "platform_filing_id)");
        goto out;
    }
    cJSON_ArrayForEach(item, doc) {
        char where[VT_ERROR_FIELD_MAX];
        bool ok;

        snprintf(where, sizeof(where), "/flags/%s", item->string);
        if (strcmp(item->string, "eu_manufacturer") == 0 || strcmp(item->string, "us_fceb") == 0)
            ok = cJSON_IsBool(item);
        else if (strcmp(item->string, "platform_filing_id") == 0)
            ok = cJSON_IsString(item) && text_ok(item->valuestring, 128);
        else if (strcmp(item->string, "contact") == 0)
            ok = contact_ok(item);
        else if (strcmp(item->string, "roles") == 0)
            ok = roles_ok(item);
        else if (strcmp(item->string, "policy") == 0)
            ok = policy_ok(item);
        else if (strcmp(item->string, "publisher_namespace") == 0)
            ok = namespace_ok(item);
        else {
            error = vt_error_set_field(err, VT_EINVALID, where,
                                       "unknown flag (known: eu_manufacturer, us_fceb, "
                                       "platform_filing_id, contact, roles, policy, "
                                       "publisher_namespace)");
            goto out;
        }
        if (!ok) {
            error = vt_error_set_field(err, VT_EINVALID, where, "%s must be %s", item->string,
                                       flag_shape(item->string));
            goto out;
        }
    }
    if (!out)
        goto out;
    canon = cJSON_CreateObject();
    error = canon ? 0 : VT_ENOMEM;
    for (k = 0; error >= 0 && k < sizeof(keys) / sizeof(keys[0]); k++) {
        item = cJSON_GetObjectItemCaseSensitive(doc, keys[k]);
        if (item)
            error = vt_json_add_take(canon, keys[k], cJSON_Duplicate(item, true));
    }
    if (error >= 0)
        error = vt_json_print(out, canon);
out:
    cJSON_Delete(canon);
    cJSON_Delete(doc);
    return error;
}

static int check_name(const char *name, vt_error *err)
{
    if (!text_ok(name, 200))
        return vt_error_set_field(err, VT_EINVALID, "/name",
                                  "name must be 1 to 200 characters, without control "
                                  "characters or blanks at either end");
    return 0;
}

static int check_time_zone(const char *tz, vt_error *err)
{
    int error = tz_check(tz);

    if (error == VT_ENOMEM)
        return vt_error_set(err, error, 0, "out of memory loading the time zone");
    if (error < 0)
        return vt_error_set_field(err, VT_EINVALID, "/time_zone",
                                  "'%s' is not an IANA time zone (e.g. Asia/Shanghai)",
                                  tz ? tz : "");
    return 0;
}

int vt_org_validate(const vt_org *o, vt_error *err)
{
    int error;

    if (!slug_ok(o->slug))
        return vt_error_set_field(err, VT_EINVALID, "/slug",
                                  "slug must be 1 to 63 of a-z, 0-9 and '-', not starting "
                                  "with '-'");
    error = check_name(o->name, err);
    if (error < 0)
        return error;
    if (!o->kind || (strcmp(o->kind, "vendor") != 0 && strcmp(o->kind, "operator") != 0 &&
                     strcmp(o->kind, "platform") != 0))
        return vt_error_set_field(err, VT_EINVALID, "/kind",
                                  "kind must be vendor, operator or platform");
    if (!o->country || strlen(o->country) != 2 || o->country[0] < 'A' || o->country[0] > 'Z' ||
        o->country[1] < 'A' || o->country[1] > 'Z')
        return vt_error_set_field(err, VT_EINVALID, "/country",
                                  "country must be an ISO 3166-1 alpha-2 code in upper case "
                                  "(e.g. CN)");
    error = check_time_zone(o->time_zone, err);
    if (error < 0)
        return error;
    if (o->profiles) {
        error = profiles_check(o->profiles, NULL, err);
        if (error < 0)
            return error;
    }
    if (o->flags)
        return flags_check(o->flags, NULL, err);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Organisations */

void vt_org_dispose(vt_org *o)
{
    if (!o)
        return;
    vt_free(o->slug);
    vt_free(o->name);
    vt_free(o->kind);
    vt_free(o->country);
    vt_free(o->time_zone);
    vt_free(o->profiles);
    vt_free(o->flags);
    memset(o, 0, sizeof(*o));
}

int vt_org_add(vt_store *s, vt_org *o, vt_error *err)
{
    vt_buf profiles = VT_BUF_INIT, flags = VT_BUF_INIT;
    vt_store_org_row row;
    int error = vt_org_validate(o, err);

    if (error < 0)
        goto out;
    /* Chinese organisations are under the RMSV 2021 rules by default. */
    if (o->profiles)
        error = profiles_check(o->profiles, &profiles, err);
    else
        error = vt_buf_puts(&profiles, strcmp(o->country, "CN") == 0 ? "[\"CN_RMSV_2021\"]" : "[]");
    if (error >= 0)
        error = o->flags ? flags_check(o->flags, &flags, err) : vt_buf_puts(&flags, "{}");
    if (error < 0)
        goto out;
    row.id = 0;
    row.slug = o->slug;
    row.name = o->name;
    row.kind = o->kind;
    row.country = o->country;
    row.time_zone = o->time_zone;
    row.profiles = profiles.ptr;
    row.flags = flags.ptr;
    row.created_ms = vt_clock_now_ms();
    error = vt_store_org_insert(s, &row, &o->id, err);
out:
    if (error == VT_ENOMEM)
        vt_error_set(err, error, 0, "out of memory");
    vt_buf_dispose(&profiles);
    vt_buf_dispose(&flags);
    return error;
}

static int org_copy(void *ctx, const vt_store_org_row *r)
{
    vt_org *o = ctx;

    o->id = r->id;
    o->slug = vt_strdup(r->slug);
    o->name = vt_strdup(r->name);
    o->kind = vt_strdup(r->kind);
    o->country = vt_strdup(r->country);
    o->time_zone = vt_strdup(r->time_zone);
    o->profiles = vt_strdup(r->profiles);
    o->flags = vt_strdup(r->flags);
    if (!o->slug || !o->name || !o->kind || !o->country || !o->time_zone || !o->profiles ||
        !o->flags)
        return VT_ENOMEM;
    return 0;
}

int vt_org_get(vt_store *s, const char *slug, int64_t id, vt_org *out, vt_error *err)
{
    bool found = false;
    int error;

    memset(out, 0, sizeof(*out));
    error = vt_store_org_find(s, slug, id, &found, org_copy, out, err);
    if (error == VT_ENOMEM)
        vt_error_set(err, error, 0, "out of memory");
    if (error >= 0 && !found) {
        if (slug)
            error = vt_error_set(err, VT_ENOTFOUND, 0, "no organisation '%s'", slug);
        else
            error = vt_error_set(err, VT_ENOTFOUND, 0, "no organisation with id %lld",
                                 (long long)id);
    }
    if (error < 0)
        vt_org_dispose(out);
    return error;
}

typedef struct org_each_ctx {
    int (*each)(void *ctx, const vt_org *o);
    void *ctx;
} org_each_ctx;

static int org_each_row(void *ctx, const vt_store_org_row *r)
{
    org_each_ctx *c = ctx;
    /* The row's strings are the store's; the view only borrows them. */
    vt_org view = {r->id,
                   (char *)r->slug,
                   (char *)r->name,
                   (char *)r->kind,
                   (char *)r->country,
                   (char *)r->time_zone,
                   (char *)r->profiles,
                   (char *)r->flags};

    return c->each(c->ctx, &view);
}

int vt_org_list(vt_store *s, int64_t only_id, int (*each)(void *ctx, const vt_org *o),
                void *ctx, vt_error *err)
{
    org_each_ctx c = {each, ctx};

    return vt_store_org_each(s, only_id, org_each_row, &c, err);
}

int vt_org_update(vt_store *s, const char *slug, const vt_org_patch *p, vt_org *out,
                  vt_error *err)
{
    vt_buf profiles = VT_BUF_INIT, flags = VT_BUF_INIT;
    vt_org cur = {0};
    bool found = false;
    int error;

    if (out)
        memset(out, 0, sizeof(*out));
    error = vt_org_get(s, slug, 0, &cur, err);
    if (error < 0)
        goto out;
    if (p->name)
        error = check_name(p->name, err);
    if (error >= 0 && p->time_zone)
        error = check_time_zone(p->time_zone, err);
    if (error >= 0 && p->profiles)
        error = profiles_check(p->profiles, &profiles, err);
    if (error >= 0 && p->flags)
        error = flags_check(p->flags, &flags, err);
    if (error >= 0)
        error = vt_store_org_update(s, cur.id, p->name, p->time_zone,
                                    p->profiles ? profiles.ptr : NULL,
                                    p->flags ? flags.ptr : NULL, &found, err);
    if (error >= 0 && !found)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no organisation '%s'", slug);
    if (error >= 0 && out)
        error = vt_org_get(s, NULL, cur.id, out, err);
out:
    if (error == VT_ENOMEM)
        vt_error_set(err, error, 0, "out of memory");
    vt_org_dispose(&cur);
    vt_buf_dispose(&profiles);
    vt_buf_dispose(&flags);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Machine tokens */

/* Token names show in logs and in "token:NAME": printable, at most 64 bytes. */
static int check_token_name(const char *name, vt_error *err)
{
    if (!text_ok(name, 64))
        return vt_error_set_field(err, VT_EINVALID, "/name",
                                  "token name must be 1 to 64 characters, without control "
                                  "characters or blanks at either end");
    return 0;
}

int vt_token_create_id(vt_store *s, unsigned role, const char *name, int64_t org_id,
                       char out[VT_TOKEN_TEXT_MAX], int64_t *id, vt_error *err)
{
    vt_store_token_row row;
    uint8_t hash[32];
    int error;

    out[0] = '\0';
    if (!(role & MACHINE_ROLES) || vt_role_name(role)[0] == '\0')
        return vt_error_set_field(err, VT_EINVALID, "/role",
                                  "a machine token's role must be one of admin, "
                                  "psirt_manager, analyst, auditor, partner");
    error = check_token_name(name, err);
    if (error < 0)
        return error;
    if (org_id < 0)
        return vt_error_set_field(err, VT_EINVALID, "/org", "bad organisation id");
    vt_token_generate(VT_TOKEN_PREFIX_MACHINE, out, hash);
    memset(&row, 0, sizeof(row));
    row.hash = hash;
    row.kind = "machine";
    row.name = name;
    row.role = vt_role_name(role);
    row.org_id = org_id;
    row.created_ms = vt_clock_now_ms();
    error = vt_store_token_insert(s, &row, id, err);
    if (error < 0)
        sodium_memzero(out, VT_TOKEN_TEXT_MAX);
    return error;
}

int vt_token_create(vt_store *s, unsigned role, const char *name, int64_t org_id,
                    char out[VT_TOKEN_TEXT_MAX], vt_error *err)
{
    return vt_token_create_id(s, role, name, org_id, out, NULL, err);
}

typedef struct token_each_ctx {
    int (*each)(void *ctx, const vt_token_info *t);
    void *ctx;
} token_each_ctx;

static int token_each_row(void *ctx, const vt_store_token_row *r)
{
    token_each_ctx *c = ctx;
    vt_token_info t;

    t.id = r->id;
    t.kind = r->kind;
    t.name = r->name;
    t.role = vt_role_parse(r->role);
    t.org_id = r->org_id;
    t.user_id = r->user_id;
    t.created_ms = r->created_ms;
    t.expires_ms = r->expires_ms;
    t.revoked_ms = r->revoked_ms;
    return c->each(c->ctx, &t);
}

int vt_token_list(vt_store *s, const char *kind, int64_t org_id,
                  int (*each)(void *ctx, const vt_token_info *t), void *ctx, vt_error *err)
{
    token_each_ctx c = {each, ctx};

    return vt_store_token_each(s, kind, org_id, token_each_row, &c, err);
}

int vt_token_get(vt_store *s, int64_t id, int (*each)(void *ctx, const vt_token_info *t),
                 void *ctx, vt_error *err)
{
    token_each_ctx c = {each, ctx};
    bool found = false;
    int error = vt_store_token_find_id(s, id, &found, token_each_row, &c, err);

    if (error >= 0 && !found)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no token with id %lld", (long long)id);
    return error;
}

int vt_token_revoke(vt_store *s, int64_t id, vt_error *err)
{
    bool changed = false;
    int error = vt_store_token_revoke(s, id, NULL, NULL, vt_clock_now_ms(), &changed, err);

    if (error >= 0 && !changed)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no live token with id %lld", (long long)id);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Users and sessions */

/* Characters, not bytes: a passphrase in Chinese is as long as it looks. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static int check_password(const char *password, vt_error *err)
{
    if (!password || utf8_chars(password) < VT_PASSWORD_MIN_CHARS)
        return vt_error_set_field(err, VT_EINVALID, "/password",
                                  "password must have at least %d characters",
                                  VT_PASSWORD_MIN_CHARS);
    if (strlen(password) > VT_PASSWORD_MAX_BYTES)
        return vt_error_set_field(err, VT_EINVALID, "/password",
                                  "password must have at most %d bytes", VT_PASSWORD_MAX_BYTES);
    return 0;
}

int vt_password_hash(const char *password, char out[VT_PASSWORD_HASH_MAX], vt_error *err)
{
    int error = check_password(password, err);

    out[0] = '\0';
    if (error < 0)
        return error;
    auth_sodium_init();
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory hashing the password");
    return 0;
}

/* Role, name and organisation of a new user; the password is checked by
 * vt_password_hash. */
static int check_user(const char *name, unsigned role, int64_t org_id, vt_error *err)
{
    if (!(role & USER_ROLES) || vt_role_name(role)[0] == '\0')
        return vt_error_set_field(err, VT_EINVALID, "/role",
                                  "a console user's role must be one of admin, psirt_manager, "
                                  "analyst, auditor");
    if (!user_name_ok(name))
        return vt_error_set_field(err, VT_EINVALID, "/name",
                                  "user name must be 1 to 64 of A-Z, a-z, 0-9, '.', '_', '@', "
                                  "'-'");
    if (org_id < 0)
        return vt_error_set_field(err, VT_EINVALID, "/org", "bad organisation id");
    return 0;
}

int vt_user_add_hashed(vt_store *s, const char *name, unsigned role, int64_t org_id,
                       const char *hash, int64_t *id, vt_error *err)
{
    vt_store_user_row row;
    int64_t ignored = 0;
    int error = check_user(name, role, org_id, err);

    if (error < 0)
        return error;
    if (!hash || !has_prefix(hash, "$argon2id$"))
        return vt_error_set_field(err, VT_EINVALID, "/password", "not an argon2id hash");
    memset(&row, 0, sizeof(row));
    row.org_id = org_id;
    row.name = name;
    row.role = vt_role_name(role);
    row.password_hash = hash;
    row.created_ms = vt_clock_now_ms();
    return vt_store_user_insert(s, &row, id ? id : &ignored, err);
}

int vt_user_add(vt_store *s, const char *name, unsigned role, int64_t org_id,
                const char *password, vt_error *err)
{
    char hash[VT_PASSWORD_HASH_MAX];
    int error = check_user(name, role, org_id, err);

    if (error < 0)
        return error;
    error = vt_password_hash(password, hash, err);
    if (error >= 0)
        error = vt_user_add_hashed(s, name, role, org_id, hash, NULL, err);
    sodium_memzero(hash, sizeof(hash));
    return error;
}

typedef struct user_each_ctx {
    int (*each)(void *ctx, const vt_user_info *u);
    void *ctx;
} user_each_ctx;

static int user_each_row(void *ctx, const vt_store_user_row *r)
{
    user_each_ctx *c = ctx;
    vt_user_info u;

    u.id = r->id;
    u.name = r->name;
    u.role = vt_role_parse(r->role);
    u.org_id = r->org_id;
    u.created_ms = r->created_ms;
    u.disabled_ms = r->disabled_ms;
    return c->each(c->ctx, &u);
}

int vt_user_list(vt_store *s, int64_t org_id, int (*each)(void *ctx, const vt_user_info *u),
                 void *ctx, vt_error *err)
{
    user_each_ctx c = {each, ctx};

    return vt_store_user_each(s, org_id, user_each_row, &c, err);
}

int vt_user_disable(vt_store *s, const char *name, vt_error *err)
{
    bool changed = false;
    int error = vt_store_user_disable(s, name ? name : "", vt_clock_now_ms(), &changed, err);

    if (error >= 0 && !changed)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no active user '%s'", name ? name : "");
    return error;
}

/*
 * A hash of a random password with the same parameters as real ones, made
 * once: an unknown user name is checked against it, so that it costs what
 * a wrong password costs and timing does not tell which names exist.
 */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_hash_make(void)
{
    unsigned char pw[24];

    auth_sodium_init();
    randombytes_buf(pw, sizeof(pw));
    if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof(pw),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0';
}

typedef struct user_found {
    vt_principal *who;
    char hash[crypto_pwhash_STRBYTES];
    bool active;
    bool hash_ok;
} user_found;

static int user_take(void *ctx, const vt_store_user_row *r)
{
    user_found *f = ctx;
    size_t n = strlen(r->password_hash);
    int w;

    f->hash_ok = n < sizeof(f->hash);
    if (f->hash_ok)
        memcpy(f->hash, r->password_hash, n + 1);
    f->active = r->disabled_ms == 0;
    f->who->kind = VT_PRINCIPAL_SESSION;
    f->who->role = vt_role_parse(r->role);
    f->who->org_id = r->org_id;
    f->who->user_id = r->id;
    w = snprintf(f->who->name, sizeof(f->who->name), "user:%s", r->name);
    (void)w;
    return 0;
}

#define LOGIN_REFUSED "unknown user name or wrong password"

int vt_user_authenticate(vt_store *s, const char *name, const char *password,
                         vt_principal *out, vt_error *err)
{
    user_found f;
    bool found = false, ok;
    int error;

    memset(out, 0, sizeof(*out));
    memset(&f, 0, sizeof(f));
    f.who = out;
    if (!name || !password)
        return vt_error_set(err, VT_ENOTFOUND, 0, LOGIN_REFUSED);
    /* An absurdly long password would only cost hashing time. */
    if (strlen(password) > VT_PASSWORD_MAX_BYTES)
        password = "";
    if (user_name_ok(name)) {
        error = vt_store_user_find(s, name, &found, user_take, &f, err);
        if (error < 0)
            return error;
    }
    if (!found || !f.hash_ok) {
        pthread_once(&dummy_once, dummy_hash_make);
        memcpy(f.hash, dummy_hash, sizeof(f.hash));
    }
    auth_sodium_init();
    ok = crypto_pwhash_str_verify(f.hash, password, strlen(password)) == 0;
    sodium_memzero(f.hash, sizeof(f.hash));
    /* Decide only after the hash was checked, whatever the outcome. */
    if (!found || !f.hash_ok || !ok || !f.active || !(out->role & USER_ROLES)) {
        memset(out, 0, sizeof(*out));
        return vt_error_set(err, VT_ENOTFOUND, 0, LOGIN_REFUSED);
    }
    return 0;
}

int vt_session_create(vt_store *s, const vt_principal *who, int64_t ttl_ms,
                      char out[VT_TOKEN_TEXT_MAX], int64_t *expires_ms, vt_error *err)
{
    vt_store_token_row row;
    uint8_t hash[32];
    int64_t now = vt_clock_now_ms();
    int error;

    out[0] = '\0';
    if (who->kind != VT_PRINCIPAL_SESSION || who->user_id <= 0 || ttl_ms <= 0 ||
        !has_prefix(who->name, "user:"))
        return vt_error_set(err, VT_EINVALID, 0, "a session needs a user and a positive lifetime");
    vt_token_generate(VT_TOKEN_PREFIX_SESSION, out, hash);
    memset(&row, 0, sizeof(row));
    row.hash = hash;
    row.kind = "session";
    row.name = who->name + strlen("user:");
    row.role = vt_role_name(who->role);
    row.org_id = who->org_id;
    row.user_id = who->user_id;
    row.created_ms = now;
    row.expires_ms = now > INT64_MAX - ttl_ms ? INT64_MAX : now + ttl_ms;
    error = vt_store_token_insert(s, &row, NULL, err);
    if (error == VT_EINVALID)
        error = vt_error_set(err, VT_ENOTFOUND, 0, LOGIN_REFUSED);
    if (error < 0) {
        sodium_memzero(out, VT_TOKEN_TEXT_MAX);
        return error;
    }
    if (expires_ms)
        *expires_ms = row.expires_ms;
    return 0;
}

int vt_session_login(vt_store *s, const char *name, const char *password, int64_t ttl_ms,
                     char out[VT_TOKEN_TEXT_MAX], vt_error *err)
{
    vt_principal who;
    int error;

    out[0] = '\0';
    error = vt_user_authenticate(s, name, password, &who, err);
    if (error < 0)
        return error;
    return vt_session_create(s, &who, ttl_ms, out, NULL, err);
}

int vt_session_logout(vt_store *s, const char *token, vt_error *err)
{
    uint8_t hash[32];
    bool changed = false;
    int error;

    if (!token || !has_prefix(token, VT_TOKEN_PREFIX_SESSION))
        return vt_error_set(err, VT_ENOTFOUND, 0, "not a session token");
    vt_token_hash(token, strlen(token), hash);
    error = vt_store_token_revoke(s, 0, hash, "session", vt_clock_now_ms(), &changed, err);
    if (error >= 0 && !changed)
        error = vt_error_set(err, VT_ENOTFOUND, 0, "no live session with this token");
    return error;
}

/* ------------------------------------------------------------------------ */
/* Who is calling */

typedef struct token_seen {
    bool ok;
    const char *want_kind;
    int64_t now;
    vt_principal *who;
} token_seen;

static int token_take(void *ctx, const vt_store_token_row *r)
{
    token_seen *t = ctx;
    unsigned role = vt_role_parse(r->role);
    bool session;

    /* A prefix that does not match the row's kind is a forged or mangled
     * token; the hash matching anyway cannot happen by chance. */
    if (strcmp(r->kind, t->want_kind) != 0 || r->revoked_ms != 0 ||
        (r->expires_ms != 0 && r->expires_ms <= t->now) || role == 0 ||
        (r->user_id != 0 && r->user_disabled_ms != 0))
        return 0;
    session = strcmp(r->kind, "session") == 0;
    /* A session belongs to a user; a machine token to none. */
    if (session != (r->user_id != 0))
        return 0;
    t->who->kind = session ? VT_PRINCIPAL_SESSION : VT_PRINCIPAL_MACHINE;
    t->who->role = role;
    t->who->org_id = r->org_id;
    t->who->token_id = r->id;
    t->who->user_id = r->user_id;
    snprintf(t->who->name, sizeof(t->who->name), "%s:%s", session ? "user" : "token", r->name);
    t->ok = true;
    return 0;
}

#define LOOKUP_REFUSED "unknown, revoked or expired token"

int vt_auth_lookup(vt_store *s, const char *token, vt_principal *out, vt_error *err)
{
    uint8_t hash[32];
    size_t len = token ? strlen(token) : 0;
    token_seen t;
    bool found = false;
    int error;

    memset(out, 0, sizeof(*out));
    if (len == 0 || len >= VT_TOKEN_TEXT_MAX)
        return vt_error_set(err, VT_ENOTFOUND, 0, LOOKUP_REFUSED);
    vt_token_hash(token, len, hash);
    if (has_prefix(token, VT_TOKEN_PREFIX_TRACKING)) {
        error = vt_store_report_by_tracking(s, hash, &found, out->report_id,
                                            sizeof(out->report_id), &out->org_id, err);
        if (error < 0 || !found) {
            memset(out, 0, sizeof(*out));
            return error < 0 ? error : vt_error_set(err, VT_ENOTFOUND, 0, LOOKUP_REFUSED);
        }
        out->kind = VT_PRINCIPAL_TRACKING;
        out->role = VT_ROLE_REPORTER;
        snprintf(out->name, sizeof(out->name), "reporter:%s", out->report_id);
        return 0;
    }
    if (has_prefix(token, VT_TOKEN_PREFIX_MACHINE))
        t.want_kind = "machine";
    else if (has_prefix(token, VT_TOKEN_PREFIX_SESSION))
        t.want_kind = "session";
    else
        return vt_error_set(err, VT_ENOTFOUND, 0, LOOKUP_REFUSED);
    t.ok = false;
    t.now = vt_clock_now_ms();
    t.who = out;
    error = vt_store_token_find_hash(s, hash, &found, token_take, &t, err);
    if (error < 0 || !t.ok) {
        memset(out, 0, sizeof(*out));
        return error < 0 ? error : vt_error_set(err, VT_ENOTFOUND, 0, LOOKUP_REFUSED);
    }
    return 0;
}

int vt_auth_count_admins(vt_store *s, long *count, vt_error *err)
{
    return vt_store_user_count_role(s, "admin", count, err);
}
