/*
 * ledger_export_fuzz.c - fuzz target for the verification of a ledger
 * export (vt_ledger_verify_export), the parser a third party's file goes
 * through.
 *
 * The trusted key is derived from a fixed seed, the one the seed corpus
 * (fuzz/corpus/ledger_export/) was signed with, so that mutations of valid
 * exports reach the signature and chain checks. Contract checked: a refused
 * file names its line ("line N: ..."); an accepted one gives a coherent
 * result (an intact ledger has no bad entry, no unsealed entry and
 * consecutive seqs; a broken one has a reason). Any breach aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "vulntrack/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seed of the corpus's signing key: bytes 0, 1, ..., 31. */
static void fuzz_public_key(uint8_t pk[32])
{
    uint8_t seed[32], sk[64];

    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)i;
    crypto_sign_seed_keypair(pk, sk, seed);
}

static void die(const char *what, const vt_ledger_verify_result *r, const vt_error *err)
{
    fprintf(stderr, "ledger_export_fuzz: %s (intact %d, entries %lld, bad %lld, reason \"%s\", "
                    "error \"%s\")\n",
            what, r->intact, (long long)r->entries, (long long)r->bad_seq, r->reason, err->msg);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pk[32];
    static bool ready;
    vt_ledger_verify_result r;
    vt_error err = VT_ERROR_INIT;
    FILE *in;
    int rc;

    if (!ready) {
        if (sodium_init() < 0)
            abort();
        fuzz_public_key(pk);
        ready = true;
    }
    /* fmemopen refuses a zero-length buffer on some C libraries. */
    if (size == 0)
        return 0;
    in = fmemopen((void *)(uintptr_t)data, size, "r");
    if (!in)
        return 0;
    rc = vt_ledger_verify_export(in, pk, &r, &err);
    fclose(in);
    if (rc < 0) {
        if (strncmp(err.msg, "line ", 5) != 0)
            die("a refusal does not name its line", &r, &err);
        return 0;
    }
    if (r.intact) {
        if (r.bad_seq != 0 || r.reason[0] || r.unsealed != 0)
            die("intact with a failure recorded", &r, &err);
        if (r.entries > 0 && r.last_seq - r.first_seq + 1 != r.entries)
            die("intact but seqs are not consecutive", &r, &err);
        if (r.entries > 0 && r.last_checkpoint_seq != r.last_seq)
            die("intact but the newest entry is not sealed", &r, &err);
    } else if (!r.reason[0]) {
        die("broken without a reason", &r, &err);
    }
    return 0;
}
