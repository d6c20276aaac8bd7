/* SPDX-License-Identifier: MIT */
/* Bearer authentication and route permission checks; see bearer.h. */
#include "http/bearer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "graph/authz.h"
#include "http/request.h"
#include "http/response.h"
#include "http/routes.h"
#include "http/server.h"
#include "http/text.h"
#include "model/builtin_apps.h"
#include "model/principal.h"
#include "oauth/oauth.h"

/* Validate token into a fresh principal owned by rq. */
static int validate(struct atrium_req *rq, const char *token)
{
    struct atrium_store *s = NULL;
    int r = atrium_req_store(rq, &s);
    if (r < 0)
        return r;
    if (!rq->app->oauth)
        return atrium_err(&rq->err, ATRIUM_EINTERNAL, "", "token services are not configured");
    struct atrium_principal *p = xcalloc(1, sizeof(*p));
    struct atrium_errinfo e = {0};
    r = atrium_oauth_bearer_validate(s, rq->app->oauth, token, p, &e);
    if (r < 0) {
        atrium_principal_release(p);
        free(p);
        if (r == ATRIUM_EAUTH)
            return atrium_err(&rq->err, r, "", "%s",
                              e.message[0] ? e.message : "Access token validation failure.");
        rq->err = e;
        rq->err.code = r;
        return r;
    }
    /* The request context the directory services record in the audit log. */
    snprintf(p->correlation_id, sizeof(p->correlation_id), "%s",
             rq->client_request_id[0] ? rq->client_request_id : rq->request_id);
    snprintf(p->ip_address, sizeof(p->ip_address), "%s", rq->remote_ip);
    rq->principal = p;
    atrium_req_set_tenant(rq, p->tenant_id);
    return 0;
}

int atrium_http_bearer_authorize(struct atrium_req *rq, const struct atrium_route *route,
                                 bool *ret_presented)
{
    const char *token = NULL;
    *ret_presented = atrium_req_header(rq, "Authorization") != NULL;
    int r = atrium_req_bearer(rq, &token);
    if (r < 0)
        return r;
    if (!token)
        return atrium_err(&rq->err, ATRIUM_EAUTH, "", "Access token is empty.");
    if ((r = validate(rq, token)) < 0)
        return r;
    if (!route->perm)
        return atrium_err(&rq->err, ATRIUM_EINTERNAL, "", "route %s declares no permission rule",
                          route->pattern);
    if (!atrium_authz_allows(rq->principal, route->perm))
        return atrium_err(&rq->err, ATRIUM_EFORBIDDEN, "",
                          "Insufficient privileges to complete the operation.");
    return 0;
}

void atrium_http_bearer_challenge(struct atrium_resp *rs, const struct atrium_req *rq,
                                  bool presented)
{
    const char *base = rq->app && rq->app->public_url ? rq->app->public_url : "";
    char *value =
        xasprintf("Bearer realm=\"\", authorization_uri=\"%s/common/oauth2/v2.0/"
                  "authorize\", client_id=\"%s\"%s",
                  base, ATRIUM_GRAPH_APP_ID, presented ? ", error=\"invalid_token\"" : "");
    if (atrium_resp_header(rs, "WWW-Authenticate", value) < 0)
        atrium_resp_header(rs, "WWW-Authenticate", "Bearer realm=\"\"");
    free(value);
}
