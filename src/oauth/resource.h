/* SPDX-License-Identifier: MIT */
/*
 * Private to src/oauth/: the resource (API) a scope names, its delegated
 * permissions and app roles, and what was consented or assigned on it.
 * Used by scopes.c.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "oauth/oauth.h"

struct atrium_oauth_resource {
    bool graph; /* the directory API */
    char app_id[ATRIUM_UUID_LEN + 1];
    char *uri;                          /* the identifier as the client used it: the token's aud */
    struct atrium_service_principal sp; /* its principal in the tenant (brief: ids only) */
    json_t *app_def;                    /* custom APIs: the application's definition */
};

void atrium_oauth_resource_release(struct atrium_oauth_resource *r);

/* True when written (NULL: a bare scope) names the directory API. */
bool atrium_oauth_resource_is_graph(const char *written);

/*
 * Find the resource named written (an identifier URI, an appId, or NULL for
 * the directory API) and its service principal in tenant_id. Unknown:
 * invalid_resource AADSTS500011.
 */
int atrium_oauth_resource_find(struct atrium_store *s, const char *tenant_id, const char *written,
                               struct atrium_oauth_resource *ret, struct atrium_oauth_error *e);

/* The canonical spelling of delegated permission value on r, or NULL when r has none. */
const char *atrium_oauth_resource_scope(const struct atrium_oauth_resource *r, const char *value);
/* The value of the delegated permission of r whose id is id, or NULL when r has none. */
const char *atrium_oauth_resource_scope_by_id(const struct atrium_oauth_resource *r,
                                              const char *id);
/*
 * True when delegated permission value of r needs an administrator's
 * consent: the directory API's table says so, or the scope's "type" on a
 * custom API is "Admin".
 */
bool atrium_oauth_resource_scope_is_admin(const struct atrium_oauth_resource *r, const char *value);

/*
 * The delegated permissions of r consented for client c and user_id (grants
 * for all principals or for that user; the first-party client is
 * pre-consented for every directory API scope): *ret is a JSON array of
 * canonical values.
 */
int atrium_oauth_resource_consented(struct atrium_store *s, const char *tenant_id,
                                    const struct atrium_oauth_client *c,
                                    const struct atrium_oauth_resource *r, const char *user_id,
                                    json_t **ret, struct atrium_oauth_error *e);

/* The values of the app roles of r assigned to principal_id: *ret is a JSON array. */
int atrium_oauth_resource_roles(struct atrium_store *s, const char *tenant_id,
                                const char *principal_id, const struct atrium_oauth_resource *r,
                                json_t **ret, struct atrium_oauth_error *e);

/* Add value to the JSON string array set unless it holds it already (any case). */
void atrium_oauth_set_add(json_t *set, const char *value);
/* True when the JSON string array set holds value (any case). */
bool atrium_oauth_set_has(const json_t *set, const char *value);
