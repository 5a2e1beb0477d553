/*
 * match_fuzz.c - vt_match_advisory on whatever advisory the OSV reader
 * accepts, asked about every version string the advisory itself contains.
 *
 * Beyond "no crash, no leak", each answer must hold together: a "yes" has a
 * reason and a "no" has no fixes; asking twice gives the same answer; and a
 * version written verbatim in an entry's `versions` list of a live advisory
 * is affected for that entry's package, whatever the ranges say (except in
 * RPM ecosystems, where the parallel-build rule may overrule an entry).
 *
 * Seeds (fuzz/corpus/match/): the records the unit tests use, copied byte for
 * byte from the data kit's OSV exports (golang/vulndb, pypa/advisory-database
 * as converted to JSON, AlmaLinux/osv-database, rustsec/advisory-db; see the
 * kit's SOURCES.md), named by id with ':' written '_'; and synthetic-*.json,
 * written for this target (limits, ties, bad events, releases, RPM builds).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/match.h"
#include "vulntrack/osv.h"
#include "vulntrack/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Queries per input, so that a record with thousands of events stays fast. */
#define FUZZ_MAX_QUERIES 256

static void fuzz_check(const vt_advisory *adv, const vt_osv_affected *a, const char *version,
                       bool must_be_affected)
{
    vt_match_query q;
    vt_match_result r1 = VT_MATCH_RESULT_INIT, r2 = VT_MATCH_RESULT_INIT;
    vt_error err = VT_ERROR_INIT;
    size_t i;
    int rc1, rc2;

    q.ecosystem = a->ecosystem;
    q.name = a->name;
    q.version = version;
    rc1 = vt_match_advisory(&r1, adv, &q, &err);
    rc2 = vt_match_advisory(&r2, adv, &q, &err);
    if (rc1 != rc2 || r1.affected != r2.affected || strcmp(r1.because, r2.because) != 0 ||
        r1.nfixed != r2.nfixed || r1.nnotes > 4)
        abort();
    if (rc1 == 0) {
        if (r1.affected != (r1.because[0] != '\0'))
            abort();
        if (!r1.affected && (r1.nfixed != 0 || r1.fixed != NULL))
            abort();
        for (i = 0; i < r1.nfixed; i++)
            if (!r1.fixed[i] || strcmp(r1.fixed[i], r2.fixed[i]) != 0)
                abort();
        if (must_be_affected && !r1.affected)
            abort();
    } else if (r1.affected || r1.fixed) {
        abort();
    }
    vt_match_result_dispose(&r1);
    vt_match_result_dispose(&r2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_advisory *adv = NULL;
    vt_error err = VT_ERROR_INIT;
    size_t i, j, k, asked = 0;

    if (vt_osv_parse(&adv, (const char *)data, size, &err) < 0)
        return 0;
    for (i = 0; i < adv->naffected && asked < FUZZ_MAX_QUERIES; i++) {
        const vt_osv_affected *a = &adv->affected[i];
        const vt_version_scheme *scheme;
        bool listed_wins;

        if (!a->ecosystem || !a->name)
            continue;
        listed_wins =
            adv->withdrawn == NULL &&
            vt_version_scheme_for(&scheme, a->ecosystem, strlen(a->ecosystem), NULL) == 0 &&
            strcmp(vt_version_scheme_name(scheme), "rpm") != 0;
        fuzz_check(adv, a, "0", false);
        fuzz_check(adv, a, "1.0.0", false);
        asked += 2;
        for (j = 0; j < a->nranges && asked < FUZZ_MAX_QUERIES; j++)
            for (k = 0; k < a->ranges[j].nevents && asked < FUZZ_MAX_QUERIES; k++, asked++)
                fuzz_check(adv, a, a->ranges[j].events[k].value, false);
        for (j = 0; j < a->nversions && asked < FUZZ_MAX_QUERIES; j++, asked++)
            fuzz_check(adv, a, a->versions[j], listed_wins);
    }
    vt_advisory_free(adv);
    return 0;
}
