/* SPDX-License-Identifier: MIT */
/*
 * Authorization rules of the group and role management API (evaluated by
 * graph/authz.c; declared in graph/groups.h). In words:
 *
 * groups_read (GET groups, members, owners, transitiveMembers, memberOf,
 * transitiveMemberOf; POST checkMemberGroups / getMemberGroups):
 *   app-only  Group.Read.All, Group.ReadWrite.All, GroupMember.Read.All,
 *             GroupMember.ReadWrite.All, Directory.Read.All,
 *             Directory.ReadWrite.All
 *   delegated the same scopes; any member user (Entra lets members read
 *             groups), no directory role needed.
 *
 * groups_write (create, update, delete groups; odata.bind in their bodies):
 *   app-only  Group.ReadWrite.All, Directory.ReadWrite.All
 *   delegated Group.ReadWrite.All or Directory.ReadWrite.All, and the user
 *             is Global Administrator, Groups Administrator or User
 *             Administrator.
 *
 * group_members_write (members and owners $ref POST / DELETE):
 *   app-only  GroupMember.ReadWrite.All, Group.ReadWrite.All,
 *             Directory.ReadWrite.All
 *   delegated the same scopes and the same roles as groups_write.
 *
 * roles_read (directoryRoleTemplates, directoryRoles and their members,
 * roleDefinitions, roleAssignments):
 *   app-only  RoleManagement.Read.Directory, RoleManagement.ReadWrite.Directory,
 *             Directory.Read.All, Directory.ReadWrite.All
 *   delegated the same scopes; no directory role needed.
 *
 * roles_write (activate a directoryRole, add / remove its members, create /
 * delete roleAssignments):
 *   app-only  RoleManagement.ReadWrite.Directory
 *   delegated RoleManagement.ReadWrite.Directory, and the user is Global
 *             Administrator or Privileged Role Administrator.
 */
#include "graph/groups.h"

#include <stddef.h>

#include "graph/authz.h"
#include "model/directory_role.h"

#define ROLE_GROUPS_ADMIN "fdd7a751-b60b-444a-984c-02652fe8fa1c"
#define ROLE_PRIVILEGED_ROLE_ADMIN "e8611ab8-c189-46e8-94e1-60213ab1f814"

static const char *const groups_read_permissions[] = {"Group.Read.All",
                                                      "Group.ReadWrite.All",
                                                      "GroupMember.Read.All",
                                                      "GroupMember.ReadWrite.All",
                                                      "Directory.Read.All",
                                                      "Directory.ReadWrite.All",
                                                      NULL};
static const char *const groups_write_permissions[] = {"Group.ReadWrite.All",
                                                       "Directory.ReadWrite.All", NULL};
static const char *const members_write_permissions[] = {
    "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All", NULL};
static const char *const groups_write_roles[] = {ATRIUM_ROLE_GLOBAL_ADMIN, ROLE_GROUPS_ADMIN,
                                                 ATRIUM_ROLE_USER_ADMIN, NULL};

static const char *const roles_read_permissions[] = {
    "RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.Read.All",
    "Directory.ReadWrite.All", NULL};
static const char *const roles_write_permissions[] = {"RoleManagement.ReadWrite.Directory", NULL};
static const char *const roles_write_roles[] = {ATRIUM_ROLE_GLOBAL_ADMIN,
                                                ROLE_PRIVILEGED_ROLE_ADMIN, NULL};

const struct atrium_authz_rule atrium_authz_groups_read = {
    .name = "groups.read",
    .app_permissions = groups_read_permissions,
    .delegated_scopes = groups_read_permissions,
    .directory_roles = NULL,
};

const struct atrium_authz_rule atrium_authz_groups_write = {
    .name = "groups.write",
    .app_permissions = groups_write_permissions,
    .delegated_scopes = groups_write_permissions,
    .directory_roles = groups_write_roles,
};

const struct atrium_authz_rule atrium_authz_group_members_write = {
    .name = "groups.members.write",
    .app_permissions = members_write_permissions,
    .delegated_scopes = members_write_permissions,
    .directory_roles = groups_write_roles,
};

const struct atrium_authz_rule atrium_authz_roles_read = {
    .name = "roles.read",
    .app_permissions = roles_read_permissions,
    .delegated_scopes = roles_read_permissions,
    .directory_roles = NULL,
};

const struct atrium_authz_rule atrium_authz_roles_write = {
    .name = "roles.write",
    .app_permissions = roles_write_permissions,
    .delegated_scopes = roles_write_permissions,
    .directory_roles = roles_write_roles,
};
