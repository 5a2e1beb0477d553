/*
 * routes_cases.c - placeholder: the cases routes are being written.
 */
#include "server.h"

const vt_route vt_routes_cases[] = {
    {0},
};
