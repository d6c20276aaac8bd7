/* SPDX-License-Identifier: MIT */
/*
 * Unified role management (/roleManagement/directory): the built-in role
 * templates as unifiedRoleDefinitions (id = template id) and the tenant's
 * role assignments as unifiedRoleAssignments, the same rows directoryRoles
 * members show. See groups.h.
 */
#include "graph/groups.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/authz.h"
#include "graph/groups_priv.h"

static const char *const def_filter_eq[] = {"id", "displayName", "templateId", NULL};
static const char *const def_filter_startswith[] = {"displayName", NULL};
static const char *const def_select[] = {
    "id",         "description",     "displayName", "isBuiltIn", "isEnabled", "resourceScopes",
    "templateId", "rolePermissions", "version",     NULL};

const struct atrium_odata_spec atrium_graph_role_definition_odata = {
    .filter_eq = def_filter_eq,
    .filter_startswith = def_filter_startswith,
    .select = def_select,
};

static const char *const ra_filter_eq[] = {"id", "principalId", "roleDefinitionId", NULL};
static const char *const ra_select[] = {
    "id", "principalId", "roleDefinitionId", "directoryScopeId", "appScopeId", "condition", NULL};

const struct atrium_odata_spec atrium_graph_role_assignment_odata = {
    .filter_eq = ra_filter_eq,
    .filter_startswith = NULL,
    .select = ra_select,
};

static json_t *definition_to_json(const struct atrium_role_template *t)
{
    return json_pack("{s:s, s:s, s:s, s:b, s:b, s:[s], s:s, s:s, s:[{s:[], s:n}]}", "id", t->id,
                     "description", t->description, "displayName", t->display_name, "isBuiltIn", 1,
                     "isEnabled", 1, "resourceScopes", "/", "templateId", t->id, "version", "1",
                     "rolePermissions", "allowedResourceActions", "condition");
}

json_t *atrium_graph_role_assignment_to_json(const struct atrium_role_assignment *a)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:n, s:n}", "id", a->id, "principalId", a->principal_id,
                     "roleDefinitionId", a->role_template_id, "directoryScopeId", "/", "appScopeId",
                     "condition");
}

static bool definition_match(const struct atrium_role_template *t,
                             const struct atrium_odata_filter *f)
{
    if (f->op == ATRIUM_ODATA_NONE)
        return true;
    if (strcmp(f->property, "displayName") == 0)
        return atrium_odata_filter_match(f, t->display_name);
    return atrium_odata_filter_match(f, t->id); /* id, templateId */
}

int atrium_graph_role_definitions(const struct atrium_principal *who, const char *tenant_id,
                                  const struct atrium_odata_query *q, json_t **ret_items,
                                  struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_read, e);
    if (r < 0)
        return r;
    json_t *items = json_array();
    for (const struct atrium_role_template *t = atrium_role_templates; t->id; t++)
        if (definition_match(t, &q->filter))
            json_array_append_new(items, definition_to_json(t));
    *ret_items = items;
    return 0;
}

int atrium_graph_role_definition_get(const struct atrium_principal *who, const char *tenant_id,
                                     const char *id, json_t **ret, struct atrium_errinfo *e)
{
    const struct atrium_role_template *t;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_read, e);
    if (r == 0)
        r = atrium_graph_role_template_load(id, &t, e);
    if (r == 0)
        *ret = definition_to_json(t);
    return r;
}

static int load_assignment(struct atrium_store *s, const char *tenant_id, const char *id,
                           struct atrium_role_assignment *ret, struct atrium_errinfo *e)
{
    char aid[ATRIUM_UUID_LEN + 1];
    int r = atrium_graph_id(id, "id", aid, e);
    if (r < 0)
        return r;
    r = s->ops->role_assignment_get(s, tenant_id, aid, ret);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, aid);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

int atrium_graph_role_assignment_get(struct atrium_store *s, const char *tenant_id,
                                     const struct atrium_principal *who, const char *id,
                                     struct atrium_role_assignment *ret, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_read, e);
    return r < 0 ? r : load_assignment(s, tenant_id, id, ret, e);
}

int atrium_graph_role_assignment_list(struct atrium_store *s, const char *tenant_id,
                                      const struct atrium_principal *who,
                                      const struct atrium_odata_query *q,
                                      struct atrium_role_assignment_list *ret,
                                      char ret_next[ATRIUM_UUID_LEN + 1], struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_read, e);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    ret_next[0] = '\0';
    char value[ATRIUM_UUID_LEN + 1] = "";
    const char *role = NULL, *principal = NULL;
    if (q->filter.op == ATRIUM_ODATA_EQ) {
        /* Every filterable property is a GUID: anything else matches nothing. */
        if (!atrium_uuid_is_valid(q->filter.value))
            return 0;
        snprintf(value, sizeof(value), "%s", q->filter.value);
        atrium_str_lower(value);
        if (strcmp(q->filter.property, "id") == 0) {
            struct atrium_role_assignment a = {0};
            r = s->ops->role_assignment_get(s, tenant_id, value, &a);
            if (r == ATRIUM_ENOTFOUND || (r == 0 && strcmp(a.id, q->after_id) <= 0))
                return 0;
            if (r < 0)
                return atrium_graph_store_fail(e, r);
            ret->items = xmalloc(sizeof(*ret->items));
            ret->items[0] = a;
            ret->count = 1;
            return 0;
        }
        if (strcmp(q->filter.property, "principalId") == 0)
            principal = value;
        else
            role = value;
    }
    r = s->ops->role_assignment_list(s, tenant_id, role, principal, q->after_id, q->top + 1, ret);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (ret->count > q->top) {
        ret->count = q->top;
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", ret->items[ret->count - 1].id);
    }
    return 0;
}

/* The members of a create body, checked; borrowed. */
static int parse_create(const json_t *body, const char **ret_principal, const char **ret_role,
                        struct atrium_errinfo *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        bool ok = strcmp(key, "principalId") == 0 || strcmp(key, "roleDefinitionId") == 0;
        if (strcmp(key, "directoryScopeId") == 0)
            ok = json_is_string(v) && strcmp(json_string_value(v), "/") == 0;
        else if (strcmp(key, "appScopeId") == 0 || strcmp(key, "condition") == 0)
            ok = json_is_null(v);
        else if (strcmp(key, "@odata.type") == 0)
            ok = json_is_string(v) &&
                 strcmp(json_string_value(v), "#microsoft.graph.unifiedRoleAssignment") == 0;
        if (!ok)
            return atrium_err(e, ATRIUM_EINVAL, key,
                              "Property '%s' is not supported here (directoryScopeId must be "
                              "\"/\").",
                              key);
    }
    *ret_principal = json_string_value(json_object_get(body, "principalId"));
    *ret_role = json_string_value(json_object_get(body, "roleDefinitionId"));
    if (!*ret_principal || !*ret_role)
        return atrium_err(e, ATRIUM_EINVAL, *ret_principal ? "roleDefinitionId" : "principalId",
                          "Properties 'principalId' and 'roleDefinitionId' are required.");
    return 0;
}

static int create_locked(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_principal *who, const char *principal,
                         const char *role, struct atrium_role_assignment *ret,
                         struct atrium_errinfo *e)
{
    const struct atrium_role_template *t;
    char pid[ATRIUM_UUID_LEN + 1];
    struct atrium_user u = {0};
    int r = atrium_graph_id(principal, "principalId", pid, e);
    if (r == 0)
        r = atrium_graph_role_template_load(role, &t, e);
    if (r == 0 && (r = s->ops->user_get(s, tenant_id, pid, &u)) < 0)
        r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, pid) : atrium_graph_store_fail(e, r);
    atrium_user_release(&u);
    if (r == 0)
        r = atrium_graph_role_assign_user(s, tenant_id, who, t->id, pid, NULL, ret, e);
    return r;
}

int atrium_graph_role_assignment_create(struct atrium_store *s, const char *tenant_id,
                                        const struct atrium_principal *who, const json_t *body,
                                        struct atrium_role_assignment *ret,
                                        struct atrium_errinfo *e)
{
    const char *principal = NULL, *role = NULL;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_write, e);
    if (r == 0)
        r = parse_create(body, &principal, &role, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    return atrium_graph_txn_end(s, create_locked(s, tenant_id, who, principal, role, ret, e), e);
}

int atrium_graph_role_assignment_delete(struct atrium_store *s, const char *tenant_id,
                                        const struct atrium_principal *who, const char *id,
                                        struct atrium_errinfo *e)
{
    struct atrium_role_assignment a = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_write, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    r = load_assignment(s, tenant_id, id, &a, e);
    if (r == 0)
        r = atrium_graph_role_unassign(s, tenant_id, who, &a, e);
    return atrium_graph_txn_end(s, r, e);
}
