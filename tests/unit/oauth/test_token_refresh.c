/* SPDX-License-Identifier: MIT */
/*
 * The token endpoint, part 3: refresh tokens (rotation, reuse detection
 * revoking the family, client and tenant binding, scope changes with
 * consent checked again and rolled back on error, sliding expiry,
 * /organizations) and device code polling (pending, slow_down, approved
 * once, declined, expired, unknown, other client, both grant spellings).
 */
#include "token_fixture.h"

#include "oauth/oauth_priv.h"

#define USER_SCOPE "https://graph.microsoft.com/User.Read openid profile offline_access"

static char *first_rt(struct tf *f, const char *client, const char *secret, const char *scope)
{
    json_t *resp = tf_ropc(f, client, secret, scope);
    char *rt = xstrdup(tf_str(resp, "refresh_token"));
    assert_non_null(rt);
    json_decref(resp);
    return rt;
}

static int refresh(struct tf *f, const char *segment, const char *client, const char *secret,
                   const char *rt, const char *scope, json_t **resp, struct atrium_oauth_error *e)
{
    struct atrium_token_request r = tf_request(segment, "refresh_token", client);
    r.refresh_token = rt;
    r.scope = scope;
    r.client_secret = secret;
    r.client_info = true;
    return tf_token(f, &r, resp, e);
}

/* Refresh and hand back the next refresh token (heap). */
static char *refresh_ok(struct tf *f, const char *client, const char *secret, const char *rt,
                        const char *scope)
{
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    if (refresh(f, f->t1.id, client, secret, rt, scope, &resp, &e) != 0)
        fail_msg("refresh: %s %d %s", e.error, e.aadsts, e.description);
    char *next = xstrdup(tf_str(resp, "refresh_token"));
    assert_non_null(next);
    json_decref(resp);
    return next;
}

static void expect_refresh_error(struct tf *f, const char *segment, const char *client,
                                 const char *rt, const char *scope, const char *error, int aadsts)
{
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    int rc = refresh(f, segment, client, NULL, rt, scope, &resp, &e);
    if (rc == 0 || strcmp(e.error, error) != 0 || e.aadsts != aadsts)
        fail_msg("got %s %d, want %s %d", rc == 0 ? "success" : e.error, e.aadsts, error, aadsts);
}

static void test_refresh_rotation_and_reuse(void **state)
{
    struct tf *f = *state;
    const char *fp = ATRIUM_FIRST_PARTY_CLIENT_ID;
    AUTO_FREE char *rt0 = first_rt(f, fp, NULL, USER_SCOPE);

    json_t *resp = NULL;
    struct atrium_oauth_error e;
    assert_int_equal(refresh(f, f->t1.id, fp, NULL, rt0, NULL, &resp, &e), 0);
    AUTO_FREE char *rt1 = xstrdup(tf_str(resp, "refresh_token"));
    assert_string_not_equal(rt1, rt0);
    assert_non_null(tf_str(resp, "id_token"));
    assert_non_null(tf_str(resp, "client_info"));
    json_t *at = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(at, "oid"), f->alice.id);
    json_decref(at);
    json_decref(resp);

    AUTO_FREE char *rt2 = refresh_ok(f, fp, NULL, rt1, NULL);

    /* rt0 again (an attacker's copy): refused, and the whole family dies. */
    expect_refresh_error(f, f->t1.id, fp, rt0, NULL, "invalid_grant", 70000);
    expect_refresh_error(f, f->t1.id, fp, rt2, NULL, "invalid_grant", 70008);
    expect_refresh_error(f, f->t1.id, fp, rt1, NULL, "invalid_grant", 70000);

    /* Another family of the same user is untouched. */
    AUTO_FREE char *other = first_rt(f, fp, NULL, USER_SCOPE);
    AUTO_FREE char *other2 = refresh_ok(f, fp, NULL, other, NULL);
}

static void test_refresh_scope(void **state)
{
    struct tf *f = *state;
    const char *fp = ATRIUM_FIRST_PARTY_CLIENT_ID;
    AUTO_FREE char *rt = first_rt(f, fp, NULL, USER_SCOPE);
    json_t *resp = NULL;
    struct atrium_oauth_error e;

    /* Narrowed. */
    assert_int_equal(refresh(f, f->t1.id, fp, NULL, rt, "User.Read", &resp, &e), 0);
    json_t *at = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(at, "scp"), "User.Read");
    json_decref(at);
    assert_string_equal(tf_str(resp, "scope"), "User.Read");
    assert_null(json_object_get(resp, "id_token"));
    AUTO_FREE char *rt1 = xstrdup(tf_str(resp, "refresh_token")); /* always rotated */
    json_decref(resp);

    /* A scope error leaves the presented token valid (the use is rolled back). */
    expect_refresh_error(f, f->t1.id, fp, rt1, "api://nothing/x", "invalid_resource", 500011);
    expect_refresh_error(f, f->t1.id, fp, rt1, "A B.C", "invalid_scope", 70011);
    AUTO_FREE char *rt2 = refresh_ok(f, fp, NULL, rt1, "User.Read.All");

    /* Consent is checked again: conf is consented for User.Read only. */
    AUTO_FREE char *crt = first_rt(f, f->conf.app_id, f->conf.secret, "User.Read offline_access");
    assert_int_equal(
        refresh(f, f->t1.id, f->conf.app_id, f->conf.secret, crt, "User.Read.All", &resp, &e),
        ATRIUM_EFORBIDDEN);
    assert_string_equal(e.error, "invalid_grant");
    assert_int_equal(e.aadsts, 65001);
    assert_string_equal(e.suberror, "consent_required");
    /* The custom API (another resource) with the same refresh token. */
    AUTO_FREE char *orders = xasprintf("%s/Orders.Read", f->api_uri);
    assert_int_equal(refresh(f, f->t1.id, f->conf.app_id, f->conf.secret, crt, orders, &resp, &e),
                     0);
    at = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(at, "aud"), f->api_uri);
    assert_string_equal(tf_str(at, "scp"), "Orders.Read");
    json_decref(at);
    json_decref(resp);
}

static void test_refresh_bindings(void **state)
{
    struct tf *f = *state;
    const char *fp = ATRIUM_FIRST_PARTY_CLIENT_ID;

    /* Presented by another client: refused and the family revoked. */
    AUTO_FREE char *rt = first_rt(f, fp, NULL, USER_SCOPE);
    expect_refresh_error(f, f->t1.id, f->pub.app_id, rt, NULL, "invalid_grant", 70000);
    expect_refresh_error(f, f->t1.id, fp, rt, NULL, "invalid_grant", 70000);

    /* Presented to another tenant: unknown there. */
    AUTO_FREE char *rt2 = first_rt(f, fp, NULL, USER_SCOPE);
    expect_refresh_error(f, f->t2.id, fp, rt2, NULL, "invalid_grant", 70008);
    /* Through /organizations: routed by the token's tenant. */
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    assert_int_equal(refresh(f, "organizations", fp, NULL, rt2, NULL, &resp, &e), 0);
    json_decref(resp);

    /* Garbage, an access token, an ID token. */
    json_t *tokens = tf_ropc(f, fp, NULL, USER_SCOPE);
    expect_refresh_error(f, f->t1.id, fp, "garbage", NULL, "invalid_grant", 70008);
    expect_refresh_error(f, f->t1.id, fp, tf_str(tokens, "access_token"), NULL, "invalid_grant",
                         70008);
    expect_refresh_error(f, f->t1.id, fp, tf_str(tokens, "id_token"), NULL, "invalid_grant", 70008);
    expect_refresh_error(f, "organizations", fp, "garbage", NULL, "invalid_grant", 9002313);
    json_decref(tokens);

    /* A confidential client must authenticate to refresh. */
    AUTO_FREE char *crt = first_rt(f, f->conf.app_id, f->conf.secret, "User.Read offline_access");
    expect_refresh_error(f, f->t1.id, f->conf.app_id, crt, NULL, "invalid_client", 7000216);
    AUTO_FREE char *crt2 = refresh_ok(f, f->conf.app_id, f->conf.secret, crt, NULL);
}

static void test_refresh_expiry(void **state)
{
    struct tf *f = *state;
    const char *fp = ATRIUM_FIRST_PARTY_CLIENT_ID;
    AUTO_FREE char *rt = first_rt(f, fp, NULL, USER_SCOPE);
    AUTO_FREE char *idle = first_rt(f, fp, NULL, USER_SCOPE);

    /* Sliding: each use gives 90 more days. */
    atrium_clock_set_offset(80 * 86400);
    AUTO_FREE char *rt1 = refresh_ok(f, fp, NULL, rt, NULL);
    atrium_clock_set_offset(160 * 86400);
    AUTO_FREE char *rt2 = refresh_ok(f, fp, NULL, rt1, NULL);
    /* Unused for 90 days: gone. */
    expect_refresh_error(f, f->t1.id, fp, idle, NULL, "invalid_grant", 70008);
    atrium_clock_set_offset(251 * 86400);
    expect_refresh_error(f, f->t1.id, fp, rt2, NULL, "invalid_grant", 70008);
}

/* --- Device code ----------------------------------------------------------------------------- */

/* Store a pending device code as device.c would; returns the device code (heap). */
static char *issue_device(struct tf *f, const char *tenant_id, const char *client_id,
                          char user_code[16])
{
    char *code = atrium_oauth_opaque_new(tenant_id);
    struct atrium_device_code d = {.scope = USER_SCOPE,
                                   .status = ATRIUM_DEVICE_PENDING,
                                   .created = atrium_now(),
                                   .expires = atrium_now() + 900};
    char hex[9];
    atrium_random_hex(hex, 4);
    snprintf(user_code, 16, "%.4s-%.4s", hex, hex + 4);
    snprintf(d.user_code, sizeof(d.user_code), "%s", user_code);
    atrium_token_hash(code, strlen(code), d.device_code_hash);
    snprintf(d.tenant_id, sizeof(d.tenant_id), "%s", tenant_id);
    snprintf(d.client_id, sizeof(d.client_id), "%s", client_id);
    assert_int_equal(f->s->oauth->device_insert(f->s, &d), 0);
    return code;
}

static int poll(struct tf *f, const char *segment, const char *grant, const char *client,
                const char *code, json_t **resp, struct atrium_oauth_error *e)
{
    struct atrium_token_request r = tf_request(segment, grant, client);
    r.device_code = code;
    return tf_token(f, &r, resp, e);
}

static void expect_poll(struct tf *f, const char *client, const char *code, const char *error,
                        int aadsts)
{
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    int rc = poll(f, f->t1.id, "device_code", client, code, &resp, &e);
    if (rc == 0 || strcmp(e.error, error) != 0 || e.aadsts != aadsts)
        fail_msg("got %s %d, want %s %d", rc == 0 ? "success" : e.error, e.aadsts, error, aadsts);
    assert_int_equal(e.status, 400);
}

static void test_device_flow(void **state)
{
    struct tf *f = *state;
    const char *fp = ATRIUM_FIRST_PARTY_CLIENT_ID;
    char user_code[16];
    AUTO_FREE char *code = issue_device(f, f->t1.id, fp, user_code);

    expect_poll(f, fp, code, "authorization_pending", 70016);
    expect_poll(f, fp, code, "slow_down", 0); /* again at once */
    atrium_clock_set_offset(5);
    expect_poll(f, fp, code, "authorization_pending", 70016);
    assert_int_equal(f->s->oauth->device_decide(f->s, f->t1.id, user_code, atrium_now(), true,
                                                f->alice.id, atrium_now()),
                     0);
    atrium_clock_set_offset(10);
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    assert_int_equal(poll(f, "organizations", "urn:ietf:params:oauth:grant-type:device_code", fp,
                          code, &resp, &e),
                     0);
    assert_non_null(tf_str(resp, "refresh_token"));
    json_t *id = tf_token_claims(f, resp, "id_token");
    assert_string_equal(tf_str(id, "oid"), f->alice.id);
    json_decref(id);
    json_decref(resp);
    /* Tokens come out once. */
    atrium_clock_set_offset(20);
    expect_poll(f, fp, code, "invalid_grant", 70000);
}

static void test_device_errors(void **state)
{
    struct tf *f = *state;
    const char *fp = ATRIUM_FIRST_PARTY_CLIENT_ID;
    char uc1[16], uc2[16], uc3[16];
    AUTO_FREE char *denied = issue_device(f, f->t1.id, fp, uc1);
    AUTO_FREE char *expired = issue_device(f, f->t1.id, fp, uc2);
    AUTO_FREE char *theirs = issue_device(f, f->t1.id, f->pub.app_id, uc3);

    assert_int_equal(f->s->oauth->device_decide(f->s, f->t1.id, uc1, atrium_now(), false, NULL, 0),
                     0);
    expect_poll(f, fp, denied, "authorization_declined", 70000);
    expect_poll(f, fp, "garbage", "bad_verification_code", 70000);
    expect_poll(f, fp, theirs, "bad_verification_code", 70000);
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    tf_expect_error(poll(f, f->t2.id, "device_code", fp, expired, &resp, &e), e,
                    "bad_verification_code", 70000, 400);
    tf_expect_error(poll(f, "common", "device_code", fp, "garbage", &resp, &e), e, "invalid_grant",
                    9002313, 400);
    atrium_clock_set_offset(901);
    expect_poll(f, fp, expired, "expired_token", 70019);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_refresh_rotation_and_reuse, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_refresh_scope, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_refresh_bindings, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_refresh_expiry, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_device_flow, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_device_errors, tf_setup, tf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
