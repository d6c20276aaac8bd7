/* SPDX-License-Identifier: MIT */
/*
 * The directory audit log against a real SQLite store: building an entry
 * (cleaning, limits, secret redaction), every audited write path leaving
 * its entry with the right initiator, activity and target and no secret
 * (sign-up, user create and password reset, which also ends the user's
 * browser sessions, applications, secrets,
 * service principals, app role assignments, delegated grants, domains),
 * the read services (authorization, tenant isolation, filters, paging),
 * the log query options and the Graph shapes.
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
#include "crypto/pwhash.h"
#include "crypto/secret.h"
#include "graph/apps.h"
#include "graph/audit.h"
#include "graph/directory.h"
#include "graph/domains.h"
#include "model/builtin_apps.h"
#include "model/directory_role.h"
#include "model/principal.h"
#include "store/store.h"
#include "store/store_builtin.h"
#include "store/store_oauth.h"

#define USER_READ_ALL_ROLE "df021288-bdef-4463-88db-98f22de89214"
#define SECRET_PASSWORD "Vq7#mZ2!pL9x-tRw"

struct fx {
    char *db_path;
    struct atrium_store *s;
    struct atrium_pwhasher *hasher;
    struct atrium_masterkey *mk;
    struct atrium_secret_hasher *h;
    struct atrium_directory_config cfg;
    struct atrium_signup_result tenant_a, tenant_b;
    struct atrium_principal admin_a, admin_b, member_a, app_a;
};

static void signup(struct fx *f, struct atrium_signup_result *ret)
{
    char prefix[20];
    char hex[9];
    atrium_random_hex(hex, 4);
    snprintf(prefix, sizeof(prefix), "audit%s", hex);
    const struct atrium_signup_request req = {.display_name = "Fabrikam",
                                              .domain_prefix = prefix,
                                              .country = "US",
                                              .contact_email = "it@example.com",
                                              .admin_given_name = "Ada",
                                              .admin_surname = "Admin",
                                              .admin_user_name = "ada",
                                              .admin_password = SECRET_PASSWORD};
    struct atrium_errinfo e = {0};
    int r = atrium_tenant_signup_as(f->s, &f->cfg, &atrium_audit_actor_cli, &req, ret, &e);
    if (r < 0)
        fail_msg("sign-up failed: %d %s", r, e.message);
}

/* A delegated Global Administrator (the tenant's admin user) with the write scopes. */
static void admin(struct atrium_principal *p, const struct atrium_signup_result *t, const char *wid)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->tenant_id, sizeof(p->tenant_id), "%s", t->tenant.id);
    snprintf(p->user_id, sizeof(p->user_id), "%s", t->admin.id);
    snprintf(p->client_app_id, sizeof(p->client_app_id), "%s", ATRIUM_FIRST_PARTY_CLIENT_ID);
    snprintf(p->correlation_id, sizeof(p->correlation_id), "corr-%s", t->tenant.id);
    snprintf(p->ip_address, sizeof(p->ip_address), "192.0.2.7");
    static const char *const scopes[] = {"Directory.ReadWrite.All", "Application.ReadWrite.All",
                                         "AuditLog.Read.All"};
    for (size_t i = 0; i < 3; i++)
        p->scopes[p->scope_count++] = xstrdup(scopes[i]);
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
        xasprintf("%s/graph-audit-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    AUTO_FREE char *uri = xasprintf("sqlite:%s", f->db_path);
    struct atrium_errinfo e = {0};
    int version = 0;
    assert_int_equal(atrium_store_open(uri, &f->s, &e), 0);
    assert_int_equal(atrium_store_migrate(f->s, &version), 0);
    struct atrium_pwhash_params params = {
        .memory_kib = 1024, .iterations = 1, .parallelism = 1, .max_waiting = 64};
    assert_int_equal(atrium_pwhasher_new(&params, &f->hasher), 0);
    f->mk = atrium_masterkey_generate();
    assert_int_equal(atrium_secret_hasher_new(f->mk, &f->h), 0);
    f->cfg = (struct atrium_directory_config){
        .initial_domain_suffix = "atrium.localhost",
        .password_policy = (struct atrium_password_policy)ATRIUM_PASSWORD_POLICY_DEFAULT,
        .hasher = f->hasher};
    signup(f, &f->tenant_a);
    signup(f, &f->tenant_b);
    admin(&f->admin_a, &f->tenant_a, ATRIUM_ROLE_GLOBAL_ADMIN);
    admin(&f->admin_b, &f->tenant_b, ATRIUM_ROLE_GLOBAL_ADMIN);
    admin(&f->member_a, &f->tenant_a, NULL);
    /* An app-only caller: the first-party client's principal with application permissions. */
    memset(&f->app_a, 0, sizeof(f->app_a));
    snprintf(f->app_a.tenant_id, sizeof(f->app_a.tenant_id), "%s", f->tenant_a.tenant.id);
    snprintf(f->app_a.client_app_id, sizeof(f->app_a.client_app_id), "%s",
             ATRIUM_FIRST_PARTY_CLIENT_ID);
    f->app_a.app_only = true;
    f->app_a.roles[f->app_a.role_count++] = xstrdup("Application.ReadWrite.All");
    f->app_a.roles[f->app_a.role_count++] = xstrdup("AuditLog.Read.All");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    atrium_store_close(f->s);
    atrium_pwhasher_free(f->hasher);
    atrium_secret_hasher_free(f->h);
    atrium_masterkey_free(f->mk);
    atrium_signup_result_release(&f->tenant_a);
    atrium_signup_result_release(&f->tenant_b);
    atrium_principal_release(&f->admin_a);
    atrium_principal_release(&f->admin_b);
    atrium_principal_release(&f->member_a);
    atrium_principal_release(&f->app_a);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        AUTO_FREE char *p = xasprintf("%s%s", f->db_path, suffixes[i]);
        unlink(p);
    }
    free(f->db_path);
    free(f);
    return 0;
}

/* The tenant's entries with that activity (newest first); caller releases. */
static void entries(struct fx *f, const char *tenant_id, const char *activity,
                    struct atrium_directory_audit_list *ret)
{
    struct atrium_audit_filter filter = {.activity = (char *)activity};
    assert_int_equal(
        f->s->ops->audit_list(f->s, tenant_id, activity ? &filter : NULL, NULL, 500, ret), 0);
}

static size_t count(struct fx *f, const char *tenant_id, const char *activity)
{
    struct atrium_directory_audit_list l = {0};
    entries(f, tenant_id, activity, &l);
    size_t n = l.count;
    atrium_directory_audit_list_release(&l);
    return n;
}

/* No entry of the tenant holds text anywhere in its Graph rendering. */
static void assert_nowhere(struct fx *f, const char *tenant_id, const char *text)
{
    struct atrium_directory_audit_list l = {0};
    entries(f, tenant_id, NULL, &l);
    for (size_t i = 0; i < l.count; i++) {
        json_t *obj = atrium_graph_audit_to_json(&l.items[i]);
        AUTO_FREE char *dump = json_dumps(obj, 0);
        if (strstr(dump, text))
            fail_msg("a secret is in the audit entry: %s", dump);
        json_decref(obj);
    }
    atrium_directory_audit_list_release(&l);
}

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    if (!v)
        fail_msg("bad test JSON: %s", jerr.text);
    return v;
}

/* The one entry with activity: its rendering (caller owns). */
static json_t *only(struct fx *f, const char *tenant_id, const char *activity)
{
    struct atrium_directory_audit_list l = {0};
    entries(f, tenant_id, activity, &l);
    if (l.count != 1)
        fail_msg("%zu entries '%s', expected 1", l.count, activity);
    json_t *obj = atrium_graph_audit_to_json(&l.items[0]);
    atrium_directory_audit_list_release(&l);
    return obj;
}

static const char *str_at(json_t *obj, const char *path)
{
    json_t *v = obj;
    AUTO_FREE char *copy = xstrdup(path);
    char *save = NULL;
    for (char *k = strtok_r(copy, "/", &save); k && v; k = strtok_r(NULL, "/", &save))
        v = (*k >= '0' && *k <= '9') ? json_array_get(v, (size_t)atoi(k)) : json_object_get(v, k);
    return json_string_value(v);
}

static void test_build_redacts_and_bounds(void **state)
{
    static const struct atrium_audit_change changes[] = {
        {"password", "old-" SECRET_PASSWORD, SECRET_PASSWORD},
        {"passwordProfile", NULL, SECRET_PASSWORD},
        {"clientSecret", NULL, SECRET_PASSWORD},
        {"secretText", NULL, SECRET_PASSWORD},
        {"displayName", "Old", "New\nline"},
        {"forceChangePasswordNextSignIn", "false", "true"},
    };
    struct atrium_audit_target targets[ATRIUM_AUDIT_TARGETS_MAX + 3];
    for (size_t i = 0; i < ATRIUM_AUDIT_TARGETS_MAX + 3; i++)
        targets[i] = (struct atrium_audit_target){.id = "t", .type = "User"};
    targets[0].changes = changes;
    targets[0].change_count = 6;
    const struct atrium_audit_detail details[] = {{"UserAgent", "curl"}, {"Password", "x"}};
    const struct atrium_audit_event ev = {.category = "UserManagement",
                                          .activity = "Update user",
                                          .operation_type = "Update",
                                          .targets = targets,
                                          .target_count = ATRIUM_AUDIT_TARGETS_MAX + 3,
                                          .details = details,
                                          .detail_count = 2};
    char tenant[ATRIUM_UUID_LEN + 1];
    atrium_uuid_v4(tenant);
    struct atrium_directory_audit a = {0};
    assert_int_equal(atrium_directory_audit_build(tenant, &atrium_audit_actor_cli, &ev, 42, &a), 0);
    assert_null(strstr(a.targets, "pL9x"));
    assert_null(strstr(a.details, "\"x\""));
    json_t *t = parse(a.targets);
    assert_int_equal(json_array_size(t), ATRIUM_AUDIT_TARGETS_MAX);
    json_t *props = json_object_get(json_array_get(t, 0), "modifiedProperties");
    assert_int_equal(json_array_size(props), 6);
    for (size_t i = 0; i < 4; i++) {
        json_t *p = json_array_get(props, i);
        assert_true(json_is_null(json_object_get(p, "oldValue")));
        assert_true(json_is_null(json_object_get(p, "newValue")));
    }
    assert_string_equal(str_at(props, "4/newValue"), "[\"New?line\"]");
    assert_string_equal(str_at(props, "5/newValue"), "[\"true\"]");
    json_decref(t);
    assert_int_equal(a.initiator, ATRIUM_AUDIT_BY_CLI);
    assert_string_equal(a.initiator_name, ATRIUM_AUDIT_CLI_NAME);
    assert_true(atrium_uuid_is_valid(a.correlation_id));
    assert_int_equal(a.activity_time, 42);
    atrium_directory_audit_release(&a);
    /* Required names. */
    struct atrium_audit_event bad = ev;
    bad.activity = NULL;
    assert_int_equal(atrium_directory_audit_build(tenant, &atrium_audit_actor_cli, &bad, 42, &a),
                     ATRIUM_EINVAL);
    assert_int_equal(atrium_directory_audit_build(NULL, &atrium_audit_actor_cli, &ev, 42, &a),
                     ATRIUM_EINVAL);
}

static void test_signup_entries(void **state)
{
    struct fx *f = *state;
    const char *tid = f->tenant_a.tenant.id;
    assert_int_equal(count(f, tid, NULL), 3);
    json_t *company = only(f, tid, "Create company");
    assert_string_equal(str_at(company, "category"), "DirectoryManagement");
    assert_string_equal(str_at(company, "targetResources/0/id"), tid);
    assert_string_equal(str_at(company, "initiatedBy/app/displayName"), ATRIUM_AUDIT_CLI_NAME);
    assert_true(json_is_null(json_object_get(json_object_get(company, "initiatedBy"), "user")));
    json_t *user = only(f, tid, "Add user");
    assert_string_equal(str_at(user, "targetResources/0/id"), f->tenant_a.admin.id);
    assert_string_equal(str_at(user, "targetResources/0/userPrincipalName"), f->tenant_a.admin.upn);
    assert_string_equal(str_at(user, "result"), "success");
    assert_string_equal(str_at(user, "loggedByService"), "Core Directory");
    json_t *role = only(f, tid, "Add member to role");
    assert_string_equal(str_at(role, "targetResources/1/id"), ATRIUM_ROLE_GLOBAL_ADMIN);
    /* The three entries of one sign-up share a correlation id. */
    assert_string_equal(str_at(company, "correlationId"), str_at(user, "correlationId"));
    assert_string_equal(str_at(company, "correlationId"), str_at(role, "correlationId"));
    assert_nowhere(f, tid, SECRET_PASSWORD);
    json_decref(company);
    json_decref(user);
    json_decref(role);
    /* The other tenant's entries are its own. */
    assert_int_equal(count(f, f->tenant_b.tenant.id, NULL), 3);
}

static void test_user_create_and_reset(void **state)
{
    struct fx *f = *state;
    const char *tid = f->tenant_a.tenant.id;
    AUTO_FREE char *upn = xasprintf("bob@%s", f->tenant_a.tenant.initial_domain);
    const struct atrium_user_create_request req = {.user_principal_name = upn,
                                                   .display_name = "Bob",
                                                   .account_enabled = true,
                                                   .password = SECRET_PASSWORD};
    struct atrium_user u = {0};
    struct atrium_errinfo e = {0};
    assert_int_equal(
        atrium_user_create_as(f->s, &f->cfg, &atrium_audit_actor_cli, tid, &req, &u, &e), 0);
    assert_int_equal(count(f, tid, "Add user"), 2);
    /* A refused create leaves no entry. */
    assert_int_equal(
        atrium_user_create_as(f->s, &f->cfg, &atrium_audit_actor_cli, tid, &req, &u, &e),
        ATRIUM_ECONFLICT);
    assert_int_equal(count(f, tid, "Add user"), 2);
    /* The reset (the CLI's set-password) ends bob's browser sessions, no one else's. */
    struct atrium_session bob_s = {.created = atrium_now(), .expires = atrium_now() + 3600};
    struct atrium_session ada_s = bob_s;
    atrium_random_hex(bob_s.id_hash, 21);
    atrium_random_hex(ada_s.id_hash, 21);
    snprintf(bob_s.tenant_id, sizeof(bob_s.tenant_id), "%s", tid);
    snprintf(ada_s.tenant_id, sizeof(ada_s.tenant_id), "%s", tid);
    snprintf(bob_s.user_id, sizeof(bob_s.user_id), "%s", u.id);
    snprintf(ada_s.user_id, sizeof(ada_s.user_id), "%s", f->tenant_a.admin.id);
    assert_int_equal(f->s->oauth->session_insert(f->s, &bob_s), 0);
    assert_int_equal(f->s->oauth->session_insert(f->s, &ada_s), 0);
    const char *new_pw = "Xw9!kd3#Lq7-zPa2";
    assert_int_equal(atrium_user_set_password_as(f->s, &f->cfg, &atrium_audit_actor_cli, tid, upn,
                                                 new_pw, true, &e),
                     0);
    struct atrium_session got = {0};
    assert_int_equal(f->s->oauth->session_get(f->s, tid, bob_s.id_hash, atrium_now(), &got),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(f->s->oauth->session_get(f->s, tid, ada_s.id_hash, atrium_now(), &got), 0);
    json_t *reset = only(f, tid, "Reset user password");
    assert_string_equal(str_at(reset, "targetResources/0/id"), u.id);
    assert_string_equal(str_at(reset, "targetResources/0/modifiedProperties/0/displayName"),
                        "password");
    assert_string_equal(str_at(reset, "targetResources/0/modifiedProperties/1/newValue"),
                        "[\"true\"]");
    json_decref(reset);
    assert_nowhere(f, tid, SECRET_PASSWORD);
    assert_nowhere(f, tid, new_pw);
    assert_nowhere(f, tid, "$argon2");
    atrium_user_release(&u);
}

static void create_app(struct fx *f, const struct atrium_principal *who, const char *text,
                       struct atrium_application *ret)
{
    json_t *body = parse(text);
    struct atrium_errinfo e = {0};
    int r = atrium_graph_app_create(f->s, who->tenant_id, who, body, ret, &e);
    if (r < 0)
        fail_msg("create failed: %d %s (%s)", r, e.message, e.field);
    json_decref(body);
}

/* The application writes by a delegated admin: each leaves its entry, none a secret. */
static void test_app_writes(void **state)
{
    struct fx *f = *state;
    const char *tid = f->tenant_a.tenant.id;
    struct atrium_errinfo e = {0};
    struct atrium_application a = {0};
    create_app(f, &f->admin_a, "{\"displayName\":\"Payroll\"}", &a);
    json_t *added = only(f, tid, "Add application");
    assert_string_equal(str_at(added, "category"), "ApplicationManagement");
    assert_string_equal(str_at(added, "operationType"), "Add");
    assert_string_equal(str_at(added, "initiatedBy/user/id"), f->tenant_a.admin.id);
    assert_string_equal(str_at(added, "initiatedBy/user/userPrincipalName"), f->tenant_a.admin.upn);
    assert_string_equal(str_at(added, "initiatedBy/user/ipAddress"), "192.0.2.7");
    assert_string_equal(str_at(added, "correlationId"), f->admin_a.correlation_id);
    assert_string_equal(str_at(added, "targetResources/0/id"), a.id);
    assert_string_equal(str_at(added, "targetResources/0/type"), "Application");
    assert_string_equal(str_at(added, "additionalDetails/0/value"), ATRIUM_FIRST_PARTY_CLIENT_ID);
    json_decref(added);
    assert_int_equal(count(f, tid, "Add service principal"), 1);

    json_t *body = parse("{\"displayName\":\"Payroll 2\"}");
    assert_int_equal(atrium_graph_app_update(f->s, tid, &f->admin_a, a.id, body, &e), 0);
    json_decref(body);
    json_t *upd = only(f, tid, "Update application");
    assert_string_equal(str_at(upd, "targetResources/0/modifiedProperties/0/newValue"),
                        "[\"Payroll 2\"]");
    json_decref(upd);

    struct atrium_app_password p = {0};
    char secret[ATRIUM_CLIENT_SECRET_LEN + 1];
    body = parse("{\"passwordCredential\":{\"displayName\":\"ci\"}}");
    assert_int_equal(
        atrium_graph_app_add_password(f->s, f->h, tid, &f->admin_a, a.id, body, &p, secret, &e), 0);
    json_decref(body);
    const char *secrets_activity = "Update application \u2013 Certificates and secrets management";
    assert_int_equal(count(f, tid, secrets_activity), 1);
    assert_nowhere(f, tid, secret);
    AUTO_FREE char *remove = xasprintf("{\"keyId\":\"%s\"}", p.key_id);
    body = parse(remove);
    assert_int_equal(atrium_graph_app_remove_password(f->s, tid, &f->admin_a, a.id, body, &e), 0);
    json_decref(body);
    assert_int_equal(count(f, tid, secrets_activity), 2);
    explicit_bzero(secret, sizeof(secret));
    atrium_app_password_release(&p);

    /* A refused write (no role) leaves nothing. */
    body = parse("{\"displayName\":\"Nope\"}");
    struct atrium_application no = {0};
    assert_int_equal(atrium_graph_app_create(f->s, tid, &f->member_a, body, &no, &e),
                     ATRIUM_EFORBIDDEN);
    json_decref(body);
    assert_int_equal(count(f, tid, "Add application"), 1);

    assert_int_equal(atrium_graph_app_delete(f->s, tid, &f->admin_a, a.id, &e), 0);
    json_t *del = only(f, tid, "Delete application");
    assert_string_equal(str_at(del, "targetResources/0/displayName"), "Payroll 2");
    json_decref(del);
    assert_int_equal(atrium_graph_app_delete(f->s, tid, &f->admin_a, a.id, &e), ATRIUM_ENOTFOUND);
    assert_int_equal(count(f, tid, "Delete application"), 1);
    atrium_application_release(&a);
}

/* Service principals, app role assignments and delegated grants, by an app-only caller. */
static void test_consent_writes(void **state)
{
    struct fx *f = *state;
    const char *tid = f->tenant_a.tenant.id;
    struct atrium_errinfo e = {0};
    struct atrium_application a = {0};
    create_app(f, &f->admin_a, "{\"displayName\":\"Daemon\"}", &a);
    struct atrium_service_principal sp = {0}, graph = {0};
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, tid, a.app_id, &sp), 0);
    assert_int_equal(atrium_store_ensure_builtin_principals(f->s, tid), 0);
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, tid, ATRIUM_GRAPH_APP_ID, &graph), 0);

    /* Delete and re-create the service principal (app-only caller). */
    assert_int_equal(atrium_graph_sp_delete(f->s, tid, &f->app_a, sp.id, &e), 0);
    json_t *removed = only(f, tid, "Remove service principal");
    assert_string_equal(str_at(removed, "initiatedBy/app/appId"), ATRIUM_FIRST_PARTY_CLIENT_ID);
    assert_string_equal(str_at(removed, "initiatedBy/app/displayName"),
                        ATRIUM_FIRST_PARTY_CLIENT_NAME);
    assert_non_null(str_at(removed, "initiatedBy/app/servicePrincipalId"));
    assert_true(json_is_null(json_object_get(json_object_get(removed, "initiatedBy"), "user")));
    json_decref(removed);
    AUTO_FREE char *sp_body = xasprintf("{\"appId\":\"%s\"}", a.app_id);
    json_t *body = parse(sp_body);
    atrium_service_principal_release(&sp);
    assert_int_equal(atrium_graph_sp_create(f->s, tid, &f->app_a, body, &sp, &e), 0);
    json_decref(body);
    assert_int_equal(count(f, tid, "Add service principal"), 2);

    AUTO_FREE char *ara = xasprintf("{\"principalId\":\"%s\",\"resourceId\":\"%s\","
                                    "\"appRoleId\":\"%s\"}",
                                    sp.id, graph.id, USER_READ_ALL_ROLE);
    body = parse(ara);
    struct atrium_app_role_assignment asg = {0};
    assert_int_equal(
        atrium_graph_assignment_create(f->s, tid, &f->admin_a, graph.id, body, &asg, &e), 0);
    json_decref(body);
    json_t *assigned = only(f, tid, "Add app role assignment to service principal");
    assert_string_equal(str_at(assigned, "targetResources/0/id"), sp.id);
    assert_string_equal(str_at(assigned, "targetResources/1/id"), graph.id);
    assert_string_equal(str_at(assigned, "operationType"), "Assign");
    json_decref(assigned);
    assert_int_equal(atrium_graph_assignment_delete(f->s, tid, &f->admin_a, graph.id, asg.id, &e),
                     0);
    assert_int_equal(count(f, tid, "Remove app role assignment from service principal"), 1);

    AUTO_FREE char *grant = xasprintf("{\"clientId\":\"%s\",\"consentType\":\"AllPrincipals\","
                                      "\"resourceId\":\"%s\",\"scope\":\"User.Read\"}",
                                      sp.id, graph.id);
    body = parse(grant);
    struct atrium_oauth2_grant g = {0};
    assert_int_equal(atrium_graph_grant_create(f->s, tid, &f->admin_a, body, &g, &e), 0);
    json_decref(body);
    body = parse("{\"scope\":\"User.Read User.Read.All\"}");
    assert_int_equal(atrium_graph_grant_update(f->s, tid, &f->admin_a, g.id, body, &e), 0);
    json_decref(body);
    json_t *upd = only(f, tid, "Update delegated permission grant");
    assert_string_equal(str_at(upd, "targetResources/0/modifiedProperties/0/oldValue"),
                        "[\"User.Read\"]");
    json_decref(upd);
    assert_int_equal(atrium_graph_grant_delete(f->s, tid, &f->admin_a, g.id, &e), 0);
    assert_int_equal(count(f, tid, "Add delegated permission grant"), 1);
    assert_int_equal(count(f, tid, "Remove delegated permission grant"), 1);
    atrium_oauth2_grant_release(&g);
    atrium_service_principal_release(&sp);
    atrium_service_principal_release(&graph);
    atrium_application_release(&a);
}

static void test_domain_writes(void **state)
{
    struct fx *f = *state;
    const char *tid = f->tenant_a.tenant.id;
    struct atrium_errinfo e = {0};
    char hex[9];
    atrium_random_hex(hex, 4);
    AUTO_FREE char *name = xasprintf("audit-%s.example.com", hex);
    AUTO_FREE char *text = xasprintf("{\"id\":\"%s\"}", name);
    json_t *body = parse(text);
    struct atrium_domain d = {0};
    assert_int_equal(atrium_graph_domain_add(f->s, &f->cfg, tid, &f->admin_a, body, &d, &e), 0);
    json_decref(body);
    json_t *added = only(f, tid, "Add unverified domain");
    assert_string_equal(str_at(added, "targetResources/0/id"), name);
    assert_string_equal(str_at(added, "targetResources/0/type"), "Domain");
    json_decref(added);
    assert_int_equal(atrium_graph_domain_delete(f->s, tid, &f->admin_a, name, NULL, &e), 0);
    assert_int_equal(count(f, tid, "Remove unverified domain"), 1);
    atrium_domain_release(&d);
}

/* Set query options name=value on q; the parse result. */
static int set(struct atrium_log_query *q, const char *name, const char *value)
{
    struct atrium_errinfo e = {0};
    return atrium_log_query_set(q, name, value, &e);
}

static void test_query_options(void **state)
{
    struct atrium_log_query q;
    atrium_log_query_init(&q, ATRIUM_LOG_AUDITS);
    assert_int_equal(q.top, 100);
    assert_int_equal(set(&q, "$top", "5"), 0);
    assert_int_equal(q.top, 5);
    assert_int_equal(set(&q, "$filter",
                         "activityDateTime ge 2024-01-01T00:00:00Z and activityDateTime lt "
                         "2024-01-02 and category eq 'User''s' and initiatedBy/user/id eq "
                         "'A1B2C3D4-0000-4000-8000-000000000001' and ActivityDisplayName eq "
                         "'Add user'"),
                     0);
    assert_true(q.audit.has_time_ge && q.audit.has_time_le);
    assert_int_equal(q.audit.time_ge, 1704067200);
    assert_int_equal(q.audit.time_le, 1704153600 - 1);
    assert_string_equal(q.audit.category, "User's");
    assert_string_equal(q.audit.initiator_user_id, "a1b2c3d4-0000-4000-8000-000000000001");
    assert_string_equal(q.audit.activity, "Add user");
    assert_int_equal(set(&q, "$filter", "category eq 'x'"), ATRIUM_EINVAL); /* twice */
    assert_int_equal(set(&q, "$orderby", "activityDateTime desc"), 0);
    assert_int_equal(set(&q, "$orderby", "activityDateTime asc"), ATRIUM_EINVAL);
    assert_int_equal(set(&q, "$count", "true"), 0);
    assert_int_equal(set(&q, "$expand", "x"), ATRIUM_EINVAL);
    assert_int_equal(set(&q, "api-version", "x"), 0);
    assert_int_equal(set(&q, "$top", "0"), ATRIUM_EINVAL);
    assert_int_equal(set(&q, "$top", "1000"), ATRIUM_EINVAL);
    /* The skiptoken round-trips; garbage is refused. */
    struct atrium_log_cursor c = {.time = 1704067200};
    atrium_uuid_v4(c.id);
    AUTO_FREE char *token = atrium_log_skiptoken_encode(&c);
    assert_int_equal(set(&q, "$skiptoken", token), 0);
    assert_int_equal(q.after.time, c.time);
    assert_string_equal(q.after.id, c.id);
    assert_int_equal(set(&q, "$skiptoken", "zz_nope"), ATRIUM_EINVAL);
    assert_int_equal(set(&q, "$skiptoken", "10_not-a-guid"), ATRIUM_EINVAL);
    atrium_log_query_release(&q);

    static const char *const bad_audits[] = {"category ne 'x'",
                                             "category eq",
                                             "category eq 'open",
                                             "nope eq 'x'",
                                             "category eq 'x' or category eq 'y'",
                                             "activityDateTime ge yesterday",
                                             "initiatedBy/user/id eq 'not-a-guid'",
                                             "activityDateTime ge 2024-01-01 and "
                                             "activityDateTime gt 2024-01-02",
                                             "category gt 'x'",
                                             NULL};
    for (const char *const *b = bad_audits; *b; b++) {
        atrium_log_query_init(&q, ATRIUM_LOG_AUDITS);
        if (set(&q, "$filter", *b) != ATRIUM_EINVAL)
            fail_msg("filter accepted: %s", *b);
        atrium_log_query_release(&q);
    }
    atrium_log_query_init(&q, ATRIUM_LOG_SIGNINS);
    assert_int_equal(set(&q, "$filter",
                         "status/errorCode eq 50126 and appId eq "
                         "'04b07795-8ddb-461a-bbee-02f9e1bf7b46' and createdDateTime le "
                         "2030-01-01T00:00:00+01:00 and userPrincipalName eq 'a@b.c'"),
                     0);
    assert_true(q.signin.has_error_code);
    assert_int_equal(q.signin.error_code, 50126);
    assert_string_equal(q.signin.app_id, ATRIUM_FIRST_PARTY_CLIENT_ID);
    assert_int_equal(q.signin.time_le, 1893452400);
    assert_string_equal(q.signin.user_principal_name, "a@b.c");
    atrium_log_query_release(&q);
    atrium_log_query_init(&q, ATRIUM_LOG_SIGNINS);
    assert_int_equal(set(&q, "$filter", "category eq 'x'"), ATRIUM_EINVAL);
    assert_int_equal(set(&q, "$filter", "status/errorCode eq abc"), ATRIUM_EINVAL);
    atrium_log_query_release(&q);
}

static void test_read_services(void **state)
{
    struct fx *f = *state;
    const char *tid = f->tenant_a.tenant.id;
    struct atrium_errinfo e = {0};
    struct atrium_log_query q;
    struct atrium_directory_audit_list l = {0};
    struct atrium_log_cursor next;
    atrium_log_query_init(&q, ATRIUM_LOG_AUDITS);

    /* Authorization: a member without a reader role, another tenant's admin. */
    assert_int_equal(atrium_graph_audit_list(f->s, tid, &f->member_a, &q, &l, &next, &e),
                     ATRIUM_EFORBIDDEN);
    assert_int_equal(atrium_graph_audit_list(f->s, tid, &f->admin_b, &q, &l, &next, &e),
                     ATRIUM_EFORBIDDEN);
    struct atrium_principal reader = {0};
    admin(&reader, &f->tenant_a, "f2ef992c-3afb-46b9-b7cf-a126ee74c451"); /* Global Reader */
    assert_int_equal(atrium_graph_audit_list(f->s, tid, &reader, &q, &l, &next, &e), 0);
    assert_int_equal(l.count, 3);
    assert_int_equal(next.id[0], '\0');
    atrium_directory_audit_list_release(&l);
    assert_int_equal(atrium_graph_audit_list(f->s, tid, &f->app_a, &q, &l, &next, &e), 0);
    atrium_directory_audit_list_release(&l);

    /* Paging: 2 then 1, the cursor continues where the page ended. */
    q.top = 2;
    assert_int_equal(atrium_graph_audit_list(f->s, tid, &reader, &q, &l, &next, &e), 0);
    assert_int_equal(l.count, 2);
    assert_string_equal(next.id, l.items[1].id);
    struct atrium_directory_audit got = {0};
    assert_int_equal(atrium_graph_audit_get(f->s, tid, &reader, l.items[0].id, &got, &e), 0);
    assert_string_equal(got.id, l.items[0].id);
    atrium_directory_audit_release(&got);
    /* Tenant B's admin cannot read A's entry, even by id; nor is it in B. */
    assert_int_equal(
        atrium_graph_audit_get(f->s, f->tenant_b.tenant.id, &f->admin_b, l.items[0].id, &got, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_audit_get(f->s, tid, &reader, "not-a-guid", &got, &e),
                     ATRIUM_ENOTFOUND);
    atrium_directory_audit_list_release(&l);
    q.after = next;
    assert_int_equal(atrium_graph_audit_list(f->s, tid, &reader, &q, &l, &next, &e), 0);
    assert_int_equal(l.count, 1);
    assert_int_equal(next.id[0], '\0');
    atrium_directory_audit_list_release(&l);
    atrium_log_query_release(&q);

    /* Sign-ins: empty so far; the same rule. */
    struct atrium_signin_event_list sl = {0};
    atrium_log_query_init(&q, ATRIUM_LOG_SIGNINS);
    assert_int_equal(atrium_graph_signin_list(f->s, tid, &f->member_a, &q, &sl, &next, &e),
                     ATRIUM_EFORBIDDEN);
    assert_int_equal(atrium_graph_signin_list(f->s, tid, &reader, &q, &sl, &next, &e), 0);
    assert_int_equal(sl.count, 0);
    atrium_signin_event_list_release(&sl);
    atrium_log_query_release(&q);
    atrium_principal_release(&reader);
}

static void test_signin_shape(void **state)
{
    struct fx *f = *state;
    struct atrium_signin_event ev = {.error_code = 50126,
                                     .created = 1704067200,
                                     .user_principal_name = f->tenant_a.admin.upn,
                                     .app_display_name = ATRIUM_FIRST_PARTY_CLIENT_NAME,
                                     .ip_address = "192.0.2.9",
                                     .client_request_id = "corr-9",
                                     .grant = "password",
                                     .failure_reason = "Invalid username or password."};
    atrium_uuid_v4(ev.id);
    snprintf(ev.tenant_id, sizeof(ev.tenant_id), "%s", f->tenant_a.tenant.id);
    snprintf(ev.user_id, sizeof(ev.user_id), "%s", f->tenant_a.admin.id);
    snprintf(ev.app_id, sizeof(ev.app_id), "%s", ATRIUM_FIRST_PARTY_CLIENT_ID);
    json_t *obj = atrium_graph_signin_to_json(f->s, &ev);
    assert_string_equal(str_at(obj, "createdDateTime"), "2024-01-01T00:00:00Z");
    assert_string_equal(str_at(obj, "userDisplayName"), "Ada Admin");
    assert_string_equal(str_at(obj, "userId"), f->tenant_a.admin.id);
    assert_string_equal(str_at(obj, "appId"), ATRIUM_FIRST_PARTY_CLIENT_ID);
    assert_string_equal(str_at(obj, "correlationId"), "corr-9");
    assert_string_equal(str_at(obj, "clientAppUsed"), "Mobile Apps and Desktop clients");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(obj, "status"), "errorCode")), 50126);
    assert_string_equal(str_at(obj, "status/failureReason"), "Invalid username or password.");
    assert_true(json_is_true(json_object_get(obj, "isInteractive")));
    json_decref(obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_redacts_and_bounds),
        cmocka_unit_test_setup_teardown(test_signup_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_create_and_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consent_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_writes, setup, teardown),
        cmocka_unit_test(test_query_options),
        cmocka_unit_test_setup_teardown(test_read_services, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signin_shape, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
