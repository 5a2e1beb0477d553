/*
 * version_maven.c - Maven's version ordering, as ComparableVersion in
 * maven-artifact 3.8.6 defines it (the release OSV's Maven fixtures were
 * generated with).
 *
 * ComparableVersion lower-cases the text and cuts it into items at '.', at
 * '-' and at every digit/non-digit transition; an empty field before a
 * separator is the number 0. A '-' or a transition opens a sub-list that
 * holds everything after it, so a version is a chain of nested lists:
 * "1.0-alpha-1" is [1, 0, [alpha, [1]]]. Each list then drops its trailing
 * "null" items (0, and the qualifiers "", ga, final, release), looking past
 * its own sub-list, and an emptied sub-list disappears: "1.0.0-0" = "1".
 *
 * Lists compare item by item. A number beats a list, which beats a string;
 * numbers compare by value (any width); strings by qualifier rank: alpha <
 * beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp <
 * anything else, the unknown ones in lexical order. "a", "b" and "m" directly
 * followed by a digit mean alpha, beta and milestone. When one list runs out,
 * the rest of the other is compared with "nothing", item by item, the whole
 * rest (MNG-6964): a number other than 0 or a qualifier above "" makes that
 * side greater, a qualifier below "" makes it smaller.
 *
 * This file does not build the tree. The chain shape means that the items
 * of every list are a contiguous run of the item sequence, in order, each
 * tagged with its nesting depth, so comparing is one walk over both strings
 * with a look-ahead for "is anything non-null still to come" (which is what
 * the trimming decides). Nothing is allocated.
 *
 * Two known differences from ComparableVersion: a sub-list that trimming
 * leaves holding only its own sub-list stands for that sub-list, as the
 * version-order specification and OSV's tooling have it ("1-ga-1" = "1-1";
 * see cursor_enter()); and only ASCII letters are lower-cased and only ASCII
 * digits are digits, where Java applies Unicode rules to both.
 */
#include <assert.h>
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

/* Qualifier ranks, in ComparableVersion's order. */
enum {
    RANK_ALPHA,
    RANK_BETA,
    RANK_MILESTONE,
    RANK_RC,
    RANK_SNAPSHOT,
    RANK_RELEASE, /* "", ga, final, release: the null qualifier */
    RANK_SP,
    RANK_UNKNOWN /* ordered among themselves by text */
};

/* One item as ComparableVersion's parser emits it. */
typedef struct mvn_item {
    const char *p;
    size_t n;     /* 0 for the implicit 0 of an empty field */
    size_t depth; /* nesting depth of the list that holds it */
    bool numeric;
    int rank; /* strings only */
} mvn_item;

/* The state of ComparableVersion.parseVersion's loop, resumable. */
typedef struct mvn_lexer {
    const char *s;
    size_t len, i, start, depth;
    bool is_digit;
} mvn_lexer;

static bool word_is(const char *p, size_t n, const char *w)
{
    return vt_ascii_ieq(p, n, w);
}

static int qualifier_rank(const char *p, size_t n, bool followed_by_digit)
{
    if (followed_by_digit && n == 1) {
        switch (vt_to_lower((unsigned char)p[0])) {
        case 'a':
            return RANK_ALPHA;
        case 'b':
            return RANK_BETA;
        case 'm':
            return RANK_MILESTONE;
        default:
            break;
        }
    }
    if (word_is(p, n, "alpha"))
        return RANK_ALPHA;
    if (word_is(p, n, "beta"))
        return RANK_BETA;
    if (word_is(p, n, "milestone"))
        return RANK_MILESTONE;
    if (word_is(p, n, "rc") || word_is(p, n, "cr"))
        return RANK_RC;
    if (word_is(p, n, "snapshot"))
        return RANK_SNAPSHOT;
    if (n == 0 || word_is(p, n, "ga") || word_is(p, n, "final") || word_is(p, n, "release"))
        return RANK_RELEASE;
    if (word_is(p, n, "sp"))
        return RANK_SP;
    return RANK_UNKNOWN;
}

static void make_item(mvn_item *it, const mvn_lexer *lx, size_t end, bool numeric,
                      bool followed_by_digit)
{
    it->p = lx->s + lx->start;
    it->n = end - lx->start;
    it->depth = lx->depth;
    it->numeric = numeric || it->n == 0;
    it->rank = it->numeric ? 0 : qualifier_rank(it->p, it->n, followed_by_digit);
}

/*
 * Produce the next item, if any. '.' and '-' end a field (an empty one is 0);
 * '-' and a digit/non-digit transition inside a field also open a sub-list.
 * Every byte that is not an ASCII digit, '.' or '-' counts as a letter.
 */
static bool lex_next(mvn_lexer *lx, mvn_item *it)
{
    while (lx->i < lx->len) {
        size_t i = lx->i;
        char c = lx->s[i];
        bool digit;

        if (c == '.' || c == '-') {
            make_item(it, lx, i, lx->is_digit, false);
            lx->start = i + 1;
            lx->i = i + 1;
            if (c == '-')
                lx->depth++;
            return true;
        }
        digit = vt_is_digit((unsigned char)c);
        if (digit != lx->is_digit && i > lx->start) {
            make_item(it, lx, i, lx->is_digit, digit);
            lx->start = i;
            lx->depth++;
            lx->is_digit = digit;
            lx->i = i + 1;
            return true;
        }
        lx->is_digit = digit;
        lx->i++;
    }
    if (lx->len > lx->start) {
        make_item(it, lx, lx->len, lx->is_digit, false);
        lx->start = lx->len;
        return true;
    }
    return false;
}

static bool item_is_null(const mvn_item *it)
{
    size_t i;

    if (!it->numeric)
        return it->rank == RANK_RELEASE;
    for (i = 0; i < it->n; i++)
        if (it->p[i] != '0')
            return false;
    return true;
}

/* How an item compares with a missing one (ComparableVersion's compareTo(null)). */
static int item_vs_nothing(const mvn_item *it)
{
    if (it->numeric)
        return item_is_null(it) ? 0 : 1;
    return it->rank < RANK_RELEASE ? -1 : it->rank > RANK_RELEASE ? 1 : 0;
}

static int lower_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i, n = alen < blen ? alen : blen;

    for (i = 0; i < n; i++) {
        int ca = vt_to_lower((unsigned char)a[i]), cb = vt_to_lower((unsigned char)b[i]);

        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (alen > blen) - (alen < blen);
}

/* Two items that are not lists: a number beats any string. */
static int item_cmp(const mvn_item *x, const mvn_item *y)
{
    if (x->numeric && y->numeric)
        return vt_digits_cmp(x->p, x->n, y->p, y->n);
    if (x->numeric != y->numeric)
        return x->numeric ? 1 : -1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->rank == RANK_UNKNOWN ? lower_cmp(x->p, x->n, y->p, y->n) : 0;
}

/*
 * A walk over one version: `cur` is the next item. `nn_*` caches where the
 * next non-null item is (its index in the item sequence and its depth), so
 * that deciding what normalisation trims stays linear in the length.
 */
typedef struct mvn_cursor {
    mvn_lexer lx;
    mvn_item cur;
    bool have;
    size_t depth; /* of the list being walked */
    size_t index;
    bool nn_valid, nn_found;
    size_t nn_index, nn_depth;
} mvn_cursor;

static void cursor_init(mvn_cursor *c, const char *s, size_t len)
{
    memset(c, 0, sizeof(*c));
    c->lx.s = s;
    c->lx.len = len;
    c->have = lex_next(&c->lx, &c->cur);
}

static void cursor_advance(mvn_cursor *c)
{
    c->have = lex_next(&c->lx, &c->cur);
    c->index++;
}

static void cursor_find_non_null(mvn_cursor *c)
{
    mvn_lexer lx;
    mvn_item it;
    bool have;
    size_t index;

    if (c->nn_valid && (!c->nn_found || c->nn_index >= c->index))
        return;
    lx = c->lx;
    it = c->cur;
    have = c->have;
    index = c->index;
    while (have && item_is_null(&it)) {
        have = lex_next(&lx, &it);
        index++;
    }
    c->nn_valid = true;
    c->nn_found = have;
    c->nn_index = index;
    c->nn_depth = have ? it.depth : 0;
}

enum { EL_ITEM, EL_LIST, EL_END };

/*
 * What the list being walked holds next after normalisation: an item
 * (c->cur), its sub-list (always its last element), or nothing. Null items
 * with nothing non-null after them in the same list are trimmed here, and a
 * sub-list exists only if a non-null item follows at any depth.
 */
static int cursor_element(mvn_cursor *c)
{
    if (c->have && c->cur.depth == c->depth && item_is_null(&c->cur)) {
        cursor_find_non_null(c);
        if (!c->nn_found || c->nn_depth != c->depth) {
            while (c->have && c->cur.depth == c->depth)
                cursor_advance(c);
        }
    }
    if (!c->have)
        return EL_END;
    if (c->cur.depth == c->depth)
        return EL_ITEM;
    cursor_find_non_null(c);
    return c->nn_found ? EL_LIST : EL_END;
}

/*
 * Step into the sub-list that cursor_element() reported. A sub-list left
 * with nothing but its own sub-list after trimming stands for that sub-list
 * ("1-ga-1" = "1-1", "1.0-0-1" = "1-1"): the Maven version-order
 * specification states this ("trailing null values at each hyphen"), OSV's
 * tooling implements it, and the fixtures require it. ComparableVersion
 * 3.8.6 itself keeps the extra nesting there; see the scheme documentation.
 */
static void cursor_enter(mvn_cursor *c)
{
    cursor_find_non_null(c);
    assert(c->nn_found && c->nn_depth > c->depth);
    while (c->have && c->cur.depth < c->nn_depth)
        cursor_advance(c);
    c->depth = c->nn_depth;
}

/* The rest of a version against nothing: the first item that is not neutral decides. */
static int rest_vs_nothing(mvn_cursor *c)
{
    for (; c->have; cursor_advance(c)) {
        int r = item_vs_nothing(&c->cur);

        if (r)
            return r;
    }
    return 0;
}

static int maven_order(const char *a, size_t alen, const char *b, size_t blen)
{
    mvn_cursor ca, cb;

    cursor_init(&ca, a, alen);
    cursor_init(&cb, b, blen);
    for (;;) {
        int ea = cursor_element(&ca), eb = cursor_element(&cb), r;

        if (ea == EL_END && eb == EL_END)
            return 0;
        if (ea == EL_LIST && eb == EL_LIST) {
            cursor_enter(&ca);
            cursor_enter(&cb);
            continue;
        }
        if (ea == EL_END)
            return -rest_vs_nothing(&cb);
        if (eb == EL_END)
            return rest_vs_nothing(&ca);
        /* A list is below a number ("1-1" < "1.1") and above a string ("1-1" > "1-sp"). */
        if (ea == EL_LIST)
            return cb.cur.numeric ? -1 : 1;
        if (eb == EL_LIST)
            return ca.cur.numeric ? 1 : -1;
        r = item_cmp(&ca.cur, &cb.cur);
        if (r)
            return r;
        cursor_advance(&ca);
        cursor_advance(&cb);
    }
}

/*
 * ComparableVersion accepts any string; vulntrack refuses only what cannot
 * be a version field at all: nothing, or text with spaces or control bytes.
 */
static int maven_compare(int *out, const char *a, size_t alen, const char *b, size_t blen,
                         vt_error *err)
{
    const char *why;

    *out = 0;
    why = vt__version_text_problem(a, alen);
    if (why)
        return vt__version_invalid(err, "maven", 0, a, alen, why);
    why = vt__version_text_problem(b, blen);
    if (why)
        return vt__version_invalid(err, "maven", 1, b, blen, why);
    *out = maven_order(a, alen, b, blen);
    return 0;
}

static bool maven_is_valid(const char *s, size_t len)
{
    return vt__version_text_problem(s, len) == NULL;
}

const vt_version_scheme vt__scheme_maven = {"maven", maven_compare, maven_is_valid};
