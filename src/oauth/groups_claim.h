/* SPDX-License-Identifier: MIT */
/*
 * Private to src/oauth/: the "groups" claim of user tokens. The ID token
 * follows the client application's groupMembershipClaims; the access token
 * follows the resource's (the application whose API it is for: the client
 * itself when it asks for its own API; never the directory API). The ids
 * are the user's transitive groups (store/store_groups.h); past
 * ATRIUM_GROUPS_CLAIM_MAX, or when the walk is incomplete, the token
 * carries "hasgroups": true instead (Entra's overage indicator).
 */
#pragma once

#include <jansson.h>

#include "oauth/mint.h"

/* Add "groups" / "hasgroups" to the access token claims c when the resource asks. */
int atrium_oauth_access_groups(struct atrium_store *s, const struct atrium_mint_request *req,
                               json_t *c);
/* Add "groups" / "hasgroups" to the ID token claims c when the client asks. */
int atrium_oauth_id_groups(struct atrium_store *s, const struct atrium_mint_request *req,
                           json_t *c);
