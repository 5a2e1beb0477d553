/*
 * cvss_fuzz.c - fuzz target for CVSS vector parsing and scoring.
 *
 * For any input that parses, the normalised vector must parse again, give the
 * same version and every score (base, temporal, environmental, overall), the
 * same v4 nomenclature and the same value for every metric, and normalise to
 * itself. Every score must lie in 0.0..10.0. Any mismatch aborts, so that
 * libFuzzer (or the replay driver under ctest) reports it. A rejected input
 * must come with a message.
 *
 * Seed corpus (fuzz/corpus/cvss/): 42 vectors of every version taken from the
 * data kit's CVSS fixtures, which come from the tests of
 * RedHatProductSecurity/cvss (LGPL-3.0-or-later; see the kit's SOURCES.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "cvss_fuzz: %s\n  first:  %s\n  second: %s\n", what, a ? a : "(null)",
            b ? b : "(null)");
    abort();
}

/* Every metric name of every version, to compare the getters. */
static const char *const keys[] = {
    "AV",  "AC",  "Au",  "AT",  "PR",  "UI",  "S",   "C",  "I",   "A",  "VC",
    "VI",  "VA",  "SC",  "SI",  "SA",  "E",   "RL",  "RC", "CDP", "TD", "CR",
    "IR",  "AR",  "MAV", "MAC", "MAT", "MPR", "MUI", "MS", "MC",  "MI", "MA",
    "MVC", "MVI", "MVA", "MSC", "MSI", "MSA", "AU",  "R",  "V",   "RE", "U",
};

static void same_string(const char *what, const char *a, const char *b, const char *vec)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        die(what, vec, a ? a : b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_cvss *c = NULL, *c2 = NULL;
    vt_error err = VT_ERROR_INIT;
    vt_buf norm = VT_BUF_INIT, again = VT_BUF_INIT;
    size_t i;
    int k;

    if (vt_cvss_parse(&c, (const char *)data, size, &err) != 0) {
        if (c != NULL || err.msg[0] == '\0')
            die("a rejected vector needs a message and no object", err.msg, NULL);
        return 0;
    }
    if (vt_cvss_vector(&norm, c) != 0)
        die("normalising failed", NULL, NULL);
    if (vt_cvss_parse(&c2, norm.ptr, norm.len, &err) != 0)
        die("the normalised vector does not parse", norm.ptr, err.msg);
    if (vt_cvss_version(c) != vt_cvss_version(c2))
        die("the normalised vector changes the version", norm.ptr, NULL);
    for (k = VT_CVSS_SCORE_BASE; k <= VT_CVSS_SCORE_OVERALL; k++) {
        int s1 = vt_cvss_score10(c, (vt_cvss_score_kind)k);
        int s2 = vt_cvss_score10(c2, (vt_cvss_score_kind)k);

        if (s1 != s2)
            die("the normalised vector changes a score", norm.ptr, NULL);
        if (s1 < -1 || s1 > 100 || (k == VT_CVSS_SCORE_BASE && s1 < 0))
            die("score out of range", norm.ptr, NULL);
    }
    same_string("nomenclature differs", vt_cvss_nomenclature(c), vt_cvss_nomenclature(c2),
                norm.ptr);
    same_string("severity differs", vt_cvss_base_severity(c), vt_cvss_base_severity(c2), norm.ptr);
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        same_string(keys[i], vt_cvss_metric(c, keys[i]), vt_cvss_metric(c2, keys[i]), norm.ptr);
    if (vt_cvss_vector(&again, c2) != 0 || strcmp(again.ptr, norm.ptr) != 0)
        die("normalising is not idempotent", norm.ptr, again.ptr);
    vt_buf_dispose(&norm);
    vt_buf_dispose(&again);
    vt_cvss_free(c);
    vt_cvss_free(c2);
    return 0;
}
