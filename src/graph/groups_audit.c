/* SPDX-License-Identifier: MIT */
/*
 * Directory audit entries of the group and role services (graph/audit.h),
 * written inside the change's transaction with Entra's activity names:
 * "Add group", "Update group", "Delete group", "Add member to group",
 * "Remove member from group", "Add owner to group", "Remove owner from
 * group" (GroupManagement); "Add role from template", "Add member to
 * role", "Remove member from role" (RoleManagement). The member comes
 * first among the targets, then the group or role, as Entra lists them.
 */
#include "graph/groups_priv.h"

#include <string.h>

#include "core/err.h"
#include "graph/audit.h"

/* Names of an object for its audit target (looked up; left unset when gone). */
struct named {
    struct atrium_user u;
    struct atrium_group g;
};

static void ref_target(struct atrium_store *s, const char *tenant_id,
                       const struct atrium_member_ref *m, struct named *n,
                       struct atrium_audit_target *t)
{
    memset(t, 0, sizeof(*t));
    t->id = m->id;
    if (m->kind == ATRIUM_MEMBER_GROUP) {
        t->type = "Group";
        if (s->ops->group_get(s, tenant_id, m->id, &n->g) == 0)
            t->display_name = n->g.display_name;
        return;
    }
    t->type = "User";
    if (s->ops->user_get(s, tenant_id, m->id, &n->u) == 0) {
        t->display_name = n->u.display_name;
        t->user_principal_name = n->u.upn;
    }
}

static int record(struct atrium_store *s, const char *tenant_id, const struct atrium_principal *who,
                  const char *category, const char *activity, const char *op,
                  const struct atrium_audit_target *targets, size_t count, struct atrium_errinfo *e)
{
    const struct atrium_audit_event ev = {.category = category,
                                          .activity = activity,
                                          .operation_type = op,
                                          .targets = targets,
                                          .target_count = count};
    int r = atrium_audit_record_by(s, tenant_id, who, &ev);
    if (r < 0)
        return atrium_err(e, r, "", "The audit log could not be written; nothing was changed.");
    return 0;
}

int atrium_graph_group_audit(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_principal *who, const char *activity,
                             const char *op, const struct atrium_group *g,
                             const struct atrium_member_ref *m, struct atrium_errinfo *e)
{
    struct atrium_audit_target targets[2];
    struct named n = {0};
    size_t count = 0;
    if (m)
        ref_target(s, tenant_id, m, &n, &targets[count++]);
    targets[count++] =
        (struct atrium_audit_target){.id = g->id, .display_name = g->display_name, .type = "Group"};
    int r = record(s, tenant_id, who, ATRIUM_AUDIT_CAT_GROUP, activity, op, targets, count, e);
    atrium_user_release(&n.u);
    atrium_group_release(&n.g);
    return r;
}

int atrium_graph_role_audit(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const char *activity,
                            const char *op, const char *template_id, const char *principal_id,
                            struct atrium_errinfo *e)
{
    const struct atrium_role_template *t = atrium_role_template_find(template_id);
    struct atrium_audit_target targets[2];
    struct named n = {0};
    size_t count = 0;
    if (principal_id) {
        struct atrium_member_ref m = {.kind = ATRIUM_MEMBER_USER};
        memcpy(m.id, principal_id, strnlen(principal_id, ATRIUM_UUID_LEN));
        ref_target(s, tenant_id, &m, &n, &targets[count++]);
        targets[0].id = principal_id;
    }
    targets[count++] = (struct atrium_audit_target){
        .id = template_id, .display_name = t ? t->display_name : NULL, .type = "Role"};
    int r = record(s, tenant_id, who, ATRIUM_AUDIT_CAT_ROLE, activity, op, targets, count, e);
    atrium_user_release(&n.u);
    return r;
}
