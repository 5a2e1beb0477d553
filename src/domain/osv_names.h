/*
 * osv_names.h - internal: comparing package names under an ecosystem's
 * lookup rules without building the keys (see vt_osv_normalize_name).
 */
#ifndef VT_DOMAIN_OSV_NAMES_H
#define VT_DOMAIN_OSV_NAMES_H

#include "vulntrack/common.h"

/*
 * True when `a` and `b` name the same package in `ecosystem` (OSV spelling,
 * release suffix allowed): the keys vt_osv_normalize_name would append are
 * equal. Allocates nothing.
 */
bool vt__osv_name_eq(const char *ecosystem, const char *a, const char *b);

#endif
