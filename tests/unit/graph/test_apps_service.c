/* SPDX-License-Identifier: MIT */
/*
 * The application services against a real SQLite store: create (with its
 * service principal), identifierUris uniqueness, client secrets (hashed,
 * verifiable, capped), paging, app role assignments, delegated grants,
 * delete cascades, authorization, and tenant isolation: every call made as
 * tenant B on tenant A's objects is ATRIUM_ENOTFOUND.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/masterkey.h"
#include "crypto/secret.h"
#include "graph/apps.h"
#include "model/builtin_apps.h"
#include "model/directory_role.h"
#include "store/store.h"
#include "store/store_builtin.h"
#include "store/store_oauth.h"

#define USER_READ_ALL_ROLE "df021288-bdef-4463-88db-98f22de89214"

struct fx {
    char *db_path;
    struct atrium_store *s;
    struct atrium_masterkey *mk;
    struct atrium_secret_hasher *h;
    char ta[ATRIUM_UUID_LEN + 1], tb[ATRIUM_UUID_LEN + 1];
    char user_a[ATRIUM_UUID_LEN + 1];
    struct atrium_principal admin_a, admin_b, member_a;
};

static void new_tenant(struct atrium_store *s, char id[ATRIUM_UUID_LEN + 1])
{
    char hex[17];
    atrium_random_hex(hex, 8);
    AUTO_FREE char *domain = xasprintf("t%s.atrium.localhost", hex);
    struct atrium_tenant t = {.display_name = "Contoso",
                              .country = "US",
                              .contact_email = "ops@example.com",
                              .initial_domain = domain,
                              .created = atrium_now()};
    atrium_uuid_v4(t.id);
    assert_int_equal(s->ops->tenant_insert(s, &t), 0);
    struct atrium_domain d = {.name = domain,
                              .is_initial = true,
                              .is_default = true,
                              .is_verified = true,
                              .created = t.created};
    assert_int_equal(s->ops->domain_insert(s, t.id, &d), 0);
    memcpy(id, t.id, sizeof(t.id));
}

static void new_user(struct atrium_store *s, const char *tenant_id, char id[ATRIUM_UUID_LEN + 1])
{
    char hex[17];
    atrium_random_hex(hex, 8);
    AUTO_FREE char *upn = xasprintf("u%s@example.com", hex);
    struct atrium_user u = {.upn = upn,
                            .display_name = "Una",
                            .account_enabled = true,
                            .created = atrium_now(),
                            .password_changed = atrium_now()};
    atrium_uuid_v4(u.id);
    assert_int_equal(s->ops->user_insert(s, tenant_id, &u), 0);
    memcpy(id, u.id, sizeof(u.id));
}

/* A delegated caller of tenant with the directory write scopes and, optionally, a role. */
static void delegated(struct atrium_principal *p, const char *tenant_id, const char *wid)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->tenant_id, sizeof(p->tenant_id), "%s", tenant_id);
    atrium_uuid_v4(p->user_id);
    p->scopes[p->scope_count++] = xstrdup("Directory.ReadWrite.All");
    p->scopes[p->scope_count++] = xstrdup("Application.ReadWrite.All");
    if (wid)
        p->wids[p->wid_count++] = xstrdup(wid);
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char hex[17];
    atrium_random_hex(hex, 8);
    f->db_path =
        xasprintf("%s/graph-apps-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    AUTO_FREE char *uri = xasprintf("sqlite:%s", f->db_path);
    struct atrium_errinfo e = {0};
    int version = 0;
    assert_int_equal(atrium_store_open(uri, &f->s, &e), 0);
    assert_int_equal(atrium_store_migrate(f->s, &version), 0);
    assert_non_null(f->s->oauth);
    f->mk = atrium_masterkey_generate();
    assert_int_equal(atrium_secret_hasher_new(f->mk, &f->h), 0);
    new_tenant(f->s, f->ta);
    new_tenant(f->s, f->tb);
    new_user(f->s, f->ta, f->user_a);
    delegated(&f->admin_a, f->ta, ATRIUM_ROLE_GLOBAL_ADMIN);
    delegated(&f->admin_b, f->tb, ATRIUM_ROLE_GLOBAL_ADMIN);
    delegated(&f->member_a, f->ta, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    atrium_store_close(f->s);
    atrium_secret_hasher_free(f->h);
    atrium_masterkey_free(f->mk);
    atrium_principal_release(&f->admin_a);
    atrium_principal_release(&f->admin_b);
    atrium_principal_release(&f->member_a);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        AUTO_FREE char *p = xasprintf("%s%s", f->db_path, suffixes[i]);
        unlink(p);
    }
    free(f->db_path);
    free(f);
    return 0;
}

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    if (!v)
        fail_msg("bad test JSON: %s", jerr.text);
    return v;
}

/* Create an application from JSON text as who (must succeed). */
static void create_app(struct fx *f, const struct atrium_principal *who, const char *tenant_id,
                       const char *text, struct atrium_application *ret)
{
    json_t *body = parse(text);
    struct atrium_errinfo e = {0};
    int r = atrium_graph_app_create(f->s, tenant_id, who, body, ret, &e);
    if (r < 0)
        fail_msg("create failed: %d %s (%s)", r, e.message, e.field);
    json_decref(body);
}

static void graph_sp(struct fx *f, const char *tenant_id, struct atrium_service_principal *ret)
{
    assert_int_equal(atrium_store_ensure_builtin_principals(f->s, tenant_id), 0);
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, tenant_id, ATRIUM_GRAPH_APP_ID, ret), 0);
}

static void test_create_makes_service_principal(void **state)
{
    struct fx *f = *state;
    struct atrium_application a = {0};
    create_app(f, &f->admin_a, f->ta,
               "{\"displayName\":\"Orders\",\"identifierUris\":[\"api://orders-a\"],"
               "\"web\":{\"redirectUris\":[\"https://orders.example/cb\"]},"
               "\"appRoles\":[{\"id\":\"11111111-1111-4111-8111-111111111111\","
               "\"allowedMemberTypes\":[\"Application\"],\"value\":\"Orders.Read\"}]}",
               &a);
    assert_true(atrium_uuid_is_valid(a.id) && atrium_uuid_is_valid(a.app_id));
    assert_string_equal(a.sign_in_audience, "AzureADMyOrg");
    struct atrium_service_principal sp = {0};
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->ta, a.app_id, &sp), 0);
    json_t *rendered = NULL;
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_graph_sp_render(f->s, &sp, &rendered, &e), 0);
    assert_string_equal(json_string_value(json_object_get(rendered, "appId")), a.app_id);
    json_t *names = json_object_get(rendered, "servicePrincipalNames");
    assert_int_equal(json_array_size(names), 2);
    assert_string_equal(json_string_value(json_array_get(names, 1)), "api://orders-a");
    assert_int_equal(json_array_size(json_object_get(rendered, "appRoles")), 1);
    json_decref(rendered);
    /* The application resource: full property set, no secrets. */
    assert_int_equal(atrium_graph_app_render(f->s, &a, &rendered, &e), 0);
    assert_true(json_is_array(json_object_get(rendered, "passwordCredentials")));
    assert_true(json_is_array(json_object_get(json_object_get(rendered, "spa"), "redirectUris")));
    assert_true(json_is_null(json_object_get(rendered, "isFallbackPublicClient")));
    assert_non_null(json_object_get(rendered, "publisherDomain"));
    json_decref(rendered);
    atrium_service_principal_release(&sp);
    atrium_application_release(&a);
}

static void test_identifier_uris_unique_per_tenant(void **state)
{
    struct fx *f = *state;
    struct atrium_application a = {0}, b = {0}, c = {0};
    struct atrium_errinfo e = {0};
    create_app(f, &f->admin_a, f->ta, "{\"displayName\":\"A\",\"identifierUris\":[\"api://dup\"]}",
               &a);
    json_t *body = parse("{\"displayName\":\"B\",\"identifierUris\":[\"API://DUP\"]}");
    assert_int_equal(atrium_graph_app_create(f->s, f->ta, &f->admin_a, body, &b, &e),
                     ATRIUM_ECONFLICT);
    assert_string_equal(e.field, "identifierUris");
    /* Another tenant may use it. */
    assert_int_equal(atrium_graph_app_create(f->s, f->tb, &f->admin_b, body, &b, &e), 0);
    json_decref(body);
    /* PATCH into a clash is refused; re-stating its own URIs is fine. */
    create_app(f, &f->admin_a, f->ta, "{\"displayName\":\"C\"}", &c);
    body = parse("{\"identifierUris\":[\"api://dup\"]}");
    assert_int_equal(atrium_graph_app_update(f->s, f->ta, &f->admin_a, c.id, body, &e),
                     ATRIUM_ECONFLICT);
    assert_int_equal(atrium_graph_app_update(f->s, f->ta, &f->admin_a, a.id, body, &e), 0);
    json_decref(body);
    atrium_application_release(&a);
    atrium_application_release(&b);
    atrium_application_release(&c);
}

static void test_add_password(void **state)
{
    struct fx *f = *state;
    struct atrium_application a = {0};
    struct atrium_app_password p = {0};
    char secret[ATRIUM_CLIENT_SECRET_LEN + 1];
    struct atrium_errinfo e = {0};
    create_app(f, &f->admin_a, f->ta, "{\"displayName\":\"Daemon\"}", &a);
    json_t *body = parse("{\"passwordCredential\":{\"displayName\":\"ci\"}}");
    assert_int_equal(
        atrium_graph_app_add_password(f->s, f->h, f->ta, &f->admin_a, a.id, body, &p, secret, &e),
        0);
    assert_int_equal(strlen(secret), ATRIUM_CLIENT_SECRET_LEN);
    assert_int_equal(strncmp(p.hint, secret, 3), 0);
    int64_t two_years = (int64_t)ATRIUM_APP_PASSWORD_DEFAULT_DAYS * 86400;
    assert_true(p.end - p.start == two_years);
    /* Stored: only the keyed hash, which verifies the secret. */
    struct atrium_app_password_list l = {0};
    assert_int_equal(f->s->oauth->app_password_list(f->s, f->ta, a.id, &l), 0);
    assert_int_equal(l.count, 1);
    assert_null(strstr(l.items[0].secret_hash, secret));
    bool match = false;
    assert_int_equal(atrium_client_secret_verify(f->h, l.items[0].secret_hash, secret, &match), 0);
    assert_true(match);
    assert_int_equal(atrium_client_secret_verify(f->h, l.items[0].secret_hash, "wrong", &match), 0);
    assert_false(match);
    atrium_app_password_list_release(&l);
    /* Listed without the secret. */
    json_t *rendered = NULL;
    assert_int_equal(atrium_graph_app_render(f->s, &a, &rendered, &e), 0);
    json_t *cred = json_array_get(json_object_get(rendered, "passwordCredentials"), 0);
    assert_true(json_is_null(json_object_get(cred, "secretText")));
    assert_string_equal(json_string_value(json_object_get(cred, "keyId")), p.key_id);
    AUTO_FREE char *dump = json_dumps(rendered, 0);
    assert_null(strstr(dump, secret));
    json_decref(rendered);
    json_decref(body);
    /* Bad end dates, unknown members. */
    static const char *const bad[] = {
        "{\"passwordCredential\":{\"endDateTime\":\"2001-01-01T00:00:00Z\"}}",
        "{\"passwordCredential\":{\"endDateTime\":\"tomorrow\"}}",
        "{\"passwordCredential\":{\"secretText\":\"mine\"}}",
        "{\"keyId\":\"x\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct atrium_app_password q = {0};
        body = parse(bad[i]);
        assert_int_equal(atrium_graph_app_add_password(f->s, f->h, f->ta, &f->admin_a, a.id, body,
                                                       &q, secret, &e),
                         ATRIUM_EINVAL);
        json_decref(body);
    }
    /* The cap. */
    body = parse("{\"passwordCredential\":{\"endDateTime\":\"2099-12-31T23:59:59.123+01:00\"}}");
    for (int i = 1; i < ATRIUM_APP_PASSWORDS_MAX; i++) {
        struct atrium_app_password q = {0};
        assert_int_equal(atrium_graph_app_add_password(f->s, f->h, f->ta, &f->admin_a, a.id, body,
                                                       &q, secret, &e),
                         0);
        atrium_app_password_release(&q);
    }
    struct atrium_app_password q = {0};
    assert_int_equal(
        atrium_graph_app_add_password(f->s, f->h, f->ta, &f->admin_a, a.id, body, &q, secret, &e),
        ATRIUM_EINVAL);
    json_decref(body);
    /* removePassword. */
    AUTO_FREE char *rm = xasprintf("{\"keyId\":\"%s\"}", p.key_id);
    body = parse(rm);
    assert_int_equal(atrium_graph_app_remove_password(f->s, f->ta, &f->admin_a, a.id, body, &e), 0);
    assert_int_equal(atrium_graph_app_remove_password(f->s, f->ta, &f->admin_a, a.id, body, &e),
                     ATRIUM_ENOTFOUND);
    json_decref(body);
    atrium_app_password_release(&p);
    atrium_application_release(&a);
}

/* Grant the Graph app role User.Read.All to sp_id (as admin_a). */
static void grant_user_read_all(struct fx *f, const char *graph_sp_id, const char *sp_id,
                                struct atrium_app_role_assignment *ret)
{
    AUTO_FREE char *text =
        xasprintf("{\"principalId\":\"%s\",\"resourceId\":\"%s\",\"appRoleId\":\"%s\"}", sp_id,
                  graph_sp_id, USER_READ_ALL_ROLE);
    json_t *body = parse(text);
    struct atrium_errinfo e = {0};
    int r = atrium_graph_assignment_create(f->s, f->ta, &f->admin_a, graph_sp_id, body, ret, &e);
    if (r < 0)
        fail_msg("assignment failed: %d %s", r, e.message);
    json_decref(body);
}

static void test_assignments(void **state)
{
    struct fx *f = *state;
    struct atrium_application a = {0};
    struct atrium_service_principal gsp = {0}, sp = {0};
    struct atrium_app_role_assignment ra = {0}, dup = {0};
    struct atrium_errinfo e = {0};
    create_app(f, &f->admin_a, f->ta, "{\"displayName\":\"Reader\"}", &a);
    graph_sp(f, f->ta, &gsp);
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->ta, a.app_id, &sp), 0);
    grant_user_read_all(f, gsp.id, sp.id, &ra);
    assert_string_equal(ra.app_role_id, USER_READ_ALL_ROLE);
    /* Rendering names the principal type. */
    json_t *obj = NULL;
    assert_int_equal(atrium_graph_assignment_render(f->s, &ra, &obj, &e), 0);
    assert_string_equal(json_string_value(json_object_get(obj, "principalType")),
                        "ServicePrincipal");
    assert_string_equal(json_string_value(json_object_get(obj, "resourceDisplayName")),
                        "Microsoft Graph");
    json_decref(obj);
    /* Duplicate, wrong resource, unknown role, delegated scope id as role. */
    AUTO_FREE char *same =
        xasprintf("{\"principalId\":\"%s\",\"resourceId\":\"%s\",\"appRoleId\":\"%s\"}", sp.id,
                  gsp.id, USER_READ_ALL_ROLE);
    json_t *body = parse(same);
    assert_int_equal(
        atrium_graph_assignment_create(f->s, f->ta, &f->admin_a, gsp.id, body, &dup, &e),
        ATRIUM_ECONFLICT);
    assert_int_equal(
        atrium_graph_assignment_create(f->s, f->ta, &f->admin_a, sp.id, body, &dup, &e),
        ATRIUM_EINVAL);
    assert_string_equal(e.field, "resourceId");
    json_decref(body);
    AUTO_FREE char *scope_as_role =
        xasprintf("{\"principalId\":\"%s\",\"resourceId\":\"%s\",\"appRoleId\":"
                  "\"e1fe6dd8-ba31-4d61-89e7-88639da4683d\"}",
                  sp.id, gsp.id);
    body = parse(scope_as_role);
    assert_int_equal(
        atrium_graph_assignment_create(f->s, f->ta, &f->admin_a, gsp.id, body, &dup, &e),
        ATRIUM_EINVAL);
    assert_string_equal(e.field, "appRoleId");
    json_decref(body);
    /* Listing both directions. */
    struct atrium_app_role_assignment_list l = {0};
    assert_int_equal(atrium_graph_assignment_list(f->s, f->ta, &f->admin_a, sp.id, false, &l, &e),
                     0);
    assert_int_equal(l.count, 1);
    atrium_app_role_assignment_list_release(&l);
    /* A member user cannot grant. */
    body = parse(same);
    assert_int_equal(
        atrium_graph_assignment_create(f->s, f->ta, &f->member_a, gsp.id, body, &dup, &e),
        ATRIUM_EFORBIDDEN);
    json_decref(body);
    /* Revoke. */
    assert_int_equal(atrium_graph_assignment_delete(f->s, f->ta, &f->admin_a, gsp.id, ra.id, &e),
                     0);
    assert_int_equal(atrium_graph_assignment_delete(f->s, f->ta, &f->admin_a, gsp.id, ra.id, &e),
                     ATRIUM_ENOTFOUND);
    atrium_service_principal_release(&gsp);
    atrium_service_principal_release(&sp);
    atrium_application_release(&a);
}

static void test_grants(void **state)
{
    struct fx *f = *state;
    struct atrium_application a = {0};
    struct atrium_service_principal gsp = {0}, sp = {0};
    struct atrium_oauth2_grant g = {0}, g2 = {0};
    struct atrium_errinfo e = {0};
    create_app(f, &f->admin_a, f->ta, "{\"displayName\":\"Web\"}", &a);
    graph_sp(f, f->ta, &gsp);
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->ta, a.app_id, &sp), 0);
    AUTO_FREE char *text = xasprintf("{\"clientId\":\"%s\",\"consentType\":\"AllPrincipals\","
                                     "\"resourceId\":\"%s\",\"scope\":\"user.read  User.Read "
                                     "openid\"}",
                                     sp.id, gsp.id);
    json_t *body = parse(text);
    assert_int_equal(atrium_graph_grant_create(f->s, f->ta, &f->admin_a, body, &g, &e), 0);
    assert_string_equal(g.scope, "User.Read openid");
    assert_int_equal(atrium_graph_grant_create(f->s, f->ta, &f->admin_a, body, &g2, &e),
                     ATRIUM_ECONFLICT);
    json_decref(body);
    body = parse("{\"scope\":\"Files.Read\"}");
    assert_int_equal(atrium_graph_grant_update(f->s, f->ta, &f->admin_a, g.id, body, &e),
                     ATRIUM_EINVAL);
    json_decref(body);
    body = parse("{\"scope\":\"User.Read.All\"}");
    assert_int_equal(atrium_graph_grant_update(f->s, f->ta, &f->admin_a, g.id, body, &e), 0);
    json_decref(body);
    /* Principal consent needs a user of the tenant. */
    AUTO_FREE char *one = xasprintf("{\"clientId\":\"%s\",\"consentType\":\"Principal\","
                                    "\"principalId\":\"%s\",\"resourceId\":\"%s\",\"scope\":"
                                    "\"User.Read\"}",
                                    sp.id, f->user_a, gsp.id);
    body = parse(one);
    assert_int_equal(atrium_graph_grant_create(f->s, f->ta, &f->admin_a, body, &g2, &e), 0);
    atrium_oauth2_grant_release(&g2);
    json_decref(body);
    /* List with a filter. */
    struct atrium_odata_query q;
    atrium_odata_query_init(&q);
    AUTO_FREE char *flt = xasprintf("clientId eq '%s'", sp.id);
    assert_int_equal(atrium_odata_query_set(&q, &atrium_graph_grant_odata, "$filter", flt, &e), 0);
    struct atrium_oauth2_grant_list l = {0};
    char next[ATRIUM_UUID_LEN + 1];
    assert_int_equal(atrium_graph_grant_list(f->s, f->ta, &f->admin_a, &q, &l, next, &e), 0);
    assert_int_equal(l.count, 2);
    assert_string_equal(next, "");
    atrium_oauth2_grant_list_release(&l);
    atrium_odata_query_release(&q);
    struct atrium_oauth2_grant got = {0};
    assert_int_equal(atrium_graph_grant_get(f->s, f->ta, &f->admin_a, g.id, &got, &e), 0);
    assert_string_equal(got.scope, "User.Read.All");
    atrium_oauth2_grant_release(&got);
    assert_int_equal(atrium_graph_grant_delete(f->s, f->ta, &f->admin_a, g.id, &e), 0);
    assert_int_equal(atrium_graph_grant_get(f->s, f->ta, &f->admin_a, g.id, &got, &e),
                     ATRIUM_ENOTFOUND);
    atrium_oauth2_grant_release(&g);
    atrium_service_principal_release(&gsp);
    atrium_service_principal_release(&sp);
    atrium_application_release(&a);
}

static void test_delete_cascades(void **state)
{
    struct fx *f = *state;
    struct atrium_application a = {0}, gone = {0};
    struct atrium_service_principal gsp = {0}, sp = {0};
    struct atrium_app_role_assignment ra = {0};
    struct atrium_errinfo e = {0};
    char secret[ATRIUM_CLIENT_SECRET_LEN + 1];
    struct atrium_app_password p = {0};
    create_app(f, &f->admin_a, f->ta, "{\"displayName\":\"Doomed\"}", &a);
    json_t *body = parse("{}");
    assert_int_equal(
        atrium_graph_app_add_password(f->s, f->h, f->ta, &f->admin_a, a.id, body, &p, secret, &e),
        0);
    json_decref(body);
    graph_sp(f, f->ta, &gsp);
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->ta, a.app_id, &sp), 0);
    grant_user_read_all(f, gsp.id, sp.id, &ra);
    assert_int_equal(atrium_graph_app_delete(f->s, f->ta, &f->admin_a, a.id, &e), 0);
    assert_int_equal(atrium_graph_app_get(f->s, f->ta, &f->admin_a, a.id, &gone, &e),
                     ATRIUM_ENOTFOUND);
    struct atrium_service_principal none = {0};
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->ta, a.app_id, &none), ATRIUM_ENOTFOUND);
    struct atrium_app_role_assignment_list l = {0};
    assert_int_equal(atrium_graph_assignment_list(f->s, f->ta, &f->admin_a, gsp.id, true, &l, &e),
                     0);
    for (size_t i = 0; i < l.count; i++)
        assert_string_not_equal(l.items[i].id, ra.id);
    atrium_app_role_assignment_list_release(&l);
    struct atrium_app_password_list pw = {0};
    int r = f->s->oauth->app_password_list(f->s, f->ta, a.id, &pw);
    assert_true(r == ATRIUM_ENOTFOUND || (r == 0 && pw.count == 0));
    atrium_app_password_list_release(&pw);
    assert_int_equal(atrium_graph_app_delete(f->s, f->ta, &f->admin_a, a.id, &e), ATRIUM_ENOTFOUND);
    atrium_app_password_release(&p);
    atrium_service_principal_release(&gsp);
    atrium_service_principal_release(&sp);
    atrium_application_release(&a);
}

static void test_paging(void **state)
{
    struct fx *f = *state;
    char t[ATRIUM_UUID_LEN + 1];
    struct atrium_principal admin;
    new_tenant(f->s, t);
    delegated(&admin, t, ATRIUM_ROLE_GLOBAL_ADMIN);
    for (int i = 0; i < 5; i++) {
        struct atrium_application a = {0};
        AUTO_FREE char *text = xasprintf("{\"displayName\":\"%s%d\"}", i % 2 ? "odd" : "even", i);
        create_app(f, &admin, t, text, &a);
        atrium_application_release(&a);
    }
    struct atrium_odata_query q;
    struct atrium_errinfo e = {0};
    size_t seen = 0, pages = 0;
    atrium_odata_query_init(&q);
    q.top = 2;
    for (;;) {
        struct atrium_application_list l = {0};
        char next[ATRIUM_UUID_LEN + 1];
        assert_int_equal(atrium_graph_app_list(f->s, t, &admin, &q, &l, next, &e), 0);
        seen += l.count;
        pages++;
        atrium_application_list_release(&l);
        if (!next[0])
            break;
        memcpy(q.after_id, next, sizeof(next));
        assert_true(pages < 10);
    }
    assert_int_equal(seen, 5);
    assert_int_equal(pages, 3);
    /* Filtered scan: startswith(displayName,'odd') has two. */
    atrium_odata_query_release(&q);
    atrium_odata_query_init(&q);
    assert_int_equal(atrium_odata_query_set(&q, &atrium_graph_app_odata, "$filter",
                                            "startswith(displayName,'odd')", &e),
                     0);
    struct atrium_application_list l = {0};
    char next[ATRIUM_UUID_LEN + 1];
    assert_int_equal(atrium_graph_app_list(f->s, t, &admin, &q, &l, next, &e), 0);
    assert_int_equal(l.count, 2);
    assert_string_equal(next, "");
    atrium_application_list_release(&l);
    atrium_odata_query_release(&q);
    atrium_principal_release(&admin);
}

static void test_authorization(void **state)
{
    struct fx *f = *state;
    struct atrium_application a = {0};
    struct atrium_errinfo e = {0};
    json_t *body = parse("{\"displayName\":\"Nope\"}");
    assert_int_equal(atrium_graph_app_create(f->s, f->ta, &f->member_a, body, &a, &e),
                     ATRIUM_EFORBIDDEN);
    assert_int_equal(atrium_graph_app_create(f->s, f->ta, NULL, body, &a, &e), ATRIUM_EFORBIDDEN);
    /* A tenant A administrator naming tenant B. */
    assert_int_equal(atrium_graph_app_create(f->s, f->tb, &f->admin_a, body, &a, &e),
                     ATRIUM_EFORBIDDEN);
    json_decref(body);
    /* An application permission holder (app-only). */
    struct atrium_principal app = {.app_only = true};
    snprintf(app.tenant_id, sizeof(app.tenant_id), "%s", f->ta);
    app.roles[app.role_count++] = xstrdup("Application.ReadWrite.All");
    create_app(f, &app, f->ta, "{\"displayName\":\"By app\"}", &a);
    atrium_application_release(&a);
    atrium_principal_release(&app);
}

/* Every service call as tenant B (a Global Administrator there) on tenant A's objects. */
static void test_isolation(void **state)
{
    struct fx *f = *state;
    struct atrium_application a = {0}, out = {0};
    struct atrium_service_principal gsp = {0}, sp = {0}, sp_out = {0};
    struct atrium_oauth2_grant g = {0}, g_out = {0};
    struct atrium_app_role_assignment ra = {0}, ra_out = {0};
    struct atrium_app_password p = {0};
    struct atrium_errinfo e = {0};
    char secret[ATRIUM_CLIENT_SECRET_LEN + 1];
    const char *tb = f->tb;
    const struct atrium_principal *b = &f->admin_b;
    create_app(f, &f->admin_a, f->ta, "{\"displayName\":\"Secret project\"}", &a);
    json_t *empty = parse("{}");
    assert_int_equal(
        atrium_graph_app_add_password(f->s, f->h, f->ta, &f->admin_a, a.id, empty, &p, secret, &e),
        0);
    graph_sp(f, f->ta, &gsp);
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, f->ta, a.app_id, &sp), 0);
    grant_user_read_all(f, gsp.id, sp.id, &ra);
    AUTO_FREE char *gtext = xasprintf("{\"clientId\":\"%s\",\"consentType\":\"AllPrincipals\","
                                      "\"resourceId\":\"%s\",\"scope\":\"User.Read\"}",
                                      sp.id, gsp.id);
    json_t *gbody = parse(gtext);
    assert_int_equal(atrium_graph_grant_create(f->s, f->ta, &f->admin_a, gbody, &g, &e), 0);

    json_t *patch = parse("{\"displayName\":\"pwned\"}");
    AUTO_FREE char *rm = xasprintf("{\"keyId\":\"%s\"}", p.key_id);
    json_t *rm_body = parse(rm);
    assert_int_equal(atrium_graph_app_get(f->s, tb, b, a.id, &out, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_app_update(f->s, tb, b, a.id, patch, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_app_add_password(f->s, f->h, tb, b, a.id, empty, &p, secret, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_app_remove_password(f->s, tb, b, a.id, rm_body, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_app_delete(f->s, tb, b, a.id, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_sp_get(f->s, tb, b, sp.id, &sp_out, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_sp_delete(f->s, tb, b, sp.id, &e), ATRIUM_ENOTFOUND);
    struct atrium_app_role_assignment_list l = {0};
    assert_int_equal(atrium_graph_assignment_list(f->s, tb, b, sp.id, false, &l, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_assignment_list(f->s, tb, b, gsp.id, true, &l, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_assignment_delete(f->s, tb, b, gsp.id, ra.id, &e),
                     ATRIUM_ENOTFOUND);
    /* Tenant B's own Graph principal with A's client principal as the grantee. */
    struct atrium_service_principal gsp_b = {0};
    graph_sp(f, tb, &gsp_b);
    AUTO_FREE char *xa =
        xasprintf("{\"principalId\":\"%s\",\"resourceId\":\"%s\",\"appRoleId\":\"%s\"}", sp.id,
                  gsp_b.id, USER_READ_ALL_ROLE);
    json_t *xa_body = parse(xa);
    assert_int_equal(atrium_graph_assignment_create(f->s, tb, b, gsp_b.id, xa_body, &ra_out, &e),
                     ATRIUM_ENOTFOUND);
    AUTO_FREE char *xg = xasprintf("{\"clientId\":\"%s\",\"consentType\":\"AllPrincipals\","
                                   "\"resourceId\":\"%s\",\"scope\":\"User.Read\"}",
                                   sp.id, gsp_b.id);
    json_t *xg_body = parse(xg);
    assert_int_equal(atrium_graph_grant_create(f->s, tb, b, xg_body, &g_out, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_grant_create(f->s, tb, b, gbody, &g_out, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_grant_get(f->s, tb, b, g.id, &g_out, &e), ATRIUM_ENOTFOUND);
    json_t *scope = parse("{\"scope\":\"User.Read\"}");
    assert_int_equal(atrium_graph_grant_update(f->s, tb, b, g.id, scope, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_grant_delete(f->s, tb, b, g.id, &e), ATRIUM_ENOTFOUND);
    /* A's single-tenant appId cannot get a principal in B. */
    AUTO_FREE char *spc = xasprintf("{\"appId\":\"%s\"}", a.app_id);
    json_t *spc_body = parse(spc);
    assert_int_equal(atrium_graph_sp_create(f->s, tb, b, spc_body, &sp_out, &e), ATRIUM_ENOTFOUND);
    /* Lists in B never show A's objects. */
    struct atrium_odata_query q;
    atrium_odata_query_init(&q);
    struct atrium_application_list al = {0};
    char next[ATRIUM_UUID_LEN + 1];
    assert_int_equal(atrium_graph_app_list(f->s, tb, b, &q, &al, next, &e), 0);
    for (size_t i = 0; i < al.count; i++)
        assert_string_not_equal(al.items[i].id, a.id);
    atrium_application_list_release(&al);
    AUTO_FREE char *by_app_id = xasprintf("appId eq '%s'", a.app_id);
    assert_int_equal(atrium_odata_query_set(&q, &atrium_graph_app_odata, "$filter", by_app_id, &e),
                     0);
    assert_int_equal(atrium_graph_app_list(f->s, tb, b, &q, &al, next, &e), 0);
    assert_int_equal(al.count, 0);
    atrium_odata_query_release(&q);
    struct atrium_oauth2_grant_list gl = {0};
    atrium_odata_query_init(&q);
    assert_int_equal(atrium_graph_grant_list(f->s, tb, b, &q, &gl, next, &e), 0);
    assert_int_equal(gl.count, 0);
    atrium_oauth2_grant_list_release(&gl);
    atrium_odata_query_release(&q);
    /* A's objects are untouched. */
    assert_int_equal(atrium_graph_app_get(f->s, f->ta, &f->admin_a, a.id, &out, &e), 0);
    assert_string_equal(out.display_name, "Secret project");
    atrium_application_release(&out);
    json_decref(empty);
    json_decref(patch);
    json_decref(rm_body);
    json_decref(gbody);
    json_decref(xa_body);
    json_decref(xg_body);
    json_decref(scope);
    json_decref(spc_body);
    atrium_app_password_release(&p);
    atrium_oauth2_grant_release(&g);
    atrium_service_principal_release(&gsp);
    atrium_service_principal_release(&gsp_b);
    atrium_service_principal_release(&sp);
    atrium_application_release(&a);
}

static void test_multi_tenant_principal(void **state)
{
    struct fx *f = *state;
    struct atrium_application a = {0};
    struct atrium_service_principal sp = {0}, again = {0};
    struct atrium_errinfo e = {0};
    create_app(f, &f->admin_a, f->ta,
               "{\"displayName\":\"SaaS\",\"signInAudience\":\"AzureADMultipleOrgs\"}", &a);
    AUTO_FREE char *text = xasprintf("{\"appId\":\"%s\"}", a.app_id);
    json_t *body = parse(text);
    assert_int_equal(atrium_graph_sp_create(f->s, f->tb, &f->admin_b, body, &sp, &e), 0);
    assert_string_equal(sp.tenant_id, f->tb);
    assert_string_equal(sp.app_owner_tenant_id, f->ta);
    assert_int_equal(atrium_graph_sp_create(f->s, f->tb, &f->admin_b, body, &again, &e),
                     ATRIUM_ECONFLICT);
    /* Its home principal exists already in A. */
    assert_int_equal(atrium_graph_sp_create(f->s, f->ta, &f->admin_a, body, &again, &e),
                     ATRIUM_ECONFLICT);
    json_decref(body);
    /* Built-ins cannot be deleted. */
    struct atrium_service_principal gsp = {0};
    graph_sp(f, f->tb, &gsp);
    assert_int_equal(atrium_graph_sp_delete(f->s, f->tb, &f->admin_b, gsp.id, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_graph_sp_delete(f->s, f->tb, &f->admin_b, sp.id, &e), 0);
    atrium_service_principal_release(&gsp);
    atrium_service_principal_release(&sp);
    atrium_application_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_makes_service_principal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identifier_uris_unique_per_tenant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assignments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_cascades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_authorization, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multi_tenant_principal, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
