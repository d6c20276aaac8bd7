/* SPDX-License-Identifier: MIT */
/*
 * Authorization request parameters: which problems are shown on a page
 * (stage one: client_id, redirect_uri) and which are redirected (stage
 * two), with the right error and AADSTS code; prompt and max_age parsing;
 * the carried hidden fields; and redirect URLs in query and fragment mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "http/authorize.h"
#include "http/form.h"
#include "http/kv.h"

#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" /* RFC 7636 appendix B */
#define GOOD                                                                                       \
    "client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&redirect_uri=http%3A%2F%2Flocalhost%3A5000"    \
    "&response_type=code&scope=openid+profile&state=s1&code_challenge=" CHALLENGE                  \
    "&code_challenge_method=S256"

struct parsed {
    struct atrium_kv_list l;
    struct atrium_authz_params p;
    struct atrium_oauth_error e;
};

static void parse(struct parsed *x, const char *query)
{
    static const struct atrium_form_limits lim = ATRIUM_FORM_LIMITS_DEFAULT;
    struct atrium_errinfo ei;
    memset(x, 0, sizeof(*x));
    assert_int_equal(atrium_form_parse(query, strlen(query), &lim, "query", &x->l, &ei), 0);
    atrium_authz_params_read(&x->l, &x->p);
}

/* Stage two on GOOD plus extra ("&x=y") or with a parameter replaced via a full query. */
static int check(struct parsed *x, const char *query, bool public_client)
{
    parse(x, query);
    assert_int_equal(atrium_authz_check_target(&x->p, &x->e), 0);
    return atrium_authz_check(&x->p, public_client, &x->e);
}

static void test_good(void **state)
{
    struct parsed x;
    assert_int_equal(check(&x, GOOD, true), 0);
    assert_string_equal(x.p.client_id, "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    assert_string_equal(x.p.redirect_uri, "http://localhost:5000");
    assert_string_equal(x.p.scope, "openid profile");
    assert_int_equal(x.p.mode, ATRIUM_AUTHZ_QUERY);
    assert_int_equal(x.p.prompt_kind, ATRIUM_PROMPT_DEFAULT);
    assert_int_equal(x.p.max_age_seconds, -1);
    assert_false(x.p.want_client_info);
    atrium_kv_list_release(&x.l);

    /* MSAL's extras are ignored; client_info=1 is noticed; modes parse. */
    assert_int_equal(check(&x,
                           GOOD "&client_info=1&x-client-SKU=msal.js.node&x-client-VER=2"
                                "&domain_hint=contoso.com&login_hint=ada%40contoso.com"
                                "&response_mode=form_post&nonce=n1&prompt=select_account"
                                "&max_age=300&ui_locales=en&claims=%7B%7D&client-request-id=c1",
                           true),
                     0);
    assert_true(x.p.want_client_info);
    assert_int_equal(x.p.mode, ATRIUM_AUTHZ_FORM_POST);
    assert_int_equal(x.p.prompt_kind, ATRIUM_PROMPT_SELECT_ACCOUNT);
    assert_int_equal(x.p.max_age_seconds, 300);
    assert_string_equal(x.p.login_hint, "ada@contoso.com");
    atrium_kv_list_release(&x.l);

    /* A confidential client need not use PKCE. */
    assert_int_equal(check(&x,
                           "client_id=c&redirect_uri=https%3A%2F%2Fa.example%2Fcb&response_type="
                           "code&scope=openid",
                           false),
                     0);
    atrium_kv_list_release(&x.l);
}

/* Stage one: problems shown on a page, never redirected. */
static void test_page_errors(void **state)
{
    static const struct {
        const char *query;
        int aadsts;
    } cases[] = {
        {"redirect_uri=http%3A%2F%2Flocalhost&response_type=code", 900144},
        {"client_id=&redirect_uri=http%3A%2F%2Flocalhost", 900144},
        {"client_id=c&response_type=code", 900144},
        {"client_id=c&redirect_uri=", 900144},
        {"client_id=c&client_id=d&redirect_uri=http%3A%2F%2Flocalhost", 9002313},
        {"client_id=c&redirect_uri=http%3A%2F%2Fa&redirect_uri=http%3A%2F%2Fb", 9002313},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct parsed x;
        parse(&x, cases[i].query);
        assert_int_equal(atrium_authz_check_target(&x.p, &x.e), ATRIUM_EINVAL);
        assert_string_equal(x.e.error, "invalid_request");
        assert_int_equal(x.e.aadsts, cases[i].aadsts);
        assert_int_equal(x.e.status, 400);
        atrium_kv_list_release(&x.l);
    }
}

/* Stage two: problems redirected to the client with error and AADSTS code. */
static void test_redirect_errors(void **state)
{
    static const struct {
        const char *query;
        bool public_client;
        const char *error;
        int aadsts;
    } cases[] = {
        /* PKCE: required for public clients, S256 only, well-formed. */
        {"client_id=c&redirect_uri=r&response_type=code&scope=openid", true, "invalid_request",
         9002325},
        {"client_id=c&redirect_uri=r&response_type=code&scope=openid&code_challenge=" CHALLENGE
         "&code_challenge_method=plain",
         true, "invalid_request", 9002313},
        {"client_id=c&redirect_uri=r&response_type=code&scope=openid&code_challenge=" CHALLENGE,
         false, "invalid_request", 9002313}, /* no method means plain */
        {"client_id=c&redirect_uri=r&response_type=code&scope=openid&code_challenge=abc"
         "&code_challenge_method=S256",
         true, "invalid_request", 501491},
        {"client_id=c&redirect_uri=r&response_type=code&scope=openid&code_challenge=" CHALLENGE
         "x&code_challenge_method=S256",
         true, "invalid_request", 501491},
        {"client_id=c&redirect_uri=r&response_type=code&scope=openid&code_challenge="
         "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw=cM&code_challenge_method=S256",
         true, "invalid_request", 501491},
        {"client_id=c&redirect_uri=r&response_type=code&scope=openid&code_challenge_method=S256",
         false, "invalid_request", 9002313},
        /* response_type */
        {"client_id=c&redirect_uri=r&scope=openid", false, "invalid_request", 900144},
        {"client_id=c&redirect_uri=r&response_type=token&scope=openid", false,
         "unsupported_response_type", 700054},
        {"client_id=c&redirect_uri=r&response_type=id_token&scope=openid", false,
         "unsupported_response_type", 700054},
        {"client_id=c&redirect_uri=r&response_type=code+id_token&scope=openid", false,
         "unsupported_response_type", 700054},
        /* scope, response_mode, repeats, prompt, max_age, nonce, request objects */
        {"client_id=c&redirect_uri=r&response_type=code", false, "invalid_request", 900144},
        {GOOD "&response_mode=web_message", true, "invalid_request", 9002313},
        {GOOD "&state=again", true, "invalid_request", 9002313},
        {GOOD "&prompt=bogus", true, "invalid_request", 90023},
        {GOOD "&prompt=none+login", true, "invalid_request", 90023},
        {GOOD "&max_age=-1", true, "invalid_request", 9002313},
        {GOOD "&max_age=ten", true, "invalid_request", 9002313},
        {GOOD "&request=eyJ", true, "request_not_supported", 0},
        {GOOD "&request_uri=https%3A%2F%2Fx", true, "request_uri_not_supported", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct parsed x;
        print_message("case %zu: %s\n", i, cases[i].query);
        assert_int_equal(check(&x, cases[i].query, cases[i].public_client), ATRIUM_EINVAL);
        assert_string_equal(x.e.error, cases[i].error);
        assert_int_equal(x.e.aadsts, cases[i].aadsts);
        assert_int_equal(x.e.status, 400);
        assert_true(x.e.description[0] != '\0');
        atrium_kv_list_release(&x.l);
    }
    /* A nonce over the limit. */
    const char *prefix = GOOD "&nonce=";
    size_t n = strlen(prefix);
    char *q = malloc(n + ATRIUM_AUTHZ_NONCE_MAX + 2);
    memcpy(q, prefix, n);
    memset(q + n, 'n', ATRIUM_AUTHZ_NONCE_MAX + 1);
    q[n + ATRIUM_AUTHZ_NONCE_MAX + 1] = '\0';
    struct parsed x;
    assert_int_equal(check(&x, q, true), ATRIUM_EINVAL);
    atrium_kv_list_release(&x.l);
    q[n + ATRIUM_AUTHZ_NONCE_MAX] = '\0';
    assert_int_equal(check(&x, q, true), 0);
    atrium_kv_list_release(&x.l);
    free(q);
}

static void test_mode_kept_for_errors(void **state)
{
    /* An error after a valid response_mode is delivered in that mode. */
    struct parsed x;
    assert_int_equal(check(&x, GOOD "&response_mode=fragment&prompt=bogus", true), ATRIUM_EINVAL);
    assert_int_equal(x.p.mode, ATRIUM_AUTHZ_FRAGMENT);
    atrium_kv_list_release(&x.l);
    /* An invalid one falls back to query. */
    assert_int_equal(check(&x, GOOD "&response_mode=bogus", true), ATRIUM_EINVAL);
    assert_int_equal(x.p.mode, ATRIUM_AUTHZ_QUERY);
    atrium_kv_list_release(&x.l);
}

static void test_prompt(void **state)
{
    static const struct {
        const char *prompt;
        enum atrium_authz_prompt kind;
    } cases[] = {
        {"login", ATRIUM_PROMPT_LOGIN},
        {"none", ATRIUM_PROMPT_NONE},
        {"select_account", ATRIUM_PROMPT_SELECT_ACCOUNT},
        {"consent", ATRIUM_PROMPT_CONSENT},
        {"consent+login", ATRIUM_PROMPT_LOGIN},
        {"select_account+consent", ATRIUM_PROMPT_SELECT_ACCOUNT},
        {"", ATRIUM_PROMPT_DEFAULT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char q[512];
        snprintf(q, sizeof(q), "%s&prompt=%s", GOOD, cases[i].prompt);
        struct parsed x;
        assert_int_equal(check(&x, q, true), 0);
        assert_int_equal(x.p.prompt_kind, cases[i].kind);
        atrium_kv_list_release(&x.l);
    }
}

static void test_hidden_fields(void **state)
{
    struct parsed x;
    assert_int_equal(check(&x,
                           GOOD "&nonce=n&client_info=1&login_hint=a%40b&prompt=login"
                                "&x-client-SKU=msal&client-request-id=cr",
                           true),
                     0);
    struct atrium_kv_list h;
    atrium_kv_list_init(&h);
    atrium_authz_params_hidden(&x.p, &h);
    assert_string_equal(atrium_kv_get(&h, "client_id"), "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    assert_string_equal(atrium_kv_get(&h, "redirect_uri"), "http://localhost:5000");
    assert_string_equal(atrium_kv_get(&h, "response_type"), "code");
    assert_string_equal(atrium_kv_get(&h, "scope"), "openid profile");
    assert_string_equal(atrium_kv_get(&h, "state"), "s1");
    assert_string_equal(atrium_kv_get(&h, "nonce"), "n");
    assert_string_equal(atrium_kv_get(&h, "code_challenge"), CHALLENGE);
    assert_string_equal(atrium_kv_get(&h, "code_challenge_method"), "S256");
    assert_string_equal(atrium_kv_get(&h, "client_info"), "1");
    assert_string_equal(atrium_kv_get(&h, "client-request-id"), "cr");
    /* Not carried: the prompt was for this request only; unknown parameters are dropped. */
    assert_null(atrium_kv_get(&h, "prompt"));
    assert_null(atrium_kv_get(&h, "x-client-SKU"));
    assert_null(atrium_kv_get(&h, "response_mode"));
    atrium_kv_list_release(&h);
    atrium_kv_list_release(&x.l);
}

static void test_redirect_url(void **state)
{
    struct atrium_kv_list f;
    atrium_kv_list_init(&f);
    atrium_kv_list_add(&f, "code", "a-b_c.d~e");
    atrium_kv_list_add(&f, "state", "x y&z=1/?#%\xC3\xA9");
    atrium_kv_list_add(&f, "iss", "https://h:8443/t/v2.0");
    char *u = atrium_authz_redirect_url("http://localhost:5000/cb", ATRIUM_AUTHZ_QUERY, &f);
    assert_string_equal(u, "http://localhost:5000/cb?code=a-b_c.d~e"
                           "&state=x%20y%26z%3D1%2F%3F%23%25%C3%A9"
                           "&iss=https%3A%2F%2Fh%3A8443%2Ft%2Fv2.0");
    free(u);
    u = atrium_authz_redirect_url("https://rp.example/cb?keep=1", ATRIUM_AUTHZ_QUERY, &f);
    assert_true(strncmp(u, "https://rp.example/cb?keep=1&code=", 34) == 0);
    free(u);
    u = atrium_authz_redirect_url("https://rp.example/cb", ATRIUM_AUTHZ_FRAGMENT, &f);
    assert_true(strncmp(u, "https://rp.example/cb#code=a-b_c.d~e&state=", 43) == 0);
    free(u);
    /* Header injection is impossible: CR and LF are encoded. */
    atrium_kv_list_add(&f, "error_description", "a\r\nSet-Cookie: x=1");
    u = atrium_authz_redirect_url("https://rp.example/cb", ATRIUM_AUTHZ_QUERY, &f);
    assert_null(strpbrk(u, "\r\n "));
    assert_non_null(strstr(u, "a%0D%0ASet-Cookie%3A%20x%3D1"));
    free(u);
    atrium_kv_list_release(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_page_errors),
        cmocka_unit_test(test_redirect_errors),
        cmocka_unit_test(test_mode_kept_for_errors),
        cmocka_unit_test(test_prompt),
        cmocka_unit_test(test_hidden_fields),
        cmocka_unit_test(test_redirect_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
