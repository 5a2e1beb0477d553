/*
 * cmd_purl.c - `vulntrack purl parse PURL` and its --batch form: the decoded
 * components, the canonical form and the OSV ecosystem/name of a package URL,
 * as one line of JSON each.
 */
#include <string.h>

#include "cli.h"
#include "vulntrack/json.h"
#include "vulntrack/purl.h"

static int run_purl(int argc, char **argv);

const cli_command cli_cmd_purl = {
    "purl",
    "parse package URLs: components, canonical form, OSV ecosystem",
    "usage: vulntrack purl parse [--strict] PURL\n"
    "       vulntrack purl parse [--strict] --batch < PURLS\n"
    "\n"
    "parse prints one line of compact JSON with these keys, in this order:\n"
    "  type, namespace, name, version, qualifiers, subpath, canonical,\n"
    "  osv_ecosystem, osv_name\n"
    "Components are percent-decoded and normalised by the purl specification\n"
    "and the rules of the purl's type (e.g. pypi names lower-cased with '_' as\n"
    "'-'). qualifiers is an object with the keys sorted, or null when there are\n"
    "none (the purl test suite's convention); any absent value is null.\n"
    "canonical is the purl's canonical string. osv_ecosystem and osv_name say\n"
    "where OSV files advisories for the package (e.g. \"Debian:12\" and \"curl\"\n"
    "for pkg:deb/debian/curl?distro=bookworm); both are null when OSV has no\n"
    "ecosystem for the purl's type.\n"
    "\n"
    "Qualifier keys that are not lower-case are lower-cased; with --strict they\n"
    "are an error, as in the specification's conformance tests.\n"
    "\n"
    "With --batch, each line of standard input is one purl and one JSON line\n"
    "is printed per input line, in order. A line that is not a valid purl\n"
    "prints {\"error\":\"...\"}, a message naming the line goes to standard\n"
    "error, and the command exits 2 after the last line.\n"
    "\n"
    "Exit status: 0 parsed, 2 invalid purl or bad usage, 3 I/O or internal\n"
    "error.\n",
    run_purl,
};

/* Add s or JSON null under key. */
static int add_str_or_null(cJSON *obj, const char *key, const char *s)
{
    return s ? vt_json_add_str(obj, key, s) : vt_json_add_null(obj, key);
}

/* Append the JSON line for `p` (without newline) to `out`. */
static int purl_to_json(vt_buf *out, const vt_purl *p)
{
    vt_buf canonical = VT_BUF_INIT, eco = VT_BUF_INIT, name = VT_BUF_INIT;
    cJSON *obj = cJSON_CreateObject(), *quals = NULL;
    size_t i, n = vt_purl_qualifier_count(p);
    int error, mapped;

    if (!obj) {
        error = VT_ENOMEM;
        goto out;
    }
    error = vt_purl_canonical(&canonical, p);
    if (error < 0)
        goto out;
    mapped = vt_purl_osv(&eco, &name, p);
    if (mapped < 0) {
        error = mapped;
        goto out;
    }
    error = vt_json_add_str(obj, "type", vt_purl_type(p));
    if (error >= 0)
        error = add_str_or_null(obj, "namespace", vt_purl_namespace(p));
    if (error >= 0)
        error = vt_json_add_str(obj, "name", vt_purl_name(p));
    if (error >= 0)
        error = add_str_or_null(obj, "version", vt_purl_version(p));
    if (error >= 0 && n == 0)
        error = vt_json_add_null(obj, "qualifiers");
    if (error >= 0 && n > 0) {
        quals = cJSON_CreateObject();
        for (i = 0; quals && error >= 0 && i < n; i++) {
            const vt_purl_qualifier *q = vt_purl_qualifier_at(p, i);

            error = vt_json_add_str(quals, q->key, q->value);
        }
        /* vt_json_add_take owns quals from here on, NULL included. */
        if (error >= 0)
            error = vt_json_add_take(obj, "qualifiers", quals);
        else
            cJSON_Delete(quals);
    }
    if (error >= 0)
        error = add_str_or_null(obj, "subpath", vt_purl_subpath(p));
    if (error >= 0)
        error = vt_json_add_str(obj, "canonical", canonical.ptr);
    if (error >= 0)
        error = add_str_or_null(obj, "osv_ecosystem", mapped ? eco.ptr : NULL);
    if (error >= 0)
        error = add_str_or_null(obj, "osv_name", mapped ? name.ptr : NULL);
    if (error >= 0)
        error = vt_json_print(out, obj);
out:
    cJSON_Delete(obj);
    vt_buf_dispose(&canonical);
    vt_buf_dispose(&eco);
    vt_buf_dispose(&name);
    return error;
}

/*
 * Parse one purl and put its JSON line in `out` (a cli_line_fn; `ctx`
 * points at the VT_PURL_* flags). On an invalid purl `err` says why and
 * `out` is untouched.
 */
static int describe(void *ctx, const char *s, size_t len, vt_buf *out, vt_error *err)
{
    const unsigned *flags = ctx;
    vt_purl *p = NULL;
    int error;

    error = vt_purl_parse_ex(&p, s, len, *flags, err);
    if (error >= 0) {
        error = purl_to_json(out, p);
        if (error < 0)
            vt_error_set(err, error, 0, "%s", vt_strerror(error));
    }
    vt_purl_free(p);
    return error;
}

static int run_purl(int argc, char **argv)
{
    const char *purl = NULL;
    unsigned flags = 0;
    bool batch = false;
    int i, status;

    if (argc < 2 || strcmp(argv[1], "parse") != 0)
        return cli_usage_error(&cli_cmd_purl, "expected 'parse'");
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--strict") == 0)
            flags |= VT_PURL_STRICT;
        else if (strcmp(argv[i], "--batch") == 0)
            batch = true;
        else if (strcmp(argv[i], "--") == 0 && i + 1 < argc && !purl)
            purl = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error(&cli_cmd_purl, "unknown option '%s'", argv[i]);
        else if (!purl)
            purl = argv[i];
        else
            return cli_usage_error(&cli_cmd_purl, "parse takes one PURL");
    }
    if (batch && purl)
        return cli_usage_error(&cli_cmd_purl, "give either PURL or --batch, not both");
    if (batch)
        status = cli_run_batch("purl", describe, &flags);
    else if (!purl)
        return cli_usage_error(&cli_cmd_purl, "parse needs a PURL or --batch");
    else
        status = cli_run_one("purl", describe, &flags, purl);
    return cli_finish_output("purl", status);
}
