/*
 * sbom_fuzz_check.h - the invariants both SBOM fuzz targets check on every
 * input: a failure carries its code and a message, and a parsed SBOM's
 * component list is well-formed (pointers, depths, metadata first,
 * dependency targets present). Any violation aborts.
 */
#ifndef VT_SBOM_FUZZ_CHECK_H
#define VT_SBOM_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/sbom.h"

static void sbom_fuzz_die(const char *what, const char *detail)
{
    fprintf(stderr, "sbom fuzz: %s: %s\n", what, detail ? detail : "(null)");
    abort();
}

/* Touch every byte of an optional string, so ASan sees a bad one. */
static size_t sbom_fuzz_len(const char *s)
{
    return s ? strlen(s) : 0;
}

static void sbom_fuzz_check_component(const vt_sbom *s, size_t i)
{
    const vt_sbom_component *c = &s->components[i];
    const char *want = c->is_metadata ? "/metadata/component" : NULL;

    if (!c->pointer || c->pointer[0] != '/')
        sbom_fuzz_die("component pointer does not start with '/'", c->pointer);
    if (c->depth < 0)
        sbom_fuzz_die("negative depth", c->pointer);
    if (want && strncmp(c->pointer, want, strlen(want)) != 0)
        sbom_fuzz_die("metadata component outside /metadata/component", c->pointer);
    if (i > 0 && c->is_metadata && !s->components[i - 1].is_metadata)
        sbom_fuzz_die("metadata component after a plain one", c->pointer);
    /* A child comes right after its parent or a sibling subtree: depth rises by one at most. */
    if (i > 0 && c->depth > s->components[i - 1].depth + 1)
        sbom_fuzz_die("depth jumps by more than one", c->pointer);
    if (i == 0 && c->depth != 0)
        sbom_fuzz_die("first component is nested", c->pointer);
    if (s->format == VT_SBOM_SPDX && (c->is_metadata || c->depth != 0))
        sbom_fuzz_die("SPDX package nested or metadata", c->pointer);
    (void)(sbom_fuzz_len(c->name) + sbom_fuzz_len(c->version) + sbom_fuzz_len(c->purl) +
           sbom_fuzz_len(c->bom_ref) + sbom_fuzz_len(c->type) + sbom_fuzz_len(c->group));
}

static void sbom_fuzz_check(const char *data, size_t size)
{
    vt_error err = VT_ERROR_INIT;
    vt_sbom *s = NULL;
    size_t i, j;
    int rc = vt_sbom_parse(&s, data, size, &err);

    if (rc < 0) {
        if (s)
            sbom_fuzz_die("failure left an SBOM", err.msg);
        if (rc != VT_ENOMEM && (err.code != rc || err.msg[0] == '\0'))
            sbom_fuzz_die("failure without its code or message", err.msg);
        if (err.offset > size)
            sbom_fuzz_die("error offset past the input", err.msg);
        return;
    }
    if (rc != 0 || !s)
        sbom_fuzz_die("success without an SBOM", NULL);
    if (s->format != VT_SBOM_CYCLONEDX && s->format != VT_SBOM_SPDX)
        sbom_fuzz_die("unknown format", NULL);
    if (!s->spec_version)
        sbom_fuzz_die("no spec version", NULL);
    if ((s->ncomponents == 0) != (s->components == NULL))
        sbom_fuzz_die("component count and array disagree", s->spec_version);
    for (i = 0; i < s->ncomponents; i++)
        sbom_fuzz_check_component(s, i);
    for (i = 0; i < s->ndependencies; i++) {
        const vt_sbom_dependency *d = &s->dependencies[i];

        if (!d->ref)
            sbom_fuzz_die("dependency without ref", NULL);
        for (j = 0; j < d->ndepends_on; j++)
            if (!d->depends_on[j])
                sbom_fuzz_die("dependency target missing", d->ref);
    }
    (void)(sbom_fuzz_len(s->serial_number) + sbom_fuzz_len(s->name));
    vt_sbom_free(s);
}

#endif
