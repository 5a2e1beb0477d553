/*
 * kev.c - the CISA Known Exploited Vulnerabilities catalogue: recognising it
 * among other JSON files, and reading its entries one by one.
 */
#include <string.h>

#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/kev.h"
#include "vulntrack/osv.h"
#include "json_strict.h"

/* ------------------------------------------------------------------------ */
/* Recognition                                                               */
/* ------------------------------------------------------------------------ */

/* Whitespace as cJSON reads it: every byte up to and including space. */
static bool is_ws(char c)
{
    return (unsigned char)c <= 0x20;
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && is_ws(s[i]))
        i++;
    return i;
}

/* Past the string that opens at s[i] == '"'; len when it is not closed. */
static size_t skip_string(const char *s, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return len;
}

/*
 * Past the value that starts at s[i]: strings and containers are skipped by
 * counting brackets (no recursion, so deep nesting costs nothing), scalars up
 * to the next delimiter. The value is not validated.
 */
static size_t skip_value(const char *s, size_t len, size_t i)
{
    size_t depth = 0;

    if (i < len && s[i] == '"')
        return skip_string(s, len, i);
    if (i < len && (s[i] == '{' || s[i] == '[')) {
        while (i < len) {
            if (s[i] == '"') {
                i = skip_string(s, len, i);
                continue;
            }
            if (s[i] == '{' || s[i] == '[') {
                depth++;
            } else if (s[i] == '}' || s[i] == ']') {
                if (--depth == 0)
                    return i + 1;
            }
            i++;
        }
        return len;
    }
    while (i < len && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_ws(s[i]))
        i++;
    return i;
}

static bool key_is(const char *s, size_t start, size_t end, const char *key)
{
    size_t n = strlen(key);

    /* start and end enclose the quotes. */
    return end - start == n + 2 && memcmp(s + start + 1, key, n) == 0;
}

/*
 * A scan of the top-level members only: an object with a string
 * "catalogVersion" and an array "vulnerabilities". It stops as soon as both
 * are seen, so recognising the catalogue costs a few hundred bytes, and an
 * OSV record costs one pass without allocation. A key spelt with escapes is
 * not recognised, which no catalogue does.
 */
bool vt_kev_is_catalogue(const char *s, size_t len)
{
    bool have_version = false, have_list = false;
    size_t i, kstart, kend;

    if (!s)
        return false;
    /* A UTF-8 byte order mark, which cJSON skips too. */
    i = len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    i = skip_ws(s, len, i);
    if (i >= len || s[i] != '{')
        return false;
    i++;
    for (;;) {
        i = skip_ws(s, len, i);
        if (i >= len || s[i] != '"')
            return false;
        kstart = i;
        i = skip_string(s, len, i);
        kend = i;
        i = skip_ws(s, len, i);
        if (i >= len || s[i] != ':')
            return false;
        i = skip_ws(s, len, i + 1);
        if (i >= len)
            return false;
        if (key_is(s, kstart, kend, "catalogVersion") && s[i] == '"')
            have_version = true;
        else if (key_is(s, kstart, kend, "vulnerabilities") && s[i] == '[')
            have_list = true;
        if (have_version && have_list)
            return true;
        i = skip_ws(s, len, skip_value(s, len, i));
        if (i >= len || s[i] != ',')
            return false;
        i++;
    }
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                   */
/* ------------------------------------------------------------------------ */

/* A value quoted for a one-line message (printable ASCII, at most 40 bytes). */
static const char *kev_quote(char *out, size_t cap, const char *s)
{
    size_t o = 0, i;

    for (i = 0; s[i] && i < 40 && o + 2 < cap; i++)
        out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    out[o] = '\0';
    return out;
}

/* "YYYY-MM-DD" and a real calendar day. */
static bool is_date(const char *s)
{
    char stamp[] = "0000-00-00T00:00:00Z";
    int64_t ms;

    if (strlen(s) != 10)
        return false;
    memcpy(stamp, s, 10);
    return vt_time_parse_rfc3339(&ms, stamp, sizeof(stamp) - 1) == 0;
}

/*
 * entry[key] as a string; absent is an error when `required`, else NULL.
 * Dates must be calendar dates, since they end up in scan output and
 * deadlines.
 */
static int kev_field(const cJSON *entry, size_t index, const char *key, bool required,
                     bool date, const char **out, vt_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(entry, key);
    char q[64];

    *out = NULL;
    if (!item) {
        if (!required)
            return 0;
        return vt_error_set(err, VT_EINVALID, 0, "/vulnerabilities/%zu/%s: missing", index,
                            key);
    }
    if (!cJSON_IsString(item) || !item->valuestring)
        return vt_error_set(err, VT_EINVALID, 0, "/vulnerabilities/%zu/%s: expected a string",
                            index, key);
    if (date && !is_date(item->valuestring))
        return vt_error_set(err, VT_EINVALID, 0,
                            "/vulnerabilities/%zu/%s: expected a date YYYY-MM-DD, got '%s'",
                            index, key, kev_quote(q, sizeof(q), item->valuestring));
    *out = item->valuestring;
    return 0;
}

static int kev_entry(const cJSON *obj, size_t index, vt_kev_entry *e, vt_error *err)
{
    int error;

    memset(e, 0, sizeof(*e));
    if (!cJSON_IsObject(obj))
        return vt_error_set(err, VT_EINVALID, 0, "/vulnerabilities/%zu: expected an object",
                            index);
    /* The catalogue schema's required members; ransomware use is optional there. */
    error = kev_field(obj, index, "cveID", true, false, &e->cve, err);
    if (error == 0 && !e->cve[0])
        error = vt_error_set(err, VT_EINVALID, 0, "/vulnerabilities/%zu/cveID: empty", index);
    if (error == 0)
        error = kev_field(obj, index, "vendorProject", true, false, &e->vendor, err);
    if (error == 0)
        error = kev_field(obj, index, "product", true, false, &e->product, err);
    if (error == 0)
        error = kev_field(obj, index, "vulnerabilityName", true, false, &e->name, err);
    if (error == 0)
        error = kev_field(obj, index, "dateAdded", true, true, &e->date_added, err);
    if (error == 0)
        error = kev_field(obj, index, "dueDate", true, true, &e->due_date, err);
    if (error == 0)
        error = kev_field(obj, index, "requiredAction", true, false, &e->required_action, err);
    if (error == 0)
        error = kev_field(obj, index, "knownRansomwareCampaignUse", false, false,
                          &e->ransomware, err);
    return error;
}

int vt_kev_read(const char *s, size_t len, int (*each)(void *ctx, const vt_kev_entry *e),
                void *ctx, char **catalog_version, vt_error *err)
{
    const cJSON *version, *list, *item;
    cJSON *root = NULL;
    char *version_copy = NULL;
    vt_kev_entry entry;
    size_t index = 0;
    int error;

    if (catalog_version)
        *catalog_version = NULL;
    error = vt__json_parse_document(&root, s, len, err);
    if (error < 0)
        goto out;
    if (!cJSON_IsObject(root)) {
        error = vt_error_set(err, VT_EINVALID, 0, "top level: expected an object");
        goto out;
    }
    version = cJSON_GetObjectItemCaseSensitive(root, "catalogVersion");
    if (!version) {
        error = vt_error_set(err, VT_EINVALID, 0, "/catalogVersion: missing");
        goto out;
    }
    if (!cJSON_IsString(version) || !version->valuestring) {
        error = vt_error_set(err, VT_EINVALID, 0, "/catalogVersion: expected a string");
        goto out;
    }
    list = cJSON_GetObjectItemCaseSensitive(root, "vulnerabilities");
    if (!list) {
        error = vt_error_set(err, VT_EINVALID, 0, "/vulnerabilities: missing");
        goto out;
    }
    if (!cJSON_IsArray(list)) {
        error = vt_error_set(err, VT_EINVALID, 0, "/vulnerabilities: expected an array");
        goto out;
    }
    if (catalog_version) {
        version_copy = vt_strdup(version->valuestring);
        if (!version_copy) {
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
            goto out;
        }
    }
    cJSON_ArrayForEach(item, list)
    {
        error = kev_entry(item, index, &entry, err);
        if (error < 0)
            goto out;
        error = each ? each(ctx, &entry) : 0;
        if (error < 0)
            goto out;
        index++;
    }
    if (catalog_version) {
        *catalog_version = version_copy;
        version_copy = NULL;
    }
out:
    vt_free(version_copy);
    cJSON_Delete(root);
    return error;
}
