/* SPDX-License-Identifier: MIT */
/* Unit tests for the constant-time comparison (crypto/ctcmp.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "crypto/ctcmp.h"

static void test_equal(void **state)
{
    const char a[] = "0123456789abcdef", b[] = "0123456789abcdef";
    assert_true(atrium_ct_equal(a, 16, b, 16));
    assert_true(atrium_ct_equal(a, 16, a, 16));
    unsigned char x[256], y[256];
    for (size_t i = 0; i < sizeof(x); i++)
        x[i] = y[i] = (unsigned char)i;
    assert_true(atrium_ct_equal(x, sizeof(x), y, sizeof(y)));
}

static void test_content_differs(void **state)
{
    unsigned char x[64], y[64];
    memset(x, 0xAA, sizeof(x));
    for (size_t pos = 0; pos < sizeof(x); pos++) {
        memcpy(y, x, sizeof(y));
        y[pos] ^= 0x01;
        assert_false(atrium_ct_equal(x, sizeof(x), y, sizeof(y)));
        y[pos] ^= 0x81;
        assert_false(atrium_ct_equal(x, sizeof(x), y, sizeof(y)));
    }
}

static void test_length_differs(void **state)
{
    const char a[] = "secret-token", b[] = "secret-token-longer";
    /* A prefix is not equal, in either order. */
    assert_false(atrium_ct_equal(a, strlen(a), b, strlen(b)));
    assert_false(atrium_ct_equal(b, strlen(b), a, strlen(a)));
    assert_false(atrium_ct_equal(a, strlen(a), a, strlen(a) - 1));
    assert_false(atrium_ct_equal(a, 1, a, 0));
    assert_false(atrium_ct_equal(a, 0, a, 1));
    /* Same bytes over the shorter length, different lengths: still unequal. */
    assert_false(atrium_ct_equal("abc", 3, "abcd", 4));
}

static void test_empty(void **state)
{
    assert_true(atrium_ct_equal("", 0, "", 0));
    assert_true(atrium_ct_equal(NULL, 0, NULL, 0));
    assert_true(atrium_ct_equal(NULL, 0, "x", 0));
    assert_false(atrium_ct_equal(NULL, 0, "x", 1));
    assert_false(atrium_ct_equal("x", 1, NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_content_differs),
        cmocka_unit_test(test_length_differs),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
