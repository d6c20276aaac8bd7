/* SPDX-License-Identifier: MIT */
/*
 * Bearer validation for the directory API and the userinfo endpoint: valid
 * delegated and app-only tokens and the principal they give; expired, not
 * yet valid, wrong audience, wrong issuer or tenant mismatch, tampered,
 * alg none, ID tokens; the cache (a hit does not verify again, an entry
 * never outlives exp, capacity bounded, principal rechecked every minute,
 * many threads); userinfo claims and errors.
 */
#include "token_fixture.h"

#include <pthread.h>

#include "crypto/b64url.h"

#define USER_SCOPE "https://graph.microsoft.com/User.Read openid profile email offline_access"

static json_t *user_tokens(struct tf *f)
{
    return tf_ropc(f, ATRIUM_FIRST_PARTY_CLIENT_ID, NULL, USER_SCOPE);
}

static json_t *app_tokens(struct tf *f, const char *scope)
{
    struct atrium_token_request r = tf_request(f->t1.id, "client_credentials", f->conf.app_id);
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    r.client_secret = f->conf.secret;
    r.scope = scope;
    assert_int_equal(tf_token(f, &r, &resp, &e), 0);
    return resp;
}

static int validate(struct tf *f, const char *token, struct atrium_principal *p)
{
    struct atrium_errinfo e = {0};
    int rc = atrium_oauth_bearer_validate(f->s, &f->o, token, p, &e);
    if (rc < 0)
        atrium_principal_release(p);
    return rc;
}

static bool holds(char *const *items, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i], v) == 0)
            return true;
    return false;
}

static void test_valid_tokens(void **state)
{
    struct tf *f = *state;
    struct atrium_principal p;
    json_t *u = user_tokens(f);
    json_t *at = tf_token_claims(f, u, "access_token");
    assert_int_equal(validate(f, tf_str(u, "access_token"), &p), 0);
    assert_string_equal(p.tenant_id, f->t1.id);
    assert_false(p.app_only);
    assert_string_equal(p.user_id, f->alice.id);
    assert_string_equal(p.client_app_id, ATRIUM_FIRST_PARTY_CLIENT_ID);
    assert_string_equal(p.token_id, tf_str(at, "uti"));
    assert_true(holds(p.scopes, p.scope_count, "User.Read"));
    assert_true(holds(p.scopes, p.scope_count, "openid"));
    assert_true(atrium_principal_has_role(&p, ATRIUM_ROLE_GLOBAL_ADMIN));
    assert_int_equal(p.role_count, 0);
    atrium_principal_release(&p);
    /* Again (from the cache): the same principal. */
    assert_int_equal(validate(f, tf_str(u, "access_token"), &p), 0);
    assert_string_equal(p.user_id, f->alice.id);
    assert_true(holds(p.scopes, p.scope_count, "User.Read"));
    atrium_principal_release(&p);
    json_decref(at);
    json_decref(u);

    json_t *a = app_tokens(f, "https://graph.microsoft.com/.default");
    assert_int_equal(validate(f, tf_str(a, "access_token"), &p), 0);
    assert_true(p.app_only);
    assert_string_equal(p.user_id, "");
    assert_string_equal(p.client_app_id, f->conf.app_id);
    assert_true(atrium_principal_has_permission(&p, "User.Read.All"));
    assert_int_equal(p.scope_count, 0);
    assert_int_equal(p.wid_count, 0);
    atrium_principal_release(&p);
    json_decref(a);
}

/* Sign claims with the fixture's key (a token we issued, shape chosen by the test). */
static char *sign(struct tf *f, const json_t *claims)
{
    char *token = NULL;
    assert_int_equal(atrium_jwt_sign(f->o.keyring, claims, &token), 0);
    return token;
}

static void expect_rejected(struct tf *f, const char *token, const char *why)
{
    struct atrium_principal p;
    struct atrium_errinfo e = {0};
    int rc = atrium_oauth_bearer_validate(f->s, &f->o, token, &p, &e);
    if (rc != ATRIUM_EAUTH)
        fail_msg("accepted (%d): %s", rc, why);
}

static void test_rejections(void **state)
{
    struct tf *f = *state;
    json_t *u = user_tokens(f);
    json_t *c = tf_token_claims(f, u, "access_token");
    AUTO_FREE char *iss2 = atrium_oauth_issuer(&f->o, f->t2.id);

    /* Tenant mismatch: tid of t2 with the issuer of t1, and the reverse. */
    json_t *m = json_deep_copy(c);
    json_object_set_new(m, "tid", json_string(f->t2.id));
    AUTO_FREE char *t1 = sign(f, m);
    expect_rejected(f, t1, "tid of another tenant");
    json_object_set_new(m, "tid", json_string(f->t1.id));
    json_object_set_new(m, "iss", json_string(iss2));
    AUTO_FREE char *t2 = sign(f, m);
    expect_rejected(f, t2, "issuer of another tenant");
    json_object_set_new(m, "iss", json_string("https://evil.example/x/v2.0"));
    AUTO_FREE char *t3 = sign(f, m);
    expect_rejected(f, t3, "foreign issuer");
    json_decref(m);

    /* Audience: a custom API's token, an ID token, other shapes. */
    AUTO_FREE char *api = xasprintf("%s/.default", f->api_uri);
    json_t *a = app_tokens(f, api);
    expect_rejected(f, tf_str(a, "access_token"), "custom API audience");
    json_decref(a);
    expect_rejected(f, tf_str(u, "id_token"), "ID token");
    m = json_deep_copy(c);
    json_object_set_new(m, "aud", json_string("https://graph.microsoft.com/"));
    AUTO_FREE char *t4 = sign(f, m);
    expect_rejected(f, t4, "aud with a slash");
    json_object_set_new(m, "aud", json_string(ATRIUM_GRAPH_APP_ID));
    AUTO_FREE char *t5 = sign(f, m);
    struct atrium_principal p;
    assert_int_equal(validate(f, t5, &p), 0); /* the directory API's appId is its audience too */
    atrium_principal_release(&p);
    json_object_del(m, "ver");
    AUTO_FREE char *t6 = sign(f, m);
    expect_rejected(f, t6, "no ver");
    json_decref(m);

    /* A user of another tenant named in a token of this tenant. */
    m = json_deep_copy(c);
    json_object_set_new(m, "oid", json_string(f->carol.id));
    AUTO_FREE char *t7 = sign(f, m);
    expect_rejected(f, t7, "user of another tenant");
    json_object_set_new(m, "oid", json_string(f->bob.id));
    AUTO_FREE char *t8 = sign(f, m);
    expect_rejected(f, t8, "disabled user");
    json_decref(m);

    /* Tampered payload (same signature). */
    const char *tok = tf_str(u, "access_token");
    AUTO_FREE char *tampered = xstrdup(tok);
    char *dot = strchr(tampered, '.');
    dot[5] = dot[5] == 'A' ? 'B' : 'A';
    expect_rejected(f, tampered, "tampered");

    /* alg none: the same claims, no signature. */
    const char *hdr = "{\"typ\":\"JWT\",\"alg\":\"none\"}";
    AUTO_FREE char *h64 = atrium_b64url_encode_alloc(hdr, strlen(hdr));
    const char *payload = strchr(tok, '.') + 1;
    AUTO_FREE char *none =
        xasprintf("%s.%.*s.", h64, (int)(strchr(payload, '.') - payload), payload);
    expect_rejected(f, none, "alg none");

    expect_rejected(f, "", "empty");
    expect_rejected(f, NULL, "null");
    expect_rejected(f, "a.b.c", "garbage");
    char *huge = xmalloc(ATRIUM_JWT_MAX_LEN + 10);
    memset(huge, 'a', ATRIUM_JWT_MAX_LEN + 9);
    huge[ATRIUM_JWT_MAX_LEN + 9] = '\0';
    expect_rejected(f, huge, "too long");
    free(huge);
    json_decref(c);
    json_decref(u);
}

static void test_times(void **state)
{
    struct tf *f = *state;
    json_t *u = user_tokens(f);
    json_t *c = tf_token_claims(f, u, "access_token");
    json_int_t now = atrium_now();

    /* Not yet valid beyond the 5 minute leeway. */
    json_t *m = json_deep_copy(c);
    json_object_set_new(m, "nbf", json_integer(now + 600));
    json_object_set_new(m, "iat", json_integer(now + 600));
    json_object_set_new(m, "exp", json_integer(now + 4200));
    AUTO_FREE char *future = sign(f, m);
    expect_rejected(f, future, "nbf in the future");
    json_object_set_new(m, "nbf", json_integer(now - 7200));
    json_object_set_new(m, "iat", json_integer(now - 7200));
    json_object_set_new(m, "exp", json_integer(now - 400));
    AUTO_FREE char *past = sign(f, m);
    expect_rejected(f, past, "expired");
    json_object_del(m, "exp");
    AUTO_FREE char *noexp = sign(f, m);
    expect_rejected(f, noexp, "no exp");
    json_decref(m);

    /* A real token past exp + leeway. */
    struct atrium_principal p;
    assert_int_equal(validate(f, tf_str(u, "access_token"), &p), 0);
    atrium_principal_release(&p);
    atrium_clock_set_offset(3600 + 301);
    expect_rejected(f, tf_str(u, "access_token"), "expired after an hour");
    atrium_clock_set_offset(0);
    json_decref(c);
    json_decref(u);
}

static void test_cache_hit_then_expiry(void **state)
{
    struct tf *f = *state;
    json_t *u = user_tokens(f);
    const char *tok = tf_str(u, "access_token");
    struct atrium_principal p;
    assert_int_equal(validate(f, tok, &p), 0);
    atrium_principal_release(&p);

    /* Without any key, only the cache can accept it: a hit. */
    struct atrium_keyring *real = f->o.keyring;
    f->o.keyring = atrium_keyring_new();
    assert_int_equal(validate(f, tok, &p), 0);
    atrium_principal_release(&p);
    atrium_clock_set_offset(3599);
    assert_int_equal(validate(f, tok, &p), 0);
    atrium_principal_release(&p);
    /* At exp the entry is gone (within the leeway it would need a full verification). */
    atrium_clock_set_offset(3600);
    expect_rejected(f, tok, "cache entry past exp");
    atrium_keyring_free(f->o.keyring);
    f->o.keyring = real;
    /* With the key, inside the leeway, it verifies again. */
    assert_int_equal(validate(f, tok, &p), 0);
    atrium_principal_release(&p);
    atrium_clock_set_offset(0);
    json_decref(u);
}

static void test_cache_recheck_principal(void **state)
{
    struct tf *f = *state;
    json_t *a = app_tokens(f, "https://graph.microsoft.com/.default");
    const char *tok = tf_str(a, "access_token");
    struct atrium_principal p;
    assert_int_equal(validate(f, tok, &p), 0);
    atrium_principal_release(&p);

    struct atrium_service_principal sp = {0};
    assert_int_equal(f->s->oauth->sp_get(f->s, f->t1.id, f->conf.sp_id, &sp), 0);
    sp.account_enabled = false;
    assert_int_equal(f->s->oauth->sp_update(f->s, f->t1.id, &sp), 0);
    atrium_service_principal_release(&sp);
    /* Within the minute the cached answer stands; after it, the principal is checked again. */
    assert_int_equal(validate(f, tok, &p), 0);
    atrium_principal_release(&p);
    atrium_clock_set_offset(61);
    expect_rejected(f, tok, "disabled service principal");
    expect_rejected(f, tok, "disabled service principal, again");
    atrium_clock_set_offset(0);
    json_decref(a);
}

static void test_cache_bounded(void **state)
{
    struct tf *f = *state;
    struct atrium_bearer_cache *big = f->o.bearer_cache;
    f->o.bearer_cache = atrium_bearer_cache_new(2);
    json_t *tokens[5];
    struct atrium_principal p;
    for (int i = 0; i < 5; i++)
        tokens[i] = app_tokens(f, "https://graph.microsoft.com/.default");
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 5; i++) {
            assert_int_equal(validate(f, tf_str(tokens[i], "access_token"), &p), 0);
            atrium_principal_release(&p);
        }
    /* Without keys only cached entries pass: at most the capacity. */
    struct atrium_keyring *real = f->o.keyring;
    f->o.keyring = atrium_keyring_new();
    int hits = 0;
    for (int i = 0; i < 5; i++)
        if (validate(f, tf_str(tokens[i], "access_token"), &p) == 0) {
            hits++;
            atrium_principal_release(&p);
        }
    assert_true(hits <= 2);
    atrium_keyring_free(f->o.keyring);
    f->o.keyring = real;
    for (int i = 0; i < 5; i++)
        json_decref(tokens[i]);
    atrium_bearer_cache_free(f->o.bearer_cache);
    f->o.bearer_cache = big;

    /* No cache at all works too. */
    f->o.bearer_cache = NULL;
    json_t *u = user_tokens(f);
    assert_int_equal(validate(f, tf_str(u, "access_token"), &p), 0);
    atrium_principal_release(&p);
    json_decref(u);
    f->o.bearer_cache = big;
}

struct worker {
    struct tf *f;
    const char *tokens[2];
    int ok;
};

static void *hammer(void *arg)
{
    struct worker *w = arg;
    struct atrium_store *s = NULL;
    struct atrium_errinfo e = {0};
    AUTO_FREE char *uri = xasprintf("sqlite:%s", w->f->db_path);
    if (atrium_store_open(uri, &s, &e) != 0)
        return NULL;
    for (int i = 0; i < 2000; i++) {
        struct atrium_principal p;
        if (atrium_oauth_bearer_validate(s, &w->f->o, w->tokens[i % 2], &p, &e) == 0) {
            w->ok++;
            atrium_principal_release(&p);
        }
    }
    atrium_store_close(s);
    return NULL;
}

static void test_cache_threads(void **state)
{
    struct tf *f = *state;
    json_t *u = user_tokens(f);
    json_t *a = app_tokens(f, "https://graph.microsoft.com/.default");
    enum { N = 4 };
    struct worker w[N];
    pthread_t th[N];
    int64_t t0 = atrium_monotonic_ms();
    for (int i = 0; i < N; i++) {
        w[i] = (struct worker){.f = f,
                               .tokens = {tf_str(u, "access_token"), tf_str(a, "access_token")}};
        assert_int_equal(pthread_create(&th[i], NULL, hammer, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].ok, 2000);
    }
    int64_t ms = atrium_monotonic_ms() - t0;
    print_message("%d cached validations in %lld ms\n", N * 2000, (long long)ms);
    json_decref(a);
    json_decref(u);
}

static void test_userinfo(void **state)
{
    struct tf *f = *state;
    json_t *u = user_tokens(f);
    json_t *id = tf_token_claims(f, u, "id_token");
    json_t *info = NULL;
    struct atrium_oauth_error e = {0};
    assert_int_equal(atrium_oauth_userinfo(f->s, &f->o, tf_str(u, "access_token"), &info, &e), 0);
    assert_string_equal(tf_str(info, "sub"), tf_str(id, "sub"));
    assert_string_equal(tf_str(info, "name"), "alice");
    assert_string_equal(tf_str(info, "preferred_username"), f->alice.upn);
    assert_string_equal(tf_str(info, "email"), "alice@mail.example");
    json_decref(info);
    json_decref(id);
    json_decref(u);

    /* Without profile/email: only sub. */
    u = tf_ropc(f, ATRIUM_FIRST_PARTY_CLIENT_ID, NULL, "openid");
    assert_int_equal(atrium_oauth_userinfo(f->s, &f->o, tf_str(u, "access_token"), &info, &e), 0);
    assert_int_equal(json_object_size(info), 1);
    json_decref(info);
    json_decref(u);

    /* Without openid: insufficient_scope. */
    u = tf_ropc(f, ATRIUM_FIRST_PARTY_CLIENT_ID, NULL, "User.Read");
    tf_expect_error(atrium_oauth_userinfo(f->s, &f->o, tf_str(u, "access_token"), &info, &e), e,
                    "insufficient_scope", 0, 403);
    json_decref(u);

    json_t *a = app_tokens(f, "https://graph.microsoft.com/.default");
    tf_expect_error(atrium_oauth_userinfo(f->s, &f->o, tf_str(a, "access_token"), &info, &e), e,
                    "invalid_token", 0, 401);
    json_decref(a);
    tf_expect_error(atrium_oauth_userinfo(f->s, &f->o, "garbage", &info, &e), e, "invalid_token", 0,
                    401);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_tokens, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_rejections, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_times, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_cache_hit_then_expiry, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_cache_recheck_principal, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_cache_bounded, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_cache_threads, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_userinfo, tf_setup, tf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
