/* SPDX-License-Identifier: MIT */
/*
 * The users services (graph/users_api.h) on an in-memory store with two
 * signed-up tenants: create (required and unknown properties, duplicate
 * UPN as 400, foreign domain), get by id and UPN, PATCH (profile, disable
 * revokes refresh tokens, password reset), the end of a user's browser
 * sessions (reset, disable, delete, revokeSignInSessions and its /me form,
 * with its authorization, audit entry and isolation), the administrator
 * ranks, soft delete / restore / permanent delete / retention purge, listing with
 * $skiptoken paging and $count, /me, /organization, and isolation: tenant
 * B's ids and UPNs in a path or a filter behave exactly like unknown ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/mac.h"
#include "crypto/pwhash.h"
#include "graph/directory.h"
#include "graph/users_api.h"
#include "model/directory_role.h"
#include "model/password_policy.h"
#include "store/store.h"
#include "store/store_oauth.h"

#define PASSWORD "Vq7#mZ2!pL9x-tRw"
#define PASSWORD2 "Zx8!kQ3#mW7p-Lrt"
#define REVOKE_ACTIVITY "Invalidate all refresh tokens for user"

struct fx {
    struct atrium_store *s;
    struct atrium_pwhasher *hasher;
    struct atrium_mac_key *key;
    struct atrium_directory_config cfg;
    struct atrium_users_env env;
    struct atrium_signup_result a, b;
    struct atrium_principal admin_a, admin_b, member_a, app_a, helpdesk_a, uadmin_a;
};

static struct atrium_principal delegated(const char *tenant, const char *user, const char *scope,
                                         const char *wid)
{
    struct atrium_principal p = {0};
    snprintf(p.tenant_id, sizeof(p.tenant_id), "%s", tenant);
    snprintf(p.user_id, sizeof(p.user_id), "%s", user);
    p.scopes[p.scope_count++] = xstrdup(scope);
    p.scopes[p.scope_count++] = xstrdup("User.Read");
    if (wid)
        p.wids[p.wid_count++] = xstrdup(wid);
    return p;
}

static void signup(struct fx *f, const char *prefix, struct atrium_signup_result *ret)
{
    struct atrium_signup_request req = {.display_name = "Org",
                                        .domain_prefix = prefix,
                                        .country = "US",
                                        .contact_email = "it@example.com",
                                        .admin_given_name = "Ada",
                                        .admin_surname = "Admin",
                                        .admin_user_name = "ada",
                                        .admin_password = PASSWORD};
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_tenant_signup(f->s, &f->cfg, &req, ret, &e), 0);
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_store_open("sqlite::memory:", &f->s, &e), 0);
    assert_int_equal(atrium_store_migrate(f->s, NULL), 0);
    struct atrium_pwhash_params p = {
        .memory_kib = 1024, .iterations = 1, .parallelism = 1, .max_concurrent = 1};
    assert_int_equal(atrium_pwhasher_new(&p, &f->hasher), 0);
    f->cfg = (struct atrium_directory_config){.initial_domain_suffix = "atrium.localhost",
                                              .password_policy = ATRIUM_PASSWORD_POLICY_DEFAULT,
                                              .hasher = f->hasher};
    f->key = atrium_mac_key_random();
    f->env = (struct atrium_users_env){.store = f->s, .dir = &f->cfg, .paging_key = f->key};
    signup(f, "alpha", &f->a);
    signup(f, "beta", &f->b);
    const char *ta = f->a.tenant.id, *ua = f->a.admin.id;
    f->admin_a = delegated(ta, ua, "User.ReadWrite.All", ATRIUM_ROLE_GLOBAL_ADMIN);
    f->admin_b = delegated(f->b.tenant.id, f->b.admin.id, "Directory.ReadWrite.All",
                           ATRIUM_ROLE_GLOBAL_ADMIN);
    f->member_a = delegated(ta, ua, "User.ReadWrite.All", NULL);
    f->helpdesk_a = delegated(ta, ua, "User.ReadWrite.All", ATRIUM_ROLE_HELPDESK_ADMIN);
    f->uadmin_a = delegated(ta, ua, "User.ReadWrite.All", ATRIUM_ROLE_USER_ADMIN);
    snprintf(f->app_a.tenant_id, sizeof(f->app_a.tenant_id), "%s", ta);
    f->app_a.app_only = true;
    f->app_a.roles[f->app_a.role_count++] = xstrdup("User.ReadWrite.All");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    atrium_clock_set_offset(0);
    struct atrium_principal *ps[] = {&f->admin_a,    &f->admin_b,  &f->member_a,
                                     &f->helpdesk_a, &f->uadmin_a, &f->app_a};
    for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
        atrium_principal_release(ps[i]);
    atrium_signup_result_release(&f->a);
    atrium_signup_result_release(&f->b);
    atrium_store_close(f->s);
    atrium_pwhasher_free(f->hasher);
    atrium_mac_key_free(f->key);
    xfree(f);
    return 0;
}

/* Create a user of tenant A named local (expecting rc); the new id in ret_id. */
static int create(struct fx *f, const struct atrium_principal *who, const char *json,
                  char ret_id[ATRIUM_UUID_LEN + 1], struct atrium_errinfo *e)
{
    json_t *body = json_loads(json, 0, NULL);
    assert_non_null(body);
    struct atrium_user u = {0};
    int r = atrium_graph_user_create(&f->env, who->tenant_id, who, body, &u, e);
    if (r == 0 && ret_id)
        snprintf(ret_id, ATRIUM_UUID_LEN + 1, "%s", u.id);
    atrium_user_release(&u);
    json_decref(body);
    return r;
}

static char *user_json(const char *local, const char *domain, const char *extra)
{
    return xasprintf("{\"accountEnabled\":true,\"displayName\":\"%s\",\"mailNickname\":\"%s\","
                     "\"userPrincipalName\":\"%s@%s\",\"passwordProfile\":{\"password\":\"%s\"}%s}",
                     local, local, local, domain, PASSWORD, extra ? extra : "");
}

static int patch(struct fx *f, const struct atrium_principal *who, const char *id, const char *json,
                 struct atrium_errinfo *e)
{
    json_t *body = json_loads(json, 0, NULL);
    assert_non_null(body);
    int r = atrium_graph_user_update(&f->env, who->tenant_id, who, id, body, e);
    json_decref(body);
    return r;
}

static void test_create(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    const char *dom = f->a.tenant.initial_domain;
    char id[ATRIUM_UUID_LEN + 1];
    AUTO_FREE char *bob =
        user_json("bob", dom,
                  ",\"givenName\":\"Bob\",\"department\":\"Sales\","
                  "\"businessPhones\":[\"+1 555 0100\"],\"usageLocation\":\"FR\"");
    assert_int_equal(create(f, &f->admin_a, bob, id, &e), 0);
    struct atrium_user u = {0};
    assert_int_equal(atrium_graph_user_get(&f->env, f->a.tenant.id, &f->member_a, id, &u, &e), 0);
    assert_string_equal(u.given_name, "Bob");
    assert_string_equal(u.attrs[ATRIUM_USER_ATTR_DEPARTMENT], "Sales");
    assert_string_equal(u.attrs[ATRIUM_USER_ATTR_MAIL_NICKNAME], "bob");
    json_t *j = atrium_graph_user_to_json(&u, NULL, false);
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "businessPhones"), 0)),
                        "+1 555 0100");
    assert_true(json_is_null(json_object_get(j, "mobilePhone")));
    assert_null(json_object_get(j, "department")); /* not a default property */
    assert_null(json_object_get(j, "passwordProfile"));
    json_decref(j);
    atrium_user_release(&u);

    assert_int_equal(create(f, &f->admin_a, bob, NULL, &e), ATRIUM_EINVAL);
    assert_string_equal(e.message, "Another object with the same value for property "
                                   "userPrincipalName already exists.");
    AUTO_FREE char *colour = user_json("carl", dom, ",\"favouriteColour\":\"red\"");
    assert_int_equal(create(f, &f->admin_a, colour, NULL, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "favouriteColour");
    AUTO_FREE char *ro = user_json("carl", dom, ",\"id\":\"x\"");
    assert_int_equal(create(f, &f->admin_a, ro, NULL, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "id");
    assert_int_equal(
        create(f, &f->admin_a, "{\"accountEnabled\":true,\"displayName\":\"D\"}", NULL, &e),
        ATRIUM_EINVAL);
    assert_string_equal(e.field, "mailNickname");
    AUTO_FREE char *foreign = user_json("carl", f->b.tenant.initial_domain, NULL);
    assert_int_equal(create(f, &f->admin_a, foreign, NULL, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "userPrincipalName");
    AUTO_FREE char *weak = xasprintf("{\"accountEnabled\":true,\"displayName\":\"W\","
                                     "\"mailNickname\":\"w\",\"userPrincipalName\":\"w@%s\","
                                     "\"passwordProfile\":{\"password\":\"short\"}}",
                                     dom);
    assert_int_equal(create(f, &f->admin_a, weak, NULL, &e), ATRIUM_EINVAL);
    AUTO_FREE char *carl = user_json("carl", dom, NULL);
    assert_int_equal(create(f, &f->member_a, carl, NULL, &e), ATRIUM_EFORBIDDEN);
    assert_int_equal(create(f, &f->app_a, carl, NULL, &e), 0);
}

static void test_isolation(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0}, e2 = {0};
    struct atrium_user u = {0};
    const char *ta = f->a.tenant.id;
    /* B's admin by id and by UPN, from A: not found, like a random id. */
    assert_int_equal(atrium_graph_user_get(&f->env, ta, &f->admin_a, f->b.admin.id, &u, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_user_get(&f->env, ta, &f->admin_a,
                                           "00000000-0000-4000-8000-000000000000", &u, &e2),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_user_get(&f->env, ta, &f->admin_a, f->b.admin.upn, &u, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(patch(f, &f->admin_a, f->b.admin.id, "{\"displayName\":\"pwned\"}", &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_user_delete(&f->env, ta, &f->admin_a, f->b.admin.id, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(
        atrium_graph_user_get(&f->env, f->b.tenant.id, &f->admin_b, f->b.admin.id, &u, &e), 0);
    assert_string_equal(u.display_name, "Ada Admin");
    atrium_user_release(&u);
    /* In a filter: no rows. */
    struct atrium_odata_request q;
    struct atrium_graph_user_page page = {0};
    atrium_odata_request_init(&q);
    AUTO_FREE char *flt =
        xasprintf("id eq '%s' or userPrincipalName eq '%s'", f->b.admin.id, f->b.admin.upn);
    assert_int_equal(atrium_odata_request_set(&q, &atrium_graph_user_resource, "$filter", flt, &e),
                     0);
    assert_int_equal(atrium_graph_user_list(&f->env, ta, &f->admin_a, &q, false, false, &page, &e),
                     0);
    assert_int_equal(page.count, 0);
    atrium_graph_user_page_release(&page);
    atrium_odata_request_release(&q);
    /* A token of A's caller is refused in B's tenant whatever the rule. */
    assert_int_equal(
        atrium_graph_user_get(&f->env, f->b.tenant.id, &f->admin_a, f->b.admin.id, &u, &e),
        ATRIUM_EFORBIDDEN);
}

static void test_update(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    const char *ta = f->a.tenant.id, *dom = f->a.tenant.initial_domain;
    char id[ATRIUM_UUID_LEN + 1];
    AUTO_FREE char *dan = user_json("dan", dom, NULL);
    assert_int_equal(create(f, &f->admin_a, dan, id, &e), 0);
    AUTO_FREE char *upn = xasprintf("{\"userPrincipalName\":\"daniel@%s\",\"jobTitle\":\"Boss\","
                                    "\"mobilePhone\":null,\"otherMails\":[\"d@x.example\"]}",
                                    dom);
    assert_int_equal(patch(f, &f->uadmin_a, id, upn, &e), 0);
    struct atrium_user u = {0};
    AUTO_FREE char *new_upn = xasprintf("DANIEL@%s", dom);
    assert_int_equal(atrium_graph_user_get(&f->env, ta, &f->admin_a, new_upn, &u, &e), 0);
    assert_string_equal(u.job_title, "Boss");
    assert_int_equal(u.other_mails.count, 1);
    atrium_user_release(&u);
    assert_int_equal(patch(f, &f->admin_a, id, "{\"displayName\":null}", &e), ATRIUM_EINVAL);
    assert_int_equal(patch(f, &f->admin_a, id, "{\"usageLocation\":\"XX\"}", &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "usageLocation");
    assert_int_equal(patch(f, &f->member_a, id, "{\"jobTitle\":\"x\"}", &e), ATRIUM_EFORBIDDEN);

    /* Disabling revokes the refresh tokens. */
    struct atrium_refresh_token rt = {.scope = "openid",
                                      .created = atrium_now(),
                                      .expires = atrium_now() + 3600,
                                      .auth_time = atrium_now()};
    snprintf(rt.token_hash, sizeof(rt.token_hash), "hash-of-dan");
    snprintf(rt.tenant_id, sizeof(rt.tenant_id), "%s", ta);
    atrium_uuid_v4(rt.family_id);
    atrium_uuid_v4(rt.client_id);
    snprintf(rt.user_id, sizeof(rt.user_id), "%s", id);
    assert_int_equal(f->s->oauth->refresh_insert(f->s, &rt), 0);
    assert_int_equal(patch(f, &f->admin_a, id, "{\"accountEnabled\":false}", &e), 0);
    struct atrium_refresh_token got = {0};
    assert_int_equal(f->s->oauth->refresh_use(f->s, ta, "hash-of-dan", atrium_now(), &got),
                     ATRIUM_ECONFLICT);
    assert_true(got.revoked);
    free(got.scope);

    /* Password reset: the new hash verifies. */
    AUTO_FREE char *reset = xasprintf("{\"passwordProfile\":{\"password\":\"%s\","
                                      "\"forceChangePasswordNextSignIn\":true}}",
                                      PASSWORD2);
    assert_int_equal(patch(f, &f->helpdesk_a, id, reset, &e), 0);
    assert_int_equal(f->s->ops->user_get(f->s, ta, id, &u), 0);
    bool match = false;
    assert_int_equal(atrium_pwhash_verify(f->hasher, u.password_hash, PASSWORD2, &match, NULL), 0);
    assert_true(match);
    assert_true(u.force_change_password);
    atrium_user_release(&u);
    /* Helpdesk: passwords only, and never of an administrator; apps never reset. */
    assert_int_equal(patch(f, &f->helpdesk_a, id, "{\"jobTitle\":\"x\"}", &e), ATRIUM_EFORBIDDEN);
    assert_int_equal(patch(f, &f->helpdesk_a, f->a.admin.id, reset, &e), ATRIUM_EFORBIDDEN);
    assert_int_equal(patch(f, &f->uadmin_a, f->a.admin.id, "{\"jobTitle\":\"x\"}", &e),
                     ATRIUM_EFORBIDDEN);
    assert_int_equal(patch(f, &f->app_a, id, reset, &e), ATRIUM_EFORBIDDEN);
    assert_int_equal(patch(f, &f->app_a, id, "{\"jobTitle\":\"Ops\"}", &e), 0);
    assert_int_equal(patch(f, &f->app_a, f->a.admin.id, "{\"jobTitle\":\"x\"}", &e),
                     ATRIUM_EFORBIDDEN);
}

/* A browser session of user_id in tenant t; its id hash into ret. */
static void give_session(struct fx *f, const char *t, const char *user_id,
                         char ret[ATRIUM_HASH_TEXT_MAX + 1])
{
    struct atrium_session ss = {
        .auth_time = atrium_now(), .created = atrium_now(), .expires = atrium_now() + 3600};
    atrium_random_hex(ret, 21);
    snprintf(ss.id_hash, sizeof(ss.id_hash), "%s", ret);
    snprintf(ss.tenant_id, sizeof(ss.tenant_id), "%s", t);
    snprintf(ss.user_id, sizeof(ss.user_id), "%s", user_id);
    assert_int_equal(f->s->oauth->session_insert(f->s, &ss), 0);
}

static bool session_alive(struct fx *f, const char *t, const char *hash)
{
    struct atrium_session got = {0};
    int r = f->s->oauth->session_get(f->s, t, hash, atrium_now(), &got);
    assert_true(r == 0 || r == ATRIUM_ENOTFOUND);
    return r == 0;
}

static size_t audits(struct fx *f, const char *t, char *activity)
{
    struct atrium_audit_filter af = {.activity = activity};
    struct atrium_directory_audit_list l = {0};
    assert_int_equal(f->s->ops->audit_list(f->s, t, &af, NULL, 100, &l), 0);
    size_t n = l.count;
    atrium_directory_audit_list_release(&l);
    return n;
}

static void test_writes_end_sessions(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    const char *ta = f->a.tenant.id, *dom = f->a.tenant.initial_domain;
    char id[ATRIUM_UUID_LEN + 1], s1[ATRIUM_HASH_TEXT_MAX + 1], s2[ATRIUM_HASH_TEXT_MAX + 1];
    char admin[ATRIUM_HASH_TEXT_MAX + 1];
    AUTO_FREE char *fay = user_json("fay", dom, NULL);
    assert_int_equal(create(f, &f->admin_a, fay, id, &e), 0);
    give_session(f, ta, f->a.admin.id, admin);
    /* An administrator's password reset ends the user's sessions (not the admin's). */
    give_session(f, ta, id, s1);
    give_session(f, ta, id, s2);
    AUTO_FREE char *reset = xasprintf("{\"passwordProfile\":{\"password\":\"%s\"}}", PASSWORD2);
    assert_int_equal(patch(f, &f->admin_a, id, reset, &e), 0);
    assert_false(session_alive(f, ta, s1));
    assert_false(session_alive(f, ta, s2));
    assert_true(session_alive(f, ta, admin));
    /* A profile change does not; disabling does. */
    give_session(f, ta, id, s1);
    assert_int_equal(patch(f, &f->admin_a, id, "{\"jobTitle\":\"Ops\"}", &e), 0);
    assert_true(session_alive(f, ta, s1));
    assert_int_equal(patch(f, &f->admin_a, id, "{\"accountEnabled\":false}", &e), 0);
    assert_false(session_alive(f, ta, s1));
    /* A refused reset (policy) changes nothing. */
    assert_int_equal(patch(f, &f->admin_a, id, "{\"accountEnabled\":true}", &e), 0);
    give_session(f, ta, id, s1);
    assert_int_equal(
        patch(f, &f->admin_a, id, "{\"passwordProfile\":{\"password\":\"short\"}}", &e),
        ATRIUM_EINVAL);
    assert_true(session_alive(f, ta, s1));
    /* Deleting ends them too. */
    assert_int_equal(atrium_graph_user_delete(&f->env, ta, &f->admin_a, id, &e), 0);
    assert_false(session_alive(f, ta, s1));
    assert_true(session_alive(f, ta, admin));
}

static void test_revoke_sign_in_sessions(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    const char *ta = f->a.tenant.id, *tb = f->b.tenant.id, *dom = f->a.tenant.initial_domain;
    char id[ATRIUM_UUID_LEN + 1], s1[ATRIUM_HASH_TEXT_MAX + 1], sb[ATRIUM_HASH_TEXT_MAX + 1];
    char sa[ATRIUM_HASH_TEXT_MAX + 1];
    AUTO_FREE char *gus = user_json("gus", dom, NULL);
    assert_int_equal(create(f, &f->admin_a, gus, id, &e), 0);
    give_session(f, ta, id, s1);
    give_session(f, tb, f->b.admin.id, sb);
    give_session(f, ta, f->a.admin.id, sa);
    struct atrium_refresh_token rt = {.scope = "openid",
                                      .created = atrium_now(),
                                      .expires = atrium_now() + 3600,
                                      .auth_time = atrium_now()};
    snprintf(rt.token_hash, sizeof(rt.token_hash), "hash-of-gus");
    snprintf(rt.tenant_id, sizeof(rt.tenant_id), "%s", ta);
    atrium_uuid_v4(rt.family_id);
    atrium_uuid_v4(rt.client_id);
    snprintf(rt.user_id, sizeof(rt.user_id), "%s", id);
    assert_int_equal(f->s->oauth->refresh_insert(f->s, &rt), 0);

    /* Who may: not a plain member; not B's admin (A's user is unknown there). */
    assert_int_equal(atrium_graph_user_revoke_sessions(&f->env, ta, &f->member_a, id, &e),
                     ATRIUM_EFORBIDDEN);
    assert_int_equal(atrium_graph_user_revoke_sessions(&f->env, tb, &f->admin_b, id, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_user_revoke_sessions(&f->env, ta, &f->admin_b, id, &e),
                     ATRIUM_EFORBIDDEN);
    /* Helpdesk and apps: not for a user holding a role. */
    assert_int_equal(
        atrium_graph_user_revoke_sessions(&f->env, ta, &f->helpdesk_a, f->a.admin.id, &e),
        ATRIUM_EFORBIDDEN);
    assert_int_equal(atrium_graph_user_revoke_sessions(&f->env, ta, &f->app_a, f->a.admin.id, &e),
                     ATRIUM_EFORBIDDEN);
    assert_true(session_alive(f, ta, s1));
    assert_true(session_alive(f, ta, sa));
    assert_int_equal(audits(f, ta, REVOKE_ACTIVITY), 0);

    /* By UPN, by the helpdesk: sessions and refresh tokens end, with an audit entry. */
    AUTO_FREE char *upn = xasprintf("GUS@%s", dom);
    assert_int_equal(atrium_graph_user_revoke_sessions(&f->env, ta, &f->helpdesk_a, upn, &e), 0);
    assert_false(session_alive(f, ta, s1));
    struct atrium_refresh_token got = {0};
    assert_int_equal(f->s->oauth->refresh_use(f->s, ta, "hash-of-gus", atrium_now(), &got),
                     ATRIUM_ECONFLICT);
    assert_true(got.revoked);
    atrium_refresh_token_release(&got);
    assert_int_equal(audits(f, ta, REVOKE_ACTIVITY), 1);
    assert_true(session_alive(f, ta, sa));
    assert_true(session_alive(f, tb, sb));
    /* Again (nothing left), and by an app: fine. */
    assert_int_equal(atrium_graph_user_revoke_sessions(&f->env, ta, &f->app_a, id, &e), 0);
    assert_int_equal(atrium_graph_user_revoke_sessions(&f->env, ta, &f->admin_a,
                                                       "00000000-0000-4000-8000-000000000000", &e),
                     ATRIUM_ENOTFOUND);

    /* /me: the caller's own sign-ins, delegated only. */
    assert_int_equal(atrium_graph_me_revoke_sessions(&f->env, ta, &f->app_a, &e), ATRIUM_EINVAL);
    assert_true(session_alive(f, ta, sa));
    assert_int_equal(atrium_graph_me_revoke_sessions(&f->env, ta, &f->member_a, &e), 0);
    assert_false(session_alive(f, ta, sa));
    assert_true(session_alive(f, tb, sb));
    assert_int_equal(audits(f, ta, REVOKE_ACTIVITY), 3);
    assert_int_equal(audits(f, tb, REVOKE_ACTIVITY), 0);
}

static void test_delete_restore_purge(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    const char *ta = f->a.tenant.id, *dom = f->a.tenant.initial_domain;
    char id[ATRIUM_UUID_LEN + 1];
    AUTO_FREE char *eve = user_json("eve", dom, NULL);
    assert_int_equal(create(f, &f->admin_a, eve, id, &e), 0);
    assert_int_equal(atrium_graph_user_delete(&f->env, ta, &f->member_a, id, &e),
                     ATRIUM_EFORBIDDEN);
    assert_int_equal(atrium_graph_user_delete(&f->env, ta, &f->admin_a, id, &e), 0);
    struct atrium_user u = {0};
    assert_int_equal(atrium_graph_user_get(&f->env, ta, &f->admin_a, id, &u, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(create(f, &f->admin_a, eve, NULL, &e), ATRIUM_EINVAL); /* UPN reserved */
    assert_int_equal(atrium_graph_deleted_user_get(&f->env, ta, &f->admin_a, id, &u, &e), 0);
    assert_true(u.deleted > 0);
    atrium_user_release(&u);
    assert_int_equal(
        atrium_graph_deleted_user_get(&f->env, f->b.tenant.id, &f->admin_b, id, &u, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(
        atrium_graph_deleted_user_restore(&f->env, f->b.tenant.id, &f->admin_b, id, &u, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_deleted_user_restore(&f->env, ta, &f->admin_a, id, &u, &e), 0);
    assert_int_equal(u.deleted, 0);
    atrium_user_release(&u);
    assert_int_equal(atrium_graph_user_get(&f->env, ta, &f->admin_a, id, &u, &e), 0);
    atrium_user_release(&u);

    /* Permanent delete frees the UPN. */
    assert_int_equal(atrium_graph_user_delete(&f->env, ta, &f->admin_a, id, &e), 0);
    assert_int_equal(atrium_graph_deleted_user_purge(&f->env, ta, &f->admin_a, id, &e), 0);
    assert_int_equal(atrium_graph_deleted_user_get(&f->env, ta, &f->admin_a, id, &u, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(create(f, &f->admin_a, eve, id, &e), 0);

    /* Retention: 31 days later the next deleted-items call purges it. */
    assert_int_equal(atrium_graph_user_delete(&f->env, ta, &f->admin_a, id, &e), 0);
    atrium_clock_set_offset(29 * 86400);
    assert_int_equal(atrium_graph_deleted_user_get(&f->env, ta, &f->admin_a, id, &u, &e), 0);
    atrium_user_release(&u);
    atrium_clock_set_offset(31 * 86400);
    assert_int_equal(atrium_graph_deleted_user_get(&f->env, ta, &f->admin_a, id, &u, &e),
                     ATRIUM_ENOTFOUND);
    atrium_clock_set_offset(0);
    assert_int_equal(create(f, &f->admin_a, eve, NULL, &e), 0);
}

/* List tenant A with options (name, value pairs), collecting every page; returns the count. */
static size_t list_all(struct fx *f, const char *const *kv, bool eventual, int64_t *ret_total)
{
    struct atrium_errinfo e = {0};
    char *token = NULL;
    size_t seen = 0;
    for (int pages = 0; pages < 100; pages++) {
        struct atrium_odata_request q;
        struct atrium_graph_user_page page = {0};
        atrium_odata_request_init(&q);
        for (const char *const *p = kv; p[0]; p += 2)
            assert_int_equal(
                atrium_odata_request_set(&q, &atrium_graph_user_resource, p[0], p[1], &e), 0);
        q.skiptoken = token;
        int r = atrium_graph_user_list(&f->env, f->a.tenant.id, &f->admin_a, &q, eventual, false,
                                       &page, &e);
        if (r < 0)
            fail_msg("list: %s", e.message);
        if (pages == 0 && ret_total)
            *ret_total = page.total;
        if (pages > 0)
            assert_int_equal(page.total, -1);
        seen += page.count;
        token = TAKE_PTR(page.next_token);
        atrium_graph_user_page_release(&page);
        atrium_odata_request_release(&q);
        if (!token)
            return seen;
    }
    fail_msg("too many pages");
    return 0;
}

static void test_list(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    const char *dom = f->a.tenant.initial_domain;
    for (int i = 0; i < 25; i++) {
        char local[16];
        snprintf(local, sizeof(local), "p%02d", i);
        AUTO_FREE char *json = user_json(local, dom, NULL);
        assert_int_equal(create(f, &f->app_a, json, NULL, &e), 0);
    }
    const char *const top10[] = {"$top", "10", NULL};
    assert_int_equal(list_all(f, top10, false, NULL), 26);
    int64_t total = 0;
    const char *const prefix[] = {"$top",   "4",    "$filter", "startswith(displayName,'p1')",
                                  "$count", "true", NULL};
    assert_int_equal(list_all(f, prefix, true, &total), 10);
    assert_int_equal(total, 10);
    const char *const ordered[] = {"$top", "7", "$orderby", "displayName desc", NULL};
    assert_int_equal(list_all(f, ordered, false, NULL), 26);
    const char *const searched[] = {"$search", "\"displayName:p2\"", NULL};
    assert_int_equal(list_all(f, searched, true, NULL), 5);

    struct atrium_odata_request q;
    int64_t n = 0;
    atrium_odata_request_init(&q);
    assert_int_equal(
        atrium_graph_user_count(&f->env, f->a.tenant.id, &f->admin_a, &q, false, &n, &e),
        ATRIUM_EINVAL);
    assert_string_equal(e.message, "$count is not currently supported.");
    assert_int_equal(
        atrium_graph_user_count(&f->env, f->a.tenant.id, &f->admin_a, &q, true, &n, &e), 0);
    assert_int_equal(n, 26);
    atrium_odata_request_release(&q);

    /* A page token is worthless in another tenant or with another filter. */
    struct atrium_graph_user_page page = {0};
    atrium_odata_request_init(&q);
    q.top = 3;
    assert_int_equal(
        atrium_graph_user_list(&f->env, f->a.tenant.id, &f->admin_a, &q, false, false, &page, &e),
        0);
    assert_non_null(page.next_token);
    char *token = TAKE_PTR(page.next_token);
    atrium_graph_user_page_release(&page);
    q.skiptoken = xstrdup(token);
    assert_int_equal(
        atrium_graph_user_list(&f->env, f->b.tenant.id, &f->admin_b, &q, false, false, &page, &e),
        ATRIUM_EINVAL);
    assert_string_equal(e.field, "$skiptoken");
    assert_int_equal(atrium_odata_request_set(&q, &atrium_graph_user_resource, "$filter",
                                              "accountEnabled eq true", &e),
                     0);
    assert_int_equal(
        atrium_graph_user_list(&f->env, f->a.tenant.id, &f->admin_a, &q, false, false, &page, &e),
        ATRIUM_EINVAL);
    atrium_odata_request_release(&q);
    free(token);
}

static void test_me_and_org(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    const char *ta = f->a.tenant.id;
    struct atrium_user u = {0};
    assert_int_equal(atrium_graph_me_get(&f->env, ta, &f->member_a, &u, &e), 0);
    assert_string_equal(u.id, f->a.admin.id);
    atrium_user_release(&u);
    assert_int_equal(atrium_graph_me_get(&f->env, ta, &f->app_a, &u, &e), ATRIUM_EINVAL);
    json_t *ok = json_pack("{s:s, s:[s]}", "officeLocation", "B12", "businessPhones", "+1 1");
    assert_int_equal(atrium_graph_me_update(&f->env, ta, &f->member_a, ok, &e), 0);
    json_decref(ok);
    json_t *no = json_pack("{s:s}", "displayName", "Self-promoted");
    assert_int_equal(atrium_graph_me_update(&f->env, ta, &f->member_a, no, &e), ATRIUM_EFORBIDDEN);
    json_decref(no);
    assert_int_equal(atrium_graph_me_get(&f->env, ta, &f->member_a, &u, &e), 0);
    assert_string_equal(u.attrs[ATRIUM_USER_ATTR_OFFICE_LOCATION], "B12");
    assert_string_equal(u.display_name, "Ada Admin");
    atrium_user_release(&u);

    json_t *org = NULL;
    struct atrium_principal org_admin =
        delegated(ta, f->a.admin.id, "Organization.ReadWrite.All", ATRIUM_ROLE_GLOBAL_ADMIN);
    /* With User.Read alone: id, displayName, verifiedDomains only. */
    assert_int_equal(atrium_graph_org_get(&f->env, ta, &f->admin_a, &org, &e), 0);
    assert_true(json_is_null(json_object_get(org, "countryLetterCode")));
    assert_int_equal(json_array_size(json_object_get(org, "technicalNotificationMails")), 0);
    json_decref(org);
    assert_int_equal(atrium_graph_org_get(&f->env, ta, &org_admin, &org, &e), 0);
    assert_string_equal(json_string_value(json_object_get(org, "countryLetterCode")), "US");
    assert_string_equal(json_string_value(json_object_get(org, "id")), ta);
    json_t *vd = json_array_get(json_object_get(org, "verifiedDomains"), 0);
    assert_string_equal(json_string_value(json_object_get(vd, "name")), f->a.tenant.initial_domain);
    assert_true(json_is_true(json_object_get(vd, "isInitial")));
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(org, "technicalNotificationMails"), 0)),
        "it@example.com");
    json_decref(org);
    json_t *body = json_pack("{s:s, s:[s]}", "displayName", "Alpha Corp",
                             "technicalNotificationMails", "ops@alpha.example");
    assert_int_equal(atrium_graph_org_update(&f->env, ta, &org_admin, f->b.tenant.id, body, &e),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_org_update(&f->env, ta, &f->member_a, ta, body, &e),
                     ATRIUM_EFORBIDDEN);
    assert_int_equal(atrium_graph_org_update(&f->env, ta, &org_admin, ta, body, &e), 0);
    json_decref(body);
    body = json_pack("{s:s}", "city", "Paris");
    assert_int_equal(atrium_graph_org_update(&f->env, ta, &org_admin, ta, body, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "city");
    json_decref(body);
    atrium_principal_release(&org_admin);
    assert_int_equal(atrium_graph_org_get(&f->env, ta, &f->member_a, &org, &e), 0);
    assert_string_equal(json_string_value(json_object_get(org, "displayName")), "Alpha Corp");
    json_decref(org);
}

/* $expand: memberOf is accepted on users (case-insensitively, once); anything else is a 400. */
static void test_expand_option(void **state)
{
    (void)state;
    struct atrium_errinfo e = {0};
    struct atrium_odata_request q;
    atrium_odata_request_init(&q);
    assert_int_equal(
        atrium_odata_request_set(&q, &atrium_graph_user_resource, "$expand", "memberof", &e), 0);
    assert_true(q.expand_member_of);
    assert_int_equal(
        atrium_odata_request_set(&q, &atrium_graph_user_resource, "$select", "id,displayName", &e),
        0);
    assert_int_equal(
        atrium_odata_request_set(&q, &atrium_graph_user_resource, "$expand", "memberOf", &e),
        ATRIUM_EINVAL);
    atrium_odata_request_release(&q);
    const char *const bad[] = {"manager", "members", "memberOf($select=id)", "*", NULL};
    for (const char *const *v = bad; *v; v++) {
        atrium_odata_request_init(&q);
        assert_int_equal(
            atrium_odata_request_set(&q, &atrium_graph_user_resource, "$expand", *v, &e),
            ATRIUM_EINVAL);
        assert_true(q.unsupported);
        assert_false(q.expand_member_of);
        assert_non_null(strstr(e.message, "memberOf"));
        atrium_odata_request_release(&q);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_end_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke_sign_in_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_restore_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_me_and_org, setup, teardown),
        cmocka_unit_test(test_expand_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
