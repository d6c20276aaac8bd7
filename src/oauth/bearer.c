/* SPDX-License-Identifier: MIT */
/*
 * Bearer access tokens presented to the directory API: RS256 signature with
 * a published key, times (5 min leeway), issuer of the token's own tenant,
 * audience of the directory API, and a principal (user or client service
 * principal) that still exists and is enabled. Verified tokens are cached by
 * hash until their exp; the principal is checked again every minute.
 */
#include "oauth/oauth.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/jwt.h"
#include "crypto/secret.h"
#include "model/builtin_apps.h"
#include "oauth/bearer_cache.h"

#define RECHECK_SECONDS 60

static int reject(struct atrium_errinfo *e, const char *why)
{
    return atrium_err(e, ATRIUM_EAUTH, "token", "%s", why);
}

static const char *claim_str(const json_t *claims, const char *name)
{
    return json_string_value(json_object_get(claims, name));
}

static bool is_guid_claim(const json_t *claims, const char *name)
{
    const char *v = claim_str(claims, name);
    return v && atrium_uuid_is_valid(v);
}

/* Copy the strings of a JSON array (or a space-separated string) into items. */
static int fill_items(const json_t *v, char **items, size_t *count)
{
    size_t i;
    json_t *x;
    if (!v)
        return 0;
    if (json_is_string(v)) {
        char *copy = xstrdup(json_string_value(v));
        char *save = NULL;
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
            if (*count < ATRIUM_PRINCIPAL_MAX_ITEMS)
                items[(*count)++] = xstrdup(t);
        free(copy);
        return 0;
    }
    if (!json_is_array(v))
        return ATRIUM_EAUTH;
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x))
            return ATRIUM_EAUTH;
        if (*count < ATRIUM_PRINCIPAL_MAX_ITEMS)
            items[(*count)++] = xstrdup(json_string_value(x));
    }
    return 0;
}

/* The claims of a directory API access token issued by the token's own tenant. */
static int check_claims(const struct atrium_oauth *o, const json_t *claims,
                        struct atrium_errinfo *e)
{
    const char *aud = claim_str(claims, "aud");
    if (!is_guid_claim(claims, "tid") || !is_guid_claim(claims, "oid") ||
        !is_guid_claim(claims, "azp"))
        return reject(e, "The token lacks its tenant, object or client id.");
    char *iss = atrium_oauth_issuer(o, claim_str(claims, "tid"));
    bool iss_ok = claim_str(claims, "iss") && strcmp(claim_str(claims, "iss"), iss) == 0;
    free(iss);
    if (!iss_ok)
        return reject(e, "The token's issuer is not the issuer of its tenant.");
    if (!aud || (strcmp(aud, ATRIUM_GRAPH_RESOURCE_URI) != 0 && strcmp(aud, ATRIUM_GRAPH_APP_ID)))
        return reject(e, "The token's audience is not this API.");
    if (!claim_str(claims, "ver") || strcmp(claim_str(claims, "ver"), "2.0") != 0)
        return reject(e, "The token is not an access token of this service.");
    return 0;
}

static int to_principal(const json_t *claims, struct atrium_principal *p, struct atrium_errinfo *e)
{
    const char *idtyp = claim_str(claims, "idtyp");
    const char *uti = claim_str(claims, "uti");
    memset(p, 0, sizeof(*p));
    snprintf(p->tenant_id, sizeof(p->tenant_id), "%s", claim_str(claims, "tid"));
    p->app_only = idtyp && strcmp(idtyp, "app") == 0;
    if (!p->app_only)
        snprintf(p->user_id, sizeof(p->user_id), "%s", claim_str(claims, "oid"));
    snprintf(p->client_app_id, sizeof(p->client_app_id), "%s", claim_str(claims, "azp"));
    snprintf(p->token_id, sizeof(p->token_id), "%s", uti ? uti : "");
    atrium_str_lower(p->tenant_id);
    atrium_str_lower(p->user_id);
    if (fill_items(p->app_only ? NULL : json_object_get(claims, "scp"), p->scopes,
                   &p->scope_count) < 0 ||
        fill_items(json_object_get(claims, "roles"), p->roles, &p->role_count) < 0 ||
        fill_items(p->app_only ? NULL : json_object_get(claims, "wids"), p->wids, &p->wid_count) <
            0) {
        atrium_principal_release(p);
        return reject(e, "The token's permission claims are malformed.");
    }
    return 0;
}

/* The user (or, app-only, the client's service principal) still exists and is enabled. */
static int principal_active(struct atrium_store *s, const struct atrium_principal *p,
                            const char *oid, struct atrium_errinfo *e)
{
    bool enabled = false;
    int rc;
    if (!p->app_only) {
        struct atrium_user u = {0};
        rc = s->ops->user_get(s, p->tenant_id, p->user_id, &u);
        enabled = rc == 0 && u.account_enabled;
        atrium_user_release(&u);
    } else if (s->oauth) {
        struct atrium_service_principal sp = {0};
        rc = s->oauth->sp_get(s, p->tenant_id, oid, &sp);
        enabled = rc == 0 && sp.account_enabled;
        atrium_service_principal_release(&sp);
    } else {
        rc = ATRIUM_ESTORE;
    }
    if (rc < 0 && rc != ATRIUM_ENOTFOUND)
        return atrium_err(e, rc, "", "The store failed.");
    return enabled ? 0 : reject(e, "The token's user or application is disabled or deleted.");
}

/* Full verification; *ret_exp is the token's exp. */
static int verify(struct atrium_store *s, const struct atrium_oauth *o, const char *token,
                  int64_t now, struct atrium_principal *ret, int64_t *ret_exp,
                  struct atrium_errinfo *e)
{
    json_t *claims = NULL;
    int rc = atrium_jwt_verify(o->keyring, token, ATRIUM_JWT_MAX_LEN, &claims, e);
    if (rc < 0)
        return ATRIUM_EAUTH;
    if ((rc = atrium_jwt_check_times(claims, now, ATRIUM_JWT_LEEWAY, e)) < 0 ||
        (rc = check_claims(o, claims, e)) < 0 || (rc = to_principal(claims, ret, e)) < 0) {
        json_decref(claims);
        return ATRIUM_EAUTH;
    }
    *ret_exp = json_integer_value(json_object_get(claims, "exp"));
    char oid[ATRIUM_UUID_LEN + 1];
    snprintf(oid, sizeof(oid), "%s", claim_str(claims, "oid"));
    atrium_str_lower(oid);
    json_decref(claims);
    if ((rc = principal_active(s, ret, oid, e)) < 0)
        atrium_principal_release(ret);
    return rc;
}

/* A cache hit whose minute is up: check the principal again (app-only: by the cached oid). */
static int recheck(struct atrium_store *s, const struct atrium_oauth *o, const char *key,
                   const char *token, int64_t now, struct atrium_principal *p,
                   struct atrium_errinfo *e)
{
    int64_t exp = 0;
    if (!p->app_only) {
        int rc = principal_active(s, p, NULL, e);
        if (rc == 0)
            atrium_bearer_cache_rechecked(o->bearer_cache, key, now + RECHECK_SECONDS);
        return rc;
    }
    /* App-only principals do not carry the service principal id: verify again. */
    atrium_principal_release(p);
    int rc = verify(s, o, token, now, p, &exp, e);
    if (rc == 0)
        atrium_bearer_cache_rechecked(o->bearer_cache, key, now + RECHECK_SECONDS);
    return rc;
}

int atrium_oauth_bearer_validate(struct atrium_store *s, const struct atrium_oauth *o,
                                 const char *token, struct atrium_principal *ret,
                                 struct atrium_errinfo *e)
{
    char key[ATRIUM_TOKEN_HASH_LEN + 1];
    int64_t now = atrium_now(), exp = 0;
    bool due = false;
    memset(ret, 0, sizeof(*ret));
    if (!token || !*token)
        return reject(e, "No bearer token.");
    size_t n = strnlen(token, ATRIUM_JWT_MAX_LEN + 1);
    if (n > ATRIUM_JWT_MAX_LEN)
        return reject(e, "The bearer token is too long.");
    atrium_token_hash(token, n, key);
    struct atrium_bearer_cache *c = o->bearer_cache;
    if (c && atrium_bearer_cache_get(c, key, now, ret, &due)) {
        int rc = due ? recheck(s, o, key, token, now, ret, e) : 0;
        if (rc < 0) {
            atrium_bearer_cache_remove(c, key);
            atrium_principal_release(ret);
        }
        return rc;
    }
    int rc = verify(s, o, token, now, ret, &exp, e);
    if (rc == 0 && c && exp > now)
        atrium_bearer_cache_put(c, key, now, exp, now + RECHECK_SECONDS, ret);
    return rc;
}
