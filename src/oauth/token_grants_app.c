/* SPDX-License-Identifier: MIT */
/* The client credentials grant: app-only tokens for "<resource>/.default". */
#include "oauth/token_grants.h"

#include "core/err.h"
#include "oauth/mint.h"

int atrium_grant_client_credentials(struct atrium_token_ctx *t, json_t **ret,
                                    struct atrium_oauth_error *e)
{
    struct atrium_oauth_scopes sc = {0};
    if (!t->authenticated)
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_client", 7000218, 401,
                                 "The request body must contain the following parameter: "
                                 "'client_assertion' or 'client_secret'.");
    int rc = atrium_oauth_scopes_resolve(t->s, t->tenant_id, &t->client, t->req->scope, true, NULL,
                                         &sc, e);
    if (rc < 0)
        return rc;
    struct atrium_mint_request m = {
        .tenant_id = t->tenant_id,
        .client = &t->client,
        .scopes = &sc,
        .requested_scope = t->req->scope,
        .client_authenticated = true,
    };
    rc = atrium_oauth_mint(t->s, t->o, &m, ret, e);
    atrium_oauth_scopes_release(&sc);
    return rc;
}
