/*
 * authority_html.c - the authority report (authority_report.c) as one
 * printable, bilingual HTML page.
 *
 * The page is self-contained (inline CSS, no script, no image, no outside
 * link) so that it prints and archives as it is, and the completeness
 * result comes first so that nobody prints an incomplete report without
 * seeing it. Every text taken from the report passes through
 * vt_html_escape: the case texts come from reporters and analysts, and the
 * page is opened in a browser.
 */
#include <string.h>

#include "vulntrack/authority.h"
#include "vulntrack/json.h"

/* Length of the UTF-8 sequence starting at s[0..len), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    size_t n, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2, cp = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3, cp = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not text. */
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

int vt_html_escape(vt_buf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n;
    int error = 0;

    while (!error && i < len) {
        unsigned char c = p[i];

        switch (c) {
        case '&':
            error = vt_buf_puts(out, "&amp;");
            break;
        case '<':
            error = vt_buf_puts(out, "&lt;");
            break;
        case '>':
            error = vt_buf_puts(out, "&gt;");
            break;
        case '"':
            error = vt_buf_puts(out, "&quot;");
            break;
        case '\'':
            error = vt_buf_puts(out, "&#39;");
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
                error = vt_buf_puts(out, "\xEF\xBF\xBD");
                break;
            }
            n = utf8_seq(p + i, len - i);
            if (n == 0) {
                error = vt_buf_puts(out, "\xEF\xBF\xBD");
                break;
            }
            error = vt_buf_put(out, s + i, n);
            i += n - 1;
        }
        i++;
    }
    return error;
}

/* ---------------------------------------------------------------------
 * Page pieces
 * ------------------------------------------------------------------- */

struct page {
    vt_buf *out;
    int error;
};

static void raw(struct page *pg, const char *s)
{
    if (!pg->error)
        pg->error = vt_buf_puts(pg->out, s);
}

static void text(struct page *pg, const char *s)
{
    if (!pg->error && s)
        pg->error = vt_html_escape(pg->out, s, strlen(s));
}

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Any JSON value as escaped text: strings as they are, the rest as JSON. */
static void json_text(struct page *pg, const cJSON *v)
{
    vt_buf tmp = VT_BUF_INIT;

    if (!v || cJSON_IsNull(v)) {
        raw(pg, "<span class=\"none\">—</span>");
        return;
    }
    if (cJSON_IsString(v)) {
        if (v->valuestring[0] == '\0')
            raw(pg, "<span class=\"none\">—</span>");
        else
            text(pg, v->valuestring);
        return;
    }
    if (!pg->error)
        pg->error = vt_json_print(&tmp, v);
    text(pg, tmp.ptr);
    vt_buf_dispose(&tmp);
}

/* One table row: label in both languages, then the value. */
static void row(struct page *pg, const char *zh, const char *en, const cJSON *v)
{
    raw(pg, "<tr><th><span lang=\"zh\">");
    text(pg, zh);
    raw(pg, "</span><br><span lang=\"en\">");
    text(pg, en);
    raw(pg, "</span></th><td>");
    json_text(pg, v);
    raw(pg, "</td></tr>\n");
}

static void versions(struct page *pg, const cJSON *list)
{
    const cJSON *v;
    bool first = true;

    cJSON_ArrayForEach(v, list)
    {
        if (!first)
            raw(pg, "<br>");
        first = false;
        if (str(v, "version")) {
            text(pg, str(v, "version"));
            continue;
        }
        text(pg, str(v, "scheme") ? str(v, "scheme") : "?");
        raw(pg, ": ");
        if (str(v, "introduced")) {
            raw(pg, "&ge; ");
            text(pg, str(v, "introduced"));
            raw(pg, " ");
        }
        if (str(v, "fixed")) {
            raw(pg, "&lt; ");
            text(pg, str(v, "fixed"));
        }
        if (str(v, "last_affected")) {
            raw(pg, "&le; ");
            text(pg, str(v, "last_affected"));
        }
    }
    if (first)
        raw(pg, "<span class=\"none\">—</span>");
}

static void products(struct page *pg, const cJSON *list)
{
    const cJSON *p;

    cJSON_ArrayForEach(p, list)
    {
        raw(pg, "<table class=\"fields\">\n");
        row(pg, "产品名称", "Product name", get(p, "product_name"));
        row(pg, "厂商", "Vendor", get(p, "vendor"));
        row(pg, "型号", "Model", get(p, "product_model"));
        if (get(p, "product_model_justification"))
            row(pg, "型号不适用的理由", "Why no model applies",
                get(p, "product_model_justification"));
        raw(pg, "<tr><th><span lang=\"zh\">版本</span><br><span lang=\"en\">Affected "
                "versions</span></th><td>");
        versions(pg, get(p, "affected_versions"));
        raw(pg, "</td></tr>\n");
        row(pg, "已修复版本", "Fixed versions", get(p, "fixed_versions"));
        raw(pg, "</table>\n");
    }
}

static void completeness(struct page *pg, const cJSON *c)
{
    const cJSON *m;

    if (cJSON_IsTrue(get(c, "complete"))) {
        raw(pg, "<section class=\"check ok\"><h2>完整性检查：通过 / Completeness check: "
                "complete</h2></section>\n");
        return;
    }
    raw(pg, "<section class=\"check missing\"><h2>完整性检查：缺少以下字段 / Completeness "
            "check: fields missing</h2>\n<ul>\n");
    cJSON_ArrayForEach(m, get(c, "missing"))
    {
        raw(pg, "<li><span lang=\"zh\">");
        text(pg, str(m, "zh"));
        raw(pg, "</span> / <span lang=\"en\">");
        text(pg, str(m, "en"));
        raw(pg, "</span> (<code>");
        text(pg, str(m, "field"));
        raw(pg, "</code>): ");
        text(pg, str(m, "reason"));
        raw(pg, "</li>\n");
    }
    raw(pg, "</ul></section>\n");
}

static const char page_css[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",sans-serif;margin:2em;"
    "color:#000;background:#fff;font-size:11pt}"
    "h1{font-size:16pt}h2{font-size:13pt;margin-top:1.2em}"
    "table.fields{border-collapse:collapse;width:100%;margin:.5em 0}"
    "table.fields th,table.fields td{border:1px solid #444;padding:4px 6px;"
    "vertical-align:top;text-align:left}"
    "table.fields th{width:28%;background:#eee;font-weight:normal}"
    "td{white-space:pre-wrap;word-break:break-word}"
    ".check{border:2px solid #000;padding:.3em 1em}.check.missing{border-color:#b00}"
    ".none{color:#777}.update{border:2px solid #b60;padding:.3em 1em}"
    "@media print{body{margin:0}.check{break-inside:avoid}"
    "table.fields tr{break-inside:avoid}@page{size:A4;margin:15mm}}";

int vt_authority_html(vt_buf *out, const cJSON *report)
{
    const cJSON *req = get(report, "required"), *rec = get(report, "recommended");
    const cJSON *g = get(req, "grade"), *ids = get(rec, "identifiers");
    struct page pg = {out, 0};

    raw(&pg, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
    text(&pg, "漏洞信息报送 / Vulnerability report ");
    text(&pg, str(report, "case"));
    raw(&pg, "</title>\n<style>");
    raw(&pg, page_css);
    raw(&pg, "</style>\n</head>\n<body>\n<h1>网络产品安全漏洞信息报送 / Report of a security "
             "vulnerability in a network product</h1>\n<p>");
    text(&pg, "《网络产品安全漏洞管理规定》第七条第（二）项 / RMSV 2021 Art. 7(2). ");
    text(&pg, "案件 / Case: ");
    text(&pg, str(report, "case"));
    raw(&pg, "</p>\n");
    completeness(&pg, get(report, "completeness"));
    if (cJSON_IsTrue(get(report, "update_due")))
        raw(&pg, "<section class=\"update\"><h2>需更新报送 / Update due</h2><p>已报送后漏洞信息"
                 "发生重大变化（受影响版本或修补措施）。 / Affected versions or the fix changed "
                 "after the last submission.</p></section>\n");

    raw(&pg, "<h2>受影响产品 / Affected products</h2>\n");
    products(&pg, get(req, "products"));
    if (cJSON_GetArraySize(get(req, "products")) == 0)
        raw(&pg, "<p class=\"none\">—</p>\n");

    raw(&pg, "<h2>漏洞信息 / The vulnerability</h2>\n<table class=\"fields\">\n");
    row(&pg, "漏洞名称", "Title", get(rec, "title"));
    row(&pg, "技术特点", "Technical characteristics", get(req, "tech_characteristics"));
    row(&pg, "漏洞分类（GB/T 30279）", "Category (GB/T 30279)", get(req, "category_code"));
    row(&pg, "CWE", "CWE", get(req, "cwe"));
    row(&pg, "危害", "Harm", get(req, "harm"));
    row(&pg, "漏洞等级", "Grade", get(g, "grade_zh") ? get(g, "grade_zh") : get(g, "grade"));
    row(&pg, "分级方法", "Grading method", get(g, "method"));
    row(&pg, "保密性影响", "Confidentiality impact", get(get(g, "impact"), "confidentiality"));
    row(&pg, "完整性影响", "Integrity impact", get(get(g, "impact"), "integrity"));
    row(&pg, "可用性影响", "Availability impact", get(get(g, "impact"), "availability"));
    row(&pg, "影响范围", "Scope of impact", get(req, "impact_scope"));
    raw(&pg, "</table>\n");

    raw(&pg, "<h2>编号 / Identifiers</h2>\n<table class=\"fields\">\n");
    row(&pg, "CVE编号", "CVE", get(ids, "CVE"));
    row(&pg, "CNVD编号", "CNVD", get(ids, "CNVD"));
    row(&pg, "CNNVD编号", "CNNVD", get(ids, "CNNVD"));
    row(&pg, "CNCVD编号", "CNCVD", get(ids, "CNCVD"));
    row(&pg, "NVDB编号", "NVDB", get(ids, "NVDB"));
    row(&pg, "其他编号", "Other identifiers", get(ids, "other"));
    raw(&pg, "</table>\n");

    raw(&pg, "<h2>其他信息 / Further information</h2>\n<table class=\"fields\">\n");
    row(&pg, "厂商", "Vendor", get(rec, "vendor"));
    row(&pg, "联系方式", "Provider contact", get(rec, "contact"));
    row(&pg, "发现或获知时间", "Aware at", get(rec, "aware_at"));
    row(&pg, "验证时间", "Verified at", get(rec, "verified_at"));
    row(&pg, "处置状态", "Handling state", get(rec, "state"));
    row(&pg, "上游组件及其提供者", "Upstream component and provider", get(rec, "upstream"));
    row(&pg, "修补状态", "Fix status", get(get(rec, "fix"), "status"));
    row(&pg, "修补措施", "Remediations", get(get(rec, "fix"), "remediations"));
    row(&pg, "发现者致谢", "Credit", get(rec, "credit"));
    row(&pg, "是否已发现被利用", "Exploitation observed", get(rec, "exploitation_observed"));
    raw(&pg, "</table>\n</body>\n</html>\n");
    return pg.error;
}
