/* SPDX-License-Identifier: MIT */
/* Unit tests for the bounded string builder (core/buf.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"

static void test_init_is_empty_string(void **state)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 100);
    assert_non_null(b.buf);
    assert_string_equal(b.buf, "");
    assert_int_equal(b.len, 0);
    atrium_buf_release(&b);
    assert_null(b.buf);
}

static void test_append_grows_past_initial_alloc(void **state)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 10000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(atrium_buf_puts(&b, "abcde"), 0);
    assert_int_equal(b.len, 5000);
    assert_int_equal(strlen(b.buf), 5000);
    assert_memory_equal(b.buf + 4995, "abcde", 6);
    atrium_buf_release(&b);
}

static void test_limit_exact_fits(void **state)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 8);
    assert_int_equal(atrium_buf_puts(&b, "12345678"), 0);
    assert_string_equal(b.buf, "12345678");
    assert_int_equal(atrium_buf_puts(&b, "9"), ATRIUM_ETOOBIG);
    assert_int_equal(atrium_buf_append(&b, "", 0), 0);
    atrium_buf_release(&b);
}

static void test_limit_keeps_content(void **state)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 10);
    assert_int_equal(atrium_buf_puts(&b, "hello"), 0);
    assert_int_equal(atrium_buf_puts(&b, "world!"), ATRIUM_ETOOBIG);
    assert_string_equal(b.buf, "hello");
    assert_int_equal(b.len, 5);
    assert_int_equal(atrium_buf_printf(&b, "%s-%d", "abc", 12345), ATRIUM_ETOOBIG);
    assert_string_equal(b.buf, "hello");
    assert_int_equal(b.len, 5);
    /* A huge size must not wrap around the limit check. */
    assert_int_equal(atrium_buf_append(&b, "x", SIZE_MAX), ATRIUM_ETOOBIG);
    assert_string_equal(b.buf, "hello");
    assert_int_equal(atrium_buf_printf(&b, "%d", 42), 0);
    assert_string_equal(b.buf, "hello42");
    atrium_buf_release(&b);
}

static void test_printf_formats(void **state)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 1000);
    assert_int_equal(atrium_buf_printf(&b, "%s=%d;", "a", 1), 0);
    assert_int_equal(atrium_buf_printf(&b, "%05.1f", 2.5), 0);
    assert_string_equal(b.buf, "a=1;002.5");
    assert_int_equal(b.len, strlen("a=1;002.5"));
    atrium_buf_release(&b);
}

static void test_append_binary_and_reset(void **state)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 100);
    assert_int_equal(atrium_buf_append(&b, "ab\0cd", 5), 0);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.buf, "ab\0cd", 6);
    atrium_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.buf, "");
    assert_int_equal(atrium_buf_puts(&b, "again"), 0);
    assert_string_equal(b.buf, "again");
    atrium_buf_release(&b);
}

static void test_take_hands_over_and_reinits(void **state)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 16);
    assert_int_equal(atrium_buf_puts(&b, "owned"), 0);
    char *s = atrium_buf_take(&b);
    assert_string_equal(s, "owned");
    assert_non_null(b.buf);
    assert_ptr_not_equal(b.buf, s);
    assert_string_equal(b.buf, "");
    assert_int_equal(b.len, 0);
    assert_int_equal(b.limit, 16);
    /* The limit still applies to the fresh buffer. */
    assert_int_equal(atrium_buf_puts(&b, "0123456789abcdefX"), ATRIUM_ETOOBIG);
    assert_int_equal(atrium_buf_puts(&b, "next"), 0);
    assert_string_equal(b.buf, "next");
    xfree(s);
    atrium_buf_release(&b);
}

static void test_zero_limit(void **state)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 0);
    assert_int_equal(atrium_buf_puts(&b, ""), 0);
    assert_int_equal(atrium_buf_puts(&b, "x"), ATRIUM_ETOOBIG);
    assert_string_equal(b.buf, "");
    atrium_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty_string),
        cmocka_unit_test(test_append_grows_past_initial_alloc),
        cmocka_unit_test(test_limit_exact_fits),
        cmocka_unit_test(test_limit_keeps_content),
        cmocka_unit_test(test_printf_formats),
        cmocka_unit_test(test_append_binary_and_reset),
        cmocka_unit_test(test_take_hands_over_and_reinits),
        cmocka_unit_test(test_zero_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
