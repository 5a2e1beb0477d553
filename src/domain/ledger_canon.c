/*
 * ledger_canon.c - the canonical encodings of the receipt ledger
 * ("vt-ledger-1" entries, "vt-ledger-checkpoint-1" signed text) and the
 * canonical form of an entry's `detail` JSON. docs/ledger.md describes the
 * same rules for someone reimplementing verification; keep the two in step.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/ledger_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/json.h"

/* Nesting allowed in a detail object: summary fields, not documents. */
#define CANON_MAX_DEPTH 32

bool vt__ledger_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = p[i];
        size_t n;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        /* Overlong forms, surrogates and code points above U+10FFFF. */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

bool vt__ledger_is_hash_hex(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++) {
        char c = s[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return s[64] == '\0';
}

/* ------------------------------------------------------------------------ */
/* Canonical JSON of `detail` */

static int canon_value(vt_buf *out, const cJSON *v, int depth, vt_error *err);

static int canon_string(vt_buf *out, const char *s, vt_error *err)
{
    size_t len = strlen(s);
    int error;

    if (!vt__ledger_utf8_valid(s, len))
        return vt_error_set_field(err, VT_EINVALID, "/detail",
                                  "detail: a string is not valid UTF-8");
    error = vt_buf_putc(out, '"');
    for (size_t i = 0; i < len && error >= 0; i++) {
        unsigned char c = (unsigned char)s[i];

        switch (c) {
        case '"':
            error = vt_buf_put(out, "\\\"", 2);
            break;
        case '\\':
            error = vt_buf_put(out, "\\\\", 2);
            break;
        case '\b':
            error = vt_buf_put(out, "\\b", 2);
            break;
        case '\f':
            error = vt_buf_put(out, "\\f", 2);
            break;
        case '\n':
            error = vt_buf_put(out, "\\n", 2);
            break;
        case '\r':
            error = vt_buf_put(out, "\\r", 2);
            break;
        case '\t':
            error = vt_buf_put(out, "\\t", 2);
            break;
        default:
            if (c < 0x20)
                error = vt_buf_printf(out, "\\u%04x", c);
            else
                error = vt_buf_putc(out, (char)c);
        }
    }
    if (error >= 0)
        error = vt_buf_putc(out, '"');
    return error;
}

/*
 * Integers of magnitude up to 2^53 print as plain decimals; any other
 * number as the shortest C "%.Ng" (N = 1..17) that reads back to the same
 * double. Both are functions of the double alone, so equal inputs give
 * equal text.
 */
static int canon_number(vt_buf *out, double d, vt_error *err)
{
    char tmp[40];

    if (!isfinite(d))
        return vt_error_set_field(err, VT_EINVALID, "/detail", "detail: number out of range");
    if (d == floor(d) && fabs(d) <= 9007199254740992.0)
        return vt_buf_printf(out, "%" PRId64, (int64_t)d);
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof(tmp), "%.*g", p, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return vt_buf_puts(out, tmp);
}

static int canon_key_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a;
    const cJSON *y = *(const cJSON *const *)b;

    return strcmp(x->string, y->string);
}

static int canon_object(vt_buf *out, const cJSON *obj, int depth, vt_error *err)
{
    size_t n = 0, i;
    const cJSON *c;
    const cJSON **members = NULL;
    int error = 0;

    for (c = obj->child; c; c = c->next)
        n++;
    if (n == 0)
        return vt_buf_puts(out, "{}");
    members = vt_calloc(n, sizeof(*members));
    if (!members)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory canonicalising detail");
    i = 0;
    for (c = obj->child; c; c = c->next)
        members[i++] = c;
    qsort(members, n, sizeof(*members), canon_key_cmp);
    error = vt_buf_putc(out, '{');
    for (i = 0; i < n && error >= 0; i++) {
        if (i > 0 && strcmp(members[i - 1]->string, members[i]->string) == 0) {
            error = vt_error_set_field(err, VT_EINVALID, "/detail",
                                       "detail: duplicate key \"%.64s\"", members[i]->string);
            break;
        }
        if (i > 0)
            error = vt_buf_putc(out, ',');
        if (error >= 0)
            error = canon_string(out, members[i]->string, err);
        if (error >= 0)
            error = vt_buf_putc(out, ':');
        if (error >= 0)
            error = canon_value(out, members[i], depth + 1, err);
    }
    if (error >= 0)
        error = vt_buf_putc(out, '}');
    vt_free(members);
    return error;
}

static int canon_value(vt_buf *out, const cJSON *v, int depth, vt_error *err)
{
    const cJSON *c;
    int error = 0;

    if (depth > CANON_MAX_DEPTH)
        return vt_error_set_field(err, VT_EINVALID, "/detail",
                                  "detail: nested deeper than %d levels", CANON_MAX_DEPTH);
    if (cJSON_IsObject(v))
        return canon_object(out, v, depth, err);
    if (cJSON_IsArray(v)) {
        error = vt_buf_putc(out, '[');
        for (c = v->child; c && error >= 0; c = c->next) {
            if (c != v->child)
                error = vt_buf_putc(out, ',');
            if (error >= 0)
                error = canon_value(out, c, depth + 1, err);
        }
        return error < 0 ? error : vt_buf_putc(out, ']');
    }
    if (cJSON_IsString(v))
        return canon_string(out, v->valuestring, err);
    if (cJSON_IsNumber(v))
        return canon_number(out, v->valuedouble, err);
    if (cJSON_IsTrue(v))
        return vt_buf_puts(out, "true");
    if (cJSON_IsFalse(v))
        return vt_buf_puts(out, "false");
    if (cJSON_IsNull(v))
        return vt_buf_puts(out, "null");
    return vt_error_set_field(err, VT_EINVALID, "/detail", "detail: unexpected JSON value");
}

/*
 * cJSON decodes the escape \u0000 into a NUL that ends its string, which
 * would silently cut the text; such a detail is refused instead. Outside
 * strings a backslash is a syntax error anyway, so escapes are found by
 * skipping each backslash with the character it escapes.
 */
static bool canon_has_nul_escape(const char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] != '\\')
            continue;
        if (s[i + 1] == 'u' && len - i >= 6 && memcmp(s + i + 2, "0000", 4) == 0)
            return true;
        i++;
    }
    return false;
}

int vt__ledger_canon_detail(vt_buf *out, const char *detail, size_t len, vt_error *err)
{
    const char *end = NULL;
    cJSON *root;
    unsigned long failures;
    size_t mark = out->len;
    int error;

    if (len > VT_LEDGER_DETAIL_MAX)
        return vt_error_set_field(err, VT_ETOOBIG, "/detail",
                                  "detail is longer than %d bytes", VT_LEDGER_DETAIL_MAX);
    if (canon_has_nul_escape(detail, len))
        return vt_error_set_field(err, VT_EINVALID, "/detail",
                                  "detail: strings may not contain U+0000");
    failures = vt_alloc_failures();
    root = cJSON_ParseWithLengthOpts(detail, len, &end, false);
    if (!root && vt_alloc_failures() != failures)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (!root)
        return vt_error_set_field(err, VT_EINVALID, "/detail", "detail: malformed JSON at byte %zu",
                                  end ? (size_t)(end - detail) : (size_t)0);
    /* cJSON stops after the value: only white space may follow it. */
    for (; end && end < detail + len; end++) {
        if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') {
            cJSON_Delete(root);
            return vt_error_set_field(err, VT_EINVALID, "/detail",
                                      "detail: unexpected text after the JSON object at byte %zu",
                                      (size_t)(end - detail));
        }
    }
    if (!cJSON_IsObject(root))
        error = vt_error_set_field(err, VT_EINVALID, "/detail", "detail must be a JSON object");
    else
        error = canon_value(out, root, 0, err);
    cJSON_Delete(root);
    if (error < 0) {
        out->len = mark;
        out->ptr[mark] = '\0';
        if (error == VT_ENOMEM || error == VT_ETOOBIG)
            vt_error_set_field(err, error, "/detail", "canonicalising detail: %s",
                               vt_strerror(error));
    }
    return error;
}

/* ------------------------------------------------------------------------ */
/* Entry hash and checkpoint text */

/* One netstring field "<len>:<bytes>," into the running hash. */
static void canon_field(crypto_hash_sha256_state *st, const char *s, size_t len)
{
    char head[24];
    int n = snprintf(head, sizeof(head), "%zu:", len);

    crypto_hash_sha256_update(st, (const unsigned char *)head, (unsigned long long)n);
    crypto_hash_sha256_update(st, (const unsigned char *)s, len);
    crypto_hash_sha256_update(st, (const unsigned char *)",", 1);
}

static void canon_field_str(crypto_hash_sha256_state *st, const char *s)
{
    canon_field(st, s, strlen(s));
}

static void canon_field_i64(crypto_hash_sha256_state *st, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof(num), "%" PRId64, v);

    canon_field(st, num, (size_t)n);
}

void vt__ledger_entry_hash(const vt_ledger_entry *e, const uint8_t prev[32],
                           char out[VT__LEDGER_HEX])
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];

    crypto_hash_sha256_init(&st);
    canon_field_str(&st, VT_LEDGER_FORMAT);
    canon_field_i64(&st, e->seq);
    canon_field_i64(&st, e->at_ms);
    canon_field_str(&st, e->kind);
    canon_field_str(&st, e->channel);
    canon_field_str(&st, e->actor);
    canon_field_str(&st, e->subject);
    canon_field_str(&st, e->content_sha256);
    canon_field_str(&st, e->detail);
    crypto_hash_sha256_update(&st, prev, 32);
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(out, VT__LEDGER_HEX, digest, sizeof(digest));
}

size_t vt__ledger_checkpoint_text(char out[VT__LEDGER_CHECKPOINT_TEXT_MAX], int64_t seq,
                                  const char *entry_hash, int64_t signed_ms)
{
    int n = snprintf(out, VT__LEDGER_CHECKPOINT_TEXT_MAX, "%s\n%" PRId64 "\n%.64s\n%" PRId64 "\n",
                     VT_LEDGER_CHECKPOINT_FORMAT, seq, entry_hash, signed_ms);

    return n < 0 ? 0 : (size_t)n;
}

size_t vt__ledger_purge_detail_prefix(char out[VT__LEDGER_PURGE_PREFIX_MAX], int64_t first_seq,
                                      int64_t last_seq, int64_t count, const char *anchor_hash)
{
    /* Keys in sorted order: this is the canonical form. */
    int n = snprintf(out, VT__LEDGER_PURGE_PREFIX_MAX,
                     "{\"anchor_hash\":\"%.64s\",\"count\":%" PRId64 ",\"first_seq\":%" PRId64
                     ",\"last_seq\":%" PRId64 ",\"retention_months\":",
                     anchor_hash, count, first_seq, last_seq);

    return n < 0 ? 0 : (size_t)n;
}
