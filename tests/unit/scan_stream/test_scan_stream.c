/*
 * test_scan_stream.c - the output sink (out.h) and the streaming scan report
 * writers: a file sink hands its bytes over in chunks, never holds much more
 * than one chunk, writes exactly what the memory writers produce, and reports
 * a failed write (a full device) as VT_EIO with the errno; allocation failures
 * part way through a streamed document are clean.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vulntrack/alloc.h"
#include "vulntrack/json.h"
#include "vulntrack/osv.h"
#include "vulntrack/out.h"
#include "vulntrack/sbom.h"
#include "vulntrack/scan.h"
#include "vulntrack/store.h"

/* Advisories, one per package, and the components spread over the packages. */
#define PACKAGES 30
#define COMPONENTS 5000

typedef struct fixture {
    char dir[64];
    char path[128];
    vt_store *store;
    vt_scan *scan;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    vt_error err = VT_ERROR_INIT;
    vt_kev_entry kev = {"CVE-2099-0003", "Vendor",     "Product", "Name",
                        "2024-01-10",    "2024-01-31", "Unknown", "Apply updates."};
    vt_buf text = VT_BUF_INIT;
    vt_sbom *sbom = NULL;
    size_t i;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/vt-scan-stream-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    assert_int_equal(vt_store_open(&f->store, f->path, &err), 0);
    for (i = 0; i < PACKAGES; i++) {
        vt_advisory *a = NULL;
        vt_upsert_outcome o;

        vt_buf_clear(&text);
        /* Scores and fixes vary so that the findings fall into several grades. */
        assert_int_equal(
            vt_buf_printf(&text,
                          "{\"id\":\"TEST-S-%zu\",\"modified\":\"2024-01-01T00:00:00Z\","
                          "\"aliases\":[\"CVE-2099-%04zu\"],\"summary\":\"package \\\"%zu\\\"\","
                          "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:%s/"
                          "PR:N/UI:N/S:U/C:H/I:%s/A:H\"}],"
                          "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"pkg%zu\"},"
                          "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
                          "{\"fixed\":\"9.%zu\"}]}]}]}",
                          i, i, i, i % 2 ? "H" : "L", i % 3 ? "N" : "H", i, i),
            0);
        assert_int_equal(vt_osv_parse(&a, text.ptr, text.len, &err), 0);
        assert_int_equal(vt_store_put_advisory(f->store, a, text.ptr, text.len, &o, &err), 0);
        vt_advisory_free(a);
    }
    assert_int_equal(vt_store_put_kev(f->store, &kev, &err), 0);

    vt_buf_clear(&text);
    assert_int_equal(vt_buf_puts(&text, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
                                        "\"version\":1,\"components\":["),
                     0);
    for (i = 0; i < COMPONENTS; i++)
        assert_int_equal(vt_buf_printf(&text,
                                       "%s{\"type\":\"library\",\"name\":\"pkg%zu\",\"version\":"
                                       "\"1.%zu\",\"purl\":\"pkg:pypi/pkg%zu@1.%zu\","
                                       "\"bom-ref\":\"c%zu\"}",
                                       i ? "," : "", i % PACKAGES, i, i % PACKAGES, i, i),
                         0);
    assert_int_equal(vt_buf_puts(&text, "]}"), 0);
    assert_int_equal(vt_sbom_parse(&sbom, text.ptr, text.len, &err), 0);
    assert_int_equal(vt_scan_new(&f->scan, f->store), 0);
    assert_int_equal(vt_scan_add_sbom(f->scan, "stream.cdx.json", sbom, &err), 0);
    assert_int_equal(vt_scan_finish(f->scan), 0);
    assert_int_equal(vt_scan_get_report(f->scan)->nfindings, COMPONENTS);
    vt_sbom_free(sbom);
    vt_buf_dispose(&text);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    fixture *f = *state;
    char p[160];
    size_t i;

    vt_scan_free(f->scan);
    vt_store_close(f->store);
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

typedef int (*mem_writer)(vt_buf *, const vt_scan_report *, const vt_scan_write_options *);
typedef int (*stream_writer)(vt_out *, const vt_scan_report *, const vt_scan_write_options *);

static const struct {
    const char *name;
    mem_writer mem;
    stream_writer stream;
} writers[] = {
    {"json", vt_scan_write_json, vt_scan_stream_json},
    {"sarif", vt_scan_write_sarif, vt_scan_stream_sarif},
    {"cyclonedx-vex", vt_scan_write_cyclonedx_vex, vt_scan_stream_cyclonedx_vex},
    {"openvex", vt_scan_write_openvex, vt_scan_stream_openvex},
};

#define NWRITERS (sizeof(writers) / sizeof(writers[0]))

/* The whole content of `fp`, read from its start into `b`. */
static void read_back(vt_buf *b, FILE *fp)
{
    char chunk[8192];
    size_t n;

    vt_buf_clear(b);
    assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        assert_int_equal(vt_buf_put(b, chunk, n), 0);
    assert_false(ferror(fp));
}

static void test_out__memory_sink(void **state)
{
    vt_buf b = VT_BUF_INIT;
    vt_out o;
    size_t i;

    (void)state;
    vt_out_init_buf(&o, &b);
    for (i = 0; i < 3 * VT_OUT_FLUSH_AT / 4; i++)
        assert_int_equal(vt_buf_puts(o.b, "abcd"), 0);
    assert_int_equal(vt_out_step(&o), 0);
    assert_int_equal(vt_out_flush(&o), 0);
    /* Nothing leaves a memory sink: the caller's buffer holds it all. */
    assert_int_equal(b.len, 3 * VT_OUT_FLUSH_AT);
    assert_int_equal(o.written, 0);
    assert_memory_equal(b.ptr + b.len - 8, "abcdabcd", 8);
    vt_out_dispose(&o);
    assert_int_equal(b.len, 3 * VT_OUT_FLUSH_AT);
    vt_buf_dispose(&b);
}

static void test_out__file_sink_chunks(void **state)
{
    FILE *fp = tmpfile();
    vt_buf back = VT_BUF_INIT;
    vt_out o;
    size_t total = 0;

    (void)state;
    assert_non_null(fp);
    vt_out_init_file(&o, fp);
    assert_int_equal(vt_buf_puts(o.b, "head"), 0);
    total += 4;
    /* Below the threshold a step keeps the bytes. */
    assert_int_equal(vt_out_step(&o), 0);
    assert_int_equal(o.written, 0);
    assert_int_equal(o.pending.len, 4);
    while (o.pending.len < VT_OUT_FLUSH_AT - 1) {
        assert_int_equal(vt_buf_putc(o.b, 'x'), 0);
        total++;
    }
    assert_int_equal(vt_out_step(&o), 0);
    assert_int_equal(o.written, 0);
    assert_int_equal(vt_buf_putc(o.b, 'y'), 0);
    total++;
    /* At the threshold it hands them over. */
    assert_int_equal(vt_out_step(&o), 0);
    assert_int_equal(o.written, VT_OUT_FLUSH_AT);
    assert_int_equal(o.pending.len, 0);
    assert_int_equal(vt_buf_puts(o.b, "tail"), 0);
    total += 4;
    assert_int_equal(vt_out_flush(&o), 0);
    assert_int_equal(o.written, total);
    read_back(&back, fp);
    assert_int_equal(back.len, total);
    assert_memory_equal(back.ptr, "headxx", 6);
    assert_memory_equal(back.ptr + back.len - 6, "xytail", 6);
    vt_out_dispose(&o);
    vt_buf_dispose(&back);
    fclose(fp);
}

/*
 * A streamed document is the memory document byte for byte, written in
 * several chunks through a pending buffer that stays near one chunk.
 */
static void test_scan_stream__same_bytes_in_chunks(void **state)
{
    const vt_scan_report *r = vt_scan_get_report(((fixture *)*state)->scan);
    vt_scan_write_options opts = VT_SCAN_WRITE_OPTIONS_INIT;
    vt_buf mem = VT_BUF_INIT, back = VT_BUF_INIT;
    size_t w;

    opts.now_ms = 1700000000000;
    for (w = 0; w < NWRITERS; w++) {
        FILE *fp = tmpfile();
        vt_out o;

        assert_non_null(fp);
        vt_buf_clear(&mem);
        assert_int_equal(writers[w].mem(&mem, r, &opts), 0);
        vt_out_init_file(&o, fp);
        assert_int_equal(writers[w].stream(&o, r, &opts), 0);
        read_back(&back, fp);
        if (back.len != mem.len || memcmp(back.ptr, mem.ptr, mem.len) != 0)
            fail_msg("%s: streamed output (%zu bytes) differs from the memory output (%zu)",
                     writers[w].name, back.len, mem.len);
        assert_int_equal(o.written, mem.len);
        if (mem.len < 6 * VT_OUT_FLUSH_AT)
            fail_msg("%s: only %zu bytes, too few chunks to test", writers[w].name, mem.len);
        /* The capacity the pending bytes ever needed: a chunk and an element or two. */
        if (o.pending.cap > 4 * VT_OUT_FLUSH_AT)
            fail_msg("%s: %zu bytes pending at once", writers[w].name, o.pending.cap);
        vt_out_dispose(&o);
        fclose(fp);
    }
    vt_buf_dispose(&mem);
    vt_buf_dispose(&back);
}

/* A full device: every writer stops with VT_EIO and the errno says why. */
static void test_scan_stream__write_error(void **state)
{
    const vt_scan_report *r = vt_scan_get_report(((fixture *)*state)->scan);
    size_t w;

    for (w = 0; w < NWRITERS; w++) {
        FILE *fp = fopen("/dev/full", "w");
        vt_out o;

        if (!fp)
            fail_msg("cannot open /dev/full: %s", strerror(errno));
        vt_out_init_file(&o, fp);
        assert_int_equal(writers[w].stream(&o, r, NULL), VT_EIO);
        assert_int_equal(o.sys_errno, ENOSPC);
        vt_out_dispose(&o);
        fclose(fp);
    }
}

/* An allocation failure part way through a streamed document is clean. */
static void test_scan_stream__allocation_failures(void **state)
{
    const vt_scan_report *r = vt_scan_get_report(((fixture *)*state)->scan);
    size_t w;

    for (w = 0; w < NWRITERS; w++) {
        long n;
        int rc = VT_ENOMEM;

        /* Each of the first allocations, then ever sparser ones: the document
         * makes hundreds of thousands, and each try repeats those before it. */
        for (n = 0; rc == VT_ENOMEM && n < 100000000; n += 1 + n / 4) {
            FILE *fp = tmpfile();
            vt_out o;

            assert_non_null(fp);
            vt_out_init_file(&o, fp);
            vt_alloc_fail_after(n);
            rc = writers[w].stream(&o, r, NULL);
            vt_alloc_fail_after(-1);
            if (rc != 0)
                assert_int_equal(rc, VT_ENOMEM);
            vt_out_dispose(&o);
            fclose(fp);
        }
        assert_int_equal(rc, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_out__memory_sink),
        cmocka_unit_test(test_out__file_sink_chunks),
        cmocka_unit_test_setup_teardown(test_scan_stream__same_bytes_in_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_stream__write_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_stream__allocation_failures, setup, teardown),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
