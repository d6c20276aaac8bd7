/* SPDX-License-Identifier: MIT */
/*
 * Router captures between a literal prefix and suffix inside one segment,
 * the OData key form Graph accepts ("directoryRoles(roleTemplateId='{id}')"):
 * the literals must match exactly, the capture must not be empty, the
 * segment is percent-decoded first, and plain captures are unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "core/err.h"
#include "http/router.h"

static int h_dummy(struct atrium_req *rq, struct atrium_resp *rs)
{
    (void)rq;
    (void)rs;
    return 0;
}

static const struct atrium_route table[] = {
    {"GET", "/v1.0/roles(templateId='{id}')", h_dummy, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"GET", "/v1.0/roles(templateId='{id}')/members", h_dummy, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"GET", "/v1.0/roles/{id}", h_dummy, ATRIUM_AUTH_NONE, 0, 0, NULL},
};
#define TABLE_N (sizeof(table) / sizeof(table[0]))

/* The route index matched for path (-1: none) and its "id" capture into id. */
static int match(const char *path, char *id, size_t size)
{
    struct atrium_route_match m;
    struct atrium_errinfo e;
    atrium_route_match_init(&m);
    atrium_err_clear(&e);
    int r = atrium_router_match(table, TABLE_N, "GET", path, &m, &e);
    int idx = r == 0 && m.route ? (int)(m.route - table) : -1;
    const char *v = idx >= 0 ? atrium_kv_get(&m.params, "id") : NULL;
    snprintf(id, size, "%s", v ? v : "");
    atrium_route_match_release(&m);
    return idx;
}

static void test_infix_capture(void **state)
{
    char id[64];
    (void)state;
    assert_int_equal(match("/v1.0/roles(templateId='abc')", id, sizeof(id)), 0);
    assert_string_equal(id, "abc");
    /* Decoded first: %27 is the quote clients send. */
    assert_int_equal(match("/v1.0/roles(templateId=%27x-1%27)/members", id, sizeof(id)), 1);
    assert_string_equal(id, "x-1");
    /* Plain captures are unchanged. */
    assert_int_equal(match("/v1.0/roles/abc", id, sizeof(id)), 2);
    assert_string_equal(id, "abc");
}

static void test_infix_refusals(void **state)
{
    char id[64];
    (void)state;
    assert_int_equal(match("/v1.0/roles(templateId='')", id, sizeof(id)), -1); /* empty */
    assert_int_equal(match("/v1.0/roles(templateId='abc'", id, sizeof(id)), -1);
    assert_int_equal(match("/v1.0/roles(TemplateId='abc')", id, sizeof(id)), -1);
    assert_int_equal(match("/v1.0/roles(templateId=abc)", id, sizeof(id)), -1);
    assert_int_equal(match("/v1.0/roles(templateId='", id, sizeof(id)), -1); /* overlap */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_infix_capture),
        cmocka_unit_test(test_infix_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
