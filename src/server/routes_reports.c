/*
 * routes_reports.c - placeholder: the reports routes are being written.
 */
#include "server.h"

const vt_route vt_routes_reports[] = {
    {0},
};
