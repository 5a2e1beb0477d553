/*
 * bench_floor.c - the floor of the scan and import benchmarks: the time it
 * takes only to read the same JSON and parse it with cJSON, with nothing
 * built from the tree. `vulntrack scan` cannot be faster than parsing its
 * SBOM, and `vulntrack db import` cannot be faster than decompressing and
 * parsing every advisory, so their times are reported as ratios to this.
 *
 * Usage: bench_floor [--runs K] FILE...
 * A FILE ending in ".zip" is read with libarchive and every member is parsed
 * as one JSON document (an OSV all.zip); any other FILE is one JSON document
 * (an SBOM, the KEV catalogue). One run reads and parses every FILE; the
 * best of K runs (default 3) is printed as one line:
 *   documents <tab> bytes <tab> best seconds
 * A document that does not parse is reported and makes the exit status 1:
 * the floor must parse exactly what the measured command reads.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "vulntrack/buf.h"
#include "vulntrack/strparse.h"

struct totals {
    unsigned long long documents;
    unsigned long long bytes;
};

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Parse one document and throw the tree away. */
static int parse_one(const char *what, const char *member, const vt_buf *doc, struct totals *t)
{
    cJSON *tree = cJSON_ParseWithLength(doc->ptr, doc->len);

    if (!tree) {
        fprintf(stderr, "bench_floor: %s%s%s: not valid JSON\n", what, member ? ": " : "",
                member ? member : "");
        return VT_EINVALID;
    }
    cJSON_Delete(tree);
    t->documents++;
    t->bytes += doc->len;
    return 0;
}

/* Every member of a zip archive, decompressed into one reused buffer. */
static int parse_zip(const char *path, vt_buf *doc, struct totals *t)
{
    struct archive *a = archive_read_new();
    struct archive_entry *entry;
    int error = 0, r;

    if (!a)
        return VT_ENOMEM;
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
        fprintf(stderr, "bench_floor: %s: %s\n", path, archive_error_string(a));
        error = VT_EIO;
        goto out;
    }
    while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
        la_ssize_t got;

        if (archive_entry_filetype(entry) != AE_IFREG)
            continue;
        vt_buf_clear(doc);
        for (;;) {
            error = vt_buf_grow(doc, 1 << 16);
            if (error < 0)
                goto out;
            got = archive_read_data(a, doc->ptr + doc->len, doc->cap - doc->len - 1);
            if (got <= 0)
                break;
            doc->len += (size_t)got;
        }
        if (got < 0) {
            fprintf(stderr, "bench_floor: %s: %s: %s\n", path, archive_entry_pathname(entry),
                    archive_error_string(a));
            error = VT_EIO;
            goto out;
        }
        doc->ptr[doc->len] = '\0';
        error = parse_one(path, archive_entry_pathname(entry), doc, t);
        if (error < 0)
            goto out;
    }
    if (r != ARCHIVE_EOF) {
        fprintf(stderr, "bench_floor: %s: %s\n", path, archive_error_string(a));
        error = VT_EIO;
    }
out:
    archive_read_free(a);
    return error;
}

static int run_once(char **files, int nfiles, struct totals *t)
{
    vt_buf doc = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    int i, error = 0;

    for (i = 0; i < nfiles && error >= 0; i++) {
        if (ends_with(files[i], ".zip")) {
            error = parse_zip(files[i], &doc, t);
        } else {
            error = vt_buf_read_file(&doc, files[i], &err);
            if (error < 0)
                fprintf(stderr, "bench_floor: %s\n", err.msg);
            else
                error = parse_one(files[i], NULL, &doc, t);
        }
    }
    vt_buf_dispose(&doc);
    return error;
}

int main(int argc, char **argv)
{
    struct totals t = {0, 0};
    double best = 0.0;
    uint64_t runs = 3, k;
    int first = 1;

    if (argc > 2 && strcmp(argv[1], "--runs") == 0) {
        if (vt_parse_u64(&runs, argv[2], strlen(argv[2])) < 0 || runs == 0 || runs > 100) {
            fprintf(stderr, "bench_floor: --runs must be a whole number from 1 to 100\n");
            return 2;
        }
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: bench_floor [--runs K] FILE...\n");
        return 2;
    }
    for (k = 0; k < runs; k++) {
        double start = now_seconds(), elapsed;

        t.documents = 0;
        t.bytes = 0;
        if (run_once(argv + first, argc - first, &t) < 0)
            return 1;
        elapsed = now_seconds() - start;
        if (k == 0 || elapsed < best)
            best = elapsed;
    }
    printf("%llu\t%llu\t%.4f\n", t.documents, t.bytes, best);
    return 0;
}
