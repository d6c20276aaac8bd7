/* SPDX-License-Identifier: MIT */
/*
 * The authorization code grant: single-use redemption (a replay revokes
 * every token the first redemption produced), client and redirect URI
 * binding, and PKCE (S256 only; a verifier without a challenge is refused;
 * public clients must have used it).
 */
#include "oauth/token_grants.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "crypto/ctcmp.h"
#include "crypto/secret.h"
#include "oauth/mint.h"
#include "oauth/oauth_priv.h"

#define VERIFIER_MIN 43
#define VERIFIER_MAX 128

static int pkce_fail(struct atrium_oauth_error *e, const char *why)
{
    return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_grant", 501481, 400,
                             "The code_verifier does not match the code_challenge supplied in "
                             "the authorization request for PKCE. %s",
                             why);
}

/* RFC 7636 §4.1: 43-128 characters of [A-Za-z0-9-._~]. */
static bool verifier_wellformed(const char *v)
{
    size_t n = strnlen(v, VERIFIER_MAX + 1);
    if (n < VERIFIER_MIN || n > VERIFIER_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == '~'))
            return false;
    }
    return true;
}

static int pkce_check(const struct atrium_auth_code *c, const struct atrium_oauth_client *client,
                      const char *verifier, struct atrium_oauth_error *e)
{
    bool challenge = c->code_challenge && *c->code_challenge;
    bool sent = verifier && *verifier;
    if (!challenge && sent)
        return pkce_fail(e, "A code_verifier was sent but the request carried no code_challenge.");
    if (!challenge && client->is_public)
        return pkce_fail(e, "Public clients must use PKCE.");
    if (!challenge)
        return 0;
    if (!sent)
        return pkce_fail(e, "The code_verifier is missing.");
    if (!verifier_wellformed(verifier))
        return pkce_fail(e, "The code_verifier is malformed.");
    /* S256: base64url(SHA-256(verifier)) is exactly the token hash. */
    char hash[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash(verifier, strlen(verifier), hash);
    if (!atrium_ct_equal(hash, strlen(hash), c->code_challenge, strlen(c->code_challenge)))
        return pkce_fail(e, "");
    return 0;
}

static int redeem_fail(struct atrium_token_ctx *t, int rc, const struct atrium_auth_code *c,
                       struct atrium_oauth_error *e)
{
    if (rc == ATRIUM_ENOTFOUND)
        return atrium_oauth_fail(e, rc, "invalid_grant", 70008, 400,
                                 "The provided authorization code or refresh token has expired "
                                 "due to inactivity or is invalid. Send a new interactive "
                                 "authorization request for this user and resource.");
    if (rc == ATRIUM_ECONFLICT) {
        /* A replay: whatever the first redemption produced is revoked. */
        int r = t->s->oauth->refresh_revoke_family(t->s, t->tenant_id, c->family_id, NULL);
        if (r < 0)
            return atrium_oauth_fail_store(e, r);
        return atrium_oauth_fail(e, rc, "invalid_grant", 54005, 400,
                                 "OAuth2 Authorization code was already redeemed, please retry "
                                 "with a new valid code or use an existing refresh token.");
    }
    return atrium_oauth_fail_store(e, rc);
}

/* The code belongs to this client and redirect URI, and PKCE holds. */
static int code_check(const struct atrium_token_ctx *t, const struct atrium_auth_code *c,
                      struct atrium_oauth_error *e)
{
    if (!atrium_str_ieq(c->client_id, t->client.app_id))
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_grant", 70000, 400,
                                 "The provided authorization code was issued to another client.");
    if (!c->redirect_uri || strcmp(c->redirect_uri, t->req->redirect_uri) != 0)
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_grant", 70000, 400,
                                 "The provided value for the input parameter 'redirect_uri' is "
                                 "not valid. The value must exactly match the redirect URI used "
                                 "to obtain the authorization code.");
    return pkce_check(c, &t->client, t->req->code_verifier, e);
}

static int code_tokens(struct atrium_token_ctx *t, const struct atrium_auth_code *c, json_t **ret,
                       struct atrium_oauth_error *e)
{
    struct atrium_user u = {0};
    struct atrium_oauth_scopes sc = {0};
    int rc = atrium_grant_user(t, c->user_id, &u, e);
    if (rc < 0)
        return rc;
    /* The scope the user approved, resolved again now (consent may have changed). */
    rc = atrium_oauth_scopes_resolve(t->s, t->tenant_id, &t->client, c->scope, false, u.id, &sc, e);
    if (rc == 0) {
        struct atrium_mint_request m = {
            .tenant_id = t->tenant_id,
            .client = &t->client,
            .user = &u,
            .scopes = &sc,
            .requested_scope = c->scope,
            .nonce = c->nonce,
            .auth_time = c->auth_time,
            .family_id = c->family_id,
            .client_authenticated = t->authenticated,
            .client_info = t->req->client_info,
        };
        rc = atrium_oauth_mint(t->s, t->o, &m, ret, e);
    }
    atrium_oauth_scopes_release(&sc);
    atrium_user_release(&u);
    return rc;
}

/*
 * One transaction from redemption to the stored refresh token: a replay
 * arriving meanwhile waits for it, then finds the family complete and
 * revokes all of it. A refused redemption (PKCE, redirect URI, client) is
 * committed too: the code stays spent.
 */
int atrium_grant_authorization_code(struct atrium_token_ctx *t, json_t **ret,
                                    struct atrium_oauth_error *e)
{
    struct atrium_auth_code c = {0};
    char hash[ATRIUM_TOKEN_HASH_LEN + 1];
    const char *code = t->req->code;

    if (!t->s->oauth)
        return atrium_oauth_fail_store(e, ATRIUM_ESTORE);
    atrium_token_hash(code, strlen(code), hash);
    int rc = atrium_store_begin(t->s);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    rc = t->s->oauth->code_redeem(t->s, t->tenant_id, hash, atrium_now(), &c);
    if (rc < 0)
        rc = redeem_fail(t, rc, &c, e);
    else if ((rc = code_check(t, &c, e)) == 0)
        rc = code_tokens(t, &c, ret, e);
    atrium_auth_code_release(&c);
    int r = atrium_store_commit(t->s);
    if (r < 0) {
        atrium_store_rollback(t->s);
        if (rc == 0) {
            json_decref(*ret);
            *ret = NULL;
        }
        return atrium_oauth_fail_store(e, r);
    }
    return rc;
}
