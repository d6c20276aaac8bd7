/* SPDX-License-Identifier: MIT */
/* The directory API's permission table (Entra's ids); see builtin_apps.h. */
#include "model/builtin_apps.h"

#include <stddef.h>

#include "core/str.h"

#define DELEGATED(id, value, name, admin)                                                          \
    {                                                                                              \
        id, value, ATRIUM_PERMISSION_DELEGATED, name, admin                                        \
    }
#define APPLICATION(id, value, name)                                                               \
    {                                                                                              \
        id, value, ATRIUM_PERMISSION_APPLICATION, name, true                                       \
    }

const struct atrium_builtin_permission atrium_graph_permissions[] = {
    DELEGATED("e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User.Read", "Sign in and read user profile",
              false),
    DELEGATED("a154be20-db9c-4678-8ab7-66f6cc099a59", "User.Read.All",
              "Read all users' full profiles", true),
    DELEGATED("204e0828-b5ca-4ad8-b9f3-f32a958e7cc4", "User.ReadWrite.All",
              "Read and write all users' full profiles", true),
    DELEGATED("b4e74841-8e56-480b-be8b-910348b18b4c", "User.ReadWrite",
              "Read and update your profile", false),
    DELEGATED("0e263e50-5827-48a4-b97c-d940288653c7", "Directory.AccessAsUser.All",
              "Access directory as the signed in user", true),
    DELEGATED("4908d5b9-3fb2-4b1e-9336-1888b7937185", "Organization.Read.All",
              "Read organization information", true),
    DELEGATED("46ca0847-7e6b-426e-9775-ea810a948356", "Organization.ReadWrite.All",
              "Read and write organization information", true),
    DELEGATED("5f8c59db-677d-491f-a6b8-5f174b11ec1d", "Group.Read.All", "Read all groups", true),
    DELEGATED("4e46008b-f24c-477d-8fff-7bb4ec7aafe0", "Group.ReadWrite.All",
              "Read and write all groups", true),
    DELEGATED("bc024368-1153-4739-b217-4326f2e966d0", "GroupMember.Read.All",
              "Read group memberships", true),
    DELEGATED("f81125ac-d3b7-4573-a3b2-7099cc39df9e", "GroupMember.ReadWrite.All",
              "Read and write group memberships", true),
    DELEGATED("06da0dbc-49e2-44d2-8312-53f166ab848a", "Directory.Read.All", "Read directory data",
              true),
    DELEGATED("c5366453-9fb0-48a5-a156-24f0c49a4b84", "Directory.ReadWrite.All",
              "Read and write directory data", true),
    DELEGATED("bdfbf15f-ee85-4955-8675-146e8e5296b5", "Application.ReadWrite.All",
              "Read and write all applications", true),
    DELEGATED("c79f8feb-a9db-4090-85f9-90d820caa0eb", "Application.Read.All", "Read applications",
              true),
    DELEGATED("84bccea3-f856-4a8a-967b-dbe0a3d53a64", "AppRoleAssignment.ReadWrite.All",
              "Manage app permission grants and app role assignments", true),
    DELEGATED("41ce6ca6-6826-4807-84f1-1c82854f7ee5", "DelegatedPermissionGrant.ReadWrite.All",
              "Manage all delegated permission grants", true),
    DELEGATED("0b5d694c-a244-4bde-86e6-eb5cd07730fe", "Domain.ReadWrite.All",
              "Read and write domains", true),
    DELEGATED("741c54c3-0c1e-44a1-818b-3f97ab4e8c83", "RoleManagement.Read.Directory",
              "Read directory RBAC settings", true),
    DELEGATED("d01b97e9-cbc0-49fe-810a-750afd5527a3", "RoleManagement.ReadWrite.Directory",
              "Read and write directory RBAC settings", true),
    DELEGATED("e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20", "AuditLog.Read.All", "Read audit log data",
              true),
    DELEGATED("37f7f235-527c-4136-accd-4a02d197296e", "openid", "Sign users in", false),
    DELEGATED("14dad69e-099b-42c9-810b-d002981feec1", "profile", "View users' basic profile",
              false),
    DELEGATED("64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", "email", "View users' email address", false),
    DELEGATED("7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "offline_access",
              "Maintain access to data you have given it access to", false),
    APPLICATION("df021288-bdef-4463-88db-98f22de89214", "User.Read.All",
                "Read all users' full profiles"),
    APPLICATION("741f803b-c850-494e-b5df-cde7c675a1ca", "User.ReadWrite.All",
                "Read and write all users' full profiles"),
    APPLICATION("498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All",
                "Read organization information"),
    APPLICATION("292d869f-3427-49a8-9dab-8c70152b74e9", "Organization.ReadWrite.All",
                "Read and write organization information"),
    APPLICATION("5b567255-7703-4780-807c-7be8301ae99b", "Group.Read.All", "Read all groups"),
    APPLICATION("62a82d76-70ea-41e2-9197-370581804d09", "Group.ReadWrite.All",
                "Read and write all groups"),
    APPLICATION("98830695-27a2-44f7-8c18-0c3ebc9698f6", "GroupMember.Read.All",
                "Read all group memberships"),
    APPLICATION("dbaae8cf-10b5-4b86-a4a1-f871c94c6695", "GroupMember.ReadWrite.All",
                "Read and write all group memberships"),
    APPLICATION("7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All",
                "Read directory data"),
    APPLICATION("19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Directory.ReadWrite.All",
                "Read and write directory data"),
    APPLICATION("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All",
                "Read and write all applications"),
    APPLICATION("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All",
                "Read all applications"),
    APPLICATION("06b708a9-e830-4db3-a914-8e69da51d44f", "AppRoleAssignment.ReadWrite.All",
                "Manage app permission grants and app role assignments"),
    APPLICATION("8e8e4742-1d95-4f68-9d56-6ee75648c72a", "DelegatedPermissionGrant.ReadWrite.All",
                "Manage all delegated permission grants"),
    APPLICATION("7e05723c-0bb0-42da-be95-ae9f08a6e53c", "Domain.ReadWrite.All",
                "Read and write domains"),
    APPLICATION("483bed4a-2ad3-4361-a73b-c83ccdbdc53c", "RoleManagement.Read.Directory",
                "Read all directory RBAC settings"),
    APPLICATION("9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", "RoleManagement.ReadWrite.Directory",
                "Read and write all directory RBAC settings"),
    APPLICATION("b0afded3-3588-46d8-8b3d-9842eff778da", "AuditLog.Read.All",
                "Read all audit log data"),
    {NULL, NULL, ATRIUM_PERMISSION_DELEGATED, NULL, false},
};

const struct atrium_builtin_permission *
atrium_graph_permission_find(const char *value, enum atrium_permission_kind kind)
{
    for (const struct atrium_builtin_permission *p = atrium_graph_permissions; p->id; p++)
        if (p->kind == kind && atrium_str_ieq(p->value, value))
            return p;
    return NULL;
}

const struct atrium_builtin_permission *
atrium_graph_permission_by_id(const char *id, enum atrium_permission_kind kind)
{
    for (const struct atrium_builtin_permission *p = atrium_graph_permissions; p->id; p++)
        if (p->kind == kind && atrium_str_ieq(p->id, id))
            return p;
    return NULL;
}
