/* SPDX-License-Identifier: MIT */
/*
 * /directory/deletedItems for users: get, restore and permanent delete of
 * soft-deleted users, and the lazy retention sweep that purges those
 * deleted more than ATRIUM_USER_RETENTION_DAYS ago, a bounded batch at a
 * time. A purge unlinks the user from groups and roles (the groups store
 * op) and removes its row and what names it, in one transaction. See
 * users_api.h.
 */
#include "graph/users_priv.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/authz.h"

#define DAY_SECONDS 86400

/* Unlink and purge one deleted user, in one transaction. */
static int purge_one(struct atrium_store *s, const char *tenant_id, const char *id,
                     const struct atrium_principal *who, const struct atrium_user *u,
                     struct atrium_errinfo *e)
{
    int r = atrium_store_begin(s);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (s->ops->directory_object_unlink)
        r = s->ops->directory_object_unlink(s, tenant_id, id);
    if (r == 0)
        r = s->ops->user_purge(s, tenant_id, id);
    if (r < 0)
        r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, id) : atrium_graph_store_fail(e, r);
    if (r == 0 && who)
        r = atrium_graph_user_audit(s, tenant_id, who, "Hard delete user", "Delete", u, 0, e);
    return atrium_graph_users_txn_end(s, r, e);
}

int atrium_graph_users_purge_expired(struct atrium_store *s, const char *tenant_id,
                                     struct atrium_errinfo *e)
{
    char **ids = NULL;
    size_t n = 0;
    int64_t before = atrium_now() - (int64_t)ATRIUM_USER_RETENTION_DAYS * DAY_SECONDS;
    int r = s->ops->user_expired(s, tenant_id, before, ATRIUM_USER_PURGE_BATCH, &ids, &n);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    for (size_t i = 0; i < n; i++) {
        if (r == 0)
            r = purge_one(s, tenant_id, ids[i], NULL, NULL, e);
        xfree(ids[i]);
    }
    xfree(ids);
    return r;
}

/* A soft-deleted user by id (GUIDs only: deleted items have no UPN look-up). */
static int load_deleted(struct atrium_store *s, const char *tenant_id, const char *id,
                        struct atrium_user *ret, struct atrium_errinfo *e)
{
    char oid[ATRIUM_UUID_LEN + 1];
    int r = atrium_graph_id(id, "id", oid, e);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    r = s->ops->user_get_deleted(s, tenant_id, oid, ret);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, oid);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

int atrium_graph_deleted_user_get(const struct atrium_users_env *env, const char *tenant_id,
                                  const struct atrium_principal *who, const char *id,
                                  struct atrium_user *ret, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_read, e);
    if (r == 0)
        r = atrium_graph_users_purge_expired(env->store, tenant_id, e);
    return r < 0 ? r : load_deleted(env->store, tenant_id, id, ret, e);
}

int atrium_graph_deleted_user_restore(const struct atrium_users_env *env, const char *tenant_id,
                                      const struct atrium_principal *who, const char *id,
                                      struct atrium_user *ret, struct atrium_errinfo *e)
{
    struct atrium_store *s = env->store;
    struct atrium_user u = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_write, e);
    if (r == 0)
        r = atrium_graph_users_purge_expired(s, tenant_id, e);
    if (r == 0)
        r = load_deleted(s, tenant_id, id, &u, e);
    if (r == 0)
        r = atrium_graph_user_may_manage(s, tenant_id, who, &u, false, false, e);
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        r = atrium_graph_store_fail(e, r);
    else if (r == 0) {
        r = s->ops->user_restore(s, tenant_id, u.id);
        if (r < 0)
            r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, u.id)
                                      : atrium_graph_store_fail(e, r);
        if (r == 0)
            r = atrium_graph_user_audit(s, tenant_id, who, "Restore user", "Update", &u, 0, e);
        r = atrium_graph_users_txn_end(s, r, e);
    }
    char uid[ATRIUM_UUID_LEN + 1];
    memcpy(uid, u.id, sizeof(uid));
    atrium_user_release(&u);
    return r < 0 ? r : atrium_graph_user_lookup(s, tenant_id, uid, ret, e);
}

int atrium_graph_deleted_user_purge(const struct atrium_users_env *env, const char *tenant_id,
                                    const struct atrium_principal *who, const char *id,
                                    struct atrium_errinfo *e)
{
    struct atrium_store *s = env->store;
    struct atrium_user u = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_write, e);
    if (r == 0)
        r = load_deleted(s, tenant_id, id, &u, e);
    if (r == 0)
        r = atrium_graph_user_may_manage(s, tenant_id, who, &u, false, false, e);
    if (r == 0)
        r = purge_one(s, tenant_id, u.id, who, &u, e);
    atrium_user_release(&u);
    return r;
}
