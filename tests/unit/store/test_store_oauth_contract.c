/* SPDX-License-Identifier: MIT */
/*
 * The store_oauth.h contract, part 1: applications, client secrets, service
 * principals, app role assignments, delegated grants, the cascades of the
 * deletes, tenant isolation of every one of those ops, and the built-in
 * service principals. Backend-agnostic (oauth_fixture.h); the sign-in
 * records are in test_store_token_contract.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>

#include "oauth_fixture.h"

static struct atrium_application app_template(void)
{
    struct atrium_application a = {.display_name = "Payroll",
                                   .sign_in_audience = ATRIUM_SIGN_IN_AUDIENCE_MY_ORG,
                                   .definition = "{\"web\":{\"redirectUris\":[]}}",
                                   .created = T0};
    atrium_uuid_v4(a.id);
    atrium_uuid_v4(a.app_id);
    return a;
}

static struct atrium_application new_app(struct atrium_store *s, const char *tenant_id)
{
    struct atrium_application a = app_template();
    assert_int_equal(s->oauth->app_insert(s, tenant_id, &a), 0);
    return a; /* borrowed strings: do not release */
}

static void new_sp(struct atrium_store *s, const char *tenant_id, const char *app_id,
                   char id[ATRIUM_UUID_LEN + 1])
{
    struct atrium_service_principal sp = {
        .display_name = "Payroll", .definition = "{}", .account_enabled = true, .created = T0};
    atrium_uuid_v4(sp.id);
    copy_id(sp.app_id, sizeof(sp.app_id), app_id);
    assert_int_equal(s->oauth->sp_insert(s, tenant_id, &sp), 0);
    memcpy(id, sp.id, sizeof(sp.id));
}

static struct atrium_app_password password_template(const char *app_object_id)
{
    struct atrium_app_password p = {
        .hint = "abc", .secret_hash = "hash-of-secret", .start = T0, .end = T0 + 86400};
    atrium_uuid_v4(p.key_id);
    copy_id(p.app_object_id, sizeof(p.app_object_id), app_object_id);
    return p;
}

static struct atrium_app_role_assignment ara_template(const char *principal, const char *resource)
{
    struct atrium_app_role_assignment a = {.created = T0};
    atrium_uuid_v4(a.id);
    atrium_uuid_v4(a.app_role_id);
    copy_id(a.principal_id, sizeof(a.principal_id), principal);
    copy_id(a.resource_id, sizeof(a.resource_id), resource);
    return a;
}

static struct atrium_oauth2_grant grant_template(const char *client, const char *resource,
                                                 const char *user)
{
    struct atrium_oauth2_grant g = {.consent_type = user ? ATRIUM_CONSENT_PRINCIPAL
                                                         : ATRIUM_CONSENT_ALL_PRINCIPALS,
                                    .scope = "User.Read openid",
                                    .created = T0};
    atrium_uuid_v4(g.id);
    copy_id(g.client_id, sizeof(g.client_id), client);
    copy_id(g.resource_id, sizeof(g.resource_id), resource);
    copy_id(g.principal_id, sizeof(g.principal_id), user ? user : "");
    return g;
}

static void test_app_crud(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], other[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_application got = {0};

    new_tenant(s, t);
    new_tenant(s, other);
    struct atrium_application a = new_app(s, t);
    assert_int_equal(s->oauth->app_get(s, t, a.id, &got), 0);
    assert_string_equal(got.id, a.id);
    assert_string_equal(got.tenant_id, t);
    assert_string_equal(got.app_id, a.app_id);
    assert_string_equal(got.display_name, "Payroll");
    assert_string_equal(got.sign_in_audience, ATRIUM_SIGN_IN_AUDIENCE_MY_ORG);
    assert_string_equal(got.definition, a.definition);
    assert_int_equal(got.created, T0);
    atrium_application_release(&got);
    atrium_application_release(&got); /* safe on a released (zeroed) struct */

    assert_int_equal(s->oauth->app_get_by_app_id(s, t, a.app_id, &got), 0);
    assert_string_equal(got.id, a.id);
    atrium_application_release(&got);
    assert_int_equal(s->oauth->app_find_global(s, a.app_id, &got), 0);
    assert_string_equal(got.tenant_id, t);
    atrium_application_release(&got);

    /* Uniqueness: the object id within the tenant, the appId across all tenants. */
    assert_int_equal(s->oauth->app_insert(s, t, &a), ATRIUM_ECONFLICT);
    struct atrium_application dup = app_template();
    memcpy(dup.app_id, a.app_id, sizeof(dup.app_id));
    assert_int_equal(s->oauth->app_insert(s, other, &dup), ATRIUM_ECONFLICT);
    assert_int_equal(s->oauth->app_find_global(s, a.app_id, &got), 0);
    assert_string_equal(got.tenant_id, t);
    atrium_application_release(&got);

    /* Update replaces the three editable columns. */
    struct atrium_application upd = a;
    upd.display_name = "Payroll v2";
    upd.sign_in_audience = ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG;
    upd.definition = "{\"spa\":{}}";
    assert_int_equal(s->oauth->app_update(s, t, &upd), 0);
    assert_int_equal(s->oauth->app_get(s, t, a.id, &got), 0);
    assert_string_equal(got.display_name, "Payroll v2");
    assert_string_equal(got.sign_in_audience, ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG);
    assert_string_equal(got.definition, "{\"spa\":{}}");
    assert_string_equal(got.app_id, a.app_id);
    atrium_application_release(&got);

    atrium_uuid_v4(missing);
    assert_int_equal(s->oauth->app_get(s, t, missing, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_get_by_app_id(s, t, missing, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_find_global(s, missing, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_delete(s, t, missing), ATRIUM_ENOTFOUND);
    upd.id[0] = upd.id[0] == 'a' ? 'b' : 'a';
    assert_int_equal(s->oauth->app_update(s, t, &upd), ATRIUM_ENOTFOUND);
    struct atrium_application orphan = app_template();
    assert_int_equal(s->oauth->app_insert(s, missing, &orphan), ATRIUM_ENOTFOUND);
    struct atrium_application noname = app_template();
    noname.display_name = NULL;
    assert_int_equal(s->oauth->app_insert(s, t, &noname), ATRIUM_EINVAL);
}

static void test_app_list_paging(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], last[ATRIUM_UUID_LEN + 1] = "";
    size_t seen = 0;

    new_tenant(s, t);
    for (int i = 0; i < 7; i++)
        new_app(s, t);
    for (;;) {
        struct atrium_application_list l = {0};
        assert_int_equal(s->oauth->app_list(s, t, seen ? last : NULL, 3, &l), 0);
        assert_true(l.count <= 3);
        for (size_t i = 0; i < l.count; i++) {
            assert_string_equal(l.items[i].tenant_id, t);
            assert_true(strcmp(l.items[i].id, last) > 0);
            copy_id(last, sizeof(last), l.items[i].id);
        }
        size_t n = l.count;
        seen += n;
        atrium_application_list_release(&l);
        if (n < 3)
            break;
    }
    assert_int_equal(seen, 7);
}

static void test_app_passwords(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_app_password_list l = {0};

    new_tenant(s, t);
    struct atrium_application a = new_app(s, t);
    assert_int_equal(s->oauth->app_password_list(s, t, a.id, &l), 0); /* none yet */
    assert_int_equal(l.count, 0);
    atrium_app_password_list_release(&l);

    struct atrium_app_password p1 = password_template(a.id);
    struct atrium_app_password p2 = password_template(a.id);
    p2.display_name = "CI";
    assert_int_equal(s->oauth->app_password_insert(s, t, &p1), 0);
    assert_int_equal(s->oauth->app_password_insert(s, t, &p2), 0);
    assert_int_equal(s->oauth->app_password_insert(s, t, &p1), ATRIUM_ECONFLICT);
    assert_int_equal(s->oauth->app_password_list(s, t, a.id, &l), 0);
    assert_int_equal(l.count, 2);
    assert_true(strcmp(l.items[0].key_id, l.items[1].key_id) < 0);
    for (size_t i = 0; i < l.count; i++) {
        struct atrium_app_password *p = &l.items[i];
        bool second = strcmp(p->key_id, p2.key_id) == 0;
        assert_true(second || strcmp(p->key_id, p1.key_id) == 0);
        assert_string_equal(p->app_object_id, a.id);
        assert_string_equal(p->hint, "abc");
        assert_string_equal(p->secret_hash, "hash-of-secret");
        assert_int_equal(p->start, T0);
        assert_int_equal(p->end, T0 + 86400);
        if (second)
            assert_string_equal(p->display_name, "CI");
        else
            assert_null(p->display_name);
    }
    atrium_app_password_list_release(&l);

    assert_int_equal(s->oauth->app_password_delete(s, t, a.id, p1.key_id), 0);
    assert_int_equal(s->oauth->app_password_delete(s, t, a.id, p1.key_id), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_password_list(s, t, a.id, &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].key_id, p2.key_id);
    atrium_app_password_list_release(&l);

    atrium_uuid_v4(missing);
    struct atrium_app_password orphan = password_template(missing);
    assert_int_equal(s->oauth->app_password_insert(s, t, &orphan), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_password_list(s, t, missing, &l), ATRIUM_ENOTFOUND);
}

static void test_sp_crud(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], other[ATRIUM_UUID_LEN + 1], id[ATRIUM_UUID_LEN + 1];
    char id2[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_service_principal got = {0};

    new_tenant(s, t);
    new_tenant(s, other);
    struct atrium_application a = new_app(s, t);
    new_sp(s, t, a.app_id, id);
    assert_int_equal(s->oauth->sp_get(s, t, id, &got), 0);
    assert_string_equal(got.id, id);
    assert_string_equal(got.tenant_id, t);
    assert_string_equal(got.app_id, a.app_id);
    assert_string_equal(got.app_owner_tenant_id, t); /* defaults to the tenant */
    assert_string_equal(got.display_name, "Payroll");
    assert_string_equal(got.definition, "{}");
    assert_true(got.account_enabled);
    assert_int_equal(got.created, T0);

    /* One principal per app and tenant; another tenant may have its own. */
    struct atrium_service_principal dup = got;
    atrium_uuid_v4(dup.id);
    assert_int_equal(s->oauth->sp_insert(s, t, &dup), ATRIUM_ECONFLICT);
    dup.tenant_id[0] = '\0';
    copy_id(dup.app_owner_tenant_id, sizeof(dup.app_owner_tenant_id), t);
    assert_int_equal(s->oauth->sp_insert(s, other, &dup), 0);
    atrium_service_principal_release(&got);
    assert_int_equal(s->oauth->sp_get_by_app_id(s, other, a.app_id, &got), 0);
    assert_string_equal(got.id, dup.id);
    assert_string_equal(got.app_owner_tenant_id, t);

    got.account_enabled = false;
    free(got.display_name);
    got.display_name = xstrdup("Payroll (disabled)");
    assert_int_equal(s->oauth->sp_update(s, other, &got), 0);
    atrium_service_principal_release(&got);
    assert_int_equal(s->oauth->sp_get(s, other, dup.id, &got), 0);
    assert_false(got.account_enabled);
    assert_string_equal(got.display_name, "Payroll (disabled)");
    atrium_service_principal_release(&got);

    /* The brief look-up: the same scalars, no heap members, the same errors. */
    assert_int_equal(s->oauth->sp_brief_by_app_id(s, other, a.app_id, &got), 0);
    assert_string_equal(got.id, dup.id);
    assert_string_equal(got.tenant_id, other);
    assert_string_equal(got.app_id, a.app_id);
    assert_string_equal(got.app_owner_tenant_id, t);
    assert_false(got.account_enabled);
    assert_int_equal(got.created, T0);
    assert_null(got.display_name);
    assert_null(got.definition);
    assert_int_equal(s->oauth->sp_brief_by_app_id(s, t, a.app_id, &got), 0);
    assert_string_equal(got.id, id);
    assert_true(got.account_enabled);
    atrium_uuid_v4(missing);
    assert_int_equal(s->oauth->sp_brief_by_app_id(s, t, missing, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->sp_brief_by_app_id(s, t, "", &got), ATRIUM_ENOTFOUND);

    new_sp(s, t, "11111111-2222-3333-4444-555555555555", id2);
    struct atrium_service_principal_list l = {0};
    assert_int_equal(s->oauth->sp_list(s, t, NULL, 100, &l), 0);
    assert_int_equal(l.count, 2);
    assert_true(strcmp(l.items[0].id, l.items[1].id) < 0);
    atrium_service_principal_list_release(&l);
    const char *low = strcmp(id, id2) < 0 ? id : id2, *high = low == id ? id2 : id;
    assert_int_equal(s->oauth->sp_list(s, t, low, 1, &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].id, high);
    atrium_service_principal_list_release(&l);

    assert_int_equal(s->oauth->sp_delete(s, t, id2), 0);
    assert_int_equal(s->oauth->sp_delete(s, t, id2), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->sp_get(s, t, id2, &got), ATRIUM_ENOTFOUND);
    atrium_uuid_v4(missing);
    assert_int_equal(s->oauth->sp_get_by_app_id(s, t, missing, &got), ATRIUM_ENOTFOUND);
    struct atrium_service_principal orphan = {.display_name = "x", .created = T0};
    atrium_uuid_v4(orphan.id);
    atrium_uuid_v4(orphan.app_id);
    assert_int_equal(s->oauth->sp_insert(s, missing, &orphan), ATRIUM_ENOTFOUND);
    orphan.id[0] = '\0';
    assert_int_equal(s->oauth->sp_insert(s, t, &orphan), ATRIUM_EINVAL);
}

static void test_app_role_assignments(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], res[ATRIUM_UUID_LEN + 1], client[ATRIUM_UUID_LEN + 1];
    char user[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_app_role_assignment_list l = {0};

    new_tenant(s, t);
    new_sp(s, t, ATRIUM_GRAPH_APP_ID, res);
    new_sp(s, t, new_app(s, t).app_id, client);
    new_user(s, t, user);
    struct atrium_app_role_assignment a1 = ara_template(client, res);
    struct atrium_app_role_assignment a2 = ara_template(client, res);
    struct atrium_app_role_assignment a3 = ara_template(user, res); /* a user holds an app role */
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &a1), 0);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &a2), 0);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &a3), 0);
    struct atrium_app_role_assignment again = a1;
    atrium_uuid_v4(again.id);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &again), ATRIUM_ECONFLICT);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &a1), ATRIUM_ECONFLICT);

    atrium_uuid_v4(missing);
    struct atrium_app_role_assignment nobody = ara_template(missing, res);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &nobody), ATRIUM_ENOTFOUND);
    struct atrium_app_role_assignment noresource = ara_template(client, missing);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &noresource), ATRIUM_ENOTFOUND);
    struct atrium_app_role_assignment user_resource = ara_template(client, user);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &user_resource),
                     ATRIUM_ENOTFOUND); /* a resource is a service principal */

    assert_int_equal(s->oauth->app_role_assignments_of_principal(s, t, client, &l), 0);
    assert_int_equal(l.count, 2);
    assert_true(strcmp(l.items[0].id, l.items[1].id) < 0);
    for (size_t i = 0; i < l.count; i++) {
        assert_string_equal(l.items[i].tenant_id, t);
        assert_string_equal(l.items[i].principal_id, client);
        assert_string_equal(l.items[i].resource_id, res);
        assert_int_equal(l.items[i].created, T0);
    }
    atrium_app_role_assignment_list_release(&l);
    assert_int_equal(s->oauth->app_role_assignments_of_resource(s, t, res, &l), 0);
    assert_int_equal(l.count, 3);
    atrium_app_role_assignment_list_release(&l);

    assert_int_equal(s->oauth->app_role_assignment_delete(s, t, a2.id), 0);
    assert_int_equal(s->oauth->app_role_assignment_delete(s, t, a2.id), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_role_assignments_of_principal(s, t, client, &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].id, a1.id);
    assert_string_equal(l.items[0].app_role_id, a1.app_role_id);
    atrium_app_role_assignment_list_release(&l);
    assert_int_equal(s->oauth->app_role_assignments_of_principal(s, t, missing, &l), 0);
    assert_int_equal(l.count, 0);
    atrium_app_role_assignment_list_release(&l);
}

static bool grant_listed(struct atrium_store *s, const char *t, const char *client, const char *id)
{
    struct atrium_oauth2_grant_list l = {0};
    bool found = false;
    assert_int_equal(s->oauth->grant_list(s, t, client, &l), 0);
    for (size_t i = 0; i < l.count; i++) {
        assert_string_equal(l.items[i].tenant_id, t);
        if (client)
            assert_string_equal(l.items[i].client_id, client);
        if (i > 0)
            assert_true(strcmp(l.items[i - 1].id, l.items[i].id) < 0);
        found = found || strcmp(l.items[i].id, id) == 0;
    }
    atrium_oauth2_grant_list_release(&l);
    return found;
}

static void test_grants(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], res[ATRIUM_UUID_LEN + 1], c1[ATRIUM_UUID_LEN + 1];
    char c2[ATRIUM_UUID_LEN + 1], user[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_oauth2_grant got = {0};

    new_tenant(s, t);
    new_sp(s, t, ATRIUM_GRAPH_APP_ID, res);
    new_sp(s, t, new_app(s, t).app_id, c1);
    new_sp(s, t, new_app(s, t).app_id, c2);
    new_user(s, t, user);
    struct atrium_oauth2_grant all = grant_template(c1, res, NULL);
    struct atrium_oauth2_grant mine = grant_template(c1, res, user);
    struct atrium_oauth2_grant other = grant_template(c2, res, NULL);
    assert_int_equal(s->oauth->grant_insert(s, t, &all), 0);
    assert_int_equal(s->oauth->grant_insert(s, t, &mine), 0);
    assert_int_equal(s->oauth->grant_insert(s, t, &other), 0);

    assert_int_equal(s->oauth->grant_get(s, t, mine.id, &got), 0);
    assert_string_equal(got.client_id, c1);
    assert_string_equal(got.resource_id, res);
    assert_string_equal(got.principal_id, user);
    assert_string_equal(got.consent_type, ATRIUM_CONSENT_PRINCIPAL);
    assert_string_equal(got.scope, "User.Read openid");
    assert_int_equal(got.created, T0);
    atrium_oauth2_grant_release(&got);
    assert_int_equal(s->oauth->grant_get(s, t, all.id, &got), 0);
    assert_string_equal(got.principal_id, "");
    assert_string_equal(got.consent_type, ATRIUM_CONSENT_ALL_PRINCIPALS);
    atrium_oauth2_grant_release(&got);

    /* One grant per (client, resource, principal or ""). */
    struct atrium_oauth2_grant dup = grant_template(c1, res, NULL);
    assert_int_equal(s->oauth->grant_insert(s, t, &dup), ATRIUM_ECONFLICT);
    dup = grant_template(c1, res, user);
    assert_int_equal(s->oauth->grant_insert(s, t, &dup), ATRIUM_ECONFLICT);
    /* The consent type and the principal must agree. */
    dup = grant_template(c2, res, user);
    dup.consent_type = ATRIUM_CONSENT_ALL_PRINCIPALS;
    assert_int_equal(s->oauth->grant_insert(s, t, &dup), ATRIUM_EINVAL);
    dup = grant_template(c2, res, NULL);
    dup.consent_type = ATRIUM_CONSENT_PRINCIPAL;
    assert_int_equal(s->oauth->grant_insert(s, t, &dup), ATRIUM_EINVAL);
    /* Every id it names must exist: user, client and resource principals. */
    atrium_uuid_v4(missing);
    dup = grant_template(c2, res, missing);
    assert_int_equal(s->oauth->grant_insert(s, t, &dup), ATRIUM_ENOTFOUND);
    dup = grant_template(missing, res, NULL);
    assert_int_equal(s->oauth->grant_insert(s, t, &dup), ATRIUM_ENOTFOUND);
    dup = grant_template(c2, user, NULL);
    assert_int_equal(s->oauth->grant_insert(s, t, &dup), ATRIUM_ENOTFOUND);

    assert_true(grant_listed(s, t, NULL, all.id));
    assert_true(grant_listed(s, t, NULL, other.id));
    assert_true(grant_listed(s, t, c1, mine.id));
    assert_false(grant_listed(s, t, c1, other.id));

    assert_int_equal(s->oauth->grant_update_scope(s, t, all.id, "User.Read.All"), 0);
    assert_int_equal(s->oauth->grant_get(s, t, all.id, &got), 0);
    assert_string_equal(got.scope, "User.Read.All");
    atrium_oauth2_grant_release(&got);
    assert_int_equal(s->oauth->grant_update_scope(s, t, missing, "x"), ATRIUM_ENOTFOUND);

    assert_int_equal(s->oauth->grant_delete(s, t, all.id), 0);
    assert_int_equal(s->oauth->grant_delete(s, t, all.id), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->grant_get(s, t, all.id, &got), ATRIUM_ENOTFOUND);
    assert_false(grant_listed(s, t, NULL, all.id));
}

/* What one service principal of a tenant is named by. */
struct sp_links {
    char user[ATRIUM_UUID_LEN + 1];
    char resource[ATRIUM_UUID_LEN + 1]; /* another principal */
    struct atrium_app_role_assignment as_principal, as_resource;
    struct atrium_oauth2_grant as_client, as_grant_resource;
};

/* Give sp an assignment and a grant on both sides. */
static void link_sp(struct atrium_store *s, const char *t, const char *sp, struct sp_links *k)
{
    new_user(s, t, k->user);
    new_sp(s, t, new_app(s, t).app_id, k->resource);
    k->as_principal = ara_template(sp, k->resource);
    k->as_resource = ara_template(k->user, sp);
    k->as_client = grant_template(sp, k->resource, NULL);
    k->as_grant_resource = grant_template(k->resource, sp, k->user);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &k->as_principal), 0);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, t, &k->as_resource), 0);
    assert_int_equal(s->oauth->grant_insert(s, t, &k->as_client), 0);
    assert_int_equal(s->oauth->grant_insert(s, t, &k->as_grant_resource), 0);
}

/* Whether the links of link_sp are all there (expect) or all gone. */
static void check_links(struct atrium_store *s, const char *t, const struct sp_links *k,
                        bool expect)
{
    struct atrium_oauth2_grant g = {0};
    struct atrium_app_role_assignment_list l = {0};
    int want = expect ? 0 : ATRIUM_ENOTFOUND;

    assert_int_equal(s->oauth->grant_get(s, t, k->as_client.id, &g), want);
    atrium_oauth2_grant_release(&g);
    assert_int_equal(s->oauth->grant_get(s, t, k->as_grant_resource.id, &g), want);
    atrium_oauth2_grant_release(&g);
    assert_int_equal(s->oauth->app_role_assignments_of_resource(s, t, k->resource, &l), 0);
    assert_int_equal(l.count, expect ? 1 : 0);
    atrium_app_role_assignment_list_release(&l);
    assert_int_equal(s->oauth->app_role_assignments_of_principal(s, t, k->user, &l), 0);
    assert_int_equal(l.count, expect ? 1 : 0);
    atrium_app_role_assignment_list_release(&l);
}

static void test_sp_delete_cascades(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], sp[ATRIUM_UUID_LEN + 1];
    struct sp_links k;

    new_tenant(s, t);
    new_sp(s, t, new_app(s, t).app_id, sp);
    link_sp(s, t, sp, &k);
    check_links(s, t, &k, true);
    assert_int_equal(s->oauth->sp_delete(s, t, sp), 0);
    check_links(s, t, &k, false);
}

/* An app with two secrets, its home principal (linked) and a principal in another tenant. */
struct app_fixture {
    char home[ATRIUM_UUID_LEN + 1], guest[ATRIUM_UUID_LEN + 1];
    struct atrium_application app;
    char home_sp[ATRIUM_UUID_LEN + 1], guest_sp[ATRIUM_UUID_LEN + 1];
    struct sp_links links;
};

static void app_fixture_new(struct atrium_store *s, struct app_fixture *f)
{
    new_tenant(s, f->home);
    new_tenant(s, f->guest);
    f->app = new_app(s, f->home);
    for (int i = 0; i < 2; i++) {
        struct atrium_app_password p = password_template(f->app.id);
        assert_int_equal(s->oauth->app_password_insert(s, f->home, &p), 0);
    }
    new_sp(s, f->home, f->app.app_id, f->home_sp);
    new_sp(s, f->guest, f->app.app_id, f->guest_sp);
    link_sp(s, f->home, f->home_sp, &f->links);
}

static void app_fixture_check(struct atrium_store *s, const struct app_fixture *f, bool expect)
{
    struct atrium_application a = {0};
    struct atrium_service_principal sp = {0};
    struct atrium_app_password_list l = {0};
    int want = expect ? 0 : ATRIUM_ENOTFOUND;

    assert_int_equal(s->oauth->app_get(s, f->home, f->app.id, &a), want);
    atrium_application_release(&a);
    assert_int_equal(s->oauth->app_password_list(s, f->home, f->app.id, &l), want);
    assert_int_equal(l.count, expect ? 2 : 0);
    atrium_app_password_list_release(&l);
    assert_int_equal(s->oauth->sp_get(s, f->home, f->home_sp, &sp), want);
    atrium_service_principal_release(&sp);
    check_links(s, f->home, &f->links, expect);
    /* The principal in another tenant is not the app's to delete. */
    assert_int_equal(s->oauth->sp_get(s, f->guest, f->guest_sp, &sp), 0);
    atrium_service_principal_release(&sp);
}

static void test_app_delete_cascades(void **state)
{
    struct atrium_store *s = *state;
    struct app_fixture f;

    app_fixture_new(s, &f);
    app_fixture_check(s, &f, true);
    assert_int_equal(s->oauth->app_delete(s, f.guest, f.app.id), ATRIUM_ENOTFOUND);
    app_fixture_check(s, &f, true);

    /* Inside a caller's transaction: rolled back with it, then committed with it. */
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(s->oauth->app_delete(s, f.home, f.app.id), 0);
    app_fixture_check(s, &f, false);
    assert_int_equal(atrium_store_rollback(s), 0);
    app_fixture_check(s, &f, true);
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(s->oauth->app_delete(s, f.home, "not-an-app"), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_delete(s, f.home, f.app.id), 0);
    assert_int_equal(atrium_store_commit(s), 0);
    app_fixture_check(s, &f, false);
    assert_int_equal(s->oauth->app_delete(s, f.home, f.app.id), ATRIUM_ENOTFOUND);

    /* On its own: one atomic unit. */
    app_fixture_new(s, &f);
    assert_int_equal(s->oauth->app_delete(s, f.home, f.app.id), 0);
    app_fixture_check(s, &f, false);
    /* An app without a service principal deletes too. */
    struct atrium_application bare = new_app(s, f.home);
    assert_int_equal(s->oauth->app_delete(s, f.home, bare.id), 0);
}

/* Reads and writes of tenant A's objects through tenant B: "not found", nothing changed. */
static void test_cross_tenant_directory(void **state)
{
    struct atrium_store *s = *state;
    struct app_fixture f;
    const char *a, *b;
    struct atrium_application app = {0};
    struct atrium_service_principal sp = {0};
    struct atrium_oauth2_grant g = {0};
    struct atrium_app_password_list pl = {0};
    struct atrium_app_role_assignment_list al = {0};

    app_fixture_new(s, &f);
    a = f.home;
    b = f.guest; /* has its own principal of the same app */
    const struct sp_links *k = &f.links;
    assert_int_equal(s->oauth->app_get(s, b, f.app.id, &app), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_get_by_app_id(s, b, f.app.app_id, &app), ATRIUM_ENOTFOUND);
    struct atrium_application upd = f.app;
    upd.display_name = "Evil";
    assert_int_equal(s->oauth->app_update(s, b, &upd), ATRIUM_ENOTFOUND);
    copy_id(upd.tenant_id, sizeof(upd.tenant_id), a);
    assert_int_equal(s->oauth->app_update(s, b, &upd), ATRIUM_EINVAL); /* struct names A */
    assert_int_equal(s->oauth->app_delete(s, b, f.app.id), ATRIUM_ENOTFOUND);
    struct atrium_app_password p = password_template(f.app.id);
    assert_int_equal(s->oauth->app_password_insert(s, b, &p), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_password_list(s, b, f.app.id, &pl), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_password_list(s, a, f.app.id, &pl), 0);
    assert_int_equal(s->oauth->app_password_delete(s, b, f.app.id, pl.items[0].key_id),
                     ATRIUM_ENOTFOUND);
    atrium_app_password_list_release(&pl);

    assert_int_equal(s->oauth->sp_get(s, b, f.home_sp, &sp), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->sp_get(s, a, f.guest_sp, &sp), ATRIUM_ENOTFOUND);
    struct atrium_service_principal spu = {.display_name = "Evil", .account_enabled = false};
    copy_id(spu.id, sizeof(spu.id), f.home_sp);
    assert_int_equal(s->oauth->sp_update(s, b, &spu), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->sp_delete(s, b, f.home_sp), ATRIUM_ENOTFOUND);
    struct atrium_service_principal_list sl = {0};
    assert_int_equal(s->oauth->sp_list(s, b, NULL, 100, &sl), 0);
    assert_int_equal(sl.count, 1);
    assert_string_equal(sl.items[0].id, f.guest_sp);
    atrium_service_principal_list_release(&sl);

    /* Assignments and grants: A's ids under B, or mixing the tenants. */
    struct atrium_app_role_assignment ra = ara_template(f.guest_sp, f.home_sp);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, b, &ra), ATRIUM_ENOTFOUND);
    ra = ara_template(f.home_sp, f.guest_sp);
    assert_int_equal(s->oauth->app_role_assignment_insert(s, b, &ra), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_role_assignment_delete(s, b, k->as_principal.id),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->app_role_assignments_of_principal(s, b, f.home_sp, &al), 0);
    assert_int_equal(al.count, 0);
    atrium_app_role_assignment_list_release(&al);
    assert_int_equal(s->oauth->app_role_assignments_of_resource(s, b, f.home_sp, &al), 0);
    assert_int_equal(al.count, 0);
    atrium_app_role_assignment_list_release(&al);
    struct atrium_oauth2_grant gr = grant_template(f.guest_sp, k->resource, NULL);
    assert_int_equal(s->oauth->grant_insert(s, b, &gr), ATRIUM_ENOTFOUND);
    gr = grant_template(f.home_sp, k->resource, NULL);
    assert_int_equal(s->oauth->grant_insert(s, b, &gr), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->grant_get(s, b, k->as_client.id, &g), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->grant_update_scope(s, b, k->as_client.id, "x"), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->grant_delete(s, b, k->as_client.id), ATRIUM_ENOTFOUND);
    assert_false(grant_listed(s, b, NULL, k->as_client.id));
    assert_false(grant_listed(s, b, f.home_sp, k->as_client.id));

    /* Nothing of A changed. */
    app_fixture_check(s, &f, true);
    assert_int_equal(s->oauth->grant_get(s, a, k->as_client.id, &g), 0);
    assert_string_equal(g.scope, "User.Read openid");
    atrium_oauth2_grant_release(&g);
    assert_int_equal(s->oauth->app_get(s, a, f.app.id, &app), 0);
    assert_string_equal(app.display_name, "Payroll");
    atrium_application_release(&app);
    assert_int_equal(s->oauth->sp_get(s, a, f.home_sp, &sp), 0);
    assert_true(sp.account_enabled);
    atrium_service_principal_release(&sp);
}

static size_t json_array_size_of(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    assert_true(json_is_array(v));
    return json_array_size(v);
}

static void check_graph_sp(struct atrium_store *s, const char *t)
{
    struct atrium_service_principal sp = {0};
    size_t roles = 0, scopes = 0;

    for (const struct atrium_builtin_permission *p = atrium_graph_permissions; p->id; p++) {
        if (p->kind == ATRIUM_PERMISSION_APPLICATION)
            roles++;
        else
            scopes++;
    }
    assert_int_equal(s->oauth->sp_get_by_app_id(s, t, ATRIUM_GRAPH_APP_ID, &sp), 0);
    assert_string_equal(sp.display_name, ATRIUM_GRAPH_DISPLAY_NAME);
    assert_true(sp.account_enabled);
    json_t *def = json_loads(sp.definition, 0, NULL);
    assert_non_null(def);
    assert_int_equal(json_array_size_of(def, "appRoles"), roles);
    assert_int_equal(json_array_size_of(def, "oauth2PermissionScopes"), scopes);
    assert_int_equal(json_array_size_of(def, "servicePrincipalNames"), 2);
    const json_t *role = json_array_get(json_object_get(def, "appRoles"), 0);
    assert_string_equal(json_string_value(json_object_get(role, "origin")), "Application");
    assert_true(json_is_true(json_object_get(role, "isEnabled")));
    const json_t *scope = json_array_get(json_object_get(def, "oauth2PermissionScopes"), 0);
    assert_string_equal(json_string_value(json_object_get(scope, "value")), "User.Read");
    assert_string_equal(json_string_value(json_object_get(scope, "type")), "User");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(def, "servicePrincipalNames"), 0)),
        ATRIUM_GRAPH_RESOURCE_URI);
    json_decref(def);
    atrium_service_principal_release(&sp);
    assert_int_equal(s->oauth->sp_get_by_app_id(s, t, ATRIUM_FIRST_PARTY_CLIENT_ID, &sp), 0);
    assert_string_equal(sp.display_name, ATRIUM_FIRST_PARTY_CLIENT_NAME);
    atrium_service_principal_release(&sp);
}

static void test_builtin_principals(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_service_principal_list l = {0};

    new_tenant(s, t);
    assert_int_equal(atrium_store_ensure_builtin_principals(s, t), 0);
    assert_int_equal(atrium_store_ensure_builtin_principals(s, t), 0);
    assert_int_equal(atrium_store_begin(s), 0); /* also inside a transaction */
    assert_int_equal(atrium_store_ensure_builtin_principals(s, t), 0);
    assert_int_equal(atrium_store_commit(s), 0);
    check_graph_sp(s, t);
    assert_int_equal(s->oauth->sp_list(s, t, NULL, 100, &l), 0);
    assert_int_equal(l.count, 2);
    atrium_service_principal_list_release(&l);
    atrium_uuid_v4(missing);
    assert_int_equal(atrium_store_ensure_builtin_principals(s, missing), ATRIUM_ENOTFOUND);
}

struct ensure_probe {
    struct atrium_store_pool *pool;
    pthread_barrier_t *barrier;
    const char *tenant_id;
    int result;
};

static void *ensure_thread(void *arg)
{
    struct ensure_probe *p = arg;
    struct atrium_store *s = atrium_store_pool_get(p->pool);
    pthread_barrier_wait(p->barrier);
    p->result = s ? atrium_store_ensure_builtin_principals(s, p->tenant_id) : ATRIUM_ESTORE;
    return NULL;
}

/* Eight sign-ups racing to create the same tenant's built-in principals: one set. */
static void test_builtin_principals_concurrent(void **state)
{
    enum { N = 8 };
    struct atrium_store *s = *state;
    struct atrium_store_pool *pool = NULL;
    pthread_barrier_t barrier;
    pthread_t th[N];
    struct ensure_probe probes[N];
    char t[ATRIUM_UUID_LEN + 1];
    struct atrium_service_principal_list l = {0};

    if (uri_is_private())
        skip();
    new_tenant(s, t);
    assert_int_equal(atrium_store_pool_new(g_uri, &pool, NULL), 0);
    pthread_barrier_init(&barrier, NULL, N);
    for (int i = 0; i < N; i++) {
        probes[i] = (struct ensure_probe){pool, &barrier, t, -100};
        assert_int_equal(pthread_create(&th[i], NULL, ensure_thread, &probes[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
    atrium_store_pool_free(pool);
    for (int i = 0; i < N; i++)
        assert_int_equal(probes[i].result, 0);
    assert_int_equal(s->oauth->sp_list(s, t, NULL, 100, &l), 0);
    assert_int_equal(l.count, 2);
    atrium_service_principal_list_release(&l);
    check_graph_sp(s, t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_app_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_list_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_passwords, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sp_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_role_assignments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sp_delete_cascades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_delete_cascades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_tenant_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_builtin_principals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_builtin_principals_concurrent, setup, teardown),
    };
    return run_passes(tests, sizeof(tests) / sizeof(tests[0]), "oauth");
}
