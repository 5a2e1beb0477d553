/*
 * grade_cvss.c - pre-fill the GB/T 30279 technical indicators from a CVSS
 * v3.x or v4.0 vector. The correspondence is the spec's inferred one (§8.3),
 * documented in docs/grade.md; users may edit the result.
 */
#include <string.h>

#include "vulntrack/cvss.h"
#include "vulntrack/grade.h"

/* Position of `value` in the NULL-terminated list, plus one; 0 if absent. */
static int value_index(const char *value, const char *const *list)
{
    int i;

    for (i = 0; value && list[i]; i++)
        if (strcmp(value, list[i]) == 0)
            return i + 1;
    return 0;
}

/* Whether metric `key` is present with `value`. */
static bool metric_is(const vt_cvss *c, const char *key, const char *value)
{
    const char *v = vt_cvss_metric(c, key);

    return v && strcmp(v, value) == 0;
}

/* H -> serious, L -> general, N -> none (the impact enums' order). */
static vt_gbt_impact impact_of(const char *value)
{
    static const char *const impacts[] = {"H", "L", "N", NULL};

    return (vt_gbt_impact)value_index(value, impacts);
}

int vt_grade_inputs_from_cvss(vt_gbt_inputs *out, const char *vector, size_t len,
                              vt_error *err)
{
    static const char *const av[] = {"N", "A", "L", "P", NULL};
    static const char *const pr[] = {"N", "L", "H", NULL};
    vt_cvss *c = NULL;
    bool v4;
    int error;

    memset(out, 0, sizeof(*out));
    error = vt_cvss_parse(&c, vector, len, err);
    if (error < 0)
        return error;
    if (vt_cvss_version(c) == 20) {
        vt_cvss_free(c);
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "a CVSS v2 vector cannot pre-fill GB/T 30279 indicators "
                            "(use a v3.x or v4.0 vector, or set them by hand)");
    }
    v4 = vt_cvss_version(c) == 40;
    out->access_path = (vt_gbt_access_path)value_index(vt_cvss_metric(c, "AV"), av);
    out->priv_req = (vt_gbt_privilege)value_index(vt_cvss_metric(c, "PR"), pr);
    /* v4 splits v3's AC into AC and AT; either being hard makes triggering hard. */
    if (metric_is(c, "AC", "H") || (v4 && metric_is(c, "AT", "P")))
        out->trigger_req = VT_TR_HIGH;
    else
        out->trigger_req = VT_TR_LOW;
    out->interaction = metric_is(c, "UI", "N") ? VT_UI_NOT_REQUIRED : VT_UI_REQUIRED;
    out->c_imp = impact_of(vt_cvss_metric(c, v4 ? "VC" : "C"));
    out->i_imp = impact_of(vt_cvss_metric(c, v4 ? "VI" : "I"));
    out->a_imp = impact_of(vt_cvss_metric(c, v4 ? "VA" : "A"));
    vt_cvss_free(c);
    return 0;
}
