/*
 * intake_fuzz.c - fuzz target for the intake report validator (JSON text in).
 *
 * A refusal must carry a one-line message and a field that is a JSON
 * pointer ("" for the whole body). An accepted report must be stable: the
 * normalised document with its attachments encoded again is accepted too,
 * and gives the same document and the same attachment hashes, so the
 * validator never stores what it would itself refuse. Any mismatch aborts,
 * so that libFuzzer (or the replay driver under ctest) reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "vulntrack/alloc.h"
#include "vulntrack/intake.h"
#include "vulntrack/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "intake_fuzz: %s\n  first:  %s\n  second: %s\n", what, a ? a : "(null)",
            b ? b : "(null)");
    abort();
}

/* The report as a submitter would send it again: doc plus encoded attachments. */
static char *resubmission(const vt_intake_report *r)
{
    cJSON *o = cJSON_Duplicate(r->doc, true), *arr = cJSON_CreateArray();
    char *text = NULL;
    size_t i;

    if (!o || !arr)
        die("out of memory", NULL, NULL);
    for (i = 0; i < r->nattachments; i++) {
        const vt_intake_attachment *a = &r->attachments[i];
        size_t cap = sodium_base64_ENCODED_LEN(a->size, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = vt_malloc(cap);
        cJSON *e = cJSON_CreateObject();

        if (!b64 || !e)
            die("out of memory", NULL, NULL);
        sodium_bin2base64(b64, cap, a->content, a->size, sodium_base64_VARIANT_ORIGINAL);
        if (vt_json_add_str(e, "filename", a->filename) < 0 ||
            vt_json_add_str(e, "media_type", a->media_type) < 0 ||
            vt_json_add_str(e, "classification", a->classification) < 0 ||
            vt_json_add_str(e, "content_base64", b64) < 0 || vt_json_add_take(arr, NULL, e) < 0)
            die("out of memory", NULL, NULL);
        vt_free(b64);
    }
    if (vt_json_add_take(o, "attachments", arr) < 0)
        die("out of memory", NULL, NULL);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        die("out of memory", NULL, NULL);
    return text;
}

static char *doc_text(const vt_intake_report *r)
{
    char *t = cJSON_PrintUnformatted(r->doc);

    if (!t)
        die("out of memory", NULL, NULL);
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    vt_intake_limits lim = {64, 4};
    vt_intake_report *r = NULL, *q = NULL;
    vt_error err = VT_ERROR_INIT;
    char *again, *d1, *d2;
    size_t i;

    if (!ready) {
        vt_json_init();
        if (sodium_init() < 0)
            abort();
        ready = true;
    }
    if (vt_intake_report_parse_text(&r, (const char *)data, size, &lim, &err) != 0) {
        if (r)
            die("refusal with a report", err.msg, NULL);
        if (!err.msg[0] || strchr(err.msg, '\n'))
            die("refusal without a one-line message", err.msg, NULL);
        if (err.field[0] && err.field[0] != '/')
            die("refusal whose field is not a JSON pointer", err.field, err.msg);
        return 0;
    }
    if (!r->title || !r->title[0])
        die("accepted without a title", NULL, NULL);
    again = resubmission(r);
    if (vt_intake_report_parse_text(&q, again, strlen(again), &lim, &err) != 0)
        die("the normalised report is refused", again, err.msg);
    d1 = doc_text(r);
    d2 = doc_text(q);
    if (strcmp(d1, d2) != 0)
        die("normalising twice changes the report", d1, d2);
    if (r->nattachments != q->nattachments)
        die("attachment count changes", d1, d2);
    for (i = 0; i < r->nattachments; i++)
        if (strcmp(r->attachments[i].sha256, q->attachments[i].sha256) != 0 ||
            strcmp(r->attachments[i].filename, q->attachments[i].filename) != 0)
            die("attachment changes", r->attachments[i].filename, q->attachments[i].filename);
    cJSON_free(again);
    cJSON_free(d1);
    cJSON_free(d2);
    vt_intake_report_free(r);
    vt_intake_report_free(q);
    return 0;
}
