/* SPDX-License-Identifier: MIT */
/* Unit tests for the strict JSON input helpers (core/json.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/json.h"

static json_t *parse_ok(const char *text)
{
    json_t *obj = NULL;
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_json_parse_object(text, strlen(text), &obj, &e), 0);
    assert_non_null(obj);
    return obj;
}

static void parse_fails(const char *text, const char *needle)
{
    json_t *obj = NULL;
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_json_parse_object(text, strlen(text), &obj, &e), ATRIUM_EINVAL);
    assert_null(obj);
    assert_int_equal(e.code, ATRIUM_EINVAL);
    if (!strstr(e.message, needle))
        fail_msg("message '%s' lacks '%s'", e.message, needle);
}

static void test_parse_object(void **state)
{
    json_t *obj = parse_ok("{\"a\": 1, \"b\": {\"c\": [true]}}");
    assert_true(json_is_object(obj));
    assert_int_equal(json_object_size(obj), 2);
    json_decref(obj);
}

static void test_duplicate_keys_rejected(void **state)
{
    parse_fails("{\"a\": 1, \"a\": 2}", "line 1");
    parse_fails("{\"x\": {\"k\": 1, \"k\": 1}}", "Malformed JSON");
}

static void test_non_object_rejected(void **state)
{
    parse_fails("[1, 2]", "must be a JSON object");
    parse_fails("\"text\"", "must be a JSON object");
    parse_fails("42", "must be a JSON object");
    parse_fails("null", "must be a JSON object");
}

static void test_malformed_has_line_and_column(void **state)
{
    json_t *obj = NULL;
    struct atrium_errinfo e = {0};
    const char *text = "{\n  \"a\": 1,\n  \"b\": ,\n}";
    assert_int_equal(atrium_json_parse_object(text, strlen(text), &obj, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "Malformed JSON at line 3, column"));
    assert_string_equal(e.field, "");
    parse_fails("", "Malformed JSON at line");
    parse_fails("{\"a\": 1} trailing", "Malformed JSON at line 1");
    parse_fails("{\"a\": \"\xff\"}", "Malformed JSON");
    parse_fails("{\"a\": \"\\u0000\"}", "Malformed JSON");
}

static void test_parse_uses_length_not_nul(void **state)
{
    json_t *obj = NULL;
    struct atrium_errinfo e = {0};
    const char text[] = "{\"a\": 1}garbage";
    assert_int_equal(atrium_json_parse_object(text, 8, &obj, &e), 0);
    json_decref(obj);
}

static void test_unknown_members_named(void **state)
{
    static const char *const allowed[] = {"displayName", "admin", NULL};
    struct atrium_errinfo e = {0};
    json_t *obj = parse_ok("{\"displayName\": \"x\", \"admin\": {}}");
    assert_int_equal(atrium_json_reject_unknown(obj, allowed, "", &e), 0);
    json_decref(obj);

    obj = parse_ok("{\"displayName\": \"x\", \"colour\": 1}");
    assert_int_equal(atrium_json_reject_unknown(obj, allowed, "", &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "colour");
    assert_non_null(strstr(e.message, "'colour'"));
    assert_int_equal(atrium_json_reject_unknown(obj, allowed, "admin.", &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "admin.colour");
    assert_non_null(strstr(e.message, "'admin.colour'"));
    json_decref(obj);
}

static void test_get_string_present_and_missing(void **state)
{
    struct atrium_errinfo e = {0};
    const char *s = "sentinel";
    json_t *obj = parse_ok("{\"a\": \"Zo\\u00eb \xe6\x97\xa5\", \"n\": null}");
    assert_int_equal(atrium_json_get_string(obj, "a", true, 64, "", &s, &e), 0);
    assert_string_equal(s, "Zo\xc3\xab \xe6\x97\xa5");
    assert_int_equal(atrium_json_get_string(obj, "missing", false, 64, "", &s, &e), 0);
    assert_null(s);
    assert_int_equal(atrium_json_get_string(obj, "n", false, 64, "", &s, &e), 0);
    assert_null(s);
    assert_int_equal(atrium_json_get_string(obj, "missing", true, 64, "admin.", &s, &e),
                     ATRIUM_EINVAL);
    assert_string_equal(e.field, "admin.missing");
    assert_non_null(strstr(e.message, "required"));
    assert_int_equal(atrium_json_get_string(obj, "n", true, 64, "", &s, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "n");
    json_decref(obj);
}

static void test_get_string_type_and_length(void **state)
{
    struct atrium_errinfo e = {0};
    const char *s = NULL;
    json_t *obj = parse_ok("{\"num\": 5, \"arr\": [], \"obj\": {}, \"b\": true, \"s\": \"abcd\"}");
    const char *keys[] = {"num", "arr", "obj", "b"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(atrium_json_get_string(obj, keys[i], false, 64, "", &s, &e),
                         ATRIUM_EINVAL);
        assert_string_equal(e.field, keys[i]);
        assert_non_null(strstr(e.message, "must be a string"));
    }
    assert_int_equal(atrium_json_get_string(obj, "s", true, 4, "", &s, &e), 0);
    assert_string_equal(s, "abcd");
    assert_int_equal(atrium_json_get_string(obj, "s", true, 3, "", &s, &e), ATRIUM_EINVAL);
    assert_null(s);
    assert_non_null(strstr(e.message, "too long"));
    json_decref(obj);
}

static void test_get_string_nul_and_control(void **state)
{
    struct atrium_errinfo e = {0};
    const char *s = NULL;
    json_t *obj = json_object();
    json_object_set_new(obj, "nul", json_stringn("a\0b", 3));
    json_object_set_new(obj, "ctl", json_string("a\x01z"));
    json_object_set_new(obj, "tab", json_string("a\tb"));
    json_object_set_new(obj, "del", json_string("a\x7f"));
    json_object_set_new(obj, "c1", json_string("a\xc2\x85z"));
    assert_int_equal(atrium_json_get_string(obj, "nul", true, 64, "", &s, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "NUL"));
    const char *keys[] = {"ctl", "tab", "del", "c1"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(atrium_json_get_string(obj, keys[i], true, 64, "", &s, &e), ATRIUM_EINVAL);
        assert_string_equal(e.field, keys[i]);
        assert_non_null(strstr(e.message, "control characters"));
    }
    json_decref(obj);

    /* Parsed escapes reach the same check. */
    obj = parse_ok("{\"x\": \"a\\u001fb\"}");
    assert_int_equal(atrium_json_get_string(obj, "x", true, 64, "", &s, &e), ATRIUM_EINVAL);
    json_decref(obj);
}

static void test_get_bool(void **state)
{
    struct atrium_errinfo e = {0};
    bool v = true;
    json_t *obj = parse_ok("{\"t\": true, \"f\": false, \"s\": \"true\", \"n\": 1}");
    assert_int_equal(atrium_json_get_bool(obj, "f", "", &v, &e), 0);
    assert_false(v);
    assert_int_equal(atrium_json_get_bool(obj, "t", "", &v, &e), 0);
    assert_true(v);
    assert_int_equal(atrium_json_get_bool(obj, "missing", "", &v, &e), 0);
    assert_true(v);
    assert_int_equal(atrium_json_get_bool(obj, "s", "passwordProfile.", &v, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "passwordProfile.s");
    assert_non_null(strstr(e.message, "'passwordProfile.s' must be true or false"));
    assert_int_equal(atrium_json_get_bool(obj, "n", "", &v, &e), ATRIUM_EINVAL);
    assert_true(v);
    json_decref(obj);
}

static void test_get_object(void **state)
{
    struct atrium_errinfo e = {0};
    json_t *sub = NULL;
    json_t *obj = parse_ok("{\"admin\": {\"a\": 1}, \"s\": \"x\", \"n\": null}");
    assert_int_equal(atrium_json_get_object(obj, "admin", true, "", &sub, &e), 0);
    assert_true(json_is_object(sub));
    assert_int_equal(atrium_json_get_object(obj, "missing", false, "", &sub, &e), 0);
    assert_null(sub);
    assert_int_equal(atrium_json_get_object(obj, "n", true, "", &sub, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "required"));
    assert_int_equal(atrium_json_get_object(obj, "s", false, "x.", &sub, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "x.s");
    assert_non_null(strstr(e.message, "must be an object"));
    json_decref(obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_object),
        cmocka_unit_test(test_duplicate_keys_rejected),
        cmocka_unit_test(test_non_object_rejected),
        cmocka_unit_test(test_malformed_has_line_and_column),
        cmocka_unit_test(test_parse_uses_length_not_nul),
        cmocka_unit_test(test_unknown_members_named),
        cmocka_unit_test(test_get_string_present_and_missing),
        cmocka_unit_test(test_get_string_type_and_length),
        cmocka_unit_test(test_get_string_nul_and_control),
        cmocka_unit_test(test_get_bool),
        cmocka_unit_test(test_get_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
