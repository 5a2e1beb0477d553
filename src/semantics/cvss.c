/*
 * cvss.c - what the CVSS versions share: choosing the version from the
 * prefix, the strict metric parser driven by each version's table, the
 * normalised vector, the getters, and exact decimal arithmetic.
 */
#include <assert.h>
#include <string.h>

#include "cvss_internal.h"
#include "vulntrack/alloc.h"

/* ------------------------------------------------------------------------ */
/* Parsing                                                                  */
/* ------------------------------------------------------------------------ */

/* Bytes of an offending token quoted in a message; longer ones are cut. */
#define TOKEN_QUOTE_MAX 40

/*
 * Copy a token of the input for an error message, replacing bytes that are
 * not printable ASCII, so a message stays one readable line whatever the
 * input held.
 */
static const char *quote_token(char *buf, size_t size, const char *p, size_t n)
{
    size_t i, out = 0;

    assert(size > TOKEN_QUOTE_MAX + 4);
    (void)size;
    for (i = 0; i < n && i < TOKEN_QUOTE_MAX; i++)
        buf[out++] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
    if (n > TOKEN_QUOTE_MAX) {
        memcpy(buf + out, "...", 3);
        out += 3;
    }
    buf[out] = '\0';
    return buf;
}

static bool bytes_equal(const char *p, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

/*
 * Pick the version from the prefix. v2 vectors are written without one (NVD,
 * OSV), so a vector not starting with "CVSS:" is read as v2; "CVSS:2.0/" is
 * accepted as well because some producers add it. On success *body points
 * after the prefix.
 */
static int select_version(const vt__cvss_def **out, size_t *body, const char *s, size_t len,
                          vt_error *err)
{
    static const vt__cvss_def *const defs[] = {&vt__cvss_v20, &vt__cvss_v30, &vt__cvss_v31,
                                               &vt__cvss_v40};
    const char *slash;
    size_t vlen, i;
    char q[TOKEN_QUOTE_MAX + 8];

    if (len < 5 || memcmp(s, "CVSS:", 5) != 0) {
        *out = &vt__cvss_v20;
        *body = 0;
        return 0;
    }
    slash = memchr(s + 5, '/', len - 5);
    vlen = slash ? (size_t)(slash - (s + 5)) : len - 5;
    for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
        if (bytes_equal(s + 5, vlen, defs[i]->name)) {
            if (!slash)
                return vt_error_set(err, VT_EINVALID, len,
                                    "missing '/' and metrics after 'CVSS:%s'", defs[i]->name);
            *out = defs[i];
            *body = 5 + vlen + 1;
            return 0;
        }
    }
    return vt_error_set(err, VT_EINVALID, 5,
                        "unknown CVSS version '%s' (expected 2.0, 3.0, 3.1 or 4.0)",
                        quote_token(q, sizeof(q), s + 5, vlen));
}

static int find_metric(const vt__cvss_def *def, const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < def->count; i++)
        if (bytes_equal(p, n, def->metrics[i].key))
            return (int)i;
    return -1;
}

static int find_value(const vt__cvss_metric *m, const char *p, size_t n)
{
    int i;

    for (i = 0; m->values[i]; i++)
        if (bytes_equal(p, n, m->values[i]))
            return i;
    return -1;
}

/*
 * Read one "METRIC:VALUE" component at s[off..off+n) into c. `last` is the
 * index of the previous metric, for versions whose order is fixed.
 */
static int parse_component(vt_cvss *c, const char *s, size_t off, size_t n, int *last,
                           bool had_prefix, vt_error *err)
{
    const vt__cvss_def *def = c->def;
    const char *p = s + off;
    const char *colon = memchr(p, ':', n);
    size_t klen;
    int mi, vi;
    char q[TOKEN_QUOTE_MAX + 8];

    if (!colon)
        return vt_error_set(err, VT_EINVALID, off, "component '%s' is not METRIC:VALUE",
                            quote_token(q, sizeof(q), p, n));
    klen = (size_t)(colon - p);
    mi = find_metric(def, p, klen);
    if (mi < 0) {
        if (def->version == 20 && !had_prefix)
            return vt_error_set(err, VT_EINVALID, off,
                                "unknown metric '%s' for CVSS v2.0 (v3 and v4 vectors "
                                "start with a prefix such as 'CVSS:3.1/')",
                                quote_token(q, sizeof(q), p, klen));
        return vt_error_set(err, VT_EINVALID, off, "unknown metric '%s' for CVSS v%s",
                            quote_token(q, sizeof(q), p, klen), def->name);
    }
    if (c->val[mi] >= 0)
        return vt_error_set(err, VT_EINVALID, off, "metric '%s' appears twice",
                            def->metrics[mi].key);
    vi = find_value(&def->metrics[mi], colon + 1, n - klen - 1);
    if (vi < 0)
        return vt_error_set(err, VT_EINVALID, off + klen + 1, "unknown value '%s' for metric '%s'",
                            quote_token(q, sizeof(q), colon + 1, n - klen - 1),
                            def->metrics[mi].key);
    if (def->ordered && mi < *last)
        return vt_error_set(err, VT_EINVALID, off,
                            "metric '%s' is out of order: CVSS v%s puts it before '%s'",
                            def->metrics[mi].key, def->name, def->metrics[*last].key);
    c->val[mi] = (signed char)vi;
    *last = mi;
    return 0;
}

/* Parse s[0..len) into the caller's `c` (no allocation). */
static int parse_into(vt_cvss *c, const char *s, size_t len, vt_error *err)
{
    size_t body = 0, pos, i;
    int last = 0, error;

    memset(c, 0, sizeof(*c));
    memset(c->val, -1, sizeof(c->val));
    if (len == 0)
        return vt_error_set(err, VT_EINVALID, 0, "empty CVSS vector");
    if (len > VT_CVSS_MAX_LEN)
        return vt_error_set(err, VT_ETOOBIG, VT_CVSS_MAX_LEN,
                            "CVSS vector is %zu bytes, above the limit of %d", len,
                            VT_CVSS_MAX_LEN);
    error = select_version(&c->def, &body, s, len, err);
    if (error < 0)
        return error;
    if (body == len)
        return vt_error_set(err, VT_EINVALID, len, "no metrics after 'CVSS:%s/'", c->def->name);
    for (pos = body;;) {
        const char *slash = memchr(s + pos, '/', len - pos);
        size_t end = slash ? (size_t)(slash - s) : len;

        if (end == pos)
            return vt_error_set(
                err, VT_EINVALID, pos,
                pos == len ? "trailing '/' at byte %zu" : "empty component at byte %zu", pos);
        error = parse_component(c, s, pos, end - pos, &last, body > 0, err);
        if (error < 0)
            return error;
        if (!slash)
            break;
        pos = end + 1;
    }
    for (i = 0; i < c->def->mandatory; i++)
        if (c->val[i] < 0)
            return vt_error_set(err, VT_EINVALID, len, "missing mandatory metric '%s'",
                                c->def->metrics[i].key);
    for (i = 0; i < 4; i++)
        c->score[i] = -1;
    c->def->score(c);
    return 0;
}

int vt_cvss_parse(vt_cvss **out, const char *s, size_t len, vt_error *err)
{
    vt_cvss tmp, *c;
    int error;

    assert(out);
    assert(s || len == 0);
    *out = NULL;
    error = parse_into(&tmp, s, len, err);
    if (error < 0)
        return error;
    c = vt_malloc(sizeof(*c));
    if (!c)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    *c = tmp;
    *out = c;
    return 0;
}

void vt_cvss_free(vt_cvss *c)
{
    vt_free(c);
}

/* ------------------------------------------------------------------------ */
/* Getters                                                                  */
/* ------------------------------------------------------------------------ */

bool vt__cvss_defined(const vt_cvss *c, size_t i)
{
    const vt__cvss_metric *m = &c->def->metrics[i];

    return c->val[i] >= 0 && strcmp(m->values[c->val[i]], c->def->not_defined) != 0;
}

int vt_cvss_version(const vt_cvss *c)
{
    return c->def->version;
}

const char *vt_cvss_version_name(const vt_cvss *c)
{
    return c->def->name;
}

const char *vt_cvss_version_text(int version)
{
    switch (version) {
    case 20:
        return "2.0";
    case 30:
        return "3.0";
    case 31:
        return "3.1";
    case 40:
        return "4.0";
    default:
        return NULL;
    }
}

int vt_cvss_vector(vt_buf *out, const vt_cvss *c)
{
    const vt__cvss_def *def = c->def;
    bool first = true;
    size_t i;
    int error;

    error = vt_buf_puts(out, def->prefix);
    for (i = 0; i < def->count && error == 0; i++) {
        if (!vt__cvss_defined(c, i))
            continue;
        if (!first)
            error = vt_buf_putc(out, '/');
        if (error == 0)
            error =
                vt_buf_printf(out, "%s:%s", def->metrics[i].key, def->metrics[i].values[c->val[i]]);
        first = false;
    }
    return error;
}

int vt_cvss_score10(const vt_cvss *c, vt_cvss_score_kind kind)
{
    if ((int)kind < 0 || (int)kind > VT_CVSS_SCORE_OVERALL)
        return -1;
    return c->score[kind];
}

double vt_cvss_base_score(const vt_cvss *c)
{
    return (double)c->score[VT_CVSS_SCORE_BASE] / 10.0;
}

const char *vt_cvss_severity(int version, int score10)
{
    if (score10 < 0 || score10 > 100)
        return NULL;
    if (version == 20)
        return score10 < 40 ? "Low" : score10 < 70 ? "Medium" : "High";
    if (score10 == 0)
        return "None";
    return score10 < 40 ? "Low" : score10 < 70 ? "Medium" : score10 < 90 ? "High" : "Critical";
}

const char *vt_cvss_base_severity(const vt_cvss *c)
{
    return vt_cvss_severity(c->def->version, c->score[VT_CVSS_SCORE_BASE]);
}

const char *vt_cvss_nomenclature(const vt_cvss *c)
{
    return c->nomenclature;
}

const char *vt_cvss_metric(const vt_cvss *c, const char *key)
{
    int i;

    if (!key)
        return NULL;
    i = find_metric(c->def, key, strlen(key));
    if (i < 0 || !vt__cvss_defined(c, (size_t)i))
        return NULL;
    return c->def->metrics[i].values[c->val[i]];
}

/* ------------------------------------------------------------------------ */
/* Exact decimals                                                           */
/* ------------------------------------------------------------------------ */

#define LIMB_BASE 1000000000u

static const uint32_t pow10_small[9] = {1,      10,      100,      1000,     10000,
                                        100000, 1000000, 10000000, 100000000};

static void dec_trim(vt__dec *x)
{
    while (x->n > 0 && x->d[x->n - 1] == 0)
        x->n--;
    if (x->n == 0)
        x->neg = false;
}

void vt__dec_set(vt__dec *x, int64_t v, int scale)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    memset(x, 0, sizeof(*x));
    x->neg = v < 0;
    x->scale = scale;
    while (m) {
        x->d[x->n++] = (uint32_t)(m % LIMB_BASE);
        m /= LIMB_BASE;
    }
    dec_trim(x);
}

static void mag_mul_small(vt__dec *x, uint32_t m)
{
    uint64_t carry = 0;
    int i;

    for (i = 0; i < x->n; i++) {
        uint64_t t = (uint64_t)x->d[i] * m + carry;

        x->d[i] = (uint32_t)(t % LIMB_BASE);
        carry = t / LIMB_BASE;
    }
    if (carry) {
        assert(x->n < VT__DEC_LIMBS);
        x->d[x->n++] = (uint32_t)carry;
    }
}

/* Multiply the magnitude by 10^k and raise the scale by k: same value. */
static void dec_rescale(vt__dec *x, int k)
{
    assert(k >= 0);
    x->scale += k;
    if (x->n == 0)
        return;
    for (; k >= 9; k -= 9) {
        assert(x->n < VT__DEC_LIMBS);
        memmove(x->d + 1, x->d, (size_t)x->n * sizeof(x->d[0]));
        x->d[0] = 0;
        x->n++;
    }
    if (k)
        mag_mul_small(x, pow10_small[k]);
}

static int mag_cmp(const vt__dec *a, const vt__dec *b)
{
    int i;

    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

/* out = |a| + |b| (same scale). */
static void mag_add(vt__dec *out, const vt__dec *a, const vt__dec *b)
{
    uint32_t carry = 0;
    int i, n = a->n > b->n ? a->n : b->n;

    for (i = 0; i < n; i++) {
        uint32_t t = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;

        carry = t >= LIMB_BASE;
        out->d[i] = carry ? t - LIMB_BASE : t;
    }
    if (carry) {
        assert(n < VT__DEC_LIMBS);
        out->d[n++] = 1;
    }
    out->n = n;
}

/* out = |a| - |b| with |a| >= |b| (same scale). */
static void mag_sub(vt__dec *out, const vt__dec *a, const vt__dec *b)
{
    int64_t borrow = 0;
    int i;

    for (i = 0; i < a->n; i++) {
        int64_t t = (int64_t)a->d[i] - (i < b->n ? b->d[i] : 0) - borrow;

        borrow = t < 0;
        out->d[i] = (uint32_t)(borrow ? t + LIMB_BASE : t);
    }
    assert(borrow == 0);
    out->n = a->n;
}

void vt__dec_add(vt__dec *out, const vt__dec *a, const vt__dec *b)
{
    vt__dec x = *a, y = *b, r;

    if (x.scale < y.scale)
        dec_rescale(&x, y.scale - x.scale);
    else if (y.scale < x.scale)
        dec_rescale(&y, x.scale - y.scale);
    memset(&r, 0, sizeof(r));
    r.scale = x.scale;
    if (x.neg == y.neg) {
        mag_add(&r, &x, &y);
        r.neg = x.neg;
    } else if (mag_cmp(&x, &y) >= 0) {
        mag_sub(&r, &x, &y);
        r.neg = x.neg;
    } else {
        mag_sub(&r, &y, &x);
        r.neg = y.neg;
    }
    dec_trim(&r);
    *out = r;
}

void vt__dec_sub(vt__dec *out, const vt__dec *a, const vt__dec *b)
{
    vt__dec nb = *b;

    nb.neg = !nb.neg;
    dec_trim(&nb);
    vt__dec_add(out, a, &nb);
}

void vt__dec_mul(vt__dec *out, const vt__dec *a, const vt__dec *b)
{
    vt__dec r;
    int i, j;

    memset(&r, 0, sizeof(r));
    r.scale = a->scale + b->scale;
    r.neg = a->neg != b->neg;
    assert(a->n + b->n <= VT__DEC_LIMBS);
    for (i = 0; i < a->n; i++) {
        uint64_t carry = 0;

        for (j = 0; j < b->n; j++) {
            uint64_t t = r.d[i + j] + (uint64_t)a->d[i] * b->d[j] + carry;

            r.d[i + j] = (uint32_t)(t % LIMB_BASE);
            carry = t / LIMB_BASE;
        }
        r.d[i + b->n] = (uint32_t)carry;
    }
    r.n = a->n + b->n;
    dec_trim(&r);
    *out = r;
}

void vt__dec_reduce(vt__dec *x)
{
    int i;

    while (x->n > 0 && x->scale >= 9 && x->d[0] == 0) {
        memmove(x->d, x->d + 1, (size_t)(x->n - 1) * sizeof(x->d[0]));
        x->n--;
        x->scale -= 9;
    }
    while (x->n > 0 && x->scale > 0 && x->d[0] % 10 == 0) {
        uint64_t rem = 0;

        for (i = x->n - 1; i >= 0; i--) {
            uint64_t t = rem * LIMB_BASE + x->d[i];

            x->d[i] = (uint32_t)(t / 10);
            rem = t % 10;
        }
        x->scale--;
        dec_trim(x);
    }
    if (x->n == 0)
        x->scale = 0;
}

int vt__dec_cmp(const vt__dec *a, const vt__dec *b)
{
    vt__dec d;

    vt__dec_sub(&d, a, b);
    return d.n == 0 ? 0 : d.neg ? -1 : 1;
}

int64_t vt__dec_trunc(const vt__dec *x, int k, bool *inexact)
{
    vt__dec y = *x;
    int shift = y.scale - k, drop, i;
    uint64_t rem = 0, v = 0;

    *inexact = false;
    if (shift <= 0) {
        dec_rescale(&y, -shift);
    } else {
        drop = shift / 9 < y.n ? shift / 9 : y.n;
        for (i = 0; i < drop; i++)
            if (y.d[i])
                *inexact = true;
        memmove(y.d, y.d + drop, (size_t)(y.n - drop) * sizeof(y.d[0]));
        y.n -= drop;
        if (shift % 9 && y.n) {
            uint32_t div = pow10_small[shift % 9];

            for (i = y.n - 1; i >= 0; i--) {
                uint64_t t = rem * LIMB_BASE + y.d[i];

                y.d[i] = (uint32_t)(t / div);
                rem = t % div;
            }
            if (rem)
                *inexact = true;
        }
        dec_trim(&y);
    }
    /* Callers only truncate scores and small scaled scores. */
    assert(y.n <= 2);
    for (i = y.n - 1; i >= 0; i--)
        v = v * LIMB_BASE + y.d[i];
    return (int64_t)v;
}

int vt__dec_round10(const vt__dec *x)
{
    vt__dec two, twice;
    bool inexact;
    int64_t t;

    /* floor(|x|*10 + 1/2) = (floor(2*|x|*10) + 1) / 2, exactly. */
    vt__dec_set(&two, 2, 0);
    vt__dec_mul(&twice, x, &two);
    t = (vt__dec_trunc(&twice, 1, &inexact) + 1) / 2;
    return (int)(x->neg ? -t : t);
}
