/* SPDX-License-Identifier: MIT */
/*
 * Authorization rules of the directory API and their evaluation; see
 * authz.h. The rules, in words:
 *
 * apps_read (list/get applications, service principals, app role
 * assignments, oauth2PermissionGrants):
 *   app-only  Application.Read.All, Application.ReadWrite.All,
 *             Directory.Read.All, Directory.ReadWrite.All
 *   delegated the same scopes; any member user (Entra lets every member
 *             read app registrations), no directory role needed.
 *
 * apps_write (create/update/delete applications and service principals,
 * addPassword/removePassword):
 *   app-only  Application.ReadWrite.All
 *   delegated Application.ReadWrite.All or Directory.ReadWrite.All, and the
 *             user is Global Administrator, Application Administrator or
 *             Cloud Application Administrator.
 *
 * consent_write (appRoleAssignedTo POST/DELETE, oauth2PermissionGrants
 * POST/PATCH/DELETE: admin consent):
 *   app-only  AppRoleAssignment.ReadWrite.All or Application.ReadWrite.All
 *   delegated AppRoleAssignment.ReadWrite.All, DelegatedPermissionGrant.
 *             ReadWrite.All, Application.ReadWrite.All or
 *             Directory.ReadWrite.All, and the user is Global
 *             Administrator or Privileged Role Administrator.
 */
#include "graph/authz.h"

#include <stddef.h>
#include <string.h>

#include "core/err.h"
#include "model/directory_role.h"
#include "model/principal.h"

#define ROLE_APP_ADMIN "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
#define ROLE_CLOUD_APP_ADMIN "158c047a-c907-4556-b7ef-446551a6b5f7"
#define ROLE_PRIVILEGED_ROLE_ADMIN "e8611ab8-c189-46e8-94e1-60213ab1f814"

static const char *const read_permissions[] = {"Application.Read.All", "Application.ReadWrite.All",
                                               "Directory.Read.All", "Directory.ReadWrite.All",
                                               NULL};

static const char *const write_app_permissions[] = {"Application.ReadWrite.All", NULL};
static const char *const write_scopes[] = {"Application.ReadWrite.All", "Directory.ReadWrite.All",
                                           NULL};
static const char *const write_roles[] = {ATRIUM_ROLE_GLOBAL_ADMIN, ROLE_APP_ADMIN,
                                          ROLE_CLOUD_APP_ADMIN, NULL};

static const char *const consent_app_permissions[] = {"AppRoleAssignment.ReadWrite.All",
                                                      "Application.ReadWrite.All", NULL};
static const char *const consent_scopes[] = {
    "AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All",
    "Application.ReadWrite.All", "Directory.ReadWrite.All", NULL};
static const char *const consent_roles[] = {ATRIUM_ROLE_GLOBAL_ADMIN, ROLE_PRIVILEGED_ROLE_ADMIN,
                                            NULL};

const struct atrium_authz_rule atrium_authz_apps_read = {
    .name = "applications.read",
    .app_permissions = read_permissions,
    .delegated_scopes = read_permissions,
    .directory_roles = NULL,
};

const struct atrium_authz_rule atrium_authz_apps_write = {
    .name = "applications.write",
    .app_permissions = write_app_permissions,
    .delegated_scopes = write_scopes,
    .directory_roles = write_roles,
};

const struct atrium_authz_rule atrium_authz_consent_write = {
    .name = "consent.write",
    .app_permissions = consent_app_permissions,
    .delegated_scopes = consent_scopes,
    .directory_roles = consent_roles,
};

/* Does p hold any value of list as a permission (scp or roles, by token kind)? */
static bool holds_any_permission(const struct atrium_principal *p, const char *const *list)
{
    for (; list && *list; list++)
        if (atrium_principal_has_permission(p, *list))
            return true;
    return false;
}

static bool holds_any_role(const struct atrium_principal *p, const char *const *list)
{
    for (; list && *list; list++)
        if (atrium_principal_has_role(p, *list))
            return true;
    return false;
}

bool atrium_authz_allows(const struct atrium_principal *p, const struct atrium_authz_rule *rule)
{
    if (!p || !rule || !p->tenant_id[0])
        return false;
    if (p->app_only)
        return rule->app_permissions && holds_any_permission(p, rule->app_permissions);
    if (!p->user_id[0] || !rule->delegated_scopes ||
        !holds_any_permission(p, rule->delegated_scopes))
        return false;
    return !rule->directory_roles || holds_any_role(p, rule->directory_roles);
}

int atrium_authz_require(const struct atrium_principal *p, const char *tenant_id,
                         const struct atrium_authz_rule *rule, struct atrium_errinfo *e)
{
    if (!p || !tenant_id || strcmp(p->tenant_id, tenant_id) != 0 || !atrium_authz_allows(p, rule))
        return atrium_err(e, ATRIUM_EFORBIDDEN, "",
                          "Insufficient privileges to complete the operation.");
    return 0;
}
