/* SPDX-License-Identifier: MIT */
/*
 * The JSON endpoints of the sign-in service: OpenID Connect discovery (from
 * a bounded cache: no store round trip on a hit), the JWKS, the token and
 * device authorization endpoints, and userinfo. Each parses the request,
 * calls one oauth service function and renders its result; errors come out
 * in Entra's shape (entra_error.h).
 */
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "http/doc_cache.h"
#include "http/entra_error.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "http/server_priv.h"

#define METADATA_CACHE_CONTROL "max-age=86400, private"

/* The metadata headers: cacheable, readable cross-origin (as Entra's). */
static void metadata_headers(struct atrium_resp *rs)
{
    atrium_resp_header(rs, "Cache-Control", METADATA_CACHE_CONTROL);
    atrium_resp_header(rs, "Access-Control-Allow-Origin", "*");
    atrium_resp_header(rs, "Access-Control-Allow-Methods", "GET, OPTIONS");
}

/* The {tenant} segment resolved: *ret filled unless *ret_multi. Errors are rendered (1). */
static int tenant_of(struct atrium_req *rq, struct atrium_resp *rs, struct atrium_store **ret_s,
                     struct atrium_tenant *ret, bool *ret_multi)
{
    int r = atrium_req_store(rq, ret_s);
    if (r < 0)
        return r;
    struct atrium_oauth_error e = {0};
    if (atrium_oauth_tenant(*ret_s, atrium_req_param(rq, "tenant"), ret, ret_multi, &e) < 0)
        return atrium_resp_oauth_error(rs, rq, &e) == 0 ? 1 : ATRIUM_EINTERNAL;
    if (!*ret_multi)
        atrium_req_set_tenant(rq, ret->id);
    return 0;
}

int atrium_handle_discovery(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_doc_cache *cache = rq->server ? rq->server->discovery_cache : NULL;
    char key[ATRIUM_DOC_CACHE_KEY_MAX + 1];
    char tid[ATRIUM_UUID_LEN + 1] = "";
    const char *segment = atrium_req_param(rq, "tenant");
    size_t n = segment ? strlen(segment) : 0;
    memcpy(key, segment ? segment : "", n <= ATRIUM_DOC_CACHE_KEY_MAX ? n : 0);
    key[n <= ATRIUM_DOC_CACHE_KEY_MAX ? n : 0] = '\0'; /* "": never cached */
    atrium_str_lower(key);
    if (atrium_doc_cache_get(cache, key, &rs->body, tid)) {
        rs->status = 200;
        snprintf(rs->content_type, sizeof(rs->content_type), "%s", ATRIUM_CONTENT_TYPE_JSON);
        atrium_req_set_tenant(rq, tid);
        metadata_headers(rs);
        return 0;
    }
    struct atrium_store *s;
    struct atrium_tenant t = {0};
    bool multi = false;
    int r = tenant_of(rq, rs, &s, &t, &multi);
    if (r != 0) {
        atrium_tenant_release(&t);
        return r < 0 ? r : 0;
    }
    json_t *doc = atrium_oauth_discovery(rq->app->oauth, segment, multi ? NULL : t.id);
    r = atrium_resp_json(rs, 200, doc);
    if (r == 0) {
        atrium_doc_cache_put(cache, key, rs->body.buf, rs->body.len, multi ? "" : t.id);
        metadata_headers(rs);
    }
    atrium_tenant_release(&t);
    return r;
}

int atrium_handle_jwks(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    struct atrium_tenant t = {0};
    bool multi = false;
    int r = tenant_of(rq, rs, &s, &t, &multi);
    if (r != 0) {
        atrium_tenant_release(&t);
        return r < 0 ? r : 0;
    }
    json_t *jwks = NULL;
    r = atrium_oauth_jwks(rq->app->oauth, multi ? NULL : t.id, &jwks);
    atrium_tenant_release(&t);
    if (r < 0) {
        json_decref(jwks);
        return atrium_err(&rq->err, ATRIUM_ECRYPTO, "", "cannot render the signing keys");
    }
    if ((r = atrium_resp_json(rs, 200, jwks)) == 0)
        metadata_headers(rs);
    return r;
}

/* The token endpoint's fixed response headers (Entra's). */
static void token_headers(struct atrium_resp *rs)
{
    if (!atrium_resp_header_get(rs, "Cache-Control")) {
        atrium_resp_header(rs, "Cache-Control", "no-store, no-cache");
        atrium_resp_header(rs, "Pragma", "no-cache");
    }
}

/* Render a service result: the object (consumed) or the error. */
static int render(struct atrium_req *rq, struct atrium_resp *rs, int rc, json_t *doc,
                  const struct atrium_oauth_error *e)
{
    if (rc < 0) {
        json_decref(doc);
        return atrium_resp_oauth_error(rs, rq, e);
    }
    int r = atrium_resp_json(rs, 200, doc);
    if (r == 0)
        token_headers(rs);
    return r;
}

/* Form fields named in names[] into out[] (single values; absent: NULL). */
static int form_fields(struct atrium_req *rq, const char *const *names, const char **out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int r = atrium_req_form_value(rq, names[i], &out[i]);
        if (r < 0)
            return r;
    }
    return 0;
}

/* Client authentication: Basic or client_secret in the form, not both. 1: error rendered. */
static int client_credentials(struct atrium_req *rq, struct atrium_resp *rs,
                              struct atrium_token_request *t)
{
    const char *user = NULL, *secret = NULL;
    int r = atrium_req_basic(rq, &user, &secret);
    if (r < 0)
        return r;
    if (!user)
        return 0;
    struct atrium_oauth_error e = {0};
    if (t->client_secret)
        atrium_oauth_fail(&e, ATRIUM_EINVAL, "invalid_request", 9002313, 400,
                          "Use only one client authentication method: HTTP Basic or "
                          "client_secret in the body, not both.");
    else if (t->client_id && strcmp(t->client_id, user) != 0)
        atrium_oauth_fail(&e, ATRIUM_EINVAL, "invalid_request", 9002313, 400,
                          "The client_id in the body does not match the HTTP Basic user name.");
    if (e.error)
        return atrium_resp_oauth_error(rs, rq, &e) == 0 ? 1 : ATRIUM_EINTERNAL;
    t->client_id = user;
    t->client_secret = secret;
    t->client_secret_basic = true;
    return 0;
}

int atrium_handle_token(struct atrium_req *rq, struct atrium_resp *rs)
{
    static const char *const names[] = {"grant_type",    "client_id",     "client_secret",
                                        "scope",         "code",          "redirect_uri",
                                        "code_verifier", "refresh_token", "username",
                                        "password",      "device_code",   "client_info"};
    const char *v[sizeof(names) / sizeof(names[0])];
    struct atrium_token_request t = {0};
    struct atrium_store *s;
    t.correlation_id = atrium_entra_correlation(rq);
    int r = form_fields(rq, names, v, sizeof(names) / sizeof(names[0]));
    if (r < 0)
        return r;
    t.tenant_segment = atrium_req_param(rq, "tenant");
    t.grant_type = v[0], t.client_id = v[1], t.client_secret = v[2], t.scope = v[3];
    t.code = v[4], t.redirect_uri = v[5], t.code_verifier = v[6], t.refresh_token = v[7];
    t.username = v[8], t.password = v[9], t.device_code = v[10];
    t.client_info = v[11] && strcmp(v[11], "1") == 0;
    t.ip = rq->remote_ip;
    if ((r = client_credentials(rq, rs, &t)) != 0 || (r = atrium_req_store(rq, &s)) < 0)
        return r > 0 ? 0 : r;
    json_t *doc = NULL;
    struct atrium_oauth_error e = {0};
    int rc = atrium_oauth_token(s, rq->app->oauth, &t, &doc, &e);
    r = render(rq, rs, rc, doc, &e);
    if (rc < 0 && e.status == 401 && t.client_secret_basic)
        atrium_resp_header(rs, "WWW-Authenticate", "Basic realm=\"atrium\"");
    return r;
}

int atrium_handle_token_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_oauth_error e = {0};
    atrium_oauth_fail(&e, ATRIUM_EINVAL, "invalid_request", 900561, 400,
                      "The endpoint only accepts POST requests. Received a %s request.",
                      strcmp(rq->method, "HEAD") == 0 ? "HEAD" : "GET");
    return atrium_resp_oauth_error(rs, rq, &e);
}

int atrium_handle_devicecode(struct atrium_req *rq, struct atrium_resp *rs)
{
    static const char *const names[] = {"client_id", "scope"};
    const char *v[2];
    struct atrium_store *s;
    atrium_entra_correlation(rq);
    int r = form_fields(rq, names, v, 2);
    if (r < 0 || (r = atrium_req_store(rq, &s)) < 0)
        return r;
    json_t *doc = NULL;
    struct atrium_oauth_error e = {0};
    int rc = atrium_oauth_device_start(s, rq->app->oauth, atrium_req_param(rq, "tenant"), v[0],
                                       v[1], &doc, &e);
    return render(rq, rs, rc, doc, &e);
}

int atrium_handle_userinfo(struct atrium_req *rq, struct atrium_resp *rs)
{
    const char *token = NULL;
    struct atrium_oauth_error e = {0};
    int r = atrium_req_bearer(rq, &token);
    if (r == 0 && !token) {
        atrium_oauth_fail(&e, ATRIUM_EAUTH, "invalid_request", 9002313, 401,
                          "The request has no bearer access token.");
        atrium_resp_oauth_error(rs, rq, &e);
        return atrium_resp_header(rs, "WWW-Authenticate", "Bearer realm=\"atrium\"");
    }
    struct atrium_store *s;
    json_t *doc = NULL;
    int rc = r;
    if (r < 0)
        atrium_oauth_fail(&e, ATRIUM_EAUTH, "invalid_token", 0, 401,
                          "The bearer access token is malformed.");
    else if ((r = atrium_req_store(rq, &s)) < 0)
        return r;
    else
        rc = atrium_oauth_userinfo(s, rq->app->oauth, token, &doc, &e);
    if (rc == 0)
        return atrium_resp_json(rs, 200, doc);
    json_decref(doc);
    atrium_resp_oauth_error(rs, rq, &e);
    if (e.status == 401)
        atrium_resp_header(rs, "WWW-Authenticate",
                           "Bearer realm=\"atrium\", error=\"invalid_token\"");
    return 0;
}
