/* SPDX-License-Identifier: MIT */
/*
 * Request-level failures (an ATRIUM_E* code from the dispatcher or a
 * handler: body too large, bad form encoding, wrong content type, store
 * unavailable...) rendered in the shape a route's flags ask for: Entra's
 * OAuth JSON (ATRIUM_ROUTE_OAUTH_ERRORS) or a readable HTML page with the
 * request id (ATRIUM_ROUTE_HTML_ERRORS). Status from errmap.c; 429 and 503
 * carry Retry-After (rs->retry_after or the errmap default).
 */
#pragma once

struct atrium_errinfo;
struct atrium_req;
struct atrium_resp;

void atrium_route_error_oauth(struct atrium_resp *rs, struct atrium_req *rq, int code,
                              const struct atrium_errinfo *ei);
void atrium_route_error_html(struct atrium_resp *rs, struct atrium_req *rq, int code,
                             const struct atrium_errinfo *ei);
