/*
 * version_dpkg.c - Debian and Ubuntu package versions, ordered exactly as
 * dpkg orders them (deb-version(7)): [epoch:]upstream_version[-revision].
 *
 * Parsing follows dpkg's parseversion(): the epoch is the decimal number
 * before the first ':' (0 when there is none, at most INT_MAX because dpkg
 * stores it in an int; like dpkg's strtol() we take one leading sign, so
 * "+1:2" is epoch 1 and "-0:2" epoch 0), the revision is everything after the LAST '-' (empty
 * when there is no '-'), and the upstream version is what lies between.
 * Where dpkg only warns we choose as follows, so that the validity rules can
 * be stated in one sentence each:
 *  - an upstream version that does not start with a digit is accepted (dpkg
 *    warns but still compares it; opam, which shares this ordering, and some
 *    OSV records use such versions, e.g. "v0.15.0");
 *  - a character outside dpkg's sets (letters, digits and ". + ~ - :" in the
 *    upstream version, letters, digits and ". + ~" in the revision) is
 *    rejected, since such a string was never a Debian version.
 * dpkg also trims surrounding blanks; we reject any blank or control byte
 * instead, because a version field with one was cut wrongly.
 *
 * Comparison is dpkg's verrevcmp(): alternate runs of non-digits and digits;
 * non-digit runs compare character by character with '~' before everything
 * (even the end of the string), then the end, then letters, then all other
 * characters; digit runs compare by numeric value, of any length. The epoch
 * is compared numerically first, then the upstream versions, then the
 * revisions (an absent revision is "", which equals "0").
 *
 * Everything works over (ptr, len) views of the caller's text: comparing
 * never allocates and never fails for lack of memory.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

/* dpkg keeps the epoch in an int and refuses larger values. */
#define DPKG_EPOCH_MAX "2147483647"

/* One version split into its three parts; each is a view into the input. */
struct dpkg_version {
    const char *epoch; /* digits; empty when there is no epoch (epoch 0) */
    size_t epoch_len;
    const char *upstream;
    size_t upstream_len;
    const char *revision; /* empty when there is no revision */
    size_t revision_len;
};

static bool dpkg_upstream_char(int c)
{
    return vt_is_alnum(c) || c == '.' || c == '+' || c == '~' || c == '-' ||
           c == ':';
}

static bool dpkg_revision_char(int c)
{
    return vt_is_alnum(c) || c == '.' || c == '+' || c == '~';
}

/*
 * Split s[0..len) into epoch, upstream version and revision and check each
 * part. Returns NULL, or the reason the string is not a Debian version.
 */
static const char *dpkg_parse(struct dpkg_version *v, const char *s, size_t len)
{
    const char *colon, *rest, *why;
    size_t rest_len, i, hyphen;

    v->epoch = "";
    v->epoch_len = 0;
    v->revision = "";
    v->revision_len = 0;
    why = vt__version_text_problem(s, len);
    if (why)
        return why;
    rest = s;
    rest_len = len;
    colon = memchr(s, ':', len);
    if (colon) {
        size_t elen = (size_t)(colon - s), sign = 0;

        /* dpkg reads the epoch with strtol(), which takes one sign. */
        if (elen > 0 && (s[0] == '+' || s[0] == '-'))
            sign = 1;
        if (elen == sign)
            return "epoch before ':' is empty";
        for (i = sign; i < elen; i++)
            if (!vt_is_digit((unsigned char)s[i]))
                return "epoch before the first ':' is not a number";
        v->epoch = s + sign;
        v->epoch_len = elen - sign;
        if (s[0] == '-' && vt_digits_cmp(v->epoch, v->epoch_len, "0", 1) != 0)
            return "epoch is negative";
        if (vt_digits_cmp(v->epoch, v->epoch_len, DPKG_EPOCH_MAX,
                          strlen(DPKG_EPOCH_MAX)) > 0)
            return "epoch is above " DPKG_EPOCH_MAX;
        rest = colon + 1;
        rest_len = len - elen - 1;
        if (rest_len == 0)
            return "nothing after the epoch";
    }
    /* The revision starts after the last '-', so upstream may hold more. */
    for (hyphen = rest_len; hyphen > 0 && rest[hyphen - 1] != '-'; hyphen--)
        ;
    if (hyphen > 0) {
        v->revision = rest + hyphen;
        v->revision_len = rest_len - hyphen;
        if (v->revision_len == 0)
            return "revision after the last '-' is empty";
        rest_len = hyphen - 1;
    }
    v->upstream = rest;
    v->upstream_len = rest_len;
    if (v->upstream_len == 0)
        return "upstream version is empty";
    for (i = 0; i < v->upstream_len; i++)
        if (!dpkg_upstream_char((unsigned char)v->upstream[i]))
            return "upstream version may hold only letters, digits and . + ~ - :";
    for (i = 0; i < v->revision_len; i++)
        if (!dpkg_revision_char((unsigned char)v->revision[i]))
            return "revision may hold only letters, digits and . + ~";
    return NULL;
}

/*
 * The weight of the character at s[i] inside a non-digit run: '~' sorts
 * before the end of the string, letters after it, every other character
 * after all letters. A digit (the start of the next digit run) weighs the
 * same as the end.
 */
static int dpkg_weight(const char *s, size_t len, size_t i)
{
    int c;

    if (i >= len)
        return 0;
    c = (unsigned char)s[i];
    if (vt_is_digit(c))
        return 0;
    if (vt_is_alpha(c))
        return c;
    if (c == '~')
        return -1;
    return c + 256;
}

/* dpkg's verrevcmp() over two (ptr, len) strings; returns -1, 0 or +1. */
static int dpkg_verrevcmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;

    while (i < alen || j < blen) {
        size_t ie, je;
        int c;

        /* The non-digit runs, compared character by character. */
        while ((i < alen && !vt_is_digit((unsigned char)a[i])) ||
               (j < blen && !vt_is_digit((unsigned char)b[j]))) {
            int wa = dpkg_weight(a, alen, i), wb = dpkg_weight(b, blen, j);

            if (wa != wb)
                return wa < wb ? -1 : 1;
            /* Equal weights here mean both sides hold a non-digit. */
            i++;
            j++;
        }
        /* The digit runs, by numeric value. */
        for (ie = i; ie < alen && vt_is_digit((unsigned char)a[ie]); ie++)
            ;
        for (je = j; je < blen && vt_is_digit((unsigned char)b[je]); je++)
            ;
        c = vt_digits_cmp(a + i, ie - i, b + j, je - j);
        if (c != 0)
            return c < 0 ? -1 : 1;
        i = ie;
        j = je;
    }
    return 0;
}

static int dpkg_compare(int *out, const char *a, size_t alen, const char *b,
                        size_t blen, vt_error *err)
{
    struct dpkg_version va, vb;
    const char *why;
    int c;

    why = dpkg_parse(&va, a, alen);
    if (why)
        return vt__version_invalid(err, "dpkg", 0, a, alen, why);
    why = dpkg_parse(&vb, b, blen);
    if (why)
        return vt__version_invalid(err, "dpkg", 1, b, blen, why);
    c = vt_digits_cmp(va.epoch, va.epoch_len, vb.epoch, vb.epoch_len);
    if (c == 0)
        c = dpkg_verrevcmp(va.upstream, va.upstream_len, vb.upstream,
                           vb.upstream_len);
    if (c == 0)
        c = dpkg_verrevcmp(va.revision, va.revision_len, vb.revision,
                           vb.revision_len);
    *out = (c > 0) - (c < 0);
    return 0;
}

static bool dpkg_is_valid(const char *s, size_t len)
{
    struct dpkg_version v;

    return dpkg_parse(&v, s, len) == NULL;
}

const vt_version_scheme vt__scheme_dpkg = {"dpkg", dpkg_compare, dpkg_is_valid};
