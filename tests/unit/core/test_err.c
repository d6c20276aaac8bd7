/* SPDX-License-Identifier: MIT */
/* Unit tests for the error detail helpers (core/err.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/str.h"

static void test_err_fills_and_returns_code(void **state)
{
    struct atrium_errinfo e;
    memset(&e, 'x', sizeof(e));
    assert_int_equal(atrium_err(&e, ATRIUM_ECONFLICT, "domainPrefix", "Taken: %s.", "abc"),
                     ATRIUM_ECONFLICT);
    assert_int_equal(e.code, ATRIUM_ECONFLICT);
    assert_string_equal(e.field, "domainPrefix");
    assert_string_equal(e.message, "Taken: abc.");
    assert_int_equal(atrium_err(&e, ATRIUM_EINVAL, NULL, "No field."), ATRIUM_EINVAL);
    assert_string_equal(e.field, "");
    assert_int_equal(atrium_err(NULL, ATRIUM_EBUSY, "f", "ignored"), ATRIUM_EBUSY);
    atrium_err_clear(&e);
    assert_int_equal(e.code, 0);
    assert_string_equal(e.field, "");
    assert_string_equal(e.message, "");
    atrium_err_clear(NULL);
}

static void test_truncation_keeps_valid_utf8(void **state)
{
    /* Shift by 0-3 bytes so the cut lands inside a 3-byte character. */
    for (size_t shift = 0; shift < 4; shift++) {
        char text[1024] = "";
        size_t n = 0;
        for (; n < shift; n++)
            text[n] = 'a';
        while (n + 4 < sizeof(text)) {
            memcpy(text + n, "\xe2\x82\xac", 3); /* U+20AC, 3 bytes */
            n += 3;
        }
        text[n] = '\0';
        struct atrium_errinfo e;
        atrium_err(&e, ATRIUM_EINVAL, text, "%s", text);
        assert_true(atrium_str_is_clean_utf8(e.message));
        assert_true(atrium_str_is_clean_utf8(e.field));
        assert_true(strlen(e.message) >= ATRIUM_ERR_MESSAGE_MAX - 4);
        assert_true(strlen(e.field) >= ATRIUM_ERR_FIELD_MAX - 4);
    }
}

static void test_err_names(void **state)
{
    assert_string_equal(atrium_err_name(ATRIUM_OK), "OK");
    assert_string_equal(atrium_err_name(ATRIUM_EINVAL), "EINVAL");
    assert_string_equal(atrium_err_name(ATRIUM_EBUSY), "EBUSY");
    assert_string_equal(atrium_err_name(ATRIUM_EUNSUPPORTED), "EUNSUPPORTED");
    assert_string_equal(atrium_err_name(-999), "EUNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_fills_and_returns_code),
        cmocka_unit_test(test_truncation_keeps_valid_utf8),
        cmocka_unit_test(test_err_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
