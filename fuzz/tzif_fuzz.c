/*
 * tzif_fuzz.c - fuzz target for the TZif reader (RFC 8536 files and their
 * POSIX TZ footer).
 *
 * Any input either is refused with VT_EINVALID (or VT_ENOMEM) and no zone,
 * or gives a zone whose offsets stay inside the range the reader enforces
 * at every probed instant, and whose local-to-UTC conversion lands within
 * a day of the naive answer. A violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vulntrack/clock.h"
#include "vulntrack/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Instants around the epoch, the 32-bit limits and far beyond. */
    static const int64_t probes_s[] = {
        INT64_C(-5000000000), INT64_C(-2147483648), -1, 0, INT64_C(1741000000),
        INT64_C(2147483647), INT64_C(4102444800), INT64_C(10000000000),
    };
    vt_error err = VT_ERROR_INIT;
    vt_tz *tz = NULL;
    size_t i;
    int rc;

    rc = vt_tz_parse(&tz, "fuzz", data, size, &err);
    if (rc != 0) {
        if ((rc != VT_EINVALID && rc != VT_ENOMEM) || tz != NULL || err.msg[0] == '\0') {
            fprintf(stderr, "tzif_fuzz: bad refusal %d '%s'\n", rc, err.msg);
            abort();
        }
        return 0;
    }
    for (i = 0; i < sizeof(probes_s) / sizeof(probes_s[0]); i++) {
        int64_t ms = probes_s[i] * 1000;
        int32_t off = vt_tz_offset_at(tz, ms);
        int64_t back;

        if (off <= -26 * 3600 - 3600 * 2 || off >= 26 * 3600 + 3600 * 2) {
            fprintf(stderr, "tzif_fuzz: offset %ld out of range\n", (long)off);
            abort();
        }
        back = vt_tz_local_to_utc(tz, ms);
        if (back < ms - 2 * VT_MS_PER_DAY || back > ms + 2 * VT_MS_PER_DAY) {
            fprintf(stderr, "tzif_fuzz: local_to_utc far off\n");
            abort();
        }
        (void)vt_tz_local_day(tz, ms);
    }
    vt_tz_free(tz);
    return 0;
}
