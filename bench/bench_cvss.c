/*
 * bench_cvss.c - CVSS vectors parsed and scored per second, per version.
 * Usage: bench_cvss [CVSS_FIXTURE_DIR] [SECONDS]
 * CVSS_FIXTURE_DIR defaults to $VT_DATA_DIR/cvss; its vectors_* files hold
 * "VECTOR - SCORES" lines (data/cvss/README.md). SECONDS (default 1) is the
 * time spent on each version. Prints one line per version:
 *   version <tab> vectors <tab> parses <tab> seconds <tab> vectors/s
 * Parsing computes every score of the vector, so each iteration is one full
 * parse-and-score, as the CLI and the importers do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/cvss.h"
#include "vulntrack/strparse.h"

static const char *const files[] = {
    "vectors_calculator2",   "vectors_cvsslib2", "vectors_simple2",  "vectors_calculator3",
    "vectors_cvsslib3",      "vectors_simple3",  "vectors_simple31", "vectors_security4",
    "vectors_supplemental4", "vectors_threat4",  "vectors_simple4",
};

static const int versions[] = {20, 30, 31, 40};
#define VERSION_COUNT (sizeof(versions) / sizeof(versions[0]))

struct vec {
    const char *s;
    size_t len;
};

struct group {
    struct vec *items;
    size_t count, cap;
};

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int version_slot(int version)
{
    size_t i;

    for (i = 0; i < VERSION_COUNT; i++)
        if (versions[i] == version)
            return (int)i;
    return -1;
}

/* Add every vector of `raw` to the group of its version. */
static int collect(struct group *groups, const vt_buf *raw, const char *name)
{
    const char *p = raw->ptr, *end = raw->ptr + raw->len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *sep = p;
        vt_cvss *c = NULL;
        vt_error err = VT_ERROR_INIT;

        while (sep + 3 <= eol && memcmp(sep, " - ", 3) != 0)
            sep++;
        if (sep + 3 > eol) {
            fprintf(stderr, "%s: line without ' - '\n", name);
            return -1;
        }
        if (vt_cvss_parse(&c, p, (size_t)(sep - p), &err) == 0) {
            struct group *g = &groups[version_slot(vt_cvss_version(c))];

            if (g->count == g->cap) {
                struct vec *n;

                g->cap = g->cap ? g->cap * 2 : 256;
                n = vt_realloc(g->items, g->cap * sizeof(*n));
                if (!n) {
                    vt_cvss_free(c);
                    return -1;
                }
                g->items = n;
            }
            g->items[g->count].s = p;
            g->items[g->count].len = (size_t)(sep - p);
            g->count++;
        } else {
            fprintf(stderr, "%s: %s\n", name, err.msg);
        }
        vt_cvss_free(c);
        p = nl ? nl + 1 : end;
    }
    return 0;
}

int main(int argc, char **argv)
{
    vt_buf raw[sizeof(files) / sizeof(files[0])];
    struct group groups[VERSION_COUNT];
    uint64_t seconds_wanted = 1;
    char dir[4096], path[4200];
    size_t i, j;
    long sink = 0;
    int status = 0;

    memset(groups, 0, sizeof(groups));
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        vt_buf_init(&raw[i], 0);
    if (argc > 1) {
        snprintf(dir, sizeof(dir), "%s", argv[1]);
    } else if (getenv("VT_DATA_DIR")) {
        snprintf(dir, sizeof(dir), "%s/cvss", getenv("VT_DATA_DIR"));
    } else {
        fprintf(stderr, "usage: bench_cvss [CVSS_FIXTURE_DIR] [SECONDS] "
                        "(or set VT_DATA_DIR)\n");
        return 2;
    }
    if (argc > 2 && vt_parse_u64(&seconds_wanted, argv[2], strlen(argv[2])) < 0) {
        fprintf(stderr, "bad SECONDS '%s'\n", argv[2]);
        return 2;
    }
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        vt_error err = VT_ERROR_INIT;

        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        if (vt_buf_read_file(&raw[i], path, &err) < 0 || collect(groups, &raw[i], path) < 0) {
            fprintf(stderr, "%s\n", err.msg[0] ? err.msg : path);
            status = 2;
            goto out;
        }
    }
    printf("%-8s %8s %12s %8s %14s\n", "version", "vectors", "parses", "seconds", "vectors/s");
    for (j = 0; j < VERSION_COUNT; j++) {
        struct group *g = &groups[j];
        unsigned long long done = 0;
        double start, elapsed;

        if (!g->count)
            continue;
        start = now_seconds();
        do {
            for (i = 0; i < g->count; i++) {
                vt_cvss *c = NULL;

                if (vt_cvss_parse(&c, g->items[i].s, g->items[i].len, NULL) == 0)
                    sink += vt_cvss_score10(c, VT_CVSS_SCORE_BASE);
                vt_cvss_free(c);
            }
            done += g->count;
            elapsed = now_seconds() - start;
        } while (elapsed < (double)seconds_wanted);
        printf("%-8.1f %8zu %12llu %8.3f %14.0f\n", versions[j] / 10.0, g->count, done, elapsed,
               (double)done / elapsed);
    }
out:
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        vt_buf_dispose(&raw[i]);
    for (j = 0; j < VERSION_COUNT; j++)
        vt_free(groups[j].items);
    if (sink == 42424242)
        status = 1; /* keeps the loop from being optimised away */
    return status;
}
