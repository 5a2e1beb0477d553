/*
 * strparse.h - checked number parsing and small text helpers, used instead of
 * atoi/strtol/sscanf. Inputs are (ptr, len) and never read past len.
 */
#ifndef VULNTRACK_STRPARSE_H
#define VULNTRACK_STRPARSE_H

#include "common.h"

/**
 * Parse s[0..len) as a non-empty run of ASCII digits into *out. Returns 0,
 * VT_EINVALID (empty, or a non-digit) or VT_ETOOBIG (above UINT64_MAX).
 */
VT_EXTERN int vt_parse_u64(uint64_t *out, const char *s, size_t len);

/**
 * Parse an optional '-' or '+' then digits into *out. Returns 0, VT_EINVALID
 * or VT_ETOOBIG (outside INT64_MIN..INT64_MAX).
 */
VT_EXTERN int vt_parse_i64(int64_t *out, const char *s, size_t len);

/**
 * Compare two runs of decimal digits by numeric value, of any length:
 * leading zeros are ignored. Returns <0, 0 or >0. Both runs must be digits only.
 */
VT_EXTERN int vt_digits_cmp(const char *a, size_t alen, const char *b, size_t blen);

/** Byte-wise comparison of two (ptr, len) strings, shorter first on a tie; <0, 0, >0. */
VT_EXTERN int vt_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen);

/** ASCII case-insensitive equality of (a, alen) with the NUL-terminated b. */
VT_EXTERN bool vt_ascii_ieq(const char *a, size_t alen, const char *b);

/** ASCII character classes that ignore the locale. */
static inline bool vt_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool vt_is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool vt_is_alnum(int c) { return vt_is_digit(c) || vt_is_alpha(c); }
static inline int vt_to_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

#endif
