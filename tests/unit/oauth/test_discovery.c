/* SPDX-License-Identifier: MIT */
/*
 * Tenants and metadata: {tenant} resolution (GUID any case, verified
 * domain any case, organizations/common, unknown 90002), the issuer, the
 * v2.0 discovery document (tenant and alias forms), the JWKS, and signing
 * keys (stable kid across loads, rotation with the old key still published).
 */
#include "token_fixture.h"

#include <ctype.h>

static void test_tenant_resolution(void **state)
{
    struct tf *f = *state;
    struct atrium_tenant t = {0};
    struct atrium_oauth_error e = {0};
    bool multi = true;

    assert_int_equal(atrium_oauth_tenant(f->s, f->t1.id, &t, &multi, &e), 0);
    assert_false(multi);
    assert_string_equal(t.id, f->t1.id);
    atrium_tenant_release(&t);

    char upper[ATRIUM_UUID_LEN + 1];
    for (size_t i = 0; i <= ATRIUM_UUID_LEN; i++)
        upper[i] = (char)toupper((unsigned char)f->t1.id[i]);
    assert_int_equal(atrium_oauth_tenant(f->s, upper, &t, &multi, &e), 0);
    assert_string_equal(t.id, f->t1.id);
    atrium_tenant_release(&t);

    char domain[sizeof(f->t2.domain)];
    for (size_t i = 0; i < sizeof(domain); i++)
        domain[i] = (char)toupper((unsigned char)f->t2.domain[i]);
    assert_int_equal(atrium_oauth_tenant(f->s, domain, &t, &multi, &e), 0);
    assert_string_equal(t.id, f->t2.id);
    atrium_tenant_release(&t);

    const char *aliases[] = {"organizations", "common", "Organizations", "COMMON"};
    for (size_t i = 0; i < 4; i++) {
        multi = false;
        assert_int_equal(atrium_oauth_tenant(f->s, aliases[i], &t, &multi, &e), 0);
        assert_true(multi);
        assert_string_equal(t.id, "");
    }

    const char *unknown[] = {"00000000-0000-4000-8000-000000000000", "nope.example.com",
                             "consumers", "", "a\r\nb"};
    for (size_t i = 0; i < 5; i++) {
        int rc = atrium_oauth_tenant(f->s, unknown[i], &t, &multi, &e);
        tf_expect_error(rc, e, "invalid_tenant", 90002, 400);
        assert_int_equal(rc, ATRIUM_ENOTFOUND);
        assert_null(strpbrk(e.description, "\r\n\t"));
    }
}

static void test_issuer(void **state)
{
    struct tf *f = *state;
    AUTO_FREE char *iss = atrium_oauth_issuer(&f->o, f->t1.id);
    AUTO_FREE char *want = xasprintf(TF_URL "/%s/v2.0", f->t1.id);
    assert_string_equal(iss, want);
}

static void expect_url(const json_t *doc, const char *key, const char *want)
{
    assert_non_null(tf_str(doc, key));
    assert_string_equal(tf_str(doc, key), want);
}

static void test_tenant_document(void **state)
{
    struct tf *f = *state;
    /* Asked by domain: every endpoint names the GUID. */
    json_t *d = atrium_oauth_discovery(&f->o, f->t1.domain, f->t1.id);
    AUTO_FREE char *base = xasprintf(TF_URL "/%s", f->t1.id);
    AUTO_FREE char *issuer = xasprintf("%s/v2.0", base);
    AUTO_FREE char *token = xasprintf("%s/oauth2/v2.0/token", base);
    AUTO_FREE char *authz = xasprintf("%s/oauth2/v2.0/authorize", base);
    AUTO_FREE char *device = xasprintf("%s/oauth2/v2.0/devicecode", base);
    AUTO_FREE char *logout = xasprintf("%s/oauth2/v2.0/logout", base);
    AUTO_FREE char *jwks = xasprintf("%s/discovery/v2.0/keys", base);
    expect_url(d, "issuer", issuer);
    expect_url(d, "token_endpoint", token);
    expect_url(d, "authorization_endpoint", authz);
    expect_url(d, "device_authorization_endpoint", device);
    expect_url(d, "end_session_endpoint", logout);
    expect_url(d, "jwks_uri", jwks);
    expect_url(d, "userinfo_endpoint", TF_URL "/oidc/userinfo");
    assert_string_equal(tf_str(d, "tenant_region_scope"), "WW");

    /* The full v2 field set. */
    static const char *const fields[] = {"token_endpoint_auth_methods_supported",
                                         "response_modes_supported",
                                         "subject_types_supported",
                                         "id_token_signing_alg_values_supported",
                                         "response_types_supported",
                                         "scopes_supported",
                                         "request_uri_parameter_supported",
                                         "http_logout_supported",
                                         "frontchannel_logout_supported",
                                         "claims_supported",
                                         "kerberos_endpoint",
                                         "cloud_instance_name",
                                         "cloud_graph_host_name",
                                         "msgraph_host",
                                         "rbac_url",
                                         "code_challenge_methods_supported",
                                         "grant_types_supported",
                                         NULL};
    for (const char *const *k = fields; *k; k++)
        assert_non_null(json_object_get(d, *k));
    const json_t *algs = json_object_get(d, "id_token_signing_alg_values_supported");
    assert_int_equal(json_array_size(algs), 1);
    assert_string_equal(json_string_value(json_array_get(algs, 0)), "RS256");
    const json_t *pkce = json_object_get(d, "code_challenge_methods_supported");
    assert_int_equal(json_array_size(pkce), 1);
    assert_string_equal(json_string_value(json_array_get(pkce, 0)), "S256");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(d, "subject_types_supported"), 0)),
        "pairwise");
    assert_true(json_is_false(json_object_get(d, "request_uri_parameter_supported")));
    assert_string_equal(tf_str(d, "msgraph_host"), "localhost:8443");
    json_decref(d);
}

static void test_alias_document(void **state)
{
    struct tf *f = *state;
    json_t *d = atrium_oauth_discovery(&f->o, "Organizations", NULL);
    expect_url(d, "issuer", TF_URL "/{tenantid}/v2.0");
    expect_url(d, "token_endpoint", TF_URL "/organizations/oauth2/v2.0/token");
    expect_url(d, "jwks_uri", TF_URL "/organizations/discovery/v2.0/keys");
    expect_url(d, "authorization_endpoint", TF_URL "/organizations/oauth2/v2.0/authorize");
    assert_true(json_is_null(json_object_get(d, "tenant_region_scope")));
    json_decref(d);
    d = atrium_oauth_discovery(&f->o, "common", NULL);
    expect_url(d, "token_endpoint", TF_URL "/common/oauth2/v2.0/token");
    json_decref(d);
}

static void test_jwks(void **state)
{
    struct tf *f = *state;
    json_t *jwks = NULL;
    char *kid = NULL;
    assert_int_equal(atrium_oauth_jwks(&f->o, f->t1.id, &jwks), 0);
    assert_int_equal(atrium_keyring_active_kid(f->o.keyring, &kid), 0);
    const json_t *keys = json_object_get(jwks, "keys");
    assert_int_equal(json_array_size(keys), 1);
    const json_t *k = json_array_get(keys, 0);
    assert_string_equal(tf_str(k, "kid"), kid);
    assert_string_equal(tf_str(k, "kty"), "RSA");
    assert_string_equal(tf_str(k, "use"), "sig");
    assert_non_null(tf_str(k, "n"));
    assert_string_equal(tf_str(k, "e"), "AQAB");
    assert_null(json_object_get(k, "alg"));
    AUTO_FREE char *iss = atrium_oauth_issuer(&f->o, f->t1.id);
    assert_string_equal(tf_str(k, "issuer"), iss);
    json_decref(jwks);
    assert_int_equal(atrium_oauth_jwks(&f->o, NULL, &jwks), 0);
    k = json_array_get(json_object_get(jwks, "keys"), 0);
    assert_string_equal(tf_str(k, "issuer"), TF_URL "/{tenantid}/v2.0");
    json_decref(jwks);
    free(kid);
}

static void test_keys_stable_and_rotation(void **state)
{
    struct tf *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_keyring *again = NULL;
    char *kid1 = NULL, *kid2 = NULL, *rotated = NULL;

    /* A second load (a restart) signs with the same kid. */
    assert_int_equal(atrium_oauth_keys_load(f->s, f->mk, &again, &e), 0);
    assert_int_equal(atrium_keyring_active_kid(f->o.keyring, &kid1), 0);
    assert_int_equal(atrium_keyring_active_kid(again, &kid2), 0);
    assert_string_equal(kid1, kid2);
    assert_int_equal(atrium_keyring_count(again), 1);
    atrium_keyring_free(again);
    free(kid2);

    /* Another master key cannot open them. */
    struct atrium_masterkey *other = atrium_masterkey_generate();
    assert_true(atrium_oauth_keys_load(f->s, other, &again, &e) < 0);
    atrium_masterkey_free(other);

    /* Rotation: the new key signs after a reload; the old one stays published. */
    assert_int_equal(atrium_oauth_keys_rotate(f->s, f->mk, 14 * 86400, &rotated, &e), 0);
    assert_string_not_equal(rotated, kid1);
    assert_int_equal(atrium_oauth_keys_load(f->s, f->mk, &again, &e), 0);
    assert_int_equal(atrium_keyring_active_kid(again, &kid2), 0);
    assert_string_equal(kid2, rotated);
    assert_int_equal(atrium_keyring_count(again), 2);
    json_t *jwks = NULL;
    assert_int_equal(atrium_keyring_jwks(again, NULL, &jwks), 0);
    assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 2);
    json_decref(jwks);
    atrium_keyring_free(again);

    /* After the grace period only the new key is published. */
    atrium_clock_set_offset(15 * 86400);
    assert_int_equal(atrium_oauth_keys_load(f->s, f->mk, &again, &e), 0);
    assert_int_equal(atrium_keyring_count(again), 1);
    atrium_keyring_free(again);
    atrium_clock_set_offset(0);
    assert_true(atrium_oauth_keys_rotate(f->s, f->mk, -1, &kid2, &e) < 0);
    free(kid1);
    free(kid2);
    free(rotated);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tenant_resolution, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_issuer, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_tenant_document, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_alias_document, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_jwks, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_keys_stable_and_rotation, tf_setup, tf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
