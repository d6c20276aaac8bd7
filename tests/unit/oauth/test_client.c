/* SPDX-License-Identifier: MIT */
/*
 * Clients: redirect URI matching (exact; loopback any port for native
 * clients only; no prefix, suffix, case, encoding, fragment or wildcard
 * tricks), finding clients (first party, own apps, multi-tenant apps of
 * another tenant, unknown 700016, cross-tenant invisible), the
 * public/confidential decision, and client authentication errors.
 */
#include "token_fixture.h"

/* A client built by hand from a definition (no store). */
static struct atrium_oauth_client client_of(const char *definition, bool first_party)
{
    struct atrium_oauth_client c = {.is_first_party = first_party, .is_public = first_party};
    snprintf(c.app_id, sizeof(c.app_id), "%s",
             first_party ? ATRIUM_FIRST_PARTY_CLIENT_ID : "11111111-2222-4333-8444-555555555555");
    c.definition = definition ? json_loads(definition, 0, NULL) : NULL;
    return c;
}

static void expect_redirect(const struct atrium_oauth_client *c, const char *uri, bool ok)
{
    struct atrium_oauth_error e = {0};
    int rc = atrium_oauth_redirect_allowed(c, uri, &e);
    if (ok) {
        if (rc != 0)
            fail_msg("refused: %s", uri ? uri : "(null)");
        return;
    }
    if (rc == 0)
        fail_msg("accepted: %s", uri ? uri : "(null)");
    tf_expect_error(rc, e, "invalid_request", 50011, 400);
    assert_null(strpbrk(e.description, "\r\n\t"));
}

static void test_redirect_exact(void **state)
{
    (void)state;
    struct atrium_oauth_client c = client_of(
        "{\"web\":{\"redirectUris\":[\"https://app.a.example/cb\",\"https://app.a.example/q?x=1\","
        "\"http://localhost/web\"]},\"spa\":{\"redirectUris\":[\"https://spa.example/\"]}}",
        false);
    expect_redirect(&c, "https://app.a.example/cb", true);
    expect_redirect(&c, "https://app.a.example/q?x=1", true);
    expect_redirect(&c, "https://spa.example/", true);
    static const char *const refused[] = {
        "https://app.a.example/cb/XYZ123", "https://app.a.example/cb/", "https://app.a.example/cbX",
        "https://app.a.example/c", "https://app.a.example.evil.com/cb",
        "https://app.a.example@evil.com/cb", "https://evil.com#https://app.a.example/cb",
        "https://app.a.example:443/cb", "https://APP.a.example/cb", "HTTPS://app.a.example/cb",
        "https://app.a.example/cb/../", "https://app.a.example/cb/%2E%2E/",
        "https://app.a.example/cb%2F%2E%2E%2F", "https://app.a.example/cb/%00",
        "https://app.a.example/cb%20", "https://app.a.example/cb\t", "https://app.a.example/cb\r\n",
        "https://app.a.example/q?x=2", "https://app.a.example/q?x=1&y=2", "https://app.a.example/q",
        "https://app.a.example/cb?x=1", "https://app.a.example/cb#frag", "https://app.a.example/*",
        "https://spa.example", "", NULL,
        /* loopback port-agnostic matching is for native clients only */
        "http://localhost:1234/web", "http://localhost/web#x"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        expect_redirect(&c, refused[i], false);
    expect_redirect(&c, "http://localhost/web", true);
    atrium_oauth_client_release(&c);
}

static void test_redirect_wildcard_registered(void **state)
{
    (void)state;
    /* A wildcard or fragment in a registration never widens anything. */
    struct atrium_oauth_client c = client_of(
        "{\"web\":{\"redirectUris\":[\"https://*.example/cb\",\"https://a.example/cb#f\"]}}",
        false);
    expect_redirect(&c, "https://x.example/cb", false);
    expect_redirect(&c, "https://*.example/cb", false);
    expect_redirect(&c, "https://a.example/cb#f", false);
    expect_redirect(&c, "https://a.example/cb", false);
    atrium_oauth_client_release(&c);
}

static void test_redirect_loopback_native(void **state)
{
    (void)state;
    struct atrium_oauth_client c = client_of(
        "{\"publicClient\":{\"redirectUris\":[\"http://127.0.0.1/cb\",\"http://localhost\","
        "\"https://login.example/native\"]}}",
        false);
    expect_redirect(&c, "http://127.0.0.1/cb", true);
    expect_redirect(&c, "http://127.0.0.1:53123/cb", true);
    expect_redirect(&c, "http://127.0.0.1:1/cb", true);
    expect_redirect(&c, "http://127.0.0.1:65535/cb", true);
    expect_redirect(&c, "http://localhost:8400", true);
    expect_redirect(&c, "http://localhost", true);
    expect_redirect(&c, "https://login.example/native", true);
    static const char *const refused[] = {
        "http://127.0.0.1:53123/other", "http://127.0.0.1:53123/cb/",
        "http://127.0.0.1:65536/cb",    "http://127.0.0.1:0/cb",
        "http://127.0.0.1:/cb",         "http://127.0.0.1:12a/cb",
        "http://localhosts/cb",         "http://localhost.evil.com:80",
        "http://localhost:8400/x",      "http://LOCALHOST:8400",
        "https://127.0.0.1:53123/cb",   "http://localhost:8400#x",
        "http://localhost@evil.com",    "http://127.0.0.1:5312/cb?x=1",
        "http://[::1]:5312/cb",         "https://login.example:444/native"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        expect_redirect(&c, refused[i], false);
    atrium_oauth_client_release(&c);
}

static void test_redirect_first_party(void **state)
{
    (void)state;
    struct atrium_oauth_client c = client_of(NULL, true);
    expect_redirect(&c, "http://localhost", true);
    expect_redirect(&c, "http://localhost:8400", true);
    expect_redirect(&c, "http://localhost:8400/", true);
    expect_redirect(&c, "http://127.0.0.1:43210", true);
    expect_redirect(&c, "http://[::1]:43210/", true);
    expect_redirect(&c, "https://localhost:8400", false);
    expect_redirect(&c, "http://localhost:8400/cb", false);
    expect_redirect(&c, "http://evil.example:8400", false);
    expect_redirect(&c, "http://localhost.evil.example", false);
    expect_redirect(&c, "https://app.example/cb", false);
    atrium_oauth_client_release(&c);
}

static void test_find_clients(void **state)
{
    struct tf *f = *state;
    struct atrium_oauth_client c = {0};
    struct atrium_oauth_error e = {0};

    /* The first-party client exists in every tenant, whatever the case of its id. */
    assert_int_equal(
        atrium_oauth_client_find(f->s, f->t2.id, "04B07795-8DDB-461A-BBEE-02F9E1BF7B46", &c, &e),
        0);
    assert_true(c.is_first_party && c.is_public);
    assert_string_equal(c.app_id, ATRIUM_FIRST_PARTY_CLIENT_ID);
    atrium_oauth_client_release(&c);

    assert_int_equal(atrium_oauth_client_find(f->s, f->t1.id, f->conf.app_id, &c, &e), 0);
    assert_false(c.is_public);
    assert_false(c.is_first_party);
    assert_string_equal(c.sp_id, f->conf.sp_id);
    assert_string_equal(c.application_object_id, f->conf.object_id);
    assert_string_equal(c.home_tenant_id, f->t1.id);
    assert_string_equal(c.display_name, "Web App");
    assert_non_null(c.definition);
    atrium_oauth_client_release(&c);

    assert_int_equal(atrium_oauth_client_find(f->s, f->t1.id, f->pub.app_id, &c, &e), 0);
    assert_true(c.is_public);
    atrium_oauth_client_release(&c);
    assert_int_equal(atrium_oauth_client_find(f->s, f->t1.id, f->spa.app_id, &c, &e), 0);
    assert_true(c.is_public);
    atrium_oauth_client_release(&c);

    /* Another tenant's single-tenant app is exactly as unknown as a random id. */
    int rc = atrium_oauth_client_find(f->s, f->t2.id, f->conf.app_id, &c, &e);
    tf_expect_error(rc, e, "unauthorized_client", 700016, 400);
    rc = atrium_oauth_client_find(f->s, f->t1.id, "9a9a9a9a-0000-4000-8000-000000000000", &c, &e);
    tf_expect_error(rc, e, "unauthorized_client", 700016, 400);
    rc = atrium_oauth_client_find(f->s, f->t1.id, "not-a-guid", &c, &e);
    tf_expect_error(rc, e, "unauthorized_client", 700016, 400);
    rc = atrium_oauth_client_find(f->s, f->t1.id, NULL, &c, &e);
    tf_expect_error(rc, e, "unauthorized_client", 700016, 400);
}

static void test_multi_tenant_app(void **state)
{
    struct tf *f = *state;
    struct atrium_oauth_client c = {0};
    struct atrium_oauth_error e = {0};
    struct tf_app m;
    tf_new_app(f, &f->t1, "Multi", ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG,
               "{\"web\":{\"redirectUris\":[\"https://multi.example/cb\"]}}", true, &m);
    /* No principal in t2 yet: unknown there. */
    int rc = atrium_oauth_client_find(f->s, f->t2.id, m.app_id, &c, &e);
    tf_expect_error(rc, e, "unauthorized_client", 700016, 400);
    struct atrium_service_principal sp = {
        .display_name = "Multi", .definition = "{}", .account_enabled = true, .created = 1};
    atrium_uuid_v4(sp.id);
    memcpy(sp.tenant_id, f->t2.id, sizeof(sp.tenant_id));
    memcpy(sp.app_id, m.app_id, sizeof(sp.app_id));
    memcpy(sp.app_owner_tenant_id, f->t1.id, sizeof(sp.app_owner_tenant_id));
    assert_int_equal(f->s->oauth->sp_insert(f->s, f->t2.id, &sp), 0);
    assert_int_equal(atrium_oauth_client_find(f->s, f->t2.id, m.app_id, &c, &e), 0);
    assert_true(c.multi_tenant);
    assert_string_equal(c.home_tenant_id, f->t1.id);
    assert_string_equal(c.sp_id, sp.id);
    /* Its secret (kept in its home tenant) authenticates it in t2. */
    assert_int_equal(atrium_oauth_client_authenticate(&f->o, &c, m.secret, &e), 0);
    atrium_oauth_client_release(&c);

    /* Disabled principal: 7000112. */
    sp.account_enabled = false;
    assert_int_equal(f->s->oauth->sp_update(f->s, f->t2.id, &sp), 0);
    rc = atrium_oauth_client_find(f->s, f->t2.id, m.app_id, &c, &e);
    tf_expect_error(rc, e, "unauthorized_client", 7000112, 400);
}

static void expect_public(struct tf *f, const char *definition, bool with_secret, bool want)
{
    struct tf_app a;
    struct atrium_oauth_client c = {0};
    struct atrium_oauth_error e = {0};
    tf_new_app(f, &f->t1, "Decide", ATRIUM_SIGN_IN_AUDIENCE_MY_ORG, definition, with_secret, &a);
    assert_int_equal(atrium_oauth_client_find(f->s, f->t1.id, a.app_id, &c, &e), 0);
    if (c.is_public != want)
        fail_msg("%s (secret %d): public %d", definition, with_secret, c.is_public);
    atrium_oauth_client_release(&c);
}

static void test_public_or_confidential(void **state)
{
    struct tf *f = *state;
    expect_public(f, "{}", false, false);
    expect_public(f, "{\"isFallbackPublicClient\":true}", false, true);
    expect_public(f, "{\"isFallbackPublicClient\":true}", true, false);
    expect_public(f, "{\"publicClient\":{\"redirectUris\":[\"http://localhost\"]}}", false, true);
    expect_public(f, "{\"publicClient\":{\"redirectUris\":[\"http://localhost\"]}}", true, false);
    expect_public(f, "{\"spa\":{\"redirectUris\":[\"https://s.example/\"]}}", false, true);
    expect_public(f, "{\"web\":{\"redirectUris\":[\"https://w.example/\"]}}", false, false);
    expect_public(f,
                  "{\"web\":{\"redirectUris\":[\"https://w.example/\"]},"
                  "\"spa\":{\"redirectUris\":[\"https://s.example/\"]}}",
                  false, false);
    expect_public(f,
                  "{\"web\":{\"redirectUris\":[\"https://w.example/\"]},"
                  "\"isFallbackPublicClient\":true}",
                  false, true);
    expect_public(f, "not json", false, false);
}

static void test_authenticate(void **state)
{
    struct tf *f = *state;
    struct atrium_oauth_client c = {0};
    struct atrium_oauth_error e = {0};
    char expired[ATRIUM_CLIENT_SECRET_LEN + 1];

    assert_int_equal(atrium_oauth_client_find(f->s, f->t1.id, f->conf.app_id, &c, &e), 0);
    assert_int_equal(atrium_oauth_client_authenticate(&f->o, &c, f->conf.secret, &e), 0);
    int rc = atrium_oauth_client_authenticate(&f->o, &c, NULL, &e);
    tf_expect_error(rc, e, "invalid_client", 7000216, 401);
    rc = atrium_oauth_client_authenticate(&f->o, &c, "", &e);
    tf_expect_error(rc, e, "invalid_client", 7000216, 401);
    rc = atrium_oauth_client_authenticate(&f->o, &c, "wrong-secret", &e);
    tf_expect_error(rc, e, "invalid_client", 7000215, 401);
    char longer[ATRIUM_CLIENT_SECRET_MAX + 10];
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    rc = atrium_oauth_client_authenticate(&f->o, &c, longer, &e);
    tf_expect_error(rc, e, "invalid_client", 7000215, 401);
    /* Checked against the secrets client_find read: find it again to see the new one. */
    tf_add_expired_secret(f, &f->t1, &f->conf, expired);
    rc = atrium_oauth_client_authenticate(&f->o, &c, expired, &e);
    tf_expect_error(rc, e, "invalid_client", 7000215, 401);
    atrium_oauth_client_release(&c);
    assert_int_equal(atrium_oauth_client_find(f->s, f->t1.id, f->conf.app_id, &c, &e), 0);
    rc = atrium_oauth_client_authenticate(&f->o, &c, expired, &e);
    tf_expect_error(rc, e, "invalid_client", 7000222, 401);
    /* The live secret still works next to the expired one. */
    assert_int_equal(atrium_oauth_client_authenticate(&f->o, &c, f->conf.secret, &e), 0);
    atrium_oauth_client_release(&c);

    /* Public clients must send none. */
    assert_int_equal(atrium_oauth_client_find(f->s, f->t1.id, f->pub.app_id, &c, &e), 0);
    assert_int_equal(atrium_oauth_client_authenticate(&f->o, &c, NULL, &e), 0);
    rc = atrium_oauth_client_authenticate(&f->o, &c, "anything", &e);
    tf_expect_error(rc, e, "invalid_client", 700025, 401);
    atrium_oauth_client_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redirect_exact),
        cmocka_unit_test(test_redirect_wildcard_registered),
        cmocka_unit_test(test_redirect_loopback_native),
        cmocka_unit_test(test_redirect_first_party),
        cmocka_unit_test_setup_teardown(test_find_clients, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_multi_tenant_app, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_public_or_confidential, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_authenticate, tf_setup, tf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
