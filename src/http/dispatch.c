/* SPDX-License-Identifier: MIT */
/* Per-request flow over libmicrohttpd; see dispatch.h. */
#include "http/dispatch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "http/bearer.h"
#include "http/errmap.h"
#include "http/request.h"
#include "http/response.h"
#include "http/route_errors.h"
#include "http/router.h"
#include "http/server.h"
#include "http/server_priv.h"
#include "http/text.h"
#include "http/tls_cork.h"

#define LOG_PATH_MAX 256

struct request_state {
    struct atrium_http_server *srv;
    struct atrium_req rq;
    struct atrium_resp rs;
    struct atrium_route_match match;
    struct atrium_buf body;
    size_t body_limit;
    size_t received; /* body bytes seen, kept or discarded */
    bool started;
    bool too_big;
    bool corked;          /* TLS session corked until the request completes */
    unsigned status_sent; /* 0 until a response was queued */
    int64_t start_ms;
    char *path;  /* raw path of the request line */
    char *query; /* raw query string */
    char method[32];
};

/* Split an origin-form or absolute-form request target into path and query. */
static void split_target(const char *uri, char **ret_path, char **ret_query)
{
    const char *p = uri ? uri : "";
    if (strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0) {
        p = strstr(p, "//") + 2;
        p += strcspn(p, "/?");
    }
    size_t n = strcspn(p, "?");
    *ret_path = n ? xstrndup(p, n) : xstrdup("/");
    *ret_query = xstrdup(p[n] == '?' ? p + n + 1 : "");
}

static void client_address(struct MHD_Connection *conn, char out[ATRIUM_REMOTE_IP_MAX])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, ATRIUM_REMOTE_IP_MAX, "unknown");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, ATRIUM_REMOTE_IP_MAX);
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a))
            inet_ntop(AF_INET, &a->s6_addr[12], out, ATRIUM_REMOTE_IP_MAX);
        else
            inet_ntop(AF_INET6, a, out, ATRIUM_REMOTE_IP_MAX);
    }
}

void *atrium_http_on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct atrium_http_server *srv = cls;
    struct request_state *st = xcalloc(1, sizeof(*st));
    st->srv = srv;
    st->start_ms = atrium_monotonic_ms();
    atrium_req_init(&st->rq, srv->app);
    st->rq.server = srv;
    st->rq.tls = srv->tls;
    atrium_resp_init(&st->rs);
    atrium_route_match_init(&st->match);
    atrium_buf_init(&st->body, 0);
    split_target(uri, &st->path, &st->query);
    st->rq.path = st->path;
    st->rq.query = st->query;
    client_address(conn, st->rq.remote_ip);
    return st;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    atrium_kv_list_add(cls, key, value);
    return MHD_YES;
}

/* Keep client-request-id only when it is short printable ASCII. */
static void take_client_request_id(struct atrium_req *rq)
{
    const char *v = atrium_req_header(rq, "client-request-id");
    size_t n = v ? strlen(v) : 0;
    if (n == 0 || n > ATRIUM_CLIENT_REQUEST_ID_MAX)
        return;
    for (size_t i = 0; i < n; i++)
        if (v[i] < 0x20 || v[i] > 0x7E)
            return;
    memcpy(rq->client_request_id, v, n + 1);
}

/*
 * Render code in the route's error shape (the Graph envelope unless its flags
 * ask for OAuth JSON or an HTML page); 5xx are logged once, with their detail.
 */
static void fail(struct request_state *st, int code)
{
    struct atrium_req *rq = &st->rq;
    const struct atrium_errinfo *e = rq->err.code == code ? &rq->err : NULL;
    unsigned status = atrium_errmap_get(code)->status;
    if (status >= 500) {
        char *detail = atrium_http_sanitize_text(e ? e->message : "");
        atrium_log_fields(status == 503 ? ATRIUM_LOG_WARN : ATRIUM_LOG_ERROR,
                          json_pack("{s:s, s:s, s:s, s:s}", "msg", "request failed", "request_id",
                                    rq->request_id, "error", atrium_err_name(code), "detail",
                                    detail));
        free(detail);
    }
    unsigned flags = st->match.route ? st->match.route->flags : 0;
    if (flags & ATRIUM_ROUTE_OAUTH_ERRORS)
        atrium_route_error_oauth(&st->rs, rq, code, e);
    else if (flags & ATRIUM_ROUTE_HTML_ERRORS)
        atrium_route_error_html(&st->rs, rq, code, e);
    else
        atrium_resp_error(&st->rs, rq, code, e);
}

/* Content-Length over the limit: refuse before reading the body. */
static bool declared_too_big(struct MHD_Connection *conn, size_t limit)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (!cl)
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long n = strtoull(cl, &end, 10);
    return errno != 0 || n > limit;
}

static void route_request(struct request_state *st, struct MHD_Connection *conn)
{
    struct atrium_req *rq = &st->rq;
    int r = atrium_router_match(atrium_routes, atrium_routes_count, rq->method, rq->path,
                                &st->match, &rq->err);
    if (r == ATRIUM_EUNSUPPORTED) {
        atrium_resp_graph_error(&st->rs, rq, 405, "Request_BadRequest", rq->err.message, NULL);
        atrium_resp_header(&st->rs, "Allow", st->match.allow);
        return;
    }
    if (r < 0) {
        fail(st, r);
        return;
    }
    rq->params = st->match.params;
    atrium_kv_list_init(&st->match.params);
    if (st->match.route->auth == ATRIUM_AUTH_BEARER) {
        bool presented = false;
        if ((r = atrium_http_bearer_authorize(rq, st->match.route, &presented)) < 0) {
            fail(st, r);
            if (r == ATRIUM_EAUTH)
                atrium_http_bearer_challenge(&st->rs, rq, presented);
            return;
        }
    }
    st->body_limit =
        st->match.route->body_limit ? st->match.route->body_limit : st->srv->body_limit;
    atrium_buf_release(&st->body);
    atrium_buf_init(&st->body, st->body_limit);
    if (declared_too_big(conn, st->body_limit)) {
        atrium_err(&rq->err, ATRIUM_ETOOBIG, "",
                   "The request body is larger than the limit of %zu bytes.", st->body_limit);
        fail(st, ATRIUM_ETOOBIG);
    }
}

static void begin_request(struct request_state *st, struct MHD_Connection *conn, const char *method)
{
    st->started = true;
    atomic_fetch_add(&st->srv->inflight, 1);
    snprintf(st->method, sizeof(st->method), "%s", method);
    st->rq.method = method;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &st->rq.headers);
    take_client_request_id(&st->rq);
    route_request(st, conn);
}

static void run_handler(struct request_state *st)
{
    struct atrium_req *rq = &st->rq;
    if (st->too_big) {
        atrium_err(&rq->err, ATRIUM_ETOOBIG, "",
                   "The request body is larger than the limit of %zu bytes.", st->body_limit);
        fail(st, ATRIUM_ETOOBIG);
        return;
    }
    rq->body = st->body.buf;
    rq->body_len = st->body.len;
    atrium_err_clear(&rq->err);
    int r = st->match.route->handler(rq, &st->rs);
    if (r < 0) {
        fail(st, r);
    } else if (st->rs.status == 0) {
        atrium_err(&rq->err, ATRIUM_EINTERNAL, "", "handler for %s set no response",
                   st->match.route->pattern);
        fail(st, ATRIUM_EINTERNAL);
    }
}

static void add_common_headers(struct request_state *st, struct MHD_Response *resp)
{
    const struct atrium_req *rq = &st->rq;
    MHD_add_response_header(resp, "request-id", rq->request_id);
    MHD_add_response_header(resp, "x-ms-request-id", rq->request_id);
    if (rq->client_request_id[0])
        MHD_add_response_header(resp, "client-request-id", rq->client_request_id);
    if (!atrium_resp_header_get(&st->rs, "Cache-Control")) {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        MHD_add_response_header(resp, "Pragma", "no-cache");
    }
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (st->srv->tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    if (st->rs.content_type[0])
        MHD_add_response_header(resp, "Content-Type", st->rs.content_type);
    if (atomic_load(&st->srv->stopping))
        MHD_add_response_header(resp, "Connection", "close");
}

/* cork: the whole request has been read, so the response may wait in the TLS
 * cork until the request completes (an early answer, e.g. 413 before the
 * body, must leave at once: the connection closes right after it). */
static enum MHD_Result send_response(struct request_state *st, struct MHD_Connection *conn,
                                     bool cork)
{
    struct atrium_resp *rs = &st->rs;
    size_t len = rs->body.len;
    char *body = atrium_buf_take(&rs->body);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    add_common_headers(st, resp);
    for (size_t i = 0; i < rs->nheaders; i++)
        MHD_add_response_header(resp, rs->headers[i].name, rs->headers[i].value);
    st->corked = cork && atrium_tls_cork(conn, len);
    enum MHD_Result ret = MHD_queue_response(conn, rs->status, resp);
    MHD_destroy_response(resp);
    if (ret == MHD_YES) {
        st->status_sent = rs->status;
    } else if (st->corked) {
        atrium_tls_uncork(conn); /* nothing was queued: no completion will uncork */
        st->corked = false;
    }
    return ret;
}

enum MHD_Result atrium_http_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                       const char *method, const char *version,
                                       const char *upload_data, size_t *upload_data_size,
                                       void **con_cls)
{
    struct request_state *st = *con_cls;
    if (!st) /* the URI callback always runs first; be safe anyway */
        st = *con_cls = atrium_http_on_uri(cls, url, conn);
    if (!st->started) {
        begin_request(st, conn, method);
        return st->rs.status ? send_response(st, conn, false) : MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        st->received += n;
        *upload_data_size = 0;
        if (!st->too_big && atrium_buf_append(&st->body, upload_data, n) < 0) {
            st->too_big = true;
            atrium_buf_release(&st->body);
            atrium_buf_init(&st->body, 0);
        }
        /* A response cannot be queued mid-body: discard up to one more limit, then close. */
        return st->too_big && st->received / 2 > st->body_limit ? MHD_NO : MHD_YES;
    }
    run_handler(st);
    return send_response(st, conn, !st->too_big);
}

static void access_log(const struct request_state *st, enum MHD_RequestTerminationCode toe)
{
    char path[LOG_PATH_MAX + 4], method[sizeof(st->method) + 4];
    struct atrium_log_request line = {
        .method = atrium_http_log_escape(st->method, method, sizeof(method)),
        .path = atrium_http_log_escape(st->path, path, sizeof(path)),
        .status = st->status_sent,
        .duration_ms = atrium_monotonic_ms() - st->start_ms,
        .request_id = st->rq.request_id,
        .remote = st->rq.remote_ip,
        .tenant = st->rq.tenant_id,
        .terminated = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? -1 : (int)toe,
    };
    atrium_log_request(&line);
}

void atrium_http_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    struct request_state *st = *con_cls;
    if (!st)
        return;
    *con_cls = NULL;
    if (st->corked)
        atrium_tls_uncork(conn);
    access_log(st, toe);
    atrium_req_release(&st->rq);
    atrium_resp_release(&st->rs);
    atrium_route_match_release(&st->match);
    atrium_buf_release(&st->body);
    free(st->path);
    free(st->query);
    if (st->started)
        atomic_fetch_sub(&st->srv->inflight, 1);
    free(st);
}
