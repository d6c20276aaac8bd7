/* SPDX-License-Identifier: MIT */
/* The route table: the whole HTTP surface on one screen; see routes.h. */
#include "http/routes.h"

#include "http/handlers.h"

#define SIGNUP_BODY_LIMIT (16u << 10)

const struct atrium_route atrium_routes[] = {
    /* method, pattern, handler, auth, body limit (0: default), flags */
    {"GET", "/healthz", atrium_handle_healthz, ATRIUM_AUTH_NONE, 0, 0},
    {"GET", "/readyz", atrium_handle_readyz, ATRIUM_AUTH_NONE, 0, 0},
    {"POST", "/api/v1/tenants", atrium_handle_signup, ATRIUM_AUTH_NONE, SIGNUP_BODY_LIMIT, 0},
    {"GET", "/api/v1/tenants/{id}", atrium_handle_tenant_get, ATRIUM_AUTH_NONE, 0, 0},
    {"GET", "/api/v1/domains/available", atrium_handle_domain_available, ATRIUM_AUTH_NONE, 0, 0},
};

const size_t atrium_routes_count = sizeof(atrium_routes) / sizeof(atrium_routes[0]);
