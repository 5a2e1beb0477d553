/*
 * cvss_internal.h - what the CVSS files share: the table that describes each
 * version's metrics, the parsed vector, and a small exact decimal type for the
 * v2 and v3 formulas.
 */
#ifndef VT_CVSS_INTERNAL_H
#define VT_CVSS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "vulntrack/cvss.h"

/* v4.0 has the most metrics: 11 base, 1 threat, 14 environmental, 6 supplemental. */
#define VT__CVSS_MAX_METRICS 32

/* Metric groups; v4's threat group sits where v2/v3 have temporal. */
enum vt__cvss_group {
    VT__CVSS_BASE = 0,
    VT__CVSS_TEMPORAL,
    VT__CVSS_ENVIRONMENTAL,
    VT__CVSS_SUPPLEMENTAL,
};

typedef struct vt__cvss_metric {
    const char *key;
    const char *const *values; /* NULL-terminated, abbreviations as the spec spells them */
    unsigned char group;       /* enum vt__cvss_group */
} vt__cvss_metric;

typedef struct vt__cvss_def vt__cvss_def;

/* A parsed vector. `val[i]` indexes def->metrics[i].values, -1 when absent. */
struct vt_cvss {
    const vt__cvss_def *def;
    signed char val[VT__CVSS_MAX_METRICS];
    int score[4];             /* tenths, indexed by vt_cvss_score_kind; -1 undefined */
    const char *nomenclature; /* v4 only */
};

/* One version: its metrics in the specification's order, and its formulas. */
struct vt__cvss_def {
    int version;        /* 20, 30, 31, 40 */
    const char *name;   /* "3.1" */
    const char *prefix; /* "CVSS:3.1/"; "" for v2 */
    const vt__cvss_metric *metrics;
    size_t count;
    size_t mandatory;          /* metrics[0..mandatory) are the base metrics */
    bool ordered;              /* the specification fixes the order */
    const char *not_defined;   /* "ND" or "X" */
    void (*score)(vt_cvss *c); /* fills c->score (and c->nomenclature) */
};

extern const vt__cvss_def vt__cvss_v20;
extern const vt__cvss_def vt__cvss_v30;
extern const vt__cvss_def vt__cvss_v31;
extern const vt__cvss_def vt__cvss_v40;

/* True when metric i is present with a value other than "not defined". */
bool vt__cvss_defined(const vt_cvss *c, size_t i);

/*
 * Exact decimal numbers: value = (neg ? -1 : 1) * sum(d[i] * 10^(9i)) *
 * 10^-scale. The v2 and v3 formulas are products and sums of constants with
 * a few decimals (plus one power of at most 15), so exact arithmetic needs
 * at most ~190 digits; rounding then never depends on binary noise, which
 * matters because v3.0 rounds up (4.000000001 would become 4.1).
 */
#define VT__DEC_LIMBS 28
typedef struct vt__dec {
    uint32_t d[VT__DEC_LIMBS];
    int n;     /* limbs in use; 0 for zero */
    int scale; /* decimal digits after the point */
    bool neg;
} vt__dec;

/* x = v * 10^-scale, e.g. (56, 2) for 0.56. */
void vt__dec_set(vt__dec *x, int64_t v, int scale);
void vt__dec_add(vt__dec *out, const vt__dec *a, const vt__dec *b);
void vt__dec_sub(vt__dec *out, const vt__dec *a, const vt__dec *b);
void vt__dec_mul(vt__dec *out, const vt__dec *a, const vt__dec *b);
/* Drop trailing zero digits after the point (same value, smaller scale). */
void vt__dec_reduce(vt__dec *x);
/* -1, 0 or +1 as a is below, equal to or above b. */
int vt__dec_cmp(const vt__dec *a, const vt__dec *b);
/* trunc(|x| * 10^k); *inexact says whether a nonzero fraction was dropped. */
int64_t vt__dec_trunc(const vt__dec *x, int k, bool *inexact);
/* Round to tenths, ties away from zero (v2's round_to_1_decimal); signed. */
int vt__dec_round10(const vt__dec *x);

#endif
