/*
 * scan_common.c - small pieces the scan report writers share: timestamps,
 * document ids, grouping by advisory, and the parts of a VEX document that
 * CycloneDX VEX and OpenVEX write alike.
 */
#include <assert.h>
#include <sodium.h>
#include <time.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/scan.h"

int vt_scan_format_time(vt_buf *out, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (ms < 0)
        t = 0;
    if (!gmtime_r(&t, &tm))
        return vt_buf_puts(out, "1970-01-01T00:00:00Z");
    return vt_buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * A name-based id: BLAKE2b of the input, with the RFC 4122 variant bits and
 * version 4 set so that validators that insist on versions 1-5 (CycloneDX's
 * serialNumber pattern) accept it. The same report gives the same id, which
 * keeps outputs reproducible.
 */
/* The UUID text of a 16-byte hash, with the version and variant bits set. */
static int put_uuid(vt_buf *out, unsigned char h[16])
{
    static const char hex[] = "0123456789abcdef";
    size_t i;
    int error = 0;

    h[6] = (unsigned char)((h[6] & 0x0f) | 0x40);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    for (i = 0; error >= 0 && i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            error = vt_buf_putc(out, '-');
        if (error >= 0)
            error = vt_buf_putc(out, hex[h[i] >> 4]);
        if (error >= 0)
            error = vt_buf_putc(out, hex[h[i] & 15]);
    }
    return error;
}

int vt_scan_uuid(vt_buf *out, const char *s, size_t len)
{
    unsigned char h[16];

    crypto_generichash(h, sizeof(h), (const unsigned char *)s, len, NULL, 0);
    return put_uuid(out, h);
}

/* A finding's advisory id beside its index, so qsort needs no context. */
typedef struct keyed {
    const char *id;
    const vt_scan_analysis *analysis;
    size_t index;
} keyed;

/* The assessment pointer only separates groups; their order comes from
 * their first member (by_first_member), so the output stays deterministic. */
static int by_id_then_index(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    uintptr_t p = (uintptr_t)x->analysis, q = (uintptr_t)y->analysis;

    if (c)
        return c;
    if (p != q)
        return p < q ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int by_first_member(const void *a, const void *b)
{
    size_t x = ((const vt__scan_group *)a)->members[0];
    size_t y = ((const vt__scan_group *)b)->members[0];

    return x < y ? -1 : x > y;
}

int vt__scan_groups_init(vt__scan_groups *g, const vt_scan_report *r)
{
    return vt__scan_groups_init_assessed(g, r, NULL);
}

int vt__scan_groups_init_assessed(vt__scan_groups *g, const vt_scan_report *r,
                                  const vt_scan_analysis *const *analyses)
{
    keyed *keys;
    size_t i, start;

    g->index = NULL;
    g->groups = NULL;
    g->ngroups = 0;
    if (r->nfindings == 0)
        return 0;
    keys = vt_calloc(r->nfindings, sizeof(*keys));
    g->index = vt_calloc(r->nfindings, sizeof(*g->index));
    g->groups = vt_calloc(r->nfindings, sizeof(*g->groups));
    if (!keys || !g->index || !g->groups) {
        vt_free(keys);
        vt__scan_groups_dispose(g);
        return VT_ENOMEM;
    }
    for (i = 0; i < r->nfindings; i++) {
        keys[i].id = r->findings[i].id;
        keys[i].analysis = analyses ? analyses[i] : NULL;
        keys[i].index = i;
    }
    qsort(keys, r->nfindings, sizeof(*keys), by_id_then_index);
    for (i = 0; i < r->nfindings; i++)
        g->index[i] = keys[i].index;
    for (start = 0, i = 1; i <= r->nfindings; i++) {
        if (i < r->nfindings && strcmp(keys[i].id, keys[start].id) == 0 &&
            keys[i].analysis == keys[start].analysis)
            continue;
        g->groups[g->ngroups].members = g->index + start;
        g->groups[g->ngroups].n = i - start;
        g->groups[g->ngroups].analysis = keys[start].analysis;
        g->ngroups++;
        start = i;
    }
    vt_free(keys);
    qsort(g->groups, g->ngroups, sizeof(*g->groups), by_first_member);
    return 0;
}

void vt__scan_groups_dispose(vt__scan_groups *g)
{
    vt_free(g->index);
    vt_free(g->groups);
    g->index = NULL;
    g->groups = NULL;
    g->ngroups = 0;
}

const char *vt__scan_tool_version(const vt_scan_write_options *opts)
{
    return opts && opts->tool_version ? opts->tool_version : vt_version_string();
}

/* A string beside its position, for first_occurrence's sort. */
typedef struct keyed_str {
    const char *s;
    size_t index;
} keyed_str;

static int by_str_then_index(const void *a, const void *b)
{
    const keyed_str *x = a, *y = b;
    int c = strcmp(x->s, y->s);

    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

int vt__scan_first_occurrence(bool **out, const char *const *strs, size_t n)
{
    keyed_str *keys;
    bool *first;
    size_t i;

    *out = NULL;
    if (n == 0)
        return 0;
    keys = vt_calloc(n, sizeof(*keys));
    first = vt_calloc(n, sizeof(*first));
    if (!keys || !first) {
        vt_free(keys);
        vt_free(first);
        return VT_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        keys[i].s = strs[i];
        keys[i].index = i;
    }
    qsort(keys, n, sizeof(*keys), by_str_then_index);
    for (i = 0; i < n; i++)
        if (i == 0 || strcmp(keys[i].s, keys[i - 1].s) != 0)
            first[keys[i].index] = true;
    vt_free(keys);
    *out = first;
    return 0;
}

const char *vt__scan_component_ref(const vt_finding *f)
{
    return f->bom_ref && f->bom_ref[0] ? f->bom_ref : f->purl;
}

/*
 * The hash is fed one finding at a time: the seed text of a large report is
 * megabytes, and BLAKE2b gives the same digest whether its input comes whole
 * or in pieces, so ids do not change.
 */
int vt__scan_document_id(vt_buf *out, const vt_scan_report *r, const char *kind, int64_t now_ms)
{
    crypto_generichash_state st;
    unsigned char h[16];
    vt_buf piece = VT_BUF_INIT;
    size_t i;
    int error;

    crypto_generichash_init(&st, NULL, 0, sizeof(h));
    error = vt_buf_printf(&piece, "%s\n%lld\n", kind, (long long)now_ms);
    for (i = 0; error >= 0 && i <= r->nfindings; i++) {
        crypto_generichash_update(&st, (const unsigned char *)piece.ptr, piece.len);
        vt_buf_clear(&piece);
        if (i < r->nfindings)
            error = vt_buf_printf(&piece, "%s\n%s\n%s\n", r->findings[i].sbom_path,
                                  r->findings[i].purl, r->findings[i].id);
    }
    crypto_generichash_final(&st, h, sizeof(h));
    if (error >= 0)
        error = put_uuid(out, h);
    vt_buf_dispose(&piece);
    return error;
}

int vt__scan_document_urn(vt_buf *out, const vt_scan_report *r, const char *kind,
                          const vt_scan_write_options *opts)
{
    int error = vt_buf_puts(out, "urn:uuid:");

    if (error >= 0)
        error = vt__scan_document_id(out, r, kind, opts ? opts->now_ms : 0);
    return error;
}

int vt__scan_triage_note(vt_buf *out, const vt_scan_report *r, const vt__scan_group *g)
{
    size_t i;
    int error;

    error = vt_buf_puts(out, "Reported by vulntrack scan, not yet assessed:");
    for (i = 0; error >= 0 && i < g->n; i++) {
        const vt_finding *e = &r->findings[g->members[i]];

        error = vt_buf_printf(out, "%s %s@%s (%s)", i ? ";" : "", e->name ? e->name : e->purl,
                              e->version, e->matched_because);
    }
    return error;
}

int vt__scan_print_elements(vt_out *out, cJSON *holder, bool *first)
{
    cJSON *item;
    int error = 0;

    while (error >= 0 && (item = holder->child) != NULL) {
        if (!*first)
            error = vt_buf_putc(out->b, ',');
        *first = false;
        if (error >= 0)
            error = vt_json_print(out->b, item);
        cJSON_Delete(cJSON_DetachItemViaPointer(holder, item));
    }
    if (error >= 0)
        error = vt_out_step(out);
    return error;
}

int vt__scan_stream_group_array(vt_out *out, const char *key, const vt_scan_report *r,
                                const vt__scan_groups *g, vt__scan_group_fn one)
{
    cJSON *holder = cJSON_CreateArray();
    bool first = true;
    size_t i;
    int error = holder ? 0 : VT_ENOMEM;

    if (error >= 0)
        error = vt__scan_open_array(out, key);
    for (i = 0; error >= 0 && i < g->ngroups; i++) {
        error = one(holder, r, &g->groups[i]);
        if (error >= 0)
            error = vt__scan_print_elements(out, holder, &first);
    }
    if (error >= 0)
        error = vt_buf_putc(out->b, ']');
    cJSON_Delete(holder);
    return error;
}

int vt__scan_add_component_array(cJSON *obj, const char *key, const vt_scan_report *r,
                                 const vt__scan_group *g, vt__scan_ref_fn ref_of,
                                 vt__scan_component_fn entry)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i, k;
    int error = arr ? 0 : VT_ENOMEM;

    for (i = 0; error >= 0 && i < g->n; i++) {
        const vt_finding *f = &r->findings[g->members[i]];
        const char *ref = ref_of(f);
        bool seen = false;

        /* Groups are small (the findings of one advisory): a linear look back will do. */
        for (k = 0; !seen && k < i; k++)
            seen = strcmp(ref_of(&r->findings[g->members[k]]), ref) == 0;
        if (!seen)
            error = entry(arr, f, ref);
    }
    if (error < 0) {
        cJSON_Delete(arr);
        return error;
    }
    return vt_json_add_take(obj, key, arr);
}

int vt__scan_open_object(vt_out *out, const cJSON *head)
{
    size_t start = out->b->len;
    int error = vt_json_print(out->b, head);

    (void)start; /* only the assertion reads it */
    /* The members that follow continue the object: drop its closing brace. */
    if (error >= 0) {
        assert(out->b->len > start + 2 && out->b->ptr[out->b->len - 1] == '}');
        out->b->ptr[--out->b->len] = '\0';
    }
    return error;
}

int vt__scan_open_array(vt_out *out, const char *key)
{
    int error = vt_buf_puts(out->b, ",\"");

    if (error >= 0)
        error = vt_buf_puts(out->b, key);
    if (error >= 0)
        error = vt_buf_puts(out->b, "\":[");
    return error;
}

int vt__scan_close_document(vt_out *out, const char *closing)
{
    int error = vt_buf_puts(out->b, closing);

    if (error >= 0)
        error = vt_buf_putc(out->b, '\n');
    if (error >= 0)
        error = vt_out_flush(out);
    return error;
}
