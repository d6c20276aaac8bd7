/* SPDX-License-Identifier: MIT */
/* The caller's permission checks (model/principal.h) and the OAuth model's release functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/xalloc.h"
#include "model/application.h"
#include "model/directory_role.h"
#include "model/oauth_records.h"
#include "model/principal.h"

static void test_delegated(void **state)
{
    struct atrium_principal p = {.app_only = false};
    p.scopes[p.scope_count++] = xstrdup("User.Read");
    p.scopes[p.scope_count++] = xstrdup("Directory.ReadWrite.All");
    p.roles[p.role_count++] = xstrdup("User.ReadWrite.All"); /* ignored when delegated */
    p.wids[p.wid_count++] = xstrdup(ATRIUM_ROLE_USER_ADMIN);

    assert_true(atrium_principal_has_permission(&p, "user.read"));
    assert_true(atrium_principal_has_permission(&p, "DIRECTORY.READWRITE.ALL"));
    assert_false(atrium_principal_has_permission(&p, "User.ReadWrite.All"));
    assert_false(atrium_principal_has_permission(&p, "User.Read.All"));
    assert_false(atrium_principal_has_permission(&p, ""));
    assert_false(atrium_principal_has_permission(&p, NULL));
    assert_true(atrium_principal_has_role(&p, "FE930BE7-5E62-47DB-91AF-98C3A49A38B1"));
    assert_false(atrium_principal_has_role(&p, ATRIUM_ROLE_GLOBAL_ADMIN));
    atrium_principal_release(&p);
    assert_int_equal(p.scope_count, 0);
    assert_null(p.scopes[0]);
    atrium_principal_release(&p); /* safe twice */
}

static void test_app_only(void **state)
{
    struct atrium_principal p = {.app_only = true};
    p.roles[p.role_count++] = xstrdup("User.Read.All");
    p.scopes[p.scope_count++] = xstrdup("Group.Read.All"); /* ignored when app-only */
    p.wids[p.wid_count++] = xstrdup(ATRIUM_ROLE_GLOBAL_ADMIN);

    assert_true(atrium_principal_has_permission(&p, "User.Read.All"));
    assert_false(atrium_principal_has_permission(&p, "Group.Read.All"));
    assert_false(atrium_principal_has_role(&p, ATRIUM_ROLE_GLOBAL_ADMIN));
    assert_false(atrium_principal_has_permission(NULL, "User.Read.All"));
    atrium_principal_release(&p);
}

static void test_release_zeroed(void **state)
{
    struct atrium_application a = {0};
    struct atrium_app_password pw = {0};
    struct atrium_service_principal sp = {0};
    struct atrium_oauth2_grant g = {0};
    struct atrium_auth_code c = {0};
    struct atrium_refresh_token t = {0};
    struct atrium_device_code d = {0};
    struct atrium_signing_key_record k = {0};
    struct atrium_signin_event ev = {0};

    atrium_application_release(&a);
    atrium_app_password_release(&pw);
    atrium_service_principal_release(&sp);
    atrium_oauth2_grant_release(&g);
    atrium_auth_code_release(&c);
    atrium_refresh_token_release(&t);
    atrium_device_code_release(&d);
    atrium_signing_key_record_release(&k);
    atrium_signin_event_release(&ev);
    atrium_application_release(NULL);

    c.scope = xstrdup("openid");
    c.nonce = xstrdup("n");
    memcpy(c.tenant_id, "t", 2);
    atrium_auth_code_release(&c);
    assert_null(c.scope);
    assert_string_equal(c.tenant_id, "");
    ev.grant = xstrdup("password");
    ev.failure_reason = xstrdup("bad");
    atrium_signin_event_release(&ev);
    assert_null(ev.grant);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delegated),
        cmocka_unit_test(test_app_only),
        cmocka_unit_test(test_release_zeroed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
