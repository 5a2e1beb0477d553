/*
 * version_semverlike_fuzz.c - the semver, NuGet, Pub and Maven orderings on
 * arbitrary bytes. The input is two versions, split at the first newline (or
 * in the middle when there is none); each scheme must give the same answer
 * both ways round (antisymmetry), find each valid version equal to itself,
 * agree with its own is_valid, and never read outside the given lengths.
 * Any violation aborts, which is what the fuzzer reports.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *scheme, const char *what)
{
    if (!ok) {
        fprintf(stderr, "version_semverlike_fuzz: %s: %s\n", scheme, what);
        abort();
    }
}

static void check_scheme(const char *eco, const char *a, size_t alen, const char *b, size_t blen)
{
    const vt_version_scheme *s;
    vt_error err = VT_ERROR_INIT;
    bool va, vb;
    int ab = 2, ba = 2, aa = 2, bb = 2, e1, e2;

    if (vt_version_scheme_for(&s, eco, strlen(eco), &err) < 0)
        abort();
    va = vt_version_is_valid(s, a, alen);
    vb = vt_version_is_valid(s, b, blen);
    e1 = vt_version_compare(&ab, s, a, alen, b, blen, &err);
    e2 = vt_version_compare(&ba, s, b, blen, a, alen, &err);
    check(e1 == 0 || e1 == VT_EINVALID, eco, "unexpected error code");
    check((e1 == 0) == (va && vb), eco, "compare and is_valid disagree");
    check((e1 == 0) == (e2 == 0), eco, "error in one direction only");
    if (e1 == 0) {
        check(ab >= -1 && ab <= 1, eco, "result outside -1..1");
        check(ab == -ba, eco, "not antisymmetric");
    } else {
        /* A failed compare names the bad side: 0 for a, 1 for b. */
        check(err.code == VT_EINVALID && err.offset <= 1, eco, "error detail");
    }
    if (va) {
        check(vt_version_compare(&aa, s, a, alen, a, alen, NULL) == 0 && aa == 0, eco,
              "a is not equal to itself");
    }
    if (vb) {
        check(vt_version_compare(&bb, s, b, blen, b, blen, NULL) == 0 && bb == 0, eco,
              "b is not equal to itself");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *ecosystems[] = {"npm", "NuGet", "Pub", "Maven"};
    const char *text = size ? (const char *)data : "";
    const char *nl = size ? memchr(text, '\n', size) : NULL;
    size_t alen = nl ? (size_t)(nl - text) : size / 2;
    size_t boff = nl ? alen + 1 : alen;
    char *a, *b;
    size_t i;

    /*
     * Copy each side into its own exact-size block, so that AddressSanitizer
     * catches a read one byte past either end.
     */
    a = vt_malloc(alen ? alen : 1);
    b = vt_malloc(size - boff ? size - boff : 1);
    if (!a || !b)
        abort();
    if (alen)
        memcpy(a, text, alen);
    if (size > boff)
        memcpy(b, text + boff, size - boff);
    for (i = 0; i < sizeof(ecosystems) / sizeof(ecosystems[0]); i++)
        check_scheme(ecosystems[i], a, alen, b, size - boff);
    vt_free(a);
    vt_free(b);
    return 0;
}
