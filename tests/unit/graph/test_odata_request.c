/* SPDX-License-Identifier: MIT */
/*
 * The OData engine of directory listings against the user catalog: every
 * $filter operator and literal kind, precedence and parentheses, the
 * nesting, length, term and "in" limits, unknown properties, type
 * mismatches, quotes inside strings (no way out of a literal), the
 * advanced-query rules, $search, $orderby, $select, $top, and the
 * $skiptoken MAC (tampered, other tenant, other listing, other query).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/mac.h"
#include "graph/odata_request.h"
#include "graph/users_api.h"

static const struct atrium_odata_resource *res = &atrium_graph_user_resource;

/* The canonical text of the tree of text, or the error message (heap). */
static char *parse(const char *text, const char **ret_advanced, bool *ret_unsupported)
{
    struct atrium_qnode *n = NULL;
    struct atrium_errinfo e = {0};
    const char *adv = NULL;
    bool unsupported = false;
    int r = atrium_odata_filter_parse(text, res, &n, &adv, &unsupported, &e);
    if (ret_advanced)
        *ret_advanced = adv;
    if (ret_unsupported)
        *ret_unsupported = unsupported;
    if (r < 0) {
        assert_null(n);
        return xasprintf("ERR %s", e.message);
    }
    struct atrium_buf b;
    atrium_buf_init(&b, 1 << 16);
    assert_int_equal(atrium_qnode_print(n, &b), 0);
    atrium_qnode_free(n);
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}

static void expect_tree(const char *filter, const char *tree)
{
    AUTO_FREE char *got = parse(filter, NULL, NULL);
    assert_string_equal(got, tree);
}

static void expect_error(const char *filter, const char *fragment, bool unsupported)
{
    bool u = false;
    AUTO_FREE char *got = parse(filter, NULL, &u);
    if (strncmp(got, "ERR ", 4) != 0 || !strstr(got, fragment))
        fail_msg("filter [%s]: expected an error with [%s], got [%s]", filter, fragment, got);
    assert_int_equal(u, unsupported);
}

/* Property ids: id 0, userPrincipalName 1, displayName 2, mail 5, accountEnabled 7,
 * createdDateTime 8, otherMails 11, proxyAddresses 12. Ops: eq 0, ne 1, ge 3, le 5,
 * startswith 6, endswith 7. */
static void test_operators(void **state)
{
    expect_tree("displayName eq 'Ada'", "(cmp o0 p2 s3:Ada)");
    expect_tree("displayName ne 'Ada'", "(cmp o1 p2 s3:Ada)");
    expect_tree("startswith(displayName,'Ad')", "(cmp o6 p2 s2:Ad)");
    expect_tree("startsWith( displayName , 'Ad' )", "(cmp o6 p2 s2:Ad)");
    expect_tree("endswith(mail,'@contoso.com')", "(cmp o7 p5 s12:@contoso.com)");
    expect_tree("userPrincipalName in ('a@x.example', 'b@x.example')",
                "(in p1 s11:a@x.example s11:b@x.example)");
    expect_tree("accountEnabled eq false", "(cmp o0 p7 b0)");
    expect_tree("accountEnabled eq true", "(cmp o0 p7 b1)");
    expect_tree("createdDateTime ge 2024-01-01T00:00:00Z", "(cmp o3 p8 t1704067200)");
    expect_tree("createdDateTime le 2024-01-01T01:30:00.123+01:30", "(cmp o5 p8 t1704067200)");
    expect_tree("id eq 2D7E3C1A-4B5C-4D6E-8F90-A1B2C3D4E5F6",
                "(cmp o0 p0 g36:2d7e3c1a-4b5c-4d6e-8f90-a1b2c3d4e5f6)");
    expect_tree("id eq '2d7e3c1a-4b5c-4d6e-8f90-a1b2c3d4e5f6'",
                "(cmp o0 p0 g36:2d7e3c1a-4b5c-4d6e-8f90-a1b2c3d4e5f6)");
    expect_tree("mail eq null", "(cmp o0 p5 n)");
    expect_tree("otherMails/any(m:m eq 'a@b.example')", "(any o0 p11 s11:a@b.example)");
    expect_tree("proxyAddresses/any(p: startswith(p, 'SMTP:'))", "(any o6 p12 s5:SMTP:)");
    expect_tree("not startswith(displayName,'A')", "(not(cmp o6 p2 s1:A))");
}

static void test_precedence(void **state)
{
    expect_tree("displayName eq 'a' or displayName eq 'b' and mail eq 'c'",
                "(or(cmp o0 p2 s1:a)(and(cmp o0 p2 s1:b)(cmp o0 p5 s1:c)))");
    expect_tree("(displayName eq 'a' or displayName eq 'b') and mail eq 'c'",
                "(and(or(cmp o0 p2 s1:a)(cmp o0 p2 s1:b))(cmp o0 p5 s1:c))");
    expect_tree("not displayName eq 'a' and mail eq 'c'",
                "(and(not(cmp o0 p2 s1:a))(cmp o0 p5 s1:c))");
    expect_tree("not (displayName eq 'a' or mail eq 'c')",
                "(not(or(cmp o0 p2 s1:a)(cmp o0 p5 s1:c)))");
    expect_tree("displayName eq 'a' AND mail eq 'c'", "(and(cmp o0 p2 s1:a)(cmp o0 p5 s1:c))");
    /* Spacing does not change the canonical form. */
    expect_tree("  displayName   eq   'a'  ", "(cmp o0 p2 s1:a)");
}

static void test_strings(void **state)
{
    expect_tree("displayName eq 'O''Brien'", "(cmp o0 p2 s7:O'Brien)");
    expect_tree("displayName eq ''''", "(cmp o0 p2 s1:')");
    expect_tree("displayName eq ''", "(cmp o0 p2 s0:)");
    /* Quotes never end the literal early: the rest stays part of the value. */
    expect_tree("displayName eq 'x'' or ''1''=''1'", "(cmp o0 p2 s12:x' or '1'='1)");
    expect_error("displayName eq 'x' or 1 eq 1", "Could not find a property named '1'", false);
    expect_error("displayName eq 'x'; DROP TABLE users", "unexpected character", false);
    expect_error("displayName eq 'x''", "unterminated string literal", false);
    expect_error("displayName eq 'x' --", "unexpected text after", false);
    expect_error("displayName eq \"x\"", "unexpected character", false);
}

static void test_limits(void **state)
{
    char deep[256] = "";
    for (int i = 0; i < 8; i++)
        strcat(deep, "(");
    strcat(deep, "displayName eq 'a'");
    for (int i = 0; i < 8; i++)
        strcat(deep, ")");
    AUTO_FREE char *ok = parse(deep, NULL, NULL);
    assert_string_equal(ok, "(cmp o0 p2 s1:a)");
    char deeper[256] = "(";
    strcat(deeper, deep);
    strcat(deeper, ")");
    expect_error(deeper, "nested more than 8 levels", false);
    expect_error("not not not not not not not not not displayName eq 'a'", "nested more than 8",
                 false);

    char *long_filter = xmalloc(ATRIUM_ODATA_FILTER_MAX + 64);
    snprintf(long_filter, ATRIUM_ODATA_FILTER_MAX + 64, "displayName eq '%0*d'",
             ATRIUM_ODATA_FILTER_MAX, 0);
    expect_error(long_filter, "longer than 2048 bytes", false);
    free(long_filter);

    struct atrium_buf b;
    atrium_buf_init(&b, 1 << 16);
    for (int i = 0; i < 40; i++)
        atrium_buf_printf(&b, "%sdisplayName eq 'a%d'", i ? " or " : "", i);
    expect_error(b.buf, "more than 64 terms", false);
    atrium_buf_reset(&b);
    atrium_buf_puts(&b, "displayName in (");
    for (int i = 0; i < ATRIUM_QUERY_IN_MAX + 1; i++)
        atrium_buf_printf(&b, "%s'v%d'", i ? "," : "", i);
    atrium_buf_puts(&b, ")");
    expect_error(b.buf, "at most 50 values", false);
    atrium_buf_release(&b);
    expect_error("", "the expression is empty", false);
}

static void test_refusals(void **state)
{
    expect_error("favouriteColour eq 'red'",
                 "Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'",
                 false);
    expect_error("accountEnabled eq 'yes'", "incompatible types", false);
    expect_error("displayName eq true", "incompatible types", false);
    expect_error("createdDateTime ge '2024-01-01'", "incompatible types", false);
    expect_error("id eq 'not-a-guid'", "must be a GUID", false);
    expect_error("displayName eq 42", "not a valid Edm.String value", false);
    expect_error("endswith(displayName,'x')", "for property 'displayName' of resource 'User'",
                 true);
    expect_error("accountEnabled ge true", "property 'accountEnabled'", true);
    expect_error("contains(displayName,'x')", "function 'contains' is not supported", true);
    expect_error("otherMails eq 'x@y.example'", "property 'otherMails'", true);
    expect_error("displayName/any(x:x eq 'a')", "property 'displayName'", true);
    expect_error("businessPhones/any(p:startswith(p,'1'))", "property 'businessPhones'", true);
    expect_error("otherMails/$count eq 0", "property 'otherMails'", true);
    expect_error("otherMails/any()", "property 'otherMails'", true);
    expect_error("id eq null", "property 'id'", true);
    expect_error("displayName eq", "a literal value was expected", false);
    expect_error("displayName 'a'", "comparison operator", false);
    expect_error("(displayName eq 'a'", "')' was expected", false);
    expect_error("displayName eq 'a')", "unexpected text after", false);
}

static void test_advanced_markers(void **state)
{
    const char *adv = NULL;
    AUTO_FREE char *a = parse("displayName ne 'x'", &adv, NULL);
    assert_string_equal(adv, "ne");
    AUTO_FREE char *b = parse("endswith(mail,'@x.example')", &adv, NULL);
    assert_string_equal(adv, "endsWith");
    AUTO_FREE char *c = parse("not startswith(displayName,'a')", &adv, NULL);
    assert_string_equal(adv, "not");
    AUTO_FREE char *d = parse("mail eq null", &adv, NULL);
    assert_string_equal(adv, "eq null");
    AUTO_FREE char *g = parse("startswith(displayName,'a') and accountEnabled eq true", &adv, NULL);
    assert_null(adv);
}

/* Apply options name=value pairs (NULL-terminated) to a fresh request. */
static int options(struct atrium_odata_request *q, const char *const *kv, struct atrium_errinfo *e)
{
    atrium_odata_request_init(q);
    for (; kv[0]; kv += 2) {
        int r = atrium_odata_request_set(q, res, kv[0], kv[1], e);
        if (r < 0)
            return r;
    }
    return 0;
}

static void test_advanced_rules(void **state)
{
    struct atrium_odata_request q;
    struct atrium_errinfo e = {0};
    const char *const ne[] = {"$filter", "displayName ne 'x'", NULL};
    assert_int_equal(options(&q, ne, &e), 0);
    assert_int_equal(atrium_odata_request_finish(&q, false, false, &e), ATRIUM_EINVAL);
    assert_true(q.unsupported);
    assert_non_null(strstr(e.message, "Operator 'ne' is not supported because the required "
                                      "parameters might be missing"));
    assert_int_equal(atrium_odata_request_finish(&q, true, false, &e), ATRIUM_EINVAL);
    q.count = true;
    assert_int_equal(atrium_odata_request_finish(&q, true, false, &e), 0);
    assert_false(q.unsupported);
    atrium_odata_request_release(&q);

    const char *const sorted[] = {"$filter", "startswith(displayName,'a')", "$orderby",
                                  "displayName desc", NULL};
    assert_int_equal(options(&q, sorted, &e), 0);
    assert_true(q.order.desc);
    assert_int_equal(atrium_odata_request_finish(&q, false, false, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "Sorting not supported for current query"));
    /* A valid $skiptoken proves the first page passed the rules. */
    assert_int_equal(atrium_odata_request_finish(&q, false, true, &e), 0);
    atrium_odata_request_release(&q);

    const char *const created[] = {"$orderby", "createdDateTime", "$count", "true", NULL};
    assert_int_equal(options(&q, created, &e), 0);
    assert_int_equal(atrium_odata_request_finish(&q, false, false, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_request_finish(&q, true, false, &e), 0);
    atrium_odata_request_release(&q);

    const char *const search[] = {"$search", "\"displayName:ada\"", NULL};
    assert_int_equal(options(&q, search, &e), 0);
    assert_int_equal(atrium_odata_request_finish(&q, false, false, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "ConsistencyLevel: eventual"));
    assert_true(q.unsupported);
    assert_int_equal(atrium_odata_request_finish(&q, true, false, &e), 0);
    atrium_odata_request_release(&q);

    /* $count=true without the header is ignored, as Graph does. */
    const char *const count[] = {"$count", "true", NULL};
    assert_int_equal(options(&q, count, &e), 0);
    assert_int_equal(atrium_odata_request_finish(&q, false, false, &e), 0);
    assert_false(q.count);
    atrium_odata_request_release(&q);
}

static void test_search(void **state)
{
    struct atrium_qnode *n = NULL;
    struct atrium_errinfo e = {0};
    struct atrium_buf b;
    atrium_buf_init(&b, 4096);
    assert_int_equal(atrium_odata_search_parse("\"displayName:ada lo\" OR \"mail:x\"", res, &n, &e),
                     0);
    assert_int_equal(atrium_qnode_print(n, &b), 0);
    assert_string_equal(b.buf, "(or(and(search p2 s3:ada)(search p2 s2:lo))(search p5 s1:x))");
    atrium_qnode_free(n);
    atrium_buf_release(&b);
    assert_int_equal(atrium_odata_search_parse("displayName:ada", res, &n, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_search_parse("\"displayName:ada", res, &n, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_search_parse("\"accountEnabled:true\"", res, &n, &e),
                     ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "not supported in $search"));
    assert_int_equal(atrium_odata_search_parse("\"displayName:\"", res, &n, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_search_parse("\"displayName:a\" XOR \"mail:b\"", res, &n, &e),
                     ATRIUM_EINVAL);
}

static void test_options(void **state)
{
    struct atrium_odata_request q;
    struct atrium_errinfo e = {0};
    const char *const top0[] = {"$top", "0", NULL};
    assert_int_equal(options(&q, top0, &e), ATRIUM_EINVAL);
    atrium_odata_request_release(&q);
    const char *const topabc[] = {"$top", "abc", NULL};
    assert_int_equal(options(&q, topabc, &e), ATRIUM_EINVAL);
    atrium_odata_request_release(&q);
    const char *const top999[] = {"$top", "999", "$select", "displayName, id,mail", NULL};
    assert_int_equal(options(&q, top999, &e), 0);
    assert_int_equal(q.top, 999);
    assert_int_equal(q.select_count, 3);
    assert_string_equal(q.select[0]->name, "displayName");
    atrium_odata_request_release(&q);
    const char *const sel[] = {"$select", "displayName,shoeSize", NULL};
    assert_int_equal(options(&q, sel, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "'shoeSize'"));
    atrium_odata_request_release(&q);
    const char *const skip[] = {"$skip", "10", NULL};
    assert_int_equal(options(&q, skip, &e), ATRIUM_EINVAL);
    atrium_odata_request_release(&q);
    const char *const expand[] = {"$expand", "manager", NULL};
    assert_int_equal(options(&q, expand, &e), ATRIUM_EINVAL);
    assert_true(q.unsupported);
    atrium_odata_request_release(&q);
    const char *const twice[] = {"$filter", "mail eq 'a'", "$FILTER", "mail eq 'b'", NULL};
    assert_int_equal(options(&q, twice, &e), ATRIUM_EINVAL);
    atrium_odata_request_release(&q);
    const char *const orders[] = {"$orderby", "displayName,userPrincipalName", NULL};
    assert_int_equal(options(&q, orders, &e), ATRIUM_EINVAL);
    atrium_odata_request_release(&q);
    const char *const bad_dir[] = {"$orderby", "displayName sideways", NULL};
    assert_int_equal(options(&q, bad_dir, &e), ATRIUM_EINVAL);
    atrium_odata_request_release(&q);
    const char *const not_sortable[] = {"$orderby", "mail", NULL};
    assert_int_equal(options(&q, not_sortable, &e), ATRIUM_EINVAL);
    assert_true(q.unsupported);
    atrium_odata_request_release(&q);
    const char *const other[] = {"api-version", "1", NULL};
    assert_int_equal(options(&q, other, &e), 0);
    atrium_odata_request_release(&q);
}

static void test_datetime(void **state)
{
    int64_t t = 0;
    assert_int_equal(atrium_odata_parse_datetime("1970-01-01T00:00:00Z", 20, &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(atrium_odata_parse_datetime("2024-02-29T12:00:00-02:00", 25, &t), 0);
    assert_int_equal(t, 1709215200);
    assert_int_equal(atrium_odata_parse_datetime("2023-02-29T12:00:00Z", 20, &t), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_parse_datetime("2024-01-01", 10, &t), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_parse_datetime("2024-01-01T00:00:00", 19, &t), ATRIUM_EINVAL);
    assert_int_equal(atrium_odata_parse_datetime("2024-13-01T00:00:00Z", 20, &t), ATRIUM_EINVAL);
}

/* A request with a filter, ready for tokens. */
static void with_filter(struct atrium_odata_request *q, const char *filter)
{
    struct atrium_errinfo e = {0};
    const char *const kv[] = {"$filter", filter, NULL};
    assert_int_equal(options(q, kv, &e), 0);
}

static void test_skiptoken(void **state)
{
    struct atrium_mac_key *key = atrium_mac_key_random();
    struct atrium_odata_request q, q2;
    struct atrium_qcursor c = {.set = true, .has_text = true, .text = "Ada Lovelace"};
    struct atrium_qcursor got = {0};
    struct atrium_errinfo e = {0};
    const char *ta = "11111111-1111-4111-8111-111111111111";
    const char *tb = "22222222-2222-4222-8222-222222222222";
    snprintf(c.id, sizeof(c.id), "%s", "33333333-3333-4333-8333-333333333333");
    with_filter(&q, "startswith(displayName,'A')");
    char *token = NULL;
    assert_int_equal(atrium_odata_token_encode(key, ta, "users", &q, &c, &token), 0);
    q.skiptoken = xstrdup(token);
    assert_int_equal(atrium_odata_token_decode(key, ta, "users", &q, &got, &e), 0);
    assert_true(got.set && got.has_text);
    assert_string_equal(got.text, "Ada Lovelace");
    assert_string_equal(got.id, c.id);
    atrium_qcursor_release(&got);

    /* Another tenant, another listing, a tampered token, another key: refused. */
    assert_int_equal(atrium_odata_token_decode(key, tb, "users", &q, &got, &e), ATRIUM_EINVAL);
    assert_string_equal(e.message, "The $skiptoken is invalid.");
    assert_int_equal(atrium_odata_token_decode(key, ta, "deleted", &q, &got, &e), ATRIUM_EINVAL);
    for (size_t i = 0; token[i]; i += 7) {
        char saved = q.skiptoken[i];
        q.skiptoken[i] = saved == 'A' ? 'B' : 'A';
        assert_int_equal(atrium_odata_token_decode(key, ta, "users", &q, &got, &e), ATRIUM_EINVAL);
        q.skiptoken[i] = saved;
    }
    struct atrium_mac_key *other = atrium_mac_key_random();
    assert_int_equal(atrium_odata_token_decode(other, ta, "users", &q, &got, &e), ATRIUM_EINVAL);
    atrium_mac_key_free(other);

    /* The same filter spelled differently keeps the token; another filter does not. */
    with_filter(&q2, "  startsWith(displayName , 'A')  ");
    q2.skiptoken = xstrdup(token);
    assert_int_equal(atrium_odata_token_decode(key, ta, "users", &q2, &got, &e), 0);
    atrium_qcursor_release(&got);
    atrium_odata_request_release(&q2);
    with_filter(&q2, "startswith(displayName,'B')");
    q2.skiptoken = xstrdup(token);
    assert_int_equal(atrium_odata_token_decode(key, ta, "users", &q2, &got, &e), ATRIUM_EINVAL);
    atrium_odata_request_release(&q2);
    with_filter(&q2, "startswith(displayName,'A')");
    q2.order.prop = 2;
    q2.skiptoken = xstrdup(token);
    assert_int_equal(atrium_odata_token_decode(key, ta, "users", &q2, &got, &e), ATRIUM_EINVAL);
    atrium_odata_request_release(&q2);

    free(q.skiptoken);
    q.skiptoken = xstrdup("not-a-token");
    assert_int_equal(atrium_odata_token_decode(key, ta, "users", &q, &got, &e), ATRIUM_EINVAL);
    atrium_odata_request_release(&q);
    free(token);
    atrium_mac_key_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operators),      cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_strings),        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_refusals),       cmocka_unit_test(test_advanced_markers),
        cmocka_unit_test(test_advanced_rules), cmocka_unit_test(test_search),
        cmocka_unit_test(test_options),        cmocka_unit_test(test_datetime),
        cmocka_unit_test(test_skiptoken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
