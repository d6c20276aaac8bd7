/* SPDX-License-Identifier: MIT */
/*
 * App role assignments: granting an application permission (admin consent)
 * or an app role to a service principal, user or group on a resource
 * service principal, revoking it, listing both directions, and the Graph
 * rendering. See apps.h.
 */
#include "graph/apps.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/audit.h"
#include "graph/authz.h"
#include "store/store_builtin.h"

#define DEFAULT_ACCESS_ROLE "00000000-0000-0000-0000-000000000000"

/* What kind of directory object principal_id is, and its name (heap). ENOTFOUND when none. */
static int principal_kind(struct atrium_store *s, const char *tenant_id, const char *id,
                          const char **ret_type, char **ret_name)
{
    struct atrium_service_principal sp = {0};
    struct atrium_user u = {0};
    struct atrium_group g = {0};
    int r = s->oauth->sp_get(s, tenant_id, id, &sp);
    if (r == 0) {
        *ret_type = "ServicePrincipal";
        *ret_name = xstrdup(sp.display_name);
        atrium_service_principal_release(&sp);
        return 0;
    }
    if (r == ATRIUM_ENOTFOUND && (r = s->ops->user_get(s, tenant_id, id, &u)) == 0) {
        *ret_type = "User";
        *ret_name = xstrdup(u.display_name);
        atrium_user_release(&u);
        return 0;
    }
    if (r == ATRIUM_ENOTFOUND && (r = s->ops->group_get(s, tenant_id, id, &g)) == 0) {
        *ret_type = "Group";
        *ret_name = xstrdup(g.display_name);
        atrium_group_release(&g);
        return 0;
    }
    return r;
}

/* Authorize, create the built-ins if needed, and load the service principal named by id. */
static int load_sp(struct atrium_store *s, const char *tenant_id,
                   const struct atrium_principal *who, const struct atrium_authz_rule *rule,
                   const char *id, struct atrium_service_principal *ret, struct atrium_errinfo *e)
{
    char oid[ATRIUM_UUID_LEN + 1];
    int r = atrium_authz_require(who, tenant_id, rule, e);
    if (r == 0 && (r = atrium_store_ensure_builtin_principals(s, tenant_id)) < 0)
        r = atrium_graph_store_fail(e, r);
    if (r == 0)
        r = atrium_graph_id(id, "id", oid, e);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    r = s->oauth->sp_get(s, tenant_id, oid, ret);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, oid);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

/* Is role_id an enabled app role of def open to member_type ("Application" or "User")? */
static bool role_allowed(const json_t *def, const char *role_id, const char *member_type)
{
    size_t i;
    json_t *role;
    json_array_foreach(json_object_get(def, "appRoles"), i, role)
    {
        const char *id = json_string_value(json_object_get(role, "id"));
        if (!id || !atrium_str_ieq(id, role_id))
            continue;
        if (json_is_false(json_object_get(role, "isEnabled")))
            return false;
        size_t j;
        json_t *t;
        json_array_foreach(json_object_get(role, "allowedMemberTypes"), j,
                           t) if (json_is_string(t) &&
                                  strcmp(json_string_value(t), member_type) == 0) return true;
        return false;
    }
    return false;
}

/* The three ids of the body, checked as GUIDs. */
static int assignment_request(const json_t *body, struct atrium_app_role_assignment *a,
                              struct atrium_errinfo *e)
{
    static const char *const allowed[] = {"principalId", "resourceId", "appRoleId", NULL};
    static const char *const names[] = {"principalId", "resourceId", "appRoleId"};
    char *const out[] = {a->principal_id, a->resource_id, a->app_role_id};
    int r = atrium_json_reject_unknown(body, allowed, "", e);
    for (size_t i = 0; r == 0 && i < 3; i++) {
        const char *v = NULL;
        r = atrium_json_get_string(body, names[i], true, ATRIUM_UUID_LEN + 8, "", &v, e);
        if (r == 0)
            r = atrium_graph_id(v, names[i], out[i], e);
    }
    return r;
}

/* The principal exists in the tenant and the role is open to its kind. */
static int check_role(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_service_principal *resource,
                      const struct atrium_app_role_assignment *a, struct atrium_errinfo *e)
{
    const char *type = NULL;
    char *name = NULL;
    int r = principal_kind(s, tenant_id, a->principal_id, &type, &name);
    xfree(name);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, a->principal_id);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (strcmp(a->app_role_id, DEFAULT_ACCESS_ROLE) == 0)
        return 0;
    json_t *def = NULL;
    if ((r = atrium_graph_sp_definition(s, resource, &def, e)) < 0)
        return r;
    bool ok = role_allowed(def, a->app_role_id,
                           strcmp(type, "ServicePrincipal") == 0 ? "Application" : "User");
    json_decref(def);
    if (!ok)
        return atrium_err(e, ATRIUM_EINVAL, "appRoleId",
                          "Permission being assigned was not found on application '%s': no "
                          "enabled app role '%s' for a %s.",
                          resource->app_id, a->app_role_id, type);
    return 0;
}

/* Entra's activity name for an assignment to (or from) a principal of type. */
static const char *assignment_activity(const char *type, bool added)
{
    if (strcmp(type, "User") == 0)
        return added ? "Add app role assignment grant to user"
                     : "Remove app role assignment from user";
    if (strcmp(type, "Group") == 0)
        return added ? "Add app role assignment to group" : "Remove app role assignment from group";
    return added ? "Add app role assignment to service principal"
                 : "Remove app role assignment from service principal";
}

/* The audit entry of an assignment: the principal (with the role) and the resource. */
static int audit_assignment(struct atrium_store *s, const struct atrium_principal *who,
                            const struct atrium_service_principal *resource,
                            const struct atrium_app_role_assignment *a, bool added,
                            struct atrium_errinfo *e)
{
    const char *type = "ServicePrincipal";
    AUTO_FREE char *name = NULL;
    int r = principal_kind(s, resource->tenant_id, a->principal_id, &type, &name);
    if (r < 0 && r != ATRIUM_ENOTFOUND)
        return atrium_graph_store_fail(e, r);
    const struct atrium_audit_change changes[] = {
        {"AppRole.Id", added ? NULL : a->app_role_id, added ? a->app_role_id : NULL},
        {"AppRoleAssignment.Id", added ? NULL : a->id, added ? a->id : NULL},
        {"ServicePrincipal.ObjectID", NULL, resource->id},
        {"ServicePrincipal.AppId", NULL, resource->app_id},
    };
    const struct atrium_audit_target targets[] = {
        {.id = a->principal_id,
         .display_name = name,
         .type = type,
         .changes = changes,
         .change_count = 4},
        {.id = resource->id, .display_name = resource->display_name, .type = "ServicePrincipal"},
    };
    const struct atrium_audit_event ev = {.category = ATRIUM_AUDIT_CAT_APP,
                                          .activity = assignment_activity(type, added),
                                          .operation_type = added ? "Assign" : "Unassign",
                                          .targets = targets,
                                          .target_count = 2};
    r = atrium_audit_record_by(s, resource->tenant_id, who, &ev);
    if (r < 0)
        return atrium_err(e, r, "", "The audit log could not be written; nothing was changed.");
    return 0;
}

/* Insert a with its audit entry in one transaction. */
static int insert_assignment(struct atrium_store *s, const struct atrium_principal *who,
                             const struct atrium_service_principal *resource,
                             const struct atrium_app_role_assignment *a, struct atrium_errinfo *e)
{
    int r = atrium_store_begin(s);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    r = s->oauth->app_role_assignment_insert(s, a->tenant_id, a);
    if (r == ATRIUM_ECONFLICT)
        atrium_err(e, r, "appRoleId", "Permission being assigned already exists on the object.");
    else if (r == ATRIUM_ENOTFOUND)
        atrium_graph_not_found(e, a->principal_id);
    else if (r < 0)
        atrium_graph_store_fail(e, r);
    if (r == 0)
        r = audit_assignment(s, who, resource, a, true, e);
    return atrium_graph_txn_end(s, r, e);
}

int atrium_graph_assignment_create(struct atrium_store *s, const char *tenant_id,
                                   const struct atrium_principal *who, const char *resource_id,
                                   const json_t *body, struct atrium_app_role_assignment *ret,
                                   struct atrium_errinfo *e)
{
    struct atrium_service_principal resource = {0};
    struct atrium_app_role_assignment a = {0};
    int r = load_sp(s, tenant_id, who, &atrium_authz_consent_write, resource_id, &resource, e);
    if (r == 0)
        r = assignment_request(body, &a, e);
    if (r == 0 && strcmp(a.resource_id, resource.id) != 0)
        r = atrium_err(e, ATRIUM_EINVAL, "resourceId",
                       "Property 'resourceId' must be the id of the service principal in the "
                       "request URL.");
    if (r == 0)
        r = check_role(s, tenant_id, &resource, &a, e);
    if (r == 0) {
        atrium_uuid_v4(a.id);
        snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tenant_id);
        a.created = atrium_now();
        r = insert_assignment(s, who, &resource, &a, e);
    }
    atrium_service_principal_release(&resource);
    if (r == 0)
        *ret = a;
    return r;
}

int atrium_graph_assignment_list(struct atrium_store *s, const char *tenant_id,
                                 const struct atrium_principal *who, const char *sp_id,
                                 bool of_resource, struct atrium_app_role_assignment_list *ret,
                                 struct atrium_errinfo *e)
{
    struct atrium_service_principal sp = {0};
    int r = load_sp(s, tenant_id, who, &atrium_authz_apps_read, sp_id, &sp, e);
    memset(ret, 0, sizeof(*ret));
    if (r == 0) {
        r = of_resource ? s->oauth->app_role_assignments_of_resource(s, tenant_id, sp.id, ret)
                        : s->oauth->app_role_assignments_of_principal(s, tenant_id, sp.id, ret);
        if (r < 0)
            atrium_graph_store_fail(e, r);
    }
    atrium_service_principal_release(&sp);
    return r;
}

int atrium_graph_assignment_delete(struct atrium_store *s, const char *tenant_id,
                                   const struct atrium_principal *who, const char *resource_id,
                                   const char *assignment_id, struct atrium_errinfo *e)
{
    struct atrium_service_principal sp = {0};
    struct atrium_app_role_assignment_list l = {0};
    char aid[ATRIUM_UUID_LEN + 1];
    int r = load_sp(s, tenant_id, who, &atrium_authz_consent_write, resource_id, &sp, e);
    if (r == 0)
        r = atrium_graph_id(assignment_id, "id", aid, e);
    if (r == 0 && (r = s->oauth->app_role_assignments_of_resource(s, tenant_id, sp.id, &l)) < 0)
        atrium_graph_store_fail(e, r);
    const struct atrium_app_role_assignment *found = NULL;
    for (size_t i = 0; r == 0 && i < l.count && !found; i++)
        if (strcmp(l.items[i].id, aid) == 0)
            found = &l.items[i];
    if (r == 0 && !found)
        r = atrium_graph_not_found(e, aid);
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        r = atrium_graph_store_fail(e, r);
    else if (r == 0) {
        if ((r = s->oauth->app_role_assignment_delete(s, tenant_id, aid)) < 0)
            r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, aid)
                                      : atrium_graph_store_fail(e, r);
        if (r == 0)
            r = audit_assignment(s, who, &sp, found, false, e);
        r = atrium_graph_txn_end(s, r, e);
    }
    atrium_app_role_assignment_list_release(&l);
    atrium_service_principal_release(&sp);
    return r;
}

int atrium_graph_assignment_render(struct atrium_store *s,
                                   const struct atrium_app_role_assignment *a, json_t **ret,
                                   struct atrium_errinfo *e)
{
    const char *type = "ServicePrincipal";
    AUTO_FREE char *principal_name = NULL;
    struct atrium_service_principal resource = {0};
    int r = principal_kind(s, a->tenant_id, a->principal_id, &type, &principal_name);
    if (r < 0 && r != ATRIUM_ENOTFOUND)
        return atrium_graph_store_fail(e, r);
    r = s->oauth->sp_get(s, a->tenant_id, a->resource_id, &resource);
    if (r < 0 && r != ATRIUM_ENOTFOUND)
        return atrium_graph_store_fail(e, r);
    char created[ATRIUM_ISO8601_LEN + 1];
    atrium_iso8601(a->created, created);
    *ret = json_pack("{s:s, s:s, s:s, s:n, s:s?, s:s, s:s, s:s?, s:s}", "id", a->id, "appRoleId",
                     a->app_role_id, "createdDateTime", created, "deletedDateTime",
                     "principalDisplayName", principal_name, "principalId", a->principal_id,
                     "principalType", type, "resourceDisplayName", resource.display_name,
                     "resourceId", a->resource_id);
    atrium_service_principal_release(&resource);
    return 0;
}
