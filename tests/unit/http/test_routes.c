/* SPDX-License-Identifier: MIT */
/* Route matching: literal segments, {name} captures, decoding, 404 vs 405 + Allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "http/router.h"

static int h_dummy(struct atrium_req *rq, struct atrium_resp *rs)
{
    return 0;
}

static const struct atrium_route table[] = {
    {"GET", "/healthz", h_dummy, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"GET", "/api/v1/tenants/self", h_dummy, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"GET", "/api/v1/tenants/{id}", h_dummy, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"DELETE", "/api/v1/tenants/{id}", h_dummy, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"POST", "/api/v1/tenants", h_dummy, ATRIUM_AUTH_NONE, 4096, 0, NULL},
    {"GET", "/t/{tenant}/users/{user}", h_dummy, ATRIUM_AUTH_NONE, 0, 0, NULL},
};
#define TABLE_N (sizeof(table) / sizeof(table[0]))

/* Match and return the code; the match is released unless ret_m is given. */
static int match(const char *method, const char *path, struct atrium_route_match *ret_m,
                 struct atrium_errinfo *ret_e)
{
    struct atrium_route_match m;
    struct atrium_errinfo e;
    atrium_route_match_init(&m);
    atrium_err_clear(&e);
    int r = atrium_router_match(table, TABLE_N, method, path, &m, &e);
    if (ret_e)
        *ret_e = e;
    if (ret_m)
        *ret_m = m;
    else
        atrium_route_match_release(&m);
    return r;
}

static void test_exact(void **state)
{
    struct atrium_route_match m;
    assert_int_equal(match("GET", "/healthz", &m, NULL), 0);
    assert_ptr_equal(m.route, &table[0]);
    assert_int_equal(m.params.count, 0);
    atrium_route_match_release(&m);
    assert_int_equal(match("POST", "/api/v1/tenants", &m, NULL), 0);
    assert_ptr_equal(m.route, &table[4]);
    atrium_route_match_release(&m);
}

static void test_head_uses_get(void **state)
{
    struct atrium_route_match m;
    assert_int_equal(match("HEAD", "/healthz", &m, NULL), 0);
    assert_ptr_equal(m.route, &table[0]);
    atrium_route_match_release(&m);
}

static void test_first_row_wins(void **state)
{
    struct atrium_route_match m;
    assert_int_equal(match("GET", "/api/v1/tenants/self", &m, NULL), 0);
    assert_ptr_equal(m.route, &table[1]);
    atrium_route_match_release(&m);
}

static void test_captures(void **state)
{
    struct atrium_route_match m;
    assert_int_equal(match("GET", "/t/contoso.example/users/a%40b.c", &m, NULL), 0);
    assert_ptr_equal(m.route, &table[5]);
    assert_int_equal(m.params.count, 2);
    assert_string_equal(atrium_kv_get(&m.params, "tenant"), "contoso.example");
    assert_string_equal(atrium_kv_get(&m.params, "user"), "a@b.c");
    atrium_route_match_release(&m);

    /* An encoded slash stays inside its segment; '+' is not a space in paths. */
    assert_int_equal(match("GET", "/api/v1/tenants/a%2Fb+c%20d", &m, NULL), 0);
    assert_string_equal(atrium_kv_get(&m.params, "id"), "a/b+c d");
    atrium_route_match_release(&m);

    /* UTF-8 is fine in a capture. */
    assert_int_equal(match("GET", "/api/v1/tenants/%C3%A9t%C3%A9", &m, NULL), 0);
    assert_string_equal(atrium_kv_get(&m.params, "id"), "\xC3\xA9t\xC3\xA9");
    atrium_route_match_release(&m);
}

static void test_not_found(void **state)
{
    assert_int_equal(match("GET", "/", NULL, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(match("GET", "/nope", NULL, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(match("GET", "/HEALTHZ", NULL, NULL), ATRIUM_ENOTFOUND);  /* case */
    assert_int_equal(match("GET", "/healthz/", NULL, NULL), ATRIUM_ENOTFOUND); /* slash */
    assert_int_equal(match("GET", "//healthz", NULL, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(match("GET", "/api/v1/tenants/", NULL, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(match("GET", "/api/v1/tenants/x/y", NULL, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(match("GET", "/api/v1/x/../healthz", NULL, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(match("GET", "healthz", NULL, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(match("GET", "", NULL, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(match("GET", "/health%7A", NULL, NULL), 0); /* decoded literal */
    /* Junk in a segment that is compared literally is simply no match. */
    assert_int_equal(match("GET", "/%ZZ", NULL, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(match("GET", "/\xFF\xFE", NULL, NULL), ATRIUM_ENOTFOUND);
}

static void test_too_many_segments(void **state)
{
    char path[4096] = "";
    for (int i = 0; i < 100; i++)
        strcat(path, "/a");
    assert_int_equal(match("GET", path, NULL, NULL), ATRIUM_ENOTFOUND);
}

static void test_method_not_allowed(void **state)
{
    struct atrium_route_match m;
    struct atrium_errinfo e;
    assert_int_equal(match("POST", "/healthz", &m, &e), ATRIUM_EUNSUPPORTED);
    assert_null(m.route);
    assert_string_equal(m.allow, "GET, HEAD");
    assert_true(e.message[0] != '\0');
    atrium_route_match_release(&m);

    assert_int_equal(match("PUT", "/api/v1/tenants/abc", &m, NULL), ATRIUM_EUNSUPPORTED);
    assert_string_equal(m.allow, "GET, HEAD, DELETE");
    atrium_route_match_release(&m);

    /* /api/v1/tenants/self: the literal row and the capture rows all count. */
    assert_int_equal(match("PATCH", "/api/v1/tenants/self", &m, NULL), ATRIUM_EUNSUPPORTED);
    assert_string_equal(m.allow, "GET, HEAD, DELETE");
    atrium_route_match_release(&m);

    assert_int_equal(match("GET", "/api/v1/tenants", &m, NULL), ATRIUM_EUNSUPPORTED);
    assert_string_equal(m.allow, "POST");
    atrium_route_match_release(&m);

    /* Methods are case-sensitive tokens. */
    assert_int_equal(match("get", "/healthz", NULL, NULL), ATRIUM_EUNSUPPORTED);
    assert_int_equal(match("BREW", "/healthz", NULL, NULL), ATRIUM_EUNSUPPORTED);
}

static void test_bad_capture(void **state)
{
    struct atrium_errinfo e;
    assert_int_equal(match("GET", "/api/v1/tenants/%ZZ", NULL, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "id");
    assert_int_equal(match("GET", "/api/v1/tenants/%", NULL, NULL), ATRIUM_EINVAL);
    assert_int_equal(match("GET", "/api/v1/tenants/ab%4", NULL, NULL), ATRIUM_EINVAL);
    assert_int_equal(match("GET", "/api/v1/tenants/%00x", NULL, NULL), ATRIUM_EINVAL);
    assert_int_equal(match("GET", "/api/v1/tenants/%FF", NULL, NULL), ATRIUM_EINVAL);
    assert_int_equal(match("GET", "/api/v1/tenants/%C0%AF", NULL, NULL), ATRIUM_EINVAL);
    assert_int_equal(match("GET", "/api/v1/tenants/a%0Ab", NULL, NULL), ATRIUM_EINVAL);
    assert_int_equal(match("GET", "/api/v1/tenants/\xC3", NULL, NULL), ATRIUM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_head_uses_get),
        cmocka_unit_test(test_first_row_wins),
        cmocka_unit_test(test_captures),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_too_many_segments),
        cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_bad_capture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
