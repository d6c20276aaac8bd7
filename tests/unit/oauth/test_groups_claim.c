/* SPDX-License-Identifier: MIT */
/*
 * The "groups" claim of user tokens (oauth/groups_claim.h) against a real
 * SQLite store: SecurityGroup lists the user's transitive security groups,
 * All every group, None / null nothing; past ATRIUM_GROUPS_CLAIM_MAX the
 * token says "hasgroups": true instead; the access token follows the
 * resource (the client's own API here, never the directory API), and
 * app-only tokens carry nothing. Also the groupMembershipClaims parser.
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

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "model/builtin_apps.h"
#include "model/group_claims.h"
#include "oauth/groups_claim.h"
#include "store/store.h"

struct fx {
    char *db_path;
    struct atrium_store *s;
    char tenant[ATRIUM_UUID_LEN + 1];
    struct atrium_user user;
    char outer[ATRIUM_UUID_LEN + 1], inner[ATRIUM_UUID_LEN + 1], plain[ATRIUM_UUID_LEN + 1];
    struct atrium_oauth_client client;
    struct atrium_oauth_scopes scopes;
    struct atrium_mint_request req;
};

static void add_group(struct fx *f, bool security, char id[ATRIUM_UUID_LEN + 1])
{
    struct atrium_group g = {
        .display_name = "G", .mail_nickname = "g", .security_enabled = security, .created = 1};
    atrium_uuid_v4(g.id);
    assert_int_equal(f->s->ops->group_insert(f->s, f->tenant, &g), 0);
    memcpy(id, g.id, sizeof(g.id));
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char hex[17];
    atrium_random_hex(hex, 8);
    f->db_path =
        xasprintf("%s/groups-claim-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    AUTO_FREE char *uri = xasprintf("sqlite:%s", f->db_path);
    AUTO_FREE char *domain = xasprintf("t%s.atrium.localhost", hex);
    struct atrium_errinfo e = {0};
    int version = 0;
    assert_int_equal(atrium_store_open(uri, &f->s, &e), 0);
    assert_int_equal(atrium_store_migrate(f->s, &version), 0);
    struct atrium_tenant t = {
        .display_name = "Contoso", .country = "US", .initial_domain = domain, .created = 1};
    atrium_uuid_v4(t.id);
    assert_int_equal(f->s->ops->tenant_insert(f->s, &t), 0);
    memcpy(f->tenant, t.id, sizeof(t.id));
    f->user = (struct atrium_user){.upn = "carol@example.com",
                                   .display_name = "Carol",
                                   .account_enabled = true,
                                   .created = 1,
                                   .password_changed = 1};
    atrium_uuid_v4(f->user.id);
    assert_int_equal(f->s->ops->user_insert(f->s, f->tenant, &f->user), 0);
    /* carol in inner, inner in outer (security groups); carol in plain (not security). */
    add_group(f, true, f->outer);
    add_group(f, true, f->inner);
    add_group(f, false, f->plain);
    assert_int_equal(f->s->ops->group_member_add(f->s, f->tenant, f->inner, f->user.id), 0);
    assert_int_equal(f->s->ops->group_member_add(f->s, f->tenant, f->outer, f->inner), 0);
    assert_int_equal(f->s->ops->group_member_add(f->s, f->tenant, f->plain, f->user.id), 0);

    atrium_uuid_v4(f->client.app_id);
    f->client.definition = json_object();
    memcpy(f->scopes.resource_app_id, f->client.app_id, sizeof(f->scopes.resource_app_id));
    f->req = (struct atrium_mint_request){
        .tenant_id = f->tenant, .client = &f->client, .user = &f->user, .scopes = &f->scopes};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    atrium_store_close(f->s);
    json_decref(f->client.definition);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        AUTO_FREE char *p = xasprintf("%s%s", f->db_path, suffixes[i]);
        unlink(p);
    }
    free(f->db_path);
    free(f);
    return 0;
}

static void set_claims(struct fx *f, const char *value)
{
    json_object_set_new(f->client.definition, "groupMembershipClaims",
                        value ? json_string(value) : json_null());
}

static bool has_id(const json_t *list, const char *id)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(json_string_value(json_array_get(list, i)), id) == 0)
            return true;
    return false;
}

static void test_security_group(void **state)
{
    struct fx *f = *state;
    set_claims(f, "SecurityGroup");
    json_t *id = json_object(), *access = json_object();
    assert_int_equal(atrium_oauth_id_groups(f->s, &f->req, id), 0);
    assert_int_equal(atrium_oauth_access_groups(f->s, &f->req, access), 0);
    json_t *groups = json_object_get(id, "groups");
    assert_int_equal(json_array_size(groups), 2); /* transitive, security only */
    assert_true(has_id(groups, f->inner) && has_id(groups, f->outer));
    assert_true(json_equal(groups, json_object_get(access, "groups")));
    assert_null(json_object_get(id, "hasgroups"));
    json_decref(id);
    json_decref(access);
}

static void test_all_and_none(void **state)
{
    struct fx *f = *state;
    json_t *c = json_object();
    set_claims(f, "DirectoryRole, All");
    assert_int_equal(atrium_oauth_id_groups(f->s, &f->req, c), 0);
    assert_int_equal(json_array_size(json_object_get(c, "groups")), 3);
    json_decref(c);
    static const char *const nothing[] = {"None", "DirectoryRole", "ApplicationGroup", "bogus"};
    for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
        c = json_object();
        set_claims(f, nothing[i]);
        assert_int_equal(atrium_oauth_id_groups(f->s, &f->req, c), 0);
        assert_int_equal(json_object_size(c), 0);
        json_decref(c);
    }
    c = json_object();
    set_claims(f, NULL);
    assert_int_equal(atrium_oauth_access_groups(f->s, &f->req, c), 0);
    assert_int_equal(json_object_size(c), 0);
    json_decref(c);
}

static void test_resource_and_app_only(void **state)
{
    struct fx *f = *state;
    set_claims(f, "All");
    json_t *c = json_object();
    /* A directory API access token: the resource is not the client. */
    snprintf(f->scopes.resource_app_id, sizeof(f->scopes.resource_app_id), "%s",
             ATRIUM_GRAPH_APP_ID);
    assert_int_equal(atrium_oauth_access_groups(f->s, &f->req, c), 0);
    f->scopes.resource_app_id[0] = '\0'; /* OIDC scopes only */
    assert_int_equal(atrium_oauth_access_groups(f->s, &f->req, c), 0);
    assert_int_equal(json_object_size(c), 0);
    /* App-only: no user, no groups. */
    memcpy(f->scopes.resource_app_id, f->client.app_id, sizeof(f->scopes.resource_app_id));
    f->req.user = NULL;
    assert_int_equal(atrium_oauth_access_groups(f->s, &f->req, c), 0);
    assert_int_equal(atrium_oauth_id_groups(f->s, &f->req, c), 0);
    assert_int_equal(json_object_size(c), 0);
    json_decref(c);
}

static void test_overage(void **state)
{
    struct fx *f = *state;
    set_claims(f, "SecurityGroup");
    for (int i = 0; i < ATRIUM_GROUPS_CLAIM_MAX; i++) {
        char g[ATRIUM_UUID_LEN + 1];
        add_group(f, true, g);
        assert_int_equal(f->s->ops->group_member_add(f->s, f->tenant, g, f->user.id), 0);
    }
    json_t *c = json_object();
    assert_int_equal(atrium_oauth_id_groups(f->s, &f->req, c), 0);
    assert_null(json_object_get(c, "groups"));
    assert_true(json_is_true(json_object_get(c, "hasgroups")));
    json_decref(c);
}

static void test_parse(void **state)
{
    unsigned bits = 99;
    (void)state;
    assert_int_equal(atrium_group_claims_parse(NULL, &bits), 0);
    assert_int_equal(bits, 0);
    assert_int_equal(atrium_group_claims_parse("securitygroup", &bits), 0);
    assert_int_equal(bits, ATRIUM_GROUP_CLAIMS_SECURITY);
    assert_int_equal(atrium_group_claims_parse("SecurityGroup, DirectoryRole", &bits), 0);
    assert_int_equal(bits, ATRIUM_GROUP_CLAIMS_SECURITY | ATRIUM_GROUP_CLAIMS_ROLES);
    assert_int_equal(atrium_group_claims_parse("All", &bits), 0);
    assert_int_equal(bits, ATRIUM_GROUP_CLAIMS_ALL);
    assert_int_equal(atrium_group_claims_parse("", &bits), ATRIUM_EINVAL);
    assert_int_equal(atrium_group_claims_parse("Security", &bits), ATRIUM_EINVAL);
    assert_int_equal(atrium_group_claims_parse("All,", &bits), ATRIUM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_security_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_and_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_and_app_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overage, setup, teardown),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
