/* SPDX-License-Identifier: MIT */
/* The shared state and steps of the browser flows; see signin_flow.h. */
#include "http/signin_flow.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "graph/directory.h"
#include "http/entra_error.h"
#include "http/html.h"
#include "http/pages.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"

#define BUSY_RETRY_AFTER "5"

void atrium_flow_init(struct atrium_flow *f, struct atrium_req *rq, struct atrium_resp *rs)
{
    memset(f, 0, sizeof(*f));
    f->rq = rq;
    f->rs = rs;
    atrium_kv_list_init(&f->hidden);
    atrium_csrf_token(rq, f->csrf, &f->csrf_new);
}

void atrium_flow_release(struct atrium_flow *f)
{
    atrium_tenant_release(&f->tenant);
    atrium_oauth_client_release(&f->client);
    free(f->action_url);
    free(f->form_origin);
    atrium_kv_list_release(&f->hidden);
    if (f->sso_value)
        explicit_bzero(f->sso_value, strlen(f->sso_value));
    free(f->sso_value);
    memset(f, 0, sizeof(*f));
}

int atrium_flow_store(struct atrium_flow *f)
{
    return f->store ? 0 : atrium_req_store(f->rq, &f->store);
}

void atrium_flow_page(const struct atrium_flow *f, struct atrium_page *ret, const char *error)
{
    memset(ret, 0, sizeof(*ret));
    ret->tenant_name = f->have_tenant ? f->tenant.display_name : NULL;
    ret->app_name = f->have_client ? f->client.display_name : NULL;
    ret->action = f->action_url ? f->action_url : "";
    ret->csrf = f->csrf;
    ret->hidden = &f->hidden;
    ret->error = error;
}

void atrium_sso_cookie_name(const char *tenant_id, char out[ATRIUM_SSO_COOKIE_NAME_MAX + 1])
{
    snprintf(out, ATRIUM_SSO_COOKIE_NAME_MAX + 1, "%s%s", ATRIUM_SSO_COOKIE_PREFIX, tenant_id);
}

/* The Set-Cookie headers the response owes (after the body: setting a page resets headers). */
static void apply_cookies(struct atrium_flow *f)
{
    if (f->csrf_new)
        atrium_csrf_set_cookie(f->rs, f->csrf);
    if (!f->have_tenant || (!f->sso_value && !f->sso_clear))
        return;
    char name[ATRIUM_SSO_COOKIE_NAME_MAX + 1];
    atrium_sso_cookie_name(f->tenant.id, name);
    if (f->sso_value)
        atrium_resp_set_cookie(f->rs, name, f->sso_value, -1, 0);
    else
        atrium_resp_set_cookie(f->rs, name, "", 0, 0);
}

int atrium_flow_send(struct atrium_flow *f, unsigned status, const struct atrium_buf *body)
{
    int r = atrium_html_respond(f->rs, status, body, f->form_origin, false);
    if (r < 0)
        return r;
    apply_cookies(f);
    return 0;
}

int atrium_flow_send_form_post(struct atrium_flow *f, const struct atrium_buf *body)
{
    int r = atrium_html_respond(f->rs, 200, body, f->form_origin, true);
    if (r < 0)
        return r;
    apply_cookies(f);
    return 0;
}

int atrium_flow_redirect(struct atrium_flow *f, const char *location)
{
    bool post = strcmp(f->rq->method, "POST") == 0;
    int r = atrium_resp_redirect(f->rs, post ? 303 : 302, location);
    if (r < 0)
        return atrium_err(&f->rq->err, ATRIUM_EINTERNAL, "", "cannot redirect to that location");
    atrium_resp_header(f->rs, "Referrer-Policy", "no-referrer");
    apply_cookies(f);
    return 0;
}

int atrium_flow_message(struct atrium_flow *f, unsigned status, const char *title, const char *text,
                        int aadsts)
{
    struct atrium_buf b;
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    int r = atrium_page_message(&b, f->have_tenant ? f->tenant.display_name : NULL, title, text,
                                aadsts, f->rq->request_id);
    if (r == 0)
        r = atrium_flow_send(f, status, &b);
    atrium_buf_release(&b);
    if (r == 0 && status == 503)
        atrium_resp_header(f->rs, "Retry-After", BUSY_RETRY_AFTER);
    return r;
}

int atrium_flow_error_page(struct atrium_flow *f, const struct atrium_oauth_error *e)
{
    unsigned status = e->status >= 400 && e->status <= 599 ? e->status : 400;
    if (status >= 500)
        atrium_log_fields(status == 503 ? ATRIUM_LOG_WARN : ATRIUM_LOG_ERROR,
                          json_pack("{s:s, s:s, s:s, s:i}", "msg", "sign-in page failed",
                                    "request_id", f->rq->request_id, "error",
                                    e->error ? e->error : "", "aadsts", e->aadsts));
    char text[sizeof(e->description) + 8];
    snprintf(text, sizeof(text), "%s",
             e->description[0] ? e->description : "The request is invalid.");
    const char *title =
        status == 503 ? "The service is busy" : "Sorry, but we're having trouble signing you in.";
    return atrium_flow_message(f, status, title, text, atrium_entra_code(e));
}

int atrium_flow_session(struct atrium_flow *f, struct atrium_session *ret_session,
                        struct atrium_user *ret_user)
{
    char name[ATRIUM_SSO_COOKIE_NAME_MAX + 1];
    atrium_sso_cookie_name(f->tenant.id, name);
    const char *value = atrium_req_cookie(f->rq, name);
    if (!value || !*value)
        return 0;
    int r = atrium_flow_store(f);
    if (r < 0)
        return r;
    r = atrium_oauth_session_find(f->store, f->tenant.id, value, ret_session);
    if (r == ATRIUM_ENOTFOUND) {
        f->sso_clear = true;
        return 0;
    }
    if (r < 0)
        return atrium_err(&f->rq->err, r == ATRIUM_EBUSY ? r : ATRIUM_ESTORE, "",
                          "cannot read the sign-in session");
    struct atrium_errinfo ei;
    r = atrium_user_find(f->store, f->tenant.id, ret_session->user_id, ret_user, &ei);
    if (r == 0 && ret_user->account_enabled)
        return 1;
    atrium_user_release(ret_user);
    memset(ret_user, 0, sizeof(*ret_user));
    if (r < 0 && r != ATRIUM_ENOTFOUND)
        return atrium_err(&f->rq->err, r, "", "cannot read the signed-in user");
    f->sso_clear = true; /* the user is gone or disabled: forget the session */
    return 0;
}

int atrium_flow_session_start(struct atrium_flow *f, const struct atrium_user *user,
                              struct atrium_session *ret)
{
    int r = atrium_flow_store(f);
    if (r < 0)
        return r;
    /* A sign-in replaces the browser's session: end the old one (no fixation, no orphans). */
    char name[ATRIUM_SSO_COOKIE_NAME_MAX + 1];
    atrium_sso_cookie_name(f->tenant.id, name);
    const char *old = atrium_req_cookie(f->rq, name);
    if (old && *old)
        atrium_oauth_session_end(f->store, f->tenant.id, old); /* best effort */
    char *value = NULL;
    r = atrium_oauth_session_start(f->store, f->rq->app->oauth, f->tenant.id, user->id,
                                   atrium_now(), &value, ret);
    if (r < 0)
        return atrium_err(&f->rq->err, r == ATRIUM_EBUSY ? r : ATRIUM_ESTORE, "",
                          "cannot start the sign-in session");
    if (f->sso_value)
        explicit_bzero(f->sso_value, strlen(f->sso_value));
    free(f->sso_value);
    f->sso_value = value;
    f->sso_clear = false;
    return 0;
}

const char *atrium_flow_signin_message(const struct atrium_oauth_error *e)
{
    switch (e->aadsts) {
    case 50126:
    case 50034:
        return "Your account or password is incorrect. If you don't remember your password, "
               "ask your administrator to reset it.";
    case 50053:
        return "Your account is temporarily locked to prevent unauthorized use. Try again "
               "later.";
    case 50057:
        return "Your account has been disabled. Contact your administrator.";
    case 50056:
        return "Your account has no password. Contact your administrator.";
    default:
        break;
    }
    if (e->status == 503)
        return "The service is busy. Please try again in a few seconds.";
    return e->description[0] ? e->description : "We couldn't sign you in. Please try again.";
}

int atrium_flow_signin_page(struct atrium_flow *f, unsigned status, const char *login,
                            const char *error)
{
    struct atrium_page p;
    struct atrium_buf b;
    atrium_flow_page(f, &p, error);
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    int r = atrium_page_signin(&b, &p, login);
    if (r == 0)
        r = atrium_flow_send(f, status, &b);
    atrium_buf_release(&b);
    if (r == 0 && status == 503)
        atrium_resp_header(f->rs, "Retry-After", BUSY_RETRY_AFTER);
    return r;
}

static int password_change_page(struct atrium_flow *f, unsigned status, const char *login,
                                const char *error)
{
    struct atrium_page p;
    struct atrium_buf b;
    atrium_flow_page(f, &p, error);
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    int r = atrium_page_password_change(&b, &p, login);
    if (r == 0)
        r = atrium_flow_send(f, status, &b);
    atrium_buf_release(&b);
    if (r == 0 && status == 503)
        atrium_resp_header(f->rs, "Retry-After", BUSY_RETRY_AFTER);
    return r;
}

static void authn_request(const struct atrium_flow *f, const char *login, const char *password,
                          struct atrium_authn_request *ret)
{
    memset(ret, 0, sizeof(*ret));
    ret->tenant_id = f->tenant.id;
    ret->username = login;
    ret->password = password ? password : "";
    ret->client_app_id = f->have_client ? f->client.app_id : NULL;
    ret->client_name = f->have_client ? f->client.display_name : NULL;
    ret->ip = f->rq->remote_ip;
    ret->correlation_id = atrium_entra_correlation(f->rq);
    ret->grant = f->grant;
}

/* The status of a page that shows a failed credential step. */
static unsigned failure_status(const struct atrium_oauth_error *e)
{
    return e->status == 503 ? 503 : (e->status >= 500 ? e->status : 200);
}

int atrium_flow_signin(struct atrium_flow *f, const char *login, const char *password,
                       struct atrium_user *ret_user)
{
    memset(ret_user, 0, sizeof(*ret_user));
    if (!login || !*login)
        return atrium_flow_signin_page(f, 200, NULL, "Enter a valid email address or user name.");
    int r = atrium_flow_store(f);
    if (r < 0)
        return r;
    struct atrium_authn_request req;
    struct atrium_oauth_error e = {0};
    authn_request(f, login, password, &req);
    r = atrium_oauth_authenticate(f->store, f->rq->app->oauth, &req, ret_user, &e);
    if (r == 0)
        return 1;
    bool change = e.aadsts == 50055 && ret_user->id[0];
    atrium_user_release(ret_user);
    memset(ret_user, 0, sizeof(*ret_user));
    if (change)
        r = password_change_page(f, 200, login, NULL);
    else if (e.status >= 500 && e.status != 503)
        r = atrium_flow_error_page(f, &e);
    else
        r = atrium_flow_signin_page(f, failure_status(&e), login, atrium_flow_signin_message(&e));
    return r < 0 ? r : 0;
}

int atrium_flow_change_password(struct atrium_flow *f, const char *login, const char *current,
                                const char *new_password, const char *confirm,
                                struct atrium_user *ret_user)
{
    memset(ret_user, 0, sizeof(*ret_user));
    if (!login || !*login)
        return atrium_flow_signin_page(f, 200, NULL, "Enter a valid email address or user name.");
    if (!new_password || !*new_password)
        return password_change_page(f, 200, login, "Enter a new password.");
    if (!confirm || strcmp(new_password, confirm) != 0)
        return password_change_page(f, 200, login, "The passwords don't match.");
    int r = atrium_flow_store(f);
    if (r < 0)
        return r;
    struct atrium_authn_request req;
    struct atrium_oauth_error e = {0};
    authn_request(f, login, current, &req);
    r = atrium_oauth_change_password(f->store, f->rq->app->oauth, &req, new_password, ret_user, &e);
    if (r == 0)
        return 1;
    atrium_user_release(ret_user);
    memset(ret_user, 0, sizeof(*ret_user));
    if (e.status >= 500 && e.status != 503)
        r = atrium_flow_error_page(f, &e);
    else
        r = password_change_page(f, failure_status(&e), login, atrium_flow_signin_message(&e));
    return r < 0 ? r : 0;
}
