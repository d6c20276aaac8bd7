/* SPDX-License-Identifier: MIT */
/*
 * Private to src/oauth/: minting the tokens of one grant — the RS256 access
 * token, the ID token and the rotating refresh token — and the token
 * response around them. Used by the token endpoint's grants.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "oauth/oauth.h"

/* The pairwise "sub": base64url of an HMAC-SHA256, 43 characters. */
#define ATRIUM_OAUTH_SUB_LEN 43

struct atrium_mint_request {
    const char *tenant_id;
    const struct atrium_oauth_client *client;
    const struct atrium_user *user;           /* NULL: app-only (client credentials) */
    const struct atrium_oauth_scopes *scopes; /* resolved (scopes_resolve) */
    const char *requested_scope;              /* as sent: for the response's "scope" */
    const char *refresh_scope; /* stored with the new refresh token (NULL: requested_scope) */
    const char *nonce;         /* echoed into the ID token; NULL when none */
    int64_t auth_time;         /* when the user signed in; 0: now */
    const char *family_id;     /* refresh family to continue; NULL or "": a new family */
    bool rotate;               /* a refresh: always issue the next refresh token */
    bool client_authenticated; /* the client proved a secret: azpacr "1" */
    bool client_info;          /* add client_info (client_info=1) */
};

/*
 * Sign the access token (and the ID token with openid, and store a refresh
 * token with offline_access or rotate; never app-only) and build the token
 * response object into *ret (caller owns).
 */
int atrium_oauth_mint(struct atrium_store *s, const struct atrium_oauth *o,
                      const struct atrium_mint_request *req, json_t **ret,
                      struct atrium_oauth_error *e);

/*
 * The pairwise subject of user_id for client_app_id in tenant_id: the same
 * value for the same user and app, unrelated across apps, and not computable
 * without the server key (derived from the master key).
 */
int atrium_oauth_pairwise_sub(const struct atrium_oauth *o, const char *tenant_id,
                              const char *user_id, const char *client_app_id,
                              char out[ATRIUM_OAUTH_SUB_LEN + 1]);
