/* SPDX-License-Identifier: MIT */
/*
 * GET|POST /{tenant}/oauth2/v2.0/deviceauth: the device code page. The user
 * enters the code shown by the device (rate-limited per client address:
 * codes are short), signs in (or reuses the tenant's single sign-on
 * session), and answers "Allow <app> to sign in as <user>?"; the answer
 * goes to atrium_oauth_device_decide. Every POST passes the anti-forgery
 * check; the user code travels in a hidden field (otc) and is looked up
 * again at each step.
 */
#include "http/handlers.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "http/pages.h"
#include "http/ratelimit.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "http/server_priv.h"
#include "http/signin_flow.h"

struct device {
    struct atrium_flow f;
    const char *user_code; /* as typed or carried */
    struct atrium_device_code code;
    bool have_code;
};

static int code_page(struct device *d, unsigned status, const char *error)
{
    struct atrium_page pg;
    struct atrium_buf b;
    atrium_flow_page(&d->f, &pg, error);
    pg.hidden = NULL; /* no code is carried yet */
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    int r = atrium_page_device_code(&b, &pg, d->user_code);
    if (r == 0)
        r = atrium_flow_send(&d->f, status, &b);
    atrium_buf_release(&b);
    return r;
}

static int confirm_page(struct device *d, const struct atrium_user *u)
{
    struct atrium_page pg;
    struct atrium_buf b;
    atrium_flow_page(&d->f, &pg, NULL);
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    int r = atrium_page_device_confirm(&b, &pg, u->upn);
    if (r == 0)
        r = atrium_flow_send(&d->f, 200, &b);
    atrium_buf_release(&b);
    return r;
}

/* Spend one look-up of this client address; ERATE when it has none left. */
static int take_lookup(struct device *d)
{
    struct atrium_req *rq = d->f.rq;
    struct atrium_ratelimit *rl = rq->server ? rq->server->device_code_limit : NULL;
    char key[ATRIUM_RATELIMIT_KEY_MAX];
    unsigned retry = 0;
    if (!rl)
        return 0;
    atrium_ratelimit_client_key(rq->remote_ip, key);
    if (atrium_ratelimit_take(rl, key, &retry) == 0)
        return 0;
    d->f.rs->retry_after = retry;
    return atrium_err(&rq->err, ATRIUM_ERATE, "",
                      "Too many codes were tried from this address. Retry in %u seconds.", retry);
}

/* Find the pending code and its app. 1 found; 0 the code page was sent with an error. */
static int find_code(struct device *d)
{
    int r = take_lookup(d);
    if (r < 0)
        return r;
    struct atrium_oauth_error e = {0};
    r = atrium_oauth_device_lookup(d->f.store, d->f.tenant.id, d->user_code, &d->code, &e);
    if (r == 0) {
        d->have_code = true;
        r = atrium_oauth_client_find(d->f.store, d->f.tenant.id, d->code.client_id, &d->f.client,
                                     &e);
    }
    if (r < 0 && e.status >= 500)
        return atrium_flow_error_page(&d->f, &e);
    if (r < 0)
        return code_page(d, 200, "That code didn't work. Check the code and try again.");
    d->f.have_client = true;
    atrium_kv_list_add(&d->f.hidden, ATRIUM_FIELD_USER_CODE, d->code.user_code);
    return 1;
}

/* The code is good: confirm as the session's user, or sign in first. */
static int after_code(struct device *d)
{
    struct atrium_session ss = {0};
    struct atrium_user u = {0};
    int found = atrium_flow_session(&d->f, &ss, &u);
    int r = found;
    if (found > 0)
        r = confirm_page(d, &u);
    else if (found == 0)
        r = atrium_flow_signin_page(&d->f, 200, NULL, NULL);
    atrium_user_release(&u);
    return r;
}

static int credentials(struct device *d, bool change)
{
    const char *login = NULL, *password = NULL, *new_password = NULL, *confirm = NULL;
    struct atrium_req *rq = d->f.rq;
    int r = atrium_req_form_value(rq, ATRIUM_FIELD_LOGIN, &login);
    r = r ? r : atrium_req_form_value(rq, ATRIUM_FIELD_PASSWORD, &password);
    if (change) {
        r = r ? r : atrium_req_form_value(rq, ATRIUM_FIELD_NEW_PASSWORD, &new_password);
        r = r ? r : atrium_req_form_value(rq, ATRIUM_FIELD_CONFIRM_PASSWORD, &confirm);
    }
    if (r < 0)
        return r;
    struct atrium_user u = {0};
    r = change ? atrium_flow_change_password(&d->f, login, password, new_password, confirm, &u)
               : atrium_flow_signin(&d->f, login, password, &u);
    if (r <= 0)
        return r;
    struct atrium_session ss = {0};
    r = atrium_flow_session_start(&d->f, &u, &ss);
    if (r == 0)
        r = confirm_page(d, &u);
    atrium_user_release(&u);
    return r;
}

static int decide(struct device *d, bool approve)
{
    struct atrium_session ss = {0};
    struct atrium_user u = {0};
    int r = atrium_flow_session(&d->f, &ss, &u);
    if (r == 0)
        return atrium_flow_signin_page(&d->f, 200, NULL, "Sign in to continue.");
    if (r < 0)
        return r;
    atrium_user_release(&u);
    struct atrium_oauth_error e = {0};
    r = atrium_oauth_device_decide(d->f.store, d->f.tenant.id, d->code.user_code, approve,
                                   ss.user_id, ss.auth_time, &e);
    if (r < 0 && e.status >= 500)
        return atrium_flow_error_page(&d->f, &e);
    if (r < 0)
        return code_page(d, 200, "That code didn't work. Check the code and try again.");
    if (!approve)
        return atrium_flow_message(&d->f, 200, "Sign-in canceled",
                                   "You didn't sign in to the application on your device. You "
                                   "can close this window.",
                                   0);
    AUTO_FREE char *text =
        xasprintf("You have signed in to %s on your device. You can close "
                  "this window.",
                  d->f.client.display_name ? d->f.client.display_name : "the application");
    return atrium_flow_message(&d->f, 200, "You're signed in", text, 0);
}

static int post_action(struct device *d)
{
    const char *action, *token;
    struct atrium_req *rq = d->f.rq;
    int r = atrium_req_form_value(rq, ATRIUM_FIELD_ACTION, &action);
    r = r ? r : atrium_req_form_value(rq, ATRIUM_FIELD_CSRF, &token);
    r = r ? r : atrium_csrf_check(rq, token);
    r = r ? r : atrium_req_form_value(rq, ATRIUM_FIELD_USER_CODE, &d->user_code);
    if (r < 0)
        return r;
    if (!action || !d->user_code || !*d->user_code)
        return code_page(d, 200, d->user_code ? "Enter the code." : NULL);
    if ((r = find_code(d)) <= 0)
        return r;
    if (strcmp(action, ATRIUM_ACTION_CODE) == 0)
        return after_code(d);
    if (strcmp(action, ATRIUM_ACTION_SIGNIN) == 0)
        return credentials(d, false);
    if (strcmp(action, ATRIUM_ACTION_CHANGE_PASSWORD) == 0)
        return credentials(d, true);
    if (strcmp(action, ATRIUM_ACTION_APPROVE) == 0 || strcmp(action, ATRIUM_ACTION_DENY) == 0)
        return decide(d, strcmp(action, ATRIUM_ACTION_APPROVE) == 0);
    return atrium_err(&rq->err, ATRIUM_EINVAL, ATRIUM_FIELD_ACTION,
                      "The form action is not known.");
}

static int deviceauth(struct device *d)
{
    struct atrium_flow *f = &d->f;
    int r = atrium_flow_store(f);
    if (r < 0)
        return r;
    struct atrium_oauth_error e = {0};
    bool multi = false;
    r = atrium_oauth_tenant(f->store, atrium_req_param(f->rq, "tenant"), &f->tenant, &multi, &e);
    if (r < 0)
        return atrium_flow_error_page(f, &e);
    if (multi) {
        atrium_oauth_fail(&e, ATRIUM_EINVAL, "invalid_request", 50059, 400,
                          "Open the sign-in address your device shows: it names your "
                          "organization.");
        return atrium_flow_error_page(f, &e);
    }
    f->have_tenant = true;
    atrium_req_set_tenant(f->rq, f->tenant.id);
    f->action_url = xasprintf("/%s/oauth2/v2.0/deviceauth", f->tenant.id);
    f->grant = "device_code";
    if (strcmp(f->rq->method, "POST") != 0)
        return code_page(d, 200, NULL);
    return post_action(d);
}

int atrium_handle_deviceauth(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct device d = {0};
    atrium_flow_init(&d.f, rq, rs);
    int r = deviceauth(&d);
    if (d.have_code)
        atrium_device_code_release(&d.code);
    atrium_flow_release(&d.f);
    return r;
}
