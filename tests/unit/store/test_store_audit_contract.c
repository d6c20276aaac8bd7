/* SPDX-License-Identifier: MIT */
/*
 * The store contract of the audit log (audit_insert/get/list) and of the
 * filtered sign-in log (signin_query): newest-first order with keyset
 * paging, every filter, and tenant isolation (another tenant's entry is
 * ENOTFOUND and never listed). Backend-agnostic (oauth_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "oauth_fixture.h"

/* An entry at time t in tenant, by user (or the CLI when user is NULL). Borrowed strings. */
static struct atrium_directory_audit entry(const char *tenant, int64_t t, const char *category,
                                           const char *activity, const char *user)
{
    struct atrium_directory_audit a = {.activity_time = t,
                                       .category = (char *)category,
                                       .activity = (char *)activity,
                                       .operation_type = "Add",
                                       .success = true,
                                       .correlation_id = "corr-1",
                                       .initiator =
                                           user ? ATRIUM_AUDIT_BY_USER : ATRIUM_AUDIT_BY_CLI,
                                       .initiator_name = "Someone",
                                       .targets = "[{\"id\":\"x\"}]",
                                       .details = "[]"};
    atrium_uuid_v4(a.id);
    copy_id(a.tenant_id, sizeof(a.tenant_id), tenant);
    if (user)
        copy_id(a.initiator_id, sizeof(a.initiator_id), user);
    return a;
}

static size_t list_count(struct atrium_store *s, const char *tenant,
                         const struct atrium_audit_filter *f)
{
    struct atrium_directory_audit_list l = {0};
    assert_int_equal(s->ops->audit_list(s, tenant, f, NULL, 100, &l), 0);
    size_t n = l.count;
    atrium_directory_audit_list_release(&l);
    return n;
}

static void test_audit_insert_get(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], other[ATRIUM_UUID_LEN + 1], user[ATRIUM_UUID_LEN + 1];
    new_tenant(s, t);
    new_tenant(s, other);
    atrium_uuid_v4(user);
    struct atrium_directory_audit a = entry(t, T0, "UserManagement", "Add user", user);
    a.initiator_upn = "ada@contoso.example";
    a.initiator_ip = "192.0.2.1";
    a.result_reason = "because";
    assert_int_equal(s->ops->audit_insert(s, &a), 0);
    assert_int_equal(s->ops->audit_insert(s, &a), ATRIUM_ECONFLICT);

    struct atrium_directory_audit got = {0};
    assert_int_equal(s->ops->audit_get(s, t, a.id, &got), 0);
    assert_string_equal(got.id, a.id);
    assert_string_equal(got.tenant_id, t);
    assert_int_equal(got.activity_time, T0);
    assert_string_equal(got.category, "UserManagement");
    assert_string_equal(got.activity, "Add user");
    assert_string_equal(got.operation_type, "Add");
    assert_true(got.success);
    assert_string_equal(got.result_reason, "because");
    assert_string_equal(got.correlation_id, "corr-1");
    assert_int_equal(got.initiator, ATRIUM_AUDIT_BY_USER);
    assert_string_equal(got.initiator_id, user);
    assert_string_equal(got.initiator_upn, "ada@contoso.example");
    assert_string_equal(got.initiator_name, "Someone");
    assert_string_equal(got.initiator_ip, "192.0.2.1");
    assert_string_equal(got.targets, "[{\"id\":\"x\"}]");
    assert_string_equal(got.details, "[]");
    atrium_directory_audit_release(&got);

    /* Isolation: another tenant sees nothing, and its id is not found. */
    assert_int_equal(s->ops->audit_get(s, other, a.id, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(list_count(s, other, NULL), 0);
    assert_int_equal(s->ops->audit_get(s, t, "", &got), ATRIUM_ENOTFOUND);

    /* Missing required members. */
    struct atrium_directory_audit bad = entry(t, T0, "UserManagement", "Add user", NULL);
    bad.category = NULL;
    assert_int_equal(s->ops->audit_insert(s, &bad), ATRIUM_EINVAL);
    bad = entry(t, T0, "UserManagement", "Add user", NULL);
    bad.initiator = 0;
    assert_int_equal(s->ops->audit_insert(s, &bad), ATRIUM_EINVAL);
    /* An unknown tenant: the entry has no parent. */
    char ghost[ATRIUM_UUID_LEN + 1];
    atrium_uuid_v4(ghost);
    bad = entry(ghost, T0, "UserManagement", "Add user", NULL);
    assert_int_equal(s->ops->audit_insert(s, &bad), ATRIUM_ENOTFOUND);
}

static void test_audit_order_and_paging(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1];
    new_tenant(s, t);
    /* Seven entries: times T0..T0+3, with ties at T0+1 and T0+2. */
    const int64_t times[] = {T0, T0 + 1, T0 + 1, T0 + 2, T0 + 2, T0 + 2, T0 + 3};
    for (size_t i = 0; i < 7; i++) {
        struct atrium_directory_audit a = entry(t, times[i], "C", "A", NULL);
        assert_int_equal(s->ops->audit_insert(s, &a), 0);
    }
    struct atrium_directory_audit_list all = {0};
    assert_int_equal(s->ops->audit_list(s, t, NULL, NULL, 100, &all), 0);
    assert_int_equal(all.count, 7);
    for (size_t i = 1; i < all.count; i++) {
        const struct atrium_directory_audit *p = &all.items[i - 1], *c = &all.items[i];
        assert_true(p->activity_time > c->activity_time ||
                    (p->activity_time == c->activity_time && strcmp(p->id, c->id) < 0));
    }
    /* Pages of 2 through the cursor give the same sequence, without gaps or repeats. */
    struct atrium_log_cursor cur = {0};
    size_t seen = 0;
    for (int page = 0; page < 10 && seen < 7; page++) {
        struct atrium_directory_audit_list l = {0};
        assert_int_equal(s->ops->audit_list(s, t, NULL, seen ? &cur : NULL, 2, &l), 0);
        assert_true(l.count > 0);
        for (size_t i = 0; i < l.count; i++)
            assert_string_equal(l.items[i].id, all.items[seen + i].id);
        seen += l.count;
        cur.time = l.items[l.count - 1].activity_time;
        copy_id(cur.id, sizeof(cur.id), l.items[l.count - 1].id);
        atrium_directory_audit_list_release(&l);
    }
    assert_int_equal(seen, 7);
    struct atrium_directory_audit_list end = {0};
    assert_int_equal(s->ops->audit_list(s, t, NULL, &cur, 2, &end), 0);
    assert_int_equal(end.count, 0);
    atrium_directory_audit_list_release(&end);
    atrium_directory_audit_list_release(&all);
}

static void test_audit_filters(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u1[ATRIUM_UUID_LEN + 1], u2[ATRIUM_UUID_LEN + 1];
    new_tenant(s, t);
    atrium_uuid_v4(u1);
    atrium_uuid_v4(u2);
    struct atrium_directory_audit a[] = {
        entry(t, T0, "UserManagement", "Add user", u1),
        entry(t, T0 + 10, "UserManagement", "Reset user password", u2),
        entry(t, T0 + 20, "ApplicationManagement", "Add application", u1),
        entry(t, T0 + 30, "ApplicationManagement", "Add application", NULL),
    };
    a[3].initiator = ATRIUM_AUDIT_BY_APP;
    copy_id(a[3].initiator_app_id, sizeof(a[3].initiator_app_id),
            "11111111-2222-3333-4444-555555555555");
    a[2].correlation_id = "corr-2";
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(s->ops->audit_insert(s, &a[i]), 0);

    struct atrium_audit_filter f = {.has_time_ge = true, .time_ge = T0 + 10};
    assert_int_equal(list_count(s, t, &f), 3);
    f = (struct atrium_audit_filter){.has_time_le = true, .time_le = T0 + 10};
    assert_int_equal(list_count(s, t, &f), 2);
    f = (struct atrium_audit_filter){
        .has_time_ge = true, .time_ge = T0 + 5, .has_time_le = true, .time_le = T0 + 25};
    assert_int_equal(list_count(s, t, &f), 2);
    f = (struct atrium_audit_filter){.category = "usermanagement"};
    assert_int_equal(list_count(s, t, &f), 2);
    f = (struct atrium_audit_filter){.activity = "ADD APPLICATION"};
    assert_int_equal(list_count(s, t, &f), 2);
    f = (struct atrium_audit_filter){.initiator_user_id = u1};
    assert_int_equal(list_count(s, t, &f), 2);
    f = (struct atrium_audit_filter){.initiator_user_id = u1, .category = "UserManagement"};
    assert_int_equal(list_count(s, t, &f), 1);
    f = (struct atrium_audit_filter){.initiator_app_id = "11111111-2222-3333-4444-555555555555"};
    assert_int_equal(list_count(s, t, &f), 1);
    f = (struct atrium_audit_filter){.correlation_id = "corr-2"};
    assert_int_equal(list_count(s, t, &f), 1);
    f = (struct atrium_audit_filter){.category = "Nothing"};
    assert_int_equal(list_count(s, t, &f), 0);

    /* Filter and cursor together: after the newest ApplicationManagement entry. */
    struct atrium_log_cursor cur = {.time = T0 + 30};
    copy_id(cur.id, sizeof(cur.id), a[3].id);
    f = (struct atrium_audit_filter){.activity = "Add application"};
    struct atrium_directory_audit_list l = {0};
    assert_int_equal(s->ops->audit_list(s, t, &f, &cur, 10, &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].id, a[2].id);
    atrium_directory_audit_list_release(&l);
}

static void signin(struct atrium_store *s, const char *tenant, int64_t t, const char *user,
                   const char *app, int code, const char *upn)
{
    struct atrium_signin_event ev = {.error_code = code,
                                     .created = t,
                                     .user_principal_name = (char *)upn,
                                     .grant = "password",
                                     .failure_reason =
                                         code ? "Invalid username or password." : NULL};
    atrium_uuid_v4(ev.id);
    copy_id(ev.tenant_id, sizeof(ev.tenant_id), tenant);
    copy_id(ev.user_id, sizeof(ev.user_id), user);
    copy_id(ev.app_id, sizeof(ev.app_id), app);
    assert_int_equal(s->oauth->signin_insert(s, &ev), 0);
}

static size_t signin_count(struct atrium_store *s, const char *tenant,
                           const struct atrium_signin_filter *f)
{
    struct atrium_signin_event_list l = {0};
    assert_int_equal(s->oauth->signin_query(s, tenant, f, NULL, 100, &l), 0);
    size_t n = l.count;
    atrium_signin_event_list_release(&l);
    return n;
}

static void test_signin_query(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], other[ATRIUM_UUID_LEN + 1];
    char u1[ATRIUM_UUID_LEN + 1], u2[ATRIUM_UUID_LEN + 1], app[ATRIUM_UUID_LEN + 1];
    new_tenant(s, t);
    new_tenant(s, other);
    atrium_uuid_v4(u1);
    atrium_uuid_v4(u2);
    atrium_uuid_v4(app);
    signin(s, t, T0, u1, app, 0, "Ada@Contoso.example");
    signin(s, t, T0 + 1, u1, app, 50126, "ada@contoso.example");
    signin(s, t, T0 + 2, u2, ATRIUM_FIRST_PARTY_CLIENT_ID, 0, "bob@contoso.example");
    signin(s, t, T0 + 3, "", app, 50126, "nobody@contoso.example");
    signin(s, other, T0, u1, app, 0, "ada@contoso.example");

    assert_int_equal(signin_count(s, t, NULL), 4);
    struct atrium_signin_filter f = {.user_id = u1};
    assert_int_equal(signin_count(s, t, &f), 2);
    f = (struct atrium_signin_filter){.app_id = app};
    assert_int_equal(signin_count(s, t, &f), 3);
    f = (struct atrium_signin_filter){.has_error_code = true, .error_code = 50126};
    assert_int_equal(signin_count(s, t, &f), 2);
    f = (struct atrium_signin_filter){.has_error_code = true, .error_code = 0, .user_id = u1};
    assert_int_equal(signin_count(s, t, &f), 1);
    f = (struct atrium_signin_filter){.user_principal_name = "ADA@contoso.EXAMPLE"};
    assert_int_equal(signin_count(s, t, &f), 2);
    f = (struct atrium_signin_filter){
        .has_time_ge = true, .time_ge = T0 + 1, .has_time_le = true, .time_le = T0 + 2};
    assert_int_equal(signin_count(s, t, &f), 2);

    /* Newest first, then paging with the cursor. */
    struct atrium_signin_event_list l = {0};
    assert_int_equal(s->oauth->signin_query(s, t, NULL, NULL, 3, &l), 0);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.items[0].created, T0 + 3);
    assert_int_equal(l.items[2].created, T0 + 1);
    struct atrium_log_cursor cur = {.time = l.items[2].created};
    copy_id(cur.id, sizeof(cur.id), l.items[2].id);
    atrium_signin_event_list_release(&l);
    assert_int_equal(s->oauth->signin_query(s, t, NULL, &cur, 3, &l), 0);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.items[0].created, T0);
    assert_string_equal(l.items[0].tenant_id, t);
    atrium_signin_event_list_release(&l);

    /* Isolation: the other tenant has its one event only. */
    assert_int_equal(signin_count(s, other, NULL), 1);
    f = (struct atrium_signin_filter){.user_id = u2};
    assert_int_equal(signin_count(s, other, &f), 0);
    assert_int_equal(s->oauth->signin_query(s, "", NULL, NULL, 3, &l), ATRIUM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_audit_insert_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_order_and_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signin_query, setup, teardown),
    };
    return run_passes(tests, sizeof(tests) / sizeof(tests[0]), "audit");
}
