/* SPDX-License-Identifier: MIT */
/*
 * Who may read and manage users (the rules of users_api.h), the per-target
 * limits of user management, and the helpers every users service shares:
 * loading a user by id or UPN, the audit entry, the transaction end.
 */
#include "graph/users_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "graph/apps_priv.h"
#include "graph/audit.h"
#include "graph/authz.h"
#include "model/audit.h"
#include "model/directory_role.h"

#define ROLE_PRIVILEGED_ROLE_ADMIN "e8611ab8-c189-46e8-94e1-60213ab1f814"

static const char *const read_permissions[] = {
    "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All", NULL};
static const char *const write_permissions[] = {"User.ReadWrite.All", "Directory.ReadWrite.All",
                                                NULL};
static const char *const write_roles[] = {ATRIUM_ROLE_GLOBAL_ADMIN, ATRIUM_ROLE_USER_ADMIN, NULL};
static const char *const update_roles[] = {ATRIUM_ROLE_GLOBAL_ADMIN, ATRIUM_ROLE_USER_ADMIN,
                                           ATRIUM_ROLE_HELPDESK_ADMIN, NULL};
static const char *const me_read_scopes[] = {"User.Read",
                                             "User.ReadWrite",
                                             "User.Read.All",
                                             "User.ReadWrite.All",
                                             "Directory.Read.All",
                                             "Directory.ReadWrite.All",
                                             NULL};
static const char *const me_write_scopes[] = {"User.ReadWrite", "User.ReadWrite.All",
                                              "Directory.ReadWrite.All",
                                              "Directory.AccessAsUser.All", NULL};
static const char *const org_read_permissions[] = {
    "Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All",
    "Directory.ReadWrite.All", NULL};
static const char *const org_read_scopes[] = {
    "User.Read",          "Organization.Read.All",   "Organization.ReadWrite.All",
    "Directory.Read.All", "Directory.ReadWrite.All", NULL};
static const char *const org_write_permissions[] = {"Organization.ReadWrite.All", NULL};
static const char *const org_write_scopes[] = {"Organization.ReadWrite.All",
                                               "Directory.ReadWrite.All", NULL};
static const char *const org_write_roles[] = {ATRIUM_ROLE_GLOBAL_ADMIN, NULL};

const struct atrium_authz_rule atrium_authz_users_read = {
    .name = "users.read",
    .app_permissions = read_permissions,
    .delegated_scopes = read_permissions,
    .directory_roles = NULL,
};

const struct atrium_authz_rule atrium_authz_users_write = {
    .name = "users.write",
    .app_permissions = write_permissions,
    .delegated_scopes = write_permissions,
    .directory_roles = write_roles,
};

const struct atrium_authz_rule atrium_authz_users_update = {
    .name = "users.update",
    .app_permissions = write_permissions,
    .delegated_scopes = write_permissions,
    .directory_roles = update_roles,
};

/* App-only callers pass so that the handler can answer Graph's 400. */
const struct atrium_authz_rule atrium_authz_me_read = {
    .name = "me.read",
    .app_permissions = read_permissions,
    .delegated_scopes = me_read_scopes,
    .directory_roles = NULL,
};

const struct atrium_authz_rule atrium_authz_me_write = {
    .name = "me.write",
    .app_permissions = read_permissions,
    .delegated_scopes = me_write_scopes,
    .directory_roles = NULL,
};

const struct atrium_authz_rule atrium_authz_org_read = {
    .name = "organization.read",
    .app_permissions = org_read_permissions,
    .delegated_scopes = org_read_scopes,
    .directory_roles = NULL,
};

const struct atrium_authz_rule atrium_authz_org_write = {
    .name = "organization.write",
    .app_permissions = org_write_permissions,
    .delegated_scopes = org_write_scopes,
    .directory_roles = org_write_roles,
};

static int forbidden(struct atrium_errinfo *e)
{
    return atrium_err(e, ATRIUM_EFORBIDDEN, "",
                      "Insufficient privileges to complete the operation.");
}

/* Does the target hold any role, and one of the highest (Global / Privileged Role Admin)? */
static int target_roles(struct atrium_store *s, const char *tenant_id, const char *user_id,
                        bool *ret_any, bool *ret_top, struct atrium_errinfo *e)
{
    struct atrium_role_assignment_list l = {0};
    int r = s->ops->role_assignments_for(s, tenant_id, user_id, &l);
    if (r == ATRIUM_ENOTFOUND)
        r = 0;
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    *ret_any = l.count > 0;
    *ret_top = false;
    for (size_t i = 0; i < l.count; i++)
        *ret_top = *ret_top ||
                   atrium_str_ieq(l.items[i].role_template_id, ATRIUM_ROLE_GLOBAL_ADMIN) ||
                   atrium_str_ieq(l.items[i].role_template_id, ROLE_PRIVILEGED_ROLE_ADMIN);
    atrium_role_assignment_list_release(&l);
    return 0;
}

int atrium_graph_user_may_manage(struct atrium_store *s, const char *tenant_id,
                                 const struct atrium_principal *who,
                                 const struct atrium_user *target, bool password_only,
                                 bool resets_password, struct atrium_errinfo *e)
{
    bool any = false, top = false;
    int r = target_roles(s, tenant_id, target->id, &any, &top, e);
    if (r < 0)
        return r;
    if (who->app_only)
        return any || resets_password ? forbidden(e) : 0;
    if (atrium_principal_has_role(who, ATRIUM_ROLE_GLOBAL_ADMIN))
        return 0;
    if (atrium_principal_has_role(who, ATRIUM_ROLE_USER_ADMIN))
        return top ? forbidden(e) : 0;
    if (atrium_principal_has_role(who, ATRIUM_ROLE_HELPDESK_ADMIN))
        return password_only && !any ? 0 : forbidden(e);
    return forbidden(e);
}

int atrium_graph_user_lookup(struct atrium_store *s, const char *tenant_id, const char *id_or_upn,
                             struct atrium_user *ret, struct atrium_errinfo *e)
{
    char shown[ATRIUM_UPN_MAX + 1];
    int r;
    memset(ret, 0, sizeof(*ret));
    if (!id_or_upn || !*id_or_upn || strlen(id_or_upn) > ATRIUM_UPN_MAX)
        r = ATRIUM_ENOTFOUND;
    else if (atrium_uuid_is_valid(id_or_upn)) {
        char id[ATRIUM_UUID_LEN + 1];
        snprintf(id, sizeof(id), "%s", id_or_upn);
        r = s->ops->user_get(s, tenant_id, atrium_str_lower(id), ret);
    } else
        r = s->ops->user_get_by_upn(s, tenant_id, id_or_upn, ret);
    if (r == ATRIUM_ENOTFOUND) {
        snprintf(shown, sizeof(shown), "%s", id_or_upn ? id_or_upn : "");
        for (char *c = shown; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\'')
                *c = '?';
        return atrium_graph_not_found(e, shown);
    }
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

int atrium_graph_user_audit(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const char *activity,
                            const char *operation_type, const struct atrium_user *u, uint32_t mask,
                            struct atrium_errinfo *e)
{
    struct atrium_audit_change changes[ATRIUM_UF__MAX];
    size_t n = 0;
    for (int f = 0; f < ATRIUM_UF__MAX; f++)
        if (mask & ATRIUM_UF_BIT(f))
            changes[n++] = (struct atrium_audit_change){
                atrium_graph_user_field_name((enum atrium_user_field)f), NULL, NULL};
    const struct atrium_audit_target target = {.id = u->id,
                                               .display_name = u->display_name,
                                               .type = "User",
                                               .user_principal_name = u->upn,
                                               .changes = changes,
                                               .change_count = n};
    return atrium_audit_one_by(s, tenant_id, who, ATRIUM_AUDIT_CAT_USER, activity, operation_type,
                               &target, e);
}

int atrium_graph_users_txn_end(struct atrium_store *s, int rc, struct atrium_errinfo *e)
{
    return atrium_graph_txn_end(s, rc, e);
}
