/* SPDX-License-Identifier: MIT */
/*
 * Anti-forgery for the hosted pages: the double-submit comparison (missing,
 * malformed, mismatched values are refused), the Origin check, the check on
 * a request (cookie header + posted field), and the attributes of the
 * cookies the pages set (CSRF and single sign-on).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "http/csrf.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "http/signin_flow.h"

#define TOKEN_A "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define TOKEN_B "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"

static void test_equal(void **state)
{
    assert_true(atrium_csrf_equal(TOKEN_A, TOKEN_A));
    assert_false(atrium_csrf_equal(TOKEN_A, TOKEN_B));
    assert_false(atrium_csrf_equal(NULL, TOKEN_A));
    assert_false(atrium_csrf_equal(TOKEN_A, NULL));
    assert_false(atrium_csrf_equal(NULL, NULL));
    assert_false(atrium_csrf_equal("", ""));
    assert_false(atrium_csrf_equal("short", "short"));
    assert_false(atrium_csrf_equal(TOKEN_A "A", TOKEN_A "A")); /* too long */
    /* Outside the base64url alphabet, even when equal. */
    const char *odd = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    assert_false(atrium_csrf_equal(odd, odd));
}

static void test_origin(void **state)
{
    const char *pub = "https://localhost:8443";
    assert_true(atrium_csrf_origin_ok(NULL, pub, "localhost:8443", true));
    assert_true(atrium_csrf_origin_ok("https://localhost:8443", pub, "evil", true));
    assert_true(atrium_csrf_origin_ok("HTTPS://LOCALHOST:8443", pub, NULL, true));
    /* Same origin as the Host the browser used (public URL configured differently). */
    assert_true(atrium_csrf_origin_ok("https://127.0.0.1:9000", pub, "127.0.0.1:9000", true));
    assert_true(atrium_csrf_origin_ok("http://127.0.0.1:9000", NULL, "127.0.0.1:9000", false));
    assert_false(atrium_csrf_origin_ok("http://127.0.0.1:9000", NULL, "127.0.0.1:9000", true));
    assert_false(atrium_csrf_origin_ok("https://evil.example", pub, "localhost:8443", true));
    assert_false(atrium_csrf_origin_ok("https://localhost:8443.evil.example", pub, "x", true));
    /* "null" (a no-referrer page's POST) carries no information: the token decides. */
    assert_true(atrium_csrf_origin_ok("null", pub, "localhost:8443", true));
    assert_false(atrium_csrf_origin_ok("", pub, "localhost:8443", true));
    assert_false(
        atrium_csrf_origin_ok("https://evil@localhost:8443", NULL, "evil@localhost:8443", true));
}

/* A POST with the given Cookie and Origin headers, checked against field. */
static int check(const char *cookie, const char *origin, const char *field)
{
    struct atrium_app app = {.public_url = "https://localhost:8443"};
    struct atrium_req rq;
    atrium_req_init(&rq, &app);
    rq.tls = true;
    rq.method = "POST";
    atrium_kv_list_add(&rq.headers, "Host", "localhost:8443");
    if (cookie)
        atrium_kv_list_add(&rq.headers, "Cookie", cookie);
    if (origin)
        atrium_kv_list_add(&rq.headers, "Origin", origin);
    int r = atrium_csrf_check(&rq, field);
    if (r < 0)
        assert_int_equal(rq.err.code, ATRIUM_EFORBIDDEN);
    atrium_req_release(&rq);
    return r;
}

static void test_check_request(void **state)
{
    const char *good = "a=1; " ATRIUM_CSRF_COOKIE "=" TOKEN_A "; b=2";
    assert_int_equal(check(good, NULL, TOKEN_A), 0);
    assert_int_equal(check(good, "https://localhost:8443", TOKEN_A), 0);
    /* Mismatch, missing field, missing cookie, cookie under another name. */
    assert_int_equal(check(good, NULL, TOKEN_B), ATRIUM_EFORBIDDEN);
    assert_int_equal(check(good, NULL, NULL), ATRIUM_EFORBIDDEN);
    assert_int_equal(check(NULL, NULL, TOKEN_A), ATRIUM_EFORBIDDEN);
    assert_int_equal(check("atrium_csrf=" TOKEN_A, NULL, TOKEN_A), ATRIUM_EFORBIDDEN);
    /* A cross-site POST fails even with matching values. */
    assert_int_equal(check(good, "https://evil.example", TOKEN_A), ATRIUM_EFORBIDDEN);
    assert_int_equal(check(good, "null", TOKEN_A), 0);
    assert_int_equal(check(good, "null", TOKEN_B), ATRIUM_EFORBIDDEN);
}

static void test_token_reuse_and_fresh(void **state)
{
    struct atrium_req rq;
    char tok[ATRIUM_CSRF_LEN + 1];
    bool fresh = false;
    atrium_req_init(&rq, NULL);
    atrium_kv_list_add(&rq.headers, "Cookie", ATRIUM_CSRF_COOKIE "=" TOKEN_A);
    atrium_csrf_token(&rq, tok, &fresh);
    assert_false(fresh);
    assert_string_equal(tok, TOKEN_A);
    atrium_req_release(&rq);

    atrium_req_init(&rq, NULL);
    atrium_kv_list_add(&rq.headers, "Cookie", ATRIUM_CSRF_COOKIE "=bad");
    atrium_csrf_token(&rq, tok, &fresh);
    assert_true(fresh);
    assert_int_equal(strlen(tok), ATRIUM_CSRF_LEN);
    assert_true(atrium_csrf_equal(tok, tok));
    char tok2[ATRIUM_CSRF_LEN + 1];
    atrium_csrf_token(&rq, tok2, &fresh);
    assert_string_not_equal(tok, tok2); /* random */
    atrium_req_release(&rq);
}

static void test_cookie_attributes(void **state)
{
    struct atrium_resp rs;
    atrium_resp_init(&rs);
    assert_int_equal(atrium_csrf_set_cookie(&rs, TOKEN_A), 0);
    assert_string_equal(atrium_resp_header_get(&rs, "Set-Cookie"),
                        "__Host-atrium_csrf=" TOKEN_A "; Path=/; Secure; HttpOnly; SameSite=Lax");
    atrium_resp_release(&rs);

    char name[ATRIUM_SSO_COOKIE_NAME_MAX + 1];
    atrium_sso_cookie_name("8eaef023-2b34-4da1-9baa-8bc8c9d6a490", name);
    assert_string_equal(name, "__Host-atrium_sso_8eaef023-2b34-4da1-9baa-8bc8c9d6a490");
    atrium_resp_init(&rs);
    assert_int_equal(atrium_resp_set_cookie(&rs, name, "v", -1, 0), 0);
    const char *c = atrium_resp_header_get(&rs, "Set-Cookie");
    assert_non_null(strstr(c, "; HttpOnly"));
    assert_non_null(strstr(c, "; Secure"));
    assert_non_null(strstr(c, "; SameSite=Lax"));
    assert_non_null(strstr(c, "; Path=/"));
    assert_null(strstr(c, "Domain="));
    assert_null(strstr(c, "Max-Age")); /* a browser-session cookie */
    atrium_resp_release(&rs);
    /* Expiring it. */
    atrium_resp_init(&rs);
    assert_int_equal(atrium_resp_set_cookie(&rs, name, "", 0, 0), 0);
    assert_non_null(strstr(atrium_resp_header_get(&rs, "Set-Cookie"), "=; Path=/"));
    assert_non_null(strstr(atrium_resp_header_get(&rs, "Set-Cookie"), "Max-Age=0"));
    atrium_resp_release(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_origin),
        cmocka_unit_test(test_check_request),
        cmocka_unit_test(test_token_reuse_and_fresh),
        cmocka_unit_test(test_cookie_attributes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
