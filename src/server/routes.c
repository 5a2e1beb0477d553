/*
 * routes.c - every route table of the server, in the order they are tried.
 * A new area adds its table here and its paths to docs/openapi.yaml.
 */
#include <stddef.h>

#include "server.h"

const vt_route *const vt_route_tables[] = {
    vt_routes_system,  vt_routes_auth,     vt_routes_reports,     vt_routes_ledger,
    vt_routes_cases,   vt_routes_products, vt_routes_obligations, vt_routes_authority,
    vt_routes_notifications, vt_routes_disclosure, vt_routes_advisories, vt_routes_operators,
    NULL,
};
