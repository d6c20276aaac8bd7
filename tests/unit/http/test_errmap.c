/* SPDX-License-Identifier: MIT */
/*
 * Error mapping and rendering: every ATRIUM_E* code has a row, and the Graph
 * envelope carries code, message, target, innerError date and request ids;
 * internal detail never reaches the client. Also the response helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/err.h"
#include "core/rand.h"
#include "http/errmap.h"
#include "http/request.h"
#include "http/response.h"

struct expect {
    int code;
    unsigned status;
    const char *graph_code;
    const char *oauth_error;
};

static const struct expect expected[] = {
    {ATRIUM_EINVAL, 400, "Request_BadRequest", "invalid_request"},
    {ATRIUM_ENOTFOUND, 404, "Request_ResourceNotFound", "invalid_request"},
    {ATRIUM_ECONFLICT, 409, "Request_MultipleObjectsWithSameKeyValue", "invalid_request"},
    {ATRIUM_EAUTH, 401, "InvalidAuthenticationToken", "invalid_client"},
    {ATRIUM_EFORBIDDEN, 403, "Authorization_RequestDenied", "unauthorized_client"},
    {ATRIUM_ETOOBIG, 413, "Request_EntityTooLarge", "invalid_request"},
    {ATRIUM_ESTORE, 500, "InternalServerError", "server_error"},
    {ATRIUM_ECRYPTO, 500, "InternalServerError", "server_error"},
    {ATRIUM_EINTERNAL, 500, "InternalServerError", "server_error"},
    {ATRIUM_EBUSY, 503, "ServiceUnavailable", "temporarily_unavailable"},
    {ATRIUM_ERATE, 429, "TooManyRequests", "temporarily_unavailable"},
    {ATRIUM_EIO, 500, "InternalServerError", "server_error"},
    {ATRIUM_EUNSUPPORTED, 415, "UnsupportedMediaType", "invalid_request"},
    {-999, 500, "InternalServerError", "server_error"},
    {ATRIUM_OK, 500, "InternalServerError", "server_error"},
};

static void test_every_code_maps(void **state)
{
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        const struct atrium_errmap_entry *m = atrium_errmap_get(expected[i].code);
        assert_non_null(m);
        assert_int_equal(m->status, expected[i].status);
        assert_string_equal(m->graph_code, expected[i].graph_code);
        assert_string_equal(m->oauth_error, expected[i].oauth_error);
        assert_non_null(m->default_message);
        assert_true(m->oauth_status >= 400);
        assert_int_equal(m->public_message, m->status < 500 || m->status == 503);
    }
    /* Every code of the enum is in the table (none falls to the default row by accident). */
    for (int c = ATRIUM_EUNSUPPORTED; c <= ATRIUM_EINVAL; c++)
        assert_int_equal(atrium_errmap_get(c)->code, c);
}

/* Render code/e into a fresh response; returns the parsed body. */
static json_t *render(struct atrium_req *rq, struct atrium_resp *rs, int code,
                      const struct atrium_errinfo *e)
{
    atrium_resp_init(rs);
    assert_int_equal(atrium_resp_error(rs, rq, code, e), 0);
    assert_string_equal(rs->content_type, "application/json; charset=utf-8");
    json_error_t jerr;
    json_t *doc = json_loadb(rs->body.buf, rs->body.len, 0, &jerr);
    assert_non_null(doc);
    return doc;
}

static void test_envelope_shape(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    strcpy(rq.client_request_id, "4c1c5d2e-0000-4000-8000-000000000001");
    struct atrium_errinfo e;
    atrium_err(&e, ATRIUM_EINVAL, "displayName", "Property 'displayName' is required.");
    json_t *doc = render(&rq, &rs, ATRIUM_EINVAL, &e);
    assert_int_equal(rs.status, 400);
    json_t *err = json_object_get(doc, "error");
    assert_int_equal(json_object_size(doc), 1);
    assert_string_equal(json_string_value(json_object_get(err, "code")), "Request_BadRequest");
    assert_string_equal(json_string_value(json_object_get(err, "message")),
                        "Property 'displayName' is required.");
    assert_string_equal(json_string_value(json_object_get(err, "target")), "displayName");
    json_t *inner = json_object_get(err, "innerError");
    assert_non_null(inner);
    const char *date = json_string_value(json_object_get(inner, "date"));
    /* Graph's form: 2021-04-20T17:22:30, no 'Z'. */
    assert_int_equal(strlen(date), 19);
    assert_int_equal(date[4], '-');
    assert_int_equal(date[10], 'T');
    assert_int_equal(date[16], ':');
    const char *rid = json_string_value(json_object_get(inner, "request-id"));
    assert_string_equal(rid, rq.request_id);
    assert_true(atrium_uuid_is_valid(rid));
    assert_string_equal(json_string_value(json_object_get(inner, "client-request-id")),
                        rq.client_request_id);
    assert_null(atrium_resp_header_get(&rs, "Retry-After"));
    json_decref(doc);
    atrium_resp_release(&rs);
    atrium_req_release(&rq);
}

static void test_no_target_no_client_id(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    json_t *doc = render(&rq, &rs, ATRIUM_ENOTFOUND, NULL);
    assert_int_equal(rs.status, 404);
    json_t *err = json_object_get(doc, "error");
    assert_null(json_object_get(err, "target"));
    assert_string_equal(json_string_value(json_object_get(err, "message")),
                        atrium_errmap_get(ATRIUM_ENOTFOUND)->default_message);
    assert_null(json_object_get(json_object_get(err, "innerError"), "client-request-id"));
    json_decref(doc);
    atrium_resp_release(&rs);
    atrium_req_release(&rq);
}

static void test_internal_detail_hidden(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    struct atrium_errinfo e;
    atrium_err(&e, ATRIUM_ESTORE, "password_hash", "SQLITE_CORRUPT in users table");
    json_t *doc = render(&rq, &rs, ATRIUM_ESTORE, &e);
    assert_int_equal(rs.status, 500);
    assert_null(strstr(rs.body.buf, "SQLITE"));
    assert_null(strstr(rs.body.buf, "password_hash"));
    json_t *err = json_object_get(doc, "error");
    assert_string_equal(json_string_value(json_object_get(err, "code")), "InternalServerError");
    assert_null(json_object_get(err, "target"));
    json_decref(doc);
    atrium_resp_release(&rs);
    atrium_req_release(&rq);
}

static void test_mismatched_errinfo_ignored(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    struct atrium_errinfo e;
    atrium_err(&e, ATRIUM_EINVAL, "x", "stale message from an earlier failure");
    json_t *doc = render(&rq, &rs, ATRIUM_ECONFLICT, &e);
    assert_int_equal(rs.status, 409);
    assert_null(strstr(rs.body.buf, "stale"));
    json_decref(doc);
    atrium_resp_release(&rs);
    atrium_req_release(&rq);
}

static void test_retry_after(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    json_t *doc = render(&rq, &rs, ATRIUM_ERATE, NULL);
    assert_int_equal(rs.status, 429);
    assert_string_equal(atrium_resp_header_get(&rs, "retry-after"), "60");
    json_decref(doc);
    atrium_resp_release(&rs);

    atrium_resp_init(&rs);
    rs.retry_after = 17;
    assert_int_equal(atrium_resp_error(&rs, &rq, ATRIUM_ERATE, NULL), 0);
    assert_string_equal(atrium_resp_header_get(&rs, "Retry-After"), "17");
    atrium_resp_release(&rs);

    doc = render(&rq, &rs, ATRIUM_EBUSY, NULL);
    assert_int_equal(rs.status, 503);
    assert_string_equal(atrium_resp_header_get(&rs, "Retry-After"), "5");
    json_decref(doc);
    atrium_resp_release(&rs);
    atrium_req_release(&rq);
}

static void test_message_sanitized(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    struct atrium_errinfo e;
    atrium_err(&e, ATRIUM_EINVAL, "", "bad \xFF\xFE input\n near '\x01'");
    json_t *doc = render(&rq, &rs, ATRIUM_EINVAL, &e);
    const char *msg = json_string_value(json_object_get(json_object_get(doc, "error"), "message"));
    assert_string_equal(msg, "bad ?? input? near '?'");
    json_decref(doc);
    atrium_resp_release(&rs);
    atrium_req_release(&rq);
}

static void test_resp_helpers(void **state)
{
    struct atrium_resp rs;
    atrium_resp_init(&rs);
    assert_int_equal(atrium_resp_header(&rs, "X-Test", "a\r\nSet-Cookie: x=1"), ATRIUM_EINVAL);
    assert_int_equal(atrium_resp_header(&rs, "Bad Name", "v"), ATRIUM_EINVAL);
    assert_int_equal(atrium_resp_header(&rs, "", "v"), ATRIUM_EINVAL);
    assert_int_equal(atrium_resp_header(&rs, "X-Test", "ok value"), 0);
    assert_string_equal(atrium_resp_header_get(&rs, "x-test"), "ok value");
    assert_int_equal(atrium_resp_redirect(&rs, 307, "/x"), ATRIUM_EINVAL);
    assert_int_equal(atrium_resp_redirect(&rs, 302, "/x\r\nX: y"), ATRIUM_EINVAL);
    assert_int_equal(atrium_resp_redirect(&rs, 303, "https://app.example/cb?code=1"), 0);
    assert_int_equal(rs.status, 303);
    assert_string_equal(atrium_resp_header_get(&rs, "Location"), "https://app.example/cb?code=1");

    assert_int_equal(atrium_resp_set_cookie(&rs, "__Host-s", "abc", -1, 0), 0);
    assert_string_equal(atrium_resp_header_get(&rs, "Set-Cookie"),
                        "__Host-s=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
    assert_int_equal(atrium_resp_set_cookie(&rs, "a", "b;c", 10, 0), ATRIUM_EINVAL);
    atrium_resp_reset(&rs);
    assert_int_equal(
        atrium_resp_set_cookie(&rs, "csrf", "t0k", 0,
                               ATRIUM_COOKIE_SAMESITE_STRICT | ATRIUM_COOKIE_SCRIPT_VISIBLE),
        0);
    assert_string_equal(atrium_resp_header_get(&rs, "Set-Cookie"),
                        "csrf=t0k; Path=/; Secure; SameSite=Strict; Max-Age=0");

    assert_int_equal(atrium_resp_html(&rs, 200, "<p>hi</p>", 9), 0);
    assert_string_equal(rs.content_type, "text/html; charset=utf-8");
    assert_string_equal(rs.body.buf, "<p>hi</p>");
    assert_non_null(
        strstr(atrium_resp_header_get(&rs, "Content-Security-Policy"), "frame-ancestors 'none'"));
    assert_string_equal(atrium_resp_header_get(&rs, "X-Frame-Options"), "DENY");

    assert_int_equal(atrium_resp_json(&rs, 201, json_pack("{s:i}", "a", 1)), 0);
    assert_int_equal(rs.status, 201);
    assert_string_equal(rs.body.buf, "{\"a\":1}");
    assert_int_equal(atrium_resp_json(&rs, 200, NULL), ATRIUM_EINTERNAL);
    atrium_resp_release(&rs);
}

static void test_header_limit(void **state)
{
    struct atrium_resp rs;
    atrium_resp_init(&rs);
    for (int i = 0; i < ATRIUM_RESP_HEADERS_MAX; i++)
        assert_int_equal(atrium_resp_header(&rs, "X-N", "v"), 0);
    assert_int_equal(atrium_resp_header(&rs, "X-N", "v"), ATRIUM_ETOOBIG);
    atrium_resp_release(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_maps),
        cmocka_unit_test(test_envelope_shape),
        cmocka_unit_test(test_no_target_no_client_id),
        cmocka_unit_test(test_internal_detail_hidden),
        cmocka_unit_test(test_mismatched_errinfo_ignored),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_message_sanitized),
        cmocka_unit_test(test_resp_helpers),
        cmocka_unit_test(test_header_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
