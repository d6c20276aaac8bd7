/* SPDX-License-Identifier: MIT */
/*
 * Authorization codes (oauth.h atrium_oauth_code_issue): 256 random bits
 * handed to the client once, stored only as their hash together with what
 * the authorization request bound them to; single use, cfg.code_lifetime.
 * Redemption is token.c's.
 */
#include "oauth/oauth.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "oauth/authn_internal.h"
#include "oauth/oauth_priv.h"

#define PKCE_S256_CHALLENGE_LEN 43 /* base64url of SHA-256 */
#define NONCE_MAX 1024

static bool is_b64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* An S256 code_challenge: exactly 43 base64url characters. */
static bool challenge_ok(const char *c)
{
    if (strnlen(c, PKCE_S256_CHALLENGE_LEN + 1) != PKCE_S256_CHALLENGE_LEN)
        return false;
    for (size_t i = 0; i < PKCE_S256_CHALLENGE_LEN; i++)
        if (!is_b64url_char(c[i]))
            return false;
    return true;
}

static int check_request(const struct atrium_code_request *req, struct atrium_oauth_error *e)
{
    if (!req->tenant_id || !atrium_uuid_is_valid(req->tenant_id) || !req->client || !req->user_id ||
        strnlen(req->user_id, ATRIUM_UUID_LEN + 1) > ATRIUM_UUID_LEN || !*req->user_id ||
        !req->redirect_uri || !req->scope)
        return atrium_oauth_fail(e, ATRIUM_EINTERNAL, "server_error", 0, 500,
                                 "The authorization request is incomplete.");
    if (req->code_challenge && !challenge_ok(req->code_challenge))
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 501491, 400,
                                 "Invalid size of Code_Challenge parameter.");
    if (req->nonce && strnlen(req->nonce, NONCE_MAX + 1) > NONCE_MAX)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 0, 400,
                                 "The nonce parameter is too long (at most %d characters).",
                                 NONCE_MAX);
    return 0;
}

int atrium_oauth_code_issue(struct atrium_store *s, const struct atrium_oauth *o,
                            const struct atrium_code_request *req, char **ret_code,
                            struct atrium_oauth_error *e)
{
    *ret_code = NULL;
    if (!s->oauth)
        return atrium_oauth_fail(e, ATRIUM_EINTERNAL, "server_error", 0, 500,
                                 "The authorization service is not available.");
    int rc = check_request(req, e);
    if (rc < 0)
        return rc;
    struct atrium_auth_code c = {
        .redirect_uri = (char *)req->redirect_uri,
        .scope = (char *)req->scope,
        .nonce = (char *)req->nonce,
        .code_challenge = (char *)req->code_challenge,
        .session_id = (char *)(req->session_id ? req->session_id : ""),
        .auth_time = req->auth_time,
        .created = atrium_now(),
    };
    c.expires = c.created + o->cfg.code_lifetime;
    memcpy(c.tenant_id, req->tenant_id, strlen(req->tenant_id) + 1);
    memcpy(c.client_id, req->client->app_id, sizeof(c.client_id));
    memcpy(c.user_id, req->user_id, strlen(req->user_id) + 1);
    atrium_uuid_v4(c.family_id);
    char *value = atrium_oauth_value_new(c.tenant_id, c.code_hash);
    rc = s->oauth->code_insert(s, &c);
    if (rc < 0) {
        atrium_oauth_value_free(value);
        return atrium_oauth_fail_store(e, rc);
    }
    *ret_code = value;
    return 0;
}
