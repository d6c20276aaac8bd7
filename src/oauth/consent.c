/* SPDX-License-Identifier: MIT */
/*
 * User consent from the hosted consent screen (oauth.h
 * atrium_oauth_consent_grant): the permissions a request asks for,
 * resolved by scopes.c, checked for ones only an administrator may grant,
 * then recorded as the user's Principal oauth2PermissionGrant of the
 * client on the resource, creating the client's service principal in the
 * tenant first when it has none (a multi-tenant app of another tenant used
 * here for the first time, as Entra does), with the directory audit
 * entries ("Add service principal", "Consent to application") in the same
 * transaction.
 */
#include "oauth/oauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "model/audit.h"
#include "oauth/oauth_priv.h"
#include "oauth/resource.h"
#include "store/store_builtin.h"

#define GRANT_SCOPE_MAX 4096 /* as the directory API accepts for a grant's scope */

/* Only a single-tenant app of another tenant is unknown here. */
static int check_client(const char *tenant_id, const struct atrium_oauth_client *c,
                        struct atrium_oauth_error *e)
{
    if (c->is_first_party || c->multi_tenant || strcmp(c->home_tenant_id, tenant_id) == 0)
        return 0;
    return atrium_oauth_fail_client_unknown(e, c->app_id, tenant_id);
}

static int admin_required(const struct atrium_oauth_client *c, const char *value,
                          struct atrium_oauth_error *e)
{
    char shown[80];
    return atrium_oauth_fail(e, ATRIUM_EFORBIDDEN, "consent_required", 65001, 400,
                             "The application with ID '%s' asks for the permission '%s', which "
                             "requires admin consent. An administrator must consent to the "
                             "application for the organization.",
                             c->app_id, atrium_oauth_printable(value, shown, sizeof(shown)));
}

static int check_admin(const struct atrium_oauth_client *c, const struct atrium_oauth_resource *r,
                       const json_t *values, struct atrium_oauth_error *e)
{
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v)
    {
        const char *value = json_string_value(v);
        if (!atrium_oauth_is_oidc_scope(value) && atrium_oauth_resource_scope_is_admin(r, value))
            return admin_required(c, value, e);
    }
    return 0;
}

/*
 * A new principal for c in tenant_id. Its definition is the minimal shape:
 * the directory API renders a principal's permissions and names live from
 * its application.
 */
static int create_sp(struct atrium_store *s, const char *tenant_id,
                     const struct atrium_oauth_client *c, char ret_id[ATRIUM_UUID_LEN + 1])
{
    AUTO_FREE char *def = xasprintf("{\"appRoles\":[],\"oauth2PermissionScopes\":[],"
                                    "\"servicePrincipalNames\":[\"%s\"],\"replyUrls\":[]}",
                                    c->app_id);
    struct atrium_service_principal sp = {.display_name = c->display_name,
                                          .definition = def,
                                          .account_enabled = true,
                                          .created = atrium_now()};
    atrium_uuid_v4(sp.id);
    snprintf(sp.tenant_id, sizeof(sp.tenant_id), "%s", tenant_id);
    snprintf(sp.app_id, sizeof(sp.app_id), "%s", c->app_id);
    snprintf(sp.app_owner_tenant_id, sizeof(sp.app_owner_tenant_id), "%s", c->home_tenant_id);
    int rc = s->oauth->sp_insert(s, tenant_id, &sp);
    if (rc == 0)
        memcpy(ret_id, sp.id, sizeof(sp.id));
    return rc;
}

/*
 * The client's service principal in tenant_id (created when missing, then
 * *ret_created is set) into ret_id.
 */
static int ensure_sp(struct atrium_store *s, const char *tenant_id,
                     const struct atrium_oauth_client *c, char ret_id[ATRIUM_UUID_LEN + 1],
                     bool *ret_created)
{
    struct atrium_service_principal sp = {0};
    int rc = s->oauth->sp_get_by_app_id(s, tenant_id, c->app_id, &sp);
    if (rc == ATRIUM_ENOTFOUND && c->is_first_party) {
        rc = atrium_store_ensure_builtin_principals(s, tenant_id);
        if (rc == 0)
            rc = s->oauth->sp_get_by_app_id(s, tenant_id, c->app_id, &sp);
    }
    if (rc == 0)
        memcpy(ret_id, sp.id, sizeof(sp.id));
    atrium_service_principal_release(&sp);
    if (rc == ATRIUM_ENOTFOUND && !c->is_first_party) {
        rc = create_sp(s, tenant_id, c, ret_id);
        *ret_created = rc == 0;
    }
    return rc;
}

/* Join set with spaces; ATRIUM_ETOOBIG over GRANT_SCOPE_MAX. *ret: heap. */
static int join_bounded(const json_t *set, char **ret)
{
    struct atrium_buf b;
    size_t i;
    json_t *v;
    int rc = 0;
    atrium_buf_init(&b, GRANT_SCOPE_MAX);
    json_array_foreach(set, i, v)
    {
        if (rc == 0 && b.len)
            rc = atrium_buf_puts(&b, " ");
        if (rc == 0)
            rc = atrium_buf_puts(&b, json_string_value(v));
    }
    *ret = rc == 0 ? atrium_buf_take(&b) : NULL;
    atrium_buf_release(&b);
    return rc;
}

/* The words of scope text into set (no duplicates, any case). */
static void add_words(json_t *set, const char *text)
{
    AUTO_FREE char *copy = xstrdup(text ? text : "");
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
        atrium_oauth_set_add(set, w);
}

/* The user's grant of the client on the resource, if any, from l. */
static const struct atrium_oauth2_grant *user_grant(const struct atrium_oauth2_grant_list *l,
                                                    const char *resource_sp, const char *user_id)
{
    for (size_t i = 0; i < l->count; i++) {
        const struct atrium_oauth2_grant *g = &l->items[i];
        if (strcmp(g->resource_id, resource_sp) == 0 && strcmp(g->principal_id, user_id) == 0 &&
            atrium_str_ieq(g->consent_type, ATRIUM_CONSENT_PRINCIPAL))
            return g;
    }
    return NULL;
}

static int insert_grant(struct atrium_store *s, const char *tenant_id, const char *client_sp,
                        const char *resource_sp, const char *user_id, char *scope)
{
    struct atrium_oauth2_grant g = {
        .consent_type = ATRIUM_CONSENT_PRINCIPAL, .scope = scope, .created = atrium_now()};
    atrium_uuid_v4(g.id);
    snprintf(g.tenant_id, sizeof(g.tenant_id), "%s", tenant_id);
    snprintf(g.client_id, sizeof(g.client_id), "%s", client_sp);
    snprintf(g.resource_id, sizeof(g.resource_id), "%s", resource_sp);
    snprintf(g.principal_id, sizeof(g.principal_id), "%s", user_id);
    return s->oauth->grant_insert(s, tenant_id, &g);
}

/* Insert the user's grant with values, or extend its scope with the ones it lacks. */
static int upsert_grant(struct atrium_store *s, const char *tenant_id, const char *client_sp,
                        const char *resource_sp, const char *user_id, const json_t *values,
                        struct atrium_oauth_error *e)
{
    struct atrium_oauth2_grant_list l = {0};
    int rc = s->oauth->grant_list(s, tenant_id, client_sp, &l);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    const struct atrium_oauth2_grant *g = user_grant(&l, resource_sp, user_id);
    json_t *set = json_array(), *v;
    size_t i;
    add_words(set, g ? g->scope : NULL);
    size_t before = json_array_size(set);
    json_array_foreach(values, i, v)
    {
        atrium_oauth_set_add(set, json_string_value(v));
    }
    char *scope = NULL;
    if (g && json_array_size(set) == before) {
        rc = 0; /* nothing new */
    } else if ((rc = join_bounded(set, &scope)) < 0) {
        atrium_oauth_fail(e, rc, "invalid_scope", 0, 400,
                          "The consented permissions exceed %d characters.", GRANT_SCOPE_MAX);
    } else {
        rc = g ? s->oauth->grant_update_scope(s, tenant_id, g->id, scope)
               : insert_grant(s, tenant_id, client_sp, resource_sp, user_id, scope);
        if (rc < 0)
            atrium_oauth_fail_store(e, rc);
    }
    free(scope);
    json_decref(set);
    atrium_oauth2_grant_list_release(&l);
    return rc;
}

/* Append an entry to the directory audit log (model/audit.h), in the open transaction. */
static int audit(struct atrium_store *s, const char *tenant_id,
                 const struct atrium_audit_actor *actor, const struct atrium_audit_event *ev)
{
    struct atrium_directory_audit a = {0};
    int rc = atrium_directory_audit_build(tenant_id, actor, ev, atrium_now(), &a);
    if (rc == 0)
        rc = s->ops->audit_insert(s, &a);
    atrium_directory_audit_release(&a);
    return rc;
}

/*
 * "Consent to application" by the user (the permissions consented to now),
 * after "Add service principal" when the consent created the client's
 * principal in this tenant.
 */
static int audit_consent(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_oauth_client *c, const char *client_sp,
                         bool sp_created, const char *user_id, const json_t *values)
{
    if (json_array_size(values) == 0 && !sp_created)
        return 0; /* nothing was granted */
    struct atrium_user u = {0};
    s->ops->user_get(s, tenant_id, user_id, &u); /* names only: an id alone is fine */
    const struct atrium_audit_actor actor = {.kind = ATRIUM_AUDIT_BY_USER,
                                             .id = user_id,
                                             .user_principal_name = u.upn,
                                             .display_name = u.display_name};
    AUTO_FREE char *scope = NULL;
    join_bounded(values, &scope);
    const struct atrium_audit_change changes[] = {
        {"ConsentContext.IsAdminConsent", NULL, "False"},
        {"ConsentAction.Permissions", NULL, scope},
        {"AppId", NULL, c->app_id},
    };
    struct atrium_audit_target target = {.id = client_sp,
                                         .display_name = c->display_name,
                                         .type = "ServicePrincipal",
                                         .changes = changes,
                                         .change_count = 3};
    struct atrium_audit_event ev = {.category = ATRIUM_AUDIT_CAT_APP,
                                    .activity = "Add service principal",
                                    .operation_type = "Add",
                                    .targets = &target,
                                    .target_count = 1};
    int rc = 0;
    if (sp_created) {
        target.changes = &changes[2];
        target.change_count = 1;
        rc = audit(s, tenant_id, &actor, &ev);
        target.changes = changes;
        target.change_count = 3;
    }
    ev.activity = "Consent to application";
    ev.operation_type = "Assign";
    if (rc == 0 && json_array_size(values) > 0)
        rc = audit(s, tenant_id, &actor, &ev);
    atrium_user_release(&u);
    return rc;
}

/* The principal and the grant, with their audit entries, in one transaction. */
static int record(struct atrium_store *s, const char *tenant_id,
                  const struct atrium_oauth_client *c, const struct atrium_oauth_resource *r,
                  const char *user_id, const json_t *values, struct atrium_oauth_error *e)
{
    char client_sp[ATRIUM_UUID_LEN + 1] = "";
    bool sp_created = false;
    int rc = atrium_store_begin(s);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    if ((rc = ensure_sp(s, tenant_id, c, client_sp, &sp_created)) < 0)
        atrium_oauth_fail_store(e, rc);
    else if (json_array_size(values) > 0)
        rc = upsert_grant(s, tenant_id, client_sp, r->sp.id, user_id, values, e);
    if (rc == 0 &&
        (rc = audit_consent(s, tenant_id, c, client_sp, sp_created, user_id, values)) < 0)
        atrium_oauth_fail_store(e, rc);
    if (rc == 0 && (rc = atrium_store_commit(s)) < 0)
        atrium_oauth_fail_store(e, rc);
    if (rc < 0)
        atrium_store_rollback(s);
    return rc;
}

int atrium_oauth_consent_grant(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_oauth_client *c, const char *user_id,
                               const char *scope, struct atrium_oauth_error *e)
{
    struct atrium_oauth_resource r = {0};
    json_t *values = NULL;
    if (!s->oauth)
        return atrium_oauth_fail_store(e, ATRIUM_ESTORE);
    if (!tenant_id || !atrium_uuid_is_valid(tenant_id) || !user_id ||
        !atrium_uuid_is_valid(user_id))
        return atrium_oauth_fail(e, ATRIUM_EINTERNAL, "server_error", 0, 500,
                                 "The consent request is incomplete.");
    int rc = check_client(tenant_id, c, e);
    if (rc == 0)
        rc = atrium_oauth_scopes_requested(s, tenant_id, c, scope, &r, &values, e);
    if (rc == 0)
        rc = check_admin(c, &r, values, e);
    if (rc == 0)
        rc = record(s, tenant_id, c, &r, user_id, values, e);
    json_decref(values);
    atrium_oauth_resource_release(&r);
    return rc;
}
