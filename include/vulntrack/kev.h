/*
 * kev.h - the CISA Known Exploited Vulnerabilities catalogue.
 */
#ifndef VULNTRACK_KEV_H
#define VULNTRACK_KEV_H

#include "common.h"

/* One catalogue entry; strings are owned by whoever produced the entry. */
typedef struct vt_kev_entry {
    const char *cve;         /* "CVE-2021-44228" */
    const char *vendor;      /* vendorProject */
    const char *product;
    const char *name;        /* vulnerabilityName */
    const char *date_added;  /* "YYYY-MM-DD" */
    const char *due_date;    /* "YYYY-MM-DD" */
    const char *ransomware;  /* knownRansomwareCampaignUse: "Known" or "Unknown" */
    const char *required_action;
} vt_kev_entry;

/**
 * Whether s[0..len) looks like a KEV catalogue (a JSON object with a
 * "vulnerabilities" array and a "catalogVersion"), judged from its content.
 */
VT_EXTERN bool vt_kev_is_catalogue(const char *s, size_t len);

/**
 * Read a catalogue and call `each` for every entry, in order; the entry's
 * strings are valid only during the call. A malformed entry stops the read
 * with VT_EINVALID and err naming its JSON pointer ("/vulnerabilities/12/
 * cveID: missing"). `each` may return a negative code to stop; it is passed
 * up. *catalog_version (may be NULL) receives a copy of catalogVersion the
 * caller frees with vt_free. Returns 0, VT_EINVALID, VT_ENOMEM or `each`'s code.
 */
VT_EXTERN int vt_kev_read(const char *s, size_t len,
                          int (*each)(void *ctx, const vt_kev_entry *e), void *ctx,
                          char **catalog_version, vt_error *err);

#endif
