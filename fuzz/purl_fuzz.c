/*
 * purl_fuzz.c - fuzz target for package URL parsing.
 *
 * For any input that parses (lenient and strict mode), the canonical form
 * must parse again in strict mode to the same canonical form, building from
 * the parsed components must give that form too, and the OSV mapping must be
 * the same for the original and the reparsed purl. Any mismatch aborts, so
 * that libFuzzer (or the replay driver under ctest) reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/purl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "purl_fuzz: %s\n  first:  %s\n  second: %s\n", what, a ? a : "(null)",
            b ? b : "(null)");
    abort();
}

/* Canonical form of p; aborts on allocation failure (not expected here). */
static void canonical(vt_buf *out, const vt_purl *p)
{
    vt_buf_clear(out);
    if (vt_purl_canonical(out, p) < 0)
        die("canonical form failed", NULL, NULL);
}

/* The components of p as build input, then the canonical form of the build. */
static void rebuild(vt_buf *out, const vt_purl *p, const char *want)
{
    vt_purl_qualifier quals[64];
    vt_purl_parts parts = VT_PURL_PARTS_INIT;
    vt_error err = VT_ERROR_INIT;
    vt_purl *b = NULL;
    size_t i, n = vt_purl_qualifier_count(p);

    if (n > sizeof(quals) / sizeof(quals[0]))
        return;
    for (i = 0; i < n; i++)
        quals[i] = *vt_purl_qualifier_at(p, i);
    parts.type = vt_purl_type(p);
    parts.namespace_ = vt_purl_namespace(p);
    parts.name = vt_purl_name(p);
    parts.version = vt_purl_version(p);
    parts.subpath = vt_purl_subpath(p);
    parts.qualifiers = quals;
    parts.qualifier_count = n;
    parts.flags = VT_PURL_STRICT;
    if (vt_purl_build(&b, &parts, &err) != 0)
        die("building from parsed components failed", want, err.msg);
    canonical(out, b);
    if (strcmp(out->ptr, want) != 0)
        die("build and parse disagree", want, out->ptr);
    vt_purl_free(b);
}

static void check(const char *s, size_t len, unsigned flags)
{
    vt_buf c1 = VT_BUF_INIT, c2 = VT_BUF_INIT, c3 = VT_BUF_INIT;
    vt_buf e1 = VT_BUF_INIT, n1 = VT_BUF_INIT, e2 = VT_BUF_INIT, n2 = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    vt_purl *p = NULL, *q = NULL;
    int m1, m2;

    if (vt_purl_parse_ex(&p, s, len, flags, &err) != 0) {
        if (!err.msg[0] || memchr(err.msg, '\n', strlen(err.msg)))
            die("failure without a one-line message", err.msg, NULL);
        return;
    }
    if (!vt_purl_name(p)[0])
        die("empty name accepted", vt_purl_type(p), NULL);
    canonical(&c1, p);
    if (vt_purl_parse_ex(&q, c1.ptr, c1.len, VT_PURL_STRICT, &err) != 0)
        die("canonical form does not parse", c1.ptr, err.msg);
    canonical(&c2, q);
    if (strcmp(c1.ptr, c2.ptr) != 0)
        die("canonical form is not stable", c1.ptr, c2.ptr);
    rebuild(&c3, p, c1.ptr);
    m1 = vt_purl_osv(&e1, &n1, p);
    m2 = vt_purl_osv(&e2, &n2, q);
    if (m1 < 0 || m1 != m2 || strcmp(e1.ptr, e2.ptr) != 0 || strcmp(n1.ptr, n2.ptr) != 0)
        die("OSV mapping changes after canonicalisation", e1.ptr, e2.ptr);
    if (m1 == 1 && (!e1.len || !n1.len))
        die("OSV mapping with an empty part", e1.ptr, n1.ptr);
    vt_purl_free(p);
    vt_purl_free(q);
    vt_buf_dispose(&c1);
    vt_buf_dispose(&c2);
    vt_buf_dispose(&c3);
    vt_buf_dispose(&e1);
    vt_buf_dispose(&n1);
    vt_buf_dispose(&e2);
    vt_buf_dispose(&n2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check((const char *)data, size, 0);
    check((const char *)data, size, VT_PURL_STRICT);
    return 0;
}
