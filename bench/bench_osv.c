/*
 * bench_osv.c - OSV records parsed per second, against the floor of a plain
 * cJSON parse of the same texts.
 * Usage: bench_osv [DATA_DIR] [ROUNDS]
 * DATA_DIR defaults to $VT_DATA_DIR; every member of DATA_DIR/osv/<eco>/all.zip
 * for the five shared ecosystems is read into memory first, so neither
 * measurement includes decompression. Each measurement takes the best of
 * ROUNDS passes (default 3) over all records. Prints one line per
 * measurement (records, MB, seconds, records/s, MB/s) and the ratio of the
 * reader's time to the floor's.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/osv.h"
#include "vulntrack/strparse.h"

static const char *const ecosystems[] = {"Go", "AlmaLinux", "PyPI", "GIT", "crates.io"};

struct texts {
    char **ptr;
    size_t *len;
    size_t count, cap, bytes;
};

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int add_text(struct texts *t, char *text, size_t len)
{
    if (t->count == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 1024;
        char **p = vt_realloc(t->ptr, ncap * sizeof(*p));
        size_t *l;

        if (!p)
            return VT_ENOMEM;
        t->ptr = p;
        l = vt_realloc(t->len, ncap * sizeof(*l));
        if (!l)
            return VT_ENOMEM;
        t->len = l;
        t->cap = ncap;
    }
    t->ptr[t->count] = text;
    t->len[t->count] = len;
    t->count++;
    t->bytes += len;
    return 0;
}

static int load_zip(struct texts *t, const char *path)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    int rc, error = 0;

    if (!a)
        return VT_ENOMEM;
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK) {
        fprintf(stderr, "bench_osv: %s: %s\n", path, archive_error_string(a));
        error = VT_EIO;
        goto out;
    }
    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        la_int64_t size = archive_entry_size(e);
        char *text;

        if (size < 0) {
            error = VT_EIO;
            goto out;
        }
        text = vt_malloc((size_t)size + 1);
        if (!text) {
            error = VT_ENOMEM;
            goto out;
        }
        if (archive_read_data(a, text, (size_t)size) != (la_ssize_t)size) {
            vt_free(text);
            error = VT_EIO;
            goto out;
        }
        text[size] = '\0';
        error = add_text(t, text, (size_t)size);
        if (error < 0) {
            vt_free(text);
            goto out;
        }
    }
    if (rc != ARCHIVE_EOF) {
        fprintf(stderr, "bench_osv: %s: %s\n", path, archive_error_string(a));
        error = VT_EIO;
    }
out:
    archive_read_free(a);
    return error;
}

/* One pass of vt_osv_parse over every text; counts refusals. */
static double pass_reader(const struct texts *t, size_t *refused)
{
    double start = now_seconds();
    size_t i;

    *refused = 0;
    for (i = 0; i < t->count; i++) {
        vt_advisory *adv = NULL;

        if (vt_osv_parse(&adv, t->ptr[i], t->len[i], NULL) != 0)
            (*refused)++;
        vt_advisory_free(adv);
    }
    return now_seconds() - start;
}

/* The floor: cJSON parses and frees the tree, nothing else. */
static double pass_floor(const struct texts *t, size_t *refused)
{
    double start = now_seconds();
    size_t i;

    *refused = 0;
    for (i = 0; i < t->count; i++) {
        cJSON *root = cJSON_ParseWithLength(t->ptr[i], t->len[i]);

        if (!root)
            (*refused)++;
        cJSON_Delete(root);
    }
    return now_seconds() - start;
}

static void report(const char *what, const struct texts *t, double secs)
{
    printf("%s\t%zu\t%.1f\t%.3f\t%.0f\t%.1f\n", what, t->count, (double)t->bytes / 1e6, secs,
           (double)t->count / secs, (double)t->bytes / 1e6 / secs);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("VT_DATA_DIR");
    struct texts t = {NULL, NULL, 0, 0, 0};
    uint64_t rounds = 3;
    double best_reader = 0, best_floor = 0, secs;
    size_t i, refused_reader = 0, refused_floor = 0;
    char path[4096];
    int status = 1;

    if (!dir || !*dir) {
        fprintf(stderr, "usage: bench_osv [DATA_DIR] [ROUNDS] (or set VT_DATA_DIR)\n");
        return 2;
    }
    if (argc > 2 && (vt_parse_u64(&rounds, argv[2], strlen(argv[2])) != 0 || rounds == 0)) {
        fprintf(stderr, "bench_osv: ROUNDS must be a positive whole number\n");
        return 2;
    }
    vt_json_init();
    for (i = 0; i < sizeof(ecosystems) / sizeof(ecosystems[0]); i++) {
        snprintf(path, sizeof(path), "%s/osv/%s/all.zip", dir, ecosystems[i]);
        if (load_zip(&t, path) < 0)
            goto out;
    }
    for (i = 0; i < rounds; i++) {
        secs = pass_floor(&t, &refused_floor);
        if (i == 0 || secs < best_floor)
            best_floor = secs;
        secs = pass_reader(&t, &refused_reader);
        if (i == 0 || secs < best_reader)
            best_reader = secs;
    }
    printf("# what\trecords\tMB\tseconds\trecords/s\tMB/s (best of %llu)\n",
           (unsigned long long)rounds);
    report("cjson-floor", &t, best_floor);
    report("vt_osv_parse", &t, best_reader);
    printf("ratio\t%.2f\t(vt_osv_parse time / cJSON floor time)\n", best_reader / best_floor);
    if (refused_reader || refused_floor) {
        fprintf(stderr, "bench_osv: %zu records refused by the reader, %zu by cJSON\n",
                refused_reader, refused_floor);
        goto out;
    }
    status = 0;
out:
    for (i = 0; i < t.count; i++)
        vt_free(t.ptr[i]);
    vt_free(t.ptr);
    vt_free(t.len);
    return status;
}
