/* SPDX-License-Identifier: MIT */
/*
 * Scopes: parsing (bare, URI-prefixed and appId-prefixed directory API
 * scopes, custom APIs by identifier URI or appId, OIDC scopes), one
 * resource only, ".default" alone, unknown resources (500011) and scopes
 * (70011), consent (first party pre-consented, grants, 65001 with suberror
 * consent_required), app-only roles, and the token response's "scope".
 */
#include "token_fixture.h"

#include "oauth/oauth_priv.h"

struct sfx {
    struct tf *f;
    struct atrium_oauth_client first, conf, pub;
};

static int setup(void **state)
{
    struct atrium_oauth_error e = {0};
    tf_setup(state);
    struct sfx *x = xcalloc(1, sizeof(*x));
    x->f = *state;
    assert_int_equal(
        atrium_oauth_client_find(x->f->s, x->f->t1.id, ATRIUM_FIRST_PARTY_CLIENT_ID, &x->first, &e),
        0);
    assert_int_equal(
        atrium_oauth_client_find(x->f->s, x->f->t1.id, x->f->conf.app_id, &x->conf, &e), 0);
    assert_int_equal(atrium_oauth_client_find(x->f->s, x->f->t1.id, x->f->pub.app_id, &x->pub, &e),
                     0);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct sfx *x = *state;
    atrium_oauth_client_release(&x->first);
    atrium_oauth_client_release(&x->conf);
    atrium_oauth_client_release(&x->pub);
    *state = x->f;
    free(x);
    return tf_teardown(state);
}

static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

static int resolve(struct sfx *x, const struct atrium_oauth_client *c, const char *scope,
                   bool app_only, struct atrium_oauth_scopes *sc, struct atrium_oauth_error *e)
{
    return atrium_oauth_scopes_resolve(x->f->s, x->f->t1.id, c, scope, app_only,
                                       app_only ? NULL : x->f->alice.id, sc, e);
}

static void test_graph_spellings(void **state)
{
    struct sfx *x = *state;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};
    static const char *const spellings[] = {
        "User.Read",
        "user.read",
        "https://graph.microsoft.com/User.Read",
        "https://graph.microsoft.com//User.Read",
        "00000003-0000-0000-c000-000000000000/User.Read",
        "https://graph.microsoft.com/User.Read openid profile offline_access"};
    for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
        assert_int_equal(resolve(x, &x->first, spellings[i], false, &sc, &e), 0);
        assert_string_equal(sc.resource_app_id, ATRIUM_GRAPH_APP_ID);
        assert_string_equal(sc.resource_uri, ATRIUM_GRAPH_RESOURCE_URI);
        assert_true(has_word(sc.granted, "User.Read"));
        assert_false(has_word(sc.granted, "User.Read.All"));
        assert_false(sc.dot_default);
        atrium_oauth_scopes_release(&sc);
    }
    assert_int_equal(
        resolve(x, &x->first, "User.Read openid Profile EMAIL offline_access", false, &sc, &e), 0);
    assert_true(sc.openid && sc.profile && sc.email && sc.offline_access);
    assert_true(has_word(sc.granted, "openid") && has_word(sc.granted, "profile") &&
                has_word(sc.granted, "email"));
    assert_false(has_word(sc.granted, "offline_access"));
    atrium_oauth_scopes_release(&sc);
}

static void test_oidc_only_implies_user_read(void **state)
{
    struct sfx *x = *state;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};
    assert_int_equal(resolve(x, &x->first, "openid profile offline_access", false, &sc, &e), 0);
    assert_string_equal(sc.resource_app_id, "");
    assert_string_equal(sc.resource_uri, ATRIUM_GRAPH_RESOURCE_URI);
    assert_true(has_word(sc.granted, "User.Read"));
    assert_true(has_word(sc.granted, "openid"));
    AUTO_FREE char *resp = atrium_oauth_scopes_response(&sc, "openid profile offline_access");
    assert_true(has_word(resp, "openid") && has_word(resp, "profile") &&
                has_word(resp, "offline_access") && has_word(resp, "User.Read"));
    atrium_oauth_scopes_release(&sc);
}

static void test_first_party_default(void **state)
{
    struct sfx *x = *state;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};
    assert_int_equal(
        resolve(x, &x->first, "https://graph.microsoft.com/.default openid", false, &sc, &e), 0);
    assert_true(sc.dot_default);
    /* Pre-consented for every directory API delegated scope. */
    for (const struct atrium_builtin_permission *p = atrium_graph_permissions; p->id; p++)
        if (p->kind == ATRIUM_PERMISSION_DELEGATED && strcmp(p->value, "email") &&
            strcmp(p->value, "profile") && strcmp(p->value, "offline_access"))
            assert_true(has_word(sc.granted, p->value));
    AUTO_FREE char *resp =
        atrium_oauth_scopes_response(&sc, "https://graph.microsoft.com/.default openid");
    assert_string_equal(resp, "https://graph.microsoft.com/.default openid");
    atrium_oauth_scopes_release(&sc);
}

static void test_consent(void **state)
{
    struct sfx *x = *state;
    struct tf *f = x->f;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};

    /* conf is consented (all principals) for User.Read only. */
    assert_int_equal(resolve(x, &x->conf, "User.Read", false, &sc, &e), 0);
    assert_string_equal(sc.granted, "User.Read");
    atrium_oauth_scopes_release(&sc);
    int rc = resolve(x, &x->conf, "User.Read User.Read.All", false, &sc, &e);
    tf_expect_error(rc, e, "invalid_grant", 65001, 400);
    assert_non_null(e.suberror);
    assert_string_equal(e.suberror, "consent_required");
    assert_non_null(strstr(e.description, "User.Read.All"));
    assert_int_equal(resolve(x, &x->conf, "https://graph.microsoft.com/.default", false, &sc, &e),
                     0);
    assert_string_equal(sc.granted, "User.Read");
    atrium_oauth_scopes_release(&sc);

    /* A per-user grant counts only for that user. */
    tf_grant(f, f->t1.id, x->conf.sp_id, f->t1.graph_sp, f->alice.id, "Group.Read.All");
    assert_int_equal(resolve(x, &x->conf, "Group.Read.All", false, &sc, &e), 0);
    atrium_oauth_scopes_release(&sc);
    rc = atrium_oauth_scopes_resolve(f->s, f->t1.id, &x->conf, "Group.Read.All", false, f->bob.id,
                                     &sc, &e);
    tf_expect_error(rc, e, "invalid_grant", 65001, 400);

    /* The first party is not pre-consented for custom APIs. */
    AUTO_FREE char *orders = xasprintf("%s/Orders.Read", f->api_uri);
    rc = resolve(x, &x->first, orders, false, &sc, &e);
    tf_expect_error(rc, e, "invalid_grant", 65001, 400);
}

static void test_custom_api(void **state)
{
    struct sfx *x = *state;
    struct tf *f = x->f;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};

    AUTO_FREE char *by_uri = xasprintf("%s/Orders.Read openid", f->api_uri);
    assert_int_equal(resolve(x, &x->conf, by_uri, false, &sc, &e), 0);
    assert_string_equal(sc.resource_app_id, f->api.app_id);
    assert_string_equal(sc.resource_uri, f->api_uri);
    assert_string_equal(sc.granted, "Orders.Read"); /* OIDC scopes only in directory API tokens */
    assert_int_equal(json_array_size(sc.roles), 0);
    atrium_oauth_scopes_release(&sc);

    AUTO_FREE char *by_id = xasprintf("%s/Orders.Read", f->api.app_id);
    assert_int_equal(resolve(x, &x->conf, by_id, false, &sc, &e), 0);
    assert_string_equal(sc.resource_uri, f->api.app_id);
    atrium_oauth_scopes_release(&sc);

    /* Trailing slash and case in the identifier URI. */
    AUTO_FREE char *slash = xasprintf("%s//Orders.Read", f->api_uri);
    assert_int_equal(resolve(x, &x->conf, slash, false, &sc, &e), 0);
    atrium_oauth_scopes_release(&sc);

    /* App roles assigned to the user appear as roles. */
    tf_assign_role(f, f->t1.id, f->alice.id, f->api.sp_id, TF_ORDERS_ADMIN_ROLE);
    assert_int_equal(resolve(x, &x->conf, by_uri, false, &sc, &e), 0);
    assert_int_equal(json_array_size(sc.roles), 1);
    assert_string_equal(json_string_value(json_array_get(sc.roles, 0)), "Orders.Admin");
    atrium_oauth_scopes_release(&sc);

    AUTO_FREE char *unknown_scope = xasprintf("%s/Orders.Write", f->api_uri);
    int rc = resolve(x, &x->conf, unknown_scope, false, &sc, &e);
    tf_expect_error(rc, e, "invalid_scope", 70011, 400);
}

static void test_errors(void **state)
{
    struct sfx *x = *state;
    struct tf *f = x->f;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};
    AUTO_FREE char *multi = xasprintf("User.Read %s/Orders.Read", f->api_uri);
    AUTO_FREE char *multi2 =
        xasprintf("https://graph.microsoft.com/.default %s/.default", f->api_uri);
    static const char *const invalid[] = {"User.Read https://graph.microsoft.com/.default",
                                          "https://graph.microsoft.com/",
                                          "https://graph.microsoft.com",
                                          "not-a-guid/User.Read",
                                          "Nope.Nothing",
                                          "https://graph.microsoft.com/Nope.Nothing",
                                          "User.Read\x01"};
    int rc = resolve(x, &x->first, multi, false, &sc, &e);
    tf_expect_error(rc, e, "invalid_scope", 70011, 400);
    rc = resolve(x, &x->conf, multi2, true, &sc, &e);
    tf_expect_error(rc, e, "invalid_scope", 70011, 400);
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        rc = resolve(x, &x->first, invalid[i], false, &sc, &e);
        if (rc == 0)
            fail_msg("accepted: %s", invalid[i]);
        tf_expect_error(rc, e, "invalid_scope", 70011, 400);
    }
    rc = resolve(x, &x->first, "api://nothing-here/Read", false, &sc, &e);
    tf_expect_error(rc, e, "invalid_resource", 500011, 400);
    rc = resolve(x, &x->first, "6e6e6e6e-0000-4000-8000-000000000000/.default", false, &sc, &e);
    tf_expect_error(rc, e, "invalid_resource", 500011, 400);

    /* Too many or too long. */
    char *big = xmalloc(5000);
    memset(big, 'a', 4999);
    big[4999] = '\0';
    rc = resolve(x, &x->first, big, false, &sc, &e);
    tf_expect_error(rc, e, "invalid_scope", 70011, 400);
    free(big);
}

static void test_app_only(void **state)
{
    struct sfx *x = *state;
    struct tf *f = x->f;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};

    assert_int_equal(resolve(x, &x->conf, "https://graph.microsoft.com/.default", true, &sc, &e),
                     0);
    assert_true(sc.dot_default);
    assert_string_equal(sc.resource_uri, ATRIUM_GRAPH_RESOURCE_URI);
    assert_int_equal(json_array_size(sc.roles), 1);
    assert_string_equal(json_string_value(json_array_get(sc.roles, 0)), "User.Read.All");
    atrium_oauth_scopes_release(&sc);

    AUTO_FREE char *api = xasprintf("%s/.default", f->api_uri);
    assert_int_equal(resolve(x, &x->conf, api, true, &sc, &e), 0);
    assert_string_equal(json_string_value(json_array_get(sc.roles, 0)), "Orders.Admin");
    atrium_oauth_scopes_release(&sc);

    /* No assignment: a token without roles. */
    assert_int_equal(resolve(x, &x->pub, "https://graph.microsoft.com/.default", true, &sc, &e), 0);
    assert_int_equal(json_array_size(sc.roles), 0);
    atrium_oauth_scopes_release(&sc);

    static const char *const bad[] = {"https://graph.microsoft.com/User.Read.All",
                                      "https://graph.microsoft.com/.default openid", "openid", "",
                                      "User.Read"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = resolve(x, &x->conf, bad[i], true, &sc, &e);
        tf_expect_error(rc, e, "invalid_scope", 70011, 400);
    }
}

static void test_response_scope(void **state)
{
    struct sfx *x = *state;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};
    const char *asked =
        "https://graph.microsoft.com/User.Read https://graph.microsoft.com/User.Read "
        "openid profile offline_access";
    assert_int_equal(resolve(x, &x->first, asked, false, &sc, &e), 0);
    AUTO_FREE char *resp = atrium_oauth_scopes_response(&sc, asked);
    assert_string_equal(resp,
                        "https://graph.microsoft.com/User.Read openid profile offline_access");
    atrium_oauth_scopes_release(&sc);
}

static void test_foreign_multi_tenant_api(void **state)
{
    struct sfx *x = *state;
    struct tf *f = x->f;
    struct atrium_oauth_scopes sc = {0};
    struct atrium_oauth_error e = {0};
    struct tf_app api, client;
    char hex[9];
    atrium_random_hex(hex, 4);
    AUTO_FREE char *uri = xasprintf("https://api.example/%s", hex);
    AUTO_FREE char *def = xasprintf(
        "{\"identifierUris\":[\"%s\"],\"appRoles\":[{\"id\":\"%s\",\"value\":\"Jobs.Run\"}]}", uri,
        TF_ORDERS_ADMIN_ROLE);
    tf_new_app(f, &f->t1, "Shared API", ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG, def, false, &api);
    tf_new_app(f, &f->t2, "Worker", ATRIUM_SIGN_IN_AUDIENCE_MY_ORG, "{}", true, &client);
    struct atrium_oauth_client c = {0};
    assert_int_equal(atrium_oauth_client_find(f->s, f->t2.id, client.app_id, &c, &e), 0);
    AUTO_FREE char *scope = xasprintf("%s/.default", uri);

    /* Not provisioned in t2 yet: unknown resource there. */
    int rc = atrium_oauth_scopes_resolve(f->s, f->t2.id, &c, scope, true, NULL, &sc, &e);
    tf_expect_error(rc, e, "invalid_resource", 500011, 400);

    struct atrium_service_principal sp = {
        .display_name = "Shared API", .definition = "{}", .account_enabled = true, .created = 1};
    atrium_uuid_v4(sp.id);
    memcpy(sp.tenant_id, f->t2.id, sizeof(sp.tenant_id));
    memcpy(sp.app_id, api.app_id, sizeof(sp.app_id));
    memcpy(sp.app_owner_tenant_id, f->t1.id, sizeof(sp.app_owner_tenant_id));
    assert_int_equal(f->s->oauth->sp_insert(f->s, f->t2.id, &sp), 0);
    tf_assign_role(f, f->t2.id, client.sp_id, sp.id, TF_ORDERS_ADMIN_ROLE);
    assert_int_equal(atrium_oauth_scopes_resolve(f->s, f->t2.id, &c, scope, true, NULL, &sc, &e),
                     0);
    assert_string_equal(sc.resource_app_id, api.app_id);
    assert_string_equal(sc.resource_uri, uri);
    assert_string_equal(json_string_value(json_array_get(sc.roles, 0)), "Jobs.Run");
    atrium_oauth_scopes_release(&sc);
    atrium_oauth_client_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_graph_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oidc_only_implies_user_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_party_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_response_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_multi_tenant_api, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
