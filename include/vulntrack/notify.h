/*
 * notify.h - the text of the notices a case sends (Art. 7(1) notice to the
 * upstream provider, Art. 7(3) notice to users and customers): one JSON
 * body for webhooks and a plain-text and an HTML part for e-mail, built
 * from the case (products and versions, title, grade, CVSS, remediation,
 * identifiers). A case with Chinese text gets bilingual labels.
 */
#ifndef VULNTRACK_NOTIFY_H
#define VULNTRACK_NOTIFY_H

#include "cases.h"
#include "common.h"
#include "contacts.h"

/* The composed parts; each a string owned by the struct (vt_notice_dispose). */
typedef struct vt_notice {
    char *subject;
    char *body_json; /* JSON object text */
    char *body_text;
    char *body_html;
} vt_notice;

#define VT_NOTICE_INIT                                                                             \
    {                                                                                              \
        NULL, NULL, NULL, NULL                                                                     \
    }

/** Free the parts (accepts VT_NOTICE_INIT); `n` is VT_NOTICE_INIT again. */
VT_EXTERN void vt_notice_dispose(vt_notice *n);

/**
 * Compose notice `kind` ("upstream_notice" or "user_notice") of case `c`
 * for contact `to`, with an optional `note` (NULL) from the sender, dated
 * `now_ms`. `obligation` (NULL) is named in the body. Returns 0,
 * VT_EINVALID (unknown kind: err->field "/kind"; a doc that is not JSON)
 * or VT_ENOMEM.
 */
VT_EXTERN int vt_notice_compose(vt_notice *out, const char *kind, const vt_case *c,
                                const vt_contact *to, const char *note, const char *obligation,
                                int64_t now_ms, vt_error *err);

/** True when `s` holds a CJK character (U+3000..U+9FFF, U+F900..U+FAFF). */
VT_EXTERN bool vt_notice_has_cjk(const char *s);

#endif
