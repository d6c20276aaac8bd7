/* SPDX-License-Identifier: MIT */
/*
 * Authorization codes: issued values are random, carry their tenant and are
 * stored only as their hash with the request's fields and a fresh family;
 * they expire after cfg.code_lifetime; PKCE challenges must be S256-shaped.
 */
#include "authn_fixture.h"

#include "oauth/oauth_priv.h"

#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" /* RFC 7636 appendix B */

static struct atrium_code_request request(struct fx *f, const struct atrium_oauth_client *c)
{
    struct atrium_code_request r = {.tenant_id = f->t1.id,
                                    .client = c,
                                    .user_id = f->alice.id,
                                    .redirect_uri = "http://localhost:5173/cb",
                                    .scope = "openid profile offline_access User.Read",
                                    .nonce = "n-0S6_WzA2Mj",
                                    .code_challenge = CHALLENGE,
                                    .session_id = NULL,
                                    .auth_time = atrium_now() - 7};
    return r;
}

static void test_issue_stores_hash_and_fields(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_oauth_client c = fx_client();
    struct atrium_code_request r = request(f, &c);
    struct atrium_oauth_error e = {0};
    char *code = NULL;
    int64_t t0 = atrium_now();
    assert_int_equal(atrium_oauth_code_issue(f->s, &f->o, &r, &code, &e), 0);
    assert_non_null(code);
    assert_int_equal(strlen(code), ATRIUM_OAUTH_OPAQUE_LEN);
    char tid[ATRIUM_UUID_LEN + 1];
    assert_int_equal(atrium_oauth_opaque_tenant(code, tid), 0);
    assert_string_equal(tid, f->t1.id);

    /* The value itself is not a key of the store: only its hash is. */
    struct atrium_auth_code rec = {0};
    assert_int_equal(f->s->oauth->code_redeem(f->s, f->t1.id, code, atrium_now(), &rec),
                     ATRIUM_ENOTFOUND);
    char hash[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash(code, strlen(code), hash);
    /* Another tenant cannot redeem it. */
    assert_int_equal(f->s->oauth->code_redeem(f->s, f->t2.id, hash, atrium_now(), &rec),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(f->s->oauth->code_redeem(f->s, f->t1.id, hash, atrium_now(), &rec), 0);
    assert_string_equal(rec.code_hash, hash);
    assert_string_equal(rec.tenant_id, f->t1.id);
    assert_string_equal(rec.client_id, c.app_id);
    assert_string_equal(rec.user_id, f->alice.id);
    assert_true(atrium_uuid_is_valid(rec.family_id));
    assert_string_equal(rec.redirect_uri, r.redirect_uri);
    assert_string_equal(rec.scope, r.scope);
    assert_string_equal(rec.nonce, r.nonce);
    assert_string_equal(rec.code_challenge, CHALLENGE);
    assert_string_equal(rec.session_id, "");
    assert_int_equal(rec.auth_time, r.auth_time);
    assert_true(rec.created >= t0);
    assert_int_equal(rec.expires - rec.created, f->o.cfg.code_lifetime);
    atrium_auth_code_release(&rec);
    /* Single use. */
    assert_int_equal(f->s->oauth->code_redeem(f->s, f->t1.id, hash, atrium_now(), &rec),
                     ATRIUM_ECONFLICT);
    atrium_auth_code_release(&rec);
    free(code);
}

static void test_codes_and_families_are_fresh(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_oauth_client c = fx_client();
    struct atrium_code_request r = request(f, &c);
    r.nonce = NULL;
    r.code_challenge = NULL;
    r.session_id = "5e0c1e9a-2b7d-4c1e-9a55-0d6f3b8e7a21";
    struct atrium_oauth_error e = {0};
    char *a = NULL, *b = NULL;
    assert_int_equal(atrium_oauth_code_issue(f->s, &f->o, &r, &a, &e), 0);
    assert_int_equal(atrium_oauth_code_issue(f->s, &f->o, &r, &b, &e), 0);
    assert_string_not_equal(a, b);
    char ha[ATRIUM_TOKEN_HASH_LEN + 1], hb[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash(a, strlen(a), ha);
    atrium_token_hash(b, strlen(b), hb);
    struct atrium_auth_code ra = {0}, rb = {0};
    assert_int_equal(f->s->oauth->code_redeem(f->s, f->t1.id, ha, atrium_now(), &ra), 0);
    assert_int_equal(f->s->oauth->code_redeem(f->s, f->t1.id, hb, atrium_now(), &rb), 0);
    assert_string_not_equal(ra.family_id, rb.family_id);
    assert_null(ra.nonce);
    assert_null(ra.code_challenge);
    assert_string_equal(ra.session_id, r.session_id);
    atrium_auth_code_release(&ra);
    atrium_auth_code_release(&rb);
    free(a);
    free(b);
}

static void test_expiry(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_oauth_client c = fx_client();
    struct atrium_code_request r = request(f, &c);
    struct atrium_oauth_error e = {0};
    char *late = NULL, *timely = NULL;
    assert_int_equal(atrium_oauth_code_issue(f->s, &f->o, &r, &late, &e), 0);
    assert_int_equal(atrium_oauth_code_issue(f->s, &f->o, &r, &timely, &e), 0);
    char hl[ATRIUM_TOKEN_HASH_LEN + 1], ht[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash(late, strlen(late), hl);
    atrium_token_hash(timely, strlen(timely), ht);
    struct atrium_auth_code rec = {0};
    atrium_clock_set_offset(f->o.cfg.code_lifetime - 10);
    assert_int_equal(f->s->oauth->code_redeem(f->s, f->t1.id, ht, atrium_now(), &rec), 0);
    atrium_auth_code_release(&rec);
    atrium_clock_set_offset(f->o.cfg.code_lifetime + 1);
    assert_int_equal(f->s->oauth->code_redeem(f->s, f->t1.id, hl, atrium_now(), &rec),
                     ATRIUM_ENOTFOUND);
    atrium_auth_code_release(&rec);
    free(late);
    free(timely);
}

static void expect_bad_challenge(struct fx *f, const char *challenge)
{
    struct atrium_oauth_client c = fx_client();
    struct atrium_code_request r = request(f, &c);
    r.code_challenge = challenge;
    struct atrium_oauth_error e = {0};
    char *code = (char *)"untouched";
    assert_int_equal(atrium_oauth_code_issue(f->s, &f->o, &r, &code, &e), ATRIUM_EINVAL);
    assert_null(code);
    assert_string_equal(e.error, "invalid_request");
    assert_int_equal(e.aadsts, 501491);
    assert_int_equal(e.status, 400);
}

static void test_pkce_challenge_shape(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    expect_bad_challenge(f, "");
    expect_bad_challenge(f, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c");   /* 42 */
    expect_bad_challenge(f, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cMx"); /* 44 */
    expect_bad_challenge(f, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c=");  /* padding */
    expect_bad_challenge(f, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM");  /* base64 */
    expect_bad_challenge(f, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw.cM");  /* plain-ish */
    /* A 128-character plain verifier used as a challenge is refused too. */
    char plain[129];
    memset(plain, 'a', 128);
    plain[128] = '\0';
    expect_bad_challenge(f, plain);
}

static void test_incomplete_request(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_oauth_client c = fx_client();
    struct atrium_code_request r = request(f, &c);
    struct atrium_oauth_error e = {0};
    char *code = NULL;
    r.user_id = NULL;
    assert_true(atrium_oauth_code_issue(f->s, &f->o, &r, &code, &e) < 0);
    assert_null(code);
    r = request(f, &c);
    r.tenant_id = "not-a-tenant";
    assert_true(atrium_oauth_code_issue(f->s, &f->o, &r, &code, &e) < 0);
    /* A user of another tenant cannot get a code here. */
    r = request(f, &c);
    r.tenant_id = f->t2.id;
    assert_true(atrium_oauth_code_issue(f->s, &f->o, &r, &code, &e) < 0);
    assert_null(code);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_issue_stores_hash_and_fields, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_codes_and_families_are_fresh, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_expiry, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_pkce_challenge_shape, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_incomplete_request, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
