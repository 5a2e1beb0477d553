/*
 * routes_auth.c - placeholder: the auth routes are being written.
 */
#include "server.h"

const vt_route vt_routes_auth[] = {
    {0},
};
