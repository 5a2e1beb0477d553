/* test_core.c - buffers, checked number parsing, allocation injection, JSON glue. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vulntrack/alloc.h"
#include "vulntrack/arena.h"
#include "vulntrack/buf.h"
#include "vulntrack/json.h"
#include "vulntrack/strparse.h"

static void test_core__buf_grows_and_stays_terminated(void **state)
{
    vt_buf b = VT_BUF_INIT;
    int i;

    (void)state;
    assert_string_equal(b.ptr, "");
    for (i = 0; i < 1000; i++)
        assert_int_equal(vt_buf_printf(&b, "%d,", i), 0);
    assert_int_equal(b.len, strlen(b.ptr));
    assert_memory_equal(b.ptr, "0,1,2,", 6);
    assert_int_equal(vt_buf_putc(&b, 'x'), 0);
    assert_int_equal(b.ptr[b.len - 1], 'x');
    assert_int_equal(b.ptr[b.len], '\0');
    vt_buf_clear(&b);
    assert_string_equal(b.ptr, "");
    vt_buf_dispose(&b);
    vt_buf_dispose(&b); /* twice is fine: dispose leaves an _INIT buffer */
}

static void test_core__buf_cap_is_enforced(void **state)
{
    vt_buf b;

    (void)state;
    vt_buf_init(&b, 8);
    assert_int_equal(vt_buf_puts(&b, "12345678"), 0);
    assert_int_equal(vt_buf_putc(&b, '9'), VT_ETOOBIG);
    assert_string_equal(b.ptr, "12345678");
    assert_int_equal(vt_buf_grow(&b, SIZE_MAX), VT_ETOOBIG);
    vt_buf_dispose(&b);
}

static void test_core__buf_detach_hands_over(void **state)
{
    vt_buf b = VT_BUF_INIT;
    char *s;

    (void)state;
    s = vt_buf_detach(&b);
    assert_string_equal(s, "");
    vt_free(s);
    assert_int_equal(vt_buf_puts(&b, "abc"), 0);
    s = vt_buf_detach(&b);
    assert_string_equal(s, "abc");
    assert_string_equal(b.ptr, "");
    assert_int_equal(b.len, 0);
    vt_free(s);
}

static void test_core__buf_read_file_reports_path(void **state)
{
    vt_buf b = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    char path[] = "/tmp/vt-test-core-XXXXXX";
    int fd;

    (void)state;
    assert_int_equal(vt_buf_read_file(&b, "/nonexistent/x", &err), VT_EIO);
    assert_string_equal(err.msg, "/nonexistent/x: No such file or directory");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "hello\n", 6), 6);
    close(fd);
    assert_int_equal(vt_buf_read_file(&b, path, &err), 0);
    assert_string_equal(b.ptr, "hello\n");
    b.max = 3;
    assert_int_equal(vt_buf_read_file(&b, path, &err), VT_ETOOBIG);
    unlink(path);
    vt_buf_dispose(&b);
}

static void test_core__parse_u64_limits(void **state)
{
    uint64_t v;

    (void)state;
    assert_int_equal(vt_parse_u64(&v, "0", 1), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vt_parse_u64(&v, "18446744073709551615", 20), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(vt_parse_u64(&v, "18446744073709551616", 20), VT_ETOOBIG);
    assert_int_equal(vt_parse_u64(&v, "99999999999999999999", 20), VT_ETOOBIG);
    assert_int_equal(vt_parse_u64(&v, "", 0), VT_EINVALID);
    assert_int_equal(vt_parse_u64(&v, "12a", 3), VT_EINVALID);
    assert_int_equal(vt_parse_u64(&v, "-1", 2), VT_EINVALID);
    assert_int_equal(vt_parse_u64(&v, " 1", 2), VT_EINVALID);
    /* Only len bytes are read. */
    assert_int_equal(vt_parse_u64(&v, "123xyz", 3), 0);
    assert_int_equal(v, 123);
}

static void test_core__parse_i64_limits(void **state)
{
    int64_t v;

    (void)state;
    assert_int_equal(vt_parse_i64(&v, "9223372036854775807", 19), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(vt_parse_i64(&v, "-9223372036854775808", 20), 0);
    assert_true(v == INT64_MIN);
    assert_int_equal(vt_parse_i64(&v, "9223372036854775808", 19), VT_ETOOBIG);
    assert_int_equal(vt_parse_i64(&v, "-9223372036854775809", 20), VT_ETOOBIG);
    assert_int_equal(vt_parse_i64(&v, "+42", 3), 0);
    assert_int_equal(v, 42);
    assert_int_equal(vt_parse_i64(&v, "-", 1), VT_EINVALID);
    assert_int_equal(vt_parse_i64(&v, "--1", 3), VT_EINVALID);
}

static void test_core__digit_runs_compare_by_value(void **state)
{
    (void)state;
    assert_int_equal(vt_digits_cmp("10", 2, "9", 1), 1);
    assert_int_equal(vt_digits_cmp("0010", 4, "10", 2), 0);
    assert_int_equal(vt_digits_cmp("", 0, "0", 1), 0);
    assert_int_equal(vt_digits_cmp("999999999999999999999999999991", 30,
                                   "999999999999999999999999999999", 30), -1);
    assert_int_equal(vt_bytes_cmp("ab", 2, "abc", 3), -1);
    assert_int_equal(vt_bytes_cmp("b", 1, "abc", 3), 1);
    assert_int_equal(vt_bytes_cmp("", 0, "", 0), 0);
    assert_true(vt_ascii_ieq("NpM", 3, "npm"));
    assert_false(vt_ascii_ieq("npm", 3, "npmx"));
    assert_false(vt_ascii_ieq("npmx", 4, "npm"));
}

static void test_core__allocation_failure_injection(void **state)
{
    void *p;

    (void)state;
    vt_alloc_fail_after(1);
    p = vt_malloc(8);
    assert_non_null(p);
    vt_free(p);
    assert_false(vt_alloc_failure_injected());
    assert_null(vt_malloc(8));
    assert_true(vt_alloc_failure_injected());
    vt_alloc_fail_after(-1);
    p = vt_strdup("ok");
    assert_string_equal(p, "ok");
    vt_free(p);
    assert_null(vt_calloc(SIZE_MAX / 2, 4));
}

static void test_core__json_add_take_never_leaks(void **state)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON *parsed = NULL;
    vt_buf text = VT_BUF_INIT;
    vt_error err = VT_ERROR_INIT;
    long n;

    (void)state;
    assert_int_equal(vt_json_add_str(obj, "a", "x"), 0);
    assert_int_equal(vt_json_add_strn(obj, "b", "yz!", 2), 0);
    assert_int_equal(vt_json_add_num(obj, "c", 9.8), 0);
    assert_int_equal(vt_json_add_null(obj, "d"), 0);
    assert_int_equal(vt_json_add_str(obj, "e", NULL), 0);
    assert_int_equal(vt_json_add_take(obj, "f", NULL), VT_ENOMEM);
    assert_int_equal(vt_json_print(&text, obj), 0);
    assert_string_equal(text.ptr, "{\"a\":\"x\",\"b\":\"yz\",\"c\":9.8,\"d\":null,\"e\":null}");
    /* Every allocation of an add may fail; the item is freed either way. */
    for (n = 0; n < 4; n++) {
        vt_alloc_fail_after(n);
        (void)vt_json_add_strn(obj, "g", "abc", 3);
    }
    vt_alloc_fail_after(-1);
    cJSON_Delete(obj);

    assert_int_equal(vt_json_parse(&parsed, "{\"a\": [1, 2,, 3]}", 17, &err), VT_EINVALID);
    assert_null(parsed);
    assert_int_equal(err.offset, 12);
    assert_string_equal(err.msg, "malformed JSON at byte 12");
    assert_int_equal(vt_json_parse(&parsed, "[1]", 3, &err), 0);
    cJSON_Delete(parsed);
    vt_buf_dispose(&text);
}

static void test_core__error_table(void **state)
{
    vt_error err = VT_ERROR_INIT;

    (void)state;
    assert_string_equal(vt_strerror(VT_ENOMEM), "out of memory");
    assert_string_equal(vt_error_name(VT_EINVALID), "EINVALID");
    assert_string_equal(vt_error_name(12345), "EUNKNOWN");
    assert_int_equal(vt_error_set(&err, VT_EIO, 7, "bad %s", "thing"), VT_EIO);
    assert_int_equal(err.offset, 7);
    assert_string_equal(err.msg, "bad thing");
    assert_int_equal(vt_error_set(NULL, VT_EIO, 0, "x"), VT_EIO);
    vt_error_clear(&err);
    assert_int_equal(err.code, 0);
    assert_string_equal(err.msg, "");
}

static void test_core__arena_blocks_and_big_allocations(void **state)
{
    vt_arena a = VT_ARENA_INIT;
    char *small, *big, *after;
    int i;

    (void)state;
    a.block_size = 64;
    small = vt_arena_strdup(&a, "abc");
    assert_string_equal(small, "abc");
    big = vt_arena_alloc(&a, 1000);
    assert_non_null(big);
    memset(big, 'x', 1000);
    /* The big block went behind the current one, whose room is still used. */
    after = vt_arena_strndup(&a, "defgh", 2);
    assert_string_equal(after, "de");
    assert_true(after > small && after < small + 64);
    for (i = 0; i < 100; i++)
        assert_non_null(vt_arena_alloc(&a, 24));
    assert_string_equal(small, "abc");
    assert_int_equal((uintptr_t)vt_arena_alloc(&a, 1) % _Alignof(max_align_t), 0);
    vt_alloc_fail_after(0);
    assert_null(vt_arena_alloc(&a, 4096));
    vt_alloc_fail_after(-1);
    vt_arena_dispose(&a);
    vt_arena_dispose(&a);
    assert_null(a.head);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core__buf_grows_and_stays_terminated),
        cmocka_unit_test(test_core__buf_cap_is_enforced),
        cmocka_unit_test(test_core__buf_detach_hands_over),
        cmocka_unit_test(test_core__buf_read_file_reports_path),
        cmocka_unit_test(test_core__parse_u64_limits),
        cmocka_unit_test(test_core__parse_i64_limits),
        cmocka_unit_test(test_core__digit_runs_compare_by_value),
        cmocka_unit_test(test_core__allocation_failure_injection),
        cmocka_unit_test(test_core__json_add_take_never_leaks),
        cmocka_unit_test(test_core__error_table),
        cmocka_unit_test(test_core__arena_blocks_and_big_allocations),
    };

    vt_json_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
