/* SPDX-License-Identifier: MIT */
/*
 * Application management services of the directory API: applications (app
 * registrations) and their client secrets, service principals, app role
 * assignments (application permissions: admin consent) and
 * oauth2PermissionGrants (delegated consent).
 *
 * Every call takes the calling thread's store, the tenant (from the caller's
 * token) and the caller. It checks the caller against its rule
 * (graph/authz.h) and touches only objects of that tenant: an id of another
 * tenant, in the path or in a body, is ATRIUM_ENOTFOUND exactly like an
 * unknown one. Errors fill e with the offending property.
 *
 * Renderers produce the Graph resource shape (caller owns the json_t);
 * collection envelopes (@odata.context, @odata.nextLink) are the HTTP
 * layer's job.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "crypto/secret.h"
#include "graph/odata.h"
#include "model/application.h"
#include "model/principal.h"
#include "store/store.h"
#include "store/store_oauth.h"

struct atrium_errinfo;
struct atrium_secret_hasher;

#define ATRIUM_APP_DISPLAY_NAME_MAX 256
#define ATRIUM_APP_REDIRECT_URIS_MAX 256 /* per kind (web, spa, publicClient) */
#define ATRIUM_APP_REDIRECT_URI_LEN_MAX 2048
#define ATRIUM_APP_IDENTIFIER_URIS_MAX 50
#define ATRIUM_APP_ROLES_MAX 100             /* appRoles, and oauth2PermissionScopes */
#define ATRIUM_APP_PASSWORDS_MAX 16          /* client secrets per application */
#define ATRIUM_APP_DEFINITION_MAX (1u << 20) /* bytes of the stored definition */
#define ATRIUM_APP_PASSWORD_DEFAULT_DAYS 730 /* two years */

/* --- Validation (app_validate.c; pure) -------------------------------------- */

/* The column values a create or PATCH body carries (borrowed from the body; NULL: absent). */
struct atrium_app_columns {
    const char *display_name;
    const char *sign_in_audience;
};

/*
 * Check a create (create = true) or PATCH body property by property and
 * merge it into def (a JSON object: the stored definition, modified in
 * place). Unknown or read-only properties are ATRIUM_EINVAL naming them;
 * complex properties (web, spa, publicClient, api) merge member by member,
 * collections replace, null resets. Column values come back in *ret.
 */
int atrium_app_merge(json_t *def, const json_t *body, bool create, struct atrium_app_columns *ret,
                     struct atrium_errinfo *e);

/*
 * Whole-definition checks after a merge: appRole and scope ids unique
 * across both lists, values unique within each, identifierUris unique in
 * the list; with old (the definition before a PATCH, may be NULL) an
 * enabled appRole or scope may not be removed or renamed (disable it first).
 */
int atrium_app_definition_check(const json_t *def, const json_t *old, struct atrium_errinfo *e);

/*
 * One redirect URI of kind "web", "spa" or "publicClient": absolute, at most
 * ATRIUM_APP_REDIRECT_URI_LEN_MAX bytes, no fragment, no wildcard, no
 * whitespace; https, or http only on a loopback host (localhost, 127.0.0.1,
 * [::1]); publicClient also accepts private-use schemes ("msal<appId>://auth",
 * "com.example.app:/cb") and urn:ietf:wg:oauth:2.0:oob.
 */
int atrium_app_redirect_uri_check(const char *kind, const char *uri, const char *field,
                                  struct atrium_errinfo *e);

/* An identifier URI: "api://<something>" or an https URL; no fragment, wildcard or space. */
int atrium_app_identifier_uri_check(const char *uri, const char *field, struct atrium_errinfo *e);

/* --- Applications (applications.c) ------------------------------------------ */

/*
 * POST /applications: validate body, give fresh id and appId, and create in
 * one transaction the application and its home-tenant service principal.
 * identifierUris must be unique in the tenant (ECONFLICT naming them).
 */
int atrium_graph_app_create(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const json_t *body,
                            struct atrium_application *ret, struct atrium_errinfo *e);
/* GET /applications/{id}. */
int atrium_graph_app_get(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_principal *who, const char *id,
                         struct atrium_application *ret, struct atrium_errinfo *e);
/*
 * GET /applications with q ($filter on appId, displayName; $top; cursor).
 * ret_next gets the cursor of the next page ("" on the last page).
 */
int atrium_graph_app_list(struct atrium_store *s, const char *tenant_id,
                          const struct atrium_principal *who, const struct atrium_odata_query *q,
                          struct atrium_application_list *ret, char ret_next[ATRIUM_UUID_LEN + 1],
                          struct atrium_errinfo *e);
/* PATCH /applications/{id}: partial update; the home service principal follows. */
int atrium_graph_app_update(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const char *id, const json_t *body,
                            struct atrium_errinfo *e);
/* DELETE /applications/{id}: with its secrets and home service principal (store cascade). */
int atrium_graph_app_delete(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const char *id,
                            struct atrium_errinfo *e);
/* The Graph application resource, passwordCredentials without secrets. */
int atrium_graph_app_render(struct atrium_store *s, const struct atrium_application *a,
                            json_t **ret, struct atrium_errinfo *e);
/* The $filter/$select vocabulary of /applications. */
extern const struct atrium_odata_spec atrium_graph_app_odata;

/* --- Client secrets (app_passwords.c) ---------------------------------------- */

/*
 * POST /applications/{id}/addPassword {"passwordCredential":{"displayName"?,
 * "startDateTime"?, "endDateTime"?}}: a fresh secret stored only as its
 * keyed hash; *ret_secret (shown once) must be wiped by the caller.
 * Default validity two years; ATRIUM_APP_PASSWORDS_MAX per app (EINVAL past it).
 */
int atrium_graph_app_add_password(struct atrium_store *s, const struct atrium_secret_hasher *h,
                                  const char *tenant_id, const struct atrium_principal *who,
                                  const char *id, const json_t *body,
                                  struct atrium_app_password *ret,
                                  char ret_secret[ATRIUM_CLIENT_SECRET_LEN + 1],
                                  struct atrium_errinfo *e);
/* POST /applications/{id}/removePassword {"keyId"}. */
int atrium_graph_app_remove_password(struct atrium_store *s, const char *tenant_id,
                                     const struct atrium_principal *who, const char *id,
                                     const json_t *body, struct atrium_errinfo *e);
/* A passwordCredential; secret_text NULL renders "secretText": null. */
json_t *atrium_graph_password_to_json(const struct atrium_app_password *p, const char *secret_text);

/* --- Service principals (service_principals.c) ------------------------------- */

/* GET /servicePrincipals ($filter on appId, displayName). Built-ins are created lazily. */
int atrium_graph_sp_list(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_principal *who, const struct atrium_odata_query *q,
                         struct atrium_service_principal_list *ret,
                         char ret_next[ATRIUM_UUID_LEN + 1], struct atrium_errinfo *e);
int atrium_graph_sp_get(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *who, const char *id,
                        struct atrium_service_principal *ret, struct atrium_errinfo *e);
/*
 * POST /servicePrincipals {"appId", "accountEnabled"?}: this tenant's
 * principal for its own application, or for another tenant's multi-tenant
 * application (admin consent). Another tenant's single-tenant app is
 * ENOTFOUND like an unknown appId; an existing principal is ECONFLICT.
 */
int atrium_graph_sp_create(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const json_t *body,
                           struct atrium_service_principal *ret, struct atrium_errinfo *e);
/* DELETE /servicePrincipals/{id} (with its grants and assignments); built-ins are refused. */
int atrium_graph_sp_delete(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const char *id,
                           struct atrium_errinfo *e);
/* The Graph servicePrincipal resource (appRoles and scopes live from its application). */
int atrium_graph_sp_render(struct atrium_store *s, const struct atrium_service_principal *sp,
                           json_t **ret, struct atrium_errinfo *e);
extern const struct atrium_odata_spec atrium_graph_sp_odata;

/* --- App role assignments (app_role_assignments.c) --------------------------- */

/*
 * POST /servicePrincipals/{resource_id}/appRoleAssignedTo {"principalId",
 * "resourceId", "appRoleId"}: resourceId must equal resource_id; appRoleId
 * must be an enabled app role of the resource allowed for the principal's
 * kind (or the default access role, all zeros); the principal is a service
 * principal, user or group of the tenant.
 */
int atrium_graph_assignment_create(struct atrium_store *s, const char *tenant_id,
                                   const struct atrium_principal *who, const char *resource_id,
                                   const json_t *body, struct atrium_app_role_assignment *ret,
                                   struct atrium_errinfo *e);
/* DELETE /servicePrincipals/{resource_id}/appRoleAssignedTo/{assignment_id}. */
int atrium_graph_assignment_delete(struct atrium_store *s, const char *tenant_id,
                                   const struct atrium_principal *who, const char *resource_id,
                                   const char *assignment_id, struct atrium_errinfo *e);
/* GET .../appRoleAssignedTo (of_resource) or .../appRoleAssignments (granted to sp_id). */
int atrium_graph_assignment_list(struct atrium_store *s, const char *tenant_id,
                                 const struct atrium_principal *who, const char *sp_id,
                                 bool of_resource, struct atrium_app_role_assignment_list *ret,
                                 struct atrium_errinfo *e);
/* The Graph appRoleAssignment resource (with display names and principalType). */
int atrium_graph_assignment_render(struct atrium_store *s,
                                   const struct atrium_app_role_assignment *a, json_t **ret,
                                   struct atrium_errinfo *e);

/* --- Delegated permission grants (oauth2_grants.c) ----------------------------- */

/* POST /oauth2PermissionGrants. Scopes must exist on the resource; stored canonical, deduplicated.
 */
int atrium_graph_grant_create(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const json_t *body,
                              struct atrium_oauth2_grant *ret, struct atrium_errinfo *e);
int atrium_graph_grant_get(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const char *id,
                           struct atrium_oauth2_grant *ret, struct atrium_errinfo *e);
/* PATCH {"scope"}. */
int atrium_graph_grant_update(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const char *id,
                              const json_t *body, struct atrium_errinfo *e);
int atrium_graph_grant_delete(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const char *id,
                              struct atrium_errinfo *e);
/* GET /oauth2PermissionGrants ($filter on clientId, resourceId, principalId, consentType). */
int atrium_graph_grant_list(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const struct atrium_odata_query *q,
                            struct atrium_oauth2_grant_list *ret,
                            char ret_next[ATRIUM_UUID_LEN + 1], struct atrium_errinfo *e);
json_t *atrium_graph_grant_to_json(const struct atrium_oauth2_grant *g);
extern const struct atrium_odata_spec atrium_graph_grant_odata;
