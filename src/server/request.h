/*
 * request.h - what several route files do with a request in the same way:
 * build and send a list, refuse unknown body members, read a numeric
 * query parameter, scope the caller to an organisation, find an
 * organisation by slug, narrow a list to the "org" query parameter, and
 * load the case named by the path. Each helper
 * that can refuse sends the reply itself and returns false, so a handler
 * then ends with `return 0`.
 */
#ifndef VT_SERVER_REQUEST_H
#define VT_SERVER_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "server.h"
#include "vulntrack/cases.h"

/** Reply 500 "internal", "out of memory". Returns 0. */
int vt_reply_oom(vt_request *req);

/** Reply 201 {"case": ref} with the case's Location header. Returns 0. */
int vt_reply_case_created(vt_request *req, const char *ref);

/** A new object {key: []} with *arr its array; NULL (both) when out of memory. */
cJSON *vt_req_list_body(const char *key, cJSON **arr);

/**
 * Reply 200 with `body` (taken) when `error`, what filling it returned, is
 * 0 or more; otherwise free it and reply 500 "out of memory" for
 * VT_ENOMEM, or the error in `err`. Returns 0.
 */
int vt_reply_listed(vt_request *req, cJSON *body, int error, const vt_error *err);

/**
 * Refuse a body member whose name is not in `known` (NULL-ended), so that a
 * misspelt field is not silently ignored: false after replying 422
 * "unknown member '<name>'" with the member as the field.
 */
bool vt_req_known_members(vt_request *req, const char *const *known);

/**
 * The first path parameter as a positive id into *id, and the caller's
 * organisation scope (vt_req_scope with `all_orgs`) into *scope. False
 * after replying 404 "no <what> '<param>'" when it is not such an id or
 * the caller sees no organisation.
 */
bool vt_req_id_param(vt_request *req, const char *what, unsigned all_orgs, int64_t *id,
                     int64_t *scope);

/**
 * Query parameter `name` as a whole number from `min` to `max` into *out,
 * which keeps its value (the default) when the parameter is absent. False
 * after replying `status` {"error": {"code": "invalid", "field": name}}
 * when the parameter is not such a number.
 */
bool vt_req_query_i64(vt_request *req, const char *name, int64_t min, int64_t max, unsigned status,
                      int64_t *out);

/**
 * The organisation whose records the caller may see: its own; any (0) for
 * a caller without one whose role is one of `all_orgs` (VT_ROLE_* bits);
 * none (-1) for other callers without one.
 */
int64_t vt_req_scope(const vt_request *req, unsigned all_orgs);

/**
 * The id of the organisation with slug `slug` into *id. False after
 * replying 422 (with `field`, "org" for a query parameter, "/org" for a
 * body member) when there is none, or the store's error.
 */
bool vt_req_org_id(vt_request *req, const char *slug, const char *field, int64_t *id);

/**
 * Narrow `*scope` (from vt_req_scope) to the organisation named by the
 * query parameter "org", if any: an unrestricted caller gets that
 * organisation, a restricted one naming another organisation gets none
 * (-1). False after replying 422 (field "org") when no organisation has
 * that slug, or the store's error.
 */
bool vt_req_org_filter(vt_request *req, int64_t *scope);

/**
 * Load into *c the case whose reference is path parameter 0, read through
 * `s`, if a caller scoped by vt_req_scope(req, admins and auditors) may see
 * it. False after replying 404 when it does not exist or is another
 * organisation's (*c is then disposed), or the store's error.
 */
bool vt_req_case(vt_request *req, vt_store *s, vt_case *c);

#endif
