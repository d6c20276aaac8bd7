/* SPDX-License-Identifier: MIT */
/*
 * Bearer authentication and the central permission check of routes marked
 * ATRIUM_AUTH_BEARER: the access token of "Authorization: Bearer" is
 * validated through the token services (oauth/oauth.h), the caller becomes
 * rq->principal (its tenant goes to the access log), and the route's
 * declared rule (route->perm, graph/authz.h) must allow it. Used by the
 * dispatcher before the body is read and the handler runs.
 */
#pragma once

#include <stdbool.h>

struct atrium_req;
struct atrium_resp;
struct atrium_route;

/*
 * 0 with rq->principal set when the token is valid and route->perm allows
 * the caller. ATRIUM_EAUTH (401) when the token is missing, malformed or
 * invalid (*ret_presented says whether one was sent), ATRIUM_EFORBIDDEN
 * (403) when the rule refuses, ATRIUM_EINTERNAL when a bearer route
 * declares no rule (fail closed); store errors pass through. rq->err is filled.
 */
int atrium_http_bearer_authorize(struct atrium_req *rq, const struct atrium_route *route,
                                 bool *ret_presented);

/* Add the WWW-Authenticate challenge of a 401 (error="invalid_token" when a token was sent). */
void atrium_http_bearer_challenge(struct atrium_resp *rs, const struct atrium_req *rq,
                                  bool presented);
