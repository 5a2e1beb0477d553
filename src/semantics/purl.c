/*
 * purl.c - Package URL parsing, building and the canonical form (ECMA-427,
 * with the purl-spec repository's "how to parse" steps and its test suite as
 * the tie-breaker where the prose is loose).
 *
 * A purl is split from the right, as the specification describes: the
 * subpath after the last '#', the qualifiers after the last '?' before it,
 * the scheme up to the first ':', the type up to the next '/', the version
 * after the last '@' of the last path segment, the name after the last '/',
 * and the namespace before it. Components are percent-decoded (and must then
 * be UTF-8), and the per-type rules of purl_types.c are applied to the
 * decoded values, so that parsing and building share one normalisation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "purl_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/strparse.h"

/* Bytes of a component quoted in an error message. */
#define QUOTE_MAX 48

/* ------------------------------------------------------------------------ */
/* Small text helpers                                                        */
/* ------------------------------------------------------------------------ */

void vt__purl_ascii_lower(char *s)
{
    for (; *s; s++)
        *s = (char)vt_to_lower((unsigned char)*s);
}

void vt__purl_ascii_upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

const char *vt__purl_quote(char *out, size_t cap, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0, i;

    if (cap < 8) {
        if (cap)
            out[0] = '\0';
        return out;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t need = (c >= 0x20 && c < 0x7f) ? 1 : 4;

        if (o + need + 4 > cap) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (need == 1) {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

static const char *find_first(const char *s, const char *end, char c)
{
    for (; s < end; s++)
        if (*s == c)
            return s;
    return NULL;
}

static const char *find_last(const char *s, const char *end, char c)
{
    while (end > s) {
        end--;
        if (*end == c)
            return end;
    }
    return NULL;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Strict UTF-8 check (no overlong forms, no surrogates, nothing above
 * U+10FFFF): components become JSON strings and database keys, where a
 * malformed sequence would either break the output or alias another name.
 * On failure *bad is the offset of the first bad byte.
 */
static bool utf8_valid(const unsigned char *s, size_t n, size_t *bad)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t k, extra;
        unsigned long cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            extra = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            *bad = i;
            return false;
        }
        if (n - i <= extra) {
            *bad = i;
            return false;
        }
        for (k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                *bad = i;
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((extra == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (extra == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
            *bad = i;
            return false;
        }
        i += extra + 1;
    }
    return true;
}

static int check_utf8(const char *s, size_t n, const char *what, size_t offset, vt_error *err)
{
    size_t bad = 0;

    if (utf8_valid((const unsigned char *)s, n, &bad))
        return 0;
    return vt_error_set(err, VT_EINVALID, offset,
                        "%s is not valid UTF-8 "
                        "(byte 0x%02X)",
                        what, (unsigned)(unsigned char)s[bad]);
}

/*
 * Percent-decode s[0..n) into `out` (replacing its contents). `offset` is
 * where s starts in the caller's input, for error positions. A '%' must start
 * a two-hex-digit escape, and an escaped NUL is refused because every
 * component ends up in a C string.
 */
static int decode_component(vt_buf *out, const char *s, size_t n, const char *what, size_t offset,
                            vt_error *err)
{
    size_t i;
    int error;

    vt_buf_clear(out);
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (c == '%') {
            int hi, lo;
            char shown[QUOTE_MAX];

            hi = (i + 1 < n) ? hex_value((unsigned char)s[i + 1]) : -1;
            lo = (i + 2 < n) ? hex_value((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return vt_error_set(err, VT_EINVALID, offset + i,
                                    "invalid percent-encoding '%s' in %s "
                                    "(expected '%%' and two hex digits)",
                                    vt__purl_quote(shown, 8, s + i, n - i < 3 ? n - i : 3), what);
            c = (char)(hi * 16 + lo);
            if (c == '\0')
                return vt_error_set(err, VT_EINVALID, offset + i,
                                    "%s contains an encoded NUL byte (%%00)", what);
            i += 2;
        }
        error = vt_buf_putc(out, c);
        if (error < 0)
            return error;
    }
    return check_utf8(out->ptr, out->len, what, offset, err);
}

/* Bytes that stay unencoded in the canonical form (ECMA-427 5.4). */
static bool canonical_keeps(unsigned char c)
{
    return vt_is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':';
}

static int put_encoded(vt_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i, run = 0;
    int error;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[3];

        if (canonical_keeps(c)) {
            run++;
            continue;
        }
        error = vt_buf_put(b, s + i - run, run);
        if (error < 0)
            return error;
        run = 0;
        esc[0] = '%';
        esc[1] = hex[c >> 4];
        esc[2] = hex[c & 15];
        error = vt_buf_put(b, esc, 3);
        if (error < 0)
            return error;
    }
    return vt_buf_put(b, s + n - run, run);
}

/* Encode each '/'-separated segment of s, keeping the separators. */
static int put_encoded_path(vt_buf *b, const char *s)
{
    const char *end = s + strlen(s);
    int error;

    for (;;) {
        const char *slash = find_first(s, end, '/');
        const char *seg_end = slash ? slash : end;

        error = put_encoded(b, s, (size_t)(seg_end - s));
        if (error < 0 || !slash)
            return error;
        error = vt_buf_putc(b, '/');
        if (error < 0)
            return error;
        s = slash + 1;
    }
}

/* ------------------------------------------------------------------------ */
/* Components shared by parse and build                                      */
/* ------------------------------------------------------------------------ */

static int set_string(char **slot, const char *s, size_t n)
{
    char *copy = vt_strndup(s, n);

    if (!copy)
        return VT_ENOMEM;
    vt_free(*slot);
    *slot = copy;
    return 0;
}

/*
 * Check and store the type: ASCII letters, digits, '.' and '-', starting
 * with a letter, never percent-encoded; stored lower-case.
 */
static int set_type(vt_purl *p, const char *s, size_t n, size_t offset, vt_error *err)
{
    char shown[QUOTE_MAX], bad[8];
    size_t i;
    int error;

    if (n == 0)
        return vt_error_set(err, VT_EINVALID, offset, "missing type after 'pkg:'");
    if (!vt_is_alpha((unsigned char)s[0]))
        return vt_error_set(err, VT_EINVALID, offset, "type must start with a letter (found '%s')",
                            vt__purl_quote(shown, sizeof(shown), s, n));
    for (i = 1; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (vt_is_alnum(c) || c == '.' || c == '-')
            continue;
        if (c == '%')
            return vt_error_set(err, VT_EINVALID, offset + i,
                                "type '%s' must not be percent-encoded",
                                vt__purl_quote(shown, sizeof(shown), s, n));
        return vt_error_set(err, VT_EINVALID, offset + i,
                            "type '%s' has invalid character '%s' (allowed: "
                            "letters, digits, '.', '-')",
                            vt__purl_quote(shown, sizeof(shown), s, n),
                            vt__purl_quote(bad, sizeof(bad), s + i, 1));
    }
    error = set_string(&p->type, s, n);
    if (error < 0)
        return error;
    vt__purl_ascii_lower(p->type);
    p->rule = vt__purl_type_find(p->type);
    return 0;
}

/*
 * Check a qualifier key: lower-case ASCII letters, digits, '.', '-', '_',
 * starting with a letter. Without VT_PURL_STRICT upper-case letters are
 * accepted here and folded by the caller.
 */
static int check_key(const char *k, size_t n, unsigned flags, size_t offset, vt_error *err)
{
    char shown[QUOTE_MAX];
    size_t i;

    if (n == 0)
        return vt_error_set(err, VT_EINVALID, offset, "qualifier with an empty key");
    vt__purl_quote(shown, sizeof(shown), k, n);
    if (!vt_is_alpha((unsigned char)k[0]))
        return vt_error_set(err, VT_EINVALID, offset, "qualifier key '%s' must start with a letter",
                            shown);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];

        if ((c >= 'a' && c <= 'z') || vt_is_digit(c) || c == '.' || c == '-' || c == '_')
            continue;
        if (c >= 'A' && c <= 'Z') {
            if (flags & VT_PURL_STRICT)
                return vt_error_set(err, VT_EINVALID, offset + i,
                                    "qualifier key '%s' must be lower-case", shown);
            continue;
        }
        if (c == '%')
            return vt_error_set(err, VT_EINVALID, offset + i,
                                "qualifier key '%s' must not be percent-encoded", shown);
        return vt_error_set(err, VT_EINVALID, offset + i,
                            "qualifier key '%s' has invalid characters (allowed: "
                            "a-z, 0-9, '.', '-', '_')",
                            shown);
    }
    return 0;
}

/* Append one qualifier (key folded to lower case) to p->quals. */
static int add_qualifier(vt_purl *p, size_t *cap, const char *k, size_t klen, const char *v,
                         size_t vlen)
{
    char *key = NULL, *value = NULL;

    if (p->nquals == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        vt_purl_qualifier *grown = vt_realloc(p->quals, ncap * sizeof(*grown));

        if (!grown)
            return VT_ENOMEM;
        p->quals = grown;
        *cap = ncap;
    }
    key = vt_strndup(k, klen);
    value = vt_strndup(v, vlen);
    if (!key || !value) {
        vt_free(key);
        vt_free(value);
        return VT_ENOMEM;
    }
    vt__purl_ascii_lower(key);
    p->quals[p->nquals].key = key;
    p->quals[p->nquals].value = value;
    p->nquals++;
    return 0;
}

static int compare_qualifiers(const void *a, const void *b)
{
    return strcmp(((const vt_purl_qualifier *)a)->key, ((const vt_purl_qualifier *)b)->key);
}

/*
 * Sort the qualifiers by key (the canonical order) and refuse duplicates,
 * then apply the type's rules. The last step of both parse and build.
 */
static int finish(vt_purl *p, unsigned flags, vt_error *err)
{
    char shown[QUOTE_MAX];
    size_t i;

    if (p->nquals > 1)
        qsort(p->quals, p->nquals, sizeof(*p->quals), compare_qualifiers);
    for (i = 1; i < p->nquals; i++)
        if (strcmp(p->quals[i - 1].key, p->quals[i].key) == 0)
            return vt_error_set(
                err, VT_EINVALID, 0, "duplicate qualifier key '%s'",
                vt__purl_quote(shown, sizeof(shown), p->quals[i].key, strlen(p->quals[i].key)));
    return vt__purl_apply_type_rules(p, flags, err);
}

/*
 * Append decoded segment seg[0..n) to the '/'-joined list in `list`, unless
 * it is to be dropped: empty segments always, "." and ".." in a subpath.
 */
static int join_segment(vt_buf *list, const char *seg, size_t n, bool is_subpath)
{
    int error;

    if (n == 0)
        return 0;
    if (is_subpath && ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')))
        return 0;
    if (list->len) {
        error = vt_buf_putc(list, '/');
        if (error < 0)
            return error;
    }
    return vt_buf_put(list, seg, n);
}

static int take_list(char **slot, const vt_buf *list)
{
    if (list->len == 0)
        return 0;
    return set_string(slot, list->ptr, list->len);
}

/* ------------------------------------------------------------------------ */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * Decode the '/'-separated segments of s[0..n) into p->ns or p->subpath. A
 * segment that decodes to something containing '/' is refused: it could not
 * be told apart from two segments.
 */
static int parse_segments(char **slot, vt_buf *tmp, const char *s, size_t n, size_t offset,
                          bool is_subpath, vt_error *err)
{
    const char *what = is_subpath ? "subpath segment" : "namespace segment";
    vt_buf list = VT_BUF_INIT;
    const char *end = s + n, *cur = s;
    char shown[QUOTE_MAX];
    int error = 0;

    while (cur <= end) {
        const char *slash = find_first(cur, end, '/');
        const char *seg_end = slash ? slash : end;

        error = decode_component(tmp, cur, (size_t)(seg_end - cur), what,
                                 offset + (size_t)(cur - s), err);
        if (error < 0)
            goto out;
        if (memchr(tmp->ptr, '/', tmp->len)) {
            error = vt_error_set(err, VT_EINVALID, offset + (size_t)(cur - s),
                                 "%s '%s' contains an encoded '/' (%%2F)", what,
                                 vt__purl_quote(shown, sizeof(shown), tmp->ptr, tmp->len));
            goto out;
        }
        error = join_segment(&list, tmp->ptr, tmp->len, is_subpath);
        if (error < 0 || !slash)
            goto out;
        cur = slash + 1;
    }
out:
    if (error >= 0)
        error = take_list(slot, &list);
    vt_buf_dispose(&list);
    return error;
}

/* Split q[0..n) on '&' into key=value pairs; empty values are dropped. */
static int parse_qualifiers(vt_purl *p, vt_buf *tmp, const char *q, size_t n, size_t offset,
                            unsigned flags, vt_error *err)
{
    const char *end = q + n, *cur = q;
    size_t cap = 0;
    char shown[QUOTE_MAX];
    int error;

    while (cur <= end) {
        const char *amp = find_first(cur, end, '&');
        const char *pair_end = amp ? amp : end;
        const char *eq = find_first(cur, pair_end, '=');
        size_t at = offset + (size_t)(cur - q);

        /* "a=1&&b=2" and a trailing '&' are harmless; skip empty pairs. */
        if (pair_end > cur) {
            if (!eq)
                return vt_error_set(
                    err, VT_EINVALID, at, "qualifier '%s' has no '=' (expected key=value)",
                    vt__purl_quote(shown, sizeof(shown), cur, (size_t)(pair_end - cur)));
            error = check_key(cur, (size_t)(eq - cur), flags, at, err);
            if (error < 0)
                return error;
            error = decode_component(tmp, eq + 1, (size_t)(pair_end - eq - 1), "qualifier value",
                                     offset + (size_t)(eq + 1 - q), err);
            if (error < 0)
                return error;
            if (tmp->len) {
                error = add_qualifier(p, &cap, cur, (size_t)(eq - cur), tmp->ptr, tmp->len);
                if (error < 0)
                    return error;
            }
        }
        if (!amp)
            break;
        cur = amp + 1;
    }
    return 0;
}

/*
 * Refuse bytes that cannot appear in a purl even by accident of encoding:
 * ASCII control characters, and a raw space (ECMA-427 5.4 says a space is
 * always written %20; a raw one is usually trailing junk from a copy).
 */
static int check_raw_bytes(const char *s, size_t len, vt_error *err)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == ' ')
            return vt_error_set(err, VT_EINVALID, i,
                                "unencoded space at offset %zu (write it as %%20)", i);
        if (c < 0x20 || c == 0x7f)
            return vt_error_set(err, VT_EINVALID, i, "control character 0x%02X at offset %zu", c,
                                i);
    }
    return 0;
}

int vt_purl_parse(vt_purl **out, const char *s, size_t len, vt_error *err)
{
    return vt_purl_parse_ex(out, s, len, 0, err);
}

int vt_purl_parse_ex(vt_purl **out, const char *s, size_t len, unsigned flags, vt_error *err)
{
    const char *end = s + len, *hash, *path_end, *qmark, *colon, *cur;
    const char *type_end, *at = NULL, *name_start, *name_end, *slash;
    vt_buf tmp = VT_BUF_INIT;
    vt_purl *p = NULL;
    char shown[QUOTE_MAX];
    int error;

    *out = NULL;
    if (len > VT_PURL_MAX_LEN)
        return vt_error_set(err, VT_ETOOBIG, 0,
                            "purl is %zu bytes, more than "
                            "the limit of %zu",
                            len, VT_PURL_MAX_LEN);
    if (len == 0)
        return vt_error_set(err, VT_EINVALID, 0, "empty purl");
    error = check_raw_bytes(s, len, err);
    if (error < 0)
        return error;

    /* Locate the separators first; components are checked left to right. */
    hash = find_last(s, end, '#');
    path_end = hash ? hash : end;
    qmark = find_last(s, path_end, '?');
    if (qmark)
        path_end = qmark;
    colon = find_first(s, path_end, ':');
    if (!colon || !vt_ascii_ieq(s, (size_t)(colon - s), "pkg"))
        return vt_error_set(err, VT_EINVALID, 0, "missing 'pkg:' scheme");
    cur = colon + 1;
    while (cur < path_end && *cur == '/')
        cur++;
    type_end = find_first(cur, path_end, '/');
    if (!type_end)
        type_end = path_end;

    p = vt_calloc(1, sizeof(*p));
    if (!p) {
        error = VT_ENOMEM;
        goto out;
    }
    error = set_type(p, cur, (size_t)(type_end - cur), (size_t)(cur - s), err);
    if (error < 0)
        goto out;

    /* The version is after the last '@', if no '/' follows it. */
    name_start = type_end < path_end ? type_end + 1 : path_end;
    name_end = path_end;
    at = find_last(name_start, path_end, '@');
    if (at && !find_first(at, path_end, '/'))
        name_end = at;
    else
        at = NULL;
    slash = find_last(name_start, name_end, '/');
    if (slash) {
        error = parse_segments(&p->ns, &tmp, name_start, (size_t)(slash - name_start),
                               (size_t)(name_start - s), false, err);
        if (error < 0)
            goto out;
        name_start = slash + 1;
    }
    if (name_end == name_start) {
        if (p->ns)
            error = vt_error_set(err, VT_EINVALID, (size_t)(name_start - s),
                                 "missing name after namespace '%s'",
                                 vt__purl_quote(shown, sizeof(shown), p->ns, strlen(p->ns)));
        else
            error = vt_error_set(err, VT_EINVALID, (size_t)(name_start - s),
                                 "missing name after type '%s'", p->type);
        goto out;
    }
    error = decode_component(&tmp, name_start, (size_t)(name_end - name_start), "name",
                             (size_t)(name_start - s), err);
    if (error < 0)
        goto out;
    error = set_string(&p->name, tmp.ptr, tmp.len);
    if (error < 0)
        goto out;

    if (at) {
        error = decode_component(&tmp, at + 1, (size_t)(path_end - at - 1), "version",
                                 (size_t)(at + 1 - s), err);
        if (error < 0)
            goto out;
        /* "name@" says nothing more than "name": no version. */
        if (tmp.len) {
            error = set_string(&p->version, tmp.ptr, tmp.len);
            if (error < 0)
                goto out;
        }
    }
    if (qmark) {
        const char *q_end = hash ? hash : end;

        error = parse_qualifiers(p, &tmp, qmark + 1, (size_t)(q_end - qmark - 1),
                                 (size_t)(qmark + 1 - s), flags, err);
        if (error < 0)
            goto out;
    }
    if (hash) {
        error = parse_segments(&p->subpath, &tmp, hash + 1, (size_t)(end - hash - 1),
                               (size_t)(hash + 1 - s), true, err);
        if (error < 0)
            goto out;
    }
    error = finish(p, flags, err);
out:
    vt_buf_dispose(&tmp);
    if (error < 0) {
        vt_purl_free(p);
        return error;
    }
    *out = p;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Building                                                                  */
/* ------------------------------------------------------------------------ */

/* Split a decoded '/'-separated list into kept segments. */
static int build_segments(char **slot, const char *s, bool is_subpath, const char *what,
                          vt_error *err)
{
    vt_buf list = VT_BUF_INIT;
    const char *end, *cur;
    int error;

    if (!s)
        return 0;
    end = s + strlen(s);
    error = check_utf8(s, (size_t)(end - s), what, 0, err);
    if (error < 0)
        return error;
    for (cur = s; cur <= end;) {
        const char *slash = find_first(cur, end, '/');
        const char *seg_end = slash ? slash : end;

        error = join_segment(&list, cur, (size_t)(seg_end - cur), is_subpath);
        if (error < 0 || !slash)
            break;
        cur = slash + 1;
    }
    if (error >= 0)
        error = take_list(slot, &list);
    vt_buf_dispose(&list);
    return error;
}

int vt_purl_build(vt_purl **out, const vt_purl_parts *parts, vt_error *err)
{
    vt_purl *p = NULL;
    size_t i, cap = 0;
    int error;

    *out = NULL;
    p = vt_calloc(1, sizeof(*p));
    if (!p)
        return VT_ENOMEM;
    error =
        set_type(p, parts->type ? parts->type : "", parts->type ? strlen(parts->type) : 0, 0, err);
    if (error < 0)
        goto out;
    error = build_segments(&p->ns, parts->namespace_, false, "namespace", err);
    if (error < 0)
        goto out;
    if (!parts->name || !parts->name[0]) {
        error = vt_error_set(err, VT_EINVALID, 0, "missing name");
        goto out;
    }
    error = check_utf8(parts->name, strlen(parts->name), "name", 0, err);
    if (error < 0)
        goto out;
    error = set_string(&p->name, parts->name, strlen(parts->name));
    if (error < 0)
        goto out;
    if (parts->version && parts->version[0]) {
        error = check_utf8(parts->version, strlen(parts->version), "version", 0, err);
        if (error < 0)
            goto out;
        error = set_string(&p->version, parts->version, strlen(parts->version));
        if (error < 0)
            goto out;
    }
    for (i = 0; i < parts->qualifier_count; i++) {
        const vt_purl_qualifier *q = &parts->qualifiers[i];
        size_t klen = q->key ? strlen(q->key) : 0;

        error = check_key(q->key ? q->key : "", klen, parts->flags, 0, err);
        if (error < 0)
            goto out;
        if (!q->value || !q->value[0])
            continue;
        error = check_utf8(q->value, strlen(q->value), "qualifier value", 0, err);
        if (error < 0)
            goto out;
        error = add_qualifier(p, &cap, q->key, klen, q->value, strlen(q->value));
        if (error < 0)
            goto out;
    }
    error = build_segments(&p->subpath, parts->subpath, true, "subpath", err);
    if (error < 0)
        goto out;
    error = finish(p, parts->flags, err);
out:
    if (error < 0) {
        vt_purl_free(p);
        return error;
    }
    *out = p;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Canonical form, getters, free                                             */
/* ------------------------------------------------------------------------ */

int vt_purl_canonical(vt_buf *out, const vt_purl *p)
{
    size_t i;
    int error;

    error = vt_buf_puts(out, "pkg:");
    if (error >= 0)
        error = vt_buf_puts(out, p->type);
    if (error >= 0)
        error = vt_buf_putc(out, '/');
    if (error >= 0 && p->ns) {
        error = put_encoded_path(out, p->ns);
        if (error >= 0)
            error = vt_buf_putc(out, '/');
    }
    if (error >= 0) {
        if (p->rule && p->rule->name_is_path)
            error = put_encoded_path(out, p->name);
        else
            error = put_encoded(out, p->name, strlen(p->name));
    }
    if (error >= 0 && p->version) {
        error = vt_buf_putc(out, '@');
        if (error >= 0)
            error = put_encoded(out, p->version, strlen(p->version));
    }
    for (i = 0; error >= 0 && i < p->nquals; i++) {
        error = vt_buf_putc(out, i == 0 ? '?' : '&');
        if (error >= 0)
            error = vt_buf_puts(out, p->quals[i].key);
        if (error >= 0)
            error = vt_buf_putc(out, '=');
        if (error >= 0)
            error = put_encoded(out, p->quals[i].value, strlen(p->quals[i].value));
    }
    if (error >= 0 && p->subpath) {
        error = vt_buf_putc(out, '#');
        if (error >= 0)
            error = put_encoded_path(out, p->subpath);
    }
    return error < 0 ? error : 0;
}

void vt_purl_free(vt_purl *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->nquals; i++) {
        /* The strings are ours; the public struct only shows them const. */
        vt_free((void *)(uintptr_t)p->quals[i].key);
        vt_free((void *)(uintptr_t)p->quals[i].value);
    }
    vt_free(p->quals);
    vt_free(p->type);
    vt_free(p->ns);
    vt_free(p->name);
    vt_free(p->version);
    vt_free(p->subpath);
    vt_free(p);
}

const char *vt_purl_type(const vt_purl *p)
{
    return p->type;
}

const char *vt_purl_namespace(const vt_purl *p)
{
    return p->ns;
}

const char *vt_purl_name(const vt_purl *p)
{
    return p->name;
}

const char *vt_purl_version(const vt_purl *p)
{
    return p->version;
}

const char *vt_purl_subpath(const vt_purl *p)
{
    return p->subpath;
}

size_t vt_purl_qualifier_count(const vt_purl *p)
{
    return p->nquals;
}

bool vt_purl_type_is_registered(const vt_purl *p)
{
    return p->rule != NULL;
}

const vt_purl_qualifier *vt_purl_qualifier_at(const vt_purl *p, size_t i)
{
    return i < p->nquals ? &p->quals[i] : NULL;
}

const char *vt_purl_qualifier_get(const vt_purl *p, const char *key)
{
    size_t i;

    for (i = 0; i < p->nquals; i++)
        if (strcmp(p->quals[i].key, key) == 0)
            return p->quals[i].value;
    return NULL;
}
