/* SPDX-License-Identifier: MIT */
/* Unit tests for core/json_dump.c: byte-identical to json_dumps(JSON_COMPACT). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/json_dump.h"

static void same_as_jansson(json_t *doc)
{
    char *want = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_non_null(want);
    struct atrium_buf b;
    atrium_buf_init(&b, 1u << 20);
    assert_int_equal(atrium_json_dump(doc, &b), 0);
    assert_int_equal(b.len, strlen(want));
    assert_string_equal(b.buf, want);
    atrium_buf_release(&b);
    free(want);
    json_decref(doc);
}

static void test_scalars(void **state)
{
    (void)state;
    same_as_jansson(json_true());
    same_as_jansson(json_false());
    same_as_jansson(json_null());
    same_as_jansson(json_integer(0));
    same_as_jansson(json_integer(-1));
    same_as_jansson(json_integer(INT64_MAX));
    same_as_jansson(json_integer(INT64_MIN));
    same_as_jansson(json_real(1.5));
    same_as_jansson(json_real(0.1));
    same_as_jansson(json_real(1e300));
    same_as_jansson(json_string(""));
}

/* Every ASCII byte, NUL inside a string, multi-byte UTF-8, escapes in keys. */
static void test_strings(void **state)
{
    (void)state;
    char all[128];
    for (int i = 1; i < 128; i++)
        all[i - 1] = (char)i;
    all[127] = '\0';
    same_as_jansson(json_string(all));
    same_as_jansson(json_stringn("a\0b", 3));
    same_as_jansson(json_string("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \x7f"));
    same_as_jansson(json_pack("{s:s, s:i}", "k\"\\\n\x01", "v/\t", "\xc3\xa9", 1));
}

static void test_containers(void **state)
{
    (void)state;
    same_as_jansson(json_object());
    same_as_jansson(json_array());
    same_as_jansson(json_pack("{s:[i, s, {s:[]}, {}], s:{s:{s:n}}, s:b, s:f}", "a", 1, "two", "x",
                              "b", "c", "d", "e", 1, "r", 2.25));
    json_t *token = json_object(); /* order of insertion kept, as jansson does */
    for (int i = 0; i < 50; i++) {
        char key[16];
        snprintf(key, sizeof(key), "k%02d", 49 - i);
        json_object_set_new(token, key, json_integer(i));
    }
    same_as_jansson(token);
}

static void test_refusals(void **state)
{
    (void)state;
    struct atrium_buf b;
    atrium_buf_init(&b, 1u << 20);
    json_t *bad = json_stringn_nocheck("\xc0\xaf", 2); /* overlong '/' */
    assert_null(json_dumps(bad, JSON_ENCODE_ANY));
    assert_int_equal(atrium_json_dump(bad, &b), ATRIUM_EINVAL);
    json_decref(bad);
    atrium_buf_release(&b);

    atrium_buf_init(&b, 8); /* the buffer's limit stops a long document */
    json_t *doc = json_pack("{s:s}", "key", "a value longer than eight bytes");
    assert_int_equal(atrium_json_dump(doc, &b), ATRIUM_ETOOBIG);
    json_decref(doc);
    atrium_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_containers),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
