/*
 * cvss4.c - CVSS v4.0 (FIRST, CVSS v4.0 Specification Document): metrics in
 * the specification's order and the MacroVector scoring method.
 *
 * The specification lists the metrics of a vector string in a fixed order
 * (base, threat, environmental, supplemental, each as in its table), and
 * FIRST's calculator rejects any other order, so the parser does too.
 *
 * Scoring (section 8): the effective value of each metric (a modified metric
 * overrides its base metric; E, CR, IR and AR default to their worst case A
 * and H) gives six equivalence-class levels EQ1..EQ6, i.e. a MacroVector with
 * a score from the table in cvss4_data.c. The vector's severity distance from
 * the highest-severity vector of its MacroVector is then interpolated towards
 * the next lower MacroVector of each EQ, the mean of those proportional
 * distances is subtracted, and the result is rounded to one decimal.
 *
 * The interpolation is defined by the reference calculator in binary
 * floating point (levels 0.0/0.1/0.2/0.3, sums and quotients of them); it is
 * reproduced here operation by operation, one per statement so that no
 * compiler may fuse them, and the final rounding adds 10^-6 before rounding
 * half up on the exact binary value, as the reference implementations do to
 * undo noise such as 8.6 - 7.15 = 1.4499999999999993.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "cvss4_data.h"
#include "cvss_internal.h"

/* clang-format off */
enum {
    M_AV, M_AC, M_AT, M_PR, M_UI, M_VC, M_VI, M_VA, M_SC, M_SI, M_SA, /* base */
    M_E,                                                              /* threat */
    M_CR, M_IR, M_AR, M_MAV, M_MAC, M_MAT, M_MPR, M_MUI,              /* environmental */
    M_MVC, M_MVI, M_MVA, M_MSC, M_MSI, M_MSA,
    M_S, M_AU, M_R, M_V, M_RE, M_U,                                   /* supplemental */
    M_COUNT
};
/* clang-format on */

static const char *const v_av[] = {"N", "A", "L", "P", NULL};
static const char *const v_ac[] = {"L", "H", NULL};
static const char *const v_at[] = {"N", "P", NULL};
static const char *const v_pr[] = {"N", "L", "H", NULL};
static const char *const v_ui[] = {"N", "P", "A", NULL};
static const char *const v_cia[] = {"H", "L", "N", NULL};
static const char *const v_e[] = {"X", "A", "P", "U", NULL};
static const char *const v_req[] = {"X", "H", "M", "L", NULL};
static const char *const v_mav[] = {"X", "N", "A", "L", "P", NULL};
static const char *const v_mac[] = {"X", "L", "H", NULL};
static const char *const v_mat[] = {"X", "N", "P", NULL};
static const char *const v_mpr[] = {"X", "N", "L", "H", NULL};
static const char *const v_mui[] = {"X", "N", "P", "A", NULL};
static const char *const v_mcia[] = {"X", "H", "L", "N", NULL};
static const char *const v_msia[] = {"X", "S", "H", "L", "N", NULL};
static const char *const v_s[] = {"X", "N", "P", NULL};
static const char *const v_au[] = {"X", "N", "Y", NULL};
static const char *const v_r[] = {"X", "A", "U", "I", NULL};
static const char *const v_v[] = {"X", "D", "C", NULL};
static const char *const v_re[] = {"X", "L", "M", "H", NULL};
static const char *const v_u[] = {"X", "Clear", "Green", "Amber", "Red", NULL};

#define B VT__CVSS_BASE
#define T VT__CVSS_TEMPORAL
#define EN VT__CVSS_ENVIRONMENTAL
#define SU VT__CVSS_SUPPLEMENTAL
/* clang-format off */
static const vt__cvss_metric metrics[M_COUNT] = {
    {"AV", v_av, B},     {"AC", v_ac, B},     {"AT", v_at, B},     {"PR", v_pr, B},
    {"UI", v_ui, B},     {"VC", v_cia, B},    {"VI", v_cia, B},    {"VA", v_cia, B},
    {"SC", v_cia, B},    {"SI", v_cia, B},    {"SA", v_cia, B},    {"E", v_e, T},
    {"CR", v_req, EN},   {"IR", v_req, EN},   {"AR", v_req, EN},   {"MAV", v_mav, EN},
    {"MAC", v_mac, EN},  {"MAT", v_mat, EN},  {"MPR", v_mpr, EN},  {"MUI", v_mui, EN},
    {"MVC", v_mcia, EN}, {"MVI", v_mcia, EN}, {"MVA", v_mcia, EN}, {"MSC", v_mcia, EN},
    {"MSI", v_msia, EN}, {"MSA", v_msia, EN}, {"S", v_s, SU},      {"AU", v_au, SU},
    {"R", v_r, SU},      {"V", v_v, SU},      {"RE", v_re, SU},    {"U", v_u, SU},
};
/* clang-format on */
#undef B
#undef T
#undef EN
#undef SU

/* The effective values the method works on, one abbreviation letter each. */
typedef struct effective {
    char av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar;
} effective;

/*
 * Effective value of base metric m: its modified metric when given (and
 * `whole`), else the base value.
 */
static char eff_base(const vt_cvss *c, int m, bool whole)
{
    int mod = M_MAV + m; /* the modified metrics follow the base order */

    if (whole && vt__cvss_defined(c, (size_t)mod))
        return metrics[mod].values[c->val[mod]][0];
    return metrics[m].values[c->val[m]][0];
}

/* Threat and requirement metrics default to their worst case when X. */
static char eff_default(const vt_cvss *c, int m, bool whole, char worst)
{
    if (whole && vt__cvss_defined(c, (size_t)m))
        return metrics[m].values[c->val[m]][0];
    return worst;
}

/*
 * `whole`: the whole vector (CVSS-B/BT/BE/BTE); otherwise the base metrics
 * alone (CVSS-B), as if every threat and environmental metric were X.
 */
static void effective_values(effective *x, const vt_cvss *c, bool whole)
{
    x->av = eff_base(c, M_AV, whole);
    x->ac = eff_base(c, M_AC, whole);
    x->at = eff_base(c, M_AT, whole);
    x->pr = eff_base(c, M_PR, whole);
    x->ui = eff_base(c, M_UI, whole);
    x->vc = eff_base(c, M_VC, whole);
    x->vi = eff_base(c, M_VI, whole);
    x->va = eff_base(c, M_VA, whole);
    x->sc = eff_base(c, M_SC, whole);
    x->si = eff_base(c, M_SI, whole);
    x->sa = eff_base(c, M_SA, whole);
    x->e = eff_default(c, M_E, whole, 'A');
    x->cr = eff_default(c, M_CR, whole, 'H');
    x->ir = eff_default(c, M_IR, whole, 'H');
    x->ar = eff_default(c, M_AR, whole, 'H');
}

/* The EQ1..EQ6 levels of section 8.2 (tables 24 to 29). */
static void macrovector(int eq[6], const effective *x)
{
    bool av_n = x->av == 'N', pr_n = x->pr == 'N', ui_n = x->ui == 'N';

    if (av_n && pr_n && ui_n)
        eq[0] = 0;
    else if ((av_n || pr_n || ui_n) && x->av != 'P')
        eq[0] = 1;
    else
        eq[0] = 2;
    eq[1] = (x->ac == 'L' && x->at == 'N') ? 0 : 1;
    if (x->vc == 'H' && x->vi == 'H')
        eq[2] = 0;
    else if (x->vc == 'H' || x->vi == 'H' || x->va == 'H')
        eq[2] = 1;
    else
        eq[2] = 2;
    if (x->si == 'S' || x->sa == 'S')
        eq[3] = 0;
    else if (x->sc == 'H' || x->si == 'H' || x->sa == 'H')
        eq[3] = 1;
    else
        eq[3] = 2;
    eq[4] = x->e == 'A' ? 0 : x->e == 'P' ? 1 : 2;
    eq[5] = ((x->cr == 'H' && x->vc == 'H') || (x->ir == 'H' && x->vi == 'H') ||
             (x->ar == 'H' && x->va == 'H'))
                ? 0
                : 1;
}

/* Severity levels in steps of 0.1, most severe first (the calculator's). */
static const double level_step[4] = {0.0, 0.1, 0.2, 0.3};

static int step_index(const char *order, char v)
{
    const char *p = strchr(order, v);

    return p ? (int)(p - order) : 0;
}

static double lvl_av(char v)
{
    return level_step[step_index("NALP", v)];
}
static double lvl_pr(char v)
{
    return level_step[step_index("NLH", v)];
}
static double lvl_ui(char v)
{
    return level_step[step_index("NPA", v)];
}
static double lvl_ac(char v)
{
    return level_step[step_index("LH", v)];
}
static double lvl_at(char v)
{
    return level_step[step_index("NP", v)];
}
static double lvl_cia(char v)
{
    return level_step[step_index("HLN", v)];
}
/* SC has no Safety value, so its scale starts at 0.1 for H. */
static double lvl_sc(char v)
{
    return level_step[step_index("SHLN", v)];
}
static double lvl_sia(char v)
{
    return level_step[step_index("SHLN", v)];
}
static double lvl_req(char v)
{
    return level_step[step_index("HML", v)];
}

/* Severity distances of the scored vector from one highest-severity vector. */
typedef struct distances {
    double av, pr, ui, ac, at, vc, vi, va, sc, si, sa, cr, ir, ar;
} distances;

static bool all_nonnegative(const distances *d)
{
    return d->av >= 0 && d->pr >= 0 && d->ui >= 0 && d->ac >= 0 && d->at >= 0 && d->vc >= 0 &&
           d->vi >= 0 && d->va >= 0 && d->sc >= 0 && d->si >= 0 && d->sa >= 0 && d->cr >= 0 &&
           d->ir >= 0 && d->ar >= 0;
}

static void distance_to(distances *d, const effective *x, const char *m1, const char *m2,
                        const char *m36, const char *m4)
{
    d->av = lvl_av(x->av) - lvl_av(m1[0]);
    d->pr = lvl_pr(x->pr) - lvl_pr(m1[1]);
    d->ui = lvl_ui(x->ui) - lvl_ui(m1[2]);
    d->ac = lvl_ac(x->ac) - lvl_ac(m2[0]);
    d->at = lvl_at(x->at) - lvl_at(m2[1]);
    d->vc = lvl_cia(x->vc) - lvl_cia(m36[0]);
    d->vi = lvl_cia(x->vi) - lvl_cia(m36[1]);
    d->va = lvl_cia(x->va) - lvl_cia(m36[2]);
    d->sc = lvl_sc(x->sc) - lvl_sc(m4[0]);
    d->si = lvl_sia(x->si) - lvl_sia(m4[1]);
    d->sa = lvl_sia(x->sa) - lvl_sia(m4[2]);
    d->cr = lvl_req(x->cr) - lvl_req(m36[3]);
    d->ir = lvl_req(x->ir) - lvl_req(m36[4]);
    d->ar = lvl_req(x->ar) - lvl_req(m36[5]);
}

/*
 * Distances from the first highest-severity vector of the MacroVector that
 * is at least as severe as the scored vector in every metric (the lists'
 * order decides between candidates). Should none qualify, the last one's
 * distances are used, as in the calculator.
 */
static void find_distances(distances *d, const effective *x, const int eq[6])
{
    const char *const *l1 = vt__cvss4_max_eq1[eq[0]];
    const char *const *l2 = vt__cvss4_max_eq2[eq[1]];
    const char *const *l36 = vt__cvss4_max_eq3eq6[eq[2]][eq[5]];
    const char *const *l4 = vt__cvss4_max_eq4[eq[3]];
    size_t i1, i2, i36, i4;

    memset(d, 0, sizeof(*d));
    for (i1 = 0; l1[i1]; i1++)
        for (i2 = 0; l2[i2]; i2++)
            for (i36 = 0; l36[i36]; i36++)
                for (i4 = 0; l4[i4]; i4++) {
                    distance_to(d, x, l1[i1], l2[i2], l36[i36], l4[i4]);
                    if (all_nonnegative(d))
                        return;
                }
}

/* Score of a neighbouring MacroVector as a double, NaN when it does not exist. */
static double neighbour(const int eq[6], int which, int delta)
{
    int n[6], s;

    memcpy(n, eq, sizeof(n));
    n[which] += delta;
    s = vt__cvss4_lookup(n);
    return s < 0 ? NAN : (double)s / 10.0;
}

/*
 * Adds one EQ's proportional distance: the available distance to the next
 * lower MacroVector times the share of the level's depth already travelled.
 * An EQ without a lower MacroVector (or with a higher one) does not count.
 */
static void add_share(double *sum, int *n, double available, double current, int depth)
{
    double max_severity, percent, normalized;

    if (!(available >= 0))
        return;
    (*n)++;
    max_severity = (double)depth * 0.1;
    percent = current / max_severity;
    normalized = available * percent;
    *sum = *sum + normalized;
}

/*
 * Round half up to one decimal, in tenths, on the exact value of the double
 * v >= 0 (ties cannot occur in binary, but the check is exact anyway).
 */
static int round_half_up10(double v)
{
    double q = floor(v * 10.0 + 0.5);

    if (fma(v, 10.0, -(q + 0.5)) >= 0)
        q += 1;
    else if (fma(v, 10.0, -(q - 0.5)) < 0)
        q -= 1;
    return (int)q;
}

static int score_of(const vt_cvss *c, bool whole)
{
    effective x;
    distances d;
    int eq[6], n_lower = 0;
    double value, lower36, cur1, cur2, cur36, cur4, sum = 0.0, mean;

    effective_values(&x, c, whole);
    if (x.vc == 'N' && x.vi == 'N' && x.va == 'N' && x.sc == 'N' && x.si == 'N' && x.sa == 'N')
        return 0;
    macrovector(eq, &x);
    /* EQ3 = 2 (no H impact) excludes EQ6 = 0, so every MacroVector has a score. */
    assert(vt__cvss4_lookup(eq) >= 0);
    value = (double)vt__cvss4_lookup(eq) / 10.0;

    /* EQ3 and EQ6 move together: 00 -> 01 or 10 (the higher), 01 -> 11, 10 -> 11, 11 -> 21. */
    if (eq[2] == 0 && eq[5] == 0) {
        double left = neighbour(eq, 5, 1), right = neighbour(eq, 2, 1);

        lower36 = right > left ? right : left;
    } else if (eq[2] == 1 && eq[5] == 0) {
        lower36 = neighbour(eq, 5, 1);
    } else {
        lower36 = neighbour(eq, 2, 1);
    }

    find_distances(&d, &x, eq);
    cur1 = d.av + d.pr;
    cur1 = cur1 + d.ui;
    cur2 = d.ac + d.at;
    cur36 = d.vc + d.vi;
    cur36 = cur36 + d.va;
    cur36 = cur36 + d.cr;
    cur36 = cur36 + d.ir;
    cur36 = cur36 + d.ar;
    cur4 = d.sc + d.si;
    cur4 = cur4 + d.sa;

    add_share(&sum, &n_lower, value - neighbour(eq, 0, 1), cur1, vt__cvss4_depth_eq1[eq[0]]);
    add_share(&sum, &n_lower, value - neighbour(eq, 1, 1), cur2, vt__cvss4_depth_eq2[eq[1]]);
    add_share(&sum, &n_lower, value - lower36, cur36, vt__cvss4_depth_eq3eq6[eq[2]][eq[5]]);
    add_share(&sum, &n_lower, value - neighbour(eq, 3, 1), cur4, vt__cvss4_depth_eq4[eq[3]]);
    /* EQ5 has no depth: it counts in the mean with a share of 0. */
    if (value - neighbour(eq, 4, 1) >= 0)
        n_lower++;

    mean = n_lower ? sum / (double)n_lower : 0.0;
    value = value - mean;
    if (value < 0.0)
        value = 0.0;
    if (value > 10.0)
        value = 10.0;
    return round_half_up10(value + 1e-6);
}

static bool group_given(const vt_cvss *c, int group)
{
    size_t i;

    for (i = 0; i < M_COUNT; i++)
        if (metrics[i].group == group && vt__cvss_defined(c, i))
            return true;
    return false;
}

static void score_v4(vt_cvss *c)
{
    static const char *const names[4] = {"CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE"};
    bool threat = group_given(c, VT__CVSS_TEMPORAL);
    bool env = group_given(c, VT__CVSS_ENVIRONMENTAL);

    c->score[VT_CVSS_SCORE_BASE] = score_of(c, false);
    c->score[VT_CVSS_SCORE_OVERALL] = score_of(c, true);
    c->nomenclature = names[(threat ? 1 : 0) + (env ? 2 : 0)];
}

const vt__cvss_def vt__cvss_v40 = {
    40, "4.0", "CVSS:4.0/", metrics, M_COUNT, 11, true, "X", score_v4,
};
