/*
 * match.c - does an OSV advisory affect one package version?
 *
 * The evaluation is the OSV schema's (docs/schema.md, "Evaluation"): an
 * affected entry applies when its package is the queried one; the version is
 * affected when an entry lists it in `versions` or one of its SEMVER or
 * ECOSYSTEM ranges contains it. A range is walked with its events sorted by
 * version ("introduced 0" first, ties kept in the record's order, as
 * osv.dev's stable sort keeps them): an `introduced` at or below the version
 * opens, a `fixed` at or below it closes, a `last_affected` below it closes;
 * `limit` events bound the whole range from above. GIT ranges need the
 * repository's commit graph and are skipped with a note.
 *
 * Decisions the schema leaves open, and why:
 *
 * - Release suffixes. "AlmaLinux:8" and "AlmaLinux:9" differ; an entry
 *   without a release applies to every release; a query without a release
 *   meets entries of every release, as osv.dev's API does, because an
 *   unknown release must not hide a finding. For AlmaLinux and Rocky Linux
 *   the release is read from the version's "elN" dist tag when the query
 *   does not name it, since the tag says which release built the package.
 * - Bad versions inside an advisory. An event the ecosystem's scheme does
 *   not accept is left out of the walk with a note: a bad `fixed` leaves its
 *   interval open (a false alarm the note explains, never a false all-clear),
 *   a bad `introduced` drops its interval's start.
 * - Parallel builds (AlmaLinux and the other RPM distributions). One
 *   advisory may list the same package several times, once per module
 *   stream build or maintenance stream, each with its own `fixed` build.
 *   Taking the union flags a host that already runs the fixed build of
 *   another stream. So, for RPM ecosystems: module builds (".module_el8",
 *   "module+el8") are judged only by entries whose versions are module
 *   builds, and other builds only by entries that are not, when the advisory
 *   has entries of the query's kind; and a version that has reached one of
 *   the fixed builds of the same upstream version (the V of E:V-R) is not
 *   affected, whatever the parallel entries say.
 * - `fixed` lists the fixes above the queried version (upgrade targets),
 *   from the ranges that matched, or from every range of an entry that
 *   matched through its `versions` list.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/match.h"
#include "vulntrack/strparse.h"
#include "vulntrack/version.h"
#include "osv_names.h"
#include "semantics/version_scheme.h"

static const char NOTE_WITHDRAWN[] = "advisory withdrawn";
static const char NOTE_GIT[] = "GIT range skipped (needs the repository's commit graph)";
static const char NOTE_BAD_EVENT[] = "event with a version the ecosystem does not accept skipped";
static const char NOTE_NOT_SEMVER[] = "SEMVER range skipped: the version is not SemVer";
static const char NOTE_BAD_LISTED[] = "versions entry that is not a valid version compared as text";
static const char NOTE_OTHER_KIND[] = "entries for the other build kind (module or not) ignored";
static const char NOTE_PARALLEL[] =
    "a fixed parallel build of the same upstream version is installed";

/* Events sorted on the stack up to this many; longer ranges allocate. */
#define MATCH_STACK_EVENTS 32

/* A fix found while evaluating, before sorting and copying. */
typedef struct fix_ref {
    const char *value;
    const vt_version_scheme *scheme;
} fix_ref;

/* Everything one call works with. */
typedef struct matcher {
    vt_match_result *out;
    const vt_version_scheme *scheme; /* the ecosystem's */
    const char *v;
    size_t vlen;
    bool rpm;
    vt_error *err;
    fix_ref *fixes;
    size_t nfixes, capfixes;
} matcher;

/* What one range says about the version. */
typedef struct range_eval {
    bool affected;
    const char *introduced;     /* the event that opened the interval */
    const vt_osv_event *closer; /* the fixed / last_affected after it, or NULL */
    const char *limit;          /* the limit the version is below, or NULL */
} range_eval;

static void match_note(vt_match_result *out, const char *note)
{
    size_t i;

    for (i = 0; i < out->nnotes; i++)
        if (out->notes[i] == note)
            return;
    if (out->nnotes < sizeof(out->notes) / sizeof(out->notes[0]))
        out->notes[out->nnotes++] = note;
}

static int match_cmp(matcher *m, int *out, const vt_version_scheme *scheme, const char *a,
                     const char *b)
{
    return vt_version_compare(out, scheme, a, strlen(a), b, strlen(b), m->err);
}

/* The query's version against an event value: <0, 0, >0 in *out. */
static int match_cmp_v(matcher *m, int *out, const vt_version_scheme *scheme, const char *value)
{
    return vt_version_compare(out, scheme, m->v, m->vlen, value, strlen(value), m->err);
}

static bool match_is_zero(const vt_osv_event *e)
{
    return e->kind == VT_OSV_INTRODUCED && strcmp(e->value, "0") == 0;
}

/* Order two events for the walk; "introduced 0" before everything. */
static int match_event_order(matcher *m, int *out, const vt_version_scheme *scheme,
                             const vt_osv_event *a, const vt_osv_event *b)
{
    bool za = match_is_zero(a), zb = match_is_zero(b);

    if (za || zb) {
        *out = za == zb ? 0 : (za ? -1 : 1);
        return 0;
    }
    return match_cmp(m, out, scheme, a->value, b->value);
}

static int match_add_fix(matcher *m, const char *value, const vt_version_scheme *scheme)
{
    if (m->nfixes == m->capfixes) {
        size_t cap = m->capfixes ? m->capfixes * 2 : 8;
        fix_ref *p = vt_realloc(m->fixes, cap * sizeof(*p));

        if (!p)
            return VT_ENOMEM;
        m->fixes = p;
        m->capfixes = cap;
    }
    m->fixes[m->nfixes].value = value;
    m->fixes[m->nfixes].scheme = scheme;
    m->nfixes++;
    return 0;
}

/*
 * The fixes of a range above the queried version: what the user can upgrade
 * to. Events the scheme refuses were noted by the walk and are left out.
 */
static int match_collect_fixes(matcher *m, const vt_osv_range *r, const vt_version_scheme *scheme)
{
    size_t i;
    int c, error = 0;

    for (i = 0; i < r->nevents && error >= 0; i++) {
        const vt_osv_event *e = &r->events[i];

        if (e->kind != VT_OSV_FIXED || !vt_version_is_valid(scheme, e->value, strlen(e->value)))
            continue;
        error = match_cmp_v(m, &c, scheme, e->value);
        if (error >= 0 && c < 0)
            error = match_add_fix(m, e->value, scheme);
    }
    return error;
}

/*
 * Whether the range's `limit` events let the version through: no limit is
 * an implicit "*"; otherwise the version must be below one of them. Sets
 * *limit to the limit it is below (NULL for "*" or none).
 */
static int match_limits(matcher *m, bool *through, const char **limit, const vt_osv_range *r,
                        const vt_version_scheme *scheme)
{
    bool any = false;
    size_t i;
    int c, error;

    *through = false;
    *limit = NULL;
    for (i = 0; i < r->nevents; i++) {
        const vt_osv_event *e = &r->events[i];

        if (e->kind != VT_OSV_LIMIT)
            continue;
        if (strchr(e->value, '*')) {
            any = true;
            *through = true;
            continue;
        }
        if (!vt_version_is_valid(scheme, e->value, strlen(e->value))) {
            match_note(m->out, NOTE_BAD_EVENT);
            continue;
        }
        any = true;
        error = match_cmp_v(m, &c, scheme, e->value);
        if (error < 0)
            return error;
        if (c < 0 && !*through) {
            *through = true;
            *limit = e->value;
        }
    }
    if (!any)
        *through = true;
    return 0;
}

/*
 * Walk one SEMVER or ECOSYSTEM range as the schema's IncludedInRanges does,
 * after sorting its events (stable insertion sort: ranges are short, and
 * equal versions must keep the record's order).
 */
static int match_range(matcher *m, range_eval *re, const vt_osv_range *r,
                       const vt_version_scheme *scheme)
{
    size_t stack[MATCH_STACK_EVENTS];
    size_t *idx = stack;
    size_t i, j, n = 0;
    size_t cur = 0;
    bool through, vulnerable = false;
    int c, error;

    memset(re, 0, sizeof(*re));
    error = match_limits(m, &through, &re->limit, r, scheme);
    if (error < 0 || !through)
        return error;
    if (r->nevents > MATCH_STACK_EVENTS) {
        idx = vt_malloc(r->nevents * sizeof(*idx));
        if (!idx)
            return VT_ENOMEM;
    }
    for (i = 0; i < r->nevents; i++) {
        const vt_osv_event *e = &r->events[i];

        if (e->kind == VT_OSV_LIMIT)
            continue;
        if (!match_is_zero(e) && !vt_version_is_valid(scheme, e->value, strlen(e->value))) {
            match_note(m->out, NOTE_BAD_EVENT);
            continue;
        }
        idx[n++] = i;
    }
    for (i = 1; i < n; i++) {
        for (j = i; j > 0; j--) {
            size_t t;

            error = match_event_order(m, &c, scheme, &r->events[idx[j - 1]], &r->events[idx[j]]);
            if (error < 0)
                goto out;
            if (c <= 0)
                break;
            t = idx[j - 1];
            idx[j - 1] = idx[j];
            idx[j] = t;
        }
    }
    for (i = 0; i < n; i++) {
        const vt_osv_event *e = &r->events[idx[i]];

        if (e->kind == VT_OSV_INTRODUCED) {
            c = 1;
            if (!match_is_zero(e)) {
                error = match_cmp_v(m, &c, scheme, e->value);
                if (error < 0)
                    goto out;
            }
            if (c >= 0) {
                vulnerable = true;
                cur = i;
            }
            continue;
        }
        error = match_cmp_v(m, &c, scheme, e->value);
        if (error < 0)
            goto out;
        if ((e->kind == VT_OSV_FIXED && c >= 0) || (e->kind == VT_OSV_LAST_AFFECTED && c > 0))
            vulnerable = false;
    }
    if (vulnerable) {
        re->affected = true;
        re->introduced = r->events[idx[cur]].value;
        for (i = cur + 1; i < n && !re->closer; i++) {
            const vt_osv_event *e = &r->events[idx[i]];

            if (e->kind == VT_OSV_FIXED || e->kind == VT_OSV_LAST_AFFECTED)
                re->closer = e;
        }
    }
out:
    if (idx != stack)
        vt_free(idx);
    return error;
}

static void match_because_range(char *because, size_t size, const range_eval *re)
{
    if (re->closer)
        snprintf(because, size, "introduced %s, %s %s", re->introduced,
                 re->closer->kind == VT_OSV_FIXED ? "fixed" : "last_affected", re->closer->value);
    else if (re->limit)
        snprintf(because, size, "introduced %s, no fix (below limit %s)", re->introduced,
                 re->limit);
    else
        snprintf(because, size, "introduced %s, no fix", re->introduced);
}

/* Whether the version is in the entry's `versions` list. */
static int match_listed(matcher *m, bool *listed, const vt_osv_affected *a)
{
    size_t i;
    int c, error;

    *listed = false;
    for (i = 0; i < a->nversions && !*listed; i++) {
        const char *s = a->versions[i];

        if (strlen(s) == m->vlen && memcmp(s, m->v, m->vlen) == 0) {
            *listed = true;
            break;
        }
        if (!vt_version_is_valid(m->scheme, s, strlen(s))) {
            match_note(m->out, NOTE_BAD_LISTED);
            continue;
        }
        error = match_cmp_v(m, &c, m->scheme, s);
        if (error < 0)
            return error;
        *listed = c == 0;
    }
    return 0;
}

/*
 * Evaluate one affected entry of the queried package. *affected says the
 * verdict, `because` is filled for the first reason found, and the fixes
 * above the version are collected.
 */
static int match_entry(matcher *m, bool *affected, char *because, size_t size,
                       const vt_osv_affected *a)
{
    size_t i;
    bool listed;
    int error = 0;

    *affected = false;
    for (i = 0; i < a->nranges; i++) {
        const vt_osv_range *r = &a->ranges[i];
        const vt_version_scheme *scheme = m->scheme;
        range_eval re;

        if (r->type == VT_OSV_RANGE_GIT) {
            match_note(m->out, NOTE_GIT);
            continue;
        }
        /* SEMVER ranges order by SemVer whatever the ecosystem's scheme. */
        if (r->type == VT_OSV_RANGE_SEMVER && scheme != &vt__scheme_semver) {
            scheme = &vt__scheme_semver;
            if (!vt_version_is_valid(scheme, m->v, m->vlen)) {
                match_note(m->out, NOTE_NOT_SEMVER);
                continue;
            }
        }
        error = match_range(m, &re, r, scheme);
        if (error < 0)
            return error;
        if (!re.affected)
            continue;
        if (!*affected)
            match_because_range(because, size, &re);
        *affected = true;
        error = match_collect_fixes(m, r, scheme);
        if (error < 0)
            return error;
    }
    if (*affected)
        return 0;
    error = match_listed(m, &listed, a);
    if (error < 0 || !listed)
        return error;
    *affected = true;
    snprintf(because, size, "listed in versions");
    for (i = 0; i < a->nranges && error >= 0; i++) {
        const vt_osv_range *r = &a->ranges[i];

        if (r->type == VT_OSV_RANGE_ECOSYSTEM)
            error = match_collect_fixes(m, r, m->scheme);
        else if (r->type == VT_OSV_RANGE_SEMVER &&
                 vt_version_is_valid(&vt__scheme_semver, m->v, m->vlen))
            error = match_collect_fixes(m, r, &vt__scheme_semver);
    }
    return error;
}

/* ------------------------------------------------------------------------ */
/* Ecosystems and releases                                                   */

static size_t match_base_len(const char *ecosystem)
{
    const char *colon = strchr(ecosystem, ':');

    return colon ? (size_t)(colon - ecosystem) : strlen(ecosystem);
}

/*
 * The release an AlmaLinux or Rocky Linux version was built for, from its
 * dist tag: "12.el8_9" and "3.module_el8.5.0+119+9a9ec082" give "8". Writes
 * the digits to rel (NUL-terminated); false when there is no such tag.
 */
static bool match_el_release(char *rel, size_t size, const char *version)
{
    const char *dash = strrchr(version, '-');
    const char *p = dash ? dash + 1 : version;
    size_t n;

    for (p = strstr(p, "el"); p; p = strstr(p + 2, "el")) {
        char before = p == version ? 0 : p[-1];

        if (before != '.' && before != '_' && before != '+')
            continue;
        for (n = 0; vt_is_digit((unsigned char)p[2 + n]); n++)
            ;
        if (n == 0 || n >= size)
            continue;
        memcpy(rel, p + 2, n);
        rel[n] = '\0';
        return true;
    }
    return false;
}

/*
 * Whether an entry's ecosystem covers the query's: same name before ':';
 * when both name a release, the same release.
 */
static bool match_ecosystem(const char *entry, const char *q, size_t qbase, const char *qrel)
{
    /* q[0..qbase) holds no ':', so the entry has the same base exactly when
     * it starts with those bytes and its base ends right there; this spares
     * a search for ':' in every entry of every candidate advisory. */
    if (!entry || strncmp(entry, q, qbase) != 0)
        return false;
    if (entry[qbase] != ':' && entry[qbase] != '\0')
        return false;
    if (entry[qbase] == '\0' || !qrel)
        return true;
    return strcmp(entry + qbase + 1, qrel) == 0;
}

/* ------------------------------------------------------------------------ */
/* RPM parallel builds                                                       */

static bool match_is_module_build(const char *version)
{
    return strstr(version, "module_el") || strstr(version, "module+el");
}

/* An entry is a module build entry when any of its versions is one. */
static bool match_entry_is_module(const vt_osv_affected *a)
{
    size_t i, j;

    for (i = 0; i < a->nranges; i++) {
        if (a->ranges[i].type == VT_OSV_RANGE_GIT)
            continue;
        for (j = 0; j < a->ranges[i].nevents; j++)
            if (match_is_module_build(a->ranges[i].events[j].value))
                return true;
    }
    for (i = 0; i < a->nversions; i++)
        if (match_is_module_build(a->versions[i]))
            return true;
    return false;
}

/* The upstream version V of an RPM "E:V-R" as a span. */
static void match_rpm_upstream(const char **p, size_t *n, const char *evr)
{
    const char *s = evr, *dash;

    while (vt_is_digit((unsigned char)*s))
        s++;
    s = (*s == ':' && s != evr) ? s + 1 : evr;
    dash = strrchr(s, '-');
    *p = s;
    *n = dash ? (size_t)(dash - s) : strlen(s);
}

/*
 * Whether the queried version has reached one of the entry's fixed builds
 * of the same upstream version: then it runs that stream's fix.
 */
static int match_has_parallel_fix(matcher *m, bool *yes, const vt_osv_affected *a)
{
    const char *qv, *fv;
    size_t qn, fn, i, j;
    int c, error;

    *yes = false;
    match_rpm_upstream(&qv, &qn, m->v);
    for (i = 0; i < a->nranges; i++) {
        const vt_osv_range *r = &a->ranges[i];

        if (r->type != VT_OSV_RANGE_ECOSYSTEM)
            continue;
        for (j = 0; j < r->nevents; j++) {
            const char *f = r->events[j].value;

            if (r->events[j].kind != VT_OSV_FIXED || !vt_version_is_valid(m->scheme, f, strlen(f)))
                continue;
            match_rpm_upstream(&fv, &fn, f);
            if (fn != qn || memcmp(fv, qv, qn) != 0)
                continue;
            error = match_cmp_v(m, &c, m->scheme, f);
            if (error < 0)
                return error;
            if (c >= 0) {
                *yes = true;
                return 0;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The result's fixes                                                        */

static int match_fix_order(matcher *m, int *out, const fix_ref *a, const fix_ref *b)
{
    int error = 0;

    if (a->scheme == b->scheme)
        error = match_cmp(m, out, a->scheme, a->value, b->value);
    if (a->scheme != b->scheme || error == VT_EINVALID) {
        *out = vt_bytes_cmp(a->value, strlen(a->value), b->value, strlen(b->value));
        error = 0;
    }
    return error;
}

/* Sort the collected fixes by version, drop equal ones, copy them out. */
static int match_publish_fixes(matcher *m)
{
    vt_match_result *out = m->out;
    size_t i, j;
    int c, error;

    for (i = 1; i < m->nfixes; i++) {
        for (j = i; j > 0; j--) {
            fix_ref t;

            error = match_fix_order(m, &c, &m->fixes[j - 1], &m->fixes[j]);
            if (error < 0)
                return error;
            if (c <= 0)
                break;
            t = m->fixes[j - 1];
            m->fixes[j - 1] = m->fixes[j];
            m->fixes[j] = t;
        }
    }
    if (m->nfixes == 0)
        return 0;
    out->fixed = vt_calloc(m->nfixes, sizeof(*out->fixed));
    if (!out->fixed)
        return VT_ENOMEM;
    for (i = 0; i < m->nfixes; i++) {
        if (out->nfixed > 0) {
            error = match_fix_order(m, &c, &m->fixes[i - 1], &m->fixes[i]);
            if (error < 0)
                return error;
            if (c == 0)
                continue;
        }
        out->fixed[out->nfixed] = vt_strdup(m->fixes[i].value);
        if (!out->fixed[out->nfixed])
            return VT_ENOMEM;
        out->nfixed++;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */

int vt_match_advisory(vt_match_result *out, const vt_advisory *adv, const vt_match_query *q,
                      vt_error *err)
{
    matcher m;
    char inferred[16];
    const char *qrel = NULL;
    size_t i, qbase, same_kind = 0;
    bool q_module = false, suppressed = false;
    int c, error;

    assert(out && adv && q && q->ecosystem && q->name && q->version);
    vt_match_result_dispose(out);
    memset(&m, 0, sizeof(m));
    m.out = out;
    m.v = q->version;
    m.vlen = strlen(q->version);
    m.err = err;

    error = vt_version_scheme_for(&m.scheme, q->ecosystem, strlen(q->ecosystem), err);
    if (error < 0)
        goto out;
    /* Comparing the version with itself yields the scheme's own reason. */
    if (!vt_version_is_valid(m.scheme, m.v, m.vlen)) {
        error = vt_version_compare(&c, m.scheme, m.v, m.vlen, m.v, m.vlen, err);
        if (error >= 0)
            error = vt_error_set(err, VT_EINVALID, 0, "invalid %s version '%s'", q->ecosystem,
                                 q->version);
        goto out;
    }
    m.rpm = m.scheme == &vt__scheme_rpm;
    if (adv->withdrawn) {
        match_note(out, NOTE_WITHDRAWN);
        goto out;
    }

    qbase = match_base_len(q->ecosystem);
    if (q->ecosystem[qbase] == ':')
        qrel = q->ecosystem + qbase + 1;
    else if (((qbase == 9 && memcmp(q->ecosystem, "AlmaLinux", 9) == 0) ||
              (qbase == 11 && memcmp(q->ecosystem, "Rocky Linux", 11) == 0)) &&
             match_el_release(inferred, sizeof(inferred), q->version))
        qrel = inferred;

    if (m.rpm) {
        q_module = match_is_module_build(q->version);
        for (i = 0; i < adv->naffected; i++) {
            const vt_osv_affected *a = &adv->affected[i];

            if (a->name && match_ecosystem(a->ecosystem, q->ecosystem, qbase, qrel) &&
                vt__osv_name_eq(q->ecosystem, a->name, q->name) &&
                match_entry_is_module(a) == q_module)
                same_kind++;
        }
    }

    for (i = 0; i < adv->naffected; i++) {
        const vt_osv_affected *a = &adv->affected[i];
        char because[sizeof(out->because)];
        bool hit, parallel;

        if (!a->name || !match_ecosystem(a->ecosystem, q->ecosystem, qbase, qrel) ||
            !vt__osv_name_eq(q->ecosystem, a->name, q->name))
            continue;
        if (m.rpm && same_kind > 0 && match_entry_is_module(a) != q_module) {
            match_note(out, NOTE_OTHER_KIND);
            continue;
        }
        error = match_entry(&m, &hit, because, sizeof(because), a);
        if (error < 0)
            goto out;
        if (hit && !out->affected)
            memcpy(out->because, because, sizeof(out->because));
        out->affected = out->affected || hit;
        if (hit || !m.rpm || suppressed)
            continue;
        error = match_has_parallel_fix(&m, &parallel, a);
        if (error < 0)
            goto out;
        suppressed = parallel;
    }
    if (out->affected && suppressed) {
        out->affected = false;
        match_note(out, NOTE_PARALLEL);
    }
    if (out->affected)
        error = match_publish_fixes(&m);

out:
    vt_free(m.fixes);
    if (error < 0 || !out->affected) {
        const char *notes[4];
        size_t nnotes = out->nnotes;

        /* Keep the notes: they explain a "no" as much as a "yes". */
        memcpy(notes, out->notes, sizeof(notes));
        vt_match_result_dispose(out);
        if (error >= 0) {
            memcpy(out->notes, notes, sizeof(notes));
            out->nnotes = nnotes;
        }
    }
    return error;
}

void vt_match_result_dispose(vt_match_result *r)
{
    vt_match_result init = VT_MATCH_RESULT_INIT;
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->nfixed; i++)
        vt_free(r->fixed[i]);
    vt_free(r->fixed);
    *r = init;
}
