/*
 * routes_notifications.c - placeholder: the notifications routes are being written.
 */
#include "server.h"

const vt_route vt_routes_notifications[] = {
    {0},
};
