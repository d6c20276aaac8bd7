/* SPDX-License-Identifier: MIT */
/*
 * The directory API's users, /me, deleted items and organization:
 *
 * - /users: create (POST, every required Graph property, unknown ones
 *   refused naming them), list (the OData engine of graph/odata_request.h
 *   over store user_query: index range scans and keyset paging), count,
 *   get by id or userPrincipalName, PATCH (profile, accountEnabled:
 *   disabling ends the user's refresh tokens and browser sessions,
 *   passwordProfile: an administrator's password reset, which ends them
 *   too), DELETE (soft delete: the user leaves every listing and cannot
 *   sign in; its UPN stays reserved until purged), revokeSignInSessions;
 * - /directory/deletedItems: list the soft-deleted users, get, restore,
 *   permanent delete; users deleted more than ATRIUM_USER_RETENTION_DAYS
 *   ago are purged lazily (a bounded batch on each delete and each
 *   deleted-items call);
 * - /me: the caller's own user (delegated tokens only), PATCH of the few
 *   properties a user may change on themselves;
 * - /organization: the tenant as Graph's organization, PATCH of
 *   displayName and technicalNotificationMails.
 *
 * Every call takes an environment (the calling thread's store, the
 * directory settings, the paging key), the tenant from the caller's token
 * and the caller; it checks the caller's rule (declared per route, checked
 * again here) and per-target limits (administrators of lower rank cannot
 * manage higher-ranked users), and touches only that tenant's objects: an id
 * or UPN of another tenant, in the path or in a filter, is not found exactly
 * like an unknown one. Writes record their directory audit entry in the
 * same transaction.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "graph/directory.h"
#include "graph/odata_request.h"
#include "model/principal.h"
#include "store/store.h"

struct atrium_authz_rule;
struct atrium_errinfo;
struct atrium_mac_key;

#define ATRIUM_USER_RETENTION_DAYS 30
#define ATRIUM_USER_PURGE_BATCH 20 /* expired users purged per call at most */
#define ATRIUM_ORG_MAILS_MAX 20    /* technicalNotificationMails */

struct atrium_users_env {
    struct atrium_store *store;                /* the calling thread's handle */
    const struct atrium_directory_config *dir; /* password policy and hasher */
    const struct atrium_mac_key *paging_key;   /* $skiptoken MAC */
};

/*
 * Who may call (graph/authz.h rules, named in the route table):
 *
 * users_read (GET /users, /users/{id}, /users/$count, deletedItems reads):
 *   app-only  User.Read.All, User.ReadWrite.All, Directory.Read.All,
 *             Directory.ReadWrite.All
 *   delegated the same scopes; any member (Entra lets members read users).
 * users_write (POST /users, DELETE /users/{id}, restore, permanent delete):
 *   app-only  User.ReadWrite.All, Directory.ReadWrite.All
 *   delegated User.ReadWrite.All or Directory.ReadWrite.All, and the user
 *             is Global Administrator or User Administrator.
 * users_update (PATCH /users/{id}): users_write, and delegated Helpdesk
 *   Administrators, who may only reset passwords of users without a
 *   directory role. Only Global Administrators manage users holding Global
 *   Administrator or Privileged Role Administrator; apps never manage users
 *   holding a role, nor reset passwords.
 * me_read (GET /me): delegated User.Read, User.ReadWrite and the users_read
 *   scopes; an app-only token gets 400 ("/me request is only valid with
 *   delegated authentication flow.").
 * me_write (PATCH /me, POST /me/changePassword, POST
 *   /me/revokeSignInSessions): delegated User.ReadWrite, User.ReadWrite.All,
 *   Directory.ReadWrite.All, Directory.AccessAsUser.All.
 * POST /users/{id}/revokeSignInSessions uses users_update, with the limits
 *   of a password reset (Helpdesk Administrators: users without a role;
 *   apps: users without a role).
 * org_read (GET /organization): app-only Organization.Read.All,
 *   Organization.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All;
 *   delegated the same or User.Read (then only id, displayName and
 *   verifiedDomains are filled, as Entra).
 * org_write (PATCH /organization/{id}): app-only Organization.ReadWrite.All;
 *   delegated Organization.ReadWrite.All or Directory.ReadWrite.All, and
 *   the user is Global Administrator.
 */
extern const struct atrium_authz_rule atrium_authz_users_read;
extern const struct atrium_authz_rule atrium_authz_users_write;
extern const struct atrium_authz_rule atrium_authz_users_update;
extern const struct atrium_authz_rule atrium_authz_me_read;
extern const struct atrium_authz_rule atrium_authz_me_write;
extern const struct atrium_authz_rule atrium_authz_org_read;
extern const struct atrium_authz_rule atrium_authz_org_write;

/* The OData catalog of the user resource ($filter, $orderby, $search, $select). */
extern const struct atrium_odata_resource atrium_graph_user_resource;

/* --- Users (users_service.c, users_list.c) ------------------------------------ */

int atrium_graph_user_create(const struct atrium_users_env *env, const char *tenant_id,
                             const struct atrium_principal *who, const json_t *body,
                             struct atrium_user *ret, struct atrium_errinfo *e);
/* id_or_upn: a GUID or a userPrincipalName. */
int atrium_graph_user_get(const struct atrium_users_env *env, const char *tenant_id,
                          const struct atrium_principal *who, const char *id_or_upn,
                          struct atrium_user *ret, struct atrium_errinfo *e);
int atrium_graph_user_update(const struct atrium_users_env *env, const char *tenant_id,
                             const struct atrium_principal *who, const char *id_or_upn,
                             const json_t *body, struct atrium_errinfo *e);
int atrium_graph_user_delete(const struct atrium_users_env *env, const char *tenant_id,
                             const struct atrium_principal *who, const char *id_or_upn,
                             struct atrium_errinfo *e);

struct atrium_graph_user_page {
    struct atrium_user *items;
    size_t count;
    char *next_token; /* the next page's $skiptoken (heap); NULL on the last page */
    int64_t total;    /* @odata.count; -1 when not asked (or not on this page) */
};
void atrium_graph_user_page_release(struct atrium_graph_user_page *p);

/*
 * GET /users (deleted false) or /directory/deletedItems/microsoft.graph.user
 * (deleted true) with q's options parsed; eventual is the ConsistencyLevel
 * header. Checks q->skiptoken and the advanced-query rules.
 */
int atrium_graph_user_list(const struct atrium_users_env *env, const char *tenant_id,
                           const struct atrium_principal *who, struct atrium_odata_request *q,
                           bool eventual, bool deleted, struct atrium_graph_user_page *ret,
                           struct atrium_errinfo *e);
/* GET /users/$count: needs eventual ("$count is not currently supported." otherwise). */
int atrium_graph_user_count(const struct atrium_users_env *env, const char *tenant_id,
                            const struct atrium_principal *who, struct atrium_odata_request *q,
                            bool eventual, int64_t *ret, struct atrium_errinfo *e);

/*
 * The Graph user resource: the properties q selects (its $select, else the
 * default set); with_type adds "@odata.type" (directoryObject collections).
 * Never a password. Caller owns.
 */
json_t *atrium_graph_user_to_json(const struct atrium_user *u, const struct atrium_odata_request *q,
                                  bool with_type);

/* --- Sign-in sessions (users_sessions.c) ------------------------------------------ */

/*
 * revokeSignInSessions: revoke every refresh token and end every browser
 * session of the user (of the caller for /me), with the audit entry
 * "Invalidate all refresh tokens for user". The /me variant is EINVAL for
 * an app-only caller, as atrium_graph_me_get.
 */
int atrium_graph_user_revoke_sessions(const struct atrium_users_env *env, const char *tenant_id,
                                      const struct atrium_principal *who, const char *id_or_upn,
                                      struct atrium_errinfo *e);
int atrium_graph_me_revoke_sessions(const struct atrium_users_env *env, const char *tenant_id,
                                    const struct atrium_principal *who, struct atrium_errinfo *e);

/* --- Deleted items (users_deleted.c) ------------------------------------------- */

int atrium_graph_deleted_user_get(const struct atrium_users_env *env, const char *tenant_id,
                                  const struct atrium_principal *who, const char *id,
                                  struct atrium_user *ret, struct atrium_errinfo *e);
/* POST /directory/deletedItems/{id}/restore: *ret is the restored user. */
int atrium_graph_deleted_user_restore(const struct atrium_users_env *env, const char *tenant_id,
                                      const struct atrium_principal *who, const char *id,
                                      struct atrium_user *ret, struct atrium_errinfo *e);
/* DELETE /directory/deletedItems/{id}: purge now. */
int atrium_graph_deleted_user_purge(const struct atrium_users_env *env, const char *tenant_id,
                                    const struct atrium_principal *who, const char *id,
                                    struct atrium_errinfo *e);
/* Purge at most ATRIUM_USER_PURGE_BATCH users deleted over the retention period ago. */
int atrium_graph_users_purge_expired(struct atrium_store *s, const char *tenant_id,
                                     struct atrium_errinfo *e);

/* --- /me (users_me.c) ------------------------------------------------------------ */

/* The caller's user; EINVAL ("/me request is only valid ...") for an app-only caller. */
int atrium_graph_me_get(const struct atrium_users_env *env, const char *tenant_id,
                        const struct atrium_principal *who, struct atrium_user *ret,
                        struct atrium_errinfo *e);
/*
 * PATCH /me: businessPhones, mobilePhone, officeLocation, preferredLanguage.
 * Other user properties are EFORBIDDEN; unknown ones EINVAL.
 */
int atrium_graph_me_update(const struct atrium_users_env *env, const char *tenant_id,
                           const struct atrium_principal *who, const json_t *body,
                           struct atrium_errinfo *e);
/*
 * POST /me/changePassword body: {"currentPassword","newPassword"} (strings,
 * no other member), borrowed from body.
 */
int atrium_graph_change_password_body(const json_t *body, const char **ret_current,
                                      const char **ret_new, struct atrium_errinfo *e);

/* --- /organization (organization.c) ----------------------------------------------- */

/* The tenant as Graph's organization resource (caller owns *ret). */
int atrium_graph_org_get(const struct atrium_users_env *env, const char *tenant_id,
                         const struct atrium_principal *who, json_t **ret,
                         struct atrium_errinfo *e);
/* PATCH /organization/{id}: displayName, technicalNotificationMails. */
int atrium_graph_org_update(const struct atrium_users_env *env, const char *tenant_id,
                            const struct atrium_principal *who, const char *id, const json_t *body,
                            struct atrium_errinfo *e);
