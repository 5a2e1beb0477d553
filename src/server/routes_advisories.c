/*
 * routes_advisories.c - placeholder: the advisories routes are being written.
 */
#include "server.h"

const vt_route vt_routes_advisories[] = {
    {0},
};
