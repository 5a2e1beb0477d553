/*
 * routes_disclosure.c - placeholder: the disclosure routes are being written.
 */
#include "server.h"

const vt_route vt_routes_disclosure[] = {
    {0},
};
