/*
 * osv.c - one OSV record (ossf/osv-schema 1.x) from JSON text into a
 * vt_advisory that lives in its own arena.
 *
 * The reader is strict about the types of every field it reads and names the
 * JSON pointer of the first problem, so that an importer can say exactly what
 * is wrong with a skipped record. It is lenient about what real feeds do
 * legitimately: placeholder timestamps, events out of order (kept as written;
 * ordering is the matcher's business), records without a package, withdrawn
 * records without ranges, versions that are not valid in their ecosystem.
 * Fields it does not interpret (database_specific, ecosystem_specific,
 * affected[].severity) are kept as compact JSON text.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/arena.h"
#include "vulntrack/json.h"
#include "vulntrack/osv.h"
#include "json_strict.h"

/*
 * The advisory handed to the caller is the first member, so the pointer the
 * caller holds is also the pointer to the arena that owns everything.
 */
typedef struct osv_doc {
    vt_advisory adv;
    vt_arena arena;
} osv_doc;

/*
 * The JSON pointer of the value being read, as a stack of segments that is
 * formatted only when a message needs it: formatting on every step would
 * cost more than the rest of the walk. Records nest at most seven deep
 * (/affected/0/ranges/0/events/0/fixed).
 */
#define OSV_DEPTH_MAX 12

typedef struct osv_segment {
    const char *key; /* NULL for an array index */
    size_t index;
} osv_segment;

typedef struct osv_ctx {
    vt_arena *arena;
    vt_error *err;
    size_t depth;
    osv_segment seg[OSV_DEPTH_MAX];
} osv_ctx;

/* ------------------------------------------------------------------------ */
/* JSON pointer bookkeeping and messages                                    */
/* ------------------------------------------------------------------------ */

static size_t path_push_key(osv_ctx *c, const char *key)
{
    size_t saved = c->depth;

    assert(c->depth < OSV_DEPTH_MAX);
    c->seg[c->depth].key = key;
    c->depth++;
    return saved;
}

static size_t path_push_index(osv_ctx *c, size_t i)
{
    size_t saved = c->depth;

    assert(c->depth < OSV_DEPTH_MAX);
    c->seg[c->depth].key = NULL;
    c->seg[c->depth].index = i;
    c->depth++;
    return saved;
}

static void path_pop(osv_ctx *c, size_t saved)
{
    c->depth = saved;
}

/*
 * Fail with VT_EINVALID and "<pointer>: <problem>". The pointer of the top
 * level itself is the empty string, which reads badly, so it is spelt out.
 * Keys are the reader's own names, none of which needs RFC 6901 escaping.
 */
static int osv_fail(osv_ctx *c, const char *fmt, ...) VT_PRINTF(2, 3);
static int osv_fail(osv_ctx *c, const char *fmt, ...)
{
    char path[160], msg[VT_ERROR_MSG_MAX];
    size_t i, used = 0;
    va_list ap;
    int n;

    path[0] = '\0';
    for (i = 0; i < c->depth && used < sizeof(path); i++) {
        if (c->seg[i].key)
            n = snprintf(path + used, sizeof(path) - used, "/%s", c->seg[i].key);
        else
            n = snprintf(path + used, sizeof(path) - used, "/%zu", c->seg[i].index);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return vt_error_set(c->err, VT_EINVALID, 0, "%s: %s", c->depth ? path : "top level", msg);
}

/*
 * A value quoted for a one-line message: bytes outside printable ASCII as
 * \xNN, cut after 40 bytes, so that hostile input cannot break the line.
 */
static const char *quote_value(char *out, size_t cap, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i;

    for (i = 0; s[i] && o + 8 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (i == 40) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
            out[o++] = (char)ch;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        }
    }
    out[o] = '\0';
    return out;
}

/* ------------------------------------------------------------------------ */
/* Typed field readers                                                       */
/* ------------------------------------------------------------------------ */

static int copy_string(osv_ctx *c, const cJSON *item, const char **out)
{
    const char *s = item->valuestring;
    char *copy;

    if (!cJSON_IsString(item) || !s)
        return osv_fail(c, "expected a string");
    copy = vt_arena_strdup(c->arena, s);
    if (!copy)
        return VT_ENOMEM;
    *out = copy;
    return 0;
}

/* obj[key] as an arena string; NULL when absent and not required. */
static int get_string(osv_ctx *c, const cJSON *obj, const char *key, bool required,
                      const char **out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t saved;
    int error;

    *out = NULL;
    saved = path_push_key(c, key);
    if (!item)
        error = required ? osv_fail(c, "missing") : 0;
    else
        error = copy_string(c, item, out);
    path_pop(c, saved);
    return error;
}

/* obj[key] must be an array (or absent: *out NULL, *n 0). */
static int get_array(osv_ctx *c, const cJSON *obj, const char *key, const cJSON **out,
                     size_t *n)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t saved;
    int error = 0;

    *out = NULL;
    *n = 0;
    if (!item)
        return 0;
    if (!cJSON_IsArray(item)) {
        saved = path_push_key(c, key);
        error = osv_fail(c, "expected an array");
        path_pop(c, saved);
        return error;
    }
    *out = item;
    *n = (size_t)cJSON_GetArraySize(item);
    return 0;
}

static void *alloc_array(osv_ctx *c, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    if (n > SIZE_MAX / size)
        return NULL;
    return vt_arena_alloc(c->arena, n * size);
}

/* obj[key] as an array of strings; absent is an empty list. */
static int get_string_array(osv_ctx *c, const cJSON *obj, const char *key,
                            const char *const **out, size_t *n)
{
    const cJSON *arr, *item;
    const char **list;
    size_t count, i = 0, saved, saved_i;
    int error;

    *out = NULL;
    error = get_array(c, obj, key, &arr, &count);
    if (error < 0 || count == 0) {
        *n = 0;
        return error;
    }
    list = alloc_array(c, count, sizeof(*list));
    if (!list)
        return VT_ENOMEM;
    saved = path_push_key(c, key);
    cJSON_ArrayForEach(item, arr)
    {
        saved_i = path_push_index(c, i);
        error = copy_string(c, item, &list[i]);
        path_pop(c, saved_i);
        if (error < 0)
            break;
        i++;
    }
    path_pop(c, saved);
    if (error < 0)
        return error;
    *out = list;
    *n = count;
    return 0;
}

/*
 * obj[key] kept as compact JSON text in the arena; NULL when absent. When
 * `want_array` is false the value must be an object (the schema's type for
 * every *_specific field), else an array.
 */
static int get_json_text(osv_ctx *c, const cJSON *obj, const char *key, bool want_array,
                         const char **out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    char *text, *copy;
    size_t saved;
    int error;

    *out = NULL;
    if (!item)
        return 0;
    if (want_array ? !cJSON_IsArray(item) : !cJSON_IsObject(item)) {
        saved = path_push_key(c, key);
        error = osv_fail(c, want_array ? "expected an array" : "expected an object");
        path_pop(c, saved);
        return error;
    }
    text = cJSON_PrintUnformatted(item);
    if (!text)
        return VT_ENOMEM;
    copy = vt_arena_strdup(c->arena, text);
    vt_free(text);
    if (!copy)
        return VT_ENOMEM;
    *out = copy;
    return 0;
}

/* An element of an array of objects must be an object. */
static int expect_object(osv_ctx *c, const cJSON *item)
{
    return cJSON_IsObject(item) ? 0 : osv_fail(c, "expected an object");
}

/* A timestamp field: the text as written, checked to be RFC 3339. */
static int get_time(osv_ctx *c, const cJSON *obj, const char *key, bool required,
                    const char **out, int64_t *ms)
{
    char q[200];
    int64_t ignored;
    size_t saved;
    int error;

    error = get_string(c, obj, key, required, out);
    if (error < 0 || !*out)
        return error;
    if (vt_time_parse_rfc3339(ms ? ms : &ignored, *out, strlen(*out)) == 0)
        return 0;
    saved = path_push_key(c, key);
    error = osv_fail(c, "not an RFC 3339 timestamp: '%s'", quote_value(q, sizeof(q), *out));
    path_pop(c, saved);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Sections                                                                  */
/* ------------------------------------------------------------------------ */

static const struct {
    const char *key;
    vt_osv_event_kind kind;
} event_kinds[] = {
    {"introduced", VT_OSV_INTRODUCED},
    {"fixed", VT_OSV_FIXED},
    {"last_affected", VT_OSV_LAST_AFFECTED},
    {"limit", VT_OSV_LIMIT},
};

/*
 * One event object: exactly one member, named after one of the four kinds,
 * with a string value (a version, "0", or a commit for GIT ranges).
 */
static int parse_event(osv_ctx *c, const cJSON *obj, vt_osv_event *ev)
{
    const cJSON *member = obj->child;
    char q[200];
    size_t k, saved;
    int error;

    if (!cJSON_IsObject(obj))
        return osv_fail(c, "expected an object");
    if (!member || member->next)
        return osv_fail(c, "expected exactly one of introduced, fixed, last_affected, limit");
    for (k = 0; k < sizeof(event_kinds) / sizeof(event_kinds[0]); k++)
        if (member->string && strcmp(member->string, event_kinds[k].key) == 0)
            break;
    if (k == sizeof(event_kinds) / sizeof(event_kinds[0]))
        return osv_fail(c, "unknown event '%s'",
                        quote_value(q, sizeof(q), member->string ? member->string : ""));
    ev->kind = event_kinds[k].kind;
    saved = path_push_key(c, event_kinds[k].key);
    error = copy_string(c, member, &ev->value);
    path_pop(c, saved);
    return error;
}

static int parse_range(osv_ctx *c, const cJSON *obj, vt_osv_range *r)
{
    const cJSON *events, *item;
    vt_osv_event *evs;
    const char *type;
    char q[200];
    size_t n, i = 0, saved;
    int error;

    error = expect_object(c, obj);
    if (error < 0)
        return error;
    /* The type is read without copying: only the enum is kept. */
    item = cJSON_GetObjectItemCaseSensitive(obj, "type");
    saved = path_push_key(c, "type");
    if (!item)
        error = osv_fail(c, "missing");
    else if (!cJSON_IsString(item) || !item->valuestring)
        error = osv_fail(c, "expected a string");
    else if (strcmp((type = item->valuestring), "SEMVER") == 0)
        r->type = VT_OSV_RANGE_SEMVER;
    else if (strcmp(type, "ECOSYSTEM") == 0)
        r->type = VT_OSV_RANGE_ECOSYSTEM;
    else if (strcmp(type, "GIT") == 0)
        r->type = VT_OSV_RANGE_GIT;
    else
        error = osv_fail(c, "unknown range type '%s'", quote_value(q, sizeof(q), type));
    path_pop(c, saved);
    if (error < 0)
        return error;
    error = get_string(c, obj, "repo", false, &r->repo);
    if (error < 0)
        return error;
    error = get_array(c, obj, "events", &events, &n);
    if (error < 0)
        return error;
    if (n == 0) {
        saved = path_push_key(c, "events");
        error = osv_fail(c, events ? "no events" : "missing");
        path_pop(c, saved);
        return error;
    }
    evs = alloc_array(c, n, sizeof(*evs));
    if (!evs)
        return VT_ENOMEM;
    saved = path_push_key(c, "events");
    cJSON_ArrayForEach(item, events)
    {
        size_t saved_i = path_push_index(c, i);

        error = parse_event(c, item, &evs[i]);
        path_pop(c, saved_i);
        if (error < 0)
            break;
        i++;
    }
    path_pop(c, saved);
    if (error < 0)
        return error;
    r->events = evs;
    r->nevents = n;
    return get_json_text(c, obj, "database_specific", false, &r->database_specific_json);
}

static int parse_package(osv_ctx *c, const cJSON *aff, vt_osv_affected *a)
{
    const cJSON *pkg = cJSON_GetObjectItemCaseSensitive(aff, "package");
    size_t saved;
    int error;

    /* PSF's CPython records have no package: they match by repository only. */
    if (!pkg)
        return 0;
    saved = path_push_key(c, "package");
    error = expect_object(c, pkg);
    if (error == 0)
        error = get_string(c, pkg, "ecosystem", true, &a->ecosystem);
    if (error == 0)
        error = get_string(c, pkg, "name", true, &a->name);
    if (error == 0)
        error = get_string(c, pkg, "purl", false, &a->purl);
    path_pop(c, saved);
    return error;
}

static int parse_affected(osv_ctx *c, const cJSON *obj, vt_osv_affected *a)
{
    const cJSON *ranges, *item;
    vt_osv_range *rs;
    size_t n, i = 0, saved;
    int error;

    error = expect_object(c, obj);
    if (error == 0)
        error = parse_package(c, obj, a);
    if (error == 0)
        error = get_array(c, obj, "ranges", &ranges, &n);
    if (error < 0)
        return error;
    if (n > 0) {
        rs = alloc_array(c, n, sizeof(*rs));
        if (!rs)
            return VT_ENOMEM;
        saved = path_push_key(c, "ranges");
        cJSON_ArrayForEach(item, ranges)
        {
            size_t saved_i = path_push_index(c, i);

            error = parse_range(c, item, &rs[i]);
            path_pop(c, saved_i);
            if (error < 0)
                break;
            i++;
        }
        path_pop(c, saved);
        if (error < 0)
            return error;
        a->ranges = rs;
        a->nranges = n;
    }
    /* Versions are kept as written, valid in their ecosystem or not. */
    error = get_string_array(c, obj, "versions", &a->versions, &a->nversions);
    if (error == 0)
        error = get_json_text(c, obj, "ecosystem_specific", false,
                              &a->ecosystem_specific_json);
    if (error == 0)
        error = get_json_text(c, obj, "database_specific", false, &a->database_specific_json);
    if (error == 0)
        error = get_json_text(c, obj, "severity", true, &a->severity_json);
    return error;
}

/*
 * An array of objects under obj[key], each converted by `one` into the
 * element at `out + i * size`. Absent means empty.
 */
typedef int (*element_fn)(osv_ctx *c, const cJSON *item, void *elem);

static int get_object_array(osv_ctx *c, const cJSON *obj, const char *key, size_t size,
                            element_fn one, const void **out, size_t *count)
{
    const cJSON *arr, *item;
    unsigned char *elems;
    size_t n, i = 0, saved;
    int error;

    *out = NULL;
    *count = 0;
    error = get_array(c, obj, key, &arr, &n);
    if (error < 0 || n == 0)
        return error;
    elems = alloc_array(c, n, size);
    if (!elems)
        return VT_ENOMEM;
    saved = path_push_key(c, key);
    cJSON_ArrayForEach(item, arr)
    {
        size_t saved_i = path_push_index(c, i);

        error = expect_object(c, item);
        if (error == 0)
            error = one(c, item, elems + i * size);
        path_pop(c, saved_i);
        if (error < 0)
            break;
        i++;
    }
    path_pop(c, saved);
    if (error < 0)
        return error;
    *out = elems;
    *count = n;
    return 0;
}

static int one_affected(osv_ctx *c, const cJSON *item, void *elem)
{
    return parse_affected(c, item, elem);
}

static int one_severity(osv_ctx *c, const cJSON *item, void *elem)
{
    vt_osv_severity *s = elem;
    int error = get_string(c, item, "type", true, &s->type);

    return error < 0 ? error : get_string(c, item, "score", true, &s->score);
}

static int one_reference(osv_ctx *c, const cJSON *item, void *elem)
{
    vt_osv_reference *r = elem;
    int error = get_string(c, item, "type", true, &r->type);

    return error < 0 ? error : get_string(c, item, "url", true, &r->url);
}

static int one_credit(osv_ctx *c, const cJSON *item, void *elem)
{
    vt_osv_credit *cr = elem;
    int error = get_string(c, item, "name", true, &cr->name);

    if (error == 0)
        error = get_string(c, item, "type", false, &cr->type);
    if (error == 0)
        error = get_string_array(c, item, "contact", &cr->contact, &cr->ncontact);
    return error;
}

static int parse_record(osv_ctx *c, const cJSON *root, vt_advisory *a)
{
    const void *p;
    size_t saved;
    int error;

    if (!cJSON_IsObject(root))
        return osv_fail(c, "expected an object");
    error = get_string(c, root, "id", true, &a->id);
    if (error < 0)
        return error;
    if (!a->id[0]) {
        saved = path_push_key(c, "id");
        error = osv_fail(c, "empty");
        path_pop(c, saved);
        return error;
    }
    error = get_time(c, root, "modified", true, &a->modified, &a->modified_ms);
    if (error == 0)
        error = get_time(c, root, "published", false, &a->published, NULL);
    if (error == 0)
        error = get_time(c, root, "withdrawn", false, &a->withdrawn, NULL);
    if (error == 0)
        error = get_string(c, root, "schema_version", false, &a->schema_version);
    if (error == 0)
        error = get_string(c, root, "summary", false, &a->summary);
    if (error == 0)
        error = get_string(c, root, "details", false, &a->details);
    if (error == 0)
        error = get_string_array(c, root, "aliases", &a->aliases, &a->naliases);
    if (error == 0)
        error = get_string_array(c, root, "related", &a->related, &a->nrelated);
    if (error == 0)
        error = get_string_array(c, root, "upstream", &a->upstream, &a->nupstream);
    if (error == 0) {
        error = get_object_array(c, root, "severity", sizeof(vt_osv_severity), one_severity,
                                 &p, &a->nseverity);
        a->severity = p;
    }
    if (error == 0) {
        error = get_object_array(c, root, "affected", sizeof(vt_osv_affected), one_affected,
                                 &p, &a->naffected);
        a->affected = p;
    }
    if (error == 0) {
        error = get_object_array(c, root, "references", sizeof(vt_osv_reference),
                                 one_reference, &p, &a->nreferences);
        a->references = p;
    }
    if (error == 0) {
        error = get_object_array(c, root, "credits", sizeof(vt_osv_credit), one_credit, &p,
                                 &a->ncredits);
        a->credits = p;
    }
    if (error == 0)
        error = get_json_text(c, root, "database_specific", false, &a->database_specific_json);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Public entry points                                                       */
/* ------------------------------------------------------------------------ */

/* Bytes. One arena block usually holds a whole record's copies. */
#define OSV_BLOCK_MIN ((size_t)4096)
#define OSV_BLOCK_MAX ((size_t)1024 * 1024)

int vt_osv_parse(vt_advisory **out, const char *s, size_t len, vt_error *err)
{
    osv_ctx ctx;
    osv_doc *doc = NULL;
    cJSON *root = NULL;
    int error;

    *out = NULL;
    error = vt__json_parse_document(&root, s, len, err);
    if (error < 0)
        goto out;
    doc = vt_calloc(1, sizeof(*doc));
    if (!doc) {
        error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
        goto out;
    }
    /*
     * The copies are at most about as long as the text they come from, so a
     * block of the input's size (within bounds) makes one allocation the
     * common case.
     */
    doc->arena.block_size = len + 512 < OSV_BLOCK_MIN   ? OSV_BLOCK_MIN
                            : len + 512 > OSV_BLOCK_MAX ? OSV_BLOCK_MAX
                                                        : len + 512;
    ctx.arena = &doc->arena;
    ctx.err = err;
    ctx.depth = 0;
    error = parse_record(&ctx, root, &doc->adv);
    if (error == VT_ENOMEM)
        vt_error_set(err, VT_ENOMEM, 0, "out of memory");
    if (error < 0)
        goto out;
    *out = &doc->adv;
    doc = NULL;
out:
    vt_advisory_free(doc ? &doc->adv : NULL);
    cJSON_Delete(root);
    return error;
}

void vt_advisory_free(vt_advisory *a)
{
    osv_doc *doc = (osv_doc *)a;

    if (!doc)
        return;
    vt_arena_dispose(&doc->arena);
    vt_free(doc);
}
