/*
 * routes_products.c - placeholder: the products routes are being written.
 */
#include "server.h"

const vt_route vt_routes_products[] = {
    {0},
};
