/*
 * policy_fuzz.c - fuzz target for policy profile files.
 *
 * Any input is refused (VT_EINVALID or VT_ENOMEM, with a message, leaving
 * the set empty) or adds one profile whose obligations can be computed for
 * a few case shapes without crashing: every computed due time is at or
 * after its start for hour, day and month clocks. A violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vulntrack/deadline.h"
#include "vulntrack/policy.h"
#include "vulntrack/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const vt_case_event events[] = {
        {"E_RECEIVED", INT64_C(1740963600000)},        {"E_AWARE", INT64_C(1740967200000)},
        {"E_VERIFIED", INT64_C(1741000000000)},        {"E_MEASURES_TAKEN", INT64_C(1742000000000)},
        {"E_EXPLOITED_AWARE", INT64_C(1790000000000)}, {"E_CRA_I_N_SUBMITTED", INT64_C(1790100000000)},
    };
    vt_error err = VT_ERROR_INIT;
    vt_policy_set *ps = vt_policy_set_new();
    vt_case_facts f = VT_CASE_FACTS_INIT;
    vt_deadline d[VT_DEADLINE_MAX];
    vt_deadline_input in;
    const vt_tz *utc = NULL;
    size_t n, i;
    int rc, shape;

    if (!ps)
        return 0;
    rc = vt_policy_set_parse(ps, (const char *)data, size, "fuzz.json", &err);
    if (rc != 0) {
        if ((rc != VT_EINVALID && rc != VT_ENOMEM) || vt_policy_set_count(ps) != 0 ||
            err.msg[0] == '\0') {
            fprintf(stderr, "policy_fuzz: bad refusal %d '%s'\n", rc, err.msg);
            abort();
        }
        vt_policy_set_free(ps);
        return 0;
    }
    if (vt_tz_load(&utc, "UTC", &err) != 0)
        abort();
    for (shape = 0; shape < 4; shape++) {
        f.roles = shape & 1 ? VT_PROLE_PROVIDER | VT_PROLE_EU_MANUFACTURER : VT_PROLE_OPERATOR;
        f.scope = shape & 1 ? VT_SCOPE_OWN_PRODUCT : VT_SCOPE_OPERATOR_SYSTEM;
        f.in_kev = shape & 2;
        f.kev_added_day = 20000;
        f.eu_market = true;
        f.upstream = shape & 2;
        in.facts = &f;
        in.events = events;
        in.nevents = sizeof(events) / sizeof(events[0]);
        in.org_tz = utc;
        in.calendars = NULL; /* no calendar: the legal latest is skipped */
        in.overrides = NULL;
        /* A profile naming an unknown zone is refused here, not at load. */
        if (vt_deadline_compute(vt_policy_set_at(ps, 0), &in, d, &n, &err) != 0)
            continue;
        for (i = 0; i < n; i++) {
            vt_due_kind k = d[i].def->due;
            if (d[i].has_due && (k == VT_DUE_HOURS || k == VT_DUE_DAYS || k == VT_DUE_MONTHS) &&
                d[i].due_ms < d[i].start_ms) {
                fprintf(stderr, "policy_fuzz: due before start\n");
                abort();
            }
        }
    }
    vt_policy_set_free(ps);
    return 0;
}
