/*
 * bench_version.c - comparisons per second for one ecosystem's scheme.
 * Usage: bench_version ECOSYSTEM PAIRS_FILE [SECONDS]
 * PAIRS_FILE holds "A<TAB>B" lines. Prints one line:
 *   ECOSYSTEM <tab> pairs <tab> comparisons <tab> seconds <tab> comparisons/s
 * Each comparison parses both strings, as the CLI and the matcher do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/strparse.h"
#include "vulntrack/version.h"

struct pair {
    const char *a, *b;
    size_t alen, blen;
};

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const vt_version_scheme *scheme;
    vt_buf raw = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    struct pair *pairs = NULL;
    size_t npairs = 0, cap = 0, i;
    uint64_t seconds_wanted = 1;
    double start, elapsed;
    unsigned long long done = 0;
    long sink = 0;
    char *p, *end;

    if (argc < 3) {
        fprintf(stderr, "usage: bench_version ECOSYSTEM PAIRS_FILE [SECONDS]\n");
        return 2;
    }
    if (argc > 3 && vt_parse_u64(&seconds_wanted, argv[3], strlen(argv[3])) < 0) {
        fprintf(stderr, "bad SECONDS '%s'\n", argv[3]);
        return 2;
    }
    if (vt_version_scheme_for(&scheme, argv[1], strlen(argv[1]), &err) < 0 ||
        vt_buf_read_file(&raw, argv[2], &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    for (p = raw.ptr, end = raw.ptr + raw.len; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eol = nl ? nl : end;
        char *tab = memchr(p, '\t', (size_t)(eol - p));

        if (tab) {
            if (npairs == cap) {
                cap = cap ? cap * 2 : 1024;
                pairs = vt_realloc(pairs, cap * sizeof(*pairs));
                if (!pairs)
                    return 3;
            }
            pairs[npairs].a = p;
            pairs[npairs].alen = (size_t)(tab - p);
            pairs[npairs].b = tab + 1;
            pairs[npairs].blen = (size_t)(eol - tab - 1);
            npairs++;
        }
        p = nl ? nl + 1 : end;
    }
    if (!npairs) {
        fprintf(stderr, "%s: no pairs\n", argv[2]);
        return 2;
    }
    start = now_seconds();
    do {
        for (i = 0; i < npairs; i++) {
            int cmp = 0;

            if (vt_version_compare(&cmp, scheme, pairs[i].a, pairs[i].alen, pairs[i].b,
                                   pairs[i].blen, NULL) == 0)
                sink += cmp;
        }
        done += npairs;
        elapsed = now_seconds() - start;
    } while (elapsed < (double)seconds_wanted);
    printf("%s\t%zu\t%llu\t%.3f\t%.0f\n", argv[1], npairs, done, elapsed,
           (double)done / elapsed);
    vt_free(pairs);
    vt_buf_dispose(&raw);
    return sink == 42424242 ? 1 : 0; /* keeps the loop from being optimised away */
}
