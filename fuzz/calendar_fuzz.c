/*
 * calendar_fuzz.c - fuzz target for holiday calendar files.
 *
 * Any input is refused (VT_EINVALID or VT_ENOMEM, with a message and no
 * calendar) or gives a calendar in which the next working day on or after
 * any probed day is itself a working day and not before the probe. A
 * violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vulntrack/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_error err = VT_ERROR_INIT;
    vt_calendar *c = NULL;
    int64_t day, next;
    int rc;

    rc = vt_calendar_parse(&c, (const char *)data, size, "fuzz.json", &err);
    if (rc != 0) {
        if ((rc != VT_EINVALID && rc != VT_ENOMEM) || c != NULL || err.msg[0] == '\0') {
            fprintf(stderr, "calendar_fuzz: bad refusal %d '%s'\n", rc, err.msg);
            abort();
        }
        return 0;
    }
    /* 2024-01-01 .. 2027-12-31 */
    for (day = 19723; day < 19723 + 4 * 366; day += 3) {
        next = vt_calendar_next_working_day(c, day);
        (void)vt_calendar_covers(c, day);
        if (next < day || (vt_calendar_is_rest_day(c, next) && next - day < 20000)) {
            fprintf(stderr, "calendar_fuzz: next working day rule broken\n");
            abort();
        }
    }
    vt_calendar_free(c);
    return 0;
}
