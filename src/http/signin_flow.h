/* SPDX-License-Identifier: MIT */
/*
 * What the browser flows (authorize, deviceauth, logout) share: the state of
 * one page request (tenant, client, anti-forgery value, cookies to set,
 * carried form fields), the single sign-on cookie, sending pages, error
 * pages and redirects, and the credential steps (password sign-in and the
 * forced password change), which render their own inline errors.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "http/csrf.h"
#include "http/kv.h"
#include "oauth/oauth.h"

struct atrium_buf;
struct atrium_page;
struct atrium_req;
struct atrium_resp;

#define ATRIUM_SSO_COOKIE_PREFIX "__Host-atrium_sso_"
#define ATRIUM_SSO_COOKIE_NAME_MAX (sizeof(ATRIUM_SSO_COOKIE_PREFIX) + ATRIUM_UUID_LEN)

struct atrium_flow {
    struct atrium_req *rq;
    struct atrium_resp *rs;
    struct atrium_store *store;
    struct atrium_tenant tenant; /* resolved from the path (or the login hint) */
    bool have_tenant;
    struct atrium_oauth_client client; /* the application signed in to */
    bool have_client;
    const char *grant;            /* for the sign-in log: "authorization_code", ... */
    char *action_url;             /* the pages' form action (same origin) */
    char *form_origin;            /* an extra form-action origin (the client's) */
    struct atrium_kv_list hidden; /* fields every form of the flow carries */
    char csrf[ATRIUM_CSRF_LEN + 1];
    bool csrf_new;   /* set the anti-forgery cookie with the response */
    char *sso_value; /* a new SSO cookie to set with the response */
    bool sso_clear;  /* expire the SSO cookie */
};

/* Start a flow for rq/rs (no tenant or client yet); the CSRF value is taken or made. */
void atrium_flow_init(struct atrium_flow *f, struct atrium_req *rq, struct atrium_resp *rs);
void atrium_flow_release(struct atrium_flow *f);

/* The store, or a negative code with rq->err filled. */
int atrium_flow_store(struct atrium_flow *f);

/* The page context of the flow (tenant and app names, action, CSRF, hidden fields). */
void atrium_flow_page(const struct atrium_flow *f, struct atrium_page *ret, const char *error);
/* Send body with status and the pending cookies. Consumes nothing. */
int atrium_flow_send(struct atrium_flow *f, unsigned status, const struct atrium_buf *body);
/* Send a form_post page (its external script allowed) with the pending cookies. */
int atrium_flow_send_form_post(struct atrium_flow *f, const struct atrium_buf *body);
/* A redirect (302 after GET, 303 after POST) with the pending cookies. */
int atrium_flow_redirect(struct atrium_flow *f, const char *location);
/* A message page (title, text; aadsts 0: none) with the request id. */
int atrium_flow_message(struct atrium_flow *f, unsigned status, const char *title, const char *text,
                        int aadsts);
/* The error page for an OAuth error that must not be redirected. */
int atrium_flow_error_page(struct atrium_flow *f, const struct atrium_oauth_error *e);

/* The SSO cookie name of tenant_id into out. */
void atrium_sso_cookie_name(const char *tenant_id, char out[ATRIUM_SSO_COOKIE_NAME_MAX + 1]);
/*
 * The live SSO session of the flow's tenant, with its user (enabled):
 * 1 found, 0 none, < 0 store failure (rq->err filled).
 */
int atrium_flow_session(struct atrium_flow *f, struct atrium_session *ret_session,
                        struct atrium_user *ret_user);
/* Start a session for user (signed in now); its cookie goes out with the response. */
int atrium_flow_session_start(struct atrium_flow *f, const struct atrium_user *user,
                              struct atrium_session *ret);

/*
 * The credential steps. 1: signed in, *ret_user filled (caller releases);
 * 0: a page was sent (the form again with an inline error, the password
 * change form, or 503 busy); < 0: a request failure (rq->err filled).
 */
int atrium_flow_signin(struct atrium_flow *f, const char *login, const char *password,
                       struct atrium_user *ret_user);
int atrium_flow_change_password(struct atrium_flow *f, const char *login, const char *current,
                                const char *new_password, const char *confirm,
                                struct atrium_user *ret_user);
/* Send the sign-in form (login prefilled; error may be NULL). */
int atrium_flow_signin_page(struct atrium_flow *f, unsigned status, const char *login,
                            const char *error);

/* The text the sign-in page shows for a failed sign-in. */
const char *atrium_flow_signin_message(const struct atrium_oauth_error *e);
