/* SPDX-License-Identifier: MIT */
/*
 * Groups, membership and directory roles of the directory API:
 *
 * - /groups: security groups (mailEnabled false, securityEnabled true,
 *   groupTypes []); create, list ($filter displayName eq / startswith,
 *   keyset paging), get, PATCH, DELETE; members and owners through $ref
 *   links and "members@odata.bind" / "owners@odata.bind" (at most
 *   ATRIUM_GROUP_BIND_MAX per request); transitiveMembers, memberOf,
 *   transitiveMemberOf, checkMemberGroups and getMemberGroups (also for
 *   users).
 * - Nesting: a group may contain groups, but never itself, directly or
 *   through other groups (a cycle is refused with 400), and no chain of
 *   nested groups may exceed ATRIUM_GROUP_NESTING_MAX levels (refused with
 *   400), so every transitive walk (store/store_groups.h) is complete.
 * - /directoryRoleTemplates, /directoryRoles and
 *   /roleManagement/directory/{roleDefinitions,roleAssignments}: one set of
 *   data (the store's role assignments) seen two ways. A directoryRole's id
 *   is its role template id in every tenant (Entra accepts the template id
 *   wherever a directoryRole id goes); Global Administrator is active in
 *   every tenant, other roles once activated (POST /directoryRoles) or
 *   assigned. Role members are users. Removing the last Global
 *   Administrator of a tenant (the last assignment held by an enabled user)
 *   is refused with 400.
 *
 * Every call takes the calling thread's store, the tenant (from the
 * caller's token) and the caller, checks the caller against its rule, and
 * touches only objects of that tenant: another tenant's id, in the path or
 * in a body (@odata.id, odata.bind, groupIds, principalId), is
 * ATRIUM_ENOTFOUND exactly like an unknown one. Listing calls return the
 * rendered Graph objects (a JSON array the caller owns) and the cursor of
 * the next page ("" on the last).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "graph/odata.h"
#include "model/directory_role.h"
#include "model/principal.h"
#include "store/store.h"

struct atrium_errinfo;

#define ATRIUM_GROUP_DISPLAY_NAME_MAX 256
#define ATRIUM_GROUP_DESCRIPTION_MAX 1024
#define ATRIUM_GROUP_MAIL_NICKNAME_MAX 64
#define ATRIUM_GROUP_BIND_MAX 20      /* members@odata.bind + owners@odata.bind per request */
#define ATRIUM_GROUP_CHECK_IDS_MAX 20 /* groupIds of checkMemberGroups */
#define ATRIUM_GRAPH_REF_URL_MAX 2048 /* bytes of an @odata.id / odata.bind URL */

/*
 * Who may call (graph/authz.h rules; documented in groups_authz.c):
 * groups_read (every GET of groups and memberships, check/getMemberGroups),
 * groups_write (create, update, delete groups), group_members_write
 * (members and owners $ref), roles_read and roles_write (directory roles
 * and role management).
 */
extern const struct atrium_authz_rule atrium_authz_groups_read;
extern const struct atrium_authz_rule atrium_authz_groups_write;
extern const struct atrium_authz_rule atrium_authz_group_members_write;
extern const struct atrium_authz_rule atrium_authz_roles_read;
extern const struct atrium_authz_rule atrium_authz_roles_write;

/* The $filter/$select vocabularies: /groups; membership listings (directoryObjects). */
extern const struct atrium_odata_spec atrium_graph_group_odata;
extern const struct atrium_odata_spec atrium_graph_dirobj_odata;

/* Which link of a group a $ref call names. */
enum atrium_group_link {
    ATRIUM_GROUP_MEMBERS,
    ATRIUM_GROUP_OWNERS,
};

/* --- Groups (groups.c) ------------------------------------------------------- */

/*
 * POST /groups: {"displayName", "mailNickname", "mailEnabled": false,
 * "securityEnabled": true, "description"?, "groupTypes"?: [],
 * "members@odata.bind"?, "owners@odata.bind"?}; created with its links in
 * one transaction. Unknown or read-only properties are EINVAL naming them.
 */
int atrium_graph_group_create(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const json_t *body,
                              struct atrium_group *ret, struct atrium_errinfo *e);
int atrium_graph_group_get(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const char *id,
                           struct atrium_group *ret, struct atrium_errinfo *e);
/* GET /groups with q ($filter displayName eq / startswith, id eq; $top; cursor). */
int atrium_graph_group_list(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const struct atrium_odata_query *q,
                            struct atrium_group_list *ret, char ret_next[ATRIUM_UUID_LEN + 1],
                            struct atrium_errinfo *e);
/* PATCH /groups/{id}: displayName, description, mailNickname, members@odata.bind. */
int atrium_graph_group_update(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const char *id,
                              const json_t *body, struct atrium_errinfo *e);
/* DELETE /groups/{id}: with its links and role assignments. */
int atrium_graph_group_delete(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const char *id,
                              struct atrium_errinfo *e);
/* The Graph group resource. */
json_t *atrium_graph_group_to_json(const struct atrium_group *g);

/* --- Members and owners (group_links.c) --------------------------------------- */

/*
 * POST /groups/{id}/{members|owners}/$ref {"@odata.id": ".../directoryObjects/{id}"
 * (or .../users/{id}, .../groups/{id})}. Already linked: EINVAL with Graph's
 * "One or more added object references already exist ..." message.
 */
int atrium_graph_group_ref_add(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *who, const char *group_id,
                               enum atrium_group_link link, const json_t *body,
                               struct atrium_errinfo *e);
/* DELETE /groups/{id}/{members|owners}/{objectId}/$ref. */
int atrium_graph_group_ref_remove(struct atrium_store *s, const char *tenant_id,
                                  const struct atrium_principal *who, const char *group_id,
                                  enum atrium_group_link link, const char *object_id,
                                  struct atrium_errinfo *e);
/* GET /groups/{id}/{members|owners}: one page of directoryObjects. */
int atrium_graph_group_links(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_principal *who, const char *group_id,
                             enum atrium_group_link link, const struct atrium_odata_query *q,
                             json_t **ret_items, char ret_next[ATRIUM_UUID_LEN + 1],
                             struct atrium_errinfo *e);
/* GET /groups/{id}/transitiveMembers: users and groups, nested ones too, paged by id. */
int atrium_graph_group_transitive_members(struct atrium_store *s, const char *tenant_id,
                                          const struct atrium_principal *who, const char *group_id,
                                          const struct atrium_odata_query *q, json_t **ret_items,
                                          char ret_next[ATRIUM_UUID_LEN + 1],
                                          struct atrium_errinfo *e);

/* --- memberOf and membership checks (group_member_of.c) ------------------------ */

/* At most this many objects in an $expand, with no next link (as Graph). */
#define ATRIUM_GRAPH_EXPAND_MAX 20

/*
 * $expand: set obj's "memberOf" (kind ATRIUM_MEMBER_USER: groups and
 * directory roles) or "members" (ATRIUM_MEMBER_GROUP) to the first
 * ATRIUM_GRAPH_EXPAND_MAX objects, rendered as those listings render them.
 */
int atrium_graph_expand(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *who, enum atrium_member_kind kind,
                        const char *id, json_t *obj, struct atrium_errinfo *e);

/*
 * GET /{users|groups}/{id}/memberOf or transitiveMemberOf (transitive):
 * the groups (paged by id) and, on the first page, the directory roles
 * held. kind is ATRIUM_MEMBER_USER (id may also be a userPrincipalName)
 * or ATRIUM_MEMBER_GROUP.
 */
int atrium_graph_member_of(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, enum atrium_member_kind kind,
                           const char *id, bool transitive, const struct atrium_odata_query *q,
                           json_t **ret_items, char ret_next[ATRIUM_UUID_LEN + 1],
                           struct atrium_errinfo *e);
/*
 * POST .../checkMemberGroups {"groupIds": [...]} (at most
 * ATRIUM_GROUP_CHECK_IDS_MAX): *ret is the JSON array of those ids the
 * object is a member of, directly or transitively.
 */
int atrium_graph_check_member_groups(struct atrium_store *s, const char *tenant_id,
                                     const struct atrium_principal *who,
                                     enum atrium_member_kind kind, const char *id,
                                     const json_t *body, json_t **ret, struct atrium_errinfo *e);
/* POST .../getMemberGroups {"securityEnabledOnly": bool}: every transitive group id. */
int atrium_graph_get_member_groups(struct atrium_store *s, const char *tenant_id,
                                   const struct atrium_principal *who, enum atrium_member_kind kind,
                                   const char *id, const json_t *body, json_t **ret,
                                   struct atrium_errinfo *e);

/* --- Directory roles (directory_roles.c) -------------------------------------- */

/* GET /directoryRoleTemplates (all) and /directoryRoleTemplates/{id}. */
int atrium_graph_role_templates(const struct atrium_principal *who, const char *tenant_id,
                                json_t **ret_items, struct atrium_errinfo *e);
int atrium_graph_role_template_get(const struct atrium_principal *who, const char *tenant_id,
                                   const char *id, json_t **ret, struct atrium_errinfo *e);
/* GET /directoryRoles: the tenant's active roles. */
int atrium_graph_directory_roles(struct atrium_store *s, const char *tenant_id,
                                 const struct atrium_principal *who, json_t **ret_items,
                                 struct atrium_errinfo *e);
/* GET /directoryRoles/{id} (id: the role template id). ENOTFOUND unless active. */
int atrium_graph_directory_role_get(struct atrium_store *s, const char *tenant_id,
                                    const struct atrium_principal *who, const char *id,
                                    json_t **ret, struct atrium_errinfo *e);
/* POST /directoryRoles {"roleTemplateId"}: activate; EINVAL when it is active already. */
int atrium_graph_directory_role_activate(struct atrium_store *s, const char *tenant_id,
                                         const struct atrium_principal *who, const json_t *body,
                                         json_t **ret, struct atrium_errinfo *e);
/* GET /directoryRoles/{id}/members: one page of users, ordered by assignment. */
int atrium_graph_directory_role_members(struct atrium_store *s, const char *tenant_id,
                                        const struct atrium_principal *who, const char *role_id,
                                        const struct atrium_odata_query *q, json_t **ret_items,
                                        char ret_next[ATRIUM_UUID_LEN + 1],
                                        struct atrium_errinfo *e);
/* POST /directoryRoles/{id}/members/$ref {"@odata.id"}: assign the role to a user. */
int atrium_graph_directory_role_member_add(struct atrium_store *s, const char *tenant_id,
                                           const struct atrium_principal *who, const char *role_id,
                                           const json_t *body, struct atrium_errinfo *e);
/* DELETE /directoryRoles/{id}/members/{memberId}/$ref. */
int atrium_graph_directory_role_member_remove(struct atrium_store *s, const char *tenant_id,
                                              const struct atrium_principal *who,
                                              const char *role_id, const char *member_id,
                                              struct atrium_errinfo *e);
/* The Graph directoryRole resource of a template. */
json_t *atrium_graph_directory_role_to_json(const struct atrium_role_template *t);

/* --- Unified role management (role_assignments.c) ------------------------------ */

/* The $filter vocabularies of roleDefinitions (id, displayName, templateId) and roleAssignments. */
extern const struct atrium_odata_spec atrium_graph_role_definition_odata;
extern const struct atrium_odata_spec atrium_graph_role_assignment_odata;

/* GET /roleManagement/directory/roleDefinitions[/{id}]. */
int atrium_graph_role_definitions(const struct atrium_principal *who, const char *tenant_id,
                                  const struct atrium_odata_query *q, json_t **ret_items,
                                  struct atrium_errinfo *e);
int atrium_graph_role_definition_get(const struct atrium_principal *who, const char *tenant_id,
                                     const char *id, json_t **ret, struct atrium_errinfo *e);
/* GET roleAssignments ($filter principalId eq / roleDefinitionId eq / id eq). */
int atrium_graph_role_assignment_list(struct atrium_store *s, const char *tenant_id,
                                      const struct atrium_principal *who,
                                      const struct atrium_odata_query *q,
                                      struct atrium_role_assignment_list *ret,
                                      char ret_next[ATRIUM_UUID_LEN + 1], struct atrium_errinfo *e);
/* POST roleAssignments {"principalId", "roleDefinitionId", "directoryScopeId": "/"}. */
int atrium_graph_role_assignment_create(struct atrium_store *s, const char *tenant_id,
                                        const struct atrium_principal *who, const json_t *body,
                                        struct atrium_role_assignment *ret,
                                        struct atrium_errinfo *e);
int atrium_graph_role_assignment_get(struct atrium_store *s, const char *tenant_id,
                                     const struct atrium_principal *who, const char *id,
                                     struct atrium_role_assignment *ret, struct atrium_errinfo *e);
/* DELETE roleAssignments/{id}; the last Global Administrator is kept (EINVAL). */
int atrium_graph_role_assignment_delete(struct atrium_store *s, const char *tenant_id,
                                        const struct atrium_principal *who, const char *id,
                                        struct atrium_errinfo *e);
/* The Graph unifiedRoleAssignment resource. */
json_t *atrium_graph_role_assignment_to_json(const struct atrium_role_assignment *a);
