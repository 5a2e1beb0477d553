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
#include "jsonschema.h"

typedef enum vt_sbom_format {
    VT_SBOM_CYCLONEDX = 1,
    VT_SBOM_SPDX,
} vt_sbom_format;

typedef struct vt_sbom_component {
    const char *name;     /* or NULL */
    const char *version;  /* or NULL */
    const char *purl;     /* first purl found (CycloneDX purl; SPDX externalRefs of type purl), or NULL (also for "") */
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
    /*
     * Every component, nested ones flattened depth-first in document order.
     * For CycloneDX, metadata.component (the subject of the BOM) comes first
     * with is_metadata set, followed by its own nested components (also
     * is_metadata), then /components. ncomponents counts them all; "the
     * document's component count" as SBOM tools and the data kit give it is
     * the number with is_metadata false. SPDX packages are never is_metadata.
     */
    const vt_sbom_component *components;
    size_t ncomponents;
    const vt_sbom_dependency *dependencies; /* CycloneDX dependencies / SPDX DEPENDS_ON and CONTAINS relationships (and their inverses, see spdx.c) */
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

/**
 * Validate the SBOM s[0..len) against the JSON schema of its format and
 * version, read from `schema_dir` (the project's data/schemas folder):
 * cyclonedx/bom-<specVersion>.schema.json (with spdx.schema.json and
 * jsf-0.82.schema.json beside it), spdx/v2.2.2/spdx-schema.json for SPDX-2.2
 * and spdx/v2.3.1/spdx-schema.json for SPDX-2.3. `errors` (initialised with
 * VT_JSONSCHEMA_ERRORS_INIT, disposed by the caller) receives one entry per
 * violation, with the instance's JSON pointer. Returns 0 when the document is
 * valid; VT_EINVALID when it is not (errors->count > 0, err->msg names the
 * first) or is not JSON (errors->count == 0, err->offset); VT_EUNSUPPORTED
 * when no schema is known for it; VT_EIO when the schema cannot be read;
 * VT_ENOMEM.
 */
VT_EXTERN int vt_sbom_validate(const char *s, size_t len, const char *schema_dir,
                               vt_jsonschema_errors *errors, vt_error *err);

#endif
