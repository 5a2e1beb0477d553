/*
 * import.c - feeds into the store: OSV records from directories, zip
 * archives and single files, and the CISA KEV catalogue.
 *
 * Memory stays flat whatever the feed's size: one record is read (or
 * decompressed) into a buffer that is reused, parsed, stored and freed
 * before the next. The whole run is one transaction, so that --strict can
 * undo everything and an I/O failure half-way leaves the database as it
 * was; SQLite spills the pending pages to the WAL file, not to memory.
 */
/* realpath(3) is an XSI function. */
#define _XOPEN_SOURCE 700

#include <archive.h>
#include <archive_entry.h>
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/import.h"
#include "vulntrack/kev.h"
#include "vulntrack/osv.h"
#include "vulntrack/store.h"

/* Directory levels below a source; deeper is taken for a symlink loop. */
#define IMPORT_MAX_DEPTH 32

/* Bytes asked of libarchive per read. */
#define IMPORT_CHUNK ((size_t)64 * 1024)

typedef struct import_ctx {
    vt_store *store;
    const vt_import_options *opts;
    const char *source;        /* as the caller named it */
    vt_import_kind kind;       /* of the current source */
    vt_import_summary counts;  /* of the current source */
    long since_progress;
    vt_buf record;             /* the record being read, reused */
    vt_error *err;
} import_ctx;

static const vt_import_options import_defaults = VT_IMPORT_OPTIONS_INIT;

const char *vt_import_kind_name(vt_import_kind kind)
{
    switch (kind) {
    case VT_IMPORT_OSV_DIRECTORY:
        return "directory";
    case VT_IMPORT_OSV_ZIP:
        return "zip";
    case VT_IMPORT_OSV_FILE:
        return "file";
    case VT_IMPORT_KEV:
        return "kev";
    }
    return "?";
}

static int64_t import_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool import_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/*
 * Report a skipped record. The readers' messages are "<pointer>: <problem>"
 * ("top level: ..." for the record itself, "malformed JSON at byte N" with
 * no pointer); the pointer is split off so callers can show it apart.
 */
static void import_skip(import_ctx *c, const char *member, const char *msg)
{
    vt_import_skip skip;
    char pointer[VT_ERROR_MSG_MAX];
    const char *sep;

    c->counts.skipped++;
    if (!c->opts->on_skip)
        return;
    pointer[0] = '\0';
    skip.message = msg;
    if (msg[0] == '/' && (sep = strstr(msg, ": ")) != NULL) {
        memcpy(pointer, msg, (size_t)(sep - msg));
        pointer[sep - msg] = '\0';
        skip.message = sep + 2;
    } else if (strncmp(msg, "top level: ", 11) == 0) {
        skip.message = msg + 11;
    }
    skip.source = c->source;
    skip.member = member;
    skip.pointer = pointer;
    skip.kind = c->kind;
    c->opts->on_skip(c->opts->ctx, &skip);
}

static void import_count(import_ctx *c, vt_upsert_outcome outcome)
{
    switch (outcome) {
    case VT_UPSERT_INSERTED:
        c->counts.imported++;
        break;
    case VT_UPSERT_UPDATED:
        c->counts.updated++;
        break;
    case VT_UPSERT_UNCHANGED:
        c->counts.unchanged++;
        break;
    }
    if (++c->since_progress >= VT_IMPORT_PROGRESS_EVERY) {
        c->since_progress = 0;
        if (c->opts->on_progress)
            c->opts->on_progress(c->opts->ctx, c->source, &c->counts);
    }
}

/* Store the failure `error` of a store call, naming where it happened. */
static int import_fail_at(import_ctx *c, const char *member, int error, const vt_error *detail)
{
    return vt_error_set(c->err, error, 0, "%s%s%s: %s", c->source, member ? ": " : "",
                        member ? member : "", detail->msg[0] ? detail->msg : vt_strerror(error));
}

/* ------------------------------------------------------------------------ */
/* OSV records */

/* Parse and store one OSV record; a bad one is skipped, not an error. */
static int import_osv_record(import_ctx *c, const char *member, const char *text, size_t len)
{
    vt_advisory *adv = NULL;
    vt_error e = VT_ERROR_INIT;
    vt_upsert_outcome outcome = VT_UPSERT_UNCHANGED;
    int error;

    error = vt_osv_parse(&adv, text, len, &e);
    if (error == VT_EINVALID) {
        import_skip(c, member, e.msg);
        return 0;
    }
    if (error < 0)
        return import_fail_at(c, member, error, &e);
    error = vt_store_put_advisory(c->store, adv, text, len, &outcome, &e);
    vt_advisory_free(adv);
    if (error < 0)
        return import_fail_at(c, member, error, &e);
    import_count(c, outcome);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* KEV */

static int kev_check(void *ctx, const vt_kev_entry *e)
{
    (void)ctx;
    (void)e;
    return 0;
}

typedef struct kev_ctx {
    import_ctx *c;
    vt_error e;
} kev_ctx;

static int kev_store(void *ctx, const vt_kev_entry *e)
{
    kev_ctx *k = ctx;
    vt_upsert_outcome outcome = VT_UPSERT_UNCHANGED;
    int error = vt_store_upsert_kev(k->c->store, e, &outcome, &k->e);

    if (error < 0)
        return error;
    import_count(k->c, outcome);
    return 0;
}

/*
 * The catalogue is one document: it is checked in a first pass that stores
 * nothing, so a malformed entry skips the catalogue as a whole instead of
 * leaving the entries before it half imported. Reading 1 MB twice costs
 * a few milliseconds.
 */
static int import_kev(import_ctx *c, const char *member, const char *text, size_t len)
{
    kev_ctx k = {c, VT_ERROR_INIT};
    vt_error e = VT_ERROR_INIT;
    int error;

    error = vt_kev_read(text, len, kev_check, NULL, NULL, &e);
    if (error == VT_EINVALID) {
        import_skip(c, member, e.msg);
        return 0;
    }
    if (error < 0)
        return import_fail_at(c, member, error, &e);
    error = vt_kev_read(text, len, kev_store, &k, NULL, &e);
    if (error < 0)
        return import_fail_at(c, member, error, k.e.msg[0] ? &k.e : &e);
    return 0;
}

/* A JSON file on disk: a KEV catalogue or one OSV record. */
static int import_json_file(import_ctx *c, const char *path, const char *member, bool *is_kev)
{
    vt_error e = VT_ERROR_INIT;
    int error;

    error = vt_buf_read_file(&c->record, path, &e);
    if (error == VT_ETOOBIG) {
        import_skip(c, member, "file too large for one record");
        return 0;
    }
    if (error < 0)
        return vt_error_set(c->err, error, 0, "%s", e.msg);
    if (vt_kev_is_catalogue(c->record.ptr, c->record.len)) {
        if (is_kev)
            *is_kev = true;
        return import_kev(c, member, c->record.ptr, c->record.len);
    }
    return import_osv_record(c, member, c->record.ptr, c->record.len);
}

/* ------------------------------------------------------------------------ */
/* Directories */

static int import_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entry names of `dir` except "." and "..", sorted bytewise. */
static int import_list_dir(const char *dir, char ***out, size_t *count, vt_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL, **grown;
    size_t n = 0, cap = 0, i;
    int error = 0;

    *out = NULL;
    *count = 0;
    if (!d)
        return vt_error_set(err, errno == ENOENT ? VT_ENOTFOUND : VT_EIO, 0, "%s: %s", dir,
                            strerror(errno));
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (!de) {
            if (errno != 0)
                error = vt_error_set(err, VT_EIO, 0, "%s: %s", dir, strerror(errno));
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            grown = vt_realloc(names, cap * sizeof(*names));
            if (!grown) {
                error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
                break;
            }
            names = grown;
        }
        names[n] = vt_strdup(de->d_name);
        if (!names[n]) {
            error = vt_error_set(err, VT_ENOMEM, 0, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (error < 0) {
        for (i = 0; i < n; i++)
            vt_free(names[i]);
        vt_free(names);
        return error;
    }
    if (n)
        qsort(names, n, sizeof(*names), import_cmp_names);
    *out = names;
    *count = n;
    return 0;
}

/*
 * Walk `dir` depth first in sorted order, importing every regular file whose
 * name ends in ".json". `rel` is the path below the source, for messages.
 */
static int import_walk(import_ctx *c, const char *dir, const char *rel, int depth)
{
    vt_buf path = VT_BUF_INIT, sub = VT_BUF_INIT;
    char **names = NULL;
    size_t n = 0, i;
    int error;

    if (depth > IMPORT_MAX_DEPTH) {
        error = vt_error_set(c->err, VT_EINVALID, 0,
                             "%s: directories nested deeper than %d levels at %s "
                             "(a symbolic link loop?)",
                             c->source, IMPORT_MAX_DEPTH, rel);
        goto out;
    }
    error = import_list_dir(dir, &names, &n, c->err);
    if (error < 0)
        goto out;
    for (i = 0; i < n; i++) {
        struct stat st;

        vt_buf_clear(&path);
        vt_buf_clear(&sub);
        error = vt_buf_printf(&path, "%s/%s", dir, names[i]);
        if (error >= 0)
            error = rel[0] ? vt_buf_printf(&sub, "%s/%s", rel, names[i])
                           : vt_buf_puts(&sub, names[i]);
        if (error < 0) {
            vt_error_set(c->err, error, 0, "%s", vt_strerror(error));
            goto out;
        }
        if (stat(path.ptr, &st) != 0) {
            error = vt_error_set(c->err, VT_EIO, 0, "%s: %s", path.ptr, strerror(errno));
            goto out;
        }
        if (S_ISDIR(st.st_mode))
            error = import_walk(c, path.ptr, sub.ptr, depth + 1);
        else if (S_ISREG(st.st_mode) && import_ends_with(names[i], ".json"))
            error = import_json_file(c, path.ptr, sub.ptr, NULL);
        if (error < 0)
            goto out;
    }
out:
    for (i = 0; i < n; i++)
        vt_free(names[i]);
    vt_free(names);
    vt_buf_dispose(&path);
    vt_buf_dispose(&sub);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Zip archives */

/*
 * Decompress the current member into c->record. Returns 1 when it fitted,
 * 0 when it is larger than a record may be (the rest is skipped by the next
 * archive_read_next_header), or VT_EINVALID for corrupt data.
 */
static int import_zip_member(import_ctx *c, struct archive *a, const char *member)
{
    la_ssize_t got;
    int error;

    vt_buf_clear(&c->record);
    for (;;) {
        if (c->record.cap - c->record.len < IMPORT_CHUNK + 1) {
            error = vt_buf_grow(&c->record, IMPORT_CHUNK);
            if (error == VT_ETOOBIG)
                return 0;
            if (error < 0)
                return vt_error_set(c->err, error, 0, "%s", vt_strerror(error));
        }
        got = archive_read_data(a, c->record.ptr + c->record.len,
                                c->record.cap - c->record.len - 1);
        if (got < 0)
            return vt_error_set(c->err, VT_EINVALID, 0, "%s: member %s: %s", c->source,
                                member, archive_error_string(a));
        if (got == 0)
            break;
        c->record.len += (size_t)got;
        c->record.ptr[c->record.len] = '\0';
    }
    return 1;
}

/* Import every "*.json" member of a zip archive, in archive order. */
static int import_zip(import_ctx *c, const char *path)
{
    struct archive *a = archive_read_new();
    struct archive_entry *entry;
    size_t saved_max = c->record.max;
    int error = 0, r;

    if (!a)
        return vt_error_set(c->err, VT_ENOMEM, 0, "out of memory");
    /* The streaming reader follows local headers and never loads the
     * central directory, so memory does not depend on the member count. */
    archive_read_support_format_zip_streamable(a);
    if (archive_read_open_filename(a, path, IMPORT_CHUNK) != ARCHIVE_OK) {
        error = vt_error_set(c->err, VT_EIO, 0, "%s: %s", c->source, archive_error_string(a));
        goto out;
    }
    c->record.max = VT_IMPORT_MAX_RECORD;
    while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK ||
           r == ARCHIVE_WARN) {
        const char *name = archive_entry_pathname(entry);

        if (!name)
            name = "(unnamed member)";
        if (archive_entry_filetype(entry) != AE_IFREG || !import_ends_with(name, ".json"))
            continue;
        error = import_zip_member(c, a, name);
        if (error < 0)
            goto out;
        if (error == 0) {
            import_skip(c, name, "record larger than 64 MiB");
            continue;
        }
        error = import_osv_record(c, name, c->record.ptr, c->record.len);
        if (error < 0)
            goto out;
    }
    if (r != ARCHIVE_EOF) {
        error = vt_error_set(c->err, VT_EINVALID, 0, "%s: not a readable zip archive: %s",
                             c->source, archive_error_string(a));
        goto out;
    }
    error = 0;
out:
    c->record.max = saved_max;
    archive_read_free(a);
    return error;
}

/* ------------------------------------------------------------------------ */

/* Whether the file starts like a zip archive (a local header or an empty
 * archive's end record). */
static int import_is_zip(const char *path, bool *out, vt_error *err)
{
    unsigned char magic[4];
    FILE *f = fopen(path, "rb");
    size_t n;

    *out = false;
    if (!f)
        return vt_error_set(err, errno == ENOENT ? VT_ENOTFOUND : VT_EIO, 0, "%s: %s", path,
                            strerror(errno));
    n = fread(magic, 1, sizeof(magic), f);
    fclose(f);
    *out = n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
           ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
    return 0;
}

/* Import one source of any kind and log it in the store. */
static int import_one(import_ctx *c, const char *source, int64_t now_ms, vt_import_summary *total)
{
    struct stat st;
    vt_import_kind kind;
    vt_error e = VT_ERROR_INIT;
    char *real = NULL;
    bool zip = false, kev = false;
    int error;

    c->source = source;
    memset(&c->counts, 0, sizeof(c->counts));
    c->since_progress = 0;
    if (stat(source, &st) != 0) {
        return vt_error_set(c->err, errno == ENOENT ? VT_ENOTFOUND : VT_EIO, 0, "%s: %s",
                            source, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        kind = VT_IMPORT_OSV_DIRECTORY;
        c->kind = kind;
        error = import_walk(c, source, "", 0);
    } else {
        error = import_is_zip(source, &zip, c->err);
        if (error < 0)
            return error;
        if (zip) {
            kind = VT_IMPORT_OSV_ZIP;
            c->kind = kind;
            error = import_zip(c, source);
        } else {
            c->kind = VT_IMPORT_OSV_FILE;
            error = import_json_file(c, source, NULL, &kev);
            kind = kev ? VT_IMPORT_KEV : VT_IMPORT_OSV_FILE;
        }
    }
    if (error < 0)
        return error;
    /* The log is keyed by the real path, so that one source imported from
     * two working directories is one row in `db stats`. */
    real = realpath(source, NULL);
    error = vt_store_record_import(c->store, real ? real : source, now_ms, c->counts.imported,
                                   c->counts.updated, c->counts.unchanged, c->counts.skipped,
                                   &e);
    free(real); /* realpath allocates with malloc(3) */
    if (error < 0)
        return import_fail_at(c, NULL, error, &e);
    total->imported += c->counts.imported;
    total->updated += c->counts.updated;
    total->unchanged += c->counts.unchanged;
    total->skipped += c->counts.skipped;
    if (c->opts->on_source)
        c->opts->on_source(c->opts->ctx, source, kind, &c->counts);
    return 0;
}

int vt_import_sources(vt_store *store, const char *const *sources, size_t nsources,
                      const vt_import_options *opts, vt_import_summary *total, vt_error *err)
{
    import_ctx c;
    vt_import_summary sum = VT_IMPORT_SUMMARY_INIT;
    int64_t now_ms;
    bool in_tx = false;
    size_t i;
    int error;

    assert(store && (sources || nsources == 0));
    memset(&c, 0, sizeof(c));
    c.store = store;
    c.opts = opts ? opts : &import_defaults;
    c.err = err;
    vt_buf_init(&c.record, 0);
    now_ms = c.opts->now_ms ? c.opts->now_ms : import_now_ms();

    error = vt_store_begin(store, err);
    if (error < 0)
        goto out;
    in_tx = true;
    for (i = 0; i < nsources; i++) {
        error = import_one(&c, sources[i], now_ms, &sum);
        if (error < 0)
            goto out;
    }
    if (c.opts->strict && sum.skipped > 0) {
        error = vt_error_set(err, VT_EINVALID, 0,
                             "%ld record%s skipped; strict import: nothing was committed",
                             sum.skipped, sum.skipped == 1 ? "" : "s");
        goto out;
    }
    error = vt_store_commit(store, err);
    if (error < 0)
        goto out;
    in_tx = false;
out:
    if (in_tx)
        vt_store_rollback(store);
    vt_buf_dispose(&c.record);
    if (total)
        *total = sum;
    return error;
}
