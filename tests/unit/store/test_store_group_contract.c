/* SPDX-License-Identifier: MIT */
/*
 * Contract suite of the group and role management operations of store.h
 * (group_list, group_update, group_delete, group_member_remove,
 * group_member_page, group_memberships_of, owners, directory_object_unlink,
 * role assignment get/delete/list, directory roles) and of the bounded
 * transitive walks of store_groups.h: written against the ops table only,
 * run on the configured store and on "sqlite::memory:" (oauth_fixture.h).
 * Every case also checks that another tenant sees nothing and changes
 * nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "oauth_fixture.h"
#include "store/store_groups.h"

#define ROLE_HELPDESK ATRIUM_ROLE_HELPDESK_ADMIN

static void add_group(struct atrium_store *s, const char *tenant_id, const char *name,
                      bool security, char id[ATRIUM_UUID_LEN + 1])
{
    struct atrium_group g = {.display_name = (char *)name,
                             .mail_nickname = "nick",
                             .security_enabled = security,
                             .created = T0};
    atrium_uuid_v4(g.id);
    assert_int_equal(s->ops->group_insert(s, tenant_id, &g), 0);
    memcpy(id, g.id, sizeof(g.id));
}

static void assign(struct atrium_store *s, const char *tenant_id, const char *role,
                   const char *principal, char id[ATRIUM_UUID_LEN + 1])
{
    struct atrium_role_assignment a = {.created = T0};
    atrium_uuid_v4(a.id);
    copy_id(a.role_template_id, sizeof(a.role_template_id), role);
    copy_id(a.principal_id, sizeof(a.principal_id), principal);
    assert_int_equal(s->ops->role_assign(s, tenant_id, &a), 0);
    if (id)
        memcpy(id, a.id, sizeof(a.id));
}

static size_t member_count(struct atrium_store *s, const char *tenant_id, const char *group_id)
{
    struct atrium_member_ref_list l = {0};
    assert_int_equal(s->ops->group_member_page(s, tenant_id, group_id, NULL, 1000, &l), 0);
    size_t n = l.count;
    atrium_member_ref_list_release(&l);
    return n;
}

static void test_group_list(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], g[4][ATRIUM_UUID_LEN + 1];
    struct atrium_group_list l = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    add_group(s, a, "Sales Europe", true, g[0]);
    add_group(s, a, "sales", true, g[1]);
    add_group(s, a, "Marketing", true, g[2]);
    add_group(s, b, "Sales", true, g[3]);

    assert_int_equal(s->ops->group_list(s, a, NULL, 10, ATRIUM_NAME_ANY, NULL, &l), 0);
    assert_int_equal(l.count, 3);
    assert_true(strcmp(l.items[0].id, l.items[1].id) < 0 &&
                strcmp(l.items[1].id, l.items[2].id) < 0);
    char after[ATRIUM_UUID_LEN + 1];
    copy_id(after, sizeof(after), l.items[0].id);
    atrium_group_list_release(&l);
    assert_int_equal(s->ops->group_list(s, a, after, 10, ATRIUM_NAME_ANY, NULL, &l), 0);
    assert_int_equal(l.count, 2); /* keyset: strictly after */
    atrium_group_list_release(&l);

    assert_int_equal(s->ops->group_list(s, a, "", 10, ATRIUM_NAME_EQ, "SALES", &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].id, g[1]);
    atrium_group_list_release(&l);
    assert_int_equal(s->ops->group_list(s, a, "", 10, ATRIUM_NAME_PREFIX, "sAlEs", &l), 0);
    assert_int_equal(l.count, 2);
    atrium_group_list_release(&l);
    assert_int_equal(s->ops->group_list(s, a, "", 1, ATRIUM_NAME_PREFIX, "sales", &l), 0);
    assert_int_equal(l.count, 1);
    atrium_group_list_release(&l);

    /* Tenant B sees only its own. */
    assert_int_equal(s->ops->group_list(s, b, "", 10, ATRIUM_NAME_PREFIX, "Sales", &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].id, g[3]);
    atrium_group_list_release(&l);
}

static void test_group_update(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], g[ATRIUM_UUID_LEN + 1];
    struct atrium_group got = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    add_group(s, a, "Before", true, g);

    struct atrium_group upd = {.display_name = "After",
                               .description = "text",
                               .mail_nickname = "after",
                               .security_enabled = false};
    copy_id(upd.id, sizeof(upd.id), g);
    assert_int_equal(s->ops->group_update(s, b, &upd), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_get(s, a, g, &got), 0);
    assert_string_equal(got.display_name, "Before");
    atrium_group_release(&got);

    assert_int_equal(s->ops->group_update(s, a, &upd), 0);
    assert_int_equal(s->ops->group_get(s, a, g, &got), 0);
    assert_string_equal(got.display_name, "After");
    assert_string_equal(got.description, "text");
    assert_string_equal(got.mail_nickname, "after");
    assert_false(got.security_enabled);
    assert_int_equal(got.created, T0);
    atrium_group_release(&got);

    char missing[ATRIUM_UUID_LEN + 1];
    atrium_uuid_v4(missing);
    copy_id(upd.id, sizeof(upd.id), missing);
    assert_int_equal(s->ops->group_update(s, a, &upd), ATRIUM_ENOTFOUND);
}

static void test_member_page_and_remove(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], g[ATRIUM_UUID_LEN + 1];
    char inner[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1], ub[ATRIUM_UUID_LEN + 1];
    struct atrium_member_ref_list l = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    add_group(s, a, "Outer", true, g);
    add_group(s, a, "Inner", true, inner);
    new_user(s, a, u);
    new_user(s, b, ub);
    assert_int_equal(s->ops->group_member_add(s, a, g, u), 0);
    assert_int_equal(s->ops->group_member_add(s, a, g, inner), 0);

    assert_int_equal(s->ops->group_member_page(s, a, g, NULL, 10, &l), 0);
    assert_int_equal(l.count, 2);
    for (size_t i = 0; i < l.count; i++)
        assert_int_equal(l.items[i].kind,
                         strcmp(l.items[i].id, u) == 0 ? ATRIUM_MEMBER_USER : ATRIUM_MEMBER_GROUP);
    char first[ATRIUM_UUID_LEN + 1];
    copy_id(first, sizeof(first), l.items[0].id);
    atrium_member_ref_list_release(&l);
    assert_int_equal(s->ops->group_member_page(s, a, g, first, 10, &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_not_equal(l.items[0].id, first);
    atrium_member_ref_list_release(&l);

    /* Another tenant: the group is not there, nothing is removed. */
    assert_int_equal(s->ops->group_member_page(s, b, g, NULL, 10, &l), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_member_remove(s, b, g, u), ATRIUM_ENOTFOUND);
    assert_int_equal(member_count(s, a, g), 2);

    assert_int_equal(s->ops->group_member_remove(s, a, g, u), 0);
    assert_int_equal(s->ops->group_member_remove(s, a, g, u), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_member_remove(s, a, g, ub), ATRIUM_ENOTFOUND);
    assert_int_equal(member_count(s, a, g), 1);
}

static void test_memberships_of(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1];
    char g[3][ATRIUM_UUID_LEN + 1];
    struct atrium_group_list l = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    new_user(s, a, u);
    for (int i = 0; i < 3; i++) {
        add_group(s, a, "G", i != 1, g[i]);
        assert_int_equal(s->ops->group_member_add(s, a, g[i], u), 0);
    }
    assert_int_equal(s->ops->group_memberships_of(s, a, u, NULL, 10, &l), 0);
    assert_int_equal(l.count, 3);
    assert_true(strcmp(l.items[0].id, l.items[1].id) < 0 &&
                strcmp(l.items[1].id, l.items[2].id) < 0);
    char after[ATRIUM_UUID_LEN + 1];
    copy_id(after, sizeof(after), l.items[1].id);
    atrium_group_list_release(&l);
    assert_int_equal(s->ops->group_memberships_of(s, a, u, after, 10, &l), 0);
    assert_int_equal(l.count, 1);
    atrium_group_list_release(&l);

    assert_int_equal(s->ops->group_memberships_of(s, b, u, NULL, 10, &l), 0);
    assert_int_equal(l.count, 0); /* another tenant: nothing */
    atrium_group_list_release(&l);
    assert_int_equal(s->ops->group_memberships_of(s, a, "", NULL, 10, &l), 0);
    assert_int_equal(l.count, 0);
    atrium_group_list_release(&l);
}

static void test_owners(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], g[ATRIUM_UUID_LEN + 1];
    char other[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1], ub[ATRIUM_UUID_LEN + 1];
    struct atrium_member_ref_list l = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    add_group(s, a, "Owned", true, g);
    add_group(s, a, "Other", true, other);
    new_user(s, a, u);
    new_user(s, b, ub);

    assert_int_equal(s->ops->group_owner_add(s, a, g, u), 0);
    assert_int_equal(s->ops->group_owner_add(s, a, g, u), ATRIUM_ECONFLICT);
    assert_int_equal(s->ops->group_owner_add(s, a, g, other), ATRIUM_ENOTFOUND); /* users only */
    assert_int_equal(s->ops->group_owner_add(s, a, g, ub), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_owner_add(s, b, g, ub), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_owner_page(s, a, g, NULL, 10, &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].id, u);
    assert_int_equal(l.items[0].kind, ATRIUM_MEMBER_USER);
    atrium_member_ref_list_release(&l);
    assert_int_equal(s->ops->group_owner_page(s, b, g, NULL, 10, &l), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_owner_remove(s, b, g, u), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_owner_remove(s, a, g, u), 0);
    assert_int_equal(s->ops->group_owner_remove(s, a, g, u), ATRIUM_ENOTFOUND);
}

static void test_group_delete(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], parent[ATRIUM_UUID_LEN + 1];
    char g[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1];
    struct atrium_group got = {0};
    struct atrium_role_assignment_list roles = {0};
    struct atrium_group_list l = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    add_group(s, a, "Parent", true, parent);
    add_group(s, a, "Doomed", true, g);
    new_user(s, a, u);
    assert_int_equal(s->ops->group_member_add(s, a, parent, g), 0);
    assert_int_equal(s->ops->group_member_add(s, a, g, u), 0);
    assert_int_equal(s->ops->group_owner_add(s, a, g, u), 0);
    assign(s, a, ATRIUM_ROLE_DIRECTORY_READERS, g, NULL);

    assert_int_equal(s->ops->group_delete(s, b, g), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_get(s, a, g, &got), 0);
    atrium_group_release(&got);

    assert_int_equal(s->ops->group_delete(s, a, g), 0);
    assert_int_equal(s->ops->group_get(s, a, g, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(member_count(s, a, parent), 0); /* its membership went with it */
    assert_int_equal(s->ops->group_memberships_of(s, a, u, NULL, 10, &l), 0);
    assert_int_equal(l.count, 0);
    atrium_group_list_release(&l);
    assert_int_equal(s->ops->role_assignments_for(s, a, g, &roles), 0);
    assert_int_equal(roles.count, 0);
    atrium_role_assignment_list_release(&roles);
    assert_int_equal(s->ops->group_delete(s, a, g), ATRIUM_ENOTFOUND);
    /* The same id can be used again: no orphan member or owner rows were left. */
    struct atrium_group again = {.display_name = "Again", .mail_nickname = "x", .created = T0};
    copy_id(again.id, sizeof(again.id), g);
    assert_int_equal(s->ops->group_insert(s, a, &again), 0);
    assert_int_equal(member_count(s, a, g), 0);
}

static void test_unlink(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], g[ATRIUM_UUID_LEN + 1];
    char u[ATRIUM_UUID_LEN + 1];
    struct atrium_role_assignment_list roles = {0};
    struct atrium_member_ref_list owners = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    add_group(s, a, "G", true, g);
    new_user(s, a, u);
    assert_int_equal(s->ops->group_member_add(s, a, g, u), 0);
    assert_int_equal(s->ops->group_owner_add(s, a, g, u), 0);
    assign(s, a, ROLE_HELPDESK, u, NULL);

    assert_int_equal(s->ops->directory_object_unlink(s, b, u), 0); /* another tenant: no-op */
    assert_int_equal(member_count(s, a, g), 1);
    assert_int_equal(s->ops->directory_object_unlink(s, a, u), 0);
    assert_int_equal(member_count(s, a, g), 0);
    assert_int_equal(s->ops->group_owner_page(s, a, g, NULL, 10, &owners), 0);
    assert_int_equal(owners.count, 0);
    atrium_member_ref_list_release(&owners);
    assert_int_equal(s->ops->role_assignments_for(s, a, u, &roles), 0);
    assert_int_equal(roles.count, 0);
    atrium_role_assignment_list_release(&roles);
}

static void test_role_assignment_ops(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], u1[ATRIUM_UUID_LEN + 1];
    char u2[ATRIUM_UUID_LEN + 1], r1[ATRIUM_UUID_LEN + 1], r2[ATRIUM_UUID_LEN + 1];
    char r3[ATRIUM_UUID_LEN + 1];
    struct atrium_role_assignment got = {0};
    struct atrium_role_assignment_list l = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    new_user(s, a, u1);
    new_user(s, a, u2);
    assign(s, a, ATRIUM_ROLE_GLOBAL_ADMIN, u1, r1);
    assign(s, a, ATRIUM_ROLE_USER_ADMIN, u1, r2);
    assign(s, a, ATRIUM_ROLE_USER_ADMIN, u2, r3);

    assert_int_equal(s->ops->role_assignment_get(s, a, r2, &got), 0);
    assert_string_equal(got.role_template_id, ATRIUM_ROLE_USER_ADMIN);
    assert_string_equal(got.principal_id, u1);
    assert_int_equal(s->ops->role_assignment_get(s, b, r2, &got), ATRIUM_ENOTFOUND);

    assert_int_equal(s->ops->role_assignment_list(s, a, NULL, NULL, NULL, 10, &l), 0);
    assert_int_equal(l.count, 3);
    assert_true(strcmp(l.items[0].id, l.items[1].id) < 0);
    atrium_role_assignment_list_release(&l);
    assert_int_equal(s->ops->role_assignment_list(s, a, ATRIUM_ROLE_USER_ADMIN, NULL, NULL, 10, &l),
                     0);
    assert_int_equal(l.count, 2);
    atrium_role_assignment_list_release(&l);
    assert_int_equal(s->ops->role_assignment_list(s, a, ATRIUM_ROLE_USER_ADMIN, u2, NULL, 10, &l),
                     0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].id, r3);
    atrium_role_assignment_list_release(&l);
    assert_int_equal(s->ops->role_assignment_list(s, a, NULL, NULL, NULL, 1, &l), 0);
    assert_int_equal(l.count, 1);
    char after[ATRIUM_UUID_LEN + 1];
    copy_id(after, sizeof(after), l.items[0].id);
    atrium_role_assignment_list_release(&l);
    assert_int_equal(s->ops->role_assignment_list(s, a, NULL, NULL, after, 10, &l), 0);
    assert_int_equal(l.count, 2);
    atrium_role_assignment_list_release(&l);
    assert_int_equal(s->ops->role_assignment_list(s, b, NULL, NULL, NULL, 10, &l), 0);
    assert_int_equal(l.count, 0); /* another tenant sees none */
    atrium_role_assignment_list_release(&l);

    assert_int_equal(s->ops->role_assignment_delete(s, b, r2), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->role_assignment_delete(s, a, r2), 0);
    assert_int_equal(s->ops->role_assignment_delete(s, a, r2), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->role_assignment_get(s, a, r2, &got), ATRIUM_ENOTFOUND);
}

static bool has_id(char **ids, size_t count, const char *id)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(ids[i], id) == 0)
            return true;
    return false;
}

static void free_ids(char **ids, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(ids[i]);
    free(ids);
}

static void test_directory_roles(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1];
    char **ids = NULL;
    size_t count = 0;
    new_tenant(s, a);
    new_tenant(s, b);
    new_user(s, a, u);

    assert_int_equal(s->ops->directory_role_active(s, a, &ids, &count), 0);
    assert_int_equal(count, 0);
    free_ids(ids, count);
    assert_int_equal(s->ops->directory_role_activate(s, a, ROLE_HELPDESK, T0), 0);
    assert_int_equal(s->ops->directory_role_activate(s, a, ROLE_HELPDESK, T0), ATRIUM_ECONFLICT);
    assign(s, a, ATRIUM_ROLE_USER_ADMIN, u, NULL); /* an assigned role counts as active */
    assert_int_equal(s->ops->directory_role_active(s, a, &ids, &count), 0);
    assert_int_equal(count, 2);
    assert_true(has_id(ids, count, ROLE_HELPDESK));
    assert_true(has_id(ids, count, ATRIUM_ROLE_USER_ADMIN));
    free_ids(ids, count);

    assert_int_equal(s->ops->directory_role_active(s, b, &ids, &count), 0);
    assert_int_equal(count, 0); /* activation is per tenant */
    free_ids(ids, count);
    assert_int_equal(s->ops->directory_role_activate(s, b, ROLE_HELPDESK, T0), 0);
}

/* A chain g[0] <- g[1] <- ... (g[i+1] is a member of g[i]), user u in the last group. */
static void chain(struct atrium_store *s, const char *t, size_t n, char (*g)[ATRIUM_UUID_LEN + 1],
                  const char *u)
{
    for (size_t i = 0; i < n; i++) {
        add_group(s, t, "Chain", true, g[i]);
        if (i)
            assert_int_equal(s->ops->group_member_add(s, t, g[i - 1], g[i]), 0);
    }
    assert_int_equal(s->ops->group_member_add(s, t, g[n - 1], u), 0);
}

static void test_transitive_walks(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1];
    char g[3][ATRIUM_UUID_LEN + 1], plain[ATRIUM_UUID_LEN + 1];
    struct atrium_group_closure c = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    new_user(s, a, u);
    chain(s, a, 3, g, u);
    add_group(s, a, "Not security", false, plain);
    assert_int_equal(s->ops->group_member_add(s, a, plain, g[2]), 0);

    assert_int_equal(atrium_store_group_transitive_of(s, a, u, 0, false, &c), 0);
    assert_int_equal(c.count, 4);
    assert_int_equal(c.depth, 3);
    assert_false(c.truncated);
    for (int i = 0; i < 3; i++)
        assert_true(atrium_group_closure_has(&c, g[i]));
    assert_true(atrium_group_closure_has(&c, plain));
    atrium_group_closure_release(&c);
    assert_int_equal(atrium_store_group_transitive_of(s, a, u, 0, true, &c), 0);
    assert_int_equal(c.count, 3); /* security groups only */
    assert_false(atrium_group_closure_has(&c, plain));
    atrium_group_closure_release(&c);

    assert_int_equal(atrium_store_group_transitive_members(s, a, g[0], 0, false, &c), 0);
    assert_int_equal(c.count, 3); /* g1, g2 and the user */
    assert_true(atrium_group_closure_has(&c, u));
    assert_int_equal(c.depth, 3);
    atrium_group_closure_release(&c);
    assert_int_equal(atrium_store_group_transitive_members(s, a, g[0], 0, true, &c), 0);
    assert_int_equal(c.count, 2);
    assert_int_equal(c.depth, 2);
    atrium_group_closure_release(&c);

    /* A cycle made behind the services' back is walked once. */
    assert_int_equal(s->ops->group_member_add(s, a, g[2], g[0]), 0);
    assert_int_equal(atrium_store_group_transitive_of(s, a, g[0], 0, false, &c), 0);
    assert_int_equal(c.count, 3); /* g2, g1, plain; never the start */
    assert_false(atrium_group_closure_has(&c, g[0]));
    atrium_group_closure_release(&c);

    /* The cap marks the walk incomplete. */
    assert_int_equal(atrium_store_group_transitive_of(s, a, u, 2, false, &c), 0);
    assert_true(c.truncated);
    assert_true(c.count <= 2);
    atrium_group_closure_release(&c);

    /* Another tenant walks nothing. */
    assert_int_equal(atrium_store_group_transitive_of(s, b, u, 0, false, &c), 0);
    assert_int_equal(c.count, 0);
    atrium_group_closure_release(&c);
    assert_int_equal(atrium_store_group_transitive_members(s, b, g[0], 0, false, &c),
                     ATRIUM_ENOTFOUND);
}

static void test_walk_depth_bound(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1];
    char g[ATRIUM_GROUP_NESTING_MAX + 2][ATRIUM_UUID_LEN + 1];
    struct atrium_group_closure c = {0};
    new_tenant(s, a);
    new_user(s, a, u);

    /* Exactly the bound: complete. */
    chain(s, a, ATRIUM_GROUP_NESTING_MAX, g, u);
    assert_int_equal(atrium_store_group_transitive_of(s, a, u, 0, false, &c), 0);
    assert_int_equal(c.count, ATRIUM_GROUP_NESTING_MAX);
    assert_int_equal(c.depth, ATRIUM_GROUP_NESTING_MAX);
    assert_false(c.truncated);
    atrium_group_closure_release(&c);

    /* One level more: incomplete, the deepest level left out. */
    char top[ATRIUM_UUID_LEN + 1];
    add_group(s, a, "Top", true, top);
    assert_int_equal(s->ops->group_member_add(s, a, top, g[0]), 0);
    assert_int_equal(atrium_store_group_transitive_of(s, a, u, 0, false, &c), 0);
    assert_true(c.truncated);
    assert_int_equal(c.count, ATRIUM_GROUP_NESTING_MAX);
    assert_false(atrium_group_closure_has(&c, top));
    atrium_group_closure_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_group_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_member_page_and_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memberships_of, setup, teardown),
        cmocka_unit_test_setup_teardown(test_owners, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_role_assignment_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transitive_walks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_walk_depth_bound, setup, teardown),
    };
    return run_passes(tests, sizeof(tests) / sizeof(tests[0]), "group");
}
