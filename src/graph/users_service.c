/* SPDX-License-Identifier: MIT */
/*
 * /users: create, get, PATCH (with the administrator's password reset and
 * the disabling of an account, both ending the user's refresh tokens and
 * browser sessions) and soft delete (which ends them too). The
 * slow part of a write (hashing a password) runs before its transaction;
 * the checks, the write and its audit entry run inside it. See users_api.h.
 */
#include "graph/users_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/pwhash.h"
#include "graph/apps_priv.h"
#include "graph/authz.h"
#include "store/store_oauth.h"

static int hash_password(const struct atrium_directory_config *dir, const char *password,
                         char **ret, struct atrium_errinfo *e)
{
    int rc = atrium_pwhash_hash(dir->hasher, password, ret);
    if (rc == ATRIUM_EBUSY)
        return atrium_err(e, rc, "", "The server is busy; retry in a moment.");
    if (rc < 0)
        return atrium_err(e, rc, "", "The password could not be processed.");
    return 0;
}

/* Move the properties atrium_user_build does not know from src into dst. */
static void take_profile(struct atrium_user *dst, struct atrium_user *src)
{
    for (int a = 0; a < ATRIUM_USER_ATTR__MAX; a++)
        dst->attrs[a] = TAKE_PTR(src->attrs[a]);
    dst->business_phones = src->business_phones;
    dst->other_mails = src->other_mails;
    memset(&src->business_phones, 0, sizeof(src->business_phones));
    memset(&src->other_mails, 0, sizeof(src->other_mails));
}

/* Duplicate UPN: Graph answers 400, not 409. */
static int upn_taken(int rc, struct atrium_errinfo *e)
{
    if (rc != ATRIUM_ECONFLICT)
        return rc;
    return atrium_err(e, ATRIUM_EINVAL, "userPrincipalName",
                      "Another object with the same value for property userPrincipalName "
                      "already exists.");
}

static int insert_new(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_principal *who, const struct atrium_user *u,
                      uint32_t mask, struct atrium_errinfo *e)
{
    int rc = atrium_store_begin(s);
    if (rc < 0)
        return atrium_graph_store_fail(e, rc);
    rc = upn_taken(atrium_user_insert(s, tenant_id, u, e), e);
    if (rc == 0)
        rc = atrium_graph_user_audit(s, tenant_id, who, "Add user", "Add", u,
                                     mask & ~ATRIUM_UF_BIT(ATRIUM_UF_PASSWORD_PROFILE), e);
    return atrium_graph_users_txn_end(s, rc, e);
}

int atrium_graph_user_create(const struct atrium_users_env *env, const char *tenant_id,
                             const struct atrium_principal *who, const json_t *body,
                             struct atrium_user *ret, struct atrium_errinfo *e)
{
    struct atrium_store *s = env->store;
    struct atrium_user draft = {.account_enabled = true};
    struct atrium_user_changes ch = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_write, e);
    if (r == 0)
        r = atrium_graph_user_apply(&draft, body, true, &ch, e);
    struct atrium_user_create_request req = {
        .user_principal_name = draft.upn,
        .display_name = draft.display_name,
        .given_name = draft.given_name,
        .surname = draft.surname,
        .mail = draft.mail,
        .job_title = draft.job_title,
        .account_enabled = draft.account_enabled,
        .password = ch.password,
        .force_change_password = ch.force,
    };
    char *hash = NULL;
    if (r == 0)
        r = atrium_user_create_check(s, env->dir, tenant_id, &req, e);
    if (r == 0)
        r = hash_password(env->dir, ch.password, &hash, e);
    if (r < 0) {
        atrium_user_release(&draft);
        return r;
    }
    struct atrium_user u;
    atrium_user_build(tenant_id, &req, hash, &u);
    take_profile(&u, &draft);
    atrium_user_release(&draft);
    r = insert_new(s, tenant_id, who, &u, ch.mask, e);
    if (r < 0) {
        atrium_user_release(&u);
        return r;
    }
    *ret = u;
    return 0;
}

int atrium_graph_user_get(const struct atrium_users_env *env, const char *tenant_id,
                          const struct atrium_principal *who, const char *id_or_upn,
                          struct atrium_user *ret, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_read, e);
    return r < 0 ? r : atrium_graph_user_lookup(env->store, tenant_id, id_or_upn, ret, e);
}

/* A new UPN must be at a verified domain of the tenant. */
static int upn_domain_check(struct atrium_store *s, const char *tenant_id, const char *upn,
                            struct atrium_errinfo *e)
{
    struct atrium_domain d = {0};
    const char *at = strrchr(upn, '@');
    int r = at ? s->ops->domain_get(s, tenant_id, at + 1, &d) : ATRIUM_ENOTFOUND;
    bool ok = r == 0 && d.is_verified;
    atrium_domain_release(&d);
    if (r < 0 && r != ATRIUM_ENOTFOUND)
        return atrium_graph_store_fail(e, r);
    if (!ok)
        return atrium_err(e, ATRIUM_EINVAL, "userPrincipalName",
                          "The domain of userPrincipalName '%s' is not a verified domain of "
                          "this tenant.",
                          upn);
    return 0;
}

/* A store failure of a write as the Graph error (ECONFLICT: the UPN is taken). */
static int write_fail(int rc, const char *id, struct atrium_errinfo *e)
{
    if (rc == ATRIUM_ECONFLICT)
        return upn_taken(rc, e);
    if (rc == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, id);
    return atrium_graph_store_fail(e, rc);
}

static int audit_update(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *who, const struct atrium_user *u,
                        uint32_t mask, struct atrium_errinfo *e)
{
    const uint32_t password = ATRIUM_UF_BIT(ATRIUM_UF_PASSWORD_PROFILE);
    int r = 0;
    if (mask & ~password)
        r = atrium_graph_user_audit(s, tenant_id, who, "Update user", "Update", u, mask & ~password,
                                    e);
    if (r == 0 && (mask & password))
        r = atrium_graph_user_audit(s, tenant_id, who, "Reset user password", "Update", u, password,
                                    e);
    return r;
}

/* The writes of a PATCH, in the open transaction; u is the stored user. */
static int write_update(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *who, struct atrium_user *u,
                        const json_t *body, const char *hash, struct atrium_errinfo *e)
{
    struct atrium_user_changes ch = {0};
    bool was_enabled = u->account_enabled;
    int r = atrium_graph_user_apply(u, body, false, &ch, e);
    if (r == 0 && (ch.mask & ATRIUM_UF_BIT(ATRIUM_UF_UPN)))
        r = upn_domain_check(s, tenant_id, u->upn, e);
    int w = r == 0 ? s->ops->user_update(s, tenant_id, u) : 0;
    bool force = ch.has_force ? ch.force : u->force_change_password;
    if (w == 0 && r == 0 && (hash || ch.has_force))
        w = s->ops->user_set_password(s, tenant_id, u->id, hash ? hash : u->password_hash, force,
                                      hash ? atrium_now() : u->password_changed);
    if (w == 0 && r == 0 && (hash || (was_enabled && !u->account_enabled)))
        w = atrium_store_end_user_signins(s, tenant_id, u->id); /* tokens and sessions */
    if (w < 0)
        return write_fail(w, u->id, e);
    return r < 0 ? r : audit_update(s, tenant_id, who, u, ch.mask, e);
}

/* Before the transaction: validate the body, check the caller against the target, hash. */
static int prepare_update(const struct atrium_users_env *env, const char *tenant_id,
                          const struct atrium_principal *who, const char *id_or_upn,
                          const json_t *body, char *ret_id, char **ret_hash,
                          struct atrium_errinfo *e)
{
    struct atrium_user u = {0};
    struct atrium_user_changes ch = {0};
    int r = atrium_graph_user_lookup(env->store, tenant_id, id_or_upn, &u, e);
    if (r == 0)
        snprintf(ret_id, ATRIUM_UUID_LEN + 1, "%s", u.id);
    if (r == 0)
        r = atrium_graph_user_apply(&u, body, false, &ch, e);
    bool password_only = ch.mask == ATRIUM_UF_BIT(ATRIUM_UF_PASSWORD_PROFILE);
    if (r == 0)
        r = atrium_graph_user_may_manage(env->store, tenant_id, who, &u, password_only,
                                         ch.password != NULL, e);
    atrium_user_release(&u);
    if (r == 0 && ch.password) {
        struct atrium_user target = {0};
        r = atrium_user_password_prepare(env->store, env->dir, tenant_id, ret_id, ch.password,
                                         &target, ret_hash, e);
        atrium_user_release(&target);
    }
    return r;
}

int atrium_graph_user_update(const struct atrium_users_env *env, const char *tenant_id,
                             const struct atrium_principal *who, const char *id_or_upn,
                             const json_t *body, struct atrium_errinfo *e)
{
    struct atrium_store *s = env->store;
    char id[ATRIUM_UUID_LEN + 1] = "";
    char *hash = NULL;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_update, e);
    if (r == 0)
        r = prepare_update(env, tenant_id, who, id_or_upn, body, id, &hash, e);
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        r = atrium_graph_store_fail(e, r);
    else if (r == 0) {
        struct atrium_user u = {0};
        r = atrium_graph_user_lookup(s, tenant_id, id, &u, e);
        if (r == 0)
            r = write_update(s, tenant_id, who, &u, body, hash, e);
        atrium_user_release(&u);
        r = atrium_graph_users_txn_end(s, r, e);
    }
    free(hash);
    return r;
}

int atrium_graph_user_delete(const struct atrium_users_env *env, const char *tenant_id,
                             const struct atrium_principal *who, const char *id_or_upn,
                             struct atrium_errinfo *e)
{
    struct atrium_store *s = env->store;
    struct atrium_user u = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_write, e);
    if (r == 0)
        r = atrium_graph_user_lookup(s, tenant_id, id_or_upn, &u, e);
    if (r == 0)
        r = atrium_graph_user_may_manage(s, tenant_id, who, &u, false, false, e);
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        r = atrium_graph_store_fail(e, r);
    else if (r == 0) {
        r = s->ops->user_soft_delete(s, tenant_id, u.id, atrium_now());
        if (r == 0)
            r = atrium_store_end_user_signins(s, tenant_id, u.id);
        if (r < 0)
            r = write_fail(r, u.id, e);
        if (r == 0)
            r = atrium_graph_user_audit(s, tenant_id, who, "Delete user", "Delete", &u, 0, e);
        r = atrium_graph_users_txn_end(s, r, e);
    }
    atrium_user_release(&u);
    if (r == 0) {
        struct atrium_errinfo ignored = {0};
        atrium_graph_users_purge_expired(s, tenant_id, &ignored); /* lazy retention sweep */
    }
    return r;
}
