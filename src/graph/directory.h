/* SPDX-License-Identifier: MIT */
/*
 * Directory services: tenant sign-up, tenants and users. The HTTP API and the
 * CLI both call these, so there is one set of validation rules. Every call
 * takes the store handle of the calling thread and, where the object is
 * tenant-scoped, the tenant id explicitly.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "model/password_policy.h"
#include "model/tenant.h"
#include "model/user.h"
#include "store/store.h"

struct atrium_audit_actor;
struct atrium_errinfo;
struct atrium_pwhasher;

/* Settings the directory services need; borrowed, must outlive the calls. */
struct atrium_directory_config {
    const char *initial_domain_suffix; /* e.g. "atrium.localhost" */
    struct atrium_password_policy password_policy;
    struct atrium_pwhasher *hasher;
};

struct atrium_signup_request {
    const char *display_name;
    const char *domain_prefix;
    const char *country;
    const char *contact_email;
    const char *admin_given_name;
    const char *admin_surname;
    const char *admin_user_name;
    const char *admin_password;
};

struct atrium_signup_result {
    struct atrium_tenant tenant;
    struct atrium_user admin;
};

void atrium_signup_result_release(struct atrium_signup_result *r);

/*
 * Decode the sign-up JSON body: {"displayName","domainPrefix","countryLetterCode",
 * "contactEmail","admin":{"givenName","surname","userName","password"}}.
 * Unknown members are refused. Borrowed pointers into body.
 */
int atrium_signup_request_from_json(const json_t *body, struct atrium_signup_request *ret,
                                    struct atrium_errinfo *e);

/*
 * Create, in one transaction, the tenant, its initial domain (initial,
 * default, verified) and the first user made Global Administrator.
 * ECONFLICT when the prefix is taken; EINVAL naming the field otherwise;
 * EBUSY when the password hasher is saturated.
 */
int atrium_tenant_signup(struct atrium_store *s, const struct atrium_directory_config *cfg,
                         const struct atrium_signup_request *req, struct atrium_signup_result *ret,
                         struct atrium_errinfo *e);
/*
 * The same, recording in the new tenant's audit log (same transaction)
 * "Create company", "Add user" and "Add member to role" by actor (graph/
 * audit.h; borrowed). atrium_tenant_signup records them as the
 * self-service sign-up.
 */
int atrium_tenant_signup_as(struct atrium_store *s, const struct atrium_directory_config *cfg,
                            const struct atrium_audit_actor *actor,
                            const struct atrium_signup_request *req,
                            struct atrium_signup_result *ret, struct atrium_errinfo *e);

/* Is "<prefix>.<suffix>" free? EINVAL for a malformed prefix. *ret_domain: heap, caller owns. */
int atrium_domain_prefix_available(struct atrium_store *s,
                                   const struct atrium_directory_config *cfg, const char *prefix,
                                   bool *ret_available, char **ret_domain,
                                   struct atrium_errinfo *e);

/* Resolve a tenant by GUID or by any of its verified domains. ENOTFOUND otherwise. */
int atrium_tenant_resolve(struct atrium_store *s, const char *id_or_domain,
                          struct atrium_tenant *ret, struct atrium_errinfo *e);

/* JSON renderings (caller owns the json_t). */
json_t *atrium_tenant_to_json(const struct atrium_tenant *t);
json_t *atrium_user_to_json(const struct atrium_user *u);
json_t *atrium_signup_result_to_json(const struct atrium_signup_result *r);

struct atrium_user_create_request {
    const char *user_principal_name; /* "name@domain", domain must be the tenant's */
    const char *display_name;
    const char *given_name;
    const char *surname;
    const char *mail;
    const char *job_title;
    bool account_enabled;
    const char *password;
    bool force_change_password;
};

/* Create a user in tenant_id. ECONFLICT when the UPN exists; EINVAL naming the field. */
int atrium_user_create(struct atrium_store *s, const struct atrium_directory_config *cfg,
                       const char *tenant_id, const struct atrium_user_create_request *req,
                       struct atrium_user *ret, struct atrium_errinfo *e);

/* Find a user by GUID or by userPrincipalName. */
int atrium_user_find(struct atrium_store *s, const char *tenant_id, const char *id_or_upn,
                     struct atrium_user *ret, struct atrium_errinfo *e);

/* Set a new password (policy-checked); force_change sets forceChangePasswordNextSignIn. */
int atrium_user_set_password(struct atrium_store *s, const struct atrium_directory_config *cfg,
                             const char *tenant_id, const char *id_or_upn, const char *password,
                             bool force_change, struct atrium_errinfo *e);

/*
 * The steps of atrium_user_create, for callers that hash elsewhere (the
 * bulk import hashes on worker threads) or audit in the same transaction:
 * check is every rule of the API (no write); build makes the user record
 * (fresh id, password_hash consumed); insert stores it (ECONFLICT naming
 * userPrincipalName).
 */
int atrium_user_create_check(struct atrium_store *s, const struct atrium_directory_config *cfg,
                             const char *tenant_id, const struct atrium_user_create_request *req,
                             struct atrium_errinfo *e);
void atrium_user_build(const char *tenant_id, const struct atrium_user_create_request *req,
                       char *password_hash, struct atrium_user *ret);
int atrium_user_insert(struct atrium_store *s, const char *tenant_id, const struct atrium_user *u,
                       struct atrium_errinfo *e);
/* The checks and hashing of atrium_user_set_password: the user and the new hash (caller frees). */
int atrium_user_password_prepare(struct atrium_store *s, const struct atrium_directory_config *cfg,
                                 const char *tenant_id, const char *id_or_upn, const char *password,
                                 struct atrium_user *ret_user, char **ret_hash,
                                 struct atrium_errinfo *e);

/*
 * Audited variants (audit_users.c): the change and its audit entry ("Add
 * user"; "Reset user password", recording the property names only, and
 * ending the user's refresh tokens and browser sessions) by actor commit in
 * one transaction. The plain functions above write no audit entry: callers
 * that change the directory use these (or audit in their own transaction).
 */
int atrium_user_create_as(struct atrium_store *s, const struct atrium_directory_config *cfg,
                          const struct atrium_audit_actor *actor, const char *tenant_id,
                          const struct atrium_user_create_request *req, struct atrium_user *ret,
                          struct atrium_errinfo *e);
int atrium_user_set_password_as(struct atrium_store *s, const struct atrium_directory_config *cfg,
                                const struct atrium_audit_actor *actor, const char *tenant_id,
                                const char *id_or_upn, const char *password, bool force_change,
                                struct atrium_errinfo *e);
/*
 * Record "Add user" for u by actor (no transaction of its own): the target
 * with its properties, never the password. For callers that insert users
 * themselves inside their transaction (sign-up, bulk import).
 */
int atrium_audit_user_added(struct atrium_store *s, const struct atrium_audit_actor *actor,
                            const struct atrium_user *u);
