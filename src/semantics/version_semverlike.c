/*
 * version_semverlike.c - the SemVer 2.0 precedence rules, made as lenient as
 * OSV's own tooling (osv-scalibr's "semver-like" versions): a leading 'v' is
 * ignored, numeric components have any width and any count, and whatever
 * follows the numeric components is the prerelease and build tail, with or
 * without the '-'. Everything works over (ptr, len) views of the caller's
 * text, so comparing never allocates and never fails for lack of memory.
 */
#include <string.h>

#include "vulntrack/strparse.h"
#include "version_semverlike.h"

int vt__svl_parse(vt__svl *out, const char *s, size_t len, const char **why)
{
    size_t i, start;

    memset(out, 0, sizeof(*out));
    if (len == 0) {
        *why = "empty version";
        return VT_EINVALID;
    }
    /*
     * Version strings come from advisories and lockfiles one per field; a
     * space or a control byte means the field was cut wrongly, and comparing
     * it would only hide that.
     */
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c == 0x7f) {
            *why = "contains a space or control character";
            return VT_EINVALID;
        }
    }
    start = s[0] == 'v' ? 1 : 0;
    if (start == len || !vt_is_digit((unsigned char)s[start])) {
        *why = "does not start with a number";
        return VT_EINVALID;
    }
    for (i = start; i < len && (vt_is_digit((unsigned char)s[i]) || s[i] == '.'); i++)
        ;
    out->num = s + start;
    out->num_len = i - start;
    out->tail = s + i;
    out->tail_len = len - i;
    return 0;
}

/*
 * Step to the next numeric component of p[0..n) from *pos. Empty components
 * ("1..2", "1.") are skipped, as OSV's parser skips them.
 */
static bool next_component(const char *p, size_t n, size_t *pos, const char **run, size_t *run_len)
{
    size_t start;

    while (*pos < n && p[*pos] == '.')
        (*pos)++;
    if (*pos >= n)
        return false;
    start = *pos;
    while (*pos < n && p[*pos] != '.')
        (*pos)++;
    *run = p + start;
    *run_len = *pos - start;
    return true;
}

int vt__svl_compare_release(const vt__svl *a, const vt__svl *b, size_t ncomp)
{
    size_t pa = 0, pb = 0, k;

    for (k = 0; k < ncomp; k++) {
        const char *ra = "", *rb = "";
        size_t la = 0, lb = 0;
        int c;

        /* A missing component compares as 0 (an empty digit run). */
        if (!next_component(a->num, a->num_len, &pa, &ra, &la))
            la = 0;
        if (!next_component(b->num, b->num_len, &pb, &rb, &lb))
            lb = 0;
        c = vt_digits_cmp(ra, la, rb, lb);
        if (c)
            return c;
    }
    return 0;
}

/* The numeric part after the first `ncomp` components: the extra components. */
static void extra_components(const vt__svl *v, size_t ncomp, const char **p, size_t *n)
{
    size_t pos = 0, k, run_len;
    const char *run;

    for (k = 0; k < ncomp && next_component(v->num, v->num_len, &pos, &run, &run_len); k++)
        ;
    *p = v->num + pos;
    *n = v->num_len - pos;
}

static bool has_component(const char *p, size_t n)
{
    size_t pos = 0, run_len;
    const char *run;

    return next_component(p, n, &pos, &run, &run_len);
}

/*
 * A list of dot-separated identifiers: those of `src` (split on every '.',
 * so "a..b" holds an empty one), then each extra numeric component.
 * OSV's tooling appends the extra components to the tail as ".N" before
 * splitting it, which is where this shape comes from.
 */
typedef struct ident_list {
    bool present;
    const char *src;
    size_t src_len, src_pos;
    bool src_done;
    const char *ext;
    size_t ext_len, ext_pos;
} ident_list;

static void ident_list_init(ident_list *l, bool present, const char *src, size_t src_len,
                            const char *ext, size_t ext_len)
{
    memset(l, 0, sizeof(*l));
    l->src = src;
    l->src_len = src_len;
    l->ext = ext;
    l->ext_len = ext_len;
    /* An empty part with no extra components is no part at all ("1.2.3-"). */
    l->present = present && (src_len > 0 || has_component(ext, ext_len));
}

static bool ident_next(ident_list *l, const char **id, size_t *n)
{
    if (!l->src_done) {
        const char *start = l->src + l->src_pos;
        size_t left = l->src_len - l->src_pos;
        const char *dot = left ? memchr(start, '.', left) : NULL;

        *id = start;
        if (dot) {
            *n = (size_t)(dot - start);
            l->src_pos += *n + 1;
        } else {
            *n = left;
            l->src_done = true;
        }
        return true;
    }
    return next_component(l->ext, l->ext_len, &l->ext_pos, id, n);
}

static bool ident_is_numeric(const char *p, size_t n)
{
    size_t i;

    if (n == 0)
        return false;
    for (i = 0; i < n; i++)
        if (!vt_is_digit((unsigned char)p[i]))
            return false;
    return true;
}

static int ascii_icase_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i, n = alen < blen ? alen : blen;

    for (i = 0; i < n; i++) {
        int ca = vt_to_lower((unsigned char)a[i]), cb = vt_to_lower((unsigned char)b[i]);

        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (alen > blen) - (alen < blen);
}

/*
 * SemVer 2.0 item 11: numeric identifiers compare as numbers (of any width)
 * and before alphanumeric ones, which compare in ASCII order.
 */
static int ident_cmp(const char *a, size_t alen, const char *b, size_t blen, bool icase)
{
    bool na = ident_is_numeric(a, alen), nb = ident_is_numeric(b, blen);

    if (na && nb)
        return vt_digits_cmp(a, alen, b, blen);
    if (na != nb)
        return na ? -1 : 1;
    return icase ? ascii_icase_cmp(a, alen, b, blen) : vt_bytes_cmp(a, alen, b, blen);
}

/* Identifier by identifier; when one list is a prefix of the other, it is smaller. */
static int ident_list_cmp(ident_list *a, ident_list *b, bool icase)
{
    for (;;) {
        const char *ia, *ib;
        size_t na, nb;
        bool ha = ident_next(a, &ia, &na), hb = ident_next(b, &ib, &nb);
        int c;

        if (!ha || !hb)
            return ha == hb ? 0 : ha ? 1 : -1;
        c = ident_cmp(ia, na, ib, nb, icase);
        if (c)
            return c;
    }
}

/* The tail up to the first '+' (*pre) and whether a '+' follows (*plus). */
static void split_tail(const vt__svl *v, const char **pre, size_t *pre_len, bool *plus)
{
    const char *p = v->tail_len ? memchr(v->tail, '+', v->tail_len) : NULL;

    *pre = v->tail;
    *pre_len = p ? (size_t)(p - v->tail) : v->tail_len;
    *plus = p != NULL;
}

static void prerelease_of(ident_list *l, const vt__svl *v, size_t ncomp)
{
    const char *pre, *ext;
    size_t pre_len, ext_len;
    bool plus;

    split_tail(v, &pre, &pre_len, &plus);
    extra_components(v, ncomp, &ext, &ext_len);
    /* The separating '-' is not part of the first identifier. */
    if (pre_len && pre[0] == '-') {
        pre++;
        pre_len--;
    }
    ident_list_init(l, true, pre, pre_len, ext, plus ? 0 : ext_len);
}

int vt__svl_compare_prerelease(const vt__svl *a, const vt__svl *b, size_t ncomp, bool icase)
{
    ident_list la, lb;

    prerelease_of(&la, a, ncomp);
    prerelease_of(&lb, b, ncomp);
    /* SemVer 2.0 item 11.3: a prerelease sorts before its release. */
    if (!la.present || !lb.present)
        return la.present == lb.present ? 0 : la.present ? -1 : 1;
    return ident_list_cmp(&la, &lb, icase);
}

static void build_of(ident_list *l, const vt__svl *v, size_t ncomp)
{
    const char *pre, *ext;
    size_t pre_len, ext_len;
    bool plus;

    split_tail(v, &pre, &pre_len, &plus);
    extra_components(v, ncomp, &ext, &ext_len);
    if (!plus) {
        ident_list_init(l, false, NULL, 0, NULL, 0);
        return;
    }
    ident_list_init(l, true, pre + pre_len + 1, v->tail_len - pre_len - 1, ext, ext_len);
}

int vt__svl_compare_build(const vt__svl *a, const vt__svl *b, size_t ncomp)
{
    ident_list la, lb;

    build_of(&la, a, ncomp);
    build_of(&lb, b, ncomp);
    /* Pub: a build sorts after the same version without one. */
    if (!la.present || !lb.present)
        return la.present == lb.present ? 0 : la.present ? 1 : -1;
    return ident_list_cmp(&la, &lb, false);
}

int vt__svl_parse_pair(vt__svl *pa, vt__svl *pb, const char *name, const char *a, size_t alen,
                       const char *b, size_t blen, vt_error *err)
{
    const char *why = NULL;

    if (vt__svl_parse(pa, a, alen, &why) < 0)
        return vt__version_invalid(err, name, 0, a, alen, why);
    if (vt__svl_parse(pb, b, blen, &why) < 0)
        return vt__version_invalid(err, name, 1, b, blen, why);
    return 0;
}
