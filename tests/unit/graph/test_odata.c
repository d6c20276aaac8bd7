/* SPDX-License-Identifier: MIT */
/* OData query options: $top bounds, one-clause $filter, $select, opaque $skiptoken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "graph/odata.h"

static const char *const eq_props[] = {"appId", "displayName", NULL};
static const char *const sw_props[] = {"displayName", NULL};
static const char *const select_props[] = {"id", "appId", "displayName", NULL};
static const struct atrium_odata_spec spec = {eq_props, sw_props, select_props, NULL};

static void test_top(void **state)
{
    size_t n = 0;
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_odata_parse_top("1", &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(atrium_odata_parse_top("999", &n, &e), 0);
    assert_int_equal(atrium_odata_parse_top("1000", &n, &e), ATRIUM_EINVAL);
    assert_string_equal(
        e.message, "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
    assert_int_equal(atrium_odata_parse_top("0", &n, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_parse_top("-1", &n, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_parse_top("1x", &n, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_parse_top("", &n, &e), ATRIUM_EINVAL);
}

static void test_filter(void **state)
{
    struct atrium_odata_filter f;
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_odata_parse_filter("appId eq 'abc'", &spec, &f, &e), 0);
    assert_int_equal(f.op, ATRIUM_ODATA_EQ);
    assert_string_equal(f.property, "appId");
    assert_string_equal(f.value, "abc");
    assert_true(atrium_odata_filter_match(&f, "ABC"));
    assert_false(atrium_odata_filter_match(&f, "abcd"));
    free(f.value);

    assert_int_equal(atrium_odata_parse_filter("  DISPLAYNAME  eq  'O''Brien' ", &spec, &f, &e), 0);
    assert_string_equal(f.property, "displayName");
    assert_string_equal(f.value, "O'Brien");
    free(f.value);

    assert_int_equal(atrium_odata_parse_filter("startswith(displayName,'Con')", &spec, &f, &e), 0);
    assert_int_equal(f.op, ATRIUM_ODATA_STARTSWITH);
    assert_true(atrium_odata_filter_match(&f, "contoso"));
    assert_false(atrium_odata_filter_match(&f, "Fabrikam"));
    free(f.value);

    static const char *const bad[] = {
        "secret eq 'x'",
        "appId ne 'x'",
        "appId eq x",
        "appId eq 'x",
        "appId eq 'x' or 1 eq 1",
        "startswith(appId,'x')",
        "appIdeq 'x'",
        "",
        "startswith(displayName,'x'",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (atrium_odata_parse_filter(bad[i], &spec, &f, &e) != ATRIUM_EINVAL)
            fail_msg("filter '%s' accepted", bad[i]);
        assert_string_equal(e.field, "$filter");
    }
}

static void test_skiptoken(void **state)
{
    char out[ATRIUM_UUID_LEN + 1];
    struct atrium_errinfo e = {0};
    AUTO_FREE char *t = atrium_odata_skiptoken_encode("0a1b2c3d-1111-4111-8111-111111111111");
    assert_null(strstr(t, "0a1b2c3d")); /* opaque: not the id itself */
    assert_int_equal(atrium_odata_skiptoken_decode(t, out, &e), 0);
    assert_string_equal(out, "0a1b2c3d-1111-4111-8111-111111111111");
    assert_int_equal(atrium_odata_skiptoken_decode("0a1b2c3d-1111-4111-8111-111111111111", out, &e),
                     ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_skiptoken_decode("", out, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_skiptoken_decode("YTE6eA", out, &e), ATRIUM_EINVAL); /* "a1:x" */
}

static void test_query_set_and_select(void **state)
{
    struct atrium_odata_query q;
    struct atrium_errinfo e = {0};
    atrium_odata_query_init(&q);
    assert_int_equal(q.top, ATRIUM_ODATA_TOP_DEFAULT);
    assert_int_equal(atrium_odata_query_set(&q, &spec, "$TOP", "5", &e), 0);
    assert_int_equal(q.top, 5);
    assert_int_equal(atrium_odata_query_set(&q, &spec, "$select", "displayName, APPID", &e), 0);
    assert_int_equal(q.select_count, 2);
    assert_int_equal(atrium_odata_query_set(&q, &spec, "$count", "true", &e), 0);
    assert_int_equal(atrium_odata_query_set(&q, &spec, "api-version", "1.0", &e), 0);
    assert_int_equal(atrium_odata_query_set(&q, &spec, "$orderby", "displayName", &e),
                     ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_query_set(&q, &spec, "$select", "id", &e), ATRIUM_EINVAL);
    json_t *obj = json_pack("{s:s, s:s, s:s, s:s}", "id", "1", "appId", "2", "displayName", "3",
                            "secret", "4");
    atrium_odata_apply_select(&q, obj);
    assert_int_equal(json_object_size(obj), 2);
    assert_non_null(json_object_get(obj, "appId"));
    json_decref(obj);
    atrium_odata_query_release(&q);

    atrium_odata_query_init(&q);
    assert_int_equal(atrium_odata_query_set(&q, &spec, "$select", "password", &e), ATRIUM_EINVAL);
    atrium_odata_query_release(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_skiptoken),
        cmocka_unit_test(test_query_set_and_select),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
