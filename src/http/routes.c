/* SPDX-License-Identifier: MIT */
/* The route table: the whole HTTP surface on one screen; see routes.h. */
#include "http/routes.h"

#include <stddef.h>

#include "graph/authz.h"
#include "graph/domains.h"
#include "http/handlers.h"

#define SIGNUP_BODY_LIMIT (16u << 10)
/* A directory API row: bearer token, default body limit, Graph errors, permission rule. */
#define BEARER(method, pattern, handler, rule)                                                     \
    {                                                                                              \
        method, pattern, handler, ATRIUM_AUTH_BEARER, 0, 0, rule                                   \
    }
#define OAUTH_BODY_LIMIT (64u << 10) /* token, device code and page forms */
/* A realm discovery row: public GET, errors in the given shape. */
#define REALM(pattern, handler, flags)                                                             \
    {                                                                                              \
        "GET", pattern, handler, ATRIUM_AUTH_NONE, 0, flags, NULL                                  \
    }

const struct atrium_route atrium_routes[] = {
    /* method, pattern, handler, auth, body limit (0: default), flags, permission rule */
    {"GET", "/healthz", atrium_handle_healthz, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"GET", "/readyz", atrium_handle_readyz, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"POST", "/api/v1/tenants", atrium_handle_signup, ATRIUM_AUTH_NONE, SIGNUP_BODY_LIMIT, 0, NULL},
    {"GET", "/api/v1/tenants/{id}", atrium_handle_tenant_get, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"GET", "/api/v1/domains/available", atrium_handle_domain_available, ATRIUM_AUTH_NONE, 0, 0,
     NULL},
    /* Realm discovery (handlers_realm.c): public, rate limited per client. */
    REALM("/common/userrealm/{login}", atrium_handle_userrealm, ATRIUM_ROUTE_OAUTH_ERRORS),
    REALM("/common/UserRealm/{login}", atrium_handle_userrealm, ATRIUM_ROUTE_OAUTH_ERRORS),
    REALM("/common/userrealm", atrium_handle_userrealm, ATRIUM_ROUTE_OAUTH_ERRORS),
    REALM("/common/userrealm/", atrium_handle_userrealm, ATRIUM_ROUTE_OAUTH_ERRORS),
    REALM("/getuserrealm.srf", atrium_handle_getuserrealm, ATRIUM_ROUTE_OAUTH_ERRORS),
    REALM("/discover", atrium_handle_discover, ATRIUM_ROUTE_HTML_ERRORS),
    /* Directory API: applications and consent (handlers_graph_*.c); bearer token + rule. */
    BEARER("GET", "/v1.0/applications", atrium_handle_graph_apps_list, &atrium_authz_apps_read),
    BEARER("POST", "/v1.0/applications", atrium_handle_graph_app_create, &atrium_authz_apps_write),
    BEARER("GET", "/v1.0/applications/{id}", atrium_handle_graph_app_get, &atrium_authz_apps_read),
    BEARER("PATCH", "/v1.0/applications/{id}", atrium_handle_graph_app_update,
           &atrium_authz_apps_write),
    BEARER("DELETE", "/v1.0/applications/{id}", atrium_handle_graph_app_delete,
           &atrium_authz_apps_write),
    BEARER("POST", "/v1.0/applications/{id}/addPassword", atrium_handle_graph_app_add_password,
           &atrium_authz_apps_write),
    BEARER("POST", "/v1.0/applications/{id}/removePassword",
           atrium_handle_graph_app_remove_password, &atrium_authz_apps_write),
    BEARER("GET", "/v1.0/servicePrincipals", atrium_handle_graph_sps_list, &atrium_authz_apps_read),
    BEARER("POST", "/v1.0/servicePrincipals", atrium_handle_graph_sp_create,
           &atrium_authz_apps_write),
    BEARER("GET", "/v1.0/servicePrincipals/{id}", atrium_handle_graph_sp_get,
           &atrium_authz_apps_read),
    BEARER("DELETE", "/v1.0/servicePrincipals/{id}", atrium_handle_graph_sp_delete,
           &atrium_authz_apps_write),
    BEARER("GET", "/v1.0/servicePrincipals/{id}/appRoleAssignedTo",
           atrium_handle_graph_assigned_to_list, &atrium_authz_apps_read),
    BEARER("POST", "/v1.0/servicePrincipals/{id}/appRoleAssignedTo",
           atrium_handle_graph_assigned_to_create, &atrium_authz_consent_write),
    BEARER("DELETE", "/v1.0/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}",
           atrium_handle_graph_assigned_to_delete, &atrium_authz_consent_write),
    BEARER("GET", "/v1.0/servicePrincipals/{id}/appRoleAssignments",
           atrium_handle_graph_assignments_list, &atrium_authz_apps_read),
    BEARER("GET", "/v1.0/oauth2PermissionGrants", atrium_handle_graph_grants_list,
           &atrium_authz_apps_read),
    BEARER("POST", "/v1.0/oauth2PermissionGrants", atrium_handle_graph_grant_create,
           &atrium_authz_consent_write),
    BEARER("GET", "/v1.0/oauth2PermissionGrants/{id}", atrium_handle_graph_grant_get,
           &atrium_authz_apps_read),
    BEARER("PATCH", "/v1.0/oauth2PermissionGrants/{id}", atrium_handle_graph_grant_update,
           &atrium_authz_consent_write),
    BEARER("DELETE", "/v1.0/oauth2PermissionGrants/{id}", atrium_handle_graph_grant_delete,
           &atrium_authz_consent_write),
    /* Directory API: custom domains (handlers_graph_domains.c). */
    BEARER("GET", "/v1.0/domains", atrium_handle_graph_domains_list, &atrium_authz_domains_read),
    BEARER("POST", "/v1.0/domains", atrium_handle_graph_domain_create, &atrium_authz_domains_write),
    BEARER("GET", "/v1.0/domains/{id}", atrium_handle_graph_domain_get, &atrium_authz_domains_read),
    BEARER("PATCH", "/v1.0/domains/{id}", atrium_handle_graph_domain_update,
           &atrium_authz_domains_write),
    BEARER("DELETE", "/v1.0/domains/{id}", atrium_handle_graph_domain_delete,
           &atrium_authz_domains_write),
    BEARER("GET", "/v1.0/domains/{id}/verificationDnsRecords",
           atrium_handle_graph_domain_dns_records, &atrium_authz_domains_read),
    BEARER("POST", "/v1.0/domains/{id}/verify", atrium_handle_graph_domain_verify,
           &atrium_authz_domains_write),
    /* OAuth 2.0 / OpenID Connect (handlers_oauth.c): errors in Entra's JSON shape. */
    {"GET", "/{tenant}/v2.0/.well-known/openid-configuration", atrium_handle_discovery,
     ATRIUM_AUTH_NONE, 0, ATRIUM_ROUTE_OAUTH_ERRORS, NULL},
    {"GET", "/{tenant}/discovery/v2.0/keys", atrium_handle_jwks, ATRIUM_AUTH_NONE, 0,
     ATRIUM_ROUTE_OAUTH_ERRORS, NULL},
    {"POST", "/{tenant}/oauth2/v2.0/token", atrium_handle_token, ATRIUM_AUTH_NONE, OAUTH_BODY_LIMIT,
     ATRIUM_ROUTE_OAUTH_ERRORS, NULL},
    {"GET", "/{tenant}/oauth2/v2.0/token", atrium_handle_token_get, ATRIUM_AUTH_NONE, 0,
     ATRIUM_ROUTE_OAUTH_ERRORS, NULL},
    {"POST", "/{tenant}/oauth2/v2.0/devicecode", atrium_handle_devicecode, ATRIUM_AUTH_NONE,
     OAUTH_BODY_LIMIT, ATRIUM_ROUTE_OAUTH_ERRORS, NULL},
    {"GET", "/oidc/userinfo", atrium_handle_userinfo, ATRIUM_AUTH_NONE, 0,
     ATRIUM_ROUTE_OAUTH_ERRORS, NULL},
    {"POST", "/oidc/userinfo", atrium_handle_userinfo, ATRIUM_AUTH_NONE, OAUTH_BODY_LIMIT,
     ATRIUM_ROUTE_OAUTH_ERRORS, NULL},
    /* The hosted pages (handlers_authorize.c, _deviceauth.c, _logout.c): errors as HTML. */
    {"GET", "/{tenant}/oauth2/v2.0/authorize", atrium_handle_authorize, ATRIUM_AUTH_NONE, 0,
     ATRIUM_ROUTE_HTML_ERRORS, NULL},
    {"POST", "/{tenant}/oauth2/v2.0/authorize", atrium_handle_authorize, ATRIUM_AUTH_NONE,
     OAUTH_BODY_LIMIT, ATRIUM_ROUTE_HTML_ERRORS, NULL},
    {"GET", "/{tenant}/oauth2/v2.0/deviceauth", atrium_handle_deviceauth, ATRIUM_AUTH_NONE, 0,
     ATRIUM_ROUTE_HTML_ERRORS, NULL},
    {"POST", "/{tenant}/oauth2/v2.0/deviceauth", atrium_handle_deviceauth, ATRIUM_AUTH_NONE,
     OAUTH_BODY_LIMIT, ATRIUM_ROUTE_HTML_ERRORS, NULL},
    {"GET", "/{tenant}/oauth2/v2.0/logout", atrium_handle_logout, ATRIUM_AUTH_NONE, 0,
     ATRIUM_ROUTE_HTML_ERRORS, NULL},
    {"POST", "/{tenant}/oauth2/v2.0/logout", atrium_handle_logout, ATRIUM_AUTH_NONE,
     OAUTH_BODY_LIMIT, ATRIUM_ROUTE_HTML_ERRORS, NULL},
    {"GET", "/static/atrium.css", atrium_handle_static_css, ATRIUM_AUTH_NONE, 0, 0, NULL},
    {"GET", "/static/atrium-form-post.js", atrium_handle_static_form_post_js, ATRIUM_AUTH_NONE, 0,
     0, NULL},
};

const size_t atrium_routes_count = sizeof(atrium_routes) / sizeof(atrium_routes[0]);
