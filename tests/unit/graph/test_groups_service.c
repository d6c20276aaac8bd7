/* SPDX-License-Identifier: MIT */
/*
 * The group and role services against a real SQLite store: create with
 * odata.bind, nested membership and transitive listings, cycle refusal,
 * the nesting depth bound, checkMemberGroups / getMemberGroups and their
 * caps, directory roles and role assignments with the last Global
 * Administrator kept, authorization, and tenant isolation: every call made
 * as tenant B on tenant A's objects (or naming them in a body) is
 * ATRIUM_ENOTFOUND.
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
#include "graph/groups.h"
#include "model/directory_role.h"
#include "store/store.h"
#include "store/store_groups.h"

#define URL "https://graph.microsoft.com/v1.0/"
#define ROLE_PRIVILEGED_ROLE_ADMIN "e8611ab8-c189-46e8-94e1-60213ab1f814"

struct fx {
    char *db_path;
    struct atrium_store *s;
    char ta[ATRIUM_UUID_LEN + 1], tb[ATRIUM_UUID_LEN + 1];
    char ada[ATRIUM_UUID_LEN + 1]; /* tenant A's Global Administrator */
    char alice[ATRIUM_UUID_LEN + 1], carol[ATRIUM_UUID_LEN + 1];
    char bob_b[ATRIUM_UUID_LEN + 1]; /* a user of tenant B */
    struct atrium_principal admin_a, admin_b, member_a;
};

static void new_tenant(struct atrium_store *s, char id[ATRIUM_UUID_LEN + 1])
{
    char hex[17];
    atrium_random_hex(hex, 8);
    AUTO_FREE char *domain = xasprintf("t%s.atrium.localhost", hex);
    struct atrium_tenant t = {
        .display_name = "Contoso", .country = "US", .initial_domain = domain, .created = 1};
    atrium_uuid_v4(t.id);
    assert_int_equal(s->ops->tenant_insert(s, &t), 0);
    memcpy(id, t.id, sizeof(t.id));
}

static void new_user(struct atrium_store *s, const char *tenant_id, bool enabled,
                     char id[ATRIUM_UUID_LEN + 1])
{
    char hex[17];
    atrium_random_hex(hex, 8);
    AUTO_FREE char *upn = xasprintf("u%s@example.com", hex);
    struct atrium_user u = {.upn = upn,
                            .display_name = "Una",
                            .account_enabled = enabled,
                            .created = 1,
                            .password_changed = 1};
    atrium_uuid_v4(u.id);
    assert_int_equal(s->ops->user_insert(s, tenant_id, &u), 0);
    memcpy(id, u.id, sizeof(u.id));
}

static void assign_ga(struct atrium_store *s, const char *tenant_id, const char *user_id)
{
    struct atrium_role_assignment a = {.created = 1};
    atrium_uuid_v4(a.id);
    snprintf(a.role_template_id, sizeof(a.role_template_id), "%s", ATRIUM_ROLE_GLOBAL_ADMIN);
    snprintf(a.principal_id, sizeof(a.principal_id), "%s", user_id);
    assert_int_equal(s->ops->role_assign(s, tenant_id, &a), 0);
}

/* A delegated caller of tenant with the group and role write scopes and, optionally, a role. */
static void delegated(struct atrium_principal *p, const char *tenant_id, const char *wid)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->tenant_id, sizeof(p->tenant_id), "%s", tenant_id);
    atrium_uuid_v4(p->user_id);
    p->scopes[p->scope_count++] = xstrdup("Group.ReadWrite.All");
    p->scopes[p->scope_count++] = xstrdup("RoleManagement.ReadWrite.Directory");
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
        xasprintf("%s/graph-groups-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    AUTO_FREE char *uri = xasprintf("sqlite:%s", f->db_path);
    struct atrium_errinfo e = {0};
    int version = 0;
    assert_int_equal(atrium_store_open(uri, &f->s, &e), 0);
    assert_int_equal(atrium_store_migrate(f->s, &version), 0);
    new_tenant(f->s, f->ta);
    new_tenant(f->s, f->tb);
    new_user(f->s, f->ta, true, f->ada);
    new_user(f->s, f->ta, true, f->alice);
    new_user(f->s, f->ta, true, f->carol);
    new_user(f->s, f->tb, true, f->bob_b);
    assign_ga(f->s, f->ta, f->ada);
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
    json_error_t err;
    json_t *v = json_loads(text, 0, &err);
    if (!v)
        fail_msg("bad test JSON: %s: %s", err.text, text);
    return v;
}

/* Create a security group as admin_a with an optional extra JSON member list; returns its id. */
static void create_group(struct fx *f, const char *name, const char *extra,
                         char id[ATRIUM_UUID_LEN + 1])
{
    struct atrium_errinfo e = {0};
    struct atrium_group g = {0};
    AUTO_FREE char *text = xasprintf("{\"displayName\":\"%s\",\"mailNickname\":\"n\","
                                     "\"mailEnabled\":false,\"securityEnabled\":true%s%s}",
                                     name, extra ? "," : "", extra ? extra : "");
    json_t *body = parse(text);
    int r = atrium_graph_group_create(f->s, f->ta, &f->admin_a, body, &g, &e);
    if (r != 0)
        fail_msg("create %s: %d %s (%s)", name, r, e.message, e.field);
    memcpy(id, g.id, sizeof(g.id));
    atrium_group_release(&g);
    json_decref(body);
}

/* POST {group}/members/$ref with ".../<collection>/<id>" as tenant_id's caller. */
static int add_ref(struct fx *f, const struct atrium_principal *who, const char *tenant_id,
                   const char *group, const char *collection, const char *id,
                   struct atrium_errinfo *e)
{
    AUTO_FREE char *text = xasprintf("{\"@odata.id\":\"" URL "%s/%s\"}", collection, id);
    json_t *body = parse(text);
    int r = atrium_graph_group_ref_add(f->s, tenant_id, who, group, ATRIUM_GROUP_MEMBERS, body, e);
    json_decref(body);
    return r;
}

static size_t closure_count(struct fx *f, const char *object_id)
{
    struct atrium_group_closure c = {0};
    assert_int_equal(atrium_store_group_transitive_of(f->s, f->ta, object_id, 0, false, &c), 0);
    size_t n = c.count;
    atrium_group_closure_release(&c);
    return n;
}

static void test_create_with_binds(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_group g = {0};
    char eng[ATRIUM_UUID_LEN + 1];
    AUTO_FREE char *binds = xasprintf("\"members@odata.bind\":[\"" URL "users/%s\"],"
                                      "\"owners@odata.bind\":[\"" URL "directoryObjects/%s\"]",
                                      f->alice, f->carol);
    create_group(f, "Engineering", binds, eng);
    assert_int_equal(closure_count(f, f->alice), 1);

    /* Another tenant's user in a bind: 404, and nothing is created. */
    AUTO_FREE char *cross = xasprintf(
        "{\"displayName\":\"X\",\"mailNickname\":\"x\",\"mailEnabled\":false,"
        "\"securityEnabled\":true,\"members@odata.bind\":[\"" URL "directoryObjects/%s\"]}",
        f->bob_b);
    json_t *body = parse(cross);
    assert_int_equal(atrium_graph_group_create(f->s, f->ta, &f->admin_a, body, &g, &e),
                     ATRIUM_ENOTFOUND);
    json_decref(body);
    struct atrium_group_list l = {0};
    assert_int_equal(f->s->ops->group_list(f->s, f->ta, NULL, 10, ATRIUM_NAME_EQ, "X", &l), 0);
    assert_int_equal(l.count, 0);
    atrium_group_list_release(&l);

    /* A group as an owner; 21 binds; missing, unsupported and unknown properties. */
    AUTO_FREE char *owner_group =
        xasprintf("{\"displayName\":\"X\",\"mailNickname\":\"x\",\"mailEnabled\":false,"
                  "\"securityEnabled\":true,\"owners@odata.bind\":[\"" URL "groups/%s\"]}",
                  eng);
    static const char *const refused[] = {
        "{\"displayName\":\"X\",\"mailNickname\":\"x\",\"mailEnabled\":false}",
        "{\"displayName\":\"X\",\"mailNickname\":\"x\",\"mailEnabled\":true,"
        "\"securityEnabled\":true}",
        "{\"displayName\":\"X\",\"mailNickname\":\"x y\",\"mailEnabled\":false,"
        "\"securityEnabled\":true}",
        "{\"displayName\":\"X\",\"mailNickname\":\"x\",\"mailEnabled\":false,"
        "\"securityEnabled\":true,\"groupTypes\":[\"Unified\"]}",
        "{\"displayName\":\"X\",\"mailNickname\":\"x\",\"mailEnabled\":false,"
        "\"securityEnabled\":true,\"colour\":\"red\"}",
        NULL};
    const char *fields[] = {"securityEnabled", "mailEnabled", "mailNickname", "groupTypes",
                            "colour"};
    for (size_t i = 0; refused[i]; i++) {
        body = parse(refused[i]);
        assert_int_equal(atrium_graph_group_create(f->s, f->ta, &f->admin_a, body, &g, &e),
                         ATRIUM_EINVAL);
        assert_string_equal(e.field, fields[i]);
        json_decref(body);
    }
    body = parse(owner_group);
    assert_int_equal(atrium_graph_group_create(f->s, f->ta, &f->admin_a, body, &g, &e),
                     ATRIUM_EINVAL);
    json_decref(body);
    body = parse("{\"displayName\":\"X\",\"mailNickname\":\"x\",\"mailEnabled\":false,"
                 "\"securityEnabled\":true,\"members@odata.bind\":[]}");
    json_t *many = json_object_get(body, "members@odata.bind");
    for (int i = 0; i <= ATRIUM_GROUP_BIND_MAX; i++)
        json_array_append_new(many, json_string(URL "users/x"));
    assert_int_equal(atrium_graph_group_create(f->s, f->ta, &f->admin_a, body, &g, &e),
                     ATRIUM_EINVAL);
    json_decref(body);
}

static void test_nesting_and_cycles(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    char g1[ATRIUM_UUID_LEN + 1], g2[ATRIUM_UUID_LEN + 1], g3[ATRIUM_UUID_LEN + 1];
    create_group(f, "G1", NULL, g1);
    create_group(f, "G2", NULL, g2);
    create_group(f, "G3", NULL, g3);
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g1, "groups", g2, &e), 0);
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g2, "directoryObjects", g3, &e), 0);
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g3, "users", f->carol, &e), 0);
    assert_int_equal(closure_count(f, f->carol), 3);

    /* Already a member: Graph's 400. */
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g1, "groups", g2, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "already exist"));
    /* Itself, and a cycle through two levels. */
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g1, "groups", g1, &e), ATRIUM_EINVAL);
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g3, "groups", g1, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "cycle"));
    /* A group id under users/ is not a user. */
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g1, "users", g3, &e), ATRIUM_ENOTFOUND);

    json_t *items = NULL;
    char next[ATRIUM_UUID_LEN + 1];
    struct atrium_odata_query q;
    atrium_odata_query_init(&q);
    assert_int_equal(
        atrium_graph_group_transitive_members(f->s, f->ta, &f->admin_a, g1, &q, &items, next, &e),
        0);
    assert_int_equal(json_array_size(items), 3); /* g2, g3, carol */
    assert_string_equal(next, "");
    json_decref(items);
    q.top = 2;
    assert_int_equal(
        atrium_graph_group_transitive_members(f->s, f->ta, &f->admin_a, g1, &q, &items, next, &e),
        0);
    assert_int_equal(json_array_size(items), 2);
    assert_string_not_equal(next, "");
    json_decref(items);
    snprintf(q.after_id, sizeof(q.after_id), "%s", next);
    assert_int_equal(
        atrium_graph_group_transitive_members(f->s, f->ta, &f->admin_a, g1, &q, &items, next, &e),
        0);
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(next, "");
    json_decref(items);

    /* Removing the middle link cuts carol off g1. */
    assert_int_equal(
        atrium_graph_group_ref_remove(f->s, f->ta, &f->admin_a, g1, ATRIUM_GROUP_MEMBERS, g2, &e),
        0);
    assert_int_equal(closure_count(f, f->carol), 2);
    assert_int_equal(
        atrium_graph_group_ref_remove(f->s, f->ta, &f->admin_a, g1, ATRIUM_GROUP_MEMBERS, g2, &e),
        ATRIUM_ENOTFOUND);
}

static void test_nesting_depth(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    char g[ATRIUM_GROUP_NESTING_MAX + 1][ATRIUM_UUID_LEN + 1];
    /* g[1] > g[2] > ... > g[15] > carol: 15 levels below g[1]. */
    for (int i = 1; i < ATRIUM_GROUP_NESTING_MAX; i++) {
        create_group(f, "Level", NULL, g[i]);
        if (i > 1)
            assert_int_equal(add_ref(f, &f->admin_a, f->ta, g[i - 1], "groups", g[i], &e), 0);
    }
    assert_int_equal(
        add_ref(f, &f->admin_a, f->ta, g[ATRIUM_GROUP_NESTING_MAX - 1], "users", f->carol, &e), 0);
    /* One more on top makes 16 levels: allowed. */
    create_group(f, "Top", NULL, g[0]);
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g[0], "groups", g[1], &e), 0);
    assert_int_equal(closure_count(f, f->carol), ATRIUM_GROUP_NESTING_MAX);
    /* A 17th level is refused, from the top or by putting a user below the bottom. */
    char over[ATRIUM_UUID_LEN + 1];
    create_group(f, "Over", NULL, over);
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, over, "groups", g[0], &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "nested at most"));
    assert_int_equal(
        add_ref(f, &f->admin_a, f->ta, g[ATRIUM_GROUP_NESTING_MAX - 1], "groups", over, &e),
        ATRIUM_EINVAL);
    /* Users may still join any level. */
    assert_int_equal(
        add_ref(f, &f->admin_a, f->ta, g[ATRIUM_GROUP_NESTING_MAX - 1], "users", f->alice, &e), 0);
}

static void test_member_groups(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    char g1[ATRIUM_UUID_LEN + 1], g2[ATRIUM_UUID_LEN + 1], lone[ATRIUM_UUID_LEN + 1];
    create_group(f, "G1", NULL, g1);
    create_group(f, "G2", NULL, g2);
    create_group(f, "Lone", NULL, lone);
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g1, "groups", g2, &e), 0);
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, g2, "users", f->carol, &e), 0);

    json_t *value = NULL;
    AUTO_FREE char *text =
        xasprintf("{\"groupIds\":[\"%s\",\"%s\",\"%s\",\"%s\"]}", lone, g1, f->bob_b, g2);
    json_t *body = parse(text);
    assert_int_equal(atrium_graph_check_member_groups(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_USER,
                                                      f->carol, body, &value, &e),
                     0);
    assert_int_equal(json_array_size(value), 2);
    assert_string_equal(json_string_value(json_array_get(value, 0)), g1);
    assert_string_equal(json_string_value(json_array_get(value, 1)), g2);
    json_decref(value);
    json_decref(body);

    /* More than 20 ids, a malformed id, an unknown member. */
    json_t *ids = json_array();
    for (int i = 0; i <= ATRIUM_GROUP_CHECK_IDS_MAX; i++)
        json_array_append_new(ids, json_string(g1));
    body = json_pack("{s:o}", "groupIds", ids);
    assert_int_equal(atrium_graph_check_member_groups(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_USER,
                                                      f->carol, body, &value, &e),
                     ATRIUM_EINVAL);
    json_decref(body);
    body = parse("{\"groupIds\":[\"nope\"]}");
    assert_int_equal(atrium_graph_check_member_groups(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_USER,
                                                      f->carol, body, &value, &e),
                     ATRIUM_EINVAL);
    json_decref(body);

    body = parse("{\"securityEnabledOnly\":false}");
    assert_int_equal(atrium_graph_get_member_groups(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_GROUP,
                                                    g2, body, &value, &e),
                     0);
    assert_int_equal(json_array_size(value), 1);
    assert_string_equal(json_string_value(json_array_get(value, 0)), g1);
    json_decref(value);
    json_decref(body);
    body = parse("{}");
    assert_int_equal(atrium_graph_get_member_groups(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_USER,
                                                    f->carol, body, &value, &e),
                     ATRIUM_EINVAL);
    json_decref(body);

    /* memberOf of carol: direct g2 only; transitive g1 and g2. */
    struct atrium_odata_query q;
    char next[ATRIUM_UUID_LEN + 1];
    atrium_odata_query_init(&q);
    assert_int_equal(atrium_graph_member_of(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_USER, f->carol,
                                            false, &q, &value, next, &e),
                     0);
    assert_int_equal(json_array_size(value), 1);
    json_decref(value);
    assert_int_equal(atrium_graph_member_of(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_USER, f->carol,
                                            true, &q, &value, next, &e),
                     0);
    assert_int_equal(json_array_size(value), 2);
    json_decref(value);
}

/* The id of the assignment of role to user_id, or fails. */
static void assignment_of(struct fx *f, const char *role, const char *user_id,
                          char out[ATRIUM_UUID_LEN + 1])
{
    struct atrium_role_assignment_list l = {0};
    assert_int_equal(f->s->ops->role_assignment_list(f->s, f->ta, role, user_id, NULL, 1, &l), 0);
    assert_int_equal(l.count, 1);
    memcpy(out, l.items[0].id, ATRIUM_UUID_LEN + 1);
    atrium_role_assignment_list_release(&l);
}

static void test_last_global_admin(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    char ra[ATRIUM_UUID_LEN + 1], disabled[ATRIUM_UUID_LEN + 1];
    assignment_of(f, ATRIUM_ROLE_GLOBAL_ADMIN, f->ada, ra);
    assert_int_equal(atrium_graph_role_assignment_delete(f->s, f->ta, &f->admin_a, ra, &e),
                     ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "last Global Administrator"));
    assert_int_equal(atrium_graph_directory_role_member_remove(
                         f->s, f->ta, &f->admin_a, ATRIUM_ROLE_GLOBAL_ADMIN, f->ada, &e),
                     ATRIUM_EINVAL);

    /* A disabled Global Administrator does not count. */
    new_user(f->s, f->ta, false, disabled);
    assign_ga(f->s, f->ta, disabled);
    assert_int_equal(atrium_graph_role_assignment_delete(f->s, f->ta, &f->admin_a, ra, &e),
                     ATRIUM_EINVAL);

    /* With another enabled one (assigned through roleManagement), ada can go. */
    json_t *body = json_pack("{s:s, s:s, s:s}", "principalId", f->alice, "roleDefinitionId",
                             ATRIUM_ROLE_GLOBAL_ADMIN, "directoryScopeId", "/");
    struct atrium_role_assignment a = {0};
    assert_int_equal(atrium_graph_role_assignment_create(f->s, f->ta, &f->admin_a, body, &a, &e),
                     0);
    assert_int_equal(atrium_graph_role_assignment_create(f->s, f->ta, &f->admin_a, body, &a, &e),
                     ATRIUM_EINVAL); /* already held */
    json_decref(body);
    assert_int_equal(atrium_graph_directory_role_member_remove(
                         f->s, f->ta, &f->admin_a, ATRIUM_ROLE_GLOBAL_ADMIN, f->ada, &e),
                     0);
    /* Now alice is the last enabled one. */
    assignment_of(f, ATRIUM_ROLE_GLOBAL_ADMIN, f->alice, ra);
    assert_int_equal(atrium_graph_role_assignment_delete(f->s, f->ta, &f->admin_a, ra, &e),
                     ATRIUM_EINVAL);
}

static void test_directory_roles(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    json_t *obj = NULL, *items = NULL;
    char g[ATRIUM_UUID_LEN + 1];
    create_group(f, "G", NULL, g);

    assert_int_equal(atrium_graph_directory_roles(f->s, f->ta, &f->admin_a, &items, &e), 0);
    assert_int_equal(json_array_size(items), 1); /* Global Administrator only */
    json_decref(items);
    assert_int_equal(
        atrium_graph_directory_role_get(f->s, f->ta, &f->admin_a, ATRIUM_ROLE_USER_ADMIN, &obj, &e),
        ATRIUM_ENOTFOUND);
    AUTO_FREE char *ref = xasprintf("{\"@odata.id\":\"" URL "users/%s\"}", f->alice);
    json_t *body = parse(ref);
    assert_int_equal(atrium_graph_directory_role_member_add(f->s, f->ta, &f->admin_a,
                                                            ATRIUM_ROLE_USER_ADMIN, body, &e),
                     ATRIUM_ENOTFOUND); /* not activated yet */

    json_t *activate = json_pack("{s:s}", "roleTemplateId", ATRIUM_ROLE_USER_ADMIN);
    assert_int_equal(
        atrium_graph_directory_role_activate(f->s, f->ta, &f->admin_a, activate, &obj, &e), 0);
    json_decref(obj);
    assert_int_equal(
        atrium_graph_directory_role_activate(f->s, f->ta, &f->admin_a, activate, &obj, &e),
        ATRIUM_EINVAL);
    json_decref(activate);
    activate = json_pack("{s:s}", "roleTemplateId", "00000000-0000-0000-0000-000000000001");
    assert_int_equal(
        atrium_graph_directory_role_activate(f->s, f->ta, &f->admin_a, activate, &obj, &e),
        ATRIUM_ENOTFOUND);
    json_decref(activate);

    assert_int_equal(atrium_graph_directory_role_member_add(f->s, f->ta, &f->admin_a,
                                                            ATRIUM_ROLE_USER_ADMIN, body, &e),
                     0);
    assert_int_equal(atrium_graph_directory_role_member_add(f->s, f->ta, &f->admin_a,
                                                            ATRIUM_ROLE_USER_ADMIN, body, &e),
                     ATRIUM_EINVAL);
    json_decref(body);
    AUTO_FREE char *group_ref = xasprintf("{\"@odata.id\":\"" URL "groups/%s\"}", g);
    body = parse(group_ref);
    assert_int_equal(atrium_graph_directory_role_member_add(f->s, f->ta, &f->admin_a,
                                                            ATRIUM_ROLE_USER_ADMIN, body, &e),
                     ATRIUM_EINVAL); /* users only */
    json_decref(body);
    assert_int_equal(atrium_graph_directory_roles(f->s, f->ta, &f->admin_a, &items, &e), 0);
    assert_int_equal(json_array_size(items), 2);
    json_decref(items);

    /* The same data through roleManagement. */
    struct atrium_odata_query q;
    struct atrium_role_assignment_list l = {0};
    char next[ATRIUM_UUID_LEN + 1];
    atrium_odata_query_init(&q);
    q.filter.op = ATRIUM_ODATA_EQ;
    snprintf(q.filter.property, sizeof(q.filter.property), "roleDefinitionId");
    q.filter.value = xstrdup(ATRIUM_ROLE_USER_ADMIN);
    assert_int_equal(atrium_graph_role_assignment_list(f->s, f->ta, &f->admin_a, &q, &l, next, &e),
                     0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].principal_id, f->alice);
    atrium_role_assignment_list_release(&l);
    atrium_odata_query_release(&q);
    assert_int_equal(atrium_graph_directory_role_member_remove(
                         f->s, f->ta, &f->admin_a, ATRIUM_ROLE_USER_ADMIN, f->alice, &e),
                     0);
    assert_int_equal(atrium_graph_directory_role_member_remove(
                         f->s, f->ta, &f->admin_a, ATRIUM_ROLE_USER_ADMIN, f->alice, &e),
                     ATRIUM_ENOTFOUND);
}

static void test_authorization(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_group g = {0};
    struct atrium_group_list l = {0};
    struct atrium_odata_query q;
    char next[ATRIUM_UUID_LEN + 1];
    json_t *body = parse("{\"displayName\":\"X\",\"mailNickname\":\"x\",\"mailEnabled\":false,"
                         "\"securityEnabled\":true}");
    atrium_odata_query_init(&q);

    /* A member without a role reads but does not write. */
    assert_int_equal(atrium_graph_group_list(f->s, f->ta, &f->member_a, &q, &l, next, &e), 0);
    atrium_group_list_release(&l);
    assert_int_equal(atrium_graph_group_create(f->s, f->ta, &f->member_a, body, &g, &e),
                     ATRIUM_EFORBIDDEN);

    /* Groups Administrator writes groups but not roles; Privileged Role Administrator roles. */
    struct atrium_principal groups_admin, pra, app;
    delegated(&groups_admin, f->ta, "fdd7a751-b60b-444a-984c-02652fe8fa1c");
    delegated(&pra, f->ta, ROLE_PRIVILEGED_ROLE_ADMIN);
    assert_int_equal(atrium_graph_group_create(f->s, f->ta, &groups_admin, body, &g, &e), 0);
    atrium_group_release(&g);
    json_t *ra = json_pack("{s:s, s:s}", "principalId", f->carol, "roleDefinitionId",
                           ATRIUM_ROLE_USER_ADMIN);
    struct atrium_role_assignment a = {0};
    assert_int_equal(atrium_graph_role_assignment_create(f->s, f->ta, &groups_admin, ra, &a, &e),
                     ATRIUM_EFORBIDDEN);
    assert_int_equal(atrium_graph_role_assignment_create(f->s, f->ta, &pra, ra, &a, &e), 0);
    json_decref(ra);

    /* App-only: Group.Read.All reads, does not write; RoleManagement needs its own permission. */
    memset(&app, 0, sizeof(app));
    snprintf(app.tenant_id, sizeof(app.tenant_id), "%s", f->ta);
    app.app_only = true;
    app.roles[app.role_count++] = xstrdup("Group.Read.All");
    assert_int_equal(atrium_graph_group_list(f->s, f->ta, &app, &q, &l, next, &e), 0);
    atrium_group_list_release(&l);
    assert_int_equal(atrium_graph_group_create(f->s, f->ta, &app, body, &g, &e), ATRIUM_EFORBIDDEN);
    json_t *items = NULL;
    assert_int_equal(atrium_graph_directory_roles(f->s, f->ta, &app, &items, &e),
                     ATRIUM_EFORBIDDEN);

    /* A caller of tenant B acting on tenant A. */
    assert_int_equal(atrium_graph_group_list(f->s, f->ta, &f->admin_b, &q, &l, next, &e),
                     ATRIUM_EFORBIDDEN);
    atrium_principal_release(&groups_admin);
    atrium_principal_release(&pra);
    atrium_principal_release(&app);
    json_decref(body);
}

static void test_isolation(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_group g = {0};
    struct atrium_odata_query q;
    char next[ATRIUM_UUID_LEN + 1], grp[ATRIUM_UUID_LEN + 1], ra[ATRIUM_UUID_LEN + 1];
    json_t *items = NULL;
    AUTO_FREE char *binds = xasprintf("\"members@odata.bind\":[\"" URL "users/%s\"]", f->alice);
    create_group(f, "A's", binds, grp);
    assignment_of(f, ATRIUM_ROLE_GLOBAL_ADMIN, f->ada, ra);
    atrium_odata_query_init(&q);
    const struct atrium_principal *b = &f->admin_b;

    assert_int_equal(atrium_graph_group_get(f->s, f->tb, b, grp, &g, &e), ATRIUM_ENOTFOUND);
    json_t *patch = parse("{\"displayName\":\"pwned\"}");
    assert_int_equal(atrium_graph_group_update(f->s, f->tb, b, grp, patch, &e), ATRIUM_ENOTFOUND);
    json_decref(patch);
    assert_int_equal(atrium_graph_group_delete(f->s, f->tb, b, grp, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(
        atrium_graph_group_links(f->s, f->tb, b, grp, ATRIUM_GROUP_MEMBERS, &q, &items, next, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(
        atrium_graph_group_transitive_members(f->s, f->tb, b, grp, &q, &items, next, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_member_of(f->s, f->tb, b, ATRIUM_MEMBER_USER, f->alice, true, &q,
                                            &items, next, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(
        atrium_graph_group_ref_remove(f->s, f->tb, b, grp, ATRIUM_GROUP_MEMBERS, f->alice, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(add_ref(f, b, f->tb, grp, "users", f->bob_b, &e), ATRIUM_ENOTFOUND);
    struct atrium_role_assignment a = {0};
    assert_int_equal(atrium_graph_role_assignment_get(f->s, f->tb, b, ra, &a, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_role_assignment_delete(f->s, f->tb, b, ra, &e), ATRIUM_ENOTFOUND);

    /* Tenant A naming tenant B's user in bodies. */
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, grp, "directoryObjects", f->bob_b, &e),
                     ATRIUM_ENOTFOUND);
    json_t *body = json_pack("{s:s, s:s}", "principalId", f->bob_b, "roleDefinitionId",
                             ATRIUM_ROLE_USER_ADMIN);
    assert_int_equal(atrium_graph_role_assignment_create(f->s, f->ta, &f->admin_a, body, &a, &e),
                     ATRIUM_ENOTFOUND);
    json_decref(body);
    body = json_pack("{s:[s]}", "groupIds", grp);
    assert_int_equal(atrium_graph_check_member_groups(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_USER,
                                                      f->bob_b, body, &items, &e),
                     ATRIUM_ENOTFOUND);
    json_decref(body);

    /* A's group is intact. */
    assert_int_equal(atrium_graph_group_get(f->s, f->ta, &f->admin_a, grp, &g, &e), 0);
    assert_string_equal(g.display_name, "A's");
    atrium_group_release(&g);
    assert_int_equal(closure_count(f, f->alice), 1);
}

/* $expand: memberOf / members inline, at most 20, never across tenants; others refused. */
static void test_expand(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    char grp[ATRIUM_UUID_LEN + 1], first[ATRIUM_UUID_LEN + 1];
    AUTO_FREE char *binds = xasprintf("\"members@odata.bind\":[\"" URL "users/%s\"]", f->alice);
    for (int i = 0; i < 25; i++) {
        char name[16];
        snprintf(name, sizeof(name), "G%02d", i);
        create_group(f, name, binds, grp);
        if (i == 0)
            memcpy(first, grp, sizeof(first));
    }
    json_t *o = json_object();
    assert_int_equal(
        atrium_graph_expand(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_USER, f->alice, o, &e), 0);
    json_t *of = json_object_get(o, "memberOf");
    assert_int_equal(json_array_size(of), ATRIUM_GRAPH_EXPAND_MAX);
    assert_string_equal(json_string_value(json_object_get(json_array_get(of, 0), "@odata.type")),
                        "#microsoft.graph.group");
    assert_non_null(json_object_get(json_array_get(of, 0), "displayName"));
    json_decref(o);

    o = json_object();
    assert_int_equal(
        atrium_graph_expand(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_GROUP, first, o, &e), 0);
    json_t *members = json_object_get(o, "members");
    assert_int_equal(json_array_size(members), 1);
    json_t *m = json_array_get(members, 0);
    assert_string_equal(json_string_value(json_object_get(m, "@odata.type")),
                        "#microsoft.graph.user");
    assert_string_equal(json_string_value(json_object_get(m, "id")), f->alice);
    json_decref(o);

    /* Tenant B cannot expand A's objects, and B's user never joins A's group. */
    assert_int_equal(add_ref(f, &f->admin_a, f->ta, first, "users", f->bob_b, &e),
                     ATRIUM_ENOTFOUND);
    o = json_object();
    assert_int_equal(
        atrium_graph_expand(f->s, f->tb, &f->admin_b, ATRIUM_MEMBER_GROUP, first, o, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(
        atrium_graph_expand(f->s, f->tb, &f->admin_b, ATRIUM_MEMBER_USER, f->alice, o, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(json_object_size(o), 0);
    assert_int_equal(
        atrium_graph_expand(f->s, f->ta, &f->admin_a, ATRIUM_MEMBER_GROUP, first, o, &e), 0);
    assert_int_equal(json_array_size(json_object_get(o, "members")), 1);
    json_decref(o);

    /* The option: members with $select keeps the expansion; anything else is a 400. */
    struct atrium_odata_query q;
    atrium_odata_query_init(&q);
    assert_int_equal(
        atrium_odata_query_set(&q, &atrium_graph_group_odata, "$expand", "Members", &e), 0);
    assert_int_equal(atrium_odata_query_set(&q, &atrium_graph_group_odata, "$select", "id", &e), 0);
    o = json_pack("{s:s, s:s, s:[]}", "id", first, "displayName", "G00", "members");
    atrium_odata_apply_select(&q, o);
    assert_non_null(json_object_get(o, "members"));
    assert_null(json_object_get(o, "displayName"));
    json_decref(o);
    assert_int_equal(
        atrium_odata_query_set(&q, &atrium_graph_group_odata, "$expand", "members", &e),
        ATRIUM_EINVAL);
    atrium_odata_query_release(&q);
    atrium_odata_query_init(&q);
    assert_int_equal(atrium_odata_query_set(&q, &atrium_graph_group_odata, "$expand", "owners", &e),
                     ATRIUM_EINVAL);
    assert_string_equal(e.field, "$expand");
    assert_non_null(strstr(e.message, "members"));
    assert_int_equal(
        atrium_odata_query_set(&q, &atrium_graph_dirobj_odata, "$expand", "members", &e),
        ATRIUM_EINVAL);
    assert_null(q.expand);
    atrium_odata_query_release(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_with_binds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_and_cycles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_member_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_global_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_authorization, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
