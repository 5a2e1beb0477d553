/*
 * sbom_internal.h - what the SBOM readers share: the arena-owning document
 * behind a vt_sbom, the typed accessors that turn a wrong JSON type into an
 * error naming its JSON pointer, and the JSON parse that the readers and the
 * schema validator both start with.
 */
#ifndef VT_SBOM_INTERNAL_H
#define VT_SBOM_INTERNAL_H

#include <cjson/cJSON.h>

#include "vulntrack/arena.h"
#include "vulntrack/buf.h"
#include "vulntrack/sbom.h"

/* The public struct comes first, so a vt_sbom * is also a vt__sbom_doc *. */
typedef struct vt__sbom_doc {
    vt_sbom pub;
    vt_arena arena;
} vt__sbom_doc;

/*
 * Read an optional string member `key` of `obj` into the arena: *out is NULL
 * when the member is absent or JSON null. `where` is the JSON pointer of
 * `obj`. Returns 0, VT_EINVALID (another type) or VT_ENOMEM.
 */
int vt__sbom_opt_str(const char **out, vt_arena *a, const cJSON *obj, const char *key,
                     const char *where, vt_error *err);

/*
 * The member `key` of `obj` when it is an array (*out NULL when absent or
 * null). Returns 0 or VT_EINVALID naming `where`/`key`.
 */
int vt__sbom_opt_array(const cJSON **out, const cJSON *obj, const char *key, const char *where,
                       vt_error *err);

/* Same for an object member. */
int vt__sbom_opt_object(const cJSON **out, const cJSON *obj, const char *key, const char *where,
                        vt_error *err);

/*
 * Parse s[skip..len) as JSON into *root. A malformed document is reported as
 * "malformed JSON at byte N", N counted from s itself; an allocation failure
 * (which cJSON cannot tell from bad syntax) as VT_ENOMEM. Returns 0,
 * VT_EINVALID or VT_ENOMEM.
 */
int vt__sbom_parse_json(cJSON **root, const char *s, size_t len, size_t skip, vt_error *err);

/* Fill a CycloneDX / SPDX document from its parsed JSON root (an object). */
int vt__cyclonedx_read(vt__sbom_doc *d, const cJSON *root, vt_error *err);
int vt__spdx_read(vt__sbom_doc *d, const cJSON *root, vt_error *err);

#endif
