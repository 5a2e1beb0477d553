/*
 * routes_authority.c - placeholder: the authority routes are being written.
 */
#include "server.h"

const vt_route vt_routes_authority[] = {
    {0},
};
