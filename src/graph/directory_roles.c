/* SPDX-License-Identifier: MIT */
/*
 * Directory roles: the templates, the tenant's activated roles (id = the
 * role template id), their members (users), and the helpers the unified
 * role management API shares: assign, and unassign with the last Global
 * Administrator kept. See groups.h.
 */
#include "graph/groups.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/authz.h"
#include "graph/groups_priv.h"

#define ROLE_PAGE 100      /* assignments read per store call when scanning */
#define ROLE_SCAN_PAGES 20 /* pages of Global Administrators examined at most */

static json_t *template_to_json(const struct atrium_role_template *t)
{
    return json_pack("{s:s, s:n, s:s, s:s}", "id", t->id, "deletedDateTime", "description",
                     t->description, "displayName", t->display_name);
}

json_t *atrium_graph_directory_role_to_json(const struct atrium_role_template *t)
{
    return json_pack("{s:s, s:n, s:s, s:s, s:s}", "id", t->id, "deletedDateTime", "description",
                     t->description, "displayName", t->display_name, "roleTemplateId", t->id);
}

int atrium_graph_role_template_load(const char *id, const struct atrium_role_template **ret,
                                    struct atrium_errinfo *e)
{
    char tid[ATRIUM_UUID_LEN + 1];
    int r = atrium_graph_id(id, "id", tid, e);
    if (r < 0)
        return r;
    *ret = atrium_role_template_find(tid);
    return *ret ? 0 : atrium_graph_not_found(e, tid);
}

int atrium_graph_role_templates(const struct atrium_principal *who, const char *tenant_id,
                                json_t **ret_items, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_read, e);
    if (r < 0)
        return r;
    json_t *items = json_array();
    for (const struct atrium_role_template *t = atrium_role_templates; t->id; t++)
        json_array_append_new(items, template_to_json(t));
    *ret_items = items;
    return 0;
}

int atrium_graph_role_template_get(const struct atrium_principal *who, const char *tenant_id,
                                   const char *id, json_t **ret, struct atrium_errinfo *e)
{
    const struct atrium_role_template *t;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_read, e);
    if (r == 0)
        r = atrium_graph_role_template_load(id, &t, e);
    if (r == 0)
        *ret = template_to_json(t);
    return r;
}

/* The active template ids of the tenant, Global Administrator included. */
static int active_ids(struct atrium_store *s, const char *tenant_id, char ***ret_ids,
                      size_t *ret_count, struct atrium_errinfo *e)
{
    int r = s->ops->directory_role_active(s, tenant_id, ret_ids, ret_count);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

static void free_ids(char **ids, size_t count)
{
    for (size_t i = 0; i < count; i++)
        xfree(ids[i]);
    xfree(ids);
}

int atrium_graph_role_is_active(struct atrium_store *s, const char *tenant_id,
                                const char *template_id, bool *ret, struct atrium_errinfo *e)
{
    char **ids = NULL;
    size_t count = 0;
    *ret = strcmp(template_id, ATRIUM_ROLE_GLOBAL_ADMIN) == 0;
    if (*ret)
        return 0;
    int r = active_ids(s, tenant_id, &ids, &count, e);
    for (size_t i = 0; r == 0 && i < count && !*ret; i++)
        *ret = atrium_str_ieq(ids[i], template_id);
    free_ids(ids, count);
    return r;
}

int atrium_graph_directory_roles(struct atrium_store *s, const char *tenant_id,
                                 const struct atrium_principal *who, json_t **ret_items,
                                 struct atrium_errinfo *e)
{
    char **ids = NULL;
    size_t count = 0;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_read, e);
    if (r == 0)
        r = active_ids(s, tenant_id, &ids, &count, e);
    if (r < 0)
        return r;
    json_t *items = json_array();
    /* In template table order: Global Administrator first, always. */
    for (const struct atrium_role_template *t = atrium_role_templates; t->id; t++) {
        bool active = strcmp(t->id, ATRIUM_ROLE_GLOBAL_ADMIN) == 0;
        for (size_t i = 0; i < count && !active; i++)
            active = atrium_str_ieq(ids[i], t->id);
        if (active)
            json_array_append_new(items, atrium_graph_directory_role_to_json(t));
    }
    free_ids(ids, count);
    *ret_items = items;
    return 0;
}

/* The active role of path id; 404 for an unknown template or one not activated here. */
static int active_role(struct atrium_store *s, const char *tenant_id, const char *id,
                       const struct atrium_role_template **ret, struct atrium_errinfo *e)
{
    bool active = false;
    int r = atrium_graph_role_template_load(id, ret, e);
    if (r == 0)
        r = atrium_graph_role_is_active(s, tenant_id, (*ret)->id, &active, e);
    if (r == 0 && !active)
        r = atrium_graph_not_found(e, (*ret)->id);
    return r;
}

int atrium_graph_directory_role_get(struct atrium_store *s, const char *tenant_id,
                                    const struct atrium_principal *who, const char *id,
                                    json_t **ret, struct atrium_errinfo *e)
{
    const struct atrium_role_template *t;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_read, e);
    if (r == 0)
        r = active_role(s, tenant_id, id, &t, e);
    if (r == 0)
        *ret = atrium_graph_directory_role_to_json(t);
    return r;
}

static int conflict(struct atrium_errinfo *e, const char *field)
{
    return atrium_err(e, ATRIUM_EINVAL, field,
                      "A conflicting object with one or more of the specified property values is "
                      "present in the directory.");
}

static int activate_locked(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const struct atrium_role_template *t,
                           struct atrium_errinfo *e)
{
    bool active = false;
    int r = atrium_graph_role_is_active(s, tenant_id, t->id, &active, e);
    if (r < 0)
        return r;
    if (active)
        return conflict(e, "roleTemplateId");
    r = s->ops->directory_role_activate(s, tenant_id, t->id, atrium_now());
    if (r == ATRIUM_ECONFLICT)
        return conflict(e, "roleTemplateId");
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    return atrium_graph_role_audit(s, tenant_id, who, "Add role from template", "Add", t->id, NULL,
                                   e);
}

int atrium_graph_directory_role_activate(struct atrium_store *s, const char *tenant_id,
                                         const struct atrium_principal *who, const json_t *body,
                                         json_t **ret, struct atrium_errinfo *e)
{
    const struct atrium_role_template *t = NULL;
    const char *key;
    json_t *v;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_write, e);
    json_object_foreach((json_t *)body, key, v)
    {
        if (r == 0 && strcmp(key, "roleTemplateId") != 0 && strcmp(key, "@odata.type") != 0)
            r = atrium_err(e, ATRIUM_EINVAL, key,
                           "Property '%s' cannot be set when activating a directory role.", key);
    }
    if (r == 0)
        r = atrium_graph_role_template_load(
            json_string_value(json_object_get(body, "roleTemplateId")), &t, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    r = atrium_graph_txn_end(s, activate_locked(s, tenant_id, who, t, e), e);
    if (r == 0)
        *ret = atrium_graph_directory_role_to_json(t);
    return r;
}

/* A role holder as a directoryObject: a user, or a group (store-made assignments). */
static int render_principal(struct atrium_store *s, const char *tenant_id, const char *id,
                            json_t *items, struct atrium_errinfo *e)
{
    struct atrium_member_ref m = {.kind = ATRIUM_MEMBER_USER};
    json_t *obj = NULL;
    snprintf(m.id, sizeof(m.id), "%s", id);
    int r = atrium_graph_dirobj_render(s, tenant_id, &m, &obj, e);
    if (r == 0 && !obj) {
        m.kind = ATRIUM_MEMBER_GROUP;
        r = atrium_graph_dirobj_render(s, tenant_id, &m, &obj, e);
    }
    if (obj)
        json_array_append_new(items, obj);
    return r;
}

int atrium_graph_directory_role_members(struct atrium_store *s, const char *tenant_id,
                                        const struct atrium_principal *who, const char *role_id,
                                        const struct atrium_odata_query *q, json_t **ret_items,
                                        char ret_next[ATRIUM_UUID_LEN + 1],
                                        struct atrium_errinfo *e)
{
    const struct atrium_role_template *t;
    struct atrium_role_assignment_list l = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_read, e);
    if (r == 0)
        r = active_role(s, tenant_id, role_id, &t, e);
    if (r == 0 && (r = s->ops->role_assignment_list(s, tenant_id, t->id, NULL, q->after_id,
                                                    q->top + 1, &l)) < 0)
        r = atrium_graph_store_fail(e, r);
    if (r < 0)
        return r;
    ret_next[0] = '\0';
    if (l.count > q->top) {
        l.count = q->top;
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", l.items[l.count - 1].id);
    }
    json_t *items = json_array();
    for (size_t i = 0; r == 0 && i < l.count; i++)
        r = render_principal(s, tenant_id, l.items[i].principal_id, items, e);
    atrium_role_assignment_list_release(&l);
    if (r < 0) {
        json_decref(items);
        return r;
    }
    *ret_items = items;
    return 0;
}

int atrium_graph_role_assign_user(struct atrium_store *s, const char *tenant_id,
                                  const struct atrium_principal *who, const char *template_id,
                                  const char *user_id, const char *property,
                                  struct atrium_role_assignment *ret, struct atrium_errinfo *e)
{
    struct atrium_role_assignment a = {.created = atrium_now()};
    atrium_uuid_v4(a.id);
    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tenant_id);
    snprintf(a.role_template_id, sizeof(a.role_template_id), "%s", template_id);
    snprintf(a.principal_id, sizeof(a.principal_id), "%s", user_id);
    /* Assigning a role activates it for good, as in Entra: it stays listed once empty. */
    int r = s->ops->directory_role_activate(s, tenant_id, template_id, a.created);
    if (r < 0 && r != ATRIUM_ECONFLICT)
        return atrium_graph_store_fail(e, r);
    r = s->ops->role_assign(s, tenant_id, &a);
    if (r == ATRIUM_ECONFLICT)
        return property ? atrium_graph_ref_exists(e, property) : conflict(e, "principalId");
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, user_id);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    r = atrium_graph_role_audit(s, tenant_id, who, "Add member to role", "Assign", template_id,
                                user_id, e);
    if (r == 0 && ret)
        *ret = a;
    return r;
}

/*
 * Does an enabled user other than assignment except_id hold Global
 * Administrator? Bounded: past ROLE_SCAN_PAGES pages the answer is "no"
 * (the removal is refused rather than risked).
 */
static int other_global_admin(struct atrium_store *s, const char *tenant_id, const char *except_id,
                              bool *ret)
{
    char after[ATRIUM_UUID_LEN + 1] = "";
    *ret = false;
    for (int page = 0; page < ROLE_SCAN_PAGES; page++) {
        struct atrium_role_assignment_list l = {0};
        int r = s->ops->role_assignment_list(s, tenant_id, ATRIUM_ROLE_GLOBAL_ADMIN, NULL, after,
                                             ROLE_PAGE, &l);
        for (size_t i = 0; r == 0 && i < l.count && !*ret; i++) {
            struct atrium_user u = {0};
            if (strcmp(l.items[i].id, except_id) == 0)
                continue;
            int g = s->ops->user_get(s, tenant_id, l.items[i].principal_id, &u);
            if (g < 0 && g != ATRIUM_ENOTFOUND)
                r = g;
            *ret = g == 0 && u.account_enabled;
            atrium_user_release(&u);
        }
        bool last = l.count < ROLE_PAGE;
        if (l.count)
            snprintf(after, sizeof(after), "%s", l.items[l.count - 1].id);
        atrium_role_assignment_list_release(&l);
        if (r < 0 || *ret || last)
            return r;
    }
    return 0;
}

int atrium_graph_role_unassign(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *who,
                               const struct atrium_role_assignment *a, struct atrium_errinfo *e)
{
    if (strcmp(a->role_template_id, ATRIUM_ROLE_GLOBAL_ADMIN) == 0) {
        bool other = false;
        int r = other_global_admin(s, tenant_id, a->id, &other);
        if (r < 0)
            return atrium_graph_store_fail(e, r);
        if (!other)
            return atrium_err(e, ATRIUM_EINVAL, "",
                              "The last Global Administrator of the tenant cannot be removed; "
                              "assign the role to another enabled user first.");
    }
    int r = s->ops->role_assignment_delete(s, tenant_id, a->id);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, a->id);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    return atrium_graph_role_audit(s, tenant_id, who, "Remove member from role", "Unassign",
                                   a->role_template_id, a->principal_id, e);
}

int atrium_graph_directory_role_member_add(struct atrium_store *s, const char *tenant_id,
                                           const struct atrium_principal *who, const char *role_id,
                                           const json_t *body, struct atrium_errinfo *e)
{
    const struct atrium_role_template *t;
    struct atrium_member_ref m;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_write, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    r = active_role(s, tenant_id, role_id, &t, e);
    if (r == 0)
        r = atrium_graph_ref_body(s, tenant_id, body, &m, e);
    if (r == 0 && m.kind != ATRIUM_MEMBER_USER)
        r = atrium_err(e, ATRIUM_EINVAL, "@odata.id",
                       "Only users can be members of a directory "
                       "role.");
    if (r == 0)
        r = atrium_graph_role_assign_user(s, tenant_id, who, t->id, m.id, "members", NULL, e);
    return atrium_graph_txn_end(s, r, e);
}

/* Find the assignment of template_id to member_id and remove it. */
static int remove_member(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_principal *who, const char *role_id,
                         const char *member_id, struct atrium_errinfo *e)
{
    const struct atrium_role_template *t;
    struct atrium_role_assignment_list l = {0};
    char mid[ATRIUM_UUID_LEN + 1];
    int r = active_role(s, tenant_id, role_id, &t, e);
    if (r == 0)
        r = atrium_graph_id(member_id, "memberId", mid, e);
    if (r == 0 && (r = s->ops->role_assignment_list(s, tenant_id, t->id, mid, NULL, 1, &l)) < 0)
        r = atrium_graph_store_fail(e, r);
    if (r == 0 && l.count == 0)
        r = atrium_graph_not_found(e, mid);
    if (r == 0)
        r = atrium_graph_role_unassign(s, tenant_id, who, &l.items[0], e);
    atrium_role_assignment_list_release(&l);
    return r;
}

int atrium_graph_directory_role_member_remove(struct atrium_store *s, const char *tenant_id,
                                              const struct atrium_principal *who,
                                              const char *role_id, const char *member_id,
                                              struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_roles_write, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    return atrium_graph_txn_end(s, remove_member(s, tenant_id, who, role_id, member_id, e), e);
}
