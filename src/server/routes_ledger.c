/*
 * routes_ledger.c - placeholder: the ledger routes are being written.
 */
#include "server.h"

const vt_route vt_routes_ledger[] = {
    {0},
};
