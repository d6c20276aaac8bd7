/* SPDX-License-Identifier: MIT */
/*
 * The token endpoint, part 1: request checks (missing parameters 900144,
 * unsupported grant 70003, unknown tenant 90002, unknown client 700016),
 * client credentials end to end (claims, header, response fields) and its
 * errors, and the password grant (claims of access and ID tokens, pairwise
 * sub, client_info, wids, consent, tenant aliases). Tokens are checked with
 * atrium_jwt_verify against the fixture's keyring.
 */
#include "token_fixture.h"

#include "crypto/b64url.h"

#define GRAPH_DEFAULT "https://graph.microsoft.com/.default"
#define USER_SCOPE "https://graph.microsoft.com/User.Read openid profile offline_access"

static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* The decoded JOSE header of a compact token. Caller owns. */
static json_t *jose_header(const char *token)
{
    unsigned char *raw = NULL;
    size_t len = 0;
    assert_int_equal(atrium_b64url_decode_alloc(token, strcspn(token, "."), &raw, &len), 0);
    json_t *h = json_loadb((const char *)raw, len, 0, NULL);
    free(raw);
    assert_non_null(h);
    return h;
}

static json_t *client_credentials(struct tf *f, const char *segment, const char *scope)
{
    struct atrium_token_request r = tf_request(segment, "client_credentials", f->conf.app_id);
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    r.client_secret = f->conf.secret;
    r.scope = scope;
    r.client_info = true;
    if (tf_token(f, &r, &resp, &e) != 0)
        fail_msg("client credentials: %s %d %s", e.error, e.aadsts, e.description);
    return resp;
}

static void test_client_credentials(void **state)
{
    struct tf *f = *state;
    json_t *resp = client_credentials(f, f->t1.id, GRAPH_DEFAULT);
    assert_string_equal(tf_str(resp, "token_type"), "Bearer");
    assert_int_equal(json_integer_value(json_object_get(resp, "expires_in")), 3600);
    assert_int_equal(json_integer_value(json_object_get(resp, "ext_expires_in")), 3600);
    assert_null(json_object_get(resp, "refresh_token"));
    assert_null(json_object_get(resp, "id_token"));
    assert_null(json_object_get(resp, "scope"));
    assert_null(json_object_get(resp, "client_info"));

    json_t *h = jose_header(tf_str(resp, "access_token"));
    char *kid = NULL;
    assert_int_equal(atrium_keyring_active_kid(f->o.keyring, &kid), 0);
    assert_string_equal(tf_str(h, "alg"), "RS256");
    assert_string_equal(tf_str(h, "typ"), "JWT");
    assert_string_equal(tf_str(h, "kid"), kid);
    assert_non_null(tf_str(h, "x5t"));
    free(kid);
    json_decref(h);

    json_t *c = tf_token_claims(f, resp, "access_token");
    AUTO_FREE char *iss = atrium_oauth_issuer(&f->o, f->t1.id);
    assert_string_equal(tf_str(c, "aud"), ATRIUM_GRAPH_RESOURCE_URI);
    assert_string_equal(tf_str(c, "iss"), iss);
    assert_string_equal(tf_str(c, "tid"), f->t1.id);
    assert_string_equal(tf_str(c, "oid"), f->conf.sp_id);
    assert_string_equal(tf_str(c, "sub"), f->conf.sp_id);
    assert_string_equal(tf_str(c, "azp"), f->conf.app_id);
    assert_string_equal(tf_str(c, "azpacr"), "1");
    assert_string_equal(tf_str(c, "idtyp"), "app");
    assert_string_equal(tf_str(c, "ver"), "2.0");
    assert_int_equal(strlen(tf_str(c, "uti")), 22);
    assert_null(json_object_get(c, "scp"));
    assert_null(json_object_get(c, "appid"));
    assert_null(json_object_get(c, "wids"));
    const json_t *roles = json_object_get(c, "roles");
    assert_int_equal(json_array_size(roles), 1);
    assert_string_equal(json_string_value(json_array_get(roles, 0)), "User.Read.All");
    json_int_t iat = json_integer_value(json_object_get(c, "iat"));
    assert_true(iat >= atrium_now() - 5 && iat <= atrium_now());
    assert_int_equal(json_integer_value(json_object_get(c, "nbf")), iat);
    assert_int_equal(json_integer_value(json_object_get(c, "exp")), iat + 3600);
    json_decref(c);
    json_decref(resp);

    /* Asked by domain: the token still names the tenant by GUID. */
    resp = client_credentials(f, f->t1.domain, GRAPH_DEFAULT);
    c = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(c, "iss"), iss);
    assert_string_equal(tf_str(c, "tid"), f->t1.id);
    json_decref(c);
    json_decref(resp);

    /* A custom API by identifier URI: its audience and app roles. */
    AUTO_FREE char *api = xasprintf("%s/.default", f->api_uri);
    resp = client_credentials(f, f->t1.id, api);
    c = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(c, "aud"), f->api_uri);
    assert_string_equal(json_string_value(json_array_get(json_object_get(c, "roles"), 0)),
                        "Orders.Admin");
    json_decref(c);
    json_decref(resp);
}

/*
 * A tenant without the directory API's principal (deleted here) gets it
 * back on first use, though the client credentials grant runs in a read
 * snapshot; so does the first-party client's.
 */
static void test_graph_principal_created_lazily(void **state)
{
    struct tf *f = *state;
    struct atrium_service_principal sp = {0};
    assert_int_equal(f->s->oauth->sp_delete(f->s, f->t1.id, f->t1.graph_sp), 0);
    json_t *resp = client_credentials(f, f->t1.id, GRAPH_DEFAULT);
    json_t *c = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(c, "aud"), ATRIUM_GRAPH_RESOURCE_URI);
    assert_null(json_object_get(c, "roles")); /* its app role assignments went with it */
    json_decref(c);
    json_decref(resp);
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->t1.id, ATRIUM_GRAPH_APP_ID, &sp), 0);
    assert_string_not_equal(sp.id, f->t1.graph_sp);
    atrium_service_principal_release(&sp);

    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->t2.id, ATRIUM_GRAPH_APP_ID, &sp), 0);
    assert_int_equal(f->s->oauth->sp_delete(f->s, f->t2.id, sp.id), 0);
    atrium_service_principal_release(&sp);
    struct atrium_token_request r = tf_request(f->t2.id, "password", ATRIUM_FIRST_PARTY_CLIENT_ID);
    struct atrium_oauth_error e;
    r.username = f->carol.upn;
    r.password = TF_PASSWORD;
    r.scope = GRAPH_DEFAULT;
    if (tf_token(f, &r, &resp, &e) != 0)
        fail_msg("ROPC: %s %d %s", e.error, e.aadsts, e.description);
    json_decref(resp);
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->t2.id, ATRIUM_GRAPH_APP_ID, &sp), 0);
    atrium_service_principal_release(&sp);
}

static void expect_cc_error(struct tf *f, const char *segment, const char *client_id,
                            const char *secret, const char *scope, const char *error, int aadsts,
                            unsigned status)
{
    struct atrium_token_request r = tf_request(segment, "client_credentials", client_id);
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    r.client_secret = secret;
    r.scope = scope;
    int rc = tf_token(f, &r, &resp, &e);
    if (rc == 0 || strcmp(e.error, error) != 0 || e.aadsts != aadsts || e.status != status)
        fail_msg("%s/%s/%s: got %s %d %u, want %s %d %u", segment, client_id, scope ? scope : "",
                 rc == 0 ? "success" : e.error, e.aadsts, e.status, error, aadsts, status);
    assert_null(strpbrk(e.description, "\r\n\t"));
}

static void test_client_credentials_errors(void **state)
{
    struct tf *f = *state;
    const char *t = f->t1.id, *id = f->conf.app_id, *sec = f->conf.secret;
    char expired[ATRIUM_CLIENT_SECRET_LEN + 1];
    tf_add_expired_secret(f, &f->t1, &f->conf, expired);

    expect_cc_error(f, t, id, NULL, GRAPH_DEFAULT, "invalid_client", 7000216, 401);
    expect_cc_error(f, t, id, "wrong", GRAPH_DEFAULT, "invalid_client", 7000215, 401);
    expect_cc_error(f, t, id, expired, GRAPH_DEFAULT, "invalid_client", 7000222, 401);
    expect_cc_error(f, t, ATRIUM_FIRST_PARTY_CLIENT_ID, NULL, GRAPH_DEFAULT, "invalid_client",
                    7000218, 401);
    expect_cc_error(f, t, f->pub.app_id, NULL, GRAPH_DEFAULT, "invalid_client", 7000218, 401);
    expect_cc_error(f, t, f->pub.app_id, "x", GRAPH_DEFAULT, "invalid_client", 700025, 401);
    expect_cc_error(f, t, id, sec, "https://graph.microsoft.com/User.Read.All", "invalid_scope",
                    70011, 400);
    expect_cc_error(f, t, id, sec, "User.Read", "invalid_scope", 70011, 400);
    expect_cc_error(f, t, id, sec, GRAPH_DEFAULT " openid", "invalid_scope", 70011, 400);
    AUTO_FREE char *two = xasprintf(GRAPH_DEFAULT " %s/.default", f->api_uri);
    expect_cc_error(f, t, id, sec, two, "invalid_scope", 70011, 400);
    expect_cc_error(f, t, id, sec, "api://unknown/.default", "invalid_resource", 500011, 400);
    expect_cc_error(f, t, id, sec, NULL, "invalid_request", 900144, 400);
    expect_cc_error(f, "organizations", id, sec, GRAPH_DEFAULT, "invalid_request", 90002, 400);
    expect_cc_error(f, "common", id, sec, GRAPH_DEFAULT, "invalid_request", 90002, 400);
    expect_cc_error(f, "00000000-0000-4000-8000-000000000000", id, sec, GRAPH_DEFAULT,
                    "invalid_request", 90002, 400);
    expect_cc_error(f, "nowhere.example", id, sec, GRAPH_DEFAULT, "invalid_request", 90002, 400);
    /* Another tenant's app is unknown there, secret or not. */
    expect_cc_error(f, f->t2.id, id, sec, GRAPH_DEFAULT, "unauthorized_client", 700016, 400);
    expect_cc_error(f, t, "7d7d7d7d-0000-4000-8000-000000000000", "x", GRAPH_DEFAULT,
                    "unauthorized_client", 700016, 400);
}

static void test_request_checks(void **state)
{
    struct tf *f = *state;
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    struct atrium_token_request r = tf_request(f->t1.id, NULL, f->conf.app_id);
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_request", 900144, 400);
    assert_non_null(strstr(e.description, "'grant_type'"));
    r.grant_type = "implicit";
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "unsupported_grant_type", 70003, 400);
    r.grant_type = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "unsupported_grant_type", 70003, 400);
    r.grant_type = "Client_Credentials";
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "unsupported_grant_type", 70003, 400);
    r = tf_request(f->t1.id, "client_credentials", NULL);
    r.scope = GRAPH_DEFAULT;
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_request", 900144, 400);
    assert_non_null(strstr(e.description, "'client_id'"));
    r = tf_request(f->t1.id, "authorization_code", f->pub.app_id);
    r.code = "abc";
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_request", 900144, 400);
    assert_non_null(strstr(e.description, "'redirect_uri'"));
    r.code = NULL;
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_request", 900144, 400);
    assert_non_null(strstr(e.description, "'code'"));
    r = tf_request(f->t1.id, "refresh_token", f->pub.app_id);
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_request", 900144, 400);
    r = tf_request(f->t1.id, "device_code", f->pub.app_id);
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_request", 900144, 400);
    r = tf_request(f->t1.id, "password", ATRIUM_FIRST_PARTY_CLIENT_ID);
    r.username = f->alice.upn;
    r.scope = "User.Read";
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_request", 900144, 400);
    assert_non_null(strstr(e.description, "'password'"));
}

static void test_password_grant(void **state)
{
    struct tf *f = *state;
    json_t *resp = tf_ropc(f, ATRIUM_FIRST_PARTY_CLIENT_ID, NULL, USER_SCOPE);
    assert_string_equal(tf_str(resp, "token_type"), "Bearer");
    const char *scope = tf_str(resp, "scope");
    assert_true(has_word(scope, "https://graph.microsoft.com/User.Read"));
    assert_true(has_word(scope, "openid") && has_word(scope, "profile") &&
                has_word(scope, "offline_access"));
    assert_int_equal(strlen(tf_str(resp, "refresh_token")), 64);

    /* client_info = base64url({"uid":oid,"utid":tid}) */
    unsigned char *raw = NULL;
    size_t len = 0;
    const char *ci = tf_str(resp, "client_info");
    assert_int_equal(atrium_b64url_decode_alloc(ci, strlen(ci), &raw, &len), 0);
    json_t *info = json_loadb((const char *)raw, len, 0, NULL);
    free(raw);
    assert_string_equal(tf_str(info, "uid"), f->alice.id);
    assert_string_equal(tf_str(info, "utid"), f->t1.id);
    json_decref(info);

    AUTO_FREE char *iss = atrium_oauth_issuer(&f->o, f->t1.id);
    json_t *at = tf_token_claims(f, resp, "access_token");
    assert_string_equal(tf_str(at, "aud"), ATRIUM_GRAPH_RESOURCE_URI);
    assert_string_equal(tf_str(at, "iss"), iss);
    assert_string_equal(tf_str(at, "oid"), f->alice.id);
    assert_string_equal(tf_str(at, "tid"), f->t1.id);
    assert_string_equal(tf_str(at, "azp"), ATRIUM_FIRST_PARTY_CLIENT_ID);
    assert_string_equal(tf_str(at, "azpacr"), "0");
    assert_string_equal(tf_str(at, "preferred_username"), f->alice.upn);
    assert_string_equal(tf_str(at, "name"), "alice");
    assert_string_equal(tf_str(at, "ver"), "2.0");
    assert_null(json_object_get(at, "idtyp"));
    assert_null(json_object_get(at, "roles"));
    const char *scp = tf_str(at, "scp");
    assert_true(has_word(scp, "User.Read") && has_word(scp, "openid") && has_word(scp, "profile"));
    assert_false(has_word(scp, "offline_access"));
    const json_t *wids = json_object_get(at, "wids");
    assert_int_equal(json_array_size(wids), 1);
    assert_string_equal(json_string_value(json_array_get(wids, 0)), ATRIUM_ROLE_GLOBAL_ADMIN);
    assert_int_equal(strlen(tf_str(at, "sub")), 43);

    json_t *id = tf_token_claims(f, resp, "id_token");
    assert_string_equal(tf_str(id, "aud"), ATRIUM_FIRST_PARTY_CLIENT_ID);
    assert_string_equal(tf_str(id, "iss"), iss);
    assert_string_equal(tf_str(id, "oid"), f->alice.id);
    assert_string_equal(tf_str(id, "tid"), f->t1.id);
    assert_string_equal(tf_str(id, "preferred_username"), f->alice.upn);
    assert_string_equal(tf_str(id, "name"), "alice");
    assert_string_equal(tf_str(id, "ver"), "2.0");
    assert_string_equal(tf_str(id, "sub"), tf_str(at, "sub"));
    assert_string_not_equal(tf_str(id, "sub"), f->alice.id);
    assert_null(json_object_get(id, "email"));
    assert_null(json_object_get(id, "nonce"));
    assert_non_null(json_object_get(id, "auth_time"));
    assert_non_null(json_object_get(id, "iat"));
    assert_non_null(json_object_get(id, "exp"));
    assert_non_null(tf_str(id, "uti"));
    assert_string_not_equal(tf_str(id, "uti"), tf_str(at, "uti"));

    /* Pairwise: the same for the same app, different for another app. */
    json_t *again = tf_ropc(f, ATRIUM_FIRST_PARTY_CLIENT_ID, NULL, "openid");
    json_t *id2 = tf_token_claims(f, again, "id_token");
    assert_string_equal(tf_str(id2, "sub"), tf_str(id, "sub"));
    json_t *other = tf_ropc(f, f->conf.app_id, f->conf.secret, "User.Read openid email");
    json_t *id3 = tf_token_claims(f, other, "id_token");
    assert_string_not_equal(tf_str(id3, "sub"), tf_str(id, "sub"));
    assert_string_equal(tf_str(id3, "email"), "alice@mail.example");
    json_t *at3 = tf_token_claims(f, other, "access_token");
    assert_string_equal(tf_str(at3, "azpacr"), "1");
    assert_string_equal(tf_str(at3, "scp"), "User.Read openid email");
    /* No offline_access: no refresh token. */
    assert_null(json_object_get(other, "refresh_token"));

    json_decref(at3);
    json_decref(id3);
    json_decref(other);
    json_decref(id2);
    json_decref(again);
    json_decref(id);
    json_decref(at);
    json_decref(resp);
}

static void expect_ropc_error(struct tf *f, const char *segment, const char *client,
                              const char *secret, const char *user, const char *password,
                              const char *scope, const char *error, int aadsts)
{
    struct atrium_token_request r = tf_request(segment, "password", client);
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    r.username = user;
    r.password = password;
    r.scope = scope;
    r.client_secret = secret;
    int rc = tf_token(f, &r, &resp, &e);
    if (rc == 0 || strcmp(e.error, error) != 0 || e.aadsts != aadsts)
        fail_msg("ROPC %s: got %s %d, want %s %d", user, rc == 0 ? "success" : e.error, e.aadsts,
                 error, aadsts);
}

static void test_password_errors(void **state)
{
    struct tf *f = *state;
    const char *fp = ATRIUM_FIRST_PARTY_CLIENT_ID;
    expect_ropc_error(f, f->t1.id, fp, NULL, f->alice.upn, "wrong", USER_SCOPE, "invalid_grant",
                      50126);
    expect_ropc_error(f, f->t1.id, fp, NULL, "nobody@nowhere.example", TF_PASSWORD, USER_SCOPE,
                      "invalid_grant", 50126);
    expect_ropc_error(f, f->t1.id, fp, NULL, f->bob.upn, TF_PASSWORD, USER_SCOPE, "invalid_grant",
                      50057);
    /* Carol lives in t2: unknown in t1. */
    expect_ropc_error(f, f->t1.id, fp, NULL, f->carol.upn, TF_PASSWORD, USER_SCOPE, "invalid_grant",
                      50126);
    expect_ropc_error(f, "organizations", fp, NULL, f->alice.upn, TF_PASSWORD, USER_SCOPE,
                      "invalid_request", 9001023);
    expect_ropc_error(f, "common", fp, NULL, f->alice.upn, TF_PASSWORD, USER_SCOPE,
                      "invalid_request", 9001023);
    expect_ropc_error(f, f->t1.id, f->conf.app_id, NULL, f->alice.upn, TF_PASSWORD, "User.Read",
                      "invalid_client", 7000216);
    expect_ropc_error(f, f->t1.id, f->conf.app_id, f->conf.secret, f->alice.upn, TF_PASSWORD,
                      "User.Read.All", "invalid_grant", 65001);

    struct atrium_token_request r = tf_request(f->t1.id, "password", f->conf.app_id);
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    r.username = f->alice.upn;
    r.password = TF_PASSWORD;
    r.scope = "User.Read.All";
    r.client_secret = f->conf.secret;
    tf_expect_error(tf_token(f, &r, &resp, &e), e, "invalid_grant", 65001, 400);
    assert_string_equal(e.suberror, "consent_required");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_client_credentials, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_client_credentials_errors, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_graph_principal_created_lazily, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_request_checks, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_password_grant, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_password_errors, tf_setup, tf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
