/*
 * version_distro_fuzz.c - the dpkg, rpm, apk, CRAN and Hackage orderings on
 * arbitrary bytes. The input is split at the first newline into two versions
 * (in the middle when there is no newline); when the second part holds
 * another newline, it is split again into a second and a third version.
 *
 * Under each scheme: compare and is_valid agree on validity and a refusal
 * names the side it refuses; for valid versions every version equals itself,
 * the two directions give opposite answers in -1..1, and with three versions
 * the order is transitive. A violation aborts, which is what the fuzzer
 * reports; AddressSanitizer catches reads past either side.
 *
 * The seed corpus (fuzz/corpus/version_distro/) holds pairs taken from the
 * data kit's hand-written Debian, Red Hat, Alpine, CRAN and Hackage fixtures,
 * which come from google/osv-scalibr's semantic/testdata (Apache-2.0).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const ecosystems[] = {"Debian", "Red Hat", "Alpine", "CRAN",
                                         "Hackage"};

struct side {
    char *p;
    size_t len;
};

static void require(bool ok, const char *ecosystem, const char *what)
{
    if (!ok) {
        fprintf(stderr, "version_distro_fuzz: %s: %s\n", ecosystem, what);
        abort();
    }
}

/* Compare x and y; checks the error contract and returns the result or 2. */
static int compare(const vt_version_scheme *scheme, const char *eco,
                   const struct side *x, const struct side *y)
{
    bool x_ok = vt_version_is_valid(scheme, x->p, x->len);
    bool y_ok = vt_version_is_valid(scheme, y->p, y->len);
    vt_error err = VT_ERROR_INIT;
    int out = 5, e;

    e = vt_version_compare(&out, scheme, x->p, x->len, y->p, y->len, &err);
    require(e == 0 || e == VT_EINVALID, eco, "unexpected error code");
    require((e == 0) == (x_ok && y_ok), eco, "compare and is_valid disagree");
    if (e < 0) {
        require(err.code == VT_EINVALID && err.offset == (x_ok ? 1u : 0u) &&
                    err.msg[0] != '\0',
                eco, "the refusal does not name the invalid side");
        return 2;
    }
    require(out >= -1 && out <= 1, eco, "result outside -1..1");
    return out;
}

static void check(const char *eco, const struct side *v, size_t n)
{
    const vt_version_scheme *scheme;
    int m[3][3];
    size_t i, j, l;

    require(vt_version_scheme_for(&scheme, eco, strlen(eco), NULL) == 0, eco,
            "no scheme");
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            m[i][j] = compare(scheme, eco, &v[i], &v[j]);
    for (i = 0; i < n; i++) {
        require(m[i][i] == 2 || m[i][i] == 0, eco, "a version differs from itself");
        for (j = 0; j < n; j++) {
            if (m[i][j] == 2)
                continue;
            require(m[i][j] == -m[j][i], eco, "not antisymmetric");
            for (l = 0; l < n; l++) {
                if (m[j][l] == 2 || m[i][l] == 2)
                    continue;
                /* x <= y <= z: x == z exactly when both steps are equal. */
                if (m[i][j] <= 0 && m[j][l] <= 0)
                    require(m[i][l] == ((m[i][j] || m[j][l]) ? -1 : 0), eco,
                            "not transitive");
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = size ? memchr(text, '\n', size) : NULL;
    size_t cut[3][2], n = 2, k;
    struct side v[3];

    cut[0][0] = 0;
    cut[0][1] = nl ? (size_t)(nl - text) : size / 2;
    cut[1][0] = nl ? cut[0][1] + 1 : cut[0][1];
    cut[1][1] = size - cut[1][0];
    if (nl) {
        const char *nl2 = memchr(text + cut[1][0], '\n', cut[1][1]);

        if (nl2) {
            cut[1][1] = (size_t)(nl2 - (text + cut[1][0]));
            cut[2][0] = cut[1][0] + cut[1][1] + 1;
            cut[2][1] = size - cut[2][0];
            n = 3;
        }
    }
    /* Exact-size copies, so that a read one byte past a side is caught. */
    for (k = 0; k < n; k++) {
        v[k].len = cut[k][1];
        v[k].p = vt_malloc(v[k].len ? v[k].len : 1);
        if (!v[k].p)
            abort();
        if (v[k].len)
            memcpy(v[k].p, text + cut[k][0], v[k].len);
    }
    for (k = 0; k < sizeof(ecosystems) / sizeof(ecosystems[0]); k++)
        check(ecosystems[k], v, n);
    for (k = 0; k < n; k++)
        vt_free(v[k].p);
    return 0;
}
