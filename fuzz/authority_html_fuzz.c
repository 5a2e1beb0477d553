/*
 * authority_html_fuzz.c - fuzz target for the authority report page.
 *
 * Input: a JSON case document (the `doc` of a case), or a whole report
 * input {"case": ..., "org": ...}. The report is assembled and rendered
 * twice: once as given, once with every '<' in the input's string values
 * replaced by 'x' (same lengths, same structure). Every '<' of the page
 * must come from the page's own markup, so both pages have the same
 * number of them: one more in the first page is input text that escaped
 * unescaped, and aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/authority.h"
#include "vulntrack/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Replace '<' by 'x' in every string value below `j` (keys untouched). */
static void defang(cJSON *j)
{
    cJSON *c;
    char *p;

    if (cJSON_IsString(j) && j->valuestring)
        for (p = j->valuestring; *p; p++)
            if (*p == '<')
                *p = 'x';
    for (c = j->child; c; c = c->next)
        defang(c);
}

static size_t count_lt(const vt_buf *b)
{
    size_t i, n = 0;

    for (i = 0; i < b->len; i++)
        n += b->ptr[i] == '<';
    return n;
}

/* Render `in` into `out`; false when the input is refused (no case object). */
static bool render(const cJSON *in, vt_buf *out)
{
    vt_error err = VT_ERROR_INIT;
    cJSON *report = NULL;
    int error = vt_authority_report_build(&report, in, &err);

    if (error == VT_EINVALID)
        return false;
    if (error < 0 || vt_authority_html(out, report) < 0) {
        fprintf(stderr, "authority_html_fuzz: rendering failed: %s\n", err.msg);
        abort();
    }
    if (strlen(out->ptr) != out->len) {
        fprintf(stderr, "authority_html_fuzz: NUL byte in the page\n");
        abort();
    }
    cJSON_Delete(report);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool init;
    vt_error err = VT_ERROR_INIT;
    cJSON *doc = NULL, *in = NULL, *tame = NULL, *c;
    vt_buf a = VT_BUF_INIT, b = VT_BUF_INIT;

    if (!init) {
        vt_json_init();
        init = true;
    }
    if (size > 64 * 1024 || vt_json_parse(&doc, (const char *)data, size, &err) < 0)
        return 0;
    if (cJSON_IsObject(doc) && cJSON_GetObjectItemCaseSensitive(doc, "case")) {
        in = doc;
        doc = NULL;
    } else {
        in = cJSON_CreateObject();
        c = cJSON_CreateObject();
        if (!in || !c || vt_json_add_take(in, "case", c) < 0 ||
            vt_json_add_str(c, "ref", "VT-2026-000001") < 0 || vt_json_add_take(c, "doc", doc) < 0)
            abort();
        doc = NULL;
    }
    tame = cJSON_Duplicate(in, true);
    if (!tame)
        abort();
    defang(tame);
    if (render(in, &a)) {
        if (!render(tame, &b))
            abort();
        if (count_lt(&a) != count_lt(&b)) {
            fprintf(stderr, "authority_html_fuzz: input text reached the page unescaped\n");
            abort();
        }
    }
    vt_buf_dispose(&a);
    vt_buf_dispose(&b);
    cJSON_Delete(tame);
    cJSON_Delete(in);
    cJSON_Delete(doc);
    return 0;
}
