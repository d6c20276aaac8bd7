/* SPDX-License-Identifier: MIT */
/*
 * Authorization of directory API calls: pure decisions over a validated
 * caller (struct atrium_principal) and a declarative rule. The HTTP route
 * table names one rule per bearer-authenticated route and the dispatcher
 * checks it before the handler runs; the services check the same rule again
 * (defence in depth, and the CLI or a later caller gets the same answer).
 *
 * A rule allows:
 * - an app-only caller (client credentials) holding ANY of app_permissions
 *   in its `roles`;
 * - a delegated caller (a user signed in through a client) holding ANY of
 *   delegated_scopes in its `scp` AND, when directory_roles is non-NULL,
 *   ANY of those directory role template ids in its `wids`. The scope says
 *   what the client may do for the user; the role bounds it to what the
 *   user may do (Entra's "effective permissions" rule).
 * A NULL list allows nobody of that kind. Matching is case-insensitive.
 */
#pragma once

#include <stdbool.h>

struct atrium_errinfo;
struct atrium_principal;

struct atrium_authz_rule {
    const char *name;                    /* "applications.read": for logs and tests */
    const char *const *app_permissions;  /* NULL-terminated; NULL: no app-only access */
    const char *const *delegated_scopes; /* NULL-terminated; NULL: no delegated access */
    const char *const *directory_roles;  /* NULL-terminated; NULL: no role needed */
};

/*
 * The rules of the application management API (documented in authz.c):
 * - apps_read:  GET applications, servicePrincipals, their assignments and
 *   oauth2PermissionGrants;
 * - apps_write: create/update/delete applications and service principals,
 *   add/remove passwords;
 * - consent_write: grant or revoke app role assignments (application
 *   permissions, admin consent) and oauth2PermissionGrants (delegated consent).
 */
extern const struct atrium_authz_rule atrium_authz_apps_read;
extern const struct atrium_authz_rule atrium_authz_apps_write;
extern const struct atrium_authz_rule atrium_authz_consent_write;

/* Does rule allow p? False for a NULL principal or rule (fail closed). */
bool atrium_authz_allows(const struct atrium_principal *p, const struct atrium_authz_rule *rule);

/*
 * 0 when p may act in tenant_id under rule; ATRIUM_EFORBIDDEN ("Insufficient
 * privileges to complete the operation.") otherwise, including when p
 * belongs to another tenant than tenant_id.
 */
int atrium_authz_require(const struct atrium_principal *p, const char *tenant_id,
                         const struct atrium_authz_rule *rule, struct atrium_errinfo *e);
