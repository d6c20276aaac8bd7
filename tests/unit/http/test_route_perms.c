/* SPDX-License-Identifier: MIT */
/*
 * Invariants of the server's route table: every directory API route
 * (/v1.0/...) is bearer-authenticated and declares its permission rule,
 * writes use a write rule, and no other route carries a rule (it would
 * never be checked).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/str.h"
#include "graph/authz.h"
#include "http/routes.h"

static void test_bearer_routes_declare_rules(void **state)
{
    size_t graph_routes = 0;
    for (size_t i = 0; i < atrium_routes_count; i++) {
        const struct atrium_route *r = &atrium_routes[i];
        bool graph = atrium_str_starts_with(r->pattern, "/v1.0/");
        if (graph && r->auth != ATRIUM_AUTH_BEARER)
            fail_msg("%s %s: a directory API route without bearer authentication", r->method,
                     r->pattern);
        if (r->auth == ATRIUM_AUTH_BEARER && !r->perm)
            fail_msg("%s %s: a bearer route without a permission rule", r->method, r->pattern);
        if (r->auth != ATRIUM_AUTH_BEARER && r->perm)
            fail_msg("%s %s: a rule on a route that is not bearer-authenticated", r->method,
                     r->pattern);
        if (r->perm && strcmp(r->method, "GET") != 0 && r->perm == &atrium_authz_apps_read)
            fail_msg("%s %s: a write guarded by a read rule", r->method, r->pattern);
        graph_routes += graph;
    }
    assert_true(graph_routes >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bearer_routes_declare_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
