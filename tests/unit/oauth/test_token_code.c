/* SPDX-License-Identifier: MIT */
/*
 * The token endpoint, part 2: the authorization code grant. Single use (a
 * replay answers 54005 and revokes the refresh tokens of the first
 * redemption; parallel redemptions give exactly one success), redirect URI
 * and client binding, tenant binding, lifetime, PKCE (S256 only; missing,
 * wrong or malformed verifier; verifier without challenge; public clients
 * must use it), nonce, and redemption through /organizations. Codes are
 * written straight into the store, as code.c would.
 */
#include "token_fixture.h"

#include <pthread.h>

#include "oauth/oauth_priv.h"

#define VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define PUB_REDIRECT "http://localhost:5000/cb"
#define CONF_REDIRECT "https://app.example/cb"
#define SCOPE "User.Read openid profile offline_access"

struct code_spec {
    const char *tenant_id;
    const char *client_id;
    const char *user_id;
    const char *redirect_uri;
    const char *verifier; /* its S256 challenge is stored; NULL: no PKCE */
    const char *nonce;
};

/* Store a code as the authorize endpoint would; returns the value (heap). */
static char *issue_code(struct tf *f, const struct code_spec *cs)
{
    char *code = atrium_oauth_opaque_new(cs->tenant_id);
    char challenge[ATRIUM_TOKEN_HASH_LEN + 1] = "";
    if (cs->verifier)
        atrium_token_hash(cs->verifier, strlen(cs->verifier), challenge);
    struct atrium_auth_code c = {.redirect_uri = (char *)cs->redirect_uri,
                                 .scope = SCOPE,
                                 .nonce = (char *)cs->nonce,
                                 .code_challenge = cs->verifier ? challenge : NULL,
                                 .session_id = "",
                                 .auth_time = atrium_now() - 10,
                                 .created = atrium_now(),
                                 .expires = atrium_now() + 600};
    atrium_token_hash(code, strlen(code), c.code_hash);
    snprintf(c.tenant_id, sizeof(c.tenant_id), "%s", cs->tenant_id);
    snprintf(c.client_id, sizeof(c.client_id), "%s", cs->client_id);
    snprintf(c.user_id, sizeof(c.user_id), "%s", cs->user_id);
    atrium_uuid_v4(c.family_id);
    assert_int_equal(f->s->oauth->code_insert(f->s, &c), 0);
    return code;
}

static struct code_spec pub_spec(struct tf *f)
{
    struct code_spec cs = {.tenant_id = f->t1.id,
                           .client_id = f->pub.app_id,
                           .user_id = f->alice.id,
                           .redirect_uri = PUB_REDIRECT,
                           .verifier = VERIFIER,
                           .nonce = "n-0S6_WzA2Mj"};
    return cs;
}

static struct atrium_token_request redeem_req(const char *segment, const char *client_id,
                                              const char *code, const char *redirect_uri,
                                              const char *verifier)
{
    struct atrium_token_request r = tf_request(segment, "authorization_code", client_id);
    r.code = code;
    r.redirect_uri = redirect_uri;
    r.code_verifier = verifier;
    r.client_info = true;
    return r;
}

static void test_code_pkce_happy_path(void **state)
{
    struct tf *f = *state;
    struct code_spec cs = pub_spec(f);
    AUTO_FREE char *code = issue_code(f, &cs);
    struct atrium_token_request r =
        redeem_req(f->t1.id, f->pub.app_id, code, PUB_REDIRECT, VERIFIER);
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    assert_int_equal(tf_token(f, &r, &resp, &e), 0);
    assert_non_null(tf_str(resp, "refresh_token"));
    assert_non_null(tf_str(resp, "client_info"));
    json_t *id = tf_token_claims(f, resp, "id_token");
    assert_string_equal(tf_str(id, "nonce"), "n-0S6_WzA2Mj");
    assert_string_equal(tf_str(id, "aud"), f->pub.app_id);
    json_int_t auth_time = json_integer_value(json_object_get(id, "auth_time"));
    assert_true(auth_time >= atrium_now() - 12 && auth_time <= atrium_now() - 9);
    json_t *at = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(at, "azpacr"), "0");
    assert_string_equal(tf_str(at, "oid"), f->alice.id);
    json_decref(at);
    json_decref(id);
    json_decref(resp);
}

static void test_code_replay_revokes(void **state)
{
    struct tf *f = *state;
    struct code_spec cs = pub_spec(f);
    AUTO_FREE char *code = issue_code(f, &cs);
    struct atrium_token_request r =
        redeem_req(f->t1.id, f->pub.app_id, code, PUB_REDIRECT, VERIFIER);
    struct atrium_oauth_error e;
    json_t *first = NULL, *resp = NULL;
    assert_int_equal(tf_token(f, &r, &first, &e), 0);
    const char *rt = tf_str(first, "refresh_token");

    atrium_clock_set_offset(30);
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_grant", 54005, 400);

    /* The refresh token of the first redemption is revoked. */
    struct atrium_token_request rr = tf_request(f->t1.id, "refresh_token", f->pub.app_id);
    rr.refresh_token = rt;
    int rc = tf_token(f, &rr, &resp, &e);
    assert_true(rc < 0);
    assert_string_equal(e.error, "invalid_grant");
    json_decref(first);
}

static void expect_redeem_error(struct tf *f, const struct atrium_token_request *r,
                                const char *error, int aadsts)
{
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    int rc = tf_token(f, r, &resp, &e);
    if (rc == 0 || strcmp(e.error, error) != 0 || e.aadsts != aadsts)
        fail_msg("got %s %d (%s), want %s %d", rc == 0 ? "success" : e.error, e.aadsts,
                 rc == 0 ? "" : e.description, error, aadsts);
    assert_int_equal(e.status, 400);
}

static void test_code_pkce_errors(void **state)
{
    struct tf *f = *state;
    struct code_spec cs = pub_spec(f);
    static const char *const bad[] = {
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK",          /* another valid verifier */
        "",                                                     /* missing */
        "short", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX$", /* outside the alphabet */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        AUTO_FREE char *code = issue_code(f, &cs);
        struct atrium_token_request r =
            redeem_req(f->t1.id, f->pub.app_id, code, PUB_REDIRECT, bad[i]);
        expect_redeem_error(f, &r, "invalid_grant", 501481);
    }

    /* A verifier whose hash matches but which is too long (129 characters). */
    char longv[130];
    memset(longv, 'a', 129);
    longv[129] = '\0';
    cs.verifier = longv;
    AUTO_FREE char *code_long = issue_code(f, &cs);
    struct atrium_token_request r =
        redeem_req(f->t1.id, f->pub.app_id, code_long, PUB_REDIRECT, longv);
    expect_redeem_error(f, &r, "invalid_grant", 501481);

    /* Public client without PKCE: refused even without a verifier. */
    cs = pub_spec(f);
    cs.verifier = NULL;
    AUTO_FREE char *no_pkce = issue_code(f, &cs);
    r = redeem_req(f->t1.id, f->pub.app_id, no_pkce, PUB_REDIRECT, NULL);
    expect_redeem_error(f, &r, "invalid_grant", 501481);

    /* Downgrade: a verifier sent for a code issued without a challenge. */
    struct code_spec cc = {.tenant_id = f->t1.id,
                           .client_id = f->conf.app_id,
                           .user_id = f->alice.id,
                           .redirect_uri = CONF_REDIRECT};
    AUTO_FREE char *conf_code = issue_code(f, &cc);
    r = redeem_req(f->t1.id, f->conf.app_id, conf_code, CONF_REDIRECT, VERIFIER);
    r.client_secret = f->conf.secret;
    expect_redeem_error(f, &r, "invalid_grant", 501481);
}

static void test_code_confidential_without_pkce(void **state)
{
    struct tf *f = *state;
    struct code_spec cc = {.tenant_id = f->t1.id,
                           .client_id = f->conf.app_id,
                           .user_id = f->alice.id,
                           .redirect_uri = CONF_REDIRECT};
    AUTO_FREE char *code = issue_code(f, &cc);
    struct atrium_token_request r = redeem_req(f->t1.id, f->conf.app_id, code, CONF_REDIRECT, NULL);
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    /* Without the secret: 7000216 (and the code is not consumed by that). */
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_client", 7000216, 401);
    r.client_secret = f->conf.secret;
    assert_int_equal(tf_token(f, &r, &resp, &e), 0);
    json_t *at = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(at, "azpacr"), "1");
    json_t *id = tf_token_claims(f, resp, "id_token");
    assert_null(json_object_get(id, "nonce"));
    json_decref(id);
    json_decref(at);
    json_decref(resp);
}

static void test_code_bindings(void **state)
{
    struct tf *f = *state;
    struct code_spec cs = pub_spec(f);

    /* Another registered redirect URI, or none at all. */
    AUTO_FREE char *c1 = issue_code(f, &cs);
    struct atrium_token_request r =
        redeem_req(f->t1.id, f->pub.app_id, c1, "http://localhost:5001/cb", VERIFIER);
    expect_redeem_error(f, &r, "invalid_grant", 70000);
    AUTO_FREE char *c2 = issue_code(f, &cs);
    r = redeem_req(f->t1.id, f->pub.app_id, c2, NULL, VERIFIER);
    expect_redeem_error(f, &r, "invalid_request", 900144);
    /* A missing parameter does not burn the code. */
    r.redirect_uri = PUB_REDIRECT;
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    assert_int_equal(tf_token(f, &r, &resp, &e), 0);
    json_decref(resp);

    /* Issued to pub, redeemed by the first-party client. */
    AUTO_FREE char *c3 = issue_code(f, &cs);
    r = redeem_req(f->t1.id, ATRIUM_FIRST_PARTY_CLIENT_ID, c3, PUB_REDIRECT, VERIFIER);
    expect_redeem_error(f, &r, "invalid_grant", 70000);

    /* Issued in t1, presented to t2: as unknown. */
    cs.client_id = ATRIUM_FIRST_PARTY_CLIENT_ID;
    AUTO_FREE char *c4 = issue_code(f, &cs);
    r = redeem_req(f->t2.id, ATRIUM_FIRST_PARTY_CLIENT_ID, c4, PUB_REDIRECT, VERIFIER);
    expect_redeem_error(f, &r, "invalid_grant", 70008);

    /* Unknown and garbage codes. */
    r = redeem_req(f->t1.id, f->pub.app_id, "garbage", PUB_REDIRECT, VERIFIER);
    expect_redeem_error(f, &r, "invalid_grant", 70008);
    r = redeem_req("organizations", f->pub.app_id, "garbage", PUB_REDIRECT, VERIFIER);
    expect_redeem_error(f, &r, "invalid_grant", 9002313);

    /* The user was disabled in between. */
    cs = pub_spec(f);
    cs.user_id = f->bob.id;
    AUTO_FREE char *c5 = issue_code(f, &cs);
    r = redeem_req(f->t1.id, f->pub.app_id, c5, PUB_REDIRECT, VERIFIER);
    expect_redeem_error(f, &r, "invalid_grant", 50057);
}

static void test_code_lifetime_and_alias(void **state)
{
    struct tf *f = *state;
    struct code_spec cs = pub_spec(f);
    struct atrium_oauth_error e;
    json_t *resp = NULL;

    AUTO_FREE char *c1 = issue_code(f, &cs);
    atrium_clock_set_offset(599);
    struct atrium_token_request r = redeem_req(f->t1.id, f->pub.app_id, c1, PUB_REDIRECT, VERIFIER);
    assert_int_equal(tf_token(f, &r, &resp, &e), 0);
    json_decref(resp);
    atrium_clock_set_offset(0);

    AUTO_FREE char *c2 = issue_code(f, &cs);
    atrium_clock_set_offset(601);
    r = redeem_req(f->t1.id, f->pub.app_id, c2, PUB_REDIRECT, VERIFIER);
    expect_redeem_error(f, &r, "invalid_grant", 70008);
    atrium_clock_set_offset(0);

    /* /organizations and /common find the tenant in the code. */
    AUTO_FREE char *c3 = issue_code(f, &cs);
    r = redeem_req("organizations", f->pub.app_id, c3, PUB_REDIRECT, VERIFIER);
    assert_int_equal(tf_token(f, &r, &resp, &e), 0);
    json_t *at = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(at, "tid"), f->t1.id);
    json_decref(at);
    json_decref(resp);
}

struct race {
    const char *uri;
    const char *code;
    struct tf *f;
    int ok;
};

static void *race_redeem(void *arg)
{
    struct race *rc = arg;
    struct atrium_store *s = NULL;
    struct atrium_errinfo ei = {0};
    if (atrium_store_open(rc->uri, &s, &ei) != 0)
        return NULL;
    struct atrium_token_request r =
        redeem_req(rc->f->t1.id, rc->f->pub.app_id, rc->code, PUB_REDIRECT, VERIFIER);
    struct atrium_oauth_error e = {0};
    json_t *resp = NULL;
    rc->ok = atrium_oauth_token(s, &rc->f->o, &r, &resp, &e) == 0;
    json_decref(resp);
    atrium_store_close(s);
    return NULL;
}

static void test_code_parallel_redemption(void **state)
{
    struct tf *f = *state;
    struct code_spec cs = pub_spec(f);
    AUTO_FREE char *code = issue_code(f, &cs);
    AUTO_FREE char *uri = xasprintf("sqlite:%s", f->db_path);
    enum { N = 6 };
    struct race races[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        races[i] = (struct race){.uri = uri, .code = code, .f = f};
        assert_int_equal(pthread_create(&th[i], NULL, race_redeem, &races[i]), 0);
    }
    int wins = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        wins += races[i].ok;
    }
    assert_int_equal(wins, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_code_pkce_happy_path, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_code_replay_revokes, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_code_pkce_errors, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_code_confidential_without_pkce, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_code_bindings, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_code_lifetime_and_alias, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_code_parallel_redemption, tf_setup, tf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
