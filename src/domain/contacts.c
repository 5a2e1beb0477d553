/*
 * contacts.c - the rules of a contact: what a valid one looks like (role,
 * two-letter country, channel and a matching address, a secret for
 * webhooks, product versions as strings), how the API shows it (never the
 * secret), and whether it is concerned by a case's products and versions.
 */
#include <stdio.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/clock.h"
#include "vulntrack/contacts.h"
#include "vulntrack/json.h"

static const char *const roles[] = {"upstream", "downstream_vendor", "user",
                                    "customer", "authority",         "csirt"};

bool vt_contact_role_valid(const char *role)
{
    size_t i;

    for (i = 0; role && i < sizeof(roles) / sizeof(roles[0]); i++)
        if (strcmp(role, roles[i]) == 0)
            return true;
    return false;
}

void vt_contact_dispose(vt_contact *c)
{
    vt_contact empty = VT_CONTACT_INIT;

    if (!c)
        return;
    vt_free(c->versions);
    vt_free(c->name);
    vt_free(c->address);
    vt_free(c->secret);
    *c = empty;
}

/* Replace *slot with a copy of `s` (NULL: none). Returns 0 or VT_ENOMEM. */
static int set_text(char **slot, const char *s, vt_error *err)
{
    char *copy = NULL;

    if (s) {
        copy = vt_strdup(s);
        if (!copy)
            return vt_error_set(err, VT_ENOMEM, 0, "copying a contact field");
    }
    vt_free(*slot);
    *slot = copy;
    return 0;
}

/* A non-empty string member without control characters, at most the cap. */
static int text_member(const cJSON *v, const char *ptr, const char **out, vt_error *err)
{
    const unsigned char *p;

    if (!cJSON_IsString(v) || !v->valuestring[0])
        return vt_error_set_field(err, VT_EINVALID, ptr, "%s: a non-empty string is required", ptr);
    if (strlen(v->valuestring) > VT_CONTACT_TEXT_MAX)
        return vt_error_set_field(err, VT_EINVALID, ptr, "%s: at most %d bytes", ptr,
                                  VT_CONTACT_TEXT_MAX);
    for (p = (const unsigned char *)v->valuestring; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return vt_error_set_field(err, VT_EINVALID, ptr, "%s: control characters", ptr);
    *out = v->valuestring;
    return 0;
}

/* An e-mail address as SMTP needs it: local@domain, no spaces or brackets. */
static bool email_ok(const char *a)
{
    const char *at = strchr(a, '@');

    if (!at || at == a || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.'))
        return false;
    return strpbrk(a, " <>,;\"()[]\\") == NULL;
}

/* Is the address right for the channel? */
static int check_address(const vt_contact *c, vt_error *err)
{
    if (!c->address)
        return 0;
    if (strcmp(c->channel, "webhook") == 0 && strncmp(c->address, "http://", 7) != 0 &&
        strncmp(c->address, "https://", 8) != 0)
        return vt_error_set_field(err, VT_EINVALID, "/address",
                                  "/address: a webhook needs an http:// or https:// URL");
    if (strcmp(c->channel, "email") == 0 && !email_ok(c->address))
        return vt_error_set_field(err, VT_EINVALID, "/address",
                                  "/address: not an e-mail address (local@domain)");
    return 0;
}

/* The "versions" member: null or an array of non-empty strings. */
static int versions_member(vt_contact *c, const cJSON *v, vt_error *err)
{
    const cJSON *it;
    char *text;

    if (cJSON_IsNull(v))
        return set_text(&c->versions, NULL, err);
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > 1000)
        return vt_error_set_field(err, VT_EINVALID, "/versions",
                                  "/versions: an array of version strings, or null");
    cJSON_ArrayForEach(it, v)
    {
        if (!cJSON_IsString(it) || !it->valuestring[0] || strlen(it->valuestring) > 256)
            return vt_error_set_field(err, VT_EINVALID, "/versions",
                                      "/versions: every entry is a non-empty version string");
    }
    text = cJSON_PrintUnformatted(v);
    if (!text)
        return vt_error_set(err, VT_ENOMEM, 0, "copying versions");
    vt_free(c->versions);
    c->versions = vt_strdup(text);
    cJSON_free(text);
    return c->versions ? 0 : vt_error_set(err, VT_ENOMEM, 0, "copying versions");
}

static int apply_member(vt_contact *c, const cJSON *v, vt_error *err)
{
    const char *k = v->string, *s = NULL;
    char ptr[64];
    int error;

    snprintf(ptr, sizeof(ptr), "/%s", k);
    if (strcmp(k, "role") == 0) {
        if (!cJSON_IsString(v) || !vt_contact_role_valid(v->valuestring))
            return vt_error_set_field(err, VT_EINVALID, ptr,
                                      "/role: upstream, downstream_vendor, user, customer,"
                                      " authority or csirt");
        snprintf(c->role, sizeof(c->role), "%s", v->valuestring);
        return 0;
    }
    if (strcmp(k, "channel") == 0) {
        if (!cJSON_IsString(v) ||
            (strcmp(v->valuestring, "webhook") != 0 && strcmp(v->valuestring, "email") != 0))
            return vt_error_set_field(err, VT_EINVALID, ptr, "/channel: webhook or email");
        snprintf(c->channel, sizeof(c->channel), "%s", v->valuestring);
        return 0;
    }
    if (strcmp(k, "country") == 0) {
        const char *t = cJSON_IsString(v) ? v->valuestring : "";
        if (strlen(t) != 2 || !((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z')) ||
            !((t[1] >= 'A' && t[1] <= 'Z') || (t[1] >= 'a' && t[1] <= 'z')))
            return vt_error_set_field(err, VT_EINVALID, ptr,
                                      "/country: an ISO 3166-1 alpha-2 code (\"CN\")");
        c->country[0] = (char)(t[0] & ~0x20);
        c->country[1] = (char)(t[1] & ~0x20);
        c->country[2] = '\0';
        return 0;
    }
    if (strcmp(k, "is_product_provider") == 0) {
        if (!cJSON_IsBool(v))
            return vt_error_set_field(err, VT_EINVALID, ptr, "%s: a boolean", ptr);
        c->is_product_provider = cJSON_IsTrue(v);
        return 0;
    }
    if (strcmp(k, "product_id") == 0) {
        if (cJSON_IsNull(v)) {
            c->product_id = 0;
            return 0;
        }
        if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 9007199254740991.0 ||
            (double)(int64_t)v->valuedouble != v->valuedouble)
            return vt_error_set_field(err, VT_EINVALID, ptr, "%s: a positive integer or null", ptr);
        c->product_id = (int64_t)v->valuedouble;
        return 0;
    }
    if (strcmp(k, "versions") == 0)
        return versions_member(c, v, err);
    if (strcmp(k, "secret") == 0 && cJSON_IsNull(v))
        return set_text(&c->secret, NULL, err);
    if (strcmp(k, "name") == 0 || strcmp(k, "address") == 0 || strcmp(k, "secret") == 0) {
        error = text_member(v, ptr, &s, err);
        if (error < 0)
            return error;
        if (strcmp(k, "secret") == 0 && strlen(s) < 16)
            return vt_error_set_field(err, VT_EINVALID, ptr, "/secret: at least 16 bytes");
        return set_text(k[0] == 'n' ? &c->name : k[0] == 'a' ? &c->address : &c->secret, s, err);
    }
    return vt_error_set_field(err, VT_EINVALID, ptr, "%s: unknown member", ptr);
}

int vt_contact_apply_json(vt_contact *c, const cJSON *in, bool partial, vt_error *err)
{
    static const char *const required[] = {"role", "name", "country", "channel", "address"};
    const cJSON *v;
    size_t i;
    int error;

    if (!cJSON_IsObject(in))
        return vt_error_set_field(err, VT_EINVALID, "", "a JSON object is required");
    for (i = 0; !partial && i < sizeof(required) / sizeof(required[0]); i++)
        if (!cJSON_GetObjectItemCaseSensitive(in, required[i]))
            return vt_error_set_field(err, VT_EINVALID, "", "missing member '%s'", required[i]);
    cJSON_ArrayForEach(v, in)
    {
        error = apply_member(c, v, err);
        if (error < 0)
            return error;
    }
    error = check_address(c, err);
    if (error < 0)
        return error;
    if (strcmp(c->channel, "webhook") == 0 && !c->secret)
        return vt_error_set_field(err, VT_EINVALID, "/secret",
                                  "/secret: a webhook contact needs a signing secret");
    if (strcmp(c->channel, "email") == 0 && c->secret)
        return set_text(&c->secret, NULL, err);
    return 0;
}

cJSON *vt_contact_json(const vt_contact *c)
{
    cJSON *o = cJSON_CreateObject(), *versions = NULL;
    char t[VT_TIME_TEXT_MAX];
    int rc = 0;

    if (!o)
        return NULL;
    if (c->versions && vt_json_parse(&versions, c->versions, strlen(c->versions), NULL) < 0)
        versions = NULL;
    rc |= vt_json_add_num(o, "id", (double)c->id);
    rc |= vt_json_add_str(o, "role", c->role);
    rc |= vt_json_add_str(o, "name", c->name ? c->name : "");
    rc |= vt_json_add_str(o, "country", c->country);
    rc |= vt_json_add_take(o, "is_product_provider", cJSON_CreateBool(c->is_product_provider));
    rc |= vt_json_add_str(o, "channel", c->channel);
    rc |= vt_json_add_str(o, "address", c->address ? c->address : "");
    rc |= c->product_id ? vt_json_add_num(o, "product_id", (double)c->product_id)
                        : vt_json_add_null(o, "product_id");
    rc |= versions ? vt_json_add_take(o, "versions", versions) : vt_json_add_null(o, "versions");
    rc |= vt_json_add_take(o, "has_secret", cJSON_CreateBool(c->secret != NULL));
    rc |= vt_json_add_str(o, "created_at", vt_time_format_utc(t, c->created_ms));
    if (rc) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Is `version` among the string versions of case product `p`? A product
 * given by ranges (or without versions) is taken to include it. */
static bool product_has_version(const cJSON *p, const char *version)
{
    const cJSON *vs = cJSON_GetObjectItemCaseSensitive(p, "versions"), *it;
    bool any_string = false;

    if (!cJSON_IsArray(vs) || cJSON_GetArraySize(vs) == 0)
        return true;
    cJSON_ArrayForEach(it, vs)
    {
        if (!cJSON_IsString(it))
            return true; /* a range: what it covers is not decided here */
        any_string = true;
        if (strcmp(it->valuestring, version) == 0)
            return true;
    }
    return !any_string;
}

bool vt_contact_matches_case(const vt_contact *c, const cJSON *products)
{
    const cJSON *p, *v;
    cJSON *versions = NULL;
    bool match = false;

    if (!c->product_id)
        return true;
    cJSON_ArrayForEach(p, products)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "product_id");
        if (!cJSON_IsNumber(id) || id->valuedouble != (double)c->product_id)
            continue;
        if (!c->versions)
            return true;
        if (!versions && vt_json_parse(&versions, c->versions, strlen(c->versions), NULL) < 0)
            return true; /* unreadable list: tell rather than stay silent */
        cJSON_ArrayForEach(v, versions)
        {
            if (cJSON_IsString(v) && product_has_version(p, v->valuestring)) {
                match = true;
                break;
            }
        }
        if (match)
            break;
    }
    cJSON_Delete(versions);
    return match;
}
