/*
 * version_pep440.c - PyPI version ordering.
 *
 * A string that is a PEP 440 version is ordered as python3-packaging's
 * Version orders it (packaging 23): epoch, then the release with trailing
 * zeros ignored, then the pre-release (a < b < rc; a dev release with neither
 * pre nor post part sorts before every pre-release of its release), then the
 * post-release, then the dev release (before the version without one), then
 * the local part (absent < present; segment-wise, numeric above alphabetic).
 *
 * Any other string is a "legacy" version, ordered as packaging's LegacyVersion
 * (packaging < 22) ordered it, which is what OSV tooling still does for PyPI
 * histories: legacy versions sort before every PEP 440 version, and among
 * themselves by setuptools' historical key (digit runs zero-padded to eight
 * places, words prefixed with '*', "pre"/"preview"/"rc" read as "c", "dev" as
 * "@", '-' as "final-", trailing zero runs and some "final-" parts dropped).
 *
 * Departures: packaging's old parse() took any string as a legacy version;
 * the empty string, white space alone and strings with control characters
 * are refused here. Legacy keys lower-case ASCII letters only and take only
 * ASCII digits for digits, where Python would also act on other scripts.
 *
 * Nothing here allocates: a version is parsed into spans of the input, and
 * the legacy key is produced part by part while two keys are compared.
 */
#include "vulntrack/strparse.h"
#include "version_scheme.h"

#define SCHEME "pep440"

/*
 * CPython 3.11 and later refuse to turn a digit string longer than this into
 * an int (sys.get_int_max_str_digits()), so packaging raises on such versions
 * instead of ordering them; we reject them the same way.
 */
#define PEP440_MAX_DIGITS 4300

typedef struct span {
    const char *p;
    size_t n;
} span;

/*
 * A pre- or post-release keyword. Usually `raw` is false and p is the
 * canonical ASCII spelling ("a", "b", "rc", "post"). Python matches keywords
 * case-insensitively with Unicode rules, so "poſt" or "prevİew" are accepted
 * too; lower() does not map those letters to ASCII, so packaging keeps the
 * lower-cased text as the keyword and compares it as a string. For those
 * `raw` is true and p is the keyword as written.
 */
typedef struct word {
    const char *p;
    size_t n;
    bool raw;
} word;

typedef struct pep440 {
    span epoch;   /* n == 0: no epoch, which is epoch 0 */
    span release; /* digit runs separated by '.' */
    bool has_pre, has_post, has_dev, has_local;
    word pre_l, post_l;
    span pre_n, post_n, dev_n; /* n == 0: the implicit number 0 */
    span local;                /* after the '+' */
} pep440;

typedef enum parse_result {
    PARSE_PEP440,
    PARSE_NOT_PEP440,
    PARSE_NUMBER_TOO_LONG,
} parse_result;

/* ---------------------------------------------------------------------
 * Characters as Python's regular expressions see them
 * --------------------------------------------------------------------- */

/*
 * Length of the white-space character at s[i] as Python's `\s` defines it for
 * str patterns (str.isspace: ASCII 9-13, 28-32 and the Unicode spaces, read
 * here as UTF-8), or 0.
 */
static size_t space_len(const unsigned char *s, size_t i, size_t len)
{
    unsigned c = s[i];

    /* Printable ASCII is by far the common case: settle it in one test. */
    if (c > 0x20 && c < 0x80)
        return 0;
    if ((c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20))
        return 1;
    if (c == 0xc2 && i + 1 < len && (s[i + 1] == 0x85 || s[i + 1] == 0xa0))
        return 2;
    if (i + 2 < len) {
        unsigned c1 = s[i + 1], c2 = s[i + 2];

        if (c == 0xe1 && c1 == 0x9a && c2 == 0x80)
            return 3; /* U+1680 */
        if (c == 0xe2 && c1 == 0x80 &&
            ((c2 >= 0x80 && c2 <= 0x8a) || c2 == 0xa8 || c2 == 0xa9 || c2 == 0xaf))
            return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
        if (c == 0xe2 && c1 == 0x81 && c2 == 0x9f)
            return 3; /* U+205F */
        if (c == 0xe3 && c1 == 0x80 && c2 == 0x80)
            return 3; /* U+3000 */
    }
    return 0;
}

static size_t skip_spaces(const unsigned char *s, size_t i, size_t len)
{
    while (i < len) {
        size_t n = space_len(s, i, len);

        if (n == 0)
            break;
        i += n;
    }
    return i;
}

/*
 * Length of the non-ASCII letter at s[i] that Python's case-insensitive
 * matching takes for an ASCII letter, or 0; *ascii receives that letter.
 * There are four: U+0130 and U+0131 (i), U+017F (s) and U+212A (k).
 */
static size_t odd_letter_len(const unsigned char *s, size_t i, size_t len, char *ascii)
{
    if (i + 1 < len && s[i] == 0xc4 && (s[i + 1] == 0xb0 || s[i + 1] == 0xb1)) {
        *ascii = 'i';
        return 2;
    }
    if (i + 1 < len && s[i] == 0xc5 && s[i + 1] == 0xbf) {
        *ascii = 's';
        return 2;
    }
    if (i + 2 < len && s[i] == 0xe2 && s[i + 1] == 0x84 && s[i + 2] == 0xaa) {
        *ascii = 'k';
        return 3;
    }
    return 0;
}

/*
 * If s[i..len) starts with the lower-case ASCII keyword `kw` under Python's
 * case-insensitive matching, return the number of bytes matched and set *odd
 * when a non-ASCII letter took part; otherwise return 0.
 */
static size_t keyword_len(const unsigned char *s, size_t i, size_t len, const char *kw, bool *odd)
{
    size_t j = i;
    bool seen_odd = false;

    for (; *kw; kw++) {
        char ascii = 0;
        size_t n;

        if (j >= len)
            return 0;
        if (vt_to_lower(s[j]) == *kw) {
            j++;
            continue;
        }
        n = odd_letter_len(s, j, len, &ascii);
        if (n == 0 || ascii != *kw)
            return 0;
        seen_odd = true;
        j += n;
    }
    *odd = seen_odd;
    return j - i;
}

static size_t digits_len(const unsigned char *s, size_t i, size_t len)
{
    size_t j = i;

    while (j < len && vt_is_digit(s[j]))
        j++;
    return j - i;
}

static bool is_sep(unsigned c)
{
    return c == '-' || c == '_' || c == '.';
}

/* Length of a run of local-version characters ([a-z0-9] ignoring case). */
static size_t local_run_len(const unsigned char *s, size_t i, size_t len)
{
    size_t j = i;

    while (j < len) {
        char ascii;
        size_t n;

        if (vt_is_alnum(s[j])) {
            j++;
            continue;
        }
        n = odd_letter_len(s, j, len, &ascii);
        if (n == 0)
            break;
        j += n;
    }
    return j - i;
}

/* ---------------------------------------------------------------------
 * PEP 440 parsing
 * --------------------------------------------------------------------- */

/* The lower-cased ASCII letter at s[i], or 0 at the end. */
static int lower_at(const unsigned char *s, size_t i, size_t len)
{
    return i < len ? vt_to_lower(s[i]) : 0;
}

/*
 * Record a keyword of n bytes at s[i]: its canonical spelling, or the text as
 * written when a non-ASCII letter took part (see `word`).
 */
static size_t set_word(word *w, const unsigned char *s, size_t i, size_t n, bool odd,
                       const char *canonical, size_t canonical_n)
{
    w->raw = odd;
    w->p = odd ? (const char *)s + i : canonical;
    w->n = odd ? n : canonical_n;
    return n;
}

/*
 * The pre-release keyword at s[i], if any: the longest of a, b, c, rc, alpha,
 * beta, pre and preview. Python tries them in that order and backtracks, but
 * a shorter keyword that is the start of a longer one leaves a letter no
 * later part of a version can begin with, so the longest match is the one
 * that can succeed. Every keyword starts with an ASCII letter that no
 * non-ASCII letter matches, so the first byte picks the candidates and a
 * version without a pre-release costs one test here.
 */
static size_t pre_keyword(const unsigned char *s, size_t i, size_t len, word *w)
{
    bool odd = false;
    size_t n;

    switch (lower_at(s, i, len)) {
    case 'a':
        n = keyword_len(s, i, len, "alpha", &odd);
        return set_word(w, s, i, n ? n : 1, odd, "a", 1);
    case 'b':
        n = keyword_len(s, i, len, "beta", &odd);
        return set_word(w, s, i, n ? n : 1, odd, "b", 1);
    case 'c':
        return set_word(w, s, i, 1, false, "rc", 2);
    case 'r':
        if (lower_at(s, i + 1, len) != 'c')
            return 0;
        return set_word(w, s, i, 2, false, "rc", 2);
    case 'p':
        n = keyword_len(s, i, len, "preview", &odd);
        if (n == 0)
            n = keyword_len(s, i, len, "pre", &odd);
        return n ? set_word(w, s, i, n, odd, "rc", 2) : 0;
    default:
        return 0;
    }
}

/*
 * The post-release keyword at s[i] (post, rev or r, tried in that order), if
 * any. As for pre_keyword, the first byte picks the candidates.
 */
static size_t post_keyword(const unsigned char *s, size_t i, size_t len, word *w)
{
    bool odd = false;
    size_t n;

    switch (lower_at(s, i, len)) {
    case 'p':
        n = keyword_len(s, i, len, "post", &odd);
        return n ? set_word(w, s, i, n, odd, "post", 4) : 0;
    case 'r':
        n = keyword_len(s, i, len, "rev", &odd);
        return set_word(w, s, i, n ? n : 1, odd, "post", 4);
    default:
        return 0;
    }
}

/*
 * The optional "[-_.]?[0-9]*" after a keyword. The separator is taken even
 * when no number follows: every later part may start without one, so taking
 * it never makes a version fail that would otherwise match (the regular
 * expression is greedy the same way). Returns the new position.
 */
static size_t opt_sep_number(const unsigned char *s, size_t i, size_t len, span *num)
{
    if (i < len && is_sep(s[i]))
        i++;
    num->p = (const char *)s + i;
    num->n = digits_len(s, i, len);
    return i + num->n;
}

static bool digits_too_long(span d)
{
    return d.n > PEP440_MAX_DIGITS;
}

/* Whether some digit run that packaging would convert to an int is too long. */
static bool any_number_too_long(const pep440 *v)
{
    size_t i, start;

    if (digits_too_long(v->epoch) || (v->has_pre && digits_too_long(v->pre_n)) ||
        (v->has_post && digits_too_long(v->post_n)) || (v->has_dev && digits_too_long(v->dev_n)))
        return true;
    for (i = start = 0; i <= v->release.n; i++) {
        if (i == v->release.n || v->release.p[i] == '.') {
            if (i - start > PEP440_MAX_DIGITS)
                return true;
            start = i + 1;
        }
    }
    for (i = start = 0; v->has_local && i <= v->local.n; i++) {
        if (i == v->local.n || is_sep((unsigned char)v->local.p[i])) {
            size_t n = i - start;

            if (n > PEP440_MAX_DIGITS &&
                digits_len((const unsigned char *)v->local.p, start, i) == n)
                return true;
            start = i + 1;
        }
    }
    return false;
}

/*
 * Match s[0..len) against packaging's VERSION_PATTERN (anchored, surrounded
 * by optional white space, case-insensitive) and record the parts.
 */
static parse_result pep440_parse(pep440 *v, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i, n, save, start;
    bool odd;

    /*
     * Only what every reader looks at is cleared: the parts behind the has_
     * flags are set together with their flag. Clearing the whole struct took
     * a third of the time of a parse.
     */
    v->epoch.p = NULL;
    v->epoch.n = 0;
    v->has_pre = v->has_post = v->has_dev = v->has_local = false;
    i = skip_spaces(s, 0, len);
    if (i < len && (s[i] == 'v' || s[i] == 'V'))
        i++;
    n = digits_len(s, i, len);
    if (n == 0)
        return PARSE_NOT_PEP440;
    if (i + n < len && s[i + n] == '!') {
        v->epoch.p = str + i;
        v->epoch.n = n;
        i += n + 1;
        n = digits_len(s, i, len);
        if (n == 0)
            return PARSE_NOT_PEP440;
    }
    start = i;
    i += n;
    while (i + 1 < len && s[i] == '.' && vt_is_digit(s[i + 1]))
        i += 1 + digits_len(s, i + 1, len);
    v->release.p = str + start;
    v->release.n = i - start;

    save = i;
    if (i < len && is_sep(s[i]))
        i++;
    n = pre_keyword(s, i, len, &v->pre_l);
    if (n) {
        v->has_pre = true;
        i = opt_sep_number(s, i + n, len, &v->pre_n);
    } else {
        i = save;
    }

    save = i;
    if (i + 1 < len && s[i] == '-' && vt_is_digit(s[i + 1])) {
        /* The implicit post-release "1.0-1". */
        v->has_post = true;
        v->post_l.p = "post";
        v->post_l.n = 4;
        v->post_l.raw = false;
        v->post_n.p = str + i + 1;
        v->post_n.n = digits_len(s, i + 1, len);
        i += 1 + v->post_n.n;
    } else {
        if (i < len && is_sep(s[i]))
            i++;
        n = post_keyword(s, i, len, &v->post_l);
        if (n) {
            v->has_post = true;
            i = opt_sep_number(s, i + n, len, &v->post_n);
        } else {
            i = save;
        }
    }

    save = i;
    if (i < len && is_sep(s[i]))
        i++;
    n = lower_at(s, i, len) == 'd' ? keyword_len(s, i, len, "dev", &odd) : 0;
    if (n) {
        v->has_dev = true;
        i = opt_sep_number(s, i + n, len, &v->dev_n);
    } else {
        i = save;
    }

    if (i < len && s[i] == '+') {
        i++;
        start = i;
        n = local_run_len(s, i, len);
        if (n == 0)
            return PARSE_NOT_PEP440;
        i += n;
        while (i + 1 < len && is_sep(s[i])) {
            n = local_run_len(s, i + 1, len);
            if (n == 0)
                break;
            i += 1 + n;
        }
        v->has_local = true;
        v->local.p = str + start;
        v->local.n = i - start;
    }

    i = skip_spaces(s, i, len);
    if (i != len)
        return PARSE_NOT_PEP440;
    /* No digit run can be longer than the whole string. */
    if (len > PEP440_MAX_DIGITS && any_number_too_long(v))
        return PARSE_NUMBER_TOO_LONG;
    return PARSE_PEP440;
}

/* ---------------------------------------------------------------------
 * PEP 440 ordering
 * --------------------------------------------------------------------- */

static int sign_of(int c)
{
    return (c > 0) - (c < 0);
}

/*
 * Code points of text as Python's str.lower() leaves it. The text holds only
 * ASCII and the four letters odd_letter_len() accepts: U+0130 lowers to
 * "i" + U+0307, U+212A to "k", U+0131 and U+017F stay as they are.
 */
typedef struct lower_iter {
    const unsigned char *s;
    size_t n, i;
    unsigned long pending;
} lower_iter;

static bool lower_next(lower_iter *it, unsigned long *cp)
{
    unsigned c;

    if (it->pending) {
        *cp = it->pending;
        it->pending = 0;
        return true;
    }
    if (it->i >= it->n)
        return false;
    c = it->s[it->i];
    if (c < 0x80) {
        *cp = (unsigned long)vt_to_lower((int)c);
        it->i++;
    } else if (c == 0xc4 && it->i + 1 < it->n && it->s[it->i + 1] == 0xb0) {
        *cp = 'i';
        it->pending = 0x307;
        it->i += 2;
    } else if (c == 0xc4 && it->i + 1 < it->n && it->s[it->i + 1] == 0xb1) {
        *cp = 0x131;
        it->i += 2;
    } else if (c == 0xc5 && it->i + 1 < it->n && it->s[it->i + 1] == 0xbf) {
        *cp = 0x17f;
        it->i += 2;
    } else if (c == 0xe2 && it->i + 2 < it->n) {
        *cp = 'k';
        it->i += 3;
    } else {
        *cp = c;
        it->i++;
    }
    return true;
}

/* Compare two texts by the code points of their lower-case forms. */
static int lower_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    lower_iter ia = {(const unsigned char *)a, alen, 0, 0};
    lower_iter ib = {(const unsigned char *)b, blen, 0, 0};

    for (;;) {
        unsigned long ca, cb;
        bool ha = lower_next(&ia, &ca), hb = lower_next(&ib, &cb);

        if (!ha || !hb)
            return (int)ha - (int)hb;
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
}

static int word_cmp(const word *a, const word *b)
{
    /* Canonical spellings are lower-case ASCII already. */
    if (!a->raw && !b->raw)
        return vt_bytes_cmp(a->p, a->n, b->p, b->n);
    return lower_cmp(a->p, a->n, b->p, b->n);
}

static int num_cmp(span a, span b)
{
    return sign_of(vt_digits_cmp(a.p, a.n, b.p, b.n));
}

/* Next '.'-separated component of a release, or "0" once it is used up. */
static span release_next(span r, size_t *i)
{
    span c = {"0", 1};
    size_t start = *i;

    if (start >= r.n)
        return c;
    while (*i < r.n && r.p[*i] != '.')
        (*i)++;
    c.p = r.p + start;
    c.n = *i - start;
    if (*i < r.n)
        (*i)++;
    return c;
}

/*
 * Releases compare component-wise, the shorter padded with zeros. Leading
 * components spelled the same way in both are equal, and neighbouring
 * versions share most of theirs, so the comparison starts after them.
 */
static int release_cmp(span a, span b)
{
    size_t i = 0, j, k, n = a.n < b.n ? a.n : b.n;

    for (k = 0; k < n && a.p[k] == b.p[k]; k++)
        if (a.p[k] == '.')
            i = k + 1;
    if (k == a.n && k == b.n)
        return 0;
    j = i;
    while (i < a.n || j < b.n) {
        span ca = release_next(a, &i), cb = release_next(b, &j);
        int c = num_cmp(ca, cb);

        if (c)
            return c;
    }
    return 0;
}

/*
 * Where the pre-release puts a version among its release: 0 for a dev
 * release with neither pre nor post part (so 1.0.dev0 < 1.0a0), 1 for a
 * pre-release, 2 for none.
 */
static int pre_slot(const pep440 *v)
{
    if (!v->has_pre && !v->has_post && v->has_dev)
        return 0;
    return v->has_pre ? 1 : 2;
}

/* Next local segment (separated by '-', '_' or '.'). */
static span local_next(span l, size_t *i)
{
    span c;
    size_t start = *i;

    while (*i < l.n && !is_sep((unsigned char)l.p[*i]))
        (*i)++;
    c.p = l.p + start;
    c.n = *i - start;
    (*i)++;
    return c;
}

static bool all_digits(span s)
{
    return digits_len((const unsigned char *)s.p, 0, s.n) == s.n;
}

/*
 * Local versions compare segment by segment: numbers numerically, other
 * segments as lower-case strings, a number above a string; when one is a
 * prefix of the other the longer sorts last.
 */
static int local_cmp(span a, span b)
{
    size_t i = 0, j = 0;

    while (i <= a.n && j <= b.n) {
        span sa = local_next(a, &i), sb = local_next(b, &j);
        bool na = all_digits(sa), nb = all_digits(sb);
        int c;

        if (na && nb)
            c = num_cmp(sa, sb);
        else if (na != nb)
            c = na ? 1 : -1;
        else
            c = lower_cmp(sa.p, sa.n, sb.p, sb.n);
        if (c)
            return c;
    }
    return (i <= a.n) - (j <= b.n);
}

static int pep440_cmp(const pep440 *a, const pep440 *b)
{
    int c;

    if (a->epoch.n || b->epoch.n) {
        c = num_cmp(a->epoch, b->epoch);
        if (c)
            return c;
    }
    c = release_cmp(a->release, b->release);
    if (c)
        return c;
    c = pre_slot(a) - pre_slot(b);
    if (c)
        return sign_of(c);
    if (pre_slot(a) == 1) {
        c = word_cmp(&a->pre_l, &b->pre_l);
        if (c)
            return c;
        c = num_cmp(a->pre_n, b->pre_n);
        if (c)
            return c;
    }
    if (a->has_post != b->has_post)
        return a->has_post ? 1 : -1;
    if (a->has_post) {
        c = word_cmp(&a->post_l, &b->post_l);
        if (c)
            return c;
        c = num_cmp(a->post_n, b->post_n);
        if (c)
            return c;
    }
    if (a->has_dev != b->has_dev)
        return a->has_dev ? -1 : 1;
    if (a->has_dev) {
        c = num_cmp(a->dev_n, b->dev_n);
        if (c)
            return c;
    }
    if (a->has_local != b->has_local)
        return a->has_local ? 1 : -1;
    return a->has_local ? local_cmp(a->local, b->local) : 0;
}

/* ---------------------------------------------------------------------
 * Legacy versions
 * --------------------------------------------------------------------- */

typedef enum part_kind {
    PART_DIGITS, /* a digit run: zero-padded on the left to eight places */
    PART_WORD,   /* an ASCII letter run: '*' + the lower-cased word or alias */
    PART_OTHER,  /* anything else between those: '*' + the text */
    PART_DASH,   /* '-': "*final-" */
    PART_END,    /* the "*final" every key ends with */
} part_kind;

/*
 * One part of a legacy key, described rather than built: a digit run's key
 * is `key` zero-padded on the left to eight places; every other part's key
 * is '*' followed by `key` with ASCII letters lower-cased.
 */
typedef struct legacy_part {
    part_kind kind;
    size_t at, n;    /* where the part lies in the version, and its length */
    const char *key; /* the digits, or what follows the '*' */
    size_t key_n;
} legacy_part;

/* The alias setuptools gives a word: "c" for pre, preview and rc, "@" for dev. */
static const char *legacy_alias(const char *p, size_t n)
{
    switch (n) {
    case 2:
        return vt_ascii_ieq(p, n, "rc") ? "c" : NULL;
    case 3:
        if (vt_ascii_ieq(p, n, "pre"))
            return "c";
        return vt_ascii_ieq(p, n, "dev") ? "@" : NULL;
    case 7:
        return vt_ascii_ieq(p, n, "preview") ? "c" : NULL;
    default:
        return NULL;
    }
}

/*
 * The next part of setuptools' split of a version, after skipping '.'
 * separators; *pos moves past it. At the end PART_END is returned (again and
 * again) with `at` equal to len.
 */
static void legacy_raw_next(const char *s, size_t len, size_t *pos, legacy_part *part)
{
    size_t i = *pos;
    const char *alias;

    while (i < len && s[i] == '.')
        i++;
    part->at = i;
    if (i >= len) {
        part->kind = PART_END;
        part->n = 0;
        part->key = "final";
        part->key_n = 5;
        *pos = len;
        return;
    }
    if (vt_is_digit((unsigned char)s[i])) {
        part->kind = PART_DIGITS;
        while (i < len && vt_is_digit((unsigned char)s[i]))
            i++;
    } else if (vt_is_alpha((unsigned char)s[i])) {
        part->kind = PART_WORD;
        while (i < len && vt_is_alpha((unsigned char)s[i]))
            i++;
    } else if (s[i] == '-') {
        part->kind = PART_DASH;
        i++;
    } else {
        part->kind = PART_OTHER;
        while (i < len && !vt_is_alnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
            i++;
    }
    part->n = i - part->at;
    part->key = s + part->at;
    part->key_n = part->n;
    if (part->kind == PART_DASH) {
        part->key = "final-";
        part->key_n = 6;
    } else if (part->kind == PART_WORD) {
        alias = legacy_alias(part->key, part->n);
        if (alias) {
            part->key = alias;
            part->key_n = 1;
        }
    }
    *pos = i;
}

/*
 * Compare two digit runs as their keys, zero-padded to eight places. Keys of
 * the same width compare as the numbers they spell; only a run longer than
 * eight digits against a shorter one needs the padding spelled out.
 */
static int padded_digits_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t wa = an < 8 ? 8 : an, wb = bn < 8 ? 8 : bn, k;

    if (wa == wb)
        return sign_of(vt_digits_cmp(a, an, b, bn));
    for (k = 0; k < wa && k < wb; k++) {
        unsigned char ca = k < wa - an ? '0' : (unsigned char)a[k - (wa - an)];
        unsigned char cb = k < wb - bn ? '0' : (unsigned char)b[k - (wb - bn)];

        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (wa > wb) - (wa < wb);
}

/* Compare two texts byte-wise with ASCII letters lower-cased; a prefix sorts first. */
static int ascii_lower_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t k;

    for (k = 0; k < an && k < bn; k++) {
        int ca = vt_to_lower((unsigned char)a[k]), cb = vt_to_lower((unsigned char)b[k]);

        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (an > bn) - (an < bn);
}

static int part_cmp(const legacy_part *a, const legacy_part *b)
{
    bool da = a->kind == PART_DIGITS, db = b->kind == PART_DIGITS;

    /* A '*' sorts before every digit, so a digit run is above any other part. */
    if (da != db)
        return da ? 1 : -1;
    if (da)
        return padded_digits_cmp(a->key, a->key_n, b->key, b->key_n);
    return ascii_lower_cmp(a->key, a->key_n, b->key, b->key_n);
}

/* Whether the part is "00000000", the zero that setuptools drops. */
static bool part_is_zero(const legacy_part *p)
{
    size_t k;

    if (p->kind != PART_DIGITS || p->key_n > 8)
        return false;
    for (k = 0; k < p->key_n; k++)
        if (p->key[k] != '0')
            return false;
    return true;
}

/*
 * The parts of a legacy key in order. setuptools builds the key with a stack:
 * a '*' part first pops "*final-" parts from the top if it sorts before
 * "*final", then pops "00000000" parts. Rather than keep the stack, a part
 * is emitted only if it will not be popped, which depends on what follows:
 *
 * - a zero survives when a non-zero digit run comes before the next '*' part
 *   (otherwise that '*' part pops the whole run of zeros);
 * - a "*final-" is popped only when the first following part that is
 *   neither a "*final-" nor a zero is a '*' part sorting before "*final" and
 *   the part just before it is a "*final-". Zeros lying on the dashes when
 *   it arrives are popped in their place; zeros between two dashes are gone
 *   once the second dash lands, so they shield nothing; a non-zero digit
 *   run covers the dashes for good.
 *
 * One look-ahead decides a whole run, and the decision is remembered, so
 * producing a key stays linear.
 */
typedef struct legacy_iter {
    const char *s;
    size_t len, pos;
    bool ended;
    size_t zeros_end, dashes_end; /* decisions hold for parts before these */
    bool zeros_keep, dashes_keep;
} legacy_iter;

static bool zero_survives(legacy_iter *it, const legacy_part *zero)
{
    legacy_part q;
    size_t pos;

    if (zero->at < it->zeros_end)
        return it->zeros_keep;
    pos = zero->at + zero->n;
    do
        legacy_raw_next(it->s, it->len, &pos, &q);
    while (q.kind == PART_DIGITS && part_is_zero(&q));
    it->zeros_keep = q.kind == PART_DIGITS;
    it->zeros_end = q.at;
    return it->zeros_keep;
}

static bool dash_survives(legacy_iter *it, const legacy_part *dash)
{
    static const legacy_part final = {PART_END, 0, 0, "final", 5};
    legacy_part q;
    bool after_zero = false;
    size_t pos;

    if (dash->at < it->dashes_end)
        return it->dashes_keep;
    pos = dash->at + dash->n;
    for (;;) {
        legacy_raw_next(it->s, it->len, &pos, &q);
        if (q.kind == PART_DASH)
            after_zero = false;
        else if (part_is_zero(&q))
            after_zero = true;
        else
            break;
    }
    /*
     * A non-zero digit run buries the dashes for good. A '*' part sorting
     * before "*final" pops them, unless zeros lie on top of them when it
     * arrives (it pops those zeros instead and lands on the dashes).
     */
    it->dashes_keep = q.kind == PART_DIGITS || after_zero || part_cmp(&q, &final) >= 0;
    it->dashes_end = q.at;
    return it->dashes_keep;
}

static bool legacy_next(legacy_iter *it, legacy_part *out)
{
    while (!it->ended) {
        legacy_raw_next(it->s, it->len, &it->pos, out);
        if (out->kind == PART_END) {
            it->ended = true;
            return true;
        }
        if (part_is_zero(out) && !zero_survives(it, out))
            continue;
        if (out->kind == PART_DASH && !dash_survives(it, out))
            continue;
        return true;
    }
    return false;
}

/* Legacy keys compare part by part as strings; a key that ends first is less. */
static int legacy_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    legacy_iter ia = {a, alen, 0, false, 0, 0, false, false};
    legacy_iter ib = {b, blen, 0, false, 0, 0, false, false};

    for (;;) {
        legacy_part pa, pb;
        bool ha = legacy_next(&ia, &pa), hb = legacy_next(&ib, &pb);
        int c;

        if (!ha || !hb)
            return (int)ha - (int)hb;
        c = part_cmp(&pa, &pb);
        if (c)
            return c;
    }
}

/* ---------------------------------------------------------------------
 * The scheme
 * --------------------------------------------------------------------- */

typedef struct pypi_version {
    bool legacy;
    pep440 v;
} pypi_version;

/*
 * Classify s as a PEP 440 or a legacy version. packaging's old parse() took
 * any string as a legacy version; we refuse the ones that cannot be a
 * version at all (empty, only white space, control characters). Returns 0
 * or VT_EINVALID.
 */
static int pypi_parse(pypi_version *out, const char *s, size_t len, int which, vt_error *err)
{
    size_t i;

    if (len == 0)
        return vt__version_invalid(err, SCHEME, which, s, len, "empty version");
    switch (pep440_parse(&out->v, s, len)) {
    case PARSE_PEP440:
        out->legacy = false;
        return 0;
    case PARSE_NUMBER_TOO_LONG:
        return vt__version_invalid(err, SCHEME, which, s, len,
                                   "a number has more than 4300 digits");
    case PARSE_NOT_PEP440:
        break;
    }
    if (skip_spaces((const unsigned char *)s, 0, len) == len)
        return vt__version_invalid(err, SCHEME, which, s, len, "version is only white space");
    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return vt__version_invalid(err, SCHEME, which, s, len, "control character in version");
    out->legacy = true;
    return 0;
}

static int pypi_compare(int *out, const char *a, size_t alen, const char *b, size_t blen,
                        vt_error *err)
{
    pypi_version va, vb;
    int error;

    *out = 0;
    error = pypi_parse(&va, a, alen, 0, err);
    if (error < 0)
        return error;
    error = pypi_parse(&vb, b, blen, 1, err);
    if (error < 0)
        return error;
    /* Legacy versions carry epoch -1: below every PEP 440 version. */
    if (va.legacy != vb.legacy)
        *out = va.legacy ? -1 : 1;
    else if (va.legacy)
        *out = sign_of(legacy_cmp(a, alen, b, blen));
    else
        *out = sign_of(pep440_cmp(&va.v, &vb.v));
    return 0;
}

static bool pypi_is_valid(const char *s, size_t len)
{
    pypi_version v;

    return pypi_parse(&v, s, len, 0, NULL) == 0;
}

const vt_version_scheme vt__scheme_pep440 = {"pep440", pypi_compare, pypi_is_valid};
