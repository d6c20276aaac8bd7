/* SPDX-License-Identifier: MIT */
/*
 * The end of an authorization request: consent, the code, and delivering
 * the response (or an error) to the client's redirect URI in its
 * response_mode; see authorize_flow.h.
 */
#include "http/authorize_flow.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "http/entra_error.h"
#include "http/pages.h"
#include "http/request.h"
#include "http/server.h"
#include "model/builtin_apps.h"

#define CONSENT_PERMISSIONS_MAX 32

char *atrium_authz_issuer(const struct atrium_flow *f)
{
    return atrium_oauth_issuer(f->rq->app->oauth, f->tenant.id);
}

int atrium_authz_deliver(struct atrium_flow *f, const struct atrium_authz_params *p,
                         const struct atrium_kv_list *fields)
{
    if (p->mode == ATRIUM_AUTHZ_FORM_POST) {
        struct atrium_buf b;
        atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
        int r = atrium_page_form_post(&b, p->redirect_uri, fields);
        if (r == 0)
            r = atrium_flow_send_form_post(f, &b);
        atrium_buf_release(&b);
        return r;
    }
    AUTO_FREE char *url = atrium_authz_redirect_url(p->redirect_uri, p->mode, fields);
    if (!url)
        return atrium_err(&f->rq->err, ATRIUM_ETOOBIG, "", "The response is too large.");
    return atrium_flow_redirect(f, url);
}

int atrium_authz_fail(struct atrium_flow *f, const struct atrium_authz_params *p,
                      const struct atrium_oauth_error *e)
{
    char description[sizeof(e->description) + 32];
    char codes[24];
    int code = atrium_entra_code(e);
    snprintf(description, sizeof(description), "AADSTS%d: %s", code, e->description);
    snprintf(codes, sizeof(codes), "[%d]", code);
    AUTO_FREE char *iss = atrium_authz_issuer(f);
    struct atrium_kv_list fields;
    atrium_kv_list_init(&fields);
    atrium_kv_list_add(&fields, "error", e->error ? e->error : "invalid_request");
    atrium_kv_list_add(&fields, "error_description", description);
    atrium_kv_list_add(&fields, "error_codes", codes);
    if (e->suberror)
        atrium_kv_list_add(&fields, "suberror", e->suberror);
    if (p->state)
        atrium_kv_list_add(&fields, "state", p->state);
    atrium_kv_list_add(&fields, "iss", iss);
    int r = atrium_authz_deliver(f, p, &fields);
    atrium_kv_list_release(&fields);
    return r;
}

/* base64url({"uid":<oid>,"utid":<tid>}); heap. */
static char *client_info(const char *user_id, const char *tenant_id)
{
    AUTO_FREE char *json = xasprintf("{\"uid\":\"%s\",\"utid\":\"%s\"}", user_id, tenant_id);
    return atrium_b64url_encode_alloc(json, strlen(json));
}

static int issue_code(struct atrium_flow *f, const struct atrium_authz_params *p,
                      const struct atrium_user *user, const struct atrium_session *ss)
{
    struct atrium_code_request req = {
        .tenant_id = f->tenant.id,
        .client = &f->client,
        .user_id = user->id,
        .redirect_uri = p->redirect_uri,
        .scope = p->scope,
        .nonce = p->nonce,
        .code_challenge = p->code_challenge,
        .session_id = ss ? ss->id_hash : NULL,
        .auth_time = ss ? ss->auth_time : 0,
    };
    struct atrium_oauth_error e = {0};
    char *code = NULL;
    int r = atrium_oauth_code_issue(f->store, f->rq->app->oauth, &req, &code, &e);
    if (r < 0)
        return atrium_authz_fail(f, p, &e);
    AUTO_FREE char *iss = atrium_authz_issuer(f);
    AUTO_FREE char *info = p->want_client_info ? client_info(user->id, f->tenant.id) : NULL;
    struct atrium_kv_list fields;
    atrium_kv_list_init(&fields);
    atrium_kv_list_add(&fields, "code", code);
    if (info)
        atrium_kv_list_add(&fields, "client_info", info);
    if (p->state)
        atrium_kv_list_add(&fields, "state", p->state);
    atrium_kv_list_add(&fields, "iss", iss);
    r = atrium_authz_deliver(f, p, &fields);
    atrium_kv_list_release(&fields);
    explicit_bzero(code, strlen(code));
    free(code);
    return r;
}

/* What the consent page says for one requested scope value. */
static const char *permission_text(const char *scope)
{
    static const struct {
        const char *scope, *text;
    } oidc[] = {{"openid", "Sign you in"},
                {"profile", "View your basic profile"},
                {"email", "View your email address"},
                {"offline_access", "Maintain access to data you have given it access to"}};
    for (size_t i = 0; i < sizeof(oidc) / sizeof(oidc[0]); i++)
        if (atrium_str_ieq(scope, oidc[i].scope))
            return oidc[i].text;
    const char *slash = strrchr(scope, '/');
    const char *value = slash ? slash + 1 : scope;
    if (strcmp(value, ".default") == 0)
        return "The permissions configured for the application";
    const struct atrium_builtin_permission *perm =
        atrium_graph_permission_find(value, ATRIUM_PERMISSION_DELEGATED);
    return perm ? perm->admin_display_name : NULL;
}

static int consent_page(struct atrium_flow *f, const struct atrium_authz_params *p,
                        const struct atrium_user *user)
{
    const char *items[CONSENT_PERMISSIONS_MAX + 1];
    size_t n = 0;
    AUTO_FREE char *scopes = xstrdup(p->scope);
    char *save = NULL;
    for (char *t = strtok_r(scopes, " ", &save); t && n < CONSENT_PERMISSIONS_MAX;
         t = strtok_r(NULL, " ", &save)) {
        const char *text = permission_text(t);
        items[n++] = text ? text : t;
    }
    items[n] = NULL;
    struct atrium_page pg;
    struct atrium_buf b;
    atrium_flow_page(f, &pg, NULL);
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    int r = atrium_page_consent(&b, &pg, user->upn, items);
    if (r == 0)
        r = atrium_flow_send(f, 200, &b);
    atrium_buf_release(&b);
    return r;
}

int atrium_authz_complete(struct atrium_flow *f, const struct atrium_authz_params *p,
                          const struct atrium_user *user, const struct atrium_session *ss)
{
    int r = atrium_flow_store(f);
    if (r < 0)
        return r;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};
    r = atrium_oauth_scopes_resolve(f->store, f->tenant.id, &f->client, p->scope, false, user->id,
                                    &sc, &e);
    atrium_oauth_scopes_release(&sc);
    if (r < 0 && e.aadsts == 65001 && p->prompt_kind != ATRIUM_PROMPT_NONE)
        return consent_page(f, p, user);
    if (r < 0 && e.aadsts == 65001)
        e.error = "consent_required"; /* prompt=none: no page may be shown */
    if (r < 0)
        return atrium_authz_fail(f, p, &e);
    return issue_code(f, p, user, ss);
}

/* The flow's client again, once consent has given it a service principal in the tenant. */
static int reload_client(struct atrium_flow *f, struct atrium_oauth_error *e)
{
    struct atrium_oauth_client c = {0};
    char app_id[ATRIUM_UUID_LEN + 1];
    memcpy(app_id, f->client.app_id, sizeof(app_id));
    int r = atrium_oauth_client_find(f->store, f->tenant.id, app_id, &c, e);
    if (r < 0)
        return r;
    atrium_oauth_client_release(&f->client);
    f->client = c;
    return 0;
}

int atrium_authz_consent_answer(struct atrium_flow *f, const struct atrium_authz_params *p,
                                const struct atrium_user *user, const struct atrium_session *ss,
                                bool accept)
{
    struct atrium_oauth_error e = {0};
    if (!accept) {
        atrium_oauth_fail(&e, ATRIUM_EFORBIDDEN, "access_denied", 65004, 400,
                          "The user declined to consent to access the app.");
        return atrium_authz_fail(f, p, &e);
    }
    int r = atrium_flow_store(f);
    if (r < 0)
        return r;
    r = atrium_oauth_consent_grant(f->store, f->tenant.id, &f->client, user->id, p->scope, &e);
    if (r == 0 && !f->client.sp_id[0])
        r = reload_client(f, &e);
    if (r < 0)
        return atrium_authz_fail(f, p, &e);
    return atrium_authz_complete(f, p, user, ss);
}
