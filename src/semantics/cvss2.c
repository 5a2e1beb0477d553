/*
 * cvss2.c - CVSS v2.0 (FIRST, "A Complete Guide to the Common Vulnerability
 * Scoring System Version 2.0", sections 2.4 and 3.2): the metrics in the
 * guide's order and the base, temporal and environmental equations.
 *
 * The guide lists vector metrics "in a predetermined order", so the order is
 * enforced; a group may be left out entirely or in part. Every value is
 * computed in exact decimal arithmetic and rounded with round_to_1_decimal
 * (half away from zero), so x.x5 boundaries never depend on binary floating
 * point.
 */
#include "cvss_internal.h"

/* clang-format off */
enum {
    M_AV, M_AC, M_AU, M_C, M_I, M_A, /* base */
    M_E, M_RL, M_RC,                 /* temporal */
    M_CDP, M_TD, M_CR, M_IR, M_AR,   /* environmental */
    M_COUNT
};
/* clang-format on */

static const char *const v_av[] = {"L", "A", "N", NULL};
static const char *const v_ac[] = {"H", "M", "L", NULL};
static const char *const v_au[] = {"M", "S", "N", NULL};
static const char *const v_cia[] = {"N", "P", "C", NULL};
static const char *const v_e[] = {"U", "POC", "F", "H", "ND", NULL};
static const char *const v_rl[] = {"OF", "TF", "W", "U", "ND", NULL};
static const char *const v_rc[] = {"UC", "UR", "C", "ND", NULL};
static const char *const v_cdp[] = {"N", "L", "LM", "MH", "H", "ND", NULL};
static const char *const v_td[] = {"N", "L", "M", "H", "ND", NULL};
static const char *const v_req[] = {"L", "M", "H", "ND", NULL};

/* clang-format off */
static const vt__cvss_metric metrics[M_COUNT] = {
    {"AV", v_av, VT__CVSS_BASE},           {"AC", v_ac, VT__CVSS_BASE},
    {"Au", v_au, VT__CVSS_BASE},           {"C", v_cia, VT__CVSS_BASE},
    {"I", v_cia, VT__CVSS_BASE},           {"A", v_cia, VT__CVSS_BASE},
    {"E", v_e, VT__CVSS_TEMPORAL},         {"RL", v_rl, VT__CVSS_TEMPORAL},
    {"RC", v_rc, VT__CVSS_TEMPORAL},       {"CDP", v_cdp, VT__CVSS_ENVIRONMENTAL},
    {"TD", v_td, VT__CVSS_ENVIRONMENTAL},  {"CR", v_req, VT__CVSS_ENVIRONMENTAL},
    {"IR", v_req, VT__CVSS_ENVIRONMENTAL}, {"AR", v_req, VT__CVSS_ENVIRONMENTAL},
};
/* clang-format on */

/*
 * The guide's weights (section 3.2.1-3.2.3), as integers with a scale of
 * decimal digits, in the order of the value lists above. The last entry of
 * each optional metric is ND, which is also what an absent metric counts as.
 */
typedef struct weights {
    int scale;
    int w[6];
} weights;

static const weights weight[M_COUNT] = {
    [M_AV] = {3, {395, 646, 1000}},      [M_AC] = {2, {35, 61, 71}},
    [M_AU] = {3, {450, 560, 704}},       [M_C] = {3, {0, 275, 660}},
    [M_I] = {3, {0, 275, 660}},          [M_A] = {3, {0, 275, 660}},
    [M_E] = {2, {85, 90, 95, 100, 100}}, [M_RL] = {2, {87, 90, 95, 100, 100}},
    [M_RC] = {2, {90, 95, 100, 100}},    [M_CDP] = {1, {0, 1, 3, 4, 5, 0}},
    [M_TD] = {2, {0, 25, 75, 100, 100}}, [M_CR] = {2, {50, 100, 151, 100}},
    [M_IR] = {2, {50, 100, 151, 100}},   [M_AR] = {2, {50, 100, 151, 100}},
};

/* Weight of metric m as an exact decimal; an absent metric weighs as ND. */
static void w(vt__dec *out, const vt_cvss *c, int m)
{
    int v = c->val[m];

    if (v < 0) {
        /* Only optional metrics can be absent; ND is their last value. */
        for (v = 0; metrics[m].values[v + 1]; v++)
            ;
    }
    vt__dec_set(out, weight[m].w[v], weight[m].scale);
}

static void num(vt__dec *out, int64_t v, int scale)
{
    vt__dec_set(out, v, scale);
}

/*
 * Impact = 10.41*(1-(1-ConfImpact)*(1-IntegImpact)*(1-AvailImpact)), or with
 * `adjusted` the environmental AdjustedImpact, where each impact is weighed
 * by its security requirement and the result is capped at 10.
 */
static void impact(vt__dec *out, const vt_cvss *c, bool adjusted)
{
    static const int imp[3] = {M_C, M_I, M_A}, req[3] = {M_CR, M_IR, M_AR};
    vt__dec one, prod, x, r, k;
    int i;

    num(&one, 1, 0);
    prod = one;
    for (i = 0; i < 3; i++) {
        w(&x, c, imp[i]);
        if (adjusted) {
            w(&r, c, req[i]);
            vt__dec_mul(&x, &x, &r);
        }
        vt__dec_sub(&x, &one, &x);
        vt__dec_mul(&prod, &prod, &x);
    }
    vt__dec_sub(&x, &one, &prod);
    num(&k, 1041, 2);
    vt__dec_mul(out, &k, &x);
    if (adjusted) {
        num(&k, 10, 0);
        if (vt__dec_cmp(out, &k) > 0)
            *out = k;
    }
}

/*
 * BaseScore = round_to_1_decimal(((0.6*Impact)+(0.4*Exploitability)-1.5)*f(Impact))
 * with Exploitability = 20*AccessVector*AccessComplexity*Authentication and
 * f(Impact) = 0 when Impact is 0, else 1.176. In tenths, not clamped.
 */
static int base_equation(const vt_cvss *c, bool adjusted)
{
    vt__dec imp, expl, x, k, sum;

    impact(&imp, c, adjusted);
    num(&expl, 20, 0);
    w(&x, c, M_AV);
    vt__dec_mul(&expl, &expl, &x);
    w(&x, c, M_AC);
    vt__dec_mul(&expl, &expl, &x);
    w(&x, c, M_AU);
    vt__dec_mul(&expl, &expl, &x);

    num(&k, 6, 1);
    vt__dec_mul(&sum, &k, &imp);
    num(&k, 4, 1);
    vt__dec_mul(&x, &k, &expl);
    vt__dec_add(&sum, &sum, &x);
    num(&k, 15, 1);
    vt__dec_sub(&sum, &sum, &k);
    num(&k, imp.n == 0 ? 0 : 1176, 3);
    vt__dec_mul(&sum, &sum, &k);
    return vt__dec_round10(&sum);
}

/* round_to_1_decimal(score * E * RL * RC) for a score in tenths. */
static int temporal_equation(const vt_cvss *c, int score10)
{
    vt__dec x, y;

    num(&x, score10, 1);
    w(&y, c, M_E);
    vt__dec_mul(&x, &x, &y);
    w(&y, c, M_RL);
    vt__dec_mul(&x, &x, &y);
    w(&y, c, M_RC);
    vt__dec_mul(&x, &x, &y);
    return vt__dec_round10(&x);
}

static bool group_given(const vt_cvss *c, int group)
{
    size_t i;

    for (i = 0; i < M_COUNT; i++)
        if (metrics[i].group == group && vt__cvss_defined(c, i))
            return true;
    return false;
}

static int clamp0(int v)
{
    return v < 0 ? 0 : v;
}

/*
 * Temporal and environmental scores exist only when their group has a
 * metric other than ND, as NVD shows them; the other metrics of the group
 * then count as ND.
 */
static void score_v2(vt_cvss *c)
{
    int base = clamp0(base_equation(c, false));

    c->score[VT_CVSS_SCORE_BASE] = base;
    if (group_given(c, VT__CVSS_TEMPORAL))
        c->score[VT_CVSS_SCORE_TEMPORAL] = clamp0(temporal_equation(c, base));
    if (group_given(c, VT__CVSS_ENVIRONMENTAL)) {
        /*
         * EnvironmentalScore = round_to_1_decimal((AdjustedTemporal +
         * (10-AdjustedTemporal)*CollateralDamagePotential)*TargetDistribution),
         * AdjustedTemporal being the temporal equation over the base equation
         * with AdjustedImpact. The adjusted base can be negative (a low
         * requirement on a small impact) and is deliberately not clamped.
         */
        int adj = temporal_equation(c, base_equation(c, true));
        vt__dec at, x, y;

        num(&at, adj, 1);
        num(&x, 10, 0);
        vt__dec_sub(&x, &x, &at);
        w(&y, c, M_CDP);
        vt__dec_mul(&x, &x, &y);
        vt__dec_add(&x, &x, &at);
        w(&y, c, M_TD);
        vt__dec_mul(&x, &x, &y);
        c->score[VT_CVSS_SCORE_ENVIRONMENTAL] = clamp0(vt__dec_round10(&x));
    }
}

const vt__cvss_def vt__cvss_v20 = {
    20, "2.0", "", metrics, M_COUNT, 6, true, "ND", score_v2,
};
