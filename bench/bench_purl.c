/*
 * bench_purl.c - package URLs parsed per second over the purl-spec test
 * suite's purl strings.
 * Usage: bench_purl [PURL_TESTS_DIR] [SECONDS]
 * PURL_TESTS_DIR defaults to $VT_DATA_DIR/purl/tests (its spec/ and types/
 * folders hold *-test.json files); SECONDS (default 1) is the time spent on
 * each measurement (a whole number). Prints one line per measurement:
 *   what <tab> purls <tab> operations <tab> seconds <tab> operations/s
 * "parse" is vt_purl_parse alone (valid and invalid inputs alike, as an SBOM
 * importer meets them); "parse+canonical+osv" adds what `vulntrack purl
 * parse` computes for each valid purl.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vulntrack/alloc.h"
#include "vulntrack/buf.h"
#include "vulntrack/json.h"
#include "vulntrack/purl.h"
#include "vulntrack/strparse.h"

struct inputs {
    char **items;
    size_t count, cap;
};

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int add_input(struct inputs *in, const char *s)
{
    char *copy;

    if (in->count == in->cap) {
        size_t ncap = in->cap ? in->cap * 2 : 256;
        char **grown = vt_realloc(in->items, ncap * sizeof(*grown));

        if (!grown)
            return VT_ENOMEM;
        in->items = grown;
        in->cap = ncap;
    }
    copy = vt_strdup(s);
    if (!copy)
        return VT_ENOMEM;
    in->items[in->count++] = copy;
    return 0;
}

/* Collect the string inputs (parse and validate cases) of one test file. */
static int load_file(struct inputs *in, const char *path)
{
    vt_buf raw = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    cJSON *doc = NULL, *c;
    int error;

    error = vt_buf_read_file(&raw, path, &err);
    if (error >= 0)
        error = vt_json_parse(&doc, raw.ptr, raw.len, &err);
    if (error < 0) {
        fprintf(stderr, "bench_purl: %s: %s\n", path, err.msg);
        goto out;
    }
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "tests"))
    {
        const cJSON *input = cJSON_GetObjectItemCaseSensitive(c, "input");

        if (cJSON_IsString(input)) {
            error = add_input(in, input->valuestring);
            if (error < 0)
                goto out;
        }
    }
out:
    cJSON_Delete(doc);
    vt_buf_dispose(&raw);
    return error;
}

static int load_dir(struct inputs *in, const char *dir_path)
{
    DIR *dir = opendir(dir_path);
    struct dirent *de;
    int error = 0;

    if (!dir) {
        fprintf(stderr, "bench_purl: cannot open %s\n", dir_path);
        return VT_EIO;
    }
    while (error >= 0 && (de = readdir(dir)) != NULL) {
        char path[4096];
        size_t len = strlen(de->d_name);

        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name);
        error = load_file(in, path);
    }
    closedir(dir);
    return error;
}

/* Run one pass over every input; returns the number of valid purls. */
static size_t pass(const struct inputs *in, bool full, vt_buf *canon, vt_buf *eco, vt_buf *name)
{
    size_t i, valid = 0;

    for (i = 0; i < in->count; i++) {
        vt_purl *p = NULL;

        if (vt_purl_parse(&p, in->items[i], strlen(in->items[i]), NULL) != 0)
            continue;
        valid++;
        if (full) {
            vt_buf_clear(canon);
            if (vt_purl_canonical(canon, p) < 0 || vt_purl_osv(eco, name, p) < 0) {
                fprintf(stderr, "bench_purl: out of memory\n");
                exit(3);
            }
        }
        vt_purl_free(p);
    }
    return valid;
}

static void measure(const char *what, const struct inputs *in, bool full, double seconds)
{
    vt_buf canon = VT_BUF_INIT, eco = VT_BUF_INIT, name = VT_BUF_INIT;
    double start = now_seconds(), elapsed;
    unsigned long long ops = 0;

    do {
        pass(in, full, &canon, &eco, &name);
        ops += in->count;
        elapsed = now_seconds() - start;
    } while (elapsed < seconds);
    printf("%s\t%zu\t%llu\t%.3f\t%.0f\n", what, in->count, ops, elapsed, (double)ops / elapsed);
    vt_buf_dispose(&canon);
    vt_buf_dispose(&eco);
    vt_buf_dispose(&name);
}

int main(int argc, char **argv)
{
    struct inputs in = {NULL, 0, 0};
    const char *data = getenv("VT_DATA_DIR");
    char base[4096], dir[4096 + 16];
    double seconds = 1.0;
    size_t i;
    int status = 0;

    vt_json_init();
    if (argc > 1) {
        snprintf(base, sizeof(base), "%s", argv[1]);
    } else if (data && *data) {
        snprintf(base, sizeof(base), "%s/purl/tests", data);
    } else {
        fprintf(stderr, "usage: bench_purl [PURL_TESTS_DIR] [SECONDS] "
                        "(or set VT_DATA_DIR)\n");
        return 2;
    }
    if (argc > 2) {
        uint64_t whole = 0;

        if (vt_parse_u64(&whole, argv[2], strlen(argv[2])) < 0 || whole == 0 || whole > 3600) {
            fprintf(stderr, "bench_purl: SECONDS must be a whole number from 1 to 3600\n");
            return 2;
        }
        seconds = (double)whole;
    }
    snprintf(dir, sizeof(dir), "%s/spec", base);
    if (load_dir(&in, dir) < 0) {
        status = 1;
        goto out;
    }
    snprintf(dir, sizeof(dir), "%s/types", base);
    if (load_dir(&in, dir) < 0 || in.count == 0) {
        fprintf(stderr, "bench_purl: no purl strings found under %s\n", base);
        status = 1;
        goto out;
    }
    printf("# what\tpurls\toperations\tseconds\toperations/s (%zu valid)\n",
           pass(&in, false, NULL, NULL, NULL));
    measure("parse", &in, false, seconds);
    measure("parse+canonical+osv", &in, true, seconds);
out:
    for (i = 0; i < in.count; i++)
        vt_free(in.items[i]);
    vt_free(in.items);
    return status;
}
