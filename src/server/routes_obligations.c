/*
 * routes_obligations.c - placeholder: the obligations routes are being written.
 */
#include "server.h"

const vt_route vt_routes_obligations[] = {
    {0},
};
