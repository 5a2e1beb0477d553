/*
 * intake.h - the intake channel of the case service (spec §6, Art. 5):
 * strict validation of a vulnerability report and of a reporter's message,
 * and their recording, each with its receipt-ledger entry, in the caller's
 * transaction.
 *
 * Validation is pure (no store): it turns a parsed JSON object into a
 * vt_intake_report whose `doc` is the normalised report (strings trimmed,
 * media types lower-cased, `cwe` always an array) without the attachments,
 * which are decoded from base64 and hashed. Every refusal names the input
 * field as a JSON pointer in err->field ("/product/name",
 * "/attachments/2/classification"). docs/intake.md lists the rules.
 */
#ifndef VULNTRACK_INTAKE_H
#define VULNTRACK_INTAKE_H

#include <cjson/cJSON.h>

#include "auth.h"
#include "clock.h"
#include "common.h"
#include "store.h"

/* Limits of a report's fields. Characters are Unicode code points; bytes are
 * bytes of UTF-8. */
#define VT_INTAKE_TITLE_MAX 300                     /* characters */
#define VT_INTAKE_DESCRIPTION_MAX ((size_t)65536)   /* bytes */
#define VT_INTAKE_MESSAGE_MAX ((size_t)65536)       /* bytes, a message's text */
#define VT_INTAKE_NAME_MAX 200                      /* characters: names, model, version */
#define VT_INTAKE_EMAIL_MAX 254                     /* bytes (RFC 5321 path limit) */
#define VT_INTAKE_FILENAME_MAX 255                  /* bytes */
#define VT_INTAKE_MEDIA_TYPE_MAX 127                /* bytes */
#define VT_INTAKE_LIST_MAX 64                       /* entries of affected_versions, cwe */
#define VT_INTAKE_SLUG_MAX 64                       /* bytes of the vendor slug */

/* Defaults of vt_intake_limits (the server's configuration overrides them). */
#define VT_INTAKE_ATTACHMENT_LIMIT_DEFAULT ((size_t)256 * 1024) /* decoded bytes */
#define VT_INTAKE_ATTACHMENT_MAX_DEFAULT 8u

typedef struct vt_intake_limits {
    size_t attachment_limit; /* decoded bytes per attachment */
    unsigned attachment_max; /* attachments per report or message */
} vt_intake_limits;

#define VT_INTAKE_LIMITS_INIT \
    {VT_INTAKE_ATTACHMENT_LIMIT_DEFAULT, VT_INTAKE_ATTACHMENT_MAX_DEFAULT}

/**
 * Is `s` one of the attachment classifications ("report", "screenshot",
 * "log", "poc", "poc_weaponized", "exploit", "tool", "other")?
 */
VT_EXTERN bool vt_intake_classification_valid(const char *s);

/**
 * May an attachment of classification `s` ever appear in a public output?
 * False for "exploit", "poc_weaponized" and "tool" (spec §5 P4) and for
 * anything that is not a classification.
 */
VT_EXTERN bool vt_intake_classification_publishable(const char *s);

/* One decoded attachment. Strings and content owned by the parent object. */
typedef struct vt_intake_attachment {
    char *filename;
    char *media_type;     /* lower case */
    char *classification; /* see vt_intake_classification_valid */
    unsigned char *content;
    size_t size;          /* bytes of content, >= 1 */
    char sha256[65];      /* lower-case hex */
} vt_intake_attachment;

/* A validated report: vt_intake_report_parse, vt_intake_report_free. */
typedef struct vt_intake_report {
    cJSON *doc;          /* normalised report, no "attachments" key; owned */
    const char *title;   /* into doc */
    const char *vendor;  /* into doc; NULL when the report names no vendor */
    vt_intake_attachment *attachments;
    size_t nattachments;
} vt_intake_report;

/**
 * Validate the report object `body` (borrowed, not kept). On success *out is
 * a new report the caller frees with vt_intake_report_free. `lim` NULL means
 * the defaults. Returns 0; VT_EINVALID with err->field set (unknown key,
 * missing or empty field, bad type, bad UTF-8, bad e-mail, bad base64, bad
 * classification, too many entries, ...); VT_ETOOBIG with err->field set
 * for an attachment whose decoded size exceeds lim->attachment_limit; or
 * VT_ENOMEM.
 */
VT_EXTERN int vt_intake_report_parse(vt_intake_report **out, const cJSON *body,
                                     const vt_intake_limits *lim, vt_error *err);

/**
 * vt_intake_report_parse on the JSON text s[0..len): malformed JSON is
 * VT_EINVALID with err->offset, a value other than an object VT_EINVALID
 * with field "" (the whole body).
 */
VT_EXTERN int vt_intake_report_parse_text(vt_intake_report **out, const char *s, size_t len,
                                          const vt_intake_limits *lim, vt_error *err);

/**
 * Refuse JSON text s[0..len) that contains the escape \u0000, which cJSON
 * would turn into a string cut short without a word. Call it on the raw
 * body before validating a parsed tree (parse_text does). Returns 0, or
 * VT_EINVALID with field "" and err->offset at the escape.
 */
VT_EXTERN int vt_intake_check_nul_escapes(const char *s, size_t len, vt_error *err);

/** Free a report; accepts NULL. */
VT_EXTERN void vt_intake_report_free(vt_intake_report *r);

/* A validated message: {"text": "...", "attachments": [...]}. */
typedef struct vt_intake_message {
    char *text; /* as sent (not trimmed); owned */
    vt_intake_attachment *attachments;
    size_t nattachments;
} vt_intake_message;

/** As vt_intake_report_parse, for a message object. */
VT_EXTERN int vt_intake_message_parse(vt_intake_message **out, const cJSON *body,
                                      const vt_intake_limits *lim, vt_error *err);

/** Free a message; accepts NULL. */
VT_EXTERN void vt_intake_message_free(vt_intake_message *m);

/* Where a report or message came from. Strings borrowed for the call. */
typedef struct vt_intake_source {
    const char *body;        /* the exact request bytes: the ledger hashes them */
    size_t body_len;
    const char *channel;     /* "api", "partner:NAME", "web", "email", "cli" */
    const char *actor;       /* vt_principal.name of the submitter */
    const char *client_addr; /* NULL when not known; kept in the report row only */
    const char *default_org; /* intake organisation slug; NULL: the first organisation */
    int64_t at_ms;           /* receipt time; 0: vt_clock_now_ms() */
    bool external;           /* from outside (no staff account): the Art. 10 gate applies */
} vt_intake_source;

#define VT_INTAKE_ID_MAX 32

/* What the submitter gets back: the record and the ledger entry's receipt. */
typedef struct vt_intake_receipt {
    char id[VT_INTAKE_ID_MAX];                   /* report id, "R-" + 20 characters */
    char tracking_token[VT_TOKEN_TEXT_MAX];      /* submit only; shown once, never stored */
    int64_t message_id;                          /* add_message only */
    int64_t seq;                                 /* ledger entry */
    char entry_hash[65];
    int64_t at_ms;
    char received_at[VT_TIME_TEXT_MAX];          /* RFC 3339 UTC of at_ms */
} vt_intake_receipt;

/**
 * Record report `r` received from `src` on the writer connection `w`,
 * inside the caller's transaction (it begins and commits nothing): a new
 * report id (time-ordered) and tracking token (only its SHA-256 is kept),
 * the `reports` row with the report by reference to its attachments, the
 * attachment rows, and the "report.received" ledger entry (content: the
 * request bytes; detail: the §6 intake-log fields), whose seq and hash are
 * the receipt. The organisation is r->vendor when given, else
 * src->default_org when it exists, else the first one, else none.
 * An external report (src->external) to a collection platform (org kind
 * "platform") without a platform_filing_id flag is refused: spec §5, Art.
 * 10 (public third-party intake needs the MIIT filing).
 * Returns 0, VT_EINVALID (field "/vendor": no such organisation),
 * VT_EUNSUPPORTED (the Art. 10 gate), VT_EIO or VT_ENOMEM; on failure the
 * caller rolls back.
 */
VT_EXTERN int vt_intake_submit(vt_store *w, const vt_intake_report *r,
                               const vt_intake_source *src, vt_intake_receipt *out,
                               vt_error *err);

/**
 * Record message `m` on report `report_id` by `author` ("reporter", or the
 * staff principal's name), inside the caller's transaction, with its
 * attachments and a "report.message" ledger entry. out->message_id is set,
 * out->tracking_token is empty. Returns 0, VT_ENOTFOUND (no such report),
 * VT_EIO or VT_ENOMEM.
 */
VT_EXTERN int vt_intake_add_message(vt_store *w, const char *report_id,
                                    const vt_intake_message *m, const char *author,
                                    const vt_intake_source *src, vt_intake_receipt *out,
                                    vt_error *err);

/**
 * The report `id` as `who` may see it, as a new JSON object (*out, freed
 * with cJSON_Delete). A tracking principal (the reporter) sees id, title,
 * status, received_at, the case ref (or null), its attachments' metadata
 * and the messages in order with author "reporter" or "staff"; nothing
 * internal. Staff and auditors also see organisation, channel, submitter,
 * client address, the normalised report, ledger seq and authors' names,
 * but only reports of their own organisation (an account without one sees
 * all). Returns 0, VT_ENOTFOUND (absent, or not `who`'s), VT_EIO, VT_ENOMEM.
 */
VT_EXTERN int vt_intake_report_view(vt_store *s, const vt_principal *who, const char *id,
                                    cJSON **out, vt_error *err);

/**
 * Whether `who` may see report `id` (the rule of vt_intake_report_view).
 * Returns 0, VT_ENOTFOUND (absent, or not `who`'s) or VT_EIO.
 */
VT_EXTERN int vt_intake_report_check(vt_store *s, const vt_principal *who, const char *id,
                                     vt_error *err);

/**
 * Reports visible to `who` (staff or auditor), newest first: at most
 * `limit` (1..200), with status `status` (NULL: any), older than report
 * `after` (NULL: from the newest). *out is a new {"items": [...], "next":
 * id or null}. Returns 0, VT_EINVALID (field "status" or "limit": query parameters), VT_EIO
 * or VT_ENOMEM.
 */
VT_EXTERN int vt_intake_report_list(vt_store *s, const vt_principal *who, const char *status,
                                    const char *after, long limit, cJSON **out, vt_error *err);

/* An attachment as stored; vt_intake_stored_dispose frees the strings and content. */
typedef struct vt_intake_stored {
    int64_t id;
    vt_intake_attachment a;
} vt_intake_stored;

/**
 * Attachment `aid` of report `report_id`, if `who` may see the report (as
 * vt_intake_report_view decides for staff). Returns 0, VT_ENOTFOUND, VT_EIO
 * or VT_ENOMEM.
 */
VT_EXTERN int vt_intake_attachment_get(vt_store *s, const vt_principal *who,
                                       const char *report_id, int64_t aid,
                                       vt_intake_stored *out, vt_error *err);

VT_EXTERN void vt_intake_stored_dispose(vt_intake_stored *st);

#endif
