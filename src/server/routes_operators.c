/*
 * routes_operators.c - placeholder: the operators routes are being written.
 */
#include "server.h"

const vt_route vt_routes_operators[] = {
    {0},
};
