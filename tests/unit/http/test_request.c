/* SPDX-License-Identifier: MIT */
/*
 * Request parsing helpers without a server: urlencoded forms and query
 * strings, cookies, Content-Type checks, Authorization (Bearer, Basic),
 * tenant slot and deferred cleanups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "http/cookie.h"
#include "http/form.h"
#include "http/request.h"

static const struct atrium_form_limits lim = ATRIUM_FORM_LIMITS_DEFAULT;

static int parse(const char *s, struct atrium_kv_list *l)
{
    struct atrium_errinfo e;
    return atrium_form_parse(s, strlen(s), &lim, "form body", l, &e);
}

static void test_form_parse(void **state)
{
    struct atrium_kv_list l;
    assert_int_equal(parse("a=1&b=x+y&c&d=%41%42&&e=&f=%E2%82%AC", &l), 0);
    assert_int_equal(l.count, 6);
    assert_string_equal(atrium_kv_get(&l, "a"), "1");
    assert_string_equal(atrium_kv_get(&l, "b"), "x y");
    assert_string_equal(atrium_kv_get(&l, "c"), "");
    assert_string_equal(atrium_kv_get(&l, "d"), "AB");
    assert_string_equal(atrium_kv_get(&l, "e"), "");
    assert_string_equal(atrium_kv_get(&l, "f"), "\xE2\x82\xAC");
    assert_null(atrium_kv_get(&l, "g"));
    atrium_kv_list_release(&l);

    assert_int_equal(parse("scope=a&scope=b", &l), 0);
    assert_int_equal(atrium_kv_count(&l, "scope"), 2);
    atrium_kv_list_release(&l);

    assert_int_equal(parse("", &l), 0);
    assert_int_equal(l.count, 0);
    atrium_kv_list_release(&l);
}

static void test_form_rejects(void **state)
{
    struct atrium_kv_list l;
    const char *bad[] = {"=x",     "a=%zz", "a=%4",  "a=%",      "a=%00",
                         "a%00=1", "a=%FF", "a=%0A", "a=%C0%80", "%=1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse(bad[i], &l), ATRIUM_EINVAL);
        assert_int_equal(l.count, 0);
        assert_null(l.owned);
    }
    struct atrium_errinfo e;
    assert_int_equal(atrium_form_parse("a=1\0b=2", 7, &lim, "form body", &l, &e), ATRIUM_EINVAL);

    char many[2048] = "";
    for (int i = 0; i <= 64; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "k%d=v&", i);
    assert_int_equal(parse(many, &l), ATRIUM_EINVAL);

    struct atrium_form_limits small = {.max_fields = 4, .max_name_len = 4, .max_value_len = 8};
    assert_int_equal(atrium_form_parse("name=x", 6, &small, "q", &l, &e), 0);
    atrium_kv_list_release(&l);
    assert_int_equal(atrium_form_parse("names=x", 7, &small, "q", &l, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_form_parse("a=123456789", 11, &small, "q", &l, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "a");
}

static void test_url_decode(void **state)
{
    char buf[32];
    size_t n;
    assert_int_equal(atrium_url_decode("a%2Fb+c", 7, false, buf, &n), 0);
    assert_string_equal(buf, "a/b+c");
    assert_int_equal(n, 5);
    assert_int_equal(atrium_url_decode("a%2fb+c", 7, true, buf, &n), 0);
    assert_string_equal(buf, "a/b c");
    char inplace[] = "%41%42%43";
    assert_int_equal(atrium_url_decode(inplace, strlen(inplace), false, inplace, &n), 0);
    assert_string_equal(inplace, "ABC");
    assert_int_equal(atrium_url_decode("%4", 2, false, buf, &n), ATRIUM_EINVAL);
    assert_int_equal(atrium_url_decode("%g1", 3, false, buf, &n), ATRIUM_EINVAL);
}

static void test_query(void **state)
{
    struct atrium_req rq;
    atrium_req_init(&rq, NULL);
    rq.query = "prefix=contoso&x=1&x=2&%24top=5";
    const char *v;
    assert_int_equal(atrium_req_query(&rq, "prefix", &v), 0);
    assert_string_equal(v, "contoso");
    assert_int_equal(atrium_req_query(&rq, "$top", &v), 0);
    assert_string_equal(v, "5");
    assert_int_equal(atrium_req_query(&rq, "missing", &v), 0);
    assert_null(v);
    assert_int_equal(atrium_req_query(&rq, "x", &v), ATRIUM_EINVAL);
    assert_string_equal(rq.err.field, "x");
    atrium_req_release(&rq);

    atrium_req_init(&rq, NULL);
    rq.query = "a=%ZZ";
    assert_int_equal(atrium_req_query(&rq, "a", &v), ATRIUM_EINVAL);
    atrium_err_clear(&rq.err);
    assert_int_equal(atrium_req_query(&rq, "b", &v), ATRIUM_EINVAL); /* remembered */
    assert_int_equal(rq.err.code, ATRIUM_EINVAL);
    atrium_req_release(&rq);
}

static void test_cookies(void **state)
{
    struct atrium_req rq;
    atrium_req_init(&rq, NULL);
    atrium_kv_list_add(&rq.headers, "cookie", "a=1; b=\"2\";bad; =x; c = 3 ;a=dup");
    atrium_kv_list_add(&rq.headers, "Cookie", "d=4");
    assert_string_equal(atrium_req_cookie(&rq, "a"), "1");
    assert_string_equal(atrium_req_cookie(&rq, "b"), "2");
    assert_string_equal(atrium_req_cookie(&rq, "c"), "3");
    assert_string_equal(atrium_req_cookie(&rq, "d"), "4");
    assert_null(atrium_req_cookie(&rq, "bad"));
    assert_null(atrium_req_cookie(&rq, ""));
    atrium_req_release(&rq);

    struct atrium_kv_list l;
    atrium_kv_list_init(&l);
    char many[4096] = "";
    for (int i = 0; i < 200; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "c%d=v; ", i);
    atrium_cookie_parse(many, ATRIUM_COOKIES_MAX, &l);
    assert_int_equal(l.count, ATRIUM_COOKIES_MAX);
    atrium_kv_list_release(&l);
}

static void test_content_type(void **state)
{
    struct atrium_req rq;
    atrium_req_init(&rq, NULL);
    assert_false(atrium_req_content_type_is(&rq, "application/json"));
    assert_int_equal(atrium_req_require_json(&rq), ATRIUM_EUNSUPPORTED);
    assert_string_equal(rq.err.field, "Content-Type");
    atrium_kv_list_add(&rq.headers, "Content-Type", "Application/JSON ; charset=utf-8");
    assert_true(atrium_req_content_type_is(&rq, "application/json"));
    assert_int_equal(atrium_req_require_json(&rq), 0);
    atrium_req_release(&rq);

    atrium_req_init(&rq, NULL);
    atrium_kv_list_add(&rq.headers, "content-type", "application/jsonx");
    assert_false(atrium_req_content_type_is(&rq, "application/json"));
    atrium_req_release(&rq);
}

static void test_form_body(void **state)
{
    struct atrium_req rq;
    atrium_req_init(&rq, NULL);
    rq.body = "grant_type=client_credentials&scope=a+b&scope=c";
    rq.body_len = strlen(rq.body);
    const char *v;
    assert_int_equal(atrium_req_form_value(&rq, "grant_type", &v), ATRIUM_EUNSUPPORTED);
    atrium_kv_list_add(&rq.headers, "Content-Type", "application/x-www-form-urlencoded");
    assert_int_equal(atrium_req_form_value(&rq, "grant_type", &v), 0);
    assert_string_equal(v, "client_credentials");
    assert_int_equal(atrium_req_form_value(&rq, "scope", &v), ATRIUM_EINVAL);
    assert_string_equal(rq.err.field, "scope");
    const struct atrium_kv_list *l;
    assert_int_equal(atrium_req_form(&rq, &l), 0);
    assert_int_equal(l->count, 3);
    atrium_req_release(&rq);
}

static void test_bearer(void **state)
{
    struct atrium_req rq;
    const char *tok;
    atrium_req_init(&rq, NULL);
    assert_int_equal(atrium_req_bearer(&rq, &tok), 0);
    assert_null(tok);
    atrium_kv_list_add(&rq.headers, "Authorization", "bearer eyJ.abc-_~+/.sig==");
    assert_int_equal(atrium_req_bearer(&rq, &tok), 0);
    assert_string_equal(tok, "eyJ.abc-_~+/.sig==");
    atrium_req_release(&rq);

    const char *bad[] = {"Bearer",     "Bearer ",   "Bearer a b",
                         "Bearer a=b", "Bearer ==", "Bearer a\""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        atrium_req_init(&rq, NULL);
        atrium_kv_list_add(&rq.headers, "Authorization", bad[i]);
        assert_int_equal(atrium_req_bearer(&rq, &tok), ATRIUM_EAUTH);
        atrium_req_release(&rq);
    }
    atrium_req_init(&rq, NULL);
    atrium_kv_list_add(&rq.headers, "Authorization", "Basic YTpi");
    assert_int_equal(atrium_req_bearer(&rq, &tok), 0);
    assert_null(tok);
    atrium_req_release(&rq);
    atrium_req_init(&rq, NULL);
    atrium_kv_list_add(&rq.headers, "Authorization", "Bearerx abc");
    assert_int_equal(atrium_req_bearer(&rq, &tok), 0);
    assert_null(tok);
    atrium_req_release(&rq);
}

static int basic(const char *header, const char **u, const char **p)
{
    struct atrium_req rq;
    atrium_req_init(&rq, NULL);
    atrium_kv_list_add(&rq.headers, "Authorization", header);
    int r = atrium_req_basic(&rq, u, p);
    static char ubuf[64], pbuf[64];
    if (r == 0 && *u) {
        snprintf(ubuf, sizeof(ubuf), "%s", *u);
        snprintf(pbuf, sizeof(pbuf), "%s", *p);
        *u = ubuf;
        *p = pbuf;
    }
    atrium_req_release(&rq);
    return r;
}

static void test_basic(void **state)
{
    const char *u, *p;
    /* base64("my%20client:s%3Acret") */
    assert_int_equal(basic("Basic bXklMjBjbGllbnQ6cyUzQWNyZXQ=", &u, &p), 0);
    assert_string_equal(u, "my client");
    assert_string_equal(p, "s:cret");
    /* base64("app:") -> empty secret; base64("a:b") */
    assert_int_equal(basic("basic YXBwOg==", &u, &p), 0);
    assert_string_equal(u, "app");
    assert_string_equal(p, "");
    assert_int_equal(basic("Basic YTpi", &u, &p), 0);
    assert_string_equal(u, "a");
    assert_string_equal(p, "b");
    assert_int_equal(basic("Bearer YTpi", &u, &p), 0);
    assert_null(u);
    const char *bad[] = {"Basic",      "Basic YWJj",     "Basic YTpi=",  "Basic Y*pi",
                         "Basic YQ=a", "Basic YQ==YTpi", "Basic YTolzz", "Basic YQBiOmM="};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(basic(bad[i], &u, &p), ATRIUM_EAUTH);
}

static int defer_calls;
static void count_defer(void *p)
{
    defer_calls += *(int *)p;
}

static void test_misc(void **state)
{
    struct atrium_req rq;
    atrium_req_init(&rq, NULL);
    assert_true(atrium_uuid_is_valid(rq.request_id));
    atrium_req_set_tenant(&rq, "contoso.example");
    assert_string_equal(rq.tenant_id, "");
    atrium_req_set_tenant(&rq, "0b9a2d4e-1c3f-4a5b-8c7d-9e0f1a2b3c4d");
    assert_string_equal(rq.tenant_id, "0b9a2d4e-1c3f-4a5b-8c7d-9e0f1a2b3c4d");
    static int one = 1, ten = 10;
    atrium_req_defer(&rq, count_defer, &one);
    atrium_req_defer(&rq, count_defer, &ten);
    atrium_kv_list_add(&rq.headers, "X-Case", "v");
    assert_string_equal(atrium_req_header(&rq, "x-case"), "v");
    assert_null(atrium_req_param(&rq, "id"));
    struct atrium_store *s;
    assert_int_equal(atrium_req_store(&rq, &s), ATRIUM_EBUSY);
    atrium_req_release(&rq);
    assert_int_equal(defer_calls, 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_parse), cmocka_unit_test(test_form_rejects),
        cmocka_unit_test(test_url_decode), cmocka_unit_test(test_query),
        cmocka_unit_test(test_cookies),    cmocka_unit_test(test_content_type),
        cmocka_unit_test(test_form_body),  cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_basic),      cmocka_unit_test(test_misc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
