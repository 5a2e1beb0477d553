/*
 * router.c - matching a request's method and path against the route
 * tables. Patterns are literal segments and {name} segments; a {name}
 * matches one non-empty segment and becomes a path parameter.
 * libmicrohttpd has already percent-decoded the path, so a parameter can
 * never hold a '/' (an encoded %2F splits segments too); handlers check
 * the parameter's syntax.
 */
#include <string.h>

#include "server_internal.h"

/* Does `path` match `pattern`? On a match, fill req's parameters. */
static bool match_pattern(const char *pattern, const char *path, vt_request *req)
{
    const char *pp = pattern, *sp = path;
    size_t n = 0, used = 0;

    while (*pp && *sp) {
        if (*pp == '{') {
            const char *pend = strchr(pp, '}');
            const char *send = strchr(sp, '/');
            size_t len = send ? (size_t)(send - sp) : strlen(sp);

            if (!pend || len == 0 || n >= VT_ROUTE_MAX_PARAMS)
                return false;
            if (req) {
                /* Each parameter is copied, NUL-terminated, into the
                 * request's own buffer. */
                if (used + len + 1 > sizeof(req->param_store))
                    return false;
                memcpy(req->param_store + used, sp, len);
                req->param_store[used + len] = '\0';
                req->param[n] = req->param_store + used;
                used += len + 1;
            }
            n++;
            pp = pend + 1;
            sp += len;
            continue;
        }
        if (*pp != *sp)
            return false;
        pp++;
        sp++;
    }
    if (*pp || *sp)
        return false;
    if (req)
        req->nparam = n;
    return true;
}

/* Iterate over every route. */
#define FOR_EACH_ROUTE(r)                                              \
    for (const vt_route *const *t_ = vt_route_tables; *t_; t_++)       \
        for (const vt_route *r = *t_; r->method; r++)

const vt_route *vt_router_match(const char *method, const char *path, vt_request *req,
                                bool *path_known)
{
    *path_known = false;
    FOR_EACH_ROUTE(r) {
        if (!match_pattern(r->pattern, path, NULL))
            continue;
        *path_known = true;
        if (strcmp(r->method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
            match_pattern(r->pattern, path, req);
            return r;
        }
    }
    return NULL;
}

void vt_router_allowed_methods(const char *path, char *out, size_t cap)
{
    size_t len = 0;

    out[0] = '\0';
    FOR_EACH_ROUTE(r) {
        if (match_pattern(r->pattern, path, NULL) && len + strlen(r->method) + 3 < cap) {
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "", r->method);
        }
    }
}

void vt_allow_names(unsigned allow, char *out, size_t cap)
{
    static const struct {
        unsigned bit;
        const char *name;
    } flags[] = {{VT_ALLOW_ANONYMOUS, "anonymous"}, {VT_ALLOW_TRACKING, "tracking"}};
    size_t len = 0, i;
    unsigned bit;

    out[0] = '\0';
    for (bit = 1; bit < (1u << VT_ROLE_COUNT); bit <<= 1)
        if ((allow & bit) && len + 20 < cap)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "",
                                    vt_role_name(bit));
    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if ((allow & flags[i].bit) && len + 20 < cap)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "", flags[i].name);
}

void vt_router_print(FILE *out)
{
    char names[256];

    FOR_EACH_ROUTE(r) {
        vt_allow_names(r->allow, names, sizeof(names));
        fprintf(out, "%s %s %s\n", r->method, r->pattern, names);
    }
}
