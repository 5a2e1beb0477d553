/*
 * cvss3.c - CVSS v3.0 and v3.1 (FIRST specification documents, sections 7.1
 * to 7.4 and, for v3.1, Appendix A): metrics, weights and equations.
 *
 * Both specifications let the metrics of a vector appear in any order, so
 * none is imposed. Absent temporal and environmental metrics count as X, so
 * the temporal and environmental scores are always defined (with no such
 * metrics the temporal score equals the base score; the v3.1 environmental
 * score can still differ for scope Changed, because v3.1 changed the
 * Modified Impact formula).
 *
 * Everything is computed in exact decimal arithmetic. v3.0 rounds up with a
 * true ceiling to one decimal; v3.1 uses its Roundup, defined over integers
 * (input * 100000 rounded to the nearest integer, then up to a multiple of
 * 10000). Over exact values the two agree on every vector, but each version
 * gets its own definition.
 */
#include "cvss_internal.h"

/* clang-format off */
enum {
    M_AV, M_AC, M_PR, M_UI, M_S, M_C, M_I, M_A,          /* base */
    M_E, M_RL, M_RC,                                     /* temporal */
    M_CR, M_IR, M_AR, M_MAV, M_MAC, M_MPR, M_MUI, M_MS, /* environmental */
    M_MC, M_MI, M_MA,
    M_COUNT
};
/* clang-format on */

static const char *const v_av[] = {"N", "A", "L", "P", NULL};
static const char *const v_ac[] = {"L", "H", NULL};
static const char *const v_pr[] = {"N", "L", "H", NULL};
static const char *const v_ui[] = {"N", "R", NULL};
static const char *const v_s[] = {"U", "C", NULL};
static const char *const v_cia[] = {"H", "L", "N", NULL};
static const char *const v_e[] = {"X", "H", "F", "P", "U", NULL};
static const char *const v_rl[] = {"X", "U", "W", "T", "O", NULL};
static const char *const v_rc[] = {"X", "C", "R", "U", NULL};
static const char *const v_req[] = {"X", "H", "M", "L", NULL};
static const char *const v_mav[] = {"X", "N", "A", "L", "P", NULL};
static const char *const v_mac[] = {"X", "L", "H", NULL};
static const char *const v_mpr[] = {"X", "N", "L", "H", NULL};
static const char *const v_mui[] = {"X", "N", "R", NULL};
static const char *const v_ms[] = {"X", "U", "C", NULL};
static const char *const v_mcia[] = {"X", "H", "L", "N", NULL};

#define B VT__CVSS_BASE
#define T VT__CVSS_TEMPORAL
#define EN VT__CVSS_ENVIRONMENTAL
/* clang-format off */
static const vt__cvss_metric metrics[M_COUNT] = {
    {"AV", v_av, B},     {"AC", v_ac, B},     {"PR", v_pr, B},     {"UI", v_ui, B},
    {"S", v_s, B},       {"C", v_cia, B},     {"I", v_cia, B},     {"A", v_cia, B},
    {"E", v_e, T},       {"RL", v_rl, T},     {"RC", v_rc, T},     {"CR", v_req, EN},
    {"IR", v_req, EN},   {"AR", v_req, EN},   {"MAV", v_mav, EN},  {"MAC", v_mac, EN},
    {"MPR", v_mpr, EN},  {"MUI", v_mui, EN},  {"MS", v_ms, EN},    {"MC", v_mcia, EN},
    {"MI", v_mcia, EN},  {"MA", v_mcia, EN},
};
/* clang-format on */
#undef B
#undef T
#undef EN

/*
 * Section 7.4 weights in hundredths, by value abbreviation. Privileges
 * Required depends on the (modified) scope.
 */
static int weight_of(const char *v, int m, bool scope_changed)
{
    switch (m) {
    case M_AV:
        return v[0] == 'N' ? 85 : v[0] == 'A' ? 62 : v[0] == 'L' ? 55 : 20;
    case M_AC:
        return v[0] == 'L' ? 77 : 44;
    case M_PR:
        if (v[0] == 'N')
            return 85;
        if (v[0] == 'L')
            return scope_changed ? 68 : 62;
        return scope_changed ? 50 : 27;
    case M_UI:
        return v[0] == 'N' ? 85 : 62;
    case M_C:
        return v[0] == 'H' ? 56 : v[0] == 'L' ? 22 : 0;
    case M_E:
        return v[0] == 'F' ? 97 : v[0] == 'P' ? 94 : v[0] == 'U' ? 91 : 100;
    case M_RL:
        return v[0] == 'W' ? 97 : v[0] == 'T' ? 96 : v[0] == 'O' ? 95 : 100;
    case M_RC:
        return v[0] == 'R' ? 96 : v[0] == 'U' ? 92 : 100;
    case M_CR:
        return v[0] == 'H' ? 150 : v[0] == 'L' ? 50 : 100;
    default:
        return 0;
    }
}

/* The value of metric m as written, or "X" when absent. */
static const char *value_of(const vt_cvss *c, int m)
{
    return c->val[m] < 0 ? "X" : metrics[m].values[c->val[m]];
}

/*
 * The value an environmental formula uses for base metric `m`: its modified
 * metric when that is given, else the base value.
 */
static const char *effective(const vt_cvss *c, int m, bool modified)
{
    static const int modified_of[M_A + 1] = {M_MAV, M_MAC, M_MPR, M_MUI, M_MS, M_MC, M_MI, M_MA};

    if (modified && vt__cvss_defined(c, (size_t)modified_of[m]))
        return value_of(c, modified_of[m]);
    return value_of(c, m);
}

/* Weight as an exact decimal; C, I and A share one table, as do CR, IR, AR. */
static void w(vt__dec *out, const vt_cvss *c, int m, bool modified, bool scope_changed)
{
    int table = (m == M_I || m == M_A) ? M_C : (m == M_IR || m == M_AR) ? M_CR : m;
    const char *v = m <= M_A ? effective(c, m, modified) : value_of(c, m);

    vt__dec_set(out, weight_of(v, table, scope_changed), 2);
}

static void num(vt__dec *out, int64_t v, int scale)
{
    vt__dec_set(out, v, scale);
}

/* x^n for n >= 1 by squaring (exact). */
static void power(vt__dec *out, const vt__dec *x, int n)
{
    vt__dec r, b = *x;
    bool have = false;

    /* Fewer digits in, far fewer out: 0.915000000^15 needs 45, not 135. */
    vt__dec_reduce(&b);
    for (; n > 0; n >>= 1) {
        if (n & 1) {
            if (have)
                vt__dec_mul(&r, &r, &b);
            else
                r = b;
            have = true;
        }
        if (n > 1)
            vt__dec_mul(&b, &b, &b);
    }
    *out = r;
}

/*
 * Round up to one decimal, in tenths, for a value >= 0: v3.0's "smallest
 * number, specified to one decimal place, that is equal to or higher than its
 * input", or v3.1's Roundup from Appendix A.
 */
static int round_up(const vt__dec *x, bool v31)
{
    bool inexact;
    int64_t t;

    if (!v31) {
        t = vt__dec_trunc(x, 1, &inexact);
        return (int)(inexact ? t + 1 : t);
    } else {
        vt__dec two, twice;
        int64_t int_input;

        /* round_to_nearest_integer(x * 100000), halves going up. */
        vt__dec_set(&two, 2, 0);
        vt__dec_mul(&twice, x, &two);
        int_input = (vt__dec_trunc(&twice, 5, &inexact) + 1) / 2;
        if (int_input % 10000 == 0)
            return (int)(int_input / 10000);
        return (int)(int_input / 10000 + 1);
    }
}

/*
 * The impact subscore for an ISS (ISC base) under the given scope:
 * Unchanged 6.42 * ISS; Changed 7.52 * (ISS - 0.029) - 3.25 * (ISS - 0.02)^15,
 * or, for the v3.1 modified impact, 7.52 * (MISS - 0.029) -
 * 3.25 * (MISS * 0.9731 - 0.02)^13.
 */
static void impact_subscore(vt__dec *out, const vt__dec *iss, bool changed, bool v31_modified)
{
    vt__dec k, x, p;

    if (!changed) {
        num(&k, 642, 2);
        vt__dec_mul(out, &k, iss);
        return;
    }
    num(&k, 29, 3);
    vt__dec_sub(&x, iss, &k);
    num(&k, 752, 2);
    vt__dec_mul(&x, &k, &x);
    if (v31_modified) {
        num(&k, 9731, 4);
        vt__dec_mul(&p, iss, &k);
        num(&k, 2, 2);
        vt__dec_sub(&p, &p, &k);
        power(&p, &p, 13);
    } else {
        num(&k, 2, 2);
        vt__dec_sub(&p, iss, &k);
        power(&p, &p, 15);
    }
    num(&k, 325, 2);
    vt__dec_mul(&p, &k, &p);
    vt__dec_sub(out, &x, &p);
}

/*
 * The base score (modified = false) or the environmental score's inner
 * rounded value (modified = true), in tenths; 0 when the impact is <= 0.
 */
static int base_like(const vt_cvss *c, bool modified, bool v31)
{
    static const int imp[3] = {M_C, M_I, M_A}, req[3] = {M_CR, M_IR, M_AR};
    bool changed = effective(c, M_S, modified)[0] == 'C';
    vt__dec one, prod, x, r, iss, impact, expl, k;
    int i;

    num(&one, 1, 0);
    prod = one;
    for (i = 0; i < 3; i++) {
        w(&x, c, imp[i], modified, changed);
        if (modified) {
            w(&r, c, req[i], modified, changed);
            vt__dec_mul(&x, &x, &r);
        }
        vt__dec_sub(&x, &one, &x);
        vt__dec_mul(&prod, &prod, &x);
    }
    vt__dec_sub(&iss, &one, &prod);
    if (modified) {
        num(&k, 915, 3);
        if (vt__dec_cmp(&iss, &k) > 0)
            iss = k;
    }
    impact_subscore(&impact, &iss, changed, modified && v31);
    num(&k, 0, 0);
    if (vt__dec_cmp(&impact, &k) <= 0)
        return 0;

    num(&expl, 822, 2);
    w(&x, c, M_AV, modified, changed);
    vt__dec_mul(&expl, &expl, &x);
    w(&x, c, M_AC, modified, changed);
    vt__dec_mul(&expl, &expl, &x);
    w(&x, c, M_PR, modified, changed);
    vt__dec_mul(&expl, &expl, &x);
    w(&x, c, M_UI, modified, changed);
    vt__dec_mul(&expl, &expl, &x);

    vt__dec_add(&x, &impact, &expl);
    if (changed) {
        num(&k, 108, 2);
        vt__dec_mul(&x, &k, &x);
    }
    num(&k, 10, 0);
    if (vt__dec_cmp(&x, &k) > 0)
        x = k;
    return round_up(&x, v31);
}

/* Round up(score * E * RL * RC) for a score in tenths. */
static int times_temporal(const vt_cvss *c, int score10, bool v31)
{
    vt__dec x, y;

    num(&x, score10, 1);
    w(&y, c, M_E, false, false);
    vt__dec_mul(&x, &x, &y);
    w(&y, c, M_RL, false, false);
    vt__dec_mul(&x, &x, &y);
    w(&y, c, M_RC, false, false);
    vt__dec_mul(&x, &x, &y);
    return round_up(&x, v31);
}

static void score_v3(vt_cvss *c)
{
    bool v31 = c->def->version == 31;
    int base = base_like(c, false, v31), env = base_like(c, true, v31);

    c->score[VT_CVSS_SCORE_BASE] = base;
    c->score[VT_CVSS_SCORE_TEMPORAL] = times_temporal(c, base, v31);
    c->score[VT_CVSS_SCORE_ENVIRONMENTAL] = env > 0 ? times_temporal(c, env, v31) : 0;
}

const vt__cvss_def vt__cvss_v30 = {
    30, "3.0", "CVSS:3.0/", metrics, M_COUNT, 8, false, "X", score_v3,
};

const vt__cvss_def vt__cvss_v31 = {
    31, "3.1", "CVSS:3.1/", metrics, M_COUNT, 8, false, "X", score_v3,
};
