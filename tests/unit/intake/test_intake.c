/*
 * test_intake.c - the intake channel: every validation rule with the JSON
 * pointer it names, base64 and classification of attachments, e-mail
 * syntax, allocation failures, and recording reports and messages in a
 * temporary store (the report row, its attachments, the ledger entry whose
 * seq and hash are the receipt, the tracking token's hash), the views of a
 * reporter and of staff, and the listing order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "store/store_internal.h"
#include "test_store_support.h"
#include "vulntrack/alloc.h"
#include "vulntrack/auth.h"
#include "vulntrack/intake.h"
#include "vulntrack/json.h"
#include "vulntrack/ledger.h"
#include "vulntrack/store.h"

/* A report that passes every rule; cases below change one thing. */
#define GOOD_PRODUCT "\"product\":{\"name\":\"Router\",\"model\":\"RT-1\",\"version\":\"2.0\"}"
#define GOOD_REST "\"title\":\"Overflow\",\"description\":\"Details\""
#define GOOD "{" GOOD_PRODUCT "," GOOD_REST "}"
#define ATT(cls, b64) \
    "{\"filename\":\"a.txt\",\"media_type\":\"text/plain\",\"classification\":" cls \
    ",\"content_base64\":" b64 "}"

static int parse(const char *json, vt_intake_report **out, vt_error *err)
{
    vt_intake_limits lim = {16, 3};

    vt_error_clear(err);
    return vt_intake_report_parse_text(out, json, strlen(json), &lim, err);
}

/* ---------------------------------------------------------------------- */
/* Validation: one row per rule                                            */

typedef struct bad_case {
    const char *json;
    int code;
    const char *field;
} bad_case;

static const bad_case bad_cases[] = {
    {"[]", VT_EINVALID, ""},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"extra\":1}", VT_EINVALID, "/extra"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"a/b~c\":1}", VT_EINVALID, "/a~1b~0c"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"title\":\"again\"}", VT_EINVALID, "/title"},
    /* Keys are shown without their control characters or broken UTF-8. */
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"a\\nb\":1}", VT_EINVALID, "/a?b"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"\xE6\xBC\x8F\":1}", VT_EINVALID, "/\xE6\xBC\x8F"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"x\xE6\xBC\":1}", VT_EINVALID, "/x??"},
    {"{" GOOD_REST "}", VT_EINVALID, "/product"},
    {"{\"product\":\"x\"," GOOD_REST "}", VT_EINVALID, "/product"},
    {"{\"product\":{\"name\":\"R\",\"model\":\"M\",\"version\":\"1\",\"colour\":\"red\"}," GOOD_REST
     "}",
     VT_EINVALID, "/product/colour"},
    {"{\"product\":{\"model\":\"M\",\"version\":\"1\"}," GOOD_REST "}", VT_EINVALID,
     "/product/name"},
    {"{\"product\":{\"name\":\"R\",\"model\":\" \\t \",\"version\":\"1\"}," GOOD_REST "}",
     VT_EINVALID, "/product/model"},
    {"{\"product\":{\"name\":\"R\",\"model\":\"M\",\"version\":1}," GOOD_REST "}", VT_EINVALID,
     "/product/version"},
    {"{\"product\":{\"name\":\"R\",\"model\":\"M\",\"version\":null}," GOOD_REST "}",
     VT_EINVALID, "/product/version"},
    {"{\"product\":{\"name\":\"R\",\"model\":\"M\",\"version\":\"1\",\"type\":\"car\"}," GOOD_REST
     "}",
     VT_EINVALID, "/product/type"},
    {"{" GOOD_PRODUCT ",\"description\":\"d\"}", VT_EINVALID, "/title"},
    {"{" GOOD_PRODUCT ",\"title\":\"\",\"description\":\"d\"}", VT_EINVALID, "/title"},
    {"{" GOOD_PRODUCT ",\"title\":\"a\\u0007b\",\"description\":\"d\"}", VT_EINVALID, "/title"},
    {"{" GOOD_PRODUCT ",\"title\":\"a\\nb\",\"description\":\"d\"}", VT_EINVALID, "/title"},
    {"{" GOOD_PRODUCT ",\"title\":\"\xC3\x28\",\"description\":\"d\"}", VT_EINVALID, "/title"},
    {"{" GOOD_PRODUCT ",\"title\":\"\xE0\x80\xAF\",\"description\":\"d\"}", VT_EINVALID,
     "/title"},
    {"{" GOOD_PRODUCT ",\"title\":\"\xED\xA0\x80\",\"description\":\"d\"}", VT_EINVALID,
     "/title"},
    {"{" GOOD_PRODUCT ",\"title\":\"t\"}", VT_EINVALID, "/description"},
    {"{" GOOD_PRODUCT ",\"title\":\"t\",\"description\":\"\\n\\n  \"}", VT_EINVALID,
     "/description"},
    {"{" GOOD_PRODUCT ",\"title\":\"t\",\"description\":\"a\\u0001b\"}", VT_EINVALID,
     "/description"},
    /* cJSON would cut the string at U+0000: refused before, for the whole body. */
    {"{" GOOD_PRODUCT ",\"title\":\"t\",\"description\":\"a\\u0000b\"}", VT_EINVALID, ""},
    {"{" GOOD_PRODUCT ",\"title\":\"t\",\"description\":\"a\\\\u0000b\"}", 0, ""},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"reporter\":\"me\"}", VT_EINVALID, "/reporter"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"reporter\":{\"phone\":\"1\"}}", VT_EINVALID,
     "/reporter/phone"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"reporter\":{\"email\":\"no-at-sign\"}}", VT_EINVALID,
     "/reporter/email"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"reporter\":{\"name\":\"\"}}", VT_EINVALID,
     "/reporter/name"},
    {"{\"vendor\":\"no spaces\"," GOOD_PRODUCT "," GOOD_REST "}", VT_EINVALID, "/vendor"},
    {"{\"vendor\":7," GOOD_PRODUCT "," GOOD_REST "}", VT_EINVALID, "/vendor"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"severity_claimed\":\"apocalyptic\"}", VT_EINVALID,
     "/severity_claimed"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"cvss_vector\":\"CVSS:3.1/AV:N\"}", VT_EINVALID,
     "/cvss_vector"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"cwe\":\"79\"}", VT_EINVALID, "/cwe"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"cwe\":[\"CWE-79\",\"CWE-079\"]}", VT_EINVALID,
     "/cwe/1"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"cwe\":{}}", VT_EINVALID, "/cwe"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"affected_versions\":\"1.0\"}", VT_EINVALID,
     "/affected_versions"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"affected_versions\":[\"1.0\",\" \"]}", VT_EINVALID,
     "/affected_versions/1"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"attachments\":{}}", VT_EINVALID, "/attachments"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"attachments\":[1]}", VT_EINVALID, "/attachments/0"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"attachments\":[" ATT("\"log\"", "\"aGk=\"") "," ATT(
         "\"log\"", "\"aGk=\"") "," ATT("\"log\"", "\"aGk=\"") "," ATT("\"log\"", "\"aGk=\"") "]}",
     VT_EINVALID, "/attachments"},
    {"{" GOOD_PRODUCT "," GOOD_REST
     ",\"attachments\":[{\"filename\":\"a\",\"media_type\":\"text/plain\",\"content_base64\":"
     "\"aGk=\"}]}",
     VT_EINVALID, "/attachments/0/classification"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"attachments\":[" ATT("\"log\"", "\"aGk=\"") "," ATT(
         "\"weapon\"", "\"aGk=\"") "]}",
     VT_EINVALID, "/attachments/1/classification"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"attachments\":[" ATT("\"log\"", "\"aGk=\"") "," ATT(
         "\"log\"", "\"a$k=\"") "]}",
     VT_EINVALID, "/attachments/1/content_base64"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"attachments\":[" ATT("\"log\"", "\"aGk\"") "]}",
     VT_EINVALID, "/attachments/0/content_base64"},
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"attachments\":[" ATT("\"log\"", "\"aGVsbG8=\"") "," ATT(
         "\"log\"", "\"  \"") "]}",
     VT_EINVALID, "/attachments/1/content_base64"},
    /* 17 bytes: one over the limit of 16 the tests use. */
    {"{" GOOD_PRODUCT "," GOOD_REST ",\"attachments\":[" ATT("\"poc\"",
                                                              "\"MDEyMzQ1Njc4OWFiY2RlZmc=\"") "]}",
     VT_ETOOBIG, "/attachments/0/content_base64"},
    {"{" GOOD_PRODUCT "," GOOD_REST
     ",\"attachments\":[{\"filename\":\"../etc/passwd\",\"media_type\":\"text/plain\","
     "\"classification\":\"log\",\"content_base64\":\"aGk=\"}]}",
     VT_EINVALID, "/attachments/0/filename"},
    {"{" GOOD_PRODUCT "," GOOD_REST
     ",\"attachments\":[{\"filename\":\"a\",\"media_type\":\"text\","
     "\"classification\":\"log\",\"content_base64\":\"aGk=\"}]}",
     VT_EINVALID, "/attachments/0/media_type"},
    {"{" GOOD_PRODUCT "," GOOD_REST
     ",\"attachments\":[{\"filename\":\"a\",\"media_type\":\"text/plain\","
     "\"classification\":\"log\",\"content_base64\":\"aGk=\",\"url\":\"x\"}]}",
     VT_EINVALID, "/attachments/0/url"},
};

static void test_intake__every_rule_names_its_field(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        vt_intake_report *r = NULL;
        vt_error err;
        int rc = parse(bad_cases[i].json, &r, &err);

        if (rc != bad_cases[i].code || strcmp(err.field, bad_cases[i].field) != 0)
            fail_msg("case %zu %s: got %d field '%s' (%s), want %d field '%s'", i,
                     bad_cases[i].json, rc, err.field, err.msg, bad_cases[i].code,
                     bad_cases[i].field);
        if (rc == 0) {
            vt_intake_report_free(r);
            continue;
        }
        assert_null(r);
        assert_true(err.msg[0] != '\0');
        assert_null(strchr(err.msg, '\n'));
    }
}

static void test_intake__malformed_json_has_offset(void **state)
{
    vt_intake_report *r = NULL;
    vt_error err;

    (void)state;
    assert_int_equal(parse("{\"title\": tru}", &r, &err), VT_EINVALID);
    assert_null(r);
    assert_int_equal(err.offset, 10);
}

/* Lengths: at the limit passes, one over fails, counted in characters. */
static void test_intake__length_limits(void **state)
{
    vt_buf b = VT_BUF_INIT;
    vt_intake_report *r = NULL;
    vt_error err;
    int i;

    (void)state;
    /* 300 CJK characters (900 bytes) is a title of 300 characters. */
    vt_buf_puts(&b, "{" GOOD_PRODUCT ",\"description\":\"d\",\"title\":\"");
    for (i = 0; i < 300; i++)
        vt_buf_puts(&b, "\xE6\xBC\x8F");
    vt_buf_puts(&b, "\"}");
    assert_int_equal(parse(b.ptr, &r, &err), 0);
    vt_intake_report_free(r);
    r = NULL;

    vt_buf_clear(&b);
    vt_buf_puts(&b, "{" GOOD_PRODUCT ",\"description\":\"d\",\"title\":\"");
    for (i = 0; i < 301; i++)
        vt_buf_putc(&b, 'x');
    vt_buf_puts(&b, "\"}");
    assert_int_equal(parse(b.ptr, &r, &err), VT_EINVALID);
    assert_string_equal(err.field, "/title");

    vt_buf_clear(&b);
    vt_buf_puts(&b, "{" GOOD_PRODUCT ",\"title\":\"t\",\"description\":\"");
    for (i = 0; i < 65536; i++)
        vt_buf_putc(&b, 'x');
    vt_buf_puts(&b, "\"}");
    assert_int_equal(parse(b.ptr, &r, &err), 0);
    vt_intake_report_free(r);
    r = NULL;
    vt_buf_clear(&b);
    vt_buf_puts(&b, "{" GOOD_PRODUCT ",\"title\":\"t\",\"description\":\"");
    for (i = 0; i < 65537; i++)
        vt_buf_putc(&b, 'x');
    vt_buf_puts(&b, "\"}");
    assert_int_equal(parse(b.ptr, &r, &err), VT_EINVALID);
    assert_string_equal(err.field, "/description");

    vt_buf_clear(&b);
    vt_buf_puts(&b, "{" GOOD_REST ",\"product\":{\"model\":\"m\",\"version\":\"v\",\"name\":\"");
    for (i = 0; i < 201; i++)
        vt_buf_putc(&b, 'n');
    vt_buf_puts(&b, "\"}}");
    assert_int_equal(parse(b.ptr, &r, &err), VT_EINVALID);
    assert_string_equal(err.field, "/product/name");
    vt_buf_dispose(&b);
}

typedef struct email_case {
    const char *email;
    bool ok;
} email_case;

static const email_case email_cases[] = {
    {"alice@example.com", true},
    {"a.b+tag@sub.example.cn", true},
    {"x_y-z@a-b.example", true},
    {"  padded@example.org  ", true}, /* trimmed */
    {"no-at-sign", false},
    {"@example.com", false},
    {"alice@", false},
    {"alice@localhost", false},
    {"alice@@example.com", false},
    {".alice@example.com", false},
    {"alice.@example.com", false},
    {"al..ice@example.com", false},
    {"alice@-example.com", false},
    {"alice@example-.com", false},
    {"alice@example..com", false},
    {"alice@example.com.", false},
    {"al ice@example.com", false},
    {"\\\"alice\\\"@example.com", false}, /* quoted local part */
    {"\xE5\xBC\xA0@example.com", false},
};

static void test_intake__email_syntax(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(email_cases) / sizeof(email_cases[0]); i++) {
        char json[512];
        vt_intake_report *r = NULL;
        vt_error err;
        int rc;

        snprintf(json, sizeof(json), "{" GOOD_PRODUCT "," GOOD_REST ",\"reporter\":{\"email\":\"%s\"}}",
                 email_cases[i].email);
        rc = parse(json, &r, &err);
        if ((rc == 0) != email_cases[i].ok)
            fail_msg("%s: got %d (%s)", email_cases[i].email, rc, err.msg);
        if (rc != 0)
            assert_string_equal(err.field, "/reporter/email");
        vt_intake_report_free(r);
    }
}

static void test_intake__classifications(void **state)
{
    static const char *const all[] = {"report", "screenshot", "log",  "poc",
                                      "poc_weaponized", "exploit", "tool", "other"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        assert_true(vt_intake_classification_valid(all[i]));
    assert_false(vt_intake_classification_valid("Exploit"));
    assert_false(vt_intake_classification_valid(""));
    assert_false(vt_intake_classification_valid(NULL));
    /* Spec §5 P4: never published. */
    assert_false(vt_intake_classification_publishable("exploit"));
    assert_false(vt_intake_classification_publishable("poc_weaponized"));
    assert_false(vt_intake_classification_publishable("tool"));
    assert_false(vt_intake_classification_publishable("weapon"));
    assert_true(vt_intake_classification_publishable("poc"));
    assert_true(vt_intake_classification_publishable("report"));
    assert_true(vt_intake_classification_publishable("screenshot"));
}

/* What the validator keeps: trimmed, normalised, in a fixed order, no contents. */
static void test_intake__normalised_document(void **state)
{
    static const char json[] =
        "{\"attachments\":[{\"filename\":\" hello.txt \",\"media_type\":\"Text/Plain\","
        "\"classification\":\"poc\",\"content_base64\":\"aGVs\\nbG8=\"}],"
        "\"cwe\":\"cwe-79\",\"title\":\"  Overflow in parser \","
        "\"description\":\"  indented\\n\",\"vendor\":\"acme\","
        "\"product\":{\"version\":\"2.0\",\"model\":\"RT-1\",\"name\":\" Router \","
        "\"type\":\"hardware\"},\"reporter\":{\"name\":\" Zhang \",\"email\":\"z@example.cn\"},"
        "\"affected_versions\":[\" 1.0 \",\"2.0\"],\"severity_claimed\":\"high\","
        "\"cvss_vector\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}";
    vt_intake_report *r = NULL;
    vt_error err;
    vt_buf b = VT_BUF_INIT;

    (void)state;
    assert_int_equal(parse(json, &r, &err), 0);
    assert_string_equal(r->title, "Overflow in parser");
    assert_string_equal(r->vendor, "acme");
    assert_int_equal(r->nattachments, 1);
    assert_string_equal(r->attachments[0].filename, "hello.txt");
    assert_string_equal(r->attachments[0].media_type, "text/plain");
    assert_string_equal(r->attachments[0].classification, "poc");
    assert_int_equal(r->attachments[0].size, 5);
    assert_memory_equal(r->attachments[0].content, "hello", 5);
    assert_string_equal(r->attachments[0].sha256,
                        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assert_int_equal(vt_json_print(&b, r->doc), 0);
    assert_string_equal(
        b.ptr,
        "{\"vendor\":\"acme\",\"product\":{\"name\":\"Router\",\"model\":\"RT-1\","
        "\"version\":\"2.0\",\"type\":\"hardware\"},\"title\":\"Overflow in parser\","
        "\"description\":\"  indented\\n\",\"reporter\":{\"name\":\"Zhang\","
        "\"email\":\"z@example.cn\"},\"severity_claimed\":\"high\","
        "\"cvss_vector\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\","
        "\"cwe\":[\"CWE-79\"],\"affected_versions\":[\"1.0\",\"2.0\"]}");
    vt_buf_dispose(&b);
    vt_intake_report_free(r);
}

static void test_intake__anonymous_and_nulls(void **state)
{
    vt_intake_report *r = NULL;
    vt_error err;

    (void)state;
    assert_int_equal(parse("{" GOOD_PRODUCT "," GOOD_REST ",\"reporter\":null,\"vendor\":null}",
                           &r, &err),
                     0);
    assert_null(r->vendor);
    assert_null(cJSON_GetObjectItemCaseSensitive(r->doc, "reporter"));
    vt_intake_report_free(r);
}

static void test_intake__message_rules(void **state)
{
    static const bad_case cases[] = {
        {"{}", VT_EINVALID, "/text"},
        {"{\"text\":\"  \"}", VT_EINVALID, "/text"},
        {"{\"text\":5}", VT_EINVALID, "/text"},
        {"{\"text\":\"hi\",\"to\":\"x\"}", VT_EINVALID, "/to"},
        {"{\"text\":\"hi\",\"attachments\":[" ATT("\"exploit\"", "\"!\"") "]}", VT_EINVALID,
         "/attachments/0/content_base64"},
        {"{\"text\":\"hi\",\"attachments\":[" ATT("\"exploit\"", "\"MDEyMzQ1Njc4OWFiY2RlZmc=\"") "]}",
         VT_ETOOBIG, "/attachments/0/content_base64"},
    };
    vt_intake_limits lim = {16, 3};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *j = cJSON_Parse(cases[i].json);
        vt_intake_message *m = NULL;
        vt_error err = VT_ERROR_INIT;
        int rc = vt_intake_message_parse(&m, j, &lim, &err);

        if (rc != cases[i].code || strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu: got %d '%s' (%s)", i, rc, err.field, err.msg);
        assert_null(m);
        cJSON_Delete(j);
    }
    {
        cJSON *j = cJSON_Parse("{\"text\":\"  keep\\n\",\"attachments\":[" ATT("\"exploit\"",
                                                                             "\"aGk=\"") "]}");
        vt_intake_message *m = NULL;
        vt_error err = VT_ERROR_INIT;

        assert_int_equal(vt_intake_message_parse(&m, j, &lim, &err), 0);
        assert_string_equal(m->text, "  keep\n");
        assert_int_equal(m->nattachments, 1);
        assert_string_equal(m->attachments[0].classification, "exploit");
        vt_intake_message_free(m);
        cJSON_Delete(j);
    }
}

/* Allocation N fails, for N = 0, 1, ...: VT_ENOMEM and no leak (ASan) each time. */
static void test_intake__allocation_failures(void **state)
{
    static const char json[] =
        "{\"vendor\":\"acme\"," GOOD_PRODUCT "," GOOD_REST
        ",\"reporter\":{\"name\":\"Z\",\"email\":\"z@example.cn\"},\"cwe\":[\"CWE-79\"],"
        "\"affected_versions\":[\"1\"],\"cvss_vector\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/"
        "I:H/A:H\",\"attachments\":[" ATT("\"log\"", "\"aGk=\"") "," ATT("\"poc\"", "\"aGk=\"") "]}";
    long n;

    (void)state;
    for (n = 0; n < 10000; n++) {
        vt_intake_report *r = NULL;
        vt_error err;
        int rc;

        vt_alloc_fail_after(n);
        rc = parse(json, &r, &err);
        vt_alloc_fail_after(-1);
        if (rc == 0) {
            vt_intake_report_free(r);
            break;
        }
        /* cJSON's own parse cannot tell OOM from bad syntax. */
        if (rc != VT_ENOMEM && rc != VT_EINVALID)
            fail_msg("allocation %ld: %d (%s)", n, rc, err.msg);
        assert_null(r);
    }
    assert_true(n > 5 && n < 10000);
}

/* ---------------------------------------------------------------------- */
/* Recording                                                               */

typedef vt_test_db fixture;

static int store_setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));

    if (!f || vt_test_db_open(f, "vt-intake-test") != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int store_teardown(void **state)
{
    fixture *f = *state;

    vt_test_db_remove(f);
    free(f);
    return 0;
}

static int64_t add_org_kind(vt_store *s, const char *slug, const char *kind, const char *flags)
{
    vt_org o;
    vt_error err = VT_ERROR_INIT;

    memset(&o, 0, sizeof(o));
    o.slug = (char *)slug;
    o.name = (char *)slug;
    o.kind = (char *)kind;
    o.flags = (char *)flags;
    o.country = (char *)"CN";
    o.time_zone = (char *)"Asia/Shanghai";
    if (vt_org_add(s, &o, &err) < 0)
        fail_msg("org add: %s", err.msg);
    return o.id;
}

static int64_t add_org(vt_store *s, const char *slug)
{
    return add_org_kind(s, slug, "vendor", NULL);
}

/* Submit `json` in its own transaction; returns the code. */
static int submit_ex(vt_store *s, const char *json, const char *default_org, int64_t at_ms,
                     bool external, vt_intake_receipt *rc, vt_error *err)
{
    vt_intake_report *r = NULL;
    vt_intake_source src;
    int error;

    if (parse(json, &r, err) < 0)
        fail_msg("parse: %s", err->msg);
    memset(&src, 0, sizeof(src));
    src.body = json;
    src.body_len = strlen(json);
    src.channel = "api";
    src.actor = "anonymous";
    src.client_addr = "192.0.2.7";
    src.default_org = default_org;
    src.at_ms = at_ms;
    src.external = external;
    assert_int_equal(vt_store_begin(s, NULL), 0);
    error = vt_intake_submit(s, r, &src, rc, err);
    if (error < 0)
        vt_store_rollback(s);
    else
        assert_int_equal(vt_store_commit(s, NULL), 0);
    vt_intake_report_free(r);
    return error;
}

static int submit(vt_store *s, const char *json, const char *default_org, int64_t at_ms,
                  vt_intake_receipt *rc, vt_error *err)
{
    return submit_ex(s, json, default_org, at_ms, true, rc, err);
}

static void sha_hex(char out[65], const void *p, size_t n)
{
    unsigned char d[32];

    crypto_hash_sha256(d, p, n);
    sodium_bin2hex(out, 65, d, 32);
}

static int64_t scalar(vt_store *s, const char *sql, const char *arg)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_prepare_v2(vt__store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Text of the first column of the first row into out. */
static void text_of(vt_store *s, const char *sql, const char *arg, char *out, size_t cap)
{
    sqlite3_stmt *st = NULL;

    out[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(vt__store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static bool is_hex64(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++)
        if (!strchr("0123456789abcdef", s[i]))
            return false;
    return s[64] == '\0';
}

static void test_intake__submit_records_everything(void **state)
{
    static const char json[] =
        "{\"vendor\":\"acme\"," GOOD_PRODUCT "," GOOD_REST
        ",\"reporter\":{\"name\":\"Zhang\",\"email\":\"z@example.cn\"},\"attachments\":[" ATT(
            "\"poc\"", "\"aGVsbG8=\"") "," ATT("\"exploit\"", "\"aGk=\"") "]}";
    fixture *f = *state;
    vt_intake_receipt rc;
    vt_error err = VT_ERROR_INIT;
    char buf[4096], want[65];
    uint8_t hash[32];
    sqlite3_stmt *st = NULL;
    int64_t acme;

    add_org(f->s, "first");
    acme = add_org(f->s, "acme");
    assert_int_equal(submit(f->s, json, NULL, 0, &rc, &err), 0);

    /* The receipt. */
    assert_int_equal(strlen(rc.id), 22);
    assert_memory_equal(rc.id, "R-", 2);
    assert_memory_equal(rc.tracking_token, VT_TOKEN_PREFIX_TRACKING, 4);
    assert_int_equal(rc.seq, 1);
    assert_true(is_hex64(rc.entry_hash));
    assert_true(rc.received_at[0] != '\0');

    /* The report row: org from the vendor, only the token's hash. */
    assert_int_equal(scalar(f->s, "SELECT org_id FROM reports WHERE id = ?1", rc.id), acme);
    assert_int_equal(scalar(f->s, "SELECT ledger_seq FROM reports WHERE id = ?1", rc.id), 1);
    assert_int_equal(sqlite3_prepare_v2(vt__store_db(f->s),
                                        "SELECT tracking_hash FROM reports WHERE id = ?1", -1, &st,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, rc.id, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    vt_token_hash(rc.tracking_token, strlen(rc.tracking_token), hash);
    assert_int_equal(sqlite3_column_bytes(st, 0), 32);
    assert_memory_equal(sqlite3_column_blob(st, 0), hash, 32);
    sqlite3_finalize(st);
    text_of(f->s, "SELECT client_addr FROM reports WHERE id = ?1", rc.id, buf, sizeof(buf));
    assert_string_equal(buf, "192.0.2.7");
    sha_hex(want, json, strlen(json));
    text_of(f->s, "SELECT content_sha256 FROM reports WHERE id = ?1", rc.id, buf, sizeof(buf));
    assert_string_equal(buf, want);
    text_of(f->s, "SELECT body FROM reports WHERE id = ?1", rc.id, buf, sizeof(buf));
    assert_non_null(strstr(buf, "\"attachments\":[{\"id\":1,\"filename\":\"a.txt\""));
    assert_non_null(
        strstr(buf, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
    assert_null(strstr(buf, "aGVsbG8=")); /* contents by reference only */

    /* The attachments. */
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM attachments WHERE report_id = ?1", rc.id),
                     2);
    text_of(f->s, "SELECT content FROM attachments WHERE report_id = ?1 AND classification = 'poc'",
            rc.id, buf, sizeof(buf));
    assert_string_equal(buf, "hello");

    /* The ledger entry is the receipt's. */
    text_of(f->s, "SELECT entry_hash FROM ledger WHERE seq = 1", NULL, buf, sizeof(buf));
    assert_string_equal(buf, rc.entry_hash);
    text_of(f->s, "SELECT kind || ' ' || channel || ' ' || actor || ' ' || subject FROM ledger",
            NULL, buf, sizeof(buf));
    {
        char w[128];

        snprintf(w, sizeof(w), "report.received api anonymous %s", rc.id);
        assert_string_equal(buf, w);
    }
    text_of(f->s, "SELECT content_sha256 FROM ledger WHERE seq = 1", NULL, buf, sizeof(buf));
    assert_string_equal(buf, want);
    text_of(f->s, "SELECT detail FROM ledger WHERE seq = 1", NULL, buf, sizeof(buf));
    assert_non_null(strstr(buf, "\"summary\":\"Overflow\""));
    assert_non_null(strstr(buf, "\"email\":\"z@example.cn\""));
    assert_non_null(strstr(buf, "\"handler\":\"acme\""));
    assert_non_null(strstr(buf, rc.id));
    assert_non_null(
        strstr(buf, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
    assert_non_null(strstr(buf, "\"name\":\"Router\""));
    {
        vt_ledger_verify_result res;

        assert_int_equal(vt_ledger_verify(f->s, NULL, &res, &err), 0);
        assert_true(res.intact);
        assert_int_equal(res.entries, 1);
    }
}

static void test_intake__org_choice_and_order(void **state)
{
    fixture *f = *state;
    vt_intake_receipt a, b, c, d;
    vt_error err = VT_ERROR_INIT;
    int64_t first;

    /* No organisation at all: filed under none. */
    assert_int_equal(submit(f->s, GOOD, NULL, 0, &a, &err), 0);
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM reports WHERE id = ?1 AND org_id IS NULL",
                            a.id),
                     1);
    first = add_org(f->s, "first");
    add_org(f->s, "second");
    /* The configured intake organisation, else the first. */
    assert_int_equal(submit(f->s, GOOD, "second", 0, &b, &err), 0);
    assert_int_equal(scalar(f->s, "SELECT org_id FROM reports WHERE id = ?1", b.id), first + 1);
    /* A clock stepping back still gives an id after the newest. */
    assert_int_equal(submit(f->s, GOOD, "nonexistent", 1000, &c, &err), 0);
    assert_int_equal(scalar(f->s, "SELECT org_id FROM reports WHERE id = ?1", c.id), first);
    assert_true(strcmp(a.id, b.id) < 0 && strcmp(b.id, c.id) < 0);
    assert_true(a.seq < b.seq && b.seq < c.seq);
    /* Unknown vendor: refused, nothing written. */
    assert_int_equal(submit(f->s, "{\"vendor\":\"nope\"," GOOD_PRODUCT "," GOOD_REST "}", NULL, 0,
                            &d, &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "/vendor");
    assert_string_equal(d.tracking_token, "");
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM reports", NULL), 3);
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM ledger", NULL), 3);
}

/* Spec §5, Art. 10: no public intake for a platform without its filing id. */
static void test_intake__platform_needs_filing_id(void **state)
{
    fixture *f = *state;
    vt_intake_receipt rc;
    vt_error err = VT_ERROR_INIT;

    add_org_kind(f->s, "hub", "platform", NULL);
    add_org_kind(f->s, "filed", "platform", "{\"platform_filing_id\":\"F-1\"}");
    assert_int_equal(submit(f->s, "{\"vendor\":\"hub\"," GOOD_PRODUCT "," GOOD_REST "}", NULL, 0,
                            &rc, &err),
                     VT_EUNSUPPORTED);
    assert_string_equal(err.field, "/vendor");
    assert_non_null(strstr(err.msg, "Art. 10"));
    assert_int_equal(submit(f->s, GOOD, "hub", 0, &rc, &err), VT_EUNSUPPORTED);
    assert_string_equal(err.field, "");
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM ledger", NULL), 0);
    /* Staff may still file; a platform with its filing id is open. */
    assert_int_equal(submit_ex(f->s, GOOD, "hub", 0, false, &rc, &err), 0);
    assert_int_equal(submit(f->s, "{\"vendor\":\"filed\"," GOOD_PRODUCT "," GOOD_REST "}", NULL,
                            0, &rc, &err),
                     0);
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM reports", NULL), 2);
}

/* 60 attachments with 250-byte names would overflow the ledger detail: the
 * names give way, the hashes stay. */
static void test_intake__many_attachments_fit_the_ledger(void **state)
{
    fixture *f = *state;
    vt_intake_limits lim = {16, 64};
    vt_intake_report *r = NULL;
    vt_intake_source src;
    vt_intake_receipt rc;
    vt_error err = VT_ERROR_INIT;
    vt_buf b = VT_BUF_INIT;
    char detail[32768];
    const char *p;
    int i, n = 0;

    vt_buf_puts(&b, "{" GOOD_PRODUCT "," GOOD_REST ",\"attachments\":[");
    for (i = 0; i < 60; i++) {
        vt_buf_printf(&b, "%s{\"filename\":\"%03d", i ? "," : "", i);
        for (int k = 0; k < 247; k++)
            vt_buf_putc(&b, 'f');
        vt_buf_puts(&b, "\",\"media_type\":\"text/plain\",\"classification\":\"log\","
                        "\"content_base64\":\"aGk=\"}");
    }
    vt_buf_puts(&b, "]}");
    assert_int_equal(vt_intake_report_parse_text(&r, b.ptr, b.len, &lim, &err), 0);
    memset(&src, 0, sizeof(src));
    src.body = b.ptr;
    src.body_len = b.len;
    src.channel = "api";
    src.actor = "anonymous";
    assert_int_equal(vt_store_begin(f->s, NULL), 0);
    if (vt_intake_submit(f->s, r, &src, &rc, &err) < 0)
        fail_msg("submit: %s", err.msg);
    assert_int_equal(vt_store_commit(f->s, NULL), 0);
    text_of(f->s, "SELECT detail FROM ledger WHERE seq = 1", NULL, detail, sizeof(detail));
    for (p = detail; (p = strstr(p, "\"sha256\"")) != NULL; p++)
        n++;
    assert_int_equal(n, 60);
    assert_null(strstr(detail, "\"filename\""));
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM attachments WHERE length(filename) = 250",
                            NULL),
                     60);
    vt_intake_report_free(r);
    vt_buf_dispose(&b);
}

static int add_message(vt_store *s, const char *report_id, const char *json, const char *author,
                       vt_intake_receipt *rc, vt_error *err)
{
    cJSON *j = cJSON_Parse(json);
    vt_intake_message *m = NULL;
    vt_intake_source src;
    int error;

    assert_int_equal(vt_intake_message_parse(&m, j, NULL, err), 0);
    memset(&src, 0, sizeof(src));
    src.body = json;
    src.body_len = strlen(json);
    src.channel = "api";
    src.actor = author;
    assert_int_equal(vt_store_begin(s, NULL), 0);
    error = vt_intake_add_message(s, report_id, m, author, &src, rc, err);
    if (error < 0)
        vt_store_rollback(s);
    else
        assert_int_equal(vt_store_commit(s, NULL), 0);
    vt_intake_message_free(m);
    cJSON_Delete(j);
    return error;
}

static vt_principal tracking(const char *report_id)
{
    vt_principal p;

    memset(&p, 0, sizeof(p));
    p.kind = VT_PRINCIPAL_TRACKING;
    p.role = VT_ROLE_REPORTER;
    snprintf(p.report_id, sizeof(p.report_id), "%s", report_id);
    snprintf(p.name, sizeof(p.name), "reporter:%s", report_id);
    return p;
}

static vt_principal staff(unsigned role, int64_t org_id)
{
    vt_principal p;

    memset(&p, 0, sizeof(p));
    p.kind = VT_PRINCIPAL_MACHINE;
    p.role = role;
    p.org_id = org_id;
    snprintf(p.name, sizeof(p.name), "token:t");
    return p;
}

static void test_intake__messages_and_views(void **state)
{
    fixture *f = *state;
    vt_intake_receipt r1, r2, m1, m2;
    vt_error err = VT_ERROR_INIT;
    vt_principal who;
    cJSON *v = NULL, *msgs, *m;
    int64_t acme, other;

    acme = add_org(f->s, "acme");
    other = add_org(f->s, "other");
    assert_int_equal(submit(f->s, GOOD, "acme", 0, &r1, &err), 0);
    assert_int_equal(submit(f->s, GOOD, "other", 0, &r2, &err), 0);
    assert_int_equal(add_message(f->s, r1.id,
                                 "{\"text\":\"more detail\",\"attachments\":[" ATT(
                                     "\"log\"", "\"aGk=\"") "]}",
                                 "reporter", &m1, &err),
                     0);
    assert_int_equal(m1.seq, r2.seq + 1);
    assert_true(is_hex64(m1.entry_hash));
    assert_int_equal(add_message(f->s, r1.id, "{\"text\":\"thanks\"}", "token:alice", &m2, &err),
                     0);
    assert_true(m2.message_id > m1.message_id);
    assert_int_equal(add_message(f->s, "R-NOPE", "{\"text\":\"x\"}", "reporter", &m2, &err),
                     VT_ENOTFOUND);
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM ledger WHERE kind = 'report.message'",
                            NULL),
                     2);
    assert_int_equal(scalar(f->s, "SELECT ledger_seq FROM report_messages WHERE id = 1", NULL),
                     m1.seq);

    /* The reporter: own report only, nothing internal, staff anonymised. */
    who = tracking(r1.id);
    assert_int_equal(vt_intake_report_view(f->s, &who, r1.id, &v, &err), 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(v, "id")->valuestring, r1.id);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(v, "status")->valuestring, "received");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(v, "case")));
    assert_null(cJSON_GetObjectItemCaseSensitive(v, "client_addr"));
    assert_null(cJSON_GetObjectItemCaseSensitive(v, "report"));
    assert_null(cJSON_GetObjectItemCaseSensitive(v, "submitted_by"));
    msgs = cJSON_GetObjectItemCaseSensitive(v, "messages");
    assert_int_equal(cJSON_GetArraySize(msgs), 2);
    m = cJSON_GetArrayItem(msgs, 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "author")->valuestring, "reporter");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "text")->valuestring, "more detail");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(m, "attachments")), 1);
    m = cJSON_GetArrayItem(msgs, 1);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "author")->valuestring, "staff");
    cJSON_Delete(v);
    v = NULL;
    assert_int_equal(vt_intake_report_view(f->s, &who, r2.id, &v, &err), VT_ENOTFOUND);
    assert_null(v);

    /* Staff of the report's organisation see the internals; others nothing. */
    who = staff(VT_ROLE_ANALYST, acme);
    assert_int_equal(vt_intake_report_view(f->s, &who, r1.id, &v, &err), 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(v, "client_addr")->valuestring,
                        "192.0.2.7");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(v, "org")->valuestring, "acme");
    assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(v, "report")));
    m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(v, "messages"), 1);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "author")->valuestring, "token:alice");
    cJSON_Delete(v);
    v = NULL;
    who = staff(VT_ROLE_ANALYST, other);
    assert_int_equal(vt_intake_report_view(f->s, &who, r1.id, &v, &err), VT_ENOTFOUND);
    who = staff(VT_ROLE_PARTNER, 0);
    assert_int_equal(vt_intake_report_view(f->s, &who, r1.id, &v, &err), VT_ENOTFOUND);

    /* Attachments: staff of the organisation only. */
    {
        vt_intake_stored st;

        who = staff(VT_ROLE_ANALYST, acme);
        assert_int_equal(vt_intake_attachment_get(f->s, &who, r1.id, 1, &st, &err), 0);
        assert_int_equal(st.a.size, 2);
        assert_memory_equal(st.a.content, "hi", 2);
        assert_string_equal(st.a.classification, "log");
        vt_intake_stored_dispose(&st);
        assert_int_equal(vt_intake_attachment_get(f->s, &who, r2.id, 1, &st, &err),
                         VT_ENOTFOUND);
        who = tracking(r1.id);
        assert_int_equal(vt_intake_attachment_get(f->s, &who, r1.id, 1, &st, &err),
                         VT_ENOTFOUND);
    }
}

static void test_intake__list_newest_first(void **state)
{
    fixture *f = *state;
    vt_intake_receipt rc[5];
    vt_error err = VT_ERROR_INIT;
    vt_principal who = staff(VT_ROLE_AUDITOR, 0);
    cJSON *o = NULL, *items;
    const char *next;
    int i;

    add_org(f->s, "acme");
    for (i = 0; i < 5; i++)
        assert_int_equal(submit(f->s, GOOD, NULL, 5000, &rc[i], &err), 0);
    assert_int_equal(vt_intake_report_list(f->s, &who, NULL, NULL, 3, &o, &err), 0);
    items = cJSON_GetObjectItemCaseSensitive(o, "items");
    assert_int_equal(cJSON_GetArraySize(items), 3);
    for (i = 0; i < 3; i++)
        assert_string_equal(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, i), "id")->valuestring,
            rc[4 - i].id);
    next = cJSON_GetObjectItemCaseSensitive(o, "next")->valuestring;
    assert_string_equal(next, rc[2].id);
    {
        cJSON *o2 = NULL;

        assert_int_equal(vt_intake_report_list(f->s, &who, "received", next, 3, &o2, &err), 0);
        items = cJSON_GetObjectItemCaseSensitive(o2, "items");
        assert_int_equal(cJSON_GetArraySize(items), 2);
        assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o2, "next")));
        cJSON_Delete(o2);
        assert_int_equal(vt_intake_report_list(f->s, &who, "closed", NULL, 3, &o2, &err), 0);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o2, "items")), 0);
        cJSON_Delete(o2);
    }
    cJSON_Delete(o);
    o = NULL;
    assert_int_equal(vt_intake_report_list(f->s, &who, NULL, NULL, 0, &o, &err), VT_EINVALID);
    assert_string_equal(err.field, "limit");
    assert_int_equal(vt_intake_report_list(f->s, &who, "DROP TABLE", NULL, 5, &o, &err),
                     VT_EINVALID);
    assert_string_equal(err.field, "status");
    who = tracking(rc[0].id);
    assert_int_equal(vt_intake_report_list(f->s, &who, NULL, NULL, 5, &o, &err), VT_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intake__every_rule_names_its_field),
        cmocka_unit_test(test_intake__malformed_json_has_offset),
        cmocka_unit_test(test_intake__length_limits),
        cmocka_unit_test(test_intake__email_syntax),
        cmocka_unit_test(test_intake__classifications),
        cmocka_unit_test(test_intake__normalised_document),
        cmocka_unit_test(test_intake__anonymous_and_nulls),
        cmocka_unit_test(test_intake__message_rules),
        cmocka_unit_test(test_intake__allocation_failures),
        cmocka_unit_test_setup_teardown(test_intake__submit_records_everything, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(test_intake__org_choice_and_order, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(test_intake__many_attachments_fit_the_ledger, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(test_intake__platform_needs_filing_id, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(test_intake__messages_and_views, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(test_intake__list_newest_first, store_setup,
                                        store_teardown),
    };

    vt_json_init();
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
