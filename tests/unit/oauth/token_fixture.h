/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the token service tests (test_discovery.c,
 * test_client.c, test_scopes.c, test_token.c, test_bearer.c): a fresh
 * SQLite store under ATRIUM_TEST_TMP, a real keyring loaded through
 * atrium_oauth_keys_load, a secret hasher from a random master key, a cheap
 * Argon2id hasher, two tenants, users, and applications:
 *   conf — confidential web app of t1 with a secret, consented (all
 *          principals) for User.Read, granted User.Read.All (application)
 *          on the directory API and Orders.Admin on api;
 *   pub  — public client of t1 (publicClient redirect http://localhost/cb);
 *   spa  — public SPA of t1 (spa redirect https://spa.example/cb);
 *   api  — custom API of t1 (api://orders-<random>, scope Orders.Read,
 *          app role Orders.Admin), on which conf is consented for Orders.Read.
 */
#pragma once

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
#include "crypto/jwt.h"
#include "crypto/keyring.h"
#include "crypto/masterkey.h"
#include "crypto/pwhash.h"
#include "crypto/secret.h"
#include "model/builtin_apps.h"
#include "model/directory_role.h"
#include "oauth/oauth.h"
#include "store/store.h"
#include "store/store_builtin.h"
#include "store/store_oauth.h"

#define TF_PASSWORD "Blue-Harbor-Lantern-42"
#define TF_URL "https://localhost:8443"
#define TF_USER_READ_ALL_ROLE "df021288-bdef-4463-88db-98f22de89214"
#define TF_ORDERS_ADMIN_ROLE "5a1b0c6e-7f55-4d6a-9a0e-6f1f5b2a3c01"
#define TF_ORDERS_READ_SCOPE "8c2b1f3a-1d2e-4f50-8a9b-0c1d2e3f4a5b"

struct tf_tenant {
    char id[ATRIUM_UUID_LEN + 1];
    char domain[96];
    char graph_sp[ATRIUM_UUID_LEN + 1];
};

struct tf_user {
    char id[ATRIUM_UUID_LEN + 1];
    char upn[160];
};

struct tf_app {
    char app_id[ATRIUM_UUID_LEN + 1];
    char object_id[ATRIUM_UUID_LEN + 1];
    char sp_id[ATRIUM_UUID_LEN + 1];
    char secret[ATRIUM_CLIENT_SECRET_LEN + 1]; /* "" when none */
};

struct tf {
    char *db_path;
    struct atrium_store *s;
    struct atrium_masterkey *mk;
    struct atrium_oauth o;
    struct tf_tenant t1, t2;
    struct tf_user alice; /* t1, enabled, TF_PASSWORD, mail, Global Administrator */
    struct tf_user bob;   /* t1, disabled */
    struct tf_user carol; /* t2, enabled */
    struct tf_app conf, pub, spa, api;
    char api_uri[64];
};

static inline void tf_new_tenant(struct tf *f, struct tf_tenant *ret)
{
    char hex[17];
    atrium_random_hex(hex, 8);
    snprintf(ret->domain, sizeof(ret->domain), "t%s.atrium.localhost", hex);
    struct atrium_tenant t = {.display_name = "Contoso",
                              .country = "US",
                              .contact_email = "ops@example.com",
                              .initial_domain = ret->domain,
                              .created = atrium_now()};
    atrium_uuid_v4(t.id);
    assert_int_equal(f->s->ops->tenant_insert(f->s, &t), 0);
    struct atrium_domain d = {.name = ret->domain,
                              .is_initial = true,
                              .is_default = true,
                              .is_verified = true,
                              .created = t.created};
    assert_int_equal(f->s->ops->domain_insert(f->s, t.id, &d), 0);
    memcpy(ret->id, t.id, sizeof(t.id));
    assert_int_equal(atrium_store_ensure_builtin_principals(f->s, t.id), 0);
    struct atrium_service_principal sp = {0};
    assert_int_equal(f->s->oauth->sp_get_by_app_id(f->s, t.id, ATRIUM_GRAPH_APP_ID, &sp), 0);
    memcpy(ret->graph_sp, sp.id, sizeof(sp.id));
    atrium_service_principal_release(&sp);
}

static inline void tf_new_user(struct tf *f, const struct tf_tenant *t, const char *local,
                               bool enabled, struct tf_user *ret)
{
    char *hash = NULL;
    assert_int_equal(atrium_pwhash_hash(f->o.hasher, TF_PASSWORD, &hash), 0);
    snprintf(ret->upn, sizeof(ret->upn), "%s@%s", local, t->domain);
    AUTO_FREE char *mail = xasprintf("%s@mail.example", local);
    struct atrium_user u = {.upn = ret->upn,
                            .display_name = (char *)local,
                            .mail = mail,
                            .account_enabled = enabled,
                            .password_hash = hash,
                            .created = atrium_now(),
                            .password_changed = atrium_now()};
    atrium_uuid_v4(u.id);
    assert_int_equal(f->s->ops->user_insert(f->s, t->id, &u), 0);
    memcpy(ret->id, u.id, sizeof(u.id));
    free(hash);
}

/* An application of tenant t with its service principal and, with_secret, a client secret. */
static inline void tf_new_app(struct tf *f, const struct tf_tenant *t, const char *name,
                              const char *audience, const char *definition, bool with_secret,
                              struct tf_app *ret)
{
    struct atrium_application a = {.display_name = (char *)name,
                                   .sign_in_audience = (char *)audience,
                                   .definition = (char *)definition,
                                   .created = atrium_now()};
    atrium_uuid_v4(a.id);
    atrium_uuid_v4(a.app_id);
    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", t->id);
    assert_int_equal(f->s->oauth->app_insert(f->s, t->id, &a), 0);
    memcpy(ret->app_id, a.app_id, sizeof(a.app_id));
    memcpy(ret->object_id, a.id, sizeof(a.id));
    struct atrium_service_principal sp = {.display_name = (char *)name,
                                          .definition = "{}",
                                          .account_enabled = true,
                                          .created = atrium_now()};
    atrium_uuid_v4(sp.id);
    snprintf(sp.tenant_id, sizeof(sp.tenant_id), "%s", t->id);
    snprintf(sp.app_id, sizeof(sp.app_id), "%s", a.app_id);
    snprintf(sp.app_owner_tenant_id, sizeof(sp.app_owner_tenant_id), "%s", t->id);
    assert_int_equal(f->s->oauth->sp_insert(f->s, t->id, &sp), 0);
    memcpy(ret->sp_id, sp.id, sizeof(sp.id));
    ret->secret[0] = '\0';
    if (with_secret) {
        char hint[ATRIUM_CLIENT_SECRET_HINT_LEN + 1];
        char *hash = NULL;
        atrium_client_secret_generate(ret->secret);
        atrium_client_secret_hint(ret->secret, hint);
        assert_int_equal(atrium_client_secret_hash(f->o.secrets, ret->secret, &hash), 0);
        struct atrium_app_password p = {
            .hint = hint, .secret_hash = hash, .start = 0, .end = atrium_now() + 86400 * 365};
        atrium_uuid_v4(p.key_id);
        memcpy(p.app_object_id, a.id, sizeof(a.id));
        assert_int_equal(f->s->oauth->app_password_insert(f->s, t->id, &p), 0);
        free(hash);
    }
}

/* Add a client secret to app that expired yesterday; *ret is the secret. */
static inline void tf_add_expired_secret(struct tf *f, const struct tf_tenant *t,
                                         const struct tf_app *app,
                                         char ret[ATRIUM_CLIENT_SECRET_LEN + 1])
{
    char hint[ATRIUM_CLIENT_SECRET_HINT_LEN + 1];
    char *hash = NULL;
    atrium_client_secret_generate(ret);
    atrium_client_secret_hint(ret, hint);
    assert_int_equal(atrium_client_secret_hash(f->o.secrets, ret, &hash), 0);
    struct atrium_app_password p = {.hint = hint,
                                    .secret_hash = hash,
                                    .start = atrium_now() - 86400 * 30,
                                    .end = atrium_now() - 86400};
    atrium_uuid_v4(p.key_id);
    memcpy(p.app_object_id, app->object_id, sizeof(p.app_object_id));
    assert_int_equal(f->s->oauth->app_password_insert(f->s, t->id, &p), 0);
    free(hash);
}

static inline void tf_grant(struct tf *f, const char *tenant_id, const char *client_sp,
                            const char *resource_sp, const char *principal, const char *scope)
{
    struct atrium_oauth2_grant g = {.consent_type = principal ? ATRIUM_CONSENT_PRINCIPAL
                                                              : ATRIUM_CONSENT_ALL_PRINCIPALS,
                                    .scope = (char *)scope,
                                    .created = atrium_now()};
    atrium_uuid_v4(g.id);
    snprintf(g.tenant_id, sizeof(g.tenant_id), "%s", tenant_id);
    snprintf(g.client_id, sizeof(g.client_id), "%s", client_sp);
    snprintf(g.resource_id, sizeof(g.resource_id), "%s", resource_sp);
    snprintf(g.principal_id, sizeof(g.principal_id), "%s", principal ? principal : "");
    assert_int_equal(f->s->oauth->grant_insert(f->s, tenant_id, &g), 0);
}

static inline void tf_assign_role(struct tf *f, const char *tenant_id, const char *principal,
                                  const char *resource_sp, const char *role_id)
{
    struct atrium_app_role_assignment a = {.created = atrium_now()};
    atrium_uuid_v4(a.id);
    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tenant_id);
    snprintf(a.principal_id, sizeof(a.principal_id), "%s", principal);
    snprintf(a.resource_id, sizeof(a.resource_id), "%s", resource_sp);
    snprintf(a.app_role_id, sizeof(a.app_role_id), "%s", role_id);
    assert_int_equal(f->s->oauth->app_role_assignment_insert(f->s, tenant_id, &a), 0);
}

static inline void tf_apps(struct tf *f)
{
    char hex[9];
    atrium_random_hex(hex, 4);
    snprintf(f->api_uri, sizeof(f->api_uri), "api://orders-%s", hex);
    AUTO_FREE char *api_def = xasprintf(
        "{\"identifierUris\":[\"%s\"],\"api\":{\"oauth2PermissionScopes\":[{\"id\":\"%s\","
        "\"value\":\"Orders.Read\",\"isEnabled\":true,\"type\":\"User\"}]},"
        "\"appRoles\":[{\"id\":\"%s\",\"value\":\"Orders.Admin\",\"isEnabled\":true,"
        "\"allowedMemberTypes\":[\"Application\",\"User\"]}]}",
        f->api_uri, TF_ORDERS_READ_SCOPE, TF_ORDERS_ADMIN_ROLE);
    tf_new_app(f, &f->t1, "Orders API", ATRIUM_SIGN_IN_AUDIENCE_MY_ORG, api_def, false, &f->api);
    tf_new_app(f, &f->t1, "Web App", ATRIUM_SIGN_IN_AUDIENCE_MY_ORG,
               "{\"web\":{\"redirectUris\":[\"https://app.example/cb\","
               "\"https://app.example/cb?x=1\"]}}",
               true, &f->conf);
    tf_new_app(f, &f->t1, "Native App", ATRIUM_SIGN_IN_AUDIENCE_MY_ORG,
               "{\"publicClient\":{\"redirectUris\":[\"http://localhost/cb\"]}}", false, &f->pub);
    tf_new_app(f, &f->t1, "SPA", ATRIUM_SIGN_IN_AUDIENCE_MY_ORG,
               "{\"spa\":{\"redirectUris\":[\"https://spa.example/cb\"]}}", false, &f->spa);
    tf_grant(f, f->t1.id, f->conf.sp_id, f->t1.graph_sp, NULL, "User.Read");
    tf_grant(f, f->t1.id, f->pub.sp_id, f->t1.graph_sp, NULL, "User.Read openid profile");
    tf_grant(f, f->t1.id, f->conf.sp_id, f->api.sp_id, NULL, "Orders.Read");
    tf_assign_role(f, f->t1.id, f->conf.sp_id, f->t1.graph_sp, TF_USER_READ_ALL_ROLE);
    tf_assign_role(f, f->t1.id, f->conf.sp_id, f->api.sp_id, TF_ORDERS_ADMIN_ROLE);
}

static inline int tf_setup(void **state)
{
    struct tf *f = xcalloc(1, sizeof(*f));
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char hex[17];
    atrium_random_hex(hex, 8);
    f->db_path = xasprintf("%s/token-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    struct atrium_errinfo e = {0};
    AUTO_FREE char *uri = xasprintf("sqlite:%s", f->db_path);
    assert_int_equal(atrium_store_open(uri, &f->s, &e), 0);
    int version = 0;
    assert_int_equal(atrium_store_migrate(f->s, &version), 0);
    assert_non_null(f->s->oauth);
    atrium_clock_set_offset(0);
    f->mk = atrium_masterkey_generate();
    struct atrium_oauth_config cfg = ATRIUM_OAUTH_CONFIG_DEFAULT;
    cfg.public_url = TF_URL;
    f->o.cfg = cfg;
    assert_int_equal(atrium_secret_hasher_new(f->mk, &f->o.secrets), 0);
    struct atrium_pwhash_params p = {
        .memory_kib = 64, .iterations = 1, .parallelism = 1, .max_concurrent = 2, .max_waiting = 8};
    assert_int_equal(atrium_pwhasher_new(&p, &f->o.hasher), 0);
    assert_int_equal(atrium_oauth_keys_load(f->s, f->mk, &f->o.keyring, &e), 0);
    f->o.bearer_cache = atrium_bearer_cache_new(64);
    tf_new_tenant(f, &f->t1);
    tf_new_tenant(f, &f->t2);
    tf_new_user(f, &f->t1, "alice", true, &f->alice);
    tf_new_user(f, &f->t1, "bob", false, &f->bob);
    tf_new_user(f, &f->t2, "carol", true, &f->carol);
    struct atrium_role_assignment ra = {.created = atrium_now()};
    atrium_uuid_v4(ra.id);
    memcpy(ra.tenant_id, f->t1.id, sizeof(ra.tenant_id));
    memcpy(ra.principal_id, f->alice.id, sizeof(ra.principal_id));
    snprintf(ra.role_template_id, sizeof(ra.role_template_id), "%s", ATRIUM_ROLE_GLOBAL_ADMIN);
    assert_int_equal(f->s->ops->role_assign(f->s, f->t1.id, &ra), 0);
    tf_apps(f);
    *state = f;
    return 0;
}

static inline int tf_teardown(void **state)
{
    struct tf *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    atrium_clock_set_offset(0);
    atrium_store_close(f->s);
    atrium_bearer_cache_free(f->o.bearer_cache);
    atrium_keyring_free(f->o.keyring);
    atrium_pwhasher_free(f->o.hasher);
    atrium_secret_hasher_free(f->o.secrets);
    atrium_masterkey_free(f->mk);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        AUTO_FREE char *p = xasprintf("%s%s", f->db_path, suffixes[i]);
        unlink(p);
    }
    free(f->db_path);
    free(f);
    return 0;
}

/* Expect a failure with the exact OAuth error, AADSTS code and HTTP status. */
#define tf_expect_error(rc, e, want_error, want_aadsts, want_status)                               \
    do {                                                                                           \
        assert_true((rc) < 0);                                                                     \
        assert_string_equal((e).error, (want_error));                                              \
        assert_int_equal((e).aadsts, (want_aadsts));                                               \
        assert_int_equal((e).status, (want_status));                                               \
    } while (0)

/* The claims of a token we signed (verified with the fixture's keyring). Caller owns. */
static inline json_t *tf_claims(struct tf *f, const char *token)
{
    json_t *claims = NULL;
    struct atrium_errinfo e = {0};
    assert_non_null(token);
    assert_int_equal(atrium_jwt_verify(f->o.keyring, token, ATRIUM_JWT_MAX_LEN, &claims, &e), 0);
    return claims;
}

static inline const char *tf_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* A token request for grant from client on the {tenant} path segment. */
static inline struct atrium_token_request tf_request(const char *segment, const char *grant,
                                                     const char *client_id)
{
    struct atrium_token_request r = {.tenant_segment = segment,
                                     .grant_type = grant,
                                     .client_id = client_id,
                                     .ip = "192.0.2.1",
                                     .correlation_id = "4f1c1c1e-1111-4111-8111-111111111111"};
    return r;
}

/* Run the token endpoint; 0 and *ret, or the error in *e (with *ret NULL). */
static inline int tf_token(struct tf *f, const struct atrium_token_request *req, json_t **ret,
                           struct atrium_oauth_error *e)
{
    *ret = NULL;
    memset(e, 0, sizeof(*e));
    int rc = atrium_oauth_token(f->s, &f->o, req, ret, e);
    if (rc == 0)
        assert_non_null(*ret);
    else
        assert_null(*ret);
    /* Whatever the outcome, the endpoint left no read snapshot open on the handle. */
    assert_int_equal(atrium_store_begin_read(f->s), 0);
    assert_int_equal(atrium_store_end_read(f->s), 0);
    return rc;
}

/* A password-grant token response for alice through client (secret may be NULL). */
static inline json_t *tf_ropc(struct tf *f, const char *client_id, const char *secret,
                              const char *scope)
{
    struct atrium_token_request r = tf_request(f->t1.id, "password", client_id);
    struct atrium_oauth_error e;
    json_t *resp = NULL;
    r.username = f->alice.upn;
    r.password = TF_PASSWORD;
    r.scope = scope;
    r.client_secret = secret;
    r.client_info = true;
    if (tf_token(f, &r, &resp, &e) != 0)
        fail_msg("ROPC failed: %s %d %s", e.error, e.aadsts, e.description);
    return resp;
}

/* The claims of the response's member key (a JWT). Caller owns. */
static inline json_t *tf_token_claims(struct tf *f, const json_t *resp, const char *key)
{
    return tf_claims(f, tf_str(resp, key));
}
