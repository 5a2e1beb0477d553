/*
 * ledger_detail_fuzz.c - fuzz target for the canonicalisation of a ledger
 * entry's `detail` JSON (through vt_ledger_append, on an in-memory store).
 *
 * The detail of an entry is hashed as stored, so its canonical form must be
 * a fixed point: appending the stored text again must store the very same
 * text, and that text must be a JSON object. A refusal must name the
 * field ("/detail"). Any breach aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vt_store *store;

static int keep_detail(void *ctx, const vt_ledger_entry *e)
{
    char **out = ctx;

    vt_free(*out);
    *out = vt_strdup(e->detail);
    return *out ? 0 : VT_ENOMEM;
}

/* Append an entry with `detail`; on success *stored is the stored text. */
static int append(const char *detail, char **stored, vt_error *err)
{
    vt_ledger_entry_in in = {0};
    vt_ledger_receipt r;
    int rc;

    in.kind = "fuzz";
    in.channel = "system";
    in.actor = "system";
    in.subject = "detail";
    in.detail = detail;
    in.at_ms = 1;
    rc = vt_ledger_append(store, &in, &r, err);
    if (rc < 0)
        return rc;
    return vt_ledger_list(store, r.seq - 1, 1, keep_detail, stored, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_error err = VT_ERROR_INIT;
    char *text, *first = NULL, *second = NULL;
    cJSON *parsed = NULL;
    int rc;

    if (!store) {
        vt_json_init();
        if (vt_store_open(&store, ":memory:", &err) < 0) {
            fprintf(stderr, "ledger_detail_fuzz: %s\n", err.msg);
            abort();
        }
    }
    /* The detail is a C string: stop at an embedded NUL as a caller would. */
    text = vt_strndup((const char *)data, size);
    if (!text)
        return 0;
    if (vt_store_begin(store, &err) < 0)
        abort();
    rc = append(text, &first, &err);
    if (rc < 0) {
        if (strcmp(err.field, "/detail") != 0) {
            fprintf(stderr, "ledger_detail_fuzz: refusal without the field: %s\n", err.msg);
            abort();
        }
        goto out;
    }
    if (append(first, &second, &err) < 0) {
        fprintf(stderr, "ledger_detail_fuzz: canonical text refused: %s\n  %s\n", err.msg, first);
        abort();
    }
    if (strcmp(first, second) != 0) {
        fprintf(stderr, "ledger_detail_fuzz: not a fixed point\n  %s\n  %s\n", first, second);
        abort();
    }
    if (vt_json_parse(&parsed, first, strlen(first), NULL) < 0 || !cJSON_IsObject(parsed)) {
        fprintf(stderr, "ledger_detail_fuzz: canonical text is not an object: %s\n", first);
        abort();
    }
out:
    /* Nothing is kept: the in-memory ledger stays empty between inputs. */
    vt_store_rollback(store);
    cJSON_Delete(parsed);
    vt_free(first);
    vt_free(second);
    vt_free(text);
    return 0;
}
