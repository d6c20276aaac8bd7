/* SPDX-License-Identifier: MIT */
/*
 * OAuth errors on the wire in Entra ID's shape, for the JSON endpoints
 * (token, devicecode, discovery, keys, userinfo):
 * {"error","error_description":"AADSTS<n>: <text>\r\nTrace ID: <request id>\r\n
 * Correlation ID: <id>\r\nTimestamp: <yyyy-MM-dd HH:mm:ssZ>","error_codes":[<n>],
 * "timestamp","trace_id","correlation_id"(,"suberror")}. Also the mapping of
 * request-level failures (ATRIUM_E* codes: body too large, bad form
 * encoding, store unavailable...) to such errors, used by the dispatcher on
 * routes flagged ATRIUM_ROUTE_OAUTH_ERRORS.
 */
#pragma once

#include "oauth/oauth.h"

struct atrium_errinfo;
struct atrium_req;
struct atrium_resp;

#define ATRIUM_ENTRA_TIMESTAMP_LEN 20 /* "2024-01-02 03:04:05Z" without the NUL */

/* t (Unix seconds) as Entra's "yyyy-MM-dd HH:mm:ssZ". */
void atrium_entra_timestamp(int64_t t, char out[ATRIUM_ENTRA_TIMESTAMP_LEN + 1]);

/*
 * The AADSTS number to show for e: e->aadsts, or a generic one for its
 * status when the service gave none (400 9002313, 401 7000215... see .c).
 */
int atrium_entra_code(const struct atrium_oauth_error *e);

/*
 * The correlation id of a request: the client-request-id header, else a
 * well-formed `client-request-id` query parameter (MSAL sends it there on
 * /token), copied into rq->client_request_id; else the request id.
 */
const char *atrium_entra_correlation(struct atrium_req *rq);

/*
 * Render e as the JSON error body with e->status (400 when 0), the token
 * endpoint's cache headers, and Retry-After on 429/503. Returns 0.
 */
int atrium_resp_oauth_error(struct atrium_resp *rs, struct atrium_req *rq,
                            const struct atrium_oauth_error *e);

/*
 * An ATRIUM_E* failure of the request itself as an OAuth error: `error` and
 * status from errmap.c, the errinfo message when it may be shown.
 */
void atrium_entra_from_code(int code, const struct atrium_errinfo *ei,
                            struct atrium_oauth_error *ret);
