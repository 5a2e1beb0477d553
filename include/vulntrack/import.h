/*
 * import.h - load advisory feeds into the store: OSV records from a
 * directory tree of .json files, from an osv.dev-style all.zip, or from one
 * .json file, and the CISA KEV catalogue (recognised by its content).
 *
 * Records are streamed one at a time (a zip member is decompressed into one
 * reused buffer), so memory does not grow with the size of a feed. The whole
 * import is one transaction: it is committed at the end, or not at all.
 */
#ifndef VULNTRACK_IMPORT_H
#define VULNTRACK_IMPORT_H

#include "common.h"
#include "store.h"

/* Records read from one source, or from all of them. */
typedef struct vt_import_summary {
    long imported;  /* new in the store */
    long updated;   /* replaced an older version (a newer `modified`) */
    long unchanged; /* the store already had this version or a newer one */
    long skipped;   /* bad records, not stored */
} vt_import_summary;

#define VT_IMPORT_SUMMARY_INIT {0, 0, 0, 0}

/* What kind of source was found at a path, judged from its content. */
typedef enum vt_import_kind {
    VT_IMPORT_OSV_DIRECTORY = 1,
    VT_IMPORT_OSV_ZIP,
    VT_IMPORT_OSV_FILE,
    VT_IMPORT_KEV,
} vt_import_kind;

/* Why one record was skipped; every string is valid only during the call. */
typedef struct vt_import_skip {
    const char *source;  /* the source as the caller named it */
    const char *member;  /* the zip member, or the file's path below a directory
                          * source; NULL when the source is the file itself */
    const char *pointer; /* JSON pointer of the problem; "" for the whole record */
    const char *message; /* what is wrong, one line */
    vt_import_kind kind; /* the source's kind: says whether `member` is a zip
                          * member or a file below a directory */
} vt_import_skip;

typedef struct vt_import_options {
    /* Any skipped record fails the import (VT_EINVALID) and nothing is
     * committed; every bad record is still reported through on_skip. */
    bool strict;
    /* Called once per skipped record; may be NULL. */
    void (*on_skip)(void *ctx, const vt_import_skip *skip);
    /* Called after each source with its counts; may be NULL. */
    void (*on_source)(void *ctx, const char *source, vt_import_kind kind,
                      const vt_import_summary *counts);
    /* Called every VT_IMPORT_PROGRESS_EVERY records with the counts of the
     * source being read so far; may be NULL. */
    void (*on_progress)(void *ctx, const char *source, const vt_import_summary *so_far);
    void *ctx;
    /* The time recorded in the import log (ms since the epoch); 0 means the
     * wall clock when the import starts. */
    int64_t now_ms;
} vt_import_options;

#define VT_IMPORT_OPTIONS_INIT {false, NULL, NULL, NULL, NULL, 0}

/* Records between two progress calls. */
#define VT_IMPORT_PROGRESS_EVERY 1000

/* Bytes. A single OSV record above this is skipped as too large. */
#define VT_IMPORT_MAX_RECORD ((size_t)64 * 1024 * 1024)

/**
 * Import every source in `sources` (paths; each a directory, a zip archive,
 * an OSV .json record or a KEV catalogue) into `store`, in order, inside one
 * transaction, and log each source with vt_store_record_import under its
 * real path. `opts` may be NULL for the defaults; `total` (may be NULL)
 * receives the sum over all sources.
 *
 * A bad record is skipped and reported; the import goes on. Returns 0 when
 * everything was committed; VT_EINVALID when `opts->strict` and a record was
 * skipped, or when a source is unusable as a whole (a corrupt archive, a
 * directory nested too deep); VT_ENOTFOUND for a source that does not exist;
 * VT_EIO for a read or database error; VT_ENOMEM. On every failure nothing
 * is committed and err names the source (and member) at fault.
 */
VT_EXTERN int vt_import_sources(vt_store *store, const char *const *sources, size_t nsources,
                                const vt_import_options *opts, vt_import_summary *total,
                                vt_error *err);

/** "directory", "zip", "file" or "kev"; a static string. */
VT_EXTERN const char *vt_import_kind_name(vt_import_kind kind);

#endif
