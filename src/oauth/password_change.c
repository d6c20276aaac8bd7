/* SPDX-License-Identifier: MIT */
/*
 * The password change of the sign-in page (after a 50055, or at will):
 * the current password is checked like a sign-in (lockout applies), the new
 * one against the password policy and the current one, then stored with
 * forceChangePasswordNextSignIn cleared, and every refresh token and
 * browser session of the user ends, in one transaction with the sign-in
 * event and the directory audit entry ("Change user password", no value).
 * The sign-in page starts the user's new session after this returns.
 *
 * The policy is ATRIUM_PASSWORD_POLICY_DEFAULT with the tenant display name
 * and the user name as context words (struct atrium_oauth carries no
 * per-tenant policy yet). A refused new password answers invalid_request
 * with the policy's message; when the user must change the password it is
 * recorded as 50055 (the sign-in is still blocked), otherwise not at all.
 */
#include "oauth/oauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "crypto/ctcmp.h"
#include "crypto/pwhash.h"
#include "model/audit.h"
#include "model/password_policy.h"
#include "oauth/authn_internal.h"
#include "oauth/oauth_priv.h"

/* The new password is acceptable for u: policy and "differs from the current one". */
static int check_new_password(struct atrium_store *s, const struct atrium_authn_request *req,
                              const struct atrium_user *u, const char *new_password,
                              struct atrium_oauth_error *e)
{
    static const struct atrium_password_policy policy = ATRIUM_PASSWORD_POLICY_DEFAULT;
    if (!new_password || !*new_password)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 900144, 400,
                                 "The request body must contain the following parameter: "
                                 "'new_password'.");
    struct atrium_tenant t = {0};
    int rc = s->ops->tenant_get(s, req->tenant_id, &t);
    if (rc < 0) {
        atrium_tenant_release(&t);
        return atrium_oauth_fail_store(e, rc);
    }
    struct atrium_errinfo ei = {0};
    rc = atrium_password_check(&policy, new_password, t.display_name, u->upn, "new_password", &ei);
    atrium_tenant_release(&t);
    if (rc < 0)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 0, 400, "%s", ei.message);
    if (atrium_ct_equal(new_password, strlen(new_password), req->password, strlen(req->password)))
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 0, 400,
                                 "The new password must be different from the current one.");
    return 0;
}

/* The directory audit entry "Change user password" (self-service): the property name only. */
static int audit_change(struct atrium_store *s, const struct atrium_authn_request *req,
                        const struct atrium_user *u, int64_t now)
{
    const struct atrium_audit_actor actor = {.kind = ATRIUM_AUDIT_BY_USER,
                                             .id = u->id,
                                             .user_principal_name = u->upn,
                                             .display_name = u->display_name,
                                             .ip_address = req->ip,
                                             .correlation_id = req->correlation_id};
    const struct atrium_audit_change changes[] = {{"password", NULL, NULL}};
    const struct atrium_audit_target target = {.id = u->id,
                                               .display_name = u->display_name,
                                               .type = "User",
                                               .user_principal_name = u->upn,
                                               .changes = changes,
                                               .change_count = 1};
    const struct atrium_audit_event ev = {.category = ATRIUM_AUDIT_CAT_USER,
                                          .activity = "Change user password",
                                          .operation_type = "Update",
                                          .targets = &target,
                                          .target_count = 1};
    struct atrium_directory_audit a = {0};
    int rc = atrium_directory_audit_build(req->tenant_id, &actor, &ev, now, &a);
    if (rc == 0)
        rc = s->ops->audit_insert(s, &a);
    atrium_directory_audit_release(&a);
    return rc;
}

/* Store the hash, clear the flag, end the sign-ins, record: all or nothing. */
static int apply_change(struct atrium_store *s, const struct atrium_authn_request *req,
                        const struct atrium_user *u, const char *hash, int64_t now)
{
    int rc = atrium_store_begin(s);
    if (rc < 0)
        return rc;
    rc = s->ops->user_set_password(s, req->tenant_id, u->id, hash, false, now);
    if (rc == 0) /* the sessions opened with the old password end; the page starts a new one */
        rc = atrium_store_end_user_signins(s, req->tenant_id, u->id);
    if (rc == 0)
        rc = atrium_oauth_signin_record(s, req, u->id, 0, NULL, now);
    if (rc == 0)
        rc = audit_change(s, req, u, now);
    if (rc == 0)
        rc = atrium_store_commit(s);
    if (rc < 0)
        atrium_store_rollback(s);
    return rc;
}

/* Record a refused new password when the user is still blocked by the change. */
static int record_refusal(struct atrium_store *s, const struct atrium_authn_request *req,
                          const struct atrium_user *u, const struct atrium_oauth_error *e, int rc)
{
    if (!u->force_change_password || rc != ATRIUM_EINVAL)
        return rc;
    char reason[320];
    snprintf(reason, sizeof(reason), "Password change refused: %s",
             e ? e->description : "the new password is not acceptable.");
    int r = atrium_oauth_signin_record(s, req, u->id, 50055, reason, atrium_now());
    return r < 0 ? r : rc;
}

int atrium_oauth_change_password(struct atrium_store *s, const struct atrium_oauth *o,
                                 const struct atrium_authn_request *req, const char *new_password,
                                 struct atrium_user *ret_user, struct atrium_oauth_error *e)
{
    struct atrium_user u = {0};
    if (ret_user)
        memset(ret_user, 0, sizeof(*ret_user));
    int rc = atrium_oauth_authn_check(s, o, req, true, &u, e);
    if (rc < 0)
        return rc;
    rc = check_new_password(s, req, &u, new_password, e);
    if (rc < 0) {
        int r = record_refusal(s, req, &u, e, rc);
        atrium_user_release(&u);
        return r == rc ? rc : atrium_oauth_fail_store(e, r);
    }
    char *hash = NULL;
    rc = atrium_pwhash_hash(o->hasher, new_password, &hash);
    if (rc < 0) {
        atrium_user_release(&u);
        return rc == ATRIUM_EBUSY ? atrium_oauth_fail_store(e, ATRIUM_EBUSY)
                                  : atrium_oauth_fail(e, rc, "server_error", 0, 500,
                                                      "The password could not be processed.");
    }
    int64_t now = atrium_now();
    rc = apply_change(s, req, &u, hash, now);
    if (rc < 0) {
        free(hash);
        atrium_user_release(&u);
        return atrium_oauth_fail_store(e, rc);
    }
    free(u.password_hash);
    u.password_hash = hash;
    u.force_change_password = false;
    u.password_changed = now;
    if (ret_user)
        *ret_user = u;
    else
        atrium_user_release(&u);
    return 0;
}
