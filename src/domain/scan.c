/*
 * scan.c - check every component of an SBOM against the advisory store.
 *
 * The work per component is kept small because SBOMs have tens of thousands
 * of components that share far fewer packages: the store is asked once per
 * distinct (ecosystem, name) for references only, each advisory text is
 * read and parsed once per scan (an AlmaLinux advisory names dozens of
 * binary packages, so the same advisory comes back for many lookups), and
 * the per-advisory facts (CVSS scores, grade, KEV entry) are computed once
 * with it. Only matching is per component.
 *
 * Memory: the full parse is dropped at once for a compact copy holding what
 * findings print and the affected entries of this scan's packages (all
 * components are announced before the first lookup); each package keeps,
 * per advisory, the run of entries naming it, which is all the matcher
 * reads. A later SBOM with new packages makes cached advisories be compacted
 * again from their text, so a multi-SBOM scan gives the same findings as
 * separate ones.
 */
#include <stdlib.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/arena.h"
#include "vulntrack/cvss.h"
#include "vulntrack/json.h"
#include "vulntrack/match.h"
#include "vulntrack/osv.h"
#include "vulntrack/purl.h"
#include "vulntrack/scan.h"
#include "vulntrack/strparse.h"
#include "osv_names.h"

/* ------------------------------------------------------------------------ */
/* Caches                                                                   */

/* An advisory read from the store, parsed, with what every finding needs. */
typedef struct adv_entry {
    uint64_t hash;
    int64_t ref;         /* the store's reference, the cache key */
    vt_advisory *adv;    /* the compact copy; NULL when the stored text no longer parses */
    uint64_t *name_hash; /* per affected entry: name_hash() of its name, 0 without one */
    size_t gen;          /* the scan's want_gen when `adv` was compacted */
    vt_scan_cvss *cvss;
    size_t ncvss;
    int best_score10;
    vt_grade grade;
    const vt_scan_kev *kev;
} adv_entry;

/*
 * One advisory of a package, with its affected entries for that package
 * alone: the matcher skips entries of other packages anyway, and an
 * AlmaLinux advisory has one per binary package, so without this every
 * component would walk dozens of entries per advisory.
 */
typedef struct pkg_adv {
    adv_entry *e;
    const vt_osv_affected *affected; /* into e->adv's entries, or a copy */
    size_t naffected;
} pkg_adv;

/* The advisories of one (ecosystem base, normalised name). */
typedef struct pkg_entry {
    uint64_t hash;
    const char *key; /* "ecosystem\0name", key_len bytes */
    size_t key_len;
    pkg_adv *advs;
    size_t nadvs;
    bool looked_up; /* false while only announced by announce_components */
} pkg_entry;

/* Open addressing, linear probing; `slots` is a power of two or 0. */
typedef struct table {
    void **slots;
    size_t nslots, used;
} table;

/* A slot of the string intern table; p == NULL when free. */
typedef struct istr {
    uint64_t h;
    const char *p;
} istr;

struct vt_scan {
    vt_store *store;
    vt_arena arena; /* every string and array of the report and the caches */
    table pkgs;     /* pkg_entry * */
    table advs;     /* adv_entry * */
    adv_entry **adv_list; /* every adv_entry, to free the advisories */
    size_t nadv_list, adv_list_cap;
    vt_scan_sbom *sboms;
    size_t nsboms, sboms_cap;
    vt_finding *findings;
    size_t nfindings, findings_cap;
    vt_scan_unidentified *unid;
    size_t nunid, unid_cap;
    size_t lookups;
    /* Bumped whenever a package joins `pkgs`: advisories compacted before
     * kept only the entries of the packages known then, and are compacted
     * again from their text when met with an older generation. */
    size_t want_gen;
    vt_buf want_key; /* scratch for entry_wanted */
    bool *keep;      /* scratch for compact_advisory */
    size_t keep_cap;
    istr *strs;      /* interned strings of compact copies and findings, see intern */
    size_t strs_slots, strs_used;
    vt_scan_report report;
};

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    return h ^ (h >> 33);
}

/*
 * A hash of a package name under PEP 503 folding (ASCII case, runs of '-',
 * '_' and '.' as one '-'). Names equal as written or under PEP 503 get the
 * same hash whatever the ecosystem, so it is a safe first test before
 * vt__osv_name_eq; a distribution advisory names dozens of binary packages,
 * and every package looked up would otherwise compare them all.
 */
static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    unsigned char c;

    while (*s) {
        c = (unsigned char)*s;
        if (c == '-' || c == '_' || c == '.') {
            while (*s == '-' || *s == '_' || *s == '.')
                s++;
            c = '-';
        } else {
            s++;
            c = (unsigned char)vt_to_lower(c);
        }
        h ^= c;
        h *= 1099511628211u;
    }
    return h | 1; /* never 0, which marks an entry without a name */
}

/* Grow an array of `size`-byte items to hold one more. Returns 0 or VT_ENOMEM. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    size_t ncap;
    void *p;

    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 16;
    if (ncap > SIZE_MAX / size)
        return VT_ENOMEM;
    p = vt_realloc(*arr, ncap * size);
    if (!p)
        return VT_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

/* Double the table (or create it) when it is more than half full. */
static int table_reserve(table *t, uint64_t (*hash_of)(const void *))
{
    void **slots;
    size_t n, i, j;

    if (t->nslots && (t->used + 1) * 2 <= t->nslots)
        return 0;
    n = t->nslots ? t->nslots * 2 : 256;
    slots = vt_calloc(n, sizeof(*slots));
    if (!slots)
        return VT_ENOMEM;
    for (i = 0; i < t->nslots; i++) {
        if (!t->slots[i])
            continue;
        j = (size_t)hash_of(t->slots[i]) & (n - 1);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = t->slots[i];
    }
    vt_free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return 0;
}

static uint64_t pkg_hash_of(const void *p) { return ((const pkg_entry *)p)->hash; }
static uint64_t adv_hash_of(const void *p) { return ((const adv_entry *)p)->hash; }

/* ------------------------------------------------------------------------ */
/* Per-advisory facts                                                       */

/* Add one severity entry if it is a CVSS vector that parses and is new. */
static int add_cvss(adv_entry *e, size_t *cap, const char *type, const char *score)
{
    vt_cvss *c = NULL;
    size_t i;
    int error;

    if (!type || !score || strncmp(type, "CVSS_", 5) != 0)
        return 0;
    for (i = 0; i < e->ncvss; i++)
        if (strcmp(e->cvss[i].vector, score) == 0)
            return 0;
    /* A vector the parser refuses is left out: the finding then shows the
     * other vectors, or no grade, rather than a guess. */
    if (vt_cvss_parse(&c, score, strlen(score), NULL) < 0)
        return 0;
    error = grow((void **)&e->cvss, cap, e->ncvss, sizeof(*e->cvss));
    if (error < 0)
        goto out;
    e->cvss[e->ncvss].vector = score;
    e->cvss[e->ncvss].score10 = vt_cvss_score10(c, VT_CVSS_SCORE_BASE);
    e->cvss[e->ncvss].base_score = e->cvss[e->ncvss].score10 / 10.0;
    e->cvss[e->ncvss].version = vt_cvss_version(c);
    e->ncvss++;
out:
    vt_cvss_free(c);
    return error;
}

/*
 * affected[].severity is kept as JSON text by the OSV reader; its strings are
 * copied into the scan's arena so the CVSS list can point at them.
 */
static int add_affected_cvss(vt_scan *s, adv_entry *e, size_t *cap, const char *json)
{
    cJSON *arr = NULL, *it;
    int error;

    if (vt_json_parse(&arr, json, strlen(json), NULL) < 0)
        return 0; /* The reader wrote it; anything else is not worth failing on. */
    error = 0;
    cJSON_ArrayForEach(it, arr)
    {
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "type"));
        const char *score = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "score"));
        char *copy;

        if (!type || !score || strncmp(type, "CVSS_", 5) != 0)
            continue;
        copy = vt_arena_strdup(&s->arena, score);
        if (!copy) {
            error = VT_ENOMEM;
            break;
        }
        error = add_cvss(e, cap, type, copy);
        if (error < 0)
            break;
    }
    cJSON_Delete(arr);
    return error;
}

typedef struct kev_ctx {
    vt_scan *s;
    vt_scan_kev *kev;
    int error;
} kev_ctx;

static char *arena_dup_or_null(vt_arena *a, const char *s)
{
    return s ? vt_arena_strdup(a, s) : NULL;
}

static void kev_found(void *ctx, const vt_kev_entry *k)
{
    kev_ctx *c = ctx;
    vt_scan_kev *out = vt_arena_alloc(&c->s->arena, sizeof(*out));

    if (!out) {
        c->error = VT_ENOMEM;
        return;
    }
    out->cve = arena_dup_or_null(&c->s->arena, k->cve);
    out->date_added = arena_dup_or_null(&c->s->arena, k->date_added);
    out->due_date = arena_dup_or_null(&c->s->arena, k->due_date);
    out->ransomware = arena_dup_or_null(&c->s->arena, k->ransomware);
    out->name = arena_dup_or_null(&c->s->arena, k->name);
    if ((k->cve && !out->cve) || (k->date_added && !out->date_added) ||
        (k->due_date && !out->due_date) || (k->ransomware && !out->ransomware) ||
        (k->name && !out->name)) {
        c->error = VT_ENOMEM;
        return;
    }
    c->kev = out;
}

/* The KEV entry of the advisory id or, failing that, its first listed alias in the catalogue. */
static int find_kev(vt_scan *s, adv_entry *e, const vt_advisory *adv, vt_error *err)
{
    kev_ctx ctx = {s, NULL, 0};
    size_t i;
    bool found = false;
    int error;

    for (i = 0; i <= adv->naliases; i++) {
        const char *id = i == 0 ? adv->id : adv->aliases[i - 1];

        /* Only CVE ids are in the catalogue; skip the rest without a query. */
        if (strncmp(id, "CVE-", 4) != 0)
            continue;
        error = vt_store_get_kev(s->store, id, &found, kev_found, &ctx, err);
        if (error < 0)
            return error;
        if (ctx.error < 0)
            return ctx.error;
        if (found && ctx.kev) {
            e->kev = ctx.kev;
            return 0;
        }
    }
    return 0;
}

/* An arena copy of `src` (NULL stays NULL) in *out. Returns 0 or VT_ENOMEM. */
static int dup_str(vt_arena *a, const char **out, const char *src)
{
    *out = NULL;
    if (!src)
        return 0;
    *out = vt_arena_strdup(a, src);
    return *out ? 0 : VT_ENOMEM;
}

/*
 * One shared arena copy of `src` per distinct string (NULL stays NULL) in
 * *out. The affected entries of a scan's advisories hold a few hundred
 * thousand strings but only some tens of thousands distinct ones (the same
 * ecosystems, package names, "0" and version lists again and again), and
 * each arena copy costs at least 16 bytes. Returns 0 or VT_ENOMEM.
 */
static int intern(vt_scan *s, const char **out, const char *src)
{
    size_t len, j, n, i;
    uint64_t h;
    istr *slots;

    *out = NULL;
    if (!src)
        return 0;
    len = strlen(src);
    h = fnv1a(src, len);
    if (s->strs_slots) {
        for (j = (size_t)h & (s->strs_slots - 1); s->strs[j].p; j = (j + 1) & (s->strs_slots - 1)) {
            if (s->strs[j].h == h && strcmp(s->strs[j].p, src) == 0) {
                *out = s->strs[j].p;
                return 0;
            }
        }
    }
    if (!s->strs_slots || (s->strs_used + 1) * 2 > s->strs_slots) {
        n = s->strs_slots ? s->strs_slots * 2 : 1024;
        slots = vt_calloc(n, sizeof(*slots));
        if (!slots)
            return VT_ENOMEM;
        for (i = 0; i < s->strs_slots; i++) {
            if (!s->strs[i].p)
                continue;
            for (j = (size_t)s->strs[i].h & (n - 1); slots[j].p; j = (j + 1) & (n - 1))
                ;
            slots[j] = s->strs[i];
        }
        vt_free(s->strs);
        s->strs = slots;
        s->strs_slots = n;
    }
    *out = vt_arena_strndup(&s->arena, src, len);
    if (!*out)
        return VT_ENOMEM;
    for (j = (size_t)h & (s->strs_slots - 1); s->strs[j].p; j = (j + 1) & (s->strs_slots - 1))
        ;
    s->strs[j].h = h;
    s->strs[j].p = *out;
    s->strs_used++;
    return 0;
}

/*
 * An arena copy of what the matcher reads of an affected entry: package
 * ecosystem and name, ranges with their events, and versions, the strings
 * interned. The JSON blobs, purl and repository are left out.
 */
static int copy_affected(vt_scan *s, vt_osv_affected *dst, const vt_osv_affected *src)
{
    vt_arena *ar = &s->arena;
    vt_osv_range *ranges = NULL;
    const char **versions = NULL;
    size_t i, j;
    int error = 0;

    memset(dst, 0, sizeof(*dst));
    error = intern(s, &dst->ecosystem, src->ecosystem);
    if (error >= 0)
        error = intern(s, &dst->name, src->name);
    if (error < 0)
        return error;
    if (src->nranges) {
        ranges = vt_arena_alloc(ar, src->nranges * sizeof(*ranges));
        if (!ranges)
            return VT_ENOMEM;
    }
    for (i = 0; i < src->nranges; i++) {
        const vt_osv_range *r = &src->ranges[i];
        vt_osv_event *events = NULL;

        ranges[i].type = r->type;
        if (r->nevents) {
            events = vt_arena_alloc(ar, r->nevents * sizeof(*events));
            if (!events)
                return VT_ENOMEM;
        }
        for (j = 0; j < r->nevents; j++) {
            events[j].kind = r->events[j].kind;
            error = intern(s, &events[j].value, r->events[j].value);
            if (error < 0)
                return error;
        }
        ranges[i].events = events;
        ranges[i].nevents = r->nevents;
    }
    dst->ranges = ranges;
    dst->nranges = src->nranges;
    if (src->nversions) {
        versions = vt_arena_alloc(ar, src->nversions * sizeof(*versions));
        if (!versions)
            return VT_ENOMEM;
    }
    for (i = 0; i < src->nversions; i++) {
        error = intern(s, &versions[i], src->versions[i]);
        if (error < 0)
            return error;
    }
    dst->versions = versions;
    dst->nversions = src->nversions;
    return 0;
}

/*
 * The lookup key of a package: the ecosystem without its release, '\0', then
 * the name normalised as the store indexes it.
 */
static int package_key(vt_buf *key, const char *ecosystem, const char *name)
{
    const char *colon = strchr(ecosystem, ':');
    int error;

    vt_buf_clear(key);
    error = vt_buf_put(key, ecosystem, colon ? (size_t)(colon - ecosystem) : strlen(ecosystem));
    if (error >= 0)
        error = vt_buf_putc(key, '\0');
    if (error >= 0)
        error = vt_osv_normalize_name(key, ecosystem, name);
    return error;
}

static pkg_entry *pkg_find(vt_scan *s, const char *key, size_t key_len, uint64_t h)
{
    pkg_entry *p;
    size_t j;

    if (!s->pkgs.nslots)
        return NULL;
    for (j = (size_t)h & (s->pkgs.nslots - 1); s->pkgs.slots[j];
         j = (j + 1) & (s->pkgs.nslots - 1)) {
        p = s->pkgs.slots[j];
        if (p->hash == h && p->key_len == key_len && memcmp(p->key, key, key_len) == 0)
            return p;
    }
    return NULL;
}

/*
 * Whether an affected entry can matter to a package of this scan. The
 * matcher only reads entries whose ecosystem has the query's base and whose
 * name equals the package's under that ecosystem's rule, which is exactly
 * the package key built from the entry; any other entry can be dropped
 * without changing a result. Sets *out; returns 0 or VT_ENOMEM.
 */
static int entry_wanted(vt_scan *s, bool *out, const vt_osv_affected *a)
{
    int error;

    *out = false;
    if (!a->name || !a->ecosystem)
        return 0;
    error = package_key(&s->want_key, a->ecosystem, a->name);
    if (error < 0)
        return error;
    *out = pkg_find(s, s->want_key.ptr, s->want_key.len, fnv1a(s->want_key.ptr, s->want_key.len)) !=
           NULL;
    return 0;
}

/*
 * The part of a parsed advisory a scan keeps, in the scan's arena: what
 * findings print (id, aliases, summary) and what the matcher reads
 * (withdrawn, affected entries). The full model, with details, references
 * and JSON blobs, is freed right after: a scan of a large SBOM touches most
 * of the database, and keeping every parse was most of its memory.
 */
static int compact_advisory(vt_scan *s, vt_advisory **out, const vt_advisory *full)
{
    vt_arena *ar = &s->arena;
    vt_advisory *c = vt_arena_alloc(ar, sizeof(*c));
    vt_osv_affected *aff = NULL;
    const char **aliases = NULL;
    size_t i, n = 0;
    int error;

    *out = NULL;
    if (!c)
        return VT_ENOMEM;
    error = dup_str(ar, &c->id, full->id);
    if (error >= 0)
        error = dup_str(ar, &c->summary, full->summary);
    if (error >= 0)
        error = dup_str(ar, &c->withdrawn, full->withdrawn);
    if (error < 0)
        return error;
    c->modified_ms = full->modified_ms;
    if (full->naliases) {
        aliases = vt_arena_alloc(ar, full->naliases * sizeof(*aliases));
        if (!aliases)
            return VT_ENOMEM;
    }
    for (i = 0; i < full->naliases; i++) {
        error = dup_str(ar, &aliases[i], full->aliases[i]);
        if (error < 0)
            return error;
    }
    c->aliases = aliases;
    c->naliases = full->naliases;
    /* Only the entries of packages this scan has: a distribution advisory
     * names dozens of binary packages, an SBOM usually a few of them. The
     * verdicts go in a scratch array first, so that only kept entries take
     * room in the arena. */
    if (full->naffected > s->keep_cap) {
        bool *keep = vt_realloc(s->keep, full->naffected * sizeof(*keep));

        if (!keep)
            return VT_ENOMEM;
        s->keep = keep;
        s->keep_cap = full->naffected;
    }
    for (i = 0; i < full->naffected; i++) {
        error = entry_wanted(s, &s->keep[i], &full->affected[i]);
        if (error < 0)
            return error;
        n += s->keep[i];
    }
    if (n) {
        aff = vt_arena_alloc(ar, n * sizeof(*aff));
        if (!aff)
            return VT_ENOMEM;
    }
    n = 0;
    for (i = 0; i < full->naffected; i++) {
        if (!s->keep[i])
            continue;
        error = copy_affected(s, &aff[n], &full->affected[i]);
        if (error < 0)
            return error;
        n++;
    }
    c->affected = aff;
    c->naffected = n;
    *out = c;
    return 0;
}

/* Parse the advisory and compute its CVSS list, grade and KEV entry. */
static int adv_entry_fill(vt_scan *s, adv_entry *e, const char *raw, size_t len, vt_error *err)
{
    vt_advisory *full = NULL;
    size_t i, cap = 0;
    int error;

    /* The store only holds records that parsed when imported; one that
     * does not parse now (a newer reader is stricter) is left out rather
     * than failing the scan. VT_ENOMEM still fails it. */
    error = vt_osv_parse(&full, raw, len, NULL);
    if (error == VT_ENOMEM)
        return error;
    if (error < 0) {
        e->adv = NULL;
        return 0;
    }
    /* Met again after new packages joined: only the compact copy is redone. */
    if (e->adv)
        goto compact;
    for (i = 0; i < full->nseverity; i++) {
        const char *score = full->severity[i].score;
        const char *copy = NULL;

        /* The vector outlives the parse: it is copied, if it is one. */
        if (full->severity[i].type && score && strncmp(full->severity[i].type, "CVSS_", 5) == 0) {
            copy = vt_arena_strdup(&s->arena, score);
            if (!copy) {
                error = VT_ENOMEM;
                goto out;
            }
        }
        error = add_cvss(e, &cap, full->severity[i].type, copy);
        if (error < 0)
            goto out;
    }
    for (i = 0; i < full->naffected; i++) {
        if (!full->affected[i].severity_json)
            continue;
        error = add_affected_cvss(s, e, &cap, full->affected[i].severity_json);
        if (error < 0)
            goto out;
    }
    e->best_score10 = -1;
    for (i = 0; i < e->ncvss; i++)
        if (e->cvss[i].score10 > e->best_score10)
            e->best_score10 = e->cvss[i].score10;
    memset(&e->grade, 0, sizeof(e->grade));
    if (e->best_score10 >= 0)
        vt_grade_from_cvss_score(&e->grade, e->best_score10 / 10.0);
    else
        e->grade.note = "no CVSS vector in the advisory";
    error = find_kev(s, e, full, err);
    if (error < 0)
        goto out;
compact:
    error = compact_advisory(s, &e->adv, full);
    if (error < 0)
        goto out;
    e->gen = s->want_gen;
    e->name_hash = NULL;
    if (e->adv->naffected) {
        e->name_hash = vt_arena_alloc(&s->arena, e->adv->naffected * sizeof(*e->name_hash));
        if (!e->name_hash) {
            error = VT_ENOMEM;
            goto out;
        }
    }
    for (i = 0; i < e->adv->naffected; i++)
        e->name_hash[i] = e->adv->affected[i].name ? name_hash(e->adv->affected[i].name) : 0;
out:
    vt_advisory_free(full);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Lookup                                                                   */

typedef struct fill_ctx {
    vt_scan *s;
    adv_entry *e;
    vt_error *err;
} fill_ctx;

/* Called by the store with the text of an advisory not seen before. */
static int fill_each(void *ctx, const char *raw, size_t len)
{
    fill_ctx *c = ctx;

    return adv_entry_fill(c->s, c->e, raw, len, c->err);
}

/*
 * The cache entry of advisory `ref`, read and parsed on first sight: the
 * same advisory comes back for every binary package of a distribution
 * advisory, and its text is read and parsed once per scan.
 */
static int advisory_get(adv_entry **out, vt_scan *s, int64_t ref, vt_error *err)
{
    uint64_t h = mix64((uint64_t)ref);
    fill_ctx fc;
    adv_entry *e;
    bool found = false;
    size_t j;
    int error;

    *out = NULL;
    if (s->advs.nslots) {
        for (j = (size_t)h & (s->advs.nslots - 1); s->advs.slots[j];
             j = (j + 1) & (s->advs.nslots - 1)) {
            e = s->advs.slots[j];
            if (e->ref != ref)
                continue;
            if (e->adv && e->gen != s->want_gen) {
                fc.s = s;
                fc.e = e;
                fc.err = err;
                error = vt_store_read_advisory(s->store, ref, &found, fill_each, &fc, err);
                if (error < 0)
                    return error;
            }
            *out = e;
            return 0;
        }
    }
    error = table_reserve(&s->advs, adv_hash_of);
    if (error < 0)
        return error;
    error = grow((void **)&s->adv_list, &s->adv_list_cap, s->nadv_list, sizeof(*s->adv_list));
    if (error < 0)
        return error;
    e = vt_arena_alloc(&s->arena, sizeof(*e));
    if (!e)
        return VT_ENOMEM;
    memset(e, 0, sizeof(*e));
    e->hash = h;
    e->ref = ref;
    e->best_score10 = -1;
    /* Registered before filling, so vt_scan_free frees a half-filled entry. */
    s->adv_list[s->nadv_list++] = e;
    for (j = (size_t)h & (s->advs.nslots - 1); s->advs.slots[j];
         j = (j + 1) & (s->advs.nslots - 1))
        ;
    s->advs.slots[j] = e;
    s->advs.used++;
    fc.s = s;
    fc.e = e;
    fc.err = err;
    error = vt_store_read_advisory(s->store, ref, &found, fill_each, &fc, err);
    if (error < 0)
        return error;
    *out = e;
    return 0;
}

/* The references of one package's advisories, in the store's (id) order. */
typedef struct refs_ctx {
    int64_t *refs;
    size_t n, cap;
} refs_ctx;

static int refs_each(void *ctx, int64_t ref)
{
    refs_ctx *c = ctx;
    int error = grow((void **)&c->refs, &c->cap, c->n, sizeof(*c->refs));

    if (error < 0)
        return error;
    c->refs[c->n++] = ref;
    return 0;
}

/*
 * The entries of e's advisory that name package `name` (as the matcher
 * compares names in `ecosystem_base`), in their order: a run of the
 * advisory's own array when they are adjacent, else an arena copy.
 */
static bool pkg_adv_names(const adv_entry *e, size_t i, const char *ecosystem_base,
                          const char *name, uint64_t h)
{
    return e->name_hash[i] == h && vt__osv_name_eq(ecosystem_base, e->adv->affected[i].name, name);
}

static int pkg_adv_init(pkg_adv *out, vt_scan *s, adv_entry *e, const char *ecosystem_base,
                        const char *name, uint64_t h)
{
    const vt_advisory *a = e->adv;
    vt_osv_affected *copy;
    size_t i, first = 0, last = 0, n = 0;

    out->e = e;
    out->affected = NULL;
    out->naffected = 0;
    for (i = 0; i < a->naffected; i++) {
        if (!pkg_adv_names(e, i, ecosystem_base, name, h))
            continue;
        if (n == 0)
            first = i;
        last = i;
        n++;
    }
    if (n == 0)
        return 0;
    if (last - first + 1 == n) {
        out->affected = a->affected + first;
        out->naffected = n;
        return 0;
    }
    copy = vt_arena_alloc(&s->arena, n * sizeof(*copy));
    if (!copy)
        return VT_ENOMEM;
    out->affected = copy;
    for (i = first; i <= last; i++)
        if (pkg_adv_names(e, i, ecosystem_base, name, h))
            copy[out->naffected++] = a->affected[i];
    return 0;
}

/*
 * The package entry of `key`, added (not yet looked up) if new. A new
 * package starts a new generation: advisories compacted before it may lack
 * its entries.
 */
static int pkg_add(pkg_entry **out, vt_scan *s, const char *key, size_t key_len, uint64_t h)
{
    pkg_entry *p = pkg_find(s, key, key_len, h);
    size_t j;
    int error;

    *out = p;
    if (p)
        return 0;
    error = table_reserve(&s->pkgs, pkg_hash_of);
    if (error < 0)
        return error;
    p = vt_arena_alloc(&s->arena, sizeof(*p));
    if (!p)
        return VT_ENOMEM;
    p->hash = h;
    p->key_len = key_len;
    p->key = vt_arena_strndup(&s->arena, key, key_len);
    if (!p->key)
        return VT_ENOMEM;
    for (j = (size_t)h & (s->pkgs.nslots - 1); s->pkgs.slots[j]; j = (j + 1) & (s->pkgs.nslots - 1))
        ;
    s->pkgs.slots[j] = p;
    s->pkgs.used++;
    s->want_gen++;
    *out = p;
    return 0;
}

/*
 * The advisories for `key` ("ecosystem base\0name"), from the cache or the
 * store. The package's advisory array lives in vt_malloc memory owned by the
 * entry (freed in vt_scan_free).
 */
static int lookup_package(pkg_entry **out, vt_scan *s, const char *key, size_t key_len,
                          vt_error *err)
{
    uint64_t h = fnv1a(key, key_len);
    refs_ctx rc = {NULL, 0, 0};
    const char *name = key + strlen(key) + 1;
    uint64_t nh = name_hash(name);
    pkg_entry *p;
    size_t i;
    int error;

    *out = NULL;
    error = pkg_add(&p, s, key, key_len, h);
    if (error < 0)
        return error;
    if (p->looked_up) {
        *out = p;
        return 0;
    }
    p->looked_up = true;
    s->lookups++;
    /* The references are collected first: the texts are read by another
     * statement, and only for advisories this scan has not parsed yet. */
    error = vt_store_find_advisory_refs(s->store, key, name, refs_each, &rc, err);
    if (error < 0)
        goto out;
    if (rc.n) {
        p->advs = vt_malloc(rc.n * sizeof(*p->advs));
        if (!p->advs) {
            error = VT_ENOMEM;
            goto out;
        }
    }
    for (i = 0; i < rc.n; i++) {
        adv_entry *e;

        error = advisory_get(&e, s, rc.refs[i], err);
        if (error < 0)
            goto out;
        if (!e->adv)
            continue;
        error = pkg_adv_init(&p->advs[p->nadvs], s, e, key, name, nh);
        if (error < 0)
            goto out;
        p->nadvs++;
    }
    *out = p;
out:
    vt_free(rc.refs);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Scanning                                                                 */

int vt_scan_new(vt_scan **out, vt_store *store)
{
    vt_scan *s;

    *out = NULL;
    s = vt_calloc(1, sizeof(*s));
    if (!s)
        return VT_ENOMEM;
    s->store = store;
    s->arena.block_size = 64 * 1024;
    vt_buf_init(&s->want_key, 0);
    *out = s;
    return 0;
}

void vt_scan_free(vt_scan *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->nadv_list; i++) {
        vt_free(s->adv_list[i]->cvss);
    }
    for (i = 0; i < s->pkgs.nslots; i++)
        if (s->pkgs.slots[i])
            vt_free(((pkg_entry *)s->pkgs.slots[i])->advs);
    vt_free(s->adv_list);
    vt_free(s->pkgs.slots);
    vt_free(s->advs.slots);
    vt_free(s->sboms);
    vt_free(s->findings);
    vt_free(s->unid);
    vt_buf_dispose(&s->want_key);
    vt_free(s->keep);
    vt_free(s->strs);
    vt_arena_dispose(&s->arena);
    vt_free(s);
}

static int add_sbom_entry(vt_scan *s, vt_scan_sbom **out, const char *path)
{
    vt_scan_sbom *e;
    int error;

    error = grow((void **)&s->sboms, &s->sboms_cap, s->nsboms, sizeof(*s->sboms));
    if (error < 0)
        return error;
    e = &s->sboms[s->nsboms];
    memset(e, 0, sizeof(*e));
    e->path = vt_arena_strdup(&s->arena, path);
    if (!e->path)
        return VT_ENOMEM;
    s->nsboms++;
    *out = e;
    return 0;
}

int vt_scan_add_failed(vt_scan *s, const char *path, const char *message)
{
    vt_scan_sbom *e;
    int error;

    error = add_sbom_entry(s, &e, path);
    if (error < 0)
        return error;
    e->error = vt_arena_strdup(&s->arena, message ? message : "could not be read");
    return e->error ? 0 : VT_ENOMEM;
}

/* Record an unidentified component; `reason` is copied. */
static int add_unidentified(vt_scan *s, size_t sbom_index, const vt_sbom_component *c,
                            const char *reason)
{
    vt_scan_unidentified *u;
    int error;

    /* The subject of a CycloneDX BOM (metadata.component) is the product
     * itself, not an upstream component: it is scanned when it has a purl
     * and otherwise left out of the unidentified list. */
    if (c->is_metadata)
        return 0;
    error = grow((void **)&s->unid, &s->unid_cap, s->nunid, sizeof(*s->unid));
    if (error < 0)
        return error;
    u = &s->unid[s->nunid];
    u->sbom_index = sbom_index;
    u->sbom_path = s->sboms[sbom_index].path;
    u->name = arena_dup_or_null(&s->arena, c->name);
    u->version = arena_dup_or_null(&s->arena, c->version);
    u->bom_ref = arena_dup_or_null(&s->arena, c->bom_ref);
    u->reason = vt_arena_strdup(&s->arena, reason);
    if ((c->name && !u->name) || (c->version && !u->version) || (c->bom_ref && !u->bom_ref) ||
        !u->reason)
        return VT_ENOMEM;
    s->nunid++;
    s->sboms[sbom_index].unidentified++;
    return 0;
}

/* The component's strings, copied into the arena once for all its findings. */
typedef struct comp_copy {
    const char *name, *version, *purl, *ecosystem, *bom_ref;
} comp_copy;

static int add_finding(vt_scan *s, size_t sbom_index, size_t comp_index, comp_copy *cc,
                       const vt_sbom_component *c, const char *version, const char *ecosystem,
                       const adv_entry *e, const vt_match_result *m)
{
    vt_finding *f;
    const char **fixed = NULL;
    size_t i;
    int error;

    /* The component's strings are copied on its first finding only. */
    if (!cc->purl) {
        cc->name = arena_dup_or_null(&s->arena, c->name);
        cc->version = vt_arena_strdup(&s->arena, version);
        cc->purl = vt_arena_strdup(&s->arena, c->purl);
        cc->ecosystem = vt_arena_strdup(&s->arena, ecosystem);
        cc->bom_ref = arena_dup_or_null(&s->arena, c->bom_ref);
        if ((c->name && !cc->name) || !cc->version || !cc->purl || !cc->ecosystem ||
            (c->bom_ref && !cc->bom_ref))
            return VT_ENOMEM;
    }
    if (m->nfixed) {
        fixed = vt_arena_alloc(&s->arena, m->nfixed * sizeof(*fixed));
        if (!fixed)
            return VT_ENOMEM;
        /* Interned: the components of one package share their fixes. */
        for (i = 0; i < m->nfixed; i++) {
            error = intern(s, &fixed[i], m->fixed[i]);
            if (error < 0)
                return error;
        }
    }
    error = grow((void **)&s->findings, &s->findings_cap, s->nfindings, sizeof(*s->findings));
    if (error < 0)
        return error;
    f = &s->findings[s->nfindings];
    memset(f, 0, sizeof(*f));
    f->sbom_index = sbom_index;
    f->sbom_path = s->sboms[sbom_index].path;
    f->name = cc->name;
    f->version = cc->version;
    f->purl = cc->purl;
    f->ecosystem = cc->ecosystem;
    f->bom_ref = cc->bom_ref;
    f->component_index = comp_index;
    f->id = e->adv->id;
    f->aliases = e->adv->aliases;
    f->naliases = e->adv->naliases;
    f->summary = e->adv->summary;
    f->cvss = e->cvss;
    f->ncvss = e->ncvss;
    f->best_score10 = e->best_score10;
    f->grade = e->grade;
    f->kev = e->kev;
    f->fixed_versions = fixed;
    f->nfixed_versions = m->nfixed;
    error = intern(s, &f->matched_because, m->because);
    if (error < 0)
        return error;
    s->nfindings++;
    return 0;
}

/* Reusable buffers for one SBOM's components. */
typedef struct scratch {
    vt_buf eco, name, key, reason, version;
} scratch;

/*
 * Scan one component: identify it (purl, OSV ecosystem, version), look its
 * package up, match every candidate advisory.
 */
static int scan_component(vt_scan *s, size_t sbom_index, size_t comp_index,
                          const vt_sbom_component *c, scratch *w, vt_error *err)
{
    vt_purl *p = NULL;
    vt_error perr = VT_ERROR_INIT;
    comp_copy cc = {NULL, NULL, NULL, NULL, NULL};
    const char *version, *epoch;
    pkg_entry *pkg;
    size_t i;
    int error, mapped;

    if (!c->purl || !c->purl[0]) {
        error = add_unidentified(s, sbom_index, c, "no purl");
        goto out;
    }
    error = vt_purl_parse(&p, c->purl, strlen(c->purl), &perr);
    if (error == VT_ENOMEM)
        goto out;
    if (error < 0) {
        vt_buf_clear(&w->reason);
        error = vt_buf_printf(&w->reason, "invalid purl: %s", perr.msg);
        if (error >= 0)
            error = add_unidentified(s, sbom_index, c, w->reason.ptr);
        goto out;
    }
    mapped = vt_purl_osv(&w->eco, &w->name, p);
    if (mapped < 0) {
        error = mapped;
        goto out;
    }
    if (mapped == 0) {
        vt_buf_clear(&w->reason);
        error = vt_buf_printf(&w->reason, "no OSV ecosystem for purl type '%s'", vt_purl_type(p));
        if (error >= 0)
            error = add_unidentified(s, sbom_index, c, w->reason.ptr);
        goto out;
    }
    version = vt_purl_version(p);
    if (!version || !version[0])
        version = c->version;
    if (!version || !version[0]) {
        error = add_unidentified(s, sbom_index, c, "no version");
        goto out;
    }
    /* An rpm purl carries the epoch as a qualifier, while OSV writes
     * "epoch:version"; without it every epoch-1 fix would look newer. */
    epoch = strcmp(vt_purl_type(p), "rpm") == 0 ? vt_purl_qualifier_get(p, "epoch") : NULL;
    if (epoch && !strchr(version, ':')) {
        vt_buf_clear(&w->version);
        error = vt_buf_printf(&w->version, "%s:%s", epoch, version);
        if (error < 0)
            goto out;
        version = w->version.ptr;
    }
    /* The lookup key is the ecosystem without its release, then the name
     * normalised as advisories are indexed. */
    error = package_key(&w->key, w->eco.ptr, w->name.ptr);
    if (error < 0)
        goto out;
    error = lookup_package(&pkg, s, w->key.ptr, w->key.len, err);
    if (error < 0)
        goto out;
    for (i = 0; i < pkg->nadvs; i++) {
        vt_match_result m = VT_MATCH_RESULT_INIT;
        vt_match_query q;
        vt_advisory view;

        q.ecosystem = w->eco.ptr;
        q.name = w->key.ptr + strlen(w->key.ptr) + 1;
        q.version = version;
        vt_error_clear(&perr);
        /* The advisory as the matcher sees it for this package: only
         * `withdrawn` and the entries naming the package are read. */
        view = *pkg->advs[i].e->adv;
        view.affected = pkg->advs[i].affected;
        view.naffected = pkg->advs[i].naffected;
        error = vt_match_advisory(&m, &view, &q, &perr);
        if (error >= 0 && m.affected)
            error = add_finding(s, sbom_index, comp_index, &cc, c, version, w->eco.ptr,
                                pkg->advs[i].e, &m);
        vt_match_result_dispose(&m);
        if (error == VT_ENOMEM)
            goto out;
        if (error < 0) {
            /* The component's version cannot be compared in its ecosystem:
             * no advisory can be evaluated for it, so it is reported as not
             * identifiable instead of being treated as unaffected. */
            vt_buf_clear(&w->reason);
            error = vt_buf_printf(&w->reason, "version '%s' not comparable in %s: %s", version,
                                  w->eco.ptr, perr.msg[0] ? perr.msg : vt_strerror(error));
            if (error >= 0)
                error = add_unidentified(s, sbom_index, c, w->reason.ptr);
            goto out;
        }
    }
    error = 0;
out:
    vt_purl_free(p);
    return error;
}

/*
 * Add the package of every component that has one to `pkgs`, not looked up
 * yet, so that advisories read later keep the entries of all of them and
 * only those. What cannot be identified is skipped here; scan_component
 * says why. Returns 0 or VT_ENOMEM.
 */
static int announce_components(vt_scan *s, const vt_sbom *sbom, scratch *w)
{
    pkg_entry *p;
    size_t i;
    int error = 0, mapped;

    for (i = 0; i < sbom->ncomponents && error >= 0; i++) {
        const vt_sbom_component *c = &sbom->components[i];
        vt_purl *purl = NULL;

        if (!c->purl || !c->purl[0])
            continue;
        error = vt_purl_parse(&purl, c->purl, strlen(c->purl), NULL);
        if (error < 0) {
            error = error == VT_ENOMEM ? error : 0;
            continue;
        }
        mapped = vt_purl_osv(&w->eco, &w->name, purl);
        if (mapped > 0)
            error = package_key(&w->key, w->eco.ptr, w->name.ptr);
        else
            error = mapped;
        if (mapped > 0 && error >= 0)
            error = pkg_add(&p, s, w->key.ptr, w->key.len, fnv1a(w->key.ptr, w->key.len));
        vt_purl_free(purl);
    }
    return error;
}

int vt_scan_add_sbom(vt_scan *s, const char *path, const vt_sbom *sbom, vt_error *err)
{
    scratch w = {VT_BUF_INIT, VT_BUF_INIT, VT_BUF_INIT, VT_BUF_INIT, VT_BUF_INIT};
    vt_scan_sbom *e;
    size_t index, i;
    int error;

    error = add_sbom_entry(s, &e, path);
    if (error < 0)
        goto out;
    index = s->nsboms - 1;
    e->format = vt_sbom_format_name(sbom->format);
    e->spec_version = arena_dup_or_null(&s->arena, sbom->spec_version);
    if (sbom->spec_version && !e->spec_version) {
        error = VT_ENOMEM;
        goto out;
    }
    for (i = 0; i < sbom->ncomponents; i++)
        if (!sbom->components[i].is_metadata)
            e->components++;
    error = announce_components(s, sbom, &w);
    if (error < 0)
        goto out;
    /* One read snapshot for all the lookups of this SBOM. */
    error = vt_store_read_begin(s->store, err);
    if (error < 0)
        goto out;
    for (i = 0; i < sbom->ncomponents; i++) {
        error = scan_component(s, index, i, &sbom->components[i], &w, err);
        if (error < 0)
            break;
    }
    vt_store_read_end(s->store);
out:
    if (error == VT_ENOMEM)
        vt_error_set(err, error, 0, "out of memory while scanning %s", path);
    vt_buf_dispose(&w.eco);
    vt_buf_dispose(&w.name);
    vt_buf_dispose(&w.key);
    vt_buf_dispose(&w.reason);
    vt_buf_dispose(&w.version);
    return error;
}

static bool is_kev(const vt_finding *f) { return f->kev != NULL; }

int vt_finding_cmp(const vt_finding *a, const vt_finding *b)
{
    int c;

    if (is_kev(a) != is_kev(b))
        return is_kev(a) ? -1 : 1;
    /* The level enum rises with severity, UNAVAILABLE lowest. */
    if (a->grade.level != b->grade.level)
        return a->grade.level > b->grade.level ? -1 : 1;
    if (a->best_score10 != b->best_score10)
        return a->best_score10 > b->best_score10 ? -1 : 1;
    c = strcmp(a->id, b->id);
    if (c)
        return c;
    c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    if (c)
        return c;
    c = strcmp(a->version, b->version);
    if (c)
        return c;
    if (a->sbom_index != b->sbom_index)
        return a->sbom_index < b->sbom_index ? -1 : 1;
    if (a->component_index != b->component_index)
        return a->component_index < b->component_index ? -1 : 1;
    return 0;
}

static int finding_qsort_cmp(const void *a, const void *b) { return vt_finding_cmp(a, b); }

int vt_scan_finish(vt_scan *s)
{
    if (s->nfindings > 1)
        qsort(s->findings, s->nfindings, sizeof(*s->findings), finding_qsort_cmp);
    return 0;
}

const vt_scan_report *vt_scan_get_report(vt_scan *s)
{
    vt_scan *m = s;

    m->report.sboms = s->sboms;
    m->report.nsboms = s->nsboms;
    m->report.findings = s->findings;
    m->report.nfindings = s->nfindings;
    m->report.unidentified = s->unid;
    m->report.nunidentified = s->nunid;
    m->report.advisories_parsed = s->nadv_list;
    m->report.lookups = s->lookups;
    return &m->report;
}
