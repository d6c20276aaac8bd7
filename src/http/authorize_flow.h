/* SPDX-License-Identifier: MIT */
/*
 * The end of an authorization request, once the user is known: consent,
 * the authorization code and the response to the client in its
 * response_mode; and error responses redirected to the client. Shared by
 * handlers_authorize.c and authorize_flow.c only.
 */
#pragma once

#include "http/authorize.h"
#include "http/signin_flow.h"

/* The issuer (iss) of the flow's tenant; heap. */
char *atrium_authz_issuer(const struct atrium_flow *f);

/*
 * Deliver fields (code or error, state, iss...) to the client's validated
 * redirect URI in p->mode: a redirect, or the form_post page.
 */
int atrium_authz_deliver(struct atrium_flow *f, const struct atrium_authz_params *p,
                         const struct atrium_kv_list *fields);

/* Redirect e to the client (error, error_description, suberror, state, iss). */
int atrium_authz_fail(struct atrium_flow *f, const struct atrium_authz_params *p,
                      const struct atrium_oauth_error *e);

/*
 * The signed-in user (session ss) continues to the client: consent check
 * (consent page when the scopes need it), then a code and the response.
 */
int atrium_authz_complete(struct atrium_flow *f, const struct atrium_authz_params *p,
                          const struct atrium_user *user, const struct atrium_session *ss);

/*
 * The consent page's answer for the signed-in user (session ss): Accept
 * records the user's consent and continues as atrium_authz_complete (code
 * and response); Cancel redirects access_denied AADSTS65004. A consent the
 * user may not give (admin-only permissions) redirects the service's error.
 */
int atrium_authz_consent_answer(struct atrium_flow *f, const struct atrium_authz_params *p,
                                const struct atrium_user *user, const struct atrium_session *ss,
                                bool accept);
