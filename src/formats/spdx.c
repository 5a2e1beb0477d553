/*
 * spdx.c - SPDX 2.2 and 2.3 JSON into the vt_sbom model.
 *
 * Every package is a component (files and snippets are not). The purl is the
 * first externalRefs entry of referenceType "purl", whatever spelling its
 * referenceCategory uses: SPDX 2.2 JSON writes PACKAGE_MANAGER, 2.3 writes
 * PACKAGE-MANAGER, and real documents mix them. DEPENDS_ON and CONTAINS
 * relationships become edges from spdxElementId to relatedSpdxElement;
 * DEPENDENCY_OF, its qualified forms (TEST_DEPENDENCY_OF, BUILD_..., DEV_...,
 * RUNTIME_..., OPTIONAL_..., PROVIDED_...) and CONTAINED_BY the reverse edge,
 * because real documents state the same graph from either end. Dependencies
 * are grouped by their source element and ordered by it (strcmp order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbom_internal.h"
#include "vulntrack/alloc.h"

typedef struct spdx_edge {
    const char *from, *to;
    size_t index; /* order in the document, to keep targets in document order */
} spdx_edge;

static int read_purl(const char **out, vt_arena *a, const cJSON *pkg, const char *where,
                     vt_error *err)
{
    const cJSON *refs, *ref;
    const char *type, *loc;
    char rwhere[96];
    size_t i = 0;
    int error;

    *out = NULL;
    error = vt__sbom_opt_array(&refs, pkg, "externalRefs", where, err);
    if (error < 0 || !refs)
        return error;
    cJSON_ArrayForEach(ref, refs)
    {
        snprintf(rwhere, sizeof(rwhere), "%s/externalRefs/%zu", where, i);
        if (!cJSON_IsObject(ref))
            return vt_error_set(err, VT_EINVALID, 0, "%s: expected an object", rwhere);
        /* Strings are read in place here: only the chosen locator is copied. */
        type = NULL;
        loc = NULL;
        if (cJSON_GetObjectItemCaseSensitive(ref, "referenceType")) {
            if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ref, "referenceType")))
                return vt_error_set(err, VT_EINVALID, 0, "%s/referenceType: expected a string",
                                    rwhere);
            type = cJSON_GetObjectItemCaseSensitive(ref, "referenceType")->valuestring;
        }
        if (cJSON_GetObjectItemCaseSensitive(ref, "referenceLocator")) {
            if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ref, "referenceLocator")))
                return vt_error_set(err, VT_EINVALID, 0, "%s/referenceLocator: expected a string",
                                    rwhere);
            loc = cJSON_GetObjectItemCaseSensitive(ref, "referenceLocator")->valuestring;
        }
        if (!*out && type && loc && loc[0] != '\0' && strcmp(type, "purl") == 0) {
            *out = vt_arena_strdup(a, loc);
            if (!*out)
                return VT_ENOMEM;
        }
        i++;
    }
    return 0;
}

static int read_packages(vt__sbom_doc *d, const cJSON *pkgs, vt_error *err)
{
    vt_arena *a = &d->arena;
    vt_sbom_component *comps, *c;
    const cJSON *pkg;
    char where[48];
    size_t n = (size_t)cJSON_GetArraySize(pkgs), i = 0;
    int error = 0;

    if (n == 0)
        return 0;
    comps = vt_arena_alloc(a, n * sizeof(*comps));
    if (!comps)
        return VT_ENOMEM;
    cJSON_ArrayForEach(pkg, pkgs)
    {
        snprintf(where, sizeof(where), "/packages/%zu", i);
        if (!cJSON_IsObject(pkg))
            return vt_error_set(err, VT_EINVALID, 0, "%s: expected an object", where);
        c = &comps[i];
        c->pointer = vt_arena_strdup(a, where);
        if (!c->pointer)
            return VT_ENOMEM;
        error = vt__sbom_opt_str(&c->name, a, pkg, "name", where, err);
        if (error == 0)
            error = vt__sbom_opt_str(&c->version, a, pkg, "versionInfo", where, err);
        if (error == 0)
            error = vt__sbom_opt_str(&c->bom_ref, a, pkg, "SPDXID", where, err);
        if (error == 0)
            error = vt__sbom_opt_str(&c->type, a, pkg, "primaryPackagePurpose", where, err);
        if (error == 0)
            error = read_purl(&c->purl, a, pkg, where, err);
        if (error < 0)
            return error;
        i++;
    }
    d->pub.components = comps;
    d->pub.ncomponents = n;
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int edge_cmp(const void *pa, const void *pb)
{
    const spdx_edge *a = pa, *b = pb;
    int c = strcmp(a->from, b->from);

    if (c != 0)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* The string member `key` of relationship `rel`, required. */
static int rel_str(const char **out, const cJSON *rel, const char *key, const char *where,
                   vt_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rel, key);

    if (!v)
        return vt_error_set(err, VT_EINVALID, 0, "%s: missing \"%s\"", where, key);
    if (!cJSON_IsString(v))
        return vt_error_set(err, VT_EINVALID, 0, "%s/%s: expected a string", where, key);
    *out = v->valuestring;
    return 0;
}

static int read_relationships(vt__sbom_doc *d, const cJSON *rels, vt_error *err)
{
    vt_arena *a = &d->arena;
    spdx_edge *edges = NULL;
    vt_sbom_dependency *deps;
    const char **targets;
    const cJSON *rel;
    const char *from = NULL, *type = NULL, *to = NULL;
    char where[48];
    size_t n = (size_t)cJSON_GetArraySize(rels), nedges = 0, ngroups = 0, i, j, k;
    int error = 0;

    if (n == 0)
        return 0;
    edges = vt_calloc(n, sizeof(*edges));
    if (!edges)
        return VT_ENOMEM;
    i = 0;
    cJSON_ArrayForEach(rel, rels)
    {
        snprintf(where, sizeof(where), "/relationships/%zu", i++);
        if (!cJSON_IsObject(rel)) {
            error = vt_error_set(err, VT_EINVALID, 0, "%s: expected an object", where);
            goto out;
        }
        error = rel_str(&from, rel, "spdxElementId", where, err);
        if (error == 0)
            error = rel_str(&type, rel, "relationshipType", where, err);
        if (error == 0)
            error = rel_str(&to, rel, "relatedSpdxElement", where, err);
        if (error < 0)
            goto out;
        if (strcmp(type, "DEPENDS_ON") == 0 || strcmp(type, "CONTAINS") == 0) {
            edges[nedges].from = from;
            edges[nedges].to = to;
        } else if (ends_with(type, "DEPENDENCY_OF") || strcmp(type, "CONTAINED_BY") == 0) {
            edges[nedges].from = to;
            edges[nedges].to = from;
        } else {
            continue;
        }
        edges[nedges].index = nedges;
        nedges++;
    }
    if (nedges == 0)
        goto out;
    qsort(edges, nedges, sizeof(*edges), edge_cmp);
    for (i = 0; i < nedges; i++)
        if (i == 0 || strcmp(edges[i].from, edges[i - 1].from) != 0)
            ngroups++;
    deps = vt_arena_alloc(a, ngroups * sizeof(*deps));
    targets = vt_arena_alloc(a, nedges * sizeof(*targets));
    if (!deps || !targets) {
        error = VT_ENOMEM;
        goto out;
    }
    for (i = 0, k = 0; i < nedges; k++) {
        deps[k].ref = vt_arena_strdup(a, edges[i].from);
        if (!deps[k].ref) {
            error = VT_ENOMEM;
            goto out;
        }
        deps[k].depends_on = &targets[i];
        for (j = i; j < nedges && strcmp(edges[j].from, edges[i].from) == 0; j++) {
            targets[j] = vt_arena_strdup(a, edges[j].to);
            if (!targets[j]) {
                error = VT_ENOMEM;
                goto out;
            }
        }
        deps[k].ndepends_on = j - i;
        i = j;
    }
    d->pub.dependencies = deps;
    d->pub.ndependencies = ngroups;
out:
    vt_free(edges);
    return error;
}

int vt__spdx_read(vt__sbom_doc *d, const cJSON *root, vt_error *err)
{
    const cJSON *pkgs, *rels;
    const char *v;
    int error;

    error = vt__sbom_opt_str(&d->pub.spec_version, &d->arena, root, "spdxVersion", "", err);
    if (error < 0)
        return error;
    v = d->pub.spec_version;
    if (!v)
        return vt_error_set(err, VT_EINVALID, 0, "/spdxVersion: expected a string, found null");
    if (strcmp(v, "SPDX-2.2") != 0 && strcmp(v, "SPDX-2.3") != 0)
        return vt_error_set(err, VT_EUNSUPPORTED, 0,
                            "/spdxVersion: \"%.40s\" is not supported (SPDX-2.2, SPDX-2.3)", v);
    error = vt__sbom_opt_str(&d->pub.serial_number, &d->arena, root, "documentNamespace", "", err);
    if (error == 0)
        error = vt__sbom_opt_str(&d->pub.name, &d->arena, root, "name", "", err);
    if (error == 0)
        error = vt__sbom_opt_array(&pkgs, root, "packages", "", err);
    if (error == 0)
        error = vt__sbom_opt_array(&rels, root, "relationships", "", err);
    if (error == 0 && pkgs)
        error = read_packages(d, pkgs, err);
    if (error == 0 && rels)
        error = read_relationships(d, rels, err);
    return error;
}
