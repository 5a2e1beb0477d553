/* strparse.c - checked number parsing and byte-string comparisons. */
#include <string.h>

#include "vulntrack/strparse.h"

int vt_parse_u64(uint64_t *out, const char *s, size_t len)
{
    uint64_t v = 0;
    size_t i;

    *out = 0;
    if (len == 0)
        return VT_EINVALID;
    for (i = 0; i < len; i++) {
        unsigned d;

        if (!vt_is_digit((unsigned char)s[i]))
            return VT_EINVALID;
        d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return VT_ETOOBIG;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int vt_parse_i64(int64_t *out, const char *s, size_t len)
{
    bool neg = false;
    uint64_t mag;
    int error;

    *out = 0;
    if (len && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s++;
        len--;
    }
    error = vt_parse_u64(&mag, s, len);
    if (error < 0)
        return error;
    if (neg) {
        if (mag > (uint64_t)INT64_MAX + 1)
            return VT_ETOOBIG;
        *out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    } else {
        if (mag > (uint64_t)INT64_MAX)
            return VT_ETOOBIG;
        *out = (int64_t)mag;
    }
    return 0;
}

int vt_digits_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c;

    while (alen && *a == '0') {
        a++;
        alen--;
    }
    while (blen && *b == '0') {
        b++;
        blen--;
    }
    if (alen != blen)
        return alen < blen ? -1 : 1;
    /*
     * Version segments are a few bytes long: a plain loop beats a call to
     * memcmp here, and this sits on every version comparison's hot path.
     */
    for (; alen; a++, b++, alen--) {
        c = (unsigned char)*a - (unsigned char)*b;
        if (c)
            return c < 0 ? -1 : 1;
    }
    return 0;
}

int vt_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i, n = alen < blen ? alen : blen;

    /* Short segments again: see vt_digits_cmp. */
    for (i = 0; i < n; i++) {
        int c = (unsigned char)a[i] - (unsigned char)b[i];

        if (c)
            return c < 0 ? -1 : 1;
    }
    return (alen > blen) - (alen < blen);
}

bool vt_ascii_ieq(const char *a, size_t alen, const char *b)
{
    size_t i;

    for (i = 0; i < alen; i++) {
        if (b[i] == '\0' ||
            vt_to_lower((unsigned char)a[i]) != vt_to_lower((unsigned char)b[i]))
            return false;
    }
    return b[alen] == '\0';
}
