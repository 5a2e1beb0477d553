/*
 * version_rubygems.c - RubyGems version ordering, as Gem::Version orders.
 *
 * A version is read as a list of segments: runs of digits (numbers) and runs
 * of ASCII letters (strings, kept with their case), everything else being a
 * separator; a '-' counts as ".pre." (RubyGems rewrites it so). The segments
 * before the first string and the segments from it on each lose their
 * trailing zeros. Two lists compare segment by segment, the shorter padded
 * with zeros: numbers numerically, strings byte-wise, and a string (a
 * prerelease) below any number.
 *
 * Validity follows Gem::Version.correct? with two departures: the empty (or
 * all-blank) string, which RubyGems reads as "0", is refused, and the first
 * segment may carry letters after its leading digits ("1beta"), which OSV
 * tooling accepts and the shared fixtures use.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

#define SCHEME "rubygems"

/* Ruby's `\s`: ASCII blanks only. */
static bool is_blank(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Trim the blanks Ruby's strip removes (and the pattern allows). */
static void trim(const char **s, size_t *len)
{
    while (*len && is_blank((unsigned char)**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && is_blank((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

/* Length of the run of s[i..len) that are alphanumeric, or also '-'. */
static size_t run_len(const char *s, size_t i, size_t len, bool dash)
{
    size_t j = i;

    while (j < len && (vt_is_alnum((unsigned char)s[j]) || (dash && s[j] == '-')))
        j++;
    return j - i;
}

/*
 * Check the trimmed text against
 *   [0-9][0-9A-Za-z]* (\.[0-9A-Za-z]+)* (-[0-9A-Za-z-]+ (\.[0-9A-Za-z-]+)*)?
 * and return NULL or why it does not match.
 */
static const char *rubygems_check(const char *s, size_t len)
{
    size_t i, n;

    if (len == 0)
        return "empty version";
    if (!vt_is_digit((unsigned char)s[0]))
        return "a version starts with a digit";
    i = run_len(s, 0, len, false);
    while (i < len && s[i] == '.') {
        n = run_len(s, i + 1, len, false);
        if (n == 0)
            return "empty segment after '.'";
        i += 1 + n;
    }
    if (i < len && s[i] == '-') {
        n = run_len(s, i + 1, len, true);
        if (n == 0)
            return "nothing after '-'";
        i += 1 + n;
        while (i < len && s[i] == '.') {
            n = run_len(s, i + 1, len, true);
            if (n == 0)
                return "empty segment after '.'";
            i += 1 + n;
        }
    }
    if (i < len)
        return "unexpected character (segments are letters and digits "
               "separated by '.', with an optional '-' part)";
    return NULL;
}

/* One segment: a digit run, a letter run, or the "pre" a '-' stands for. */
typedef struct segment {
    const char *p;
    size_t n;
    bool number;
} segment;

/* The next raw segment from s[*pos..len); false at the end. */
static bool raw_next(const char *s, size_t len, size_t *pos, segment *seg)
{
    size_t i = *pos;

    while (i < len && !vt_is_alnum((unsigned char)s[i]) && s[i] != '-')
        i++;
    if (i >= len) {
        *pos = len;
        return false;
    }
    if (s[i] == '-') {
        seg->p = "pre";
        seg->n = 3;
        seg->number = false;
        *pos = i + 1;
        return true;
    }
    seg->p = s + i;
    seg->number = vt_is_digit((unsigned char)s[i]);
    while (i < len &&
           (seg->number ? vt_is_digit((unsigned char)s[i]) : vt_is_alpha((unsigned char)s[i])))
        i++;
    seg->n = (size_t)(s + i - seg->p);
    *pos = i;
    return true;
}

static bool is_zero(const segment *seg)
{
    size_t k;

    if (!seg->number)
        return false;
    for (k = 0; k < seg->n; k++)
        if (seg->p[k] != '0')
            return false;
    return true;
}

/*
 * The canonical segments, one at a time. A zero is dropped when it is
 * trailing in its group: when only zeros follow it up to the end, or, before
 * the first string, up to that string. The look-ahead that decides one zero
 * decides the whole run, and is remembered so the walk stays linear.
 */
typedef struct seg_iter {
    const char *s;
    size_t len, pos;
    bool seen_string;
    size_t zeros_end; /* the decision holds for zeros before this offset */
    bool zeros_keep;
} seg_iter;

static bool zero_survives(seg_iter *it)
{
    size_t pos = it->pos, before;
    segment q;
    bool more;

    if (it->pos <= it->zeros_end)
        return it->zeros_keep;
    do {
        before = pos;
        more = raw_next(it->s, it->len, &pos, &q);
    } while (more && is_zero(&q));
    if (!more)
        it->zeros_keep = false;
    else if (q.number)
        it->zeros_keep = true;
    else
        it->zeros_keep = it->seen_string;
    it->zeros_end = before;
    return it->zeros_keep;
}

static bool seg_next(seg_iter *it, segment *out)
{
    while (raw_next(it->s, it->len, &it->pos, out)) {
        if (!out->number) {
            it->seen_string = true;
            return true;
        }
        if (!is_zero(out) || zero_survives(it))
            return true;
    }
    return false;
}

static int segment_cmp(const segment *a, const segment *b)
{
    int c;

    if (a->number && b->number)
        c = vt_digits_cmp(a->p, a->n, b->p, b->n);
    else if (a->number != b->number)
        c = a->number ? 1 : -1;
    else
        c = vt_bytes_cmp(a->p, a->n, b->p, b->n);
    return (c > 0) - (c < 0);
}

static int rubygems_compare(int *out, const char *a, size_t alen, const char *b, size_t blen,
                            vt_error *err)
{
    static const segment zero = {"0", 1, true};
    const char *why;
    seg_iter ia, ib;

    *out = 0;
    trim(&a, &alen);
    trim(&b, &blen);
    why = rubygems_check(a, alen);
    if (why)
        return vt__version_invalid(err, SCHEME, 0, a, alen, why);
    why = rubygems_check(b, blen);
    if (why)
        return vt__version_invalid(err, SCHEME, 1, b, blen, why);
    memset(&ia, 0, sizeof(ia));
    memset(&ib, 0, sizeof(ib));
    ia.s = a;
    ia.len = alen;
    ib.s = b;
    ib.len = blen;
    for (;;) {
        segment sa, sb;
        bool ha = seg_next(&ia, &sa), hb = seg_next(&ib, &sb);

        /* Canonical lists never end in a zero, so padding ends the walk. */
        if (!ha && !hb)
            return 0;
        *out = segment_cmp(ha ? &sa : &zero, hb ? &sb : &zero);
        if (*out)
            return 0;
    }
}

static bool rubygems_is_valid(const char *s, size_t len)
{
    trim(&s, &len);
    return rubygems_check(s, len) == NULL;
}

const vt_version_scheme vt__scheme_rubygems = {"rubygems", rubygems_compare, rubygems_is_valid};
