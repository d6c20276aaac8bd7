/* SPDX-License-Identifier: MIT */
/*
 * The interactive pages of the sign-in and device flows: sign-in form,
 * account name, forced password change, account picker, consent, device
 * code entry and device confirmation; see pages.h.
 */
#include "http/pages.h"

#include "http/pages_priv.h"

int atrium_page_signin(struct atrium_buf *b, const struct atrium_page *p, const char *login)
{
    struct page_out o = {.b = b};
    page_open(&o, p->tenant_name, "Sign in", "to continue to", p->app_name);
    page_error(&o, p->error);
    page_form_open(&o, p, "post");
    page_input(&o, "text", ATRIUM_FIELD_LOGIN, "Email or user name", login, "username",
               !login || !*login);
    page_input(&o, "password", ATRIUM_FIELD_PASSWORD, "Password", NULL, "current-password",
               login && *login);
    page_raw(&o, "<div class=\"buttons\">\n");
    page_submit(&o, ATRIUM_ACTION_SIGNIN, "Sign in");
    page_raw(&o, "</div>\n</form>\n");
    page_close(&o);
    return o.err;
}

int atrium_page_account(struct atrium_buf *b, const struct atrium_page *p, const char *login)
{
    struct page_out o = {.b = b};
    page_open(&o, p->tenant_name, "Sign in", "to continue to", p->app_name);
    page_error(&o, p->error);
    struct atrium_page get = *p;
    get.csrf = NULL; /* a GET that only navigates carries no anti-forgery value */
    page_form_open(&o, &get, "get");
    page_input(&o, "text", "login_hint", "Email or user name", login, "username", true);
    page_raw(&o, "<div class=\"buttons\">\n<button type=\"submit\" class=\"primary\" "
                 "id=\"btn_next\">Next</button>\n</div>\n</form>\n");
    page_close(&o);
    return o.err;
}

int atrium_page_password_change(struct atrium_buf *b, const struct atrium_page *p,
                                const char *login)
{
    struct page_out o = {.b = b};
    page_open(&o, p->tenant_name, "Update your password", NULL, NULL);
    page_raw(&o, "<p class=\"message\">You need to update your password because this is the "
                 "first time you are signing in, or because your password has expired.</p>\n"
                 "<p class=\"account\">");
    page_text(&o, login);
    page_raw(&o, "</p>\n");
    page_error(&o, p->error);
    page_form_open(&o, p, "post");
    page_hidden(&o, ATRIUM_FIELD_LOGIN, login);
    page_input(&o, "password", ATRIUM_FIELD_PASSWORD, "Current password", NULL, "current-password",
               true);
    page_input(&o, "password", ATRIUM_FIELD_NEW_PASSWORD, "New password", NULL, "new-password",
               false);
    page_input(&o, "password", ATRIUM_FIELD_CONFIRM_PASSWORD, "Confirm password", NULL,
               "new-password", false);
    page_raw(&o, "<div class=\"buttons\">\n");
    page_submit(&o, ATRIUM_ACTION_CHANGE_PASSWORD, "Sign in");
    page_raw(&o, "</div>\n</form>\n");
    page_close(&o);
    return o.err;
}

int atrium_page_select_account(struct atrium_buf *b, const struct atrium_page *p,
                               const char *user_name, const char *upn)
{
    struct page_out o = {.b = b};
    page_open(&o, p->tenant_name, "Pick an account", "to continue to", p->app_name);
    page_error(&o, p->error);
    page_form_open(&o, p, "post");
    page_raw(&o,
             "<div class=\"accounts\">\n<button type=\"submit\" name=\"%s\" value=\"%s\" "
             "class=\"account\" id=\"btn_%s\"><span class=\"name\">",
             ATRIUM_FIELD_ACTION, ATRIUM_ACTION_CONTINUE, ATRIUM_ACTION_CONTINUE);
    page_text(&o, "Continue as ");
    page_text(&o, user_name && *user_name ? user_name : upn);
    page_raw(&o, "</span> <span class=\"upn\">");
    page_text(&o, upn);
    page_raw(&o, "</span></button>\n");
    page_button(&o, ATRIUM_ACTION_OTHER, "Use another account", false);
    page_raw(&o, "</div>\n</form>\n");
    page_close(&o);
    return o.err;
}

int atrium_page_consent(struct atrium_buf *b, const struct atrium_page *p, const char *upn,
                        const char *const *permissions)
{
    struct page_out o = {.b = b};
    page_open(&o, p->tenant_name, "Permissions requested", NULL, NULL);
    page_raw(&o, "<p class=\"account\">");
    page_text(&o, upn);
    page_raw(&o, "</p>\n<p class=\"message\"><strong class=\"app\">");
    page_text(&o, p->app_name);
    page_raw(&o, "</strong> wants to:</p>\n<ul class=\"permissions\">\n");
    for (size_t i = 0; permissions && permissions[i]; i++) {
        page_raw(&o, "<li>");
        page_text(&o, permissions[i]);
        page_raw(&o, "</li>\n");
    }
    page_raw(&o, "</ul>\n<p class=\"note\">Accepting these permissions means that you allow "
                 "this app to use your data as specified in its terms of service and privacy "
                 "statement.</p>\n");
    page_error(&o, p->error);
    page_form_open(&o, p, "post");
    page_raw(&o, "<div class=\"buttons\">\n");
    page_button(&o, ATRIUM_ACTION_CONSENT_CANCEL, "Cancel", false);
    page_button(&o, ATRIUM_ACTION_CONSENT_ACCEPT, "Accept", true);
    page_raw(&o, "</div>\n</form>\n");
    page_close(&o);
    return o.err;
}

int atrium_page_device_code(struct atrium_buf *b, const struct atrium_page *p, const char *code)
{
    struct page_out o = {.b = b};
    page_open(&o, p->tenant_name, "Enter code", NULL, NULL);
    page_raw(&o, "<p class=\"message\">Enter the code displayed on your app or device.</p>\n");
    page_error(&o, p->error);
    page_form_open(&o, p, "post");
    page_input(&o, "text", ATRIUM_FIELD_USER_CODE, "Code", code, "off", true);
    page_raw(&o, "<div class=\"buttons\">\n");
    page_submit(&o, ATRIUM_ACTION_CODE, "Next");
    page_raw(&o, "</div>\n</form>\n");
    page_close(&o);
    return o.err;
}

int atrium_page_device_confirm(struct atrium_buf *b, const struct atrium_page *p, const char *upn)
{
    struct page_out o = {.b = b};
    page_open(&o, p->tenant_name, "Are you trying to sign in?", NULL, NULL);
    page_raw(&o, "<p class=\"message\">Allow <strong class=\"app\">");
    page_text(&o, p->app_name);
    page_raw(&o, "</strong> to sign in as <strong class=\"upn\">");
    page_text(&o, upn);
    page_raw(&o, "</strong>?</p>\n<p class=\"note\">Only continue if you started this sign-in "
                 "yourself, on a device or app you trust.</p>\n");
    page_error(&o, p->error);
    page_form_open(&o, p, "post");
    page_raw(&o, "<div class=\"buttons\">\n");
    page_button(&o, ATRIUM_ACTION_DENY, "Cancel", false);
    page_button(&o, ATRIUM_ACTION_APPROVE, "Continue", true);
    page_raw(&o, "</div>\n</form>\n");
    page_close(&o);
    return o.err;
}
