/* SPDX-License-Identifier: MIT */
/*
 * Members and owners of groups: $ref add and remove with the nesting rules
 * (no cycle, at most ATRIUM_GROUP_NESTING_MAX levels), direct member and
 * owner pages, and transitiveMembers. See groups.h.
 */
#include "graph/groups.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/authz.h"
#include "graph/groups_priv.h"
#include "store/store_groups.h"

static int closure_fail(struct atrium_errinfo *e, int r)
{
    return r == ATRIUM_ENOTFOUND ? atrium_err(e, r, "", "A group was deleted meanwhile; retry.")
                                 : atrium_graph_store_fail(e, r);
}

/*
 * May m become a member of group_id? Not the group itself, not a group that
 * (transitively) contains group_id, and the longest new chain of nested
 * groups stays within ATRIUM_GROUP_NESTING_MAX levels.
 */
static int nesting_check(struct atrium_store *s, const char *tenant_id, const char *group_id,
                         const struct atrium_member_ref *m, struct atrium_errinfo *e)
{
    struct atrium_group_closure up = {0}, down = {0};
    bool is_group = m->kind == ATRIUM_MEMBER_GROUP;
    if (is_group && strcmp(m->id, group_id) == 0)
        return atrium_err(e, ATRIUM_EINVAL, "@odata.id", "A group cannot be a member of itself.");
    int r = atrium_store_group_transitive_of(s, tenant_id, group_id, 0, false, &up);
    if (r == 0 && is_group)
        r = atrium_store_group_transitive_members(s, tenant_id, m->id, 0, true, &down);
    if (r < 0) {
        r = closure_fail(e, r);
    } else if (is_group && atrium_group_closure_has(&up, m->id)) {
        r = atrium_err(e, ATRIUM_EINVAL, "@odata.id",
                       "Group '%s' contains group '%s' through nested groups; adding it as a "
                       "member would make a cycle.",
                       m->id, group_id);
    } else {
        /* Levels of the longest chain through the new link (users one below the deepest group). */
        size_t levels = up.depth + 1 + (is_group ? down.depth + 1 : 0);
        if (up.truncated || down.truncated || levels > ATRIUM_GROUP_NESTING_MAX)
            r = atrium_err(e, ATRIUM_EINVAL, "@odata.id",
                           "Groups can be nested at most %d levels deep; this member would "
                           "exceed that.",
                           ATRIUM_GROUP_NESTING_MAX);
    }
    atrium_group_closure_release(&up);
    atrium_group_closure_release(&down);
    return r;
}

int atrium_graph_group_link(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const struct atrium_group *g,
                            enum atrium_group_link link, const struct atrium_member_ref *m,
                            struct atrium_errinfo *e)
{
    bool owners = link == ATRIUM_GROUP_OWNERS;
    int r;
    if (owners) {
        if (m->kind != ATRIUM_MEMBER_USER)
            return atrium_err(e, ATRIUM_EINVAL, "@odata.id",
                              "Only users can be owners of a group.");
        r = s->ops->group_owner_add(s, tenant_id, g->id, m->id);
    } else {
        if ((r = nesting_check(s, tenant_id, g->id, m, e)) < 0)
            return r;
        r = s->ops->group_member_add(s, tenant_id, g->id, m->id);
    }
    if (r == ATRIUM_ECONFLICT)
        return atrium_graph_ref_exists(e, owners ? "owners" : "members");
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, m->id);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    return atrium_graph_group_audit(s, tenant_id, who,
                                    owners ? "Add owner to group" : "Add member to group", "Assign",
                                    g, m, e);
}

int atrium_graph_group_ref_add(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *who, const char *group_id,
                               enum atrium_group_link link, const json_t *body,
                               struct atrium_errinfo *e)
{
    struct atrium_group g = {0};
    struct atrium_member_ref m;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_group_members_write, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    r = atrium_graph_group_load(s, tenant_id, group_id, &g, e);
    if (r == 0)
        r = atrium_graph_ref_body(s, tenant_id, body, &m, e);
    if (r == 0)
        r = atrium_graph_group_link(s, tenant_id, who, &g, link, &m, e);
    atrium_group_release(&g);
    return atrium_graph_txn_end(s, r, e);
}

/* Remove the link of object_id (checked) from g, and audit it. */
static int unlink_locked(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_principal *who, const struct atrium_group *g,
                         enum atrium_group_link link, const char *object_id,
                         struct atrium_errinfo *e)
{
    bool owners = link == ATRIUM_GROUP_OWNERS;
    struct atrium_member_ref m = {.kind = ATRIUM_MEMBER_USER};
    int r = atrium_graph_id(object_id, owners ? "ownerId" : "memberId", m.id, e);
    if (r < 0)
        return r;
    r = owners ? s->ops->group_owner_remove(s, tenant_id, g->id, m.id)
               : s->ops->group_member_remove(s, tenant_id, g->id, m.id);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, m.id);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    struct atrium_group member = {0};
    if (s->ops->group_get(s, tenant_id, m.id, &member) == 0)
        m.kind = ATRIUM_MEMBER_GROUP;
    atrium_group_release(&member);
    return atrium_graph_group_audit(s, tenant_id, who,
                                    owners ? "Remove owner from group" : "Remove member from group",
                                    "Unassign", g, &m, e);
}

int atrium_graph_group_ref_remove(struct atrium_store *s, const char *tenant_id,
                                  const struct atrium_principal *who, const char *group_id,
                                  enum atrium_group_link link, const char *object_id,
                                  struct atrium_errinfo *e)
{
    struct atrium_group g = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_group_members_write, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    r = atrium_graph_group_load(s, tenant_id, group_id, &g, e);
    if (r == 0)
        r = unlink_locked(s, tenant_id, who, &g, link, object_id, e);
    atrium_group_release(&g);
    return atrium_graph_txn_end(s, r, e);
}

int atrium_graph_render_refs(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_member_ref *refs, size_t count, json_t *items,
                             struct atrium_errinfo *e)
{
    for (size_t i = 0; i < count; i++) {
        json_t *obj = NULL;
        int r = atrium_graph_dirobj_render(s, tenant_id, &refs[i], &obj, e);
        if (r < 0)
            return r;
        if (obj)
            json_array_append_new(items, obj);
    }
    return 0;
}

int atrium_graph_group_links(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_principal *who, const char *group_id,
                             enum atrium_group_link link, const struct atrium_odata_query *q,
                             json_t **ret_items, char ret_next[ATRIUM_UUID_LEN + 1],
                             struct atrium_errinfo *e)
{
    char gid[ATRIUM_UUID_LEN + 1];
    struct atrium_member_ref_list l = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_read, e);
    if (r == 0)
        r = atrium_graph_id(group_id, "id", gid, e);
    if (r < 0)
        return r;
    ret_next[0] = '\0';
    r = link == ATRIUM_GROUP_OWNERS
            ? s->ops->group_owner_page(s, tenant_id, gid, q->after_id, q->top + 1, &l)
            : s->ops->group_member_page(s, tenant_id, gid, q->after_id, q->top + 1, &l);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, gid);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (l.count > q->top) {
        l.count = q->top;
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", l.items[l.count - 1].id);
    }
    json_t *items = json_array();
    r = atrium_graph_render_refs(s, tenant_id, l.items, l.count, items, e);
    atrium_member_ref_list_release(&l);
    if (r < 0) {
        json_decref(items);
        return r;
    }
    *ret_items = items;
    return 0;
}

size_t atrium_graph_closure_after(const struct atrium_group_closure *c, const char *after_id)
{
    size_t lo = 0, hi = c->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->items[mid].id, after_id) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int atrium_graph_group_transitive_members(struct atrium_store *s, const char *tenant_id,
                                          const struct atrium_principal *who, const char *group_id,
                                          const struct atrium_odata_query *q, json_t **ret_items,
                                          char ret_next[ATRIUM_UUID_LEN + 1],
                                          struct atrium_errinfo *e)
{
    struct atrium_group g = {0};
    struct atrium_group_closure c = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_read, e);
    if (r == 0)
        r = atrium_graph_group_load(s, tenant_id, group_id, &g, e);
    if (r == 0 && (r = atrium_store_group_transitive_members(s, tenant_id, g.id, 0, false, &c)) < 0)
        r = closure_fail(e, r);
    if (r == 0 && c.truncated)
        r = atrium_err(e, ATRIUM_EINVAL, "",
                       "The group has more than %d transitive members; list its members "
                       "level by level instead.",
                       ATRIUM_GROUP_EXPAND_MAX);
    atrium_group_release(&g);
    if (r < 0) {
        atrium_group_closure_release(&c);
        return r;
    }
    ret_next[0] = '\0';
    size_t from = atrium_graph_closure_after(&c, q->after_id), n = c.count - from;
    if (n > q->top) {
        n = q->top;
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", c.items[from + n - 1].id);
    }
    json_t *items = json_array();
    r = atrium_graph_render_refs(s, tenant_id, c.items + from, n, items, e);
    atrium_group_closure_release(&c);
    if (r < 0) {
        json_decref(items);
        return r;
    }
    *ret_items = items;
    return 0;
}
