/* SPDX-License-Identifier: MIT */
/*
 * Entra-shaped OAuth errors: the JSON body (fields, numeric error_codes,
 * "\r\n"-separated description lines, timestamp format, trace and
 * correlation ids from the header or the query), cache and Retry-After
 * headers, and request-level failures rendered by route flag (OAuth JSON
 * or an HTML page with the request id).
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/err.h"
#include "http/entra_error.h"
#include "http/request.h"
#include "http/response.h"
#include "http/route_errors.h"

static void matches(const char *re, const char *s)
{
    regex_t r;
    assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
    int m = regexec(&r, s, 0, NULL, 0);
    regfree(&r);
    if (m != 0)
        fail_msg("'%s' does not match /%s/", s, re);
}

static json_t *render(struct atrium_req *rq, const struct atrium_oauth_error *e,
                      struct atrium_resp *rs)
{
    atrium_resp_init(rs);
    assert_int_equal(atrium_resp_oauth_error(rs, rq, e), 0);
    json_t *doc = json_loadb(rs->body.buf, rs->body.len, 0, NULL);
    assert_non_null(doc);
    return doc;
}

static void test_body_shape(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    struct atrium_oauth_error e = {.error = "invalid_grant", .aadsts = 50126, .status = 400};
    snprintf(e.description, sizeof(e.description), "Error validating credentials.");
    json_t *doc = render(&rq, &e, &rs);
    assert_int_equal(rs.status, 400);
    assert_string_equal(rs.content_type, "application/json; charset=utf-8");
    assert_string_equal(atrium_resp_header_get(&rs, "Cache-Control"), "no-store, no-cache");
    assert_string_equal(atrium_resp_header_get(&rs, "Pragma"), "no-cache");
    assert_null(atrium_resp_header_get(&rs, "Retry-After"));

    assert_string_equal(json_string_value(json_object_get(doc, "error")), "invalid_grant");
    json_t *codes = json_object_get(doc, "error_codes");
    assert_true(json_is_array(codes));
    assert_int_equal(json_array_size(codes), 1);
    assert_true(json_is_integer(json_array_get(codes, 0)));
    assert_int_equal(json_integer_value(json_array_get(codes, 0)), 50126);
    const char *ts = json_string_value(json_object_get(doc, "timestamp"));
    matches("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z$", ts);
    assert_string_equal(json_string_value(json_object_get(doc, "trace_id")), rq.request_id);
    /* No client-request-id: the correlation id is the request id. */
    assert_string_equal(json_string_value(json_object_get(doc, "correlation_id")), rq.request_id);
    assert_null(json_object_get(doc, "suberror"));

    const char *d = json_string_value(json_object_get(doc, "error_description"));
    char want[512];
    snprintf(want, sizeof(want),
             "AADSTS50126: Error validating credentials.\r\nTrace ID: %s\r\nCorrelation ID: "
             "%s\r\nTimestamp: %s",
             rq.request_id, rq.request_id, ts);
    assert_string_equal(d, want);
    json_decref(doc);
    atrium_resp_release(&rs);
    atrium_req_release(&rq);
}

static void test_correlation_and_suberror(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    rq.query = "client-request-id=3f2a-b&x=1";
    struct atrium_oauth_error e = {
        .error = "invalid_grant", .aadsts = 65001, .status = 400, .suberror = "consent_required"};
    snprintf(e.description, sizeof(e.description), "No consent.\r\nInjected: line");
    json_t *doc = render(&rq, &e, &rs);
    assert_string_equal(json_string_value(json_object_get(doc, "correlation_id")), "3f2a-b");
    assert_string_equal(rq.client_request_id, "3f2a-b"); /* echoed in the header too */
    assert_string_equal(json_string_value(json_object_get(doc, "suberror")), "consent_required");
    const char *d = json_string_value(json_object_get(doc, "error_description"));
    /* The service text cannot add lines of its own: exactly three separators. */
    size_t n = 0;
    for (const char *p = d; (p = strstr(p, "\r\n")); p += 2)
        n++;
    assert_int_equal(n, 3);
    assert_non_null(strstr(d, "Correlation ID: 3f2a-b\r\n"));
    json_decref(doc);
    atrium_resp_release(&rs);
    atrium_req_release(&rq);

    /* The header wins over the query; a malformed query value is ignored. */
    atrium_req_init(&rq, NULL);
    snprintf(rq.client_request_id, sizeof(rq.client_request_id), "from-header");
    rq.query = "client-request-id=from-query";
    assert_string_equal(atrium_entra_correlation(&rq), "from-header");
    atrium_req_release(&rq);
    atrium_req_init(&rq, NULL);
    rq.query = "client-request-id=bad%0Avalue";
    assert_string_equal(atrium_entra_correlation(&rq), rq.request_id);
    atrium_req_release(&rq);
    atrium_req_init(&rq, NULL);
    rq.query = "client-request-id=a&client-request-id=b";
    assert_string_equal(atrium_entra_correlation(&rq), rq.request_id);
    atrium_req_release(&rq);
}

static void test_default_codes(void **state)
{
    static const struct {
        const char *error;
        unsigned status;
        int code;
    } cases[] = {{"invalid_request", 400, 9002313},
                 {"invalid_client", 401, 7000215},
                 {"temporarily_unavailable", 429, 90055},
                 {"temporarily_unavailable", 503, 90033},
                 {"server_error", 500, 50000}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct atrium_oauth_error e = {.error = cases[i].error, .status = cases[i].status};
        assert_int_equal(atrium_entra_code(&e), cases[i].code);
    }
    struct atrium_oauth_error e = {.error = "x", .status = 400, .aadsts = 12345};
    assert_int_equal(atrium_entra_code(&e), 12345);
}

static void test_busy_retry_after(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    struct atrium_oauth_error e = {.error = "temporarily_unavailable", .status = 503};
    json_t *doc = render(&rq, &e, &rs);
    assert_int_equal(rs.status, 503);
    assert_string_equal(atrium_resp_header_get(&rs, "Retry-After"), "5");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(doc, "error_codes"), 0)),
                     90033);
    json_decref(doc);
    atrium_resp_release(&rs);
    atrium_req_release(&rq);
}

static void test_timestamp(void **state)
{
    char ts[ATRIUM_ENTRA_TIMESTAMP_LEN + 1];
    atrium_entra_timestamp(1452304932, ts);
    assert_string_equal(ts, "2016-01-09 02:02:12Z");
}

/* Request-level failures on a route flagged ATRIUM_ROUTE_OAUTH_ERRORS. */
static void test_route_oauth(void **state)
{
    static const struct {
        int code;
        unsigned status;
        const char *error;
        const char *retry;
    } cases[] = {
        {ATRIUM_ETOOBIG, 413, "invalid_request", NULL},
        {ATRIUM_EINVAL, 400, "invalid_request", NULL},
        {ATRIUM_EUNSUPPORTED, 400, "invalid_request", NULL},
        {ATRIUM_EBUSY, 503, "temporarily_unavailable", "5"},
        {ATRIUM_ERATE, 429, "temporarily_unavailable", "60"},
        {ATRIUM_ESTORE, 500, "server_error", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct atrium_req rq;
        struct atrium_resp rs;
        atrium_req_init(&rq, NULL);
        atrium_resp_init(&rs);
        atrium_err(&rq.err, cases[i].code, "", "secret detail %d", 42);
        atrium_route_error_oauth(&rs, &rq, cases[i].code, &rq.err);
        assert_int_equal(rs.status, cases[i].status);
        json_t *doc = json_loadb(rs.body.buf, rs.body.len, 0, NULL);
        assert_non_null(doc);
        assert_string_equal(json_string_value(json_object_get(doc, "error")), cases[i].error);
        assert_true(json_is_integer(json_array_get(json_object_get(doc, "error_codes"), 0)));
        assert_non_null(
            strstr(json_string_value(json_object_get(doc, "error_description")), "\r\nTrace ID: "));
        const char *retry = atrium_resp_header_get(&rs, "Retry-After");
        if (cases[i].retry)
            assert_string_equal(retry, cases[i].retry);
        else
            assert_null(retry);
        /* Internal detail never reaches the client. */
        if (cases[i].status == 500)
            assert_null(strstr(rs.body.buf, "secret detail"));
        json_decref(doc);
        atrium_resp_release(&rs);
        atrium_req_release(&rq);
    }
}

/* ... and on a route flagged ATRIUM_ROUTE_HTML_ERRORS. */
static void test_route_html(void **state)
{
    struct atrium_req rq;
    struct atrium_resp rs;
    atrium_req_init(&rq, NULL);
    atrium_resp_init(&rs);
    atrium_err(&rq.err, ATRIUM_EFORBIDDEN, "csrf", "The sign-in form has <expired>.");
    atrium_route_error_html(&rs, &rq, ATRIUM_EFORBIDDEN, &rq.err);
    assert_int_equal(rs.status, 403);
    assert_string_equal(rs.content_type, "text/html; charset=utf-8");
    assert_non_null(strstr(rs.body.buf, rq.request_id));
    assert_non_null(strstr(rs.body.buf, "has &lt;expired&gt;."));
    assert_non_null(atrium_resp_header_get(&rs, "Content-Security-Policy"));
    assert_string_equal(atrium_resp_header_get(&rs, "X-Frame-Options"), "DENY");
    atrium_resp_release(&rs);
    atrium_req_release(&rq);

    atrium_req_init(&rq, NULL);
    atrium_resp_init(&rs);
    atrium_route_error_html(&rs, &rq, ATRIUM_EBUSY, NULL);
    assert_int_equal(rs.status, 503);
    assert_string_equal(atrium_resp_header_get(&rs, "Retry-After"), "5");
    assert_non_null(strstr(rs.body.buf, rq.request_id));
    atrium_resp_release(&rs);
    atrium_req_release(&rq);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_shape),    cmocka_unit_test(test_correlation_and_suberror),
        cmocka_unit_test(test_default_codes), cmocka_unit_test(test_busy_retry_after),
        cmocka_unit_test(test_timestamp),     cmocka_unit_test(test_route_oauth),
        cmocka_unit_test(test_route_html),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
