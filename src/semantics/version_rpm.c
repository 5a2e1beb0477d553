/*
 * version_rpm.c - RPM package versions (Red Hat, AlmaLinux, Rocky Linux,
 * openSUSE, SUSE, Mageia, Photon OS, openEuler, Azure Linux), ordered as
 * rpm orders [epoch:]version[-release] labels.
 *
 * The string is split the way rpm's own EVR parser (rpmverParse(), behind
 * Python's rpm.ver() and Lua's rpm.ver()) splits it: the epoch is the run of
 * ASCII digits at the start when a ':' follows it ("0" when that run is
 * empty, and when there is no such prefix at all, so "a:1" is a version with
 * a colon, not an epoch), and the release is everything after the LAST '-'
 * of the rest. rpm cannot build Version or Release values holding '-', so
 * every real EVR has at most one and the choice of the last one matters only
 * for strings no package carries (osv-scalibr splits at the first '-').
 *
 * The three parts are then compared as Python's rpm.labelCompare() compares
 * (epoch, version, release) tuples: epochs and versions with rpmvercmp(), and
 * a missing release sorts before any present one, even an empty one, so
 * "1" < "1-" and "1" < "1-0"; two present releases compare with rpmvercmp().
 *
 * rpmvercmp(): characters other than ASCII letters, digits, '~' and '^' only
 * separate segments; '~' sorts before everything, even the end of the string
 * (1.0~rc1 < 1.0); '^' sorts after the end of the string but before anything
 * else (1.0 < 1.0^git1 < 1.0.1); digit segments compare by numeric value with
 * leading zeros ignored and beat letter segments; letter segments compare
 * byte-wise; when all segments agree, the string with segments left wins.
 *
 * Accepted: any non-empty string without blanks or control bytes whose
 * version part is not empty (labelCompare() refuses an empty version). Bytes
 * above 0x7f are separators, as in rpm. Comparing never allocates.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

/* A label split into its parts; each is a view into the input. */
struct rpm_evr {
    const char *epoch; /* digits; "0" when there is none */
    size_t epoch_len;
    const char *version;
    size_t version_len;
    const char *release; /* NULL when the label has no '-' */
    size_t release_len;
};

/* Split s[0..len); returns NULL or the reason it is not an RPM label. */
static const char *rpm_parse(struct rpm_evr *v, const char *s, size_t len)
{
    const char *why;
    size_t digits, start, hyphen;

    why = vt__version_text_problem(s, len);
    if (why)
        return why;
    for (digits = 0; digits < len && vt_is_digit((unsigned char)s[digits]); digits++)
        ;
    v->epoch = "0";
    v->epoch_len = 1;
    start = 0;
    if (digits < len && s[digits] == ':') {
        if (digits > 0) {
            v->epoch = s;
            v->epoch_len = digits;
        }
        start = digits + 1;
    }
    for (hyphen = len; hyphen > start && s[hyphen - 1] != '-'; hyphen--)
        ;
    v->version = s + start;
    v->release = NULL;
    v->release_len = 0;
    if (hyphen > start) {
        v->version_len = hyphen - 1 - start;
        v->release = s + hyphen;
        v->release_len = len - hyphen;
    } else {
        v->version_len = len - start;
    }
    if (v->version_len == 0)
        return "version part (between the epoch and the release) is empty";
    return NULL;
}

/* Whether c only separates segments. */
static bool rpm_is_sep(int c)
{
    return !vt_is_alnum(c) && c != '~' && c != '^';
}

/* rpmvercmp() over two (ptr, len) strings; returns -1, 0 or +1. */
static int rpm_vercmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;

    if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
        return 0;
    while (i < alen || j < blen) {
        size_t ie, je;
        bool numeric;
        int c;

        while (i < alen && rpm_is_sep((unsigned char)a[i]))
            i++;
        while (j < blen && rpm_is_sep((unsigned char)b[j]))
            j++;
        /* A tilde sorts before anything, the end of the string included. */
        if ((i < alen && a[i] == '~') || (j < blen && b[j] == '~')) {
            if (i >= alen || a[i] != '~')
                return 1;
            if (j >= blen || b[j] != '~')
                return -1;
            i++;
            j++;
            continue;
        }
        /* A caret sorts after the end of the string, before anything else. */
        if ((i < alen && a[i] == '^') || (j < blen && b[j] == '^')) {
            if (i >= alen)
                return -1;
            if (j >= blen)
                return 1;
            if (a[i] != '^')
                return 1;
            if (b[j] != '^')
                return -1;
            i++;
            j++;
            continue;
        }
        if (i >= alen || j >= blen)
            break;
        /* The segment's kind is decided by a's first character. */
        numeric = vt_is_digit((unsigned char)a[i]);
        ie = i;
        je = j;
        if (numeric) {
            while (ie < alen && vt_is_digit((unsigned char)a[ie]))
                ie++;
            while (je < blen && vt_is_digit((unsigned char)b[je]))
                je++;
        } else {
            while (ie < alen && vt_is_alpha((unsigned char)a[ie]))
                ie++;
            while (je < blen && vt_is_alpha((unsigned char)b[je]))
                je++;
        }
        /* b has a segment of the other kind: numbers beat letters. */
        if (je == j)
            return numeric ? 1 : -1;
        c = numeric ? vt_digits_cmp(a + i, ie - i, b + j, je - j)
                    : vt_bytes_cmp(a + i, ie - i, b + j, je - j);
        if (c != 0)
            return c < 0 ? -1 : 1;
        i = ie;
        j = je;
    }
    /* Equal segments (separators may differ): whatever is left wins. */
    if (i >= alen && j >= blen)
        return 0;
    return i >= alen ? -1 : 1;
}

static int rpm_compare(int *out, const char *a, size_t alen, const char *b,
                       size_t blen, vt_error *err)
{
    struct rpm_evr va, vb;
    const char *why;
    int c;

    why = rpm_parse(&va, a, alen);
    if (why)
        return vt__version_invalid(err, "rpm", 0, a, alen, why);
    why = rpm_parse(&vb, b, blen);
    if (why)
        return vt__version_invalid(err, "rpm", 1, b, blen, why);
    c = rpm_vercmp(va.epoch, va.epoch_len, vb.epoch, vb.epoch_len);
    if (c == 0)
        c = rpm_vercmp(va.version, va.version_len, vb.version, vb.version_len);
    if (c == 0) {
        if (va.release && vb.release)
            c = rpm_vercmp(va.release, va.release_len, vb.release, vb.release_len);
        else if (va.release)
            c = 1;
        else if (vb.release)
            c = -1;
    }
    *out = c;
    return 0;
}

static bool rpm_is_valid(const char *s, size_t len)
{
    struct rpm_evr v;

    return rpm_parse(&v, s, len) == NULL;
}

const vt_version_scheme vt__scheme_rpm = {"rpm", rpm_compare, rpm_is_valid};
