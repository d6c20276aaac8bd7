/* SPDX-License-Identifier: MIT */
/*
 * The authorization endpoint's request parameters (read, validated in two
 * stages) and its responses (redirect URL in query or fragment mode).
 * Stage one decides whether the request can be answered by a redirect at
 * all: client_id and redirect_uri must be present exactly once, and the
 * oauth service must then accept them (unknown client, unregistered
 * redirect URI: an error page, never a redirect). Stage two checks the
 * rest; its errors are redirected to the (validated) redirect URI. Pure:
 * no request, no store.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "oauth/oauth.h"

struct atrium_kv_list;

enum atrium_authz_mode {
    ATRIUM_AUTHZ_QUERY = 0, /* the default for response_type=code */
    ATRIUM_AUTHZ_FRAGMENT,
    ATRIUM_AUTHZ_FORM_POST,
};

enum atrium_authz_prompt {
    ATRIUM_PROMPT_DEFAULT = 0, /* absent: single sign-on when a session is live */
    ATRIUM_PROMPT_LOGIN,
    ATRIUM_PROMPT_NONE,
    ATRIUM_PROMPT_SELECT_ACCOUNT,
    ATRIUM_PROMPT_CONSENT,
};

#define ATRIUM_AUTHZ_NONCE_MAX 1024
#define ATRIUM_PKCE_CHALLENGE_LEN 43 /* base64url of SHA-256 */

struct atrium_authz_params {
    /* As sent (borrowed from the parameter list); NULL when absent. */
    const char *client_id, *redirect_uri, *response_type, *response_mode, *scope, *state;
    const char *nonce, *code_challenge, *code_challenge_method, *prompt, *login_hint;
    const char *max_age, *client_info, *client_request_id, *request, *request_uri;
    const char *repeated; /* the first known parameter sent more than once; NULL: none */
    /* Set by atrium_authz_params_read (mode) and atrium_authz_check (the rest). */
    enum atrium_authz_mode mode;
    bool mode_invalid;
    enum atrium_authz_prompt prompt_kind;
    int64_t max_age_seconds; /* -1: none */
    bool want_client_info;   /* client_info=1 */
};

/* Read the known parameters of l (unknown ones are ignored). */
void atrium_authz_params_read(const struct atrium_kv_list *l, struct atrium_authz_params *p);

/*
 * Stage one: client_id and redirect_uri present, once. On failure e is the
 * error to show on a page (AADSTS900144 missing, 9002313 repeated).
 */
int atrium_authz_check_target(const struct atrium_authz_params *p, struct atrium_oauth_error *e);

/*
 * Stage two, once the client and redirect URI are known good: repeats,
 * response_mode, response_type (code only), scope, PKCE (S256 only;
 * required for public clients), nonce, prompt, max_age, request objects.
 * On failure e is the error to redirect with.
 */
int atrium_authz_check(struct atrium_authz_params *p, bool public_client,
                       struct atrium_oauth_error *e);

/* Append the parameters the sign-in pages carry to l (borrowed strings). */
void atrium_authz_params_hidden(const struct atrium_authz_params *p, struct atrium_kv_list *l);

/*
 * The URL that delivers fields to redirect_uri: appended to its query
 * ('?' or '&') in query mode, as the fragment in fragment mode; every
 * name and value percent-encoded. Caller owns.
 */
char *atrium_authz_redirect_url(const char *redirect_uri, enum atrium_authz_mode mode,
                                const struct atrium_kv_list *fields);
