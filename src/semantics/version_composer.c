/*
 * version_composer.c - Packagist version ordering, as OSV tooling implements
 * it: PHP's version_compare() on a canonical form of the version.
 *
 * Canonical form: one leading 'v' and then one leading 'V' are dropped; '-',
 * '_' and '+' become '.'; a '.' is put between a digit and a following or
 * preceding character that is neither a digit nor a '.'. The result split
 * on '.' gives the components (possibly empty).
 *
 * Components compare pairwise: two numbers numerically (of any length), two
 * words by their special form, and a number as the form '#'. The forms, by
 * prefix: "dev" < "a" (alpha) < "b" (beta) < "RC" = "rc" < "#" < "p" (pl,
 * patch); a word with none of these prefixes ranks with "dev". When one list
 * is a prefix of the other, the longer is greater if its next component is a
 * number, and otherwise its remaining components are weighed against '#'
 * one by one ("1.0" < "1.0.1", "1.0" > "1.0-beta", "1.2.3" = "1.2.3.#").
 *
 * This order is not transitive everywhere ("1.2.3.#" equals both "1.2.3" and
 * "1.2.3.1"); the shared fixtures require that behaviour.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_scheme.h"

#define SCHEME "composer"

static bool is_sep(unsigned char c)
{
    return c == '.' || c == '-' || c == '_' || c == '+';
}

/* Drop the 'v' and 'V' prefixes OSV tooling removes (at most one each). */
static void trim_prefix(const char **s, size_t *len)
{
    if (*len && **s == 'v') {
        (*s)++;
        (*len)--;
    }
    if (*len && **s == 'V') {
        (*s)++;
        (*len)--;
    }
}

typedef struct component {
    const char *p;
    size_t n;
    bool number;
} component;

/*
 * Walk over the components of the canonical form without building it: a
 * separator ends a component, and so does a change between digit and
 * non-digit.
 */
typedef struct comp_iter {
    const char *s;
    size_t len, pos;
    bool done;
} comp_iter;

static bool comp_next(comp_iter *it, component *c)
{
    size_t i = it->pos;
    bool digit;

    if (it->done)
        return false;
    c->p = it->s + i;
    if (i >= it->len || is_sep((unsigned char)it->s[i])) {
        /* An empty component: before a separator, or at the very end. */
        c->n = 0;
        c->number = false;
        if (i >= it->len)
            it->done = true;
        else
            it->pos = i + 1;
        return true;
    }
    digit = vt_is_digit((unsigned char)it->s[i]);
    while (i < it->len && !is_sep((unsigned char)it->s[i]) &&
           vt_is_digit((unsigned char)it->s[i]) == digit)
        i++;
    c->n = (size_t)(it->s + i - c->p);
    c->number = digit;
    if (i >= it->len)
        it->done = true;
    else if (is_sep((unsigned char)it->s[i]))
        it->pos = i + 1;
    else
        it->pos = i; /* a digit/non-digit change: no separator to skip */
    return true;
}

static bool starts_with(const component *c, const char *prefix)
{
    size_t n = strlen(prefix);

    return c->n >= n && memcmp(c->p, prefix, n) == 0;
}

/* The rank of a word's special form; numbers rank as '#' (4). */
static int weight(const component *c)
{
    static const char *const forms[] = {"dev", "a", "b", "rc", "#", "p"};
    size_t k;

    if (c->number)
        return 4;
    /* Upper-case "RC" is the one form PHP also spells in capitals. */
    if (starts_with(c, "RC"))
        return 3;
    for (k = 0; k < sizeof(forms) / sizeof(forms[0]); k++)
        if (starts_with(c, forms[k]))
            return (int)k;
    return 0;
}

static int component_cmp(const component *a, const component *b)
{
    int c;

    if (a->number && b->number)
        c = vt_digits_cmp(a->p, a->n, b->p, b->n);
    else
        c = weight(a) - weight(b);
    return (c > 0) - (c < 0);
}

/*
 * The remaining components of the longer version against '#': a number
 * makes it greater, a word decides by its form unless it is itself '#'.
 */
static int tail_cmp(comp_iter *it, const component *first)
{
    component c = *first;

    do {
        int w;

        if (c.number)
            return 1;
        w = weight(&c);
        if (w != 4)
            return w > 4 ? 1 : -1;
    } while (comp_next(it, &c));
    return 0;
}

/* Every non-empty string is accepted but white space and control bytes. */
static const char *composer_check(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
            return "white space or control character in version";
    trim_prefix(&s, &len);
    if (len == 0)
        return "empty version";
    return NULL;
}

static int composer_compare(int *out, const char *a, size_t alen, const char *b, size_t blen,
                            vt_error *err)
{
    const char *why;
    comp_iter ia, ib;

    *out = 0;
    why = composer_check(a, alen);
    if (why)
        return vt__version_invalid(err, SCHEME, 0, a, alen, why);
    why = composer_check(b, blen);
    if (why)
        return vt__version_invalid(err, SCHEME, 1, b, blen, why);
    trim_prefix(&a, &alen);
    trim_prefix(&b, &blen);
    memset(&ia, 0, sizeof(ia));
    memset(&ib, 0, sizeof(ib));
    ia.s = a;
    ia.len = alen;
    ib.s = b;
    ib.len = blen;
    for (;;) {
        component ca, cb;
        bool ha = comp_next(&ia, &ca), hb = comp_next(&ib, &cb);

        if (!ha && !hb)
            return 0;
        if (!hb) {
            *out = tail_cmp(&ia, &ca);
            return 0;
        }
        if (!ha) {
            *out = -tail_cmp(&ib, &cb);
            return 0;
        }
        *out = component_cmp(&ca, &cb);
        if (*out)
            return 0;
    }
}

static bool composer_is_valid(const char *s, size_t len)
{
    return composer_check(s, len) == NULL;
}

const vt_version_scheme vt__scheme_composer = {"composer", composer_compare, composer_is_valid};
