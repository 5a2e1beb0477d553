/*
 * intake_validate.c - strict validation of an intake report and of a
 * reporter's message (include/vulntrack/intake.h, docs/intake.md).
 *
 * The validator builds a new, normalised document rather than editing the
 * input: fields come out in one fixed order, trimmed, with nothing the rules
 * do not name, so that the stored report never carries an unchecked value.
 * Checks run in a fixed order (unknown keys first, then each field in
 * document order), so the same input always gets the same first error.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "vulntrack/alloc.h"
#include "vulntrack/cvss.h"
#include "vulntrack/intake.h"
#include "vulntrack/json.h"
#include "vulntrack/strparse.h"

/* ---------------------------------------------------------------------- */
/* Classifications                                                         */

static const char *const classifications[] = {
    "report", "screenshot", "log", "poc", "poc_weaponized", "exploit", "tool", "other",
};

/* Spec §5 P4: these may never appear in a public output. */
static const char *const unpublishable[] = {"exploit", "poc_weaponized", "tool"};

bool vt_intake_classification_valid(const char *s)
{
    size_t i;

    if (!s)
        return false;
    for (i = 0; i < sizeof(classifications) / sizeof(classifications[0]); i++)
        if (strcmp(s, classifications[i]) == 0)
            return true;
    return false;
}

bool vt_intake_classification_publishable(const char *s)
{
    size_t i;

    if (!vt_intake_classification_valid(s))
        return false;
    for (i = 0; i < sizeof(unpublishable) / sizeof(unpublishable[0]); i++)
        if (strcmp(s, unpublishable[i]) == 0)
            return false;
    return true;
}

/* ---------------------------------------------------------------------- */
/* Text rules                                                              */

enum text_mode {
    TEXT_LINE,  /* one line: no control characters at all */
    TEXT_MULTI, /* free text: tab, CR and LF allowed */
};

static int oom(vt_error *err)
{
    return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
}

/*
 * Check that s[0..len) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF) and count its code points. cJSON
 * copies bytes through without looking, so this is the only place bad
 * encodings are caught before they reach the store.
 */
static bool utf8_valid(const char *s, size_t len, size_t *chars)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t n = 0;

    while (p < end) {
        unsigned c = *p;
        size_t need;
        uint32_t cp, min;

        if (c < 0x80) {
            p++;
            n++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= need)
            return false;
        for (size_t i = 1; i <= need; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += need + 1;
        n++;
    }
    *chars = n;
    return true;
}

static bool is_trim_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Copy `key` (a member name from the input, so anything) to out[0..cap)
 * in a form safe to show in a one-line message or a JSON reply: control
 * characters become '?', and so does every non-ASCII byte when the key is
 * not valid UTF-8; a multi-byte character is never cut in two. With
 * `pointer`, '~' and '/' get their RFC 6901 escapes. Returns the length.
 */
static size_t key_safe(char *out, size_t cap, const char *key, bool pointer)
{
    size_t n = 0, chars, klen = strlen(key), i = 0;
    bool utf8 = utf8_valid(key, klen, &chars);

    while (i < klen) {
        unsigned char c = (unsigned char)key[i];
        size_t seq = 1;
        char rep[2] = {(char)c, 0};
        const char *src = rep;
        size_t len = 1;

        if (c >= 0x80 && utf8) {
            seq = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            src = key + i;
            len = seq;
        } else if (c < 0x20 || c == 0x7F || c >= 0x80) {
            rep[0] = '?';
        } else if (pointer && c == '~') {
            src = "~0";
            len = 2;
        } else if (pointer && c == '/') {
            src = "~1";
            len = 2;
        }
        if (n + len >= cap)
            break;
        memcpy(out + n, src, len);
        n += len;
        i += seq;
    }
    if (cap)
        out[n] = '\0';
    return n;
}

/* Append `key` to `base` as one JSON pointer step. */
static void ptr_key(char *out, size_t cap, const char *base, const char *key)
{
    size_t n = (size_t)snprintf(out, cap, "%s/", base);

    if (n < cap)
        key_safe(out + n, cap - n, key, true);
}

static void ptr_index(char *out, size_t cap, const char *base, size_t i)
{
    snprintf(out, cap, "%s/%zu", base, i);
}

/*
 * Refuse keys of `obj` not in `allowed` and keys given twice (cJSON keeps
 * both, and which one a later reader would see is an accident).
 */
static int check_keys(const cJSON *obj, const char *const *allowed, size_t nallowed,
                      const char *base, vt_error *err)
{
    char path[VT_ERROR_FIELD_MAX], shown[64];
    const cJSON *c, *d;

    for (c = obj->child; c; c = c->next) {
        size_t i;
        bool known = false;

        for (i = 0; i < nallowed; i++)
            if (strcmp(c->string, allowed[i]) == 0)
                known = true;
        ptr_key(path, sizeof(path), base, c->string);
        key_safe(shown, sizeof(shown), c->string, false);
        if (!known)
            return vt_error_set_field(err, VT_EINVALID, path, "unknown field '%s'", shown);
        for (d = obj->child; d != c; d = d->next)
            if (strcmp(d->string, c->string) == 0)
                return vt_error_set_field(err, VT_EINVALID, path, "field '%s' given twice",
                                          shown);
    }
    return 0;
}

/*
 * The trimmed text of string item `it` at `path`, checked: UTF-8, control
 * characters per `mode`, non-empty, at most `max_chars` code points and
 * `max_bytes` bytes (0: no limit). `trim` false keeps the text as sent
 * (free text whose leading indentation may matter) but still requires
 * something other than white space. On success *s and *len describe the
 * text inside the item.
 */
static int text_check(const cJSON *it, const char *path, enum text_mode mode, size_t max_chars,
                      size_t max_bytes, bool trim, const char **s, size_t *len, vt_error *err)
{
    const char *p, *e;
    size_t chars, i;

    if (!cJSON_IsString(it) || !it->valuestring)
        return vt_error_set_field(err, VT_EINVALID, path, "must be a string");
    p = it->valuestring;
    e = p + strlen(p);
    if (!utf8_valid(p, (size_t)(e - p), &chars))
        return vt_error_set_field(err, VT_EINVALID, path, "is not valid UTF-8");
    {
        const char *a = p, *b = e;

        while (a < b && is_trim_space(*a))
            a++;
        while (b > a && is_trim_space(b[-1]))
            b--;
        if (a == b)
            return vt_error_set_field(err, VT_EINVALID, path, "must not be empty");
        if (trim) {
            /* Trimmed bytes are ASCII: one character each. */
            chars -= (size_t)(a - p) + (size_t)(e - b);
            p = a;
            e = b;
        }
    }
    for (i = 0; p + i < e; i++) {
        unsigned char c = (unsigned char)p[i];
        bool ctl = c < 0x20 || c == 0x7F;

        if (ctl && (mode == TEXT_LINE || !(c == '\t' || c == '\n' || c == '\r')))
            return vt_error_set_field(err, VT_EINVALID, path,
                                      "contains control character 0x%02X", c);
    }
    if (max_chars && chars > max_chars)
        return vt_error_set_field(err, VT_EINVALID, path,
                                  "is too long: %zu characters, at most %zu", chars, max_chars);
    if (max_bytes && (size_t)(e - p) > max_bytes)
        return vt_error_set_field(err, VT_EINVALID, path, "is too long: %zu bytes, at most %zu",
                                  (size_t)(e - p), max_bytes);
    *s = p;
    *len = (size_t)(e - p);
    return 0;
}

/* Member `key` of `obj`, or NULL when absent or JSON null (the same for an optional field). */
static const cJSON *member(const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsNull(it) ? NULL : it;
}

/*
 * Copy the checked text field `key` of `src` into `dst` (same key). A
 * missing optional field adds nothing; a missing required one is an error.
 */
static int copy_text(cJSON *dst, const cJSON *src, const char *key, const char *base,
                     bool required, enum text_mode mode, size_t max_chars, size_t max_bytes,
                     bool trim, vt_error *err)
{
    char path[VT_ERROR_FIELD_MAX];
    const cJSON *it = member(src, key);
    const char *s;
    size_t len;
    int rc;

    ptr_key(path, sizeof(path), base, key);
    if (!it) {
        if (required)
            return vt_error_set_field(err, VT_EINVALID, path, "is required");
        return 0;
    }
    rc = text_check(it, path, mode, max_chars, max_bytes, trim, &s, &len, err);
    if (rc < 0)
        return rc;
    if (vt_json_add_strn(dst, key, s, len) < 0)
        return oom(err);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Syntax of single values                                                 */

/*
 * E-mail: a deliberately simple check (docs/intake.md), not RFC 5322:
 * local@domain in ASCII; the local part is 1-64 characters of letters,
 * digits and !#$%&'*+/=?^_`{|}~.- without a leading, trailing or doubled
 * dot; the domain has at least two dot-separated labels of letters, digits
 * and hyphens (1-63 each, no hyphen at either end). Quoted local parts,
 * address literals and non-ASCII addresses are refused.
 */
static bool email_valid(const char *s, size_t len)
{
    static const char local_extra[] = "!#$%&'*+/=?^_`{|}~.-";
    const char *at = memchr(s, '@', len);
    size_t local_len, i, label = 0, labels = 1;

    if (!at || len > VT_INTAKE_EMAIL_MAX)
        return false;
    local_len = (size_t)(at - s);
    if (local_len == 0 || local_len > 64 || s[0] == '.' || s[local_len - 1] == '.')
        return false;
    for (i = 0; i < local_len; i++) {
        char c = s[i];

        if (!vt_is_alnum((unsigned char)c) && !(c && strchr(local_extra, c)))
            return false;
        if (c == '.' && s[i + 1] == '.')
            return false;
    }
    s = at + 1;
    len -= local_len + 1;
    if (len == 0 || len > 253)
        return false;
    for (i = 0; i < len; i++) {
        char c = s[i];

        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
            labels++;
            continue;
        }
        if (!vt_is_alnum((unsigned char)c) && c != '-')
            return false;
        if (c == '-' && label == 0)
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0 && s[len - 1] != '-' && labels >= 2;
}

/* An organisation slug as the report may name it: [A-Za-z0-9._-]{1,64}. */
static bool slug_valid(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || len > VT_INTAKE_SLUG_MAX)
        return false;
    for (i = 0; i < len; i++)
        if (!vt_is_alnum((unsigned char)s[i]) && !strchr("._-", s[i]))
            return false;
    return true;
}

/* RFC 9110 token character. */
static bool is_tchar(char c)
{
    return vt_is_alnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* type "/" subtype, both tokens, no parameters. */
static bool media_type_valid(const char *s, size_t len)
{
    size_t i, slash = 0;

    if (len == 0 || len > VT_INTAKE_MEDIA_TYPE_MAX)
        return false;
    for (i = 0; i < len; i++) {
        if (s[i] == '/') {
            if (slash || i == 0)
                return false;
            slash = i;
        } else if (!is_tchar(s[i])) {
            return false;
        }
    }
    return slash && slash + 1 < len;
}

/* "CWE-" (any case) and 1-7 digits without a leading zero; normalised upper case into out. */
static bool cwe_valid(const char *s, size_t len, char out[16])
{
    size_t i;

    if (len < 5 || len > 11 || !vt_ascii_ieq(s, 4, "cwe-") || s[4] == '0')
        return false;
    for (i = 4; i < len; i++)
        if (!vt_is_digit((unsigned char)s[i]))
            return false;
    memcpy(out, "CWE-", 4);
    memcpy(out + 4, s + 4, len - 4);
    out[len] = '\0';
    return true;
}

/* ---------------------------------------------------------------------- */
/* Attachments                                                             */

static void attachment_dispose(vt_intake_attachment *a)
{
    vt_free(a->filename);
    vt_free(a->media_type);
    vt_free(a->classification);
    vt_free(a->content);
    memset(a, 0, sizeof(*a));
}

static void attachments_free(vt_intake_attachment *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        attachment_dispose(&v[i]);
    vt_free(v);
}

/*
 * Decode standard, padded base64 (white space ignored, as MIME encoders
 * wrap lines) into a new buffer of at most `limit` bytes. Too long is
 * VT_ETOOBIG, anything else wrong VT_EINVALID.
 */
static int base64_decode(vt_intake_attachment *a, const char *b64, size_t b64_len, size_t limit,
                         const char *path, vt_error *err)
{
    size_t significant = 0, pad = 0, i, want, out_len = 0;
    unsigned char *bin;

    for (i = 0; i < b64_len; i++) {
        if (is_trim_space(b64[i]))
            continue;
        significant++;
        pad = b64[i] == '=' ? pad + 1 : 0;
    }
    if (significant == 0)
        return vt_error_set_field(err, VT_EINVALID, path, "empty attachment");
    /* Padded base64 comes in groups of 4 characters carrying 3 bytes, the
     * last group short by one byte per '='. Knowing the size before
     * decoding tells "too large" apart from "malformed" without relying on
     * the decoder's errno (libsodium reports missing padding as ERANGE). */
    if (significant % 4 != 0 || pad > 2)
        return vt_error_set_field(err, VT_EINVALID, path,
                                  "is not valid base64 (standard alphabet, with padding)");
    want = significant / 4 * 3 - pad;
    if (want > limit)
        return vt_error_set_field(err, VT_ETOOBIG, path, "attachment is larger than %zu bytes",
                                  limit);
    if (want == 0)
        return vt_error_set_field(err, VT_EINVALID, path, "empty attachment");
    bin = vt_malloc(want);
    if (!bin)
        return oom(err);
    if (sodium_base642bin(bin, want, b64, b64_len, " \t\r\n", &out_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        out_len != want) {
        vt_free(bin);
        return vt_error_set_field(err, VT_EINVALID, path,
                                  "is not valid base64 (standard alphabet, with padding)");
    }
    a->content = bin;
    a->size = out_len;
    {
        unsigned char digest[crypto_hash_sha256_BYTES];

        crypto_hash_sha256(digest, bin, out_len);
        sodium_bin2hex(a->sha256, sizeof(a->sha256), digest, sizeof(digest));
    }
    return 0;
}

/* A checked single-line text of `obj`'s `key`, copied into *out (vt_free). */
static int dup_text(char **out, const cJSON *obj, const char *key, const char *base,
                    size_t max_chars, size_t max_bytes, vt_error *err)
{
    char path[VT_ERROR_FIELD_MAX];
    const cJSON *it = member(obj, key);
    const char *s;
    size_t len;
    int rc;

    ptr_key(path, sizeof(path), base, key);
    if (!it)
        return vt_error_set_field(err, VT_EINVALID, path, "is required");
    rc = text_check(it, path, TEXT_LINE, max_chars, max_bytes, true, &s, &len, err);
    if (rc < 0)
        return rc;
    *out = vt_strndup(s, len);
    return *out ? 0 : oom(err);
}

static int attachment_parse(vt_intake_attachment *a, const cJSON *obj, const char *base,
                            const vt_intake_limits *lim, vt_error *err)
{
    static const char *const keys[] = {"filename", "media_type", "classification",
                                       "content_base64"};
    char path[VT_ERROR_FIELD_MAX];
    const cJSON *it;
    int rc;
    size_t i;

    if (!cJSON_IsObject(obj))
        return vt_error_set_field(err, VT_EINVALID, base, "must be an object");
    rc = check_keys(obj, keys, sizeof(keys) / sizeof(keys[0]), base, err);
    if (rc < 0)
        return rc;

    rc = dup_text(&a->filename, obj, "filename", base, 0, VT_INTAKE_FILENAME_MAX, err);
    if (rc < 0)
        return rc;
    ptr_key(path, sizeof(path), base, "filename");
    if (strchr(a->filename, '/') || strchr(a->filename, '\\') ||
        strcmp(a->filename, ".") == 0 || strcmp(a->filename, "..") == 0)
        return vt_error_set_field(err, VT_EINVALID, path,
                                  "must be a file name without a directory");

    rc = dup_text(&a->media_type, obj, "media_type", base, 0, VT_INTAKE_MEDIA_TYPE_MAX, err);
    if (rc < 0)
        return rc;
    for (i = 0; a->media_type[i]; i++)
        a->media_type[i] = (char)vt_to_lower((unsigned char)a->media_type[i]);
    ptr_key(path, sizeof(path), base, "media_type");
    if (!media_type_valid(a->media_type, strlen(a->media_type)))
        return vt_error_set_field(err, VT_EINVALID, path,
                                  "must be a media type such as 'text/plain' (no parameters)");

    ptr_key(path, sizeof(path), base, "classification");
    it = member(obj, "classification");
    if (!it)
        return vt_error_set_field(err, VT_EINVALID, path,
                                  "is required: one of report, screenshot, log, poc, "
                                  "poc_weaponized, exploit, tool, other");
    if (!cJSON_IsString(it) || !vt_intake_classification_valid(it->valuestring))
        return vt_error_set_field(err, VT_EINVALID, path,
                                  "must be one of report, screenshot, log, poc, "
                                  "poc_weaponized, exploit, tool, other");
    a->classification = vt_strdup(it->valuestring);
    if (!a->classification)
        return oom(err);

    ptr_key(path, sizeof(path), base, "content_base64");
    it = member(obj, "content_base64");
    if (!it)
        return vt_error_set_field(err, VT_EINVALID, path, "is required");
    if (!cJSON_IsString(it) || !it->valuestring)
        return vt_error_set_field(err, VT_EINVALID, path, "must be a string");
    return base64_decode(a, it->valuestring, strlen(it->valuestring), lim->attachment_limit,
                         path, err);
}

/* The optional "attachments" array of `obj`: *out gets a new vector (or NULL when none). */
static int attachments_parse(vt_intake_attachment **out, size_t *n, const cJSON *obj,
                             const vt_intake_limits *lim, vt_error *err)
{
    const cJSON *arr = member(obj, "attachments"), *it;
    vt_intake_attachment *v;
    size_t count, i = 0;
    int rc = 0;

    *out = NULL;
    *n = 0;
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        return vt_error_set_field(err, VT_EINVALID, "/attachments", "must be an array");
    count = (size_t)cJSON_GetArraySize(arr);
    if (count > lim->attachment_max)
        return vt_error_set_field(err, VT_EINVALID, "/attachments",
                                  "too many attachments: %zu, at most %u", count,
                                  lim->attachment_max);
    if (count == 0)
        return 0;
    v = vt_calloc(count, sizeof(*v));
    if (!v)
        return oom(err);
    cJSON_ArrayForEach(it, arr)
    {
        char base[VT_ERROR_FIELD_MAX];

        ptr_index(base, sizeof(base), "/attachments", i);
        rc = attachment_parse(&v[i], it, base, lim, err);
        i++;
        if (rc < 0)
            break;
    }
    if (rc < 0) {
        attachments_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* The report                                                              */

static int product_parse(cJSON *doc, const cJSON *body, vt_error *err)
{
    static const char *const keys[] = {"name", "model", "version", "type"};
    static const char *const types[] = {"hardware", "software", "network_service", "system"};
    const cJSON *src = member(body, "product"), *type;
    cJSON *p;
    int rc;

    if (!src)
        return vt_error_set_field(err, VT_EINVALID, "/product", "is required");
    if (!cJSON_IsObject(src))
        return vt_error_set_field(err, VT_EINVALID, "/product", "must be an object");
    rc = check_keys(src, keys, sizeof(keys) / sizeof(keys[0]), "/product", err);
    if (rc < 0)
        return rc;
    p = cJSON_CreateObject();
    if (vt_json_add_take(doc, "product", p) < 0)
        return oom(err);
    rc = copy_text(p, src, "name", "/product", true, TEXT_LINE, VT_INTAKE_NAME_MAX, 0, true,
                   err);
    if (rc == 0)
        rc = copy_text(p, src, "model", "/product", true, TEXT_LINE, VT_INTAKE_NAME_MAX, 0, true,
                       err);
    if (rc == 0)
        rc = copy_text(p, src, "version", "/product", true, TEXT_LINE, VT_INTAKE_NAME_MAX, 0,
                       true, err);
    if (rc < 0)
        return rc;
    type = member(src, "type");
    if (type) {
        size_t i;
        bool ok = false;

        for (i = 0; cJSON_IsString(type) && i < sizeof(types) / sizeof(types[0]); i++)
            if (strcmp(type->valuestring, types[i]) == 0)
                ok = true;
        if (!ok)
            return vt_error_set_field(err, VT_EINVALID, "/product/type",
                                      "must be one of hardware, software, network_service, "
                                      "system");
        if (vt_json_add_str(p, "type", type->valuestring) < 0)
            return oom(err);
    }
    return 0;
}

static int reporter_parse(cJSON *doc, const cJSON *body, vt_error *err)
{
    static const char *const keys[] = {"name", "email", "organization"};
    const cJSON *src = member(body, "reporter"), *email;
    cJSON *r;
    int rc;

    if (!src)
        return 0; /* anonymous */
    if (!cJSON_IsObject(src))
        return vt_error_set_field(err, VT_EINVALID, "/reporter", "must be an object");
    rc = check_keys(src, keys, sizeof(keys) / sizeof(keys[0]), "/reporter", err);
    if (rc < 0)
        return rc;
    r = cJSON_CreateObject();
    if (vt_json_add_take(doc, "reporter", r) < 0)
        return oom(err);
    rc = copy_text(r, src, "name", "/reporter", false, TEXT_LINE, VT_INTAKE_NAME_MAX, 0, true,
                   err);
    if (rc == 0)
        rc = copy_text(r, src, "email", "/reporter", false, TEXT_LINE, 0, VT_INTAKE_EMAIL_MAX,
                       true, err);
    if (rc == 0)
        rc = copy_text(r, src, "organization", "/reporter", false, TEXT_LINE,
                       VT_INTAKE_NAME_MAX, 0, true, err);
    if (rc < 0)
        return rc;
    email = cJSON_GetObjectItemCaseSensitive(r, "email");
    if (email && !email_valid(email->valuestring, strlen(email->valuestring)))
        return vt_error_set_field(err, VT_EINVALID, "/reporter/email",
                                  "is not an e-mail address (expected local@domain.example)");
    return 0;
}

/* Optional enumerated and syntax-checked fields after the free text. */
static int claims_parse(cJSON *doc, const cJSON *body, vt_error *err)
{
    static const char *const severities[] = {"critical", "high", "medium", "low", "none"};
    const cJSON *it;
    int rc;

    it = member(body, "severity_claimed");
    if (it) {
        size_t i;
        bool ok = false;

        for (i = 0; cJSON_IsString(it) && i < sizeof(severities) / sizeof(severities[0]); i++)
            if (strcmp(it->valuestring, severities[i]) == 0)
                ok = true;
        if (!ok)
            return vt_error_set_field(err, VT_EINVALID, "/severity_claimed",
                                      "must be one of critical, high, medium, low, none");
        if (vt_json_add_str(doc, "severity_claimed", it->valuestring) < 0)
            return oom(err);
    }

    it = member(body, "cvss_vector");
    if (it) {
        const char *s;
        size_t len;
        vt_cvss *cv = NULL;
        vt_error cerr = VT_ERROR_INIT;

        rc = text_check(it, "/cvss_vector", TEXT_LINE, 0, VT_CVSS_MAX_LEN, true, &s, &len, err);
        if (rc < 0)
            return rc;
        rc = vt_cvss_parse(&cv, s, len, &cerr);
        vt_cvss_free(cv);
        if (rc == VT_ENOMEM)
            return oom(err);
        if (rc < 0)
            return vt_error_set_field(err, VT_EINVALID, "/cvss_vector",
                                      "is not a CVSS vector: %s", cerr.msg);
        if (vt_json_add_strn(doc, "cvss_vector", s, len) < 0)
            return oom(err);
    }

    it = member(body, "cwe");
    if (it) {
        cJSON *arr = cJSON_CreateArray();
        const cJSON *e;
        size_t i = 0;
        bool single = cJSON_IsString(it);

        if (vt_json_add_take(doc, "cwe", arr) < 0)
            return oom(err);
        if (!single && !cJSON_IsArray(it))
            return vt_error_set_field(err, VT_EINVALID, "/cwe",
                                      "must be a CWE id or an array of them");
        if (!single && (size_t)cJSON_GetArraySize(it) > VT_INTAKE_LIST_MAX)
            return vt_error_set_field(err, VT_EINVALID, "/cwe", "at most %d entries",
                                      VT_INTAKE_LIST_MAX);
        for (e = single ? it : it->child; e; e = single ? NULL : e->next, i++) {
            char path[VT_ERROR_FIELD_MAX], norm[16];

            if (single)
                snprintf(path, sizeof(path), "/cwe");
            else
                ptr_index(path, sizeof(path), "/cwe", i);
            if (!cJSON_IsString(e) ||
                !cwe_valid(e->valuestring, strlen(e->valuestring), norm))
                return vt_error_set_field(err, VT_EINVALID, path,
                                          "must be a CWE id such as 'CWE-79'");
            if (vt_json_add_str(arr, NULL, norm) < 0)
                return oom(err);
        }
    }

    it = member(body, "affected_versions");
    if (it) {
        cJSON *arr = cJSON_CreateArray();
        const cJSON *e;
        size_t i = 0;

        if (vt_json_add_take(doc, "affected_versions", arr) < 0)
            return oom(err);
        if (!cJSON_IsArray(it))
            return vt_error_set_field(err, VT_EINVALID, "/affected_versions",
                                      "must be an array of strings");
        if ((size_t)cJSON_GetArraySize(it) > VT_INTAKE_LIST_MAX)
            return vt_error_set_field(err, VT_EINVALID, "/affected_versions",
                                      "at most %d entries", VT_INTAKE_LIST_MAX);
        cJSON_ArrayForEach(e, it)
        {
            char path[VT_ERROR_FIELD_MAX];
            const char *s;
            size_t len;

            ptr_index(path, sizeof(path), "/affected_versions", i++);
            rc = text_check(e, path, TEXT_LINE, VT_INTAKE_NAME_MAX, 0, true, &s, &len, err);
            if (rc < 0)
                return rc;
            if (vt_json_add_strn(arr, NULL, s, len) < 0)
                return oom(err);
        }
    }
    return 0;
}

void vt_intake_report_free(vt_intake_report *r)
{
    if (!r)
        return;
    cJSON_Delete(r->doc);
    attachments_free(r->attachments, r->nattachments);
    vt_free(r);
}

int vt_intake_report_parse(vt_intake_report **out, const cJSON *body,
                           const vt_intake_limits *lim, vt_error *err)
{
    static const char *const keys[] = {
        "vendor",      "product",          "title",       "description",
        "reporter",    "severity_claimed", "cvss_vector", "cwe",
        "affected_versions", "attachments",
    };
    const vt_intake_limits defaults = VT_INTAKE_LIMITS_INIT;
    vt_intake_report *r = NULL;
    const cJSON *it;
    int rc;

    *out = NULL;
    if (!lim)
        lim = &defaults;
    if (!cJSON_IsObject(body))
        return vt_error_set_field(err, VT_EINVALID, "", "the report must be a JSON object");
    rc = check_keys(body, keys, sizeof(keys) / sizeof(keys[0]), "", err);
    if (rc < 0)
        return rc;
    r = vt_calloc(1, sizeof(*r));
    if (!r)
        return oom(err);
    r->doc = cJSON_CreateObject();
    if (!r->doc) {
        rc = oom(err);
        goto out;
    }

    it = member(body, "vendor");
    if (it) {
        if (!cJSON_IsString(it) || !slug_valid(it->valuestring, strlen(it->valuestring))) {
            rc = vt_error_set_field(err, VT_EINVALID, "/vendor",
                                    "must be an organisation slug (letters, digits, '.', '_', "
                                    "'-'; at most %d)",
                                    VT_INTAKE_SLUG_MAX);
            goto out;
        }
        if (vt_json_add_str(r->doc, "vendor", it->valuestring) < 0) {
            rc = oom(err);
            goto out;
        }
    }
    rc = product_parse(r->doc, body, err);
    if (rc == 0)
        rc = copy_text(r->doc, body, "title", "", true, TEXT_LINE, VT_INTAKE_TITLE_MAX, 0, true,
                       err);
    if (rc == 0)
        rc = copy_text(r->doc, body, "description", "", true, TEXT_MULTI, 0,
                       VT_INTAKE_DESCRIPTION_MAX, false, err);
    if (rc == 0)
        rc = reporter_parse(r->doc, body, err);
    if (rc == 0)
        rc = claims_parse(r->doc, body, err);
    if (rc == 0)
        rc = attachments_parse(&r->attachments, &r->nattachments, body, lim, err);
    if (rc < 0)
        goto out;
    r->title = cJSON_GetObjectItemCaseSensitive(r->doc, "title")->valuestring;
    it = cJSON_GetObjectItemCaseSensitive(r->doc, "vendor");
    r->vendor = it ? it->valuestring : NULL;
    *out = r;
    r = NULL;
out:
    vt_intake_report_free(r);
    return rc;
}

/*
 * cJSON decodes "\u0000" into a NUL that ends its C string, silently
 * dropping the rest of the value, so such a body is refused before the
 * tree is looked at. An escape is one preceded by an odd number of
 * backslashes ("\\u0000" is a backslash and the text "u0000").
 */
int vt_intake_check_nul_escapes(const char *s, size_t len, vt_error *err)
{
    size_t i, run = 0;

    for (i = 0; i < len; i++) {
        if (s[i] != '\\') {
            run = 0;
            continue;
        }
        run++;
        if (run % 2 == 1 && len - i >= 6 && (s[i + 1] == 'u' || s[i + 1] == 'U') &&
            memcmp(s + i + 2, "0000", 4) == 0) {
            vt_error_set_field(err, VT_EINVALID, "",
                               "strings must not contain U+0000 (\\u0000 at byte %zu)", i);
            if (err)
                err->offset = i;
            return VT_EINVALID;
        }
    }
    return 0;
}

int vt_intake_report_parse_text(vt_intake_report **out, const char *s, size_t len,
                                const vt_intake_limits *lim, vt_error *err)
{
    cJSON *body = NULL;
    int rc;

    *out = NULL;
    rc = vt_intake_check_nul_escapes(s, len, err);
    if (rc < 0)
        return rc;
    rc = vt_json_parse(&body, s, len, err);
    if (rc < 0)
        return rc;
    rc = vt_intake_report_parse(out, body, lim, err);
    cJSON_Delete(body);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Messages                                                                */

void vt_intake_message_free(vt_intake_message *m)
{
    if (!m)
        return;
    vt_free(m->text);
    attachments_free(m->attachments, m->nattachments);
    vt_free(m);
}

int vt_intake_message_parse(vt_intake_message **out, const cJSON *body,
                            const vt_intake_limits *lim, vt_error *err)
{
    static const char *const keys[] = {"text", "attachments"};
    const vt_intake_limits defaults = VT_INTAKE_LIMITS_INIT;
    vt_intake_message *m = NULL;
    const cJSON *it;
    const char *s;
    size_t len;
    int rc;

    *out = NULL;
    if (!lim)
        lim = &defaults;
    if (!cJSON_IsObject(body))
        return vt_error_set_field(err, VT_EINVALID, "", "the message must be a JSON object");
    rc = check_keys(body, keys, sizeof(keys) / sizeof(keys[0]), "", err);
    if (rc < 0)
        return rc;
    it = member(body, "text");
    if (!it)
        return vt_error_set_field(err, VT_EINVALID, "/text", "is required");
    rc = text_check(it, "/text", TEXT_MULTI, 0, VT_INTAKE_MESSAGE_MAX, false, &s, &len, err);
    if (rc < 0)
        return rc;
    m = vt_calloc(1, sizeof(*m));
    if (!m)
        return oom(err);
    m->text = vt_strndup(s, len);
    if (!m->text) {
        rc = oom(err);
        goto out;
    }
    rc = attachments_parse(&m->attachments, &m->nattachments, body, lim, err);
    if (rc < 0)
        goto out;
    *out = m;
    m = NULL;
out:
    vt_intake_message_free(m);
    return rc;
}
