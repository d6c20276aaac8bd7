/* SPDX-License-Identifier: MIT */
/*
 * The real server over a plain socket: insecure HTTP on 127.0.0.1, port 0,
 * a temporary SQLite store. Hand-written HTTP/1.1 requests check routing,
 * the common headers, error envelopes, body limits, content types, the
 * sign-up flow and rate limit, hostile input, keep-alive and a clean stop.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <pthread.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "crypto/pwhash.h"
#include "http/server.h"
#include "store/store.h"

struct fixture {
    char db[512];
    struct atrium_store_pool *pool;
    struct atrium_pwhasher *hasher;
    struct atrium_app app;
    struct atrium_http_config cfg;
    struct atrium_http_server *srv;
    uint16_t port;
};

struct http_result {
    int status;
    char *raw;
    char *body; /* points into raw */
    size_t body_len;
};

/* ---- a minimal HTTP client ---- */

static int connect_to(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

static void send_all(int fd, const char *data, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
        if (w <= 0)
            return; /* the server may close early (413, 431): read what it said */
        data += w;
        n -= (size_t)w;
    }
}

/* Read until EOF (or until one full response when keep_open). */
static char *recv_all(int fd, size_t *ret_len)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *ret_len = len;
    return buf;
}

static void parse_result(char *raw, size_t len, struct http_result *r)
{
    r->raw = raw;
    r->status = 0;
    r->body = raw + len;
    r->body_len = 0;
    if (sscanf(raw, "HTTP/1.%*c %d", &r->status) != 1)
        r->status = 0;
    char *end = strstr(raw, "\r\n\r\n");
    if (end) {
        *end = '\0';
        r->body = end + 4;
        r->body_len = len - (size_t)(r->body - raw);
    }
}

static struct http_result http_raw(uint16_t port, const char *req, size_t len)
{
    int fd = connect_to(port);
    send_all(fd, req, len);
    shutdown(fd, SHUT_WR);
    size_t n;
    char *raw = recv_all(fd, &n);
    close(fd);
    struct http_result r;
    parse_result(raw, n, &r);
    return r;
}

static struct http_result http(uint16_t port, const char *req)
{
    return http_raw(port, req, strlen(req));
}

/* The value of a response header (case-insensitive name), copied into a static buffer. */
static const char *header(const struct http_result *r, const char *name)
{
    static char value[512];
    size_t n = strlen(name);
    for (const char *line = strstr(r->raw, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        const char *p = line + 2;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            p += n + 1;
            while (*p == ' ')
                p++;
            size_t m = strcspn(p, "\r\n");
            snprintf(value, sizeof(value), "%.*s", (int)m, p);
            return value;
        }
    }
    return NULL;
}

static json_t *body_json(const struct http_result *r)
{
    json_error_t jerr;
    json_t *doc = json_loadb(r->body, r->body_len, 0, &jerr);
    if (!doc)
        fail_msg("body is not JSON: %s", r->body);
    return doc;
}

static const char *error_code(json_t *doc)
{
    return json_string_value(json_object_get(json_object_get(doc, "error"), "code"));
}

static const char *error_target(json_t *doc)
{
    return json_string_value(json_object_get(json_object_get(doc, "error"), "target"));
}

/* ---- fixtures ---- */

static int start(void **state, bool self_signup, unsigned per_minute)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    snprintf(fx->db, sizeof(fx->db), "%s/http-server-XXXXXX", tmp ? tmp : "/tmp");
    int fd = mkstemp(fx->db);
    assert_true(fd >= 0);
    close(fd);
    char uri[600];
    snprintf(uri, sizeof(uri), "sqlite:%s", fx->db);
    struct atrium_errinfo e;
    struct atrium_store *s;
    assert_int_equal(atrium_store_open(uri, &s, &e), 0);
    int version;
    assert_int_equal(atrium_store_migrate(s, &version), 0);
    atrium_store_close(s);
    assert_int_equal(atrium_store_pool_new(uri, &fx->pool, &e), 0);
    struct atrium_pwhash_params pw = {
        .memory_kib = 64, .iterations = 1, .parallelism = 1, .max_concurrent = 2, .max_waiting = 8};
    assert_int_equal(atrium_pwhasher_new(&pw, &fx->hasher), 0);
    fx->app.store_pool = fx->pool;
    fx->app.directory.initial_domain_suffix = "atrium.localhost";
    fx->app.directory.password_policy =
        (struct atrium_password_policy)ATRIUM_PASSWORD_POLICY_DEFAULT;
    fx->app.directory.hasher = fx->hasher;
    fx->app.public_url = "https://localhost:8443";
    fx->app.self_signup = self_signup;
    fx->app.signup_per_minute = per_minute;
    fx->cfg.listen_host = "127.0.0.1";
    fx->cfg.port = 0;
    fx->cfg.insecure_http = true;
    fx->cfg.threads = 2;
    fx->cfg.timeout_seconds = 5;
    if (atrium_http_start(&fx->cfg, &fx->app, &fx->srv, &e) < 0)
        fail_msg("start: %s", e.message);
    fx->port = atrium_http_port(fx->srv);
    assert_true(fx->port > 0);
    *state = fx;
    return 0;
}

static int setup(void **state)
{
    return start(state, true, 0);
}

static int setup_limited(void **state)
{
    return start(state, true, 3);
}

static int setup_closed(void **state)
{
    return start(state, false, 0);
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    atrium_http_stop(fx->srv);
    atrium_store_pool_free(fx->pool);
    atrium_pwhasher_free(fx->hasher);
    char path[600];
    unlink(fx->db);
    snprintf(path, sizeof(path), "%s-wal", fx->db);
    unlink(path);
    snprintf(path, sizeof(path), "%s-shm", fx->db);
    unlink(path);
    free(fx);
    return 0;
}

#define GET(path) "GET " path " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

static void result_free(struct http_result *r)
{
    free(r->raw);
}

/* ---- tests ---- */

static void test_healthz(void **state)
{
    struct fixture *fx = *state;
    struct http_result r = http(fx->port, GET("/healthz"));
    assert_int_equal(r.status, 200);
    json_t *doc = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "ok");
    json_decref(doc);
    char rid[64];
    snprintf(rid, sizeof(rid), "%s", header(&r, "x-ms-request-id"));
    assert_true(atrium_uuid_is_valid(rid));
    assert_string_equal(header(&r, "request-id"), rid);
    assert_string_equal(header(&r, "Cache-Control"), "no-store");
    assert_string_equal(header(&r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(header(&r, "Content-Type"), "application/json; charset=utf-8");
    assert_null(header(&r, "Strict-Transport-Security")); /* plain HTTP */
    assert_null(header(&r, "client-request-id"));
    result_free(&r);

    /* Every response gets a fresh id. */
    r = http(fx->port, GET("/healthz"));
    assert_string_not_equal(header(&r, "x-ms-request-id"), rid);
    result_free(&r);
}

static void test_client_request_id(void **state)
{
    struct fixture *fx = *state;
    struct http_result r =
        http(fx->port, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       "client-request-id: 1c9a77a4-5a4f-4f35-9d1a-8d2f1b6e7c00\r\n\r\n");
    assert_int_equal(r.status, 404);
    assert_string_equal(header(&r, "client-request-id"), "1c9a77a4-5a4f-4f35-9d1a-8d2f1b6e7c00");
    json_t *doc = body_json(&r);
    json_t *inner = json_object_get(json_object_get(doc, "error"), "innerError");
    assert_string_equal(json_string_value(json_object_get(inner, "client-request-id")),
                        "1c9a77a4-5a4f-4f35-9d1a-8d2f1b6e7c00");
    json_decref(doc);
    result_free(&r);

    char req[1024];
    char longid[300];
    memset(longid, 'a', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = '\0';
    snprintf(
        req, sizeof(req),
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nclient-request-id: %s\r\n\r\n",
        longid);
    r = http(fx->port, req);
    assert_int_equal(r.status, 200);
    assert_null(header(&r, "client-request-id"));
    result_free(&r);
}

static void test_head(void **state)
{
    struct fixture *fx = *state;
    struct http_result r =
        http(fx->port, "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    assert_non_null(header(&r, "x-ms-request-id"));
    result_free(&r);
}

static void test_readyz(void **state)
{
    struct fixture *fx = *state;
    struct http_result r = http(fx->port, GET("/readyz"));
    assert_int_equal(r.status, 200);
    json_t *doc = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "ready");
    json_decref(doc);
    result_free(&r);
}

static void test_not_found(void **state)
{
    struct fixture *fx = *state;
    struct http_result r = http(fx->port, GET("/does/not/exist?x=1"));
    assert_int_equal(r.status, 404);
    json_t *doc = body_json(&r);
    assert_string_equal(error_code(doc), "Request_ResourceNotFound");
    json_t *inner = json_object_get(json_object_get(doc, "error"), "innerError");
    assert_string_equal(json_string_value(json_object_get(inner, "request-id")),
                        header(&r, "request-id"));
    assert_non_null(json_object_get(inner, "date"));
    json_decref(doc);
    result_free(&r);
}

static void test_method_not_allowed(void **state)
{
    struct fixture *fx = *state;
    struct http_result r =
        http(fx->port, "DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_int_equal(r.status, 405);
    assert_string_equal(header(&r, "Allow"), "GET, HEAD");
    json_t *doc = body_json(&r);
    assert_non_null(error_code(doc));
    json_decref(doc);
    result_free(&r);

    r = http(fx->port, "BREW /api/v1/tenants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_int_equal(r.status, 405);
    assert_string_equal(header(&r, "Allow"), "POST");
    result_free(&r);
}

static void test_body_too_large(void **state)
{
    struct fixture *fx = *state;
    /* Declared too large: refused before the body is read (the sign-up limit is 16 KiB). */
    struct http_result r =
        http(fx->port, "POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
    assert_int_equal(r.status, 413);
    json_t *doc = body_json(&r);
    assert_string_equal(error_code(doc), "Request_EntityTooLarge");
    json_decref(doc);
    result_free(&r);

    /* The server default (1 MiB) applies to routes without their own limit. */
    r = http(fx->port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       "Content-Length: 2000000\r\n\r\n");
    assert_int_equal(r.status, 413);
    result_free(&r);
}

static void test_chunked_too_large(void **state)
{
    struct fixture *fx = *state;
    size_t chunk = 4096, chunks = 6; /* 24 KiB > 16 KiB */
    size_t cap = 1024 + chunks * (chunk + 16);
    char *req = malloc(cap);
    size_t n = (size_t)snprintf(req, cap,
                                "POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                "Content-Type: application/json\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n");
    for (size_t i = 0; i < chunks; i++) {
        n += (size_t)snprintf(req + n, cap - n, "%zx\r\n", chunk);
        memset(req + n, ' ', chunk);
        n += chunk;
        memcpy(req + n, "\r\n", 2);
        n += 2;
    }
    memcpy(req + n, "0\r\n\r\n", 5);
    n += 5;
    struct http_result r = http_raw(fx->port, req, n);
    free(req);
    assert_int_equal(r.status, 413);
    result_free(&r);
}

static void test_content_type(void **state)
{
    struct fixture *fx = *state;
    struct http_result r =
        http(fx->port, "POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}");
    assert_int_equal(r.status, 415);
    json_t *doc = body_json(&r);
    assert_string_equal(error_code(doc), "UnsupportedMediaType");
    assert_non_null(strstr(r.body, "application/json"));
    json_decref(doc);
    result_free(&r);

    r = http(fx->port, "POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       "Content-Length: 2\r\n\r\n{}");
    assert_int_equal(r.status, 415);
    result_free(&r);
}

/* POST body as JSON to /api/v1/tenants. */
static struct http_result post_signup(uint16_t port, const char *ctype, const char *body)
{
    char *req = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&req, &n);
    fprintf(f,
            "POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
            ctype, strlen(body), body);
    fclose(f);
    struct http_result r = http_raw(port, req, n);
    free(req);
    return r;
}

static void expect_bad_request(uint16_t port, const char *body, const char *target)
{
    struct http_result r = post_signup(port, "application/json", body);
    assert_int_equal(r.status, 400);
    json_t *doc = body_json(&r);
    assert_string_equal(error_code(doc), "Request_BadRequest");
    if (target)
        assert_string_equal(error_target(doc), target);
    json_decref(doc);
    result_free(&r);
}

static void test_bad_json(void **state)
{
    struct fixture *fx = *state;
    expect_bad_request(fx->port, "{", NULL);
    expect_bad_request(fx->port, "[1,2]", NULL);
    expect_bad_request(fx->port, "{\"displayName\":\"a\",\"displayName\":\"b\"}", NULL);
    expect_bad_request(fx->port, "{\"bogus\":1}", "bogus");
    expect_bad_request(fx->port, "\xFF\xFE", NULL);
    expect_bad_request(fx->port, "", NULL);
}

#define SIGNUP_BODY(prefix)                                                                        \
    "{\"displayName\":\"Contoso\",\"domainPrefix\":\"" prefix "\",\"countryLetterCode\":\"US\","   \
    "\"contactEmail\":\"it@contoso.example\",\"admin\":{\"givenName\":\"Ada\",\"surname\":"        \
    "\"Admin\",\"userName\":\"ada\",\"password\":\"Correct-Horse-Battery-9\"}}"

static void test_signup_flow(void **state)
{
    struct fixture *fx = *state;
    struct http_result r =
        post_signup(fx->port, "application/json; charset=UTF-8", SIGNUP_BODY("contoso"));
    if (r.status != 201)
        fail_msg("sign-up: %d %s", r.status, r.body);
    json_t *doc = body_json(&r);
    const char *id = json_string_value(json_object_get(doc, "id"));
    assert_true(atrium_uuid_is_valid(id));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(doc, "admin"), "userPrincipalName")),
        "ada@contoso.atrium.localhost");
    assert_null(strstr(r.body, "Correct-Horse"));
    char tid[64];
    snprintf(tid, sizeof(tid), "%s", id);
    json_decref(doc);
    char location[256];
    snprintf(location, sizeof(location), "https://localhost:8443/api/v1/tenants/%s", tid);
    assert_string_equal(header(&r, "Location"), location);
    result_free(&r);

    /* Same prefix again: conflict. */
    r = post_signup(fx->port, "application/json", SIGNUP_BODY("contoso"));
    assert_int_equal(r.status, 409);
    result_free(&r);

    char req[512];
    snprintf(req, sizeof(req), GET("/api/v1/tenants/%s"), tid);
    r = http(fx->port, req);
    assert_int_equal(r.status, 200);
    doc = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "id")), tid);
    assert_string_equal(json_string_value(json_object_get(doc, "displayName")), "Contoso");
    assert_string_equal(json_string_value(json_object_get(doc, "initialDomain")),
                        "contoso.atrium.localhost");
    assert_string_equal(json_string_value(json_object_get(doc, "countryLetterCode")), "US");
    assert_null(json_object_get(doc, "contactEmail")); /* public view only */
    assert_int_equal(json_object_size(doc), 4);
    json_decref(doc);
    result_free(&r);

    r = http(fx->port, GET("/api/v1/tenants/contoso.atrium.localhost"));
    assert_int_equal(r.status, 200);
    result_free(&r);
}

static void test_tenant_unknown(void **state)
{
    struct fixture *fx = *state;
    struct http_result r =
        http(fx->port, GET("/api/v1/tenants/0b9a2d4e-1c3f-4a5b-8c7d-9e0f1a2b3c4d"));
    assert_int_equal(r.status, 404);
    json_t *doc = body_json(&r);
    assert_string_equal(error_code(doc), "Request_ResourceNotFound");
    json_decref(doc);
    result_free(&r);

    r = http(fx->port, GET("/api/v1/tenants/nobody.example"));
    assert_int_equal(r.status, 404);
    result_free(&r);
}

static void test_domain_available(void **state)
{
    struct fixture *fx = *state;
    struct http_result r = http(fx->port, GET("/api/v1/domains/available?prefix=fabrikam"));
    assert_int_equal(r.status, 200);
    json_t *doc = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "prefix")), "fabrikam");
    assert_string_equal(json_string_value(json_object_get(doc, "domain")),
                        "fabrikam.atrium.localhost");
    assert_true(json_is_true(json_object_get(doc, "available")));
    json_decref(doc);
    result_free(&r);

    r = post_signup(fx->port, "application/json", SIGNUP_BODY("fabrikam"));
    assert_int_equal(r.status, 201);
    result_free(&r);
    r = http(fx->port, GET("/api/v1/domains/available?prefix=fabrikam"));
    doc = body_json(&r);
    assert_true(json_is_false(json_object_get(doc, "available")));
    json_decref(doc);
    result_free(&r);

    const char *bad[] = {GET("/api/v1/domains/available"), GET("/api/v1/domains/available?x=1"),
                         GET("/api/v1/domains/available?prefix=Bad-Prefix!"),
                         GET("/api/v1/domains/available?prefix=")};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = http(fx->port, bad[i]);
        assert_int_equal(r.status, 400);
        doc = body_json(&r);
        assert_string_equal(error_target(doc), "prefix");
        json_decref(doc);
        result_free(&r);
    }
    r = http(fx->port, GET("/api/v1/domains/available?prefix=a&prefix=b"));
    assert_int_equal(r.status, 400);
    result_free(&r);
    r = http(fx->port, GET("/api/v1/domains/available?prefix=%ZZ"));
    assert_int_equal(r.status, 400);
    result_free(&r);
}

static void test_signup_disabled(void **state)
{
    struct fixture *fx = *state;
    struct http_result r = post_signup(fx->port, "application/json", SIGNUP_BODY("closed"));
    assert_int_equal(r.status, 403);
    json_t *doc = body_json(&r);
    assert_string_equal(error_code(doc), "Authorization_RequestDenied");
    assert_non_null(strstr(r.body, "sign-up is disabled"));
    json_decref(doc);
    result_free(&r);
}

static void test_signup_rate_limit(void **state)
{
    struct fixture *fx = *state;
    /* Every attempt counts, even invalid ones. */
    for (int i = 0; i < 3; i++) {
        struct http_result r = post_signup(fx->port, "application/json", "{");
        assert_int_equal(r.status, 400);
        result_free(&r);
    }
    struct http_result r = post_signup(fx->port, "application/json", SIGNUP_BODY("limited"));
    assert_int_equal(r.status, 429);
    const char *retry = header(&r, "Retry-After");
    assert_non_null(retry);
    assert_true(atoi(retry) >= 1 && atoi(retry) <= 20);
    json_t *doc = body_json(&r);
    assert_string_equal(error_code(doc), "TooManyRequests");
    json_decref(doc);
    result_free(&r);
    /* Other routes are not limited. */
    r = http(fx->port, GET("/healthz"));
    assert_int_equal(r.status, 200);
    result_free(&r);
}

static void assert_still_healthy(uint16_t port)
{
    struct http_result r = http(port, GET("/healthz"));
    assert_int_equal(r.status, 200);
    result_free(&r);
}

static void test_hostile_input(void **state)
{
    struct fixture *fx = *state;
    struct http_result r = http(fx->port, GET("/api/v1/tenants/%ZZ"));
    assert_int_equal(r.status, 400);
    result_free(&r);
    r = http(fx->port, GET("/api/v1/tenants/%FF%FE"));
    assert_int_equal(r.status, 400);
    result_free(&r);
    r = http(fx->port, GET("/api/v1/tenants/a%00b"));
    assert_int_equal(r.status, 400);
    result_free(&r);
    r = http(fx->port, "GET /\xFF\xFE\x01 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_true(r.status == 404 || r.status == 400);
    result_free(&r);
    r = http(fx->port, GET("/../../etc/passwd"));
    assert_int_equal(r.status, 404);
    result_free(&r);
    r = http(fx->port, "GET http://evil.example/healthz?x HTTP/1.1\r\nHost: x\r\n"
                       "Connection: close\r\n\r\n");
    assert_int_equal(r.status, 200); /* absolute-form is routed on its path */
    result_free(&r);

    /* (Blank lines alone are skipped by MHD until the idle timeout: too slow to test here.) */
    const char *junk[] = {"GARBAGE\r\n\r\n",
                          "GET\r\n\r\n",
                          "GET / HTTP/9.9\r\n\r\n",
                          "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
                          "POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                          "POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Length: "
                          "99999999999999999999999\r\n\r\n"};
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        r = http(fx->port, junk[i]);
        /* MHD answers malformed requests itself (400, 505) or closes. */
        if (!(r.status == 0 || (r.status >= 400 && r.status < 500) || r.status == 505))
            fail_msg("junk %zu: status %d", i, r.status);
        result_free(&r);
    }
    assert_still_healthy(fx->port);
}

static void test_oversize_head(void **state)
{
    struct fixture *fx = *state;
    size_t big = 200000;
    char *req = malloc(big + 256);
    /* A huge URL. */
    size_t n = (size_t)sprintf(req, "GET /");
    memset(req + n, 'a', big);
    n += big;
    n += (size_t)sprintf(req + n, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    struct http_result r = http_raw(fx->port, req, n);
    assert_true(r.status == 0 || r.status == 414 || r.status == 431 || r.status == 400);
    result_free(&r);
    /* A huge header. */
    n = (size_t)sprintf(req, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + n, 'b', big);
    n += big;
    n += (size_t)sprintf(req + n, "\r\nConnection: close\r\n\r\n");
    r = http_raw(fx->port, req, n);
    assert_true(r.status == 0 || r.status == 431 || r.status == 400);
    result_free(&r);
    /* Thousands of small headers. */
    n = (size_t)sprintf(req, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; n + 32 < big; i++)
        n += (size_t)sprintf(req + n, "X-%d: v\r\n", i);
    n += (size_t)sprintf(req + n, "\r\n");
    r = http_raw(fx->port, req, n);
    assert_true(r.status == 0 || r.status == 431 || r.status == 400);
    result_free(&r);
    free(req);
    assert_still_healthy(fx->port);
}

static void test_keep_alive(void **state)
{
    struct fixture *fx = *state;
    int fd = connect_to(fx->port);
    const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    send_all(fd, req, strlen(req));
    size_t n;
    char *raw = recv_all(fd, &n);
    close(fd);
    assert_non_null(strstr(raw, "HTTP/1.1 200"));
    assert_non_null(strstr(raw, "HTTP/1.1 404"));
    free(raw);
}

static void test_access_log(void **state)
{
    struct fixture *fx = *state;
    char logpath[600];
    snprintf(logpath, sizeof(logpath), "%s.log", fx->db);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *f = fopen(logpath, "w+");
    dup2(fileno(f), STDERR_FILENO);
    struct http_result r =
        http(fx->port, "GET /healthz?code=hunter2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       "Authorization: Bearer topsecret\r\nCookie: s=cookiesecret\r\n\r\n");
    assert_int_equal(r.status, 200);
    char rid[64];
    snprintf(rid, sizeof(rid), "%s", header(&r, "request-id"));
    result_free(&r);
    /* The log line is written when the request completes; give it a moment. */
    char text[8192] = "";
    for (int i = 0; i < 100 && !strstr(text, rid); i++) {
        usleep(20000);
        fflush(stderr);
        size_t got = pread(fileno(f), text, sizeof(text) - 1, 0);
        text[got > 0 ? got : 0] = '\0';
    }
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fclose(f);
    unlink(logpath);
    char *line = strstr(text, rid);
    assert_non_null(line);
    assert_non_null(strstr(text, "\"path\":\"/healthz\""));
    assert_non_null(strstr(text, "\"status\":200"));
    assert_non_null(strstr(text, "\"method\":\"GET\""));
    assert_non_null(strstr(text, "\"remote\":\"127.0.0.1\""));
    assert_non_null(strstr(text, "duration_ms"));
    assert_null(strstr(text, "hunter2"));
    assert_null(strstr(text, "topsecret"));
    assert_null(strstr(text, "cookiesecret"));
}

struct load {
    uint16_t port;
    int ok;
};

static void *load_thread(void *arg)
{
    struct load *l = arg;
    for (int i = 0; i < 40; i++) {
        struct http_result r =
            http(l->port, i % 3 == 0   ? GET("/healthz")
                          : i % 3 == 1 ? GET("/api/v1/domains/available?prefix=busy")
                                       : GET("/nope"));
        l->ok += r.status == 200 || r.status == 404;
        result_free(&r);
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    struct fixture *fx = *state;
    struct load loads[8];
    pthread_t th[8];
    for (int i = 0; i < 8; i++) {
        loads[i] = (struct load){.port = fx->port};
        assert_int_equal(pthread_create(&th[i], NULL, load_thread, &loads[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(loads[i].ok, 40);
    }
}

static void test_start_errors(void **state)
{
    struct atrium_app app = {0};
    struct atrium_http_config cfg = {.listen_host = "127.0.0.1"};
    struct atrium_http_server *srv = NULL;
    struct atrium_errinfo e;
    /* No TLS material and not insecure: refused. */
    assert_int_equal(atrium_http_start(&cfg, &app, &srv, &e), ATRIUM_EINVAL);
    assert_null(srv);
    cfg.tls_cert_file = "/nonexistent/cert.pem";
    cfg.tls_key_file = "/nonexistent/key.pem";
    assert_int_equal(atrium_http_start(&cfg, &app, &srv, &e), ATRIUM_EIO);
    cfg.insecure_http = true;
    cfg.listen_host = "example.com";
    assert_int_equal(atrium_http_start(&cfg, &app, &srv, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "listen_host");
    /* Port in use. */
    cfg.listen_host = "localhost";
    cfg.threads = 1;
    assert_int_equal(atrium_http_start(&cfg, &app, &srv, &e), 0);
    struct atrium_http_server *other = NULL;
    cfg.port = atrium_http_port(srv);
    assert_int_equal(atrium_http_start(&cfg, &app, &other, &e), ATRIUM_EIO);
    assert_null(other);
    atrium_http_stop(srv);
    atrium_http_stop(NULL);
}

static void test_not_ready(void **state)
{
    /* No store pool: /readyz says 503 with Retry-After, /healthz still 200. */
    struct atrium_app app = {0};
    struct atrium_http_config cfg = {.listen_host = "127.0.0.1", .insecure_http = true};
    struct atrium_http_server *srv = NULL;
    struct atrium_errinfo e;
    assert_int_equal(atrium_http_start(&cfg, &app, &srv, &e), 0);
    uint16_t port = atrium_http_port(srv);
    struct http_result r = http(port, GET("/readyz"));
    assert_int_equal(r.status, 503);
    assert_non_null(header(&r, "Retry-After"));
    json_t *doc = body_json(&r);
    assert_string_equal(error_code(doc), "ServiceUnavailable");
    json_decref(doc);
    result_free(&r);
    assert_still_healthy(port);
    atrium_http_stop(srv);
}

static void test_ipv6(void **state)
{
    struct atrium_app app = {0};
    struct atrium_http_config cfg = {.listen_host = "::1", .insecure_http = true};
    struct atrium_http_server *srv = NULL;
    struct atrium_errinfo e;
    if (atrium_http_start(&cfg, &app, &srv, &e) < 0)
        skip(); /* no IPv6 loopback here */
    uint16_t port = atrium_http_port(srv);
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    sa.sin6_addr = in6addr_loopback;
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    const char *req = GET("/healthz");
    send_all(fd, req, strlen(req));
    size_t n;
    char *raw = recv_all(fd, &n);
    close(fd);
    assert_non_null(strstr(raw, "HTTP/1.1 200"));
    free(raw);
    atrium_http_stop(srv);
}

static void test_chunked_far_too_large(void **state)
{
    struct fixture *fx = *state;
    /* Far beyond the limit: the server stops reading and closes (no response can be queued). */
    int fd = connect_to(fx->port);
    const char *head = "POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    send_all(fd, head, strlen(head));
    char chunk[8192 + 16];
    size_t n = (size_t)sprintf(chunk, "2000\r\n");
    memset(chunk + n, 'x', 8192);
    n += 8192;
    memcpy(chunk + n, "\r\n", 2);
    n += 2;
    for (int i = 0; i < 64; i++) /* 512 KiB, never terminated */
        send_all(fd, chunk, n);
    size_t got;
    char *raw = recv_all(fd, &got);
    close(fd);
    assert_null(strstr(raw, "HTTP/1.1 201"));
    free(raw);
    assert_still_healthy(fx->port);
}

struct stopper {
    struct atrium_http_server *srv;
    int64_t elapsed_ms;
};

static void *stop_thread(void *arg)
{
    struct stopper *st = arg;
    int64_t t0 = atrium_monotonic_ms();
    atrium_http_stop(st->srv);
    st->elapsed_ms = atrium_monotonic_ms() - t0;
    return NULL;
}

static void test_graceful_stop(void **state)
{
    struct fixture *fx = *state;
    /* An idle keep-alive connection and a request half-way through its body. */
    int idle = connect_to(fx->port);
    int fd = connect_to(fx->port);
    const char *part = "POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{";
    send_all(fd, part, strlen(part));
    usleep(200000);
    struct stopper st = {.srv = fx->srv};
    fx->srv = NULL;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, stop_thread, &st), 0);
    usleep(300000);
    /* The listener is closed: new connections are refused. */
    int nfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(fx->port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_not_equal(connect(nfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(nfd);
    /* The in-flight request still completes, told to close the connection. */
    send_all(fd, "}", 1);
    size_t n;
    char *raw = recv_all(fd, &n);
    struct http_result r;
    parse_result(raw, n, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(header(&r, "Connection"));
    assert_string_equal(header(&r, "Connection"), "close");
    result_free(&r);
    close(fd);
    pthread_join(th, NULL);
    assert_true(st.elapsed_ms < 5000); /* did not wait for the idle connection */
    close(idle);
}

/* Run a shell command; true when it exits 0. */
static bool run(const char *cmd)
{
    int rc = system(cmd);
    return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

static void test_tls(void **state)
{
    if (!run("command -v openssl >/dev/null && command -v curl >/dev/null"))
        skip();
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char dir[512], cmd[2048], cert[600], key[600], out[600];
    snprintf(dir, sizeof(dir), "%s/http-tls-XXXXXX", tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    snprintf(out, sizeof(out), "%s/out.txt", dir);
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
             "-subj /CN=localhost -keyout %s -out %s >/dev/null 2>&1",
             key, cert);
    assert_true(run(cmd));
    struct atrium_app app = {0};
    struct atrium_http_config cfg = {
        .listen_host = "127.0.0.1", .tls_cert_file = cert, .tls_key_file = key};
    struct atrium_http_server *srv = NULL;
    struct atrium_errinfo e;
    if (atrium_http_start(&cfg, &app, &srv, &e) < 0)
        fail_msg("TLS start: %s", e.message);
    snprintf(cmd, sizeof(cmd), "curl -sk --max-time 10 -D - https://127.0.0.1:%u/healthz > %s",
             atrium_http_port(srv), out);
    bool ok = run(cmd);
    /* Plain HTTP to the TLS port gets no HTTP answer. */
    snprintf(cmd, sizeof(cmd), "curl -s --max-time 5 http://127.0.0.1:%u/healthz | grep -q ok",
             atrium_http_port(srv));
    bool plain = run(cmd);
    atrium_http_stop(srv);
    char text[4096] = "";
    FILE *f = fopen(out, "r");
    if (f) {
        text[fread(text, 1, sizeof(text) - 1, f)] = '\0';
        fclose(f);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    run(cmd);
    assert_true(ok);
    assert_false(plain);
    assert_non_null(strstr(text, " 200"));
    assert_non_null(strcasestr(text, "strict-transport-security: max-age=31536000"));
    assert_non_null(strstr(text, "\"status\":\"ok\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_healthz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_request_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readyz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_not_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunked_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signup_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tenant_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_available, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signup_disabled, setup_closed, teardown),
        cmocka_unit_test_setup_teardown(test_signup_rate_limit, setup_limited, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_alive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunked_far_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_graceful_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
        cmocka_unit_test(test_start_errors),
        cmocka_unit_test(test_tls),
        cmocka_unit_test(test_not_ready),
        cmocka_unit_test(test_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
