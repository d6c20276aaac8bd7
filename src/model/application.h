/* SPDX-License-Identifier: MIT */
/*
 * Applications (app registrations), their client secrets, service principals
 * (an application's presence in one tenant), and the two kinds of permission
 * grant: app role assignments (application permissions, admin consent) and
 * OAuth2 permission grants (delegated consent). Pure structs.
 *
 * The Graph-shaped editable properties of an application (web, spa,
 * publicClient, identifierUris, appRoles, api, requiredResourceAccess,
 * isFallbackPublicClient, ...) travel as one JSON text, `definition`, which
 * the store keeps verbatim; services parse it (jansson) when they need it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/rand.h"

#define ATRIUM_SIGN_IN_AUDIENCE_MY_ORG "AzureADMyOrg"
#define ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG "AzureADMultipleOrgs"

struct atrium_application {
    char id[ATRIUM_UUID_LEN + 1];        /* object id (Graph "id") */
    char tenant_id[ATRIUM_UUID_LEN + 1]; /* home tenant */
    char app_id[ATRIUM_UUID_LEN + 1];    /* client id; unique across all tenants */
    char *display_name;
    char *sign_in_audience; /* ATRIUM_SIGN_IN_AUDIENCE_* */
    char *definition;       /* JSON object text of the other Graph properties */
    int64_t created;
};

/* A client secret (Graph passwordCredential). The secret itself is never stored. */
struct atrium_app_password {
    char key_id[ATRIUM_UUID_LEN + 1];
    char app_object_id[ATRIUM_UUID_LEN + 1];
    char *display_name; /* NULL when unset */
    char *hint;         /* first 3 characters of the secret, as Graph */
    char *secret_hash;  /* keyed hash (crypto/secret.h) */
    int64_t start;
    int64_t end;
};

struct atrium_service_principal {
    char id[ATRIUM_UUID_LEN + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char app_id[ATRIUM_UUID_LEN + 1];
    char app_owner_tenant_id[ATRIUM_UUID_LEN + 1];
    char *display_name;
    char *definition; /* JSON text: appRoles, oauth2PermissionScopes, servicePrincipalNames,
                         replyUrls */
    bool account_enabled;
    int64_t created;
};

/* Application permission (or app role) granted to a principal on a resource service principal. */
struct atrium_app_role_assignment {
    char id[ATRIUM_UUID_LEN + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char principal_id[ATRIUM_UUID_LEN + 1]; /* client service principal, user or group */
    char resource_id[ATRIUM_UUID_LEN + 1];  /* resource service principal */
    char app_role_id[ATRIUM_UUID_LEN + 1];
    int64_t created;
};

#define ATRIUM_CONSENT_ALL_PRINCIPALS "AllPrincipals"
#define ATRIUM_CONSENT_PRINCIPAL "Principal"

/* Delegated consent (Graph oauth2PermissionGrant). */
struct atrium_oauth2_grant {
    char id[ATRIUM_UUID_LEN + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char client_id[ATRIUM_UUID_LEN + 1];    /* client service principal id */
    char resource_id[ATRIUM_UUID_LEN + 1];  /* resource service principal id */
    char principal_id[ATRIUM_UUID_LEN + 1]; /* user id, "" for AllPrincipals */
    char *consent_type;                     /* ATRIUM_CONSENT_* */
    char *scope;                            /* space-separated scope values */
    int64_t created;
};

void atrium_application_release(struct atrium_application *a);
void atrium_app_password_release(struct atrium_app_password *p);
void atrium_service_principal_release(struct atrium_service_principal *sp);
void atrium_oauth2_grant_release(struct atrium_oauth2_grant *g);
