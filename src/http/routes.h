/* SPDX-License-Identifier: MIT */
/*
 * The route table: every endpoint the server answers, in one static array
 * (routes.c). A row names the method, the path pattern ("/api/v1/tenants/{id}":
 * literal segments and {name} captures), the handler, the authentication it
 * requires, its body limit, flags and (bearer routes) the permission rule.
 * The first matching row wins, so literal rows go before capturing rows that
 * would also match.
 */
#pragma once

#include <stddef.h>

struct atrium_authz_rule;
struct atrium_req;
struct atrium_resp;

/*
 * A handler: validate, call one service, render into rs and return 0. On
 * failure it may instead return a negative ATRIUM_E* code with rq->err filled
 * (the request accessors fill it themselves); the dispatcher then renders the
 * error envelope. It never builds error JSON itself.
 */
typedef int (*atrium_handler_fn)(struct atrium_req *rq, struct atrium_resp *rs);

enum atrium_auth {
    ATRIUM_AUTH_NONE = 0, /* public endpoint */
    ATRIUM_AUTH_BEARER,   /* Graph access token (Authorization: Bearer) + the route's perm */
};

enum atrium_route_flags {
    ATRIUM_ROUTE_OAUTH_ERRORS = 1u << 0, /* render request-level errors as Entra OAuth JSON */
    ATRIUM_ROUTE_HTML_ERRORS = 1u << 1,  /* render request-level errors as an HTML page */
};

struct atrium_route {
    const char *method;  /* "GET", "POST", ...; a GET row also answers HEAD */
    const char *pattern; /* "/api/v1/tenants/{id}" */
    atrium_handler_fn handler;
    enum atrium_auth auth;
    size_t body_limit; /* bytes; 0: the server default */
    unsigned flags;    /* enum atrium_route_flags */
    /*
     * ATRIUM_AUTH_BEARER routes: who may call (graph/authz.h), checked by the
     * dispatcher before the body is read; a bearer route without one is
     * refused (500). NULL on every other route.
     */
    const struct atrium_authz_rule *perm;
};

/* The server's table and its length. */
extern const struct atrium_route atrium_routes[];
extern const size_t atrium_routes_count;
