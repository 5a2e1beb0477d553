/*
 * scan_json.c - the scan report as JSON: the contract scripts are written
 * against (issue 3, docs/scan.md). Keys appear in the contract's order; a
 * missing optional string is null, never left out, so that every finding has
 * the same shape.
 *
 * The text is written straight into the output instead of through a cJSON
 * tree: a scan of a large SBOM has tens of thousands of findings, and the tree
 * for them took more memory and time than the rest of the output. For the
 * same reason the output may leave after each element of an array
 * (vt_out_step): the report is never held whole.
 */
#include "vulntrack/scan.h"

/* A writer that remembers its first error, so calls can be chained. */
typedef struct jw {
    vt_out *o;
    int error;
} jw;

/* The text so far may be written. */
static void step(jw *w)
{
    if (w->error >= 0)
        w->error = vt_out_step(w->o);
}

static void raw(jw *w, const char *s)
{
    if (w->error >= 0)
        w->error = vt_buf_puts(w->o->b, s);
}

/* A JSON string: quotes, backslashes and control bytes escaped, UTF-8 as is. */
static void str(jw *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p, *run;

    if (!s) {
        raw(w, "null");
        return;
    }
    raw(w, "\"");
    for (p = run = (const unsigned char *)s; w->error >= 0 && *p; p++) {
        char esc[7] = {'\\', 'u', '0', '0', 0, 0, 0};

        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        w->error = vt_buf_put(w->o->b, (const char *)run, (size_t)(p - run));
        run = p + 1;
        if (*p == '"' || *p == '\\') {
            esc[1] = (char)*p;
            esc[2] = 0;
        } else if (*p == '\n') {
            esc[1] = 'n';
            esc[2] = 0;
        } else if (*p == '\t') {
            esc[1] = 't';
            esc[2] = 0;
        } else if (*p == '\r') {
            esc[1] = 'r';
            esc[2] = 0;
        } else {
            esc[4] = hex[*p >> 4];
            esc[5] = hex[*p & 15];
        }
        raw(w, esc);
    }
    if (w->error >= 0)
        w->error = vt_buf_put(w->o->b, (const char *)run, (size_t)(p - run));
    raw(w, "\"");
}

/* `"key":` preceded by a comma unless it is the first member. */
static void key(jw *w, const char *k, bool first)
{
    if (!first)
        raw(w, ",");
    str(w, k);
    raw(w, ":");
}

static void str_array(jw *w, const char *const *v, size_t n)
{
    size_t i;

    raw(w, "[");
    for (i = 0; i < n; i++) {
        if (i)
            raw(w, ",");
        str(w, v[i]);
    }
    raw(w, "]");
}

static void number(jw *w, size_t n)
{
    if (w->error >= 0)
        w->error = vt_buf_printf(w->o->b, "%zu", n);
}

/* A score in tenths as a JSON number with one decimal: 98 -> 9.8. */
static void score(jw *w, int score10)
{
    if (w->error >= 0)
        w->error = vt_buf_printf(w->o->b, "%d.%d", score10 / 10, score10 % 10);
}

static void grade(jw *w, const vt_grade *g)
{
    raw(w, "{");
    key(w, "zh", true);
    str(w, vt_grade_level_zh(g->level));
    key(w, "en", false);
    str(w, vt_grade_level_en(g->level));
    key(w, "method", false);
    str(w, g->method == VT_GRADE_METHOD_NONE ? NULL : vt_grade_method_name(g->method));
    if (g->note) {
        key(w, "note", false);
        str(w, g->note);
    }
    raw(w, "}");
}

static void finding(jw *w, const vt_finding *f)
{
    size_t i;

    raw(w, "{");
    key(w, "sbom", true);
    str(w, f->sbom_path);
    key(w, "component", false);
    raw(w, "{");
    key(w, "name", true);
    str(w, f->name);
    key(w, "version", false);
    str(w, f->version);
    key(w, "purl", false);
    str(w, f->purl);
    key(w, "ecosystem", false);
    str(w, f->ecosystem);
    key(w, "bom_ref", false);
    str(w, f->bom_ref);
    raw(w, "}");
    key(w, "vulnerability", false);
    raw(w, "{");
    key(w, "id", true);
    str(w, f->id);
    key(w, "aliases", false);
    str_array(w, f->aliases, f->naliases);
    key(w, "summary", false);
    str(w, f->summary);
    key(w, "cvss", false);
    raw(w, "[");
    for (i = 0; i < f->ncvss; i++) {
        raw(w, i ? ",{" : "{");
        key(w, "vector", true);
        str(w, f->cvss[i].vector);
        key(w, "base_score", false);
        score(w, f->cvss[i].score10);
        raw(w, "}");
    }
    raw(w, "]");
    key(w, "grade", false);
    grade(w, &f->grade);
    key(w, "known_exploited", false);
    if (f->kev) {
        raw(w, "{");
        key(w, "cve", true);
        str(w, f->kev->cve);
        key(w, "date_added", false);
        str(w, f->kev->date_added);
        key(w, "due_date", false);
        str(w, f->kev->due_date);
        key(w, "ransomware", false);
        str(w, f->kev->ransomware);
        raw(w, "}");
    } else {
        raw(w, "null");
    }
    raw(w, "}");
    key(w, "fixed_versions", false);
    str_array(w, f->fixed_versions, f->nfixed_versions);
    key(w, "matched_because", false);
    str(w, f->matched_because);
    raw(w, "}");
}

/* sboms[] lists the SBOMs that loaded; errors[] the ones that did not. */
static void sboms(jw *w, const vt_scan_report *r)
{
    size_t i;
    bool first = true;

    key(w, "sboms", true);
    raw(w, "[");
    for (i = 0; i < r->nsboms; i++) {
        const vt_scan_sbom *b = &r->sboms[i];

        if (b->error)
            continue;
        raw(w, first ? "{" : ",{");
        first = false;
        key(w, "path", true);
        str(w, b->path);
        key(w, "format", false);
        str(w, b->format);
        key(w, "spec_version", false);
        str(w, b->spec_version);
        key(w, "components", false);
        number(w, b->components);
        key(w, "unidentified", false);
        number(w, b->unidentified);
        raw(w, "}");
        step(w);
    }
    raw(w, "]");
    key(w, "errors", false);
    raw(w, "[");
    first = true;
    for (i = 0; i < r->nsboms; i++) {
        const vt_scan_sbom *b = &r->sboms[i];

        if (!b->error)
            continue;
        raw(w, first ? "{" : ",{");
        first = false;
        key(w, "path", true);
        str(w, b->path);
        key(w, "error", false);
        str(w, b->error);
        raw(w, "}");
        step(w);
    }
    raw(w, "]");
}

static void unidentified(jw *w, const vt_scan_report *r)
{
    size_t i;

    key(w, "unidentified", false);
    raw(w, "[");
    for (i = 0; i < r->nunidentified; i++) {
        const vt_scan_unidentified *u = &r->unidentified[i];

        raw(w, i ? ",{" : "{");
        key(w, "sbom", true);
        str(w, u->sbom_path);
        key(w, "name", false);
        str(w, u->name);
        key(w, "version", false);
        str(w, u->version);
        key(w, "bom_ref", false);
        str(w, u->bom_ref);
        key(w, "reason", false);
        str(w, u->reason);
        raw(w, "}");
        step(w);
    }
    raw(w, "]");
}

int vt_scan_stream_json(vt_out *out, const vt_scan_report *r, const vt_scan_write_options *opts)
{
    jw w = {out, 0};
    size_t i;

    (void)opts;
    raw(&w, "{");
    sboms(&w, r);
    key(&w, "findings", false);
    raw(&w, "[");
    for (i = 0; i < r->nfindings; i++) {
        if (i)
            raw(&w, ",");
        finding(&w, &r->findings[i]);
        step(&w);
    }
    raw(&w, "]");
    unidentified(&w, r);
    raw(&w, "}\n");
    if (w.error >= 0)
        w.error = vt_out_flush(out);
    return w.error;
}

int vt_scan_write_json(vt_buf *out, const vt_scan_report *r, const vt_scan_write_options *opts)
{
    vt_out o;

    vt_out_init_buf(&o, out);
    return vt_scan_stream_json(&o, r, opts);
}
