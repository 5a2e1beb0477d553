/*
 * version_apk.c - Alpine package versions (Alpine, Wolfi, Chainguard,
 * Alpaquita, MinimOS, BellSoft Hardened Containers), ordered as apk-tools
 * orders them, with the treatment of malformed versions that osv-scalibr's
 * fixtures record.
 *
 * A well-formed version is
 *     number{.number}...{letter}{_suffix{number}}...{~hash}{-r number}
 * and its parts are compared in that order:
 *  - numbers one by one: the first by numeric value; each later one by
 *    numeric value too, unless either side starts with '0', in which case the
 *    two digit strings compare byte-wise (apk's "fraction" rule, so 1.05 <
 *    1.5 and 1.001 < 1.01). When one list of numbers is a prefix of the
 *    other, the longer list is greater (1.2 < 1.2.0 < 1.2.0a), as in apk;
 *  - the letter ('a'..'z'); no letter sorts first;
 *  - suffixes one by one, by kind: _alpha < _beta < _pre < _rc < (no suffix)
 *    < _cvs < _svn < _git < _hg < _p, then by number (none counts as 0), so
 *    1.2_rc1 < 1.2 < 1.2_p1;
 *  - the commit hash ('~' and lower-case hex digits): none sorts first, two
 *    hashes compare byte-wise (apk 3 cannot order them either);
 *  - the revision "-rN" by numeric value; no revision counts as -r0, and so
 *    does "-r" without digits.
 * Numbers of any length compare exactly.
 *
 * apk itself refuses or orders inconsistently strings outside that grammar,
 * while OSV data and osv-scalibr's fixtures compare them all. We parse as
 * much of the grammar as matches from the left and classify the rest:
 *  - clean: nothing is left over;
 *  - tail: what is left over starts at a '-' (a malformed revision such as
 *    "-r0-1", "-ruff" or "--r1"); it is ignored, but the version ranks just
 *    below the same version without it, and two tails are equal;
 *  - malformed: anything else is left over ("1.2_blah", "0..8", "1.2.0A");
 *    such a version ranks below the same parsed parts without it, and two
 *    malformed versions with equal parsed parts compare byte-wise as whole
 *    strings.
 * The order stays a total preorder (antisymmetric and transitive) on every
 * input. Only empty strings and bytes outside printable ASCII are refused.
 * Comparing never allocates.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

/* What is left after the parts that match the grammar; a larger form wins. */
enum apk_form { APK_MALFORMED = 0, APK_TAIL = 1, APK_CLEAN = 2 };

/* The rank a missing suffix takes: after the pre-release ones. */
#define APK_SUFFIX_NONE 4

static const struct {
    const char *name;
    int rank;
} apk_suffixes[] = {
    {"alpha", 0}, {"beta", 1}, {"pre", 2}, {"rc", 3}, {"cvs", 5},
    {"svn", 6},   {"git", 7},  {"hg", 8},  {"p", 9},
};

/* A version split into its parts; positions and views into s. */
struct apk_version {
    const char *s;
    size_t len;
    size_t num_end;           /* s[0..num_end): digit runs joined by '.' */
    int letter;               /* 'a'..'z', or 0 */
    size_t suf_begin, suf_end; /* s[suf_begin..suf_end): "_name[digits]"... */
    const char *hash;         /* the hex digits after '~'; hash_len 0: none */
    size_t hash_len;
    const char *rev; /* the digits after "-r"; empty: revision 0 */
    size_t rev_len;
    enum apk_form form;
};

static bool apk_is_lower(int c)
{
    return c >= 'a' && c <= 'z';
}

static bool apk_is_hex(int c)
{
    return vt_is_digit(c) || (c >= 'a' && c <= 'f');
}

/* The end of the run of digits starting at s[i], bounded by end. */
static size_t apk_digits_end(const char *s, size_t end, size_t i)
{
    while (i < end && vt_is_digit((unsigned char)s[i]))
        i++;
    return i;
}

/* The rank of the suffix named s[0..len), or -1 when apk has no such suffix. */
static int apk_suffix_rank(const char *s, size_t len)
{
    size_t k;

    for (k = 0; k < sizeof(apk_suffixes) / sizeof(apk_suffixes[0]); k++)
        if (strlen(apk_suffixes[k].name) == len &&
            memcmp(apk_suffixes[k].name, s, len) == 0)
            return apk_suffixes[k].rank;
    return -1;
}

/* Split s[0..len); returns NULL or the reason it cannot be compared. */
static const char *apk_parse(struct apk_version *v, const char *s, size_t len)
{
    size_t p = 0, q;

    memset(v, 0, sizeof(*v));
    v->s = s;
    v->len = len;
    v->hash = "";
    v->rev = "";
    if (len == 0)
        return "empty version";
    for (q = 0; q < len; q++) {
        unsigned char c = (unsigned char)s[q];

        if (c <= 0x20 || c >= 0x7f)
            return "contains a byte that is not printable ASCII";
    }
    if (vt_is_digit((unsigned char)s[0])) {
        p = apk_digits_end(s, len, 0);
        /* A dot belongs to the numbers only when a digit follows it. */
        while (p + 1 < len && s[p] == '.' && vt_is_digit((unsigned char)s[p + 1]))
            p = apk_digits_end(s, len, p + 1);
    }
    v->num_end = p;
    if (p < len && apk_is_lower((unsigned char)s[p]))
        v->letter = (unsigned char)s[p++];
    v->suf_begin = p;
    while (p < len && s[p] == '_') {
        for (q = p + 1; q < len && apk_is_lower((unsigned char)s[q]); q++)
            ;
        if (apk_suffix_rank(s + p + 1, q - p - 1) < 0)
            break;
        p = apk_digits_end(s, len, q);
    }
    v->suf_end = p;
    if (p + 1 < len && s[p] == '~' && apk_is_hex((unsigned char)s[p + 1])) {
        for (q = p + 1; q < len && apk_is_hex((unsigned char)s[q]); q++)
            ;
        v->hash = s + p + 1;
        v->hash_len = q - p - 1;
        p = q;
    }
    if (p < len && s[p] == '-') {
        if (p + 1 < len && s[p + 1] == 'r') {
            q = apk_digits_end(s, len, p + 2);
            v->rev = s + p + 2;
            v->rev_len = q - p - 2;
            p = q;
        }
        v->form = p < len ? APK_TAIL : APK_CLEAN;
    } else {
        v->form = p < len ? APK_MALFORMED : APK_CLEAN;
    }
    return NULL;
}

static int apk_sign(int c)
{
    return (c > 0) - (c < 0);
}

/* The numbers: pairwise, then the longer list wins. */
static int apk_cmp_numbers(const struct apk_version *a, const struct apk_version *b)
{
    size_t pa = 0, pb = 0;
    bool first = true;

    while (pa < a->num_end && pb < b->num_end) {
        size_t ea = apk_digits_end(a->s, a->num_end, pa);
        size_t eb = apk_digits_end(b->s, b->num_end, pb);
        int c;

        if (!first && (a->s[pa] == '0' || b->s[pb] == '0'))
            c = vt_bytes_cmp(a->s + pa, ea - pa, b->s + pb, eb - pb);
        else
            c = vt_digits_cmp(a->s + pa, ea - pa, b->s + pb, eb - pb);
        if (c != 0)
            return apk_sign(c);
        /* Step over the dot; past num_end means the list has ended. */
        pa = ea + 1;
        pb = eb + 1;
        first = false;
    }
    if (pa < a->num_end)
        return 1;
    if (pb < b->num_end)
        return -1;
    return 0;
}

/*
 * Read the suffix at *p of s (up to end) into its rank and number, and step
 * past it; at the end, report the missing suffix (rank NONE, number 0).
 */
static void apk_next_suffix(const char *s, size_t end, size_t *p, int *rank,
                            const char **num, size_t *num_len)
{
    size_t q, e;

    if (*p >= end) {
        *rank = APK_SUFFIX_NONE;
        *num = "";
        *num_len = 0;
        return;
    }
    for (q = *p + 1; q < end && apk_is_lower((unsigned char)s[q]); q++)
        ;
    *rank = apk_suffix_rank(s + *p + 1, q - *p - 1);
    e = apk_digits_end(s, end, q);
    *num = s + q;
    *num_len = e - q;
    *p = e;
}

static int apk_cmp_suffixes(const struct apk_version *a, const struct apk_version *b)
{
    size_t pa = a->suf_begin, pb = b->suf_begin;

    while (pa < a->suf_end || pb < b->suf_end) {
        const char *na, *nb;
        size_t la, lb;
        int ra, rb, c;

        apk_next_suffix(a->s, a->suf_end, &pa, &ra, &na, &la);
        apk_next_suffix(b->s, b->suf_end, &pb, &rb, &nb, &lb);
        if (ra != rb)
            return ra < rb ? -1 : 1;
        c = vt_digits_cmp(na, la, nb, lb);
        if (c != 0)
            return apk_sign(c);
    }
    return 0;
}

static int apk_cmp(const struct apk_version *a, const struct apk_version *b)
{
    int c;

    c = apk_cmp_numbers(a, b);
    if (c != 0)
        return c;
    if (a->letter != b->letter)
        return a->letter < b->letter ? -1 : 1;
    c = apk_cmp_suffixes(a, b);
    if (c != 0)
        return c;
    if ((a->hash_len == 0) != (b->hash_len == 0))
        return a->hash_len == 0 ? -1 : 1;
    c = vt_bytes_cmp(a->hash, a->hash_len, b->hash, b->hash_len);
    if (c != 0)
        return c;
    c = vt_digits_cmp(a->rev, a->rev_len, b->rev, b->rev_len);
    if (c != 0)
        return apk_sign(c);
    if (a->form != b->form)
        return a->form < b->form ? -1 : 1;
    if (a->form == APK_MALFORMED)
        return vt_bytes_cmp(a->s, a->len, b->s, b->len);
    return 0;
}

static int apk_compare(int *out, const char *a, size_t alen, const char *b,
                       size_t blen, vt_error *err)
{
    struct apk_version va, vb;
    const char *why;

    why = apk_parse(&va, a, alen);
    if (why)
        return vt__version_invalid(err, "apk", 0, a, alen, why);
    why = apk_parse(&vb, b, blen);
    if (why)
        return vt__version_invalid(err, "apk", 1, b, blen, why);
    *out = apk_cmp(&va, &vb);
    return 0;
}

static bool apk_is_valid(const char *s, size_t len)
{
    struct apk_version v;

    return apk_parse(&v, s, len) == NULL;
}

const vt_version_scheme vt__scheme_apk = {"apk", apk_compare, apk_is_valid};
