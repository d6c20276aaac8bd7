/* SPDX-License-Identifier: MIT */
/*
 * The storage interface for applications and sign-in: a second ops table,
 * reached as s->oauth (see struct atrium_store in store.h), with the same
 * rules as store.h: tenant id explicit and filtered on; another tenant's
 * object is ATRIUM_ENOTFOUND; results in caller structs the caller releases;
 * ECONFLICT on uniqueness; ESTORE otherwise.
 *
 * Single-use records (codes, refresh tokens, device codes) are consumed with
 * one atomic conditional UPDATE, so N parallel redemptions give exactly one
 * success; the losers get ATRIUM_ECONFLICT *with the record filled*, so the
 * caller can revoke what the first redemption produced.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/application.h"
#include "model/audit.h"
#include "model/oauth_records.h"

#define ATRIUM_STORE_OAUTH_OPS_VERSION 2
#define ATRIUM_NAME_LOCKOUT_PURGE_MAX 100 /* stale unknown-name counters deleted per put */
#define ATRIUM_PURGE_BATCH_MAX 10000      /* rows one purge call may delete at most */

/* The sign-in records the periodic purge deletes (purge below). */
enum atrium_purge_kind {
    ATRIUM_PURGE_CODES,          /* authorization codes, by expires */
    ATRIUM_PURGE_DEVICE_CODES,   /* device codes, by expires */
    ATRIUM_PURGE_REFRESH_TOKENS, /* refresh tokens (live, used or revoked), by expires */
    ATRIUM_PURGE_SESSIONS,       /* browser sessions, by expires */
    ATRIUM_PURGE_SIGNIN_EVENTS,  /* the sign-in log, by created */
    ATRIUM_PURGE__COUNT,
};

struct atrium_store;

struct atrium_application_list {
    struct atrium_application *items;
    size_t count;
};
struct atrium_app_password_list {
    struct atrium_app_password *items;
    size_t count;
};
struct atrium_service_principal_list {
    struct atrium_service_principal *items;
    size_t count;
};
struct atrium_app_role_assignment_list {
    struct atrium_app_role_assignment *items;
    size_t count;
};
struct atrium_oauth2_grant_list {
    struct atrium_oauth2_grant *items;
    size_t count;
};
struct atrium_signing_key_list {
    struct atrium_signing_key_record *items;
    size_t count;
};
struct atrium_signin_event_list {
    struct atrium_signin_event *items;
    size_t count;
};

void atrium_application_list_release(struct atrium_application_list *l);
void atrium_app_password_list_release(struct atrium_app_password_list *l);
void atrium_service_principal_list_release(struct atrium_service_principal_list *l);
void atrium_app_role_assignment_list_release(struct atrium_app_role_assignment_list *l);
void atrium_oauth2_grant_list_release(struct atrium_oauth2_grant_list *l);
void atrium_signing_key_list_release(struct atrium_signing_key_list *l);
void atrium_signin_event_list_release(struct atrium_signin_event_list *l);

/*
 * End every sign-in of a user: revoke all its refresh tokens and delete all
 * its browser sessions in tenant_id (password change or reset, disable,
 * delete, revokeSignInSessions). Two writes: call it inside the caller's
 * transaction, with the change that requires it.
 */
int atrium_store_end_user_signins(struct atrium_store *s, const char *tenant_id,
                                  const char *user_id);

struct atrium_store_oauth_ops {
    int version; /* ATRIUM_STORE_OAUTH_OPS_VERSION */

    /* Applications. app_id is unique across all tenants (ECONFLICT). */
    int (*app_insert)(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_application *a);
    int (*app_get)(struct atrium_store *s, const char *tenant_id, const char *object_id,
                   struct atrium_application *ret);
    int (*app_get_by_app_id)(struct atrium_store *s, const char *tenant_id, const char *app_id,
                             struct atrium_application *ret);
    /* Global look-up by appId, for multi-tenant apps used from another tenant. */
    int (*app_find_global)(struct atrium_store *s, const char *app_id,
                           struct atrium_application *ret);
    int (*app_list)(struct atrium_store *s, const char *tenant_id, const char *after_id,
                    size_t limit, struct atrium_application_list *ret);
    /* Replace display_name, sign_in_audience and definition. */
    int (*app_update)(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_application *a);
    /* Deletes the app, its passwords, and its service principal in the home tenant. */
    int (*app_delete)(struct atrium_store *s, const char *tenant_id, const char *object_id);

    int (*app_password_insert)(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_app_password *p);
    int (*app_password_delete)(struct atrium_store *s, const char *tenant_id,
                               const char *app_object_id, const char *key_id);
    int (*app_password_list)(struct atrium_store *s, const char *tenant_id,
                             const char *app_object_id, struct atrium_app_password_list *ret);

    /* Service principals: unique (tenant_id, app_id). */
    int (*sp_insert)(struct atrium_store *s, const char *tenant_id,
                     const struct atrium_service_principal *sp);
    int (*sp_get)(struct atrium_store *s, const char *tenant_id, const char *id,
                  struct atrium_service_principal *ret);
    int (*sp_get_by_app_id)(struct atrium_store *s, const char *tenant_id, const char *app_id,
                            struct atrium_service_principal *ret);
    /*
     * As sp_get_by_app_id without the heap members (display_name and
     * definition left NULL), for look-ups that need only the ids and
     * account_enabled: the directory API's definition is ~15 KB.
     */
    int (*sp_brief_by_app_id)(struct atrium_store *s, const char *tenant_id, const char *app_id,
                              struct atrium_service_principal *ret);
    int (*sp_list)(struct atrium_store *s, const char *tenant_id, const char *after_id,
                   size_t limit, struct atrium_service_principal_list *ret);
    int (*sp_update)(struct atrium_store *s, const char *tenant_id,
                     const struct atrium_service_principal *sp);
    /* Also deletes the grants and assignments that name it. */
    int (*sp_delete)(struct atrium_store *s, const char *tenant_id, const char *id);

    /* App role assignments (application permissions). Unique (principal, resource, role). */
    int (*app_role_assignment_insert)(struct atrium_store *s, const char *tenant_id,
                                      const struct atrium_app_role_assignment *a);
    int (*app_role_assignment_delete)(struct atrium_store *s, const char *tenant_id,
                                      const char *id);
    int (*app_role_assignments_of_principal)(struct atrium_store *s, const char *tenant_id,
                                             const char *principal_id,
                                             struct atrium_app_role_assignment_list *ret);
    int (*app_role_assignments_of_resource)(struct atrium_store *s, const char *tenant_id,
                                            const char *resource_id,
                                            struct atrium_app_role_assignment_list *ret);

    /* Delegated consent. Unique (client, resource, principal or ""). */
    int (*grant_insert)(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_oauth2_grant *g);
    int (*grant_update_scope)(struct atrium_store *s, const char *tenant_id, const char *id,
                              const char *scope);
    int (*grant_delete)(struct atrium_store *s, const char *tenant_id, const char *id);
    int (*grant_get)(struct atrium_store *s, const char *tenant_id, const char *id,
                     struct atrium_oauth2_grant *ret);
    /* All grants (client_id NULL) or those of one client service principal. */
    int (*grant_list)(struct atrium_store *s, const char *tenant_id, const char *client_id,
                      struct atrium_oauth2_grant_list *ret);

    /* Authorization codes. */
    int (*code_insert)(struct atrium_store *s, const struct atrium_auth_code *c);
    /*
     * Mark the code redeemed if it is not yet and not expired at now: 0 and
     * *ret filled; ECONFLICT (and *ret filled) when already redeemed;
     * ENOTFOUND when unknown or expired.
     */
    int (*code_redeem)(struct atrium_store *s, const char *tenant_id, const char *code_hash,
                       int64_t now, struct atrium_auth_code *ret);

    /* Refresh tokens. */
    int (*refresh_insert)(struct atrium_store *s, const struct atrium_refresh_token *t);
    /*
     * Mark the token used (rotation): 0 and *ret filled when it was live;
     * ECONFLICT with *ret filled when it was already used or revoked (reuse);
     * ENOTFOUND when unknown or expired.
     */
    int (*refresh_use)(struct atrium_store *s, const char *tenant_id, const char *token_hash,
                       int64_t now, struct atrium_refresh_token *ret);
    /* Revoke every token of the family; *ret_count (may be NULL) gets how many. */
    int (*refresh_revoke_family)(struct atrium_store *s, const char *tenant_id,
                                 const char *family_id, size_t *ret_count);
    /* Revoke every refresh token of a user (password reset, disable). */
    int (*refresh_revoke_user)(struct atrium_store *s, const char *tenant_id, const char *user_id);

    /* Device codes. user_code unique among the tenant's unexpired codes (ECONFLICT). */
    int (*device_insert)(struct atrium_store *s, const struct atrium_device_code *d);
    int (*device_get_by_user_code)(struct atrium_store *s, const char *tenant_id,
                                   const char *user_code, int64_t now,
                                   struct atrium_device_code *ret);
    /* PENDING -> APPROVED (with user) or DENIED; ENOTFOUND unless pending and unexpired. */
    int (*device_decide)(struct atrium_store *s, const char *tenant_id, const char *user_code,
                         int64_t now, bool approve, const char *user_id, int64_t auth_time);
    /*
     * Poll: records now as last_poll (the previous value comes back in
     * *ret); if APPROVED, atomically marks it REDEEMED and returns 0 with
     * ret->status == ATRIUM_DEVICE_APPROVED for this one caller only.
     * ENOTFOUND when unknown; expired codes come back with their status.
     * An approved code is redeemed by its first poll even after it expired,
     * so APPROVED still comes back once: check ret->expires against now.
     */
    int (*device_poll)(struct atrium_store *s, const char *tenant_id, const char *device_code_hash,
                       int64_t now, struct atrium_device_code *ret);

    /* Browser sessions (single sign-on). */
    int (*session_insert)(struct atrium_store *s, const struct atrium_session *ss);
    int (*session_get)(struct atrium_store *s, const char *tenant_id, const char *id_hash,
                       int64_t now, struct atrium_session *ret);
    int (*session_delete)(struct atrium_store *s, const char *tenant_id, const char *id_hash);
    /*
     * Delete every session of a user (password change or reset, disable,
     * delete, revokeSignInSessions); 0 also when there was none. *ret_count
     * (may be NULL) gets how many.
     */
    int (*session_delete_user)(struct atrium_store *s, const char *tenant_id, const char *user_id,
                               size_t *ret_count);

    /* Signing keys (global, not tenant-scoped). */
    int (*signing_key_insert)(struct atrium_store *s, const struct atrium_signing_key_record *k);
    /* Every key whose not_after is 0 or later than now, newest first. */
    int (*signing_key_list)(struct atrium_store *s, int64_t now,
                            struct atrium_signing_key_list *ret);
    /* Make kid the only active key; the previously active ones get not_after = retire_at. */
    int (*signing_key_activate)(struct atrium_store *s, const char *kid, int64_t retire_at);

    /* Smart lockout. lockout_get on a user without counters fills zeros and returns 0. */
    int (*lockout_get)(struct atrium_store *s, const char *tenant_id, const char *user_id,
                       struct atrium_lockout *ret);
    int (*lockout_put)(struct atrium_store *s, const struct atrium_lockout *l);
    /*
     * Smart lockout of names that are no user of the tenant, keyed by
     * name_key (oauth/authn_internal.h: a keyed hash of the name, never the
     * name; at most ATRIUM_HASH_TEXT_MAX characters). name_lockout_get
     * without counters fills zeros (user_id "") and returns 0.
     * name_lockout_put replaces the counters (l's tenant_id and user_id are
     * ignored), and first deletes at most ATRIUM_NAME_LOCKOUT_PURGE_MAX rows,
     * of any tenant, whose last_failure and locked_until are both before
     * stale_before: rows the sign-in service would treat as zeros anyway (it
     * passes now minus its observation window), so the purge changes no
     * answer. Bound: every put adds at most one row and removes up to 100
     * stale ones, so the table holds the names that failed within the last
     * window (at most one per Argon2-gated attempt) plus a stale remainder
     * that later failures drain 100 at a time.
     */
    int (*name_lockout_get)(struct atrium_store *s, const char *tenant_id, const char *name_key,
                            struct atrium_lockout *ret);
    int (*name_lockout_put)(struct atrium_store *s, const char *tenant_id, const char *name_key,
                            const struct atrium_lockout *l, int64_t stale_before);

    /* Sign-in log. */
    int (*signin_insert)(struct atrium_store *s, const struct atrium_signin_event *ev);
    /* Newest first, strictly older than (before_created, before_id) when given. */
    int (*signin_list)(struct atrium_store *s, const char *tenant_id, int64_t before_created,
                       const char *before_id, size_t limit, struct atrium_signin_event_list *ret);
    /*
     * Filtered sign-in log (Graph signIns): newest first (created DESC, id),
     * strictly after `after` (NULL: from the newest), events matching f
     * (NULL: all), at most limit.
     */
    int (*signin_query)(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_signin_filter *f, const struct atrium_log_cursor *after,
                        size_t limit, struct atrium_signin_event_list *ret);

    /*
     * Maintenance across tenants (not tenant-scoped, like the stale-name
     * purge of name_lockout_put): delete at most limit rows of kind whose
     * time (expires; created for the sign-in log) is strictly before
     * `before`, of any tenant, through an index on that time; *ret_count
     * gets how many. One statement in its own transaction unless the caller
     * holds one, so the write lock is held for one batch only. limit 0 or
     * above ATRIUM_PURGE_BATCH_MAX, or an unknown kind: EINVAL. The caller
     * (oauth/maintenance.c) picks `before`: codes, refresh tokens and
     * sessions already answer like unknown ones once expired (code_redeem,
     * refresh_use, session_get: ENOTFOUND), so deleting them changes no
     * answer; device_poll still returns an expired code (the client hears
     * expired_token) until it is deleted, so the caller keeps expired rows
     * for a margin of some minutes.
     */
    int (*purge)(struct atrium_store *s, enum atrium_purge_kind kind, int64_t before, size_t limit,
                 size_t *ret_count);
};
