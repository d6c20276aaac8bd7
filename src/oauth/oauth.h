/* SPDX-License-Identifier: MIT */
/*
 * The sign-in and token services (Entra ID v2.0-compatible OAuth 2.0 /
 * OpenID Connect), independent of HTTP: the http/ handlers parse a request
 * into these calls and render what they return. Every call takes the store
 * handle of the calling thread and the tenant explicitly.
 *
 * Errors: functions return 0 or a negative ATRIUM_E* code and fill a
 * struct atrium_oauth_error with the OAuth `error`, the AADSTS number, the
 * HTTP status and a description; http/ renders it in Entra's shape
 * ({"error","error_description","error_codes","timestamp","trace_id",
 * "correlation_id"}) or, for browser flows, as a redirect or page.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/application.h"
#include "model/oauth_records.h"
#include "model/principal.h"
#include "model/tenant.h"
#include "model/user.h"
#include "store/store.h"
#include "store/store_oauth.h"

struct atrium_keyring;
struct atrium_masterkey;
struct atrium_pwhasher;
struct atrium_secret_hasher;
struct atrium_bearer_cache;
struct atrium_mac_key;

/* Lifetimes and limits; defaults in ATRIUM_OAUTH_CONFIG_DEFAULT. Seconds. */
struct atrium_oauth_config {
    const char *public_url;         /* "https://localhost:8443", no trailing slash */
    int64_t access_token_lifetime;  /* 3600 */
    int64_t code_lifetime;          /* 600, single use */
    int64_t device_code_lifetime;   /* 900 */
    int64_t device_poll_interval;   /* 5 */
    int64_t refresh_token_lifetime; /* 90 days, sliding, rotated on every use */
    int64_t session_lifetime;       /* browser SSO session: 1 day */
    int64_t key_grace_period;       /* previous signing key stays published: 14 days */
    int lockout_threshold;          /* 10 failed sign-ins */
    int64_t lockout_duration;       /* 60 s, doubled on each further lockout (cap 1 day) */
    int64_t lockout_window;         /* 1 day: counters idle this long (and unlocked) reset */
    int64_t signin_retention;       /* sign-in log kept 30 days (Entra premium); 0: forever */
};

#define ATRIUM_OAUTH_CONFIG_DEFAULT                                                                \
    {                                                                                              \
        .public_url = NULL, .access_token_lifetime = 3600, .code_lifetime = 600,                   \
        .device_code_lifetime = 900, .device_poll_interval = 5,                                    \
        .refresh_token_lifetime = 90 * 86400, .session_lifetime = 86400,                           \
        .key_grace_period = 14 * 86400, .lockout_threshold = 10, .lockout_duration = 60,           \
        .lockout_window = 86400, .signin_retention = 30 * 86400                                    \
    }

/* Shared, read-mostly state of the services (one per process). */
struct atrium_oauth {
    struct atrium_oauth_config cfg;
    struct atrium_keyring *keyring;           /* signing keys (crypto/keyring.h) */
    struct atrium_secret_hasher *secrets;     /* client secrets, wrong-password hashes */
    struct atrium_pwhasher *hasher;           /* Argon2id for user passwords */
    struct atrium_bearer_cache *bearer_cache; /* verified access tokens (may be NULL) */
    struct atrium_mac_key *paging_key;        /* directory API $skiptoken MACs (crypto/mac.h) */
};

/* An OAuth error as Entra reports it. */
struct atrium_oauth_error {
    const char *error;     /* "invalid_grant", ... (static string) */
    int aadsts;            /* 50126, ...; 0 when none */
    unsigned status;       /* HTTP status: 400, 401, ... */
    const char *suberror;  /* "consent_required", "user_password_expired" or NULL */
    char description[256]; /* without the "AADSTS<n>: " prefix */
};

/* Fill *e and return code (ATRIUM_EINVAL, ATRIUM_EAUTH, ...). */
int atrium_oauth_fail(struct atrium_oauth_error *e, int code, const char *error, int aadsts,
                      unsigned status, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* --- Keys (oauth/keys.c) --------------------------------------------------- */

/*
 * Load every published signing key from the store into a new keyring,
 * opening private keys with the master key; when the store has none, create
 * one RSA-2048 key, store it sealed, and activate it. Restarts keep the kid.
 */
int atrium_oauth_keys_load(struct atrium_store *s, const struct atrium_masterkey *mk,
                           struct atrium_keyring **ret, struct atrium_errinfo *e);
/* Create a new active key; the previous ones stay published for grace_period. *ret_kid: heap. */
int atrium_oauth_keys_rotate(struct atrium_store *s, const struct atrium_masterkey *mk,
                             int64_t grace_period, char **ret_kid, struct atrium_errinfo *e);

/* What atrium_oauth_keys_refresh changed; all zero when the keyring already matched. */
struct atrium_oauth_keys_change {
    size_t imported;     /* keys opened with the master key and added */
    size_t retired;      /* ends of publication (not_after) applied */
    size_t removed;      /* keys dropped: no longer listed by the store, or expired */
    bool active_changed; /* another key signs from now on */
};

/*
 * Bring a loaded keyring in line with the store (a rotation by `atrium key
 * rotate` or another server node): one signing_key_list; when the listed
 * kids, active key and not_after all match the keyring nothing else happens
 * (no master-key decryption, the generation does not move). Otherwise only
 * keys the keyring does not hold are opened, the store's active key becomes
 * the active one, not_after changes are applied and keys no longer listed
 * (or expired) are dropped. A failure (store error, a blob that does not
 * open, no active key listed) leaves the keyring as it was. Not to be run
 * concurrently with itself on one keyring; signers may run meanwhile.
 * *ret (may be NULL) is filled on success.
 */
int atrium_oauth_keys_refresh(struct atrium_store *s, const struct atrium_masterkey *mk,
                              struct atrium_keyring *kr, struct atrium_oauth_keys_change *ret,
                              struct atrium_errinfo *e);

/* --- Tenants and metadata (oauth/discovery.c) ------------------------------ */

/*
 * Resolve the {tenant} path segment: a GUID or verified domain, case-
 * insensitive; "organizations" and "common" give *ret_multi = true and no
 * tenant. Unknown: AADSTS90002 (error invalid_tenant for discovery).
 */
int atrium_oauth_tenant(struct atrium_store *s, const char *segment, struct atrium_tenant *ret,
                        bool *ret_multi, struct atrium_oauth_error *e);
/* The issuer of a tenant: "{public_url}/{tid}/v2.0" (heap). */
char *atrium_oauth_issuer(const struct atrium_oauth *o, const char *tenant_id);
/* The v2.0 discovery document; tenant_id NULL for the multi-tenant documents ("{tenantid}"). */
json_t *atrium_oauth_discovery(const struct atrium_oauth *o, const char *path_segment,
                               const char *tenant_id);
/* The JWKS (every published key, with issuer). */
int atrium_oauth_jwks(const struct atrium_oauth *o, const char *tenant_id, json_t **ret);

/* --- Clients (oauth/client.c) ---------------------------------------------- */

/* A client as the protocol sees it: built-in first-party client or an application. */
struct atrium_oauth_client {
    char app_id[ATRIUM_UUID_LEN + 1];
    char *display_name;
    bool is_public;      /* no secret: PKCE required */
    bool is_first_party; /* 04b07795-...: pre-consented, localhost redirects */
    bool multi_tenant;
    json_t *definition; /* the application's Graph properties (NULL for first party) */
    char home_tenant_id[ATRIUM_UUID_LEN + 1];
    char application_object_id[ATRIUM_UUID_LEN + 1]; /* "" for first party */
    char sp_id[ATRIUM_UUID_LEN + 1];           /* its service principal in the requesting tenant */
    struct atrium_app_password_list passwords; /* its secrets (hashed), as found */
};
void atrium_oauth_client_release(struct atrium_oauth_client *c);

/*
 * Find client_id for a request in tenant_id: the first-party client, an
 * application of the tenant, or a multi-tenant application of another
 * tenant that has a service principal here. Unknown: AADSTS700016.
 */
int atrium_oauth_client_find(struct atrium_store *s, const char *tenant_id, const char *client_id,
                             struct atrium_oauth_client *ret, struct atrium_oauth_error *e);
/*
 * As atrium_oauth_client_find, for interactive sign-in (the authorize
 * endpoint): a multi-tenant application of another tenant that has no
 * service principal in tenant_id yet is found too, with sp_id "", so that
 * the user can consent (atrium_oauth_consent_grant creates the principal).
 * Until then scopes never resolve for it (65001 consent_required).
 */
int atrium_oauth_client_find_interactive(struct atrium_store *s, const char *tenant_id,
                                         const char *client_id, struct atrium_oauth_client *ret,
                                         struct atrium_oauth_error *e);
/*
 * Authenticate a confidential client with its secret (post or basic; the
 * caller says which it got), checked against the secrets client_find read.
 * Public clients must send no secret (700025). Missing secret 7000216
 * (401), bad 7000215 (401), expired 7000222 (401).
 */
int atrium_oauth_client_authenticate(const struct atrium_oauth *o,
                                     const struct atrium_oauth_client *c, const char *secret,
                                     struct atrium_oauth_error *e);
/*
 * Exact redirect URI match against web, spa and publicClient redirect URIs;
 * for native clients (publicClient, first party) a loopback http://localhost
 * or http://127.0.0.1 URI matches with any port (RFC 8252). AADSTS50011.
 */
int atrium_oauth_redirect_allowed(const struct atrium_oauth_client *c, const char *redirect_uri,
                                  struct atrium_oauth_error *e);

/* --- Scopes and consent (oauth/scopes.c, consent.c) ------------------------ */

/* What a scope parameter asks for, after resolution against the resource. */
struct atrium_oauth_scopes {
    bool openid, profile, email, offline_access;
    bool dot_default;                          /* "<resource>/.default" */
    char resource_app_id[ATRIUM_UUID_LEN + 1]; /* "" when only OIDC scopes */
    char *resource_uri; /* the identifier used (e.g. https://graph.microsoft.com) */
    char *granted;      /* space-separated delegated scopes granted (scp) */
    json_t *roles;      /* array of granted application permissions (app-only) */
};
void atrium_oauth_scopes_release(struct atrium_oauth_scopes *sc);

/*
 * Parse and resolve a space-separated scope string for client in tenant:
 * one resource at most (AADSTS70011/700022 otherwise; unknown resource
 * 500011). Delegated (user present): the granted scopes are those requested
 * that are consented (first party: every directory API scope; else
 * oauth2PermissionGrants; ".default": all consented), missing consent is
 * AADSTS65001 with suberror consent_required. App-only: the scope must be
 * "<resource>/.default" and roles are the app role assignments of the
 * client's service principal on the resource.
 */
int atrium_oauth_scopes_resolve(struct atrium_store *s, const char *tenant_id,
                                const struct atrium_oauth_client *c, const char *scope,
                                bool app_only, const char *user_id, struct atrium_oauth_scopes *ret,
                                struct atrium_oauth_error *e);

/*
 * Record user_id's consent (the hosted consent screen's Accept) to what
 * scope asks of client c in tenant_id, resolved as atrium_oauth_scopes_resolve
 * resolves it (same parse errors; unknown resource 500011). Permissions that
 * need an administrator (type "Admin"; the directory API's admin flag) are
 * refused: consent_required AADSTS65001, nothing recorded. OIDC scopes are
 * always consentable. In one transaction: the client's service principal is
 * created in tenant_id if missing (a multi-tenant app of another tenant used
 * here for the first time; another tenant's single-tenant app is 700016),
 * then the Principal oauth2PermissionGrant of (client, resource, user) is
 * inserted, or its scope extended (union, no duplicates; too long
 * ATRIUM_ETOOBIG). user_id is the signed-in user of tenant_id. 0 or a
 * negative ATRIUM_E* code with *e filled.
 */
int atrium_oauth_consent_grant(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_oauth_client *c, const char *user_id,
                               const char *scope, struct atrium_oauth_error *e);

/* --- User authentication (oauth/authn.c) ----------------------------------- */

struct atrium_authn_request {
    const char *tenant_id;
    const char *username; /* UPN as typed */
    const char *password;
    const char *client_app_id;
    const char *client_name;
    const char *ip;
    const char *correlation_id;
    const char *grant; /* "password", "authorization_code" (sign-in page), "device_code" */
};

/*
 * Check username/password with smart lockout (10 failures lock for 60 s,
 * growing; the same wrong password repeated counts once; a locked account
 * answers 50053 whatever the password) and record the sign-in event. A
 * name that is no user of the tenant locks exactly like an account (its
 * counters are kept under a keyed hash of the name), so lockouts do not
 * tell which accounts exist. 0 with *ret_user filled on success. Failures:
 * 50126 wrong user or password (the same for an unknown user, after a
 * dummy hash), 50053 locked, 50057 disabled, 50056 no password; 50055 (suberror
 * user_password_expired) when forceChangePasswordNextSignIn is set: then
 * *ret_user IS filled so the sign-in page can offer the change.
 * ATRIUM_EBUSY when the hasher is saturated.
 */
int atrium_oauth_authenticate(struct atrium_store *s, const struct atrium_oauth *o,
                              const struct atrium_authn_request *req, struct atrium_user *ret_user,
                              struct atrium_oauth_error *e);

/* Forced password change after a 50055: verify the current one, apply policy, clear the flag. */
int atrium_oauth_change_password(struct atrium_store *s, const struct atrium_oauth *o,
                                 const struct atrium_authn_request *req, const char *new_password,
                                 struct atrium_user *ret_user, struct atrium_oauth_error *e);

/* --- Browser sessions (oauth/session.c) ------------------------------------ */

/* Start an SSO session for user; *ret_cookie_value is the secret for the cookie (heap). */
int atrium_oauth_session_start(struct atrium_store *s, const struct atrium_oauth *o,
                               const char *tenant_id, const char *user_id, int64_t auth_time,
                               char **ret_cookie_value, struct atrium_session *ret);
/* The live session named by a cookie value in tenant; ENOTFOUND when none. */
int atrium_oauth_session_find(struct atrium_store *s, const char *tenant_id,
                              const char *cookie_value, struct atrium_session *ret);
int atrium_oauth_session_end(struct atrium_store *s, const char *tenant_id,
                             const char *cookie_value);

/* --- Authorization codes and the token endpoint (oauth/code.c, token.c) ---- */

struct atrium_code_request {
    const char *tenant_id;
    const struct atrium_oauth_client *client;
    const char *user_id;
    const char *redirect_uri;
    const char *scope;          /* as requested (resolved again at redemption) */
    const char *nonce;          /* may be NULL */
    const char *code_challenge; /* may be NULL; S256 only */
    const char *session_id;     /* may be NULL */
    int64_t auth_time;
};
/* Issue a single-use code (10 min); *ret_code is the value for the redirect (heap). */
int atrium_oauth_code_issue(struct atrium_store *s, const struct atrium_oauth *o,
                            const struct atrium_code_request *req, char **ret_code,
                            struct atrium_oauth_error *e);

/* A parsed token request: form fields (and query) as the client sent them. */
struct atrium_token_request {
    const char *tenant_segment; /* the {tenant} path segment */
    const char *grant_type;
    const char *client_id;
    const char *client_secret; /* from the form or Basic */
    bool client_secret_basic;
    const char *scope;
    const char *code, *redirect_uri, *code_verifier;
    const char *refresh_token;
    const char *username, *password;
    const char *device_code;
    bool client_info; /* client_info=1 */
    const char *ip;
    const char *correlation_id; /* client-request-id */
};

/*
 * Run the token endpoint: grants authorization_code (+PKCE), refresh_token
 * (rotation; reuse revokes the family), client_credentials, password (ROPC;
 * not on organizations/common), device_code and
 * urn:ietf:params:oauth:grant-type:device_code. On success *ret is the
 * response object (token_type, expires_in, ext_expires_in, access_token,
 * refresh_token, id_token, scope, client_info as applicable).
 */
int atrium_oauth_token(struct atrium_store *s, const struct atrium_oauth *o,
                       const struct atrium_token_request *req, json_t **ret,
                       struct atrium_oauth_error *e);

/* --- Device authorization (oauth/device.c) --------------------------------- */

/* POST /devicecode: *ret = {device_code, user_code, verification_uri, expires_in, interval,
 * message}. */
int atrium_oauth_device_start(struct atrium_store *s, const struct atrium_oauth *o,
                              const char *tenant_segment, const char *client_id, const char *scope,
                              json_t **ret, struct atrium_oauth_error *e);
/* The user-code page: look a code up (for the page to show the app's name). */
int atrium_oauth_device_lookup(struct atrium_store *s, const char *tenant_id, const char *user_code,
                               struct atrium_device_code *ret, struct atrium_oauth_error *e);
/* The signed-in user approves (or denies) the code. */
int atrium_oauth_device_decide(struct atrium_store *s, const char *tenant_id, const char *user_code,
                               bool approve, const char *user_id, int64_t auth_time,
                               struct atrium_oauth_error *e);

/* --- Bearer tokens (oauth/bearer.c) ---------------------------------------- */

/*
 * Validate an access token for the directory API (RS256 via the keyring,
 * issuer of its tid, audience https://graph.microsoft.com or the Graph appId,
 * exp/nbf with 5 min leeway, user still enabled) and fill *ret; results are
 * cached by token hash until exp (bounded cache). ATRIUM_EAUTH otherwise.
 */
int atrium_oauth_bearer_validate(struct atrium_store *s, const struct atrium_oauth *o,
                                 const char *token, struct atrium_principal *ret,
                                 struct atrium_errinfo *e);
struct atrium_bearer_cache *atrium_bearer_cache_new(size_t capacity);
void atrium_bearer_cache_free(struct atrium_bearer_cache *c);

/* userinfo claims for a validated principal: sub, name, preferred_username, email as scoped. */
int atrium_oauth_userinfo(struct atrium_store *s, const struct atrium_oauth *o, const char *token,
                          json_t **ret, struct atrium_oauth_error *e);
