/* SPDX-License-Identifier: MIT */
/* Authorization request parameters and redirect URLs; see authorize.h. */
#include "http/authorize.h"

#include <stddef.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "http/kv.h"

#define REDIRECT_URL_MAX (64u << 10)
#define MAX_AGE_MAX (10LL * 365 * 86400)

struct known_param {
    const char *name;
    size_t offset; /* of the const char * member */
};

#define P(field, name)                                                                             \
    {                                                                                              \
        name, offsetof(struct atrium_authz_params, field)                                          \
    }
static const struct known_param known[] = {
    P(client_id, "client_id"),
    P(redirect_uri, "redirect_uri"),
    P(response_type, "response_type"),
    P(response_mode, "response_mode"),
    P(scope, "scope"),
    P(state, "state"),
    P(nonce, "nonce"),
    P(code_challenge, "code_challenge"),
    P(code_challenge_method, "code_challenge_method"),
    P(prompt, "prompt"),
    P(login_hint, "login_hint"),
    P(max_age, "max_age"),
    P(client_info, "client_info"),
    P(client_request_id, "client-request-id"),
    P(request, "request"),
    P(request_uri, "request_uri"),
};
#undef P

static enum atrium_authz_mode parse_mode(const char *v, bool *ret_invalid)
{
    *ret_invalid = false;
    if (!v || strcmp(v, "query") == 0)
        return ATRIUM_AUTHZ_QUERY;
    if (strcmp(v, "fragment") == 0)
        return ATRIUM_AUTHZ_FRAGMENT;
    if (strcmp(v, "form_post") == 0)
        return ATRIUM_AUTHZ_FORM_POST;
    *ret_invalid = true;
    return ATRIUM_AUTHZ_QUERY;
}

void atrium_authz_params_read(const struct atrium_kv_list *l, struct atrium_authz_params *p)
{
    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        const char **slot = (const char **)((char *)p + known[i].offset);
        *slot = atrium_kv_get(l, known[i].name);
        if (!p->repeated && atrium_kv_count(l, known[i].name) > 1)
            p->repeated = known[i].name;
    }
    p->mode = parse_mode(p->response_mode, &p->mode_invalid);
    p->max_age_seconds = -1;
}

static int invalid(struct atrium_oauth_error *e, int aadsts, const char *what)
{
    return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", aadsts, 400, "%s", what);
}

int atrium_authz_check_target(const struct atrium_authz_params *p, struct atrium_oauth_error *e)
{
    if (!p->client_id || !*p->client_id)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 900144, 400,
                                 "The request body must contain the following parameter: "
                                 "'client_id'.");
    if (!p->redirect_uri || !*p->redirect_uri)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 900144, 400,
                                 "The request body must contain the following parameter: "
                                 "'redirect_uri'.");
    if (p->repeated &&
        (strcmp(p->repeated, "client_id") == 0 || strcmp(p->repeated, "redirect_uri") == 0))
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 9002313, 400,
                                 "The parameter '%s' is repeated.", p->repeated);
    return 0;
}

static bool is_b64url(const char *s, size_t n)
{
    return strlen(s) == n &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

static int check_pkce(const struct atrium_authz_params *p, bool public_client,
                      struct atrium_oauth_error *e)
{
    if (!p->code_challenge || !*p->code_challenge) {
        if (p->code_challenge_method)
            return invalid(e, 9002313, "code_challenge_method was sent without code_challenge.");
        if (public_client)
            return invalid(e, 9002325,
                           "Proof Key for Code Exchange is required: a public client must send "
                           "code_challenge with code_challenge_method=S256.");
        return 0;
    }
    if (!p->code_challenge_method || strcmp(p->code_challenge_method, "S256") != 0)
        return invalid(e, 9002313,
                       "The code_challenge_method must be 'S256'; 'plain' (the default when "
                       "it is absent) is not supported.");
    if (!is_b64url(p->code_challenge, ATRIUM_PKCE_CHALLENGE_LEN))
        return invalid(e, 501491, "Invalid size of Code_Challenge parameter.");
    return 0;
}

/* Space-separated prompt values; "none" must stand alone. */
static int check_prompt(struct atrium_authz_params *p, struct atrium_oauth_error *e)
{
    static const struct {
        const char *name;
        enum atrium_authz_prompt kind;
    } prompts[] = {{"login", ATRIUM_PROMPT_LOGIN},
                   {"none", ATRIUM_PROMPT_NONE},
                   {"select_account", ATRIUM_PROMPT_SELECT_ACCOUNT},
                   {"consent", ATRIUM_PROMPT_CONSENT}};
    p->prompt_kind = ATRIUM_PROMPT_DEFAULT;
    const char *s = p->prompt ? p->prompt : "";
    size_t count = 0;
    bool none = false;
    while (*s) {
        size_t n = strcspn(s, " ");
        size_t i = 0;
        while (n > 0 && i < sizeof(prompts) / sizeof(prompts[0]) &&
               (strlen(prompts[i].name) != n || strncmp(prompts[i].name, s, n) != 0))
            i++;
        if (n > 0 && i == sizeof(prompts) / sizeof(prompts[0]))
            return invalid(e, 90023, "The prompt parameter has an unsupported value.");
        if (n > 0) {
            count++;
            none |= prompts[i].kind == ATRIUM_PROMPT_NONE;
            /* The strongest interaction wins: login > select_account > consent. */
            if (p->prompt_kind == ATRIUM_PROMPT_DEFAULT || prompts[i].kind < p->prompt_kind)
                p->prompt_kind = prompts[i].kind;
        }
        s += n + (s[n] == ' ');
    }
    if (none && count > 1)
        return invalid(e, 90023, "prompt=none cannot be combined with other prompt values.");
    if (none)
        p->prompt_kind = ATRIUM_PROMPT_NONE;
    return 0;
}

static int check_basics(const struct atrium_authz_params *p, struct atrium_oauth_error *e)
{
    if (p->repeated)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 9002313, 400,
                                 "The parameter '%s' is repeated.", p->repeated);
    if (p->request)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "request_not_supported", 0, 400,
                                 "Request objects (the 'request' parameter) are not supported.");
    if (p->request_uri)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "request_uri_not_supported", 0, 400,
                                 "The 'request_uri' parameter is not supported.");
    if (p->mode_invalid)
        return invalid(e, 9002313, "The response_mode must be 'query', 'fragment' or 'form_post'.");
    if (!p->response_type || !*p->response_type)
        return invalid(e, 900144,
                       "The request body must contain the following parameter: "
                       "'response_type'.");
    if (strcmp(p->response_type, "code") != 0)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "unsupported_response_type", 700054, 400,
                                 "The response_type must be 'code'.");
    if (!p->scope || !*p->scope)
        return invalid(e, 900144,
                       "The request body must contain the following parameter: 'scope'.");
    return 0;
}

int atrium_authz_check(struct atrium_authz_params *p, bool public_client,
                       struct atrium_oauth_error *e)
{
    int rc = check_basics(p, e);
    if (rc == 0)
        rc = check_pkce(p, public_client, e);
    if (rc == 0 && p->nonce && strlen(p->nonce) > ATRIUM_AUTHZ_NONCE_MAX)
        rc = invalid(e, 9002313, "The nonce parameter is too long.");
    if (rc == 0)
        rc = check_prompt(p, e);
    p->max_age_seconds = -1;
    if (rc == 0 && p->max_age &&
        atrium_str_to_i64(p->max_age, 0, MAX_AGE_MAX, &p->max_age_seconds) < 0)
        rc = invalid(e, 9002313, "The max_age parameter must be a number of seconds.");
    p->want_client_info = p->client_info && strcmp(p->client_info, "1") == 0;
    return rc;
}

void atrium_authz_params_hidden(const struct atrium_authz_params *p, struct atrium_kv_list *l)
{
    static const char *const carried[] = {"client_id",
                                          "redirect_uri",
                                          "response_type",
                                          "response_mode",
                                          "scope",
                                          "state",
                                          "nonce",
                                          "code_challenge",
                                          "code_challenge_method",
                                          "client_info",
                                          "client-request-id"};
    for (size_t i = 0; i < sizeof(carried) / sizeof(carried[0]); i++)
        for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
            const char *v = *(const char *const *)((const char *)p + known[k].offset);
            if (strcmp(known[k].name, carried[i]) == 0 && v)
                atrium_kv_list_add(l, carried[i], v);
        }
}

static int url_encode(struct atrium_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    int r = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && r == 0; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p)) {
            r = atrium_buf_append(b, p, 1);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            r = atrium_buf_append(b, esc, 3);
        }
    }
    return r;
}

char *atrium_authz_redirect_url(const char *redirect_uri, enum atrium_authz_mode mode,
                                const struct atrium_kv_list *fields)
{
    struct atrium_buf b;
    atrium_buf_init(&b, REDIRECT_URL_MAX);
    int r = atrium_buf_puts(&b, redirect_uri);
    char sep = mode == ATRIUM_AUTHZ_FRAGMENT ? '#' : (strchr(redirect_uri, '?') ? '&' : '?');
    for (size_t i = 0; r == 0 && i < fields->count; i++) {
        r = atrium_buf_append(&b, &sep, 1);
        r = r ? r : url_encode(&b, fields->items[i].name);
        r = r ? r : atrium_buf_append(&b, "=", 1);
        r = r ? r : url_encode(&b, fields->items[i].value);
        sep = '&';
    }
    if (r < 0) {
        atrium_buf_release(&b);
        return NULL;
    }
    char *url = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return url;
}
