/*
 * auth_json.c - organisations, users and tokens as JSON: one shape for the
 * command line's --json lists and for the API, so a script can move from
 * one to the other.
 */
#include <string.h>

#include "vulntrack/auth.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"

int vt_org_json_add_slug(vt_store *s, cJSON *o, const char *key, int64_t id)
{
    vt_org org;
    int error;

    if (id == 0 || vt_org_get(s, NULL, id, &org, NULL) < 0)
        return vt_json_add_null(o, key);
    error = vt_json_add_str(o, key, org.slug);
    vt_org_dispose(&org);
    return error;
}

/* Member `key`: the stored JSON text `text`, parsed. */
static int add_parsed(cJSON *o, const char *key, const char *text)
{
    cJSON *v = NULL;
    int error = vt_json_parse(&v, text, strlen(text), NULL);

    return error < 0 ? error : vt_json_add_take(o, key, v);
}

/* *out = o when error is 0, else NULL with o freed; returns error. */
static int finish(cJSON *o, int error, cJSON **out)
{
    if (error < 0) {
        cJSON_Delete(o);
        o = NULL;
    }
    *out = o;
    return error < 0 ? error : 0;
}

int vt_org_json(const vt_org *org, cJSON **out)
{
    cJSON *o = cJSON_CreateObject();
    int error = o ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(o, "id", (double)org->id);
    if (error >= 0)
        error = vt_json_add_str(o, "slug", org->slug);
    if (error >= 0)
        error = vt_json_add_str(o, "name", org->name);
    if (error >= 0)
        error = vt_json_add_str(o, "kind", org->kind);
    if (error >= 0)
        error = vt_json_add_str(o, "country", org->country);
    if (error >= 0)
        error = vt_json_add_str(o, "time_zone", org->time_zone);
    if (error >= 0)
        error = add_parsed(o, "profiles", org->profiles);
    if (error >= 0)
        error = add_parsed(o, "flags", org->flags);
    return finish(o, error, out);
}

int vt_user_info_json(vt_store *s, const vt_user_info *u, cJSON **out)
{
    cJSON *o = cJSON_CreateObject();
    int error = o ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(o, "id", (double)u->id);
    if (error >= 0)
        error = vt_json_add_str(o, "name", u->name);
    if (error >= 0)
        error = vt_json_add_str(o, "role", vt_role_name(u->role));
    if (error >= 0)
        error = vt_org_json_add_slug(s, o, "org", u->org_id);
    if (error >= 0)
        error = vt_json_add_time(o, "created_at", u->created_ms);
    if (error >= 0)
        error = vt_json_add_time(o, "disabled_at", u->disabled_ms);
    return finish(o, error, out);
}

int vt_token_info_json(vt_store *s, const vt_token_info *t, cJSON **out)
{
    cJSON *o = cJSON_CreateObject();
    int error = o ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt_json_add_num(o, "id", (double)t->id);
    if (error >= 0)
        error = vt_json_add_str(o, "kind", t->kind);
    if (error >= 0)
        error = vt_json_add_str(o, "name", t->name);
    if (error >= 0)
        error = vt_json_add_str(o, "role", vt_role_name(t->role));
    if (error >= 0)
        error = vt_org_json_add_slug(s, o, "org", t->org_id);
    if (error >= 0)
        error = vt_json_add_time(o, "created_at", t->created_ms);
    if (error >= 0)
        error = vt_json_add_time(o, "expires_at", t->expires_ms);
    if (error >= 0)
        error = vt_json_add_time(o, "revoked_at", t->revoked_ms);
    return finish(o, error, out);
}
