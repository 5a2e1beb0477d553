/*
 * cvss4_data.h - the CVSS v4.0 tables (cvss4_data.c) used by cvss4.c.
 */
#ifndef VT_CVSS4_DATA_H
#define VT_CVSS4_DATA_H

/* 3 * 2 * 3 * 3 * 3 * 2 combinations of EQ1..EQ6 levels. */
#define VT__CVSS4_MACROVECTORS 324

/* Score in tenths of the MacroVector with levels eq[0..5], or -1 if none. */
int vt__cvss4_lookup(const int eq[6]);

extern const char *const *const vt__cvss4_max_eq1[3];
extern const char *const *const vt__cvss4_max_eq2[2];
extern const char *const *const vt__cvss4_max_eq3eq6[3][2];
extern const char *const *const vt__cvss4_max_eq4[3];

extern const int vt__cvss4_depth_eq1[3];
extern const int vt__cvss4_depth_eq2[2];
extern const int vt__cvss4_depth_eq3eq6[3][2];
extern const int vt__cvss4_depth_eq4[3];

#endif
