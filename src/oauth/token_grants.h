/* SPDX-License-Identifier: MIT */
/*
 * Private to src/oauth/: one token request after the common steps (tenant
 * resolved, client found and authenticated), and the grant handlers that
 * token.c dispatches to.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "oauth/oauth.h"

struct atrium_token_ctx {
    struct atrium_store *s;
    const struct atrium_oauth *o;
    const struct atrium_token_request *req;
    char tenant_id[ATRIUM_UUID_LEN + 1];
    struct atrium_oauth_client client;
    bool authenticated; /* a confidential client proved its secret */
};

/* token_grants_code.c */
int atrium_grant_authorization_code(struct atrium_token_ctx *t, json_t **ret,
                                    struct atrium_oauth_error *e);
/* token_grants_refresh.c */
int atrium_grant_refresh_token(struct atrium_token_ctx *t, json_t **ret,
                               struct atrium_oauth_error *e);
/* token_grants_app.c */
int atrium_grant_client_credentials(struct atrium_token_ctx *t, json_t **ret,
                                    struct atrium_oauth_error *e);
/* token_grants_user.c */
int atrium_grant_password(struct atrium_token_ctx *t, json_t **ret, struct atrium_oauth_error *e);
int atrium_grant_device_code(struct atrium_token_ctx *t, json_t **ret,
                             struct atrium_oauth_error *e);

/* The user of a grant, still present and enabled: else invalid_grant (50034/50057). */
int atrium_grant_user(struct atrium_token_ctx *t, const char *user_id, struct atrium_user *ret,
                      struct atrium_oauth_error *e);
