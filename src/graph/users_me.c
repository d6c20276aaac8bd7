/* SPDX-License-Identifier: MIT */
/*
 * /me: the signed-in user's own profile (delegated tokens only), the few
 * properties a user may change on themselves, and the body of
 * changePassword (whose check and write are the token service's, with its
 * lockout: see the HTTP handler). See users_api.h.
 */
#include "graph/users_priv.h"

#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "graph/apps_priv.h"
#include "graph/authz.h"

#define PASSWORD_MAX 256

/* What a user may change on themselves (Entra's default user permissions). */
static const uint32_t self_fields =
    ATRIUM_UF_BIT(ATRIUM_UF_BUSINESS_PHONES) |
    ATRIUM_UF_BIT(ATRIUM_UF_ATTR0 + ATRIUM_USER_ATTR_MOBILE_PHONE) |
    ATRIUM_UF_BIT(ATRIUM_UF_ATTR0 + ATRIUM_USER_ATTR_OFFICE_LOCATION) |
    ATRIUM_UF_BIT(ATRIUM_UF_ATTR0 + ATRIUM_USER_ATTR_PREFERRED_LANGUAGE);

static int delegated_only(const struct atrium_principal *who, struct atrium_errinfo *e)
{
    if (who && who->app_only)
        return atrium_err(e, ATRIUM_EINVAL, "",
                          "/me request is only valid with delegated authentication flow.");
    return 0;
}

int atrium_graph_me_get(const struct atrium_users_env *env, const char *tenant_id,
                        const struct atrium_principal *who, struct atrium_user *ret,
                        struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_me_read, e);
    if (r == 0)
        r = delegated_only(who, e);
    return r < 0 ? r : atrium_graph_user_lookup(env->store, tenant_id, who->user_id, ret, e);
}

/* Apply body to the stored user under the write lock and record it. */
static int write_self(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_principal *who, const json_t *body,
                      struct atrium_errinfo *e)
{
    struct atrium_user u = {0};
    struct atrium_user_changes ch = {0};
    int r = atrium_graph_user_lookup(s, tenant_id, who->user_id, &u, e);
    if (r == 0)
        r = atrium_graph_user_apply(&u, body, false, &ch, e);
    if (r == 0 && (ch.mask & ~self_fields))
        r = atrium_err(e, ATRIUM_EFORBIDDEN, "",
                       "Insufficient privileges to complete the operation.");
    if (r == 0 && (r = s->ops->user_update(s, tenant_id, &u)) < 0)
        r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, u.id) : atrium_graph_store_fail(e, r);
    if (r == 0 && ch.mask)
        r = atrium_graph_user_audit(s, tenant_id, who, "Update user", "Update", &u, ch.mask, e);
    atrium_user_release(&u);
    return r;
}

int atrium_graph_me_update(const struct atrium_users_env *env, const char *tenant_id,
                           const struct atrium_principal *who, const json_t *body,
                           struct atrium_errinfo *e)
{
    struct atrium_store *s = env->store;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_me_write, e);
    if (r == 0)
        r = delegated_only(who, e);
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    if (r < 0)
        return r;
    return atrium_graph_users_txn_end(s, write_self(s, tenant_id, who, body, e), e);
}

int atrium_graph_change_password_body(const json_t *body, const char **ret_current,
                                      const char **ret_new, struct atrium_errinfo *e)
{
    static const char *const allowed[] = {"currentPassword", "newPassword", NULL};
    int r = atrium_json_reject_unknown(body, allowed, "", e);
    if (r == 0)
        r = atrium_json_get_string(body, "currentPassword", true, PASSWORD_MAX, "", ret_current, e);
    if (r == 0)
        r = atrium_json_get_string(body, "newPassword", true, PASSWORD_MAX, "", ret_new, e);
    return r;
}
