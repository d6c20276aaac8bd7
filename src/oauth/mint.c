/* SPDX-License-Identifier: MIT */
/*
 * Minting: access tokens (Entra v2.0 claims: aud, iss, iat, nbf, exp, azp,
 * azpacr, oid, sub, tid, scp/roles, wids, groups/hasgroups, uti, ver,
 * idtyp), ID tokens,
 * refresh tokens (opaque, stored hashed, in rotation families) and the
 * token response. See mint.h.
 */
#include "oauth/mint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/jwt.h"
#include "crypto/secret.h"
#include "oauth/groups_claim.h"
#include "oauth/oauth_priv.h"

#define UTI_BYTES 16
#define SECRET_PREFIX_LEN 4 /* "hs1." of the keyed hash */

int atrium_oauth_pairwise_sub(const struct atrium_oauth *o, const char *tenant_id,
                              const char *user_id, const char *client_app_id,
                              char out[ATRIUM_OAUTH_SUB_LEN + 1])
{
    char *stored = NULL;
    /* Domain-separated input, so the MAC never equals a client-secret hash. */
    char *input = xasprintf("atrium pairwise sub v1|%s|%s|%s", tenant_id, user_id, client_app_id);
    atrium_str_lower(input);
    int rc = o->secrets ? atrium_client_secret_hash(o->secrets, input, &stored) : ATRIUM_EINTERNAL;
    free(input);
    if (rc < 0)
        return rc;
    snprintf(out, ATRIUM_OAUTH_SUB_LEN + 1, "%s", stored + SECRET_PREFIX_LEN);
    free(stored);
    return 0;
}

static void set_str(json_t *obj, const char *key, const char *value)
{
    if (value)
        json_object_set_new(obj, key, json_string(value));
}

static void set_uti(json_t *claims)
{
    unsigned char raw[UTI_BYTES];
    char uti[UTI_BYTES * 2];
    atrium_random_bytes(raw, sizeof(raw));
    atrium_b64url_encode(raw, sizeof(raw), uti);
    json_object_set_new(claims, "uti", json_string(uti));
}

/* The directory role template ids of the user, as a JSON array. */
static int user_wids(struct atrium_store *s, const char *tenant_id, const char *user_id,
                     json_t **ret)
{
    struct atrium_role_assignment_list l = {0};
    int rc = s->ops->role_assignments_for(s, tenant_id, user_id, &l);
    if (rc == ATRIUM_ENOTFOUND)
        rc = 0;
    json_t *wids = json_array();
    for (size_t i = 0; i < l.count; i++) {
        bool dup = false;
        size_t j;
        json_t *v;
        json_array_foreach(wids, j, v)
        {
            dup = dup || strcmp(json_string_value(v), l.items[i].role_template_id) == 0;
        }
        if (!dup)
            json_array_append_new(wids, json_string(l.items[i].role_template_id));
    }
    atrium_role_assignment_list_release(&l);
    if (rc < 0) {
        json_decref(wids);
        return rc;
    }
    *ret = wids;
    return 0;
}

static json_t *time_claims(const char *aud, const char *iss, int64_t now, int64_t lifetime)
{
    return json_pack("{s:s, s:s, s:I, s:I, s:I}", "aud", aud, "iss", iss, "iat", (json_int_t)now,
                     "nbf", (json_int_t)now, "exp", (json_int_t)(now + lifetime));
}

static int access_claims(struct atrium_store *s, const struct atrium_oauth *o,
                         const struct atrium_mint_request *req, const char *iss, int64_t now,
                         json_t **ret)
{
    const struct atrium_oauth_scopes *sc = req->scopes;
    const struct atrium_user *u = req->user;
    json_t *c = time_claims(sc->resource_uri, iss, now, o->cfg.access_token_lifetime);
    json_t *wids = NULL;
    char sub[ATRIUM_OAUTH_SUB_LEN + 1];
    int rc = 0;

    set_str(c, "azp", req->client->app_id);
    set_str(c, "azpacr", req->client_authenticated ? "1" : "0");
    if (!u) {
        /* App-only: the client's service principal is the subject. */
        set_str(c, "idtyp", "app");
        set_str(c, "oid", req->client->sp_id);
    } else {
        set_str(c, "name", u->display_name);
        set_str(c, "oid", u->id);
        set_str(c, "preferred_username", u->upn);
    }
    if (json_array_size(sc->roles))
        json_object_set(c, "roles", sc->roles);
    if (u && sc->granted && *sc->granted)
        set_str(c, "scp", sc->granted);
    if (u)
        rc = atrium_oauth_pairwise_sub(o, req->tenant_id, u->id, req->client->app_id, sub);
    set_str(c, "sub", u ? sub : req->client->sp_id);
    set_str(c, "tid", req->tenant_id);
    set_uti(c);
    set_str(c, "ver", "2.0");
    if (rc == 0 && u && (rc = user_wids(s, req->tenant_id, u->id, &wids)) == 0 &&
        json_array_size(wids))
        json_object_set(c, "wids", wids);
    json_decref(wids);
    if (rc == 0 && u)
        rc = atrium_oauth_access_groups(s, req, c);
    if (rc < 0) {
        json_decref(c);
        return rc;
    }
    *ret = c;
    return 0;
}

static int id_claims(const struct atrium_oauth *o, const struct atrium_mint_request *req,
                     const char *iss, int64_t now, json_t **ret)
{
    const struct atrium_user *u = req->user;
    char sub[ATRIUM_OAUTH_SUB_LEN + 1];
    int rc = atrium_oauth_pairwise_sub(o, req->tenant_id, u->id, req->client->app_id, sub);
    if (rc < 0)
        return rc;
    json_t *c = time_claims(req->client->app_id, iss, now, o->cfg.access_token_lifetime);
    json_object_set_new(c, "auth_time", json_integer(req->auth_time ? req->auth_time : now));
    if (req->scopes->email && u->mail && *u->mail)
        set_str(c, "email", u->mail);
    set_str(c, "name", u->display_name);
    if (req->nonce && *req->nonce)
        set_str(c, "nonce", req->nonce);
    set_str(c, "oid", u->id);
    set_str(c, "preferred_username", u->upn);
    set_str(c, "sub", sub);
    set_str(c, "tid", req->tenant_id);
    set_uti(c);
    set_str(c, "ver", "2.0");
    *ret = c;
    return 0;
}

/* Store a new refresh token of the family; *ret_token is the value for the client. */
static int refresh_issue(struct atrium_store *s, const struct atrium_oauth *o,
                         const struct atrium_mint_request *req, const char *family_id, int64_t now,
                         char **ret_token)
{
    struct atrium_refresh_token t = {0};
    char *token = atrium_oauth_opaque_new(req->tenant_id);
    atrium_token_hash(token, strlen(token), t.token_hash);
    snprintf(t.tenant_id, sizeof(t.tenant_id), "%s", req->tenant_id);
    snprintf(t.family_id, sizeof(t.family_id), "%s", family_id);
    snprintf(t.client_id, sizeof(t.client_id), "%s", req->client->app_id);
    snprintf(t.user_id, sizeof(t.user_id), "%s", req->user->id);
    t.scope = (char *)(req->refresh_scope ? req->refresh_scope : req->requested_scope);
    t.auth_time = req->auth_time ? req->auth_time : now;
    t.created = now;
    t.expires = now + o->cfg.refresh_token_lifetime;
    int rc = s->oauth ? s->oauth->refresh_insert(s, &t) : ATRIUM_ESTORE;
    if (rc < 0) {
        free(token);
        return rc;
    }
    *ret_token = token;
    return 0;
}

/* A compact JWS as a JSON string: base64url and dots, so jansson's UTF-8 check can be skipped. */
static json_t *jws_string(const char *jws)
{
    return json_stringn_nocheck(jws, strlen(jws));
}

static char *client_info(const char *uid, const char *utid)
{
    json_t *ci = json_pack("{s:s, s:s}", "uid", uid, "utid", utid);
    char *text = json_dumps(ci, JSON_COMPACT);
    char *b64 = atrium_b64url_encode_alloc(text, strlen(text));
    free(text);
    json_decref(ci);
    return b64;
}

static int sign(struct atrium_keyring *kr, json_t *claims, char **ret)
{
    int rc = atrium_jwt_sign(kr, claims, ret);
    json_decref(claims);
    return rc;
}

/* The signed tokens of a user grant, added to the response. */
static int mint_user_tokens(struct atrium_store *s, const struct atrium_oauth *o,
                            const struct atrium_mint_request *req, const char *iss, int64_t now,
                            json_t *resp)
{
    char *id_token = NULL, *refresh = NULL;
    json_t *claims = NULL;
    int rc = 0;
    if (req->scopes->offline_access || req->rotate) {
        char family[ATRIUM_UUID_LEN + 1];
        if (req->family_id && *req->family_id)
            snprintf(family, sizeof(family), "%s", req->family_id);
        else
            atrium_uuid_v4(family);
        rc = refresh_issue(s, o, req, family, now, &refresh);
    }
    if (rc == 0 && req->scopes->openid && (rc = id_claims(o, req, iss, now, &claims)) == 0) {
        if ((rc = atrium_oauth_id_groups(s, req, claims)) == 0)
            rc = sign(o->keyring, claims, &id_token);
        else
            json_decref(claims);
    }
    if (rc == 0) {
        if (refresh)
            json_object_set_new(resp, "refresh_token", json_string(refresh));
        if (id_token)
            json_object_set_new(resp, "id_token", jws_string(id_token));
        if (req->client_info) {
            char *ci = client_info(req->user->id, req->tenant_id);
            json_object_set_new(resp, "client_info", json_string(ci));
            free(ci);
        }
    }
    free(refresh);
    free(id_token);
    return rc;
}

int atrium_oauth_mint(struct atrium_store *s, const struct atrium_oauth *o,
                      const struct atrium_mint_request *req, json_t **ret,
                      struct atrium_oauth_error *e)
{
    int64_t now = atrium_now();
    char *iss = atrium_oauth_issuer(o, req->tenant_id);
    char *access = NULL;
    json_t *claims = NULL;
    json_t *resp = json_object();

    json_object_set_new(resp, "token_type", json_string("Bearer"));
    if (req->user) {
        char *scope = atrium_oauth_scopes_response(req->scopes, req->requested_scope);
        json_object_set_new(resp, "scope", json_string(scope));
        free(scope);
    }
    json_object_set_new(resp, "expires_in", json_integer(o->cfg.access_token_lifetime));
    json_object_set_new(resp, "ext_expires_in", json_integer(o->cfg.access_token_lifetime));
    int rc = access_claims(s, o, req, iss, now, &claims);
    if (rc == 0 && (rc = sign(o->keyring, claims, &access)) == 0) {
        json_object_set_new(resp, "access_token", jws_string(access));
        if (req->user)
            rc = mint_user_tokens(s, o, req, iss, now, resp);
    }
    free(access);
    free(iss);
    if (rc < 0) {
        json_decref(resp);
        return atrium_oauth_fail_store(e, rc);
    }
    *ret = resp;
    return 0;
}
