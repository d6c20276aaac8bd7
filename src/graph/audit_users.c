/* SPDX-License-Identifier: MIT */
/*
 * The audited user writes of directory.h: create and set-password (which
 * also ends the user's refresh tokens and browser sessions) with their
 * audit entries in the same transaction (hashing stays outside it, so the
 * write lock is held only for the rows), and the "Add user" entry that
 * sign-up and the bulk import record for the users they insert.
 */
#include "graph/directory.h"

#include <stdlib.h>

#include "core/clock.h"
#include "core/err.h"
#include "crypto/pwhash.h"
#include "graph/audit.h"
#include "store/store_oauth.h"

static const char *bool_text(bool v)
{
    return v ? "true" : "false";
}

int atrium_audit_user_added(struct atrium_store *s, const struct atrium_audit_actor *actor,
                            const struct atrium_user *u)
{
    const struct atrium_audit_change changes[] = {
        {"userPrincipalName", NULL, u->upn},
        {"displayName", NULL, u->display_name},
        {"givenName", NULL, u->given_name},
        {"surname", NULL, u->surname},
        {"mail", NULL, u->mail},
        {"jobTitle", NULL, u->job_title},
        {"accountEnabled", NULL, bool_text(u->account_enabled)},
        {"forceChangePasswordNextSignIn", NULL, bool_text(u->force_change_password)},
        {"password", NULL, NULL}, /* the name only, never a value */
    };
    const struct atrium_audit_target target = {
        .id = u->id,
        .display_name = u->display_name,
        .type = "User",
        .user_principal_name = u->upn,
        .changes = changes,
        .change_count = u->password_hash ? 9 : 8,
    };
    const struct atrium_audit_event ev = {
        .category = ATRIUM_AUDIT_CAT_USER,
        .activity = "Add user",
        .operation_type = "Add",
        .targets = &target,
        .target_count = 1,
    };
    return atrium_audit_record(s, u->tenant_id, actor, &ev);
}

/* Run the store writes of one change and its audit entry in one transaction. */
static int commit_or_rollback(struct atrium_store *s, int rc, struct atrium_errinfo *e)
{
    if (rc < 0) {
        atrium_store_rollback(s);
        return rc;
    }
    rc = atrium_store_commit(s);
    if (rc < 0) {
        atrium_store_rollback(s);
        return atrium_err(e, rc, "", "The change could not be committed; nothing was changed.");
    }
    return 0;
}

int atrium_user_create_as(struct atrium_store *s, const struct atrium_directory_config *cfg,
                          const struct atrium_audit_actor *actor, const char *tenant_id,
                          const struct atrium_user_create_request *req, struct atrium_user *ret,
                          struct atrium_errinfo *e)
{
    int rc = atrium_user_create_check(s, cfg, tenant_id, req, e);
    if (rc < 0)
        return rc;
    char *hash = NULL;
    rc = atrium_pwhash_hash(cfg->hasher, req->password, &hash);
    if (rc == ATRIUM_EBUSY)
        return atrium_err(e, rc, "", "The server is busy; retry in a moment.");
    if (rc < 0)
        return atrium_err(e, rc, "", "The password could not be processed.");
    struct atrium_user u;
    atrium_user_build(tenant_id, req, hash, &u);
    rc = atrium_store_begin(s);
    if (rc < 0) {
        atrium_user_release(&u);
        return atrium_err(e, rc, "", "The user could not be stored.");
    }
    rc = atrium_user_insert(s, tenant_id, &u, e);
    if (rc == 0 && (rc = atrium_audit_user_added(s, actor, &u)) < 0)
        atrium_err(e, rc, "", "The audit log could not be written; nothing was changed.");
    rc = commit_or_rollback(s, rc, e);
    if (rc < 0) {
        atrium_user_release(&u);
        return rc;
    }
    *ret = u;
    return 0;
}

int atrium_user_set_password_as(struct atrium_store *s, const struct atrium_directory_config *cfg,
                                const struct atrium_audit_actor *actor, const char *tenant_id,
                                const char *id_or_upn, const char *password, bool force_change,
                                struct atrium_errinfo *e)
{
    struct atrium_user u = {0};
    char *hash = NULL;
    int rc = atrium_user_password_prepare(s, cfg, tenant_id, id_or_upn, password, &u, &hash, e);
    if (rc < 0)
        return rc;
    const struct atrium_audit_change changes[] = {
        {"password", NULL, NULL}, /* the name only */
        {"forceChangePasswordNextSignIn", bool_text(u.force_change_password),
         bool_text(force_change)},
    };
    const struct atrium_audit_target target = {.id = u.id,
                                               .display_name = u.display_name,
                                               .type = "User",
                                               .user_principal_name = u.upn,
                                               .changes = changes,
                                               .change_count = 2};
    const struct atrium_audit_event ev = {.category = ATRIUM_AUDIT_CAT_USER,
                                          .activity = "Reset user password",
                                          .operation_type = "Update",
                                          .targets = &target,
                                          .target_count = 1};
    if ((rc = atrium_store_begin(s)) < 0) {
        atrium_err(e, rc, "", "The password could not be stored.");
    } else {
        rc = s->ops->user_set_password(s, tenant_id, u.id, hash, force_change, atrium_now());
        if (rc == 0) /* a reset ends the sign-ins (tokens, sessions) the old password opened */
            rc = atrium_store_end_user_signins(s, tenant_id, u.id);
        if (rc < 0)
            atrium_err(e, rc, "", "The password could not be stored.");
        else if ((rc = atrium_audit_record(s, tenant_id, actor, &ev)) < 0)
            atrium_err(e, rc, "", "The audit log could not be written; nothing was changed.");
        rc = commit_or_rollback(s, rc, e);
    }
    free(hash);
    atrium_user_release(&u);
    return rc;
}
