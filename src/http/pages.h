/* SPDX-License-Identifier: MIT */
/*
 * The hosted pages (sign-in, password change, account picker, consent,
 * device code, messages, form_post) rendered as complete HTML documents
 * into a buffer. Pure: no request, no store. Every client- or
 * directory-supplied value is escaped (html.h); the pages need no script,
 * except the form_post page, whose optional script is an external file.
 * Form field names are stable: the e2e and browser tests drive them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct atrium_buf;
struct atrium_kv_list;

#define ATRIUM_PAGE_BODY_MAX (256u << 10)

/* Form field names. */
#define ATRIUM_FIELD_ACTION "atrium_action"
#define ATRIUM_FIELD_CSRF "csrf_token"
#define ATRIUM_FIELD_LOGIN "login"
#define ATRIUM_FIELD_PASSWORD "passwd"
#define ATRIUM_FIELD_NEW_PASSWORD "new_passwd"
#define ATRIUM_FIELD_CONFIRM_PASSWORD "confirm_passwd"
#define ATRIUM_FIELD_USER_CODE "otc"

/* Values of ATRIUM_FIELD_ACTION. */
#define ATRIUM_ACTION_SIGNIN "signin"
#define ATRIUM_ACTION_CHANGE_PASSWORD "change_password"
#define ATRIUM_ACTION_CONTINUE "continue"
#define ATRIUM_ACTION_OTHER "other"
#define ATRIUM_ACTION_CONSENT_ACCEPT "consent_accept"
#define ATRIUM_ACTION_CONSENT_CANCEL "consent_cancel"
#define ATRIUM_ACTION_CODE "code"
#define ATRIUM_ACTION_APPROVE "approve"
#define ATRIUM_ACTION_DENY "deny"

/* What every form page shows and posts. */
struct atrium_page {
    const char *tenant_name;             /* the organisation's display name; NULL: none */
    const char *app_name;                /* the application signed in to; NULL: none */
    const char *action;                  /* the form's URL (same origin) */
    const char *csrf;                    /* the anti-forgery value, posted as csrf_token */
    const struct atrium_kv_list *hidden; /* carried parameters; may be NULL */
    const char *error;                   /* an inline error message; NULL: none */
};

/* The sign-in form: login (prefilled with login, may be NULL) and passwd. */
int atrium_page_signin(struct atrium_buf *b, const struct atrium_page *p, const char *login);
/* The account-name form of the multi-tenant endpoints: GET with login_hint. */
int atrium_page_account(struct atrium_buf *b, const struct atrium_page *p, const char *login);
/* The forced password change: current (passwd), new_passwd, confirm_passwd; login hidden. */
int atrium_page_password_change(struct atrium_buf *b, const struct atrium_page *p,
                                const char *login);
/* "Continue as <user>" or "Use another account". */
int atrium_page_select_account(struct atrium_buf *b, const struct atrium_page *p,
                               const char *user_name, const char *upn);
/* The consent prompt: the permissions (NULL-terminated display strings) the app asks for. */
int atrium_page_consent(struct atrium_buf *b, const struct atrium_page *p, const char *upn,
                        const char *const *permissions);
/* The device flow: enter the user code (otc). */
int atrium_page_device_code(struct atrium_buf *b, const struct atrium_page *p, const char *code);
/* The device flow: "Are you trying to sign in to <app>?" as upn, approve or deny. */
int atrium_page_device_confirm(struct atrium_buf *b, const struct atrium_page *p, const char *upn);

/*
 * A message page: title and text; aadsts (0: none) and request_id (NULL:
 * none) are shown as troubleshooting details.
 */
int atrium_page_message(struct atrium_buf *b, const char *tenant_name, const char *title,
                        const char *text, int aadsts, const char *request_id);

/*
 * The form_post response mode: a form posting fields to uri, submitted by
 * the external script /static/atrium-form-post.js, with a visible Continue
 * button for browsers without script.
 */
int atrium_page_form_post(struct atrium_buf *b, const char *uri,
                          const struct atrium_kv_list *fields);
