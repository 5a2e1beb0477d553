/*
 * sbom.h - software bills of materials: CycloneDX JSON 1.2-1.6 and SPDX
 * 2.2/2.3 JSON, read into one component list.
 *
 * A parsed SBOM lives in its own arena: every string and array belongs to the
 * vt_sbom and is freed by vt_sbom_free.
 */
#ifndef VULNTRACK_SBOM_H
#define VULNTRACK_SBOM_H

#include "common.h"

typedef enum vt_sbom_format {
    VT_SBOM_CYCLONEDX = 1,
    VT_SBOM_SPDX,
} vt_sbom_format;

typedef struct vt_sbom_component {
    const char *name;     /* or NULL */
    const char *version;  /* or NULL */
    const char *purl;     /* first purl found (CycloneDX purl; SPDX externalRefs of type purl), or NULL */
    const char *bom_ref;  /* CycloneDX bom-ref or SPDX SPDXID, exactly as in the document; or NULL */
    const char *type;     /* CycloneDX type / SPDX primaryPackagePurpose, or NULL */
    const char *group;    /* CycloneDX group, or NULL */
    const char *pointer;  /* JSON pointer of the component in the document ("/components/3/components/0") */
    int depth;            /* 0 for top-level components, 1 for their children, ... */
    bool is_metadata;     /* CycloneDX metadata.component (the subject), also listed */
} vt_sbom_component;

typedef struct vt_sbom_dependency {
    const char *ref;            /* a bom-ref / SPDXID */
    const char *const *depends_on;
    size_t ndepends_on;
} vt_sbom_dependency;

typedef struct vt_sbom {
    vt_sbom_format format;
    const char *spec_version;   /* "1.5", "SPDX-2.3" as written */
    const char *serial_number;  /* CycloneDX serialNumber / SPDX documentNamespace, or NULL */
    const char *name;           /* metadata.component.name / SPDX name, or NULL */
    const vt_sbom_component *components; /* every component, nested ones flattened depth-first */
    size_t ncomponents;
    const vt_sbom_dependency *dependencies; /* CycloneDX dependencies / SPDX DEPENDS_ON and CONTAINS relationships */
    size_t ndependencies;
} vt_sbom;

/**
 * Parse an SBOM from s[0..len), recognising the format by content
 * (bomFormat "CycloneDX", or spdxVersion). On success *out is a new SBOM the
 * caller frees with vt_sbom_free; `s` is borrowed. On failure *out is NULL and
 * err->msg names the JSON pointer and problem ("/components/4/name: expected a
 * string"), or err->offset the byte offset of malformed JSON.
 * Returns 0, VT_EINVALID, VT_EUNSUPPORTED (another format or version) or
 * VT_ENOMEM.
 */
VT_EXTERN int vt_sbom_parse(vt_sbom **out, const char *s, size_t len, vt_error *err);

/** Free an SBOM and everything it owns; accepts NULL. */
VT_EXTERN void vt_sbom_free(vt_sbom *sbom);

/** "CycloneDX" or "SPDX"; static. */
VT_EXTERN const char *vt_sbom_format_name(vt_sbom_format f);

#endif
