/*
 * cyclonedx.c - CycloneDX JSON 1.2 to 1.6 into the vt_sbom model.
 *
 * Only what a scanner needs is kept: components (nested ones flattened
 * depth-first, metadata.component first and flagged), and the dependency
 * graph. Everything else in the document (services, vulnerabilities,
 * compositions, ...) is ignored, so VEX, CBOM, HBOM, OBOM and SaaSBOM
 * documents with no components read as SBOMs with no components.
 */
#include <stdio.h>
#include <string.h>

#include "sbom_internal.h"
#include "vulntrack/alloc.h"

static const char *const supported_versions[] = {"1.2", "1.3", "1.4", "1.5", "1.6"};

typedef struct cdx_reader {
    vt__sbom_doc *d;
    vt_sbom_component *comps; /* in the arena, room for `cap` */
    size_t n, cap;
    vt_buf ptr; /* JSON pointer of the current array */
    vt_error *err;
} cdx_reader;

/*
 * Count the components under `arr` (an array at JSON pointer `ptr`), nested
 * ones included, checking the shape on the way so that the fill pass cannot
 * fail on it.
 */
static int count_components(size_t *n, const cJSON *arr, vt_buf *ptr, vt_error *err)
{
    const cJSON *c, *sub;
    size_t i = 0, mark = ptr->len;
    int error = 0;

    cJSON_ArrayForEach(c, arr)
    {
        if (!cJSON_IsObject(c)) {
            error = vt_error_set(err, VT_EINVALID, 0, "%s/%zu: expected an object", ptr->ptr, i);
            goto out;
        }
        (*n)++;
        error = vt_buf_printf(ptr, "/%zu", i);
        if (error < 0)
            goto out;
        error = vt__sbom_opt_array(&sub, c, "components", ptr->ptr, err);
        if (error < 0)
            goto out;
        if (sub) {
            error = vt_buf_puts(ptr, "/components");
            if (error < 0)
                goto out;
            error = count_components(n, sub, ptr, err);
            if (error < 0)
                goto out;
        }
        ptr->len = mark;
        ptr->ptr[mark] = '\0';
        i++;
    }
out:
    return error;
}

/* Fill one component from object `c` whose JSON pointer is r->ptr. */
static int read_component(cdx_reader *r, const cJSON *c, int depth, bool is_metadata)
{
    vt_arena *a = &r->d->arena;
    vt_sbom_component *out;
    const char *where = r->ptr.ptr;
    int error;

    if (r->n >= r->cap)
        return vt_error_set(r->err, VT_EINTERNAL, 0, "%s: component count changed", where);
    out = &r->comps[r->n++];
    out->depth = depth;
    out->is_metadata = is_metadata;
    out->pointer = vt_arena_strndup(a, r->ptr.ptr, r->ptr.len);
    if (!out->pointer)
        return VT_ENOMEM;
    error = vt__sbom_opt_str(&out->name, a, c, "name", where, r->err);
    if (error == 0)
        error = vt__sbom_opt_str(&out->version, a, c, "version", where, r->err);
    if (error == 0)
        error = vt__sbom_opt_str(&out->purl, a, c, "purl", where, r->err);
    /* An empty purl identifies nothing: report the component as unidentified. */
    if (error == 0 && out->purl && out->purl[0] == '\0')
        out->purl = NULL;
    if (error == 0)
        error = vt__sbom_opt_str(&out->bom_ref, a, c, "bom-ref", where, r->err);
    if (error == 0)
        error = vt__sbom_opt_str(&out->type, a, c, "type", where, r->err);
    if (error == 0)
        error = vt__sbom_opt_str(&out->group, a, c, "group", where, r->err);
    return error;
}

/*
 * Fill the components of `arr` (at pointer r->ptr) and, after each one, its
 * nested components: depth-first, document order.
 */
static int read_components(cdx_reader *r, const cJSON *arr, int depth, bool is_metadata)
{
    const cJSON *c, *sub;
    size_t i = 0, mark = r->ptr.len;
    int error = 0;

    cJSON_ArrayForEach(c, arr)
    {
        error = vt_buf_printf(&r->ptr, "/%zu", i);
        if (error < 0)
            goto out;
        error = read_component(r, c, depth, is_metadata);
        if (error < 0)
            goto out;
        sub = cJSON_GetObjectItemCaseSensitive(c, "components");
        if (cJSON_IsArray(sub)) {
            error = vt_buf_puts(&r->ptr, "/components");
            if (error < 0)
                goto out;
            error = read_components(r, sub, depth + 1, is_metadata);
            if (error < 0)
                goto out;
        }
        r->ptr.len = mark;
        r->ptr.ptr[mark] = '\0';
        i++;
    }
out:
    return error;
}

static int set_pointer(vt_buf *b, const char *p)
{
    vt_buf_clear(b);
    return vt_buf_puts(b, p);
}

/* The metadata component, if any, then /components, into r->comps. */
static int read_all_components(cdx_reader *r, const cJSON *meta_comp, const cJSON *comps)
{
    const cJSON *sub;
    size_t n = 0;
    int error = 0;

    if (meta_comp) {
        n = 1;
        error = vt__sbom_opt_array(&sub, meta_comp, "components", "/metadata/component", r->err);
        if (error == 0 && sub) {
            error = set_pointer(&r->ptr, "/metadata/component/components");
            if (error == 0)
                error = count_components(&n, sub, &r->ptr, r->err);
        }
    }
    if (error == 0 && comps) {
        error = set_pointer(&r->ptr, "/components");
        if (error == 0)
            error = count_components(&n, comps, &r->ptr, r->err);
    }
    if (error < 0 || n == 0)
        return error;
    if (n > SIZE_MAX / sizeof(*r->comps))
        return VT_ENOMEM;
    r->comps = vt_arena_alloc(&r->d->arena, n * sizeof(*r->comps));
    if (!r->comps)
        return VT_ENOMEM;
    r->cap = n;
    if (meta_comp) {
        error = set_pointer(&r->ptr, "/metadata/component");
        if (error == 0)
            error = read_component(r, meta_comp, 0, true);
        sub = cJSON_GetObjectItemCaseSensitive(meta_comp, "components");
        if (error == 0 && cJSON_IsArray(sub)) {
            error = vt_buf_puts(&r->ptr, "/components");
            if (error == 0)
                error = read_components(r, sub, 1, true);
        }
    }
    if (error == 0 && comps) {
        error = set_pointer(&r->ptr, "/components");
        if (error == 0)
            error = read_components(r, comps, 0, false);
    }
    return error;
}

/* /dependencies: [{"ref": ..., "dependsOn": [...]}, ...]. */
static int read_dependencies(vt__sbom_doc *d, const cJSON *deps, vt_error *err)
{
    vt_sbom_dependency *out;
    const cJSON *dep, *on, *ref;
    const char **targets;
    char where[64];
    size_t n = (size_t)cJSON_GetArraySize(deps), i = 0, j;
    int error = 0;

    if (n == 0)
        return 0;
    out = vt_arena_alloc(&d->arena, n * sizeof(*out));
    if (!out)
        return VT_ENOMEM;
    cJSON_ArrayForEach(dep, deps)
    {
        snprintf(where, sizeof(where), "/dependencies/%zu", i);
        if (!cJSON_IsObject(dep))
            return vt_error_set(err, VT_EINVALID, 0, "%s: expected an object", where);
        ref = cJSON_GetObjectItemCaseSensitive(dep, "ref");
        if (!ref)
            return vt_error_set(err, VT_EINVALID, 0, "%s: missing \"ref\"", where);
        error = vt__sbom_opt_str(&out[i].ref, &d->arena, dep, "ref", where, err);
        if (error < 0)
            return error;
        if (!out[i].ref)
            return vt_error_set(err, VT_EINVALID, 0, "%s/ref: expected a string, found null",
                                where);
        error = vt__sbom_opt_array(&on, dep, "dependsOn", where, err);
        if (error < 0)
            return error;
        out[i].ndepends_on = on ? (size_t)cJSON_GetArraySize(on) : 0;
        if (out[i].ndepends_on > 0) {
            targets = vt_arena_alloc(&d->arena, out[i].ndepends_on * sizeof(*targets));
            if (!targets)
                return VT_ENOMEM;
            j = 0;
            cJSON_ArrayForEach(ref, on)
            {
                if (!cJSON_IsString(ref))
                    return vt_error_set(err, VT_EINVALID, 0, "%s/dependsOn/%zu: expected a string",
                                        where, j);
                targets[j] = vt_arena_strdup(&d->arena, ref->valuestring);
                if (!targets[j])
                    return VT_ENOMEM;
                j++;
            }
            out[i].depends_on = targets;
        }
        i++;
    }
    d->pub.dependencies = out;
    d->pub.ndependencies = n;
    return 0;
}

int vt__cyclonedx_read(vt__sbom_doc *d, const cJSON *root, vt_error *err)
{
    cdx_reader r = {d, NULL, 0, 0, VT_BUF_INIT, err};
    const cJSON *meta = NULL, *meta_comp = NULL, *comps = NULL, *deps = NULL;
    size_t i;
    int error;

    error = vt__sbom_opt_str(&d->pub.spec_version, &d->arena, root, "specVersion", "", err);
    if (error < 0)
        goto out;
    if (!d->pub.spec_version) {
        error = vt_error_set(err, VT_EINVALID, 0, "/specVersion: missing");
        goto out;
    }
    for (i = 0; i < sizeof(supported_versions) / sizeof(*supported_versions); i++)
        if (strcmp(d->pub.spec_version, supported_versions[i]) == 0)
            break;
    if (i == sizeof(supported_versions) / sizeof(*supported_versions)) {
        error = vt_error_set(err, VT_EUNSUPPORTED, 0,
                             "/specVersion: CycloneDX \"%.40s\" is not supported (1.2 to 1.6)",
                             d->pub.spec_version);
        goto out;
    }
    error = vt__sbom_opt_str(&d->pub.serial_number, &d->arena, root, "serialNumber", "", err);
    if (error < 0)
        goto out;
    error = vt__sbom_opt_object(&meta, root, "metadata", "", err);
    if (error == 0 && meta)
        error = vt__sbom_opt_object(&meta_comp, meta, "component", "/metadata", err);
    if (error == 0)
        error = vt__sbom_opt_array(&comps, root, "components", "", err);
    if (error == 0)
        error = vt__sbom_opt_array(&deps, root, "dependencies", "", err);
    if (error < 0)
        goto out;
    error = read_all_components(&r, meta_comp, comps);
    if (error < 0)
        goto out;
    d->pub.components = r.comps;
    d->pub.ncomponents = r.n;
    if (meta_comp && r.n > 0)
        d->pub.name = r.comps[0].name;
    if (deps)
        error = read_dependencies(d, deps, err);
out:
    vt_buf_dispose(&r.ptr);
    return error;
}
