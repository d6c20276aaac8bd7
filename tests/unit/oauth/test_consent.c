/* SPDX-License-Identifier: MIT */
/*
 * User consent (atrium_oauth_consent_grant): a Principal grant is created
 * and then scopes resolve for that user only; a second consent extends the
 * scope (union, no duplicates); ".default" consents to requiredResourceAccess;
 * admin-only permissions (directory API table, custom "type": "Admin") are
 * refused with 65001 and nothing is recorded; another tenant's single-tenant
 * client is 700016; a multi-tenant client of another tenant gets its service
 * principal on first consent; bad scopes and the scope length bound.
 */
#include "token_fixture.h"

#include "core/buf.h"

#define API_READ "0d6e2c1a-0000-4000-8000-00000000a001"
#define API_WRITE "0d6e2c1a-0000-4000-8000-00000000a002"
#define API_MANAGE "0d6e2c1a-0000-4000-8000-00000000a003"

struct cfx {
    struct tf *f;
    struct tf_app app, api; /* a public client of t1 without consent; an API of t1 */
    char api_uri[64];
    struct tf_user dave; /* t1, enabled */
    struct atrium_oauth_client c;
};

static int setup(void **state)
{
    struct atrium_oauth_error e = {0};
    tf_setup(state);
    struct cfx *x = xcalloc(1, sizeof(*x));
    x->f = *state;
    char hex[9];
    atrium_random_hex(hex, 4);
    snprintf(x->api_uri, sizeof(x->api_uri), "api://consent-%s", hex);
    AUTO_FREE char *api_def = xasprintf(
        "{\"identifierUris\":[\"%s\"],\"api\":{\"oauth2PermissionScopes\":["
        "{\"id\":\"%s\",\"value\":\"Orders.Read\",\"isEnabled\":true,\"type\":\"User\"},"
        "{\"id\":\"%s\",\"value\":\"Orders.Write\",\"isEnabled\":true,\"type\":\"User\"},"
        "{\"id\":\"%s\",\"value\":\"Orders.Manage\",\"isEnabled\":true,\"type\":\"Admin\"}]}}",
        x->api_uri, API_READ, API_WRITE, API_MANAGE);
    tf_new_app(x->f, &x->f->t1, "Consent API", ATRIUM_SIGN_IN_AUDIENCE_MY_ORG, api_def, false,
               &x->api);
    AUTO_FREE char *app_def =
        xasprintf("{\"publicClient\":{\"redirectUris\":[\"http://localhost\"]},"
                  "\"requiredResourceAccess\":[{\"resourceAppId\":\"%s\",\"resourceAccess\":["
                  "{\"id\":\"%s\",\"type\":\"Scope\"},{\"id\":\"%s\",\"type\":\"Role\"}]}]}",
                  x->api.app_id, API_WRITE, API_READ);
    tf_new_app(x->f, &x->f->t1, "Consent App", ATRIUM_SIGN_IN_AUDIENCE_MY_ORG, app_def, false,
               &x->app);
    tf_new_user(x->f, &x->f->t1, "dave", true, &x->dave);
    assert_int_equal(atrium_oauth_client_find(x->f->s, x->f->t1.id, x->app.app_id, &x->c, &e), 0);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct cfx *x = *state;
    atrium_oauth_client_release(&x->c);
    *state = x->f;
    free(x);
    return tf_teardown(state);
}

static int resolve(struct cfx *x, const char *tenant_id, const struct atrium_oauth_client *c,
                   const char *user_id, const char *scope, struct atrium_oauth_error *e)
{
    struct atrium_oauth_scopes sc = {0};
    memset(e, 0, sizeof(*e));
    int rc = atrium_oauth_scopes_resolve(x->f->s, tenant_id, c, scope, false, user_id, &sc, e);
    atrium_oauth_scopes_release(&sc);
    return rc;
}

static int consent(struct cfx *x, const char *user_id, const char *scope,
                   struct atrium_oauth_error *e)
{
    memset(e, 0, sizeof(*e));
    return atrium_oauth_consent_grant(x->f->s, x->f->t1.id, &x->c, user_id, scope, e);
}

/* The grants of client service principal client_sp in tenant_id. */
static void grants(struct cfx *x, const char *tenant_id, const char *client_sp,
                   struct atrium_oauth2_grant_list *l)
{
    memset(l, 0, sizeof(*l));
    assert_int_equal(x->f->s->oauth->grant_list(x->f->s, tenant_id, client_sp, l), 0);
}

/* How many audit entries of tenant_id have that activity (by user_id, when given). */
static size_t audits(struct tf *f, const char *tenant_id, const char *activity, const char *user_id)
{
    struct atrium_audit_filter af = {.activity = (char *)activity,
                                     .initiator_user_id = (char *)user_id};
    struct atrium_directory_audit_list al = {0};
    assert_int_equal(f->s->ops->audit_list(f->s, tenant_id, &af, NULL, 100, &al), 0);
    size_t n = al.count;
    atrium_directory_audit_list_release(&al);
    return n;
}

static void test_grant_created(void **state)
{
    struct cfx *x = *state;
    struct atrium_oauth_error e;
    struct atrium_oauth2_grant_list l;
    const char *alice = x->f->alice.id;
    tf_expect_error(resolve(x, x->f->t1.id, &x->c, alice, "openid User.Read", &e), e,
                    "invalid_grant", 65001, 400);

    assert_int_equal(consent(x, alice, "openid profile https://graph.microsoft.com/user.read", &e),
                     0);
    grants(x, x->f->t1.id, x->app.sp_id, &l);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].consent_type, ATRIUM_CONSENT_PRINCIPAL);
    assert_string_equal(l.items[0].principal_id, alice);
    assert_string_equal(l.items[0].resource_id, x->f->t1.graph_sp);
    assert_string_equal(l.items[0].scope, "User.Read openid profile");
    atrium_oauth2_grant_list_release(&l);
    assert_int_equal(audits(x->f, x->f->t1.id, "Consent to application", alice), 1);
    assert_int_equal(audits(x->f, x->f->t1.id, "Add service principal", NULL), 0);

    assert_int_equal(resolve(x, x->f->t1.id, &x->c, alice, "openid User.Read", &e), 0);
    /* Consent is the user's own: not for another user of the tenant. */
    tf_expect_error(resolve(x, x->f->t1.id, &x->c, x->dave.id, "openid User.Read", &e), e,
                    "invalid_grant", 65001, 400);
    assert_string_equal(e.suberror, "consent_required");
}

static void test_union(void **state)
{
    struct cfx *x = *state;
    struct atrium_oauth_error e;
    struct atrium_oauth2_grant_list l;
    const char *alice = x->f->alice.id;
    AUTO_FREE char *read = xasprintf("%s/Orders.Read", x->api_uri);
    AUTO_FREE char *both = xasprintf("%s/orders.write %s/Orders.Read", x->api_uri, x->api_uri);

    assert_int_equal(consent(x, alice, read, &e), 0);
    assert_int_equal(resolve(x, x->f->t1.id, &x->c, alice, read, &e), 0);
    tf_expect_error(resolve(x, x->f->t1.id, &x->c, alice, both, &e), e, "invalid_grant", 65001,
                    400);
    assert_int_equal(consent(x, alice, both, &e), 0);
    assert_int_equal(consent(x, alice, both, &e), 0); /* again: nothing new */
    assert_int_equal(resolve(x, x->f->t1.id, &x->c, alice, both, &e), 0);

    grants(x, x->f->t1.id, x->app.sp_id, &l);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].resource_id, x->api.sp_id);
    assert_string_equal(l.items[0].scope, "Orders.Read Orders.Write");
    atrium_oauth2_grant_list_release(&l);

    /* Another resource is another grant. */
    assert_int_equal(consent(x, alice, "User.Read", &e), 0);
    grants(x, x->f->t1.id, x->app.sp_id, &l);
    assert_int_equal(l.count, 2);
    atrium_oauth2_grant_list_release(&l);
}

static void test_dot_default(void **state)
{
    struct cfx *x = *state;
    struct atrium_oauth_error e;
    struct atrium_oauth2_grant_list l;
    AUTO_FREE char *dflt = xasprintf("%s/.default", x->api.app_id);
    /* requiredResourceAccess lists Orders.Write as a Scope (Orders.Read only as a Role). */
    assert_int_equal(consent(x, x->dave.id, dflt, &e), 0);
    grants(x, x->f->t1.id, x->app.sp_id, &l);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].scope, "Orders.Write");
    atrium_oauth2_grant_list_release(&l);
}

static void test_admin_refused(void **state)
{
    struct cfx *x = *state;
    struct atrium_oauth_error e;
    struct atrium_oauth2_grant_list l;
    const char *alice = x->f->alice.id;
    AUTO_FREE char *manage = xasprintf("%s/Orders.Read %s/Orders.Manage", x->api_uri, x->api_uri);

    int rc = consent(x, alice, "openid User.Read User.Read.All", &e);
    tf_expect_error(rc, e, "consent_required", 65001, 400);
    assert_non_null(strstr(e.description, "User.Read.All"));
    assert_non_null(strstr(e.description, "administrator must consent"));
    rc = consent(x, alice, manage, &e);
    tf_expect_error(rc, e, "consent_required", 65001, 400);
    assert_non_null(strstr(e.description, "Orders.Manage"));
    grants(x, x->f->t1.id, x->app.sp_id, &l);
    assert_int_equal(l.count, 0);
    atrium_oauth2_grant_list_release(&l);
}

static void test_bad_scopes(void **state)
{
    struct cfx *x = *state;
    struct atrium_oauth_error e;
    const char *alice = x->f->alice.id;
    tf_expect_error(consent(x, alice, "Nope.Read", &e), e, "invalid_scope", 70011, 400);
    tf_expect_error(consent(x, alice, "api://nowhere-at-all/Read", &e), e, "invalid_resource",
                    500011, 400);
    tf_expect_error(consent(x, alice, "User.Read api://nowhere-at-all/Read", &e), e,
                    "invalid_scope", 70011, 400);

    /* The grant's scope is bounded: an existing long grant cannot grow past it. */
    struct atrium_buf b;
    atrium_buf_init(&b, 8192);
    for (int i = 0; b.len < 4090; i++)
        atrium_buf_printf(&b, "%sX%d", b.len ? " " : "", i);
    tf_grant(x->f, x->f->t1.id, x->app.sp_id, x->f->t1.graph_sp, alice, b.buf);
    atrium_buf_release(&b);
    tf_expect_error(consent(x, alice, "User.Read", &e), e, "invalid_scope", 0, 400);
}

static void test_other_tenant_client(void **state)
{
    struct cfx *x = *state;
    struct atrium_oauth_error e = {0};
    struct atrium_service_principal sp = {0};
    /* x->c is a single-tenant app of t1: unknown in t2. */
    int rc =
        atrium_oauth_consent_grant(x->f->s, x->f->t2.id, &x->c, x->f->carol.id, "User.Read", &e);
    tf_expect_error(rc, e, "unauthorized_client", 700016, 400);
    assert_int_equal(x->f->s->oauth->sp_get_by_app_id(x->f->s, x->f->t2.id, x->app.app_id, &sp),
                     ATRIUM_ENOTFOUND);
    struct atrium_oauth_client c = {0};
    rc = atrium_oauth_client_find_interactive(x->f->s, x->f->t2.id, x->app.app_id, &c, &e);
    tf_expect_error(rc, e, "unauthorized_client", 700016, 400);
}

static void test_multi_tenant_first_consent(void **state)
{
    struct cfx *x = *state;
    struct tf *f = x->f;
    struct atrium_oauth_error e = {0};
    struct atrium_oauth_client c = {0};
    struct atrium_service_principal sp = {0};
    struct tf_app m;
    tf_new_app(f, &f->t1, "Multi App", ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG,
               "{\"web\":{\"redirectUris\":[\"https://multi.example/cb\"]}}", true, &m);

    /* Not used in t2 yet: unknown to the token endpoint, visible to the sign-in page. */
    tf_expect_error(atrium_oauth_client_find(f->s, f->t2.id, m.app_id, &c, &e), e,
                    "unauthorized_client", 700016, 400);
    assert_int_equal(atrium_oauth_client_find_interactive(f->s, f->t2.id, m.app_id, &c, &e), 0);
    assert_string_equal(c.sp_id, "");
    assert_string_equal(c.home_tenant_id, f->t1.id);
    /* Even OIDC-only sign-in asks for consent until the app has a principal here. */
    tf_expect_error(resolve(x, f->t2.id, &c, f->carol.id, "openid", &e), e, "invalid_grant", 65001,
                    400);

    assert_int_equal(
        atrium_oauth_consent_grant(f->s, f->t2.id, &c, f->carol.id, "openid User.Read", &e), 0);
    atrium_oauth_client_release(&c);
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->t2.id, m.app_id, &sp), 0);
    assert_string_equal(sp.app_owner_tenant_id, f->t1.id);
    assert_string_equal(sp.display_name, "Multi App");
    assert_true(sp.account_enabled);
    /* Audited in the consenting tenant: the new principal, then the consent. */
    assert_int_equal(audits(f, f->t2.id, "Add service principal", f->carol.id), 1);
    assert_int_equal(audits(f, f->t2.id, "Consent to application", f->carol.id), 1);
    assert_int_equal(audits(f, f->t1.id, "Consent to application", NULL), 0);

    assert_int_equal(atrium_oauth_client_find(f->s, f->t2.id, m.app_id, &c, &e), 0);
    assert_string_equal(c.sp_id, sp.id);
    assert_int_equal(resolve(x, f->t2.id, &c, f->carol.id, "openid User.Read", &e), 0);
    /* A second consent reuses the principal. */
    assert_int_equal(
        atrium_oauth_consent_grant(f->s, f->t2.id, &c, f->carol.id, "openid User.Read", &e), 0);
    struct atrium_service_principal_list l = {0};
    assert_int_equal(f->s->oauth->sp_list(f->s, f->t2.id, NULL, 100, &l), 0);
    size_t mine = 0;
    for (size_t i = 0; i < l.count; i++)
        mine += strcmp(l.items[i].app_id, m.app_id) == 0;
    assert_int_equal(mine, 1);
    atrium_service_principal_list_release(&l);
    atrium_service_principal_release(&sp);
    atrium_oauth_client_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_grant_created, setup, teardown),
        cmocka_unit_test_setup_teardown(test_union, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dot_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_scopes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_tenant_client, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multi_tenant_first_consent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
