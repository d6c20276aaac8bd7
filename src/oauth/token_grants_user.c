/* SPDX-License-Identifier: MIT */
/*
 * User grants without a browser redirect: password (ROPC) and device code
 * polling; and the shared check that a grant's user still exists and is
 * enabled.
 */
#include "oauth/token_grants.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "crypto/secret.h"
#include "oauth/mint.h"
#include "oauth/oauth_priv.h"

int atrium_grant_user(struct atrium_token_ctx *t, const char *user_id, struct atrium_user *ret,
                      struct atrium_oauth_error *e)
{
    int rc = t->s->ops->user_get(t->s, t->tenant_id, user_id, ret);
    if (rc == ATRIUM_ENOTFOUND)
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_grant", 50034, 400,
                                 "The user account does not exist in the directory.");
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    if (!ret->account_enabled) {
        atrium_user_release(ret);
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_grant", 50057, 400,
                                 "The user account is disabled.");
    }
    return 0;
}

/* Resolve scope for user and mint a new family. */
static int user_tokens(struct atrium_token_ctx *t, const struct atrium_user *u, const char *scope,
                       int64_t auth_time, json_t **ret, struct atrium_oauth_error *e)
{
    struct atrium_oauth_scopes sc = {0};
    int rc =
        atrium_oauth_scopes_resolve(t->s, t->tenant_id, &t->client, scope, false, u->id, &sc, e);
    if (rc < 0)
        return rc;
    struct atrium_mint_request m = {
        .tenant_id = t->tenant_id,
        .client = &t->client,
        .user = u,
        .scopes = &sc,
        .requested_scope = scope,
        .auth_time = auth_time,
        .client_authenticated = t->authenticated,
        .client_info = t->req->client_info,
    };
    rc = atrium_oauth_mint(t->s, t->o, &m, ret, e);
    atrium_oauth_scopes_release(&sc);
    return rc;
}

int atrium_grant_password(struct atrium_token_ctx *t, json_t **ret, struct atrium_oauth_error *e)
{
    const struct atrium_token_request *req = t->req;
    struct atrium_user u = {0};
    struct atrium_authn_request ar = {
        .tenant_id = t->tenant_id,
        .username = req->username,
        .password = req->password,
        .client_app_id = t->client.app_id,
        .client_name = t->client.display_name,
        .ip = req->ip,
        .correlation_id = req->correlation_id,
        .grant = "password",
    };
    /* Its errors (50126, 50053, 50055, ...) go to the client unchanged. */
    int rc = atrium_oauth_authenticate(t->s, t->o, &ar, &u, e);
    if (rc == 0)
        rc = user_tokens(t, &u, req->scope, atrium_now(), ret, e);
    atrium_user_release(&u);
    return rc;
}

static int device_not_found(struct atrium_oauth_error *e)
{
    return atrium_oauth_fail(e, ATRIUM_ENOTFOUND, "bad_verification_code", 70000, 400,
                             "The provided value for the input parameter 'device_code' is not "
                             "valid.");
}

/* Not (yet) approved: pending, slow_down, declined, expired or already redeemed. */
static int device_waiting(const struct atrium_token_ctx *t, const struct atrium_device_code *d,
                          int64_t now, struct atrium_oauth_error *e)
{
    if (d->expires <= now)
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "expired_token", 70019, 400,
                                 "Verification code expired.");
    switch (d->status) {
    case ATRIUM_DEVICE_PENDING:
        if (d->last_poll && now - d->last_poll < t->o->cfg.device_poll_interval)
            return atrium_oauth_fail(e, ATRIUM_ERATE, "slow_down", 0, 400,
                                     "The client is polling too fast; wait %lld seconds between "
                                     "requests.",
                                     (long long)t->o->cfg.device_poll_interval);
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "authorization_pending", 70016, 400,
                                 "OAuth 2.0 device flow error. Authorization is pending. Continue "
                                 "polling.");
    case ATRIUM_DEVICE_DENIED:
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "authorization_declined", 70000, 400,
                                 "The user declined the authorization request.");
    default:
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_grant", 70000, 400,
                                 "The provided value for 'device_code' was already redeemed.");
    }
}

int atrium_grant_device_code(struct atrium_token_ctx *t, json_t **ret, struct atrium_oauth_error *e)
{
    struct atrium_device_code d = {0};
    struct atrium_user u = {0};
    char hash[ATRIUM_TOKEN_HASH_LEN + 1];
    int64_t now = atrium_now();
    const char *code = t->req->device_code;

    atrium_token_hash(code, strlen(code), hash);
    int rc =
        t->s->oauth ? t->s->oauth->device_poll(t->s, t->tenant_id, hash, now, &d) : ATRIUM_ESTORE;
    if (rc == ATRIUM_ENOTFOUND)
        rc = device_not_found(e);
    else if (rc < 0)
        rc = atrium_oauth_fail_store(e, rc);
    else if (!atrium_str_ieq(d.client_id, t->client.app_id))
        rc = device_not_found(e);
    else if (d.status != ATRIUM_DEVICE_APPROVED || d.expires <= now)
        rc = device_waiting(t, &d, now, e);
    else if ((rc = atrium_grant_user(t, d.user_id, &u, e)) == 0)
        rc = user_tokens(t, &u, d.scope, d.auth_time, ret, e);
    atrium_user_release(&u);
    atrium_device_code_release(&d);
    return rc;
}
