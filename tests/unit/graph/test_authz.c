/* SPDX-License-Identifier: MIT */
/*
 * The authorization matrix of the application management API: every caller
 * kind (app-only with each permission, delegated with each scope x each
 * directory role) against each rule, plus the fail-closed cases (NULL
 * principal or rule, another tenant, delegated without a user).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "graph/authz.h"
#include "model/directory_role.h"
#include "model/principal.h"

#define TENANT "11111111-1111-4111-8111-111111111111"
#define OTHER_TENANT "22222222-2222-4222-8222-222222222222"
#define USER "33333333-3333-4333-8333-333333333333"

#define GA ATRIUM_ROLE_GLOBAL_ADMIN
#define APP_ADMIN "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
#define CLOUD_APP_ADMIN "158c047a-c907-4556-b7ef-446551a6b5f7"
#define PRIV_ROLE_ADMIN "e8611ab8-c189-46e8-94e1-60213ab1f814"
#define USER_ADMIN ATRIUM_ROLE_USER_ADMIN
#define GLOBAL_READER "f2ef992c-3afb-46b9-b7cf-a126ee74c451"

static struct atrium_principal app_only(const char *role)
{
    struct atrium_principal p = {.app_only = true};
    snprintf(p.tenant_id, sizeof(p.tenant_id), "%s", TENANT);
    if (role)
        p.roles[p.role_count++] = xstrdup(role);
    return p;
}

static struct atrium_principal delegated(const char *scope, const char *wid)
{
    struct atrium_principal p = {.app_only = false};
    snprintf(p.tenant_id, sizeof(p.tenant_id), "%s", TENANT);
    snprintf(p.user_id, sizeof(p.user_id), "%s", USER);
    if (scope)
        p.scopes[p.scope_count++] = xstrdup(scope);
    if (wid)
        p.wids[p.wid_count++] = xstrdup(wid);
    return p;
}

/* One row: permission held, and whether read / write / consent allow it. */
struct app_row {
    const char *role;
    bool read, write, consent;
};

static void test_app_only_matrix(void **state)
{
    static const struct app_row rows[] = {
        {NULL, false, false, false},
        {"User.Read.All", false, false, false},
        {"Application.Read.All", true, false, false},
        {"Directory.Read.All", true, false, false},
        {"Directory.ReadWrite.All", true, false, false},
        {"Application.ReadWrite.All", true, true, true},
        {"application.readwrite.all", true, true, true}, /* case-insensitive */
        {"AppRoleAssignment.ReadWrite.All", false, false, true},
        {"DelegatedPermissionGrant.ReadWrite.All", false, false, false},
        {"RoleManagement.ReadWrite.Directory", false, false, false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct atrium_principal p = app_only(rows[i].role);
        const char *what = rows[i].role ? rows[i].role : "(none)";
        if (atrium_authz_allows(&p, &atrium_authz_apps_read) != rows[i].read ||
            atrium_authz_allows(&p, &atrium_authz_apps_write) != rows[i].write ||
            atrium_authz_allows(&p, &atrium_authz_consent_write) != rows[i].consent)
            fail_msg("app-only %s: unexpected decision", what);
        atrium_principal_release(&p);
    }
}

/* Delegated scope rows; the roles are crossed with each. */
struct scope_row {
    const char *scope;
    bool read, write_scope, consent_scope;
};

struct role_row {
    const char *wid;
    bool write_role, consent_role;
};

static void test_delegated_matrix(void **state)
{
    static const struct scope_row scopes[] = {
        {NULL, false, false, false},
        {"User.Read", false, false, false},
        {"Application.Read.All", true, false, false},
        {"Directory.Read.All", true, false, false},
        {"Application.ReadWrite.All", true, true, true},
        {"Directory.ReadWrite.All", true, true, true},
        {"AppRoleAssignment.ReadWrite.All", false, false, true},
        {"DelegatedPermissionGrant.ReadWrite.All", false, false, true},
    };
    static const struct role_row roles[] = {
        {NULL, false, false},           {GA, true, true},
        {APP_ADMIN, true, false},       {CLOUD_APP_ADMIN, true, false},
        {PRIV_ROLE_ADMIN, false, true}, {USER_ADMIN, false, false},
        {GLOBAL_READER, false, false},
    };
    for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
        for (size_t j = 0; j < sizeof(roles) / sizeof(roles[0]); j++) {
            struct atrium_principal p = delegated(scopes[i].scope, roles[j].wid);
            bool read = scopes[i].read; /* any member may read with a read scope */
            bool write = scopes[i].write_scope && roles[j].write_role;
            bool consent = scopes[i].consent_scope && roles[j].consent_role;
            if (atrium_authz_allows(&p, &atrium_authz_apps_read) != read ||
                atrium_authz_allows(&p, &atrium_authz_apps_write) != write ||
                atrium_authz_allows(&p, &atrium_authz_consent_write) != consent)
                fail_msg("delegated scope %s role %s: unexpected decision",
                         scopes[i].scope ? scopes[i].scope : "(none)",
                         roles[j].wid ? roles[j].wid : "(none)");
            atrium_principal_release(&p);
        }
    }
}

/* A role without a scope, or roles claimed by an app-only token, grant nothing. */
static void test_roles_alone_grant_nothing(void **state)
{
    struct atrium_principal p = delegated(NULL, GA);
    assert_false(atrium_authz_allows(&p, &atrium_authz_apps_write));
    assert_false(atrium_authz_allows(&p, &atrium_authz_apps_read));
    atrium_principal_release(&p);

    struct atrium_principal a = app_only(NULL);
    a.wids[a.wid_count++] = xstrdup(GA);
    a.scopes[a.scope_count++] = xstrdup("Application.ReadWrite.All"); /* scp ignored app-only */
    assert_false(atrium_authz_allows(&a, &atrium_authz_apps_write));
    atrium_principal_release(&a);
}

static void test_fail_closed(void **state)
{
    struct atrium_errinfo e = {0};
    struct atrium_principal p = delegated("Application.ReadWrite.All", GA);
    assert_false(atrium_authz_allows(NULL, &atrium_authz_apps_read));
    assert_false(atrium_authz_allows(&p, NULL));
    assert_int_equal(atrium_authz_require(&p, TENANT, &atrium_authz_apps_write, &e), 0);
    /* Another tenant's caller, even a Global Administrator there. */
    assert_int_equal(atrium_authz_require(&p, OTHER_TENANT, &atrium_authz_apps_write, &e),
                     ATRIUM_EFORBIDDEN);
    assert_string_equal(e.message, "Insufficient privileges to complete the operation.");
    assert_int_equal(atrium_authz_require(NULL, TENANT, &atrium_authz_apps_read, &e),
                     ATRIUM_EFORBIDDEN);
    assert_int_equal(atrium_authz_require(&p, NULL, &atrium_authz_apps_read, &e),
                     ATRIUM_EFORBIDDEN);
    /* Delegated without a user id, or without a tenant. */
    p.user_id[0] = '\0';
    assert_false(atrium_authz_allows(&p, &atrium_authz_apps_read));
    atrium_principal_release(&p);
    struct atrium_principal q = app_only("Application.ReadWrite.All");
    q.tenant_id[0] = '\0';
    assert_false(atrium_authz_allows(&q, &atrium_authz_apps_read));
    atrium_principal_release(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_app_only_matrix),
        cmocka_unit_test(test_delegated_matrix),
        cmocka_unit_test(test_roles_alone_grant_nothing),
        cmocka_unit_test(test_fail_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
