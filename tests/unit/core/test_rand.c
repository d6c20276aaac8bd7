/* SPDX-License-Identifier: MIT */
/* Unit tests for random bytes, GUIDs and hex tokens (core/rand.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "core/rand.h"

static bool is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_uuid_v4_format(void **state)
{
    for (int n = 0; n < 200; n++) {
        char u[ATRIUM_UUID_LEN + 1];
        memset(u, 'Z', sizeof(u));
        atrium_uuid_v4(u);
        assert_int_equal(strlen(u), ATRIUM_UUID_LEN);
        for (size_t i = 0; i < ATRIUM_UUID_LEN; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                assert_int_equal(u[i], '-');
            else
                assert_true(is_lower_hex(u[i]));
        }
        /* Version 4, RFC 4122 variant (10xx). */
        assert_int_equal(u[14], '4');
        assert_non_null(strchr("89ab", u[19]));
        assert_true(atrium_uuid_is_valid(u));
    }
}

static void test_uuid_v4_unique(void **state)
{
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    atrium_uuid_v4(a);
    atrium_uuid_v4(b);
    assert_string_not_equal(a, b);
}

static void test_uuid_is_valid(void **state)
{
    assert_true(atrium_uuid_is_valid("62e90394-69f5-4237-9190-012177145e10"));
    assert_true(atrium_uuid_is_valid("62E90394-69F5-4237-9190-012177145E10"));
    assert_true(atrium_uuid_is_valid("00000000-0000-0000-0000-000000000000"));
    static const char *const bad[] = {
        "",
        "62e90394-69f5-4237-9190-012177145e1",   /* short */
        "62e90394-69f5-4237-9190-012177145e100", /* long */
        "62e90394-69f5-4237-9190_012177145e10",  /* wrong separator */
        "62e9039469f5-4237-9190-012177145e10-",  /* dash misplaced */
        "62e90394-69f5-4237-9190-012177145e1g",  /* not hex */
        "{62e90394-69f5-4237-9190-012177145e1}", /* braces */
        " 62e90394-69f5-4237-9190-012177145e10",
        "62e90394-69f5-4237-9190-012177145e10 ",
        "62e90394",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (atrium_uuid_is_valid(bad[i]))
            fail_msg("accepted '%s'", bad[i]);
    assert_false(atrium_uuid_is_valid(NULL));
}

static void test_random_hex(void **state)
{
    char out[2 * 100 + 1];
    memset(out, 'Z', sizeof(out));
    atrium_random_hex(out, 100);
    assert_int_equal(strlen(out), 200);
    for (size_t i = 0; i < 200; i++)
        assert_true(is_lower_hex(out[i]));
    char empty[1] = {'Z'};
    atrium_random_hex(empty, 0);
    assert_string_equal(empty, "");
}

static void test_random_bytes_fill(void **state)
{
    unsigned char a[64] = {0}, b[64] = {0};
    atrium_random_bytes(a, sizeof(a));
    atrium_random_bytes(b, sizeof(b));
    assert_memory_not_equal(a, b, sizeof(a));
    atrium_random_bytes(a, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid_v4_format),    cmocka_unit_test(test_uuid_v4_unique),
        cmocka_unit_test(test_uuid_is_valid),     cmocka_unit_test(test_random_hex),
        cmocka_unit_test(test_random_bytes_fill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
