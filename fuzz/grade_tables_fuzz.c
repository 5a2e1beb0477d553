/*
 * grade_tables_fuzz.c - the GB/T 30279 table-file loader on arbitrary bytes.
 * A file that loads must grade every combination of inputs to a real level.
 */
#include <stdint.h>
#include <stdlib.h>

#include "vulntrack/grade.h"
#include "vulntrack/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_grade_tables *t = NULL;
    vt_gbt_inputs in = VT_GBT_INPUTS_INIT;
    vt_grade g;

    vt_json_init();
    if (vt_grade_tables_load(&t, (const char *)data, size, NULL) < 0)
        return 0;
    for (in.access_path = VT_AP_NETWORK; in.access_path <= VT_AP_PHYSICAL; in.access_path++)
        for (in.priv_req = VT_PRV_NONE; in.priv_req <= VT_PRV_HIGH; in.priv_req++)
            for (in.c_imp = VT_IMP_SERIOUS; in.c_imp <= VT_IMP_NONE; in.c_imp++) {
                in.trigger_req = VT_TR_HIGH;
                in.interaction = VT_UI_REQUIRED;
                in.i_imp = in.a_imp = in.c_imp;
                in.env_cost = in.env_fix_difficulty = VT_LVL_MEDIUM;
                in.env_scope = VT_LVL_NONE;
                vt_grade_compute(&g, t, &in);
                if (g.level < VT_GRADE_LOW || g.level > VT_GRADE_CRITICAL)
                    abort();
            }
    vt_grade_tables_free(t);
    return 0;
}
