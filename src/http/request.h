/* SPDX-License-Identifier: MIT */
/*
 * The request a handler sees, independent of libmicrohttpd: method, raw path,
 * decoded path captures, headers, lazily parsed query string, cookies and
 * form body, the raw body, client address, request ids, the application
 * context and the calling thread's store handle.
 *
 * Accessors that can fail return 0 or a negative ATRIUM_E* code and fill
 * rq->err, so a handler can `if ((r = atrium_req_query(rq, "x", &x)) < 0)
 * return r;` and the dispatcher renders the error envelope.
 *
 * Everything here lives until the request completes; never log the query
 * string, headers, cookies or the body.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/rand.h"
#include "http/kv.h"

struct atrium_app;
struct atrium_http_server;
struct atrium_principal;
struct atrium_store;

#define ATRIUM_CLIENT_REQUEST_ID_MAX 128
#define ATRIUM_REMOTE_IP_MAX 64

struct atrium_req_defer {
    void (*fn)(void *);
    void *p;
};

struct atrium_req {
    struct atrium_app *app;            /* borrowed: services and settings */
    struct atrium_http_server *server; /* borrowed: server-wide state (rate limiters) */
    const char *method;                /* as sent: "GET" */
    const char *path;                  /* as sent, without the query: not decoded */
    const char *query;                 /* raw query string after '?'; "" when none */
    struct atrium_kv_list params;      /* decoded {name} captures of the route pattern */
    struct atrium_kv_list headers;     /* request headers (look up with atrium_req_header) */
    const char *body;                  /* NUL-terminated; "" when none */
    size_t body_len;
    bool tls;
    char remote_ip[ATRIUM_REMOTE_IP_MAX];
    char request_id[ATRIUM_UUID_LEN + 1];                     /* fresh GUID */
    char client_request_id[ATRIUM_CLIENT_REQUEST_ID_MAX + 1]; /* "" when absent or unusable */
    char tenant_id[ATRIUM_UUID_LEN + 1];                      /* for the access log; "" unknown */
    struct atrium_errinfo err; /* detail for a handler's negative return */
    /* The validated caller of an ATRIUM_AUTH_BEARER route (owned; NULL otherwise). */
    struct atrium_principal *principal;

    /* Private: filled lazily by the accessors below. */
    int query_state; /* 0 not parsed, 1 parsed, < 0 the parse error */
    struct atrium_errinfo query_err;
    struct atrium_kv_list query_list;
    bool cookies_parsed;
    struct atrium_kv_list cookies;
    int form_state;
    struct atrium_errinfo form_err;
    struct atrium_kv_list form;
    struct atrium_store *store;
    struct atrium_req_defer *defers;
    size_t ndefers;
};

/* Zero rq, set app and a fresh request id. */
void atrium_req_init(struct atrium_req *rq, struct atrium_app *app);
/* Run deferred cleanups (last first) and free what the request owns. */
void atrium_req_release(struct atrium_req *rq);

/* The decoded value of capture {name}, or NULL. */
const char *atrium_req_param(const struct atrium_req *rq, const char *name);
/* The first header named name (case-insensitive), or NULL. */
const char *atrium_req_header(const struct atrium_req *rq, const char *name);

/*
 * The decoded query parameter name (*ret NULL when absent). ATRIUM_EINVAL when
 * the query string is malformed or name occurs more than once.
 */
int atrium_req_query(struct atrium_req *rq, const char *name, const char **ret);
/* All query parameters (parsed on first use). */
int atrium_req_query_list(struct atrium_req *rq, const struct atrium_kv_list **ret);

/* The value of cookie name (the first one sent), or NULL. */
const char *atrium_req_cookie(struct atrium_req *rq, const char *name);

/* Does the Content-Type media type equal mime (case-insensitive, parameters ignored)? */
bool atrium_req_content_type_is(const struct atrium_req *rq, const char *mime);
/* ATRIUM_EUNSUPPORTED (415) unless the body is declared application/json. */
int atrium_req_require_json(struct atrium_req *rq);

/*
 * The body as application/x-www-form-urlencoded, bounded by
 * ATRIUM_FORM_LIMITS_DEFAULT. ATRIUM_EUNSUPPORTED for another content type,
 * ATRIUM_EINVAL when malformed.
 */
int atrium_req_form(struct atrium_req *rq, const struct atrium_kv_list **ret);
/* One form field (*ret NULL when absent); ATRIUM_EINVAL when it is repeated. */
int atrium_req_form_value(struct atrium_req *rq, const char *name, const char **ret);

/*
 * The token of "Authorization: Bearer <token>" (*ret NULL when the header is
 * absent or another scheme). ATRIUM_EAUTH when the Bearer value is malformed.
 */
int atrium_req_bearer(struct atrium_req *rq, const char **ret);

/*
 * "Authorization: Basic <base64 of id:secret>", both parts form-urlencoded
 * first (RFC 6749 §2.3.1), decoded. Both results are NULL when the
 * header is absent or another scheme; ATRIUM_EAUTH when malformed.
 */
int atrium_req_basic(struct atrium_req *rq, const char **ret_user, const char **ret_password);

/* The calling thread's store handle from app->store_pool; ATRIUM_EBUSY when unavailable. */
int atrium_req_store(struct atrium_req *rq, struct atrium_store **ret);

/* Record the tenant for the access log (a GUID; anything else is ignored). */
void atrium_req_set_tenant(struct atrium_req *rq, const char *tenant_id);
/* Call fn(p) when the request completes (e.g. json_decref). */
void atrium_req_defer(struct atrium_req *rq, void (*fn)(void *), void *p);
