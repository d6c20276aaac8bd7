/* SPDX-License-Identifier: MIT */
/*
 * The OpenID Connect userinfo endpoint: claims about the signed-in user of a
 * directory API access token holding "openid" — sub (the same pairwise
 * value as the ID tokens of that client), and name, preferred_username,
 * given_name, family_name with "profile", email with "email".
 */
#include "oauth/oauth.h"

#include "core/err.h"
#include "oauth/mint.h"
#include "oauth/oauth_priv.h"

static void set_str(json_t *obj, const char *key, const char *value)
{
    if (value && *value)
        json_object_set_new(obj, key, json_string(value));
}

static int user_claims(struct atrium_store *s, const struct atrium_oauth *o,
                       const struct atrium_principal *p, json_t **ret, struct atrium_oauth_error *e)
{
    struct atrium_user u = {0};
    char sub[ATRIUM_OAUTH_SUB_LEN + 1];
    int rc = s->ops->user_get(s, p->tenant_id, p->user_id, &u);
    if (rc == ATRIUM_ENOTFOUND)
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_token", 0, 401,
                                 "The token's user does not exist.");
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    rc = atrium_oauth_pairwise_sub(o, p->tenant_id, u.id, p->client_app_id, sub);
    if (rc < 0) {
        atrium_user_release(&u);
        return atrium_oauth_fail_store(e, rc);
    }
    json_t *c = json_object();
    set_str(c, "sub", sub);
    if (atrium_principal_has_permission(p, "profile")) {
        set_str(c, "name", u.display_name);
        set_str(c, "preferred_username", u.upn);
        set_str(c, "given_name", u.given_name);
        set_str(c, "family_name", u.surname);
    }
    if (atrium_principal_has_permission(p, "email"))
        set_str(c, "email", u.mail);
    atrium_user_release(&u);
    *ret = c;
    return 0;
}

int atrium_oauth_userinfo(struct atrium_store *s, const struct atrium_oauth *o, const char *token,
                          json_t **ret, struct atrium_oauth_error *e)
{
    struct atrium_principal p = {0};
    struct atrium_errinfo ei = {0};
    int rc = atrium_oauth_bearer_validate(s, o, token, &p, &ei);
    if (rc == ATRIUM_EAUTH)
        return atrium_oauth_fail(e, rc, "invalid_token", 0, 401, "%s", ei.message);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    if (p.app_only)
        rc = atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_token", 0, 401,
                               "The userinfo endpoint needs a token for a signed-in user.");
    else if (!atrium_principal_has_permission(&p, "openid"))
        rc = atrium_oauth_fail(e, ATRIUM_EFORBIDDEN, "insufficient_scope", 0, 403,
                               "The token was not granted the 'openid' scope.");
    else
        rc = user_claims(s, o, &p, ret, e);
    atrium_principal_release(&p);
    return rc;
}
