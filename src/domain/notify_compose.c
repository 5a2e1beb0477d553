/*
 * notify_compose.c - the notices of a case. The facts are gathered once
 * into the JSON body (what a webhook receives), and the e-mail's plain
 * text and HTML parts are written from that same object, so the three
 * never disagree. Labels are English, with the Chinese label beside it
 * when the case carries Chinese text (a notice to a Chinese upstream
 * provider or user must be readable to them).
 */
#include <stdio.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/clock.h"
#include "vulntrack/json.h"
#include "vulntrack/notify.h"

/* Longest part (bytes): notices are summaries, not advisories. */
#define NOTICE_MAX (256 * 1024)

void vt_notice_dispose(vt_notice *n)
{
    if (!n)
        return;
    vt_free(n->subject);
    vt_free(n->body_json);
    vt_free(n->body_text);
    vt_free(n->body_html);
    n->subject = n->body_json = n->body_text = n->body_html = NULL;
}

bool vt_notice_has_cjk(const char *s)
{
    const unsigned char *p;

    /* Three-byte UTF-8 sequences E3 80 80 .. E9 BF BF are U+3000..U+9FFF,
     * EF A4 80 .. EF AB BF are U+F900..U+FAFF. */
    for (p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (p[0] >= 0xE3 && p[0] <= 0xE9 && p[1] >= 0x80 && p[1] <= 0xBF && p[2] >= 0x80 &&
            p[2] <= 0xBF)
            return true;
        if (p[0] == 0xEF && p[1] >= 0xA4 && p[1] <= 0xAB && p[2] >= 0x80 && p[2] <= 0xBF)
            return true;
    }
    return false;
}

/* One label in both languages. */
typedef struct label {
    const char *key;
    const char *en;
    const char *zh;
} label;

static const label labels[] = {
    {"case", "Case", "案例"},
    {"title", "Title", "标题"},
    {"products", "Affected products", "受影响产品"},
    {"grade", "Grade (GB/T 30279)", "等级"},
    {"cvss", "CVSS", "CVSS"},
    {"remediations", "Remediation", "修复措施"},
    {"advisory", "Advisory reference", "公告编号"},
    {"identifiers", "Identifiers", "标识符"},
    {"note", "Note", "附言"},
    {"obligation", "Obligation", "义务"},
    {"sent_at", "Sent at", "发送时间"},
};

static const char *label_of(const char *key, bool zh, char out[128])
{
    size_t i;

    for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        if (strcmp(labels[i].key, key) == 0) {
            if (zh)
                snprintf(out, 128, "%s / %s", labels[i].en, labels[i].zh);
            else
                snprintf(out, 128, "%s", labels[i].en);
            return out;
        }
    }
    snprintf(out, 128, "%s", key);
    return out;
}

static int html_escape(vt_buf *b, const char *s)
{
    int rc = 0;

    for (; *s && rc == 0; s++) {
        switch (*s) {
        case '<':
            rc = vt_buf_puts(b, "&lt;");
            break;
        case '>':
            rc = vt_buf_puts(b, "&gt;");
            break;
        case '&':
            rc = vt_buf_puts(b, "&amp;");
            break;
        case '"':
            rc = vt_buf_puts(b, "&quot;");
            break;
        case '\'':
            rc = vt_buf_puts(b, "&#39;");
            break;
        default:
            rc = vt_buf_putc(b, *s);
        }
    }
    return rc;
}

/* Copy member `key` of `from` (if there) into `to`. */
static int copy_member(cJSON *to, const cJSON *from, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);
    cJSON *dup;

    if (!v)
        return 0;
    dup = cJSON_Duplicate(v, true);
    return dup ? vt_json_add_take(to, key, dup) : VT_ENOMEM;
}

/* A copy of each object of array member `key` of the doc holding only its
 * members `keys` (those present); NULL when out of memory. */
static cJSON *each_with(const cJSON *doc, const char *key, const char *const *keys, size_t n)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, key), *it;
    cJSON *arr = cJSON_CreateArray(), *o;
    size_t i;

    if (!arr)
        return NULL;
    cJSON_ArrayForEach(it, items)
    {
        o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return NULL;
        }
        for (i = 0; i < n; i++)
            if (copy_member(o, it, keys[i]) < 0) {
                cJSON_Delete(arr);
                return NULL;
            }
    }
    return arr;
}

/* The products of the doc as notices show them: name, model, vendor,
 * versions (strings, or ranges as written) and fixed versions. */
static cJSON *products_of(const cJSON *doc)
{
    static const char *const keys[] = {"product_id", "vendor",   "name",
                                       "model",      "versions", "fixed_versions"};

    return each_with(doc, "products", keys, sizeof(keys) / sizeof(keys[0]));
}

/* The CVSS scores of the doc: vector, version, score, severity. */
static cJSON *cvss_of(const cJSON *doc)
{
    static const char *const keys[] = {"vector", "version", "score", "severity"};

    return each_with(doc, "cvss", keys, sizeof(keys) / sizeof(keys[0]));
}

/* The advisory reference: the first CVE, else the first identifier, else the case ref. */
static const char *advisory_ref(const cJSON *doc, const char *ref, char out[160])
{
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(doc, "identifiers"), *it;
    const cJSON *first = NULL;

    cJSON_ArrayForEach(it, ids)
    {
        const cJSON *scheme = cJSON_GetObjectItemCaseSensitive(it, "scheme");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (!cJSON_IsString(scheme) || !cJSON_IsString(id))
            continue;
        if (!first)
            first = it;
        if (strcmp(scheme->valuestring, "CVE") == 0) {
            snprintf(out, 160, "%s", id->valuestring);
            return out;
        }
    }
    if (first) {
        snprintf(out, 160, "%s", cJSON_GetObjectItemCaseSensitive(first, "id")->valuestring);
        return out;
    }
    snprintf(out, 160, "%s", ref);
    return out;
}

/* Build the JSON body. */
static cJSON *body_of(const char *kind, const vt_case *c, const cJSON *doc, const vt_contact *to,
                      const char *note, const char *obligation, int64_t now_ms, bool zh)
{
    const cJSON *gbt = cJSON_GetObjectItemCaseSensitive(doc, "gbt");
    cJSON *o = cJSON_CreateObject(), *grade = NULL, *recipient = NULL, *rem;
    char t[VT_TIME_TEXT_MAX], adv[160];
    int rc = 0;

    if (!o)
        return NULL;
    rc |= vt_json_add_str(o, "type", kind);
    rc |= vt_json_add_str(o, "case", c->ref);
    rc |= vt_json_add_str(o, "title", c->title ? c->title : "");
    rc |= vt_json_add_take(o, "products", products_of(doc));
    if (cJSON_IsObject(gbt) && cJSON_GetObjectItemCaseSensitive(gbt, "grade")) {
        grade = cJSON_CreateObject();
        rc |= grade ? 0 : VT_ENOMEM;
        if (grade) {
            rc |= copy_member(grade, gbt, "grade");
            rc |= copy_member(grade, gbt, "grade_zh");
            rc |= copy_member(grade, gbt, "method");
        }
        rc |= vt_json_add_take(o, "grade", grade);
    } else {
        rc |= vt_json_add_null(o, "grade");
    }
    rc |= vt_json_add_take(o, "cvss", cvss_of(doc));
    rem = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(doc, "remediations"), true);
    rc |= vt_json_add_take(o, "remediations", rem ? rem : cJSON_CreateArray());
    rc |= vt_json_add_str(o, "advisory", advisory_ref(doc, c->ref, adv));
    rc |= copy_member(o, doc, "identifiers");
    rc |= obligation ? vt_json_add_str(o, "obligation", obligation)
                     : vt_json_add_null(o, "obligation");
    rc |= note ? vt_json_add_str(o, "note", note) : vt_json_add_null(o, "note");
    recipient = cJSON_CreateObject();
    rc |= recipient ? 0 : VT_ENOMEM;
    if (recipient) {
        rc |= vt_json_add_num(recipient, "contact_id", (double)to->id);
        rc |= vt_json_add_str(recipient, "name", to->name ? to->name : "");
        rc |= vt_json_add_str(recipient, "role", to->role);
    }
    rc |= vt_json_add_take(o, "recipient", recipient);
    rc |= vt_json_add_take(o, "bilingual", cJSON_CreateBool(zh));
    rc |= vt_json_add_str(o, "sent_at", vt_time_format_utc(t, now_ms));
    if (rc) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* A scalar as text ("" for what is not one). */
static void scalar_text(const cJSON *v, char *out, size_t n)
{
    if (cJSON_IsString(v))
        snprintf(out, n, "%s", v->valuestring);
    else if (cJSON_IsNumber(v))
        snprintf(out, n, "%g", v->valuedouble);
    else
        out[0] = '\0';
}

/* One line per item of the notice, written as text and as HTML. */
typedef struct writer {
    vt_buf text;
    vt_buf html;
    bool zh;
    int rc;
} writer;

static void put_line(writer *w, const char *key, const char *value)
{
    char lab[128];

    if (!value || !value[0])
        return;
    label_of(key, w->zh, lab);
    w->rc |= vt_buf_printf(&w->text, "%s: %s\n", lab, value);
    w->rc |= vt_buf_puts(&w->html, "<tr><th>");
    w->rc |= html_escape(&w->html, lab);
    w->rc |= vt_buf_puts(&w->html, "</th><td>");
    w->rc |= html_escape(&w->html, value);
    w->rc |= vt_buf_puts(&w->html, "</td></tr>\n");
}

/* A version entry as text: "1.2.3", or a range "introduced 1.0, fixed 1.4". */
static void version_text(const cJSON *v, vt_buf *b)
{
    static const char *const ends[] = {"introduced", "fixed", "last_affected"};
    size_t i;
    bool first = true;

    if (cJSON_IsString(v)) {
        vt_buf_puts(b, v->valuestring);
        return;
    }
    for (i = 0; i < 3; i++) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(v, ends[i]);
        if (!cJSON_IsString(e))
            continue;
        vt_buf_printf(b, "%s%s %s", first ? "" : ", ", ends[i], e->valuestring);
        first = false;
    }
}

/* "Name model (versions: 1.0, 1.1; fixed in: 1.2)". */
static void product_lines(writer *w, const cJSON *products)
{
    const cJSON *p, *v;
    vt_buf b = VT_BUF_INIT;
    char s[512];

    cJSON_ArrayForEach(p, products)
    {
        const cJSON *vs = cJSON_GetObjectItemCaseSensitive(p, "versions");
        const cJSON *fx = cJSON_GetObjectItemCaseSensitive(p, "fixed_versions");
        vt_buf_clear(&b);
        scalar_text(cJSON_GetObjectItemCaseSensitive(p, "vendor"), s, sizeof(s));
        if (s[0])
            vt_buf_printf(&b, "%s ", s);
        scalar_text(cJSON_GetObjectItemCaseSensitive(p, "name"), s, sizeof(s));
        vt_buf_puts(&b, s);
        scalar_text(cJSON_GetObjectItemCaseSensitive(p, "model"), s, sizeof(s));
        if (s[0])
            vt_buf_printf(&b, " %s", s);
        if (cJSON_GetArraySize(vs) > 0) {
            vt_buf_puts(&b, w->zh ? " (versions / 版本: " : " (versions: ");
            cJSON_ArrayForEach(v, vs)
            {
                version_text(v, &b);
                if (v->next)
                    vt_buf_puts(&b, "; ");
            }
            vt_buf_puts(&b, ")");
        }
        if (cJSON_GetArraySize(fx) > 0) {
            vt_buf_puts(&b, w->zh ? " (fixed in / 已修复版本: " : " (fixed in: ");
            cJSON_ArrayForEach(v, fx)
            {
                version_text(v, &b);
                if (v->next)
                    vt_buf_puts(&b, "; ");
            }
            vt_buf_puts(&b, ")");
        }
        put_line(w, "products", b.ptr);
    }
    vt_buf_dispose(&b);
}

static void cvss_lines(writer *w, const cJSON *cvss)
{
    const cJSON *c;
    char vec[256], score[32], sev[32], line[400];

    cJSON_ArrayForEach(c, cvss)
    {
        scalar_text(cJSON_GetObjectItemCaseSensitive(c, "vector"), vec, sizeof(vec));
        scalar_text(cJSON_GetObjectItemCaseSensitive(c, "score"), score, sizeof(score));
        scalar_text(cJSON_GetObjectItemCaseSensitive(c, "severity"), sev, sizeof(sev));
        snprintf(line, sizeof(line), "%s%s%s%s%s", score, sev[0] ? " " : "", sev, vec[0] ? " " : "",
                 vec);
        put_line(w, "cvss", line);
    }
}

static void remediation_lines(writer *w, const cJSON *rems)
{
    const cJSON *r;
    char kind[32], ver[128], ins[1024], prod[128], line[1400];

    cJSON_ArrayForEach(r, rems)
    {
        scalar_text(cJSON_GetObjectItemCaseSensitive(r, "kind"), kind, sizeof(kind));
        scalar_text(cJSON_GetObjectItemCaseSensitive(r, "version"), ver, sizeof(ver));
        scalar_text(cJSON_GetObjectItemCaseSensitive(r, "instructions"), ins, sizeof(ins));
        scalar_text(cJSON_GetObjectItemCaseSensitive(r, "product"), prod, sizeof(prod));
        snprintf(line, sizeof(line), "%s%s%s%s%s%s%s", kind, prod[0] ? " " : "", prod,
                 ver[0] ? " " : "", ver, ins[0] ? ": " : "", ins);
        put_line(w, "remediations", line);
    }
}

static const char *intro(const char *kind, bool zh)
{
    if (strcmp(kind, "upstream_notice") == 0)
        return zh ? "A vulnerability in your product was reported to us. We notify you as its "
                    "provider so that it can be fixed (Art. 7(1)).\n"
                    "我们收到了关于贵方产品的漏洞报告，特此通知产品提供者以便及时修补。"
                  : "A vulnerability in your product was reported to us. We notify you as its "
                    "provider so that it can be fixed (Art. 7(1)).";
    return zh ? "A vulnerability affects a product you use. Please apply the remediation below "
                "(Art. 7(3)).\n"
                "您使用的产品存在漏洞，请按下列修复措施处置。"
              : "A vulnerability affects a product you use. Please apply the remediation below "
                "(Art. 7(3)).";
}

/* Write the text and HTML parts from body `o`. */
static int write_parts(writer *w, const cJSON *o, const char *kind, const char *subject)
{
    const cJSON *grade = cJSON_GetObjectItemCaseSensitive(o, "grade");
    char g[160], s1[64], s2[64];

    w->rc |= vt_buf_printf(&w->text, "%s\n\n%s\n\n", subject, intro(kind, w->zh));
    w->rc |= vt_buf_puts(&w->html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
    w->rc |= html_escape(&w->html, subject);
    w->rc |= vt_buf_puts(&w->html, "</title></head><body>\n<h1>");
    w->rc |= html_escape(&w->html, subject);
    w->rc |= vt_buf_puts(&w->html, "</h1>\n<p>");
    w->rc |= html_escape(&w->html, intro(kind, w->zh));
    w->rc |= vt_buf_puts(&w->html, "</p>\n<table>\n");
    put_line(w, "case", cJSON_GetObjectItemCaseSensitive(o, "case")->valuestring);
    put_line(w, "title", cJSON_GetObjectItemCaseSensitive(o, "title")->valuestring);
    product_lines(w, cJSON_GetObjectItemCaseSensitive(o, "products"));
    if (cJSON_IsObject(grade)) {
        scalar_text(cJSON_GetObjectItemCaseSensitive(grade, "grade"), s1, sizeof(s1));
        scalar_text(cJSON_GetObjectItemCaseSensitive(grade, "grade_zh"), s2, sizeof(s2));
        snprintf(g, sizeof(g), "%s%s%s%s", s1, s2[0] ? " (" : "", s2, s2[0] ? ")" : "");
        put_line(w, "grade", g);
    }
    cvss_lines(w, cJSON_GetObjectItemCaseSensitive(o, "cvss"));
    remediation_lines(w, cJSON_GetObjectItemCaseSensitive(o, "remediations"));
    scalar_text(cJSON_GetObjectItemCaseSensitive(o, "advisory"), g, sizeof(g));
    put_line(w, "advisory", g);
    scalar_text(cJSON_GetObjectItemCaseSensitive(o, "obligation"), g, sizeof(g));
    put_line(w, "obligation", g);
    put_line(w, "note",
             cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "note"))
                 ? cJSON_GetObjectItemCaseSensitive(o, "note")->valuestring
                 : NULL);
    put_line(w, "sent_at", cJSON_GetObjectItemCaseSensitive(o, "sent_at")->valuestring);
    w->rc |= vt_buf_puts(&w->html, "</table>\n</body></html>\n");
    return w->rc ? VT_ENOMEM : 0;
}

/* Does the people-written text of the doc hold Chinese? Computed members
 * (the grade's Chinese label) do not count. */
static bool doc_has_cjk(const cJSON *doc)
{
    static const char *const keys[] = {
        "description", "tech_characteristics", "harm",    "impact_scope",
        "products",    "remediations",         "upstream"};
    size_t i;
    bool found = false;

    for (i = 0; !found && i < sizeof(keys) / sizeof(keys[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, keys[i]);
        char *text;

        if (cJSON_IsString(v)) {
            found = vt_notice_has_cjk(v->valuestring);
        } else if (v) {
            /* cJSON prints non-ASCII text as UTF-8, so the scan sees it. */
            text = cJSON_PrintUnformatted(v);
            found = text && vt_notice_has_cjk(text);
            if (text)
                cJSON_free(text);
        }
    }
    return found;
}

int vt_notice_compose(vt_notice *out, const char *kind, const vt_case *c, const vt_contact *to,
                      const char *note, const char *obligation, int64_t now_ms, vt_error *err)
{
    writer w;
    cJSON *doc = NULL, *body = NULL;
    char *json = NULL;
    char subject[512];
    bool upstream;
    int error;

    memset(&w, 0, sizeof(w));
    vt_buf_init(&w.text, NOTICE_MAX);
    vt_buf_init(&w.html, NOTICE_MAX);
    if (!kind || (strcmp(kind, "upstream_notice") != 0 && strcmp(kind, "user_notice") != 0))
        return vt_error_set_field(err, VT_EINVALID, "/kind",
                                  "/kind: upstream_notice or user_notice");
    upstream = kind[1] == 'p';
    error = vt_json_parse(&doc, c->doc ? c->doc : "{}", strlen(c->doc ? c->doc : "{}"), err);
    if (error < 0)
        goto out;
    w.zh = vt_notice_has_cjk(c->title) || vt_notice_has_cjk(note) || doc_has_cjk(doc);
    body = body_of(kind, c, doc, to, note, obligation, now_ms, w.zh);
    if (!body) {
        error = vt_error_set(err, VT_ENOMEM, 0, "composing a notice");
        goto out;
    }
    snprintf(subject, sizeof(subject), "%s%s %s: %s",
             upstream ? "Vulnerability notice to the provider" : "Security notice to users",
             w.zh ? (upstream ? " / 漏洞通知" : " / 安全通知") : "", c->ref,
             c->title ? c->title : "");
    error = write_parts(&w, body, kind, subject);
    if (error < 0) {
        vt_error_set(err, error, 0, "composing a notice");
        goto out;
    }
    json = cJSON_PrintUnformatted(body);
    out->subject = vt_strdup(subject);
    out->body_json = json ? vt_strdup(json) : NULL;
    out->body_text = vt_buf_detach(&w.text);
    out->body_html = vt_buf_detach(&w.html);
    if (!out->subject || !out->body_json || !out->body_text || !out->body_html) {
        vt_notice_dispose(out);
        error = vt_error_set(err, VT_ENOMEM, 0, "composing a notice");
    }
out:
    if (json)
        cJSON_free(json);
    cJSON_Delete(body);
    cJSON_Delete(doc);
    vt_buf_dispose(&w.text);
    vt_buf_dispose(&w.html);
    return error;
}
