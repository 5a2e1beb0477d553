/*
 * version_lang_fuzz.c - the PyPI, RubyGems and Packagist orderings on
 * arbitrary bytes. The input holds two versions, split at the first newline
 * (or in the middle when there is none). Under each scheme, a comparison of
 * two valid versions must give opposite answers both ways round, every valid
 * version must equal itself, compare and is_valid must agree on validity,
 * and a refusal must name the side it refuses. A violation aborts, which is
 * what the fuzzer reports; AddressSanitizer catches reads past either side.
 *
 * The seed corpus (fuzz/corpus/version_lang/) holds pairs taken from the data
 * kit's hand-written PyPI, RubyGems and Packagist fixtures, which come from
 * google/osv-scalibr's semantic/testdata (Apache-2.0).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok, const char *ecosystem, const char *what)
{
    if (!ok) {
        fprintf(stderr, "version_lang_fuzz: %s: %s\n", ecosystem, what);
        abort();
    }
}

static void check_pair(const char *ecosystem, const char *a, size_t alen, const char *b,
                       size_t blen)
{
    const vt_version_scheme *scheme;
    vt_error err = VT_ERROR_INIT;
    int ab = 2, ba = 2, self = 2, e_ab, e_ba;
    bool a_ok, b_ok;

    require(vt_version_scheme_for(&scheme, ecosystem, strlen(ecosystem), NULL) == 0, ecosystem,
            "no scheme");
    a_ok = vt_version_is_valid(scheme, a, alen);
    b_ok = vt_version_is_valid(scheme, b, blen);
    e_ab = vt_version_compare(&ab, scheme, a, alen, b, blen, &err);
    require(e_ab == 0 || e_ab == VT_EINVALID, ecosystem, "unexpected error code");
    require((e_ab == 0) == (a_ok && b_ok), ecosystem, "compare and is_valid disagree");
    if (e_ab < 0)
        require(err.code == VT_EINVALID && err.offset == (a_ok ? 1u : 0u), ecosystem,
                "the error does not name the invalid side");
    e_ba = vt_version_compare(&ba, scheme, b, blen, a, alen, NULL);
    require((e_ba == 0) == (e_ab == 0), ecosystem, "valid in one direction only");
    if (e_ab == 0) {
        require(ab >= -1 && ab <= 1, ecosystem, "result outside -1..1");
        require(ab == -ba, ecosystem, "not antisymmetric");
    }
    if (a_ok)
        require(vt_version_compare(&self, scheme, a, alen, a, alen, NULL) == 0 && self == 0,
                ecosystem, "first version is not equal to itself");
    self = 2;
    if (b_ok)
        require(vt_version_compare(&self, scheme, b, blen, b, blen, NULL) == 0 && self == 0,
                ecosystem, "second version is not equal to itself");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ecosystems[] = {"PyPI", "RubyGems", "Packagist"};
    const char *text = (const char *)data;
    const char *nl = size ? memchr(text, '\n', size) : NULL;
    size_t alen = nl ? (size_t)(nl - text) : size / 2;
    size_t boff = nl ? alen + 1 : alen;
    size_t blen = size - boff, k;
    char *a, *b;

    /* Exact-size copies, so that a read one byte past a side is caught. */
    a = vt_malloc(alen ? alen : 1);
    b = vt_malloc(blen ? blen : 1);
    if (!a || !b)
        abort();
    if (alen)
        memcpy(a, text, alen);
    if (blen)
        memcpy(b, text + boff, blen);
    for (k = 0; k < sizeof(ecosystems) / sizeof(ecosystems[0]); k++)
        check_pair(ecosystems[k], a, alen, b, blen);
    vt_free(a);
    vt_free(b);
    return 0;
}
