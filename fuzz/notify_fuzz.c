/*
 * notify_fuzz.c - fuzz target for what the notifications take from API
 * callers: a contact object (contacts.h) and a case doc turned into a
 * notice (notify.h).
 *
 * The first byte chooses: 'c' the rest is a contact object; anything else
 * the rest is a case doc. An accepted contact must be consistent (a
 * two-letter upper-case country, an http(s) URL and a secret for a
 * webhook, no secret for e-mail) and its JSON must never show the secret.
 * A doc that parses must give a notice whose JSON body parses back as an
 * object, whose HTML holds no markup from the doc, and matching contacts
 * to its products must not fail. Any breach aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/contacts.h"
#include "vulntrack/json.h"
#include "vulntrack/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *text)
{
    fprintf(stderr, "notify_fuzz: %s: %s\n", what, text);
    abort();
}

static void check_contact(const char *text)
{
    vt_contact c = VT_CONTACT_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *in = NULL, *out;
    int rc;

    if (vt_json_parse(&in, text, strlen(text), &err) < 0)
        return;
    rc = vt_contact_apply_json(&c, in, false, &err);
    if (rc != 0 && rc != VT_EINVALID && rc != VT_ENOMEM)
        die("unexpected code", text);
    if (rc == VT_EINVALID && err.field[0] && err.field[0] != '/')
        die("field is not a JSON pointer", err.field);
    if (rc == 0) {
        if (strlen(c.country) != 2 || c.country[0] < 'A' || c.country[0] > 'Z' ||
            c.country[1] < 'A' || c.country[1] > 'Z')
            die("accepted country", c.country);
        if (strcmp(c.channel, "webhook") == 0 &&
            (!c.secret ||
             (strncmp(c.address, "http://", 7) != 0 && strncmp(c.address, "https://", 8) != 0)))
            die("accepted webhook", text);
        if (strcmp(c.channel, "email") == 0 && (c.secret || !strchr(c.address, '@')))
            die("accepted e-mail contact", text);
        if (!vt_contact_role_valid(c.role))
            die("accepted role", c.role);
        out = vt_contact_json(&c);
        if (out && cJSON_GetObjectItemCaseSensitive(out, "secret"))
            die("the JSON shows the secret", text);
        cJSON_Delete(out);
    }
    vt_contact_dispose(&c);
    cJSON_Delete(in);
}

static void check_notice(char *text)
{
    static const char *const kinds[] = {"upstream_notice", "user_notice"};
    vt_case k = VT_CASE_INIT;
    vt_contact to = VT_CONTACT_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *doc = NULL, *body = NULL;
    size_t i;

    if (vt_json_parse(&doc, text, strlen(text), &err) < 0)
        return;
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return;
    }
    snprintf(k.ref, sizeof(k.ref), "VT-2026-000001");
    k.title = (char *)"<b>title</b>";
    k.doc = text;
    to.id = 1;
    to.name = (char *)"x";
    to.product_id = 7;
    to.versions = (char *)"[\"1.0\"]";
    snprintf(to.role, sizeof(to.role), "user");
    (void)vt_contact_matches_case(&to, cJSON_GetObjectItemCaseSensitive(doc, "products"));
    for (i = 0; i < 2; i++) {
        vt_notice n = VT_NOTICE_INIT;
        int rc = vt_notice_compose(&n, kinds[i], &k, &to, "<i>", NULL, 0, &err);

        if (rc != 0 && rc != VT_ENOMEM && rc != VT_EINVALID)
            die("unexpected code", text);
        if (rc == 0) {
            if (vt_json_parse(&body, n.body_json, strlen(n.body_json), &err) != 0 ||
                !cJSON_IsObject(body))
                die("body is not a JSON object", n.body_json);
            cJSON_Delete(body);
            body = NULL;
            if (strstr(n.body_html, "<b>") || strstr(n.body_html, "<i>"))
                die("markup reached the HTML", n.body_html);
        }
        vt_notice_dispose(&n);
    }
    cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    if (size == 0)
        return 0;
    text = vt_strndup((const char *)data + 1, size - 1);
    if (!text)
        return 0;
    vt_json_init();
    if (data[0] == 'c')
        check_contact(text);
    else
        check_notice(text);
    vt_free(text);
    return 0;
}
