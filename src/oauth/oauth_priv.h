/* SPDX-License-Identifier: MIT */
/*
 * Private to src/oauth/: helpers shared by the token services (errors,
 * tenant-bearing opaque values, scope parsing and the directory API's
 * service principal). Not for other layers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "oauth/oauth.h"

/* --- Errors (oauth_error.c) ------------------------------------------------ */

/* A store failure: server_error 500, or temporarily_unavailable 503 for EBUSY. Returns rc. */
int atrium_oauth_fail_store(struct atrium_oauth_error *e, int rc);
/* invalid_request AADSTS900144 naming the missing parameter. Returns ATRIUM_EINVAL. */
int atrium_oauth_fail_missing(struct atrium_oauth_error *e, const char *param);
/*
 * Copy s into out (cap bytes) for an error description: printable ASCII
 * only (others and quotes become '?'), truncated with "...". Returns out.
 */
const char *atrium_oauth_printable(const char *s, char *out, size_t cap);

/* --- Opaque values that carry their tenant (opaque.c) ---------------------- */

/*
 * Refresh tokens (and any other value a client may present again on the
 * /organizations or /common endpoints, where the path names no tenant) are
 * base64url(16 bytes of tenant GUID || 32 random bytes): 64 characters,
 * 256 bits of CSPRNG output. The tenant part is not secret.
 */
#define ATRIUM_OAUTH_OPAQUE_LEN 64

/* A fresh value for tenant_id (a GUID). Heap string, caller owns. */
char *atrium_oauth_opaque_new(const char *tenant_id);
/* The tenant of a value made by atrium_oauth_opaque_new, or ATRIUM_EINVAL when it is not one. */
int atrium_oauth_opaque_tenant(const char *value, char out[ATRIUM_UUID_LEN + 1]);

/* --- Scopes (scopes.c) ----------------------------------------------------- */

/* True for openid, profile, email and offline_access (any case). */
bool atrium_oauth_is_oidc_scope(const char *value);
/*
 * The token response's "scope": the requested entries that were granted, in
 * the client's spelling (so client caches match what they asked for), the
 * requested OIDC scopes, and the implied directory API scope when only OIDC
 * scopes were asked. Heap string, caller owns.
 */
char *atrium_oauth_scopes_response(const struct atrium_oauth_scopes *sc, const char *requested);

struct atrium_oauth_resource;

/*
 * What a delegated request asks the user to consent to: scope parsed as
 * atrium_oauth_scopes_resolve parses it (same errors), its resource found in
 * tenant_id (*ret_resource, caller releases), and *ret_values a JSON array
 * of canonical permission values (caller owns): the named ones, for
 * ".default" the delegated permissions the client's requiredResourceAccess
 * lists for that resource, and for the directory API the requested OIDC
 * scopes (lower case). Unknown permission: invalid_scope 70011.
 */
int atrium_oauth_scopes_requested(struct atrium_store *s, const char *tenant_id,
                                  const struct atrium_oauth_client *c, const char *scope,
                                  struct atrium_oauth_resource *ret_resource, json_t **ret_values,
                                  struct atrium_oauth_error *e);

/* --- Built-in principals (client.c) ---------------------------------------- */

/* unauthorized_client AADSTS700016: client_id is not an application of tenant_id. */
int atrium_oauth_fail_client_unknown(struct atrium_oauth_error *e, const char *client_id,
                                     const char *tenant_id);
/*
 * The directory API's service principal in tenant, brief (sp_brief_by_app_id:
 * no display_name or definition), created lazily; creating it ends the
 * caller's read snapshot (store.h) if one is open, so the rest of the request
 * reads without one.
 */
int atrium_oauth_graph_sp(struct atrium_store *s, const char *tenant_id,
                          struct atrium_service_principal *ret);
