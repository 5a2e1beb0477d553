/*
 * system.c - placeholder: health, metrics and the OpenAPI document.
 */
#include "server.h"

const vt_route vt_routes_system[] = {
    {0},
};
