/*
 * purl_types.c - the rules of the registered purl types.
 *
 * The table is written from the machine-readable type definitions of the
 * purl-spec repository (types/<type>-definition.json, purl-spec commit
 * 16f3d0e3): `requirement` of namespace_definition gives ns_req,
 * `case_sensitive: false` of a component gives its folding, and
 * qualifiers_definition entries with `requirement: required` give
 * required_qualifier. Rules the definitions state only in prose are the
 * fixup hooks below, each citing its definition. Two departures follow the
 * purl-spec test suite, which the definitions contradict: git namespaces and
 * names are lower-cased, and a git name is the repository path after the
 * host (see git_fixup).
 */
#include <string.h>

#include "purl_internal.h"
#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/strparse.h"

#define QUOTE_MAX 48

/* ------------------------------------------------------------------------ */
/* Fixups: what the definitions say in their notes                           */
/* ------------------------------------------------------------------------ */

/*
 * pypi: "a PyPI package name shall be lowercased and underscore _ replaced
 * with a dash -". (The full PEP 503 folding of '.' and runs of separators is
 * applied only when mapping to OSV, as the purl definition does not ask for
 * it.)
 */
static int pypi_fixup(vt_purl *p, vt_error *err)
{
    char *c;

    (void)err;
    for (c = p->name; *c; c++)
        if (*c == '_')
            *c = '-';
    return 0;
}

/*
 * pub: "Replace non-[a-z] letters, non-[0-9] digits with underscore _" after
 * lower-casing; each non-ASCII character (a UTF-8 sequence) becomes one '_'.
 */
static int pub_fixup(vt_purl *p, vt_error *err)
{
    unsigned char *r = (unsigned char *)p->name, *w = r;

    (void)err;
    for (; *r; r++) {
        if ((*r >= 'a' && *r <= 'z') || vt_is_digit(*r) || *r == '_')
            *w++ = *r;
        else if ((*r & 0xc0) != 0x80)
            *w++ = '_';
    }
    *w = '\0';
    return 0;
}

/* cpan: "A distribution name shall not contain the string '::'". */
static int cpan_fixup(vt_purl *p, vt_error *err)
{
    char shown[QUOTE_MAX];

    if (strstr(p->name, "::"))
        return vt_error_set(err, VT_EINVALID, 0,
                            "cpan name '%s' is a module name ('::'); a purl "
                            "names the distribution, e.g. 'URI-PackageURL'",
                            vt__purl_quote(shown, sizeof(shown), p->name, strlen(p->name)));
    return 0;
}

/*
 * chrome-extension: permitted_characters ^[a-p]{32}$ for the name (the
 * extension id) and ^\d+(\.\d+){0,3}$ for the version.
 */
static int chrome_fixup(vt_purl *p, vt_error *err)
{
    const char *c;
    size_t n = 0, parts = 1;
    bool digit = false;

    for (c = p->name; *c; c++, n++)
        if (*c < 'a' || *c > 'p')
            break;
    if (*c || n != 32)
        return vt_error_set(err, VT_EINVALID, 0,
                            "chrome-extension name must be the 32-letter "
                            "extension id (letters a to p)");
    if (!p->version)
        return 0;
    for (c = p->version; *c; c++) {
        if (vt_is_digit((unsigned char)*c)) {
            digit = true;
        } else if (*c == '.' && digit) {
            digit = false;
            parts++;
        } else {
            break;
        }
    }
    if (*c || !digit || parts > 4)
        return vt_error_set(err, VT_EINVALID, 0,
                            "chrome-extension version must be 1 to 4 "
                            "dot-separated numbers");
    return 0;
}

/* True when the host of `url` ("https://host/...") mentions databricks. */
static bool url_host_is_databricks(const char *url)
{
    const char *host = strstr(url, "://");
    size_t n, i;

    host = host ? host + 3 : url;
    n = strcspn(host, "/?#");
    for (i = 0; i + 10 <= n; i++)
        if (vt_ascii_ieq(host + i, 10, "databricks"))
            return true;
    return false;
}

/*
 * mlflow: "for Databricks, it is case insensitive and shall be lowercased";
 * Azure ML and other servers keep the case. The server is the
 * repository_url qualifier.
 */
static int mlflow_fixup(vt_purl *p, vt_error *err)
{
    const char *repo = vt_purl_qualifier_get(p, "repository_url");

    (void)err;
    if (repo && url_host_is_databricks(repo))
        vt__purl_ascii_lower(p->name);
    return 0;
}

/*
 * git: the namespace is the host alone and the name the repository path on
 * it ("pkg:git/codeberg.org/forgejo/forgejo" has namespace "codeberg.org"
 * and name "forgejo/forgejo" in the test suite), so the parser's
 * last-segment split is redone here. Empty name segments are dropped, as in
 * a namespace, so that the canonical form parses back the same.
 */
static int git_fixup(vt_purl *p, vt_error *err)
{
    vt_buf path = VT_BUF_INIT;
    const char *first_end, *seg, *next;
    char *ns = NULL, *name = NULL;
    int error;

    error = vt_buf_puts(&path, p->ns);
    for (seg = p->name; error >= 0 && *seg; seg = next) {
        size_t n = strcspn(seg, "/");

        next = seg[n] ? seg + n + 1 : seg + n;
        if (n == 0)
            continue;
        error = vt_buf_putc(&path, '/');
        if (error >= 0)
            error = vt_buf_put(&path, seg, n);
    }
    if (error < 0)
        goto out;
    first_end = strchr(path.ptr, '/');
    if (!first_end) {
        error =
            vt_error_set(err, VT_EINVALID, 0, "git purl needs a repository path after the host");
        goto out;
    }
    ns = vt_strndup(path.ptr, (size_t)(first_end - path.ptr));
    name = vt_strdup(first_end + 1);
    if (!ns || !name) {
        error = VT_ENOMEM;
        goto out;
    }
    vt_free(p->ns);
    vt_free(p->name);
    p->ns = ns;
    p->name = name;
    ns = name = NULL;
out:
    vt_free(ns);
    vt_free(name);
    vt_buf_dispose(&path);
    return error < 0 ? error : 0;
}

/* ------------------------------------------------------------------------ */
/* The table                                                                 */
/* ------------------------------------------------------------------------ */

#define OPT VT__PURL_OPTIONAL
#define REQ VT__PURL_REQUIRED
#define NO VT__PURL_PROHIBITED
#define KEEP VT__PURL_CASE_KEEP
#define LOWER VT__PURL_CASE_LOWER
#define UPPER VT__PURL_CASE_UPPER

/*
 * type, namespace, namespace case, name lower, version lower, subpath lower,
 * name is a path, max namespace segments, required qualifier, fixup.
 */
static const vt__purl_type types[] = {
    {"alpm", REQ, LOWER, true, false, false, false, 0, NULL, NULL},
    {"apk", REQ, LOWER, true, false, false, false, 0, NULL, NULL},
    {"bazel", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    {"bitbucket", REQ, LOWER, true, false, false, false, 0, NULL, NULL},
    {"bitnami", NO, KEEP, true, false, false, false, 0, NULL, NULL},
    {"brew", OPT, LOWER, true, false, false, false, 0, NULL, NULL},
    {"cargo", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    {"chrome-extension", NO, KEEP, true, false, false, false, 0, NULL, chrome_fixup},
    {"cocoapods", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    {"composer", REQ, LOWER, true, false, false, false, 0, NULL, NULL},
    {"conan", OPT, KEEP, false, false, false, false, 0, NULL, NULL},
    {"conda", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    /* "When present, it represents the CPAN author ID and shall be uppercase". */
    {"cpan", OPT, UPPER, false, false, false, false, 0, NULL, cpan_fixup},
    {"cran", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    {"deb", REQ, LOWER, true, false, false, false, 0, NULL, NULL},
    {"docker", OPT, KEEP, false, false, false, false, 0, NULL, NULL},
    {"gem", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    {"generic", OPT, KEEP, false, false, false, false, 0, NULL, NULL},
    {"git", REQ, LOWER, true, false, false, true, 0, NULL, git_fixup},
    {"github", REQ, LOWER, true, false, false, false, 0, NULL, NULL},
    {"golang", REQ, KEEP, false, false, false, false, 0, NULL, NULL},
    {"hackage", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    {"hex", OPT, LOWER, true, false, false, false, 0, NULL, NULL},
    {"huggingface", REQ, KEEP, false, true, false, false, 0, NULL, NULL},
    {"julia", NO, KEEP, false, false, false, false, 0, "uuid", NULL},
    {"luarocks", OPT, LOWER, true, false, false, false, 0, NULL, NULL},
    {"maven", REQ, KEEP, false, false, false, false, 0, NULL, NULL},
    {"mlflow", NO, KEEP, false, false, false, false, 0, NULL, mlflow_fixup},
    {"npm", OPT, KEEP, false, false, false, false, 0, NULL, NULL},
    {"nuget", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    {"oci", NO, KEEP, true, true, false, false, 0, NULL, NULL},
    {"opam", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    {"otp", NO, KEEP, true, false, true, false, 0, NULL, NULL},
    {"pub", NO, KEEP, true, false, false, false, 0, NULL, pub_fixup},
    {"pypi", NO, KEEP, true, true, false, false, 0, NULL, pypi_fixup},
    {"qpkg", REQ, LOWER, false, false, false, false, 0, NULL, NULL},
    {"rpm", REQ, LOWER, false, false, false, false, 0, NULL, NULL},
    /* "A maximum of two segments are supported" (name and regid). */
    {"swid", OPT, KEEP, false, false, false, false, 2, "tag_id", NULL},
    {"swift", REQ, KEEP, false, false, false, false, 0, NULL, NULL},
    {"vcpkg", NO, KEEP, false, false, false, false, 0, NULL, NULL},
    {"vscode-extension", REQ, LOWER, true, true, false, false, 0, NULL, NULL},
    {"yocto", OPT, LOWER, false, false, false, false, 0, NULL, NULL},
};

#define TYPE_COUNT (sizeof(types) / sizeof(types[0]))

const vt__purl_type *vt__purl_type_find(const char *type)
{
    size_t i;

    for (i = 0; i < TYPE_COUNT; i++)
        if (strcmp(types[i].type, type) == 0)
            return &types[i];
    return NULL;
}

static size_t count_segments(const char *s)
{
    size_t n = 1;

    for (; *s; s++)
        n += *s == '/';
    return n;
}

int vt__purl_apply_type_rules(vt_purl *p, unsigned flags, vt_error *err)
{
    const vt__purl_type *r = p->rule;
    char shown[QUOTE_MAX];

    if (!r)
        return 0;
    /*
     * Go module paths with one element (tailscale.com, gitea.dev) have no
     * namespace to give, and syft and osv.dev write such purls; lenient mode
     * reads them as the module path in the name. Strict mode keeps the type
     * definition's rule.
     */
    if (r->ns_req == VT__PURL_REQUIRED && !p->ns &&
        !(strcmp(r->type, "golang") == 0 && !(flags & VT_PURL_STRICT)))
        return vt_error_set(err, VT_EINVALID, 0, "type '%s' requires a namespace", r->type);
    if (r->ns_req == VT__PURL_PROHIBITED && p->ns)
        return vt_error_set(err, VT_EINVALID, 0,
                            "type '%s' does not allow a namespace (found '%s')", r->type,
                            vt__purl_quote(shown, sizeof(shown), p->ns, strlen(p->ns)));
    if (r->ns_max_segments && p->ns && count_segments(p->ns) > r->ns_max_segments)
        return vt_error_set(err, VT_EINVALID, 0,
                            "type '%s' allows at most %u namespace segments "
                            "(found '%s')",
                            r->type, (unsigned)r->ns_max_segments,
                            vt__purl_quote(shown, sizeof(shown), p->ns, strlen(p->ns)));
    if (r->required_qualifier && !vt_purl_qualifier_get(p, r->required_qualifier))
        return vt_error_set(err, VT_EINVALID, 0, "type '%s' requires the '%s' qualifier", r->type,
                            r->required_qualifier);
    if (p->ns && r->ns_case == VT__PURL_CASE_LOWER)
        vt__purl_ascii_lower(p->ns);
    if (p->ns && r->ns_case == VT__PURL_CASE_UPPER)
        vt__purl_ascii_upper(p->ns);
    if (r->name_lower)
        vt__purl_ascii_lower(p->name);
    if (r->version_lower && p->version)
        vt__purl_ascii_lower(p->version);
    if (r->subpath_lower && p->subpath)
        vt__purl_ascii_lower(p->subpath);
    return r->fixup ? r->fixup(p, err) : 0;
}
