/* SPDX-License-Identifier: MIT */
/* Unit tests for the string helpers (core/str.c): UTF-8 checks, numbers, case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/str.h"

static void test_clean_utf8_accepts_valid(void **state)
{
    static const char *const ok[] = {
        "",
        "plain ASCII ~!@#",
        "\xc2\xa0",                             /* U+00A0, first code point after C1 */
        "caf\xc3\xa9",                          /* U+00E9 */
        "\xdf\xbf",                             /* U+07FF, last 2-byte */
        "\xe0\xa0\x80",                         /* U+0800, first 3-byte */
        "\xed\x9f\xbf",                         /* U+D7FF, just below surrogates */
        "\xee\x80\x80",                         /* U+E000, just above surrogates */
        "\xef\xbf\xbf",                         /* U+FFFF */
        "\xf0\x90\x80\x80",                     /* U+10000, first 4-byte */
        "\xf4\x8f\xbf\xbf",                     /* U+10FFFF, last code point */
        "\xf0\x9f\x98\x80 emoji",               /* U+1F600 */
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", /* Japanese */
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!atrium_str_is_clean_utf8(ok[i]))
            fail_msg("rejected valid case %zu", i);
}

static void test_clean_utf8_rejects_invalid(void **state)
{
    static const char *const bad[] = {
        "\x80",                 /* stray continuation */
        "a\xbf",                /* stray continuation */
        "\xc0\x80",             /* overlong NUL */
        "\xc1\xbf",             /* overlong U+007F */
        "\xe0\x80\x80",         /* overlong 3-byte */
        "\xe0\x9f\xbf",         /* overlong U+07FF */
        "\xf0\x80\x80\x80",     /* overlong 4-byte */
        "\xf0\x8f\xbf\xbf",     /* overlong U+FFFF */
        "\xed\xa0\x80",         /* U+D800 surrogate */
        "\xed\xbf\xbf",         /* U+DFFF surrogate */
        "\xf4\x90\x80\x80",     /* U+110000 */
        "\xf5\x80\x80\x80",     /* lead byte over U+10FFFF */
        "\xf8\x88\x80\x80\x80", /* 5-byte form */
        "\xff",
        "\xfe",
        "\xe2\x82",     /* truncated 3-byte */
        "\xf0\x9f\x98", /* truncated 4-byte */
        "\xc3",         /* truncated at end */
        "\xc3(",        /* bad continuation */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (atrium_str_is_clean_utf8(bad[i]))
            fail_msg("accepted invalid case %zu", i);
}

static void test_clean_utf8_rejects_controls(void **state)
{
    static const char *const bad[] = {
        "a\x01", "\x1f",     "tab\there", "new\nline", "cr\r",
        "\x7f",  "\xc2\x80", "\xc2\x85",  "\xc2\x9f",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (atrium_str_is_clean_utf8(bad[i]))
            fail_msg("accepted control case %zu", i);
}

static void test_utf8_next(void **state)
{
    uint32_t cp = 0;
    assert_int_equal(atrium_str_utf8_next("A", &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(atrium_str_utf8_next("\xc3\xa9", &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(atrium_str_utf8_next("\xe2\x82\xac", &cp), 3);
    assert_int_equal(cp, 0x20AC);
    assert_int_equal(atrium_str_utf8_next("\xf4\x8f\xbf\xbf", &cp), 4);
    assert_int_equal(cp, 0x10FFFF);
    assert_int_equal(atrium_str_utf8_next("", &cp), 1);
    assert_int_equal(cp, 0);
    assert_int_equal(atrium_str_utf8_next("\xc0\xaf", &cp), 0);
    assert_int_equal(atrium_str_utf8_next("\xed\xa0\x80", NULL), 0);
    assert_int_equal(atrium_str_utf8_next("\xe2\x82", NULL), 0);
}

static void test_i64_valid(void **state)
{
    int64_t v = 0;
    assert_int_equal(atrium_str_to_i64("0", INT64_MIN, INT64_MAX, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(atrium_str_to_i64("12345", 0, 100000, &v), 0);
    assert_int_equal(v, 12345);
    assert_int_equal(atrium_str_to_i64("-17", -20, 0, &v), 0);
    assert_int_equal(v, -17);
    assert_int_equal(atrium_str_to_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(atrium_str_to_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MIN);
    /* Inclusive bounds. */
    assert_int_equal(atrium_str_to_i64("10", 1, 10, &v), 0);
    assert_int_equal(atrium_str_to_i64("1", 1, 10, &v), 0);
}

static void test_i64_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        "-",
        "+1",
        " 1",
        "1 ",
        "1a",
        "0x10",
        "1.0",
        "1e3",
        "--1",
        "- 1",
        "\t1",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t v = 777;
        if (atrium_str_to_i64(bad[i], INT64_MIN, INT64_MAX, &v) != ATRIUM_EINVAL)
            fail_msg("accepted '%s'", bad[i]);
        assert_int_equal(v, 777);
    }
    int64_t v = 777;
    assert_int_equal(atrium_str_to_i64(NULL, 0, 10, &v), ATRIUM_EINVAL);
    assert_int_equal(atrium_str_to_i64("11", 0, 10, &v), ATRIUM_EINVAL);
    assert_int_equal(atrium_str_to_i64("0", 1, 10, &v), ATRIUM_EINVAL);
    assert_int_equal(atrium_str_to_i64("-1", 0, 10, &v), ATRIUM_EINVAL);
    assert_int_equal(v, 777);
}

static void test_case_helpers(void **state)
{
    char s[] = "MiXeD-123-\xc3\x89";
    assert_string_equal(atrium_str_lower(s), "mixed-123-\xc3\x89");
    assert_null(atrium_str_lower(NULL));
    assert_true(atrium_str_ieq("Contoso.COM", "contoso.com"));
    assert_false(atrium_str_ieq("contoso.com", "contoso.co"));
    assert_false(atrium_str_ieq("a", NULL));
    assert_true(atrium_str_ieq(NULL, NULL));
    assert_true(atrium_str_starts_with("prefix-rest", "prefix"));
    assert_false(atrium_str_starts_with("pre", "prefix"));
    assert_true(atrium_str_ends_with("a.atrium.localhost", ".atrium.localhost"));
    assert_false(atrium_str_ends_with("localhost", ".atrium.localhost"));
    assert_true(atrium_str_ends_with("x", ""));
}

static void test_i64_text(void **state)
{
    (void)state;
    static const struct {
        int64_t v;
        const char *text;
    } cases[] = {
        {0, "0"},
        {7, "7"},
        {-1, "-1"},
        {1234567890, "1234567890"},
        {INT64_MAX, "9223372036854775807"},
        {INT64_MIN, "-9223372036854775808"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[ATRIUM_I64_TEXT_MAX];
        assert_int_equal(atrium_str_from_i64(cases[i].v, out), strlen(cases[i].text));
        assert_string_equal(out, cases[i].text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_utf8_accepts_valid),
        cmocka_unit_test(test_clean_utf8_rejects_invalid),
        cmocka_unit_test(test_clean_utf8_rejects_controls),
        cmocka_unit_test(test_utf8_next),
        cmocka_unit_test(test_i64_valid),
        cmocka_unit_test(test_i64_invalid),
        cmocka_unit_test(test_case_helpers),
        cmocka_unit_test(test_i64_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
