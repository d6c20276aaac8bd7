/* SPDX-License-Identifier: MIT */
/*
 * What a user or group is a member of: memberOf and transitiveMemberOf
 * (groups, then the directory roles held), checkMemberGroups and
 * getMemberGroups, all over the bounded walks of store/store_groups.h.
 * See groups.h.
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
#include "store/store_groups.h"

static const char *const dirobj_select[] = {"id",           "displayName",     "description",
                                            "mailNickname", "mailEnabled",     "securityEnabled",
                                            "groupTypes",   "createdDateTime", "userPrincipalName",
                                            "givenName",    "surname",         "mail",
                                            "jobTitle",     "roleTemplateId",  NULL};

const struct atrium_odata_spec atrium_graph_dirobj_odata = {
    .filter_eq = NULL,
    .filter_startswith = NULL,
    .select = dirobj_select,
};

/* The directory roles object_id holds, as directoryRole objects, appended to items. */
static int append_roles(struct atrium_store *s, const char *tenant_id, const char *object_id,
                        json_t *items, struct atrium_errinfo *e)
{
    struct atrium_role_assignment_list l = {0};
    int r = s->ops->role_assignments_for(s, tenant_id, object_id, &l);
    for (size_t i = 0; r == 0 && i < l.count; i++) {
        const struct atrium_role_template *t =
            atrium_role_template_find(l.items[i].role_template_id);
        if (!t)
            continue;
        json_t *o = json_pack("{s:s}", "@odata.type", "#microsoft.graph.directoryRole");
        json_t *role = atrium_graph_directory_role_to_json(t);
        json_object_update(o, role);
        json_decref(role);
        json_array_append_new(items, o);
    }
    atrium_role_assignment_list_release(&l);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

/* One page of the direct groups of object_id. */
static int direct_groups(struct atrium_store *s, const char *tenant_id, const char *object_id,
                         const struct atrium_odata_query *q, json_t *items,
                         char ret_next[ATRIUM_UUID_LEN + 1], struct atrium_errinfo *e)
{
    struct atrium_group_list l = {0};
    int r = s->ops->group_memberships_of(s, tenant_id, object_id, q->after_id, q->top + 1, &l);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (l.count > q->top) {
        atrium_group_release(&l.items[q->top]);
        l.count = q->top;
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", l.items[l.count - 1].id);
    }
    for (size_t i = 0; i < l.count; i++)
        json_array_append_new(items, atrium_graph_group_dirobj(&l.items[i]));
    atrium_group_list_release(&l);
    return 0;
}

/* The transitive closure of object_id upward; EINVAL when it is too large to be complete. */
static int closure_of(struct atrium_store *s, const char *tenant_id, const char *object_id,
                      bool security_only, struct atrium_group_closure *ret,
                      struct atrium_errinfo *e)
{
    int r = atrium_store_group_transitive_of(s, tenant_id, object_id, 0, security_only, ret);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (ret->truncated) {
        atrium_group_closure_release(ret);
        return atrium_err(e, ATRIUM_EINVAL, "",
                          "The object is a member of more than %d groups; its memberships "
                          "cannot be listed.",
                          ATRIUM_GROUP_EXPAND_MAX);
    }
    return 0;
}

/* One page of the transitive groups of object_id. */
static int transitive_groups(struct atrium_store *s, const char *tenant_id, const char *object_id,
                             const struct atrium_odata_query *q, json_t *items,
                             char ret_next[ATRIUM_UUID_LEN + 1], struct atrium_errinfo *e)
{
    struct atrium_group_closure c = {0};
    int r = closure_of(s, tenant_id, object_id, false, &c, e);
    if (r < 0)
        return r;
    size_t from = atrium_graph_closure_after(&c, q->after_id), n = c.count - from;
    if (n > q->top) {
        n = q->top;
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", c.items[from + n - 1].id);
    }
    r = atrium_graph_render_refs(s, tenant_id, c.items + from, n, items, e);
    atrium_group_closure_release(&c);
    return r;
}

int atrium_graph_member_of(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, enum atrium_member_kind kind,
                           const char *id, bool transitive, const struct atrium_odata_query *q,
                           json_t **ret_items, char ret_next[ATRIUM_UUID_LEN + 1],
                           struct atrium_errinfo *e)
{
    struct atrium_member_ref obj;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_read, e);
    if (r == 0)
        r = atrium_graph_object_load(s, tenant_id, kind, id, &obj, e);
    if (r < 0)
        return r;
    ret_next[0] = '\0';
    json_t *items = json_array();
    if (!q->after_id[0])
        r = append_roles(s, tenant_id, obj.id, items, e); /* on the first page */
    if (r == 0)
        r = transitive ? transitive_groups(s, tenant_id, obj.id, q, items, ret_next, e)
                       : direct_groups(s, tenant_id, obj.id, q, items, ret_next, e);
    if (r < 0) {
        json_decref(items);
        return r;
    }
    *ret_items = items;
    return 0;
}

int atrium_graph_expand(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *who, enum atrium_member_kind kind,
                        const char *id, json_t *obj, struct atrium_errinfo *e)
{
    struct atrium_odata_query q;
    char next[ATRIUM_UUID_LEN + 1];
    json_t *items = NULL;
    atrium_odata_query_init(&q);
    q.top = ATRIUM_GRAPH_EXPAND_MAX;
    int r = kind == ATRIUM_MEMBER_GROUP
                ? atrium_graph_group_links(s, tenant_id, who, id, ATRIUM_GROUP_MEMBERS, &q, &items,
                                           next, e)
                : atrium_graph_member_of(s, tenant_id, who, kind, id, false, &q, &items, next, e);
    atrium_odata_query_release(&q);
    if (r < 0)
        return r;
    while (json_array_size(items) > ATRIUM_GRAPH_EXPAND_MAX) /* roles come first */
        json_array_remove(items, json_array_size(items) - 1);
    if (!obj) {
        json_decref(items);
        return ATRIUM_EINTERNAL;
    }
    json_object_set_new(obj, kind == ATRIUM_MEMBER_GROUP ? "members" : "memberOf", items);
    return 0;
}

/* The groupIds of a checkMemberGroups body, checked. */
static int group_ids(const json_t *body, const json_t **ret, struct atrium_errinfo *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (strcmp(key, "groupIds") != 0)
            return atrium_err(e, ATRIUM_EINVAL, key, "Property '%s' is not allowed here.", key);
    }
    const json_t *ids = json_object_get(body, "groupIds");
    if (!json_is_array(ids))
        return atrium_err(e, ATRIUM_EINVAL, "groupIds", "'groupIds' must be an array of ids.");
    if (json_array_size(ids) > ATRIUM_GROUP_CHECK_IDS_MAX)
        return atrium_err(e, ATRIUM_EINVAL, "groupIds",
                          "At most %d group ids can be checked in one request.",
                          ATRIUM_GROUP_CHECK_IDS_MAX);
    for (size_t i = 0; i < json_array_size(ids); i++) {
        char id[ATRIUM_UUID_LEN + 1];
        int r = atrium_graph_id(json_string_value(json_array_get(ids, i)), "groupIds", id, e);
        if (r < 0)
            return r;
    }
    *ret = ids;
    return 0;
}

int atrium_graph_check_member_groups(struct atrium_store *s, const char *tenant_id,
                                     const struct atrium_principal *who,
                                     enum atrium_member_kind kind, const char *id,
                                     const json_t *body, json_t **ret, struct atrium_errinfo *e)
{
    struct atrium_member_ref obj;
    struct atrium_group_closure c = {0};
    const json_t *ids = NULL;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_read, e);
    if (r == 0)
        r = atrium_graph_object_load(s, tenant_id, kind, id, &obj, e);
    if (r == 0)
        r = group_ids(body, &ids, e);
    if (r == 0)
        r = closure_of(s, tenant_id, obj.id, false, &c, e);
    if (r < 0)
        return r;
    json_t *value = json_array();
    for (size_t i = 0; i < json_array_size(ids); i++) {
        char gid[ATRIUM_UUID_LEN + 1];
        atrium_graph_id(json_string_value(json_array_get(ids, i)), "groupIds", gid, NULL);
        bool listed = false;
        for (size_t j = 0; j < json_array_size(value) && !listed; j++)
            listed = strcmp(json_string_value(json_array_get(value, j)), gid) == 0;
        if (!listed && atrium_group_closure_has(&c, gid))
            json_array_append_new(value, json_string(gid));
    }
    atrium_group_closure_release(&c);
    *ret = value;
    return 0;
}

int atrium_graph_get_member_groups(struct atrium_store *s, const char *tenant_id,
                                   const struct atrium_principal *who, enum atrium_member_kind kind,
                                   const char *id, const json_t *body, json_t **ret,
                                   struct atrium_errinfo *e)
{
    struct atrium_member_ref obj;
    struct atrium_group_closure c = {0};
    const char *key;
    json_t *v;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_read, e);
    if (r == 0)
        r = atrium_graph_object_load(s, tenant_id, kind, id, &obj, e);
    json_object_foreach((json_t *)body, key, v)
    {
        if (r == 0 && strcmp(key, "securityEnabledOnly") != 0)
            r = atrium_err(e, ATRIUM_EINVAL, key, "Property '%s' is not allowed here.", key);
    }
    const json_t *only = json_object_get(body, "securityEnabledOnly");
    if (r == 0 && !json_is_boolean(only))
        r = atrium_err(e, ATRIUM_EINVAL, "securityEnabledOnly",
                       "'securityEnabledOnly' (a boolean) is required.");
    if (r == 0)
        r = closure_of(s, tenant_id, obj.id, json_is_true(only), &c, e);
    if (r < 0)
        return r;
    json_t *value = json_array();
    for (size_t i = 0; i < c.count; i++)
        json_array_append_new(value, json_string(c.items[i].id));
    atrium_group_closure_release(&c);
    *ret = value;
    return 0;
}
