/* SPDX-License-Identifier: MIT */
/*
 * GET|POST /{tenant}/oauth2/v2.0/authorize: the hosted sign-in. Guard
 * clauses in order: the parameters (query for GET, form for POST), the
 * tenant (on /organizations and /common: from the login hint, asked for
 * first), client_id and redirect_uri (errors on a page, never redirected),
 * then the rest of the request (errors redirected to the client). A POST
 * from our own pages carries atrium_action and must pass the anti-forgery
 * check; anything else is a fresh authorization request: single sign-on
 * when a session is live, else the sign-in form, as prompt says.
 */
#include "http/handlers.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "http/authorize_flow.h"
#include "http/html.h"
#include "http/pages.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"

struct authz {
    struct atrium_flow f;
    struct atrium_authz_params p;
    const struct atrium_kv_list *list; /* the request's parameters */
    bool post;
};

/* The account-name page of the multi-tenant endpoints: a GET back here with login_hint. */
static int account_page(struct authz *a, const char *error)
{
    struct atrium_kv_list carried;
    atrium_kv_list_init(&carried);
    for (size_t i = 0; i < a->list->count; i++) {
        const char *n = a->list->items[i].name;
        if (strcmp(n, "login_hint") != 0 && strcmp(n, ATRIUM_FIELD_ACTION) != 0 &&
            strcmp(n, ATRIUM_FIELD_CSRF) != 0 && strcmp(n, ATRIUM_FIELD_LOGIN) != 0 &&
            strcmp(n, ATRIUM_FIELD_PASSWORD) != 0)
            atrium_kv_list_add(&carried, n, a->list->items[i].value);
    }
    struct atrium_page pg = {.action = a->f.rq->path, .hidden = &carried, .error = error};
    struct atrium_buf b;
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    int r = atrium_page_account(&b, &pg, a->p.login_hint);
    if (r == 0)
        r = atrium_flow_send(&a->f, 200, &b);
    atrium_buf_release(&b);
    atrium_kv_list_release(&carried);
    return r;
}

/* The tenant of the path, or on /organizations and /common of the login hint. 1 ok, 0 page sent. */
static int resolve_tenant(struct authz *a)
{
    struct atrium_flow *f = &a->f;
    struct atrium_oauth_error e = {0};
    bool multi = false;
    int r =
        atrium_oauth_tenant(f->store, atrium_req_param(f->rq, "tenant"), &f->tenant, &multi, &e);
    if (r < 0)
        return atrium_flow_error_page(f, &e);
    if (multi) {
        const char *at = a->p.login_hint ? strrchr(a->p.login_hint, '@') : NULL;
        if (!at || !at[1])
            return account_page(a, a->p.login_hint ? "Enter your email address." : NULL);
        r = atrium_oauth_tenant(f->store, at + 1, &f->tenant, &multi, &e);
        if (r == ATRIUM_ENOTFOUND || (r == 0 && multi))
            return account_page(a, "We couldn't find an organization for that account.");
        if (r < 0)
            return atrium_flow_error_page(f, &e);
    }
    f->have_tenant = true;
    atrium_req_set_tenant(f->rq, f->tenant.id);
    f->action_url = xasprintf("/%s/oauth2/v2.0/authorize", f->tenant.id);
    return 1;
}

/* client_id and redirect_uri: 1 when both are good, 0 when an error page was sent. */
static int check_client(struct authz *a)
{
    struct atrium_flow *f = &a->f;
    struct atrium_oauth_error e = {0};
    if (atrium_authz_check_target(&a->p, &e) < 0 ||
        atrium_oauth_client_find_interactive(f->store, f->tenant.id, a->p.client_id, &f->client,
                                             &e) < 0)
        return atrium_flow_error_page(f, &e);
    f->have_client = true;
    if (atrium_oauth_redirect_allowed(&f->client, a->p.redirect_uri, &e) < 0)
        return atrium_flow_error_page(f, &e);
    f->form_origin = atrium_html_origin(a->p.redirect_uri);
    return 1;
}

static int select_account_page(struct authz *a, const struct atrium_user *u)
{
    struct atrium_page pg;
    struct atrium_buf b;
    atrium_flow_page(&a->f, &pg, NULL);
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    int r = atrium_page_select_account(&b, &pg, u->display_name, u->upn);
    if (r == 0)
        r = atrium_flow_send(&a->f, 200, &b);
    atrium_buf_release(&b);
    return r;
}

/* A fresh authorization request: single sign-on, the account picker or the form. */
static int begin(struct authz *a)
{
    struct atrium_session ss = {0};
    struct atrium_user u = {0};
    int found = atrium_flow_session(&a->f, &ss, &u);
    if (found < 0)
        return found;
    if (found && a->p.max_age_seconds >= 0 && atrium_now() - ss.auth_time > a->p.max_age_seconds)
        found = 0; /* signed in too long ago for this client */
    int r;
    if (a->p.prompt_kind == ATRIUM_PROMPT_NONE && !found) {
        struct atrium_oauth_error e = {0};
        atrium_oauth_fail(&e, ATRIUM_EAUTH, "login_required", 50058, 400,
                          "A silent sign-in request was sent but no user is signed in.");
        r = atrium_authz_fail(&a->f, &a->p, &e);
    } else if (found && a->p.prompt_kind == ATRIUM_PROMPT_SELECT_ACCOUNT) {
        r = select_account_page(a, &u);
    } else if (found && a->p.prompt_kind != ATRIUM_PROMPT_LOGIN) {
        r = atrium_authz_complete(&a->f, &a->p, &u, &ss);
    } else {
        r = atrium_flow_signin_page(&a->f, 200, a->p.login_hint, NULL);
    }
    atrium_user_release(&u);
    return r;
}

/* A form field of our pages: single, may be absent. */
static int field(struct authz *a, const char *name, const char **ret)
{
    return atrium_req_form_value(a->f.rq, name, ret);
}

/* Continue as the session's user (account picker, consent answers); the form when none. */
static int with_session(struct authz *a, const char *action)
{
    struct atrium_session ss = {0};
    struct atrium_user u = {0};
    int found = atrium_flow_session(&a->f, &ss, &u);
    int r = found;
    if (found == 0)
        r = atrium_flow_signin_page(&a->f, 200, NULL, NULL);
    else if (found > 0 && strcmp(action, ATRIUM_ACTION_CONTINUE) == 0)
        r = atrium_authz_complete(&a->f, &a->p, &u, &ss);
    else if (found > 0)
        r = atrium_authz_consent_answer(&a->f, &a->p, &u, &ss,
                                        strcmp(action, ATRIUM_ACTION_CONSENT_ACCEPT) == 0);
    atrium_user_release(&u);
    return r;
}

/* After a successful credential step: the session, then on to the client. */
static int signed_in(struct authz *a, struct atrium_user *u)
{
    struct atrium_session ss = {0};
    int r = atrium_flow_session_start(&a->f, u, &ss);
    if (r == 0)
        r = atrium_authz_complete(&a->f, &a->p, u, &ss);
    atrium_user_release(u);
    return r;
}

static int credentials(struct authz *a, bool change)
{
    const char *login, *password, *new_password = NULL, *confirm = NULL;
    int r = field(a, ATRIUM_FIELD_LOGIN, &login);
    r = r ? r : field(a, ATRIUM_FIELD_PASSWORD, &password);
    if (change) {
        r = r ? r : field(a, ATRIUM_FIELD_NEW_PASSWORD, &new_password);
        r = r ? r : field(a, ATRIUM_FIELD_CONFIRM_PASSWORD, &confirm);
    }
    if (r < 0)
        return r;
    struct atrium_user u = {0};
    r = change ? atrium_flow_change_password(&a->f, login, password, new_password, confirm, &u)
               : atrium_flow_signin(&a->f, login, password, &u);
    return r > 0 ? signed_in(a, &u) : r;
}

/* A POST from one of our pages. */
static int page_action(struct authz *a, const char *action)
{
    const char *token;
    int r = field(a, ATRIUM_FIELD_CSRF, &token);
    if (r == 0)
        r = atrium_csrf_check(a->f.rq, token);
    if (r < 0)
        return r;
    if (strcmp(action, ATRIUM_ACTION_SIGNIN) == 0)
        return credentials(a, false);
    if (strcmp(action, ATRIUM_ACTION_CHANGE_PASSWORD) == 0)
        return credentials(a, true);
    if (strcmp(action, ATRIUM_ACTION_OTHER) == 0)
        return atrium_flow_signin_page(&a->f, 200, NULL, NULL);
    if (strcmp(action, ATRIUM_ACTION_CONTINUE) == 0 ||
        strcmp(action, ATRIUM_ACTION_CONSENT_ACCEPT) == 0 ||
        strcmp(action, ATRIUM_ACTION_CONSENT_CANCEL) == 0)
        return with_session(a, action);
    return atrium_err(&a->f.rq->err, ATRIUM_EINVAL, ATRIUM_FIELD_ACTION,
                      "The form action is not known.");
}

static int authorize(struct authz *a)
{
    struct atrium_req *rq = a->f.rq;
    a->post = strcmp(rq->method, "POST") == 0;
    int r = a->post ? atrium_req_form(rq, &a->list) : atrium_req_query_list(rq, &a->list);
    if (r < 0)
        return r;
    atrium_authz_params_read(a->list, &a->p);
    const char *action = NULL;
    if (a->post && (r = field(a, ATRIUM_FIELD_ACTION, &action)) < 0)
        return r;
    if ((r = atrium_flow_store(&a->f)) < 0)
        return r;
    if ((r = resolve_tenant(a)) <= 0 || (r = check_client(a)) <= 0)
        return r;
    struct atrium_oauth_error e = {0};
    if (atrium_authz_check(&a->p, a->f.client.is_public, &e) < 0)
        return atrium_authz_fail(&a->f, &a->p, &e);
    atrium_authz_params_hidden(&a->p, &a->f.hidden);
    a->f.grant = "authorization_code";
    return action ? page_action(a, action) : begin(a);
}

int atrium_handle_authorize(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct authz a;
    atrium_flow_init(&a.f, rq, rs);
    int r = authorize(&a);
    atrium_flow_release(&a.f);
    return r;
}
