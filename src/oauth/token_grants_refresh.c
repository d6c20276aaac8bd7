/* SPDX-License-Identifier: MIT */
/*
 * The refresh token grant: rotation on every use (the presented token is
 * marked used and a new one of the same family issued, in one transaction),
 * reuse detection (presenting a used or revoked token revokes the whole
 * family), client binding, and a scope that may differ from the original
 * (one resource, consent checked again, as Entra's multi-resource refresh
 * tokens). A scope or consent error rolls back, leaving the token valid.
 */
#include "oauth/token_grants.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "crypto/secret.h"
#include "oauth/mint.h"
#include "oauth/oauth_priv.h"

/* Revoke the family, keep that (commit), and answer with the error already in *e. */
static int revoke_and_fail(struct atrium_token_ctx *t, const char *family_id, int rc,
                           struct atrium_oauth_error *e)
{
    struct atrium_store *s = t->s;
    int r = s->oauth->refresh_revoke_family(s, t->tenant_id, family_id, NULL);
    if (r == 0)
        r = atrium_store_commit(s);
    if (r < 0) {
        atrium_store_rollback(s);
        return atrium_oauth_fail_store(e, r);
    }
    return rc;
}

static int use_fail(struct atrium_token_ctx *t, int rc, const struct atrium_refresh_token *rt,
                    struct atrium_oauth_error *e)
{
    if (rc == ATRIUM_ECONFLICT) {
        if (rt->used)
            atrium_oauth_fail(e, rc, "invalid_grant", 70000, 400,
                              "The provided refresh token was already used; every token of its "
                              "grant has been revoked. Sign in again.");
        else
            atrium_oauth_fail(e, rc, "invalid_grant", 70008, 400,
                              "The refresh token has been revoked. Sign in again.");
        return revoke_and_fail(t, rt->family_id, rc, e);
    }
    atrium_store_rollback(t->s);
    if (rc == ATRIUM_ENOTFOUND)
        return atrium_oauth_fail(e, rc, "invalid_grant", 70008, 400,
                                 "The provided authorization code or refresh token has expired "
                                 "due to inactivity or is invalid. Sign in again.");
    return atrium_oauth_fail_store(e, rc);
}

/* Rotate: mint with the same family and auth_time; the caller commits. */
static int rotate(struct atrium_token_ctx *t, const struct atrium_refresh_token *rt,
                  const struct atrium_user *u, json_t **ret, struct atrium_oauth_error *e)
{
    struct atrium_oauth_scopes sc = {0};
    const char *scope = t->req->scope && *t->req->scope ? t->req->scope : rt->scope;
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
        .auth_time = rt->auth_time,
        .family_id = rt->family_id,
        .rotate = true,
        .client_authenticated = t->authenticated,
        .client_info = t->req->client_info,
    };
    rc = atrium_oauth_mint(t->s, t->o, &m, ret, e);
    atrium_oauth_scopes_release(&sc);
    return rc;
}

/* After a successful use: bind to the client and user, then rotate; commits or rolls back. */
static int refresh_live(struct atrium_token_ctx *t, const struct atrium_refresh_token *rt,
                        json_t **ret, struct atrium_oauth_error *e)
{
    struct atrium_user u = {0};
    if (!atrium_str_ieq(rt->client_id, t->client.app_id)) {
        /* Another client holds this client's token: treat it as stolen. */
        atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_grant", 70000, 400,
                          "The provided refresh token was issued to another client.");
        return revoke_and_fail(t, rt->family_id, ATRIUM_EAUTH, e);
    }
    int rc = atrium_grant_user(t, rt->user_id, &u, e);
    if (rc == ATRIUM_EAUTH) /* the user is gone or disabled: so is the family */
        return revoke_and_fail(t, rt->family_id, rc, e);
    if (rc < 0) {
        atrium_store_rollback(t->s);
        return rc;
    }
    rc = rotate(t, rt, &u, ret, e);
    atrium_user_release(&u);
    if (rc == 0 && (rc = atrium_store_commit(t->s)) < 0) {
        json_decref(*ret);
        *ret = NULL;
        atrium_oauth_fail_store(e, rc);
    }
    if (rc < 0)
        atrium_store_rollback(t->s);
    return rc;
}

int atrium_grant_refresh_token(struct atrium_token_ctx *t, json_t **ret,
                               struct atrium_oauth_error *e)
{
    struct atrium_refresh_token rt = {0};
    char hash[ATRIUM_TOKEN_HASH_LEN + 1];
    const char *token = t->req->refresh_token;

    if (!t->s->oauth)
        return atrium_oauth_fail_store(e, ATRIUM_ESTORE);
    atrium_token_hash(token, strlen(token), hash);
    int rc = atrium_store_begin(t->s);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    rc = t->s->oauth->refresh_use(t->s, t->tenant_id, hash, atrium_now(), &rt);
    if (rc < 0)
        rc = use_fail(t, rc, &rt, e);
    else
        rc = refresh_live(t, &rt, ret, e);
    atrium_refresh_token_release(&rt);
    return rc;
}
