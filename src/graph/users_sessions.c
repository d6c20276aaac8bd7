/* SPDX-License-Identifier: MIT */
/*
 * revokeSignInSessions (POST /users/{id}/revokeSignInSessions and
 * /me/revokeSignInSessions): end every sign-in of a user, that is revoke
 * all its refresh tokens and delete all its browser (single sign-on)
 * sessions, with the directory audit entry "Invalidate all refresh tokens
 * for user" in the same transaction. Access tokens already issued stay
 * valid until they expire, as in Entra. Who may call: users_api.h.
 */
#include "graph/users_priv.h"

#include "core/err.h"
#include "graph/apps_priv.h"
#include "graph/authz.h"
#include "store/store_oauth.h"

#define ACTIVITY "Invalidate all refresh tokens for user"

/* In the open transaction: end u's sign-ins and record who did it. */
static int end_signins(struct atrium_store *s, const char *tenant_id,
                       const struct atrium_principal *who, const struct atrium_user *u,
                       struct atrium_errinfo *e)
{
    int r = atrium_store_end_user_signins(s, tenant_id, u->id);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    return atrium_graph_user_audit(s, tenant_id, who, ACTIVITY, "Update", u, 0, e);
}

/* Look the target up, check who may manage it (self: always), end its sign-ins; one transaction. */
static int revoke(const struct atrium_users_env *env, const char *tenant_id,
                  const struct atrium_principal *who, const char *id_or_upn, bool self,
                  struct atrium_errinfo *e)
{
    struct atrium_store *s = env->store;
    struct atrium_user u = {0};
    int r = atrium_store_begin(s);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    r = atrium_graph_user_lookup(s, tenant_id, id_or_upn, &u, e);
    /* Like a password reset: Helpdesk Administrators only for users without a role. */
    if (r == 0 && !self)
        r = atrium_graph_user_may_manage(s, tenant_id, who, &u, true, false, e);
    if (r == 0)
        r = end_signins(s, tenant_id, who, &u, e);
    atrium_user_release(&u);
    return atrium_graph_users_txn_end(s, r, e);
}

int atrium_graph_user_revoke_sessions(const struct atrium_users_env *env, const char *tenant_id,
                                      const struct atrium_principal *who, const char *id_or_upn,
                                      struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_update, e);
    return r < 0 ? r : revoke(env, tenant_id, who, id_or_upn, false, e);
}

int atrium_graph_me_revoke_sessions(const struct atrium_users_env *env, const char *tenant_id,
                                    const struct atrium_principal *who, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_me_write, e);
    if (r == 0 && who->app_only)
        r = atrium_err(e, ATRIUM_EINVAL, "",
                       "/me request is only valid with delegated authentication flow.");
    return r < 0 ? r : revoke(env, tenant_id, who, who->user_id, true, e);
}
