/* SPDX-License-Identifier: MIT */
/*
 * Device authorization: user code alphabet and format, normalisation of
 * what users type, the /devicecode response, tenant and client rules,
 * approve/deny, expiry, and tenant isolation of codes.
 */
#include "authn_fixture.h"

#include "model/builtin_apps.h"
#include "oauth/authn_internal.h"
#include "oauth/oauth_priv.h"

#define ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#define SCOPE "openid profile offline_access https://graph.microsoft.com/.default"

/* --- Pure ------------------------------------------------------------------------ */

static void test_user_code_format_and_alphabet(void **state)
{
    (void)state;
    bool seen[256] = {false};
    for (int i = 0; i < 2000; i++) {
        char code[ATRIUM_USER_CODE_LEN + 1];
        atrium_oauth_user_code_new(code);
        assert_int_equal(strlen(code), 9);
        assert_int_equal(code[4], '-');
        for (int k = 0; k < 9; k++) {
            if (k == 4)
                continue;
            assert_non_null(strchr(ALPHABET, code[k]));
            seen[(unsigned char)code[k]] = true;
        }
        char again[ATRIUM_USER_CODE_LEN + 1];
        assert_true(atrium_oauth_user_code_normalise(code, again));
        assert_string_equal(code, again);
    }
    /* Every letter of the alphabet is used, and nothing ambiguous. */
    for (const char *p = ALPHABET; *p; p++)
        assert_true(seen[(unsigned char)*p]);
    assert_false(seen['0'] || seen['O'] || seen['1'] || seen['I']);
}

static void expect_norm(const char *typed, const char *want)
{
    char out[ATRIUM_USER_CODE_LEN + 1];
    if (!want) {
        assert_false(atrium_oauth_user_code_normalise(typed, out));
        return;
    }
    assert_true(atrium_oauth_user_code_normalise(typed, out));
    assert_string_equal(out, want);
}

static void test_user_code_normalisation(void **state)
{
    (void)state;
    expect_norm("ABCD-EFGH", "ABCD-EFGH");
    expect_norm("abcd-efgh", "ABCD-EFGH");
    expect_norm("abcdefgh", "ABCD-EFGH");
    expect_norm("  ab cd ef gh ", "ABCD-EFGH");
    expect_norm("AB-CD-EF-GH", "ABCD-EFGH");
    expect_norm("\tWXYZ 2345", "WXYZ-2345");
    expect_norm("ABCD-EFG", NULL);   /* short */
    expect_norm("ABCD-EFGHJ", NULL); /* long */
    expect_norm("ABCD-EFG0", NULL);  /* zero */
    expect_norm("ABCD-EFGO", NULL);  /* letter O */
    expect_norm("ABCD-EFG1", NULL);  /* one */
    expect_norm("ABCD-EFGI", NULL);  /* letter I */
    expect_norm("ABCD_EFGH", NULL);  /* other separators */
    expect_norm("ABCD-EFG\xc3\xa9", NULL);
    expect_norm("", NULL);
    expect_norm(NULL, NULL);
    char spaces[200];
    memset(spaces, ' ', sizeof(spaces) - 1);
    spaces[sizeof(spaces) - 1] = '\0';
    memcpy(spaces + 100, "ABCDEFGH", 8);
    expect_norm(spaces, NULL); /* absurdly long input is not a code */
}

/* --- Store-backed ------------------------------------------------------------------- */

/* Start a flow for the first-party client in t; *ret_user_code gets the user code. */
static json_t *start(struct fx *f, const struct fx_tenant *t, char ret_user_code[16])
{
    json_t *r = NULL;
    struct atrium_oauth_error e = {0};
    assert_int_equal(
        atrium_oauth_device_start(f->s, &f->o, t->id, ATRIUM_FIRST_PARTY_CLIENT_ID, SCOPE, &r, &e),
        0);
    assert_non_null(r);
    snprintf(ret_user_code, 16, "%s", json_string_value(json_object_get(r, "user_code")));
    return r;
}

static void test_start_response(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char user_code[16];
    json_t *r = start(f, &f->t1, user_code);
    const char *dc = json_string_value(json_object_get(r, "device_code"));
    assert_non_null(dc);
    assert_int_equal(strlen(dc), ATRIUM_OAUTH_OPAQUE_LEN);
    char tid[ATRIUM_UUID_LEN + 1];
    assert_int_equal(atrium_oauth_opaque_tenant(dc, tid), 0);
    assert_string_equal(tid, f->t1.id);
    assert_int_equal(strlen(user_code), 9);
    AUTO_FREE char *uri = xasprintf("https://localhost:8443/%s/oauth2/v2.0/deviceauth", f->t1.id);
    assert_string_equal(json_string_value(json_object_get(r, "verification_uri")), uri);
    assert_int_equal(json_integer_value(json_object_get(r, "expires_in")), 900);
    assert_int_equal(json_integer_value(json_object_get(r, "interval")), 5);
    AUTO_FREE char *msg = xasprintf("To sign in, use a web browser to open the page %s and enter "
                                    "the code %s to authenticate.",
                                    uri, user_code);
    assert_string_equal(json_string_value(json_object_get(r, "message")), msg);
    assert_null(json_object_get(r, "verification_uri_complete"));
    assert_int_equal(json_object_size(r), 6);

    /* Stored hashed: the poll finds it by the hash of the device code only. */
    struct atrium_device_code d = {0};
    assert_int_equal(f->s->oauth->device_poll(f->s, f->t1.id, dc, atrium_now(), &d),
                     ATRIUM_ENOTFOUND);
    atrium_device_code_release(&d);
    char hash[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash(dc, strlen(dc), hash);
    assert_int_equal(f->s->oauth->device_poll(f->s, f->t1.id, hash, atrium_now(), &d), 0);
    assert_int_equal(d.status, ATRIUM_DEVICE_PENDING);
    assert_string_equal(d.user_code, user_code);
    assert_string_equal(d.client_id, ATRIUM_FIRST_PARTY_CLIENT_ID);
    assert_string_equal(d.scope, SCOPE);
    assert_int_equal(d.expires - d.created, 900);
    atrium_device_code_release(&d);
    json_decref(r);
}

static void test_start_by_domain_and_refusals(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    json_t *r = NULL;
    struct atrium_oauth_error e = {0};
    /* A verified domain names the tenant too. */
    assert_int_equal(atrium_oauth_device_start(f->s, &f->o, f->t1.domain,
                                               ATRIUM_FIRST_PARTY_CLIENT_ID, SCOPE, &r, &e),
                     0);
    json_decref(r);
    static const char *const multi[] = {"organizations", "common"};
    for (size_t i = 0; i < 2; i++) {
        r = NULL;
        assert_int_equal(atrium_oauth_device_start(f->s, &f->o, multi[i],
                                                   ATRIUM_FIRST_PARTY_CLIENT_ID, SCOPE, &r, &e),
                         ATRIUM_EINVAL);
        assert_null(r);
        assert_string_equal(e.error, "invalid_request");
        assert_int_equal(e.aadsts, 50059);
        assert_non_null(strstr(e.description, "specific tenant"));
    }
    /* Unknown tenant. */
    assert_true(atrium_oauth_device_start(f->s, &f->o, "nope.example.com",
                                          ATRIUM_FIRST_PARTY_CLIENT_ID, SCOPE, &r, &e) < 0);
    assert_int_equal(e.aadsts, 90002);
    assert_string_equal(e.error, "invalid_request");
    /* Missing or unknown client, missing scope. */
    assert_int_equal(atrium_oauth_device_start(f->s, &f->o, f->t1.id, NULL, SCOPE, &r, &e),
                     ATRIUM_EINVAL);
    assert_int_equal(e.aadsts, 900144);
    assert_int_equal(atrium_oauth_device_start(f->s, &f->o, f->t1.id,
                                               "11111111-2222-3333-4444-555555555555", SCOPE, &r,
                                               &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(e.aadsts, 700016);
    assert_int_equal(
        atrium_oauth_device_start(f->s, &f->o, f->t1.id, ATRIUM_FIRST_PARTY_CLIENT_ID, "", &r, &e),
        ATRIUM_EINVAL);
    assert_int_equal(e.aadsts, 900144);
    assert_null(r);
}

/* Register an application in t with definition, and its service principal. */
static void new_app(struct fx *f, const struct fx_tenant *t, const char *definition,
                    char ret_app_id[ATRIUM_UUID_LEN + 1])
{
    struct atrium_application a = {.display_name = "Kiosk",
                                   .sign_in_audience = ATRIUM_SIGN_IN_AUDIENCE_MY_ORG,
                                   .definition = (char *)definition,
                                   .created = atrium_now()};
    atrium_uuid_v4(a.id);
    atrium_uuid_v4(a.app_id);
    memcpy(a.tenant_id, t->id, sizeof(a.tenant_id));
    assert_int_equal(f->s->oauth->app_insert(f->s, t->id, &a), 0);
    struct atrium_service_principal sp = {
        .display_name = "Kiosk", .definition = "{}", .account_enabled = true, .created = a.created};
    atrium_uuid_v4(sp.id);
    memcpy(sp.tenant_id, t->id, sizeof(sp.tenant_id));
    memcpy(sp.app_id, a.app_id, sizeof(sp.app_id));
    memcpy(sp.app_owner_tenant_id, t->id, sizeof(sp.app_owner_tenant_id));
    assert_int_equal(f->s->oauth->sp_insert(f->s, t->id, &sp), 0);
    memcpy(ret_app_id, a.app_id, ATRIUM_UUID_LEN + 1);
}

static void test_public_clients_only(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char pub[ATRIUM_UUID_LEN + 1], conf[ATRIUM_UUID_LEN + 1];
    new_app(f, &f->t1, "{\"isFallbackPublicClient\":true}", pub);
    new_app(f, &f->t1, "{\"web\":{\"redirectUris\":[\"https://app.example/cb\"]}}", conf);
    json_t *r = NULL;
    struct atrium_oauth_error e = {0};
    assert_int_equal(atrium_oauth_device_start(f->s, &f->o, f->t1.id, pub, SCOPE, &r, &e), 0);
    json_decref(r);
    r = NULL;
    assert_int_equal(atrium_oauth_device_start(f->s, &f->o, f->t1.id, conf, SCOPE, &r, &e),
                     ATRIUM_EAUTH);
    assert_null(r);
    assert_string_equal(e.error, "invalid_client");
    assert_int_equal(e.aadsts, 7000218);
    assert_int_equal(e.status, 401);
    /* A single-tenant app of t1 is unknown in t2. */
    assert_int_equal(atrium_oauth_device_start(f->s, &f->o, f->t2.id, pub, SCOPE, &r, &e),
                     ATRIUM_ENOTFOUND);
}

static void test_lookup_normalises(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char user_code[16];
    json_t *r = start(f, &f->t1, user_code);
    /* "ABCD-EFGH" typed as " abcd efgh". */
    char typed[32];
    snprintf(typed, sizeof(typed), " %.4s %.4s", user_code, user_code + 5);
    for (char *p = typed; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    struct atrium_device_code d = {0};
    struct atrium_oauth_error e = {0};
    assert_int_equal(atrium_oauth_device_lookup(f->s, f->t1.id, typed, &d, &e), 0);
    assert_string_equal(d.user_code, user_code);
    assert_string_equal(d.client_id, ATRIUM_FIRST_PARTY_CLIENT_ID);
    assert_int_equal(d.status, ATRIUM_DEVICE_PENDING);
    atrium_device_code_release(&d);
    /* Another tenant's code is not found, with the same answer as a wrong code. */
    struct atrium_oauth_error other = {0}, wrong = {0};
    assert_int_equal(atrium_oauth_device_lookup(f->s, f->t2.id, user_code, &d, &other),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_oauth_device_lookup(f->s, f->t1.id, "ZZZZ-ZZZZ", &d, &wrong),
                     ATRIUM_ENOTFOUND);
    assert_string_equal(other.description, wrong.description);
    assert_string_equal(other.error, wrong.error);
    assert_int_equal(atrium_oauth_device_lookup(f->s, f->t1.id, "not a code", &d, &e),
                     ATRIUM_ENOTFOUND);
    assert_string_equal(e.description, wrong.description);
    json_decref(r);
}

/* The device's view: poll by device code hash. */
static struct atrium_device_code poll(struct fx *f, const struct fx_tenant *t, json_t *r)
{
    const char *dc = json_string_value(json_object_get(r, "device_code"));
    char hash[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash(dc, strlen(dc), hash);
    struct atrium_device_code d = {0};
    assert_int_equal(f->s->oauth->device_poll(f->s, t->id, hash, atrium_now(), &d), 0);
    return d;
}

static void test_approve(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char user_code[16];
    json_t *r = start(f, &f->t1, user_code);
    struct atrium_oauth_error e = {0};
    int64_t auth_time = atrium_now() - 3;
    struct fx_user mallory, dave;
    fx_new_user(f, &f->t2, "mallory", FX_PASSWORD, true, false, &mallory);
    fx_new_user(f, &f->t1, "dave", FX_PASSWORD, false, false, &dave);
    /* Another tenant (with its own user) cannot decide it: not found, as a wrong code. */
    assert_int_equal(
        atrium_oauth_device_decide(f->s, f->t2.id, user_code, true, mallory.id, auth_time, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_oauth_device_decide(f->s, f->t2.id, user_code, false, NULL, 0, &e),
                     ATRIUM_ENOTFOUND);
    struct atrium_device_code d = poll(f, &f->t1, r);
    assert_int_equal(d.status, ATRIUM_DEVICE_PENDING);
    atrium_device_code_release(&d);
    /* Approving needs a user of the tenant, enabled. */
    assert_true(atrium_oauth_device_decide(f->s, f->t1.id, user_code, true, NULL, 0, &e) < 0);
    assert_int_equal(
        atrium_oauth_device_decide(f->s, f->t1.id, user_code, true, mallory.id, auth_time, &e),
        ATRIUM_EFORBIDDEN);
    assert_string_equal(e.error, "access_denied");
    assert_int_equal(
        atrium_oauth_device_decide(f->s, f->t1.id, user_code, true, dave.id, auth_time, &e),
        ATRIUM_EFORBIDDEN);
    char lower[16];
    snprintf(lower, sizeof(lower), "%s", user_code);
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    assert_int_equal(
        atrium_oauth_device_decide(f->s, f->t1.id, lower, true, f->alice.id, auth_time, &e), 0);
    /* Decided: no second decision, and the page no longer finds it. */
    assert_int_equal(atrium_oauth_device_decide(f->s, f->t1.id, user_code, false, NULL, 0, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_oauth_device_lookup(f->s, f->t1.id, user_code, &d, &e),
                     ATRIUM_ENOTFOUND);
    d = poll(f, &f->t1, r);
    assert_int_equal(d.status, ATRIUM_DEVICE_APPROVED);
    assert_string_equal(d.user_id, f->alice.id);
    assert_int_equal(d.auth_time, auth_time);
    atrium_device_code_release(&d);
    json_decref(r);
}

static void test_deny(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char user_code[16];
    json_t *r = start(f, &f->t1, user_code);
    struct atrium_oauth_error e = {0};
    assert_int_equal(atrium_oauth_device_decide(f->s, f->t1.id, user_code, false, NULL, 0, &e), 0);
    struct atrium_device_code d = poll(f, &f->t1, r);
    assert_int_equal(d.status, ATRIUM_DEVICE_DENIED);
    assert_string_equal(d.user_id, "");
    atrium_device_code_release(&d);
    assert_int_equal(
        atrium_oauth_device_decide(f->s, f->t1.id, user_code, true, f->alice.id, atrium_now(), &e),
        ATRIUM_ENOTFOUND);
    json_decref(r);
}

static void test_expiry(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char user_code[16];
    json_t *r = start(f, &f->t1, user_code);
    struct atrium_device_code d = {0};
    struct atrium_oauth_error e = {0};
    atrium_clock_set_offset(f->o.cfg.device_code_lifetime - 20);
    assert_int_equal(atrium_oauth_device_lookup(f->s, f->t1.id, user_code, &d, &e), 0);
    atrium_device_code_release(&d);
    atrium_clock_set_offset(f->o.cfg.device_code_lifetime + 1);
    assert_int_equal(atrium_oauth_device_lookup(f->s, f->t1.id, user_code, &d, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(
        atrium_oauth_device_decide(f->s, f->t1.id, user_code, true, f->alice.id, atrium_now(), &e),
        ATRIUM_ENOTFOUND);
    json_decref(r);
}

static void test_user_codes_unique_among_live(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char codes[40][16];
    json_t *r[40];
    for (int i = 0; i < 40; i++)
        r[i] = start(f, &f->t1, codes[i]);
    for (int i = 0; i < 40; i++) {
        for (int k = i + 1; k < 40; k++)
            assert_string_not_equal(codes[i], codes[k]);
        json_decref(r[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_code_format_and_alphabet),
        cmocka_unit_test(test_user_code_normalisation),
        cmocka_unit_test_setup_teardown(test_start_response, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_start_by_domain_and_refusals, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_public_clients_only, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_lookup_normalises, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_approve, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_deny, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_expiry, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_user_codes_unique_among_live, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
