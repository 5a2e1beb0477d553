/*
 * jsonschema.h - a JSON Schema validator for the keywords the schemas that
 * vulntrack ships use (CycloneDX 1.2-1.6, SPDX 2.2/2.3, JSF 0.82): draft-04
 * to draft-07 and 2019-09/2020-12 documents, as far as those keywords go.
 *
 * Implemented: type, enum, const, properties, patternProperties,
 * additionalProperties, required, propertyNames, minProperties,
 * maxProperties, items (schema or tuple), additionalItems, prefixItems,
 * contains, minItems, maxItems, uniqueItems, minLength, maxLength (in code
 * points), pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum
 * (draft-04 boolean and draft-06+ number forms), multipleOf, allOf, anyOf,
 * oneOf, not, if/then/else, $ref (to "#/..." in the same file, and to a
 * sibling file by its name or by an $id ending in that name, optionally with
 * a "#/..." fragment), definitions/$defs, boolean schemas, and the formats
 * "date-time" (RFC 3339) and "uri" (a scheme and a colon, no spaces). Other
 * formats (idn-email, iri-reference, ...) are annotations, not checked.
 * Not implemented (not used by the shipped schemas): unevaluatedProperties,
 * unevaluatedItems, dependentSchemas/dependencies, $anchor, $dynamicRef,
 * $recursiveRef, and $id as a base for resolving nested relative $refs.
 *
 * `pattern` is ECMA-262 syntax; it is translated to POSIX extended regular
 * expressions: \d \w \s (and their negations), escaped punctuation, (?:...)
 * and classes are translated; lookaround, back-references, lazy quantifiers
 * and \b make the schema fail to load with VT_EUNSUPPORTED. One known
 * difference: POSIX '.' also matches a line feed.
 */
#ifndef VULNTRACK_JSONSCHEMA_H
#define VULNTRACK_JSONSCHEMA_H

#include <cjson/cJSON.h>

#include "arena.h"
#include "common.h"

/* One violation; the strings live in the owning vt_jsonschema_errors. */
typedef struct vt_jsonschema_error {
    const char *instance; /* JSON pointer of the failing value ("" for the root) */
    const char *keyword;  /* the failing keyword: "enum", "required", "type", ... */
    const char *schema;   /* where the keyword is: "<file>#<JSON pointer>" */
    const char *message;  /* one line: "\"PACKAGE-MANAGER\" is not one of the allowed values" */
} vt_jsonschema_error;

typedef struct vt_jsonschema_errors {
    vt_jsonschema_error *items;
    size_t count;
    size_t cap;
    size_t max;     /* record at most this many; 0 means 100 */
    bool truncated; /* more violations than `max` were found */
    vt_arena arena; /* the strings of `items` */
} vt_jsonschema_errors;

#define VT_JSONSCHEMA_ERRORS_INIT {NULL, 0, 0, 0, false, VT_ARENA_INIT}

/** Free the list; it is VT_JSONSCHEMA_ERRORS_INIT again. Accepts an _INIT list. */
VT_EXTERN void vt_jsonschema_errors_dispose(vt_jsonschema_errors *e);

typedef struct vt_jsonschema vt_jsonschema;

/**
 * Load the schema file at `path` and every schema file it references
 * (resolved in the same directory by the last segment of the reference's
 * URL), compiling their patterns. On success *out is a new schema set the
 * caller frees with vt_jsonschema_free. Returns 0, VT_EIO (a file cannot be
 * read; err names it), VT_EINVALID (a file is not JSON, or a $ref cannot be
 * resolved), VT_EUNSUPPORTED (a pattern uses a construct listed above as not
 * translated) or VT_ENOMEM.
 */
VT_EXTERN int vt_jsonschema_load(vt_jsonschema **out, const char *path, vt_error *err);

/** Free a schema set; accepts NULL. */
VT_EXTERN void vt_jsonschema_free(vt_jsonschema *s);

/**
 * Validate `instance` (borrowed) against the root schema of `s`, appending
 * every violation found to `errors` (which must be initialised). Returns 0
 * when it is valid, VT_EINVALID when not (err->msg names the first violation
 * as "<pointer>: <message>"), or VT_ENOMEM. A schema set may be used by one
 * thread at a time.
 */
VT_EXTERN int vt_jsonschema_validate(vt_jsonschema *s, const cJSON *instance,
                                     vt_jsonschema_errors *errors, vt_error *err);

#endif
