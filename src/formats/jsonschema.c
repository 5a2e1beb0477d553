/*
 * jsonschema.c - JSON Schema validation for the keywords the shipped SBOM
 * schemas use (see jsonschema.h for the list and the known differences).
 *
 * A schema set is the root file plus every file its $refs name, loaded up
 * front so that validation never touches the file system. Patterns are
 * translated from ECMA-262 to POSIX extended regular expressions and compiled
 * once, at load time, so that an unsupported construct is reported when the
 * schema is loaded rather than as a spurious violation.
 *
 * Validation walks the instance and the schema together. The instance and
 * schema locations are kept as chains of frames on the C stack and turned
 * into JSON pointers only when a violation is recorded, which keeps the valid
 * path (the common one: documents of megabytes) free of string building.
 * anyOf/oneOf/not/if probe their branches in a mode that stops at the first
 * violation and records nothing.
 */
#include <math.h>
#include <stdarg.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/json.h"
#include "vulntrack/jsonschema.h"
#include "vulntrack/strparse.h"

/* Nesting of schema applications before we call the schema cyclic. */
#define MAX_DEPTH 512
#define DEFAULT_MAX_ERRORS 100

typedef struct schema_file {
    struct schema_file *next;
    char *name;     /* the file name, e.g. "bom-1.5.schema.json" */
    const char *id; /* its $id, or NULL (points into root) */
    cJSON *root;
    bool ref_overrides; /* draft-04..07: keywords beside $ref are ignored */
} schema_file;

typedef struct compiled_re {
    struct compiled_re *next;
    const cJSON *node; /* the "pattern" string node, or a patternProperties key's schema */
    const char *source;
    regex_t re;
} compiled_re;

struct vt_jsonschema {
    schema_file *files;
    schema_file *root;
    compiled_re *regexes;
    char *dir;
};

/* ------------------------------------------------------------------ */
/* Locations                                                           */
/* ------------------------------------------------------------------ */

/* One step of a JSON pointer: a key, or an array index when key is NULL. */
typedef struct loc {
    const struct loc *parent;
    const char *key;
    size_t index;
} loc;

/* One step in the schema: a keyword path segment; `file` restarts the path. */
typedef struct sloc {
    const struct sloc *parent;
    const char *seg1; /* e.g. "properties" */
    const char *seg2; /* e.g. the property name, or NULL */
    size_t index;     /* used when seg2 is NULL and has_index */
    bool has_index;
    const schema_file *file; /* set on the frame that starts a file (root or $ref) */
    const char *fragment;    /* with `file`: the $ref fragment ("" for the root) */
} sloc;

static int put_escaped(vt_buf *b, const char *s)
{
    int error = 0;

    for (; *s && error == 0; s++) {
        if (*s == '~')
            error = vt_buf_puts(b, "~0");
        else if (*s == '/')
            error = vt_buf_puts(b, "~1");
        else
            error = vt_buf_putc(b, *s);
    }
    return error;
}

static int loc_format(vt_buf *b, const loc *l)
{
    int error;

    if (!l)
        return 0;
    error = loc_format(b, l->parent);
    if (error < 0)
        return error;
    if (l->key) {
        error = vt_buf_putc(b, '/');
        return error < 0 ? error : put_escaped(b, l->key);
    }
    return vt_buf_printf(b, "/%zu", l->index);
}

static int sloc_format(vt_buf *b, const sloc *l)
{
    int error = 0;

    if (!l)
        return 0;
    if (l->file)
        return vt_buf_printf(b, "%s#%s", l->file->name, l->fragment ? l->fragment : "");
    error = sloc_format(b, l->parent);
    if (error == 0 && l->seg1) {
        error = vt_buf_putc(b, '/');
        if (error == 0)
            error = put_escaped(b, l->seg1);
    }
    if (error == 0 && l->seg2) {
        error = vt_buf_putc(b, '/');
        if (error == 0)
            error = put_escaped(b, l->seg2);
    } else if (error == 0 && l->has_index) {
        error = vt_buf_printf(b, "/%zu", l->index);
    }
    return error;
}

/* ------------------------------------------------------------------ */
/* Error list                                                          */
/* ------------------------------------------------------------------ */

void vt_jsonschema_errors_dispose(vt_jsonschema_errors *e)
{
    if (!e)
        return;
    vt_free(e->items);
    vt_arena_dispose(&e->arena);
    e->items = NULL;
    e->count = 0;
    e->cap = 0;
    e->truncated = false;
}

typedef struct vctx {
    vt_jsonschema *s;
    vt_jsonschema_errors *errors;
    int fatal; /* VT_ENOMEM once it happened; validation stops */
    int depth;
    bool stopped; /* the error list is full */
} vctx;

static size_t max_errors(const vt_jsonschema_errors *e)
{
    return e->max ? e->max : DEFAULT_MAX_ERRORS;
}

/*
 * Record one violation, unless probing (errors == NULL). Returns the number
 * of violations it stands for (1), so callers can add it up.
 */
static int report(vctx *c, const loc *il, const sloc *sl, const char *keyword, const char *fmt, ...)
    VT_PRINTF(5, 6);

static int report(vctx *c, const loc *il, const sloc *sl, const char *keyword, const char *fmt, ...)
{
    vt_jsonschema_errors *e = c->errors;
    vt_jsonschema_error *item;
    vt_buf b = VT_BUF_INIT;
    char msg[512];
    va_list ap;
    int error;

    if (!e || c->fatal)
        return 1;
    if (e->count >= max_errors(e)) {
        e->truncated = true;
        c->stopped = true;
        return 1;
    }
    if (e->count == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        vt_jsonschema_error *items = vt_realloc(e->items, cap * sizeof(*items));

        if (!items) {
            c->fatal = VT_ENOMEM;
            return 1;
        }
        e->items = items;
        e->cap = cap;
    }
    item = &e->items[e->count];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error = loc_format(&b, il);
    if (error == 0)
        item->instance = vt_arena_strndup(&e->arena, b.ptr, b.len);
    vt_buf_clear(&b);
    if (error == 0)
        error = sloc_format(&b, sl);
    if (error == 0) {
        item->schema = vt_arena_strndup(&e->arena, b.ptr, b.len);
        item->keyword = vt_arena_strdup(&e->arena, keyword);
        item->message = vt_arena_strdup(&e->arena, msg);
    }
    vt_buf_dispose(&b);
    if (error < 0 || !item->instance || !item->schema || !item->keyword || !item->message) {
        c->fatal = VT_ENOMEM;
        return 1;
    }
    e->count++;
    return 1;
}

/* ------------------------------------------------------------------ */
/* Small JSON helpers                                                  */
/* ------------------------------------------------------------------ */

static const char *type_of(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return v->valuedouble == floor(v->valuedouble) &&
                       fabs(v->valuedouble) < 9.007199254740992e15
                   ? "integer"
                   : "number";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "array";
    return "object";
}

static bool type_matches(const cJSON *v, const char *t)
{
    const char *have = type_of(v);

    if (strcmp(t, have) == 0)
        return true;
    return strcmp(t, "number") == 0 && strcmp(have, "integer") == 0;
}

/* A short printable rendering of a value for messages (truncated). */
static void show(char *out, size_t n, const cJSON *v)
{
    char *text = cJSON_PrintUnformatted(v);

    if (!text) {
        snprintf(out, n, "(value)");
        return;
    }
    if (strlen(text) > 60)
        snprintf(out, n, "%.57s...", text);
    else
        snprintf(out, n, "%s", text);
    cJSON_free(text);
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static bool num(const cJSON *schema, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(schema, key);

    if (!cJSON_IsNumber(v))
        return false;
    *out = v->valuedouble;
    return true;
}

/* ------------------------------------------------------------------ */
/* format: date-time                                                   */
/* ------------------------------------------------------------------ */

static bool digits_at(const char *s, size_t n, int *out)
{
    size_t i;
    int v = 0;

    for (i = 0; i < n; i++) {
        if (!vt_is_digit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* RFC 3339 date-time: 2024-02-29T12:00:00(.123)?(Z|+01:00). */
static bool is_date_time(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, sec, oh, om;
    bool leap;

    if (strlen(s) < 20 || !digits_at(s, 4, &y) || s[4] != '-' || !digits_at(s + 5, 2, &mo) ||
        s[7] != '-' || !digits_at(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        !digits_at(s + 11, 2, &h) || s[13] != ':' || !digits_at(s + 14, 2, &mi) || s[16] != ':' ||
        !digits_at(s + 17, 2, &sec))
        return false;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || sec > 60)
        return false;
    s += 19;
    if (*s == '.') {
        s++;
        if (!vt_is_digit((unsigned char)*s))
            return false;
        while (vt_is_digit((unsigned char)*s))
            s++;
    }
    if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
        return true;
    if ((*s == '+' || *s == '-') && digits_at(s + 1, 2, &oh) && s[3] == ':' &&
        digits_at(s + 4, 2, &om) && s[6] == '\0')
        return oh <= 23 && om <= 59;
    return false;
}

/*
 * RFC 3986 absolute URI, lightly: a scheme (a letter, then letters, digits,
 * '+', '-', '.'), a colon, and no space or control character after it. This
 * is enough for the one place the shipped schemas rely on it (JSF's
 * algorithm: a registered name such as "RS256" or a URI, in a oneOf that
 * only works when names are not URIs).
 */
static bool is_uri(const char *s)
{
    const char *p = s;

    if (!vt_is_alpha((unsigned char)*p))
        return false;
    while (vt_is_alnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':')
        return false;
    for (; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7F)
            return false;
    return true;
}

/* ------------------------------------------------------------------ */
/* ECMA-262 pattern -> POSIX ERE                                       */
/* ------------------------------------------------------------------ */

typedef struct byteset {
    unsigned char bits[32];
} byteset;

static void set_add(byteset *s, unsigned c)
{
    s->bits[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static bool set_has(const byteset *s, unsigned c)
{
    return (s->bits[c >> 3] >> (c & 7)) & 1;
}

static void set_range(byteset *s, unsigned lo, unsigned hi)
{
    for (; lo <= hi; lo++)
        set_add(s, lo);
}

/* Add the class of escape letter `e` (d, w, s); false if `e` is not one. */
static bool class_escape(byteset *s, char e)
{
    byteset tmp = {{0}};
    size_t i;
    bool neg = e == 'D' || e == 'W' || e == 'S';

    switch (vt_to_lower((unsigned char)e)) {
    case 'd':
        set_range(&tmp, '0', '9');
        break;
    case 'w':
        set_range(&tmp, '0', '9');
        set_range(&tmp, 'a', 'z');
        set_range(&tmp, 'A', 'Z');
        set_add(&tmp, '_');
        break;
    case 's':
        set_add(&tmp, ' ');
        set_range(&tmp, '\t', '\r');
        break;
    default:
        return false;
    }
    for (i = 0; i < 32; i++)
        s->bits[i] |= neg ? (unsigned char)~tmp.bits[i] : tmp.bits[i];
    return true;
}

/* The byte an escape stands for as a literal (\n, \., \-), or -1. */
static int escape_literal(char e)
{
    switch (e) {
    case 'n':
        return '\n';
    case 't':
        return '\t';
    case 'r':
        return '\r';
    case 'f':
        return '\f';
    case 'v':
        return '\v';
    case '0':
        return -1;
    default:
        break;
    }
    if (!vt_is_alnum((unsigned char)e) && (unsigned char)e < 0x80 && e != '\0')
        return (unsigned char)e;
    return -1;
}

/* Emit a byte set as a POSIX bracket expression, negated when `neg`. */
static int emit_set(vt_buf *out, const byteset *set, bool neg)
{
    byteset only_caret = {{0}};
    unsigned c, end;
    int error;

    set_add(&only_caret, '^');
    if (!neg && memcmp(set, &only_caret, sizeof(*set)) == 0)
        return vt_buf_puts(out, "\\^");
    error = vt_buf_puts(out, neg ? "[^" : "[");
    /* ']' must come first, '^' not first, '[' and '-' last, to stay literal. */
    if (error == 0 && set_has(set, ']'))
        error = vt_buf_putc(out, ']');
    for (c = 1; c < 256 && error == 0; c++) {
        if (!set_has(set, c) || c == ']' || c == '^' || c == '-' || c == '[')
            continue;
        end = c;
        while (end + 1 < 256 && set_has(set, end + 1) && end + 1 != ']' && end + 1 != '^' &&
               end + 1 != '-' && end + 1 != '[')
            end++;
        if (end >= c + 2) {
            error = vt_buf_printf(out, "%c-%c", (char)c, (char)end);
            c = end;
        } else {
            error = vt_buf_putc(out, (char)c);
        }
    }
    if (error == 0 && set_has(set, '^'))
        error = vt_buf_putc(out, '^');
    if (error == 0 && set_has(set, '['))
        error = vt_buf_putc(out, '[');
    if (error == 0 && set_has(set, '-'))
        error = vt_buf_putc(out, '-');
    if (error == 0)
        error = vt_buf_putc(out, ']');
    return error;
}

/*
 * Translate an ECMA-262 class body starting after '[' at *pp. On return *pp
 * is past the closing ']'.
 */
static int translate_class(vt_buf *out, const char **pp, const char *pattern, vt_error *err)
{
    const char *p = *pp;
    byteset set = {{0}};
    bool neg = false;
    int prev = -1, c, hi;
    size_t i;

    if (*p == '^') {
        neg = true;
        p++;
    }
    for (;;) {
        if (*p == '\0')
            return vt_error_set(err, VT_EUNSUPPORTED, 0, "pattern %s: unterminated class", pattern);
        if (*p == ']') {
            p++;
            break;
        }
        if (*p == '\\') {
            if (class_escape(&set, p[1])) {
                p += 2;
                prev = -1;
                continue;
            }
            c = escape_literal(p[1]);
            if (c < 0)
                return vt_error_set(err, VT_EUNSUPPORTED, 0,
                                    "pattern %s: escape \\%c in a class is not supported", pattern,
                                    p[1]);
            p += 2;
        } else {
            c = (unsigned char)*p++;
        }
        /* A range a-b: '-' between two single characters. */
        if (*p == '-' && p[1] != ']' && p[1] != '\0') {
            if (p[1] == '\\') {
                hi = escape_literal(p[2]);
                if (hi < 0)
                    return vt_error_set(err, VT_EUNSUPPORTED, 0,
                                        "pattern %s: class range is not supported", pattern);
                p += 3;
            } else {
                hi = (unsigned char)p[1];
                p += 2;
            }
            if (hi < c)
                return vt_error_set(err, VT_EUNSUPPORTED, 0, "pattern %s: class range out of order",
                                    pattern);
            set_range(&set, (unsigned)c, (unsigned)hi);
            prev = -1;
            continue;
        }
        set_add(&set, (unsigned)c);
        prev = c;
    }
    (void)prev;
    *pp = p;
    /* NUL cannot occur in the subject (a negated escape may have added it). */
    set.bits[0] &= 0xFE;
    for (i = 0; i < 32; i++)
        if (set.bits[i])
            return emit_set(out, &set, neg);
    return vt_error_set(err, VT_EUNSUPPORTED, 0, "pattern %s: empty class", pattern);
}

/* True when p (after '{') is a valid quantifier body "n}", "n,}" or "n,m}". */
static bool is_quantifier(const char *p)
{
    if (!vt_is_digit((unsigned char)*p))
        return false;
    while (vt_is_digit((unsigned char)*p))
        p++;
    if (*p == ',') {
        p++;
        while (vt_is_digit((unsigned char)*p))
            p++;
    }
    return *p == '}';
}

/* Internal, declared here for -Wmissing-prototypes; the unit test calls it directly. */
int vt__jsonschema_translate_pattern(vt_buf *out, const char *pattern, vt_error *err);

/*
 * Translate `pattern` (ECMA-262) to POSIX ERE syntax in `out`. Returns 0,
 * VT_EUNSUPPORTED (a construct listed in jsonschema.h) or VT_ENOMEM.
 */
int vt__jsonschema_translate_pattern(vt_buf *out, const char *pattern, vt_error *err)
{
    const char *p = pattern;
    byteset set;
    int error = 0, c;

    while (*p && error == 0) {
        switch (*p) {
        case '\\':
            memset(&set, 0, sizeof(set));
            /* \D, \W, \S: the negated bracket of \d, \w, \s. */
            if (class_escape(&set, (char)vt_to_lower((unsigned char)p[1]))) {
                error = emit_set(out, &set, p[1] >= 'A' && p[1] <= 'Z');
                p += 2;
                break;
            }
            c = escape_literal(p[1]);
            if (c < 0)
                return vt_error_set(err, VT_EUNSUPPORTED, 0,
                                    "pattern %s: escape \\%c is not supported", pattern, p[1]);
            if (strchr(".[]{}()\\*+?^$|", c))
                error = vt_buf_printf(out, "\\%c", c);
            else
                error = vt_buf_putc(out, (char)c);
            p += 2;
            break;
        case '[':
            p++;
            error = translate_class(out, &p, pattern, err);
            break;
        case '(':
            if (p[1] == '?') {
                if (p[2] != ':')
                    return vt_error_set(err, VT_EUNSUPPORTED, 0,
                                        "pattern %s: lookaround and named groups are not "
                                        "supported",
                                        pattern);
                p += 3;
            } else {
                p++;
            }
            error = vt_buf_putc(out, '(');
            break;
        case '*':
        case '+':
        case '?':
            if (p[1] == '?')
                return vt_error_set(err, VT_EUNSUPPORTED, 0,
                                    "pattern %s: lazy quantifiers are not supported", pattern);
            error = vt_buf_putc(out, *p++);
            break;
        case '{':
            if (is_quantifier(p + 1)) {
                const char *close = strchr(p, '}');

                /* Copy "{n,m}" whole; is_quantifier found its '}'. */
                error = vt_buf_put(out, p, (size_t)(close - p) + 1);
                p = close + 1;
                if (*p == '?')
                    return vt_error_set(err, VT_EUNSUPPORTED, 0,
                                        "pattern %s: lazy quantifiers are not supported", pattern);
            } else {
                error = vt_buf_puts(out, "\\{");
                p++;
            }
            break;
        case '}':
        case ']':
            error = vt_buf_printf(out, "\\%c", *p++);
            break;
        case '.':
            /* ECMA '.' stops at line terminators; POSIX '.' would not. */
            error = vt_buf_puts(out, "[^\n\r]");
            p++;
            break;
        default:
            error = vt_buf_putc(out, *p++);
            break;
        }
    }
    return error;
}

static int compile_pattern(vt_jsonschema *s, const cJSON *node, const char *source, vt_error *err)
{
    vt_buf ere = VT_BUF_INIT;
    compiled_re *r = NULL;
    int error, rc;

    error = vt__jsonschema_translate_pattern(&ere, source, err);
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error < 0)
        goto out;
    r = vt_calloc(1, sizeof(*r));
    if (!r) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    rc = regcomp(&r->re, ere.ptr, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        vt_free(r);
        r = NULL;
        error = vt_error_set(err, rc == REG_ESPACE ? VT_ENOMEM : VT_EUNSUPPORTED, 0,
                             "pattern %s: not a regular expression we can compile", source);
        goto out;
    }
    r->node = node;
    r->source = source;
    r->next = s->regexes;
    s->regexes = r;
out:
    vt_buf_dispose(&ere);
    return error;
}

static const regex_t *find_regex(const vt_jsonschema *s, const cJSON *node)
{
    const compiled_re *r;

    for (r = s->regexes; r; r = r->next)
        if (r->node == node)
            return &r->re;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

/* Keywords whose value is a map of subschemas, a list, or one subschema. */
static const char *const map_keywords[] = {"properties", "definitions", "$defs",
                                           "patternProperties", "dependentSchemas"};
static const char *const list_keywords[] = {"allOf", "anyOf", "oneOf", "prefixItems"};
static const char *const sub_keywords[] = {"items",
                                           "additionalProperties",
                                           "additionalItems",
                                           "not",
                                           "if",
                                           "then",
                                           "else",
                                           "contains",
                                           "propertyNames",
                                           "unevaluatedProperties",
                                           "unevaluatedItems"};

static bool in_list(const char *k, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(k, list[i]) == 0)
            return true;
    return false;
}

#define IN(k, list) in_list((k), (list), sizeof(list) / sizeof((list)[0]))

static const char *base_name(const char *url, size_t len, size_t *out_len)
{
    size_t i = len;

    while (i > 0 && url[i - 1] != '/')
        i--;
    *out_len = len - i;
    return url + i;
}

static bool name_eq(const char *a, size_t alen, const char *b)
{
    return b && strlen(b) == alen && memcmp(a, b, alen) == 0;
}

/* The loaded file a $ref's URL part names, or NULL. */
static schema_file *find_file(const vt_jsonschema *s, const char *url, size_t len)
{
    schema_file *f;
    const char *bn, *idb;
    size_t bnlen, idlen;

    bn = base_name(url, len, &bnlen);
    for (f = s->files; f; f = f->next) {
        if (f->id && name_eq(url, len, f->id))
            return f;
        if (name_eq(bn, bnlen, f->name))
            return f;
        if (f->id) {
            idb = base_name(f->id, strlen(f->id), &idlen);
            if (idlen == bnlen && memcmp(idb, bn, bnlen) == 0)
                return f;
        }
    }
    return NULL;
}

static int load_file(vt_jsonschema *s, const char *name, size_t nlen, schema_file **out,
                     vt_error *err);

/*
 * Walk the subschemas of `node` (in file `f`), compiling patterns and loading
 * the files that $refs name.
 */
static int prepare(vt_jsonschema *s, const cJSON *node, vt_error *err)
{
    const cJSON *kv, *sub;
    schema_file *other;
    const char *ref, *hash, *bn;
    size_t ulen, bnlen;
    int error = 0;

    if (!cJSON_IsObject(node))
        return 0;
    cJSON_ArrayForEach(kv, node)
    {
        const char *k = kv->string;

        if (strcmp(k, "pattern") == 0 && cJSON_IsString(kv)) {
            error = compile_pattern(s, kv, kv->valuestring, err);
        } else if (strcmp(k, "$ref") == 0 && cJSON_IsString(kv)) {
            ref = kv->valuestring;
            hash = strchr(ref, '#');
            ulen = hash ? (size_t)(hash - ref) : strlen(ref);
            if (ulen > 0 && !find_file(s, ref, ulen)) {
                bn = base_name(ref, ulen, &bnlen);
                error = load_file(s, bn, bnlen, &other, err);
            }
        } else if (IN(k, map_keywords) && cJSON_IsObject(kv)) {
            cJSON_ArrayForEach(sub, kv)
            {
                if (strcmp(k, "patternProperties") == 0)
                    error = compile_pattern(s, sub, sub->string, err);
                if (error == 0)
                    error = prepare(s, sub, err);
                if (error < 0)
                    break;
            }
        } else if (IN(k, list_keywords) && cJSON_IsArray(kv)) {
            cJSON_ArrayForEach(sub, kv)
            {
                error = prepare(s, sub, err);
                if (error < 0)
                    break;
            }
        } else if (IN(k, sub_keywords)) {
            if (cJSON_IsArray(kv)) {
                cJSON_ArrayForEach(sub, kv)
                {
                    error = prepare(s, sub, err);
                    if (error < 0)
                        break;
                }
            } else {
                error = prepare(s, kv, err);
            }
        }
        if (error < 0)
            break;
    }
    return error;
}

static int load_file(vt_jsonschema *s, const char *name, size_t nlen, schema_file **out,
                     vt_error *err)
{
    vt_buf path = VT_BUF_INIT, text = VT_BUF_INIT;
    schema_file *f = NULL;
    const cJSON *v;
    int error;

    *out = NULL;
    if (nlen == 0 || memchr(name, '\0', nlen) || (nlen == 2 && memcmp(name, "..", 2) == 0)) {
        error = vt_error_set(err, VT_EINVALID, 0, "$ref to \"%.*s\" cannot be resolved", (int)nlen,
                             name);
        goto out;
    }
    error = vt_buf_printf(&path, "%s/%.*s", s->dir, (int)nlen, name);
    if (error == 0)
        error = vt_buf_read_file(&text, path.ptr, err);
    if (error < 0)
        goto out;
    f = vt_calloc(1, sizeof(*f));
    if (!f) {
        error = VT_ENOMEM;
        goto out;
    }
    f->name = vt_strndup(name, nlen);
    if (!f->name) {
        error = VT_ENOMEM;
        goto out;
    }
    error = vt_json_parse(&f->root, text.ptr, text.len, err);
    if (error < 0) {
        error = vt_error_set(err, vt_alloc_failure_injected() ? VT_ENOMEM : VT_EINVALID,
                             err ? err->offset : 0, "%s: malformed JSON at byte %zu", path.ptr,
                             err ? err->offset : 0);
        goto out;
    }
    v = cJSON_GetObjectItemCaseSensitive(f->root, "$id");
    if (!v)
        v = cJSON_GetObjectItemCaseSensitive(f->root, "id"); /* draft-04 */
    if (cJSON_IsString(v))
        f->id = v->valuestring;
    v = cJSON_GetObjectItemCaseSensitive(f->root, "$schema");
    f->ref_overrides = !cJSON_IsString(v) || strstr(v->valuestring, "draft-0") != NULL;
    f->next = s->files;
    s->files = f;
    *out = f;
    f = NULL;
    error = prepare(s, (*out)->root, err);
out:
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (f) {
        cJSON_Delete(f->root);
        vt_free(f->name);
        vt_free(f);
    }
    vt_buf_dispose(&path);
    vt_buf_dispose(&text);
    return error;
}

int vt_jsonschema_load(vt_jsonschema **out, const char *path, vt_error *err)
{
    vt_jsonschema *s;
    const char *slash = strrchr(path, '/');
    int error;

    *out = NULL;
    s = vt_calloc(1, sizeof(*s));
    if (!s)
        return vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    s->dir = slash ? vt_strndup(path, (size_t)(slash - path)) : vt_strdup(".");
    if (!s->dir) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    error = load_file(s, slash ? slash + 1 : path, strlen(slash ? slash + 1 : path), &s->root, err);
    if (error < 0)
        goto out;
    *out = s;
    s = NULL;
out:
    vt_jsonschema_free(s);
    return error;
}

void vt_jsonschema_free(vt_jsonschema *s)
{
    schema_file *f, *fn;
    compiled_re *r, *rn;

    if (!s)
        return;
    for (f = s->files; f; f = fn) {
        fn = f->next;
        cJSON_Delete(f->root);
        vt_free(f->name);
        vt_free(f);
    }
    for (r = s->regexes; r; r = rn) {
        rn = r->next;
        regfree(&r->re);
        vt_free(r);
    }
    vt_free(s->dir);
    vt_free(s);
}

/* ------------------------------------------------------------------ */
/* $ref resolution                                                     */
/* ------------------------------------------------------------------ */

/* Decode one JSON pointer token (~0, ~1, %XX) into `out`. */
static bool pointer_token(char *out, size_t n, const char *t, size_t len)
{
    size_t i, k = 0;
    int hi, lo;

    for (i = 0; i < len; i++) {
        char c = t[i];

        if (c == '~' && i + 1 < len && (t[i + 1] == '0' || t[i + 1] == '1')) {
            c = t[i + 1] == '0' ? '~' : '/';
            i++;
        } else if (c == '%' && i + 2 < len) {
            hi = vt_is_digit((unsigned char)t[i + 1])
                     ? t[i + 1] - '0'
                     : (vt_to_lower((unsigned char)t[i + 1]) - 'a' + 10);
            lo = vt_is_digit((unsigned char)t[i + 2])
                     ? t[i + 2] - '0'
                     : (vt_to_lower((unsigned char)t[i + 2]) - 'a' + 10);
            if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
                return false;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (k + 1 >= n)
            return false;
        out[k++] = c;
    }
    out[k] = '\0';
    return true;
}

static const cJSON *resolve_pointer(const cJSON *root, const char *frag)
{
    const cJSON *cur = root;
    char tok[256];
    const char *p = frag, *end;
    uint64_t idx;

    if (*p == '\0')
        return root;
    if (*p != '/')
        return NULL;
    while (*p == '/' && cur) {
        p++;
        end = strchr(p, '/');
        if (!end)
            end = p + strlen(p);
        if (!pointer_token(tok, sizeof(tok), p, (size_t)(end - p)))
            return NULL;
        if (cJSON_IsArray(cur)) {
            if (vt_parse_u64(&idx, tok, strlen(tok)) != 0 || idx > INT32_MAX)
                return NULL;
            cur = cJSON_GetArrayItem(cur, (int)idx);
        } else {
            cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
        }
        p = end;
    }
    return cur;
}

static const cJSON *resolve_ref(const vt_jsonschema *s, const schema_file *from, const char *ref,
                                const schema_file **file, const char **frag)
{
    const char *hash = strchr(ref, '#');
    size_t ulen = hash ? (size_t)(hash - ref) : strlen(ref);
    const schema_file *f = ulen ? find_file(s, ref, ulen) : from;

    *file = f;
    *frag = hash ? hash + 1 : "";
    if (!f)
        return NULL;
    return resolve_pointer(f->root, *frag);
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

static int validate(vctx *c, const cJSON *inst, const loc *il, const cJSON *schema,
                    const schema_file *file, const sloc *sl);

/* Validate in probing mode: count violations, record none, stop at the first. */
static int probe(vctx *c, const cJSON *inst, const loc *il, const cJSON *schema,
                 const schema_file *file, const sloc *sl)
{
    vt_jsonschema_errors *saved = c->errors;
    int n;

    c->errors = NULL;
    n = validate(c, inst, il, schema, file, sl);
    c->errors = saved;
    return n;
}

#define STOP(c, n) ((c)->fatal || (c)->stopped || (!(c)->errors && (n) > 0))

static int check_type(vctx *c, const cJSON *inst, const loc *il, const cJSON *t, const sloc *sl)
{
    const cJSON *e;
    char want[128] = "";
    size_t used = 0;

    if (cJSON_IsString(t))
        return type_matches(inst, t->valuestring)
                   ? 0
                   : report(c, il, sl, "type", "expected %s, found %s", t->valuestring,
                            type_of(inst));
    if (!cJSON_IsArray(t))
        return 0;
    cJSON_ArrayForEach(e, t)
    {
        if (cJSON_IsString(e) && type_matches(inst, e->valuestring))
            return 0;
        if (cJSON_IsString(e) && used + strlen(e->valuestring) + 3 < sizeof(want))
            used += (size_t)snprintf(want + used, sizeof(want) - used, "%s%s", used ? ", " : "",
                                     e->valuestring);
    }
    return report(c, il, sl, "type", "expected one of %s; found %s", want, type_of(inst));
}

static int check_string(vctx *c, const cJSON *inst, const loc *il, const cJSON *schema,
                        const sloc *sl)
{
    const cJSON *pat = cJSON_GetObjectItemCaseSensitive(schema, "pattern");
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(schema, "format");
    const regex_t *re;
    char shown[80];
    double lim;
    size_t len = 0;
    int n = 0;
    bool have_len = false;

    if (num(schema, "minLength", &lim)) {
        len = utf8_length(inst->valuestring);
        have_len = true;
        if ((double)len < lim) {
            sloc k = {sl, "minLength", NULL, 0, false, NULL, NULL};
            n += report(c, il, &k, "minLength", "%zu characters, fewer than the minimum %g", len,
                        lim);
        }
    }
    if (num(schema, "maxLength", &lim)) {
        if (!have_len)
            len = utf8_length(inst->valuestring);
        if ((double)len > lim) {
            sloc k = {sl, "maxLength", NULL, 0, false, NULL, NULL};
            n += report(c, il, &k, "maxLength", "%zu characters, more than the maximum %g", len,
                        lim);
        }
    }
    if (STOP(c, n))
        return n;
    if (cJSON_IsString(pat)) {
        re = find_regex(c->s, pat);
        if (re && regexec(re, inst->valuestring, 0, NULL, 0) != 0) {
            sloc k = {sl, "pattern", NULL, 0, false, NULL, NULL};

            show(shown, sizeof(shown), inst);
            n += report(c, il, &k, "pattern", "%s does not match the pattern %s", shown,
                        pat->valuestring);
        }
    }
    if (cJSON_IsString(fmt) && strcmp(fmt->valuestring, "date-time") == 0 &&
        !is_date_time(inst->valuestring)) {
        sloc k = {sl, "format", NULL, 0, false, NULL, NULL};

        show(shown, sizeof(shown), inst);
        n += report(c, il, &k, "format", "%s is not an RFC 3339 date-time", shown);
    }
    if (cJSON_IsString(fmt) && strcmp(fmt->valuestring, "uri") == 0 && !is_uri(inst->valuestring)) {
        sloc k = {sl, "format", NULL, 0, false, NULL, NULL};

        show(shown, sizeof(shown), inst);
        n += report(c, il, &k, "format", "%s is not an absolute URI", shown);
    }
    return n;
}

static int check_number(vctx *c, const cJSON *inst, const loc *il, const cJSON *schema,
                        const sloc *sl)
{
    const cJSON *ex;
    double v = inst->valuedouble, lim;
    int n = 0;

    if (num(schema, "minimum", &lim)) {
        ex = cJSON_GetObjectItemCaseSensitive(schema, "exclusiveMinimum");
        if (v < lim || (cJSON_IsTrue(ex) && v == lim)) {
            sloc k = {sl, "minimum", NULL, 0, false, NULL, NULL};
            n += report(c, il, &k, "minimum", "%g is less than the minimum %g", v, lim);
        }
    }
    if (num(schema, "maximum", &lim)) {
        ex = cJSON_GetObjectItemCaseSensitive(schema, "exclusiveMaximum");
        if (v > lim || (cJSON_IsTrue(ex) && v == lim)) {
            sloc k = {sl, "maximum", NULL, 0, false, NULL, NULL};
            n += report(c, il, &k, "maximum", "%g is greater than the maximum %g", v, lim);
        }
    }
    if (num(schema, "exclusiveMinimum", &lim) && v <= lim) {
        sloc k = {sl, "exclusiveMinimum", NULL, 0, false, NULL, NULL};
        n += report(c, il, &k, "exclusiveMinimum", "%g is not greater than %g", v, lim);
    }
    if (num(schema, "exclusiveMaximum", &lim) && v >= lim) {
        sloc k = {sl, "exclusiveMaximum", NULL, 0, false, NULL, NULL};
        n += report(c, il, &k, "exclusiveMaximum", "%g is not less than %g", v, lim);
    }
    if (num(schema, "multipleOf", &lim) && lim > 0) {
        double q = v / lim;

        if (fabs(q - floor(q + 0.5)) > 1e-9) {
            sloc k = {sl, "multipleOf", NULL, 0, false, NULL, NULL};
            n += report(c, il, &k, "multipleOf", "%g is not a multiple of %g", v, lim);
        }
    }
    return n;
}

static bool matches_pattern_property(const vctx *c, const cJSON *pp, const char *key)
{
    const cJSON *sub;
    const regex_t *re;

    cJSON_ArrayForEach(sub, pp)
    {
        re = find_regex(c->s, sub);
        if (re && regexec(re, key, 0, NULL, 0) == 0)
            return true;
    }
    return false;
}

static int check_object(vctx *c, const cJSON *inst, const loc *il, const cJSON *schema,
                        const schema_file *file, const sloc *sl)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    const cJSON *pprops = cJSON_GetObjectItemCaseSensitive(schema, "patternProperties");
    const cJSON *addl = cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required");
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(schema, "propertyNames");
    const cJSON *kv, *sub, *r;
    double lim;
    size_t count = 0;
    int n = 0;

    cJSON_ArrayForEach(r, req)
    {
        if (cJSON_IsString(r) && !cJSON_GetObjectItemCaseSensitive(inst, r->valuestring)) {
            sloc k = {sl, "required", NULL, 0, false, NULL, NULL};
            n += report(c, il, &k, "required", "missing required property \"%s\"", r->valuestring);
            if (STOP(c, n))
                return n;
        }
    }
    cJSON_ArrayForEach(kv, inst)
    {
        loc child = {il, kv->string, 0};
        bool known = false;

        count++;
        sub = props ? cJSON_GetObjectItemCaseSensitive(props, kv->string) : NULL;
        if (sub) {
            sloc k = {sl, "properties", kv->string, 0, false, NULL, NULL};

            known = true;
            n += validate(c, kv, &child, sub, file, &k);
        }
        if (cJSON_IsObject(pprops)) {
            cJSON_ArrayForEach(sub, pprops)
            {
                const regex_t *re = find_regex(c->s, sub);

                if (re && regexec(re, kv->string, 0, NULL, 0) == 0) {
                    sloc k = {sl, "patternProperties", sub->string, 0, false, NULL, NULL};

                    known = true;
                    n += validate(c, kv, &child, sub, file, &k);
                }
            }
        }
        if (!known && addl && !(pprops && matches_pattern_property(c, pprops, kv->string))) {
            sloc k = {sl, "additionalProperties", NULL, 0, false, NULL, NULL};

            if (cJSON_IsFalse(addl))
                n += report(c, &child, &k, "additionalProperties", "property \"%s\" is not allowed",
                            kv->string);
            else
                n += validate(c, kv, &child, addl, file, &k);
        }
        if (names) {
            cJSON name = {0};
            sloc k = {sl, "propertyNames", NULL, 0, false, NULL, NULL};

            name.type = cJSON_String;
            name.valuestring = kv->string;
            n += validate(c, &name, &child, names, file, &k);
        }
        if (STOP(c, n))
            return n;
    }
    if (num(schema, "minProperties", &lim) && (double)count < lim) {
        sloc k = {sl, "minProperties", NULL, 0, false, NULL, NULL};
        n += report(c, il, &k, "minProperties", "%zu properties, fewer than %g", count, lim);
    }
    if (num(schema, "maxProperties", &lim) && (double)count > lim) {
        sloc k = {sl, "maxProperties", NULL, 0, false, NULL, NULL};
        n += report(c, il, &k, "maxProperties", "%zu properties, more than %g", count, lim);
    }
    return n;
}

/*
 * A hash of a JSON value that equal values (in cJSON_Compare's sense, up to
 * its tolerance on numbers) share: object members are combined in an
 * order-independent way. uniqueItems sorts items by it and compares only
 * neighbours, because CycloneDX 1.5+ puts uniqueItems on the component list
 * and a pairwise check is quadratic in the size of an SBOM.
 */
static uint64_t json_hash(const cJSON *v)
{
    uint64_t h = 1469598103934665603u, sum = 0;
    const unsigned char *p;
    const cJSON *child;
    double d;

    h = (h ^ (uint64_t)(v->type & 0xFF)) * 1099511628211u;
    if (cJSON_IsString(v) && v->valuestring) {
        for (p = (const unsigned char *)v->valuestring; *p; p++)
            h = (h ^ *p) * 1099511628211u;
    } else if (cJSON_IsNumber(v)) {
        /* Integral values hash exactly; others by a coarse rounding, as Compare tolerates. */
        d = v->valuedouble;
        if (fabs(d) < 9e18)
            h = (h ^ (uint64_t)(int64_t)floor(d)) * 1099511628211u;
    } else if (cJSON_IsArray(v)) {
        cJSON_ArrayForEach(child, v) h = (h ^ json_hash(child)) * 1099511628211u;
    } else if (cJSON_IsObject(v)) {
        cJSON_ArrayForEach(child, v)
        {
            uint64_t kh = 1469598103934665603u;

            for (p = (const unsigned char *)child->string; p && *p; p++)
                kh = (kh ^ *p) * 1099511628211u;
            sum += (kh ^ json_hash(child)) * 0x9E3779B97F4A7C15u;
        }
        h = (h ^ sum) * 1099511628211u;
    }
    return h;
}

typedef struct hashed_item {
    uint64_t hash;
    size_t index;
    const cJSON *item;
} hashed_item;

static int hashed_cmp(const void *pa, const void *pb)
{
    const hashed_item *a = pa, *b = pb;

    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* uniqueItems: report the first pair of equal items (lowest second index). */
static int check_unique(vctx *c, const cJSON *inst, const loc *il, const sloc *sl, size_t count)
{
    hashed_item *items = vt_calloc(count, sizeof(*items));
    const cJSON *e;
    size_t i = 0, j, best_i = 0, best_j = SIZE_MAX;
    int n = 0;

    if (!items) {
        c->fatal = VT_ENOMEM;
        return 0;
    }
    cJSON_ArrayForEach(e, inst)
    {
        items[i].hash = json_hash(e);
        items[i].index = i;
        items[i].item = e;
        i++;
    }
    qsort(items, count, sizeof(*items), hashed_cmp);
    for (i = 0; i < count; i++)
        for (j = i + 1; j < count && items[j].hash == items[i].hash; j++)
            if (items[j].index < best_j && cJSON_Compare(items[i].item, items[j].item, true)) {
                best_i = items[i].index;
                best_j = items[j].index;
            }
    vt_free(items);
    if (best_j != SIZE_MAX) {
        sloc k = {sl, "uniqueItems", NULL, 0, false, NULL, NULL};

        n += report(c, il, &k, "uniqueItems", "items %zu and %zu are equal", best_i, best_j);
    }
    return n;
}

static int check_array(vctx *c, const cJSON *inst, const loc *il, const cJSON *schema,
                       const schema_file *file, const sloc *sl)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");
    const cJSON *prefix = cJSON_GetObjectItemCaseSensitive(schema, "prefixItems");
    const cJSON *addl = cJSON_GetObjectItemCaseSensitive(schema, "additionalItems");
    const cJSON *contains = cJSON_GetObjectItemCaseSensitive(schema, "contains");
    const cJSON *unique = cJSON_GetObjectItemCaseSensitive(schema, "uniqueItems");
    const cJSON *tuple = NULL, *rest = NULL, *e, *sub;
    const char *tuple_kw = NULL, *rest_kw = NULL;
    size_t i = 0, count = (size_t)cJSON_GetArraySize(inst), ntuple = 0;
    double lim;
    int n = 0;
    bool found = false;

    if (num(schema, "minItems", &lim) && (double)count < lim) {
        sloc k = {sl, "minItems", NULL, 0, false, NULL, NULL};
        n += report(c, il, &k, "minItems", "%zu items, fewer than the minimum %g", count, lim);
    }
    if (num(schema, "maxItems", &lim) && (double)count > lim) {
        sloc k = {sl, "maxItems", NULL, 0, false, NULL, NULL};
        n += report(c, il, &k, "maxItems", "%zu items, more than the maximum %g", count, lim);
    }
    if (STOP(c, n))
        return n;
    /* Draft-07 tuples are "items": [...] + additionalItems; 2020-12 uses prefixItems + items. */
    if (cJSON_IsArray(prefix)) {
        tuple = prefix;
        tuple_kw = "prefixItems";
        rest = items;
        rest_kw = "items";
    } else if (cJSON_IsArray(items)) {
        tuple = items;
        tuple_kw = "items";
        rest = addl;
        rest_kw = "additionalItems";
    } else {
        rest = items;
        rest_kw = "items";
    }
    ntuple = tuple ? (size_t)cJSON_GetArraySize(tuple) : 0;
    cJSON_ArrayForEach(e, inst)
    {
        loc child = {il, NULL, i};

        if (i < ntuple) {
            sloc k = {sl, tuple_kw, NULL, i, true, NULL, NULL};

            sub = cJSON_GetArrayItem(tuple, (int)i);
            n += validate(c, e, &child, sub, file, &k);
        } else if (rest) {
            sloc k = {sl, rest_kw, NULL, 0, false, NULL, NULL};

            if (cJSON_IsFalse(rest))
                n += report(c, &child, &k, rest_kw, "item %zu is not allowed", i);
            else
                n += validate(c, e, &child, rest, file, &k);
        }
        if (contains && !found) {
            sloc k = {sl, "contains", NULL, 0, false, NULL, NULL};

            found = probe(c, e, &child, contains, file, &k) == 0;
        }
        if (STOP(c, n))
            return n;
        i++;
    }
    if (contains && !found) {
        sloc k = {sl, "contains", NULL, 0, false, NULL, NULL};
        n += report(c, il, &k, "contains", "no item matches the \"contains\" schema");
    }
    if (cJSON_IsTrue(unique) && count > 1)
        n += check_unique(c, inst, il, sl, count);
    return n;
}

/*
 * When no alternative of an anyOf/oneOf matches, say which one came closest
 * (fewest violations, then the deepest first violation) and why: a bare
 * "matches none" leaves the reader guessing which rule the document meant to
 * follow. Only computed when violations are recorded, never while probing.
 */
static void closest_hint(vctx *c, const cJSON *inst, const loc *il, const cJSON *list,
                         const char *kw, const schema_file *file, const sloc *sl, char *hint,
                         size_t n)
{
    vt_jsonschema_errors *saved = c->errors;
    bool saved_stopped = c->stopped;
    const cJSON *sub;
    size_t i = 0, best_count = SIZE_MAX, best_depth = 0;

    hint[0] = '\0';
    if (!saved)
        return;
    cJSON_ArrayForEach(sub, list)
    {
        vt_jsonschema_errors tmp = VT_JSONSCHEMA_ERRORS_INIT;
        sloc k = {sl, kw, NULL, i, true, NULL, NULL};

        tmp.max = 16;
        c->errors = &tmp;
        c->stopped = false;
        (void)validate(c, inst, il, sub, file, &k);
        if (!c->fatal && tmp.count > 0) {
            size_t depth = strlen(tmp.items[0].instance);

            if (tmp.count < best_count || (tmp.count == best_count && depth > best_depth)) {
                best_count = tmp.count;
                best_depth = depth;
                snprintf(hint, n, "; closest is alternative %zu: %s: %s", i,
                         tmp.items[0].instance[0] ? tmp.items[0].instance : "(here)",
                         tmp.items[0].message);
            }
        }
        vt_jsonschema_errors_dispose(&tmp);
        i++;
    }
    c->errors = saved;
    c->stopped = saved_stopped;
}

static int check_combinators(vctx *c, const cJSON *inst, const loc *il, const cJSON *schema,
                             const schema_file *file, const sloc *sl)
{
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(schema, "allOf");
    const cJSON *any = cJSON_GetObjectItemCaseSensitive(schema, "anyOf");
    const cJSON *one = cJSON_GetObjectItemCaseSensitive(schema, "oneOf");
    const cJSON *not_ = cJSON_GetObjectItemCaseSensitive(schema, "not");
    const cJSON *if_ = cJSON_GetObjectItemCaseSensitive(schema, "if");
    const cJSON *sub;
    size_t i, matched, total;
    int n = 0;

    i = 0;
    cJSON_ArrayForEach(sub, all)
    {
        sloc k = {sl, "allOf", NULL, i++, true, NULL, NULL};

        n += validate(c, inst, il, sub, file, &k);
        if (STOP(c, n))
            return n;
    }
    if (cJSON_IsArray(any)) {
        matched = 0;
        i = 0;
        cJSON_ArrayForEach(sub, any)
        {
            sloc k = {sl, "anyOf", NULL, i++, true, NULL, NULL};

            if (probe(c, inst, il, sub, file, &k) == 0) {
                matched = 1;
                break;
            }
        }
        if (!matched) {
            sloc k = {sl, "anyOf", NULL, 0, false, NULL, NULL};
            char hint[300];

            closest_hint(c, inst, il, any, "anyOf", file, sl, hint, sizeof(hint));
            n += report(c, il, &k, "anyOf", "matches none of the %d alternatives of anyOf%s",
                        cJSON_GetArraySize(any), hint);
        }
    }
    if (cJSON_IsArray(one)) {
        matched = 0;
        total = 0;
        cJSON_ArrayForEach(sub, one)
        {
            sloc k = {sl, "oneOf", NULL, total++, true, NULL, NULL};

            if (probe(c, inst, il, sub, file, &k) == 0)
                matched++;
        }
        if (matched != 1) {
            sloc k = {sl, "oneOf", NULL, 0, false, NULL, NULL};
            char hint[300] = "";

            if (matched == 0)
                closest_hint(c, inst, il, one, "oneOf", file, sl, hint, sizeof(hint));
            n += report(c, il, &k, "oneOf",
                        "matches %zu of the %zu alternatives of oneOf (exactly one needed)%s",
                        matched, total, hint);
        }
    }
    if (not_) {
        sloc k = {sl, "not", NULL, 0, false, NULL, NULL};

        if (probe(c, inst, il, not_, file, &k) == 0)
            n += report(c, il, &k, "not", "matches the schema it must not match");
    }
    if (if_) {
        sloc kif = {sl, "if", NULL, 0, false, NULL, NULL};
        bool ok = probe(c, inst, il, if_, file, &kif) == 0;
        const char *branch = ok ? "then" : "else";
        sloc k = {sl, branch, NULL, 0, false, NULL, NULL};

        sub = cJSON_GetObjectItemCaseSensitive(schema, branch);
        if (sub)
            n += validate(c, inst, il, sub, file, &k);
    }
    return n;
}

/*
 * Apply `schema` (from `file`, at schema location `sl`) to `inst` (at
 * instance location `il`). Returns the number of violations found: in
 * probing mode (c->errors NULL) it stops at the first.
 */
static int validate(vctx *c, const cJSON *inst, const loc *il, const cJSON *schema,
                    const schema_file *file, const sloc *sl)
{
    const cJSON *ref, *t, *en, *cn, *target, *e;
    const schema_file *tfile;
    const char *frag;
    char shown[80];
    int n = 0;
    bool hit;

    if (c->fatal || c->stopped)
        return 0;
    if (cJSON_IsTrue(schema))
        return 0;
    if (cJSON_IsFalse(schema))
        return report(c, il, sl, "false", "no value is allowed here");
    if (!cJSON_IsObject(schema))
        return 0;
    if (++c->depth > MAX_DEPTH) {
        n = report(c, il, sl, "$ref", "schema nesting deeper than %d (a $ref cycle?)", MAX_DEPTH);
        c->depth--;
        return n;
    }
    ref = cJSON_GetObjectItemCaseSensitive(schema, "$ref");
    if (cJSON_IsString(ref)) {
        target = resolve_ref(c->s, file, ref->valuestring, &tfile, &frag);
        if (!target) {
            sloc k = {sl, "$ref", NULL, 0, false, NULL, NULL};
            n += report(c, il, &k, "$ref", "cannot resolve $ref \"%s\"", ref->valuestring);
        } else {
            sloc k = {NULL, NULL, NULL, 0, false, tfile, frag};
            n += validate(c, inst, il, target, tfile, &k);
        }
        if (file->ref_overrides || STOP(c, n))
            goto out;
    }
    t = cJSON_GetObjectItemCaseSensitive(schema, "type");
    if (t) {
        sloc k = {sl, "type", NULL, 0, false, NULL, NULL};

        n += check_type(c, inst, il, t, &k);
        /* The other keywords would only repeat the type mismatch. */
        if (n > 0)
            goto out;
    }
    en = cJSON_GetObjectItemCaseSensitive(schema, "enum");
    if (cJSON_IsArray(en)) {
        hit = false;
        cJSON_ArrayForEach(e, en)
        {
            if (cJSON_Compare(inst, e, true)) {
                hit = true;
                break;
            }
        }
        if (!hit) {
            sloc k = {sl, "enum", NULL, 0, false, NULL, NULL};

            show(shown, sizeof(shown), inst);
            n += report(c, il, &k, "enum", "%s is not one of the allowed values", shown);
        }
    }
    cn = cJSON_GetObjectItemCaseSensitive(schema, "const");
    if (cn && !cJSON_Compare(inst, cn, true)) {
        sloc k = {sl, "const", NULL, 0, false, NULL, NULL};
        char want[80];

        show(shown, sizeof(shown), inst);
        show(want, sizeof(want), cn);
        n += report(c, il, &k, "const", "%s is not the required value %s", shown, want);
    }
    if (STOP(c, n))
        goto out;
    if (cJSON_IsString(inst))
        n += check_string(c, inst, il, schema, sl);
    else if (cJSON_IsNumber(inst))
        n += check_number(c, inst, il, schema, sl);
    else if (cJSON_IsObject(inst))
        n += check_object(c, inst, il, schema, file, sl);
    else if (cJSON_IsArray(inst))
        n += check_array(c, inst, il, schema, file, sl);
    if (STOP(c, n))
        goto out;
    n += check_combinators(c, inst, il, schema, file, sl);
out:
    c->depth--;
    return n;
}

int vt_jsonschema_validate(vt_jsonschema *s, const cJSON *instance, vt_jsonschema_errors *errors,
                           vt_error *err)
{
    vctx c = {s, errors, 0, 0, false};
    sloc root = {NULL, NULL, NULL, 0, false, s->root, ""};
    size_t before = errors->count;
    const vt_jsonschema_error *first;

    (void)validate(&c, instance, NULL, s->root->root, s->root, &root);
    if (c.fatal)
        return vt_error_set(err, c.fatal, 0, "out of memory");
    if (errors->count == before)
        return 0;
    first = &errors->items[before];
    return vt_error_set(err, VT_EINVALID, 0, "%s: %s (%zu schema violation%s)",
                        first->instance[0] ? first->instance : "(document)", first->message,
                        errors->count - before, errors->count - before == 1 ? "" : "s");
}
